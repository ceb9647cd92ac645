/* hearsay unit tests: scratch directories (see scratch.h). */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <check.h>

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
