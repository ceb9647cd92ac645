/* hearsay: unit tests for lexicon sentiment (rules/lexsent.c,
 * rules/lexsent_text.c) with the Dutch and French lexicons in
 * rules/lexicons/{nl,fr}/sentiment.lex.
 *
 * Expected scores are worked out by hand from the lexicon lines quoted in
 * each test and the method in lexsent.h:
 *   - one assessment per known word; a modifier's assessment is replaced
 *     by p_next * i_modifier (clamped to -1..1);
 *   - a negated assessment counts p * -0.5; "!" multiplies the latest p
 *     by 1.25 (clamped);
 *   - compound = mean of the assessments; pos/neg = sum of positive /
 *     minus the sum of negative final p, divided by W = words (tokens with
 *     a letter) + assessed symbols; neu = 1 - pos - neg.
 * The same sentences give the same compound in the authors' Python
 * implementation (python3-pattern), where it has the same entries.
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hearsay/errors.h"
#include "rules/lexsent.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define EPS 1e-9

static hs_lexsent *nl, *fr;
static hs_lexsent_scratch *sc;

static hs_lexsent *load_lex(const char *lang)
{
	char path[512];
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx;

	snprintf(path, sizeof(path), "%s/rules/lexicons/%s/sentiment.lex", HS_SRCDIR, lang);
	lx = hs_lexsent_load(path, &e);
	if (!lx) {
		char *msg = hs_errs_join(&e);
		fprintf(stderr, "%s\n", msg ? msg : "(no message)");
		free(msg);
	}
	hs_errs_clear(&e);
	return lx;
}

static void setup(void)
{
	nl = load_lex("nl");
	fr = load_lex("fr");
	sc = hs_lexsent_scratch_new();
	ck_assert_ptr_nonnull(nl);
	ck_assert_ptr_nonnull(fr);
	ck_assert_ptr_nonnull(sc);
}

static void teardown(void)
{
	hs_lexsent_free(nl);
	hs_lexsent_free(fr);
	hs_lexsent_scratch_free(sc);
	nl = fr = NULL;
	sc = NULL;
}

/* Score s and check all four numbers. */
static void expect4(const hs_lexsent *lx, const char *s, double neg, double neu, double pos,
                    double compound)
{
	hs_sentiment r;
	int rc = hs_lexsent_score(lx, sc, s, strlen(s), &r);

	ck_assert_msg(rc == HS_LEXSENT_OK, "\"%s\": rc %d", s, rc);
	ck_assert_msg(fabs(r.compound - compound) < EPS && fabs(r.neg - neg) < EPS &&
	                      fabs(r.neu - neu) < EPS && fabs(r.pos - pos) < EPS,
	              "\"%s\": got neg %.9f neu %.9f pos %.9f compound %.9f, want %.9f %.9f %.9f "
	              "%.9f",
	              s, r.neg, r.neu, r.pos, r.compound, neg, neu, pos, compound);
}

#define NONE(lx, s) expect_none(lx, s, strlen(s))

static double compound_of(const hs_lexsent *lx, const char *s, size_t len)
{
	hs_sentiment r;
	int rc = hs_lexsent_score(lx, sc, s, len, &r);

	ck_assert_msg(rc == HS_LEXSENT_OK || rc == HS_LEXSENT_NONE, "rc %d", rc);
	return r.compound;
}

static void expect_compound(const hs_lexsent *lx, const char *s, double want)
{
	double got = compound_of(lx, s, strlen(s));

	ck_assert_msg(fabs(got - want) < EPS, "\"%s\": compound %.9f, want %.9f", s, got, want);
}

static void expect_none(const hs_lexsent *lx, const char *s, size_t len)
{
	hs_sentiment r = { 9, 9, 9, 9 };
	int rc = hs_lexsent_score(lx, sc, s, len, &r);

	ck_assert_msg(rc == HS_LEXSENT_NONE, "rc %d for a text with no assessment", rc);
	ck_assert(r.neg == 0.0 && r.neu == 1.0 && r.pos == 0.0 && r.compound == 0.0);
}

