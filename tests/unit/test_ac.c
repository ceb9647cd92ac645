/* hearsay: unit tests for the Aho-Corasick literal matcher (rules/ac.c).
 *
 * Most tests compare hs_ac_scan with a naive reference (memmem of every
 * literal at every position): the same (id, end) sequence, in the order
 * ac.h promises (end ascending; for one end, longer literals first; one
 * literal's ids in the order added). Each such check runs under several
 * dense-table budgets, so both the dense rows and the sparse states (edges
 * plus failure links) are exercised.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rules/ac.h"

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct lit {
	const unsigned char *s; /* borrowed */
	size_t len;
	uint32_t id;
} lit;

typedef struct ev {
	uint32_t id;
	size_t end;
	size_t len;  /* reference only: sort keys */
	size_t idx;
} ev;

typedef struct evlist {
	ev *v;
	size_t n, cap;
	size_t stop_after; /* collector returns 42 after this many (0 = never) */
} evlist;

static void ev_push(evlist *l, uint32_t id, size_t end, size_t len, size_t idx)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) /* not ck_assert: each of those writes to a pipe */
			ck_abort_msg("out of memory");
	}
	l->v[l->n++] = (ev){ id, end, len, idx };
}

static int collect(void *ud, uint32_t id, size_t end)
{
	evlist *l = ud;

	ev_push(l, id, end, 0, 0);
	if (l->stop_after && l->n == l->stop_after)
		return 42;
	return 0;
}

static int ev_ref_cmp(const void *pa, const void *pb)
{
	const ev *a = pa, *b = pb;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* Every occurrence of every literal, in the promised order. */
static void reference(const lit *lits, size_t n, const unsigned char *text, size_t len,
                      evlist *out)
{
	for (size_t i = 0; i < n; i++) {
		size_t pos = 0;
		while (pos + lits[i].len <= len) {
			const unsigned char *p = memmem(text + pos, len - pos, lits[i].s, lits[i].len);
			if (!p)
				break;
			size_t at = (size_t)(p - text);
			ev_push(out, lits[i].id, at + lits[i].len, lits[i].len, i);
			pos = at + 1;
		}
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), ev_ref_cmp);
}

static hs_ac *build(const lit *lits, size_t n, size_t budget)
{
	hs_ac_builder *b = hs_ac_builder_new();

	ck_assert_ptr_nonnull(b);
	hs_ac_builder_set_dense_budget(b, budget);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(hs_ac_add(b, lits[i].s, lits[i].len, lits[i].id), 0);
	hs_ac *ac = hs_ac_build(b);
	ck_assert_ptr_nonnull(ac);
	ck_assert_uint_eq(hs_ac_count(ac), n);
	return ac;
}

static const size_t budgets[] = { 0, 256, 2048, 65536, SIZE_MAX };
#define N_BUDGETS (sizeof(budgets) / sizeof(budgets[0]))

/* Scan with every budget; the result must equal the reference exactly. */
static void check_against_reference(const lit *lits, size_t n, const unsigned char *text,
                                    size_t len)
{
	evlist want = { 0 };

	reference(lits, n, text, len, &want);
	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, n, budgets[bi]);
		evlist got = { 0 };
		ck_assert_int_eq(hs_ac_scan(ac, text, len, collect, &got), 0);
		ck_assert_msg(got.n == want.n, "budget %zu: %zu matches, reference %zu",
		              budgets[bi], got.n, want.n);
		for (size_t i = 0; i < want.n; i++)
			if (got.v[i].id != want.v[i].id || got.v[i].end != want.v[i].end)
				ck_abort_msg("budget %zu: match %zu is (id %u, end %zu), "
				             "reference (id %u, end %zu)",
				             budgets[bi], i, got.v[i].id, got.v[i].end,
				             want.v[i].id, want.v[i].end);
		free(got.v);
		hs_ac_free(ac);
	}
	free(want.v);
}

#define L(str, id) { (const unsigned char *)(str), sizeof(str) - 1, (id) }
#define T(str) (const unsigned char *)(str), (sizeof(str) - 1)

/* Deterministic PRNG (xorshift64*). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/* ---- tests --------------------------------------------------------------------------- */

