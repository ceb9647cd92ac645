/* bench_rules: rule engine throughput at 10, 100, 1,000 and 10,000 rules
 * (see tests/bench/README.md).
 *
 * Generates (fixed PRNG, the same bytes everywhere) a corpus of short posts
 * of town chatter and rule packs of N rules in the shipped packs' style:
 * most rules are `terms` lists of words and short phrases, one in four a
 * phrase regex with alternatives (\bWORD (?:a|b) WORD\b). Some posts carry
 * rule words, so rules do hit. Then, in one thread, it times:
 *   hearsay    hs_ruleset_match_text: normalisation of each post, the
 *              literal prefilter (one Aho-Corasick pass per view), PCRE2
 *              only for the candidate rules;
 *   naive      the same rules as plain PCRE2 (JIT) patterns, every pattern
 *              run on every post (terms as a whole-word caseless
 *              alternation) - on a slice of the corpus when that would take
 *              long, scaled to posts/s;
 *   pcre2grep  `pcre2grep -c -i -f PATTERNS CORPUS` on the same posts and
 *              patterns (a separate process; wall clock);
 * and the heap a rule set holds (mallinfo2 before and after loading).
 * It prints; it never fails because something was slow. It does fail when
 * the engine and the naive loop disagree on which posts hit (checked on the
 * naive slice).
 *
 *   bench_rules [-p POSTS] [-s SECONDS] [-r RULES] [-e]
 *
 * -r RULES measures only that rule count (10..100000) instead of the four;
 * -e times only the engine (no naive loop, no pcre2grep): for profilers.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <hearsay/rules.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
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

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* common words of the posts */
static const char *const common[] = {
	"the", "a", "we", "they", "is", "are", "at", "on", "in", "to", "of", "and", "for", "with",
	"market", "square", "bridge", "council", "bus", "school", "festival", "weather", "rain",
	"sun", "today", "tomorrow", "morning", "evening", "road", "closed", "open", "new", "old",
	"people", "town", "river", "park", "dog", "bakery", "coffee", "train", "late", "again",
	"meeting", "street", "shop", "children", "football", "match", "concert", "library",
	"police", "fire", "station", "hall", "church", "mosque", "centre", "volunteers", "bike",
	"lane", "traffic", "queue", "price", "bread", "garden", "neighbours", "night", "noise",
};
#define N_COMMON (sizeof(common) / sizeof(common[0]))

/* A synthetic rule word: 5-9 letters, from a number (unique per n). */
static void rule_word(unsigned n, char *out)
{
	static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
	size_t k = 0;
	unsigned len = 5 + n % 5;
	n = n * 2654435761u;
	for (unsigned i = 0; i < len; i++) {
		out[k++] = i % 2 ? vow[n % 5] : cons[n % 16];
		n = n / 5 + i * 7919u + 13u;
	}
	out[k] = '\0';
}

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

/* Rule i's words: 3 or 4 (terms rules) or 2 (regex rules). */
static unsigned rule_words(unsigned i, unsigned *w)
{
	unsigned n = i % 4 == 3 ? 2 : 3 + i % 2;
	for (unsigned k = 0; k < n; k++)
		w[k] = i * 4 + k;
	return n;
}

/* Write N rules as YAML to path, and the same as PCRE2 patterns (one per
 * line, for pcre2grep and the naive loop) into *pats. */
