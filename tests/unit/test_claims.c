/* hearsay: unit tests for rumour claims (rules/claims.c).
 *
 * Posts go through the real pipeline (hs_norm_run, terms view,
 * hs_simhash_sign) before hs_claims_add, so grouping is tested on what the
 * daemon will give it. The random-stream test checks the index after many
 * evictions and expiries: every live claim must still be found by an exact
 * copy of its first post, and the counters must add up.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rules/claims.h"
#include "rules/normalize.h"
#include "rules/simhash.h"

#define T0 INT64_C(1778889600000000) /* 2026-05-16T00:00:00Z */
#define MIN_US INT64_C(60000000)
#define HOUR_US (60 * MIN_US)

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct fx {
	hs_norm *n;
	hs_claims *c;
	uint64_t dropped[64];
	hs_claim_drop why[64];
	size_t n_dropped;
} fx;

static void on_drop(void *ud, uint64_t id, hs_claim_drop why)
{
	fx *f = ud;

	if (f->n_dropped < 64) {
		f->dropped[f->n_dropped] = id;
		f->why[f->n_dropped] = why;
	}
	f->n_dropped++;
}

static void fx_open(fx *f, hs_claims_params *p)
{
	hs_claims_params d;

	memset(f, 0, sizeof(*f));
	if (!p) {
		hs_claims_params_default(&d);
		p = &d;
	}
	p->on_drop = on_drop;
	p->on_drop_ud = f;
	f->n = hs_norm_new();
	f->c = hs_claims_new(p);
	ck_assert_ptr_nonnull(f->n);
	ck_assert_ptr_nonnull(f->c);
}

static void fx_close(fx *f)
{
	hs_claims_free(f->c);
	hs_norm_free(f->n);
}

/* Normalise, sign and add one post; returns the result. */
static hs_claim_result add(fx *f, const char *text, uint64_t post_id, const char *source,
                           const char *author, int64_t t)
{
	hs_claim_result r;
	hs_simhash_sig sig;
	size_t len;
	const char *terms;

	ck_assert_int_eq(hs_norm_run(f->n, text, strlen(text)), 0);
	terms = hs_norm_terms(f->n, &len);
	hs_simhash_sign(terms, len, &sig);
	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(hs_claims_add(f->c, &sig, post_id, source, author, t, terms, len, &r), 0);
	return r;
}

static hs_claim_info get(fx *f, uint64_t id, int64_t now)
{
	hs_claim_info i;

	ck_assert_msg(hs_claims_get(f->c, id, now, &i) == 0, "claim %llu not found",
	              (unsigned long long)id);
	return i;
}

static const char *seed_text =
	"Police closed the bridge in Delft after a fire, share before they delete it";
static const char *copies[] = {
	"RT @bob: Police closed the bridge in Delft after a fire, share before they delete it",
	"Police closed the bridge in Delft after a fire, share before they delete it "
	"https://t.example/1",
	"POLICE CLOSED THE BRIDGE IN DELFT AFTER A FIRE!!! Share before they delete it",
	"@carol police closed the bridge in delft after a fire - share before they delete it",
	"Police closed the bridge in Delft after a big fire, share before they delete it",
	"Police closed the bridge in Delft after a fire, share before they delete it #Delft",
	"Police closed the bridge in Delft after a fire, please share before they delete it",
};
/* One-word edits of seed_text: all resemble it at 80 % or more. */
static const char *edits[] = {
	"Police shut the bridge in Delft after a fire, share before they delete it",
	"Police closed the bridge in Delft after a fire, share it before they delete it",
	"Police closed the bridge in Delft after the fire, share before they delete it",
	"Police closed the bridge in Delft after a fire, share before they delete it now",
	"Police have closed the bridge in Delft after a fire, share before they delete it",
	"Police closed the bridge in Delft after a fire, share before they remove it",
};
static const char *unrelated[] = {
	"The council will close the swimming pool in Gouda next month",
	"Heavy rain expected in Leiden on Sunday, stay safe everyone",
	"Farmers are planning a blockade at the town hall in Zwolle on Friday",
	"Do not drink the tap water in Breda, the water company found bacteria",
	"Roadworks on the high street in Arnhem until Tuesday, expect delays",
	"La police a ferm\xc3\xa9 le march\xc3\xa9 \xc3\xa0 Lille apr\xc3\xa8s une bagarre",
	"De politie heeft de brug in Haarlem afgesloten na een steekpartij",
};

/* ---- grouping ---------------------------------------------------------------------------- */

