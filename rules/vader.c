/* hearsay: VADER sentiment scoring (see vader.h; the tables are loaded by
 * vader_lex.c).
 *
 * hs_vader_score follows the reference's polarity_scores step by step; the
 * comments below say what each step does, including where the reference
 * behaves in a way one would not guess (kept on purpose: the point is the
 * same numbers).
 *
 *  1. Emoji. Each code point that is a one-code-point key of the emoji
 *     lexicon is replaced by its description, preceded by a space unless
 *     the character before it was a space (U+0020), and followed by
 *     nothing: "😀abc" gives "grinning faceabc". Only done when the text
 *     has a byte >= 0x80 (or the emoji lexicon has an ASCII key): the
 *     result goes to the scratch buffer.
 *  2. Words. The text is split at whitespace as Python's str.split() does
 *     (ASCII 9-13, 28-32 and U+0085, U+00A0, U+1680, U+2000-200A, U+2028,
 *     U+2029, U+202F, U+205F, U+3000). From each piece, ASCII punctuation
 *     (string.punctuation) is stripped at both ends, unless that leaves two
 *     characters or fewer: then the piece stays as it was (so ":)" and
 *     "a," are kept whole, "(" is a word). Nothing is dropped.
 *     '!' and '?' are counted over the whole text (descriptions included).
 *  3. Per word, with its lowercase form (Python str.lower()): lexicon
 *     valence, booster/dampener, negation ("n't" anywhere in the word also
 *     negates), the name id the rules compare, and whether the word is
 *     upper case (Python str.isupper(): it has cased characters, all upper).
 *     "Caps differential" is on when some but not all words are upper case.
 *  4. Valence of word i (0 unless it is in the lexicon; a booster, and
 *     "kind" before "of", are 0 whatever the lexicon says):
 *       - lexicon valence v;
 *       - "no" followed by a lexicon word: v = 0; a word with "no" one or
 *         two words before it, or three before with "or"/"nor" right before
 *         the word: v = valence * -0.74 (this overrides the "no" rule);
 *       - an upper-case word with caps differential: v += 0.733 if v > 0,
 *         else v -= 0.733 (so an upper-case "NO" before a lexicon word
 *         gets -0.733);
 *       - for each of the three words before it (k = 1, 2, 3) that is not
 *         in the lexicon: add its booster scalar (+-0.293, sign flipped if
 *         v < 0; +-0.733 more if the booster is upper case with caps
 *         differential: + if v > 0, else -), times 0.95 for k = 2 and 0.9
 *         for k = 3; then the negation rule of distance k:
 *           k=1: a negation right before: v *= -0.74;
 *           k=2: "never so/this" right before: v *= 1.25; "without doubt":
 *                unchanged; else a negation two before: v *= -0.74;
 *           k=3: "never so/this" three and two before, or "so"/"this"
 *                right before (whatever precedes it): v *= 1.25;
 *                "without" three before with "doubt" one or two before:
 *                unchanged; else a negation three before: v *= -0.74;
 *         and after k = 3, the idioms: the first of (w-1 w), (w-2 w-1 w),
 *         (w-2 w-1), (w-3 w-2 w-1), (w-3 w-2) that is an idiom sets v to
 *         its value, then (w w+1) and then (w w+1 w+2) if idioms, then
 *         "just enough"/"kind of"/"sort of" as (w-3 w-2) or (w-2 w-1) add
 *         -0.293. (The reference only reaches the idioms when the word
 *         three before is not in the lexicon, hence e.g. "the shit" scores
 *         3 only with three such words before "shit".)
 *       - "least" right before (not in the lexicon) and not preceded by
 *         "at" or "very": v *= -0.74.
 *  5. "but": with the first "but" at index b, the reference walks the
 *     list of valences and, for each value x, multiplies the FIRST element
 *     equal to x by 0.5 if it is before b and 1.5 if after (Python's
 *     list.index()); with repeated values this scales an earlier copy,
 *     even one already scaled (a value equal to an already halved one is
 *     halved again there). hs_vader_but_weigh reproduces this exactly, in
 *     O(n log n) instead of the reference's O(n^2).
 *  6. Sum (plain left-to-right double sum), plus the punctuation emphasis
 *     away from zero: min(!, 4) * 0.292 + (0 / ?*0.18 / 0.96 for <2 / 2-3 /
 *     more '?'); compound = s / sqrt(s*s + 15), clamped to -1..1.
 *  7. pos/neg/neu: positive valences + 1 each, negative ones - 1 each,
 *     zeros count 1; the emphasis goes to the larger of pos and |neg|;
 *     each is divided by the total. Rounded with Python's round(): neg,
 *     neu, pos to 3 decimals, compound to 4.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "vader.h"
#include "vader_internal.h"
#include "utf8.h"

/* The reference's arithmetic is plain IEEE double, one rounding per
 * operation: no fused multiply-add. GCC does not contract in ISO C mode
 * (-std=c11); clang would, given FMA hardware, without this. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* The reference's constants. */
#define B_INCR 0.293
#define B_DECR (-0.293)
#define C_INCR 0.733
#define N_SCALAR (-0.74)

/* Scratch buffers are kept between posts up to this text size. */
#define VD_KEEP_BYTES ((size_t)256 * 1024)

/* token flags: the entry flags (VD_LEX ... VD_NEGATE) plus: */
#define VT_UPPER 0x10

typedef struct vd_tok {
	double valence;
	uint8_t flags;
	uint8_t word;
} vd_tok;

typedef struct vd_but_slot {
	uint64_t key;  /* bits of the value */
	uint32_t root; /* min-heap of indices holding that value; UINT32_MAX: empty */
	uint32_t used;
} vd_but_slot;

/* What the word table is searched with: the lowercase word's hash and its
 * first two chunks (vader_internal.h). */
typedef struct vd_wkey {
	uint64_t h, c0, c1;
} vd_wkey;

/* A lookup of an ASCII word, queued by words() and done by resolve(), up
 * to VD_BATCH at a time (a short post's words all in one batch). */
#define VD_BATCH 32

typedef struct vd_req {
	vd_wkey key;
	size_t off;    /* the word is text[off, off + len) */
	uint32_t len;
	uint32_t tok;  /* its token */
	bool apos;     /* it has an apostrophe: look for "n't" */
} vd_req;

struct hs_vader_scratch {
	char *buf;           /* text after emoji replacement */
	size_t buf_cap;
	vd_tok *tok;
	size_t tok_cap;
	vd_req req[VD_BATCH]; /* lookups queued by words() */
	double *sent;        /* valences, one per token */
	size_t sent_cap;
	uint32_t *heap;      /* skew-heap children per token, left then right
	                      * (hs_vader_but_weigh) */
	size_t heap_cap;
	vd_but_slot *bs;
	size_t bs_cap;
	size_t last_len;     /* length of the previous text */
};

