/* hearsay: unit tests for the spike detector (rules/spike.c).
 *
 * Traffic is deterministic: feed() posts n posts per minute, evenly spaced
 * inside each minute, with now = the post's time, unless a test says
 * otherwise. Times are minutes from T0 (2026-01-05 00:00 UTC, a day
 * boundary), buckets one minute (the default) unless a test changes them.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rules/spike.h"

#define US INT64_C(1000000)
#define MIN (60 * US)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define T0 (INT64_C(1767571200) * US)
#define AT(min) (T0 + (int64_t)(min) * MIN)

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct evrec {
	hs_spike_event_type type;
	hs_spike_end_reason reason;
	char key[64];
	int64_t start_us, peak_us, end_us, detected_us, bucket_us;
	uint32_t peak_count, buckets;
	double expected, magnitude, z, excess;
	uint64_t total;
	size_t n_samples;
	uint64_t samples[HS_SPIKE_SAMPLES_MAX];
} evrec;

typedef struct evlog {
	evrec *v;
	size_t n, cap;
	hs_spike_table *reenter; /* if set, the callback tries to re-enter it */
	int reenter_rc;
} evlog;

static void on_ev(void *ud, const hs_spike_event *ev)
{
	evlog *l = ud;
	evrec *r;

	if (l->reenter) {
		int a = hs_spike_add(l->reenter, "x", 1, NULL, AT(0), AT(0), 1, NULL, NULL);
		int b = hs_spike_tick(l->reenter, AT(0), NULL, NULL);
		int c = hs_spike_flush(l->reenter, NULL, NULL);
		l->reenter_rc = (a == -1 && b == -1 && c == -1) ? -1 : 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			ck_abort_msg("out of memory");
	}
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	r->reason = ev->reason;
	ck_assert_uint_lt(ev->keylen, sizeof(r->key));
	memcpy(r->key, ev->key, ev->keylen);
	r->start_us = ev->start_us;
	r->peak_us = ev->peak_us;
	r->end_us = ev->end_us;
	r->detected_us = ev->detected_us;
	r->bucket_us = ev->bucket_us;
	r->peak_count = ev->peak_count;
	r->buckets = ev->buckets;
	r->expected = ev->expected;
	r->magnitude = ev->magnitude;
	r->z = ev->z;
	r->excess = ev->excess;
	r->total = ev->total;
	ck_assert_uint_le(ev->n_samples, HS_SPIKE_SAMPLES_MAX);
	r->n_samples = ev->n_samples;
	if (ev->n_samples)
		memcpy(r->samples, ev->sample_ids, ev->n_samples * sizeof(uint64_t));
}

static size_t count_type(const evlog *l, hs_spike_event_type type)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].type == type;
	return n;
}

static const evrec *nth_type(const evlog *l, hs_spike_event_type type, size_t nth)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].type == type && nth-- == 0)
			return &l->v[i];
	return NULL;
}

/* per_min posts in each minute [from, from + n), evenly spaced, now = the
 * post's time; ids from *id on. */
static void feed(hs_spike_table *t, const char *key, const hs_spike_params *p, int64_t from,
                 int64_t n, unsigned per_min, uint64_t *id, evlog *log)
{
	for (int64_t m = from; m < from + n; m++) {
		for (unsigned i = 0; i < per_min; i++) {
			int64_t e = AT(m) + (int64_t)i * (MIN / per_min);
			ck_assert_int_eq(hs_spike_add(t, key, strlen(key), p, e, e, (*id)++, on_ev, log),
			                 HS_SPIKE_COUNTED);
		}
	}
}

static hs_spike_table *table(const hs_spike_params *p, size_t max_keys, int64_t ttl)
{
	hs_spike_table *t = hs_spike_table_new(p, max_keys, ttl);

	ck_assert_ptr_nonnull(t);
	return t;
}

static hs_spike_key_state state(const hs_spike_table *t, const char *key)
{
	hs_spike_key_state s;

	ck_assert_int_eq(hs_spike_key_get(t, key, strlen(key), &s), 0);
	return s;
}

/* ---- parameters ---------------------------------------------------------------------- */

