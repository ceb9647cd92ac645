/* hearsay: the `reddit` collector's parsers (see reddit.h). No state, no
 * I/O: any thread. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <hearsay/post.h>

#include "collectors/common/parse_util.h"
#include "utf8.h"
#include "reddit.h"

#define RD_MAX_ID 16          /* base36 digits after "t3_" (13 hold an int64) */
#define RD_MAX_URL 4096       /* bytes of a URL we keep */
#define RD_MAX_NAME 64        /* bytes of a user or subreddit name */
#define RD_MAX_CRED 4096      /* bytes of a client id or secret */
#define RD_SITE "https://www.reddit.com"
#define RD_MAX_SECS 253402300799.0          /* 9999-12-31T23:59:59Z */
#define RD_DAY_US (86400LL * 1000000)
#define RD_DEFAULT_EXPIRES 3600
#define RD_MAX_EXPIRES (365LL * 86400)

/* v is a string equal to lit (an embedded NUL never matches). */
static bool is_str(const json_t *v, const char *lit)
{
	return json_is_string(v) && json_string_length(v) == strlen(lit) &&
	       strcmp(json_string_value(v), lit) == 0;
}

/* "t3_" then 1 to RD_MAX_ID base36 digits in lower case. */
static bool fullname_ok(const char *s, size_t n)
{
	if (n < 4 || n > 3 + RD_MAX_ID || memcmp(s, "t3_", 3) != 0)
		return false;
	return strspn(s + 3, "0123456789abcdefghijklmnopqrstuvwxyz") == n - 3;
}

/* A user or subreddit name: 1 to RD_MAX_NAME of [A-Za-z0-9_] plus extra
 * ("-" for user names). "[deleted]" is not one. */
static bool name_ok(const json_t *v, const char *extra)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 || n > RD_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || (c && strchr(extra, c))))
			return false;
	}
	return true;
}

/* No spaces, no control characters, not too long. */
static bool url_chars_ok(const char *s, size_t n)
{
	if (n > RD_MAX_URL)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The permalink on www.reddit.com, else the post's own url when it is
 * http(s) with a host. Newly allocated, or NULL (none, or out of memory). */
static char *post_url(const json_t *d)
{
	const json_t *pl = json_object_get(d, "permalink");
	const json_t *u = json_object_get(d, "url");
	char *out = NULL;

	if (json_is_string(pl) && json_string_length(pl) > 3 &&
	    json_string_length(pl) <= RD_MAX_URL - strlen(RD_SITE) &&
	    strncmp(json_string_value(pl), "/r/", 3) == 0 &&
	    url_chars_ok(json_string_value(pl), json_string_length(pl))) {
		if (asprintf(&out, RD_SITE "%s", json_string_value(pl)) < 0)
			out = NULL;
		return out;
	}
	if (json_is_string(u)) {
		const char *s = json_string_value(u);
		size_t n = json_string_length(u), skip = 0;

		if (n > 8 && strncasecmp(s, "https://", 8) == 0)
			skip = 8;
		else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
			skip = 7;
		if (skip && s[skip] != '/' && url_chars_ok(s, n))
			out = strdup(s);
	}
	return out;
}

/* Removed by a moderator, Reddit or its author, or deleted with its
 * account: skipped, not bad. */
static bool is_gone(const json_t *d)
{
	const json_t *r = json_object_get(d, "removed_by_category");
	const json_t *st = json_object_get(d, "selftext");

	if (r && !json_is_null(r))
		return true;
	return is_str(json_object_get(d, "author"), "[deleted]") &&
	       (is_str(st, "[removed]") || is_str(st, "[deleted]"));
}

/* created_utc (seconds, maybe with a fraction) to microseconds: 0 or -1. */
static int created_from(const json_t *v, int64_t now_us, int64_t *out)
{
	double x, whole;
	int64_t us;

	if (!json_is_number(v))
		return -1;
	x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > RD_MAX_SECS)
		return -1;
	whole = floor(x);
	us = (int64_t)whole * 1000000 + (int64_t)((x - whole) * 1e6 + 0.5);
	if (now_us > 0) {
		if (us - now_us > RD_DAY_US)
			return -1;
		if (us > now_us)
			us = now_us; /* a little clock skew must not date posts in the future */
	}
	*out = us;
	return 0;
}

/* title, a blank line, selftext (if any): valid UTF-8 without NULs, newly
 * allocated; NULL with why set. */
