/* hearsay: logging (see log.h). */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static atomic_int g_level = HS_LOG_INFO;
static int g_journal;            /* written once by hs_log_init, before threads */
static const char *g_ident = "hearsay";

static const char *const level_names[8] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
};

void hs_log_set_level(int level)
{
	if (level < HS_LOG_ERR)
		level = HS_LOG_ERR;
	if (level > HS_LOG_DEBUG)
		level = HS_LOG_DEBUG;
	atomic_store(&g_level, level);
}

int hs_log_get_level(void)
{
	return atomic_load(&g_level);
}

int hs_log_level_parse(const char *name)
{
	if (strcmp(name, "warn") == 0)
		return HS_LOG_WARNING;
	for (int i = HS_LOG_ERR; i <= HS_LOG_DEBUG; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

const char *hs_log_level_name(int level)
{
	return level >= 0 && level < 8 ? level_names[level] : "?";
}

void hs_log_init(const char *ident)
{
	g_ident = ident;
	g_journal = getenv("JOURNAL_STREAM") != NULL;
}

void hs_log(int prio, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (prio > atomic_load(&g_level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* keep one record per line: fold embedded newlines */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (g_journal) {
		fprintf(stderr, "<%d>%s\n", prio, msg);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%s]: %s\n",
		        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		        tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, g_ident,
		        level_names[prio & 7], msg);
	}
}
