/* hearsay: unit tests for the YAML tree (daemon/ytree.c).
 *
 * Documents are parsed from strings named "t.yaml" so that every expected
 * error shows the exact file:line:column it should carry.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "ytree.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* ---- helpers ----------------------------------------------------------------- */

static hs_ynode *ld(const char *doc, hs_errs *e)
{
	return hs_yaml_load_string(doc, strlen(doc), "t.yaml", e);
}

/* Assert that errs holds exactly one message, equal to want. */
#define ck_one_err(e, want)                                                     \
	do {                                                                        \
		ck_assert_uint_eq((e)->n, 1);                                           \
		ck_assert_str_eq((e)->msgs[0], (want));                                 \
	} while (0)

/* Parse "k: <value>" and return the tree; the value node is *val. */
static hs_ynode *ld_val(const char *doc, const hs_ynode **val)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *root = ld(doc, &e);
	ck_assert_msg(root != NULL, "cannot parse %s", doc);
	ck_assert_uint_eq(e.n, 0);
	*val = hs_ymap_get(root, "k");
	ck_assert_ptr_nonnull(*val);
	return root;
}

/* ---- structure and positions -------------------------------------------------- */

START_TEST(test_positions)
{
	static const char doc[] =
		"a: 1\n"                  /* 1 */
		"b:\n"                    /* 2 */
		"  - x\n"                 /* 3 */
		"  - y: 2\n"              /* 4 */
		"    z: \"q r\"\n"        /* 5 */
		"c: {k: v, n: [1, 2]}\n"  /* 6 */
		"d: 'single'\n";          /* 7 */
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *root = ld(doc, &e);

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(root->type, HS_Y_MAP);
	ck_assert_int_eq(root->line, 1);
	ck_assert_int_eq(root->col, 1);
	ck_assert_str_eq(root->file, "t.yaml");
	ck_assert_uint_eq(root->n, 4);
	/* document order is kept */
	ck_assert_str_eq(root->pairs[0].key->str, "a");
	ck_assert_str_eq(root->pairs[1].key->str, "b");
	ck_assert_str_eq(root->pairs[2].key->str, "c");
	ck_assert_str_eq(root->pairs[3].key->str, "d");
	ck_assert_int_eq(root->pairs[1].key->line, 2);
	ck_assert_int_eq(root->pairs[1].key->col, 1);

	const hs_ynode *a = hs_ymap_get(root, "a");
	ck_assert_int_eq(a->type, HS_Y_SCALAR);
	ck_assert_str_eq(a->str, "1");
	ck_assert_uint_eq(a->len, 1);
	ck_assert(a->plain);
	ck_assert_int_eq(a->line, 1);
	ck_assert_int_eq(a->col, 4);

	const hs_ynode *b = hs_ymap_get(root, "b");
	ck_assert_int_eq(b->type, HS_Y_SEQ);
	ck_assert_uint_eq(b->n, 2);
	ck_assert_int_eq(b->line, 3);
	ck_assert_int_eq(b->col, 3);
	ck_assert_int_eq(b->items[0]->type, HS_Y_SCALAR);
	ck_assert_str_eq(b->items[0]->str, "x");
	ck_assert_int_eq(b->items[0]->line, 3);
	ck_assert_int_eq(b->items[0]->col, 5);

	const hs_ynode *m = b->items[1];
	ck_assert_int_eq(m->type, HS_Y_MAP);
	ck_assert_int_eq(m->line, 4);
	ck_assert_int_eq(m->col, 5);
	ck_assert_uint_eq(m->n, 2);
	const hs_ynode *y = hs_ymap_get(m, "y");
	ck_assert_str_eq(y->str, "2");
	ck_assert_int_eq(y->line, 4);
	ck_assert_int_eq(y->col, 8);
	const hs_ynode *z = hs_ymap_get(m, "z");
	ck_assert_str_eq(z->str, "q r");
	ck_assert(!z->plain);
	ck_assert_int_eq(z->line, 5);
	ck_assert_int_eq(z->col, 8);

	const hs_ynode *c = hs_ymap_get(root, "c");
	ck_assert_int_eq(c->type, HS_Y_MAP);
	ck_assert_int_eq(c->line, 6);
	ck_assert_int_eq(c->col, 4);
	const hs_ynode *k = hs_ymap_get(c, "k");
	ck_assert_str_eq(k->str, "v");
	ck_assert_int_eq(k->line, 6);
	ck_assert_int_eq(k->col, 8);
	const hs_ynode *n = hs_ymap_get(c, "n");
	ck_assert_int_eq(n->type, HS_Y_SEQ);
	ck_assert_uint_eq(n->n, 2);
	ck_assert_int_eq(n->col, 14);
	ck_assert_str_eq(n->items[1]->str, "2");
	ck_assert_int_eq(n->items[1]->col, 18);

	const hs_ynode *d = hs_ymap_get(root, "d");
	ck_assert_str_eq(d->str, "single");
	ck_assert(!d->plain);
	ck_assert_int_eq(d->line, 7);
	ck_assert_int_eq(d->col, 4);

	/* lookups that must fail */
	ck_assert_ptr_null(hs_ymap_get(root, "missing"));
	ck_assert_ptr_null(hs_ymap_get(b, "x"));   /* not a mapping */
	ck_assert_ptr_null(hs_ymap_get(NULL, "a"));
	hs_ynode_free(root);
}
END_TEST

