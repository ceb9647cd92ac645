/* hearsay: a post together with what the analysis found in it.
 *
 * A record is created by an analysis worker for every post it pops and is
 * handed, by pointer, through the store queue to the store thread, which
 * owns it from then on and frees it after the commit.
 */
#ifndef HS_RECORD_H
#define HS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <hearsay/post.h>
#include <hearsay/rules.h>

#include "rules/sentiment_types.h"
#include "rules/simhash.h"

typedef struct hs_hit {
	char *rule_id;
	char *rule_title;
	hs_category category;
	hs_severity severity;
	hs_field field;
	size_t start, end;   /* byte span in the field's text */
	int spike_off;       /* the rule's spike settings (hs_rule_info) */
	unsigned spike_min_count;
	double spike_threshold;
} hs_hit;

typedef struct hs_record {
	hs_post *post;
	hs_hit *hits;
	size_t n_hits;
	char *reject;        /* reason when the post is refused, else NULL */
	int marked;          /* a deletion notice that marked a stored post */
	int64_t intake_us;   /* wall clock when the collector handed it over */
	/* signals, set by the worker (rules/sentiment.h, rules/simhash.h) */
	int sent_rc;         /* HS_SENT_*: the scores are valid if HS_SENT_SCORED */
	hs_sentiment sent;
	char lang[9];        /* language the text was scored in, or detected;
	                      * "unknown" */
	hs_simhash_sig sig;  /* of the text's words; sig.n_features 0: none */
} hs_record;

void hs_record_free(hs_record *r);

#endif
