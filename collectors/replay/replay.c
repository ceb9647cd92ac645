/* hearsay: the `replay` collector (see replay.h and docs/formats.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "timeutil.h"
#include "ytree.h"
#include "replay.h"

#define HS_REPLAY_MAX_LINE (1u << 20)

struct hs_replay {
	char *name;
	hs_replay_opts opts;     /* borrowed strings: opts.path is copied */
	FILE *f;
	char *line;
	size_t line_cap;
	uint64_t offset;         /* byte offset of the next unread line */
	uint64_t lineno;         /* number of the last line read */
	uint64_t loop;           /* completed passes when looping */
	hs_post *pending;        /* refused by emit, offered again */
	int64_t pending_due;
	int have_base;
	int64_t base_created;    /* created_us of the first post of this pass */
	int64_t base_mono;       /* monotonic time when it was emitted */
	int64_t base_wall;
	uint64_t n_lines, n_bad;
};

int hs_replay_parse_opts(const hs_ynode *src, const char *base_dir,
                         hs_replay_opts *out, hs_errs *errs)
{
	static const char *const keys[] = { "name", "type", "path", "speed", "rebase", "loop", NULL };
	const hs_ynode *n;
	const char *s;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->speed = 1.0;
	if (hs_y_check_keys(src, keys, "replay source", errs))
		rc = -1;
	n = hs_ymap_get(src, "path");
	if (!n) {
		hs_y_error(src, errs, "replay source has no 'path'");
		rc = -1;
	} else if (hs_y_string(n, "path", errs, &s) == 0) {
		out->path = hs_path_resolve(base_dir, s);
	} else {
		rc = -1;
	}
	n = hs_ymap_get(src, "speed");
	if (n && hs_y_double(n, "speed", 0, 1e9, errs, &out->speed) < 0)
		rc = -1;
	n = hs_ymap_get(src, "rebase");
	if (n && hs_y_bool(n, "rebase", errs, &out->rebase) < 0)
		rc = -1;
	n = hs_ymap_get(src, "loop");
	if (n && hs_y_bool(n, "loop", errs, &out->loop) < 0)
		rc = -1;
	return rc;
}

void hs_replay_opts_free(hs_replay_opts *o)
{
	free(o->path);
	o->path = NULL;
}

/* Copy an optional string member; -1 if present with the wrong type. */
static int opt_str(json_t *obj, const char *key, char **dst, char *why,
                   size_t why_len)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		snprintf(why, why_len, "'%s' must be a string", key);
		return -1;
	}
	*dst = strdup(json_string_value(v));
	return *dst ? 0 : -1;
}

hs_post *hs_replay_parse_line(const char *line, size_t len,
                              const char *default_source, char *why,
                              size_t why_len)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	hs_post *p = NULL;
	json_t *v;

	if (!o) {
		snprintf(why, why_len, "invalid JSON at column %d: %s", jerr.column, jerr.text);
		goto fail;
	}
	if (!json_is_object(o)) {
		snprintf(why, why_len, "not a JSON object");
		goto fail;
	}
	p = hs_post_new();
	if (!p) {
		snprintf(why, why_len, "out of memory");
		goto fail;
	}
	v = json_object_get(o, "id");
	if (!json_is_string(v) || json_string_length(v) == 0) {
		snprintf(why, why_len, "missing or empty string 'id'");
		goto fail;
	}
	v = json_object_get(o, "text");
	if (!json_is_string(v)) {
		snprintf(why, why_len, "missing string 'text'");
		goto fail;
	}
	v = json_object_get(o, "created");
	if (!json_is_string(v)) {
		snprintf(why, why_len, "missing string 'created'");
		goto fail;
	}
	if (hs_time_parse_rfc3339(json_string_value(v), &p->created_us) < 0) {
		snprintf(why, why_len, "'created' is not an RFC 3339 time: \"%.40s\"",
		         json_string_value(v));
		goto fail;
	}
	if (opt_str(o, "id", &p->source_id, why, why_len) ||
	    opt_str(o, "text", &p->text, why, why_len) ||
	    opt_str(o, "source", &p->source, why, why_len) ||
	    opt_str(o, "url", &p->url, why, why_len) ||
	    opt_str(o, "author", &p->author, why, why_len) ||
	    opt_str(o, "lang", &p->lang, why, why_len) ||
	    opt_str(o, "title", &p->title, why, why_len))
		goto fail;
	if (!p->source && !(p->source = strdup(default_source))) {
		snprintf(why, why_len, "out of memory");
		goto fail;
	}
	v = json_object_get(o, "tags");
	if (v && !json_is_null(v)) {
		size_t i;
		json_t *t;
		if (!json_is_array(v)) {
			snprintf(why, why_len, "'tags' must be an array of strings");
			goto fail;
		}
		json_array_foreach(v, i, t) {
			if (!json_is_string(t)) {
				snprintf(why, why_len, "'tags' must be an array of strings");
				goto fail;
			}
			if (hs_post_add_tag(p, json_string_value(t)) < 0)
				goto fail;
		}
	}
	static const struct { const char *key; unsigned flag; } flags[] = {
		{ "reply", HS_POST_REPLY }, { "boost", HS_POST_BOOST },
	};
	for (size_t i = 0; i < 2; i++) {
		v = json_object_get(o, flags[i].key);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_boolean(v)) {
			snprintf(why, why_len, "'%s' must be true or false", flags[i].key);
			goto fail;
		}
		if (json_is_true(v))
			p->flags |= flags[i].flag;
	}
	json_decref(o);
	return p;
fail:
	json_decref(o);
	hs_post_free(p);
	return NULL;
}

