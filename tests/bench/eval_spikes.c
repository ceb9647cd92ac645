/* eval_spikes: detection quality of the spike detector (rules/spike.c) on
 * a synthetic stream with known bursts.
 *
 * Generator (fixed seeds: the same stream on every machine for a seed):
 *   - S series (default 20), one key each, over D days (default 7) from
 *     2026-01-05 00:00 UTC. Series i has a base rate log-spaced from 0.5 to
 *     10 posts/minute and a daily cycle: rate(t) = base x (1 + 0.8 sin(2 pi
 *     (t / 1 day + phase_i))), so between 0.2x and 1.8x base, with a random
 *     phase per series. Posts are a Poisson process at 1-second resolution.
 *   - Bursts: B per series per day (default 4), one at a random time in
 *     each quarter of the day, at least an hour from its edges (so at least
 *     two hours apart, the first after the baseline's warm-up). A burst
 *     raises the total rate to R (posts/minute, background included) for
 *     5 to 30 minutes: 60 % of them are drawn as "strong" (R = max(m x
 *     background at onset, 20..30) with m in [3, 6]), 20 % as "low ratio"
 *     (m in [1.5, 3)), 20 % as "low volume" (R in [8, 20)). Half are steps
 *     (full rate at once), half ramps (the added rate grows linearly over
 *     the first RAMP minutes, default 3, then stays). A burst belongs to
 *     the TARGET class when R >= 3 x background at onset and R >= 20/min
 *     (by plateau, whatever its shape); every other burst is WEAK.
 *   - Clock trouble: 0.1 % of posts carry a timestamp one year ahead and
 *     0.1 % one two days behind; every post arrives 0 to 3 s after its
 *     event time and the detector sees them in arrival order (now = the
 *     arrival time), with hs_spike_tick every 10 s of stream time.
 *
 * Scorer: a detection (a spike's START) matches a burst of its series when
 * its first bucket lies between the burst's onset bucket minus one and its
 * end bucket plus one. The first detection matching a burst is a hit; a
 * later one in the same burst is a duplicate; a detection matching no burst
 * is false. precision = hits / detections (duplicates count against it);
 * recall = bursts hit / bursts, per class; delay = stream time of the START
 * event minus the onset, in buckets (1 minute; negative clamped to 0).
 * "in 2" is the share of bursts hit within 2 buckets of onset. A ramp is
 * only a TARGET-sized burst once its rate reaches 3 x background and
 * 20/min, so the line "in 2 buckets of reaching 3x and 20/min" measures
 * ramps from that moment (steps from their onset, as before); the target
 * check uses that line. Both are printed.
 *
 * Detectors, all on the same stream in the same run:
 *   hearsay     the default parameters (hs_spike_params_default)
 *   seasonal    the same with seasonal = 1
 *   twitinfo    the defaults with poisson_p = 0: mean + 2 mean deviations
 *               and min_count only, as in TwitInfo's peak detection
 *   fixed-3x    per series, a bucket is hot when its count reaches 3 x the
 *               series' overall mean rate per minute (computed from the
 *               whole generated series: it knows the future), and at least
 *               5; consecutive hot buckets, with dips of one bucket, are
 *               one spike, flagged by the post that makes the count
 *               reach the threshold.
 *
 * Target (checked for "hearsay"; the exit status is 1 if missed, 2 for a
 * usage error): TARGET recall >= 0.9, TARGET hit within 2 buckets (of
 * reaching its size, above) >= 0.9, precision >= 0.9, false spikes <= 1
 * per series per day. Not a timing test.
 *
 *   eval_spikes [-s SEED] [-d DAYS] [-n SERIES] [-b BURSTS_PER_DAY]
 *               [-r RAMP_MINUTES] [-v]
 *
 * The last line of stdout is machine-readable:
 *   eval_spikes: status=ok target_recall=... target_in2=... precision=...
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/spike.h"

#define US INT64_C(1000000)
#define MIN_US (60 * US)
#define DAY_US (INT64_C(86400) * US)
#define T0_US (INT64_C(1767571200) * US) /* 2026-01-05T00:00:00Z */
#define EVAL_PI 3.14159265358979323846
#define N_DET 4

/* ---- PRNG (splitmix64), one state per stream --------------------------------------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double rng_unit(rng *r) /* [0, 1) */
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

