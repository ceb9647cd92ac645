/* hearsay: compiling rule patterns (regex and terms) with PCRE2.
 *
 * Every pattern is compiled with PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, so
 * \w, \b, \d and case folding follow Unicode, and PCRE2_NEVER_BACKSLASH_C so
 * a match can never end inside a UTF-8 character. When this PCRE2 build has
 * a JIT, every pattern is JIT-compiled too; if JIT compilation fails for a
 * pattern (e.g. out of executable memory) the pattern silently keeps using
 * the interpreter - pcre2_match picks whichever is available.
 *
 * A `terms:` list becomes one pattern
 *     (?<!\w)(?:t1|t2|...)(?!\w)
 * where every term is escaped so that it matches literally, except that a
 * run of whitespace inside a term matches any run of whitespace (so "shut
 * down" also finds "shut\n down"). Leading and trailing whitespace of a term
 * is ignored. A list too large for one PCRE2 program is split in halves
 * until each part compiles (see hs_pattern in rules_internal.h).
 *
 * Compiled code is read-only afterwards and may be shared by threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define HS_PCRE2_OPTS \
	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_NEVER_BACKSLASH_C)

/* Set HEARSAY_NO_JIT=1 in the environment (or build with
 * -DHS_RULES_NO_JIT) to force the interpreter, e.g. for running under
 * valgrind, which cannot see through JIT code's wide reads and reports false
 * positives. Read at every rule set compile; any thread. */
bool hs_pcre2_have_jit(void)
{
	uint32_t jit = 0;
	const char *off = getenv("HEARSAY_NO_JIT");

#ifdef HS_RULES_NO_JIT
	return false;
#endif
	if (off && off[0] && strcmp(off, "0") != 0)
		return false;
	if (pcre2_config(PCRE2_CONFIG_JIT, &jit) < 0)
		return false;
	return jit != 0;
}

void hs_pattern_clear(hs_pattern *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_codes; i++)
		pcre2_code_free(p->codes[i]);
	free(p->codes);
	memset(p, 0, sizeof(*p));
}

/* Compile len bytes of src. Returns the code, or NULL with *errcode and
 * *erroff set. */
static pcre2_code *code_compile(const char *src, size_t len, int *errcode,
                                size_t *erroff)
{
	PCRE2_SIZE off = 0;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)src, len, HS_PCRE2_OPTS,
	                              errcode, &off, NULL);

	*erroff = (size_t)off;
	return c;
}

/* Append a compiled code to p (taking ownership of c, also on failure) and
 * JIT-compile it when possible. Returns 0 or -1 on out of memory. */
static int pattern_add_code(hs_pattern *p, pcre2_code *c)
{
	pcre2_code **nc = realloc(p->codes, (p->n_codes + 1) * sizeof(*nc));
	uint32_t caps = 0;

	if (!nc) {
		pcre2_code_free(c);
		return -1;
	}
	p->codes = nc;
	p->codes[p->n_codes++] = c;
	if (pcre2_pattern_info(c, PCRE2_INFO_CAPTURECOUNT, &caps) == 0 &&
	    caps > p->captures)
		p->captures = caps;
	/* JIT is an optimisation only: on failure the interpreter is used. */
	if (hs_pcre2_have_jit() && pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0)
		p->n_jit++;
	return 0;
}

static void error_text(int errcode, char *msg, size_t sz)
{
	if (pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sz) < 0)
		snprintf(msg, sz, "PCRE2 error %d", errcode);
}

static void pattern_init(hs_pattern *p, hs_pat_kind kind, const hs_ynode *n)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->line = n->line;
	p->col = n->col;
}

