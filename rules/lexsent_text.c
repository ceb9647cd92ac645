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
 * buffers are big enough. ASCII is lowercased 16 (SSE2) or 8 bytes at a
 * time.
 *
 * A folded window is scored in two passes. tokenise() reads it once,
 * left to right, into an array of tokens (in the scratch): ASCII words,
 * also with Latin-1 letters, are classified 16 (SSE2) or 8 bytes at a time
 * and hashed as they are read, their table slot prefetched; punctuation
 * is a token of its own; anything else (other non-ASCII, "'", "-" inside
 * a word, ':', '@', symbols) hands the rest of its chunk to chunk(), the
 * general tokeniser. A chunk that turns out to be a URL, mention or
 * e-mail address just drops its tokens. apply() then looks the words up
 * (independent probes whose cache misses overlap) and runs the method
 * over the tokens in order; only it touches the scoring state.
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

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define LS_SSE2 1 /* 16 bytes at a time where it pays (x86-64 has SSE2) */
#endif

#include "rules/lexsent_internal.h"

#define LS_FOLD_OPTS                                                                     \
	(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |      \
	 UTF8PROC_IGNORE)

/* Buffers grown beyond this by one text are released after it. */
#define LS_KEEP_BYTES ((size_t)1024 * 1024)

/* The method's constants (the authors'). */
#define LS_NEGATED_FACTOR (-0.5)
#define LS_EXCLAMATION_FACTOR 1.25

/* A token of one window, as the tokeniser leaves it for the method:
 * LS_TK_FIND is a word whose entry is still to be looked up (key at
 * off, len bytes, with its head and hash already computed);
 * LS_TK_WORD one whose entry (maybe NULL) is known. chars and strip are
 * the token's characters, and those without apostrophes at its end,
 * counted up to 3 (the method only asks whether they exceed 1 or 2). */
enum { LS_TK_FIND, LS_TK_WORD, LS_TK_OTHER, LS_TK_SYMBOL };

typedef struct ls_tok {
	union {
		uint64_t head;      /* LS_TK_FIND */
		const ls_entry *e;  /* LS_TK_WORD, LS_TK_SYMBOL */
	} u;
	uint32_t off;           /* where it starts in the window's text */
	uint32_t hash;          /* LS_TK_FIND */
	uint8_t kind, len, chars, strip;
	bool letter;            /* LS_TK_FIND, LS_TK_WORD: has a letter */
	bool bang;              /* LS_TK_OTHER: the token is "!" */
} ls_tok;

struct hs_lexsent_scratch {
	ls_fold fold;
	ls_tok *tok;    /* owned: the tokens of one window */
	size_t tok_cap;
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

/* Grow the array *p of *cap elements of elem bytes to at least need
 * (doubling from first). 0, or -1 with *p and *cap untouched. */
static int ls_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t ncap;
	void *q;

