/* hearsay: Aho-Corasick multi-literal matcher (see ac.h for the API).
 *
 * Build, in hs_ac_build:
 *   1. Byte classes. Every byte that occurs in some literal gets its own
 *      class (in byte order); all the other bytes share one more class.
 *      Two distinct literal bytes can never be merged (each labels an edge
 *      the other does not), so this is the coarsest exact partition.
 *   2. Trie. The literals are sorted (bytes, then length, then insertion
 *      order) and inserted in that order, so each new node is the last and
 *      largest child of its parent: children lists come out sorted and a
 *      node's literals (duplicates) keep their insertion order.
 *   3. Breadth-first numbering. States are renumbered in BFS order, so depth
 *      never decreases with the number. The first n_dense states (as many
 *      as the dense budget allows, at least the root) are "dense"; the
 *      others get a sparse record, laid out in trie (depth-first) order so
 *      that a chain of states lies back to back in memory.
 *   4. One pass in BFS order computes, for each state u, the failure link
 *      and match record of each child (fail(child) = delta(fail(u), byte),
 *      where delta of a shallower state is already final), then writes u:
 *        dense u:  a full row: a copy of fail(u)'s row (fail(u) is
 *                  shallower, hence dense and done) with u's children
 *                  written over it: the complete DFA transition function;
 *        sparse u: one compact record: fail(u), its trie edges sorted by
 *                  class, its match record (layout at sparse_words()).
 *      A sparse state's missing transition follows failure links until a
 *      dense state, whose row answers; failure links strictly reduce depth
 *      and the root is dense, so this ends after at most depth steps.
 *
 * Why not all dense: a dense row is (classes + 1) x 4 bytes, about 100
 * bytes for lowercase text, and the deep states of a large set are each
 * visited rarely, so every visit is a cache miss. A chain state's sparse
 * record is 20 bytes, so the deep part of the automaton is about five times
 * smaller and stays in cache far better, while the hot shallow states keep
 * their one-load rows. The dense budget (HS_AC_DENSE_BUDGET_DEFAULT, set
 * per builder) picks the split; tests/bench/bench_ac.c measures it.
 *
 * Outputs (dictionary-suffix links): a state whose trie string is a literal
 * gets a match record {its own ids, in insertion order; next = the record
 * of its longest proper suffix that has one}. A state that is no literal
 * itself but has such a suffix shares that suffix's record. Reporting a
 * state walks the record chain, longest literal first. Memory is one record
 * per distinct literal plus one uint32 per (literal, id), whatever the
 * overlap (copying each suffix chain into every state could be quadratic).
 *
 * Encoded state values (the uint32 stored in rows and edges and carried by
 * the scan loop):
 *   bit 31 (AC_SPARSE)  sparse state; bits 0-29 = offset of its record
 *                       in sb[] (uint32 words)
 *   bit 30 (AC_MATCH)   the state has a match record (only in transition
 *                       targets; the scan clears it once it has reported)
 *   otherwise           dense state; bits 0-29 = offset of its row in
 *                       dense[] (state number x row width), so the hot loop
 *                       is one load: s = dense[s + class[byte]].
 * A dense row holds n_classes transitions and then, in its last slot, the
 * state's match record index (AC_NONE if none).
 *
 * Everything the scan reads is immutable after hs_ac_build.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"

#define AC_SPARSE UINT32_C(0x80000000)
#define AC_MATCH UINT32_C(0x40000000)
#define AC_FLAGS (AC_SPARSE | AC_MATCH)
#define AC_INDEX UINT32_C(0x3fffffff)
#define AC_NONE UINT32_MAX

#if defined(__GNUC__) || defined(__clang__)
#define AC_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define AC_LIKELY(x) (x)
#endif

/* Largest dense[] size in uint32 entries: offsets must fit in AC_INDEX. */
#define AC_DENSE_MAX_ENTRIES ((size_t)AC_INDEX)

/* Sparse edge lists at most this long are searched linearly. */
#define AC_LINEAR_EDGES 8

/* ---- types ------------------------------------------------------------------------ */

typedef struct ac_lit {
	size_t off;          /* into hs_ac_builder.bytes */
	size_t len;
	uint32_t id;
} ac_lit;

struct hs_ac_builder {
	unsigned char *bytes; /* owned: every literal's bytes, back to back */
	size_t n_bytes, cap_bytes;
	ac_lit *lits;         /* owned, in insertion order */
	size_t n_lits, cap_lits;
	size_t dense_budget;
};

