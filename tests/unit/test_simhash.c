/* hearsay: unit tests for the SimHash of a terms view (rules/simhash.c).
 *
 * The fingerprint, margins, least certain bits and sketch are checked
 * against a plain reference built from the features hs_simhash_features
 * reports (64 ordinary counters, a sorted list), on random word streams of
 * every length up to several hundred words; the features themselves
 * (markers, emoji, the terms view's word rules) and the stability a claim
 * needs (retweet prefix, URL, mention, case, punctuation) are checked on
 * normalised posts.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rules/normalize.h"
#include "rules/simhash.h"

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/* The terms view of text (a copy, caller frees). */
static char *terms_of(hs_norm *n, const char *text, size_t *len)
{
	const char *t;
	char *copy;

	ck_assert_int_eq(hs_norm_run(n, text, strlen(text)), 0);
	t = hs_norm_terms(n, len);
	copy = malloc(*len + 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, t, *len + 1);
	return copy;
}

static void sign_text(hs_norm *n, const char *text, hs_simhash_sig *sig)
{
	size_t len;
	char *t = terms_of(n, text, &len);

	hs_simhash_sign(t, len, sig);
	ck_assert_uint_eq(hs_simhash(t, len, NULL), sig->hash);
	free(t);
}

static unsigned dist_text(hs_norm *n, const char *a, const char *b)
{
	hs_simhash_sig x, y;

	sign_text(n, a, &x);
	sign_text(n, b, &y);
	return hs_simhash_distance(x.hash, y.hash);
}

/* ---- reference --------------------------------------------------------------------------- */

typedef struct feats {
	uint64_t h[4096];
	uint16_t v[4096];
	int bigram[4096];
	size_t n;
} feats;

static void feat_collect(void *ud, uint64_t hash, uint16_t sketch_value, int bigram)
{
	feats *f = ud;

	if (f->n < 4096) {
		f->h[f->n] = hash;
		f->v[f->n] = sketch_value;
		f->bigram[f->n] = bigram;
	}
	f->n++;
}

static int u16cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Fingerprint, margins, weak bits and sketch the documented way. */
static void reference(const feats *f, hs_simhash_sig *out)
{
	uint64_t count[64] = { 0 };
	uint16_t v[4096];
	size_t nv = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < f->n; i++)
		for (unsigned b = 0; b < 64; b++)
			count[b] += (f->h[i] >> b) & 1;
	for (unsigned b = 0; b < 64; b++) {
		uint64_t m = 2 * count[b] > f->n ? 2 * count[b] - f->n : f->n - 2 * count[b];
		if (2 * count[b] > f->n)
			out->hash |= UINT64_C(1) << b;
		out->margin[b] = (uint8_t)(m > 255 ? 255 : m);
	}
	for (unsigned q = 0; q < 4 && f->n > 0; q++) {
		/* stable selection: margin, then bit */
		bool used[16] = { false };
		for (unsigned k = 0; k < HS_SIMHASH_WEAK; k++) {
			int best = -1;
			for (unsigned i = 0; i < 16; i++) {
				uint8_t m = out->margin[16 * q + i];
				if (used[i] || m > HS_SIMHASH_WEAK_MARGIN)
					continue;
				if (best < 0 || m < out->margin[16 * q + (unsigned)best])
					best = (int)i;
			}
			if (best < 0)
				break;
			used[best] = true;
			out->weak[q][out->n_weak[q]++] = (uint8_t)best;
		}
	}
	memcpy(v, f->v, f->n * sizeof(*v));
	qsort(v, f->n, sizeof(*v), u16cmp);
	out->sketch.all = 1;
	for (size_t i = 0; i < f->n; i++) {
		if (i > 0 && v[i] == v[i - 1])
			continue;
		if (nv == HS_SIMHASH_SKETCH) {
			out->sketch.all = 0;
			break;
		}
		out->sketch.v[nv++] = v[i];
	}
	out->sketch.n = (uint8_t)nv;
}

static const char *const syll[] = {
	"ka", "ro", "mi", "del", "ver", "an", "sto", "li", "po", "mar", "ket", "brug",
	"\xc3\xa9t\xc3\xa9", "stra\xc3\x9f", "42", "2026", "rt", "via", "cc", "mt",
	"\xf0\x9f\x94\xa5", "\xe2\x9d\xa4\xef\xb8\x8f", "x",
};

/* A random terms-like string: up to max_words words of 1-3 syllables with
 * single or repeated spaces, markers and emoji among them. */
