/* hearsay: spike detector (see spike.h for the model and the API).
 *
 * Layout:
 *   - hs_spike_table: parameter sets (sets[0] = the defaults), an
 *     open-addressing hash table of {hash, key pointer} (linear probing,
 *     backward-shift deletion, so no tombstones), a doubly linked LRU list
 *     of all keys (head = most recently counted) and a doubly linked list of
 *     the keys in a spike (what hs_spike_tick visits).
 *   - spike_key: one allocation per key, its bytes at the end; the hourly
 *     baseline (spike_season) is a second allocation, only when seasonal.
 *
 * Per key, the open bucket is an index n (the bucket [n W, (n + 1) W)).
 * Its thresholds (thr_start, thr_end) and expected count are computed when
 * it opens (open_thresholds); a post costs one increment and a comparison.
 * Closing it (advance) learns it (close_one), then closes the empty buckets
 * up to the new open bucket: one by one for at most GAP_LOOP of them (or
 * until a spike in progress has ended), then in closed form
 * (gap_closed_form): for n empty buckets and q = 1 - alpha,
 *
 *   mean_n = q^n mean_0
 *   dev_n  = q^n dev_0 + n alpha q^(n-1) mean_0
 *
 * (each step adds alpha |0 - mean_i| = alpha q^i mean_0 to a deviation
 * that shrinks by q), for the recent baseline and for each hourly slot with
 * the number of gap buckets that fall in that hour.
 *
 * Saved state (hs_spike_save), little-endian:
 *   0  u8  version (1)           1  u8  flags: bit 0 seasonal, bit 1 frozen
 *   2  u16 0                     4  u32 buckets learned
 *   8  i64 bucket width (us)    16  i64 open bucket index
 *  24  u32 open bucket count    28  u32 0
 *  32  f64 mean                 40  f64 mean deviation
 *  48  f64 posts expected over the current run of empty buckets
 *  56  seasonal only: 24 x f32 slot means, then 24 x f32 slot deviations
 * end  u32 CRC-32 (IEEE, reflected 0xEDB88320) of every byte before it
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spike.h"

#define US_PER_S INT64_C(1000000)
#define HOUR_US (INT64_C(3600) * US_PER_S)
#define DAY_US (INT64_C(86400) * US_PER_S)
#define TIME_LIMIT (INT64_C(1) << 62)    /* times are clamped to [0, this) */
#define GAP_LOOP 64                      /* empty buckets closed one by one */
#define LAST_UNSET INT64_MIN             /* loaded before the clock was set */
#define BLOB_VERSION 1
#define BLOB_HEAD 56
#define FLAG_SEASONAL 1u
#define FLAG_FROZEN 2u
#define SPIKE_PI 3.14159265358979323846

_Static_assert(sizeof(double) == 8 && sizeof(float) == 4, "IEEE float sizes");

/* ---- types ------------------------------------------------------------------------ */

typedef struct spike_season {
	float mean[HS_SPIKE_SEASON_SLOTS];
	float dev[HS_SPIKE_SEASON_SLOTS];
} spike_season;

typedef struct spike_key {
	struct spike_key *lru_prev, *lru_next; /* prev: more recent */
	struct spike_key *act_prev, *act_next; /* list of keys in a spike */
	spike_season *season;   /* owned; NULL unless the key's set is seasonal */
	uint64_t hash;
	int64_t open;           /* index of the open bucket */
	int64_t last_us;        /* stream clock at the last counted post */
	double mean, dev;       /* recent baseline */
	double run_expect;      /* expected posts over the current empty run */
	double exp_open;        /* expected count of the open bucket */
	double dev_open;        /* deviation of the baseline giving exp_open */
	/* the spike in progress (in_spike) */
	int64_t sp_start, sp_peak, sp_hot; /* bucket indices; sp_hot: last hot */
	uint64_t sp_total;      /* posts so far */
	uint64_t sp_total_hot;  /* ... when the last hot bucket closed */
	double sp_expect;       /* expected counts of the closed spike buckets */
	double sp_expect_hot;   /* ... up to the last hot bucket */
	double sp_peak_exp, sp_peak_dev;
	uint32_t sp_peak_count;
	uint32_t count;         /* posts in the open bucket */
	uint32_t thr_start, thr_end;
	uint32_t seen;          /* buckets learned, saturating */
	uint16_t pset;          /* index into hs_spike_table.sets */
	uint16_t keylen;
	uint16_t quiet;         /* quiet buckets in a row (in a spike) */
	uint8_t in_spike;
	uint8_t frozen;         /* the current empty run is an outage */
	uint8_t nsamp;
	uint64_t samples[HS_SPIKE_SAMPLES_MAX]; /* open bucket's first ids, or
	                                         * the spike's */
	unsigned char key[];
} spike_key;

typedef struct spike_slot {
	uint64_t hash;
	spike_key *k;           /* NULL: empty slot */
} spike_slot;

struct hs_spike_table {
	hs_spike_params *sets;  /* owned; sets[0] = defaults */
	size_t n_sets, cap_sets;
	spike_slot *slots;      /* owned; cap entries, cap a power of two */
	size_t cap;
	size_t n_keys, max_keys;
	int64_t ttl_us;         /* < 0: never expire */
	spike_key *lru_head, *lru_tail;
	spike_key *act_head;
	int64_t clock;          /* stream clock S */
	bool has_clock;
	bool busy;              /* inside a call: callbacks may not re-enter */
	size_t key_bytes;       /* heap held by keys */
	uint64_t events;        /* events delivered, for return values */
	hs_spike_stats st;      /* counters (keys, memory filled on demand) */
};

/* ---- parameters -------------------------------------------------------------------- */

