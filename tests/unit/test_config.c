/* hearsay: unit tests for the configuration loader (daemon/config.c) and the
 * small pure helpers it sits on: time parsing (timeutil.c), UTF-8 checks
 * (utf8.c) and author pseudonyms (pseudonym.c).
 *
 * Every config test writes its YAML to a fresh mkdtemp directory so that
 * relative paths and the expected "file:line:column: reason" messages are
 * exact.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "config.h"
#include "log.h"
#include "pseudonym.h"
#include "scratch.h"
#include "timeutil.h"
#include "utf8.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* ---- scratch directory ---------------------------------------------------------- */

static char cfgpath[512];

static void tmp_setup(void)
{
	hs_scratch_setup();
	snprintf(cfgpath, sizeof(cfgpath), "%s/hearsay.yaml", hs_scratch_dir);
}

static void write_file(const char *path, const char *content, mode_t mode)
{
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(content, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Path of name inside the scratch directory (static buffer rotation). */
static const char *tpath(const char *name)
{
	static char bufs[4][512];
	static int i;
	char *b = bufs[i++ & 3];
	snprintf(b, 512, "%s/%s", hs_scratch_dir, name);
	return b;
}

static hs_config *load_doc(const char *doc, hs_errs *e)
{
	write_file(cfgpath, doc, 0644);
	return hs_config_load(cfgpath, e);
}

/* Load doc, expect failure with exactly the given messages, each written as
 * "LINE:COL: text" and prefixed here with the config path. */
static void expect_errors(const char *doc, size_t n, const char *const *want)
{
	hs_errs e = HS_ERRS_INIT;
	hs_config *c = load_doc(doc, &e);
	char *all = hs_errs_join(&e);

	ck_assert_msg(c == NULL, "config unexpectedly valid:\n%s", doc);
	ck_assert_msg(e.n == n, "want %zu errors, got %zu:\n%s", n, e.n, all);
	for (size_t i = 0; i < n; i++) {
		char full[1024];
		snprintf(full, sizeof(full), "%s:%s", cfgpath, want[i]);
		int seen = 0;
		for (size_t j = 0; j < e.n; j++)
			if (strcmp(e.msgs[j], full) == 0)
				seen++;
		ck_assert_msg(seen == 1, "missing error \"%s\"; got:\n%s", full, all);
	}
	free(all);
	hs_errs_clear(&e);
}

#define EXPECT1(doc, msg)                                                        \
	do {                                                                         \
		static const char *const w_[] = { msg };                                  \
		expect_errors((doc), 1, w_);                                             \
	} while (0)

/* ---- valid configurations ------------------------------------------------------- */

START_TEST(test_full_config)
{
	static const char doc[] =
		"log_level: debug\n"
		"workers: 8\n"
		"queue_size: 4096\n"
		"store:\n"
		"  path: state/db\n"
		"  map_size: 64MiB\n"
		"  batch_posts: 500\n"
		"  batch_time: 250ms\n"
		"rules_dir: rules.d\n"
		"privacy:\n"
		"  key_file: state/pseudonym.key\n"
		"listen:\n"
		"  address: 0.0.0.0\n"
		"  port: 9090\n"
		"  dashboard_dir: /opt/hearsay/dashboard\n"
		"sources:\n"
		"  - name: demo\n"
		"    type: replay\n"
		"    path: demo.ndjson\n"
		"    speed: 60\n"
		"    rebase: true\n"
		"    loop: false\n"
		"  - name: second.feed_2\n"
		"    type: replay\n"
		"    path: /data/other.ndjson\n"
		"    speed: 0\n"
		"    loop: yes\n"
		"alerts:\n"
		"  - name: crisis-webhook\n"
		"    type: webhook\n"
		"    url: https://example.org/hook\n"
		"    min_severity: medium\n"
		"    secret_file: webhook.secret\n"
		"    timeout: 30s\n"
		"    max_attempts: 5\n"
		"  - name: plain\n"
		"    type: webhook\n"
		"    url: http://127.0.0.1:9000/hook\n";
	hs_errs e = HS_ERRS_INIT;

	write_file(tpath("webhook.secret"), "s3cret\n\n", 0600);
	hs_config *c = load_doc(doc, &e);
	char *all = hs_errs_join(&e);
	ck_assert_msg(c != NULL, "full config refused:\n%s", all);
	free(all);
	ck_assert_uint_eq(e.n, 0);

	ck_assert_str_eq(c->path, cfgpath);
	ck_assert_str_eq(c->base_dir, hs_scratch_dir);
	ck_assert_int_eq(c->log_level, HS_LOG_DEBUG);
	ck_assert_int_eq(c->workers, 8);
	ck_assert_uint_eq(c->queue_size, 4096);
	ck_assert_str_eq(c->store_path, tpath("state/db"));
	ck_assert_uint_eq(c->map_size, 64ull << 20);
	ck_assert_int_eq(c->batch_posts, 500);
	ck_assert_int_eq(c->batch_us, 250000);
	ck_assert_str_eq(c->rules_dir, tpath("rules.d"));
	ck_assert_str_eq(c->key_file, tpath("state/pseudonym.key"));
	ck_assert_str_eq(c->listen_addr, "0.0.0.0");
	ck_assert_int_eq(c->listen_port, 9090);
	ck_assert_str_eq(c->dashboard_dir, "/opt/hearsay/dashboard"); /* absolute: kept */

	ck_assert_uint_eq(c->n_sources, 2);
	ck_assert_str_eq(c->sources[0].name, "demo");
	ck_assert_str_eq(c->sources[0].type, "replay");
	ck_assert_int_eq(c->sources[0].line, 17);
	ck_assert_str_eq(c->sources[0].replay.path, tpath("demo.ndjson"));
	ck_assert(c->sources[0].replay.speed == 60.0);
	ck_assert(c->sources[0].replay.rebase);
	ck_assert(!c->sources[0].replay.loop);
	ck_assert_str_eq(c->sources[1].name, "second.feed_2");
	ck_assert_int_eq(c->sources[1].line, 23);
	ck_assert_str_eq(c->sources[1].replay.path, "/data/other.ndjson");
	ck_assert(c->sources[1].replay.speed == 0.0);
	ck_assert(!c->sources[1].replay.rebase);
	ck_assert(c->sources[1].replay.loop);

	ck_assert_uint_eq(c->n_routes, 2);
	const hs_route_cfg *r = hs_config_route(c, "crisis-webhook");
	ck_assert_ptr_eq(r, &c->routes[0]);
	ck_assert_str_eq(r->type, "webhook");
	ck_assert_str_eq(r->url, "https://example.org/hook");
	ck_assert_int_eq(r->min_severity, HS_SEV_MEDIUM);
	ck_assert_str_eq(r->secret_file, tpath("webhook.secret"));
	ck_assert_uint_eq(r->secret_len, 6);
	ck_assert_mem_eq(r->secret, "s3cret", 6);
	ck_assert_int_eq(r->timeout_us, 30000000);
	ck_assert_int_eq(r->max_attempts, 5);
	/* second route: defaults */
	r = hs_config_route(c, "plain");
	ck_assert_ptr_eq(r, &c->routes[1]);
	ck_assert_str_eq(r->url, "http://127.0.0.1:9000/hook");
	ck_assert_int_eq(r->min_severity, HS_SEV_HIGH);
	ck_assert_ptr_null(r->secret_file);
	ck_assert_ptr_null(r->secret);
	ck_assert_uint_eq(r->secret_len, 0);
	ck_assert_int_eq(r->timeout_us, 10000000);
	ck_assert_int_eq(r->max_attempts, 12);
	ck_assert_ptr_null(hs_config_route(c, "nope"));
	hs_config_free(c);
}
END_TEST

static void check_defaults(const hs_config *c)
{
	ck_assert_int_eq(c->log_level, HS_LOG_INFO);
	ck_assert_int_eq(c->workers, 2);
	ck_assert_uint_eq(c->queue_size, 1024);
	ck_assert_uint_eq(c->map_size, 256ull << 20);
	ck_assert_int_eq(c->batch_posts, 256);
	ck_assert_int_eq(c->batch_us, 50000);
	ck_assert_str_eq(c->listen_addr, "127.0.0.1");
	ck_assert_int_eq(c->listen_port, 8080);
#ifdef HS_LOCALSTATEDIR
	ck_assert_str_eq(c->store_path, HS_LOCALSTATEDIR "/lib/hearsay/db");
	ck_assert_str_eq(c->key_file, HS_LOCALSTATEDIR "/lib/hearsay/pseudonym.key");
#endif
#ifdef HS_SYSCONFDIR
	ck_assert_str_eq(c->rules_dir, HS_SYSCONFDIR "/hearsay/rules.d");
#endif
#ifdef HS_PKGDATADIR
	ck_assert_str_eq(c->dashboard_dir, HS_PKGDATADIR "/dashboard");
#endif
	ck_assert_uint_eq(c->n_sources, 0);
	ck_assert_uint_eq(c->n_routes, 0);
}

START_TEST(test_defaults)
{
	static const char *const docs[] = {
		"",
		"# nothing set\n",
		"store: {}\nlisten: {}\nprivacy: {}\nsources:\nalerts: []\n",
		"store:\n  # path: /x\nlisten:\nprivacy: ~\n", /* sections left empty */
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		hs_errs e = HS_ERRS_INIT;
		hs_config *c = load_doc(docs[i], &e);
		char *all = hs_errs_join(&e);
		ck_assert_msg(c != NULL, "doc %zu refused: %s", i, all);
		free(all);
		check_defaults(c);
		hs_config_free(c);
	}
}
END_TEST

START_TEST(test_partial_sections_keep_defaults)
{
	hs_errs e = HS_ERRS_INIT;
	hs_config *c = load_doc("store:\n  batch_posts: 10\nlisten:\n  port: 0\n", &e);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->batch_posts, 10);
	ck_assert_uint_eq(c->map_size, 256ull << 20);
	ck_assert_int_eq(c->batch_us, 50000);
	ck_assert_int_eq(c->listen_port, 0);
	ck_assert_str_eq(c->listen_addr, "127.0.0.1");
	hs_config_free(c);
}
END_TEST

/* signals.spikes: which keys get spike counters (docs/config.md) */
START_TEST(test_spike_keys)
{
	hs_errs e = HS_ERRS_INIT;
	hs_config *c = load_doc("", &e);

	ck_assert_ptr_nonnull(c);
	ck_assert(c->spike_sources && c->spike_rules && c->spike_terms && c->spike_claims);
	hs_config_free(c);
	c = load_doc("signals:\n  spikes:\n    terms: false\n    rules: false\n", &e);
	ck_assert_ptr_nonnull(c);
	ck_assert(c->spike_sources && !c->spike_rules && !c->spike_terms && c->spike_claims);
	hs_config_free(c);
	EXPECT1("signals:\n  spikes:\n    terms: often\n",
	        "3:12: terms must be true or false, not 'often'");
}
END_TEST

START_TEST(test_relative_paths)
{
	hs_errs e = HS_ERRS_INIT;
	hs_config *c = load_doc("store:\n  path: ../elsewhere/db\n"
	                        "rules_dir: ./rules\n"
	                        "privacy:\n  key_file: k/key\n"
	                        "listen:\n  dashboard_dir: dash\n"
	                        "sources:\n  - name: s\n    type: replay\n    path: in/s.ndjson\n",
	                        &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->store_path, tpath("../elsewhere/db"));
	ck_assert_str_eq(c->rules_dir, tpath("./rules"));
	ck_assert_str_eq(c->key_file, tpath("k/key"));
	ck_assert_str_eq(c->dashboard_dir, tpath("dash"));
	ck_assert_str_eq(c->sources[0].replay.path, tpath("in/s.ndjson"));
	hs_config_free(c);

	/* loaded by a relative name: paths stay relative to the same directory */
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(hs_scratch_dir), 0);
	c = hs_config_load("hearsay.yaml", &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->base_dir, ".");
	ck_assert_str_eq(c->rules_dir, "././rules");
	ck_assert_str_eq(c->sources[0].replay.path, "./in/s.ndjson");
	hs_config_free(c);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(test_path_resolve)
{
	char *p;

	p = hs_path_resolve("/etc/hearsay", "rules.d");
	ck_assert_str_eq(p, "/etc/hearsay/rules.d");
	free(p);
	p = hs_path_resolve("/etc/hearsay", "/var/lib/x");
	ck_assert_str_eq(p, "/var/lib/x");
	free(p);
	p = hs_path_resolve(NULL, "rel");
	ck_assert_str_eq(p, "rel");
	free(p);
	p = hs_path_resolve("", "rel");
	ck_assert_str_eq(p, "rel");
	free(p);
	p = hs_path_resolve("/", "x");
	ck_assert_msg(strcmp(p, "/x") == 0 || strcmp(p, "//x") == 0, "%s", p);
	free(p);

	/* mkdir -p */
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/a/b/c", hs_scratch_dir);
	ck_assert_int_eq(hs_mkdir_p(sub, 0700), 0);
	struct stat st;
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(hs_mkdir_p(sub, 0700), 0); /* exists: fine */
}
END_TEST

/* ---- errors, each with its exact text ------------------------------------------- */

START_TEST(test_err_unknown_key)
{
	EXPECT1("workers: 2\ncolour: blue\n",
	        "2:1: unknown key 'colour' in the configuration");
	EXPECT1("store:\n  path: db\n  paht: db\n", "3:3: unknown key 'paht' in store");
	EXPECT1("listen:\n  host: x\n", "2:3: unknown key 'host' in listen");
	EXPECT1("privacy:\n  salt: x\n", "2:3: unknown key 'salt' in privacy");
	EXPECT1("sources:\n  - name: a\n    type: replay\n    path: x\n    speeed: 2\n",
	        "5:5: unknown key 'speeed' in replay source");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    retries: 3\n",
	        "5:5: unknown key 'retries' in alert route");
}
END_TEST

