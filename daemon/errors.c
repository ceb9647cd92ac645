/* hearsay: error lists (see include/hearsay/errors.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/errors.h>

static void errs_push(hs_errs *e, char *msg)
{
	if (!msg) {
		e->lost++;
		return;
	}
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 8;
		char **nm = realloc(e->msgs, ncap * sizeof(*nm));
		if (!nm) {
			free(msg);
			e->lost++; /* keeps the failure visible in hs_errs_count */
			return;
		}
		e->msgs = nm;
		e->cap = ncap;
	}
	e->msgs[e->n++] = msg;
}

void hs_errs_add(hs_errs *e, const char *file, int line, int col,
                 const char *fmt, ...)
{
	char body[1024];
	char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (!file)
		r = asprintf(&msg, "%s", body);
	else if (line <= 0)
		r = asprintf(&msg, "%s: %s", file, body);
	else if (col <= 0)
		r = asprintf(&msg, "%s:%d: %s", file, line, body);
	else
		r = asprintf(&msg, "%s:%d:%d: %s", file, line, col, body);
	errs_push(e, r < 0 ? NULL : msg);
}

void hs_errs_merge(hs_errs *dst, const hs_errs *src)
{
	for (size_t i = 0; i < src->n; i++)
		errs_push(dst, strdup(src->msgs[i]));
	dst->lost += src->lost;
}

size_t hs_errs_count(const hs_errs *e)
{
	return e->n + e->lost;
}

void hs_errs_clear(hs_errs *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = e->cap = e->lost = 0;
}

char *hs_errs_join(const hs_errs *e)
{
	size_t len = 1;
	size_t stored = e->n;
	for (size_t i = 0; i < stored; i++)
		len += strlen(e->msgs[i]) + 1;
	char *out = malloc(len);
	if (!out)
		return NULL;
	char *p = out;
	for (size_t i = 0; i < stored; i++) {
		const char *m = e->msgs[i];
		size_t l = strlen(m);
		memcpy(p, m, l);
		p += l;
		if (i + 1 < stored)
			*p++ = '\n';
	}
	*p = '\0';
	return out;
}
