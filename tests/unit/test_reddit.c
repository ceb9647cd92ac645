/* hearsay: unit tests for the reddit collector's parsers
 * (collectors/reddit/reddit_parse.c), on the listings and token answers in
 * tests/fixtures/reddit/ (fictional subreddit, accounts and .example links).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "scratch.h"

#include <hearsay/post.h>

#include "collectors/reddit/reddit.h"
#include "utf8.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define SEC 1000000LL
/* 2026-05-16T09:00:00Z */
#define T9 (1778922000LL * SEC)
/* "now" for the tests: 2026-05-16T12:00:00Z */
#define NOW (T9 + 3 * 3600 * SEC)

#define PERMA "https://www.reddit.com/r/rivertown/comments/"

static char *load(const char *name, size_t *len)
{
	return hs_fixture_load("reddit", name, len);
}

#define sink hs_collect_sink

static void assert_sane(const hs_post *p, int64_t now)
{
	ck_assert_ptr_nonnull(p->source_id);
	ck_assert(strncmp(p->source_id, "t3_", 3) == 0);
	ck_assert_ptr_nonnull(p->text);
	ck_assert(hs_utf8_valid(p->text, strlen(p->text)));
	if (p->url)
		ck_assert(strncasecmp(p->url, "https://", 8) == 0 ||
		          strncasecmp(p->url, "http://", 7) == 0);
	if (p->author)
		ck_assert(strncmp(p->author, "u/", 2) == 0);
	for (size_t i = 0; i < p->n_tags; i++)
		ck_assert(strncmp(p->tags[i], "r/", 2) == 0);
	ck_assert_ptr_null(p->title);
	ck_assert_ptr_null(p->lang);
	ck_assert_uint_eq(p->flags, 0);
	ck_assert_int_eq(p->fetched_us, now);
	if (now > 0)
		ck_assert_int_le(p->created_us, now);
	ck_assert_ptr_null(p->feed);
	ck_assert_ptr_null(p->cursor);
}

static void assert_one_tag(const hs_post *p, const char *want)
{
	if (!want) {
		ck_assert_uint_eq(p->n_tags, 0);
		return;
	}
	ck_assert_uint_eq(p->n_tags, 1);
	ck_assert_str_eq(p->tags[0], want);
}

static int parse(const char *s, int64_t now, hs_collect *c, char **newest, size_t *bad, char *err,
                 size_t errlen)
{
	return hs_reddit_parse_listing(s, strlen(s), "src", now, sink, c, newest, bad, err, errlen);
}

/* {"kind":"Listing","data":{"children":[ CHILDREN ]}} */
#define LISTING(children) "{\"kind\":\"Listing\",\"data\":{\"children\":[" children "]}}"
/* a t3 child: a usable post but for what `extra` adds or replaces (jansson
 * keeps the last of duplicate keys) */
#define T3(name, created, extra)                                                     \
	"{\"kind\":\"t3\",\"data\":{\"name\":\"" name "\",\"created_utc\":" created     \
	",\"title\":\"t " name "\",\"selftext\":\"\",\"author\":\"a\",\"subreddit\":\"s\"," \
	"\"permalink\":\"/r/s/comments/x/y/\"" extra "}}"

START_TEST(test_fullname_cmp)
{
	ck_assert_int_lt(hs_reddit_fullname_cmp("t3_zz", "t3_100"), 0);
	ck_assert_int_gt(hs_reddit_fullname_cmp("t3_100", "t3_zz"), 0);
	ck_assert_int_lt(hs_reddit_fullname_cmp("t3_1k2ab9z", "t3_1k2aba0"), 0); /* '9' < 'a' */
	ck_assert_int_lt(hs_reddit_fullname_cmp("t3_1k2abaz", "t3_1k2abb0"), 0);
	ck_assert_int_eq(hs_reddit_fullname_cmp("t3_1k2abc9", "t3_1k2abc9"), 0);
	ck_assert_int_lt(hs_reddit_fullname_cmp(NULL, "t3_1"), 0);
	ck_assert_int_gt(hs_reddit_fullname_cmp("t3_1", NULL), 0);
	ck_assert_int_eq(hs_reddit_fullname_cmp(NULL, NULL), 0);
}
END_TEST

