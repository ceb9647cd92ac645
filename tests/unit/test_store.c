/* hearsay: unit tests for the LMDB store (daemon/store.c).
 *
 * Each test opens a store in a fresh mkdtemp directory, writes through the
 * hs_store_w* API exactly as the store thread does, and reads back through
 * the scan/query/get functions.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <lmdb.h>

#include "store.h"
#include "scratch.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* ---- scratch directory ---------------------------------------------------------- */

static char dbpath[300];

static void tmp_setup(void)
{
	hs_scratch_setup();
	snprintf(dbpath, sizeof(dbpath), "%s/state/db", hs_scratch_dir);
}

static hs_store *open_rw(uint64_t map_size)
{
	hs_errs e = HS_ERRS_INIT;
	hs_store *st = hs_store_open(dbpath, 0, map_size, &e);
	char *all = hs_errs_join(&e);
	ck_assert_msg(st != NULL, "open failed: %s", all);
	free(all);
	ck_assert_uint_eq(e.n, 0);
	return st;
}

/* ---- row collection ----------------------------------------------------------------- */

#define MAX_ROWS 4096

typedef struct rows {
	size_t n;
	uint64_t key[MAX_ROWS];
	char *val[MAX_ROWS];
	size_t stop_after; /* return 1 after this many rows (0 = never) */
} rows;

static int collect(void *ud, uint64_t key, const char *val, size_t len)
{
	rows *r = ud;
	ck_assert_uint_lt(r->n, MAX_ROWS);
	r->key[r->n] = key;
	r->val[r->n] = strndup(val, len);
	r->n++;
	return r->stop_after && r->n >= r->stop_after;
}

static void rows_free(rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->val[i]);
	r->n = 0;
}

/* Assert that rows hold exactly the keys given (in order); frees the rows. */
static void rows_expect(rows *r, size_t n, const uint64_t *keys, const char *what)
{
	char got[512] = "";
	size_t o = 0;
	for (size_t i = 0; i < r->n && o < sizeof(got) - 24; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, " %" PRIu64, r->key[i]);
	ck_assert_msg(r->n == n, "%s: want %zu rows, got%s", what, n, got);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(r->key[i] == keys[i], "%s: row %zu: want %" PRIu64 ", got%s", what,
		              i, keys[i], got);
	rows_free(r);
}

#define EXPECT_KEYS(r, what, ...)                                                    \
	do {                                                                             \
		static const uint64_t k_[] = { __VA_ARGS__ };                                \
		rows_expect((r), sizeof(k_) / sizeof(k_[0]), k_, (what));                    \
	} while (0)

/* ---- the reference batch ----------------------------------------------------------------- */

/* 2026-05-16T09:00:00Z */
#define T0 (1778922000LL * 1000000)
#define MIN (60LL * 1000000)

/* Posts 1..6; created times deliberately not in id order. */
static const struct {
	const char *source, *sid;
	int64_t created;
} posts[] = {
	{ "alpha", "a-1", T0 },
	{ "beta", "b-1", T0 + 1 * MIN },
	{ "alpha", "a-2", T0 + 2 * MIN },
	{ "beta", "b-2", T0 + 3 * MIN },
	{ "alpha", "a-3", T0 + 4 * MIN },
	{ "gamma", "g-1", -5 * MIN }, /* before the epoch: time order puts it first */
};
#define N_POSTS (sizeof(posts) / sizeof(posts[0]))

/* Hits: seq 1..5 */
static const struct {
	const char *rule;
	int64_t created;
	uint64_t post;
	const char *source;
} hits[] = {
	{ "r-one", T0 + 1 * MIN, 2, "beta" },
	{ "r-two", T0 + 2 * MIN, 3, "alpha" },
	{ "r-one", T0 + 3 * MIN, 4, "beta" },
	{ "r-one", T0 + 4 * MIN, 5, "alpha" },
	{ "r-two", T0, 1, "alpha" },
};
#define N_HITS (sizeof(hits) / sizeof(hits[0]))