void hs_spike_params_default(hs_spike_params *p)
{
	if (!p)
		return;
	memset(p, 0, sizeof(*p));
	p->bucket_us = 60 * US_PER_S;
	p->late_us = 120 * US_PER_S;
	p->future_us = 60 * US_PER_S;
	p->alpha = 0.125;
	p->k = 2.0;
	p->k_end = 1.0;
	p->spike_learn = 0.125;
	p->poisson_p = 1e-4;
	p->min_ratio = 0.0;
	p->outage_posts = 20.0;
	p->min_count = 5;
	p->warmup_buckets = 30;
	p->end_quiet = 2;
	p->max_samples = HS_SPIKE_SAMPLES_MAX;
	p->day_offset_s = 0;
	p->seasonal = 0;
}

static bool in_range(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi;
}

int hs_spike_params_check(const hs_spike_params *p, const char **why)
{
	const char *msg = NULL;

	if (!p)
		msg = "no parameters";
	else if (p->bucket_us < US_PER_S || p->bucket_us > DAY_US)
		msg = "bucket_us: must be 1 s .. 1 day";
	else if (p->late_us < 0 || p->late_us > DAY_US)
		msg = "late_us: must be 0 .. 1 day";
	else if (p->future_us < 0 || p->future_us > DAY_US)
		msg = "future_us: must be 0 .. 1 day";
	else if (!in_range(p->alpha, 0.0, 1.0) || p->alpha == 0.0)
		msg = "alpha: must be in (0, 1]";
	else if (!in_range(p->k, 0.0, 1000.0))
		msg = "k: must be 0 .. 1000";
	else if (!in_range(p->k_end, 0.0, p->k))
		msg = "k_end: must be 0 .. k";
	else if (!in_range(p->spike_learn, 0.0, 1.0))
		msg = "spike_learn: must be 0 .. 1";
	else if (p->poisson_p != 0.0 && !in_range(p->poisson_p, 1e-12, 0.5))
		msg = "poisson_p: must be 0 or 1e-12 .. 0.5";
	else if (!in_range(p->min_ratio, 0.0, 1000.0))
		msg = "min_ratio: must be 0 .. 1000";
	else if (!in_range(p->outage_posts, 0.0, 1e9))
		msg = "outage_posts: must be 0 .. 1e9";
	else if (p->min_count < 1)
		msg = "min_count: must be at least 1";
	else if (p->warmup_buckets > 1000000)
		msg = "warmup_buckets: must be 0 .. 1000000";
	else if (p->end_quiet < 1 || p->end_quiet > 64)
		msg = "end_quiet: must be 1 .. 64";
	else if (p->max_samples > HS_SPIKE_SAMPLES_MAX)
		msg = "max_samples: must be 0 .. HS_SPIKE_SAMPLES_MAX";
	else if (p->day_offset_s < -86400 || p->day_offset_s > 86400)
		msg = "day_offset_s: must be -86400 .. 86400";
	else if (p->seasonal > 1)
		msg = "seasonal: must be 0 or 1";
	else if (p->seasonal && HOUR_US % p->bucket_us != 0)
		msg = "seasonal: bucket_us must divide one hour";
	if (why)
		*why = msg;
	return msg ? -1 : 0;
}

static bool params_equal(const hs_spike_params *a, const hs_spike_params *b)
{
	return a->bucket_us == b->bucket_us && a->late_us == b->late_us &&
	       a->future_us == b->future_us && a->alpha == b->alpha && a->k == b->k &&
	       a->k_end == b->k_end && a->spike_learn == b->spike_learn &&
	       a->poisson_p == b->poisson_p && a->min_ratio == b->min_ratio &&
	       a->outage_posts == b->outage_posts && a->min_count == b->min_count &&
	       a->warmup_buckets == b->warmup_buckets && a->end_quiet == b->end_quiet &&
	       a->max_samples == b->max_samples && a->day_offset_s == b->day_offset_s &&
	       a->seasonal == b->seasonal;
}

/* Index of a set equal to *p, added if new. -1 if p is invalid, the table
 * holds HS_SPIKE_MAX_PARAM_SETS sets, or on OOM. */
static int intern_params(hs_spike_table *t, const hs_spike_params *p)
{
	for (size_t i = 0; i < t->n_sets; i++)
		if (params_equal(&t->sets[i], p))
			return (int)i;
	if (hs_spike_params_check(p, NULL) != 0 || t->n_sets >= HS_SPIKE_MAX_PARAM_SETS)
		return -1;
	if (t->n_sets == t->cap_sets) {
		size_t ncap = t->cap_sets * 2;
		hs_spike_params *ns = realloc(t->sets, ncap * sizeof(*ns));
		if (!ns)
			return -1;
		t->sets = ns;
		t->cap_sets = ncap;
	}
	t->sets[t->n_sets] = *p;
	return (int)t->n_sets++;
}

/* ---- small helpers ----------------------------------------------------------------- */

static int64_t clamp_time(int64_t v)
{
	if (v < 0)
		return 0;
	return v >= TIME_LIMIT ? TIME_LIMIT - 1 : v;
}

/* floor(a / b) for b > 0 */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b < 0)
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	return r < 0 ? r + b : r;
}

static uint32_t to_u32(double v)
{
	if (!(v > 0.0))
		return 0;
	if (v >= 4294967295.0)
		return UINT32_MAX;
	return (uint32_t)v;
}

/* Hour of the day (0..23) of bucket idx's start, shifted by day_offset_s. */
static unsigned slot_of(const hs_spike_params *p, int64_t idx)
{
	int64_t at = idx * p->bucket_us + (int64_t)p->day_offset_s * US_PER_S;

	return (unsigned)(floor_mod(at, DAY_US) / HOUR_US);
}

/* 64-bit hash of a key: 8-byte words folded through multiply-xorshift
 * rounds, then a final avalanche. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static uint64_t hash_key(const unsigned char *p, size_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)n;
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
	return mix64(h);
}

/* ---- Poisson tail ------------------------------------------------------------------ */

