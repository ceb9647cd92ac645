/* hearsay: counters and their exposition (see metrics.h). */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/errors.h>

#include "metrics.h"
#include "queue.h"
#include "timeutil.h"

hs_metrics_t hs_metrics;

#define HS_MAX_SOURCE_METRICS 256

static hs_source_metrics src_slots[HS_MAX_SOURCE_METRICS];
static atomic_size_t n_src;          /* published slots */
static pthread_mutex_t src_mu = PTHREAD_MUTEX_INITIALIZER; /* claiming only */

hs_source_metrics *hs_metrics_source(const char *name)
{
	hs_source_metrics *m = NULL;
	size_t n;
	pthread_mutex_lock(&src_mu);
	n = atomic_load_explicit(&n_src, memory_order_relaxed);
	for (size_t i = 0; i < n && !m; i++)
		if (strcmp(src_slots[i].name, name) == 0)
			m = &src_slots[i];
	if (!m && n < HS_MAX_SOURCE_METRICS) {
		m = &src_slots[n];
		snprintf(m->name, sizeof(m->name), "%s", name);
		atomic_store_explicit(&n_src, n + 1, memory_order_release); /* publish */
	}
	pthread_mutex_unlock(&src_mu);
	return m;
}

typedef struct src_desc {
	const char *name, *type, *help;
	size_t offset;
} src_desc;

#define S(field, type, help) { #field, type, help, offsetof(hs_source_metrics, field) }

static const src_desc src_descs[] = {
	S(polls, "counter", "HTTP polls finished, per source"),
	S(not_modified, "counter", "Polls answered 304 Not Modified, per source"),
	S(items, "counter", "Items a source's collector handed over"),
	S(errors, "counter", "Failed polls (transport, status, size, parse), per source"),
	S(parse_errors, "counter", "Responses a source's collector could not parse"),
	S(stream_connects, "counter", "Websocket streams opened, per source"),
	S(stream_failures, "counter", "Websocket streams that failed to open or closed, per source"),
	S(stream_messages, "counter", "Websocket messages received, per source"),
	S(stream_bad_messages, "counter", "Websocket messages a source's collector could not use"),
};

static uint64_t src_value(const hs_source_metrics *m, const src_desc *d)
{
	const atomic_uint_fast64_t *p =
		(const atomic_uint_fast64_t *)(const void *)((const char *)m + d->offset);
	return atomic_load_explicit(p, memory_order_relaxed);
}

/* A label value with \ and " escaped (names are plain, but be safe). */
static void put_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void src_prometheus(FILE *f)
{
	size_t n = atomic_load_explicit(&n_src, memory_order_acquire);
	if (!n)
		return;
	for (size_t k = 0; k < sizeof(src_descs) / sizeof(src_descs[0]); k++) {
		const src_desc *d = &src_descs[k];
		fprintf(f, "# HELP hearsay_collector_%s_total %s\n# TYPE hearsay_collector_%s_total %s\n",
		        d->name, d->help, d->name, d->type);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "hearsay_collector_%s_total{source=\"", d->name);
			put_label(f, src_slots[i].name);
			fprintf(f, "\"} %llu\n", (unsigned long long)src_value(&src_slots[i], d));
		}
	}
	fprintf(f, "# HELP hearsay_collector_last_ok_seconds Unix time of a source's last good "
	           "poll or message (0 = none yet)\n# TYPE hearsay_collector_last_ok_seconds gauge\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "hearsay_collector_last_ok_seconds{source=\"");
		put_label(f, src_slots[i].name);
		fprintf(f, "\"} %.3f\n", (double)atomic_load(&src_slots[i].last_ok_us) / 1e6);
	}
}

static void src_json(FILE *f)
{
	size_t n = atomic_load_explicit(&n_src, memory_order_acquire);
	char ts[40];
	fputs(",\"sources\":{", f);
	for (size_t i = 0; i < n; i++) {
		const hs_source_metrics *m = &src_slots[i];
		fprintf(f, "%s\"", i ? "," : "");
		put_label(f, m->name); /* JSON needs the same two escapes */
		fputs("\":{", f);
		for (size_t k = 0; k < sizeof(src_descs) / sizeof(src_descs[0]); k++)
			fprintf(f, "%s\"%s\":%llu", k ? "," : "", src_descs[k].name,
			        (unsigned long long)src_value(m, &src_descs[k]));
		int64_t ok = atomic_load(&m->last_ok_us), er = atomic_load(&m->last_error_us);
		fprintf(f, ",\"last_ok\":");
		fprintf(f, ok ? "\"%s\"" : "null", ok ? hs_time_format(ok, ts, sizeof(ts)) : "");
		fprintf(f, ",\"last_error\":");
		fprintf(f, er ? "\"%s\"" : "null", er ? hs_time_format(er, ts, sizeof(ts)) : "");
		fputc('}', f);
	}
	fputc('}', f);
}

static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *last_reload; /* under reload_mu; replaced whole */

void hs_metrics_set_reload(bool ok, size_t rules, const hs_errs *errs)
{
	char ts[40];
	json_t *e = json_array(), *o;
	for (size_t i = 0; e && i < errs->n && i < 100; i++)
		json_array_append_new(e, json_string(errs->msgs[i]));
	o = json_pack("{s:s,s:b,s:I,s:o*}", "time", hs_time_format(hs_now_us(), ts, sizeof(ts)),
	              "ok", ok, "rules", (json_int_t)rules, "errors", e);
	pthread_mutex_lock(&reload_mu);
	json_decref(last_reload);
	last_reload = o; /* ours now */
	pthread_mutex_unlock(&reload_mu);
}