static void post_json(char *buf, size_t len, uint64_t id, size_t i)
{
	snprintf(buf, len, "{\"id\":%" PRIu64 ",\"source\":\"%s\",\"source_id\":\"%s\",\"text\":\"post %zu\"}",
	         id, posts[i].source, posts[i].sid, i);
}

static void hit_json(char *buf, size_t len, uint64_t seq, size_t i)
{
	snprintf(buf, len, "{\"type\":\"hit\",\"seq\":%" PRIu64 ",\"rule\":{\"id\":\"%s\"},"
	         "\"post\":{\"id\":%" PRIu64 ",\"source\":\"%s\"}}",
	         seq, hits[i].rule, hits[i].post, hits[i].source);
}

/* Write the reference batch in one transaction (ids come from counters). */
static void write_batch(hs_store *st)
{
	hs_wtxn *t = NULL;
	char buf[512];

	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	for (size_t i = 0; i < N_POSTS; i++) {
		uint64_t id = 0;
		int found = -1;
		ck_assert_int_eq(hs_store_wdedup(t, posts[i].source, posts[i].sid, &id, &found), 0);
		ck_assert_int_eq(found, 0);
		ck_assert_int_eq(hs_store_wnext(t, "next_post", &id), 0);
		ck_assert_uint_eq(id, i + 1);
		post_json(buf, sizeof(buf), id, i);
		ck_assert_int_eq(hs_store_wpost(t, id, posts[i].source, posts[i].sid,
		                                posts[i].created, buf, strlen(buf)), 0);
	}
	for (size_t i = 0; i < N_HITS; i++) {
		uint64_t seq = 0;
		ck_assert_int_eq(hs_store_wnext(t, "next_seq", &seq), 0);
		ck_assert_uint_eq(seq, i + 1);
		hit_json(buf, sizeof(buf), seq, i);
		ck_assert_int_eq(hs_store_whit(t, seq, hits[i].rule, hits[i].created,
		                               hits[i].post, buf, strlen(buf)), 0);
	}
	for (uint64_t a = 1; a <= 3; a++) {
		uint64_t id = 0;
		ck_assert_int_eq(hs_store_wnext(t, "next_alert", &id), 0);
		ck_assert_uint_eq(id, a);
		snprintf(buf, sizeof(buf), "{\"id\":%" PRIu64 ",\"state\":\"pending\"}", id);
		ck_assert_int_eq(hs_store_woutbox(t, id, buf, strlen(buf)), 0);
	}
	ck_assert_int_eq(hs_store_wcursor(t, "feed-a", "120:3:0"), 0);
	ck_assert_int_eq(hs_store_wcursor(t, "feed-b", "first"), 0);
	ck_assert_int_eq(hs_store_wcursor(t, "feed-b", "second"), 0); /* overwrite */
	ck_assert_int_eq(hs_store_wcommit(t), 0);
}

static hs_store_query q_all(void)
{
	hs_store_query q;
	memset(&q, 0, sizeof(q));
	q.since_us = INT64_MIN;
	q.until_us = INT64_MAX;
	return q;
}

/* ---- open and schema ------------------------------------------------------------------- */

START_TEST(test_open_creates)
{
	hs_store_stats s;
	struct stat sb;
	char p[400];
	hs_store *st = open_rw(0);

	ck_assert_str_eq(hs_store_path(st), dbpath);
	ck_assert_int_eq(stat(dbpath, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	snprintf(p, sizeof(p), "%s/data.mdb", dbpath);
	ck_assert_int_eq(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/lock.mdb", dbpath);
	ck_assert_int_eq(stat(p, &sb), 0);

	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.schema, HS_STORE_SCHEMA);
	ck_assert_uint_eq(s.posts, 0);
	ck_assert_uint_eq(s.hits, 0);
	ck_assert_uint_eq(s.events, 0);
	ck_assert_uint_eq(s.outbox, 0);
	ck_assert_uint_eq(s.cursors, 0);
	ck_assert_uint_gt(s.map_size, 0);
	ck_assert_uint_gt(s.map_used, 0);
	ck_assert_uint_le(s.map_used, s.map_size);
	hs_store_close(st);

	/* reopen: schema still there, nothing else */
	st = open_rw(4u << 20);
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.schema, HS_STORE_SCHEMA);
	ck_assert_uint_eq(s.map_size, 4u << 20);
	hs_store_close(st);

	/* read-only open of an existing store */
	hs_errs e = HS_ERRS_INIT;
	st = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.schema, HS_STORE_SCHEMA);
	hs_store_close(st);
	hs_store_close(NULL);
}
END_TEST

