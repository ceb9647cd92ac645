/* bench_simhash: how fast the claim stage runs on one core: SimHash of a
 * post's terms view (rules/simhash.c) and claim lookup/update
 * (rules/claims.c), beside baselines timed in the same run on the same
 * posts:
 *   fnv        hs_hash64 of the whole terms view: the floor for anything
 *              that reads the text once
 *   exact      exact-duplicate grouping: hs_hash64 of the terms view, then
 *              an open-addressing table from hash to group (insert or find)
 *   simhash    hs_simhash: the fingerprint alone
 *   sign       hs_simhash_sign: fingerprint, margins and sketch (what the
 *              analysis worker computes)
 *   claims     hs_claims_add with the signatures already computed (what the
 *              store thread does), into a fresh table each round
 *   sign+claims both, per post: the whole claim stage on one core
 *
 * The stream is generated in memory with a fixed-seed PRNG (the same bytes
 * on every machine), directly as terms views (" w1 w2 ... wn "): 6 to W
 * (default 30) words, a third of them English, Dutch and French function
 * words, the rest pseudo-words of 1 to 4 syllables (3000 of them, some far
 * more frequent than others). 30 % of the posts repeat one of the first
 * 5000 "claim" posts (a tenth of the others): the same words with a
 * retweet marker "rt" in front, a word added, dropped or replaced, or a
 * hashtag word added at the end; the rest are unrelated. Posts are 1 s
 * apart, no author, one source. Not timed: generating the stream.
 *
 * R rounds (default 7), each one pass of every measurement over all posts,
 * interleaved; the median round of each is printed, in CPU time of the
 * process. It measures and prints; slowness never fails it (exit 1 only on
 * out of memory, 2 on a usage error).
 *
 *   bench_simhash [--posts N] [--rounds R] [--max-claims M] [--probe-bits B]
 *                 [--distance K] [--max-words W]
 *
 * Build it without sanitizers for figures worth quoting, e.g.
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -I. tests/bench/bench_simhash.c \
 *       rules/simhash.c rules/claims.c -lutf8proc -lm -o /tmp/bench_simhash
 *
 * The last line of stdout is machine-readable:
 *   bench_simhash: status=ok posts=... sign_ns=... claims_ns=... ...
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/claims.h"
#include "rules/simhash.h"

/* ---- deterministic randomness ------------------------------------------------------ */

typedef struct rng {
	uint64_t s;
} rng;

/* splitmix64 */
static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/* ---- vocabulary -------------------------------------------------------------------- */

static const char *const common[] = {
	"the", "a", "of", "and", "to", "in", "on", "for", "with", "they", "are", "is", "was",
	"de", "het", "een", "van", "la", "le", "les", "et", "a", "this", "that", "at", "by",
};
static const char *const syllables[] = {
	"ka", "ro", "mi", "del", "ver", "an", "sto", "li", "po", "mar", "ket", "brug", "sta",
	"tion", "ge", "meen", "te", "rap", "port", "po", "li", "tie", "mai", "rie", "fes",
	"ti", "val", "bur", "ger", "wijk", "ha", "ven", "cen", "trum", "ri", "ver",
};
#define N_WORDS 3000u
#define N_OF(a) (sizeof(a) / sizeof(*(a)))

typedef struct vocab {
	char w[N_WORDS][16];
} vocab;

static void vocab_make(rng *r, vocab *v)
{
	for (unsigned i = 0; i < N_WORDS; i++) {
		unsigned n = 1 + below(r, 4);
		v->w[i][0] = '\0';
		for (unsigned k = 0; k < n && strlen(v->w[i]) + 5 < sizeof(v->w[i]); k++)
			strcat(v->w[i], syllables[below(r, N_OF(syllables))]);
	}
}

/* A word: a third common words, the rest from the vocabulary (Zipf-ish:
 * low indices more often). */
static const char *word(rng *r, const vocab *v)
{
	unsigned u = below(r, 3);

	if (u == 0)
		return common[below(r, N_OF(common))];
	u = below(r, N_WORDS);
	return v->w[u % (1 + below(r, N_WORDS))];
}

/* ---- posts --------------------------------------------------------------------------- */

typedef struct stream {
	char *text;            /* all terms views back to back */
	size_t *off, *len;
	size_t n, bytes;
} stream;

#define MAX_W 40

