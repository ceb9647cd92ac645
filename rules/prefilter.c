/* hearsay: the rule set's literal prefilter (see rules_internal.h).
 *
 * Built once per set, when it is loaded, and read-only afterwards:
 *  - every pattern gets a number;
 *  - every term of a `terms` list is normalised into the "terms" view
 *    (" w1 w2 ": whole words, folded, accents off, obfuscations folded) and
 *    becomes a literal of the `terms` automaton: finding it in a post's
 *    terms view IS the match, no PCRE2 involved;
 *  - every regex gets the literals one of which each of its matches must
 *    contain (rule_literals.c), folded like the post's "folded" view, in
 *    the `regex` automaton; only a regex whose literal occurs runs PCRE2. A
 *    regex without such literals runs on every post, and its rule is on the
 *    `always` list, with a warning;
 *  - regexes prone to catastrophic backtracking (a group with an unbounded
 *    repeat inside, itself repeated without bound) get a warning too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "litscan.h"
#include "normalize.h"
#include "rule_literals.h"
#include "rules_internal.h"

/* *p holds n elements of elem bytes after this (realloc); 0 or -1, *p
 * unchanged on failure. */
static int resize(void **p, size_t n, size_t elem)
{
	void *np = realloc(*p, n * elem);
	if (!np)
		return -1;
	*p = np;
	return 0;
}

/* One literal set as lists, for the Vectorscan databases. The strings are
 * the patterns' own copies (p->lits), which live as long as the set. */
typedef struct litlist {
	const char **s;
	size_t *len;
	uint32_t *id;
	size_t n, cap;
} litlist;

static int litlist_add(litlist *l, const char *s, size_t len, uint32_t id)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		if (resize((void **)&l->s, nc, sizeof(*l->s)) ||
		    resize((void **)&l->len, nc, sizeof(*l->len)) ||
		    resize((void **)&l->id, nc, sizeof(*l->id)))
			return -1;
		l->cap = nc;
	}
	l->s[l->n] = s;
	l->len[l->n] = len;
	l->id[l->n++] = id;
	return 0;
}

static void litlist_free(litlist *l)
{
	free(l->s);
	free(l->len);
	free(l->id);
}

typedef struct pf_build {
	hs_ruleset *rs;
	hs_prefilter *pf;
	hs_norm *nz;
	hs_ac_builder *bt, *br, *bs, *bx; /* terms, regex, simple, rest */
	size_t n_lits, cap_lits;
	hs_errs *errs;
	bool oom;
	litlist ll[4];      /* HS_PF_*: the same sets, for Vectorscan */
} pf_build;

static void warn(hs_ruleset *rs, const hs_rule *r, const hs_pattern *p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(hs_ruleset *rs, const hs_rule *r, const hs_pattern *p, const char *fmt, ...)
{
	char msg[512], *line;
	char **nw;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&line, "%s:%d:%d: rule %s: %s", r->info.file ? r->info.file : "?", p->line,
	             p->col, r->info.id, msg) < 0)
		return;
	nw = realloc(rs->warnings, (rs->n_warnings + 1) * sizeof(*nw));
	if (!nw) {
		free(line);
		return;
	}
	rs->warnings = nw;
	rs->warnings[rs->n_warnings++] = line; /* the set owns it */
}

static inline bool ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Lowercase ASCII letters and digits, with single spaces between them and
 * at most one space at either end (a separator in the folded view is a
 * single space in the terms view, and every word there has a space on
 * both sides). */
static bool word_literal(const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	bool alnum = false;

	for (size_t i = 0; i < len; i++) {
		if (ascii_alnum(u[i])) {
			alnum = true;
			continue;
		}
		if (u[i] != ' ' || (i > 0 && u[i - 1] == ' '))
			return false;
	}
	return alnum;
}

static bool ascii_literal(const char *t, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)t[i] >= 0x80)
			return false;
	return true;
}

