/* hearsay: unit tests for the JSON forms of posts, hit events and alerts
 * (daemon/postjson.c, daemon/alert.c) and for the replay collector's line
 * parser (collectors/replay/replay.c).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include <hearsay/post.h>
#include <hearsay/rules.h>

#include "alert.h"
#include "collectors/replay/replay.h"
#include "postjson.h"
#include "record.h"
#include "timeutil.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* 2026-05-16T09:12:00Z */
#define T0 (1778922720LL * 1000000)

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	ck_assert_ptr_nonnull(d);
	return d;
}

static hs_post *full_post(void)
{
	hs_post *p = hs_post_new();
	ck_assert_ptr_nonnull(p);
	p->source = xstrdup("rivertown-courier");
	p->source_id = xstrdup("c-1042");
	p->url = xstrdup("https://courier.example/1042");
	p->author = xstrdup("0ca710a25bb98032ac9c906427af7451");
	p->lang = xstrdup("en");
	p->created_us = T0 + 123456;
	p->fetched_us = T0 + 60 * 1000000LL + 7;
	p->title = xstrdup("Road closed \"again\"");
	p->text = xstrdup("They are planning a march on Saturday \xe2\x80\x94 caf\xc3\xa9 closed");
	ck_assert_int_eq(hs_post_add_tag(p, "traffic"), 0);
	ck_assert_int_eq(hs_post_add_tag(p, "town-hall"), 0);
	p->flags = HS_POST_REPLY | HS_POST_BOOST;
	p->feed = xstrdup("courier-feed");
	p->id = 42;
	return p;
}

static void assert_str_or_null(const char *a, const char *b)
{
	if (!a || !b)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

static void assert_posts_equal(const hs_post *a, const hs_post *b)
{
	assert_str_or_null(a->source, b->source);
	assert_str_or_null(a->source_id, b->source_id);
	assert_str_or_null(a->url, b->url);
	assert_str_or_null(a->author, b->author);
	assert_str_or_null(a->lang, b->lang);
	assert_str_or_null(a->title, b->title);
	assert_str_or_null(a->text, b->text);
	assert_str_or_null(a->feed, b->feed);
	ck_assert_int_eq(a->created_us, b->created_us);
	ck_assert_int_eq(a->fetched_us, b->fetched_us);
	ck_assert_uint_eq(a->n_tags, b->n_tags);
	for (size_t i = 0; i < a->n_tags; i++)
		ck_assert_str_eq(a->tags[i], b->tags[i]);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->id, b->id);
}

/* Serialise to text and parse again, as the store does. */
static hs_post *via_text(const hs_post *p, char **text_out)
{
	json_t *o = hs_post_to_json(p);
	ck_assert_ptr_nonnull(o);
	size_t len = 0;
	char *s = hs_json_dump(o, &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, strlen(s));
	json_decref(o);
	json_error_t err;
	json_t *back = json_loads(s, 0, &err);
	ck_assert_msg(back != NULL, "%s: %s", s, err.text);
	hs_post *q = hs_post_from_json(back);
	json_decref(back);
	if (text_out)
		*text_out = s;
	else
		free(s);
	return q;
}

/* ---- posts ------------------------------------------------------------------------------ */

