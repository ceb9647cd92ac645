/* hearsay: unit tests for English VADER sentiment (rules/vader*.c).
 *
 * The main test scores the 3,000 sentences of
 * tests/fixtures/sentiment/vader_golden.tsv (scored by the reference Python
 * implementation, see the README there) and requires every one of the four
 * numbers to be exactly equal (as doubles) to the reference's. The others
 * check the loaders' error reports, texts that must not break anything
 * (empty, only emoji, only URLs, only punctuation, invalid UTF-8, NUL bytes,
 * 1 MB), the "but" weighting against a literal transcription of the
 * reference's list procedure, Python's round(), and scoring from several
 * threads at once.
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "hearsay/errors.h"
#include "rules/vader.h"
#include "rules/vader_internal.h"

#ifndef HS_SRCDIR
#error "HS_SRCDIR must be defined (absolute path of the source tree)"
#endif

#define LEXICON HS_SRCDIR "/rules/lexicons/en/vader_lexicon.txt"
#define EMOJI HS_SRCDIR "/rules/lexicons/en/emoji_utf8_lexicon.txt"
#define GOLDEN HS_SRCDIR "/tests/fixtures/sentiment/vader_golden.tsv"

/* ---- helpers ------------------------------------------------------------------------ */

static hs_vader *load_default(void)
{
	hs_errs errs = HS_ERRS_INIT;
	hs_vader *v = hs_vader_load(LEXICON, EMOJI, &errs);
	char *msg = hs_errs_join(&errs);

	ck_assert_msg(v != NULL, "loading the lexicons failed: %s", msg ? msg : "?");
	ck_assert_uint_eq(hs_errs_count(&errs), 0);
	free(msg);
	hs_errs_clear(&errs);
	return v;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int score(const hs_vader *v, hs_vader_scratch *s, const char *text, hs_sentiment *r)
{
	return hs_vader_score(v, s, text, strlen(text), r);
}

static bool same(const hs_sentiment *a, const hs_sentiment *b)
{
	return a->neg == b->neg && a->neu == b->neu && a->pos == b->pos &&
	       a->compound == b->compound;
}

static bool sane(const hs_sentiment *r)
{
	return isfinite(r->neg) && isfinite(r->neu) && isfinite(r->pos) &&
	       isfinite(r->compound) && r->neg >= 0 && r->neg <= 1 && r->neu >= 0 &&
	       r->neu <= 1 && r->pos >= 0 && r->pos <= 1 && r->compound >= -1 &&
	       r->compound <= 1;
}

/* ---- the golden file -------------------------------------------------------------- */

typedef struct golden_row {
	hs_sentiment want;
	const char *text; /* points into the file buffer */
	size_t len;
} golden_row;

/* Parse vader_golden.tsv (neg neu pos compound sentence, tab-separated)
 * into rows; buf is modified (the sentences are cut out of it). */
static golden_row *parse_golden(char *buf, size_t len, size_t *n_rows)
{
	size_t cap = 4096, n = 0;
	golden_row *rows = malloc(cap * sizeof(*rows));
	char *p = buf, *end = buf + len;

	ck_assert_ptr_nonnull(rows);
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		double f[4];
		char *q = p;

		if (le == p) {
			p = le + 1;
			continue;
		}
		for (int k = 0; k < 4; k++) {
			char *e;
			f[k] = strtod(q, &e);
			ck_assert_msg(e != q && *e == '\t', "golden row %zu: bad number", n + 1);
			q = e + 1;
		}
		ck_assert_int_lt(n, cap);
		rows[n].want = (hs_sentiment){ f[0], f[1], f[2], f[3] };
		rows[n].text = q;
		rows[n].len = (size_t)(le - q);
		*le = '\0';
		n++;
		p = le + 1;
	}
	*n_rows = n;
	return rows;
}

