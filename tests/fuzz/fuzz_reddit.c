/* hearsay fuzz target: what Reddit sends the reddit collector, and the
 * credentials it reads from files.
 *
 * Input: any bytes, given to every parser of collectors/reddit in turn:
 * hs_reddit_parse_listing (a subreddit listing; with two clocks and with a
 * sink that stops after two posts), hs_reddit_parse_token (the OAuth token
 * answer, into a small and a large buffer) and hs_reddit_basic_auth (the
 * input split at its first NUL, else in the middle, as client id and
 * secret).
 *
 * Invariants (abort when broken): a failure has a reason; the count
 * returned is the number of posts the sink got; posts come oldest first
 * (created, then hs_reddit_fullname_cmp) and each fullname once; a
 * fullname handed back (source_id, newest) is "t3_" and 1-16 base36
 * digits, and newest is the last post handed over when the sink stopped;
 * every string of a post is valid UTF-8, the URL is http(s) without blanks,
 * the author "u/...", the tag "r/...", created is not after "now", and the
 * post survives the store's JSON round trip; a token is visible ASCII that
 * fits its buffer, with a lifetime of 1 s to a year; the Basic value is
 * exactly "Basic " + base64 of the trimmed id ':' the trimmed secret, and
 * NULL exactly when those are refused.
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/evp.h>

#include <hearsay/post.h>

#include "collectors/reddit/reddit.h"
#include "postjson.h"
#include "utf8.h"

#define FUZZ_NAME "fuzz_reddit"
#include "fuzz_post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW (INT64_C(1778932800) * 1000000) /* 2026-05-16T12:00:00Z */
#define MAX_EMIT 4096


static void check_fullname(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > 19 || strncmp(s, "t3_", 3) != 0 ||
	    strspn(s + 3, "0123456789abcdefghijklmnopqrstuvwxyz") != n - 3)
		die("a fullname that is not t3_ and 1-16 base36 digits");
}

static void check_str(const char *s, const char *what)
{
	if (s && !hs_utf8_valid(s, strlen(s))) {
		fprintf(stderr, "fuzz_reddit: %s is not valid UTF-8\n", what);
		abort();
	}
}

static void check_reason(const char *err, size_t cap)
{
	if (!err[0] || strnlen(err, cap) == cap || !hs_utf8_valid(err, strlen(err)))
		die("a failure without a usable reason");
}

static void check_post(const hs_post *p, int64_t now)
{
	if (!p->source || !p->source_id || !p->text)
		die("post without source, id or text");
	check_fullname(p->source_id);
	check_str(p->text, "text");
	check_str(p->author, "author");
	check_str(p->url, "url");
	if (p->author && (strncmp(p->author, "u/", 2) != 0 || !p->author[2]))
		die("an author that is not u/NAME");
	if (p->n_tags > 1)
		die("more than one tag");
	for (size_t i = 0; i < p->n_tags; i++) {
		check_str(p->tags[i], "tag");
		if (strncmp(p->tags[i], "r/", 2) != 0 || !p->tags[i][2])
			die("a tag that is not r/SUBREDDIT");
	}
	if (p->url && strncasecmp(p->url, "https://", 8) != 0 &&
	    strncasecmp(p->url, "http://", 7) != 0)
		die("a URL that is not http(s)");
	for (const char *q = p->url; q && *q; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f)
			die("a URL with white space or control characters");
	if (p->title || p->lang || p->flags)
		die("title, lang or flags set");
	if (p->created_us < 0 || (now > 0 && p->created_us > now) || p->fetched_us != now)
		die("created before 1970 or after now, or fetched not now");

	fuzz_post_roundtrip(p);
}

typedef struct {
	size_t n;
	size_t stop_after;
	int64_t now;
	int64_t last_created;
	char *ids[MAX_EMIT]; /* fullnames handed over, in order */
} counter;

static int sink(void *ud, hs_post *p)
{
	counter *c = ud;

	check_post(p, c->now);
	if (c->n >= MAX_EMIT)
		die("more posts than the input could hold");
	if (c->n > 0) {
		const char *prev = c->ids[c->n - 1];
		int cmp = hs_reddit_fullname_cmp(prev, p->source_id);
		int back = hs_reddit_fullname_cmp(p->source_id, prev);
		if ((cmp < 0) != (back > 0) || (cmp == 0) != (back == 0))
			die("hs_reddit_fullname_cmp is not antisymmetric");
		if (p->created_us < c->last_created || (p->created_us == c->last_created && cmp >= 0))
			die("posts not oldest first");
	}
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->ids[i], p->source_id) == 0)
			die("a fullname emitted twice");
	if (!(c->ids[c->n] = strdup(p->source_id)))
		die("out of memory");
	c->last_created = p->created_us;
	hs_post_free(p);
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

