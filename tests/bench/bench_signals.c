/* bench_signals: the whole signal stage on one core, posts per second.
 *
 * Per post, what hearsayd does beside rule matching:
 *   worker side  sentiment in the post's language (VADER for English, the
 *                lexicons for Dutch and French; language detection for
 *                posts without a language tag), the words (terms view) and
 *                their SimHash signature;
 *   store side   spike counters for the post's source, rule and term keys and
 *                claim grouping (hs_claims_add), one post behind the
 *                worker side as hearsayd's store thread is, with
 *                hs_claims_prefetch for the post it adds next.
 * on N generated posts (fixed seed; short posts in English, Dutch and
 * French: common words and, for two words in five, one of 2,000 made-up
 * names; one in four without a language tag, one in five a paraphrased
 * copy of one of 200 claims). Two baselines are timed in the same run on
 * the same posts:
 *   floor   split into words and hash each word (FNV-1a) into a counter:
 *           about the least any per-post word work costs;
 *   naive   the same stage, but each post's claim found by comparing its
 *           fingerprint with every claim so far (a linear scan instead of
 *           the LSH bands), on a slice of the posts, scaled to posts/s.
 * The stage is timed twice: normalising each post itself (the first
 * figure), and taking the words from a terms view made before timing, as
 * hearsayd's workers take the one the rule engine made for matching (the
 * normalisation is then the rule stage's cost, bench_rules'). Each part is
 * also timed alone over the same posts, for where the time goes.
 * Times are CPU time of the process, median (and best) of R rounds.
 * Slowness never fails it; it exits 1 only if the lexicons do not load.
 *
 *   bench_signals [--posts N] [--rounds R] [--lexicons DIR] [--stage-only]
 * --stage-only times the stage alone (no baselines), for profilers.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/claims.h"
#include "rules/normalize.h"
#include "rules/sentiment.h"
#include "rules/simhash.h"
#include "rules/spike.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static unsigned pick(unsigned n)
{
	return (unsigned)(next() % n);
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const en[] = {
	"the", "market", "square", "is", "closed", "again", "police", "say", "people", "are",
	"angry", "about", "the", "march", "tomorrow", "great", "concert", "in", "the", "park",
	"terrible", "traffic", "on", "the", "bridge", "I", "heard", "they", "are", "planning",
	"something", "love", "this", "town", "so", "sad", "what", "happened", "stay", "safe",
	"share", "before", "it", "gets", "deleted", "council", "meeting", "tonight", "bad", "news",
};
static const char *const nl[] = {
	"de", "markt", "is", "weer", "dicht", "politie", "zegt", "mensen", "zijn", "boos",
	"over", "de", "mars", "morgen", "mooi", "concert", "in", "het", "park", "slecht",
	"verkeer", "op", "de", "brug", "ik", "hoorde", "dat", "ze", "iets", "plannen", "goed",
	"idee", "heel", "vreselijk", "niet", "leuk", "gemeente", "vergadering", "vanavond",
};
static const char *const fr[] = {
	"le", "marché", "est", "encore", "fermé", "la", "police", "dit", "les", "gens", "sont",
	"en", "colère", "contre", "la", "marche", "demain", "beau", "concert", "au", "parc",
	"horrible", "trafic", "sur", "le", "pont", "j'ai", "entendu", "qu'ils", "préparent",
	"quelque", "chose", "vraiment", "bon", "triste", "pas", "mal", "conseil", "ce", "soir",
};

typedef struct post {
	char *text;
	size_t len;
	char *terms; /* its terms view, made before timing (see words_given) */
	size_t terms_len;
	const char *lang; /* the collector's tag, or NULL */
	const char *source;
	const char *author;
	int64_t t_us;
} post;

/* Names and less common words: 2,000 made-up words of 4-9 letters, so
 * posts are not all drawn from the few dozen common words above (which
 * would make every post look like every other). */
static char names[2000][12];
static char rule_names[50][16], term_names[200][32];

static void make_names(void)
{
	static const char cons[] = "bcdfghklmnprstvwz", vow[] = "aeiou";
	for (size_t i = 0; i < 2000; i++) {
		unsigned len = 4 + pick(6);
		for (unsigned k = 0; k < len; k++)
			names[i][k] = k % 2 ? vow[pick(5)] : cons[pick(17)];
		names[i][len] = '\0';
	}
}

