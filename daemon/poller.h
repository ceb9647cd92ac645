/* hearsay: HTTP polling of plugin sources (fetch thread only).
 *
 * The host side of a collector plugin: scheduling with jitter, the
 * plugin's plan(), conditional GET with the stored validators, redirects,
 * timeouts, a body size cap, backoff with jitter on failures, Retry-After
 * and X-RateLimit-* honoured, then the plugin's parse(). Posts a parse
 * emits are buffered here and handed to the intake queue as it has room;
 * the source does not poll again until they are all handed over. The
 * cursor (validators plus the plugin's own) rides on the last post of each
 * response, so the store persists it with the posts it covers.
 */
#ifndef HS_POLLER_H
#define HS_POLLER_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "config.h"
#include "wsclient.h"

typedef struct hs_poll_src hs_poll_src;

/* Set up a source (calls the plugin's init). cursor: the stored one or NULL. */
hs_poll_src *hs_poll_new(const hs_source_cfg *cfg, const char *cursor,
                         const char *contact, hs_errs *errs);
void hs_poll_free(hs_poll_src *p);
const char *hs_poll_name(const hs_poll_src *p);

/* Give a stream source the stream thread (before its first step). */
void hs_poll_set_streams(hs_poll_src *p, hs_wsc *w);
/* Does the source's collector have a websocket stream? */
bool hs_poll_has_stream(const hs_poll_src *p);
/* The stream's part of hs_poll_due (INT64_MAX when nothing is to do). */
int64_t hs_poll_stream_due(hs_poll_src *p);
/* (Re)connect the stream when due and hand its messages to the plugin.
 * Does nothing while posts are waiting for the intake queue. */
void hs_poll_stream_step(hs_poll_src *p, int64_t now_mono);
/* Close the stream (shutdown; also done by hs_poll_free). */
void hs_poll_stream_stop(hs_poll_src *p);
/* After hs_poll_done: did the plugin ask to poll again at once? */
bool hs_poll_wants_more(const hs_poll_src *p, int64_t now_mono);

/* Monotonic time of the next thing to do (a poll, or pushing buffered posts). */
int64_t hs_poll_due(hs_poll_src *p);
/* Posts parsed but not yet handed to the intake queue. */
size_t hs_poll_pending(const hs_poll_src *p);
/* Push buffered posts with push (0 = taken); returns the number still
 * waiting (push refused one: call again soon). */
size_t hs_poll_flush(hs_poll_src *p, int (*push)(void *ud, hs_post *post), void *ud);
/* If a poll is due, nothing is buffered and none is in flight, make the
 * transfer (the caller adds it to its multi handle); else NULL. */
CURL *hs_poll_start(hs_poll_src *p, int64_t now_mono);
/* The transfer made by hs_poll_start finished (the caller removed it from
 * the multi handle); handles the response and frees the easy handle. */
void hs_poll_done(hs_poll_src *p, CURL *easy, CURLcode res, int64_t now_mono);

/* Shutdown: drop a transfer in flight (already removed from the multi
 * handle) without treating it as a failure. */
void hs_poll_abandon(hs_poll_src *p, CURL *easy);

/* Run a collector's parse() on a body outside the daemon (hearsayctl
 * parse): posts go to sink, which takes ownership. Returns what parse
 * returned. */
int hs_poll_parse_body(const hs_collector *c, void *state, const char *source,
                       const char *body, size_t len, const char *url, const char *ctype,
                       int (*sink)(void *ud, hs_post *post), void *ud);
/* The same for one websocket message (the collector has stream_frame). */
int hs_poll_parse_frame(const hs_collector *c, void *state, const char *source,
                        const char *msg, size_t len, int (*sink)(void *ud, hs_post *post),
                        void *ud);
/* Consecutive failed polls (0 after a good one). */
int hs_poll_failures(const hs_poll_src *p);

#endif
