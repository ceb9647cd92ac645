/* hearsay: feed dates (see hs_feed_parse_date in feed.h).
 *
 * Two readers. ISO 8601 / RFC 3339 first: it starts with a four-digit year
 * and is strict about its shape. Everything else goes to the RFC 822
 * reader, which splits the string into words, numbers, a clock time and a
 * numeric offset, then decides what each one is: this absorbs the
 * variants feeds really use (weekday or not, right or wrong, in four
 * languages; day and month in either order; 2-digit years; no seconds;
 * "16. Mai"; "May 16th"; asctime's year at the end; named zones, "GMT+2",
 * "(CEST)" comments) without one code path per variant.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed.h"

#define MIN_T INT64_C(-62167219200) /* 0000-01-01T00:00:00Z */
#define MAX_T INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian calendar. */
static int64_t civil_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

/* off: seconds east of UTC. */
static int make_time(int Y, int M, int D, int h, int mi, int s, int64_t frac,
                     int off, int64_t *out)
{
	int64_t t;

	if (Y < 0 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > month_days(Y, M))
		return -1;
	if (h < 0 || mi < 0 || s < 0 || mi > 59 || s > 60)
		return -1;
	if (h > 23 && !(h == 24 && mi == 0 && s == 0 && frac == 0))
		return -1;
	if (s == 60)
		s = 59; /* leap second */
	t = civil_days(Y, M, D) * 86400 + h * 3600 + mi * 60 + s - off;
	if (t < MIN_T || t > MAX_T)
		return -1;
	*out = t * 1000000 + frac;
	return 0;
}

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* n digits (1 <= n <= 9) at *p; -1 if there are fewer. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!dig((*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

/* 1 or 2 digits. */
static int digits12(const char **p)
{
	return dig((*p)[1]) ? digits(p, 2) : digits(p, 1);
}

/* ".123456789" or ",5" -> microseconds (more than 6 digits truncated). */
static int64_t fraction(const char **p)
{
	int64_t v = 0;
	int n = 0;

	if ((**p != '.' && **p != ',') || !dig((*p)[1]))
		return 0;
	(*p)++;
	while (dig(**p)) {
		if (n < 6) {
			v = v * 10 + (**p - '0');
			n++;
		}
		(*p)++;
	}
	while (n++ < 6)
		v *= 10;
	return v;
}

/* ---- names ---------------------------------------------------------------------- */

static const struct zone {
	const char *name;
	int min; /* minutes east of UTC */
} zones[] = {
	{ "z", 0 }, { "ut", 0 }, { "utc", 0 }, { "gmt", 0 },
	{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
	{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
	{ "akst", -540 }, { "akdt", -480 }, { "hst", -600 }, { "ast", -240 },
	{ "adt", -180 }, { "nst", -210 }, { "ndt", -150 },
	{ "wet", 0 }, { "west", 60 }, { "bst", 60 }, { "cet", 60 },
	{ "cest", 120 }, { "met", 60 }, { "mest", 120 }, { "mez", 60 },
	{ "mesz", 120 }, { "eet", 120 }, { "eest", 180 }, { "msk", 180 },
	{ "jst", 540 }, { "kst", 540 }, { "awst", 480 }, { "acst", 570 },
	{ "aest", 600 }, { "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
};

/* Month names (lower case, UTF-8): English, Dutch, French, German. A word
 * names a month if it is one of these, or a prefix of at least three
 * letters of names of only that month ("sept", "déc", "mrz" is listed). */
static const struct mname {
	const char *name;
	int month;
} months[] = {
	{ "january", 1 }, { "januari", 1 }, { "janvier", 1 }, { "januar", 1 },
	{ "jänner", 1 },
	{ "february", 2 }, { "februari", 2 }, { "février", 2 }, { "fevrier", 2 },
	{ "februar", 2 },
	{ "march", 3 }, { "maart", 3 }, { "mars", 3 }, { "märz", 3 },
	{ "maerz", 3 }, { "mrt", 3 }, { "mrz", 3 },
	{ "april", 4 }, { "avril", 4 },
	{ "may", 5 }, { "mei", 5 }, { "mai", 5 },
	{ "june", 6 }, { "juni", 6 }, { "juin", 6 },
	{ "july", 7 }, { "juli", 7 }, { "juillet", 7 },
	{ "august", 8 }, { "augustus", 8 }, { "août", 8 }, { "aout", 8 },
	{ "september", 9 }, { "septembre", 9 },
	{ "october", 10 }, { "oktober", 10 }, { "octobre", 10 },
	{ "november", 11 }, { "novembre", 11 },
	{ "december", 12 }, { "décembre", 12 }, { "decembre", 12 },
	{ "dezember", 12 },
};

static const char *const weekdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
	"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	"sonntag", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
	"samstag", "sonnabend", "weds",
};

/* Words that may sit between the parts ("May 16, 2026 at 9:12 AM"). */
static const char *const fillers[] = { "at", "um", "om", "à", "le", "de", "den", "op" };

static bool is_filler(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++)
		if (strlen(fillers[i]) == n && memcmp(fillers[i], w, n) == 0)
			return true;
	return false;
}

static bool prefix_of(const char *w, size_t n, const char *name)
{
	return strlen(name) >= n && memcmp(name, w, n) == 0;
}

/* 1..12, 0 for no month, -1 for a prefix of more than one month. */
static int month_of(const char *w, size_t n)
{
	int found = 0;

	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		size_t len = strlen(months[i].name);
		if (len == n && memcmp(months[i].name, w, n) == 0)
			return months[i].month;
	}
	if (n < 3)
		return 0;
	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		if (!prefix_of(w, n, months[i].name))
			continue;
		if (found && found != months[i].month)
			return -1;
		found = months[i].month;
	}
	return found;
}

static bool is_weekday(const char *w, size_t n)
{
	if (n < 2)
		return false;
	for (size_t i = 0; i < sizeof(weekdays) / sizeof(weekdays[0]); i++)
		if (prefix_of(w, n, weekdays[i]))
			return true;
	return false;
}

static bool zone_of(const char *w, size_t n, int *min)
{
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (strlen(zones[i].name) == n && memcmp(zones[i].name, w, n) == 0) {
			*min = zones[i].min;
			return true;
		}
	}
	return false;
}

