/* hearsay: internals shared by rules/lexsent.c (loader, table) and
 * rules/lexsent_text.c (folding, tokens, scoring). Not a public API.
 *
 * Thread-safety: as lexsent.h: an hs_lexsent is read-only after loading;
 * an ls_fold belongs to one thread at a time.
 */
#ifndef HS_LEXSENT_INTERNAL_H
#define HS_LEXSENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/lexsent.h"

/* Entry flags. */
#define LS_VALUE 0x01     /* word, modifier or symbol: has p, s, i */
#define LS_MODIFIER 0x02  /* modifier entry */
#define LS_SYMBOL 0x04    /* symbol entry */
#define LS_NEGATION 0x08  /* listed as a negation */
#define LS_ELISION 0x10   /* listed as an elision */
#define LS_ADVERB 0x20    /* modifier ending in an adverb suffix */

typedef struct ls_entry {
	uint32_t key;       /* offset of the folded form in hs_lexsent.keys */
	uint32_t key_len;
	uint32_t flags;
	uint32_t hash;
	int value_line;     /* line of the value entry (loading only) */
	int neg_line;       /* line of the negation entry */
	int eli_line;       /* line of the elision entry */
	double p, s, i;
} ls_entry;

/* A slot of the hash table: ref == 0 is empty, else ref = key length << 24
 * | (entry index + 1); head is the key's first 8 bytes, zero-padded, so a
 * key of up to 8 bytes is matched without reading its entry. */
typedef struct ls_slot {
	uint64_t head;
	uint32_t hash;
	uint32_t ref;
} ls_slot;

#define LS_REF_LEN(r) ((r) >> 24)
#define LS_REF_INDEX(r) ((r) & 0xFFFFFFu) /* entry index + 1 */

struct hs_lexsent {
	char lang[24];
	char *keys;         /* owned: folded forms, back to back, then
	                     * LS_PAD zero bytes (keys_cap + LS_PAD allocated) */
	size_t keys_len, keys_cap;
	ls_entry *entries;  /* owned */
	size_t n_entries, cap_entries;
	ls_slot *slots;     /* owned: mask + 1 of them, at most half used */
	size_t mask;
	size_t n_values;    /* entries with LS_VALUE */
	size_t n_symbols;   /* entries with LS_SYMBOL */
	size_t max_symbol;  /* longest symbol form, bytes */
	bool symbol_first[256]; /* first bytes of symbol forms */
};

/* Bytes after a key that may be read when comparing it 8 bytes at a
 * time (ls_find) or scanning a word 8 or 16 bytes at a time
 * (lexsent_text.c). */
#define LS_PAD 16

/* Folding buffers (see lexsent.h, "Folding"). */
typedef struct ls_fold {
	int32_t *seg;       /* owned: code points of one non-ASCII segment */
	size_t seg_cap;
	char *out;          /* owned: the folded text, followed by LS_PAD zero
	                     * bytes (so NUL-terminated) */
	size_t out_len, out_cap;
} ls_fold;

/* Fold text[0..len) into f->out (replacing it). Returns 0, or -1 on out
 * of memory. */
int hs_lexsent_fold(ls_fold *f, const char *text, size_t len);
void hs_lexsent_fold_release(ls_fold *f);

/* Character classes of folded text. */
enum { LS_SPACE = 0, LS_WORD = 1, LS_OTHER = 2 };

/* Decode the character at s[0..avail) (valid UTF-8, avail > 0) and give
 * its class; *letter is set when it is a letter. Returns its length. */
size_t hs_lexsent_char(const char *s, size_t avail, int *cls, bool *letter);

/* The first n (0..8) bytes of a 64-bit word loaded from memory. */
static inline uint64_t ls_head_mask(size_t n)
{
	static const unsigned char ones[16] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	uint64_t m;

	memcpy(&m, ones + 8 - n, 8);
	return m;
}

/* Hash of a key, built so that a scanner can compute it while reading
 * the key 8 bytes at a time (lexsent_text.c does): every full 8-byte
 * block goes through ls_hash_block, then ls_hash_end takes the last 0..7
 * bytes (the rest of the word zeroed, as ls_head does) and the length. A
 * key of up to 7 bytes costs one multiply. */
#define LS_HASH_SEED UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t ls_hash_block(uint64_t h, uint64_t w)
{
	h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ (h >> 31);
}

static inline uint32_t ls_hash_end(uint64_t h, uint64_t last, size_t len)
{
	h ^= last ^ (uint64_t)len << 56;
	h ^= h >> 29; /* the high bytes reach the bits the table index uses */
	h *= UINT64_C(0x94d049bb133111eb);
	return (uint32_t)(h >> 32);
}

static inline uint32_t ls_hash(const char *key, size_t len)
{
	uint64_t h = LS_HASH_SEED, w = 0;
	size_t n = len;

	while (n >= 8) {
		memcpy(&w, key, 8);
		h = ls_hash_block(h, w);
		key += 8;
		n -= 8;
	}
	if (n > 0) {
		memcpy(&w, key, 8); /* up to 7 bytes past the key: see ls_find */
		w &= ls_head_mask(n);
	} else {
		w = 0;
	}
	return ls_hash_end(h, w, len);
}

/* key[0..8) with the bytes from key[len) on zeroed (key[0..8) readable). */
static inline uint64_t ls_head(const char *key, size_t len)
{
	uint64_t w;

	memcpy(&w, key, 8);
	return w & ls_head_mask(len < 8 ? len : 8);
}

/* Do a[0..len) and b[0..len) hold the same bytes? Compares 8 bytes at a
 * time: a[len..) and b[len..) are read up to the next multiple of 8 (at
 * most LS_PAD - 1 bytes) and ignored. */
static inline bool ls_same(const char *a, const char *b, size_t len)
{
	uint64_t x, y;

	while (len > 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
		a += 8;
		b += 8;
		len -= 8;
	}
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return ((x ^ y) & ls_head_mask(len)) == 0;
}

/* The entry for key[0..len) (1..HS_LEXSENT_MAX_FORM bytes, folded), given
 * its head (ls_head) and hash (ls_hash), or NULL. One slot is read per
 * probe: head and length identify a key of up to 8 bytes (an empty slot
 * has length 0); a longer one also needs the hash and then the rest of
 * its bytes compared. */
static inline const ls_entry *ls_probe(const hs_lexsent *lx, const char *key, size_t len,
                                       uint64_t head, uint32_t h)
{
	size_t i = h & lx->mask;

	for (;;) {
		const ls_slot *s = &lx->slots[i];
		if (s->head == head && LS_REF_LEN(s->ref) == len) {
			const ls_entry *e = &lx->entries[LS_REF_INDEX(s->ref) - 1];
			if (len <= 8 ||
			    (s->hash == h && ls_same(lx->keys + e->key + 8, key + 8, len - 8)))
				return e;
		}
		if (s->ref == 0)
			return NULL;
		i = (i + 1) & lx->mask;
	}
}

/* The entry for key[0..len) (already folded), or NULL. The 7 bytes after
 * key[len) must be readable (ls_fold output and the keys of lx are
 * padded). */
static inline const ls_entry *ls_find(const hs_lexsent *lx, const char *key, size_t len)
{
	if (len == 0 || len > HS_LEXSENT_MAX_FORM || !lx->slots)
		return NULL;
	return ls_probe(lx, key, len, ls_head(key, len), ls_hash(key, len));
}

#endif
