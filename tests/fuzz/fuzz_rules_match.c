/* hearsay fuzz target: matching arbitrary posts against the demo rule pack.
 *
 * The demo pack (demo/rules.d/rivertown.yaml under HS_SRCDIR) is loaded
 * once, with one scratch. Input: a post made of NUL-separated fields
 *
 *     TITLE \0 TEXT [\0 LANG [\0 AUTHOR]]     (or just TEXT if there is no NUL)
 *
 * in any bytes (invalid UTF-8 included). The post goes through hs_analyse(),
 * exactly as an analysis worker handles it: UTF-8 repair, pseudonymised
 * author, rule matching (lang scope included). Then every hit is turned into
 * the hit event the dashboard gets (hs_hit_event) and into a webhook alert
 * (hs_alert_new), whose outbox record is written and read back.
 *
 * Also: the whole input as one bare text through hs_ruleset_match_text(),
 * which must refuse exactly the ill-formed UTF-8 that daemon/utf8.c refuses
 * (NUL bytes aside), and hs_utf8_repair() output must always be valid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <hearsay/post.h>
#include <hearsay/rules.h>

#include "alert.h"
#include "log.h"
#include "postjson.h"
#include "pseudonym.h"
#include "record.h"
#include "utf8.h"
#include "workers.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

#define FUZZ_NOW_US INT64_C(1778923920000000) /* 2026-05-16T09:32:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static hs_ruleset *rules;
static hs_rule_scratch *scratch;
static const unsigned char pkey[HS_PSEUDONYM_KEY_LEN] = "fuzz-pseudonym-key-0123456789ab";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const pack[] = { HS_SRCDIR "/demo/rules.d/rivertown.yaml" };
	hs_errs errs = HS_ERRS_INIT;

	(void)argc;
	(void)argv;
	hs_log_set_level(HS_LOG_ERR);
	rules = hs_ruleset_load_files(pack, 1, &errs);
	if (!rules || hs_ruleset_count(rules) == 0) {
		char *msg = hs_errs_join(&errs);
		fprintf(stderr, "fuzz_rules_match: cannot load %s: %s\n", pack[0],
		        msg ? msg : "no rules");
		free(msg);
		abort();
	}
	scratch = hs_rule_scratch_new(rules);
	if (!scratch)
		abort();
	return 0;
}

/* Copy data[*pos..] up to the next NUL (or the end) as a C string and move
 * *pos past the NUL. NULL when no bytes are left. */
static char *next_field(const uint8_t *data, size_t size, size_t *pos, int *more)
{
	const uint8_t *start = data + *pos;
	size_t left = size - *pos;
	const uint8_t *nul = memchr(start, 0, left);
	size_t n = nul ? (size_t)(nul - start) : left;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, start, n);
	s[n] = '\0';
	*pos += n + (nul ? 1 : 0);
	*more = nul != NULL;
	return s;
}

static void check_hits(hs_record *r)
{
	hs_post *p = r->post;
	json_t *post_obj;

	if (r->reject)
		abort(); /* only out of memory rejects a post with text, source, id */
	if (!hs_utf8_valid(p->text, strlen(p->text)) ||
	    (p->title && !hs_utf8_valid(p->title, strlen(p->title))))
		abort(); /* hs_analyse repairs every field it matches */
	if (r->n_hits == 0)
		return;
	post_obj = hs_post_to_json(p);
	if (!post_obj)
		abort();
	for (size_t i = 0; i < r->n_hits; i++) {
		const hs_hit *h = &r->hits[i];
		const char *f = h->field == HS_FIELD_TITLE ? p->title : p->text;
		if (!f || h->start > h->end || h->end > strlen(f))
			abort();
		if (hs_ruleset_find(rules, h->rule_id) < 0)
			abort();
		json_t *ev = hs_hit_event(p, post_obj, h, i + 1, FUZZ_NOW_US);
		if (!ev)
			abort();
		/* the span is on character boundaries, so the match is a string */
		if (!json_is_string(json_object_get(ev, "match")))
			abort();
		hs_alert *a = hs_alert_new(i + 1, "fuzz-route", ev, FUZZ_NOW_US);
		json_decref(ev);
		if (!a)
			abort();
		size_t len = 0;
		char *rec = hs_alert_to_record(a, &len);
		if (!rec)
			abort();
		hs_alert *b = hs_alert_from_record(a->id, rec, len);
		if (!b || b->body_len != a->body_len ||
		    memcmp(b->body, a->body, a->body_len) != 0 ||
		    strcmp(b->route, a->route) != 0 || b->state != a->state ||
		    b->created_us != a->created_us)
			abort();
		hs_alert_free(b);
		free(rec);
		hs_alert_free(a);
	}
	json_decref(post_obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_post *p = hs_post_new();
	size_t pos = 0;
	int more = 0, hits;
	bool rep = false;

	if (!p)
		abort();
	p->source = strdup("fuzz");
	p->source_id = strdup("1");
	if (!p->source || !p->source_id)
		abort();
	p->text = next_field(data, size, &pos, &more);
	if (more) { /* TITLE \0 TEXT ... */
		p->title = p->text;
		p->text = next_field(data, size, &pos, &more);
		if (more)
			p->lang = next_field(data, size, &pos, &more);
		if (more)
			p->author = next_field(data, size, &pos, &more);
	}
	p->created_us = FUZZ_NOW_US;
	hs_analyser an = { rules, scratch, NULL, NULL, NULL, pkey };
	hs_record *r = hs_analyse(p, &an);
	if (!r)
		abort();
	check_hits(r);
	hs_record_free(r);

	/* the whole input as one bare text */
	hits = hs_ruleset_match_text(rules, scratch, (const char *)data, size, NULL, NULL);
	char *fixed = hs_utf8_repair((const char *)data, size, &rep);
	if (!fixed)
		abort();
	if (!hs_utf8_valid(fixed, strlen(fixed)))
		abort();
	if (!memchr(data, 0, size) && (hits < 0) != rep)
		abort(); /* the two validators disagree */
	if (hs_ruleset_match_text(rules, scratch, fixed, strlen(fixed), NULL, NULL) < 0)
		abort();
	free(fixed);
	return 0;
}