/* Poisson(lam) by inversion; lam is small here (at most a few per second). */
static unsigned rng_poisson(rng *r, double lam)
{
	double u = rng_unit(r), p = exp(-lam), cum = p;
	unsigned c = 0;

	while (u > cum && c < 1000) {
		c++;
		p *= lam / c;
		cum += p;
	}
	return c;
}

/* ---- stream ------------------------------------------------------------------------ */

enum { SHAPE_STEP, SHAPE_RAMP };
enum { CLASS_TARGET, CLASS_WEAK };

typedef struct burst {
	int series;
	int64_t onset_us, end_us;
	int64_t size_us;  /* when the total rate first reaches 3 x background and
	                   * 20/min (ramps), else the onset */
	double rate;    /* total posts/minute at the plateau */
	double bg;      /* background at onset, posts/minute */
	int shape, cls;
	/* per detector */
	bool hit[N_DET];
	double delay[N_DET];      /* buckets from onset */
	double delay_size[N_DET]; /* buckets from size_us */
} burst;

typedef struct post {
	int64_t event_us, arrive_us;
	uint32_t series;
	uint32_t seq;
} post;

typedef struct series {
	double base, phase;
	size_t first_burst, n_bursts; /* into the burst array */
	uint64_t posts;
} series_t;

typedef struct stream {
	int days, n_series, per_day, ramp_min;
	series_t *ser;
	burst *bursts;
	size_t n_bursts;
	post *posts;
	size_t n_posts, cap_posts;
} stream;

static double background(const series_t *s, int64_t t_us)
{
	double day = (double)(t_us - T0_US) / (double)DAY_US;

	return s->base * (1.0 + 0.8 * sin(2.0 * EVAL_PI * (day + s->phase)));
}

/* Extra posts/minute from burst b at time t. */
static double burst_extra(const stream *st, const burst *b, int64_t t_us)
{
	double extra = b->rate - b->bg, ramp_us = (double)st->ramp_min * (double)MIN_US;

	if (t_us < b->onset_us || t_us >= b->end_us)
		return 0.0;
	if (b->shape == SHAPE_RAMP && (double)(t_us - b->onset_us) < ramp_us)
		extra *= (double)(t_us - b->onset_us + US) / ramp_us;
	return extra > 0.0 ? extra : 0.0;
}

static int push_post(stream *st, const post *p)
{
	if (st->n_posts == st->cap_posts) {
		size_t ncap = st->cap_posts ? st->cap_posts * 2 : 1 << 16;
		post *np = realloc(st->posts, ncap * sizeof(*np));
		if (!np)
			return -1;
		st->posts = np;
		st->cap_posts = ncap;
	}
	st->posts[st->n_posts++] = *p;
	return 0;
}

