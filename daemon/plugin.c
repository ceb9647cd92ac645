/* hearsay: collector plugins (see plugin.h and include/hearsay/collector.h). */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "plugin.h"
#include "timeutil.h"
#include "utf8.h"
#include "ytree.h"

typedef struct conf_val {
	const hs_collector_key *key;
	char *str;            /* STRING, PATH, SECRET_FILE (the path) */
	int64_t i;            /* INT, DURATION (us) */
	double d;
	bool b;
	char **list;
	size_t n_list;
	unsigned char *secret;
	size_t secret_len;
} conf_val;

struct hs_collector_conf {
	char *source;
	conf_val *vals;
	size_t n;
};

/* Plugins resolve the host API from the executable (linked with
 * -export-dynamic). Referencing every entry point here makes sure each
 * program that loads plugins has all of it, even hearsayctl, which never
 * polls: the linker then pulls in the objects that define them. */
typedef void (*hs_api_fn)(void);
const hs_api_fn hs_plugin_host_api[] = {
	(hs_api_fn)hs_host_emit, (hs_api_fn)hs_host_set_cursor, (hs_api_fn)hs_host_log,
	(hs_api_fn)hs_host_now_us, (hs_api_fn)hs_resp_status, (hs_api_fn)hs_resp_body,
	(hs_api_fn)hs_resp_url, (hs_api_fn)hs_resp_content_type, (hs_api_fn)hs_resp_header,
	(hs_api_fn)hs_post_new, (hs_api_fn)hs_post_free, (hs_api_fn)hs_post_add_tag,
	(hs_api_fn)hs_errs_add, (hs_api_fn)hs_conf_source, (hs_api_fn)hs_conf_string,
	(hs_api_fn)hs_conf_int, (hs_api_fn)hs_conf_bool, (hs_api_fn)hs_conf_double,
	(hs_api_fn)hs_conf_duration_us, (hs_api_fn)hs_conf_list, (hs_api_fn)hs_conf_secret,
	(hs_api_fn)hs_host_poll_now, (hs_api_fn)hs_host_version, (hs_api_fn)hs_host_deleted,
	/* not public, but the in-tree collectors' parsers use them */
	(hs_api_fn)hs_utf8_valid, (hs_api_fn)hs_utf8_repair, (hs_api_fn)hs_time_parse_rfc3339,
};

static int plugin_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Try dir/name.so; 1 found and loaded, 0 not there, -1 error reported. */
static int try_dir(const char *dir, size_t dlen, const char *name, const hs_ynode *at,
                   void **dl, hs_errs *errs)
{
	char path[4096];

	if (dlen == 0)
		return 0;
	snprintf(path, sizeof(path), "%.*s/%s.so", (int)dlen, dir, name);
	if (access(path, F_OK) != 0)
		return 0;
	*dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!*dl) {
		hs_y_error(at, errs, "collector '%s': cannot load %s: %s", name, path, dlerror());
		return -1;
	}
	return 1;
}

const hs_collector *hs_plugin_load(const char *name, const char *search_path,
                                   const hs_ynode *at, void **dl, hs_errs *errs)
{
	const char *paths[2] = { getenv("HEARSAY_COLLECTOR_PATH"), search_path };
	const hs_collector *c;
	int found = 0;

	*dl = NULL;
	if (!plugin_name_ok(name)) {
		hs_y_error(at, errs, "collector name '%s' must be a-z 0-9 _ -", name);
		return NULL;
	}
	for (int k = 0; k < 2 && !found; k++) {
		const char *p = paths[k];
		while (p && *p && !found) {
			const char *colon = strchr(p, ':');
			size_t len = colon ? (size_t)(colon - p) : strlen(p);
			found = try_dir(p, len, name, at, dl, errs);
			if (found < 0)
				return NULL;
			p = colon ? colon + 1 : NULL;
		}
	}
	if (!found) {
		hs_y_error(at, errs, "unknown source type '%s': no %s.so in %s%s%s", name, name,
		           paths[0] ? paths[0] : "", paths[0] ? ":" : "", search_path);
		return NULL;
	}
	c = dlsym(*dl, HS_COLLECTOR_SYMBOL);
	if (!c) {
		hs_y_error(at, errs, "collector '%s' does not export %s (not a hearsay collector)",
		           name, HS_COLLECTOR_SYMBOL);
		goto fail;
	}
	if (c->abi != HS_COLLECTOR_ABI) {
		hs_y_error(at, errs, "collector '%s' was built for plugin ABI %u, this hearsayd has %d: rebuild it",
		           name, c->abi, HS_COLLECTOR_ABI);
		goto fail;
	}
	/* Revision 1 ended with parse; later fields are optional. A plugin
	 * needs HTTP (plan and parse), a stream (stream_plan and stream_frame),
	 * or both. */
	bool http = c->size >= offsetof(hs_collector, parse) + sizeof(c->parse) && c->plan &&
	            c->parse;
	bool ws = HS_COLLECTOR_HAS(c, stream_plan) && HS_COLLECTOR_HAS(c, stream_frame);
	if (c->size < offsetof(hs_collector, parse) + sizeof(c->parse) || !c->name ||
	    strcmp(c->name, name) != 0 || !c->init || !c->keys || (!http && !ws) ||
	    (!c->plan != !c->parse)) {
		hs_y_error(at, errs, "collector '%s' has an incomplete or mismatched descriptor", name);
		goto fail;
	}
	return c;
fail:
	dlclose(*dl);
	*dl = NULL;
	return NULL;
}

