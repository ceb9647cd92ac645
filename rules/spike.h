/* hearsay: spike detector. Counts posts per key (a rule, a term, a claim,
 * a source: any opaque byte string such as "rule:threat-en-01") in fixed
 * time buckets, keeps a streaming baseline per key and reports one event
 * per spike (start, new peaks, end), not one alert per bucket. Not part of
 * the public API; docs/signals.md ("Spikes") is the user-facing account.
 *
 * Use:
 *   hs_spike_params p;
 *   hs_spike_params_default(&p);           then change fields as needed
 *   hs_spike_table *t = hs_spike_table_new(&p, 100000, 0);
 *   hs_spike_add(t, key, keylen, NULL, post_time_us, now_us, post_id, cb, ud);
 *   hs_spike_tick(t, now_us, cb, ud);      every few seconds
 *   hs_spike_table_free(t);
 *
 * ---- Buckets and baseline ---------------------------------------------------------
 *
 * Buckets are the windows [n * W, (n + 1) * W) of event time (microseconds
 * since the epoch, UTC; W = bucket_us, default 60 s), the same for every
 * key with the same W. Each key has exactly one open bucket; a bucket is
 * closed once and never reopened. When a bucket closes, its count c feeds
 * the key's baseline, an exponentially weighted mean and mean absolute
 * deviation (as in TwitInfo, Marcus et al. 2011):
 *
 *   d = c - mean;  mean += w * d;  dev += w * (|d| - dev)
 *
 * with w = alpha (0.125) normally and w = alpha * spike_learn (1/8 of that,
 * so 1/64) for buckets of a spike in progress. The reduced weight keeps a
 * long burst from lifting its own baseline and ending itself early, while a
 * lasting change of level is still absorbed (with time constant about
 * 1 / (alpha * spike_learn) buckets, about an hour by default); with
 * spike_learn 0 the baseline is frozen during spikes.
 *
 * The thresholds for a bucket are computed once, when it opens, from the
 * baseline as it then stands (so each post costs one comparison):
 *
 *   expected  = mean  (with seasonality: the larger of mean and the slot's
 *               mean, see below)
 *   start     the smallest count that is all of: > mean + k * dev (for
 *               each baseline in use), >= min_count, >= min_ratio *
 *               expected (if min_ratio > 0), and no more likely than
 *               poisson_p under Poisson arrivals at rate `expected` (if
 *               poisson_p > 0: the smallest c with P(X >= c) <= poisson_p)
 *   end       the smallest count > mean + k_end * dev (for each baseline),
 *               at least 1
 *
 * Why the Poisson test: with one-minute buckets a day has 1,440 of them,
 * and Poisson-like counts exceed mean + 2 mean deviations in about 5 % of
 * buckets, so k = 2 alone would start dozens of spikes a day on a quiet
 * key. The mean-deviation test (k) carries over-dispersed real traffic,
 * where dev is large; the Poisson test is the noise floor where dev is
 * small or its estimate is noisy. tests/bench/eval_spikes.c measures both
 * (its "twitinfo" line is this detector with poisson_p = 0).
 *
 * ---- Spike state machine ----------------------------------------------------------
 *
 *   idle -> spike   as soon as the open bucket's count reaches `start`
 *                   (checked at every post, so a strong burst is flagged
 *                   inside its first bucket), provided the key has learned
 *                   at least warmup_buckets buckets. Event HS_SPIKE_START.
 *   in a spike      each closing bucket is hot (count >= end) or quiet. A
 *                   hot bucket with a count above the peak so far gives
 *                   HS_SPIKE_UPDATE.
 *   spike -> idle   after end_quiet quiet buckets in a row (default 2, so a
 *                   burst with a one-bucket dip stays one spike): event
 *                   HS_SPIKE_END. The spike ends at the end of its last hot
 *                   bucket.
 * A spike also ends (HS_SPIKE_END with another reason) when its key is
 * evicted, expires, has its parameters changed, or on hs_spike_flush.
 *
 * Magnitude (in every event): peak_count / max(expected at the peak bucket,
 * 1), the ratio to the baseline, which is floored at one post per bucket so
 * that a key that is usually silent does not report infinite ratios. z is
 * (peak_count - expected) / max(dev, 0.5), in mean deviations.
 *
 * The posts behind a spike: every event carries the spike's post count
 * (all posts of its buckets, from the start of its first bucket, including
 * the ones before the threshold was crossed) and up to max_samples post ids
 * (<= HS_SPIKE_SAMPLES_MAX): the first posts of the spike's first bucket,
 * then later ones, in arrival order, until the list is full. The store can
 * be asked for the rest by key and time span.
 *
 * ---- Time: which bucket a post goes to --------------------------------------------
 *
 * Every call passes the post's event time (post_us) and the stream's "now"
 * (now_us: arrival or wall time). The table keeps a stream clock S, the
 * largest now_us it has been given: it never goes back; a smaller now_us
 * counts as S. Times are clamped to [0, 2^62) first. Then:
 *
 *  1. Future: a post with post_us > S + future_us (default 60 s) is
 *     counted at S, by arrival (stats.future).
 *  2. Clock closing: a key's open bucket closes, even without posts, once
 *     S - late_us has passed its end (late_us default 120 s). Buckets in
 *     between that saw no post close as empty buckets.
 *  3. A post in the open bucket is counted there. A post after the open
 *     bucket closes it (and the empty buckets between) and opens its own.
 *  4. Late: a post before the open bucket is counted in the open bucket
 *     (stats.late_moved) if its time is at most late_us before the open
 *     bucket's start (small reordering between sources). An older post is
 *     not counted in any bucket (stats.late_dropped; hs_spike_add returns
 *     HS_SPIKE_LATE): its bucket is closed and already in the baseline.
 *     If its key is in a spike that started at or before the post's time,
 *     it is still added to the spike's post count and samples.
 *     A new key is not created by a dropped post.
 * So a far-future timestamp never moves a key's buckets forward by more
 * than future_us, and a far-past one never touches the baseline.
 *
 * Gaps: closing n empty buckets costs O(min(n, 64)) then a closed form
 * (mean * (1 - alpha)^n and the matching deviation, per seasonal slot as
 * well), whatever n (a clock jump of years is one call). An empty bucket is
 * only learned while the silence is plausible: once the posts expected over
 * the current run of empty buckets exceed outage_posts (default 20, chance
 * of such a silence under Poisson about e^-20), further empty buckets are
 * not learned (no baseline change, no warm-up progress) until a bucket with
 * posts closes (past the first 64 buckets of a gap, the rest of it is
 * learned or not as a whole). A collector outage, a stopped daemon restored from a saved
 * state, or a forward jump of now_us therefore leaves a busy key's baseline
 * where it was, instead of decaying it to zero and raising a false spike
 * when traffic returns. Quiet keys, for which silence is normal, keep
 * learning their empty buckets.
 *
 * Clock steps: S never goes back, so a backward step of now_us only delays
 * clock closing until now_us catches up; buckets are never reopened.
 * During that time posts whose event time is more than future_us ahead of
 * S are counted at S (rule 1). A forward step of D closes the keys' buckets
 * up to S - late_us (as a gap, above), and posts stamped with the old time
 * are then late (rule 4) until D has passed.
 *
 * Choosing late_us: a key fed only by a source polled every P seconds (an
 * RSS feed) receives its posts up to P late; give such keys late_us >= P
 * or their posts are dropped as late (rule 4). A larger late_us delays the
 * end of a spike by as much, never its start.
 *
 * ---- Seasonality (optional, per key) ----------------------------------------------
 *
 * With seasonal = 1 a key also keeps, for each hour of the day (UTC plus
 * day_offset_s), its own mean and deviation, learned (with the same
 * weights) only from the buckets in that hour. Each bucket is then judged
 * against both baselines and must exceed both thresholds: the recent level
 * (so a day with more traffic overall is not a spike at each hour's start)
 * and the level usually seen at that hour (so a recurring daily peak, once
 * learned, is not a spike). The hourly baseline carries over from one day
 * to the next, so an hour-long recurring peak is learned after one day.
 * Patterns shorter than an hour are not. Requires a bucket width that
 * divides one hour. Daylight saving time is not followed.
 *
 * ---- Keys, memory, time per post --------------------------------------------------
 *
 * Keys live in an open-addressing hash table (linear probing, load <= 1/2)
 * with an LRU list. At most max_keys keys: adding a new key to a full table
 * evicts the least recently counted key (stats.evicted). hs_spike_tick
 * expires keys that counted no post for ttl_us (stats.expired). Per key:
 *
 *   hs_spike_memory = sizeof(table) + 16 bytes x hash capacity (a power
 *       of two, 16 or more, at most 4 x max_keys: the load is <= 1/2)
 *       + 104 bytes x parameter set capacity
 *       + per key hs_spike_key_memory(seasonal, key length)
 *
 * (hs_spike_key_memory is 336 bytes plus the key's length on x86-64, 192
 * more with seasonality; 128 of the 336 are the sample ids). Every
 * hs_spike_add is O(key length) to hash plus O(1) (amortised: closing a
 * gap is bounded as above; computing a bucket's thresholds, once per
 * opened bucket, takes O(sqrt(expected count)) steps for the Poisson test,
 * exact up to an expected count of 1e5 and a normal approximation
 * above). hs_spike_tick is O(spikes in progress + keys expired). No
 * allocation per post; one per new key (two with seasonality).
 *
 * Parameters: each call may pass its own parameters (per rule); NULL means
 * the table's defaults. The table keeps one copy of each distinct set (up
 * to HS_SPIKE_MAX_PARAM_SETS) and each key refers to the set it last used.
 * A key used with a different set switches to it: if bucket_us or seasonal
 * differ, the key's spike in progress ends (HS_SPIKE_END_RESET) and its
 * baseline starts over; otherwise the baseline is kept and the open
 * bucket's thresholds are recomputed at once.
 *
 * ---- Ownership, threads, callbacks ------------------------------------------------
 *
 * The table owns all its memory and copies keys and parameters; nothing the
 * caller passes is kept after a call returns. Not thread-safe: one thread
 * (the store thread) owns a table and makes every call on it; separate
 * tables are independent. There is no global state. Events are delivered
 * synchronously through the callback given to the call that caused them;
 * the event and everything it points to (key, sample ids) are valid during
 * the callback only. A callback must not call any hs_spike_* function on
 * the same table (such calls fail with -1 or do nothing).
 */