START_TEST(test_grouping)
{
	fx f;
	hs_claim_result r;
	hs_claims_stats st;
	uint64_t id;

	fx_open(&f, NULL);
	r = add(&f, seed_text, 1, "mastodon", "a1", T0);
	ck_assert_int_eq(r.outcome, HS_CLAIM_NEW);
	ck_assert_uint_eq(r.claim_id, 1);
	ck_assert_uint_eq(r.size, 1);
	ck_assert_uint_eq(r.distance, 0);
	ck_assert_uint_eq(r.resemblance, 100);
	id = r.claim_id;
	for (size_t i = 0; i < sizeof(copies) / sizeof(*copies); i++) {
		r = add(&f, copies[i], 2 + i, "bluesky", "a2", T0 + (int64_t)(i + 1) * MIN_US);
		ck_assert_msg(r.outcome == HS_CLAIM_JOINED && r.claim_id == id,
		              "copy %zu: outcome %d claim %llu", i, (int)r.outcome,
		              (unsigned long long)r.claim_id);
		ck_assert_uint_eq(r.size, i + 2);
		ck_assert_uint_le(r.distance, 12);
		ck_assert_uint_ge(r.resemblance, 75);
	}
	for (size_t i = 0; i < sizeof(unrelated) / sizeof(*unrelated); i++) {
		r = add(&f, unrelated[i], 100 + i, "reddit", NULL, T0 + HOUR_US);
		ck_assert_int_eq(r.outcome, HS_CLAIM_NEW);
		ck_assert_uint_eq(r.claim_id, 2 + i); /* ids in order of creation */
		ck_assert_uint_eq(r.size, 1);
	}
	/* not grouped: too few words, nothing but emoji, URLs, mentions */
	{
		const char *none[] = {
			"", "Wow!", "Stay safe everyone", "\xf0\x9f\x94\xa5\xf0\x9f\x98\xa1",
			"https://t.example/x https://u.example/y", "@alice @bob",
			"RT @bob: https://t.example/abc",
		};
		for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++) {
			r = add(&f, none[i], 200 + i, "forum", "a3", T0);
			ck_assert_int_eq(r.outcome, HS_CLAIM_UNGROUPED);
			ck_assert_uint_eq(r.claim_id, 0);
			ck_assert_uint_eq(r.size, 0);
		}
	}
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_eq(st.live, 1 + sizeof(unrelated) / sizeof(*unrelated));
	ck_assert_uint_eq(st.created, st.live);
	ck_assert_uint_eq(st.joined, sizeof(copies) / sizeof(*copies));
	ck_assert_uint_eq(st.ungrouped, 7);
	ck_assert_uint_eq(st.next_id, st.created + 1);
	ck_assert_uint_gt(st.probes, 0);
	ck_assert_uint_gt(st.memory, 0);
	fx_close(&f);
}
END_TEST

/* One-word edits of seed_text move its fingerprint by 7 to 10 bits and
 * leave none of its four 16-bit bands intact, so the plain pigeonhole
 * lookup (probe_bits 0) finds none of them; each probed bit finds more, and
 * the default 3 finds all six. max_distance then gates by Hamming
 * distance. */
START_TEST(test_edits)
{
	static const unsigned want[] = { 0, 1, 3, 6, 6 }; /* by probe_bits */
	static const unsigned dist[] = { 8, 9, 9, 7, 8, 10 };
	fx f;
	hs_claims_params p;

	for (unsigned pb = 0; pb <= HS_CLAIMS_MAX_PROBE_BITS; pb++) {
		unsigned joined = 0;
		hs_claims_params_default(&p);
		p.probe_bits = pb;
		for (size_t i = 0; i < sizeof(edits) / sizeof(*edits); i++) {
			hs_claim_result r;
			fx_open(&f, &p);
			add(&f, seed_text, 1, "s", NULL, T0);
			r = add(&f, edits[i], 2, "s", NULL, T0 + 1);
			if (r.outcome == HS_CLAIM_JOINED) {
				joined++;
				ck_assert_uint_eq(r.claim_id, 1);
				ck_assert_uint_ge(r.resemblance, 80);
				ck_assert_uint_eq(r.distance, dist[i]);
			}
			fx_close(&f);
		}
		ck_assert_msg(joined == want[pb], "probe_bits %u: %u joined", pb, joined);
	}
	/* only the edits within max_distance bits */
	hs_claims_params_default(&p);
	p.max_distance = 8;
	for (size_t i = 0; i < sizeof(edits) / sizeof(*edits); i++) {
		fx_open(&f, &p);
		add(&f, seed_text, 1, "s", NULL, T0);
		ck_assert_int_eq(add(&f, edits[i], 2, "s", NULL, T0 + 1).outcome == HS_CLAIM_JOINED,
		                 dist[i] <= 8);
		fx_close(&f);
	}
}
END_TEST

/* A variant that joined becomes a representative, so a copy of the
 * variant joins even when it is further from the first post. */
START_TEST(test_representatives)
{
	fx f;
	hs_claim_result r;
	hs_claim_info i;
	hs_claims_params p;

	hs_claims_params_default(&p);
	fx_open(&f, &p);
	add(&f, seed_text, 1, "s", NULL, T0);
	r = add(&f, copies[4], 2, "s", NULL, T0 + 1); /* "a big fire" */
	ck_assert_int_eq(r.outcome, HS_CLAIM_JOINED);
	ck_assert_uint_gt(r.distance, 0);
	ck_assert_uint_lt(r.resemblance, 100);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.n_reps, 2);
	ck_assert_uint_eq(i.reps[0], i.simhash);
	ck_assert_uint_ne(i.reps[1], i.simhash);
	/* exact copies of either add no representative */
	add(&f, copies[4], 3, "s", NULL, T0 + 2);
	add(&f, copies[0], 4, "s", NULL, T0 + 3);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.n_reps, 2);
	ck_assert_uint_eq(i.size, 4);
	fx_close(&f);

	/* one representative only */
	p.max_reps = 1;
	fx_open(&f, &p);
	add(&f, seed_text, 1, "s", NULL, T0);
	r = add(&f, copies[4], 2, "s", NULL, T0 + 1);
	ck_assert_int_eq(r.outcome, HS_CLAIM_JOINED);
	ck_assert_uint_eq(get(&f, 1, T0).n_reps, 1);
	fx_close(&f);
}
END_TEST

/* Two claims may both be in reach: the post goes to the one it resembles
 * most. (Two claims that close can only exist side by side if a stricter
 * table made them: they are carried over with records.) */
