/* hearsay: HTTP polling of plugin sources (see poller.h). */
#include "hs_autoconf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/rand.h>

#include <hearsay/collector.h>

#include "log.h"
#include "metrics.h"
#include "poller.h"
#include "poller_int.h"
#include "timeutil.h"

/* ---- the host API for plugins (fetch thread, inside parse) ------------------- */

long hs_resp_status(const hs_http_response *r) { return r->status; }
const char *hs_resp_url(const hs_http_response *r) { return r->url; }
const char *hs_resp_content_type(const hs_http_response *r) { return r->ctype; }

const char *hs_resp_body(const hs_http_response *r, size_t *len)
{
	*len = r->len;
	return r->body;
}

const char *hs_resp_header(const hs_http_response *r, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = r->n_hdrs; i-- > 0;) {
		const char *h = r->hdrs[i];
		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			h += nl + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

static int pending_add(hs_poll_src *p, hs_post *post)
{
	if (p->n_pending == p->cap_pending) {
		size_t nc = p->cap_pending ? p->cap_pending * 2 : 64;
		hs_post **np = realloc(p->pending, nc * sizeof(*np));
		if (!np)
			return -1;
		p->pending = np;
		p->cap_pending = nc;
	}
	p->pending[p->n_pending++] = post;
	return 0;
}

void hs_host_emit(hs_host *h, hs_post *post)
{
	hs_poll_src *p = h->src;
	if (!post)
		return;
	if (!p) {
		if (!post->source)
			post->source = strdup(h->name);
		if (!post->fetched_us)
			post->fetched_us = h->now_us;
		h->sink(h->ud, post); /* the sink owns it */
		return;
	}
	if (!post->source && !(post->source = strdup(p->cfg->name)))
		goto drop;
	free(post->feed);
	post->feed = strdup(p->cfg->name);
	if (!post->fetched_us)
		post->fetched_us = h->now_us;
	if (!post->feed || pending_add(p, post) < 0)
		goto drop;
	return;
drop:
	HS_INC(posts_rejected);
	hs_log_err("source %s: out of memory: a post was dropped and counted", p->cfg->name);
	hs_post_free(post);
}

void hs_host_deleted(hs_host *h, const char *source_id)
{
	hs_post *p = hs_post_new();
	if (!p || !(p->text = strdup("")) || !(p->source_id = strdup(source_id))) {
		hs_post_free(p);
		hs_log_err("source %s: out of memory: a deletion notice was dropped", h->name);
		return;
	}
	p->flags = HS_POST_DELETED;
	p->created_us = h->now_us;
	hs_host_emit(h, p); /* a notice travels like a post, so it keeps its order */
}

void hs_host_set_cursor(hs_host *h, const char *cursor)
{
	if (!h->src)
		return;
	free(h->src->new_cursor);
	h->src->new_cursor = cursor ? strdup(cursor) : NULL;
}

void hs_host_log(hs_host *h, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hs_log(prio < HS_LOG_ERR ? HS_LOG_ERR : prio > HS_LOG_DEBUG ? HS_LOG_DEBUG : prio,
	       "source %s: %s", h->name, msg);
}

int64_t hs_host_now_us(const hs_host *h)
{
	return h->now_us;
}

void hs_host_poll_now(hs_host *h)
{
	if (h->src)
		h->src->poll_now = true;
}

const char *hs_host_version(void)
{
	return PACKAGE_VERSION;
}

/* ---- cursor: {"etag":..,"last_modified":..,"cursor":..} ----------------------- */

char *hs_poll_cursor_dump(const hs_poll_src *p)
{
	json_t *o = json_pack("{s:s?,s:s?,s:s?}", "etag", p->etag, "last_modified",
	                      p->last_modified, "cursor", p->plugin_cursor);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

void hs_poll_take_cursor(hs_poll_src *p)
{
	if (!p->new_cursor)
		return;
	free(p->plugin_cursor);
	p->plugin_cursor = p->new_cursor;
	p->new_cursor = NULL;
}

void hs_poll_attach_cursor(hs_poll_src *p, size_t before)
{
	if (p->n_pending > before) {
		hs_post *last = p->pending[p->n_pending - 1];
		free(last->cursor);
		last->cursor = hs_poll_cursor_dump(p);
	}
}

static void cursor_load(hs_poll_src *p, const char *cursor)
{
	json_t *o = cursor ? json_loads(cursor, 0, NULL) : NULL;
	const char *v;
	if (!o)
		return;
	if ((v = json_string_value(json_object_get(o, "etag"))))
		p->etag = strdup(v);
	if ((v = json_string_value(json_object_get(o, "last_modified"))))
		p->last_modified = strdup(v);
	if ((v = json_string_value(json_object_get(o, "cursor"))))
		p->plugin_cursor = strdup(v);
	json_decref(o);
}

/* ---- set-up ------------------------------------------------------------------------ */

double hs_poll_jitter(void)
{
	unsigned v;
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (unsigned)hs_mono_us();
	return (double)v / 4294967296.0;
}

hs_poll_src *hs_poll_new(const hs_source_cfg *cfg, const char *cursor,
                         const char *contact, hs_errs *errs)
{
	hs_poll_src *p = calloc(1, sizeof(*p));
	if (!p) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		return NULL;
	}
	p->cfg = cfg;
	p->m = hs_metrics_source(cfg->name);
	snprintf(p->ua, sizeof(p->ua), "hearsay/%s (local prevention monitoring%s%s)",
	         PACKAGE_VERSION, contact ? "; +" : "", contact ? contact : "");
	cursor_load(p, cursor);
	if (cfg->plugin->init(cfg->conf, &p->state, errs) < 0) {
		hs_errs_add(errs, NULL, 0, 0, "source %s: the %s collector refused its settings",
		            cfg->name, cfg->plugin->name);
		p->state = NULL;
		hs_poll_free(p);
		return NULL;
	}
	/* First poll soon, spread a little so that many sources do not start
	 * in the same instant. */
	p->next_poll = hs_mono_us() + (int64_t)(hs_poll_jitter() * 1e6);
	return p;
}

static void free_hdrs(hs_poll_src *p)
{
	for (size_t i = 0; i < p->n_hdrs; i++)
		free(p->hdrs[i]);
	free(p->hdrs);
	p->hdrs = NULL;
	p->n_hdrs = 0;
}

void hs_poll_free(hs_poll_src *p)
{
	if (!p)
		return;
	hs_poll_stream_stop(p);
	if (p->state && p->cfg->plugin->fini)
		p->cfg->plugin->fini(p->state);
	for (size_t i = p->first_pending; i < p->n_pending; i++)
		hs_post_free(p->pending[i]);
	free(p->pending);
	free_hdrs(p);
	curl_slist_free_all(p->req_hdrs);
	free(p->body);
	free(p->etag);
	free(p->last_modified);
	free(p->plugin_cursor);
	free(p->new_cursor);
	free(p);
}

const char *hs_poll_name(const hs_poll_src *p)
{
	return p->cfg->name;
}

int64_t hs_poll_due(hs_poll_src *p)
{
	if (p->first_pending < p->n_pending)
		return hs_mono_us() + 2000; /* retry pushing soon */
	int64_t due = p->in_flight || !p->cfg->plugin->plan ? INT64_MAX : p->next_poll;
	int64_t ws = hs_poll_stream_due(p);
	return ws < due ? ws : due;
}

bool hs_poll_wants_more(const hs_poll_src *p, int64_t now)
{
	return p->cfg->plugin->plan && !p->in_flight && p->failures == 0 && p->next_poll <= now;
}

size_t hs_poll_pending(const hs_poll_src *p)
{
	return p->n_pending - p->first_pending;
}

size_t hs_poll_flush(hs_poll_src *p, int (*push)(void *ud, hs_post *post), void *ud)
{
	while (p->first_pending < p->n_pending) {
		if (push(ud, p->pending[p->first_pending]) != 0)
			return p->n_pending - p->first_pending;
		p->pending[p->first_pending++] = NULL; /* the queue owns it now */
	}
	p->first_pending = p->n_pending = 0;
	return 0;
}

/* ---- the transfer ---------------------------------------------------------------- */

static size_t on_body(char *d, size_t size, size_t n, void *ud)
{
	hs_poll_src *p = ud;
	size_t l = size * n;
	if (p->len + l > p->cfg->max_size) {
		p->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (p->len + l + 1 > p->cap) {
		size_t nc = (p->len + l + 1) * 2;
		if (nc > p->cfg->max_size + 1)
			nc = p->cfg->max_size + 1;
		char *nb = realloc(p->body, nc);
		if (!nb)
			return 0;
		p->body = nb;
		p->cap = nc;
	}
	memcpy(p->body + p->len, d, l);
	p->len += l;
	p->body[p->len] = '\0';
	return l;
}

static size_t on_header(char *d, size_t size, size_t n, void *ud)
{
	hs_poll_src *p = ud;
	size_t l = size * n;
	if (l >= 5 && strncmp(d, "HTTP/", 5) == 0) {
		free_hdrs(p); /* a new response (after a redirect or 100): start over */
		return l;
	}
	while (l && (d[l - 1] == '\r' || d[l - 1] == '\n'))
		l--;
	if (l == 0 || p->n_hdrs >= HS_MAX_HDRS || !memchr(d, ':', l))
		return size * n;
	char **nh = realloc(p->hdrs, (p->n_hdrs + 1) * sizeof(*nh));
	if (!nh)
		return 0;
	p->hdrs = nh;
	p->hdrs[p->n_hdrs] = strndup(d, l);
	if (p->hdrs[p->n_hdrs])
		p->n_hdrs++;
	return size * n;
}

CURL *hs_poll_start(hs_poll_src *p, int64_t now)
{
	hs_http_request req;
	CURL *e;
	char h[2400];

	if (!p->cfg->plugin->plan || p->in_flight || p->first_pending < p->n_pending ||
	    now < p->next_poll)
		return NULL;
	memset(&req, 0, sizeof(req));
	if (p->cfg->plugin->plan(p->state, p->plugin_cursor, &req) != 0 || !req.url[0]) {
		p->next_poll = now + p->cfg->interval_us;
		return NULL;
	}
	e = curl_easy_init();
	if (!e)
		return NULL;
	curl_slist_free_all(p->req_hdrs);
	p->req_hdrs = NULL;
	snprintf(h, sizeof(h), "Accept: %s", req.accept[0] ? req.accept : "*/*");
	p->req_hdrs = curl_slist_append(p->req_hdrs, h);
	for (int i = 0; i < HS_HTTP_MAX_HEADERS && req.headers[i][0]; i++)
		p->req_hdrs = curl_slist_append(p->req_hdrs, req.headers[i]);
	if (req.conditional && p->etag) {
		snprintf(h, sizeof(h), "If-None-Match: %s", p->etag);
		p->req_hdrs = curl_slist_append(p->req_hdrs, h);
	}
	if (req.conditional && p->last_modified) {
		snprintf(h, sizeof(h), "If-Modified-Since: %s", p->last_modified);
		p->req_hdrs = curl_slist_append(p->req_hdrs, h);
	}
	p->len = 0;
	p->too_big = 0;
	p->err[0] = '\0';
	free_hdrs(p);
	curl_easy_setopt(e, CURLOPT_URL, req.url);
	if (strcmp(req.method, "POST") == 0) /* copied: req is gone after this call */
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req.body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->req_hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, p->ua);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl has */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(p->cfg->timeout_us / 1000));
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)p->cfg->max_size);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->err);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, p);
	p->in_flight = 1;
	return e;
}

