/* hearsay: the `bluesky` collector's Jetstream frame parser (see
 * jetstream.h and docs/collectors/bluesky.md). No state, no I/O: any
 * thread.
 *
 * This is on the hot path: a catch-up after a reconnect replays the
 * firehose as fast as the socket goes. A general JSON library (jansson
 * json_loadb) builds a tree of every frame and managed about 50,000
 * frames/s on the build machine, too close to the collector's budget, so
 * the frame is read by a small scanner of its own (tests/bench/
 * bench_jetstream.c has the figures):
 *  - one pass over the bytes that validates the whole frame as strictly as
 *    jansson does (grammar, UTF-8, escapes and surrogates, integer and real
 *    overflow, NUL in keys, nesting depth JSON_PARSER_MAX_DEPTH), so a
 *    frame is accepted exactly when json_loadb(..., JSON_ALLOW_NUL) would
 *    accept it;
 *  - it keeps only spans (pointer, length) of the members it needs
 *    (duplicate keys: the last one wins, as in jansson) and allocates
 *    nothing until a post passes the filter;
 *  - strings are decoded only when they are used.
 * tests/fuzz/fuzz_jetstream.c checks it against a jansson-based reference
 * implementation of the same rules. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson_config.h> /* JSON_PARSER_MAX_DEPTH: accept what jansson accepts */

#include <hearsay/post.h>

#include "collectors/common/parse_util.h"
#include "timeutil.h"
#include "utf8.h"
#include "jetstream.h"

#define JS_POST_COLLECTION "app.bsky.feed.post"
#define JS_TAG_FEATURE "app.bsky.richtext.facet#tag"
#define JS_MAX_DID 2048           /* atproto DID syntax limit */
#define JS_MAX_RKEY 512           /* atproto record key limit */
#define JS_MAX_TAGS 64            /* tags kept per post */
#define JS_MAX_TAG 640            /* bytes: the lexicon's maxLength for a tag */
#define JS_MAX_US INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999Z */
#define JS_FUTURE_SLACK_US (INT64_C(86400) * 1000000)
#ifdef JSON_PARSER_MAX_DEPTH
#define JS_MAX_DEPTH JSON_PARSER_MAX_DEPTH
#else
#define JS_MAX_DEPTH 2048
#endif


static inline unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
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

/* ---- the scanner -------------------------------------------------------------
 * Validates as it goes and records spans; nothing is allocated. */

enum { JV_NONE, JV_STRING, JV_INT, JV_REAL, JV_OBJECT, JV_ARRAY, JV_TRUE, JV_FALSE, JV_NULL };

typedef struct {
	const char *s; /* strings: after the opening quote; others: first byte */
	size_t n;      /* strings: raw bytes between the quotes; others: whole text */
	int64_t i;     /* JV_INT */
	uint8_t t;     /* JV_*; JV_NONE = member absent */
	bool esc;      /* string has backslash escapes */
	bool nul;      /* string has \u0000 */
} jv;

typedef struct {
	const char *p, *end;
} lx;

static inline void ws(lx *l)
{
	while (l->p < l->end &&
	       (*l->p == ' ' || *l->p == '\n' || *l->p == '\r' || *l->p == '\t'))
		l->p++;
}