/* "+0200", "+02:00", "+02", "-5" at *p (sign included) -> seconds. */
static bool offset(const char **p, int *sec)
{
	int sign = **p == '-' ? -1 : 1, h, m = 0;

	(*p)++;
	if (dig((*p)[0]) && dig((*p)[1]) && dig((*p)[2]) && dig((*p)[3])) {
		h = digits(p, 2);
		m = digits(p, 2);
	} else {
		if ((h = digits12(p)) < 0)
			return false;
		if (**p == ':') {
			(*p)++;
			if ((m = digits(p, 2)) < 0)
				return false;
		}
	}
	if (dig(**p) || h > 23 || m > 59)
		return false;
	*sec = sign * (h * 3600 + m * 60);
	return true;
}

/* ---- ISO 8601 / RFC 3339 ---------------------------------------------------------- */

static void skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static int parse_iso(const char *s, int64_t *out)
{
	const char *p = s;
	int Y, M, D, h = 0, mi = 0, sec = 0, off = 0;
	int64_t frac = 0;
	char sep;

	if ((Y = digits(&p, 4)) < 0 || (*p != '-' && *p != '/'))
		return -1;
	sep = *p++;
	if ((M = digits12(&p)) < 0 || *p++ != sep || (D = digits12(&p)) < 0)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		skip_spaces(&p);
		if ((h = digits12(&p)) < 0 || *p++ != ':' || (mi = digits(&p, 2)) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if ((sec = digits(&p, 2)) < 0)
				return -1;
			frac = fraction(&p);
		}
		skip_spaces(&p);
		if (*p == '+' || *p == '-') {
			if (!offset(&p, &off))
				return -1;
		} else if (alpha((unsigned char)*p)) {
			char w[8];
			size_t n = 0;
			int min;
			while (alpha((unsigned char)*p) && n < sizeof(w))
				w[n++] = (char)(*p++ | 0x20);
			if (alpha((unsigned char)*p) || !zone_of(w, n, &min))
				return -1;
			off = min * 60;
			if (*p == '+' || *p == '-') {
				int more;
				if (!offset(&p, &more))
					return -1;
				off += more;
			}
		}
		skip_spaces(&p);
	}
	if (*p != '\0')
		return -1;
	return make_time(Y, M, D, h, mi, sec, frac, off, out);
}