/* ---- character classes ------------------------------------------------------------- */

#define CL_WS 0x01
#define CL_PUNCT 0x02
#define CL_UPPER 0x04
#define CL_LOWER 0x08
#define CL_HI 0x10 /* >= 0x80 */
#define CL_MARK 0x20 /* '!' or '?' (also CL_PUNCT) */
#define CL_APOS 0x40 /* '\'' (also CL_PUNCT) */

/* ASCII: Python's whitespace (9-13, 28-32), string.punctuation, letters. */
static const uint8_t cls[256] = {
	[9] = CL_WS,        [10] = CL_WS,       [11] = CL_WS,       [12] = CL_WS,
	[13] = CL_WS,       [28] = CL_WS,       [29] = CL_WS,       [30] = CL_WS,
	[31] = CL_WS,       [32] = CL_WS,       ['!'] = CL_PUNCT | CL_MARK,   ['"'] = CL_PUNCT,
	['#'] = CL_PUNCT,   ['$'] = CL_PUNCT,   ['%'] = CL_PUNCT,   ['&'] = CL_PUNCT,
	['\''] = CL_PUNCT | CL_APOS,  ['('] = CL_PUNCT,   [')'] = CL_PUNCT,   ['*'] = CL_PUNCT,
	['+'] = CL_PUNCT,   [','] = CL_PUNCT,   ['-'] = CL_PUNCT,   ['.'] = CL_PUNCT,
	['/'] = CL_PUNCT,   [':'] = CL_PUNCT,   [';'] = CL_PUNCT,   ['<'] = CL_PUNCT,
	['='] = CL_PUNCT,   ['>'] = CL_PUNCT,   ['?'] = CL_PUNCT | CL_MARK,   ['@'] = CL_PUNCT,
	['['] = CL_PUNCT,   ['\\'] = CL_PUNCT,  [']'] = CL_PUNCT,   ['^'] = CL_PUNCT,
	['_'] = CL_PUNCT,   ['`'] = CL_PUNCT,   ['{'] = CL_PUNCT,   ['|'] = CL_PUNCT,
	['}'] = CL_PUNCT,   ['~'] = CL_PUNCT,   ['A'] = CL_UPPER,   ['B'] = CL_UPPER,
	['C'] = CL_UPPER,   ['D'] = CL_UPPER,   ['E'] = CL_UPPER,   ['F'] = CL_UPPER,
	['G'] = CL_UPPER,   ['H'] = CL_UPPER,   ['I'] = CL_UPPER,   ['J'] = CL_UPPER,
	['K'] = CL_UPPER,   ['L'] = CL_UPPER,   ['M'] = CL_UPPER,   ['N'] = CL_UPPER,
	['O'] = CL_UPPER,   ['P'] = CL_UPPER,   ['Q'] = CL_UPPER,   ['R'] = CL_UPPER,
	['S'] = CL_UPPER,   ['T'] = CL_UPPER,   ['U'] = CL_UPPER,   ['V'] = CL_UPPER,
	['W'] = CL_UPPER,   ['X'] = CL_UPPER,   ['Y'] = CL_UPPER,   ['Z'] = CL_UPPER,
	['a'] = CL_LOWER,   ['b'] = CL_LOWER,   ['c'] = CL_LOWER,   ['d'] = CL_LOWER,
	['e'] = CL_LOWER,   ['f'] = CL_LOWER,   ['g'] = CL_LOWER,   ['h'] = CL_LOWER,
	['i'] = CL_LOWER,   ['j'] = CL_LOWER,   ['k'] = CL_LOWER,   ['l'] = CL_LOWER,
	['m'] = CL_LOWER,   ['n'] = CL_LOWER,   ['o'] = CL_LOWER,   ['p'] = CL_LOWER,
	['q'] = CL_LOWER,   ['r'] = CL_LOWER,   ['s'] = CL_LOWER,   ['t'] = CL_LOWER,
	['u'] = CL_LOWER,   ['v'] = CL_LOWER,   ['w'] = CL_LOWER,   ['x'] = CL_LOWER,
	['y'] = CL_LOWER,   ['z'] = CL_LOWER,
#define HI4(b) [b] = CL_HI, [b + 1] = CL_HI, [b + 2] = CL_HI, [b + 3] = CL_HI
#define HI16(b) HI4(b), HI4(b + 4), HI4(b + 8), HI4(b + 12)
	HI16(0x80), HI16(0x90), HI16(0xA0), HI16(0xB0),
	HI16(0xC0), HI16(0xD0), HI16(0xE0), HI16(0xF0),
#undef HI16
#undef HI4
};

/* ASCII lowercase of a byte (bytes >= 0x80 unchanged). */
static const unsigned char lowtab[256] = {
#define ID4(b) [b] = b, [b + 1] = b + 1, [b + 2] = b + 2, [b + 3] = b + 3
#define ID16(b) ID4(b), ID4(b + 4), ID4(b + 8), ID4(b + 12)
#define LO4(b) [b] = b + 32, [b + 1] = b + 33, [b + 2] = b + 34, [b + 3] = b + 35
	ID16(0x00), ID16(0x10), ID16(0x20), ID16(0x30),
	[0x40] = 0x40, LO4(0x41), LO4(0x45), LO4(0x49), LO4(0x4D), LO4(0x51), LO4(0x55),
	[0x59] = 0x79, [0x5A] = 0x7A, [0x5B] = 0x5B, [0x5C] = 0x5C, [0x5D] = 0x5D,
	[0x5E] = 0x5E, [0x5F] = 0x5F,
	ID16(0x60), ID16(0x70), ID16(0x80), ID16(0x90), ID16(0xA0), ID16(0xB0),
	ID16(0xC0), ID16(0xD0), ID16(0xE0), ID16(0xF0),
#undef LO4
#undef ID16
#undef ID4
};

/* Code points that Python (Unicode 14) counts as lowercase or uppercase
 * although their category is not Ll/Lu and they have no case mapping
 * (Other_Lowercase letters, Other_Uppercase symbols). */
typedef struct cp_range {
	int32_t lo, hi;
} cp_range;

static const cp_range other_lower[] = {
	{ 0x00AA, 0x00AA },   { 0x00BA, 0x00BA },   { 0x02B0, 0x02B8 },
	{ 0x02C0, 0x02C1 },   { 0x02E0, 0x02E4 },   { 0x037A, 0x037A },
	{ 0x1D2C, 0x1D6A },   { 0x1D78, 0x1D78 },   { 0x1D9B, 0x1DBF },
	{ 0x2071, 0x2071 },   { 0x207F, 0x207F },   { 0x2090, 0x209C },
	{ 0x2C7C, 0x2C7D },   { 0xA69C, 0xA69D },   { 0xA770, 0xA770 },
	{ 0xA7F8, 0xA7F9 },   { 0xAB5C, 0xAB5F },   { 0x10780, 0x10780 },
	{ 0x10783, 0x10785 }, { 0x10787, 0x107B0 }, { 0x107B2, 0x107BA },
};

