/* hearsayctl: shared definitions of the command-line client. Single
 * threaded; every command returns a process exit status. */
#ifndef HS_CTL_H
#define HS_CTL_H

#include <stdio.h>

#include <jansson.h>

#include "config.h"

enum { CTL_TABLE = 0, CTL_JSON, CTL_CSV };

typedef struct hs_ctl {
	const char *config_path;  /* -c, or $HEARSAY_CONFIG, or the default */
	const char *store_path;   /* -d overrides the config's store.path */
	const char *url;          /* -u overrides http://listen.address:port */
	int format;               /* CTL_TABLE / CTL_JSON / CTL_CSV */
	hs_config *cfg;           /* loaded on demand */
	char *url_buf;
} hs_ctl;

int ctl_query(hs_ctl *c, int argc, char **argv);
int ctl_watch(hs_ctl *c, int argc, char **argv);
int ctl_rules(hs_ctl *c, int argc, char **argv);
int ctl_stats(hs_ctl *c, int argc, char **argv);
int ctl_alerts(hs_ctl *c, int argc, char **argv);
int ctl_parse(hs_ctl *c, int argc, char **argv);
int ctl_fetch(hs_ctl *c, int argc, char **argv);
typedef struct hs_ruleset hs_ruleset;
/* rules test --text and rules match (ctl_rules_match.c). */
int ctl_rules_text(hs_ctl *c, const hs_ruleset *rs, const char *text);
int ctl_rules_match(hs_ctl *c, const hs_ruleset *rs, const char *input);

/* Store path / base URL, from the flags or the config. NULL with a
 * message on stderr if neither says. */
const char *ctl_store_path(hs_ctl *c);
const char *ctl_base_url(hs_ctl *c);
typedef struct hs_store hs_store;
/* Open the store read-only. On failure prints why on stderr and returns
 * NULL with *status set to the exit status to use. */
hs_store *ctl_open_store(hs_ctl *c, int *status);
/* Print s to f, at most width display columns (UTF-8 aware), newlines and
 * tabs folded to spaces, "…" when cut. */
void ctl_print_cell(FILE *f, const char *s, int width);
/* One RFC 4180 CSV field. */
void ctl_csv_field(FILE *f, const char *s, int last);
/* A post sink (it takes ownership) that prints each post as one NDJSON
 * line, for hearsayctl parse and fetch; ctl_posts_printed counts them. */
typedef struct hs_post hs_post;
int ctl_print_post_ndjson(void *ud, hs_post *post);
extern size_t ctl_posts_printed;
/* GET BASE/api/v1/stats (ctl_stats.c); NULL, with a message, if hearsayd
 * does not answer. */
json_t *ctl_fetch_stats(const char *base);
int ctl_reload(hs_ctl *c, int argc, char **argv);
/* hearsayctl spikes, claims, mood (ctl_signals.c). */
int ctl_spikes(hs_ctl *c, int argc, char **argv);
int ctl_claims(hs_ctl *c, int argc, char **argv);
int ctl_mood(hs_ctl *c, int argc, char **argv);
/* hearsayctl sentiment (ctl_sentiment.c). */
int ctl_sentiment(hs_ctl *c, int argc, char **argv);
/* The sentiment lexicon directory: opt, else $HEARSAY_LEXICONS, else the
 * config's signals.lexicons (if a config loads), else the installed one. */
const char *ctl_lexicon_dir(hs_ctl *c, const char *opt);
typedef struct hs_sentiment_models hs_sentiment_models;
/* Load the models from ctl_lexicon_dir(c, opt); NULL with every error on
 * stderr. */
hs_sentiment_models *ctl_load_lexicons(hs_ctl *c, const char *opt);
/* Sentiment for the rule commands: loaded only when the set has rules with
 * a sentiment condition (then a failed load is -1, said on stderr). */
typedef struct hs_sentiment_scratch hs_sentiment_scratch;
typedef struct hs_rule_scratch hs_rule_scratch;
typedef struct ctl_scorer {
	hs_sentiment_models *m;   /* owned; NULL: the rules need no sentiment */
	hs_sentiment_scratch *s;  /* owned */
} ctl_scorer;
int ctl_scorer_open(hs_ctl *c, const hs_ruleset *rs, ctl_scorer *sc);
void ctl_scorer_close(ctl_scorer *sc);
/* An hs_sentiment_fn over a ctl_scorer (ud). */
int ctl_score_fn(void *ud, const char *text, size_t len, const char *lang, double *out);
/* Set (or clear) the rule scratch's sentiment for this text. */
void ctl_scorer_apply(ctl_scorer *sc, hs_rule_scratch *rs, const char *text, size_t len,
                      const char *lang);
/* Strings from JSON: "" for missing. */
const char *ctl_jstr(const json_t *o, const char *key);
/* Common per-command option parsing of --json / --csv; returns 1 if the
 * argument was one of them. */
int ctl_format_arg(hs_ctl *c, const char *arg);

#define CTL_EX_USAGE 64
#define CTL_EX_UNAVAILABLE 69

#endif
