/* hearsay: the fetch thread (see fetch.h). */
#include "hs_autoconf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "poller.h"
#include "timeutil.h"
#include "writer.h"

#define HS_USER_AGENT "hearsay/" PACKAGE_VERSION
#define HS_INTAKE_RETRY_US 2000

typedef struct src_state {
	const hs_source_cfg *cfg;
	hs_replay *replay;       /* a replay source, or */
	hs_poll_src *poll;       /* a polled plugin source */
	hs_source_metrics *m;    /* a replay source's counters */
	int64_t due;             /* monotonic us */
	uint64_t next_seq;       /* feed_seq of the next post handed over */
	int blocked;
	int done;
} src_state;

typedef struct xfer {
	src_state *src;          /* a source's poll, or (NULL) an alert delivery */
	hs_alert *alert;         /* owned by the transfer while it runs */
	CURL *easy;
	struct curl_slist *hdrs;
	long retry_after_s;      /* from a Retry-After header, or -1 */
	char err[CURL_ERROR_SIZE];
	struct xfer *prev, *next;  /* hs_fetch.active list */
} xfer;

struct hs_fetch {
	hs_daemon *d;
	pthread_t thread;
	int started;
	int epfd, evfd;
	CURLM *multi;
	int64_t curl_deadline;   /* monotonic us, -1 = none */
	src_state *srcs;
	size_t n_srcs;
	hs_alert *waiting;       /* fetch thread only: alerts waiting to be tried */
	xfer *active;            /* fetch thread only: transfers in flight */
	pthread_mutex_t mu;      /* guards inbox */
	hs_alert *inbox;         /* alerts submitted by the store thread */
	hs_wsc *wsc;             /* the stream thread, if a source has a stream */
	atomic_bool stop_intake;
	atomic_bool stop;
};

static void wake(hs_fetch *f)
{
	uint64_t one = 1;
	ssize_t r = write(f->evfd, &one, sizeof(one));
	(void)r; /* a full eventfd counter still wakes the loop */
}

static void wake_cb(void *ud)
{
	wake(ud);
}

void hs_fetch_submit_alert(hs_fetch *f, hs_alert *a)
{
	pthread_mutex_lock(&f->mu);
	a->next = f->inbox;
	f->inbox = a;
	pthread_mutex_unlock(&f->mu);
	wake(f);
}

void hs_fetch_stop_intake(hs_fetch *f)
{
	atomic_store(&f->stop_intake, true);
	wake(f);
}