/* ---- the lexicon files ------------------------------------------------------------------ */

START_TEST(test_files_load)
{
	hs_lexsent_entry e;

	ck_assert_str_eq(hs_lexsent_language(nl), "nl");
	ck_assert_str_eq(hs_lexsent_language(fr), "fr");
	/* from the converter's counts: 3298 + 3001 + 36 and 5103 + 1614 + 36 */
	ck_assert_uint_eq(hs_lexsent_size(nl), 6335);
	ck_assert_uint_eq(hs_lexsent_size(fr), 6753);

	/* modifier erg -0.35 1 1.55 */
	ck_assert_int_eq(hs_lexsent_lookup(nl, "ERG", 3, &e), 1);
	ck_assert(e.has_value && e.modifier && !e.negation && !e.symbol);
	ck_assert(fabs(e.polarity + 0.35) < EPS && fabs(e.intensity - 1.55) < EPS);
	/* derived attributive form: modifier schandalige -0.6 1 1.9 */
	ck_assert_int_eq(hs_lexsent_lookup(nl, "schandalige", 11, &e), 1);
	ck_assert(e.modifier && fabs(e.polarity + 0.6) < EPS);
	ck_assert_int_eq(hs_lexsent_lookup(nl, "niet", 4, &e), 1);
	ck_assert(e.negation && !e.has_value);
	ck_assert_int_eq(hs_lexsent_lookup(nl, "vertoning", 9, &e), 0);
	/* French: n' is a value, a negation and an elision */
	ck_assert_int_eq(hs_lexsent_lookup(fr, "n'", 2, &e), 1);
	ck_assert(e.has_value && e.negation && e.elision && fabs(e.polarity + 0.05) < EPS);
	/* ... and the typographic apostrophe folds to it */
	ck_assert_int_eq(hs_lexsent_lookup(fr, "n\xe2\x80\x99", 4, &e), 1);
	ck_assert(e.negation);
	/* accentless alias: word precaire -0.12 -0.25 1 */
	ck_assert_int_eq(hs_lexsent_lookup(fr, "precaire", 8, &e), 1);
	ck_assert(fabs(e.polarity + 0.12) < EPS && fabs(e.subjectivity + 0.25) < EPS);
	ck_assert_int_eq(hs_lexsent_lookup(fr, ":)", 2, &e), 1);
	ck_assert(e.symbol && fabs(e.polarity - 0.5) < EPS);
}
END_TEST

/* ---- Dutch ------------------------------------------------------------------------------- */

START_TEST(test_nl_basic)
{
	/* modifier schandalige -0.6; "vertoning" is unknown (and ends the
	 * modifier's reach). One assessment: -0.6. W = 5 words. */
	expect4(nl, "Dit is een schandalige vertoning.", 0.6 / 5, 1 - 0.6 / 5, 0, -0.6);
	/* erg (-0.35, i 1.55) modifies goed (0.55): 0.55 * 1.55 = 0.8525 */
	expect4(nl, "De politie was erg goed", 0, 1 - 0.8525 / 5, 0.8525 / 5, 0.8525);
	/* mooie 0.7 and slechte -0.7, "markt" (5 letters) ends mooie's reach:
	 * compound 0, pos = neg = 0.7 / 4 */
	expect4(nl, "Mooie markt, slechte organisatie", 0.175, 0.65, 0.175, 0.0);
	/* case folding */
	expect_compound(nl, "SCHANDALIG", -0.6);
	expect_compound(nl, "Schandalig", -0.6);
	/* no word of the lexicon */
	NONE(nl, "De gemeenteraad vergadert dinsdag");
}
END_TEST

