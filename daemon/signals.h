/* hearsay: the store thread's signal stage - sentiment rollups, spikes and
 * claims over the committed posts.
 *
 * The store thread owns an hs_signals (not thread-safe: that thread only).
 * For each batch it commits, the writer calls, inside the batch's write
 * transaction, after the posts are written (their ids and duplicates are
 * known):
 *   hs_signals_update   once per batch, even if the transaction is retried:
 *                       feeds every new post to the rollups, the spike
 *                       table and the claim table, and keeps what has to
 *                       be written (rollup deltas, spike and claim records,
 *                       events) as pending output;
 *   hs_signals_write    on every attempt: writes the pending output (events
 *                       get their seq numbers here);
 *   hs_signals_written  after the commit: drops the pending output.
 * So the signals of a batch are committed with its posts, or not at all.
 *
 * Time. Buckets go by each post's creation time, with a stream clock S:
 * the latest creation time seen that is either at most 60 s ahead of the
 * wall clock or at most 6 h ahead of S (so a replayed stream, which runs
 * faster than the wall clock, keeps its own time, and one post stamped
 * years ahead moves nothing). A post created more than 60 s after S
 * counts at S; one older than the spike lateness allowance (signals.
 * spikes.late, default 15 min) before its key's open bucket counts in the
 * rollups but not in spike buckets (rules/spike.h). See docs/signals.md.
 *
 * Store layout (the signal databases of store.h):
 *   rollups   'a' 0x00 T | 's' SOURCE 0x00 T | 'r' RULE 0x00 T  -> 40 bytes:
 *             posts, scored, negative, positive (u64 LE) and the sum of
 *             compound scores (IEEE double LE); T = bucket start, 8 bytes
 *             big-endian with the sign bit flipped
 *   spikes    spike id (u64 BE) -> spike JSON (docs/signals.md)
 *   claims    claim id (u64 BE) -> u32 LE n, n bytes of claim record
 *             (rules/claims.h), then the claim JSON
 *   sigstate  "spike:" KEY -> saved baseline (hs_spike_save);
 *             "next_spike" -> u64 LE
 */
#ifndef HS_SIGNALS_H
#define HS_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>

#include "config.h"
#include "record.h"
#include "store.h"

typedef struct hs_signals hs_signals;

/* A new signal stage with the config's settings, its state restored from
 * the store (claims still open, spike baselines). NULL with errs on out of
 * memory or a store error. */
hs_signals *hs_signals_new(const hs_config *cfg, hs_store *st, hs_errs *errs);
/* Saves the spike baselines (a transaction of its own) and frees. */
void hs_signals_free(hs_signals *sg, hs_store *st);

/* Feed the batch's records (those with a post id: new posts) once; see
 * above. now_us: the wall clock. */
void hs_signals_update(hs_signals *sg, hs_record *const *recs, size_t n, int64_t now_us);
/* Write the pending output in t; each event is handed to emit (which takes
 * the JSON text, malloc'd) with its seq. 0 or an LMDB/errno code. */
int hs_signals_write(hs_signals *sg, hs_wtxn *t,
                     int (*emit)(void *ud, uint64_t seq, char *json), void *ud);
/* The batch is committed: forget its pending output. */
void hs_signals_written(hs_signals *sg);
/* Save the spike baselines now and then (at most every 10 min). */
void hs_signals_maybe_save(hs_signals *sg, hs_store *st, int64_t now_us);

/* Whether a spike is in progress (then a quiet store thread should run an
 * empty batch now and then, so that it ends on time). */
bool hs_signals_spikes_open(const hs_signals *sg);

/* Split a stored claim value (see the layout above) into its claim record
 * and its JSON text. 0, or -1 if the value is malformed. Any thread: it
 * only reads val. */
int hs_signals_claim_parts(const void *val, size_t vlen, const void **rec, size_t *rec_len,
                           const char **json, size_t *json_len);

/* One rollup bucket as stored (see the layout above). */
typedef struct hs_rollup {
	uint64_t posts, scored, neg, pos;
	double sum;            /* of the scored posts' compound scores */
} hs_rollup;
#define HS_ROLLUP_BYTES 40
void hs_rollup_encode(const hs_rollup *r, unsigned char out[HS_ROLLUP_BYTES]);
/* 0, or -1 if vlen is not HS_ROLLUP_BYTES. Any thread. */
int hs_rollup_decode(const void *val, size_t vlen, hs_rollup *out);

/* Counters for /metrics and stats. */
typedef struct hs_signals_stats {
	uint64_t spikes_started, spikes_ended, claims_reported, late_posts;
	size_t spike_keys, claims_live;
} hs_signals_stats;
void hs_signals_get_stats(const hs_signals *sg, hs_signals_stats *out);

#endif
