/* hearsay: 64-bit SimHash of a post's terms view, for near-duplicate
 * ("same claim") detection. See rules/claims.h for the grouping and
 * docs/signals.md (## Claims) for the measured choices.
 *
 * Input is the terms view of rules/normalize.h: " w1 w2 ... wn ", already
 * case-folded, accent-stripped, with URLs, @mentions and e-mail addresses
 * masked out and punctuation removed. From it hs_simhash takes the words
 * that carry content:
 *   - a word is skipped when its first character is not a letter, mark or
 *     digit (emoji and other symbols the terms view keeps as words), so
 *     "fire 🔥🔥" and "fire" hash the same;
 *   - retweet and attribution markers are skipped: the word "rt" (and
 *     "mt", "ht", "rts") anywhere, and the words "via" and "cc" when they
 *     are the last words (what is left of "via @user" and "cc @user" once
 *     the mention is masked). "via" and "cc" inside a sentence stay.
 * The remaining words are the post's n words, in order.
 *
 * Features and weights: every word (unigram) and every pair of consecutive
 * words (bigram) of those n words, all of weight 1. Unigrams make the
 * fingerprint a bag-of-words signature that small reorderings barely move;
 * bigrams add word order, so the same words in another sense ("police
 * attacked the protesters", "protesters attacked the police") do not give
 * the same fingerprint. Measured on tests/bench/eval_claims.c, equal weights
 * separate paraphrases from unrelated posts better than unigrams alone,
 * bigrams alone, or unigrams weighted 2:1 or 3:1 (docs/signals.md). Words
 * are not deduplicated: a repeated word counts again.
 *
 * Fingerprint: bit i is 1 when more than half of the features have bit i
 * set in their 64-bit hash (Charikar's construction, ties going to 0).
 * Feature hashes: hs_hash64 of the word's bytes; a bigram's hash mixes its
 * two word hashes. The result depends on the input bytes only (no seed, no
 * platform dependency), so fingerprints may be stored and compared across
 * runs and machines. Changing any of this changes every fingerprint:
 * tests/unit/test_simhash.c pins a few values.
 *
 * Margins: the margin of bit i is |features with bit i set - features
 * without|. A bit with a small margin is the first to flip when a word is
 * changed (a one-word edit of a post of n words moves each margin by at
 * most 6); hs_claims probes the buckets a near copy is most likely in by
 * flipping the least certain bits (claims.h).
 *
 * Sketch: a 64-bit SimHash of a short post is a noisy measure of how much
 * two posts share (a one-word edit of a 15-word post moves it by 5 to 13
 * bits, about as far as another post on the same template), so the
 * signature also carries a bottom-k sketch of the feature set, from which
 * hs_simhash_resemblance gives the Jaccard index (exact for up to 32
 * distinct features, estimated beyond).
 *
 * Thread-safety: every function here is a pure function of its arguments
 * (no state, no allocation): call from any thread.
 *
 * Cost: linear in len, no allocation; for the posts of
 * tests/bench/bench_simhash.c (about 20 words) about 0.5 us for hs_simhash
 * and 1.1 us for hs_simhash_sign on the (shared, virtual) development
 * machine, beside 0.03 us for hs_hash64 of the whole text.
 */
#ifndef HS_SIMHASH_H
#define HS_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Number of content words below which a post is not grouped (the default
 * of hs_claims_params.min_words): posts of one to three words are
 * reactions and slogans ("stay safe everyone", "so sad"), not claims, and
 * a copy with one word changed keeps too few features (2 of 8) to tell it
 * from another post. */
#define HS_SIMHASH_MIN_WORDS 4u

/* Values in a sketch (see hs_simhash_sketch). */
#define HS_SIMHASH_SKETCH 32u

/* Bottom-k sketch of a post's feature set (unigrams and bigrams as above):
 * each feature gets a 16-bit value derived from its hash; the sketch keeps
 * the HS_SIMHASH_SKETCH smallest distinct values, ascending. A post with up
 * to that many distinct features (about 16 words) keeps them all (all = 1)
 * and two such sketches give the exact Jaccard index of the feature sets
 * (up to 16-bit collisions); longer posts keep a uniform sample, which
 * estimates it (Broder's bottom-k estimator). */
