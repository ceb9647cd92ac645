/* hearsay: the `mastodon` collector plugin (docs/collectors/mastodon.md).
 *
 * A hashtag or local public timeline of one Mastodon server, read by REST
 * with min_id paging, and optionally by the streaming API as well.
 *
 *  - First the /api/v2/instance document: a server that disabled anonymous
 *    reading of the timeline is reported as such, not as "no posts".
 *  - REST: without a cursor the newest page; after that, min_id = the
 *    newest id already handled, page after page (hs_host_poll_now) until a
 *    page is not full, so nothing is lost between polls.
 *  - Streaming: while the stream is up, REST polls stop. Each time it opens,
 *    the statuses since the last id handled before it are fetched by REST
 *    (the backfill), so a reconnect loses nothing; the cursor only moves
 *    past stream posts once that backfill is done. Duplicates between the
 *    two are dropped by the store (source, id).
 *  - status.update (an edit) is kept as a new version: source_id
 *    "ID#edit-HASH" of the new text, so the edited text is matched too.
 *
 * Callbacks run on the host's fetch thread, one at a time for a source. */
#include "hs_autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <hearsay/collector.h>

#include "collectors/common/parse_util.h"
#include "mastodon.h"

enum { REQ_INSTANCE = 1, REQ_TIMELINE };

typedef struct masto {
	char source[128];
	char base[1024];            /* https://server.example, no trailing slash */
	char timeline[1200];        /* path and query of the timeline, without paging */
	char stream_query[600];     /* stream=hashtag&tag=x | stream=public:local */
	char feed[32];              /* "hashtag_feeds" | "live_feeds" */
	char auth[512];             /* "Authorization: Bearer ..." or "" */
	char streaming_url[1024];   /* ws(s)://host, from the config or the instance */
	bool streaming;
	int page_size;
	bool ready;                 /* the instance was checked */
	bool reported;              /* "disabled" was logged for the current streak */
	bool empty_noted;
	int last_req;
	char *last_id;              /* newest id handled with nothing missing before it */
	char *stream_max;           /* newest id seen on the stream since it opened */
	bool stream_up, backfilling;
} masto;

static void set_id(char **dst, const char *id)
{
	if (!id || hs_mastodon_id_cmp(id, *dst) <= 0)
		return;
	char *c = strdup(id);
	if (!c)
		return; /* keeps the older id: a later poll repeats a page, no loss */
	free(*dst);
	*dst = c;
}

static int put(char *dst, size_t len, const char *fmt, const char *a, const char *b)
{
	int n = snprintf(dst, len, fmt, a, b);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static bool tag_ok(const char *t)
{
	if (!*t || strlen(t) > 100)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
		      *t == '_' || (unsigned char)*t >= 0x80))
			return false;
	return true;
}

