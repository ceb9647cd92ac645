/* hearsay: lexicon sentiment, text side: folding, tokens and the scoring
 * method (see lexsent.h for what they do; the loader is in lexsent.c).
 *
 * Folding works on the raw bytes in one pass. ASCII bytes are lowercased in
 * place of utf8proc (NFKC + case folding is the identity on ASCII apart from
 * case). A run of non-ASCII characters, together with the ASCII character
 * before it (a base that a combining mark may compose with), is decomposed
 * character by character with utf8proc_decompose_char into a code point
 * buffer, put in canonical order and recomposed (utf8proc_normalize_utf32)
 * only if a combining mark or Hangul jamo came out, then encoded. So an
 * all-ASCII post costs one table-free loop, and no call allocates once the
 * buffers are big enough.
 *
 * Scoring keeps no list of assessments: the method only ever changes the
 * latest one, so the state is the running sums of the finished ones plus
 * the latest (open) one, the pending modifier and the pending negation.
 * That is what lets long texts be scored window by window.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "rules/lexsent_internal.h"

#define LS_FOLD_OPTS                                                                     \
	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |      \
	 UTF8PROC_IGNORE)

/* Buffers grown beyond this by one text are released after it. */
#define LS_KEEP_BYTES ((size_t)1024 * 1024)

/* The method's constants (the authors'). */
#define LS_NEGATED_FACTOR (-0.5)
#define LS_EXCLAMATION_FACTOR 1.25

struct hs_lexsent_scratch {
	ls_fold fold;
};

/* ---- folding ------------------------------------------------------------------------ */

static inline unsigned char ascii_fold(unsigned char c)
{
	if ((unsigned)(c - 'A') < 26u)
		return (unsigned char)(c + 32);
	if (c < 0x20 || c == 0x7f)
		return ' ';
	return c;
}

/* Room for `more` bytes and the LS_PAD zero bytes after out_len. */
static int out_reserve(ls_fold *f, size_t more)
{
	size_t need, ncap;
	char *p;

	if (more >= SIZE_MAX / 2 - f->out_len)
		return -1;
	need = f->out_len + more + LS_PAD;
	if (need <= f->out_cap)
		return 0;
	ncap = f->out_cap ? f->out_cap : 256;
	while (ncap < need)
		ncap *= 2;
	p = realloc(f->out, ncap);
	if (!p)
		return -1;
	f->out = p;
	f->out_cap = ncap;
	return 0;
}

/* Room for `need` code points in seg. */
static int seg_reserve(ls_fold *f, size_t need)
{
	size_t ncap;
	int32_t *p;

	if (need <= f->seg_cap)
		return 0;
	if (need > SIZE_MAX / 2 / sizeof(*p))
		return -1;
	ncap = f->seg_cap ? f->seg_cap : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(f->seg, ncap * sizeof(*p));
	if (!p)
		return -1;
	f->seg = p;
	f->seg_cap = ncap;
	return 0;
}

/* Strict UTF-8 decoding of s[0..avail) (s[0] >= 0x80): an ill-formed or
 * truncated sequence is U+FFFD of length 1. */