/* Seconds to wait from Retry-After (seconds or HTTP date), or -1. */
static long retry_after_s(const hs_http_response *r)
{
	const char *v = hs_resp_header(r, "Retry-After");
	char *end;
	if (!v)
		return -1;
	long s = strtol(v, &end, 10);
	if (end != v && (*end == '\0' || isspace((unsigned char)*end)))
		return s < 0 ? 0 : s;
	time_t when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	long d = (long)(when - hs_now_us() / 1000000);
	return d < 0 ? 0 : d;
}

/* Seconds until the rate limit resets when X-RateLimit-Remaining is 0, or -1. */
static long ratelimit_wait_s(const hs_http_response *r)
{
	const char *rem = hs_resp_header(r, "X-RateLimit-Remaining");
	const char *reset = hs_resp_header(r, "X-RateLimit-Reset");
	char *end;
	if (!rem || !reset || strtod(rem, NULL) >= 1.0)
		return -1;
	double v = strtod(reset, &end);
	if (end != reset && (*end == '\0' || isspace((unsigned char)*end))) {
		long now = (long)(hs_now_us() / 1000000);
		long s = v > 1e9 ? (long)v - now : (long)v; /* epoch seconds, or seconds left */
		return s < 0 ? 0 : s;
	}
	int64_t t;
	if (hs_time_parse_rfc3339(reset, &t) == 0) {
		long s = (long)((t - hs_now_us()) / 1000000);
		return s < 0 ? 0 : s;
	}
	return -1;
}

