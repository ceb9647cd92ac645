/* hearsay: loading and validating rule packs (see include/hearsay/rules.h
 * and docs/rules.md).
 *
 * Loading reads every file with hs_yaml_load_file, validates each rule,
 * compiles its patterns (rule_compile.c) and collects *every* error with its
 * file:line:col position before deciding: one error anywhere and the whole
 * load fails (NULL), so a daemon reload never runs a half-loaded set.
 *
 * The returned set is immutable; its lifetime is governed by an atomic
 * reference count (hs_ruleset_ref / hs_ruleset_unref may be called from any
 * thread). Ownership of the set's parts is listed in rules_internal.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules_internal.h"
#include "timeutil.h"

/* Format a key path such as "rule x: match.any[2].terms" for messages.
 * Silently truncates (a vsnprintf wrapper, so that GCC's truncation
 * warnings do not fire on these purely cosmetic strings). */
static void fmt_what(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fmt_what(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

/* ---- severity and category names ---------------------------------------- */

static const char *const sev_names[] = {
	"info", "low", "medium", "high", "critical",
};
static const char *const cat_names[] = {
	"polarising", "rumour", "threat", "sentiment", "custom",
};
#define N_SEV (sizeof(sev_names) / sizeof(sev_names[0]))
#define N_CAT (sizeof(cat_names) / sizeof(cat_names[0]))

const char *hs_severity_name(hs_severity s)
{
	return (unsigned)s < N_SEV ? sev_names[s] : "unknown";
}

int hs_severity_parse(const char *name, hs_severity *out)
{
	for (size_t i = 0; name && i < N_SEV; i++) {
		if (strcmp(name, sev_names[i]) == 0) {
			*out = (hs_severity)i;
			return 0;
		}
	}
	return -1;
}

const char *hs_category_name(hs_category c)
{
	return (unsigned)c < N_CAT ? cat_names[c] : "unknown";
}

int hs_category_parse(const char *name, hs_category *out)
{
	for (size_t i = 0; name && i < N_CAT; i++) {
		if (strcmp(name, cat_names[i]) == 0) {
			*out = (hs_category)i;
			return 0;
		}
	}
	return -1;
}

/* ---- freeing ------------------------------------------------------------- */

static void patlist_clear(hs_patlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		hs_pattern_clear(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void exlist_clear(hs_exlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void strlist_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void hs_rule_clear(hs_rule *r)
{
	strlist_free(r->sources, r->n_sources);
	strlist_free(r->langs, r->n_langs);
	free((char *)r->info.id);
	free((char *)r->info.title);
	free((char *)r->info.description);
	free((char *)r->info.lang);
	patlist_clear(&r->any);
	patlist_clear(&r->all);
	patlist_clear(&r->none);
	exlist_clear(&r->ex_match);
	exlist_clear(&r->ex_no_match);
	memset(r, 0, sizeof(*r));
}

static void ruleset_free(hs_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		hs_rule_clear(&rs->rules[i]);
	free(rs->rules);
	for (size_t i = 0; i < rs->n_files; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->by_id);
	hs_prefilter_free(rs->pf);
	for (size_t i = 0; i < rs->n_warnings; i++)
		free(rs->warnings[i]);
	free(rs->warnings);
	free(rs);
}

/* ---- reference counting --------------------------------------------------- */

hs_ruleset *hs_ruleset_ref(hs_ruleset *rs)
{
	if (rs)
		atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
	return rs;
}

void hs_ruleset_unref(hs_ruleset *rs)
{
	if (!rs)
		return;
	/* acq_rel: every thread's last use happens-before the free. */
	if (atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_acq_rel) == 1)
		ruleset_free(rs);
}

/* ---- accessors ------------------------------------------------------------ */

size_t hs_ruleset_count(const hs_ruleset *rs)
{
	return rs ? rs->n : 0;
}

const hs_rule_info *hs_ruleset_rule(const hs_ruleset *rs, size_t i)
{
	if (!rs || i >= rs->n)
		return NULL;
	return &rs->rules[i].info;
}

size_t hs_ruleset_warnings(const hs_ruleset *rs, const char *const **out)
{
	*out = rs ? (const char *const *)rs->warnings : NULL;
	return rs ? rs->n_warnings : 0;
}

const char *hs_ruleset_prefilter_backend(const hs_ruleset *rs)
{
	return rs && rs->pf && rs->pf->use_vs ? "vectorscan" : "aho-corasick";
}

size_t hs_ruleset_prefilter_memory(const hs_ruleset *rs)
{
	return rs && rs->pf ? rs->pf->memory : 0;
}

long hs_ruleset_find(const hs_ruleset *rs, const char *id)
{
	size_t lo = 0, hi;

	if (!rs || !id || !rs->by_id)
		return -1;
	hi = rs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, rs->rules[rs->by_id[mid]].info.id);
		if (c == 0)
			return (long)rs->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* ---- validation helpers ----------------------------------------------------- */

/* [a-z0-9][a-z0-9._-]{0,63} */
static bool valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HS_RULE_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/* A language tag: 2-8 ASCII letters, then optional "-xxx" / "_xxx" subtags
 * of 1-8 letters or digits ("en", "nl", "pt-BR", "zh_Hant"). */
static bool valid_lang(const char *s)
{
	size_t i = 0, run = 0;

	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))
		i++;
	if (i < 2 || i > 8)
		return false;
	while (s[i]) {
		if (s[i] != '-' && s[i] != '_')
			return false;
		i++;
		run = 0;
		while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		       (s[i] >= '0' && s[i] <= '9')) {
			i++;
			run++;
		}
		if (run < 1 || run > 8)
			return false;
	}
	return true;
}

static bool all_space(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' &&
		    *s != '\f' && *s != '\v')
			return false;
	return true;
}

