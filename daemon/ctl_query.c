/* hearsayctl query: hits or posts from the store, read-only, while the
 * daemon runs. */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "store.h"
#include "timeutil.h"

typedef struct qout {
	hs_ctl *c;
	int posts;
	size_t n;
} qout;

static void short_time(const char *iso, char *out, size_t len)
{
	/* "2026-05-16T09:12:00.000000Z" -> "2026-05-16 09:12:00" */
	snprintf(out, len, "%.10s %.8s", iso, strlen(iso) > 11 ? iso + 11 : "");
}

static void print_hit(qout *q, const json_t *ev)
{
	const json_t *rule = json_object_get(ev, "rule");
	const json_t *post = json_object_get(ev, "post");
	char t[32];
	FILE *f = stdout;

	if (q->c->format == CTL_CSV) {
		char seq[32];
		snprintf(seq, sizeof(seq), "%lld", (long long)json_integer_value(json_object_get(ev, "seq")));
		ctl_csv_field(f, seq, 0);
		ctl_csv_field(f, ctl_jstr(post, "created"), 0);
		ctl_csv_field(f, ctl_jstr(rule, "severity"), 0);
		ctl_csv_field(f, ctl_jstr(rule, "id"), 0);
		ctl_csv_field(f, ctl_jstr(rule, "category"), 0);
		ctl_csv_field(f, ctl_jstr(post, "source"), 0);
		ctl_csv_field(f, ctl_jstr(post, "source_id"), 0);
		ctl_csv_field(f, ctl_jstr(post, "url"), 0);
		ctl_csv_field(f, ctl_jstr(ev, "match"), 0);
		ctl_csv_field(f, ctl_jstr(post, "text"), 1);
		return;
	}
	short_time(ctl_jstr(post, "created"), t, sizeof(t));
	printf("%-19s  ", t);
	ctl_print_cell(f, ctl_jstr(rule, "severity"), 8);
	fputs("  ", f);
	ctl_print_cell(f, ctl_jstr(rule, "id"), 22);
	fputs("  ", f);
	ctl_print_cell(f, ctl_jstr(post, "source"), 18);
	fputs("  ", f);
	ctl_print_cell(f, ctl_jstr(post, "text"), 60);
	fputc('\n', f);
}

static void print_post(qout *q, const json_t *p)
{
	char t[32];
	FILE *f = stdout;

	if (q->c->format == CTL_CSV) {
		char id[32];
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(p, "id")));
		ctl_csv_field(f, id, 0);
		ctl_csv_field(f, ctl_jstr(p, "created"), 0);
		ctl_csv_field(f, ctl_jstr(p, "source"), 0);
		ctl_csv_field(f, ctl_jstr(p, "source_id"), 0);
		ctl_csv_field(f, ctl_jstr(p, "lang"), 0);
		ctl_csv_field(f, ctl_jstr(p, "url"), 0);
		ctl_csv_field(f, ctl_jstr(p, "title"), 0);
		ctl_csv_field(f, ctl_jstr(p, "text"), 1);
		return;
	}
	short_time(ctl_jstr(p, "created"), t, sizeof(t));
	printf("%-19s  ", t);
	ctl_print_cell(f, ctl_jstr(p, "source"), 18);
	fputs("  ", f);
	ctl_print_cell(f, ctl_jstr(p, "source_id"), 14);
	fputs("  ", f);
	if (json_is_true(json_object_get(p, "deleted")))
		fputs("[deleted upstream] ", f);
	ctl_print_cell(f, ctl_jstr(p, "text"), 70);
	fputc('\n', f);
}

static int on_row(void *ud, uint64_t key, const char *val, size_t len)
{
	qout *q = ud;
	(void)key;
	if (q->c->format == CTL_JSON) {
		printf("%s%.*s", q->n ? ",\n" : "[\n", (int)len, val);
	} else {
		json_t *o = json_loadb(val, len, 0, NULL);
		if (!o)
			return 0;
		if (q->posts)
			print_post(q, o);
		else
			print_hit(q, o);
		json_decref(o);
	}
	q->n++;
	return 0;
}

static void query_usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl query [--posts] [--since T] [--until T] [--rule ID]\n"
	           "                        [--source NAME] [--limit N] [--asc] [--json|--csv]\n"
	           "  T: RFC 3339 time, a date (2026-05-16), or an age (90m, 2h, 7d)\n"
	           "  Hits by default (newest first); --posts lists posts instead.\n");
}

int ctl_query(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' }, { "until", required_argument, NULL, 'u' },
		{ "rule", required_argument, NULL, 'r' }, { "source", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'n' }, { "posts", no_argument, NULL, 'p' },
		{ "asc", no_argument, NULL, 'a' }, { "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	hs_store_query q = { INT64_MIN, INT64_MAX, NULL, NULL, 50, true };
	qout out = { c, 0, 0 };
	int64_t now = hs_now_us();
	int opt, rc = 1;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:u:r:S:n:pajCh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (hs_time_parse_user(optarg, now, &q.since_us)) {
				fprintf(stderr, "hearsayctl: bad --since '%s'\n", optarg);
				return CTL_EX_USAGE;
			}
			break;
		case 'u':
			if (hs_time_parse_user(optarg, now, &q.until_us)) {
				fprintf(stderr, "hearsayctl: bad --until '%s'\n", optarg);
				return CTL_EX_USAGE;
			}
			break;
		case 'r': q.rule = optarg; break;
		case 'S': q.source = optarg; break;
		case 'n':
			q.limit = strtoul(optarg, &end, 10);
			if (*end || optarg[0] == '-') {
				fprintf(stderr, "hearsayctl: bad --limit '%s' (0 = no limit)\n", optarg);
				return CTL_EX_USAGE;
			}
			break;
		case 'p': out.posts = 1; break;
		case 'a': q.newest_first = false; break;
		case 'j': c->format = CTL_JSON; break;
		case 'C': c->format = CTL_CSV; break;
		case 'h': query_usage(stdout); return 0;
		default: query_usage(stderr); return CTL_EX_USAGE;
		}
	}
	int status = 0;
	hs_store *st = ctl_open_store(c, &status);
	if (!st)
		return status;
	const char *path = hs_store_path(st);
	if (c->format == CTL_CSV)
		fputs(out.posts ? "id,created,source,source_id,lang,url,title,text\r\n"
		                : "seq,created,severity,rule,category,source,source_id,url,match,text\r\n",
		      stdout);
	else if (c->format == CTL_TABLE && out.posts)
		printf("%-19s  %-18s  %-14s  %s\n", "CREATED (UTC)", "SOURCE", "ID", "TEXT");
	else if (c->format == CTL_TABLE)
		printf("%-19s  %-8s  %-22s  %-18s  %s\n", "CREATED (UTC)", "SEVERITY", "RULE",
		       "SOURCE", "TEXT");
	int src = out.posts ? hs_store_query_posts(st, &q, on_row, &out)
	                    : hs_store_query_hits(st, &q, on_row, &out);
	if (src) {
		fprintf(stderr, "hearsayctl: reading %s failed: %s\n", path, hs_store_strerror(src));
		goto out;
	}
	if (c->format == CTL_JSON)
		fputs(out.n ? "\n]\n" : "[]\n", stdout);
	else if (c->format == CTL_TABLE)
		fprintf(stderr, "%zu %s\n", out.n, out.posts ? "post(s)" : "hit(s)");
	rc = 0;
out:
	hs_store_close(st);
	return rc;
}
