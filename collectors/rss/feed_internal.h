/* hearsay: shared helpers of the rss parser (feed.c, feed_prep.c,
 * feed_text.c). Not part of any public interface. */
#ifndef HS_RSS_FEED_INTERNAL_H
#define HS_RSS_FEED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

/* ---- feed_text.c, feed_entities.c ------------------------------------------------------------ */

/* Decode one UTF-8 character at s[0..n) (n >= 1). Ill-formed sequences
 * (overlong, surrogate, > U+10FFFF, truncated) give U+FFFD and *adv = 1. */
uint32_t hs_feed_utf8_get(const unsigned char *s, size_t n, size_t *adv);
/* Encoding a code point: hs_utf8_put (daemon/utf8.h; in a plugin it comes
 * from the host program). */
/* HTML entity name (without & and ;) to its code point, or 0. */
uint32_t hs_feed_entity(const char *name, size_t n);
/* windows-1252 meaning of a byte / code point 0x80..0x9F, or 0 if undefined
 * there (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
uint32_t hs_feed_cp1252(uint32_t c);
/* 1 if the entity table is in bsearch order (for the unit tests). */
int hs_feed_entities_sorted(void);

enum {
	HS_TXT_HTML = 1,    /* strip tags, decode entities */
	HS_TXT_ONELINE = 2, /* every line break becomes a space */
};
/* s[0..n) to normalised text (see hs_html_to_text; without HS_TXT_HTML
 * only the character cleanup and whitespace rules apply, and a line break
 * in the input stays one). At most max bytes, cut at a character
 * boundary. Newly allocated, "" for nothing; NULL on out of memory. */
char *hs_feed_text(const char *s, size_t n, int flags, size_t max);

/* ---- feed_prep.c ------------------------------------------------------------ */

/* Turn a fetched document into well-formed-enough UTF-8 for libxml2: decode
 * the charset (see hs_feed_parse), drop anything before the first '<', the
 * XML declaration and any DOCTYPE (no DTD, no entity declarations ever
 * reach the parser), characters XML forbids, and escape what libxml2 would
 * otherwise drop: bare '&', undefined entity references (HTML names become
 * numeric references), stray '<', unclosed HTML void elements (<br>).
 * charset (csz bytes) receives the charset used. Returns a newly allocated
 * buffer (*out_len bytes, NUL-terminated) or NULL on out of memory. */
char *hs_feed_prepare(const char *buf, size_t len, const char *declared,
                      size_t *out_len, char *charset, size_t csz);

#endif
