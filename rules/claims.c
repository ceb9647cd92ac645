/* hearsay: rumour claims (see claims.h for the contract).
 *
 * Storage. Each claim is one allocated cl_claim block (its excerpt at the
 * end, sized to fit); slots[] points at the blocks, and a slot index is a
 * claim's handle inside the table (freed slots are reused; a block may be
 * reallocated, never a slot). Two structures lead to slots:
 *   - the id table: open addressing (linear probing, backward-shift
 *     deletion) from id to slot, at least twice the slots array;
 *   - the update order (LRU): a doubly-linked list by slot + 1 with 0 for
 *     "none", from lru_head (least recently updated) to lru_tail; the
 *     links are kept in their own array by slot (lru[]), not in the
 *     claims, so that moving a claim does not touch its neighbours'
 *     blocks.
 *
 * Representatives ("groups", cl_group: fingerprint, claim slot, sketch) live
 * in one array; group 0 is never used and free groups chain through their
 * slot field. A claim lists its first group inline (rep0) and allocates an
 * array of max_reps group numbers when it gets a second one.
 *
 * Band index. For each of the 4 bands, an array of buckets, and a bitmap
 * with a bit per band value (65,536) that is set while a representative
 * with that value is listed (a lookup reads a bucket only when a probed
 * value that maps to it is set, and each bucket once); a bucket is a
 * 64-byte node (one cache line) with up to 4 entries (the fingerprint and
 * the group) and a link to an overflow node from a shared pool. A bucket
 * is chosen by the band's 16-bit value, masked to the number of buckets
 * (the power of two at or above max_claims, 16 to 65,536; below 65,536 a
 * bucket holds several band values). Entries are kept packed:
 * every node of a chain is full except the last, and a removal moves the
 * chain's last entry into the hole. A lookup computes all its bucket
 * numbers first and prefetches them, so the (independent) cache misses
 * overlap; an entry's full fingerprint is in the bucket, so only entries
 * within max_distance bits touch their group (for the sketch).
 *
 * Source names are interned (cl_pool): provenance and spread entries hold
 * a reference-counted id, so a spread entry is 24 bytes and each name is
 * stored once per table.
 *
 * Failure atomicity. hs_claims_add and hs_claims_restore first make every
 * allocation they may need (claim block, group, overflow nodes,
 * representative array, spread array, counter blocks, capacity in the slot,
 * id and string arrays, source references); only when all have succeeded
 * do they change anything. Capacity obtained before a failure is kept (it
 * changes nothing a caller can see) and references taken are released;
 * only the lookup counters of the statistics have moved.
 *
 * Distinct counters (cl_distinct): n = 0 or 1 needs no memory (the one
 * hash is inline); from the second distinct value a 128-byte block holds up
 * to 16 hashes exactly; the 17th turns the block into 128 HyperLogLog
 * registers (index: top 7 bits of the hash; value: 1 + leading zeros of the
 * other 57 bits), and n becomes the estimate (raw HyperLogLog with the
 * usual small-range linear counting), recomputed when a register grows,
 * kept at least at its previous value and at most the claim's size.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"

#define CL_BANDS 4u
#define CL_BAND_BITS 16u
#define CL_BUCKETS_MAX (1u << CL_BAND_BITS)
#define CL_PER_NODE 4u
#define CL_RING 8u            /* growth slots: two windows of 4 */
#define CL_RING_HALF 4u
#define CL_EXACT 16u          /* distinct values counted exactly */
#define CL_HLL_M 128u         /* HyperLogLog registers (7 index bits) */
#define CL_BLOCK 128u         /* bytes of a distinct counter's block */
#define CL_SOURCE_MAX 255u    /* longer source names are cut */
#define CL_RESTORE_WALK 256u  /* see hs_claims_restore */

#if defined(__GNUC__) || defined(__clang__)
#define CL_PREFETCH(p) __builtin_prefetch(p)
#else
#define CL_PREFETCH(p) ((void)(p))
#endif

/* ---- types ---------------------------------------------------------------------- */

typedef struct cl_node {
	uint64_t fp[CL_PER_NODE];
	uint32_t grp[CL_PER_NODE];
	uint32_t n;                   /* entries used */
	uint32_t more;                /* overflow node, 0 = none */
	uint32_t pad[2];
} cl_node;                        /* 64 bytes */

typedef struct cl_group {
	uint64_t fp;
	uint32_t slot;                /* the claim's slot; free: next free group */
	hs_simhash_sketch sk;
} cl_group;

typedef struct cl_distinct {
	uint64_t first;               /* the value while n == 1 (exact) */
	uint64_t n;                   /* exact count, or the estimate */
	void *block;                  /* NULL while n <= 1; CL_BLOCK bytes */
	uint8_t hll;                  /* block holds registers, not hashes */
} cl_distinct;

typedef struct cl_ent {
	uint64_t post_id;
	int64_t time_us;
	uint32_t src;                 /* interned source, 0 = none */
} cl_ent;

typedef struct cl_claim {
	uint64_t id;
	uint64_t size;
	int64_t last_us;
	int64_t ring_head;            /* growth slot number of the newest slot */
	uint32_t ring[CL_RING];
	uint32_t n_reps;
	uint32_t rep0;                /* group of the first representative */
	uint64_t fp0;                 /* its fingerprint */
	uint32_t *reps;               /* NULL, or max_reps groups, reps[0] == rep0 */
	uint32_t n_spread, spread_cap;
	cl_ent *spread;               /* NULL: the one entry is `one` */
	cl_ent one;
	cl_distinct authors, sources;
	uint32_t excerpt_len, excerpt_cap;
	char excerpt[];               /* excerpt_cap + 1 bytes */
} cl_claim;

typedef struct cl_link {
	uint32_t prev, next;          /* slot + 1, 0 = none */
} cl_link;

typedef struct cl_idslot {
	uint64_t id;
	uint32_t slot;
} cl_idslot;

typedef struct cl_str {
	char *s;                      /* NULL if the entry is free */
	uint64_t h;
	uint32_t refs;
} cl_str;

typedef struct cl_pool {
	cl_str *v;                    /* id -> string; v[0] unused */
	uint32_t n, cap;              /* ids 1 .. n-1 used or freed */
	uint32_t *free_ids;           /* stack of freed ids */
	uint32_t n_free, cap_free;
	uint32_t *idx;                /* open addressing: id or 0 */
	uint32_t idx_cap;             /* power of two */
	uint32_t live;
} cl_pool;

struct hs_claims {
	hs_claims_params p;
	int64_t slot_us;              /* growth slot: window_us / 4 */

	cl_claim **slots;
	uint32_t n_slots, cap_slots;  /* slots used at least once */
	uint32_t *free_slots;         /* stack, cap_slots entries */
	uint32_t n_free_slots;
	size_t live;

	cl_idslot *ids;               /* open addressing, id 0 = empty */
	uint32_t id_cap;              /* power of two, >= 2 x cap_slots */

	cl_link *lru;                 /* update order, by slot (cap_slots) */
	uint32_t lru_head, lru_tail;  /* slot + 1 */

	cl_node *bands[CL_BANDS];     /* bucket heads, n_buckets each */
	uint64_t *occ[CL_BANDS];      /* bit per band value: listed */
	uint32_t n_buckets;           /* power of two <= CL_BUCKETS_MAX */
	cl_node *ovf;                 /* overflow nodes; ovf[0] unused */
	uint32_t n_ovf, cap_ovf;
	uint32_t ovf_free;            /* free list through .more */
	uint32_t n_ovf_free;

	cl_group *groups;
	uint32_t n_groups, cap_groups;/* groups 1 .. n_groups-1 allocated */
	uint32_t group_free;
	uint32_t n_group_free;
	size_t reps;

	void *spare[2];               /* CL_BLOCK blocks ready for counters */

	cl_pool pool;

	uint64_t next_id;
	uint64_t created, joined, ungrouped, expired, evicted, restored;
	uint64_t probes, visited, compared;
	size_t mem;
};

/* ---- small helpers ----------------------------------------------------------------- */

static const char cl_empty[] = "";

static uint64_t cl_mix(uint64_t x)
{
	x ^= x >> 32;
	x *= UINT64_C(0xd6e8feb86659fd93);
	x ^= x >> 32;
	return x;
}

static int64_t cl_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && a < 0)
		q--;
	return q;
}

static unsigned cl_ring_pos(int64_t s)
{
	return (unsigned)(((s % (int64_t)CL_RING) + (int64_t)CL_RING) % (int64_t)CL_RING);
}