START_TEST(test_open_errors)
{
	hs_errs e = HS_ERRS_INIT;
	char want[600];

	/* read-only never creates */
	hs_store *st = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
	ck_assert_ptr_null(st);
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want), "%s: cannot open store: No such file or directory", dbpath);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
	struct stat sb;
	ck_assert_int_eq(stat(dbpath, &sb), -1);

	/* a file where the directory should be */
	char file[400];
	snprintf(file, sizeof(file), "%s/plainfile", hs_scratch_dir);
	FILE *f = fopen(file, "w");
	fputs("x", f);
	fclose(f);
	snprintf(file, sizeof(file), "%s/plainfile/db", hs_scratch_dir);
	st = hs_store_open(file, 0, 0, &e);
	ck_assert_ptr_null(st);
	ck_assert_uint_eq(e.n, 1);
	snprintf(want, sizeof(want), "%s: cannot create store directory: Not a directory", file);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
}
END_TEST

/* Overwrite meta "schema" with raw LMDB. */
static void poke_schema(const void *val, size_t len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 6, (void *)"schema" }, v = { len, (void *)val };

	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
	ck_assert_int_eq(mdb_env_open(env, dbpath, 0, 0640), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

START_TEST(test_schema_newer_refused)
{
	static const unsigned char v99[4] = { 0, 0, 0, 99 };
	static const unsigned char v1[4] = { 0, 0, 0, 1 };
	static const unsigned char bad[3] = { 0, 0, 1 };
	hs_errs e = HS_ERRS_INIT;
	char want[600];

	hs_store_close(open_rw(0));
	poke_schema(v99, 4);

	hs_store *st = hs_store_open(dbpath, 0, 0, &e);
	ck_assert_ptr_null(st);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_ptr_nonnull(strstr(e.msgs[0], "newer"));
	snprintf(want, sizeof(want), "%s: store schema 99 is newer than this hearsay (%d): "
	         "upgrade hearsay", dbpath, HS_STORE_SCHEMA);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);
	/* read-only is refused the same way */
	st = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
	ck_assert_ptr_null(st);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_ptr_nonnull(strstr(e.msgs[0], "newer"));
	hs_errs_clear(&e);

	/* a corrupt schema record */
	poke_schema(bad, 3);
	st = hs_store_open(dbpath, 0, 0, &e);
	ck_assert_ptr_null(st);
	snprintf(want, sizeof(want), "%s: store schema record is corrupt", dbpath);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msgs[0], want);
	hs_errs_clear(&e);

	/* back to the current schema: fine again */
	poke_schema(v1, 4);
	st = open_rw(0);
	hs_store_close(st);
}
END_TEST

/* ---- batch write and read back ---------------------------------------------------------- */