static size_t random_terms(rng *r, char *buf, size_t cap, unsigned max_words)
{
	unsigned n = below(r, max_words + 1);
	size_t len = 0;

	buf[len++] = ' ';
	for (unsigned w = 0; w < n && len + 40 < cap; w++) {
		unsigned k = 1 + below(r, 3);
		if (below(r, 10) == 0 && w > 0) { /* repeat an earlier word */
			k = 0;
			memcpy(buf + len, "ka", 2);
			len += 2;
		}
		for (unsigned i = 0; i < k; i++) {
			const char *s = syll[below(r, sizeof(syll) / sizeof(*syll))];
			size_t l = strlen(s);
			memcpy(buf + len, s, l);
			len += l;
		}
		buf[len++] = ' ';
		if (below(r, 20) == 0)
			buf[len++] = ' ';
	}
	buf[len] = '\0';
	return len;
}

/* ---- tests ------------------------------------------------------------------------------- */

START_TEST(test_reference)
{
	rng r = { 0x5151 + (uint64_t)_i };
	char buf[16384];
	static feats f;
	unsigned max_words[] = { 3, 20, 60, 400 };

	for (int iter = 0; iter < 300; iter++) {
		size_t len = random_terms(&r, buf, sizeof(buf), max_words[iter % 4]);
		hs_simhash_sig got, want;
		unsigned nf;
		size_t words;
		f.n = 0;
		words = hs_simhash_features(buf, len, feat_collect, &f);
		ck_assert_uint_lt(f.n, 4096);
		ck_assert_uint_eq(f.n, words ? 2 * words - 1 : 0);
		reference(&f, &want);
		hs_simhash_sign(buf, len, &got);
		ck_assert_uint_eq(got.n_features, words);
		ck_assert_uint_eq(got.hash, want.hash);
		ck_assert_uint_eq(hs_simhash(buf, len, &nf), want.hash);
		ck_assert_uint_eq(nf, words);
		ck_assert_int_eq(memcmp(got.margin, want.margin, 64), 0);
		ck_assert_int_eq(memcmp(got.n_weak, want.n_weak, 4), 0);
		for (unsigned q = 0; q < 4; q++)
			ck_assert_int_eq(memcmp(got.weak[q], want.weak[q], got.n_weak[q]), 0);
		ck_assert_uint_eq(got.sketch.n, want.sketch.n);
		ck_assert_uint_eq(got.sketch.all, want.sketch.all);
		ck_assert_int_eq(memcmp(got.sketch.v, want.sketch.v, got.sketch.n * 2), 0);
		for (unsigned i = got.sketch.n; i < HS_SIMHASH_SKETCH; i++)
			ck_assert_uint_eq(got.sketch.v[i], 0);
		for (unsigned q = 0; q < 4; q++)
			for (unsigned i = got.n_weak[q]; i < HS_SIMHASH_WEAK; i++)
				ck_assert_uint_eq(got.weak[q][i], 0);
	}
}
END_TEST

/* Fingerprints are stored and compared across runs and machines: pin a few
 * values (a change here breaks every stored claim). */
START_TEST(test_known_values)
{
	const char *t = " police closed the bridge in delft after a fire ";

	ck_assert_uint_eq(hs_hash64("", 0), UINT64_C(0x9d82cba0f693954e));
	ck_assert_uint_eq(hs_hash64("hearsay", 7), UINT64_C(0x40c45760b0bc3f95));
	ck_assert_uint_eq(hs_hash64("a somewhat longer input string", 30),
	                  UINT64_C(0x86393bd3b54c424e));
	ck_assert_uint_eq(hs_simhash(t, strlen(t), NULL), UINT64_C(0x496400600b5db170));
}
END_TEST