/* ---- libcurl multi on epoll ------------------------------------------------- */

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	hs_fetch *f = userp;
	struct epoll_event ev = { 0 };
	(void)e;

	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(f->epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(f->multi, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	ev.data.fd = s;
	if (socketp) {
		epoll_ctl(f->epfd, EPOLL_CTL_MOD, s, &ev);
	} else {
		epoll_ctl(f->epfd, EPOLL_CTL_ADD, s, &ev);
		curl_multi_assign(f->multi, s, f); /* any non-NULL marks "registered" */
	}
	return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	hs_fetch *f = userp;
	(void)m;
	f->curl_deadline = timeout_ms < 0 ? -1 : hs_mono_us() + (int64_t)timeout_ms * 1000;
	return 0;
}

static size_t header_cb(char *buf, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	static const char key[] = "retry-after:";

	if (len > sizeof(key) && strncasecmp(buf, key, sizeof(key) - 1) == 0) {
		char val[128];
		size_t vl = len - (sizeof(key) - 1);
		if (vl >= sizeof(val))
			vl = sizeof(val) - 1;
		memcpy(val, buf + sizeof(key) - 1, vl);
		val[vl] = 0;
		char *p = val;
		while (*p == ' ' || *p == '\t')
			p++;
		char *end;
		long secs = strtol(p, &end, 10);
		if (end != p && (*end == '\r' || *end == '\n' || *end == 0)) {
			x->retry_after_s = secs < 0 ? 0 : secs;
		} else {
			time_t when = curl_getdate(p, NULL);
			if (when > 0) {
				long d = (long)(when - hs_now_us() / 1000000);
				x->retry_after_s = d < 0 ? 0 : d;
			}
		}
	}
	return len;
}

static size_t discard_cb(char *buf, size_t size, size_t n, void *ud)
{
	(void)buf;
	(void)ud;
	return size * n;
}

/* Transfers in flight, so that shutdown can find them (fetch thread). */
static void track_active(hs_fetch *f, xfer *x)
{
	x->next = f->active;
	if (f->active)
		f->active->prev = x;
	f->active = x;
}

/* ---- alert delivery ----------------------------------------------------------- */

static void alert_finish(hs_fetch *f, hs_alert *a, hs_alert_state st, const char *err)
{
	a->state = st;
	a->updated_us = hs_now_us();
	free(a->last_error);
	a->last_error = err ? strdup(err) : NULL;
	if (st == HS_ALERT_SENT) {
		HS_INC(alerts_sent);
		hs_log_info("alert %s-%" PRIu64 " delivered (attempt %d)", a->route, a->id, a->attempts);
	} else {
		HS_INC(alerts_failed);
		hs_log_err("alert %s-%" PRIu64 " failed after %d attempt(s): %s", a->route, a->id,
		           a->attempts, err ? err : "?");
	}
	hs_writer_alert_done(f->d->writer, a); /* ownership back to the store thread */
}

static void alert_start(hs_fetch *f, hs_alert *a)
{
	const hs_route_cfg *r = hs_config_route(f->d->cfg, a->route);
	xfer *x = NULL;
	char hdr[256];

	if (!r) {
		alert_finish(f, a, HS_ALERT_FAILED, "route is no longer configured");
		return;
	}
	x = calloc(1, sizeof(*x));
	if (!x || !(x->easy = curl_easy_init()))
		goto oom;
	x->alert = a;
	x->retry_after_s = -1;
	snprintf(hdr, sizeof(hdr), "X-Hearsay-Alert-Id: %s-%" PRIu64, a->route, a->id);
	x->hdrs = curl_slist_append(x->hdrs, "Content-Type: application/json");
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	if (r->secret) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1];
		HMAC(EVP_sha256(), r->secret, (int)r->secret_len, (const unsigned char *)a->body,
		     a->body_len, md, &mdlen);
		for (unsigned i = 0; i < mdlen; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		snprintf(hdr, sizeof(hdr), "X-Hearsay-Signature: sha256=%s", hex);
		x->hdrs = curl_slist_append(x->hdrs, hdr);
	}
	if (!x->hdrs)
		goto oom;
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, a->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)a->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, HS_USER_AGENT);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(r->timeout_us / 1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK)
		goto oom;
	track_active(f, x);
	a->attempts++;
	return;
oom:
	if (x) {
		curl_slist_free_all(x->hdrs);
		if (x->easy)
			curl_easy_cleanup(x->easy);
		free(x);
	}
	/* try again later rather than lose it */
	a->next_try_mono = hs_mono_us() + 1000000;
	a->next = f->waiting;
	f->waiting = a;
}

static double rand_unit(void)
{
	unsigned int v;
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (unsigned int)hs_mono_us();
	return (double)v / 4294967296.0;
}

