/* hearsay unit tests: scratch directories and fixture files.
 *
 * Each Check test case gets a base directory from an unchecked fixture (it
 * runs in the runner process, so the directory goes away even when a test
 * fails) and each test a fresh directory inside it, hs_scratch_dir.
 */
#ifndef HS_TEST_SCRATCH_H
#define HS_TEST_SCRATCH_H

#include <stddef.h>

extern char hs_scratch_dir[256];

/* Unchecked fixture: make / remove the base directory. */
void hs_scratch_base_setup(void);
void hs_scratch_base_teardown(void);
/* Checked fixture: make / remove this test's directory. */
void hs_scratch_setup(void);
void hs_scratch_teardown(void);
/* rm -rf path (no symlinks followed). */
void hs_scratch_rm_rf(const char *path);

/* Contents of HS_SRCDIR/tests/fixtures/SUBDIR/NAME, NUL-terminated
 * (fails the test if it cannot be read). Caller frees. */
char *hs_fixture_load(const char *subdir, const char *name, size_t *len);

/* A post sink that keeps what it gets (at most 64 posts: more fails the
 * test); a non-zero stop_after stops the parser after that many. */
struct hs_post;
typedef struct hs_collect {
	struct hs_post *posts[64];
	size_t n;
	size_t stop_after; /* 0 = never */
} hs_collect;
int hs_collect_sink(void *ud, struct hs_post *p);
/* Free the posts kept so far. */
void hs_collect_free(hs_collect *c);

#endif