static int m_init(const hs_collector_conf *conf, void **state, hs_errs *errs)
{
	const char *inst = hs_conf_string(conf, "instance");
	const char *tl = hs_conf_string(conf, "timeline");
	const char *tag = hs_conf_string(conf, "hashtag");
	const char *surl = hs_conf_string(conf, "streaming_url");
	const unsigned char *tok;
	size_t toklen = 0;
	masto *m = calloc(1, sizeof(*m));

	if (!m)
		return -1;
	snprintf(m->source, sizeof(m->source), "%s", hs_conf_source(conf));
	if (!inst || (strncmp(inst, "https://", 8) != 0 && strncmp(inst, "http://", 7) != 0) ||
	    strlen(inst) >= sizeof(m->base)) {
		hs_errs_add(errs, NULL, 0, 0, "instance must be the server's http:// or https:// URL");
		goto fail;
	}
	snprintf(m->base, sizeof(m->base), "%s", inst);
	for (size_t n = strlen(m->base); n && m->base[n - 1] == '/'; n--)
		m->base[n - 1] = '\0';
	if (tag && *tag == '#')
		tag++;
	if (strcmp(tl, "hashtag") == 0) {
		if (!tag || !tag_ok(tag)) {
			hs_errs_add(errs, NULL, 0, 0,
			            "timeline hashtag needs hashtag: letters, digits and _ (without #)");
			goto fail;
		}
		put(m->timeline, sizeof(m->timeline), "/api/v1/timelines/tag/%s%s", tag, "?");
		char enc[320];
		size_t k = 0;
		for (const unsigned char *t = (const unsigned char *)tag; *t && k + 4 < sizeof(enc); t++) {
			if (*t < 0x80) /* letters, digits and _ (tag_ok) */
				enc[k++] = (char)*t;
			else
				k += (size_t)snprintf(enc + k, sizeof(enc) - k, "%%%02X", *t);
		}
		enc[k] = '\0';
		put(m->stream_query, sizeof(m->stream_query), "stream=hashtag&tag=%s%s", enc, "");
		snprintf(m->feed, sizeof(m->feed), "hashtag_feeds");
	} else if (strcmp(tl, "local") == 0) {
		snprintf(m->timeline, sizeof(m->timeline), "/api/v1/timelines/public?local=true&");
		snprintf(m->stream_query, sizeof(m->stream_query), "stream=public:local");
		snprintf(m->feed, sizeof(m->feed), "live_feeds");
	} else {
		hs_errs_add(errs, NULL, 0, 0, "timeline must be hashtag or local, not '%s'", tl);
		goto fail;
	}
	tok = hs_conf_secret(conf, "token_file", &toklen);
	while (toklen && (tok[toklen - 1] == '\n' || tok[toklen - 1] == '\r' ||
	                  tok[toklen - 1] == ' '))
		toklen--;
	if (tok && toklen) {
		for (size_t i = 0; i < toklen; i++)
			if (tok[i] <= ' ' || tok[i] >= 0x7f) {
				hs_errs_add(errs, NULL, 0, 0, "token_file holds more than one token");
				goto fail;
			}
		if (toklen > 480) {
			hs_errs_add(errs, NULL, 0, 0, "token_file: the token is too long");
			goto fail;
		}
		snprintf(m->auth, sizeof(m->auth), "Authorization: Bearer %.*s", (int)toklen, tok);
	}
	m->streaming = hs_conf_bool(conf, "streaming");
	if (m->streaming && !m->auth[0]) {
		hs_errs_add(errs, NULL, 0, 0,
		            "streaming needs token_file: the streaming API takes a user token");
		goto fail;
	}
	if (surl && *surl) {
		if ((strncmp(surl, "wss://", 6) != 0 && strncmp(surl, "ws://", 5) != 0) ||
		    strlen(surl) >= sizeof(m->streaming_url)) {
			hs_errs_add(errs, NULL, 0, 0, "streaming_url must start with wss:// or ws://");
			goto fail;
		}
		snprintf(m->streaming_url, sizeof(m->streaming_url), "%s", surl);
	}
	m->page_size = (int)hs_conf_int(conf, "page_size");
	if (m->page_size < 1 || m->page_size > 40) {
		hs_errs_add(errs, NULL, 0, 0, "page_size must be between 1 and 40");
		goto fail;
	}
	*state = m;
	return 0;
fail:
	free(m);
	return -1;
}

static void m_fini(void *state)
{
	masto *m = state;
	free(m->last_id);
	free(m->stream_max);
	free(m);
}

static int m_plan(void *state, const char *cursor, hs_http_request *req)
{
	masto *m = state;
	if (!m->last_id && cursor && *cursor)
		m->last_id = strdup(cursor); /* resume after a restart */
	if (m->auth[0])
		snprintf(req->headers[0], sizeof(req->headers[0]), "%s", m->auth);
	snprintf(req->accept, sizeof(req->accept), "application/json");
	if (!m->ready) {
		m->last_req = REQ_INSTANCE;
		return put(req->url, sizeof(req->url), "%s/api/v2/instance%s", m->base, "");
	}
	if (m->stream_up && !m->backfilling)
		return -1; /* the stream brings everything */
	m->last_req = REQ_TIMELINE;
	char page[200];
	snprintf(page, sizeof(page), "limit=%d%s%s", m->page_size, m->last_id ? "&min_id=" : "",
	         m->last_id ? m->last_id : "");
	if (snprintf(req->url, sizeof(req->url), "%s%s%s", m->base, m->timeline, page) >=
	    (int)sizeof(req->url))
		return -1;
	return 0;
}

static int to_host(void *ud, hs_post *post)
{
	hs_host_emit(ud, post); /* the host owns it from here */
	return 0;
}

static int parse_instance(masto *m, const char *body, size_t len, hs_host *host)
{
	hs_masto_access a = hs_mastodon_instance_feed_access(body, len, m->feed, "local");
	if (a == HS_MASTO_ACCESS_DISABLED || (a == HS_MASTO_ACCESS_AUTHENTICATED && !m->auth[0])) {
		if (!m->reported)
			hs_host_log(host, 3,
			            "%s has disabled public timelines: /api/v2/instance says "
			            "configuration.timelines_access.%s.local is \"%s\"%s",
			            m->base, m->feed,
			            a == HS_MASTO_ACCESS_DISABLED ? "disabled" : "authenticated",
			            a == HS_MASTO_ACCESS_DISABLED ? ""
			                                          : "; reading it needs token_file");
		m->reported = true;
		return -1; /* the host backs off and checks again later */
	}
	m->ready = true;
	if (!m->streaming_url[0]) {
		char *s = hs_mastodon_instance_streaming_url(body, len);
		if (s && strlen(s) < sizeof(m->streaming_url))
			snprintf(m->streaming_url, sizeof(m->streaming_url), "%s", s);
		free(s);
	}
	hs_host_poll_now(host); /* on to the timeline */
	return 0;
}