START_TEST(test_nl_negation)
{
	/* niet: goed counts 0.55 * -0.5 */
	expect4(nl, "Het was niet goed", 0.275 / 4, 1 - 0.275 / 4, 0, -0.275);
	/* a negation reaches across one-character tokens ... */
	expect_compound(nl, "niet , goed", -0.275);
	/* ... but not across longer ones: "zo" */
	expect_compound(nl, "niet zo goed", 0.55);
	/* niet erg goed: erg is negated, its intensity handed on is 1/1.55,
	 * goed replaces it: 0.55 / 1.55, negated: * -0.5 */
	expect_compound(nl, "niet erg goed", -0.5 * 0.55 / 1.55);
	/* geen and nooit are negations too */
	expect_compound(nl, "nooit goed", -0.275);
	/* vreselijk (-0.65, i 1.65) ends in the adverb suffix -lijk: a negation
	 * after it negates its assessment, which goed then replaces:
	 * 0.55 * 1.65 * -0.5 */
	expect_compound(nl, "vreselijk niet goed", 0.55 * 1.65 * -0.5);
}
END_TEST

START_TEST(test_nl_modifiers)
{
	/* chains: heel (i 1.6) -> erg (i 1.55) -> goed: the last intensity
	 * applies, 0.55 * 1.55 */
	expect_compound(nl, "heel erg goed", 0.8525);
	/* the modifier reaches across tokens of up to 2 characters */
	expect_compound(nl, "erg , goed", 0.8525);
	expect_compound(nl, "erg de goed", 0.8525);
	/* "het" (3) ends it: two assessments, (-0.35 + 0.55) / 2 */
	expect_compound(nl, "erg het goed", 0.1);
	/* super (0.9, i 1.7) * slecht (-0.7) = -1.19, clamped to -1 */
	expect_compound(nl, "super slecht", -1.0);
}
END_TEST

START_TEST(test_nl_exclamation)
{
	expect_compound(nl, "Goed!", 0.55 * 1.25);
	expect_compound(nl, "Goed!!", 0.55 * 1.25 * 1.25);
	expect_compound(nl, "Goed!!!", 1.0); /* 1.07..., clamped */
	expect_compound(nl, "Goed ! ! ", 0.55 * 1.25 * 1.25);
	/* "!" before any assessment does nothing */
	expect_compound(nl, "! goed", 0.55);
	/* it boosts the latest assessment, however far back */
	expect_compound(nl, "slecht. Dat vind ik!", -0.7 * 1.25);
}
END_TEST

/* ---- French ------------------------------------------------------------------------------ */

START_TEST(test_fr_basic)
{
	/* word désastre -0.5; "c'" is split off (elision), "est", "un"
	 * unknown; W = 4 (c', est, un, désastre) */
	expect4(fr, "C'est un désastre", 0.125, 0.875, 0, -0.5);
	/* ce n'est pas mal: n' is a word (-0.05) and a negation, "est" (3
	 * letters) ends its reach; pas negates mal (-0.7): 0.35.
	 * (-0.05 + 0.35) / 2 = 0.15; W = 5: pos 0.35/5, neg 0.05/5 */
	expect4(fr, "Ce n'est pas mal", 0.01, 0.92, 0.07, 0.15);
	/* the same with a typographic apostrophe */
	expect4(fr, "Ce n\xe2\x80\x99" "est pas mal", 0.01, 0.92, 0.07, 0.15);
	/* très (i 2) * mauvais (-0.71) = -1.42, clamped */
	expect_compound(fr, "très mauvais", -1.0);
	expect_compound(fr, "tres mauvais", -1.0);
	/* trop (i 0.5) * bon (0.7) */
	expect_compound(fr, "trop bon", 0.35);
	/* accentless spelling, as the authors map it */
	expect_compound(fr, "précaire", -0.12);
	expect_compound(fr, "precaire", -0.12);
	expect_compound(fr, "c'est genial", 0.9);
	/* l'horreur: "l'" split off, horreur -0.5 */
	expect_compound(fr, "l'horreur", -0.5);
	/* uppercase, and decomposed accents (e + U+0301) */
	expect_compound(fr, "GÉNIAL", 0.9);
	expect_compound(fr, "ge\xcc\x81nial", 0.9);
	NONE(fr, "La mairie publie le programme");
}
END_TEST

