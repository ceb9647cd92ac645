/* hearsay: unit tests for the bluesky collector's Jetstream frame parser
 * (collectors/bluesky/jetstream_parse.c), on the recorded frames in
 * tests/fixtures/jetstream/ (fictional accounts) and inline edge cases.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "scratch.h"
#include <jansson.h>

#include <hearsay/post.h>

#include "collectors/bluesky/jetstream.h"
#include "utf8.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define SEC 1000000LL
/* time_us of create.json: 2026-05-16T09:46:02.329308Z */
#define T 1778924762329308LL
/* "now" for the tests: 2026-05-16T12:00:00Z */
#define NOW (1778932800LL * SEC)

#define ALICE "did:plc:rivertownalice234567abcd"
#define BOB "did:web:bob.harbour.example"
#define RKEY "3l3qo2vutsw2b"

static char *load(const char *name, size_t *len)
{
	return hs_fixture_load("jetstream", name, len);
}

typedef struct {
	int rc;
	hs_js_kind kind;
	hs_post *post;
	char *deleted;
	int64_t time_us;
	char err[200];
} result;

#define NO_TIME (-42)

static void run_buf(const char *buf, size_t len, const hs_js_filter *f, int64_t now,
                    result *r)
{
	memset(r, 0, sizeof(*r));
	r->time_us = NO_TIME;
	r->kind = HS_JS_POST;
	r->post = (hs_post *)1; /* must be overwritten */
	r->deleted = (char *)1;
	r->rc = hs_jetstream_parse_frame(buf, len, "bsky-rivertown", now, f, &r->kind, &r->post,
	                                 &r->deleted, &r->time_us, r->err, sizeof(r->err));
	if (r->rc < 0) {
		ck_assert_msg(r->err[0] != '\0', "failure without a reason");
		ck_assert_int_eq(r->kind, HS_JS_IGNORED);
	}
	if (r->kind != HS_JS_POST && r->kind != HS_JS_EDIT)
		ck_assert_ptr_null(r->post);
	if (r->kind != HS_JS_DELETE)
		ck_assert_ptr_null(r->deleted);
	if (r->post) {
		ck_assert_ptr_nonnull(r->post->text);
		ck_assert(hs_utf8_valid(r->post->text, strlen(r->post->text)));
		ck_assert_str_eq(r->post->source, "bsky-rivertown");
		ck_assert_int_eq(r->post->fetched_us, now);
	}
}

static void run(const char *name, const hs_js_filter *f, result *r)
{
	size_t len;
	char *buf = load(name, &len);
	run_buf(buf, len, f, NOW, r);
	free(buf);
}

static void run_str(const char *s, const hs_js_filter *f, int64_t now, result *r)
{
	run_buf(s, strlen(s), f, now, r);
}

static void done(result *r)
{
	hs_post_free(r->post);
	free(r->deleted);
	r->post = NULL;
	r->deleted = NULL;
}

