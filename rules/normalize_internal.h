/* hearsay: internals of rules/normalize.c for its tests (not public API).
 *
 * hs_norm_run takes a dedicated path when the text is all ASCII (folded
 * view by one table lookup per byte), when its non-ASCII characters are
 * all accented Latin letters, common punctuation and emoji (folded and
 * plain views per character, by a table of their forms or, for emoji,
 * as they are) and when the folded
 * view is all ASCII (terms view by byte-level passes); its output is
 * byte-for-byte that of the general path. hs_norm_run_general always
 * takes the general path, so tests can compare the two: same arguments,
 * same results as hs_norm_run.
 */
#ifndef HS_NORMALIZE_INTERNAL_H
#define HS_NORMALIZE_INTERNAL_H

#include <stddef.h>

#include "normalize.h"

#ifdef __cplusplus
extern "C" {
#endif

int hs_norm_run_general(hs_norm *n, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
