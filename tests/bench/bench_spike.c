/* bench_spike: throughput of the spike detector (rules/spike.c) on one core.
 *
 * Generates, with a fixed-seed PRNG (the same stream on every machine):
 *   - K keys ("rule:000042"-style, 11 bytes) for K = 100, 10,000 and
 *     100,000;
 *   - a stream of P posts (default 2,000,000), each for one key drawn from
 *     a Zipf-like distribution (weight 1 / rank), with event times 1 / R
 *     apart (R posts per second over all keys, default 2,000, so the stream
 *     spans P / R seconds of 60-second buckets) and now = the event time.
 *     With 100,000 keys most keys see a post every few minutes, so most
 *     posts open a new bucket (and compute its thresholds): the slow path.
 * For each K it times, in thread CPU time, best of ROUNDS passes over the
 * whole stream, each with a fresh table (max_keys = K, default parameters,
 * hs_spike_tick once per second of stream time, events counted):
 *   spike      hs_spike_add for every post
 *   seasonal   the same with seasonal = 1
 *   baseline   a plain open-addressing hash table (FNV-1a, linear probing,
 *              load <= 1/2) that finds the key and increments a counter:
 *              the cost of hashing and one lookup, the floor for any
 *              per-key counter
 * and prints posts per second, nanoseconds per post, the ratio to the
 * baseline, hs_spike_memory and that divided by the keys held at the end
 * (all of them, unless the stream is too short to reach every key). Slowness never fails
 * it; a failing call does (exit 1).
 *
 *   bench_spike [-p POSTS] [-r ROUNDS] [-R POSTS_PER_SECOND]
 *
 * The last line of stdout is machine-readable:
 *   bench_spike: status=ok posts=... k100_spike_mposts_per_s=... ...
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/spike.h"

#define US INT64_C(1000000)
#define T0_US (INT64_C(1767571200) * US)
#define KEY_LEN 11

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

static double rng_unit(rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* CPU time of this thread (figures are per core). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct corpus {
	size_t n_keys;
	char *keys;        /* n_keys x KEY_LEN bytes */
	uint32_t *key_of;  /* per post */
	int64_t *time_of;  /* per post */
	size_t n_posts;
} corpus;