START_TEST(test_classic)
{
	static const lit lits[] = { L("he", 0), L("she", 1), L("his", 2), L("hers", 3),
		                    L("ushers", 4) };
	/* exact expected sequence, then the reference cross-check */
	static const struct { uint32_t id; size_t end; } want[] = {
		{ 1, 4 }, { 0, 4 }, { 4, 6 }, { 3, 6 }, { 2, 10 },
		{ 0, 13 }, { 3, 15 }, { 1, 17 }, { 0, 17 },
	};
	const unsigned char *text = (const unsigned char *)"ushers his hershe";

	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, 5, budgets[bi]);
		evlist got = { 0 };
		ck_assert_int_eq(hs_ac_scan(ac, text, strlen((const char *)text), collect, &got), 0);
		ck_assert_uint_eq(got.n, sizeof(want) / sizeof(want[0]));
		for (size_t i = 0; i < got.n; i++) {
			ck_assert_uint_eq(got.v[i].id, want[i].id);
			ck_assert_uint_eq(got.v[i].end, want[i].end);
		}
		free(got.v);
		hs_ac_free(ac);
	}
	check_against_reference(lits, 5, text, strlen((const char *)text));
}
END_TEST

START_TEST(test_prefix_suffix)
{
	static const lit lits[] = {
		L("a", 0), L("aa", 1), L("aaa", 2), L("aaaa", 3),
		L("abc", 4), L("ab", 5), L("bc", 6), L("c", 7), L("abcd", 8), L("bcd", 9),
		L("xabcdx", 10), L("dx", 11),
	};
	static const lit runs[] = { L("aaaa", 0) };

	check_against_reference(lits, 12, T("aaaaaa"));
	check_against_reference(lits, 12, T("xabcdxabcdx aaabcd c"));
	check_against_reference(lits, 12, T("abcabcaabcaaabcd"));
	/* "aaaa" in "aaaaaa": overlapping occurrences ending at 4, 5, 6 */
	hs_ac *ac = build(runs, 1, HS_AC_DENSE_BUDGET_DEFAULT);
	evlist got = { 0 };
	hs_ac_scan(ac, T("aaaaaa"), collect, &got);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_uint_eq(got.v[0].end, 4);
	ck_assert_uint_eq(got.v[2].end, 6);
	free(got.v);
	hs_ac_free(ac);
}
END_TEST

START_TEST(test_same_literal_several_ids)
{
	static const lit lits[] = { L("march", 7), L("arch", 3), L("march", 2), L("march", 7),
		                    L("arch", 9) };
	/* end 11: march ids 7, 2, 7 (added order), then arch ids 3, 9 */
	static const uint32_t want[] = { 7, 2, 7, 3, 9 };

	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, 5, budgets[bi]);
		evlist got = { 0 };
		ck_assert_int_eq(hs_ac_scan(ac, T("the march!"), collect, &got), 0);
		ck_assert_uint_eq(got.n, 5);
		for (size_t i = 0; i < 5; i++) {
			ck_assert_uint_eq(got.v[i].id, want[i]);
			ck_assert_uint_eq(got.v[i].end, 9);
		}
		ck_assert_uint_eq(hs_ac_count(ac), 5);
		free(got.v);
		hs_ac_free(ac);
	}
	check_against_reference(lits, 5, T("marchmarch arch"));
}
END_TEST

