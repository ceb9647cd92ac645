/* hearsay: alert jobs for the generic webhook route.
 *
 * The store thread creates an alert in the outbox (state "pending") in the
 * same transaction as the hit that caused it, then hands an hs_alert to the
 * fetch thread (ownership moves with it). The fetch thread delivers it,
 * retrying with backoff, and hands the alert back to the store thread with
 * its final state ("sent" or "failed"), which rewrites the outbox entry.
 * After a restart, pending alerts are read back from the outbox and sent
 * again with the same id and the same body.
 */
#ifndef HS_ALERT_H
#define HS_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef enum { HS_ALERT_PENDING, HS_ALERT_SENT, HS_ALERT_FAILED } hs_alert_state;

typedef struct hs_alert {
	uint64_t id;
	char *route;          /* route name */
	char *body;           /* exact bytes POSTed, kept stable across retries */
	size_t body_len;
	hs_alert_state state;
	int attempts;
	int64_t created_us;
	int64_t updated_us;
	char *last_error;     /* NULL if none */
	/* fetch-thread only */
	int64_t next_try_mono;
	struct hs_alert *next;
} hs_alert;

/* New pending alert for one hit event (event is borrowed). */
hs_alert *hs_alert_new(uint64_t id, const char *route, const json_t *event,
                       int64_t now_us);
void hs_alert_free(hs_alert *a);
/* Outbox record JSON text (newly allocated) and its inverse. */
char *hs_alert_to_record(const hs_alert *a, size_t *len);
hs_alert *hs_alert_from_record(uint64_t id, const char *json, size_t len);
const char *hs_alert_state_name(hs_alert_state s);
/* Seconds to wait before attempt n+1 after n failures: 1 s doubling, capped
 * at 300 s, times a jitter factor in [0.5, 1.0) given by u in [0,1). */
double hs_alert_backoff(int failures, double u);

#endif
