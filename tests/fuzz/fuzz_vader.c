/* hearsay fuzz target: English VADER sentiment (rules/vader*.c).
 *
 * The first input byte picks the mode, the rest is the payload:
 *   byte % 4 != 3  scoring: the payload is a post's text, any bytes, scored
 *                  with the project's English lexicons (loaded once, from
 *                  $HS_VADER_LEXICON and $HS_VADER_EMOJI, else from the
 *                  source tree: HS_SRCDIR/rules/lexicons/en/). Checked:
 *                  - the result is HS_VADER_OK or HS_VADER_NO_WORDS, never
 *                    an error; NO_WORDS gives 0, 0, 0, 0 and happens exactly
 *                    when the text is whitespace only;
 *                  - every score is finite and in range (neg, neu, pos in
 *                    0..1 and summing to 1 within rounding, compound in
 *                    -1..1);
 *                  - scoring again with the same scratch and with a second
 *                    scratch gives the same numbers;
 *                  - " " + text + " " scores as text;
 *                  - text with each ill-formed UTF-8 byte replaced by 0x01
 *                    (another character that is neither a letter, nor
 *                    whitespace, nor punctuation, nor an emoji) scores as
 *                    text: the non-ASCII path and the ASCII fast path
 *                    agree.
 *   byte % 4 == 3  loading: the payload is a lexicon file, then (after the
 *                  first 0xFF byte, if any) an emoji lexicon, given to
 *                  hs_vader_load_mem. It must fail exactly when it reports
 *                  an error, and every error names its file; a lexicon
 *                  that loads then scores its own two files as text and a
 *                  fixed sentence (the same checks, but for the two that
 *                  only hold with the project's emoji lexicon).
 * A broken invariant prints what and aborts.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearsay/errors.h"
#include "rules/vader.h"
#include "rules/vader_internal.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hs_vader *vader;
static hs_vader_scratch *scratch, *scratch2;
static char *work; /* for the variants of the text */
static size_t work_cap;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_vader: %s\n", what);
	abort();
}

#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

static void setup(void)
{
	const char *lex = getenv("HS_VADER_LEXICON");
	const char *emo = getenv("HS_VADER_EMOJI");
	hs_errs errs = HS_ERRS_INIT;

	if (!lex || !*lex)
		lex = HS_SRCDIR "/rules/lexicons/en/vader_lexicon.txt";
	if (!emo || !*emo)
		emo = HS_SRCDIR "/rules/lexicons/en/emoji_utf8_lexicon.txt";
	vader = hs_vader_load(lex, emo, &errs);
	if (!vader) {
		char *msg = hs_errs_join(&errs);
		fprintf(stderr, "fuzz_vader: cannot load the lexicons: %s\n", msg ? msg : "?");
		free(msg);
		abort();
	}
	hs_errs_clear(&errs);
	scratch = hs_vader_scratch_new();
	scratch2 = hs_vader_scratch_new();
	if (!scratch || !scratch2)
		abort();
}

static void *work_buf(size_t n)
{
	if (n > work_cap) {
		char *p = realloc(work, n);
		if (!p)
			abort();
		work = p;
		work_cap = n;
	}
	return work;
}

NO_COVERAGE static bool same(const hs_sentiment *a, const hs_sentiment *b)
{
	return a->neg == b->neg && a->neu == b->neu && a->pos == b->pos &&
	       a->compound == b->compound;
}

