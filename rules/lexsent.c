/* hearsay: lexicon sentiment, loader and table (see lexsent.h; the file
 * format is in docs/sentiment.md).
 *
 * A lexicon file is read line by line into one open-addressing hash table
 * keyed by the folded form. One entry per form holds everything the file
 * says about it: a value (word, modifier or symbol line), and whether it
 * is a negation and/or an elision; so the scorer does one lookup per
 * token. Every line is checked and every problem reported; any problem
 * fails the load. Checks that need the whole file (adverb suffixes given
 * after the modifiers they apply to, forms that an elision makes
 * unreachable) run at the end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lexsent_internal.h"

#define LS_FORMAT_VERSION "1"
#define LS_MAX_ENTRIES ((size_t)4 * 1024 * 1024)
#define LS_MAX_FIELDS 6
#define LS_MAX_SUFFIXES 64

/* ls_slot.ref holds a key length and an entry index + 1. */
_Static_assert(LS_MAX_ENTRIES < (1u << 24) && HS_LEXSENT_MAX_FORM < 256,
               "ls_slot.ref too small");

typedef struct ls_field {
	const char *s;
	size_t len;
} ls_field;

typedef struct ls_load {
	hs_lexsent *lx;
	hs_errs *errs;
	const char *name;
	size_t n_err;
	int line;
	bool header;         /* the format line was seen */
	bool stop;           /* unsupported version: read no further */
	int lang_line;
	ls_fold fold;
	char *suffixes[LS_MAX_SUFFIXES]; /* owned: folded adverb suffixes */
	int suffix_line[LS_MAX_SUFFIXES];
	size_t n_suffixes;
	bool oom;
} ls_load;

/* ---- hashing and the table ------------------------------------------------------------ */

/* Put entry k into the free slot of its probe sequence in slots. */
static void slot_put(const hs_lexsent *lx, ls_slot *slots, size_t mask, size_t k)
{
	const ls_entry *e = &lx->entries[k];
	size_t i = e->hash & mask;

	while (slots[i].ref)
		i = (i + 1) & mask;
	slots[i].head = ls_head(lx->keys + e->key, e->key_len);
	slots[i].hash = e->hash;
	slots[i].ref = e->key_len << 24 | (uint32_t)(k + 1);
}

static int table_grow(hs_lexsent *lx)
{
	size_t ncap = lx->slots ? (lx->mask + 1) * 2 : 1024;
	ls_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t k = 0; k < lx->n_entries; k++)
		slot_put(lx, ns, ncap - 1, k);
	free(lx->slots);
	lx->slots = ns;
	lx->mask = ncap - 1;
	return 0;
}

/* The entry for key (folded), created empty if new. NULL on OOM or when
 * the table is full (both reported by the caller). */
static ls_entry *entry_get(hs_lexsent *lx, const char *key, size_t len)
{
	ls_entry *e = (ls_entry *)ls_find(lx, key, len);

	if (e)
		return e;
	if (lx->n_entries >= LS_MAX_ENTRIES)
		return NULL;
	if (!lx->slots || (lx->n_entries + 1) * 2 > lx->mask + 1) {
		if (table_grow(lx))
			return NULL;
	}
	if (lx->n_entries == lx->cap_entries) {
		size_t nc = lx->cap_entries ? lx->cap_entries * 2 : 1024;
		ls_entry *ne = realloc(lx->entries, nc * sizeof(*ne));
		if (!ne)
			return NULL;
		lx->entries = ne;
		lx->cap_entries = nc;
	}
	if (lx->keys_len + len > lx->keys_cap) {
		size_t nc = lx->keys_cap ? lx->keys_cap : 16384;
		char *nk;
		while (nc < lx->keys_len + len)
			nc *= 2;
		nk = realloc(lx->keys, nc + LS_PAD);
		if (!nk)
			return NULL;
		lx->keys = nk;
		lx->keys_cap = nc;
	}
	memcpy(lx->keys + lx->keys_len, key, len);
	memset(lx->keys + lx->keys_len + len, 0, LS_PAD);
	e = &lx->entries[lx->n_entries];
	memset(e, 0, sizeof(*e));
	e->key = (uint32_t)lx->keys_len;
	e->key_len = (uint32_t)len;
	e->hash = ls_hash(key, len);
	e->i = 1.0;
	lx->keys_len += len;
	slot_put(lx, lx->slots, lx->mask, lx->n_entries++);
	return e;
}