/* hs_simhash_distance, inlined for the lookup loop. */
static inline unsigned cl_dist(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;

	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (unsigned)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* hs_simhash_resemblance(a, b) when it is at least bar; otherwise some
 * value below bar, found as soon as the shared values can no longer reach
 * it (most candidates of a lookup are rejected after a few values). */
static unsigned cl_resemble(const hs_simhash_sketch *a, const hs_simhash_sketch *b, unsigned bar)
{
	unsigned i = 0, j = 0, both = 0, seen = 0, na = a->n, nb = b->n, k;

	if (na == 0 || nb == 0)
		return na == nb ? 100 : 0;
	if (a->all && b->all) {
		unsigned lo = na < nb ? na : nb, hi = na < nb ? nb : na;
		if (100 * lo < bar * hi) /* 100 lo / hi < bar, rounded down */
			return 0; /* even all of the smaller set shared is not enough */
		while (i < na && j < nb) {
			unsigned most = both + (na - i < nb - j ? na - i : nb - j);
			if (100 * most < bar * (na + nb - most))
				return 0;
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
		return (100 * both) / (na + nb - both);
	}
	k = na < nb ? na : nb;
	while (seen < k) {
		if (100 * (both + k - seen) < bar * k)
			return 0;
		if (j >= nb || (i < na && a->v[i] < b->v[j])) {
			i++;
		} else if (i >= na || b->v[j] < a->v[i]) {
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

/* Index of the lowest set bit of x (x != 0). */
static inline unsigned cl_ctz(unsigned x)
{
#if defined(__GNUC__) || defined(__clang__)
	return (unsigned)__builtin_ctz(x);
#else
	unsigned k = 0;

	for (; !(x & 1); x >>= 1)
		k++;
	return k;
#endif
}

static uint16_t cl_band(uint64_t fp, unsigned b)
{
	return (uint16_t)(fp >> (CL_BAND_BITS * b));
}

static uint32_t rep_at(const cl_claim *cl, uint32_t i)
{
	return cl->reps ? cl->reps[i] : cl->rep0;
}

static cl_ent *spread_of(cl_claim *cl)
{
	return cl->spread ? cl->spread : &cl->one;
}

static const cl_ent *spread_ofc(const cl_claim *cl)
{
	return cl->spread ? cl->spread : &cl->one;
}

static size_t claim_size(uint32_t excerpt_cap)
{
	return offsetof(cl_claim, excerpt) + (size_t)excerpt_cap + 1;
}

static uint64_t str_hash(const char *s)
{
	return hs_hash64(s, strlen(s));
}

/* Grow the array *p of *cap elements of size sz to hold at least need
 * (doubling, at least 16). 0, or -1 with *p and *cap untouched. */
static int cl_grow(hs_claims *c, void **p, uint32_t *cap, size_t need, size_t sz)
{
	size_t ncap = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX / 2 || ncap > SIZE_MAX / sz)
		return -1;
	np = realloc(*p, ncap * sz);
	if (!np)
		return -1;
	c->mem += (ncap - *cap) * sz;
	*p = np;
	*cap = (uint32_t)ncap;
	return 0;
}

/* ---- interned source names ---------------------------------------------------------- */

static uint32_t pool_find(const cl_pool *p, const char *s, size_t n, uint64_t h)
{
	if (!p->idx_cap)
		return 0;
	for (uint32_t i = (uint32_t)h & (p->idx_cap - 1);; i = (i + 1) & (p->idx_cap - 1)) {
		uint32_t id = p->idx[i];
		if (id == 0)
			return 0;
		if (p->v[id].h == h && strncmp(p->v[id].s, s, n) == 0 && p->v[id].s[n] == '\0')
			return id;
	}
}

static void pool_index_put(cl_pool *p, uint32_t id)
{
	uint32_t i = (uint32_t)p->v[id].h & (p->idx_cap - 1);

	while (p->idx[i])
		i = (i + 1) & (p->idx_cap - 1);
	p->idx[i] = id;
}

/* The id of source s (cut to CL_SOURCE_MAX bytes, before a whole
 * character) with one more reference; 0 for NULL or "" (no reference);
 * UINT32_MAX on out of memory. */
static uint32_t pool_ref(hs_claims *c, const char *s)
{
	cl_pool *p = &c->pool;
	size_t n;
	uint64_t h;
	uint32_t id;
	char *copy;

	if (!s || !*s)
		return 0;
	n = strlen(s);
	if (n > CL_SOURCE_MAX) {
		n = CL_SOURCE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	h = hs_hash64(s, n);
	id = pool_find(p, s, n, h);
	if (id) {
		p->v[id].refs++;
		return id;
	}
	if (2 * ((size_t)p->live + 1) > p->idx_cap) {
		uint32_t ncap = p->idx_cap ? p->idx_cap * 2 : 64;
		uint32_t *nidx = calloc(ncap, sizeof(*nidx));
		if (!nidx)
			return UINT32_MAX;
		c->mem += (size_t)(ncap - p->idx_cap) * sizeof(*nidx);
		free(p->idx);
		p->idx = nidx;
		p->idx_cap = ncap;
		for (uint32_t i = 1; i < p->n; i++)
			if (p->v[i].s)
				pool_index_put(p, i);
	}
	if (!p->n_free) {
		void *v = p->v, *f = p->free_ids;
		size_t need = (size_t)(p->n ? p->n : 1) + 1;
		if (cl_grow(c, &v, &p->cap, need, sizeof(*p->v)) < 0)
			return UINT32_MAX;
		p->v = v;
		if (cl_grow(c, &f, &p->cap_free, need, sizeof(*p->free_ids)) < 0)
			return UINT32_MAX;
		p->free_ids = f;
		if (p->n == 0)
			p->n = 1;
	}
	copy = malloc(n + 1);
	if (!copy)
		return UINT32_MAX;
	memcpy(copy, s, n);
	copy[n] = '\0';
	c->mem += n + 1;
	id = p->n_free ? p->free_ids[--p->n_free] : p->n++;
	p->v[id] = (cl_str){ copy, h, 1 };
	p->live++;
	pool_index_put(p, id);
	return id;
}

static void pool_unref(hs_claims *c, uint32_t id)
{
	cl_pool *p = &c->pool;
	uint32_t i, j, mask;

	if (id == 0 || --p->v[id].refs > 0)
		return;
	mask = p->idx_cap - 1;
	for (i = (uint32_t)p->v[id].h & mask; p->idx[i] != id; i = (i + 1) & mask)
		;
	/* backward-shift deletion: move later entries of the run into the
	 * hole unless their home lies cyclically in (hole, entry] */
	for (j = (i + 1) & mask; p->idx[j]; j = (j + 1) & mask) {
		uint32_t home = (uint32_t)p->v[p->idx[j]].h & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			p->idx[i] = p->idx[j];
			i = j;
		}
	}
	p->idx[i] = 0;
	c->mem -= strlen(p->v[id].s) + 1;
	free(p->v[id].s);
	p->v[id].s = NULL;
	p->free_ids[p->n_free++] = id;
	p->live--;
}

static const char *pool_str(const hs_claims *c, uint32_t id)
{
	return id ? c->pool.v[id].s : cl_empty;
}

/* ---- distinct counters -------------------------------------------------------------- */

static uint64_t hll_estimate(const uint8_t *reg)
{
	double sum = 0.0, m = CL_HLL_M, e;
	unsigned zeros = 0;

	for (unsigned j = 0; j < CL_HLL_M; j++) {
		sum += ldexp(1.0, -(int)reg[j]);
		zeros += reg[j] == 0;
	}
	e = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / (double)zeros);
	return (uint64_t)(e + 0.5);
}

/* Returns whether a register changed. */
static bool hll_add(uint8_t *reg, uint64_t h)
{
	uint64_t rest = h << 7;
	unsigned idx = (unsigned)(h >> 57), rank = 58;

	if (rest) {
		rank = 1;
		while (!(rest & (UINT64_C(1) << 63))) {
			rest <<= 1;
			rank++;
		}
	}
	if (reg[idx] >= rank)
		return false;
	reg[idx] = (uint8_t)rank;
	return true;
}

/* Does adding h take a block (from the spares)? */
static bool distinct_needs_block(const cl_distinct *d, uint64_t h)
{
	return d->n == 1 && !d->block && d->first != h;
}

/* Add h; cap (the claim's size with this post) bounds an estimate. Takes a
 * spare block when distinct_needs_block said so. */
static void distinct_add(hs_claims *c, cl_distinct *d, uint64_t h, uint64_t cap)
{
	uint64_t *set;

	if (d->n == 0) {
		d->first = h;
		d->n = 1;
		return;
	}
	if (d->hll) {
		uint64_t e;
		if (!hll_add(d->block, h))
			return; /* seen before (or hidden by a larger value) */
		e = hll_estimate(d->block);
		if (e > cap)
			e = cap;
		if (e > d->n)
			d->n = e;
		return;
	}
	if (!d->block) {
		if (d->first == h)
			return;
		for (unsigned i = 0; i < 2 && !d->block; i++) {
			d->block = c->spare[i];
			c->spare[i] = NULL;
		}
		set = d->block;
		set[0] = d->first;
		set[1] = h;
		d->n = 2;
		return;
	}
	set = d->block;
	for (uint64_t i = 0; i < d->n; i++)
		if (set[i] == h)
			return;
	if (d->n < CL_EXACT) {
		set[d->n++] = h;
		return;
	}
	{
		uint8_t reg[CL_HLL_M];
		uint64_t e;
		memset(reg, 0, sizeof(reg));
		for (unsigned i = 0; i < CL_EXACT; i++)
			hll_add(reg, set[i]);
		hll_add(reg, h);
		memcpy(d->block, reg, sizeof(reg));
		d->hll = 1;
		e = hll_estimate(reg);
		if (e > cap)
			e = cap;
		d->n = e > CL_EXACT + 1 ? e : CL_EXACT + 1;
	}
}

static void distinct_free(hs_claims *c, cl_distinct *d)
{
	if (d->block) {
		free(d->block);
		c->mem -= CL_BLOCK;
	}
	memset(d, 0, sizeof(*d));
}

/* Make sure `need` (0..2) spare blocks exist. */
static int spares_ensure(hs_claims *c, unsigned need)
{
	for (unsigned i = 0; i < 2 && need > 0; i++, need--) {
		if (c->spare[i])
			continue;
		c->spare[i] = malloc(CL_BLOCK);
		if (!c->spare[i])
			return -1;
		c->mem += CL_BLOCK;
	}
	return 0;
}

/* ---- growth --------------------------------------------------------------------------- */

static void ring_add(const hs_claims *c, cl_claim *cl, int64_t t, bool first)
{
	int64_t s = cl_floor_div(t, c->slot_us);

	if (first) {
		memset(cl->ring, 0, sizeof(cl->ring));
		cl->ring_head = s;
	} else if (s > cl->ring_head) {
		if (s - cl->ring_head >= (int64_t)CL_RING)
			memset(cl->ring, 0, sizeof(cl->ring));
		else
			for (int64_t x = cl->ring_head + 1; x <= s; x++)
				cl->ring[cl_ring_pos(x)] = 0;
		cl->ring_head = s;
	} else if (s <= cl->ring_head - (int64_t)CL_RING) {
		return; /* older than the ring */
	}
	if (cl->ring[cl_ring_pos(s)] < UINT32_MAX)
		cl->ring[cl_ring_pos(s)]++;
}

static void ring_query(const hs_claims *c, const cl_claim *cl, int64_t now, uint64_t *recent,
                       uint64_t *previous)
{
	int64_t sn = cl_floor_div(now, c->slot_us);

	*recent = *previous = 0;
	for (unsigned i = 0; i < CL_RING; i++) {
		int64_t x = cl->ring_head - (int64_t)i;
		if (x > sn)
			continue;
		if (x > sn - (int64_t)CL_RING_HALF)
			*recent += cl->ring[cl_ring_pos(x)];
		else if (x > sn - (int64_t)CL_RING)
			*previous += cl->ring[cl_ring_pos(x)];
	}
}

/* ---- parameters, table ---------------------------------------------------------------- */

void hs_claims_params_default(hs_claims_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_claims = 100000;
	p->idle_us = INT64_C(48) * 3600 * 1000000;
	p->max_distance = 16;
	p->min_overlap = 75;
	p->probe_bits = 3;
	p->max_reps = 8;
	p->min_words = HS_SIMHASH_MIN_WORDS;
	p->spread_max = 16;
	p->excerpt_max = 160;
	p->window_us = INT64_C(3600) * 1000000;
}

static bool params_ok(const hs_claims_params *p)
{
	return p->max_claims >= 1 && p->max_claims <= HS_CLAIMS_MAX_CLAIMS && p->idle_us > 0 &&
	       p->max_distance <= 64 && p->min_overlap <= 100 &&
	       p->probe_bits <= HS_CLAIMS_MAX_PROBE_BITS && p->max_reps >= 1 &&
	       p->max_reps <= HS_CLAIMS_MAX_REPS && p->min_words >= 1 && p->spread_max >= 1 &&
	       p->spread_max <= HS_CLAIMS_MAX_SPREAD && p->excerpt_max <= HS_CLAIMS_MAX_EXCERPT &&
	       p->window_us >= (int64_t)CL_RING_HALF;
}

hs_claims *hs_claims_new(const hs_claims_params *params)
{
	hs_claims *c = NULL;
	hs_claims_params p;
	size_t bytes;

	if (params)
		p = *params;
	else
		hs_claims_params_default(&p);
	if (!params_ok(&p))
		goto fail;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto fail;
	c->p = p;
	c->slot_us = p.window_us / (int64_t)CL_RING_HALF;
	c->next_id = 1;
	c->mem = sizeof(*c);
	for (c->n_buckets = 16; c->n_buckets < p.max_claims && c->n_buckets < CL_BUCKETS_MAX;)
		c->n_buckets *= 2;
	bytes = (size_t)c->n_buckets * sizeof(cl_node);
	for (unsigned b = 0; b < CL_BANDS; b++) {
		c->bands[b] = aligned_alloc(64, bytes);
		c->occ[b] = calloc(CL_BUCKETS_MAX / 64, sizeof(uint64_t));
		if (!c->bands[b] || !c->occ[b])
			goto fail;
		memset(c->bands[b], 0, bytes);
		c->mem += CL_BUCKETS_MAX / 64 * sizeof(uint64_t);
		c->mem += bytes;
	}
	return c;
fail:
	hs_claims_free(c);
	return NULL;
}

/* ---- band index ------------------------------------------------------------------------ */

static cl_node *bucket_of(const hs_claims *c, unsigned b, uint16_t v)
{
	return &c->bands[b][v & (c->n_buckets - 1)];
}

/* At least `need` free overflow nodes (the pool never moves while nodes
 * are taken from it after this). */
static int nodes_ensure(hs_claims *c, uint32_t need)
{
	cl_node *n;
	size_t ncap;

	if (c->n_ovf == 0)
		c->n_ovf = 1; /* node 0 is "none" */
	if ((size_t)c->n_ovf_free + (c->cap_ovf > c->n_ovf ? c->cap_ovf - c->n_ovf : 0) >= need)
		return 0;
	ncap = c->cap_ovf ? (size_t)c->cap_ovf * 2 : 64;
	while (ncap - c->n_ovf + c->n_ovf_free < need)
		ncap *= 2;
	if (ncap > UINT32_MAX / 2)
		return -1;
	n = aligned_alloc(64, ncap * sizeof(*n));
	if (!n)
		return -1;
	if (c->ovf)
		memcpy(n, c->ovf, (size_t)c->n_ovf * sizeof(*n));
	free(c->ovf);
	c->mem += (ncap - c->cap_ovf) * sizeof(*n);
	c->ovf = n;
	c->cap_ovf = (uint32_t)ncap;
	return 0;
}

static uint32_t node_take(hs_claims *c)
{
	uint32_t i;

	if (c->ovf_free) {
		i = c->ovf_free;
		c->ovf_free = c->ovf[i].more;
		c->n_ovf_free--;
	} else {
		i = c->n_ovf++;
	}
	memset(&c->ovf[i], 0, sizeof(c->ovf[i]));
	return i;
}

static void node_give(hs_claims *c, uint32_t i)
{
	c->ovf[i].more = c->ovf_free;
	c->ovf_free = i;
	c->n_ovf_free++;
}

static void bucket_put(hs_claims *c, unsigned b, uint64_t fp, uint32_t g)
{
	uint16_t v = cl_band(fp, b);
	cl_node *n = bucket_of(c, b, v);

	c->occ[b][v / 64] |= UINT64_C(1) << (v % 64);

	while (n->n == CL_PER_NODE) {
		if (!n->more)
			n->more = node_take(c);
		n = &c->ovf[n->more];
	}
	n->fp[n->n] = fp;
	n->grp[n->n] = g;
	n->n++;
}

static void bucket_remove(hs_claims *c, unsigned b, uint64_t fp, uint32_t g)
{
	cl_node *head = bucket_of(c, b, cl_band(fp, b)), *n = head, *at = NULL, *last, *pred = NULL;
	uint32_t idx = 0;

	/* find the entry, then the chain's last node */
	for (;;) {
		for (uint32_t i = 0; i < n->n && !at; i++)
			if (n->grp[i] == g) {
				at = n;
				idx = i;
			}
		if (!n->more)
			break;
		pred = n;
		n = &c->ovf[n->more];
	}
	last = n;
	if (!at)
		return; /* not listed: cannot happen */
	last->n--;
	at->fp[idx] = last->fp[last->n];
	at->grp[idx] = last->grp[last->n];
	if (last->n == 0 && last != head) {
		node_give(c, pred->more);
		pred->more = 0;
	}
	/* the band value stays marked while another entry has it */
	for (n = head; n; n = n->more ? &c->ovf[n->more] : NULL)
		for (uint32_t i = 0; i < n->n; i++)
			if (cl_band(n->fp[i], b) == cl_band(fp, b))
				return;
	c->occ[b][cl_band(fp, b) / 64] &= ~(UINT64_C(1) << (cl_band(fp, b) % 64));
}

/* At least `need` free groups (the array never moves while groups are
 * taken from it after this). */
static int groups_ensure(hs_claims *c, uint32_t need)
{
	void *g = c->groups;

	if (c->n_groups == 0)
		c->n_groups = 1; /* group 0 is "none" */
	if (c->n_group_free >= need)
		return 0;
	if (cl_grow(c, &g, &c->cap_groups, (size_t)c->n_groups + need, sizeof(cl_group)) < 0)
		return -1;
	c->groups = g;
	return 0;
}

/* List fp as a representative of the claim in slot (after groups_ensure
 * and nodes_ensure for CL_BANDS nodes). Returns its group. */
static uint32_t index_add(hs_claims *c, uint32_t slot, uint64_t fp, const hs_simhash_sketch *sk)
{
	uint32_t g;

	if (c->group_free) {
		g = c->group_free;
		c->group_free = c->groups[g].slot;
		c->n_group_free--;
	} else {
		g = c->n_groups++;
	}
	c->groups[g].fp = fp;
	c->groups[g].slot = slot;
	c->groups[g].sk = *sk;
	for (unsigned b = 0; b < CL_BANDS; b++)
		bucket_put(c, b, fp, g);
	c->reps++;
	return g;
}

static void index_remove(hs_claims *c, uint32_t g)
{
	for (unsigned b = 0; b < CL_BANDS; b++)
		bucket_remove(c, b, c->groups[g].fp, g);
	c->groups[g].slot = c->group_free;
	c->group_free = g;
	c->n_group_free++;
	c->reps--;
}

/* Candidates near enough to compare sketches, and the best so far. */
typedef struct cl_pick {
	uint32_t g[32];
	unsigned d[32];
	unsigned n;
	uint32_t best;                /* slot + 1, 0 = none */
	unsigned best_d, best_r;
	uint64_t best_id;
} cl_pick;

/* Compare the sketches of the candidates in *pk (their groups were
 * prefetched when they were listed) and keep the best. The outcome does
 * not depend on the order of the candidates: resemblance, then distance,
 * then claim id order them all, and cl_resemble is exact at or above the
 * bar it is given. */
static void pick_flush(hs_claims *c, const hs_simhash_sig *sig, cl_pick *pk)
{
	c->compared += pk->n;
	for (unsigned k = 0; k < pk->n; k++) {
		const cl_group *gr = &c->groups[pk->g[k]];
		unsigned d = pk->d[k], r;
		uint64_t id;
		r = cl_resemble(&gr->sk, &sig->sketch,
		                pk->best_r > c->p.min_overlap ? pk->best_r : c->p.min_overlap);
		if (r < c->p.min_overlap || r < pk->best_r)
			continue;
		id = c->slots[gr->slot]->id;
		if (pk->best && r == pk->best_r &&
		    (d > pk->best_d || (d == pk->best_d && id >= pk->best_id)))
			continue;
		pk->best = gr->slot + 1;
		pk->best_d = d;
		pk->best_r = r;
		pk->best_id = id;
	}
	pk->n = 0;
}

/* The buckets a lookup of sig reads, into probe[] (each prefetched);
 * returns their number. */
static unsigned probe_list(const hs_claims *c, const hs_simhash_sig *sig, const cl_node **probe)
{
	unsigned n_probes = 0;

	for (unsigned b = 0; b < CL_BANDS; b++) {
		uint16_t mask[HS_SIMHASH_WEAK];
		unsigned m = sig->n_weak[b] < c->p.probe_bits ? sig->n_weak[b] : c->p.probe_bits;
		unsigned first = n_probes;
		for (unsigned i = 0; i < m; i++)
			mask[i] = (uint16_t)(1u << (sig->weak[b][i] & 15));
		/* every subset of the masks, in Gray code order: each step
		 * flips one bit, the lowest set bit of the step number */
		for (unsigned s = 0, k = cl_band(sig->hash, b); s < (1u << m); s++) {
			const cl_node *bk;
			bool seen = false;
			if (s)
				k ^= mask[cl_ctz(s)];
			if (!(c->occ[b][k / 64] & (UINT64_C(1) << (k % 64))))
				continue; /* no representative has this value */
			bk = bucket_of(c, b, (uint16_t)k);
			for (unsigned j = first; j < n_probes && !seen; j++)
				seen = probe[j] == bk; /* two values, one bucket */
			if (seen)
				continue;
			probe[n_probes] = bk;
			CL_PREFETCH(bk);
			n_probes++;
		}
	}
	return n_probes;
}

/* The best representative in the probed buckets: within max_distance bits
 * and at least min_overlap % resemblance; the most resembling wins, then
 * the nearest, then the older claim. Returns its claim's slot + 1 (0 if
 * none), with the distance and resemblance in *dist and *res.
 * In passes, so that cache misses overlap instead of following one
 * another: the bucket numbers (each prefetched), then the entries within
 * max_distance (their groups prefetched), then the sketches of those.
 * Every entry of a bucket that is read is looked at, also one whose band
 * value only shares the bucket (tables of fewer than 65,536 buckets use
 * fewer than 16 bits of a band value for the bucket). */
static uint32_t lookup(hs_claims *c, const hs_simhash_sig *sig, unsigned *dist, unsigned *res)
{
	const cl_node *probe[CL_BANDS << HS_CLAIMS_MAX_PROBE_BITS];
	unsigned n_probes = probe_list(c, sig, probe);
	uint64_t fp = sig->hash;
	cl_pick pk;

	pk.n = 0;
	pk.best = 0;
	pk.best_d = UINT_MAX;
	pk.best_r = 0;
	pk.best_id = 0;
	uint64_t visited = 0;
	for (unsigned pi = 0; pi < n_probes; pi++) {
		for (const cl_node *n = probe[pi]; n; n = n->more ? &c->ovf[n->more] : NULL) {
			visited += n->n;
			for (uint32_t i = 0; i < n->n; i++) {
				unsigned d = cl_dist(n->fp[i], fp);
				if (d > c->p.max_distance)
					continue;
				if (pk.n == sizeof(pk.g) / sizeof(pk.g[0]))
					pick_flush(c, sig, &pk);
				pk.g[pk.n] = n->grp[i];
				pk.d[pk.n++] = d;
				CL_PREFETCH(&c->groups[n->grp[i]].sk);
			}
		}
	}
	pick_flush(c, sig, &pk);
	c->probes += n_probes;
	c->visited += visited;
	*dist = pk.best ? pk.best_d : 0;
	*res = pk.best ? pk.best_r : 0;
	return pk.best;
}

/* ---- slots, id hash, update order ------------------------------------------------------ */

static uint32_t id_home(const hs_claims *c, uint64_t id)
{
	return (uint32_t)(cl_mix(id) & (c->id_cap - 1));
}

/* The slot + 1 of claim id, 0 if there is none. */
static uint32_t id_find(const hs_claims *c, uint64_t id)
{
	uint32_t mask = c->id_cap - 1;

	if (!c->id_cap || id == 0)
		return 0;
	for (uint32_t i = id_home(c, id); c->ids[i].id; i = (i + 1) & mask)
		if (c->ids[i].id == id)
			return c->ids[i].slot + 1;
	return 0;
}

static void id_insert(hs_claims *c, uint64_t id, uint32_t slot)
{
	uint32_t mask = c->id_cap - 1, i = id_home(c, id);

	while (c->ids[i].id)
		i = (i + 1) & mask;
	c->ids[i].id = id;
	c->ids[i].slot = slot;
}

static void id_remove(hs_claims *c, uint64_t id)
{
	uint32_t mask = c->id_cap - 1, i = id_home(c, id), j;

	while (c->ids[i].id != id)
		i = (i + 1) & mask;
	/* backward-shift deletion: move later entries of the run into the
	 * hole unless their home lies cyclically in (hole, entry] */
	for (j = (i + 1) & mask; c->ids[j].id; j = (j + 1) & mask) {
		uint32_t home = id_home(c, c->ids[j].id);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			c->ids[i] = c->ids[j];
			i = j;
		}
	}
	c->ids[i].id = 0;
}

static void lru_unlink(hs_claims *c, uint32_t slot)
{
	cl_link *l = &c->lru[slot];

	if (l->prev)
		c->lru[l->prev - 1].next = l->next;
	else
		c->lru_head = l->next;
	if (l->next)
		c->lru[l->next - 1].prev = l->prev;
	else
		c->lru_tail = l->prev;
	l->prev = l->next = 0;
}

/* Insert slot after `after` (slot + 1; 0: at the head). */
static void lru_insert_after(hs_claims *c, uint32_t slot, uint32_t after)
{
	uint32_t next = after ? c->lru[after - 1].next : c->lru_head;

	c->lru[slot].prev = after;
	c->lru[slot].next = next;
	if (after)
		c->lru[after - 1].next = slot + 1;
	else
		c->lru_head = slot + 1;
	if (next)
		c->lru[next - 1].prev = slot + 1;
	else
		c->lru_tail = slot + 1;
}

/* Room for one more claim in the slot and id arrays (a full table frees a
 * slot by eviction instead). The slot arrays grow by doubling up to
 * max_claims. */
static int slots_ensure(hs_claims *c)
{
	if (c->n_free_slots == 0 && c->live < c->p.max_claims && c->n_slots == c->cap_slots) {
		size_t ncap = c->cap_slots ? (size_t)c->cap_slots * 2 : 16;
		void *s, *f;
		if (ncap > c->p.max_claims)
			ncap = c->p.max_claims;
		s = realloc(c->slots, ncap * sizeof(*c->slots));
		if (!s)
			return -1;
		c->slots = s;
		f = realloc(c->free_slots, ncap * sizeof(*c->free_slots));
		if (!f)
			return -1; /* slots is just larger than it needs to be */
		c->free_slots = f;
		f = realloc(c->lru, ncap * sizeof(*c->lru));
		if (!f)
			return -1; /* the same */
		c->lru = f;
		c->mem += (ncap - c->cap_slots) *
		          (sizeof(*c->slots) + sizeof(*c->free_slots) + sizeof(*c->lru));
		c->cap_slots = (uint32_t)ncap;
	}
	if ((size_t)c->id_cap < 2 * (size_t)c->cap_slots) {
		uint32_t ncap = c->id_cap ? c->id_cap : 1024;
		cl_idslot *old = c->ids, *nt;
		uint32_t old_cap = c->id_cap;
		while ((size_t)ncap < 2 * (size_t)c->cap_slots)
			ncap *= 2;
		nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return -1;
		c->mem += (size_t)(ncap - c->id_cap) * sizeof(*nt);
		c->ids = nt;
		c->id_cap = ncap;
		for (uint32_t i = 0; i < old_cap; i++)
			if (old[i].id)
				id_insert(c, old[i].id, old[i].slot);
		free(old);
	}
	return 0;
}

static void claim_free_block(hs_claims *c, cl_claim *cl)
{
	c->mem -= claim_size(cl->excerpt_cap);
	free(cl);
}

/* Drop the claim in slot. Its block is freed, or, with keep_block,
 * returned to the caller (who takes it over); NULL otherwise. */
static cl_claim *claim_remove(hs_claims *c, uint32_t slot, hs_claim_drop why, bool keep_block)
{
	cl_claim *cl = c->slots[slot];
	cl_ent *sp = spread_of(cl);

	if (c->p.on_drop)
		c->p.on_drop(c->p.on_drop_ud, cl->id, why);
	for (uint32_t i = 0; i < cl->n_reps; i++)
		index_remove(c, rep_at(cl, i));
	if (cl->reps) {
		free(cl->reps);
		c->mem -= c->p.max_reps * sizeof(uint32_t);
	}
	id_remove(c, cl->id);
	lru_unlink(c, slot);
	for (uint32_t i = 0; i < cl->n_spread; i++)
		pool_unref(c, sp[i].src);
	if (cl->spread) {
		free(cl->spread);
		c->mem -= (size_t)cl->spread_cap * sizeof(cl_ent);
	}
	distinct_free(c, &cl->authors);
	distinct_free(c, &cl->sources);
	if (keep_block) {
		c->mem -= claim_size(cl->excerpt_cap);
	} else {
		claim_free_block(c, cl);
		cl = NULL;
	}
	c->slots[slot] = NULL;
	c->free_slots[c->n_free_slots++] = slot;
	c->live--;
	if (why == HS_CLAIM_EXPIRED)
		c->expired++;
	else
		c->evicted++;
	return cl;
}

/* A slot for a new claim: evicts the least recently updated claim if the
 * table is full (call only once nothing can fail any more). With kept not
 * NULL, the evicted claim's block goes to *kept instead of being freed
 * (the caller made sure there is one to evict). */
static uint32_t make_room(hs_claims *c, cl_claim **kept)
{
	if (c->live >= c->p.max_claims) {
		cl_claim *b = claim_remove(c, c->lru_head - 1, HS_CLAIM_EVICTED, kept != NULL);
		if (kept)
			*kept = b;
	}
	return c->n_free_slots ? c->free_slots[--c->n_free_slots] : c->n_slots++;
}

/* ---- excerpts, spread ------------------------------------------------------------------ */

/* The excerpt of a terms view: without the outer spaces, at most
 * excerpt_max bytes, cut after a whole word (a first word longer than that
 * is cut before a whole character). Sets *start and returns the length. */
static uint32_t excerpt_span(const hs_claims *c, const char *t, size_t len, size_t *start)
{
	size_t s = 0, n, cut;

	while (s < len && t[s] == ' ')
		s++;
	while (len > s && t[len - 1] == ' ')
		len--;
	*start = s;
	n = len - s;
	if (n <= c->p.excerpt_max)
		return (uint32_t)n;
	cut = c->p.excerpt_max;
	while (cut > 0 && t[s + cut] != ' ')
		cut--;
	if (cut == 0) {
		cut = c->p.excerpt_max;
		while (cut > 0 && ((unsigned char)t[s + cut] & 0xc0) == 0x80)
			cut--;
	}
	while (cut > 0 && t[s + cut - 1] == ' ')
		cut--;
	return (uint32_t)cut;
}

/* Copy the excerpt of t (it fits: excerpt_span <= excerpt_cap); NUL bytes
 * become spaces. */
static void set_excerpt(const hs_claims *c, cl_claim *cl, const char *t, size_t len)
{
	size_t s;
	uint32_t n = t ? excerpt_span(c, t, len, &s) : 0;

	if (n)
		memcpy(cl->excerpt, t + s, n);
	for (char *z = cl->excerpt, *e = cl->excerpt + n; (z = memchr(z, '\0', (size_t)(e - z)));)
		*z = ' ';
	cl->excerpt[n] = '\0';
	cl->excerpt_len = n;
}

static uint32_t excerpt_need(const hs_claims *c, const char *t, size_t len)
{
	size_t s;

	return t ? excerpt_span(c, t, len, &s) : 0;
}

/* Where a post at time t goes in the spread (after equal times), or
 * spread_max if it is not kept. */
static uint32_t spread_pos(const hs_claims *c, const cl_claim *cl, int64_t t)
{
	const cl_ent *sp = spread_ofc(cl);
	uint32_t lo = 0, hi = cl->n_spread;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sp[mid].time_us <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->p.spread_max ? lo : c->p.spread_max;
}

/* Insert e at pos (< spread_max), dropping the latest entry if the spread is
 * full. narr (with room for ncap entries) replaces the array if not NULL. */
static void spread_insert(hs_claims *c, cl_claim *cl, uint32_t pos, const cl_ent *e,
                          cl_ent *narr, uint32_t ncap)
{
	cl_ent *sp;

	if (narr) {
		memcpy(narr, spread_of(cl), (size_t)cl->n_spread * sizeof(*narr));
		if (cl->spread) {
			free(cl->spread);
			c->mem -= (size_t)cl->spread_cap * sizeof(cl_ent);
		}
		cl->spread = narr;
		cl->spread_cap = ncap;
		c->mem += (size_t)ncap * sizeof(cl_ent);
	}
	sp = spread_of(cl);
	if (cl->n_spread == c->p.spread_max) {
		pool_unref(c, sp[cl->n_spread - 1].src);
		cl->n_spread--;
	}
	memmove(&sp[pos + 1], &sp[pos], (size_t)(cl->n_spread - pos) * sizeof(*sp));
	sp[pos] = *e;
	cl->n_spread++;
}

/* ---- add --------------------------------------------------------------------------------- */

static void result_of(const cl_claim *cl, hs_claim_outcome o, unsigned d, unsigned r,
                      hs_claim_result *out)
{
	if (!out)
		return;
	out->outcome = o;
	out->claim_id = cl->id;
	out->size = cl->size;
	out->authors = cl->authors.n;
	out->sources = cl->sources.n;
	out->distance = d;
	out->resemblance = r;
}

/* What a join needs allocated before it changes anything. */
typedef struct join_prep {
	uint32_t pos;            /* spread position, spread_max: not kept */
	uint32_t src;            /* source reference, if kept */
	cl_ent *narr;            /* a larger spread array, or NULL */
	uint32_t ncap;
	cl_claim *block;         /* a larger claim block for a new excerpt, or NULL */
	uint32_t *reps;          /* a representative array, or NULL */
	bool new_rep;
} join_prep;

static void join_prep_undo(hs_claims *c, join_prep *jp)
{
	if (jp->src != UINT32_MAX)
		pool_unref(c, jp->src);
	free(jp->narr);
	free(jp->block);
	free(jp->reps);
}

static int join(hs_claims *c, uint32_t slot, unsigned d, unsigned res, const hs_simhash_sig *sig,
                uint64_t post_id, const char *source, const char *author, int64_t t,
                const char *terms, size_t terms_len, hs_claim_result *out)
{
	cl_claim *cl = c->slots[slot];
	const cl_group *rep0 = &c->groups[cl->rep0];
	uint64_t ah = author ? str_hash(author) : 0;
	uint64_t sh = source && *source ? str_hash(source) : 0;
	join_prep jp = { 0 };
	unsigned blocks = 0;

	jp.src = UINT32_MAX;
	jp.pos = spread_pos(c, cl, t);
	jp.new_rep = res < 100 && cl->n_reps < c->p.max_reps &&
	             cl_dist(sig->hash, rep0->fp) <= c->p.max_distance &&
	             hs_simhash_resemblance(&rep0->sk, &sig->sketch) >= c->p.min_overlap;
	if (author && distinct_needs_block(&cl->authors, ah))
		blocks++;
	if (sh && distinct_needs_block(&cl->sources, sh))
		blocks++;
	if (spares_ensure(c, blocks) < 0)
		goto fail;
	if (jp.new_rep) {
		if (groups_ensure(c, 1) < 0 || nodes_ensure(c, CL_BANDS) < 0)
			goto fail;
		if (!cl->reps) {
			jp.reps = malloc(c->p.max_reps * sizeof(*jp.reps));
			if (!jp.reps)
				goto fail;
		}
	}
	if (jp.pos < c->p.spread_max) {
		jp.src = pool_ref(c, source);
		if (jp.src == UINT32_MAX)
			goto fail;
		if (cl->n_spread < c->p.spread_max && cl->n_spread == cl->spread_cap) {
			jp.ncap = cl->spread_cap < 4 ? 4 : cl->spread_cap * 2;
			if (jp.ncap > c->p.spread_max)
				jp.ncap = c->p.spread_max;
			jp.narr = malloc((size_t)jp.ncap * sizeof(*jp.narr));
			if (!jp.narr)
				goto fail;
		}
		if (jp.pos == 0) {
			uint32_t need = excerpt_need(c, terms, terms_len);
			if (need > cl->excerpt_cap) {
				jp.block = malloc(claim_size(need));
				if (!jp.block)
					goto fail;
			}
		}
	}

	/* committed from here on */
	if (jp.block) {
		memcpy(jp.block, cl, offsetof(cl_claim, excerpt));
		jp.block->excerpt_cap = excerpt_need(c, terms, terms_len);
		c->mem += claim_size(jp.block->excerpt_cap);
		claim_free_block(c, cl);
		cl = c->slots[slot] = jp.block;
	}
	if (jp.pos < c->p.spread_max) {
		cl_ent e = { post_id, t, jp.src };
		spread_insert(c, cl, jp.pos, &e, jp.narr, jp.ncap);
		if (jp.pos == 0)
			set_excerpt(c, cl, terms, terms_len);
	}
	if (jp.new_rep) {
		if (jp.reps) {
			jp.reps[0] = cl->rep0;
			cl->reps = jp.reps;
			c->mem += c->p.max_reps * sizeof(uint32_t);
		}
		cl->reps[cl->n_reps++] = index_add(c, slot, sig->hash, &sig->sketch);
	}
	cl->size++;
	if (author)
		distinct_add(c, &cl->authors, ah, cl->size);
	if (sh)
		distinct_add(c, &cl->sources, sh, cl->size);
	ring_add(c, cl, t, false);
	if (t > cl->last_us)
		cl->last_us = t;
	lru_unlink(c, slot);
	lru_insert_after(c, slot, c->lru_tail);
	c->joined++;
	result_of(cl, HS_CLAIM_JOINED, d, res, out);
	return 0;
fail:
	join_prep_undo(c, &jp);
	return -1;
}

static int create(hs_claims *c, const hs_simhash_sig *sig, uint64_t post_id, const char *source,
                  const char *author, int64_t t, const char *terms, size_t terms_len,
                  hs_claim_result *out)
{
	cl_claim *cl = NULL;
	uint32_t slot, src = UINT32_MAX, cap = excerpt_need(c, terms, terms_len);
	/* a full table evicts a claim first: its block is taken over when
	 * the excerpt fits in it (no allocation, and the block is in cache:
	 * hs_claims_add prefetched it) */
	bool reuse = c->live >= c->p.max_claims && c->slots[c->lru_head - 1]->excerpt_cap >= cap;

	if (c->next_id == UINT64_MAX)
		goto fail; /* never in practice */
	if (slots_ensure(c) < 0 || groups_ensure(c, 1) < 0 || nodes_ensure(c, CL_BANDS) < 0)
		goto fail;
	if (!reuse && !(cl = calloc(1, claim_size(cap))))
		goto fail;
	src = pool_ref(c, source);
	if (src == UINT32_MAX)
		goto fail;

	/* committed from here on */
	slot = make_room(c, reuse ? &cl : NULL);
	if (reuse) {
		cap = cl->excerpt_cap;
		memset(cl, 0, claim_size(cap));
	}
	c->mem += claim_size(cap);
	c->slots[slot] = cl;
	c->live++;
	cl->id = c->next_id++;
	cl->size = 1;
	cl->last_us = t;
	cl->excerpt_cap = cap;
	cl->one = (cl_ent){ post_id, t, src };
	cl->n_spread = 1;
	cl->spread_cap = 1;
	set_excerpt(c, cl, terms, terms_len);
	if (author)
		distinct_add(c, &cl->authors, str_hash(author), 1);
	if (source && *source)
		distinct_add(c, &cl->sources, str_hash(source), 1);
	ring_add(c, cl, t, true);
	cl->rep0 = index_add(c, slot, sig->hash, &sig->sketch);
	cl->fp0 = sig->hash;
	cl->n_reps = 1;
	id_insert(c, cl->id, slot);
	lru_insert_after(c, slot, c->lru_tail);
	c->created++;
	result_of(cl, HS_CLAIM_NEW, 0, 100, out);
	return 0;
fail:
	free(cl);
	return -1;
}

/* Besides the post's buckets: the id-table homes of the next two new
 * claims (the add before this post's may take the first), and the blocks
 * of the two least recently updated claims (the ones the next two
 * creations evict; the first was the second at the call before, so
 * reading its link costs no wait). */
void hs_claims_prefetch(const hs_claims *c, const hs_simhash_sig *sig)
{
	const cl_node *probe[CL_BANDS << HS_CLAIMS_MAX_PROBE_BITS];

	if (!c || !sig || sig->n_features < c->p.min_words)
		return;
	(void)probe_list(c, sig, probe);
	if (c->id_cap) {
		CL_PREFETCH(&c->ids[id_home(c, c->next_id)]);
		CL_PREFETCH(&c->ids[id_home(c, c->next_id + 1)]);
	}
	if (c->live >= c->p.max_claims && c->lru_head) {
		uint32_t next = c->lru[c->lru_head - 1].next;
		CL_PREFETCH(c->slots[c->lru_head - 1]);
		if (next)
			CL_PREFETCH(c->slots[next - 1]);
	}
}

int hs_claims_add(hs_claims *c, const hs_simhash_sig *sig, uint64_t post_id, const char *source,
                  const char *author, int64_t time_us, const char *terms, size_t terms_len,
                  hs_claim_result *out)
{
	uint32_t found;
	unsigned d, res;

	if (!c || !sig || (!terms && terms_len > 0))
		return -1;
	if (sig->n_features < c->p.min_words) {
		c->ungrouped++;
		if (out)
			*out = (hs_claim_result){ HS_CLAIM_UNGROUPED, 0, 0, 0, 0, 0, 0 };
		return 0;
	}
	if (c->live >= c->p.max_claims)
		CL_PREFETCH(c->slots[c->lru_head - 1]); /* probably evicted below */
	found = lookup(c, sig, &d, &res);
	if (found)
		return join(c, found - 1, d, res, sig, post_id, source, author, time_us, terms,
		            terms_len, out);
	if (c->live >= c->p.max_claims) {
		/* start the cache misses of the eviction while create allocates */
		const cl_claim *h = c->slots[c->lru_head - 1];
		for (unsigned b = 0; b < CL_BANDS; b++)
			CL_PREFETCH(bucket_of(c, b, cl_band(h->fp0, b)));
		CL_PREFETCH(&c->groups[h->rep0]);
		CL_PREFETCH(&c->ids[id_home(c, h->id)]);
		if (c->lru[c->lru_head - 1].next)
			CL_PREFETCH(c->slots[c->lru[c->lru_head - 1].next - 1]);
	}
	return create(c, sig, post_id, source, author, time_us, terms, terms_len, out);
}

/* ---- queries, expiry ------------------------------------------------------------------ */

int hs_claims_get(const hs_claims *c, uint64_t id, int64_t now_us, hs_claim_info *out)
{
	uint32_t s = c ? id_find(c, id) : 0;
	const cl_claim *cl;
	const cl_ent *sp;

	if (!s || !out)
		return -1;
	cl = c->slots[s - 1];
	sp = spread_ofc(cl);
	memset(out, 0, sizeof(*out));
	out->id = cl->id;
	out->simhash = c->groups[cl->rep0].fp;
	out->n_reps = cl->n_reps;
	for (uint32_t i = 0; i < cl->n_reps; i++)
		out->reps[i] = c->groups[rep_at(cl, i)].fp;
	out->first_post_id = sp[0].post_id;
	out->first_us = sp[0].time_us;
	out->first_source = pool_str(c, sp[0].src);
	out->excerpt = cl->excerpt;
	out->size = cl->size;
	out->authors = cl->authors.n;
	out->sources = cl->sources.n;
	out->last_us = cl->last_us;
	out->n_spread = cl->n_spread;
	ring_query(c, cl, now_us, &out->recent, &out->previous);
	out->growth = ((double)out->recent + 1.0) / ((double)out->previous + 1.0);
	return 0;
}

size_t hs_claims_spread(const hs_claims *c, uint64_t id, hs_claim_spread *out, size_t max)
{
	uint32_t s = c ? id_find(c, id) : 0;
	const cl_claim *cl;
	const cl_ent *sp;
	size_t n;

	if (!s || !out)
		return 0;
	cl = c->slots[s - 1];
	sp = spread_ofc(cl);
	n = cl->n_spread < max ? cl->n_spread : max;
	for (size_t i = 0; i < n; i++)
		out[i] = (hs_claim_spread){ sp[i].post_id, sp[i].time_us, pool_str(c, sp[i].src) };
	return n;
}

size_t hs_claims_expire(hs_claims *c, int64_t now_us)
{
	size_t n = 0;

	if (!c)
		return 0;
	while (c->lru_head) {
		const cl_claim *cl = c->slots[c->lru_head - 1];
		/* idle when last_us <= now_us - idle_us, written without overflow */
		if (cl->last_us > now_us || (uint64_t)now_us - (uint64_t)cl->last_us <
		                                (uint64_t)c->p.idle_us)
			break;
		(void)claim_remove(c, c->lru_head - 1, HS_CLAIM_EXPIRED, false);
		n++;
	}
	return n;
}

void hs_claims_stats_get(const hs_claims *c, hs_claims_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	out->live = c->live;
	out->created = c->created;
	out->joined = c->joined;
	out->ungrouped = c->ungrouped;
	out->expired = c->expired;
	out->evicted = c->evicted;
	out->restored = c->restored;
	out->next_id = c->next_id;
	out->reps = c->reps;
	out->probes = c->probes;
	out->visited = c->visited;
	out->compared = c->compared;
	out->memory = c->mem;
}

void hs_claims_free(hs_claims *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->n_slots; i++) {
		cl_claim *cl = c->slots[i];
		if (!cl)
			continue;
		free(cl->reps);
		free(cl->spread);
		free(cl->authors.block);
		free(cl->sources.block);
		free(cl);
	}
	for (uint32_t i = 1; i < c->pool.n; i++)
		free(c->pool.v[i].s);
	free(c->pool.v);
	free(c->pool.free_ids);
	free(c->pool.idx);
	free(c->slots);
	free(c->free_slots);
	free(c->lru);
	free(c->ids);
	for (unsigned b = 0; b < CL_BANDS; b++) {
		free(c->bands[b]);
		free(c->occ[b]);
	}
	free(c->ovf);
	free(c->groups);
	free(c->spare[0]);
	free(c->spare[1]);
	free(c);
}

/* ---- records ----------------------------------------------------------------------------- */

/* Record layout, version 1 (all integers little-endian):
 *    0  u8   version (1)
 *    1  u8   representatives R (1..16)
 *    2  u8   authors counter kind (0 exact, 1 HyperLogLog)
 *    3  u8   sources counter kind
 *    4  u16  spread entries S (1..256)
 *    6  u16  excerpt bytes E (0..4096)
 *    8  u64  id (>= 1)
 *   16  u64  size (>= S)
 *   24  i64  latest post time, us
 *   32  i64  growth window, us, of the table that wrote it
 *   40  i64  growth: number of the newest slot
 *   48  u32  x 8  growth slot counts
 *   80  R x { u64 fingerprint, u8 sketch values K (0..32), u8 complete
 *           (0/1), K x u16 values (strictly ascending) }, the claim's
 *           first representative first
 *       counter authors, then counter sources:
 *         kind 0: u8 count (0..16, at most size), then count x u64
 *                 distinct hashes
 *         kind 1: u64 estimate (17..size), then 128 x u8 registers (<= 58)
 *       E bytes  excerpt (no NUL)
 *       S x { u64 post id, i64 time us, u16 source bytes (<= 255), bytes
 *           (no NUL) }, earliest first (times never decrease, none after
 *           the latest post time), entry 0 = provenance
 *       u32  checksum: low 32 bits of hs_hash64 of all bytes before it
 */
#define REC_FIXED 80u

typedef struct wr {
	uint8_t *p;
	size_t cap, len;
} wr;

static void put_le(wr *w, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++, w->len++)
		if (w->len < w->cap)
			w->p[w->len] = (uint8_t)(v >> (8 * i));
}

