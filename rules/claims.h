/* hearsay: rumour claims, near-duplicate grouping of posts.
 *
 * A claim is a group of posts that repeat one text: retweets, copies with
 * another URL, mention or hashtag, changed case or punctuation, a word
 * swapped, added or dropped. Every post with enough content words (at least
 * min_words, see simhash.h) either joins the claim it repeats or starts a
 * claim of its own (a claim of one post is a claim: the next copy finds
 * it). docs/signals.md (## Claims) has the evaluation behind the defaults.
 *
 * Matching. A post comes with its signature (hs_simhash_sign: 64-bit
 * SimHash fingerprint, least certain bits, bottom-k sketch of its word and
 * bigram set). A claim has up to max_reps representatives (fingerprint and
 * sketch): its first post's, then those of the first variants that joined
 * it (a post that joined with less than 100 % resemblance and is itself
 * within max_distance bits and min_overlap % of the first representative,
 * so a claim cannot drift from its first post). A post joins the claim of a
 * representative that
 *   - is found by the lookup below,
 *   - is within max_distance bits (Hamming distance of the fingerprints),
 *   - and resembles it by at least min_overlap % (the Jaccard index of the
 *     two feature sets, exact for posts of up to about 16 words, estimated
 *     from the sketches for longer ones);
 * among several, the most resembling, then the nearest, then the oldest
 * claim. The fingerprint finds candidates and rejects most unrelated ones
 * cheaply; the resemblance decides: on short posts a one-word edit moves a
 * 64-bit SimHash by 5 to 13 bits, as far as a different post on the same
 * template (another town, another event), while the feature sets tell
 * them apart (measured in docs/signals.md).
 *
 * Lookup (LSH). The 64 bits are cut into 4 bands of 16 bits and every
 * representative is listed under each of its 4 band values. A post reads
 * the buckets of its own 4 band values and, in each band, of the values
 * with any subset of its probe_bits least certain bits of that band
 * flipped (the bits with the smallest margin, which are the ones an edit
 * flips): 4 x 2^probe_bits buckets, 32 with the default 3. With
 * probe_bits = 0 this is the plain pigeonhole scheme, which finds every
 * representative within 3 bits; probing also finds most of those at 4 to
 * 16 bits. A bucket is one 64-byte line holding up to 4 entries
 * (fingerprint and representative), with overflow lines; a bitmap per band
 * (one bit per band value, 8 KiB that stay in cache) marks the values some
 * representative has, so a bucket is read only for a probed value that is
 * listed (below 65,536 buckets a bucket also holds other values, whose
 * entries are then looked at too), and the buckets of one post are
 * prefetched together. Cost per post: constant, at
 * most 4 x 2^probe_bits bucket reads (about 12 at 20,000 claims) plus the
 * entries found there (about 4 x 2^probe_bits x
 * representatives / 65,536 for uniform fingerprints; real ones are skewed
 * by common words, about 1.5 times that), plus a sketch comparison for the
 * few within max_distance.
 *
 * Per claim: id (1, 2, 3... in order of creation, never reused, also
 * across hs_claims_restore), representatives, size (posts), distinct
 * authors and distinct sources (exact up to 16, then a 128-register
 * HyperLogLog estimate, about 9 % standard error, never decreasing, never
 * above size), provenance (the post with the earliest time, ties to the
 * first seen: its id, source, time and the start of its terms view), the
 * time of the latest post, the spread (the spread_max earliest posts: id,
 * source, time) and growth (posts in the last window and the one before,
 * see hs_claim_info). A post without author (NULL) counts for size but not
 * for authors; the same for source (NULL or ""). Exact copies by one author
 * (spam) make a claim with authors = 1, which callers can use in
 * thresholds.
 *
 * Bounded memory: at most max_claims claims. Claims are kept in the order
 * they were last updated; adding a claim to a full table first evicts the
 * least recently updated one (counted in hs_claims_stats.evicted).
 * hs_claims_expire drops claims whose latest post is idle_us old; it walks
 * from the least recently updated claim and stops at the first one that is
 * still active, so its cost is the number dropped. (A post with an old time
 * moves its claim to the recent end without making its latest time newer,
 * so such a claim may be dropped by a later call than its time says.) A
 * dropped claim is forgotten: a later copy starts a new claim. on_drop, if
 * set, is told every dropped id (from hs_claims_add, hs_claims_restore and
 * hs_claims_expire, on the calling thread, before the claim is freed), so
 * the caller can delete or archive its record; on_drop may read the table
 * (get, spread, serialize, stats; the dropped claim is still there) but
 * must not change it.
 *
 * Memory: 64 bytes per bucket, 4 x 65,536 buckets (16 MiB) for
 * max_claims above 32,768 (below, 4 x the power of two at or above
 * max_claims, at least 16); then about 400 bytes plus the excerpt per
 * claim, 144 bytes per further representative, and, once a claim has more
 * than one post, author or source, its spread (24 bytes a post) and up to
 * two 128-byte counters. About 66 MiB at the default 100,000 claims.
 * hs_claims_stats reports the total.
 *
 * Persistence: hs_claims_serialize writes one claim as a self-contained
 * record (little-endian, version byte, checksum; layout in claims.c);
 * hs_claims_restore puts one back (after a restart), index included.
 *
 * Ownership: the table owns everything in it; strings passed in are copied
 * (source, the excerpt of terms) or hashed (author) during the call.
 * Pointers in an hs_claim_info or hs_claim_spread borrow from the table
 * and stay valid until the next call that changes it (add, expire,
 * restore, free).
 *
 * Thread-safety: none. A table belongs to one thread (the store thread):
 * every call on it, reads included, must come from that thread or be
 * serialised by the caller. Different tables are independent. The
 * signatures it is given are plain values: compute them on any thread.
 */