typedef struct ac_rec {
	uint32_t first;      /* into outs[] */
	uint32_t n;          /* >= 1 */
	uint32_t next;       /* record of the longest proper suffix, or AC_NONE */
} ac_rec;

struct hs_ac {
	uint8_t cls[256];    /* byte -> class */
	uint32_t n_classes;
	uint32_t width;      /* dense row width: n_classes + 1 */
	uint32_t *dense;     /* owned: n_dense rows of width entries */
	size_t n_dense;
	uint32_t *sb;        /* owned: sparse records of states n_dense .. n-1,
	                      * in trie order; NULL if there are none */
	size_t n_sb;         /* words in sb */
	size_t n_sparse;     /* states with a sparse record */
	ac_rec *recs;        /* owned */
	size_t n_recs;
	uint32_t *outs;      /* owned: ids */
	size_t n_outs;
	size_t n_lits;       /* (literal, id) pairs */
};

/* Temporary trie used during the build only. */
typedef struct ac_trie {
	uint32_t *child;     /* first child (smallest byte) or AC_NONE */
	uint32_t *sib;       /* next sibling (larger byte) or AC_NONE */
	uint32_t *last;      /* last child, while inserting */
	uint32_t *out;       /* first literal (position in sorted order) or AC_NONE */
	uint8_t *byte;       /* label of the edge from the parent */
	size_t n, cap;
} ac_trie;

/* ---- builder ---------------------------------------------------------------------- */

hs_ac_builder *hs_ac_builder_new(void)
{
	hs_ac_builder *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->dense_budget = HS_AC_DENSE_BUDGET_DEFAULT;
	return b;
}

void hs_ac_builder_free(hs_ac_builder *b)
{
	if (!b)
		return;
	free(b->bytes);
	free(b->lits);
	free(b);
}

void hs_ac_builder_set_dense_budget(hs_ac_builder *b, size_t max_bytes)
{
	if (b)
		b->dense_budget = max_bytes;
}

/* Room for at least `need` elements of size sz in the block p of *cap
 * elements. Returns the (possibly moved) block with *cap updated, or NULL on
 * OOM with p and *cap untouched (p still owned by the caller). */
static void *grow(void *p, size_t *cap, size_t need, size_t sz)
{
	size_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return p;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / sz)
			return NULL;
		ncap *= 2;
	}
	np = realloc(p, ncap * sz);
	if (!np)
		return NULL;
	*cap = ncap;
	return np;
}

int hs_ac_add(hs_ac_builder *b, const unsigned char *lit, size_t len, uint32_t id)
{
	unsigned char *bytes;
	ac_lit *lits;

	if (!b || !lit || len == 0)
		return -1;
	if (len > HS_AC_MAX_TOTAL_BYTES - b->n_bytes || b->n_lits >= HS_AC_MAX_LITERALS)
		return -1;
	bytes = grow(b->bytes, &b->cap_bytes, b->n_bytes + len, 1);
	if (!bytes)
		return -1;
	b->bytes = bytes;
	lits = grow(b->lits, &b->cap_lits, b->n_lits + 1, sizeof(*b->lits));
	if (!lits)
		return -1;
	b->lits = lits;
	memcpy(b->bytes + b->n_bytes, lit, len);
	b->lits[b->n_lits] = (ac_lit){ b->n_bytes, len, id };
	b->n_bytes += len;
	b->n_lits++;
	return 0;
}

/* ---- build ------------------------------------------------------------------------ */

/* Sort key of one literal (qsort has no context argument). */
typedef struct ac_key {
	const unsigned char *s; /* borrowed from the builder */
	size_t len;
	uint32_t idx;           /* insertion index */
} ac_key;

/* Bytes, then shorter first, then insertion order (so the sort is total
 * and duplicates keep the order they were added in). */