static inline int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 4 hex digits at p (end e) as a value, or -1. */
static long hex4(const unsigned char *p, const unsigned char *e)
{
	long v = 0;
	if (e - p < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval(p[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the well-formed UTF-8 sequence at s (s[0] >= 0x80), or 0:
 * no overlongs, no surrogates, nothing above U+10FFFF (as jansson). */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* A string; l->p is at the opening quote. */
static int lex_string(lx *l, jv *v)
{
	const unsigned char *p = (const unsigned char *)l->p + 1;
	const unsigned char *e = (const unsigned char *)l->end;

	v->t = JV_STRING;
	v->s = (const char *)p;
	v->esc = false;
	v->nul = false;
	for (;;) {
		while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p >= e)
			return -1;
		if (*p == '"') {
			v->n = (size_t)(p - (const unsigned char *)v->s);
			l->p = (const char *)p + 1;
			return 0;
		}
		if (*p == '\\') {
			long u, u2;
			v->esc = true;
			if (e - p < 2)
				return -1;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if ((u = hex4(p + 2, e)) < 0)
					return -1;
				p += 6;
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (e - p < 2 || p[0] != '\\' || p[1] != 'u' ||
					    (u2 = hex4(p + 2, e)) < 0xDC00 || u2 > 0xDFFF)
						return -1;
					p += 6;
				} else if (u >= 0xDC00 && u <= 0xDFFF) {
					return -1;
				} else if (u == 0) {
					v->nul = true;
				}
				break;
			default:
				return -1;
			}
			continue;
		}
		if (*p < 0x20)
			return -1; /* raw control character */
		size_t k = utf8_seq(p, (size_t)(e - p));
		if (!k)
			return -1;
		p += k;
	}
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number, with jansson's range rules: an integer (no fraction, no
 * exponent) must fit in int64_t, a real must not overflow a double. */
static int lex_number(lx *l, jv *v)
{
	const char *p = l->p, *e = l->end, *s = p;
	bool neg = false, is_int = true;

	if (p < e && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= e)
		return -1;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < e && is_digit(*p))
			p++;
	} else {
		return -1;
	}
	if (p < e && *p == '.') {
		is_int = false;
		if (++p >= e || !is_digit(*p))
			return -1;
		while (p < e && is_digit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		is_int = false;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !is_digit(*p))
			return -1;
		while (p < e && is_digit(*p))
			p++;
	}
	v->s = s;
	v->n = (size_t)(p - s);
	if (is_int) {
		uint64_t acc = 0, lim = neg ? UINT64_C(9223372036854775808) : INT64_MAX;
		for (const char *q = s + neg; q < p; q++) {
			unsigned d = (unsigned)(*q - '0');
			if (acc > (lim - d) / 10)
				return -1; /* jansson: "too big integer" */
			acc = acc * 10 + d;
		}
		v->t = JV_INT;
		v->i = neg ? (acc == UINT64_C(9223372036854775808) ? INT64_MIN : -(int64_t)acc)
		           : (int64_t)acc;
	} else {
		/* rare in frames: let strtod judge overflow (underflow is fine) */
		char small[64], *buf = v->n < sizeof(small) ? small : malloc(v->n + 1);
		double d;
		if (!buf)
			return -1;
		memcpy(buf, s, v->n);
		buf[v->n] = '\0';
		d = strtod(buf, NULL);
		if (buf != small)
			free(buf);
		if (isinf(d))
			return -1; /* jansson: "real number overflow" */
		v->t = JV_REAL;
	}
	l->p = p;
	return 0;
}

static int lex_scalar(lx *l, jv *v)
{
	static const struct { const char *w; size_t n; uint8_t t; } lits[] = {
		{ "true", 4, JV_TRUE }, { "false", 5, JV_FALSE }, { "null", 4, JV_NULL },
	};
	char c = *l->p;

	if (c == '"')
		return lex_string(l, v);
	if (c == '-' || is_digit(c))
		return lex_number(l, v);
	for (size_t k = 0; k < 3; k++) {
		if (c == lits[k].w[0] && (size_t)(l->end - l->p) >= lits[k].n &&
		    memcmp(l->p, lits[k].w, lits[k].n) == 0) {
			v->t = lits[k].t;
			v->s = l->p;
			v->n = lits[k].n;
			l->p += lits[k].n;
			return 0;
		}
	}
	return -1;
}

/* An object key and its colon; leaves l->p at the value. jansson refuses
 * keys with a NUL. */
static int lex_key(lx *l, jv *k)
{
	if (l->p >= l->end || *l->p != '"' || lex_string(l, k) < 0 || k->nul)
		return -1;
	ws(l);
	if (l->p >= l->end || *l->p != ':')
		return -1;
	l->p++;
	ws(l);
	return l->p < l->end ? 0 : -1;
}