START_TEST(test_err_wrong_type)
{
	EXPECT1("workers: \"many\"\n", "1:10: workers must be a whole number, not 'many'");
	EXPECT1("workers: many\n", "1:10: workers must be a whole number, not 'many'");
	EXPECT1("workers: [1]\n", "1:10: workers must be a scalar, not a list");
	EXPECT1("store: 5\n", "1:8: store must be a mapping, not a scalar");
	EXPECT1("sources:\n  name: a\n", "2:3: sources must be a list, not a mapping");
	EXPECT1("- workers: 2\n", "1:1: the configuration must be a mapping, not a list");
	EXPECT1("sources:\n  - replay\n", "2:5: a source must be a mapping, not a scalar");
	EXPECT1("sources:\n  - name: a\n    type: replay\n    path: x\n    loop: sometimes\n",
	        "5:11: loop must be true or false, not 'sometimes'");
	EXPECT1("rules_dir: ''\n", "1:12: rules_dir must not be empty");
	EXPECT1("rules_dir: ~\n", "1:12: rules_dir must not be empty");
}
END_TEST

START_TEST(test_err_out_of_range)
{
	EXPECT1("workers: 0\n", "1:10: workers must be between 1 and 64, not 0");
	EXPECT1("workers: 65\n", "1:10: workers must be between 1 and 64, not 65");
	EXPECT1("queue_size: 8\n", "1:13: queue_size must be between 16 and 1048576, not 8");
	EXPECT1("listen:\n  port: 70000\n", "2:9: port must be between 0 and 65535, not 70000");
	EXPECT1("store:\n  batch_posts: 0\n",
	        "2:16: batch_posts must be between 1 and 100000, not 0");
	EXPECT1("store:\n  map_size: 512KiB\n", "2:13: store.map_size must be at least 1MiB");
	EXPECT1("store:\n  batch_time: 20s\n",
	        "2:15: store.batch_time must be between 1ms and 10s");
	EXPECT1("sources:\n  - name: a\n    type: replay\n    path: x\n    speed: -1\n",
	        "5:12: speed must be between 0 and 1e+09, not -1");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    max_attempts: 0\n",
	        "5:19: max_attempts must be between 1 and 1000, not 0");
}
END_TEST

