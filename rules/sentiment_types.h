/* hearsay: the result type shared by the sentiment scorers (English VADER
 * in rules/vader.*, lexicon languages in rules/lexsent.*).
 *
 *   neg, neu, pos  shares of negative, neutral and positive weight in the
 *                  text, each in 0..1, summing to 1 (up to rounding);
 *   compound       overall polarity in -1..1 (negative .. positive).
 *
 * What exactly each scorer puts there is documented in its header and in
 * docs/sentiment.md. A plain value type: no ownership, no thread concerns.
 */
#ifndef HS_SENTIMENT_TYPES_H
#define HS_SENTIMENT_TYPES_H

typedef struct hs_sentiment {
	double neg, neu, pos, compound;
} hs_sentiment;

#endif
