/* hearsay: the fetch thread.
 *
 * One thread runs every collector's schedule and every outgoing HTTP
 * transfer: a libcurl multi handle driven by epoll (socket callbacks) and
 * its timer, with an eventfd through which other threads wake it. Nothing in
 * it blocks: replay sources push with hs_queue_try_push and pause when the
 * intake queue is full; alert deliveries are non-blocking transfers.
 */
#ifndef HS_FETCH_H
#define HS_FETCH_H

#include "alert.h"
#include "daemon.h"

/* Opens the sources (at their stored cursors) and starts the thread.
 * pending: alerts read back from the outbox, handed over (a list). */
hs_fetch *hs_fetch_start(hs_daemon *d, hs_alert *pending, hs_errs *errs);
/* Any thread: hand an alert to the fetch thread (ownership moves). */
void hs_fetch_submit_alert(hs_fetch *f, hs_alert *a);
/* Main thread: stop reading sources (posts already pushed stay queued). */
void hs_fetch_stop_intake(hs_fetch *f);
/* Main thread: stop the thread (transfers in flight are abandoned; their
 * alerts stay pending in the outbox) and free everything. */
void hs_fetch_stop(hs_fetch *f);

#endif