/* log(n!) for integer-valued n >= 0: a sum for small n, else Stirling's
 * series (error below 1e-12 from n = 16 on). */
static double log_fact(double n)
{
	double s = 0.0;

	if (n < 16.0) {
		for (double i = 2.0; i <= n; i += 1.0)
			s += log(i);
		return s;
	}
	return n * log(n) - n + 0.5 * log(2.0 * SPIKE_PI * n) + 1.0 / (12.0 * n) -
	       1.0 / (360.0 * n * n * n);
}

/* z with P(Z > z) = p for a standard normal (bisection, p in (0, 0.5]). */
static double normal_upper_z(double p)
{
	double lo = 0.0, hi = 40.0;

	for (int i = 0; i < 100; i++) {
		double mid = 0.5 * (lo + hi);
		if (0.5 * erfc(mid / sqrt(2.0)) > p)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* The smallest count c with P(X >= c) <= p for X ~ Poisson(lam). Exact
 * (up to rounding) for lam <= 1e5: for lam < 1 by walking the upper tail
 * up from P(X >= 1) = 1 - e^-lam; otherwise by summing the tail down from
 * lam + 12 sqrt(lam) + 20 (the mass above that is below 1e-30) until it
 * exceeds p, about 8 sqrt(lam) steps. Above 1e5 a normal approximation
 * with skew correction (off by at most one or two counts there). */
static double poisson_upper(double lam, double p)
{
	if (!(lam > 0.0))
		return 1.0;
	if (lam < 1.0) {
		double tail = -expm1(-lam); /* P(X >= 1) */
		double pmf = exp(-lam) * lam; /* P(X = 1) */
		double c = 1.0;
		while (tail > p && c < 200.0) {
			tail -= pmf;
			c += 1.0;
			pmf *= lam / c;
		}
		return c;
	}
	if (lam <= 1e5) {
		double c = floor(lam + 12.0 * sqrt(lam) + 20.0);
		double term = exp(c * log(lam) - lam - log_fact(c));
		double sum = 0.0;
		while (c >= 0.0) {
			sum += term;
			if (sum > p)
				return c + 1.0;
			term *= c / lam;
			c -= 1.0;
		}
		return 0.0;
	}
	{
		double z = normal_upper_z(p);
		return floor(lam + z * sqrt(lam) + (z * z - 1.0) / 6.0) + 1.0;
	}
}

/* ---- per-key model ----------------------------------------------------------------- */

/* Expected count and deviation for bucket idx: the recent baseline, or the
 * hourly one if it expects more. */
static void expected_at(const hs_spike_params *p, const spike_key *k, int64_t idx,
                        double *exp_out, double *dev_out)
{
	double e = k->mean, d = k->dev;

	if (k->season) {
		unsigned s = slot_of(p, idx);
		if ((double)k->season->mean[s] > e) {
			e = k->season->mean[s];
			d = k->season->dev[s];
		}
	}
	*exp_out = e;
	*dev_out = d;
}

/* Thresholds of the open bucket, from the baseline as it stands. */
static void open_thresholds(const hs_spike_params *p, spike_key *k)
{
	double a = k->mean + p->k * k->dev;
	double b = k->mean + p->k_end * k->dev;
	double ts;

	if (k->season) {
		unsigned s = slot_of(p, k->open);
		double sm = k->season->mean[s], sd = k->season->dev[s];
		a = fmax(a, sm + p->k * sd);
		b = fmax(b, sm + p->k_end * sd);
	}
	expected_at(p, k, k->open, &k->exp_open, &k->dev_open);
	ts = fmax(floor(a) + 1.0, (double)p->min_count);
	if (p->min_ratio > 0.0)
		ts = fmax(ts, ceil(p->min_ratio * k->exp_open));
	if (p->poisson_p > 0.0)
		ts = fmax(ts, poisson_upper(k->exp_open, p->poisson_p));
	k->thr_start = to_u32(ts);
	k->thr_end = to_u32(fmax(floor(b) + 1.0, 1.0));
}

static void ewma(double *mean, double *dev, double c, double w)
{
	double d = c - *mean;

	*mean += w * d;
	*dev += w * (fabs(d) - *dev);
}

/* Learn bucket idx with count c at weight w. */
static void learn(const hs_spike_params *p, spike_key *k, int64_t idx, double c, double w)
{
	ewma(&k->mean, &k->dev, c, w);
	if (k->season) {
		unsigned s = slot_of(p, idx);
		double m = k->season->mean[s], d = k->season->dev[s];
		ewma(&m, &d, c, w);
		k->season->mean[s] = (float)m;
		k->season->dev[s] = (float)d;
	}
	if (k->seen < UINT32_MAX)
		k->seen++;
}

/* ---- events ------------------------------------------------------------------------ */

static void emit(hs_spike_table *t, const spike_key *k, const hs_spike_params *p,
                 hs_spike_event_type type, hs_spike_end_reason reason,
                 hs_spike_event_cb cb, void *ud)
{
	hs_spike_event ev;
	int64_t w = p->bucket_us;
	int64_t last = k->sp_hot;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.reason = reason;
	ev.key = k->key;
	ev.keylen = k->keylen;
	ev.bucket_us = w;
	ev.start_us = k->sp_start * w;
	ev.peak_us = k->sp_peak * w;
	ev.detected_us = t->clock;
	ev.peak_count = k->sp_peak_count;
	ev.expected = k->sp_peak_exp;
	ev.deviation = k->sp_peak_dev;
	ev.magnitude = (double)k->sp_peak_count / fmax(k->sp_peak_exp, 1.0);
	ev.z = ((double)k->sp_peak_count - k->sp_peak_exp) / fmax(k->sp_peak_dev, 0.5);
	ev.total = k->sp_total_hot;
	ev.excess = (double)k->sp_total_hot - k->sp_expect_hot;
	if (type == HS_SPIKE_START ||
	    (type == HS_SPIKE_END && reason != HS_SPIKE_END_QUIET && k->count > 0)) {
		/* the open bucket is part of it */
		last = k->open;
		ev.total = k->sp_total;
		ev.excess = (double)k->sp_total - k->sp_expect - k->exp_open;
	}
	ev.end_us = (last + 1) * w;
	ev.buckets = (uint32_t)(last - k->sp_start + 1);
	ev.sample_ids = k->samples;
	ev.n_samples = k->nsamp;
	t->events++;
	if (cb)
		cb(ud, &ev);
}

static void start_spike(hs_spike_table *t, spike_key *k, const hs_spike_params *p,
                        hs_spike_event_cb cb, void *ud)
{
	k->in_spike = 1;
	k->sp_start = k->sp_peak = k->sp_hot = k->open;
	k->sp_peak_count = k->count;
	k->sp_peak_exp = k->exp_open;
	k->sp_peak_dev = k->dev_open;
	k->sp_total = k->sp_total_hot = k->count;
	k->sp_expect = k->sp_expect_hot = 0.0;
	k->quiet = 0;
	k->act_prev = NULL;
	k->act_next = t->act_head;
	if (t->act_head)
		t->act_head->act_prev = k;
	t->act_head = k;
	t->st.spikes_started++;
	t->st.spikes_active++;
	emit(t, k, p, HS_SPIKE_START, HS_SPIKE_END_NONE, cb, ud);
}

static void end_spike(hs_spike_table *t, spike_key *k, const hs_spike_params *p,
                      hs_spike_end_reason reason, hs_spike_event_cb cb, void *ud)
{
	emit(t, k, p, HS_SPIKE_END, reason, cb, ud);
	k->in_spike = 0;
	k->quiet = 0;
	k->nsamp = 0;
	if (k->act_prev)
		k->act_prev->act_next = k->act_next;
	else
		t->act_head = k->act_next;
	if (k->act_next)
		k->act_next->act_prev = k->act_prev;
	k->act_prev = k->act_next = NULL;
	t->st.spikes_ended++;
	t->st.spikes_active--;
}

/* ---- closing buckets --------------------------------------------------------------- */

/* Close bucket idx with count c (the open bucket, or an empty gap bucket:
 * exp/dev are its expected count and deviation; hot says whether c reached
 * its end threshold). Learns it unless it belongs to an outage, advances
 * the spike state machine. */
static void close_one(hs_spike_table *t, spike_key *k, const hs_spike_params *p,
                      int64_t idx, uint32_t c, double exp, double dev, bool hot,
                      hs_spike_event_cb cb, void *ud)
{
	bool frozen = false;

	if (c > 0) {
		k->run_expect = 0.0;
		k->frozen = 0;
	} else if (k->frozen ||
	           (p->outage_posts > 0.0 && k->run_expect + exp > p->outage_posts)) {
		frozen = true;
		k->frozen = 1;
	} else {
		k->run_expect += exp;
	}
	if (frozen)
		t->st.buckets_frozen++;
	if (!k->in_spike) {
		if (!frozen)
			learn(p, k, idx, c, p->alpha);
		return;
	}
	k->sp_expect += exp;
	if (hot) {
		k->quiet = 0;
		k->sp_hot = idx;
		k->sp_total_hot = k->sp_total;
		k->sp_expect_hot = k->sp_expect;
		if (c > k->sp_peak_count) {
			k->sp_peak = idx;
			k->sp_peak_count = c;
			k->sp_peak_exp = exp;
			k->sp_peak_dev = dev;
			emit(t, k, p, HS_SPIKE_UPDATE, HS_SPIKE_END_NONE, cb, ud);
		}
	} else if (k->quiet < UINT16_MAX) {
		k->quiet++;
	}
	if (!frozen)
		learn(p, k, idx, c, p->alpha * p->spike_learn);
	if (k->quiet >= p->end_quiet)
		end_spike(t, k, p, HS_SPIKE_END_QUIET, cb, ud);
}

/* Number of buckets per hourly slot among the n buckets from idx0 on
 * (bucket_us divides one hour, so each hour holds 3600 s / W bucket
 * starts and a day 24 times that). */
static void slot_counts(const hs_spike_params *p, int64_t idx0, uint64_t n,
                        uint64_t counts[HS_SPIKE_SEASON_SLOTS])
{
	uint64_t per_hour = (uint64_t)(HOUR_US / p->bucket_us);
	uint64_t per_day = per_hour * HS_SPIKE_SEASON_SLOTS;
	uint64_t full = n / per_day, rem = n % per_day, left;
	int64_t at = idx0 * p->bucket_us + (int64_t)p->day_offset_s * US_PER_S;
	unsigned s = slot_of(p, idx0);

	for (unsigned i = 0; i < HS_SPIKE_SEASON_SLOTS; i++)
		counts[i] = full * per_hour;
	/* buckets of slot s from idx0 to the end of its hour */
	left = per_hour - (uint64_t)(floor_mod(at, HOUR_US) / p->bucket_us);
	while (rem > 0) {
		uint64_t take = rem < left ? rem : left;
		counts[s] += take;
		rem -= take;
		s = (s + 1) % HS_SPIKE_SEASON_SLOTS;
		left = per_hour;
	}
}

/* n consecutive empty buckets from decay in closed form: mean and deviation
 * as in the comment at the top. */
static void decay(double *mean, double *dev, double q, double alpha, double n)
{
	double qn = pow(q, n);

	*dev = qn * *dev + n * alpha * pow(q, n - 1.0) * *mean;
	*mean = qn * *mean;
}

/* Posts expected from an EWMA mean m over n empty buckets. */
static double decay_sum(double m, double q, double alpha, double n)
{
	return m * (1.0 - pow(q, n)) / alpha;
}

/* The n (> 0) empty buckets from idx0 on, not in a spike, not frozen so
 * far: learned as a whole, or (if the posts they would expect push the run
 * past outage_posts) not at all. */
static void gap_closed_form(hs_spike_table *t, spike_key *k, const hs_spike_params *p,
                            int64_t idx0, uint64_t n)
{
	double a = p->alpha, q = 1.0 - p->alpha, expect;
	uint64_t counts[HS_SPIKE_SEASON_SLOTS];

	expect = decay_sum(k->mean, q, a, (double)n);
	if (k->season) {
		slot_counts(p, idx0, n, counts);
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++)
			expect += decay_sum(k->season->mean[s], q, a, (double)counts[s]);
	}
	if (p->outage_posts > 0.0 && k->run_expect + expect > p->outage_posts) {
		k->frozen = 1;
		t->st.buckets_frozen += n;
		return;
	}
	k->run_expect += expect;
	decay(&k->mean, &k->dev, q, a, (double)n);
	if (k->season) {
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++) {
			double m = k->season->mean[s], d = k->season->dev[s];
			if (counts[s] == 0)
				continue;
			decay(&m, &d, q, a, (double)counts[s]);
			k->season->mean[s] = (float)m;
			k->season->dev[s] = (float)d;
		}
	}
	k->seen = n >= (uint64_t)(UINT32_MAX - k->seen) ? UINT32_MAX : k->seen + (uint32_t)n;
}

