/* hearsay fuzz target: lexicon sentiment (rules/lexsent*.c) and language
 * identification (rules/langid.c).
 *
 * Input: one selector byte, then any bytes. selector % 4:
 *   0  the bytes are a whole lexicon file: hs_lexsent_load_mem. A failed
 *      load must have reported at least one error, a successful one none;
 *      a loaded lexicon then scores its own file's text and a fixed text
 *      and looks up a few forms.
 *   1  the bytes follow a valid header ("hearsay-lexicon 1", "language
 *      xx"), to reach the entry parsing more often; the same checks.
 *   2  the bytes are a post: scored with the Dutch and French lexicons of
 *      rules/lexicons (loaded once from HS_SRCDIR), and given to the
 *      language detector. Checked: the result code is OK or NONE; every
 *      number is finite, neg/neu/pos in 0..1 summing to 1, compound in
 *      -1..1; NONE means exactly 0/1/0/0 and no assessment; a second
 *      scoring with a fresh scratch gives the same bits; the detector
 *      answers one of en/nl/fr/de/unknown, twice the same.
 *      Differential: when the bytes are valid UTF-8, the folded text
 *      (hs_lexsent_fold) equals utf8proc_map with STABLE|COMPOSE|COMPAT|
 *      CASEFOLD|IGNORE of the text after the documented substitutions
 *      (U+2019, U+02BC -> "'", U+2010, U+2011 -> "-", C0/C1 controls and
 *      DEL -> space).
 *   3  the post repeated until it is just over HS_LEXSENT_WINDOW bytes,
 *      so the text is cut into windows: scored once with the Dutch
 *      lexicon (the same checks on the numbers), and given to the
 *      detector (which reads only its start).
 * A broken invariant prints what and aborts.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "hearsay/errors.h"
#include "rules/langid.h"
#include "rules/lexsent.h"
#include "rules/lexsent_internal.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static hs_lexsent *lex_nl, *lex_fr;
static hs_lexsent_scratch *scr;
static hs_langid *lid;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_lexsent: %s\n", what);
	abort();
}

static hs_lexsent *load_or_die(const char *path)
{
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx = hs_lexsent_load(path, &e);

	if (!lx) {
		char *msg = hs_errs_join(&e);
		fprintf(stderr, "fuzz_lexsent: cannot load %s: %s\n", path, msg ? msg : "?");
		free(msg);
		abort();
	}
	hs_errs_clear(&e);
	return lx;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lex_nl = load_or_die(HS_SRCDIR "/rules/lexicons/nl/sentiment.lex");
	lex_fr = load_or_die(HS_SRCDIR "/rules/lexicons/fr/sentiment.lex");
	scr = hs_lexsent_scratch_new();
	lid = hs_langid_new();
	if (!scr || !lid)
		fail("out of memory at start");
	return 0;
}

/* The checks are not coverage-instrumented (see fuzz_normalize.c). */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

NO_COVERAGE static void check_result(int rc, const hs_sentiment *r, const hs_lexsent_detail *d)
{
	if (rc != HS_LEXSENT_OK && rc != HS_LEXSENT_NONE)
		fail("score failed");
	if (!isfinite(r->neg) || !isfinite(r->neu) || !isfinite(r->pos) ||
	    !isfinite(r->compound) || !isfinite(d->subjectivity))
		fail("a score is not finite");
	if (r->neg < 0 || r->neg > 1 || r->neu < 0 || r->neu > 1 || r->pos < 0 || r->pos > 1)
		fail("neg/neu/pos out of 0..1");
	if (fabs(r->neg + r->neu + r->pos - 1.0) > 1e-9)
		fail("neg + neu + pos != 1");
	if (r->compound < -1 || r->compound > 1)
		fail("compound out of -1..1");
	if (rc == HS_LEXSENT_NONE &&
	    (r->neg != 0 || r->neu != 1 || r->pos != 0 || r->compound != 0 || d->assessments))
		fail("NONE is not 0/1/0/0");
	if (rc == HS_LEXSENT_OK && d->assessments == 0)
		fail("OK without an assessment");
	if (d->negated > d->assessments)
		fail("more negated than assessments");
}

static void score_checked(const hs_lexsent *lx, const char *text, size_t len)
{
	hs_sentiment r1, r2;
	hs_lexsent_detail d1, d2;
	hs_lexsent_scratch *fresh;
	int rc1, rc2;

	rc1 = hs_lexsent_score_detail(lx, scr, text, len, &r1, &d1);
	check_result(rc1, &r1, &d1);
	fresh = hs_lexsent_scratch_new();
	if (!fresh)
		fail("out of memory");
	rc2 = hs_lexsent_score_detail(lx, fresh, text, len, &r2, &d2);
	hs_lexsent_scratch_free(fresh);
	if (rc1 != rc2 || memcmp(&r1, &r2, sizeof(r1)) != 0 || d1.words != d2.words ||
	    d1.assessments != d2.assessments)
		fail("two scorings of the same text differ");
}