	if (need <= *cap)
		return 0;
	if (need > SIZE_MAX / 2 / elem)
		return -1;
	ncap = *cap ? *cap : first;
	while (ncap < need)
		ncap *= 2;
	q = realloc(*p, ncap * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

/* Room for `more` bytes and the LS_PAD zero bytes after out_len. */
static int out_reserve(ls_fold *f, size_t more)
{
	void *p = f->out;
	int rc;

	if (more >= SIZE_MAX / 2 - f->out_len)
		return -1;
	rc = ls_grow(&p, &f->out_cap, f->out_len + more + LS_PAD, 1, 256);
	f->out = p;
	return rc;
}

/* Room for `need` code points in seg. */
static int seg_reserve(ls_fold *f, size_t need)
{
	void *p = f->seg;
	int rc = ls_grow(&p, &f->seg_cap, need, sizeof(*f->seg), 64);

	f->seg = p;
	return rc;
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

/* Byte positions in 64-bit words (the first byte of text is the lowest)
 * and __builtin_ctzll: the 8-bytes-at-a-time scanning below. */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
        __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LS_SWAR_RUN 1
#endif

/* Kept out of line: the two passes and the rare paths, so that each hot
 * loop keeps its values in registers. */
#if defined(__GNUC__) || defined(__clang__)
#define LS_NOINLINE __attribute__((noinline))
#else
#define LS_NOINLINE
#endif

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
			/* 8 ASCII bytes at a time while there are no controls;
			 * the bytes before the first other one are kept from a
			 * block that has one. Borrows and carries only run
			 * upwards, so the lowest flagged byte and all below it
			 * are exact; 8 bytes are stored either way (out has
			 * room for the rest of the text and LS_PAD). */
#ifdef LS_SSE2
			/* 16 at a time likewise (a signed compare flags both the
			 * bytes below 0x20 and those from 0x80) */
			while (len - i >= 16) {
				__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
				__m128i up = _mm_and_si128(
				        _mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
				        _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
				unsigned bad = (unsigned)_mm_movemask_epi8(
				        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
				                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f))));
				v = _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
				_mm_storeu_si128((__m128i *)(void *)(out + o), v);
				if (bad) {
					size_t k = (size_t)__builtin_ctz(bad);
					o += k;
					i += k;
					goto one;
				}
				o += 16;
				i += 16;
			}
#endif
			while (len - i >= 8) {
				uint64_t w, up, bad, x;
				memcpy(&w, s + i, 8);
				x = w ^ ONES * 0x7f;
				bad = (w | ((w - ONES * 0x20) & ~w) /* a byte < 0x20 */ |
				       ((x - ONES) & ~x) /* 0x7f */) & ASCII_HI;
				up = (w + ONES * (0x80 - 'A')) & ~(w + ONES * (0x80 - 'Z' - 1)) & ASCII_HI;
				w |= up >> 2;
				memcpy(out + o, &w, 8);
				if (bad) {
#ifdef LS_SWAR_RUN
					size_t k = (size_t)__builtin_ctzll(bad) >> 3;
					o += k;
					i += k;
#endif
					break;
				}
				o += 8;
				i += 8;
			}
#ifdef LS_SSE2
		one:
#endif
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

/* Is c2 (a continuation byte after 0xC3) a letter of U+00C0..U+00FF? All
 * are letters but U+00D7 and U+00F7 (x and /). */
static inline bool latin1_letter(unsigned char c2)
{
	return c2 != 0x97 && c2 != 0xB7;
}

/* Class (LS_SPACE, LS_WORD, LS_OTHER) of the character at s[0..avail)
 * (avail > 0, folded text), as hs_lexsent_char, with ASCII and Latin-1
 * letters decided without decoding. */
static inline int class_at(const char *s, size_t avail, size_t *cl, bool *letter)
{
	unsigned char c = (unsigned char)s[0];
	int cls;

	if (c < 0x80) {
		*cl = 1;
		*letter = ascii_cls[c] == 3;
		return ascii_cls[c] == 4 ? LS_SPACE : (ascii_cls[c] & 1) ? LS_WORD : LS_OTHER;
	}
	if (c == 0xC3 && avail >= 2 && latin1_letter((unsigned char)s[1])) {
		*cl = 2;
		*letter = true;
		return LS_WORD;
	}
	*cl = hs_lexsent_char(s, avail, &cls, letter);
	return cls;
}

/* Is the character at s[0..avail) (avail > 0) a word character? */
static inline bool word_at(const char *s, size_t avail, size_t *cl, bool *letter)
{
	return class_at(s, avail, cl, letter) == LS_WORD;
}

#ifdef LS_SWAR_RUN
/* 0x80 in each byte of w in lo..hi (both below 0x80), for bytes below
 * 0x80; bytes from 0x80 may come out either way. */
static inline uint64_t in_range(uint64_t w, unsigned char lo, unsigned char hi)
{
	uint64_t t = w & ~ASCII_HI;

	return (t + ONES * (0x80u - lo)) & ~(t + ONES * (0x7Fu - hi)) & ASCII_HI;
}

/* Bytes of w (8 bytes of text) that are ASCII letters or digits, 0x80 in
 * each; *let gets the letters alone. */
static inline uint64_t alnum_bytes(uint64_t w, uint64_t *let)
{
	*let = in_range(w | ONES * 0x20, 'a', 'z') & ~w;
	return (*let | in_range(w, '0', '9')) & ~w;
}

/* The run of ASCII letters and digits that starts at s[r] (padding ends
 * it), 8 bytes at a time: each full 8 bytes hashed into *h on the way.
 * Returns the run's end; *last gets its final, partial 8 bytes (masked),
 * *head its first 8 (masked when that is all of it), *letter whether it
 * has a letter. */
static inline size_t alnum_word(const char *s, size_t r, uint64_t *h, uint64_t *head,
                                uint64_t *last, bool *letter)
{
	uint64_t w, let, run, m;
	size_t start = r, wl;

	memcpy(&w, s + r, 8);
	run = alnum_bytes(w, &let);
	*head = w;
	*letter = false;
	while (run == ASCII_HI) {
		*h = ls_hash_block(*h, w);
		*letter |= let != 0;
		r += 8;
		memcpy(&w, s + r, 8);
		run = alnum_bytes(w, &let);
	}
	wl = (size_t)__builtin_ctzll(~run & ASCII_HI) >> 3;
	m = (UINT64_C(1) << (8 * wl)) - 1;
	w &= m;
	*letter |= (let & m) != 0;
	if (r == start)
		*head = w;
	*last = w;
	return r + wl;
}

#ifdef LS_SSE2
/* Bit k set for each byte of s[0..16) that is an ASCII letter or digit;
 * *let gets the letters alone. (Bytes from 0x80 are negative: no range
 * holds them.) */
static inline unsigned alnum16(const char *s, unsigned *let)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i x = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
	                            _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i lt = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('a' - 1)),
	                           _mm_cmplt_epi8(x, _mm_set1_epi8('z' + 1)));

	*let = (unsigned)_mm_movemask_epi8(lt);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(dig, lt));
}
#endif

