/* hearsay: starting and stopping the pipeline (see daemon.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alert.h"
#include "fetch.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "timeutil.h"
#include "workers.h"
#include "writer.h"
#include "rules/sentiment.h"

void hs_daemon_set_rules(hs_daemon *d, hs_ruleset *rules)
{
	hs_ruleset *old;
	pthread_mutex_lock(&d->rules_mu);
	old = d->rules;
	d->rules = rules;
	atomic_fetch_add(&d->rules_gen, 1);
	pthread_mutex_unlock(&d->rules_mu);
	hs_ruleset_unref(old); /* workers still holding it keep it alive */
}

hs_ruleset *hs_daemon_rules_acquire(hs_daemon *d, uint64_t *gen)
{
	hs_ruleset *rs;
	pthread_mutex_lock(&d->rules_mu);
	rs = d->rules ? hs_ruleset_ref(d->rules) : NULL;
	*gen = atomic_load(&d->rules_gen);
	pthread_mutex_unlock(&d->rules_mu);
	return rs;
}

typedef struct pending_ctx {
	hs_alert *head;
	size_t n;
} pending_ctx;

static int collect_pending(void *ud, uint64_t key, const char *val, size_t len)
{
	pending_ctx *c = ud;
	hs_alert *a = hs_alert_from_record(key, val, len);
	if (!a) {
		hs_log_warn("outbox entry %llu is unreadable; skipped", (unsigned long long)key);
		return 0;
	}
	if (a->state != HS_ALERT_PENDING) {
		hs_alert_free(a);
		return 0;
	}
	a->next = c->head;
	c->head = a;
	c->n++;
	return 0;
}

int hs_daemon_load_sentiment(const hs_config *cfg, hs_sentiment_models **out, hs_errs *errs)
{
	struct stat st;

	*out = NULL;
	if (!cfg->lexicons_set && stat(cfg->lexicons_dir, &st) != 0) {
		hs_log_warn("no sentiment lexicons at %s (signals.lexicons): posts are not scored "
		            "for sentiment, and rules with a sentiment condition never hit",
		            cfg->lexicons_dir);
		return 0;
	}
	*out = hs_sentiment_load_dir(cfg->lexicons_dir, errs);
	return *out ? 0 : -1;
}

int hs_daemon_start(hs_daemon *d, hs_config *cfg, hs_ruleset *rules,
                    hs_errs *errs)
{
	pending_ctx pend = { NULL, 0 };

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	pthread_mutex_init(&d->rules_mu, NULL);
	d->rules = rules;
	atomic_store(&hs_metrics.start_time_us, hs_now_us());
	if (hs_pseudonym_key_load(cfg->key_file, d->pkey, errs) < 0)
		goto fail;
	if (hs_daemon_load_sentiment(cfg, &d->sentiment, errs) < 0)
		goto fail;
	if (d->sentiment) {
		size_t nl;
		const char *const *ls = hs_sentiment_languages(d->sentiment, &nl);
		char langs[128] = "";
		for (size_t i = 0; i < nl; i++)
			snprintf(langs + strlen(langs), sizeof(langs) - strlen(langs), "%s%s",
			         i ? ", " : "", ls[i]);
		hs_log_info("sentiment: %s (from %s)", langs, cfg->lexicons_dir);
	}
	d->store = hs_store_open(cfg->store_path, 0, cfg->map_size, errs);
	if (!d->store)
		goto fail;
	d->intake = hs_queue_new(cfg->queue_size);
	d->storeq = hs_queue_new(cfg->queue_size);
	if (!d->intake || !d->storeq) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		goto fail;
	}
	hs_metrics_set_queues(d->intake, d->storeq);
	if (hs_store_scan_outbox(d->store, collect_pending, &pend) == 0 && pend.n)
		hs_log_notice("outbox: %zu alert(s) still pending from an earlier run; sending them", pend.n);
	/* Consumers first, producers last, so nothing waits on a missing stage. */
	if (!(d->server = hs_server_start(d, errs)))
		goto fail;
	if (!(d->writer = hs_writer_start(d, errs)))
		goto fail;
	if (!(d->workers = hs_workers_start(d, cfg->workers, errs)))
		goto fail;
	d->fetch = hs_fetch_start(d, pend.head, errs); /* takes the pending list */
	pend.head = NULL;
	if (!d->fetch)
		goto fail;
	return 0;
fail:
	while (pend.head) {
		hs_alert *a = pend.head;
		pend.head = a->next;
		hs_alert_free(a);
	}
	hs_daemon_stop(d);
	return -1;
}

static void drain_queue(hs_queue *q, int records)
{
	void *item;
	if (!q)
		return;
	while (hs_queue_pop(q, &item, 0) == 1) {
		if (records)
			hs_record_free(item);
		else
			hs_post_free(item);
	}
}

void hs_daemon_stop(hs_daemon *d)
{
	/* 1. collectors stop producing; what they pushed stays queued */
	if (d->fetch)
		hs_fetch_stop_intake(d->fetch);
	/* 2. workers drain the intake queue and exit */
	if (d->intake)
		hs_queue_close(d->intake);
	hs_workers_join(d->workers);
	d->workers = NULL;
	/* 3. the store thread commits everything left and exits */
	if (d->storeq)
		hs_queue_close(d->storeq);
	hs_writer_join(d->writer);
	/* 4. the fetch thread may still hand alert results to the writer: stop
	 * it, then let the writer record those late results */
	hs_fetch_stop(d->fetch);
	d->fetch = NULL;
	hs_writer_free(d->writer);
	d->writer = NULL;
	hs_server_stop(d->server);
	d->server = NULL;
	drain_queue(d->intake, 0);
	drain_queue(d->storeq, 1);
	hs_metrics_set_queues(NULL, NULL);
	hs_queue_free(d->intake);
	hs_queue_free(d->storeq);
	d->intake = d->storeq = NULL;
	hs_store_close(d->store);
	d->store = NULL;
	hs_ruleset_unref(d->rules);
	d->rules = NULL;
	hs_sentiment_models_free(d->sentiment);
	d->sentiment = NULL;
	pthread_mutex_destroy(&d->rules_mu);
	memset(d->pkey, 0, sizeof(d->pkey));
}
