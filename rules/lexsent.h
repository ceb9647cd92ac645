/* hearsay: sentiment from a polarity lexicon (Dutch, French, and any
 * language an operator writes a lexicon file for).
 *
 * The method is the one of the lexicons' authors (T. De Smedt and
 * W. Daelemans, University of Antwerp, as in their Pattern library's
 * Sentiment class), re-implemented from its description:
 *
 *   Text is cut into tokens and folded (below). Each token that is a word
 *   or symbol entry of the lexicon gives an "assessment" with the entry's
 *   polarity p (-1..1), subjectivity s and intensity i. Other tokens give
 *   nothing: unknown words do not pull the average towards 0.
 *   - modifier: a known word that is a modifier entry multiplies the next
 *     known word: the two make one assessment with p = clamp(p_next *
 *     i_modifier) (and s likewise), which replaces the modifier's own
 *     assessment ("erg goed", "vraiment bon"). The modifier reaches across
 *     tokens of up to 2 characters ("très , bon"); a longer unknown token
 *     ends it. Chains work ("heel erg goed").
 *   - negation: a negation word reaches the next known word (across tokens
 *     of one character, apostrophes not counted) and marks its assessment
 *     as negated: its polarity counts as p * -0.5 ("niet goed" is mildly
 *     negative, "pas mauvais" mildly positive), and the intensity it hands
 *     on to a following word becomes 1 / i. A negation that comes while a
 *     modifier ending in one of the lexicon's adverb suffixes is still
 *     waiting negates that modifier's own assessment ("vraiment pas bon":
 *     bon then replaces it, negated).
 *   - '!': each exclamation mark multiplies the polarity of the latest
 *     assessment by 1.25 (clamped to -1..1).
 *   - symbol entries (emoticons, emoji) are assessed on their own, after
 *     the rules for unknown tokens have run for them, as the authors do.
 *   compound is the mean polarity of all assessments (negated ones as
 *   p * -0.5): the authors' sentence polarity, -1..1, not rounded.
 *
 * neg, neu, pos (hearsay's definition, the authors give no such split):
 * shares of the text's words. Every word counts 1; an assessment with final
 * polarity p > 0 moves p of its weight to pos, one with p < 0 moves -p to
 * neg; the rest stays neu. So pos = sum of positive p / W, neg = sum of
 * -p over negative p / W, neu = 1 - pos - neg, with W = the number of
 * words (tokens with a letter) plus assessed symbols (at least the number
 * of assessments). A text with no assessment (empty, no words, or no word
 * of the lexicon) is neutral: neg 0, neu 1, pos 0, compound 0
 * (HS_LEXSENT_NONE).
 *
 * Folding: the text and the lexicon's forms go through the same folding:
 * NFKC + Unicode case folding with default-ignorable characters dropped
 * (utf8proc STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE), U+2019 and U+02BC
 * become "'", U+2010/U+2011 become "-". Accents are kept ("é" is not
 * "e"); a lexicon lists the unaccented spellings it wants to match (the
 * French one does, as its authors do). Ill-formed UTF-8 bytes become
 * U+FFFD (a symbol that matches nothing), NUL bytes and control
 * characters are whitespace. Any bytes are accepted.
 *
 * Tokens: whitespace separates chunks. A chunk holding "://", starting
 * with "www.", or holding '@' before a letter or digit (URLs, mentions,
 * e-mail addresses) is skipped whole, as if it were not there. In a chunk, a word is a run of
 * letters, marks and digits, with single "'" or "-" between two of them
 * kept inside ("chef-d'oeuvre"); a word followed by "'" that the lexicon
 * knows with it ("n'") takes it. A word starting with one of the
 * lexicon's elisions is split after it ("l'horreur" -> "l'" "horreur").
 * Any other character is a token of its own, unless a symbol entry of the
 * lexicon starts there: the longest one that matches is taken (":-)",
 * "<3", an emoji). Hashtags are words ("#top" -> "#" "top").
 *
 * Long texts are read in windows of HS_LEXSENT_WINDOW bytes cut at ASCII
 * whitespace (a run of over HS_LEXSENT_WINDOW bytes without one is cut
 * anywhere between characters): memory stays bounded for any length.
 *
 * Ownership: an hs_lexsent owns copies of everything it read. A scratch
 * owns its buffers. Text is only read during a call. Error messages
 * belong to the caller's hs_errs.
 *
 * Thread-safety: a loaded hs_lexsent is immutable; any number of threads
 * may score with it at once, each with its own scratch (a scratch is used
 * by one thread at a time). Loading and hs_lexsent_free must not overlap
 * scoring on the same lexicon. No global mutable state.
 *
 * File format: docs/sentiment.md, "Dutch, French and other languages
 * (lexicons)", and the loader below.
 */