START_TEST(test_scalar_root_and_seq_root)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("- 1\n- two\n", &e);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->type, HS_Y_SEQ);
	ck_assert_uint_eq(r->n, 2);
	ck_assert_str_eq(r->items[1]->str, "two");
	ck_assert_int_eq(r->items[1]->line, 2);
	ck_assert_int_eq(r->items[1]->col, 3);
	hs_ynode_free(r);

	r = ld("just text\n", &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->type, HS_Y_SCALAR);
	ck_assert_str_eq(r->str, "just text");
	hs_ynode_free(r);
	ck_assert_uint_eq(e.n, 0);
}
END_TEST

START_TEST(test_block_scalars_and_multiline)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("lit: |\n  one\n  two\nfold: >\n  a\n  b\nq: \"x\\ty\"\n", &e);

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(hs_ymap_get(r, "lit")->str, "one\ntwo\n");
	ck_assert_uint_eq(hs_ymap_get(r, "lit")->len, 8);
	ck_assert_str_eq(hs_ymap_get(r, "fold")->str, "a b\n");
	ck_assert_str_eq(hs_ymap_get(r, "q")->str, "x\ty");
	ck_assert_int_eq(hs_ymap_get(r, "fold")->line, 4);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_empty_document)
{
	static const char *const docs[] = { "", "# only a comment\n", "\n\n", "---\n",
	                                    "---\n...\n" };
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		hs_errs e = HS_ERRS_INIT;
		hs_ynode *r = ld(docs[i], &e);
		ck_assert_msg(r != NULL, "doc %zu not parsed", i);
		ck_assert_uint_eq(e.n, 0);
		ck_assert_msg(r->type == HS_Y_MAP, "doc %zu: empty document must be an empty map, got type %d",
		              i, (int)r->type);
		ck_assert_uint_eq(r->n, 0);
		ck_assert_str_eq(r->file, "t.yaml");
		ck_assert_ptr_null(hs_ymap_get(r, "anything"));
		hs_ynode_free(r);
	}
}
END_TEST