START_TEST(test_fr_negation)
{
	/* vraiment (0, i 2) ends in the adverb suffix -ment: "pas" negates
	 * its assessment, bon replaces it: 0.7 * 2 = 1.4 -> 1, negated -0.5 */
	expect_compound(fr, "vraiment pas bon", -0.5);
	/* pas bon: 0.7 * -0.5 */
	expect_compound(fr, "pas bon", -0.35);
	/* "jamais" and "rien" are negations */
	expect_compound(fr, "jamais bon", -0.35);
	/* "de" (2 letters) ends a negation's reach */
	expect_compound(fr, "pas de bon", 0.7);
	/* scandaleux -0.8, "!" after a space: -1.0 */
	expect_compound(fr, "Scandaleux !", -1.0);
	expect_compound(fr, "Scandaleux!", -1.0);
}
END_TEST

START_TEST(test_symbols)
{
	/* super 0.7 and the symbol ":)" 0.5, assessed on its own:
	 * (0.7 + 0.5) / 2; W = 1 word + 1 symbol */
	expect4(fr, "super :)", 0, 1 - 1.2 / 2, 1.2 / 2, 0.6);
	/* attached to a word, after "!" */
	expect_compound(fr, "super!:)", (0.7 * 1.25 + 0.5) / 2);
	/* the longest symbol wins: ":-(" (-0.6), not ":" */
	expect_compound(nl, ":-(", -0.6);
	/* emoji, with and without VS16: pouting face -0.8 */
	expect_compound(nl, "\xf0\x9f\x98\xa1", -0.8);
	expect_compound(nl, "\xe2\x9d\xa4\xef\xb8\x8f", 0.8); /* U+2764 U+FE0F */
	/* a symbol never cuts a word: ":d" is not taken from ":dag" */
	NONE(nl, ":dag");
	/* URLs and mentions are skipped whole (no ":/" or ":)" in them) */
	NONE(nl, "https://example.org/:)/goed @goed");
	NONE(nl, "www.goed.nl jan@goed.nl");
	NONE(nl, "(https://example.org/goed)");
}
END_TEST

/* ---- bad input ---------------------------------------------------------------------------- */

START_TEST(test_bad_text)
{
	hs_sentiment r;
	/* goed is a modifier in Dutch: "vandaag" (7 letters) ends its reach,
	 * so there are two assessments, (0.55 - 0.7) / 2 */
	static const char nul[] = "goed\0vandaag\0slecht";
	static const char bad[] = "\xff\xfe goed \xc3 vandaag \xed\xa0\x80 slecht \xf4\x90\x80\x80";
	char *big;
	size_t n;

	ck_assert_int_eq(hs_lexsent_score(nl, sc, NULL, 0, &r), HS_LEXSENT_NONE);
	ck_assert_int_eq(hs_lexsent_score(nl, sc, NULL, 5, &r), HS_LEXSENT_ERROR);
	ck_assert(r.neu == 1.0 && r.compound == 0.0);
	ck_assert_int_eq(hs_lexsent_score(NULL, sc, "goed", 4, &r), HS_LEXSENT_ERROR);
	ck_assert_int_eq(hs_lexsent_score(nl, NULL, "goed", 4, &r), HS_LEXSENT_ERROR);
	ck_assert_int_eq(hs_lexsent_score(nl, sc, "goed", 4, NULL), HS_LEXSENT_ERROR);
	NONE(nl, "");
	NONE(nl, "   \t\n ");
	NONE(nl, "\xf0\x9f\x8c\xb7\xf0\x9f\x8c\xb7"); /* emoji without a value */
	NONE(nl, "https://example.org/a/b?c=d");
	/* NUL bytes are whitespace */
	ck_assert(fabs(compound_of(nl, nul, sizeof(nul) - 1) - (-0.075)) < EPS);
	/* ill-formed bytes are symbols that match nothing */
	ck_assert(fabs(compound_of(nl, bad, sizeof(bad) - 1) - (-0.075)) < EPS);

	/* 20 MB: "goed " repeated, windows cut at spaces (each goed modifies
	 * the one before: one assessment, 0.55) */
	n = 20u * 1024 * 1024;
	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	for (size_t k = 0; k < n; k++)
		big[k] = "goed "[k % 5];
	ck_assert(fabs(compound_of(nl, big, n) - 0.55) < EPS);
	/* and without any whitespace at all: 4 MB of "goed!" */
	for (size_t k = 0; k < 4u * 1024 * 1024; k++)
		big[k] = "goed!"[k % 5];
	(void)compound_of(nl, big, 4u * 1024 * 1024);
	/* 4 MB of a combining mark, and of invalid bytes */
	for (size_t k = 0; k + 1 < 4u * 1024 * 1024; k += 2) {
		big[k] = (char)0xCC;
		big[k + 1] = (char)0x81;
	}
	expect_none(nl, big, 4u * 1024 * 1024);
	memset(big, 0xff, 4u * 1024 * 1024);
	expect_none(nl, big, 4u * 1024 * 1024);
	free(big);
	/* the scratch still works afterwards */
	expect_compound(nl, "goed", 0.55);
}
END_TEST