START_TEST(test_post_json_fields)
{
	hs_post *p = full_post();
	json_t *o = hs_post_to_json(p);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "id")), 42);
	ck_assert_str_eq(json_string_value(json_object_get(o, "source")), "rivertown-courier");
	ck_assert_str_eq(json_string_value(json_object_get(o, "source_id")), "c-1042");
	ck_assert_str_eq(json_string_value(json_object_get(o, "url")), "https://courier.example/1042");
	ck_assert_str_eq(json_string_value(json_object_get(o, "lang")), "en");
	ck_assert_str_eq(json_string_value(json_object_get(o, "created")),
	                 "2026-05-16T09:12:00.123456Z");
	ck_assert_str_eq(json_string_value(json_object_get(o, "fetched")),
	                 "2026-05-16T09:13:00.000007Z");
	ck_assert_str_eq(json_string_value(json_object_get(o, "title")), "Road closed \"again\"");
	ck_assert_str_eq(json_string_value(json_object_get(o, "text")), p->text);
	json_t *tags = json_object_get(o, "tags");
	ck_assert(json_is_array(tags));
	ck_assert_uint_eq(json_array_size(tags), 2);
	ck_assert_str_eq(json_string_value(json_array_get(tags, 1)), "town-hall");
	ck_assert(json_is_true(json_object_get(o, "reply")));
	ck_assert(json_is_true(json_object_get(o, "boost")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "feed")), "courier-feed");
	/* host-only fields are not part of the JSON */
	ck_assert_ptr_null(json_object_get(o, "cursor"));
	ck_assert_ptr_null(json_object_get(o, "feed_seq"));
	json_decref(o);

	/* NULLs become JSON null; no tags is an empty array; flags false */
	free(p->title);
	p->title = NULL;
	free(p->url);
	p->url = NULL;
	free(p->feed);
	p->feed = NULL;
	p->flags = HS_POST_BOOST;
	o = hs_post_to_json(p);
	ck_assert(json_is_null(json_object_get(o, "title")));
	ck_assert(json_is_null(json_object_get(o, "url")));
	ck_assert_ptr_null(json_object_get(o, "feed"));
	ck_assert(json_is_false(json_object_get(o, "reply")));
	ck_assert(json_is_true(json_object_get(o, "boost")));
	json_decref(o);
	hs_post_free(p);
}
END_TEST

START_TEST(test_post_round_trip)
{
	hs_post *p = full_post();
	char *text = NULL;
	hs_post *q = via_text(p, &text);

	ck_assert_msg(q != NULL, "round trip failed for %s", text);
	assert_posts_equal(p, q);
	hs_post_free(q);
	free(text);

	/* NULL title, url, author, lang, feed; no tags; no flags; id 0 */
	free(p->title);
	free(p->url);
	free(p->author);
	free(p->lang);
	free(p->feed);
	p->title = p->url = p->author = p->lang = p->feed = NULL;
	for (size_t i = 0; i < p->n_tags; i++)
		free(p->tags[i]);
	free(p->tags);
	p->tags = NULL;
	p->n_tags = 0;
	p->flags = 0;
	p->id = 0;
	p->created_us = -1; /* before the epoch */
	q = via_text(p, NULL);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_null(q->title);
	ck_assert_ptr_null(q->tags);
	assert_posts_equal(p, q);
	hs_post_free(q);

	/* only the reply flag */
	p->flags = HS_POST_REPLY;
	q = via_text(p, NULL);
	ck_assert_uint_eq(q->flags, HS_POST_REPLY);
	hs_post_free(q);
	hs_post_free(p);
}
END_TEST

START_TEST(test_post_from_json_refused)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"source_id\":\"x\",\"text\":\"t\",\"created\":\"2026-05-16T09:12:00Z\"}",
		"{\"source\":\"s\",\"text\":\"t\",\"created\":\"2026-05-16T09:12:00Z\"}",
		"{\"source\":\"s\",\"source_id\":\"x\",\"created\":\"2026-05-16T09:12:00Z\"}",
		"{\"source\":\"s\",\"source_id\":\"x\",\"text\":\"t\"}",
		"{\"source\":\"s\",\"source_id\":\"x\",\"text\":\"t\",\"created\":\"soon\"}",
		"{\"source\":\"s\",\"source_id\":\"x\",\"text\":null,\"created\":\"2026-05-16T09:12:00Z\"}",
		"{\"source\":\"s\",\"source_id\":\"x\",\"text\":\"t\",\"created\":\"2026-05-16T09:12:00Z\","
		"\"title\":5}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = json_loads(bad[i], 0, NULL);
		ck_assert_ptr_nonnull(o);
		hs_post *p = hs_post_from_json(o);
		ck_assert_msg(p == NULL, "accepted: %s", bad[i]);
		json_decref(o);
	}
	ck_assert_ptr_null(hs_post_from_json(NULL));

	/* the minimum */
	json_t *o = json_loads("{\"source\":\"s\",\"source_id\":\"x\",\"text\":\"\","
	                       "\"created\":\"2026-05-16T09:12:00Z\"}", 0, NULL);
	hs_post *p = hs_post_from_json(o);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->text, "");
	ck_assert_int_eq(p->created_us, T0);
	ck_assert_int_eq(p->fetched_us, 0);
	ck_assert_uint_eq(p->id, 0);
	hs_post_free(p);
	json_decref(o);
}
END_TEST