static const cp_range other_upper[] = {
	{ 0x1F130, 0x1F149 },
	{ 0x1F150, 0x1F169 },
	{ 0x1F170, 0x1F189 },
};

static bool in_ranges(const cp_range *r, size_t n, int32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Case of one non-ASCII code point as str.isupper() sees it: 1 upper
 * (cased), -1 lower or titlecase (the word is not upper case), 0 uncased. */
static int cp_case(int32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	switch (p->category) {
	case UTF8PROC_CATEGORY_LU:
		return 1;
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
		return -1;
	default:
		break;
	}
	if (in_ranges(other_lower, sizeof(other_lower) / sizeof(other_lower[0]), cp))
		return -1;
	if (in_ranges(other_upper, sizeof(other_upper) / sizeof(other_upper[0]), cp))
		return 1;
	if (utf8proc_tolower(cp) != cp)
		return 1;
	if (utf8proc_toupper(cp) != cp)
		return -1;
	return 0;
}


/* A word with non-ASCII bytes: lowercase it into out (cap bytes) as
 * str.lower() does (full mapping of U+0130; simple mappings otherwise,
 * which is all Python applies but for final sigma, not done here: no
 * lexicon key has a sigma); ill-formed bytes are copied. Also tells
 * whether the word is upper case. Returns the lowered length, or SIZE_MAX
 * if longer than cap (*upper is still set). */
static size_t lower_word_uni(const unsigned char *w, size_t len, char *out, size_t cap,
                             bool *upper)
{
	size_t o = 0;
	bool cased = false, nonupper = false, fits = true;

	for (size_t i = 0; i < len;) {
		size_t n;
		int32_t cp = vd_utf8(w + i, len - i, &n);
		char tmp[8];
		size_t tn;

		if (cp < 0) {
			tmp[0] = (char)w[i];
			tn = 1;
		} else if (cp < 0x80) {
			uint8_t c = cls[cp];
			if (c & CL_UPPER) {
				cased = true;
				cp += 'a' - 'A';
			} else if (c & CL_LOWER) {
				nonupper = true;
			}
			tmp[0] = (char)cp;
			tn = 1;
		} else {
			int k = cp_case(cp);
			if (k > 0)
				cased = true;
			else if (k < 0)
				nonupper = true;
			if (cp == 0x130) { /* 'İ' -> "i" + U+0307 */
				memcpy(tmp, "i\xCC\x87", 3);
				tn = 3;
			} else {
				tn = hs_utf8_put(tmp, (uint32_t)utf8proc_tolower(cp));
			}
		}
		i += n;
		if (!fits)
			continue;
		if (cap - o < tn) {
			fits = false;
			continue;
		}
		for (size_t k = 0; k < tn; k++)
			out[o++] = tmp[k];
	}
	*upper = cased && !nonupper;
	return fits ? o : SIZE_MAX;
}

/* "n't" in the lowercased word: only ASCII characters lowercase to 'n', '\''
 * or 't', so the original bytes can be searched without case. */
static bool has_nt(const char *w, size_t len)
{
	const char *p = w, *end = w + len;

	while ((p = memchr(p, '\'', (size_t)(end - p)))) {
		if (p > w && (p[-1] | 0x20) == 'n' && p + 1 < end && (p[1] | 0x20) == 't')
			return true;
		p++;
	}
	return false;
}

/* ---- scratch ----------------------------------------------------------------------- */

hs_vader_scratch *hs_vader_scratch_new(void)
{
	return calloc(1, sizeof(hs_vader_scratch));
}

static void scratch_release(hs_vader_scratch *s)
{
	free(s->buf);
	free(s->tok);
	free(s->sent);
	free(s->heap);
	free(s->bs);
	s->buf = NULL;
	s->tok = NULL;
	s->sent = NULL;
	s->heap = NULL;
	s->bs = NULL;
	s->buf_cap = s->tok_cap = s->sent_cap = s->heap_cap = s->bs_cap = 0;
}

void hs_vader_scratch_free(hs_vader_scratch *s)
{
	if (!s)
		return;
	scratch_release(s);
	free(s);
}

/* Make *p hold at least need elements of size sz (growing by half again);
 * 0 or -1 on out of memory (then *p is unchanged). */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap + *cap / 2;
	if (ncap < need)
		ncap = need;
	if (ncap < 64)
		ncap = 64;
	if (ncap > SIZE_MAX / sz)
		return -1;
	np = realloc(*p, ncap * sz);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* ---- step 1: emoji ----------------------------------------------------------------- */

static bool needs_emoji_pass(const hs_vader *v, const unsigned char *t, size_t len)
{
	size_t i = 0;

	if (!v->n_emoji)
		return false;
	if (v->emo_min < 0x80)
		return true;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, t + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			return true;
	}
	for (; i < len; i++)
		if (t[i] & 0x80)
			return true;
	return false;
}

/* Replace emoji by their descriptions into s->buf; returns the length, or
 * SIZE_MAX on out of memory. */
static size_t emoji_pass(const hs_vader *v, hs_vader_scratch *s, const unsigned char *t,
                         size_t len)
{
	size_t o = 0;
	bool prev_space = true;

	if (grow((void **)&s->buf, &s->buf_cap, len, 1))
		return SIZE_MAX;
	for (size_t i = 0; i < len;) {
		size_t n, dlen = 0;
		int32_t cp;
		const char *d;

		if (t[i] < 0x80 && v->emo_min >= 0x80) {
			/* copy the ASCII run */
			size_t j = i;
			while (j < len && t[j] < 0x80)
				j++;
			if (grow((void **)&s->buf, &s->buf_cap, o + (j - i), 1))
				return SIZE_MAX;
			memcpy(s->buf + o, t + i, j - i);
			o += j - i;
			prev_space = t[j - 1] == ' ';
			i = j;
			continue;
		}
		cp = vd_utf8(t + i, len - i, &n);
		d = cp >= 0 ? vd_emoji(v, (uint32_t)cp, &dlen) : NULL;
		if (d) {
			if (o > SIZE_MAX - dlen - 1 - (len - i) ||
			    grow((void **)&s->buf, &s->buf_cap, o + dlen + 1 + (len - i - n), 1))
				return SIZE_MAX;
			if (!prev_space)
				s->buf[o++] = ' ';
			memcpy(s->buf + o, d, dlen);
			o += dlen;
			prev_space = false;
		} else {
			if (grow((void **)&s->buf, &s->buf_cap, o + n, 1))
				return SIZE_MAX;
			memcpy(s->buf + o, t + i, n);
			o += n;
			prev_space = cp == ' ';
		}
		i += n;
	}
	return o;
}

/* ---- steps 2 and 3: words ---------------------------------------------------------- */

