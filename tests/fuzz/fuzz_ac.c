/* hearsay fuzz target: the Aho-Corasick literal matcher (rules/ac.c),
 * checked against a naive memmem reference (a differential oracle).
 *
 * Input layout:
 *
 *     N FLAGS (LEN BYTES{(LEN & 31) % 24}){N % 64} TEXT...
 *
 *   N      number of literals (N % 64)
 *   FLAGS  bits 0-1: alphabet: every literal and text byte b is used as is
 *                 (0 and 3), or becomes 'a' + b % 3 (1: dense overlaps, long
 *                 failure chains) or 'a' + b % 16 (2: wide fan-out, so
 *                 sparse states with many edges)
 *          bits 2-3: dense-table budget: 0 (only the root dense), 256 bytes,
 *                 4 KiB or the default (usually all dense)
 *          bits 4-7: K; if non-zero, a second scan stops after K matches
 *   LEN    one literal: the first min(LEN >> 5, its length) bytes of the
 *          previous literal, then (LEN & 31) % 24 new bytes, which follow
 *          (fewer if the input ends). The copied prefix makes shared
 *          prefixes and wide fan-out easy to reach. An empty literal must
 *          be refused by hs_ac_add. Literal i gets id i, so a repeated
 *          literal has several ids.
 *   TEXT   the rest of the input.
 *
 * Checks (abort() on failure): hs_ac_add refuses exactly the empty
 * literals; hs_ac_count is the number accepted; hs_ac_scan reports exactly
 * the reference's (id, end) sequence (end ascending, longer literals first
 * at one end, ids of one literal in the order added); a callback that stops
 * after K matches gets the first K and its value back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LITS 64
#define MAX_NEW 24                 /* new bytes per literal */
#define MAX_LEN (7 + MAX_NEW)     /* plus a copied prefix of up to 7 */

typedef struct ev {
	uint32_t id;
	size_t end, len;
} ev;

typedef struct evlist {
	ev *v;
	size_t n, cap, stop_after;
} evlist;

static void push(evlist *l, uint32_t id, size_t end, size_t len)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		ev *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv) {
			fprintf(stderr, "fuzz_ac: out of memory\n");
			abort();
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = (ev){ id, end, len };
}

static int collect(void *ud, uint32_t id, size_t end)
{
	evlist *l = ud;

	push(l, id, end, 0);
	return l->stop_after && l->n == l->stop_after ? 7 : 0;
}

/* end ascending, then longer first, then id ascending (= order added) */
static int ev_cmp(const void *pa, const void *pb)
{
	const ev *a = pa, *b = pb;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

static void fail_at(const char *what, size_t i, const evlist *got, const evlist *want)
{
	fprintf(stderr, "fuzz_ac: %s at match %zu: got %zu matches, reference %zu\n", what, i,
	        got->n, want->n);
	if (i < got->n)
		fprintf(stderr, "  got (id %u, end %zu)\n", got->v[i].id, got->v[i].end);
	if (i < want->n)
		fprintf(stderr, "  want (id %u, end %zu)\n", want->v[i].id, want->v[i].end);
	abort();
}

static unsigned char map_byte(unsigned alpha, uint8_t b)
{
	if (alpha == 1)
		return (unsigned char)('a' + b % 3);
	if (alpha == 2)
		return (unsigned char)('a' + b % 16);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t budgets[4] = { 0, 256, 4096, HS_AC_DENSE_BUDGET_DEFAULT };
	unsigned char lits[MAX_LITS][MAX_LEN];
	size_t lens[MAX_LITS], n, pos = 2, accepted = 0, text_len;
	unsigned char *text = NULL;
	evlist want = { 0 }, got = { 0 }, part = { 0 };
	hs_ac_builder *b = NULL;
	hs_ac *ac = NULL;
	unsigned alpha;
	int rc;
	size_t k;

	if (size < 2)
		return 0;
	n = data[0] % MAX_LITS;
	alpha = data[1] & 3;
	k = data[1] >> 4;
	for (size_t i = 0; i < n; i++) {
		uint8_t spec = pos < size ? data[pos++] : 0;
		size_t pre = spec >> 5, len = (spec & 31u) % MAX_NEW;
		if (i == 0 || pre > lens[i - 1])
			pre = i == 0 ? 0 : lens[i - 1];
		if (pre)
			memcpy(lits[i], lits[i - 1], pre);
		if (len > size - pos)
			len = size - pos;
		for (size_t j = 0; j < len; j++)
			lits[i][pre + j] = map_byte(alpha, data[pos + j]);
		lens[i] = pre + len;
		pos += len;
	}
	text_len = size - pos;
	text = malloc(text_len ? text_len : 1);
	if (!text)
		goto out;
	for (size_t j = 0; j < text_len; j++)
		text[j] = map_byte(alpha, data[pos + j]);

	b = hs_ac_builder_new();
	if (!b)
		goto out;
	hs_ac_builder_set_dense_budget(b, budgets[(data[1] >> 2) & 3]);
	for (size_t i = 0; i < n; i++) {
		rc = hs_ac_add(b, lits[i], lens[i], (uint32_t)i);
		if ((rc == 0) != (lens[i] > 0)) {
			fprintf(stderr, "fuzz_ac: hs_ac_add(len %zu) returned %d\n", lens[i], rc);
			abort();
		}
		accepted += rc == 0;
	}
	ac = hs_ac_build(b);
	b = NULL; /* consumed */
	if (!ac)
		goto out;
	if (hs_ac_count(ac) != accepted || hs_ac_memory(ac) == 0) {
		fprintf(stderr, "fuzz_ac: count %zu (want %zu), memory %zu\n", hs_ac_count(ac),
		        accepted, hs_ac_memory(ac));
		abort();
	}

	/* the reference: every occurrence of every non-empty literal */
	for (size_t i = 0; i < n; i++) {
		size_t at = 0;
		if (lens[i] == 0)
			continue;
		while (at + lens[i] <= text_len) {
			const unsigned char *p =
			        memmem(text + at, text_len - at, lits[i], lens[i]);
			if (!p)
				break;
			at = (size_t)(p - text);
			push(&want, (uint32_t)i, at + lens[i], lens[i]);
			at++;
		}
	}
	if (want.n)
		qsort(want.v, want.n, sizeof(*want.v), ev_cmp);

	if (hs_ac_scan(ac, text, text_len, collect, &got) != 0)
		fail_at("scan returned non-zero", 0, &got, &want);
	if (got.n != want.n)
		fail_at("match count differs", got.n < want.n ? got.n : want.n, &got, &want);
	for (size_t i = 0; i < want.n; i++)
		if (got.v[i].id != want.v[i].id || got.v[i].end != want.v[i].end)
			fail_at("mismatch", i, &got, &want);

	/* stopping early */
	if (k > 0) {
		part.stop_after = k;
		rc = hs_ac_scan(ac, text, text_len, collect, &part);
		if (rc != (k <= want.n ? 7 : 0) || part.n != (k <= want.n ? k : want.n))
			fail_at("stop early", part.n, &part, &want);
		for (size_t i = 0; i < part.n; i++)
			if (part.v[i].id != want.v[i].id || part.v[i].end != want.v[i].end)
				fail_at("stop early mismatch", i, &part, &want);
	}
out:
	hs_ac_builder_free(b);
	hs_ac_free(ac);
	free(text);
	free(want.v);
	free(got.v);
	free(part.v);
	return 0;
}