START_TEST(test_best_match)
{
	fx f, g;
	hs_claims_params p;
	hs_claim_result r;
	uint8_t buf[4096];
	const char *a = "they are closing the old bridge in delft tonight for repairs";
	const char *b = "they are closing the old bridge in delft tonight for works";

	hs_claims_params_default(&p);
	p.min_overlap = 95;
	fx_open(&f, &p);
	ck_assert_uint_eq(add(&f, a, 1, "s", NULL, T0).claim_id, 1);
	ck_assert_uint_eq(add(&f, b, 2, "s", NULL, T0).claim_id, 2);
	fx_open(&g, NULL);
	for (uint64_t id = 1; id <= 2; id++) {
		size_t len = hs_claims_serialize(f.c, id, buf, sizeof(buf));
		ck_assert_int_eq(hs_claims_restore(g.c, buf, len), 0);
	}
	/* b resembles claim 1 enough for this table, claim 2 entirely */
	r = add(&g, "RT @x: They are closing the old bridge in Delft tonight for works!", 3, "s",
	        NULL, T0);
	ck_assert_int_eq(r.outcome, HS_CLAIM_JOINED);
	ck_assert_uint_eq(r.claim_id, 2);
	ck_assert_uint_eq(r.resemblance, 100);
	r = add(&g, a, 4, "s", NULL, T0);
	ck_assert_uint_eq(r.claim_id, 1);
	ck_assert_uint_eq(r.resemblance, 100);
	fx_close(&g);
	fx_close(&f);
}
END_TEST

/* ---- counters ---------------------------------------------------------------------------- */

START_TEST(test_distinct_exact)
{
	fx f;
	hs_claim_result r;
	const char *authors[] = { "a1", "a2", "a1", NULL, "a3", "a2", "a4", NULL, "a5" };
	const char *sources[] = { "mastodon", "bluesky", "mastodon", "", NULL, "reddit",
	                          "bluesky", "forum", "forum" };

	fx_open(&f, NULL);
	for (size_t i = 0; i < 9; i++)
		r = add(&f, copies[i % 4], i + 1, sources[i], authors[i], T0 + (int64_t)i);
	ck_assert_uint_eq(r.size, 9);
	ck_assert_uint_eq(r.authors, 5);
	ck_assert_uint_eq(r.sources, 4); /* mastodon bluesky reddit forum */
	fx_close(&f);

	/* spam: one author, exact copies */
	fx_open(&f, NULL);
	for (size_t i = 0; i < 30; i++)
		r = add(&f, seed_text, i + 1, "telegram", "spammer", T0 + (int64_t)i * MIN_US);
	ck_assert_uint_eq(r.claim_id, 1);
	ck_assert_uint_eq(r.size, 30);
	ck_assert_uint_eq(r.authors, 1);
	ck_assert_uint_eq(r.sources, 1);
	fx_close(&f);
}
END_TEST

START_TEST(test_distinct_estimate)
{
	fx f;
	hs_claim_result r;
	hs_claims_params p;
	uint64_t prev = 0;
	char author[32];
	hs_claim_info i;

	hs_claims_params_default(&p);
	fx_open(&f, &p);
	for (unsigned k = 1; k <= 2000; k++) {
		snprintf(author, sizeof(author), "pseudonym-%u", k);
		r = add(&f, copies[k % 4], k, "s", author, T0 + k);
		if (k <= 16)
			ck_assert_uint_eq(r.authors, k); /* exact */
		ck_assert_uint_ge(r.authors, prev); /* never decreasing */
		ck_assert_uint_le(r.authors, r.size);
		if (k == 17)
			ck_assert_uint_ge(r.authors, 17);
		prev = r.authors;
		if (k == 100)
			ck_assert_msg(r.authors >= 80 && r.authors <= 120, "100 -> %llu",
			              (unsigned long long)r.authors);
	}
	ck_assert_msg(r.authors >= 1600 && r.authors <= 2400, "2000 -> %llu",
	              (unsigned long long)r.authors);
	/* repeating authors changes nothing */
	for (unsigned k = 1; k <= 200; k++) {
		snprintf(author, sizeof(author), "pseudonym-%u", k);
		r = add(&f, copies[k % 4], 5000 + k, "s", author, T0 + 5000);
	}
	ck_assert_uint_eq(r.authors, prev);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.authors, prev);
	ck_assert_uint_eq(i.size, 2200);
	fx_close(&f);
}
END_TEST

/* ---- provenance, spread, excerpt ---------------------------------------------------------- */

START_TEST(test_provenance)
{
	fx f;
	hs_claims_params p;
	hs_claim_info i;
	hs_claim_spread sp[8];
	size_t n;

	hs_claims_params_default(&p);
	p.spread_max = 4;
	fx_open(&f, &p);
	add(&f, copies[0], 10, "bluesky", "a", T0 + 10 * MIN_US);
	add(&f, copies[1], 11, "reddit", "b", T0 + 20 * MIN_US);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.first_post_id, 10);
	ck_assert_str_eq(i.first_source, "bluesky");
	ck_assert_int_eq(i.first_us, T0 + 10 * MIN_US);
	ck_assert_str_eq(i.excerpt, "rt police closed the bridge in delft after a fire share before "
	                            "they delete it");
	/* a post older than the first one seen (a late fetch) becomes the
	 * provenance, with its own excerpt */
	add(&f, seed_text, 12, "rivertown-courier", "c", T0 + 5 * MIN_US);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.first_post_id, 12);
	ck_assert_str_eq(i.first_source, "rivertown-courier");
	ck_assert_int_eq(i.first_us, T0 + 5 * MIN_US);
	ck_assert_str_eq(i.excerpt,
	                 "police closed the bridge in delft after a fire share before they delete it");
	ck_assert_int_eq(i.last_us, T0 + 20 * MIN_US);
	add(&f, copies[2], 13, "forum", "d", T0 + 30 * MIN_US);
	add(&f, copies[3], 14, "forum", "e", T0 + 15 * MIN_US); /* in between */
	add(&f, copies[2], 15, "mastodon", "f", T0 + 40 * MIN_US); /* too late for 4 */
	i = get(&f, 1, T0);
	ck_assert_uint_eq(i.size, 6);
	ck_assert_uint_eq(i.n_spread, 4);
	n = hs_claims_spread(f.c, 1, sp, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(sp[0].post_id, 12);
	ck_assert_uint_eq(sp[1].post_id, 10);
	ck_assert_uint_eq(sp[2].post_id, 14);
	ck_assert_uint_eq(sp[3].post_id, 11);
	ck_assert_str_eq(sp[2].source, "forum");
	ck_assert_str_eq(sp[3].source, "reddit");
	for (size_t k = 1; k < n; k++)
		ck_assert_int_ge(sp[k].time_us, sp[k - 1].time_us);
	ck_assert_uint_eq(hs_claims_spread(f.c, 1, sp, 2), 2);
	ck_assert_uint_eq(sp[1].post_id, 10);
	ck_assert_uint_eq(hs_claims_spread(f.c, 99, sp, 8), 0);
	/* equal times keep the order of arrival */
	add(&f, copies[1], 16, "x", "g", T0 + 5 * MIN_US);
	n = hs_claims_spread(f.c, 1, sp, 8);
	ck_assert_uint_eq(sp[0].post_id, 12);
	ck_assert_uint_eq(sp[1].post_id, 16);
	ck_assert_str_eq(sp[1].source, "x");
	fx_close(&f);
}
END_TEST