static void put_bytes(wr *w, const void *b, size_t n)
{
	if (w->len < w->cap && n > 0)
		memcpy(w->p + w->len, b, n <= w->cap - w->len ? n : w->cap - w->len);
	w->len += n;
}

static void put_counter(wr *w, const cl_distinct *d)
{
	if (d->hll) {
		put_le(w, d->n, 8);
		put_bytes(w, d->block, CL_HLL_M);
		return;
	}
	put_le(w, d->n, 1);
	if (d->n == 1)
		put_le(w, d->first, 8);
	else
		for (uint64_t i = 0; i < d->n; i++)
			put_le(w, ((const uint64_t *)d->block)[i], 8);
}

size_t hs_claims_serialize(const hs_claims *c, uint64_t id, void *buf, size_t cap)
{
	uint32_t s = c ? id_find(c, id) : 0;
	const cl_claim *cl;
	const cl_ent *sp;
	wr w = { buf, buf ? cap : 0, 0 };

	if (!s)
		return 0;
	cl = c->slots[s - 1];
	sp = spread_ofc(cl);
	put_le(&w, HS_CLAIMS_RECORD_VERSION, 1);
	put_le(&w, cl->n_reps, 1);
	put_le(&w, cl->authors.hll, 1);
	put_le(&w, cl->sources.hll, 1);
	put_le(&w, cl->n_spread, 2);
	put_le(&w, cl->excerpt_len, 2);
	put_le(&w, cl->id, 8);
	put_le(&w, cl->size, 8);
	put_le(&w, (uint64_t)cl->last_us, 8);
	put_le(&w, (uint64_t)c->p.window_us, 8);
	put_le(&w, (uint64_t)cl->ring_head, 8);
	for (unsigned i = 0; i < CL_RING; i++)
		put_le(&w, cl->ring[i], 4);
	for (uint32_t i = 0; i < cl->n_reps; i++) {
		const cl_group *g = &c->groups[rep_at(cl, i)];
		put_le(&w, g->fp, 8);
		put_le(&w, g->sk.n, 1);
		put_le(&w, g->sk.all, 1);
		for (unsigned j = 0; j < g->sk.n; j++)
			put_le(&w, g->sk.v[j], 2);
	}
	put_counter(&w, &cl->authors);
	put_counter(&w, &cl->sources);
	put_bytes(&w, cl->excerpt, cl->excerpt_len);
	for (uint32_t i = 0; i < cl->n_spread; i++) {
		const char *src = pool_str(c, sp[i].src);
		size_t n = strlen(src);
		put_le(&w, sp[i].post_id, 8);
		put_le(&w, (uint64_t)sp[i].time_us, 8);
		put_le(&w, n, 2);
		put_bytes(&w, src, n);
	}
	if (w.len + 4 <= w.cap)
		put_le(&w, (uint32_t)hs_hash64(w.p, w.len), 4);
	else
		w.len += 4;
	return w.len;
}

