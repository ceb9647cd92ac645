/* hearsay fuzz target: the rss collector's parser (collectors/rss/).
 *
 * Input: one option byte, then a feed document (any bytes). The option
 * byte picks the Content-Type charset the host would pass (bits 0-2: none,
 * utf-8, iso-8859-1, windows-1252, utf-16, koi8-r, shift_jis, a bogus
 * name) and whether there is a base URL (bit 3). The seeds in
 * corpus/fuzz_feed/ start with such a byte ('0' is "no charset, base
 * URL"). The rest of the input is also the date string and the HTML.
 *
 * hs_feed_parse() runs on the document; every post it emits is checked:
 * source, non-empty source_id distinct within the document, text never
 * NULL, every string valid UTF-8 without control characters (text may
 * have line breaks), title and text within HS_FEED_MAX_FIELD, url
 * absolute http(s), lang 2-3 lower-case letters, tags non-empty and at
 * most HS_FEED_MAX_TAGS, fetched_us the fetch time, created_us a time that
 * survives hs_time_format + hs_time_parse_rfc3339 (the store must read it
 * back). A failed parse must say why; a successful one must account for
 * every item (emitted + skipped == items). The document (up to its first
 * NUL) is also given to hs_feed_parse_date (a parsed date must survive
 * formatting too) and the raw bytes to hs_html_to_text (valid UTF-8,
 * trimmed, whitespace collapsed).
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/post.h>

#include "collectors/rss/feed.h"
#include "timeutil.h"
#include "utf8.h"

#define FUZZ_NOW_US INT64_C(1778923920000000) /* 2026-05-16T09:32:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	char **ids;
	size_t n, cap;
};

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_feed: %s: \"%s\"\n", what, detail ? detail : "(null)");
	abort();
}

/* Valid UTF-8, no control characters (but '\n' if lines). */
static void check_str(const char *what, const char *s, bool lines)
{
	if (!s)
		return;
	if (!hs_utf8_valid(s, strlen(s)))
		fail(what, "invalid UTF-8");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(lines && *p == '\n')) || *p == 0x7F)
			fail(what, s);
}

