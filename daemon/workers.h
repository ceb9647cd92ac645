/* hearsay: analysis workers.
 *
 * Each worker pops posts from the intake queue (taking ownership), repairs
 * invalid UTF-8, replaces the author handle with its pseudonym, matches the
 * current rule set with its own scratch, and pushes a record to the store
 * queue (handing ownership on). A push blocks while the store queue is
 * full: that is the backpressure that pauses the collectors.
 */
#ifndef HS_WORKERS_H
#define HS_WORKERS_H

#include "daemon.h"
#include "record.h"

hs_workers *hs_workers_start(hs_daemon *d, int n, hs_errs *errs);
/* Waits for every worker to finish; the intake queue must be closed first
 * so that workers drain it and exit. */
void hs_workers_join(hs_workers *w);

typedef struct hs_sentiment_scratch hs_sentiment_scratch;
typedef struct hs_norm hs_norm;

/* What one worker analyses with: shared read-only parts and its own
 * scratch. rules, scratch, sentiment and sent_scratch may be NULL (no
 * rules; no sentiment); norm is needed when rules is NULL. */
typedef struct hs_analyser {
	const hs_ruleset *rules;               /* borrowed */
	hs_rule_scratch *scratch;              /* borrowed; belongs to rules */
	const hs_sentiment_models *sentiment;  /* borrowed */
	hs_sentiment_scratch *sent_scratch;    /* borrowed */
	hs_norm *norm;                         /* borrowed: words without rules */
	const unsigned char *pkey;             /* HS_PSEUDONYM_KEY_LEN bytes */
} hs_analyser;

/* Analyse one post into a record (used by workers and by tests/bench):
 * repair, pseudonymise, score its sentiment, match the rules (with the
 * sentiment for rules that have a condition on it), and sign its words
 * for claim grouping. Takes ownership of post. */
hs_record *hs_analyse(hs_post *post, const hs_analyser *a);

#endif