#ifndef HS_SPIKE_H
#define HS_SPIKE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_SPIKE_SAMPLES_MAX 16      /* sample post ids kept per spike */
#define HS_SPIKE_KEY_MAX 1024        /* longest key, bytes */
#define HS_SPIKE_MAX_PARAM_SETS 4096 /* distinct parameter sets per table */
#define HS_SPIKE_SEASON_SLOTS 24     /* hours of the day */
#define HS_SPIKE_TTL_DEFAULT ((int64_t)86400 * 1000000 * 2) /* 2 days */
/* Bytes of a saved key state (hs_spike_save) without / with seasonality. */
#define HS_SPIKE_BLOB_PLAIN 60
#define HS_SPIKE_BLOB_SEASONAL (HS_SPIKE_BLOB_PLAIN + HS_SPIKE_SEASON_SLOTS * 8)

/* Detector parameters. The layout has no padding (compared field by field
 * anyway). Defaults in brackets (hs_spike_params_default); the ranges are
 * those hs_spike_params_check accepts. */
typedef struct hs_spike_params {
	int64_t bucket_us;      /* bucket width [60 s]; 1 s .. 1 day; with
	                         * seasonal, it must divide one hour */
	int64_t late_us;        /* lateness allowance [120 s]; 0 .. 1 day */
	int64_t future_us;      /* future allowance [60 s]; 0 .. 1 day */
	double alpha;           /* baseline weight [0.125]; (0, 1] */
	double k;               /* start: mean deviations above mean [2]; 0 .. 1000 */
	double k_end;           /* hot: mean deviations above mean [1]; 0 .. k */
	double spike_learn;     /* weight factor in spikes [0.125]; 0 .. 1 */
	double poisson_p;       /* start: Poisson tail bound [1e-4]; 0 (off)
	                         * or 1e-12 .. 0.5 */
	double min_ratio;       /* start: count >= min_ratio x expected [0,
	                         * off]; 0 .. 1000 */
	double outage_posts;    /* stop learning silence after this many
	                         * expected posts [20]; 0 (always learn) .. 1e9 */
	uint32_t min_count;     /* start: posts in the bucket [5]; >= 1 */
	uint32_t warmup_buckets;/* buckets learned before any start [30];
	                         * 0 .. 1,000,000 */
	uint32_t end_quiet;     /* quiet buckets that end a spike [2]; 1 .. 64 */
	uint32_t max_samples;   /* sample ids per spike [16]; 0 .. HS_SPIKE_SAMPLES_MAX */
	int32_t day_offset_s;   /* seasonality: seconds added to UTC [0];
	                         * -86400 .. 86400 */
	uint32_t seasonal;      /* hourly seasonal baseline [0]; 0 or 1 */
} hs_spike_params;