START_TEST(test_sources_and_excerpt)
{
	fx f;
	hs_claims_params p;
	hs_claim_info i;
	char longsrc[400];
	/* Cyrillic keeps its letters in the terms view: 2 bytes each */
	const char *t = "\xd1\x89\xd1\x83\xd0\xba\xd0\xb0\xd0\xb1\xd0\xbe\xd0\xb1\xd1\x80"
	                "\xd0\xb2\xd0\xbe\xd0\xbb\xd0\xba police closed the bridge in delft";

	hs_claims_params_default(&p);
	p.excerpt_max = 20;
	fx_open(&f, &p);
	memset(longsrc, 'a', sizeof(longsrc) - 1);
	longsrc[sizeof(longsrc) - 1] = '\0';
	add(&f, seed_text, 1, longsrc, NULL, T0);
	i = get(&f, 1, T0);
	ck_assert_uint_eq(strlen(i.first_source), 255); /* cut */
	ck_assert_str_eq(i.excerpt, "police closed the"); /* whole words, <= 20 bytes */
	ck_assert_uint_eq(i.sources, 1);
	fx_close(&f);

	/* a first word longer than the excerpt: cut before a whole character */
	p.excerpt_max = 21;
	fx_open(&f, &p);
	add(&f, t, 2, NULL, NULL, T0);
	i = get(&f, 1, T0);
	ck_assert_str_eq(i.first_source, "");
	ck_assert_uint_eq(i.sources, 0);
	ck_assert_uint_eq(strlen(i.excerpt), 20);
	ck_assert_int_eq(memcmp(i.excerpt, t, 20), 0);
	fx_close(&f);

	p.excerpt_max = 0;
	fx_open(&f, &p);
	add(&f, seed_text, 1, "s", NULL, T0);
	ck_assert_str_eq(get(&f, 1, T0).excerpt, "");
	fx_close(&f);
}
END_TEST

/* ---- growth ------------------------------------------------------------------------------ */

START_TEST(test_growth)
{
	fx f;
	hs_claim_info i;
	int64_t base = T0 + 10 * HOUR_US; /* on a window boundary */

	fx_open(&f, NULL);
	/* 2 posts in the hour [base-1h, base), 6 in [base, base+1h) */
	add(&f, seed_text, 1, "s", NULL, base - 50 * MIN_US);
	add(&f, copies[0], 2, "s", NULL, base - 10 * MIN_US);
	for (int k = 0; k < 6; k++)
		add(&f, copies[k % 4], 3 + (uint64_t)k, "s", NULL, base + (10 * k) * MIN_US);
	i = get(&f, 1, base + 59 * MIN_US);
	ck_assert_uint_eq(i.recent, 6);
	ck_assert_uint_eq(i.previous, 2);
	ck_assert_double_eq_tol(i.growth, 7.0 / 3.0, 1e-9);
	/* an hour later the 6 are the previous window */
	i = get(&f, 1, base + 119 * MIN_US);
	ck_assert_uint_eq(i.recent, 0);
	ck_assert_uint_eq(i.previous, 6);
	ck_assert_double_eq_tol(i.growth, 1.0 / 7.0, 1e-9);
	/* much later: nothing recent */
	i = get(&f, 1, base + 10 * HOUR_US);
	ck_assert_uint_eq(i.recent + i.previous, 0);
	ck_assert_double_eq_tol(i.growth, 1.0, 1e-9);
	/* a post far in the future moves the ring; older posts drop out */
	add(&f, copies[1], 20, "s", NULL, base + 5 * HOUR_US);
	i = get(&f, 1, base + 5 * HOUR_US);
	ck_assert_uint_eq(i.recent, 1);
	ck_assert_uint_eq(i.previous, 0);
	/* a late post older than two windows counts in size only */
	add(&f, copies[2], 21, "s", NULL, base);
	i = get(&f, 1, base + 5 * HOUR_US);
	ck_assert_uint_eq(i.recent, 1);
	ck_assert_uint_eq(i.size, 10);
	ck_assert_int_eq(i.last_us, base + 5 * HOUR_US);
	fx_close(&f);

	/* times before 1970 */
	fx_open(&f, NULL);
	add(&f, seed_text, 1, "s", NULL, -HOUR_US / 2);
	add(&f, copies[0], 2, "s", NULL, -HOUR_US / 4);
	i = get(&f, 1, -1);
	ck_assert_uint_eq(i.recent, 2);
	fx_close(&f);
}
END_TEST

/* ---- expiry and eviction ---------------------------------------------------------------- */

