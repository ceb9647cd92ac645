/* hearsay: unit tests for the mastodon collector's parsers
 * (collectors/mastodon/mastodon_parse.c), on the recorded pages and frames
 * in tests/fixtures/mastodon/ (fictional accounts on .example domains).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "scratch.h"

#include <hearsay/post.h>

#include "collectors/mastodon/mastodon.h"
#include "utf8.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define SEC 1000000LL
/* 2026-05-16T09:00:00Z */
#define T9 (1778922000LL * SEC)
/* "now" for the tests: 2026-05-16T12:00:00Z */
#define NOW (T9 + 3 * 3600 * SEC)

#define B "1134567890123456"

static char *load(const char *name, size_t *len)
{
	return hs_fixture_load("mastodon", name, len);
}

#define sink hs_collect_sink

static void assert_sane(const hs_post *p)
{
	ck_assert_ptr_nonnull(p->source_id);
	ck_assert_ptr_nonnull(p->text);
	ck_assert(hs_utf8_valid(p->text, strlen(p->text)));
	/* markup gone (an entity may still decode to '<') */
	ck_assert_ptr_null(strstr(p->text, "<p>"));
	ck_assert_ptr_null(strstr(p->text, "<a "));
	ck_assert_ptr_null(strstr(p->text, "<span"));
	ck_assert_ptr_null(strstr(p->text, "&amp;"));
	if (p->url)
		ck_assert(strncmp(p->url, "https://", 8) == 0 || strncmp(p->url, "http://", 7) == 0);
	ck_assert_int_eq(p->fetched_us, NOW);
	ck_assert_int_le(p->created_us, NOW);
	ck_assert_ptr_null(p->feed);
	ck_assert_ptr_null(p->cursor);
}

/* whitespace only between the end of a and the start of b in s */
static bool separated(const char *s, const char *a, const char *b)
{
	const char *x = strstr(s, a), *y = strstr(s, b);
	if (!x || !y)
		return false;
	x += strlen(a);
	if (x >= y)
		return false;
	for (; x < y; x++)
		if (*x != ' ' && *x != '\n' && *x != '\t')
			return false;
	return true;
}

