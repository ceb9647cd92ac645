/* hearsay: configuration loading and validation (see config.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "plugin.h"
#include "ytree.h"

#define HS_DEFAULT_STORE HS_LOCALSTATEDIR "/lib/hearsay/db"
#define HS_DEFAULT_KEY HS_LOCALSTATEDIR "/lib/hearsay/pseudonym.key"
#define HS_DEFAULT_RULES HS_SYSCONFDIR "/hearsay/rules.d"
#define HS_DEFAULT_DASHBOARD HS_PKGDATADIR "/dashboard"
#define HS_DEFAULT_LEXICONS HS_PKGDATADIR "/lexicons"
#define HS_DEFAULT_COLLECTORS HS_PKGLIBDIR "/collectors"

char *hs_path_resolve(const char *base_dir, const char *rel)
{
	char *out = NULL;
	if (rel[0] == '/' || !base_dir || !base_dir[0])
		return strdup(rel);
	if (asprintf(&out, "%s/%s", base_dir, rel) < 0)
		return NULL;
	return out;
}

int hs_mkdir_p(const char *path, unsigned mode)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST ? -1 : 0;
}

int hs_secret_read(const char *path, unsigned char **out, size_t *len,
                   hs_errs *errs)
{
	struct stat st;
	unsigned char *buf = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot open secret file: %s", strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		hs_errs_add(errs, path, 0, 0, "secret file is not a regular file");
		goto fail;
	}
	if (st.st_mode & S_IRWXO) {
		hs_errs_add(errs, path, 0, 0,
		            "secret file is accessible by other users (mode %03o); run chmod 600 (or 640)",
		            (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	if (st.st_size > 65536) {
		hs_errs_add(errs, path, 0, 0, "secret file is larger than 64 KiB");
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		hs_errs_add(errs, path, 0, 0, "out of memory");
		goto fail;
	}
	n = read(fd, buf, (size_t)st.st_size);
	if (n < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot read secret file: %s", strerror(errno));
		goto fail;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n == 0) {
		hs_errs_add(errs, path, 0, 0, "secret file is empty");
		goto fail;
	}
	buf[n] = 0;
	close(fd);
	*out = buf;
	*len = (size_t)n;
	return 0;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return -1;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Set *dst to a copy of the string at key (or of def when absent). If
 * as_path, resolve it against the config directory. */
static int get_str(const hs_ynode *map, const char *key, const char *def,
                   const char *base, int as_path, char **dst, hs_errs *errs)
{
	const hs_ynode *n = hs_ymap_get(map, key);
	const char *s = def;

	if (n && hs_y_is_null(n)) {
		hs_y_error(n, errs, "%s must not be empty", key);
		return -1;
	}
	if (n && hs_y_string(n, key, errs, &s) < 0)
		return -1;
	if (!s) {
		*dst = NULL;
		return 0;
	}
	if (n && s[0] == '\0') {
		hs_y_error(n, errs, "%s must not be empty", key);
		return -1;
	}
	*dst = as_path && n ? hs_path_resolve(base, s) : strdup(s);
	return *dst ? 0 : -1;
}

static int get_int(const hs_ynode *map, const char *key, int64_t def,
                   int64_t min, int64_t max, int64_t *dst, hs_errs *errs)
{
	const hs_ynode *n = hs_ymap_get(map, key);
	*dst = def;
	return n ? hs_y_int(n, key, min, max, errs, dst) : 0;
}

static int parse_store(hs_config *c, const hs_ynode *root, hs_errs *errs)
{
	static const char *const keys[] = { "path", "map_size", "batch_posts", "batch_time", NULL };
	const hs_ynode *st = hs_ymap_get(root, "store");
	if (hs_y_is_null(st))
		st = NULL; /* "store:" with everything commented out */
	int64_t v;
	int rc = 0;

	c->map_size = 256ull << 20;
	c->batch_posts = 256;
	c->batch_us = 50000;
	if (st && hs_y_expect(st, HS_Y_MAP, "store", errs) < 0)
		return -1;
	if (st && hs_y_check_keys(st, keys, "store", errs))
		rc = -1;
	if (get_str(st, "path", HS_DEFAULT_STORE, c->base_dir, 1, &c->store_path, errs))
		rc = -1;
	const hs_ynode *n = hs_ymap_get(st, "map_size");
	if (n) {
		if (hs_y_size(n, "store.map_size", errs, &c->map_size) < 0)
			rc = -1;
		else if (c->map_size < (1u << 20)) {
			hs_y_error(n, errs, "store.map_size must be at least 1MiB");
			rc = -1;
		}
	}
	if (get_int(st, "batch_posts", 256, 1, 100000, &v, errs))
		rc = -1;
	c->batch_posts = (int)v;
	n = hs_ymap_get(st, "batch_time");
	if (n && hs_y_duration(n, "store.batch_time", errs, &c->batch_us) < 0)
		rc = -1;
	else if (n && (c->batch_us < 1000 || c->batch_us > 10000000)) {
		hs_y_error(n, errs, "store.batch_time must be between 1ms and 10s");
		rc = -1;
	}
	return rc;
}