/* Length of the run of ASCII letters and digits at s[0..8) (0..8), 8
 * bytes read at once; *letter is set if the run holds a letter. */
static inline size_t alnum_run(const char *s, bool *letter)
{
	uint64_t w, let, stop;
	size_t n;

	memcpy(&w, s, 8);
	stop = ~alnum_bytes(w, &let) & ASCII_HI;
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
static LS_NOINLINE const ls_entry *match_symbol(const hs_lexsent *lx, const char *s,
                                                size_t len, size_t lim, size_t first,
                                                size_t *mlen)
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

static inline uint8_t upto3(size_t n)
{
	return (uint8_t)(n < 3 ? n : 3);
}

/* Tokens with a known entry (or none) and of other kinds, at text[off..). */
static inline void put_word(ls_tok *t, size_t off, const ls_entry *e, size_t chars,
                            size_t strip, bool letter)
{
	t->u.e = e;
	t->off = (uint32_t)off;
	t->kind = LS_TK_WORD;
	t->chars = upto3(chars);
	t->strip = upto3(strip);
	t->letter = letter;
}

/* A word of chars characters at text[off..off+len), looked up later; h
 * and head are its ls_hash and ls_head. Its slot (in slots, of the
 * lexicon's mask) is fetched meanwhile. */
static inline void put_find(const ls_slot *slots, size_t mask, ls_tok *t, size_t off,
                            size_t len, uint64_t head, uint32_t h, size_t chars, bool letter)
{
	if (len > HS_LEXSENT_MAX_FORM) {
		put_word(t, off, NULL, chars, chars, letter);
		return;
	}
#if defined(__GNUC__) || defined(__clang__)
	__builtin_prefetch(&slots[h & mask]);
#endif
	t->u.head = head;
	t->off = (uint32_t)off;
	t->hash = h;
	t->kind = LS_TK_FIND;
	t->len = (uint8_t)len;
	t->chars = upto3(chars);
	t->strip = t->chars;
	t->letter = letter;
}

static inline void put_other(ls_tok *t, size_t off, size_t strip, bool bang)
{
	t->off = (uint32_t)off;
	t->kind = LS_TK_OTHER;
	t->chars = 1;
	t->strip = (uint8_t)strip;
	t->bang = bang;
}

/* The tokens of a chunk (a run without whitespace) from text[p] (not
 * whitespace, a token's start) to the chunk's end, appended to t[*np..)
 * (room for one token per byte). Returns the length read; *url is set,
 * and the caller drops the chunk's tokens, when it turns out to be a URL,
 * a mention or an e-mail address ("://", or '@' before a word
 * character). The text ends at text[end] where folded text does:
 * ls_fold's padding follows.
 *
 * Words are looked up later, by apply(); only forms that decide where a
 * token ends (an elision, a word with "'", a symbol) are looked up here. */
static LS_NOINLINE size_t chunk(const hs_lexsent *lx, ls_tok *t, size_t *np, const char *text,
                                size_t p, size_t end, bool *url)
{
	const char *s = text + p;
	size_t len = end - p, q = 0, n = *np;

	while (q < len) {
		size_t cl, r, apos = SIZE_MAX, chars = 1;
		bool letter, has_letter;
		const ls_entry *e;
		unsigned char c = (unsigned char)s[q];

		if (c < 0x80) {
			unsigned char k = ascii_cls[c];
			if (k == 4)
				break;
			cl = 1;
			letter = k == 3;
#ifdef LS_SWAR_RUN
			if (k & 1) {
				/* An ASCII word start: its letters and digits 8 at a
				 * time (s[len] starts ls_fold's LS_PAD zero bytes,
				 * which end the run), hashing each full 8 bytes on
				 * the way; a word that ends at ASCII punctuation or
				 * space (the common case) is done without reading it
				 * again. */
				uint64_t h = LS_HASH_SEED, w, head;
				size_t wl;

				r = alnum_word(s, q, &h, &head, &w, &has_letter);
				wl = r - q;
				c = (unsigned char)s[r];
				if (c < 0x80 && c != '\'' && c != '-') {
					put_find(lx->slots, lx->mask, &t[n++], p + q, wl, head,
					         ls_hash_end(h, w, wl), wl, has_letter);
					q = r;
					continue;
				}
				/* ' or - or a non-ASCII character next */
				chars = wl;
				goto word_rest;
			}
#endif
			if (!(k & 1)) {
				size_t c2;
				bool l2;
				if ((c == ':' && q + 2 < len && s[q + 1] == '/' && s[q + 2] == '/') ||
				    (c == '@' && q + 1 < len && word_at(s + q + 1, len - q - 1, &c2, &l2))) {
					*url = true;
					break;
				}
				goto other;
			}
		} else {
			int cls = class_at(s + q, len - q, &cl, &letter);
			if (cls == LS_SPACE)
				break;
			if (cls != LS_WORD)
				goto other;
		}

		/* a word: letters, marks, digits, with inner ' and - */
		has_letter = letter;
		r = q + cl;
#ifdef LS_SWAR_RUN
	word_rest:
#endif
		while (r < len) {
			size_t c2;
			bool l2;
#ifdef LS_SWAR_RUN
			/* ASCII letters and digits 8 at a time (the padding
			 * ends the run) */
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
				size_t nc = n_chars(s + q, apos + 1 - q);
				bool pl = false;
				for (size_t k = q; k < apos;) {
					size_t c3;
					bool l3;
					(void)word_at(s + k, apos - k, &c3, &l3);
					pl |= l3;
					k += c3;
				}
				put_word(&t[n++], p + q, e, nc, nc - 1, pl);
				q = apos + 1;
				continue;
			}
		}
		if (r < len && s[r] == '\'') {
			/* "n'" before a space or a symbol */
			e = ls_find(lx, s + q, r + 1 - q);
			if (e) {
				put_word(&t[n++], p + q, e, chars + 1, chars, has_letter);
				q = r + 1;
				continue;
			}
		}
		put_find(lx->slots, lx->mask, &t[n++], p + q, r - q, ls_head(s + q, r - q),
		         ls_hash(s + q, r - q), chars, has_letter);
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
				t[n].u.e = e;
				t[n].off = (uint32_t)(p + q);
				t[n].kind = LS_TK_SYMBOL;
				t[n].chars = upto3(n_chars(s + q, ml));
				n++;
				q += ml;
				continue;
			}
		}
		put_other(&t[n++], p + q, s[q] == '\'' ? 0 : 1, s[q] == '!');
		q += cl;
	}
	*np = n;
	return q;
}

