/* hearsay: time helpers. All functions are pure or read the clock; any thread. */
#ifndef HS_TIMEUTIL_H
#define HS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock, UTC microseconds since the epoch. */
int64_t hs_now_us(void);
/* Monotonic clock in microseconds (for timers and latency). */
int64_t hs_mono_us(void);
/* Parse RFC 3339 ("2026-05-16T09:12:00Z", "...T09:12:00.5+02:00", a space
 * instead of 'T' is accepted). Returns 0 and sets *out_us, or -1. */
int hs_time_parse_rfc3339(const char *s, int64_t *out_us);
/* Format as "2026-05-16T09:12:00.000000Z" into buf (at least 32 bytes). */
char *hs_time_format(int64_t us, char *buf, size_t len);
/* Parse a user time bound for queries: RFC 3339, a date "2026-05-16", or a
 * relative age "90s", "15m", "2h", "3d" meaning that long before now. */
int hs_time_parse_user(const char *s, int64_t now_us, int64_t *out_us);

#endif