START_TEST(test_expiry)
{
	fx f;
	hs_claims_params p;
	hs_claims_stats st;
	hs_claim_info i;

	hs_claims_params_default(&p);
	p.idle_us = HOUR_US;
	fx_open(&f, &p);
	add(&f, seed_text, 1, "s", NULL, T0);                       /* claim 1 */
	add(&f, unrelated[0], 2, "s", NULL, T0 + 10 * MIN_US);      /* claim 2 */
	add(&f, unrelated[1], 3, "s", NULL, T0 + 20 * MIN_US);      /* claim 3 */
	add(&f, copies[0], 4, "s", NULL, T0 + 50 * MIN_US);         /* claim 1 again */
	ck_assert_uint_eq(hs_claims_expire(f.c, T0 + 59 * MIN_US), 0);
	/* claim 2 is idle for exactly an hour: dropped; 3 and 1 stay */
	ck_assert_uint_eq(hs_claims_expire(f.c, T0 + 70 * MIN_US), 1);
	ck_assert_uint_eq(f.n_dropped, 1);
	ck_assert_uint_eq(f.dropped[0], 2);
	ck_assert_int_eq(f.why[0], HS_CLAIM_EXPIRED);
	ck_assert_int_eq(hs_claims_get(f.c, 2, T0, &i), -1);
	ck_assert_int_eq(hs_claims_get(f.c, 3, T0, &i), 0);
	ck_assert_uint_eq(hs_claims_expire(f.c, T0 + 110 * MIN_US), 2);
	ck_assert_uint_eq(f.dropped[1], 3);
	ck_assert_uint_eq(f.dropped[2], 1);
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(st.expired, 3);
	ck_assert_uint_eq(st.reps, 0);
	/* forgotten: a copy starts a new claim */
	ck_assert_uint_eq(add(&f, copies[1], 5, "s", NULL, T0 + 2 * HOUR_US).claim_id, 4);
	ck_assert_uint_eq(hs_claims_expire(f.c, INT64_MAX), 1);
	ck_assert_uint_eq(hs_claims_expire(f.c, INT64_MIN), 0);
	ck_assert_uint_eq(hs_claims_expire(NULL, 0), 0);
	fx_close(&f);
}
END_TEST

START_TEST(test_eviction)
{
	fx f;
	hs_claims_params p;
	hs_claims_stats st;
	hs_claim_result r;
	hs_claim_info i;

	hs_claims_params_default(&p);
	p.max_claims = 3;
	fx_open(&f, &p);
	add(&f, seed_text, 1, "s", NULL, T0);          /* 1 */
	add(&f, unrelated[0], 2, "s", NULL, T0 + 1);   /* 2 */
	add(&f, unrelated[1], 3, "s", NULL, T0 + 2);   /* 3 */
	add(&f, copies[0], 4, "s", NULL, T0 + 3);      /* 1 is now the most recent */
	r = add(&f, unrelated[2], 5, "s", NULL, T0 + 4); /* evicts 2 */
	ck_assert_uint_eq(r.claim_id, 4);
	ck_assert_uint_eq(f.n_dropped, 1);
	ck_assert_uint_eq(f.dropped[0], 2);
	ck_assert_int_eq(f.why[0], HS_CLAIM_EVICTED);
	ck_assert_int_eq(hs_claims_get(f.c, 2, T0, &i), -1);
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_eq(st.live, 3);
	ck_assert_uint_eq(st.evicted, 1);
	/* a copy of the evicted claim starts a new one (evicting 3) */
	r = add(&f, unrelated[0], 6, "s", NULL, T0 + 5);
	ck_assert_int_eq(r.outcome, HS_CLAIM_NEW);
	ck_assert_uint_eq(r.claim_id, 5);
	ck_assert_uint_eq(f.dropped[1], 3);
	/* the rest is intact */
	r = add(&f, copies[1], 7, "s", NULL, T0 + 6);
	ck_assert_uint_eq(r.claim_id, 1);
	ck_assert_uint_eq(r.size, 3);
	fx_close(&f);

	/* a table of one */
	p.max_claims = 1;
	fx_open(&f, &p);
	for (size_t k = 0; k < sizeof(unrelated) / sizeof(*unrelated); k++)
		ck_assert_uint_eq(add(&f, unrelated[k], k, "s", NULL, T0).claim_id, k + 1);
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_eq(st.live, 1);
	ck_assert_uint_eq(st.evicted, sizeof(unrelated) / sizeof(*unrelated) - 1);
	fx_close(&f);
}
END_TEST

/* ---- records ----------------------------------------------------------------------------- */

static void assert_same_claim(hs_claims *a, hs_claims *b, uint64_t id, int64_t now)
{
	hs_claim_info x, y;
	hs_claim_spread sx[300], sy[300];
	size_t nx, ny;

	ck_assert_int_eq(hs_claims_get(a, id, now, &x), 0);
	ck_assert_int_eq(hs_claims_get(b, id, now, &y), 0);
	ck_assert_uint_eq(x.id, y.id);
	ck_assert_uint_eq(x.simhash, y.simhash);
	ck_assert_uint_eq(x.n_reps, y.n_reps);
	ck_assert_int_eq(memcmp(x.reps, y.reps, x.n_reps * sizeof(uint64_t)), 0);
	ck_assert_uint_eq(x.first_post_id, y.first_post_id);
	ck_assert_int_eq(x.first_us, y.first_us);
	ck_assert_str_eq(x.first_source, y.first_source);
	ck_assert_str_eq(x.excerpt, y.excerpt);
	ck_assert_uint_eq(x.size, y.size);
	ck_assert_uint_eq(x.authors, y.authors);
	ck_assert_uint_eq(x.sources, y.sources);
	ck_assert_int_eq(x.last_us, y.last_us);
	ck_assert_uint_eq(x.recent, y.recent);
	ck_assert_uint_eq(x.previous, y.previous);
	ck_assert_uint_eq(x.n_spread, y.n_spread);
	nx = hs_claims_spread(a, id, sx, 300);
	ny = hs_claims_spread(b, id, sy, 300);
	ck_assert_uint_eq(nx, ny);
	for (size_t i = 0; i < nx; i++) {
		ck_assert_uint_eq(sx[i].post_id, sy[i].post_id);
		ck_assert_int_eq(sx[i].time_us, sy[i].time_us);
		ck_assert_str_eq(sx[i].source, sy[i].source);
	}
}

