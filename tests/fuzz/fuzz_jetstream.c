/* hearsay fuzz target: one Jetstream websocket frame.
 *
 * Input: the bytes of one frame, as the bluesky collector hands them to
 * hs_jetstream_parse_frame() (explicit length; NUL bytes included).
 *
 * The parser reads frames with a scanner of its own for speed
 * (collectors/bluesky/jetstream_parse.c). This target checks it against a
 * straightforward reference below, built on jansson's json_loadb with the
 * same rules: for every input, with and without a filter, both must agree
 * on the result, the kind, the time_us cursor, the deleted id and every
 * field of the post (only the wording of a JSON syntax error may differ).
 * Then the usual invariants: a failure has a reason, every string is valid
 * UTF-8, and a post survives the store's JSON round trip.
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "collectors/bluesky/jetstream.h"
#include "postjson.h"
#include "timeutil.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ==== the reference: the same rules over jansson's tree =========================== */

#define JS_POST_COLLECTION "app.bsky.feed.post"
#define JS_TAG_FEATURE "app.bsky.richtext.facet#tag"
#define JS_MAX_DID 2048
#define JS_MAX_RKEY 512
#define JS_MAX_TAGS 64
#define JS_MAX_TAG 640
#define JS_MAX_US INT64_C(253402300799999999)
#define JS_FUTURE_SLACK_US (INT64_C(86400) * 1000000)

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	while (n > 0 && !hs_utf8_valid(err, n))
		err[--n] = '\0';
}

/* v is a string equal to lit (an embedded NUL never matches). */
static bool jstreq(const json_t *v, const char *lit, size_t n)
{
	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), lit, n) == 0;
}
#define JSTREQ(v, lit) jstreq((v), (lit), sizeof(lit) - 1)

static inline unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* A copy of s[0..n) without its NUL bytes (JSON "\u0000"). */
static char *dup_nonul(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	size_t o = 0;

	if (!d)
		return NULL;
	if (!memchr(s, '\0', n)) {
		memcpy(d, s, n);
		o = n;
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i])
				d[o++] = s[i];
	}
	d[o] = '\0';
	return d;
}

/* atproto DID syntax: "did:" method ":" id, method [a-z]+, id of
 * [A-Za-z0-9._:%-] not ending in ':' or '%'. It goes into a URL path. */
static bool did_ok(const char *s, size_t n)
{
	size_t i = 4;

	if (n < 7 || n > JS_MAX_DID || memcmp(s, "did:", 4) != 0)
		return false;
	while (i < n && s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i == 4 || i >= n - 1 || s[i] != ':')
		return false;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '_' || c == ':' || c == '%' || c == '-'))
			return false;
	}
	return s[n - 1] != ':' && s[n - 1] != '%';
}

/* atproto record key: 1-512 of [A-Za-z0-9._:~-], not "." or "..". */
static bool rkey_ok(const char *s, size_t n)
{
	if (n == 0 || n > JS_MAX_RKEY || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '_' || c == ':' || c == '~' || c == '-'))
			return false;
	}
	return true;
}

/* Length of the primary language subtag ("en" of "en-GB"). */
static size_t prim_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != '-' && s[i] != '_')
		i++;
	return i;
}

static bool prim_eq(const char *a, size_t an, const char *b, size_t bn)
{
	an = prim_len(a, an);
	bn = prim_len(b, bn);
	if (an != bn || an == 0)
		return false;
	for (size_t i = 0; i < an; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return false;
	return true;
}

/* Primary subtag, lower-cased; NULL unless it is 2 to 8 ASCII letters. */
static char *norm_lang(const char *s, size_t n)
{
	char buf[9];
	size_t l = prim_len(s, n);

	if (l < 2 || l > 8)
		return NULL;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = fold((unsigned char)s[i]);
		if (c < 'a' || c > 'z')
			return NULL;
		buf[i] = (char)c;
	}
	buf[l] = '\0';
	return strdup(buf);
}

