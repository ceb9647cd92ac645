/* hearsayd: the hearsay daemon's main thread - options, config, signals,
 * systemd notification and supervision. */
#include "hs_autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "daemon.h"
#include "rules/sentiment.h"
#include "log.h"
#include "metrics.h"
#include "sdnotify.h"
#include "timeutil.h"

#define EX_OK_ 0
#define EX_FAIL 1
#define EX_USAGE_ 64
#define EX_CONFIG_ 78

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: hearsayd [-c FILE] [-t] [-l LEVEL]\n"
	        "  -c, --config FILE   configuration (default %s/hearsay/hearsay.yaml)\n"
	        "  -t, --test          check the configuration and rules, then exit (0 or 78)\n"
	        "  -l, --log-level L   override log_level (debug, info, notice, warning, error)\n"
	        "  -V, --version       print the version\n"
	        "  -h, --help          this help\n"
	        "Signals: SIGTERM/SIGINT stop cleanly, SIGHUP reloads config and rules.\n",
	        HS_SYSCONFDIR);
}

static void print_errs(const char *what, const hs_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		hs_log_err("%s", e->msgs[i]);
	if (e->n)
		hs_log_err("%s: %zu error(s)", what, e->n);
}

/* Load config and rules; on failure log every error, leave them in errs
 * (the caller clears it) and return -1. */
static int load_all(const char *path, hs_config **cfg_out, hs_ruleset **rules_out,
                    hs_errs *errs)
{
	hs_config *cfg = hs_config_load(path, errs);
	hs_ruleset *rules = NULL;

	if (!cfg) {
		print_errs("configuration rejected", errs);
		goto fail;
	}
	rules = hs_ruleset_load_dir(cfg->rules_dir, errs);
	if (!rules) {
		print_errs("rules rejected", errs);
		goto fail;
	}
	const char *const *warns;
	size_t nw = hs_ruleset_warnings(rules, &warns);
	for (size_t i = 0; i < nw; i++)
		hs_log_warn("%s", warns[i]);
	*cfg_out = cfg;
	*rules_out = rules;
	return 0;
fail:
	hs_config_free(cfg);
	return -1;
}

