/* hearsay: language identification of short posts (en, nl, fr, de).
 *
 * hs_langid_detect() says which of English, Dutch, French or German a text
 * is written in, or "unknown" when it is not sure: a wrong language is
 * worse than none (a post scored with the wrong lexicon gets a meaningless
 * sentiment), so the detector abstains on short texts, mixed texts, ties
 * and texts in other languages.
 *
 * Method (hearsay's own; word lists and letters written for hearsay):
 *   - Text is cut into words: runs of letters and marks, lowercased, with
 *     inner apostrophes kept (U+2019 read as '). Chunks that are URLs,
 *     @mentions, e-mail addresses or #hashtags are skipped, and so are
 *     words with digits.
 *   - Each word found in a language's list of function words (articles,
 *     pronouns, prepositions, conjunctions, auxiliaries, negations,
 *     question words and a few very common adverbs) scores 1 for that
 *     language; a word in several lists scores for each. A word with an
 *     apostrophe that is in no list is also tried as its two parts
 *     ("l'école" -> "l'" + "école", "qu'il" -> "qu'" + "il").
 *   - A word with letters that only some languages use scores 0.5 for
 *     each of them, once per word (é è ê ç œ for French, ä ö ü ß for
 *     German, ë ï ĳ for Dutch, ñ ã å ø ł ... for the others), and so does
 *     each of a few letter sequences ("ij" and "aa" for Dutch, "th" for
 *     English, "sch" for German and Dutch ...).
 *   - Besides en, nl, fr and de, ten other European languages have short
 *     word and letter lists (es, it, pt, af, sv, da, pl, ro, cs, tr): they
 *     are never returned, but when one of them wins, or comes close, the
 *     answer is "unknown".
 *   - Decision: the text needs at least HS_LANGID_MIN_WORDS words and
 *     HS_LANGID_MIN_LETTERS letters, at least 70 % of its letters Latin;
 *     the best language must be one of the four, score at least
 *     HS_LANGID_MIN_SCORE, beat the runner-up (of all fourteen) by
 *     HS_LANGID_MIN_MARGIN and hold at least HS_LANGID_MIN_SHARE of the
 *     four languages' total score.
 *   - Mixed texts: the text is also cut into parts (at '.', '!', '?', ';'
 *     ending a chunk, a chunk that is just '/', '|', '-' or '*', and line
 *     ends); when the rule above, applied to a part alone, picks another
 *     language than for the whole text, the answer is "unknown".
 *   Anything else is "unknown".
 *
 * Measured on tests/fixtures/sentiment/langid.tsv (431 short texts): 99.3 %
 * right, no wrong language, 0.8 % of the en/nl/fr/de texts "unknown"
 * (docs/sentiment.md, "Language detection").
 *
 * Ownership and threads: hs_langid_new builds the word table once; the
 * result is immutable and may be shared by any number of threads.
 * hs_langid_detect allocates nothing and returns static strings. No
 * global mutable state.
 */
#ifndef HS_LANGID_H
#define HS_LANGID_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_langid hs_langid;

#define HS_LANGID_MIN_WORDS 3
#define HS_LANGID_MIN_LETTERS 12
#define HS_LANGID_MIN_SCORE 2.0
#define HS_LANGID_MIN_MARGIN 1.5
#define HS_LANGID_MIN_SHARE 0.5

/* The detector, or NULL on out of memory. Free with hs_langid_free. */
hs_langid *hs_langid_new(void);
void hs_langid_free(hs_langid *li);

/* "en", "nl", "fr", "de" or "unknown" for text[0..len) (any bytes; text
 * may be NULL if len is 0; only the first HS_LANGID_MAX_SCAN bytes are
 * read). A static string. */
const char *hs_langid_detect(const hs_langid *li, const char *text, size_t len);

#define HS_LANGID_MAX_SCAN ((size_t)4096)

/* What the decision was based on, for tests and tuning. */
typedef struct hs_langid_result {
	const char *lang;        /* what hs_langid_detect returns */
	const char *best;        /* best scoring language ("" if none scored) */
	const char *second;      /* runner-up ("" if none) */
	double best_score, second_score;
	double share;            /* best_score / the four languages' scores */
	size_t words, letters;   /* counted words and their letters */
	const char *why;         /* for "unknown": "short", "script", "low score",
	                          * "other language", "margin", "mixed"; ""
	                          * otherwise */
} hs_langid_result;

/* hs_langid_detect, with the details in *res (if not NULL). */
const char *hs_langid_detect_ex(const hs_langid *li, const char *text, size_t len,
                                hs_langid_result *res);

#ifdef __cplusplus
}
#endif
#endif
