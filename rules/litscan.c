/* hearsay: the Vectorscan/Hyperscan literal backend (see litscan.h). */
#include "hs_autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "litscan.h"

#ifdef HS_HAVE_VECTORSCAN
#include <hs/hs.h>

struct hs_litdb {
	hs_database_t *db;   /* owned; NULL for an empty database */
	size_t size;
};

struct hs_litscratch {
	hs_scratch_t *s;     /* owned */
};

int hs_litscan_enabled(void)
{
	const char *e = getenv("HEARSAY_PREFILTER");
	if (e && strcmp(e, "ac") == 0)
		return 0;
	return hs_valid_platform() == HS_SUCCESS;
}

const char *hs_litscan_backend(void)
{
	return hs_litscan_enabled() ? "vectorscan" : "aho-corasick";
}

hs_litdb *hs_litdb_build(const char *const *lits, const size_t *lens, const uint32_t *ids,
                         size_t n, char *err, size_t err_len)
{
	hs_litdb *d = NULL;
	unsigned *flags = NULL, *uids = NULL;
	hs_compile_error_t *ce = NULL;

	if (err_len)
		err[0] = '\0';
	if (!hs_litscan_enabled())
		return NULL;
	if (n > 0xFFFFFFFFu) {
		snprintf(err, err_len, "too many literals");
		return NULL;
	}
	if (!(d = calloc(1, sizeof(*d))))
		goto oom;
	if (n == 0)
		return d; /* never matches */
	flags = calloc(n, sizeof(*flags));
	uids = calloc(n, sizeof(*uids));
	if (!flags || !uids)
		goto oom;
	for (size_t i = 0; i < n; i++)
		uids[i] = ids[i]; /* flags 0: exact bytes, every match reported */
	if (hs_compile_lit_multi(lits, flags, uids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &d->db,
	                         &ce) != HS_SUCCESS) {
		snprintf(err, err_len, "Vectorscan cannot compile the literals: %s",
		         ce && ce->message ? ce->message : "unknown error");
		hs_free_compile_error(ce);
		goto fail;
	}
	if (hs_database_size(d->db, &d->size) != HS_SUCCESS)
		d->size = 0;
	free(flags);
	free(uids);
	return d;
oom:
	snprintf(err, err_len, "out of memory");
fail:
	free(flags);
	free(uids);
	hs_litdb_free(d);
	return NULL;
}

void hs_litdb_free(hs_litdb *d)
{
	if (!d)
		return;
	if (d->db)
		hs_free_database(d->db);
	free(d);
}

size_t hs_litdb_memory(const hs_litdb *d)
{
	return d ? d->size : 0;
}

int hs_litscratch_grow(hs_litscratch **s, const hs_litdb *d)
{
	if (!*s && !(*s = calloc(1, sizeof(**s))))
		return -1;
	if (!d || !d->db)
		return 0;
	/* hs_alloc_scratch grows an existing scratch to fit another database */
	return hs_alloc_scratch(d->db, &(*s)->s) == HS_SUCCESS ? 0 : -1;
}

void hs_litscratch_free(hs_litscratch *s)
{
	if (!s)
		return;
	if (s->s)
		hs_free_scratch(s->s);
	free(s);
}

typedef struct scan_ctx {
	int (*on_match)(void *ud, uint32_t id, size_t end);
	void *ud;
	int rc;
} scan_ctx;

static int on_event(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
	scan_ctx *c = ctx;
	(void)from;
	(void)flags;
	c->rc = c->on_match(c->ud, (uint32_t)id, (size_t)to);
	return c->rc != 0; /* non-zero: stop */
}

int hs_litdb_scan(const hs_litdb *d, hs_litscratch *s, const unsigned char *text, size_t len,
                  int (*on_match)(void *ud, uint32_t id, size_t end), void *ud)
{
	scan_ctx c = { on_match, ud, 0 };
	hs_error_t e;

	if (!d || !d->db || len == 0)
		return 0;
	if (!s || !s->s || len > 0xFFFFFFFFu)
		return -1;
	e = hs_scan(d->db, (const char *)text, (unsigned)len, 0, s->s, on_event, &c);
	if (e == HS_SCAN_TERMINATED)
		return c.rc;
	return e == HS_SUCCESS ? 0 : -1;
}

#else /* without Vectorscan: the prefilter keeps its automata */

int hs_litscan_enabled(void)
{
	return 0;
}

const char *hs_litscan_backend(void)
{
	return "aho-corasick";
}

hs_litdb *hs_litdb_build(const char *const *lits, const size_t *lens, const uint32_t *ids,
                         size_t n, char *err, size_t err_len)
{
	(void)lits;
	(void)lens;
	(void)ids;
	(void)n;
	if (err_len)
		err[0] = '\0';
	return NULL;
}

void hs_litdb_free(hs_litdb *d)
{
	(void)d;
}

size_t hs_litdb_memory(const hs_litdb *d)
{
	(void)d;
	return 0;
}

int hs_litscratch_grow(hs_litscratch **s, const hs_litdb *d)
{
	(void)s;
	(void)d;
	return -1;
}

void hs_litscratch_free(hs_litscratch *s)
{
	(void)s;
}

int hs_litdb_scan(const hs_litdb *d, hs_litscratch *s, const unsigned char *text, size_t len,
                  int (*on_match)(void *ud, uint32_t id, size_t end), void *ud)
{
	(void)d;
	(void)s;
	(void)text;
	(void)len;
	(void)on_match;
	(void)ud;
	return -1;
}

#endif