static char *sentence(const char *const *w, unsigned nw, unsigned words)
{
	char buf[512];
	size_t o = 0;
	for (unsigned k = 0; k < words && o < 400; k++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", k ? " " : "",
		                      pick(5) < 2 ? names[pick(2000)] : w[pick(nw)]);
	if (pick(3) == 0)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", pick(2) ? "!" : " 😡");
	return strndup(buf, o);
}

static const char *const sources[] = { "courier", "town-forum", "mastodon-local",
	                               "bluesky-town", "reddit-town" };
static char authors[64][12];

static void make_posts(post *p, size_t n)
{
	char *claims[200];
	make_names();
	for (size_t i = 0; i < 50; i++)
		snprintf(rule_names[i], sizeof(rule_names[i]), "rule-%zu", i);
	for (size_t i = 0; i < 200; i++)
		snprintf(term_names[i], sizeof(term_names[i]), "rule-%zu/%.11s", i % 50, names[i]);
	for (size_t i = 0; i < 200; i++)
		claims[i] = sentence(en, sizeof(en) / sizeof(*en), 10 + pick(8));
	for (size_t a = 0; a < 64; a++)
		snprintf(authors[a], sizeof(authors[a]), "%08x", (unsigned)next());
	for (size_t i = 0; i < n; i++) {
		unsigned l = pick(10);
		p[i].source = sources[pick(5)];
		p[i].author = authors[pick(64)];
		p[i].t_us = 1780000000000000LL + (int64_t)i * 20000; /* 50 posts/s */
		if (pick(5) == 0) { /* a paraphrased copy of a claim */
			const char *c = claims[pick(200)];
			char buf[600];
			int len = snprintf(buf, sizeof(buf), "%s%s%s", pick(2) ? "RT @someone: " : "",
			                   c, pick(2) ? " https://x.example/a" : "");
			p[i].text = strndup(buf, (size_t)len);
			p[i].lang = "en";
		} else if (l < 6) {
			p[i].text = sentence(en, sizeof(en) / sizeof(*en), 8 + pick(20));
			p[i].lang = "en";
		} else if (l < 8) {
			p[i].text = sentence(nl, sizeof(nl) / sizeof(*nl), 8 + pick(20));
			p[i].lang = "nl";
		} else {
			p[i].text = sentence(fr, sizeof(fr) / sizeof(*fr), 8 + pick(20));
			p[i].lang = "fr";
		}
		if (pick(4) == 0)
			p[i].lang = NULL; /* no tag: detected */
		p[i].len = strlen(p[i].text);
	}
	for (size_t i = 0; i < 200; i++)
		free(claims[i]);
}

/* What the worker half hands the store half: the post and its signature
 * (hearsayd's record carries the same; the claim excerpt is cut from the
 * post's text). */
typedef struct analysed {
	const post *p;
	uint64_t id;
	hs_simhash_sig sig;
} analysed;

typedef struct stage {
	const hs_sentiment_models *m;
	hs_sentiment_scratch *ss;
	hs_norm *nz;
	hs_spike_table *spikes;
	hs_claims *claims;
	analysed a[2];
	int words_given; /* take the prepared terms view, as hearsayd's workers
	                  * take the one the rule engine made */
	/* naive claims: every fingerprint so far */
	uint64_t *fp;
	size_t n_fp, cap_fp;
	double sink;
	size_t grouped, spike_events;
} stage;

static void on_spike(void *ud, const hs_spike_event *ev)
{
	(void)ev;
	((stage *)ud)->spike_events++;
}

/* kind + name into key (64 bytes), as the store thread builds its keys. */
static int key_of(char *key, const char *kind, const char *name)
{
	size_t a = strlen(kind), b = strlen(name);
	if (a + b > 63)
		b = 63 - a;
	memcpy(key, kind, a);
	memcpy(key + a, name, b);
	return (int)(a + b);
}

/* The worker half of post number id (1, 2, ...): sentiment, words,
 * signature, into s->a[id % 2]. */
static analysed *analyse(stage *s, const post *p, uint64_t id)
{
	analysed *a = &s->a[id % 2];
	hs_sentiment r;

	hs_sentiment_score(s->m, s->ss, p->text, p->len, p->lang, &r, NULL);
	s->sink += r.compound;
	if (s->words_given) {
		hs_simhash_sign(p->terms, p->terms_len, &a->sig);
	} else {
		size_t wl;
		const char *w;
		hs_norm_run_views(s->nz, p->text, p->len);
		w = hs_norm_terms(s->nz, &wl);
		hs_simhash_sign(w, wl, &a->sig);
	}
	a->p = p;
	a->id = id;
	return a;
}