static void reload_json(FILE *f)
{
	char *s = NULL;
	pthread_mutex_lock(&reload_mu);
	if (last_reload)
		s = json_dumps(last_reload, JSON_COMPACT);
	pthread_mutex_unlock(&reload_mu);
	fprintf(f, ",\"last_reload\":%s", s ? s : "null");
	free(s);
}

/* Written once by the main thread before other threads read them. */
static hs_queue *g_intake, *g_store;

void hs_metrics_set_queues(hs_queue *intake, hs_queue *store)
{
	g_intake = intake;
	g_store = store;
}

typedef struct metric_desc {
	const char *name;
	const char *type;
	const char *help;
	size_t offset;
	const char *json;
} metric_desc;

#define M(field, type, help) \
	{ "hearsay_" #field, type, help, offsetof(hs_metrics_t, field), #field }

static const metric_desc descs[] = {
	M(posts_in, "counter", "Posts accepted from collectors"),
	M(posts_committed, "counter", "Posts committed to the store"),
	M(posts_duplicate, "counter", "Posts dropped as duplicates of stored ones"),
	M(posts_rejected, "counter", "Posts rejected with a logged reason"),
	M(posts_repaired, "counter", "Posts whose invalid UTF-8 was replaced"),
	M(posts_deleted, "counter", "Stored posts marked as deleted upstream"),
	M(hits, "counter", "Rule hits committed"),
	M(rule_limit_events, "counter", "PCRE2 match or depth limits reached"),
	M(intake_full, "counter", "Times a collector paused because the intake queue was full"),
	M(source_polls, "counter", "HTTP polls of sources finished"),
	M(source_not_modified, "counter", "Polls answered 304 Not Modified"),
	M(source_items, "counter", "Items parsed from polled sources"),
	M(source_errors, "counter", "Failed polls (transport, status, size, parse)"),
	M(source_parse_errors, "counter", "Responses a collector could not parse"),
	M(stream_connects, "counter", "Websocket streams of sources opened"),
	M(stream_failures, "counter", "Websocket streams that failed to open or closed"),
	M(stream_messages, "counter", "Websocket messages received from sources"),
	M(stream_bad_messages, "counter", "Websocket messages a collector could not use"),
	M(stream_skipped, "counter", "Binary or oversized websocket messages skipped"),
	M(replay_lines, "counter", "Lines read by replay sources"),
	M(replay_bad_lines, "counter", "Malformed replay lines skipped"),
	M(store_commits, "counter", "LMDB write transactions committed"),
	M(store_map_grows, "counter", "Times the LMDB map was grown"),
	M(store_errors, "counter", "LMDB write errors"),
	M(ws_clients, "gauge", "Connected websocket clients"),
	M(ws_messages, "counter", "Websocket messages sent"),
	M(ws_culled, "counter", "Websocket clients disconnected for lagging"),
	M(http_requests, "counter", "HTTP API requests served"),
	M(alerts_queued, "counter", "Alerts written to the outbox"),
	M(alerts_sent, "counter", "Alerts delivered"),
	M(alerts_retried, "counter", "Alert delivery attempts that will be retried"),
	M(alerts_failed, "counter", "Alerts given up after their last attempt"),
	M(alerts_recorded, "counter", "Alert outcomes (sent or failed) committed to the outbox"),
	M(reloads_ok, "counter", "Successful configuration reloads"),
	M(reloads_failed, "counter", "Rejected configuration reloads"),
	M(sources_done, "gauge", "Sources that reached the end of their input"),
	M(last_seq, "gauge", "Newest event sequence number"),
};

static uint64_t desc_value(const metric_desc *d)
{
	atomic_uint_fast64_t *p = (atomic_uint_fast64_t *)((char *)&hs_metrics + d->offset);
	return atomic_load_explicit(p, memory_order_relaxed);
}

char *hs_metrics_prometheus(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		const metric_desc *d = &descs[i];
		int counter = strcmp(d->type, "counter") == 0;
		fprintf(f, "# HELP %s%s %s\n# TYPE %s%s %s\n%s%s %llu\n", d->name,
		        counter ? "_total" : "", d->help, d->name, counter ? "_total" : "",
		        d->type, d->name, counter ? "_total" : "",
		        (unsigned long long)desc_value(d));
	}
	fprintf(f, "# HELP hearsay_queue_depth Items waiting in a pipeline queue\n"
	           "# TYPE hearsay_queue_depth gauge\n");
	if (g_intake)
		fprintf(f, "hearsay_queue_depth{queue=\"intake\"} %zu\n", hs_queue_depth(g_intake));
	if (g_store)
		fprintf(f, "hearsay_queue_depth{queue=\"store\"} %zu\n", hs_queue_depth(g_store));
	src_prometheus(f);
	fprintf(f, "# HELP hearsay_uptime_seconds Seconds since start\n"
	           "# TYPE hearsay_uptime_seconds gauge\nhearsay_uptime_seconds %.3f\n",
	        (double)(hs_now_us() - atomic_load(&hs_metrics.start_time_us)) / 1e6);
	fclose(f);
	return buf;
}

char *hs_metrics_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	char ts[40];
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "{\"type\":\"stats\",\"time\":\"%s\"",
	        hs_time_format(hs_now_us(), ts, sizeof(ts)));
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		fprintf(f, ",\"%s\":%llu", descs[i].json,
		        (unsigned long long)desc_value(&descs[i]));
	src_json(f);
	reload_json(f);
	fprintf(f, ",\"queues\":{\"intake\":%zu,\"store\":%zu}}",
	        g_intake ? hs_queue_depth(g_intake) : 0,
	        g_store ? hs_queue_depth(g_store) : 0);
	fclose(f);
	return buf;
}
