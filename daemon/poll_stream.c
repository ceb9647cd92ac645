/* hearsay: the websocket side of plugin sources (fetch thread only).
 *
 * A source whose collector has stream_plan gets a connection on the stream
 * thread (wsclient.c). Here, on the fetch thread, its messages are handed
 * to the plugin's stream_frame one by one, in order; the posts go to the
 * same pending buffer as polled ones, with the cursor on the last of each
 * step. No message is taken while posts are still waiting for the intake
 * queue, so a slow pipeline backs up into the connection's queue and from
 * there, by flow control, into TCP. A closed stream is reopened with
 * exponential backoff and jitter (1 s doubling to 5 min); errors are
 * logged once per streak, then every 10th time, and "recovered" once
 * messages flow again.
 */
#include "hs_autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "poller.h"
#include "poller_int.h"
#include "timeutil.h"

#define HS_WS_BACKOFF_MIN_US 1000000LL
#define HS_WS_BACKOFF_MAX_US (300 * 1000000LL)
#define HS_WS_STEP_MSGS 512   /* messages per step, so other sources get a turn */

void hs_poll_set_streams(hs_poll_src *p, hs_wsc *w)
{
	p->wsc = w;
}

bool hs_poll_has_stream(const hs_poll_src *p)
{
	return HS_COLLECTOR_HAS(p->cfg->plugin, stream_plan) &&
	       HS_COLLECTOR_HAS(p->cfg->plugin, stream_frame);
}

int64_t hs_poll_stream_due(hs_poll_src *p)
{
	bool was_open;
	if (!p->wsc || !hs_poll_has_stream(p))
		return INT64_MAX;
	if (!p->ws)
		return p->ws_next;
	hs_ws_state st = hs_ws_conn_state(p->ws, &was_open, NULL, 0);
	if (st == HS_WS_CLOSED || (was_open && !p->ws_up_told) || hs_ws_conn_queued(p->ws))
		return hs_mono_us();
	return INT64_MAX;
}

static void stream_state(hs_poll_src *p, bool up, const char *why)
{
	if (!HS_COLLECTOR_HAS(p->cfg->plugin, stream_state))
		return;
	hs_host host = { p, NULL, NULL, p->cfg->name, hs_now_us() };
	p->cfg->plugin->stream_state(p->state, up, why, &host);
}

static void stream_failed(hs_poll_src *p, int64_t now, const char *why)
{
	int64_t backoff = hs_poll_backoff_us(HS_WS_BACKOFF_MIN_US, p->ws_failures,
	                                     HS_WS_BACKOFF_MAX_US);
	p->ws_failures++;
	if (p->ws_failures == 1 || p->ws_failures % 10 == 0) /* logged, then counted */
		hs_log_warn("source %s: stream: %s (failure %d; reconnecting in %.1fs)", p->cfg->name,
		            why, p->ws_failures, (double)backoff / 1e6);
	HS_INC(stream_failures);
	HS_SRC_INC(p->m, stream_failures);
	HS_SRC_SET(p->m, last_error_us, hs_now_us());
	p->ws_next = now + backoff;
}

static void stream_open(hs_poll_src *p, int64_t now)
{
	hs_ws_request req;
	char err[256];
	memset(&req, 0, sizeof(req));
	if (p->cfg->plugin->stream_plan(p->state, p->plugin_cursor, &req) != 0 || !req.url[0]) {
		/* not now (not configured, or waiting for a check): ask again soon */
		p->ws_next = now + (p->cfg->interval_us < 60000000 ? p->cfg->interval_us : 60000000);
		return;
	}
	p->ws = hs_wsc_open(p->wsc, &req, p->ua, p->cfg->max_size, err, sizeof(err));
	if (!p->ws) {
		stream_failed(p, now, err);
		return;
	}
	p->ws_up_told = false;
	p->ws_got_msg = false;
	p->ws_skipped = 0;
	hs_log_debug("source %s: stream: connecting", p->cfg->name);
}

/* Hand queued messages to the plugin. */
static void stream_messages(hs_poll_src *p)
{
	const hs_collector *c = p->cfg->plugin;
	size_t before = p->n_pending, skipped;
	char *msg;
	size_t len;
	int n = 0;

	free(p->new_cursor);
	p->new_cursor = NULL;
	while (n < HS_WS_STEP_MSGS && hs_ws_conn_pop(p->ws, &msg, &len)) {
		/* the message is ours (popped); the plugin only borrows it */
		hs_host host = { p, NULL, NULL, p->cfg->name, hs_now_us() };
		n++;
		HS_INC(stream_messages);
		HS_SRC_INC(p->m, stream_messages);
		if (c->stream_frame(p->state, msg, len, &host) < 0) {
			HS_INC(stream_bad_messages);
			HS_SRC_INC(p->m, stream_bad_messages);
		}
		free(msg);
		hs_poll_take_cursor(p);
	}
	if (n && !p->ws_got_msg) {
		p->ws_got_msg = true;
		if (p->ws_failures)
			hs_log_notice("source %s: stream recovered after %d failure(s)", p->cfg->name,
			              p->ws_failures);
		p->ws_failures = 0;
	}
	hs_poll_attach_cursor(p, before);
	HS_ADD(source_items, p->n_pending - before);
	HS_SRC_ADD(p->m, items, p->n_pending - before);
	if (n)
		HS_SRC_SET(p->m, last_ok_us, hs_now_us());
	skipped = hs_ws_conn_skipped(p->ws);
	if (skipped > p->ws_skipped) {
		HS_ADD(stream_skipped, skipped - p->ws_skipped);
		hs_log_warn("source %s: stream: %zu binary or oversized message(s) skipped",
		            p->cfg->name, skipped - p->ws_skipped);
		p->ws_skipped = skipped;
	}
}

void hs_poll_stream_step(hs_poll_src *p, int64_t now)
{
	char why[256];
	bool was_open;

	if (!p->wsc || !hs_poll_has_stream(p) || p->first_pending < p->n_pending)
		return;
	if (!p->ws) {
		if (now >= p->ws_next)
			stream_open(p, now);
		return;
	}
	hs_ws_state st = hs_ws_conn_state(p->ws, &was_open, why, sizeof(why));
	if (was_open && !p->ws_up_told) {
		p->ws_up_told = true;
		HS_INC(stream_connects);
		HS_SRC_INC(p->m, stream_connects);
		hs_log_info("source %s: stream open", p->cfg->name);
		stream_state(p, true, NULL);
	}
	stream_messages(p);
	if (st == HS_WS_CLOSED && !hs_ws_conn_queued(p->ws)) {
		hs_ws_conn_close(p->ws); /* the owner's reference goes */
		p->ws = NULL;
		stream_failed(p, now, why[0] ? why : "closed");
		if (p->ws_up_told)
			stream_state(p, false, why);
		p->ws_up_told = false;
	}
	if (p->poll_now) { /* e.g. a backfill by HTTP after the stream opened */
		p->poll_now = false;
		if (!p->in_flight && p->failures == 0) /* but never into a rate-limit wait */
			p->next_poll = now > p->rl_until ? now : p->rl_until;
	}
}

void hs_poll_stream_stop(hs_poll_src *p)
{
	hs_ws_conn_close(p->ws);
	p->ws = NULL;
}
