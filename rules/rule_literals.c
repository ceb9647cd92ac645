/* hearsay: the literals a regex needs (see rule_literals.h).
 *
 * A small recursive-descent reader of PCRE2 syntax that only has to be
 * right in one direction: every literal set it returns must be necessary
 * (any match of the regex contains one of them); when in doubt it gives
 * up, and the pattern is simply run on every post. It never has to accept
 * every regex PCRE2 accepts: the pattern has already compiled.
 *
 *   alternation := branch ('|' branch)*     -> union of the branches' sets,
 *                                              or nothing if a branch has none
 *   branch      := (atom quantifier?)*      -> the best factor of the branch:
 *                                              a run of literal characters, or
 *                                              a required group's set
 *   atom        := char | escape | class | group | . ^ $
 *
 * "Best" is the set whose shortest member is longest (fewer members on a
 * tie): long literals make a selective prefilter.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rule_literals.h"

#define LIT_MAX 64          /* a literal longer than this is cut (still necessary) */
#define SET_MAX 32          /* more alternatives than this: not worth it */

typedef struct rd {
	const char *p, *end;
	bool bad;               /* syntax this reader does not follow: give up */
} rd;

static void set_clear(hs_litset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void hs_litset_clear(hs_litset *s)
{
	set_clear(s);
}

static int set_add(hs_litset *s, const char *lit, size_t len)
{
	char **nv, *c;
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && memcmp(s->v[i], lit, len) == 0)
			return 0;
	if (s->n >= SET_MAX)
		return 1; /* too many: the caller drops the set */
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	s->v = nv;
	if (!(c = malloc(len + 1)))
		return -1;
	memcpy(c, lit, len);
	c[len] = '\0';
	s->v[s->n++] = c;
	return 0;
}

static size_t set_minlen(const hs_litset *s)
{
	size_t m = (size_t)-1;
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) < m)
			m = strlen(s->v[i]);
	return s->n ? m : 0;
}

/* Is a better than b? (both non-empty) */
static bool set_better(const hs_litset *a, const hs_litset *b)
{
	size_t la = set_minlen(a), lb = set_minlen(b);
	return la > lb || (la == lb && a->n < b->n);
}

/* Move src into *best if it is better (or best is empty); else clear src. */
static void keep_best(hs_litset *best, hs_litset *src)
{
	if (src->n && (!best->n || set_better(src, best))) {
		set_clear(best);
		*best = *src;
	} else {
		set_clear(src);
	}
	src->v = NULL;
	src->n = 0;
}

static int alternation(rd *r, hs_litset *out);

/* Length of the UTF-8 character at p (1 for a stray byte). */
static size_t u8len(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return (size_t)(end - p) < n ? (size_t)(end - p) : n;
}

/* A quantifier after an atom: *min (0 or 1 for our purpose) and whether
 * more than one repetition is allowed. Consumes it. */
static void quantifier(rd *r, int *min, bool *many)
{
	*min = 1;
	*many = false;
	if (r->p >= r->end)
		return;
	char c = *r->p;
	if (c == '?' || c == '*' || c == '+') {
		r->p++;
		*min = c == '+' ? 1 : 0;
		*many = c != '?';
	} else if (c == '{') {
		const char *q = r->p + 1;
		long lo = 0, hi = -1;
		if (q >= r->end || *q < '0' || *q > '9')
			return; /* a literal '{' (PCRE2 treats it so) */
		while (q < r->end && *q >= '0' && *q <= '9')
			lo = lo * 10 + (*q++ - '0');
		if (q < r->end && *q == ',') {
			q++;
			if (q < r->end && *q >= '0' && *q <= '9') {
				hi = 0;
				while (q < r->end && *q >= '0' && *q <= '9')
					hi = hi * 10 + (*q++ - '0');
			}
		} else {
			hi = lo;
		}
		if (q >= r->end || *q != '}')
			return;
		r->p = q + 1;
		*min = lo > 0;
		*many = hi != 1;
	} else {
		return;
	}
	if (r->p < r->end && (*r->p == '?' || *r->p == '+'))
		r->p++; /* lazy or possessive */
}

/* Skip a character class [...] (r->p at '['). */
static void skip_class(rd *r)
{
	r->p++;
	if (r->p < r->end && *r->p == '^')
		r->p++;
	if (r->p < r->end && *r->p == ']')
		r->p++;
	while (r->p < r->end && *r->p != ']') {
		if (*r->p == '\\' && r->p + 1 < r->end)
			r->p += 2;
		else if (*r->p == '[' && r->p + 1 < r->end && r->p[1] == ':') {
			const char *e = strstr(r->p + 2, ":]");
			r->p = e && e < r->end ? e + 2 : r->p + 1;
		} else
			r->p++;
	}
	if (r->p >= r->end)
		r->bad = true;
	else
		r->p++;
}