/* Fill *p with the defaults above. */
void hs_spike_params_default(hs_spike_params *p);
/* 0 if *p is valid, else -1 with *why (if why is not NULL) pointing at a
 * static message naming the first bad field. */
int hs_spike_params_check(const hs_spike_params *p, const char **why);

typedef enum hs_spike_event_type {
	HS_SPIKE_START = 1,  /* the open bucket reached the start threshold */
	HS_SPIKE_UPDATE = 2, /* a closed hot bucket set a new peak */
	HS_SPIKE_END = 3     /* the spike is over (see reason) */
} hs_spike_event_type;

typedef enum hs_spike_end_reason {
	HS_SPIKE_END_NONE = 0,    /* START and UPDATE */
	HS_SPIKE_END_QUIET = 1,   /* end_quiet quiet buckets in a row */
	HS_SPIKE_END_EXPIRED = 2, /* key idle for ttl_us (hs_spike_tick) */
	HS_SPIKE_END_EVICTED = 3, /* key evicted to make room (max_keys) */
	HS_SPIKE_END_RESET = 4,   /* key switched to incompatible parameters */
	HS_SPIKE_END_FLUSH = 5    /* hs_spike_flush */
} hs_spike_end_reason;

typedef struct hs_spike_event {
	hs_spike_event_type type;
	hs_spike_end_reason reason;
	const unsigned char *key;  /* the key's bytes (not NUL-terminated) */
	size_t keylen;
	int64_t bucket_us;         /* the key's bucket width */
	int64_t start_us;          /* start of the spike's first bucket */
	int64_t peak_us;           /* start of the bucket with the peak count */
	int64_t end_us;            /* END: end of the last hot bucket (of the
	                            * open bucket for an END other than QUIET,
	                            * if it has posts); START/UPDATE: end of
	                            * the latest bucket counted so far */
	int64_t detected_us;       /* stream clock S when the event was made */
	uint32_t peak_count;       /* START: count when the threshold was
	                            * reached; later: highest bucket count */
	uint32_t buckets;          /* buckets from start to end_us */
	double expected;           /* baseline count for the peak bucket */
	double deviation;          /* its mean deviation */
	double magnitude;          /* peak_count / max(expected, 1) */
	double z;                  /* (peak_count - expected) / max(deviation, 0.5) */
	uint64_t total;            /* posts of the spike so far */
	double excess;             /* total minus the expected counts of its
	                            * buckets up to end_us */
	const uint64_t *sample_ids;/* first posts of the spike (see above) */
	size_t n_samples;
} hs_spike_event;