static void listing(const uint8_t *data, size_t size, int64_t now, size_t stop_after)
{
	char err[256], *newest = NULL;
	size_t bad = 0;
	counter *c = calloc(1, sizeof(*c));
	int n;

	if (!c)
		return;
	c->stop_after = stop_after;
	c->now = now;
	n = hs_reddit_parse_listing((const char *)data, size, "fuzz", now, sink, c, &newest, &bad,
	                            err, sizeof(err));
	if (n < 0) {
		check_reason(err, sizeof(err));
		if (newest || c->n || bad)
			die("a refused listing left output behind");
		goto done;
	}
	if ((size_t)n != c->n)
		die("the count returned is not what the sink got");
	if (stop_after && c->n > stop_after)
		die("the sink's stop was ignored");
	if (bad && strncmp(err, "post ", 5) != 0)
		die("bad posts without a reason");
	if (!bad && err[0] && strcmp(err, "out of memory") != 0)
		die("a reason without a bad post");
	if (newest)
		check_fullname(newest);
	else if (n > 0)
		die("posts emitted but no newest fullname");
	if (!n && !bad && newest)
		die("a newest fullname without a post");
	if (stop_after && c->n == stop_after && !streq(newest, c->ids[c->n - 1]))
		die("the sink stopped but newest is not the last post handed over");
done:
	for (size_t i = 0; i < c->n; i++)
		free(c->ids[i]);
	free(c);
	free(newest);
}

static void token(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 2, 64, 8192 };
	char *tok = malloc(8192), err[256];
	bool ok_before = false;

	if (!tok)
		return;
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		int64_t exp = -1;
		int rc = hs_reddit_parse_token((const char *)data, size, tok, caps[k], &exp, err,
		                               sizeof(err));
		if (rc < 0) {
			check_reason(err, sizeof(err));
			if (tok[0] || exp != 0)
				die("a refused token answer left output behind");
			if (ok_before)
				die("a token that fits a small buffer is refused with a larger one");
			continue;
		}
		size_t n = strlen(tok);
		if (n == 0 || n >= caps[k])
			die("a token that is empty or does not fit");
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)tok[i] < 0x21 || (unsigned char)tok[i] > 0x7e)
				die("a token with bytes outside visible ASCII");
		if (exp < 1 || exp > 365LL * 86400)
			die("a token lifetime outside 1 s to a year");
		ok_before = true;
	}
	free(tok);
}

/* The reference: trailing white space off, then refused when empty, too
 * long, with a control byte or (id) a ':'. */
static size_t trimmed(const uint8_t *s, size_t n, bool id, bool *ok)
{
	while (n && s[n - 1] && strchr(" \t\n\v\f\r", s[n - 1]))
		n--;
	if (n == 0 || n > 4096)
		*ok = false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || (id && s[i] == ':'))
			*ok = false;
	return n;
}

static void basic_auth(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t idn = nul ? (size_t)(nul - data) : size / 2;
	const uint8_t *sec = nul ? nul + 1 : data + idn;
	size_t sn = size - idn - (nul ? 1 : 0);
	bool ok = true;
	size_t ti = trimmed(data, idn, true, &ok), ts = trimmed(sec, sn, false, &ok);
	char *got = hs_reddit_basic_auth(data, idn, sec, sn);

	if (!ok) {
		if (got)
			die("credentials that should be refused got a Basic value");
		return;
	}
	if (!got)
		die("usable credentials got no Basic value");
	unsigned char *plain = malloc(ti + 1 + ts);
	unsigned char *want = malloc(4 * ((ti + 1 + ts + 2) / 3) + 1);
	if (!plain || !want)
		die("out of memory");
	memcpy(plain, data, ti);
	plain[ti] = ':';
	memcpy(plain + ti + 1, sec, ts);
	EVP_EncodeBlock(want, plain, (int)(ti + 1 + ts));
	if (strncmp(got, "Basic ", 6) != 0 || strcmp(got + 6, (const char *)want) != 0)
		die("a Basic value that is not base64(id:secret)");
	free(plain);
	free(want);
	free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	listing(data, size, NOW, 0);
	listing(data, size, NOW, 2);
	listing(data, size, 0, 0);
	token(data, size);
	basic_auth(data, size);
	return 0;
}