START_TEST(test_params)
{
	hs_spike_params d, p;
	const char *why = NULL;
	evlog log = { 0 };
	hs_spike_table *t;

	hs_spike_params_default(&d);
	ck_assert_int_eq(hs_spike_params_check(&d, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(d.bucket_us, 60 * US);
	ck_assert(d.alpha == 0.125 && d.k == 2.0);
	ck_assert_int_eq(hs_spike_params_check(NULL, &why), -1);
#define BAD(field, value)                                                              \
	do {                                                                           \
		p = d;                                                                 \
		p.field = value;                                                       \
		why = NULL;                                                            \
		ck_assert_msg(hs_spike_params_check(&p, &why) == -1, #field " = " #value); \
		ck_assert_ptr_nonnull(why);                                            \
		ck_assert_msg(strncmp(why, #field, strlen(#field)) == 0, "%s", why);     \
		ck_assert_ptr_null(hs_spike_table_new(&p, 10, 0));                     \
	} while (0)
	BAD(bucket_us, 0);
	BAD(bucket_us, US - 1);
	BAD(bucket_us, DAY + 1);
	BAD(late_us, -1);
	BAD(late_us, DAY + 1);
	BAD(future_us, -1);
	BAD(alpha, 0.0);
	BAD(alpha, 1.5);
	BAD(alpha, NAN);
	BAD(k, -1.0);
	BAD(k, INFINITY);
	BAD(k_end, 2.5); /* > k */
	BAD(k_end, -0.1);
	BAD(spike_learn, 1.1);
	BAD(poisson_p, 0.6);
	BAD(poisson_p, 1e-13);
	BAD(poisson_p, -1.0);
	BAD(min_ratio, -1.0);
	BAD(outage_posts, -1.0);
	BAD(outage_posts, NAN);
	BAD(min_count, 0);
	BAD(warmup_buckets, 2000000);
	BAD(end_quiet, 0);
	BAD(end_quiet, 65);
	BAD(max_samples, HS_SPIKE_SAMPLES_MAX + 1);
	BAD(day_offset_s, 86401);
	BAD(seasonal, 2);
#undef BAD
	/* seasonal needs a width dividing one hour */
	p = d;
	p.seasonal = 1;
	p.bucket_us = 7 * MIN;
	ck_assert_int_eq(hs_spike_params_check(&p, &why), -1);
	ck_assert(strncmp(why, "seasonal", 8) == 0);
	p.bucket_us = 15 * MIN;
	ck_assert_int_eq(hs_spike_params_check(&p, NULL), 0);
	p.seasonal = 0;
	p.bucket_us = 7 * MIN;
	ck_assert_int_eq(hs_spike_params_check(&p, NULL), 0);
	/* zero-valued options that mean "off" are valid */
	p = d;
	p.poisson_p = 0;
	p.min_ratio = 0;
	p.outage_posts = 0;
	p.warmup_buckets = 0;
	p.max_samples = 0;
	p.spike_learn = 0;
	ck_assert_int_eq(hs_spike_params_check(&p, NULL), 0);

	ck_assert_ptr_null(hs_spike_table_new(NULL, 0, 0));
	t = table(NULL, 10, 0);
	/* invalid per-call parameters: -1 and no key */
	p = d;
	p.alpha = 2.0;
	ck_assert_int_eq(hs_spike_add(t, "k", 1, &p, AT(0), AT(0), 1, on_ev, &log), -1);
	ck_assert_int_eq(hs_spike_key_get(t, "k", 1, &(hs_spike_key_state){ 0 }), -1);
	/* bad arguments */
	ck_assert_int_eq(hs_spike_add(NULL, "k", 1, NULL, AT(0), AT(0), 1, NULL, NULL), -1);
	ck_assert_int_eq(hs_spike_add(t, NULL, 1, NULL, AT(0), AT(0), 1, NULL, NULL), -1);
	ck_assert_int_eq(hs_spike_add(t, "k", 0, NULL, AT(0), AT(0), 1, NULL, NULL), -1);
	{
		static const char big[HS_SPIKE_KEY_MAX + 1];
		ck_assert_int_eq(hs_spike_add(t, big, sizeof(big), NULL, AT(0), AT(0), 1, NULL, NULL),
		                 -1);
		ck_assert_int_eq(hs_spike_add(t, big, HS_SPIKE_KEY_MAX, NULL, AT(0), AT(0), 1, NULL,
		                              NULL),
		                 HS_SPIKE_COUNTED);
	}
	ck_assert_int_eq(hs_spike_tick(NULL, 0, NULL, NULL), -1);
	ck_assert_int_eq(hs_spike_flush(NULL, NULL, NULL), -1);
	ck_assert_uint_eq(hs_spike_memory(NULL), 0);
	ck_assert_int_eq(log.n, 0);
	hs_spike_table_free(t);
	hs_spike_table_free(NULL);
	free(log.v);
}
END_TEST

/* ---- detection ------------------------------------------------------------------------ */

START_TEST(test_clear_burst)
{
	hs_spike_table *t = table(NULL, 100, 0);
	evlog log = { 0 };
	uint64_t id = 1, burst_first;
	const evrec *s, *e;
	hs_spike_key_state ks;

	feed(t, "rule:a", NULL, 0, 60, 5, &id, &log);
	ck_assert_int_eq(log.n, 0);
	ks = state(t, "rule:a");
	ck_assert(fabs(ks.mean - 5.0) < 0.01);
	ck_assert_uint_ge(ks.threshold_start, 6);
	burst_first = id;
	feed(t, "rule:a", NULL, 60, 5, 40, &id, &log); /* 8x for 5 minutes */
	feed(t, "rule:a", NULL, 65, 30, 5, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	s = nth_type(&log, HS_SPIKE_START, 0);
	e = nth_type(&log, HS_SPIKE_END, 0);
	ck_assert_str_eq(s->key, "rule:a");
	/* flagged inside the burst's first bucket */
	ck_assert_int_eq(s->start_us, AT(60));
	ck_assert_int_ge(s->detected_us, AT(60));
	ck_assert_int_lt(s->detected_us, AT(61));
	ck_assert_uint_ge(s->peak_count, 6);
	ck_assert_uint_lt(s->peak_count, 40);
	ck_assert_int_eq(s->buckets, 1);
	ck_assert(s->magnitude > 1.0);
	/* one event with the whole burst */
	ck_assert_int_eq(e->reason, HS_SPIKE_END_QUIET);
	ck_assert_int_eq(e->start_us, AT(60));
	ck_assert_int_eq(e->end_us, AT(65));
	ck_assert_int_eq(e->bucket_us, MIN);
	ck_assert_uint_eq(e->peak_count, 40);
	ck_assert_int_ge(e->peak_us, AT(60));
	ck_assert_int_lt(e->peak_us, AT(65));
	ck_assert_uint_eq(e->total, 200);
	ck_assert_uint_eq(e->buckets, 5);
	ck_assert(fabs(e->expected - 5.0) < 1.0);
	ck_assert(e->magnitude > 5.0 && e->magnitude < 9.0);
	ck_assert(e->z > 10.0);
	ck_assert(e->excess > 150.0 && e->excess < 200.0);
	ck_assert_uint_eq(e->n_samples, HS_SPIKE_SAMPLES_MAX);
	for (size_t i = 0; i < e->n_samples; i++)
		ck_assert_uint_eq(e->samples[i], burst_first + i);
	/* ended after two quiet buckets and the lateness allowance */
	ck_assert_int_ge(e->detected_us, AT(67));
	ck_assert_int_le(e->detected_us, AT(70));
	ck_assert_int_eq(state(t, "rule:a").in_spike, 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_updates)
{
	hs_spike_table *t = table(NULL, 100, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	const evrec *e;

	feed(t, "k", NULL, 0, 60, 4, &id, &log);
	feed(t, "k", NULL, 60, 1, 20, &id, &log);
	feed(t, "k", NULL, 61, 1, 30, &id, &log);
	feed(t, "k", NULL, 62, 1, 50, &id, &log);
	feed(t, "k", NULL, 63, 1, 25, &id, &log);
	feed(t, "k", NULL, 64, 20, 4, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	/* one UPDATE per new peak: 20, 30, 50 */
	ck_assert_int_eq(count_type(&log, HS_SPIKE_UPDATE), 3);
	ck_assert_uint_eq(nth_type(&log, HS_SPIKE_UPDATE, 2)->peak_count, 50);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_UPDATE, 2)->peak_us, AT(62));
	e = nth_type(&log, HS_SPIKE_END, 0);
	ck_assert_uint_eq(e->peak_count, 50);
	ck_assert_int_eq(e->peak_us, AT(62));
	ck_assert_uint_eq(e->total, 125);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_warmup)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;

	hs_spike_params_default(&p);
	t = table(&p, 100, 0);
	/* a burst in bucket 10: no spike, the baseline is not warm */
	feed(t, "k", NULL, 0, 10, 3, &id, &log);
	feed(t, "k", NULL, 10, 2, 60, &id, &log);
	feed(t, "k", NULL, 12, 18, 3, &id, &log);
	ck_assert_int_eq(log.n, 0);
	ck_assert_uint_lt(state(t, "k").seen, p.warmup_buckets);
	/* warm now: the same burst is a spike */
	feed(t, "k", NULL, 30, 40, 3, &id, &log);
	ck_assert_uint_ge(state(t, "k").seen, p.warmup_buckets);
	feed(t, "k", NULL, 70, 2, 60, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	hs_spike_table_free(t);
	free(log.v);

	/* warm-up 0: a new key can spike in its first bucket (new claims) */
	p.warmup_buckets = 0;
	t = table(&p, 100, 0);
	memset(&log, 0, sizeof(log));
	feed(t, "claim:1", NULL, 0, 1, 20, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_uint_eq(nth_type(&log, HS_SPIKE_START, 0)->peak_count, p.min_count);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_hysteresis)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	const evrec *e;

	/* 3 hot minutes, a dip to the baseline, 3 hot minutes: one spike */
	t = table(NULL, 100, 0);
	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	feed(t, "k", NULL, 60, 3, 40, &id, &log);
	feed(t, "k", NULL, 63, 1, 5, &id, &log);
	feed(t, "k", NULL, 64, 3, 40, &id, &log);
	feed(t, "k", NULL, 67, 30, 5, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	e = nth_type(&log, HS_SPIKE_END, 0);
	ck_assert_int_eq(e->start_us, AT(60));
	ck_assert_int_eq(e->end_us, AT(67));
	ck_assert_uint_eq(e->buckets, 7);
	ck_assert_uint_eq(e->total, 6 * 40 + 5);
	hs_spike_table_free(t);
	free(log.v);

	/* the dip is real: with end_quiet 1 it splits the burst in two */
	hs_spike_params_default(&p);
	p.end_quiet = 1;
	t = table(&p, 100, 0);
	memset(&log, 0, sizeof(log));
	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	feed(t, "k", NULL, 60, 3, 40, &id, &log);
	feed(t, "k", NULL, 63, 1, 5, &id, &log);
	feed(t, "k", NULL, 64, 3, 40, &id, &log);
	feed(t, "k", NULL, 67, 30, 5, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 2);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 2);
	hs_spike_table_free(t);
	free(log.v);

	/* a long burst is not absorbed by its own baseline: 60 minutes at 8x
	 * stay one spike that lasts to the end */
	t = table(NULL, 100, 0);
	memset(&log, 0, sizeof(log));
	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	feed(t, "k", NULL, 60, 60, 40, &id, &log);
	feed(t, "k", NULL, 120, 30, 5, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->end_us, AT(120));
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_min_count)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;

	hs_spike_params_default(&p);
	p.min_count = 8;
	p.poisson_p = 0; /* so that min_count is what decides */
	t = table(&p, 100, 0);
	/* a quiet key: one post every 10 minutes for 5 hours */
	for (int m = 0; m < 300; m += 10)
		feed(t, "k", NULL, m, 1, 1, &id, &log);
	ck_assert_uint_le(state(t, "k").threshold_start, 8);
	feed(t, "k", NULL, 300, 1, 7, &id, &log);
	ck_assert_int_eq(log.n, 0);
	feed(t, "k", NULL, 330, 1, 8, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_uint_eq(nth_type(&log, HS_SPIKE_START, 0)->peak_count, 8);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* Without the Poisson test, k = 2 mean deviations alone fires on noise;
 * with it (the default), the same noise gives no spike. */
START_TEST(test_poisson_floor)
{
	hs_spike_params p;
	hs_spike_table *a, *b;
	evlog la = { 0 }, lb = { 0 };
	uint64_t x = 12345, id = 1;

	hs_spike_params_default(&p);
	p.poisson_p = 0;
	a = table(NULL, 10, 0);
	b = table(&p, 10, 0);
	for (int m = 0; m < 24 * 60; m++) {
		/* counts 6..14 (uniform, mean 10): noisy but never a burst */
		unsigned c;
		x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		c = 6 + (unsigned)((x >> 33) % 9);
		for (unsigned i = 0; i < c; i++) {
			int64_t e = AT(m) + (int64_t)i * (MIN / c);
			ck_assert_int_eq(hs_spike_add(a, "k", 1, NULL, e, e, id, on_ev, &la), 0);
			ck_assert_int_eq(hs_spike_add(b, "k", 1, NULL, e, e, id++, on_ev, &lb), 0);
		}
	}
	ck_assert_int_eq(count_type(&la, HS_SPIKE_START), 0);
	ck_assert_uint_gt(count_type(&lb, HS_SPIKE_START), 5);
	hs_spike_table_free(a);
	hs_spike_table_free(b);
	free(la.v);
	free(lb.v);
}
END_TEST

/* Four days with 30 posts/minute from 08:00 to 09:00 and 3 otherwise. */
static void daily_peak(hs_spike_table *t, int days, uint64_t *id, evlog *log)
{
	for (int d = 0; d < days; d++) {
		int64_t base = (int64_t)d * 1440;
		feed(t, "k", NULL, base, 8 * 60, 3, id, log);
		feed(t, "k", NULL, base + 8 * 60, 60, 30, id, log);
		feed(t, "k", NULL, base + 9 * 60, 15 * 60, 3, id, log);
	}
}

static size_t starts_between(const evlog *l, int64_t from, int64_t to)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].type == HS_SPIKE_START && l->v[i].start_us >= from &&
		    l->v[i].start_us < to)
			n++;
	return n;
}

START_TEST(test_seasonality)
{
	hs_spike_params p;
	hs_spike_table *plain, *seas;
	evlog lp = { 0 }, ls = { 0 };
	uint64_t id = 1;

	hs_spike_params_default(&p);
	p.seasonal = 1;
	plain = table(NULL, 10, 0);
	seas = table(&p, 10, 0);
	daily_peak(plain, 4, &id, &lp);
	daily_peak(seas, 4, &id, &ls);
	/* without seasonality: a spike at 08:00 every day */
	for (int d = 0; d < 4; d++)
		ck_assert_int_eq(starts_between(&lp, AT(d * 1440 + 480), AT(d * 1440 + 482)), 1);
	ck_assert_int_eq(count_type(&lp, HS_SPIKE_START), 4);
	/* with it: the first day only; learned from then on */
	ck_assert_int_eq(starts_between(&ls, AT(480), AT(482)), 1);
	ck_assert_int_eq(count_type(&ls, HS_SPIKE_START), 1);
	ck_assert_int_eq(count_type(&ls, HS_SPIKE_END), 1);
	/* a real burst at 14:00 on day 5 is still found by both */
	feed(plain, "k", NULL, 4 * 1440, 14 * 60, 3, &id, &lp);
	feed(seas, "k", NULL, 4 * 1440, 14 * 60, 3, &id, &ls);
	feed(plain, "k", NULL, 4 * 1440 + 840, 5, 40, &id, &lp);
	feed(seas, "k", NULL, 4 * 1440 + 840, 5, 40, &id, &ls);
	ck_assert_int_eq(starts_between(&lp, AT(4 * 1440 + 840), AT(4 * 1440 + 841)), 1);
	ck_assert_int_eq(starts_between(&ls, AT(4 * 1440 + 840), AT(4 * 1440 + 841)), 1);
	/* memory: the seasonal key holds its hourly baseline */
	ck_assert_uint_eq(hs_spike_key_memory(1, 1) - hs_spike_key_memory(0, 1),
	                  HS_SPIKE_SEASON_SLOTS * 8);
	ck_assert_uint_gt(hs_spike_memory(seas), hs_spike_memory(plain));
	hs_spike_table_free(plain);
	hs_spike_table_free(seas);
	free(lp.v);
	free(ls.v);
}
END_TEST

/* ---- time ----------------------------------------------------------------------------- */

START_TEST(test_gap_outage)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state before, after;
	hs_spike_stats st;

	/* a busy key goes silent for 3 hours (an outage, or a forward jump of
	 * the clock): the silence is implausible and not learned, so traffic
	 * coming back at the old rate is no spike */
	t = table(NULL, 10, 0);
	feed(t, "k", NULL, 0, 120, 10, &id, &log);
	before = state(t, "k");
	for (int m = 120; m < 300; m++)
		ck_assert_int_ge(hs_spike_tick(t, AT(m), on_ev, &log), 0);
	feed(t, "k", NULL, 300, 60, 10, &id, &log);
	ck_assert_int_eq(log.n, 0);
	after = state(t, "k");
	ck_assert(after.mean > 0.8 * before.mean);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_ge(st.buckets_frozen, 170);
	ck_assert_uint_le(st.buckets_frozen, 182);
	hs_spike_table_free(t);
	free(log.v);

	/* the same with the rule off: the baseline decays to nothing and the
	 * returning traffic looks like a spike */
	hs_spike_params_default(&p);
	p.outage_posts = 0;
	t = table(&p, 10, 0);
	memset(&log, 0, sizeof(log));
	feed(t, "k", NULL, 0, 120, 10, &id, &log);
	feed(t, "k", NULL, 300, 60, 10, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	hs_spike_table_free(t);
	free(log.v);

	/* a quiet key: silence is normal and is learned */
	t = table(NULL, 10, 0);
	memset(&log, 0, sizeof(log));
	for (int m = 0; m < 1440; m += 20)
		feed(t, "q", NULL, m, 1, 1, &id, &log);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.buckets_frozen, 0);
	ck_assert_uint_ge(state(t, "q").seen, 1400);
	ck_assert(state(t, "q").mean < 0.2);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* A gap is closed in closed form beyond 64 buckets: same result as the
 * recurrence applied bucket by bucket. */
START_TEST(test_gap_closed_form)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s0, s1;
	double m, d;
	const int gap = 500;

	hs_spike_params_default(&p);
	p.outage_posts = 0;
	t = table(&p, 10, 0);
	feed(t, "k", NULL, 0, 30, 2, &id, &log);
	feed(t, "k", NULL, 30, 30, 9, &id, &log);
	s0 = state(t, "k");
	/* close the open bucket (9 posts), then `gap` empty buckets */
	feed(t, "k", NULL, 60 + gap, 1, 1, &id, &log);
	s1 = state(t, "k");
	m = s0.mean;
	d = s0.dev;
	for (int i = 0; i <= gap; i++) {
		double c = i == 0 ? 9.0 : 0.0, diff = c - m;
		m += 0.125 * diff;
		d += 0.125 * (fabs(diff) - d);
	}
	ck_assert_msg(fabs(s1.mean - m) <= 1e-12 + 1e-9 * m, "mean %g vs %g", s1.mean, m);
	ck_assert_msg(fabs(s1.dev - d) <= 1e-12 + 1e-9 * d, "dev %g vs %g", s1.dev, d);
	ck_assert_uint_eq(s1.seen, s0.seen + (uint32_t)gap + 1);
	ck_assert_int_eq(s1.open_us, AT(60 + gap));
	ck_assert_uint_eq(s1.count, 1);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* The same for the hourly baselines of a seasonal key, read back from the
 * saved blob (layout in spike.h / spike.c), with hours shifted by 30
 * minutes so that slot edges are not at multiples of the gap's start. */
static double blob_f64(const unsigned char *b)
{
	uint64_t v = 0;
	double d;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	memcpy(&d, &v, 8);
	return d;
}

static float blob_f32(const unsigned char *b)
{
	uint32_t v = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	float f;

	memcpy(&f, &v, 4);
	return f;
}

static const int seasonal_gaps[] = { 70, 200, 777, 1440 + 13, 3 * 1440 + 777 };

START_TEST(test_gap_closed_form_seasonal)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	unsigned char b0[HS_SPIKE_BLOB_SEASONAL], b1[HS_SPIKE_BLOB_SEASONAL];
	double gm, gd, sm[24], sd[24];
	int64_t open, target = 2 * 1440 + seasonal_gaps[_i];
	uint32_t c_open;

	hs_spike_params_default(&p);
	p.seasonal = 1;
	p.outage_posts = 0;
	p.day_offset_s = 1800;
	t = table(&p, 10, 0);
	for (int m = 0; m < 2 * 1440; m++)
		feed(t, "k", NULL, m, 1, 1 + (unsigned)((m / 60) % 5), &id, &log);
	ck_assert_uint_eq(hs_spike_save(t, "k", 1, b0, sizeof(b0)), HS_SPIKE_BLOB_SEASONAL);
	feed(t, "k", NULL, target, 1, 1, &id, &log);
	ck_assert_uint_eq(hs_spike_save(t, "k", 1, b1, sizeof(b1)), HS_SPIKE_BLOB_SEASONAL);
	/* replay from the saved state, bucket by bucket */
	gm = blob_f64(b0 + 32);
	gd = blob_f64(b0 + 40);
	open = 0;
	for (int i = 0; i < 8; i++)
		open |= (int64_t)b0[16 + i] << (8 * i);
	c_open = b0[24] | b0[25] << 8 | b0[26] << 16 | (uint32_t)b0[27] << 24;
	for (int s = 0; s < 24; s++) {
		sm[s] = blob_f32(b0 + 56 + 4 * s);
		sd[s] = blob_f32(b0 + 56 + 96 + 4 * s);
	}
	ck_assert_int_eq(open, T0 / MIN + 2 * 1440 - 1);
	for (int64_t idx = open; idx < T0 / MIN + target; idx++) {
		double c = idx == open ? (double)c_open : 0.0, diff;
		int64_t at = idx * MIN + 1800 * US;
		int s = (int)((at % DAY) / HOUR);
		diff = c - gm;
		gm += 0.125 * diff;
		gd += 0.125 * (fabs(diff) - gd);
		diff = c - sm[s];
		sm[s] += 0.125 * diff;
		sd[s] += 0.125 * (fabs(diff) - sd[s]);
	}
	ck_assert(fabs(blob_f64(b1 + 32) - gm) <= 1e-12 + 1e-9 * gm);
	ck_assert(fabs(blob_f64(b1 + 40) - gd) <= 1e-12 + 1e-9 * gd);
	for (int s = 0; s < 24; s++) {
		double m1 = blob_f32(b1 + 56 + 4 * s), d1 = blob_f32(b1 + 56 + 96 + 4 * s);
		ck_assert_msg(fabs(m1 - sm[s]) <= 1e-30 + 1e-4 * sm[s], "slot %d mean %g vs %g", s,
		              m1, sm[s]);
		ck_assert_msg(fabs(d1 - sd[s]) <= 1e-30 + 1e-4 * sd[s], "slot %d dev %g vs %g", s,
		              d1, sd[s]);
	}
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_clock_jump_forward)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s;
	hs_spike_stats st;
	int64_t later = AT(60) + 10 * 365 * DAY;

	/* 1-second buckets: ten years are 3e8 buckets, closed at once */
	hs_spike_params_default(&p);
	p.bucket_us = US;
	p.outage_posts = 0;
	t = table(&p, 10, 0);
	feed(t, "k", NULL, 0, 60, 120, &id, &log);
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, later, later, id++, on_ev, &log),
	                 HS_SPIKE_COUNTED);
	s = state(t, "k");
	ck_assert_int_eq(s.open_us, later);
	ck_assert_uint_eq(s.count, 1);
	ck_assert(s.mean < 1e-9 && s.dev < 1e-9);
	ck_assert_uint_gt(s.seen, 300000000u);
	/* posts still stamped with the old time are late */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(61), later, id++, on_ev, &log),
	                 HS_SPIKE_LATE);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.late_dropped, 1);
	ck_assert_int_eq(st.clock_us, later);
	hs_spike_table_free(t);

	/* the default (outage rule on): the jump leaves the baseline alone */
	t = table(NULL, 10, 0);
	feed(t, "k", NULL, 0, 60, 10, &id, &log);
	ck_assert_int_eq(hs_spike_tick(t, AT(60) + 365 * DAY, on_ev, &log), 0);
	feed(t, "k", NULL, 60 + 365 * 1440, 60, 10, &id, &log);
	ck_assert_int_eq(log.n, 0);
	ck_assert(state(t, "k").mean > 7.0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_clock_backwards)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s0, s1;
	hs_spike_stats st;

	feed(t, "k", NULL, 0, 120, 5, &id, &log);
	s0 = state(t, "k");
	/* now_us steps back an hour; posts carry the stepped-back time */
	for (int i = 0; i < 30; i++)
		ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(60) + i * US, AT(60) + i * US,
		                              id++, on_ev, &log),
		                 HS_SPIKE_LATE);
	s1 = state(t, "k");
	/* nothing reopened, nothing learned */
	ck_assert_int_eq(s1.open_us, s0.open_us);
	ck_assert_uint_eq(s1.count, s0.count);
	ck_assert(s1.mean == s0.mean && s1.dev == s0.dev && s1.seen == s0.seen);
	hs_spike_get_stats(t, &st);
	ck_assert_int_eq(st.clock_us, AT(119) + 48 * US); /* unchanged */
	/* posts with the right time, while now_us is still behind, count */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(119) + 59 * US, AT(61), id++, on_ev,
	                              &log),
	                 HS_SPIKE_COUNTED);
	ck_assert_uint_eq(state(t, "k").count, s0.count + 1);
	/* the clock never goes back: a tick with an old time changes nothing */
	ck_assert_int_eq(hs_spike_tick(t, AT(0), on_ev, &log), 0);
	hs_spike_get_stats(t, &st);
	ck_assert_int_eq(st.clock_us, AT(119) + 48 * US);
	ck_assert_int_eq(log.n, 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_far_future_and_past)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s0, s1;
	hs_spike_stats st;

	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	s0 = state(t, "k");
	/* a year ahead: counted now, by arrival; the buckets do not move */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(59) + 365 * DAY, AT(59) + 30 * US,
	                              id++, on_ev, &log),
	                 HS_SPIKE_COUNTED);
	s1 = state(t, "k");
	ck_assert_int_eq(s1.open_us, s0.open_us);
	ck_assert_uint_eq(s1.count, s0.count + 1);
	/* INT64_MAX and negative times are clamped, not overflowed */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, INT64_MAX, AT(59) + 31 * US, id++, on_ev,
	                              &log),
	                 HS_SPIKE_COUNTED);
	ck_assert_int_eq(state(t, "k").open_us, s0.open_us);
	/* two days back: not counted, baseline untouched */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(59) - 2 * DAY, AT(59) + 32 * US, id++,
	                              on_ev, &log),
	                 HS_SPIKE_LATE);
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, INT64_MIN, AT(59) + 33 * US, id++, on_ev,
	                              &log),
	                 HS_SPIKE_LATE);
	s1 = state(t, "k");
	ck_assert_uint_eq(s1.count, s0.count + 2);
	ck_assert(s1.mean == s0.mean && s1.seen == s0.seen);
	/* a new key is not created by a dropped post */
	ck_assert_int_eq(hs_spike_add(t, "new", 3, NULL, AT(0), AT(59) + 34 * US, id++, on_ev,
	                              &log),
	                 HS_SPIKE_LATE);
	ck_assert_int_eq(hs_spike_key_get(t, "new", 3, &s1), -1);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.future, 2);
	ck_assert_uint_eq(st.late_dropped, 3);
	ck_assert_uint_eq(st.keys, 1);
	ck_assert_int_eq(log.n, 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_late_posts)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s;
	hs_spike_stats st;
	const evrec *e;

	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	/* open bucket: minute 59. 90 s before it: moved into it */
	s = state(t, "k");
	ck_assert_int_eq(s.open_us, AT(59));
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(59) - 90 * US, AT(59) + 50 * US, id++,
	                              on_ev, &log),
	                 HS_SPIKE_COUNTED);
	ck_assert_uint_eq(state(t, "k").count, s.count + 1);
	/* 3 minutes before it: dropped */
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(56), AT(59) + 51 * US, id++, on_ev,
	                              &log),
	                 HS_SPIKE_LATE);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.late_moved, 1);
	ck_assert_uint_eq(st.late_dropped, 1);
	/* a key in a spike: a late post from inside the spike joins its count */
	feed(t, "k", NULL, 60, 4, 40, &id, &log);
	ck_assert_int_eq(state(t, "k").in_spike, 1);
	ck_assert_int_eq(hs_spike_add(t, "k", 1, NULL, AT(60) + 5 * US, AT(63) + 59 * US, 999999,
	                              on_ev, &log),
	                 HS_SPIKE_LATE);
	ck_assert_uint_eq(state(t, "k").spike_total, 161);
	feed(t, "k", NULL, 64, 10, 5, &id, &log);
	e = nth_type(&log, HS_SPIKE_END, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->total, 161);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* Posts stop during a spike: hs_spike_tick ends it on time. */
