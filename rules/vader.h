/* hearsay: English sentiment scoring with VADER (Hutto & Gilbert, 2014).
 *
 * A C re-implementation of the reference Python scorer (cjhutto/
 * vaderSentiment, vaderSentiment.py, SentimentIntensityAnalyzer.
 * polarity_scores) that gives the same four numbers for the same text,
 * rounded the same way (neg, neu, pos to 3 decimals, compound to 4, with
 * Python's round()). tests/unit/test_vader.c checks it against 3,000
 * sentences scored by the reference (tests/fixtures/sentiment/); what it
 * does, rule by rule, is in docs/sentiment.md and vader.c.
 *
 * Use:
 *   hs_errs errs = HS_ERRS_INIT;
 *   hs_vader *v = hs_vader_load("rules/lexicons/en/vader_lexicon.txt",
 *                               "rules/lexicons/en/emoji_utf8_lexicon.txt",
 *                               &errs);          NULL: see errs
 *   hs_vader_scratch *s = hs_vader_scratch_new();    one per thread
 *   hs_sentiment r;
 *   hs_vader_score(v, s, text, len, &r);
 *   hs_vader_scratch_free(s);
 *   hs_vader_free(v);
 *
 * Files. The lexicon has one entry per line, TOKEN<TAB>VALENCE, and any
 * further tab-separated fields are ignored (the distributed file carries a
 * standard deviation and the ten raw ratings). VALENCE is a decimal number
 * in -4..4 ("-1.5", "2", "+0.25", "1e-1"; at most 15 significant digits,
 * no "inf" or "nan"), read exactly as Python's float() would, whatever the
 * C locale. The emoji lexicon has one
 * EMOJI<TAB>DESCRIPTION per line; an emoji that is one code point is
 * replaced in the text by its description, as the reference does; longer
 * keys (ZWJ sequences, flags, keycaps) are accepted but never match,
 * exactly as in the reference, which looks at one code point at a time.
 * In both files: UTF-8, '\n' or "\r\n" line ends, blank lines skipped,
 * whitespace at either end of a line ignored (but a tab at the start, which
 * makes an empty token), a later duplicate of a token or emoji replaces the
 * earlier one (the reference builds a Python dict). Tokens are at most 255
 * bytes. Lexicon tokens are kept as written; words are lowercased before
 * lookup, so a token with capitals never matches (as in the reference).
 *
 * Input text is UTF-8. Ill-formed sequences do not fail: each ill-formed
 * byte is one character that is neither a letter, nor whitespace, nor
 * punctuation (as U+FFFD would be), so it stays part of its word and the
 * word matches no lexicon entry. NUL bytes are ordinary characters too.
 *
 * Ownership: an hs_vader owns copies of everything it read; the paths and
 * buffers given to the loaders are not kept. A scratch owns its buffers;
 * hs_vader_score borrows text for the duration of the call. hs_errs
 * messages belong to the caller's list.
 *
 * Thread-safety: a loaded hs_vader is never written again; any number of
 * threads may score with it at once, each with its own scratch. A scratch
 * is used by one thread at a time. The loaders and hs_vader_free are not
 * concurrent with scoring on the same hs_vader. No global mutable state.
 *
 * Speed: one pass to cut words (with an emoji pass first only if the text
 * has a non-ASCII byte; ASCII words eight bytes at a time), one hash lookup
 * per word (batched after the cut so that their cache misses overlap), one
 * pass to score; no allocation per post once the scratch buffers are big
 * enough (after a post over 256 KiB they are released at the next smaller
 * post). See tests/bench/bench_vader.c.
 */
#ifndef HS_VADER_H
#define HS_VADER_H

#include <stddef.h>

#include "hearsay/errors.h"
#include "sentiment_types.h" /* hs_sentiment, shared with rules/lexsent.h */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_vader hs_vader;
typedef struct hs_vader_scratch hs_vader_scratch;

/* hs_vader_score fills an hs_sentiment (sentiment_types.h) with the
 * reference's four scores: neg, neu and pos are the shares of negative,
 * neutral and positive weight (each in 0..1, rounded to 3 decimals,
 * summing to about 1); compound is the normalised sum of all word
 * valences, in -1..1, rounded to 4 decimals. */

/* hs_vader_score results. */
#define HS_VADER_OK 0        /* scored: the text has at least one word */
#define HS_VADER_NO_WORDS 1  /* no word at all (empty or only whitespace):
                              * all four scores 0, as the reference gives */
#define HS_VADER_ERROR (-1)  /* bad argument, text too long or out of
                              * memory: all four scores 0 */

/* Longest text hs_vader_score accepts, in bytes. */
#define HS_VADER_MAX_TEXT ((size_t)64 * 1024 * 1024)
/* Largest lexicon or emoji file the loaders accept, in bytes. */
#define HS_VADER_MAX_FILE ((size_t)64 * 1024 * 1024)

/* Load both lexicons from files. emoji_path may be NULL: no emoji is then
 * replaced. Every problem is appended to errs (may be NULL) as
 * "file:line: reason" ("file: reason" for a file that cannot be read):
 *   missing tab, empty token, token longer than 255 bytes, valence not a
 *   number, valence out of range -4..4, empty emoji, missing or empty
 *   description, invalid UTF-8 (or a NUL byte);
 * all lines are checked, not just up to the first error. Returns the
 * scorer, or NULL if there was any error (or on out of memory, reported
 * too) or lexicon_path is NULL. The caller frees it with hs_vader_free. */
hs_vader *hs_vader_load(const char *lexicon_path, const char *emoji_path, hs_errs *errs);

/* The same from memory: lex[0..lex_len) and emoji[0..emoji_len) are the
 * files' contents (emoji may be NULL), lex_name and emoji_name (may be
 * NULL) name them in messages. The buffers are only read during the
 * call. */
hs_vader *hs_vader_load_mem(const char *lex, size_t lex_len, const char *lex_name,
                            const char *emoji, size_t emoji_len, const char *emoji_name,
                            hs_errs *errs);

void hs_vader_free(hs_vader *v);

/* Number of distinct lexicon tokens, and of distinct one-code-point emoji
 * (the ones that can match), loaded. 0 for NULL. */
size_t hs_vader_lexicon_size(const hs_vader *v);
size_t hs_vader_emoji_size(const hs_vader *v);

/* Lexicon valence of word[0..len) as the scorer sees it, that is after
 * lowercasing (the lexicon itself is not lowercased: its few entries with
 * capitals, such as ":D", never match, as in the reference). Returns 1 and
 * sets *valence (if not NULL) if found, else 0. */
int hs_vader_lookup(const hs_vader *v, const char *word, size_t len, double *valence);

/* Per-thread work buffers. NULL on out of memory. */
hs_vader_scratch *hs_vader_scratch_new(void);
void hs_vader_scratch_free(hs_vader_scratch *s);

/* Score text[0..len) (text may be NULL when len is 0). Fills *out and
 * returns HS_VADER_OK, HS_VADER_NO_WORDS or HS_VADER_ERROR (see above).
 * Reads v, writes only s and *out. Note that text with no letters still
 * has words: "!!!", a URL or an emoji alone is one or more neutral words
 * (neu = 1, or the emoji description's score), as in the reference. */
int hs_vader_score(const hs_vader *v, hs_vader_scratch *s, const char *text, size_t len,
                   hs_sentiment *out);

#ifdef __cplusplus
}
#endif
#endif