static char *dup_or_err(const char *s, const hs_ynode *at, const char *name,
                        hs_errs *errs)
{
	char *d = strdup(s);

	if (!d)
		hs_y_error(at, errs, "%s: out of memory", name);
	return d;
}

/* Fetch string key `key` of rule mapping `rule` into *out (a copy the caller
 * owns; NULL when an optional key is absent or null). Returns 0 or -1 after
 * reporting. */
static int rule_str(const hs_ynode *rule, const char *key, const char *name,
                    bool required, bool nonempty, hs_errs *errs, char **out)
{
	const hs_ynode *v = hs_ymap_get(rule, key);
	const char *s;
	char what[160];

	*out = NULL;
	fmt_what(what, sizeof(what), "%s: %s", name, key);
	if (!v || (!required && hs_y_is_null(v))) {
		if (!required)
			return 0;
		hs_y_error(rule, errs, "%s: missing required key '%s'", name, key);
		return -1;
	}
	if (hs_y_string(v, what, errs, &s) < 0)
		return -1;
	if (nonempty && all_space(s)) {
		hs_y_error(v, errs, "%s must not be empty", what);
		return -1;
	}
	*out = dup_or_err(s, v, name, errs);
	return *out ? 0 : -1;
}

/* Fetch an enum-valued key via its parser and name table. */
static int rule_enum(const hs_ynode *rule, const char *key, const char *name,
                     const char *const *names, size_t n_names,
                     hs_errs *errs, int *out)
{
	const hs_ynode *v = hs_ymap_get(rule, key);
	const char *s;
	char what[160], list[160] = "";

	fmt_what(what, sizeof(what), "%s: %s", name, key);
	if (!v) {
		hs_y_error(rule, errs, "%s: missing required key '%s'", name, key);
		return -1;
	}
	if (hs_y_string(v, what, errs, &s) < 0)
		return -1;
	for (size_t i = 0; i < n_names; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
		if (i > 0)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, names[i], sizeof(list) - strlen(list) - 1);
	}
	hs_y_error(v, errs, "%s must be one of %s, not '%s'", what, list, s);
	return -1;
}

/* ---- patterns (`match:`) ----------------------------------------------------- */

/* Check a `terms:` node: a non-empty list of non-empty strings. */
static int check_terms(const hs_ynode *t, const char *what, hs_errs *errs)
{
	char iw[200];
	int rc = 0;

	if (hs_y_expect(t, HS_Y_SEQ, what, errs) < 0)
		return -1;
	if (t->n == 0) {
		hs_y_error(t, errs, "%s must not be an empty list", what);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		const char *s;
		fmt_what(iw, sizeof(iw), "%s[%zu]", what, i + 1);
		if (hs_y_string(t->items[i], iw, errs, &s) < 0) {
			rc = -1;
		} else if (all_space(s)) {
			hs_y_error(t->items[i], errs, "%s must not be empty", iw);
			rc = -1;
		}
	}
	return rc;
}