#ifndef HS_CLAIMS_H
#define HS_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simhash.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds of the parameters. */
#define HS_CLAIMS_MAX_REPS 16u
#define HS_CLAIMS_MAX_PROBE_BITS HS_SIMHASH_WEAK
#define HS_CLAIMS_MAX_SPREAD 256u
#define HS_CLAIMS_MAX_EXCERPT 4096u
#define HS_CLAIMS_MAX_CLAIMS ((size_t)1 << 28)

/* Why a claim was dropped. */
typedef enum {
	HS_CLAIM_EXPIRED = 1, /* idle for idle_us (hs_claims_expire) */
	HS_CLAIM_EVICTED = 2, /* the table was full (hs_claims_add, _restore) */
} hs_claim_drop;

typedef struct hs_claims_params {
	size_t max_claims;      /* cap on live claims, 1..HS_CLAIMS_MAX_CLAIMS */
	int64_t idle_us;        /* expire claims idle this long (> 0) */
	unsigned max_distance;  /* k: join within this many bits (0..64) */
	unsigned min_overlap;   /* and at least this resemblance, % (0..100) */
	unsigned probe_bits;    /* least certain bits flipped per band (0..4) */
	unsigned max_reps;      /* representatives per claim (1..16) */
	unsigned min_words;     /* fewer content words: not grouped (>= 1) */
	unsigned spread_max;    /* earliest posts kept per claim (1..256) */
	unsigned excerpt_max;   /* bytes of the first post's terms kept (0..4096) */
	int64_t window_us;      /* growth window (>= 4 us; see hs_claim_info) */
	/* Told of every dropped claim, or NULL. */
	void (*on_drop)(void *ud, uint64_t claim_id, hs_claim_drop why);
	void *on_drop_ud;
} hs_claims_params;

/* The defaults: max_claims 100000, idle_us 48 h, max_distance 16,
 * min_overlap 75, probe_bits 3, max_reps 8, min_words
 * HS_SIMHASH_MIN_WORDS, spread_max 16, excerpt_max 160, window_us 1 h, no
 * on_drop. */
void hs_claims_params_default(hs_claims_params *p);

typedef struct hs_claims hs_claims;

/* A new, empty table (params NULL: the defaults; params is copied). NULL
 * on out of memory or if a parameter is out of range. Free it with
 * hs_claims_free (NULL is fine); on_drop is not called by hs_claims_free. */
hs_claims *hs_claims_new(const hs_claims_params *params);
void hs_claims_free(hs_claims *c);

typedef enum {
	HS_CLAIM_UNGROUPED = 0, /* too few content words: not grouped */
	HS_CLAIM_NEW = 1,       /* started a claim */
	HS_CLAIM_JOINED = 2,    /* joined an existing claim */
} hs_claim_outcome;

typedef struct hs_claim_result {
	hs_claim_outcome outcome;
	uint64_t claim_id;      /* 0 when not grouped */
	uint64_t size;          /* posts in the claim, this one included */
	uint64_t authors;       /* distinct authors (see above) */
	uint64_t sources;       /* distinct sources */
	unsigned distance;      /* bits to the matching representative (0 if new) */
	unsigned resemblance;   /* its resemblance, % (100 if new, 0 if not grouped) */
} hs_claim_result;

/* Group one post. sig is its signature (hs_simhash_sign of its terms view),
 * post_id the caller's id for it (kept in provenance and spread), source
 * and author NUL-terminated strings or NULL, time_us its time (UTC
 * microseconds; used for provenance, growth and expiry), terms[0..
 * terms_len) its terms view (only the start is kept, as the excerpt, if the
 * post starts a claim or becomes its earliest post; may be NULL if
 * terms_len is 0). Fills *out (if not NULL). Returns 0, or -1 on out of
 * memory or bad arguments (c or sig NULL, terms NULL with terms_len > 0),
 * with the table unchanged (but for the lookup counters of
 * hs_claims_stats). */
int hs_claims_add(hs_claims *c, const hs_simhash_sig *sig, uint64_t post_id,
                  const char *source, const char *author, int64_t time_us,
                  const char *terms, size_t terms_len, hs_claim_result *out);

