/* hearsay: VADER internals shared by vader_lex.c (loading, word table) and
 * vader.c (scoring). Not part of any API.
 *
 * One open-addressing hash table holds every token the scorer needs to
 * know, keyed by its exact bytes: the lexicon entries (flag VD_LEX) and the
 * fixed words of the rules, some of which are in the lexicon as well:
 * boosters and dampeners (VD_BOOST, VD_DAMP), negations (VD_NEGATE) and
 * the words the rules compare by name ("no", "but", "least", the words of
 * the idioms ...: a vd_word id). The scorer lowercases a word, hashes it
 * and finds everything it needs about it with one probe sequence.
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
/* Keys up to this length are kept in the entry itself (one cache line
 * less per lookup); longer ones in hs_vader.keys. */
#define VD_INLINE_KEY 12

typedef struct vd_entry {
	double valence;   /* lexicon valence (VD_LEX) */
	uint16_t key_len;
	uint8_t flags;
	uint8_t word;     /* enum vd_word */
	union {
		char bytes[VD_INLINE_KEY]; /* key_len <= VD_INLINE_KEY */
		uint32_t off;              /* else: the key is at keys + off */
	} key;
} vd_entry;

static inline const char *vd_key(const char *keys, const vd_entry *e)
{
	return e->key_len <= VD_INLINE_KEY ? e->key.bytes : keys + e->key.off;
}

/* A table slot is one uint32: 0 = empty, else (tag << idx_bits) | (entry
 * index + 1), where the table has 2^idx_bits slots (more than twice the
 * entries, so the index fits) and tag is the rest of the key's hash above
 * the bits that chose the slot: most misses are decided without touching
 * an entry, and the slots of the full English lexicon take 64 KiB. */
typedef uint32_t vd_slot;

typedef struct vd_emoji_slot {
	uint32_t cp;      /* 0 = empty (U+0000 is never a key) */
	uint32_t desc_off;
	uint32_t desc_len;
} vd_emoji_slot;

struct hs_vader {
	vd_entry *ent;
	size_t n_ent;       /* entries in use */
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

/* 32-bit FNV-1a over the key bytes, then vd_hash_mix once (FNV's low
 * bits, which pick the slot, are its weakest). */
#define VD_HASH_INIT UINT32_C(2166136261)
static inline uint32_t vd_hash_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * UINT32_C(16777619);
}

static inline uint32_t vd_hash_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= UINT32_C(0x85ebca6b);
	h ^= h >> 13;
	return h;
}

/* The entry with exactly these key bytes, or NULL. h: the FNV-1a
 * accumulator of the key (before vd_hash_mix). */
static inline const vd_entry *vd_find(const hs_vader *v, const char *key, size_t len,
                                      uint32_t h)
{
	size_t i;
	uint32_t tag;

	h = vd_hash_mix(h);
	i = h & v->mask;
	tag = h >> v->idx_bits;
	for (;;) {
		uint32_t sl = v->slot[i];
		if (!sl)
			return NULL;
		if ((sl >> v->idx_bits) == tag) {
			const vd_entry *e = &v->ent[(sl & v->mask) - 1];
			if (e->key_len == len) {
				const char *k = vd_key(v->keys, e);
				size_t j = 0;
				while (j < len && k[j] == key[j])
					j++;
				if (j == len)
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
