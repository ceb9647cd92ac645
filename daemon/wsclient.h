/* hearsay: outgoing websocket streams (Mastodon streaming, Jetstream).
 *
 * One "stream thread" runs a client-only libwebsockets context. The fetch
 * thread (or hearsayctl) opens connections and reads their messages through
 * the handles below; lws itself is only ever called on the stream thread.
 *
 * Hand-offs: hs_wsc_open and hs_ws_conn_close queue a request under the
 * context's mutex and wake the stream thread with lws_cancel_service; the
 * stream thread queues each complete text message on its connection (under
 * the same mutex) and calls `wake` so the owner comes to read. Messages are
 * never dropped: when a connection has more than its high-water mark
 * queued, the stream thread stops reading its socket (lws_rx_flow_control),
 * so TCP pushes back on the server, and reads again once the owner has
 * drained the queue below half of it.
 *
 * Ownership: a connection has two references, the owner's (dropped by
 * hs_ws_conn_close) and the stream thread's (dropped when its socket is
 * gone); whichever is last frees it. Popped messages belong to the caller.
 */
#ifndef HS_WSCLIENT_H
#define HS_WSCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <hearsay/collector.h>
#include <hearsay/errors.h>

typedef struct hs_wsc hs_wsc;
typedef struct hs_ws_conn hs_ws_conn;

typedef enum {
	HS_WS_CONNECTING = 0,
	HS_WS_OPEN,
	HS_WS_CLOSED,   /* for good; the owner closes the handle and reconnects */
} hs_ws_state;

/* Start the stream thread. wake(ud) is called on the stream thread when a
 * connection has news (opened, a message, closed). */
hs_wsc *hs_wsc_start(void (*wake)(void *ud), void *ud, hs_errs *errs);
/* Stop the thread, closing every connection. Call it once the owners no
 * longer use their handles concurrently; handles still held stay valid
 * (state CLOSED) until hs_ws_conn_close. */
void hs_wsc_stop(hs_wsc *w);

/* Open a stream (any thread). ua is sent as User-Agent; a message larger
 * than max_msg bytes closes the connection (1009). Returns NULL on a URL
 * that is not ws:// or wss://, with err set, or on out of memory. */
hs_ws_conn *hs_wsc_open(hs_wsc *w, const hs_ws_request *req, const char *ua, size_t max_msg,
                        char *err, size_t errlen);
/* The state, and for CLOSED the reason ("closed by the server (code
 * 1011)", "cannot connect: ...") copied into why. *was_open (may be NULL)
 * tells whether the handshake ever completed, also once CLOSED. */
hs_ws_state hs_ws_conn_state(hs_ws_conn *c, bool *was_open, char *why, size_t whylen);
/* Take the next message: 1 with *msg (NUL-terminated, the caller frees it)
 * and *len, or 0 when none is queued. Messages stay readable after CLOSED. */
int hs_ws_conn_pop(hs_ws_conn *c, char **msg, size_t *len);
/* Messages queued and not yet popped. */
size_t hs_ws_conn_queued(hs_ws_conn *c);
/* Counters since the connection was opened: binary or oversized messages
 * that were not queued. */
size_t hs_ws_conn_skipped(hs_ws_conn *c);
/* Release the owner's handle; the connection is closed (1000) if open. */
void hs_ws_conn_close(hs_ws_conn *c);

#endif