static void write_rules(const char *path, unsigned n, char ***pats, size_t *n_pats)
{
	sbuf y = { malloc(1 << 16), 0, 1 << 16 };
	char w1[16], w2[16];
	unsigned w[4];
	*pats = calloc(n, sizeof(**pats));
	*n_pats = n;
	put(&y, "rules:\n");
	for (unsigned i = 0; i < n; i++) {
		sbuf p = { malloc(256), 0, 256 };
		unsigned nw = rule_words(i, w);
		put(&y, "  - id: r%05u\n    title: rule %u\n    category: custom\n    severity: low\n"
		        "    match:\n      any:\n", i, i);
		if (i % 4 == 3) {
			rule_word(w[0], w1);
			rule_word(w[1], w2);
			put(&y, "        - regex: '\\b%s (?:is|are|was) %s\\b'\n", w1, w2);
			put(&p, "\\b%s (?:is|are|was) %s\\b", w1, w2);
		} else {
			put(&y, "        - terms: [");
			put(&p, "\\b(?:");
			for (unsigned k = 0; k < nw; k++) {
				rule_word(w[k], w1);
				put(&y, "%s%s", k ? ", " : "", w1);
				put(&p, "%s%s", k ? "|" : "", w1);
			}
			put(&y, "]\n");
			put(&p, ")\\b");
		}
		(*pats)[i] = p.s;
	}
	FILE *f = fopen(path, "w");
	if (!f || fwrite(y.s, 1, y.len, f) != y.len || fclose(f) != 0) {
		fprintf(stderr, "bench_rules: cannot write %s\n", path);
		exit(1);
	}
	free(y.s);
}

typedef struct corpus {
	char **post;
	size_t *len;
	size_t n, bytes;
} corpus;

/* Posts of 15-35 words; one in five carries a word of one of the first
 * `hot` rules (or a regex phrase), so hits occur at every size. */
static void make_corpus(corpus *c, size_t n, unsigned hot)
{
	c->post = calloc(n, sizeof(char *));
	c->len = calloc(n, sizeof(size_t));
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		sbuf b = { malloc(256), 0, 256 };
		unsigned nw = 15 + pick(21);
		unsigned at = pick(5) == 0 ? pick(nw) : nw;
		for (unsigned k = 0; k < nw; k++) {
			if (k == at) {
				char w1[16], w2[16];
				unsigned r = pick(hot);
				unsigned w[4];
				rule_words(r, w);
				rule_word(w[0], w1);
				if (r % 4 == 3) {
					rule_word(w[1], w2);
					put(&b, "%s%s is %s", k ? " " : "", w1, w2);
				} else {
					put(&b, "%s%s", k ? " " : "", w1);
				}
				continue;
			}
			const char *word = common[pick(N_COMMON)];
			put(&b, "%s%s%s", k ? " " : "", k == 0 ? "" : "", word);
			if (pick(12) == 0)
				put(&b, ",");
		}
		put(&b, pick(3) ? "." : "!");
		if (b.len)
			b.s[0] = (char)(b.s[0] >= 'a' && b.s[0] <= 'z' ? b.s[0] - 32 : b.s[0]);
		c->post[i] = b.s;
		c->len[i] = b.len;
		c->bytes += b.len;
	}
}

static int count_hit(void *ud, const hs_rule_info *r, hs_field f, size_t s, size_t e)
{
	(void)r;
	(void)f;
	(void)s;
	(void)e;
	(*(size_t *)ud)++;
	return 0;
}

/* Posts per second of the engine over the whole corpus, at least `secs`. */
static double time_engine(const hs_ruleset *rs, const corpus *c, double secs, size_t *hits_out,
                          unsigned char *hit_post)
{
	hs_rule_scratch *s = hs_rule_scratch_new(rs);
	size_t done = 0, hits = 0;
	double t0 = now_s(), t;
	do {
		for (size_t i = 0; i < c->n; i++) {
			size_t h = 0;
			if (hs_ruleset_match_text(rs, s, c->post[i], c->len[i], count_hit, &h) < 0) {
				fprintf(stderr, "bench_rules: matching failed\n");
				exit(1);
			}
			if (done < c->n) {
				hits += h;
				if (hit_post)
					hit_post[i] = h > 0;
			}
		}
		done += c->n;
		t = now_s() - t0;
	} while (t < secs);
	hs_rule_scratch_free(s);
	*hits_out = hits;
	return (double)done / t;
}