/* ---- hit events --------------------------------------------------------------------------- */

static hs_hit mkhit(hs_field f, size_t s, size_t e)
{
	hs_hit h;
	memset(&h, 0, sizeof(h));
	h.rule_id = (char *)"rumour-planning";
	h.rule_title = (char *)"They are planning something";
	h.category = HS_CAT_RUMOUR;
	h.severity = HS_SEV_HIGH;
	h.field = f;
	h.start = s;
	h.end = e;
	return h;
}

START_TEST(test_hit_event)
{
	hs_post *p = full_post();
	json_t *po = hs_post_to_json(p);
	hs_hit h = mkhit(HS_FIELD_TEXT, 9, 17);
	json_t *ev = hs_hit_event(p, po, &h, 77, T0 + 5);

	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "type")), "hit");
	ck_assert_int_eq(json_integer_value(json_object_get(ev, "seq")), 77);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "time")),
	                 "2026-05-16T09:12:00.000005Z");
	json_t *rule = json_object_get(ev, "rule");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "id")), "rumour-planning");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "title")),
	                 "They are planning something");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "category")), "rumour");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "severity")), "high");
	ck_assert_str_eq(json_string_value(json_object_get(ev, "field")), "text");
	json_t *span = json_object_get(ev, "span");
	ck_assert_uint_eq(json_array_size(span), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(span, 0)), 9);
	ck_assert_int_eq(json_integer_value(json_array_get(span, 1)), 17);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "planning");
	/* post_obj is borrowed and shared */
	ck_assert_ptr_eq(json_object_get(ev, "post"), po);
	ck_assert_int_eq(po->refcount, 2);
	json_decref(ev);
	ck_assert_int_eq(po->refcount, 1);

	/* a span over multi-byte characters */
	const char *t = p->text;
	size_t s = (size_t)(strstr(t, "\xe2\x80\x94") - t);
	h = mkhit(HS_FIELD_TEXT, s, s + 3 + 1 + 5);
	ev = hs_hit_event(p, po, &h, 78, T0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "\xe2\x80\x94 caf\xc3\xa9");
	json_decref(ev);

	/* the title */
	h = mkhit(HS_FIELD_TITLE, 5, 11);
	h.category = HS_CAT_THREAT;
	h.severity = HS_SEV_CRITICAL;
	ev = hs_hit_event(p, po, &h, 1, T0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "field")), "title");
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "closed");
	rule = json_object_get(ev, "rule");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "category")), "threat");
	ck_assert_str_eq(json_string_value(json_object_get(rule, "severity")), "critical");
	json_decref(ev);

	/* spans out of range are clamped, never read past the text */
	size_t tl = strlen(t);
	h = mkhit(HS_FIELD_TEXT, tl - 3, tl + 50);
	ev = hs_hit_event(p, po, &h, 2, T0);
	span = json_object_get(ev, "span");
	ck_assert_int_eq(json_integer_value(json_array_get(span, 0)), (json_int_t)(tl - 3));
	ck_assert_int_eq(json_integer_value(json_array_get(span, 1)), (json_int_t)(tl - 3));
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "");
	json_decref(ev);
	h = mkhit(HS_FIELD_TEXT, 1000, 2000);
	ev = hs_hit_event(p, po, &h, 3, T0);
	span = json_object_get(ev, "span");
	ck_assert_int_eq(json_integer_value(json_array_get(span, 0)), (json_int_t)tl);
	ck_assert_int_eq(json_integer_value(json_array_get(span, 1)), (json_int_t)tl);
	json_decref(ev);
	h = mkhit(HS_FIELD_TEXT, 10, 5); /* end before start */
	ev = hs_hit_event(p, po, &h, 4, T0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "");
	json_decref(ev);

	/* a title hit on a post without a title */
	free(p->title);
	p->title = NULL;
	h = mkhit(HS_FIELD_TITLE, 0, 4);
	ev = hs_hit_event(p, po, &h, 5, T0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "match")), "");
	span = json_object_get(ev, "span");
	ck_assert_int_eq(json_integer_value(json_array_get(span, 1)), 0);
	json_decref(ev);

	/* the compact dump starts with the type */
	h = mkhit(HS_FIELD_TEXT, 0, 4);
	ev = hs_hit_event(p, po, &h, 6, T0);
	char *dump = hs_json_dump(ev, NULL);
	ck_assert_ptr_nonnull(dump);
	ck_assert_ptr_nonnull(strstr(dump, "\"match\":\"They\""));
	ck_assert_ptr_null(strchr(dump, '\n'));
	free(dump);
	json_decref(ev);
	json_decref(po);
	hs_post_free(p);
}
END_TEST

