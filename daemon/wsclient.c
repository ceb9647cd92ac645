/* hearsay: outgoing websocket streams on their own lws thread (see wsclient.h). */
#include "hs_autoconf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "log.h"
#include "wsclient.h"

#define HS_WS_HIGH_BYTES (8u << 20)  /* stop reading the socket above this */
#define HS_WS_HIGH_MSGS 8192u

typedef struct ws_msg {
	struct ws_msg *next;
	size_t len;
	char data[];                   /* NUL-terminated */
} ws_msg;

struct hs_ws_conn {
	hs_wsc *w;
	struct hs_ws_conn *next;       /* hs_wsc.conns, under w->mu */
	int refs;                      /* owner + stream thread; under w->mu */
	/* set at open, then read-only */
	char *addr, *path, *ua;
	char **hdr_names, **hdr_values;
	size_t n_hdrs;
	int port, tls;
	size_t max_msg;
	/* under w->mu */
	hs_ws_state state;
	bool was_open;
	char why[256];
	bool want_connect, want_close, want_resume, paused;
	ws_msg *head, *tail;
	size_t q_bytes, q_msgs, skipped;
	/* stream thread only */
	struct lws *wsi;
	char *rx;
	size_t rx_len, rx_cap;
	bool rx_skip;
	int close_code;
};

struct hs_wsc {
	struct lws_context *ctx;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	pthread_mutex_t mu;
	hs_ws_conn *conns;             /* under mu: connections the thread still holds */
	void (*wake)(void *ud);
	void *wake_ud;
};

static const lws_retry_bo_t idle_policy = {
	.secs_since_valid_ping = 30,   /* a quiet stream gets a PING after 30 s */
	.secs_since_valid_hangup = 70, /* and is dropped if nothing at all comes back */
};

static void conn_free(hs_ws_conn *c)
{
	ws_msg *m = c->head;
	while (m) {
		ws_msg *n = m->next;
		free(m);
		m = n;
	}
	for (size_t i = 0; i < c->n_hdrs; i++) {
		free(c->hdr_names[i]);
		free(c->hdr_values[i]);
	}
	free(c->hdr_names);
	free(c->hdr_values);
	free(c->addr);
	free(c->path);
	free(c->ua);
	free(c->rx);
	free(c);
}

/* Drop one reference; w->mu held. Returns true if c was freed. */
static bool conn_unref_locked(hs_ws_conn *c)
{
	if (--c->refs > 0)
		return false;
	conn_free(c);
	return true;
}

/* Stream thread, w->mu held: forget c in the list (the thread's reference). */
static void conn_detach_locked(hs_wsc *w, hs_ws_conn *c)
{
	for (hs_ws_conn **pp = &w->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			conn_unref_locked(c);
			return;
		}
}

static void set_closed_locked(hs_ws_conn *c, const char *why)
{
	if (c->state == HS_WS_CLOSED)
		return;
	c->state = HS_WS_CLOSED;
	snprintf(c->why, sizeof(c->why), "%s", why);
}

/* ---- the stream thread ------------------------------------------------------------ */

static void start_connect(hs_wsc *w, hs_ws_conn *c)
{
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.context = w->ctx;
	ci.address = c->addr;
	ci.port = c->port;
	ci.path = c->path;
	ci.host = c->addr;
	ci.origin = c->addr;
	ci.ssl_connection = c->tls ? LCCSCF_USE_SSL : 0; /* certificates verified */
	ci.local_protocol_name = "hs-stream";
	ci.userdata = c;
	ci.pwsi = &c->wsi;
	ci.retry_and_idle_policy = &idle_policy;
	if (!lws_client_connect_via_info(&ci)) {
		pthread_mutex_lock(&w->mu);
		c->wsi = NULL;
		set_closed_locked(c, "cannot start the connection");
		conn_detach_locked(w, c);
		pthread_mutex_unlock(&w->mu);
		w->wake(w->wake_ud);
	}
}

