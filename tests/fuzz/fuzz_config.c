/* hearsay fuzz target: the YAML configuration.
 *
 * Input: the bytes of a config file. Two things are done with each input:
 *
 *  1. hs_yaml_load_string() parses it into a tree, and every node of the
 *     tree is put through the typed accessors (string, bool, int, double,
 *     duration, size, null test, key checks, mapping lookups) and, for
 *     mappings, hs_replay_parse_opts() - so the accessors see every kind of
 *     scalar the parser can produce, not only the ones the config schema
 *     asks for at a given place.
 *  2. The input is written to one per-process temporary file (a memfd,
 *     reached as /proc/self/fd/N; a file under $TMPDIR otherwise) and loaded
 *     with hs_config_load(), the daemon's own entry point. A config that
 *     loads is compared with the demo config via hs_config_restart_diff().
 *
 * Errors are joined (hs_errs_join) so their formatting runs too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hearsay/errors.h>

#include "collectors/replay/replay.h"
#include "config.h"
#include "log.h"
#include "ytree.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#include "fuzz_input.h"


/* ---- set-up ------------------------------------------------------------------ */

static hs_config *demo_cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	hs_errs errs = HS_ERRS_INIT;

	(void)argc;
	(void)argv;
	hs_log_set_level(HS_LOG_ERR);
	input_file_open("config");
	demo_cfg = hs_config_load_flags(HS_SRCDIR "/demo/hearsay-demo.yaml",
	                                 HS_CONFIG_NO_SECRETS, &errs);
	if (!demo_cfg) {
		char *msg = hs_errs_join(&errs);
		fprintf(stderr, "fuzz_config: cannot load the demo config: %s\n",
		        msg ? msg : "?");
		free(msg);
		abort();
	}
	hs_errs_clear(&errs);
	return 0;
}

/* ---- 1: the tree and its accessors ----------------------------------------------- */

static const char *const some_keys[] = { "name", "type", "path", "speed",
                                         "rebase", "loop", NULL };

static void walk(const hs_ynode *n, hs_errs *errs, int depth)
{
	const char *s;
	bool b;
	int64_t i;
	double d;
	uint64_t u;
	hs_replay_opts ro;

	if (!n || depth > 200)
		abort(); /* children are never NULL; depth is capped at 64 */
	if (n->line < 1 || n->col < 1 || !n->file)
		abort();
	hs_y_is_null(n);
	switch (n->type) {
	case HS_Y_SCALAR:
		if (!n->str || n->str[n->len] != '\0')
			abort();
		if (hs_y_string(n, "s", errs, &s) == 0 && strlen(s) != n->len)
			abort();
		hs_y_bool(n, "b", errs, &b);
		hs_y_int(n, "i", INT64_MIN, INT64_MAX, errs, &i);
		hs_y_int(n, "i", 0, 65535, errs, &i);
		hs_y_double(n, "d", -1e300, 1e300, errs, &d);
		hs_y_duration(n, "t", errs, &i);
		hs_y_size(n, "z", errs, &u);
		hs_y_expect(n, HS_Y_MAP, "m", errs);
		break;
	case HS_Y_SEQ:
		hs_y_expect(n, HS_Y_SEQ, "l", errs);
		for (size_t k = 0; k < n->n; k++)
			walk(n->items[k], errs, depth + 1);
		break;
	case HS_Y_MAP:
		hs_y_check_keys(n, some_keys, "m", errs);
		if (hs_replay_parse_opts(n, "/base", &ro, errs) == 0 && !ro.path)
			abort();
		hs_replay_opts_free(&ro);
		for (size_t k = 0; k < n->n; k++) {
			const hs_ynode *key = n->pairs[k].key;
			if (!key || key->type != HS_Y_SCALAR)
				abort();
			/* the first pair with this key is found (keys are unique) */
			if (hs_ymap_get(n, key->str) != n->pairs[k].val &&
			    !memchr(key->str, '\0', key->len))
				abort();
			walk(key, errs, depth + 1);
			walk(n->pairs[k].val, errs, depth + 1);
		}
		break;
	default:
		abort();
	}
}

static void finish_errs(hs_errs *errs)
{
	char *msg = hs_errs_join(errs);
	free(msg);
	hs_errs_clear(errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_errs errs = HS_ERRS_INIT;
	hs_ynode *root;
	hs_config *c;

	root = hs_yaml_load_string((const char *)data, size, "fuzz.yaml", &errs);
	if (root) {
		walk(root, &errs, 0);
		hs_ynode_free(root);
	} else if (hs_errs_count(&errs) == 0) {
		abort(); /* a failed load always says why */
	}
	finish_errs(&errs);

	input_file_write(data, size);
	c = hs_config_load(in_path, &errs);
	if (c) {
		char buf[256];
		if (hs_errs_count(&errs) != 0)
			abort();
		hs_config_restart_diff(c, demo_cfg, buf, sizeof(buf));
		hs_config_restart_diff(demo_cfg, c, buf, sizeof(buf));
		if (hs_config_restart_diff(c, c, buf, sizeof(buf)) != 0)
			abort();
		for (size_t k = 0; k < c->n_routes; k++)
			if (c->routes[k].name &&
			    hs_config_route(c, c->routes[k].name) == NULL)
				abort();
		hs_config_free(c);
	} else if (hs_errs_count(&errs) == 0) {
		abort();
	}
	finish_errs(&errs);
	return 0;
}
