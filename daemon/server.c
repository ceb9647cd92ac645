/* hearsay: the lws service thread (see server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "log.h"
#include "metrics.h"
#include "server.h"
#include "signals.h"
#include "timeutil.h"

#define HS_RING_SIZE 4096
#define HS_STATS_US (2 * LWS_US_PER_SEC)
#define HS_HEARTBEAT_EVERY 8     /* stats periods */
#define HS_API_MAX_ROWS 5000

typedef struct ring_ent {
	uint64_t seq;
	char *json;
	size_t len;
} ring_ent;

struct hs_server {
	hs_daemon *d;
	struct lws_context *ctx;
	struct lws_protocols protocols[3];
	struct lws_http_mount mounts[3];
	pthread_t thread;
	int started;
	int port;
	atomic_bool stop;
	lws_sorted_usec_list_t sul_stats;
	unsigned ticks;
	/* The ring: written by the store thread, read by the service thread. */
	pthread_mutex_t mu;
	ring_ent ring[HS_RING_SIZE];
	uint64_t last_seq;       /* newest seq published (or found in LMDB) */
	uint64_t count;          /* entries in the ring (<= HS_RING_SIZE) */
};

/* ---- publishing (store thread) --------------------------------------------- */

void hs_server_publish(hs_server *s, uint64_t seq, char *json)
{
	if (!s) {
		free(json);
		return;
	}
	pthread_mutex_lock(&s->mu);
	ring_ent *e = &s->ring[seq % HS_RING_SIZE];
	free(e->json); /* the oldest entry falls out */
	e->seq = seq;
	e->json = json;
	e->len = strlen(json);
	s->last_seq = seq;
	if (s->count < HS_RING_SIZE)
		s->count++;
	pthread_mutex_unlock(&s->mu);
	lws_cancel_service(s->ctx); /* wake the service thread */
}

/* ---- websocket sessions (service thread) ------------------------------------ */

typedef struct ws_sess {
	uint64_t next_seq;   /* next event to send */
	int catchup;         /* may read older events from LMDB */
	int stats_due;
	int heartbeat_due;
	unsigned seen_tick;  /* last stats tick this session reacted to */
} ws_sess;

typedef struct send_buf {
	unsigned char *p;    /* LWS_PRE bytes of headroom, then the message */
	size_t len;
	uint64_t seq;
} send_buf;

static int copy_msg(send_buf *b, const char *json, size_t len, uint64_t seq)
{
	b->p = malloc(LWS_PRE + len);
	if (!b->p)
		return -1;
	memcpy(b->p + LWS_PRE, json, len);
	b->len = len;
	b->seq = seq;
	return 0;
}

static int load_event_cb(void *ud, uint64_t key, const char *val, size_t len)
{
	send_buf *b = ud;
	copy_msg(b, val, len, key);
	return 1;
}

/* Next message for a session: 1 found, 0 nothing to send, -1 too slow. */
static int next_message(hs_server *s, ws_sess *ss, send_buf *b)
{
	uint64_t oldest;
	int rc = 0;

	pthread_mutex_lock(&s->mu);
	oldest = s->last_seq - s->count + 1;
	if (ss->next_seq > s->last_seq) {
		rc = 0;
	} else if (ss->next_seq >= oldest && s->count) {
		ring_ent *e = &s->ring[ss->next_seq % HS_RING_SIZE];
		rc = copy_msg(b, e->json, e->len, e->seq) == 0 ? 1 : 0;
	} else {
		rc = ss->catchup ? 2 : -1;
	}
	pthread_mutex_unlock(&s->mu);
	if (rc == 2) { /* older than the ring: read it from the store */
		b->p = NULL;
		hs_store_scan_events(s->d->store, ss->next_seq - 1, 1, load_event_cb, b);
		rc = b->p ? 1 : 0;
		if (!b->p) /* a gap (should not happen): skip to the ring */
			ss->next_seq = oldest;
	}
	return rc;
}

