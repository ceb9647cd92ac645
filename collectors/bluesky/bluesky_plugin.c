/* hearsay: the `bluesky` collector plugin (docs/collectors/bluesky.md).
 *
 * Follows a Jetstream instance over a websocket
 * (/subscribe?wantedCollections=app.bsky.feed.post[&wantedDids=...]) and
 * turns post commits into posts, with the keyword and language filters
 * applied in the parser, before anything is queued.
 *
 * Cursor: the time_us of the last frame handled, as decimal text, so it is
 * committed with the posts it covers. A (re)connect resumes `rewind` (5 s
 * by default) before it: Jetstream's time_us is the time the instance saw
 * the event, so a little overlap makes sure nothing between the last
 * committed frame and the disconnect is missed. Frames at or before the
 * newest one already handled are dropped here; any that slip through are
 * dropped by the store's (source, id) dedup.
 *
 * Callbacks run on the host's fetch thread, one at a time for a source. */
#include "hs_autoconf.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/collector.h>

#include "jetstream.h"

typedef struct bsky {
	char source[128];
	char url[1024];             /* wss://host/subscribe */
	char dids[1900];            /* &wantedDids=...: what fits in one URL */
	const char *const *keywords, *const *langs;
	size_t n_keywords, n_langs;
	int64_t rewind_us;
	int64_t high_us;            /* newest time_us handled (0 = none) */
	uint64_t dropped_dups, edits;
} bsky;