static int post_cmp(const void *a, const void *b)
{
	const post *x = a, *y = b;

	if (x->arrive_us != y->arrive_us)
		return x->arrive_us < y->arrive_us ? -1 : 1;
	if (x->series != y->series)
		return x->series < y->series ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static int generate(stream *st, uint64_t seed)
{
	size_t nb = (size_t)st->n_series * (size_t)st->days * (size_t)st->per_day;
	int64_t quarter = DAY_US / st->per_day;

	st->ser = calloc((size_t)st->n_series, sizeof(*st->ser));
	st->bursts = calloc(nb ? nb : 1, sizeof(*st->bursts));
	if (!st->ser || !st->bursts)
		return -1;
	for (int i = 0; i < st->n_series; i++) {
		series_t *s = &st->ser[i];
		rng r = { seed * UINT64_C(1000003) + (uint64_t)i * 7919u + 1u };
		uint32_t seq = 0;

		s->base = st->n_series > 1 ? 0.5 * pow(20.0, (double)i / (st->n_series - 1)) : 2.0;
		s->phase = rng_unit(&r);
		s->first_burst = st->n_bursts;
		for (int d = 0; d < st->days; d++) {
			for (int q = 0; q < st->per_day; q++) {
				burst *b = &st->bursts[st->n_bursts++];
				int64_t lo = T0_US + d * DAY_US + q * quarter + 60 * MIN_US;
				int64_t span = quarter - 120 * MIN_US - 30 * MIN_US;
				double kind = rng_unit(&r), m;

				memset(b, 0, sizeof(*b));
				b->series = i;
				b->onset_us = lo + (int64_t)(rng_unit(&r) * (double)span);
				b->onset_us -= b->onset_us % US; /* whole seconds */
				b->end_us = b->onset_us + (int64_t)rng_range(&r, 5.0, 30.0) * MIN_US;
				b->bg = background(s, b->onset_us);
				if (kind < 0.6) {
					m = rng_range(&r, 3.0, 6.0);
					b->rate = fmax(m * b->bg, rng_range(&r, 20.0, 30.0));
				} else if (kind < 0.8) {
					b->rate = rng_range(&r, 1.5, 3.0) * b->bg;
				} else {
					b->rate = rng_range(&r, 8.0, 20.0);
				}
				b->shape = rng_unit(&r) < 0.5 ? SHAPE_STEP : SHAPE_RAMP;
				b->cls = (b->rate >= 3.0 * b->bg && b->rate >= 20.0) ? CLASS_TARGET
				                                                     : CLASS_WEAK;
				b->size_us = b->onset_us;
				if (b->shape == SHAPE_RAMP && b->cls == CLASS_TARGET) {
					/* the ramp's added rate reaches f x (rate - bg)
					 * after f x RAMP minutes */
					double f = fmax(2.0 * b->bg, 20.0 - b->bg) / (b->rate - b->bg);
					b->size_us += (int64_t)(fmin(f, 1.0) * st->ramp_min * (double)MIN_US);
				}
			}
		}
		s->n_bursts = st->n_bursts - s->first_burst;
		/* posts, second by second (the series' bursts are in time order) */
		size_t bj = s->first_burst, bend = s->first_burst + s->n_bursts;
		for (int64_t t = T0_US; t < T0_US + st->days * DAY_US; t += US) {
			double rate = background(s, t);
			unsigned c;
			while (bj < bend && st->bursts[bj].end_us <= t)
				bj++;
			if (bj < bend)
				rate += burst_extra(st, &st->bursts[bj], t);
			c = rng_poisson(&r, rate / 60.0);
			for (unsigned j = 0; j < c; j++) {
				post p;
				double u = rng_unit(&r);
				p.event_us = t + (int64_t)(rng_unit(&r) * (double)US);
				p.arrive_us = p.event_us + (int64_t)(rng_unit(&r) * 3.0 * (double)US);
				if (u < 0.001)
					p.event_us += 365 * DAY_US;
				else if (u < 0.002)
					p.event_us -= 2 * DAY_US;
				p.series = (uint32_t)i;
				p.seq = seq++;
				if (push_post(st, &p) != 0)
					return -1;
				s->posts++;
			}
		}
	}
	qsort(st->posts, st->n_posts, sizeof(*st->posts), post_cmp);
	return 0;
}

/* ---- detections -------------------------------------------------------------------- */

typedef struct detection {
	int series;
	int64_t start_us;    /* first bucket */
	int64_t detected_us; /* when flagged */
} detection;

typedef struct detlist {
	detection *v;
	size_t n, cap;
	bool oom;
} detlist;

static void det_push(detlist *l, int series, int64_t start_us, int64_t detected_us)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		detection *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = (detection){ series, start_us, detected_us };
}

static void on_event(void *ud, const hs_spike_event *ev)
{
	detlist *l = ud;
	char buf[16];
	int series;

	if (ev->type != HS_SPIKE_START)
		return;
	if (ev->keylen >= sizeof(buf))
		return;
	memcpy(buf, ev->key, ev->keylen);
	buf[ev->keylen] = 0;
	series = atoi(buf + 1);
	det_push(l, series, ev->start_us, ev->detected_us);
}

/* Run the hs_spike detector with parameters p over the stream. */
static int run_hearsay(const stream *st, const hs_spike_params *p, detlist *out,
                       hs_spike_stats *stats)
{
	hs_spike_table *t = hs_spike_table_new(p, 1000, 0);
	int64_t next_tick = T0_US;
	int rc = -1;

	if (!t)
		goto fail;
	for (size_t i = 0; i < st->n_posts; i++) {
		const post *ps = &st->posts[i];
		char key[16];
		int n = snprintf(key, sizeof(key), "s%u", ps->series);
		while (ps->arrive_us >= next_tick) {
			if (hs_spike_tick(t, next_tick, on_event, out) < 0)
				goto fail;
			next_tick += 10 * US;
		}
		if (hs_spike_add(t, key, (size_t)n, NULL, ps->event_us, ps->arrive_us,
		                 ((uint64_t)ps->series << 32) | ps->seq, on_event, out) < 0)
			goto fail;
	}
	if (hs_spike_tick(t, T0_US + st->days * DAY_US + DAY_US, on_event, out) < 0)
		goto fail;
	hs_spike_get_stats(t, stats);
	rc = out->oom ? -1 : 0;
fail:
	hs_spike_table_free(t);
	return rc;
}

