/* hearsay: matching posts against a loaded rule set, and running the rule
 * packs' own tests.
 *
 * Each field (title, text) is normalised once (normalize.c): `terms`
 * patterns are found by the prefilter's automaton in the "terms" view
 * (whole words, caseless, accents and obfuscations folded) and regexes run
 * on the "folded" view (NFKC, case folded, URLs and @mentions masked); spans
 * are mapped back to the original field. One scan of each automaton per
 * field gives the candidate rules: a rule is evaluated only if one of its
 * any/all patterns has a literal in the post, or if it is on the prefilter's
 * always list (a regex without a usable literal).
 *
 * Evaluation of one candidate rule against a post:
 *   1. lang scope: a rule with `lang` only sees posts in that language
 *      (case-insensitive; "en" also covers "en-GB"); a post whose language
 *      is unknown (NULL or "") is checked against every rule.
 *   2. a pattern "matches the post" if it matches the title or the text
 *      (title first);
 *   3. the rule hits if (no `any` patterns, or at least one matches) and
 *      every `all` pattern matches and no `none` pattern matches;
 *   4. the reported span is the first match of the first matching `any`
 *      pattern, or, for rules without `any`, of the first `all` pattern -
 *      in the title if the pattern matches there, otherwise in the text.
 *
 * UTF-8: both hs_ruleset_match and hs_ruleset_match_text validate each field
 * once (a single linear pass) and return -1 for invalid UTF-8; every PCRE2
 * call then uses PCRE2_NO_UTF_CHECK, which would otherwise re-validate the
 * whole subject for every pattern. So no input can make PCRE2 read invalid
 * UTF-8, and the cost stays one pass per field.
 *
 * Resource limits: a pattern that exceeds its match/depth/heap limit (or
 * fails for any other reason than "no match") simply does not match and is
 * counted in the scratch's limit_events. Note PCRE2 applies the match limit
 * per start position, so a catastrophic pattern costs at most about
 * limit x text length steps per post - bounded, not free.
 *
 * Threading: the set is only read; all mutable state is in the scratch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "litscan.h"
#include "normalize.h"
#include "rules_internal.h"

typedef struct field {
	const char *s;
	size_t len;
	hs_field which;
	int slot;          /* 0 title, 1 text: which normaliser holds its views */
} field;

typedef struct span {
	hs_field which;
	size_t start, end;
} span;

/* ---- scratch ---------------------------------------------------------------- */

hs_rule_scratch *hs_rule_scratch_new(const hs_ruleset *rs)
{
	hs_rule_scratch *s;

	if (!rs)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto fail;
	s->rs = rs;
	/* Sized for the pattern with the most groups (we only read pair 0,
	 * but this avoids PCRE2 ever needing a bigger block). */
	s->md = pcre2_match_data_create(rs->max_captures + 1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->cand = malloc((rs->n ? rs->n : 1) * sizeof(*s->cand));
	size_t np = rs->pf ? rs->pf->n_pats : 0;
	s->nz[0] = hs_norm_new();
	s->nz[1] = hs_norm_new();
	s->pstamp = calloc(2 * np + 1, sizeof(*s->pstamp));
	s->tspan = calloc(4 * np + 1, sizeof(*s->tspan));
	s->rstamp = calloc(rs->n + 1, sizeof(*s->rstamp));
	if (!s->md || !s->mctx || !s->cand || !s->nz[0] || !s->nz[1] || !s->pstamp || !s->tspan ||
	    !s->rstamp)
		goto fail;
	if (rs->pf && rs->pf->use_vs)
		for (int k = 0; k < 4; k++)
			if (hs_litscratch_grow(&s->vs, rs->pf->vs[k]) < 0)
				goto fail;
	pcre2_set_heap_limit(s->mctx, HS_RULE_HEAP_LIMIT_KIB);
	if (hs_pcre2_have_jit()) {
		s->jstack = pcre2_jit_stack_create(HS_RULE_JIT_STACK_START,
		                                   HS_RULE_JIT_STACK_MAX, NULL);
		if (!s->jstack)
			goto fail;
		pcre2_jit_stack_assign(s->mctx, NULL, s->jstack);
	}
	return s;
fail:
	hs_rule_scratch_free(s);
	return NULL;
}

void hs_rule_scratch_free(hs_rule_scratch *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_jit_stack_free(s->jstack);
	free(s->cand);
	hs_norm_free(s->nz[0]);
	hs_norm_free(s->nz[1]);
	free(s->pstamp);
	free(s->tspan);
	free(s->rstamp);
	hs_litscratch_free(s->vs);
	free(s);
}

uint64_t hs_rule_scratch_limit_events(const hs_rule_scratch *s)
{
	return s ? s->limit_events : 0;
}

/* ---- UTF-8 ------------------------------------------------------------------- */

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above
 * U+10FFFF. NUL bytes are allowed (lengths are explicit). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c;
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;
		uint64_t w;

		/* 8 ASCII bytes at a time */
		while (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return false;
		}
		if (n - i - 1 < need)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		i += need + 1;
	}
	return true;
}