static void alert_done(hs_fetch *f, xfer *x, CURLcode res)
{
	hs_alert *a = x->alert;
	const hs_route_cfg *r = hs_config_route(f->d->cfg, a->route);
	long status = 0;
	char why[CURL_ERROR_SIZE + 64];

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (res == CURLE_OK && status >= 200 && status < 300) {
		alert_finish(f, a, HS_ALERT_SENT, NULL);
		return;
	}
	int retry = res != CURLE_OK || status == 408 || status == 425 || status == 429 ||
	            status >= 500;
	if (res != CURLE_OK)
		snprintf(why, sizeof(why), "%s", x->err[0] ? x->err : curl_easy_strerror(res));
	else
		snprintf(why, sizeof(why), "HTTP status %ld", status);
	if (!retry || !r || a->attempts >= r->max_attempts) {
		alert_finish(f, a, HS_ALERT_FAILED, why);
		return;
	}
	double delay = hs_alert_backoff(a->attempts, rand_unit());
	if (x->retry_after_s >= 0 && (double)x->retry_after_s > delay)
		delay = x->retry_after_s > 3600 ? 3600.0 : (double)x->retry_after_s;
	HS_INC(alerts_retried);
	free(a->last_error);
	a->last_error = strdup(why);
	hs_log_warn("alert %s-%" PRIu64 " to %s: %s; retry %d/%d in %.1fs", a->route, a->id,
	            r->url, why, a->attempts + 1, r->max_attempts, delay);
	a->next_try_mono = hs_mono_us() + (int64_t)(delay * 1e6);
	a->next = f->waiting;
	f->waiting = a;
}

static void check_transfers(hs_fetch *f)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(f->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		xfer *x = NULL;
		CURL *e = m->easy_handle;
		CURLcode res = m->data.result;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(f->multi, e);
		if (x->prev)
			x->prev->next = x->next;
		else
			f->active = x->next;
		if (x->next)
			x->next->prev = x->prev;
		if (x->src) {
			hs_poll_done(x->src->poll, e, res, hs_mono_us()); /* frees e */
		} else {
			alert_done(f, x, res); /* the alert moves on; the transfer ends */
			curl_slist_free_all(x->hdrs);
			curl_easy_cleanup(e);
		}
		free(x);
	}
}

static void start_due_alerts(hs_fetch *f, int64_t now)
{
	hs_alert **pp = &f->waiting;
	hs_alert *due = NULL;

	pthread_mutex_lock(&f->mu);
	while (f->inbox) { /* inbox -> waiting, due at once */
		hs_alert *a = f->inbox;
		f->inbox = a->next;
		a->next_try_mono = now;
		a->next = f->waiting;
		f->waiting = a;
	}
	pthread_mutex_unlock(&f->mu);
	pp = &f->waiting;
	while (*pp) {
		hs_alert *a = *pp;
		if (a->next_try_mono <= now) {
			*pp = a->next;
			a->next = due;
			due = a;
		} else {
			pp = &a->next;
		}
	}
	while (due) {
		hs_alert *a = due;
		due = a->next;
		a->next = NULL;
		alert_start(f, a);
	}
}

/* ---- sources -------------------------------------------------------------------- */

typedef struct emit_ctx {
	hs_fetch *f;
	src_state *s;
} emit_ctx;

static int emit_to_intake(void *ud, hs_post *p)
{
	emit_ctx *c = ud;
	int64_t now = hs_now_us();
	p->feed_seq = c->s->next_seq;
	p->fetched_us = now; /* handed to the pipeline now */
	/* On success the intake queue (and so a worker) owns the post. */
	if (hs_queue_try_push(c->f->d->intake, p) != 0)
		return -1;
	c->s->next_seq++;
	HS_INC(posts_in);
	if (c->s->replay) {
		HS_SRC_INC(c->s->m, items);
		HS_SRC_SET(c->s->m, last_ok_us, now); /* p is the queue's now: not read */
	}
	return 0;
}

static void run_poll(hs_fetch *f, src_state *s, int64_t now)
{
	emit_ctx c = { f, s };
	if (hs_poll_flush(s->poll, emit_to_intake, &c)) {
		if (!s->blocked)
			HS_INC(intake_full);
		s->blocked = 1;
		return;
	}
	s->blocked = 0;
	hs_poll_stream_step(s->poll, now);
	if (hs_poll_flush(s->poll, emit_to_intake, &c)) {
		if (!s->blocked)
			HS_INC(intake_full);
		s->blocked = 1;
		return;
	}
	CURL *e = hs_poll_start(s->poll, now);
	if (e) {
		xfer *x = calloc(1, sizeof(*x));
		if (!x || curl_multi_add_handle(f->multi, e) != CURLM_OK) {
			free(x);
			hs_poll_done(s->poll, e, CURLE_OUT_OF_MEMORY, now);
		} else {
			x->src = s;
			x->easy = e;
			curl_easy_setopt(e, CURLOPT_PRIVATE, x);
			track_active(f, x);
		}
	}
	s->due = hs_poll_due(s->poll);
}

