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

struct hs_lexsent {
	char lang[24];
	char *keys;         /* owned: folded forms, back to back */
	size_t keys_len, keys_cap;
	ls_entry *entries;  /* owned */
	size_t n_entries, cap_entries;
	uint64_t *slots;    /* owned: hash << 32 | (entry index + 1), 0 = empty;
	                     * mask + 1 of them */
	size_t mask;
	size_t n_values;    /* entries with LS_VALUE */
	size_t n_symbols;   /* entries with LS_SYMBOL */
	size_t max_symbol;  /* longest symbol form, bytes */
	bool symbol_first[256]; /* first bytes of symbol forms */
};

/* Folding buffers (see lexsent.h, "Folding"). */
typedef struct ls_fold {
	int32_t *seg;       /* owned: code points of one non-ASCII segment */
	size_t seg_cap;
	char *out;          /* owned: the folded text, NUL-terminated */
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

/* Hash of a key: 8 bytes at a time, multiply and xor-shift; the last 1..7
 * bytes in one step (len is mixed in first, so the overlaps are fine). */
static inline uint32_t ls_hash(const char *key, size_t len)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ len;

	while (len >= 8) {
		uint64_t w;
		memcpy(&w, key, 8);
		h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 31;
		key += 8;
		len -= 8;
	}
	if (len >= 4) {
		/* 4..7 bytes: two loads that may overlap */
		uint32_t a, b;
		memcpy(&a, key, 4);
		memcpy(&b, key + len - 4, 4);
		h = (h ^ ((uint64_t)a << 32 | b)) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 31;
	} else if (len > 0) {
		uint64_t w = (uint64_t)(unsigned char)key[0] << 16 |
		             (uint64_t)(unsigned char)key[len / 2] << 8 | (unsigned char)key[len - 1];
		h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
		h ^= h >> 31;
	}
	h *= UINT64_C(0x94d049bb133111eb);
	return (uint32_t)(h >> 32);
}

/* The entry for key[0..len) (already folded), or NULL. */
static inline const ls_entry *ls_find(const hs_lexsent *lx, const char *key, size_t len)
{
	uint32_t h;
	size_t i;

	if (len == 0 || len > HS_LEXSENT_MAX_FORM || !lx->slots)
		return NULL;
	h = ls_hash(key, len);
	i = h & lx->mask;
	for (;;) {
		uint64_t s = lx->slots[i];
		if (s == 0)
			return NULL;
		if ((uint32_t)(s >> 32) == h) {
			const ls_entry *e = &lx->entries[(uint32_t)s - 1];
			const char *k = lx->keys + e->key;
			size_t j = 0;
			if (e->key_len == len) {
				while (j < len && k[j] == key[j])
					j++;
				if (j == len)
					return e;
			}
		}
		i = (i + 1) & lx->mask;
	}
}

#endif