/* ASCII case-insensitive search of k[0..kn) in t[0..tn). */
static bool contains_ci(const char *t, size_t tn, const char *k, size_t kn)
{
	if (kn == 0)
		return true;
	if (kn > tn)
		return false;
	unsigned char k0 = fold((unsigned char)k[0]);
	for (size_t i = 0; i + kn <= tn; i++) {
		if (fold((unsigned char)t[i]) != k0)
			continue;
		size_t j = 1;
		while (j < kn && fold((unsigned char)t[i + j]) == fold((unsigned char)k[j]))
			j++;
		if (j == kn)
			return true;
	}
	return false;
}

static bool passes(const hs_js_filter *f, const json_t *text, const json_t *langs)
{
	if (!f)
		return true;
	if (f->n_langs > 0) {
		bool ok = false;
		size_t i;
		const json_t *l;

		if (!json_is_array(langs))
			return false;
		json_array_foreach(langs, i, l) {
			if (!json_is_string(l))
				continue;
			for (size_t k = 0; k < f->n_langs && !ok; k++)
				ok = f->langs[k] &&
				     prim_eq(json_string_value(l), json_string_length(l),
				             f->langs[k], strlen(f->langs[k]));
			if (ok)
				break;
		}
		if (!ok)
			return false;
	}
	if (f->n_keywords > 0) {
		const char *t = json_string_value(text);
		size_t tn = json_string_length(text);
		for (size_t k = 0; k < f->n_keywords; k++)
			if (f->keywords[k] &&
			    contains_ci(t, tn, f->keywords[k], strlen(f->keywords[k])))
				return true;
		return false;
	}
	return true;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold((unsigned char)*a) != fold((unsigned char)*b))
			return false;
	return *a == *b;
}

static int add_tag(hs_post *p, const json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v) || p->n_tags >= JS_MAX_TAGS)
		return 0;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > 0 && s[0] == '#') {
		s++;
		n--;
	}
	if (n == 0 || n > JS_MAX_TAG || memchr(s, '\0', n))
		return 0;
	for (size_t k = 0; k < p->n_tags; k++)
		if (ascii_caseeq(p->tags[k], s))
			return 0;
	return hs_post_add_tag(p, s);
}

/* Hashtags: features of type #tag in facets, then the record's own tags. */
static int add_tags(hs_post *p, const json_t *record)
{
	const json_t *facets = json_object_get(record, "facets");
	const json_t *tags = json_object_get(record, "tags");
	size_t i, j;
	const json_t *f, *feat;

	if (json_is_array(facets)) {
		json_array_foreach(facets, i, f) {
			const json_t *features = json_object_get(f, "features");
			if (!json_is_array(features))
				continue;
			json_array_foreach(features, j, feat) {
				if (JSTREQ(json_object_get(feat, "$type"), JS_TAG_FEATURE) &&
				    add_tag(p, json_object_get(feat, "tag")) < 0)
					return -1;
			}
		}
	}
	if (json_is_array(tags)) {
		json_array_foreach(tags, i, f)
			if (add_tag(p, f) < 0)
				return -1;
	}
	return 0;
}

static hs_post *build_post(const char *did, size_t dn, const char *rkey, size_t rn,
                           const json_t *record, const json_t *text, const json_t *langs,
                           const char *source, int64_t now_us, int64_t bound_us,
                           char *err, size_t errlen)
{
	hs_post *p = hs_post_new();
	const json_t *v;
	int64_t created;

	if (!p)
		goto oom;
	p->fetched_us = now_us;
	/* createdAt is set by the client: never later than when Jetstream saw it */
	v = json_object_get(record, "createdAt");
	if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) &&
	    hs_time_parse_rfc3339(json_string_value(v), &created) == 0 && created <= bound_us)
		p->created_us = created;
	else
		p->created_us = bound_us == INT64_MAX ? 0 : bound_us;
	if (json_is_object(json_object_get(record, "reply")))
		p->flags |= HS_POST_REPLY;
	if (!(p->text = dup_nonul(json_string_value(text), json_string_length(text))))
		goto oom;
	if (source && !(p->source = strdup(source)))
		goto oom;
	if (asprintf(&p->source_id, "%.*s/%.*s", (int)dn, did, (int)rn, rkey) < 0) {
		p->source_id = NULL;
		goto oom;
	}
	if (asprintf(&p->url, "https://bsky.app/profile/%.*s/post/%.*s", (int)dn, did,
	             (int)rn, rkey) < 0) {
		p->url = NULL;
		goto oom;
	}
	if (!(p->author = strndup(did, dn)))
		goto oom;
	if (json_is_array(langs)) {
		size_t i;
		const json_t *l;
		json_array_foreach(langs, i, l) {
			if (json_is_string(l) &&
			    (p->lang = norm_lang(json_string_value(l), json_string_length(l))))
				break;
		}
	}
	if (add_tags(p, record) < 0)
		goto oom;
	return p;