/* Close the open bucket and the empty ones after it; open bucket target
 * (> k->open). */
static void advance(hs_spike_table *t, spike_key *k, const hs_spike_params *p,
                    int64_t target, hs_spike_event_cb cb, void *ud)
{
	int64_t idx = k->open;
	uint64_t n = (uint64_t)(target - idx - 1);
	unsigned i = 0;

	close_one(t, k, p, idx, k->count, k->exp_open, k->dev_open,
	          k->count > 0 && k->count >= k->thr_end, cb, ud);
	idx++;
	while (n > 0 && (k->in_spike || (i < GAP_LOOP && !k->frozen))) {
		double e, d;
		expected_at(p, k, idx, &e, &d);
		close_one(t, k, p, idx, 0, e, d, false, cb, ud);
		idx++;
		n--;
		i++;
	}
	if (n > 0) {
		if (k->frozen)
			t->st.buckets_frozen += n;
		else
			gap_closed_form(t, k, p, idx, n);
	}
	k->open = target;
	k->count = 0;
	if (!k->in_spike)
		k->nsamp = 0;
	open_thresholds(p, k);
}

/* ---- hash table, LRU ---------------------------------------------------------------- */

static spike_key *lookup(const hs_spike_table *t, uint64_t h, const void *key, size_t len)
{
	size_t mask, i;

	if (t->cap == 0)
		return NULL;
	mask = t->cap - 1;
	for (i = (size_t)h & mask; t->slots[i].k; i = (i + 1) & mask) {
		spike_key *k = t->slots[i].k;
		if (t->slots[i].hash == h && k->keylen == len && memcmp(k->key, key, len) == 0)
			return k;
	}
	return NULL;
}

