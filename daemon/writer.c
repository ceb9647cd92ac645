/* hearsay: the store thread (see writer.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "postjson.h"
#include "server.h"
#include "timeutil.h"
#include "writer.h"
#include "signals.h"
#include "rules/sentiment.h"

/* With no batch for this long, an empty one lets spikes end on time. */
#define IDLE_TICK_US (5 * 1000000LL)

/* Cursor tracking for one feed. Posts reach the store out of order (several
 * workers), so a feed's cursor may only advance over a gap-free prefix of
 * feed_seq: otherwise a crash could skip a post that was still in flight. */
typedef struct feed_track {
	char *feed;
	uint64_t next;          /* lowest feed_seq not yet settled */
	char *cursor;           /* cursor after seq next-1 */
	uint64_t *seqs;         /* settled seqs above next, unsorted */
	char **cursors;
	size_t n, cap;
	int dirty;              /* cursor changed in this batch */
} feed_track;

struct hs_writer {
	hs_daemon *d;
	pthread_t thread;
	int started;
	feed_track *feeds;
	size_t n_feeds;
	/* alerts handed back by the fetch thread; guarded by mu */
	pthread_mutex_t mu;
	hs_alert *done_head;
	/* per-batch outputs, valid between begin and publish */
	char **ev_json;
	uint64_t *ev_seq;
	size_t n_ev, cap_ev;
	hs_alert *new_alerts;
	size_t n_hit_ev;        /* of the events, hits */
	hs_signals *sg;         /* the signal stage (this thread only) */
	int64_t last_batch_us;  /* wall clock of the last commit */
};

