/* hearsay: unit tests for text normalisation (rules/normalize.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <utf8proc.h>

#include "rules/normalize.h"
#include "rules/normalize_internal.h"
#include "utf8.h"

static const hs_norm_view all_views[] = { HS_NORM_FOLDED, HS_NORM_PLAIN, HS_NORM_TERMS };

/* ---- helpers ------------------------------------------------------------------------- */

/* Length of the character at s as the normaliser reads it: a well-formed
 * sequence, or 1 for an ill-formed byte. */
static size_t char_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 1;
	if (c >= 0xE0 && c <= 0xEF) {
		if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 1;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80 || (c == 0xF0 && s[1] < 0x90) ||
		    (c == 0xF4 && s[1] >= 0x90))
			return 1;
		return 4;
	}
	return 1;
}

/* boundary[i] for i in [0, len]: is i a character boundary of text? */
static bool *boundaries(const char *text, size_t len)
{
	bool *b = calloc(len + 1, 1);
	size_t i = 0;

	ck_assert_ptr_nonnull(b);
	while (i < len) {
		b[i] = true;
		i += char_len((const unsigned char *)text + i, len - i);
	}
	b[len] = true;
	return b;
}

/* Every invariant of one run over text[0..len). Checked with plain ifs:
 * in fork mode every ck_assert writes to a pipe, too slow per byte. */
#define INV(cond, ...)                                                                    \
	do {                                                                              \
		if (!(cond))                                                              \
			ck_abort_msg(__VA_ARGS__);                                        \
	} while (0)

static void check_invariants(const hs_norm *n, const char *text, size_t len)
{
	bool *bd = boundaries(text, len);

	INV(hs_norm_source_len(n) == len, "source_len");
	for (size_t vi = 0; vi < 3; vi++) {
		hs_norm_view v = all_views[vi];
		size_t vl;
		const char *s = hs_norm_text(n, v, &vl);
		size_t prev_s = 0, prev_e = 0;

		INV(s != NULL, "view %d NULL", (int)v);
		INV(strlen(s) == vl, "view %d has a NUL inside", (int)v);
		INV(hs_utf8_valid(s, vl), "view %d not valid UTF-8", (int)v);
		if (v == HS_NORM_TERMS) {
			INV(vl >= 1 && s[0] == ' ' && s[vl - 1] == ' ', "terms not ' ... ': '%s'", s);
			INV(strstr(s, "  ") == NULL, "terms has a double space: '%s'", s);
		}
		for (size_t i = 0; i <= vl; i++) {
			size_t ms = hs_norm_map_start(n, v, i), me = hs_norm_map_end(n, v, i);
			INV(ms <= len && me <= len, "view %d off %zu maps out of the text", (int)v, i);
			INV(bd[ms] && bd[me], "view %d off %zu maps off a boundary", (int)v, i);
			INV(ms >= prev_s && me >= prev_e, "view %d off %zu: map not monotonic", (int)v, i);
			prev_s = ms;
			prev_e = me;
		}
		/* per character of the view: one span; non-empty except the
		 * separators of terms */
		for (size_t i = 0; i < vl;) {
			size_t cl = char_len((const unsigned char *)s + i, vl - i);
			size_t a = hs_norm_map_start(n, v, i), b = hs_norm_map_end(n, v, i + 1);
			for (size_t k = 1; k < cl; k++)
				INV(hs_norm_map_start(n, v, i + k) == a &&
				    hs_norm_map_end(n, v, i + k + 1) == b,
				    "view %d off %zu: one character, two spans", (int)v, i);
			if (v != HS_NORM_TERMS || s[i] != ' ')
				INV(a < b, "view %d off %zu: empty span [%zu,%zu)", (int)v, i, a, b);
			i += cl;
		}
	}
	free(bd);
}

static hs_norm *run(const char *text)
{
	hs_norm *n = hs_norm_new();

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(hs_norm_run(n, text, strlen(text)), 0);
	check_invariants(n, text, strlen(text));
	return n;
}

static void expect(const char *text, const char *folded, const char *plain, const char *terms)
{
	hs_norm *n = run(text);

	if (folded)
		ck_assert_str_eq(hs_norm_folded(n, NULL), folded);
	if (plain)
		ck_assert_str_eq(hs_norm_plain(n, NULL), plain);
	if (terms)
		ck_assert_str_eq(hs_norm_terms(n, NULL), terms);
	hs_norm_free(n);
}

static void expect_terms(const char *text, const char *terms)
{
	expect(text, NULL, NULL, terms);
}

/* The original text of the first match of needle in view v. */
static char *span_of(const char *text, hs_norm_view v, const char *needle)
{
	hs_norm *n = run(text);
	const char *s = hs_norm_text(n, v, NULL);
	const char *hit = strstr(s, needle);
	size_t a, b;
	char *out;

	ck_assert_msg(hit != NULL, "'%s' not in '%s'", needle, s);
	hs_norm_span(n, v, (size_t)(hit - s), (size_t)(hit - s) + strlen(needle), &a, &b);
	out = strndup(text + a, b - a);
	hs_norm_free(n);
	return out;
}

static void expect_span(const char *text, hs_norm_view v, const char *needle,
                        const char *original)
{
	char *got = span_of(text, v, needle);
	ck_assert_str_eq(got, original);
	free(got);
}

/* utf8proc_map's NFKC_Casefold, the reference for the folded view. */
static char *reference_fold(const char *text)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)strlen(text),
	                                  &out, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	                                  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	ck_assert_int_ge(r, 0);
	return (char *)out;
}

/* ---- NFKC and case folding ---------------------------------------------------------- */

