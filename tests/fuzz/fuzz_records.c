/* hearsay fuzz target: records read back from the store, and time strings.
 *
 * Input: any bytes. Each input is tried as all of these (the seeds in
 * corpus/fuzz_records/ cover each kind):
 *
 *  - a stored post: parsed with jansson (json_loadb, as the store readers
 *    do) and read with hs_post_from_json(); a post that reads is written
 *    back with hs_post_to_json() and read again, and must not change;
 *  - an alert outbox record: hs_alert_from_record() on the raw bytes; an
 *    alert that reads is written back with hs_alert_to_record() and read
 *    again, and must not change;
 *  - a time: hs_time_parse_rfc3339() and hs_time_parse_user() (with a fixed
 *    "now") on the input as a C string (up to its first NUL); a parsed
 *    RFC 3339 time is formatted with hs_time_format() and parsed again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "alert.h"
#include "postjson.h"
#include "timeutil.h"

#define FUZZ_NOW_US INT64_C(1778923920000000) /* 2026-05-16T09:32:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static hs_post *post_round_trip(const hs_post *p)
{
	json_t *o = hs_post_to_json(p);
	size_t len = 0;
	char *s;
	json_t *back;
	hs_post *q;

	if (!o)
		abort();
	s = hs_json_dump(o, &len);
	json_decref(o);
	if (!s)
		abort();
	back = json_loadb(s, len, 0, NULL);
	if (!back) {
		fprintf(stderr, "hs_post_to_json output does not parse: %s\n", s);
		abort();
	}
	q = hs_post_from_json(back);
	if (!q) {
		fprintf(stderr, "hs_post_from_json refused what hs_post_to_json wrote: %s\n", s);
		abort();
	}
	free(s);
	json_decref(back);
	return q;
}

static void fuzz_post(const uint8_t *data, size_t size)
{
	json_t *o = json_loadb((const char *)data, size, 0, NULL);
	hs_post *p, *q;

	if (!o)
		return;
	p = hs_post_from_json(o);
	json_decref(o);
	if (!p)
		return;
	if (!p->source || !p->source_id || !p->text)
		abort();
	q = post_round_trip(p);
	if (!streq(p->source, q->source) || !streq(p->source_id, q->source_id) ||
	    !streq(p->url, q->url) || !streq(p->author, q->author) ||
	    !streq(p->lang, q->lang) || !streq(p->title, q->title) ||
	    !streq(p->text, q->text) || !streq(p->feed, q->feed) ||
	    p->created_us != q->created_us || p->fetched_us != q->fetched_us ||
	    p->flags != q->flags || p->n_tags != q->n_tags || p->id != q->id) {
		fprintf(stderr, "post changed in the JSON round trip\n");
		abort();
	}
	for (size_t i = 0; i < p->n_tags; i++)
		if (!streq(p->tags[i], q->tags[i]))
			abort();
	hs_post_free(q);
	hs_post_free(p);
}

static void fuzz_alert(const uint8_t *data, size_t size)
{
	hs_alert *a = hs_alert_from_record(42, (const char *)data, size);
	hs_alert *b;
	char *rec;
	size_t len = 0;

	if (!a)
		return;
	if (!a->route || !a->body || a->body[a->body_len] != '\0' || a->id != 42)
		abort();
	rec = hs_alert_to_record(a, &len);
	if (!rec) {
		/* only a route or last_error that is not valid UTF-8 can make
		 * json_pack fail, and jansson never produces those */
		fprintf(stderr, "hs_alert_to_record failed on an alert it read\n");
		abort();
	}
	b = hs_alert_from_record(42, rec, len);
	if (!b || !streq(a->route, b->route) || a->body_len != b->body_len ||
	    memcmp(a->body, b->body, a->body_len) != 0 || a->state != b->state ||
	    a->attempts != b->attempts || !streq(a->last_error, b->last_error) ||
	    a->created_us != b->created_us || a->updated_us != b->updated_us) {
		fprintf(stderr, "alert changed in the record round trip: %s\n", rec);
		abort();
	}
	hs_alert_free(b);
	free(rec);
	hs_alert_free(a);
	/* the backoff is finite and within its documented range */
	for (int f = 0; f < 3; f++) {
		int n = f == 0 ? (int)(size % 4096) : f == 1 ? -(int)size : INT32_MAX;
		double u = (double)(size % 1000) / 1000.0;
		double w = hs_alert_backoff(n, u);
		if (!(w >= 0.5 && w <= 300.0))
			abort();
	}
}

static void fuzz_time(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int64_t t = 0, t2 = 0;
	char buf[64];

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (hs_time_parse_rfc3339(s, &t) == 0) {
		hs_time_format(t, buf, sizeof(buf));
		if (hs_time_parse_rfc3339(buf, &t2) != 0 || t2 != t) {
			fprintf(stderr, "time does not survive format+parse: \"%s\" -> %s\n",
			        s, buf);
			abort();
		}
		if (hs_time_parse_user(s, FUZZ_NOW_US, &t2) != 0 || t2 != t)
			abort(); /* user bounds accept RFC 3339 unchanged */
	}
	hs_time_parse_user(s, FUZZ_NOW_US, &t);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_post(data, size);
	fuzz_alert(data, size);
	fuzz_time(data, size);
	return 0;
}
