/* hearsay: VADER lexicon loading (see vader.h for the file formats and
 * vader_internal.h for the tables).
 *
 * Both files are read whole, then checked and parsed line by line in one
 * pass; a line with an error is reported and skipped, the others are still
 * read so that every error is reported at once. The tables are sized from
 * the number of lines before parsing (the word table at most a quarter
 * full, the emoji table half), so parsing never reallocates: the keys and
 * descriptions are copied into one buffer each, no bigger than the file
 * (plus the fixed words).
 *
 * The fixed words of the rules (boosters, dampeners, negations and the
 * words compared by name, listed below as the reference defines them) are
 * added to the word table after the lexicon; a word of both gets the flags
 * of both.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vader.h"
#include "vader_internal.h"

/* ---- the fixed words ------------------------------------------------------------ */

/* The negation list of the reference. */
static const char *const vd_negations[] = {
	"ain't", "aint", "aren't", "arent", "can't", "cannot", "cant", "couldn't",
	"couldnt", "daren't", "darent", "despite", "didn't", "didnt", "doesn't", "doesnt",
	"don't", "dont", "hadn't", "hadnt", "hasn't", "hasnt", "haven't", "havent",
	"isn't", "isnt", "mightn't", "mightnt", "mustn't", "mustnt", "needn't", "neednt",
	"neither", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
	"oughtn't", "oughtnt", "rarely", "seldom", "shan't", "shant", "shouldn't",
	"shouldnt", "uh-uh", "uhuh", "wasn't", "wasnt", "weren't", "werent", "without",
	"won't", "wont", "wouldn't", "wouldnt",
};

/* Degree adverbs that raise the intensity of what follows (+0.293). */
static const char *const vd_boosters[] = {
	"absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
	"decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
	"exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flippin",
	"flipping", "frackin", "fracking", "frickin", "fricking", "friggin", "frigging",
	"fuckin", "fucking", "fuggin", "fugging", "fully", "greatly", "hella", "highly",
	"hugely", "incredible", "incredibly", "intensely", "major", "majorly", "more",
	"most", "particularly", "purely", "quite", "really", "remarkably", "so",
	"substantially", "thoroughly", "total", "totally", "tremendous", "tremendously",
	"uber", "unbelievably", "unusually", "utter", "utterly", "very",
};

/* ... and those that lower it (-0.293). The reference's two-word ones
 * ("just enough", "kind of", "sort of") are rules in vader.c. */
static const char *const vd_dampeners[] = {
	"almost", "barely", "hardly", "kind-of", "kinda", "kindof", "less", "little",
	"marginal", "marginally", "occasional", "occasionally", "partly", "scarce",
	"scarcely", "slight", "slightly", "somewhat", "sort-of", "sorta", "sortof",
};

static const struct {
	const char *w;
	uint8_t id;
} vd_named[] = {
	{ "no", VW_NO },           { "but", VW_BUT },         { "kind", VW_KIND },
	{ "of", VW_OF },           { "or", VW_OR },           { "nor", VW_NOR },
	{ "never", VW_NEVER },     { "so", VW_SO },           { "this", VW_THIS },
	{ "without", VW_WITHOUT }, { "doubt", VW_DOUBT },     { "least", VW_LEAST },
	{ "at", VW_AT },           { "very", VW_VERY },       { "the", VW_THE },
	{ "shit", VW_SHIT },       { "bomb", VW_BOMB },       { "bad", VW_BAD },
	{ "ass", VW_ASS },         { "bus", VW_BUS },         { "stop", VW_STOP },
	{ "yeah", VW_YEAH },       { "right", VW_RIGHT },     { "kiss", VW_KISS },
	{ "death", VW_DEATH },     { "to", VW_TO },           { "die", VW_DIE },
	{ "for", VW_FOR },         { "beating", VW_BEATING }, { "heart", VW_HEART },
	{ "broken", VW_BROKEN },   { "just", VW_JUST },       { "enough", VW_ENOUGH },
	{ "sort", VW_SORT },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(sizeof(vd_entry) == 32, "vd_entry is meant to be half a cache line");

/* ---- small helpers ---------------------------------------------------------------- */

static size_t pow2_at_least(size_t n)
{
	size_t p = 16;

	while (p < n)
		p <<= 1;
	return p;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 1;

	for (const char *p = buf; p && (p = memchr(p, '\n', (size_t)(buf + len - p))); p++)
		n++;
	return n;
}

static bool is_valid_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] == 0 || vd_utf8(u + i, len - i, &n) < 0)
			return false;
		i += n;
	}
	return true;
}