START_TEST(test_nfkc)
{
	expect("\xEF\xAC\x81nd", "find", "find", " find ");                   /* ﬁ ligature */
	expect("\xEF\xBC\xA8\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x90", "help", "help", " help "); /* Ｈｅｌｐ */
	expect("x\xC2\xB2 H\xE2\x82\x82O", "x2 h2o", "x2 h2o", " x2 h2o ");      /* x² H₂O */
	expect("\xE2\x91\xA0 \xE3\x8E\x9E", "1 km", "1 km", " 1 km ");          /* ① ㎞ */
	expect("Brand\xE2\x84\xA2\xE2\x80\xA6", "brandtm...", "brandtm...", " brandtm ");
	/* non-breaking and other spaces become spaces */
	expect("a\xC2\xA0" "b\xE2\x80\x83" "c", "a b c", "a b c", NULL);
	/* NFD input composes */
	expect("Cafe\xCC\x81", "caf\xC3\xA9", "cafe", " cafe ");
	/* Hangul jamo compose to a syllable */
	expect("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C", NULL, NULL);
}
END_TEST

START_TEST(test_casefold)
{
	/* İ folds to i + U+0307 (no precomposed form), plain drops the dot */
	expect("\xC4\xB0stanbul", "i\xCC\x87stanbul", "istanbul", " istanbul ");
	/* ẞ and ß -> ss */
	expect("STRA\xE1\xBA\x9E" "E Stra\xC3\x9F" "e", "strasse strasse", NULL, " strasse strasse ");
	/* Σ and final ς -> σ */
	expect("\xCE\xA3\xCE\xB9\xCF\x83\xCF\x85\xCF\x86\xCE\xBF\xCF\x82",
	       "\xCF\x83\xCE\xB9\xCF\x83\xCF\x85\xCF\x86\xCE\xBF\xCF\x83", NULL, NULL);
	expect("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82",
	       "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83 \xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83", NULL, NULL);
	expect("HeLLo WORLD", "hello world", "hello world", " hello world ");
	/* Cherokee lower case folds to upper case (Unicode's rule) */
	expect("\xEA\xAD\xB0", "\xE1\x8E\xA0", NULL, NULL);
}
END_TEST

START_TEST(test_reference_fold)
{
	static const char *const texts[] = {
		"Hello World",
		"\xEF\xAC\x81 \xEF\xAC\x82 \xEF\xAC\x80",
		"\xC4\xB0 I \xC4\xB1 \xE1\xBA\x9E \xC3\x9F \xCE\xA3 \xCF\x82",
		"Cafe\xCC\x81 na\xC3\xAFve \xC3\x85ngstr\xC3\xB6m \xE2\x84\xAB",
		"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xEA\xB8\x80 \xE3\x84\xB1\xE3\x85\x8F",
		"\xE1\xBE\xB3 \xE1\xBE\xBC \xE1\xBF\x83 \xCE\x90 \xCE\xB0",
		"q\xCC\xA3\xCC\x87 a\xCC\x81\xCC\xA3 \xE1\xBB\x87 s\xCC\x87\xCC\xA3",
		"\xEF\xB7\xBA \xE3\x8C\x80 \xE3\x8D\xBB \xE2\x85\xA8",
		"\xE0\xAD\x87\xE0\xAC\xBE \xE0\xB7\x99\xE0\xB7\x8F \xE0\xAE\x92\xE0\xAF\x97",
		("soft\xC2\xAD" "hyphen zero\xE2\x80\x8B" "width \xEF\xBB\xBF" "bom"),
		"\xF0\x9D\x90\x80\xF0\x9D\x90\x81 \xE2\x93\x90 \xEF\xBD\xB6\xEF\xBE\x9E",
		"\xD0\x99\xD0\xBE\xD0\xB4 \xD0\x81\xD0\xBB\xD0\xBA\xD0\xB0 \xD0\x98\xCC\x86",
		"\xE0\xA4\xA8\xE0\xA4\xBC \xE0\xA4\xA9 \xE0\xA5\x98",
		"x\xCD\x85 \xE1\xBE\xB7 \xCE\xB1\xCD\x82\xCD\x85",
		/* a Latin-1 letter, an ignored soft hyphen, then a mark */
		"\xC3\x89\xC2\xAD\xCC\xA7 e\xC2\xAD\xCC\x81 \xC3\xA9\xCC\xA7 \xC2\xA8\xCC\xA3 \xC2\xBD\xC3\x9F",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *ref = reference_fold(texts[i]);
		hs_norm *n = run(texts[i]);
		ck_assert_msg(strcmp(hs_norm_folded(n, NULL), ref) == 0, "text %zu: got '%s' want '%s'",
		              i, hs_norm_folded(n, NULL), ref);
		hs_norm_free(n);
		free(ref);
	}
}
END_TEST

/* ---- accents --------------------------------------------------------------------------- */

START_TEST(test_accents)
{
	expect("\xC3\xA9t\xC3\xA9 \xC3\xB1 \xC3\xBC\xC3\xA7", "\xC3\xA9t\xC3\xA9 \xC3\xB1 \xC3\xBC\xC3\xA7",
	       "ete n uc", " ete n uc ");
	/* Dutch ĳ (one character) is ij after NFKC */
	expect("\xC4\xB2sselmeer \xC4\xB3s", "ijsselmeer ijs", "ijsselmeer ijs", NULL);
	expect("Z\xC3\xBCrich Gar\xC3\xA7on na\xC3\xAFve \xC3\x89lys\xC3\xA9" "e", NULL,
	       "zurich garcon naive elysee", NULL);
	/* the stroke letters */
	expect("\xC3\x98resund \xC3\x86sir c\xC5\x93ur \xC5\x81\xC3\xB3" "d\xC5\xBA \xC4\x90" "akovo \xC4\xB1",
	       NULL, "oresund aesir coeur lodz dakovo i", NULL);
	/* Vietnamese stacked marks, Greek tonos */
	expect("Vi\xE1\xBB\x87t \xCE\xAC\xCE\xAD", NULL, "viet \xCE\xB1\xCE\xB5", NULL);
	/* Cyrillic й and ё keep their marks */
	expect("\xD0\x99\xD0\xBE\xD0\xB4 \xD1\x91", NULL, "\xD0\xB9\xD0\xBE\xD0\xB4 \xD1\x91", NULL);
	/* a combining mark on a Cyrillic letter without a precomposed form stays */
	expect("\xD0\xB0\xCC\x81", NULL, "\xD0\xB0\xCC\x81", NULL);
	/* a lone mark after a space is dropped; Hebrew points dropped */
	expect(" \xCC\x81x \xD7\xA9\xD7\x81\xD6\xB8\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D", NULL,
	       " x \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", NULL);
}
END_TEST