START_TEST(test_one_word)
{
	hs_simhash_sig s;
	uint64_t h = hs_hash64("bridge", 6);

	/* one feature: the fingerprint is its hash, every margin 1 */
	hs_simhash_sign(" bridge ", 8, &s);
	ck_assert_uint_eq(s.hash, h);
	ck_assert_uint_eq(s.n_features, 1);
	for (unsigned b = 0; b < 64; b++)
		ck_assert_uint_eq(s.margin[b], 1);
	for (unsigned q = 0; q < 4; q++) {
		ck_assert_uint_eq(s.n_weak[q], HS_SIMHASH_WEAK);
		for (unsigned i = 0; i < HS_SIMHASH_WEAK; i++)
			ck_assert_uint_eq(s.weak[q][i], i); /* ties: lower bit first */
	}
	ck_assert_uint_eq(s.sketch.n, 1);
	ck_assert_uint_eq(s.sketch.all, 1);
	/* "w w": two copies of h and one bigram: the majority is h again */
	ck_assert_uint_eq(hs_simhash(" bridge bridge ", 15, NULL), h);
	/* words of every length, with and without 8 readable bytes after
	 * their start (two ways to read them): the same hash */
	{
		static const char letters[] = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
		for (size_t n = 1; n <= 20; n++) {
			char buf[128];
			uint64_t hw = hs_hash64(letters, n);
			int len = snprintf(buf, sizeof(buf), " %.*s ", (int)n, letters);
			ck_assert_uint_eq(hs_simhash(buf, (size_t)len, NULL), hw);
			len = snprintf(buf, sizeof(buf), " %.*s%s", (int)n, letters, "          ");
			ck_assert_uint_eq(hs_simhash(buf, (size_t)len, NULL), hw);
			len = snprintf(buf, sizeof(buf), " %.*s %.*s          ", (int)n, letters, (int)n,
			               letters);
			ck_assert_uint_eq(hs_simhash(buf, (size_t)len, NULL), hw);
		}
	}
	/* not a terms view: still words between spaces */
	ck_assert_uint_eq(hs_simhash("bridge", 6, NULL), h);
	ck_assert_uint_eq(hs_simhash("   bridge  ", 11, NULL), h);
}
END_TEST

START_TEST(test_markers)
{
	const char *base = " police closed the bridge in delft ";
	uint64_t h = hs_simhash(base, strlen(base), NULL);
	struct {
		const char *t;
		bool same;
	} cases[] = {
		{ " rt police closed the bridge in delft ", true },
		{ " rt rt police closed the bridge in delft ", true },
		{ " police rt closed the bridge in delft mt ", true },
		{ " police closed the bridge in delft via ", true },
		{ " police closed the bridge in delft cc ", true },
		{ " police closed the bridge in delft via cc ", true },
		{ " ht police closed the bridge in delft rts ", true },
		{ " police closed the bridge in delft \xf0\x9f\x94\xa5 \xf0\x9f\x94\xa5 ", true },
		{ " police closed the \xf0\x9f\x9a\xa8 bridge in delft ", true },
		{ " police closed the bridge via delft ", false },   /* inner via stays */
		{ " police closed the bridge in delft via town ", false },
		{ " police closed the bridge in delft rtl ", false }, /* not a marker */
		{ " closed police the bridge in delft ", false },    /* word order */
	};
	unsigned nf;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint64_t g = hs_simhash(cases[i].t, strlen(cases[i].t), &nf);
		ck_assert_msg((g == h) == cases[i].same, "case %zu '%s'", i, cases[i].t);
		if (cases[i].same)
			ck_assert_uint_eq(nf, 6);
	}
}
END_TEST

START_TEST(test_too_few_and_empty)
{
	hs_norm *n = hs_norm_new();
	const char *none[] = {
		"", "   ", "\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5",
		"https://t.example/abc", "RT @bob: https://t.example/abc", "@alice @bob",
		"!!! ... ???", "rt rt via cc",
	};
	hs_simhash_sig s;
	unsigned nf = 99;

	ck_assert_ptr_nonnull(n);
	for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++) {
		sign_text(n, none[i], &s);
		ck_assert_msg(s.n_features == 0, "'%s': %u", none[i], s.n_features);
		ck_assert_uint_eq(s.hash, 0);
		ck_assert_uint_eq(s.sketch.n, 0);
		for (unsigned q = 0; q < 4; q++)
			ck_assert_uint_eq(s.n_weak[q], 0);
	}
	ck_assert_uint_eq(hs_simhash(NULL, 0, &nf), 0);
	ck_assert_uint_eq(nf, 0);
	ck_assert_uint_eq(hs_simhash_features(NULL, 0, NULL, NULL), 0);
	sign_text(n, "Breaking news now!", &s);
	ck_assert_uint_eq(s.n_features, 3);
	ck_assert_uint_lt(s.n_features, HS_SIMHASH_MIN_WORDS);
	sign_text(n, "RT @x: Breaking news now! https://t.example/1 \xf0\x9f\x94\xa5", &s);
	ck_assert_uint_eq(s.n_features, 3);
	sign_text(n, "Breaking: bridge closed now!", &s);
	ck_assert_uint_eq(s.n_features, HS_SIMHASH_MIN_WORDS);
	hs_norm_free(n);
}
END_TEST

