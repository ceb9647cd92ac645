/* bench_vader: how fast hs_vader_score (rules/vader.c) scores short posts
 * on one core, beside two baselines timed in the same run on the same
 * posts:
 *   tokenise  the floor: memchr for each space, count the words and the
 *             '!' and '?' of each post (no lowercasing, no lookup);
 *   bsearch   the simple way to a lexicon score without any of VADER's
 *             rules: split at spaces, strip ASCII punctuation, lowercase
 *             into a buffer, bsearch the sorted lexicon, sum the valences.
 *
 * Generates N posts (default 100000) in memory with a fixed-seed PRNG (the
 * same bytes on every machine), 70 to 130 bytes each (about 100): common
 * neutral English words, words drawn from the lexicon (about one in four),
 * boosters, dampeners, negations, "but", "kind of", "never so", emoticons,
 * words in capitals (and a few posts all in capitals), ',' '.' '!' '?'
 * after words, and emoji in about one post in six (which then takes the
 * emoji replacement pass). R rounds (default 7), each one pass of every
 * measurement over all posts, interleaved; the median round of each is
 * printed, in CPU time of the process. Slowness never fails it; a scorer
 * error does (exit 1).
 *
 *   bench_vader [--posts N] [--rounds R] [--srcdir DIR]
 *
 * DIR holds rules/lexicons/en/ (default: HS_SRCDIR if compiled in, else
 * "."). Build it without sanitizers for figures worth quoting, e.g.
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -DHS_SRCDIR='"'$PWD'"' -I. -Iinclude \
 *       tests/bench/bench_vader.c rules/vader.c rules/vader_lex.c \
 *       daemon/errors.c $(pkg-config --cflags --libs libutf8proc) -lm \
 *       -o /tmp/bench_vader
 *
 * The last line of stdout is machine-readable:
 *   bench_vader: status=ok posts=... bytes=... vader_posts_per_s=... ...
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearsay/errors.h"
#include "rules/vader.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* ---- deterministic randomness ------------------------------------------------------ */

static uint64_t seed = 0x7661646572ULL; /* "vader" */

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "bench_vader: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- vocabulary -------------------------------------------------------------------- */

static const char *const neutral[] = {
	"the", "the", "the", "a", "a", "of", "and", "and", "to", "in", "on", "for", "with",
	"they", "are", "is", "was", "it", "we", "this", "that", "council", "residents",
	"bridge", "market", "square", "will", "march", "after", "police", "said", "mayor",
	"centre", "people", "tonight", "street", "bus", "school", "news", "video", "photo",
	"town", "group", "Saturday", "Rivertown", "about", "before", "near", "2026", "14:30",
};
static const char *const modifiers[] = {
	"very", "really", "so", "extremely", "totally", "kinda", "barely", "slightly",
	"not", "never", "isn't", "don't", "without", "no", "but", "kind of", "sort of",
	"never so", "at least", "least", "hardly", "most",
};
static const char *const emoticons[] = { ":)", ":(", ":D", ":-/", "<3", ";)", ":P" };
static const char *const emoji[] = {
	"\U0001F525", "\U0001F621", "\U0001F44D\U0001F3FD", "\u2764\uFE0F", "\U0001F602",
	"\U0001F622", "\U0001F4E2", "\U0001F60D", "\U0001F914", "\U0001F44F",
};

/* Lexicon words made of letters only (from the lexicon file). */
typedef struct wordlist {
	char **w;
	size_t n;
} wordlist;

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "bench_vader: cannot read %s\n", path);
		exit(1);
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench_vader: cannot read %s\n", path);
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---- the bsearch baseline's lexicon ------------------------------------------------------ */

typedef struct lexent {
	const char *w; /* into the file buffer, NUL-terminated there */
	double v;
} lexent;

static int lexent_cmp(const void *a, const void *b)
{
	return strcmp(((const lexent *)a)->w, ((const lexent *)b)->w);
}

/* Parse the lexicon file (modified in place) into a sorted array and the
 * list of all-letter words. */
static lexent *parse_lexicon(char *buf, size_t len, size_t *n_out, wordlist *letters)
{
	size_t cap = 16384, n = 0;
	lexent *e = xmalloc(cap * sizeof(*e));
	char *p = buf, *end = buf + len;

	letters->w = xmalloc(cap * sizeof(*letters->w));
	letters->n = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *tab = memchr(p, '\t', (size_t)(le - p));
		if (tab && n < cap) {
			bool alpha = true;
			*tab = '\0';
			e[n].w = p;
			e[n].v = strtod(tab + 1, NULL);
			for (char *q = p; *q; q++)
				if (*q < 'a' || *q > 'z')
					alpha = false;
			if (alpha && letters->n < cap)
				letters->w[letters->n++] = p;
			n++;
		}
		p = le + 1;
	}
	qsort(e, n, sizeof(*e), lexent_cmp);
	*n_out = n;
	return e;
}

