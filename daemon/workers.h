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

/* Analyse one post into a record (used by workers and by tests/bench).
 * Takes ownership of post. scratch must belong to rules. */
hs_record *hs_analyse(hs_post *post, const hs_ruleset *rules,
                      hs_rule_scratch *scratch,
                      const unsigned char pkey[HS_PSEUDONYM_KEY_LEN]);

#endif