/* kind: the libcurl error code, 1000 + an HTTP status, or 2000 for a
 * response the plugin could not parse. */
int64_t hs_poll_backoff_us(int64_t base, int failures, int64_t cap)
{
	int64_t b = base << (failures < 12 ? failures : 12);
	if (b > cap)
		b = cap;
	return (int64_t)((double)b * (0.5 + hs_poll_jitter() * 0.5));
}

static void fail(hs_poll_src *p, int64_t now, int kind, const char *why, long wait_s)
{
	/* the poll interval, doubling per consecutive failure, at most 1 h */
	int64_t backoff = hs_poll_backoff_us(p->cfg->interval_us, p->failures, HS_BACKOFF_MAX_US);
	if (wait_s >= 0 && wait_s * 1000000LL > backoff)
		backoff = (wait_s > 86400 ? 86400 : wait_s) * 1000000LL;
	p->failures++;
	/* complain once, then every 10th time, so a dead source does not flood;
	 * and whenever the failure changes its kind. Logged before it is
	 * counted: whoever sees the counter move finds the line. */
	if (p->failures == 1 || p->failures % 10 == 0 || kind != p->fail_kind)
		hs_log_warn("source %s: %s (failure %d; next try in %.0fs)", p->cfg->name, why,
		            p->failures, (double)backoff / 1e6);
	HS_INC(source_errors);
	HS_SRC_INC(p->m, errors);
	HS_SRC_SET(p->m, last_error_us, hs_now_us());
	p->fail_kind = kind;
	p->next_poll = now + backoff;
}