/* ---- errors --------------------------------------------------------------------------- */

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static void err(ls_load *ld, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ld->n_err++;
	if (!ld->errs)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hs_errs_add(ld->errs, ld->name, line, 0, "%s", msg);
}

/* A field for a message: at most 40 bytes, cut on a character boundary. */
static int shown(const ls_field *f)
{
	size_t n = f->len;

	if (n > 40) {
		n = 40;
		while (n > 0 && ((unsigned char)f->s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

/* ---- fields --------------------------------------------------------------------------- */

static bool utf8_ok(const unsigned char *s, size_t len)
{
	size_t k = 0;

	while (k < len) {
		unsigned char c = s[k];
		if (c < 0x80) {
			k++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (k + 1 >= len || (s[k + 1] & 0xC0) != 0x80)
				return false;
			k += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (k + 2 >= len || (s[k + 1] & 0xC0) != 0x80 || (s[k + 2] & 0xC0) != 0x80 ||
			    (c == 0xE0 && s[k + 1] < 0xA0) || (c == 0xED && s[k + 1] >= 0xA0))
				return false;
			k += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (k + 3 >= len || (s[k + 1] & 0xC0) != 0x80 || (s[k + 2] & 0xC0) != 0x80 ||
			    (s[k + 3] & 0xC0) != 0x80 || (c == 0xF0 && s[k + 1] < 0x90) ||
			    (c == 0xF4 && s[k + 1] >= 0x90))
				return false;
			k += 4;
		} else {
			return false;
		}
	}
	return true;
}

static bool field_is(const ls_field *f, const char *word)
{
	size_t n = strlen(word);

	return f->len == n && memcmp(f->s, word, n) == 0;
}

/* A decimal number: [+-] digits [. digits] or [+-] . digits, at most 15
 * digits in all (so the value is exact before one division). */
static int parse_num(const ls_field *f, double *out)
{
	const char *s = f->s, *end = f->s + f->len;
	uint64_t mant = 0;
	int digits = 0, frac = 0;
	bool neg = false, dot = false, any_int = false, any_frac = false;
	double v;

	if (s < end && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 15)
				return -1;
			mant = mant * 10 + (uint64_t)(*s - '0');
			if (dot) {
				frac++;
				any_frac = true;
			} else {
				any_int = true;
			}
		} else if (*s == '.' && !dot) {
			dot = true;
		} else {
			return -1;
		}
	}
	if (!any_int && !any_frac)
		return -1;
	if (dot && !any_frac)
		return -1;
	v = (double)mant;
	if (frac > 0) {
		double p10 = 1.0; /* exact: frac <= 15 */
		for (int k = 0; k < frac; k++)
			p10 *= 10.0;
		v /= p10;
	}
	*out = neg ? -v : v;
	return 0;
}

/* Shapes of folded forms. */
enum { SHAPE_BAD, SHAPE_WORD, SHAPE_WORD_APOS, SHAPE_SYMBOL };

/* Classify s[0..len) (folded); *why explains SHAPE_BAD. */
static int form_shape(const char *s, size_t len, const char **why)
{
	int cls;
	bool letter, joiner = false;
	size_t k = 0, chars = 0;

	hs_lexsent_char(s, len, &cls, &letter);
	if (cls == LS_OTHER) {
		while (k < len) {
			k += hs_lexsent_char(s + k, len - k, &cls, &letter);
			chars++;
			if (cls == LS_SPACE) {
				*why = "contains whitespace";
				return SHAPE_BAD;
			}
		}
		if (chars > HS_LEXSENT_MAX_SYMBOL) {
			*why = "is a symbol longer than 8 characters";
			return SHAPE_BAD;
		}
		return SHAPE_SYMBOL;
	}
	if (cls != LS_WORD) {
		*why = "contains whitespace";
		return SHAPE_BAD;
	}
	while (k < len) {
		size_t cl = hs_lexsent_char(s + k, len - k, &cls, &letter);
		if (cls == LS_WORD) {
			joiner = false;
		} else if ((s[k] == '\'' || s[k] == '-') && !joiner && k > 0) {
			joiner = true;
			if (k + 1 == len && s[k] == '\'')
				return SHAPE_WORD_APOS;
		} else {
			*why = cls == LS_SPACE ? "contains whitespace"
			                       : "is neither a word (letters, marks, digits, single "
			                         "' or - between them, one ' at the end) nor a "
			                         "symbol (starting with another character)";
			return SHAPE_BAD;
		}
		k += cl;
	}
	if (joiner) {
		*why = "is neither a word (letters, marks, digits, single ' or - between them, "
		       "one ' at the end) nor a symbol (starting with another character)";
		return SHAPE_BAD;
	}
	return SHAPE_WORD;
}

/* Fold field f for use as a key into ld->fold.out. Returns its shape, or
 * SHAPE_BAD after reporting why. */
static int fold_form(ls_load *ld, const char *what, const ls_field *f)
{
	const char *why = NULL;
	int shape;

	if (hs_lexsent_fold(&ld->fold, f->s, f->len)) {
		ld->oom = true;
		return SHAPE_BAD;
	}
	if (ld->fold.out_len == 0) {
		err(ld, ld->line, "%s '%.*s' is empty after case folding", what, shown(f), f->s);
		return SHAPE_BAD;
	}
	if (ld->fold.out_len > HS_LEXSENT_MAX_FORM) {
		err(ld, ld->line, "%s '%.*s...' is too long (%zu bytes, at most %d)", what,
		    shown(f), f->s, ld->fold.out_len, HS_LEXSENT_MAX_FORM);
		return SHAPE_BAD;
	}
	shape = form_shape(ld->fold.out, ld->fold.out_len, &why);
	if (shape == SHAPE_BAD)
		err(ld, ld->line, "%s '%.*s' %s", what, shown(f), f->s, why);
	return shape;
}

/* ---- directives ----------------------------------------------------------------------- */

static bool want_fields(ls_load *ld, const ls_field *fl, size_t n, size_t want,
                        const char *usage)
{
	if (n < want) {
		err(ld, ld->line, "%.*s: missing field (expected: %s)", shown(&fl[0]), fl[0].s, usage);
		return false;
	}
	if (n > want) {
		err(ld, ld->line, "%.*s: too many fields (expected: %s)", shown(&fl[0]), fl[0].s,
		    usage);
		return false;
	}
	return true;
}

static void do_language(ls_load *ld, const ls_field *fl, size_t n)
{
	const char *s;
	size_t len, k = 0, run = 0;

	if (!want_fields(ld, fl, n, 2, "language CODE"))
		return;
	if (ld->lang_line) {
		err(ld, ld->line, "language given twice (first at line %d)", ld->lang_line);
		return;
	}
	s = fl[1].s;
	len = fl[1].len;
	/* [a-z]{2,3} (-[a-z0-9]{1,8})* */
	while (k < len && s[k] >= 'a' && s[k] <= 'z')
		k++;
	if (k < 2 || k > 3 || len >= sizeof(ld->lx->lang))
		goto bad;
	while (k < len) {
		if (s[k++] != '-')
			goto bad;
		run = 0;
		while (k < len && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9'))) {
			k++;
			run++;
		}
		if (run < 1 || run > 8)
			goto bad;
	}
	memcpy(ld->lx->lang, s, len);
	ld->lx->lang[len] = '\0';
	ld->lang_line = ld->line;
	return;
bad:
	err(ld, ld->line,
	    "invalid language code '%.*s' (lowercase: 2 or 3 letters, optional -subtags, e.g. "
	    "\"nl\", \"pt-br\")",
	    shown(&fl[1]), fl[1].s);
}

static void do_value(ls_load *ld, const ls_field *fl, size_t n, bool modifier)
{
	static const char *const names[3] = { "polarity", "subjectivity", "intensity" };
	double v[3];
	bool ok = true;
	int shape;
	ls_entry *e;

	if (!want_fields(ld, fl, n, 5,
	                 modifier ? "modifier FORM POLARITY SUBJECTIVITY INTENSITY"
	                          : "word FORM POLARITY SUBJECTIVITY INTENSITY"))
		return;
	for (int k = 0; k < 3; k++) {
		if (parse_num(&fl[2 + k], &v[k])) {
			err(ld, ld->line, "%s '%.*s' is not a number", names[k], shown(&fl[2 + k]),
			    fl[2 + k].s);
			ok = false;
		}
	}
	if (ok && (v[0] < -1.0 || v[0] > 1.0)) {
		err(ld, ld->line, "polarity %.*s out of range -1..1", shown(&fl[2]), fl[2].s);
		ok = false;
	}
	if (ok && (v[1] < -1.0 || v[1] > 1.0)) {
		err(ld, ld->line, "subjectivity %.*s out of range -1..1", shown(&fl[3]), fl[3].s);
		ok = false;
	}
	if (ok && (v[2] <= 0.0 || v[2] > HS_LEXSENT_MAX_INTENSITY)) {
		err(ld, ld->line, "intensity %.*s out of range: above 0, at most 10", shown(&fl[4]),
		    fl[4].s);
		ok = false;
	}
	shape = fold_form(ld, "form", &fl[1]);
	if (shape == SHAPE_BAD || !ok)
		return;
	if (shape == SHAPE_SYMBOL && modifier) {
		err(ld, ld->line, "symbol '%.*s' cannot be a modifier (use 'word')", shown(&fl[1]),
		    fl[1].s);
		return;
	}
	e = entry_get(ld->lx, ld->fold.out, ld->fold.out_len);
	if (!e) {
		ld->oom = true;
		return;
	}
	if (e->flags & LS_VALUE) {
		err(ld, ld->line, "duplicate entry for '%.*s' (first at line %d)", shown(&fl[1]),
		    fl[1].s, e->value_line);
		return;
	}
	e->flags |= LS_VALUE | (modifier ? LS_MODIFIER : 0) | (shape == SHAPE_SYMBOL ? LS_SYMBOL : 0);
	e->value_line = ld->line;
	e->p = v[0];
	e->s = v[1];
	e->i = v[2];
	ld->lx->n_values++;
	if (shape == SHAPE_SYMBOL) {
		ld->lx->n_symbols++;
		if (e->key_len > ld->lx->max_symbol)
			ld->lx->max_symbol = e->key_len;
		ld->lx->symbol_first[(unsigned char)ld->fold.out[0]] = true;
	}
}

static void do_flag(ls_load *ld, const ls_field *fl, size_t n, bool elision)
{
	const char *what = elision ? "elision" : "negation";
	int shape;
	ls_entry *e;

	if (!want_fields(ld, fl, n, 2, elision ? "elision PREFIX'" : "negation WORD"))
		return;
	shape = fold_form(ld, what, &fl[1]);
	if (shape == SHAPE_BAD)
		return;
	if (shape == SHAPE_SYMBOL) {
		err(ld, ld->line, "%s '%.*s' must be a word", what, shown(&fl[1]), fl[1].s);
		return;
	}
	if (elision && shape != SHAPE_WORD_APOS) {
		err(ld, ld->line, "elision '%.*s' must end in an apostrophe (e.g. \"l'\")",
		    shown(&fl[1]), fl[1].s);
		return;
	}
	e = entry_get(ld->lx, ld->fold.out, ld->fold.out_len);
	if (!e) {
		ld->oom = true;
		return;
	}
	if (e->flags & (elision ? LS_ELISION : LS_NEGATION)) {
		err(ld, ld->line, "duplicate %s '%.*s' (first at line %d)", what, shown(&fl[1]),
		    fl[1].s, elision ? e->eli_line : e->neg_line);
		return;
	}
	if (elision) {
		e->flags |= LS_ELISION;
		e->eli_line = ld->line;
	} else {
		e->flags |= LS_NEGATION;
		e->neg_line = ld->line;
	}
}

static void do_suffix(ls_load *ld, const ls_field *fl, size_t n)
{
	int shape;

	if (!want_fields(ld, fl, n, 2, "adverb-suffix SUFFIX"))
		return;
	shape = fold_form(ld, "adverb suffix", &fl[1]);
	if (shape == SHAPE_BAD)
		return;
	if (shape != SHAPE_WORD) {
		err(ld, ld->line, "adverb suffix '%.*s' must be a word", shown(&fl[1]), fl[1].s);
		return;
	}
	for (size_t k = 0; k < ld->n_suffixes; k++) {
		if (strcmp(ld->suffixes[k], ld->fold.out) == 0) {
			err(ld, ld->line, "duplicate adverb suffix '%.*s' (first at line %d)",
			    shown(&fl[1]), fl[1].s, ld->suffix_line[k]);
			return;
		}
	}
	if (ld->n_suffixes == LS_MAX_SUFFIXES) {
		err(ld, ld->line, "too many adverb suffixes (at most %d)", LS_MAX_SUFFIXES);
		return;
	}
	ld->suffixes[ld->n_suffixes] = strdup(ld->fold.out);
	if (!ld->suffixes[ld->n_suffixes]) {
		ld->oom = true;
		return;
	}
	ld->suffix_line[ld->n_suffixes++] = ld->line;
}

static void do_line(ls_load *ld, const ls_field *fl, size_t n)
{
	if (field_is(&fl[0], "hearsay-lexicon")) {
		if (ld->header) {
			err(ld, ld->line, "'hearsay-lexicon' repeated");
			return;
		}
		ld->header = true;
		if (!want_fields(ld, fl, n, 2, "hearsay-lexicon 1"))
			return;
		if (!field_is(&fl[1], LS_FORMAT_VERSION)) {
			err(ld, ld->line, "unsupported format version '%.*s' (this hearsay reads 1)",
			    shown(&fl[1]), fl[1].s);
			ld->stop = true;
		}
		return;
	}
	if (!ld->header) {
		err(ld, ld->line, "expected 'hearsay-lexicon 1' before anything else");
		ld->header = true; /* once */
	}
	if (field_is(&fl[0], "language"))
		do_language(ld, fl, n);
	else if (field_is(&fl[0], "word"))
		do_value(ld, fl, n, false);
	else if (field_is(&fl[0], "modifier"))
		do_value(ld, fl, n, true);
	else if (field_is(&fl[0], "negation"))
		do_flag(ld, fl, n, false);
	else if (field_is(&fl[0], "elision"))
		do_flag(ld, fl, n, true);
	else if (field_is(&fl[0], "adverb-suffix"))
		do_suffix(ld, fl, n);
	else
		err(ld, ld->line, "unknown directive '%.*s'", shown(&fl[0]), fl[0].s);
}

/* Checks over the whole file, and the adverb flags. */
static void finish(ls_load *ld)
{
	hs_lexsent *lx = ld->lx;

	for (size_t k = 0; k < lx->n_entries; k++) {
		ls_entry *e = &lx->entries[k];
		const char *key = lx->keys + e->key;
		const char *ap;
		if ((e->flags & LS_MODIFIER)) {
			for (size_t j = 0; j < ld->n_suffixes; j++) {
				size_t sl = strlen(ld->suffixes[j]);
				if (sl <= e->key_len &&
				    memcmp(key + e->key_len - sl, ld->suffixes[j], sl) == 0) {
					e->flags |= LS_ADVERB;
					break;
				}
			}
		}
		if (!(e->flags & (LS_VALUE | LS_NEGATION)) || (e->flags & LS_SYMBOL))
			continue;
		ap = memchr(key, '\'', e->key_len);
		if (ap && (size_t)(ap - key) + 1 < e->key_len) {
			const ls_entry *pre = ls_find(lx, key, (size_t)(ap - key) + 1);
			if (pre && (pre->flags & LS_ELISION))
				err(ld, e->value_line ? e->value_line : e->neg_line,
				    "'%.*s' can never match: text is split after the elision '%.*s' "
				    "(line %d)",
				    (int)e->key_len, key, (int)(ap - key) + 1, key, pre->eli_line);
		}
	}
}

hs_lexsent *hs_lexsent_load_mem(const char *data, size_t len, const char *name,
                                hs_errs *errs)
{
	ls_load ld;
	const char *p, *end;
	hs_lexsent *lx = NULL;

	memset(&ld, 0, sizeof(ld));
	ld.errs = errs;
	ld.name = name ? name : "<lexicon>";
	if (!data && len > 0) {
		err(&ld, 0, "no data");
		goto fail;
	}
	if (len > HS_LEXSENT_MAX_FILE) {
		err(&ld, 0, "too large (%zu bytes, at most %zu)", len, HS_LEXSENT_MAX_FILE);
		goto fail;
	}
	lx = calloc(1, sizeof(*lx));
	if (!lx) {
		ld.oom = true;
		goto fail;
	}
	ld.lx = lx;

	p = data;
	end = data ? data + len : data;
	while (p && p < end && !ld.stop && !ld.oom) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q;
		ls_field fl[LS_MAX_FIELDS];
		size_t n = 0;

		ld.line++;
		if (ld.line == 1 && le - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		if (le > p && le[-1] == '\r')
			le--;
		if (memchr(p, '\0', (size_t)(le - p))) {
			err(&ld, ld.line, "NUL byte in line");
			goto next;
		}
		if (!utf8_ok((const unsigned char *)p, (size_t)(le - p))) {
			err(&ld, ld.line, "invalid UTF-8");
			goto next;
		}
		for (q = p; q < le;) {
			const char *fs;
			while (q < le && (*q == ' ' || *q == '\t'))
				q++;
			if (q == le)
				break;
			if (n == 0 && *q == '#')
				break;
			fs = q;
			while (q < le && *q != ' ' && *q != '\t')
				q++;
			if (n < LS_MAX_FIELDS)
				fl[n] = (ls_field){ fs, (size_t)(q - fs) };
			n++;
		}
		if (n > 0)
			do_line(&ld, fl, n < LS_MAX_FIELDS ? n : LS_MAX_FIELDS);
	next:
		if (!nl)
			break;
		p = nl + 1;
	}
	if (ld.oom)
		goto fail;
	if (!ld.stop) {
		if (!ld.header)
			err(&ld, 0, "not a hearsay lexicon (no 'hearsay-lexicon 1' line)");
		if (!ld.lang_line)
			err(&ld, 0, "no 'language' line");
		if (lx->n_values == 0)
			err(&ld, 0, "no word, modifier or symbol entries");
		finish(&ld);
	}
	if (ld.n_err > 0)
		goto fail;
	for (size_t k = 0; k < ld.n_suffixes; k++)
		free(ld.suffixes[k]);
	hs_lexsent_fold_release(&ld.fold);
	return lx;

fail:
	if (ld.oom)
		err(&ld, 0, "out of memory");
	for (size_t k = 0; k < ld.n_suffixes; k++)
		free(ld.suffixes[k]);
	hs_lexsent_fold_release(&ld.fold);
	hs_lexsent_free(lx);
	return NULL;
}

hs_lexsent *hs_lexsent_load(const char *path, hs_errs *errs)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	hs_lexsent *lx = NULL;

	if (!path) {
		if (errs)
			hs_errs_add(errs, "<lexicon>", 0, 0, "no path given");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		if (errs)
			hs_errs_add(errs, path, 0, 0, "cannot open: %s", strerror(errno));
		goto fail;
	}
	for (;;) {
		size_t got;
		if (len == cap) {
			char *nb;
			if (cap > HS_LEXSENT_MAX_FILE) {
				if (errs)
					hs_errs_add(errs, path, 0, 0, "too large (more than %zu bytes)",
					            HS_LEXSENT_MAX_FILE);
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				if (errs)
					hs_errs_add(errs, path, 0, 0, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				if (errs)
					hs_errs_add(errs, path, 0, 0, "read error");
				goto fail;
			}
			break;
		}
	}
	lx = hs_lexsent_load_mem(buf, len, path, errs);
fail:
	if (f)
		fclose(f);
	free(buf);
	return lx;
}

void hs_lexsent_free(hs_lexsent *lx)
{
	if (!lx)
		return;
	free(lx->keys);
	free(lx->entries);
	free(lx->slots);
	free(lx);
}

const char *hs_lexsent_language(const hs_lexsent *lx)
{
	return lx ? lx->lang : "";
}

size_t hs_lexsent_size(const hs_lexsent *lx)
{
	return lx ? lx->n_values : 0;
}

int hs_lexsent_lookup(const hs_lexsent *lx, const char *form, size_t len,
                      hs_lexsent_entry *out)
{
	ls_fold f;
	const ls_entry *e = NULL;

	memset(&f, 0, sizeof(f));
	if (out) {
		memset(out, 0, sizeof(*out));
		out->intensity = 1.0;
	}
	if (!lx || (!form && len > 0))
		return 0;
	if (hs_lexsent_fold(&f, form ? form : "", len) == 0)
		e = ls_find(lx, f.out, f.out_len);
	hs_lexsent_fold_release(&f);
	if (!e)
		return 0;
	if (out) {
		if (e->flags & LS_VALUE) {
			out->polarity = e->p;
			out->subjectivity = e->s;
			out->intensity = e->i;
			out->has_value = 1;
		}
		out->modifier = (e->flags & LS_MODIFIER) != 0;
		out->symbol = (e->flags & LS_SYMBOL) != 0;
		out->negation = (e->flags & LS_NEGATION) != 0;
		out->elision = (e->flags & LS_ELISION) != 0;
	}
	return 1;
}
