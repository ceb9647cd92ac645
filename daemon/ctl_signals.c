/* hearsayctl spikes | claims | mood: the signal stage's history, read
 * from the store (read-only; hearsayd may be running).
 *
 *   hearsayctl spikes [--rumour] [--limit N] [--json]
 *   hearsayctl claims [--min-size N] [--limit N] [--json] [ID]
 *   hearsayctl mood [--source NAME | --rule ID] [--since T] [--limit N] [--json|--csv]
 *
 * spikes and claims list the newest first; claims ID shows one claim with
 * its provenance (first post, source, time) and how it spread. mood prints
 * the sentiment rollups of one source, one rule or everything, per time
 * bucket, oldest first: posts, scored posts, mean compound score, the
 * rolling mean over the last 6 buckets with posts, share of negative posts
 * (compound <= -0.05).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "signals.h"
#include "store.h"
#include "timeutil.h"

typedef struct list_ctx {
	hs_ctl *c;
	bool rumour_only;
	uint64_t min_size;
	size_t limit, shown;
	json_t *arr;
} list_ctx;

static void usage_line(const char *u)
{
	fprintf(stderr, "usage: hearsayctl %s\n", u);
}

static int parse_common(hs_ctl *c, int argc, char **argv, const char *u, list_ctx *lc,
                        const char **since, const char **source, const char **rule)
{
	static const struct option opts[] = {
		{ "rumour", no_argument, NULL, 'r' },   { "min-size", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'n' }, { "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'v' },     { "since", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'S' }, { "rule", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "rm:n:jvs:S:R:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': lc->rumour_only = true; break;
		case 'm': lc->min_size = strtoull(optarg, NULL, 10); break;
		case 'n': lc->limit = strtoul(optarg, NULL, 10); break;
		case 'j': c->format = CTL_JSON; break;
		case 'v': c->format = CTL_CSV; break;
		case 's': if (since) *since = optarg; else goto bad; break;
		case 'S': if (source) *source = optarg; else goto bad; break;
		case 'R': if (rule) *rule = optarg; else goto bad; break;
		case 'h': printf("usage: hearsayctl %s\n", u); return 1;
		default: goto bad;
		}
	}
	return 0;
bad:
	usage_line(u);
	return -1;
}

/* After a listing: report a store error, print the JSON array (if any,
 * which this takes), close the store. Returns the exit status. */