typedef struct vd_text {
	size_t n_tok;
	size_t n_upper;
	size_t excl, ques;
	size_t but;        /* index of the first "but", or SIZE_MAX */
} vd_text;

/* Classify the word [w, w + len) into *t. hi: it has a byte >= 0x80. */
static void classify(const hs_vader *v, const unsigned char *w, size_t len, bool hi,
                     vd_tok *t)
{
	unsigned char low[VD_MAX_KEY + 1];
	size_t cap = v->max_key;
	size_t ll;
	bool upper;

	t->valence = 0.0;
	t->flags = 0;
	t->word = VW_NONE;
	if (!hi) {
		uint8_t seen = 0;
		ll = len <= cap ? len : SIZE_MAX;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = w[i];
			uint8_t k = cls[c];
			seen |= k;
			if (k & CL_UPPER)
				c += 'a' - 'A';
			if (i < cap)
				low[i] = c;
		}
		upper = (seen & (CL_UPPER | CL_LOWER)) == CL_UPPER;
	} else {
		ll = lower_word_uni(w, len, (char *)low, cap, &upper);
	}
	if (upper)
		t->flags |= VT_UPPER;
	if (ll != SIZE_MAX) {
		const vd_entry *e = vd_find(v, vd_hash(low, ll), ll, vd_chunk(low, ll, 0),
		                            vd_chunk(low, ll, 1), low + VD_INLINE_KEY, NULL);
		if (e) {
			t->flags |= e->flags;
			t->word = e->word;
			t->valence = e->valence;
		}
	}
	if (!(t->flags & VD_NEGATE) && has_nt((const char *)w, len))
		t->flags |= VD_NEGATE;
}

/* Eight bytes at a time ("SWAR"): a uint64_t holds eight bytes of text,
 * byte i in lane i (bits 8i..8i+7, vd_load8), and a lane mask has bit 7 of
 * each lane where a test holds. */
#define SW_ONES UINT64_C(0x0101010101010101)
#define SW_HIGH UINT64_C(0x8080808080808080)

/* Lanes of y that are >= c; y's lanes are < 0x80, 1 <= c <= 0x80 (so no
 * lane carries into the next). */
static inline uint64_t sw_ge(uint64_t y, unsigned c)
{
	return (y + SW_ONES * (0x80 - c)) & SW_HIGH;
}

/* Lanes of x equal to c (exact: no borrow between lanes). */
static inline uint64_t sw_eq(uint64_t x, unsigned char c)
{
	uint64_t z = x ^ (SW_ONES * c);

	return ~(((z & ~SW_HIGH) + ~SW_HIGH) | z) & SW_HIGH;
}

/* Number of lanes set in a lane mask. */
static inline size_t sw_count(uint64_t m)
{
	return (size_t)(((m >> 7) * SW_ONES) >> 56);
}

/* Lanes of y (bytes < 0x80) that are ASCII upper-case letters. */
static inline uint64_t sw_upper(uint64_t y)
{
	return sw_ge(y, 'A') & ~sw_ge(y, 'Z' + 1);
}

/* The first n (0..8) lanes of the text at w, end: the end of the text. */
static inline uint64_t sw_load(const unsigned char *w, const unsigned char *end, size_t n)
{
	uint64_t x;

	if (end - w < 8)
		return vd_chunk(w, n, 0);
	x = vd_load8(w);
	return n < 8 ? x & ((UINT64_C(1) << (8 * n)) - 1) : x;
}

/* Hash the ASCII word w[0..n) (no byte >= 0x80, n <= the longest key)
 * as vd_hash would hash its lowercase form, lowercasing eight bytes at a
 * time; its first two chunks go to r. */
static void hash_ascii(const unsigned char *w, size_t n, const unsigned char *end, vd_wkey *r)
{
	uint64_t h = VD_HASH_SEED, c[2] = { 0, 0 };

	for (size_t i = 0; i * 8 < n; i++) {
		size_t rest = n - i * 8;
		uint64_t x = sw_load(w + i * 8, end, rest < 8 ? rest : 8);
		x |= sw_upper(x) >> 2; /* 'A'..'Z' + 0x20 */
		if (i < 2)
			c[i] = x;
		h = vd_hash_step(h, x);
	}
	r->h = vd_hash_end(h, n);
	r->c0 = c[0];
	r->c1 = c[1];
}

/* The entry of the ASCII word w[0..n) with key k (hash_ascii), or the
 * sentinel ent[0]. The table is at most a quarter full, so a word of up to
 * VD_INLINE_KEY bytes is nearly always decided by its first two slots:
 * both are read, and their entries (the sentinel for an empty one)
 * compared, without a branch on the outcome; vd_find does the rest (a
 * longer word, or two other words in those slots). */
static inline const vd_entry *lookup(const hs_vader *v, const vd_wkey *k, size_t n,
                                     const unsigned char *w)
{
	const vd_entry *ent = v->ent, *e;
	uint32_t mask = (uint32_t)v->mask;
	uint32_t at = (uint32_t)k->h & mask;
	uint32_t s1 = v->slot[at], s2 = v->slot[(at + 1) & mask];
	const vd_entry *e1 = &ent[s1 & mask], *e2 = &ent[s2 & mask];
	uint32_t m1 = (e1->key_len == n) & (e1->k[0] == k->c0) & (e1->k[1] == k->c1);
	uint32_t m2 = (e2->key_len == n) & (e2->k[0] == k->c0) & (e2->k[1] == k->c1);

	if ((n > VD_INLINE_KEY) | (!(m1 | m2) & (s1 != 0) & (s2 != 0))) {
		e = vd_find(v, k->h, n, k->c0, k->c1, w + VD_INLINE_KEY, lowtab);
		return e ? e : &ent[0];
	}
	/* the matching entry, else the sentinel, without a branch */
	return &ent[((s1 & mask) & (0u - m1)) | ((s2 & mask) & (0u - (m2 & ~m1)))];
}

/* Do the n_req lookups queued by words() in s->req, which has prefetched
 * the first slot of each: first prefetch the entries those slots point to,
 * then look each word up and fill its token. The cache misses of different
 * words overlap instead of each lookup waiting for two in a row.
 * *first_but: lowered to the index of a "but" found. */
