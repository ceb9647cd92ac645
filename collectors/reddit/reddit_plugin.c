/* hearsay: the `reddit` collector plugin (docs/collectors/reddit.md).
 *
 * New posts of one or more subreddits, read through Reddit's OAuth API as
 * an application ("application only" client-credentials grant: a client id
 * and secret, no user account involved in reading).
 *
 *  - Token: POSTed for with HTTP Basic (id:secret) before the first listing
 *    and again a minute before it expires, or at once when Reddit answers
 *    401. The token lives in memory only.
 *  - Listing: /r/A+B/new?limit=100. After a restart or between polls, the
 *    plugin walks older pages (after=) until it reaches the newest post it
 *    had already handled (the cursor, a fullname), so a busy hour loses
 *    nothing; at most max_pages pages per poll. Duplicates are dropped by
 *    the store (source, fullname).
 *  - User-Agent in the form Reddit asks for:
 *    "<platform>:<app id>:<version> (by /u/<username>)".
 *  - X-Ratelimit-Remaining / -Reset are honoured by the host.
 *
 * Callbacks run on the host's fetch thread, one at a time for a source. */
#include "hs_autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hearsay/collector.h>

#include "collectors/common/parse_util.h"
#include "reddit.h"

enum { REQ_TOKEN = 1, REQ_LISTING };

typedef struct reddit {
	char source[128];
	char auth_url[1024], api_url[1024];
	char subs[600];             /* "a+b+c" */
	char basic[512];            /* "Authorization: Basic ..." */
	char ua[300];               /* "User-Agent: ..." */
	char token[448];            /* "" = none */
	int64_t token_expiry_us;
	int64_t token_margin_us;    /* renew this long before expiry */
	int limit, max_pages;
	int last_req;
	char *newest;               /* newest fullname handled with nothing missing before it */
	/* a walk over older pages in progress */
	char *walk_newest;          /* newest fullname of the walk's first page */
	char *walk_after;           /* the next page starts after this fullname */
	int walk_pages;
	bool walk_reached;          /* the walk got back to `newest` */
	char *page_oldest;
	bool reported;
} reddit;

static void keep_max(char **dst, const char *id)
{
	if (!id || hs_reddit_fullname_cmp(id, *dst) <= 0)
		return;
	char *c = strdup(id);
	if (c) {
		free(*dst);
		*dst = c;
	}
}

static bool sub_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 21)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static bool url_ok(const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
	       strlen(u) < 1000;
}

static int r_init(const hs_collector_conf *conf, void **state, hs_errs *errs)
{
	const char *const *subs;
	size_t n_subs = hs_conf_list(conf, "subreddits", &subs), used = 0, idlen, seclen;
	const unsigned char *id = hs_conf_secret(conf, "client_id_file", &idlen);
	const unsigned char *sec = hs_conf_secret(conf, "client_secret_file", &seclen);
	const char *user = hs_conf_string(conf, "username");
	const char *app = hs_conf_string(conf, "app_id");
	char *basic = NULL;
	reddit *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	snprintf(r->source, sizeof(r->source), "%s", hs_conf_source(conf));
	if (!n_subs) {
		hs_errs_add(errs, NULL, 0, 0, "subreddits must name at least one subreddit");
		goto fail;
	}
	for (size_t i = 0; i < n_subs; i++) {
		const char *s = strncmp(subs[i], "r/", 2) == 0 ? subs[i] + 2 : subs[i];
		if (!sub_ok(s)) {
			hs_errs_add(errs, NULL, 0, 0, "subreddits: '%s' is not a subreddit name", subs[i]);
			goto fail;
		}
		int n = snprintf(r->subs + used, sizeof(r->subs) - used, "%s%s", i ? "+" : "", s);
		if (n < 0 || (size_t)n >= sizeof(r->subs) - used) {
			hs_errs_add(errs, NULL, 0, 0, "subreddits: too many for one request");
			goto fail;
		}
		used += (size_t)n;
	}
	if (!user || !*user || strlen(user) > 40 || strpbrk(user, " /()\r\n")) {
		hs_errs_add(errs, NULL, 0, 0,
		            "username must be the Reddit account that registered the app "
		            "(Reddit asks for it in the User-Agent)");
		goto fail;
	}
	if (!app || !*app || strlen(app) > 60 || strpbrk(app, " :()\r\n")) {
		hs_errs_add(errs, NULL, 0, 0, "app_id must be one word without ':'");
		goto fail;
	}
	snprintf(r->ua, sizeof(r->ua), "User-Agent: linux:%s:%s (by /u/%s)", app, hs_host_version(),
	         user);
	basic = id && sec ? hs_reddit_basic_auth(id, idlen, sec, seclen) : NULL;
	if (!basic || strlen(basic) > 400) {
		hs_errs_add(errs, NULL, 0, 0,
		            "client_id_file and client_secret_file must each hold the app's id and "
		            "secret (from https://www.reddit.com/prefs/apps)");
		goto fail;
	}
	snprintf(r->basic, sizeof(r->basic), "Authorization: %s", basic);
	const char *au = hs_conf_string(conf, "auth_url"), *api = hs_conf_string(conf, "api_url");
	if (!url_ok(au) || !url_ok(api)) {
		hs_errs_add(errs, NULL, 0, 0, "auth_url and api_url must be http(s) URLs");
		goto fail;
	}
	snprintf(r->auth_url, sizeof(r->auth_url), "%s", au);
	snprintf(r->api_url, sizeof(r->api_url), "%s", api);
	for (size_t n = strlen(r->api_url); n && r->api_url[n - 1] == '/'; n--)
		r->api_url[n - 1] = '\0';
	r->limit = (int)hs_conf_int(conf, "limit");
	r->max_pages = (int)hs_conf_int(conf, "max_pages");
	if (r->limit < 1 || r->limit > 100 || r->max_pages < 1 || r->max_pages > 100) {
		hs_errs_add(errs, NULL, 0, 0, "limit must be 1-100 and max_pages 1-100");
		goto fail;
	}
	free(basic);
	*state = r;
	return 0;
fail:
	free(basic);
	free(r);
	return -1;
}