/* What a retweet, a copy with another URL or mention, or changed case and
 * punctuation does to a post: nothing. */
START_TEST(test_stable_copies)
{
	hs_norm *n = hs_norm_new();
	const char *base =
		"Police closed the bridge in Delft after a fire, share before they delete it";
	const char *same[] = {
		"RT @bob: Police closed the bridge in Delft after a fire, share before they "
		"delete it",
		"Police closed the bridge in Delft after a fire, share before they delete it "
		"https://t.example/xyz",
		"@alice Police closed the bridge in Delft after a fire, share before they "
		"delete it",
		"POLICE CLOSED THE BRIDGE IN DELFT AFTER A FIRE!!! SHARE BEFORE THEY DELETE IT...",
		"police closed the bridge in delft after a fire share before they delete it",
		"Police closed the bridge in Delft after a fire - share before they delete it?! "
		"via @carol",
		"Police closed the bridge in Delft after a fire, share before they delete it "
		"\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5 cc @mayor",
		"Police closed the bridge in Delft after a fire, share before they delete it "
		"http://other.example/a?b=c @dave",
		"P0lice cl0sed the bridge in Delft after a fire, share before they delete it",
	};
	hs_simhash_sig a, b;

	ck_assert_ptr_nonnull(n);
	sign_text(n, base, &a);
	ck_assert_uint_eq(a.n_features, 14);
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		sign_text(n, same[i], &b);
		ck_assert_msg(b.hash == a.hash, "case %zu: distance %u", i,
		              hs_simhash_distance(a.hash, b.hash));
		ck_assert_uint_eq(hs_simhash_resemblance(&a.sketch, &b.sketch), 100);
	}
	/* the mention swap of a retweet */
	ck_assert_uint_eq(dist_text(n, "RT @bob: the council will close the pool in Gouda",
	                            "RT @carol: the council will close the pool in Gouda"), 0);
	hs_norm_free(n);
}
END_TEST

static const char *const vocab[] = {
	"police", "closed", "bridge", "station", "market", "council", "mayor", "fire",
	"after", "before", "delft", "gouda", "leiden", "people", "residents", "tonight",
	"tomorrow", "protest", "school", "pool", "water", "planning", "march", "share",
	"delete", "neighbour", "saw", "nobody", "reporting", "town", "hall", "park",
	"harbour", "library", "asylum", "centre", "bus", "train", "closing", "opening",
	"heard", "rumour", "stabbing", "shooting", "flood", "power", "cut", "curfew",
	"cameras", "refugees", "students", "farmers", "week", "weekend", "night", "morning",
};
#define N_VOCAB (sizeof(vocab) / sizeof(*vocab))

/* n random words as a terms view. */
static size_t sentence(rng *r, char *buf, size_t cap, const char **w, unsigned n)
{
	size_t len = 0;

	buf[len++] = ' ';
	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(w[i]);
		ck_assert_uint_lt(len + l + 2, cap);
		memcpy(buf + len, w[i], l);
		len += l;
		buf[len++] = ' ';
	}
	buf[len] = '\0';
	(void)r;
	return len;
}

/* A one-word edit moves a 12-16 word post by a few bits, usually within
 * 12, and keeps its resemblance at the Jaccard index the feature counts
 * give; unrelated posts are about 32 bits apart and do not resemble. */