/* ---- RFC 822 and relatives -------------------------------------------------------- */

enum { T_WORD, T_NUM, T_TIME, T_OFF };

#define MAX_TOKS 12
#define MAX_WORD 24

struct tok {
	int type;
	char w[MAX_WORD]; /* T_WORD: lower-cased */
	size_t wlen;
	int num, ndig;    /* T_NUM */
	int h, m, s;      /* T_TIME */
	int64_t frac;
	int off;          /* T_OFF: seconds */
};

/* Lower-case ASCII and the Latin-1 capitals (UTF-8 C3 80..C3 9E). */
static size_t read_word(const char **p, char *w)
{
	const unsigned char *s = (const unsigned char *)*p;
	size_t n = 0;

	while (alpha(*s)) {
		if (n + 2 >= MAX_WORD)
			return 0;
		if (*s == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97) {
			w[n++] = (char)0xC3;
			w[n++] = (char)(s[1] + 0x20);
			s += 2;
			continue;
		}
		w[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s | 0x20 : *s);
		s++;
	}
	*p = (const char *)s;
	return n;
}

static int tokenize(const char *s, struct tok *t, int *nt)
{
	const char *p = s;
	bool time_seen = false, year_seen = false;
	int n = 0;

	for (;;) {
		char c = *p;
		struct tok *k;

		if (c == '\0')
			break;
		if (c == ' ' || c == '\t' || c == ',' || c == '.' || c == '/') {
			p++;
			continue;
		}
		if (c == '(') {
			int depth = 0;
			do {
				if (*p == '(')
					depth++;
				else if (*p == ')')
					depth--;
				p++;
			} while (*p && depth > 0);
			continue;
		}
		if (n == MAX_TOKS)
			return -1;
		k = &t[n];
		memset(k, 0, sizeof(*k));
		if ((c == '+' || c == '-') && dig(p[1])) {
			/* '-' between date parts ("16-May-26") is a separator */
			if (c == '-' && !time_seen && !year_seen) {
				p++;
				continue;
			}
			if (!offset(&p, &k->off))
				return -1;
			k->type = T_OFF;
		} else if (c == '-') {
			p++;
			continue;
		} else if (dig(c)) {
			int v = 0, nd = 0;
			while (dig(*p)) {
				if (++nd > 9)
					return -1;
				v = v * 10 + (*p++ - '0');
			}
			if (*p == ':') {
				if (nd > 2)
					return -1;
				p++;
				k->type = T_TIME;
				k->h = v;
				if ((k->m = digits(&p, 2)) < 0)
					return -1;
				if (*p == ':') {
					p++;
					if ((k->s = digits(&p, 2)) < 0)
						return -1;
					k->frac = fraction(&p);
				}
				if (dig(*p))
					return -1;
				time_seen = true;
			} else {
				/* "16th", "1st" */
				if (alpha((unsigned char)*p) && alpha((unsigned char)p[1]) &&
				    !alpha((unsigned char)p[2])) {
					char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20);
					if ((a == 's' && b == 't') || (a == 'n' && b == 'd') ||
					    (a == 'r' && b == 'd') || (a == 't' && b == 'h'))
						p += 2;
				}
				k->type = T_NUM;
				k->num = v;
				k->ndig = nd;
				if (nd >= 3)
					year_seen = true;
			}
		} else if (alpha((unsigned char)c)) {
			k->type = T_WORD;
			if ((k->wlen = read_word(&p, k->w)) == 0)
				return -1;
		} else {
			return -1;
		}
		n++;
	}
	*nt = n;
	return 0;
}