START_TEST(test_batch_readback_posts)
{
	hs_store *st = open_rw(0);
	hs_store_query q;
	static rows r;

	write_batch(st);

	/* everything, oldest first: time order, not id order */
	q = q_all();
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, N_POSTS);
	char want[512];
	post_json(want, sizeof(want), 6, 5);
	ck_assert_str_eq(r.val[0], want); /* the value is the stored JSON */
	post_json(want, sizeof(want), 3, 2);
	ck_assert_str_eq(r.val[3], want);
	EXPECT_KEYS(&r, "posts oldest first", 6, 1, 2, 3, 4, 5);

	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts newest first", 5, 4, 3, 2, 1, 6);

	/* time range [T0+1min, T0+3min): since inclusive, until exclusive */
	q = q_all();
	q.since_us = T0 + MIN;
	q.until_us = T0 + 3 * MIN;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts in range", 2, 3);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts in range newest first", 3, 2);

	/* open-ended bounds */
	q = q_all();
	q.since_us = T0 + 3 * MIN;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts since", 4, 5);
	q = q_all();
	q.until_us = T0;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts until", 6);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts until newest first", 6);
	/* an empty range */
	q = q_all();
	q.since_us = T0 + 10 * MIN;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	q = q_all();
	q.since_us = T0 + 30 * 1000000; /* between two posts */
	q.until_us = T0 + 50 * 1000000;
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);

	/* limits */
	q = q_all();
	q.limit = 2;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts limit", 6, 1);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts limit newest first", 5, 4);

	/* source filter (applies before the limit) */
	q = q_all();
	q.source = "beta";
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts source beta", 2, 4);
	q.source = "alpha";
	q.limit = 2;
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "posts source alpha limit 2 newest", 5, 3);
	q.source = "nobody";
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);

	/* the callback can stop the scan */
	q = q_all();
	r.stop_after = 3;
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	r.stop_after = 0;
	EXPECT_KEYS(&r, "posts stopped", 6, 1, 2);
	hs_store_close(st);
}
END_TEST

START_TEST(test_batch_readback_hits)
{
	hs_store *st = open_rw(0);
	hs_store_query q;
	static rows r;

	write_batch(st);

	/* all hits in time order */
	q = q_all();
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 5);
	char want[512];
	hit_json(want, sizeof(want), 5, 4);
	ck_assert_str_eq(r.val[0], want);
	EXPECT_KEYS(&r, "hits", 5, 1, 2, 3, 4);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits newest first", 4, 3, 2, 1, 5);

	/* by rule */
	q = q_all();
	q.rule = "r-one";
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-one", 1, 3, 4);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-one newest", 4, 3, 1);
	q.rule = "r-two";
	q.newest_first = false;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-two", 5, 2);
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-two newest", 2, 5);

	/* a prefix of a rule id, or a longer one, matches nothing */
	static const char *const none[] = { "r", "r-", "r-on", "r-one-x", "r-onf", "s", "" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		for (int nf = 0; nf < 2; nf++) {
			q = q_all();
			q.rule = none[i];
			q.newest_first = nf;
			ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
			ck_assert_msg(r.n == 0, "rule '%s' (newest_first %d) matched %zu", none[i], nf, r.n);
		}
	}

	/* rule and time */
	q = q_all();
	q.rule = "r-one";
	q.since_us = T0 + 2 * MIN;
	q.until_us = T0 + 4 * MIN;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-one in range", 3);
	q.until_us = T0 + 4 * MIN + 1;
	q.newest_first = true;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-one in range newest", 4, 3);
	q.limit = 1;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits r-one in range newest limit", 4);

	/* time only, and source (taken from the event's post) */
	q = q_all();
	q.since_us = T0 + MIN;
	q.until_us = T0 + 3 * MIN;
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits in range", 1, 2);
	q = q_all();
	q.source = "alpha";
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits source alpha", 5, 2, 4);
	q.rule = "r-one";
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "hits source alpha r-one", 4);
	hs_store_close(st);
}
END_TEST

