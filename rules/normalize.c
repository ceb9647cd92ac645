/* hearsay: text normalisation for rule matching (see normalize.h).
 *
 * One hs_norm_run is four passes, each writing a view (UTF-8 bytes plus a
 * start and an end map per byte) directly:
 *   1. masks   find URLs, mentions and e-mail addresses in the original
 *              bytes: a sorted list of non-overlapping byte spans.
 *   2. fold    original bytes -> folded view. ASCII is lowercased byte by
 *              byte (the fast path: NFKC and case folding of ASCII are
 *              lowercasing). Other characters are decomposed with
 *              utf8proc_decompose_char (compatibility + case fold +
 *              ignorables) into a pending "unit": a starter and the
 *              non-starters after it. A unit is put into canonical order and
 *              composed (utf8proc_normalize_utf32) when a starter arrives
 *              that cannot compose with it; all its output maps to the union
 *              of its sources. ASCII characters never compose with what
 *              precedes them, so they end a unit; an ASCII character
 *              followed by a non-ASCII one starts a unit (the next character
 *              may be a combining mark). This gives exactly utf8proc_map's
 *              NFKC_Casefold result (the unit test and the fuzz target check
 *              it) without its mallocs per call.
 *   3. plain   folded view -> plain view, accents dropped per folded
 *              character; if anything was dropped, the result is recomposed
 *              through the same units (a letter and a mark that a dropped
 *              mark kept apart may compose). If the folded view is all
 *              ASCII, the plain view is the folded one (no work).
 *   4. terms   plain view -> words in a work array (`w`, `tok`): tokenise,
 *              fold obfuscations as each word closes, join single letters,
 *              then write " w1 w2 ... " with repeats collapsed.
 *
 * Fast paths (byte-for-byte the general path's output; the unit test and
 * the fuzz target compare them with hs_norm_run_general, see
 * normalize_internal.h):
 *   - all-ASCII text: the fold stage's general loop is skipped (one
 *     lowercasing pass writes the folded view and its maps), and when the
 *     folded view is all ASCII (so plain is folded), terms is made by byte
 *     passes (terms_*_ascii) with no code point decoding and no utf8proc
 *     call.
 *   - Latin text (fold_views_latin): when every non-ASCII character is one
 *     of U+0080..U+02FF or U+2000..U+20CF that folds and loses its accents
 *     on its own into ASCII letters or non-ASCII separators (accented
 *     letters, ß, œ, NBSP, « », ’ “ ” „, – —, …, €: latin_char), or an
 *     emoji or other symbol of U+2600..U+27BF, U+2B00..U+2BFF,
 *     U+1F000..U+1FAFF that folds and stays itself (emoji_char; skin
 *     tones, regional indicators included), or a joiner (ZWJ, U+FE0E/
 *     U+FE0F, a tag) not right after a Latin character, one pass writes
 *     the folded and the plain view from a per-normaliser table of their
 *     forms (no units, no recomposing; emoji copied, joiners kept or
 *     dropped by emoji_context as fold_stage does), the maps follow from
 *     the list of non-ASCII characters and masks, and terms is made by
 *     the byte passes, which take a non-ASCII separator as one separator;
 *     with an emoji or joiner in the views, by terms_views (emoji words
 *     as terms_tokenise makes them) or else terms_stage.
 *   - hs_norm_run_views, for the common case of either (no obfuscation,
 *     repeated letters or chains of single letters, no number or joiner
 *     inside a word: terms_views): the same views without maps; the maps
 *     are computed on demand from the masks (ASCII) or the span lists
 *     (Latin) and a word table.
 *
 * Ownership: struct hs_norm owns every array below; nothing is shared and
 * nothing is allocated per run once the arrays are big enough.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "normalize.h"
#include "normalize_internal.h"

/* Inputs at most this long keep their buffers for the next run; after a
 * longer one, the next shorter run starts from fresh (small) buffers. */
#define NORM_KEEP_BYTES ((size_t)256 * 1024)

#define FOLD_OPTS                                                                        \
	((utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |   \
	                     UTF8PROC_IGNORE))
#define COMPOSE_OPTS ((utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE))
/* the longest decomposition utf8proc produces is 18 (U+FDFA); headroom */
#define DECOMP_MAX 32

#define ZWJ 0x200D

/* One view: UTF-8 bytes and, per byte, the original span it came from.
 * buf, ms and me all hold cap entries. */
typedef struct nview {
	char *buf;
	uint32_t *ms, *me;
	size_t len, cap;
} nview;

/* terms: a character of a word with its class (K_*). */
typedef struct wcp {
	int32_t cp;
	uint32_t s, e;
	uint8_t k;
} wcp;

/* terms: a word, w[a..b), and what separated it from the previous word:
 * sep_n separator characters, the last of which was sep_c. */
typedef struct tok {
	size_t a, b;
	size_t sep_n;
	int32_t sep_c;
	bool emoji;
} tok;

typedef struct mspan {
	uint32_t s, e;
} mspan;

/* Latin-1 and Latin Extended (U+0080..U+02FF) are most of the non-ASCII
 * text the daemon sees; their folded and plain forms are computed once per
 * normaliser and then copied. LC_UNKNOWN: not computed yet; LC_SLOW: use
 * the general path. */
#define LC_FIRST 0x80
#define LC_END 0x300
enum { LC_UNKNOWN = 0, LC_OK, LC_SLOW };
typedef struct lcache {
	uint8_t state, n;
	bool removed; /* plain: an accent was dropped */
	int32_t cp[4];
} lcache;

/* The Latin path (fold_views_latin): the characters it takes (U+0080..
 * U+02FF and U+2000..U+20CF, see latin_char), each with its folded and its
 * plain form as UTF-8 (f[0..fl), p[0..pl)). Computed once per normaliser;
 * state as in lcache. */
#define FC_HI_FIRST 0x2000
#define FC_HI_END 0x20D0
#define FC_N ((LC_END - LC_FIRST) + (FC_HI_END - FC_HI_FIRST))
#define FC_BYTES 12
typedef struct fchar {
	uint8_t state, fl, pl;
	bool fold_ascii; /* f is all ASCII */
	char f[FC_BYTES], p[FC_BYTES];
} fchar;

/* The Latin path also takes emoji and other pictographic symbols that
 * fold and lose their accents into themselves (see emoji_char): a state
 * per code point of U+2600..U+27BF, U+2B00..U+2BFF and U+1F000..U+1FAFF,
 * as in lcache, computed once per normaliser. */
#define EM_A 0x2600
#define EM_A_END 0x27C0
#define EM_B 0x2B00
#define EM_B_END 0x2C00
#define EM_C 0x1F000
#define EM_C_END 0x1FB00
#define EM_N ((EM_A_END - EM_A) + (EM_B_END - EM_B) + (EM_C_END - EM_C))

/* The Latin path: a span of a view whose bytes do not each come from the
 * original byte at a fixed offset: view bytes [o, o + ol) all map to the
 * original span [s, e) (one non-ASCII character, or a mask). */
typedef struct xspan {
	uint32_t o, ol, s, e;
} xspan;

struct hs_norm {
	size_t src_len;
	bool big;         /* last run's input was over NORM_KEEP_BYTES */
	nview v[3];       /* folded, plain, terms */
	nview xv;         /* scratch for recomposing plain */
	/* the pending composition unit and the view it goes to */
	nview *out;
	int32_t *unit;
	size_t unit_n, unit_cap;
	int32_t *sort_tmp; /* for unit_order */
	size_t sort_cap;
	uint32_t unit_s, unit_e;
	int32_t prev_cp;  /* last code point added by the fold stage, -1 if none */
	bool fold_ascii;  /* the folded view is all ASCII */
	bool plain_alias; /* the plain view is the folded view */
	bool maps_ok;     /* the maps belong to the views (see hs_norm_run_views) */
	/* map-free runs: where each word of the terms view starts, in the terms
	 * view and in the folded view (the maps on demand search these) */
	uint32_t *lw_t, *lw_f;
	size_t lw_n, lw_cap, lw_f_cap;
	wcp *w;
	size_t w_cap;
	tok *tok;
	size_t tok_cap;
	/* terms of an all-ASCII view: the words' bytes and, per byte, its
	 * original span (the class of a byte follows from its value) */
	unsigned char *wb;
	uint32_t *ws, *we;
	size_t wb_cap, ws_cap, we_cap;
	mspan *masks;
	size_t nmasks, masks_cap;
	lcache fold_lc[LC_END - LC_FIRST], plain_lc[LC_END - LC_FIRST];
	/* the Latin path: the irregular spans of the folded and the plain
	 * view, in view order; latin: the last run was map-free and took it;
	 * emoji: fold_views_latin kept an emoji or joiner (the terms view is
	 * then made by terms_stage, from the maps) */
	bool latin, emoji;
	xspan *fx, *px;
	size_t fx_n, px_n, fx_cap, px_cap;
	fchar fc[FC_N];
	uint8_t em[EM_N];
};

/* ---- small helpers ----------------------------------------------------------- */

/* Make *p hold at least need elements of size elem; 0 or -1 (out of memory,
 * *p unchanged). */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return -1;
		nc *= 2;
	}
	if (nc > SIZE_MAX / elem)
		return -1;
	np = realloc(*p, nc * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* Room for `more` bytes (and the NUL) after v->len. */
static int view_reserve(nview *v, size_t more)
{
	size_t need, nc;
	void *p;

	if (v->cap > v->len && more < v->cap - v->len)
		return 0;
	if (more > SIZE_MAX / 8 - v->len - 1)
		return -1;
	need = v->len + more + 1;
	nc = v->cap ? v->cap : 256;
	while (nc < need)
		nc *= 2;
	/* each array is only ever bigger than cap says, never smaller */
	p = realloc(v->buf, nc);
	if (!p)
		return -1;
	v->buf = p;
	p = realloc(v->ms, nc * sizeof(*v->ms));
	if (!p)
		return -1;
	v->ms = p;
	p = realloc(v->me, nc * sizeof(*v->me));
	if (!p)
		return -1;
	v->me = p;
	v->cap = nc;
	return 0;
}

/* Append code point c from span [s, e); the caller reserved 4 bytes. */
static inline void view_put(nview *v, int32_t cp, uint32_t s, uint32_t e)
{
	uint32_t c = (uint32_t)cp;
	char *b = v->buf + v->len;
	size_t l;

	if (c < 0x80) {
		b[0] = (char)c;
		v->ms[v->len] = s;
		v->me[v->len] = e;
		v->len++;
		return;
	}
	if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		l = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		l = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		l = 4;
	}
	for (size_t k = 0; k < l; k++) {
		v->ms[v->len + k] = s;
		v->me[v->len + k] = e;
	}
	v->len += l;
}

/* Decode one character at s (avail >= 1 bytes). Ill-formed sequences give
 * U+FFFD and length 1 (the same rule as hs_utf8_repair). */