START_TEST(test_listing)
{
	size_t len, bad = 99;
	char *buf = load("listing.json", &len);
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0 };
	int n = hs_reddit_parse_listing(buf, len, "r-rivertown", NOW, sink, &c, &newest, &bad, err,
	                                sizeof(err));

	/* 8 children, newest first: 6 links, a comment and a "more"; of the
	 * links the moderator-removed one and the one deleted with its
	 * account are skipped, not bad */
	ck_assert_msg(n == 4, "n=%d err=%s", n, err);
	ck_assert_uint_eq(c.n, 4);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(newest, "t3_1k2abf0");
	for (size_t i = 0; i < c.n; i++) {
		assert_sane(c.posts[i], NOW);
		ck_assert_str_eq(c.posts[i]->source, "r-rivertown");
		assert_one_tag(c.posts[i], "r/rivertown");
	}

	/* oldest first; an account deleted since (author NULL), NSFW: kept */
	hs_post *p = c.posts[0];
	ck_assert_str_eq(p->source_id, "t3_1k2aba5");
	ck_assert_int_eq(p->created_us, T9);
	ck_assert_ptr_null(p->author);
	ck_assert_str_eq(p->url, PERMA "1k2aba5/footpath_question/");
	ck_assert_str_eq(p->text, "Footpath question\n\nIs the footpath by the river still open?");

	/* a self post; created_utc as an integer; markdown kept as sent */
	p = c.posts[1];
	ck_assert_str_eq(p->source_id, "t3_1k2abb1");
	ck_assert_int_eq(p->created_us, T9 + 600 * SEC);
	ck_assert_str_eq(p->author, "u/alice_rt");
	ck_assert_str_eq(p->url, PERMA "1k2abb1/road_works_on_mill_lane_start_monday/");
	ck_assert_str_eq(p->text, "Road works on Mill Lane start Monday\n\n"
	                          "The council says the works last a week.\n\n"
	                          "Detour via **Station Road** &amp; the old mill.");

	/* a link post: the permalink, not the linked article; no selftext, so
	 * no blank line */
	p = c.posts[2];
	ck_assert_str_eq(p->source_id, "t3_1k2abd2");
	ck_assert_int_eq(p->created_us, T9 + 1800 * SEC);
	ck_assert_str_eq(p->author, "u/Rivertown_News");
	ck_assert_str_eq(p->url, PERMA "1k2abd2/council_votes_on_bridge_closure_tonight/");
	ck_assert_str_eq(p->text, "Council votes on bridge closure tonight");

	/* unicode (escaped in the JSON, an astral character as a surrogate
	 * pair); a fractional created_utc */
	p = c.posts[3];
	ck_assert_str_eq(p->source_id, "t3_1k2abf0");
	ck_assert_int_eq(p->created_us, T9 + 3000 * SEC + 250000);
	ck_assert_str_eq(p->author, "u/river_walker");
	ck_assert_str_eq(p->text, "Caf\xc3\xa9 on Mill Lane closed for good?\n\n"
	                          "Heard it is shut \xc2\xab" "for good\xc2\xbb since Tuesday "
	                          "\xf0\x9f\x8c\x89 \xe2\x80\x94 anyone know?\n\n"
	                          "* rumour from the bus stop\n* or **true**?");
	hs_collect_free(&c);
	free(newest);
	free(buf);
}
END_TEST

