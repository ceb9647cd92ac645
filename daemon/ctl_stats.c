/* hearsayctl stats: live counters from the daemon and totals from the store. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl.h"
#include "store.h"

typedef struct membuf {
	char *p;
	size_t len;
} membuf;

static size_t on_body(char *d, size_t size, size_t n, void *ud)
{
	membuf *b = ud;
	size_t l = size * n;
	char *np = realloc(b->p, b->len + l + 1);
	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, d, l);
	b->len += l;
	b->p[b->len] = 0;
	return l;
}

/* GET base/api/v1/stats; NULL (with a message) if the daemon is not there. */
json_t *ctl_fetch_stats(const char *base)
{
	char url[512], err[CURL_ERROR_SIZE] = "";
	membuf b = { NULL, 0 };
	json_t *o = NULL;
	long status = 0;
	CURL *e = curl_easy_init();

	if (!e)
		return NULL;
	snprintf(url, sizeof(url), "%s/api/v1/stats", base);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(e); /* a one-shot CLI: blocking is fine here */
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK)
		fprintf(stderr, "hearsayctl: %s: %s (is hearsayd running?)\n", url, err[0] ? err : curl_easy_strerror(rc));
	else if (status != 200)
		fprintf(stderr, "hearsayctl: %s: HTTP status %ld\n", url, status);
	else
		o = json_loadb(b.p, b.len, 0, NULL);
	curl_easy_cleanup(e);
	free(b.p);
	return o;
}

static json_t *store_stats(hs_ctl *c)
{
	hs_store_stats ss;
	int status;
	hs_store *st = ctl_open_store(c, &status);
	json_t *o = NULL;
	uint64_t seq = 0;

	if (!st)
		return NULL;
	const char *path = hs_store_path(st);
	if (hs_store_get_stats(st, &ss) == 0) {
		hs_store_get_counter(st, "next_seq", &seq);
		o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "path", path,
		              "posts", (json_int_t)ss.posts, "hits", (json_int_t)ss.hits,
		              "alerts", (json_int_t)ss.outbox, "cursors", (json_int_t)ss.cursors,
		              "last_seq", (json_int_t)seq, "map_size", (json_int_t)ss.map_size,
		              "map_used", (json_int_t)ss.map_used, "schema", (int)ss.schema);
	}
	hs_store_close(st);
	return o;
}

/* One line per source: its counters and when it last worked. */
static void print_sources(const json_t *srcs)
{
	const char *name;
	json_t *m;
	if (!json_is_object(srcs) || json_object_size(srcs) == 0)
		return;
	printf("sources %8s %6s %8s %7s %7s %8s  %-24s %s\n", "polls", "304", "items", "errors",
	       "parse", "messages", "last ok", "last error");
	json_object_foreach((json_t *)srcs, name, m) {
		printf("  %-22s\n  %14lld %6lld %8lld %7lld %7lld %8lld  %-24s %s\n", name,
		       (long long)json_integer_value(json_object_get(m, "polls")),
		       (long long)json_integer_value(json_object_get(m, "not_modified")),
		       (long long)json_integer_value(json_object_get(m, "items")),
		       (long long)json_integer_value(json_object_get(m, "errors")),
		       (long long)json_integer_value(json_object_get(m, "parse_errors")),
		       (long long)json_integer_value(json_object_get(m, "stream_messages")),
		       json_is_string(json_object_get(m, "last_ok")) ? ctl_jstr(m, "last_ok") : "-",
		       json_is_string(json_object_get(m, "last_error")) ? ctl_jstr(m, "last_error") : "-");
	}
}

int ctl_stats(hs_ctl *c, int argc, char **argv)
{
	json_t *live = NULL, *stored = NULL;
	const char *base;

	for (int i = 1; i < argc; i++) {
		if (!ctl_format_arg(c, argv[i])) {
			fprintf(stderr, "usage: hearsayctl stats [--json]\n");
			return CTL_EX_USAGE;
		}
	}
	base = ctl_base_url(c);
	if (base)
		live = ctl_fetch_stats(base);
	if (c->store_path || c->cfg)
		stored = store_stats(c);
	if (!live && !stored)
		return CTL_EX_UNAVAILABLE;
	if (c->format == CTL_JSON) {
		json_t *o = json_pack("{s:O?,s:O?}", "daemon", live, "store", stored);
		char *s = json_dumps(o, JSON_INDENT(2));
		puts(s);
		free(s);
		json_decref(o);
	} else {
		const char *k;
		json_t *v;
		if (live) {
			printf("daemon (%s)\n", base);
			json_object_foreach(live, k, v) {
				if (json_is_integer(v))
					printf("  %-22s %lld\n", k, (long long)json_integer_value(v));
				else if (strcmp(k, "sources") == 0)
					continue; /* a table of its own, below */
				else if (json_is_object(v)) {
					const char *k2;
					json_t *v2;
					json_object_foreach(v, k2, v2)
						printf("  %-22s %lld\n", k2, (long long)json_integer_value(v2));
				}
			}
		}
		print_sources(json_object_get(live, "sources"));
		if (stored) {
			printf("store (%s)\n", ctl_jstr(stored, "path"));
			json_object_foreach(stored, k, v)
				if (json_is_integer(v))
					printf("  %-22s %lld\n", k, (long long)json_integer_value(v));
		}
	}
	json_decref(live);
	json_decref(stored);
	return 0;
}