/* The store half: spike counters and claims; naive: linear-scan claims
 * instead. */
static void store(stage *s, const analysed *a, int naive)
{
	const post *p = a->p;
	char key[64];
	int kl;

	kl = key_of(key, "source:", p->source);
	hs_spike_add(s->spikes, key, (size_t)kl, NULL, p->t_us, p->t_us, a->id, on_spike, s);
	kl = key_of(key, "rule:", rule_names[a->sig.hash % 50]);
	hs_spike_add(s->spikes, key, (size_t)kl, NULL, p->t_us, p->t_us, a->id, on_spike, s);
	kl = key_of(key, "term:", term_names[a->sig.hash % 200]);
	hs_spike_add(s->spikes, key, (size_t)kl, NULL, p->t_us, p->t_us, a->id, on_spike, s);
	if (!naive) {
		hs_claim_result cr;
		hs_claims_add(s->claims, &a->sig, a->id, p->source, p->author, p->t_us, p->text,
		              p->len, &cr);
		s->grouped += cr.outcome == HS_CLAIM_JOINED;
		return;
	}
	if (a->sig.n_features < HS_SIMHASH_MIN_WORDS)
		return;
	for (size_t i = 0; i < s->n_fp; i++)
		if (hs_simhash_distance(s->fp[i], a->sig.hash) <= 16) {
			s->grouped++;
			return;
		}
	if (s->n_fp == s->cap_fp) {
		s->cap_fp = s->cap_fp ? s->cap_fp * 2 : 1024;
		s->fp = realloc(s->fp, s->cap_fp * sizeof(*s->fp));
		if (!s->fp)
			abort();
	}
	s->fp[s->n_fp++] = a->sig.hash;
}

static int stage_init(stage *s, const hs_sentiment_models *m)
{
	hs_spike_params sp;
	memset(s, 0, sizeof(*s));
	hs_spike_params_default(&sp);
	s->m = m;
	s->ss = hs_sentiment_scratch_new();
	s->nz = hs_norm_new();
	s->spikes = hs_spike_table_new(&sp, 100000, 0);
	hs_claims_params cp;
	hs_claims_params_default(&cp);
	cp.max_claims = 20000; /* hearsayd's default (signals.claims.max) */
	s->claims = hs_claims_new(&cp);
	return s->ss && s->nz && s->spikes && s->claims ? 0 : -1;
}

static void stage_fini(stage *s)
{
	hs_sentiment_scratch_free(s->ss);
	hs_norm_free(s->nz);
	hs_spike_table_free(s->spikes);
	hs_claims_free(s->claims);
	free(s->fp);
}

static double time_stage(const hs_sentiment_models *m, const post *p, size_t n, int naive,
                         int words_given, size_t *grouped, hs_claims_stats *cst)
{
	stage s;
	double t0, t;
	if (stage_init(&s, m) < 0)
		abort();
	s.words_given = words_given;
	t0 = cpu_s();
	/* as in hearsayd: the store half runs one post behind the worker
	 * half (there on another thread, here on the same core), and asks for
	 * the claim buckets of the post it will add next */
	const analysed *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		const analysed *a = analyse(&s, &p[i], i + 1);
		if (!naive)
			hs_claims_prefetch(s.claims, &a->sig);
		if (prev)
			store(&s, prev, naive);
		prev = a;
	}
	if (prev)
		store(&s, prev, naive);
	t = cpu_s() - t0;
	if (grouped)
		*grouped = s.grouped;
	if (cst)
		hs_claims_stats_get(s.claims, cst);
	stage_fini(&s);
	return (double)n / t;
}

/* Each part alone over the same posts, ns per post (median of rounds):
 * what the stage's time is made of. Parts that need the words take them
 * from a prepared copy of every post's terms view, so only the part is
 * timed. */
enum { P_SENT, P_LANGID, P_NORM, P_SIGN, P_CLAIMS, P_SPIKES, P_N };
static const char *const part_name[P_N] = {
	"sentiment (tagged language, else detected)", "  of which language detection",
	"normalisation (terms view)", "SimHash signature", "claims (lookup, join or create)",
	"spike counters (3 keys)",
};