static int ws_write_text(struct lws *wsi, unsigned char *p, size_t len)
{
	return lws_write(wsi, p + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len ? -1 : 0;
}

static int ws_writable(hs_server *s, struct lws *wsi, ws_sess *ss)
{
	send_buf b = { 0 };

	if (ss->seen_tick != s->ticks) {
		ss->seen_tick = s->ticks;
		ss->stats_due = 1;
		if (s->ticks % HS_HEARTBEAT_EVERY == 0)
			ss->heartbeat_due = 1;
	}
	if (ss->stats_due || ss->heartbeat_due) {
		char *js = NULL;
		if (ss->stats_due) {
			js = hs_metrics_json();
			ss->stats_due = 0;
		} else {
			char ts[40];
			if (asprintf(&js, "{\"type\":\"heartbeat\",\"time\":\"%s\",\"seq\":%" PRIu64 "}",
			             hs_time_format(hs_now_us(), ts, sizeof(ts)),
			             ss->next_seq ? ss->next_seq - 1 : 0) < 0)
				js = NULL;
			ss->heartbeat_due = 0;
		}
		int r = js ? copy_msg(&b, js, strlen(js), 0) : -1;
		free(js);
		if (r == 0) {
			r = ws_write_text(wsi, b.p, b.len);
			free(b.p);
			if (r < 0)
				return -1;
		}
		lws_callback_on_writable(wsi);
		return 0;
	}
	int r = next_message(s, ss, &b);
	if (r < 0) {
		HS_INC(ws_culled);
		hs_log_notice("websocket client too slow (behind by more than %d events): disconnected",
		              HS_RING_SIZE);
		static const char reason[] = "too slow";
		lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)reason,
		                 sizeof(reason) - 1);
		return -1;
	}
	if (r == 0) {
		ss->catchup = 0; /* caught up: from now on a live client */
		return 0;
	}
	int wr = ws_write_text(wsi, b.p, b.len);
	free(b.p);
	if (wr < 0)
		return -1;
	HS_INC(ws_messages);
	ss->next_seq = b.seq + 1;
	lws_callback_on_writable(wsi); /* maybe more */
	return 0;
}

