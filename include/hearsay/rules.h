/* hearsay: the rule engine.
 *
 * A rule set is loaded from YAML rule packs, compiled once, and is immutable
 * afterwards: any number of threads may match against it at the same time,
 * each with its own hs_rule_scratch. Rule sets are reference-counted so that
 * a reload can swap in a new set while workers finish with the old one.
 *
 * Rule file format (docs/rules.md has the full reference):
 *
 *   rules:
 *     - id: rumour-planning          # [a-z0-9._-]+, unique across the set
 *       title: "They are planning something"
 *       description: "..."           # optional
 *       category: rumour             # polarising|rumour|threat|sentiment|custom
 *       severity: high               # info|low|medium|high|critical
 *       lang: en                     # optional: only posts in this language
 *       match:
 *         any:                       # at least one must match
 *           - regex: '\bthey(?:''re| are) planning\b'
 *           - terms: [march, rally]  # whole words after normalisation:
 *                                    # case, accents, obfuscations folded
 *         all: [...]                 # every one must match (optional)
 *         none: [...]                # none may match (optional)
 *       tests:
 *         match: ["text that must hit"]
 *         no_match: ["text that must not hit"]
 */
#ifndef HEARSAY_RULES_H
#define HEARSAY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>
#include <hearsay/post.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	HS_SEV_INFO = 0,
	HS_SEV_LOW,
	HS_SEV_MEDIUM,
	HS_SEV_HIGH,
	HS_SEV_CRITICAL,
} hs_severity;

typedef enum {
	HS_CAT_POLARISING = 0,
	HS_CAT_RUMOUR,
	HS_CAT_THREAT,
	HS_CAT_SENTIMENT,
	HS_CAT_CUSTOM,
} hs_category;

const char *hs_severity_name(hs_severity s);
/* Returns 0 and sets *out, or -1 if name is not a severity. */
int hs_severity_parse(const char *name, hs_severity *out);
const char *hs_category_name(hs_category c);
int hs_category_parse(const char *name, hs_category *out);

/* Longest rule id (the id syntax is [a-z0-9][a-z0-9._-]{0,63}). */
#define HS_RULE_ID_MAX 64

/* What a user sees of one rule. Strings live as long as the rule set. */
typedef struct hs_rule_info {
	const char *id;
	const char *title;
	const char *description; /* "" if none */
	hs_category category;
	hs_severity severity;
	const char *lang;        /* NULL if any language */
	const char *file;        /* rule pack it came from */
	int line;                /* line of the rule's first key */
	/* the rule's `spike` settings (docs/rules.md): spike_off 1 = no spike
	 * key for this rule; 0 in the others = the signals.spikes value */
	int spike_off;
	unsigned spike_min_count;
	double spike_threshold;
} hs_rule_info;

/* Which field of the post a hit's span refers to. */
typedef enum { HS_FIELD_TEXT = 0, HS_FIELD_TITLE = 1 } hs_field;

typedef struct hs_ruleset hs_ruleset;
typedef struct hs_rule_scratch hs_rule_scratch;

/* Load every *.yaml / *.yml file in dir (sorted by name) and compile them.
 * On any error returns NULL and appends every error found to errs (all
 * files are still checked). An empty directory is a valid, empty set. */
hs_ruleset *hs_ruleset_load_dir(const char *dir, hs_errs *errs);
/* Same, for an explicit list of files. */
hs_ruleset *hs_ruleset_load_files(const char *const *paths, size_t n,
                                  hs_errs *errs);

/* Reference counting; safe from any thread. load_* returns a set with one
 * reference owned by the caller. */
hs_ruleset *hs_ruleset_ref(hs_ruleset *rs);
void hs_ruleset_unref(hs_ruleset *rs);

size_t hs_ruleset_count(const hs_ruleset *rs);
const hs_rule_info *hs_ruleset_rule(const hs_ruleset *rs, size_t i);
/* Notes from loading that are not errors, e.g. a regex that runs on every
 * post because no literal could be found that its matches all contain, or
 * one prone to catastrophic backtracking: "file:line:col: rule ID: ...".
 * Returns how many; *out points into the set. */
