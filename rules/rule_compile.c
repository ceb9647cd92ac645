/* hearsay: compiling rule patterns (regex and terms) with PCRE2.
 *
 * Every pattern is compiled with PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, so
 * \w, \b, \d and case folding follow Unicode, and PCRE2_NEVER_BACKSLASH_C so
 * a match can never end inside a UTF-8 character. When this PCRE2 build has
 * a JIT, every pattern is JIT-compiled too; if JIT compilation fails for a
 * pattern (e.g. out of executable memory) the pattern silently keeps using
 * the interpreter - pcre2_match picks whichever is available.
 *
 * A `terms:` list is not compiled here: its terms are kept as written and
 * become literals of the prefilter's automaton (prefilter.c), matched on
 * the normalised "terms" view of a post (whole words, caseless, accents and
 * common obfuscations folded).
 *
 * Compiled code is read-only afterwards and may be shared by threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

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
	free(p->src);
	for (size_t i = 0; i < p->n_raw; i++)
		free(p->raw[i]);
	free(p->raw);
	for (size_t i = 0; i < p->n_lits; i++)
		free(p->lits[i]);
	free(p->lits);
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

/* The regex as it must read to run on a post's folded view: every
 * non-ASCII character outside escapes and classes NFKC-normalised and case
 * folded like the text ("ß" -> "ss", "ﬁ" -> "fi"), so that a pattern
 * written in ordinary spelling still matches. ASCII is left alone (the
 * match is caseless, and folding would turn \D into \d). Newly allocated,
 * or NULL on out of memory. */
static char *fold_source(const char *src, size_t len)
{
	size_t cap = len * 3 + 16, o = 0, i = 0;
	char *out = malloc(cap);
	int cls = 0;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned char c = (unsigned char)src[i];
		if (c == '\\' && i + 1 < len) {
			out[o++] = src[i++];
			out[o++] = src[i++];
			continue;
		}
		if (c == '[')
			cls = 1;
		else if (c == ']' && cls)
			cls = 0;
		if (c < 0x80 || cls) {
			out[o++] = src[i++];
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)src + i,
		                                      (utf8proc_ssize_t)(len - i), &cp);
		utf8proc_uint8_t *f = NULL;
		if (n <= 0 || utf8proc_map((const utf8proc_uint8_t *)src + i, n, &f,
		                           UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		                               UTF8PROC_CASEFOLD) < 0) {
			free(f);
			out[o++] = src[i++]; /* leave it as it is */
			continue;
		}
		size_t fl = strlen((const char *)f);
		if (o + fl + 4 > cap) {
			char *nb = realloc(out, cap = (o + fl + 4) * 2);
			if (!nb) {
				free(f);
				free(out);
				return NULL;
			}
			out = nb;
		}
		memcpy(out + o, f, fl);
		o += fl;
		free(f);
		i += (size_t)n;
	}
	out[o] = '\0';
	return out;
}

int hs_pattern_compile_regex(hs_pattern *p, const hs_ynode *node,
                             const char *rule_name, hs_errs *errs)
{
	int errcode = 0;
	size_t erroff = 0;
	char msg[256], *folded = NULL;
	pcre2_code *c;

	pattern_init(p, HS_PAT_REGEX, node);
	/* compiled as written first, so errors point at what the author wrote */
	c = code_compile(node->str, node->len, &errcode, &erroff);
	if (!c) {
		error_text(errcode, msg, sizeof(msg));
		hs_y_error(node, errs, "%s: regex does not compile at offset %zu: %s",
		           rule_name, erroff, msg);
		goto fail;
	}
	if (!(folded = fold_source(node->str, node->len))) {
		pcre2_code_free(c);
		hs_y_error(node, errs, "%s: out of memory", rule_name);
		goto fail;
	}
	if (strlen(folded) != node->len || memcmp(folded, node->str, node->len) != 0) {
		pcre2_code *fc = code_compile(folded, strlen(folded), &errcode, &erroff);
		if (!fc) {
			error_text(errcode, msg, sizeof(msg));
			hs_y_error(node, errs, "%s: the case-folded regex does not compile at offset "
			           "%zu: %s", rule_name, erroff, msg);
			pcre2_code_free(c);
			goto fail;
		}
		pcre2_code_free(c);
		c = fc;
	}
	if (pattern_add_code(p, c) < 0) {
		hs_y_error(node, errs, "%s: out of memory", rule_name);
		goto fail;
	}
	p->src = folded; /* the pattern owns it: literals are taken from it */
	return 0;
fail:
	free(folded);
	hs_pattern_clear(p);
	return -1;
}

int hs_pattern_compile_terms(hs_pattern *p, const hs_ynode *list,
                             const char *rule_name, hs_errs *errs)
{
	pattern_init(p, HS_PAT_TERMS, list);
	p->raw = calloc(list->n ? list->n : 1, sizeof(*p->raw));
	if (!p->raw)
		goto oom;
	for (size_t i = 0; i < list->n; i++, p->n_raw++)
		if (!(p->raw[i] = strndup(list->items[i]->str, list->items[i]->len)))
			goto oom;
	return 0; /* matched by the prefilter's automaton (prefilter.c) */
oom:
	hs_y_error(list, errs, "%s: out of memory", rule_name);
	hs_pattern_clear(p);
	return -1;
}