START_TEST(test_is_null)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("a: ~\nb: null\nc:\nd: NULL\ne: 'null'\nf: \"\"\ng: nil\nh: []\ni: Null\n", &e);

	ck_assert_ptr_nonnull(r);
	ck_assert(hs_y_is_null(hs_ymap_get(r, "a")));
	ck_assert(hs_y_is_null(hs_ymap_get(r, "b")));
	ck_assert(hs_y_is_null(hs_ymap_get(r, "c")));
	ck_assert(hs_y_is_null(hs_ymap_get(r, "d")));
	ck_assert(hs_y_is_null(hs_ymap_get(r, "i")));
	ck_assert(!hs_y_is_null(hs_ymap_get(r, "e"))); /* quoted: a string */
	ck_assert(!hs_y_is_null(hs_ymap_get(r, "f"))); /* quoted empty string */
	ck_assert(!hs_y_is_null(hs_ymap_get(r, "g")));
	ck_assert(!hs_y_is_null(hs_ymap_get(r, "h")));
	ck_assert(hs_y_is_null(NULL));
	hs_ynode_free(r);
}
END_TEST

/* ---- structural errors ---------------------------------------------------------- */

START_TEST(test_duplicate_key)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("a: 1\nb: 2\na: 3\n", &e);

	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:3:1: duplicate key 'a' (first at line 1)");
	hs_errs_clear(&e);

	/* nested, with the position of the second key */
	r = ld("top:\n  x: 1\n  y: 2\n  x: 3\n", &e);
	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:4:3: duplicate key 'x' (first at line 2)");
	hs_errs_clear(&e);

	/* flow mapping */
	r = ld("m: {p: 1, p: 2}\n", &e);
	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:1:11: duplicate key 'p' (first at line 1)");
	hs_errs_clear(&e);

	/* same key in different mappings is fine */
	r = ld("a: {x: 1}\nb: {x: 2}\n", &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(e.n, 0);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_alias_refused)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("a: &x 1\nb: *x\n", &e);

	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:2:4: YAML aliases (*x) are not supported");
	hs_errs_clear(&e);

	/* merge keys are aliases too */
	r = ld("base: &b {x: 1}\nother:\n  <<: *b\n", &e);
	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:3:7: YAML aliases (*b) are not supported");
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_syntax_error_position)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("a: 1\nb: c: d\n", &e);

	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:2:5: YAML syntax error: mapping values are not allowed "
	               "in this context");
	hs_errs_clear(&e);

	/* unterminated flow sequence: reported where libyaml noticed it */
	r = ld("a: [1, 2\nb: 3\n", &e);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_msg(strncmp(e.msgs[0], "t.yaml:", 7) == 0, "%s", e.msgs[0]);
	int line = 0, col = 0;
	ck_assert_int_eq(sscanf(e.msgs[0], "t.yaml:%d:%d:", &line, &col), 2);
	ck_assert_int_ge(line, 2);
	ck_assert_int_ge(col, 1);
	ck_assert_ptr_nonnull(strstr(e.msgs[0], ": YAML syntax error: "));
	hs_errs_clear(&e);

	/* tab indentation */
	r = ld("a:\n\t- 1\n", &e);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_msg(strncmp(e.msgs[0], "t.yaml:2:", 9) == 0, "%s", e.msgs[0]);
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_multiple_documents_refused)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("a: 1\n---\nb: 2\n", &e);

	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:2:1: only one YAML document per file is allowed");
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_nonscalar_key_refused)
{
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("? [a, b]\n: 1\n", &e);

	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:1:3: mapping keys must be plain strings");
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_depth_limit)
{
	char doc[512];
	size_t o = 0;
	hs_errs e = HS_ERRS_INIT;

	/* 64 nested flow sequences are fine, 65 are not */
	for (int i = 0; i < 64; i++)
		doc[o++] = '[';
	for (int i = 0; i < 64; i++)
		doc[o++] = ']';
	doc[o] = 0;
	hs_ynode *r = ld(doc, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(e.n, 0);
	hs_ynode_free(r);

	o = 0;
	for (int i = 0; i < 65; i++)
		doc[o++] = '[';
	for (int i = 0; i < 65; i++)
		doc[o++] = ']';
	doc[o] = 0;
	r = ld(doc, &e);
	ck_assert_ptr_null(r);
	ck_one_err(&e, "t.yaml:1:65: YAML nested deeper than 64 levels");
	hs_errs_clear(&e);
}
END_TEST

/* A scratch directory made and removed outside the forked tests, so that it
 * goes away even when a test fails. */
static char dir[64];

static void dir_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hs-ytree-XXXXXX");
	if (!mkdtemp(dir))
		abort();
}