START_TEST(test_all_bytes)
{
	unsigned char single[256], pairs[256][2], all[256], text[1024];
	lit lits[256 + 256 + 1];
	size_t n = 0, tl = 0;

	for (int c = 0; c < 256; c++) {
		single[c] = (unsigned char)c;
		all[c] = (unsigned char)(255 - c);
	}
	/* even bytes alone, and every third byte followed by its successor
	 * (so odd bytes = 2 mod 3 are in no literal: they share a class) */
	for (int c = 0; c < 256; c += 2)
		lits[n++] = (lit){ &single[c], 1, (uint32_t)c };
	for (int c = 0; c < 256; c += 3) {
		pairs[c][0] = (unsigned char)c;
		pairs[c][1] = (unsigned char)(c + 1);
		lits[n++] = (lit){ pairs[c], 2, (uint32_t)(1000 + c) };
	}
	hs_ac *ac = build(lits, n, SIZE_MAX);
	hs_ac_stats st;
	hs_ac_get_stats(ac, &st);
	ck_assert_uint_lt(st.classes, 256);
	hs_ac_free(ac);
	for (int c = 0; c < 256; c++)
		text[tl++] = (unsigned char)c;
	for (int c = 255; c >= 0; c--)
		text[tl++] = (unsigned char)c;
	memcpy(text + tl, all, 256);
	tl += 256;
	for (int c = 0; c < 256; c++)
		text[tl++] = (unsigned char)(c * 7);
	check_against_reference(lits, n, text, tl);

	/* one literal holding every byte value (256 classes, no spare one) */
	lits[n++] = (lit){ all, 256, 5000 };
	check_against_reference(lits, n, text, tl);
	ac = build(lits, n, SIZE_MAX);
	hs_ac_get_stats(ac, &st);
	ck_assert_uint_eq(st.classes, 256);
	hs_ac_free(ac);

	/* NUL bytes inside literals and text */
	static const lit nul[] = { { (const unsigned char *)"a\0b", 3, 1 },
		                   { (const unsigned char *)"\0\0", 2, 2 } };
	check_against_reference(nul, 2, T("a\0b\0\0\0a\0b"));
}
END_TEST

START_TEST(test_utf8)
{
	static const lit lits[] = {
		L("caf\xc3\xa9", 0),               /* café */
		L("\xc3\xa9", 1),                  /* é */
		L("gr\xc3\xb6\xc3\x9f" "e", 2),    /* größe */
		L("\xe6\x97\xa5\xe6\x9c\xac", 3),  /* 日本 */
		L("\xf0\x9f\x98\x80", 4),          /* 😀 */
		L("\xc3\xa9t\xc3\xa9", 5),         /* été */
	};
	const unsigned char text[] = "un caf\xc3\xa9 \xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
	                             "gr\xc3\xb6\xc3\x9f" "e \xf0\x9f\x98\x80\xf0\x9f\x98\x80";
	size_t len = sizeof(text) - 1;

	check_against_reference(lits, 6, text, len);
	/* ends are byte offsets: café ends after its 2-byte é */
	hs_ac *ac = build(lits, 6, HS_AC_DENSE_BUDGET_DEFAULT);
	evlist got = { 0 };
	hs_ac_scan(ac, text, len, collect, &got);
	ck_assert_uint_ge(got.n, 2);
	ck_assert_uint_eq(got.v[0].id, 0);
	ck_assert_uint_eq(got.v[0].end, 8);
	ck_assert_uint_eq(got.v[1].id, 1);
	ck_assert_uint_eq(got.v[1].end, 8);
	free(got.v);
	hs_ac_free(ac);
}
END_TEST

START_TEST(test_no_match)
{
	static const lit lits[] = { L("riot", 0), L("march", 1), L("they are planning", 2) };

	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, 3, budgets[bi]);
		evlist got = { 0 };
		ck_assert_int_eq(hs_ac_scan(ac, T("a quiet afternoon by the river wend, "
		                                  "they are plannin"), collect, &got), 0);
		ck_assert_uint_eq(got.n, 0);
		ck_assert_int_eq(hs_ac_scan(ac, NULL, 0, collect, &got), 0);
		ck_assert_int_eq(hs_ac_scan(ac, T(""), collect, &got), 0);
		ck_assert_int_eq(hs_ac_scan(ac, T("rio"), collect, &got), 0);
		ck_assert_uint_eq(got.n, 0);
		ck_assert_int_eq(hs_ac_scan(ac, T("x"), NULL, NULL), 0);
		free(got.v);
		hs_ac_free(ac);
	}
	ck_assert_int_eq(hs_ac_scan(NULL, T("riot"), collect, NULL), 0);
}
END_TEST

