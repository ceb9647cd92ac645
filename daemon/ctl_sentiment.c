/* hearsayctl sentiment: score texts, one per line, as hearsayd does.
 *
 *   hearsayctl sentiment [--lang CODE|auto] [--lexicons DIR] [--json] [FILE]
 *
 * Prints one line per input line: neg<TAB>neu<TAB>pos<TAB>compound (neg,
 * neu and pos to 3 decimals, compound to 4, as VADER reports them), or with
 * --json one object per line with the language used and whether the text
 * could be scored. --lang defaults to en; "auto" detects each line's
 * language as hearsayd does for posts without a language tag. Lexicons:
 * --lexicons, else $HEARSAY_LEXICONS, else the config's signals.lexicons
 * when a config can be read, else the installed ones. A line that cannot
 * be scored prints what the model gives for it (VADER, like the reference,
 * all 0 for a line without words; 0 / 1 / 0 / 0 otherwise, also for a
 * language without a lexicon under --lang auto), and the exit status is 0
 * all the same; a lexicon that does not load exits 78 with every error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include <hearsay/rules.h>

#include "rules/sentiment.h"

#ifndef HS_PKGDATADIR
#define HS_PKGDATADIR "/usr/local/share/hearsay"
#endif

const char *ctl_lexicon_dir(hs_ctl *c, const char *opt)
{
	const char *env = getenv("HEARSAY_LEXICONS");
	hs_errs errs = HS_ERRS_INIT;

	if (opt)
		return opt;
	if (env && *env)
		return env;
	if (!c->cfg) /* quietly: a config is not needed to score text */
		c->cfg = hs_config_load_flags(c->config_path,
		                              HS_CONFIG_NO_SECRETS | HS_CONFIG_NO_PLUGINS, &errs);
	hs_errs_clear(&errs);
	if (c->cfg && c->cfg->lexicons_dir)
		return c->cfg->lexicons_dir;
	return HS_PKGDATADIR "/lexicons";
}

hs_sentiment_models *ctl_load_lexicons(hs_ctl *c, const char *opt)
{
	hs_errs errs = HS_ERRS_INIT;
	const char *dir = ctl_lexicon_dir(c, opt);
	hs_sentiment_models *m = hs_sentiment_load_dir(dir, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "hearsayctl: %s\n", errs.msgs[i]);
	if (errs.lost)
		fprintf(stderr, "hearsayctl: ... and %zu more errors\n", errs.lost);
	hs_errs_clear(&errs);
	return m;
}

int ctl_sentiment(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "lexicons", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lang = "en", *lexdir = NULL, *input = NULL;
	hs_sentiment_models *m = NULL;
	hs_sentiment_scratch *s = NULL;
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int opt, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "l:x:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': lang = optarg; break;
		case 'x': lexdir = optarg; break;
		case 'j': c->format = CTL_JSON; break;
		case 'h':
			printf("usage: hearsayctl sentiment [--lang CODE|auto] [--lexicons DIR] [--json] "
			       "[FILE]\n");
			return 0;
		default: return CTL_EX_USAGE;
		}
	}
	if (optind < argc)
		input = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "hearsayctl sentiment: one input file at most\n");
		return CTL_EX_USAGE;
	}
	if (!(m = ctl_load_lexicons(c, lexdir))) {
		status = 78;
		goto out;
	}
	if (strcmp(lang, "auto") != 0 && !hs_sentiment_has_language(m, lang)) {
		size_t nl;
		const char *const *ls = hs_sentiment_languages(m, &nl);
		fprintf(stderr, "hearsayctl sentiment: no lexicon for language \"%s\" in %s "
		        "(there are:", lang, ctl_lexicon_dir(c, lexdir));
		for (size_t i = 0; i < nl; i++)
			fprintf(stderr, " %s", ls[i]);
		fprintf(stderr, "; or use --lang auto)\n");
		status = CTL_EX_USAGE;
		goto out;
	}
	if (input && !(in = fopen(input, "r"))) {
		perror(input);
		status = 66;
		goto out;
	}
	if (!(s = hs_sentiment_scratch_new())) {
		fprintf(stderr, "hearsayctl sentiment: out of memory\n");
		status = 71;
		goto out;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)n;
		hs_sentiment r;
		const char *used;
		int rc;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		rc = hs_sentiment_score(m, s, line, len, strcmp(lang, "auto") ? lang : NULL, &r, &used);
		if (rc == HS_SENT_ERROR) {
			fprintf(stderr, "hearsayctl sentiment: out of memory\n");
			status = 71;
			goto out;
		}
		if (c->format == CTL_JSON)
			printf("{\"neg\":%.3f,\"neu\":%.3f,\"pos\":%.3f,\"compound\":%.4f,"
			       "\"lang\":\"%s\",\"scored\":%s}\n",
			       r.neg, r.neu, r.pos, r.compound, used,
			       rc == HS_SENT_SCORED ? "true" : "false");
		else
			printf("%.3f\t%.3f\t%.3f\t%.4f\n", r.neg, r.neu, r.pos, r.compound);
	}
	if (ferror(in)) {
		perror(input ? input : "stdin");
		status = 74;
	}
out:
	free(line);
	if (in && in != stdin)
		fclose(in);
	hs_sentiment_scratch_free(s);
	hs_sentiment_models_free(m);
	return status;
}

/* ---- sentiment for rule commands ------------------------------------------ */

int ctl_scorer_open(hs_ctl *c, const hs_ruleset *rs, ctl_scorer *sc)
{
	sc->m = NULL;
	sc->s = NULL;
	if (!hs_ruleset_uses_sentiment(rs))
		return 0;
	if (!(sc->m = ctl_load_lexicons(c, NULL))) {
		fprintf(stderr, "hearsayctl: the rules have sentiment conditions, and the lexicons "
		        "did not load (set HEARSAY_LEXICONS or signals.lexicons)\n");
		return -1;
	}
	if (!(sc->s = hs_sentiment_scratch_new())) {
		ctl_scorer_close(sc);
		return -1;
	}
	return 0;
}

void ctl_scorer_close(ctl_scorer *sc)
{
	hs_sentiment_scratch_free(sc->s);
	hs_sentiment_models_free(sc->m);
	sc->s = NULL;
	sc->m = NULL;
}

int ctl_score_fn(void *ud, const char *text, size_t len, const char *lang, double *out)
{
	ctl_scorer *sc = ud;
	hs_sentiment r;

	if (!sc || !sc->m)
		return -1;
	if (hs_sentiment_score(sc->m, sc->s, text, len, lang, &r, NULL) != HS_SENT_SCORED)
		return -1;
	*out = r.compound;
	return 0;
}

void ctl_scorer_apply(ctl_scorer *sc, hs_rule_scratch *rs, const char *text, size_t len,
                      const char *lang)
{
	double v;

	if (!sc || !sc->m)
		return;
	if (ctl_score_fn(sc, text, len, lang, &v) == 0)
		hs_rule_scratch_set_sentiment(rs, v);
	else
		hs_rule_scratch_clear_sentiment(rs);
}