/* Length of the chunk at s[0..len). */
static LS_NOINLINE size_t chunk_end(const char *s, size_t len)
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

/* Is s[p] (p > 0) just after whitespace? */
static bool after_space(const char *s, size_t p)
{
	size_t k = p - 1, cl;
	bool letter;

	if (s[k] == ' ')
		return true;
	if ((unsigned char)s[k] < 0x80)
		return false;
	while (k > 0 && is_cont((unsigned char)s[k]))
		k--;
	return class_at(s + k, p - k, &cl, &letter) == LS_SPACE;
}

/* The tokens of folded text s[0..len) (padded) into t (room for len
 * tokens); returns how many. URLs, mentions and e-mail addresses leave
 * none. One loop reads the text once: ASCII words (also with Latin-1
 * letters) and punctuation are handled here; at any other token, chunk()
 * does the rest of its chunk. */
static LS_NOINLINE size_t tokenise(const hs_lexsent *lx, ls_tok *t, const char *s, size_t len)
{
	size_t p = 0, n = 0;
	/* (copies: the token stores may alias lx as far as the compiler knows) */
	bool symbols = lx->n_symbols > 0;
#ifdef LS_SWAR_RUN
	const ls_slot *slots = lx->slots;
	size_t mask = lx->mask;
#endif

	for (;;) {
		unsigned char c = (unsigned char)s[p];

#ifdef LS_SWAR_RUN
		if (c < 0x80 && (ascii_cls[c] & 1)) {
			/* A word: its ASCII letters and digits 8 at a time
			 * (s[len] starts ls_fold's LS_PAD zero bytes, which end
			 * the run), hashing each full 8 bytes on the way. A word
			 * that ends at ASCII punctuation or space (the common
			 * case) is done without reading it again. */
			uint64_t h = LS_HASH_SEED, w, head, m;
			size_t r = p, wl, chars;
			bool has_letter;

			if (c == 'w' && len - p >= 4 && memcmp(s + p, "www.", 4) == 0 &&
			    (p == 0 || after_space(s, p))) {
				p += chunk_end(s + p, len - p);
				continue;
			}
#ifdef LS_SSE2
			{
				/* a word of up to 15 bytes: 16 classified at once,
				 * hashed from two loads */
				unsigned lt16, wd16 = alnum16(s + p, &lt16);
				if (wd16 != 0xFFFFu) {
					uint64_t w1;
					wl = (size_t)__builtin_ctz(~wd16);
					has_letter = (lt16 & ((1u << wl) - 1)) != 0;
					memcpy(&w, s + p, 8);
					memcpy(&w1, s + p + 8, 8);
					m = (UINT64_C(1) << (8 * (wl & 7))) - 1;
					if (wl >= 8) {
						h = ls_hash_block(h, w);
						head = w;
						w = w1 & m;
					} else {
						w &= m;
						head = w;
					}
					r = p + wl;
					c = (unsigned char)s[r];
					if (c < 0x80 && c != '\'' && c != '-') {
						put_find(slots, mask, &t[n++], p, wl, head,
						         ls_hash_end(h, w, wl), wl, has_letter);
						p = r;
						continue;
					}
					chars = wl;
					goto latin1;
				}
			}
#endif
			r = alnum_word(s, p, &h, &head, &w, &has_letter);
			c = (unsigned char)s[r];
			if (c < 0x80 && c != '\'' && c != '-') {
				wl = r - p;
				put_find(slots, mask, &t[n++], p, wl, head, ls_hash_end(h, w, wl), wl,
				         has_letter);
				p = r;
				continue;
			}
			/* Latin-1 letters (2 bytes, 1 character) and ASCII
			 * letters and digits; hashed from memory after */
			chars = r - p;
#ifdef LS_SSE2
		latin1:
#endif
			while (c == 0xC3 && latin1_letter((unsigned char)s[r + 1])) {
				bool l2;
				has_letter = true;
				r += 2;
				chars++;
				wl = alnum_run(s + r, &l2);
				while (wl == 8) {
					r += 8;
					chars += 8;
					wl = alnum_run(s + r, &l2);
				}
				r += wl;
				chars += wl;
				c = (unsigned char)s[r];
			}
			if (c >= 0x80 || c == '\'' || c == '-')
				goto rest;
			wl = r - p;
			put_find(slots, mask, &t[n++], p, wl, ls_head(s + p, wl), ls_hash(s + p, wl),
			         chars, has_letter);
			p = r;
			continue;
		}
#endif
		if (c == ' ') {
			p++;
			continue;
		}
		if (c < 0x80 && ascii_cls[c] == 0 && c != ':' && c != '@' && c != '\'' &&
		    !(symbols && lx->symbol_first[c])) {
			/* punctuation of its own */
			put_other(&t[n++], p, 1, c == '!');
			p++;
			continue;
		}
		if (p >= len)
			break;
		if (c >= 0x80) {
			size_t cl;
			bool letter;
			if (class_at(s + p, len - p, &cl, &letter) == LS_SPACE) {
				p += cl;
				continue;
			}
		}
#ifndef LS_SWAR_RUN
		if (c == 'w' && len - p >= 4 && memcmp(s + p, "www.", 4) == 0 &&
		    (p == 0 || after_space(s, p))) {
			p += chunk_end(s + p, len - p);
			continue;
		}
#endif
#ifdef LS_SWAR_RUN
	rest:
#endif
		{
			/* (a copy of n, so that n itself need not live in memory) */
			size_t nn = n, e;
			bool url = false;

			e = chunk(lx, t, &nn, s, p, len, &url);
			if (url) {
				/* drop the chunk: back to its start */
				while (p > 0 && !after_space(s, p))
					p--;
				while (n > 0 && t[n - 1].off >= p)
					n--;
				p += chunk_end(s + p, len - p);
			} else {
				n = nn;
				p += e;
			}
		}
	}
	return n;
}