static void run_sources(hs_fetch *f, int64_t now)
{
	for (size_t i = 0; i < f->n_srcs; i++) {
		src_state *s = &f->srcs[i];
		if (s->poll) {
			if (hs_poll_pending(s->poll) || hs_poll_due(s->poll) <= now)
				run_poll(f, s, now);
			continue;
		}
		if (s->done || s->due > now)
			continue;
		emit_ctx c = { f, s };
		int64_t next = now;
		hs_replay_state st = hs_replay_step(s->replay, now, emit_to_intake, &c, &next);
		if (st == HS_REPLAY_BLOCKED) {
			if (!s->blocked)
				HS_INC(intake_full);
			s->blocked = 1;
			s->due = now + HS_INTAKE_RETRY_US;
		} else if (st == HS_REPLAY_MORE) {
			s->blocked = 0;
			s->due = next;
		} else {
			s->done = 1;
			HS_INC(sources_done);
			hs_log_notice("source %s: end of input (%" PRIu64 " lines, %" PRIu64 " skipped)",
			              s->cfg->name, hs_replay_lines(s->replay),
			              hs_replay_bad_lines(s->replay));
		}
	}
}

/* ---- the loop ------------------------------------------------------------------- */

static int64_t next_deadline(hs_fetch *f, int64_t now)
{
	int64_t next = now + 1000000;
	if (f->curl_deadline >= 0 && f->curl_deadline < next)
		next = f->curl_deadline;
	for (hs_alert *a = f->waiting; a; a = a->next)
		if (a->next_try_mono < next)
			next = a->next_try_mono;
	if (!atomic_load(&f->stop_intake))
		for (size_t i = 0; i < f->n_srcs; i++) {
			int64_t due = f->srcs[i].poll ? hs_poll_due(f->srcs[i].poll) : f->srcs[i].due;
			if (!f->srcs[i].done && due < next)
				next = due;
		}
	return next;
}

