/* hearsay: error lists with source positions.
 *
 * Loaders (config, rules, lexicons) never stop at the first problem: they
 * append every error they find to an hs_errs list, each one formatted as
 * "file:line:column: message" (or "file:line: message" / "file: message" when
 * the position is not known), then report failure. Callers print the list.
 *
 * An hs_errs is not thread-safe: one owner at a time.
 */
#ifndef HEARSAY_ERRORS_H
#define HEARSAY_ERRORS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_errs {
	char **msgs;   /* owned, each malloc'd; n of them, n <= cap */
	size_t n;
	size_t cap;
	size_t lost;   /* errors that could not be stored (out of memory) */
} hs_errs;

#define HS_ERRS_INIT { NULL, 0, 0, 0 }

/* Append "file:line:col: message". line <= 0 omits line and column;
 * col <= 0 omits the column. file may be NULL. If the message cannot be
 * stored (out of memory) it is counted in `lost` instead. */
void hs_errs_add(hs_errs *e, const char *file, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append all messages of src to dst (copies). */
void hs_errs_merge(hs_errs *dst, const hs_errs *src);
/* Number of errors recorded, stored or lost. Use this, not n, to decide
 * whether something failed. */
size_t hs_errs_count(const hs_errs *e);
/* Free every message; the list can be reused afterwards. */
void hs_errs_clear(hs_errs *e);
/* Join all messages with '\n' into a newly allocated string (caller frees). */
char *hs_errs_join(const hs_errs *e);

#ifdef __cplusplus
}
#endif
#endif