START_TEST(test_stop_early)
{
	static const lit lits[] = { L("he", 0), L("she", 1), L("his", 2), L("hers", 3),
		                    L("ushers", 4) };
	const unsigned char *text = (const unsigned char *)"ushers his hershe";
	size_t len = strlen((const char *)text);

	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, 5, budgets[bi]);
		evlist all = { 0 };
		hs_ac_scan(ac, text, len, collect, &all);
		ck_assert_uint_eq(all.n, 9);
		/* stop after k matches, for every k: the first k of the
		 * full sequence, and the callback's value returned */
		for (size_t k = 1; k <= all.n; k++) {
			evlist got = { 0 };
			got.stop_after = k;
			ck_assert_int_eq(hs_ac_scan(ac, text, len, collect, &got), 42);
			ck_assert_uint_eq(got.n, k);
			for (size_t i = 0; i < k; i++) {
				ck_assert_uint_eq(got.v[i].id, all.v[i].id);
				ck_assert_uint_eq(got.v[i].end, all.v[i].end);
			}
			free(got.v);
		}
		free(all.v);
		hs_ac_free(ac);
	}
}
END_TEST

START_TEST(test_api_edges)
{
	hs_ac_builder *b = hs_ac_builder_new();

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(hs_ac_add(b, (const unsigned char *)"x", 0, 1), -1);
	ck_assert_int_eq(hs_ac_add(b, NULL, 3, 1), -1);
	ck_assert_int_eq(hs_ac_add(NULL, (const unsigned char *)"x", 1, 1), -1);
	hs_ac_builder_free(b);
	hs_ac_builder_free(NULL);
	ck_assert_ptr_null(hs_ac_build(NULL));
	hs_ac_free(NULL);
	ck_assert_uint_eq(hs_ac_count(NULL), 0);
	ck_assert_uint_eq(hs_ac_memory(NULL), 0);

	/* an empty automaton never matches */
	b = hs_ac_builder_new();
	ck_assert_int_eq(hs_ac_add(b, (const unsigned char *)"", 0, 1), -1);
	hs_ac *ac = hs_ac_build(b);
	ck_assert_ptr_nonnull(ac);
	ck_assert_uint_eq(hs_ac_count(ac), 0);
	ck_assert_uint_gt(hs_ac_memory(ac), 0);
	evlist got = { 0 };
	ck_assert_int_eq(hs_ac_scan(ac, T("anything at all"), collect, &got), 0);
	ck_assert_uint_eq(got.n, 0);
	hs_ac_free(ac);

	/* a refused add leaves the builder usable */
	b = hs_ac_builder_new();
	ck_assert_int_eq(hs_ac_add(b, (const unsigned char *)"ab", 2, 1), 0);
	ck_assert_int_eq(hs_ac_add(b, (const unsigned char *)"", 0, 2), -1);
	ck_assert_int_eq(hs_ac_add(b, (const unsigned char *)"b", 1, 3), 0);
	ac = hs_ac_build(b);
	ck_assert_uint_eq(hs_ac_count(ac), 2);
	ck_assert_int_eq(hs_ac_scan(ac, T("ab"), collect, &got), 0);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_uint_eq(got.v[0].id, 1);
	ck_assert_uint_eq(got.v[1].id, 3);
	free(got.v);
	hs_ac_free(ac);
}
END_TEST

/* Random literal sets over alphabets of several sizes, checked against the
 * reference under every budget. Small alphabets give heavy overlap and long
 * failure chains; the full byte range gives many classes. */