/* The naive loop: every pattern (PCRE2, JIT, caseless, UTF) on every post of
 * the first `n` posts. Returns posts/s; hit_post gets which posts hit. */
static double time_naive(char **pats, size_t n_pats, const corpus *c, size_t n,
                         unsigned char *hit_post)
{
	pcre2_code **codes = calloc(n_pats, sizeof(*codes));
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	int ec;
	PCRE2_SIZE eo;
	for (size_t i = 0; i < n_pats; i++) {
		codes[i] = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
		                         PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &ec, &eo, NULL);
		if (!codes[i]) {
			fprintf(stderr, "bench_rules: naive pattern %zu does not compile\n", i);
			exit(1);
		}
		pcre2_jit_compile(codes[i], PCRE2_JIT_COMPLETE);
	}
	double t0 = now_s();
	for (size_t p = 0; p < n; p++) {
		unsigned char hit = 0;
		for (size_t i = 0; i < n_pats; i++)
			if (pcre2_match(codes[i], (PCRE2_SPTR)c->post[p], c->len[p], 0, 0, md, NULL) >= 0)
				hit = 1;
		hit_post[p] = hit;
	}
	double t = now_s() - t0;
	for (size_t i = 0; i < n_pats; i++)
		pcre2_code_free(codes[i]);
	free(codes);
	pcre2_match_data_free(md);
	return (double)n / t;
}