START_TEST(test_batch_readback_misc)
{
	hs_store *st = open_rw(0);
	static rows r;
	uint64_t v = 99;
	char *cur = NULL;

	write_batch(st);

	/* events: seq > after, at most max */
	ck_assert_int_eq(hs_store_scan_events(st, 0, 0, collect, &r), 0);
	char want[512];
	hit_json(want, sizeof(want), 3, 2);
	ck_assert_str_eq(r.val[2], want);
	EXPECT_KEYS(&r, "events", 1, 2, 3, 4, 5);
	ck_assert_int_eq(hs_store_scan_events(st, 2, 2, collect, &r), 0);
	EXPECT_KEYS(&r, "events after 2 max 2", 3, 4);
	ck_assert_int_eq(hs_store_scan_events(st, 3, 0, collect, &r), 0);
	EXPECT_KEYS(&r, "events after 3", 4, 5);
	ck_assert_int_eq(hs_store_scan_events(st, 4, 1, collect, &r), 0);
	EXPECT_KEYS(&r, "events after 4 max 1", 5);
	ck_assert_int_eq(hs_store_scan_events(st, 5, 0, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_int_eq(hs_store_scan_events(st, 1000, 10, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);
	r.stop_after = 2;
	ck_assert_int_eq(hs_store_scan_events(st, 0, 0, collect, &r), 0);
	r.stop_after = 0;
	EXPECT_KEYS(&r, "events stopped", 1, 2);

	/* outbox in id order */
	ck_assert_int_eq(hs_store_scan_outbox(st, collect, &r), 0);
	ck_assert_str_eq(r.val[1], "{\"id\":2,\"state\":\"pending\"}");
	EXPECT_KEYS(&r, "outbox", 1, 2, 3);

	/* cursors */
	ck_assert_int_eq(hs_store_get_cursor(st, "feed-a", &cur), 0);
	ck_assert_str_eq(cur, "120:3:0");
	free(cur);
	ck_assert_int_eq(hs_store_get_cursor(st, "feed-b", &cur), 0);
	ck_assert_str_eq(cur, "second");
	free(cur);
	cur = (char *)"junk";
	ck_assert_int_eq(hs_store_get_cursor(st, "feed-c", &cur), 0);
	ck_assert_ptr_null(cur);
	ck_assert_int_eq(hs_store_get_cursor(st, "feed", &cur), 0); /* prefix of a name */
	ck_assert_ptr_null(cur);

	/* counters */
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS);
	ck_assert_int_eq(hs_store_get_counter(st, "next_seq", &v), 0);
	ck_assert_uint_eq(v, N_HITS);
	ck_assert_int_eq(hs_store_get_counter(st, "next_alert", &v), 0);
	ck_assert_uint_eq(v, 3);
	v = 99;
	ck_assert_int_eq(hs_store_get_counter(st, "never_set", &v), 0);
	ck_assert_uint_eq(v, 0);

	/* stats */
	hs_store_stats s;
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.posts, N_POSTS);
	ck_assert_uint_eq(s.hits, N_HITS);
	ck_assert_uint_eq(s.events, N_HITS);
	ck_assert_uint_eq(s.outbox, 3);
	ck_assert_uint_eq(s.cursors, 2);
	ck_assert_uint_eq(s.schema, HS_STORE_SCHEMA);
	ck_assert_uint_le(s.map_used, s.map_size);
	hs_store_close(st);

	/* all of it survives a reopen, and counters continue */
	st = open_rw(0);
	hs_wtxn *t;
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 1);
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 2);
	ck_assert_int_eq(hs_store_wnext(t, "brand_new", &v), 0);
	ck_assert_uint_eq(v, 1);
	/* outbox entries are rewritten in place */
	ck_assert_int_eq(hs_store_woutbox(t, 2, "{\"state\":\"sent\"}", 16), 0);
	ck_assert_int_eq(hs_store_wcommit(t), 0);
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 2);
	ck_assert_int_eq(hs_store_scan_outbox(st, collect, &r), 0);
	ck_assert_str_eq(r.val[1], "{\"state\":\"sent\"}");
	EXPECT_KEYS(&r, "outbox after rewrite", 1, 2, 3);
	hs_store_close(st);
}
END_TEST