void hs_plugin_unload(void *dl)
{
	if (dl)
		dlclose(dl);
}

static const conf_val *find(const hs_collector_conf *c, const char *key)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->vals[i].key->name, key) == 0)
			return &c->vals[i];
	return NULL;
}

const char *hs_conf_source(const hs_collector_conf *c)
{
	return c->source;
}

const char *hs_conf_string(const hs_collector_conf *c, const char *key)
{
	const conf_val *v = find(c, key);
	return v ? v->str : NULL;
}

int64_t hs_conf_int(const hs_collector_conf *c, const char *key)
{
	const conf_val *v = find(c, key);
	return v ? v->i : 0;
}

bool hs_conf_bool(const hs_collector_conf *c, const char *key)
{
	const conf_val *v = find(c, key);
	return v && v->b;
}

double hs_conf_double(const hs_collector_conf *c, const char *key)
{
	const conf_val *v = find(c, key);
	return v ? v->d : 0;
}

int64_t hs_conf_duration_us(const hs_collector_conf *c, const char *key)
{
	return hs_conf_int(c, key);
}

size_t hs_conf_list(const hs_collector_conf *c, const char *key, const char *const **items)
{
	const conf_val *v = find(c, key);
	*items = v ? (const char *const *)v->list : NULL;
	return v ? v->n_list : 0;
}

const unsigned char *hs_conf_secret(const hs_collector_conf *c, const char *key, size_t *len)
{
	const conf_val *v = find(c, key);
	*len = v ? v->secret_len : 0;
	return v ? v->secret : NULL;
}

static int list_add(conf_val *v, const char *s, size_t n)
{
	char **nl = realloc(v->list, (v->n_list + 1) * sizeof(*nl));
	if (!nl)
		return -1;
	v->list = nl;
	v->list[v->n_list] = strndup(s, n);
	return v->list[v->n_list++] ? 0 : -1;
}

