/* hearsay fuzz target: text normalisation (rules/normalize.c).
 *
 * Input: any bytes, as a post's text. They are normalised twice: as they
 * are (ill-formed UTF-8 and NUL bytes included: must not crash, and the
 * invariants below must hold with U+FFFD per ill-formed byte), and after
 * hs_utf8_repair() if they were not valid (what the analysis workers do).
 * Checked after every run, for the three views:
 *   - every view is valid UTF-8 with no NUL byte (hs_utf8_valid) and its
 *     length is strlen;
 *   - map_start and map_end are monotonic over 0..len, within the text,
 *     and on character boundaries of the text;
 *   - folded and plain: every character maps to a non-empty span;
 *   - terms is " ", or " word ... word " with single spaces.
 * On the repaired text also:
 *   - differential: when the run masked nothing and the text holds no
 *     U+200D, U+FE0E, U+FE0F or tag character (kept after emoji, where
 *     utf8proc drops them), folded equals utf8proc_map with
 *     STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE;
 *   - idempotence: normalising the folded view again gives the same folded
 *     view, and the plain view again the same plain view, when that second
 *     run masks nothing (the first can turn full-width forms into a URL or
 *     mention). terms is not checked (single-letter joining and repeat
 *     collapsing can cascade).
 * On both texts also:
 *   - fast paths: hs_norm_run_views (no maps up front for simple ASCII
 *     text, maps computed on demand), hs_norm_run (which takes dedicated
 *     paths for all-ASCII text and for an all-ASCII folded view) and
 *     hs_norm_run_general (the general path only) give the same views
 *     byte for byte, the same maps at every offset and the same mask count.
 * A broken invariant prints what and aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "rules/normalize.h"
#include "rules/normalize_internal.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hs_norm *norm, *norm2, *norm_gen;
static const hs_norm_view views[] = { HS_NORM_FOLDED, HS_NORM_PLAIN, HS_NORM_TERMS };

static void fail(const char *what, int view, size_t off)
{
	fprintf(stderr, "fuzz_normalize: %s (view %d, offset %zu)\n", what, view, off);
	abort();
}

/* The checks are not coverage-instrumented: per-byte comparisons in the
 * harness only slow the fuzzer down and guide it nowhere. */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

/* The normaliser's reading of text: ill-formed bytes are one character. */
NO_COVERAGE static size_t char_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];

	if (c >= 0xC2 && c <= 0xDF)
		return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 1;
	if (c >= 0xE0 && c <= 0xEF)
		return avail >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		               !(c == 0xE0 && s[1] < 0xA0) && !(c == 0xED && s[1] >= 0xA0)
		           ? 3
		           : 1;
	if (c >= 0xF0 && c <= 0xF4)
		return avail >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		               (s[3] & 0xC0) == 0x80 && !(c == 0xF0 && s[1] < 0x90) &&
		               !(c == 0xF4 && s[1] >= 0x90)
		           ? 4
		           : 1;
	return 1;
}

NO_COVERAGE static void check(const hs_norm *n, const unsigned char *text, size_t len)
{
	bool *bd = calloc(len + 1, 1);
	size_t i = 0;

	if (!bd)
		abort();
	while (i < len) {
		bd[i] = true;
		i += char_len(text + i, len - i);
	}
	bd[len] = true;
	if (hs_norm_source_len(n) != len)
		fail("source length", -1, len);
	for (int vi = 0; vi < 3; vi++) {
		hs_norm_view v = views[vi];
		size_t vl, ps = 0, pe = 0;
		const char *s = hs_norm_text(n, v, &vl);

		if (strlen(s) != vl || !hs_utf8_valid(s, vl))
			fail("view not valid UTF-8 or has a NUL", v, 0);
		if (v == HS_NORM_TERMS && (vl == 0 || s[0] != ' ' || s[vl - 1] != ' ' ||
		                           strstr(s, "  ")))
			fail("terms is not \" w ... w \"", v, 0);
		for (size_t k = 0; k <= vl; k++) {
			size_t a = hs_norm_map_start(n, v, k), b = hs_norm_map_end(n, v, k);
			if (a > len || b > len)
				fail("map out of the text", v, k);
			if (!bd[a] || !bd[b])
				fail("map not on a character boundary", v, k);
			if (a < ps || b < pe)
				fail("map not monotonic", v, k);
			ps = a;
			pe = b;
		}
		if (v != HS_NORM_TERMS) {
			for (size_t k = 0; k < vl; k++)
				if (hs_norm_map_start(n, v, k) >= hs_norm_map_end(n, v, k + 1))
					fail("empty span", v, k);
		}
	}
	free(bd);
}