START_TEST(test_listing_sink_stops)
{
	size_t len, bad = 9;
	char *buf = load("listing.json", &len);
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0, .stop_after = 2 };
	int n = hs_reddit_parse_listing(buf, len, "s", NOW, sink, &c, &newest, &bad, err,
	                                sizeof(err));

	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(c.posts[1]->source_id, "t3_1k2abb1");
	/* resume point: the last post handed over */
	ck_assert_str_eq(newest, "t3_1k2abb1");
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	hs_collect_free(&c);
	free(newest);
	/* newest_fullname, bad, err and source are optional */
	c.stop_after = 0;
	n = hs_reddit_parse_listing(buf, len, NULL, NOW, sink, &c, NULL, NULL, NULL, 0);
	ck_assert_int_eq(n, 4);
	ck_assert_ptr_null(c.posts[0]->source);
	hs_collect_free(&c);
	free(buf);
}
END_TEST

START_TEST(test_listing_empty_and_errors)
{
	size_t len, bad = 7;
	char *buf = load("listing_empty.json", &len);
	char err[200], *newest = (char *)"x";
	hs_collect c = { .n = 0 };

	ck_assert_int_eq(hs_reddit_parse_listing(buf, len, "s", NOW, sink, &c, &newest, &bad, err,
	                                         sizeof(err)), 0);
	ck_assert_ptr_null(newest);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	free(buf);

	/* a 401 answer instead of a listing */
	buf = load("error_401.json", &len);
	newest = (char *)"x";
	bad = 7;
	ck_assert_int_eq(hs_reddit_parse_listing(buf, len, "s", NOW, sink, &c, &newest, &bad, err,
	                                         sizeof(err)), -1);
	ck_assert_str_eq(err, "server error: 401 Unauthorized");
	ck_assert_ptr_null(newest);
	ck_assert_uint_eq(bad, 0);
	free(buf);

	/* cut off in the middle */
	buf = load("truncated.json", &len);
	ck_assert_int_eq(hs_reddit_parse_listing(buf, len, "s", NOW, sink, &c, &newest, &bad, err,
	                                         sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "listing is not valid JSON (line ", 32) == 0, "%s", err);
	ck_assert_ptr_null(newest);
	free(buf);

	/* a listing of removed and deleted posts only: nothing, and no cursor */
	static const char gone_only[] = LISTING(
		T3("t3_b", "1778922000", ",\"removed_by_category\":\"deleted\"") ","
		T3("t3_c", "1778922000", ",\"author\":\"[deleted]\",\"selftext\":\"[removed]\""));
	newest = (char *)"x";
	ck_assert_int_eq(parse(gone_only, NOW, &c, &newest, &bad, err, sizeof(err)), 0);
	ck_assert_ptr_null(newest);
	ck_assert_uint_eq(bad, 0);

	static const struct { const char *in; const char *err; } fatal[] = {
		{ "[]", "expected a Listing" },
		{ "[{\"kind\":\"Listing\",\"data\":{\"children\":[]}}]", "expected a Listing" },
		{ "{\"kind\":\"t3\",\"data\":{\"children\":[]}}", "expected a Listing" },
		{ "{\"kind\":\"Listing\\u0000\",\"data\":{\"children\":[]}}", "expected a Listing" },
		{ "{\"kind\":\"Listing\",\"data\":{}}", "expected a Listing" },
		{ "{\"kind\":\"Listing\",\"data\":{\"children\":{}}}", "expected a Listing" },
		{ "{\"kind\":\"Listing\"}", "expected a Listing" },
		{ "{\"error\":{}}", "expected a Listing" },
		{ "{\"reason\":\"private\",\"message\":\"Forbidden\",\"error\":403}",
		  "server error: 403 Forbidden (private)" },
		{ "{\"message\":\"Too Many Requests\",\"error\":429}",
		  "server error: 429 Too Many Requests" },
		{ "{\"error\":500}", "server error: 500" },
		{ "{\"error\":\"invalid_token\"}", "server error: invalid_token" },
		{ "\"hello\"", "listing is not valid JSON" },
		{ "{\"kind\":\"Listing\",", "listing is not valid JSON" },
		{ "", "listing is not valid JSON" },
	};
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		bad = 7;
		int n = parse(fatal[i].in, NOW, &c, &newest, &bad, err, sizeof(err));
		ck_assert_int_eq(n, -1);
		ck_assert_msg(strncmp(err, fatal[i].err, strlen(fatal[i].err)) == 0, "%zu: %s", i, err);
		ck_assert_uint_eq(c.n, 0);
		ck_assert_uint_eq(bad, 0);
		ck_assert_ptr_null(newest);
	}
	/* a tiny error buffer is fine */
	char small[8];
	ck_assert_int_eq(hs_reddit_parse_listing("{}", 2, "s", NOW, sink, &c, NULL, NULL, small,
	                                         sizeof(small)), -1);
	ck_assert_str_eq(small, "expecte");
	ck_assert_int_eq(hs_reddit_parse_listing("{}", 2, "s", NOW, sink, &c, NULL, NULL, NULL, 0),
	                 -1);
}
END_TEST

