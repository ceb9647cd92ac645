/* hearsayctl rules check | test: compile rule packs and run their examples. */
#include <string.h>
#include <sys/stat.h>

#include <hearsay/rules.h>

#include "ctl.h"

static void rules_usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl rules check [--json] FILE|DIR...\n"
	           "       hearsayctl rules test [--json] FILE|DIR...\n"
	           "       hearsayctl [--json] rules test --text TEXT FILE|DIR\n"
	           "       hearsayctl rules match FILE|DIR [INPUT]\n"
	           "  check: parse and compile, print every error as file:line:column\n"
	           "  test:  also run every rule's match / no_match examples (exit 1 on a failure)\n"
	           "  test --text: which rules hit TEXT, on which span, and why (--json: an array)\n"
	           "  match: every hit of every line of INPUT (default stdin) as NDJSON; a line\n"
	           "         is a plain text or an NDJSON post in the replay format\n");
}

static void print_errs(const hs_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "%s\n", e->msgs[i]);
}

static void add_msgs(json_t *arr, const hs_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		json_array_append_new(arr, json_string(e->msgs[i]));
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

/* rules test --text / rules match: one rule set, then the texts. */
static int run_one_set(hs_ctl *c, const char *rules, const char *text, const char *input)
{
	hs_errs errs = HS_ERRS_INIT;
	hs_ruleset *rs = load_arg(rules, &errs);
	int rc;
	if (!rs) {
		print_errs(&errs);
		fprintf(stderr, "%s: %zu error(s)\n", rules, errs.n);
		hs_errs_clear(&errs);
		return 1;
	}
	rc = text ? ctl_rules_text(c, rs, text) : ctl_rules_match(c, rs, input);
	hs_errs_clear(&errs);
	hs_ruleset_unref(rs);
	return rc;
}

int ctl_rules(hs_ctl *c, int argc, char **argv)
{
	int test, bad = 0;
	size_t total = 0, examples = 0, failed = 0;

	for (int i = 2; i < argc; i++) /* --json / --csv anywhere after the verb */
		if (ctl_format_arg(c, argv[i])) {
			memmove(argv + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		}
	if (argc >= 3 && strcmp(argv[1], "match") == 0) {
		if (argc > 4) {
			rules_usage(stderr);
			return CTL_EX_USAGE;
		}
		return run_one_set(c, argv[2], NULL, argc == 4 ? argv[3] : NULL);
	}
	if (argc >= 3 && strcmp(argv[1], "test") == 0 && strcmp(argv[2], "--text") == 0) {
		if (argc != 5) {
			rules_usage(stderr);
			return CTL_EX_USAGE;
		}
		return run_one_set(c, argv[4], argv[3], NULL);
	}
	if (argc < 3 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "test") != 0)) {
		rules_usage(stderr);
		return CTL_EX_USAGE;
	}
	test = strcmp(argv[1], "test") == 0;
	/* --json: one object for scripts instead of lines */
	json_t *jerr = c->format == CTL_JSON ? json_array() : NULL;
	json_t *jwarn = c->format == CTL_JSON ? json_array() : NULL;
	for (int i = 2; i < argc; i++) {
		hs_errs errs = HS_ERRS_INIT;
		hs_ruleset *rs = load_arg(argv[i], &errs);
		if (!rs) {
			if (jerr)
				add_msgs(jerr, &errs);
			else {
				print_errs(&errs);
				fprintf(stderr, "%s: %zu error(s)\n", argv[i], errs.n);
			}
			hs_errs_clear(&errs);
			bad = 1;
			continue;
		}
		total += hs_ruleset_count(rs);
		const char *const *warns;
		size_t nw = hs_ruleset_warnings(rs, &warns);
		for (size_t k = 0; k < nw; k++) {
			if (jwarn)
				json_array_append_new(jwarn, json_string(warns[k]));
			else
				fprintf(stderr, "warning: %s\n", warns[k]);
		}
		if (test) {
			size_t n_run = 0;
			ctl_scorer sc;
			int f = -1;
			if (ctl_scorer_open(c, rs, &sc) == 0) {
				f = hs_ruleset_run_tests_with(rs, sc.m ? ctl_score_fn : NULL, &sc, &errs,
				                              &n_run);
				ctl_scorer_close(&sc);
			}
			examples += n_run;
			if (f != 0) {
				if (jerr)
					add_msgs(jerr, &errs);
				else
					print_errs(&errs);
				failed += f > 0 ? (size_t)f : 1;
				bad = 1;
			}
		}
		hs_errs_clear(&errs);
		hs_ruleset_unref(rs);
	}
	if (jerr) {
		json_t *o = json_pack("{s:b,s:I,s:o,s:o}", "ok", !bad, "rules", (json_int_t)total,
		                      test ? "failures" : "errors", jerr, "warnings", jwarn);
		if (o && test) {
			json_object_set_new(o, "examples", json_integer((json_int_t)examples));
			json_object_set_new(o, "failed", json_integer((json_int_t)failed));
		}
		char *js = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
		if (js)
			puts(js);
		free(js);
		json_decref(o); /* owns jerr and jwarn */
	} else if (test)
		printf("%zu rule(s), %zu example(s): %zu passed, %zu failed\n", total, examples,
		       examples - failed, failed);
	else if (!bad)
		printf("%zu rule(s) OK\n", total);
	return bad ? 1 : 0;
}