/* One list item of any/all/none: a mapping with exactly one of regex/terms.
 * On success *p holds a compiled pattern. `what` is e.g.
 * "rule x: match.any[2]". */
static int parse_pattern(hs_pattern *p, const hs_ynode *item,
                         const char *name, const char *what, hs_errs *errs)
{
	static const char *const keys[] = { "regex", "terms", NULL };
	const hs_ynode *re, *te;
	const char *s;
	char kw[200];

	if (hs_y_expect(item, HS_Y_MAP, what, errs) < 0)
		return -1;
	if (hs_y_check_keys(item, keys, what, errs) > 0)
		return -1;
	re = hs_ymap_get(item, "regex");
	te = hs_ymap_get(item, "terms");
	if ((re != NULL) == (te != NULL)) {
		hs_y_error(item, errs, "%s must have exactly one of 'regex' or 'terms'",
		           what);
		return -1;
	}
	if (te) {
		fmt_what(kw, sizeof(kw), "%s.terms", what);
		if (check_terms(te, kw, errs) < 0)
			return -1;
		return hs_pattern_compile_terms(p, te, name, errs);
	}
	fmt_what(kw, sizeof(kw), "%s.regex", what);
	if (hs_y_string(re, kw, errs, &s) < 0)
		return -1;
	if (re->len == 0) {
		hs_y_error(re, errs, "%s must not be empty", kw);
		return -1;
	}
	return hs_pattern_compile_regex(p, re, name, errs);
}

/* Parse list `key` of a match mapping into l. Sets *n_items to the number of
 * items written (compiled or not) so the caller can tell "empty" from
 * "failed". */
static int parse_patlist(hs_patlist *l, const hs_ynode *match, const char *key,
                         const char *name, size_t *n_items, hs_errs *errs)
{
	const hs_ynode *v = hs_ymap_get(match, key);
	char what[160];
	int rc = 0;

	*n_items = 0;
	if (!v || hs_y_is_null(v))
		return 0;
	fmt_what(what, sizeof(what), "%s: match.%s", name, key);
	if (hs_y_expect(v, HS_Y_SEQ, what, errs) < 0)
		return -1;
	*n_items = v->n;
	if (v->n == 0)
		return 0;
	l->v = calloc(v->n, sizeof(*l->v));
	if (!l->v) {
		hs_y_error(v, errs, "%s: out of memory", name);
		return -1;
	}
	for (size_t i = 0; i < v->n; i++) {
		char iw[200];
		fmt_what(iw, sizeof(iw), "%s[%zu]", what, i + 1);
		if (parse_pattern(&l->v[l->n], v->items[i], name, iw, errs) < 0)
			rc = -1;
		else
			l->n++;
	}
	return rc;
}

static int parse_match(hs_rule *r, const hs_ynode *rule, const char *name,
                       hs_errs *errs)
{
	static const char *const keys[] = { "any", "all", "none", NULL };
	const hs_ynode *m = hs_ymap_get(rule, "match");
	char what[160];
	size_t n_any, n_all, n_none;
	int rc = 0;

	fmt_what(what, sizeof(what), "%s: match", name);
	if (!m) {
		hs_y_error(rule, errs, "%s: missing required key 'match'", name);
		return -1;
	}
	if (hs_y_expect(m, HS_Y_MAP, what, errs) < 0)
		return -1;
	if (hs_y_check_keys(m, keys, what, errs) > 0)
		rc = -1;
	if (parse_patlist(&r->any, m, "any", name, &n_any, errs) < 0)
		rc = -1;
	if (parse_patlist(&r->all, m, "all", name, &n_all, errs) < 0)
		rc = -1;
	if (parse_patlist(&r->none, m, "none", name, &n_none, errs) < 0)
		rc = -1;
	if (n_any == 0 && n_all == 0) {
		hs_y_error(m, errs,
		           "%s needs at least one pattern under 'any' or 'all'", what);
		rc = -1;
	}
	return rc;
}

/* ---- examples (`tests:`) ---------------------------------------------------- */