static void time_parts(const hs_sentiment_models *m, const post *p, size_t n, double *ns)
{
	stage s;
	hs_simhash_sig *sig = calloc(n, sizeof(*sig));
	double t0;
	if (!sig || stage_init(&s, m) < 0)
		abort();
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		hs_sentiment r;
		hs_sentiment_score(s.m, s.ss, p[i].text, p[i].len, p[i].lang, &r, NULL);
		s.sink += r.compound;
	}
	ns[P_SENT] = (cpu_s() - t0) * 1e9 / (double)n;
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++)
		if (!p[i].lang) {
			char buf[9];
			s.sink += (double)hs_sentiment_language(s.m, p[i].text, p[i].len, NULL, buf)[0];
		}
	ns[P_LANGID] = (cpu_s() - t0) * 1e9 / (double)n;
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		size_t wl;
		const char *w;
		hs_norm_run_views(s.nz, p[i].text, p[i].len);
		w = hs_norm_terms(s.nz, &wl);
		s.sink += (double)(unsigned char)w[wl / 2];
	}
	ns[P_NORM] = (cpu_s() - t0) * 1e9 / (double)n;
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++)
		hs_simhash_sign(p[i].terms, p[i].terms_len, &sig[i]);
	ns[P_SIGN] = (cpu_s() - t0) * 1e9 / (double)n;
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		hs_claim_result cr;
		hs_claims_add(s.claims, &sig[i], i + 1, p[i].source, p[i].author, p[i].t_us,
		              p[i].text, p[i].len, &cr);
	}
	ns[P_CLAIMS] = (cpu_s() - t0) * 1e9 / (double)n;
	t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		char key[64];
		int kl = key_of(key, "source:", p[i].source);
		hs_spike_add(s.spikes, key, (size_t)kl, NULL, p[i].t_us, p[i].t_us, i + 1, on_spike, &s);
		kl = key_of(key, "rule:", rule_names[sig[i].hash % 50]);
		hs_spike_add(s.spikes, key, (size_t)kl, NULL, p[i].t_us, p[i].t_us, i + 1, on_spike, &s);
		kl = key_of(key, "term:", term_names[sig[i].hash % 200]);
		hs_spike_add(s.spikes, key, (size_t)kl, NULL, p[i].t_us, p[i].t_us, i + 1, on_spike, &s);
	}
	ns[P_SPIKES] = (cpu_s() - t0) * 1e9 / (double)n;
	free(sig);
	stage_fini(&s);
}