/* Any value at l->p (no leading space) whose depth is `depth` (1 for the
 * top level; jansson counts every value, scalars included). Containers are
 * walked without recursion, one bit per open level. */
static int scan_value(lx *l, unsigned depth, jv *v)
{
	unsigned char is_obj[(JS_MAX_DEPTH + 7) / 8];
	const char *start = l->p;
	unsigned d = 0; /* open containers */
	jv t;

	if (l->p >= l->end || depth > JS_MAX_DEPTH)
		return -1;
	if (*l->p != '{' && *l->p != '[')
		return lex_scalar(l, v);
	for (;;) {
		/* l->p is at a value of depth depth + d */
		if (depth + d > JS_MAX_DEPTH)
			return -1;
		if (*l->p == '{' || *l->p == '[') {
			bool obj = *l->p == '{';
			if (obj)
				is_obj[d / 8] |= (unsigned char)(1u << (d % 8));
			else
				is_obj[d / 8] &= (unsigned char)~(1u << (d % 8));
			d++;
			l->p++;
			ws(l);
			if (l->p >= l->end)
				return -1;
			if (*l->p == (obj ? '}' : ']')) {
				l->p++;
				d--;
				goto value_done;
			}
			if (obj && lex_key(l, &t) < 0)
				return -1;
			continue;
		}
		if (lex_scalar(l, &t) < 0)
			return -1;
value_done:
		if (d == 0)
			break;
		ws(l);
		if (l->p >= l->end)
			return -1;
		bool in_obj = is_obj[(d - 1) / 8] & (1u << ((d - 1) % 8));
		if (*l->p == ',') {
			l->p++;
			ws(l);
			if (in_obj ? lex_key(l, &t) < 0 : l->p >= l->end)
				return -1;
			continue;
		}
		if (*l->p != (in_obj ? '}' : ']'))
			return -1;
		l->p++;
		d--;
		goto value_done;
	}
	v->t = *start == '{' ? JV_OBJECT : JV_ARRAY;
	v->s = start;
	v->n = (size_t)(l->p - start);
	return 0;
}

typedef int (*member_fn)(void *ctx, const jv *key, lx *l, unsigned depth);

/* An object at l->p of depth `depth`: fn sees each member with l->p at its
 * value (of depth depth + 1) and must consume the value. */
static int walk_object(lx *l, unsigned depth, member_fn fn, void *ctx, jv *v)
{
	const char *start = l->p;
	jv k;

	if (depth > JS_MAX_DEPTH)
		return -1;
	l->p++;
	ws(l);
	if (l->p < l->end && *l->p == '}') {
		l->p++;
	} else {
		for (;;) {
			if (lex_key(l, &k) < 0 || fn(ctx, &k, l, depth + 1) < 0)
				return -1;
			ws(l);
			if (l->p >= l->end)
				return -1;
			if (*l->p == '}') {
				l->p++;
				break;
			}
			if (*l->p != ',')
				return -1;
			l->p++;
			ws(l);
		}
	}
	v->t = JV_OBJECT;
	v->s = start;
	v->n = (size_t)(l->p - start);
	return 0;
}

/* Decode a validated string span into out (room for n bytes); a \u0000 is
 * kept as a NUL byte or dropped. Returns the decoded length. */