START_TEST(test_tick_ends_spike)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	int n = 0;
	const evrec *e;

	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	feed(t, "k", NULL, 60, 3, 50, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	for (int64_t s = AT(63); s < AT(70); s += 10 * US) {
		int r = hs_spike_tick(t, s, on_ev, &log);
		ck_assert_int_ge(r, 0);
		n += r;
	}
	ck_assert_int_ge(n, 1);
	e = nth_type(&log, HS_SPIKE_END, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->reason, HS_SPIKE_END_QUIET);
	ck_assert_int_eq(e->end_us, AT(63));
	ck_assert_uint_eq(e->total, 150);
	/* 2 quiet buckets (63, 64) closed once the clock is 120 s past them */
	ck_assert_int_eq(e->detected_us, AT(67));
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_flush)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_stats st;

	/* the stream clock is shared: keys are fed minute by minute */
	for (int m = 0; m < 62; m++) {
		feed(t, "a", NULL, m, 1, m < 60 ? 5 : 50, &id, &log);
		feed(t, "b", NULL, m, 1, m < 60 ? 5 : 50, &id, &log);
	}
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.spikes_active, 2);
	ck_assert_int_eq(hs_spike_flush(t, on_ev, &log), 2);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 2);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->reason, HS_SPIKE_END_FLUSH);
	/* the open bucket (minute 61, with posts) is part of it */
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->end_us, AT(62));
	ck_assert_uint_eq(nth_type(&log, HS_SPIKE_END, 0)->total, 100);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.spikes_active, 0);
	ck_assert_uint_eq(st.spikes_started, 2);
	ck_assert_uint_eq(st.spikes_ended, 2);
	ck_assert_int_eq(hs_spike_flush(t, on_ev, &log), 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* ---- keys ------------------------------------------------------------------------------ */

START_TEST(test_eviction)
{
	hs_spike_table *t = table(NULL, 3, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s;
	hs_spike_stats st;

	feed(t, "a", NULL, 0, 60, 5, &id, &log);
	feed(t, "b", NULL, 59, 1, 1, &id, &log);
	feed(t, "c", NULL, 59, 1, 1, &id, &log);
	feed(t, "a", NULL, 60, 2, 50, &id, &log); /* a: in a spike, most recent */
	ck_assert_int_eq(state(t, "a").in_spike, 1);
	feed(t, "d", NULL, 62, 1, 1, &id, &log);  /* evicts b, the least recent */
	ck_assert_int_eq(hs_spike_key_get(t, "b", 1, &s), -1);
	ck_assert_int_eq(hs_spike_key_get(t, "c", 1, &s), 0);
	feed(t, "e", NULL, 62, 1, 1, &id, &log);  /* evicts c */
	ck_assert_int_eq(hs_spike_key_get(t, "c", 1, &s), -1);
	feed(t, "f", NULL, 62, 1, 1, &id, &log);  /* evicts a: its spike ends */
	ck_assert_int_eq(hs_spike_key_get(t, "a", 1, &s), -1);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->reason, HS_SPIKE_END_EVICTED);
	ck_assert_str_eq(nth_type(&log, HS_SPIKE_END, 0)->key, "a");
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.keys, 3);
	ck_assert_uint_eq(st.evicted, 3);
	ck_assert_uint_eq(st.spikes_active, 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_expiry)
{
	hs_spike_params p;
	hs_spike_table *t;
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s;
	hs_spike_stats st;

	t = table(NULL, 10, 10 * MIN);
	feed(t, "x", NULL, 0, 1, 1, &id, &log);
	feed(t, "y", NULL, 8, 1, 1, &id, &log);
	ck_assert_int_eq(hs_spike_tick(t, AT(10) + 1, on_ev, &log), 0);
	ck_assert_int_eq(hs_spike_key_get(t, "x", 1, &s), -1);
	ck_assert_int_eq(hs_spike_key_get(t, "y", 1, &s), 0);
	ck_assert_int_eq(hs_spike_tick(t, AT(18) + 1, on_ev, &log), 0);
	ck_assert_int_eq(hs_spike_key_get(t, "y", 1, &s), -1);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.expired, 2);
	ck_assert_uint_eq(st.keys, 0);
	hs_spike_table_free(t);

	/* a key that expires in a spike ends it (late_us of a day keeps the
	 * clock from closing its buckets first) */
	hs_spike_params_default(&p);
	p.late_us = DAY;
	t = table(&p, 10, 10 * MIN);
	feed(t, "z", NULL, 0, 60, 5, &id, &log);
	feed(t, "z", NULL, 60, 1, 50, &id, &log);
	ck_assert_int_eq(state(t, "z").in_spike, 1);
	ck_assert_int_eq(hs_spike_tick(t, AT(75), on_ev, &log), 1);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->reason, HS_SPIKE_END_EXPIRED);
	ck_assert_int_eq(hs_spike_key_get(t, "z", 1, &s), -1);
	hs_spike_table_free(t);

	/* ttl < 0: never */
	t = table(NULL, 10, -1);
	feed(t, "w", NULL, 0, 1, 1, &id, &log);
	ck_assert_int_eq(hs_spike_tick(t, AT(0) + 3650 * DAY, on_ev, &log), 0);
	ck_assert_int_eq(hs_spike_key_get(t, "w", 1, &s), 0);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* Many keys, half of them expired: every lookup still right (backward-shift
 * deletion keeps probe chains whole); memory matches the formula. */