static void assert_tags(const hs_post *p, size_t n, const char *const *want)
{
	ck_assert_uint_eq(p->n_tags, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(p->tags[i], want[i]);
}

START_TEST(test_id_cmp)
{
	ck_assert_int_lt(hs_mastodon_id_cmp("99", "100"), 0);
	ck_assert_int_gt(hs_mastodon_id_cmp("100", "99"), 0);
	ck_assert_int_eq(hs_mastodon_id_cmp("113456789012345600", "113456789012345600"), 0);
	ck_assert_int_lt(hs_mastodon_id_cmp("113456789012345600", "113456789012345601"), 0);
	/* fixed-length ids of other servers (ULID, base62) compare bytewise */
	ck_assert_int_lt(hs_mastodon_id_cmp("01HXA0000000000000000000AZ", "01HXA0000000000000000000B0"), 0);
	ck_assert_int_lt(hs_mastodon_id_cmp(NULL, "1"), 0);
	ck_assert_int_gt(hs_mastodon_id_cmp("1", NULL), 0);
	ck_assert_int_eq(hs_mastodon_id_cmp(NULL, NULL), 0);
}
END_TEST

START_TEST(test_tag_page)
{
	size_t len, bad = 99;
	char *buf = load("tag_page.json", &len);
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0 };
	int n = hs_mastodon_parse_statuses(buf, len, "rivertown-social", NOW, sink, &c, &newest,
	                                   &bad, err, sizeof(err));

	/* 9 statuses: 5 posts; the boost of an original in the page and the
	 * second boost of the same status are dropped, the private one is
	 * skipped, the one with a broken created_at is bad */
	ck_assert_msg(n == 5, "n=%d err=%s", n, err);
	ck_assert_uint_eq(c.n, 5);
	ck_assert_uint_eq(bad, 1);
	ck_assert_str_eq(err, "status 2: missing or bad created_at");
	ck_assert_str_eq(newest, B "08");
	for (size_t i = 0; i < c.n; i++) {
		assert_sane(c.posts[i]);
		ck_assert_str_eq(c.posts[i]->source, "rivertown-social");
	}

	/* oldest first, by the page's ids */
	hs_post *p = c.posts[0];
	ck_assert_str_eq(p->source_id, B "00");
	ck_assert_str_eq(p->url, "https://rivertown.example/@alice/" B "00");
	ck_assert_str_eq(p->author, "alice@rivertown.example"); /* local acct, qualified */
	ck_assert_str_eq(p->lang, "en");
	ck_assert_int_eq(p->created_us, T9);
	ck_assert_uint_eq(p->flags, 0);
	ck_assert_ptr_nonnull(strstr(p->text, "Road works on the #Bridge start Monday & last a week."));
	ck_assert_msg(separated(p->text, "Mill Lane.", "More at"), "paragraphs run together: %s",
	              p->text);
	ck_assert_ptr_nonnull(strstr(p->text, "town hall #rivertown"));
	assert_tags(p, 2, (const char *const[]){ "bridge", "rivertown" });

	p = c.posts[1];
	ck_assert_str_eq(p->source_id, B "01");
	ck_assert_uint_eq(p->flags, HS_POST_REPLY);
	ck_assert_str_eq(p->author, "bob@harbour.example");
	ck_assert_str_eq(p->lang, "en"); /* en-GB */
	ck_assert_str_eq(p->url, "https://harbour.example/@bob/77");
	ck_assert_int_eq(p->created_us, T9 + 330 * SEC + 250000);
	ck_assert_ptr_nonnull(strstr(p->text, "@alice Thanks, is the footpath open?"));
	assert_tags(p, 1, (const char *const[]){ "Rivertown" }); /* case-insensitive dedup */

	p = c.posts[2];
	ck_assert_str_eq(p->source_id, B "02");
	ck_assert_msg(strncmp(p->text, "Traffic #rivertown\n\n", 20) == 0, "%s", p->text);
	ck_assert_ptr_nonnull(strstr(p->text, "The bridge is closed until Friday."));
	ck_assert_msg(separated(p->text, "Friday.", "Please plan ahead."), "%s", p->text);
	ck_assert_uint_eq(p->flags, 0);

	/* a boost of a status that is not in the page: the original, flagged */
	p = c.posts[3];
	ck_assert_str_eq(p->source_id, "1134567000000000990");
	ck_assert_uint_eq(p->flags, HS_POST_BOOST);
	ck_assert_str_eq(p->author, "dave@lakeside.example");
	ck_assert_str_eq(p->lang, "nl");
	ck_assert_str_eq(p->url, "https://lakeside.example/@dave/990");
	ck_assert_int_eq(p->created_us, T9 - 15 * 3600 * SEC);
	ck_assert_ptr_nonnull(strstr(p->text, "extra service for the #rivertown fair"));
	assert_tags(p, 1, (const char *const[]){ "rivertown" });

	/* only what a minimal server sends: uri for the URL, no account, no language */
	p = c.posts[4];
	ck_assert_str_eq(p->source_id, B "08");
	ck_assert_str_eq(p->url, "https://rivertown.example/users/ghost/statuses/" B "08");
	ck_assert_ptr_null(p->author);
	ck_assert_ptr_null(p->lang);
	ck_assert_uint_eq(p->n_tags, 0);
	ck_assert_str_eq(p->text, "Plain <minimal> status");
	hs_collect_free(&c);
	free(newest);
	free(buf);
}
END_TEST

START_TEST(test_page_sink_stops)
{
	size_t len, bad;
	char *buf = load("tag_page.json", &len);
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0, .stop_after = 2 };
	int n = hs_mastodon_parse_statuses(buf, len, "s", NOW, sink, &c, &newest, &bad, err,
	                                   sizeof(err));

	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(c.posts[1]->source_id, B "01");
	/* resume point: everything up to the last handed-over status */
	ck_assert_str_eq(newest, B "01");
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	hs_collect_free(&c);
	free(newest);
	/* newest_id and bad are optional */
	c.stop_after = 0;
	n = hs_mastodon_parse_statuses(buf, len, "s", NOW, sink, &c, NULL, NULL, err, sizeof(err));
	ck_assert_int_eq(n, 5);
	hs_collect_free(&c);
	free(buf);
}
END_TEST