static int stream_make(size_t n, unsigned max_words, stream *s)
{
	rng r = { 0x68656172736179ULL };
	vocab *v = malloc(sizeof(*v));
	size_t cap = n * 160 + 1024;
	const char *(*claims)[MAX_W] = NULL;
	unsigned *claim_n = NULL, n_claims = 0, max_claims = 5000;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	s->text = malloc(cap);
	s->off = malloc(n * sizeof(*s->off));
	s->len = malloc(n * sizeof(*s->len));
	claims = malloc(max_claims * sizeof(*claims));
	claim_n = malloc(max_claims * sizeof(*claim_n));
	if (!v || !s->text || !s->off || !s->len || !claims || !claim_n)
		goto fail;
	vocab_make(&r, v);
	for (size_t i = 0; i < n; i++) {
		const char *w[MAX_W + 3];
		unsigned nw;
		size_t at = s->bytes;
		if (n_claims > 0 && below(&r, 100) < 30) {
			unsigned c = below(&r, n_claims), op = below(&r, 5);
			nw = claim_n[c];
			memcpy(w, claims[c], nw * sizeof(*w));
			if (op == 0) { /* retweet marker */
				memmove(w + 1, w, nw * sizeof(*w));
				w[0] = "rt";
				nw++;
			} else if (op == 1) { /* a word replaced */
				w[below(&r, nw)] = word(&r, v);
			} else if (op == 2) { /* a word added */
				unsigned k = below(&r, nw + 1);
				memmove(w + k + 1, w + k, (nw - k) * sizeof(*w));
				w[k] = word(&r, v);
				nw++;
			} else if (op == 3 && nw > 8) { /* a word dropped */
				unsigned k = below(&r, nw);
				memmove(w + k, w + k + 1, (nw - k - 1) * sizeof(*w));
				nw--;
			} else { /* a hashtag */
				w[nw++] = v->w[below(&r, 50)];
			}
		} else {
			nw = 6 + below(&r, max_words - 5);
			for (unsigned k = 0; k < nw; k++)
				w[k] = word(&r, v);
			if (n_claims < max_claims && below(&r, 100) < 10) {
				memcpy(claims[n_claims], w, nw * sizeof(*w));
				claim_n[n_claims++] = nw;
			}
		}
		s->text[s->bytes++] = ' ';
		for (unsigned k = 0; k < nw; k++) {
			size_t l = strlen(w[k]);
			if (s->bytes + l + 2 > cap)
				goto fail;
			memcpy(s->text + s->bytes, w[k], l);
			s->bytes += l;
			s->text[s->bytes++] = ' ';
		}
		s->off[i] = at;
		s->len[i] = s->bytes - at;
		s->n++;
	}
	rc = 0;
fail:
	free(v);
	free(claims);
	free(claim_n);
	return rc;
}

static void stream_free(stream *s)
{
	free(s->text);
	free(s->off);
	free(s->len);
	memset(s, 0, sizeof(*s));
}

/* ---- measurements -------------------------------------------------------------------- */

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { M_FNV, M_EXACT, M_SIMHASH, M_SIGN, M_CLAIMS, M_BOTH, N_M };
static const char *const m_names[N_M] = {
	"fnv (baseline)", "exact groups (baseline)", "simhash", "sign", "claims add",
	"sign + claims add",
};

typedef struct ctx {
	const stream *s;
	hs_simhash_sig *sig;
	uint64_t *ekey;        /* exact-grouping table */
	uint32_t *eval;
	size_t ecap;
	hs_claims_params p;
	uint64_t sink;
	hs_claims_stats last;  /* of the last claims round */
	uint64_t joined, created;
} ctx;