START_TEST(test_edits_and_unrelated)
{
	rng r = { 777 };
	unsigned within = 0, far = 0, total = 500;
	char a[1024], b[1024];

	for (unsigned it = 0; it < total; it++) {
		const char *w[20], *u[20];
		unsigned n = 12 + below(&r, 5), at = below(&r, n);
		hs_simhash_sig x, y, z;
		size_t la, lb;
		unsigned res, want;
		for (unsigned i = 0; i < n; i++) {
			/* distinct words, so the feature sets are easy to count */
			bool dup;
			do {
				w[i] = vocab[below(&r, N_VOCAB)];
				dup = false;
				for (unsigned k = 0; k < i; k++)
					dup |= w[k] == w[i];
			} while (dup);
		}
		la = sentence(&r, a, sizeof(a), w, n);
		memcpy(u, w, sizeof(u));
		u[at] = "replacement";
		lb = sentence(&r, b, sizeof(b), u, n);
		hs_simhash_sign(a, la, &x);
		hs_simhash_sign(b, lb, &y);
		within += hs_simhash_distance(x.hash, y.hash) <= 12;
		/* the features: n words and n-1 bigrams; a replaced word changes
		 * 1 word and 1 or 2 bigrams (1 at either end) */
		{
			unsigned f = 2 * n - 1, changed = at == 0 || at == n - 1 ? 2 : 3;
			want = 100 * (f - changed) / (f + changed);
		}
		res = hs_simhash_resemblance(&x.sketch, &y.sketch);
		if (x.sketch.all && y.sketch.all) /* exact but for 16-bit collisions */
			ck_assert_msg(res + 3 >= want && res <= want + 3, "resemblance %u, want %u",
			              res, want);
		else
			ck_assert_int_ge((int)res, (int)want - 20);
		/* an unrelated sentence of the same vocabulary */
		for (unsigned i = 0; i < n; i++)
			u[i] = vocab[below(&r, N_VOCAB)];
		lb = sentence(&r, b, sizeof(b), u, n);
		hs_simhash_sign(b, lb, &z);
		far += hs_simhash_distance(x.hash, z.hash) > 12;
		ck_assert_uint_lt(hs_simhash_resemblance(&x.sketch, &z.sketch), 50);
	}
	ck_assert_msg(within >= total * 85 / 100, "one-word edits within 12 bits: %u of %u", within,
	              total);
	ck_assert_msg(far >= total * 99 / 100, "unrelated beyond 12 bits: %u of %u", far, total);
}
END_TEST

static void sketch_of(hs_simhash_sketch *k, const uint16_t *v, unsigned n, int all)
{
	memset(k, 0, sizeof(*k));
	if (n)
		memcpy(k->v, v, n * sizeof(*v));
	k->n = (uint8_t)n;
	k->all = (uint8_t)all;
}

START_TEST(test_resemblance)
{
	static const uint16_t a[] = { 1, 2, 3, 4 }, b[] = { 3, 4, 5, 6 }, c[] = { 7, 8 };
	hs_simhash_sketch x, y, e;
	uint16_t big1[32], big2[32];

	sketch_of(&x, a, 4, 1);
	sketch_of(&y, b, 4, 1);
	sketch_of(&e, NULL, 0, 1);
	ck_assert_uint_eq(hs_simhash_resemblance(&x, &x), 100);
	ck_assert_uint_eq(hs_simhash_resemblance(&x, &y), 33); /* 2 of 6 */
	ck_assert_uint_eq(hs_simhash_resemblance(&y, &x), 33);
	sketch_of(&y, c, 2, 1);
	ck_assert_uint_eq(hs_simhash_resemblance(&x, &y), 0);
	ck_assert_uint_eq(hs_simhash_resemblance(&e, &e), 100);
	ck_assert_uint_eq(hs_simhash_resemblance(&e, &x), 0);
	ck_assert_uint_eq(hs_simhash_resemblance(&x, &e), 0);
	/* bottom-k: the 32 smallest of a union, shared ones counted */
	for (unsigned i = 0; i < 32; i++) {
		big1[i] = (uint16_t)(2 * i);     /* 0 2 4 ... 62 */
		big2[i] = (uint16_t)(i < 16 ? 4 * i : 64 + i); /* 0 4 ... 60, 80.. */
	}
	sketch_of(&x, big1, 32, 0);
	sketch_of(&y, big2, 32, 0);
	/* union's 32 smallest: 0 2 4 ... 62 (32 values); in both: 0 4 ... 60 */
	ck_assert_uint_eq(hs_simhash_resemblance(&x, &y), 50);
}
END_TEST

/* The estimate for long posts (sketches not complete) stays near the true
 * Jaccard index on average. */
