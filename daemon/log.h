/* hearsay: logging to stderr with syslog priorities.
 *
 * Under systemd (JOURNAL_STREAM set) each line starts with the "<N>" priority
 * prefix that journald understands; otherwise with a UTC timestamp and the
 * level name. Safe to call from any thread: each line is written with one
 * locked stdio call, so lines never interleave.
 */
#ifndef HS_LOG_H
#define HS_LOG_H

enum {
	HS_LOG_ERR = 3,
	HS_LOG_WARNING = 4,
	HS_LOG_NOTICE = 5,
	HS_LOG_INFO = 6,
	HS_LOG_DEBUG = 7,
};

/* Any thread. Level changes take effect for the next message. */
void hs_log_set_level(int level);
int hs_log_get_level(void);
/* "debug", "info", "notice", "warning", "error" -> level; -1 if unknown. */
int hs_log_level_parse(const char *name);
const char *hs_log_level_name(int level);
/* Decide the format once at start-up (reads JOURNAL_STREAM). */
void hs_log_init(const char *ident);

void hs_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define hs_log_err(...) hs_log(HS_LOG_ERR, __VA_ARGS__)
#define hs_log_warn(...) hs_log(HS_LOG_WARNING, __VA_ARGS__)
#define hs_log_notice(...) hs_log(HS_LOG_NOTICE, __VA_ARGS__)
#define hs_log_info(...) hs_log(HS_LOG_INFO, __VA_ARGS__)
#define hs_log_debug(...) hs_log(HS_LOG_DEBUG, __VA_ARGS__)

#endif