static int parse_listen(hs_config *c, const hs_ynode *root, hs_errs *errs)
{
	static const char *const keys[] = { "address", "port", "dashboard_dir", NULL };
	const hs_ynode *l = hs_ymap_get(root, "listen");
	if (hs_y_is_null(l))
		l = NULL;
	int64_t v;
	int rc = 0;

	if (l && hs_y_expect(l, HS_Y_MAP, "listen", errs) < 0)
		return -1;
	if (l && hs_y_check_keys(l, keys, "listen", errs))
		rc = -1;
	if (get_str(l, "address", "127.0.0.1", NULL, 0, &c->listen_addr, errs))
		rc = -1;
	if (get_int(l, "port", 8080, 0, 65535, &v, errs))
		rc = -1;
	c->listen_port = (int)v;
	if (get_str(l, "dashboard_dir", HS_DEFAULT_DASHBOARD, c->base_dir, 1,
	            &c->dashboard_dir, errs))
		rc = -1;
	return rc;
}

static int parse_privacy(hs_config *c, const hs_ynode *root, hs_errs *errs)
{
	static const char *const keys[] = { "key_file", NULL };
	const hs_ynode *p = hs_ymap_get(root, "privacy");
	if (hs_y_is_null(p))
		p = NULL;
	int rc = 0;

	if (p && hs_y_expect(p, HS_Y_MAP, "privacy", errs) < 0)
		return -1;
	if (p && hs_y_check_keys(p, keys, "privacy", errs))
		rc = -1;
	if (get_str(p, "key_file", HS_DEFAULT_KEY, c->base_dir, 1, &c->key_file, errs))
		rc = -1;
	return rc;
}

static int get_bool(const hs_ynode *map, const char *key, bool def, bool *dst, hs_errs *errs)
{
	const hs_ynode *n = hs_ymap_get(map, key);
	*dst = def;
	return n ? hs_y_bool(n, key, errs, dst) : 0;
}