/* ---- evaluation ---------------------------------------------------------------- */

static char lang_fold(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c == '_' ? '-' : c;
}

/* Rule lang `want` covers post lang `have` if they are equal ignoring case
 * and '-'/'_', or `have` is `want` plus more subtags ("en" covers "en-GB"). */
static bool lang_fits(const char *want, const char *have)
{
	size_t i = 0;

	if (!want || !have || !*have)
		return true;
	for (; want[i]; i++)
		if (lang_fold(want[i]) != lang_fold(have[i]))
			return false;
	return have[i] == '\0' || have[i] == '-' || have[i] == '_';
}

/* Run one code on one field. Returns true on a match and sets the span;
 * limit hits and other PCRE2 failures count as "no match" and are counted
 * in the scratch. */
static bool code_find(hs_rule_scratch *s, const pcre2_code *code,
                      const field *f, size_t *start, size_t *end)
{
	int rc = pcre2_match(code, (PCRE2_SPTR)f->s, f->len, 0,
	                     PCRE2_NO_UTF_CHECK, s->md, s->mctx);
	const PCRE2_SIZE *ov;

	if (rc < 0) {
		if (rc != PCRE2_ERROR_NOMATCH)
			s->limit_events++;
		return false;
	}
	/* rc == 0 means the ovector was too small, but pair 0 is still set */
	ov = pcre2_get_ovector_pointer(s->md);
	*start = ov[0];
	*end = ov[1] < ov[0] ? ov[0] : ov[1]; /* \K can put start after end */
	return true;
}

/* Does pattern p match one of the fields? On a match, *sp (if non-NULL) gets
 * the first match in the first matching field, in the field's original
 * bytes. A terms pattern was settled by the prefilter scan; a regex with
 * literals runs only in a field where one of them occurs, on the field's
 * folded view. For a regex split into several codes the span is the
 * leftmost of their matches, the earlier code winning ties. */
static bool pattern_find(hs_rule_scratch *s, const hs_pattern *p,
                         const field *fs, size_t nf, span *sp)
{
	const hs_prefilter *pf = s->rs->pf;
	for (size_t i = 0; i < nf; i++) {
		size_t idx = (size_t)fs[i].slot * pf->n_pats + p->id;
		if (p->kind == HS_PAT_TERMS) {
			if (s->pstamp[idx] != s->gen)
				continue;
			if (sp) {
				sp->which = fs[i].which;
				hs_norm_span(s->nz[fs[i].slot], HS_NORM_TERMS, s->tspan[2 * idx],
				             s->tspan[2 * idx + 1], &sp->start, &sp->end);
			}
			return true;
		}
		if (p->n_lits && s->pstamp[idx] != s->gen)
			continue; /* none of its literals is in this field */
		field v = { NULL, 0, fs[i].which, fs[i].slot };
		v.s = hs_norm_folded(s->nz[fs[i].slot], &v.len);
		bool found = false;
		size_t best_start = 0, best_end = 0;

		for (size_t k = 0; k < p->n_codes; k++) {
			size_t st, en;
			if (!code_find(s, p->codes[k], &v, &st, &en))
				continue;
			if (!sp)
				return true;
			if (!found || st < best_start) {
				best_start = st;
				best_end = en;
			}
			found = true;
		}
		if (found) {
			sp->which = fs[i].which;
			hs_norm_span(s->nz[fs[i].slot], HS_NORM_FOLDED, best_start, best_end, &sp->start,
			             &sp->end);
			return true;
		}
	}
	return false;
}