/* ---- posts --------------------------------------------------------------------------- */

typedef struct corpus {
	char *text;
	size_t *off; /* post i is text[off[i], off[i + 1]) */
	size_t n;
	size_t bytes;
	size_t with_emoji;
} corpus;

static void make_corpus(corpus *c, size_t n, const wordlist *lex)
{
	size_t cap = n * 160 + 64, len = 0;
	char word[128];

	c->text = xmalloc(cap);
	c->off = xmalloc((n + 1) * sizeof(*c->off));
	c->n = n;
	c->with_emoji = 0;
	for (size_t i = 0; i < n; i++) {
		size_t target = 70 + below(61), start = len;
		bool caps_post = chance(3), emoji_post = chance(16), first = true;
		c->off[i] = len;
		while (len - start < target) {
			const char *w;
			unsigned r = below(100);
			if (r < 58)
				w = neutral[below(sizeof(neutral) / sizeof(*neutral))];
			else if (r < 84)
				w = lex->w[below((unsigned)lex->n)];
			else if (r < 95)
				w = modifiers[below(sizeof(modifiers) / sizeof(*modifiers))];
			else
				w = emoticons[below(sizeof(emoticons) / sizeof(*emoticons))];
			snprintf(word, sizeof(word), "%s", w);
			if (caps_post || (first && chance(30)) || chance(6)) {
				for (char *q = word; *q; q++)
					if (*q >= 'a' && *q <= 'z' && (caps_post || q == word || chance(92)))
						*q = (char)(*q - 'a' + 'A');
			}
			if (!first)
				c->text[len++] = ' ';
			memcpy(c->text + len, word, strlen(word));
			len += strlen(word);
			if (chance(12)) {
				static const char *const punct[] = { ",", ".", "!", "?", "!!!", "??", "..." };
				const char *p = punct[below(sizeof(punct) / sizeof(*punct))];
				memcpy(c->text + len, p, strlen(p));
				len += strlen(p);
			}
			first = false;
		}
		if (emoji_post) {
			const char *e = emoji[below(sizeof(emoji) / sizeof(*emoji))];
			c->text[len++] = ' ';
			memcpy(c->text + len, e, strlen(e));
			len += strlen(e);
			c->with_emoji++;
		}
	}
	c->off[n] = len;
	c->bytes = len;
}

/* ---- measurements ---------------------------------------------------------------------- */

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile double sink;

static int run_vader(const hs_vader *v, hs_vader_scratch *s, const corpus *c)
{
	double acc = 0;

	for (size_t i = 0; i < c->n; i++) {
		hs_sentiment r;
		if (hs_vader_score(v, s, c->text + c->off[i], c->off[i + 1] - c->off[i], &r) ==
		    HS_VADER_ERROR)
			return -1;
		acc += r.compound + r.pos;
	}
	sink = acc;
	return 0;
}

static void run_tokenise(const corpus *c)
{
	size_t words = 0, marks = 0;

	for (size_t i = 0; i < c->n; i++) {
		const char *p = c->text + c->off[i], *end = c->text + c->off[i + 1];
		while (p < end) {
			const char *sp = memchr(p, ' ', (size_t)(end - p));
			const char *we = sp ? sp : end;
			if (we > p)
				words++;
			for (const char *q = p; q < we; q++)
				marks += *q == '!' || *q == '?';
			p = we + 1;
		}
	}
	sink = (double)(words + marks);
}

static bool is_punct(char ch)
{
	return ch > ' ' && ch < 0x7f && !(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'z') &&
	       !(ch >= 'A' && ch <= 'Z');
}