START_TEST(test_detail)
{
	hs_sentiment r;
	hs_lexsent_detail d;
	const char *s = "Het was niet goed. Gisteren was het echt slecht!";
	const char *s2 = "Het was niet goed, echt slecht!";

	/* goed negated (-0.275); "gisteren" ends goed's reach as a modifier;
	 * echt (0.2, i 1.6) * slecht (-0.7) = -1.12 -> -1, "!" keeps -1.
	 * compound (-0.275 - 1) / 2; W = 9 words */
	ck_assert_int_eq(hs_lexsent_score_detail(nl, sc, s, strlen(s), &r, &d), HS_LEXSENT_OK);
	ck_assert_uint_eq(d.words, 9);
	ck_assert_uint_eq(d.assessments, 2);
	ck_assert_uint_eq(d.negated, 1);
	ck_assert(fabs(r.compound - (-1.275 / 2)) < EPS);
	/* subjectivity: goed 0.9; echt*slecht: 0.9 * 1.6 -> 1 */
	ck_assert(fabs(d.subjectivity - 0.95) < EPS);
	ck_assert(fabs(r.neg - 1.275 / 9) < EPS);
	ck_assert(fabs(r.neu - (1 - 1.275 / 9)) < EPS);
	/* the authors' method at its oddest: Dutch adjectives are modifiers,
	 * so with only "," between them goed (negated) is modified by echt and
	 * then by slecht: one negated assessment of -1, i.e. +0.5 */
	ck_assert_int_eq(hs_lexsent_score_detail(nl, sc, s2, strlen(s2), &r, &d), HS_LEXSENT_OK);
	ck_assert_uint_eq(d.assessments, 1);
	ck_assert(fabs(r.compound - 0.5) < EPS);
}
END_TEST

/* ---- malformed lexicons ------------------------------------------------------------------- */

static hs_lexsent *load_str(const char *s, hs_errs *e)
{
	return hs_lexsent_load_mem(s, strlen(s), "t.lex", e);
}

/* Loading s must fail with exactly the messages in want (NULL-ended). */
static void expect_errors(const char *s, const char *const *want)
{
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx = load_str(s, &e);
	size_t n = 0;
	char *all;

	ck_assert_ptr_null(lx);
	all = hs_errs_join(&e);
	while (want[n])
		n++;
	ck_assert_msg(e.n == n, "want %zu errors, got %zu:\n%s", n, e.n, all ? all : "");
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(strcmp(e.msgs[k], want[k]) == 0, "error %zu:\n got  %s\n want %s", k,
		              e.msgs[k], want[k]);
	free(all);
	hs_errs_clear(&e);
}

#define HDR "hearsay-lexicon 1\nlanguage xx\n"