START_TEST(test_page_empty_and_errors)
{
	size_t len, bad = 7;
	char *buf = load("empty.json", &len);
	char err[200], *newest = (char *)"x";
	hs_collect c = { .n = 0 };

	ck_assert_int_eq(hs_mastodon_parse_statuses(buf, len, "s", NOW, sink, &c, &newest, &bad,
	                                            err, sizeof(err)), 0);
	ck_assert_ptr_null(newest);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	free(buf);

	/* a 401 answer instead of a page */
	buf = load("error_401.json", &len);
	newest = (char *)"x";
	ck_assert_int_eq(hs_mastodon_parse_statuses(buf, len, "s", NOW, sink, &c, &newest, &bad,
	                                            err, sizeof(err)), -1);
	ck_assert_str_eq(err, "server error: The access token is invalid");
	ck_assert_ptr_null(newest);
	free(buf);

	static const struct { const char *in; const char *err; } fatal[] = {
		{ "{\"statuses\":[]}", "expected a JSON array" },
		{ "\"hello\"", "page is not valid JSON" },
		{ "[{\"id\":\"1\"", "page is not valid JSON" },
		{ "", "page is not valid JSON" },
		{ "{\"error\":\"Too many requests\",\"error_description\":\"retry later\"}",
		  "server error: Too many requests (retry later)" },
	};
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		int n = hs_mastodon_parse_statuses(fatal[i].in, strlen(fatal[i].in), "s", NOW, sink,
		                                   &c, NULL, &bad, err, sizeof(err));
		ck_assert_int_eq(n, -1);
		ck_assert_msg(strncmp(err, fatal[i].err, strlen(fatal[i].err)) == 0, "%zu: %s", i, err);
		ck_assert_uint_eq(c.n, 0);
	}
	/* a tiny error buffer is fine */
	char small[8];
	ck_assert_int_eq(hs_mastodon_parse_statuses("{}", 2, "s", NOW, sink, &c, NULL, NULL, small,
	                                            sizeof(small)), -1);
	ck_assert_str_eq(small, "expecte");
	ck_assert_int_eq(hs_mastodon_parse_statuses("{}", 2, "s", NOW, sink, &c, NULL, NULL, NULL,
	                                            0), -1);
}
END_TEST

START_TEST(test_page_bad_and_odd_statuses)
{
	static const char page[] =
		"[1, \"x\", {},"
		" {\"id\":\"12 34\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"a\"},"
		" {\"id\":\"20\",\"created_at\":\"2026-05-16T09:00:00Z\"},"
		" {\"id\":\"21\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":7},"
		" {\"id\":\"22\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"x\",\"reblog\":3},"
		/* kept: NUL in the content, a javascript: url, a future date */
		" {\"id\":\"30\",\"created_at\":\"2030-01-01T00:00:00Z\",\"content\":\"<p>a\\u0000b</p>\","
		"  \"url\":\"javascript:alert(1)\",\"uri\":\"https://x.example/30\","
		"  \"account\":{\"acct\":\"z\",\"url\":\"javascript:x\"},\"language\":\"xx-Latn-1\","
		"  \"tags\":[{\"name\":\"#a\"},{\"name\":\"\"},{\"name\":5},\"b\",{\"name\":\"A\"}]},"
		/* kept: content null, spoiler only; visibility unlisted; ULID-like */
		" {\"id\":\"31\",\"created_at\":\"2026-05-16T09:00:00+02:00\",\"content\":null,"
		"  \"spoiler_text\":\"cw \\u0000only\",\"visibility\":\"unlisted\",\"url\":\"ftp://x.example/\","
		"  \"account\":{\"acct\":\"Y\",\"url\":\"https://User@Social.Example:8443/@Y\"},"
		"  \"language\":\"e1\",\"in_reply_to_id\":\"5\"},"
		/* skipped, not bad: direct, unknown visibility, private boost */
		" {\"id\":\"40\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"d\",\"visibility\":\"direct\"},"
		" {\"id\":\"41\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"d\",\"visibility\":\"secret\"},"
		" {\"id\":\"42\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"\",\"reblog\":"
		"   {\"id\":\"9\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":\"p\",\"visibility\":\"private\"}}"
		"]";
	size_t bad;
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0 };
	int n = hs_mastodon_parse_statuses(page, strlen(page), "s", NOW, sink, &c, &newest, &bad,
	                                   err, sizeof(err));

	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(bad, 7);
	ck_assert_str_eq(err, "status 0: not an object");
	ck_assert_str_eq(newest, "42");

	hs_post *p = c.posts[0];
	assert_sane(p);
	ck_assert_str_eq(p->source_id, "30");
	ck_assert_str_eq(p->text, "ab");
	ck_assert_str_eq(p->url, "https://x.example/30");
	ck_assert_str_eq(p->author, "z");
	ck_assert_str_eq(p->lang, "xx");
	ck_assert_int_eq(p->created_us, NOW); /* clamped */
	assert_tags(p, 2, (const char *const[]){ "a", "b" });

	p = c.posts[1];
	assert_sane(p);
	ck_assert_str_eq(p->source_id, "31");
	ck_assert_str_eq(p->text, "cw only");
	ck_assert_ptr_null(p->url);
	ck_assert_str_eq(p->author, "Y@social.example:8443");
	ck_assert_ptr_null(p->lang);
	ck_assert_uint_eq(p->flags, HS_POST_REPLY);
	ck_assert_int_eq(p->created_us, T9 - 2 * 3600 * SEC);
	hs_collect_free(&c);
	free(newest);

	/* the bad reasons, one page each */
	static const struct { const char *in; const char *err; } one[] = {
		{ "[{\"id\":5}]", "status 0: missing id" },
		{ "[{\"id\":\"\"}]", "status 0: unusable id" },
		{ "[{\"id\":\"1\",\"created_at\":\"2026-05-16T09:00:00Z\"}]", "status 0: missing content" },
		{ "[{\"id\":\"1\",\"created_at\":\"2026-05-16\",\"content\":\"\"}]",
		  "status 0: missing or bad created_at" },
		{ "[{\"id\":\"1\",\"created_at\":\"2026-05-16T09:00:00Z\\u0000x\",\"content\":\"\"}]",
		  "status 0: missing or bad created_at" },
		{ "[{\"id\":\"1\",\"reblog\":{\"created_at\":\"2026-05-16T09:00:00Z\"}}]",
		  "status 0: reblog: missing id" },
		{ "[{\"id\":\"1\",\"reblog\":[]}]", "status 0: reblog is not an object" },
	};
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		n = hs_mastodon_parse_statuses(one[i].in, strlen(one[i].in), "s", NOW, sink, &c, NULL,
		                               &bad, err, sizeof(err));
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(bad, 1);
		ck_assert_msg(strcmp(err, one[i].err) == 0, "%zu: %s", i, err);
	}
}
END_TEST