/* A hint, changing nothing: start loading the index buckets that
 * hs_claims_add(c, sig, ...) will read. A lookup reads 4 x 2^probe_bits
 * buckets spread over megabytes, so a caller with a queue of posts calls
 * this for the next post (or one after) before adding the current one,
 * and the memory loads of the two overlap. Same thread as hs_claims_add
 * (it only reads the table). */
void hs_claims_prefetch(const hs_claims *c, const hs_simhash_sig *sig);

typedef struct hs_claim_spread {
	uint64_t post_id;
	int64_t time_us;
	const char *source;     /* borrowed; "" if the post had none */
} hs_claim_spread;

typedef struct hs_claim_info {
	uint64_t id;
	uint64_t simhash;       /* the first representative */
	unsigned n_reps;
	uint64_t reps[HS_CLAIMS_MAX_REPS]; /* n_reps fingerprints, first first */
	/* provenance: the earliest post */
	uint64_t first_post_id;
	int64_t first_us;
	const char *first_source; /* borrowed; "" if none */
	const char *excerpt;      /* borrowed, NUL-terminated: the first
	                           * excerpt_max bytes of its terms view, cut
	                           * after a whole word, without the outer
	                           * spaces */
	uint64_t size;
	uint64_t authors;
	uint64_t sources;
	int64_t last_us;          /* latest post time */
	size_t n_spread;          /* entries for hs_claims_spread */
	/* Growth at the time given to hs_claims_get: time is cut into slots of
	 * window_us / 4; recent counts the posts of the 4 slots up to and
	 * including the one holding now_us, previous the 4 slots before those
	 * (so each covers one window, to a quarter window's precision).
	 * growth = (recent + 1) / (previous + 1): 1 when flat, above 1 when
	 * the claim spreads faster than in the window before. Posts more than
	 * two windows older than the claim's latest post are not counted. */
	uint64_t recent, previous;
	double growth;
} hs_claim_info;

/* The claim with this id: fills *out and returns 0, or -1 if there is none
 * (never existed, dropped). now_us is the time growth is measured at. */
int hs_claims_get(const hs_claims *c, uint64_t id, int64_t now_us, hs_claim_info *out);

/* Copies up to max entries of the claim's spread (earliest first; entry 0
 * is the provenance post) into out. Returns the number copied, 0 if there is
 * no such claim. */
size_t hs_claims_spread(const hs_claims *c, uint64_t id, hs_claim_spread *out, size_t max);

/* Drop the claims whose latest post is at or before now_us - idle_us (see
 * above). Returns the number dropped. */
size_t hs_claims_expire(hs_claims *c, int64_t now_us);

typedef struct hs_claims_stats {
	size_t live;            /* claims in the table */
	uint64_t created;       /* claims started (HS_CLAIM_NEW) */
	uint64_t joined;        /* posts that joined a claim */
	uint64_t ungrouped;     /* posts with too few words */
	uint64_t expired;       /* claims dropped by hs_claims_expire */
	uint64_t evicted;       /* claims dropped because the table was full */
	uint64_t restored;      /* claims put back by hs_claims_restore */
	uint64_t next_id;       /* id the next claim gets */
	size_t reps;            /* representatives listed in the index */
	uint64_t probes;        /* buckets read by lookups */
	uint64_t visited;       /* representatives found there */
	uint64_t compared;      /* of those, near enough to compare sketches */
	size_t memory;          /* bytes allocated by the table (approximate) */
} hs_claims_stats;

void hs_claims_stats_get(const hs_claims *c, hs_claims_stats *out);

/* Serialised claim record, version 1: the fields of hs_claim_info and the
 * counters behind them, little-endian, with a 32-bit checksum at the end
 * (layout in claims.c). A record is at most HS_CLAIMS_RECORD_MAX bytes. */
#define HS_CLAIMS_RECORD_VERSION 1u
#define HS_CLAIMS_RECORD_MAX ((size_t)128 * 1024)

/* Write claim id into buf[0..cap). Returns the record's length; when that
 * is more than cap, buf holds only a useless prefix (nothing is written
 * past cap; buf may be NULL with cap 0): call again with a buffer that
 * large. Returns 0 if there is no such claim. */
size_t hs_claims_serialize(const hs_claims *c, uint64_t id, void *buf, size_t cap);

/* Put a serialised claim back: same id, representatives (indexed again),
 * counters, provenance, spread and growth. The claim becomes the most
 * recently updated one, except that it is placed before up to 256 claims
 * with a later latest post, so restoring in any order that is roughly by
 * time keeps the expiry order. Later ids start after the largest restored
 * id. A full table evicts, as for hs_claims_add. Returns 0; -1 if the
 * record is short, corrupt (checksum, lengths, values out of range) or of
 * another version, if a claim with that id is already in the table, or on
 * out of memory, with the table unchanged. The record's spread is cut to
 * spread_max, its representatives to max_reps and its excerpt to
 * excerpt_max; growth counts written with another window_us are dropped. */
int hs_claims_restore(hs_claims *c, const void *rec, size_t len);

#ifdef __cplusplus
}
#endif
#endif
