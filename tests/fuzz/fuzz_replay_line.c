/* hearsay fuzz target: one NDJSON line of a replay file.
 *
 * Input: the bytes of one line, as the replay reader hands it to
 * hs_replay_parse_line() (without the newline; NUL bytes included - the
 * parser gets an explicit length). A post that parses is then turned into
 * the JSON the daemon stores and sends (hs_post_to_json), serialised, parsed
 * back and read with hs_post_from_json, as a reader of the store would, and
 * the fields that must survive that round trip are compared.
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "collectors/replay/replay.h"
#include "postjson.h"
#include "timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Every field hs_post_to_json writes must come back unchanged. */
static void check_round_trip(const hs_post *p)
{
	json_t *o = hs_post_to_json(p);
	size_t len = 0;
	char *s;
	json_t *back;
	hs_post *q;

	if (!o)
		abort();
	s = hs_json_dump(o, &len);
	json_decref(o);
	if (!s)
		abort();
	back = json_loadb(s, len, 0, NULL);
	if (!back) {
		fprintf(stderr, "hs_post_to_json output does not parse: %s\n", s);
		abort();
	}
	free(s);
	q = hs_post_from_json(back);
	json_decref(back);
	if (!q) {
		char ts[40];
		fprintf(stderr, "hs_post_from_json refused a stored post "
		        "(created %s)\n", hs_time_format(p->created_us, ts, sizeof(ts)));
		abort();
	}
	if (!streq(p->source, q->source) || !streq(p->source_id, q->source_id) ||
	    !streq(p->url, q->url) || !streq(p->author, q->author) ||
	    !streq(p->lang, q->lang) || !streq(p->title, q->title) ||
	    !streq(p->text, q->text) || p->created_us != q->created_us ||
	    p->flags != q->flags || p->n_tags != q->n_tags) {
		fprintf(stderr, "post changed in the JSON round trip\n");
		abort();
	}
	for (size_t i = 0; i < p->n_tags; i++)
		if (!streq(p->tags[i], q->tags[i]))
			abort();
	hs_post_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256];
	hs_post *p;

	why[0] = '\0';
	p = hs_replay_parse_line((const char *)data, size, "fuzz", why, sizeof(why));
	if (!p) {
		/* a reason is always given, and it is a terminated string */
		if (why[0] == '\0' || strnlen(why, sizeof(why)) == sizeof(why))
			abort();
		return 0;
	}
	if (!p->source || !p->source_id || !p->text || !p->source_id[0])
		abort();
	check_round_trip(p);
	hs_post_free(p);
	return 0;
}