/* The number of elements of a JSON array, or -1. */
static long page_len(const char *body, size_t len)
{
	json_t *a = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	long n = json_is_array(a) ? (long)json_array_size(a) : -1;
	json_decref(a);
	return n;
}

/* The server's own paging: rel="prev" of the Link header carries the
 * min_id to ask next. Taken when it points at this server and is not
 * behind what the page itself showed (a proxy that rewrites links, or an
 * empty page, leaves the page's newest id in charge). */
static void link_min_id(masto *m, const char *link, hs_host *host)
{
	char *prev = link ? hs_mastodon_link_rel(link, "prev") : NULL;
	const char *q;
	size_t bl = strlen(m->base), n;
	if (!prev)
		return;
	if (strncmp(prev, m->base, bl) != 0 || (prev[bl] != '/' && prev[bl] != '\0')) {
		hs_host_log(host, 6, "ignoring a Link header that points elsewhere: %s", prev);
		goto out;
	}
	if (!(q = strstr(prev, "?min_id=")) && !(q = strstr(prev, "&min_id=")))
		goto out;
	q += 8;
	n = strspn(q, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-");
	if (n == 0 || n > 64 || (q[n] != '\0' && q[n] != '&'))
		goto out;
	char id[65];
	memcpy(id, q, n);
	id[n] = '\0';
	set_id(&m->last_id, id);
out:
	free(prev);
}

static int m_parse(void *state, const hs_http_response *resp, hs_host *host)
{
	masto *m = state;
	size_t len, bad = 0;
	const char *body = hs_resp_body(resp, &len);
	char err[256], *newest = NULL, *fixed = NULL;
	bool repaired;
	int n;

	if (m->last_req == REQ_INSTANCE)
		return parse_instance(m, body, len, host);
	if (!(body = hs_parse_utf8_body(body, &len, &fixed, &repaired)))
		return -1;
	if (repaired)
		hs_host_log(host, 4, "%s: invalid UTF-8 in the page replaced with U+FFFD",
		            hs_resp_url(resp));
	n = hs_mastodon_parse_statuses(body, len, m->source, hs_host_now_us(host), to_host, host,
	                               &newest, &bad, err, sizeof(err));
	long page = n < 0 ? -1 : page_len(body, len);
	free(fixed); /* body is not read after this */
	if (n < 0) {
		hs_host_log(host, 4, "%s: %s", hs_resp_url(resp), err);
		return -1;
	}
	if (bad)
		hs_host_log(host, 4, "%s: %zu status(es) skipped, first: %s", hs_resp_url(resp), bad,
		            err);
	if (m->reported)
		hs_host_log(host, 5, "%s: the timeline can be read again", m->base);
	m->reported = false;
	set_id(&m->last_id, newest);
	free(newest);
	link_min_id(m, hs_resp_header(resp, "Link"), host);
	if (page >= m->page_size) {
		hs_host_poll_now(host); /* a full page: there may be more */
	} else {
		if (m->backfilling) { /* caught up: the stream's posts are covered too */
			m->backfilling = false;
			set_id(&m->last_id, m->stream_max);
		}
		if (!m->last_id && !m->empty_noted && !m->auth[0]) {
			hs_host_log(host, 5, "%s: the timeline is empty (a server that hides public "
			            "timelines without saying so in /api/v2/instance looks the same)",
			            m->base);
			m->empty_noted = true;
		}
	}
	if (m->last_id)
		hs_host_set_cursor(host, m->last_id);
	return n + (int)bad;
}

static void m_failed(void *state, const hs_http_response *resp, hs_host *host)
{
	masto *m = state;
	long st = hs_resp_status(resp);
	if (m->last_req == REQ_INSTANCE) {
		/* older servers have no /api/v2/instance: go on without it */
		if (st == 404 || st == 410) {
			m->ready = true;
			hs_host_log(host, 5, "%s has no /api/v2/instance; reading the timeline directly",
			            m->base);
		}
		return;
	}
	if (st == 401 || st == 403) {
		/* The instance document said nothing against it (or nothing at
		 * all): report once for the streak; the host backs off. */
		if (!m->reported)
			hs_host_log(host, 3, "%s refused the timeline (HTTP %ld): %s", m->base, st,
			            m->auth[0] ? "the token in token_file was not accepted"
			                       : "the server has disabled public timelines for readers "
			                         "without a token; set token_file");
		m->reported = true;
	}
}

/* ---- streaming -------------------------------------------------------------------- */

static int m_stream_plan(void *state, const char *cursor, hs_ws_request *req)
{
	masto *m = state;
	char base[1024];
	if (!m->streaming || !m->ready)
		return -1;
	if (!m->last_id && cursor && *cursor)
		m->last_id = strdup(cursor);
	if (m->streaming_url[0]) {
		snprintf(base, sizeof(base), "%s", m->streaming_url);
	} else { /* the server itself, ws(s):// */
		bool tls = strncmp(m->base, "https://", 8) == 0;
		snprintf(base, sizeof(base), "%s%s", tls ? "wss://" : "ws://", m->base + (tls ? 8 : 7));
	}
	for (size_t n = strlen(base); n && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';
	snprintf(req->headers[0], sizeof(req->headers[0]), "%s", m->auth);
	return put(req->url, sizeof(req->url), "%s/api/v1/streaming?%s", base, m->stream_query);
}

static void m_stream_state(void *state, bool up, const char *why, hs_host *host)
{
	masto *m = state;
	(void)why;
	m->stream_up = up;
	free(m->stream_max);
	m->stream_max = NULL;
	/* Up: fetch what came since the last id before the stream opened. Down:
	 * poll by REST until it is back, starting now. */
	m->backfilling = up;
	hs_host_poll_now(host);
}

/* An edit is stored as a new version: "ID#edit-HASH" of its text. */
static int version_id(hs_post *p)
{
	uint64_t h = 1469598103934665603ULL;
	char *id;
	for (const unsigned char *s = (const unsigned char *)p->text; s && *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	if (asprintf(&id, "%s#edit-%016llx", p->source_id, (unsigned long long)h) < 0)
		return -1;
	free(p->source_id);
	p->source_id = id;
	return 0;
}

static int m_stream_frame(void *state, const char *msg, size_t len, hs_host *host)
{
	masto *m = state;
	hs_masto_kind kind;
	hs_post *post = NULL;
	char *deleted = NULL, err[256], *fixed = NULL;
	bool repaired;
	int rc;

	if (!(msg = hs_parse_utf8_body(msg, &len, &fixed, &repaired)))
		return -1;
	if (repaired)
		hs_host_log(host, 4, "stream: invalid UTF-8 in a message replaced with U+FFFD");
	rc = hs_mastodon_parse_stream_frame(msg, len, m->source, hs_host_now_us(host), &kind, &post,
	                                    &deleted, err, sizeof(err));
	free(fixed);
	if (rc < 0) {
		hs_host_log(host, 4, "stream: %s", err);
		return -1;
	}
	switch (kind) {
	case HS_MASTO_POST:
		set_id(&m->stream_max, post->source_id);
		if (!m->backfilling) {
			set_id(&m->last_id, post->source_id);
			hs_host_set_cursor(host, m->last_id);
		}
		hs_host_emit(host, post);
		return 1;
	case HS_MASTO_EDIT:
		if (version_id(post) < 0) {
			hs_post_free(post);
			return -1;
		}
		hs_host_emit(host, post);
		return 1;
	case HS_MASTO_DELETE:
		hs_host_log(host, 7, "stream: status %s was deleted upstream", deleted);
		hs_host_deleted(host, deleted); /* the stored copy is marked */
		free(deleted);
		return 1;
	default:
		return 0;
	}
}

static const hs_collector_key m_keys[] = {
	{ "instance", HS_KEY_STRING, NULL, "the server's URL, e.g. https://town.social" },
	{ "timeline", HS_KEY_STRING, "hashtag", "hashtag, or local (the server's public local timeline)" },
	{ "hashtag", HS_KEY_STRING, "", "the tag to follow, without # (timeline hashtag)" },
	{ "token_file", HS_KEY_SECRET_FILE, "", "file with an access token (read scope); needed for streaming and for servers that hide public timelines" },
	{ "streaming", HS_KEY_BOOL, "false", "also follow the streaming API (needs token_file)" },
	{ "streaming_url", HS_KEY_STRING, "", "wss:// base of the streaming API, if not the one /api/v2/instance gives" },
	{ "page_size", HS_KEY_INT, "40", "statuses per REST page (1-40)" },
	{ NULL, 0, NULL, NULL },
};

HS_COLLECTOR_EXPORT = {
	.abi = HS_COLLECTOR_ABI,
	.size = sizeof(hs_collector),
	.name = "mastodon",
	.description = "Mastodon hashtag and local timelines (REST with min_id paging, and streaming)",
	.keys = m_keys,
	.init = m_init,
	.fini = m_fini,
	.plan = m_plan,
	.parse = m_parse,
	.failed = m_failed,
	.stream_plan = m_stream_plan,
	.stream_frame = m_stream_frame,
	.stream_state = m_stream_state,
};
