/* hearsay fuzz target: the rule pack loader.
 *
 * Input: the bytes of one rule pack (YAML). It is written to one
 * per-process temporary file (a memfd reached as /proc/self/fd/N, or a file
 * under $TMPDIR) and loaded with hs_ruleset_load_files(), which validates
 * every rule and compiles its regexes and terms lists with PCRE2 (JIT when
 * available). A set that loads is then used: every rule is looked up by id,
 * a fixed text is matched with hs_ruleset_match_text(), and the pack's own
 * tests (tests.match / tests.no_match) are run with hs_ruleset_run_tests().
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
#include <hearsay/rules.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#include "fuzz_input.h"


int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hs_log_set_level(HS_LOG_ERR);
	input_file_open("rules");
	return 0;
}

/* ---- using a loaded set ------------------------------------------------------------ */

static const char fixed_text[] =
	"Apparently they're planning something at the march on Saturday - "
	"share before it's deleted! Rivertown caf\xc3\xa9 \xe2\x80\x99 ok 12:00.";

typedef struct hit_check {
	const hs_ruleset *rs;
	size_t len;
	size_t n;
} hit_check;

static int on_hit(void *ud, const hs_rule_info *rule, hs_field field,
                  size_t start, size_t end)
{
	hit_check *h = ud;

	/* the rule belongs to the set, the span lies within the text */
	if (hs_ruleset_find(h->rs, rule->id) < 0 || field != HS_FIELD_TEXT ||
	    start > end || end > h->len)
		abort();
	h->n++;
	return 0;
}

static void use_set(hs_ruleset *rs)
{
	hs_errs errs = HS_ERRS_INIT;
	size_t n = hs_ruleset_count(rs), n_run = 0;
	hs_rule_scratch *s;
	hit_check hc = { rs, sizeof(fixed_text) - 1, 0 };
	int hits;

	for (size_t i = 0; i < n; i++) {
		const hs_rule_info *ri = hs_ruleset_rule(rs, i);
		if (!ri || !ri->id || !ri->title || !ri->description || !ri->file)
			abort();
		if (hs_ruleset_find(rs, ri->id) != (long)i)
			abort(); /* ids are unique in a loaded set */
		if (hs_severity_name(ri->severity) == NULL ||
		    hs_category_name(ri->category) == NULL)
			abort();
	}
	if (hs_ruleset_rule(rs, n) != NULL || hs_ruleset_find(rs, "-") != -1)
		abort();

	s = hs_rule_scratch_new(rs);
	if (!s)
		abort();
	hits = hs_ruleset_match_text(rs, s, fixed_text, sizeof(fixed_text) - 1,
	                             on_hit, &hc);
	if (hits < 0 || (size_t)hits != hc.n)
		abort();
	/* invalid UTF-8 is refused, not matched */
	if (hs_ruleset_match_text(rs, s, "\xff", 1, NULL, NULL) != -1)
		abort();
	hs_rule_scratch_free(s);

	if (hs_ruleset_run_tests(rs, &errs, &n_run) < 0)
		abort();
	free(hs_errs_join(&errs));
	hs_errs_clear(&errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_errs errs = HS_ERRS_INIT;
	const char *paths[1] = { in_path };
	hs_ruleset *rs;

	input_file_write(data, size);
	rs = hs_ruleset_load_files(paths, 1, &errs);
	if (rs) {
		if (hs_errs_count(&errs) != 0)
			abort();
		/* references: one more and back */
		hs_ruleset_unref(hs_ruleset_ref(rs));
		use_set(rs);
		hs_ruleset_unref(rs);
	} else if (hs_errs_count(&errs) == 0) {
		abort(); /* a failed load always says why */
	}
	free(hs_errs_join(&errs));
	hs_errs_clear(&errs);
	return 0;
}
