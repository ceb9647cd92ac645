/* hearsay: literals a regex needs, for the rule prefilter.
 *
 * hs_regex_literals reads a PCRE2 pattern (one that already compiled) and,
 * when it can, returns a set of literals such that every match of the
 * pattern contains at least one of them. ASCII letters are lower-cased
 * (rules match caselessly); other characters are returned as written, for
 * the caller to fold like the text it scans. When it cannot tell (classes
 * or escapes everywhere, inline flags, backreferences, anything optional),
 * it returns no set and the rule runs its regex on every post.
 * Pure; any thread.
 */
#ifndef HS_RULE_LITERALS_H
#define HS_RULE_LITERALS_H

#include <stddef.h>

typedef struct hs_litset {
	char **v;          /* owned NUL-terminated literals */
	size_t n;
} hs_litset;

/* 1 with *out filled (every member at least min_len bytes), 0 when no set
 * can be derived (out empty), -1 on out of memory. */
int hs_regex_literals(const char *pat, size_t len, size_t min_len, hs_litset *out);
void hs_litset_clear(hs_litset *s);

#endif
