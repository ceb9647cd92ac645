/* hearsay: the `mastodon` collector's parsers (see mastodon.h and
 * docs/collectors/mastodon.md). No state, no I/O: any thread. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "collectors/common/parse_util.h"
#include "collectors/rss/feed.h" /* hs_html_to_text: content is HTML */
#include "timeutil.h"
#include "utf8.h"
#include "mastodon.h"

#define MASTO_MAX_ID 128      /* bytes of a status id */
#define MASTO_MAX_URL 4096    /* bytes of a URL we keep */
#define MASTO_MAX_TAGS 64     /* tags kept per post */
#define MASTO_MAX_TAG 256     /* bytes of one tag */



/* v is a string equal to lit (an embedded NUL never matches). */
static bool jstreq(const json_t *v, const char *lit)
{
	size_t n = strlen(lit);
	return json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), lit, n) == 0;
}

static bool lower_eq(const char *a, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return false;
	}
	return true;
}

/* Status ids are opaque, but the host puts them into query strings
 * (min_id=...): only URL-unreserved characters are accepted. */
static bool id_ok(const char *s, size_t n)
{
	if (n == 0 || n > MASTO_MAX_ID)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_' || c == '~'))
			return false;
	}
	return true;
}

static const char *status_id(const json_t *st)
{
	const json_t *v = json_object_get(st, "id");
	if (!json_is_string(v) || !id_ok(json_string_value(v), json_string_length(v)))
		return NULL;
	return json_string_value(v);
}

/* An http(s) URL without spaces or control characters; anything else
 * (javascript:, data:, ...) must never reach a page that shows posts. */