START_TEST(test_record_free)
{
	hs_record *r = calloc(1, sizeof(*r));
	r->post = full_post();
	r->n_hits = 2;
	r->hits = calloc(2, sizeof(hs_hit));
	r->hits[0].rule_id = xstrdup("a");
	r->hits[0].rule_title = xstrdup("A");
	r->hits[1].rule_id = xstrdup("b");
	r->hits[1].rule_title = xstrdup("B");
	r->reject = xstrdup("why");
	hs_record_free(r); /* leak checkers verify this */
	hs_record_free(NULL);
}
END_TEST

/* ---- replay lines -------------------------------------------------------------------------- */

static hs_post *parse(const char *line, char *why, size_t why_len)
{
	return hs_replay_parse_line(line, strlen(line), "default-src", why, why_len);
}

START_TEST(test_replay_good_line)
{
	static const char line[] =
		"{\"id\":\"p1\",\"text\":\"hello \\u00e9\",\"created\":\"2026-05-16T11:12:00+02:00\","
		"\"source\":\"courier\",\"url\":\"https://x.example/1\",\"author\":\"@ann\","
		"\"lang\":\"nl\",\"title\":\"T\",\"tags\":[\"a\",\"b\"],\"reply\":true,\"boost\":false,"
		"\"extra\":{\"ignored\":1}}";
	char why[200] = "";
	hs_post *p = parse(line, why, sizeof(why));

	ck_assert_msg(p != NULL, "refused: %s", why);
	ck_assert_str_eq(p->source_id, "p1");
	ck_assert_str_eq(p->text, "hello \xc3\xa9");
	ck_assert_int_eq(p->created_us, T0);
	ck_assert_str_eq(p->source, "courier");
	ck_assert_str_eq(p->url, "https://x.example/1");
	ck_assert_str_eq(p->author, "@ann");
	ck_assert_str_eq(p->lang, "nl");
	ck_assert_str_eq(p->title, "T");
	ck_assert_uint_eq(p->n_tags, 2);
	ck_assert_str_eq(p->tags[0], "a");
	ck_assert_str_eq(p->tags[1], "b");
	ck_assert_uint_eq(p->flags, HS_POST_REPLY);
	ck_assert_ptr_null(p->feed);
	ck_assert_ptr_null(p->cursor);
	ck_assert_uint_eq(p->id, 0);
	hs_post_free(p);

	/* minimal line: default source; optional members absent or null */
	p = parse("{\"id\":\"x\",\"text\":\"\",\"created\":\"2026-05-16T09:12:00Z\",\"url\":null,"
	          "\"tags\":null,\"boost\":true,\"source\":null}", why, sizeof(why));
	ck_assert_msg(p != NULL, "refused: %s", why);
	ck_assert_str_eq(p->source, "default-src");
	ck_assert_ptr_null(p->url);
	ck_assert_ptr_null(p->title);
	ck_assert_ptr_null(p->author);
	ck_assert_uint_eq(p->n_tags, 0);
	ck_assert_uint_eq(p->flags, HS_POST_BOOST);
	hs_post_free(p);

	/* only len bytes are read */
	static const char buf[] = "{\"id\":\"y\",\"text\":\"t\",\"created\":\"2026-05-16T09:12:00Z\"}GARBAGE";
	p = hs_replay_parse_line(buf, sizeof(buf) - 1 - 7, "d", why, sizeof(why));
	ck_assert_msg(p != NULL, "refused: %s", why);
	ck_assert_str_eq(p->source_id, "y");
	ck_assert_str_eq(p->source, "d");
	hs_post_free(p);
}
END_TEST