typedef void (*hs_spike_event_cb)(void *ud, const hs_spike_event *ev);

typedef struct hs_spike_table hs_spike_table;

/* A new table. defaults: parameters for calls that pass none (NULL: the
 * built-in defaults); they must pass hs_spike_params_check. max_keys >= 1:
 * cap on keys (at most 2^28). ttl_us: keys with no counted post for this
 * long are expired by hs_spike_tick (0: HS_SPIKE_TTL_DEFAULT; negative:
 * never). Returns NULL on invalid arguments or out of memory. */
hs_spike_table *hs_spike_table_new(const hs_spike_params *defaults, size_t max_keys,
                                   int64_t ttl_us);
/* Free the table and every key (NULL is fine). Spikes in progress are
 * dropped without an event; call hs_spike_flush first to get them. */
void hs_spike_table_free(hs_spike_table *t);

/* Return values of hs_spike_add. */
#define HS_SPIKE_COUNTED 0 /* the post was counted in a bucket */
#define HS_SPIKE_LATE 1    /* too old for any open bucket (rule 4 above) */

/* Count one post for key[0, keylen) (1 .. HS_SPIKE_KEY_MAX bytes) with the
 * parameters p (NULL: the table's defaults), event time post_us and stream
 * time now_us (both microseconds since the epoch, UTC), and post id
 * post_id (kept as a sample). Events caused by the call (bucket closes,
 * evictions, a start) go to cb(ud, ...) before it returns; cb may be NULL.
 * Returns HS_SPIKE_COUNTED, HS_SPIKE_LATE, or -1 (nothing changed except
 * the stream clock) if t or key is NULL, keylen is out of range, p is
 * invalid, the table already holds HS_SPIKE_MAX_PARAM_SETS other sets,
 * out of memory, or called from a callback. */
int hs_spike_add(hs_spike_table *t, const void *key, size_t keylen,
                 const hs_spike_params *p, int64_t post_us, int64_t now_us,
                 uint64_t post_id, hs_spike_event_cb cb, void *ud);

/* Advance the stream clock to now_us (if it is ahead), close the elapsed
 * buckets of every key in a spike (so spikes end on time even when posts
 * stop), and expire idle keys. Call it every few seconds. Other keys close
 * their elapsed buckets on their next post, with the same result. Returns
 * the number of events delivered, or -1 if t is NULL or in a callback. */