oom:
	seterr(err, errlen, "out of memory");
	hs_post_free(p);
	return NULL;
}

static int ref_parse_frame(const char *frame, size_t len, const char *source,
                           int64_t now_us, const hs_js_filter *filter,
                           hs_js_kind *kind, hs_post **post, char **deleted_id,
                           int64_t *time_us, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o;
	const json_t *v, *commit, *op, *rk, *record, *text, *langs;
	const char *did, *rkey;
	size_t dn, rn;
	int64_t bound = now_us > 0 ? now_us : INT64_MAX;
	int rc = -1;

	*kind = HS_JS_IGNORED;
	*post = NULL;
	if (deleted_id)
		*deleted_id = NULL;
	if (err && errlen)
		err[0] = '\0';
	o = json_loadb(frame, len, JSON_ALLOW_NUL, &je);
	if (!o) {
		seterr(err, errlen, "frame is not valid JSON (column %d): %s", je.column, je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		seterr(err, errlen, "frame is not a JSON object");
		goto out;
	}
	v = json_object_get(o, "time_us");
	if (v) {
		json_int_t t;
		if (!json_is_integer(v)) {
			seterr(err, errlen, "time_us is not an integer");
			goto out;
		}
		t = json_integer_value(v);
		if (t <= 0 || t > JS_MAX_US ||
		    (now_us > 0 && now_us < JS_MAX_US - JS_FUTURE_SLACK_US &&
		     t > now_us + JS_FUTURE_SLACK_US)) {
			seterr(err, errlen, "time_us %lld is out of range", (long long)t);
			goto out;
		}
		*time_us = (int64_t)t;
		bound = (int64_t)t;
	}
	v = json_object_get(o, "kind");
	if (!json_is_string(v)) {
		seterr(err, errlen, "frame has no kind");
		goto out;
	}
	if (!JSTREQ(v, "commit")) {
		rc = 0; /* identity, account, and whatever comes later */
		goto out;
	}
	commit = json_object_get(o, "commit");
	if (!json_is_object(commit)) {
		seterr(err, errlen, "commit frame without a commit object");
		goto out;
	}
	if (!JSTREQ(json_object_get(commit, "collection"), JS_POST_COLLECTION)) {
		if (!json_is_string(json_object_get(commit, "collection"))) {
			seterr(err, errlen, "commit has no collection");
			goto out;
		}
		rc = 0; /* not a post (wantedCollections should have kept it away) */
		goto out;
	}
	v = json_object_get(o, "did");
	if (!json_is_string(v) || !did_ok(json_string_value(v), json_string_length(v))) {
		seterr(err, errlen, "missing or invalid did");
		goto out;
	}
	did = json_string_value(v);
	dn = json_string_length(v);
	rk = json_object_get(commit, "rkey");
	if (!json_is_string(rk) || !rkey_ok(json_string_value(rk), json_string_length(rk))) {
		seterr(err, errlen, "missing or invalid rkey");
		goto out;
	}
	rkey = json_string_value(rk);
	rn = json_string_length(rk);
	op = json_object_get(commit, "operation");
	if (!json_is_string(op)) {
		seterr(err, errlen, "commit has no operation");
		goto out;
	}
	if (JSTREQ(op, "delete")) {
		if (deleted_id &&
		    asprintf(deleted_id, "%.*s/%.*s", (int)dn, did, (int)rn, rkey) < 0) {
			*deleted_id = NULL;
			seterr(err, errlen, "out of memory");
			goto out;
		}
		*kind = HS_JS_DELETE;
		rc = 0;
		goto out;
	}
	if (!JSTREQ(op, "create") && !JSTREQ(op, "update")) {
		rc = 0;
		goto out;
	}
	record = json_object_get(commit, "record");
	if (!json_is_object(record)) {
		seterr(err, errlen, "commit has no record");
		goto out;
	}
	text = json_object_get(record, "text");
	if (!json_is_string(text)) {
		seterr(err, errlen, "post record has no text");
		goto out;
	}
	langs = json_object_get(record, "langs");
	if (!passes(filter, text, langs)) {
		rc = 0;
		goto out;
	}
	*post = build_post(did, dn, rkey, rn, record, text, langs, source, now_us, bound, err,
	                   errlen);
	if (!*post)
		goto out;
	*kind = JSTREQ(op, "create") ? HS_JS_POST : HS_JS_EDIT;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* ==== the harness ==================================================================== */

#define NOW (INT64_C(1778932800) * 1000000) /* 2026-05-16T12:00:00Z */

static int streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_jetstream: %s; frame: %.*s\n", what, (int)(size < 2000 ? size : 2000),
	        (const char *)data);
	abort();
}