static void warn_set(hs_ruleset *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning about the whole set (no rule). */
static void warn_set(hs_ruleset *rs, const char *fmt, ...)
{
	char *line;
	char **nw;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	nw = realloc(rs->warnings, (rs->n_warnings + 1) * sizeof(*nw));
	if (!nw) {
		free(line);
		return;
	}
	rs->warnings = nw;
	rs->warnings[rs->n_warnings++] = line; /* the set owns it */
}

/* Record literal text[0..len) of pattern p in automaton b (B->bt for a
 * terms literal, B->br for a regex literal), and in B->bs or B->bx. */
static int add_lit(pf_build *B, hs_ac_builder *b, hs_pattern *p, const char *text, size_t len)
{
	hs_prefilter *pf = B->pf;
	char **nl, *copy;
	if (B->n_lits == B->cap_lits) {
		size_t nc = B->cap_lits ? B->cap_lits * 2 : 256;
		if (resize((void **)&pf->lit_pat, nc, sizeof(*pf->lit_pat)) ||
		    resize((void **)&pf->lit_len, nc, sizeof(*pf->lit_len)) ||
		    resize((void **)&pf->lit_terms, nc, sizeof(*pf->lit_terms)))
			return -1;
		B->cap_lits = nc;
	}
	nl = realloc(p->lits, (p->n_lits + 1) * sizeof(*nl));
	if (!nl)
		return -1;
	p->lits = nl;
	if (!(copy = strndup(text, len)))
		return -1;
	p->lits[p->n_lits++] = copy; /* the pattern owns it */
	if (hs_ac_add(b, (const unsigned char *)text, len, (uint32_t)B->n_lits) < 0 ||
	    litlist_add(&B->ll[b == B->bt ? HS_PF_TERMS : HS_PF_REGEX], copy, len,
	                (uint32_t)B->n_lits) < 0)
		return -1;
	/* the automata for fields on the simple path (see hs_prefilter) */
	if (b == B->bt || word_literal(text, len)) {
		if (hs_ac_add(B->bs, (const unsigned char *)text, len, (uint32_t)B->n_lits) < 0 ||
		    litlist_add(&B->ll[HS_PF_SIMPLE], copy, len, (uint32_t)B->n_lits) < 0)
			return -1;
	} else if (ascii_literal(text, len)) {
		if (hs_ac_add(B->bx, (const unsigned char *)text, len, (uint32_t)B->n_lits) < 0 ||
		    litlist_add(&B->ll[HS_PF_REST], copy, len, (uint32_t)B->n_lits) < 0)
			return -1;
	}
	pf->lit_pat[B->n_lits] = p->id;
	pf->lit_len[B->n_lits] = (uint32_t)len;
	pf->lit_terms[B->n_lits] = b == B->bt;
	B->n_lits++;
	return 0;
}

static int add_terms(pf_build *B, const hs_rule *r, hs_pattern *p)
{
	for (size_t i = 0; i < p->n_raw; i++) {
		size_t len;
		if (hs_norm_run(B->nz, p->raw[i], strlen(p->raw[i])) < 0)
			return -1;
		const char *t = hs_norm_terms(B->nz, &len);
		if (len <= 1) { /* " ": no letter or digit in it */
			hs_errs_add(B->errs, r->info.file, p->line, p->col,
			            "rule %s: term \"%s\" has no letter or digit, so it can never match",
			            r->info.id, p->raw[i]);
			continue;
		}
		if (add_lit(B, B->bt, p, t, len) < 0)
			return -1;
	}
	return 0;
}

/* 1 if the regex p has literals (added), 0 if it runs on every post. */
static int add_regex(pf_build *B, hs_pattern *p)
{
	hs_litset set;
	int rc = hs_regex_literals(p->src, strlen(p->src), 3, &set);
	char **folded = NULL;
	size_t *flen = NULL;

	if (rc <= 0)
		return rc;
	folded = calloc(set.n, sizeof(*folded));
	flen = calloc(set.n, sizeof(*flen));
	if (!folded || !flen)
		goto oom;
	/* Fold each literal like the text it will be found in; one that folding
	 * empties or shortens below 3 bytes makes the set useless. */
	for (size_t i = 0; i < set.n; i++) {
		if (hs_norm_run(B->nz, set.v[i], strlen(set.v[i])) < 0)
			goto oom;
		const char *f = hs_norm_folded(B->nz, &flen[i]);
		if (flen[i] < 3 || hs_norm_masked(B->nz)) {
			rc = 0;
			goto out;
		}
		if (!(folded[i] = strndup(f, flen[i])))
			goto oom;
	}
	for (size_t i = 0; i < set.n; i++)
		if (add_lit(B, B->br, p, folded[i], flen[i]) < 0)
			goto oom;
	rc = 1;
	goto out;
oom:
	rc = -1;
out:
	for (size_t i = 0; folded && i < set.n; i++)
		free(folded[i]);
	free(folded);
	free(flen);
	hs_litset_clear(&set);
	return rc;
}

/* A group with an unbounded repeat inside that is itself repeated without
 * bound, as in (a+)+, (\w*)*, (x|y+){2,}: PCRE2 may try exponentially many
 * ways to split a failing input. A textual check, good enough for a lint. */
static bool nested_repeat(const char *s)
{
	bool inner[64] = { false };
	int depth = 0;
	for (const char *c = s; *c; c++) {
		if (*c == '\\' && c[1]) {
			c++;
			continue;
		}
		if (*c == '[') { /* skip a class */
			c++;
			if (*c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']') {
				if (*c == '\\' && c[1])
					c++;
				c++;
			}
			if (!*c)
				break;
			continue;
		}
		bool unbounded = *c == '+' || *c == '*' || (*c == '{' && strchr(c, ',') &&
		                                            strchr(c, ',') < strchr(c, '}') &&
		                                            strchr(c, ',')[1] == '}');
		if (*c == '(') {
			if (depth < 63)
				inner[++depth] = false;
		} else if (*c == ')') {
			bool had = depth > 0 && inner[depth];
			if (depth > 0)
				depth--;
			const char *q = c + 1;
			bool rep = *q == '+' || *q == '*' ||
			           (*q == '{' && strchr(q, '}') && strchr(q, ',') &&
			            strchr(q, ',') < strchr(q, '}') && strchr(q, ',')[1] == '}');
			if (had && rep)
				return true;
			if (had && depth > 0)
				inner[depth] = true;
		} else if (unbounded && c > s && c[-1] != '(' && depth > 0) {
			inner[depth] = true;
		}
	}
	return false;
}

static void set_always(pf_build *B, uint32_t rule)
{
	hs_prefilter *pf = B->pf;
	if (pf->n_always && pf->always[pf->n_always - 1] == rule)
		return;
	pf->always[pf->n_always++] = rule;
}

static int build_rule(pf_build *B, uint32_t ri, uint32_t *next_id)
{
	hs_rule *r = &B->rs->rules[ri];
	hs_patlist *ls[3] = { &r->any, &r->all, &r->none };
	for (int k = 0; k < 3; k++)
		for (size_t j = 0; j < ls[k]->n; j++) {
			hs_pattern *p = &ls[k]->v[j];
			p->id = (*next_id)++;
			B->pf->pats[p->id] = (hs_patref){ p, ri, k < 2 };
			if (p->kind == HS_PAT_TERMS) {
				if (add_terms(B, r, p) < 0)
					return -1;
				continue;
			}
			if (nested_repeat(p->src))
				warn(B->rs, r, p, "a repeated group with an unbounded repeat inside is prone "
				                  "to catastrophic backtracking (rewrite it, e.g. without the "
				                  "inner + or *)");
			int rc = add_regex(B, p);
			if (rc < 0)
				return -1;
			if (rc == 0 && k < 2) {
				set_always(B, ri);
				warn(B->rs, r, p, "no literal can be found that every match of this regex "
				                  "contains, so it runs on every post (add a word it always "
				                  "needs)");
			}
		}
	return 0;
}

int hs_prefilter_build(hs_ruleset *rs, hs_errs *errs)
{
	pf_build B = { .rs = rs, .errs = errs };
	size_t before = hs_errs_count(errs);
	uint32_t n_pats = 0, next = 0;

	for (size_t i = 0; i < rs->n; i++)
		n_pats += (uint32_t)(rs->rules[i].any.n + rs->rules[i].all.n + rs->rules[i].none.n);
	B.pf = calloc(1, sizeof(*B.pf));
	B.nz = hs_norm_new();
	B.bt = hs_ac_builder_new();
	B.br = hs_ac_builder_new();
	B.bs = hs_ac_builder_new();
	B.bx = hs_ac_builder_new();
	if (!B.pf || !B.nz || !B.bt || !B.br || !B.bs || !B.bx)
		goto oom;
	B.pf->n_pats = n_pats;
	B.pf->pats = calloc(n_pats ? n_pats : 1, sizeof(*B.pf->pats));
	B.pf->always = calloc(rs->n ? rs->n : 1, sizeof(*B.pf->always));
	if (!B.pf->pats || !B.pf->always)
		goto oom;
	for (size_t i = 0; i < rs->n; i++)
		if (build_rule(&B, (uint32_t)i, &next) < 0)
			goto oom;
	B.pf->terms = hs_ac_build(B.bt);
	B.pf->regex = hs_ac_build(B.br);
	B.pf->simple = hs_ac_build(B.bs);
	B.pf->rest = hs_ac_build(B.bx);
	B.bt = B.br = B.bs = B.bx = NULL; /* consumed */
	if (!B.pf->terms || !B.pf->regex || !B.pf->simple || !B.pf->rest)
		goto oom;
	B.pf->memory = hs_ac_memory(B.pf->terms) + hs_ac_memory(B.pf->regex) +
	               hs_ac_memory(B.pf->simple) + hs_ac_memory(B.pf->rest);
	if (hs_litscan_enabled()) {
		/* the optional backend: all four sets, or none */
		char why[256] = "";
		B.pf->use_vs = true;
		for (int k = 0; k < 4 && B.pf->use_vs; k++) {
			B.pf->vs[k] = hs_litdb_build(B.ll[k].s, B.ll[k].len, B.ll[k].id, B.ll[k].n, why,
			                             sizeof(why));
			B.pf->use_vs = B.pf->vs[k] != NULL;
			B.pf->memory += hs_litdb_memory(B.pf->vs[k]);
		}
		if (!B.pf->use_vs)
			warn_set(rs, "Vectorscan: %s; the rule set uses hearsay's own automata", why);
	}
	for (int k = 0; k < 4; k++)
		litlist_free(&B.ll[k]);
	hs_norm_free(B.nz);
	rs->pf = B.pf;
	return hs_errs_count(errs) == before ? 0 : -1;
oom:
	hs_errs_add(errs, NULL, 0, 0, "rules: out of memory while building the prefilter");
	hs_ac_builder_free(B.bt);
	hs_ac_builder_free(B.br);
	hs_ac_builder_free(B.bs);
	hs_ac_builder_free(B.bx);
	for (int k = 0; k < 4; k++)
		litlist_free(&B.ll[k]);
	hs_norm_free(B.nz);
	hs_prefilter_free(B.pf);
	return -1;
}

void hs_prefilter_free(hs_prefilter *pf)
{
	if (!pf)
		return;
	hs_ac_free(pf->terms);
	hs_ac_free(pf->regex);
	hs_ac_free(pf->simple);
	hs_ac_free(pf->rest);
	for (int k = 0; k < 4; k++)
		hs_litdb_free(pf->vs[k]);
	free(pf->lit_pat);
	free(pf->lit_terms);
	free(pf->lit_len);
	free(pf->pats);
	free(pf->always);
	free(pf);
}