hs_replay *hs_replay_open(const char *name, const hs_replay_opts *o,
                          const char *cursor, hs_errs *errs)
{
	hs_replay *r = calloc(1, sizeof(*r));

	if (!r) {
		hs_errs_add(errs, o->path, 0, 0, "out of memory");
		return NULL;
	}
	r->name = strdup(name);
	r->opts = *o;
	r->opts.path = strdup(o->path);
	r->f = fopen(o->path, "rb");
	if (!r->f) {
		hs_errs_add(errs, o->path, 0, 0, "source %s: cannot open replay file: %s",
		            name, strerror(errno));
		goto fail;
	}
	if (cursor) {
		unsigned long long off = 0, ln = 0, lp = 0;
		if (sscanf(cursor, "%llu:%llu:%llu", &off, &ln, &lp) >= 2 &&
		    fseeko(r->f, (off_t)off, SEEK_SET) == 0) {
			r->offset = off;
			r->lineno = ln;
			r->loop = lp;
			hs_log_info("source %s: resuming %s at line %llu", name, o->path, ln + 1);
		} else {
			hs_log_warn("source %s: ignoring unusable cursor '%s'", name, cursor);
			rewind(r->f);
		}
	}
	return r;
fail:
	hs_replay_close(r);
	return NULL;
}

void hs_replay_close(hs_replay *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	hs_post_free(r->pending);
	free(r->line);
	free(r->opts.path);
	free(r->name);
	free(r);
}

/* Read and parse the next good line into r->pending. Returns 1 when a post
 * is pending, 0 at end of file, -1 on a read error. */
static int read_next(hs_replay *r)
{
	char why[256];

	for (;;) {
		ssize_t n = getline(&r->line, &r->line_cap, r->f);
		if (n < 0)
			return ferror(r->f) ? -1 : 0;
		r->offset += (uint64_t)n;
		r->lineno++;
		r->n_lines++;
		HS_INC(replay_lines);
		while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			n--;
		if (n == 0 || r->line[0] == '#')
			continue;
		if ((size_t)n > HS_REPLAY_MAX_LINE) {
			snprintf(why, sizeof(why), "line longer than %u bytes", HS_REPLAY_MAX_LINE);
			goto bad;
		}
		hs_post *p = hs_replay_parse_line(r->line, (size_t)n, r->name, why, sizeof(why));
		if (!p)
			goto bad;
		char cur[96];
		snprintf(cur, sizeof(cur), "%" PRIu64 ":%" PRIu64 ":%" PRIu64, r->offset,
		         r->lineno, r->loop);
		p->cursor = strdup(cur);
		p->feed = strdup(r->name);
		if (r->loop > 0) {
			char *sid = NULL;
			if (asprintf(&sid, "%s#%" PRIu64, p->source_id, r->loop) >= 0) {
				free(p->source_id);
				p->source_id = sid;
			}
		}
		if (!p->cursor || !p->feed || !p->source_id) {
			hs_post_free(p);
			snprintf(why, sizeof(why), "out of memory");
			goto bad;
		}
		r->pending = p;
		return 1;
bad:
		r->n_bad++;
		HS_INC(replay_bad_lines);
		hs_log_warn("%s:%" PRIu64 ": source %s: skipped line: %s", r->opts.path,
		            r->lineno, r->name, why);
	}
}

/* Work out when the pending post is due and rebase its timestamp. */
static void schedule_pending(hs_replay *r, int64_t now_mono)
{
	hs_post *p = r->pending;
	if (!r->have_base) {
		r->have_base = 1;
		r->base_created = p->created_us;
		r->base_mono = now_mono;
		r->base_wall = hs_now_us();
	}
	int64_t delta = p->created_us - r->base_created;
	if (delta < 0)
		delta = 0; /* out-of-order input: emit at once */
	double speed = r->opts.speed;
	/* A tiny speed (the config allows any value above 0) would push the
	 * due time past what int64_t holds: cap it at ~126000 years. */
	double sd = speed > 0 ? (double)delta / speed : 0;
	int64_t scaled = sd < 4e18 ? (int64_t)sd : INT64_C(4000000000000000000);
	r->pending_due = r->base_mono + scaled;
	if (r->opts.rebase)
		p->created_us = r->base_wall + (speed > 0 ? scaled : delta);
	p->fetched_us = hs_now_us();
}

hs_replay_state hs_replay_step(hs_replay *r, int64_t now_mono_us,
                               hs_replay_emit_fn emit, void *ud,
                               int64_t *next_due_us)
{
	for (;;) {
		if (!r->pending) {
			int got = read_next(r);
			if (got < 0) {
				hs_log_err("source %s: read error on %s: %s", r->name,
				           r->opts.path, strerror(errno));
				return HS_REPLAY_DONE;
			}
			if (got == 0) {
				if (!r->opts.loop)
					return HS_REPLAY_DONE;
				rewind(r->f);
				r->offset = 0;
				r->lineno = 0;
				r->loop++;
				r->have_base = 0;
				continue;
			}
			schedule_pending(r, now_mono_us);
		}
		if (r->pending_due > now_mono_us) {
			*next_due_us = r->pending_due;
			return HS_REPLAY_MORE;
		}
		if (emit(ud, r->pending) != 0)
			return HS_REPLAY_BLOCKED;
		r->pending = NULL; /* ownership passed to emit */
	}
}

uint64_t hs_replay_lines(const hs_replay *r)
{
	return r->n_lines;
}

uint64_t hs_replay_bad_lines(const hs_replay *r)
{
	return r->n_bad;
}