/* Parse a decimal number: [+-]digits[.digits][(e|E)[+-]digits] or
 * [+-].digits..., spaces around it allowed. Exact: the result is the
 * double nearest to the decimal value (one correctly rounded operation on
 * exact operands), as Python's float() gives. Refuses more than 15
 * significant digits and decimal exponents beyond +-22 (not needed for a
 * valence, and they would need a full strtod; the C library's one depends
 * on the locale). */
static bool parse_number(const char *s, size_t n, double *out)
{
	static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
		                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
		                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	size_t i = 0;
	bool neg = false, any = false;
	uint64_t m = 0;
	int sig = 0;
	long scale = 0, ex = 0;
	double r;

	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (int frac = 0; frac < 2; frac++) {
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			int d = s[i] - '0';
			any = true;
			if (sig < 15) {
				if (d || sig) {
					m = m * 10 + (uint64_t)d;
					sig++;
				}
				if (frac)
					scale--;
			} else {
				if (d) /* too precise */
					return false;
				if (!frac)
					scale++;
			}
		}
		if (frac || i >= n || s[i] != '.')
			break;
		i++;
	}
	if (!any)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false, edig = false;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			edig = true;
			if (ex < 10000)
				ex = ex * 10 + (s[i] - '0');
		}
		if (!edig)
			return false;
		scale += eneg ? -ex : ex;
	}
	if (i != n)
		return false;
	if (m == 0)
		r = 0.0;
	else if (scale >= 0 && scale <= 22)
		r = (double)m * p10[scale];
	else if (scale < 0 && scale >= -22)
		r = (double)m / p10[-scale];
	else if (scale > 22)
		r = 1e300; /* out of any valence range */
	else
		return false;
	*out = neg ? -r : r;
	return true;
}

/* ---- the word table ----------------------------------------------------------------- */

typedef struct builder {
	hs_vader *v;
	size_t ent_cap;
	size_t keys_len, keys_cap;
} builder;

/* Find or add the entry for key[0..len); NULL if the table is full (cannot
 * happen: it is sized for every line plus the fixed words). */
static vd_entry *word_put(builder *b, const char *key, size_t len)
{
	hs_vader *v = b->v;
	const unsigned char *u = (const unsigned char *)key;
	uint64_t h = vd_hash(u, len);
	uint32_t tag = (uint32_t)(h >> 32) >> v->idx_bits;
	size_t i;

	for (i = (size_t)h & v->mask;; i = (i + 1) & v->mask) {
		uint32_t sl = v->slot[i];
		if (!sl)
			break;
		if ((sl >> v->idx_bits) == tag) {
			vd_entry *e = &v->ent[sl & v->mask];
			if (e->key_len == len && memcmp(v->keys + e->off, key, len) == 0)
				return e;
		}
	}
	if (v->n_ent >= b->ent_cap || b->keys_cap - b->keys_len < len)
		return NULL;
	vd_entry *e = &v->ent[v->n_ent + 1];
	memset(e, 0, sizeof(*e));
	e->key_len = (uint16_t)len;
	e->k[0] = vd_chunk(u, len, 0);
	e->k[1] = vd_chunk(u, len, 1);
	memcpy(v->keys + b->keys_len, key, len);
	e->off = (uint32_t)b->keys_len;
	b->keys_len += len;
	if (len > v->max_key)
		v->max_key = len;
	v->n_ent++;
	v->slot[i] = (uint32_t)(((uint64_t)tag << v->idx_bits) | v->n_ent);
	return e;
}

static int add_fixed(builder *b, const char *const *words, size_t n, uint8_t flag)
{
	for (size_t i = 0; i < n; i++) {
		vd_entry *e = word_put(b, words[i], strlen(words[i]));
		if (!e)
			return -1;
		e->flags |= flag;
	}
	return 0;
}

