/* bench_normalize: how fast hs_norm_run (rules/normalize.c) makes all three
 * views (folded, plain, terms) of short posts on one core, beside two
 * baselines timed in the same run on the same posts:
 *   utf8proc  utf8proc_map(STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE) + free
 *             per post: the naive way to get the folded view alone
 *   tolower   an ASCII tolower loop into a reused buffer: the floor
 *
 * Generates N posts (default 100000) in memory with a fixed-seed PRNG (the
 * same bytes on every machine): 12 to 38 words of English, Dutch, French or
 * German with their accents and typographic quotes, some capitalised words,
 * and in some posts a URL, an @mention, a hashtag, emoji (a ZWJ sequence
 * among them) or an obfuscated word (h4te, k1ll, h.a.t.e, sc@m, hateeee).
 * Before timing, one checked pass compares the folded view with utf8proc_map
 * on every post where they must agree (no URL or mention masked, no emoji
 * joiner kept) and fails (exit 1) on a difference. Then R rounds (default
 * 7), each one pass of every measurement over all posts, interleaved; the
 * median round of each is printed, in CPU time of the process. Slowness
 * never fails it.
 *
 *   bench_normalize [--posts N] [--rounds R]
 *
 * Build it without sanitizers for figures worth quoting, e.g.
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -I. -Iinclude -Idaemon \
 *       tests/bench/bench_normalize.c rules/normalize.c \
 *       $(pkg-config --cflags --libs libutf8proc) -o /tmp/bench_normalize
 *
 * The last line of stdout is machine-readable:
 *   bench_normalize: status=ok posts=... bytes=... norm_posts_per_s=... ...
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "rules/normalize.h"

/* ---- deterministic randomness ------------------------------------------------------ */

static uint64_t seed = 0x68656172736179ULL; /* "hearsay" */

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

/* ---- vocabulary -------------------------------------------------------------------- */

enum { L_EN, L_NL, L_FR, L_DE, N_LANG };

static const char *const words_en[] = {
	"the", "the", "a", "of", "and", "to", "in", "on", "for", "with", "they", "are",
	"planning", "council", "residents", "bridge", "market", "square", "will", "march",
	"after", "police", "said", "mayor", "asylum", "centre", "people", "tonight",
	"protest", "rally", "caf\u00e9", "na\u00efve", "it\u2019s", "don\u2019t",
	"14:30", "2026", "Rivertown", "Saturday", "neighbours", "angry", "rumour",
};
static const char *const words_nl[] = {
	"de", "het", "een", "van", "en", "in", "op", "voor", "met", "zij", "gaan",
	"gemeenteraad", "bewoners", "brug", "markt", "politie", "burgemeester",
	"demonstratie", "azc", "vanavond", "\u00e9\u00e9n", "co\u00f6peratie", "ge\u00efnteresseerd",
	"zo\u2019n", "idee\u00ebn", "Belgi\u00eb", "re\u00fcnie", "\u20ac4,50", "boos", "gerucht",
};
static const char *const words_fr[] = {
	"le", "la", "les", "de", "des", "et", "\u00e0", "en", "pour", "sur", "ils",
	"pr\u00e9parent", "conseil", "habitants", "pont", "march\u00e9", "manifestation",
	"apr\u00e8s", "mairie", "ferm\u00e9", "\u00e9cole", "f\u00eate", "c\u0153ur",
	"l\u2019\u00e9t\u00e9", "o\u00f9", "\u00e7a", "No\u00ebl", "aujourd\u2019hui", "rumeur",
};
static const char *const words_de[] = {
	"der", "die", "das", "und", "in", "mit", "von", "f\u00fcr", "sie", "planen",
	"Gemeinderat", "Anwohner", "Br\u00fccke", "Markt", "Polizei", "Hauptstra\u00dfe",
	"B\u00fcrgermeister", "Demonstration", "heute", "\u00fcber", "L\u00e4rm",
	"Gr\u00f6\u00dfe", "\u00dcberschwemmung", "STRA\u00dfE", "Ger\u00fccht", "w\u00fctend",
};
static const struct {
	const char *const *words;
	unsigned n;
	const char *qopen, *qclose;
} vocab[N_LANG] = {
	{ words_en, sizeof(words_en) / sizeof(*words_en), "\u201c", "\u201d" },
	{ words_nl, sizeof(words_nl) / sizeof(*words_nl), "\u2018", "\u2019" },
	{ words_fr, sizeof(words_fr) / sizeof(*words_fr), "\u00ab\u00a0", "\u00a0\u00bb" },
	{ words_de, sizeof(words_de) / sizeof(*words_de), "\u201e", "\u201c" },
};
static const char *const urls[] = {
	"https://rivertown-courier.example/nieuws/2026/05/demonstratie-markt",
	"http://t.example/abc123", "www.stadsblad.example/live",
	"https://social.example/@bob/112233445566",
};
static const char *const mentions[] = {
	"@alice", "@bob@mastodon.example", "@carol.bsky.social", "@RivertownPolice",
};
static const char *const emoji[] = {
	"\U0001F525", "\U0001F621", "\U0001F44D\U0001F3FD", "\u2764\uFE0F", "\U0001F1F3\U0001F1F1",
	"\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F4E2", "\U0001F602\U0001F602",
};
static const char *const obfuscated[] = {
	"h4te", "k1ll", "h.a.t.e", "sc@m", "hateeeee", "$cum", "H A T E",
};