static void *fetch_main(void *arg)
{
	hs_fetch *f = arg;
	struct epoll_event evs[64];
	int running = 0;

	while (!atomic_load(&f->stop)) {
		int64_t now = hs_mono_us();
		int64_t wait_us = next_deadline(f, now) - now;
		int timeout_ms = wait_us <= 0 ? 0 : (int)((wait_us + 999) / 1000);
		int n = epoll_wait(f->epfd, evs, 64, timeout_ms);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == f->evfd) {
				uint64_t v;
				ssize_t r = read(f->evfd, &v, sizeof(v));
				(void)r;
				continue;
			}
			int fl = (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
			         (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			         (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
			curl_multi_socket_action(f->multi, evs[i].data.fd, fl, &running);
		}
		now = hs_mono_us();
		if (f->curl_deadline >= 0 && f->curl_deadline <= now) {
			f->curl_deadline = -1;
			curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		check_transfers(f);
		start_due_alerts(f, now);
		if (!atomic_load(&f->stop_intake))
			run_sources(f, hs_mono_us());
	}
	return NULL;
}

hs_fetch *hs_fetch_start(hs_daemon *d, hs_alert *pending, hs_errs *errs)
{
	hs_fetch *f = calloc(1, sizeof(*f));
	struct epoll_event ev = { 0 };

	if (!f) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		goto fail_pending;
	}
	f->d = d;
	f->epfd = f->evfd = -1;
	f->curl_deadline = -1;
	f->waiting = pending;
	pending = NULL;
	for (hs_alert *a = f->waiting; a; a = a->next)
		a->next_try_mono = 0;
	pthread_mutex_init(&f->mu, NULL);
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	f->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (f->epfd < 0 || f->evfd < 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot create epoll/eventfd: %s", strerror(errno));
		goto fail;
	}
	ev.events = EPOLLIN;
	ev.data.fd = f->evfd;
	epoll_ctl(f->epfd, EPOLL_CTL_ADD, f->evfd, &ev);
	f->multi = curl_multi_init();
	if (!f->multi) {
		hs_errs_add(errs, NULL, 0, 0, "cannot create a libcurl multi handle");
		goto fail;
	}
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);

	f->srcs = calloc(d->cfg->n_sources ? d->cfg->n_sources : 1, sizeof(*f->srcs));
	if (!f->srcs)
		goto fail;
	for (size_t i = 0; i < d->cfg->n_sources; i++) {
		const hs_source_cfg *sc = &d->cfg->sources[i];
		char *cursor = NULL;
		int rc = hs_store_get_cursor(d->store, sc->name, &cursor);
		if (rc)
			hs_log_warn("source %s: cannot read its cursor: %s; starting at the beginning",
			            sc->name, hs_store_strerror(rc));
		src_state *s = &f->srcs[f->n_srcs];
		s->cfg = sc;
		s->next_seq = 1;
		if (sc->plugin)
			s->poll = hs_poll_new(sc, cursor, d->cfg->contact, errs);
		else if ((s->replay = hs_replay_open(sc->name, &sc->replay, cursor, errs)))
			s->m = hs_metrics_source(sc->name);
		free(cursor);
		if (!s->replay && !s->poll)
			goto fail;
		f->n_srcs++;
		if (s->poll && hs_poll_has_stream(s->poll)) {
			/* the stream thread wakes this one through the eventfd */
			if (!f->wsc && !(f->wsc = hs_wsc_start(wake_cb, f, errs)))
				goto fail;
			hs_poll_set_streams(s->poll, f->wsc);
		}
	}
	if (pthread_create(&f->thread, NULL, fetch_main, f) != 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot start the fetch thread");
		goto fail;
	}
	f->started = 1;
	return f;
fail:
	hs_fetch_stop(f);
	return NULL;
fail_pending:
	while (pending) {
		hs_alert *a = pending;
		pending = a->next;
		hs_alert_free(a);
	}
	return NULL;
}

static void free_alert_list(hs_alert *a)
{
	while (a) {
		hs_alert *next = a->next;
		hs_alert_free(a);
		a = next;
	}
}

void hs_fetch_stop(hs_fetch *f)
{
	if (!f)
		return;
	atomic_store(&f->stop_intake, true);
	atomic_store(&f->stop, true);
	if (f->started) {
		wake(f);
		pthread_join(f->thread, NULL);
	}
	if (f->multi) {
		/* Abandon transfers in flight: their alerts stay pending in the
		 * outbox and are sent again after the next start. */
		while (f->active) {
			xfer *x = f->active;
			f->active = x->next;
			curl_multi_remove_handle(f->multi, x->easy);
			if (x->src) {
				hs_poll_abandon(x->src->poll, x->easy);
			} else {
				curl_easy_cleanup(x->easy);
				hs_alert_free(x->alert);
				curl_slist_free_all(x->hdrs);
			}
			free(x);
		}
		curl_multi_cleanup(f->multi);
	}
	free_alert_list(f->waiting);
	free_alert_list(f->inbox);
	/* Streams: the owners close their handles, then the stream thread goes. */
	for (size_t i = 0; i < f->n_srcs; i++)
		if (f->srcs[i].poll)
			hs_poll_stream_stop(f->srcs[i].poll);
	hs_wsc_stop(f->wsc);
	for (size_t i = 0; i < f->n_srcs; i++) {
		hs_replay_close(f->srcs[i].replay);
		hs_poll_free(f->srcs[i].poll);
	}
	free(f->srcs);
	if (f->epfd >= 0)
		close(f->epfd);
	if (f->evfd >= 0)
		close(f->evfd);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