START_TEST(test_replay_bad_lines)
{
#define CREATED "\"created\":\"2026-05-16T09:12:00Z\""
	static const struct { const char *line; const char *why; } bad[] = {
		{ "{not json", NULL /* prefix checked below */ },
		{ "[1,2]", "not a JSON object" },
		{ "{\"text\":\"t\"," CREATED "}", "missing or empty string 'id'" },
		{ "{\"id\":\"\",\"text\":\"t\"," CREATED "}", "missing or empty string 'id'" },
		{ "{\"id\":5,\"text\":\"t\"," CREATED "}", "missing or empty string 'id'" },
		{ "{\"id\":\"a\"," CREATED "}", "missing string 'text'" },
		{ "{\"id\":\"a\",\"text\":[\"t\"]," CREATED "}", "missing string 'text'" },
		{ "{\"id\":\"a\",\"text\":\"t\"}", "missing string 'created'" },
		{ "{\"id\":\"a\",\"text\":\"t\",\"created\":1778922720}", "missing string 'created'" },
		{ "{\"id\":\"a\",\"text\":\"t\",\"created\":\"2026-02-30T00:00:00Z\"}",
		  "'created' is not an RFC 3339 time: \"2026-02-30T00:00:00Z\"" },
		{ "{\"id\":\"a\",\"text\":\"t\",\"created\":\"yesterday\"}",
		  "'created' is not an RFC 3339 time: \"yesterday\"" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"tags\":\"x\"}",
		  "'tags' must be an array of strings" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"tags\":[\"x\",1]}",
		  "'tags' must be an array of strings" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"reply\":\"yes\"}",
		  "'reply' must be true or false" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"boost\":1}",
		  "'boost' must be true or false" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"url\":5}", "'url' must be a string" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"source\":{}}", "'source' must be a string" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"title\":true}", "'title' must be a string" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"lang\":[]}", "'lang' must be a string" },
		{ "{\"id\":\"a\",\"text\":\"t\"," CREATED ",\"author\":7}", "'author' must be a string" },
	};
#undef CREATED
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char why[200] = "";
		hs_post *p = parse(bad[i].line, why, sizeof(why));
		ck_assert_msg(p == NULL, "accepted: %s", bad[i].line);
		if (bad[i].why)
			ck_assert_msg(strcmp(why, bad[i].why) == 0, "%s: why '%s', want '%s'",
			              bad[i].line, why, bad[i].why);
	}

	char why[200] = "";
	ck_assert_ptr_null(parse("{not json", why, sizeof(why)));
	ck_assert_msg(strncmp(why, "invalid JSON at column ", 23) == 0, "%s", why);
	ck_assert_ptr_null(parse("\"just a string\"", why, sizeof(why)));
	ck_assert_msg(strncmp(why, "invalid JSON at column ", 23) == 0, "%s", why);
	ck_assert_ptr_null(parse("", why, sizeof(why)));
	ck_assert_msg(strncmp(why, "invalid JSON", 12) == 0, "%s", why);
	/* two objects on one line */
	ck_assert_ptr_null(parse("{\"id\":\"a\"}{\"id\":\"b\"}", why, sizeof(why)));
	ck_assert_msg(strncmp(why, "invalid JSON", 12) == 0, "%s", why);

	/* duplicate keys are refused, with the reason */
	ck_assert_ptr_null(parse("{\"id\":\"a\",\"text\":\"t\",\"id\":\"b\","
	                         "\"created\":\"2026-05-16T09:12:00Z\"}", why, sizeof(why)));
	ck_assert_msg(strncmp(why, "invalid JSON at column ", 23) == 0, "%s", why);
	ck_assert_msg(strstr(why, "duplicate") != NULL, "%s", why);

	/* a short buffer truncates the reason, still NUL-terminated */
	char small[8];
	memset(small, 'Z', sizeof(small));
	ck_assert_ptr_null(parse("[1]", small, sizeof(small)));
	ck_assert_str_eq(small, "not a J");
}
END_TEST

/* ---- alerts --------------------------------------------------------------------------------- */

