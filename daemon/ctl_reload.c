/* hearsayctl reload: ask the running hearsayd to reload its configuration
 * and rule packs (SIGHUP to the pid in STORE/hearsayd.pid), wait for the
 * outcome in /api/v1/stats and print it: the new rule count, or every error
 * that made hearsayd keep the rules it had. Run it as hearsayd's user (or
 * root); under systemd, `systemctl reload hearsayd` does the same. */
#include "hs_autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "ctl.h"

/* The pid in the pid file, if that process is a hearsayd; else 0. */
static pid_t daemon_pid(const char *store)
{
	char path[4096], comm[64] = "";
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/hearsayd.pid", store);
	if (!(f = fopen(path, "r"))) {
		fprintf(stderr, "hearsayctl: %s: %s (is hearsayd running with this store?)\n", path,
		        strerror(errno));
		return 0;
	}
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (pid && (f = fopen(path, "r"))) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (!pid || strncmp(comm, "hearsayd", 8) != 0) {
		fprintf(stderr, "hearsayctl: %s/hearsayd.pid names no running hearsayd (stale file?)\n",
		        store);
		return 0;
	}
	return (pid_t)pid;
}

static long long counter(const json_t *st, const char *k)
{
	return (long long)json_integer_value(json_object_get(st, k));
}

int ctl_reload(hs_ctl *c, int argc, char **argv)
{
	const char *store, *base;
	json_t *before = NULL, *after = NULL;
	long long ok0, bad0;
	pid_t pid;
	int rc = 1;

	if (argc != 1) {
		fprintf(stderr, "usage: hearsayctl [-c CONFIG] reload\n");
		return CTL_EX_USAGE;
	}
	(void)argv;
	if (!(store = ctl_store_path(c)) || !(base = ctl_base_url(c)))
		return CTL_EX_USAGE;
	if (!(pid = daemon_pid(store)))
		return CTL_EX_UNAVAILABLE;
	if (!(before = ctl_fetch_stats(base)))
		return CTL_EX_UNAVAILABLE;
	ok0 = counter(before, "reloads_ok");
	bad0 = counter(before, "reloads_failed");
	if (kill(pid, SIGHUP) != 0) {
		fprintf(stderr, "hearsayctl: cannot signal hearsayd (pid %ld): %s\n", (long)pid,
		        strerror(errno));
		goto out;
	}
	for (int i = 0; i < 300; i++) { /* up to 30 s: a big rule set takes a while to compile */
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
		json_decref(after);
		if (!(after = ctl_fetch_stats(base)))
			goto out;
		if (counter(after, "reloads_ok") > ok0 || counter(after, "reloads_failed") > bad0)
			break;
	}
	const json_t *last = json_object_get(after, "last_reload");
	if (counter(after, "reloads_ok") > ok0) {
		printf("reloaded: %lld rule(s) active\n", (long long)json_integer_value(
		                                              json_object_get(last, "rules")));
		rc = 0;
	} else if (counter(after, "reloads_failed") > bad0) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(last, "errors"), i, e)
			fprintf(stderr, "%s\n", json_string_value(e));
		fprintf(stderr, "hearsayctl: reload rejected: hearsayd keeps its %lld rule(s)\n",
		        (long long)json_integer_value(json_object_get(last, "rules")));
	} else {
		fprintf(stderr, "hearsayctl: hearsayd did not report a reload within 30 s\n");
	}
out:
	json_decref(before);
	json_decref(after);
	return rc;
}