START_TEST(test_load_ok)
{
	hs_errs e = HS_ERRS_INIT;
	hs_lexsent *lx;
	hs_lexsent_entry en;
	hs_sentiment r;

	/* BOM, CRLF, comments, blank lines, tabs, signs, forms folded */
	lx = load_str("\xef\xbb\xbf# test\r\n\r\nhearsay-lexicon 1\r\nlanguage pt-br\n"
	              "  # indented comment\n"
	              "word\tBOM\t+1\t.5\t1\n"
	              "modifier muito 0 0.5 2.0\n"
	              "negation NÃO\n"
	              "elision d'\n"
	              "adverb-suffix mente\n"
	              "modifier realmente 0.1 0.5 1.5\n"
	              "word ruim -0.75 1 1\n"
	              "word :-) 0.5 1 1\n",
	              &e);
	ck_assert_msg(lx != NULL, "%s", e.n ? e.msgs[0] : "?");
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(hs_lexsent_language(lx), "pt-br");
	ck_assert_uint_eq(hs_lexsent_size(lx), 5);
	ck_assert_int_eq(hs_lexsent_lookup(lx, "bom", 3, &en), 1);
	ck_assert(en.polarity == 1.0 && en.subjectivity == 0.5);
	ck_assert_int_eq(hs_lexsent_lookup(lx, "não", strlen("não"), &en), 1);
	ck_assert(en.negation);
	/* muito (i 2) * bom (1) = 2 -> 1 */
	ck_assert_int_eq(hs_lexsent_score(lx, sc, "muito bom", 9, &r), HS_LEXSENT_OK);
	ck_assert(fabs(r.compound - 1.0) < EPS);
	/* não negates ruim: 0.375 */
	ck_assert_int_eq(hs_lexsent_score(lx, sc, "Não ruim", strlen("Não ruim"), &r),
	                 HS_LEXSENT_OK);
	ck_assert(fabs(r.compound - 0.375) < EPS);
	/* realmente ends in -mente: negated, then bom replaces it: 1.5 -> 1, * -0.5 */
	ck_assert_int_eq(hs_lexsent_score(lx, sc, "realmente não bom", strlen("realmente não bom"),
	                                  &r),
	                 HS_LEXSENT_OK);
	ck_assert(fabs(r.compound + 0.5) < EPS);
	hs_lexsent_free(lx);
	hs_errs_clear(&e);

	/* NULL errs: still fails cleanly */
	ck_assert_ptr_null(hs_lexsent_load_mem("nonsense", 8, NULL, NULL));
	ck_assert_ptr_null(hs_lexsent_load_mem(NULL, 3, NULL, NULL));
}
END_TEST