static char *post_text(const json_t *d, char *why, size_t whylen)
{
	const json_t *t = json_object_get(d, "title");
	const json_t *st = json_object_get(d, "selftext");
	size_t tn, sn = 0, total;
	char *joined = NULL, *out = NULL;

	if (!json_is_string(t)) {
		hs_parse_seterr(why, whylen, "missing title");
		goto fail;
	}
	if (st && !json_is_null(st) && !json_is_string(st)) {
		hs_parse_seterr(why, whylen, "selftext is not a string");
		goto fail;
	}
	tn = json_string_length(t);
	if (json_is_string(st))
		sn = json_string_length(st);
	if (!(joined = malloc(tn + 2 + sn + 1)))
		goto oom;
	memcpy(joined, json_string_value(t), tn);
	if (sn) {
		memcpy(joined + tn, "\n\n", 2);
		memcpy(joined + tn + 2, json_string_value(st), sn);
	}
	total = sn ? tn + 2 + sn : tn;
	joined[total] = '\0';
	if (hs_utf8_valid(joined, total))
		return joined;
	/* NULs ("\u0000") dropped; jansson has checked the rest is UTF-8 */
	if (!(out = hs_utf8_repair(joined, total, NULL)))
		goto oom;
	free(joined);
	return out;
oom:
	hs_parse_seterr(why, whylen, "out of memory");
fail:
	free(joined);
	return NULL;
}

/* "PREFIX" + the string v, newly allocated, or NULL. */
static char *prefixed(const char *prefix, const json_t *v)
{
	char *out = NULL;

	if (asprintf(&out, "%s%s", prefix, json_string_value(v)) < 0)
		return NULL;
	return out;
}

/* One t3 child's data to a new post that the caller owns (name and created
 * already checked). NULL with why set when it is unusable. */
static hs_post *build_post(const json_t *d, const char *name, int64_t created,
                           const char *source, int64_t now_us, char *why, size_t whylen)
{
	const json_t *v;
	hs_post *p;
	char *tag = NULL;

	if (!(p = hs_post_new())) {
		hs_parse_seterr(why, whylen, "out of memory");
		return NULL;
	}
	p->created_us = created;
	p->fetched_us = now_us;
	if (!(p->text = post_text(d, why, whylen)))
		goto fail;
	if ((source && !(p->source = strdup(source))) || !(p->source_id = strdup(name)))
		goto oom;
	p->url = post_url(d);
	v = json_object_get(d, "author");
	if (name_ok(v, "-") && !(p->author = prefixed("u/", v)))
		goto oom;
	v = json_object_get(d, "subreddit");
	if (name_ok(v, "")) {
		if (!(tag = prefixed("r/", v)) || hs_post_add_tag(p, tag) < 0)
			goto oom;
		free(tag);
	}
	return p;
oom:
	hs_parse_seterr(why, whylen, "out of memory");
fail:
	free(tag);
	hs_post_free(p);
	return NULL;
}

int hs_reddit_fullname_cmp(const char *a, const char *b)
{
	return hs_parse_id_cmp(a, b);
}

/* {"message":"Unauthorized","error":401} (the API), {"error":"invalid_grant"}
 * (the token endpoint), maybe with a reason or error_description. */
static bool server_error(const json_t *o, char *err, size_t errlen)
{
	const json_t *e = json_object_get(o, "error");
	const json_t *m = json_object_get(o, "message");
	const json_t *r = json_object_get(o, "reason");
	const char *what, *more = NULL;
	char code[32];

	if (json_is_integer(e)) {
		snprintf(code, sizeof(code), "%lld", (long long)json_integer_value(e));
		what = code;
	} else if (json_is_string(e)) {
		what = json_string_value(e);
	} else {
		return false;
	}
	if (!json_is_string(r))
		r = json_object_get(o, "error_description");
	if (json_is_string(r))
		more = json_string_value(r);
	hs_parse_seterr(err, errlen, "server error: %s%s%s%s%s%s", what,
	                json_is_string(m) ? " " : "", json_is_string(m) ? json_string_value(m) : "",
	                more ? " (" : "", more ? more : "", more ? ")" : "");
	return true;
}

/* ---- listings -------------------------------------------------------------- */