START_TEST(test_golden)
{
	hs_vader *v = load_default();
	hs_vader_scratch *s = hs_vader_scratch_new();
	size_t len, n, bad = 0;
	char *buf = slurp(GOLDEN, &len);
	golden_row *rows = parse_golden(buf, len, &n);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(n, 3000);
	for (size_t i = 0; i < n; i++) {
		hs_sentiment got;
		int rc = hs_vader_score(v, s, rows[i].text, rows[i].len, &got);
		if (rc != HS_VADER_ERROR && same(&got, &rows[i].want))
			continue;
		if (++bad <= 50)
			fprintf(stderr,
			        "golden row %zu: %s\n"
			        "  expected neg=%.17g neu=%.17g pos=%.17g compound=%.17g\n"
			        "  got      neg=%.17g neu=%.17g pos=%.17g compound=%.17g (rc %d)\n",
			        i + 1, rows[i].text, rows[i].want.neg, rows[i].want.neu,
			        rows[i].want.pos, rows[i].want.compound, got.neg, got.neu, got.pos,
			        got.compound, rc);
	}
	ck_assert_msg(bad == 0, "%zu of %zu golden rows differ (first 50 on stderr)", bad, n);
	free(rows);
	free(buf);
	hs_vader_scratch_free(s);
	hs_vader_free(v);
}
END_TEST

/* The same rows from 4 threads at once, each with its own scratch, in
 * different orders: the same results. */
typedef struct thread_arg {
	const hs_vader *v;
	const golden_row *rows;
	size_t n;
	size_t start;
	size_t bad;
} thread_arg;

static void *thread_main(void *ud)
{
	thread_arg *a = ud;
	hs_vader_scratch *s = hs_vader_scratch_new();

	if (!s) {
		a->bad = a->n;
		return NULL;
	}
	for (size_t round = 0; round < 3; round++)
		for (size_t k = 0; k < a->n; k++) {
			size_t i = (a->start + k * 7) % a->n;
			hs_sentiment got;
			if (hs_vader_score(a->v, s, a->rows[i].text, a->rows[i].len, &got) ==
			            HS_VADER_ERROR ||
			    !same(&got, &a->rows[i].want))
				a->bad++;
		}
	hs_vader_scratch_free(s);
	return NULL;
}

START_TEST(test_threads)
{
	hs_vader *v = load_default();
	size_t len, n;
	char *buf = slurp(GOLDEN, &len);
	golden_row *rows = parse_golden(buf, len, &n);
	pthread_t th[4];
	thread_arg args[4];

	for (size_t t = 0; t < 4; t++) {
		args[t] = (thread_arg){ v, rows, n, t * 611, 0 };
		ck_assert_int_eq(pthread_create(&th[t], NULL, thread_main, &args[t]), 0);
	}
	for (size_t t = 0; t < 4; t++) {
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
		ck_assert_uint_eq(args[t].bad, 0);
	}
	free(rows);
	free(buf);
	hs_vader_free(v);
}
END_TEST

/* ---- loading -------------------------------------------------------------------------- */

START_TEST(test_load_default)
{
	hs_vader *v = load_default();
	double val = 0;

	ck_assert_uint_eq(hs_vader_lexicon_size(v), 7506); /* 7520 lines, 14 repeated */
	ck_assert_uint_eq(hs_vader_emoji_size(v), 1212);   /* one code point each */
	ck_assert_int_eq(hs_vader_lookup(v, "good", 4, &val), 1);
	ck_assert(val == 1.9);
	ck_assert_int_eq(hs_vader_lookup(v, "GooD", 4, &val), 1); /* lowercased */
	ck_assert(val == 1.9);
	ck_assert_int_eq(hs_vader_lookup(v, "fav", 3, &val), 1); /* later line wins */
	ck_assert(val == 2.0);
	ck_assert_int_eq(hs_vader_lookup(v, "\xE2\x84\xAAiss", 6, &val), 1); /* KELVIN SIGN */
	ck_assert_int_eq(hs_vader_lookup(v, ":\xC3\x9E", 3, &val), 0); /* ":Þ" -> ":þ" */
	ck_assert_int_eq(hs_vader_lookup(v, "can't stand", 11, &val), 1);
	ck_assert_int_eq(hs_vader_lookup(v, "mosque", 6, &val), 0);
	ck_assert_int_eq(hs_vader_lookup(v, "but", 3, &val), 0); /* a rule word only */
	ck_assert_int_eq(hs_vader_lookup(v, "", 0, &val), 0);
	ck_assert_int_eq(hs_vader_lookup(NULL, "good", 4, &val), 0);
	ck_assert_uint_eq(hs_vader_lexicon_size(NULL), 0);
	ck_assert_uint_eq(hs_vader_emoji_size(NULL), 0);
	hs_vader_free(v);
	hs_vader_free(NULL);
}
END_TEST

