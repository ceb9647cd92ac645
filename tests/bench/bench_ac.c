/* bench_ac: the Aho-Corasick literal prefilter (rules/ac.c) on one core.
 *
 * Generates, with a fixed-seed PRNG (the same bytes on every machine):
 *   - a synthetic vocabulary of 30,000 pronounceable lowercase words made
 *     from one syllable set: 20,000 "common" words that posts are written
 *     in, and 10,000 "term" words that rule literals are made of (the same
 *     syllables, so terms still occur inside post words now and then and
 *     share prefixes with them, as real terms do);
 *   - 100,000 literals of 3 to 20 bytes: half a single term, the rest a
 *     phrase of two or three words, each a term or (one time in three) a
 *     common word; the set for N is the first N of them;
 *   - a corpus of short posts (default 100,000), 150 to 250 bytes of
 *     common words drawn from a Zipf-like distribution, with commas and
 *     full stops; 10 % of the posts also carry one of the first 10
 *     literals, 10 % one of the first 1,000 and 10 % one of all 100,000.
 * For N = 10, 100, 1,000, 10,000 and 100,000 literals it prints the build
 * time, hs_ac_memory, the automaton's shape, and the scan rate over the
 * whole corpus (best of R passes after one warm-up pass, timed in thread
 * CPU time; every occurrence is reported to a callback that counts it),
 * and, for N <= 1,000 only, the naive baseline on the same corpus in the
 * same run: memmem of every literal on every post, all occurrences counted
 * (larger N would take minutes; those rows say "skipped"). The two counts must agree, or the
 * run fails (exit 1). Slowness never fails it.
 *
 *   bench_ac [-p POSTS] [-r ROUNDS] [-b DENSE_BUDGET_BYTES]
 *
 * The last line of stdout is machine-readable:
 *   bench_ac: status=ok posts=... n10_scan_mb_per_s=... ...
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/ac.h"

#define VOCAB 30000
#define COMMON 20000 /* vocab[0, COMMON) are common words, the rest terms */
#define MAX_LITS 100000
#define LIT_MIN 3
#define LIT_MAX 20
#define POST_MIN 150
#define POST_MAX 250

/* ---- deterministic PRNG (xorshift64*) ---------------------------------------------- */

static uint64_t rng_state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* CPU time of this thread: the figures are per core, and a busy machine
 * that time-slices the bench does not distort them (wall-clock time
 * would). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "bench_ac: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- data ---------------------------------------------------------------------------- */

typedef struct str {
	char *s;     /* points into a pool */
	size_t len;
} str;

static str vocab[VOCAB];
static double zipf_cdf[COMMON];
static str lits[MAX_LITS];

/* Words of 1 to 4 syllables (and maybe a final consonant) from a small
 * syllable set: 24 onsets x 9 vowels. */
static void make_vocab(char *pool)
{
	static const char *const cons[] = { "b", "d", "f", "g", "h", "k", "l", "m", "n", "p",
		                            "r", "s", "t", "v", "w", "z", "st", "tr", "ch", "sh",
		                            "br", "gr", "pl", "th" };
	static const char *const vow[] = { "a", "e", "i", "o", "u", "ei", "oo", "ai", "ie" };
	size_t used = 0;
	double sum = 0;

	for (size_t w = 0; w < VOCAB; w++) {
		char buf[64];
		/* common words 1-4 syllables, terms 2-4 (a one-syllable term
		 * would be inside a large share of all post words) */
		size_t n = 0, syl = w < COMMON ? 1 + rng_below(4) : 2 + rng_below(3);
		for (size_t k = 0; k < syl; k++) {
			const char *c = cons[rng_below(sizeof(cons) / sizeof(cons[0]))];
			const char *v = vow[rng_below(sizeof(vow) / sizeof(vow[0]))];
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", c, v);
		}
		if (rng_below(3) == 0)
			buf[n++] = "nrstlk"[rng_below(6)];
		memcpy(pool + used, buf, n);
		vocab[w] = (str){ pool + used, n };
		used += n;
		/* Zipf-like weights for the posts over the common words:
		 * word w has weight 1/(w+20) */
		if (w < COMMON) {
			sum += 1.0 / ((double)w + 20.0);
			zipf_cdf[w] = sum;
		}
	}
	for (size_t w = 0; w < COMMON; w++)
		zipf_cdf[w] /= sum;
}

static const str *zipf_word(void)
{
	double u = (double)(rng() >> 11) / 9007199254740992.0; /* [0, 1) */
	size_t lo = 0, hi = COMMON - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &vocab[lo];
}

