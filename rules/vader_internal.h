/* hearsay: VADER internals shared by vader_lex.c (loading, word table) and
 * vader.c (scoring). Not part of any API.
 *
 * One open-addressing hash table holds every token the scorer needs to
 * know, keyed by its exact bytes: the lexicon entries (flag VD_LEX) and the
 * fixed words of the rules, some of which are in the lexicon as well:
 * boosters and dampeners (VD_BOOST, VD_DAMP), negations (VD_NEGATE) and
 * the words the rules compare by name ("no", "but", "least", the words of
 * the idioms ...: a vd_word id). The scorer hashes a word's lowercase form
 * and finds everything it needs about it with one probe sequence.
 *
 * The hash and the key comparison work on the key as 64-bit chunks (bytes
 * 8i..8i+7, little-endian, zero-padded after the end; vd_chunk), so that
 * the scorer can lowercase, hash and compare an ASCII word eight bytes at
 * a time straight from the text. An entry is 32 bytes (aligned: one cache
 * line per probe) and carries the first two chunks of its key; the whole
 * key is also kept in hs_vader.keys for longer ones.
 *
 * Emoji: a second table maps one code point to its description.
 *
 * Everything here is written once by the loader and then only read.
 */
#ifndef HS_VADER_INTERNAL_H
#define HS_VADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vader.h"

/* Words that the rules compare by name. VW_NONE for every other word. */
enum vd_word {
	VW_NONE = 0,
	VW_NO, VW_BUT, VW_KIND, VW_OF, VW_OR, VW_NOR, VW_NEVER, VW_SO, VW_THIS,
	VW_WITHOUT, VW_DOUBT, VW_LEAST, VW_AT, VW_VERY,
	/* idioms and two-word dampeners */
	VW_THE, VW_SHIT, VW_BOMB, VW_BAD, VW_ASS, VW_BUS, VW_STOP, VW_YEAH, VW_RIGHT,
	VW_KISS, VW_DEATH, VW_TO, VW_DIE, VW_FOR, VW_BEATING, VW_HEART, VW_BROKEN,
	VW_JUST, VW_ENOUGH, VW_SORT,
	VW_COUNT
};

/* entry flags */
#define VD_LEX 0x01    /* in the lexicon: valence is set */
#define VD_BOOST 0x02  /* booster: +B_INCR */
#define VD_DAMP 0x04   /* dampener: B_DECR (negative) */
#define VD_NEGATE 0x08 /* in the negation list */

/* Longest lexicon token, in bytes (the scorer lowercases words into a
 * buffer of this size). */
#define VD_MAX_KEY 255
/* The first VD_INLINE_KEY bytes of a key are kept in the entry itself, as
 * two chunks (the common words are compared without touching keys). */
#define VD_INLINE_KEY 16

typedef struct vd_entry {
	uint64_t k[2];    /* chunks 0 and 1 of the key (zero past its end) */
	double valence;   /* lexicon valence (VD_LEX) */
	uint32_t off;     /* the whole key is at keys + off */
	uint16_t key_len;
	uint8_t flags;
	uint8_t word;     /* enum vd_word */
} vd_entry;

/* A table slot is one uint32: 0 = empty, else (tag << idx_bits) | entry
 * index (from 1: ent[0] is a sentinel that matches no word, so that an
 * empty slot can be read as an entry too), where the table has 2^idx_bits
 * slots (at least four times the entries: a word is almost always in its
 * first or second slot, or absent from both: vader.c's lookup()) and
 * tag is 32 - idx_bits bits from the top half of the key's hash (the slot
 * is chosen by its low bits): vd_find decides most misses without touching
 * an entry. The slots of the full English lexicon take 128 KiB. */
typedef uint32_t vd_slot;

typedef struct vd_emoji_slot {
	uint32_t cp;      /* 0 = empty (U+0000 is never a key) */
	uint32_t desc_off;
	uint32_t desc_len;
} vd_emoji_slot;

struct hs_vader {
	vd_entry *ent;      /* 32-byte aligned; ent[0] is the sentinel */
	size_t n_ent;       /* entries in use: ent[1..n_ent] */
	size_t n_lex;       /* of which in the lexicon */
	vd_slot *slot;
	size_t mask;        /* slots - 1 */
	unsigned idx_bits;  /* log2(slots) */
	char *keys;         /* every key, back to back */
	size_t max_key;     /* longest key, bytes: longer words are not looked up */

	vd_emoji_slot *emo;
	size_t emo_mask;    /* 0 with no emoji table */
	size_t n_emoji;     /* distinct emoji keys, one code point or more */
	uint32_t emo_min;   /* smallest one-code-point key (UINT32_MAX: none) */
	uint32_t emo_max;
	char *desc;         /* every description, back to back */
};

/* 64-bit little-endian load of 8 bytes at p. */
static inline uint64_t vd_load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Chunk i of the key p[0..len): bytes 8i.. (at most 8, at most up to len),
 * little-endian, zero-padded. */
static inline uint64_t vd_chunk(const unsigned char *p, size_t len, size_t i)
{
	unsigned char b[8] = { 0 };

	if (8 * i >= len)
		return 0;
	memcpy(b, p + 8 * i, len - 8 * i < 8 ? len - 8 * i : 8);
	return vd_load8(b);
}

/* The hash of a key of len bytes: VD_HASH_SEED, then vd_hash_step with
 * each of its chunks in order (ceil(len / 8) of them), then vd_hash_end
 * with len (last, so that a word can be hashed before its end is known).
 * The slot is picked by the low bits of the result, the tag kept in the
 * slot comes from the high 32. */
#define VD_HASH_K UINT64_C(0x9E3779B97F4A7C15)
#define VD_HASH_SEED UINT64_C(0x243F6A8885A308D3)