static int path_is(struct lws *wsi, const char *want)
{
	char uri[256];
	int n = lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
	return n > 0 && strcmp(uri, want) == 0;
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                 void *in, size_t len)
{
	hs_server *s = lws_context_user(lws_get_context(wsi));
	ws_sess *ss = user;
	char buf[64];

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		if (!path_is(wsi, "/ws"))
			return -1;
		memset(ss, 0, sizeof(*ss));
		pthread_mutex_lock(&s->mu);
		ss->next_seq = s->last_seq + 1;
		pthread_mutex_unlock(&s->mu);
		/* ?since=SEQ: every stored event after SEQ; ?backlog=N: the events
		 * from the N-th newest hit on */
		const char *since = lws_get_urlarg_by_name(wsi, "since=", buf, sizeof(buf));
		if (since) {
			char *end;
			unsigned long long v = strtoull(since, &end, 10);
			if (end != since && *end == '\0' && since[0] != '-' &&
			    v < UINT64_MAX && v + 1 < ss->next_seq) {
				ss->next_seq = v + 1;
				ss->catchup = 1;
			}
		} else if ((since = lws_get_urlarg_by_name(wsi, "backlog=", buf, sizeof(buf)))) {
			char *end;
			unsigned long long v = strtoull(since, &end, 10);
			uint64_t start = 0;
			/* the last N hits, with the spike and claim events among them
			 * (a short read of the store on the lws thread: one backward
			 * cursor walk over the newest events) */
			if (end != since && *end == '\0' && since[0] != '-' && v > 0 &&
			    hs_store_backlog_start(s->d->store, v, &start) == 0 && start &&
			    start < ss->next_seq) {
				ss->catchup = 1;
				ss->next_seq = start;
			}
		}
		ss->stats_due = 1;
		ss->seen_tick = s->ticks;
		HS_INC(ws_clients);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLOSED:
		atomic_fetch_sub(&hs_metrics.ws_clients, 1);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writable(s, wsi, ss);
	case LWS_CALLBACK_RECEIVE:
		return 0; /* client messages are ignored for now */
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* woken by hs_server_publish: every session may have more */
		if (s)
			lws_callback_on_writable_all_protocol(s->ctx, &s->protocols[0]);
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static void stats_tick(lws_sorted_usec_list_t *sul)
{
	hs_server *s = lws_container_of(sul, hs_server, sul_stats);
	s->ticks++; /* each session notices the new tick when writable */
	lws_callback_on_writable_all_protocol(s->ctx, &s->protocols[0]);
	lws_sul_schedule(s->ctx, 0, &s->sul_stats, stats_tick, HS_STATS_US);
}

/* ---- HTTP API (service thread) ----------------------------------------------- */

typedef struct api_sess {
	char *body;
	size_t len, off;
} api_sess;

typedef struct rows_ctx {
	json_t *arr;
	int csv;
	FILE *out;
} rows_ctx;

static int collect_row(void *ud, uint64_t key, const char *val, size_t len)
{
	rows_ctx *c = ud;
	json_t *o = json_loadb(val, len, 0, NULL);
	(void)key;
	if (o)
		json_array_append_new(c->arr, o);
	return 0;
}

static const char *arg(struct lws *wsi, const char *name, char *buf, int len)
{
	return lws_get_urlarg_by_name(wsi, name, buf, len);
}

/* ?limit=N (1..HS_API_MAX_ROWS) into *limit, if given. 0, or -1 with *msg. */
static int parse_limit(struct lws *wsi, size_t *limit, const char **msg)
{
	char b[32];
	const char *v = arg(wsi, "limit=", b, sizeof(b));
	char *end;
	unsigned long n;

	if (!v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end || n == 0 || n > HS_API_MAX_ROWS) {
		*msg = "bad 'limit': 1 to 5000";
		return -1;
	}
	*limit = n;
	return 0;
}

/* Parse query args into a store query; returns 0, or -1 with msg set. */
static int parse_query(struct lws *wsi, hs_store_query *q, char *rule, size_t rl,
                       char *src, size_t sl, const char **msg)
{
	char b[128];
	const char *v;
	int64_t now = hs_now_us();

	memset(q, 0, sizeof(*q));
	q->since_us = INT64_MIN;
	q->until_us = INT64_MAX;
	q->limit = 100;
	q->newest_first = true;
	if ((v = arg(wsi, "since=", b, sizeof(b))) && hs_time_parse_user(v, now, &q->since_us)) {
		*msg = "bad 'since': use RFC 3339, a date, or an age such as 2h";
		return -1;
	}
	if ((v = arg(wsi, "until=", b, sizeof(b))) && hs_time_parse_user(v, now, &q->until_us)) {
		*msg = "bad 'until': use RFC 3339, a date, or an age such as 2h";
		return -1;
	}
	if (parse_limit(wsi, &q->limit, msg) < 0)
		return -1;
	if ((v = arg(wsi, "order=", b, sizeof(b))))
		q->newest_first = strcmp(v, "asc") != 0;
	if ((v = arg(wsi, "rule=", b, sizeof(b)))) {
		snprintf(rule, rl, "%s", v);
		q->rule = rule;
	}
	if ((v = arg(wsi, "source=", b, sizeof(b)))) {
		snprintf(src, sl, "%s", v);
		q->source = src;
	}
	return 0;
}

/* /api/v1/spikes and /api/v1/claims: the newest records first, as JSON
 * (a claim record is its binary part, then its JSON: see signals.h). */
typedef struct sig_rows {
	json_t *arr;
	bool claims;
	bool rumour_only;
} sig_rows;

static int sig_row(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	sig_rows *c = ud;
	const char *js = val;
	json_t *o;

	(void)key;
	(void)kl;
	if (c->claims) {
		const void *rec;
		size_t rl;
		if (hs_signals_claim_parts(val, vl, &rec, &rl, &js, &vl) < 0)
			return 0;
	}
	o = json_loadb(js, vl, 0, NULL);
	if (!o)
		return 0;
	if (c->rumour_only && !json_is_true(json_object_get(o, "rumour")))
		json_decref(o);
	else
		json_array_append_new(c->arr, o);
	return 0;
}

static unsigned api_signals(hs_server *s, struct lws *wsi, bool claims, char **body)
{
	sig_rows c = { json_array(), claims, false };
	char b[64];
	const char *v, *msg = NULL;
	size_t limit = 100;
	int rc;

	if (parse_limit(wsi, &limit, &msg) < 0) {
		json_t *e = json_pack("{s:s}", "error", msg);
		json_decref(c.arr);
		*body = json_dumps(e, JSON_COMPACT);
		json_decref(e);
		return 400;
	}
	if (!claims && (v = arg(wsi, "rumour=", b, sizeof(b))))
		c.rumour_only = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	/* a short read transaction (store.h) on the lws thread */
	rc = hs_store_scan_sig(s->d->store, claims ? HS_SDB_CLAIMS : HS_SDB_SPIKES, NULL, 0, true,
	                       c.rumour_only ? 0 : limit, sig_row, &c);
	if (rc || !c.arr) {
		json_decref(c.arr);
		*body = strdup("{\"error\":\"store read failed\"}");
		return 500;
	}
	while (json_array_size(c.arr) > limit)
		json_array_remove(c.arr, json_array_size(c.arr) - 1);
	*body = json_dumps(c.arr, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(c.arr);
	return *body ? 200 : 500;
}

/* Build the response for one API path. Returns the HTTP status. */
static unsigned api_respond(hs_server *s, struct lws *wsi, const char *path,
                            char **body, const char **ctype)
{
	*ctype = "application/json";
	if (strcmp(path, "/metrics") == 0) {
		*ctype = "text/plain; version=0.0.4";
		*body = hs_metrics_prometheus();
		return *body ? 200 : 500;
	}
	if (strcmp(path, "/api/v1/stats") == 0) {
		*body = hs_metrics_json();
		return *body ? 200 : 500;
	}
	if (strcmp(path, "/api/v1/health") == 0) {
		*body = strdup("{\"status\":\"ok\"}");
		return 200;
	}
	if (strcmp(path, "/api/v1/hits") == 0 || strcmp(path, "/api/v1/posts") == 0) {
		hs_store_query q;
		char rule[128], src[128];
		const char *msg = NULL;
		rows_ctx c = { json_array(), 0, NULL };
		int rc;
		if (parse_query(wsi, &q, rule, sizeof(rule), src, sizeof(src), &msg) < 0) {
			json_decref(c.arr);
			json_t *e = json_pack("{s:s}", "error", msg);
			*body = json_dumps(e, JSON_COMPACT);
			json_decref(e);
			return 400;
		}
		rc = path[8] == 'h' ? hs_store_query_hits(s->d->store, &q, collect_row, &c)
		                    : hs_store_query_posts(s->d->store, &q, collect_row, &c);
		if (rc) {
			json_decref(c.arr);
			*body = strdup("{\"error\":\"store read failed\"}");
			return 500;
		}
		*body = json_dumps(c.arr, JSON_COMPACT);
		json_decref(c.arr);
		return *body ? 200 : 500;
	}
	if (strcmp(path, "/api/v1/spikes") == 0 || strcmp(path, "/api/v1/claims") == 0)
		return api_signals(s, wsi, path[8] == 'c', body);
	*body = strdup("{\"error\":\"not found\"}");
	return 404;
}

static int cb_api(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                  void *in, size_t len)
{
	hs_server *s = lws_context_user(lws_get_context(wsi));
	api_sess *as = user;
	unsigned char hdr[LWS_PRE + 1024], *start = hdr + LWS_PRE, *p = start,
	              *end = hdr + sizeof(hdr) - 1;

	switch (reason) {
	case LWS_CALLBACK_HTTP: {
		char path[256];
		const char *ctype;
		int n = lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI);
		if (n <= 0)
			return lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, NULL);
		HS_INC(http_requests);
		memset(as, 0, sizeof(*as));
		unsigned status = api_respond(s, wsi, path, &as->body, &ctype);
		if (!as->body)
			return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL);
		as->len = strlen(as->body);
		if (lws_add_http_common_headers(wsi, status, ctype, as->len, &p, end) ||
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
		                                (const unsigned char *)"no-store", 8, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return 1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	case LWS_CALLBACK_HTTP_WRITEABLE: {
		if (!as->body)
			return -1;
		size_t chunk = as->len - as->off;
		if (chunk > 16384)
			chunk = 16384;
		unsigned char *buf = malloc(LWS_PRE + chunk);
		if (!buf)
			return -1;
		memcpy(buf + LWS_PRE, as->body + as->off, chunk);
		int last = as->off + chunk == as->len;
		int w = lws_write(wsi, buf + LWS_PRE, chunk, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
		free(buf);
		if (w < (int)chunk)
			return -1;
		as->off += chunk;
		if (!last) {
			lws_callback_on_writable(wsi);
			return 0;
		}
		free(as->body);
		as->body = NULL;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	case LWS_CALLBACK_CLOSED_HTTP:
		if (as) {
			free(as->body);
			as->body = NULL;
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void *service_main(void *arg)
{
	hs_server *s = arg;
	while (!atomic_load(&s->stop))
		if (lws_service(s->ctx, 0) < 0)
			break;
	return NULL;
}

/* Try the address first so that "in use" gets a clear message (lws only
 * says that the vhost could not be created). Returns the bound port. */
static int probe_listen(const char *addr, int port, hs_errs *errs)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1, fd = -1, bound = -1;

	if (strchr(addr, ':')) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
			goto bad_addr;
		sl = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
			goto bad_addr;
		sl = sizeof(*a4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot listen on %s%s%s:%d: %s%s", strchr(addr, ':') ? "[" : "",
		            addr, strchr(addr, ':') ? "]" : "", port, strerror(errno),
		            errno == EADDRINUSE ? " (is another hearsayd running? change listen.port)" : "");
		close(fd);
		return -1;
	}
	if (port == 0) {
		getsockname(fd, (struct sockaddr *)&ss, &sl);
		port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                      : ((struct sockaddr_in *)&ss)->sin_port);
	}
	bound = port;
	close(fd);
	return bound;
bad_addr:
	hs_errs_add(errs, NULL, 0, 0, "listen.address '%s' is not an IPv4 or IPv6 address", addr);
	return -1;
}

static void lws_log_bridge(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	hs_log(level == LLL_ERR ? HS_LOG_ERR : level == LLL_WARN ? HS_LOG_WARNING : HS_LOG_DEBUG,
	       "lws: %.*s", (int)n, line);
}

hs_server *hs_server_start(hs_daemon *d, hs_errs *errs)
{
	hs_server *s = calloc(1, sizeof(*s));
	struct lws_context_creation_info info;
	const hs_config *c = d->cfg;
	uint64_t last = 0;

	if (!s) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		return NULL;
	}
	s->d = d;
	pthread_mutex_init(&s->mu, NULL);
	s->port = probe_listen(c->listen_addr, c->listen_port, errs);
	if (s->port < 0)
		goto fail;
	hs_store_get_counter(d->store, "next_seq", &last);
	s->last_seq = last; /* older events are served from LMDB */
	atomic_store(&hs_metrics.last_seq, last);

	s->protocols[0] = (struct lws_protocols){ "hearsay", cb_ws, sizeof(ws_sess), 65536, 0, NULL, 0 };
	s->protocols[1] = (struct lws_protocols){ "hearsay-api", cb_api, sizeof(api_sess), 0, 0, NULL, 0 };
	s->mounts[0] = (struct lws_http_mount){ .mount_next = &s->mounts[1], .mountpoint = "/api",
	                                        .origin = "hearsay-api", .protocol = "hearsay-api",
	                                        .origin_protocol = LWSMPRO_CALLBACK,
	                                        .mountpoint_len = 4 };
	s->mounts[1] = (struct lws_http_mount){ .mount_next = &s->mounts[2], .mountpoint = "/metrics",
	                                        .origin = "hearsay-api", .protocol = "hearsay-api",
	                                        .origin_protocol = LWSMPRO_CALLBACK,
	                                        .mountpoint_len = 8 };
	s->mounts[2] = (struct lws_http_mount){ .mountpoint = "/", .origin = c->dashboard_dir,
	                                        .def = "index.html", .origin_protocol = LWSMPRO_FILE,
	                                        .mountpoint_len = 1 };
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_bridge);
	memset(&info, 0, sizeof(info));
	info.port = s->port;
	info.iface = c->listen_addr;
	info.protocols = s->protocols;
	info.mounts = &s->mounts[0];
	info.user = s;
	info.options = LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE |
	               LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.vhost_name = "hearsay";
	info.ka_time = 0;
	info.timeout_secs = 30;
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		hs_errs_add(errs, NULL, 0, 0, "cannot start the web server on %s:%d", c->listen_addr, s->port);
		goto fail;
	}
	lws_sul_schedule(s->ctx, 0, &s->sul_stats, stats_tick, HS_STATS_US);
	if (pthread_create(&s->thread, NULL, service_main, s) != 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot start the lws service thread");
		goto fail;
	}
	s->started = 1;
	hs_log_notice("listening on http://%s:%d/ (dashboard, /ws, /api/v1, /metrics)",
	              c->listen_addr, s->port);
	return s;
fail:
	hs_server_stop(s);
	return NULL;
}

void hs_server_stop(hs_server *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	if (s->started) {
		lws_cancel_service(s->ctx);
		pthread_join(s->thread, NULL);
	}
	if (s->ctx)
		lws_context_destroy(s->ctx);
	for (size_t i = 0; i < HS_RING_SIZE; i++)
		free(s->ring[i].json);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int hs_server_port(const hs_server *s)
{
	return s->port;
}