static size_t decode_into(const char *s, size_t n, char *out, bool keep_nul)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t o = 0;

	while (p < e) {
		const unsigned char *q = p;
		while (q < e && *q != '\\')
			q++;
		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		if (q >= e)
			break;
		p = q + 2;
		switch (q[1]) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned long u = (unsigned long)hex4(q + 2, e);
			p = q + 6;
			if (u >= 0xD800 && u <= 0xDBFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + ((unsigned long)hex4(p + 2, e) - 0xDC00);
				p += 6;
			}
			if (u == 0) {
				if (keep_nul)
					out[o++] = '\0';
			} else if (u < 0x80) {
				out[o++] = (char)u;
			} else if (u < 0x800) {
				out[o++] = (char)(0xC0 | (u >> 6));
				out[o++] = (char)(0x80 | (u & 0x3F));
			} else if (u < 0x10000) {
				out[o++] = (char)(0xE0 | (u >> 12));
				out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (u & 0x3F));
			} else {
				out[o++] = (char)(0xF0 | (u >> 18));
				out[o++] = (char)(0x80 | ((u >> 12) & 0x3F));
				out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (u & 0x3F));
			}
			break;
		}
		default: /* '"', '\\', '/' */
			out[o++] = (char)q[1];
			break;
		}
	}
	return o;
}

/* v is a string equal to lit[0..n) once decoded (a NUL never matches). */
static bool jv_eq(const jv *v, const char *lit, size_t n)
{
	char buf[256];

	if (v->t != JV_STRING)
		return false;
	if (!v->esc)
		return v->n == n && memcmp(v->s, lit, n) == 0;
	/* an escape decodes to at least 1 byte per 6 */
	if (v->n > 6 * n || v->n > sizeof(buf))
		return false;
	return decode_into(v->s, v->n, buf, true) == n && memcmp(buf, lit, n) == 0;
}
#define JV_EQ(v, lit) jv_eq((v), (lit), sizeof(lit) - 1)

/* A decoded view of a string: into the frame when it has no escapes, else
 * into `own` (to be freed). NUL bytes kept. */
typedef struct {
	const char *s;
	size_t n;
	char *own;
} sview;

static int sv_get(const jv *v, sview *out)
{
	out->own = NULL;
	if (!v->esc) {
		out->s = v->s;
		out->n = v->n;
		return 0;
	}
	if (!(out->own = malloc(v->n + 1)))
		return -1;
	out->n = decode_into(v->s, v->n, out->own, true);
	out->own[out->n] = '\0';
	out->s = out->own;
	return 0;
}

/* Array iteration over a span the scanner validated. */
typedef struct {
	lx l;
	bool first;
} arr_it;

static void arr_begin(arr_it *it, const jv *a)
{
	it->l.p = a->s + 1;
	it->l.end = a->s + a->n;
	it->first = true;
}

static bool arr_next(arr_it *it, jv *el)
{
	ws(&it->l);
	if (it->l.p >= it->l.end || *it->l.p == ']')
		return false;
	if (!it->first) {
		if (*it->l.p != ',')
			return false;
		it->l.p++;
		ws(&it->l);
	}
	it->first = false;
	return scan_value(&it->l, 1, el) == 0;
}

/* The last member `key` of a validated object span (jansson: last wins). */
static bool obj_get(const jv *o, const char *key, size_t kn, jv *out)
{
	lx l;
	jv k, v;
	bool found = false;

	if (o->t != JV_OBJECT)
		return false;
	l.p = o->s + 1;
	l.end = o->s + o->n;
	ws(&l);
	if (l.p < l.end && *l.p == '}')
		return false;
	for (;;) {
		if (lex_key(&l, &k) < 0 || scan_value(&l, 1, &v) < 0)
			return found;
		if (jv_eq(&k, key, kn)) {
			*out = v;
			found = true;
		}
		ws(&l);
		if (l.p >= l.end || *l.p != ',')
			return found;
		l.p++;
		ws(&l);
	}
}

/* ---- the frame's members ----------------------------------------------------- */

typedef struct {
	jv text, created, langs, reply, facets, tags;
} record_view;

typedef struct {
	jv collection, operation, rkey, record;
	record_view r; /* members of the last "record" */
} commit_view;

typedef struct {
	jv did, time_us, kind, commit;
	commit_view c; /* members of the last "commit" */
} frame_view;