static void resolve(const hs_vader *v, hs_vader_scratch *s, const unsigned char *t,
                    size_t n_req, size_t *first_but)
{
	/* locals: the stores into tokens (uint8_t) could alias anything */
	const vd_req *rq = s->req;
	vd_tok *tok = s->tok;
	const uint32_t *slot = v->slot;
	const vd_entry *ent = v->ent;
	uint32_t mask = (uint32_t)v->mask;
	size_t but = *first_but;

	for (size_t i = 0; i < n_req; i++) {
		uint32_t at = (uint32_t)rq[i].key.h & mask;
		__builtin_prefetch(&ent[slot[at] & mask]);
		__builtin_prefetch(&ent[slot[(at + 1) & mask] & mask]);
	}
	for (size_t i = 0; i < n_req; i++) {
		const vd_req *r = &rq[i];
		const vd_entry *e = lookup(v, &r->key, r->len, t + r->off);
		uint8_t f = tok[r->tok].flags | e->flags;

		if (r->apos && !(f & VD_NEGATE) && has_nt((const char *)t + r->off, r->len))
			f |= VD_NEGATE;
		tok[r->tok].flags = f;
		tok[r->tok].valence = e->valence;
		tok[r->tok].word = e->word;
		if (e->word == VW_BUT && r->tok < but)
			but = r->tok;
	}
	*first_but = but;
}

/* The fast path of words(), eight bytes at a time: the piece at t + p
 * (p < len, t[p] not whitespace), if it is made of ASCII letters only, or
 * of more than two ASCII letters then ASCII punctuation, up to whitespace
 * or the end of the text. Then sets *pe to the end of the piece, *n to the
 * length of its letters (the word: trailing punctuation is stripped),
 * *upper to whether it is upper case, adds its '!' and '?' to *excl and
 * *ques, sets r's chunks and hash as hash_ascii would (but for
 * vd_hash_end, which needs the length) and returns true. Anything else
 * (digits, leading or inner punctuation, controls, non-ASCII, at most two
 * letters then punctuation) is left to the general path: returns false,
 * having changed nothing but *r. */
static inline bool letters_piece(const unsigned char *t, size_t len, size_t p, size_t *pe,
                                 size_t *n, bool *upper, size_t *excl, size_t *ques,
                                 vd_wkey *r)
{
	const unsigned char *end = t + len;
	size_t start = p, wend;
	uint64_t h = VD_HASH_SEED, c0 = 0, c1 = 0, up_any = 0, lo_any = 0, marks = 0, mw = 0;

	for (size_t i = 0;; i++) {
		size_t rest = len - p;
		uint64_t x = sw_load(t + p, end, rest < 8 ? rest : 8);
		/* lanes inside the text (rest is 0 after a word of 8k letters
		 * that ends the text) */
		uint64_t valid = rest < 8 ? ~(UINT64_MAX << (8 * rest)) & SW_HIGH : SW_HIGH;
		uint64_t hib = x & SW_HIGH, y = x & ~SW_HIGH, yl = y | (SW_ONES * 0x20);
		/* candidates for the end: bytes <= ' ', >= 0x80, past the end */
		uint64_t stop = (~sw_ge(y, ' ' + 1) | hib | ~valid) & SW_HIGH;
		uint64_t in = ((stop & (0 - stop)) - 1) & SW_HIGH; /* lanes before it */
		/* letters: their lowercase (bit 5 set) is 'a'..'z'; bit 5 tells
		 * lowercase from upper case */
		uint64_t letter = sw_ge(yl, 'a') & ~sw_ge(yl, 'z' + 1) & in;
		uint64_t lo = (y << 2) & letter, up = letter & ~lo;
		uint64_t word = in;

		if (letter != in) {
			/* letters, then only punctuation to the end of the piece */
			uint64_t other = in & ~letter;
			uint64_t before = ((other & (0 - other)) - 1) & SW_HIGH;
			uint64_t digit = sw_ge(y, '0') & ~sw_ge(y, '9' + 1);
			uint64_t punct = sw_ge(y, '!') & ~sw_ge(y, 0x7F) & ~digit;
			if (!stop || (letter & ~before) || (other & ~punct))
				return false;
			word = in & before;
			mw = other;
			marks = x;
		}
		up_any |= up;
		lo_any |= lo;
		x = (x | (up >> 2)) & ((word >> 7) * 0xFF); /* lowercase, cut */
		if (i == 0)
			c0 = x;
		else if (i == 1)
			c1 = x;
		if (word)
			h = vd_hash_step(h, x);
		if (!stop) {
			p += 8;
			continue;
		}
		wend = p + ((size_t)__builtin_ctzll(mw ? mw : stop) >> 3);
		p += (size_t)__builtin_ctzll(stop) >> 3;
		if (p < len && !(cls[t[p]] & CL_WS) && !(t[p] >= 0x80 && vd_uni_space(t + p, len - p)))
			return false;
		break;
	}
	if (mw) {
		if (wend - start <= 2)
			return false;
		*excl += sw_count(sw_eq(marks, '!') & mw);
		*ques += sw_count(sw_eq(marks, '?') & mw);
	}
	*pe = p;
	*n = wend - start;
	*upper = up_any && !lo_any;
	r->c0 = c0;
	r->c1 = c1;
	r->h = h;
	return true;
}

/* Cut text into words (into s->tok), classify them, count '!' and '?'.
 * A piece (run of non-whitespace) of ASCII letters, maybe followed by
 * punctuation, the common case, is cut, lowercased and hashed eight bytes
 * at a time (letters_piece). Another ASCII piece is cut byte by byte with
 * the class table, stripped, then hashed (hash_ascii). Both queue their
 * lookup (vd_req), prefetching its first slot, for resolve() to do at the
 * end. A piece with a byte >= 0x80 is cut again by the general rules and
 * classified at once by classify(). -1 on out of memory. */