static double time_floor(const post *p, size_t n, uint64_t *sink)
{
	static uint32_t counts[1 << 16];
	double t0 = cpu_s();
	for (size_t i = 0; i < n; i++) {
		const unsigned char *s = (const unsigned char *)p[i].text;
		uint64_t h = 0xcbf29ce484222325ULL;
		for (size_t k = 0; k <= p[i].len; k++) {
			if (k == p[i].len || s[k] == ' ') {
				counts[h & 0xFFFF]++;
				h = 0xcbf29ce484222325ULL;
				continue;
			}
			h = (h ^ s[k]) * 0x100000001b3ULL;
		}
	}
	double t = cpu_s() - t0;
	for (size_t i = 0; i < 1 << 16; i++)
		*sink += counts[i];
	return (double)n / t;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "posts", required_argument, NULL, 'p' }, { "rounds", required_argument, NULL, 'r' },
		{ "lexicons", required_argument, NULL, 'x' }, { "stage-only", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n = 200000, rounds = 5, bytes = 0, grouped = 0;
	const char *lexdir = HS_SRCDIR "/rules/lexicons";
	hs_errs errs = HS_ERRS_INIT;
	hs_claims_stats cst;
	uint64_t sink = 0;
	int opt, stage_only = 0;

	while ((opt = getopt_long(argc, argv, "p:r:x:s", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': n = strtoul(optarg, NULL, 10); break;
		case 'r': rounds = strtoul(optarg, NULL, 10); break;
		case 'x': lexdir = optarg; break;
		case 's': stage_only = 1; break;
		default:
			fprintf(stderr, "usage: %s [--posts N] [--rounds R] [--lexicons DIR] [--stage-only]\n",
			        argv[0]);
			return 2;
		}
	}
	if (n < 1000 || n > 10000000 || rounds < 1 || rounds > 99) {
		fprintf(stderr, "bench_signals: --posts 1000..1e7, --rounds 1..99\n");
		return 2;
	}
	hs_sentiment_models *m = hs_sentiment_load_dir(lexdir, &errs);
	if (!m) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "bench_signals: %s\n", errs.msgs[i]);
		return 1;
	}
	post *p = calloc(n, sizeof(*p));
	if (!p)
		return 1;
	make_posts(p, n);
	hs_norm *nz = hs_norm_new();
	if (!nz)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const char *w;
		bytes += p[i].len;
		hs_norm_run_views(nz, p[i].text, p[i].len);
		w = hs_norm_terms(nz, &p[i].terms_len);
		if (!(p[i].terms = malloc(p[i].terms_len + 1)))
			return 1;
		memcpy(p[i].terms, w, p[i].terms_len);
		p[i].terms[p[i].terms_len] = '\0';
	}
	hs_norm_free(nz);
	size_t slice = n < 20000 ? n : 20000;
	double *st = calloc(rounds, sizeof(double)), *fl = calloc(rounds, sizeof(double)),
	       *nv = calloc(rounds, sizeof(double)), *pt = calloc(rounds * P_N, sizeof(double)),
	       *sw = calloc(rounds, sizeof(double));
	if (!st || !fl || !nv || !pt || !sw)
		return 1;
	for (size_t r = 0; r < rounds; r++) {
		st[r] = time_stage(m, p, n, 0, 0, r == 0 ? &grouped : NULL, r == 0 ? &cst : NULL);
		sw[r] = time_stage(m, p, n, 0, 1, NULL, NULL);
		if (stage_only)
			continue;
		fl[r] = time_floor(p, n, &sink);
		nv[r] = time_stage(m, p, slice, 1, 0, NULL, NULL);
		time_parts(m, p, n, pt + r * P_N);
	}
	qsort(st, rounds, sizeof(double), cmp_d);
	qsort(sw, rounds, sizeof(double), cmp_d);
	qsort(fl, rounds, sizeof(double), cmp_d);
	qsort(nv, rounds, sizeof(double), cmp_d);
	printf("bench_signals: %zu posts, %.1f MB, mean %.0f bytes; one thread, median of %zu "
	       "rounds (CPU time)\n", n, (double)bytes / 1e6, (double)bytes / (double)n, rounds);
	printf("  signal stage (sentiment, words + SimHash, 3 spike keys, claims)  %10.0f posts/s"
	       "   (best round %.0f; %zu posts joined a claim)\n", st[rounds / 2], st[rounds - 1],
	       grouped);
	printf("  the same, words from the rule engine's terms view (as hearsayd)  %10.0f posts/s"
	       "   (best round %.0f)\n", sw[rounds / 2], sw[rounds - 1]);
	printf("  claims: %llu created, %llu evicted; per post %.1f buckets read, %.1f representatives "
	       "seen, %.2f compared\n", (unsigned long long)cst.created,
	       (unsigned long long)cst.evicted, (double)cst.probes / (double)n,
	       (double)cst.visited / (double)n, (double)cst.compared / (double)n);
	printf("  baseline: floor (split + hash words into counters)             %10.0f posts/s\n",
	       fl[rounds / 2]);
	printf("  baseline: naive claims (linear scan), first %zu posts          %10.0f posts/s\n",
	       slice, nv[rounds / 2]);
	if (!stage_only) {
		double part[P_N], sum = 0;
		printf("  the parts alone, ns per post (median of rounds):\n");
		for (size_t k = 0; k < P_N; k++) {
			double *v = calloc(rounds, sizeof(double));
			if (!v)
				return 1;
			for (size_t r = 0; r < rounds; r++)
				v[r] = pt[r * P_N + k];
			qsort(v, rounds, sizeof(double), cmp_d);
			part[k] = v[rounds / 2];
			if (k != P_LANGID) /* inside sentiment */
				sum += part[k];
			free(v);
		}
		for (size_t k = 0; k < P_N; k++)
			printf("    %-44s %8.0f ns  %5.1f %%\n", part_name[k], part[k], 100 * part[k] / sum);
		printf("    %-44s %8.0f ns  (stage as a whole: %.0f ns)\n", "sum", sum,
		       1e9 / st[rounds / 2]);
	}
	printf("bench_signals: posts=%zu stage_posts_per_s=%.0f stage_words_given_posts_per_s=%.0f "
	       "floor_posts_per_s=%.0f naive_posts_per_s=%.0f sink=%llu\n", n, st[rounds / 2],
	       sw[rounds / 2], fl[rounds / 2], nv[rounds / 2], (unsigned long long)(sink & 1));
	for (size_t i = 0; i < n; i++) {
		free(p[i].text);
		free(p[i].terms);
	}
	free(p);
	free(sw);
	free(st);
	free(fl);
	free(nv);
	free(pt);
	hs_sentiment_models_free(m);
	return 0;
}
