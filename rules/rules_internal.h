/* hearsay: rule engine internals shared by ruleset.c, rule_compile.c and
 * rule_match.c. Nothing here is part of the public API.
 *
 * Ownership, in one place:
 *   hs_ruleset   owns its rules array, the file-name strings (`files`) and
 *                the sorted id index. It is built by ruleset.c, never
 *                changed after hs_ruleset_load_* returns, and freed when the
 *                last reference is dropped (atomic reference count).
 *   hs_rule      owns every string its `info` points to (except info.file,
 *                which points into hs_ruleset.files), its three pattern
 *                lists and its test examples.
 *   hs_pattern   owns its compiled pcre2_code(s).
 *   hs_rule_scratch  owns its PCRE2 match data, match context, JIT stack
 *                and candidate array; it only borrows its rule set (the
 *                caller keeps the set alive while the scratch is used).
 *
 * Thread-safety: a loaded set is read-only, so any number of threads may
 * match against it at once. Everything a match writes (match data, limit
 * counters, candidate list) lives in the scratch, one per thread. A compiled
 * pcre2_code (JIT code included) may be shared by threads for matching.
 */
#ifndef HS_RULES_INTERNAL_H
#define HS_RULES_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <hearsay/rules.h>

#include "ytree.h"

/* Per-rule resource limits (defaults; a rule pack key may override them
 * later). The match limit bounds backtracking steps per start position of
 * one pcre2_match call (JIT and interpreter); the depth limit bounds the
 * interpreter's backtracking depth (JIT ignores it and is bounded by its
 * stack instead). */
#define HS_RULE_MATCH_LIMIT 100000u
#define HS_RULE_DEPTH_LIMIT 5000u
/* Interpreter heap for one pcre2_match call, in KiB. */
#define HS_RULE_HEAP_LIMIT_KIB (16u * 1024u)
/* JIT stack per scratch (bytes). */
#define HS_RULE_JIT_STACK_START (32u * 1024u)
#define HS_RULE_JIT_STACK_MAX (1024u * 1024u)

typedef enum { HS_PAT_REGEX = 0, HS_PAT_TERMS } hs_pat_kind;

typedef struct hs_prefilter hs_prefilter;
typedef struct hs_norm hs_norm;

/* One pattern of a rule: a `regex:` or a whole `terms:` list. A regex
 * compiles (case-folded, rule_compile.c) to one pcre2_code run on a post's
 * folded view. A terms list has no code: its terms, normalised into the
 * terms view, are literals of the prefilter's automaton, and finding one is
 * the match. */
typedef struct hs_pattern {
	hs_pat_kind kind;
	pcre2_code **codes;  /* owned array of owned codes, compiled with
	                      * UTF|UCP|CASELESS (and JIT when available) */
	size_t n_codes;      /* 1 for a compiled regex, 0 for terms */
	size_t n_jit;        /* how many of them have JIT code */
	uint32_t captures;   /* most capture groups in any code */
	int line, col;       /* position of the regex / terms node */
	char *src;           /* owned: the regex as written (regex only) */
	char **raw;          /* owned: the terms as written (terms only) */
	size_t n_raw;
	/* Set by the prefilter build (prefilter.c): */
	uint32_t id;         /* number of the pattern in its set */
	char **lits;         /* owned: terms in the terms view (" w1 w2 "), or the
	                      * folded literals one of which every match of the
	                      * regex contains; none for a regex run on every post */
	size_t n_lits;
} hs_pattern;

typedef struct hs_patlist {
	hs_pattern *v;       /* owned array */
	size_t n;
} hs_patlist;

/* One `tests.match` / `tests.no_match` example. */
typedef struct hs_example {
	char *text;          /* owned, NUL-terminated */
	size_t len;          /* bytes, without the NUL */
	int line, col;       /* position of the example's scalar */
} hs_example;

typedef struct hs_exlist {
	hs_example *v;       /* owned array */
	size_t n;
} hs_exlist;

typedef struct hs_rule {
	hs_rule_info info;   /* strings owned by the rule (info.file excepted) */
	int col;             /* column of the rule's first key */
	hs_patlist any, all, none;
	hs_exlist ex_match, ex_no_match;
	/* scope (a post must fit all of those given; tests examples only see
	 * places, which live in `all` as a terms pattern) */
	char **sources;      /* owned; NULL = any source */
	size_t n_sources;
	char **langs;        /* owned: scope.languages; NULL = see info.lang */
	size_t n_langs;
	bool has_window;
	int64_t win_start, win_end; /* [start, end) UTC microseconds */
	/* sentiment: the post's compound score must lie in [sent_min, sent_max] */
	bool has_sent;
	double sent_min, sent_max;
	uint32_t match_limit;
	uint32_t depth_limit;
} hs_rule;

