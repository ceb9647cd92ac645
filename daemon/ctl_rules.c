/* hearsayctl rules check | test: compile rule packs and run their examples. */
#include <string.h>
#include <sys/stat.h>

#include <hearsay/rules.h>

#include "ctl.h"

static void rules_usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl rules check FILE|DIR...\n"
	           "       hearsayctl rules test FILE|DIR...\n"
	           "  check: parse and compile, print every error as file:line:column\n"
	           "  test:  also run every rule's match / no_match examples\n");
}

static void print_errs(const hs_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "%s\n", e->msgs[i]);
}

/* Load one argument (a rule pack file or a rules directory). */
static hs_ruleset *load_arg(const char *arg, hs_errs *errs)
{
	struct stat st;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return hs_ruleset_load_dir(arg, errs);
	const char *one[1] = { arg };
	return hs_ruleset_load_files(one, 1, errs);
}

int ctl_rules(hs_ctl *c, int argc, char **argv)
{
	int test, bad = 0;
	size_t total = 0, examples = 0, failed = 0;
	(void)c;

	if (argc < 3 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "test") != 0)) {
		rules_usage(stderr);
		return CTL_EX_USAGE;
	}
	test = strcmp(argv[1], "test") == 0;
	for (int i = 2; i < argc; i++) {
		hs_errs errs = HS_ERRS_INIT;
		hs_ruleset *rs = load_arg(argv[i], &errs);
		if (!rs) {
			print_errs(&errs);
			fprintf(stderr, "%s: %zu error(s)\n", argv[i], errs.n);
			hs_errs_clear(&errs);
			bad = 1;
			continue;
		}
		total += hs_ruleset_count(rs);
		if (test) {
			size_t n_run = 0;
			int f = hs_ruleset_run_tests(rs, &errs, &n_run);
			examples += n_run;
			if (f != 0) {
				print_errs(&errs);
				failed += f > 0 ? (size_t)f : 1;
				bad = 1;
			}
		}
		hs_errs_clear(&errs);
		hs_ruleset_unref(rs);
	}
	if (test)
		printf("%zu rule(s), %zu example(s): %zu passed, %zu failed\n", total, examples,
		       examples - failed, failed);
	else if (!bad)
		printf("%zu rule(s) OK\n", total);
	return bad ? 1 : 0;
}