START_TEST(test_load_errors)
{
	static const char *const bad_number[] = {
		"t.lex:3: polarity 'abc' is not a number",
		"t.lex:4: subjectivity '0,5' is not a number",
		"t.lex:5: intensity '1e3' is not a number",
		"t.lex:6: polarity '1.' is not a number",
		"t.lex:7: polarity '-' is not a number",
		"t.lex:8: intensity 'nan' is not a number",
		NULL,
	};
	expect_errors(HDR "word a abc 0 1\n"
	                  "word b 0 0,5 1\n"
	                  "word c 0 0 1e3\n"
	                  "word d 1. 0 1\n"
	                  "word e - 0 1\n"
	                  "word f 0 0 nan\n"
	                  "word ok 0.1 0 1\n",
	              bad_number);

	static const char *const ranges[] = {
		"t.lex:3: polarity 1.5 out of range -1..1",
		"t.lex:4: polarity -1.0001 out of range -1..1",
		"t.lex:5: subjectivity 2 out of range -1..1",
		"t.lex:6: intensity 0 out of range: above 0, at most 10",
		"t.lex:7: intensity 10.5 out of range: above 0, at most 10",
		NULL,
	};
	expect_errors(HDR "word a 1.5 0 1\n"
	                  "word b -1.0001 0 1\n"
	                  "word c 0 2 1\n"
	                  "modifier d 0 0 0\n"
	                  "modifier e 0 0 10.5\n"
	                  "word ok 1 -1 10\n",
	              ranges);

	static const char *const fields[] = {
		"t.lex:3: word: missing field (expected: word FORM POLARITY SUBJECTIVITY INTENSITY)",
		"t.lex:4: modifier: too many fields (expected: modifier FORM POLARITY SUBJECTIVITY "
		"INTENSITY)",
		"t.lex:5: negation: missing field (expected: negation WORD)",
		"t.lex:6: language: too many fields (expected: language CODE)",
		"t.lex:7: unknown directive 'words'",
		"t.lex:8: unknown directive 'Word'",
		NULL,
	};
	expect_errors(HDR "word goed 0.5 0.5\n"
	                  "modifier erg 0 1 2 # comment\n"
	                  "negation\n"
	                  "language nl be\n"
	                  "words goed 0 0 1\n"
	                  "Word goed 0 0 1\n"
	                  "word ok 1 0 1\n",
	              fields);

	static const char *const dups[] = {
		"t.lex:4: duplicate entry for 'Goed' (first at line 3)",
		"t.lex:5: duplicate entry for 'goed' (first at line 3)",
		"t.lex:7: duplicate negation 'NIET' (first at line 6)",
		"t.lex:9: duplicate elision 'l\xe2\x80\x99' (first at line 8)",
		"t.lex:11: duplicate adverb suffix 'lijk' (first at line 10)",
		"t.lex:12: language given twice (first at line 2)",
		NULL,
	};
	/* a form may be both a value and a negation: line 13 is fine */
	expect_errors(HDR "word goed 0.5 0.5 1\n"
	                  "word Goed 0.5 0.5 1\n"
	                  "modifier goed 0.5 0.5 1\n"
	                  "negation niet\n"
	                  "negation NIET\n"
	                  "elision l'\n"
	                  "elision l\xe2\x80\x99\n"
	                  "adverb-suffix lijk\n"
	                  "adverb-suffix lijk\n"
	                  "language nl\n"
	                  "word niet -0.1 0 1\n",
	              dups);

	static const char *const forms[] = {
		"t.lex:3: form '8)' is neither a word (letters, marks, digits, single ' or - between "
		"them, one ' at the end) nor a symbol (starting with another character)",
		"t.lex:4: form 'a--b' is neither a word (letters, marks, digits, single ' or - "
		"between them, one ' at the end) nor a symbol (starting with another character)",
		"t.lex:5: symbol ':-)' cannot be a modifier (use 'word')",
		"t.lex:6: negation ':(' must be a word",
		"t.lex:7: elision 'l' must end in an apostrophe (e.g. \"l'\")",
		"t.lex:8: form '<<<<<<<<<' is a symbol longer than 8 characters",
		"t.lex:9: form '\xc2\xad' is empty after case folding",
		"t.lex:10: form 'a\xc2\xa0" "b' contains whitespace",
		NULL,
	};
	expect_errors(HDR "word 8) 0 0 1\n"
	                  "word a--b 0 0 1\n"
	                  "modifier :-) 0 0 1\n"
	                  "negation :(\n"
	                  "elision l\n"
	                  "word <<<<<<<<< 0 0 1\n"
	                  "word \xc2\xad 0 0 1\n"     /* soft hyphen only */
	                  "word a\xc2\xa0" "b 0 0 1\n" /* no-break space folds to a space */
	                  "word ok 0 0 1\n",
	              forms);

	static const char *const header[] = {
		"t.lex:1: expected 'hearsay-lexicon 1' before anything else",
		"t.lex:3: 'hearsay-lexicon' repeated",
		"t.lex:4: invalid language code 'NL' (lowercase: 2 or 3 letters, optional -subtags, "
		"e.g. \"nl\", \"pt-br\")",
		"t.lex:6: invalid UTF-8",
		"t.lex:7: NUL byte in line",
		"t.lex: no 'language' line",
		NULL,
	};
	{
		static const char text[] = "word a 0.5 0 1\n\nhearsay-lexicon 1\nlanguage NL\n"
		                           "word b 0 0 1\nword \xc3\x28 0 0 1\nword c\0 0 0 1\n";
		hs_errs e = HS_ERRS_INIT;
		size_t n = 0;
		ck_assert_ptr_null(hs_lexsent_load_mem(text, sizeof(text) - 1, "t.lex", &e));
		while (header[n])
			n++;
		ck_assert_uint_eq(e.n, n);
		for (size_t k = 0; k < n; k++)
			ck_assert_str_eq(e.msgs[k], header[k]);
		hs_errs_clear(&e);
	}

	static const char *const version[] = {
		"t.lex:2: unsupported format version '2' (this hearsay reads 1)",
		NULL,
	};
	expect_errors("# future\nhearsay-lexicon 2\nthis is not format 1\n", version);

	static const char *const empty[] = {
		"t.lex: not a hearsay lexicon (no 'hearsay-lexicon 1' line)",
		"t.lex: no 'language' line",
		"t.lex: no word, modifier or symbol entries",
		NULL,
	};
	expect_errors("", empty);
	expect_errors("# only a comment\n\n", empty);

	static const char *const nothing[] = {
		"t.lex: no word, modifier or symbol entries",
		NULL,
	};
	expect_errors(HDR "negation niet\n", nothing);

	static const char *const unreachable[] = {
		"t.lex:3: 'l'horreur' can never match: text is split after the elision 'l'' (line 4)",
		NULL,
	};
	expect_errors(HDR "word l'horreur -0.5 0 1\nelision l'\nword horreur -0.5 0 1\n",
	              unreachable);
}
END_TEST

