/* hearsay: Aho-Corasick multi-literal matcher, the rule engine's literal
 * prefilter. One pass over a post's (already normalised) text reports every
 * occurrence of every literal; only the rules owning those literals then run
 * PCRE2. Not part of the public API.
 *
 * Use:
 *   hs_ac_builder *b = hs_ac_builder_new();
 *   hs_ac_add(b, lit, len, id);      ... once per (literal, id) pair
 *   hs_ac *ac = hs_ac_build(b);      b is consumed, success or not
 *   hs_ac_scan(ac, text, len, on_match, ud);   from any number of threads
 *   hs_ac_free(ac);
 *
 * Matching is byte-exact: no case folding, no Unicode awareness (the caller
 * folds and normalises literals and text alike). Literals may contain any
 * byte, NUL included.
 *
 * Reporting order: hs_ac_scan calls on_match once for every occurrence of
 * every (literal, id) pair, overlapping occurrences included, ordered by end
 * offset; among matches with the same end, longer literals come first, and
 * one literal added with several ids reports them in the order they were
 * added. The order is therefore fully determined by the input.
 *
 * Ownership: the builder owns copies of every literal added (the caller's
 * buffer is not kept). hs_ac_build frees the builder and returns an
 * automaton that owns all its memory; it does not point at the builder or
 * at any caller buffer. hs_ac_scan borrows text and ud for the duration of
 * the call.
 *
 * Thread-safety: a builder is single-threaded. A built hs_ac is never
 * written again: any number of threads may call hs_ac_scan, hs_ac_count and
 * hs_ac_memory on it at once. hs_ac_scan allocates nothing; its whole state
 * is on the stack.
 *
 * Representation (details in ac.c): a DFA over byte equivalence classes.
 * States near the root (a prefix of the breadth-first order, as many as
 * the dense-table budget holds) have a full transition row of uint32, one
 * load per text byte; deeper states keep a compact record of their trie
 * edges and a failure link, which always leads back to a dense row (for a
 * small set everything is dense: a plain DFA). Output lists follow
 * dictionary-suffix links, so memory stays linear in the literal bytes:
 *
 *   hs_ac_memory <= max(dense budget, one row of (classes + 1) x 4 bytes)
 *                 + 20 bytes per trie state beyond the dense prefix
 *                 + 12 bytes per distinct literal + 4 bytes per (literal, id)
 *                 + about 400 bytes,
 *
 * with classes <= 256 and trie states <= 1 + total bytes of all distinct
 * literals. With the default budget (512 KiB), 100,000 literals of 3-20
 * bytes (about 1.1 MB of text) take about 8 MB; a full DFA would take 34.
 */
#ifndef HS_AC_H
#define HS_AC_H

#include <stddef.h>
#include <stdint.h>

typedef struct hs_ac_builder hs_ac_builder;
typedef struct hs_ac hs_ac;

/* Default cap on the dense transition table, in bytes. Beyond the cap,
 * deeper states are sparse (see above). Dense rows are about 100 bytes for
 * lowercase text, and deep states are visited rarely and at random, so a
 * large dense table mostly buys cache misses: on tests/bench/bench_ac.c a
 * 512 KiB budget scans as fast as a full DFA for 1,000 and 10,000 literals
 * (within run-to-run noise) and twice as fast for 100,000, in a quarter of
 * the memory or less. Sets of up to about 1,000 short literals are all
 * dense anyway. */
#define HS_AC_DENSE_BUDGET_DEFAULT ((size_t)512 * 1024)

/* Limits of one automaton: total bytes of all literals added, and number of
 * (literal, id) pairs. hs_ac_add refuses what would exceed them. */
#define HS_AC_MAX_TOTAL_BYTES ((size_t)1 << 27)
#define HS_AC_MAX_LITERALS ((size_t)1 << 26)

/* A new, empty builder (NULL on OOM). Free it with hs_ac_build or
 * hs_ac_builder_free. */
hs_ac_builder *hs_ac_builder_new(void);
/* Discard a builder without building (NULL is fine). */
void hs_ac_builder_free(hs_ac_builder *b);

/* Add one literal of len bytes with the caller's id. The bytes are copied.
 * The same literal may be added several times with different (or equal)
 * ids; every pair is reported. Returns 0, or -1 (builder unchanged) if b
 * or lit is NULL, len is 0, a limit above would be exceeded, or on OOM. */
int hs_ac_add(hs_ac_builder *b, const unsigned char *lit, size_t len, uint32_t id);

/* Cap the dense transition table at max_bytes (default
 * HS_AC_DENSE_BUDGET_DEFAULT). The root is always dense, so 0 gives the
 * smallest automaton (every other state sparse); SIZE_MAX gives a full DFA
 * whatever the size. Only memory and speed change, never the results. */
void hs_ac_builder_set_dense_budget(hs_ac_builder *b, size_t max_bytes);

/* Build the automaton. Consumes b (freed whether or not the build
 * succeeds). Returns NULL if b is NULL or on OOM. A builder with no
 * literals gives an automaton that never matches. */
hs_ac *hs_ac_build(hs_ac_builder *b);

void hs_ac_free(hs_ac *ac);

/* Bytes of heap the automaton holds (its struct and every table). */
size_t hs_ac_memory(const hs_ac *ac);
/* Number of (literal, id) pairs added (duplicates counted). 0 for NULL. */
size_t hs_ac_count(const hs_ac *ac);

/* Shape of a built automaton, for benchmarks and tests. */
typedef struct hs_ac_stats {
	size_t literals;      /* (literal, id) pairs, as hs_ac_count */
	size_t states;        /* trie states, root included */
	size_t dense_states;  /* states with a full transition row */
	size_t classes;       /* byte equivalence classes */
	size_t memory;        /* as hs_ac_memory */
} hs_ac_stats;
void hs_ac_get_stats(const hs_ac *ac, hs_ac_stats *out);

/* Report every occurrence of every literal in text[0, len) in the order
 * described above: on_match(ud, id, end) with end the offset just past the
 * match (it starts at end - length of that literal). A non-zero return from
 * on_match stops the scan at once and hs_ac_scan returns that value;
 * otherwise it returns 0. text may be NULL when len is 0. ac and on_match
 * must not be NULL (the scan then reports nothing and returns 0). */
int hs_ac_scan(const hs_ac *ac, const unsigned char *text, size_t len,
               int (*on_match)(void *ud, uint32_t id, size_t end), void *ud);

#endif