static int key_cmp(const void *pa, const void *pb)
{
	const ac_key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

static void trie_free(ac_trie *t)
{
	free(t->child);
	free(t->sib);
	free(t->last);
	free(t->out);
	free(t->byte);
	memset(t, 0, sizeof(*t));
}

/* All node arrays are allocated at their final size up front (nodes <=
 * 1 + total literal bytes), so adding a node never reallocates. */
static int trie_init(ac_trie *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->child = malloc(cap * sizeof(*t->child));
	t->sib = malloc(cap * sizeof(*t->sib));
	t->last = malloc(cap * sizeof(*t->last));
	t->out = malloc(cap * sizeof(*t->out));
	t->byte = malloc(cap);
	if (!t->child || !t->sib || !t->last || !t->out || !t->byte)
		goto fail;
	t->cap = cap;
	t->n = 1; /* the root */
	t->child[0] = t->sib[0] = t->last[0] = t->out[0] = AC_NONE;
	t->byte[0] = 0;
	return 0;
fail:
	trie_free(t);
	return -1;
}

static uint32_t trie_add_child(ac_trie *t, uint32_t parent, uint8_t byte)
{
	uint32_t n = (uint32_t)t->n++;

	t->child[n] = t->sib[n] = t->last[n] = t->out[n] = AC_NONE;
	t->byte[n] = byte;
	if (t->last[parent] == AC_NONE)
		t->child[parent] = n;
	else
		t->sib[t->last[parent]] = n;
	t->last[parent] = n;
	return n;
}

/* Insert the literals in sorted order. order[i] is a literal index; next[]
 * (indexed by position in order) chains the literals of one node. */
static int trie_fill(ac_trie *t, const hs_ac_builder *b, const uint32_t *order,
                     uint32_t *next)
{
	size_t max_len = 0, prev_len = 0;
	const unsigned char *prev = NULL;
	uint32_t *path = NULL;
	int rc = -1;

	for (size_t i = 0; i < b->n_lits; i++)
		if (b->lits[i].len > max_len)
			max_len = b->lits[i].len;
	path = malloc((max_len + 1) * sizeof(*path));
	if (!path)
		goto fail;
	path[0] = 0;
	for (size_t i = 0; i < b->n_lits; i++) {
		const ac_lit *l = &b->lits[order[i]];
		const unsigned char *s = b->bytes + l->off;
		size_t lcp = 0, lim = l->len < prev_len ? l->len : prev_len;
		uint32_t node;

		while (lcp < lim && s[lcp] == prev[lcp])
			lcp++;
		/* path[0..lcp] is shared with the previous literal; sorted order
		 * guarantees s[lcp] is larger than every existing child byte. */
		for (size_t d = lcp; d < l->len; d++)
			path[d + 1] = trie_add_child(t, path[d], s[d]);
		node = path[l->len];
		next[i] = AC_NONE;
		if (t->out[node] == AC_NONE)
			t->out[node] = (uint32_t)i;
		else
			next[i - 1] = (uint32_t)i; /* a duplicate: the previous
			                            * literal ended here too */
		prev = s;
		prev_len = l->len;
	}
	rc = 0;
fail:
	free(path);
	return rc;
}

/* ---- sparse records ----------------------------------------------------------------- */

/* A sparse state is one record of uint32 words in sb[]:
 *   [0]              failure target (encoded, AC_MATCH clear)
 *   [1]              n = number of edges (0..256)
 *   [2 .. 2+C)       the n edge classes, one byte each, ascending, packed
 *                    into C = ceil(n / 4) words (unused bytes zero)
 *   [2+C .. 2+C+n)   the n edge targets (encoded, AC_MATCH as needed)
 *   [2+C+n]          match record index, or AC_NONE
 * so a state on a chain (one edge) is 5 words, 20 bytes, in one or two
 * cache lines; its encoded value is AC_SPARSE | offset of word [0]. */
static size_t sparse_words(size_t n_edges)
{
	return 3 + (n_edges + 3) / 4 + n_edges;
}

/* Full transition of an already-written state (encoded, AC_MATCH clear) on
 * class c; the result may carry AC_MATCH. */
static inline uint32_t ac_delta(const hs_ac *ac, uint32_t s, uint32_t c)
{
	while (s & AC_SPARSE) {
		const uint32_t *h = ac->sb + (s & AC_INDEX);
		uint32_t n = h[1];
		const uint8_t *ec = (const uint8_t *)(h + 2);
		const uint32_t *to = h + 2 + (n + 3) / 4;

		if (n <= AC_LINEAR_EDGES) {
			/* classes are sorted: stop at the first larger one */
			for (uint32_t k = 0; k < n && ec[k] <= c; k++)
				if (ec[k] == c)
					return to[k];
		} else {
			uint32_t lo = 0, hi = n;
			while (lo < hi) {
				uint32_t mid = lo + (hi - lo) / 2;
				if (ec[mid] < c)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && ec[lo] == c)
				return to[lo];
		}
		s = h[0];
	}
	return ac->dense[s + c];
}

/* Match record index of an encoded state (AC_NONE if it has none). */
static inline uint32_t ac_match_of(const hs_ac *ac, uint32_t s)
{
	if (s & AC_SPARSE) {
		const uint32_t *h = ac->sb + (s & AC_INDEX);
		return h[2 + (h[1] + 3) / 4 + h[1]];
	}
	return ac->dense[(s & AC_INDEX) + ac->n_classes];
}

/* ---- compile ---------------------------------------------------------------------- */

/* Build-time scratch for ac_compile; all owned, freed by it. */
typedef struct ac_tmp {
	uint32_t *bfs;   /* BFS number -> trie node */
	uint32_t *rank;  /* trie node -> BFS number */
	uint32_t *enc;   /* BFS number -> encoded state (AC_MATCH clear) */
	uint32_t *fail;  /* BFS number -> BFS number of its failure state */
	uint32_t *match; /* BFS number -> match record or AC_NONE */
	uint32_t *spk;   /* sparse states' BFS numbers in layout order */
} ac_tmp;

/* BFS number of an encoded state: dense by division, sparse by binary
 * search over the records in layout order. */
static size_t dec_state(const hs_ac *ac, const ac_tmp *tmp, uint32_t s)
{
	size_t lo = 0, hi = ac->n_sparse;

	s &= ~AC_MATCH;
	if (!(s & AC_SPARSE))
		return s / ac->width;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tmp->enc[tmp->spk[mid]] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return tmp->spk[lo];
}

static uint32_t enc_target(const ac_tmp *tmp, size_t r)
{
	return tmp->enc[r] | (tmp->match[r] != AC_NONE ? AC_MATCH : 0);
}

/* Steps 3 and 4: number the states, decide the dense prefix, compute
 * failure links and match records, write rows and sparse records.
 * `order`/`next` come from trie_fill (literal positions in sorted order).
 * Returns 0, or -1 on OOM (what was allocated in ac is left for
 * hs_ac_free). */
static int ac_compile(hs_ac *ac, const ac_trie *t, const hs_ac_builder *b,
                      const uint32_t *order, const uint32_t *next)
{
	size_t n = t->n, rows, head, tail, n_out = 0, words;
	ac_tmp tmp = { 0 };
	int rc = -1;

	tmp.bfs = malloc(n * sizeof(*tmp.bfs));
	tmp.rank = malloc(n * sizeof(*tmp.rank));
	tmp.enc = malloc(n * sizeof(*tmp.enc));
	tmp.fail = malloc(n * sizeof(*tmp.fail));
	tmp.match = malloc(n * sizeof(*tmp.match));
	tmp.spk = malloc(n * sizeof(*tmp.spk));
	if (!tmp.bfs || !tmp.rank || !tmp.enc || !tmp.fail || !tmp.match || !tmp.spk)
		goto fail;
	head = 0;
	tail = 1;
	tmp.bfs[0] = 0;
	while (head < tail) {
		uint32_t u = tmp.bfs[head++];
		for (uint32_t c = t->child[u]; c != AC_NONE; c = t->sib[c])
			tmp.bfs[tail++] = c;
	}
	for (size_t k = 0; k < n; k++)
		tmp.rank[tmp.bfs[k]] = (uint32_t)k;

	/* the dense prefix: as many rows as the budget holds, at least the
	 * root; then the sparse records' offsets, in trie node order, which
	 * is depth-first (trie_fill): a chain of single-child states lies
	 * back to back, and a state's first child right after it */
	rows = b->dense_budget / ((size_t)ac->width * sizeof(uint32_t));
	if (rows > AC_DENSE_MAX_ENTRIES / ac->width)
		rows = AC_DENSE_MAX_ENTRIES / ac->width;
	if (rows < 1)
		rows = 1;
	ac->n_dense = rows < n ? rows : n;
	ac->n_sparse = n - ac->n_dense;
	for (size_t k = 0; k < ac->n_dense; k++)
		tmp.enc[k] = (uint32_t)(k * ac->width);
	words = 0;
	for (size_t node = 0, j = 0; node < n; node++) {
		size_t kids = 0, k = tmp.rank[node];
		if (k < ac->n_dense)
			continue;
		for (uint32_t x = t->child[node]; x != AC_NONE; x = t->sib[x])
			kids++;
		if (words > AC_INDEX)
			goto fail; /* cannot happen within HS_AC_MAX_TOTAL_BYTES */
		tmp.enc[k] = AC_SPARSE | (uint32_t)words;
		tmp.spk[j++] = (uint32_t)k;
		words += sparse_words(kids);
	}

	ac->dense = malloc(ac->n_dense * ac->width * sizeof(*ac->dense));
	ac->n_sb = words;
	ac->sb = words ? calloc(words, sizeof(*ac->sb)) : NULL;
	/* records: at most one per distinct literal; outs: one per pair */
	ac->outs = malloc((b->n_lits ? b->n_lits : 1) * sizeof(*ac->outs));
	ac->recs = malloc((b->n_lits ? b->n_lits : 1) * sizeof(*ac->recs));
	if (!ac->dense || (words && !ac->sb) || !ac->outs || !ac->recs)
		goto fail;
	ac->n_outs = b->n_lits;
	ac->n_recs = 0;

	tmp.fail[0] = 0;
	tmp.match[0] = AC_NONE;
	for (size_t k = 0; k < n; k++) {
		uint32_t u = tmp.bfs[k];

		/* children first: failure link and match record, from states
		 * shallower than them (all written already) */
		for (uint32_t x = t->child[u]; x != AC_NONE; x = t->sib[x]) {
			size_t r = tmp.rank[x], f = 0;
			uint32_t own = t->out[x];

			if (k != 0)
				f = dec_state(ac, &tmp,
				              ac_delta(ac, tmp.enc[tmp.fail[k]], ac->cls[t->byte[x]]));
			tmp.fail[r] = (uint32_t)f;
			if (own == AC_NONE) {
				tmp.match[r] = tmp.match[f];
				continue;
			}
			ac_rec *rec = &ac->recs[ac->n_recs];
			rec->first = (uint32_t)n_out;
			rec->n = 0;
			rec->next = tmp.match[f];
			for (uint32_t p = own; p != AC_NONE; p = next[p]) {
				ac->outs[n_out++] = b->lits[order[p]].id;
				rec->n++;
			}
			tmp.match[r] = (uint32_t)ac->n_recs++;
		}
		/* then the state itself */
		if (k < ac->n_dense) {
			/* fail(k) is shallower, hence dense and complete */
			uint32_t *row = ac->dense + k * ac->width;
			if (k == 0)
				memset(row, 0, ac->n_classes * sizeof(*row));
			else
				memcpy(row, ac->dense + (size_t)tmp.fail[k] * ac->width,
				       ac->n_classes * sizeof(*row));
			for (uint32_t x = t->child[u]; x != AC_NONE; x = t->sib[x])
				row[ac->cls[t->byte[x]]] = enc_target(&tmp, tmp.rank[x]);
			row[ac->n_classes] = tmp.match[k];
		} else {
			uint32_t *h = ac->sb + (tmp.enc[k] & AC_INDEX);
			uint32_t kids = 0, j = 0;
			for (uint32_t x = t->child[u]; x != AC_NONE; x = t->sib[x])
				kids++;
			uint8_t *ec = (uint8_t *)(h + 2);
			uint32_t *to = h + 2 + (kids + 3) / 4;
			h[0] = tmp.enc[tmp.fail[k]];
			h[1] = kids;
			/* children are in byte order, and classes follow byte
			 * order: the classes come out sorted */
			for (uint32_t x = t->child[u]; x != AC_NONE; x = t->sib[x], j++) {
				ec[j] = ac->cls[t->byte[x]];
				to[j] = enc_target(&tmp, tmp.rank[x]);
			}
			to[kids] = tmp.match[k];
		}
	}
	/* give back unused record slots (duplicates share one record);
	 * keep the old block if realloc says no */
	if (ac->n_recs > 0 && ac->n_recs < b->n_lits) {
		void *p = realloc(ac->recs, ac->n_recs * sizeof(*ac->recs));
		if (p)
			ac->recs = p;
	}
	rc = 0;
fail:
	free(tmp.bfs);
	free(tmp.rank);
	free(tmp.enc);
	free(tmp.fail);
	free(tmp.match);
	free(tmp.spk);
	return rc;
}

static void set_classes(hs_ac *ac, const hs_ac_builder *b)
{
	bool seen[256] = { false };
	uint32_t k = 0;

	for (size_t i = 0; i < b->n_bytes; i++)
		seen[b->bytes[i]] = true;
	for (int c = 0; c < 256; c++)
		if (seen[c])
			ac->cls[c] = (uint8_t)k++;
	/* every other byte: one shared class (none if all 256 occur) */
	for (int c = 0; c < 256; c++)
		if (!seen[c])
			ac->cls[c] = (uint8_t)k;
	ac->n_classes = k < 256 ? k + 1 : 256;
	ac->width = ac->n_classes + 1;
}

hs_ac *hs_ac_build(hs_ac_builder *b)
{
	hs_ac *ac = NULL;
	uint32_t *order = NULL, *next = NULL;
	ac_key *keys = NULL;
	ac_trie t = { 0 };
	size_t nl;

	if (!b)
		return NULL;
	nl = b->n_lits ? b->n_lits : 1;
	ac = calloc(1, sizeof(*ac));
	order = malloc(nl * sizeof(*order));
	next = malloc(nl * sizeof(*next));
	keys = malloc(nl * sizeof(*keys));
	if (!ac || !order || !next || !keys)
		goto fail;
	ac->n_lits = b->n_lits;
	set_classes(ac, b);
	for (size_t i = 0; i < b->n_lits; i++)
		keys[i] = (ac_key){ b->bytes + b->lits[i].off, b->lits[i].len, (uint32_t)i };
	qsort(keys, b->n_lits, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < b->n_lits; i++)
		order[i] = keys[i].idx;
	free(keys);
	keys = NULL;
	if (trie_init(&t, b->n_bytes + 1) != 0 || trie_fill(&t, b, order, next) != 0)
		goto fail;
	if (ac_compile(ac, &t, b, order, next) != 0)
		goto fail;
	trie_free(&t);
	free(order);
	free(next);
	hs_ac_builder_free(b);
	return ac;
fail:
	trie_free(&t);
	free(keys);
	free(order);
	free(next);
	hs_ac_free(ac);
	hs_ac_builder_free(b);
	return NULL;
}

void hs_ac_free(hs_ac *ac)
{
	if (!ac)
		return;
	free(ac->dense);
	free(ac->sb);
	free(ac->recs);
	free(ac->outs);
	free(ac);
}

/* ---- queries ---------------------------------------------------------------------- */

size_t hs_ac_memory(const hs_ac *ac)
{
	if (!ac)
		return 0;
	return sizeof(*ac) + ac->n_dense * ac->width * sizeof(*ac->dense) +
	       ac->n_sb * sizeof(*ac->sb) + (ac->n_recs ? ac->n_recs : 1) * sizeof(*ac->recs) +
	       (ac->n_outs ? ac->n_outs : 1) * sizeof(*ac->outs);
}

size_t hs_ac_count(const hs_ac *ac)
{
	return ac ? ac->n_lits : 0;
}

void hs_ac_get_stats(const hs_ac *ac, hs_ac_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!ac)
		return;
	out->literals = ac->n_lits;
	out->states = ac->n_dense + ac->n_sparse;
	out->dense_states = ac->n_dense;
	out->classes = ac->n_classes;
	out->memory = hs_ac_memory(ac);
}