static void dir_teardown(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	unlink(path);
	rmdir(dir);
}

START_TEST(test_load_file)
{
	char path[300];
	hs_errs e = HS_ERRS_INIT;

	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# comment\nlist:\n  - one\n  - two\n", f);
	fclose(f);

	hs_ynode *r = hs_yaml_load_file(path, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(e.n, 0);
	const hs_ynode *l = hs_ymap_get(r, "list");
	ck_assert_uint_eq(l->n, 2);
	ck_assert_str_eq(l->items[1]->file, path);
	ck_assert_int_eq(l->items[1]->line, 4);
	ck_assert_int_eq(l->items[1]->col, 5);
	/* an error message uses the path given */
	int64_t v;
	ck_assert_int_eq(hs_y_int(l->items[1], "list item", 0, 10, &e, &v), -1);
	char want[400];
	snprintf(want, sizeof(want), "%s:4:5: list item must be a whole number, not 'two'", path);
	ck_one_err(&e, want);
	hs_errs_clear(&e);
	hs_ynode_free(r);

	/* duplicate key in a file */
	f = fopen(path, "w");
	fputs("x: 1\n\n   \nx: 2\n", f);
	fclose(f);
	r = hs_yaml_load_file(path, &e);
	ck_assert_ptr_null(r);
	snprintf(want, sizeof(want), "%s:4:1: duplicate key 'x' (first at line 1)", path);
	ck_one_err(&e, want);
	hs_errs_clear(&e);

	unlink(path);
	/* missing file */
	r = hs_yaml_load_file(path, &e);
	ck_assert_ptr_null(r);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	ck_one_err(&e, want);
	hs_errs_clear(&e);
}
END_TEST

/* ---- typed accessors ------------------------------------------------------------ */

START_TEST(test_int)
{
	const hs_ynode *v;
	hs_errs e = HS_ERRS_INIT;
	int64_t out = 0;
	hs_ynode *r;

	r = ld_val("k: 42\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", 1, 64, &e, &out), 0);
	ck_assert_int_eq(out, 42);
	hs_ynode_free(r);

	r = ld_val("k: -7\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", -10, 10, &e, &out), 0);
	ck_assert_int_eq(out, -7);
	hs_ynode_free(r);

	r = ld_val("k: 9223372036854775807\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", INT64_MIN, INT64_MAX, &e, &out), 0);
	ck_assert_int_eq(out, INT64_MAX);
	hs_ynode_free(r);
	ck_assert_uint_eq(e.n, 0);

	/* range: both ends inclusive */
	r = ld_val("k: 64\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", 1, 64, &e, &out), 0);
	ck_assert_int_eq(out, 64);
	hs_ynode_free(r);

	out = 123;
	r = ld_val("k: 0\n", &v);
	ck_assert_int_eq(hs_y_int(v, "workers", 1, 64, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: workers must be between 1 and 64, not 0");
	ck_assert_int_eq(out, 123); /* untouched on error */
	hs_errs_clear(&e);
	hs_ynode_free(r);

	r = ld_val("k: 65\n", &v);
	ck_assert_int_eq(hs_y_int(v, "workers", 1, 64, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: workers must be between 1 and 64, not 65");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	r = ld_val("k: -1\n", &v);
	ck_assert_int_eq(hs_y_int(v, "n", 0, 10, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: n must be between 0 and 10, not -1");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	static const char *const bad[] = { "k: many\n", "k: 12abc\n", "k: 1.5\n",
	                                   "k: 99999999999999999999\n", "k: ''\n",
	                                   "k: 0x10\n" };
	static const char *const want[] = {
		"t.yaml:1:4: k must be a whole number, not 'many'",
		"t.yaml:1:4: k must be a whole number, not '12abc'",
		"t.yaml:1:4: k must be a whole number, not '1.5'",
		"t.yaml:1:4: k must be a whole number, not '99999999999999999999'",
		"t.yaml:1:4: k must be a whole number, not ''",
		"t.yaml:1:4: k must be a whole number, not '0x10'",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = ld_val(bad[i], &v);
		ck_assert_int_eq(hs_y_int(v, "k", INT64_MIN, INT64_MAX, &e, &out), -1);
		ck_one_err(&e, want[i]);
		hs_errs_clear(&e);
		hs_ynode_free(r);
	}

	/* not a scalar */
	r = ld_val("k:\n  a: 1\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", 0, 1, &e, &out), -1);
	ck_one_err(&e, "t.yaml:2:3: k must be a scalar, not a mapping");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	r = ld_val("k: [1]\n", &v);
	ck_assert_int_eq(hs_y_int(v, "k", 0, 1, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: k must be a scalar, not a list");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	/* a missing node */
	ck_assert_int_eq(hs_y_int(NULL, "k", 0, 1, &e, &out), -1);
	ck_one_err(&e, "k must be a scalar, not missing");
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_bool)
{
	static const struct { const char *doc; bool want; } ok[] = {
		{ "k: true\n", true },  { "k: True\n", true }, { "k: yes\n", true },
		{ "k: on\n", true },    { "k: false\n", false }, { "k: no\n", false },
		{ "k: off\n", false },  { "k: FALSE\n", false },
	};
	const hs_ynode *v;
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		bool out = !ok[i].want;
		r = ld_val(ok[i].doc, &v);
		ck_assert_int_eq(hs_y_bool(v, "k", &e, &out), 0);
		ck_assert_msg(out == ok[i].want, "%s", ok[i].doc);
		hs_ynode_free(r);
	}
	ck_assert_uint_eq(e.n, 0);

	bool out = true;
	r = ld_val("rebase: maybe\nk: 1\n", &v);
	ck_assert_int_eq(hs_y_bool(v, "loop", &e, &out), -1);
	ck_one_err(&e, "t.yaml:2:4: loop must be true or false, not '1'");
	ck_assert(out);
	hs_errs_clear(&e);
	ck_assert_int_eq(hs_y_bool(hs_ymap_get(r, "rebase"), "rebase", &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:9: rebase must be true or false, not 'maybe'");
	hs_errs_clear(&e);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_double)
{
	const hs_ynode *v;
	hs_errs e = HS_ERRS_INIT;
	double out = 0;
	hs_ynode *r;

	r = ld_val("k: 60\n", &v);
	ck_assert_int_eq(hs_y_double(v, "speed", 0, 1e9, &e, &out), 0);
	ck_assert(out == 60.0);
	hs_ynode_free(r);
	r = ld_val("k: 0.25\n", &v);
	ck_assert_int_eq(hs_y_double(v, "speed", 0, 1e9, &e, &out), 0);
	ck_assert(out == 0.25);
	hs_ynode_free(r);
	ck_assert_uint_eq(e.n, 0);

	r = ld_val("k: -1\n", &v);
	ck_assert_int_eq(hs_y_double(v, "speed", 0, 100, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: speed must be between 0 and 100, not -1");
	hs_errs_clear(&e);
	hs_ynode_free(r);
	r = ld_val("k: fast\n", &v);
	ck_assert_int_eq(hs_y_double(v, "speed", 0, 100, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: speed must be a number, not 'fast'");
	hs_errs_clear(&e);
	hs_ynode_free(r);
	r = ld_val("k: nan\n", &v);
	ck_assert_int_eq(hs_y_double(v, "speed", 0, 100, &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: speed must be a number, not 'nan'");
	hs_errs_clear(&e);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_duration)
{
	static const struct { const char *doc; int64_t us; } ok[] = {
		{ "k: 250ms\n", 250000 },
		{ "k: 5s\n", 5000000 },
		{ "k: 2m\n", 120000000 },
		{ "k: 1h\n", 3600000000LL },
		{ "k: 7d\n", 7 * 86400000000LL },
		{ "k: 10\n", 10000000 },         /* bare number: seconds */
		{ "k: 1.5s\n", 1500000 },
		{ "k: 750us\n", 750 },
		{ "k: 3min\n", 180000000 },
		{ "k: 0\n", 0 },
	};
	const hs_ynode *v;
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t out = -1;
		r = ld_val(ok[i].doc, &v);
		ck_assert_int_eq(hs_y_duration(v, "k", &e, &out), 0);
		ck_assert_msg(out == ok[i].us, "%s -> %lld, want %lld", ok[i].doc,
		              (long long)out, (long long)ok[i].us);
		hs_ynode_free(r);
	}
	ck_assert_uint_eq(e.n, 0);

	static const char *const bad[] = { "k: soon\n", "k: 5x\n", "k: -1s\n", "k: s\n",
	                                   "k: 5 sec\n", "k: ''\n", "k: 1e30d\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t out = 77;
		char want[200];
		r = ld_val(bad[i], &v);
		ck_assert_int_eq(hs_y_duration(v, "batch_time", &e, &out), -1);
		snprintf(want, sizeof(want),
		         "t.yaml:1:4: batch_time must be a duration such as 250ms, 5s, 2m, 1h "
		         "or 7d, not '%s'", v->str);
		ck_one_err(&e, want);
		ck_assert_int_eq(out, 77);
		hs_errs_clear(&e);
		hs_ynode_free(r);
	}

	r = ld_val("k: [5s]\n", &v);
	int64_t out;
	ck_assert_int_eq(hs_y_duration(v, "timeout", &e, &out), -1);
	ck_one_err(&e, "t.yaml:1:4: timeout must be a scalar, not a list");
	hs_errs_clear(&e);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_size)
{
	static const struct { const char *doc; uint64_t n; } ok[] = {
		{ "k: 64MiB\n", 64ull << 20 },
		{ "k: 512KiB\n", 512ull << 10 },
		{ "k: 1GiB\n", 1ull << 30 },
		{ "k: 2TiB\n", 2ull << 40 },
		{ "k: 8MB\n", 8000000 },
		{ "k: 3kB\n", 3000 },
		{ "k: 100\n", 100 },
		{ "k: 100B\n", 100 },
		{ "k: 1.5MiB\n", 3ull << 19 },
	};
	const hs_ynode *v;
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t out = 1;
		r = ld_val(ok[i].doc, &v);
		ck_assert_int_eq(hs_y_size(v, "k", &e, &out), 0);
		ck_assert_msg(out == ok[i].n, "%s -> %llu", ok[i].doc, (unsigned long long)out);
		hs_ynode_free(r);
	}
	ck_assert_uint_eq(e.n, 0);

	static const char *const bad[] = { "k: huge\n", "k: 64Mb\n", "k: 64mib\n",
	                                   "k: -1MiB\n", "k: MiB\n", "k: 100PiB\n",
	                                   "k: 99999999TiB\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t out = 77;
		char want[200];
		r = ld_val(bad[i], &v);
		ck_assert_int_eq(hs_y_size(v, "store.map_size", &e, &out), -1);
		snprintf(want, sizeof(want),
		         "t.yaml:1:4: store.map_size must be a size such as 512KiB, 64MiB or "
		         "1GiB, not '%s'", v->str);
		ck_one_err(&e, want);
		ck_assert_uint_eq(out, 77);
		hs_errs_clear(&e);
		hs_ynode_free(r);
	}
}
END_TEST

START_TEST(test_string_and_expect)
{
	const hs_ynode *v;
	const char *s = NULL;
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r;

	r = ld_val("k: \"caf\\u00e9\"\n", &v);
	ck_assert_int_eq(hs_y_string(v, "k", &e, &s), 0);
	ck_assert_str_eq(s, "caf\xc3\xa9");
	hs_ynode_free(r);

	/* an embedded NUL (a YAML escape) is refused */
	r = ld_val("k: \"a\\0b\"\n", &v);
	ck_assert_uint_eq(v->len, 3);
	ck_assert_int_eq(hs_y_string(v, "name", &e, &s), -1);
	ck_one_err(&e, "t.yaml:1:4: name contains a NUL character");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	r = ld_val("k:\n  - a\n", &v);
	ck_assert_int_eq(hs_y_string(v, "name", &e, &s), -1);
	ck_one_err(&e, "t.yaml:2:3: name must be a scalar, not a list");
	hs_errs_clear(&e);
	ck_assert_int_eq(hs_y_expect(v, HS_Y_SEQ, "sources", &e), 0);
	ck_assert_int_eq(hs_y_expect(v, HS_Y_MAP, "store", &e), -1);
	ck_one_err(&e, "t.yaml:2:3: store must be a mapping, not a list");
	hs_errs_clear(&e);
	ck_assert_int_eq(hs_y_expect(r, HS_Y_SEQ, "rules", &e), -1);
	ck_one_err(&e, "t.yaml:1:1: rules must be a list, not a mapping");
	hs_errs_clear(&e);
	hs_ynode_free(r);

	/* hs_y_error formats at the node */
	r = ld_val("x: 1\nk: value\n", &v);
	hs_y_error(v, &e, "custom %d %s", 7, "thing");
	ck_one_err(&e, "t.yaml:2:4: custom 7 thing");
	hs_errs_clear(&e);
	hs_ynode_free(r);
}
END_TEST

START_TEST(test_check_keys)
{
	static const char *const allowed[] = { "path", "speed", NULL };
	hs_errs e = HS_ERRS_INIT;
	hs_ynode *r = ld("src:\n  path: x\n  sped: 2\n  speed: 3\n  colour: red\n", &e);

	ck_assert_ptr_nonnull(r);
	const hs_ynode *src = hs_ymap_get(r, "src");
	ck_assert_int_eq(hs_y_check_keys(src, allowed, "replay source", &e), 2);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_str_eq(e.msgs[0], "t.yaml:3:3: unknown key 'sped' in replay source");
	ck_assert_str_eq(e.msgs[1], "t.yaml:5:3: unknown key 'colour' in replay source");
	hs_errs_clear(&e);

	/* all known: nothing added */
	static const char *const all[] = { "path", "speed", "sped", "colour", NULL };
	ck_assert_int_eq(hs_y_check_keys(src, all, "x", &e), 0);
	ck_assert_uint_eq(e.n, 0);
	/* not a mapping: 0, nothing added */
	ck_assert_int_eq(hs_y_check_keys(hs_ymap_get(src, "path"), allowed, "x", &e), 0);
	ck_assert_int_eq(hs_y_check_keys(NULL, allowed, "x", &e), 0);
	ck_assert_uint_eq(e.n, 0);
	/* the root */
	ck_assert_int_eq(hs_y_check_keys(r, allowed, "the configuration", &e), 1);
	ck_one_err(&e, "t.yaml:1:1: unknown key 'src' in the configuration");
	hs_errs_clear(&e);
	hs_ynode_free(r);
}
END_TEST

static Suite *ytree_suite(void)
{
	Suite *s = suite_create("ytree");
	TCase *tc = tcase_create("structure");

	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_scalar_root_and_seq_root);
	tcase_add_test(tc, test_block_scalars_and_multiline);
	tcase_add_test(tc, test_empty_document);
	tcase_add_test(tc, test_is_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_duplicate_key);
	tcase_add_test(tc, test_alias_refused);
	tcase_add_test(tc, test_syntax_error_position);
	tcase_add_test(tc, test_multiple_documents_refused);
	tcase_add_test(tc, test_nonscalar_key_refused);
	tcase_add_test(tc, test_depth_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("accessors");
	tcase_add_test(tc, test_int);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_double);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_string_and_expect);
	tcase_add_test(tc, test_check_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ytree_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