static int parse_exlist(hs_exlist *l, const hs_ynode *tests, const char *key,
                        const char *name, hs_errs *errs)
{
	const hs_ynode *v = hs_ymap_get(tests, key);
	char what[160];
	int rc = 0;

	if (!v || hs_y_is_null(v))
		return 0;
	fmt_what(what, sizeof(what), "%s: tests.%s", name, key);
	if (hs_y_expect(v, HS_Y_SEQ, what, errs) < 0)
		return -1;
	if (v->n == 0)
		return 0;
	l->v = calloc(v->n, sizeof(*l->v));
	if (!l->v) {
		hs_y_error(v, errs, "%s: out of memory", name);
		return -1;
	}
	for (size_t i = 0; i < v->n; i++) {
		const hs_ynode *it = v->items[i];
		const char *s;
		char iw[200];
		hs_example *ex = &l->v[l->n];

		fmt_what(iw, sizeof(iw), "%s[%zu]", what, i + 1);
		if (hs_y_string(it, iw, errs, &s) < 0) {
			rc = -1;
			continue;
		}
		ex->text = dup_or_err(s, it, name, errs);
		if (!ex->text) {
			rc = -1;
			continue;
		}
		ex->len = it->len;
		ex->line = it->line;
		ex->col = it->col;
		l->n++;
	}
	return rc;
}

static int parse_tests(hs_rule *r, const hs_ynode *rule, const char *name,
                       hs_errs *errs)
{
	static const char *const keys[] = { "match", "no_match", NULL };
	const hs_ynode *t = hs_ymap_get(rule, "tests");
	char what[160];
	int rc = 0;

	if (!t || hs_y_is_null(t))
		return 0;
	fmt_what(what, sizeof(what), "%s: tests", name);
	if (hs_y_expect(t, HS_Y_MAP, what, errs) < 0)
		return -1;
	if (hs_y_check_keys(t, keys, what, errs) > 0)
		rc = -1;
	if (parse_exlist(&r->ex_match, t, "match", name, errs) < 0)
		rc = -1;
	if (parse_exlist(&r->ex_no_match, t, "no_match", name, errs) < 0)
		rc = -1;
	return rc;
}

/* ---- one rule ------------------------------------------------------------- */

/* Parse the rule id into r->info.id and set *name to "rule ID" (or to
 * "rule #N" when the id is missing or invalid). */
static int parse_id(hs_rule *r, const hs_ynode *rule, size_t idx, char *name,
                    size_t name_sz, hs_errs *errs)
{
	char *id = NULL;

	fmt_what(name, name_sz, "rule #%zu", idx + 1);
	if (rule_str(rule, "id", name, true, false, errs, &id) < 0)
		return -1;
	if (!valid_id(id)) {
		hs_y_error(hs_ymap_get(rule, "id"), errs,
		           "%s: invalid id '%s': use 1-%d characters a-z, 0-9, '.', "
		           "'_' or '-', starting with a letter or digit",
		           name, id, HS_RULE_ID_MAX);
		free(id);
		return -1;
	}
	r->info.id = id;
	fmt_what(name, name_sz, "rule %s", id);
	return 0;
}

static int parse_lang(hs_rule *r, const hs_ynode *rule, const char *name,
                      hs_errs *errs)
{
	char *lang = NULL;

	if (rule_str(rule, "lang", name, false, true, errs, &lang) < 0)
		return -1;
	if (lang && !valid_lang(lang)) {
		hs_y_error(hs_ymap_get(rule, "lang"), errs,
		           "%s: lang must be a language code such as en, nl or "
		           "pt-BR, not '%s'", name, lang);
		free(lang);
		return -1;
	}
	r->info.lang = lang;
	return 0;
}

/* A non-empty list of non-empty strings at scope.KEY into *out. */
static int scope_list(const hs_ynode *scope, const char *key, const char *name, char ***out,
                      size_t *n, hs_errs *errs)
{
	const hs_ynode *l = hs_ymap_get(scope, key);
	char what[160];
	const char *s;

	if (!l)
		return 0;
	fmt_what(what, sizeof(what), "%s: scope.%s", name, key);
	if (hs_y_expect(l, HS_Y_SEQ, what, errs) < 0)
		return -1;
	if (l->n == 0) {
		hs_y_error(l, errs, "%s must not be empty (leave it out instead)", what);
		return -1;
	}
	*out = calloc(l->n, sizeof(**out));
	if (!*out)
		return -1;
	for (size_t i = 0; i < l->n; i++, (*n)++) {
		if (hs_y_string(l->items[i], what, errs, &s) < 0)
			return -1;
		if (!*s) {
			hs_y_error(l->items[i], errs, "%s: an empty entry", what);
			return -1;
		}
		if (!((*out)[i] = strdup(s)))
			return -1;
	}
	return 0;
}