static void assert_tags(const hs_post *p, size_t n, const char *const *want)
{
	ck_assert_uint_eq(p->n_tags, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(p->tags[i], want[i]);
}

START_TEST(test_create)
{
	result r;
	run("create.json", NULL, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	ck_assert_int_eq(r.time_us, T);
	hs_post *p = r.post;
	ck_assert_str_eq(p->source_id, ALICE "/" RKEY);
	ck_assert_str_eq(p->url, "https://bsky.app/profile/" ALICE "/post/" RKEY);
	ck_assert_str_eq(p->author, ALICE);
	ck_assert_str_eq(p->lang, "en"); /* "en-US" */
	ck_assert_int_eq(p->created_us, 1778924762102000LL);
	ck_assert_str_eq(p->text,
	                 "Bridge closed again \xe2\x80\x94 detour via Mill Lane #Rivertown #traffic");
	ck_assert_uint_eq(p->flags, 0);
	/* #tag facets first, then record.tags; "rivertown" repeats "Rivertown" */
	assert_tags(p, 3, (const char *const[]){ "Rivertown", "traffic", "roadworks" });
	ck_assert_ptr_null(p->title);
	ck_assert_ptr_null(p->feed);
	ck_assert_ptr_null(p->cursor);
	done(&r);
}
END_TEST

START_TEST(test_reply_update_delete)
{
	result r;

	run("reply.json", NULL, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	ck_assert_uint_eq(r.post->flags, HS_POST_REPLY);
	ck_assert_str_eq(r.post->author, BOB);
	ck_assert_str_eq(r.post->source_id, BOB "/3l3qo3abcde2c");
	ck_assert_str_eq(r.post->url, "https://bsky.app/profile/" BOB "/post/3l3qo3abcde2c");
	ck_assert_str_eq(r.post->lang, "fr"); /* "FR-ca" */
	ck_assert_uint_eq(r.post->n_tags, 0);
	ck_assert_int_eq(r.time_us, T + 1000);
	done(&r);

	run("update.json", NULL, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_EDIT);
	ck_assert_str_eq(r.post->source_id, ALICE "/" RKEY);
	ck_assert_str_eq(r.post->text, "Bridge closed again (update: reopens Friday)");
	ck_assert_int_eq(r.time_us, T + 2000);
	done(&r);

	run("delete.json", NULL, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_DELETE);
	ck_assert_str_eq(r.deleted, ALICE "/" RKEY);
	ck_assert_int_eq(r.time_us, T + 3000);
	done(&r);

	/* deleted_id is optional */
	size_t len;
	char *buf = load("delete.json", &len);
	hs_js_kind kind;
	hs_post *p;
	int64_t t = 0;
	ck_assert_int_eq(hs_jetstream_parse_frame(buf, len, "s", NOW, NULL, &kind, &p, NULL, &t,
	                                          NULL, 0), 0);
	ck_assert_int_eq(kind, HS_JS_DELETE);
	ck_assert_int_eq(t, T + 3000);
	free(buf);
}
END_TEST

START_TEST(test_ignored_frames_advance_cursor)
{
	static const struct { const char *name; int64_t t; } ign[] = {
		{ "identity.json", T + 4000 },
		{ "account.json", T + 5000 },
		{ "like.json", T + 6000 },
	};
	for (size_t i = 0; i < 3; i++) {
		result r;
		run(ign[i].name, NULL, &r);
		ck_assert_msg(r.rc == 0, "%s: %s", ign[i].name, r.err);
		ck_assert_int_eq(r.kind, HS_JS_IGNORED);
		ck_assert_int_eq(r.time_us, ign[i].t);
	}
}
END_TEST

START_TEST(test_malformed_fixtures)
{
	static const struct { const char *name; const char *err; int64_t t; } bad[] = {
		{ "no_record.json", "commit has no record", T + 7000 },
		{ "bad_did.json", "missing or invalid did", T + 8000 },
		{ "bad_rkey.json", "missing or invalid rkey", T + 8500 },
		{ "huge_time.json", "time_us 9223372036854775807 is out of range", NO_TIME },
		{ "overflow_time.json", "frame is not valid JSON", NO_TIME },
		{ "truncated.json", "frame is not valid JSON", NO_TIME },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		result r;
		run(bad[i].name, NULL, &r);
		ck_assert_int_eq(r.rc, -1);
		ck_assert_msg(strncmp(r.err, bad[i].err, strlen(bad[i].err)) == 0, "%s: %s",
		              bad[i].name, r.err);
		/* a malformed commit still moves the cursor when its time is good */
		ck_assert_int_eq(r.time_us, bad[i].t);
	}
}
END_TEST

START_TEST(test_no_langs_future_nul)
{
	result r;
	run("no_langs.json", NULL, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	ck_assert_ptr_null(r.post->lang);
	/* createdAt 2099 is not believed: the post is dated when Jetstream saw it */
	ck_assert_int_eq(r.post->created_us, T + 9000);
	ck_assert_str_eq(r.post->text, "future-dated and no langs  with a NUL");
	done(&r);
}
END_TEST

START_TEST(test_filters)
{
	const char *kw_mill[] = { "ferry", "MILL lane" };
	const char *kw_ferry[] = { "ferry", NULL };
	const char *kw_empty[] = { "" };
	const char *kw_dash[] = { "AGAIN \xe2\x80\x94 DETOUR" };
	const char *l_nl[] = { "nl" };
	const char *l_de[] = { "de", "fr" };
	const char *l_engb[] = { "EN-gb" };
	hs_js_filter f;
	result r;

	/* keywords: any of them, ASCII case-insensitive */
	f = (hs_js_filter){ .keywords = kw_mill, .n_keywords = 2 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	done(&r);
	f = (hs_js_filter){ .keywords = kw_ferry, .n_keywords = 2 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);
	ck_assert_int_eq(r.time_us, T); /* the cursor still advances */
	f = (hs_js_filter){ .keywords = kw_empty, .n_keywords = 1 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	done(&r);
	f = (hs_js_filter){ .keywords = kw_dash, .n_keywords = 1 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST); /* non-ASCII bytes match exactly */
	done(&r);

	/* langs: any of the post's langs, by primary subtag */
	f = (hs_js_filter){ .langs = l_nl, .n_langs = 1 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	ck_assert_str_eq(r.post->lang, "en"); /* lang is still the first one */
	done(&r);
	f = (hs_js_filter){ .langs = l_engb, .n_langs = 1 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	done(&r);
	f = (hs_js_filter){ .langs = l_de, .n_langs = 2 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);
	run("reply.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	done(&r);
	run("no_langs.json", &f, &r); /* no langs never passes a langs filter */
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);

	/* both: keyword matches, language does not */
	f = (hs_js_filter){ .keywords = kw_mill, .n_keywords = 2, .langs = l_de, .n_langs = 2 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);
	/* deletes are not filtered; identity frames are ignored anyway */
	run("delete.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_DELETE);
	done(&r);
	/* an empty filter is no filter */
	f = (hs_js_filter){ 0 };
	run("create.json", &f, &r);
	ck_assert_int_eq(r.kind, HS_JS_POST);
	done(&r);
}
END_TEST

START_TEST(test_keyword_folding)
{
	static const char frame[] =
		"{\"did\":\"" ALICE "\",\"time_us\":1778924762329308,\"kind\":\"commit\",\"commit\":"
		"{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3kabc\","
		"\"record\":{\"text\":\"Caf\\u00e9 on the QUAY \\u0000closed\",\"langs\":[\"en\"]}}}";
	const char *kw[1];
	hs_js_filter f = { .keywords = kw, .n_keywords = 1 };
	static const struct { const char *kw; bool pass; } cases[] = {
		{ "caf\xc3\xa9", true },        /* C/c folded, the e-acute bytes equal */
		{ "CAF\xc3\x89", false },       /* E-acute vs e-acute: ASCII folding only */
		{ "quay", true },
		{ "quay closed", false },        /* the NUL is in the text the filter sees */
		{ "on the quay ", true },
		{ "Caf\xc3\xa9 on the QUAY \xc3\xa9", false },
		{ "a much longer keyword than the text of the post", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		result r;
		kw[0] = cases[i].kw;
		run_str(frame, &f, NOW, &r);
		ck_assert_int_eq(r.rc, 0);
		ck_assert_msg((r.kind == HS_JS_POST) == cases[i].pass, "%s", cases[i].kw);
		if (r.post)
			ck_assert_str_eq(r.post->text, "Caf\xc3\xa9 on the QUAY closed");
		done(&r);
	}
}
END_TEST

START_TEST(test_malformed_inline)
{
#define HEAD "{\"did\":\"" ALICE "\",\"time_us\":1778924762329308,\"kind\":\"commit\","
#define COMMIT(x) HEAD "\"commit\":{" x "}}"
	static const struct { const char *in; const char *err; bool has_time; } bad[] = {
		{ "[]", "frame is not a JSON object", false },
		{ "\"x\"", "frame is not valid JSON", false }, /* jansson wants [ or { */
		{ "{\"did\":\"" ALICE "\"}", "frame has no kind", false },
		{ "{\"time_us\":\"1778924762329308\",\"kind\":\"commit\"}", "time_us is not an integer",
		  false },
		{ "{\"time_us\":1.5e15,\"kind\":\"commit\"}", "time_us is not an integer", false },
		{ "{\"time_us\":0,\"kind\":\"identity\"}", "time_us 0 is out of range", false },
		{ "{\"time_us\":-5,\"kind\":\"identity\"}", "time_us -5 is out of range", false },
		{ "{\"time_us\":253402300800000000,\"kind\":\"identity\"}", "time_us", false },
		/* two days after "now" */
		{ "{\"time_us\":1779105600000000,\"kind\":\"identity\"}", "time_us", false },
		{ HEAD "\"commit\":7}", "commit frame without a commit object", true },
		{ HEAD "\"commit\":{\"operation\":\"create\"}}", "commit has no collection", true },
		{ COMMIT("\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3k\",\"record\":{\"text\":\"x\"}"),
		  "commit has no operation", true },
		{ COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\","
		         "\"record\":{\"text\":\"x\"}"), "missing or invalid rkey", true },
		{ COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\",\"rkey\":\"..\","
		         "\"record\":{\"text\":\"x\"}"), "missing or invalid rkey", true },
		{ COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\",\"rkey\":\"3k\","
		         "\"record\":[]"), "commit has no record", true },
		{ COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"update\",\"rkey\":\"3k\","
		         "\"record\":{\"text\":null}"), "post record has no text", true },
		{ "{\"did\":\"did:plc:\",\"time_us\":1778924762329308,\"kind\":\"commit\",\"commit\":"
		  "{\"collection\":\"app.bsky.feed.post\",\"operation\":\"delete\",\"rkey\":\"3k\"}}",
		  "missing or invalid did", true },
		{ "{\"did\":\"did:PLC:abc\",\"time_us\":1778924762329308,\"kind\":\"commit\",\"commit\":"
		  "{\"collection\":\"app.bsky.feed.post\",\"operation\":\"delete\",\"rkey\":\"3k\"}}",
		  "missing or invalid did", true },
		{ "{\"did\":\"did:plc:abc%\",\"time_us\":1778924762329308,\"kind\":\"commit\",\"commit\":"
		  "{\"collection\":\"app.bsky.feed.post\",\"operation\":\"delete\",\"rkey\":\"3k\"}}",
		  "missing or invalid did", true },
		{ "{\"did\":\"did:plc:abc\\u0000\",\"time_us\":1778924762329308,\"kind\":\"commit\","
		  "\"commit\":{\"collection\":\"app.bsky.feed.post\",\"operation\":\"delete\",\"rkey\":\"3k\"}}",
		  "missing or invalid did", true },
		{ "{\"kind\":\"commit\",\"commit\":{\"collection\":\"app.bsky.feed.post\","
		  "\"operation\":\"delete\",\"rkey\":\"3k\"}}", "missing or invalid did", false },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		result r;
		run_str(bad[i].in, NULL, NOW, &r);
		ck_assert_msg(r.rc == -1, "%zu: accepted", i);
		ck_assert_msg(strncmp(r.err, bad[i].err, strlen(bad[i].err)) == 0, "%zu: %s", i, r.err);
		ck_assert_int_eq(r.time_us, bad[i].has_time ? T : NO_TIME);
	}
}
END_TEST

START_TEST(test_edge_frames)
{
	result r;

	/* unknown kinds and operations are ignored, whatever else is there */
	run_str("{\"kind\":\"sync\"}", NULL, NOW, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);
	ck_assert_int_eq(r.time_us, NO_TIME);
	run_str(COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"resync\",\"rkey\":\"3k\""),
	        NULL, NOW, &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);
	ck_assert_int_eq(r.time_us, T);
	run_str(COMMIT("\"collection\":\"app.bsky.feed.postgate\",\"operation\":\"create\","
	               "\"rkey\":\"3k\",\"record\":{}"), NULL, NOW, &r);
	ck_assert_int_eq(r.kind, HS_JS_IGNORED);

	/* no time_us: nothing to advance; created falls back to now */
	run_str("{\"did\":\"did:web:a.example\",\"kind\":\"commit\",\"commit\":{\"collection\":"
	        "\"app.bsky.feed.post\",\"operation\":\"create\",\"rkey\":\"self\",\"record\":"
	        "{\"text\":\"\",\"createdAt\":\"not a date\",\"reply\":null,\"langs\":[7,\"x\",\"es-419\"],"
	        "\"facets\":[7,{\"features\":{}},{\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\","
	        "\"tag\":\"#Fiesta\"},{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":3},"
	        "{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":\"\"}]}],"
	        "\"tags\":[\"fiesta\",\"plaza\",null]}}}", NULL, NOW, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_int_eq(r.time_us, NO_TIME);
	ck_assert_int_eq(r.post->created_us, NOW);
	ck_assert_str_eq(r.post->text, "");
	ck_assert_str_eq(r.post->lang, "es");
	ck_assert_uint_eq(r.post->flags, 0); /* "reply": null is no reply */
	assert_tags(r.post, 2, (const char *const[]){ "Fiesta", "plaza" });
	done(&r);

	/* now_us = 0 (unknown): no future check, createdAt kept up to time_us */
	run_str("{\"did\":\"" ALICE "\",\"time_us\":253402300799999999,\"kind\":\"commit\","
	        "\"commit\":{\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\","
	        "\"rkey\":\"3k\",\"record\":{\"text\":\"t\",\"createdAt\":\"9999-12-31T23:59:59Z\"}}}",
	        NULL, 0, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_int_eq(r.time_us, 253402300799999999LL);
	ck_assert_int_eq(r.post->created_us, 253402300799000000LL);
	done(&r);

	/* an old createdAt (imported archive) is kept */
	run_str(COMMIT("\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\",\"rkey\":\"3k\","
	               "\"record\":{\"text\":\"t\",\"createdAt\":\"2010-01-01T00:00:00+01:00\"}"),
	        NULL, NOW, &r);
	ck_assert_int_eq(r.post->created_us, 1262300400LL * SEC);
	done(&r);

	/* many tags: capped */
	char big[8192];
	size_t o = (size_t)snprintf(big, sizeof(big), HEAD "\"commit\":{\"collection\":"
	                            "\"app.bsky.feed.post\",\"operation\":\"create\",\"rkey\":\"3k\","
	                            "\"record\":{\"text\":\"t\",\"tags\":[");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%s\"t%d\"", i ? "," : "", i);
	snprintf(big + o, sizeof(big) - o, "]}}}");
	run_str(big, NULL, NOW, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_uint_eq(r.post->n_tags, 64);
	ck_assert_str_eq(r.post->tags[63], "t63");
	done(&r);

	/* reentrant: the same frame parsed in a loop gives the same post */
	for (int i = 0; i < 3; i++) {
		run("create.json", NULL, &r);
		ck_assert_str_eq(r.post->source_id, ALICE "/" RKEY);
		done(&r);
	}
}
END_TEST

/* The parser's own scanner accepts exactly what json_loadb(JSON_ALLOW_NUL)
 * accepts (tests/fuzz/fuzz_jetstream.c checks that at large). */
static bool jansson_accepts(const char *s, size_t n)
{
	json_t *o = json_loadb(s, n, JSON_ALLOW_NUL, NULL);
	json_decref(o);
	return o != NULL;
}

START_TEST(test_json_strictness)
{
	static const char *const valid[] = {
		"\n{ \"kind\" :\t\"identity\" , \"time_us\" : 5 }\r\n",
		"{\"kind\":\"x\",\"a\":[1,-0,0.5,1e-400,-12.5E+3,true,false,null,{},[],\"\\u00e9\\ud83c\\udf27\"]}",
		"{\"kind\":\"x\",\"i\":-9223372036854775808,\"j\":9223372036854775807}",
		"{\"kind\":\"x\",\"\":\"empty key\",\"s\":\"\\u0000 NUL in a value is fine\"}",
		"[]",
	};
	static const char *const invalid[] = {
		"", " ", "{", "}", "{\"kind\":\"x\",}", "{'kind':'x'}", "{\"kind\":\"x\"} x",
		"{\"kind\":\"a\tb\"}",                 /* raw control character */
		"{\"kind\":\"\\ud800\"}",             /* lone surrogate */
		"{\"kind\":\"\\udc00\\ud800\"}",    /* pair in the wrong order */
		"{\"kind\":\"\\x41\"}",               /* unknown escape */
		"{\"kind\":\"\xc0\xaf\"}",            /* overlong UTF-8 */
		"{\"kind\":\"\xed\xa0\x80\"}",       /* UTF-8 surrogate */
		"{\"kind\":\"\xf4\x90\x80\x80\"}",  /* above U+10FFFF */
		"{\"kind\":\"x\",\"n\":01}", "{\"kind\":\"x\",\"n\":1.}", "{\"kind\":\"x\",\"n\":-}",
		"{\"kind\":\"x\",\"n\":.5}", "{\"kind\":\"x\",\"n\":1e}", "{\"kind\":\"x\",\"n\":+1}",
		"{\"kind\":\"x\",\"n\":9223372036854775808}",  /* too big integer */
		"{\"kind\":\"x\",\"n\":-9223372036854775809}",
		"{\"kind\":\"x\",\"n\":1e400}",                /* real overflow */
		"{\"kind\":\"x\",\"b\":tru}", "{\"kind\":\"x\",\"b\":nulls}", "{\"kind\":\"x\",\"b\":True}",
		"{\"k\\u0000\":1,\"kind\":\"x\"}",           /* NUL in a key */
		"\"kind\"", "5", "{\"kind\" \"x\"}", "{\"kind\":\"x\" \"a\":1}", "[1,]", "[1 2]",
		"\xef\xbb\xbf{\"kind\":\"x\"}",              /* BOM */
	};
	result r;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		ck_assert_msg(jansson_accepts(valid[i], strlen(valid[i])), "jansson: %s", valid[i]);
		run_str(valid[i], NULL, NOW, &r);
		ck_assert_msg(r.rc == 0 || strcmp(r.err, "frame is not a JSON object") == 0, "%zu: %s",
		              i, r.err);
	}
	ck_assert_int_eq(r.rc, -1); /* "[]" */
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		ck_assert_msg(!jansson_accepts(invalid[i], strlen(invalid[i])), "jansson: %s", invalid[i]);
		run_str(invalid[i], NULL, NOW, &r);
		ck_assert_msg(r.rc == -1 && strncmp(r.err, "frame is not valid JSON", 23) == 0,
		              "%zu accepted: %s", i, invalid[i]);
	}
	/* a raw NUL byte is refused (jansson skips one after a number) */
	static const char nul[] = "{\"kind\":\"x\",\"n\":1\0}";
	ck_assert(jansson_accepts(nul, sizeof(nul) - 1));
	run_buf(nul, sizeof(nul) - 1, NULL, NOW, &r);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.err, "frame is not valid JSON (near byte 17)");

	/* duplicate keys: the last one wins, for whole objects too */
	run_str("{\"kind\":\"identity\",\"time_us\":1,\"did\":\"did:web:a.example\","
	        "\"commit\":{\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\","
	        "\"rkey\":\"first\",\"record\":{\"text\":\"one\"}},\"kind\":\"commit\","
	        "\"commit\":{\"collection\":\"app.bsky.feed.post\",\"operation\":\"create\","
	        "\"rkey\":\"second\",\"record\":{\"text\":\"two\",\"langs\":[\"de\"]},"
	        "\"record\":{\"t\\u0065xt\":\"three\"}},\"time_us\":1778924762329308}", NULL, NOW, &r);
	ck_assert_msg(r.rc == 0, "%s", r.err);
	ck_assert_int_eq(r.time_us, T);
	ck_assert_str_eq(r.post->source_id, "did:web:a.example/second");
	ck_assert_str_eq(r.post->text, "three"); /* an escaped key is the same key */
	ck_assert_ptr_null(r.post->lang);        /* langs belonged to the replaced record */
	done(&r);

	/* nesting: jansson's limit (every value counts, the frame is depth 1) */
	for (int extra = -1; extra <= 1; extra++) {
		int depth = JSON_PARSER_MAX_DEPTH + extra - 1; /* arrays inside the frame */
		size_t n = (size_t)depth * 2 + 32;
		char *b = malloc(n);
		size_t o = (size_t)snprintf(b, n, "{\"kind\":\"x\",\"a\":");
		memset(b + o, '[', (size_t)depth);
		o += (size_t)depth;
		memset(b + o, ']', (size_t)depth);
		o += (size_t)depth;
		b[o++] = '}';
		bool ok = jansson_accepts(b, o);
		ck_assert_int_eq(ok, extra <= 0);
		run_buf(b, o, NULL, NOW, &r);
		ck_assert_int_eq(r.rc == 0, ok);
		free(b);
	}
}
END_TEST

static Suite *jetstream_suite(void)
{
	Suite *s = suite_create("jetstream");
	TCase *tc = tcase_create("frames");

	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_reply_update_delete);
	tcase_add_test(tc, test_ignored_frames_advance_cursor);
	tcase_add_test(tc, test_malformed_fixtures);
	tcase_add_test(tc, test_no_langs_future_nul);
	tcase_add_test(tc, test_malformed_inline);
	tcase_add_test(tc, test_edge_frames);
	tcase_add_test(tc, test_json_strictness);
	suite_add_tcase(s, tc);

	tc = tcase_create("filters");
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_keyword_folding);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jetstream_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