static int32_t decode(const unsigned char *s, size_t avail, size_t *len)
{
	unsigned char c = s[0];

	*len = 1;
	if (c >= 0xC2 && c <= 0xDF) {
		if (avail >= 2 && (s[1] & 0xC0) == 0x80) {
			*len = 2;
			return (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
		}
	} else if (c >= 0xE0 && c <= 0xEF) {
		if (avail >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    !(c == 0xE0 && s[1] < 0xA0) && !(c == 0xED && s[1] >= 0xA0)) {
			*len = 3;
			return (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F));
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		if (avail >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80 && !(c == 0xF0 && s[1] < 0x90) &&
		    !(c == 0xF4 && s[1] >= 0x90)) {
			*len = 4;
			return (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
			                 ((s[2] & 0x3F) << 6) | (s[3] & 0x3F));
		}
	}
	return 0xFFFD;
}

static inline int ccc(int32_t cp)
{
	return utf8proc_get_property(cp)->combining_class;
}

/* Canonical ordering of combining marks (what utf8proc_decompose does
 * before composing): a stable bubble sort of each run of marks by class. */
static void canonical_order(int32_t *cp, size_t n)
{
	size_t k = 0;

	while (k + 1 < n) {
		int a = ccc(cp[k]), b = ccc(cp[k + 1]);
		if (b > 0 && a > b) {
			int32_t t = cp[k];
			cp[k] = cp[k + 1];
			cp[k + 1] = t;
			if (k > 0)
				k--;
		} else {
			k++;
		}
	}
}

/* Decompose, fold and append one code point to seg[*n..]. */
static int fold_cp(ls_fold *f, size_t *n, int32_t cp, bool *compose)
{
	utf8proc_ssize_t r;

	if (cp == 0x2019 || cp == 0x02BC)
		cp = '\'';
	else if (cp == 0x2010 || cp == 0x2011)
		cp = '-';
	else if (cp < 0xA0)
		cp = ' '; /* C1 controls */
	if (cp < 0x80) {
		if (seg_reserve(f, *n + 1))
			return -1;
		f->seg[(*n)++] = cp;
		return 0;
	}
	for (;;) {
		int boundclass = 0;
		if (seg_reserve(f, *n + 8))
			return -1;
		r = utf8proc_decompose_char(cp, f->seg + *n, (utf8proc_ssize_t)(f->seg_cap - *n),
		                            LS_FOLD_OPTS, &boundclass);
		if (r < 0) {
			f->seg[(*n)++] = 0xFFFD;
			return 0;
		}
		if ((size_t)r <= f->seg_cap - *n)
			break;
		if (seg_reserve(f, *n + (size_t)r))
			return -1;
	}
	for (size_t k = *n; k < *n + (size_t)r; k++) {
		int32_t c = f->seg[k];
		if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x0300 && ccc(c) != 0))
			*compose = true;
	}
	*n += (size_t)r;
	return 0;
}

#define ONES UINT64_C(0x0101010101010101)
#define ASCII_HI UINT64_C(0x8080808080808080)

/* Can the character at s[0..avail) follow a fast-path character without
 * changing how that one folds (no combining mark can follow)? True for
 * the end, ASCII, and the lead byte of U+00C0..U+00FF (letters, ccc 0). */
static inline bool plain_next(const unsigned char *s, size_t avail)
{
	return avail == 0 || s[0] < 0x80 || s[0] == 0xC3;
}

int hs_lexsent_fold(ls_fold *f, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0;
	char *out;

	f->out_len = 0;
	if (out_reserve(f, len))
		return -1;
	out = f->out;
	while (i < len) {
		size_t n = 0;
		bool compose = false;
		unsigned char c = s[i];

		if (c < 0x80) {
			/* 8 ASCII bytes at a time while there are no controls */
			while (len - i >= 8) {
				uint64_t w, up;
				memcpy(&w, s + i, 8);
				if ((w & ASCII_HI) ||
				    ((w - ONES * 0x20) & ~w & ASCII_HI) /* a byte < 0x20 */ ||
				    (((w ^ ONES * 0x7f) - ONES) & ~(w ^ ONES * 0x7f) & ASCII_HI))
					break;
				up = (w + ONES * (0x80 - 'A')) & ~(w + ONES * (0x80 - 'Z' - 1)) & ASCII_HI;
				w |= up >> 2;
				memcpy(out + o, &w, 8);
				o += 8;
				i += 8;
			}
			if (i < len && s[i] < 0x80) {
				out[o++] = (char)ascii_fold(s[i]);
				i++;
			}
			continue;
		}
		/* Fast paths, when no combining mark follows: Latin-1 letters
		 * (U+00C0..U+00FF but for x, /, sharp s: NFKC + case folding is
		 * lowercasing), and U+2019 -> "'". Same bytes or fewer. */
		if (c == 0xC3 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80 && s[i + 1] != 0x97 &&
		    s[i + 1] != 0xB7 && s[i + 1] != 0x9F && plain_next(s + i + 2, len - i - 2)) {
			unsigned char c2 = s[i + 1];
			out[o++] = (char)0xC3;
			out[o++] = (char)(c2 < 0xA0 ? c2 + 0x20 : c2);
			i += 2;
			continue;
		}
		if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 && s[i + 2] == 0x99 &&
		    plain_next(s + i + 3, len - i - 3)) {
			out[o++] = '\'';
			i += 3;
			continue;
		}
		/* A non-ASCII run, with the ASCII character before it. */
		if (o > 0 && (unsigned char)out[o - 1] < 0x80 && out[o - 1] != ' ') {
			if (seg_reserve(f, 1))
				return -1;
			f->seg[n++] = (unsigned char)out[--o];
		}
		while (i < len && s[i] >= 0x80) {
			size_t cl;
			int32_t cp = decode(s + i, len - i, &cl);
			i += cl;
			if (fold_cp(f, &n, cp, &compose))
				return -1;
		}
		if (compose) {
			utf8proc_ssize_t m;
			canonical_order(f->seg, n);
			m = utf8proc_normalize_utf32(f->seg, (utf8proc_ssize_t)n,
			                             UTF8PROC_STABLE | UTF8PROC_COMPOSE);
			if (m >= 0 && (size_t)m <= n)
				n = (size_t)m;
		}
		f->out_len = o;
		if (n > SIZE_MAX / 8 || out_reserve(f, n * 4 + (len - i)))
			return -1;
		out = f->out;
		for (size_t k = 0; k < n; k++)
			o += (size_t)utf8proc_encode_char(f->seg[k], (utf8proc_uint8_t *)out + o);
	}
	memset(out + o, 0, LS_PAD);
	f->out_len = o;
	return 0;
}