/* One branch: up to '|' or ')' or the end. */
static int branch(rd *r, hs_litset *best)
{
	char run[LIT_MAX];
	size_t rl = 0;
	hs_litset tmp = { 0 };

#define END_RUN()                                               \
	do {                                                        \
		if (rl) {                                               \
			if (set_add(&tmp, run, rl) < 0)                     \
				return -1;                                      \
			keep_best(best, &tmp);                              \
			rl = 0;                                             \
		}                                                       \
	} while (0)

	while (r->p < r->end && !r->bad && *r->p != '|' && *r->p != ')') {
		char c = *r->p;
		const char *lit = NULL;
		size_t litlen = 0;
		hs_litset group = { 0 };
		bool is_group = false;

		if (c == '(') {
			r->p++;
			bool look = false, inner = true;
			if (r->p < r->end && *r->p == '?') {
				const char *q = r->p + 1;
				if (q < r->end && (*q == '=' || *q == '!'))
					look = true;
				else if (q + 1 < r->end && *q == '<' && (q[1] == '=' || q[1] == '!'))
					look = true;
				else if (q < r->end && *q == '#') {
					while (r->p < r->end && *r->p != ')')
						r->p++;
					inner = false;
				} else if (q < r->end && *q == ':')
					r->p = q + 1;
				else if (q < r->end && (*q == '<' || *q == '\'' || *q == 'P')) {
					const char *e = q;
					while (e < r->end && *e != '>' && *e != '\'' && *e != ')')
						e++;
					if (e >= r->end || *e == ')') {
						r->bad = true;
						break;
					}
					r->p = e + 1;
				} else {
					r->bad = true; /* inline flags, conditionals, recursion... */
					break;
				}
				if (look)
					r->p = q + (*q == '<' ? 2 : 1);
			}
			if (inner && alternation(r, &group) < 0) {
				set_clear(&group);
				return -1;
			}
			if (r->p >= r->end || *r->p != ')') {
				set_clear(&group);
				r->bad = true;
				break;
			}
			r->p++;
			if (look)
				set_clear(&group); /* zero width: nothing is consumed */
			is_group = true;
		} else if (c == '[') {
			skip_class(r);
		} else if (c == '\\') {
			if (r->p + 1 >= r->end) {
				r->bad = true;
				break;
			}
			char e = r->p[1];
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
				if (e == 'Q' || e == 'E' || e == 'K' || e == 'x' || e == 'p' || e == 'P' ||
				    e == 'o' || e == 'c' || e == 'g' || e == 'k' || e == 'N') {
					r->bad = true; /* not worth following */
					break;
				}
				r->p += 2; /* \b \d \w \s \1 ...: not a literal */
			} else {
				lit = r->p + 1; /* an escaped punctuation character */
				litlen = u8len(lit, r->end);
				r->p += 1 + litlen;
			}
		} else if (c == '.' || c == '^' || c == '$') {
			r->p++;
		} else if (c == '*' || c == '+' || c == '?' || c == '{') {
			r->bad = true; /* a quantifier without an atom */
			break;
		} else {
			lit = r->p;
			litlen = u8len(r->p, r->end);
			r->p += litlen;
		}

		int min;
		bool many;
		quantifier(r, &min, &many);
		if (lit && min) {
			/* ASCII letters fold to lower case; the rest is folded by the caller */
			if (rl + litlen > LIT_MAX) {
				END_RUN();
			}
			for (size_t i = 0; i < litlen; i++)
				run[rl++] = (lit[i] >= 'A' && lit[i] <= 'Z') ? (char)(lit[i] + 32) : lit[i];
			if (many)
				END_RUN(); /* a+ : one a for sure, then the run breaks */
		} else {
			END_RUN();
			if (is_group && min && group.n)
				keep_best(best, &group);
		}
		set_clear(&group);
	}
	END_RUN();
#undef END_RUN
	return 0;
}

static int alternation(rd *r, hs_litset *out)
{
	bool any_empty = false;
	for (;;) {
		hs_litset b = { 0 };
		if (branch(r, &b) < 0) {
			set_clear(&b);
			return -1;
		}
		if (!b.n)
			any_empty = true;
		for (size_t i = 0; i < b.n && !any_empty; i++) {
			int rc = set_add(out, b.v[i], strlen(b.v[i]));
			if (rc < 0) {
				set_clear(&b);
				return -1;
			}
			if (rc > 0)
				any_empty = true; /* too many alternatives */
		}
		set_clear(&b);
		if (r->p < r->end && *r->p == '|' && !r->bad) {
			r->p++;
			continue;
		}
		break;
	}
	if (any_empty || r->bad)
		set_clear(out);
	return 0;
}

int hs_regex_literals(const char *pat, size_t len, size_t min_len, hs_litset *out)
{
	rd r = { pat, pat + len, false };
	memset(out, 0, sizeof(*out));
	if (alternation(&r, out) < 0) {
		set_clear(out);
		return -1;
	}
	if (r.bad || r.p != r.end || !out->n || set_minlen(out) < min_len) {
		set_clear(out);
		return 0;
	}
	return 1;
}
