/* hearsay fuzz target: what a Mastodon server sends the mastodon collector.
 *
 * Input: any bytes, given to every parser of collectors/mastodon in turn:
 * hs_mastodon_parse_statuses (a REST page), hs_mastodon_parse_stream_frame
 * (a streaming frame; its payload is JSON inside a JSON string, so the
 * seeds include such frames), hs_mastodon_link_rel (the input up to its
 * first NUL, as a Link header, for rel next and prev), and the
 * /api/v2/instance readers. The content HTML goes through hs_html_to_text.
 *
 * Invariants (abort when broken): a failure has a reason; the count
 * returned is the number of posts the sink got; an id handed back (newest,
 * source_id, deleted) is 1-128 URL-unreserved characters; every string of a
 * post is valid UTF-8, the URL is http(s), created is not after "now", and
 * the post survives the store's JSON round trip; a Link URL is a part of
 * the header without spaces or control characters.
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "collectors/mastodon/mastodon.h"
#include "postjson.h"
#include "utf8.h"

#define FUZZ_NAME "fuzz_mastodon"
#include "fuzz_post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW (INT64_C(1778932800) * 1000000) /* 2026-05-16T12:00:00Z */


static void check_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 128 || strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"
	                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-._~") != n)
		die("an id with characters that do not belong in a query string");
}

static void check_str(const char *s, const char *what)
{
	if (s && !hs_utf8_valid(s, strlen(s))) {
		fprintf(stderr, "fuzz_mastodon: %s is not valid UTF-8\n", what);
		abort();
	}
}

static void check_reason(const char *err, size_t cap)
{
	if (!err[0] || strnlen(err, cap) == cap || !hs_utf8_valid(err, strlen(err)))
		die("a failure without a usable reason");
}

static void check_post(const hs_post *p)
{
	if (!p->source || !p->source_id || !p->text)
		die("post without source, id or text");
	check_id(p->source_id);
	check_str(p->text, "text");
	check_str(p->author, "author");
	check_str(p->lang, "lang");
	check_str(p->url, "url");
	for (size_t i = 0; i < p->n_tags; i++) {
		check_str(p->tags[i], "tag");
		if (!p->tags[i][0] || p->tags[i][0] == '#')
			die("empty tag or tag with its '#'");
	}
	if (p->url && strncasecmp(p->url, "https://", 8) != 0 &&
	    strncasecmp(p->url, "http://", 7) != 0)
		die("a URL that is not http(s)");
	for (const char *q = p->url; q && *q; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			die("a URL with white space or control characters");
	if (p->lang && (strlen(p->lang) < 2 || strlen(p->lang) > 8 ||
	                strspn(p->lang, "abcdefghijklmnopqrstuvwxyz") != strlen(p->lang)))
		die("a language that is not a lower-case primary subtag");
	if (p->created_us > NOW || p->fetched_us != NOW)
		die("created after now, or fetched not now");
	if (p->flags & ~(unsigned)(HS_POST_REPLY | HS_POST_BOOST))
		die("unknown flags");

	fuzz_post_roundtrip(p);
}

typedef struct {
	size_t n;
	size_t stop_after;
} counter;

static int sink(void *ud, hs_post *p)
{
	counter *c = ud;
	check_post(p);
	hs_post_free(p);
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

static void statuses(const uint8_t *data, size_t size, size_t stop_after)
{
	char err[256], *newest = NULL;
	size_t bad = 0;
	counter c = { 0, stop_after };
	int n = hs_mastodon_parse_statuses((const char *)data, size, "fuzz", NOW, sink, &c, &newest,
	                                   &bad, err, sizeof(err));
	if (n < 0) {
		check_reason(err, sizeof(err));
		if (newest || c.n)
			die("a refused page left output behind");
		return;
	}
	if ((size_t)n != c.n)
		die("the count returned is not what the sink got");
	if (stop_after && c.n > stop_after)
		die("the sink's stop was ignored");
	if (bad && strncmp(err, "status ", 7) != 0)
		die("bad statuses without a reason");
	if (!bad && err[0] && strcmp(err, "out of memory") != 0)
		die("a reason without a bad status");
	if (newest)
		check_id(newest);
	else if (n > 0)
		die("posts emitted but no newest id");
	free(newest);
}

static void frame(const uint8_t *data, size_t size)
{
	char err[256], *del = (char *)1;
	hs_masto_kind kind = HS_MASTO_POST;
	hs_post *p = (hs_post *)1;
	int rc = hs_mastodon_parse_stream_frame((const char *)data, size, "fuzz", NOW, &kind, &p,
	                                        &del, err, sizeof(err));
	if (rc < 0) {
		check_reason(err, sizeof(err));
		if (kind != HS_MASTO_IGNORED || p || del)
			die("a refused frame left output behind");
		return;
	}
	if ((p != NULL) != (kind == HS_MASTO_POST || kind == HS_MASTO_EDIT) ||
	    (del != NULL) != (kind == HS_MASTO_DELETE))
		die("output does not match the kind");
	if (p)
		check_post(p);
	if (del)
		check_id(del);
	hs_post_free(p);
	free(del);
}

static void link_header(const uint8_t *data, size_t size)
{
	static const char *const rels[] = { "next", "prev", "previous", "x" };
	char *h = strndup((const char *)data, size);
	if (!h)
		return;
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char *u = hs_mastodon_link_rel(h, rels[i]);
		if (!u)
			continue;
		if (!u[0] || !strstr(h, u))
			die("a Link URL that is not part of the header");
		for (const char *q = u; *q; q++)
			if ((unsigned char)*q <= 0x20 || *q == 0x7f)
				die("a Link URL with white space or control characters");
		free(u);
	}
	free(h);
}

static void instance(const uint8_t *data, size_t size)
{
	static const char *const feeds[] = { "live_feeds", "hashtag_feeds", "trending_link_feeds" };
	int pub = hs_mastodon_instance_public_timelines((const char *)data, size);
	if (pub < -1 || pub > 1)
		die("public timelines answer out of range");
	for (size_t i = 0; i < 3; i++) {
		hs_masto_access a = hs_mastodon_instance_feed_access((const char *)data, size, feeds[i],
		                                                     i ? "remote" : "local");
		if (a < HS_MASTO_ACCESS_UNKNOWN || a > HS_MASTO_ACCESS_AUTHENTICATED)
			die("feed access out of range");
	}
	char *u = hs_mastodon_instance_streaming_url((const char *)data, size);
	if (u) {
		check_str(u, "streaming url");
		if (strncasecmp(u, "wss://", 6) != 0 && strncasecmp(u, "ws://", 5) != 0)
			die("a streaming URL that is not ws(s)");
		free(u);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	statuses(data, size, 0);
	statuses(data, size, 2);
	frame(data, size);
	link_header(data, size);
	instance(data, size);
	return 0;
}
