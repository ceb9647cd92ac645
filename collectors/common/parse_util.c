/* hearsay: helpers shared by the collectors' JSON parsers (see parse_util.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parse_util.h"
#include "utf8.h"

void hs_parse_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	while (n > 0 && !hs_utf8_valid(err, n))
		err[--n] = '\0';
}

char *hs_parse_dup_nonul(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	size_t o = 0;

	if (!d)
		return NULL;
	if (!memchr(s, '\0', n)) {
		memcpy(d, s, n);
		o = n;
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i])
				d[o++] = s[i];
	}
	d[o] = '\0';
	return d;
}

char *hs_parse_lang(const char *s, size_t n)
{
	char buf[9];
	size_t i = 0;

	while (i < n && s[i] != '-' && s[i] != '_') {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z' || i >= 8)
			return NULL;
		buf[i++] = c;
	}
	if (i < 2)
		return NULL;
	buf[i] = '\0';
	return strdup(buf);
}

int hs_parse_id_cmp(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

void hs_parse_json_error(const struct json_error_t *je, const char *what, char *err,
                         size_t errlen)
{
	hs_parse_seterr(err, errlen, "%s is not valid JSON (line %d, column %d): %s", what,
	                je->line, je->column, je->text);
}

const char *hs_parse_utf8_body(const char *buf, size_t *len, char **owned, bool *repaired)
{
	*owned = NULL;
	*repaired = false;
	if (hs_utf8_valid(buf, *len))
		return buf;
	*owned = hs_utf8_repair(buf, *len, NULL);
	if (!*owned)
		return NULL;
	*repaired = true;
	*len = strlen(*owned);
	return *owned;
}