/* ---- obfuscation (terms) ------------------------------------------------------------------ */

START_TEST(test_obfuscation)
{
	expect("H4te", "h4te", "h4te", " hate ");
	expect_terms("k1ll them", " kill them ");
	expect_terms("h.a.t.e h-a-t-e h_a_t_e h*a*t*e", " hate hate hate hate ");
	expect_terms("h a t e", " hate ");
	expect_terms("h.4.t.e", " hate ");
	expect_terms("hateeeee!!!", " hate ");
	expect_terms("sc@m", " scam ");
	expect_terms("$cum ca$h", " scum cash ");
	expect_terms("l33t n00b w00t h4t3 1d10t sh!t", " leet noob woot hate idiot shit ");
	expect_terms("sooo goooood", " so god ");
	/* two letters stay */
	expect_terms("need zee", " need zee ");
	expect_terms("Schifffahrt", " schifahrt ");
	/* not obfuscations */
	expect_terms("3rd 10th 5km covid19 mp3 h8 4x4 b2b", " 3rd 10th 5km covid19 mp3 h8 4x4 b2b ");
	expect_terms("wow!! hate! really?!", " wow hate really ");
	expect_terms("il y a \xC3\xA0 faire, y a-t-il", " il y a a faire y a t il ");
	expect_terms("I am a boy. U.S.A. e.g. a-b", " i am a boy usa eg a b ");
	expect_terms("h  a  t  e", " h a t e ");
	/* folded and plain keep the original characters */
	expect("sc@m $cum h.a.t.e", "sc@m $cum h.a.t.e", "sc@m $cum h.a.t.e", " scam scum hate ");
}
END_TEST

START_TEST(test_numbers)
{
	expect("Om 10:30 in 2026, 1.5 km", "om 10:30 in 2026, 1.5 km", NULL, " om 10:30 in 2026 1.5 km ");
	expect_terms("2026-05-16 1,000 1337 0 1 3 4 5 7", " 2026-05-16 1,000 1337 0 1 3 4 5 7 ");
	expect_terms("$5 5$ 10:30.", " 5 5 10:30 ");
	expect_terms("Tel. 06-12345678", " tel 06-12345678 ");
}
END_TEST

/* ---- URLs, mentions, hashtags ---------------------------------------------------------------- */

START_TEST(test_masks)
{
	hs_norm *n;

	expect("see https://example.com/a_(b)?x=1. now", "see  . now", NULL, " see now ");
	expect("(http://x.nl/path) WWW.Rivertown.nl/news, ok", "( )  , ok", NULL, " ok ");
	expect("hi @alice and @bob@mastodon.social, @carol.bsky.social!", "hi   and  ,  !", NULL,
	       " hi and ");
	expect("mail jan.de-vries+x@example.org.", "mail  .", NULL, " mail ");
	/* not masks */
	expect("sc@m a@b 10:30 ftp:/x http:// www.", "sc@m a@b 10:30 ftp:/x http:// www.", NULL, NULL);
	expect_terms("e.g. example.com", " eg example com ");
	/* full-width forms are not masked, but fold to ASCII */
	expect("\xEF\xBC\xA0" "bob", "@bob", NULL, NULL);

	n = run("x https://a.b/\xC3\xA9t\xC3\xA9\xE2\x80\x9D y");
	ck_assert_str_eq(hs_norm_folded(n, NULL), "x  \xE2\x80\x9D y");
	ck_assert_uint_eq(hs_norm_masked(n), 1);
	hs_norm_free(n);

	n = run("https://a.example/1 https://b.example/2 @c");
	ck_assert_str_eq(hs_norm_folded(n, NULL), "     ");
	ck_assert_str_eq(hs_norm_terms(n, NULL), " ");
	ck_assert_uint_eq(hs_norm_masked(n), 3);
	hs_norm_free(n);
}
END_TEST

START_TEST(test_hashtags_emoji_scripts)
{
	expect("#StopHate #1 #h4te", "#stophate #1 #h4te", NULL, " stophate 1 hate ");
	expect("kill\xF0\x9F\x94\xAAyou", "kill\xF0\x9F\x94\xAAyou", NULL, " kill \xF0\x9F\x94\xAA you ");
	/* ZWJ family, flags, skin tone stay whole */
	expect("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
	       "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1\xF0\x9F\x87\xA7\xF0\x9F\x87\xAA \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
	       "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
	       "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1\xF0\x9F\x87\xA7\xF0\x9F\x87\xAA \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
	       NULL,
	       " \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
	       "\xF0\x9F\x87\xB3\xF0\x9F\x87\xB1 \xF0\x9F\x87\xA7\xF0\x9F\x87\xAA \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD ");
	/* emoji presentation selector kept after an emoji */
	expect("\xE2\x9D\xA4\xEF\xB8\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F", NULL, NULL);
	/* joiners inside words are dropped */
	expect("ha\xE2\x80\x8Dte ha\xE2\x80\x8Bte ha\xC2\xADte", "hate hate hate", NULL, " hate hate hate ");
	/* other scripts pass through */
	expect("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 "
	       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE0\xA4\xAE\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xA0\xE0\xA5\x80 "
	       "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",
	       "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 "
	       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE0\xA4\xAE\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xA0\xE0\xA5\x80 "
	       "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85",
	       NULL,
	       " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 "
	       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE0\xA4\xAE\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xA0\xE0\xA5\x80 "
	       "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 ");
	/* punctuation splits words in terms */
	expect_terms("don't l'homme anti-immigrant \xE2\x80\x9Cquote\xE2\x80\x9D", " don t l homme anti immigrant quote ");
}
END_TEST