static void check_str(const char *s, const char *what)
{
	if (s && !hs_utf8_valid(s, strlen(s))) {
		fprintf(stderr, "fuzz_jetstream: %s is not valid UTF-8\n", what);
		abort();
	}
}

/* A post must be storable: hs_post_to_json / hs_post_from_json give it back. */
static void check_post(const hs_post *p, int64_t now, int64_t time_us, bool have_time)
{
	if (!p->source || !p->source_id || !p->text || !p->author || !p->url)
		abort();
	check_str(p->text, "text");
	check_str(p->lang, "lang");
	check_str(p->source_id, "source_id");
	check_str(p->url, "url");
	for (size_t i = 0; i < p->n_tags; i++) {
		check_str(p->tags[i], "tag");
		if (!p->tags[i][0] || p->tags[i][0] == '#')
			abort();
	}
	if (strncmp(p->url, "https://bsky.app/profile/did:", 29) != 0 ||
	    strncmp(p->source_id, p->author, strlen(p->author)) != 0 ||
	    p->source_id[strlen(p->author)] != '/')
		abort();
	if (have_time ? p->created_us > time_us : (now > 0 && p->created_us > now))
		abort();

	json_t *o = hs_post_to_json(p);
	size_t len = 0;
	char *s;
	if (!o)
		abort();
	s = hs_json_dump(o, &len);
	json_decref(o);
	if (!s)
		abort();
	json_t *back = json_loadb(s, len, 0, NULL);
	free(s);
	if (!back)
		abort();
	hs_post *q = hs_post_from_json(back);
	json_decref(back);
	if (!q || !streq(p->text, q->text) || !streq(p->source_id, q->source_id) ||
	    p->created_us != q->created_us || p->n_tags != q->n_tags) {
		fprintf(stderr, "fuzz_jetstream: post does not survive the store's JSON\n");
		abort();
	}
	hs_post_free(q);
}

static void same_post(const hs_post *a, const hs_post *b, const uint8_t *data, size_t size)
{
	if (!streq(a->source, b->source) || !streq(a->source_id, b->source_id) ||
	    !streq(a->url, b->url) || !streq(a->author, b->author) || !streq(a->lang, b->lang) ||
	    !streq(a->title, b->title) || !streq(a->text, b->text) ||
	    a->created_us != b->created_us || a->fetched_us != b->fetched_us ||
	    a->flags != b->flags || a->n_tags != b->n_tags)
		fail("post differs from the reference", data, size);
	for (size_t i = 0; i < a->n_tags; i++)
		if (!streq(a->tags[i], b->tags[i]))
			fail("tags differ from the reference", data, size);
}