static int scope_time(const hs_ynode *win, const char *key, const char *name, int64_t *out,
                      hs_errs *errs)
{
	const hs_ynode *t = hs_ymap_get(win, key);
	const char *s;
	char what[160];
	fmt_what(what, sizeof(what), "%s: scope.window.%s", name, key);
	if (!t) {
		hs_y_error(win, errs, "%s is missing", what);
		return -1;
	}
	if (hs_y_string(t, what, errs, &s) < 0)
		return -1;
	if (hs_time_parse_rfc3339(s, out) < 0) {
		hs_y_error(t, errs, "%s must be an RFC 3339 time such as 2026-05-16T09:00:00Z, "
		           "not '%s'", what, s);
		return -1;
	}
	return 0;
}

/* scope: sources, languages, window {start, end}, places (see docs/rules.md).
 * places become one more `all` pattern: a terms list. */
static int parse_scope(hs_rule *r, const hs_ynode *rule, const char *name, hs_errs *errs)
{
	static const char *const keys[] = { "sources", "languages", "window", "places", NULL };
	static const char *const wkeys[] = { "start", "end", NULL };
	const hs_ynode *sc = hs_ymap_get(rule, "scope"), *w, *pl;
	char what[160];
	int rc = 0;

	if (!sc)
		return 0;
	fmt_what(what, sizeof(what), "%s: scope", name);
	if (hs_y_expect(sc, HS_Y_MAP, what, errs) < 0)
		return -1;
	if (hs_y_check_keys(sc, keys, what, errs) > 0)
		rc = -1;
	if (scope_list(sc, "sources", name, &r->sources, &r->n_sources, errs) < 0)
		rc = -1;
	if (scope_list(sc, "languages", name, &r->langs, &r->n_langs, errs) < 0)
		rc = -1;
	for (size_t i = 0; i < r->n_langs; i++)
		if (!valid_lang(r->langs[i])) {
			hs_y_error(hs_ymap_get(sc, "languages"), errs,
			           "%s: scope.languages: '%s' is not a language code such as en or pt-BR",
			           name, r->langs[i]);
			rc = -1;
		}
	if (r->n_langs && r->info.lang) {
		hs_y_error(hs_ymap_get(sc, "languages"), errs,
		           "%s: give either lang or scope.languages, not both", name);
		rc = -1;
	}
	if ((w = hs_ymap_get(sc, "window"))) {
		fmt_what(what, sizeof(what), "%s: scope.window", name);
		if (hs_y_expect(w, HS_Y_MAP, what, errs) < 0 || hs_y_check_keys(w, wkeys, what, errs) > 0 ||
		    scope_time(w, "start", name, &r->win_start, errs) < 0 ||
		    scope_time(w, "end", name, &r->win_end, errs) < 0) {
			rc = -1;
		} else if (r->win_start >= r->win_end) {
			hs_y_error(w, errs, "%s: scope.window.start must be before its end", name);
			rc = -1;
		} else {
			r->has_window = true;
		}
	}
	if ((pl = hs_ymap_get(sc, "places"))) {
		fmt_what(what, sizeof(what), "%s: scope.places", name);
		hs_pattern *nv;
		if (check_terms(pl, what, errs) < 0)
			return -1;
		nv = realloc(r->all.v, (r->all.n + 1) * sizeof(*nv));
		if (!nv)
			return -1;
		r->all.v = nv;
		if (hs_pattern_compile_terms(&r->all.v[r->all.n], pl, name, errs) < 0)
			return -1;
		r->all.n++;
	}
	return rc;
}

/* sentiment: {min, max}: the post's compound sentiment score (-1..1) must
 * be at least min and at most max (see docs/rules.md). */
static int parse_sentiment(hs_rule *r, const hs_ynode *rule, const char *name, hs_errs *errs)
{
	static const char *const keys[] = { "min", "max", NULL };
	const hs_ynode *se = hs_ymap_get(rule, "sentiment"), *mn, *mx;
	char what[160];

	if (!se)
		return 0;
	fmt_what(what, sizeof(what), "%s: sentiment", name);
	if (hs_y_expect(se, HS_Y_MAP, what, errs) < 0)
		return -1;
	if (hs_y_check_keys(se, keys, what, errs) > 0)
		return -1;
	mn = hs_ymap_get(se, "min");
	mx = hs_ymap_get(se, "max");
	if (!mn && !mx) {
		hs_y_error(se, errs, "%s needs min, max or both (compound scores, -1 to 1)", what);
		return -1;
	}
	r->sent_min = -1.0;
	r->sent_max = 1.0;
	fmt_what(what, sizeof(what), "%s: sentiment.min", name);
	if (mn && hs_y_double(mn, what, -1.0, 1.0, errs, &r->sent_min) < 0)
		return -1;
	fmt_what(what, sizeof(what), "%s: sentiment.max", name);
	if (mx && hs_y_double(mx, what, -1.0, 1.0, errs, &r->sent_max) < 0)
		return -1;
	if (r->sent_min > r->sent_max) {
		hs_y_error(se, errs, "%s: sentiment.min (%g) is above sentiment.max (%g)", name,
		           r->sent_min, r->sent_max);
		return -1;
	}
	r->has_sent = true;
	return 0;
}