typedef struct rd {
	const uint8_t *p;
	size_t len, off;
	bool bad;
} rd;

static uint64_t get_le(rd *r, unsigned bytes)
{
	uint64_t v = 0;

	if (r->bad || r->len - r->off < bytes) {
		r->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += bytes;
	return v;
}

static const uint8_t *get_bytes(rd *r, size_t n)
{
	const uint8_t *b;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	b = r->p + r->off;
	r->off += n;
	return b;
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A counter as stored: its values are read from the record when installed. */
typedef struct rec_counter {
	unsigned kind;
	uint64_t n;
	const uint8_t *data;    /* kind 0: n x u64; kind 1: registers */
} rec_counter;

static void get_counter(rd *r, unsigned kind, uint64_t size, rec_counter *out)
{
	out->kind = kind;
	if (kind == 1) {
		out->n = get_le(r, 8);
		out->data = get_bytes(r, CL_HLL_M);
		if (r->bad || out->n <= CL_EXACT || out->n > size) {
			r->bad = true;
			return;
		}
		for (unsigned i = 0; i < CL_HLL_M; i++)
			if (out->data[i] > 58)
				r->bad = true;
		return;
	}
	out->n = get_le(r, 1);
	if (r->bad || out->n > CL_EXACT || out->n > size) {
		r->bad = true;
		return;
	}
	out->data = get_bytes(r, (size_t)out->n * 8);
	if (r->bad)
		return;
	for (uint64_t i = 0; i < out->n; i++)
		for (uint64_t j = 0; j < i; j++)
			if (memcmp(out->data + 8 * i, out->data + 8 * j, 8) == 0)
				r->bad = true; /* the same hash twice */
}

static bool counter_needs_block(const rec_counter *rc)
{
	return rc->kind == 1 || rc->n >= 2;
}

static void counter_install(cl_distinct *d, const rec_counter *rc, void *block)
{
	memset(d, 0, sizeof(*d));
	d->n = rc->n;
	if (rc->kind == 1) {
		d->hll = 1;
		d->block = block;
		memcpy(block, rc->data, CL_HLL_M);
	} else if (rc->n == 1) {
		d->first = le64_at(rc->data);
	} else if (rc->n >= 2) {
		uint64_t *set = block;
		d->block = block;
		for (uint64_t i = 0; i < rc->n; i++)
			set[i] = le64_at(rc->data + 8 * i);
	}
}

static void get_rep(rd *r, uint64_t *fp, hs_simhash_sketch *sk)
{
	*fp = get_le(r, 8);
	sk->n = (uint8_t)get_le(r, 1);
	sk->all = (uint8_t)get_le(r, 1);
	if (r->bad || sk->n > HS_SIMHASH_SKETCH || sk->all > 1) {
		r->bad = true;
		return;
	}
	for (unsigned j = 0; j < sk->n; j++) {
		sk->v[j] = (uint16_t)get_le(r, 2);
		if (j > 0 && sk->v[j] <= sk->v[j - 1])
			r->bad = true;
	}
}

typedef struct rec_ent {
	uint64_t post_id;
	int64_t time_us;
	size_t src_len;
	const uint8_t *src;
} rec_ent;

static void get_ent(rd *r, rec_ent *e)
{
	e->post_id = get_le(r, 8);
	e->time_us = (int64_t)get_le(r, 8);
	e->src_len = (size_t)get_le(r, 2);
	e->src = get_bytes(r, e->src_len);
}

int hs_claims_restore(hs_claims *c, const void *rec, size_t len)
{
	const uint8_t *p = rec;
	rd r = { rec, 0, 0, false };
	unsigned n_reps, kinds[2];
	uint32_t n_spread, n_keep, excerpt_len, keep_reps, n_srcs = 0, slot, after, cap;
	uint32_t ring[CL_RING], *srcs = NULL, *reps = NULL;
	uint64_t id, size;
	int64_t last_us, window, ring_head, prev_t = INT64_MIN;
	const uint8_t *excerpt;
	size_t spread_off, reps_off;
	rec_counter ctr[2];
	cl_claim *cl = NULL;
	cl_ent *ents = NULL;
	void *blocks[2] = { NULL, NULL };
	int rc = -1;

	if (!c || !rec || len < REC_FIXED + 4 || len > HS_CLAIMS_RECORD_MAX)
		goto fail;
	{
		uint32_t sum = (uint32_t)p[len - 4] | (uint32_t)p[len - 3] << 8 |
		               (uint32_t)p[len - 2] << 16 | (uint32_t)p[len - 1] << 24;
		if ((uint32_t)hs_hash64(rec, len - 4) != sum)
			goto fail;
	}
	r.len = len - 4;
	if (get_le(&r, 1) != HS_CLAIMS_RECORD_VERSION)
		goto fail;
	n_reps = (unsigned)get_le(&r, 1);
	kinds[0] = (unsigned)get_le(&r, 1);
	kinds[1] = (unsigned)get_le(&r, 1);
	n_spread = (uint32_t)get_le(&r, 2);
	excerpt_len = (uint32_t)get_le(&r, 2);
	id = get_le(&r, 8);
	size = get_le(&r, 8);
	last_us = (int64_t)get_le(&r, 8);
	window = (int64_t)get_le(&r, 8);
	ring_head = (int64_t)get_le(&r, 8);
	for (unsigned i = 0; i < CL_RING; i++)
		ring[i] = (uint32_t)get_le(&r, 4);
	if (r.bad || n_reps < 1 || n_reps > HS_CLAIMS_MAX_REPS || kinds[0] > 1 || kinds[1] > 1 ||
	    n_spread < 1 || n_spread > HS_CLAIMS_MAX_SPREAD || excerpt_len > HS_CLAIMS_MAX_EXCERPT ||
	    id == 0 || id == UINT64_MAX || size < n_spread || window <= 0)
		goto fail;
	reps_off = r.off;
	for (unsigned i = 0; i < n_reps; i++) {
		uint64_t fp;
		hs_simhash_sketch sk;
		get_rep(&r, &fp, &sk);
	}
	get_counter(&r, kinds[0], size, &ctr[0]);
	get_counter(&r, kinds[1], size, &ctr[1]);
	excerpt = get_bytes(&r, excerpt_len);
	if (r.bad || (excerpt_len > 0 && memchr(excerpt, 0, excerpt_len)))
		goto fail;
	spread_off = r.off;
	for (uint32_t i = 0; i < n_spread; i++) {
		rec_ent e;
		get_ent(&r, &e);
		if (r.bad || e.src_len > CL_SOURCE_MAX || e.time_us > last_us || e.time_us < prev_t ||
		    (e.src_len > 0 && memchr(e.src, 0, e.src_len)))
			goto fail;
		prev_t = e.time_us;
	}
	if (r.off != r.len || id_find(c, id))
		goto fail;

	/* allocate everything first */
	n_keep = n_spread < c->p.spread_max ? n_spread : c->p.spread_max;
	keep_reps = n_reps < c->p.max_reps ? n_reps : c->p.max_reps;
	cap = excerpt_need(c, (const char *)excerpt, excerpt_len);
	srcs = calloc(n_keep, sizeof(*srcs));
	if (!srcs)
		goto fail;
	if (n_keep > 1) {
		ents = malloc((size_t)n_keep * sizeof(*ents));
		if (!ents)
			goto fail;
	}
	if (keep_reps > 1) {
		reps = malloc(c->p.max_reps * sizeof(*reps));
		if (!reps)
			goto fail;
	}
	r.off = spread_off;
	for (uint32_t i = 0; i < n_keep; i++) {
		rec_ent e;
		char name[CL_SOURCE_MAX + 1];
		get_ent(&r, &e);
		if (e.src_len > 0)
			memcpy(name, e.src, e.src_len);
		name[e.src_len] = '\0';
		srcs[i] = pool_ref(c, name);
		if (srcs[i] == UINT32_MAX)
			goto fail;
		n_srcs = i + 1;
		if (ents)
			ents[i] = (cl_ent){ e.post_id, e.time_us, srcs[i] };
	}
	for (unsigned i = 0; i < 2; i++)
		if (counter_needs_block(&ctr[i])) {
			blocks[i] = malloc(CL_BLOCK);
			if (!blocks[i])
				goto fail;
		}
	if (slots_ensure(c) < 0 || groups_ensure(c, keep_reps) < 0 ||
	    nodes_ensure(c, CL_BANDS * keep_reps) < 0)
		goto fail;
	cl = calloc(1, claim_size(cap));
	if (!cl)
		goto fail;

	/* committed from here on */
	slot = make_room(c, NULL);
	c->mem += claim_size(cap) + (blocks[0] ? CL_BLOCK : 0) + (blocks[1] ? CL_BLOCK : 0);
	c->slots[slot] = cl;
	c->live++;
	cl->id = id;
	cl->size = size;
	cl->last_us = last_us;
	cl->excerpt_cap = cap;
	if (window == c->p.window_us) {
		cl->ring_head = ring_head;
		memcpy(cl->ring, ring, sizeof(ring));
	} else {
		/* written with another window: its slot counts mean nothing here */
		cl->ring_head = cl_floor_div(last_us, c->slot_us);
	}
	if (ents) {
		cl->spread = ents;
		cl->spread_cap = n_keep;
		c->mem += (size_t)n_keep * sizeof(*ents);
		ents = NULL;
	} else {
		rec_ent e;
		r.off = spread_off;
		get_ent(&r, &e);
		cl->one = (cl_ent){ e.post_id, e.time_us, srcs[0] };
		cl->spread_cap = 1;
	}
	cl->n_spread = n_keep;
	n_srcs = 0; /* the references now belong to the claim */
	set_excerpt(c, cl, (const char *)excerpt, excerpt_len);
	counter_install(&cl->authors, &ctr[0], blocks[0]);
	counter_install(&cl->sources, &ctr[1], blocks[1]);
	blocks[0] = blocks[1] = NULL;
	r.off = reps_off;
	for (uint32_t i = 0; i < keep_reps; i++) {
		uint64_t fp;
		hs_simhash_sketch sk;
		uint32_t g;
		get_rep(&r, &fp, &sk);
		g = index_add(c, slot, fp, &sk);
		if (i == 0) {
			cl->rep0 = g;
			cl->fp0 = fp;
		}
		if (reps)
			reps[i] = g;
	}
	if (reps) {
		cl->reps = reps;
		c->mem += c->p.max_reps * sizeof(*reps);
		reps = NULL;
	}
	cl->n_reps = keep_reps;
	id_insert(c, cl->id, slot);
	after = c->lru_tail;
	for (unsigned i = 0; i < CL_RESTORE_WALK && after && c->slots[after - 1]->last_us > last_us;
	     i++)
		after = c->lru[after - 1].prev;
	lru_insert_after(c, slot, after);
	if (id >= c->next_id)
		c->next_id = id + 1;
	c->restored++;
	cl = NULL;
	rc = 0;
fail:
	for (uint32_t i = 0; i < n_srcs; i++)
		pool_unref(c, srcs[i]);
	free(srcs);
	free(ents);
	free(reps);
	free(blocks[0]);
	free(blocks[1]);
	free(cl);
	return rc;
}