START_TEST(test_many_keys)
{
	enum { N = 6000 };
	hs_spike_table *t = table(NULL, N, 30 * MIN);
	evlog log = { 0 };
	char key[32];
	hs_spike_key_state s;
	size_t mem_full, mem_after, key_mem = 0;
	hs_spike_stats st;

	for (int j = 0; j < N; j++) {
		/* even keys first, odd keys 20 minutes later */
		int i = j < N / 2 ? 2 * j : 2 * (j - N / 2) + 1;
		int n = snprintf(key, sizeof(key), "term:%d", i);
		int64_t e = AT(i % 2 ? 20 : 0);
		ck_assert_int_eq(hs_spike_add(t, key, (size_t)n, NULL, e, e, (uint64_t)i, on_ev, &log),
		                 0);
		key_mem += hs_spike_key_memory(0, (size_t)n);
	}
	mem_full = hs_spike_memory(t);
	ck_assert_uint_ge(mem_full, key_mem);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.keys, N);
	ck_assert_uint_eq(st.evicted, 0);
	ck_assert_int_eq(hs_spike_tick(t, AT(31), on_ev, &log), 0);
	for (int i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "term:%d", i);
		ck_assert_int_eq(hs_spike_key_get(t, key, (size_t)n, &s), i % 2 ? 0 : -1);
	}
	mem_after = hs_spike_memory(t);
	for (int i = 0; i < N; i += 2)
		mem_after += hs_spike_key_memory(0, (size_t)snprintf(key, sizeof(key), "term:%d", i));
	ck_assert_uint_eq(mem_after, mem_full);
	/* re-add the expired ones: all there again, no eviction */
	for (int i = 0; i < N; i += 2) {
		int n = snprintf(key, sizeof(key), "term:%d", i);
		ck_assert_int_eq(hs_spike_add(t, key, (size_t)n, NULL, AT(32), AT(32), 1, on_ev, &log),
		                 0);
	}
	for (int i = 0; i < N; i++) {
		int n = snprintf(key, sizeof(key), "term:%d", i);
		ck_assert_int_eq(hs_spike_key_get(t, key, (size_t)n, &s), 0);
	}
	ck_assert_uint_eq(hs_spike_memory(t), mem_full);
	/* the hash table stays within 4 x max_keys slots of 16 bytes */
	ck_assert_uint_le(hs_spike_memory(t), key_mem + (size_t)4 * N * 16 + 4096 * 104);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_param_switch)
{
	hs_spike_params p2, p3;
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_key_state s0, s1;
	hs_spike_stats st;

	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	s0 = state(t, "k");
	/* a compatible set: baseline kept, thresholds change at once */
	hs_spike_params_default(&p2);
	p2.min_count = 40;
	feed(t, "k", &p2, 60, 1, 1, &id, &log);
	s1 = state(t, "k");
	ck_assert_uint_eq(s1.seen, s0.seen + 1);
	ck_assert_uint_eq(s1.threshold_start, 40);
	/* the same set again is not a new one */
	feed(t, "k", &p2, 61, 1, 1, &id, &log);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.param_sets, 2);
	/* back to the defaults: still compatible */
	feed(t, "k", NULL, 62, 3, 5, &id, &log);
	feed(t, "k", NULL, 65, 2, 50, &id, &log);
	ck_assert_int_eq(state(t, "k").in_spike, 1);
	/* another bucket width: the spike ends, the baseline restarts */
	p3 = p2;
	p3.bucket_us = 30 * US;
	ck_assert_int_eq(hs_spike_add(t, "k", 1, &p3, AT(67), AT(67), id++, on_ev, &log), 0);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_END), 1);
	ck_assert_int_eq(nth_type(&log, HS_SPIKE_END, 0)->reason, HS_SPIKE_END_RESET);
	s1 = state(t, "k");
	ck_assert_int_eq(s1.bucket_us, 30 * US);
	ck_assert_uint_eq(s1.seen, 0);
	ck_assert(s1.mean == 0.0);
	ck_assert_uint_eq(s1.count, 1);
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