/* One line of a file, trimmed as the reference's str.strip() does, except
 * that a tab at the start stays (so that "\t1.5" is an empty token rather
 * than a missing tab): [s, s + n), n = 0 for a blank line. Whitespace is
 * Python's (vd_space_len); ill-formed bytes are not whitespace. */
static void trim_line(const char **s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)*s;
	size_t i = 0, end = 0;

	while (i < *n && u[i] != '\t') {
		size_t sl = vd_space_len(u + i, *n - i);
		if (!sl)
			break;
		i += sl;
	}
	*s += i;
	*n -= i;
	u = (const unsigned char *)*s;
	for (i = 0; i < *n;) {
		size_t sl = vd_space_len(u + i, *n - i), cl;
		if (sl) {
			i += sl;
			continue;
		}
		vd_utf8(u + i, *n - i, &cl);
		i += cl;
		end = i;
	}
	*n = end;
}

/* Iterate over the lines of buf: calls fn(ctx, line, len, lineno) for each
 * non-blank trimmed line; returns the number of lines with errors. */
typedef int (*line_fn)(void *ctx, const char *line, size_t len, int lineno);

static size_t for_each_line(const char *buf, size_t len, line_fn fn, void *ctx)
{
	size_t bad = 0;
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *s = buf + pos;
		size_t n = end - pos;

		if (lineno < INT32_MAX)
			lineno++;
		trim_line(&s, &n);
		if (n && fn(ctx, s, n, lineno))
			bad++;
		pos = end + 1;
	}
	return bad;
}

typedef struct lex_ctx {
	builder *b;
	const char *name;
	hs_errs *errs;
	bool oom;
} lex_ctx;

static void report(hs_errs *errs, const char *name, int line, const char *fmt, const char *arg)
{
	if (errs)
		hs_errs_add(errs, name, line, 0, fmt, arg);
}

static int lex_line(void *ud, const char *s, size_t n, int lineno)
{
	lex_ctx *c = ud;
	const char *tab, *val, *vend;
	double valence;
	char shown[48];
	size_t vlen;

	if (!is_valid_utf8(s, n)) {
		report(c->errs, c->name, lineno, "%s", "invalid UTF-8 or NUL byte");
		return 1;
	}
	tab = memchr(s, '\t', n);
	if (!tab) {
		report(c->errs, c->name, lineno, "%s", "missing tab between token and valence");
		return 1;
	}
	if (tab == s) {
		report(c->errs, c->name, lineno, "%s", "empty token");
		return 1;
	}
	if (tab - s > VD_MAX_KEY) {
		report(c->errs, c->name, lineno, "%s", "token longer than 255 bytes");
		return 1;
	}
	val = tab + 1;
	vend = memchr(val, '\t', (size_t)(s + n - val));
	if (!vend)
		vend = s + n;
	vlen = (size_t)(vend - val);
	snprintf(shown, sizeof(shown), "%.*s%s", (int)(vlen > 40 ? 40 : vlen), val,
	         vlen > 40 ? "..." : "");
	if (!parse_number(val, vlen, &valence)) {
		report(c->errs, c->name, lineno, "valence '%s' is not a number", shown);
		return 1;
	}
	if (!(valence >= -4.0 && valence <= 4.0)) {
		report(c->errs, c->name, lineno, "valence %s is out of range -4..4", shown);
		return 1;
	}
	vd_entry *e = word_put(c->b, s, (size_t)(tab - s));
	if (!e) {
		c->oom = true;
		return 1;
	}
	if (!(e->flags & VD_LEX))
		c->b->v->n_lex++;
	e->flags |= VD_LEX;
	e->valence = valence;
	return 0;
}

/* ---- the emoji table ------------------------------------------------------------------ */

typedef struct emo_ctx {
	hs_vader *v;
	size_t desc_len, desc_cap;
	const char *name;
	hs_errs *errs;
	bool full;
} emo_ctx;