#ifndef HS_LEXSENT_H
#define HS_LEXSENT_H

#include <stddef.h>

#include "hearsay/errors.h"
#include "rules/sentiment_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_lexsent hs_lexsent;
typedef struct hs_lexsent_scratch hs_lexsent_scratch;

/* hs_lexsent_score results. */
#define HS_LEXSENT_OK 0      /* at least one assessment */
#define HS_LEXSENT_NONE 1    /* no assessment: 0 / 1 / 0 / 0 */
#define HS_LEXSENT_ERROR (-1) /* bad argument or out of memory: 0 / 1 / 0 / 0 */

/* Limits of the file format. */
#define HS_LEXSENT_MAX_FILE ((size_t)64 * 1024 * 1024) /* bytes per file */
#define HS_LEXSENT_MAX_FORM 128      /* bytes of a form, after folding */
#define HS_LEXSENT_MAX_SYMBOL 8      /* characters of a symbol form */
#define HS_LEXSENT_MAX_INTENSITY 10.0
/* Bytes of text folded and scored at a time. */
#define HS_LEXSENT_WINDOW ((size_t)16 * 1024)

/* Load a lexicon file. Every malformed line is reported to errs (may be
 * NULL) as "file:line: reason"; problems of the whole file (cannot be
 * read, too large, no format line, no language, no entries) as
 * "file: reason". Any error fails the load: NULL is returned (also on
 * out of memory, reported too). The caller frees the result with
 * hs_lexsent_free. */
hs_lexsent *hs_lexsent_load(const char *path, hs_errs *errs);

/* The same from memory: data[0..len) is the file's contents, name (may be
 * NULL: "<lexicon>") names it in messages. data is only read during the
 * call and need not be NUL-terminated. */
hs_lexsent *hs_lexsent_load_mem(const char *data, size_t len, const char *name,
                                hs_errs *errs);

void hs_lexsent_free(hs_lexsent *lx);

/* The lexicon's language code (its "language" line), e.g. "nl". Owned by
 * lx. "" for NULL. */
const char *hs_lexsent_language(const hs_lexsent *lx);
/* Number of word, modifier and symbol entries. 0 for NULL. */
size_t hs_lexsent_size(const hs_lexsent *lx);

/* What the lexicon knows about one form (folded before lookup). */
typedef struct hs_lexsent_entry {
	double polarity, subjectivity, intensity; /* 0, 0, 1 without a value */
	int has_value;  /* a word, modifier or symbol entry */
	int modifier;   /* a modifier entry */
	int symbol;     /* a symbol entry (starts with a non-word character) */
	int negation;   /* listed as a negation */
	int elision;    /* listed as an elision */
} hs_lexsent_entry;

/* Look up form[0..len). Returns 1 and fills *out (if not NULL) when the
 * lexicon lists the form in any way, 0 when not (or on out of memory).
 * Allocates a little: not meant for the hot path. */
int hs_lexsent_lookup(const hs_lexsent *lx, const char *form, size_t len,
                      hs_lexsent_entry *out);

/* Per-thread work buffers. NULL on out of memory. Buffers grown past
 * 1 MiB by a long text are released at the end of that call. */
hs_lexsent_scratch *hs_lexsent_scratch_new(void);
void hs_lexsent_scratch_free(hs_lexsent_scratch *sc);

/* Score text[0..len) (text may be NULL if len is 0). Fills *out, returns
 * HS_LEXSENT_OK, HS_LEXSENT_NONE or HS_LEXSENT_ERROR. Reads lx, writes only
 * sc and *out. No allocation once the scratch buffers are big enough. */
int hs_lexsent_score(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                     size_t len, hs_sentiment *out);

/* More about one scoring, for tests and tuning. */
typedef struct hs_lexsent_detail {
	double subjectivity;  /* mean subjectivity of the assessments (0 if none);
	                       * the authors' sentence subjectivity */
	size_t words;         /* tokens with a letter, URLs and mentions excluded */
	size_t assessments;   /* assessments averaged into compound */
	size_t negated;       /* of those, negated ones */
} hs_lexsent_detail;

/* hs_lexsent_score, also filling *detail (if not NULL). */
int hs_lexsent_score_detail(const hs_lexsent *lx, hs_lexsent_scratch *sc, const char *text,
                            size_t len, hs_sentiment *out, hs_lexsent_detail *detail);

#ifdef __cplusplus
}
#endif
#endif