/* spike: {enabled, min_count, threshold}: this rule's spike key settings. */
static int parse_spike(hs_rule *r, const hs_ynode *rule, const char *name, hs_errs *errs)
{
	static const char *const keys[] = { "enabled", "min_count", "threshold", NULL };
	const hs_ynode *sp = hs_ymap_get(rule, "spike"), *n;
	char what[160];
	bool on = true;
	int64_t mc;

	if (!sp)
		return 0;
	fmt_what(what, sizeof(what), "%s: spike", name);
	if (hs_y_expect(sp, HS_Y_MAP, what, errs) < 0 || hs_y_check_keys(sp, keys, what, errs) > 0)
		return -1;
	fmt_what(what, sizeof(what), "%s: spike.enabled", name);
	if ((n = hs_ymap_get(sp, "enabled")) && hs_y_bool(n, what, errs, &on) < 0)
		return -1;
	r->info.spike_off = !on;
	fmt_what(what, sizeof(what), "%s: spike.min_count", name);
	if ((n = hs_ymap_get(sp, "min_count"))) {
		if (hs_y_int(n, what, 1, 1000000, errs, &mc) < 0)
			return -1;
		r->info.spike_min_count = (unsigned)mc;
	}
	fmt_what(what, sizeof(what), "%s: spike.threshold", name);
	if ((n = hs_ymap_get(sp, "threshold")) &&
	    hs_y_double(n, what, 0.5, 20.0, errs, &r->info.spike_threshold) < 0)
		return -1;
	return 0;
}

/* Validate and compile one rule mapping into *r. Returns 0 if the rule is
 * entirely valid, -1 otherwise (errors reported). Even on failure *r keeps
 * whatever was parsed (its id in particular, for duplicate detection); the
 * caller owns *r either way and frees it with hs_rule_clear. */
static int parse_rule(hs_rule *r, const hs_ynode *rule, size_t idx,
                      const char *file, hs_errs *errs)
{
	static const char *const keys[] = {
		"id", "title", "description", "category", "severity", "lang",
		"match", "scope", "sentiment", "spike", "tests", NULL,
	};
	char name[96], what[32];
	char *s = NULL;
	int v = 0, rc = 0;

	memset(r, 0, sizeof(*r));
	fmt_what(what, sizeof(what), "rule #%zu", idx + 1);
	if (hs_y_expect(rule, HS_Y_MAP, what, errs) < 0)
		return -1;
	r->info.file = file;
	r->info.line = rule->n ? rule->pairs[0].key->line : rule->line;
	r->col = rule->n ? rule->pairs[0].key->col : rule->col;
	r->match_limit = HS_RULE_MATCH_LIMIT;
	r->depth_limit = HS_RULE_DEPTH_LIMIT;

	if (parse_id(r, rule, idx, name, sizeof(name), errs) < 0)
		rc = -1;
	if (hs_y_check_keys(rule, keys, name, errs) > 0)
		rc = -1;
	if (rule_str(rule, "title", name, true, true, errs, &s) < 0)
		rc = -1;
	r->info.title = s;
	if (rule_str(rule, "description", name, false, false, errs, &s) < 0)
		rc = -1;
	r->info.description = s ? s : dup_or_err("", rule, name, errs);
	if (!r->info.description)
		rc = -1;
	if (rule_enum(rule, "category", name, cat_names, N_CAT, errs, &v) < 0)
		rc = -1;
	r->info.category = (hs_category)v;
	if (rule_enum(rule, "severity", name, sev_names, N_SEV, errs, &v) < 0)
		rc = -1;
	r->info.severity = (hs_severity)v;
	if (parse_lang(r, rule, name, errs) < 0)
		rc = -1;
	if (parse_match(r, rule, name, errs) < 0)
		rc = -1;
	if (parse_scope(r, rule, name, errs) < 0)
		rc = -1;
	if (parse_sentiment(r, rule, name, errs) < 0)
		rc = -1;
	if (parse_spike(r, rule, name, errs) < 0)
		rc = -1;
	if (parse_tests(r, rule, name, errs) < 0)
		rc = -1;
	return rc;
}