static json_t *sample_event(hs_post *p, json_t **po)
{
	hs_hit h = mkhit(HS_FIELD_TEXT, 9, 17);
	*po = hs_post_to_json(p);
	json_t *ev = hs_hit_event(p, *po, &h, 314, T0);
	ck_assert_ptr_nonnull(ev);
	return ev;
}

START_TEST(test_alert_new_body)
{
	hs_post *p = full_post();
	json_t *po;
	json_t *ev = sample_event(p, &po);
	hs_alert *a = hs_alert_new(7, "crisis-webhook", ev, T0 + 1);

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->id, 7);
	ck_assert_str_eq(a->route, "crisis-webhook");
	ck_assert_int_eq(a->state, HS_ALERT_PENDING);
	ck_assert_int_eq(a->attempts, 0);
	ck_assert_int_eq(a->created_us, T0 + 1);
	ck_assert_int_eq(a->updated_us, T0 + 1);
	ck_assert_ptr_null(a->last_error);
	ck_assert_uint_eq(a->body_len, strlen(a->body));

	json_t *b = json_loadb(a->body, a->body_len, 0, NULL);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(json_string_value(json_object_get(b, "alert_id")), "crisis-webhook-7");
	ck_assert_str_eq(json_string_value(json_object_get(b, "route")), "crisis-webhook");
	ck_assert_int_eq(json_integer_value(json_object_get(b, "seq")), 314);
	ck_assert_str_eq(json_string_value(json_object_get(b, "created")),
	                 "2026-05-16T09:12:00.000001Z");
	ck_assert_str_eq(json_string_value(json_object_get(b, "match")), "planning");
	ck_assert_str_eq(json_string_value(json_object_get(b, "field")), "text");
	ck_assert(json_equal(json_object_get(b, "rule"), json_object_get(ev, "rule")));
	ck_assert(json_equal(json_object_get(b, "span"), json_object_get(ev, "span")));
	ck_assert(json_equal(json_object_get(b, "post"), po));
	ck_assert_ptr_null(json_object_get(b, "type"));
	json_decref(b);

	ck_assert_str_eq(hs_alert_state_name(HS_ALERT_PENDING), "pending");
	ck_assert_str_eq(hs_alert_state_name(HS_ALERT_SENT), "sent");
	ck_assert_str_eq(hs_alert_state_name(HS_ALERT_FAILED), "failed");
	hs_alert_free(a);
	hs_alert_free(NULL);
	json_decref(ev);
	json_decref(po);
	hs_post_free(p);
}
END_TEST

static void assert_alerts_equal(const hs_alert *a, const hs_alert *b)
{
	ck_assert_uint_eq(a->id, b->id);
	ck_assert_str_eq(a->route, b->route);
	ck_assert_uint_eq(a->body_len, b->body_len);
	ck_assert_mem_eq(a->body, b->body, a->body_len);
	ck_assert_int_eq(a->state, b->state);
	ck_assert_int_eq(a->attempts, b->attempts);
	ck_assert_int_eq(a->created_us, b->created_us);
	ck_assert_int_eq(a->updated_us, b->updated_us);
	assert_str_or_null(a->last_error, b->last_error);
}

