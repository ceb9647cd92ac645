/* hearsay: the state of a plugin source, shared by poller.c (HTTP) and
 * poll_stream.c (websocket streams). Fetch thread only, except where noted. */
#ifndef HS_POLLER_INT_H
#define HS_POLLER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include <hearsay/collector.h>

#include "config.h"
#include "metrics.h"
#include "poller.h"
#include "wsclient.h"

#define HS_BACKOFF_MAX_US (3600 * 1000000LL)
#define HS_MAX_HDRS 64

struct hs_http_response {
	long status;
	const char *body;
	size_t len;
	const char *url;
	const char *ctype;
	char **hdrs;        /* "name: value" lines of the final response */
	size_t n_hdrs;
};

struct hs_host {
	hs_poll_src *src;        /* the daemon's source, or NULL with ... */
	int (*sink)(void *ud, hs_post *post); /* ... a sink (hearsayctl parse) */
	void *ud;
	const char *name;
	int64_t now_us;
};

struct hs_poll_src {
	const hs_source_cfg *cfg;
	void *state;                 /* the plugin's */
	hs_source_metrics *m;        /* its counters, or NULL */
	char ua[256];
	/* validators and cursors */
	char *etag, *last_modified, *plugin_cursor;
	char *new_cursor;            /* set by the plugin during parse */
	/* schedule */
	int64_t next_poll;
	int failures;
	int fail_kind;               /* what the last failure was (see fail()) */
	int64_t rl_until;            /* monotonic: the rate limit says wait until then */
	int in_flight;
	/* the transfer */
	char *body;
	size_t len, cap;
	int too_big;
	char **hdrs;
	size_t n_hdrs;
	struct curl_slist *req_hdrs;
	char err[CURL_ERROR_SIZE];
	/* posts waiting for room in the intake queue */
	hs_post **pending;
	size_t n_pending, cap_pending, first_pending;
	bool poll_now;               /* the plugin asked for another poll at once */
	/* a websocket stream (poll_stream.c) */
	hs_wsc *wsc;                 /* the stream thread, or NULL: no stream */
	hs_ws_conn *ws;              /* the open connection, or NULL */
	bool ws_up_told;             /* stream_state(up) was called for it */
	bool ws_got_msg;
	int ws_failures;
	int64_t ws_next;             /* monotonic time of the next connect */
	size_t ws_skipped;
};

/* {"etag":..,"last_modified":..,"cursor":..}, newly allocated (or NULL). */
char *hs_poll_cursor_dump(const hs_poll_src *p);
/* Adopt the cursor the plugin set during the last callback, if any. */
void hs_poll_take_cursor(hs_poll_src *p);
/* After a callback that emitted posts from index `before` on: the cursor
 * rides on the last of them, so the store persists it with them. */
void hs_poll_attach_cursor(hs_poll_src *p, size_t before);
/* base doubled per earlier failure (failures: how many before this one),
 * at most cap, then jittered down to between half and all of it. */
int64_t hs_poll_backoff_us(int64_t base, int failures, int64_t cap);
/* A uniform random number in [0, 1) for jitter. */
double hs_poll_jitter(void);

#endif
