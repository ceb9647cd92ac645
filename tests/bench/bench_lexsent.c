/* bench_lexsent: how fast lexicon sentiment (rules/lexsent*.c) scores
 * short Dutch and French posts, and how fast language identification
 * (rules/langid.c) labels short posts, on one core, beside a baseline
 * timed in the same run on the same posts:
 *   tokenise  an ASCII-lowercasing copy of each post into a reused buffer
 *             and a count of its space-separated words: the least any
 *             scorer must do (no Unicode, no lookups)
 *
 * Generates N posts per language (default 100000) in memory with a
 * fixed-seed PRNG (the same bytes on every machine): 8 to 40 tokens of
 * Dutch or French (function words, words of the lexicon with and without
 * accents, modifiers, negations, unknown words), some capitalised, with
 * punctuation, "!" runs, and in some posts an emoji, an emoticon, a URL, an
 * @mention, a hashtag or an elided article. The langid set mixes English,
 * Dutch, French and German posts (and some in other languages).
 * Then R rounds (default 7), each one pass of every measurement over all
 * posts, interleaved; the median round of each is printed, in CPU time of
 * the process. A checked pass first makes sure every post scores (an
 * error exits 1); slowness never fails it.
 *
 *   bench_lexsent [--posts N] [--rounds R] [--srcdir DIR]
 *
 * DIR holds rules/lexicons (default: HS_SRCDIR if compiled in, else ".").
 * Build it without sanitizers for figures worth quoting, e.g.
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -I. -Iinclude -DHS_SRCDIR='"'$PWD'"' \
 *       tests/bench/bench_lexsent.c rules/lexsent.c rules/lexsent_text.c \
 *       rules/langid.c daemon/errors.c -lutf8proc -o /tmp/bench_lexsent
 *
 * The last line of stdout is machine-readable:
 *   bench_lexsent: status=ok posts=... nl_posts_per_s=... ...
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearsay/errors.h"
#include "rules/langid.h"
#include "rules/lexsent.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* ---- deterministic randomness -------------------------------------------------------- */

static uint64_t seed = 0x6c657873656e74ULL; /* "lexsent" */

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

/* ---- vocabulary ----------------------------------------------------------------------- */

#define N_OF(a) (sizeof(a) / sizeof(a[0]))

static const char *const nl_words[] = {
	"de", "het", "een", "van", "en", "in", "op", "voor", "met", "is", "was", "dat", "die",
	"er", "ze", "we", "ik", "je", "bij", "naar", "gemeente", "politie", "brug", "markt",
	"bewoners", "burgemeester", "vanavond", "gisteren", "straat", "school", "azc", "buurt",
	"goed", "slecht", "mooi", "schandalig", "gevaarlijk", "rustig", "boos", "bang", "triest",
	"prima", "vreselijk", "schandalige", "gevaarlijke", "boze", "goede", "slechte",
	"erg", "heel", "echt", "zeer", "super", "niet", "geen", "nooit", "eng", "idee\xc3\xabn",
	"co\xc3\xb6peratie", "zo\xe2\x80\x99n", "Belgi\xc3\xab",
};
static const char *const fr_words[] = {
	"le", "la", "les", "un", "une", "de", "des", "du", "et", "est", "sont", "dans", "sur",
	"pour", "avec", "il", "elle", "ils", "on", "nous", "mairie", "police", "pont", "march\xc3\xa9",
	"habitants", "maire", "ce", "soir", "hier", "rue", "\xc3\xa9" "cole", "quartier",
	"bon", "mauvais", "g\xc3\xa9nial", "genial", "scandaleux", "dangereux", "calme",
	"terrible", "honteux", "nul", "catastrophe", "d\xc3\xa9sastre", "horreur", "super",
	"tr\xc3\xa8s", "tres", "vraiment", "trop", "peu", "ne", "pas", "jamais", "rien",
	"sans", "aucun", "pr\xc3\xa9" "caire", "precaire",
};
static const char *const fr_elided[] = {
	"l'\xc3\xa9" "cole", "l\xe2\x80\x99horreur", "c'est", "n'est", "qu'il", "d'accord",
	"j'ai", "l'h\xc3\xb4pital",
};
static const char *const extras[] = {
	"!", "!!!", ",", ".", "?", ":)", ":-(", "\xf0\x9f\x98\xa1", "\xf0\x9f\x91\x8d",
	"\xe2\x9d\xa4\xef\xb8\x8f", "https://example.org/nieuws/123", "@gemeente", "#stopdebrug",
	"14:30", "2026",
};

/* Texts for langid: one sentence per language, mixed and cut. */
static const char *const lid_texts[] = {
	"Anyone know why there are so many police cars outside the station tonight?",
	"The council says the bridge will stay closed until Friday after the flooding",
	"Weet iemand waarom er zoveel politie bij het station staat vanavond?",
	"De gemeente zegt dat de brug tot vrijdag dicht blijft na de overstroming",
	"Quelqu'un sait pourquoi il y a autant de voitures de police devant la gare ce soir ?",
	"La mairie dit que le pont restera ferm\xc3\xa9 jusqu'\xc3\xa0 vendredi apr\xc3\xa8s la crue",
	"Wei\xc3\x9f jemand, warum heute Abend so viele Polizeiautos vor dem Bahnhof stehen?",
	"Die Stadt sagt, dass die Br\xc3\xbc" "cke bis Freitag gesperrt bleibt",
	"El ayuntamiento dice que el puente seguir\xc3\xa1 cerrado hasta el viernes",
	"\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d https://example.org/x @someone",
};