/* ---- scan ------------------------------------------------------------------------- */

/* Report every literal ending at `end` in state s (encoded, AC_MATCH set):
 * the state's record, then its dictionary-suffix chain. */
static int ac_report(const hs_ac *ac, uint32_t s, size_t end,
                     int (*on_match)(void *ud, uint32_t id, size_t end), void *ud)
{
	for (uint32_t r = ac_match_of(ac, s); r != AC_NONE; r = ac->recs[r].next) {
		const ac_rec *rec = &ac->recs[r];
		for (uint32_t k = 0; k < rec->n; k++) {
			int rc = on_match(ud, ac->outs[rec->first + k], end);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int hs_ac_scan(const hs_ac *ac, const unsigned char *text, size_t len,
               int (*on_match)(void *ud, uint32_t id, size_t end), void *ud)
{
	const uint32_t *dense;
	const uint8_t *cls;
	uint32_t s = 0; /* the root: dense row 0 */
	size_t i = 0;
	int rc;

	if (!ac || !on_match || len == 0 || ac->n_lits == 0)
		return 0;
	dense = ac->dense;
	cls = ac->cls;
	while (i < len) {
		/* hot loop: dense states without output, one load per byte */
		s = dense[s + cls[text[i++]]];
		if (AC_LIKELY((s & AC_FLAGS) == 0))
			continue;
		for (;;) {
			if (s & AC_MATCH) {
				s &= ~AC_MATCH;
				rc = ac_report(ac, s, i, on_match, ud);
				if (rc != 0)
					return rc;
			}
			if (!(s & AC_SPARSE) || i == len)
				break;
			/* in the sparse part: follow edges / failure links
			 * until the automaton is back in a dense state */
			s = ac_delta(ac, s, cls[text[i++]]);
		}
	}
	return 0;
}
