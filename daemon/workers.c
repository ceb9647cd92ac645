/* hearsay: analysis workers (see workers.h). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "timeutil.h"
#include "utf8.h"
#include "workers.h"

struct hs_workers {
	hs_daemon *d;
	int n;
	pthread_t *threads;
};

typedef struct hit_sink {
	hs_record *rec;
	int oom;
} hit_sink;

static int on_hit(void *ud, const hs_rule_info *rule, hs_field field,
                  size_t start, size_t end)
{
	hit_sink *s = ud;
	hs_record *r = s->rec;
	hs_hit *nh = realloc(r->hits, (r->n_hits + 1) * sizeof(*nh));

	if (!nh) {
		s->oom = 1;
		return 1;
	}
	r->hits = nh;
	hs_hit *h = &r->hits[r->n_hits];
	memset(h, 0, sizeof(*h));
	h->rule_id = strdup(rule->id);
	h->rule_title = strdup(rule->title);
	h->category = rule->category;
	h->severity = rule->severity;
	h->field = field;
	h->start = start;
	h->end = end;
	r->n_hits++;
	if (!h->rule_id || !h->rule_title)
		s->oom = 1;
	return 0;
}

/* Replace *field by a repaired copy if it is not valid UTF-8. */
static int repair_field(char **field, int *changed)
{
	bool rep = false;
	char *fixed;

	if (!*field || hs_utf8_valid(*field, strlen(*field)))
		return 0;
	fixed = hs_utf8_repair(*field, strlen(*field), &rep);
	if (!fixed)
		return -1;
	free(*field);
	*field = fixed;
	*changed = 1;
	return 0;
}

hs_record *hs_analyse(hs_post *post, const hs_ruleset *rules,
                      hs_rule_scratch *scratch,
                      const unsigned char pkey[HS_PSEUDONYM_KEY_LEN])
{
	hs_record *r = calloc(1, sizeof(*r));
	int changed = 0;

	if (!r) {
		hs_post_free(post);
		return NULL;
	}
	r->post = post;
	if (!post->text || !post->source || !post->source_id) {
		r->reject = strdup("post has no text, source or id");
		return r;
	}
	if (post->flags & HS_POST_DELETED)
		return r; /* a deletion notice: nothing to repair, hide or match */
	if (repair_field(&post->text, &changed) || repair_field(&post->title, &changed) ||
	    repair_field(&post->url, &changed) || repair_field(&post->source_id, &changed)) {
		r->reject = strdup("out of memory while repairing UTF-8");
		return r;
	}
	if (changed)
		HS_INC(posts_repaired);
	if (post->author) {
		char pn[HS_PSEUDONYM_HEX_LEN + 1];
		hs_pseudonym(pkey, post->source, post->author, pn);
		free(post->author);
		post->author = strdup(pn);
	}
	if (rules) {
		hit_sink sink = { r, 0 };
		if (hs_ruleset_match(rules, scratch, post, on_hit, &sink) < 0)
			hs_log_warn("source %s: post %s: rule matching failed", post->source,
			            post->source_id);
		if (sink.oom)
			r->reject = strdup("out of memory while matching");
	}
	return r;
}

static void *worker_main(void *arg)
{
	hs_daemon *d = arg;
	hs_ruleset *rules = NULL;
	hs_rule_scratch *scratch = NULL;
	uint64_t gen = UINT64_MAX;
	uint64_t limit_seen = 0;
	void *item;

	while (hs_queue_pop(d->intake, &item, -1) == 1) {
		hs_post *post = item; /* owned by this worker now */
		uint64_t cur = atomic_load(&d->rules_gen);
		if (cur != gen) {
			/* a reload swapped the set: take the new one, drop ours */
			if (scratch) {
				HS_ADD(rule_limit_events, hs_rule_scratch_limit_events(scratch) - limit_seen);
				hs_rule_scratch_free(scratch);
			}
			hs_ruleset_unref(rules);
			rules = hs_daemon_rules_acquire(d, &gen);
			scratch = rules ? hs_rule_scratch_new(rules) : NULL;
			limit_seen = 0;
		}
		int64_t intake = post->fetched_us;
		hs_record *rec = hs_analyse(post, rules, scratch, d->pkey);
		if (!rec) {
			HS_INC(posts_rejected);
			hs_log_err("out of memory: post dropped and counted");
			continue;
		}
		rec->intake_us = intake;
		if (scratch) {
			uint64_t le = hs_rule_scratch_limit_events(scratch);
			if (le != limit_seen) {
				HS_ADD(rule_limit_events, le - limit_seen);
				hs_log_warn("source %s: post %s: a rule hit its PCRE2 match limit; post stored without that rule",
				            rec->post->source, rec->post->source_id);
				limit_seen = le;
			}
		}
		/* Hand the record to the store thread; blocks while it is behind. */
		if (hs_queue_push(d->storeq, rec) < 0)
			hs_record_free(rec);
	}
	if (scratch)
		hs_rule_scratch_free(scratch);
	hs_ruleset_unref(rules);
	return NULL;
}

hs_workers *hs_workers_start(hs_daemon *d, int n, hs_errs *errs)
{
	hs_workers *w = calloc(1, sizeof(*w));

	if (!w || !(w->threads = calloc((size_t)n, sizeof(pthread_t)))) {
		free(w);
		hs_errs_add(errs, NULL, 0, 0, "out of memory starting workers");
		return NULL;
	}
	w->d = d;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_main, d) != 0) {
			hs_errs_add(errs, NULL, 0, 0, "cannot start worker thread %d", i);
			break;
		}
		w->n++;
	}
	return w;
}

void hs_workers_join(hs_workers *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->n; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	free(w);
}
