/* hearsay: the `rss` collector's parser (docs/collectors/rss.md).
 *
 * Pure functions over bytes the host fetched: an RSS 2.0 (and 0.9x), RSS 1.0
 * (RDF) or Atom 1.0 (and 0.3) document in, normalised posts out. They keep
 * no state between calls and allocate only what they hand back, so any
 * thread may call them at the same time. The host does all the I/O.
 *
 * Posts built here have source (a copy of the `source` argument),
 * source_id, url (absolute http or https only, else NULL), author (the raw
 * name or address the feed gives: the daemon pseudonymises it later), lang
 * (lower-case primary subtag, "en", "nl", or NULL), created_us, fetched_us
 * (= now_us), title (plain text, or NULL), text (plain text, never NULL,
 * possibly ""), tags. feed, cursor, id and feed_seq are left to the host.
 * Every string is valid UTF-8 without NUL or control characters (text
 * keeps line breaks).
 */
#ifndef HS_RSS_FEED_H
#define HS_RSS_FEED_H

#include <stddef.h>
#include <stdint.h>

#include <hearsay/post.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (see docs/collectors/rss.md). */
#define HS_FEED_MAX_DOC   (32u << 20) /* bytes of input accepted */
#define HS_FEED_MAX_ITEMS 10000       /* items per document; the rest is ignored */
#define HS_FEED_MAX_FIELD (64u << 10) /* bytes of title / text, cut at a character */
#define HS_FEED_MAX_SHORT 1024        /* bytes of author and of the id before hashing */
#define HS_FEED_MAX_TAG   256         /* bytes of one tag */
#define HS_FEED_MAX_TAGS  64          /* tags per post */
#define HS_FEED_MAX_URL   8192        /* a longer link is dropped */

/* Posts go to an hs_post_sink (<hearsay/post.h>): it always takes
 * ownership; a non-zero return stops the parse after that post (which
 * counts as emitted). */

/* What the parse learnt about the document (all optional reading). */
typedef struct hs_feed_info {
	char *title;          /* feed title, plain text, or NULL */
	char *link;           /* feed home page (absolute http/https) or NULL */
	char *lang;           /* feed language ("en"), or NULL */
	const char *format;   /* "rss2", "rss1" or "atom" (static), NULL on error */
	char charset[40];     /* what the bytes were decoded from, e.g. "UTF-8" */
	size_t n_items;       /* items/entries in the document (up to the cap) */
	size_t n_skipped;     /* items not emitted: empty, cut off by the end of a
	                       * truncated document, or exact duplicates */
	size_t n_undated;     /* emitted with created_us = now_us: no usable date */
	size_t n_xml_errors;  /* XML errors recovered from (0 for a clean document) */
	int truncated;        /* more than HS_FEED_MAX_ITEMS items: the rest ignored */
} hs_feed_info;

/* Parse a feed document.
 *
 * buf/len: the response body (any bytes; need not be NUL-terminated).
 * declared_charset: the Content-Type charset parameter, or NULL. Bytes that
 *   are valid UTF-8 are read as UTF-8 whatever is declared; otherwise the
 *   XML declaration's encoding, then declared_charset, then windows-1252.
 * source: the configured source name (copied into post->source); not NULL.
 * base_url: the feed URL after redirects, against which relative links are
 *   resolved (xml:base is honoured too); may be NULL.
 * now_us: fetch time: post->fetched_us, and created_us of undated items.
 * sink/ud: receives the posts in document order.
 * info: if not NULL, filled in (free the strings with hs_feed_info_free,
 *   also after a failure: they are NULL then).
 *
 * Returns the number of posts handed to sink (0 for a feed without items),
 * or -1 with err set ("not a feed: root element <html>", "malformed XML at
 * line 12: ...", "empty document", "out of memory"). A document that is
 * damaged or cut short but still has a feed root is recovered: its complete
 * items are emitted and info->n_xml_errors says it was not clean. */
int hs_feed_parse(const char *buf, size_t len, const char *declared_charset,
                  const char *source, const char *base_url, int64_t now_us,
                  hs_post_sink sink, void *ud, hs_feed_info *info, char *err,
                  size_t errlen);

/* Free the strings of *info and zero it. NULL is fine. */
void hs_feed_info_free(hs_feed_info *info);

/* Parse a feed date to UTC microseconds: RFC 822/1123/2822 and real-world
 * variants (2-digit years, no seconds, no or wrong weekday, named zones,
 * English, Dutch, French and German month names, asctime order, "GMT+2")
 * and RFC 3339 / ISO 8601 (date only, no seconds, fractions, offsets with or
 * without a colon, no zone = UTC). Returns 0 and sets *out_us, or -1. */
int hs_feed_parse_date(const char *s, int64_t *out_us);

/* HTML fragment to plain text: tags removed (script, style and similar
 * elements with their content), entities decoded (HTML 4 names, numeric
 * with the HTML 5 windows-1252 mapping), <br> a line break, block elements
 * a line or paragraph break, other whitespace collapsed to one space,
 * trimmed; invalid UTF-8 becomes U+FFFD, control characters are dropped.
 * Newly allocated (never NULL but for out of memory). */
char *hs_html_to_text(const char *html, size_t len);

#ifdef __cplusplus
}
#endif
#endif
