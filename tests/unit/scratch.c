/* hearsay unit tests: scratch directories (see scratch.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include <hearsay/post.h>

#include "scratch.h"

char hs_scratch_dir[256];
static char basedir[128];

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void hs_scratch_rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void hs_scratch_base_setup(void)
{
	snprintf(basedir, sizeof(basedir), "/tmp/hs-unit-XXXXXX");
	if (!mkdtemp(basedir))
		abort();
}

void hs_scratch_base_teardown(void)
{
	hs_scratch_rm_rf(basedir); /* whatever a failed test left behind */
}

void hs_scratch_setup(void)
{
	snprintf(hs_scratch_dir, sizeof(hs_scratch_dir), "%s/t-XXXXXX", basedir);
	ck_assert_ptr_nonnull(mkdtemp(hs_scratch_dir));
}

void hs_scratch_teardown(void)
{
	hs_scratch_rm_rf(hs_scratch_dir);
}

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

char *hs_fixture_load(const char *subdir, const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s/%s", HS_SRCDIR, subdir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

int hs_collect_sink(void *ud, hs_post *p)
{
	hs_collect *c = ud;
	ck_assert_uint_lt(c->n, 64);
	c->posts[c->n++] = p; /* the collector owns it now */
	return c->stop_after && c->n >= c->stop_after;
}

void hs_collect_free(hs_collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		hs_post_free(c->posts[i]);
	c->n = 0;
}