typedef struct hs_simhash_sketch {
	uint16_t v[HS_SIMHASH_SKETCH]; /* v[n..] are 0 */
	uint8_t n;              /* values in v */
	uint8_t all;            /* 1 if v holds every feature's value */
} hs_simhash_sketch;

/* Least certain bits kept per quarter of the fingerprint. */
#define HS_SIMHASH_WEAK 4u
/* Bits with a larger margin are never listed as least certain: a one-word
 * edit moves a margin by at most 6, so flipping one of them takes about
 * three edits. */
#define HS_SIMHASH_WEAK_MARGIN 16u

/* A post's signature: the fingerprint with what claim lookup needs. */
typedef struct hs_simhash_sig {
	uint64_t hash;          /* the SimHash fingerprint */
	unsigned n_features;    /* content words used, capped at UINT_MAX */
	uint8_t margin[64];     /* margin of each bit (above), capped at 255 */
	/* For each quarter q (bits 16q .. 16q+15): its n_weak[q] (0..4) least
	 * certain bits with a margin of at most HS_SIMHASH_WEAK_MARGIN, as bit
	 * numbers within the quarter (0..15), smallest margin first, ties to
	 * the lower bit; the unused entries are 0. */
	uint8_t n_weak[4];
	uint8_t weak[4][HS_SIMHASH_WEAK];
	hs_simhash_sketch sketch;
} hs_simhash_sig;

/* SimHash of the terms view terms[0..len) (need not be NUL-terminated;
 * terms may be NULL when len is 0). *n_features (when n_features is not
 * NULL) gets the number of content words used (see above), capped at
 * UINT_MAX. With no content word the fingerprint is 0. Any bytes are
 * accepted; words are runs of bytes other than ' ', so text that is not a
 * terms view also hashes (only less usefully). */
uint64_t hs_simhash(const char *terms, size_t len, unsigned *n_features);

/* The same fingerprint with margins, least certain bits and sketch, into
 * *out (all margins 0, every n_weak 0 and an empty sketch when there is no
 * content word). Every byte of *out is written (padding as 0), so equal
 * inputs give byte-equal signatures that can be stored as they are. */
void hs_simhash_sign(const char *terms, size_t len, hs_simhash_sig *out);

/* Resemblance of two posts, in percent (0..100, rounded down): the
 * Jaccard index of their feature sets, exact when both sketches are
 * complete, estimated from the union's smallest values otherwise. Two
 * empty sketches resemble 100 %, an empty and a non-empty one 0 %. */
unsigned hs_simhash_resemblance(const hs_simhash_sketch *a, const hs_simhash_sketch *b);

/* The features of a terms view, for tests and debugging: calls fn (if not
 * NULL) once per feature in order (a word, then the bigram it ends, if
 * any) with the feature's hash, its sketch value and whether it is a
 * bigram. The fingerprint is the bitwise majority of these hashes (bit i
 * set when more than half have it set). Returns the number of content
 * words. */
typedef void (*hs_simhash_feature_fn)(void *ud, uint64_t hash, uint16_t sketch_value,
                                      int bigram);
size_t hs_simhash_features(const char *terms, size_t len, hs_simhash_feature_fn fn, void *ud);

/* Number of differing bits of two fingerprints (0..64). */
unsigned hs_simhash_distance(uint64_t a, uint64_t b);

/* The 64-bit hash used for words: p[0..len) read 8 bytes at a time
 * (little-endian on every platform), a multiply and xor-shift per block,
 * the length in the seed, and a final 64-bit mixer. Pure. Also used by
 * claims.c for author pseudonyms and source names, and fine for any stable
 * string hash (not for untrusted keys of a hash table: it has no secret
 * seed). */
uint64_t hs_hash64(const void *p, size_t len);

#ifdef __cplusplus
}
#endif
#endif
