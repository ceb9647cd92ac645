/* hearsay: YAML document tree with positions (see ytree.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "ytree.h"

#define HS_Y_MAX_DEPTH 64

static hs_ynode *ynode_new(hs_ytype t, const yaml_mark_t *m, const char *file)
{
	hs_ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->type = t;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	n->file = file;
	return n;
}

static void ynode_free_rec(hs_ynode *n)
{
	if (!n)
		return;
	free(n->str);
	for (size_t i = 0; n->type == HS_Y_SEQ && i < n->n; i++)
		ynode_free_rec(n->items[i]);
	for (size_t i = 0; n->type == HS_Y_MAP && i < n->n; i++) {
		ynode_free_rec(n->pairs[i].key);
		ynode_free_rec(n->pairs[i].val);
	}
	free(n->items);
	free(n->pairs);
	free(n);
}

/* Attach child to parent (a sequence, or a mapping waiting for a key or a
 * value). Returns 0, or -1 on out of memory / non-scalar key. */
static int ynode_attach(hs_ynode *parent, hs_ynode *child, hs_errs *errs)
{
	if (parent->type == HS_Y_SEQ) {
		hs_ynode **ni = realloc(parent->items, (parent->n + 1) * sizeof(*ni));
		if (!ni)
			return -1;
		parent->items = ni;
		parent->items[parent->n++] = child;
		return 0;
	}
	/* mapping: a pair whose val is NULL waits for its value */
	if (parent->n > 0 && parent->pairs[parent->n - 1].val == NULL) {
		parent->pairs[parent->n - 1].val = child;
		return 0;
	}
	if (child->type != HS_Y_SCALAR) {
		hs_y_error(child, errs, "mapping keys must be plain strings");
		return -1;
	}
	for (size_t i = 0; i < parent->n; i++) {
		if (strcmp(parent->pairs[i].key->str, child->str) == 0) {
			hs_y_error(child, errs, "duplicate key '%s' (first at line %d)",
			           child->str, parent->pairs[i].key->line);
			return -1;
		}
	}
	hs_ypair *np = realloc(parent->pairs, (parent->n + 1) * sizeof(*np));
	if (!np)
		return -1;
	parent->pairs = np;
	parent->pairs[parent->n].key = child;
	parent->pairs[parent->n].val = NULL;
	parent->n++;
	return 0;
}

static hs_ynode *yaml_build(yaml_parser_t *p, const char *file, hs_errs *errs)
{
	hs_ynode *stack[HS_Y_MAX_DEPTH];
	size_t depth = 0;
	hs_ynode *root = NULL;
	yaml_event_t ev;
	int done = 0;
	int docs = 0;
	size_t before = hs_errs_count(errs);

	while (!done) {
		if (!yaml_parser_parse(p, &ev)) {
			if (p->error == YAML_READER_ERROR)
				/* libyaml gives no line for reader errors, only a byte offset */
				hs_errs_add(errs, file, 0, 0, "invalid input at byte %zu: %s",
				            p->problem_offset, p->problem ? p->problem : "unreadable");
			else
				hs_errs_add(errs, file, (int)p->problem_mark.line + 1,
				            (int)p->problem_mark.column + 1, "YAML syntax error: %s%s%s",
				            p->problem ? p->problem : "invalid document",
				            p->context ? " " : "", p->context ? p->context : "");
			goto fail;
		}
		hs_ynode *n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				hs_errs_add(errs, file, (int)ev.start_mark.line + 1,
				            (int)ev.start_mark.column + 1,
				            "only one YAML document per file is allowed");
				yaml_event_delete(&ev);
				goto fail;
			}
			break;
		case YAML_ALIAS_EVENT:
			hs_errs_add(errs, file, (int)ev.start_mark.line + 1,
			            (int)ev.start_mark.column + 1,
			            "YAML aliases (*%s) are not supported",
			            (const char *)ev.data.alias.anchor);
			yaml_event_delete(&ev);
			goto fail;
		case YAML_SCALAR_EVENT:
			n = ynode_new(HS_Y_SCALAR, &ev.start_mark, file);
			if (!n)
				break;
			n->len = ev.data.scalar.length;
			n->str = malloc(n->len + 1);
			if (!n->str) {
				free(n);
				n = NULL;
				break;
			}
			memcpy(n->str, ev.data.scalar.value, n->len);
			n->str[n->len] = '\0';
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
			n = ynode_new(HS_Y_SEQ, &ev.start_mark, file);
			break;
		case YAML_MAPPING_START_EVENT:
			n = ynode_new(HS_Y_MAP, &ev.start_mark, file);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		int is_node = ev.type == YAML_SCALAR_EVENT ||
		              ev.type == YAML_SEQUENCE_START_EVENT ||
		              ev.type == YAML_MAPPING_START_EVENT;
		yaml_event_delete(&ev);
		if (!is_node)
			continue;
		if (!n) {
			hs_errs_add(errs, file, 0, 0, "out of memory while reading YAML");
			goto fail;
		}
		if (depth == 0) {
			if (root) { /* cannot happen with one document */
				ynode_free_rec(n);
				continue;
			}
			root = n;
		} else if (ynode_attach(stack[depth - 1], n, errs) < 0) {
			ynode_free_rec(n);
			if (hs_errs_count(errs) == before)
				hs_errs_add(errs, file, 0, 0, "out of memory while reading YAML");
			goto fail;
		}
		if (n->type != HS_Y_SCALAR) {
			if (depth == HS_Y_MAX_DEPTH) {
				hs_y_error(n, errs, "YAML nested deeper than %d levels",
				           HS_Y_MAX_DEPTH);
				goto fail;
			}
			stack[depth++] = n;
		}
	}
	if (root && hs_y_is_null(root)) { /* "---" alone: an empty document */
		ynode_free_rec(root);
		root = NULL;
	}
	if (!root) {
		yaml_mark_t m = { 0, 0, 0 };
		root = ynode_new(HS_Y_MAP, &m, file);
		if (!root)
			hs_errs_add(errs, file, 0, 0, "out of memory while reading YAML");
	}
	return root;