/* The fixed threshold baseline: 3 x the series' overall mean per minute. */
static int run_fixed(const stream *st, detlist *out)
{
	size_t n = (size_t)st->n_series;
	int64_t *cur = malloc(n * sizeof(*cur));
	uint32_t *count = calloc(n, sizeof(*count));
	uint32_t *quiet = calloc(n, sizeof(*quiet));
	bool *in = calloc(n, sizeof(*in));
	double *thr = malloc(n * sizeof(*thr));
	int rc = -1;

	if (!cur || !count || !quiet || !in || !thr)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		double mean = (double)st->ser[i].posts / ((double)st->days * 1440.0);
		thr[i] = fmax(ceil(3.0 * mean), 5.0);
		cur[i] = -1;
	}
	for (size_t j = 0; j < st->n_posts; j++) {
		const post *ps = &st->posts[j];
		size_t s = ps->series;
		int64_t e = ps->event_us, b;
		if (e > ps->arrive_us + MIN_US)
			e = ps->arrive_us; /* far future: by arrival */
		b = e / MIN_US;
		if (b < cur[s])
			continue; /* late: dropped */
		if (b > cur[s]) {
			/* close cur[s], then the empty buckets up to b */
			if (cur[s] >= 0 && in[s]) {
				if (count[s] >= thr[s])
					quiet[s] = 0;
				else
					quiet[s]++;
				if (b - cur[s] - 1 >= 2 || quiet[s] + (b - cur[s] - 1) >= 2)
					in[s] = false;
				else
					quiet[s] += (uint32_t)(b - cur[s] - 1);
			}
			cur[s] = b;
			count[s] = 0;
		}
		count[s]++;
		if (!in[s] && count[s] >= thr[s]) {
			in[s] = true;
			quiet[s] = 0;
			det_push(out, (int)s, b * MIN_US, ps->arrive_us);
		}
	}
	rc = out->oom ? -1 : 0;
fail:
	free(cur);
	free(count);
	free(quiet);
	free(in);
	free(thr);
	return rc;
}

/* ---- scoring ----------------------------------------------------------------------- */

typedef struct score {
	size_t detections, hits, dups, falses;
	size_t n[2], found[2], in2[2];          /* per class; in 2 from onset */
	size_t in2_size;                        /* TARGET, in 2 from size_us */
	size_t n_shape[2], found_shape[2], in2_shape[2]; /* TARGET by shape */
	size_t in2_size_shape[2];
	double *delays[2];
	size_t n_delays[2];
} score;

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : (x > y);
}

static double quantile(const double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return NAN;
	i = (size_t)ceil(q * (double)n);
	i = i == 0 ? 0 : i - 1;
	return v[i < n ? i : n - 1];
}

static void score_run(stream *st, int det, const detlist *l, score *sc)
{
	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < l->n; i++) {
		const detection *d = &l->v[i];
		const series_t *s = &st->ser[d->series];
		bool matched = false;
		sc->detections++;
		for (size_t j = 0; j < s->n_bursts; j++) {
			burst *b = &st->bursts[s->first_burst + j];
			int64_t ob = b->onset_us / MIN_US, eb = (b->end_us - 1) / MIN_US;
			int64_t db = d->start_us / MIN_US;
			if (db < ob - 1 || db > eb + 1)
				continue;
			matched = true;
			if (b->hit[det]) {
				sc->dups++;
			} else {
				b->hit[det] = true;
				b->delay[det] = fmax(0.0, (double)(d->detected_us - b->onset_us) /
				                              (double)MIN_US);
				b->delay_size[det] = fmax(0.0, (double)(d->detected_us - b->size_us) /
				                                   (double)MIN_US);
				sc->hits++;
			}
			break;
		}
		if (!matched)
			sc->falses++;
	}
	for (size_t j = 0; j < st->n_bursts; j++) {
		const burst *b = &st->bursts[j];
		sc->n[b->cls]++;
		if (b->cls == CLASS_TARGET)
			sc->n_shape[b->shape]++;
		if (!b->hit[det])
			continue;
		sc->found[b->cls]++;
		if (b->cls == CLASS_TARGET)
			sc->found_shape[b->shape]++;
		if (b->delay[det] <= 2.0) {
			sc->in2[b->cls]++;
			if (b->cls == CLASS_TARGET)
				sc->in2_shape[b->shape]++;
		}
		if (b->cls == CLASS_TARGET && b->delay_size[det] <= 2.0) {
			sc->in2_size++;
			sc->in2_size_shape[b->shape]++;
		}
	}
	for (int c = 0; c < 2; c++) {
		sc->delays[c] = malloc((sc->found[c] ? sc->found[c] : 1) * sizeof(double));
		if (!sc->delays[c])
			continue;
		for (size_t j = 0; j < st->n_bursts; j++)
			if (st->bursts[j].cls == c && st->bursts[j].hit[det])
				sc->delays[c][sc->n_delays[c]++] = st->bursts[j].delay[det];
		qsort(sc->delays[c], sc->n_delays[c], sizeof(double), dbl_cmp);
	}
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : NAN;
}