/* ---- building a set ------------------------------------------------------------ */

typedef struct loader {
	hs_ruleset *rs;
	size_t cap;        /* allocated rs->rules */
	hs_errs *errs;
	bool failed;       /* something went wrong (also on lost messages) */
} loader;

static int push_rule(loader *ld, hs_rule *r)
{
	hs_ruleset *rs = ld->rs;

	if (rs->n == ld->cap) {
		size_t ncap = ld->cap ? ld->cap * 2 : 16;
		hs_rule *nr = realloc(rs->rules, ncap * sizeof(*nr));
		if (!nr)
			return -1;
		rs->rules = nr;
		ld->cap = ncap;
	}
	rs->rules[rs->n++] = *r;
	return 0;
}

/* Keep a copy of a file name for the rules that point at it. */
static const char *push_file(loader *ld, const char *path)
{
	hs_ruleset *rs = ld->rs;
	char **nf = realloc(rs->files, (rs->n_files + 1) * sizeof(*nf));
	char *copy;

	if (!nf)
		return NULL;
	rs->files = nf;
	copy = strdup(path);
	if (!copy)
		return NULL;
	rs->files[rs->n_files++] = copy;
	return copy;
}

/* Walk the `rules:` list of one parsed file. */
static void load_rules_list(loader *ld, const hs_ynode *list, const char *file)
{
	for (size_t i = 0; i < list->n; i++) {
		hs_rule r;
		if (parse_rule(&r, list->items[i], i, file, ld->errs) < 0)
			ld->failed = true;
		if (!r.info.id) {
			hs_rule_clear(&r);
			continue;
		}
		if (push_rule(ld, &r) < 0) {
			hs_rule_clear(&r);
			hs_errs_add(ld->errs, file, 0, 0, "out of memory");
			ld->failed = true;
		}
	}
}

static void load_one_file(loader *ld, const char *path)
{
	static const char *const top_keys[] = { "rules", NULL };
	hs_ynode *root = NULL;
	const hs_ynode *list;
	const char *file;
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		hs_errs_add(ld->errs, path, 0, 0, "not a regular file");
		goto fail;
	}
	file = push_file(ld, path);
	if (!file) {
		hs_errs_add(ld->errs, path, 0, 0, "out of memory");
		goto fail;
	}
	root = hs_yaml_load_file(path, ld->errs);
	if (!root)
		goto fail;
	/* An empty file (or a lone "---") is a valid pack without rules. */
	if (hs_y_is_null(root) || (root->type == HS_Y_MAP && root->n == 0))
		goto out;
	if (hs_y_expect(root, HS_Y_MAP, "a rule file", ld->errs) < 0)
		goto fail;
	if (hs_y_check_keys(root, top_keys, "rule file", ld->errs) > 0)
		ld->failed = true;
	list = hs_ymap_get(root, "rules");
	if (!list) {
		hs_y_error(root, ld->errs, "missing top-level key 'rules'");
		goto fail;
	}
	if (hs_y_is_null(list))
		goto out;
	if (hs_y_expect(list, HS_Y_SEQ, "rules", ld->errs) < 0)
		goto fail;
	load_rules_list(ld, list, file);
out:
	hs_ynode_free(root);
	return;
fail:
	ld->failed = true;
	hs_ynode_free(root);
}

typedef struct id_ent {
	const char *id;
	size_t idx;
} id_ent;