/* signals: {lexicons, bucket, spikes: {...}, claims: {...}} (docs/config.md) */
static int parse_signals(hs_config *c, const hs_ynode *root, hs_errs *errs)
{
	static const char *const keys[] = { "lexicons", "bucket", "spikes", "claims", NULL };
	static const char *const skeys[] = { "sources", "rules", "terms", "claims", "threshold",
	                                     "min_count", "warmup", "seasonal", "late", NULL };
	static const char *const ckeys[] = { "min_size", "idle", "max", NULL };
	const hs_ynode *sg = hs_ymap_get(root, "signals"), *sp, *cl, *n;
	int64_t v;
	int rc = 0;

	if (hs_y_is_null(sg))
		sg = NULL;
	c->bucket_us = 600 * 1000000LL;
	c->claim_idle_us = 48 * 3600 * 1000000LL;
	if (sg && hs_y_expect(sg, HS_Y_MAP, "signals", errs) < 0)
		return -1;
	if (sg && hs_y_check_keys(sg, keys, "signals", errs))
		rc = -1;
	c->lexicons_set = hs_ymap_get(sg, "lexicons") != NULL;
	if (get_str(sg, "lexicons", HS_DEFAULT_LEXICONS, c->base_dir, 1, &c->lexicons_dir, errs))
		rc = -1;
	if ((n = hs_ymap_get(sg, "bucket"))) {
		if (hs_y_duration(n, "signals.bucket", errs, &c->bucket_us) < 0)
			rc = -1;
		else if (c->bucket_us < 1000000 || c->bucket_us > 86400 * 1000000LL ||
		         (86400 * 1000000LL) % c->bucket_us != 0) {
			hs_y_error(n, errs, "signals.bucket must be between 1s and 1d and divide a day");
			rc = -1;
		}
	}
	sp = hs_ymap_get(sg, "spikes");
	if (hs_y_is_null(sp))
		sp = NULL;
	if (sp && (hs_y_expect(sp, HS_Y_MAP, "signals.spikes", errs) < 0 ||
	           hs_y_check_keys(sp, skeys, "signals.spikes", errs)))
		rc = -1;
	if (get_bool(sp, "sources", true, &c->spike_sources, errs) ||
	    get_bool(sp, "rules", true, &c->spike_rules, errs) ||
	    get_bool(sp, "terms", true, &c->spike_terms, errs) ||
	    get_bool(sp, "claims", true, &c->spike_claims, errs) ||
	    get_bool(sp, "seasonal", false, &c->spike_seasonal, errs))
		rc = -1;
	c->spike_threshold = 2.0;
	if ((n = hs_ymap_get(sp, "threshold")) &&
	    hs_y_double(n, "signals.spikes.threshold", 0.5, 20.0, errs, &c->spike_threshold) < 0)
		rc = -1;
	if (get_int(sp, "min_count", 5, 1, 1000000, &v, errs))
		rc = -1;
	c->spike_min_count = (int)v;
	if (get_int(sp, "warmup", 12, 0, 10000, &v, errs))
		rc = -1;
	c->spike_warmup = (int)v;
	c->spike_late_us = 15 * 60 * 1000000LL;
	if ((n = hs_ymap_get(sp, "late"))) {
		if (hs_y_duration(n, "signals.spikes.late", errs, &c->spike_late_us) < 0)
			rc = -1;
		else if (c->spike_late_us < 0 || c->spike_late_us > 86400 * 1000000LL) {
			hs_y_error(n, errs, "signals.spikes.late must be between 0 and 1d");
			rc = -1;
		}
	}
	cl = hs_ymap_get(sg, "claims");
	if (hs_y_is_null(cl))
		cl = NULL;
	if (cl && (hs_y_expect(cl, HS_Y_MAP, "signals.claims", errs) < 0 ||
	           hs_y_check_keys(cl, ckeys, "signals.claims", errs)))
		rc = -1;
	if (get_int(cl, "min_size", 3, 2, 1000000, &v, errs))
		rc = -1;
	c->claim_min_size = (int)v;
	if (get_int(cl, "max", 20000, 100, 10000000, &v, errs))
		rc = -1;
	c->claim_max = (int)v;
	if ((n = hs_ymap_get(cl, "idle")) &&
	    hs_y_duration(n, "signals.claims.idle", errs, &c->claim_idle_us) < 0)
		rc = -1;
	return rc;
}

/* Keys the host handles for every plugin source. */
static const char *const host_keys[] = { "name", "type", "interval", "timeout", "max_size", NULL };

/* Let the collector check its own settings now (init, then fini), so that
 * `hearsayd -t` and a start report them with the source's position, all
 * sources at once, instead of the first failure at start. */
static int check_plugin_settings(const hs_source_cfg *s, const hs_ynode *n, hs_errs *errs)
{
	hs_errs own = HS_ERRS_INIT;
	void *state = NULL;
	int rc = s->plugin->init(s->conf, &state, &own);
	if (rc == 0 && state && s->plugin->fini)
		s->plugin->fini(state);
	for (size_t i = 0; i < own.n; i++)
		hs_y_error(n, errs, "source %s (%s): %s", s->name, s->type, own.msgs[i]);
	if (rc < 0 && own.n == 0)
		hs_y_error(n, errs, "source %s: the %s collector refused its settings", s->name, s->type);
	hs_errs_clear(&own);
	return rc < 0 ? -1 : 0;
}

static int parse_plugin_source(hs_config *c, hs_source_cfg *s, const hs_ynode *n,
                               const hs_ynode *tn, int flags, hs_errs *errs)
{
	const hs_ynode *v;
	int rc = 0;

	s->plugin = hs_plugin_load(s->type, c->collector_path, tn, &s->dl, errs);
	if (!s->plugin)
		return -1;
	s->conf = hs_conf_build(s->plugin, s->name, n, c->base_dir, host_keys,
	                        flags & HS_CONFIG_NO_SECRETS, errs);
	if (!s->conf)
		rc = -1;
	s->interval_us = 300 * 1000000LL;
	s->timeout_us = 30 * 1000000LL;
	s->max_size = 8u << 20;
	if ((v = hs_ymap_get(n, "interval")) && hs_y_duration(v, "interval", errs, &s->interval_us) == 0 &&
	    s->interval_us < 1000000) {
		hs_y_error(v, errs, "interval must be at least 1s");
		rc = -1;
	}
	if ((v = hs_ymap_get(n, "timeout")) && hs_y_duration(v, "timeout", errs, &s->timeout_us) < 0)
		rc = -1;
	if ((v = hs_ymap_get(n, "max_size")) && hs_y_size(v, "max_size", errs, &s->max_size) < 0)
		rc = -1;
	if (rc == 0 && !(flags & HS_CONFIG_NO_SECRETS) && check_plugin_settings(s, n, errs) < 0)
		rc = -1;
	return rc;
}