static bool url_ok(const char *s, size_t n)
{
	size_t skip;

	if (n > 8 && lower_eq(s, 8, "https://"))
		skip = 8;
	else if (n > 7 && lower_eq(s, 7, "http://"))
		skip = 7;
	else
		return false;
	if (n > MASTO_MAX_URL || s[skip] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static char *url_from(const json_t *v)
{
	if (!json_is_string(v) || !url_ok(json_string_value(v), json_string_length(v)))
		return NULL;
	return strdup(json_string_value(v));
}


/* A local account's acct has no domain ("alice"); add the host of the
 * account's profile URL so handles are the same whichever instance they are
 * seen from ("alice@town.example"). Remote accts are kept as they are. */
static char *qualified_acct(const json_t *account)
{
	const json_t *acct = json_object_get(account, "acct");
	const json_t *url = json_object_get(account, "url");
	const char *a, *u, *h, *he;
	size_t an;

	if (!json_is_string(acct) || json_string_length(acct) == 0)
		return NULL;
	a = json_string_value(acct);
	an = json_string_length(acct);
	if (memchr(a, '@', an) || !json_is_string(url) ||
	    !url_ok(json_string_value(url), json_string_length(url)))
		return hs_parse_dup_nonul(a, an);
	u = json_string_value(url);
	h = strstr(u, "://") + 3;
	he = h + strcspn(h, "/?#");
	/* userinfo@ is not part of the host */
	for (const char *q = h; q < he; q++)
		if (*q == '@')
			h = q + 1;
	if (he == h)
		return hs_parse_dup_nonul(a, an);
	for (const char *q = h; q < he; q++) {
		unsigned char c = (unsigned char)*q;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == ':' ||
		      c == '[' || c == ']' || c >= 0x80))
			return hs_parse_dup_nonul(a, an);
	}
	char *base = hs_parse_dup_nonul(a, an);
	char *out = NULL;
	if (base && asprintf(&out, "%s@%.*s", base, (int)(he - h), h) < 0)
		out = NULL;
	free(base);
	if (out)
		for (char *q = strchr(out, '@') + 1; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
	return out;
}

/* Only what anyone may read: public, unlisted, local-only; no
 * visibility at all (older or other servers) counts as public. */
static bool readable(const json_t *st)
{
	const json_t *v = json_object_get(st, "visibility");
	if (!v || json_is_null(v))
		return true;
	return jstreq(v, "public") || jstreq(v, "unlisted") || jstreq(v, "local");
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* tags[].name, without a leading '#', each once (ASCII case-insensitive). */
static int add_tags(hs_post *p, const json_t *tags)
{
	size_t i;
	const json_t *t;

	if (!json_is_array(tags))
		return 0;
	json_array_foreach(tags, i, t) {
		const json_t *name = json_is_object(t) ? json_object_get(t, "name") : t;
		const char *s;
		size_t n;
		bool dup = false;

		if (p->n_tags >= MASTO_MAX_TAGS)
			break;
		if (!json_is_string(name))
			continue;
		s = json_string_value(name);
		n = json_string_length(name);
		if (n > 0 && s[0] == '#') {
			s++;
			n--;
		}
		if (n == 0 || n > MASTO_MAX_TAG || memchr(s, '\0', n))
			continue;
		for (size_t k = 0; k < p->n_tags && !dup; k++)
			dup = ascii_caseeq(p->tags[k], s);
		if (!dup && hs_post_add_tag(p, s) < 0)
			return -1;
	}
	return 0;
}

/* content (HTML) to text, with the content warning (plain text) first. */
static char *status_text(const json_t *st, char *why, size_t whylen)
{
	const json_t *content = json_object_get(st, "content");
	const json_t *cw = json_object_get(st, "spoiler_text");
	char *text, *spoiler, *out;

	if (!content) {
		hs_parse_seterr(why, whylen, "missing content");
		return NULL;
	}
	if (json_is_null(content)) {
		text = strdup("");
	} else if (json_is_string(content)) {
		char *html = hs_parse_dup_nonul(json_string_value(content), json_string_length(content));
		text = html ? hs_html_to_text(html, strlen(html)) : NULL;
		free(html);
	} else {
		hs_parse_seterr(why, whylen, "content is not a string");
		return NULL;
	}
	if (!text) {
		hs_parse_seterr(why, whylen, "cannot convert content to text");
		return NULL;
	}
	if (!hs_utf8_valid(text, strlen(text))) {
		char *fixed = hs_utf8_repair(text, strlen(text), NULL);
		free(text);
		if (!(text = fixed)) {
			hs_parse_seterr(why, whylen, "out of memory");
			return NULL;
		}
	}
	if (!json_is_string(cw) || json_string_length(cw) == 0)
		return text;
	spoiler = hs_parse_dup_nonul(json_string_value(cw), json_string_length(cw));
	out = NULL;
	if (spoiler && asprintf(&out, "%s%s%s", spoiler, text[0] ? "\n\n" : "", text) < 0)
		out = NULL;
	free(spoiler);
	free(text);
	if (!out)
		hs_parse_seterr(why, whylen, "out of memory");
	return out;
}

/* One Status object to a post. NULL with why set when it is unusable, or
 * with *skipped set (why untouched) when it is not public. */
static hs_post *build_post(const json_t *st, const char *source, int64_t now_us,
                           bool *skipped, char *why, size_t whylen)
{
	const json_t *orig = st, *rb = json_object_get(st, "reblog"), *v;
	unsigned flags = 0;
	const char *id;
	int64_t created;
	hs_post *p;

	*skipped = false;
	if (rb && !json_is_null(rb)) {
		if (!json_is_object(rb)) {
			hs_parse_seterr(why, whylen, "reblog is not an object");
			return NULL;
		}
		orig = rb;
		flags |= HS_POST_BOOST;
	}
	if (!readable(st) || !readable(orig)) {
		*skipped = true;
		return NULL;
	}
	v = json_object_get(orig, "id");
	if (!json_is_string(v)) {
		hs_parse_seterr(why, whylen, flags ? "reblog: missing id" : "missing id");
		return NULL;
	}
	if (!(id = status_id(orig))) {
		hs_parse_seterr(why, whylen, flags ? "reblog: unusable id" : "unusable id");
		return NULL;
	}
	v = json_object_get(orig, "created_at");
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
	    hs_time_parse_rfc3339(json_string_value(v), &created) < 0) {
		hs_parse_seterr(why, whylen, "missing or bad created_at");
		return NULL;
	}
	if (now_us > 0 && created > now_us)
		created = now_us; /* a server clock ahead must not date posts in the future */
	if (!(p = hs_post_new())) {
		hs_parse_seterr(why, whylen, "out of memory");
		return NULL;
	}
	p->created_us = created;
	p->fetched_us = now_us;
	p->flags = flags;
	v = json_object_get(orig, "in_reply_to_id");
	if (v && !json_is_null(v))
		p->flags |= HS_POST_REPLY;
	if (!(p->text = status_text(orig, why, whylen)))
		goto fail;
	if ((source && !(p->source = strdup(source))) || !(p->source_id = strdup(id)))
		goto oom;
	if (!(p->url = url_from(json_object_get(orig, "url"))))
		p->url = url_from(json_object_get(orig, "uri"));
	v = json_object_get(orig, "account");
	if (json_is_object(v))
		p->author = qualified_acct(v);
	v = json_object_get(orig, "language");
	if (json_is_string(v))
		p->lang = hs_parse_lang(json_string_value(v), json_string_length(v));
	if (add_tags(p, json_object_get(orig, "tags")) < 0)
		goto oom;
	return p;
oom:
	hs_parse_seterr(why, whylen, "out of memory");
fail:
	hs_post_free(p);
	return NULL;
}

int hs_mastodon_id_cmp(const char *a, const char *b)
{
	return hs_parse_id_cmp(a, b);
}

/* ---- REST pages ------------------------------------------------------------ */

typedef struct {
	size_t idx;        /* position in the page */
	const json_t *st;  /* borrowed from the page */
	const char *id;    /* the page's id for it */
	const char *key;   /* the source_id it would get (original's id), or NULL */
	bool boost;
	bool keep;
} page_ent;

/* Original before boost, then oldest, so each key keeps its best entry. */
static int cmp_key(const void *x, const void *y)
{
	const page_ent *a = *(page_ent *const *)x, *b = *(page_ent *const *)y;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	if (a->boost != b->boost)
		return a->boost ? 1 : -1;
	c = hs_mastodon_id_cmp(a->id, b->id);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_id(const void *x, const void *y)
{
	const page_ent *a = x, *b = y;
	int c = hs_mastodon_id_cmp(a->id, b->id);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* {"error":"...","error_description":"..."} as Mastodon answers 4xx/5xx. */
static bool server_error(const json_t *o, char *err, size_t errlen)
{
	const json_t *e = json_object_get(o, "error");
	const json_t *d = json_object_get(o, "error_description");
	const json_t *s = json_object_get(o, "status");

	if (!json_is_string(e))
		return false;
	if (json_is_string(d))
		hs_parse_seterr(err, errlen, "server error: %s (%s)", json_string_value(e),
		       json_string_value(d));
	else if (json_is_integer(s))
		hs_parse_seterr(err, errlen, "server error: %s (status %lld)", json_string_value(e),
		       (long long)json_integer_value(s));
	else
		hs_parse_seterr(err, errlen, "server error: %s", json_string_value(e));
	return true;
}

int hs_mastodon_parse_statuses(const char *buf, size_t len, const char *source,
                               int64_t now_us, hs_post_sink sink, void *ud,
                               char **newest_id, size_t *bad, char *err,
                               size_t errlen)
{
	json_error_t je;
	json_t *page;
	page_ent *ents = NULL, **byk = NULL;
	size_t n, ne = 0, nbad = 0;
	const char *last = NULL;
	int emitted = 0;
	char why[256];

	if (newest_id)
		*newest_id = NULL;
	if (bad)
		*bad = 0;
	if (err && errlen)
		err[0] = '\0';
	page = json_loadb(buf, len, JSON_ALLOW_NUL, &je);
	if (!page) {
		hs_parse_json_error(&je, "page", err, errlen);
		return -1;
	}
	if (!json_is_array(page)) {
		if (!(json_is_object(page) && server_error(page, err, errlen)))
			hs_parse_seterr(err, errlen, "expected a JSON array");
		json_decref(page);
		return -1;
	}
	n = json_array_size(page);
	if (n > 0) {
		ents = calloc(n, sizeof(*ents));
		byk = calloc(n, sizeof(*byk));
		if (!ents || !byk) {
			hs_parse_seterr(err, errlen, "out of memory");
			emitted = -1;
			goto out;
		}
	}

	/* 1. the entries with a usable id; the rest are bad */
	for (size_t i = 0; i < n; i++) {
		const json_t *st = json_array_get(page, i), *rb;
		page_ent *e;

		if (!json_is_object(st)) {
			snprintf(why, sizeof(why), "not an object");
			goto bad_entry;
		}
		if (!json_is_string(json_object_get(st, "id"))) {
			snprintf(why, sizeof(why), "missing id");
			goto bad_entry;
		}
		e = &ents[ne];
		if (!(e->id = status_id(st))) {
			snprintf(why, sizeof(why), "unusable id");
			goto bad_entry;
		}
		e->idx = i;
		e->st = st;
		e->key = e->id;
		e->keep = true;
		rb = json_object_get(st, "reblog");
		if (rb && !json_is_null(rb)) {
			e->boost = true;
			e->key = json_is_object(rb) ? status_id(rb) : NULL;
		}
		ne++;
		continue;
bad_entry:
		nbad++;
		if (err && errlen && !err[0])
			hs_parse_seterr(err, errlen, "status %zu: %s", i, why);
	}

	/* 2. one post per source_id: the original if present, else the oldest boost */
	size_t nk = 0;
	for (size_t i = 0; i < ne; i++)
		if (ents[i].key)
			byk[nk++] = &ents[i];
	if (nk > 1)
		qsort(byk, nk, sizeof(*byk), cmp_key);
	for (size_t i = 1; i < nk; i++)
		if (strcmp(byk[i]->key, byk[i - 1]->key) == 0)
			byk[i]->keep = false;

	/* 3. oldest first */
	if (ne > 1)
		qsort(ents, ne, sizeof(*ents), cmp_id);
	for (size_t i = 0; i < ne; i++) {
		bool skipped;
		hs_post *p;

		last = ents[i].id;
		if (!ents[i].keep)
			continue;
		why[0] = '\0';
		p = build_post(ents[i].st, source, now_us, &skipped, why, sizeof(why));
		if (!p) {
			if (skipped)
				continue;
			nbad++;
			if (err && errlen && !err[0])
				hs_parse_seterr(err, errlen, "status %zu: %s", ents[i].idx, why);
			continue;
		}
		emitted++;
		if (sink(ud, p) != 0)
			break;
	}
	/* out of memory here leaves *newest_id NULL: the host fetches the
	 * page again and its dedup drops what was already emitted */
	if (newest_id && last && !(*newest_id = strdup(last)))
		hs_parse_seterr(err, errlen, "out of memory");
out:
	if (bad)
		*bad = nbad;
	free(byk);
	free(ents);
	json_decref(page);
	return emitted;
}

/* ---- streaming ------------------------------------------------------------- */

int hs_mastodon_parse_stream_frame(const char *frame, size_t len, const char *source,
                                   int64_t now_us, hs_masto_kind *kind, hs_post **post,
                                   char **deleted_id, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o, *ev, *pl, *st = NULL;
	int rc = -1;

	*kind = HS_MASTO_IGNORED;
	*post = NULL;
	if (deleted_id)
		*deleted_id = NULL;
	if (err && errlen)
		err[0] = '\0';
	o = json_loadb(frame, len, JSON_ALLOW_NUL, &je);
	if (!o) {
		hs_parse_json_error(&je, "frame", err, errlen);
		return -1;
	}
	if (!json_is_object(o)) {
		hs_parse_seterr(err, errlen, "expected a JSON object");
		goto out;
	}
	ev = json_object_get(o, "event");
	if (!json_is_string(ev)) {
		if (!server_error(o, err, errlen))
			hs_parse_seterr(err, errlen, "frame has no event");
		goto out;
	}
	pl = json_object_get(o, "payload");
	if (jstreq(ev, "update") || jstreq(ev, "status.update")) {
		bool skipped;
		char why[256] = "";

		if (json_is_string(pl)) {
			st = json_loadb(json_string_value(pl), json_string_length(pl),
			                JSON_ALLOW_NUL, &je);
			if (!st) {
				hs_parse_json_error(&je, "payload", err, errlen);
				goto out;
			}
		} else if (json_is_object(pl)) {
			st = json_incref(pl);
		} else {
			hs_parse_seterr(err, errlen, "%s event without a payload", json_string_value(ev));
			goto out;
		}
		if (!json_is_object(st)) {
			hs_parse_seterr(err, errlen, "payload is not a JSON object");
			goto out;
		}
		*post = build_post(st, source, now_us, &skipped, why, sizeof(why));
		if (!*post) {
			if (!skipped) {
				hs_parse_seterr(err, errlen, "status: %s", why);
				goto out;
			}
		} else {
			*kind = jstreq(ev, "update") ? HS_MASTO_POST : HS_MASTO_EDIT;
		}
	} else if (jstreq(ev, "delete")) {
		char num[32];
		const char *id = NULL;

		if (json_is_string(pl) && id_ok(json_string_value(pl), json_string_length(pl))) {
			id = json_string_value(pl);
		} else if (json_is_integer(pl) && json_integer_value(pl) >= 0) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(pl));
			id = num;
		}
		if (!id) {
			hs_parse_seterr(err, errlen, "delete event without a usable id");
			goto out;
		}
		if (deleted_id && !(*deleted_id = strdup(id))) {
			hs_parse_seterr(err, errlen, "out of memory");
			goto out;
		}
		*kind = HS_MASTO_DELETE;
	}
	rc = 0;
out:
	json_decref(st);
	json_decref(o);
	return rc;
}

/* ---- Link header ----------------------------------------------------------- */

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Past the current link-value: to the next ',' outside quotes and <>. */
static const char *skip_link(const char *p)
{
	bool quoted = false, angle = false;

	for (; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (angle) {
			if (*p == '>')
				angle = false;
		} else if (*p == '"') {
			quoted = true;
		} else if (*p == '<') {
			angle = true;
		} else if (*p == ',') {
			return p;
		}
	}
	return p;
}

static bool is_tchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Does the space-separated relation list v[0..n) contain rel? */
static bool rel_has(const char *v, size_t n, const char *rel)
{
	size_t rl = strlen(rel), i = 0;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i - s == rl && strncasecmp(v + s, rel, rl) == 0)
			return true;
	}
	return false;
}