static int end_list(hs_store *st, int rc, json_t *arr)
{
	if (rc)
		fprintf(stderr, "hearsayctl: %s: %s\n", hs_store_path(st), hs_store_strerror(rc));
	if (arr) {
		char *js = json_dumps(arr, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		if (js)
			puts(js);
		free(js);
		json_decref(arr);
	}
	hs_store_close(st);
	return rc ? 1 : 0;
}

/* ---- spikes ----------------------------------------------------------------- */

static int spike_row(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	list_ctx *lc = ud;
	json_error_t je;
	json_t *o = json_loadb(val, vl, 0, &je);

	(void)key;
	(void)kl;
	if (!o)
		return 0;
	if (lc->rumour_only && !json_is_true(json_object_get(o, "rumour"))) {
		json_decref(o);
		return 0;
	}
	if (lc->arr) {
		json_array_append_new(lc->arr, o);
	} else {
		const char *end = ctl_jstr(o, "end");
		printf("%6" PRId64 "  %-7s %-6s %-28.28s %-20.20s %-20.20s %5" PRId64 " (x%.1f)  %5" PRId64
		       "%s\n",
		       (int64_t)json_integer_value(json_object_get(o, "id")), ctl_jstr(o, "state"),
		       ctl_jstr(o, "kind"), ctl_jstr(o, "name"), ctl_jstr(o, "start"),
		       *end ? end : "-", (int64_t)json_integer_value(json_object_get(o, "peak_count")),
		       json_number_value(json_object_get(o, "magnitude")),
		       (int64_t)json_integer_value(json_object_get(o, "posts")),
		       json_is_true(json_object_get(o, "rumour")) ? "  rumour" : "");
		json_decref(o);
	}
	return lc->limit && ++lc->shown >= lc->limit;
}

int ctl_spikes(hs_ctl *c, int argc, char **argv)
{
	list_ctx lc = { c, false, 0, 50, 0, NULL };
	int status = 1, rc;
	hs_store *st;

	if ((rc = parse_common(c, argc, argv, "spikes [--rumour] [--limit N] [--json]", &lc, NULL,
	                       NULL, NULL)))
		return rc > 0 ? 0 : CTL_EX_USAGE;
	if (!(st = ctl_open_store(c, &status)))
		return status;
	if (c->format == CTL_JSON)
		lc.arr = json_array();
	else
		printf("%6s  %-7s %-6s %-28s %-20s %-20s %13s  %5s\n", "id", "state", "kind", "name",
		       "start", "end", "peak", "posts");
	rc = hs_store_scan_sig(st, HS_SDB_SPIKES, NULL, 0, true, 0, spike_row, &lc);
	return end_list(st, rc, lc.arr);
}

/* ---- claims ----------------------------------------------------------------- */

/* The JSON part of a claim record (after the binary record). */
static json_t *claim_json(const void *val, size_t vl)
{
	const void *rec;
	const char *js;
	size_t rl, jl;

	if (hs_signals_claim_parts(val, vl, &rec, &rl, &js, &jl) < 0)
		return NULL;
	return json_loadb(js, jl, 0, NULL);
}

static int claim_row(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	list_ctx *lc = ud;
	json_t *o = claim_json(val, vl);

	(void)key;
	(void)kl;
	if (!o)
		return 0;
	if ((uint64_t)json_integer_value(json_object_get(o, "size")) < lc->min_size) {
		json_decref(o);
		return 0;
	}
	if (lc->arr) {
		json_array_append_new(lc->arr, o);
	} else {
		json_t *f = json_object_get(o, "first");
		printf("%6" PRId64 " %5" PRId64 " %7" PRId64 " %7" PRId64 "  %-18.18s %-20.20s %6.2f  ",
		       (int64_t)json_integer_value(json_object_get(o, "id")),
		       (int64_t)json_integer_value(json_object_get(o, "size")),
		       (int64_t)json_integer_value(json_object_get(o, "authors")),
		       (int64_t)json_integer_value(json_object_get(o, "sources")), ctl_jstr(f, "source"),
		       ctl_jstr(f, "time"), json_number_value(json_object_get(o, "growth")));
		ctl_print_cell(stdout, ctl_jstr(o, "excerpt"), 60);
		putchar('\n');
		json_decref(o);
	}
	return lc->limit && ++lc->shown >= lc->limit;
}

static int claim_one(hs_ctl *c, hs_store *st, const char *idarg)
{
	unsigned char k[8];
	char *end;
	uint64_t id = strtoull(idarg, &end, 10);
	list_ctx lc = { c, false, 0, 1, 0, NULL };
	json_t *found = NULL;

	if (*end || !id) {
		fprintf(stderr, "hearsayctl claims: '%s' is not a claim id\n", idarg);
		return CTL_EX_USAGE;
	}
	hs_store_be64(k, id);
	lc.arr = json_array();
	if (hs_store_scan_sig(st, HS_SDB_CLAIMS, k, 8, false, 1, claim_row, &lc) || !lc.arr)
		return 1;
	found = json_array_get(lc.arr, 0);
	if (!found) {
		fprintf(stderr, "hearsayctl claims: no claim %s\n", idarg);
		json_decref(lc.arr);
		return 1;
	}
	if (c->format == CTL_JSON) {
		char *js = json_dumps(found, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		if (js)
			puts(js);
		free(js);
	} else {
		json_t *f = json_object_get(found, "first"), *sp = json_object_get(found, "spread");
		size_t i;
		json_t *e;
		printf("claim %s: %" PRId64 " posts by %" PRId64 " authors in %" PRId64 " sources, "
		       "growth %.2f\n", idarg, (int64_t)json_integer_value(json_object_get(found, "size")),
		       (int64_t)json_integer_value(json_object_get(found, "authors")),
		       (int64_t)json_integer_value(json_object_get(found, "sources")),
		       json_number_value(json_object_get(found, "growth")));
		printf("  first seen: post %" PRId64 " in %s at %s\n",
		       (int64_t)json_integer_value(json_object_get(f, "post")), ctl_jstr(f, "source"),
		       ctl_jstr(f, "time"));
		printf("  says: %s\n  latest: %s\n  spread:\n", ctl_jstr(found, "excerpt"),
		       ctl_jstr(found, "last"));
		json_array_foreach(sp, i, e)
			printf("    %-20s %-20s post %" PRId64 "\n", ctl_jstr(e, "time"), ctl_jstr(e, "source"),
			       (int64_t)json_integer_value(json_object_get(e, "post")));
	}
	json_decref(lc.arr);
	return 0;
}

int ctl_claims(hs_ctl *c, int argc, char **argv)
{
	list_ctx lc = { c, false, 2, 50, 0, NULL };
	int status = 1, rc;
	hs_store *st;

	if ((rc = parse_common(c, argc, argv, "claims [--min-size N] [--limit N] [--json] [ID]", &lc,
	                       NULL, NULL, NULL)))
		return rc > 0 ? 0 : CTL_EX_USAGE;
	if (!(st = ctl_open_store(c, &status)))
		return status;
	if (optind < argc) {
		rc = claim_one(c, st, argv[optind]);
		hs_store_close(st);
		return rc;
	}
	if (c->format == CTL_JSON)
		lc.arr = json_array();
	else
		printf("%6s %5s %7s %7s  %-18s %-20s %6s  %s\n", "id", "posts", "authors", "sources",
		       "first source", "first seen", "growth", "says");
	rc = hs_store_scan_sig(st, HS_SDB_CLAIMS, NULL, 0, true, 0, claim_row, &lc);
	return end_list(st, rc, lc.arr);
}

/* ---- mood (sentiment rollups) ------------------------------------------------- */

#define MOOD_ROLL 6 /* buckets in the rolling mean */

typedef struct mood_ctx {
	hs_ctl *c;
	size_t plen;
	int64_t since;
	size_t limit, shown;
	json_t *arr;
	/* the last MOOD_ROLL buckets seen (sums and scored counts), for the
	 * rolling mean: a ring */
	double roll_sum[MOOD_ROLL];
	uint64_t roll_n[MOOD_ROLL];
	size_t roll_at;
} mood_ctx;

static int mood_row(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	mood_ctx *m = ud;
	const unsigned char *k = key;
	hs_rollup ru;
	uint64_t posts, scored, neg;
	double sum, mean, share;
	int64_t t;
	char tb[40];

	if (kl != m->plen + 8 || hs_rollup_decode(val, vl, &ru) < 0)
		return 0;
	t = hs_store_key_time(hs_store_rd64(k + m->plen));
	if (t < m->since)
		return 0;
	posts = ru.posts;
	scored = ru.scored;
	neg = ru.neg;
	sum = ru.sum;
	mean = scored ? sum / (double)scored : 0.0;
	share = scored ? (double)neg / (double)scored : 0.0;
	/* rolling: the scored posts of this bucket and the MOOD_ROLL - 1 stored
	 * buckets before it (buckets without posts are not stored) */
	m->roll_sum[m->roll_at] = sum;
	m->roll_n[m->roll_at] = scored;
	m->roll_at = (m->roll_at + 1) % MOOD_ROLL;
	double rs = 0;
	uint64_t rn = 0;
	for (size_t i = 0; i < MOOD_ROLL; i++) {
		rs += m->roll_sum[i];
		rn += m->roll_n[i];
	}
	double rolling = rn ? rs / (double)rn : 0.0;
	hs_time_format(t, tb, sizeof(tb));
	if (m->arr)
		json_array_append_new(m->arr, json_pack("{s:s,s:I,s:I,s:f,s:f,s:f}", "bucket", tb, "posts",
		                                        (json_int_t)posts, "scored",
		                                        (json_int_t)scored, "mean_compound", mean,
		                                        "rolling_mean", rolling,
		                                        "negative_share", share));
	else if (m->c->format == CTL_CSV)
		printf("%s,%" PRIu64 ",%" PRIu64 ",%.4f,%.4f,%.4f\n", tb, posts, scored, mean, rolling,
		       share);
	else
		printf("%-27s %7" PRIu64 " %7" PRIu64 " %+8.4f %+8.4f %8.1f%%\n", tb, posts, scored, mean,
		       rolling, 100.0 * share);
	return m->limit && ++m->shown >= m->limit;
}

int ctl_mood(hs_ctl *c, int argc, char **argv)
{
	list_ctx lc = { c, false, 0, 0, 0, NULL };
	const char *since = NULL, *source = NULL, *rule = NULL;
	mood_ctx m = { .c = c, .since = INT64_MIN };
	unsigned char prefix[300];
	int status = 1, rc;
	hs_store *st;

	if ((rc = parse_common(c, argc, argv,
	                       "mood [--source NAME | --rule ID] [--since T] [--limit N] [--json|--csv]",
	                       &lc, &since, &source, &rule)))
		return rc > 0 ? 0 : CTL_EX_USAGE;
	if (source && rule) {
		fprintf(stderr, "hearsayctl mood: --source or --rule, not both\n");
		return CTL_EX_USAGE;
	}
	if (since && hs_time_parse_user(since, hs_now_us(), &m.since) < 0) {
		fprintf(stderr, "hearsayctl mood: --since '%s' is not a time (RFC 3339, or 2h, 3d ago)\n",
		        since);
		return CTL_EX_USAGE;
	}
	const char *name = source ? source : rule ? rule : "";
	size_t nl = strlen(name);
	if (nl > 255) {
		fprintf(stderr, "hearsayctl mood: name too long\n");
		return CTL_EX_USAGE;
	}
	prefix[0] = source ? 's' : rule ? 'r' : 'a';
	memcpy(prefix + 1, name, nl);
	prefix[1 + nl] = 0;
	m.plen = nl + 2;
	m.limit = lc.limit;
	if (!(st = ctl_open_store(c, &status)))
		return status;
	if (c->format == CTL_JSON)
		m.arr = json_array();
	else if (c->format == CTL_CSV)
		printf("bucket,posts,scored,mean_compound,rolling_mean,negative_share\n");
	else
		printf("%-27s %7s %7s %8s %8s %9s\n", "bucket", "posts", "scored", "mean", "rolling",
		       "negative");
	rc = hs_store_scan_sig(st, HS_SDB_ROLLUPS, prefix, m.plen, false, 0, mood_row, &m);
	return end_list(st, rc, m.arr);
}