void hs_lexsent_fold_release(ls_fold *f)
{
	free(f->seg);
	free(f->out);
	memset(f, 0, sizeof(*f));
}

/* ---- character classes --------------------------------------------------------------- */

size_t hs_lexsent_char(const char *str, size_t avail, int *cls, bool *letter)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	int32_t cp;
	size_t len;

	if (c < 0x80) {
		bool lower = (unsigned)(c - 'a') < 26u, upper = (unsigned)(c - 'A') < 26u;
		*letter = lower || upper;
		if (*letter || (unsigned)(c - '0') < 10u)
			*cls = LS_WORD;
		else if (c <= 0x20 || c == 0x7f)
			*cls = LS_SPACE;
		else
			*cls = LS_OTHER;
		return 1;
	}
	cp = decode(s, avail, &len);
	*letter = false;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		*letter = true;
		*cls = LS_WORD;
		break;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		*cls = LS_WORD;
		break;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		*cls = LS_SPACE;
		break;
	default:
		*cls = LS_OTHER;
		break;
	}
	return len;
}

/* ---- the method ------------------------------------------------------------------- */

typedef struct ls_state {
	/* finished assessments */
	double sum_p, sum_s, pos, neg;
	size_t n_assess, n_negated;
	/* W: words and assessed symbols */
	size_t n_words, n_symbols;
	/* the latest assessment */
	bool have_last, lneg;
	double lp, ls, li;
	/* pending modifier (and whether it ends in an adverb suffix), negation */
	bool m, m_adv, n;
} ls_state;

static inline double clamp1(double x)
{
	return x < -1.0 ? -1.0 : x > 1.0 ? 1.0 : x;
}

static inline void close_last(ls_state *st)
{
	double p;

	if (!st->have_last)
		return;
	p = st->lneg ? st->lp * LS_NEGATED_FACTOR : st->lp;
	st->sum_p += p;
	st->sum_s += st->ls;
	st->n_assess++;
	if (st->lneg)
		st->n_negated++;
	if (p > 0)
		st->pos += p;
	else
		st->neg -= p;
	st->have_last = false;
}

static inline void open_last(ls_state *st, const ls_entry *e)
{
	close_last(st);
	st->have_last = true;
	st->lneg = false;
	st->lp = e->p;
	st->ls = e->s;
	st->li = e->i;
}

/* A known word (an entry with a value). */
static inline void known(ls_state *st, const ls_entry *e)
{
	if (!st->m) {
		open_last(st, e);
	} else {
		/* one assessment: the modifier's is replaced */
		st->lp = clamp1(e->p * st->li);
		st->ls = clamp1(e->s * st->li);
		st->li = e->i;
	}
	if (st->n) {
		st->li = 1.0 / st->li;
		st->lneg = true;
	}
	st->m = (e->flags & LS_MODIFIER) != 0;
	st->m_adv = (e->flags & LS_ADVERB) != 0;
	st->n = (e->flags & LS_NEGATION) != 0;
}

/* Any other token, of chars characters (strip_chars without apostrophes
 * at either end): e is its entry if it has one without a value (a
 * negation or elision), else NULL; bang: the token is "!". */
