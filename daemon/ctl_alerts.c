/* hearsayctl alerts: the alert outbox - which alerts went out, when, and
 * which are still pending or failed. Read-only. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "ctl.h"
#include "store.h"
#include "timeutil.h"

typedef struct aout {
	hs_ctl *c;
	const char *state;   /* filter, or NULL */
	size_t n;
} aout;

static int on_alert(void *ud, uint64_t key, const char *val, size_t len)
{
	aout *o = ud;
	hs_alert *a = hs_alert_from_record(key, val, len);
	char created[40], updated[40], id[32];

	if (!a)
		return 0;
	if (o->state && strcmp(o->state, hs_alert_state_name(a->state)) != 0)
		goto out;
	hs_time_format(a->created_us, created, sizeof(created));
	hs_time_format(a->updated_us, updated, sizeof(updated));
	json_t *body = json_loads(a->body, 0, NULL);
	const json_t *rule = json_object_get(body, "rule");
	if (o->c->format == CTL_JSON) {
		json_t *j = json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:s?,s:O?}", "id", (json_int_t)a->id,
		                      "route", a->route, "state", hs_alert_state_name(a->state),
		                      "attempts", a->attempts, "created", created, "updated", updated,
		                      "last_error", a->last_error, "payload", body);
		char *s = json_dumps(j, JSON_COMPACT);
		printf("%s%s", o->n ? ",\n" : "[\n", s);
		free(s);
		json_decref(j);
	} else if (o->c->format == CTL_CSV) {
		snprintf(id, sizeof(id), "%llu", (unsigned long long)a->id);
		ctl_csv_field(stdout, id, 0);
		ctl_csv_field(stdout, a->route, 0);
		ctl_csv_field(stdout, hs_alert_state_name(a->state), 0);
		snprintf(id, sizeof(id), "%d", a->attempts);
		ctl_csv_field(stdout, id, 0);
		ctl_csv_field(stdout, created, 0);
		ctl_csv_field(stdout, updated, 0);
		ctl_csv_field(stdout, ctl_jstr(rule, "id"), 0);
		ctl_csv_field(stdout, a->last_error, 1);
	} else {
		printf("%-8llu %-16.16s %-8s %3d  %.10s %.8s  %-24.24s %s\n", (unsigned long long)a->id,
		       a->route, hs_alert_state_name(a->state), a->attempts, created, created + 11,
		       ctl_jstr(rule, "id"), a->last_error ? a->last_error : "");
	}
	json_decref(body);
	o->n++;
out:
	hs_alert_free(a);
	return 0;
}

int ctl_alerts(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	aout o = { c, NULL, 0 };
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:jCh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': o.state = optarg; break;
		case 'j': c->format = CTL_JSON; break;
		case 'C': c->format = CTL_CSV; break;
		case 'h':
		default:
			fprintf(opt == 'h' ? stdout : stderr,
			        "usage: hearsayctl alerts [--state pending|sent|failed] [--json|--csv]\n");
			return opt == 'h' ? 0 : CTL_EX_USAGE;
		}
	}
	int status = 0;
	hs_store *st = ctl_open_store(c, &status);
	if (!st)
		return status;
	const char *path = hs_store_path(st);
	if (c->format == CTL_CSV)
		fputs("id,route,state,attempts,created,updated,rule,last_error\r\n", stdout);
	else if (c->format == CTL_TABLE)
		printf("%-8s %-16s %-8s %3s  %-19s  %-24s %s\n", "ID", "ROUTE", "STATE", "TRY",
		       "CREATED (UTC)", "RULE", "LAST ERROR");
	rc = hs_store_scan_outbox(st, on_alert, &o);
	if (c->format == CTL_JSON)
		fputs(o.n ? "\n]\n" : "[]\n", stdout);
	hs_store_close(st);
	if (rc) {
		fprintf(stderr, "hearsayctl: reading %s failed: %s\n", path, hs_store_strerror(rc));
		return 1;
	}
	return 0;
}
