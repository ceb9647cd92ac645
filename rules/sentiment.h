/* hearsay: sentiment of a post in its language.
 *
 * A set of sentiment models is loaded from one lexicon directory:
 *   DIR/en/vader_lexicon.txt + DIR/en/emoji_utf8_lexicon.txt   English, VADER
 *   DIR/LANG/sentiment.lex                                     any other
 *                                                               language, by
 *                                                               lexicon
 * (docs/sentiment.md documents both formats; an operator adds a language by
 * adding a directory with a sentiment.lex whose "language" line names it).
 *
 * hs_sentiment_score picks the model by the post's language: the
 * collector's language tag when there is one (its primary subtag: "nl-BE"
 * is "nl"), else the language hs_langid detects, else none. Without a
 * model for that language, or without a language, the post is unscored;
 * so is a text in which the model finds nothing to score.
 *
 * Ownership and threads: a loaded hs_sentiment_models is immutable and
 * may be shared by any number of threads; each thread scores with its own
 * hs_sentiment_scratch. Load and free happen on one thread, never while
 * another thread scores with the models.
 */
#ifndef HS_SENTIMENT_H
#define HS_SENTIMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "hearsay/errors.h"
#include "rules/sentiment_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_sentiment_models hs_sentiment_models;
typedef struct hs_sentiment_scratch hs_sentiment_scratch;

#define HS_SENTIMENT_MAX_LANGS 32

/* Load every model in dir (see above). Every error of every file goes to
 * errs ("file:line: reason"); a directory with no model at all is an
 * error too. Returns NULL if anything failed. */
hs_sentiment_models *hs_sentiment_load_dir(const char *dir, hs_errs *errs);
void hs_sentiment_models_free(hs_sentiment_models *m);

/* The languages with a model, e.g. "en", "fr", "nl", sorted; n in *n. */
const char *const *hs_sentiment_languages(const hs_sentiment_models *m, size_t *n);
bool hs_sentiment_has_language(const hs_sentiment_models *m, const char *lang);

hs_sentiment_scratch *hs_sentiment_scratch_new(void);
void hs_sentiment_scratch_free(hs_sentiment_scratch *s);

/* Results of hs_sentiment_score. */
#define HS_SENT_SCORED 0     /* *out holds the scores */
#define HS_SENT_NO_WORDS 1   /* the model found nothing to score; *out is what
                              * it gives then (VADER, as the reference: all 0;
                              * a lexicon: 0 / 1 / 0 / 0) */
#define HS_SENT_NO_MODEL 2   /* language unknown or without a model: 0 / 1 / 0 / 0 */
#define HS_SENT_ERROR (-1)   /* out of memory or bad arguments */

/* Score text[0..len) (any bytes) in language lang_hint (a collector's tag,
 * may be NULL or ""), detecting the language if there is no hint. *lang
 * (if not NULL) gets the language used: a static or model-owned string,
 * "unknown" when there was none. */
int hs_sentiment_score(const hs_sentiment_models *m, hs_sentiment_scratch *s,
                       const char *text, size_t len, const char *lang_hint,
                       hs_sentiment *out, const char **lang);

/* The same in language lg (as hs_sentiment_language returns it), for a
 * caller that needs the language itself too: the text is not looked at
 * to find it. */
int hs_sentiment_score_in(const hs_sentiment_models *m, hs_sentiment_scratch *s,
                          const char *text, size_t len, const char *lg, hs_sentiment *out,
                          const char **lang);

/* The language hs_sentiment_score would use: the hint's primary subtag
 * (lower case, copied into buf of at least 9 bytes) if there is a hint,
 * else the detected language or "unknown". */
const char *hs_sentiment_language(const hs_sentiment_models *m, const char *text, size_t len,
                                  const char *lang_hint, char buf[9]);

#ifdef __cplusplus
}
#endif
#endif