/* Requests from other threads: connect, close, resume reading. */
static void serve_requests(hs_wsc *w)
{
	hs_ws_conn *todo[64];
	size_t n = 0;

	pthread_mutex_lock(&w->mu);
	for (hs_ws_conn *c = w->conns; c && n < 64; c = c->next) {
		if (c->want_connect) {
			c->want_connect = false;
			if (c->want_close) {
				set_closed_locked(c, "closed before it opened");
				continue;
			}
			c->refs++; /* held across the unlocked connect below */
			todo[n++] = c;
			continue;
		}
		if (!c->wsi)
			continue;
		if (c->want_close) {
			c->want_close = false;
			lws_close_reason(c->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			lws_callback_on_writable(c->wsi);
		}
		if (c->want_resume) {
			c->want_resume = false;
			c->paused = false;
			lws_rx_flow_control(c->wsi, 1);
		}
	}
	/* Drop connections that never got a socket and are closed. */
	for (hs_ws_conn **pp = &w->conns; *pp;) {
		hs_ws_conn *c = *pp;
		if (!c->wsi && c->state == HS_WS_CLOSED && !c->want_connect) {
			*pp = c->next;
			conn_unref_locked(c);
		} else {
			pp = &c->next;
		}
	}
	pthread_mutex_unlock(&w->mu);
	for (size_t i = 0; i < n; i++) {
		start_connect(w, todo[i]);
		pthread_mutex_lock(&w->mu);
		conn_unref_locked(todo[i]);
		pthread_mutex_unlock(&w->mu);
	}
}

/* A complete text message: queue it for the owner. */
static void deliver(hs_wsc *w, hs_ws_conn *c, struct lws *wsi)
{
	ws_msg *m = malloc(sizeof(*m) + c->rx_len + 1);
	pthread_mutex_lock(&w->mu);
	if (!m) {
		c->skipped++;
	} else {
		m->next = NULL;
		m->len = c->rx_len;
		memcpy(m->data, c->rx, c->rx_len);
		m->data[c->rx_len] = '\0';
		if (c->tail)
			c->tail->next = m;
		else
			c->head = m;
		c->tail = m;
		c->q_bytes += m->len;
		c->q_msgs++;
		if (!c->paused && (c->q_bytes > HS_WS_HIGH_BYTES || c->q_msgs > HS_WS_HIGH_MSGS)) {
			c->paused = true; /* TCP pushes back until the owner catches up */
			lws_rx_flow_control(wsi, 0);
		}
	}
	pthread_mutex_unlock(&w->mu);
	w->wake(w->wake_ud);
}

static int receive(hs_wsc *w, hs_ws_conn *c, struct lws *wsi, const void *in, size_t len)
{
	if (lws_is_first_fragment(wsi)) {
		c->rx_len = 0;
		c->rx_skip = lws_frame_is_binary(wsi) != 0;
	}
	if (!c->rx_skip) {
		if (c->rx_len + len > c->max_msg) {
			c->rx_skip = true;
			pthread_mutex_lock(&w->mu);
			set_closed_locked(c, "a message was larger than max_size");
			c->skipped++;
			pthread_mutex_unlock(&w->mu);
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
			return -1;
		}
		if (c->rx_len + len > c->rx_cap) {
			size_t nc = (c->rx_len + len) * 2;
			if (nc > c->max_msg)
				nc = c->max_msg;
			char *nb = realloc(c->rx, nc);
			if (!nb)
				return -1;
			c->rx = nb;
			c->rx_cap = nc;
		}
		memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	}
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	if (c->rx_skip) {
		pthread_mutex_lock(&w->mu);
		c->skipped++;
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	deliver(w, c, wsi);
	return 0;
}

static int add_headers(hs_ws_conn *c, struct lws *wsi, void *in, size_t len)
{
	unsigned char **p = (unsigned char **)in, *end = (*p) + len;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"User-Agent:",
	                                (const unsigned char *)c->ua, (int)strlen(c->ua), p, end))
		return -1;
	for (size_t i = 0; i < c->n_hdrs; i++)
		if (lws_add_http_header_by_name(wsi, (const unsigned char *)c->hdr_names[i],
		                                (const unsigned char *)c->hdr_values[i],
		                                (int)strlen(c->hdr_values[i]), p, end))
			return -1;
	return 0;
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
	hs_wsc *w = lws_context_user(lws_get_context(wsi));
	hs_ws_conn *c = user;
	char why[256];

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		serve_requests(w);
		return 0;
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return c ? add_headers(c, wsi, in, len) : 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		pthread_mutex_lock(&w->mu);
		if (c->state == HS_WS_CONNECTING) {
			c->state = HS_WS_OPEN;
			c->was_open = true;
		}
		pthread_mutex_unlock(&w->mu);
		w->wake(w->wake_ud);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return c ? receive(w, c, wsi, in, len) : 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return -1; /* only asked for to send the owner's close */
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (c && len >= 2)
			c->close_code = ((const unsigned char *)in)[0] << 8 |
			                ((const unsigned char *)in)[1];
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (!c)
			return 0;
		snprintf(why, sizeof(why), "cannot connect: %s",
		         in && len ? (const char *)in : "connection failed");
		pthread_mutex_lock(&w->mu);
		set_closed_locked(c, why);
		pthread_mutex_unlock(&w->mu);
		w->wake(w->wake_ud);
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!c)
			return 0;
		if (c->close_code)
			snprintf(why, sizeof(why), "closed by the server (code %d)", c->close_code);
		else
			snprintf(why, sizeof(why), "connection lost");
		pthread_mutex_lock(&w->mu);
		set_closed_locked(c, why);
		pthread_mutex_unlock(&w->mu);
		w->wake(w->wake_ud);
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		if (!c)
			return 0;
		pthread_mutex_lock(&w->mu);
		if (c->wsi == wsi || !c->wsi) {
			c->wsi = NULL;
			set_closed_locked(c, "connection lost");
			conn_detach_locked(w, c); /* may free c */
		}
		pthread_mutex_unlock(&w->mu);
		w->wake(w->wake_ud);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols ws_protocols[] = {
	{ "hs-stream", ws_cb, 0, 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void *stream_main(void *arg)
{
	hs_wsc *w = arg;
	while (!atomic_load(&w->stop))
		if (lws_service(w->ctx, 0) < 0)
			break;
	return NULL;
}

/* ---- the owner's side ---------------------------------------------------------- */

/* lws's own complaints go to the daemon's debug log (any thread): every
 * failure that matters is reported by poll_stream.c with the source's name
 * and rate-limited, so lws's lines (one per failed handshake) would only
 * repeat it without saying which source. lws has one hook per process:
 * the last context started sets it, and both bridges log through hs_log. */
static void lws_to_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	hs_log_debug("websocket library (%s): %.*s", level & LLL_ERR ? "error" : "warning", (int)n,
	             line);
}

hs_wsc *hs_wsc_start(void (*wake)(void *ud), void *ud, hs_errs *errs)
{
	struct lws_context_creation_info info;
	hs_wsc *w = calloc(1, sizeof(*w));
	if (!w) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	w->wake = wake;
	w->wake_ud = ud;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_to_log);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = ws_protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.gid = -1;
	info.uid = -1;
	info.user = w;
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		hs_errs_add(errs, NULL, 0, 0, "cannot create the websocket client context");
		goto fail;
	}
	if (pthread_create(&w->thread, NULL, stream_main, w) != 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot start the stream thread");
		goto fail;
	}
	w->started = true;
	return w;