static int parse_source(hs_config *c, hs_source_cfg *s, const hs_ynode *n,
                        int flags, hs_errs *errs)
{
	const char *name = NULL, *type = NULL;
	int rc = 0;

	if (hs_y_expect(n, HS_Y_MAP, "a source", errs) < 0)
		return -1;
	s->line = n->line;
	const hs_ynode *nn = hs_ymap_get(n, "name");
	const hs_ynode *tn = hs_ymap_get(n, "type");
	if (!nn) {
		hs_y_error(n, errs, "source has no 'name'");
		rc = -1;
	} else if (hs_y_string(nn, "name", errs, &name) == 0 && !valid_name(name)) {
		hs_y_error(nn, errs, "source name '%s' must be 1-64 characters of a-z 0-9 . _ -", name);
		rc = -1;
	}
	if (!tn) {
		hs_y_error(n, errs, "source has no 'type'");
		return -1;
	}
	if (hs_y_string(tn, "type", errs, &type) < 0)
		return -1;
	s->name = name ? strdup(name) : NULL;
	s->type = strdup(type);
	if (strcmp(type, "replay") == 0) {
		if (hs_replay_parse_opts(n, c->base_dir, &s->replay, errs) < 0)
			rc = -1;
	} else if (!(flags & HS_CONFIG_NO_PLUGINS) &&
	           parse_plugin_source(c, s, n, tn, flags, errs) < 0) {
		rc = -1;
	}
	for (size_t i = 0; name && i < c->n_sources; i++) {
		if (c->sources[i].name && strcmp(c->sources[i].name, name) == 0) {
			hs_y_error(nn, errs, "duplicate source name '%s' (first at line %d)",
			           name, c->sources[i].line);
			rc = -1;
		}
	}
	return rc;
}

static int parse_route(hs_config *c, hs_route_cfg *r, const hs_ynode *n,
                       int flags, hs_errs *errs)
{
	static const char *const keys[] = { "name", "type", "url", "min_severity",
	                                    "secret_file", "timeout", "max_attempts", NULL };
	const char *s;
	int64_t v;
	int rc = 0;

	if (hs_y_expect(n, HS_Y_MAP, "an alert route", errs) < 0)
		return -1;
	if (hs_y_check_keys(n, keys, "alert route", errs))
		rc = -1;
	const hs_ynode *nn = hs_ymap_get(n, "name");
	if (!nn) {
		hs_y_error(n, errs, "alert route has no 'name'");
		rc = -1;
	} else if (hs_y_string(nn, "name", errs, &s) == 0) {
		if (!valid_name(s)) {
			hs_y_error(nn, errs, "alert route name '%s' must be 1-64 characters of a-z 0-9 . _ -", s);
			rc = -1;
		}
		for (size_t i = 0; i < c->n_routes; i++)
			if (c->routes[i].name && strcmp(c->routes[i].name, s) == 0) {
				hs_y_error(nn, errs, "duplicate alert route name '%s'", s);
				rc = -1;
			}
		r->name = strdup(s);
	}
	const hs_ynode *tn = hs_ymap_get(n, "type");
	if (!tn) {
		hs_y_error(n, errs, "alert route has no 'type'");
		rc = -1;
	} else if (hs_y_string(tn, "type", errs, &s) == 0) {
		if (strcmp(s, "webhook") != 0) {
			hs_y_error(tn, errs, "unknown alert route type '%s' (available: webhook)", s);
			rc = -1;
		}
		r->type = strdup(s);
	}
	const hs_ynode *un = hs_ymap_get(n, "url");
	if (!un) {
		hs_y_error(n, errs, "alert route has no 'url'");
		rc = -1;
	} else if (hs_y_string(un, "url", errs, &s) == 0) {
		if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
			hs_y_error(un, errs, "url must start with http:// or https://");
			rc = -1;
		}
		r->url = strdup(s);
	}
	r->min_severity = HS_SEV_HIGH;
	const hs_ynode *sn = hs_ymap_get(n, "min_severity");
	if (sn && hs_y_string(sn, "min_severity", errs, &s) == 0 &&
	    hs_severity_parse(s, &r->min_severity) < 0) {
		hs_y_error(sn, errs, "min_severity must be info, low, medium, high or critical, not '%s'", s);
		rc = -1;
	}
	r->timeout_us = 10000000;
	const hs_ynode *ton = hs_ymap_get(n, "timeout");
	if (ton && hs_y_duration(ton, "timeout", errs, &r->timeout_us) < 0)
		rc = -1;
	if (get_int(n, "max_attempts", 12, 1, 1000, &v, errs))
		rc = -1;
	r->max_attempts = (int)v;
	if (get_str(n, "secret_file", NULL, c->base_dir, 1, &r->secret_file, errs))
		rc = -1;
	if (r->secret_file && !(flags & HS_CONFIG_NO_SECRETS) &&
	    hs_secret_read(r->secret_file, &r->secret, &r->secret_len, errs) < 0)
		rc = -1;
	return rc;
}