typedef struct {
	size_t idx;        /* position in children */
	const json_t *d;   /* the child's data, borrowed from the listing */
	const char *name;  /* its fullname */
	int64_t created;
	bool gone;         /* removed or deleted: skipped */
	bool dup;          /* a fullname seen earlier in the listing */
} rd_ent;

static int cmp_name(const void *x, const void *y)
{
	const rd_ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_age(const void *x, const void *y)
{
	const rd_ent *a = x, *b = y;
	int c;

	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	if ((c = hs_reddit_fullname_cmp(a->name, b->name)))
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The children array of a Listing, or NULL with err set. */
static const json_t *listing_children(const json_t *top, char *err, size_t errlen)
{
	const json_t *ch = json_object_get(json_object_get(top, "data"), "children");

	if (json_is_object(top) && is_str(json_object_get(top, "kind"), "Listing") &&
	    json_is_array(ch))
		return ch;
	if (!(json_is_object(top) && server_error(top, err, errlen)))
		hs_parse_seterr(err, errlen, "expected a Listing");
	return NULL;
}

int hs_reddit_parse_listing(const char *buf, size_t len, const char *source,
                            int64_t now_us, hs_post_sink sink, void *ud,
                            char **newest_fullname, size_t *bad, char *err,
                            size_t errlen)
{
	json_error_t je;
	json_t *top;
	const json_t *children;
	rd_ent *ents = NULL;
	size_t n, ne = 0, nbad = 0;
	const char *last = NULL;
	int emitted = 0;
	char why[256];

	if (newest_fullname)
		*newest_fullname = NULL;
	if (bad)
		*bad = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!(top = json_loadb(buf, len, JSON_ALLOW_NUL, &je))) {
		hs_parse_json_error(&je, "listing", err, errlen);
		emitted = -1;
		goto out;
	}
	if (!(children = listing_children(top, err, errlen))) {
		emitted = -1;
		goto out;
	}
	n = json_array_size(children);
	if (n > 0 && !(ents = calloc(n, sizeof(*ents)))) {
		hs_parse_seterr(err, errlen, "out of memory");
		emitted = -1;
		goto out;
	}

	/* 1. the links with a usable name and time; other kinds are ignored */
	for (size_t i = 0; i < n; i++) {
		const json_t *c = json_array_get(children, i), *k, *d, *nm;
		rd_ent *e = &ents[ne];

		if (!json_is_object(c)) {
			snprintf(why, sizeof(why), "not an object");
			goto bad_entry;
		}
		k = json_object_get(c, "kind");
		if (!json_is_string(k)) {
			snprintf(why, sizeof(why), "missing kind");
			goto bad_entry;
		}
		if (!is_str(k, "t3"))
			continue;
		d = json_object_get(c, "data");
		if (!json_is_object(d)) {
			snprintf(why, sizeof(why), "missing data");
			goto bad_entry;
		}
		nm = json_object_get(d, "name");
		if (!json_is_string(nm)) {
			snprintf(why, sizeof(why), "missing name");
			goto bad_entry;
		}
		if (!fullname_ok(json_string_value(nm), json_string_length(nm))) {
			snprintf(why, sizeof(why), "unusable name");
			goto bad_entry;
		}
		e->gone = is_gone(d);
		if (created_from(json_object_get(d, "created_utc"), now_us, &e->created) < 0) {
			if (e->gone)
				continue; /* skipped anyway */
			snprintf(why, sizeof(why), "missing or bad created_utc");
			goto bad_entry;
		}
		e->idx = i;
		e->d = d;
		e->name = json_string_value(nm);
		ne++;
		continue;
bad_entry:
		nbad++;
		if (err && errlen && !err[0])
			hs_parse_seterr(err, errlen, "post %zu: %s", i, why);
	}

	/* 2. each fullname once: its first occurrence */
	if (ne > 1)
		qsort(ents, ne, sizeof(*ents), cmp_name);
	for (size_t i = 1; i < ne; i++)
		ents[i].dup = strcmp(ents[i].name, ents[i - 1].name) == 0;

	/* 3. oldest first */
	if (ne > 1)
		qsort(ents, ne, sizeof(*ents), cmp_age);
	for (size_t i = 0; i < ne; i++) {
		hs_post *p;

		if (ents[i].dup || ents[i].gone)
			continue;
		last = ents[i].name;
		why[0] = '\0';
		p = build_post(ents[i].d, ents[i].name, ents[i].created, source, now_us, why,
		               sizeof(why));
		if (!p) {
			nbad++;
			if (err && errlen && !err[0])
				hs_parse_seterr(err, errlen, "post %zu: %s", ents[i].idx, why);
			continue;
		}
		emitted++;
		if (sink(ud, p) != 0)
			break;
	}
	/* out of memory here leaves *newest_fullname NULL: the host fetches
	 * the page again and its dedup drops what was already emitted */
	if (newest_fullname && last && !(*newest_fullname = strdup(last)))
		hs_parse_seterr(err, errlen, "out of memory");
	if (bad)
		*bad = nbad;
out:
	free(ents);
	json_decref(top);
	return emitted;
}

/* ---- OAuth ----------------------------------------------------------------- */

int hs_reddit_parse_token(const char *buf, size_t len, char *token, size_t toklen,
                          int64_t *expires_in_s, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o;
	const json_t *at, *tt, *ex;
	const char *s;
	size_t n;
	int64_t secs = RD_DEFAULT_EXPIRES;
	int rc = -1;

	if (token && toklen)
		token[0] = '\0';
	if (expires_in_s)
		*expires_in_s = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!(o = json_loadb(buf, len, JSON_ALLOW_NUL, &je))) {
		hs_parse_json_error(&je, "token answer", err, errlen);
		goto out;
	}
	if (!json_is_object(o)) {
		hs_parse_seterr(err, errlen, "expected a JSON object");
		goto out;
	}
	if (server_error(o, err, errlen))
		goto out;
	at = json_object_get(o, "access_token");
	if (!json_is_string(at) || json_string_length(at) == 0) {
		hs_parse_seterr(err, errlen, "missing access_token");
		goto out;
	}
	s = json_string_value(at);
	n = json_string_length(at);
	if (!token || n >= toklen) {
		hs_parse_seterr(err, errlen, "access_token too long (%zu bytes)", n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
			hs_parse_seterr(err, errlen, "access_token has bytes outside visible ASCII");
			goto out;
		}
	}
	tt = json_object_get(o, "token_type");
	if (!json_is_string(tt) || json_string_length(tt) != 6 ||
	    strcasecmp(json_string_value(tt), "bearer") != 0) {
		hs_parse_seterr(err, errlen, "token_type is not bearer");
		goto out;
	}
	ex = json_object_get(o, "expires_in");
	if (json_is_integer(ex)) {
		secs = json_integer_value(ex);
	} else if (json_is_real(ex)) {
		double x = json_real_value(ex);
		secs = x >= (double)RD_MAX_EXPIRES ? RD_MAX_EXPIRES : x >= 1 ? (int64_t)x : 0;
	} else if (ex && !json_is_null(ex)) {
		secs = 0;
	}
	if (secs <= 0) {
		hs_parse_seterr(err, errlen, "bad expires_in");
		goto out;
	}
	if (secs > RD_MAX_EXPIRES)
		secs = RD_MAX_EXPIRES;
	memcpy(token, s, n + 1);
	if (expires_in_s)
		*expires_in_s = secs;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* Length of s[0..n) without trailing white space; 0 when the rest is
 * empty, too long, or holds a control byte or (no_colon) a ':'. */
static size_t cred_len(const unsigned char *s, size_t n, bool no_colon)
{
	if (!s)
		return 0;
	while (n > 0 && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	if (n > RD_MAX_CRED)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || (no_colon && s[i] == ':'))
			return 0;
	return n;
}

char *hs_reddit_basic_auth(const unsigned char *id, size_t idlen,
                           const unsigned char *secret, size_t secretlen)
{
	size_t in = cred_len(id, idlen, true), sn = cred_len(secret, secretlen, false), pn = 0;
	unsigned char *plain = NULL;
	char *out = NULL;

	if (in == 0 || sn == 0)
		goto fail;
	pn = in + 1 + sn;
	if (!(plain = malloc(pn)) || !(out = malloc(6 + 4 * ((pn + 2) / 3) + 1)))
		goto fail;
	memcpy(plain, id, in);
	plain[in] = ':';
	memcpy(plain + in + 1, secret, sn);
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, plain, (int)pn); /* NUL-terminates */
	OPENSSL_cleanse(plain, pn);
	free(plain);
	return out;
fail:
	if (plain)
		OPENSSL_cleanse(plain, pn);
	free(plain);
	free(out);
	return NULL;
}