/* Full any/all/none evaluation of one rule (lang already checked). */
static bool rule_eval(hs_rule_scratch *s, const hs_rule *r, const field *fs,
                      size_t nf, span *sp)
{
	bool have_span = false;

	pcre2_set_match_limit(s->mctx, r->match_limit);
	pcre2_set_depth_limit(s->mctx, r->depth_limit);
	if (r->any.n > 0) {
		for (size_t i = 0; i < r->any.n && !have_span; i++)
			have_span = pattern_find(s, &r->any.v[i], fs, nf, sp);
		if (!have_span)
			return false;
	}
	for (size_t i = 0; i < r->all.n; i++) {
		if (!pattern_find(s, &r->all.v[i], fs, nf, have_span ? NULL : sp))
			return false;
		have_span = true;
	}
	for (size_t i = 0; i < r->none.n; i++)
		if (pattern_find(s, &r->none.v[i], fs, nf, NULL))
			return false;
	return have_span;
}

typedef struct scan_ctx {
	hs_rule_scratch *s;
	size_t nc;               /* candidates so far */
	int slot;
} scan_ctx;

static void add_candidate(scan_ctx *c, uint32_t rule)
{
	hs_rule_scratch *s = c->s;
	if (s->rstamp[rule] == s->gen)
		return;
	s->rstamp[rule] = s->gen;
	s->cand[c->nc++] = rule;
}

/* A literal of the prefilter occurs in the current field. */
static int on_literal(void *ud, uint32_t lit, size_t end)
{
	scan_ctx *c = ud;
	hs_rule_scratch *s = c->s;
	const hs_prefilter *pf = s->rs->pf;
	uint32_t pid = pf->lit_pat[lit];
	size_t idx = (size_t)c->slot * pf->n_pats + pid;

	if (s->pstamp[idx] == s->gen)
		return 0; /* seen in this field already: keep the first span */
	s->pstamp[idx] = s->gen;
	if (pf->lit_terms[lit]) { /* offsets in the terms view: mapped on a hit */
		s->tspan[2 * idx] = end - pf->lit_len[lit];
		s->tspan[2 * idx + 1] = end;
	}
	if (pf->pats[pid].positive)
		add_candidate(c, pf->pats[pid].rule);
	return 0;
}

/* Does the post fit the rule's lang and scope? A bare text (post NULL, as
 * in rule tests) has no source and no time: only languages apply, and an
 * unknown language fits every rule. */