static void make_literals(char *pool)
{
	size_t used = 0;

	for (size_t i = 0; i < MAX_LITS; i++) {
		char buf[LIT_MAX * 4];
		size_t n;
		do {
			size_t r = rng_below(10), words = r < 5 ? 1 : r < 9 ? 2 : 3;
			n = 0;
			for (size_t k = 0; k < words; k++) {
				const str *w = words > 1 && rng_below(3) == 0
				                       ? zipf_word()
				                       : &vocab[COMMON + rng_below(VOCAB - COMMON)];
				if (k)
					buf[n++] = ' ';
				memcpy(buf + n, w->s, w->len);
				n += w->len;
			}
		} while (n < LIT_MIN || n > LIT_MAX);
		memcpy(pool + used, buf, n);
		lits[i] = (str){ pool + used, n };
		used += n;
	}
}

/* Posts back to back in one buffer; off[i] .. off[i + 1] is post i. */
static char *make_posts(size_t n_posts, size_t *off)
{
	char *buf = xmalloc(n_posts * (POST_MAX + LIT_MAX + 16));
	size_t used = 0;

	for (size_t p = 0; p < n_posts; p++) {
		size_t target = POST_MIN + rng_below(POST_MAX - POST_MIN + 1), start = used;
		size_t plant_at = SIZE_MAX, r = rng_below(10);
		const str *plant = NULL;

		if (r == 0)
			plant = &lits[rng_below(10)];
		else if (r == 1)
			plant = &lits[rng_below(1000)];
		else if (r == 2)
			plant = &lits[rng_below(MAX_LITS)];
		if (plant)
			plant_at = rng_below(target - 20);
		off[p] = used;
		while (used - start < target) {
			const str *w = zipf_word();
			if (used > start)
				buf[used++] = ' ';
			if (plant && used - start >= plant_at) {
				memcpy(buf + used, plant->s, plant->len);
				used += plant->len;
				buf[used++] = ' ';
				plant = NULL;
			}
			memcpy(buf + used, w->s, w->len);
			used += w->len;
			if (rng_below(12) == 0)
				buf[used++] = rng_below(2) ? ',' : '.';
		}
		if (used - start > POST_MAX)
			used = start + POST_MAX;
	}
	off[n_posts] = used;
	return buf;
}

/* ---- measurements ------------------------------------------------------------------- */

typedef struct counter {
	uint64_t matches;
	uint64_t idsum;
} counter;

static int count_match(void *ud, uint32_t id, size_t end)
{
	counter *c = ud;

	c->matches++;
	c->idsum += id ^ end;
	return 0;
}

static uint64_t scan_all(const hs_ac *ac, const char *buf, const size_t *off, size_t n_posts)
{
	counter c = { 0, 0 };

	for (size_t p = 0; p < n_posts; p++)
		hs_ac_scan(ac, (const unsigned char *)buf + off[p], off[p + 1] - off[p],
		           count_match, &c);
	return c.matches;
}

