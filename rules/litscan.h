/* hearsay: the optional Vectorscan/Hyperscan backend of the rule
 * prefilter's literal scans (configure --with-vectorscan).
 *
 * A literal database holds the same literals (bytes, ids) as one of the
 * prefilter's Aho-Corasick automata (rules/ac.h) and reports the same
 * (id, end) occurrences: every occurrence of every literal, in order of
 * end offset. Unlike hs_ac_scan, two literals that end at the same byte
 * may be reported in either order (the prefilter only keeps the first
 * occurrence of a pattern in a field, so a terms hit's span can then be
 * another of its terms ending there; which rules hit does not change).
 *
 * Built without Vectorscan, hs_litdb_build returns NULL ("not
 * available") and the prefilter uses its automata; so does a build with
 * it when HEARSAY_PREFILTER=ac is in the environment at load time, or when
 * the CPU lacks what the library needs (SSSE3).
 *
 * Ownership and threads: a database is immutable once built and may be
 * shared by threads; each thread scans with its own scratch, grown (by
 * hs_litscratch_grow) for every database it will use.
 */
#ifndef HS_LITSCAN_H
#define HS_LITSCAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct hs_litdb hs_litdb;
typedef struct hs_litscratch hs_litscratch;

/* Whether this build has the backend and this process should use it
 * (compiled in, CPU supported, HEARSAY_PREFILTER is not "ac"). */
int hs_litscan_enabled(void);
/* "vectorscan" or "aho-corasick": what a rule set loaded now would use. */
const char *hs_litscan_backend(void);

/* A database of n literals lits[i][0..lens[i]) with ids[i]. n may be 0
 * (a database that never matches). NULL on failure, with a reason in err
 * (err_len bytes), or when the backend is not enabled (err ""). */
hs_litdb *hs_litdb_build(const char *const *lits, const size_t *lens, const uint32_t *ids,
                         size_t n, char *err, size_t err_len);
void hs_litdb_free(hs_litdb *db);
size_t hs_litdb_memory(const hs_litdb *db);

/* Make *s (NULL: a new one) big enough for db. 0, or -1 on failure. */
int hs_litscratch_grow(hs_litscratch **s, const hs_litdb *db);
void hs_litscratch_free(hs_litscratch *s);

/* Report every occurrence in text[0..len) to on_match(ud, id, end); a
 * non-zero return stops the scan and is returned. 0 when the scan ran to
 * the end, -1 on a scan error. */
int hs_litdb_scan(const hs_litdb *db, hs_litscratch *s, const unsigned char *text, size_t len,
                  int (*on_match)(void *ud, uint32_t id, size_t end), void *ud);

#endif
