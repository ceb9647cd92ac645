/* hearsay: the lws service thread - dashboard, HTTP API, /metrics and the
 * websocket push server.
 *
 * The store thread publishes committed events with hs_server_publish(): the
 * JSON text goes into a mutex-guarded ring indexed by seq and the service
 * thread is woken with lws_cancel_service(). Each websocket session keeps
 * its own position (the next seq to send). A live client that falls behind
 * the ring is disconnected ("too slow") and may reconnect with ?since=SEQ,
 * which is served from LMDB. The service thread never waits for a client.
 */
#ifndef HS_SERVER_H
#define HS_SERVER_H

#include <stdint.h>

#include "daemon.h"

/* Binds address:port (a clear error if it is in use) and starts the thread. */
hs_server *hs_server_start(hs_daemon *d, hs_errs *errs);
/* Any thread (the store thread): takes ownership of json (malloc'd). */
void hs_server_publish(hs_server *s, uint64_t seq, char *json);
/* Main thread: stop and free. */
void hs_server_stop(hs_server *s);
/* The port actually bound (useful when the config says 0). */
int hs_server_port(const hs_server *s);

#endif