START_TEST(test_reentry)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	hs_spike_stats st;

	feed(t, "k", NULL, 0, 60, 5, &id, &log);
	log.reenter = t;
	log.reenter_rc = 1;
	feed(t, "k", NULL, 60, 1, 50, &id, &log);
	ck_assert_int_eq(count_type(&log, HS_SPIKE_START), 1);
	ck_assert_int_eq(log.reenter_rc, -1);
	hs_spike_get_stats(t, &st);
	ck_assert_uint_eq(st.keys, 1); /* "x" was not added */
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

typedef struct keylist {
	char keys[8][8];
	int n;
} keylist;

static void collect_key(void *ud, const unsigned char *key, size_t len)
{
	keylist *l = ud;

	ck_assert_int_lt(l->n, 8);
	ck_assert_uint_lt(len, 8);
	memcpy(l->keys[l->n], key, len);
	l->keys[l->n++][len] = 0;
}

START_TEST(test_foreach)
{
	hs_spike_table *t = table(NULL, 10, 0);
	evlog log = { 0 };
	uint64_t id = 1;
	keylist kl = { .n = 0 };

	hs_spike_foreach(t, collect_key, &kl);
	ck_assert_int_eq(kl.n, 0);
	feed(t, "a", NULL, 0, 1, 1, &id, &log);
	feed(t, "b", NULL, 0, 1, 1, &id, &log);
	feed(t, "c", NULL, 0, 1, 1, &id, &log);
	feed(t, "a", NULL, 1, 1, 1, &id, &log);
	hs_spike_foreach(t, NULL, NULL);
	hs_spike_foreach(t, collect_key, &kl);
	/* most recently counted first */
	ck_assert_int_eq(kl.n, 3);
	ck_assert_str_eq(kl.keys[0], "a");
	ck_assert_str_eq(kl.keys[1], "c");
	ck_assert_str_eq(kl.keys[2], "b");
	hs_spike_table_free(t);
	free(log.v);
}
END_TEST