static void run_bsearch(const corpus *c, const lexent *lex, size_t n_lex)
{
	double acc = 0;
	char low[128];

	for (size_t i = 0; i < c->n; i++) {
		const char *p = c->text + c->off[i], *end = c->text + c->off[i + 1];
		double sum = 0;
		while (p < end) {
			const char *sp = memchr(p, ' ', (size_t)(end - p));
			const char *ws = p, *we = sp ? sp : end;
			p = we + 1;
			while (ws < we && is_punct(*ws))
				ws++;
			while (we > ws && is_punct(we[-1]))
				we--;
			if (we == ws || (size_t)(we - ws) >= sizeof(low))
				continue;
			for (size_t k = 0; k < (size_t)(we - ws); k++) {
				char ch = ws[k];
				low[k] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
			}
			low[we - ws] = '\0';
			lexent key = { low, 0 };
			const lexent *e = bsearch(&key, lex, n_lex, sizeof(*lex), lexent_cmp);
			if (e)
				sum += e->v;
		}
		acc += sum;
	}
	sink = acc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "posts", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "srcdir", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	size_t posts = 100000;
	unsigned rounds = 7;
	const char *srcdir = HS_SRCDIR;
	char lexpath[4096], emopath[4096];
	hs_errs errs = HS_ERRS_INIT;
	int opt;

	while ((opt = getopt_long(argc, argv, "n:r:s:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			posts = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			srcdir = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_vader [--posts N] [--rounds R] [--srcdir DIR]\n");
			return 2;
		}
	}
	if (!posts || !rounds || rounds > 101) {
		fprintf(stderr, "bench_vader: posts and rounds (1..101) must be positive\n");
		return 2;
	}
	snprintf(lexpath, sizeof(lexpath), "%s/rules/lexicons/en/vader_lexicon.txt", srcdir);
	snprintf(emopath, sizeof(emopath), "%s/rules/lexicons/en/emoji_utf8_lexicon.txt", srcdir);

	double t0 = cpu_now();
	hs_vader *v = hs_vader_load(lexpath, emopath, &errs);
	double t_load = cpu_now() - t0;
	if (!v) {
		char *m = hs_errs_join(&errs);
		fprintf(stderr, "bench_vader: %s\n", m ? m : "cannot load the lexicons");
		free(m);
		hs_errs_clear(&errs);
		return 1;
	}
	hs_vader_scratch *s = hs_vader_scratch_new();
	size_t lex_len, n_lex;
	char *lexbuf = read_all(lexpath, &lex_len);
	wordlist letters;
	lexent *lex = parse_lexicon(lexbuf, lex_len, &n_lex, &letters);
	corpus c;

	if (!s) {
		fprintf(stderr, "bench_vader: out of memory\n");
		return 1;
	}
	make_corpus(&c, posts, &letters);
	printf("bench_vader: %zu posts, %zu bytes (%.1f bytes/post, %zu with emoji), "
	       "%u rounds; lexicon loaded in %.1f ms\n",
	       c.n, c.bytes, (double)c.bytes / (double)c.n, c.with_emoji, rounds, t_load * 1e3);

	/* warm-up (and the error check) */
	if (run_vader(v, s, &c)) {
		fprintf(stderr, "bench_vader: hs_vader_score failed\n");
		printf("bench_vader: status=error\n");
		return 1;
	}
	double *tv = xmalloc(rounds * sizeof(double)), *tt = xmalloc(rounds * sizeof(double)),
	       *tb = xmalloc(rounds * sizeof(double));
	for (unsigned r = 0; r < rounds; r++) {
		double a = cpu_now();
		if (run_vader(v, s, &c))
			return 1;
		double b = cpu_now();
		run_tokenise(&c);
		double d = cpu_now();
		run_bsearch(&c, lex, n_lex);
		double e = cpu_now();
		tv[r] = b - a;
		tt[r] = d - b;
		tb[r] = e - d;
	}
	double mv = median(tv, rounds), mt = median(tt, rounds), mb = median(tb, rounds);
	double n = (double)c.n, mbytes = (double)c.bytes / 1e6;

	printf("%-44s %12s %10s %10s\n", "median of rounds (CPU time, one core)", "posts/s", "MB/s",
	       "ns/post");
	printf("%-44s %12.0f %10.1f %10.0f\n", "hs_vader_score (full VADER)", n / mv, mbytes / mv,
	       mv / n * 1e9);
	printf("%-44s %12.0f %10.1f %10.0f\n", "baseline: bsearch lexicon sum (no rules)",
	       n / mb, mbytes / mb, mb / n * 1e9);
	printf("%-44s %12.0f %10.1f %10.0f\n", "baseline: tokenise only (memchr)", n / mt,
	       mbytes / mt, mt / n * 1e9);
	printf("bench_vader: status=ok posts=%zu bytes=%zu vader_posts_per_s=%.0f "
	       "vader_mb_per_s=%.1f bsearch_posts_per_s=%.0f tokenise_posts_per_s=%.0f\n",
	       c.n, c.bytes, n / mv, mbytes / mv, n / mb, n / mt);

	free(tv);
	free(tt);
	free(tb);
	free(c.text);
	free(c.off);
	free(lex);
	free(letters.w);
	free(lexbuf);
	hs_vader_scratch_free(s);
	hs_vader_free(v);
	return 0;
}