char *hs_mastodon_link_rel(const char *h, const char *rel)
{
	const char *p = h;

	if (!h || !rel || !*rel)
		return NULL;
	for (;;) {
		const char *u, *ue;
		bool match = false, seen_rel = false;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			return NULL;
		if (*p != '<') {
			p = skip_link(p);
			continue;
		}
		u = p + 1;
		ue = strchr(u, '>');
		if (!ue)
			return NULL;
		p = skip_ows(ue + 1);
		while (*p == ';') {
			const char *name, *v = NULL;
			size_t nn, vn = 0;
			char *unq = NULL;

			p = skip_ows(p + 1);
			name = p;
			while (is_tchar(*p))
				p++;
			nn = (size_t)(p - name);
			p = skip_ows(p);
			if (*p == '=') {
				p = skip_ows(p + 1);
				if (*p == '"') {
					/* quoted-string: copy without the backslashes */
					const char *q = ++p;
					size_t cap = strlen(q) + 1, o = 0;
					unq = malloc(cap);
					if (!unq)
						return NULL;
					while (*q && *q != '"') {
						if (*q == '\\' && q[1])
							q++;
						unq[o++] = *q++;
					}
					unq[o] = '\0';
					p = *q ? q + 1 : q;
					v = unq;
					vn = o;
				} else {
					v = p;
					while (is_tchar(*p) || *p == '/' || *p == ':')
						p++;
					vn = (size_t)(p - v);
				}
			}
			/* only the first rel parameter counts (RFC 8288, 3.3) */
			if (nn == 3 && strncasecmp(name, "rel", 3) == 0 && !seen_rel) {
				seen_rel = true;
				if (v && rel_has(v, vn, rel))
					match = true;
			}
			free(unq);
			p = skip_ows(p);
			if (*p != ';' && *p != ',' && *p)
				p = skip_link(p); /* garbage: drop the rest of this link */
		}
		if (match && ue > u) {
			bool clean = true;
			for (const char *q = u; q < ue; q++)
				if ((unsigned char)*q <= 0x20 || *q == 0x7f)
					clean = false;
			if (clean)
				return strndup(u, (size_t)(ue - u));
		}
		p = skip_link(p);
	}
}

