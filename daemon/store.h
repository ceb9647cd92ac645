/* hearsay: the LMDB store.
 *
 * One environment (a directory), named databases, big-endian keys so that
 * range scans run in order:
 *   meta     "schema" -> u32, "next_post" / "next_seq" / "next_alert" -> u64
 *   posts    post id -> post JSON
 *   dedup    source 0x00 source_id -> post id
 *   ptime    created time, post id -> ""          (time index of posts)
 *   hits     rule id 0x00 time, seq -> post id    (hits by rule and time)
 *   htime    time, seq -> ""                      (hits by time)
 *   events   seq -> event JSON                    (what /ws pushed)
 *   outbox   alert id -> alert JSON               (durable alert outbox)
 *   cursors  feed name -> cursor string
 * and since schema 2 the signal databases (daemon/signals.c says what their
 * keys and values are):
 *   rollups  kind, name 0x00 bucket time -> counts and sentiment sums
 *   spikes   spike id -> spike JSON
 *   claims   claim id -> claim record (rules/claims.h) + JSON
 *   sigstate name -> saved state (spike baselines, counters)
 * A schema 1 store is migrated when the daemon opens it (the signal
 * databases are created empty); hearsayctl reads one as it is.
 * Times are signed microseconds stored with the sign bit flipped so that
 * they sort as unsigned big-endian numbers.
 *
 * Threads: the store thread is the only writer (hs_store_w* functions).
 * Readers (lws thread, hearsayctl in another process) use the hs_store_scan
 * and get functions, each of which opens and closes one short read
 * transaction. A rwlock keeps in-process readers out while the map grows.
 */
#ifndef HS_STORE_H
#define HS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>

#define HS_STORE_SCHEMA 2

typedef struct hs_store hs_store;
typedef struct hs_wtxn hs_wtxn;

enum { HS_STORE_RDONLY = 1 };

/* Open (creating the directory and databases unless read-only), check the
 * schema version, and clear stale reader slots. */
hs_store *hs_store_open(const char *path, int flags, uint64_t map_size,
                        hs_errs *errs);
void hs_store_close(hs_store *st);
const char *hs_store_path(const hs_store *st);

/* Key encoding (any thread): 8 bytes big-endian, and times as signed
 * microseconds with the sign bit flipped, so that keys sort in order. */
void hs_store_be64(unsigned char *p, uint64_t v);
uint64_t hs_store_rd64(const unsigned char *p);
uint64_t hs_store_time_key(int64_t t);
int64_t hs_store_key_time(uint64_t k);

/* ---- writer (store thread only) ---------------------------------------- */
/* Functions return 0 or an LMDB error code (MDB_MAP_FULL means: abort,
 * hs_store_grow, redo the whole batch). */
int hs_store_wbegin(hs_store *st, hs_wtxn **out);
int hs_store_wcommit(hs_wtxn *t);
void hs_store_wabort(hs_wtxn *t);
/* Double the map size. No write transaction may be open. */
int hs_store_grow(hs_store *st);

/* 1 if (source, source_id) is already stored (sets *id), 0 if not. */
int hs_store_wdedup(hs_wtxn *t, const char *source, const char *source_id,
                    uint64_t *id, int *found);
/* Allocate the next post id. */
int hs_store_wnext(hs_wtxn *t, const char *counter, uint64_t *out);
/* Store a post (id already allocated) with its dedup and time entries. */
int hs_store_wpost(hs_wtxn *t, uint64_t id, const char *source,
                   const char *source_id, int64_t created_us,
                   const char *json, size_t len);
/* Mark stored post `id` as deleted upstream ("deleted": true,
 * "deleted_at": when) unless it already is; *changed tells. */
int hs_store_wmark_deleted(hs_wtxn *t, uint64_t id, int64_t when_us, int *changed);
/* Store a hit event with its indexes. */
int hs_store_whit(hs_wtxn *t, uint64_t seq, const char *rule_id,
                  int64_t created_us, uint64_t post_id, const char *json,
                  size_t len);