/* ---- saved state ------------------------------------------------------------------------- */

/* An independent CRC-32 (table-driven) to check the documented layout. */
static uint32_t ref_crc32(const unsigned char *p, size_t n)
{
	uint32_t tab[256], c = 0xffffffffu;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;
		for (int b = 0; b < 8; b++)
			v = v & 1 ? 0xedb88320u ^ (v >> 1) : v >> 1;
		tab[i] = v;
	}
	for (size_t i = 0; i < n; i++)
		c = tab[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static void reseal(unsigned char *b, size_t len)
{
	uint32_t c = ref_crc32(b, len - 4);

	for (int i = 0; i < 4; i++)
		b[len - 4 + i] = (unsigned char)(c >> (8 * i));
}

static void save_load_roundtrip(int seasonal)
{
	hs_spike_params p;
	hs_spike_table *a, *b;
	evlog la = { 0 }, lb = { 0 };
	uint64_t id = 1;
	unsigned char blob[HS_SPIKE_BLOB_SEASONAL + 8];
	size_t len, want = seasonal ? HS_SPIKE_BLOB_SEASONAL : HS_SPIKE_BLOB_PLAIN;
	hs_spike_key_state sa, sb;

	hs_spike_params_default(&p);
	p.seasonal = (uint32_t)seasonal;
	a = table(&p, 10, 0);
	feed(a, "rule:x", NULL, 0, 600, 4, &id, &la);
	feed(a, "rule:x", NULL, 600, 1, 2, &id, &la); /* open bucket has posts */
	ck_assert_uint_eq(hs_spike_save(a, "rule:x", 6, NULL, 0), want);
	ck_assert_uint_eq(hs_spike_save(a, "rule:x", 6, blob, want - 1), want);
	len = hs_spike_save(a, "rule:x", 6, blob, sizeof(blob));
	ck_assert_uint_eq(len, want);
	ck_assert_uint_eq(hs_spike_save(a, "nope", 4, blob, sizeof(blob)), 0);
	/* the documented layout */
	ck_assert_uint_eq(blob[0], 1);
	ck_assert_uint_eq(blob[1] & 1, (unsigned)seasonal);
	ck_assert_uint_eq(blob[8] | blob[9] << 8 | blob[10] << 16 | (uint32_t)blob[11] << 24,
	                  60000000u);
	{
		uint32_t crc = blob[len - 4] | blob[len - 3] << 8 | blob[len - 2] << 16 |
		               (uint32_t)blob[len - 1] << 24;
		ck_assert_uint_eq(crc, ref_crc32(blob, len - 4));
	}
	b = table(&p, 10, 0);
	ck_assert_int_eq(hs_spike_load(b, "rule:x", 6, NULL, blob, len), 0);
	ck_assert_int_eq(hs_spike_load(b, "rule:x", 6, NULL, blob, len), -1); /* exists */
	sa = state(a, "rule:x");
	sb = state(b, "rule:x");
	ck_assert(sa.mean == sb.mean && sa.dev == sb.dev);
	ck_assert_uint_eq(sa.seen, sb.seen);
	ck_assert_int_eq(sa.open_us, sb.open_us);
	ck_assert_uint_eq(sa.count, sb.count);
	ck_assert_uint_eq(sa.threshold_start, sb.threshold_start);
	ck_assert_uint_eq(sa.threshold_end, sb.threshold_end);
	/* same future, same events */
	feed(a, "rule:x", NULL, 601, 30, 4, &id, &la);
	feed(b, "rule:x", NULL, 601, 30, 4, &id, &lb);
	feed(a, "rule:x", NULL, 631, 5, 40, &id, &la);
	feed(b, "rule:x", NULL, 631, 5, 40, &id, &lb);
	feed(a, "rule:x", NULL, 636, 10, 4, &id, &la);
	feed(b, "rule:x", NULL, 636, 10, 4, &id, &lb);
	ck_assert_uint_eq(la.n, lb.n);
	ck_assert_uint_ge(la.n, 2);
	for (size_t i = 0; i < la.n; i++) {
		ck_assert_int_eq(la.v[i].type, lb.v[i].type);
		ck_assert_int_eq(la.v[i].start_us, lb.v[i].start_us);
		ck_assert_int_eq(la.v[i].end_us, lb.v[i].end_us);
		ck_assert_uint_eq(la.v[i].peak_count, lb.v[i].peak_count);
		ck_assert(la.v[i].expected == lb.v[i].expected);
	}
	hs_spike_table_free(a);
	hs_spike_table_free(b);
	free(la.v);
	free(lb.v);
}

START_TEST(test_save_load)
{
	save_load_roundtrip(0);
	save_load_roundtrip(1);
}
END_TEST

START_TEST(test_load_rejects)
{
	hs_spike_params p, q;
	hs_spike_table *a, *b;
	evlog log = { 0 };
	uint64_t id = 1;
	unsigned char blob[HS_SPIKE_BLOB_SEASONAL], bad[HS_SPIKE_BLOB_SEASONAL + 1];
	size_t len;
	hs_spike_stats st;
	double nan = NAN;

	hs_spike_params_default(&p);
	a = table(&p, 10, 0);
	feed(a, "k", NULL, 0, 100, 4, &id, &log);
	len = hs_spike_save(a, "k", 1, blob, sizeof(blob));
	ck_assert_uint_eq(len, HS_SPIKE_BLOB_PLAIN);
	b = table(&p, 2, 0);
	/* every single-bit flip is caught */
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(bad, blob, len);
			bad[i] ^= (unsigned char)(1u << bit);
			ck_assert_msg(hs_spike_load(b, "k", 1, NULL, bad, len) == -1, "byte %zu bit %d",
			              i, bit);
		}
	}
	/* short and long */
	for (size_t n = 0; n < len; n++)
		ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, blob, n), -1);
	memcpy(bad, blob, len);
	bad[len] = 0;
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, bad, len + 1), -1);
	/* unknown versions, even with a valid CRC */
	for (unsigned v = 0; v < 256; v++) {
		if (v == 1)
			continue;
		memcpy(bad, blob, len);
		bad[0] = (unsigned char)v;
		reseal(bad, len);
		ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, bad, len), -1);
	}
	/* unknown flag, seasonal flag with the plain size, a NaN mean */
	memcpy(bad, blob, len);
	bad[1] |= 0x80;
	reseal(bad, len);
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, bad, len), -1);
	memcpy(bad, blob, len);
	bad[1] |= 1;
	reseal(bad, len);
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, bad, len), -1);
	memcpy(bad, blob, len);
	memcpy(bad + 32, &nan, 8); /* little-endian hosts: the f64 mean */
	reseal(bad, len);
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, bad, len), -1);
	/* a valid reseal is accepted (the checks above were not vacuous) */
	memcpy(bad, blob, len);
	reseal(bad, len);
	ck_assert_int_eq(hs_spike_load(b, "k2", 2, NULL, bad, len), 0);
	/* incompatible parameters: another width, or seasonal */
	q = p;
	q.bucket_us = 30 * US;
	ck_assert_int_eq(hs_spike_load(b, "k3", 2, &q, blob, len), -1);
	q = p;
	q.seasonal = 1;
	ck_assert_int_eq(hs_spike_load(b, "k3", 2, &q, blob, len), -1);
	q = p;
	q.alpha = 7.0;
	ck_assert_int_eq(hs_spike_load(b, "k3", 2, &q, blob, len), -1);
	/* full table */
	ck_assert_int_eq(hs_spike_load(b, "k4", 2, NULL, blob, len), 0);
	ck_assert_int_eq(hs_spike_load(b, "k5", 2, NULL, blob, len), -1);
	/* NULLs */
	ck_assert_int_eq(hs_spike_load(NULL, "k", 1, NULL, blob, len), -1);
	ck_assert_int_eq(hs_spike_load(b, NULL, 1, NULL, blob, len), -1);
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, NULL, len), -1);
	hs_spike_get_stats(b, &st);
	ck_assert_uint_eq(st.keys, 2);
	hs_spike_table_free(a);
	hs_spike_table_free(b);
	free(log.v);
}
END_TEST