START_TEST(test_listing_bad_posts)
{
	static const char page[] = LISTING(
		"1, \"x\", {}, {\"kind\":\"t3\"}, {\"kind\":\"t3\",\"data\":[]},"
		"{\"kind\":\"t3\",\"data\":{\"name\":7}},"
		T3("t3_ABC", "1778922000", "") ","
		T3("t1_abc", "1778922000", "") ","
		T3("t3_", "1778922000", "") ","
		T3("t3_ab c", "1778922000", "") ","
		T3("t3_abc\\u0000", "1778922000", "") ","
		T3("t3_12345678901234567", "1778922000", "") "," /* 17 digits */
		T3("t3_d1", "\"1778922000\"", "") ","
		T3("t3_d2", "-1.5", "") ","
		T3("t3_d3", "1e300", "") ","
		T3("t3_d4", "null", "") ","
		T3("t3_d5", "1778932800", ",\"created_utc\":true") ","
		T3("t3_d6", "1779019201", "") "," /* a day and a second after now */
		/* the reasons found when the post is built: after the others, in
		 * time order; they still move the cursor */
		T3("t3_e2", "1778922002", ",\"title\":null") ","
		T3("t3_e1", "1778922001", ",\"selftext\":5") ","
		/* kept */
		T3("t3_k1", "1778922000", ""));
	size_t bad;
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0 };
	int n = parse(page, NOW, &c, &newest, &bad, err, sizeof(err));

	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(bad, 20);
	ck_assert_str_eq(err, "post 0: not an object");
	ck_assert_str_eq(newest, "t3_e2");
	ck_assert_str_eq(c.posts[0]->source_id, "t3_k1");
	hs_collect_free(&c);
	free(newest);

	/* the reasons, one listing each */
	static const struct { const char *in; const char *err; } one[] = {
		{ LISTING("[]"), "post 0: not an object" },
		{ LISTING("{\"data\":{}}"), "post 0: missing kind" },
		{ LISTING("{\"kind\":3,\"data\":{}}"), "post 0: missing kind" },
		{ LISTING("{\"kind\":\"t3\",\"data\":\"x\"}"), "post 0: missing data" },
		{ LISTING("{\"kind\":\"t3\",\"data\":{\"id\":\"abc\"}}"), "post 0: missing name" },
		{ LISTING(T3("t3_Abc", "1778922000", "")), "post 0: unusable name" },
		{ LISTING(T3("t3_abc", "\"now\"", "")), "post 0: missing or bad created_utc" },
		{ LISTING(T3("t3_abc", "1778922000", ",\"title\":[]")), "post 0: missing title" },
		{ LISTING(T3("t3_abc", "1778922000", ",\"selftext\":{}")),
		  "post 0: selftext is not a string" },
		{ LISTING("{\"kind\":\"t1\"}," T3("t3_abc", "-1", "")),
		  "post 1: missing or bad created_utc" },
	};
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		n = parse(one[i].in, NOW, &c, NULL, &bad, err, sizeof(err));
		ck_assert_int_eq(n, 0);
		ck_assert_uint_eq(bad, 1);
		ck_assert_msg(strcmp(err, one[i].err) == 0, "%zu: %s", i, err);
	}
}
END_TEST