/* ---- offsets ------------------------------------------------------------------------------ */

START_TEST(test_spans)
{
	const char *t = "Zij zeggen: H4TE \xC3\xA9\xC3\xA9n Stra\xC3\x9F" "e h.a.t.e hateeee #Rivertown!";

	expect_span(t, HS_NORM_TERMS, " hate ", "H4TE");
	expect_span(t, HS_NORM_TERMS, "hate", "H4TE");
	expect_span(t, HS_NORM_TERMS, " een ", "\xC3\xA9\xC3\xA9n");
	expect_span(t, HS_NORM_TERMS, " strasse ", "Stra\xC3\x9F" "e");
	expect_span(t, HS_NORM_TERMS, "ss", "\xC3\x9F");
	expect_span(t, HS_NORM_TERMS, " rivertown ", "Rivertown");
	expect_span(t, HS_NORM_TERMS, " een strasse ", "\xC3\xA9\xC3\xA9n Stra\xC3\x9F" "e");
	expect_span(t, HS_NORM_FOLDED, "h.a.t.e", "h.a.t.e");
	expect_span(t, HS_NORM_PLAIN, "een", "\xC3\xA9\xC3\xA9n");
	expect_span(t, HS_NORM_FOLDED, "\xC3\xA9", "\xC3\xA9");
	expect_span(t, HS_NORM_FOLDED, "#rivertown!", "#Rivertown!");
	/* h.a.t.e (the second one in terms) maps to the dotted source */
	{
		hs_norm *n = run(t);
		const char *s = hs_norm_terms(n, NULL);
		const char *h = strstr(strstr(s, " hate ") + 1, " hate ");
		const char *h3 = strstr(h + 1, " hate ");
		size_t a, b;
		hs_norm_span(n, HS_NORM_TERMS, (size_t)(h - s), (size_t)(h - s) + 6, &a, &b);
		ck_assert_int_eq((int)(b - a), 7);
		ck_assert_int_eq(memcmp(t + a, "h.a.t.e", 7), 0);
		hs_norm_span(n, HS_NORM_TERMS, (size_t)(h3 - s), (size_t)(h3 - s) + 6, &a, &b);
		ck_assert_int_eq(memcmp(t + a, "hateeee", b - a), 0);
		ck_assert_uint_eq(b - a, 7);
		/* a separator alone maps to the gap between the words */
		hs_norm_span(n, HS_NORM_TERMS, (size_t)(h - s), (size_t)(h - s) + 1, &a, &b);
		ck_assert_uint_eq(b - a, 1);
		ck_assert_int_eq(t[a], ' ');
		hs_norm_free(n);
	}
	/* a composed group (e, acute, dot below -> ẹ + acute) maps to the
	 * letter and all its marks, each part of it too */
	expect_span("xe\xCC\x81\xCC\xA3y", HS_NORM_FOLDED, "\xE1\xBA\xB9\xCC\x81", "e\xCC\x81\xCC\xA3");
	expect_span("xe\xCC\x81\xCC\xA3y", HS_NORM_FOLDED, "\xCC\x81", "e\xCC\x81\xCC\xA3");
	expect_span("xe\xCC\x81\xCC\xA3y", HS_NORM_PLAIN, "xey", "xe\xCC\x81\xCC\xA3y");
	/* a masked URL maps to the whole URL */
	expect_span("a http://x.nl/p b", HS_NORM_FOLDED, "a   b", "a http://x.nl/p b");
	/* ligature: both letters map to the one source character */
	expect_span("\xEF\xAC\x81", HS_NORM_FOLDED, "i", "\xEF\xAC\x81");
}
END_TEST

/* every word of a plain ASCII text is found in terms at its own position */
START_TEST(test_spans_cover_words)
{
	const char *t = "The council meeting at 10:30 was about the new asylum centre, "
	                "and people said they are planning a march on Saturday 16-05-2026!";
	hs_norm *n = run(t);
	const char *terms = hs_norm_terms(n, NULL);
	const char *p = t;

	while (*p) {
		const char *q = p;
		char word[64], pat[68], *w;
		size_t wl;
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z')) {
			p++;
			continue;
		}
		while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
			q++;
		wl = (size_t)(q - p);
		memcpy(word, p, wl);
		word[wl] = '\0';
		for (w = word; *w; w++)
			if (*w >= 'A' && *w <= 'Z')
				*w = (char)(*w + 32);
		snprintf(pat, sizeof(pat), " %s ", word);
		/* find the occurrence that maps to p */
		{
			const char *h = terms;
			bool found = false;
			while ((h = strstr(h, pat)) != NULL) {
				size_t a, b;
				hs_norm_span(n, HS_NORM_TERMS, (size_t)(h - terms),
				             (size_t)(h - terms) + strlen(pat), &a, &b);
				if (a == (size_t)(p - t)) {
					ck_assert_uint_eq(b, (size_t)(q - t));
					found = true;
					break;
				}
				h++;
			}
			ck_assert_msg(found, "word '%s' at %zu not mapped", word, (size_t)(p - t));
		}
		p = q;
	}
	hs_norm_free(n);
}
END_TEST

/* ---- edge cases ------------------------------------------------------------------------- */