/* ---- posts --------------------------------------------------------------------------- */

typedef struct {
	char *p;
	size_t len, cap;
} buf_t;

static void add(buf_t *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		char *p;
		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			fprintf(stderr, "bench_normalize: out of memory\n");
			exit(1);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void make_post(buf_t *b)
{
	int lang = (int)below(N_LANG);
	unsigned n = 12 + below(27), q = n > 6 && chance(15) ? 1 + below(n - 4) : 0;

	b->len = 0;
	add(b, "");
	for (unsigned i = 0; i < n; i++) {
		const char *w = vocab[lang].words[below(vocab[lang].n)];
		if (i)
			add(b, " ");
		if (q && i == q)
			add(b, vocab[lang].qopen);
		if ((i == 0 || chance(4)) && w[0] >= 'a' && w[0] <= 'z') {
			char up[2] = { (char)(w[0] - 32), '\0' };
			add(b, up);
			add(b, w + 1);
		} else {
			add(b, w);
		}
		if (q && i == q + 2)
			add(b, vocab[lang].qclose);
		else if (chance(6))
			add(b, ",");
	}
	add(b, chance(10) ? "!" : ".");
	if (chance(4)) {
		add(b, " ");
		add(b, obfuscated[below(sizeof(obfuscated) / sizeof(*obfuscated))]);
	}
	if (chance(12)) {
		add(b, " ");
		add(b, mentions[below(sizeof(mentions) / sizeof(*mentions))]);
	}
	if (chance(6))
		add(b, " #Rivertown");
	if (chance(12)) {
		add(b, " ");
		add(b, urls[below(sizeof(urls) / sizeof(*urls))]);
	}
	if (chance(10)) {
		add(b, " ");
		add(b, emoji[below(sizeof(emoji) / sizeof(*emoji))]);
	}
}

/* ---- measurements -------------------------------------------------------------------- */

typedef struct {
	char **text;
	size_t *len;
	size_t n, bytes;
} corpus;

/* CPU time of this (single-threaded) process: other load on the machine
 * disturbs it less than wall-clock time. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink; /* keeps the loops from being optimised away */

static double time_norm(const corpus *c, hs_norm *nm)
{
	double t0 = now_s();

	for (size_t i = 0; i < c->n; i++) {
		size_t l;
		if (hs_norm_run(nm, c->text[i], c->len[i]) != 0) {
			fprintf(stderr, "bench_normalize: hs_norm_run failed\n");
			exit(1);
		}
		hs_norm_terms(nm, &l);
		sink += l;
	}
	return now_s() - t0;
}

static double time_utf8proc(const corpus *c)
{
	double t0 = now_s();

	for (size_t i = 0; i < c->n; i++) {
		utf8proc_uint8_t *out = NULL;
		utf8proc_ssize_t r =
		    utf8proc_map((const utf8proc_uint8_t *)c->text[i], (utf8proc_ssize_t)c->len[i],
		                 &out, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		                           UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
		if (r < 0) {
			fprintf(stderr, "bench_normalize: utf8proc_map: %s\n", utf8proc_errmsg(r));
			exit(1);
		}
		sink += (size_t)r;
		free(out);
	}
	return now_s() - t0;
}

static double time_tolower(const corpus *c, char *buf)
{
	double t0 = now_s();

	for (size_t i = 0; i < c->n; i++) {
		const char *s = c->text[i];
		size_t l = c->len[i];
		for (size_t k = 0; k < l; k++) {
			char ch = s[k];
			buf[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
		}
		buf[l] = '\0';
		sink += (unsigned char)buf[l / 2];
	}
	return now_s() - t0;
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

/* Checked pass: folded == utf8proc_map where they must agree. */
static size_t check_corpus(const corpus *c, hs_norm *nm, size_t *checked)
{
	size_t bad = 0;

	*checked = 0;
	for (size_t i = 0; i < c->n; i++) {
		utf8proc_uint8_t *ref = NULL;
		utf8proc_ssize_t r;
		size_t fl;
		const char *f;

		if (hs_norm_run(nm, c->text[i], c->len[i]) != 0)
			return c->n;
		if (hs_norm_masked(nm) || strstr(c->text[i], "\u200D") || strstr(c->text[i], "\uFE0F"))
			continue;
		r = utf8proc_map((const utf8proc_uint8_t *)c->text[i], (utf8proc_ssize_t)c->len[i],
		                 &ref, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		                           UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
		f = hs_norm_folded(nm, &fl);
		if (r < 0 || (size_t)r != fl || memcmp(f, ref, fl) != 0) {
			if (bad++ < 3)
				fprintf(stderr, "bench_normalize: post %zu: folded \"%s\" != \"%s\"\n", i, f,
				        ref ? (const char *)ref : "(error)");
		}
		(*checked)++;
		free(ref);
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "posts", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	size_t nposts = 100000, maxlen = 0, checked, bad;
	unsigned rounds = 7;
	corpus c = { 0 };
	buf_t b = { 0 };
	hs_norm *nm = hs_norm_new();
	double *tn, *tu, *tl, mn, mu, ml, mb;
	char *lowbuf;
	int opt;

	while ((opt = getopt_long(argc, argv, "n:r:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			nposts = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [--posts N] [--rounds R]\n", argv[0]);
			return 2;
		}
	}
	if (nposts == 0 || rounds == 0 || !nm) {
		fprintf(stderr, "usage: %s [--posts N] [--rounds R]\n", argv[0]);
		return 2;
	}
	c.text = calloc(nposts, sizeof(*c.text));
	c.len = calloc(nposts, sizeof(*c.len));
	tn = calloc(rounds, sizeof(*tn));
	tu = calloc(rounds, sizeof(*tu));
	tl = calloc(rounds, sizeof(*tl));
	if (!c.text || !c.len || !tn || !tu || !tl) {
		fprintf(stderr, "bench_normalize: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nposts; i++) {
		make_post(&b);
		c.text[i] = strdup(b.p);
		if (!c.text[i]) {
			fprintf(stderr, "bench_normalize: out of memory\n");
			return 1;
		}
		c.len[i] = b.len;
		c.bytes += b.len;
		if (b.len > maxlen)
			maxlen = b.len;
	}
	c.n = nposts;
	free(b.p);
	lowbuf = malloc(maxlen + 1);
	if (!lowbuf)
		return 1;

	printf("corpus: %zu posts, %zu bytes (%.0f bytes/post, longest %zu)\n", c.n, c.bytes,
	       (double)c.bytes / (double)c.n, maxlen);
	{
		size_t shown = 0;
		for (size_t i = 0; i < c.n && shown < 2; i++) {
			if (!strchr(c.text[i], '@') && !strstr(c.text[i], "h4te"))
				continue;
			hs_norm_run(nm, c.text[i], c.len[i]);
			printf("example: %s\n  folded: %s\n  plain:  %s\n  terms: %s\n", c.text[i],
			       hs_norm_folded(nm, NULL), hs_norm_plain(nm, NULL), hs_norm_terms(nm, NULL));
			shown++;
		}
	}
	bad = check_corpus(&c, nm, &checked);
	printf("check: folded == utf8proc_map on %zu of %zu posts (the others mask a URL or "
	       "mention, or keep an emoji joiner): %zu differ\n",
	       checked, c.n, bad);
	if (bad) {
		printf("bench_normalize: status=fail differences=%zu\n", bad);
		return 1;
	}
	/* warm-up */
	time_norm(&c, nm);
	time_utf8proc(&c);
	time_tolower(&c, lowbuf);
	for (unsigned r = 0; r < rounds; r++) {
		tn[r] = time_norm(&c, nm);
		tu[r] = time_utf8proc(&c);
		tl[r] = time_tolower(&c, lowbuf);
	}
	mn = median(tn, rounds);
	mu = median(tu, rounds);
	ml = median(tl, rounds);
	mb = (double)c.bytes / 1e6;
	printf("%-42s %12s %10s %10s\n", "median of rounds (CPU time, one core)", "posts/s", "MB/s", "ns/post");
	printf("%-42s %12.0f %10.1f %10.0f\n", "hs_norm_run (folded + plain + terms)", (double)c.n / mn,
	       mb / mn, mn * 1e9 / (double)c.n);
	printf("%-42s %12.0f %10.1f %10.0f\n", "utf8proc_map NFKC_Casefold + free", (double)c.n / mu,
	       mb / mu, mu * 1e9 / (double)c.n);
	printf("%-42s %12.0f %10.1f %10.0f\n", "ASCII tolower loop", (double)c.n / ml, mb / ml,
	       ml * 1e9 / (double)c.n);
	printf("hs_norm_run / utf8proc_map time: %.2f\n", mn / mu);
	printf("bench_normalize: status=ok posts=%zu bytes=%zu norm_posts_per_s=%.0f "
	       "norm_mb_per_s=%.1f utf8proc_posts_per_s=%.0f utf8proc_mb_per_s=%.1f "
	       "tolower_posts_per_s=%.0f tolower_mb_per_s=%.1f sink=%zu\n",
	       c.n, c.bytes, (double)c.n / mn, mb / mn, (double)c.n / mu, mb / mu,
	       (double)c.n / ml, mb / ml, sink % 10);

	for (size_t i = 0; i < c.n; i++)
		free(c.text[i]);
	free(c.text);
	free(c.len);
	free(tn);
	free(tu);
	free(tl);
	free(lowbuf);
	hs_norm_free(nm);
	return 0;
}