static int emoji_line(void *ud, const char *s, size_t n, int lineno)
{
	emo_ctx *c = ud;
	hs_vader *v = c->v;
	const char *tab, *d, *dend;
	size_t klen, dlen, cl;
	int32_t cp;

	if (!is_valid_utf8(s, n)) {
		report(c->errs, c->name, lineno, "%s", "invalid UTF-8 or NUL byte");
		return 1;
	}
	tab = memchr(s, '\t', n);
	if (!tab) {
		report(c->errs, c->name, lineno, "%s", "missing tab between emoji and description");
		return 1;
	}
	klen = (size_t)(tab - s);
	if (!klen) {
		report(c->errs, c->name, lineno, "%s", "empty emoji");
		return 1;
	}
	d = tab + 1;
	dend = memchr(d, '\t', (size_t)(s + n - d));
	if (!dend)
		dend = s + n;
	dlen = (size_t)(dend - d);
	if (!dlen) {
		report(c->errs, c->name, lineno, "%s", "empty description");
		return 1;
	}
	cp = vd_utf8((const unsigned char *)s, klen, &cl);
	if (cl != klen) /* longer than one code point: never matches */
		return 0;
	size_t i = ((uint32_t)cp * UINT32_C(2654435761)) & v->emo_mask;
	while (v->emo[i].cp && v->emo[i].cp != (uint32_t)cp)
		i = (i + 1) & v->emo_mask;
	if (!v->emo[i].cp) {
		if (v->n_emoji * 2 >= v->emo_mask + 1) { /* cannot happen: sized for every line */
			c->full = true;
			return 1;
		}
		v->emo[i].cp = (uint32_t)cp;
		v->n_emoji++;
		if ((uint32_t)cp < v->emo_min)
			v->emo_min = (uint32_t)cp;
		if ((uint32_t)cp > v->emo_max)
			v->emo_max = (uint32_t)cp;
	}
	if (c->desc_cap - c->desc_len < dlen) {
		c->full = true;
		return 1;
	}
	memcpy(v->desc + c->desc_len, d, dlen);
	v->emo[i].desc_off = (uint32_t)c->desc_len;
	v->emo[i].desc_len = (uint32_t)dlen;
	c->desc_len += dlen;
	return 0;
}

/* ---- loading ---------------------------------------------------------------------------- */

static int load_words(hs_vader *v, const char *lex, size_t lex_len, const char *name,
                      hs_errs *errs)
{
	size_t fixed = N_OF(vd_negations) + N_OF(vd_boosters) + N_OF(vd_dampeners) +
	               N_OF(vd_named);
	size_t fixed_bytes = 0;
	builder b = { v, 0, 0, 0 };
	lex_ctx c = { &b, name, errs, false };
	size_t bad;

	for (size_t i = 0; i < N_OF(vd_negations); i++)
		fixed_bytes += strlen(vd_negations[i]);
	for (size_t i = 0; i < N_OF(vd_boosters); i++)
		fixed_bytes += strlen(vd_boosters[i]);
	for (size_t i = 0; i < N_OF(vd_dampeners); i++)
		fixed_bytes += strlen(vd_dampeners[i]);
	for (size_t i = 0; i < N_OF(vd_named); i++)
		fixed_bytes += strlen(vd_named[i].w);

	b.ent_cap = count_lines(lex, lex_len) + fixed;
	b.keys_cap = lex_len + fixed_bytes;
	v->mask = pow2_at_least(b.ent_cap * 4 + 4) - 1;
	while (((size_t)1 << v->idx_bits) <= v->mask)
		v->idx_bits++;
	/* 32-byte entries on 32-byte boundaries: one cache line each; entry 0
	 * is the one empty slots point to, matching no word */
	v->ent = aligned_alloc(32, (b.ent_cap + 1) * sizeof(*v->ent));
	v->slot = calloc(v->mask + 1, sizeof(*v->slot));
	v->keys = malloc(b.keys_cap ? b.keys_cap : 1);
	if (!v->ent || !v->slot || !v->keys)
		goto oom;
	memset(&v->ent[0], 0, sizeof(v->ent[0]));
	v->ent[0].key_len = UINT16_MAX;

	bad = for_each_line(lex, lex_len, lex_line, &c);
	if (c.oom)
		goto oom;
	if (add_fixed(&b, vd_negations, N_OF(vd_negations), VD_NEGATE) ||
	    add_fixed(&b, vd_boosters, N_OF(vd_boosters), VD_BOOST) ||
	    add_fixed(&b, vd_dampeners, N_OF(vd_dampeners), VD_DAMP))
		goto oom;
	for (size_t i = 0; i < N_OF(vd_named); i++) {
		vd_entry *e = word_put(&b, vd_named[i].w, strlen(vd_named[i].w));
		if (!e)
			goto oom;
		e->word = vd_named[i].id;
	}
	return bad ? -1 : 0;
oom:
	report(errs, name, 0, "%s", "out of memory");
	return -1;
}