/* Mastodon's own markup: link text split in invisible/ellipsis spans,
 * paragraphs, <br>, entities; the text must read like the status does. */
START_TEST(test_content_html)
{
	static const char page[] =
		"[{\"id\":\"5\",\"created_at\":\"2026-05-16T09:00:00Z\",\"content\":"
		"\"<p>Read <a href=\\\"https://news.example/a/council-votes\\\" rel=\\\"nofollow\\\">"
		"<span class=\\\"invisible\\\">https://</span><span class=\\\"ellipsis\\\">"
		"news.example/a/coun</span><span class=\\\"invisible\\\">cil-votes</span></a> now</p>"
		"<p>Second&nbsp;line<br />third &#x1F309; &lt;b&gt; caf&eacute;</p>\"}]";
	size_t bad;
	char err[200];
	hs_collect c = { .n = 0 };

	ck_assert_int_eq(hs_mastodon_parse_statuses(page, strlen(page), "s", NOW, sink, &c, NULL,
	                                            &bad, err, sizeof(err)), 1);
	hs_post *p = c.posts[0];
	assert_sane(p);
	ck_assert_msg(strstr(p->text, "Read https://news.example/a/council-votes now") != NULL, "%s",
	              p->text);
	ck_assert_msg(separated(p->text, "now", "Second"), "%s", p->text);
	ck_assert_msg(separated(p->text, "line", "third"), "%s", p->text);
	ck_assert_ptr_nonnull(strstr(p->text, "\xf0\x9f\x8c\x89 <b> caf\xc3\xa9"));
	hs_collect_free(&c);
}
END_TEST

/* ---- streaming ------------------------------------------------------------------------------ */

static int frame(const char *name, hs_masto_kind *kind, hs_post **post, char **del, char *err,
                 size_t errlen)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = hs_mastodon_parse_stream_frame(buf, len, "rivertown-live", NOW, kind, post, del,
	                                        err, errlen);
	free(buf);
	return rc;
}