static int words(const hs_vader *v, hs_vader_scratch *s, const unsigned char *t, size_t len,
                 vd_text *x)
{
	const unsigned char *end = t + len;
	size_t cap = v->max_key;
	size_t p = 0, excl = 0, ques = 0, n_req = 0;
	/* locals: the stores into tokens (uint8_t) could alias anything */
	size_t n_tok = 0, n_upper = 0, but = SIZE_MAX;
	vd_tok *tok = s->tok;
	vd_req *req = s->req;

	while (p < len) {
		unsigned char c = t[p];
		size_t ts;
		uint8_t seen = 0;
		size_t n;
		bool hi = false, upper;
		vd_tok *tk;
		vd_req *r;

		if (cls[c] & CL_WS) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			size_t sl = vd_uni_space(t + p, len - p);
			if (sl) {
				p += sl;
				continue;
			}
		}
		if (n_tok == s->tok_cap) {
			if (grow((void **)&s->tok, &s->tok_cap, n_tok + 1, sizeof(*s->tok)))
				return -1;
			tok = s->tok;
		}
		if (n_req == VD_BATCH) {
			resolve(v, s, t, n_req, &but);
			n_req = 0;
		}
		tk = &tok[n_tok];
		r = &req[n_req];

		ts = p;
		if (letters_piece(t, len, ts, &p, &n, &upper, &excl, &ques, &r->key)) {
			tk->flags = upper ? VT_UPPER : 0;
			tk->valence = 0.0;
			tk->word = VW_NONE;
			if (n <= cap) {
				r->key.h = vd_hash_end(r->key.h, n);
				r->off = ts;
				r->len = (uint32_t)n;
				r->tok = (uint32_t)n_tok;
				r->apos = false;
				__builtin_prefetch(&v->slot[r->key.h & v->mask]);
				n_req++;
			}
			if (p < len && t[p] == ' ')
				p++; /* the usual separator: skip it here */
			goto counted;
		}
		while (p < len) {
			uint8_t k = cls[t[p]];
			if (k & (CL_WS | CL_HI))
				break;
			seen |= k;
			p++;
		}
		if (seen & CL_MARK) {
			for (size_t i = ts; i < p; i++) {
				excl += t[i] == '!';
				ques += t[i] == '?';
			}
		}
		if (p < len && t[p] >= 0x80 && !vd_uni_space(t + p, len - p)) {
			/* not ASCII: the rest of the piece */
			hi = true;
			while (p < len) {
				c = t[p];
				if (cls[c] & CL_WS)
					break;
				if (c >= 0x80) {
					size_t cl;
					if (vd_uni_space(t + p, len - p))
						break;
					vd_utf8(t + p, len - p, &cl);
					p += cl;
					continue;
				}
				excl += c == '!';
				ques += c == '?';
				p++;
			}
		}

		if (!hi) {
			/* ASCII: one byte per character; the piece without its
			 * leading and trailing punctuation if that keeps more than
			 * two, else the whole piece */
			size_t ws = ts, n_word = p - ts;
			if (seen & CL_PUNCT) {
				size_t first = ts, last = p;
				while (first < last && (cls[t[first]] & CL_PUNCT))
					first++;
				while (last > first && (cls[t[last - 1]] & CL_PUNCT))
					last--;
				if (last - first > 2) {
					ws = first;
					n_word = last - first;
				}
			}
			tk->flags = (seen & (CL_UPPER | CL_LOWER)) == CL_UPPER ? VT_UPPER : 0;
			tk->valence = 0.0;
			tk->word = VW_NONE;
			if (n_word <= cap) {
				hash_ascii(t + ws, n_word, end, &r->key);
				r->off = ws;
				r->len = (uint32_t)n_word;
				r->tok = (uint32_t)n_tok;
				r->apos = (seen & CL_APOS) != 0;
				__builtin_prefetch(&v->slot[r->key.h & v->mask]);
				n_req++;
			} else if ((seen & CL_APOS) && has_nt((const char *)t + ws, n_word)) {
				tk->flags |= VD_NEGATE;
			}
		} else {
			/* strip punctuation unless that leaves <= 2 characters */
			size_t ps = ts, pe = p, ws = ts, we = p;
			while (ps < pe && (cls[t[ps]] & CL_PUNCT))
				ps++;
			while (pe > ps && (cls[t[pe - 1]] & CL_PUNCT))
				pe--;
			if (pe - ps > 2) {
				size_t chars = 0;
				for (size_t i = ps; i < pe && chars <= 2; chars++) {
					size_t cl;
					vd_utf8(t + i, pe - i, &cl);
					i += cl;
				}
				if (chars > 2) {
					ws = ps;
					we = pe;
				}
			}
			classify(v, t + ws, we - ws, hi, tk);
		}
	counted:
		if (tk->flags & VT_UPPER)
			n_upper++;
		if (tk->word == VW_BUT && but == SIZE_MAX)
			but = n_tok;
		n_tok++;
	}
	resolve(v, s, t, n_req, &but);
	x->n_tok = n_tok;
	x->n_upper = n_upper;
	x->but = but;
	x->excl = excl;
	x->ques = ques;
	return 0;
}

/* ---- step 4: valences ------------------------------------------------------------------ */

static bool is_so_this(const vd_tok *t)
{
	return t->word == VW_SO || t->word == VW_THIS;
}

/* The reference's scalar_inc_dec: what booster word b adds to valence. */
static double booster_scalar(const vd_tok *b, double valence, bool cap_diff)
{
	double scalar;

	if (b->flags & VD_BOOST)
		scalar = B_INCR;
	else if (b->flags & VD_DAMP)
		scalar = B_DECR;
	else
		return 0.0;
	if (valence < 0)
		scalar *= -1;
	if ((b->flags & VT_UPPER) && cap_diff) {
		if (valence > 0)
			scalar += C_INCR;
		else
			scalar -= C_INCR;
	}
	return scalar;
}

static double negation_rule(double v, const vd_tok *t, size_t i, int k)
{
	switch (k) {
	case 1:
		if (t[i - 1].flags & VD_NEGATE)
			v *= N_SCALAR;
		break;
	case 2:
		if (t[i - 2].word == VW_NEVER && is_so_this(&t[i - 1]))
			v *= 1.25;
		else if (t[i - 2].word == VW_WITHOUT && t[i - 1].word == VW_DOUBT)
			;
		else if (t[i - 2].flags & VD_NEGATE)
			v *= N_SCALAR;
		break;
	default:
		if ((t[i - 3].word == VW_NEVER && is_so_this(&t[i - 2])) || is_so_this(&t[i - 1]))
			v *= 1.25;
		else if (t[i - 3].word == VW_WITHOUT &&
		         (t[i - 2].word == VW_DOUBT || t[i - 1].word == VW_DOUBT))
			;
		else if (t[i - 3].flags & VD_NEGATE)
			v *= N_SCALAR;
		break;
	}
	return v;
}

/* The reference's special cases (idioms with a lexicon word), as word-id
 * pairs and triples: "the shit" 3, "the bomb" 3, "bad ass" 1.5, "bus stop"
 * 0, "yeah right" -2, "beating heart" 3.1, "broken heart" -2.9, "kiss of
 * death" -1.5, "to die for" 3. (Its "badass" is one word and so never one
 * of these sequences.) */
static bool idiom2(uint8_t a, uint8_t b, double *value)
{
	switch (b) {
	case VW_SHIT:
	case VW_BOMB:
		if (a != VW_THE)
			return false;
		*value = 3.0;
		return true;
	case VW_ASS:
		if (a != VW_BAD)
			return false;
		*value = 1.5;
		return true;
	case VW_STOP:
		if (a != VW_BUS)
			return false;
		*value = 0.0;
		return true;
	case VW_RIGHT:
		if (a != VW_YEAH)
			return false;
		*value = -2.0;
		return true;
	case VW_HEART:
		if (a == VW_BEATING)
			*value = 3.1;
		else if (a == VW_BROKEN)
			*value = -2.9;
		else
			return false;
		return true;
	default:
		return false;
	}
}

static bool idiom3(uint8_t a, uint8_t b, uint8_t c, double *value)
{
	if (a == VW_KISS && b == VW_OF && c == VW_DEATH) {
		*value = -1.5;
		return true;
	}
	if (a == VW_TO && b == VW_DIE && c == VW_FOR) {
		*value = 3.0;
		return true;
	}
	return false;
}