/* A claim with everything: variants, many authors (estimated), a few
 * sources, a spread. Returns its id (1). */
static void build_rich(fx *f)
{
	char author[32];

	for (unsigned k = 0; k < 40; k++) {
		snprintf(author, sizeof(author), "author-%u", k % 30);
		add(f, k == 0 ? seed_text : copies[k % 7], k + 1, k % 3 ? "bluesky" : "mastodon",
		    author, T0 + (int64_t)k * MIN_US);
	}
	add(f, unrelated[0], 100, "reddit", NULL, T0);
}

START_TEST(test_record_roundtrip)
{
	fx f, g;
	uint8_t buf[8192];
	size_t len, len2;
	hs_claims_stats st;
	hs_claim_result r;
	hs_claim_info i;

	fx_open(&f, NULL);
	build_rich(&f);
	i = get(&f, 1, T0);
	ck_assert_uint_gt(i.authors, 16); /* the estimate is in the record */
	ck_assert_uint_gt(i.n_reps, 1);
	fx_open(&g, NULL);
	for (uint64_t id = 1; id <= 2; id++) {
		len = hs_claims_serialize(f.c, id, buf, sizeof(buf));
		ck_assert_uint_gt(len, 80);
		ck_assert_uint_le(len, HS_CLAIMS_RECORD_MAX);
		ck_assert_int_eq(hs_claims_restore(g.c, buf, len), 0);
		assert_same_claim(f.c, g.c, id, T0 + 30 * MIN_US);
		/* the same id twice is refused */
		ck_assert_int_eq(hs_claims_restore(g.c, buf, len), -1);
		/* a record of the restored claim is the same bytes */
		{
			uint8_t again[8192];
			len2 = hs_claims_serialize(g.c, id, again, sizeof(again));
			ck_assert_uint_eq(len2, len);
			ck_assert_int_eq(memcmp(again, buf, len), 0);
		}
	}
	hs_claims_stats_get(g.c, &st);
	ck_assert_uint_eq(st.restored, 2);
	ck_assert_uint_eq(st.live, 2);
	ck_assert_uint_eq(st.next_id, 3);
	/* the index is rebuilt: copies join, and counting goes on */
	r = add(&g, copies[5], 500, "forum", "author-new", T0 + HOUR_US);
	ck_assert_int_eq(r.outcome, HS_CLAIM_JOINED);
	ck_assert_uint_eq(r.claim_id, 1);
	ck_assert_uint_eq(r.size, 41);
	ck_assert_uint_eq(r.sources, 3);
	ck_assert_uint_ge(r.authors, i.authors);
	/* new claims get later ids */
	ck_assert_uint_eq(add(&g, unrelated[3], 501, "s", NULL, T0).claim_id, 3);
	fx_close(&g);

	/* into a smaller table: spread, excerpt and representatives are cut */
	{
		hs_claims_params p;
		hs_claims_params_default(&p);
		p.spread_max = 3;
		p.excerpt_max = 10;
		p.max_reps = 1;
		p.window_us = 2 * HOUR_US; /* other window: growth counts dropped */
		fx_open(&g, &p);
		len = hs_claims_serialize(f.c, 1, buf, sizeof(buf));
		ck_assert_int_eq(hs_claims_restore(g.c, buf, len), 0);
		i = get(&g, 1, T0 + 39 * MIN_US);
		ck_assert_uint_eq(i.n_spread, 3);
		ck_assert_uint_eq(i.n_reps, 1);
		ck_assert_str_eq(i.excerpt, "police");
		ck_assert_uint_eq(i.size, 40);
		ck_assert_uint_eq(i.recent + i.previous, 0);
		ck_assert_uint_eq(add(&g, copies[0], 7, "s", NULL, T0).claim_id, 1);
		fx_close(&g);
	}
	fx_close(&f);
}
END_TEST

/* Restores put claims back in expiry order when the records come roughly
 * by time. */
START_TEST(test_record_restore_order)
{
	fx f, g;
	uint8_t buf[4096];
	size_t len;
	hs_claims_params p;

	hs_claims_params_default(&p);
	p.idle_us = HOUR_US;
	fx_open(&f, &p);
	add(&f, unrelated[0], 1, "s", NULL, T0 + 30 * MIN_US); /* 1 */
	add(&f, unrelated[1], 2, "s", NULL, T0);               /* 2 */
	add(&f, unrelated[2], 3, "s", NULL, T0 + 60 * MIN_US); /* 3 */
	fx_open(&g, &p);
	for (uint64_t id = 1; id <= 3; id++) {
		len = hs_claims_serialize(f.c, id, buf, sizeof(buf));
		ck_assert_int_eq(hs_claims_restore(g.c, buf, len), 0);
	}
	/* 2 is the oldest, then 1, then 3 */
	ck_assert_uint_eq(hs_claims_expire(g.c, T0 + 60 * MIN_US), 1);
	ck_assert_uint_eq(g.dropped[0], 2);
	ck_assert_uint_eq(hs_claims_expire(g.c, T0 + 90 * MIN_US), 1);
	ck_assert_uint_eq(g.dropped[1], 1);
	fx_close(&g);
	fx_close(&f);
}
END_TEST

static void fix_checksum(uint8_t *b, size_t len)
{
	uint32_t s = (uint32_t)hs_hash64(b, len - 4);

	b[len - 4] = (uint8_t)s;
	b[len - 3] = (uint8_t)(s >> 8);
	b[len - 2] = (uint8_t)(s >> 16);
	b[len - 1] = (uint8_t)(s >> 24);
}