fail:
	ynode_free_rec(root);
	return NULL;
}

static hs_ynode *load_common(yaml_parser_t *p, const char *name, hs_errs *errs)
{
	size_t nl = strlen(name);
	/* The name is copied into a block that the root node's `file` points
	 * into; the block is freed with the root (see hs_ynode_free). */
	char *fname = malloc(nl + 1);
	hs_ynode *root;

	if (!fname) {
		hs_errs_add(errs, name, 0, 0, "out of memory");
		return NULL;
	}
	memcpy(fname, name, nl + 1);
	root = yaml_build(p, fname, errs);
	if (!root) {
		free(fname);
		return NULL;
	}
	return root;
}

hs_ynode *hs_yaml_load_string(const char *buf, size_t len, const char *name,
                              hs_errs *errs)
{
	yaml_parser_t p;
	hs_ynode *root;

	if (!yaml_parser_initialize(&p)) {
		hs_errs_add(errs, name, 0, 0, "cannot initialise YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	root = load_common(&p, name, errs);
	yaml_parser_delete(&p);
	return root;
}

hs_ynode *hs_yaml_load_file(const char *path, hs_errs *errs)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t p;
	hs_ynode *root = NULL;

	if (!f) {
		hs_errs_add(errs, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (!yaml_parser_initialize(&p)) {
		hs_errs_add(errs, path, 0, 0, "cannot initialise YAML parser");
		goto out;
	}
	yaml_parser_set_input_file(&p, f);
	root = load_common(&p, path, errs);
	yaml_parser_delete(&p);
out:
	fclose(f);
	return root;
}

void hs_ynode_free(hs_ynode *root)
{
	if (!root)
		return;
	char *fname = (char *)root->file;
	ynode_free_rec(root);
	free(fname);
}

const hs_ynode *hs_ymap_get(const hs_ynode *map, const char *key)
{
	if (!map || map->type != HS_Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].val;
	return NULL;
}

bool hs_y_is_null(const hs_ynode *n)
{
	if (!n)
		return true;
	if (n->type != HS_Y_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 ||
	       strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	       strcmp(n->str, "NULL") == 0;
}

void hs_y_error(const hs_ynode *n, hs_errs *errs, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hs_errs_add(errs, n ? n->file : NULL, n ? n->line : 0, n ? n->col : 0,
	            "%s", msg);
}

static const char *ytype_name(hs_ytype t)
{
	return t == HS_Y_MAP ? "a mapping" : t == HS_Y_SEQ ? "a list" : "a scalar";
}

int hs_y_expect(const hs_ynode *n, hs_ytype type, const char *what,
                hs_errs *errs)
{
	if (n && n->type == type)
		return 0;
	hs_y_error(n, errs, "%s must be %s, not %s", what, ytype_name(type),
	           n ? ytype_name(n->type) : "missing");
	return -1;
}

int hs_y_string(const hs_ynode *n, const char *what, hs_errs *errs,
                const char **out)
{
	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	if (memchr(n->str, '\0', n->len)) {
		hs_y_error(n, errs, "%s contains a NUL character", what);
		return -1;
	}
	*out = n->str;
	return 0;
}

int hs_y_bool(const hs_ynode *n, const char *what, hs_errs *errs, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "off", NULL };

	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	for (int i = 0; yes[i]; i++)
		if (strcmp(n->str, yes[i]) == 0) {
			*out = true;
			return 0;
		}
	for (int i = 0; no[i]; i++)
		if (strcmp(n->str, no[i]) == 0) {
			*out = false;
			return 0;
		}
	hs_y_error(n, errs, "%s must be true or false, not '%s'", what, n->str);
	return -1;
}

int hs_y_int(const hs_ynode *n, const char *what, int64_t min, int64_t max,
             hs_errs *errs, int64_t *out)
{
	char *end;
	long long v;

	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (n->len == 0 || *end != '\0' || errno ||
	    !(n->str[0] == '-' || (n->str[0] >= '0' && n->str[0] <= '9'))) {
		hs_y_error(n, errs, "%s must be a whole number, not '%s'", what, n->str);
		return -1;
	}
	if (v < min || v > max) {
		hs_y_error(n, errs, "%s must be between %" PRId64 " and %" PRId64 ", not %lld",
		           what, min, max, v);
		return -1;
	}
	*out = v;
	return 0;
}

int hs_y_double(const hs_ynode *n, const char *what, double min, double max,
                hs_errs *errs, double *out)
{
	char *end;
	double v;

	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	errno = 0;
	v = strtod(n->str, &end);
	if (n->len == 0 || *end != '\0' || errno || isnan(v)) {
		hs_y_error(n, errs, "%s must be a number, not '%s'", what, n->str);
		return -1;
	}
	if (v < min || v > max) {
		hs_y_error(n, errs, "%s must be between %g and %g, not %g", what, min,
		           max, v);
		return -1;
	}
	*out = v;
	return 0;
}

/* Parse "<number><unit>" with a unit table; returns -1 if no unit matched. */
static int parse_with_unit(const char *s, const char *const *units,
                           const double *mult, double *out)
{
	char *end;
	if (!(s[0] >= '0' && s[0] <= '9') || strpbrk(s, "xX"))
		return -1; /* no signs, hex, inf or nan */
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || isnan(v) || v < 0)
		return -1;
	while (*end == ' ')
		end++;
	for (int i = 0; units[i]; i++) {
		if (strcmp(end, units[i]) == 0) {
			*out = v * mult[i];
			return 0;
		}
	}
	return -1;
}

int hs_y_duration(const hs_ynode *n, const char *what, hs_errs *errs,
                  int64_t *out_us)
{
	static const char *const units[] = { "", "us", "ms", "s", "m", "min", "h", "d", NULL };
	static const double mult[] = { 1e6, 1, 1e3, 1e6, 60e6, 60e6, 3600e6, 86400e6 };
	double v;

	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	if (parse_with_unit(n->str, units, mult, &v) < 0 || v > 9.2e18) {
		hs_y_error(n, errs, "%s must be a duration such as 250ms, 5s, 2m, 1h or 7d, not '%s'",
		           what, n->str);
		return -1;
	}
	*out_us = (int64_t)v;
	return 0;
}

int hs_y_size(const hs_ynode *n, const char *what, hs_errs *errs,
              uint64_t *out)
{
	static const char *const units[] = { "", "B", "KiB", "MiB", "GiB", "TiB",
	                                     "kB", "KB", "MB", "GB", "TB", NULL };
	static const double mult[] = { 1, 1, 1024.0, 1048576.0, 1073741824.0,
	                               1099511627776.0, 1e3, 1e3, 1e6, 1e9, 1e12 };
	double v;

	if (hs_y_expect(n, HS_Y_SCALAR, what, errs) < 0)
		return -1;
	if (parse_with_unit(n->str, units, mult, &v) < 0 || v > 1.8e19) {
		hs_y_error(n, errs, "%s must be a size such as 512KiB, 64MiB or 1GiB, not '%s'",
		           what, n->str);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

int hs_y_check_keys(const hs_ynode *map, const char *const *allowed,
                    const char *what, hs_errs *errs)
{
	int bad = 0;

	if (!map || map->type != HS_Y_MAP)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		const hs_ynode *k = map->pairs[i].key;
		int ok = 0;
		for (int j = 0; allowed[j]; j++)
			if (strcmp(k->str, allowed[j]) == 0)
				ok = 1;
		if (!ok) {
			hs_y_error(k, errs, "unknown key '%s' in %s", k->str, what);
			bad++;
		}
	}
	return bad;
}