static bool in_scope(const hs_rule_scratch *s, const hs_rule *r, const hs_post *post,
                     const char *lang)
{
	bool ok;
	if (!lang_fits(r->info.lang, lang))
		return false;
	if (r->has_sent && (!s->sent_ok || s->sent < r->sent_min || s->sent > r->sent_max))
		return false;
	if (r->n_langs) {
		ok = false;
		for (size_t i = 0; i < r->n_langs && !ok; i++)
			ok = lang_fits(r->langs[i], lang);
		if (!ok)
			return false;
	}
	if (!post)
		return true;
	if (r->n_sources) {
		ok = false;
		for (size_t i = 0; i < r->n_sources && !ok; i++)
			ok = post->source && strcmp(post->source, r->sources[i]) == 0;
		if (!ok)
			return false;
	}
	return !r->has_window || (post->created_us >= r->win_start && post->created_us < r->win_end);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* One literal set (HS_PF_*) over a view: its automaton, or its Vectorscan
 * database when the set has them (rules/litscan.h). */
static void scan_set(hs_rule_scratch *s, int set, const char *v, size_t len, scan_ctx *c)
{
	const hs_prefilter *pf = s->rs->pf;
	const struct hs_ac *ac = set == HS_PF_TERMS ? pf->terms : set == HS_PF_REGEX ? pf->regex
	                        : set == HS_PF_SIMPLE ? pf->simple : pf->rest;

	if (pf->use_vs)
		hs_litdb_scan(pf->vs[set], s->vs, (const unsigned char *)v, len, on_literal, c);
	else
		hs_ac_scan(ac, (const unsigned char *)v, len, on_literal, c);
}

/* Normalise the fields, scan both automata over their views, and put the
 * rules worth evaluating into s->cand in rule order (lang scope checked in
 * rule order too). Returns how many, or -1 on out of memory. */
static long select_candidates(const hs_ruleset *rs, hs_rule_scratch *s, const field *fs,
                              size_t nf, const hs_post *post, const char *lang)
{
	const hs_prefilter *pf = rs->pf;
	scan_ctx c = { s, 0, 0 };
	size_t n = 0;

	if (++s->gen == 0) { /* the stamps wrapped: start them over */
		memset(s->pstamp, 0, 2 * pf->n_pats * sizeof(*s->pstamp));
		memset(s->rstamp, 0, rs->n * sizeof(*s->rstamp));
		s->gen = 1;
	}
	for (size_t i = 0; i < nf; i++) {
		size_t len;
		const char *v;
		if (hs_norm_run_views(s->nz[fs[i].slot], fs[i].s, fs[i].len) < 0)
			return -1;
		bool simple = hs_norm_simple(s->nz[fs[i].slot]);
		c.slot = fs[i].slot;
		v = hs_norm_terms(s->nz[fs[i].slot], &len);
		scan_set(s, simple ? HS_PF_SIMPLE : HS_PF_TERMS, v, len, &c);
		v = hs_norm_folded(s->nz[fs[i].slot], &len);
		scan_set(s, simple ? HS_PF_REST : HS_PF_REGEX, v, len, &c);
	}
	for (size_t i = 0; i < pf->n_always; i++)
		add_candidate(&c, pf->always[i]);
	qsort(s->cand, c.nc, sizeof(*s->cand), cmp_size);
	for (size_t i = 0; i < c.nc; i++)
		if (in_scope(s, &rs->rules[s->cand[i]], post, lang))
			s->cand[n++] = s->cand[i];
	return (long)n;
}

static int match_fields(const hs_ruleset *rs, hs_rule_scratch *s,
                        const field *fs, size_t nf, const hs_post *post,
                        hs_hit_fn fn, void *ud)
{
	long nc;
	int hits = 0;

	if (!rs || !s || s->rs != rs || !rs->pf)
		return -1;
	for (size_t i = 0; i < nf; i++)
		if (!utf8_valid((const unsigned char *)fs[i].s, fs[i].len))
			return -1;
	nc = select_candidates(rs, s, fs, nf, post, post ? post->lang : NULL);
	if (nc < 0)
		return -1;
	for (size_t c = 0; c < (size_t)nc; c++) {
		const hs_rule *r = &rs->rules[s->cand[c]];
		span sp = { HS_FIELD_TEXT, 0, 0 };
		if (!rule_eval(s, r, fs, nf, &sp))
			continue;
		hits++;
		if (fn && fn(ud, &r->info, sp.which, sp.start, sp.end) != 0)
			break;
	}
	return hits;
}

int hs_ruleset_match(const hs_ruleset *rs, hs_rule_scratch *s,
                     const hs_post *post, hs_hit_fn fn, void *ud)
{
	field fs[2];
	size_t nf = 0;

	if (!post || !post->text)
		return -1;
	if (post->title) {
		fs[nf].s = post->title;
		fs[nf].len = strlen(post->title);
		fs[nf].slot = 0;
		fs[nf++].which = HS_FIELD_TITLE;
	}
	fs[nf].s = post->text;
	fs[nf].len = strlen(post->text);
	fs[nf].slot = 1;
	fs[nf++].which = HS_FIELD_TEXT;
	return match_fields(rs, s, fs, nf, post, fn, ud);
}

int hs_ruleset_match_text(const hs_ruleset *rs, hs_rule_scratch *s,
                          const char *text, size_t len, hs_hit_fn fn,
                          void *ud)
{
	field f = { text ? text : "", text ? len : 0, HS_FIELD_TEXT, 1 };

	return match_fields(rs, s, &f, 1, NULL, fn, ud);
}

/* ---- rule tests --------------------------------------------------------------- */

typedef struct target {
	const hs_rule_info *want;
	bool hit;
} target;

static int target_hit(void *ud, const hs_rule_info *rule, hs_field which,
                      size_t start, size_t end)
{
	target *t = ud;

	(void)which;
	(void)start;
	(void)end;
	if (rule == t->want) {
		t->hit = true;
		return 1; /* found: stop */
	}
	return 0;
}

/* Quote text for an error message: escape '"', '\' and control bytes, cut
 * after ~80 bytes at a UTF-8 character boundary. out must hold 400 bytes. */
static void quote_example(const char *text, size_t len, char *out)
{
	size_t o = 0, i;

	for (i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	/* do not end inside a multi-byte character */
	while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80 && i < 84)
		out[o++] = text[i++];
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Run one example; returns 0 if it passed, 1 if it failed (reported). The
 * example's sentiment comes from fn (in the rule's language, if it has
 * one); without fn it is unknown, so a rule with a sentiment condition
 * cannot hit. */
static int run_example(const hs_ruleset *rs, hs_rule_scratch *s,
                       const hs_rule *r, const hs_example *ex, bool want_hit,
                       hs_sentiment_fn fn, void *fn_ud, hs_errs *errs)
{
	target t = { &r->info, false };
	char q[400];
	double compound;
	int rc;

	quote_example(ex->text, ex->len, q);
	hs_rule_scratch_clear_sentiment(s);
	if (fn && fn(fn_ud, ex->text, ex->len, r->info.lang, &compound) == 0)
		hs_rule_scratch_set_sentiment(s, compound);
	else if (r->has_sent && want_hit) {
		hs_errs_add(errs, r->info.file, ex->line, ex->col,
		            "rule %s: the rule has a sentiment condition, and this example's "
		            "sentiment is unknown (%s): \"%s\"", r->info.id,
		            fn ? "no score for it" : "no sentiment lexicons loaded", q);
		return 1;
	}
	rc = hs_ruleset_match_text(rs, s, ex->text, ex->len, target_hit, &t);
	if (rc < 0) {
		hs_errs_add(errs, r->info.file, ex->line, ex->col,
		            "rule %s: example is not valid UTF-8: \"%s\"",
		            r->info.id, q);
		return 1;
	}
	if (t.hit == want_hit)
		return 0;
	hs_errs_add(errs, r->info.file, ex->line, ex->col,
	            "rule %s: expected %s: \"%s\"", r->info.id,
	            want_hit ? "match" : "no match", q);
	return 1;
}

void hs_rule_scratch_set_sentiment(hs_rule_scratch *s, double compound)
{
	if (!s)
		return;
	s->sent_ok = true;
	s->sent = compound;
}

void hs_rule_scratch_clear_sentiment(hs_rule_scratch *s)
{
	if (s)
		s->sent_ok = false;
}

const char *hs_rule_scratch_words(const hs_rule_scratch *s, size_t *len)
{
	if (!s) {
		if (len)
			*len = 1;
		return " ";
	}
	return hs_norm_terms(s->nz[1], len); /* slot 1: the text */
}

bool hs_ruleset_uses_sentiment(const hs_ruleset *rs)
{
	for (size_t i = 0; rs && i < rs->n; i++)
		if (rs->rules[i].has_sent)
			return true;
	return false;
}

int hs_ruleset_run_tests(const hs_ruleset *rs, hs_errs *errs, size_t *n_run)
{
	return hs_ruleset_run_tests_with(rs, NULL, NULL, errs, n_run);
}

int hs_ruleset_run_tests_with(const hs_ruleset *rs, hs_sentiment_fn fn, void *fn_ud,
                              hs_errs *errs, size_t *n_run)
{
	hs_rule_scratch *s = NULL;
	size_t run = 0;
	int failed = 0;

	if (n_run)
		*n_run = 0;
	if (!rs)
		goto fail;
	s = hs_rule_scratch_new(rs);
	if (!s) {
		hs_errs_add(errs, NULL, 0, 0, "rule tests: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const hs_rule *r = &rs->rules[i];
		for (size_t k = 0; k < r->ex_match.n; k++, run++)
			failed += run_example(rs, s, r, &r->ex_match.v[k], true, fn, fn_ud, errs);
		for (size_t k = 0; k < r->ex_no_match.n; k++, run++)
			failed += run_example(rs, s, r, &r->ex_no_match.v[k], false, fn, fn_ud,
			                      errs);
	}
	hs_rule_scratch_free(s);
	if (n_run)
		*n_run = run;
	return failed;
fail:
	hs_rule_scratch_free(s);
	return -1;
}