/* A restored key whose saved state is days old: the gap is an outage, not
 * learned; the key is not expired at once. */
START_TEST(test_load_old_state)
{
	hs_spike_table *a, *b;
	evlog log = { 0 };
	uint64_t id = 1;
	unsigned char blob[HS_SPIKE_BLOB_SEASONAL];
	size_t len;
	double mean;

	a = table(NULL, 10, 0);
	feed(a, "k", NULL, 0, 120, 10, &id, &log);
	len = hs_spike_save(a, "k", 1, blob, sizeof(blob));
	mean = state(a, "k").mean;
	b = table(NULL, 10, 0); /* default ttl: 2 days */
	ck_assert_int_eq(hs_spike_load(b, "k", 1, NULL, blob, len), 0);
	ck_assert_int_eq(hs_spike_tick(b, AT(120) + 3 * DAY, on_ev, &log), 0);
	ck_assert_int_eq(state(b, "k").last_us, AT(120) + 3 * DAY);
	feed(b, "k", NULL, 120 + 3 * 1440, 30, 10, &id, &log);
	ck_assert_int_eq(log.n, 0);
	ck_assert(state(b, "k").mean > 0.8 * mean);
	hs_spike_table_free(a);
	hs_spike_table_free(b);
	free(log.v);
}
END_TEST

