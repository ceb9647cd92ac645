/* hearsay: the running daemon - the pipeline and its threads.
 *
 *  fetch thread --intake queue--> N workers --store queue--> store thread
 *       ^  (posts, by pointer)        (records, by pointer)      |
 *       |                                                        |
 *       +--- alert jobs (hs_fetch_submit) <----------------------+
 *       +--- alert results (hs_writer_alert_done) --------------->
 *  lws thread <-- committed events (hs_server_publish) ----------+
 *
 * The main thread owns the hs_daemon: it starts and stops the threads and
 * swaps rule sets on reload. Other threads read the fields below that are
 * marked "fixed" without locks: they do not change while threads run.
 */
#ifndef HS_DAEMON_H
#define HS_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <hearsay/rules.h>

#include "config.h"
#include "pseudonym.h"
#include "queue.h"
#include "store.h"

typedef struct hs_workers hs_workers;
typedef struct hs_writer hs_writer;
typedef struct hs_fetch hs_fetch;
typedef struct hs_server hs_server;
typedef struct hs_sentiment_models hs_sentiment_models;

typedef struct hs_daemon {
	hs_config *cfg;                 /* fixed; replaced only when stopped */
	hs_store *store;                /* fixed */
	unsigned char pkey[HS_PSEUDONYM_KEY_LEN]; /* fixed */
	hs_sentiment_models *sentiment; /* fixed; NULL: no sentiment scoring */
	hs_queue *intake;               /* fixed: hs_post * */
	hs_queue *storeq;               /* fixed: hs_record * */

	pthread_mutex_t rules_mu;       /* guards rules */
	hs_ruleset *rules;              /* current set (one reference held) */
	atomic_uint_fast64_t rules_gen; /* bumped on every swap */

	hs_workers *workers;
	hs_writer *writer;
	hs_fetch *fetch;
	hs_server *server;
} hs_daemon;

/* Open the store, key and queues, and start every thread (main thread).
 * rules: the initial set; the daemon takes the reference. Returns 0, or -1
 * with errors in errs and nothing left running. */
int hs_daemon_start(hs_daemon *d, hs_config *cfg, hs_ruleset *rules,
                    hs_errs *errs);
/* The sentiment models of cfg->lexicons_dir. A directory that is not
 * there at all is no error when it is the default one (the daemon then
 * runs without sentiment, and says so): *out is NULL and 0 is returned;
 * any other failure is -1 with every error in errs. */
int hs_daemon_load_sentiment(const hs_config *cfg, hs_sentiment_models **out, hs_errs *errs);
/* Stop in order: collectors, workers (drained), store thread (last batch
 * committed), then the fetch and lws threads. Main thread. */
void hs_daemon_stop(hs_daemon *d);
/* Swap in a new rule set (takes the reference). Any thread. */
void hs_daemon_set_rules(hs_daemon *d, hs_ruleset *rules);
/* Take a reference to the current set and its generation. Any thread. */
hs_ruleset *hs_daemon_rules_acquire(hs_daemon *d, uint64_t *gen);

#endif