static void expect_errors(const char *lex, const char *emoji, const char *const *want,
                          size_t n_want)
{
	hs_errs errs = HS_ERRS_INIT;
	hs_vader *v = hs_vader_load_mem(lex, strlen(lex), "lex.txt", emoji,
	                                emoji ? strlen(emoji) : 0, "emoji.txt", &errs);
	char *all = hs_errs_join(&errs);

	ck_assert_msg(v == NULL, "a bad lexicon loaded");
	ck_assert_msg(errs.n == n_want, "%zu errors, want %zu:\n%s", errs.n, n_want,
	              all ? all : "");
	for (size_t i = 0; i < n_want; i++)
		ck_assert_msg(strcmp(errs.msgs[i], want[i]) == 0, "error %zu: got '%s', want '%s'",
		              i, errs.msgs[i], want[i]);
	free(all);
	hs_errs_clear(&errs);
}

START_TEST(test_load_errors)
{
	static const char lex[] = "good\t1.9\t0.5\t[1, 2]\n"
	                          "missingtab 1.0\n"
	                          "word\tabc\n"
	                          "big\t4.5\n"
	                          "\t1.0\n"
	                          "\n"
	                          "   \r\n"
	                          "bad\xff\t1.0\n"
	                          "small\t-4.01\n"
	                          "edge\t-4\n"
	                          "nan\tnan\n"
	                          "empty\t\tx\n"
	                          "sci\t1e-1\r\n"
	                          "last\t1.0x";
	static const char *const want[] = {
		"lex.txt:2: missing tab between token and valence",
		"lex.txt:3: valence 'abc' is not a number",
		"lex.txt:4: valence 4.5 is out of range -4..4",
		"lex.txt:5: empty token",
		"lex.txt:8: invalid UTF-8 or NUL byte",
		"lex.txt:9: valence -4.01 is out of range -4..4",
		"lex.txt:11: valence 'nan' is not a number",
		"lex.txt:12: valence '' is not a number",
		"lex.txt:14: valence '1.0x' is not a number",
	};
	expect_errors(lex, NULL, want, sizeof(want) / sizeof(want[0]));

	static const char emo[] = "\xF0\x9F\x98\x80\tgrinning face\n"
	                          "\xF0\x9F\x98\x81\n"
	                          "\tno emoji\n"
	                          "\xF0\x9F\x98\x82\t\tthird\n"
	                          "\xF0\x9F\x98\x83\t\n"
	                          "\xF0\x9F\x98\tbroken\n";
	static const char *const want2[] = {
		"emoji.txt:2: missing tab between emoji and description",
		"emoji.txt:3: empty emoji",
		"emoji.txt:4: empty description",
		"emoji.txt:5: missing tab between emoji and description",
		"emoji.txt:6: invalid UTF-8 or NUL byte",
	};
	expect_errors("good\t1.9\n", emo, want2, sizeof(want2) / sizeof(want2[0]));

	/* a token of 256 bytes (255 is fine) */
	{
		hs_errs errs = HS_ERRS_INIT;
		char big[600];
		memset(big, 'a', 255);
		memcpy(big + 255, "\t1\n", 3);
		memset(big + 258, 'b', 256);
		memcpy(big + 514, "\t1\n", 3);
		hs_vader *v = hs_vader_load_mem(big, 517, "big.txt", NULL, 0, NULL, &errs);
		ck_assert_ptr_null(v);
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_str_eq(errs.msgs[0], "big.txt:2: token longer than 255 bytes");
		hs_errs_clear(&errs);
		v = hs_vader_load_mem(big, 258, "big.txt", NULL, 0, NULL, &errs);
		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(hs_vader_lookup(v, big, 255, NULL), 1);
		hs_vader_free(v);
	}

	/* a NUL byte in a line */
	{
		hs_errs errs = HS_ERRS_INIT;
		static const char nul[] = "ok\t1\nn\0l\t1\n";
		hs_vader *v = hs_vader_load_mem(nul, sizeof(nul) - 1, "nul.txt", NULL, 0, NULL,
		                                &errs);
		ck_assert_ptr_null(v);
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_str_eq(errs.msgs[0], "nul.txt:2: invalid UTF-8 or NUL byte");
		hs_errs_clear(&errs);
	}
}
END_TEST