static void schedule_next(hs_poll_src *p, int64_t now, long wait_s)
{
	int64_t iv = (int64_t)((double)p->cfg->interval_us * (0.9 + 0.2 * hs_poll_jitter()));
	if (wait_s >= 0 && wait_s * 1000000LL > iv)
		iv = (wait_s > 86400 ? 86400 : wait_s) * 1000000LL;
	if (p->failures)
		hs_log_notice("source %s: recovered after %d failure(s)", p->cfg->name, p->failures);
	p->failures = 0;
	p->next_poll = now + iv;
}

static void keep_validator(char **dst, const char *v)
{
	if (!v)
		return;
	free(*dst);
	*dst = strdup(v);
}

void hs_poll_done(hs_poll_src *p, CURL *e, CURLcode res, int64_t now)
{
	hs_http_response r = { 0 };
	char why[CURL_ERROR_SIZE + 64];
	char *url = NULL, *ctype = NULL;

	p->in_flight = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url);
	curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
	r.url = url;
	r.ctype = ctype;
	r.body = p->body ? p->body : "";
	r.len = p->len;
	r.hdrs = p->hdrs;
	r.n_hdrs = p->n_hdrs;
	HS_INC(source_polls);
	HS_SRC_INC(p->m, polls);
	if (res != CURLE_OK) {
		if (p->too_big || res == CURLE_FILESIZE_EXCEEDED)
			snprintf(why, sizeof(why), "response larger than max_size (%llu bytes)",
			         (unsigned long long)p->cfg->max_size);
		else if (res == CURLE_TOO_MANY_REDIRECTS)
			snprintf(why, sizeof(why), "more than 5 redirects");
		else
			snprintf(why, sizeof(why), "%s", p->err[0] ? p->err : curl_easy_strerror(res));
		fail(p, now, (int)res, why, -1);
		goto out;
	}
	if (r.status == 304) {
		HS_INC(source_not_modified);
		HS_SRC_INC(p->m, not_modified);
		HS_SRC_SET(p->m, last_ok_us, hs_now_us());
		schedule_next(p, now, ratelimit_wait_s(&r));
		goto out;
	}
	if (r.status < 200 || r.status >= 300) {
		snprintf(why, sizeof(why), "HTTP status %ld from %s", r.status, url ? url : "?");
		long wait = r.status == 429 || r.status == 503 ? retry_after_s(&r) : -1;
		if (wait < 0) /* Mastodon's 429 says when in X-RateLimit-Reset only */
			wait = ratelimit_wait_s(&r);
		fail(p, now, 1000 + (int)r.status, why, wait);
		if (HS_COLLECTOR_HAS(p->cfg->plugin, failed)) {
			hs_host host = { p, NULL, NULL, p->cfg->name, hs_now_us() };
			p->cfg->plugin->failed(p->state, &r, &host);
		}
		goto out;
	}
	/* A 2xx: let the plugin parse it. */
	hs_host host = { p, NULL, NULL, p->cfg->name, hs_now_us() };
	size_t before = p->n_pending;
	free(p->new_cursor);
	p->new_cursor = NULL;
	int items = p->cfg->plugin->parse(p->state, &r, &host);
	if (items < 0) {
		snprintf(why, sizeof(why), "could not parse the response from %s", url ? url : "?");
		fail(p, now, 2000, why, -1);
		HS_INC(source_parse_errors); /* after the log line, as in fail() */
		HS_SRC_INC(p->m, parse_errors);
		goto out; /* posts emitted before the error still go in */
	}
	keep_validator(&p->etag, hs_resp_header(&r, "ETag"));
	keep_validator(&p->last_modified, hs_resp_header(&r, "Last-Modified"));
	hs_poll_take_cursor(p);
	hs_poll_attach_cursor(p, before); /* the cursor rides on the last new post */
	HS_ADD(source_items, p->n_pending - before);
	HS_SRC_ADD(p->m, items, p->n_pending - before);
	HS_SRC_SET(p->m, last_ok_us, hs_now_us());
	long rl = ratelimit_wait_s(&r);
	p->rl_until = rl > 0 ? now + rl * 1000000LL : 0;
	schedule_next(p, now, rl);
	if (p->poll_now && rl <= 0) /* the next page, or the request after a token, */
		p->next_poll = now;     /* unless the rate limit says to wait */
out:
	p->poll_now = false;
	curl_easy_cleanup(e);
	free_hdrs(p);
	p->len = 0;
}

void hs_poll_abandon(hs_poll_src *p, CURL *easy)
{
	p->in_flight = 0;
	curl_easy_cleanup(easy);
	free_hdrs(p);
	p->len = 0;
}

int hs_poll_parse_body(const hs_collector *c, void *state, const char *source,
                       const char *body, size_t len, const char *url, const char *ctype,
                       int (*sink)(void *ud, hs_post *post), void *ud)
{
	hs_http_response r = { 200, body, len, url, ctype, NULL, 0 };
	hs_host host = { NULL, sink, ud, source, hs_now_us() };
	return c->parse(state, &r, &host);
}

int hs_poll_parse_frame(const hs_collector *c, void *state, const char *source,
                        const char *msg, size_t len, int (*sink)(void *ud, hs_post *post),
                        void *ud)
{
	hs_host host = { NULL, sink, ud, source, hs_now_us() };
	return c->stream_frame(state, msg, len, &host);
}

int hs_poll_failures(const hs_poll_src *p)
{
	return p->failures;
}
