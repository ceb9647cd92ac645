/* hearsay: 64-bit SimHash of a terms view (see simhash.h for the contract).
 *
 * Counting. Charikar's SimHash keeps one counter per bit and adds +1 or -1
 * for every feature. Here the equivalent "number of features that have bit
 * i set" is counted instead (bit i of the fingerprint is 1 when that number
 * is more than half of all features), with the 64 counters kept
 * bit-sliced: plane[p] holds bit p of all 64 counters, so adding a feature
 * hash h to all of them at once is a binary increment by h across the
 * planes (p = 0: plane ^= h, carry = old plane & h; p = 1 with the carry
 * ...), which stops as soon as the carry is 0: about two planes per
 * feature on average instead of 64 additions. The majority test is then a
 * bit-sliced comparison of the 64 counters with the threshold, plane by
 * plane from the top, and the margins are read out of the planes.
 *
 * Hashes. hs_hash64 reads its input 8 bytes at a time (little-endian, so
 * the result is the same on every platform), multiplies and xor-shifts
 * after each block, and ends with a full 64-bit mixer. A bigram's hash
 * mixes its two word hashes. A feature's sketch value is the top 16 bits of
 * its hash times an odd constant.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "simhash.h"

#define SH_SEED UINT64_C(0x243f6a8885a308d3)
#define SH_BLOCK_KEY UINT64_C(0x9fb21c651e98df25)
/* Derives a feature's sketch value from its hash. */
#define SH_SKETCH_KEY UINT64_C(0xc2b2ae3d27d4eb4f)
/* Distinguishes a bigram's hash from any word's hash. */
#define SH_BIGRAM_KEY UINT64_C(0x9e3779b97f4a7c15)

/* The word scanner is worth inlining into its loops even though it is
 * called from two places (its out-parameters then live in registers). */
#if defined(__GNUC__) || defined(__clang__)
#define SH_INLINE static inline __attribute__((always_inline))
#else
#define SH_INLINE static inline
#endif

/* Bit planes: a post shorter than 4 GiB has fewer than 2^33 features. */
#define SH_PLANES 35

typedef struct sh_acc {
	uint64_t plane[SH_PLANES]; /* plane[p]: bit p of every bit's counter */
	unsigned used;             /* planes in use (the others are 0) */
	uint64_t total;            /* features added */
} sh_acc;

/* A 64-bit mixer (xor-shift / multiply rounds, constants of the kind used
 * by splitmix64): every output bit depends on every input bit. */
static inline uint64_t sh_mix(uint64_t x)
{
	x ^= x >> 31;
	x *= UINT64_C(0x7fb5d329728ea185);
	x ^= x >> 27;
	x *= UINT64_C(0x81dadef4bc2dd44d);
	x ^= x >> 33;
	return x;
}

/* Little-endian loads of 8, 4 and 2 bytes (one load each, byte-swapped on
 * big-endian hosts), so hashes are the same everywhere. */