static int record_member(void *ctx, const jv *k, lx *l, unsigned depth)
{
	record_view *f = ctx;
	jv skip, *dst = &skip;

	if (JV_EQ(k, "text"))
		dst = &f->text;
	else if (JV_EQ(k, "createdAt"))
		dst = &f->created;
	else if (JV_EQ(k, "langs"))
		dst = &f->langs;
	else if (JV_EQ(k, "reply"))
		dst = &f->reply;
	else if (JV_EQ(k, "facets"))
		dst = &f->facets;
	else if (JV_EQ(k, "tags"))
		dst = &f->tags;
	return scan_value(l, depth, dst);
}

static int commit_member(void *ctx, const jv *k, lx *l, unsigned depth)
{
	commit_view *f = ctx;
	jv skip, *dst = &skip;

	if (JV_EQ(k, "record")) {
		/* a later "record" replaces an earlier one entirely */
		memset(&f->r, 0, sizeof(f->r));
		if (*l->p == '{')
			return walk_object(l, depth, record_member, &f->r, &f->record);
		dst = &f->record;
	} else if (JV_EQ(k, "collection")) {
		dst = &f->collection;
	} else if (JV_EQ(k, "operation")) {
		dst = &f->operation;
	} else if (JV_EQ(k, "rkey")) {
		dst = &f->rkey;
	}
	return scan_value(l, depth, dst);
}

static int top_member(void *ctx, const jv *k, lx *l, unsigned depth)
{
	frame_view *f = ctx;
	jv skip, *dst = &skip;

	if (JV_EQ(k, "commit")) {
		/* a later "commit" replaces an earlier one entirely */
		memset(&f->c, 0, sizeof(f->c));
		if (*l->p == '{')
			return walk_object(l, depth, commit_member, &f->c, &f->commit);
		dst = &f->commit;
	} else if (JV_EQ(k, "did")) {
		dst = &f->did;
	} else if (JV_EQ(k, "time_us")) {
		dst = &f->time_us;
	} else if (JV_EQ(k, "kind")) {
		dst = &f->kind;
	}
	return scan_value(l, depth, dst);
}

/* ---- from the frame to a post ------------------------------------------------ */