static void slot_insert(spike_slot *slots, size_t cap, uint64_t h, spike_key *k)
{
	size_t mask = cap - 1, i;

	for (i = (size_t)h & mask; slots[i].k; i = (i + 1) & mask)
		;
	slots[i].hash = h;
	slots[i].k = k;
}

/* Room for `keys` keys at load <= 1/2. 0 or -1 (OOM). */
static int reserve(hs_spike_table *t, size_t keys)
{
	size_t ncap;
	spike_slot *ns;

	if (t->cap && keys * 2 <= t->cap)
		return 0;
	ncap = t->cap ? t->cap * 2 : 16;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].k)
			slot_insert(ns, ncap, t->slots[i].hash, t->slots[i].k);
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

/* Remove k's slot; backward shift keeps every probe chain unbroken. */
static void slot_delete(hs_spike_table *t, const spike_key *k)
{
	size_t mask = t->cap - 1, i = (size_t)k->hash & mask, j;

	while (t->slots[i].k != k)
		i = (i + 1) & mask;
	t->slots[i].k = NULL;
	j = i;
	for (;;) {
		size_t home;
		j = (j + 1) & mask;
		if (!t->slots[j].k)
			break;
		home = (size_t)t->slots[j].hash & mask;
		/* the entry at j may move to i unless its home lies in (i, j] */
		if (j > i ? (home <= i || home > j) : (home <= i && home > j)) {
			t->slots[i] = t->slots[j];
			t->slots[j].k = NULL;
			i = j;
		}
	}
}

static void lru_unlink(hs_spike_table *t, spike_key *k)
{
	if (k->lru_prev)
		k->lru_prev->lru_next = k->lru_next;
	else
		t->lru_head = k->lru_next;
	if (k->lru_next)
		k->lru_next->lru_prev = k->lru_prev;
	else
		t->lru_tail = k->lru_prev;
	k->lru_prev = k->lru_next = NULL;
}

static void lru_push_head(hs_spike_table *t, spike_key *k)
{
	k->lru_prev = NULL;
	k->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = k;
	else
		t->lru_tail = k;
	t->lru_head = k;
}

static size_t key_size(size_t keylen)
{
	return sizeof(spike_key) + keylen;
}

static void free_key(hs_spike_table *t, spike_key *k)
{
	t->key_bytes -= key_size(k->keylen) + (k->season ? sizeof(spike_season) : 0);
	free(k->season);
	free(k);
}