/* No leading/trailing whitespace, no two spaces, no three newlines. */
static void check_collapsed(const char *what, const char *s)
{
	size_t n = strlen(s);
	if (n && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n'))
		fail(what, s);
	if (strstr(s, "  ") || strstr(s, "\n\n\n") || strstr(s, " \n") || strstr(s, "\n "))
		fail(what, s);
}

static int sink(void *ud, hs_post *p)
{
	struct seen *sn = ud;
	char buf[40];
	int64_t t;

	if (!p->source || strcmp(p->source, "fuzz") != 0)
		fail("source", p->source);
	if (!p->source_id || !p->source_id[0])
		fail("empty source_id", p->source_id);
	if (!p->text)
		fail("text", NULL);
	if (p->fetched_us != FUZZ_NOW_US)
		fail("fetched_us", NULL);
	if (p->feed || p->cursor || p->id || p->feed_seq)
		fail("host fields set", NULL);
	check_str("source_id", p->source_id, false);
	check_str("url", p->url, false);
	check_str("author", p->author, false);
	check_str("lang", p->lang, false);
	check_str("title", p->title, false);
	check_str("text", p->text, true);
	check_collapsed("text", p->text);
	if (p->title) {
		if (!p->title[0])
			fail("empty title", p->title);
		check_collapsed("title", p->title);
	}
	if ((p->title && strlen(p->title) > HS_FEED_MAX_FIELD) || strlen(p->text) > HS_FEED_MAX_FIELD)
		fail("field over the cap", NULL);
	if (p->url && strncmp(p->url, "http://", 7) != 0 && strncmp(p->url, "https://", 8) != 0)
		fail("url scheme", p->url);
	if (p->lang) {
		size_t n = strlen(p->lang);
		if (n < 2 || n > 3 || strspn(p->lang, "abcdefghijklmnopqrstuvwxyz") != n)
			fail("lang", p->lang);
	}
	if (p->n_tags > HS_FEED_MAX_TAGS)
		fail("too many tags", NULL);
	for (size_t i = 0; i < p->n_tags; i++) {
		if (!p->tags[i] || !p->tags[i][0] || strlen(p->tags[i]) > HS_FEED_MAX_TAG)
			fail("tag", p->tags[i]);
		check_str("tag", p->tags[i], false);
	}
	hs_time_format(p->created_us, buf, sizeof(buf));
	if (hs_time_parse_rfc3339(buf, &t) != 0 || t != p->created_us)
		fail("created_us does not survive formatting", buf);
	for (size_t i = 0; i < sn->n; i++)
		if (strcmp(sn->ids[i], p->source_id) == 0)
			fail("duplicate source_id", p->source_id);
	if (sn->n == sn->cap) {
		size_t nc = sn->cap ? sn->cap * 2 : 16;
		char **ni = realloc(sn->ids, nc * sizeof(*ni));
		if (!ni)
			abort();
		sn->ids = ni;
		sn->cap = nc;
	}
	sn->ids[sn->n++] = p->source_id;
	p->source_id = NULL; /* kept for the duplicate check */
	hs_post_free(p);
	return 0;
}

static void fuzz_parse(uint8_t opt, const uint8_t *data, size_t size)
{
	static const char *const charsets[8] = {
		NULL, "utf-8", "iso-8859-1", "windows-1252", "utf-16", "koi8-r", "shift_jis",
		"x-no-such-charset",
	};
	struct seen sn = { NULL, 0, 0 };
	hs_feed_info info;
	char err[256];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = hs_feed_parse((const char *)data, size, charsets[opt & 7], "fuzz",
	                   (opt & 8) ? NULL : "https://fuzz.example.org/feeds/main.xml",
	                   FUZZ_NOW_US, sink, &sn, &info, err, sizeof(err));
	if (rc < 0) {
		if (rc != -1 || !err[0] || strnlen(err, sizeof(err)) == sizeof(err))
			fail("failure without a reason", NULL);
		if (sn.n || info.title || info.link || info.lang || info.format)
			fail("failure with output", NULL);
	} else {
		if (err[0] || (size_t)rc != sn.n)
			fail("success with an error, or a miscount", err);
		if (sn.n + info.n_skipped != info.n_items)
			fail("items not accounted for", NULL);
		if (info.n_items > HS_FEED_MAX_ITEMS || !info.format)
			fail("info", info.format);
		check_str("feed title", info.title, false);
		check_str("feed link", info.link, false);
		check_str("feed lang", info.lang, false);
	}
	hs_feed_info_free(&info);
	for (size_t i = 0; i < sn.n; i++)
		free(sn.ids[i]);
	free(sn.ids);
}

static void fuzz_date(const uint8_t *data, size_t size)
{
	char s[256], buf[40];
	size_t n = strnlen((const char *)data, size < sizeof(s) - 1 ? size : sizeof(s) - 1);
	int64_t t, t2;

	memcpy(s, data, n);
	s[n] = '\0';
	if (hs_feed_parse_date(s, &t) == 0) {
		hs_time_format(t, buf, sizeof(buf));
		if (hs_time_parse_rfc3339(buf, &t2) != 0 || t2 != t)
			fail("date does not survive format+parse", s);
		/* what hs_time_format writes, the feed parser reads the same */
		if (hs_feed_parse_date(buf, &t2) != 0 || t2 != t)
			fail("feed parser reads RFC 3339 differently", buf);
	}
}

static void fuzz_html(const uint8_t *data, size_t size)
{
	char *t = hs_html_to_text((const char *)data, size);
	if (!t)
		abort();
	check_str("html text", t, true);
	check_collapsed("html text", t);
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = size ? data[0] : 0;

	if (size) {
		data++;
		size--;
	}
	fuzz_parse(opt, data, size);
	fuzz_date(data, size);
	fuzz_html(data, size);
	return 0;
}