static inline uint64_t vd_hash_step(uint64_t h, uint64_t chunk)
{
	return (h ^ chunk) * VD_HASH_K;
}

static inline uint64_t vd_hash_end(uint64_t h, size_t len)
{
	h += (uint64_t)len * UINT64_C(0xC2B2AE3D27D4EB4F);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

static inline uint64_t vd_hash(const unsigned char *key, size_t len)
{
	uint64_t h = VD_HASH_SEED;

	for (size_t i = 0; i * 8 < len; i++)
		h = vd_hash_step(h, vd_chunk(key, len, i));
	return vd_hash_end(h, len);
}

/* The entry whose key is a word of len bytes with hash h (vd_hash) and
 * chunks 0 and 1 c0, c1 (vd_chunk), or NULL. If len > VD_INLINE_KEY, rest
 * holds the word's bytes from VD_INLINE_KEY on, compared through lower (a
 * 256-byte table applied to each byte of rest first; NULL: as they are). */
static inline const vd_entry *vd_find(const hs_vader *v, uint64_t h, size_t len, uint64_t c0,
                                      uint64_t c1, const unsigned char *rest,
                                      const unsigned char *lower)
{
	size_t i = (size_t)h & v->mask;
	uint32_t tag = (uint32_t)(h >> 32) >> v->idx_bits;

	for (;;) {
		uint32_t sl = v->slot[i];
		if (!sl)
			return NULL;
		if ((sl >> v->idx_bits) == tag) {
			const vd_entry *e = &v->ent[sl & v->mask];
			if (e->key_len == len && e->k[0] == c0 && e->k[1] == c1) {
				const unsigned char *k;
				size_t j = 0, n;
				if (len <= VD_INLINE_KEY)
					return e;
				n = len - VD_INLINE_KEY;
				k = (const unsigned char *)v->keys + e->off + VD_INLINE_KEY;
				if (lower)
					while (j < n && k[j] == lower[rest[j]])
						j++;
				else
					while (j < n && k[j] == rest[j])
						j++;
				if (j == n)
					return e;
			}
		}
		i = (i + 1) & v->mask;
	}
}

/* Emoji description for code point cp: *len bytes, or NULL. */
static inline const char *vd_emoji(const hs_vader *v, uint32_t cp, size_t *len)
{
	size_t i;

	if (cp < v->emo_min || cp > v->emo_max)
		return NULL;
	i = (cp * UINT32_C(2654435761)) & v->emo_mask;
	for (;;) {
		const vd_emoji_slot *sl = &v->emo[i];
		if (!sl->cp)
			return NULL;
		if (sl->cp == cp) {
			*len = sl->desc_len;
			return v->desc + sl->desc_off;
		}
		i = (i + 1) & v->emo_mask;
	}
}

/* Length of the non-ASCII whitespace character at s (Python's isspace():
 * U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000), or 0. s[0] >= 0x80. */
static inline size_t vd_uni_space(const unsigned char *s, size_t avail)
{
	switch (s[0]) {
	case 0xC2:
		return avail >= 2 && (s[1] == 0x85 || s[1] == 0xA0) ? 2 : 0;
	case 0xE1:
		return avail >= 3 && s[1] == 0x9A && s[2] == 0x80 ? 3 : 0;
	case 0xE2:
		if (avail < 3)
			return 0;
		if (s[1] == 0x80)
			return (s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 ||
			               s[2] == 0xAF
			           ? 3
			           : 0;
		return s[1] == 0x81 && s[2] == 0x9F ? 3 : 0;
	case 0xE3:
		return avail >= 3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
	default:
		return 0;
	}
}

/* Length of the whitespace character (Python's str.isspace()) at s, or 0:
 * ASCII 9-13 and 28-32, or one of the above. avail > 0. */
static inline size_t vd_space_len(const unsigned char *s, size_t avail)
{
	if (s[0] < 0x80)
		return (s[0] >= 9 && s[0] <= 13) || (s[0] >= 28 && s[0] <= 32) ? 1 : 0;
	return vd_uni_space(s, avail);
}

/* Decode one UTF-8 character at s (avail > 0 bytes): returns the code
 * point and sets *n to its length, or returns -1 with *n = 1 for an
 * ill-formed byte (overlong, surrogate, above U+10FFFF, truncated, stray
 * continuation). */
static inline int32_t vd_utf8(const unsigned char *s, size_t avail, size_t *n)
{
	unsigned c = s[0];

	*n = 1;
	if (c < 0x80)
		return (int32_t)c;
	if (c >= 0xC2 && c <= 0xDF) {
		if (avail >= 2 && (s[1] & 0xC0) == 0x80) {
			*n = 2;
			return (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
		}
		return -1;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		if (avail >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    !(c == 0xE0 && s[1] < 0xA0) && !(c == 0xED && s[1] >= 0xA0)) {
			*n = 3;
			return (int32_t)(((c & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) |
			                 (s[2] & 0x3F));
		}
		return -1;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (avail >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80 && !(c == 0xF0 && s[1] < 0x90) &&
		    !(c == 0xF4 && s[1] >= 0x90)) {
			*n = 4;
			return (int32_t)(((c & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) |
			                 ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F));
		}
		return -1;
	}
	return -1;
}

/* Exposed for the unit test and the fuzz target (vader.c): */

/* The reference's "but" weighting of the valences sent[0..n), in place,
 * with the first "but" at index bi (see vader.c, step 5). Uses s's
 * buffers. 0, or -1 on out of memory (sent is then partly updated). */
int hs_vader_but_weigh(hs_vader_scratch *s, double *sent, size_t n, size_t bi);

/* Python's round(x, nd) for 0 <= nd <= 4 and |x| <= 1e4. */
double hs_vader_py_round(double x, int nd);

#endif