static bool did_ok(const char *d)
{
	if (strncmp(d, "did:", 4) != 0 || strlen(d) > 200)
		return false;
	for (; *d; d++)
		if (!((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z') || (*d >= '0' && *d <= '9') ||
		      *d == ':' || *d == '.' || *d == '_' || *d == '-'))
			return false;
	return true;
}

static int b_init(const hs_collector_conf *conf, void **state, hs_errs *errs)
{
	const char *url = hs_conf_string(conf, "url");
	const char *const *dids;
	size_t n_dids = hs_conf_list(conf, "dids", &dids), used = 0;
	bsky *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	snprintf(b->source, sizeof(b->source), "%s", hs_conf_source(conf));
	if (!url || (strncmp(url, "wss://", 6) != 0 && strncmp(url, "ws://", 5) != 0) ||
	    strchr(url, '?') || strlen(url) >= sizeof(b->url)) {
		hs_errs_add(errs, NULL, 0, 0,
		            "url must be a Jetstream wss:// (or ws://) URL without a query, "
		            "e.g. wss://jetstream2.us-east.bsky.network/subscribe");
		goto fail;
	}
	snprintf(b->url, sizeof(b->url), "%s", url);
	for (size_t i = 0; i < n_dids; i++) {
		if (!did_ok(dids[i])) {
			hs_errs_add(errs, NULL, 0, 0, "dids: '%s' is not a DID (did:plc:... or did:web:...)",
			            dids[i]);
			goto fail;
		}
		int n = snprintf(b->dids + used, sizeof(b->dids) - used, "&wantedDids=%s", dids[i]);
		if (n < 0 || (size_t)n >= sizeof(b->dids) - used) {
			hs_errs_add(errs, NULL, 0, 0,
			            "dids: the list is too long for the subscribe URL (about 40 did:plc "
			            "DIDs fit; split them over several sources)");
			goto fail;
		}
		used += (size_t)n;
	}
	b->n_keywords = hs_conf_list(conf, "keywords", &b->keywords);
	b->n_langs = hs_conf_list(conf, "languages", &b->langs);
	b->rewind_us = hs_conf_duration_us(conf, "rewind");
	if (b->rewind_us < 0 || b->rewind_us > 3600 * 1000000LL) {
		hs_errs_add(errs, NULL, 0, 0, "rewind must be between 0s and 1h");
		goto fail;
	}
	*state = b;
	return 0;
fail:
	free(b);
	return -1;
}

static void b_fini(void *state)
{
	free(state);
}

static int b_stream_plan(void *state, const char *cursor, hs_ws_request *req)
{
	bsky *b = state;
	char from[48] = "";
	int n;
	if (!b->high_us && cursor && *cursor) { /* resume after a restart */
		char *end;
		long long v = strtoll(cursor, &end, 10);
		if (*end == '\0' && v > 0)
			b->high_us = v;
	}
	if (b->high_us) {
		int64_t t = b->high_us - b->rewind_us;
		snprintf(from, sizeof(from), "&cursor=%" PRId64, t > 0 ? t : 1);
	}
	n = snprintf(req->url, sizeof(req->url), "%s?wantedCollections=app.bsky.feed.post%s%s",
	             b->url, b->dids, from);
	return n < 0 || (size_t)n >= sizeof(req->url) ? -1 : 0;
}

static int b_stream_frame(void *state, const char *msg, size_t len, hs_host *host)
{
	bsky *b = state;
	hs_js_filter filter = { b->keywords, b->n_keywords, b->langs, b->n_langs };
	hs_js_kind kind;
	hs_post *post = NULL;
	char *deleted = NULL;
	int64_t t = 0;
	char err[256], cur[32];

	if (hs_jetstream_parse_frame(msg, len, b->source, hs_host_now_us(host), &filter, &kind,
	                             &post, &deleted, &t, err, sizeof(err)) < 0) {
		hs_host_log(host, 4, "stream: %s", err);
		if (t > b->high_us) /* the cursor still moves past it */
			b->high_us = t;
		return -1;
	}
	/* Strictly older: two events may share a time_us, and a duplicate that
	 * gets through is still dropped by the store. */
	if (t && t < b->high_us && (kind == HS_JS_POST || kind == HS_JS_EDIT)) {
		if (!b->dropped_dups++) /* replayed after a reconnect: handled already */
			hs_host_log(host, 7, "stream: dropping frames replayed after the reconnect "
			            "(up to time_us %" PRId64 ")", b->high_us);
		hs_post_free(post);
		return 0;
	}
	if (t > b->high_us) {
		b->high_us = t;
		snprintf(cur, sizeof(cur), "%" PRId64, t);
		hs_host_set_cursor(host, cur);
	}
	if (kind == HS_JS_DELETE && deleted) {
		hs_host_deleted(host, deleted); /* the stored copy is marked */
		free(deleted);
		return 1;
	}
	free(deleted);
	if (!post)
		return 0;
	if (kind == HS_JS_EDIT) {
		/* a new version of the record: kept beside the first one */
		char *id;
		if (asprintf(&id, "%s#edit-%" PRId64, post->source_id, t) < 0) {
			hs_post_free(post);
			return -1;
		}
		free(post->source_id);
		post->source_id = id;
		b->edits++;
	}
	hs_host_emit(host, post); /* the host owns it */
	return 1;
}

static void b_stream_state(void *state, bool up, const char *why, hs_host *host)
{
	bsky *b = state;
	if (!up && b->dropped_dups)
		hs_host_log(host, 7, "stream: %" PRIu64 " replayed frame(s) were dropped", b->dropped_dups);
	(void)why;
	b->dropped_dups = 0;
}

static const hs_collector_key b_keys[] = {
	{ "url", HS_KEY_STRING, "wss://jetstream2.us-east.bsky.network/subscribe", "Jetstream subscribe URL (wss://), without a query" },
	{ "dids", HS_KEY_LIST, "", "only posts of these accounts (DIDs; about 40 fit in one subscribe URL); empty = everyone" },
	{ "keywords", HS_KEY_LIST, "", "keep a post only if its text has one of these (ASCII case-insensitive); empty = all" },
	{ "languages", HS_KEY_LIST, "", "keep a post only if one of its langs has this primary subtag (en, nl, fr...); empty = all" },
	{ "rewind", HS_KEY_DURATION, "5s", "how far before the last handled frame a reconnect resumes" },
	{ NULL, 0, NULL, NULL },
};

HS_COLLECTOR_EXPORT = {
	.abi = HS_COLLECTOR_ABI,
	.size = sizeof(hs_collector),
	.name = "bluesky",
	.description = "Bluesky posts from a Jetstream websocket, filtered by keyword, language and account",
	.keys = b_keys,
	.init = b_init,
	.fini = b_fini,
	.stream_plan = b_stream_plan,
	.stream_frame = b_stream_frame,
	.stream_state = b_stream_state,
};