/* The method over the tokens of a window, in order, looking up the words
 * tokenise() left (their slots were fetched meanwhile). */
static LS_NOINLINE void apply(const hs_lexsent *lx, ls_state *st, const ls_tok *t, size_t n,
                              const char *s)
{
	for (size_t k = 0; k < n; k++) {
		const ls_tok *tk = &t[k];
		const ls_entry *e;

		switch (tk->kind) {
		case LS_TK_FIND:
			e = ls_probe(lx, s + tk->off, tk->len, tk->u.head, tk->hash);
			word_token(st, e, tk->chars, tk->strip, tk->letter);
			break;
		case LS_TK_WORD:
			word_token(st, tk->u.e, tk->chars, tk->strip, tk->letter);
			break;
		case LS_TK_SYMBOL:
			st->n_symbols++;
			unknown(st, NULL, tk->chars, tk->chars, false);
			open_last(st, tk->u.e);
			break;
		default:
			unknown(st, NULL, tk->chars, tk->strip, tk->bang);
			break;
		}
	}
}

/* Room for n tokens in sc. */
static int tok_reserve(hs_lexsent_scratch *sc, size_t n)
{
	void *p = sc->tok;
	int rc = ls_grow(&p, &sc->tok_cap, n, sizeof(*sc->tok), 64);

	sc->tok = p;
	return rc;
}

static void tok_release(hs_lexsent_scratch *sc)
{
	free(sc->tok);
	sc->tok = NULL;
	sc->tok_cap = 0;
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
	tok_release(sc);
	free(sc);
}

static const hs_sentiment neutral = { 0.0, 1.0, 0.0, 0.0 };

int hs_lexsent_score_detail(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                            size_t len, hs_sentiment *out, hs_lexsent_detail *detail)
{
	ls_state st;
	size_t pos = 0, n;
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
		/* one token per byte at most */
		if (tok_reserve(sc, sc->fold.out_len + 1))
			goto fail;
		n = tokenise(lx, sc->tok, sc->fold.out, sc->fold.out_len);
		apply(lx, &st, sc->tok, n, sc->fold.out);
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
	if (sc->tok_cap * sizeof(ls_tok) > LS_KEEP_BYTES)
		tok_release(sc);
	return rc;
}

int hs_lexsent_score(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                     size_t len, hs_sentiment *out)
{
	return hs_lexsent_score_detail(lx, sc, text, len, out, NULL);
}