/* pcre2grep over the corpus file with the pattern file: posts/s, or -1. */
static double time_pcre2grep(const char *corpus_path, const char *pat_path, size_t n_posts)
{
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", 1);
		if (fd >= 0)
			dup2(fd, 1);
		execlp("pcre2grep", "pcre2grep", "-c", "-i", "-u", "-f", pat_path, corpus_path,
		       (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return -1;
	return (double)n_posts / (now_s() - t0);
}

int main(int argc, char **argv)
{
	unsigned sizes[] = { 10, 100, 1000, 10000 };
	size_t n_sizes = 4;
	bool engine_only = false;
	size_t n_posts = 100000;
	double secs = 1.0;
	int opt;
	char dir[] = "/tmp/bench_rules.XXXXXX";

	while ((opt = getopt(argc, argv, "p:s:r:eh")) != -1) {
		switch (opt) {
		case 'p': n_posts = strtoul(optarg, NULL, 10); break;
		case 's': secs = strtod(optarg, NULL); break;
		case 'r':
			sizes[0] = (unsigned)strtoul(optarg, NULL, 10);
			n_sizes = 1;
			if (sizes[0] < 10 || sizes[0] > 100000) {
				fprintf(stderr, "%s: -r wants 10..100000\n", argv[0]);
				return 2;
			}
			break;
		case 'e': engine_only = true; break;
		default:
			fprintf(stderr, "usage: %s [-p POSTS] [-s SECONDS] [-r RULES] [-e]\n", argv[0]);
			return 2;
		}
	}
	if (n_posts < 100 || n_posts > 10000000 || !(secs >= 0 && secs <= 60)) {
		fprintf(stderr, "usage: %s [-p POSTS (100..1e7)] [-s SECONDS (0..60)]\n", argv[0]);
		return 2;
	}
	if (!mkdtemp(dir)) {
		perror("bench_rules: mkdtemp");
		return 1;
	}
	corpus c = { 0 };
	make_corpus(&c, n_posts, 10);
	char corpus_path[256];
	snprintf(corpus_path, sizeof(corpus_path), "%s/corpus.txt", dir);
	FILE *cf = fopen(corpus_path, "w");
	for (size_t i = 0; cf && i < c.n; i++)
		fprintf(cf, "%s\n", c.post[i]);
	if (!cf || fclose(cf) != 0)
		return 1;
	printf("bench_rules: %zu posts, %.1f MB, mean %.0f bytes; one thread\n", c.n,
	       (double)c.bytes / 1e6, (double)c.bytes / (double)c.n);
	printf("  rules   hearsay posts/s   naive posts/s   speed-up   pcre2grep posts/s   hits"
	       "   heap/1000 rules\n");
	double fps[4] = { 0 };
	for (size_t k = 0; k < n_sizes; k++) {
		unsigned n = sizes[k];
		char rules_path[256], pat_path[256];
		char **pats;
		size_t n_pats;
		snprintf(rules_path, sizeof(rules_path), "%s/rules-%u.yaml", dir, n);
		snprintf(pat_path, sizeof(pat_path), "%s/patterns-%u.txt", dir, n);
		write_rules(rules_path, n, &pats, &n_pats);
		FILE *pf = fopen(pat_path, "w");
		for (size_t i = 0; pf && i < n_pats; i++)
			fprintf(pf, "%s\n", pats[i]);
		if (!pf || fclose(pf) != 0)
			return 1;

		struct mallinfo2 m0 = mallinfo2();
		hs_errs errs = HS_ERRS_INIT;
		const char *one[1] = { rules_path };
		hs_ruleset *rs = hs_ruleset_load_files(one, 1, &errs);
		struct mallinfo2 m1 = mallinfo2();
		if (!rs) {
			fprintf(stderr, "bench_rules: %s: %s\n", rules_path, errs.n ? errs.msgs[0] : "?");
			return 1;
		}
		hs_errs_clear(&errs);
		double heap_per_1000 = ((double)m1.uordblks - (double)m0.uordblks) * 1000.0 / n;

		unsigned char *hp = calloc(c.n, 1), *hn = calloc(c.n, 1);
		size_t hits = 0;
		fps[k] = time_engine(rs, &c, secs, &hits, hp);
		if (engine_only) {
			printf("  %5u   %15.0f   %13s   %8s   %17s   %6zu   %8.0f KiB\n", n, fps[k],
			       "-", "-", "-", hits, heap_per_1000 / 1024.0);
			goto next_size;
		}
		/* naive: a slice long enough to time, at most ~5 s */
		size_t slice = c.n;
		double est = (double)c.n * (double)n * 0.4e-6;
		if (est > 5.0)
			slice = (size_t)((double)c.n * 5.0 / est);
		if (slice < 100)
			slice = 100;
		double naive = time_naive(pats, n_pats, &c, slice, hn);
		size_t diff = 0;
		for (size_t i = 0; i < slice; i++)
			diff += hp[i] != hn[i];
		double grep = time_pcre2grep(corpus_path, pat_path, c.n);
		printf("  %5u   %15.0f   %13.0f   %7.1fx   %17.0f   %6zu   %8.0f KiB\n", n, fps[k],
		       naive, fps[k] / naive, grep, hits, heap_per_1000 / 1024.0);
		if (slice < c.n)
			printf("          (naive timed on the first %zu posts)\n", slice);
		if (diff) {
			fprintf(stderr, "bench_rules: %zu post(s) hit differently in hearsay and in the "
			                "naive loop at %u rules\n", diff, n);
			return 1;
		}
	next_size:
		free(hp);
		free(hn);
		for (size_t i = 0; i < n_pats; i++)
			free(pats[i]);
		free(pats);
		hs_ruleset_unref(rs);
		unlink(rules_path);
		unlink(pat_path);
	}
	if (n_sizes == 4)
		printf("  cost from 100 to 10,000 rules: %.2fx the time per post\n", fps[1] / fps[3]);
	printf("bench_rules: posts=%zu fps10=%.0f fps100=%.0f fps1000=%.0f fps10000=%.0f\n", c.n,
	       fps[0], fps[1], fps[2], fps[3]);
	unlink(corpus_path);
	rmdir(dir);
	for (size_t i = 0; i < c.n; i++)
		free(c.post[i]);
	free(c.post);
	free(c.len);
	return 0;
}