size_t hs_ruleset_warnings(const hs_ruleset *rs, const char *const **out);
/* The literal matcher the set's prefilter uses: "aho-corasick" (hearsay's
 * own) or "vectorscan" (built --with-vectorscan; HEARSAY_PREFILTER=ac at
 * load time chooses the own one). */
const char *hs_ruleset_prefilter_backend(const hs_ruleset *rs);
/* Bytes held by the set's prefilter automata. */
size_t hs_ruleset_prefilter_memory(const hs_ruleset *rs);
/* Returns the index of the rule with that id, or -1. */
long hs_ruleset_find(const hs_ruleset *rs, const char *id);

/* Per-thread scratch (PCRE2 match data etc.) for one rule set. A scratch
 * must only be used with the set it was made for, by one thread at a time. */
hs_rule_scratch *hs_rule_scratch_new(const hs_ruleset *rs);
void hs_rule_scratch_free(hs_rule_scratch *s);

/* Called once per matching rule: field and byte span [start, end) of the
 * first match that made the rule fire. Return non-zero to stop matching. */
typedef int (*hs_hit_fn)(void *ud, const hs_rule_info *rule, hs_field field,
                         size_t start, size_t end);

/* Match one post (title and text; lang scope applied). text must be valid
 * UTF-8. Returns the number of rules that hit, or -1 on an internal error
 * (match limit exceeded is not an error: the rule just does not hit and
 * the event is counted in hs_rule_scratch_limit_events()). Thread-safe
 * with respect to the set; scratch is per thread. */
int hs_ruleset_match(const hs_ruleset *rs, hs_rule_scratch *s,
                     const hs_post *post, hs_hit_fn fn, void *ud);
uint64_t hs_rule_scratch_limit_events(const hs_rule_scratch *s);

/* Match a bare text (no title, language unknown) - used by rule tests and
 * `hearsayctl rules test`. Same return convention. */
int hs_ruleset_match_text(const hs_ruleset *rs, hs_rule_scratch *s,
                          const char *text, size_t len, hs_hit_fn fn,
                          void *ud);

/* The current post's sentiment, for rules with a `sentiment` condition:
 * its compound score (-1 to 1) from the signal stage. It applies to the
 * following matches on this scratch until set again or cleared; while it
 * is unknown (cleared, the initial state), a rule with a sentiment
 * condition does not hit. */
void hs_rule_scratch_set_sentiment(hs_rule_scratch *s, double compound);
void hs_rule_scratch_clear_sentiment(hs_rule_scratch *s);
/* The words of the text of the last post (or bare text) matched with
 * this scratch: " w1 w2 ... wn ", folded, without accents, URLs or
 * mentions (the "terms" view of docs/rules.md). Valid until the next
 * match on the scratch; "" before any. *len gets its length. */
const char *hs_rule_scratch_words(const hs_rule_scratch *s, size_t *len);
/* Whether any rule of the set has a sentiment condition. */
bool hs_ruleset_uses_sentiment(const hs_ruleset *rs);

/* Scores a text for rule tests: its compound sentiment (-1 to 1) in *out.
 * lang is the rule's language or NULL. Returns 0, or -1 when the text
 * cannot be scored. */
typedef int (*hs_sentiment_fn)(void *ud, const char *text, size_t len, const char *lang,
                               double *out);

/* Run every rule's tests: each `match` example must make that rule hit and
 * each `no_match` example must not. Failures are appended to errs as
 * "file:line:col: rule ID: expected match: \"...\"". Returns the number of
 * failed examples (0 = all passed), or -1 on an internal error. */
int hs_ruleset_run_tests(const hs_ruleset *rs, hs_errs *errs, size_t *n_run);
/* The same, each example scored by fn first (hs_ruleset_run_tests has no
 * scorer: a match example of a rule with a sentiment condition fails,
 * saying so). */
int hs_ruleset_run_tests_with(const hs_ruleset *rs, hs_sentiment_fn fn, void *fn_ud,
                              hs_errs *errs, size_t *n_run);

#ifdef __cplusplus
}
#endif
#endif
