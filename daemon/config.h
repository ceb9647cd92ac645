/* hearsay: daemon configuration (docs/config.md).
 *
 * hs_config_load reads and validates the whole file, collecting every error
 * with file:line:column. A loaded config is immutable; the main thread owns
 * it and other threads read it only while it is guaranteed alive (the
 * daemon keeps the config that threads were started with until they stop).
 */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>
#include <hearsay/rules.h>

#include "collectors/replay/replay.h"

typedef struct hs_collector hs_collector;
typedef struct hs_collector_conf hs_collector_conf;

typedef struct hs_source_cfg {
	char *name;
	char *type;           /* "replay" (built in) or a collector plugin */
	int line;             /* position in the config, for messages */
	hs_replay_opts replay;
	/* plugin sources: the loaded collector and its settings */
	const hs_collector *plugin;
	void *dl;
	hs_collector_conf *conf;
	int64_t interval_us;  /* host keys every polled source has */
	int64_t timeout_us;
	uint64_t max_size;
} hs_source_cfg;

typedef struct hs_route_cfg {
	char *name;
	char *type;           /* "webhook" */
	char *url;
	hs_severity min_severity;
	char *secret_file;    /* NULL if unsigned */
	unsigned char *secret;/* file contents (trailing newline removed) */
	size_t secret_len;
	int64_t timeout_us;
	int max_attempts;
} hs_route_cfg;

typedef struct hs_config {
	char *path;           /* the config file as given */
	char *base_dir;       /* its directory: relative paths resolve here */
	int log_level;
	int workers;
	size_t queue_size;

	char *store_path;
	uint64_t map_size;
	int batch_posts;
	int64_t batch_us;

	char *rules_dir;
	char *key_file;
	char *collector_path; /* ':'-separated directories with NAME.so plugins */
	char *contact;        /* operator contact for the User-Agent, or NULL */

	/* signals: sentiment lexicons, time buckets, spikes and claims */
	char *lexicons_dir;   /* directory of the sentiment models */
	bool lexicons_set;    /* ... given in the config (not the default) */
	int64_t bucket_us;    /* rollup and spike bucket width */
	bool spike_sources;   /* a spike key per source */
	bool spike_rules;     /* ... per rule */
	bool spike_terms;     /* ... per matched term of a rule */
	bool spike_claims;    /* ... per claim */
	double spike_threshold;   /* mean deviations above the baseline */
	int spike_min_count;      /* posts in a bucket, at least */
	int spike_warmup;         /* buckets before a key may spike */
	bool spike_seasonal;      /* time-of-day baselines */
	int64_t spike_late_us;    /* lateness allowance of spike buckets */
	int claim_min_size;       /* posts before a claim is reported */
	int claim_max;            /* claims kept open at most (oldest idle dropped) */
	int64_t claim_idle_us;    /* a claim without posts for this long is closed */

	char *listen_addr;
	int listen_port;
	char *dashboard_dir;

	hs_source_cfg *sources;
	size_t n_sources;
	hs_route_cfg *routes;
	size_t n_routes;
} hs_config;

/* hs_config_load_flags: for hearsayctl, which reads the history and needs
 * neither secrets nor collectors: skip reading secret files, and do not
 * load or check collector plugins (their sources' own keys go unchecked). */
enum { HS_CONFIG_NO_SECRETS = 1, HS_CONFIG_NO_PLUGINS = 2 };

/* Returns NULL (and errors in errs) if the file is missing or invalid. */
hs_config *hs_config_load(const char *path, hs_errs *errs);
hs_config *hs_config_load_flags(const char *path, int flags, hs_errs *errs);
/* Names of settings that differ between a and b and only take effect after
 * a restart (everything but rules and log_level), comma-separated in buf;
 * returns the number of differences. */
int hs_config_restart_diff(const hs_config *a, const hs_config *b, char *buf,
                           size_t len);
void hs_config_free(hs_config *c);
/* Newly allocated absolute-or-as-given path: rel resolved against base. */
char *hs_path_resolve(const char *base_dir, const char *rel);
/* mkdir -p with the given mode for directories it creates. 0 or -1/errno. */
int hs_mkdir_p(const char *path, unsigned mode);
/* Read a secret file: refused if other users (not owner or group) can
 * access it.
 * Trailing newlines are removed. */
int hs_secret_read(const char *path, unsigned char **out, size_t *len,
                   hs_errs *errs);
/* Route lookup by name; NULL if none. */
const hs_route_cfg *hs_config_route(const hs_config *c, const char *name);

#endif