/* Set v from text (a default) or from a node. */
static int set_value(conf_val *v, const hs_ynode *n, const char *text, const char *base_dir,
                     int no_secrets, hs_errs *errs)
{
	const hs_collector_key *k = v->key;
	hs_ynode tmp;
	const char *s;

	if (!n && !*text && (k->type == HS_KEY_SECRET_FILE || k->type == HS_KEY_PATH))
		return 0; /* an optional file, not set */
	if (!n) { /* a default: parse it as if it were a plain scalar */
		memset(&tmp, 0, sizeof(tmp));
		tmp.type = HS_Y_SCALAR;
		tmp.str = (char *)text;
		tmp.len = strlen(text);
		tmp.plain = true;
		tmp.file = "(plugin default)";
		n = &tmp;
		if (k->type == HS_KEY_LIST) {
			const char *p = text;
			while (*p) {
				const char *comma = strchr(p, ',');
				size_t len = comma ? (size_t)(comma - p) : strlen(p);
				if (len && list_add(v, p, len) < 0)
					return -1;
				p = comma ? comma + 1 : p + len;
			}
			return 0;
		}
	}
	switch (k->type) {
	case HS_KEY_STRING:
	case HS_KEY_PATH:
	case HS_KEY_SECRET_FILE:
		if (hs_y_string(n, k->name, errs, &s) < 0)
			return -1;
		v->str = k->type == HS_KEY_STRING ? strdup(s) : hs_path_resolve(base_dir, s);
		if (!v->str)
			return -1;
		if (k->type == HS_KEY_SECRET_FILE && !no_secrets &&
		    hs_secret_read(v->str, &v->secret, &v->secret_len, errs) < 0)
			return -1;
		return 0;
	case HS_KEY_INT:
		return hs_y_int(n, k->name, INT64_MIN, INT64_MAX, errs, &v->i);
	case HS_KEY_DURATION:
		return hs_y_duration(n, k->name, errs, &v->i);
	case HS_KEY_DOUBLE:
		return hs_y_double(n, k->name, -1e300, 1e300, errs, &v->d);
	case HS_KEY_BOOL:
		return hs_y_bool(n, k->name, errs, &v->b);
	case HS_KEY_LIST:
		if (n->type == HS_Y_SCALAR) /* a single item */
			return list_add(v, n->str, n->len);
		if (hs_y_expect(n, HS_Y_SEQ, k->name, errs) < 0)
			return -1;
		for (size_t i = 0; i < n->n; i++) {
			if (hs_y_string(n->items[i], k->name, errs, &s) < 0)
				return -1;
			if (list_add(v, s, strlen(s)) < 0)
				return -1;
		}
		return 0;
	}
	return -1;
}

hs_collector_conf *hs_conf_build(const hs_collector *c, const char *source,
                                 const hs_ynode *map, const char *base_dir,
                                 const char *const *host_keys, int no_secrets,
                                 hs_errs *errs)
{
	size_t before = hs_errs_count(errs), nk = 0;
	hs_collector_conf *conf = calloc(1, sizeof(*conf));

	if (!conf)
		goto fail;
	conf->source = strdup(source ? source : "");
	while (c->keys[nk].name)
		nk++;
	conf->vals = calloc(nk ? nk : 1, sizeof(*conf->vals));
	if (!conf->source || !conf->vals)
		goto fail;
	/* unknown keys: neither the host's nor the plugin's */
	for (size_t i = 0; i < map->n; i++) {
		const hs_ynode *key = map->pairs[i].key;
		int ok = 0;
		for (size_t j = 0; host_keys[j] && !ok; j++)
			ok = strcmp(key->str, host_keys[j]) == 0;
		for (size_t j = 0; j < nk && !ok; j++)
			ok = strcmp(key->str, c->keys[j].name) == 0;
		if (!ok)
			hs_y_error(key, errs, "unknown key '%s' for a %s source", key->str, c->name);
	}
	for (size_t j = 0; j < nk; j++) {
		conf_val *v = &conf->vals[conf->n++];
		const hs_ynode *n = hs_ymap_get(map, c->keys[j].name);
		v->key = &c->keys[j];
		if (!n && !c->keys[j].def) {
			hs_y_error(map, errs, "%s source has no '%s' (%s)", c->name, c->keys[j].name,
			           c->keys[j].help ? c->keys[j].help : "required");
			continue;
		}
		if (n && hs_y_is_null(n) && c->keys[j].def)
			n = NULL;
		if (set_value(v, n, c->keys[j].def, base_dir, no_secrets, errs) < 0 &&
		    hs_errs_count(errs) == before)
			hs_y_error(n ? n : map, errs, "%s: out of memory", c->keys[j].name);
	}
	if (hs_errs_count(errs) != before)
		goto fail;
	return conf;
fail:
	if (hs_errs_count(errs) == before)
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
	hs_conf_free(conf);
	return NULL;
}

void hs_conf_free(hs_collector_conf *conf)
{
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n; i++) {
		conf_val *v = &conf->vals[i];
		free(v->str);
		for (size_t j = 0; j < v->n_list; j++)
			free(v->list[j]);
		free(v->list);
		if (v->secret)
			memset(v->secret, 0, v->secret_len);
		free(v->secret);
	}
	free(conf->vals);
	free(conf->source);
	free(conf);
}