START_TEST(test_err_log_level)
{
	EXPECT1("log_level: loud\n",
	        "1:12: log_level must be debug, info, notice, warning or error, not 'loud'");
	EXPECT1("log_level: INFO\n",
	        "1:12: log_level must be debug, info, notice, warning or error, not 'INFO'");

	static const struct { const char *name; int level; } ok[] = {
		{ "debug", HS_LOG_DEBUG }, { "info", HS_LOG_INFO }, { "notice", HS_LOG_NOTICE },
		{ "warning", HS_LOG_WARNING }, { "error", HS_LOG_ERR },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char doc[64];
		hs_errs e = HS_ERRS_INIT;
		snprintf(doc, sizeof(doc), "log_level: %s\n", ok[i].name);
		hs_config *c = load_doc(doc, &e);
		ck_assert_msg(c != NULL, "%s refused", ok[i].name);
		ck_assert_int_eq(c->log_level, ok[i].level);
		hs_config_free(c);
	}
}
END_TEST

START_TEST(test_err_duration)
{
	EXPECT1("store:\n  batch_time: soon\n",
	        "2:15: store.batch_time must be a duration such as 250ms, 5s, 2m, 1h or 7d, "
	        "not 'soon'");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    timeout: 10 parsecs\n",
	        "5:14: timeout must be a duration such as 250ms, 5s, 2m, 1h or 7d, "
	        "not '10 parsecs'");
	EXPECT1("store:\n  map_size: big\n",
	        "2:13: store.map_size must be a size such as 512KiB, 64MiB or 1GiB, not 'big'");
}
END_TEST

