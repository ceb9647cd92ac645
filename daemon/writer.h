/* hearsay: the store thread - the only LMDB writer.
 *
 * It pops records from the store queue (taking ownership), commits them in
 * batches (batch_posts records or batch_time, whichever comes first) with
 * dedup, hit events, outbox entries and collector cursors in the same
 * transaction, grows the map and redoes the batch on MDB_MAP_FULL, then
 * publishes the committed events to the lws thread and the new alerts to the
 * fetch thread.
 */
#ifndef HS_WRITER_H
#define HS_WRITER_H

#include "alert.h"
#include "daemon.h"

hs_writer *hs_writer_start(hs_daemon *d, hs_errs *errs);
/* The store queue must be closed first: the thread commits what is left and
 * exits. The writer stays valid for hs_writer_alert_done until freed. */
void hs_writer_join(hs_writer *w);
/* After the fetch thread has stopped: record alert results that arrived
 * late, then free the writer. */
void hs_writer_free(hs_writer *w);
/* Called by the fetch thread: the alert's delivery is over (sent or
 * failed); ownership of a passes to the store thread, which records it. */
void hs_writer_alert_done(hs_writer *w, hs_alert *a);

#endif