struct hs_ruleset {
	atomic_size_t refs;
	hs_rule *rules;      /* owned, in rule order: files sorted by name, then
	                      * document order */
	size_t n;
	char **files;        /* owned copies of the file names rules point at */
	size_t n_files;
	size_t *by_id;       /* owned: rule indices sorted by id (find) */
	uint32_t max_captures; /* largest capture count of any pattern */
	hs_prefilter *pf;    /* owned: the literal prefilter (prefilter.c) */
	char **warnings;     /* owned: "file:line:col: rule ID: ..." notes */
	size_t n_warnings;
};

struct hs_rule_scratch {
	const hs_ruleset *rs;      /* borrowed */
	hs_norm *nz[2];            /* owned: the title's and the text's views */
	uint32_t gen;              /* stamp of the current post */
	uint32_t *pstamp;          /* owned: [field][pattern] == gen: a literal of the
	                            * pattern occurs in that field */
	size_t *tspan;             /* owned: [field][pattern] first term span, 2 each */
	uint32_t *rstamp;          /* owned: [rule] == gen: already a candidate */
	pcre2_match_data *md;      /* owned; sized for max_captures */
	pcre2_match_context *mctx; /* owned; limits + JIT stack */
	pcre2_jit_stack *jstack;   /* owned; NULL without JIT */
	size_t *cand;              /* owned: candidate rule indices, rs->n */
	bool sent_ok;              /* the current post's sentiment is known */
	double sent;               /* ... and its compound score */
	uint64_t limit_events;
	struct hs_litscratch *vs;  /* owned; Vectorscan scratch when pf->use_vs */
};

/* rule_compile.c ---------------------------------------------------------- */

/* Compile a `regex:` node's text into *p. On failure appends
 * "file:line:col: rule ID: regex does not compile at offset N: reason" at
 * node and returns -1; *p is then left empty (nothing to free). */
int hs_pattern_compile_regex(hs_pattern *p, const hs_ynode *node,
                             const char *rule_name, hs_errs *errs);
/* Keep a `terms:` list node (already checked to be a non-empty list of
 * non-empty strings) in *p for the prefilter, which normalises the terms.
 * Only fails on out of memory ("file:line:col: rule ID: out of memory"),
 * with *p empty. */
int hs_pattern_compile_terms(hs_pattern *p, const hs_ynode *list,
                             const char *rule_name, hs_errs *errs);
/* Free what a pattern owns (safe on a zeroed or failed pattern). */
void hs_pattern_clear(hs_pattern *p);
/* True if this PCRE2 build has a working JIT. */
bool hs_pcre2_have_jit(void);

/* prefilter.c -------------------------------------------------------------- */

/* A positive pattern (any/all) of rule `rule`, or a `none` one. */
typedef struct hs_patref {
	const hs_pattern *p;
	uint32_t rule;
	bool positive;
} hs_patref;

enum { HS_PF_TERMS = 0, HS_PF_REGEX, HS_PF_SIMPLE, HS_PF_REST };

struct hs_prefilter {
	struct hs_ac *terms;      /* owned: " term " literals of terms patterns */
	struct hs_ac *regex;      /* owned: folded required literals of regexes */
	/* For a field whose views took the simple path (hs_norm_simple: ASCII,
	 * and the terms view holds the folded view's words unchanged), one
	 * scan of the terms view finds the terms literals and every regex
	 * literal made of letters and digits with single spaces between them
	 * (each occurrence of such a literal in the folded view is one in the
	 * terms view too; the converse need not hold, and PCRE2 confirms).
	 * Only the other ASCII regex literals still need the folded view;
	 * literals with non-ASCII bytes cannot occur in an ASCII view. */
	struct hs_ac *simple;     /* owned: terms + word-like regex literals */
	struct hs_ac *rest;       /* owned: the other ASCII regex literals */
	/* The same four literal sets as Vectorscan databases (rules/litscan.h),
	 * used instead of the automata when use_vs: HS_PF_TERMS .. HS_PF_REST */
	struct hs_litdb *vs[4];   /* owned */
	bool use_vs;
	uint32_t *lit_pat;        /* owned: literal id -> pattern id (both automata) */
	uint32_t *lit_len;        /* owned: literal id -> its length in bytes */
	uint8_t *lit_terms;       /* owned: literal id -> 1 for a terms literal */
	hs_patref *pats;          /* owned: pattern id -> where it is */
	uint32_t n_pats;
	uint32_t *always;         /* owned: rules that are candidates for every post */
	size_t n_always;
	size_t memory;            /* bytes of the automata */
};

/* Number the set's patterns, normalise terms, derive regex literals, build
 * both automata and the always list; adds warnings to rs. Errors (a term
 * with nothing to match) go to errs. 0 or -1. */
int hs_prefilter_build(hs_ruleset *rs, hs_errs *errs);
void hs_prefilter_free(hs_prefilter *pf);

/* ruleset.c --------------------------------------------------------------- */

/* Free everything a rule owns (safe on a partly built, zeroed rule). */
void hs_rule_clear(hs_rule *r);

#endif