START_TEST(test_random_vs_reference)
{
	uint64_t seed = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)_i;
	static const int alpha[] = { 2, 3, 4, 8, 26, 256 };
	int a = alpha[_i % 6];
	size_t n = 1 + rng_next(&seed) % 300;
	size_t text_len = rng_next(&seed) % 3000;
	size_t max_len = 1 + rng_next(&seed) % 12;
	unsigned char *pool = malloc(n * max_len + 1);
	unsigned char *text = malloc(text_len + 1);
	lit *lits = malloc(n * sizeof(*lits));

	ck_assert_ptr_nonnull(pool);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(lits);
	for (size_t i = 0; i < n; i++) {
		unsigned char *s = pool + i * max_len;
		size_t len;
		if (i > 0 && rng_next(&seed) % 8 == 0) {
			/* a duplicate, a prefix or a suffix of an earlier one */
			const lit *o = &lits[rng_next(&seed) % i];
			len = 1 + rng_next(&seed) % o->len;
			if (rng_next(&seed) % 2)
				memcpy(s, o->s, len);
			else
				memcpy(s, o->s + o->len - len, len);
		} else {
			len = 1 + rng_next(&seed) % max_len;
			for (size_t k = 0; k < len; k++)
				s[k] = (unsigned char)(a == 256 ? rng_next(&seed) % 256
				                                : 'a' + rng_next(&seed) % (uint64_t)a);
		}
		lits[i] = (lit){ s, len, (uint32_t)(rng_next(&seed) % (n + 5)) };
	}
	for (size_t k = 0; k < text_len; k++) {
		/* mostly the literal alphabet, sometimes a byte outside it */
		if (a < 256 && rng_next(&seed) % 50 == 0)
			text[k] = (unsigned char)(rng_next(&seed) % 256);
		else
			text[k] = (unsigned char)(a == 256 ? rng_next(&seed) % 256
			                                   : 'a' + rng_next(&seed) % (uint64_t)a);
	}
	/* plant some literals in the text */
	for (size_t p = 0; p < n && text_len > max_len; p += 1 + n / 10) {
		size_t at = rng_next(&seed) % (text_len - max_len);
		memcpy(text + at, lits[p].s, lits[p].len);
	}
	check_against_reference(lits, n, text, text_len);
	free(lits);
	free(text);
	free(pool);
}
END_TEST

/* One large set of word-like literals (lowercase and spaces), as the rule
 * engine will produce, against a text full of them. */
START_TEST(test_large_wordlike)
{
	uint64_t seed = 12345;
	enum { N = 5000, MAXL = 20, TL = 20000 };
	unsigned char *pool = malloc((size_t)N * MAXL);
	unsigned char *text = malloc(TL);
	lit *lits = malloc(N * sizeof(*lits));

	ck_assert_ptr_nonnull(pool);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(lits);
	for (size_t i = 0; i < N; i++) {
		unsigned char *s = pool + i * MAXL;
		size_t len = 3 + rng_next(&seed) % (MAXL - 2);
		for (size_t k = 0; k < len; k++)
			s[k] = (unsigned char)(rng_next(&seed) % 6 == 0 ? ' '
			                                                : 'a' + rng_next(&seed) % 8);
		lits[i] = (lit){ s, len, (uint32_t)i };
	}
	for (size_t k = 0; k < TL; k++)
		text[k] = (unsigned char)(rng_next(&seed) % 6 == 0 ? ' ' : 'a' + rng_next(&seed) % 8);
	for (size_t p = 0; p < 300; p++) {
		const lit *l = &lits[rng_next(&seed) % N];
		memcpy(text + rng_next(&seed) % (TL - MAXL), l->s, l->len);
	}
	check_against_reference(lits, N, text, TL);
	free(lits);
	free(text);
	free(pool);
}
END_TEST

