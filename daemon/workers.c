/* hearsay: analysis workers (see workers.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "timeutil.h"
#include "utf8.h"
#include "workers.h"
#include "rules/normalize.h"
#include "rules/sentiment.h"

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
	h->spike_off = rule->spike_off;
	h->spike_min_count = rule->spike_min_count;
	h->spike_threshold = rule->spike_threshold;
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

/* Sentiment of the post's text in its language (title left out: headlines
 * are written to attract, not to say how the writer feels). */
static void score(hs_record *r, const hs_analyser *a)
{
	hs_post *p = r->post;
	char buf[9];

	size_t len = strlen(p->text);
	const char *lg = hs_sentiment_language(a->sentiment, p->text, len, p->lang, buf);

	r->sent_rc = HS_SENT_NO_MODEL;
	r->sent = (hs_sentiment){ 0.0, 1.0, 0.0, 0.0 };
	snprintf(r->lang, sizeof(r->lang), "%s", lg);
	if (!a->sentiment || !a->sent_scratch)
		return;
	/* in the language just found: detection runs once per post */
	r->sent_rc = hs_sentiment_score_in(a->sentiment, a->sent_scratch, p->text, len, lg,
	                                   &r->sent, NULL);
	if (r->sent_rc == HS_SENT_ERROR)
		hs_log_warn("source %s: post %s: sentiment scoring failed (out of memory)", p->source,
		            p->source_id);
}

/* The words of the text, signed for claim grouping: the terms view the
 * rule match just made, or a view of our own without rules. */
static void sign(hs_record *r, const hs_analyser *a)
{
	const char *w = NULL;
	size_t len = 0;

	if (a->rules && a->scratch)
		w = hs_rule_scratch_words(a->scratch, &len);
	else if (a->norm && hs_norm_run_views(a->norm, r->post->text, strlen(r->post->text)) == 0)
		w = hs_norm_terms(a->norm, &len);
	if (w)
		hs_simhash_sign(w, len, &r->sig);
}

hs_record *hs_analyse(hs_post *post, const hs_analyser *a)
{
	hs_record *r = calloc(1, sizeof(*r));
	const hs_ruleset *rules = a->rules;
	hs_rule_scratch *scratch = a->scratch;
	const unsigned char *pkey = a->pkey;
	int changed = 0;

	if (!r) {
		hs_post_free(post);
		return NULL;
	}
	r->post = post;
	snprintf(r->lang, sizeof(r->lang), "unknown");
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
	score(r, a);
	if (rules && scratch) {
		hit_sink sink = { r, 0 };
		if (r->sent_rc == HS_SENT_SCORED)
			hs_rule_scratch_set_sentiment(scratch, r->sent.compound);
		else
			hs_rule_scratch_clear_sentiment(scratch);
		if (hs_ruleset_match(rules, scratch, post, on_hit, &sink) < 0)
			hs_log_warn("source %s: post %s: rule matching failed", post->source,
			            post->source_id);
		if (sink.oom)
			r->reject = strdup("out of memory while matching");
	}
	sign(r, a);
	return r;
}

static void *worker_main(void *arg)
{
	hs_daemon *d = arg;
	hs_ruleset *rules = NULL;
	hs_rule_scratch *scratch = NULL;
	hs_analyser an = { NULL, NULL, d->sentiment, NULL, NULL, d->pkey };
	uint64_t gen = UINT64_MAX;
	uint64_t limit_seen = 0;
	void *item;

	/* this worker's own scratch for sentiment and for words without rules */
	an.sent_scratch = d->sentiment ? hs_sentiment_scratch_new() : NULL;
	an.norm = hs_norm_new();
	if ((d->sentiment && !an.sent_scratch) || !an.norm)
		hs_log_err("worker: out of memory for its scratch: posts go unscored or unsigned");
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
		an.rules = rules;
		an.scratch = scratch;
		hs_record *rec = hs_analyse(post, &an);
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
	hs_sentiment_scratch_free(an.sent_scratch);
	hs_norm_free(an.norm);
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