static int parse_rfc822(const char *s, int64_t *out)
{
	struct tok t[MAX_TOKS];
	int nt, mtok = -1, month = 0, day = -1, year = -1, ti = -1;
	int off = 0, zmin, ampm = 0;
	bool zone_seen = false, off_seen = false, named_utc = false;
	int h = 0, mi = 0, sec = 0;
	int64_t frac = 0;

	if (tokenize(s, t, &nt) < 0)
		return -1;
	/* The month: the first month word that cannot be a weekday, or else
	 * the first month word ("mar." is also French for Tuesday). */
	for (int pass = 0; pass < 2 && mtok < 0; pass++) {
		for (int i = 0; i < nt; i++) {
			if (t[i].type != T_WORD || month_of(t[i].w, t[i].wlen) <= 0)
				continue;
			if (pass == 0 && is_weekday(t[i].w, t[i].wlen))
				continue;
			mtok = i;
			month = month_of(t[i].w, t[i].wlen);
			break;
		}
	}
	if (mtok < 0)
		return -1;
	for (int i = 0; i < nt; i++) {
		struct tok *k = &t[i];
		if (i == mtok)
			continue;
		switch (k->type) {
		case T_WORD:
			if (zone_of(k->w, k->wlen, &zmin)) {
				if (zone_seen)
					return -1;
				zone_seen = true;
				named_utc = zmin == 0;
				if (!off_seen)
					off = zmin * 60;
			} else if (k->wlen == 2 && (memcmp(k->w, "am", 2) == 0 ||
			                            memcmp(k->w, "pm", 2) == 0)) {
				if (ampm)
					return -1;
				ampm = k->w[0] == 'a' ? 1 : 2;
			} else if (!is_weekday(k->w, k->wlen) && !is_filler(k->w, k->wlen)) {
				return -1;
			}
			break;
		case T_NUM:
			if (k->ndig >= 3) {
				if (year >= 0)
					return -1;
				year = k->ndig == 3 ? k->num + 1900 : k->num;
				if (k->ndig > 4)
					return -1;
			} else if (day < 0) {
				day = k->num;
			} else if (year < 0) {
				year = k->num < 50 ? 2000 + k->num : 1900 + k->num;
			} else {
				return -1;
			}
			break;
		case T_TIME:
			if (ti >= 0)
				return -1;
			ti = i;
			h = k->h;
			mi = k->m;
			sec = k->s;
			frac = k->frac;
			break;
		case T_OFF:
			if (off_seen)
				return -1;
			/* "GMT+2": the offset is from UTC; "+0200 CEST": the number wins */
			off = (zone_seen && named_utc) ? off + k->off : k->off;
			off_seen = true;
			break;
		default:
			return -1;
		}
	}
	if (day < 1 || year < 0)
		return -1;
	if (ampm) {
		if (ti < 0 || h < 1 || h > 12)
			return -1;
		if (ampm == 2 && h < 12)
			h += 12;
		else if (ampm == 1 && h == 12)
			h = 0;
	}
	return make_time(year, month, day, h, mi, sec, frac, off, out);
}

int hs_feed_parse_date(const char *s, int64_t *out_us)
{
	char buf[128];
	size_t n;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	                 s[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\r' || buf[i] == '\n')
			buf[i] = ' ';
	if (dig(buf[0]) && dig(buf[1]) && dig(buf[2]) && dig(buf[3]) &&
	    (buf[4] == '-' || buf[4] == '/'))
		return parse_iso(buf, out_us);
	return parse_rfc822(buf, out_us);
}