START_TEST(test_err_source_fields)
{
	EXPECT1("sources:\n  - type: replay\n    path: a.ndjson\n", "2:5: source has no 'name'");
	EXPECT1("sources:\n  - name: a\n    path: a.ndjson\n", "2:5: source has no 'type'");
	EXPECT1("sources:\n  - name: a\n    type: replay\n", "2:5: replay source has no 'path'");
	EXPECT1("sources:\n  - name: Demo!\n    type: replay\n    path: x\n",
	        "2:11: source name 'Demo!' must be 1-64 characters of a-z 0-9 . _ -");
	EXPECT1("sources:\n  - name: a\n    type: rss\n    path: x\ncollector_path: /nonexistent\n",
	        "3:11: unknown source type 'rss': no rss.so in /nonexistent");
	EXPECT1("sources:\n"
	        "  - name: a\n    type: replay\n    path: x\n"
	        "  - name: b\n    type: replay\n    path: y\n"
	        "  - name: a\n    type: replay\n    path: z\n",
	        "8:11: duplicate source name 'a' (first at line 2)");
}
END_TEST

START_TEST(test_err_routes)
{
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: ftp://example.org/\n",
	        "4:10: url must start with http:// or https://");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n"
	        "    min_severity: urgent\n",
	        "5:19: min_severity must be info, low, medium, high or critical, not 'urgent'");
	EXPECT1("alerts:\n  - name: w\n    type: matrix\n    url: http://x/\n",
	        "3:11: unknown alert route type 'matrix' (available: webhook)");
	EXPECT1("alerts:\n  - type: webhook\n    url: http://x/\n",
	        "2:5: alert route has no 'name'");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n", "2:5: alert route has no 'url'");
	EXPECT1("alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n"
	        "  - name: w\n    type: webhook\n    url: http://y/\n",
	        "5:11: duplicate alert route name 'w'");

	static const struct { const char *name; hs_severity sev; } sev[] = {
		{ "info", HS_SEV_INFO }, { "low", HS_SEV_LOW }, { "critical", HS_SEV_CRITICAL },
	};
	for (size_t i = 0; i < 3; i++) {
		char doc[200];
		hs_errs e = HS_ERRS_INIT;
		snprintf(doc, sizeof(doc), "alerts:\n  - name: w\n    type: webhook\n"
		         "    url: http://x/\n    min_severity: %s\n", sev[i].name);
		hs_config *c = load_doc(doc, &e);
		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(c->routes[0].min_severity, sev[i].sev);
		hs_config_free(c);
	}
}
END_TEST