START_TEST(test_record_reject)
{
	fx f, g;
	uint8_t buf[8192], bad[8192];
	size_t len;
	hs_claims_stats st;

	fx_open(&f, NULL);
	build_rich(&f);
	len = hs_claims_serialize(f.c, 1, buf, sizeof(buf));
	ck_assert_uint_gt(len, 0);
	fx_open(&g, NULL);
	/* short */
	for (size_t n = 0; n < len; n++)
		ck_assert_int_eq(hs_claims_restore(g.c, buf, n), -1);
	/* any changed byte */
	for (size_t k = 0; k < len; k++) {
		memcpy(bad, buf, len);
		bad[k] ^= 0x20;
		ck_assert_msg(hs_claims_restore(g.c, bad, len) == -1, "byte %zu", k);
	}
	/* trailing bytes */
	memcpy(bad, buf, len);
	bad[len] = 0;
	ck_assert_int_eq(hs_claims_restore(g.c, bad, len + 1), -1);
	/* well-formed checksums over bad contents */
	{
		struct {
			size_t off;
			uint8_t v;
		} cases[] = {
			{ 0, 2 },    /* unknown version */
			{ 0, 0 },
			{ 1, 0 },    /* no representative */
			{ 1, 17 },   /* too many */
			{ 2, 2 },    /* counter kind */
			{ 4, 0 },    /* no spread entry */
			{ 8, 0 }, /* id 0 (low byte; the id is 1) */
		};
		for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
			memcpy(bad, buf, len);
			bad[cases[k].off] = cases[k].v;
			fix_checksum(bad, len);
			ck_assert_msg(hs_claims_restore(g.c, bad, len) == -1, "edit %zu", k);
		}
		/* size smaller than the spread */
		memcpy(bad, buf, len);
		memset(bad + 16, 0, 8);
		bad[16] = 1;
		fix_checksum(bad, len);
		ck_assert_int_eq(hs_claims_restore(g.c, bad, len), -1);
		/* a spread time after the latest post */
		memcpy(bad, buf, len);
		memset(bad + 24, 0, 8);
		fix_checksum(bad, len);
		ck_assert_int_eq(hs_claims_restore(g.c, bad, len), -1);
	}
	ck_assert_int_eq(hs_claims_restore(g.c, NULL, len), -1);
	ck_assert_int_eq(hs_claims_restore(NULL, buf, len), -1);
	hs_claims_stats_get(g.c, &st);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(st.restored, 0);
	/* and the good record still goes in */
	ck_assert_int_eq(hs_claims_restore(g.c, buf, len), 0);
	fx_close(&g);

	/* serialise: unknown id, too small a buffer */
	ck_assert_uint_eq(hs_claims_serialize(f.c, 99, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(hs_claims_serialize(NULL, 1, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(hs_claims_serialize(f.c, 1, NULL, 0), len);
	memset(bad, 0x77, sizeof(bad));
	ck_assert_uint_eq(hs_claims_serialize(f.c, 1, bad, 50), len);
	for (size_t k = 50; k < sizeof(bad); k++)
		ck_assert_uint_eq(bad[k], 0x77);
	ck_assert_uint_eq(hs_claims_serialize(f.c, 1, bad, len - 1), len);
	for (size_t k = len - 1; k < sizeof(bad); k++)
		ck_assert_uint_eq(bad[k], 0x77);
	fx_close(&f);
}
END_TEST

/* ---- parameters and edges ------------------------------------------------------------------ */

START_TEST(test_params)
{
	hs_claims_params p, q;
	hs_claims *c;

	hs_claims_params_default(&p);
	ck_assert_uint_eq(p.min_words, HS_SIMHASH_MIN_WORDS);
	c = hs_claims_new(NULL);
	ck_assert_ptr_nonnull(c);
	hs_claims_free(c);
	hs_claims_free(NULL);
#define BAD(field, value)                              \
	do {                                           \
		q = p;                                 \
		q.field = value;                       \
		ck_assert_ptr_null(hs_claims_new(&q)); \
	} while (0)
	BAD(max_claims, 0);
	BAD(idle_us, 0);
	BAD(idle_us, -1);
	BAD(max_distance, 65);
	BAD(min_overlap, 101);
	BAD(probe_bits, HS_CLAIMS_MAX_PROBE_BITS + 1);
	BAD(max_reps, 0);
	BAD(max_reps, HS_CLAIMS_MAX_REPS + 1);
	BAD(min_words, 0);
	BAD(spread_max, 0);
	BAD(spread_max, HS_CLAIMS_MAX_SPREAD + 1);
	BAD(excerpt_max, HS_CLAIMS_MAX_EXCERPT + 1);
	BAD(window_us, 3);
#undef BAD
}
END_TEST

START_TEST(test_api_edges)
{
	fx f;
	hs_simhash_sig sig;
	hs_claim_result r;
	hs_claim_info i;
	hs_claims_stats st;
	hs_claim_spread sp[2];

	fx_open(&f, NULL);
	hs_simhash_sign(" police closed the bridge in delft ", 35, &sig);
	ck_assert_int_eq(hs_claims_add(NULL, &sig, 1, "s", NULL, T0, NULL, 0, &r), -1);
	ck_assert_int_eq(hs_claims_add(f.c, NULL, 1, "s", NULL, T0, NULL, 0, &r), -1);
	ck_assert_int_eq(hs_claims_add(f.c, &sig, 1, "s", NULL, T0, NULL, 5, &r), -1);
	/* no terms, no result wanted, no source: fine */
	ck_assert_int_eq(hs_claims_add(f.c, &sig, 1, NULL, NULL, T0, NULL, 0, NULL), 0);
	i = get(&f, 1, T0);
	ck_assert_str_eq(i.excerpt, "");
	ck_assert_str_eq(i.first_source, "");
	ck_assert_int_eq(hs_claims_get(f.c, 0, T0, &i), -1);
	ck_assert_int_eq(hs_claims_get(f.c, 1, T0, NULL), -1);
	ck_assert_int_eq(hs_claims_get(NULL, 1, T0, &i), -1);
	ck_assert_uint_eq(hs_claims_spread(f.c, 1, NULL, 2), 0);
	ck_assert_uint_eq(hs_claims_spread(NULL, 1, sp, 2), 0);
	ck_assert_uint_eq(hs_claims_spread(f.c, 1, sp, 0), 0);
	hs_claims_stats_get(NULL, &st);
	ck_assert_uint_eq(st.live, 0);
	/* a terms view with NUL bytes: kept as spaces in the excerpt */
	{
		const char t[] = " police\0closed the bridge in delft tonight ";
		hs_simhash_sign(t, sizeof(t) - 1, &sig);
		ck_assert_int_eq(hs_claims_add(f.c, &sig, 2, "s", NULL, T0, t, sizeof(t) - 1, &r), 0);
		ck_assert_str_eq(get(&f, r.claim_id, T0).excerpt,
		                 "police closed the bridge in delft tonight");
	}
	fx_close(&f);
}
END_TEST

/* ---- a long random stream --------------------------------------------------------------- */

static const char *const words[] = {
	"police", "closed", "bridge", "station", "market", "council", "mayor", "fire", "after",
	"delft", "gouda", "leiden", "people", "residents", "tonight", "protest", "school",
	"pool", "water", "planning", "march", "share", "delete", "neighbour", "town", "hall",
	"park", "harbour", "library", "bus", "train", "rumour", "flood", "power", "curfew",
	"students", "farmers", "weekend", "night", "morning", "de", "het", "la", "le", "the",
};

typedef struct text {
	char s[256];
	uint64_t claim;
} text;

START_TEST(test_random_stream)
{
	fx f;
	hs_claims_params p;
	hs_claims_stats st;
	static text texts[3000];
	uint64_t s = 12345 + (uint64_t)_i;
	size_t n_texts = 0;
	int64_t t = T0;

	hs_claims_params_default(&p);
	p.max_claims = 200;
	p.idle_us = 3 * HOUR_US;
	p.spread_max = 5;
	p.max_reps = 3;
	fx_open(&f, &p);
	for (int k = 0; k < 3000; k++) {
		hs_claim_result r;
		s = s * 6364136223846793005u + 1442695040888963407u;
		/* bursts that fill the table, gaps that expire it */
		t += (s >> 58) == 0 ? 2 * HOUR_US : (int64_t)((s >> 16) % (20 * 1000000));
		if (n_texts > 0 && (s >> 33) % 100 < 40) {
			/* a copy (maybe edited) of an earlier post */
			text *o = &texts[(s >> 20) % n_texts];
			char buf[300];
			snprintf(buf, sizeof(buf), "%s%s", (s >> 10) % 2 ? "RT @x: " : "", o->s);
			r = add(&f, buf, (uint64_t)k, (s >> 12) % 2 ? "a" : "b", "u", t);
		} else {
			text *o = &texts[n_texts++];
			size_t len = 0;
			unsigned n = 4 + (unsigned)((s >> 45) % 12);
			for (unsigned w = 0; w < n; w++) {
				s = s * 6364136223846793005u + 1442695040888963407u;
				len += (size_t)snprintf(o->s + len, sizeof(o->s) - len, "%s ",
				                        words[(s >> 33) % (sizeof(words) / sizeof(*words))]);
			}
			r = add(&f, o->s, (uint64_t)k, "c", NULL, t);
			o->claim = r.claim_id;
		}
		ck_assert_int_ne(r.outcome, HS_CLAIM_UNGROUPED);
		if (k % 97 == 0)
			hs_claims_expire(f.c, t);
	}
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_le(st.live, 200);
	ck_assert_uint_eq(st.live, st.created - st.expired - st.evicted);
	ck_assert_uint_eq(f.n_dropped, st.expired + st.evicted);
	ck_assert_uint_gt(st.evicted, 0);
	ck_assert_uint_gt(st.expired, 0);
	/* every live claim is found again by an exact copy of its first post:
	 * the index survived all the removals */
	for (size_t k = 0; k < n_texts; k++) {
		hs_claim_info i;
		hs_claims_stats before;
		hs_claim_result r;
		if (hs_claims_get(f.c, texts[k].claim, t, &i) != 0)
			continue;
		hs_claims_stats_get(f.c, &before);
		r = add(&f, texts[k].s, 900000 + k, "c", NULL, t);
		ck_assert_int_eq(r.outcome, HS_CLAIM_JOINED);
	}
	/* everything expires; the index is empty again */
	hs_claims_expire(f.c, INT64_MAX);
	hs_claims_stats_get(f.c, &st);
	ck_assert_uint_eq(st.live, 0);
	ck_assert_uint_eq(st.reps, 0);
	for (size_t k = 0; k < 20 && k < n_texts; k++)
		ck_assert_int_eq(add(&f, texts[k].s, 990000 + k, "c", NULL, t).outcome, HS_CLAIM_NEW);
	fx_close(&f);
}
END_TEST

static Suite *claims_suite(void)
{
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("grouping");

	tcase_add_test(tc, test_grouping);
	tcase_add_test(tc, test_edits);
	tcase_add_test(tc, test_representatives);
	tcase_add_test(tc, test_best_match);
	tcase_add_test(tc, test_distinct_exact);
	tcase_add_test(tc, test_distinct_estimate);
	tcase_add_test(tc, test_provenance);
	tcase_add_test(tc, test_sources_and_excerpt);
	tcase_add_test(tc, test_growth);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_eviction);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_api_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("records");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_record_roundtrip);
	tcase_add_test(tc, test_record_restore_order);
	tcase_add_test(tc, test_record_reject);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_random_stream, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(claims_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