START_TEST(test_empty)
{
	hs_norm *n = hs_norm_new();
	size_t l = 99;

	/* before any run */
	ck_assert_str_eq(hs_norm_folded(n, &l), "");
	ck_assert_uint_eq(l, 0);
	ck_assert_int_eq(hs_norm_run(n, "", 0), 0);
	check_invariants(n, "", 0);
	ck_assert_str_eq(hs_norm_folded(n, &l), "");
	ck_assert_uint_eq(l, 0);
	ck_assert_str_eq(hs_norm_plain(n, NULL), "");
	ck_assert_str_eq(hs_norm_terms(n, &l), " ");
	ck_assert_uint_eq(l, 1);
	ck_assert_int_eq(hs_norm_run(n, NULL, 0), 0);
	ck_assert_str_eq(hs_norm_terms(n, NULL), " ");
	/* errors leave empty views */
	ck_assert_int_eq(hs_norm_run(n, "abc", 3), 0);
	ck_assert_int_eq(hs_norm_run(n, NULL, 3), -1);
	ck_assert_str_eq(hs_norm_folded(n, &l), "");
	ck_assert_uint_eq(l, 0);
	ck_assert_str_eq(hs_norm_terms(n, NULL), "");
	ck_assert_int_eq(hs_norm_run(NULL, "abc", 3), -1);
	ck_assert_uint_eq(hs_norm_map_start(NULL, HS_NORM_FOLDED, 0), 0);
	ck_assert_str_eq(hs_norm_text(n, (hs_norm_view)7, &l), "");
	hs_norm_free(n);
	hs_norm_free(NULL);

	expect(" \t\n", " \t\n", " \t\n", " ");
	expect("!!! ... ???", "!!! ... ???", NULL, " ");
}
END_TEST

START_TEST(test_invalid_utf8)
{
	static const char *const bad[] = {
		"\xFF", "a\xC3", "\xC3(", "\xE2\x82", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80",
		"\xF0\x9F\x98", "h4te\x80\x80k1ll", "\xCC\x81\xFF\xCC\x81", "@\xFF x@\xFFy.com http://\xFF",
	};
	hs_norm *n = hs_norm_new();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i]);
		ck_assert_int_eq(hs_norm_run(n, bad[i], len), 0);
		check_invariants(n, bad[i], len);
	}
	ck_assert_int_eq(hs_norm_run(n, "a\xFF" "b", 3), 0);
	ck_assert_str_eq(hs_norm_folded(n, NULL), "a\xEF\xBF\xBD" "b");
	ck_assert_str_eq(hs_norm_terms(n, NULL), " a b ");
	/* NUL bytes: a space */
	ck_assert_int_eq(hs_norm_run(n, "a\0b\0", 4), 0);
	check_invariants(n, "a\0b\0", 4);
	ck_assert_str_eq(hs_norm_folded(n, NULL), "a b ");
	ck_assert_str_eq(hs_norm_terms(n, NULL), " a b ");
	hs_norm_free(n);
}
END_TEST

START_TEST(test_long_text)
{
	static const char *const parts[] = {
		"De demonstratie op het Marktplein ", "\xC3\xA9\xC3\xA9n ", "h4te ", "https://x.nl/a ",
		"@bob ", ("Stra\xC3\x9F" "e "), "\xF0\x9F\x94\xA5 ", "10:30 ", "e\xCC\x81 ",
	};
	size_t cap = (size_t)2 << 20, len = 0, k = 0;
	char *t = malloc(cap + 64);
	hs_norm *n = hs_norm_new();
	size_t fl, tl;

	while (len < cap) {
		const char *p = parts[k++ % (sizeof(parts) / sizeof(parts[0]))];
		memcpy(t + len, p, strlen(p));
		len += strlen(p);
	}
	t[len] = '\0';
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	check_invariants(n, t, len);
	hs_norm_folded(n, &fl);
	hs_norm_terms(n, &tl);
	ck_assert_uint_gt(fl, len / 2);
	ck_assert_uint_gt(tl, len / 3);
	/* one long word */
	memset(t, 'a', len);
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	ck_assert_str_eq(hs_norm_terms(n, NULL), " a ");
	ck_assert_uint_eq(hs_norm_map_end(n, HS_NORM_TERMS, 2), len);
	/* and a short one after it (buffers are released and regrown) */
	ck_assert_int_eq(hs_norm_run(n, "K1ll", 4), 0);
	ck_assert_str_eq(hs_norm_terms(n, NULL), " kill ");
	hs_norm_free(n);
	free(t);
}
END_TEST

/* Hostile shapes stay linear: thousands of marks on one letter (canonical
 * reordering), a long chain of single letters that does not join, many
 * '@' and "://" that are not masks. Each finishes well inside the test's
 * timeout only if linear (quadratic would be ~10^10 steps). */
START_TEST(test_pathological)
{
	size_t marks = 200000, len = 1 + marks * 2, k;
	char *t = malloc(len * 3 + 16);
	hs_norm *n = hs_norm_new();
	size_t fl;

	/* a + (U+0301 ccc 230, U+0316 ccc 220) x N: every 220 moves ahead */
	t[0] = 'a';
	for (k = 0; k < marks; k++)
		memcpy(t + 1 + 4 * k, "\xCC\x81\xCC\x96", 4);
	len = 1 + 4 * marks;
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	/* a, then all the 220s, then the 230s (a + first 230 compose to á) */
	hs_norm_folded(n, &fl);
	ck_assert_uint_eq(fl, len - 1); /* a + U+0301 (3 bytes) -> U+00E1 (2) */
	ck_assert_int_eq(memcmp(hs_norm_folded(n, NULL), "\xC3\xA1\xCC\x96\xCC\x96", 6), 0);
	ck_assert_str_eq(hs_norm_plain(n, NULL), "a");
	/* the same, small, against utf8proc */
	t[1 + 4 * 50] = '\0';
	{
		char *ref = reference_fold(t);
		ck_assert_int_eq(hs_norm_run(n, t, strlen(t)), 0);
		ck_assert_str_eq(hs_norm_folded(n, NULL), ref);
		free(ref);
	}
	/* "a a a ... " : a chain of weak single letters that never joins */
	for (k = 0; k < marks; k++)
		memcpy(t + 2 * k, "a ", 2);
	len = 2 * marks;
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	ck_assert_uint_eq(strlen(hs_norm_terms(n, NULL)), len + 1);
	/* "x.y.z." ... : joins, one long word */
	for (k = 0; k < marks; k++)
		memcpy(t + 2 * k, k % 2 ? "b." : "c.", 2);
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	ck_assert_uint_eq(strlen(hs_norm_terms(n, NULL)), marks + 2);
	/* @@@@... and :// without schemes, a@a@a@... */
	memset(t, '@', len);
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	ck_assert_uint_eq(hs_norm_masked(n), 0);
	for (k = 0; k < marks; k++)
		memcpy(t + 2 * k, k % 2 ? "a@" : "b.", 2);
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	for (k = 0; k + 3 <= len; k += 3)
		memcpy(t + k, "://", 3);
	ck_assert_int_eq(hs_norm_run(n, t, len), 0);
	ck_assert_uint_eq(hs_norm_masked(n), 0);
	hs_norm_free(n);
	free(t);
}
END_TEST