/* Two-word dampeners: "just enough", "kind of", "sort of". */
static bool damp_pair(uint8_t a, uint8_t b)
{
	return (a == VW_JUST && b == VW_ENOUGH) || (a == VW_KIND && b == VW_OF) ||
	       (a == VW_SORT && b == VW_OF);
}

/* The reference's _special_idioms_check for word i (i >= 3). */
static double idioms_rule(double v, const vd_tok *t, size_t n, size_t i)
{
	uint8_t w3 = t[i - 3].word, w2 = t[i - 2].word, w1 = t[i - 1].word, w0 = t[i].word;
	double val;

	if (w3 == VW_NONE && w2 == VW_NONE && w1 == VW_NONE && w0 == VW_NONE)
		return v; /* the common case: nothing can match */
	/* the first of (w-1 w), (w-2 w-1 w), (w-2 w-1), (w-3 w-2 w-1),
	 * (w-3 w-2) that is an idiom */
	if (idiom2(w1, w0, &val) || idiom3(w2, w1, w0, &val) || idiom2(w2, w1, &val) ||
	    idiom3(w3, w2, w1, &val) || idiom2(w3, w2, &val))
		v = val;
	if (n - 1 > i && idiom2(w0, t[i + 1].word, &val))
		v = val;
	if (n - 1 > i + 1 && idiom3(w0, t[i + 1].word, t[i + 2].word, &val))
		v = val;
	/* no three-word dampener exists, so (w3 w2 w1) never adds */
	if (damp_pair(w3, w2))
		v = v + B_DECR;
	if (damp_pair(w2, w1))
		v = v + B_DECR;
	return v;
}

/* Out of line: hs_vader_score calls it only for the few words a rule may
 * apply to, and inlined it only crowds the main loop. */
__attribute__((noinline)) static double valence_of(const vd_tok *t, size_t n, size_t i,
                                                 bool cap_diff)
{
	const vd_tok *w = &t[i];
	double v;

	if (w->flags & (VD_BOOST | VD_DAMP))
		return 0.0;
	if (i + 1 < n && w->word == VW_KIND && t[i + 1].word == VW_OF)
		return 0.0;
	if (!(w->flags & VD_LEX))
		return 0.0;
	v = w->valence;
	if (w->word == VW_NO && i + 1 < n && (t[i + 1].flags & VD_LEX))
		v = 0.0;
	if ((i > 0 && t[i - 1].word == VW_NO) || (i > 1 && t[i - 2].word == VW_NO) ||
	    (i > 2 && t[i - 3].word == VW_NO &&
	     (t[i - 1].word == VW_OR || t[i - 1].word == VW_NOR)))
		v = w->valence * N_SCALAR;
	if ((w->flags & VT_UPPER) && cap_diff) {
		if (v > 0)
			v += C_INCR;
		else
			v -= C_INCR;
	}
	for (size_t k = 1; k <= 3; k++) {
		if (i < k || (t[i - k].flags & VD_LEX))
			continue;
		double sc = booster_scalar(&t[i - k], v, cap_diff);
		if (k == 2 && sc != 0)
			sc = sc * 0.95;
		if (k == 3 && sc != 0)
			sc = sc * 0.9;
		v = v + sc;
		v = negation_rule(v, t, i, (int)k);
		if (k == 3)
			v = idioms_rule(v, t, n, i);
	}
	if (i > 1 && !(t[i - 1].flags & VD_LEX) && t[i - 1].word == VW_LEAST) {
		if (t[i - 2].word != VW_AT && t[i - 2].word != VW_VERY)
			v = v * N_SCALAR;
	} else if (i > 0 && !(t[i - 1].flags & VD_LEX) && t[i - 1].word == VW_LEAST) {
		v = v * N_SCALAR;
	}
	return v;
}

/* ---- step 5: "but" ----------------------------------------------------------------------- */

#define HEAP_NONE UINT32_MAX

/* Merge two skew heaps of token indices (smallest index on top). */
static uint32_t heap_merge(uint32_t *hl, uint32_t *hr, uint32_t a, uint32_t b)
{
	uint32_t root, cur;

	if (a == HEAP_NONE)
		return b;
	if (b == HEAP_NONE)
		return a;
	if (b < a) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	root = cur = a;
	for (;;) {
		/* cur's new children: left = merge(old right, b), right = old left */
		uint32_t r = hr[cur];
		hr[cur] = hl[cur];
		if (r == HEAP_NONE) {
			hl[cur] = b;
			break;
		}
		if (b < r) {
			uint32_t x = r;
			r = b;
			b = x;
		}
		hl[cur] = r;
		cur = r;
	}
	return root;
}

static uint64_t dbl_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static vd_but_slot *but_slot(vd_but_slot *tab, size_t mask, double x)
{
	uint64_t key = dbl_bits(x);
	size_t i = (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;

	while (tab[i].used && tab[i].key != key)
		i = (i + 1) & mask;
	if (!tab[i].used) {
		tab[i].used = 1;
		tab[i].key = key;
		tab[i].root = HEAP_NONE;
	}
	return &tab[i];
}

/* The reference's _but_check, exactly (see step 5 at the top): for k in
 * order, x = sent[k] (never changed before its turn: only indices <= the
 * current one change), si = the first index whose current value equals x;
 * that element becomes x * 0.5 (si < bi) or x * 1.5 (si > bi). A heap of
 * indices per distinct current value (among indices < k) finds si. Zeros
 * are skipped: 0 times anything is 0, and a non-zero value never equals
 * 0. Returns -1 on out of memory. */
int hs_vader_but_weigh(hs_vader_scratch *s, double *sent, size_t n, size_t bi)
{
	size_t m = 0, mask;
	uint32_t *hl, *hr;

	for (size_t k = 0; k < n; k++)
		if (sent[k] != 0)
			m++;
	if (!m)
		return 0;
	if (n > SIZE_MAX / 2 || grow((void **)&s->heap, &s->heap_cap, 2 * n, sizeof(*s->heap)))
		return -1;
	hl = s->heap;
	hr = s->heap + n;
	mask = 64;
	while (mask < 4 * m)
		mask <<= 1;
	if (grow((void **)&s->bs, &s->bs_cap, mask, sizeof(*s->bs)))
		return -1;
	mask--;
	memset(s->bs, 0, (mask + 1) * sizeof(*s->bs));

	for (size_t k = 0; k < n; k++) {
		double x = sent[k], y;
		vd_but_slot *sx;
		uint32_t si;

		if (x == 0)
			continue;
		sx = but_slot(s->bs, mask, x);
		if (sx->root != HEAP_NONE) {
			si = sx->root; /* < k */
			sx->root = heap_merge(hl, hr, hl[si], hr[si]);
		} else {
			si = (uint32_t)k;
		}
		if (si < bi)
			y = x * 0.5;
		else if (si > bi)
			y = x * 1.5;
		else
			y = x;
		sent[si] = y;
		if (si != k) { /* k keeps x */
			hl[k] = hr[k] = HEAP_NONE;
			sx->root = heap_merge(hl, hr, sx->root, (uint32_t)k);
		}
		if (y != 0) {
			vd_but_slot *sy = but_slot(s->bs, mask, y);
			hl[si] = hr[si] = HEAP_NONE;
			sy->root = heap_merge(hl, hr, sy->root, si);
		}
	}
	return 0;
}

/* ---- steps 6 and 7 ------------------------------------------------------------------------- */

/* x if c, else +0.0, without a branch. */
static inline double keep_if(double x, bool c)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	u &= 0 - (uint64_t)c;
	memcpy(&x, &u, sizeof(x));
	return x;
}