START_TEST(test_load_file)
{
	hs_errs e = HS_ERRS_INIT;

	ck_assert_ptr_null(hs_lexsent_load(HS_SRCDIR "/no/such/file.lex", &e));
	ck_assert_uint_eq(e.n, 1);
	ck_assert_msg(strstr(e.msgs[0], "/no/such/file.lex: cannot open:") != NULL, "%s",
	              e.msgs[0]);
	hs_errs_clear(&e);
	ck_assert_ptr_null(hs_lexsent_load(NULL, &e));
	ck_assert_uint_eq(e.n, 1);
	hs_errs_clear(&e);
}
END_TEST

/* ---- threads ----------------------------------------------------------------------------- */

typedef struct thr {
	const hs_lexsent *lx;
	int bad;
} thr;

static void *score_thread(void *arg)
{
	thr *t = arg;
	hs_lexsent_scratch *s = hs_lexsent_scratch_new();
	static const char *const texts[] = { "De politie was erg goed", "Het was niet goed",
		                             "heel erg goed!!!" };
	static const double want[] = { 0.8525, -0.275, 1.0 };

	if (!s) {
		t->bad++;
		return NULL;
	}
	for (int k = 0; k < 20000; k++) {
		hs_sentiment r;
		int i = k % 3;
		if (hs_lexsent_score(t->lx, s, texts[i], strlen(texts[i]), &r) != HS_LEXSENT_OK ||
		    fabs(r.compound - want[i]) > EPS)
			t->bad++;
	}
	hs_lexsent_scratch_free(s);
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t th[4];
	thr st[4];

	for (int i = 0; i < 4; i++) {
		st[i] = (thr){ nl, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, score_thread, &st[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(st[i].bad, 0);
	}
}
END_TEST

static Suite *lexsent_suite(void)
{
	Suite *s = suite_create("lexsent");
	TCase *tc = tcase_create("score");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_files_load);
	tcase_add_test(tc, test_nl_basic);
	tcase_add_test(tc, test_nl_negation);
	tcase_add_test(tc, test_nl_modifiers);
	tcase_add_test(tc, test_nl_exclamation);
	tcase_add_test(tc, test_fr_basic);
	tcase_add_test(tc, test_fr_negation);
	tcase_add_test(tc, test_symbols);
	tcase_add_test(tc, test_bad_text);
	tcase_add_test(tc, test_detail);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_load_ok);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lexsent_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