/* the same normaliser gives the same views whatever ran before */
START_TEST(test_reuse)
{
	static const char *const texts[] = {
		"\xE1\x84\x92\xE1\x85\xA1", "Caf\xC3\xA9 h4te", "@x https://y.z", "", "\xF0\x9F\x91\x8D\xE2\x80\x8D",
	};
	hs_norm *a = hs_norm_new();

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			hs_norm *b = run(texts[i]);
			ck_assert_int_eq(hs_norm_run(a, texts[i], strlen(texts[i])), 0);
			for (size_t v = 0; v < 3; v++)
				ck_assert_str_eq(hs_norm_text(a, all_views[v], NULL),
				                 hs_norm_text(b, all_views[v], NULL));
			hs_norm_free(b);
		}
	}
	hs_norm_free(a);
}
END_TEST

START_TEST(test_idempotent)
{
	static const char *const texts[] = {
		"Caf\xC3\xA9 \xEF\xAC\x81 \xC4\xB0 \xE1\xBA\x9E \xCE\xA3 h4te",
		"\xE1\xBE\xB3 \xE1\xBE\xBC x\xCD\x85 \xD0\x99 \xE0\xA4\xA9 \xEA\xAD\xB0",
		"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 1\xEF\xB8\x8F\xE2\x83\xA3 \xC3\x98 \xC5\x93",
		"a https://x.y/z b",
	};
	hs_norm *n = hs_norm_new(), *m = hs_norm_new();

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int v = 0; v < 2; v++) {
			size_t l;
			const char *s;
			ck_assert_int_eq(hs_norm_run(n, texts[i], strlen(texts[i])), 0);
			s = hs_norm_text(n, all_views[v], &l);
			ck_assert_int_eq(hs_norm_run(m, s, l), 0);
			ck_assert_uint_eq(hs_norm_masked(m), 0);
			ck_assert_str_eq(hs_norm_text(m, all_views[v], NULL), s);
		}
	}
	hs_norm_free(n);
	hs_norm_free(m);
}
END_TEST

/* ---- the ASCII paths against the general path ---------------------------------------- */

/* Do two runs agree byte for byte: views, both maps at every offset (and
 * one past the end), masks, source length? Returns NULL or what differs. */
static const char *same_runs(const hs_norm *a, const hs_norm *b)
{
	if (hs_norm_masked(a) != hs_norm_masked(b))
		return "masked";
	if (hs_norm_source_len(a) != hs_norm_source_len(b))
		return "source_len";
	for (size_t vi = 0; vi < 3; vi++) {
		hs_norm_view v = all_views[vi];
		size_t la, lb;
		const char *sa = hs_norm_text(a, v, &la), *sb = hs_norm_text(b, v, &lb);

		if (la != lb || memcmp(sa, sb, la + 1) != 0)
			return vi == 0 ? "folded" : vi == 1 ? "plain" : "terms";
		for (size_t k = 0; k <= la + 1; k++)
			if (hs_norm_map_start(a, v, k) != hs_norm_map_start(b, v, k) ||
			    hs_norm_map_end(a, v, k) != hs_norm_map_end(b, v, k))
				return vi == 0 ? "folded map" : vi == 1 ? "plain map" : "terms map";
	}
	return NULL;
}

static uint64_t diff_seed;