START_TEST(test_memory)
{
	uint64_t seed = 777;
	enum { N = 2000, MAXL = 16 };
	unsigned char *pool = malloc((size_t)N * MAXL);
	lit *lits = malloc(N * sizeof(*lits));
	size_t total = 0;

	ck_assert_ptr_nonnull(pool);
	ck_assert_ptr_nonnull(lits);
	for (size_t i = 0; i < N; i++) {
		unsigned char *s = pool + i * MAXL;
		size_t len = 3 + rng_next(&seed) % (MAXL - 2);
		for (size_t k = 0; k < len; k++)
			s[k] = (unsigned char)('a' + rng_next(&seed) % 26);
		lits[i] = (lit){ s, len, (uint32_t)i };
		total += len;
	}
	hs_ac *small = build(lits, 10, HS_AC_DENSE_BUDGET_DEFAULT);
	hs_ac *full = build(lits, N, SIZE_MAX);
	hs_ac *sparse = build(lits, N, 0);
	hs_ac_stats sf, ss, s10;
	hs_ac_get_stats(full, &sf);
	hs_ac_get_stats(sparse, &ss);
	hs_ac_get_stats(small, &s10);

	ck_assert_uint_eq(sf.literals, N);
	ck_assert_uint_eq(sf.memory, hs_ac_memory(full));
	ck_assert_uint_eq(sf.states, ss.states);
	ck_assert_uint_le(sf.states, total + 1);
	ck_assert_uint_gt(sf.states, N);          /* random words share little */
	ck_assert_uint_eq(sf.dense_states, sf.states);
	ck_assert_uint_eq(ss.dense_states, 1);
	ck_assert_uint_le(sf.classes, 27);
	/* full DFA: one row (classes + 1 uint32) per state, plus outputs */
	ck_assert_uint_ge(sf.memory, sf.states * (sf.classes + 1) * 4);
	ck_assert_uint_le(sf.memory, sf.states * (sf.classes + 1) * 4 + 16 * (size_t)N + 4096);
	/* all sparse: the documented bound (21 bytes a state, 16 a literal) */
	ck_assert_uint_le(ss.memory, (ss.classes + 1) * 4 + 21 * ss.states + 16 * (size_t)N + 1024);
	ck_assert_uint_lt(ss.memory, sf.memory);
	/* more literals, more memory; small sets stay small */
	ck_assert_uint_lt(s10.memory, sf.memory);
	ck_assert_uint_lt(s10.memory, 64 * 1024);
	/* a budget is respected (one row beyond it at most) */
	hs_ac *mid = build(lits, N, 100000);
	hs_ac_stats sm;
	hs_ac_get_stats(mid, &sm);
	ck_assert_uint_le(sm.dense_states * (sm.classes + 1) * 4, 100000);
	ck_assert_uint_gt(sm.dense_states, 1);
	ck_assert_uint_lt(sm.dense_states, sm.states);
	hs_ac_free(mid);
	hs_ac_free(small);
	hs_ac_free(full);
	hs_ac_free(sparse);
	free(lits);
	free(pool);
}
END_TEST

/* Several threads scan one automaton at once and all see the reference. */
typedef struct thr {
	const hs_ac *ac;
	const unsigned char *text;
	size_t len;
	const evlist *want;
	int bad;
} thr;

static void *scan_thread(void *arg)
{
	thr *t = arg;

	for (int round = 0; round < 20; round++) {
		evlist got = { 0 };
		/* no ck_assert here: Check's assertions are not for threads */
		hs_ac_scan(t->ac, t->text, t->len, collect, &got);
		if (got.n != t->want->n)
			t->bad++;
		for (size_t i = 0; i < got.n && i < t->want->n; i++)
			if (got.v[i].id != t->want->v[i].id || got.v[i].end != t->want->v[i].end)
				t->bad++;
		free(got.v);
	}
	return NULL;
}

START_TEST(test_threads)
{
	static const lit lits[] = { L("he", 0), L("she", 1), L("his", 2), L("hers", 3),
		                    L("ushers", 4), L("march", 5), L("ch", 6) };
	char text[4096];
	size_t len = 0;
	evlist want = { 0 };
	pthread_t th[4];
	thr st[4];

	while (len + 40 < sizeof(text)) {
		memcpy(text + len, "ushers march his hershe church ", 31);
		len += 31;
	}
	reference(lits, 7, (const unsigned char *)text, len, &want);
	for (size_t bi = 0; bi < N_BUDGETS; bi++) {
		hs_ac *ac = build(lits, 7, budgets[bi]);
		for (int i = 0; i < 4; i++) {
			st[i] = (thr){ ac, (const unsigned char *)text, len, &want, 0 };
			ck_assert_int_eq(pthread_create(&th[i], NULL, scan_thread, &st[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			ck_assert_int_eq(pthread_join(th[i], NULL), 0);
			ck_assert_int_eq(st[i].bad, 0);
		}
		hs_ac_free(ac);
	}
	free(want.v);
}
END_TEST

static Suite *ac_suite(void)
{
	Suite *s = suite_create("ac");
	TCase *tc = tcase_create("basic");

	tcase_add_test(tc, test_classic);
	tcase_add_test(tc, test_prefix_suffix);
	tcase_add_test(tc, test_same_literal_several_ids);
	tcase_add_test(tc, test_all_bytes);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_no_match);
	tcase_add_test(tc, test_stop_early);
	tcase_add_test(tc, test_api_edges);
	tcase_add_test(tc, test_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("reference");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_random_vs_reference, 0, 60);
	tcase_add_test(tc, test_large_wordlike);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ac_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