static Suite *spike_suite(void)
{
	Suite *s = suite_create("spike");
	TCase *tc = tcase_create("detect");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_clear_burst);
	tcase_add_test(tc, test_updates);
	tcase_add_test(tc, test_warmup);
	tcase_add_test(tc, test_hysteresis);
	tcase_add_test(tc, test_min_count);
	tcase_add_test(tc, test_poisson_floor);
	tcase_add_test(tc, test_seasonality);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_gap_outage);
	tcase_add_test(tc, test_gap_closed_form);
	tcase_add_loop_test(tc, test_gap_closed_form_seasonal, 0,
	                    (int)(sizeof(seasonal_gaps) / sizeof(seasonal_gaps[0])));
	tcase_add_test(tc, test_clock_jump_forward);
	tcase_add_test(tc, test_clock_backwards);
	tcase_add_test(tc, test_far_future_and_past);
	tcase_add_test(tc, test_late_posts);
	tcase_add_test(tc, test_tick_ends_spike);
	tcase_add_test(tc, test_flush);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_eviction);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_many_keys);
	tcase_add_test(tc, test_param_switch);
	tcase_add_test(tc, test_reentry);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_save_load);
	tcase_add_test(tc, test_load_rejects);
	tcase_add_test(tc, test_load_old_state);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spike_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