static feed_track *track_get(hs_writer *w, const char *feed)
{
	for (size_t i = 0; i < w->n_feeds; i++)
		if (strcmp(w->feeds[i].feed, feed) == 0)
			return &w->feeds[i];
	feed_track *nf = realloc(w->feeds, (w->n_feeds + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	w->feeds = nf;
	feed_track *t = &w->feeds[w->n_feeds];
	memset(t, 0, sizeof(*t));
	t->feed = strdup(feed);
	t->next = 1;
	if (!t->feed)
		return NULL;
	w->n_feeds++;
	return t;
}

/* Settle feed_seq `seq` with its cursor (NULL: this post moves no cursor,
 * e.g. one of several items of a feed document whose cursor rides on the
 * last item); advance over the gap-free prefix. Takes ownership of cursor. */
static int track_settle(feed_track *t, uint64_t seq, char *cursor)
{
	if (seq < t->next) { /* cannot happen; be safe */
		free(cursor);
		return 0;
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		uint64_t *ns = realloc(t->seqs, nc * sizeof(*ns));
		if (!ns)
			goto oom;
		t->seqs = ns;
		char **ncur = realloc(t->cursors, nc * sizeof(*ncur));
		if (!ncur)
			goto oom;
		t->cursors = ncur;
		t->cap = nc;
	}
	t->seqs[t->n] = seq;
	t->cursors[t->n] = cursor;
	t->n++;
	for (int moved = 1; moved;) {
		moved = 0;
		for (size_t i = 0; i < t->n; i++) {
			if (t->seqs[i] != t->next)
				continue;
			if (t->cursors[i]) { /* a post without a cursor keeps the last one */
				free(t->cursor);
				t->cursor = t->cursors[i];
				t->dirty = 1;
			}
			t->next++;
			t->seqs[i] = t->seqs[t->n - 1];
			t->cursors[i] = t->cursors[t->n - 1];
			t->n--;
			moved = 1;
			break;
		}
	}
	return 0;
oom:
	free(cursor);
	return -1;
}

static void outputs_reset(hs_writer *w)
{
	for (size_t i = 0; i < w->n_ev; i++)
		free(w->ev_json[i]);
	w->n_ev = 0;
	w->n_hit_ev = 0;
	while (w->new_alerts) {
		hs_alert *a = w->new_alerts;
		w->new_alerts = a->next;
		hs_alert_free(a);
	}
}

static int push_event(hs_writer *w, uint64_t seq, char *json)
{
	if (w->n_ev == w->cap_ev) {
		size_t nc = w->cap_ev ? w->cap_ev * 2 : 256;
		char **nj = realloc(w->ev_json, nc * sizeof(*nj));
		if (!nj)
			return ENOMEM;
		w->ev_json = nj;
		uint64_t *ns = realloc(w->ev_seq, nc * sizeof(*ns));
		if (!ns)
			return ENOMEM;
		w->ev_seq = ns;
		w->cap_ev = nc;
	}
	w->ev_json[w->n_ev] = json;
	w->ev_seq[w->n_ev] = seq;
	w->n_ev++;
	return 0;
}

/* Write one hit: event, indexes and, per matching route, an outbox entry. */
static int write_hit(hs_writer *w, hs_wtxn *t, hs_post *p, json_t *post_obj,
                     const hs_hit *h, int64_t now)
{
	const hs_config *cfg = w->d->cfg;
	uint64_t seq;
	size_t len;
	int rc = hs_store_wnext(t, "next_seq", &seq);
	if (rc)
		return rc;
	json_t *ev = hs_hit_event(p, post_obj, h, seq, now);
	char *js = ev ? hs_json_dump(ev, &len) : NULL;
	if (!js) {
		json_decref(ev);
		return ENOMEM;
	}
	rc = hs_store_whit(t, seq, h->rule_id, p->created_us, p->id, js, len);
	if (!rc) {
		rc = push_event(w, seq, js);
		w->n_hit_ev += rc == 0;
	} else {
		free(js);
	}
	for (size_t r = 0; !rc && r < cfg->n_routes; r++) {
		if (h->severity < cfg->routes[r].min_severity)
			continue;
		uint64_t aid;
		if ((rc = hs_store_wnext(t, "next_alert", &aid)))
			break;
		hs_alert *a = hs_alert_new(aid, cfg->routes[r].name, ev, now);
		char *rec = a ? hs_alert_to_record(a, &len) : NULL;
		if (!rec) {
			hs_alert_free(a);
			rc = ENOMEM;
			break;
		}
		rc = hs_store_woutbox(t, aid, rec, len);
		free(rec);
		a->next = w->new_alerts;
		w->new_alerts = a;
	}
	json_decref(ev);
	return rc;
}

/* What the worker found about the whole post, stored with it (and so in
 * every hit event, which carries the post): its sentiment in the language
 * it was scored in ("sentiment": null when it could not be scored), that
 * language, and the SimHash of its words (16 hex digits; absent when it
 * has too few words to be grouped into a claim). */
static int add_signals(json_t *po, const hs_record *r)
{
	json_t *s = json_null();
	char hex[17];

	if (r->sent_rc == HS_SENT_SCORED)
		s = json_pack("{s:f,s:f,s:f,s:f}", "neg", r->sent.neg, "neu", r->sent.neu, "pos",
		              r->sent.pos, "compound", r->sent.compound);
	if (!s || json_object_set_new(po, "sentiment", s) < 0 ||
	    json_object_set_new(po, "lang_used", json_string(r->lang)) < 0)
		return -1;
	if (r->sig.n_features >= HS_SIMHASH_MIN_WORDS) {
		snprintf(hex, sizeof(hex), "%016" PRIx64, r->sig.hash);
		if (json_object_set_new(po, "simhash", json_string(hex)) < 0)
			return -1;
	}
	return 0;
}

static int write_record(hs_writer *w, hs_wtxn *t, hs_record *r, int64_t now)
{
	hs_post *p = r->post;
	uint64_t existing;
	int found, rc;
	size_t len;

	p->id = 0; /* a retried batch starts over */
	r->marked = 0;
	if (r->reject)
		return 0;
	rc = hs_store_wdedup(t, p->source, p->source_id, &existing, &found);
	if (rc)
		return rc;
	if (p->flags & HS_POST_DELETED) /* a notice: mark the post, never store it */
		return found ? hs_store_wmark_deleted(t, existing, p->fetched_us, &r->marked) : 0;
	if (found)
		return rc;
	if ((rc = hs_store_wnext(t, "next_post", &p->id)))
		return rc;
	json_t *po = hs_post_to_json(p);
	if (po && add_signals(po, r) < 0) {
		json_decref(po);
		return ENOMEM;
	}
	char *js = po ? hs_json_dump(po, &len) : NULL;
	if (!js) {
		json_decref(po);
		return ENOMEM;
	}
	rc = hs_store_wpost(t, p->id, p->source, p->source_id, p->created_us, js, len);
	free(js);
	for (size_t i = 0; !rc && i < r->n_hits; i++)
		rc = write_hit(w, t, p, po, &r->hits[i], now);
	json_decref(po);
	return rc;
}

/* Settle the batch's posts in their feeds' trackers (once per batch, before
 * the transaction: settling is what the store thread knows, not what LMDB
 * holds; the dirty cursors are written by every attempt and cleared only
 * after a successful commit). */
static int settle_batch(hs_writer *w, hs_record **recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hs_post *p = recs[i]->post;
		if (!p->feed || !p->feed_seq)
			continue;
		feed_track *ft = track_get(w, p->feed);
		char *cur = p->cursor ? strdup(p->cursor) : NULL;
		if (!ft || (p->cursor && !cur)) {
			free(cur);
			return -1;
		}
		if (track_settle(ft, p->feed_seq, cur) < 0)
			return -1;
	}
	return 0;
}

static int write_cursors(hs_writer *w, hs_wtxn *t)
{
	int rc = 0;
	for (size_t i = 0; i < w->n_feeds && !rc; i++) {
		feed_track *ft = &w->feeds[i];
		if (ft->dirty && ft->cursor)
			rc = hs_store_wcursor(t, ft->feed, ft->cursor);
	}
	return rc;
}

static int emit_signal(void *ud, uint64_t seq, char *json)
{
	hs_writer *w = ud;
	int rc = push_event(w, seq, json);
	if (rc)
		free(json);
	return rc;
}

/* One attempt at writing the batch. Returns 0 or an LMDB/errno code. */
static int try_commit(hs_writer *w, hs_record **recs, size_t n, int64_t now)
{
	hs_wtxn *t = NULL;
	int rc;

	outputs_reset(w);
	if ((rc = hs_store_wbegin(w->d->store, &t)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = write_record(w, t, recs[i], now);
	if (!rc)
		rc = write_cursors(w, t);
	if (!rc && w->sg) {
		/* the posts have their ids: the signals of the batch go into the
		 * same transaction (their state is updated once, on the first
		 * attempt; a retry writes the same output again) */
		hs_signals_update(w->sg, recs, n, now);
		rc = hs_signals_write(w->sg, t, emit_signal, w);
	}
	if (rc) {
		hs_store_wabort(t);
		return rc;
	}
	return hs_store_wcommit(t);
}

/* Commit a batch, growing the map when full and retrying other errors every
 * second (intake stalls meanwhile: backpressure, not loss). While stopping,
 * gives up after a few attempts and says how many posts were not stored. */
static int commit_batch(hs_writer *w, hs_record **recs, size_t n, int stopping)
{
	int64_t now = hs_now_us();
	int rc, failures = 0;

	if (settle_batch(w, recs, n) < 0)
		hs_log_err("out of memory tracking cursors: a restart may re-read some posts");
	for (;;) {
		rc = try_commit(w, recs, n, now);
		if (rc == 0)
			break;
		if (rc == MDB_MAP_FULL) {
			if (hs_store_grow(w->d->store) == 0)
				continue;
		}
		HS_INC(store_errors);
		failures++;
		if (failures == 1 || failures % 60 == 0)
			hs_log_err("store %s: cannot commit %zu posts: %s (attempt %d, retrying)",
			           hs_store_path(w->d->store), n, hs_store_strerror(rc), failures);
		if (stopping && failures >= 3) {
			hs_log_err("store %s: giving up at shutdown: %zu posts not committed",
			           hs_store_path(w->d->store), n);
			outputs_reset(w);
			if (w->sg)
				hs_signals_written(w->sg); /* dropped with the batch */
			return rc;
		}
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < w->n_feeds; i++)
		w->feeds[i].dirty = 0;
	if (w->sg) {
		hs_signals_written(w->sg);
		hs_signals_maybe_save(w->sg, w->d->store, now);
	}
	w->last_batch_us = now;
	return 0;
}

/* After a commit: count, publish the events, hand over the alerts. */
static void publish_batch(hs_writer *w, hs_record **recs, size_t n)
{
	hs_daemon *d = w->d;
	uint64_t committed = 0, dups = 0, rejected = 0, deleted = 0;

	for (size_t i = 0; i < n; i++) {
		hs_record *r = recs[i];
		if (r->post->flags & HS_POST_DELETED) {
			deleted += r->marked != 0;
		} else if (r->reject) {
			rejected++;
			hs_log_warn("source %s: post %s rejected: %s",
			            r->post->source ? r->post->source : "?",
			            r->post->source_id ? r->post->source_id : "?", r->reject);
		} else if (r->post->id) {
			committed++;
		} else {
			dups++;
		}
	}
	HS_ADD(posts_committed, committed);
	HS_ADD(posts_duplicate, dups);
	HS_ADD(posts_rejected, rejected);
	HS_ADD(posts_deleted, deleted);
	HS_ADD(hits, w->n_hit_ev);
	for (size_t i = 0; i < w->n_ev; i++) {
		/* ownership of the JSON text passes to the lws thread's ring */
		hs_server_publish(d->server, w->ev_seq[i], w->ev_json[i]);
		atomic_store(&hs_metrics.last_seq, w->ev_seq[i]);
		w->ev_json[i] = NULL;
	}
	w->n_ev = 0;
	while (w->new_alerts) {
		hs_alert *a = w->new_alerts;
		w->new_alerts = a->next;
		a->next = NULL;
		HS_INC(alerts_queued);
		hs_fetch_submit_alert(d->fetch, a); /* ownership to the fetch thread */
	}
}

/* Record alerts whose delivery ended (handed back by the fetch thread). */
static void record_done_alerts(hs_writer *w)
{
	hs_alert *list;
	hs_wtxn *t = NULL;
	int rc;

	pthread_mutex_lock(&w->mu);
	list = w->done_head;
	w->done_head = NULL;
	pthread_mutex_unlock(&w->mu);
	if (!list)
		return;
	for (int attempt = 0; attempt < 4; attempt++) {
		rc = hs_store_wbegin(w->d->store, &t);
		for (hs_alert *a = list; !rc && a; a = a->next) {
			size_t len;
			char *rec = hs_alert_to_record(a, &len);
			rc = rec ? hs_store_woutbox(t, a->id, rec, len) : ENOMEM;
			free(rec);
		}
		if (!rc)
			rc = hs_store_wcommit(t);
		else if (t)
			hs_store_wabort(t);
		t = NULL;
		if (rc == MDB_MAP_FULL && hs_store_grow(w->d->store) == 0)
			continue;
		break;
	}
	if (rc)
		hs_log_err("store: cannot record alert delivery results: %s (they may be sent again after a restart)",
		           hs_store_strerror(rc));
	for (hs_alert *a = list; !rc && a; a = a->next)
		HS_INC(alerts_recorded);
	while (list) {
		hs_alert *a = list;
		list = a->next;
		hs_alert_free(a);
	}
}

void hs_writer_alert_done(hs_writer *w, hs_alert *a)
{
	pthread_mutex_lock(&w->mu);
	a->next = w->done_head;
	w->done_head = a;
	pthread_mutex_unlock(&w->mu);
	/* Record it now, not at the next batch: the shorter the time between
	 * the receiver's 2xx and the "sent" commit, the smaller the window in
	 * which a crash makes the alert go out again after a restart. */
	hs_queue_kick(w->d->storeq);
}

static void *writer_main(void *arg)
{
	hs_writer *w = arg;
	hs_daemon *d = w->d;
	size_t cap = (size_t)d->cfg->batch_posts;
	hs_record **batch = calloc(cap, sizeof(*batch));
	size_t n = 0;
	int64_t deadline = 0;
	int closed = 0;

	if (!batch) {
		hs_log_err("store thread: out of memory");
		return NULL;
	}
	while (!closed) {
		void *item;
		int64_t wait = n ? deadline - hs_mono_us() : 100000;
		if (wait < 0)
			wait = 0;
		int r = hs_queue_pop(d->storeq, &item, wait);
		if (r == 1) {
			/* the record is ours now */
			if (n == 0)
				deadline = hs_mono_us() + d->cfg->batch_us;
			batch[n++] = item;
		} else if (r < 0) {
			closed = 1;
		}
		if (n && (n == cap || closed || hs_mono_us() >= deadline)) {
			if (commit_batch(w, batch, n, closed) == 0)
				publish_batch(w, batch, n);
			for (size_t i = 0; i < n; i++)
				hs_record_free(batch[i]);
			n = 0;
		} else if (!n && !closed && hs_signals_spikes_open(w->sg) &&
		           hs_now_us() - w->last_batch_us >= IDLE_TICK_US) {
			/* quiet: let spikes end on time (an empty batch) */
			if (commit_batch(w, batch, 0, 0) == 0)
				publish_batch(w, batch, 0);
		}
		record_done_alerts(w);
	}
	free(batch);
	return NULL;
}

hs_writer *hs_writer_start(hs_daemon *d, hs_errs *errs)
{
	hs_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		return NULL;
	}
	w->d = d;
	/* built here, used only by the store thread from now on */
	if (!(w->sg = hs_signals_new(d->cfg, d->store, errs))) {
		free(w);
		return NULL;
	}
	w->last_batch_us = hs_now_us();
	pthread_mutex_init(&w->mu, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		hs_errs_add(errs, NULL, 0, 0, "cannot start the store thread");
		pthread_mutex_destroy(&w->mu);
		hs_signals_free(w->sg, NULL);
		free(w);
		return NULL;
	}
	w->started = 1;
	return w;
}

void hs_writer_join(hs_writer *w)
{
	if (!w || !w->started)
		return;
	pthread_join(w->thread, NULL);
	w->started = 0;
}

void hs_writer_free(hs_writer *w)
{
	if (!w)
		return;
	hs_writer_join(w);
	record_done_alerts(w); /* results that arrived after the thread's last look */
	outputs_reset(w);
	hs_signals_free(w->sg, w->d->store); /* saves the spike baselines */
	for (size_t i = 0; i < w->n_feeds; i++) {
		feed_track *ft = &w->feeds[i];
		free(ft->feed);
		free(ft->cursor);
		for (size_t j = 0; j < ft->n; j++)
			free(ft->cursors[j]);
		free(ft->seqs);
		free(ft->cursors);
	}
	free(w->feeds);
	free(w->ev_json);
	free(w->ev_seq);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