static inline uint64_t sh_le64(const unsigned char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t sh_le32(const unsigned char *s)
{
	uint32_t v;

	memcpy(&v, s, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t sh_le16(const unsigned char *s)
{
	return (uint64_t)s[0] | (uint64_t)s[1] << 8;
}

/* Index of the lowest set bit of x (x != 0). */
static inline unsigned sh_ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned k = 0;

	while (!(x & 1)) {
		x >>= 1;
		k++;
	}
	return k;
#endif
}

/* The last n (1..7) bytes of the input as a little-endian number (the
 * bytes beyond are 0), read with two overlapping loads so no byte outside
 * s[0..n) is read. */
static inline uint64_t sh_tail(const unsigned char *s, size_t n)
{
	if (n >= 4)
		return sh_le32(s) | (sh_le32(s + n - 4) >> (8 * (8 - n))) << 32;
	if (n >= 2)
		return sh_le16(s) | (sh_le16(s + n - 2) >> (8 * (4 - n))) << 16;
	return s[0];
}

/* hs_hash64 of an input of n (1..8) bytes whose value (as sh_tail or one
 * 8-byte load gives it) is v. */
static inline uint64_t sh_hash_small(uint64_t v, size_t n)
{
	uint64_t h = SH_SEED ^ ((uint64_t)n * SH_BLOCK_KEY);

	h = (h ^ v) * SH_BLOCK_KEY;
	h ^= h >> 29;
	return sh_mix(h);
}

uint64_t hs_hash64(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = SH_SEED ^ ((uint64_t)len * SH_BLOCK_KEY);

	while (len >= 8) {
		h = (h ^ sh_le64(s)) * SH_BLOCK_KEY;
		h ^= h >> 29;
		s += 8;
		len -= 8;
	}
	if (len > 0) {
		h = (h ^ sh_tail(s, len)) * SH_BLOCK_KEY;
		h ^= h >> 29;
	}
	return sh_mix(h);
}

unsigned hs_simhash_distance(uint64_t a, uint64_t b)
{
	/* population count by adding bits in parallel within the word (no
	 * library call when the compiler has no popcount instruction) */
	uint64_t x = a ^ b;

	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* Add the bit vector v at weight 2^k (every bit i set in v adds 2^k to
 * counter i). The counters are below 2^used, so a carry can reach plane
 * max(used, k) at most: a fixed-length loop (no data-dependent exit to
 * mispredict). */
static inline void sh_add_at(sh_acc *a, uint64_t v, unsigned k)
{
	unsigned n = (a->used > k ? a->used : k) + 1;

	for (unsigned p = k; p < n; p++) {
		uint64_t carry = a->plane[p] & v;
		a->plane[p] ^= v;
		v = carry;
	}
	if (a->plane[n - 1])
		a->used = n;
}

/* Carry-save adder: the three bit vectors x, y, z add up to 2 *hi + *lo
 * in every bit. */
static inline void sh_csa(uint64_t *hi, uint64_t *lo, uint64_t x, uint64_t y, uint64_t z)
{
	uint64_t u = x ^ y;

	*hi = (x & y) | (u & z);
	*lo = u ^ z;
}

/* Add the n feature hashes f[0..n) to the counters. Eight at a time go
 * through a tree of carry-save adders (Harley and Seal's population count,
 * here on 64 counters side by side) that keeps pending sums of weight 1, 2
 * and 4 and hands the counters one vector of weight 8; the rest, and the
 * pending sums, are added directly. The counters end up the same as when
 * each hash is added on its own. */
static void sh_add_all(sh_acc *a, const uint64_t *f, size_t n)
{
	uint64_t ones = 0, twos = 0, fours = 0, eights, t1, t2, f1, f2;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		sh_csa(&t1, &ones, ones, f[i], f[i + 1]);
		sh_csa(&t2, &ones, ones, f[i + 2], f[i + 3]);
		sh_csa(&f1, &twos, twos, t1, t2);
		sh_csa(&t1, &ones, ones, f[i + 4], f[i + 5]);
		sh_csa(&t2, &ones, ones, f[i + 6], f[i + 7]);
		sh_csa(&f2, &twos, twos, t1, t2);
		sh_csa(&eights, &fours, fours, f1, f2);
		sh_add_at(a, eights, 3);
	}
	for (; i < n; i++)
		sh_add_at(a, f[i], 0);
	sh_add_at(a, ones, 0);
	sh_add_at(a, twos, 1);
	sh_add_at(a, fours, 2);
	a->total += n;
}

/* Bits whose counter is at least t, by a bit-sliced comparison from the top
 * plane down: gt = already known greater, eq = equal so far. */
static uint64_t sh_at_least(const sh_acc *a, uint64_t t)
{
	uint64_t gt = 0, eq = ~UINT64_C(0);
	unsigned top = a->used;

	while (top < 64 && (t >> top) != 0)
		top++; /* t has bits above the counters' planes */
	for (unsigned p = top; p-- > 0;) {
		uint64_t pl = p < SH_PLANES ? a->plane[p] : 0;
		if ((t >> p) & 1) {
			eq &= pl;
		} else {
			gt |= eq & pl;
			eq &= ~pl;
		}
	}
	return gt | eq;
}

/* The margin |2 c - total| of a counter c, capped at 255. */
static inline uint8_t sh_margin_of(uint64_t c, uint64_t total)
{
	uint64_t twice = 2 * c, m = twice > total ? twice - total : total - twice;

	return (uint8_t)(m > 255 ? 255 : m);
}

#define SH_LO16 UINT64_C(0x00ff00ff00ff00ff)
#define SH_GUARD16 UINT64_C(0x8000800080008000)

/* Margins of four counters c (0..255), one in the low byte of each 16-bit
 * lane of x, against t (0..255) repeated in every lane: |2c - t| capped
 * at 255, in the same lanes. Each lane carries a guard bit (0x8000) so
 * that a subtraction never borrows from the next lane; the guard left
 * after 0x8000 + 2c - t tells which way round the difference goes. */
static inline uint64_t sh_margin4(uint64_t x, uint64_t t)
{
	uint64_t twice = x << 1;
	uint64_t up = (twice | SH_GUARD16) - t;   /* 0x8000 + 2c - t */
	uint64_t down = (t | SH_GUARD16) - twice; /* 0x8000 + t - 2c */
	uint64_t ge = ((up & SH_GUARD16) >> 15) * 0xffff; /* 2c >= t */
	uint64_t d = ((up & ge) | (down & ~ge)) & ~SH_GUARD16; /* 0..510 */

	return (d | ((d >> 8) & UINT64_C(0x0001000100010001)) * 0xff) & SH_LO16;
}

/* The margin of every bit. */
static void sh_margins(const sh_acc *a, uint8_t *margin)
{
	if (a->used <= 8 && a->total <= 255) {
		/* counters below 256: spread each byte b of each plane into eight
		 * byte lanes (b * 0x0101010101010101 repeats b in every byte; the
		 * mask keeps bit k in byte k; adding 0x7f moves it to the byte's
		 * top bit) and add the plane's weight, so that byte k of
		 * lanes[j] is the counter of bit 8 j + k; then four margins at a
		 * time from the even and the odd bytes */
		uint64_t lanes[8] = { 0 }, t = a->total * UINT64_C(0x0001000100010001);
		for (unsigned p = 0; p < a->used; p++)
			for (unsigned j = 0; j < 8; j++) {
				uint64_t b = (a->plane[p] >> (8 * j)) & 0xff;
				uint64_t bits = (b * UINT64_C(0x0101010101010101)) &
				                UINT64_C(0x8040201008040201);
				lanes[j] += (((bits + UINT64_C(0x7f7f7f7f7f7f7f7f)) &
				              UINT64_C(0x8080808080808080)) >> 7) << p;
			}
		for (unsigned j = 0; j < 8; j++) {
			uint64_t m = sh_margin4(lanes[j] & SH_LO16, t) |
			             sh_margin4((lanes[j] >> 8) & SH_LO16, t) << 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			m = __builtin_bswap64(m);
#endif
			memcpy(margin + 8 * j, &m, 8); /* byte k is bit 8 j + k's */
		}
		return;
	}
	for (unsigned b = 0; b < 64; b++) {
		uint64_t c = 0;
		for (unsigned p = 0; p < a->used; p++)
			c |= ((a->plane[p] >> b) & 1) << p;
		margin[b] = sh_margin_of(c, a->total);
	}
}

/* Bottom-k sketch under construction: values are collected unsorted and
 * sorted once at the end; a long post compacts the buffer to the
 * HS_SIMHASH_SKETCH smallest values whenever it fills, and from then on
 * skips values above the largest kept (they cannot be among the smallest). */
#define SH_COLLECT (4 * HS_SIMHASH_SKETCH)

typedef struct sh_col {
	uint16_t v[SH_COLLECT];
	unsigned n;
	unsigned limit;      /* values above it are skipped (65535: none yet) */
	bool dropped;        /* a distinct value was left out */
} sh_col;

/* Sort v[0..n) (n <= SH_COLLECT) ascending and drop repeats; returns the
 * new n. Each value goes to one of 1,024 buckets by its top 10 bits, marked
 * in a bitmap; reading the bitmap lowest bit first gives the buckets in
 * order. The values are uniform, so a bucket rarely gets a second,
 * different value: those few are sorted on their own and merged in. */
#define SH_BUCKET_SHIFT 6 /* 16 - 10 bits */

static unsigned sh_sort_unique(uint16_t *v, unsigned n)
{
	uint64_t seen[1u << (16 - SH_BUCKET_SHIFT - 6)] = { 0 };
	uint16_t at[1u << (16 - SH_BUCKET_SHIFT)]; /* read only where seen */
	uint16_t first[SH_COLLECT], more[SH_COLLECT], *out = first;
	unsigned n_first = 0, n_more = 0, m = 0, i = 0, j = 0;

	for (unsigned k = 0; k < n; k++) {
		unsigned b = v[k] >> SH_BUCKET_SHIFT;
		uint64_t bit = UINT64_C(1) << (b & 63);
		if (!(seen[b >> 6] & bit)) {
			seen[b >> 6] |= bit;
			at[b] = v[k];
		} else if (at[b] != v[k]) {
			more[n_more++] = v[k];
		}
	}
	if (n_more == 0) /* the usual case: the buckets are the answer */
		out = v;
	for (unsigned w = 0; w < sizeof(seen) / sizeof(seen[0]); w++)
		for (uint64_t x = seen[w]; x; x &= x - 1)
			out[n_first++] = at[64 * w + sh_ctz64(x)];
	if (n_more == 0)
		return n_first;
	for (unsigned k = 1; k < n_more; k++) {
		uint16_t x = more[k];
		unsigned p = k;
		while (p > 0 && more[p - 1] > x) {
			more[p] = more[p - 1];
			p--;
		}
		more[p] = x;
	}
	/* merge; first[] has no repeats, more[] may repeat itself */
	while (i < n_first || j < n_more) {
		uint16_t x = j >= n_more || (i < n_first && first[i] <= more[j]) ? first[i++]
		                                                                  : more[j++];
		if (m == 0 || v[m - 1] != x)
			v[m++] = x;
	}
	return m;
}

/* Keep the HS_SIMHASH_SKETCH smallest distinct values. */
static void sh_col_compact(sh_col *c)
{
	c->n = sh_sort_unique(c->v, c->n);
	if (c->n > HS_SIMHASH_SKETCH) {
		c->n = HS_SIMHASH_SKETCH;
		c->dropped = true;
	}
	if (c->n == HS_SIMHASH_SKETCH)
		c->limit = c->v[c->n - 1];
}

static inline void sh_col_add(sh_col *c, uint16_t v)
{
	if (v > c->limit) {
		c->dropped = true;
		return;
	}
	if (c->n == SH_COLLECT)
		sh_col_compact(c);
	c->v[c->n++] = v;
}

static void sh_col_finish(sh_col *c, hs_simhash_sketch *k)
{
	sh_col_compact(c);
	memcpy(k->v, c->v, c->n * sizeof(*k->v));
	for (unsigned i = c->n; i < HS_SIMHASH_SKETCH; i++)
		k->v[i] = 0;
	k->n = (uint8_t)c->n;
	k->all = !c->dropped;
}

/* Is the word s[0..n) (n >= 1) a content word: does it start with a
 * letter, mark or digit? sh_content_utf8 answers for a word that starts
 * with a byte above 0x7f. */
static bool sh_content_utf8(const char *s, size_t n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	utf8proc_category_t cat;

	r = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
	if (r <= 0)
		return false;
	cat = utf8proc_category(cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

static inline bool sh_content(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		       (c >= 'A' && c <= 'Z');
	return sh_content_utf8(s, n);
}

/* Retweet markers, dropped wherever they are: rt, mt, ht, rts. */
static inline bool sh_rt_marker(const char *s, size_t n)
{
	if (n == 2)
		return (s[0] == 'r' || s[0] == 'm' || s[0] == 'h') && s[1] == 't';
	return n == 3 && s[0] == 'r' && s[1] == 't' && s[2] == 's';
}

/* Attribution markers, dropped at the end of the post: via, cc. */
static bool sh_tail_marker(const char *s, size_t n)
{
	return (n == 3 && memcmp(s, "via", 3) == 0) || (n == 2 && s[0] == 'c' && s[1] == 'c');
}

/* The end of the last word that is kept: trailing words that are not
 * content, or are markers of either kind, are cut. */
static size_t sh_content_end(const char *t, size_t len)
{
	size_t end = len;

	for (;;) {
		size_t e, s;
		while (end > 0 && t[end - 1] == ' ')
			end--;
		if (end == 0)
			return 0;
		e = end;
		s = e;
		while (s > 0 && t[s - 1] != ' ')
			s--;
		if (sh_content(t + s, e - s) && !sh_tail_marker(t + s, e - s) &&
		    !sh_rt_marker(t + s, e - s))
			return e;
		end = s;
	}
}

/* The next kept word of t[*i .. end): sets *s and *n and moves *i past it;
 * false when there is none. */
/* The next kept word of t[*i .. end) and its hash: sets *s, *n and *h and
 * moves *i past it; false when there is none. len (>= end) is the length
 * of the buffer: a word with 8 readable bytes from its start is found and
 * hashed from one 8-byte load (the first space in it by a bit trick), the
 * others byte by byte. */
/* Index of the first space among the 8 bytes of x (a little-endian
 * load), 8 if there is none: spaces become zero bytes, and the lowest flag
 * of the zero-byte test is exact (a borrow only runs upwards from a zero
 * byte). */
static inline unsigned sh_first_space(uint64_t x)
{
	uint64_t y = x ^ UINT64_C(0x2020202020202020);
	uint64_t z = (y - UINT64_C(0x0101010101010101)) & ~y & UINT64_C(0x8080808080808080);

	return z ? sh_ctz64(z) / 8 : 8;
}

/* The next kept word of t[*i .. end) and its hash: sets *s, *n and *h and
 * moves *i past it; false when there is none. len (>= end) is the length
 * of the buffer: while 8 bytes are readable, the word's end is found 8
 * bytes at a time, and a word of up to 7 bytes is hashed straight from the
 * load; the rest goes byte by byte. */
SH_INLINE bool sh_next_word(const char *t, size_t len, size_t end, size_t *i, size_t *s,
                            size_t *n, uint64_t *h)
{
	const unsigned char *u = (const unsigned char *)t;

	while (*i < end) {
		uint64_t first = 0;
		unsigned k = 8;
		while (*i < end && t[*i] == ' ')
			(*i)++;
		if (*i >= end)
			return false;
		*s = *i;
		while (len - *i >= 8) {
			uint64_t x = sh_le64(u + *i);
			k = sh_first_space(x);
			if (*i == *s)
				first = x;
			*i += k;
			if (k < 8)
				break;
		}
		if (k == 8)
			while (*i < end && t[*i] != ' ')
				(*i)++;
		*n = *i - *s;
		if (!sh_content(t + *s, *n) || sh_rt_marker(t + *s, *n))
			continue;
		if (*n < 8 && k < 8)
			*h = sh_hash_small(first & ((UINT64_C(1) << (8 * *n)) - 1), *n);
		else
			*h = hs_hash64(t + *s, *n);
		return true;
	}
	return false;
}

static inline uint64_t sh_bigram(uint64_t prev, uint64_t h)
{
	return sh_mix((prev * SH_BIGRAM_KEY) ^ h);
}

static inline uint16_t sh_sketch_value(uint64_t h)
{
	return (uint16_t)((h * SH_SKETCH_KEY) >> 48);
}

/* Feature hashes buffered before they are added to the counters. */
#define SH_BATCH 128

static uint64_t sh_core(const char *terms, size_t len, unsigned *n_features, uint8_t *margin,
                        hs_simhash_sketch *sk)
{
	sh_acc a;
	sh_col col;
	uint64_t prev = 0, fp = 0, h, f[SH_BATCH];
	size_t words = 0, end, i = 0, s, n, nf = 0;

	a.used = 0;
	a.total = 0;
	memset(a.plane, 0, sizeof(a.plane));
	col.n = 0;
	col.limit = UINT16_MAX;
	col.dropped = false;
	end = terms ? sh_content_end(terms, len) : 0;
	while (sh_next_word(terms, len, end, &i, &s, &n, &h)) {
		if (nf + 2 > SH_BATCH) {
			sh_add_all(&a, f, nf);
			nf = 0;
		}
		f[nf++] = h;
		if (sk)
			sh_col_add(&col, sh_sketch_value(h));
		if (words > 0) {
			uint64_t bh = sh_bigram(prev, h);
			f[nf++] = bh;
			if (sk)
				sh_col_add(&col, sh_sketch_value(bh));
		}
		prev = h;
		words++;
	}
	sh_add_all(&a, f, nf);
	/* bit i is 1 when its count c > total / 2, i.e. c >= total / 2 + 1 */
	if (words > 0)
		fp = sh_at_least(&a, a.total / 2 + 1);
	if (margin)
		sh_margins(&a, margin);
	if (sk)
		sh_col_finish(&col, sk);
	if (n_features)
		*n_features = words > UINT_MAX ? UINT_MAX : (unsigned)words;
	return fp;
}

size_t hs_simhash_features(const char *terms, size_t len, hs_simhash_feature_fn fn, void *ud)
{
	uint64_t prev = 0, h;
	size_t words = 0, end = terms ? sh_content_end(terms, len) : 0, i = 0, s, n;

	while (sh_next_word(terms, len, end, &i, &s, &n, &h)) {
		if (fn)
			fn(ud, h, sh_sketch_value(h), 0);
		if (words > 0 && fn) {
			uint64_t bh = sh_bigram(prev, h);
			fn(ud, bh, sh_sketch_value(bh), 1);
		}
		prev = h;
		words++;
	}
	return words;
}

uint64_t hs_simhash(const char *terms, size_t len, unsigned *n_features)
{
	return sh_core(terms, len, n_features, NULL, NULL);
}

/* Flags (0x80) at the zero bytes of x, exactly (no false flag above a
 * zero byte): a byte's low seven bits plus 0x7f reach its top bit unless
 * they are all 0, and its own top bit is or-ed in. */
static inline uint64_t sh_zero_bytes(uint64_t x)
{
	const uint64_t low7 = UINT64_C(0x7f7f7f7f7f7f7f7f);

	return ~(((x & low7) + low7) | x) & ~low7;
}

/* The least certain bits of each quarter (see hs_simhash_sig): the bits of
 * margin 0, then 1, and so on up to HS_SIMHASH_WEAK_MARGIN, each time in
 * bit order, found eight margins at a time (the quarter's 16 margins are
 * two 64-bit words). */
static void sh_weak(hs_simhash_sig *out)
{
	for (unsigned q = 0; q < 4; q++) {
		const unsigned char *mg = out->margin + 16 * q;
		uint64_t w[2] = { sh_le64(mg), sh_le64(mg + 8) };
		unsigned n = 0;
		for (unsigned m = 0; m <= HS_SIMHASH_WEAK_MARGIN && n < HS_SIMHASH_WEAK; m++) {
			uint64_t rep = m * UINT64_C(0x0101010101010101);
			for (unsigned h = 0; h < 2; h++) {
				uint64_t z = sh_zero_bytes(w[h] ^ rep);
				while (z && n < HS_SIMHASH_WEAK) {
					out->weak[q][n++] = (uint8_t)(8 * h + sh_ctz64(z) / 8);
					z &= z - 1;
				}
			}
		}
		for (unsigned i = n; i < HS_SIMHASH_WEAK; i++)
			out->weak[q][i] = 0;
		out->n_weak[q] = (uint8_t)n;
	}
}

void hs_simhash_sign(const char *terms, size_t len, hs_simhash_sig *out)
{
	/* every byte set, padding included, so a signature can be stored or
	 * compared as bytes */
	memset(out, 0, sizeof(*out));
	out->hash = sh_core(terms, len, &out->n_features, out->margin, &out->sketch);
	if (out->n_features > 0) {
		sh_weak(out);
	} else {
		memset(out->n_weak, 0, sizeof(out->n_weak));
		memset(out->weak, 0, sizeof(out->weak));
	}
}

unsigned hs_simhash_resemblance(const hs_simhash_sketch *a, const hs_simhash_sketch *b)
{
	unsigned i = 0, j = 0, both = 0, seen = 0, k;

	if (a->n == 0 || b->n == 0)
		return a->n == b->n ? 100 : 0;
	if (a->all && b->all) {
		/* both complete: the exact Jaccard index */
		while (i < a->n && j < b->n) {
			if (a->v[i] == b->v[j]) {
				both++;
				i++;
				j++;
			} else if (a->v[i] < b->v[j]) {
				i++;
			} else {
				j++;
			}
		}
		return (100 * both) / (a->n + b->n - both);
	}
	/* bottom-k estimate: of the k smallest values of the union, the share
	 * found in both (k = the smaller sketch) */
	k = a->n < b->n ? a->n : b->n;
	while (seen < k) {
		if (j >= b->n || (i < a->n && a->v[i] < b->v[j])) {
			i++;
		} else if (i >= a->n || b->v[j] < a->v[i]) {
			j++;
		} else {
			both++;
			i++;
			j++;
		}
		seen++;
	}
	return (100 * both) / k;
}
