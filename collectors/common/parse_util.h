/* hearsay: small helpers shared by the collectors' JSON parsers (Mastodon,
 * Jetstream). Pure functions; any thread. */
#ifndef HS_PARSE_UTIL_H
#define HS_PARSE_UTIL_H

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

#endif