START_TEST(test_load_files)
{
	char dir[] = "/tmp/hs_test_vader.XXXXXX";
	char lexp[64], emop[64], missing[64];
	hs_errs errs = HS_ERRS_INIT;
	FILE *f;
	hs_vader *v;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(lexp, sizeof(lexp), "%s/lex.txt", dir);
	snprintf(emop, sizeof(emop), "%s/emoji.txt", dir);
	snprintf(missing, sizeof(missing), "%s/none.txt", dir);
	f = fopen(lexp, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("happy\t2.7\nsad\t-2.1\nbroken line\n", f);
	fclose(f);
	f = fopen(emop, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("\xF0\x9F\x98\x80\thappy face\n", f);
	fclose(f);

	v = hs_vader_load(lexp, emop, &errs);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(errs.n, 1);
	{
		char want[128];
		snprintf(want, sizeof(want), "%s:3: missing tab between token and valence", lexp);
		ck_assert_str_eq(errs.msgs[0], want);
	}
	hs_errs_clear(&errs);

	v = hs_vader_load(missing, NULL, &errs);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_ptr_nonnull(strstr(errs.msgs[0], "none.txt: cannot open: "));
	hs_errs_clear(&errs);

	f = fopen(lexp, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("happy\t2.7\nsad\t-2.1\n", f);
	fclose(f);
	v = hs_vader_load(lexp, emop, &errs);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(hs_errs_count(&errs), 0);
	{
		hs_vader_scratch *s = hs_vader_scratch_new();
		hs_sentiment a, b;
		ck_assert_int_eq(score(v, s, "\xF0\x9F\x98\x80", &a), HS_VADER_OK);
		ck_assert_int_eq(score(v, s, "happy face", &b), HS_VADER_OK);
		ck_assert(same(&a, &b));
		ck_assert(a.pos > 0);
		hs_vader_scratch_free(s);
	}
	hs_vader_free(v);
	/* without an emoji lexicon nothing is replaced */
	v = hs_vader_load(lexp, NULL, &errs);
	ck_assert_ptr_nonnull(v);
	{
		hs_vader_scratch *s = hs_vader_scratch_new();
		hs_sentiment a;
		ck_assert_int_eq(score(v, s, "\xF0\x9F\x98\x80", &a), HS_VADER_OK);
		ck_assert(a.neu == 1.0 && a.compound == 0.0);
		hs_vader_scratch_free(s);
	}
	hs_vader_free(v);
	ck_assert_ptr_null(hs_vader_load(NULL, NULL, &errs));
	hs_errs_clear(&errs);
	unlink(lexp);
	unlink(emop);
	rmdir(dir);
}
END_TEST

/* ---- texts that must not break anything ---------------------------------------------- */

START_TEST(test_edge_texts)
{
	hs_vader *v = load_default();
	hs_vader_scratch *s = hs_vader_scratch_new();
	hs_sentiment r, r2;
	static const hs_sentiment zero = { 0, 0, 0, 0 }, neutral = { 0, 1, 0, 0 };

	/* no words: the reference's 0, 0, 0, 0 */
	ck_assert_int_eq(hs_vader_score(v, s, NULL, 0, &r), HS_VADER_NO_WORDS);
	ck_assert(same(&r, &zero));
	ck_assert_int_eq(score(v, s, "", &r), HS_VADER_NO_WORDS);
	ck_assert(same(&r, &zero));
	ck_assert_int_eq(score(v, s, " \t\r\n\v\f\x1c\x1f", &r), HS_VADER_NO_WORDS);
	ck_assert(same(&r, &zero));
	/* U+00A0, U+2003, U+3000, U+0085 are whitespace to str.split() */
	ck_assert_int_eq(score(v, s, "\xC2\xA0\xE2\x80\x83\xE3\x80\x80\xC2\x85", &r),
	                 HS_VADER_NO_WORDS);
	ck_assert(same(&r, &zero));

	/* only punctuation, only URLs: neutral words */
	ck_assert_int_eq(score(v, s, "!!! ??? ... :-", &r), HS_VADER_OK);
	ck_assert(same(&r, &neutral));
	ck_assert_int_eq(score(v, s, "https://example.com/a?b=c http://x.org", &r),
	                 HS_VADER_OK);
	ck_assert(same(&r, &neutral));

	/* only emoji: scored as their descriptions */
	ck_assert_int_eq(score(v, s, "\xF0\x9F\x98\x80", &r), HS_VADER_OK); /* 😀 */
	ck_assert_int_eq(score(v, s, "grinning face", &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));
	ck_assert(r.compound > 0);
	ck_assert_int_eq(score(v, s, "\xF0\x9F\x98\xA2\xF0\x9F\x98\xA2", &r), HS_VADER_OK);
	ck_assert_int_eq(score(v, s, "crying face crying face", &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));
	ck_assert(r.compound < 0);
	/* the description is glued to what follows, as in the reference */
	ck_assert_int_eq(score(v, s, "\xF0\x9F\x98\x80sad", &r), HS_VADER_OK);
	ck_assert_int_eq(score(v, s, "grinning facesad", &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));
	/* a skin-tone modifier is an emoji of its own; ZWJ is not */
	ck_assert_int_eq(score(v, s, "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", &r), HS_VADER_OK);
	ck_assert_int_eq(score(v, s, "thumbs up medium skin tone", &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));

	/* invalid UTF-8: no crash, the bytes stay in their word */
	ck_assert_int_eq(score(v, s, "good \xff\xfe bad\x80 \xC3 \xED\xA0\x80 \xF4\x90\x80\x80",
	                       &r),
	                 HS_VADER_OK);
	ck_assert(sane(&r));
	ck_assert_int_eq(score(v, s, "good", &r2), HS_VADER_OK);
	ck_assert(r.pos > 0 && r.neg == 0); /* "bad\x80" is not "bad" */
	ck_assert_int_eq(score(v, s, "\xE2\x80", &r), HS_VADER_OK);
	ck_assert(same(&r, &neutral));

	/* NUL bytes are ordinary characters */
	{
		static const char t[] = "good\0bad great\0 \0 terrible";
		ck_assert_int_eq(hs_vader_score(v, s, t, sizeof(t) - 1, &r), HS_VADER_OK);
		ck_assert(sane(&r));
		static const char z[] = "\0\0\0";
		ck_assert_int_eq(hs_vader_score(v, s, z, sizeof(z) - 1, &r), HS_VADER_OK);
		ck_assert(same(&r, &neutral));
	}

	/* long runs of punctuation around a word (values from the reference) */
	{
		char t[1024];
		static const hs_sentiment w1 = { 0.0, 0.0, 1.0, 0.6209 },
		                          w2 = { 0.0, 0.179, 0.821, 0.6801 },
		                          w3 = { 0.778, 0.222, 0.0, -0.5423 };
		size_t n = 0;
		memcpy(t, "good", 4);
		memset(t + 4, '!', 300);
		ck_assert_int_eq(hs_vader_score(v, s, t, 304, &r), HS_VADER_OK);
		ck_assert(same(&r, &w1));
		memset(t, '(', 400);
		memcpy(t + 400, "GOOD", 4);
		memset(t + 404, '?', 300);
		memcpy(t + 704, " news", 5);
		ck_assert_int_eq(hs_vader_score(v, s, t, 709, &r), HS_VADER_OK);
		ck_assert(same(&r, &w2));
		memset(t, 'x', 300);
		n = 300;
		memcpy(t + n, " bad", 4);
		ck_assert_int_eq(hs_vader_score(v, s, t, n + 4, &r), HS_VADER_OK);
		ck_assert(same(&r, &w3));
	}

	/* bad arguments */
	ck_assert_int_eq(hs_vader_score(NULL, s, "good", 4, &r), HS_VADER_ERROR);
	ck_assert(same(&r, &zero));
	ck_assert_int_eq(hs_vader_score(v, NULL, "good", 4, &r), HS_VADER_ERROR);
	ck_assert_int_eq(hs_vader_score(v, s, NULL, 4, &r), HS_VADER_ERROR);
	ck_assert_int_eq(hs_vader_score(v, s, "good", 4, NULL), HS_VADER_ERROR);
	ck_assert_int_eq(hs_vader_score(v, s, "good", HS_VADER_MAX_TEXT + 1, &r),
	                 HS_VADER_ERROR);

	/* the scratch is reusable after all of that */
	ck_assert_int_eq(score(v, s, "The book was good.", &r), HS_VADER_OK);
	ck_assert_int_eq(score(v, s, "The book was good.", &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));
	hs_vader_scratch_free(s);
	hs_vader_scratch_free(NULL);
	hs_vader_free(v);
}
END_TEST

/* A 1 MB text of mixed words, emoji, caps, "but"s, punctuation and
 * invalid bytes, then a small one with the same scratch. */
START_TEST(test_large_text)
{
	static const char *const parts[] = {
		"good ", "BAD ", "but ", "not ", "very ", "kind of ", "never so ", ":) ",
		"\xF0\x9F\x98\x80 ", "\xF0\x9F\x98\xA2", "!!! ", "?? ", "the shit ",
		"without doubt ", "least ", "no ", "\xff ", "horrible, ", "HAPPY ", "x ",
	};
	size_t cap = (size_t)1 << 20, n = 0;
	char *t = malloc(cap);
	uint64_t rng = 42;
	hs_vader *v = load_default();
	hs_vader_scratch *s = hs_vader_scratch_new();
	hs_sentiment r, r2;

	ck_assert_ptr_nonnull(t);
	for (;;) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		const char *p = parts[rng % (sizeof(parts) / sizeof(parts[0]))];
		size_t pl = strlen(p);
		if (n + pl > cap)
			break;
		memcpy(t + n, p, pl);
		n += pl;
	}
	ck_assert_int_eq(hs_vader_score(v, s, t, n, &r), HS_VADER_OK);
	ck_assert(sane(&r));
	ck_assert_int_eq(hs_vader_score(v, s, t, n, &r2), HS_VADER_OK);
	ck_assert(same(&r, &r2));
	/* one huge word */
	memset(t, 'a', cap);
	ck_assert_int_eq(hs_vader_score(v, s, t, cap, &r), HS_VADER_OK);
	ck_assert(r.neu == 1.0);
	/* one "but" and a million equal valences: exercises hs_vader_but_weigh */
	for (size_t i = 0, w = 0; i + 5 <= cap; i += 5, w++)
		memcpy(t + i, w == 100000 ? "but  " : "good ", 5);
	ck_assert_int_eq(hs_vader_score(v, s, t, cap - cap % 5, &r), HS_VADER_OK);
	ck_assert(sane(&r) && r.compound > 0.99);
	ck_assert_int_eq(score(v, s, "bad", &r), HS_VADER_OK);
	ck_assert(r.neg == 1.0);
	free(t);
	hs_vader_scratch_free(s);
	hs_vader_free(v);
}
END_TEST

/* ---- "but" and rounding ---------------------------------------------------------------- */

/* The reference's _but_check, transcribed literally (O(n^2)). */
static void but_naive(double *sent, size_t n, size_t bi)
{
	for (size_t k = 0; k < n; k++) {
		double x = sent[k];
		size_t si = 0;
		while (sent[si] != x)
			si++;
		if (si < bi)
			sent[si] = x * 0.5;
		else if (si > bi)
			sent[si] = x * 1.5;
	}
}

START_TEST(test_but_weigh)
{
	static const double vals[] = { 0, 0, 0, 1, 2, 0.5, 1.5, 3, 4.5, 0.75, -1, -2, -0.5, 2.25 };
	hs_vader_scratch *s = hs_vader_scratch_new();
	uint64_t rng = 7;
	double a[64], b[64];

	ck_assert_ptr_nonnull(s);
	for (int round = 0; round < 20000; round++) {
		rng = rng * UINT64_C(6364136223846793005) + 1442695040888963407u;
		size_t n = 1 + (size_t)(rng >> 58); /* 1..64 */
		size_t bi = (size_t)(rng >> 20) % n;
		for (size_t i = 0; i < n; i++) {
			rng = rng * UINT64_C(6364136223846793005) + 1442695040888963407u;
			a[i] = b[i] = vals[(rng >> 33) % (sizeof(vals) / sizeof(vals[0]))];
		}
		but_naive(a, n, bi);
		ck_assert_int_eq(hs_vader_but_weigh(s, b, n, bi), 0);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(a[i] == b[i], "round %d, n %zu, but at %zu: [%zu] %g vs %g", round,
			              n, bi, i, a[i], b[i]);
	}
	hs_vader_scratch_free(s);
}
END_TEST

START_TEST(test_py_round)
{
	/* values from CPython 3.11's round() */
	ck_assert(hs_vader_py_round(0.0625, 3) == 0.062); /* exact tie: even */
	ck_assert(hs_vader_py_round(0.0635, 3) == 0.064); /* binary above the tie */
	ck_assert(hs_vader_py_round(2.675, 2) == 2.67);   /* binary below the tie */
	ck_assert(hs_vader_py_round(0.125, 2) == 0.12);
	ck_assert(hs_vader_py_round(0.375, 2) == 0.38);
	ck_assert(hs_vader_py_round(0.00005, 4) == 0.0001);
	ck_assert(hs_vader_py_round(0.00015, 4) == 0.0001);
	ck_assert(hs_vader_py_round(0.0005, 3) == 0.001);
	ck_assert(hs_vader_py_round(0.0015, 3) == 0.002);
	ck_assert(hs_vader_py_round(0.5, 0) == 0.0);
	ck_assert(hs_vader_py_round(1.5, 0) == 2.0);
	ck_assert(hs_vader_py_round(-0.6808, 4) == -0.6808);
	ck_assert(hs_vader_py_round(1.0, 4) == 1.0);
	double z = hs_vader_py_round(-0.00004, 4);
	ck_assert(z == 0.0 && signbit(z));
}
END_TEST

static Suite *vader_suite(void)
{
	Suite *s = suite_create("vader");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_load_default);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_load_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("score");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_edge_texts);
	tcase_add_test(tc, test_large_text);
	tcase_add_test(tc, test_but_weigh);
	tcase_add_test(tc, test_py_round);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