static uint64_t naive_all(size_t n_lits, const char *buf, const size_t *off, size_t n_posts)
{
	uint64_t matches = 0;

	for (size_t p = 0; p < n_posts; p++) {
		const char *t = buf + off[p];
		size_t len = off[p + 1] - off[p];
		for (size_t i = 0; i < n_lits; i++) {
			const char *at = t, *end = t + len;
			while ((size_t)(end - at) >= lits[i].len) {
				const char *hit = memmem(at, (size_t)(end - at), lits[i].s, lits[i].len);
				if (!hit)
					break;
				matches++;
				at = hit + 1;
			}
		}
	}
	return matches;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ac [-p POSTS] [-r ROUNDS] [-b DENSE_BUDGET_BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 10, 100, 1000, 10000, 100000 };
	size_t n_posts = 100000, rounds = 3, budget = HS_AC_DENSE_BUDGET_DEFAULT;
	char summary[2048];
	size_t sum_len = 0;
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "p:r:b:")) != -1) {
		char *e;
		if (opt == '?' || !optarg) /* an unknown option has no value to read */
			usage();
		unsigned long long v = strtoull(optarg, &e, 10);
		if (*optarg == '\0' || *e != '\0' || v == 0)
			usage();
		if (opt == 'p')
			n_posts = (size_t)v;
		else if (opt == 'r')
			rounds = (size_t)v;
		else if (opt == 'b')
			budget = (size_t)v;
		else
			usage();
	}
	if (optind != argc)
		usage();

	char *vpool = xmalloc((size_t)VOCAB * 64);
	char *lpool = xmalloc((size_t)MAX_LITS * LIT_MAX);
	size_t *off = xmalloc((n_posts + 1) * sizeof(*off));
	make_vocab(vpool);
	make_literals(lpool);
	char *posts = make_posts(n_posts, off);
	double mb = (double)off[n_posts] / 1e6;

	printf("bench_ac: %zu posts, %.1f MB (%.0f bytes a post, %d common words), literals of "
	       "%d-%d bytes (%d term words)\n",
	       n_posts, mb, (double)off[n_posts] / (double)n_posts, COMMON, LIT_MIN, LIT_MAX,
	       VOCAB - COMMON);
	printf("one thread, CPU time; scan = best of %zu passes over all posts after a warm-up "
	       "pass; dense budget %zu bytes\n\n",
	       rounds, budget);
	printf("%8s %9s %10s %9s %8s %8s %6s %9s %9s %10s %9s %10s %8s\n", "literals", "build ms",
	       "memory KiB", "KiB/1000", "states", "dense", "class", "hits/post", "scan MB/s",
	       "posts/s", "naive MB/s", "naive p/s", "speedup");
	sum_len = (size_t)snprintf(summary, sizeof(summary), " posts=%zu bytes=%zu", n_posts,
	                           off[n_posts]);

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t n = sizes[si];
		double t0 = now_s();
		hs_ac_builder *b = hs_ac_builder_new();
		if (!b) {
			fprintf(stderr, "bench_ac: out of memory\n");
			return 1;
		}
		hs_ac_builder_set_dense_budget(b, budget);
		for (size_t i = 0; i < n; i++)
			if (hs_ac_add(b, (const unsigned char *)lits[i].s, lits[i].len,
			              (uint32_t)i) != 0) {
				fprintf(stderr, "bench_ac: hs_ac_add failed\n");
				return 1;
			}
		hs_ac *ac = hs_ac_build(b);
		double build_s = now_s() - t0;
		if (!ac) {
			fprintf(stderr, "bench_ac: hs_ac_build failed\n");
			return 1;
		}
		hs_ac_stats st;
		hs_ac_get_stats(ac, &st);

		uint64_t matches = scan_all(ac, posts, off, n_posts); /* warm-up */
		double best = 1e30;
		for (size_t r = 0; r < rounds; r++) {
			t0 = now_s();
			uint64_t m = scan_all(ac, posts, off, n_posts);
			double dt = now_s() - t0;
			if (m != matches) {
				fprintf(stderr, "bench_ac: N=%zu: pass gave %llu matches, not %llu\n", n,
				        (unsigned long long)m, (unsigned long long)matches);
				status = 1;
			}
			if (dt < best)
				best = dt;
		}
		double scan_mbs = mb / best, scan_pps = (double)n_posts / best;

		printf("%8zu %9.1f %10.1f %9.1f %8zu %8zu %6zu %9.2f %9.1f %10.0f", n, build_s * 1e3,
		       (double)st.memory / 1024.0, (double)st.memory / 1024.0 / ((double)n / 1000.0),
		       st.states, st.dense_states, st.classes, (double)matches / (double)n_posts,
		       scan_mbs, scan_pps);
		if (n <= 1000) {
			t0 = now_s();
			uint64_t nm = naive_all(n, posts, off, n_posts);
			double dt = now_s() - t0;
			printf(" %10.1f %9.0f %7.1fx\n", mb / dt, (double)n_posts / dt, dt / best);
			if (nm != matches) {
				fprintf(stderr, "bench_ac: N=%zu: naive found %llu matches, hs_ac_scan %llu\n",
				        n, (unsigned long long)nm, (unsigned long long)matches);
				status = 1;
			}
			sum_len += (size_t)snprintf(summary + sum_len, sizeof(summary) - sum_len,
			                            " n%zu_naive_mb_per_s=%.1f", n, mb / dt);
		} else {
			printf(" %10s %9s %8s\n", "skipped", "skipped", "-");
		}
		sum_len += (size_t)snprintf(summary + sum_len, sizeof(summary) - sum_len,
		                            " n%zu_build_ms=%.1f n%zu_memory=%zu n%zu_scan_mb_per_s=%.1f"
		                            " n%zu_posts_per_s=%.0f",
		                            n, build_s * 1e3, n, st.memory, n, scan_mbs, n, scan_pps);
		fflush(stdout);
		hs_ac_free(ac);
	}
	printf("\nnaive = memmem of every literal on every post (all occurrences), run only for "
	       "N <= 1000: larger sets would take minutes.\n");
	printf("The naive and hs_ac_scan match counts %s.\n",
	       status == 0 ? "agree" : "DIFFER (see stderr)");
	printf("bench_ac: status=%s%s\n", status == 0 ? "ok" : "mismatch", summary);
	free(posts);
	free(off);
	free(lpool);
	free(vpool);
	return status;
}