/* The pid file beside the store, for `hearsayctl reload`. */
static void pid_file(const hs_config *cfg, bool create)
{
	char p[4096];
	FILE *f;
	snprintf(p, sizeof(p), "%s/hearsayd.pid", cfg->store_path);
	if (!create) {
		unlink(p);
		return;
	}
	if (!(f = fopen(p, "w"))) {
		hs_log_warn("cannot write %s: %s (hearsayctl reload will not find hearsayd)", p,
		            strerror(errno));
		return;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

/* SIGHUP: a new rule set and log level, or nothing at all. */
static void reload(hs_daemon *d, const char *path)
{
	hs_config *ncfg = NULL;
	hs_ruleset *nrules = NULL;
	hs_errs errs = HS_ERRS_INIT;
	char msg[64];

	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%lld", (long long)hs_mono_us());
	hs_sd_notify(msg);
	hs_log_notice("reloading %s", path);
	if (load_all(path, &ncfg, &nrules, &errs) < 0) {
		HS_INC(reloads_failed);
		hs_log_err("reload failed: keeping the running configuration and %zu rules",
		           hs_ruleset_count(d->rules));
		hs_metrics_set_reload(false, hs_ruleset_count(d->rules), &errs);
		goto out;
	}
	size_t n = hs_ruleset_count(nrules);
	hs_daemon_set_rules(d, nrules); /* the daemon owns the new set */
	if (!getenv("HEARSAY_LOG_LEVEL_FIXED"))
		hs_log_set_level(ncfg->log_level);
	char changed[256];
	if (hs_config_restart_diff(d->cfg, ncfg, changed, sizeof(changed)))
		hs_log_warn("reload: changes to %s take effect after a restart", changed);
	HS_INC(reloads_ok);
	hs_log_notice("reload done: %zu rules active", n);
	hs_metrics_set_reload(true, n, &errs);
	hs_config_free(ncfg);
out:
	hs_errs_clear(&errs);
	hs_sd_notify("READY=1");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "test", no_argument, NULL, 't' },
		{ "log-level", required_argument, NULL, 'l' }, { "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *path = HS_SYSCONFDIR "/hearsay/hearsay.yaml";
	const char *level = NULL;
	int test = 0, c, rc = EX_FAIL;
	hs_config *cfg = NULL;
	hs_ruleset *rules = NULL;
	hs_daemon d;
	hs_errs errs = HS_ERRS_INIT;
	sigset_t set;

	while ((c = getopt_long(argc, argv, "c:tl:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 't': test = 1; break;
		case 'l': level = optarg; break;
		case 'V': printf("hearsayd %s\n", PACKAGE_VERSION); return EX_OK_;
		case 'h': usage(stdout); return EX_OK_;
		default: usage(stderr); return EX_USAGE_;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE_;
	}
	hs_log_init("hearsayd");
	if (level && hs_log_level_parse(level) < 0) {
		fprintf(stderr, "hearsayd: unknown log level '%s'\n", level);
		return EX_USAGE_;
	}
	if (load_all(path, &cfg, &rules, &errs) < 0) {
		hs_errs_clear(&errs);
		return EX_CONFIG_;
	}
	hs_log_set_level(level ? hs_log_level_parse(level) : cfg->log_level);
	if (level)
		setenv("HEARSAY_LOG_LEVEL_FIXED", "1", 1);
	if (test) {
		hs_sentiment_models *m = NULL;
		if (hs_daemon_load_sentiment(cfg, &m, &errs) < 0) {
			print_errs("sentiment lexicons rejected", &errs);
			hs_errs_clear(&errs);
			hs_ruleset_unref(rules);
			hs_config_free(cfg);
			return EX_CONFIG_;
		}
		printf("%s: configuration OK: %zu source(s), %zu alert route(s), %zu rule(s) from %s, "
		       "sentiment lexicons %s\n",
		       path, cfg->n_sources, cfg->n_routes, hs_ruleset_count(rules), cfg->rules_dir,
		       m ? cfg->lexicons_dir : "missing (sentiment off)");
		hs_sentiment_models_free(m);
		hs_ruleset_unref(rules);
		hs_config_free(cfg);
		return EX_OK_;
	}
	/* Every thread inherits this mask: signals are taken only by
	 * sigtimedwait below, in the main thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		hs_log_err("cannot initialise libcurl");
		goto out;
	}
	hs_ruleset *initial = rules;
	rules = NULL; /* the daemon owns the set from here on, even on failure */
	if (hs_daemon_start(&d, cfg, initial, &errs) < 0) {
		print_errs("cannot start", &errs);
		goto out_curl;
	}
	hs_log_info("rule prefilter: %s", hs_ruleset_prefilter_backend(d.rules));
	hs_log_notice("hearsayd %s started: %zu source(s), %zu rule(s), %d worker(s), store %s",
	              PACKAGE_VERSION, cfg->n_sources, hs_ruleset_count(d.rules), cfg->workers,
	              cfg->store_path);
	pid_file(cfg, true);
	hs_sd_notify("READY=1\nSTATUS=watching");

	int64_t wd = hs_sd_watchdog_usec();
	int64_t tick_us = wd ? wd / 2 : 1000000;
	for (;;) {
		struct timespec ts = { tick_us / 1000000, (tick_us % 1000000) * 1000 };
		int sig = sigtimedwait(&set, NULL, &ts);
		if (wd)
			hs_sd_notify("WATCHDOG=1");
		if (sig == SIGHUP) {
			reload(&d, path);
		} else if (sig == SIGTERM || sig == SIGINT) {
			hs_log_notice("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		}
	}
	hs_sd_notify("STOPPING=1");
	pid_file(cfg, false);
	hs_daemon_stop(&d);
	hs_log_notice("stopped: %llu posts in, %llu committed, %llu duplicate, %llu rejected; "
	              "%llu hits, %llu alerts sent",
	              (unsigned long long)HS_GET(posts_in), (unsigned long long)HS_GET(posts_committed),
	              (unsigned long long)HS_GET(posts_duplicate),
	              (unsigned long long)HS_GET(posts_rejected), (unsigned long long)HS_GET(hits),
	              (unsigned long long)HS_GET(alerts_sent));
	rc = EX_OK_;
out_curl:
	curl_global_cleanup();
out:
	hs_errs_clear(&errs);
	hs_ruleset_unref(rules);
	hs_config_free(cfg);
	return rc;
}