NO_COVERAGE static bool has_kept_joiner(const char *s, size_t len)
{
	utf8proc_ssize_t i = 0;

	while ((size_t)i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)len - i, &c);
		if (l <= 0)
			return true;
		if (c == 0x200D || c == 0xFE0E || c == 0xFE0F || (c >= 0xE0020 && c <= 0xE007F))
			return true;
		i += l;
	}
	return false;
}

static void differential(const char *text, size_t len)
{
	utf8proc_uint8_t *ref = NULL;
	utf8proc_ssize_t rl;
	size_t fl;
	const char *f;

	if (hs_norm_masked(norm) || has_kept_joiner(text, len))
		return;
	rl = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &ref,
	                  UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                      UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (rl < 0)
		fail("utf8proc_map refused valid UTF-8", 0, 0);
	f = hs_norm_folded(norm, &fl);
	if ((size_t)rl != fl || memcmp(ref, f, fl) != 0) {
		fprintf(stderr, "fuzz_normalize: folded \"%s\" != utf8proc_map \"%s\"\n", f,
		        (const char *)ref);
		free(ref);
		abort();
	}
	free(ref);
}

/* norm has just run on text: the general path must give the same. */
NO_COVERAGE static void fast_vs_general(const char *text, size_t len)
{
	if (hs_norm_run_general(norm_gen, text, len) != 0)
		fail("general run failed", -1, 0);
	if (hs_norm_masked(norm) != hs_norm_masked(norm_gen) ||
	    hs_norm_source_len(norm) != hs_norm_source_len(norm_gen))
		fail("fast path: masks or source length differ", -1, 0);
	for (int vi = 0; vi < 3; vi++) {
		hs_norm_view v = views[vi];
		size_t la, lb;
		const char *a = hs_norm_text(norm, v, &la), *b = hs_norm_text(norm_gen, v, &lb);

		if (la != lb || memcmp(a, b, la) != 0) {
			fprintf(stderr, "fuzz_normalize: view %d: fast \"%s\" != general \"%s\"\n",
			        (int)v, a, b);
			abort();
		}
		for (size_t k = 0; k <= la + 1; k++)
			if (hs_norm_map_start(norm, v, k) != hs_norm_map_start(norm_gen, v, k) ||
			    hs_norm_map_end(norm, v, k) != hs_norm_map_end(norm_gen, v, k))
				fail("fast path: maps differ", v, k);
	}
}

static void idempotence(hs_norm_view v)
{
	size_t l, l2;
	const char *s = hs_norm_text(norm, v, &l), *s2;

	if (hs_norm_run(norm2, s, l) != 0)
		fail("second run failed", v, 0);
	check(norm2, (const unsigned char *)s, l);
	if (hs_norm_masked(norm2))
		return;
	s2 = hs_norm_text(norm2, v, &l2);
	if (l != l2 || memcmp(s, s2, l) != 0) {
		fprintf(stderr, "fuzz_normalize: view %d not idempotent: \"%s\" -> \"%s\"\n", (int)v,
		        s, s2);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *fixed = NULL;

	if (!norm) {
		norm = hs_norm_new();
		norm2 = hs_norm_new();
		norm_gen = hs_norm_new();
		if (!norm || !norm2 || !norm_gen)
			abort();
	}
	/* as they are: the map-free path (maps on demand), then the usual */
	if (hs_norm_run_views(norm, text, size) != 0)
		fail("run_views failed", -1, 0);
	fast_vs_general(text, size);
	if (hs_norm_run(norm, text, size) != 0)
		fail("run failed", -1, 0);
	check(norm, data, size);
	fast_vs_general(text, size);
	/* repaired, as the workers would give them */
	if (!hs_utf8_valid(text, size)) {
		fixed = hs_utf8_repair(text, size, NULL);
		if (!fixed)
			abort();
		text = fixed;
		size = strlen(fixed);
		if (hs_norm_run(norm, text, size) != 0)
			fail("run failed", -1, 0);
		check(norm, (const unsigned char *)text, size);
		fast_vs_general(text, size);
	}
	differential(text, size);
	idempotence(HS_NORM_FOLDED);
	if (hs_norm_run(norm, text, size) != 0)
		fail("run failed", -1, 0);
	idempotence(HS_NORM_PLAIN);
	free(fixed);
	return 0;
}