/* Remove k from the table (END first if it is in a spike) and free it. */
static void remove_key(hs_spike_table *t, spike_key *k, hs_spike_end_reason reason,
                       hs_spike_event_cb cb, void *ud)
{
	if (k->in_spike)
		end_spike(t, k, &t->sets[k->pset], reason, cb, ud);
	slot_delete(t, k);
	lru_unlink(t, k);
	t->n_keys--;
	free_key(t, k);
}

/* A new key (not yet in the table) with an empty baseline, open bucket
 * `open`, parameter set si; NULL on OOM. */
static spike_key *alloc_key(hs_spike_table *t, uint64_t h, const void *key, size_t len,
                            int si, int64_t open)
{
	const hs_spike_params *p = &t->sets[si];
	spike_key *k = calloc(1, key_size(len));

	if (!k)
		goto fail;
	if (p->seasonal) {
		k->season = calloc(1, sizeof(*k->season));
		if (!k->season)
			goto fail;
	}
	memcpy(k->key, key, len);
	k->keylen = (uint16_t)len;
	k->hash = h;
	k->pset = (uint16_t)si;
	k->open = open;
	k->last_us = t->has_clock ? t->clock : LAST_UNSET;
	open_thresholds(p, k);
	t->key_bytes += key_size(len) + (k->season ? sizeof(spike_season) : 0);
	return k;
fail:
	free(k);
	return NULL;
}

static void insert_key(hs_spike_table *t, spike_key *k)
{
	slot_insert(t->slots, t->cap, k->hash, k);
	lru_push_head(t, k);
	t->n_keys++;
}

/* Move key k to parameter set si. Incompatible sets (bucket width or
 * seasonality differ) end its spike and restart its baseline with open
 * bucket `open`. 0, or -1 on OOM (k unchanged). */
static int switch_params(hs_spike_table *t, spike_key *k, int si, int64_t open,
                         hs_spike_event_cb cb, void *ud)
{
	const hs_spike_params *old = &t->sets[k->pset], *p = &t->sets[si];
	spike_season *season = NULL;

	if (old->bucket_us == p->bucket_us && old->seasonal == p->seasonal) {
		k->pset = (uint16_t)si;
		if (k->nsamp > p->max_samples)
			k->nsamp = (uint8_t)p->max_samples;
		open_thresholds(p, k);
		return 0;
	}
	if (p->seasonal) {
		season = calloc(1, sizeof(*season));
		if (!season)
			return -1;
	}
	if (k->in_spike)
		end_spike(t, k, old, HS_SPIKE_END_RESET, cb, ud);
	t->key_bytes -= k->season ? sizeof(spike_season) : 0;
	free(k->season);
	k->season = season;
	t->key_bytes += season ? sizeof(spike_season) : 0;
	k->pset = (uint16_t)si;
	k->mean = k->dev = k->run_expect = 0.0;
	k->frozen = 0;
	k->seen = 0;
	k->open = open;
	k->count = 0;
	k->nsamp = 0;
	open_thresholds(p, k);
	return 0;
}

static void set_clock(hs_spike_table *t, int64_t now_us)
{
	int64_t now = clamp_time(now_us);

	if (!t->has_clock) {
		t->has_clock = true;
		t->clock = now;
		for (spike_key *k = t->lru_head; k; k = k->lru_next)
			if (k->last_us == LAST_UNSET)
				k->last_us = now;
	} else if (now > t->clock) {
		t->clock = now;
	}
}

/* ---- table ------------------------------------------------------------------------- */

hs_spike_table *hs_spike_table_new(const hs_spike_params *defaults, size_t max_keys,
                                   int64_t ttl_us)
{
	hs_spike_table *t = NULL;

	if (max_keys < 1 || max_keys > ((size_t)1 << 28))
		goto fail;
	if (defaults && hs_spike_params_check(defaults, NULL) != 0)
		goto fail;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto fail;
	t->cap_sets = 4;
	t->sets = malloc(t->cap_sets * sizeof(*t->sets));
	if (!t->sets)
		goto fail;
	if (defaults)
		t->sets[0] = *defaults;
	else
		hs_spike_params_default(&t->sets[0]);
	t->n_sets = 1;
	t->max_keys = max_keys;
	if (ttl_us == 0)
		ttl_us = HS_SPIKE_TTL_DEFAULT;
	t->ttl_us = ttl_us > TIME_LIMIT ? TIME_LIMIT : ttl_us;
	return t;
fail:
	if (t)
		free(t->sets);
	free(t);
	return NULL;
}

void hs_spike_table_free(hs_spike_table *t)
{
	spike_key *k, *next;

	if (!t)
		return;
	for (k = t->lru_head; k; k = next) {
		next = k->lru_next;
		free(k->season);
		free(k);
	}
	free(t->slots);
	free(t->sets);
	free(t);
}