static void walk_reset(reddit *r)
{
	free(r->walk_newest);
	free(r->walk_after);
	r->walk_newest = r->walk_after = NULL;
	r->walk_pages = 0;
	r->walk_reached = false;
}

static void r_fini(void *state)
{
	reddit *r = state;
	walk_reset(r);
	free(r->newest);
	free(r->page_oldest);
	free(r);
}

static int r_plan(void *state, const char *cursor, hs_http_request *req)
{
	reddit *r = state;
	struct timespec ts;
	int64_t now;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;

	if (!r->newest && cursor && *cursor)
		r->newest = strdup(cursor); /* resume after a restart */
	snprintf(req->headers[0], sizeof(req->headers[0]), "%s", r->ua);
	snprintf(req->accept, sizeof(req->accept), "application/json");
	if (!r->token[0] || now >= r->token_expiry_us - r->token_margin_us) {
		r->last_req = REQ_TOKEN;
		snprintf(req->headers[1], sizeof(req->headers[1]), "%s", r->basic);
		snprintf(req->method, sizeof(req->method), "POST");
		snprintf(req->body, sizeof(req->body), "grant_type=client_credentials");
		snprintf(req->url, sizeof(req->url), "%s", r->auth_url);
		return 0;
	}
	r->last_req = REQ_LISTING;
	snprintf(req->headers[1], sizeof(req->headers[1]), "Authorization: bearer %s", r->token);
	n = snprintf(req->url, sizeof(req->url), "%s/r/%s/new?limit=%d&raw_json=1%s%s", r->api_url,
	             r->subs, r->limit, r->walk_after ? "&after=" : "",
	             r->walk_after ? r->walk_after : "");
	return n < 0 || (size_t)n >= sizeof(req->url) ? -1 : 0;
}

typedef struct page_ctx {
	reddit *r;
	hs_host *host;
} page_ctx;

static int take(void *ud, hs_post *post)
{
	page_ctx *c = ud;
	reddit *r = c->r;
	if (r->newest && hs_reddit_fullname_cmp(post->source_id, r->newest) <= 0)
		r->walk_reached = true; /* back at what was handled before */
	if (!r->page_oldest || hs_reddit_fullname_cmp(post->source_id, r->page_oldest) < 0) {
		free(r->page_oldest);
		r->page_oldest = strdup(post->source_id);
	}
	hs_host_emit(c->host, post); /* the host owns it */
	return 0;
}