START_TEST(test_alert_record_round_trip)
{
	hs_post *p = full_post();
	json_t *po;
	json_t *ev = sample_event(p, &po);
	hs_alert *a = hs_alert_new(12, "crisis-webhook", ev, T0);
	size_t len = 0;

	/* a failed alert with an error */
	a->state = HS_ALERT_FAILED;
	a->attempts = 12;
	a->updated_us = T0 + 3600 * 1000000LL + 9;
	a->last_error = xstrdup("HTTP 503 \"unavailable\"");
	char *rec = hs_alert_to_record(a, &len);
	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq(len, strlen(rec));
	hs_alert *b = hs_alert_from_record(12, rec, len);
	ck_assert_msg(b != NULL, "record not read back: %s", rec);
	assert_alerts_equal(a, b);
	hs_alert_free(b);
	/* the id comes from the outbox key */
	b = hs_alert_from_record(99, rec, len);
	ck_assert_uint_eq(b->id, 99);
	hs_alert_free(b);
	free(rec);

	/* sent, no error */
	free(a->last_error);
	a->last_error = NULL;
	a->state = HS_ALERT_SENT;
	a->attempts = 2;
	rec = hs_alert_to_record(a, &len);
	ck_assert_ptr_nonnull(rec);
	b = hs_alert_from_record(12, rec, len);
	ck_assert_msg(b != NULL, "record without last_error not read back: %s", rec);
	assert_alerts_equal(a, b);
	hs_alert_free(b);
	free(rec);

	/* a fresh pending alert, as written to the outbox next to its hit and
	 * read back after a restart */
	hs_alert_free(a);
	a = hs_alert_new(13, "crisis-webhook", ev, T0);
	rec = hs_alert_to_record(a, &len);
	b = hs_alert_from_record(13, rec, len);
	ck_assert_msg(b != NULL, "pending record not read back: %s", rec);
	assert_alerts_equal(a, b);
	ck_assert_int_eq(b->state, HS_ALERT_PENDING);
	hs_alert_free(b);
	free(rec);

	/* unreadable records */
	ck_assert_ptr_null(hs_alert_from_record(1, "{", 1));
	ck_assert_ptr_null(hs_alert_from_record(1, "{}", 2));
	static const char norte[] = "{\"state\":\"sent\",\"attempts\":1,\"created\":\"x\","
	                            "\"updated\":\"x\",\"body\":\"b\"}";
	ck_assert_ptr_null(hs_alert_from_record(1, norte, strlen(norte)));

	hs_alert_free(a);
	json_decref(ev);
	json_decref(po);
	hs_post_free(p);
}
END_TEST

START_TEST(test_alert_backoff)
{
	/* first retry: 1 s times [0.5, 1) */
	ck_assert(hs_alert_backoff(1, 0.0) == 0.5);
	ck_assert(hs_alert_backoff(0, 0.0) == 0.5);
	for (double u = 0; u < 1.0; u += 0.0625) {
		double d = hs_alert_backoff(1, u);
		ck_assert_msg(d >= 0.5 && d < 1.0, "u=%g -> %g", u, d);
	}
	ck_assert(hs_alert_backoff(1, 0.999999) < 1.0);
	/* doubling */
	ck_assert(hs_alert_backoff(2, 0.0) == 1.0);
	ck_assert(hs_alert_backoff(3, 0.0) == 2.0);
	ck_assert(hs_alert_backoff(9, 0.0) == 128.0);
	ck_assert(hs_alert_backoff(9, 0.5) == 192.0);
	/* capped at 300 s times [0.5, 1) */
	ck_assert(hs_alert_backoff(10, 0.0) == 150.0);
	static const int big[] = { 10, 11, 12, 50, 1000, 100000, 2147483647 };
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		for (double u = 0; u < 1.0; u += 0.125) {
			double d = hs_alert_backoff(big[i], u);
			ck_assert_msg(isfinite(d) && d >= 150.0 && d < 300.0, "n=%d u=%g -> %g",
			              big[i], u, d);
		}
		ck_assert(hs_alert_backoff(big[i], 0.0) == 150.0);
		ck_assert(hs_alert_backoff(big[i], 0.999999) < 300.0);
	}
	/* monotonic in the number of failures for the same u */
	double prev = 0;
	for (int n = 1; n < 40; n++) {
		double d = hs_alert_backoff(n, 0.3);
		ck_assert(d >= prev);
		prev = d;
	}
}
END_TEST

static Suite *postjson_suite(void)
{
	Suite *s = suite_create("postjson");
	TCase *tc = tcase_create("posts");

	tcase_add_test(tc, test_post_json_fields);
	tcase_add_test(tc, test_post_round_trip);
	tcase_add_test(tc, test_post_from_json_refused);
	tcase_add_test(tc, test_hit_event);
	tcase_add_test(tc, test_record_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("replay");
	tcase_add_test(tc, test_replay_good_line);
	tcase_add_test(tc, test_replay_bad_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("alerts");
	tcase_add_test(tc, test_alert_new_body);
	tcase_add_test(tc, test_alert_record_round_trip);
	tcase_add_test(tc, test_alert_backoff);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(postjson_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