/* Python's round(x, nd) for 0 <= nd <= 4 and |x| <= 1e4: the exact binary
 * value of x rounded half-even to nd decimals, as the nearest double. */
static inline double py_round(double x, int nd)
{
	static const double p10[] = { 1.0, 10.0, 100.0, 1000.0, 10000.0 };
	double m = p10[nd];
	double y = x * m; /* rounded; the exact product is y + e */
	/* floor(y), exactly: |y| <= 1e8 fits an int64 (a zero result may have
	 * the wrong sign; it is replaced below) */
	double f = (double)(int64_t)y;
	double frac, r;

	if (f > y)
		f -= 1.0;
	frac = y - f; /* exact */

	if (fabs(frac - 0.5) > 1e-6) {
		r = frac < 0.5 ? f : f + 1.0;
	} else {
		/* near a tie: decide on the exact product */
		double e = fma(x, m, -y);
		double d = frac - 0.5; /* exact */
		if (d > -e)
			r = f + 1.0;
		else if (d < -e)
			r = f;
		else
			r = fmod(f, 2.0) == 0.0 ? f : f + 1.0;
	}
	r = r / m;
	return r == 0.0 ? copysign(0.0, x) : r;
}

double hs_vader_py_round(double x, int nd)
{
	return py_round(x, nd);
}

int hs_vader_score(const hs_vader *v, hs_vader_scratch *s, const char *text, size_t len,
                   hs_sentiment *out)
{
	const unsigned char *t = (const unsigned char *)text;
	vd_text x;
	double sum = 0.0, punct, ep, qm, compound, pos_sum = 0.0, neg_sum = 0.0, total;
	size_t neu_count = 0, blen = len;
	const vd_tok *tok;
	double *sent;
	unsigned special = 0, outside = 0; /* of the last three words */
	bool cap_diff;
	int rc = HS_VADER_ERROR;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!v || !s || !out || (!text && len) || len > HS_VADER_MAX_TEXT)
		goto done;
	if (s->last_len > VD_KEEP_BYTES && len <= VD_KEEP_BYTES)
		scratch_release(s);
	s->last_len = len;
	if (!len) {
		rc = HS_VADER_NO_WORDS;
		goto done;
	}

	if (needs_emoji_pass(v, t, len)) {
		blen = emoji_pass(v, s, t, len);
		if (blen == SIZE_MAX)
			goto done;
		t = (const unsigned char *)s->buf;
	}
	if (words(v, s, t, blen, &x))
		goto done;
	if (!x.n_tok) {
		rc = HS_VADER_NO_WORDS;
		goto done;
	}
	if (grow((void **)&s->sent, &s->sent_cap, x.n_tok, sizeof(*s->sent)))
		goto done;

	cap_diff = x.n_upper > 0 && x.n_upper < x.n_tok;
	tok = s->tok;
	sent = s->sent;
	for (size_t i = 0; i < x.n_tok; i++) {
		const vd_tok *w = &tok[i];
		uint8_t f = w->flags;
		double sv = 0.0; /* what valence_of gives a word out of the lexicon,
		                  * a booster or a dampener */

		if ((f & (VD_LEX | VD_BOOST | VD_DAMP)) == VD_LEX) {
			if (!special && w->word == VW_NONE) {
				/* valence_of when no rule can apply: none of the
				 * three words before is a booster, dampener or
				 * negation or has a name; each of them not in the
				 * lexicon still adds its booster scalar, 0.0 */
				sv = w->valence;
				if ((f & VT_UPPER) && cap_diff) {
					if (sv > 0)
						sv += C_INCR;
					else
						sv -= C_INCR;
				}
				if (outside)
					sv = sv + 0.0;
			} else {
				sv = valence_of(tok, x.n_tok, i, cap_diff);
			}
		}
		sent[i] = sv;
		/* bit k - 1: word i + 1 - k is special, respectively out of the
		 * lexicon, for the next word */
		special = ((special << 1) |
		           ((f & (VD_BOOST | VD_DAMP | VD_NEGATE)) || w->word != VW_NONE)) & 7;
		outside = ((outside << 1) | !(f & VD_LEX)) & 7;
	}
	if (x.but != SIZE_MAX && hs_vader_but_weigh(s, sent, x.n_tok, x.but))
		goto done;

	/* one pass, each sum in the reference's order. Without branches:
	 * adding +0.0 instead of nothing changes neither pos_sum nor neg_sum
	 * (they start at +0.0 and only ever get positive, respectively
	 * negative, terms). */
	for (size_t i = 0; i < x.n_tok; i++) {
		double sv = sent[i];
		sum += sv;
		pos_sum += keep_if(sv + 1, sv > 0);
		neg_sum += keep_if(sv - 1, sv < 0);
		neu_count += sv == 0;
	}
	ep = (double)(x.excl > 4 ? 4 : x.excl) * 0.292;
	qm = 0.0;
	if (x.ques > 1)
		qm = x.ques <= 3 ? (double)x.ques * 0.18 : 0.96;
	punct = ep + qm;
	if (sum > 0)
		sum += punct;
	else if (sum < 0)
		sum -= punct;
	compound = sum / sqrt(sum * sum + 15.0);
	if (compound < -1.0)
		compound = -1.0;
	else if (compound > 1.0)
		compound = 1.0;

	if (pos_sum > fabs(neg_sum))
		pos_sum += punct;
	else if (pos_sum < fabs(neg_sum))
		neg_sum -= punct;
	total = pos_sum + fabs(neg_sum) + (double)neu_count;

	out->neg = py_round(fabs(neg_sum / total), 3);
	out->neu = py_round(fabs((double)neu_count / total), 3);
	out->pos = py_round(fabs(pos_sum / total), 3);
	out->compound = py_round(compound, 4);
	rc = HS_VADER_OK;
done:
	return rc;
}

int hs_vader_lookup(const hs_vader *v, const char *word, size_t len, double *valence)
{
	vd_tok t;

	if (!v || (!word && len))
		return 0;
	classify(v, (const unsigned char *)(word ? word : ""), len, true, &t);
	if (!(t.flags & VD_LEX))
		return 0;
	if (valence)
		*valence = t.valence;
	return 1;
}