START_TEST(test_stream_update_edit_delete)
{
	hs_masto_kind kind;
	hs_post *p = NULL, *q = NULL;
	char *del = NULL, err[200];

	ck_assert_int_eq(frame("stream_update.json", &kind, &p, &del, err, sizeof(err)), 0);
	ck_assert_int_eq(kind, HS_MASTO_POST);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(del);
	assert_sane(p);
	ck_assert_str_eq(p->source, "rivertown-live");
	ck_assert_str_eq(p->source_id, B "10");
	ck_assert_str_eq(p->author, "alice@rivertown.example");
	ck_assert_str_eq(p->url, "https://rivertown.example/@alice/" B "10");
	ck_assert_int_eq(p->created_us, T9 + 3600 * SEC);
	ck_assert_ptr_nonnull(strstr(p->text, "Fair opens at noon in #rivertown \xe2\x80\x94 caf\xc3\xa9 "
	                                      "stalls & music"));
	assert_tags(p, 1, (const char *const[]){ "rivertown" });

	ck_assert_int_eq(frame("stream_status_update.json", &kind, &q, &del, err, sizeof(err)), 0);
	ck_assert_int_eq(kind, HS_MASTO_EDIT);
	assert_sane(q);
	ck_assert_str_eq(q->source_id, p->source_id);
	ck_assert_ptr_nonnull(strstr(q->text, "Fair opens at 1 pm (edited)"));
	hs_post_free(p);
	hs_post_free(q);

	ck_assert_int_eq(frame("stream_delete.json", &kind, &p, &del, err, sizeof(err)), 0);
	ck_assert_int_eq(kind, HS_MASTO_DELETE);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(del, B "10");
	free(del);
}
END_TEST

START_TEST(test_stream_ignored)
{
	static const char *const names[] = { "stream_notification.json",
		                                 "stream_filters_changed.json" };
	for (size_t i = 0; i < 2; i++) {
		hs_masto_kind kind = HS_MASTO_POST;
		hs_post *p = (hs_post *)1;
		char *del = (char *)1, err[200];
		ck_assert_int_eq(frame(names[i], &kind, &p, &del, err, sizeof(err)), 0);
		ck_assert_int_eq(kind, HS_MASTO_IGNORED);
		ck_assert_ptr_null(p);
		ck_assert_ptr_null(del);
	}
}
END_TEST

static int parse_str(const char *s, hs_masto_kind *kind, hs_post **p, char **del, char *err)
{
	return hs_mastodon_parse_stream_frame(s, strlen(s), "src", NOW, kind, p, del, err, 200);
}