/* Fields that are odd but leave a usable post. */
START_TEST(test_listing_odd_posts)
{
	static const char page[] = LISTING(
		/* NULs dropped from title and selftext; no permalink, a javascript:
		 * url; an author and a subreddit that are not names */
		T3("t3_a1", "1778922000", ",\"title\":\"ti\\u0000tle\",\"selftext\":\"b\\u0000ody\","
		   "\"permalink\":null,\"url\":\"javascript:alert(1)\",\"author\":\"a b\","
		   "\"subreddit\":\"r/x\"") ","
		/* a permalink outside /r/: the post's own url; selftext null */
		T3("t3_a2", "1778922001", ",\"permalink\":\"/user/x/comments/a2/\","
		   "\"url\":\"HTTP://news.example/a2\",\"selftext\":null,\"author\":\"Some-One_2\"") ","
		/* a permalink with a space, a url without a host: no URL at all;
		 * no author, no subreddit */
		T3("t3_a3", "1778922002", ",\"permalink\":\"/r/s/comments/a3/x y/\","
		   "\"url\":\"https:///a3\",\"author\":null,\"subreddit\":null") ","
		/* an ftp url; an empty title; "[removed]" by an author still there,
		 * without removed_by_category, is kept (the spec only skips it for
		 * "[deleted]" authors) */
		T3("t3_a4", "1778922003", ",\"permalink\":7,\"url\":\"ftp://x.example/\","
		   "\"title\":\"\",\"selftext\":\"[removed]\"") ","
		/* an hour ahead of now: set back to now */
		T3("t3_a5", "1778936400.5", ",\"removed_by_category\":null") ","
		/* the same fullname again: used once, its first occurrence */
		T3("t3_a1", "1778922009", ",\"title\":\"again\"") ","
		/* equal times: the shorter fullname is older, then bytewise */
		T3("t3_zzz", "1778921000", "") ","
		T3("t3_1000", "1778921000", "") ","
		T3("t3_zzy", "1778921000", "") ","
		/* removed with an unusable time: skipped, not bad */
		T3("t3_r1", "\"x\"", ",\"removed_by_category\":\"reddit\""));
	size_t bad;
	char err[200], *newest = NULL;
	hs_collect c = { .n = 0 };
	int n = parse(page, NOW, &c, &newest, &bad, err, sizeof(err));

	ck_assert_msg(n == 8, "n=%d err=%s", n, err);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(newest, "t3_a5");
	for (size_t i = 0; i < c.n; i++)
		assert_sane(c.posts[i], NOW);

	ck_assert_str_eq(c.posts[0]->source_id, "t3_zzy");
	ck_assert_str_eq(c.posts[1]->source_id, "t3_zzz");
	ck_assert_str_eq(c.posts[2]->source_id, "t3_1000");
	ck_assert_int_eq(c.posts[2]->created_us, T9 - 1000 * SEC);
	ck_assert_str_eq(c.posts[2]->url, "https://www.reddit.com/r/s/comments/x/y/");
	assert_one_tag(c.posts[2], "r/s");
	ck_assert_str_eq(c.posts[2]->author, "u/a");

	hs_post *p = c.posts[3];
	ck_assert_str_eq(p->source_id, "t3_a1");
	ck_assert_str_eq(p->text, "title\n\nbody");
	ck_assert_ptr_null(p->url);
	ck_assert_ptr_null(p->author);
	assert_one_tag(p, NULL);

	p = c.posts[4];
	ck_assert_str_eq(p->source_id, "t3_a2");
	ck_assert_str_eq(p->url, "HTTP://news.example/a2");
	ck_assert_str_eq(p->text, "t t3_a2");
	ck_assert_str_eq(p->author, "u/Some-One_2");

	p = c.posts[5];
	ck_assert_str_eq(p->source_id, "t3_a3");
	ck_assert_ptr_null(p->url);
	ck_assert_ptr_null(p->author);
	assert_one_tag(p, NULL);

	p = c.posts[6];
	ck_assert_str_eq(p->source_id, "t3_a4");
	ck_assert_ptr_null(p->url);
	ck_assert_str_eq(p->text, "\n\n[removed]");

	p = c.posts[7];
	ck_assert_str_eq(p->source_id, "t3_a5");
	ck_assert_int_eq(p->created_us, NOW);
	hs_collect_free(&c);
	free(newest);

	/* now_us <= 0: no clamp, no check against the clock; the years after
	 * 9999 are still refused */
	static const char future[] = LISTING(T3("t3_f1", "4102444800", "") ","
	                                     T3("t3_f2", "253402300800", ""));
	n = parse(future, 0, &c, &newest, &bad, err, sizeof(err));
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(bad, 1);
	ck_assert_str_eq(err, "post 1: missing or bad created_utc");
	assert_sane(c.posts[0], 0);
	ck_assert_int_eq(c.posts[0]->created_us, 4102444800LL * SEC);
	ck_assert_str_eq(newest, "t3_f1");
	hs_collect_free(&c);
	free(newest);
}
END_TEST

