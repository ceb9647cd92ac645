/* hearsayctl rules test --text and rules match: run a rule set over texts
 * an analyst gives, to see which rules hit, where, and why - one text from
 * the command line, or a whole archive (plain lines or NDJSON posts) as
 * NDJSON hits. Single threaded. */
#include "hs_autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/rules.h>

#include "collectors/replay/replay.h"
#include "ctl.h"
#include "utf8.h"

typedef struct match_out {
	hs_ctl *c;
	const char *text, *title;   /* the fields a span refers to */
	size_t text_len, title_len;
	size_t line;                /* input line (rules match), 0 for --text */
	const char *post_id;        /* the post's source_id, or NULL for a plain line */
	json_t *arr;                /* --text --json: collected hits */
	size_t hits;
} match_out;

static json_t *hit_json(const match_out *o, const hs_rule_info *r, hs_field field, size_t s,
                        size_t e)
{
	const char *f = field == HS_FIELD_TITLE ? o->title : o->text;
	json_t *h = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[I,I],s:s%}", "rule", r->id, "title", r->title,
	                      "category", hs_category_name(r->category), "severity",
	                      hs_severity_name(r->severity), "field",
	                      field == HS_FIELD_TITLE ? "title" : "text", "span", (json_int_t)s,
	                      (json_int_t)e, "match", f + s, e - s);
	if (h && o->line)
		json_object_set_new(h, "line", json_integer((json_int_t)o->line));
	if (h && o->post_id)
		json_object_set_new(h, "post", json_string(o->post_id));
	if (h && r->file)
		json_object_set_new(h, "where", json_sprintf("%s:%d", r->file, r->line));
	return h;
}

static int on_hit(void *ud, const hs_rule_info *r, hs_field field, size_t s, size_t e)
{
	match_out *o = ud;
	json_t *h = hit_json(o, r, field, s, e);
	o->hits++;
	if (!h)
		return 1;
	if (o->arr) {
		json_array_append_new(o->arr, h); /* the array owns it */
		return 0;
	}
	if (o->line || o->c->format == CTL_JSON) { /* NDJSON, one hit a line */
		char *js = json_dumps(h, JSON_COMPACT);
		if (js)
			puts(js);
		free(js);
	} else {
		const char *f = field == HS_FIELD_TITLE ? o->title : o->text;
		printf("%s  [%s, %s]  %s\n  %s [%zu, %zu): \"%.*s\"  (%s:%d)\n", r->id,
		       hs_category_name(r->category), hs_severity_name(r->severity), r->title,
		       field == HS_FIELD_TITLE ? "title" : "text", s, e, (int)(e - s), f + s,
		       r->file ? r->file : "?", r->line);
	}
	json_decref(h);
	return 0;
}

/* rules test --text TEXT: which rules hit this text, on which span, why. */
int ctl_rules_text(hs_ctl *c, const hs_ruleset *rs, const char *text)
{
	size_t len = strlen(text);
	match_out o = { .c = c, .text = text, .text_len = len };
	hs_rule_scratch *s = NULL;
	ctl_scorer sc = { NULL, NULL };
	int rc = 1, n;

	if (!hs_utf8_valid(text, len)) {
		fprintf(stderr, "hearsayctl: --text is not valid UTF-8\n");
		return CTL_EX_USAGE;
	}
	if (!(s = hs_rule_scratch_new(rs)))
		goto out;
	if (c->format == CTL_JSON && !(o.arr = json_array()))
		goto out;
	if (ctl_scorer_open(c, rs, &sc) < 0)
		goto out;
	ctl_scorer_apply(&sc, s, text, len, NULL);
	n = hs_ruleset_match_text(rs, s, text, len, on_hit, &o);
	if (n < 0) {
		fprintf(stderr, "hearsayctl: rule matching failed\n");
		goto out;
	}
	if (o.arr) {
		char *js = json_dumps(o.arr, JSON_INDENT(2));
		if (js)
			puts(js);
		free(js);
	} else if (n == 0) {
		printf("no rule hits this text (%zu rule(s) tried)\n", hs_ruleset_count(rs));
	}
	if (hs_rule_scratch_limit_events(s))
		fprintf(stderr, "hearsayctl: %llu rule(s) stopped at their PCRE2 match or depth limit\n",
		        (unsigned long long)hs_rule_scratch_limit_events(s));
	rc = 0;
out:
	ctl_scorer_close(&sc);
	json_decref(o.arr);
	hs_rule_scratch_free(s);
	return rc;
}

/* One input line: an NDJSON post (replay format) or a plain text. */
static int match_line(match_out *o, const hs_ruleset *rs, hs_rule_scratch *s, ctl_scorer *sc,
                      char *line, size_t len, const char *path)
{
	char why[256];
	hs_post *p = NULL;
	char *fixed = NULL;
	int n;

	if (len && line[0] == '{') {
		p = hs_replay_parse_line(line, len, "input", why, sizeof(why));
		if (!p) {
			fprintf(stderr, "hearsayctl: %s:%zu: %s\n", path, o->line, why);
			return -1;
		}
		if (!hs_utf8_valid(p->text, strlen(p->text))) {
			char *t = hs_utf8_repair(p->text, strlen(p->text), NULL);
			if (t) {
				free(p->text);
				p->text = t;
			}
		}
		o->text = p->text;
		o->title = p->title;
		o->post_id = p->source_id;
		ctl_scorer_apply(sc, s, p->text, strlen(p->text), p->lang);
		n = hs_ruleset_match(rs, s, p, on_hit, o);
		hs_post_free(p);
	} else {
		if (!hs_utf8_valid(line, len)) { /* archives have bad bytes: repaired, as the daemon does */
			fixed = hs_utf8_repair(line, len, NULL);
			if (!fixed)
				return -1;
			line = fixed;
			len = strlen(fixed);
		}
		o->text = line;
		o->title = NULL;
		o->post_id = NULL;
		ctl_scorer_apply(sc, s, line, len, NULL);
		n = hs_ruleset_match_text(rs, s, line, len, on_hit, o);
		free(fixed);
	}
	return n < 0 ? -1 : 0;
}

/* rules match RULES [FILE]: every hit of every line as NDJSON. */
int ctl_rules_match(hs_ctl *c, const hs_ruleset *rs, const char *path)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0, lines = 0, bad = 0;
	ssize_t n;
	match_out o = { .c = c };
	hs_rule_scratch *s = hs_rule_scratch_new(rs);
	ctl_scorer sc = { NULL, NULL };
	int rc = 1;

	if (!s)
		return 1;
	if (ctl_scorer_open(c, rs, &sc) < 0)
		goto out;
	if (path && strcmp(path, "-") != 0 && !(in = fopen(path, "r"))) {
		fprintf(stderr, "hearsayctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)n;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		o.line = ++lines;
		if (!len)
			continue;
		if (match_line(&o, rs, s, &sc, line, len, path ? path : "-") < 0)
			bad++;
	}
	fprintf(stderr, "hearsayctl: %zu line(s), %zu hit(s), %zu bad line(s), %zu rule(s)\n", lines,
	        o.hits, bad, hs_ruleset_count(rs));
	rc = 0;
out:
	if (in && in != stdin)
		fclose(in);
	free(line);
	ctl_scorer_close(&sc);
	hs_rule_scratch_free(s);
	return rc;
}
