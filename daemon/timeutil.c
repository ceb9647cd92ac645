/* hearsay: time helpers (see timeutil.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

int64_t hs_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t hs_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

int hs_time_parse_rfc3339(const char *s, int64_t *out_us)
{
	int Y, M, D, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0;
	const char *p = s;

	if (read_digits(&p, 4, &Y) || *p++ != '-' || read_digits(&p, 2, &M) ||
	    *p++ != '-' || read_digits(&p, 2, &D))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (read_digits(&p, 2, &h) || *p++ != ':' || read_digits(&p, 2, &mi) ||
	    *p++ != ':' || read_digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		int digits = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (digits < 6) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		while (digits++ < 6)
			frac *= 10;
	}
	int sign = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (read_digits(&p, 2, &oh) || *p++ != ':' || read_digits(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	if (sec == 60)
		sec = 59; /* leap second: clamp */
	int64_t t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 +
	            h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	/* An offset can move the UTC time out of years 0000-9999, which
	 * hs_time_format cannot write back as RFC 3339 (stored posts would
	 * then not read back): refuse those. */
	if (t < INT64_C(-62167219200) || t > INT64_C(253402300799))
		return -1; /* before 0000-01-01T00:00:00Z / after 9999-12-31T23:59:59Z */
	*out_us = t * 1000000 + frac;
	return 0;
}

char *hs_time_format(int64_t us, char *buf, size_t len)
{
	int64_t secs = us / 1000000;
	int64_t rem = us % 1000000;
	struct tm tm;
	time_t t;

	if (rem < 0) {
		rem += 1000000;
		secs -= 1;
	}
	t = (time_t)secs;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, (long)rem);
	return buf;
}

int hs_time_parse_user(const char *s, int64_t now_us, int64_t *out_us)
{
	char *end;
	size_t n = strlen(s);

	if (hs_time_parse_rfc3339(s, out_us) == 0)
		return 0;
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		char full[32];
		snprintf(full, sizeof(full), "%sT00:00:00Z", s);
		return hs_time_parse_rfc3339(full, out_us);
	}
	if (!(s[0] >= '0' && s[0] <= '9'))
		return -1; /* no signs, hex, inf or nan */
	double v = strtod(s, &end);
	if (end == s || !(v >= 0 && v < 1e6))
		return -1;
	int64_t mult;
	if (strcmp(end, "s") == 0)
		mult = 1000000;
	else if (strcmp(end, "m") == 0)
		mult = 60 * 1000000LL;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000000LL;
	else if (strcmp(end, "d") == 0)
		mult = 86400 * 1000000LL;
	else
		return -1;
	/* Ages beyond ~31700 years (also inf and nan) are refused: the cast
	 * below and the subtraction must not overflow. */
	double age = v * (double)mult;
	if (!(age <= 1e18))
		return -1;
	*out_us = now_us - (int64_t)age;
	return 0;
}