NO_COVERAGE static bool valid_utf8(const uint8_t *s, size_t n)
{
	utf8proc_int32_t cp;
	size_t k = 0;

	while (k < n) {
		utf8proc_ssize_t l = utf8proc_iterate(s + k, (utf8proc_ssize_t)(n - k), &cp);
		if (l <= 0)
			return false;
		k += (size_t)l;
	}
	return true;
}

/* utf8proc_map of the text with the documented substitutions. */
static void fold_differential(const uint8_t *s, size_t n)
{
	uint8_t *pre = malloc(n * 4 + 1), *ref = NULL;
	ls_fold f;
	size_t k = 0, m = 0;
	utf8proc_ssize_t rl;

	memset(&f, 0, sizeof(f));
	if (!pre)
		fail("out of memory");
	while (k < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate(s + k, (utf8proc_ssize_t)(n - k), &cp);
		k += (size_t)l;
		if (cp == 0x2019 || cp == 0x02BC)
			cp = '\'';
		else if (cp == 0x2010 || cp == 0x2011)
			cp = '-';
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			cp = ' ';
		m += (size_t)utf8proc_encode_char(cp, pre + m);
	}
	pre[m] = 0;
	rl = utf8proc_map(pre, (utf8proc_ssize_t)m, &ref,
	                  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	                          UTF8PROC_IGNORE);
	if (rl < 0)
		fail("utf8proc_map failed on valid UTF-8");
	if (hs_lexsent_fold(&f, (const char *)s, n))
		fail("fold: out of memory");
	if (f.out_len != (size_t)rl || memcmp(f.out, ref, f.out_len) != 0) {
		fprintf(stderr, "fuzz_lexsent: folded \"%.*s\" (%zu), utf8proc \"%s\" (%zd)\n",
		        (int)f.out_len, f.out, f.out_len, (const char *)ref, rl);
		fail("fold differs from utf8proc_map");
	}
	hs_lexsent_fold_release(&f);
	free(ref);
	free(pre);
}

static void post(const uint8_t *data, size_t size, bool long_text)
{
	const char *text = (const char *)data;
	char *big;
	size_t len = size;
	const char *l1, *l2;

	if (long_text) {
		/* the cost of the coverage hooks on 16 KiB: score it once */
		size_t n = HS_LEXSENT_WINDOW + 257;
		hs_sentiment r;
		hs_lexsent_detail d;
		if (size == 0)
			return;
		big = malloc(n);
		if (!big)
			fail("out of memory");
		for (size_t k = 0; k < n; k++)
			big[k] = (char)data[k % size];
		check_result(hs_lexsent_score_detail(lex_nl, scr, big, n, &r, &d), &r, &d);
		if (strcmp(hs_langid_detect(lid, big, n), "unknown") != 0 &&
		    strlen(hs_langid_detect(lid, big, n)) != 2)
			fail("langid: unexpected answer");
		free(big);
		return;
	}
	score_checked(lex_nl, text, len);
	score_checked(lex_fr, text, len);
	l1 = hs_langid_detect(lid, text, len);
	l2 = hs_langid_detect(lid, text, len);
	if (strcmp(l1, l2) != 0)
		fail("langid: two answers");
	if (strcmp(l1, "en") && strcmp(l1, "nl") && strcmp(l1, "fr") && strcmp(l1, "de") &&
	    strcmp(l1, "unknown"))
		fail("langid: unexpected answer");
	if (valid_utf8(data, size))
		fold_differential(data, size);
}

static void lexicon(const uint8_t *data, size_t size, bool with_header)
{
	static const char hdr[] = "hearsay-lexicon 1\nlanguage xx\n";
	char *buf = malloc(sizeof(hdr) + size);
	size_t len = 0;
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx;

	if (!buf)
		fail("out of memory");
	if (with_header) {
		memcpy(buf, hdr, sizeof(hdr) - 1);
		len = sizeof(hdr) - 1;
	}
	if (size)
		memcpy(buf + len, data, size);
	len += size;
	lx = hs_lexsent_load_mem(buf, len, "fuzz.lex", &e);
	if (!lx && hs_errs_count(&e) == 0)
		fail("load failed without an error message");
	if (lx && hs_errs_count(&e) != 0)
		fail("load succeeded with error messages");
	if (lx) {
		static const char fixed[] = "niet erg goed !! :) l'horreur n\xe2\x80\x99" "est pas";
		hs_lexsent_entry en;
		score_checked(lx, buf, len);
		score_checked(lx, fixed, sizeof(fixed) - 1);
		(void)hs_lexsent_lookup(lx, "goed", 4, &en);
		(void)hs_lexsent_lookup(lx, buf, len < 200 ? len : 200, &en);
		if (hs_lexsent_size(lx) == 0)
			fail("loaded lexicon without entries");
		if (strlen(hs_lexsent_language(lx)) < 2)
			fail("loaded lexicon without a language");
	}
	hs_lexsent_free(lx);
	hs_errs_clear(&e);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		lexicon(data + 1, size - 1, false);
		break;
	case 1:
		lexicon(data + 1, size - 1, true);
		break;
	case 2:
		post(data + 1, size - 1, false);
		break;
	default:
		post(data + 1, size - 1, true);
		break;
	}
	return 0;
}
