/* hearsay: small helpers shared by the collectors' JSON parsers (Mastodon,
 * Jetstream, Reddit). Pure functions; any thread. */
#ifndef HS_PARSE_UTIL_H
#define HS_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Format into err (if err and errlen are set); a message cut short never
 * ends inside a UTF-8 sequence (server messages are copied into it). */
void hs_parse_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A NUL-terminated copy of s[0..n) without its NUL bytes (JSON "\u0000");
 * NULL on out of memory. */
char *hs_parse_dup_nonul(const char *s, size_t n);
/* The primary language subtag of s[0..n) lower-cased ("en-GB", "EN_gb" ->
 * "en"), newly allocated; NULL unless it is 2 to 8 ASCII letters. */
char *hs_parse_lang(const char *s, size_t n);
/* Order of two opaque ids that sort by length, then bytewise (Mastodon's
 * numeric snowflakes, Reddit's base-36 fullnames). NULL sorts before
 * everything. <0, 0 or >0. */
int hs_parse_id_cmp(const char *a, const char *b);
/* A response body as well-formed UTF-8 without NUL bytes: buf itself, or
 * a repaired copy (ill-formed sequences replaced by U+FFFD) that *owned
 * then holds for the caller to free; *len is updated and *repaired says
 * which. NULL on out of memory. A JSON parser refuses a whole document for
 * one bad byte; repairing first keeps every other item of it. */
const char *hs_parse_utf8_body(const char *buf, size_t *len, char **owned, bool *repaired);
/* "WHAT is not valid JSON (line L, column C): why" into err, from jansson's
 * error record. */
struct json_error_t;
void hs_parse_json_error(const struct json_error_t *je, const char *what, char *err,
                         size_t errlen);

#endif