static inline size_t dec(const unsigned char *s, size_t avail, int32_t *cp)
{
	unsigned char c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (avail >= 2 && (s[1] & 0xC0) == 0x80) {
			*cp = ((int32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
			return 2;
		}
	} else if (c >= 0xE0 && c <= 0xEF) {
		if (avail >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    !(c == 0xE0 && s[1] < 0xA0) && !(c == 0xED && s[1] >= 0xA0)) {
			*cp = ((int32_t)(c & 0x0F) << 12) | ((int32_t)(s[1] & 0x3F) << 6) |
			      (s[2] & 0x3F);
			return 3;
		}
	} else if (c >= 0xF0 && c <= 0xF4) {
		if (avail >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80 && !(c == 0xF0 && s[1] < 0x90) &&
		    !(c == 0xF4 && s[1] >= 0x90)) {
			*cp = ((int32_t)(c & 0x07) << 18) | ((int32_t)(s[1] & 0x3F) << 12) |
			      ((int32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
			return 4;
		}
	}
	*cp = 0xFFFD;
	return 1;
}

static inline bool is_ascii_alnum(unsigned char b)
{
	return (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
}

static inline int ccc(int32_t cp)
{
	return utf8proc_get_property(cp)->combining_class;
}

static bool cat_letter(utf8proc_category_t c)
{
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
	       c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LM ||
	       c == UTF8PROC_CATEGORY_LO;
}

static bool cat_mark(utf8proc_category_t c)
{
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	       c == UTF8PROC_CATEGORY_ME;
}

static bool cat_number(utf8proc_category_t c)
{
	return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL ||
	       c == UTF8PROC_CATEGORY_NO;
}

static bool is_letter(int32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	return cat_letter(utf8proc_category(cp));
}

/* ---- masks: URLs, mentions, e-mail addresses ------------------------------------ */

/* Is the character that ends at byte i a letter, mark, digit or '_'?
 * Characters before `floor` (the end of the last mask) do not count. */
static bool word_before(const unsigned char *t, size_t i, size_t floor)
{
	size_t j;
	int32_t cp;
	utf8proc_category_t c;

	if (i <= floor)
		return false;
	if (t[i - 1] < 0x80)
		return is_ascii_alnum(t[i - 1]) || t[i - 1] == '_';
	j = i - 1;
	while (j > floor && i - j < 4 && (t[j] & 0xC0) == 0x80)
		j--;
	if (dec(t + j, i - j, &cp) != i - j)
		return false;
	c = utf8proc_category(cp);
	return cat_letter(c) || cat_mark(c) || cat_number(c);
}

/* A domain name at t[i..): labels of ASCII letters, digits and '-'
 * separated by single dots, at least two labels, the last one at least two
 * characters and starting with a letter. Returns its end, or i if none. */
static size_t domain_end(const unsigned char *t, size_t len, size_t i)
{
	size_t j = i, end = i, labels = 0;

	for (;;) {
		size_t ls = j;
		while (j < len && (is_ascii_alnum(t[j]) || t[j] == '-'))
			j++;
		if (j == ls)
			break;
		labels++;
		if (labels >= 2 && j - ls >= 2 && ((t[ls] | 0x20) >= 'a' && (t[ls] | 0x20) <= 'z'))
			end = j;
		if (j + 1 < len && t[j] == '.' && (is_ascii_alnum(t[j + 1])))
			j++;
		else
			break;
	}
	return end;
}

static bool url_ascii_char(unsigned char b)
{
	if (b <= 0x20 || b == 0x7F)
		return false;
	return !(b == '<' || b == '>' || b == '"' || b == '`' || b == '{' || b == '}' ||
	         b == '|' || b == '\\' || b == '^');
}

/* The end of the URL body starting at t[i] (see normalize.h). */
static size_t url_end(const unsigned char *t, size_t len, size_t i)
{
	size_t k = i;
	long paren = 0, brack = 0;

	while (k < len) {
		if (t[k] < 0x80) {
			if (!url_ascii_char(t[k]))
				break;
			if (t[k] == '(')
				paren++;
			else if (t[k] == ')')
				paren--;
			else if (t[k] == '[')
				brack++;
			else if (t[k] == ']')
				brack--;
			k++;
		} else {
			int32_t cp;
			size_t l = dec(t + k, len - k, &cp);
			utf8proc_category_t c;
			if (cp == 0xFFFD && l == 1)
				break;
			c = utf8proc_category(cp);
			if (!cat_letter(c) && !cat_mark(c) && !cat_number(c))
				break;
			k += l;
		}
	}
	while (k > i) {
		unsigned char b = t[k - 1];
		if (b == '.' || b == ',' || b == ';' || b == ':' || b == '!' || b == '?' ||
		    b == '\'' || b == '*') {
			k--;
		} else if (b == ')' && paren < 0) {
			paren++;
			k--;
		} else if (b == ']' && brack < 0) {
			brack++;
			k--;
		} else {
			break;
		}
	}
	return k;
}

static bool user_char(unsigned char b)
{
	return is_ascii_alnum(b) || b == '_';
}

/* '@' at t[i]. Returns the end of a mention or e-mail address and sets
 * *start, or returns 0. */
static size_t at_span(const unsigned char *t, size_t len, size_t i, size_t floor,
                      size_t *start)
{
	size_t j = i + 1, lo, k;

	if (!word_before(t, i, floor)) {
		/* @user, @user.name-x, @user@instance.tld */
		if (j >= len || !user_char(t[j]))
			return 0;
		while (j < len && user_char(t[j]))
			j++;
		while (j + 1 < len && (t[j] == '.' || t[j] == '-') && user_char(t[j + 1])) {
			j++;
			while (j < len && user_char(t[j]))
				j++;
		}
		if (j + 1 < len && t[j] == '@') {
			k = domain_end(t, len, j + 1);
			if (k > j + 1)
				j = k;
		}
		*start = i;
		return j;
	}
	/* local@domain.tld: the local part is ASCII letters, digits, . _ % + - */
	lo = i;
	while (lo > floor && (is_ascii_alnum(t[lo - 1]) || t[lo - 1] == '.' ||
	                      t[lo - 1] == '_' || t[lo - 1] == '%' || t[lo - 1] == '+' ||
	                      t[lo - 1] == '-'))
		lo--;
	if (lo == i || t[lo] == '.' || word_before(t, lo, floor))
		return 0;
	k = domain_end(t, len, i + 1);
	if (k == i + 1)
		return 0;
	*start = lo;
	return k;
}

/* ':' at t[i]: SCHEME://REST. */
static size_t scheme_span(const unsigned char *t, size_t len, size_t i, size_t floor,
                          size_t *start)
{
	size_t lo = i, k;

	if (i + 2 >= len || t[i + 1] != '/' || t[i + 2] != '/')
		return 0;
	while (lo > floor && i - lo < 32 &&
	       (is_ascii_alnum(t[lo - 1]) || t[lo - 1] == '+' || t[lo - 1] == '.' ||
	        t[lo - 1] == '-'))
		lo--;
	while (lo < i && !((t[lo] | 0x20) >= 'a' && (t[lo] | 0x20) <= 'z'))
		lo++;
	if (lo == i || word_before(t, lo, floor))
		return 0;
	k = url_end(t, len, i + 3);
	if (k == i + 3)
		return 0;
	*start = lo;
	return k;
}

/* 'w' or 'W' at t[i]: www.REST at a word start. */
static size_t www_span(const unsigned char *t, size_t len, size_t i, size_t floor)
{
	if (i + 4 >= len || (t[i + 1] | 0x20) != 'w' || (t[i + 2] | 0x20) != 'w' ||
	    t[i + 3] != '.' || !is_ascii_alnum(t[i + 4]) || word_before(t, i, floor))
		return 0;
	return url_end(t, len, i + 4);
}

/* Bytes where a mask can be found: '@', ':' (of "://"), 'w'/'W' (of "www."). */
static const unsigned char mask_trigger[256] = {
	['@'] = 1, [':'] = 1, ['w'] = 1, ['W'] = 1,
};

#define SW_ONES 0x0101010101010101ULL
#define SW_HIGH 0x8080808080808080ULL

/* The high bit of each byte of v that is 0 (exact, unlike the usual
 * (v - 0x01..) & ~v & 0x80.. test, which can flag a byte above a 0). */
static inline uint64_t sw_zero(uint64_t v)
{
	return ~(((v & ~SW_HIGH) + ~SW_HIGH) | v) & SW_HIGH;
}

/* fast: skip bytes that cannot start a mask with the word-at-a-time test
 * (hs_norm_run_general does not, so the differential tests check it). */
static int find_masks(hs_norm *n, const unsigned char *t, size_t len, bool fast)
{
	size_t i = 0, floor = 0;

	n->nmasks = 0;
	for (;;) {
		size_t st, en = 0, from = i;
		/* skip bytes 7 at a time while 8 of them hold no '@', no ':' and
		 * no "w." / "W." (the end of "www."). (x - 0x01..) & ~x & 0x80..
		 * is non-zero exactly when some byte of x is 0; for the pair the
		 * exact per-byte zero test is needed. On a hit, back up 3 bytes,
		 * to the first 'w' of a "www." whose '.' was found. */
		while (fast && i + 8 <= len) {
			uint64_t v, x, y, w, d;
			memcpy(&v, t + i, 8);
			x = v ^ 0x4040404040404040ULL;                         /* '@' */
			y = v ^ 0x3A3A3A3A3A3A3A3AULL;                         /* ':' */
			if (((x - 0x0101010101010101ULL) & ~x) & 0x8080808080808080ULL)
				break;
			if (((y - 0x0101010101010101ULL) & ~y) & 0x8080808080808080ULL)
				break;
			w = sw_zero((v | 0x2020202020202020ULL) ^ 0x7777777777777777ULL); /* w W */
			d = sw_zero(v ^ 0x2E2E2E2E2E2E2E2EULL);                          /* . */
			if (w & (d >> 8))
				break;
			i += 7;
		}
		if (i > from)
			i = i - from >= 3 ? i - 3 : from;
		while (i < len && !mask_trigger[t[i]])
			i++;
		if (i >= len)
			break;
		st = i;
		if (t[i] == '@')
			en = at_span(t, len, i, floor, &st);
		else if (t[i] == ':')
			en = scheme_span(t, len, i, floor, &st);
		else
			en = www_span(t, len, i, floor);
		if (en > i) {
			if (grow((void **)&n->masks, &n->masks_cap, n->nmasks + 1, sizeof(*n->masks)))
				return -1;
			n->masks[n->nmasks].s = (uint32_t)st;
			n->masks[n->nmasks].e = (uint32_t)en;
			n->nmasks++;
			i = floor = en;
		} else {
			i++;
		}
	}
	return 0;
}

/* ---- fold: NFKC + case fold -------------------------------------------------- */

/* ASCII case fold; NUL becomes a space. */
static const unsigned char low_tab[128] = {
	32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
	64, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 91, 92, 93, 94, 95,
	96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
};

static inline char low(unsigned char b)
{
	return (char)low_tab[b & 0x7F];
}

/* May the starter c compose with a starter before it (Hangul jamo, some
 * Indic vowel signs, ...)? False only for ranges known to hold no such
 * character; the real test is utf8proc's. */
static bool maybe_second(int32_t c)
{
	if (c < 0x0900)
		return false;
	if ((c >= 0x3040 && c < 0xA000) || (c >= 0xAC00 && c < 0xD7A4) ||
	    (c >= 0xF900 && c < 0x10000) || (c >= 0x1F000 && c < 0x1FB00) || c >= 0x20000)
		return false;
	return true;
}

/* U+200D, U+FE0E, U+FE0F, tags: kept only after an emoji. */
static bool emoji_joiner(int32_t c)
{
	return c == ZWJ || c == 0xFE0E || c == 0xFE0F || (c >= 0xE0020 && c <= 0xE007F);
}

static bool emoji_context(int32_t prev)
{
	utf8proc_category_t c;

	if (prev < 0)
		return false;
	if (prev < 0x80)
		return (prev >= '0' && prev <= '9') || prev == '#' || prev == '*';
	if (emoji_joiner(prev) || prev == 0x20E3)
		return true;
	c = utf8proc_category(prev);
	return c == UTF8PROC_CATEGORY_SO || c == UTF8PROC_CATEGORY_SK ||
	       c == UTF8PROC_CATEGORY_ME;
}

/* Canonical ordering: a stable sort of each run of non-starters by
 * combining class. Short runs by insertion; long ones (hostile input:
 * thousands of marks on one letter) by counting sort through n->sort_tmp,
 * so the cost stays linear. 0, or -1 on out of memory. */
static int unit_order(hs_norm *n, int32_t *u, size_t k)
{
	size_t a = 0;

	while (a < k) {
		size_t b = a + 1;
		if (ccc(u[a]) == 0) {
			a++;
			continue;
		}
		while (b < k && ccc(u[b]) != 0)
			b++;
		if (b - a <= 32) {
			for (size_t i = a + 1; i < b; i++) {
				int32_t c = u[i];
				int ci = ccc(c);
				size_t j = i;
				while (j > a && ccc(u[j - 1]) > ci) {
					u[j] = u[j - 1];
					j--;
				}
				u[j] = c;
			}
		} else {
			size_t pos[256] = { 0 }, sum = 0;
			if (grow((void **)&n->sort_tmp, &n->sort_cap, b - a, sizeof(*n->sort_tmp)))
				return -1;
			for (size_t i = a; i < b; i++)
				pos[ccc(u[i])]++;
			for (int c = 0; c < 256; c++) {
				size_t cnt = pos[c];
				pos[c] = sum;
				sum += cnt;
			}
			for (size_t i = a; i < b; i++)
				n->sort_tmp[pos[ccc(u[i])]++] = u[i];
			memcpy(u + a, n->sort_tmp, (b - a) * sizeof(*u));
		}
		a = b;
	}
	return 0;
}

static int unit_compose(hs_norm *n)
{
	utf8proc_ssize_t r;

	if (n->unit_n < 2)
		return 0;
	if (unit_order(n, n->unit, n->unit_n))
		return -1;
	r = utf8proc_normalize_utf32(n->unit, (utf8proc_ssize_t)n->unit_n, COMPOSE_OPTS);
	if (r > 0 && (size_t)r <= n->unit_n)
		n->unit_n = (size_t)r;
	return 0;
}

/* Compose the unit and append it to n->out. */
static int unit_flush(hs_norm *n)
{
	if (!n->unit_n)
		return 0;
	if (unit_compose(n) || view_reserve(n->out, 4 * n->unit_n))
		return -1;
	for (size_t i = 0; i < n->unit_n; i++)
		view_put(n->out, n->unit[i], n->unit_s, n->unit_e);
	n->unit_n = 0;
	return 0;
}

static int unit_push(hs_norm *n, int32_t c)
{
	if (grow((void **)&n->unit, &n->unit_cap, n->unit_n + 1, sizeof(*n->unit)))
		return -1;
	n->unit[n->unit_n++] = c;
	return 0;
}

/* Add one decomposed code point from original span [s, e). */
static int unit_add(hs_norm *n, int32_t c, uint32_t s, uint32_t e)
{
	if (n->unit_n == 0) {
		n->unit_s = s;
		n->unit_e = e;
		return unit_push(n, c);
	}
	if (ccc(c) != 0) {
		n->unit_e = e;
		return unit_push(n, c);
	}
	if (maybe_second(c)) {
		int32_t last, pair[2];
		if (unit_compose(n))
			return -1;
		last = n->unit[n->unit_n - 1];
		if (ccc(last) == 0) {
			pair[0] = last;
			pair[1] = c;
			if (utf8proc_normalize_utf32(pair, 2, COMPOSE_OPTS) == 1) {
				n->unit[n->unit_n - 1] = pair[0];
				n->unit_e = e;
				return 0;
			}
		}
	}
	if (unit_flush(n))
		return -1;
	n->unit_s = s;
	n->unit_e = e;
	return unit_push(n, c);
}

/* The folded form of c (LC_FIRST <= c < LC_END) on its own. Such a
 * character is a starter that composes with nothing before it, so when the
 * next character does not combine either (ASCII or below LC_END), this is
 * exactly what the units would produce. */
static const lcache *fold_cached(hs_norm *n, int32_t c)
{
	lcache *lc = &n->fold_lc[c - LC_FIRST];

	if (lc->state == LC_UNKNOWN) {
		int32_t d[DECOMP_MAX];
		utf8proc_ssize_t nd = utf8proc_decompose_char(c, d, DECOMP_MAX, FOLD_OPTS, NULL);
		lc->state = LC_SLOW;
		if (nd >= 0 && nd <= DECOMP_MAX) {
			if (nd > 1) {
				/* a decomposition is in canonical order already */
				nd = utf8proc_normalize_utf32(d, nd, COMPOSE_OPTS);
			}
			if (nd >= 0 && nd <= 4) {
				memcpy(lc->cp, d, (size_t)nd * sizeof(*d));
				lc->n = (uint8_t)nd;
				lc->state = LC_OK;
			}
		}
	}
	return lc;
}

static int fold_stage(hs_norm *n, const unsigned char *t, size_t len)
{
	nview *v = &n->v[HS_NORM_FOLDED];
	size_t i = 0, mi = 0;
	size_t next_mask = n->nmasks ? n->masks[0].s : SIZE_MAX;
	bool ascii = true;

	v->len = 0;
	n->out = v;
	n->unit_n = 0;
	n->prev_cp = -1;
	while (i < len) {
		if (i == next_mask) {
			if (unit_flush(n) || view_reserve(v, 1))
				return -1;
			view_put(v, ' ', n->masks[mi].s, n->masks[mi].e);
			n->prev_cp = ' ';
			i = n->masks[mi].e;
			mi++;
			next_mask = mi < n->nmasks ? n->masks[mi].s : SIZE_MAX;
			continue;
		}
		if (t[i] < 0x80) {
			/* ASCII run t[i..j); the last one goes into a unit if a
			 * non-ASCII character (maybe a combining mark) follows */
			size_t stop = next_mask < len ? next_mask : len;
			size_t j = i + 1, direct, o;
			while (j < stop && t[j] < 0x80)
				j++;
			direct = j < stop ? j - 1 : j;
			if (unit_flush(n) || view_reserve(v, j - i))
				return -1;
			o = v->len;
			for (size_t k = i; k < direct; k++, o++) {
				v->buf[o] = low(t[k]);
				v->ms[o] = (uint32_t)k;
				v->me[o] = (uint32_t)k + 1;
			}
			v->len = o;
			if (direct < j &&
			    unit_add(n, low(t[j - 1]), (uint32_t)j - 1, (uint32_t)j))
				return -1;
			n->prev_cp = low(t[j - 1]);
			i = j;
			continue;
		}
		{
			int32_t cp, d[DECOMP_MAX], next;
			utf8proc_ssize_t nd;
			size_t l = dec(t + i, len - i, &cp);

			/* the next character must not combine (nor be ignored, as
			 * the soft hyphen is, letting the one after it combine) */
			if (cp < LC_END &&
			    (i + l >= len || t[i + l] < 0x80 ||
			     (dec(t + i + l, len - i - l, &next) && next < LC_END &&
			      !utf8proc_get_property(next)->ignorable))) {
				const lcache *lc = fold_cached(n, cp);
				if (lc->state == LC_OK) {
					if (unit_flush(n) || view_reserve(v, 16))
						return -1;
					for (int k = 0; k < lc->n; k++) {
						if (lc->cp[k] >= 0x80)
							ascii = false;
						view_put(v, lc->cp[k], (uint32_t)i, (uint32_t)(i + l));
					}
					if (lc->n)
						n->prev_cp = lc->cp[lc->n - 1];
					i += l;
					continue;
				}
			}
			if (emoji_joiner(cp)) {
				nd = 0;
				if (emoji_context(n->prev_cp)) {
					d[0] = cp;
					nd = 1;
				}
			} else {
				nd = utf8proc_decompose_char(cp, d, DECOMP_MAX, FOLD_OPTS, NULL);
				if (nd < 0 || nd > DECOMP_MAX) {
					d[0] = 0xFFFD;
					nd = 1;
				}
			}
			for (utf8proc_ssize_t k = 0; k < nd; k++) {
				if (d[k] >= 0x80)
					ascii = false;
				if (unit_add(n, d[k], (uint32_t)i, (uint32_t)(i + l)))
					return -1;
			}
			if (nd > 0)
				n->prev_cp = d[nd - 1];
			i += l;
		}
	}
	if (unit_flush(n) || view_reserve(v, 0))
		return -1;
	v->buf[v->len] = '\0';
	n->fold_ascii = ascii;
	return 0;
}

/* ---- plain: accents off ---------------------------------------------------------- */

/* Marks of the generic diacritic blocks (nonspacing only). */
static bool generic_mark(int32_t c)
{
	if (!((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	      (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	      (c >= 0xFE20 && c <= 0xFE2F)))
		return false;
	return utf8proc_category(c) == UTF8PROC_CATEGORY_MN;
}

/* Hebrew points, Arabic harakat, tatweel: dropped on any base. */
static bool strip_always(int32_t c)
{
	if (c < 0x0591 || c > 0x06ED)
		return false;
	return (c <= 0x05BD) || c == 0x05BF || c == 0x05C1 || c == 0x05C2 || c == 0x05C4 ||
	       c == 0x05C5 || c == 0x05C7 || (c >= 0x0610 && c <= 0x061A) || c == 0x0640 ||
	       (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06DC) ||
	       (c >= 0x06DF && c <= 0x06E4) || c == 0x06E7 || c == 0x06E8 ||
	       (c >= 0x06EA && c <= 0x06ED);
}

/* Latin or Greek (base letters whose accents plain drops). */
static bool latin_greek(int32_t c)
{
	return c < 0x02B0 || (c >= 0x0370 && c < 0x0400) || (c >= 0x1D00 && c < 0x1DC0) ||
	       (c >= 0x1E00 && c < 0x2000) || (c >= 0x2C60 && c < 0x2C80) ||
	       (c >= 0xA720 && c < 0xA800) || (c >= 0xAB30 && c < 0xAB70);
}

/* Letters plain writes without their stroke; returns how many code points
 * (1 or 2) went to out. */
static int plain_letter(int32_t c, int32_t out[2])
{
	switch (c) {
	case 0x00F8: out[0] = 'o'; return 1;                /* ø */
	case 0x00E6: out[0] = 'a'; out[1] = 'e'; return 2;  /* æ */
	case 0x0153: out[0] = 'o'; out[1] = 'e'; return 2;  /* œ */
	case 0x0142: out[0] = 'l'; return 1;                /* ł */
	case 0x0111: out[0] = 'd'; return 1;                /* đ */
	case 0x00F0: out[0] = 'd'; return 1;                /* ð */
	case 0x0127: out[0] = 'h'; return 1;                /* ħ */
	case 0x0131: out[0] = 'i'; return 1;                /* ı */
	case 0x0167: out[0] = 't'; return 1;                /* ŧ */
	case 0x0237: out[0] = 'j'; return 1;                /* ȷ */
	default: out[0] = c; return 1;
	}
}

static void plain_put(nview *v, int32_t c, uint32_t s, uint32_t e)
{
	int32_t o[2];
	int k = plain_letter(c, o);
	for (int i = 0; i < k; i++)
		view_put(v, o[i], s, e);
}

/* Could the character at s combine with what precedes it? */
static bool combines_back(const unsigned char *s, size_t avail)
{
	int32_t c;

	if (s[0] < 0x80)
		return false;
	dec(s, avail, &c);
	return ccc(c) != 0 || maybe_second(c);
}

/* Canonical composition of the plain view (after marks were taken out, a
 * letter and a mark that were kept apart may compose): through the fold
 * stage's units into the scratch view, which then becomes the plain view. */
static int plain_recompose(hs_norm *n)
{
	nview *p = &n->v[HS_NORM_PLAIN], tmp;
	const unsigned char *b = (const unsigned char *)p->buf;

	n->xv.len = 0;
	n->out = &n->xv;
	n->unit_n = 0;
	for (size_t i = 0; i < p->len;) {
		int32_t c;
		size_t l = dec(b + i, p->len - i, &c);
		if (unit_add(n, c, p->ms[i], p->me[i]))
			return -1;
		i += l;
	}
	if (unit_flush(n) || view_reserve(&n->xv, 0))
		return -1;
	tmp = *p;
	*p = n->xv;
	n->xv = tmp;
	return 0;
}

/* The plain form of a folded Latin character c (LC_FIRST <= c < 0x2B0,
 * where every letter is Latin, so the marks on it go). */
static const lcache *plain_cached(hs_norm *n, int32_t c)
{
	lcache *lc = &n->plain_lc[c - LC_FIRST];

	if (lc->state == LC_UNKNOWN) {
		int32_t d[DECOMP_MAX], o[2], out[8];
		utf8proc_ssize_t nd = utf8proc_decompose_char(c, d, DECOMP_MAX, UTF8PROC_DECOMPOSE, NULL);
		size_t kept = 0, no = 0;

		lc->state = LC_SLOW;
		if (nd <= 1 || nd > DECOMP_MAX) {
			d[0] = c;
			kept = 1;
		} else {
			for (utf8proc_ssize_t k = 0; k < nd; k++) {
				if (strip_always(d[k]) || generic_mark(d[k]))
					lc->removed = true;
				else
					d[kept++] = d[k];
			}
			if (!lc->removed) {
				d[0] = c;
				kept = 1;
			} else if (kept > 1) {
				utf8proc_ssize_t r =
				    utf8proc_normalize_utf32(d, (utf8proc_ssize_t)kept, COMPOSE_OPTS);
				if (r > 0 && (size_t)r <= kept)
					kept = (size_t)r;
			}
		}
		for (size_t k = 0; k < kept && no + 2 <= 8; k++) {
			int m = plain_letter(d[k], o);
			for (int j = 0; j < m; j++)
				out[no++] = o[j];
		}
		if (kept <= 4 && no <= 4) {
			memcpy(lc->cp, out, no * sizeof(*out));
			lc->n = (uint8_t)no;
			lc->state = LC_OK;
		}
	}
	return lc;
}

static int plain_stage(hs_norm *n)
{
	const nview *f = &n->v[HS_NORM_FOLDED];
	nview *p = &n->v[HS_NORM_PLAIN];
	const unsigned char *b = (const unsigned char *)f->buf;
	bool keep_marks = false; /* last base letter is of a script whose marks stay */
	bool recompose = false;

	p->len = 0;
	if (n->fold_ascii) {
		n->plain_alias = true;
		return 0;
	}
	n->plain_alias = false;
	for (size_t i = 0; i < f->len;) {
		int32_t c, d[DECOMP_MAX];
		utf8proc_ssize_t nd;
		size_t l, kept = 0;
		uint32_t s, e;
		bool removed = false, lg;

		if (b[i] < 0x80) {
			size_t j = i + 1;
			while (j < f->len && b[j] < 0x80)
				j++;
			if (view_reserve(p, j - i))
				return -1;
			memcpy(p->buf + p->len, b + i, j - i);
			memcpy(p->ms + p->len, f->ms + i, (j - i) * sizeof(*p->ms));
			memcpy(p->me + p->len, f->me + i, (j - i) * sizeof(*p->me));
			p->len += j - i;
			keep_marks = false;
			i = j;
			continue;
		}
		l = dec(b + i, f->len - i, &c);
		s = f->ms[i];
		e = f->me[i];
		if (view_reserve(p, 8 * DECOMP_MAX))
			return -1;
		if (c < 0x2B0) {
			const lcache *lc = plain_cached(n, c);
			if (lc->state == LC_OK) {
				for (int k = 0; k < lc->n; k++)
					view_put(p, lc->cp[k], s, e);
				keep_marks = false;
				if (lc->removed && i + l < f->len &&
				    combines_back(b + i + l, f->len - i - l))
					recompose = true;
				i += l;
				continue;
			}
		}
		if (strip_always(c)) {
			removed = true;
		} else if (generic_mark(c)) {
			if (keep_marks)
				view_put(p, c, s, e);
			else
				removed = true;
		} else {
			nd = utf8proc_decompose_char(c, d, DECOMP_MAX, UTF8PROC_DECOMPOSE, NULL);
			if (nd <= 1 || nd > DECOMP_MAX) {
				plain_put(p, c, s, e);
				if (!cat_mark(utf8proc_category(c)))
					keep_marks = is_letter(c) && !latin_greek(c);
			} else {
				/* drop accents on Latin, Greek and non-letters; a
				 * decomposition that starts with a mark goes by the
				 * letter before it */
				if (cat_mark(utf8proc_category(d[0])))
					lg = !keep_marks;
				else
					lg = latin_greek(d[0]) || !is_letter(d[0]);
				for (utf8proc_ssize_t k = 0; k < nd; k++) {
					if (strip_always(d[k]) || (generic_mark(d[k]) && lg))
						removed = true;
					else
						d[kept++] = d[k];
				}
				if (!removed) {
					plain_put(p, c, s, e);
				} else {
					if (kept > 1) {
						utf8proc_ssize_t r = utf8proc_normalize_utf32(
						    d, (utf8proc_ssize_t)kept, COMPOSE_OPTS);
						if (r > 0 && (size_t)r <= kept)
							kept = (size_t)r;
					}
					for (size_t k = 0; k < kept; k++)
						plain_put(p, d[k], s, e);
				}
				if (!cat_mark(utf8proc_category(d[0])))
					keep_marks = is_letter(d[0]) && !latin_greek(d[0]);
			}
		}
		/* a removed mark may have kept this character's base and the
		 * next character apart */
		if (removed && i + l < f->len && combines_back(b + i + l, f->len - i - l))
			recompose = true;
		i += l;
	}
	if (recompose && plain_recompose(n))
		return -1;
	if (view_reserve(p, 0))
		return -1;
	p->buf[p->len] = '\0';
	return 0;
}

/* ---- terms: words ---------------------------------------------------------------- */

enum {
	K_SEP = 0, /* separates words */
	K_LET,     /* letter */
	K_MARK,    /* combining mark: part of the word */
	K_DIG,     /* ASCII digit */
	K_NUM,     /* other number */
	K_OBF,     /* '@', '$', '!': maybe a letter in disguise */
	K_EMO,     /* emoji (So): a word of its own */
	K_EXT,     /* ZWJ, FE0E/FE0F, tags, skin tones: extend an emoji */
	K_NUMP,    /* . , : / - between digits: part of the number */
};

/* Indexed by a byte: 0x80..0xFF are K_SEP (0), which the map-free terms
 * pass relies on for the bytes of non-ASCII separators. */
static const uint8_t ascii_class[256] = {
	['0'] = K_DIG, ['1'] = K_DIG, ['2'] = K_DIG, ['3'] = K_DIG, ['4'] = K_DIG,
	['5'] = K_DIG, ['6'] = K_DIG, ['7'] = K_DIG, ['8'] = K_DIG, ['9'] = K_DIG,
	['a'] = K_LET, ['b'] = K_LET, ['c'] = K_LET, ['d'] = K_LET, ['e'] = K_LET,
	['f'] = K_LET, ['g'] = K_LET, ['h'] = K_LET, ['i'] = K_LET, ['j'] = K_LET,
	['k'] = K_LET, ['l'] = K_LET, ['m'] = K_LET, ['n'] = K_LET, ['o'] = K_LET,
	['p'] = K_LET, ['q'] = K_LET, ['r'] = K_LET, ['s'] = K_LET, ['t'] = K_LET,
	['u'] = K_LET, ['v'] = K_LET, ['w'] = K_LET, ['x'] = K_LET, ['y'] = K_LET,
	['z'] = K_LET, ['A'] = K_LET, ['B'] = K_LET, ['C'] = K_LET, ['D'] = K_LET,
	['E'] = K_LET, ['F'] = K_LET, ['G'] = K_LET, ['H'] = K_LET, ['I'] = K_LET,
	['J'] = K_LET, ['K'] = K_LET, ['L'] = K_LET, ['M'] = K_LET, ['N'] = K_LET,
	['O'] = K_LET, ['P'] = K_LET, ['Q'] = K_LET, ['R'] = K_LET, ['S'] = K_LET,
	['T'] = K_LET, ['U'] = K_LET, ['V'] = K_LET, ['W'] = K_LET, ['X'] = K_LET,
	['Y'] = K_LET, ['Z'] = K_LET, ['@'] = K_OBF, ['$'] = K_OBF, ['!'] = K_OBF,
};

static uint8_t classify(int32_t c)
{
	if (c < 0x80)
		return ascii_class[c];
	if (emoji_joiner(c) || (c >= 0x1F3FB && c <= 0x1F3FF))
		return K_EXT;
	if (c == 0xFFFD)
		return K_SEP;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return K_LET;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return K_MARK;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return K_NUM;
	case UTF8PROC_CATEGORY_SO:
		return K_EMO;
	default:
		return K_SEP;
	}
}

/* The letter an obfuscation character stands for, or 0. */
static int32_t obf_letter(int32_t c)
{
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '@': return 'a';
	case '$': return 's';
	case '!': return 'i';
	default: return 0;
	}
}

static inline bool foldable(const wcp *x)
{
	return (x->k == K_DIG || x->k == K_OBF) && obf_letter(x->cp);
}

static inline bool letterish(const wcp *x)
{
	return x->k == K_LET || x->k == K_MARK;
}

static inline bool is_ri(int32_t c)
{
	return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* A word w[a..*nwp) is complete: fold its obfuscations and split it at the
 * '@' '$' '!' that stay symbols, appending the parts to tok from index nt.
 * sep_n/sep_c: the separators before the word. Returns the new token
 * count; *pend_n and *pend_c get the separators the word ends with (removed
 * symbols), which count before the next word. */
static size_t close_word(hs_norm *n, size_t a, size_t *nwp, size_t nt, size_t sep_n,
                         int32_t sep_c, bool emoji, bool maybe_obf, size_t *pend_n,
                         int32_t *pend_c)
{
	size_t b = *nwp, wp = a;
	bool has_letter = false, obf = false, part_open = false;
	wcp *w = n->w;

	if (emoji || !maybe_obf) {
		tok *t = &n->tok[nt++];
		t->a = a;
		t->b = b;
		t->sep_n = sep_n;
		t->sep_c = sep_c;
		t->emoji = emoji;
		*pend_n = 0;
		*pend_c = 0;
		return nt;
	}
	for (size_t i = a; i < b; i++)
		if (w[i].k == K_LET) {
			has_letter = true;
			break;
		}
	if (has_letter) {
		/* pass 1: is the word obfuscated? */
		for (size_t i = a; i < b;) {
			size_t q = i;
			bool before, after, only_sym = true;
			if (!foldable(&w[i])) {
				i++;
				continue;
			}
			while (q < b && foldable(&w[q])) {
				if (w[q].k != K_OBF || w[q].cp == '!')
					only_sym = false;
				q++;
			}
			before = i > a && letterish(&w[i - 1]);
			after = q < b && letterish(&w[q]);
			if ((before && after) || (only_sym && (before || after)))
				obf = true;
			i = q;
		}
		/* pass 2: fold */
		for (size_t i = a; obf && i < b;) {
			size_t q = i;
			bool before, after, inside, has_digit = false;
			if (!foldable(&w[i])) {
				i++;
				continue;
			}
			while (q < b && foldable(&w[q])) {
				if (w[q].k == K_DIG)
					has_digit = true;
				q++;
			}
			before = i > a && letterish(&w[i - 1]);
			after = q < b && letterish(&w[q]);
			inside = before && after;
			if (inside || ((before || after) && (q - i == 1 || !has_digit))) {
				for (size_t r = i; r < q; r++) {
					if (!inside && w[r].cp == '!')
						continue;
					w[r].cp = obf_letter(w[r].cp);
					w[r].k = K_LET;
				}
			}
			i = q;
		}
	}
	/* copy out, splitting at the remaining '@' '$' '!' */
	for (size_t i = a; i < b; i++) {
		wcp x = w[i];
		if (x.k == K_OBF) {
			if (part_open) {
				n->tok[nt++].b = wp;
				part_open = false;
			}
			sep_n++;
			sep_c = x.cp;
			continue;
		}
		if (!part_open) {
			tok *o = &n->tok[nt];
			o->a = wp;
			o->sep_n = sep_n;
			o->sep_c = sep_c;
			o->emoji = false;
			sep_n = 0;
			part_open = true;
		}
		w[wp++] = x;
	}
	if (part_open)
		n->tok[nt++].b = wp;
	*nwp = wp;
	*pend_n = sep_n;
	*pend_c = sep_c;
	return nt;
}

/* Is c one of . , : / - (kept between two digits)? */
static inline bool num_punct(int32_t c)
{
	return c == '.' || c == ',' || c == ':' || c == '/' || c == '-';
}

/* Words of src into w and tok. Returns the word count. */
static size_t terms_tokenise(hs_norm *n, const nview *src)
{
	const unsigned char *b = (const unsigned char *)src->buf;
	size_t len = src->len, nw = 0, nt = 0, a = 0, sep_n = 0, tok_sep_n = 0;
	int32_t sep_c = 0, tok_sep_c = 0;
	unsigned ri = 0;
	bool open = false, emo = false, maybe_obf = false;
	wcp *w = n->w;

#define W_PUT(kk)                                                                         \
	do {                                                                              \
		wcp *w_ = &w[nw++];                                                       \
		w_->cp = c;                                                               \
		w_->s = src->ms[i];                                                       \
		w_->e = src->me[i];                                                       \
		w_->k = (kk);                                                             \
	} while (0)
#define T_CLOSE()                                                                         \
	do {                                                                              \
		if (open) {                                                               \
			nt = close_word(n, a, &nw, nt, tok_sep_n, tok_sep_c, emo, maybe_obf,   \
			                &sep_n, &sep_c);                                  \
			open = false;                                                     \
		}                                                                         \
	} while (0)
#define T_OPEN(is_emoji)                                                                  \
	do {                                                                              \
		a = nw;                                                                   \
		tok_sep_n = sep_n;                                                        \
		tok_sep_c = sep_c;                                                        \
		sep_n = 0;                                                                \
		open = true;                                                              \
		emo = (is_emoji);                                                         \
		maybe_obf = false;                                                        \
		ri = 0;                                                                   \
	} while (0)

	for (size_t i = 0; i < len;) {
		int32_t c;
		size_t l = 1;
		uint8_t k;

		if (b[i] < 0x80) {
			c = b[i];
			k = ascii_class[c];
		} else {
			l = dec(b + i, len - i, &c);
			k = classify(c);
		}
		if (k == K_LET && open && !emo) {
			/* the common case: a word goes on; take its ASCII letters
			 * in one go */
			W_PUT(K_LET);
			for (i += l; i < len && b[i] < 0x80 && ascii_class[b[i]] == K_LET; i++) {
				c = b[i];
				W_PUT(K_LET);
			}
			continue;
		}
		switch (k) {
		case K_SEP:
			if (open && !emo && num_punct(c) &&
			    (w[nw - 1].k == K_DIG || w[nw - 1].k == K_NUM) && i + l < len) {
				int32_t nc;
				uint8_t nk;
				dec(b + i + l, len - i - l, &nc);
				nk = classify(nc);
				if (nk == K_DIG || nk == K_NUM) {
					W_PUT(K_NUMP);
					break;
				}
			}
			T_CLOSE();
			sep_n++;
			sep_c = c;
			break;
		case K_LET:
		case K_DIG:
		case K_NUM:
		case K_OBF:
			if (open && emo)
				T_CLOSE();
			if (!open)
				T_OPEN(false);
			if (k == K_DIG || k == K_OBF)
				maybe_obf = true;
			W_PUT(k);
			break;
		case K_MARK:
			if (!open)
				T_OPEN(false);
			W_PUT(K_MARK);
			break;
		case K_EMO:
			if (open && emo &&
			    (w[nw - 1].cp == ZWJ || (is_ri(c) && is_ri(w[nw - 1].cp) && ri % 2 == 1))) {
				W_PUT(K_EMO);
			} else {
				T_CLOSE();
				T_OPEN(true);
				W_PUT(K_EMO);
			}
			if (is_ri(c))
				ri++;
			break;
		default: /* K_EXT */
			if (open && emo) {
				W_PUT(K_EXT);
			} else if (c >= 0x1F3FB) {
				/* a skin tone on its own */
				T_CLOSE();
				T_OPEN(true);
				W_PUT(K_EXT);
			}
			/* else: a joiner or selector inside a word: dropped */
			break;
		}
		i += l;
	}
	T_CLOSE();
#undef W_PUT
#undef T_CLOSE
#undef T_OPEN
	return nt;
}

/* The base of a one-letter word (a letter or a mapped digit, then only
 * marks), or 0. */
static int32_t single_base(const hs_norm *n, const tok *t)
{
	const wcp *x = &n->w[t->a];

	if (t->emoji || t->b == t->a)
		return 0;
	if (!(x->k == K_LET || (x->k == K_DIG && obf_letter(x->cp))))
		return 0;
	for (size_t i = t->a + 1; i < t->b; i++)
		if (n->w[i].k != K_MARK)
			return 0;
	return x->cp;
}

static bool chain_sep(int32_t c)
{
	return c == '.' || c == '-' || c == '_' || c == '*' || c == ' ';
}

static bool weak_letter(int32_t c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* Does a chain of len one-character words, separated by c, of which
 * letters are letters and strong of those not a e i o u y, join into one
 * word? 3 or more: with 2 letters, and with a space only if 2 are strong;
 * 2: both letters, separated by '.'. */
static inline bool chain_joins(size_t len, size_t letters, size_t strong, int32_t c)
{
	if (len >= 3)
		return letters >= 2 && (c != ' ' || strong >= 2);
	return len == 2 && letters == 2 && c == '.';
}

/* T3: join chains of single letters. Returns the new word count. */
static size_t terms_join(hs_norm *n, size_t nt)
{
	size_t o = 0;

	for (size_t i = 0; i < nt;) {
		size_t j = i + 1, letters = 0, strong = 0;
		int32_t c = 0, base = single_base(n, &n->tok[i]);
		bool join = false;

		if (base) {
			while (j < nt && n->tok[j].sep_n == 1 && chain_sep(n->tok[j].sep_c) &&
			       (c == 0 || n->tok[j].sep_c == c) && single_base(n, &n->tok[j])) {
				c = n->tok[j].sep_c;
				j++;
			}
			for (size_t k = i; k < j; k++) {
				const wcp *x = &n->w[n->tok[k].a];
				if (x->k == K_LET) {
					letters++;
					if (!weak_letter(x->cp))
						strong++;
				}
			}
			join = chain_joins(j - i, letters, strong, c);
		}
		if (join) {
			for (size_t k = i; k < j; k++) {
				wcp *x = &n->w[n->tok[k].a];
				if (x->k == K_DIG) {
					x->cp = obf_letter(x->cp);
					x->k = K_LET;
				}
			}
			n->tok[o] = n->tok[i];
			n->tok[o].b = n->tok[j - 1].b;
			o++;
			i = j;
		} else {
			/* no part of a chain that does not join can join (the
			 * counts only shrink), but its last word may start another
			 * chain with another separator: go on from there, so the
			 * pass stays linear */
			size_t next = j - i >= 2 ? j - 1 : i + 1;
			while (i < next)
				n->tok[o++] = n->tok[i++];
		}
	}
	return o;
}

/* Write " w1 w2 ... " to the terms view (room reserved). */
static void terms_layout(hs_norm *n, size_t nt, nview *out)
{
	const wcp *w = n->w;
	uint32_t prev_e = 0;

	if (nt == 0) {
		view_put(out, ' ', 0, 0);
		return;
	}
	for (size_t ti = 0; ti < nt; ti++) {
		const tok *t = &n->tok[ti];
		uint32_t first_s = w[t->a].s;

		/* a separator maps from the next word's start to the previous
		 * word's end (see normalize.h) */
		view_put(out, ' ', first_s, ti == 0 ? first_s : prev_e);
		for (size_t i = t->a; i < t->b;) {
			const wcp *x = &w[i];
			size_t j = i + 1;
			if (x->k == K_LET && !t->emoji) {
				while (j < t->b && w[j].cp == x->cp && w[j].k == K_LET)
					j++;
				if (j - i >= 3) {
					view_put(out, x->cp, x->s, w[j - 1].e);
					prev_e = w[j - 1].e;
					i = j;
					continue;
				}
				j = i + 1;
			}
			view_put(out, x->cp, x->s, x->e);
			prev_e = x->e;
			i = j;
		}
	}
	view_put(out, ' ', prev_e, prev_e);
}

static int terms_stage(hs_norm *n)
{
	const nview *src = n->plain_alias ? &n->v[HS_NORM_FOLDED] : &n->v[HS_NORM_PLAIN];
	nview *out = &n->v[HS_NORM_TERMS];
	size_t len = src->len, nt;

	/* at most len characters, len words, and as many bytes out as in plus a
	 * space before each word and one at the end */
	out->len = 0;
	if (len > SIZE_MAX / 4 ||
	    grow((void **)&n->w, &n->w_cap, len + 1, sizeof(*n->w)) ||
	    grow((void **)&n->tok, &n->tok_cap, len + 1, sizeof(*n->tok)) ||
	    view_reserve(out, 2 * len + 2))
		return -1;
	nt = terms_tokenise(n, src);
	nt = terms_join(n, nt);
	terms_layout(n, nt, out);
	out->buf[out->len] = '\0';
	return 0;
}

/* ---- all-ASCII paths ------------------------------------------------------------- */

/* Is t[0..len) all ASCII? Eight bytes at a time. */
static bool all_ascii(const unsigned char *t, size_t len)
{
	size_t i = 0;
	uint64_t acc = 0;

	for (; i + 32 <= len; i += 32) {
		uint64_t a, b, c, d;
		memcpy(&a, t + i, 8);
		memcpy(&b, t + i + 8, 8);
		memcpy(&c, t + i + 16, 8);
		memcpy(&d, t + i + 24, 8);
		if ((a | b | c | d) & 0x8080808080808080ULL)
			return false;
	}
	for (; i + 8 <= len; i += 8) {
		uint64_t a;
		memcpy(&a, t + i, 8);
		acc |= a;
	}
	for (; i < len; i++)
		acc |= t[i];
	return !(acc & 0x8080808080808080ULL);
}

/* fold_stage for an all-ASCII text: every byte is its own character,
 * lowercased (NUL -> space), and each mask is one space. Nothing composes,
 * so no units. */
static int fold_stage_ascii(hs_norm *n, const unsigned char *t, size_t len)
{
	nview *v = &n->v[HS_NORM_FOLDED];
	char *buf;
	uint32_t *ms, *me;
	size_t i = 0, o = 0;

	v->len = 0;
	n->out = v;
	n->unit_n = 0;
	n->prev_cp = -1;
	/* masks are at least 2 bytes long: the view is at most len bytes */
	if (view_reserve(v, len + 8))
		return -1;
	buf = v->buf;
	ms = v->ms;
	me = v->me;
	for (size_t mi = 0; mi <= n->nmasks; mi++) {
		size_t stop = mi < n->nmasks ? n->masks[mi].s : len;
		for (; i < stop; i++, o++) {
			/* low_tab without a lookup: A-Z +32, NUL -> space */
			unsigned c = t[i];
			buf[o] = (char)(c + (((c - 'A' < 26u) | (c == 0)) << 5));
			ms[o] = (uint32_t)i;
			me[o] = (uint32_t)i + 1;
		}
		if (mi < n->nmasks) {
			buf[o] = ' ';
			ms[o] = n->masks[mi].s;
			me[o] = n->masks[mi].e;
			o++;
			i = n->masks[mi].e;
		}
	}
	memset(buf + o, 0, 9); /* the NUL and 8 zero bytes for terms_views */
	v->len = o;
	if (o > 0)
		n->prev_cp = (unsigned char)buf[o - 1];
	n->fold_ascii = true;
	return 0;
}

/* The terms stage for an all-ASCII source view: the same steps as
 * terms_tokenise, close_word, terms_join and terms_layout, on bytes. In an
 * ASCII view the class of a word character follows from its value: a
 * letter (K_LET), a digit (K_DIG), '@' '$' '!' (K_OBF), and '.' ',' ':'
 * '/' '-' between digits (K_NUMP, class K_SEP in ascii_class); there are
 * no marks, other numbers or emoji. The source view may also hold non-ASCII
 * characters that are all separators (the plain view of a Latin text,
 * fold_views_latin): each is one separator, as in terms_tokenise, and
 * never one that chains single letters. */

#define ACLS(c) (ascii_class[(c) & 0x7F])

static inline bool afoldable(unsigned char c)
{
	uint8_t k = ACLS(c);
	return (k == K_DIG || k == K_OBF) && obf_letter(c);
}

/* close_word for w[a..*nwp) of n->wb/n->wi (never an emoji). */
static size_t close_word_ascii(hs_norm *n, size_t a, size_t *nwp, size_t nt, size_t sep_n,
                               int32_t sep_c, bool maybe_obf, size_t *pend_n,
                               int32_t *pend_c)
{
	size_t b = *nwp, wp = a;
	bool has_letter = false, obf = false, part_open = false;
	unsigned char *w = n->wb;

	if (!maybe_obf) {
		tok *t = &n->tok[nt++];
		t->a = a;
		t->b = b;
		t->sep_n = sep_n;
		t->sep_c = sep_c;
		t->emoji = false;
		*pend_n = 0;
		*pend_c = 0;
		return nt;
	}
	for (size_t i = a; i < b; i++)
		if (ACLS(w[i]) == K_LET) {
			has_letter = true;
			break;
		}
	if (has_letter) {
		for (size_t i = a; i < b;) {
			size_t q = i;
			bool before, after, only_sym = true;
			if (!afoldable(w[i])) {
				i++;
				continue;
			}
			while (q < b && afoldable(w[q])) {
				if (ACLS(w[q]) != K_OBF || w[q] == '!')
					only_sym = false;
				q++;
			}
			before = i > a && ACLS(w[i - 1]) == K_LET;
			after = q < b && ACLS(w[q]) == K_LET;
			if ((before && after) || (only_sym && (before || after)))
				obf = true;
			i = q;
		}
		for (size_t i = a; obf && i < b;) {
			size_t q = i;
			bool before, after, inside, has_digit = false;
			if (!afoldable(w[i])) {
				i++;
				continue;
			}
			while (q < b && afoldable(w[q])) {
				if (ACLS(w[q]) == K_DIG)
					has_digit = true;
				q++;
			}
			before = i > a && ACLS(w[i - 1]) == K_LET;
			after = q < b && ACLS(w[q]) == K_LET;
			inside = before && after;
			if (inside || ((before || after) && (q - i == 1 || !has_digit))) {
				for (size_t r = i; r < q; r++) {
					if (!inside && w[r] == '!')
						continue;
					w[r] = (unsigned char)obf_letter(w[r]);
				}
			}
			i = q;
		}
	}
	for (size_t i = a; i < b; i++) {
		unsigned char x = w[i];
		if (ACLS(x) == K_OBF) {
			if (part_open) {
				n->tok[nt++].b = wp;
				part_open = false;
			}
			sep_n++;
			sep_c = x;
			continue;
		}
		if (!part_open) {
			tok *o = &n->tok[nt];
			o->a = wp;
			o->sep_n = sep_n;
			o->sep_c = sep_c;
			o->emoji = false;
			sep_n = 0;
			part_open = true;
		}
		w[wp] = x;
		n->ws[wp] = n->ws[i];
		n->we[wp] = n->we[i];
		wp++;
	}
	if (part_open)
		n->tok[nt++].b = wp;
	*nwp = wp;
	*pend_n = sep_n;
	*pend_c = sep_c;
	return nt;
}

static size_t terms_tokenise_ascii(hs_norm *n, const nview *src)
{
	const unsigned char *b = (const unsigned char *)src->buf;
	const uint32_t *sms = src->ms, *sme = src->me;
	size_t len = src->len, nw = 0, nt = 0, a = 0, sep_n = 0, tok_sep_n = 0;
	int32_t sep_c = 0, tok_sep_c = 0;
	bool open = false, maybe_obf = false;
	unsigned char *w = n->wb;
	uint32_t *ws = n->ws, *we = n->we;

#define A_PUT(pos)                                                                        \
	do {                                                                              \
		w[nw] = b[pos];                                                           \
		ws[nw] = sms[pos];                                                        \
		we[nw] = sme[pos];                                                        \
		nw++;                                                                     \
	} while (0)
#define A_CLOSE()                                                                         \
	do {                                                                              \
		if (!maybe_obf) {                                                         \
			tok *t_ = &n->tok[nt++];                                          \
			t_->a = a;                                                        \
			t_->b = nw;                                                       \
			t_->sep_n = tok_sep_n;                                            \
			t_->sep_c = tok_sep_c;                                            \
			t_->emoji = false;                                                \
			sep_n = 0;                                                        \
			sep_c = 0;                                                        \
		} else {                                                                  \
			nt = close_word_ascii(n, a, &nw, nt, tok_sep_n, tok_sep_c, true,   \
			                      &sep_n, &sep_c);                            \
		}                                                                         \
		open = false;                                                             \
	} while (0)

	for (size_t i = 0; i < len;) {
		unsigned char c = b[i];
		uint8_t k = ascii_class[c];

		if (k == K_SEP) {
			if ((c & 0xC0) == 0x80) { /* the rest of a non-ASCII separator */
				i++;
				continue;
			}
			if (open && num_punct(c) && ACLS(w[nw - 1]) == K_DIG && i + 1 < len &&
			    ascii_class[b[i + 1]] == K_DIG) {
				A_PUT(i);
				i++;
				continue;
			}
			if (open)
				A_CLOSE();
			sep_n++;
			sep_c = c;
			i++;
			continue;
		}
		if (!open) {
			a = nw;
			tok_sep_n = sep_n;
			tok_sep_c = sep_c;
			sep_n = 0;
			open = true;
			maybe_obf = false;
		}
		if (k == K_LET) {
			do {
				A_PUT(i);
				i++;
			} while (i < len && ascii_class[b[i]] == K_LET);
			continue;
		}
		/* K_DIG, K_OBF */
		maybe_obf = true;
		A_PUT(i);
		i++;
	}
	if (open)
		A_CLOSE();
#undef A_PUT
#undef A_CLOSE
	return nt;
}

/* single_base on bytes: a one-byte word of a letter or a mapped digit. */
static inline unsigned char single_base_ascii(const hs_norm *n, const tok *t)
{
	unsigned char x;

	if (t->b - t->a != 1)
		return 0;
	x = n->wb[t->a];
	if (ACLS(x) == K_LET || (ACLS(x) == K_DIG && obf_letter(x)))
		return x;
	return 0;
}

static size_t terms_join_ascii(hs_norm *n, size_t nt)
{
	size_t o = 0;

	for (size_t i = 0; i < nt;) {
		size_t j = i + 1, letters = 0, strong = 0;
		int32_t c = 0;
		bool join = false;

		if (single_base_ascii(n, &n->tok[i])) {
			while (j < nt && n->tok[j].sep_n == 1 && chain_sep(n->tok[j].sep_c) &&
			       (c == 0 || n->tok[j].sep_c == c) && single_base_ascii(n, &n->tok[j])) {
				c = n->tok[j].sep_c;
				j++;
			}
			for (size_t k = i; k < j; k++) {
				unsigned char x = n->wb[n->tok[k].a];
				if (ACLS(x) == K_LET) {
					letters++;
					if (!weak_letter(x))
						strong++;
				}
			}
			join = chain_joins(j - i, letters, strong, c);
		}
		if (join) {
			for (size_t k = i; k < j; k++) {
				unsigned char *x = &n->wb[n->tok[k].a];
				if (ACLS(*x) == K_DIG)
					*x = (unsigned char)obf_letter(*x);
			}
			n->tok[o] = n->tok[i];
			n->tok[o].b = n->tok[j - 1].b;
			o++;
			i = j;
		} else {
			size_t next = j - i >= 2 ? j - 1 : i + 1;
			while (i < next)
				n->tok[o++] = n->tok[i++];
		}
	}
	return o;
}

/* terms_layout on bytes (room reserved). */
static void terms_layout_ascii(hs_norm *n, size_t nt, nview *out)
{
	const unsigned char *w = n->wb;
	const uint32_t *ws = n->ws, *we = n->we;
	char *ob = out->buf + out->len;
	uint32_t *oms = out->ms + out->len, *ome = out->me + out->len;
	uint32_t prev_e = 0;
	size_t o = 0;

	if (nt == 0) {
		ob[0] = ' ';
		oms[0] = 0;
		ome[0] = 0;
		out->len += 1;
		return;
	}
	for (size_t ti = 0; ti < nt; ti++) {
		const tok *t = &n->tok[ti];
		size_t tb = t->b;

		ob[o] = ' ';
		oms[o] = ws[t->a];
		ome[o] = ti == 0 ? ws[t->a] : prev_e;
		o++;
		for (size_t i = t->a; i < tb;) {
			unsigned char x = w[i];
			if (i + 2 < tb && w[i + 1] == x && w[i + 2] == x && ACLS(x) == K_LET) {
				size_t j = i + 3;
				while (j < tb && w[j] == x)
					j++;
				ob[o] = (char)x;
				oms[o] = ws[i];
				ome[o] = we[j - 1];
				o++;
				i = j;
				continue;
			}
			ob[o] = (char)x;
			oms[o] = ws[i];
			ome[o] = we[i];
			o++;
			i++;
		}
		prev_e = ome[o - 1];
	}
	ob[o] = ' ';
	oms[o] = prev_e;
	ome[o] = prev_e;
	out->len += o + 1;
}

static int terms_stage_ascii(hs_norm *n, const nview *src)
{
	nview *out = &n->v[HS_NORM_TERMS];
	size_t len = src->len, nt;

	out->len = 0;
	if (len > SIZE_MAX / 4 ||
	    grow((void **)&n->wb, &n->wb_cap, len + 1, sizeof(*n->wb)) ||
	    grow((void **)&n->ws, &n->ws_cap, len + 1, sizeof(*n->ws)) ||
	    grow((void **)&n->we, &n->we_cap, len + 1, sizeof(*n->we)) ||
	    grow((void **)&n->tok, &n->tok_cap, len + 1, sizeof(*n->tok)) ||
	    view_reserve(out, 2 * len + 2))
		return -1;
	nt = terms_tokenise_ascii(n, src);
	nt = terms_join_ascii(n, nt);
	terms_layout_ascii(n, nt, out);
	out->buf[out->len] = '\0';
	return 0;
}


/* ---- views without maps (hs_norm_run_views) ---------------------------------- */

/* Eight ASCII bytes (all < 0x80, so no byte carries into the next)
 * lowercased: A-Z get 0x20 added, NUL becomes a space (0x20). */
static inline uint64_t low8(uint64_t x)
{
	uint64_t ge_a = x + SW_ONES * (0x80 - 'A'), gt_z = x + SW_ONES * (0x80 - 'Z' - 1);
	uint64_t nz = x + SW_ONES * 0x7F;

	return x | ((((ge_a ^ gt_z) & SW_HIGH) | (~nz & SW_HIGH)) >> 2);
}

/* The folded view of an all-ASCII text without maps: the same bytes as
 * fold_stage_ascii writes. */
static int fold_views_ascii(hs_norm *n, const unsigned char *t, size_t len)
{
	nview *v = &n->v[HS_NORM_FOLDED];
	char *buf;
	size_t i = 0, o = 0;

	v->len = 0;
	if (view_reserve(v, len + 8))
		return -1;
	buf = v->buf;
	for (size_t mi = 0; mi <= n->nmasks; mi++) {
		size_t stop = mi < n->nmasks ? n->masks[mi].s : len;
		/* 8 bytes at a time */
		for (; i + 8 <= stop; i += 8, o += 8) {
			uint64_t x;
			memcpy(&x, t + i, 8);
			x = low8(x);
			memcpy(buf + o, &x, 8);
		}
		for (; i < stop; i++, o++) {
			unsigned c = t[i];
			buf[o] = (char)(c + (((c - 'A' < 26u) | (c == 0)) << 5));
		}
		if (mi < n->nmasks) {
			buf[o++] = ' ';
			i = n->masks[mi].e;
		}
	}
	memset(buf + o, 0, 9); /* the NUL and 8 zero bytes for terms_views */
	v->len = o;
	n->fold_ascii = true;
	n->plain_alias = true;
	return 0;
}

/* ---- Latin path --------------------------------------------------------------------
 * A text whose non-ASCII characters all come from a small set (accented
 * Latin letters, Latin-1 symbols, general punctuation: see latin_char;
 * emoji and pictographic symbols: emoji_char; emoji joiners) folds
 * character by character: none of them is a combining mark (U+FE0E/FE0F
 * are marks of class 0 that plain keeps) or can be the second character
 * of a composition, so nothing composes or reorders across two of them,
 * and each one's folded form is the one it has alone, all of it mapping
 * to that character (a joiner's is itself or nothing, by what precedes
 * it). Their folded forms hold no marks either, so the plain view too is
 * made character by character and never recomposed. The folded and the plain view are then written
 * in one pass, and each keeps a list of its irregular spans (xspan: a
 * non-ASCII character, a mask), from which hs_norm_run fills the maps and
 * hs_norm_run_views answers map queries; between two of them, view bytes
 * come one to one from ASCII bytes of the text. */

/* UTF-8 of c into b (room for 4); its length. */
static size_t utf8_enc(char *b, int32_t cp)
{
	uint32_t c = (uint32_t)cp;

	if (c < 0x80) {
		b[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | (c >> 18));
	b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	b[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* The plain forms of the folded code points d[0..nd) into fc->p, if
 * plain_stage would write each on its own, never recompose them, and the
 * terms pass can take every non-ASCII one as a separator: a folded
 * character below U+02B0 (plain_cached), or a non-letter, non-mark
 * without a canonical decomposition that plain keeps as it is; in both
 * cases what is left that is not ASCII must be a separator (K_SEP), so
 * words stay ASCII. false if any is not like that. */
static bool latin_plain(hs_norm *n, fchar *fc, const int32_t *d, size_t nd)
{
	char tmp[4];
	size_t pl = 0;

	for (size_t k = 0; k < nd; k++) {
		int32_t c = d[k], one[1], dd[DECOMP_MAX];
		const int32_t *out = one;
		size_t no = 1;

		one[0] = c;
		if (c >= 0x80 && c < 0x2B0) {
			const lcache *lc = plain_cached(n, c);
			if (lc->state != LC_OK)
				return false;
			out = lc->cp;
			no = lc->n;
		} else if (c >= 0x2B0) {
			if (strip_always(c) || generic_mark(c) || is_letter(c) ||
			    cat_mark(utf8proc_category(c)) ||
			    utf8proc_decompose_char(c, dd, DECOMP_MAX, UTF8PROC_DECOMPOSE, NULL) > 1)
				return false;
		}
		for (size_t j = 0; j < no; j++) {
			size_t l;
			if (out[j] >= 0x80 && classify(out[j]) != K_SEP)
				return false;
			l = utf8_enc(tmp, out[j]);
			if (pl + l > FC_BYTES)
				return false;
			memcpy(fc->p + pl, tmp, l);
			pl += l;
		}
	}
	fc->pl = (uint8_t)pl;
	return true;
}

/* The entry of c (U+0080..U+02FF or U+2000..U+20CF) if the Latin path can
 * take it, else NULL. Below U+0300 there are no combining marks
 * and no second halves of a composition (maybe_second), and the folded
 * form is fold_cached's, which fold_stage also uses; from U+2000 the
 * punctuation block and the currency signs, without the ZWJ (a joiner,
 * which fold_views_latin keeps or drops as fold_stage does) and above
 * U+20CF the combining marks for symbols. */
static const fchar *latin_char(hs_norm *n, int32_t c)
{
	fchar *fc;

	if (c >= LC_FIRST && c < LC_END)
		fc = &n->fc[c - LC_FIRST];
	else if (c >= FC_HI_FIRST && c < FC_HI_END)
		fc = &n->fc[(LC_END - LC_FIRST) + (c - FC_HI_FIRST)];
	else
		return NULL;
	if (fc->state == LC_UNKNOWN) {
		int32_t d[DECOMP_MAX];
		utf8proc_ssize_t nd = -1;
		size_t fl = 0;
		bool ok = true;

		fc->state = LC_SLOW;
		if (c < LC_END) {
			const lcache *lc = fold_cached(n, c);
			if (lc->state == LC_OK) {
				nd = lc->n;
				memcpy(d, lc->cp, (size_t)nd * sizeof(*d));
			}
		} else if (!emoji_joiner(c)) {
			nd = utf8proc_decompose_char(c, d, DECOMP_MAX, FOLD_OPTS, NULL);
			if (nd > DECOMP_MAX || (nd > 1 && unit_order(n, d, (size_t)nd)))
				nd = -1;
			else if (nd > 1)
				nd = utf8proc_normalize_utf32(d, nd, COMPOSE_OPTS);
		}
		if (nd < 0 || nd > 4)
			return NULL;
		fc->fold_ascii = true;
		for (utf8proc_ssize_t k = 0; k < nd && ok; k++) {
			char tmp[4];
			size_t l = utf8_enc(tmp, d[k]);
			/* no character of U+2000..U+20CF is the second of a
			 * composition (maybe_second only rules out ranges) */
			if (d[k] >= 0x80) {
				fc->fold_ascii = false;
				ok = ccc(d[k]) == 0 &&
				     (!maybe_second(d[k]) || (d[k] >= FC_HI_FIRST && d[k] < FC_HI_END));
			}
			if (fl + l > FC_BYTES)
				ok = false;
			else
				memcpy(fc->f + fl, tmp, l);
			fl += l;
		}
		if (!ok || !latin_plain(n, fc, d, (size_t)nd))
			return NULL;
		fc->fl = (uint8_t)fl;
		fc->state = LC_OK;
	}
	return fc->state == LC_OK ? fc : NULL;
}

/* Whether the Latin path can take c, an emoji or other pictographic
 * symbol of U+2600..U+27BF, U+2B00..U+2BFF or U+1F000..U+1FAFF: a starter
 * that folds to itself alone (no compatibility or case mapping, not
 * ignorable) and that plain_stage writes as it is (not a letter or a mark,
 * no canonical decomposition, not a letter plain_letter changes). No
 * character of these blocks is the second of a canonical composition, and
 * the ones taken start none with what follows on the Latin path (ASCII, or
 * characters below U+0300 or from U+2000..U+20CF that are not second
 * halves either), so each is a unit of its own, in the folded and in the
 * plain view, mapping to itself. Whether it is a word (So), extends one
 * (skin tones) or separates is terms_stage's business (see fold_views_latin). */
static bool emoji_char(hs_norm *n, int32_t c)
{
	uint8_t *st;

	if (c >= EM_C && c < EM_C_END)
		st = &n->em[(EM_A_END - EM_A) + (EM_B_END - EM_B) + (c - EM_C)];
	else if (c >= EM_A && c < EM_A_END)
		st = &n->em[c - EM_A];
	else if (c >= EM_B && c < EM_B_END)
		st = &n->em[(EM_A_END - EM_A) + (c - EM_B)];
	else
		return false;
	if (*st == LC_UNKNOWN) {
		int32_t d[DECOMP_MAX], o[2];
		utf8proc_ssize_t nd = utf8proc_decompose_char(c, d, DECOMP_MAX, FOLD_OPTS, NULL);
		bool ok = nd == 1 && d[0] == c && ccc(c) == 0 && !is_letter(c) &&
		          !cat_mark(utf8proc_category(c)) && !strip_always(c) && !generic_mark(c) &&
		          plain_letter(c, o) == 1 && o[0] == c;

		if (ok) {
			nd = utf8proc_decompose_char(c, d, DECOMP_MAX, UTF8PROC_DECOMPOSE, NULL);
			ok = nd == 1 && d[0] == c;
		}
		*st = ok ? LC_OK : LC_SLOW;
	}
	return *st == LC_OK;
}

/* For a joiner at t[i], with nx spans made before it: fold_stage's
 * prev_cp there (the last code point it wrote: the ASCII byte before, a
 * mask's space, an emoji or joiner kept; characters that fold to nothing
 * write none), 0; 1 if that is a character latin_char took, whose
 * prev_cp fold_stage takes from its decomposition (the general path). */
static int latin_prev(const hs_norm *n, const unsigned char *t, size_t i, size_t nx,
                      int32_t *prev)
{
	while (nx > 0 && n->fx[nx - 1].e == i) {
		const xspan *x = &n->fx[nx - 1];
		int32_t c;
		if (t[x->s] < 0x80) { /* a mask */
			*prev = ' ';
			return 0;
		}
		if (x->ol) {
			dec(t + x->s, x->e - x->s, &c);
			/* Latin characters are all below U+2600 */
			if (!emoji_joiner(c) && c < EM_A)
				return 1;
			*prev = c;
			return 0;
		}
		i = x->s;
		nx--;
	}
	*prev = i > 0 ? low(t[i - 1]) : -1;
	return 0;
}

/* Room for `more` bytes (and 9 for the terms pass) after len in v; v->buf
 * may move. */
static inline int latin_room(nview *v, size_t len, size_t more)
{
	if (len + more + 9 < v->cap)
		return 0;
	v->len = len;
	return view_reserve(v, more + 9);
}

/* Room for span nx in n->fx and n->px (they move). */
static inline int latin_spans(hs_norm *n, size_t nx)
{
	if (nx < n->fx_cap && nx < n->px_cap)
		return 0;
	if (grow((void **)&n->fx, &n->fx_cap, nx + 1, sizeof(*n->fx)) ||
	    grow((void **)&n->px, &n->px_cap, nx + 1, sizeof(*n->px)))
		return -1;
	return 0;
}

/* The maps of view v (folded or plain) that fold_views_latin made, from
 * its spans x[0..nx): bytes outside them come one to one from the text. */
static void latin_maps(nview *v, const xspan *x, size_t nx)
{
	uint32_t *ms = v->ms, *me = v->me;
	size_t o = 0;
	uint32_t src = 0;

	for (size_t k = 0; k <= nx; k++) {
		size_t end = k < nx ? x[k].o : v->len;
		for (; o + 4 <= end; o += 4, src += 4) {
			uint32_t a[4] = { src, src + 1, src + 2, src + 3 };
			uint32_t b[4] = { src + 1, src + 2, src + 3, src + 4 };
			memcpy(ms + o, a, sizeof(a));
			memcpy(me + o, b, sizeof(b));
		}
		for (; o < end; o++, src++) {
			ms[o] = src;
			me[o] = src + 1;
		}
		if (k == nx)
			break;
		for (size_t j = 0; j < x[k].ol; j++, o++) {
			ms[o] = x[k].s;
			me[o] = x[k].e;
		}
		src = x[k].e;
	}
}

/* The folded and plain views of a text all of whose non-ASCII characters
 * latin_char or emoji_char takes or are joiners (not right after a
 * character latin_char took), without their maps (latin_maps makes them),
 * and their irregular spans (n->fx, n->px); n->emoji if an emoji or a
 * joiner was kept. 0 with the views built (plain_alias when the folded view is all
 * ASCII), 1 if the text is not like that, -1 on out of memory. */
static int fold_views_latin(hs_norm *n, const unsigned char *t, size_t len)
{
	nview *v = &n->v[HS_NORM_FOLDED], *p = &n->v[HS_NORM_PLAIN];
	size_t i = 0, o = 0, po = 0, nx = 0;
	bool ascii = true;
	xspan *fx, *px;

	v->len = 0;
	p->len = 0;
	n->fx_n = n->px_n = 0;
	n->emoji = false;
	if (latin_room(v, 0, len + FC_BYTES) || latin_room(p, 0, len + FC_BYTES) ||
	    latin_spans(n, 0))
		return -1;
	fx = n->fx;
	px = n->px;
	for (size_t mi = 0; mi <= n->nmasks; mi++) {
		size_t stop = mi < n->nmasks ? n->masks[mi].s : len;
		while (i < stop) {
			const fchar *fc;
			int32_t cp;
			size_t l;
			/* ASCII 8 bytes at a time, into both views, up to the
			 * first byte from 0x80 (low8 may carry out of that one,
			 * into the bytes after it, which are not taken) */
			while (i + 8 <= stop) {
				uint64_t x, hi;
				size_t k;
				memcpy(&x, t + i, 8);
				hi = x & SW_HIGH;
				k = hi ? (size_t)__builtin_ctzll(hi) >> 3 : 8;
				x = low8(x);
				memcpy(v->buf + o, &x, 8);
				memcpy(p->buf + po, &x, 8);
				i += k;
				o += k;
				po += k;
				if (k < 8)
					break;
			}
			for (; i < stop && t[i] < 0x80; i++) {
				v->buf[o++] = low(t[i]);
				p->buf[po++] = low(t[i]);
			}
			if (i >= stop)
				break;
			/* a non-ASCII character (a mask starts at an ASCII byte);
			 * room for its forms and the rest of the text one to one */
			if (t[i] >= 0xC2 && t[i] <= 0xCB && i + 1 < len && (t[i + 1] & 0xC0) == 0x80) {
				/* U+0080..U+02FF */
				cp = ((int32_t)(t[i] & 0x1F) << 6) | (t[i + 1] & 0x3F);
				l = 2;
				fc = &n->fc[cp - LC_FIRST];
				if (fc->state != LC_OK)
					fc = latin_char(n, cp);
			} else {
				l = dec(t + i, len - i, &cp);
				fc = latin_char(n, cp);
			}
			if (!fc) {
				/* an emoji, kept as it is; a joiner (ZWJ, U+FE0E/
				 * U+FE0F, a tag) kept as it is after an emoji
				 * (emoji_context, as fold_stage), else dropped */
				bool keep = true;
				if (emoji_joiner(cp)) {
					int32_t prev;
					if (latin_prev(n, t, i, nx, &prev))
						return 1;
					keep = emoji_context(prev);
				} else if (!emoji_char(n, cp)) {
					return 1;
				}
				if (latin_room(v, o, len - i + FC_BYTES) ||
				    latin_room(p, po, len - i + FC_BYTES) || latin_spans(n, nx))
					return -1;
				fx = n->fx;
				px = n->px;
				fx[nx].o = (uint32_t)o;
				px[nx].o = (uint32_t)po;
				fx[nx].ol = px[nx].ol = keep ? (uint32_t)l : 0;
				fx[nx].s = px[nx].s = (uint32_t)i;
				fx[nx].e = px[nx].e = (uint32_t)(i + l);
				if (keep) {
					memcpy(v->buf + o, t + i, l);
					memcpy(p->buf + po, t + i, l);
					o += l;
					po += l;
					ascii = false;
					n->emoji = true;
				}
				nx++;
				i += l;
				continue;
			}
			if (latin_room(v, o, len - i + FC_BYTES) || latin_room(p, po, len - i + FC_BYTES) ||
			    latin_spans(n, nx))
				return -1;
			fx = n->fx;
			px = n->px;
			memcpy(v->buf + o, fc->f, FC_BYTES);
			memcpy(p->buf + po, fc->p, FC_BYTES);
			fx[nx].o = (uint32_t)o;
			fx[nx].ol = fc->fl;
			px[nx].o = (uint32_t)po;
			px[nx].ol = fc->pl;
			fx[nx].s = px[nx].s = (uint32_t)i;
			fx[nx].e = px[nx].e = (uint32_t)(i + l);
			nx++;
			o += fc->fl;
			po += fc->pl;
			ascii = ascii && fc->fold_ascii;
			i += l;
		}
		if (mi < n->nmasks) {
			if (latin_spans(n, nx))
				return -1;
			fx = n->fx;
			px = n->px;
			v->buf[o] = ' ';
			p->buf[po] = ' ';
			fx[nx].o = (uint32_t)o++;
			px[nx].o = (uint32_t)po++;
			fx[nx].ol = px[nx].ol = 1;
			fx[nx].s = px[nx].s = n->masks[mi].s;
			fx[nx].e = px[nx].e = n->masks[mi].e;
			nx++;
			i = n->masks[mi].e;
		}
	}
	/* the NUL and 8 zero bytes for terms_views */
	memset(v->buf + o, 0, 9);
	memset(p->buf + po, 0, 9);
	v->len = o;
	p->len = ascii ? 0 : po;
	n->fx_n = nx;
	n->px_n = ascii ? 0 : nx;
	n->fold_ascii = ascii;
	n->plain_alias = ascii;
	return 0;
}

/* A chain of one-character words in the making (see terms_join_ascii):
 * its length, separator, and how many of its words are letters and
 * letters other than a e i o u y. */
typedef struct achain {
	size_t len;
	int32_t c;
	unsigned letters, strong;
	unsigned char last; /* its last word's character */
} achain;

static inline bool achain_joins(const achain *ch)
{
	return chain_joins(ch->len, ch->letters, ch->strong, ch->c);
}

static inline void achain_start(achain *ch, unsigned char x)
{
	ch->len = 1;
	ch->c = 0;
	ch->letters = ACLS(x) == K_LET;
	ch->strong = ch->letters && !weak_letter(x);
	ch->last = x;
}

static inline void achain_add(achain *ch, unsigned char x, int32_t c)
{
	ch->len++;
	ch->c = c;
	if (ACLS(x) == K_LET) {
		ch->letters++;
		if (!weak_letter(x))
			ch->strong++;
	}
	ch->last = x;
}

/* Compiled twice (with and without emoji words), each copy inlined into
 * its caller so the test on the flag disappears. */
#if defined(__GNUC__) || defined(__clang__)
#define NORM_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define NORM_ALWAYS_INLINE static inline
#endif

/* The terms view of src without maps, for the common case only: src is
 * the folded view of an all-ASCII text, or the plain view (or folded, if
 * that is all ASCII) that fold_views_latin made, whose non-ASCII
 * characters are all separators or, if n->emoji, also emoji and joiners
 * (an emoji word is copied as terms_tokenise makes it: an emoji with
 * what extends it; a joiner that extends no emoji is dropped between
 * words, and not simple inside one; a non-ASCII number is not simple
 * either); no word that mixes letters with digits,
 * '@', '$' or '!' (a possible obfuscation), no '@' '$' next to a word, no
 * '!' before a word character, no letter repeated 3 times, no chain of
 * one-character words that terms_join_ascii would join. src has 8 zero
 * bytes after its NUL. Returns 0 with the view built, 1 when the text is
 * not that simple (the caller takes the full path), -1 on out of memory.
 * What it builds is byte for byte what terms_stage_ascii (or terms_stage)
 * builds: a non-ASCII separator is one separator character as there, and
 * not one of the characters that chain single letters (a differential
 * unit test holds the ASCII case to that). */
NORM_ALWAYS_INLINE int terms_views_k(hs_norm *n, const nview *src, bool emoji)
{
	nview *out = &n->v[HS_NORM_TERMS];
	const unsigned char *b = (const unsigned char *)src->buf;
	size_t len = src->len, o = 0, wstart = 0, sep_n = 0;
	int32_t sep_c = 0, last = 0;
	bool open = false, emo = false, has_let = false, has_dig = false;
	unsigned ri = 0;
	achain ch = { 0, 0, 0, 0, 0 };
	char *ob;

	out->len = 0;
	n->lw_n = 0;
	/* at most one word per two folded bytes, plus one (an emoji word has
	 * at least 3 bytes, and the word before or after it needs no
	 * separator: twice the room) */
	if (view_reserve(out, (emoji ? 2 * len : len) + 2 + 8) ||
	    grow((void **)&n->lw_t, &n->lw_cap, len / 2 + 2, sizeof(*n->lw_t)) ||
	    grow((void **)&n->lw_f, &n->lw_f_cap, len / 2 + 2, sizeof(*n->lw_f)))
		return -1;
	ob = out->buf;
	ob[o++] = ' ';
	/* the word ob[wstart..o) is complete */
#define TV_CLOSE()                                                                        \
	do {                                                                              \
		bool single = o - wstart == 1 &&                                          \
		              (has_let || obf_letter((unsigned char)ob[wstart]));         \
		unsigned char x = (unsigned char)ob[wstart];                              \
		if (ch.len && single && sep_n == 1 && chain_sep(sep_c) &&                 \
		    (ch.len == 1 || ch.c == sep_c)) {                                     \
			achain_add(&ch, x, sep_c);                                        \
		} else {                                                                  \
			if (ch.len && achain_joins(&ch))                                  \
				return 1;                                                 \
			if (ch.len >= 2 && single && sep_n == 1 && chain_sep(sep_c)) {    \
				unsigned char last_ = ch.last;                            \
				achain_start(&ch, last_);                                 \
				achain_add(&ch, x, sep_c);                                \
			} else if (single) {                                              \
				achain_start(&ch, x);                                     \
			} else {                                                          \
				ch.len = 0;                                               \
			}                                                                 \
		}                                                                         \
		ob[o++] = ' ';                                                            \
		open = emo = false;                                                       \
		sep_n = 0;                                                                \
	} while (0)
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? b[i] : ' ';
		uint8_t k = ascii_class[c];

		if (k == K_LET || k == K_DIG) {
			if (__builtin_expect(emo, 0)) /* an emoji word is open */
				TV_CLOSE();
			if (!open) {
				open = true;
				has_let = has_dig = false;
				wstart = o;
				n->lw_t[n->lw_n] = (uint32_t)o;
				n->lw_f[n->lw_n++] = (uint32_t)i;
			}
			if (k == K_LET) {
				/* the whole run of letters, 8 bytes at a time (the
				 * folded view has 8 zero bytes after its end, and
				 * the terms view room for 8 more) */
				unsigned char p1 = 0, p2 = 0;
				if (has_dig)
					return 1;
				has_let = true;
				if (o > wstart) {
					p1 = (unsigned char)ob[o - 1];
					if (o - wstart >= 2)
						p2 = (unsigned char)ob[o - 2];
				}
				for (;;) {
					uint64_t x, letters, tri;
					size_t run;
					memcpy(&x, b + i, 8);
					/* (bytes from 0x80 may carry into the
					 * next, but they end the run anyway) */
					letters = ((x + SW_ONES * (0x80 - 'a')) ^
					           (x + SW_ONES * (0x80 - 'z' - 1))) & ~x & SW_HIGH;
					run = ~letters & SW_HIGH
					              ? (size_t)__builtin_ctzll(~letters & SW_HIGH) >> 3
					              : 8;
					/* a letter equal to the two before it: inside
					 * the chunk, or with the letters before it */
					tri = sw_zero(x ^ (x << 8)) & sw_zero(x ^ (x << 16));
					if (run < 8)
						tri &= (1ULL << (8 * run)) - 1;
					if (tri)
						return 1;
					if (run >= 1 && (unsigned char)x == p1 &&
					    (p1 == p2 || (run >= 2 && (unsigned char)(x >> 8) == p1)))
						return 1;
					memcpy(ob + o, &x, 8);
					o += run;
					i += run;
					if (run < 8)
						break;
					p1 = (unsigned char)(x >> 56);
					p2 = (unsigned char)(x >> 48);
				}
				i--; /* the loop's i++ takes it to the byte after the run */
			} else {
				if (has_let)
					return 1;
				has_dig = true;
				ob[o++] = (char)c;
			}
			continue;
		}
		if (__builtin_expect(c >= 0x80 && emoji, 0)) {
			/* emoji mode (the views hold an emoji or a joiner): an
			 * emoji is a word of its own, with what extends it, as in
			 * terms_tokenise; other separators as below; any other
			 * class (a number: maybe part of a word) is not simple */
			int32_t cp;
			size_t l = dec(b + i, len - i, &cp);
			uint8_t kk = classify(cp);
			if (kk == K_EXT && !(open && emo) && cp < 0x1F3FB) {
				/* a joiner or selector dropped: inside a word the
				 * word would not be a copy of the view's bytes */
				if (open)
					return 1;
				i += l - 1;
				continue;
			}
			if (kk == K_EMO || kk == K_EXT) {
				if (!(open && emo &&
				      (kk == K_EXT || last == ZWJ ||
				       (is_ri(cp) && is_ri(last) && ri % 2 == 1)))) {
					if (open)
						TV_CLOSE();
					open = emo = true;
					has_let = has_dig = false;
					ri = 0;
					wstart = o;
					n->lw_t[n->lw_n] = (uint32_t)o;
					n->lw_f[n->lw_n++] = (uint32_t)i;
				}
				if (is_ri(cp))
					ri++;
				memcpy(ob + o, b + i, l);
				o += l;
				last = cp;
				i += l - 1;
				continue;
			}
			if (kk != K_SEP)
				return 1;
			if (open)
				TV_CLOSE();
			sep_n++;
			sep_c = c;
			i += l - 1;
			continue;
		}
		if ((c & 0xC0) == 0x80) /* the rest of a non-ASCII separator */
			continue;
		if (k == K_OBF) {
			bool next_word = i + 1 < len && (ascii_class[b[i + 1]] == K_LET ||
			                                 ascii_class[b[i + 1]] == K_DIG);
			if (next_word || (c != '!' && open))
				return 1;
		}
		if (open && has_dig && num_punct(c) && i + 1 < len && ascii_class[b[i + 1]] == K_DIG) {
			ob[o++] = (char)c;
			continue;
		}
		if (open)
			TV_CLOSE();
		sep_n++;
		sep_c = c;
	}
#undef TV_CLOSE
	if (ch.len && achain_joins(&ch))
		return 1;
	ob[o] = '\0';
	out->len = o;
	return 0;
}

/* terms_views_k compiled twice, so that the emoji mode (n->emoji) stays
 * out of the common case's loop. */
static int terms_views(hs_norm *n, const nview *src)
{
	return n->emoji ? terms_views_k(n, src, true) : terms_views_k(n, src, false);
}

#undef ACLS

/* The maps of the terms view terms_views made from src, which has its
 * maps: a word's bytes map as they do in src, a space from the next word's
 * start to the previous word's end (as terms_layout_ascii writes them). */
static void terms_maps(hs_norm *n, const nview *src)
{
	nview *out = &n->v[HS_NORM_TERMS];
	uint32_t prev_e = 0;
	size_t nw = n->lw_n;

	for (size_t k = 0; k < nw; k++) {
		size_t t = n->lw_t[k], f = n->lw_f[k];
		size_t wl = (k + 1 < nw ? n->lw_t[k + 1] : out->len) - 1 - t;
		out->ms[t - 1] = src->ms[f];
		out->me[t - 1] = k == 0 ? src->ms[f] : prev_e;
		memcpy(out->ms + t, src->ms + f, wl * sizeof(*out->ms));
		memcpy(out->me + t, src->me + f, wl * sizeof(*out->me));
		prev_e = src->me[f + wl - 1];
	}
	out->ms[out->len - 1] = prev_e;
	out->me[out->len - 1] = prev_e;
}

/* The terms view and its maps from src, the folded view of an all-ASCII
 * text or a view fold_views_latin made (with its maps, and 8 zero bytes
 * after its NUL): by terms_views and terms_maps when the text is simple
 * enough for them (not tried if !simple), else by terms_stage_ascii. */
static int terms_stage_fast(hs_norm *n, const nview *src, bool simple)
{
	int r = simple ? terms_views(n, src) : 1;

	if (r < 0)
		return -1;
	if (r == 0) {
		terms_maps(n, src);
		return 0;
	}
	return terms_stage_ascii(n, src);
}

/* ---- public API -------------------------------------------------------------------- */

static void release(hs_norm *n)
{
	for (int i = 0; i < 3; i++) {
		free(n->v[i].buf);
		free(n->v[i].ms);
		free(n->v[i].me);
	}
	free(n->xv.buf);
	free(n->xv.ms);
	free(n->xv.me);
	free(n->unit);
	free(n->sort_tmp);
	free(n->w);
	free(n->tok);
	free(n->wb);
	free(n->ws);
	free(n->we);
	free(n->masks);
	free(n->lw_t);
	free(n->lw_f);
	free(n->fx);
	free(n->px);
}

static void views_empty(hs_norm *n)
{
	n->maps_ok = false;
	n->fold_ascii = false;
	n->latin = false;
	n->emoji = false;
	for (int i = 0; i < 3; i++) {
		n->v[i].len = 0;
		if (n->v[i].buf)
			n->v[i].buf[0] = '\0';
	}
	n->plain_alias = false;
	n->nmasks = 0;
	n->src_len = 0;
}

hs_norm *hs_norm_new(void)
{
	hs_norm *n = calloc(1, sizeof(*n));

	if (n)
		n->prev_cp = -1;
	return n;
}

void hs_norm_free(hs_norm *n)
{
	if (!n)
		return;
	release(n);
	free(n);
}

/* The fast paths norm_run may take: all of them for hs_norm_run, none for
 * hs_norm_run_general, and not the one that hs_norm_run_views just found
 * the text is not for. */
enum {
	P_ASCII = 1,  /* all-ASCII text or folded view; masks found word-at-a-time */
	P_LATIN = 2,  /* fold_views_latin */
	P_SIMPLE = 4, /* terms_views for the terms view (terms_stage_fast) */
	P_ALL = P_ASCII | P_LATIN | P_SIMPLE,
};

/* After fold_views_latin: the maps of the folded and the plain view from
 * their spans, then the terms view with its maps: by terms_stage_fast
 * (which tries terms_views if simple); if the views hold an emoji or a
 * joiner (n->emoji), which terms_stage_ascii does not take, by
 * terms_views and terms_maps if simple and the text is simple enough,
 * else by terms_stage. */
static int latin_finish(hs_norm *n, bool simple)
{
	const nview *src = &n->v[n->plain_alias ? HS_NORM_FOLDED : HS_NORM_PLAIN];
	int r;

	latin_maps(&n->v[HS_NORM_FOLDED], n->fx, n->fx_n);
	if (!n->plain_alias)
		latin_maps(&n->v[HS_NORM_PLAIN], n->px, n->px_n);
	if (!n->emoji) {
		r = terms_stage_fast(n, src, simple);
	} else {
		r = simple ? terms_views(n, src) : 1;
		if (r == 0)
			terms_maps(n, src);
		else if (r > 0)
			r = terms_stage(n);
	}
	if (r)
		return -1;
	n->latin = false;
	n->maps_ok = true;
	return 0;
}

static int norm_run(hs_norm *n, const char *text, size_t len, unsigned paths)
{
	bool fast = paths & P_ASCII, simple = paths & P_SIMPLE;
	const unsigned char *t = (const unsigned char *)text;
	bool padded = false; /* the folded view has 8 zero bytes after its NUL */
	int r;

	if (!n)
		return -1;
	if ((!text && len) || len >= UINT32_MAX)
		goto fail;
	if (n->big && len <= NORM_KEEP_BYTES) {
		release(n);
		memset(n, 0, sizeof(*n));
	}
	n->big = len > NORM_KEEP_BYTES;
	n->src_len = len;
	n->latin = false;
	n->emoji = false;
	if (!text)
		t = (const unsigned char *)"";
	if (find_masks(n, t, len, fast))
		goto fail;
	if (fast && all_ascii(t, len)) {
		r = fold_stage_ascii(n, t, len);
		padded = true;
	} else if ((paths & P_LATIN) && len <= NORM_KEEP_BYTES &&
	           (r = fold_views_latin(n, t, len)) <= 0) {
		/* folded and plain from their spans; words as in ASCII */
		if (r < 0)
			goto fail;
		if (latin_finish(n, simple))
			goto fail;
		return 0;
	} else {
		r = fold_stage(n, t, len);
	}
	if (r || plain_stage(n))
		goto fail;
	/* an all-ASCII folded view is the plain view too (plain_stage) */
	if (fast && n->fold_ascii && n->plain_alias)
		r = padded ? terms_stage_fast(n, &n->v[HS_NORM_FOLDED], simple)
		           : terms_stage_ascii(n, &n->v[HS_NORM_FOLDED]);
	else
		r = terms_stage(n);
	if (r)
		goto fail;
	n->maps_ok = true;
	return 0;
fail:
	views_empty(n);
	return -1;
}

int hs_norm_run(hs_norm *n, const char *text, size_t len)
{
	return norm_run(n, text, len, P_ALL);
}

int hs_norm_run_views(hs_norm *n, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	int r;

	if (!n || (!text && len) || len >= UINT32_MAX || len > NORM_KEEP_BYTES || n->big)
		return norm_run(n, text, len, P_ALL);
	if (!text)
		t = (const unsigned char *)"";
	n->src_len = len;
	n->maps_ok = false;
	n->emoji = false;
	if (find_masks(n, t, len, true))
		goto fail;
	n->latin = !all_ascii(t, len);
	if (!n->latin) {
		if (fold_views_ascii(n, t, len))
			goto fail;
		r = terms_views(n, &n->v[HS_NORM_FOLDED]);
	} else {
		r = fold_views_latin(n, t, len);
		if (r > 0) /* not Latin: the general path */
			return norm_run(n, text, len, P_ASCII | P_SIMPLE);
		if (r == 0)
			r = terms_views(n, &n->v[n->plain_alias ? HS_NORM_FOLDED : HS_NORM_PLAIN]);
	}
	if (r < 0)
		goto fail;
	if (r > 0) /* not the simple case: the full path, maps and all */
		return norm_run(n, text, len, P_ASCII | P_LATIN);
	return 0;
fail:
	views_empty(n);
	return -1;
}

bool hs_norm_simple(const hs_norm *n)
{
	return n && !n->maps_ok && !n->latin && n->fold_ascii;
}

bool hs_norm_has_maps(const hs_norm *n)
{
	return n && n->maps_ok;
}

int hs_norm_run_general(hs_norm *n, const char *text, size_t len)
{
	return norm_run(n, text, len, 0);
}

static const nview *view_of(const hs_norm *n, hs_norm_view view)
{
	if (!n || (int)view < 0 || (int)view > 2)
		return NULL;
	if (view == HS_NORM_PLAIN && n->plain_alias)
		view = HS_NORM_FOLDED;
	return &n->v[view];
}

const char *hs_norm_text(const hs_norm *n, hs_norm_view view, size_t *len)
{
	const nview *v = view_of(n, view);

	if (len)
		*len = v ? v->len : 0;
	return v && v->buf ? v->buf : "";
}

const char *hs_norm_folded(const hs_norm *n, size_t *len)
{
	return hs_norm_text(n, HS_NORM_FOLDED, len);
}

const char *hs_norm_plain(const hs_norm *n, size_t *len)
{
	return hs_norm_text(n, HS_NORM_PLAIN, len);
}

const char *hs_norm_terms(const hs_norm *n, size_t *len)
{
	return hs_norm_text(n, HS_NORM_TERMS, len);
}

/* ---- maps on demand, after hs_norm_run_views took a map-free path ----
 * For an all-ASCII text the folded view is then the text lowercased with
 * each mask one space; for a Latin text the folded and the plain view are
 * one to one with the text's ASCII bytes between their irregular spans
 * (n->fx, n->px: fold_views_latin). The terms view is the words of the
 * plain view (the folded one if it is all ASCII) in order, byte for byte,
 * between single spaces (terms_views), so both maps follow from a walk
 * over the masks (ASCII) or a binary search in the spans (Latin), and one
 * in the terms view's word table. */

/* Byte o of the folded (or plain) view of a map-free Latin run -> original
 * span [*s, *e): in the last irregular span that starts at or before o,
 * or at its end plus the ASCII bytes after it. */
static void lazy_latin_char(const hs_norm *n, hs_norm_view view, size_t o, uint32_t *s,
                            uint32_t *e)
{
	bool plain = view == HS_NORM_PLAIN && !n->plain_alias;
	const xspan *x = plain ? n->px : n->fx;
	size_t lo = 0, hi = plain ? n->px_n : n->fx_n; /* first span starting after o */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid].o <= o)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0) {
		*s = (uint32_t)o;
		*e = (uint32_t)o + 1;
	} else if (o < (size_t)x[lo - 1].o + x[lo - 1].ol) {
		*s = x[lo - 1].s;
		*e = x[lo - 1].e;
	} else {
		*s = x[lo - 1].e + (uint32_t)(o - x[lo - 1].o - x[lo - 1].ol);
		*e = *s + 1;
	}
}

/* Byte o (< len) of the folded view (or of the plain view, which is the
 * folded one after an all-ASCII run) -> original span [*s, *e). */
static void lazy_fold_char(const hs_norm *n, hs_norm_view view, size_t o, uint32_t *s,
                           uint32_t *e)
{
	size_t shift = 0; /* original bytes minus folded bytes before o */

	if (n->latin) {
		lazy_latin_char(n, view, o, s, e);
		return;
	}
	for (size_t mi = 0; mi < n->nmasks; mi++) {
		size_t at = n->masks[mi].s - shift; /* the mask's space in folded */
		if (at > o)
			break;
		if (at == o) {
			*s = n->masks[mi].s;
			*e = n->masks[mi].e;
			return;
		}
		shift += n->masks[mi].e - n->masks[mi].s - 1;
	}
	*s = (uint32_t)(o + shift);
	*e = (uint32_t)(o + shift + 1);
}

/* Terms byte t of a map-free run: *word is whether it is a word byte; then
 * *fi is its index in the view the words came from (plain, which may be
 * the folded view); for a space, *prev_e / *next_s are that view's end of
 * the word before and start of the word after (-1: none). A binary search
 * in the word table terms_views made. */
static void lazy_terms_locate(const hs_norm *n, size_t t, bool *word, size_t *fi,
                              long *prev_e, long *next_s)
{
	const char *tb = n->v[HS_NORM_TERMS].buf;
	size_t lo = 0, hi = n->lw_n; /* first word starting after t */

	*word = false;
	*fi = 0;
	*prev_e = -1;
	*next_s = -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (n->lw_t[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (tb[t] != ' ') { /* inside word lo - 1 */
		*word = true;
		*fi = n->lw_f[lo - 1] + (t - n->lw_t[lo - 1]);
		return;
	}
	if (lo < n->lw_n)
		*next_s = (long)n->lw_f[lo];
	if (lo > 0) { /* the word before ends at the space before t's word run */
		size_t k = lo - 1, wl = 0;
		while (tb[n->lw_t[k] + wl] != ' ')
			wl++;
		*prev_e = (long)(n->lw_f[k] + wl);
	}
}

static size_t lazy_map_start(const hs_norm *n, hs_norm_view view, size_t off)
{
	uint32_t s, e;
	bool word;
	size_t fi;
	long pe, ns;

	if (view != HS_NORM_TERMS) {
		lazy_fold_char(n, view, off, &s, &e);
		return s;
	}
	lazy_terms_locate(n, off, &word, &fi, &pe, &ns);
	if (word) {
		lazy_fold_char(n, HS_NORM_PLAIN, fi, &s, &e);
		return s;
	}
	if (ns >= 0) {
		lazy_fold_char(n, HS_NORM_PLAIN, (size_t)ns, &s, &e);
		return s;
	}
	if (pe > 0) { /* the trailing space: the last word's end */
		lazy_fold_char(n, HS_NORM_PLAIN, (size_t)pe - 1, &s, &e);
		return e;
	}
	return 0;
}

static size_t lazy_map_end(const hs_norm *n, hs_norm_view view, size_t off)
{
	uint32_t s, e;
	bool word;
	size_t fi;
	long pe, ns;

	if (view != HS_NORM_TERMS) {
		lazy_fold_char(n, view, off - 1, &s, &e);
		return e;
	}
	lazy_terms_locate(n, off - 1, &word, &fi, &pe, &ns);
	if (word) {
		lazy_fold_char(n, HS_NORM_PLAIN, fi, &s, &e);
		return e;
	}
	if (pe > 0) {
		lazy_fold_char(n, HS_NORM_PLAIN, (size_t)pe - 1, &s, &e);
		return e;
	}
	if (ns >= 0) { /* the leading space: the first word's start */
		lazy_fold_char(n, HS_NORM_PLAIN, (size_t)ns, &s, &e);
		return s;
	}
	return 0;
}

size_t hs_norm_map_start(const hs_norm *n, hs_norm_view view, size_t off)
{
	const nview *v = view_of(n, view);

	if (!v)
		return 0;
	if (off >= v->len)
		return n->src_len;
	if (!n->maps_ok)
		return lazy_map_start(n, view, off);
	return v->ms[off];
}

size_t hs_norm_map_end(const hs_norm *n, hs_norm_view view, size_t off)
{
	const nview *v = view_of(n, view);

	if (!v || off == 0 || v->len == 0)
		return 0;
	if (off > v->len)
		off = v->len;
	if (!n->maps_ok)
		return lazy_map_end(n, view, off);
	return v->me[off - 1];
}

void hs_norm_span(const hs_norm *n, hs_norm_view view, size_t s, size_t e, size_t *os,
                  size_t *oe)
{
	size_t a = hs_norm_map_start(n, view, s), b = hs_norm_map_end(n, view, e);

	if (b < a) {
		size_t tmp = a;
		a = b;
		b = tmp;
	}
	if (os)
		*os = a;
	if (oe)
		*oe = b;
}

size_t hs_norm_masked(const hs_norm *n)
{
	return n ? n->nmasks : 0;
}

size_t hs_norm_source_len(const hs_norm *n)
{
	return n ? n->src_len : 0;
}