static void print_score(const char *name, const stream *st, const score *sc)
{
	static const char *cls[2] = { "TARGET", "WEAK" };
	double sd = (double)st->n_series * st->days;

	printf("%-9s detections %5zu  hits %5zu  dup %3zu  false %4zu  precision %.3f  "
	       "false/series/day %.3f\n",
	       name, sc->detections, sc->hits, sc->dups, sc->falses,
	       ratio(sc->hits, sc->detections), (double)sc->falses / sd);
	for (int c = 0; c < 2; c++) {
		printf("          %-6s bursts %4zu  recall %.3f  in 2 buckets %.3f  delay "
		       "median %.2f p90 %.2f max %.2f\n",
		       cls[c], sc->n[c], ratio(sc->found[c], sc->n[c]), ratio(sc->in2[c], sc->n[c]),
		       quantile(sc->delays[c], sc->n_delays[c], 0.5),
		       quantile(sc->delays[c], sc->n_delays[c], 0.9),
		       quantile(sc->delays[c], sc->n_delays[c], 1.0));
	}
	printf("          TARGET step   %4zu  recall %.3f  in 2 %.3f;  ramp %4zu  recall %.3f  "
	       "in 2 %.3f (from onset) %.3f (from reaching 3x and 20/min)\n",
	       sc->n_shape[SHAPE_STEP], ratio(sc->found_shape[SHAPE_STEP], sc->n_shape[SHAPE_STEP]),
	       ratio(sc->in2_shape[SHAPE_STEP], sc->n_shape[SHAPE_STEP]), sc->n_shape[SHAPE_RAMP],
	       ratio(sc->found_shape[SHAPE_RAMP], sc->n_shape[SHAPE_RAMP]),
	       ratio(sc->in2_shape[SHAPE_RAMP], sc->n_shape[SHAPE_RAMP]),
	       ratio(sc->in2_size_shape[SHAPE_RAMP], sc->n_shape[SHAPE_RAMP]));
	printf("          TARGET in 2 buckets of reaching 3x and 20/min: %.3f\n",
	       ratio(sc->in2_size, sc->n[CLASS_TARGET]));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: eval_spikes [-s SEED] [-d DAYS] [-n SERIES] [-b BURSTS_PER_DAY] "
	           "[-r RAMP_MINUTES] [-v]\n");
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *names[N_DET] = { "hearsay", "seasonal", "twitinfo", "fixed-3x" };
	stream st;
	detlist dl[N_DET];
	score sc[N_DET];
	hs_spike_stats stats[3];
	hs_spike_params p[3];
	long seed = 1, v;
	bool verbose = false, ok;
	int opt, rc = 1;
	double sd;

	memset(&st, 0, sizeof(st));
	memset(dl, 0, sizeof(dl));
	memset(sc, 0, sizeof(sc));
	st.days = 7;
	st.n_series = 20;
	st.per_day = 4;
	st.ramp_min = 3;
	while ((opt = getopt(argc, argv, "s:d:n:b:r:vh")) != -1) {
		switch (opt) {
		case 's':
			if (parse_int(optarg, 0, 1000000000L, &seed) != 0)
				goto usage_err;
			break;
		case 'd':
			if (parse_int(optarg, 1, 60, &v) != 0)
				goto usage_err;
			st.days = (int)v;
			break;
		case 'n':
			if (parse_int(optarg, 1, 1000, &v) != 0)
				goto usage_err;
			st.n_series = (int)v;
			break;
		case 'b':
			if (parse_int(optarg, 1, 8, &v) != 0)
				goto usage_err;
			st.per_day = (int)v;
			break;
		case 'r':
			if (parse_int(optarg, 1, 5, &v) != 0)
				goto usage_err;
			st.ramp_min = (int)v;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto usage_err;
		}
	}
	if (optind != argc)
		goto usage_err;
	if (generate(&st, (uint64_t)seed) != 0) {
		fprintf(stderr, "eval_spikes: out of memory\n");
		goto done;
	}
	sd = (double)st.n_series * st.days;
	printf("eval_spikes: seed %ld, %d series x %d days, %zu posts, %zu bursts "
	       "(%d per series per day, ramps %d min), buckets of 1 minute\n",
	       seed, st.n_series, st.days, st.n_posts, st.n_bursts, st.per_day, st.ramp_min);
	hs_spike_params_default(&p[0]);
	p[1] = p[0];
	p[1].seasonal = 1;
	p[2] = p[0];
	p[2].poisson_p = 0.0;
	for (int d = 0; d < 3; d++) {
		if (run_hearsay(&st, &p[d], &dl[d], &stats[d]) != 0) {
			fprintf(stderr, "eval_spikes: detector %s failed\n", names[d]);
			goto done;
		}
	}
	if (run_fixed(&st, &dl[3]) != 0) {
		fprintf(stderr, "eval_spikes: out of memory\n");
		goto done;
	}
	printf("hearsay defaults: k %.2f, k_end %.2f, alpha %.3f, poisson_p %g, min_count %u, "
	       "warmup %u, end_quiet %u\n",
	       p[0].k, p[0].k_end, p[0].alpha, p[0].poisson_p, p[0].min_count,
	       p[0].warmup_buckets, p[0].end_quiet);
	printf("stream: %" PRIu64 " counted, %" PRIu64 " far-future counted at arrival, %" PRIu64
	       " late dropped, %" PRIu64 " moved, %" PRIu64 " buckets frozen\n",
	       stats[0].counted, stats[0].future, stats[0].late_dropped, stats[0].late_moved,
	       stats[0].buckets_frozen);
	for (int d = 0; d < N_DET; d++) {
		score_run(&st, d, &dl[d], &sc[d]);
		print_score(names[d], &st, &sc[d]);
	}
	if (verbose) {
		for (size_t j = 0; j < st.n_bursts; j++) {
			const burst *b = &st.bursts[j];
			printf("burst s%d onset %.0f end %.0f min rate %.1f bg %.2f %s %s hit %d "
			       "delay %.2f\n",
			       b->series, (double)(b->onset_us - T0_US) / 6e7,
			       (double)(b->end_us - T0_US) / 6e7, b->rate, b->bg,
			       b->cls == CLASS_TARGET ? "TARGET" : "weak",
			       b->shape == SHAPE_STEP ? "step" : "ramp", b->hit[0], b->delay[0]);
		}
		for (size_t i = 0; i < dl[0].n; i++)
			printf("detection s%d at %.0f min\n", dl[0].v[i].series,
			       (double)(dl[0].v[i].start_us - T0_US) / 6e7);
	}
	{
		const score *h = &sc[0];
		double rec = ratio(h->found[CLASS_TARGET], h->n[CLASS_TARGET]);
		double in2 = ratio(h->in2_size, h->n[CLASS_TARGET]);
		double in2_onset = ratio(h->in2[CLASS_TARGET], h->n[CLASS_TARGET]);
		double prec = ratio(h->hits, h->detections);
		double fpd = (double)h->falses / sd;
		ok = rec >= 0.9 && in2 >= 0.9 && prec >= 0.9 && fpd <= 1.0;
		printf("eval_spikes: status=%s target_recall=%.3f target_in2=%.3f "
		       "target_in2_from_onset=%.3f precision=%.3f "
		       "false_per_series_day=%.3f weak_recall=%.3f twitinfo_precision=%.3f "
		       "fixed3x_target_recall=%.3f fixed3x_precision=%.3f\n",
		       ok ? "ok" : "missed", rec, in2, in2_onset, prec, fpd,
		       ratio(h->found[CLASS_WEAK], h->n[CLASS_WEAK]),
		       ratio(sc[2].hits, sc[2].detections),
		       ratio(sc[3].found[CLASS_TARGET], sc[3].n[CLASS_TARGET]),
		       ratio(sc[3].hits, sc[3].detections));
		rc = ok ? 0 : 1;
	}
done:
	for (int d = 0; d < N_DET; d++) {
		free(dl[d].v);
		free(sc[d].delays[0]);
		free(sc[d].delays[1]);
	}
	free(st.ser);
	free(st.bursts);
	free(st.posts);
	return rc;
usage_err:
	usage(stderr);
	return 2;
}