/* ---- OAuth ---------------------------------------------------------------------------------- */

START_TEST(test_token)
{
	size_t len;
	char *buf = load("token.json", &len);
	char tok[128], err[200];
	int64_t exp = -1;

	ck_assert_int_eq(hs_reddit_parse_token(buf, len, tok, sizeof(tok), &exp, err, sizeof(err)),
	                 0);
	ck_assert_str_eq(tok, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmaWN0aW9uYWwifQ.ZmFrZS1zaWduYXR1cmU");
	ck_assert_int_eq(exp, 86400);
	ck_assert_str_eq(err, "");
	/* expires_in_s is optional; a buffer that just fits */
	ck_assert_int_eq(hs_reddit_parse_token(buf, len, tok, 67, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(tok), 66);
	ck_assert_int_eq(hs_reddit_parse_token(buf, len, tok, 66, &exp, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "access_token too long (66 bytes)");
	ck_assert_str_eq(tok, "");
	ck_assert_int_eq(exp, 0);
	free(buf);

	buf = load("token_bad.json", &len);
	exp = -1;
	ck_assert_int_eq(hs_reddit_parse_token(buf, len, tok, sizeof(tok), &exp, err, sizeof(err)),
	                 -1);
	ck_assert_str_eq(err, "server error: invalid_grant");
	ck_assert_str_eq(tok, "");
	ck_assert_int_eq(exp, 0);
	free(buf);

	buf = load("error_401.json", &len);
	ck_assert_int_eq(hs_reddit_parse_token(buf, len, tok, sizeof(tok), &exp, err, sizeof(err)),
	                 -1);
	ck_assert_str_eq(err, "server error: 401 Unauthorized");
	free(buf);
}
END_TEST

START_TEST(test_token_odd)
{
#define TOK(extra) "{\"access_token\":\"abc-DEF_1.2~x\",\"token_type\":\"bearer\"" extra "}"
	static const struct { const char *in; int64_t exp; } good[] = {
		{ TOK(""), 3600 },
		{ TOK(",\"expires_in\":null"), 3600 },
		{ TOK(",\"token_type\":\"Bearer\",\"expires_in\":7200.9"), 7200 },
		{ TOK(",\"token_type\":\"BEARER\",\"expires_in\":1"), 1 },
		{ TOK(",\"expires_in\":31536000"), 31536000 },
		{ TOK(",\"expires_in\":9000000000000"), 31536000 }, /* at most a year */
		{ TOK(",\"expires_in\":1e300"), 31536000 },
		{ TOK(",\"scope\":\"read\",\"refresh_token\":null"), 3600 },
	};
	char tok[64], err[200];
	int64_t exp;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		exp = -1;
		int rc = hs_reddit_parse_token(good[i].in, strlen(good[i].in), tok, sizeof(tok), &exp,
		                               err, sizeof(err));
		ck_assert_msg(rc == 0, "%zu: %s", i, err);
		ck_assert_str_eq(tok, "abc-DEF_1.2~x");
		ck_assert_int_eq(exp, good[i].exp);
	}

	static const struct { const char *in; const char *err; } bad[] = {
		{ "", "token answer is not valid JSON" },
		{ "{\"access_token\":", "token answer is not valid JSON" },
		{ "[\"abc\"]", "expected a JSON object" },
		{ "{\"message\":\"Unauthorized\",\"error\":401}", "server error: 401 Unauthorized" },
		{ "{\"error\":\"unsupported_grant_type\",\"error_description\":\"use client_credentials\"}",
		  "server error: unsupported_grant_type (use client_credentials)" },
		{ TOK(",\"error\":\"invalid_client\""), "server error: invalid_client" },
		{ "{\"token_type\":\"bearer\"}", "missing access_token" },
		{ "{\"access_token\":7,\"token_type\":\"bearer\"}", "missing access_token" },
		{ "{\"access_token\":\"\",\"token_type\":\"bearer\"}", "missing access_token" },
		{ "{\"access_token\":\"a b\",\"token_type\":\"bearer\"}",
		  "access_token has bytes outside visible ASCII" },
		{ "{\"access_token\":\"ab\\u0000\",\"token_type\":\"bearer\"}",
		  "access_token has bytes outside visible ASCII" },
		{ "{\"access_token\":\"caf\\u00e9\",\"token_type\":\"bearer\"}",
		  "access_token has bytes outside visible ASCII" },
		{ "{\"access_token\":\"ab\\r\\nX-Evil: 1\",\"token_type\":\"bearer\"}",
		  "access_token has bytes outside visible ASCII" },
		{ "{\"access_token\":\"0123456789012345678901234567890123456789012345678901234567890123\","
		  "\"token_type\":\"bearer\"}", "access_token too long (64 bytes)" },
		{ "{\"access_token\":\"abc\"}", "token_type is not bearer" },
		{ TOK(",\"token_type\":\"mac\""), "token_type is not bearer" },
		{ TOK(",\"token_type\":\"bearer\\u0000\""), "token_type is not bearer" },
		{ TOK(",\"token_type\":\"bearerx\""), "token_type is not bearer" },
		{ TOK(",\"token_type\":null"), "token_type is not bearer" },
		{ TOK(",\"expires_in\":0"), "bad expires_in" },
		{ TOK(",\"expires_in\":-3600"), "bad expires_in" },
		{ TOK(",\"expires_in\":0.5"), "bad expires_in" },
		{ TOK(",\"expires_in\":-1e300"), "bad expires_in" },
		{ TOK(",\"expires_in\":\"3600\""), "bad expires_in" },
		{ TOK(",\"expires_in\":true"), "bad expires_in" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		exp = -1;
		strcpy(tok, "junk");
		int rc = hs_reddit_parse_token(bad[i].in, strlen(bad[i].in), tok, sizeof(tok), &exp,
		                               err, sizeof(err));
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "%zu: %s", i, err);
		ck_assert_str_eq(tok, "");
		ck_assert_int_eq(exp, 0);
	}
	/* no buffer for the token; no err buffer */
	ck_assert_int_eq(hs_reddit_parse_token(TOK(""), strlen(TOK("")), NULL, 0, NULL, err,
	                                       sizeof(err)), -1);
	ck_assert_str_eq(err, "access_token too long (13 bytes)");
	ck_assert_int_eq(hs_reddit_parse_token("{}", 2, tok, sizeof(tok), NULL, NULL, 0), -1);
#undef TOK
}
END_TEST

static void assert_basic(const char *id, size_t idlen, const char *secret, size_t slen,
                         const char *want)
{
	char *got = hs_reddit_basic_auth((const unsigned char *)id, idlen,
	                                 (const unsigned char *)secret, slen);
	if (!want) {
		ck_assert_msg(got == NULL, "[%.*s] [%.*s]: got %s", (int)idlen, id ? id : "",
		              (int)slen, secret ? secret : "", got);
	} else {
		ck_assert_msg(got != NULL, "[%.*s] [%.*s]: got nothing", (int)idlen, id, (int)slen,
		              secret);
		ck_assert_str_eq(got, want);
	}
	free(got);
}

#define S(lit) lit, sizeof(lit) - 1

START_TEST(test_basic_auth)
{
	assert_basic(S("abc"), S("s3cret"), "Basic YWJjOnMzY3JldA==");
	/* from files: a final newline, CRLF, trailing blanks go */
	assert_basic(S("abc\n"), S("s3cret\r\n"), "Basic YWJjOnMzY3JldA==");
	assert_basic(S("abc \t\n\n"), S("s3cret\f\v "), "Basic YWJjOnMzY3JldA==");
	/* ':' is fine in the secret; '=' and '-' anywhere */
	assert_basic(S("p-Qx7_rivertown"), S("Zm9v:bar=\n"),
	             "Basic cC1ReDdfcml2ZXJ0b3duOlptOXY6YmFyPQ==");
	/* leading and inner blanks and UTF-8 are kept */
	assert_basic(S(" id"), S("\xc3\xa9t\xc3\xa9 x"), "Basic IGlkOsOpdMOpIHg=");
	assert_basic(S("a"), S("b"), "Basic YTpi");
	/* only a length counts, not a NUL after it */
	assert_basic("abcdef", 3, "s3cret!", 6, "Basic YWJjOnMzY3JldA==");

	/* refused */
	assert_basic(S(""), S("s"), NULL);
	assert_basic(S("id"), S(""), NULL);
	assert_basic(S(" \n"), S("s"), NULL);
	assert_basic(S("id"), S("\r\n"), NULL);
	assert_basic(S("a:b"), S("s"), NULL);
	assert_basic(S("a\tb"), S("s"), NULL);
	assert_basic(S("a\nb"), S("s"), NULL);
	assert_basic(S("id"), S("s\x01"), NULL);
	assert_basic(S("id"), S("s\x7f"), NULL);
	assert_basic(S("id"), "s\0t", 3, NULL);
	assert_basic("i\0d", 3, S("s"), NULL);
	assert_basic(NULL, 2, S("s"), NULL);
	assert_basic(S("id"), NULL, 3, NULL);
	assert_basic(NULL, 0, NULL, 0, NULL);

	/* too long */
	char *big = malloc(5000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 5000);
	assert_basic(big, 4097, S("s"), NULL);
	assert_basic(S("id"), big, 4097, NULL);
	char *got = hs_reddit_basic_auth((const unsigned char *)big, 4096,
	                                 (const unsigned char *)big, 4096);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), 6 + 4 * ((4096 + 1 + 4096 + 2) / 3));
	free(got);
	free(big);
}
END_TEST

static Suite *reddit_suite(void)
{
	Suite *s = suite_create("reddit");
	TCase *tc = tcase_create("listing");

	tcase_add_test(tc, test_fullname_cmp);
	tcase_add_test(tc, test_listing);
	tcase_add_test(tc, test_listing_sink_stops);
	tcase_add_test(tc, test_listing_empty_and_errors);
	tcase_add_test(tc, test_listing_bad_posts);
	tcase_add_test(tc, test_listing_odd_posts);
	suite_add_tcase(s, tc);

	tc = tcase_create("oauth");
	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_token_odd);
	tcase_add_test(tc, test_basic_auth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reddit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