/* hs_spike_add with t->busy set. */
static int add_post(hs_spike_table *t, const void *key, size_t keylen,
                    const hs_spike_params *pin, int64_t post_us, uint64_t post_id,
                    hs_spike_event_cb cb, void *ud)
{
	uint64_t h = hash_key(key, keylen);
	spike_key *k = lookup(t, h, key, keylen);
	const hs_spike_params *p;
	int si;
	int64_t e, w, cidx, eidx;
	bool future = false;

	if (!pin)
		si = 0;
	else if (k && params_equal(pin, &t->sets[k->pset]))
		si = k->pset;
	else if ((si = intern_params(t, pin)) < 0)
		return -1;
	p = &t->sets[si];
	e = clamp_time(post_us);
	if (e > t->clock + p->future_us) {
		e = t->clock;
		future = true;
	}
	w = p->bucket_us;
	cidx = floor_div(t->clock - p->late_us, w);
	eidx = floor_div(e, w);
	if (!k) {
		int64_t open = cidx > eidx ? cidx : eidx;
		if (e < open * w - p->late_us) {
			t->st.posts++;
			t->st.late_dropped++;
			return HS_SPIKE_LATE;
		}
		/* a full table evicts before inserting: max_keys at most */
		if (reserve(t, t->n_keys < t->max_keys ? t->n_keys + 1 : t->n_keys) != 0)
			return -1;
		k = alloc_key(t, h, key, keylen, si, open);
		if (!k)
			return -1;
		if (t->n_keys >= t->max_keys) {
			t->st.evicted++;
			remove_key(t, t->lru_tail, HS_SPIKE_END_EVICTED, cb, ud);
		}
		insert_key(t, k);
	} else {
		if (si != k->pset) {
			int64_t open = cidx > eidx ? cidx : eidx;
			if (switch_params(t, k, si, open, cb, ud) != 0)
				return -1;
		}
		if ((cidx > eidx ? cidx : eidx) > k->open)
			advance(t, k, p, cidx > eidx ? cidx : eidx, cb, ud);
		if (eidx < k->open) {
			if (e < k->open * w - p->late_us) {
				t->st.posts++;
				t->st.late_dropped++;
				if (k->in_spike && e >= k->sp_start * w) {
					k->sp_total++;
					k->sp_total_hot++;
					if (k->nsamp < p->max_samples)
						k->samples[k->nsamp++] = post_id;
				}
				return HS_SPIKE_LATE;
			}
			t->st.late_moved++;
		}
	}
	t->st.posts++;
	t->st.counted++;
	if (future)
		t->st.future++;
	if (k->count < UINT32_MAX)
		k->count++;
	if (k->in_spike)
		k->sp_total++;
	if (k->nsamp < p->max_samples)
		k->samples[k->nsamp++] = post_id;
	k->last_us = t->clock;
	if (t->lru_head != k) {
		lru_unlink(t, k);
		lru_push_head(t, k);
	}
	if (!k->in_spike && k->count >= k->thr_start && k->seen >= p->warmup_buckets)
		start_spike(t, k, p, cb, ud);
	return HS_SPIKE_COUNTED;
}

int hs_spike_add(hs_spike_table *t, const void *key, size_t keylen,
                 const hs_spike_params *p, int64_t post_us, int64_t now_us,
                 uint64_t post_id, hs_spike_event_cb cb, void *ud)
{
	int rc;

	if (!t || t->busy)
		return -1;
	set_clock(t, now_us);
	if (!key || keylen == 0 || keylen > HS_SPIKE_KEY_MAX)
		return -1;
	t->busy = true;
	rc = add_post(t, key, keylen, p, post_us, post_id, cb, ud);
	t->busy = false;
	return rc;
}

int hs_spike_tick(hs_spike_table *t, int64_t now_us, hs_spike_event_cb cb, void *ud)
{
	uint64_t before;
	spike_key *k, *next;

	if (!t || t->busy)
		return -1;
	set_clock(t, now_us);
	t->busy = true;
	before = t->events;
	for (k = t->act_head; k; k = next) {
		const hs_spike_params *p = &t->sets[k->pset];
		int64_t cidx = floor_div(t->clock - p->late_us, p->bucket_us);
		next = k->act_next;
		if (cidx > k->open)
			advance(t, k, p, cidx, cb, ud);
	}
	if (t->ttl_us >= 0) {
		while (t->lru_tail && t->lru_tail->last_us < t->clock - t->ttl_us) {
			t->st.expired++;
			remove_key(t, t->lru_tail, HS_SPIKE_END_EXPIRED, cb, ud);
		}
	}
	t->busy = false;
	return (int)(t->events - before);
}

int hs_spike_flush(hs_spike_table *t, hs_spike_event_cb cb, void *ud)
{
	uint64_t before;

	if (!t || t->busy)
		return -1;
	t->busy = true;
	before = t->events;
	while (t->act_head) {
		spike_key *k = t->act_head;
		end_spike(t, k, &t->sets[k->pset], HS_SPIKE_END_FLUSH, cb, ud);
	}
	t->busy = false;
	return (int)(t->events - before);
}

size_t hs_spike_memory(const hs_spike_table *t)
{
	if (!t)
		return 0;
	return sizeof(*t) + t->cap * sizeof(spike_slot) + t->cap_sets * sizeof(hs_spike_params) +
	       t->key_bytes;
}

size_t hs_spike_key_memory(int seasonal, size_t keylen)
{
	return key_size(keylen) + (seasonal ? sizeof(spike_season) : 0);
}

void hs_spike_get_stats(const hs_spike_table *t, hs_spike_stats *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	if (!t)
		return;
	*out = t->st;
	out->keys = t->n_keys;
	out->max_keys = t->max_keys;
	out->param_sets = t->n_sets;
	out->memory = hs_spike_memory(t);
	out->clock_us = t->clock;
}

int hs_spike_key_get(const hs_spike_table *t, const void *key, size_t keylen,
                     hs_spike_key_state *out)
{
	const spike_key *k;
	int64_t w;

	if (!t || !key || !out || keylen == 0 || keylen > HS_SPIKE_KEY_MAX)
		return -1;
	k = lookup(t, hash_key(key, keylen), key, keylen);
	if (!k)
		return -1;
	w = t->sets[k->pset].bucket_us;
	memset(out, 0, sizeof(*out));
	out->bucket_us = w;
	out->open_us = k->open * w;
	out->count = k->count;
	out->threshold_start = k->thr_start;
	out->threshold_end = k->thr_end;
	out->seen = k->seen;
	out->mean = k->mean;
	out->dev = k->dev;
	out->expected = k->exp_open;
	out->in_spike = k->in_spike;
	out->spike_start_us = k->in_spike ? k->sp_start * w : 0;
	out->spike_total = k->in_spike ? k->sp_total : 0;
	out->last_us = k->last_us;
	return 0;
}

