/* hearsay: process-wide counters and gauges.
 *
 * Every field is a C11 atomic, written by whichever thread does the work
 * (relaxed increments) and read by the lws thread for /metrics and the
 * stats message. No locks.
 */
#ifndef HS_METRICS_H
#define HS_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_queue hs_queue;

typedef struct hs_metrics_t {
	atomic_uint_fast64_t posts_in;         /* accepted from collectors */
	atomic_uint_fast64_t posts_committed;  /* written to LMDB */
	atomic_uint_fast64_t posts_duplicate;  /* dropped by dedup */
	atomic_uint_fast64_t posts_rejected;   /* refused with a reason */
	atomic_uint_fast64_t posts_repaired;   /* invalid UTF-8 replaced */
	atomic_uint_fast64_t posts_deleted;    /* stored posts marked deleted upstream */
	atomic_uint_fast64_t hits;             /* rule hits committed */
	atomic_uint_fast64_t rule_limit_events;/* PCRE2 match/depth limit hit */
	atomic_uint_fast64_t intake_full;      /* times a collector paused */
	atomic_uint_fast64_t source_polls;     /* HTTP polls finished */
	atomic_uint_fast64_t source_not_modified;
	atomic_uint_fast64_t source_items;
	atomic_uint_fast64_t source_errors;
	atomic_uint_fast64_t source_parse_errors;
	atomic_uint_fast64_t stream_connects;  /* websocket streams opened */
	atomic_uint_fast64_t stream_failures;  /* streams that closed or failed */
	atomic_uint_fast64_t stream_messages;
	atomic_uint_fast64_t stream_bad_messages; /* a collector could not use */
	atomic_uint_fast64_t stream_skipped;   /* binary or oversized messages */
	atomic_uint_fast64_t replay_lines;
	atomic_uint_fast64_t replay_bad_lines;
	atomic_uint_fast64_t store_commits;
	atomic_uint_fast64_t store_map_grows;
	atomic_uint_fast64_t store_errors;
	atomic_uint_fast64_t ws_clients;       /* gauge */
	atomic_uint_fast64_t ws_messages;
	atomic_uint_fast64_t ws_culled;
	atomic_uint_fast64_t http_requests;
	atomic_uint_fast64_t alerts_queued;
	atomic_uint_fast64_t alerts_sent;
	atomic_uint_fast64_t alerts_retried;
	atomic_uint_fast64_t alerts_failed;
	atomic_uint_fast64_t alerts_recorded;  /* final states committed */
	atomic_uint_fast64_t reloads_ok;
	atomic_uint_fast64_t reloads_failed;
	atomic_uint_fast64_t sources_done;     /* gauge: sources at end of input */
	atomic_uint_fast64_t last_seq;         /* gauge: newest event seq */
	atomic_int_fast64_t start_time_us;
} hs_metrics_t;

extern hs_metrics_t hs_metrics;

#define HS_INC(f) atomic_fetch_add_explicit(&hs_metrics.f, 1, memory_order_relaxed)
#define HS_ADD(f, n) atomic_fetch_add_explicit(&hs_metrics.f, (n), memory_order_relaxed)
#define HS_GET(f) atomic_load_explicit(&hs_metrics.f, memory_order_relaxed)

/* Counters of one source (a configured collector instance), beside the
 * process-wide ones. Slots are claimed by the fetch thread (or hearsayctl)
 * and never released; the name is written before the slot is published
 * (release), so readers on the lws thread see complete slots only. */
typedef struct hs_source_metrics {
	char name[128];
	atomic_uint_fast64_t polls, not_modified, items, errors, parse_errors;
	atomic_uint_fast64_t stream_connects, stream_failures, stream_messages,
	    stream_bad_messages;
	atomic_int_fast64_t last_ok_us;   /* wall clock of the last good poll or message */
	atomic_int_fast64_t last_error_us;
} hs_source_metrics;

/* The slot for a source, claimed on first use; NULL when all are taken
 * (then only the process-wide counters move). Any thread. */
hs_source_metrics *hs_metrics_source(const char *name);

#define HS_SRC_INC(m, f) \
	do { if (m) atomic_fetch_add_explicit(&(m)->f, 1, memory_order_relaxed); } while (0)
#define HS_SRC_ADD(m, f, n) \
	do { if (m) atomic_fetch_add_explicit(&(m)->f, (n), memory_order_relaxed); } while (0)
#define HS_SRC_SET(m, f, v) \
	do { if (m) atomic_store_explicit(&(m)->f, (v), memory_order_relaxed); } while (0)

/* The outcome of the last reload (main thread), shown in the stats JSON as
 * "last_reload": {"time", "ok", "rules", "errors": [...]}. */
typedef struct hs_errs hs_errs;
void hs_metrics_set_reload(bool ok, size_t rules, const hs_errs *errs);

/* Queues whose depth is reported; set once by the main thread before
 * the lws thread starts. */
void hs_metrics_set_queues(hs_queue *intake, hs_queue *store);
/* Prometheus text exposition; newly allocated. Any thread. */
char *hs_metrics_prometheus(void);
/* The same figures as a JSON object text; newly allocated. Any thread. */
char *hs_metrics_json(void);

#endif