static int load_emoji(hs_vader *v, const char *emoji, size_t emoji_len, const char *name,
                      hs_errs *errs)
{
	emo_ctx c = { v, 0, emoji_len, name, errs, false };
	size_t bad;

	v->emo_mask = pow2_at_least(count_lines(emoji, emoji_len) * 2) - 1;
	v->emo = calloc(v->emo_mask + 1, sizeof(*v->emo));
	v->desc = malloc(emoji_len ? emoji_len : 1);
	if (!v->emo || !v->desc)
		goto oom;
	bad = for_each_line(emoji, emoji_len, emoji_line, &c);
	if (c.full)
		goto oom;
	return bad ? -1 : 0;
oom:
	report(errs, name, 0, "%s", "out of memory");
	return -1;
}

hs_vader *hs_vader_load_mem(const char *lex, size_t lex_len, const char *lex_name,
                            const char *emoji, size_t emoji_len, const char *emoji_name,
                            hs_errs *errs)
{
	hs_vader *v = NULL;
	int bad = 0;

	if ((!lex && lex_len) || (!emoji && emoji_len)) {
		report(errs, lex_name, 0, "%s", "no lexicon data");
		goto fail;
	}
	if (lex_len > HS_VADER_MAX_FILE || emoji_len > HS_VADER_MAX_FILE) {
		report(errs, lex_len > HS_VADER_MAX_FILE ? lex_name : emoji_name, 0, "%s",
		       "file too large");
		goto fail;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		report(errs, lex_name, 0, "%s", "out of memory");
		goto fail;
	}
	v->emo_min = UINT32_MAX;
	if (load_words(v, lex ? lex : "", lex_len, lex_name, errs))
		bad = 1;
	if (emoji && load_emoji(v, emoji, emoji_len, emoji_name, errs))
		bad = 1;
	if (bad)
		goto fail;
	return v;
fail:
	hs_vader_free(v);
	return NULL;
}

/* Read a whole file; NULL (reported) on error. */
static char *read_file(const char *path, size_t *len, hs_errs *errs)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;

	f = fopen(path, "rb");
	if (!f) {
		report(errs, path, 0, "cannot open: %s", strerror(errno));
		goto fail;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nb;
			if (cap > HS_VADER_MAX_FILE) {
				report(errs, path, 0, "%s", "file too large");
				goto fail;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				report(errs, path, 0, "%s", "out of memory");
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		report(errs, path, 0, "%s", "read error");
		goto fail;
	}
	if (n > HS_VADER_MAX_FILE) {
		report(errs, path, 0, "%s", "file too large");
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	if (f)
		fclose(f);
	free(buf);
	return NULL;
}

hs_vader *hs_vader_load(const char *lexicon_path, const char *emoji_path, hs_errs *errs)
{
	char *lex = NULL, *emoji = NULL;
	size_t lex_len = 0, emoji_len = 0;
	hs_vader *v = NULL;

	if (!lexicon_path) {
		report(errs, NULL, 0, "%s", "no lexicon file given");
		goto done;
	}
	lex = read_file(lexicon_path, &lex_len, errs);
	if (emoji_path)
		emoji = read_file(emoji_path, &emoji_len, errs);
	if (!lex || (emoji_path && !emoji))
		goto done;
	v = hs_vader_load_mem(lex, lex_len, lexicon_path, emoji, emoji_len, emoji_path, errs);
done:
	free(lex);
	free(emoji);
	return v;
}

void hs_vader_free(hs_vader *v)
{
	if (!v)
		return;
	free(v->ent);
	free(v->slot);
	free(v->keys);
	free(v->emo);
	free(v->desc);
	free(v);
}

size_t hs_vader_lexicon_size(const hs_vader *v)
{
	return v ? v->n_lex : 0;
}

size_t hs_vader_emoji_size(const hs_vader *v)
{
	return v ? v->n_emoji : 0;
}