void hs_spike_foreach(const hs_spike_table *t,
                      void (*fn)(void *ud, const unsigned char *key, size_t keylen),
                      void *ud)
{
	if (!t || !fn)
		return;
	for (const spike_key *k = t->lru_head; k; k = k->lru_next)
		fn(ud, k->key, k->keylen);
}

/* ---- saved state ------------------------------------------------------------------- */

static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
	uint32_t c = UINT32_MAX;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (UINT32_C(0xedb88320) & (0u - (c & 1u)));
	}
	return ~c;
}

static void put_u32(unsigned char *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *b)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static uint64_t get_u64(const unsigned char *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static void put_f64(unsigned char *b, double d)
{
	uint64_t v;

	memcpy(&v, &d, 8);
	put_u64(b, v);
}

static double get_f64(const unsigned char *b)
{
	uint64_t v = get_u64(b);
	double d;

	memcpy(&d, &v, 8);
	return d;
}

static void put_f32(unsigned char *b, float f)
{
	uint32_t v;

	memcpy(&v, &f, 4);
	put_u32(b, v);
}

static float get_f32(const unsigned char *b)
{
	uint32_t v = get_u32(b);
	float f;

	memcpy(&f, &v, 4);
	return f;
}

size_t hs_spike_save(const hs_spike_table *t, const void *key, size_t keylen,
                     unsigned char *buf, size_t cap)
{
	const spike_key *k;
	size_t size, off = BLOB_HEAD;

	if (!t || !key || keylen == 0 || keylen > HS_SPIKE_KEY_MAX)
		return 0;
	k = lookup(t, hash_key(key, keylen), key, keylen);
	if (!k)
		return 0;
	size = k->season ? HS_SPIKE_BLOB_SEASONAL : HS_SPIKE_BLOB_PLAIN;
	if (!buf || cap < size)
		return size;
	memset(buf, 0, size);
	buf[0] = BLOB_VERSION;
	buf[1] = (unsigned char)((k->season ? FLAG_SEASONAL : 0) | (k->frozen ? FLAG_FROZEN : 0));
	put_u32(buf + 4, k->seen);
	put_u64(buf + 8, (uint64_t)t->sets[k->pset].bucket_us);
	put_u64(buf + 16, (uint64_t)k->open);
	put_u32(buf + 24, k->count);
	put_f64(buf + 32, k->mean);
	put_f64(buf + 40, k->dev);
	put_f64(buf + 48, k->run_expect);
	if (k->season) {
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++, off += 4)
			put_f32(buf + off, k->season->mean[s]);
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++, off += 4)
			put_f32(buf + off, k->season->dev[s]);
	}
	put_u32(buf + off, crc32_ieee(buf, off));
	return size;
}

static bool sane(double v)
{
	return isfinite(v) && v >= 0.0 && v <= 1e12;
}

int hs_spike_load(hs_spike_table *t, const void *key, size_t keylen,
                  const hs_spike_params *pin, const unsigned char *blob, size_t len)
{
	const hs_spike_params *p;
	spike_key *k = NULL;
	uint64_t h;
	int64_t open;
	size_t off = BLOB_HEAD;
	int si;
	unsigned flags;

	if (!t || t->busy || !key || keylen == 0 || keylen > HS_SPIKE_KEY_MAX || !blob)
		goto fail;
	if (len < BLOB_HEAD + 4 || blob[0] != BLOB_VERSION)
		goto fail;
	flags = blob[1];
	if ((flags & ~(FLAG_SEASONAL | FLAG_FROZEN)) != 0 || blob[2] != 0 || blob[3] != 0 ||
	    get_u32(blob + 28) != 0)
		goto fail;
	if (len != ((flags & FLAG_SEASONAL) ? HS_SPIKE_BLOB_SEASONAL : HS_SPIKE_BLOB_PLAIN))
		goto fail;
	if (crc32_ieee(blob, len - 4) != get_u32(blob + len - 4))
		goto fail;
	h = hash_key(key, keylen);
	if (t->n_keys >= t->max_keys || lookup(t, h, key, keylen))
		goto fail;
	si = pin ? intern_params(t, pin) : 0;
	if (si < 0)
		goto fail;
	p = &t->sets[si];
	if ((int64_t)get_u64(blob + 8) != p->bucket_us ||
	    ((flags & FLAG_SEASONAL) != 0) != (p->seasonal != 0))
		goto fail;
	open = (int64_t)get_u64(blob + 16);
	if (open < 0 || open > TIME_LIMIT / p->bucket_us)
		goto fail;
	if (reserve(t, t->n_keys + 1) != 0)
		goto fail;
	k = alloc_key(t, h, key, keylen, si, open);
	if (!k)
		goto fail;
	k->seen = get_u32(blob + 4);
	k->count = get_u32(blob + 24);
	k->mean = get_f64(blob + 32);
	k->dev = get_f64(blob + 40);
	k->run_expect = get_f64(blob + 48);
	k->frozen = (flags & FLAG_FROZEN) ? 1 : 0;
	if (!sane(k->mean) || !sane(k->dev) || !sane(k->run_expect))
		goto fail;
	if (k->season) {
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++, off += 4)
			k->season->mean[s] = get_f32(blob + off);
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++, off += 4)
			k->season->dev[s] = get_f32(blob + off);
		for (unsigned s = 0; s < HS_SPIKE_SEASON_SLOTS; s++)
			if (!sane(k->season->mean[s]) || !sane(k->season->dev[s]))
				goto fail;
	}
	open_thresholds(p, k);
	insert_key(t, k);
	return 0;
fail:
	if (k)
		free_key(t, k);
	return -1;
}
