/* hearsay fuzz targets: checks shared by the collector parsers' targets.
 * Included by each target that needs them (each is one translation unit,
 * which defines FUZZ_NAME before including this). */
#ifndef HS_FUZZ_POST_H
#define HS_FUZZ_POST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "postjson.h"

static void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", FUZZ_NAME, what);
	abort();
}

static int streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* A post must come back the same from the store's JSON form. */
static void fuzz_post_roundtrip(const hs_post *p)
{
	json_t *o = hs_post_to_json(p);
	size_t len = 0;
	char *s;
	if (!o)
		die("hs_post_to_json failed");
	s = hs_json_dump(o, &len);
	json_decref(o);
	if (!s)
		die("hs_json_dump failed");
	json_t *back = json_loadb(s, len, 0, NULL);
	free(s);
	if (!back)
		die("stored post does not parse");
	hs_post *q = hs_post_from_json(back);
	json_decref(back);
	if (!q || !streq(p->text, q->text) || !streq(p->source_id, q->source_id) ||
	    !streq(p->url, q->url) || !streq(p->author, q->author) || !streq(p->lang, q->lang) ||
	    p->created_us != q->created_us || p->flags != q->flags || p->n_tags != q->n_tags)
		die("post does not survive the store's JSON");
	hs_post_free(q);
}

#endif