/* ---- corpus --------------------------------------------------------------------------- */

typedef struct corpus {
	char *bytes;
	size_t *off, *len;
	size_t n, total;
} corpus;

static void cat(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 >= cap)
		return;
	if (*len > 0)
		buf[(*len)++] = ' ';
	memcpy(buf + *len, s, n);
	*len += n;
}

static int corpus_make(corpus *c, size_t n, int kind /* 0 nl, 1 fr, 2 langid */)
{
	size_t cap = n * 400;

	c->bytes = malloc(cap);
	c->off = malloc(n * sizeof(*c->off));
	c->len = malloc(n * sizeof(*c->len));
	if (!c->bytes || !c->off || !c->len)
		return -1;
	c->n = n;
	c->total = 0;
	for (size_t i = 0; i < n; i++) {
		char post[512];
		size_t pl = 0;
		if (kind == 2) {
			const char *t = lid_texts[below(N_OF(lid_texts))];
			size_t tl = strlen(t);
			memcpy(post, t, tl);
			pl = tl;
			if (chance(30)) { /* cut it short, on a character boundary */
				pl = 20 + below((unsigned)(tl - 19));
				while (pl < tl && ((unsigned char)post[pl] & 0xC0) == 0x80)
					pl++;
			}
		} else {
			unsigned words = 8 + below(33);
			for (unsigned w = 0; w < words; w++) {
				const char *tok;
				char tmp[96];
				if (chance(8))
					tok = extras[below(N_OF(extras))];
				else if (kind == 1 && chance(8))
					tok = fr_elided[below(N_OF(fr_elided))];
				else if (kind == 0)
					tok = nl_words[below(N_OF(nl_words))];
				else
					tok = fr_words[below(N_OF(fr_words))];
				if (chance(10) && tok[0] >= 'a' && tok[0] <= 'z') {
					snprintf(tmp, sizeof(tmp), "%c%s", tok[0] - 32, tok + 1);
					tok = tmp;
				}
				cat(post, sizeof(post), &pl, tok);
			}
		}
		memcpy(c->bytes + c->total, post, pl);
		c->off[i] = c->total;
		c->len[i] = pl;
		c->total += pl;
	}
	return 0;
}

static void corpus_free(corpus *c)
{
	free(c->bytes);
	free(c->off);
	free(c->len);
}

/* ---- timing --------------------------------------------------------------------------- */

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static volatile double sink_d;
static volatile size_t sink_z;

static double run_tokenise(const corpus *c, char *buf)
{
	double t0 = cpu_now();
	size_t words = 0;

	for (size_t i = 0; i < c->n; i++) {
		const char *p = c->bytes + c->off[i];
		size_t len = c->len[i];
		bool in = false;
		for (size_t k = 0; k < len; k++) {
			unsigned char ch = (unsigned char)p[k];
			buf[k] = (char)((unsigned)(ch - 'A') < 26u ? ch + 32 : ch);
			if (ch == ' ') {
				in = false;
			} else if (!in) {
				in = true;
				words++;
			}
		}
		sink_z = buf[len ? len - 1 : 0];
	}
	sink_z = words;
	return cpu_now() - t0;
}

static double run_score(const corpus *c, const hs_lexsent *lx, hs_lexsent_scratch *sc)
{
	double t0 = cpu_now(), acc = 0;

	for (size_t i = 0; i < c->n; i++) {
		hs_sentiment r;
		hs_lexsent_score(lx, sc, c->bytes + c->off[i], c->len[i], &r);
		acc += r.compound;
	}
	sink_d = acc;
	return cpu_now() - t0;
}

static double run_langid(const corpus *c, const hs_langid *li)
{
	double t0 = cpu_now();
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += hs_langid_detect(li, c->bytes + c->off[i], c->len[i])[0] == 'u';
	sink_z = n;
	return cpu_now() - t0;
}