/* Zipf-like key choice: inverse of the cumulative 1/rank weights. */
static int make_corpus(corpus *c, size_t n_keys, size_t n_posts, double rate, uint64_t seed)
{
	double *cum = malloc(n_keys * sizeof(*cum)), total = 0.0;
	rng r = { seed };
	int rc = -1;

	c->n_keys = n_keys;
	c->n_posts = n_posts;
	c->keys = malloc(n_keys * KEY_LEN + 1);
	c->key_of = malloc(n_posts * sizeof(*c->key_of));
	c->time_of = malloc(n_posts * sizeof(*c->time_of));
	if (!cum || !c->keys || !c->key_of || !c->time_of)
		goto done;
	for (size_t i = 0; i < n_keys; i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "rule:%06zu", i);
		memcpy(c->keys + i * KEY_LEN, buf, KEY_LEN);
		total += 1.0 / (double)(i + 1);
		cum[i] = total;
	}
	for (size_t j = 0; j < n_posts; j++) {
		double u = rng_unit(&r) * total;
		size_t lo = 0, hi = n_keys - 1;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (cum[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* scatter ranks over key names so popular keys are not adjacent */
		c->key_of[j] = (uint32_t)((lo * UINT64_C(2654435761)) % n_keys);
		c->time_of[j] = T0_US + (int64_t)((double)j * 1e6 / rate);
	}
	rc = 0;
done:
	free(cum);
	return rc;
}

static void free_corpus(corpus *c)
{
	free(c->keys);
	free(c->key_of);
	free(c->time_of);
}

static void count_event(void *ud, const hs_spike_event *ev)
{
	(void)ev;
	(*(uint64_t *)ud)++;
}

/* One pass of hs_spike_add; seconds, or -1 on a failed call. */
static double run_spike(const corpus *c, const hs_spike_params *p, uint64_t *events,
                        size_t *memory, size_t *keys)
{
	hs_spike_table *t = hs_spike_table_new(p, c->n_keys, 0);
	int64_t next_tick = T0_US;
	double t0, el = -1.0;

	if (!t)
		return -1.0;
	t0 = now_s();
	for (size_t j = 0; j < c->n_posts; j++) {
		int64_t ts = c->time_of[j];
		if (ts >= next_tick) {
			if (hs_spike_tick(t, ts, count_event, events) < 0)
				goto done;
			next_tick = ts + US;
		}
		if (hs_spike_add(t, c->keys + (size_t)c->key_of[j] * KEY_LEN, KEY_LEN, NULL, ts, ts,
		                 j, count_event, events) < 0)
			goto done;
	}
	el = now_s() - t0;
	{
		hs_spike_stats st;
		hs_spike_get_stats(t, &st);
		*memory = st.memory;
		*keys = st.keys;
	}
done:
	hs_spike_table_free(t);
	return el;
}

/* The baseline: hash the key, find it, increment its counter. */
typedef struct plain_slot {
	uint64_t hash;
	const char *key; /* NULL: empty */
	uint64_t count;
} plain_slot;

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static double run_plain(const corpus *c, uint64_t *checksum)
{
	size_t cap = 16, mask, n = 0;
	plain_slot *slots;
	double t0, el;

	while (cap < c->n_keys * 2)
		cap *= 2;
	mask = cap - 1;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1.0;
	t0 = now_s();
	for (size_t j = 0; j < c->n_posts; j++) {
		const char *k = c->keys + (size_t)c->key_of[j] * KEY_LEN;
		uint64_t h = fnv1a(k, KEY_LEN);
		size_t i = (size_t)h & mask;
		while (slots[i].key &&
		       (slots[i].hash != h || memcmp(slots[i].key, k, KEY_LEN) != 0))
			i = (i + 1) & mask;
		if (!slots[i].key) {
			slots[i].key = k;
			slots[i].hash = h;
			n++;
		}
		slots[i].count++;
	}
	el = now_s() - t0;
	*checksum = n;
	for (size_t i = 0; i < cap; i++)
		*checksum += slots[i].count;
	free(slots);
	return el;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == 0 || *end != 0 || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 100, 10000, 100000 };
	double posts = 2e6, rounds = 3, rate = 2000, v;
	char summary[1024];
	size_t sl = 0;
	int opt, rc = 0;
	hs_spike_params pd, ps;

	while ((opt = getopt(argc, argv, "p:r:R:h")) != -1) {
		switch (opt) {
		case 'p':
			if (parse_num(optarg, 1000, 1e8, &v) != 0)
				goto usage;
			posts = v;
			break;
		case 'r':
			if (parse_num(optarg, 1, 100, &v) != 0)
				goto usage;
			rounds = v;
			break;
		case 'R':
			if (parse_num(optarg, 1, 1e7, &v) != 0)
				goto usage;
			rate = v;
			break;
		case 'h':
			printf("usage: bench_spike [-p POSTS] [-r ROUNDS] [-R POSTS_PER_SECOND]\n");
			return 0;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	hs_spike_params_default(&pd);
	ps = pd;
	ps.seasonal = 1;
	printf("bench_spike: %.0f posts, %.0f posts/s of stream time (%.1f minutes), best of "
	       "%.0f, thread CPU time\n",
	       posts, rate, posts / rate / 60.0, rounds);
	printf("%8s  %-9s %12s %9s %8s %12s %10s %8s\n", "keys", "run", "posts/s", "ns/post",
	       "x base", "memory", "bytes/key", "events");
	sl += (size_t)snprintf(summary + sl, sizeof(summary) - sl, "posts=%.0f", posts);
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		corpus c;
		double best[3] = { 1e30, 1e30, 1e30 };
		size_t mem[2] = { 0, 0 }, nk[2] = { 1, 1 };
		uint64_t ev[2] = { 0, 0 }, check = 0;
		const char *names[3] = { "baseline", "spike", "seasonal" };

		memset(&c, 0, sizeof(c));
		if (make_corpus(&c, sizes[si], (size_t)posts, rate, 42 + si) != 0) {
			fprintf(stderr, "bench_spike: out of memory\n");
			free_corpus(&c);
			return 1;
		}
		for (int r = 0; r < (int)rounds; r++) {
			double e0 = run_plain(&c, &check);
			uint64_t n0 = 0, n1 = 0;
			double e1 = run_spike(&c, &pd, &n0, &mem[0], &nk[0]);
			double e2 = run_spike(&c, &ps, &n1, &mem[1], &nk[1]);
			if (e0 < 0 || e1 < 0 || e2 < 0 || check < (uint64_t)posts) {
				fprintf(stderr, "bench_spike: a run failed\n");
				free_corpus(&c);
				return 1;
			}
			best[0] = e0 < best[0] ? e0 : best[0];
			best[1] = e1 < best[1] ? e1 : best[1];
			best[2] = e2 < best[2] ? e2 : best[2];
			ev[0] = n0;
			ev[1] = n1;
		}
		for (int d = 0; d < 3; d++) {
			double pps = posts / best[d];
			if (d == 0)
				printf("%8zu  %-9s %12.0f %9.1f %8s %12s %10s %8s\n", sizes[si], names[d], pps,
				       1e9 / pps, "1.00", "-", "-", "-");
			else
				printf("%8zu  %-9s %12.0f %9.1f %8.2f %12zu %10.0f %8llu\n", sizes[si],
				       names[d], pps, 1e9 / pps, best[d] / best[0], mem[d - 1],
				       (double)mem[d - 1] / (double)(nk[d - 1] ? nk[d - 1] : 1),
				       (unsigned long long)ev[d - 1]);
		}
		sl += (size_t)snprintf(summary + sl, sizeof(summary) - sl,
		                       " k%zu_base_mposts_per_s=%.2f k%zu_spike_mposts_per_s=%.2f"
		                       " k%zu_seasonal_mposts_per_s=%.2f k%zu_bytes_per_key=%.0f",
		                       sizes[si], posts / best[0] / 1e6, sizes[si],
		                       posts / best[1] / 1e6, sizes[si], posts / best[2] / 1e6,
		                       sizes[si], (double)mem[0] / (double)(nk[0] ? nk[0] : 1));
		free_corpus(&c);
	}
	printf("bench_spike: status=ok %s\n", summary);
	return rc;
usage:
	fprintf(stderr, "usage: bench_spike [-p POSTS] [-r ROUNDS] [-R POSTS_PER_SECOND]\n");
	return 2;
}