static int run(ctx *x, int m, double *secs)
{
	const stream *s = x->s;
	double t0 = cpu_s();
	hs_claims *c = NULL;
	int rc = -1;

	switch (m) {
	case M_FNV:
		for (size_t i = 0; i < s->n; i++)
			x->sink += hs_hash64(s->text + s->off[i], s->len[i]);
		break;
	case M_EXACT:
		memset(x->ekey, 0, x->ecap * sizeof(*x->ekey));
		t0 = cpu_s(); /* clearing is not part of it */
		for (size_t i = 0; i < s->n; i++) {
			uint64_t h = hs_hash64(s->text + s->off[i], s->len[i]) | 1;
			size_t j = h & (x->ecap - 1);
			while (x->ekey[j] && x->ekey[j] != h)
				j = (j + 1) & (x->ecap - 1);
			if (!x->ekey[j]) {
				x->ekey[j] = h;
				x->eval[j] = (uint32_t)i;
			}
			x->sink += x->eval[j];
		}
		break;
	case M_SIMHASH:
		for (size_t i = 0; i < s->n; i++)
			x->sink += hs_simhash(s->text + s->off[i], s->len[i], NULL);
		break;
	case M_SIGN:
		for (size_t i = 0; i < s->n; i++) {
			hs_simhash_sign(s->text + s->off[i], s->len[i], &x->sig[i]);
			x->sink += x->sig[i].hash;
		}
		break;
	case M_CLAIMS:
	case M_BOTH:
		c = hs_claims_new(&x->p);
		if (!c)
			goto fail;
		t0 = cpu_s();
		for (size_t i = 0; i < s->n; i++) {
			hs_claim_result res;
			hs_simhash_sig local, *sig = &x->sig[i];
			if (m == M_BOTH) {
				hs_simhash_sign(s->text + s->off[i], s->len[i], &local);
				sig = &local;
			}
			if (hs_claims_add(c, sig, i + 1, "bench", NULL,
			                  INT64_C(1778889600000000) + (int64_t)i * 1000000,
			                  s->text + s->off[i], s->len[i], &res) < 0)
				goto fail;
			x->sink += res.claim_id;
		}
		*secs = cpu_s() - t0;
		hs_claims_stats_get(c, &x->last);
		hs_claims_free(c);
		return 0;
	}
	*secs = cpu_s() - t0;
	rc = 0;
fail:
	hs_claims_free(c);
	return rc;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "posts", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "max-claims", required_argument, NULL, 'm' },
		{ "probe-bits", required_argument, NULL, 'b' },
		{ "distance", required_argument, NULL, 'k' },
		{ "max-words", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n = 200000, rounds = 7;
	unsigned max_words = 30;
	stream s;
	ctx x;
	double *t[N_M] = { NULL };
	int opt, rc = 1;

	memset(&x, 0, sizeof(x));
	hs_claims_params_default(&x.p);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		case 'm': x.p.max_claims = strtoul(optarg, NULL, 0); break;
		case 'b': x.p.probe_bits = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'k': x.p.max_distance = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'w': max_words = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'h':
			printf("usage: bench_simhash [--posts N] [--rounds R] [--max-claims M] "
			       "[--probe-bits B] [--distance K] [--max-words W]\n");
			return 0;
		default:
			fprintf(stderr, "usage: bench_simhash [--posts N] [--rounds R] "
			                "[--max-claims M] [--probe-bits B] [--distance K] "
			                "[--max-words W]\n");
			return 2;
		}
	}
	if (optind != argc || n < 1 || n > 20000000 || rounds < 1 || rounds > 100 ||
	    max_words < 6 || max_words > MAX_W - 3) {
		fprintf(stderr, "bench_simhash: bad arguments\n");
		return 2;
	}
	if (stream_make(n, max_words, &s) < 0)
		goto oom;
	x.s = &s;
	x.sig = malloc(n * sizeof(*x.sig));
	for (x.ecap = 1; x.ecap < 2 * n; x.ecap *= 2)
		;
	x.ekey = malloc(x.ecap * sizeof(*x.ekey));
	x.eval = malloc(x.ecap * sizeof(*x.eval));
	for (int m = 0; m < N_M; m++)
		t[m] = malloc(rounds * sizeof(double));
	if (!x.sig || !x.ekey || !x.eval || !t[N_M - 1])
		goto oom;
	for (size_t i = 0; i < n; i++) /* the claims round needs signatures */
		hs_simhash_sign(s.text + s.off[i], s.len[i], &x.sig[i]);
	for (size_t r = 0; r < rounds; r++)
		for (int m = 0; m < N_M; m++)
			if (run(&x, m, &t[m][r]) < 0)
				goto oom;
	printf("bench_simhash: %zu posts, %.1f bytes of terms view per post, %zu rounds "
	       "(median CPU time), max_claims %zu, probe_bits %u, %u bits, %u%% resemblance\n",
	       n, (double)s.bytes / (double)n, rounds, x.p.max_claims, x.p.probe_bits,
	       x.p.max_distance, x.p.min_overlap);
	for (int m = 0; m < N_M; m++) {
		double med;
		qsort(t[m], rounds, sizeof(double), dcmp);
		med = t[m][rounds / 2];
		printf("  %-26s %8.1f ns/post %12.0f posts/s\n", m_names[m], 1e9 * med / (double)n,
		       (double)n / med);
	}
	printf("  claims table after a round: %zu claims, %" PRIu64 " posts joined a claim, "
	       "%" PRIu64 " evicted, %zu representatives, %.1f MiB\n", x.last.live, x.last.joined,
	       x.last.evicted, x.last.reps, (double)x.last.memory / 1048576.0);
	printf("  per post: %.1f buckets read, %.2f representatives found there, %.2f compared\n",
	       (double)x.last.probes / (double)n, (double)x.last.visited / (double)n,
	       (double)x.last.compared / (double)n);
	printf("bench_simhash: status=ok posts=%zu fnv_ns=%.1f exact_ns=%.1f simhash_ns=%.1f "
	       "sign_ns=%.1f claims_ns=%.1f stage_ns=%.1f stage_posts_per_s=%.0f sink=%" PRIu64 "\n",
	       n, 1e9 * t[M_FNV][rounds / 2] / (double)n, 1e9 * t[M_EXACT][rounds / 2] / (double)n,
	       1e9 * t[M_SIMHASH][rounds / 2] / (double)n, 1e9 * t[M_SIGN][rounds / 2] / (double)n,
	       1e9 * t[M_CLAIMS][rounds / 2] / (double)n, 1e9 * t[M_BOTH][rounds / 2] / (double)n,
	       (double)n / t[M_BOTH][rounds / 2], x.sink & 0xff);
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "bench_simhash: out of memory\n");
out:
	for (int m = 0; m < N_M; m++)
		free(t[m]);
	free(x.sig);
	free(x.ekey);
	free(x.eval);
	stream_free(&s);
	return rc;
}
