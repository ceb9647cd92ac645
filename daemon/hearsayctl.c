/* hearsayctl: the command-line client for hearsayd's history and live feed. */
#include "hs_autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ctl.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: hearsayctl [-c CONFIG] [-d STORE] [-u URL] COMMAND [ARGS]\n"
	        "commands:\n"
	        "  query [--posts] [--since T] [--until T] [--rule ID] [--source NAME]\n"
	        "        [--limit N] [--json|--csv]      hits or posts from the history\n"
	        "  watch [--since SEQ] [--count N] [--json]  live hits over the websocket\n"
	        "  rules check FILE|DIR...               compile rule packs\n"
	        "  rules test FILE|DIR...                run the rules' examples\n"
	        "  rules test --text TEXT FILE|DIR       which rules hit a text, where and why\n"
	        "  rules match FILE|DIR [INPUT]          hits of every line (text or NDJSON post)\n"
	        "  stats [--json]                        counters, queues and store totals\n"
	        "  alerts [--state S] [--json|--csv]     the alert outbox: sent, pending, failed\n"
	        "  parse --collector NAME [--set K=V] [--frames] FILE\n"
	        "                                        a collector's posts from a saved response\n"
	        "  reload                                reload hearsayd's config and rules; print the outcome\n"
	        "  sentiment [--lang CODE|auto] [FILE]   score texts, one per line: neg neu pos compound\n"
	        "  spikes [--rumour] [--limit N] [--json]  spikes found (sources, rules, claims)\n"
	        "  claims [--min-size N] [--json] [ID]   repeated claims; ID: provenance and spread\n"
	        "  mood [--source S|--rule R] [--since T] [--json|--csv]\n"
	        "                                        sentiment per time bucket\n"
	        "  fetch [--max-requests N] [--seconds S] SOURCE\n"
	        "                                        one live request for a configured source\n"
	        "options:\n"
	        "  -c CONFIG  hearsayd's config (default $HEARSAY_CONFIG or %s/hearsay/hearsay.yaml)\n"
	        "  -d STORE   the LMDB store directory (instead of the config's store.path)\n"
	        "  -u URL     hearsayd's HTTP address, e.g. http://127.0.0.1:8080\n",
	        HS_SYSCONFDIR);
}

int main(int argc, char **argv)
{
	hs_ctl c = { 0 };
	int opt, rc;

	c.config_path = getenv("HEARSAY_CONFIG");
	if (!c.config_path)
		c.config_path = HS_SYSCONFDIR "/hearsay/hearsay.yaml";
	while ((opt = getopt(argc, argv, "+c:d:u:hV")) != -1) {
		switch (opt) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.store_path = optarg; break;
		case 'u': c.url = optarg; break;
		case 'V': printf("hearsayctl %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return CTL_EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EX_USAGE;
	}
	const char *cmd = argv[optind];
	int cargc = argc - optind;
	char **cargv = argv + optind;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (strcmp(cmd, "query") == 0)
		rc = ctl_query(&c, cargc, cargv);
	else if (strcmp(cmd, "watch") == 0)
		rc = ctl_watch(&c, cargc, cargv);
	else if (strcmp(cmd, "rules") == 0)
		rc = ctl_rules(&c, cargc, cargv);
	else if (strcmp(cmd, "stats") == 0)
		rc = ctl_stats(&c, cargc, cargv);
	else if (strcmp(cmd, "alerts") == 0)
		rc = ctl_alerts(&c, cargc, cargv);
	else if (strcmp(cmd, "parse") == 0)
		rc = ctl_parse(&c, cargc, cargv);
	else if (strcmp(cmd, "fetch") == 0)
		rc = ctl_fetch(&c, cargc, cargv);
	else if (strcmp(cmd, "reload") == 0)
		rc = ctl_reload(&c, cargc, cargv);
	else if (strcmp(cmd, "sentiment") == 0)
		rc = ctl_sentiment(&c, cargc, cargv);
	else if (strcmp(cmd, "spikes") == 0)
		rc = ctl_spikes(&c, cargc, cargv);
	else if (strcmp(cmd, "claims") == 0)
		rc = ctl_claims(&c, cargc, cargv);
	else if (strcmp(cmd, "mood") == 0)
		rc = ctl_mood(&c, cargc, cargv);
	else {
		fprintf(stderr, "hearsayctl: unknown command '%s'\n", cmd);
		usage(stderr);
		rc = CTL_EX_USAGE;
	}
	hs_config_free(c.cfg);
	free(c.url_buf);
	curl_global_cleanup();
	return rc;
}