int hs_spike_tick(hs_spike_table *t, int64_t now_us, hs_spike_event_cb cb, void *ud);

/* End every spike in progress (HS_SPIKE_END_FLUSH), for shutdown. Baselines
 * are kept. Returns the number of events, or -1 as hs_spike_tick. */
int hs_spike_flush(hs_spike_table *t, hs_spike_event_cb cb, void *ud);

/* Bytes of heap held by the table (formula above). 0 for NULL. */
size_t hs_spike_memory(const hs_spike_table *t);
/* Bytes of heap held by one key of keylen bytes, with or without the
 * seasonal baseline (seasonal non-zero). */
size_t hs_spike_key_memory(int seasonal, size_t keylen);

typedef struct hs_spike_stats {
	size_t keys;             /* keys held now */
	size_t max_keys;
	uint64_t posts;          /* hs_spike_add calls that did not fail */
	uint64_t counted;        /* ... counted in a bucket */
	uint64_t future;         /* ... counted at S by rule 1 */
	uint64_t late_moved;     /* ... counted in the open bucket by rule 4 */
	uint64_t late_dropped;   /* ... not counted (HS_SPIKE_LATE) */
	uint64_t buckets_frozen; /* empty buckets not learned (outage rule) */
	uint64_t spikes_started;
	uint64_t spikes_ended;
	uint64_t spikes_active;  /* in progress now */
	uint64_t evicted;
	uint64_t expired;
	size_t param_sets;
	size_t memory;           /* as hs_spike_memory */
	int64_t clock_us;        /* the stream clock S (0 before any call) */
} hs_spike_stats;
void hs_spike_get_stats(const hs_spike_table *t, hs_spike_stats *out);

/* One key's current state, for tests, debugging and API endpoints. */
typedef struct hs_spike_key_state {
	int64_t bucket_us;
	int64_t open_us;         /* start of the open bucket */
	uint32_t count;          /* posts in the open bucket */
	uint32_t threshold_start;/* start and end thresholds of the open bucket */
	uint32_t threshold_end;
	uint32_t seen;           /* buckets learned (saturates at UINT32_MAX) */
	double mean, dev;        /* the recent baseline */
	double expected;         /* expected count of the open bucket */
	int in_spike;
	int64_t spike_start_us;  /* if in_spike */
	uint64_t spike_total;
	int64_t last_us;         /* stream clock at the key's last counted post */
} hs_spike_key_state;
/* 0 and *out filled if the key exists, else -1. Changes nothing. */
int hs_spike_key_get(const hs_spike_table *t, const void *key, size_t keylen,
                     hs_spike_key_state *out);

/* Call fn(ud, key, keylen) for every key, most recently counted first.
 * fn must not change the table. */
void hs_spike_foreach(const hs_spike_table *t,
                      void (*fn)(void *ud, const unsigned char *key, size_t keylen),
                      void *ud);

/* Persisting baselines (for example in LMDB across restarts). A key's
 * baseline is saved as a little-endian blob (layout in spike.c):
 *   byte 0 version (1), byte 1 flags (bit 0: seasonal part present),
 *   the bucket width, the open bucket and its count, buckets learned,
 *   mean, deviation, the outage run, then (seasonal) 24 x float32 mean and
 *   24 x float32 deviation, and last a CRC-32 of all bytes before it.
 * A spike in progress and its samples are not saved.
 *
 * hs_spike_save writes the blob of key into buf (if cap is large enough)
 * and returns its size (HS_SPIKE_BLOB_PLAIN or HS_SPIKE_BLOB_SEASONAL),
 * or 0 if t or key is NULL or the key does not exist. Nothing is written
 * when cap is too small: call again with the size returned. */
size_t hs_spike_save(const hs_spike_table *t, const void *key, size_t keylen,
                     unsigned char *buf, size_t cap);
/* Create key from a saved blob, with parameters p (NULL: defaults), whose
 * bucket_us and seasonal must match the blob's. The key's last activity is
 * the stream clock (or its first value, if the table has no clock yet).
 * Returns 0, or -1 (nothing changed) if an argument is NULL or invalid, the
 * blob is short, long, of an unknown version, corrupt (CRC, flags, values
 * out of range) or incompatible with p, the key already exists, the table
 * is full, out of memory, or in a callback. */
int hs_spike_load(hs_spike_table *t, const void *key, size_t keylen,
                  const hs_spike_params *p, const unsigned char *blob, size_t len);

#ifdef __cplusplus
}
#endif
#endif