int hs_store_wcursor(hs_wtxn *t, const char *feed, const char *cursor);
int hs_store_woutbox(hs_wtxn *t, uint64_t alert_id, const char *json, size_t len);

/* An event that is not a hit (spike, claim): events db only. */
int hs_store_wevent(hs_wtxn *t, uint64_t seq, const char *json, size_t len);
/* The signal databases, for daemon/signals.c. Keys are 1..511 bytes. */
enum { HS_SDB_ROLLUPS = 0, HS_SDB_SPIKES, HS_SDB_CLAIMS, HS_SDB_SIGSTATE, HS_SDB_COUNT };
int hs_store_wsig_put(hs_wtxn *t, int sdb, const void *key, size_t klen, const void *val,
                      size_t vlen);
/* *val is NULL (and 0 returned) when the key is not there; the value is
 * valid until the transaction ends or writes. */
int hs_store_wsig_get(hs_wtxn *t, int sdb, const void *key, size_t klen, const void **val,
                      size_t *vlen);
int hs_store_wsig_del(hs_wtxn *t, int sdb, const void *key, size_t klen);

/* ---- readers (any thread, any process) ---------------------------------- */
/* Callbacks get data valid only during the call; return non-zero to stop. */
typedef int (*hs_store_row_fn)(void *ud, uint64_t key, const char *val, size_t len);

/* Cursor of a feed; *out is NULL if none. Caller frees. */
int hs_store_get_cursor(hs_store *st, const char *feed, char **out);
/* Counter value from meta (0 if never set). */
int hs_store_get_counter(hs_store *st, const char *counter, uint64_t *out);
/* Every outbox entry in id order. */
int hs_store_scan_outbox(hs_store *st, hs_store_row_fn fn, void *ud);
/* Events with seq > after, in order, at most max (0 = no limit). */
int hs_store_scan_events(hs_store *st, uint64_t after, size_t max,
                         hs_store_row_fn fn, void *ud);

/* The seq from which the last n_hits hit events follow (the other events
 * between them included): *seq = the seq of the n_hits-th newest hit, or of
 * the oldest event if there are fewer; 0 if there is no event. */
int hs_store_backlog_start(hs_store *st, uint64_t n_hits, uint64_t *seq);

typedef struct hs_store_query {
	int64_t since_us;      /* inclusive; INT64_MIN for no bound */
	int64_t until_us;      /* exclusive; INT64_MAX for no bound */
	const char *rule;      /* hits only: NULL = every rule */
	const char *source;    /* NULL = every source (filtered on the JSON) */
	size_t limit;          /* 0 = no limit */
	bool newest_first;
} hs_store_query;

/* Hit events matching q, in time order (key is the seq). */
int hs_store_query_hits(hs_store *st, const hs_store_query *q,
                        hs_store_row_fn fn, void *ud);
/* Posts matching q (rule ignored), in created-time order (key is the id). */
int hs_store_query_posts(hs_store *st, const hs_store_query *q,
                         hs_store_row_fn fn, void *ud);

/* Keys of a signal database that start with prefix (plen 0: all), in key
 * order or reverse, at most max (0: all). Data is valid during the call;
 * fn returns non-zero to stop. */
typedef int (*hs_store_kv_fn)(void *ud, const void *key, size_t klen, const void *val,
                              size_t vlen);
int hs_store_scan_sig(hs_store *st, int sdb, const void *prefix, size_t plen, bool reverse,
                      size_t max, hs_store_kv_fn fn, void *ud);

typedef struct hs_store_stats {
	uint64_t posts, hits, events, outbox, cursors;
	uint64_t map_size, map_used;
	unsigned schema;
} hs_store_stats;
int hs_store_get_stats(hs_store *st, hs_store_stats *out);

/* Human text for an LMDB error code. */
const char *hs_store_strerror(int rc);

#endif
