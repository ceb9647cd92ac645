/* hearsayctl fetch SOURCE: one live request for a configured source, made
 * with the daemon's own HTTP policy and collector, and the posts printed as
 * NDJSON - to check a source before relying on it. A collector that asks
 * for a follow-up (a token, an instance check, the next page) gets it, up
 * to --max-requests; a streaming source is followed for --seconds.
 *
 * Starts from no cursor, stores nothing and does not touch the daemon's
 * LMDB store. It reads the source's secret files, so run it as the user
 * hearsayd runs as. Single threaded, apart from the websocket thread a
 * streaming source needs. */
#include "hs_autoconf.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "ctl.h"
#include "log.h"
#include "poller.h"
#include "postjson.h"
#include "timeutil.h"
#include "wsclient.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl [-c CONFIG] fetch [--max-requests N] [--seconds S] SOURCE\n"
	           "  Makes a live request for a configured source, as hearsayd would, and\n"
	           "  prints its posts as NDJSON (no cursor: what the source gives now).\n"
	           "  --max-requests  follow-up requests allowed (next pages...; default 5)\n"
	           "  --seconds       how long to follow a websocket stream (default 10)\n");
}

static void no_wake(void *ud)
{
	(void)ud; /* the loop below polls */
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int run_http(hs_poll_src *p, int max_requests)
{
	for (int i = 0; i < max_requests; i++) {
		CURL *e = hs_poll_start(p, INT64_MAX);
		if (!e)
			return i == 0 ? 1 : 0; /* the collector had nothing (more) to ask */
		CURLcode res = curl_easy_perform(e);
		hs_poll_done(p, e, res, hs_mono_us()); /* frees e; logs failures */
		hs_poll_flush(p, ctl_print_post_ndjson, NULL);
		if (hs_poll_failures(p))
			return 1;
		if (!hs_poll_wants_more(p, hs_mono_us()))
			return 0;
	}
	fprintf(stderr, "hearsayctl: stopped after %d requests (--max-requests)\n", max_requests);
	return 0;
}

static int run_stream(hs_poll_src *p, double seconds, hs_errs *errs)
{
	hs_wsc *w = hs_wsc_start(no_wake, NULL, errs);
	int64_t end = hs_mono_us() + (int64_t)(seconds * 1e6);
	if (!w)
		return 1;
	hs_poll_set_streams(p, w);
	while (hs_mono_us() < end) {
		hs_poll_stream_step(p, hs_mono_us());
		hs_poll_flush(p, ctl_print_post_ndjson, NULL);
		if (hs_poll_wants_more(p, hs_mono_us()))
			run_http(p, 1); /* e.g. the backfill a stream asks for when it opens */
		nap_ms(50);
	}
	hs_poll_stream_stop(p);
	hs_wsc_stop(w);
	return 0;
}

int ctl_fetch(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-requests", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	hs_errs errs = HS_ERRS_INIT;
	hs_config *cfg = NULL;
	hs_poll_src *p = NULL;
	const hs_source_cfg *sc = NULL;
	int opt, rc = 1, max_requests = 5;
	double seconds = 10;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			max_requests = (int)strtol(optarg, &end, 10);
			if (*end || max_requests < 1 || max_requests > 1000)
				goto bad_usage;
			break;
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds >= 0 && seconds <= 3600))
				goto bad_usage;
			break;
		case 'h': usage(stdout); return 0;
		default: goto bad_usage;
		}
	}
	if (optind != argc - 1)
		goto bad_usage;
	/* The full config: plugins loaded and secrets read, as the daemon does. */
	cfg = hs_config_load(c->config_path, &errs);
	if (!cfg)
		goto errors;
	for (size_t i = 0; i < cfg->n_sources; i++)
		if (strcmp(cfg->sources[i].name, argv[optind]) == 0)
			sc = &cfg->sources[i];
	if (!sc) {
		fprintf(stderr, "hearsayctl: %s: no source named '%s'\n", c->config_path, argv[optind]);
		goto out;
	}
	if (!sc->plugin) {
		fprintf(stderr, "hearsayctl: source %s replays a file; there is nothing to fetch\n",
		        sc->name);
		goto out;
	}
	p = hs_poll_new(sc, NULL, cfg->contact, &errs);
	if (!p)
		goto errors;
	rc = 0;
	if (sc->plugin->plan)
		rc = run_http(p, max_requests);
	if (rc == 0 && hs_poll_has_stream(p) && seconds > 0)
		rc = run_stream(p, seconds, &errs);
	fprintf(stderr, "hearsayctl: %zu post(s) from %s\n", ctl_posts_printed, sc->name);
	goto out;
bad_usage:
	usage(stderr);
	return CTL_EX_USAGE;
errors:
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "hearsayctl: %s\n", errs.msgs[i]);
	rc = 1;
out:
	hs_poll_free(p);
	hs_config_free(cfg);
	hs_errs_clear(&errs);
	return rc;
}