static inline void unknown(ls_state *st, const ls_entry *e, size_t chars,
                           size_t strip_chars, bool bang)
{
	if (e && (e->flags & LS_NEGATION))
		st->n = true;
	else if (st->n && strip_chars > 1)
		st->n = false;
	if (st->n && st->m && st->m_adv) {
		st->lneg = true; /* "really not": the modifier's own assessment */
		st->n = false;
	} else if (st->m && chars > 2) {
		st->m = false;
	}
	if (bang && st->have_last)
		st->lp = clamp1(st->lp * LS_EXCLAMATION_FACTOR);
}

/* Classes of ASCII bytes in folded text: 4 space, 3 letter (word), 1
 * digit (word), 0 other. */
static const unsigned char ascii_cls[128] = {
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
	0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 4,
};

static inline bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Is the character at s[0..avail) (avail > 0) a word character? */
static inline bool word_at(const char *s, size_t avail, size_t *cl, bool *letter)
{
	unsigned char c = (unsigned char)s[0];
	int cls;

	if (c < 0x80) {
		*cl = 1;
		*letter = ascii_cls[c] == 3;
		return ascii_cls[c] & 1;
	}
	*cl = hs_lexsent_char(s, avail, &cls, letter);
	return cls == LS_WORD;
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
        __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LS_SWAR_RUN 1
/* 0x80 in each byte of w in lo..hi (both below 0x80), for bytes below
 * 0x80; bytes from 0x80 may come out either way. */
static inline uint64_t in_range(uint64_t w, unsigned char lo, unsigned char hi)
{
	uint64_t t = w & ~ASCII_HI;

	return (t + ONES * (0x80u - lo)) & ~(t + ONES * (0x7Fu - hi)) & ASCII_HI;
}

/* Length of the run of ASCII letters and digits at s[0..8) (0..8), 8
 * bytes read at once; *letter is set if the run holds a letter. */
static inline size_t alnum_run(const char *s, bool *letter)
{
	uint64_t w, let, stop;
	size_t n;

	memcpy(&w, s, 8);
	let = (in_range(w, 'a', 'z') | in_range(w, 'A', 'Z')) & ~w;
	stop = ~(let | in_range(w, '0', '9')) & ~w & ASCII_HI;
	stop |= w & ASCII_HI; /* non-ASCII */
	if (!stop) {
		*letter = let != 0;
		return 8;
	}
	n = (size_t)__builtin_ctzll(stop) >> 3;
	*letter = (let & ((UINT64_C(1) << (8 * n)) - 1)) != 0;
	return n;
}
#endif

/* Characters of tok[0..len). */
static size_t n_chars(const char *tok, size_t len)
{
	size_t n = 0;

	for (size_t k = 0; k < len; k++)
		n += !is_cont((unsigned char)tok[k]);
	return n;
}

/* A word token: chars characters, apostrophes at its end not counted in
 * strip_chars (a word never starts with one). */
static inline void word_token(ls_state *st, const ls_entry *e, size_t chars,
                              size_t strip_chars, bool has_letter)
{
	if (has_letter)
		st->n_words++;
	if (e && (e->flags & LS_VALUE))
		known(st, e);
	else
		unknown(st, e, chars, strip_chars, false);
}

/* The longest symbol entry at s[0..lim), lim <= len, or NULL; *mlen gets
 * its length. s[lim..len) is only looked at to see whether a match would
 * cut a word. */
static const ls_entry *match_symbol(const hs_lexsent *lx, const char *s, size_t len,
                                    size_t lim, size_t first, size_t *mlen)
{
	for (size_t l = lim; l >= first; l--) {
		const ls_entry *e;
		if (l < len && is_cont((unsigned char)s[l]))
			continue;
		e = ls_find(lx, s, l);
		if (!e || !(e->flags & LS_SYMBOL))
			continue;
		if (l < len) {
			/* not when it would cut a word: ":d" in ":dag" */
			size_t lc = l - 1, c1, c2;
			bool let;
			while (lc > 0 && is_cont((unsigned char)s[lc]))
				lc--;
			if (word_at(s + lc, l - lc, &c1, &let) && word_at(s + l, len - l, &c2, &let))
				continue;
		}
		*mlen = l;
		return e;
	}
	return NULL;
}

/* The tokens of the chunk (a run without whitespace) that starts at s[0]
 * (not whitespace) into st. Returns the chunk's length; *url is set, and
 * the caller must undo what was done to st, when the chunk turns out to
 * be a URL, a mention or an e-mail address ("://", or '@' before a word
 * character). s[0..len) ends where folded text does: ls_fold's padding
 * follows. */
static size_t chunk(const hs_lexsent *lx, ls_state *st, const char *s, size_t len, bool *url)
{
	size_t q = 0;

	while (q < len) {
		size_t cl, r, apos = SIZE_MAX, chars = 1;
		bool letter, has_letter;
		const ls_entry *e;
		unsigned char c = (unsigned char)s[q];

		if (c < 0x80) {
			unsigned char k = ascii_cls[c];
			if (k == 4)
				return q;
			cl = 1;
			letter = k == 3;
			if (!(k & 1)) {
				size_t c2;
				bool l2;
				if ((c == ':' && q + 2 < len && s[q + 1] == '/' && s[q + 2] == '/') ||
				    (c == '@' && q + 1 < len && word_at(s + q + 1, len - q - 1, &c2, &l2))) {
					*url = true;
					return q;
				}
				goto other;
			}
		} else {
			int cls;
			cl = hs_lexsent_char(s + q, len - q, &cls, &letter);
			if (cls == LS_SPACE)
				return q;
			if (cls != LS_WORD)
				goto other;
		}

		/* a word: letters, marks, digits, with inner ' and - */
		has_letter = letter;
		r = q + cl;
		while (r < len) {
			size_t c2;
			bool l2;
#ifdef LS_SWAR_RUN
			/* ASCII letters and digits 8 at a time: s is ls_fold
			 * output, so s[len] starts LS_PAD zero bytes, which end
			 * the run */
			size_t run = alnum_run(s + r, &l2);
			has_letter |= l2;
			r += run;
			chars += run;
			if (run == 8)
				continue;
			if (r >= len)
				break;
#endif
			c = (unsigned char)s[r];
			if (c < 0x80 && (ascii_cls[c] & 1)) {
				has_letter |= ascii_cls[c] == 3;
				r++;
				chars++;
				continue;
			}
			if (c >= 0x80) {
				if (!word_at(s + r, len - r, &c2, &l2))
					break;
				has_letter |= l2;
				r += c2;
				chars++;
				continue;
			}
			if ((c == '\'' || c == '-') && r + 1 < len &&
			    word_at(s + r + 1, len - r - 1, &c2, &l2)) {
				if (c == '\'' && apos == SIZE_MAX)
					apos = r;
				has_letter |= l2;
				r += 1 + c2;
				chars += 2;
				continue;
			}
			break;
		}
		if (apos != SIZE_MAX) {
			/* an elision at its start: "l'" of "l'horreur" */
			e = ls_find(lx, s + q, apos + 1 - q);
			if (e && (e->flags & LS_ELISION)) {
				size_t n = n_chars(s + q, apos + 1 - q);
				bool pl = false;
				for (size_t k = q; k < apos;) {
					size_t c3;
					bool l3;
					(void)word_at(s + k, apos - k, &c3, &l3);
					pl |= l3;
					k += c3;
				}
				word_token(st, e, n, n - 1, pl);
				q = apos + 1;
				continue;
			}
		}
		if (r < len && s[r] == '\'') {
			/* "n'" before a space or a symbol */
			e = ls_find(lx, s + q, r + 1 - q);
			if (e) {
				word_token(st, e, chars + 1, chars, has_letter);
				q = r + 1;
				continue;
			}
		}
		e = ls_find(lx, s + q, r - q);
		word_token(st, e, chars, chars, has_letter);
		q = r;
		continue;

	other:
		/* a symbol entry, or a character of its own */
		if (lx->n_symbols > 0 && lx->symbol_first[(unsigned char)s[q]]) {
			size_t ml = 0, lim = q;
			/* a symbol ends at whitespace */
			while (lim < len && lim - q < lx->max_symbol) {
				int cls;
				bool l3;
				size_t c3 = (unsigned char)s[lim] < 0x80 ? 1 : hs_lexsent_char(s + lim, len - lim, &cls, &l3);
				if (c3 == 1 && ascii_cls[(unsigned char)s[lim]] == 4)
					break;
				if (c3 > 1 && cls == LS_SPACE)
					break;
				if (lim + c3 - q > lx->max_symbol)
					break;
				lim += c3;
			}
			e = match_symbol(lx, s + q, len - q, lim - q, cl, &ml);
			if (e) {
				size_t n = n_chars(s + q, ml);
				st->n_symbols++;
				unknown(st, NULL, n, n, false);
				open_last(st, e);
				q += ml;
				continue;
			}
		}
		unknown(st, NULL, 1, s[q] == '\'' ? 0 : 1, s[q] == '!');
		q += cl;
	}
	return q;
}

/* Length of the chunk at s[0..len). */
static size_t chunk_end(const char *s, size_t len)
{
	size_t e = 0;

	while (e < len) {
		unsigned char c = (unsigned char)s[e];
		if (c < 0x80) {
			if (ascii_cls[c] == 4)
				break;
			e++;
		} else {
			int cls;
			bool letter;
			size_t cl = hs_lexsent_char(s + e, len - e, &cls, &letter);
			if (cls == LS_SPACE)
				break;
			e += cl;
		}
	}
	return e;
}

static void scan(const hs_lexsent *lx, ls_state *st, const char *s, size_t len)
{
	size_t p = 0;

	while (p < len) {
		unsigned char c = (unsigned char)s[p];
		ls_state before;
		bool url = false;
		size_t e;

		if (c == ' ') {
			p++;
			continue;
		}
		if (c >= 0x80) {
			int cls;
			bool letter;
			size_t cl = hs_lexsent_char(s + p, len - p, &cls, &letter);
			if (cls == LS_SPACE) {
				p += cl;
				continue;
			}
		}
		if (c == 'w' && len - p >= 4 && memcmp(s + p, "www.", 4) == 0) {
			p += chunk_end(s + p, len - p);
			continue;
		}
		before = *st;
		e = chunk(lx, st, s + p, len - p, &url);
		if (url) {
			*st = before;
			e = chunk_end(s + p, len - p);
		}
		p += e;
	}
}

/* ---- API ------------------------------------------------------------------------------ */

hs_lexsent_scratch *hs_lexsent_scratch_new(void)
{
	return calloc(1, sizeof(hs_lexsent_scratch));
}

void hs_lexsent_scratch_free(hs_lexsent_scratch *sc)
{
	if (!sc)
		return;
	hs_lexsent_fold_release(&sc->fold);
	free(sc);
}

static const hs_sentiment neutral = { 0.0, 1.0, 0.0, 0.0 };

int hs_lexsent_score_detail(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                            size_t len, hs_sentiment *out, hs_lexsent_detail *detail)
{
	ls_state st;
	size_t pos = 0;
	int rc = HS_LEXSENT_ERROR;

	memset(&st, 0, sizeof(st));
	if (out)
		*out = neutral;
	if (detail)
		memset(detail, 0, sizeof(*detail));
	if (!lx || !sc || !out || (!text && len > 0))
		return HS_LEXSENT_ERROR;

	while (pos < len) {
		size_t end = len;
		if (len - pos > HS_LEXSENT_WINDOW) {
			size_t k;
			end = pos + HS_LEXSENT_WINDOW;
			k = end;
			while (k > pos && (unsigned char)text[k - 1] > 0x20)
				k--;
			if (k > pos) {
				end = k;
			} else {
				while (end > pos && is_cont((unsigned char)text[end]))
					end--;
				if (end == pos)
					end = pos + HS_LEXSENT_WINDOW;
			}
		}
		if (hs_lexsent_fold(&sc->fold, text + pos, end - pos))
			goto fail;
		scan(lx, &st, sc->fold.out, sc->fold.out_len);
		pos = end;
	}
	close_last(&st);

	if (detail) {
		detail->words = st.n_words;
		detail->assessments = st.n_assess;
		detail->negated = st.n_negated;
		detail->subjectivity = st.n_assess ? st.sum_s / (double)st.n_assess : 0.0;
	}
	if (st.n_assess == 0) {
		rc = HS_LEXSENT_NONE;
	} else {
		size_t w = st.n_words + st.n_symbols;
		double neu;
		if (w < st.n_assess)
			w = st.n_assess;
		out->compound = clamp1(st.sum_p / (double)st.n_assess);
		out->pos = st.pos / (double)w;
		out->neg = st.neg / (double)w;
		neu = 1.0 - out->pos - out->neg;
		out->neu = neu < 0.0 ? 0.0 : neu;
		rc = HS_LEXSENT_OK;
	}
fail:
	if (sc->fold.out_cap > LS_KEEP_BYTES || sc->fold.seg_cap * sizeof(int32_t) > LS_KEEP_BYTES)
		hs_lexsent_fold_release(&sc->fold);
	return rc;
}

int hs_lexsent_score(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                     size_t len, hs_sentiment *out)
{
	return hs_lexsent_score_detail(lx, sc, text, len, out, NULL);
}