static hs_lexsent *load(const char *srcdir, const char *lang)
{
	char path[1024];
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx;

	snprintf(path, sizeof(path), "%s/rules/lexicons/%s/sentiment.lex", srcdir, lang);
	lx = hs_lexsent_load(path, &e);
	if (!lx) {
		char *msg = hs_errs_join(&e);
		fprintf(stderr, "bench_lexsent: %s\n", msg ? msg : path);
		free(msg);
	}
	hs_errs_clear(&e);
	return lx;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "posts", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "srcdir", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	size_t n = 100000, rounds = 7;
	const char *srcdir = HS_SRCDIR;
	corpus cn = { 0 }, cf = { 0 }, cl = { 0 };
	hs_lexsent *nl = NULL, *fr = NULL;
	hs_lexsent_scratch *sc = NULL;
	hs_langid *li = NULL;
	char *buf = NULL;
	double *t_tok = NULL, *t_nl = NULL, *t_fr = NULL, *t_lid = NULL, *t_tok_l = NULL;
	size_t unk = 0;
	int opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "n:r:s:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		case 's':
			srcdir = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [--posts N] [--rounds R] [--srcdir DIR]\n", argv[0]);
			return 2;
		}
	}
	if (optind != argc || n == 0 || n > 10000000 || rounds == 0 || rounds > 101) {
		fprintf(stderr, "usage: %s [--posts N (1..10000000)] [--rounds R (1..101)] "
		                "[--srcdir DIR]\n",
		        argv[0]);
		return 2;
	}
	nl = load(srcdir, "nl");
	fr = load(srcdir, "fr");
	sc = hs_lexsent_scratch_new();
	li = hs_langid_new();
	buf = malloc(1024);
	t_tok = calloc(rounds, sizeof(double));
	t_nl = calloc(rounds, sizeof(double));
	t_fr = calloc(rounds, sizeof(double));
	t_lid = calloc(rounds, sizeof(double));
	t_tok_l = calloc(rounds, sizeof(double));
	if (!nl || !fr || !sc || !li || !buf || !t_tok || !t_nl || !t_fr || !t_lid || !t_tok_l)
		goto done;
	if (corpus_make(&cn, n, 0) || corpus_make(&cf, n, 1) || corpus_make(&cl, n, 2))
		goto done;

	/* checked pass */
	for (size_t i = 0; i < n; i++) {
		hs_sentiment r;
		if (hs_lexsent_score(nl, sc, cn.bytes + cn.off[i], cn.len[i], &r) < 0 ||
		    hs_lexsent_score(fr, sc, cf.bytes + cf.off[i], cf.len[i], &r) < 0) {
			fprintf(stderr, "bench_lexsent: post %zu failed to score\n", i);
			goto done;
		}
		unk += strcmp(hs_langid_detect(li, cl.bytes + cl.off[i], cl.len[i]), "unknown") == 0;
	}

	for (size_t r = 0; r < rounds; r++) {
		t_tok[r] = run_tokenise(&cn, buf) + run_tokenise(&cf, buf);
		t_nl[r] = run_score(&cn, nl, sc);
		t_fr[r] = run_score(&cf, fr, sc);
		t_tok_l[r] = run_tokenise(&cl, buf);
		t_lid[r] = run_langid(&cl, li);
	}
	{
		double tok = median(t_tok, rounds) / 2, tn = median(t_nl, rounds),
		       tf = median(t_fr, rounds), tl = median(t_lid, rounds),
		       tkl = median(t_tok_l, rounds);
		double avg_nl = (double)cn.total / (double)n, avg_fr = (double)cf.total / (double)n,
		       avg_l = (double)cl.total / (double)n;
		printf("bench_lexsent: %zu posts per set, %zu rounds, median CPU time per round\n", n,
		       rounds);
		printf("  %-26s %12s %10s %8s\n", "", "posts/s", "MB/s", "x base");
		printf("  %-26s %12.0f %10.1f %8s\n", "tokenise (baseline, nl+fr)", (double)n / tok,
		       (double)(cn.total + cf.total) / 2 / tok / 1e6, "1.0");
		printf("  %-26s %12.0f %10.1f %8.1f   (%.0f bytes/post)\n", "score nl", (double)n / tn,
		       (double)cn.total / tn / 1e6, tn / tok, avg_nl);
		printf("  %-26s %12.0f %10.1f %8.1f   (%.0f bytes/post)\n", "score fr", (double)n / tf,
		       (double)cf.total / tf / 1e6, tf / tok, avg_fr);
		printf("  %-26s %12.0f %10.1f %8s\n", "tokenise (baseline, mix)", (double)n / tkl,
		       (double)cl.total / tkl / 1e6, "1.0");
		printf("  %-26s %12.0f %10.1f %8.1f   (%.0f bytes/post, %.1f%% unknown)\n",
		       "langid", (double)n / tl, (double)cl.total / tl / 1e6, tl / tkl, avg_l,
		       100.0 * (double)unk / (double)n);
		printf("bench_lexsent: status=ok posts=%zu rounds=%zu tokenise_posts_per_s=%.0f "
		       "nl_posts_per_s=%.0f fr_posts_per_s=%.0f langid_posts_per_s=%.0f "
		       "langid_tokenise_posts_per_s=%.0f\n",
		       n, rounds, (double)n / tok, (double)n / tn, (double)n / tf, (double)n / tl,
		       (double)n / tkl);
	}
	rc = 0;
done:
	if (rc)
		printf("bench_lexsent: status=error\n");
	corpus_free(&cn);
	corpus_free(&cf);
	corpus_free(&cl);
	free(buf);
	free(t_tok);
	free(t_nl);
	free(t_fr);
	free(t_lid);
	free(t_tok_l);
	hs_langid_free(li);
	hs_lexsent_scratch_free(sc);
	hs_lexsent_free(nl);
	hs_lexsent_free(fr);
	return rc;
}