/* Python's whitespace, as vader.c splits at. */
NO_COVERAGE static bool only_whitespace(const unsigned char *t, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = vd_space_len(t + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* strict: the project's lexicons (a made-up emoji lexicon may describe
 * an emoji with whitespace, or have 0x01 as an emoji). */
NO_COVERAGE static void check_result(int rc, const hs_sentiment *r, const unsigned char *t,
                                     size_t len, bool strict)
{
	if (rc != HS_VADER_OK && rc != HS_VADER_NO_WORDS)
		fail("hs_vader_score failed");
	if (strict && (rc == HS_VADER_NO_WORDS) != only_whitespace(t, len))
		fail("NO_WORDS iff the text is whitespace only: broken");
	if (rc == HS_VADER_NO_WORDS) {
		if (r->neg != 0 || r->neu != 0 || r->pos != 0 || r->compound != 0)
			fail("NO_WORDS with non-zero scores");
		return;
	}
	if (!isfinite(r->neg) || !isfinite(r->neu) || !isfinite(r->pos) ||
	    !isfinite(r->compound))
		fail("a score is not finite");
	if (r->neg < 0 || r->neg > 1 || r->neu < 0 || r->neu > 1 || r->pos < 0 || r->pos > 1 ||
	    r->compound < -1 || r->compound > 1)
		fail("a score is out of range");
	double sum = r->neg + r->neu + r->pos;
	if (sum < 0.998 || sum > 1.002)
		fail("neg + neu + pos is not 1");
}

static void score_checked(const hs_vader *v, const unsigned char *t, size_t len, bool strict)
{
	hs_sentiment r, r2;
	int rc = hs_vader_score(v, scratch, (const char *)t, len, &r);

	check_result(rc, &r, t, len, strict);
	if (hs_vader_score(v, scratch, (const char *)t, len, &r2) != rc || !same(&r, &r2))
		fail("not deterministic (same scratch)");
	if (hs_vader_score(v, scratch2, (const char *)t, len, &r2) != rc || !same(&r, &r2))
		fail("not deterministic (second scratch)");

	/* padded with spaces */
	unsigned char *w = work_buf(len + 2);
	w[0] = ' ';
	if (len)
		memcpy(w + 1, t, len);
	w[len + 1] = ' ';
	if (hs_vader_score(v, scratch2, (const char *)w, len + 2, &r2) != rc || !same(&r, &r2))
		fail("leading/trailing space changed the scores");

	/* ill-formed bytes as 0x01 */
	bool changed = false;
	for (size_t i = 0; i < len;) {
		size_t n;
		if (vd_utf8(t + i, len - i, &n) < 0) {
			w[i] = 0x01;
			changed = true;
		} else {
			memcpy(w + i, t + i, n);
		}
		i += n;
	}
	if (strict && changed &&
	    (hs_vader_score(v, scratch2, (const char *)w, len, &r2) != rc || !same(&r, &r2)))
		fail("ill-formed bytes and 0x01 score differently");
}

static void fuzz_load(const uint8_t *d, size_t n, bool with_emoji)
{
	const uint8_t *sep = memchr(d, 0xFF, n);
	size_t lex_len = sep ? (size_t)(sep - d) : n;
	const char *emo = sep ? (const char *)sep + 1 : (with_emoji ? "" : NULL);
	size_t emo_len = sep ? n - lex_len - 1 : 0;
	hs_errs errs = HS_ERRS_INIT;
	hs_vader *v = hs_vader_load_mem((const char *)d, lex_len, "lex", emo, emo_len, "emoji",
	                                &errs);

	if (!v != (hs_errs_count(&errs) > 0))
		fail("loader result and error list disagree");
	for (size_t i = 0; i < errs.n; i++)
		if (strncmp(errs.msgs[i], "lex:", 4) != 0 && strncmp(errs.msgs[i], "emoji:", 6) != 0)
			fail("an error without its file name");
	hs_errs_clear(&errs);
	if (!v)
		return;
	if (hs_vader_lexicon_size(v) > lex_len / 3 + 1)
		fail("more lexicon entries than lines could hold");
	static const char sample[] = "VADER is VERY smart, but not funny!!! :) \xF0\x9F\x98\x80";
	score_checked(v, d, lex_len, false);
	if (emo)
		score_checked(v, (const unsigned char *)emo, emo_len, false);
	score_checked(v, (const unsigned char *)sample, sizeof(sample) - 1, false);
	hs_vader_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!vader)
		setup();
	if (!size)
		return 0;
	if (data[0] % 4 == 3)
		fuzz_load(data + 1, size - 1, data[0] & 4);
	else
		score_checked(vader, data + 1, size - 1, true);
	return 0;
}