START_TEST(test_stream_odd_frames)
{
	hs_masto_kind kind;
	hs_post *p;
	char *del, err[200];

	ck_assert_int_eq(frame("stream_error.json", &kind, &p, &del, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "server error: Unknown stream type (status 400)");

	static const struct { const char *in; const char *err; } bad[] = {
		{ "[]", "expected a JSON object" },
		{ "{\"event\":\"update\",\"payload\":\"{not json\"}", "payload is not valid JSON" },
		{ "{\"event\":\"update\"}", "update event without a payload" },
		{ "{\"event\":\"status.update\",\"payload\":3}", "status.update event without a payload" },
		{ "{\"event\":\"update\",\"payload\":\"[1]\"}", "payload is not a JSON object" },
		{ "{\"event\":\"update\",\"payload\":\"{\\\"id\\\":\\\"1\\\"}\"}",
		  "status: missing or bad created_at" },
		{ "{\"event\":\"delete\",\"payload\":\"1 OR 1=1\"}", "delete event without a usable id" },
		{ "{\"event\":\"delete\"}", "delete event without a usable id" },
		{ "{\"stream\":[\"public\"]}", "frame has no event" },
		{ "{\"event\":\"upd", "frame is not valid JSON" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kind = HS_MASTO_POST;
		ck_assert_int_eq(parse_str(bad[i].in, &kind, &p, &del, err), -1);
		ck_assert_msg(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "%zu: %s", i, err);
		ck_assert_int_eq(kind, HS_MASTO_IGNORED);
		ck_assert_ptr_null(p);
		ck_assert_ptr_null(del);
	}

	/* an event name with a NUL is not "update" */
	ck_assert_int_eq(parse_str("{\"event\":\"update\\u0000\",\"payload\":\"{}\"}", &kind, &p,
	                           &del, err), 0);
	ck_assert_int_eq(kind, HS_MASTO_IGNORED);

	/* a payload that is already an object; a boost; a numeric delete id */
	ck_assert_int_eq(parse_str("{\"event\":\"update\",\"payload\":{\"id\":\"2\",\"reblog\":"
	                           "{\"id\":\"1\",\"created_at\":\"2026-05-16T09:00:00Z\","
	                           "\"content\":\"<p>hi</p>\"}}}", &kind, &p, &del, err), 0);
	ck_assert_int_eq(kind, HS_MASTO_POST);
	ck_assert_str_eq(p->source_id, "1");
	ck_assert_uint_eq(p->flags, HS_POST_BOOST);
	ck_assert_str_eq(p->text, "hi");
	hs_post_free(p);
	ck_assert_int_eq(parse_str("{\"event\":\"delete\",\"payload\":12345}", &kind, &p, &del, err),
	                 0);
	ck_assert_int_eq(kind, HS_MASTO_DELETE);
	ck_assert_str_eq(del, "12345");
	free(del);

	/* a followers-only status on a user stream: ignored, not an error */
	ck_assert_int_eq(parse_str("{\"event\":\"update\",\"payload\":\"{\\\"id\\\":\\\"3\\\","
	                           "\\\"visibility\\\":\\\"private\\\"}\"}", &kind, &p, &del, err), 0);
	ck_assert_int_eq(kind, HS_MASTO_IGNORED);
	ck_assert_ptr_null(p);
}
END_TEST

/* ---- Link header ---------------------------------------------------------------------------- */

static void assert_link(const char *h, const char *rel, const char *want)
{
	char *got = hs_mastodon_link_rel(h, rel);
	if (!want) {
		ck_assert_msg(got == NULL, "[%s] %s: got %s", h ? h : "(null)", rel ? rel : "(null)", got);
	} else {
		ck_assert_msg(got != NULL, "[%s] %s: got nothing", h, rel);
		ck_assert_str_eq(got, want);
	}
	free(got);
}

START_TEST(test_link_header)
{
	static const char masto[] =
		"<https://rivertown.example/api/v1/timelines/tag/rivertown?max_id=113456789012345600>; "
		"rel=\"next\", "
		"<https://rivertown.example/api/v1/timelines/tag/rivertown?min_id=113456789012345608>; "
		"rel=\"prev\"";

	assert_link(masto, "prev",
	            "https://rivertown.example/api/v1/timelines/tag/rivertown?min_id=113456789012345608");
	assert_link(masto, "next",
	            "https://rivertown.example/api/v1/timelines/tag/rivertown?max_id=113456789012345600");
	assert_link(masto, "PREV",
	            "https://rivertown.example/api/v1/timelines/tag/rivertown?min_id=113456789012345608");
	assert_link(masto, "last", NULL);
	assert_link(masto, "pre", NULL);
	/* unquoted, several relation types, other parameters, odd spacing */
	assert_link("<https://a.example/1>;rel=next,<https://a.example/2> ; title=\"x, <y>; rel=prev\" ;"
	            " REL = \"previous  prev\"", "prev", "https://a.example/2");
	assert_link("<https://a.example/1>;rel=next,<https://a.example/2>;rel=\"previous prev\"",
	            "previous", "https://a.example/2");
	/* a comma inside the URL; an escaped quote */
	assert_link("<https://a.example/p?a=1,2>; rel=\"next\"", "next", "https://a.example/p?a=1,2");
	assert_link("<https://a.example/q>; title=\"a \\\"b\\\" c\"; rel=\"prev\"", "prev",
	            "https://a.example/q");
	/* only the first rel parameter counts */
	assert_link("<https://a.example/r>; rel=next; rel=prev", "prev", NULL);
	/* broken or empty input */
	assert_link("<https://a.example/unterminated; rel=prev", "prev", NULL);
	assert_link("garbage, <https://a.example/s>; rel=prev", "prev", "https://a.example/s");
	assert_link("<>; rel=prev", "prev", NULL);
	assert_link("<https://a.example/with space>; rel=prev", "prev", NULL);
	assert_link("<https://a.example/t>; rel", "prev", NULL);
	assert_link("<https://a.example/t>; rel=\"prev", "prev", "https://a.example/t");
	assert_link("", "prev", NULL);
	assert_link(NULL, "prev", NULL);
	assert_link(masto, NULL, NULL);
	assert_link(masto, "", NULL);
}
END_TEST

/* ---- /api/v2/instance ----------------------------------------------------------------------- */

START_TEST(test_instance)
{
	size_t len;
	char *buf = load("instance_public.json", &len);
	char *url;

	ck_assert_int_eq(hs_mastodon_instance_public_timelines(buf, len), 1);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "hashtag_feeds", "remote"),
	                 HS_MASTO_ACCESS_PUBLIC);
	url = hs_mastodon_instance_streaming_url(buf, len);
	ck_assert_str_eq(url, "wss://streaming.rivertown.example");
	free(url);
	free(buf);

	buf = load("instance_disabled.json", &len);
	ck_assert_int_eq(hs_mastodon_instance_public_timelines(buf, len), 0);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "live_feeds", "local"),
	                 HS_MASTO_ACCESS_DISABLED);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "hashtag_feeds", "local"),
	                 HS_MASTO_ACCESS_AUTHENTICATED);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "trending_link_feeds", "remote"),
	                 HS_MASTO_ACCESS_DISABLED);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "no_such_feeds", "local"),
	                 HS_MASTO_ACCESS_UNKNOWN);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, NULL, NULL),
	                 HS_MASTO_ACCESS_UNKNOWN);
	free(buf);

	/* a 4.2 server: no timelines_access */
	buf = load("instance_old.json", &len);
	ck_assert_int_eq(hs_mastodon_instance_public_timelines(buf, len), -1);
	ck_assert_int_eq(hs_mastodon_instance_feed_access(buf, len, "hashtag_feeds", "local"),
	                 HS_MASTO_ACCESS_UNKNOWN);
	url = hs_mastodon_instance_streaming_url(buf, len);
	ck_assert_str_eq(url, "wss://streaming.rivertown.example");
	free(url);
	free(buf);

	static const char *const unknown[] = {
		"", "[]", "not json", "{\"configuration\":7}",
		"{\"configuration\":{\"timelines_access\":{\"live_feeds\":{\"local\":\"maybe\"}}}}",
		"{\"configuration\":{\"timelines_access\":{\"live_feeds\":{\"local\":true}}}}",
		"{\"configuration\":{\"timelines_access\":{\"live_feeds\":{\"local\":\"public\\u0000\"}}}}",
	};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		ck_assert_int_eq(hs_mastodon_instance_public_timelines(unknown[i], strlen(unknown[i])), -1);
		ck_assert_ptr_null(hs_mastodon_instance_streaming_url(unknown[i], strlen(unknown[i])));
	}
	static const char *const bad_urls[] = {
		"{\"configuration\":{\"urls\":{\"streaming\":\"javascript:alert(1)\"}}}",
		"{\"configuration\":{\"urls\":{\"streaming\":\"wss://\"}}}",
		"{\"configuration\":{\"urls\":{\"streaming\":\"wss://a.example/\\nx\"}}}",
		"{\"configuration\":{\"urls\":{\"streaming\":null}}}",
	};
	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++)
		ck_assert_ptr_null(hs_mastodon_instance_streaming_url(bad_urls[i], strlen(bad_urls[i])));
	static const char ws[] = "{\"configuration\":{\"urls\":{\"streaming\":\"WS://127.0.0.1:4000\"}}}";
	url = hs_mastodon_instance_streaming_url(ws, strlen(ws));
	ck_assert_str_eq(url, "WS://127.0.0.1:4000");
	free(url);
}
END_TEST

static Suite *mastodon_suite(void)
{
	Suite *s = suite_create("mastodon");
	TCase *tc = tcase_create("rest");

	tcase_add_test(tc, test_id_cmp);
	tcase_add_test(tc, test_tag_page);
	tcase_add_test(tc, test_page_sink_stops);
	tcase_add_test(tc, test_page_empty_and_errors);
	tcase_add_test(tc, test_page_bad_and_odd_statuses);
	tcase_add_test(tc, test_content_html);
	suite_add_tcase(s, tc);

	tc = tcase_create("streaming");
	tcase_add_test(tc, test_stream_update_edit_delete);
	tcase_add_test(tc, test_stream_ignored);
	tcase_add_test(tc, test_stream_odd_frames);
	suite_add_tcase(s, tc);

	tc = tcase_create("http");
	tcase_add_test(tc, test_link_header);
	tcase_add_test(tc, test_instance);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mastodon_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