/* ---- /api/v2/instance ------------------------------------------------------ */

hs_masto_access hs_mastodon_instance_feed_access(const char *buf, size_t len,
                                                 const char *feed, const char *scope)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	json_t *v = json_object_get(o, "configuration"); /* NULL-safe */
	hs_masto_access a = HS_MASTO_ACCESS_UNKNOWN;

	v = json_object_get(v, "timelines_access");
	v = json_object_get(v, feed);
	v = json_object_get(v, scope);
	if (jstreq(v, "public"))
		a = HS_MASTO_ACCESS_PUBLIC;
	else if (jstreq(v, "authenticated"))
		a = HS_MASTO_ACCESS_AUTHENTICATED;
	else if (jstreq(v, "disabled"))
		a = HS_MASTO_ACCESS_DISABLED;
	json_decref(o);
	return a;
}

int hs_mastodon_instance_public_timelines(const char *buf, size_t len)
{
	switch (hs_mastodon_instance_feed_access(buf, len, "live_feeds", "local")) {
	case HS_MASTO_ACCESS_PUBLIC:
		return 1;
	case HS_MASTO_ACCESS_UNKNOWN:
		return -1;
	default:
		return 0;
	}
}

char *hs_mastodon_instance_streaming_url(const char *buf, size_t len)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	json_t *v = json_object_get(json_object_get(json_object_get(o, "configuration"),
	                                            "urls"), "streaming");
	char *out = NULL;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		bool ok = (n > 6 && lower_eq(s, 6, "wss://")) || (n > 5 && lower_eq(s, 5, "ws://"));
		for (size_t i = 0; ok && i < n; i++)
			if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
				ok = false;
		if (ok && n <= MASTO_MAX_URL)
			out = strdup(s);
	}
	json_decref(o);
	return out;
}