static bool passes(const hs_js_filter *f, const sview *text, const jv *langs)
{
	if (!f)
		return true;
	if (f->n_langs > 0) {
		bool ok = false;
		arr_it it;
		jv l;

		if (langs->t != JV_ARRAY)
			return false;
		arr_begin(&it, langs);
		while (!ok && arr_next(&it, &l)) {
			sview lv;
			if (l.t != JV_STRING || sv_get(&l, &lv) < 0)
				continue;
			for (size_t k = 0; k < f->n_langs && !ok; k++)
				ok = f->langs[k] && prim_eq(lv.s, lv.n, f->langs[k], strlen(f->langs[k]));
			free(lv.own);
		}
		if (!ok)
			return false;
	}
	if (f->n_keywords > 0) {
		for (size_t k = 0; k < f->n_keywords; k++)
			if (f->keywords[k] &&
			    contains_ci(text->s, text->n, f->keywords[k], strlen(f->keywords[k])))
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

static int add_tag(hs_post *p, const jv *v)
{
	sview t;
	const char *s;
	size_t n;
	int rc = 0;

	if (v->t != JV_STRING || p->n_tags >= JS_MAX_TAGS)
		return 0;
	if (sv_get(v, &t) < 0)
		return -1;
	s = t.s;
	n = t.n;
	if (n > 0 && s[0] == '#') {
		s++;
		n--;
	}
	if (n > 0 && n <= JS_MAX_TAG && !memchr(s, '\0', n)) {
		char *tag = strndup(s, n);
		bool dup = false;
		if (!tag) {
			rc = -1;
		} else {
			for (size_t k = 0; k < p->n_tags && !dup; k++)
				dup = ascii_caseeq(p->tags[k], tag);
			if (!dup && hs_post_add_tag(p, tag) < 0)
				rc = -1;
			free(tag);
		}
	}
	free(t.own);
	return rc;
}

/* Hashtags: features of type #tag in facets, then the record's own tags. */
static int add_tags(hs_post *p, const record_view *f)
{
	arr_it it, jt;
	jv el, features, feat, v;

	if (f->facets.t == JV_ARRAY) {
		arr_begin(&it, &f->facets);
		while (arr_next(&it, &el)) {
			if (!obj_get(&el, "features", 8, &features) || features.t != JV_ARRAY)
				continue;
			arr_begin(&jt, &features);
			while (arr_next(&jt, &feat)) {
				if (obj_get(&feat, "$type", 5, &v) && JV_EQ(&v, JS_TAG_FEATURE) &&
				    obj_get(&feat, "tag", 3, &v) && add_tag(p, &v) < 0)
					return -1;
			}
		}
	}
	if (f->tags.t == JV_ARRAY) {
		arr_begin(&it, &f->tags);
		while (arr_next(&it, &el))
			if (add_tag(p, &el) < 0)
				return -1;
	}
	return 0;
}

static hs_post *build_post(const record_view *f, const sview *did, const sview *rkey,
                           const sview *text, const char *source, int64_t now_us,
                           int64_t bound_us, char *err, size_t errlen)
{
	hs_post *p = hs_post_new();
	int64_t created;

	if (!p)
		goto oom;
	p->fetched_us = now_us;
	/* createdAt is set by the client: never later than when Jetstream saw it */
	p->created_us = bound_us == INT64_MAX ? 0 : bound_us;
	if (f->created.t == JV_STRING) {
		sview c;
		char *z;
		if (sv_get(&f->created, &c) < 0)
			goto oom;
		z = memchr(c.s, '\0', c.n) ? NULL : strndup(c.s, c.n);
		if (z && hs_time_parse_rfc3339(z, &created) == 0 && created <= bound_us)
			p->created_us = created;
		free(z);
		free(c.own);
	}
	if (f->reply.t == JV_OBJECT)
		p->flags |= HS_POST_REPLY;
	if (!(p->text = hs_parse_dup_nonul(text->s, text->n)))
		goto oom;
	if (source && !(p->source = strdup(source)))
		goto oom;
	if (asprintf(&p->source_id, "%.*s/%.*s", (int)did->n, did->s, (int)rkey->n, rkey->s) < 0) {
		p->source_id = NULL;
		goto oom;
	}
	if (asprintf(&p->url, "https://bsky.app/profile/%.*s/post/%.*s", (int)did->n, did->s,
	             (int)rkey->n, rkey->s) < 0) {
		p->url = NULL;
		goto oom;
	}
	if (!(p->author = strndup(did->s, did->n)))
		goto oom;
	if (f->langs.t == JV_ARRAY) {
		arr_it it;
		jv l;
		arr_begin(&it, &f->langs);
		while (!p->lang && arr_next(&it, &l)) {
			sview lv;
			if (l.t != JV_STRING)
				continue;
			if (sv_get(&l, &lv) < 0)
				goto oom;
			p->lang = hs_parse_lang(lv.s, lv.n);
			free(lv.own);
		}
	}
	if (add_tags(p, f) < 0)
		goto oom;
	return p;
oom:
	hs_parse_seterr(err, errlen, "out of memory");
	hs_post_free(p);
	return NULL;
}

int hs_jetstream_parse_frame(const char *frame, size_t len, const char *source,
                             int64_t now_us, const hs_js_filter *filter,
                             hs_js_kind *kind, hs_post **post, char **deleted_id,
                             int64_t *time_us, char *err, size_t errlen)
{
	frame_view f;
	jv top;
	lx l = { frame, frame + len };
	sview did = { 0 }, rkey = { 0 }, text = { 0 };
	int64_t bound = now_us > 0 ? now_us : INT64_MAX;
	int rc = -1;

	*kind = HS_JS_IGNORED;
	*post = NULL;
	if (deleted_id)
		*deleted_id = NULL;
	if (err && errlen)
		err[0] = '\0';
	memset(&f, 0, sizeof(f));

	/* the whole frame is validated before anything is used */
	ws(&l);
	if (l.p < l.end && *l.p == '{') {
		if (walk_object(&l, 1, top_member, &f, &top) < 0)
			goto invalid;
	} else if (l.p >= l.end || *l.p != '[' || scan_value(&l, 1, &top) < 0) {
		goto invalid;
	}
	ws(&l);
	if (l.p != l.end)
		goto invalid;
	if (top.t != JV_OBJECT) {
		hs_parse_seterr(err, errlen, "frame is not a JSON object");
		return -1;
	}

	if (f.time_us.t != JV_NONE) {
		int64_t t;
		if (f.time_us.t != JV_INT) {
			hs_parse_seterr(err, errlen, "time_us is not an integer");
			return -1;
		}
		t = f.time_us.i;
		if (t <= 0 || t > JS_MAX_US ||
		    (now_us > 0 && now_us < JS_MAX_US - JS_FUTURE_SLACK_US &&
		     t > now_us + JS_FUTURE_SLACK_US)) {
			hs_parse_seterr(err, errlen, "time_us %lld is out of range", (long long)t);
			return -1;
		}
		if (time_us)
			*time_us = t;
		bound = t;
	}
	if (f.kind.t != JV_STRING) {
		hs_parse_seterr(err, errlen, "frame has no kind");
		return -1;
	}
	if (!JV_EQ(&f.kind, "commit"))
		return 0; /* identity, account, and whatever comes later */
	if (f.commit.t != JV_OBJECT) {
		hs_parse_seterr(err, errlen, "commit frame without a commit object");
		return -1;
	}
	if (!JV_EQ(&f.c.collection, JS_POST_COLLECTION)) {
		if (f.c.collection.t != JV_STRING) {
			hs_parse_seterr(err, errlen, "commit has no collection");
			return -1;
		}
		return 0; /* not a post (wantedCollections should have kept it away) */
	}
	if (f.did.t != JV_STRING || sv_get(&f.did, &did) < 0 || !did_ok(did.s, did.n)) {
		hs_parse_seterr(err, errlen, "missing or invalid did");
		goto out;
	}
	if (f.c.rkey.t != JV_STRING || sv_get(&f.c.rkey, &rkey) < 0 || !rkey_ok(rkey.s, rkey.n)) {
		hs_parse_seterr(err, errlen, "missing or invalid rkey");
		goto out;
	}
	if (f.c.operation.t != JV_STRING) {
		hs_parse_seterr(err, errlen, "commit has no operation");
		goto out;
	}
	if (JV_EQ(&f.c.operation, "delete")) {
		if (deleted_id && asprintf(deleted_id, "%.*s/%.*s", (int)did.n, did.s, (int)rkey.n,
		                           rkey.s) < 0) {
			*deleted_id = NULL;
			hs_parse_seterr(err, errlen, "out of memory");
			goto out;
		}
		*kind = HS_JS_DELETE;
		rc = 0;
		goto out;
	}
	if (!JV_EQ(&f.c.operation, "create") && !JV_EQ(&f.c.operation, "update")) {
		rc = 0;
		goto out;
	}
	if (f.c.record.t != JV_OBJECT) {
		hs_parse_seterr(err, errlen, "commit has no record");
		goto out;
	}
	if (f.c.r.text.t != JV_STRING) {
		hs_parse_seterr(err, errlen, "post record has no text");
		goto out;
	}
	if (sv_get(&f.c.r.text, &text) < 0) {
		hs_parse_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (!passes(filter, &text, &f.c.r.langs)) {
		rc = 0;
		goto out;
	}
	*post = build_post(&f.c.r, &did, &rkey, &text, source, now_us, bound, err, errlen);
	if (!*post)
		goto out;
	*kind = JV_EQ(&f.c.operation, "create") ? HS_JS_POST : HS_JS_EDIT;
	rc = 0;
out:
	free(did.own);
	free(rkey.own);
	free(text.own);
	return rc;
invalid:
	hs_parse_seterr(err, errlen, "frame is not valid JSON (near byte %zu)", (size_t)(l.p - frame));
	return -1;
}