int hs_pattern_compile_regex(hs_pattern *p, const hs_ynode *node,
                             const char *rule_name, hs_errs *errs)
{
	int errcode = 0;
	size_t erroff = 0;
	char msg[256];
	pcre2_code *c;

	pattern_init(p, HS_PAT_REGEX, node);
	c = code_compile(node->str, node->len, &errcode, &erroff);
	if (!c) {
		error_text(errcode, msg, sizeof(msg));
		hs_y_error(node, errs, "%s: regex does not compile at offset %zu: %s",
		           rule_name, erroff, msg);
		goto fail;
	}
	if (pattern_add_code(p, c) < 0) {
		hs_y_error(node, errs, "%s: out of memory", rule_name);
		goto fail;
	}
	return 0;
fail:
	hs_pattern_clear(p);
	return -1;
}

/* A growable string; on out of memory `oom` is set and appends are no-ops. */
typedef struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Append one term, escaped: ASCII punctuation gets a backslash (PCRE2 treats
 * "\" + non-alphanumeric ASCII as that literal character), bytes >= 0x80 (the
 * UTF-8 of non-ASCII characters) and ASCII letters/digits are copied, and
 * each whitespace run becomes \s+. Leading/trailing whitespace is dropped. */
static void sb_add_term(strbuf *b, const char *t, size_t len)
{
	size_t i = 0;

	while (len > 0 && is_space((unsigned char)t[len - 1]))
		len--;
	while (i < len && is_space((unsigned char)t[i]))
		i++;
	while (i < len) {
		unsigned char c = (unsigned char)t[i];
		if (is_space(c)) {
			while (i < len && is_space((unsigned char)t[i]))
				i++;
			sb_add(b, "\\s+", 3);
			continue;
		}
		if (c < 0x80 && !is_ascii_alnum(c))
			sb_add(b, "\\", 1);
		sb_add(b, t + i, 1);
		i++;
	}
}

/* Build the whole-word alternation for items [from, to) of list into b
 * (replacing its contents). */
static void terms_source(strbuf *b, const hs_ynode *list, size_t from,
                         size_t to)
{
	b->len = 0;
	sb_add(b, "(?<!\\w)(?:", 10);
	for (size_t i = from; i < to; i++) {
		if (i > from)
			sb_add(b, "|", 1);
		sb_add_term(b, list->items[i]->str, list->items[i]->len);
	}
	sb_add(b, ")(?!\\w)", 7);
}

/* Compile items [from, to) into p, halving the range while PCRE2 says the
 * program is too large. Reports at the list node; returns 0 or -1. */
static int compile_terms_range(hs_pattern *p, const hs_ynode *list,
                               size_t from, size_t to, strbuf *b,
                               const char *rule_name, hs_errs *errs)
{
	int errcode = 0;
	size_t erroff = 0, mid;
	char msg[256];
	pcre2_code *c;

	terms_source(b, list, from, to);
	if (b->oom)
		return -1;
	c = code_compile(b->s, b->len, &errcode, &erroff);
	if (c) {
		if (pattern_add_code(p, c) < 0) {
			b->oom = true;
			return -1;
		}
		return 0;
	}
	if (errcode == PCRE2_ERROR_PATTERN_TOO_LARGE && to - from > 1) {
		mid = from + (to - from) / 2;
		if (compile_terms_range(p, list, from, mid, b, rule_name, errs) < 0)
			return -1;
		return compile_terms_range(p, list, mid, to, b, rule_name, errs);
	}
	error_text(errcode, msg, sizeof(msg));
	hs_y_error(list, errs, "%s: terms list does not compile: %s", rule_name,
	           msg);
	return -1;
}

int hs_pattern_compile_terms(hs_pattern *p, const hs_ynode *list,
                             const char *rule_name, hs_errs *errs)
{
	strbuf b = { NULL, 0, 0, false };
	int rc;

	pattern_init(p, HS_PAT_TERMS, list);
	rc = compile_terms_range(p, list, 0, list->n, &b, rule_name, errs);
	if (rc < 0 && b.oom)
		hs_y_error(list, errs, "%s: out of memory", rule_name);
	if (rc < 0)
		hs_pattern_clear(p);
	free(b.s);
	return rc;
}