fail:
	hs_wsc_stop(w);
	return NULL;
}

void hs_wsc_stop(hs_wsc *w)
{
	if (!w)
		return;
	if (w->started) {
		atomic_store(&w->stop, true);
		lws_cancel_service(w->ctx);
		pthread_join(w->thread, NULL);
	}
	/* Closes every socket; WSI_DESTROY drops the thread's references. */
	if (w->ctx)
		lws_context_destroy(w->ctx);
	pthread_mutex_lock(&w->mu);
	while (w->conns) {
		hs_ws_conn *c = w->conns;
		w->conns = c->next;
		set_closed_locked(c, "hearsay is stopping");
		c->w = NULL;
		conn_unref_locked(c);
	}
	pthread_mutex_unlock(&w->mu);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static int split_header(hs_ws_conn *c, const char *h)
{
	const char *colon = strchr(h, ':');
	const char *v;
	char **nn, **nv;
	if (!colon || colon == h)
		return 0; /* not a header: ignored */
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	nn = realloc(c->hdr_names, (c->n_hdrs + 1) * sizeof(*nn));
	if (!nn)
		return -1;
	c->hdr_names = nn;
	nv = realloc(c->hdr_values, (c->n_hdrs + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	c->hdr_values = nv;
	c->hdr_names[c->n_hdrs] = strndup(h, (size_t)(colon - h) + 1); /* "Name:" */
	c->hdr_values[c->n_hdrs] = strdup(v);
	if (!c->hdr_names[c->n_hdrs] || !c->hdr_values[c->n_hdrs]) {
		free(c->hdr_names[c->n_hdrs]);
		free(c->hdr_values[c->n_hdrs]);
		return -1;
	}
	c->n_hdrs++;
	return 0;
}

hs_ws_conn *hs_wsc_open(hs_wsc *w, const hs_ws_request *req, const char *ua, size_t max_msg,
                        char *err, size_t errlen)
{
	char buf[sizeof(req->url)];
	const char *prot, *addr, *path;
	int port;
	hs_ws_conn *c = NULL;

	snprintf(buf, sizeof(buf), "%s", req->url);
	if (lws_parse_uri(buf, &prot, &addr, &port, &path) ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "wss") != 0) || !*addr) {
		snprintf(err, errlen, "not a ws:// or wss:// URL: %s", req->url);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto oom;
	c->w = w;
	c->tls = strcmp(prot, "wss") == 0;
	c->port = port;
	c->max_msg = max_msg ? max_msg : 1;
	c->addr = strdup(addr);
	c->ua = strdup(ua ? ua : "hearsay");
	if (!c->addr || !c->ua || asprintf(&c->path, "/%s", path) < 0) {
		c->path = NULL;
		goto oom;
	}
	for (int i = 0; i < HS_HTTP_MAX_HEADERS && req->headers[i][0]; i++)
		if (split_header(c, req->headers[i]) < 0)
			goto oom;
	c->refs = 2; /* the owner's and the stream thread's */
	c->want_connect = true;
	pthread_mutex_lock(&w->mu);
	c->next = w->conns;
	w->conns = c;
	pthread_mutex_unlock(&w->mu);
	lws_cancel_service(w->ctx); /* the stream thread connects it */
	return c;
oom:
	snprintf(err, errlen, "out of memory");
	if (c)
		conn_free(c);
	return NULL;
}

/* The mutex that guards c: its context's, or none once the context is gone
 * (then only the owner is left). */
static pthread_mutex_t *conn_mu(hs_ws_conn *c)
{
	return c->w ? &c->w->mu : NULL;
}

/* Lock what guards c (if anything still does); give the result to conn_unlock. */
static pthread_mutex_t *conn_lock(hs_ws_conn *c)
{
	pthread_mutex_t *mu = conn_mu(c);
	if (mu)
		pthread_mutex_lock(mu);
	return mu;
}

static void conn_unlock(pthread_mutex_t *mu)
{
	if (mu)
		pthread_mutex_unlock(mu);
}

hs_ws_state hs_ws_conn_state(hs_ws_conn *c, bool *was_open, char *why, size_t whylen)
{
	pthread_mutex_t *mu = conn_lock(c);
	hs_ws_state st;
	st = c->state;
	if (was_open)
		*was_open = c->was_open;
	if (why && whylen)
		snprintf(why, whylen, "%s", c->why);
	conn_unlock(mu);
	return st;
}

int hs_ws_conn_pop(hs_ws_conn *c, char **msg, size_t *len)
{
	pthread_mutex_t *mu = conn_lock(c);
	ws_msg *m;
	bool resume = false;
	m = c->head;
	if (m) {
		c->head = m->next;
		if (!c->head)
			c->tail = NULL;
		c->q_bytes -= m->len;
		c->q_msgs--;
		if (c->paused && !c->want_resume && c->q_bytes < HS_WS_HIGH_BYTES / 2 &&
		    c->q_msgs < HS_WS_HIGH_MSGS / 2)
			resume = c->want_resume = true;
	}
	conn_unlock(mu);
	if (resume)
		lws_cancel_service(c->w->ctx);
	if (!m)
		return 0;
	/* hand the message over as a plain string: move the bytes down */
	*len = m->len;
	memmove(m, m->data, m->len + 1);
	*msg = (char *)m;
	return 1;
}

/* A counter of c, read under its lock. */
static size_t conn_count(hs_ws_conn *c, const size_t *field)
{
	pthread_mutex_t *mu = conn_lock(c);
	size_t n = *field;
	conn_unlock(mu);
	return n;
}

size_t hs_ws_conn_queued(hs_ws_conn *c)
{
	return conn_count(c, &c->q_msgs);
}

size_t hs_ws_conn_skipped(hs_ws_conn *c)
{
	return conn_count(c, &c->skipped);
}

void hs_ws_conn_close(hs_ws_conn *c)
{
	pthread_mutex_t *mu;
	hs_wsc *w;
	if (!c)
		return;
	mu = conn_mu(c);
	w = c->w;
	if (!mu) {
		conn_free(c); /* the context is gone: only the owner's reference is left */
		return;
	}
	pthread_mutex_lock(mu);
	c->want_close = c->wsi != NULL || c->want_connect;
	bool freed = conn_unref_locked(c);
	pthread_mutex_unlock(mu);
	if (!freed)
		lws_cancel_service(w->ctx);
}