static int parse_list(hs_config *c, const hs_ynode *root, const char *key,
                      int flags, hs_errs *errs)
{
	const hs_ynode *l = hs_ymap_get(root, key);
	int is_src = strcmp(key, "sources") == 0;
	int rc = 0;

	if (!l || hs_y_is_null(l))
		return 0;
	if (hs_y_expect(l, HS_Y_SEQ, key, errs) < 0)
		return -1;
	if (is_src)
		c->sources = calloc(l->n ? l->n : 1, sizeof(*c->sources));
	else
		c->routes = calloc(l->n ? l->n : 1, sizeof(*c->routes));
	if (is_src ? !c->sources : !c->routes)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		int r = is_src ? parse_source(c, &c->sources[c->n_sources], l->items[i], flags, errs)
		               : parse_route(c, &c->routes[c->n_routes], l->items[i], flags, errs);
		if (r < 0)
			rc = -1;
		if (is_src)
			c->n_sources++;
		else
			c->n_routes++;
	}
	return rc;
}

hs_config *hs_config_load(const char *path, hs_errs *errs)
{
	return hs_config_load_flags(path, 0, errs);
}

hs_config *hs_config_load_flags(const char *path, int flags, hs_errs *errs)
{
	static const char *const keys[] = { "log_level", "workers", "queue_size", "store",
	                                    "rules_dir", "privacy", "listen", "sources",
	                                    "alerts", "collector_path", "contact", "signals",
	                                    NULL };
	size_t before = hs_errs_count(errs);
	hs_ynode *root = NULL;
	hs_config *c = calloc(1, sizeof(*c));
	int64_t v;
	const char *s;

	if (!c)
		goto fail;
	c->path = strdup(path);
	const char *slash = strrchr(path, '/');
	c->base_dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	root = hs_yaml_load_file(path, errs);
	if (!root)
		goto fail;
	if (hs_y_expect(root, HS_Y_MAP, "the configuration", errs) < 0)
		goto fail;
	hs_y_check_keys(root, keys, "the configuration", errs);

	c->log_level = HS_LOG_INFO;
	const hs_ynode *ln = hs_ymap_get(root, "log_level");
	if (ln && hs_y_string(ln, "log_level", errs, &s) == 0) {
		c->log_level = hs_log_level_parse(s);
		if (c->log_level < 0)
			hs_y_error(ln, errs, "log_level must be debug, info, notice, warning or error, not '%s'", s);
	}
	get_int(root, "workers", 2, 1, 64, &v, errs);
	c->workers = (int)v;
	get_int(root, "queue_size", 1024, 16, 1048576, &v, errs);
	c->queue_size = (size_t)v;
	parse_store(c, root, errs);
	get_str(root, "rules_dir", HS_DEFAULT_RULES, c->base_dir, 1, &c->rules_dir, errs);
	parse_privacy(c, root, errs);
	parse_listen(c, root, errs);
	parse_signals(c, root, errs);
	get_str(root, "collector_path", HS_DEFAULT_COLLECTORS, NULL, 0, &c->collector_path, errs);
	get_str(root, "contact", NULL, NULL, 0, &c->contact, errs);
	parse_list(c, root, "sources", flags, errs);
	parse_list(c, root, "alerts", flags, errs);
	if (hs_errs_count(errs) != before)
		goto fail;
	hs_ynode_free(root);
	return c;
fail:
	if (hs_errs_count(errs) == before)
		hs_errs_add(errs, path, 0, 0, "out of memory");
	hs_ynode_free(root);
	hs_config_free(c);
	return NULL;
}