static void run(const uint8_t *data, size_t size, int64_t now, const hs_js_filter *f)
{
	hs_js_kind k1 = HS_JS_POST, k2 = HS_JS_POST;
	hs_post *p1 = NULL, *p2 = NULL;
	char *d1 = NULL, *d2 = NULL, e1[256], e2[256];
	int64_t t1 = -1, t2 = -1;
	int r1, r2;

	r1 = hs_jetstream_parse_frame((const char *)data, size, "fuzz", now, f, &k1, &p1, &d1, &t1,
	                              e1, sizeof(e1));
	/* A raw NUL byte is never valid JSON, but jansson skips one that follows
	 * a number or a literal (it "ungets" the byte and then mistakes the NUL
	 * for its own end-of-buffer mark). The parser refuses such frames; the
	 * reference is only asked about frames without one. */
	if (memchr(data, '\0', size)) {
		if (r1 != -1 || strncmp(e1, "frame is not valid JSON", 23) != 0 || t1 != -1 ||
		    k1 != HS_JS_IGNORED || p1 || d1)
			fail("a raw NUL byte was accepted", data, size);
		return;
	}
	r2 = ref_parse_frame((const char *)data, size, "fuzz", now, f, &k2, &p2, &d2, &t2, e2,
	                     sizeof(e2));
	if (r1 != r2 || k1 != k2 || t1 != t2) {
		fprintf(stderr, "fuzz_jetstream: rc %d/%d kind %d/%d time_us %lld/%lld [%s] vs "
		        "reference [%s]\n", r1, r2, (int)k1, (int)k2, (long long)t1, (long long)t2,
		        r1 < 0 ? e1 : "", r2 < 0 ? e2 : "");
		fail(r1 != r2 ? "accepts differently from the reference"
		     : k1 != k2 ? "kind differs from the reference"
		                : "time_us differs from the reference", data, size);
	}
	if (r1 < 0) {
		static const char json_err[] = "frame is not valid JSON";
		bool j1 = strncmp(e1, json_err, sizeof(json_err) - 1) == 0;
		bool j2 = strncmp(e2, json_err, sizeof(json_err) - 1) == 0;
		if (!e1[0] || strnlen(e1, sizeof(e1)) == sizeof(e1) || !hs_utf8_valid(e1, strlen(e1)))
			fail("failure without a usable reason", data, size);
		if (j1 != j2 || (!j1 && strcmp(e1, e2) != 0)) {
			fprintf(stderr, "fuzz_jetstream: [%s] vs reference [%s]\n", e1, e2);
			fail("error differs from the reference", data, size);
		}
		if (k1 != HS_JS_IGNORED || p1 || d1)
			fail("a failure left output behind", data, size);
	}
	if (!streq(d1, d2))
		fail("deleted id differs from the reference", data, size);
	if ((p1 == NULL) != (p2 == NULL))
		fail("post presence differs from the reference", data, size);
	if (p1) {
		if (k1 != HS_JS_POST && k1 != HS_JS_EDIT)
			abort();
		same_post(p1, p2, data, size);
		check_post(p1, now, t1, t1 != -1);
	} else if (k1 == HS_JS_POST || k1 == HS_JS_EDIT) {
		abort();
	}
	if (d1) {
		check_str(d1, "deleted id");
		if (k1 != HS_JS_DELETE || strncmp(d1, "did:", 4) != 0)
			abort();
	}
	hs_post_free(p1);
	hs_post_free(p2);
	free(d1);
	free(d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kw[] = { "bridge", "MILL lane", "", "caf\xc3\xa9", NULL };
	static const char *const langs[] = { "en", "NL-be", NULL, "x" };
	hs_js_filter kwf = { .keywords = kw + 1, .n_keywords = 1 };
	hs_js_filter all = { .keywords = kw, .n_keywords = 5, .langs = langs, .n_langs = 4 };
	hs_js_filter lf = { .langs = langs, .n_langs = 2 };

	run(data, size, NOW, NULL);
	run(data, size, 0, NULL);
	run(data, size, NOW, &kwf);
	run(data, size, NOW, &lf);
	run(data, size, NOW, &all);
	return 0;
}