START_TEST(test_secret_file_mode)
{
	static const char doc[] = "alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n"
	                          "    secret_file: hook.secret\n";
	hs_errs e = HS_ERRS_INIT;
	char want[700];

	/* world-readable: refused */
	write_file(tpath("hook.secret"), "topsecret\n", 0644);
	hs_config *c = load_doc(doc, &e);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want), "%s: secret file is accessible by other users (mode 644); "
	         "run chmod 600 (or 640)", tpath("hook.secret"));
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);

	/* world-writable or -executable only: refused too */
	static const mode_t refused[] = { 0602, 0601, 0604, 0666 };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_int_eq(chmod(tpath("hook.secret"), refused[i]), 0);
		c = load_doc(doc, &e);
		ck_assert_msg(c == NULL, "mode %03o accepted", (unsigned)refused[i]);
		ck_assert_uint_eq(e.n, 1);
		ck_assert_ptr_nonnull(strstr(e.msgs[0], "accessible by other users"));
		hs_errs_clear(&e);
	}

	/* 0600 and 0640 (a service group): accepted, trailing newline removed */
	static const mode_t ok[] = { 0600, 0640, 0400 };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(chmod(tpath("hook.secret"), ok[i]), 0);
		c = load_doc(doc, &e);
		char *all = hs_errs_join(&e);
		ck_assert_msg(c != NULL, "mode %03o refused: %s", (unsigned)ok[i], all);
		free(all);
		ck_assert_uint_eq(c->routes[0].secret_len, 9);
		ck_assert_mem_eq(c->routes[0].secret, "topsecret", 9);
		ck_assert_str_eq(c->routes[0].secret_file, tpath("hook.secret"));
		hs_config_free(c);
	}

	/* empty: refused */
	write_file(tpath("hook.secret"), "\n", 0600);
	c = load_doc(doc, &e);
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s: secret file is empty", tpath("hook.secret"));
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);

	/* missing: refused */
	unlink(tpath("hook.secret"));
	c = load_doc(doc, &e);
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "%s: cannot open secret file: No such file or directory",
	         tpath("hook.secret"));
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_no_secrets_flag)
{
	static const char doc[] = "alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n"
	                          "    secret_file: hook.secret\n";
	hs_errs e = HS_ERRS_INIT;

	/* hearsayctl: a secret it may not read (or that is missing) is not an error */
	write_file(cfgpath, doc, 0644);
	hs_config *c = hs_config_load_flags(cfgpath, HS_CONFIG_NO_SECRETS, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_str_eq(c->routes[0].secret_file, tpath("hook.secret"));
	ck_assert_ptr_null(c->routes[0].secret);
	ck_assert_uint_eq(c->routes[0].secret_len, 0);
	hs_config_free(c);

	write_file(tpath("hook.secret"), "topsecret\n", 0644);
	c = hs_config_load_flags(cfgpath, HS_CONFIG_NO_SECRETS, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(c->routes[0].secret);
	hs_config_free(c);
	/* other errors are still reported */
	write_file(cfgpath, "workers: 0\n", 0644);
	c = hs_config_load_flags(cfgpath, HS_CONFIG_NO_SECRETS, &e);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	hs_errs_clear(&e);
	/* without the flag the same secret is refused */
	write_file(cfgpath, doc, 0644);
	c = hs_config_load_flags(cfgpath, 0, &e);
	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	hs_errs_clear(&e);
}
END_TEST

static hs_config *load_ok(const char *doc)
{
	hs_errs e = HS_ERRS_INIT;
	hs_config *c = load_doc(doc, &e);
	char *all = hs_errs_join(&e);
	ck_assert_msg(c != NULL, "refused: %s", all);
	free(all);
	return c;
}

START_TEST(test_restart_diff)
{
	static const char base[] =
		"log_level: info\nworkers: 2\n"
		"listen:\n  port: 8080\n"
		"sources:\n  - name: a\n    type: replay\n    path: a.ndjson\n    speed: 1\n"
		"alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    min_severity: high\n";
	char buf[200];
	hs_config *a = load_ok(base);
	hs_config *b = load_ok(base);

	ck_assert_int_eq(hs_config_restart_diff(a, b, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	hs_config_free(b);

	/* log_level and rules_dir take effect at once: no restart needed */
	b = load_ok("log_level: debug\nworkers: 2\nrules_dir: other\n"
	            "listen:\n  port: 8080\n"
	            "sources:\n  - name: a\n    type: replay\n    path: a.ndjson\n    speed: 1\n"
	            "alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    min_severity: high\n");
	ck_assert_int_eq(hs_config_restart_diff(a, b, buf, sizeof(buf)), 0);
	hs_config_free(b);

	b = load_ok("log_level: info\nworkers: 4\n"
	            "listen:\n  port: 9090\n"
	            "sources:\n  - name: a\n    type: replay\n    path: a.ndjson\n    speed: 2\n"
	            "alerts:\n  - name: w\n    type: webhook\n    url: http://x/\n    min_severity: low\n");
	ck_assert_int_eq(hs_config_restart_diff(a, b, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "workers, listen, sources, alerts");
	/* a short buffer still counts everything */
	char small[12];
	ck_assert_int_eq(hs_config_restart_diff(a, b, small, sizeof(small)), 4);
	ck_assert_uint_lt(strlen(small), sizeof(small));
	hs_config_free(b);
	hs_config_free(a);
}
END_TEST

START_TEST(test_err_missing_file)
{
	hs_errs e = HS_ERRS_INIT;
	char want[700];
	hs_config *c = hs_config_load(tpath("nope.yaml"), &e);

	ck_assert_ptr_null(c);
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", tpath("nope.yaml"));
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_err_yaml_syntax)
{
	EXPECT1("log_level: info\nworkers: 2: 3\n",
	        "2:11: YAML syntax error: mapping values are not allowed in this context");
	EXPECT1("workers: 2\nworkers: 3\n", "2:1: duplicate key 'workers' (first at line 1)");
	EXPECT1("store: &s {path: db}\nlisten: *s\n", "2:9: YAML aliases (*s) are not supported");
}
END_TEST

START_TEST(test_all_errors_reported)
{
	static const char doc[] =
		"colour: blue\n"              /* 1 */
		"workers: 0\n"                /* 2 */
		"log_level: loud\n"           /* 3 */
		"store:\n"                    /* 4 */
		"  batch_time: soon\n"        /* 5 */
		"sources:\n"                  /* 6 */
		"  - type: replay\n"          /* 7 */
		"    path: x.ndjson\n"        /* 8 */
		"  - name: b\n"               /* 9 */
		"    type: rss\n"             /* 10 */
		"alerts:\n"                   /* 11 */
		"  - name: w\n"               /* 12 */
		"    type: webhook\n"         /* 13 */
		"    url: ftp://x\n"          /* 14 */
		"    min_severity: urgent\n"  /* 15 */
		"collector_path: /nonexistent\n";
	static const char *const want[] = {
		"1:1: unknown key 'colour' in the configuration",
		"2:10: workers must be between 1 and 64, not 0",
		"3:12: log_level must be debug, info, notice, warning or error, not 'loud'",
		"5:15: store.batch_time must be a duration such as 250ms, 5s, 2m, 1h or 7d, not 'soon'",
		"7:5: source has no 'name'",
		"10:11: unknown source type 'rss': no rss.so in /nonexistent",
		"14:10: url must start with http:// or https://",
		"15:19: min_severity must be info, low, medium, high or critical, not 'urgent'",
	};
	expect_errors(doc, sizeof(want) / sizeof(want[0]), want);
}
END_TEST

/* ---- timeutil ----------------------------------------------------------------------- */

static int64_t rfc(const char *s)
{
	int64_t v = 0;
	ck_assert_msg(hs_time_parse_rfc3339(s, &v) == 0, "'%s' refused", s);
	return v;
}

START_TEST(test_time_parse)
{
	const int64_t t = 1778922720LL * 1000000; /* 2026-05-16T09:12:00Z */

	ck_assert_int_eq(rfc("1970-01-01T00:00:00Z"), 0);
	ck_assert_int_eq(rfc("2026-05-16T09:12:00Z"), t);
	ck_assert_int_eq(rfc("2026-05-16t09:12:00z"), t);
	ck_assert_int_eq(rfc("2026-05-16 09:12:00Z"), t);
	ck_assert_int_eq(rfc("2026-05-16T11:12:00+02:00"), t);
	ck_assert_int_eq(rfc("2026-05-16T03:42:00-05:30"), t);
	ck_assert_int_eq(rfc("2026-05-16T09:12:00+00:00"), t);
	ck_assert_int_eq(rfc("2026-05-16T09:12:00-00:00"), t);
	/* offset crossing midnight and a month end */
	ck_assert_int_eq(rfc("2026-05-17T01:12:00+16:00"), t);
	ck_assert_int_eq(rfc("2026-06-01T00:30:00+01:00"), rfc("2026-05-31T23:30:00Z"));
	/* fractions */
	ck_assert_int_eq(rfc("2026-05-16T09:12:00.5Z"), t + 500000);
	ck_assert_int_eq(rfc("2026-05-16T09:12:00.000001Z"), t + 1);
	ck_assert_int_eq(rfc("2026-05-16T09:12:00.123456789Z"), t + 123456);
	ck_assert_int_eq(rfc("2026-05-16T11:12:00.25+02:00"), t + 250000);
	/* leap days, before the epoch */
	ck_assert_int_eq(rfc("2024-02-29T23:59:59Z"), 1709251199LL * 1000000);
	ck_assert_int_eq(rfc("2000-02-29T00:00:00Z"), 951782400LL * 1000000);
	ck_assert_int_eq(rfc("1969-12-31T23:59:59Z"), -1000000);
	ck_assert_int_eq(rfc("1969-12-31T23:59:59.5Z"), -500000);
	/* a leap second is clamped */
	ck_assert_int_eq(rfc("2016-12-31T23:59:60Z"), rfc("2016-12-31T23:59:59Z"));
}
END_TEST

START_TEST(test_time_parse_invalid)
{
	static const char *const bad[] = {
		"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-05-00T00:00:00Z", "2026-05-16T24:00:00Z", "2026-05-16T09:60:00Z",
		"2026-05-16T09:12:61Z", "2026-05-16T09:12:00", "2026-05-16T09:12:00Y",
		"2026-05-16T09:12:00Zjunk", "2026-05-16T09:12Z", "2026-5-16T09:12:00Z",
		"2026-05-16", "2026-05-16T09:12:00.Z", "2026-05-16T09:12:00+0200",
		"2026-05-16T09:12:00+24:00", "2026-05-16T09:12:00+02:60", "",
		"20260516T091200Z", "2026-05-16X09:12:00Z", "abcd-05-16T09:12:00Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 42;
		ck_assert_msg(hs_time_parse_rfc3339(bad[i], &v) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(v, 42);
	}
}
END_TEST

START_TEST(test_time_format)
{
	char buf[40];

	ck_assert_str_eq(hs_time_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000000Z");
	ck_assert_str_eq(hs_time_format(1778922720LL * 1000000 + 5, buf, sizeof(buf)),
	                 "2026-05-16T09:12:00.000005Z");
	ck_assert_str_eq(hs_time_format(-1, buf, sizeof(buf)), "1969-12-31T23:59:59.999999Z");
	ck_assert_str_eq(hs_time_format(951782400LL * 1000000, buf, sizeof(buf)),
	                 "2000-02-29T00:00:00.000000Z");

	static const int64_t vals[] = { 0, 1, -1, 999999, 1000000, -1000001,
	                                1778922720123456LL, 4102444799999999LL, /* 2099-12-31 */
	                                -2208988800000000LL /* 1900-01-01 */ };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		int64_t back = 0;
		hs_time_format(vals[i], buf, sizeof(buf));
		ck_assert_uint_eq(strlen(buf), 27);
		ck_assert_msg(hs_time_parse_rfc3339(buf, &back) == 0, "%s", buf);
		ck_assert_msg(back == vals[i], "%lld -> %s -> %lld", (long long)vals[i], buf,
		              (long long)back);
	}
}
END_TEST

START_TEST(test_time_parse_user)
{
	const int64_t now = 1778922720LL * 1000000;
	int64_t v;

	ck_assert_int_eq(hs_time_parse_user("nanh", now, &v), -1);
	ck_assert_int_eq(hs_time_parse_user("infh", now, &v), -1);
	ck_assert_int_eq(hs_time_parse_user("1e300h", now, &v), -1);
	ck_assert_int_eq(hs_time_parse_user("-2h", now, &v), -1);
	ck_assert_int_eq(hs_time_parse_user("2h", now, &v), 0);
	ck_assert_int_eq(v, now - 7200LL * 1000000);
	ck_assert_int_eq(hs_time_parse_user("90s", now, &v), 0);
	ck_assert_int_eq(v, now - 90LL * 1000000);
	ck_assert_int_eq(hs_time_parse_user("15m", now, &v), 0);
	ck_assert_int_eq(v, now - 900LL * 1000000);
	ck_assert_int_eq(hs_time_parse_user("3d", now, &v), 0);
	ck_assert_int_eq(v, now - 3 * 86400LL * 1000000);
	ck_assert_int_eq(hs_time_parse_user("1.5h", now, &v), 0);
	ck_assert_int_eq(v, now - 5400LL * 1000000);
	ck_assert_int_eq(hs_time_parse_user("0s", now, &v), 0);
	ck_assert_int_eq(v, now);
	ck_assert_int_eq(hs_time_parse_user("2026-05-16", now, &v), 0);
	ck_assert_int_eq(v, now - (9 * 3600 + 12 * 60) * 1000000LL);
	ck_assert_int_eq(hs_time_parse_user("2026-05-16T11:12:00+02:00", now, &v), 0);
	ck_assert_int_eq(v, now);

	static const char *const bad[] = { "2x", "-2h", "h", "", "2 h", "2026-02-30",
	                                   "yesterday", "2hours" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		ck_assert_msg(hs_time_parse_user(bad[i], now, &v) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(v, 42);
	}
}
END_TEST

START_TEST(test_clocks)
{
	int64_t a = hs_now_us(), m1 = hs_mono_us();
	ck_assert_int_gt(a, 1700000000LL * 1000000); /* after 2023 */
	int64_t m2 = hs_mono_us();
	ck_assert_int_ge(m2, m1);
}
END_TEST

/* ---- utf8 ----------------------------------------------------------------------------- */

START_TEST(test_utf8_valid)
{
	static const struct { const char *s; size_t len; bool ok; } cases[] = {
		{ "", 0, true },
		{ "hello", 5, true },
		{ "h\xc3\xa9llo", 6, true },              /* é */
		{ "\xe2\x82\xac", 3, true },              /* € */
		{ "\xf0\x9f\x98\x80", 4, true },          /* emoji */
		{ "\xf4\x8f\xbf\xbf", 4, true },          /* U+10FFFF */
		{ "\xed\x9f\xbf", 3, true },              /* U+D7FF */
		{ "\xee\x80\x80", 3, true },              /* U+E000 */
		{ "\xef\xbf\xbd", 3, true },              /* U+FFFD */
		{ "\xc2\x80", 2, true },                  /* U+0080 */
		{ "a\0b", 3, false },                     /* NUL */
		{ "\x80", 1, false },                     /* lone continuation */
		{ "\xbf", 1, false },
		{ "\xc3", 1, false },                     /* truncated */
		{ "\xe2\x82", 2, false },
		{ "\xf0\x9f\x98", 3, false },
		{ "\xc3\x28", 2, false },                 /* bad continuation */
		{ "\xc0\xaf", 2, false },                 /* overlong '/' */
		{ "\xc1\xbf", 2, false },                 /* overlong */
		{ "\xe0\x80\xaf", 3, false },             /* overlong */
		{ "\xe0\x9f\xbf", 3, false },             /* overlong U+07FF */
		{ "\xf0\x80\x80\xaf", 4, false },         /* overlong */
		{ "\xf0\x8f\xbf\xbf", 4, false },         /* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, false },             /* U+D800 surrogate */
		{ "\xed\xbf\xbf", 3, false },             /* U+DFFF surrogate */
		{ "\xf4\x90\x80\x80", 4, false },         /* U+110000 */
		{ "\xf5\x80\x80\x80", 4, false },
		{ "\xff", 1, false },
		{ "\xfe", 1, false },
		{ "ok\xc3\xa9\x80", 5, false },           /* trailing garbage */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(hs_utf8_valid(cases[i].s, cases[i].len) == cases[i].ok,
		              "case %zu: want %d", i, cases[i].ok);
	/* len limits what is looked at */
	ck_assert(hs_utf8_valid("ab\xff", 2));
	ck_assert(!hs_utf8_valid("\xe2\x82\xac", 2));
}
END_TEST

static void check_repair(const char *in, size_t len, const char *want, bool want_changed)
{
	bool changed = !want_changed;
	char *out = hs_utf8_repair(in, len, &changed);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, want);
	ck_assert(changed == want_changed);
	ck_assert(hs_utf8_valid(out, strlen(out)));
	free(out);
}

START_TEST(test_utf8_repair)
{
	check_repair("plain", 5, "plain", false);
	check_repair("", 0, "", false);
	check_repair("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, "caf\xc3\xa9 \xf0\x9f\x98\x80", false);
	check_repair("a\xff" "b", 3, "a\xef\xbf\xbd" "b", true);
	check_repair("a\0b\0", 4, "ab", true);
	check_repair("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", true);
	check_repair("x\xed\xa0\x80y", 5, "x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy", true);
	check_repair("end\xe2\x82", 5, "end\xef\xbf\xbd\xef\xbf\xbd", true);
	check_repair("\xf4\x90\x80\x80", 4,
	             "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", true);
	/* NULL flag pointer is allowed */
	char *out = hs_utf8_repair("\xff", 1, NULL);
	ck_assert_str_eq(out, "\xef\xbf\xbd");
	free(out);
	/* worst case growth: every byte replaced */
	char big[300];
	memset(big, 0xff, sizeof(big));
	out = hs_utf8_repair(big, sizeof(big), NULL);
	ck_assert_uint_eq(strlen(out), 3 * sizeof(big));
	free(out);
}
END_TEST

/* ---- pseudonyms ------------------------------------------------------------------------ */

START_TEST(test_pseudonym_key_created)
{
	unsigned char k1[HS_PSEUDONYM_KEY_LEN], k2[HS_PSEUDONYM_KEY_LEN];
	hs_errs e = HS_ERRS_INIT;
	struct stat st;
	const char *p = tpath("state/sub/pseudonym.key");

	ck_assert_int_eq(hs_pseudonym_key_load(p, k1, &e), 0);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, HS_PSEUDONYM_KEY_LEN);
	ck_assert_int_eq(stat(tpath("state/sub"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0077, 0); /* the directory it made is private */
	/* loading again gives the same key */
	ck_assert_int_eq(hs_pseudonym_key_load(p, k2, &e), 0);
	ck_assert_mem_eq(k1, k2, HS_PSEUDONYM_KEY_LEN);
	/* and it is not all zeros */
	unsigned char zero[HS_PSEUDONYM_KEY_LEN] = { 0 };
	ck_assert(memcmp(k1, zero, sizeof(zero)) != 0);
	/* a second new key differs */
	ck_assert_int_eq(hs_pseudonym_key_load(tpath("other.key"), k2, &e), 0);
	ck_assert(memcmp(k1, k2, sizeof(k1)) != 0);
}
END_TEST

START_TEST(test_pseudonym_key_mode_refused)
{
	unsigned char k[HS_PSEUDONYM_KEY_LEN];
	hs_errs e = HS_ERRS_INIT;
	const char *p = tpath("pseudonym.key");
	char want[700];

	ck_assert_int_eq(hs_pseudonym_key_load(p, k, &e), 0);
	ck_assert_int_eq(chmod(p, 0644), 0);
	ck_assert_int_eq(hs_pseudonym_key_load(p, k, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want),
	         "%s: pseudonym key file must not be accessible by other users (chmod 600)", p);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
	static const mode_t refused[] = { 0604, 0602, 0601, 0666 };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_int_eq(chmod(p, refused[i]), 0);
		ck_assert_msg(hs_pseudonym_key_load(p, k, &e) == -1, "mode %03o accepted",
		              (unsigned)refused[i]);
		ck_assert_uint_eq(e.n, 1);
		hs_errs_clear(&e);
	}
	/* owner-only or a service group: accepted */
	static const mode_t ok[] = { 0600, 0400, 0640 };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(chmod(p, ok[i]), 0);
		ck_assert_msg(hs_pseudonym_key_load(p, k, &e) == 0, "mode %03o refused",
		              (unsigned)ok[i]);
	}
	ck_assert_uint_eq(e.n, 0);

	/* too short */
	write_file(tpath("short.key"), "abc", 0600);
	ck_assert_int_eq(hs_pseudonym_key_load(tpath("short.key"), k, &e), -1);
	snprintf(want, sizeof(want), "%s: pseudonym key file must hold 32 bytes", tpath("short.key"));
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
}
END_TEST

START_TEST(test_pseudonym_values)
{
	unsigned char zero[HS_PSEUDONYM_KEY_LEN] = { 0 }, seq[HS_PSEUDONYM_KEY_LEN];
	char a[HS_PSEUDONYM_HEX_LEN + 1], b[HS_PSEUDONYM_HEX_LEN + 1];

	for (int i = 0; i < HS_PSEUDONYM_KEY_LEN; i++)
		seq[i] = (unsigned char)i;
	/* known answers: first 128 bits of HMAC-SHA256(key, source 0x00 handle) */
	hs_pseudonym(zero, "src", "alice", a);
	ck_assert_str_eq(a, "2b2153996c52246ecb238531190f2056");
	hs_pseudonym(seq, "rivertown-courier", "@alice", a);
	ck_assert_str_eq(a, "0ca710a25bb98032ac9c906427af7451");

	/* stable */
	hs_pseudonym(seq, "rivertown-courier", "@alice", b);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(strlen(a), HS_PSEUDONYM_HEX_LEN);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), HS_PSEUDONYM_HEX_LEN);
	/* different source, handle or key: different pseudonym */
	hs_pseudonym(seq, "other-source", "@alice", b);
	ck_assert_str_ne(a, b);
	hs_pseudonym(seq, "rivertown-courier", "@alicf", b);
	ck_assert_str_ne(a, b);
	hs_pseudonym(zero, "rivertown-courier", "@alice", b);
	ck_assert_str_ne(a, b);
	/* the separator keeps source and handle apart */
	hs_pseudonym(seq, "ab", "c", a);
	hs_pseudonym(seq, "a", "bc", b);
	ck_assert_str_ne(a, b);

	/* long input (heap path) is stable too */
	char longh[2000];
	memset(longh, 'h', sizeof(longh) - 1);
	longh[sizeof(longh) - 1] = 0;
	hs_pseudonym(seq, "src", longh, a);
	hs_pseudonym(seq, "src", longh, b);
	ck_assert_str_eq(a, b);
	longh[1000] = 'x';
	hs_pseudonym(seq, "src", longh, b);
	ck_assert_str_ne(a, b);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("valid");

	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_add_test(tc, test_full_config);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_spike_keys);
	tcase_add_test(tc, test_partial_sections_keep_defaults);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_path_resolve);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_add_test(tc, test_err_unknown_key);
	tcase_add_test(tc, test_err_wrong_type);
	tcase_add_test(tc, test_err_out_of_range);
	tcase_add_test(tc, test_err_log_level);
	tcase_add_test(tc, test_err_duration);
	tcase_add_test(tc, test_err_source_fields);
	tcase_add_test(tc, test_err_routes);
	tcase_add_test(tc, test_secret_file_mode);
	tcase_add_test(tc, test_no_secrets_flag);
	tcase_add_test(tc, test_restart_diff);
	tcase_add_test(tc, test_err_missing_file);
	tcase_add_test(tc, test_err_yaml_syntax);
	tcase_add_test(tc, test_all_errors_reported);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *helpers_suite(void)
{
	Suite *s = suite_create("helpers");
	TCase *tc = tcase_create("timeutil");

	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_time_parse_invalid);
	tcase_add_test(tc, test_time_format);
	tcase_add_test(tc, test_time_parse_user);
	tcase_add_test(tc, test_clocks);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_repair);
	suite_add_tcase(s, tc);

	tc = tcase_create("pseudonym");
	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_add_test(tc, test_pseudonym_key_created);
	tcase_add_test(tc, test_pseudonym_key_mode_refused);
	tcase_add_test(tc, test_pseudonym_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_add_suite(sr, helpers_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