START_TEST(test_dedup)
{
	hs_store *st = open_rw(0);
	hs_wtxn *t;
	uint64_t id = 0;
	int found = -1;

	write_batch(st);
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wdedup(t, "alpha", "a-2", &id, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(id, 3);
	ck_assert_int_eq(hs_store_wdedup(t, "gamma", "g-1", &id, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(id, 6);
	/* same id, other source: not a duplicate */
	ck_assert_int_eq(hs_store_wdedup(t, "beta", "a-2", &id, &found), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(hs_store_wdedup(t, "alpha", "a-9", &id, &found), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(hs_store_wdedup(t, "alpha", "a-", &id, &found), 0);
	ck_assert_int_eq(found, 0);

	/* within the same transaction, right after wpost */
	uint64_t nid;
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &nid), 0);
	ck_assert_uint_eq(nid, N_POSTS + 1);
	ck_assert_int_eq(hs_store_wpost(t, nid, "a", "bc", T0, "{\"source\":\"a\"}", 14), 0);
	id = 0;
	ck_assert_int_eq(hs_store_wdedup(t, "a", "bc", &id, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(id, nid);
	/* the separator keeps (a, bc) and (ab, c) apart */
	ck_assert_int_eq(hs_store_wdedup(t, "ab", "c", &id, &found), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(hs_store_wcommit(t), 0);

	/* and after the commit */
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wdedup(t, "a", "bc", &id, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(id, nid);
	hs_store_wabort(t);
	hs_store_close(st);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
	hs_store *st = open_rw(0);
	hs_store_stats before, after;
	hs_wtxn *t;
	uint64_t v;
	int found;
	static rows r;

	write_batch(st);
	ck_assert_int_eq(hs_store_get_stats(st, &before), 0);

	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 1);
	ck_assert_int_eq(hs_store_wpost(t, v, "delta", "d-1", T0 + 30 * MIN,
	                                "{\"source\":\"delta\"}", 18), 0);
	ck_assert_int_eq(hs_store_wnext(t, "next_seq", &v), 0);
	ck_assert_int_eq(hs_store_whit(t, v, "r-three", T0 + 30 * MIN, N_POSTS + 1, "{}", 2), 0);
	ck_assert_int_eq(hs_store_woutbox(t, 50, "{}", 2), 0);
	ck_assert_int_eq(hs_store_wcursor(t, "feed-a", "999:9:9"), 0);
	ck_assert_int_eq(hs_store_wcursor(t, "feed-z", "1"), 0);
	/* readers do not see uncommitted data */
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS);
	hs_store_wabort(t);
	hs_store_wabort(NULL);

	ck_assert_int_eq(hs_store_get_stats(st, &after), 0);
	ck_assert_uint_eq(after.posts, before.posts);
	ck_assert_uint_eq(after.hits, before.hits);
	ck_assert_uint_eq(after.events, before.events);
	ck_assert_uint_eq(after.outbox, before.outbox);
	ck_assert_uint_eq(after.cursors, before.cursors);
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS);
	ck_assert_int_eq(hs_store_get_counter(st, "next_seq", &v), 0);
	ck_assert_uint_eq(v, N_HITS);
	char *cur;
	ck_assert_int_eq(hs_store_get_cursor(st, "feed-a", &cur), 0);
	ck_assert_str_eq(cur, "120:3:0");
	free(cur);
	ck_assert_int_eq(hs_store_get_cursor(st, "feed-z", &cur), 0);
	ck_assert_ptr_null(cur);
	hs_store_query q = q_all();
	q.rule = "r-three";
	ck_assert_int_eq(hs_store_query_hits(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, 0);

	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wdedup(t, "delta", "d-1", &v, &found), 0);
	ck_assert_int_eq(found, 0);
	/* the aborted id is handed out again */
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 1);
	hs_store_wabort(t);
	hs_store_close(st);
}
END_TEST

START_TEST(test_second_readonly_handle)
{
	hs_store *st = open_rw(0);
	hs_errs e = HS_ERRS_INIT;
	hs_store_stats s;
	static rows r;
	uint64_t v;

	write_batch(st);
	hs_store *ro = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
	ck_assert_ptr_nonnull(ro);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_int_eq(hs_store_get_stats(ro, &s), 0);
	ck_assert_uint_eq(s.posts, N_POSTS);
	ck_assert_uint_eq(s.schema, HS_STORE_SCHEMA);
	hs_store_query q = q_all();
	ck_assert_int_eq(hs_store_query_posts(ro, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "ro posts", 6, 1, 2, 3, 4, 5);
	q.rule = "r-one";
	ck_assert_int_eq(hs_store_query_hits(ro, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "ro hits", 1, 3, 4);

	/* a later commit through the writer is visible to the reader */
	hs_wtxn *t;
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wnext(t, "next_post", &v), 0);
	ck_assert_int_eq(hs_store_wpost(t, v, "alpha", "a-4", T0 + 5 * MIN, "{\"source\":\"alpha\"}",
	                                18), 0);
	ck_assert_int_eq(hs_store_wcursor(t, "feed-a", "200:4:0"), 0);
	ck_assert_int_eq(hs_store_wcommit(t), 0);
	ck_assert_int_eq(hs_store_get_counter(ro, "next_post", &v), 0);
	ck_assert_uint_eq(v, N_POSTS + 1);
	char *cur;
	ck_assert_int_eq(hs_store_get_cursor(ro, "feed-a", &cur), 0);
	ck_assert_str_eq(cur, "200:4:0");
	free(cur);
	q = q_all();
	q.newest_first = true;
	q.limit = 1;
	ck_assert_int_eq(hs_store_query_posts(ro, &q, collect, &r), 0);
	EXPECT_KEYS(&r, "ro newest post", N_POSTS + 1);
	hs_store_close(ro);

	/* the writer is unaffected */
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.posts, N_POSTS + 1);
	hs_store_close(st);
}
END_TEST

/* ---- map growth ----------------------------------------------------------------------- */

static char big_json[2048];

/* Write posts 1..n in one transaction (ids from the counter). Returns 0 or
 * the first LMDB error; *done gets the number written before it. */
static int write_many(hs_store *st, size_t n, size_t *done)
{
	hs_wtxn *t;
	int rc = hs_store_wbegin(st, &t);
	char sid[32];

	*done = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		uint64_t id;
		snprintf(sid, sizeof(sid), "p-%zu", i);
		if ((rc = hs_store_wnext(t, "next_post", &id)) ||
		    (rc = hs_store_wpost(t, id, "bulk", sid, T0 + (int64_t)i * 1000000, big_json,
		                         strlen(big_json)))) {
			hs_store_wabort(t);
			return rc;
		}
		ck_assert_uint_eq(id, i + 1);
		*done = i + 1;
	}
	return hs_store_wcommit(t);
}

START_TEST(test_map_growth)
{
	hs_store *st = open_rw(1u << 20);
	hs_errs e = HS_ERRS_INIT;
	hs_store_stats s;
	size_t done = 0, n = 0;
	int rc = 0;

	memset(big_json, 0, sizeof(big_json));
	big_json[0] = '"';
	memset(big_json + 1, 'x', 1500);
	big_json[1501] = '"';

	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.map_size, 1u << 20);

	/* a reader in another handle, opened before the map grows */
	hs_store *ro = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
	ck_assert_ptr_nonnull(ro);

	/* find a batch size that does not fit in 1 MiB */
	for (n = 16; n <= 4096; n *= 2) {
		rc = write_many(st, n, &done);
		if (rc)
			break;
		/* it fitted: start again from an empty store (counter too) */
		hs_store_close(st);
		hs_store_close(ro);
		hs_scratch_teardown();
		ck_assert_int_eq(mkdir(hs_scratch_dir, 0700), 0);
		st = open_rw(1u << 20);
		ro = hs_store_open(dbpath, HS_STORE_RDONLY, 0, &e);
		ck_assert_ptr_nonnull(ro);
	}
	ck_assert_msg(rc == MDB_MAP_FULL, "want MDB_MAP_FULL, got %d (%s) at n=%zu", rc,
	              hs_store_strerror(rc), n);
	ck_assert_uint_lt(done, n);
	/* the failed batch left nothing behind */
	uint64_t v = 99;
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.posts, 0);

	/* grow until the whole batch fits (one doubling is expected) */
	int grows = 0;
	do {
		ck_assert_int_eq(hs_store_grow(st), 0);
		grows++;
		rc = write_many(st, n, &done);
	} while (rc == MDB_MAP_FULL && grows < 8);
	ck_assert_msg(rc == 0, "redo failed: %s", hs_store_strerror(rc));
	ck_assert_uint_eq(done, n);
	ck_assert_int_eq(grows, 1);

	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.map_size, 2u << 20);
	ck_assert_uint_eq(s.posts, n);
	ck_assert_uint_gt(s.map_used, 1u << 20);
	ck_assert_int_eq(hs_store_get_counter(st, "next_post", &v), 0);
	ck_assert_uint_eq(v, n);

	/* every post is there, in order, with its content */
	static rows r;
	hs_store_query q = q_all();
	ck_assert_int_eq(hs_store_query_posts(st, &q, collect, &r), 0);
	ck_assert_uint_eq(r.n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(r.key[i], i + 1);
		ck_assert_str_eq(r.val[i], big_json);
	}
	rows_free(&r);
	hs_wtxn *t;
	int found;
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wdedup(t, "bulk", "p-0", &v, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(v, 1);
	char sid[32];
	snprintf(sid, sizeof(sid), "p-%zu", n - 1);
	ck_assert_int_eq(hs_store_wdedup(t, "bulk", sid, &v, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(v, n);
	hs_store_wabort(t);

	/* the reader opened before the growth adopts the new size */
	ck_assert_int_eq(hs_store_get_stats(ro, &s), 0);
	ck_assert_uint_eq(s.posts, n);
	ck_assert_int_eq(hs_store_get_counter(ro, "next_post", &v), 0);
	ck_assert_uint_eq(v, n);
	hs_store_close(ro);
	hs_store_close(st);

	/* reopening with the configured 1 MiB keeps all the data */
	st = open_rw(1u << 20);
	ck_assert_int_eq(hs_store_get_stats(st, &s), 0);
	ck_assert_uint_eq(s.posts, n);
	ck_assert_uint_ge(s.map_size, s.map_used);
	hs_store_close(st);
}
END_TEST

typedef struct count_ctx {
	size_t n;
} count_ctx;

static int count_rows(void *ud, uint64_t key, const char *val, size_t len)
{
	(void)key;
	(void)val;
	(void)len;
	((count_ctx *)ud)->n++;
	return 0;
}

/* Ids longer than LMDB's key limit that share a long prefix stay apart,
 * and the largest possible seq has no successor. */
START_TEST(test_long_ids_and_last_seq)
{
	hs_store *st = open_rw(0);
	hs_wtxn *t;
	uint64_t id = 0;
	int found = -1;
	char a[2000], b[2000];

	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = 0;
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 2] = 'y'; /* differs only in the last byte */
	ck_assert_int_eq(hs_store_wbegin(st, &t), 0);
	ck_assert_int_eq(hs_store_wpost(t, 1, "src", a, T0, "{}", 2), 0);
	ck_assert_int_eq(hs_store_wdedup(t, "src", a, &id, &found), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(hs_store_wdedup(t, "src", b, &id, &found), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(hs_store_whit(t, 7, "r", T0, 1, "{\"seq\":7}", 9), 0);
	ck_assert_int_eq(hs_store_wcommit(t), 0);

	count_ctx c = { 0 };
	ck_assert_int_eq(hs_store_scan_events(st, UINT64_MAX, 0, count_rows, &c), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(hs_store_scan_events(st, 6, 0, count_rows, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	hs_store_close(st);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_ptr_nonnull(strstr(hs_store_strerror(MDB_MAP_FULL), "MDB_MAP_FULL"));
	ck_assert_ptr_nonnull(strstr(hs_store_strerror(MDB_NOTFOUND), "MDB_NOTFOUND"));
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("open");

	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_add_test(tc, test_open_creates);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_schema_newer_refused);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("readwrite");
	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_add_test(tc, test_batch_readback_posts);
	tcase_add_test(tc, test_batch_readback_hits);
	tcase_add_test(tc, test_batch_readback_misc);
	tcase_add_test(tc, test_dedup);
	tcase_add_test(tc, test_long_ids_and_last_seq);
	tcase_add_test(tc, test_abort_leaves_nothing);
	tcase_add_test(tc, test_second_readonly_handle);
	suite_add_tcase(s, tc);

	tc = tcase_create("growth");
	tcase_add_unchecked_fixture(tc, hs_scratch_base_setup, hs_scratch_base_teardown);
	tcase_add_checked_fixture(tc, tmp_setup, hs_scratch_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_map_growth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