static uint64_t diff_rnd(void)
{
	uint64_t z = (diff_seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Pieces the generated texts are made of: masks and near misses, numbers,
 * obfuscations, single-letter chains, repeats, separators, controls. */
static const char *const diff_pieces[] = {
	"http://", "https://x.example/a_(b)", "HTTPS://EX.ORG/P?q=1.", "ftp://h", "a1+b://x",
	"www.", "WWW.example.org/x)", "wwww.x.y", "@", "@a", "@Bob_1", "@a.b-c@in.st", "x@y",
	"a@b.cd", "Foo.Bar@Baz.Qux", "mail@x", "@@", "h4te", "H4T3", "k1ll", "l33t", "1d10t",
	"sc@m", "$cum", "$TSLA", "sh!t", "wow!!", "!!!", "h.a.t.e", "H A T E", "h-4-t-e",
	"h_a_t_e", "h*a*t*e", "e.g", "u.s", "i a", "il y a", "hhh a t e", "x.y.z", "2026-05-16",
	"10:30", "1.5", "3,14", "1/2", "1337", "3rd", "covid19", "mp3", "0", "1", "2", "3", "4",
	"5", "7", "9", "aaa", "eeeee", "Schifffahrt", "need", "ooo", "a", "I", "x", "#StopHate",
	"don't", "l'homme", " ", "  ", ".", "-", "_", "*", ",", ":", "/", "!", "$", "(", ")", "[",
	"]", "\t", "\n", "\r\n", "\x01", "\x1f", "\x7f", "\"", "<", ">", "`", "{", "|", "\\",
	"^", "~", "'", "?", ";",
};

/* A random ASCII text (NUL bytes included when with_nul) into buf (at
 * least 600 bytes); returns its length. */
static size_t diff_text(char *buf, bool with_nul)
{
	size_t n = 0;
	unsigned parts = (unsigned)(diff_rnd() % 48), mode = (unsigned)(diff_rnd() % 4);
	static const char obf_alpha[] = "aAeEhHtTiIsS0134578@$!. -_*:/,";

	for (unsigned p = 0; p < parts && n < 500; p++) {
		unsigned r = (unsigned)(diff_rnd() % 8);
		if (mode == 0 || r == 0) {
			/* random bytes: printable mostly, any ASCII sometimes */
			unsigned k = 1 + (unsigned)(diff_rnd() % 8);
			for (unsigned q = 0; q < k; q++) {
				char c = diff_rnd() % 4 ? (char)(0x20 + diff_rnd() % 95)
				                        : (char)(diff_rnd() % 128);
				buf[n++] = c || with_nul ? c : ' ';
			}
		} else if (mode == 1 && r < 5) {
			unsigned k = 1 + (unsigned)(diff_rnd() % 6);
			for (unsigned q = 0; q < k; q++)
				buf[n++] = obf_alpha[diff_rnd() % (sizeof(obf_alpha) - 1)];
		} else {
			const char *s = diff_pieces[diff_rnd() % (sizeof(diff_pieces) /
			                                          sizeof(*diff_pieces))];
			size_t sl = strlen(s);
			memcpy(buf + n, s, sl);
			n += sl;
		}
		if (diff_rnd() % 2)
			buf[n++] = diff_rnd() % 5 ? ' ' : '.';
	}
	buf[n] = '\0';
	return n;
}

static void diff_one(hs_norm *a, hs_norm *b, const char *text, size_t len)
{
	const char *what;

	ck_assert_int_eq(hs_norm_run(a, text, len), 0);
	ck_assert_int_eq(hs_norm_run_general(b, text, len), 0);
	what = same_runs(a, b);
	if (what) {
		char hex[2 * 700 + 1];
		size_t hl = 0;
		for (size_t i = 0; i < len && hl + 2 < sizeof(hex); i++)
			hl += (size_t)snprintf(hex + hl, sizeof(hex) - hl, "%02x", (unsigned char)text[i]);
		ck_abort_msg("fast path != general path (%s) on \"%s\" (hex %s)", what, text, hex);
	}
}

START_TEST(test_ascii_fast_path)
{
	static const char *const fixed[] = {
		"", " ", "a", "A", "\x01", "Hello World", "I hate h4te and H.A.T.E!!",
		"see https://example.org/a_(b). and www.x.org, @alice, bob@mail.example",
		"sc@m $cum $TSLA sh!t wow!! 1d10t l33t 2026-05-16 10:30 hateeeee sooo need",
		"h a t e, il y a, e.g, u.s, x.y, h-4-t-e, h_a_t_e, hhh a t e, a.a.a.b",
		"tab\there\nnew\r\nline\x7f del \x1f",
	};
	hs_norm *a = hs_norm_new(), *b = hs_norm_new();
	char buf[700];

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		diff_one(a, b, fixed[i], strlen(fixed[i]));
	/* with NUL bytes: a run over the text's real length */
	diff_one(a, b, "a\0b c\0\0d", 8);
	diff_seed = 0x6173636969ULL; /* "ascii" */
	for (int it = 0; it < 200000; it++) {
		bool with_nul = it % 8 == 0;
		size_t len = diff_text(buf, with_nul);
		diff_one(a, b, buf, len);
		/* a run on one normaliser after another text, too */
		if (it % 1000 == 0)
			check_invariants(a, buf, len);
	}
	hs_norm_free(a);
	hs_norm_free(b);
}
END_TEST

/* Texts whose folded view is ASCII but the text is not (full-width
 * letters, ligatures, soft hyphen, sharp s, ...): the ASCII terms path. */
START_TEST(test_ascii_folded_path)
{
	static const char *const extra[] = {
		"\xef\xbd\x88\xef\xbd\x94\xef\xbd\x94\xef\xbd\x90://x", /* full-width http */
		"\xef\xac\x81", "\xc2\xad", "\xc3\x9f", "\xe2\x84\xa2", "\xe2\x80\xa6", "\xc2\xb2",
		"\xe2\x80\x8b", "\xef\xbc\xa8\xef\xbc\x94", "\xc3\xa9", "\xe2\x80\x99",
		"\xf0\x9f\x94\xa5", "\xff",
	};
	hs_norm *a = hs_norm_new(), *b = hs_norm_new();
	char buf[700];

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	diff_seed = 0x666f6c646564ULL; /* "folded" */
	for (int it = 0; it < 50000; it++) {
		size_t len = diff_text(buf, false);
		unsigned k = 1 + (unsigned)(diff_rnd() % 4);
		for (unsigned q = 0; q < k; q++) {
			const char *x = extra[diff_rnd() % (sizeof(extra) / sizeof(*extra))];
			size_t xl = strlen(x), at = len ? (size_t)(diff_rnd() % (len + 1)) : 0;
			if (len + xl >= sizeof(buf))
				break;
			memmove(buf + at + xl, buf + at, len - at + 1);
			memcpy(buf + at, x, xl);
			len += xl;
		}
		diff_one(a, b, buf, len);
	}
	hs_norm_free(a);
	hs_norm_free(b);
}
END_TEST

/* hs_norm_run_views against the general path (hs_norm_run_general): the
 * same views byte for byte and the same maps, on the generated texts above
 * and on plain and accented prose (where the map-free paths are taken,
 * which the test counts so it cannot pass without them). */
static size_t views_calls;

static void views_one(hs_norm *a, hs_norm *b, const char *text, size_t len, size_t *fast)
{
	ck_assert_int_eq(hs_norm_run_views(a, text, len), 0);
	ck_assert_int_eq(hs_norm_run_general(b, text, len), 0);
	for (size_t vi = 0; vi < 3; vi++) {
		size_t la, lb;
		const char *sa = hs_norm_text(a, all_views[vi], &la);
		const char *sb = hs_norm_text(b, all_views[vi], &lb);
		if (la != lb || memcmp(sa, sb, la + 1) != 0)
			ck_abort_msg("run_views != run (view %zu) on \"%s\": \"%s\" vs \"%s\"", vi,
			             text, sa, sb);
	}
	if (!hs_norm_has_maps(a))
		(*fast)++;
	/* the maps, built or computed on demand, at every offset: O(length^2)
	 * on demand, so for the first 3,000 texts and every 16th after that
	 * (valgrind runs this test too) */
	if (++views_calls > 3000 && views_calls % 16 != 0)
		return;
	const char *what = same_runs(a, b);
	if (what)
		ck_abort_msg("run_views != run (%s) on \"%s\"", what, text);
}

/* Prose into buf (cap bytes): 1 to max_words words, each one of
 * common[0..4) except one in `odds`, which is one of rare[0..n_rare);
 * separated by a space, or now and then by punctuation. Returns its
 * length. */
static size_t prose(char *buf, size_t cap, unsigned max_words, unsigned odds,
                    const char *const *common, const char *const *rare, size_t n_rare)
{
	size_t len = 0;
	unsigned nw = 1 + (unsigned)(diff_rnd() % max_words);

	for (unsigned k = 0; k < nw; k++) {
		const char *w = diff_rnd() % odds ? common[diff_rnd() % 4] : rare[diff_rnd() % n_rare];
		size_t wl = strlen(w);
		if (len + wl + 2 >= cap)
			break;
		memcpy(buf + len, w, wl);
		len += wl;
		buf[len++] = diff_rnd() % 6 ? ' ' : ",.;:-_*"[diff_rnd() % 7];
	}
	buf[len] = '\0';
	return len;
}

START_TEST(test_views_without_maps)
{
	static const char *const words[] = {
		"the", "a", "I", "it's", "s", "x", "e.g.", "U.S.", "market", "Bridge", "need",
		"zee", "1", "5", "2026", "10:30", "1.5", "3,14", "2026-05-16", "x-ray", "well-known",
		"wow!", "ok!!", "!", "$", "@", "-", "--", "...", "(", ")", "\"", "'", "a.b", "i a",
		"il y a", "y a t il", "h a t e", "b c d", "b.c", "b-c-d", "3rd", "h4te", "sooo",
		"aa", "hmm", "Straße", "www.x.org", "@bob", "https://x.org/a", "#tag", "\t", "\n",
		"abcdefghhh", "abcdeffgg", "abcdefgggh", "abcdefghiijjkkll", "zzzzzzzzzzzz",
		"aabbaabbaabbaabbccc", "abcdefghijklmnopqrstuvwxyzzz", "mississippi", "bookkeeper",
	};
	hs_norm *a = hs_norm_new(), *b = hs_norm_new();
	char buf[700];
	size_t fast = 0, n_prose = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	diff_seed = 0x7669657773ULL; /* "views" */
	for (int it = 0; it < 30000; it++) {
		size_t len = diff_text(buf, it % 8 == 0);
		views_one(a, b, buf, len, &fast);
	}
	fast = 0;
	for (int it = 0; it < 60000; it++) {
		/* mostly ordinary words, sometimes a tricky one */
		size_t len = prose(buf, sizeof(buf), 30, 4, words + 8, words,
		                   sizeof(words) / sizeof(*words));
		views_one(a, b, buf, len, &fast);
		n_prose++;
	}
	/* the map-free path must have been taken for a good share of prose */
	ck_assert_msg(fast * 5 >= n_prose, "map-free path taken for only %zu of %zu texts", fast,
	              n_prose);
	/* accented Latin prose: the map-free Latin path, against the general
	 * path, and hs_norm_run (which fills its maps from that path) too */
	static const char *const latin[] = {
		"café", "marché", "fermé", "één", "Straße", "naïve", "Öl", "über", "garçon",
		"cœur", "l’école", "qu’ils", "«", "»", "—", "–", "…", "€5", "déjà", "hôtel",
		"ÉCOLE", "\xc2\xa0", "mañana", "Ærø", "ĳs", "þorn", "ﬁn", "ideeën",
	};
	size_t fast_latin = 0, n_latin = 0;
	for (int it = 0; it < 8000; it++) {
		size_t len = prose(buf, sizeof(buf), 25, 3, words + 8, latin,
		                   sizeof(latin) / sizeof(*latin));
		views_one(a, b, buf, len, &fast_latin);
		diff_one(a, b, buf, len);
		n_latin++;
	}
	ck_assert_msg(fast_latin * 5 >= n_latin, "Latin map-free path taken for only %zu of %zu",
	              fast_latin, n_latin);
	hs_norm_free(a);
	hs_norm_free(b);
}
END_TEST

static Suite *normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("views");

	tcase_add_test(tc, test_nfkc);
	tcase_add_test(tc, test_casefold);
	tcase_add_test(tc, test_reference_fold);
	tcase_add_test(tc, test_accents);
	tcase_add_test(tc, test_obfuscation);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_masks);
	tcase_add_test(tc, test_hashtags_emoji_scripts);
	suite_add_tcase(s, tc);

	tc = tcase_create("maps");
	tcase_add_test(tc, test_spans);
	tcase_add_test(tc, test_spans_cover_words);
	suite_add_tcase(s, tc);

	tc = tcase_create("edge");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_long_text);
	tcase_add_test(tc, test_pathological);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_idempotent);
	suite_add_tcase(s, tc);

	tc = tcase_create("fast");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_ascii_fast_path);
	tcase_add_test(tc, test_ascii_folded_path);
	tcase_add_test(tc, test_views_without_maps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(normalize_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