START_TEST(test_resemblance_long)
{
	rng r = { 4242 };
	static feats fa, fb;
	char a[8192], b[8192];
	double err = 0;
	int trials = 60;

	for (int t = 0; t < trials; t++) {
		const char *w[200], *u[200];
		unsigned n = 80 + below(&r, 60), keep = below(&r, 101);
		hs_simhash_sig x, y;
		size_t la, lb, inter = 0, uni;
		uint16_t va[4096], vb[4096];
		size_t na = 0, nb = 0, i, j;
		for (unsigned k = 0; k < n; k++) {
			w[k] = vocab[below(&r, N_VOCAB)];
			u[k] = below(&r, 100) < keep ? w[k] : syll[below(&r, 12)];
		}
		la = sentence(&r, a, sizeof(a), w, n);
		lb = sentence(&r, b, sizeof(b), u, n);
		hs_simhash_sign(a, la, &x);
		hs_simhash_sign(b, lb, &y);
		ck_assert_uint_eq(x.sketch.all, 0);
		fa.n = fb.n = 0;
		hs_simhash_features(a, la, feat_collect, &fa);
		hs_simhash_features(b, lb, feat_collect, &fb);
		memcpy(va, fa.v, fa.n * 2);
		memcpy(vb, fb.v, fb.n * 2);
		qsort(va, fa.n, 2, u16cmp);
		qsort(vb, fb.n, 2, u16cmp);
		for (i = 0; i < fa.n; i++)
			if (i == 0 || va[i] != va[i - 1])
				va[na++] = va[i];
		for (i = 0; i < fb.n; i++)
			if (i == 0 || vb[i] != vb[i - 1])
				vb[nb++] = vb[i];
		for (i = 0, j = 0; i < na && j < nb;) {
			if (va[i] == vb[j]) {
				inter++;
				i++;
				j++;
			} else if (va[i] < vb[j]) {
				i++;
			} else {
				j++;
			}
		}
		uni = na + nb - inter;
		err += (double)hs_simhash_resemblance(&x.sketch, &y.sketch) -
		       100.0 * (double)inter / (double)uni;
	}
	err /= trials;
	ck_assert_msg(err > -6 && err < 6, "mean error %.2f points", err);
}
END_TEST

/* Every meaningful field of two signatures (not the padding). */
static bool sig_equal(const hs_simhash_sig *a, const hs_simhash_sig *b)
{
	if (a->hash != b->hash || a->n_features != b->n_features ||
	    memcmp(a->margin, b->margin, 64) != 0 || memcmp(a->n_weak, b->n_weak, 4) != 0 ||
	    memcmp(a->weak, b->weak, sizeof(a->weak)) != 0 || a->sketch.n != b->sketch.n ||
	    a->sketch.all != b->sketch.all)
		return false;
	/* unused sketch values are zero, and so is the padding */
	return memcmp(a->sketch.v, b->sketch.v, sizeof(a->sketch.v)) == 0 &&
	       memcmp(a, b, sizeof(*a)) == 0;
}

typedef struct thr {
	const char **texts;
	size_t n;
	const hs_simhash_sig *want;
	int bad;
} thr;

static void *sign_thread(void *ud)
{
	thr *t = ud;

	for (int rep = 0; rep < 20; rep++)
		for (size_t i = 0; i < t->n; i++) {
			hs_simhash_sig s;
			hs_simhash_sign(t->texts[i], strlen(t->texts[i]), &s);
			if (!sig_equal(&s, &t->want[i]))
				t->bad++;
		}
	return NULL;
}

/* Pure functions: the same results from several threads at once. */
START_TEST(test_threads)
{
	rng r = { 99 };
	static char bufs[64][2048];
	const char *texts[64];
	hs_simhash_sig want[64];
	pthread_t th[4];
	thr st[4];

	for (size_t i = 0; i < 64; i++) {
		random_terms(&r, bufs[i], sizeof(bufs[i]), 60);
		texts[i] = bufs[i];
		memset(&want[i], 0, sizeof(want[i]));
		hs_simhash_sign(texts[i], strlen(texts[i]), &want[i]);
	}
	for (int i = 0; i < 4; i++) {
		st[i] = (thr){ texts, 64, want, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, sign_thread, &st[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(st[i].bad, 0);
	}
}
END_TEST

START_TEST(test_distance)
{
	ck_assert_uint_eq(hs_simhash_distance(0, 0), 0);
	ck_assert_uint_eq(hs_simhash_distance(0, ~UINT64_C(0)), 64);
	ck_assert_uint_eq(hs_simhash_distance(UINT64_C(0xf0), UINT64_C(0x0f)), 8);
	ck_assert_uint_eq(hs_simhash_distance(UINT64_C(1) << 63, 1), 2);
}
END_TEST

static Suite *simhash_suite(void)
{
	Suite *s = suite_create("simhash");
	TCase *tc = tcase_create("basic");

	tcase_add_test(tc, test_known_values);
	tcase_add_test(tc, test_one_word);
	tcase_add_test(tc, test_markers);
	tcase_add_test(tc, test_too_few_and_empty);
	tcase_add_test(tc, test_stable_copies);
	tcase_add_test(tc, test_resemblance);
	tcase_add_test(tc, test_distance);
	suite_add_tcase(s, tc);

	tc = tcase_create("reference");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_reference, 0, 8);
	tcase_add_test(tc, test_edits_and_unrelated);
	tcase_add_test(tc, test_resemblance_long);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(simhash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