static int parse_listing(reddit *r, const hs_http_response *resp, hs_host *host)
{
	size_t len, bad = 0;
	const char *body = hs_resp_body(resp, &len);
	char err[256], *page_newest = NULL, *fixed = NULL;
	page_ctx ctx = { r, host };
	bool repaired;
	int n;

	free(r->page_oldest);
	r->page_oldest = NULL;
	if (!(body = hs_parse_utf8_body(body, &len, &fixed, &repaired)))
		return -1;
	if (repaired)
		hs_host_log(host, 4, "%s: invalid UTF-8 in the listing replaced with U+FFFD",
		            hs_resp_url(resp));
	n = hs_reddit_parse_listing(body, len, r->source, hs_host_now_us(host), take, &ctx,
	                            &page_newest, &bad, err, sizeof(err));
	free(fixed);
	if (n < 0) {
		hs_host_log(host, 4, "%s: %s", hs_resp_url(resp), err);
		walk_reset(r);
		return -1;
	}
	if (bad)
		hs_host_log(host, 4, "%s: %zu post(s) skipped, first: %s", hs_resp_url(resp), bad, err);
	if (!r->walk_pages)
		r->walk_newest = page_newest; /* the walk's first page: its newest post */
	else
		free(page_newest);
	r->walk_pages++;
	if (r->newest && !r->walk_reached && r->page_oldest && r->walk_pages < r->max_pages) {
		free(r->walk_after); /* not back at the cursor yet: the next older page */
		r->walk_after = r->page_oldest;
		r->page_oldest = NULL;
		hs_host_poll_now(host);
		return n + (int)bad;
	}
	if (r->newest && !r->walk_reached && r->page_oldest)
		hs_host_log(host, 4, "more than %d pages of new posts since the last poll: "
		            "older ones were not fetched (raise max_pages or poll more often)",
		            r->max_pages);
	keep_max(&r->newest, r->walk_newest); /* the walk is complete */
	walk_reset(r);
	if (r->newest)
		hs_host_set_cursor(host, r->newest);
	return n + (int)bad;
}

static int r_parse(void *state, const hs_http_response *resp, hs_host *host)
{
	reddit *r = state;
	size_t len;
	const char *body = hs_resp_body(resp, &len);
	char err[256];
	int64_t expires_s = 0;

	/* hearsayctl parse has no plan before it: tell the two apart by content */
	if (r->last_req == REQ_LISTING ||
	    (r->last_req == 0 && memmem(body, len, "\"Listing\"", 9) != NULL))
		return parse_listing(r, resp, host);
	if (hs_reddit_parse_token(body, len, r->token, sizeof(r->token), &expires_s, err,
	                          sizeof(err)) < 0) {
		r->token[0] = '\0';
		hs_host_log(host, 3, "%s: no token: %s", hs_resp_url(resp), err);
		return -1;
	}
	r->token_expiry_us = hs_host_now_us(host) + expires_s * 1000000LL;
	/* a minute early, or halfway through a token of a minute or less */
	r->token_margin_us = expires_s > 60 ? 60 * 1000000LL : expires_s * 500000LL;
	if (r->reported)
		hs_host_log(host, 5, "a token was granted again");
	r->reported = false;
	hs_host_poll_now(host); /* on to the listing */
	return 0;
}

static void r_failed(void *state, const hs_http_response *resp, hs_host *host)
{
	reddit *r = state;
	long st = hs_resp_status(resp);
	walk_reset(r);
	if (r->last_req == REQ_TOKEN) {
		if ((st == 401 || st == 403) && !r->reported)
			hs_host_log(host, 3, "%s refused the app's id and secret (HTTP %ld): check "
			            "client_id_file and client_secret_file", r->auth_url, st);
		r->reported = st == 401 || st == 403;
		return;
	}
	if (st == 401) { /* expired or revoked early: get a new one next time */
		r->token[0] = '\0';
		hs_host_log(host, 5, "the token was refused (HTTP 401); asking for a new one");
	} else if (st == 403 || st == 404) {
		hs_host_log(host, 4, "r/%s: HTTP %ld (a private, quarantined or banned subreddit?)",
		            r->subs, st);
	}
}

static const hs_collector_key r_keys[] = {
	{ "subreddits", HS_KEY_LIST, NULL, "subreddit names (without r/), read together" },
	{ "client_id_file", HS_KEY_SECRET_FILE, NULL, "file with the app's client id (https://www.reddit.com/prefs/apps)" },
	{ "client_secret_file", HS_KEY_SECRET_FILE, NULL, "file with the app's client secret" },
	{ "username", HS_KEY_STRING, NULL, "the Reddit account that registered the app (for the User-Agent)" },
	{ "app_id", HS_KEY_STRING, "hearsay", "the app id in the User-Agent" },
	{ "auth_url", HS_KEY_STRING, "https://www.reddit.com/api/v1/access_token", "OAuth token endpoint" },
	{ "api_url", HS_KEY_STRING, "https://oauth.reddit.com", "OAuth API base" },
	{ "limit", HS_KEY_INT, "100", "posts per page (1-100)" },
	{ "max_pages", HS_KEY_INT, "10", "older pages walked per poll to reach the last post seen" },
	{ NULL, 0, NULL, NULL },
};

HS_COLLECTOR_EXPORT = {
	.abi = HS_COLLECTOR_ABI,
	.size = sizeof(hs_collector),
	.name = "reddit",
	.description = "new posts of subreddits through Reddit's OAuth API (application-only)",
	.keys = r_keys,
	.init = r_init,
	.fini = r_fini,
	.plan = r_plan,
	.parse = r_parse,
	.failed = r_failed,
};