static int id_ent_cmp(const void *a, const void *b)
{
	const id_ent *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Report every rule whose id was already used by an earlier rule (in rule
 * order), naming the first definition's position. */
static void report_duplicates(loader *ld, const id_ent *ents)
{
	hs_ruleset *rs = ld->rs;
	size_t *first = malloc(rs->n * sizeof(*first));

	if (!first) {
		hs_errs_add(ld->errs, NULL, 0, 0, "out of memory");
		ld->failed = true;
		return;
	}
	for (size_t i = 0; i < rs->n; i++)
		first[i] = (size_t)-1;
	for (size_t i = 1, g = 0; i < rs->n; i++) {
		if (strcmp(ents[i].id, ents[g].id) == 0)
			first[ents[i].idx] = ents[g].idx;
		else
			g = i;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const hs_rule *r, *f;
		if (first[i] == (size_t)-1)
			continue;
		r = &rs->rules[i];
		f = &rs->rules[first[i]];
		hs_errs_add(ld->errs, r->info.file, r->info.line, r->col,
		            "rule %s: duplicate rule id (first defined at %s:%d:%d)",
		            r->info.id, f->info.file, f->info.line, f->col);
		ld->failed = true;
	}
	free(first);
}

/* Build the sorted id index (for hs_ruleset_find) and report duplicates. */
static void index_ids(loader *ld)
{
	hs_ruleset *rs = ld->rs;
	id_ent *ents;

	if (rs->n == 0)
		return;
	ents = malloc(rs->n * sizeof(*ents));
	rs->by_id = malloc(rs->n * sizeof(*rs->by_id));
	if (!ents || !rs->by_id) {
		hs_errs_add(ld->errs, NULL, 0, 0, "out of memory");
		ld->failed = true;
		goto out;
	}
	for (size_t i = 0; i < rs->n; i++) {
		ents[i].id = rs->rules[i].info.id;
		ents[i].idx = i;
	}
	qsort(ents, rs->n, sizeof(*ents), id_ent_cmp);
	for (size_t i = 0; i < rs->n; i++)
		rs->by_id[i] = ents[i].idx;
	report_duplicates(ld, ents);
out:
	free(ents);
}

static void compute_max_captures(hs_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		const hs_patlist *ls[3] = {
			&rs->rules[i].any, &rs->rules[i].all, &rs->rules[i].none,
		};
		for (int k = 0; k < 3; k++)
			for (size_t j = 0; j < ls[k]->n; j++)
				if (ls[k]->v[j].captures > rs->max_captures)
					rs->max_captures = ls[k]->v[j].captures;
	}
}

hs_ruleset *hs_ruleset_load_files(const char *const *paths, size_t n,
                                  hs_errs *errs)
{
	loader ld = { NULL, 0, errs, false };
	size_t n_errs = hs_errs_count(errs);

	ld.rs = calloc(1, sizeof(*ld.rs));
	if (!ld.rs) {
		hs_errs_add(errs, NULL, 0, 0, "out of memory");
		goto fail;
	}
	atomic_init(&ld.rs->refs, 1);
	for (size_t i = 0; i < n; i++)
		load_one_file(&ld, paths[i]);
	index_ids(&ld);
	if (ld.failed || hs_errs_count(errs) != n_errs)
		goto fail;
	compute_max_captures(ld.rs);
	if (hs_prefilter_build(ld.rs, errs) < 0)
		goto fail;
	return ld.rs;
fail:
	ruleset_free(ld.rs);
	return NULL;
}

/* ---- directories --------------------------------------------------------------- */

static bool is_rule_file_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.') /* hidden files, editor locks like ".#x.yaml" */
		return false;
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct namelist {
	char **v;
	size_t n, cap;
} namelist;

static int namelist_add_path(namelist *l, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] == '/';
	char *p = NULL;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		char **nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if (asprintf(&p, "%s%s%s", dir, slash ? "" : "/", name) < 0)
		return -1;
	l->v[l->n++] = p;
	return 0;
}

static void namelist_free(namelist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

hs_ruleset *hs_ruleset_load_dir(const char *dir, hs_errs *errs)
{
	namelist names = { NULL, 0, 0 };
	hs_ruleset *rs = NULL;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		hs_errs_add(errs, dir, 0, 0, "cannot open rules directory: %s",
		            strerror(errno));
		goto fail;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!is_rule_file_name(de->d_name))
			continue;
		if (namelist_add_path(&names, dir, de->d_name) < 0) {
			hs_errs_add(errs, dir, 0, 0, "out of memory");
			goto fail;
		}
	}
	if (errno) {
		hs_errs_add(errs, dir, 0, 0, "cannot read rules directory: %s",
		            strerror(errno));
		goto fail;
	}
	/* Same directory prefix for all, so this sorts by file name (bytewise,
	 * independent of the locale). */
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	rs = hs_ruleset_load_files((const char *const *)names.v, names.n, errs);
fail:
	if (d)
		closedir(d);
	namelist_free(&names);
	return rs;
}
