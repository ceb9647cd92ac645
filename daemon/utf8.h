/* hearsay: UTF-8 validation and repair. Pure functions; any thread. */
#ifndef HS_UTF8_H
#define HS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* true if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and contains no NUL byte. */
bool hs_utf8_valid(const char *s, size_t len);
/* Returns a newly allocated copy of s[0..len) in which every ill-formed
 * sequence is replaced by U+FFFD and NUL bytes are dropped; *repaired
 * (if not NULL) tells whether anything changed. NULL on out of memory. */
char *hs_utf8_repair(const char *s, size_t len, bool *repaired);
/* Encode code point cp (<= U+10FFFF) into out, which has room for 4 bytes;
 * returns the number of bytes written. Any thread. */
size_t hs_utf8_put(char *out, uint32_t cp);

#endif