void hs_config_free(hs_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_sources; i++) {
		free(c->sources[i].name);
		free(c->sources[i].type);
		hs_replay_opts_free(&c->sources[i].replay);
		hs_conf_free(c->sources[i].conf);
		hs_plugin_unload(c->sources[i].dl);
	}
	free(c->sources);
	for (size_t i = 0; i < c->n_routes; i++) {
		hs_route_cfg *r = &c->routes[i];
		free(r->name);
		free(r->type);
		free(r->url);
		free(r->secret_file);
		if (r->secret)
			memset(r->secret, 0, r->secret_len);
		free(r->secret);
	}
	free(c->routes);
	free(c->path);
	free(c->base_dir);
	free(c->store_path);
	free(c->rules_dir);
	free(c->lexicons_dir);
	free(c->key_file);
	free(c->listen_addr);
	free(c->dashboard_dir);
	free(c->collector_path);
	free(c->contact);
	free(c);
}

const hs_route_cfg *hs_config_route(const hs_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].name && strcmp(c->routes[i].name, name) == 0)
			return &c->routes[i];
	return NULL;
}

static int sdiff(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static void add_name(char *buf, size_t len, int *n, const char *name)
{
	size_t used = strlen(buf);
	if (used + strlen(name) + 3 < len)
		snprintf(buf + used, len - used, "%s%s", *n ? ", " : "", name);
	(*n)++;
}

static int routes_differ(const hs_config *a, const hs_config *b)
{
	if (a->n_routes != b->n_routes)
		return 1;
	for (size_t i = 0; i < a->n_routes; i++) {
		const hs_route_cfg *x = &a->routes[i], *y = &b->routes[i];
		if (sdiff(x->name, y->name) || sdiff(x->url, y->url) || sdiff(x->type, y->type) ||
		    x->min_severity != y->min_severity || sdiff(x->secret_file, y->secret_file) ||
		    x->timeout_us != y->timeout_us || x->max_attempts != y->max_attempts ||
		    x->secret_len != y->secret_len ||
		    (x->secret && y->secret && memcmp(x->secret, y->secret, x->secret_len) != 0))
			return 1;
	}
	return 0;
}

static int sources_differ(const hs_config *a, const hs_config *b)
{
	if (a->n_sources != b->n_sources)
		return 1;
	for (size_t i = 0; i < a->n_sources; i++) {
		const hs_source_cfg *x = &a->sources[i], *y = &b->sources[i];
		if (sdiff(x->name, y->name) || sdiff(x->type, y->type) ||
		    sdiff(x->replay.path, y->replay.path) || x->replay.speed != y->replay.speed ||
		    x->replay.rebase != y->replay.rebase || x->replay.loop != y->replay.loop)
			return 1;
	}
	return 0;
}

int hs_config_restart_diff(const hs_config *a, const hs_config *b, char *buf,
                           size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (a->workers != b->workers)
		add_name(buf, len, &n, "workers");
	if (a->queue_size != b->queue_size)
		add_name(buf, len, &n, "queue_size");
	if (sdiff(a->store_path, b->store_path) || a->map_size != b->map_size ||
	    a->batch_posts != b->batch_posts || a->batch_us != b->batch_us)
		add_name(buf, len, &n, "store");
	if (sdiff(a->key_file, b->key_file))
		add_name(buf, len, &n, "privacy");
	if (sdiff(a->listen_addr, b->listen_addr) || a->listen_port != b->listen_port ||
	    sdiff(a->dashboard_dir, b->dashboard_dir))
		add_name(buf, len, &n, "listen");
	if (sources_differ(a, b))
		add_name(buf, len, &n, "sources");
	if (sdiff(a->lexicons_dir, b->lexicons_dir) || a->bucket_us != b->bucket_us ||
	    a->spike_sources != b->spike_sources || a->spike_rules != b->spike_rules ||
	    a->spike_terms != b->spike_terms ||
	    a->spike_claims != b->spike_claims || a->spike_threshold != b->spike_threshold ||
	    a->spike_min_count != b->spike_min_count || a->spike_warmup != b->spike_warmup ||
	    a->spike_seasonal != b->spike_seasonal || a->spike_late_us != b->spike_late_us ||
	    a->claim_min_size != b->claim_min_size || a->claim_max != b->claim_max ||
	    a->claim_idle_us != b->claim_idle_us)
		add_name(buf, len, &n, "signals");
	if (routes_differ(a, b))
		add_name(buf, len, &n, "alerts");
	return n;
}
