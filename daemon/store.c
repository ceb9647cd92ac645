/* hearsay: the LMDB store (see store.h). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <lmdb.h>
#include <openssl/sha.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "timeutil.h"

enum { DB_META, DB_POSTS, DB_DEDUP, DB_PTIME, DB_HITS, DB_HTIME, DB_EVENTS,
       DB_OUTBOX, DB_CURSORS,
       /* schema 2: the signal databases (HS_SDB_* in store.h, in order) */
       DB_ROLLUPS, DB_SPIKES, DB_CLAIMS, DB_SIGSTATE, DB_COUNT };
#define DB_FIRST_SIG DB_ROLLUPS
static const char *const db_names[DB_COUNT] = {
	"meta", "posts", "dedup", "ptime", "hits", "htime", "events", "outbox", "cursors",
	"rollups", "spikes", "claims", "sigstate"
};

struct hs_store {
	MDB_env *env;
	MDB_dbi dbi[DB_COUNT];
	bool have[DB_COUNT];  /* read-only on a schema 1 store: no signal dbs */
	char *path;
	int rdonly;
	/* Readers in this process hold it shared; growing the map holds it
	 * exclusively (mdb_env_set_mapsize needs no live transaction here). */
	pthread_rwlock_t grow_lock;
};

struct hs_wtxn {
	hs_store *st;
	MDB_txn *txn;
};

/* ---- key encoding ---------------------------------------------------------- */

void hs_store_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

uint64_t hs_store_rd64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

uint64_t hs_store_time_key(int64_t t)
{
	return (uint64_t)t ^ (1ull << 63);
}

int64_t hs_store_key_time(uint64_t k)
{
	return (int64_t)(k ^ (1ull << 63));
}

const char *hs_store_strerror(int rc)
{
	return mdb_strerror(rc);
}

/* ---- open / close ------------------------------------------------------------ */

static int check_schema(hs_store *st, MDB_txn *txn, hs_errs *errs)
{
	MDB_val k = { 6, (void *)"schema" }, v;
	int rc = mdb_get(txn, st->dbi[DB_META], &k, &v);

	if (rc == MDB_NOTFOUND) {
		if (st->rdonly) {
			hs_errs_add(errs, st->path, 0, 0, "store has no schema version (not a hearsay store?)");
			return -1;
		}
		unsigned char b[4] = { 0, 0, 0, HS_STORE_SCHEMA };
		v.mv_size = 4;
		v.mv_data = b;
		rc = mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
		if (rc) {
			hs_errs_add(errs, st->path, 0, 0, "cannot write schema version: %s", mdb_strerror(rc));
			return -1;
		}
		return 0;
	}
	if (rc) {
		hs_errs_add(errs, st->path, 0, 0, "cannot read schema version: %s", mdb_strerror(rc));
		return -1;
	}
	if (v.mv_size != 4) {
		hs_errs_add(errs, st->path, 0, 0, "store schema record is corrupt");
		return -1;
	}
	const unsigned char *b = v.mv_data;
	unsigned ver = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	if (ver > HS_STORE_SCHEMA) {
		hs_errs_add(errs, st->path, 0, 0,
		            "store schema %u is newer than this hearsay (%d): upgrade hearsay", ver,
		            HS_STORE_SCHEMA);
		return -1;
	}
	/* Migrations from older schemas, in order. 1 -> 2: the signal databases
	 * (rollups, spikes, claims, sigstate), which hs_store_open has just
	 * created empty; nothing else changes. */
	if (ver < 2 && !st->rdonly) {
		unsigned char nb[4] = { 0, 0, 0, HS_STORE_SCHEMA };
		v.mv_size = 4;
		v.mv_data = nb;
		rc = mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
		if (rc) {
			hs_errs_add(errs, st->path, 0, 0, "cannot migrate the store to schema %d: %s",
			            HS_STORE_SCHEMA, mdb_strerror(rc));
			return -1;
		}
		hs_log_notice("store %s: migrated from schema %u to %d (signal databases added)",
		              st->path, ver, HS_STORE_SCHEMA);
	}
	return 0;
}

hs_store *hs_store_open(const char *path, int flags, uint64_t map_size,
                        hs_errs *errs)
{
	hs_store *st = calloc(1, sizeof(*st));
	MDB_txn *txn = NULL;
	int rc, dead = 0;

	if (!st) {
		hs_errs_add(errs, path, 0, 0, "out of memory");
		return NULL;
	}
	pthread_rwlock_init(&st->grow_lock, NULL);
	st->path = strdup(path);
	st->rdonly = flags & HS_STORE_RDONLY;
	if (!st->rdonly && hs_mkdir_p(path, 0750) < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot create store directory: %s", strerror(errno));
		goto fail;
	}
	if ((rc = mdb_env_create(&st->env)) ||
	    (rc = mdb_env_set_maxdbs(st->env, DB_COUNT + 2)) ||
	    (rc = mdb_env_set_maxreaders(st->env, 126))) {
		hs_errs_add(errs, path, 0, 0, "cannot create LMDB environment: %s", mdb_strerror(rc));
		goto fail;
	}
	if (!st->rdonly && map_size && (rc = mdb_env_set_mapsize(st->env, map_size))) {
		hs_errs_add(errs, path, 0, 0, "cannot set map size: %s", mdb_strerror(rc));
		goto fail;
	}
	rc = mdb_env_open(st->env, path, MDB_NOTLS | (st->rdonly ? MDB_RDONLY : 0), 0640);
	if (rc) {
		hs_errs_add(errs, path, 0, 0, "cannot open store: %s", mdb_strerror(rc));
		goto fail;
	}
	/* A process killed inside a read transaction leaves its slot behind. */
	mdb_reader_check(st->env, &dead);
	if (dead)
		hs_log_notice("store %s: cleared %d stale reader slot(s)", path, dead);
	rc = mdb_txn_begin(st->env, NULL, st->rdonly ? MDB_RDONLY : 0, &txn);
	if (rc == MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, st->rdonly ? MDB_RDONLY : 0, &txn);
	}
	if (rc) {
		hs_errs_add(errs, path, 0, 0, "cannot begin transaction: %s", mdb_strerror(rc));
		goto fail;
	}
	for (int i = 0; i < DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i], st->rdonly ? 0 : MDB_CREATE, &st->dbi[i]);
		if (rc == MDB_NOTFOUND && st->rdonly && i >= DB_FIRST_SIG)
			continue; /* a schema 1 store not yet migrated: no signals */
		if (!rc)
			st->have[i] = true;
		if (rc) {
			hs_errs_add(errs, path, 0, 0, "cannot open database '%s': %s%s", db_names[i],
			            mdb_strerror(rc),
			            rc == MDB_NOTFOUND ? " (is hearsayd running with this store?)" : "");
			goto fail;
		}
	}
	if (check_schema(st, txn, errs) < 0)
		goto fail;
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc) {
		hs_errs_add(errs, path, 0, 0, "cannot commit: %s", mdb_strerror(rc));
		goto fail;
	}
	return st;
fail:
	if (txn)
		mdb_txn_abort(txn);
	hs_store_close(st);
	return NULL;
}

void hs_store_close(hs_store *st)
{
	if (!st)
		return;
	if (st->env)
		mdb_env_close(st->env);
	pthread_rwlock_destroy(&st->grow_lock);
	free(st->path);
	free(st);
}

const char *hs_store_path(const hs_store *st)
{
	return st->path;
}

/* ---- writer ------------------------------------------------------------------ */

int hs_store_wbegin(hs_store *st, hs_wtxn **out)
{
	hs_wtxn *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return ENOMEM;
	t->st = st;
	rc = mdb_txn_begin(st->env, NULL, 0, &t->txn);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int hs_store_wcommit(hs_wtxn *t)
{
	int rc = mdb_txn_commit(t->txn);
	free(t);
	if (!rc)
		HS_INC(store_commits);
	return rc;
}

void hs_store_wabort(hs_wtxn *t)
{
	if (!t)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

int hs_store_grow(hs_store *st)
{
	MDB_envinfo info;
	int rc;

	pthread_rwlock_wrlock(&st->grow_lock);
	mdb_env_info(st->env, &info);
	size_t next = info.me_mapsize * 2;
	rc = mdb_env_set_mapsize(st->env, next);
	pthread_rwlock_unlock(&st->grow_lock);
	if (!rc) {
		HS_INC(store_map_grows);
		hs_log_notice("store %s: map grown to %zu MiB", st->path, next >> 20);
	}
	return rc;
}

/* source 0x00 source_id; when that is longer than LMDB's 511-byte key
 * limit, its first 479 bytes followed by the SHA-256 of the whole key, so
 * that long ids sharing a prefix stay distinct. */
static int dedup_key(const char *source, const char *sid, MDB_val *k, char **buf)
{
	size_t sl = strlen(source), il = strlen(sid);
	size_t n = sl + 1 + il;

	*buf = malloc(n);
	if (!*buf)
		return ENOMEM;
	memcpy(*buf, source, sl);
	(*buf)[sl] = 0;
	memcpy(*buf + sl + 1, sid, il);
	if (n > 511) {
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256((const unsigned char *)*buf, n, md);
		memcpy(*buf + 479, md, sizeof(md));
		n = 479 + sizeof(md);
	}
	k->mv_size = n;
	k->mv_data = *buf;
	return 0;
}

int hs_store_wdedup(hs_wtxn *t, const char *source, const char *source_id,
                    uint64_t *id, int *found)
{
	char *buf = NULL;
	MDB_val k, v;
	int rc = dedup_key(source, source_id, &k, &buf);

	if (rc)
		return rc;
	rc = mdb_get(t->txn, t->st->dbi[DB_DEDUP], &k, &v);
	free(buf);
	*found = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (v.mv_size == 8)
		*id = hs_store_rd64(v.mv_data);
	*found = 1;
	return 0;
}

int hs_store_wnext(hs_wtxn *t, const char *counter, uint64_t *out)
{
	MDB_val k = { strlen(counter), (void *)counter }, v;
	unsigned char b[8];
	uint64_t cur = 0;
	int rc = mdb_get(t->txn, t->st->dbi[DB_META], &k, &v);

	if (rc && rc != MDB_NOTFOUND)
		return rc;
	if (!rc && v.mv_size == 8)
		cur = hs_store_rd64(v.mv_data);
	cur++;
	hs_store_be64(b, cur);
	v.mv_size = 8;
	v.mv_data = b;
	rc = mdb_put(t->txn, t->st->dbi[DB_META], &k, &v, 0);
	if (!rc)
		*out = cur;
	return rc;
}

int hs_store_wmark_deleted(hs_wtxn *t, uint64_t id, int64_t when_us, int *changed)
{
	unsigned char idb[8];
	MDB_val k = { 8, idb }, v;
	json_t *o = NULL;
	char *js = NULL, ts[40];
	int rc;

	*changed = 0;
	hs_store_be64(idb, id);
	if ((rc = mdb_get(t->txn, t->st->dbi[DB_POSTS], &k, &v)))
		return rc == MDB_NOTFOUND ? 0 : rc;
	o = json_loadb(v.mv_data, v.mv_size, 0, NULL);
	if (!json_is_object(o)) {
		rc = 0; /* not ours to repair here; readers report it */
		goto out;
	}
	if (json_is_true(json_object_get(o, "deleted")))
		goto out;
	json_object_set_new(o, "deleted", json_true());
	json_object_set_new(o, "deleted_at", json_string(hs_time_format(when_us, ts, sizeof(ts))));
	js = json_dumps(o, JSON_COMPACT);
	if (!js) {
		rc = ENOMEM;
		goto out;
	}
	v.mv_size = strlen(js);
	v.mv_data = js;
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_POSTS], &k, &v, 0)) == 0)
		*changed = 1;
out:
	free(js);
	json_decref(o);
	return rc;
}

int hs_store_wpost(hs_wtxn *t, uint64_t id, const char *source,
                   const char *source_id, int64_t created_us,
                   const char *json, size_t len)
{
	unsigned char idb[8], tk[16];
	char *buf = NULL;
	MDB_val k = { 8, idb }, v = { len, (void *)json };
	int rc;

	hs_store_be64(idb, id);
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_POSTS], &k, &v, MDB_APPEND)) &&
	    rc == MDB_KEYEXIST)
		rc = mdb_put(t->txn, t->st->dbi[DB_POSTS], &k, &v, 0);
	if (rc)
		return rc;
	if ((rc = dedup_key(source, source_id, &k, &buf)))
		return rc;
	v.mv_size = 8;
	v.mv_data = idb;
	rc = mdb_put(t->txn, t->st->dbi[DB_DEDUP], &k, &v, 0);
	free(buf);
	if (rc)
		return rc;
	hs_store_be64(tk, hs_store_time_key(created_us));
	hs_store_be64(tk + 8, id);
	k.mv_size = 16;
	k.mv_data = tk;
	v.mv_size = 0;
	v.mv_data = "";
	return mdb_put(t->txn, t->st->dbi[DB_PTIME], &k, &v, 0);
}

int hs_store_whit(hs_wtxn *t, uint64_t seq, const char *rule_id,
                  int64_t created_us, uint64_t post_id, const char *json,
                  size_t len)
{
	unsigned char sb[8], pb[8], hk[16 + 256];
	size_t rl = strlen(rule_id);
	MDB_val k = { 8, sb }, v = { len, (void *)json };
	int rc;

	if (rl > 200)
		rl = 200;
	hs_store_be64(sb, seq);
	hs_store_be64(pb, post_id);
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_EVENTS], &k, &v, 0)))
		return rc;
	memcpy(hk, rule_id, rl);
	hk[rl] = 0;
	hs_store_be64(hk + rl + 1, hs_store_time_key(created_us));
	hs_store_be64(hk + rl + 9, seq);
	k.mv_size = rl + 17;
	k.mv_data = hk;
	v.mv_size = 8;
	v.mv_data = pb;
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_HITS], &k, &v, 0)))
		return rc;
	hs_store_be64(hk, hs_store_time_key(created_us));
	hs_store_be64(hk + 8, seq);
	k.mv_size = 16;
	v.mv_size = 0;
	v.mv_data = "";
	return mdb_put(t->txn, t->st->dbi[DB_HTIME], &k, &v, 0);
}

int hs_store_wcursor(hs_wtxn *t, const char *feed, const char *cursor)
{
	MDB_val k = { strlen(feed), (void *)feed }, v = { strlen(cursor), (void *)cursor };
	return mdb_put(t->txn, t->st->dbi[DB_CURSORS], &k, &v, 0);
}

int hs_store_woutbox(hs_wtxn *t, uint64_t alert_id, const char *json, size_t len)
{
	unsigned char b[8];
	MDB_val k = { 8, b }, v = { len, (void *)json };
	hs_store_be64(b, alert_id);
	return mdb_put(t->txn, t->st->dbi[DB_OUTBOX], &k, &v, 0);
}

int hs_store_wevent(hs_wtxn *t, uint64_t seq, const char *json, size_t len)
{
	unsigned char b[8];
	MDB_val k = { 8, b }, v = { len, (void *)json };
	hs_store_be64(b, seq);
	return mdb_put(t->txn, t->st->dbi[DB_EVENTS], &k, &v, 0);
}

static int sig_db(int sdb)
{
	return sdb >= 0 && sdb < HS_SDB_COUNT ? DB_FIRST_SIG + sdb : -1;
}

int hs_store_wsig_put(hs_wtxn *t, int sdb, const void *key, size_t klen, const void *val,
                      size_t vlen)
{
	int db = sig_db(sdb);
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	if (db < 0 || klen == 0 || klen > 511)
		return EINVAL;
	return mdb_put(t->txn, t->st->dbi[db], &k, &v, 0);
}

int hs_store_wsig_get(hs_wtxn *t, int sdb, const void *key, size_t klen, const void **val,
                      size_t *vlen)
{
	int db = sig_db(sdb), rc;
	MDB_val k = { klen, (void *)key }, v;
	*val = NULL;
	*vlen = 0;
	if (db < 0 || klen == 0 || klen > 511)
		return EINVAL;
	rc = mdb_get(t->txn, t->st->dbi[db], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (!rc) {
		*val = v.mv_data;
		*vlen = v.mv_size;
	}
	return rc;
}

int hs_store_wsig_del(hs_wtxn *t, int sdb, const void *key, size_t klen)
{
	int db = sig_db(sdb), rc;
	MDB_val k = { klen, (void *)key };
	if (db < 0 || klen == 0 || klen > 511)
		return EINVAL;
	rc = mdb_del(t->txn, t->st->dbi[db], &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---- readers ------------------------------------------------------------------ */

static int rbegin(hs_store *st, MDB_txn **txn)
{
	int rc;
	pthread_rwlock_rdlock(&st->grow_lock);
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size. That needs no
		 * transaction open in this process, so take the lock exclusively. */
		pthread_rwlock_unlock(&st->grow_lock);
		pthread_rwlock_wrlock(&st->grow_lock);
		mdb_env_set_mapsize(st->env, 0);
		pthread_rwlock_unlock(&st->grow_lock);
		pthread_rwlock_rdlock(&st->grow_lock);
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn);
	}
	if (rc)
		pthread_rwlock_unlock(&st->grow_lock);
	return rc;
}

static void rend(hs_store *st, MDB_txn *txn)
{
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->grow_lock);
}

int hs_store_get_cursor(hs_store *st, const char *feed, char **out)
{
	MDB_txn *txn;
	MDB_val k = { strlen(feed), (void *)feed }, v;
	int rc = rbegin(st, &txn);

	*out = NULL;
	if (rc)
		return rc;
	rc = mdb_get(txn, st->dbi[DB_CURSORS], &k, &v);
	if (!rc) {
		*out = strndup(v.mv_data, v.mv_size);
		if (!*out)
			rc = ENOMEM;
	} else if (rc == MDB_NOTFOUND) {
		rc = 0;
	}
	rend(st, txn);
	return rc;
}

int hs_store_get_counter(hs_store *st, const char *counter, uint64_t *out)
{
	MDB_txn *txn;
	MDB_val k = { strlen(counter), (void *)counter }, v;
	int rc = rbegin(st, &txn);

	*out = 0;
	if (rc)
		return rc;
	rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
	if (!rc && v.mv_size == 8)
		*out = hs_store_rd64(v.mv_data);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	rend(st, txn);
	return rc;
}

static int scan_u64(hs_store *st, int db, uint64_t after, size_t max,
                    hs_store_row_fn fn, void *ud)
{
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	unsigned char b[8];
	MDB_val k = { 8, b }, v;
	size_t n = 0;
	int rc = rbegin(st, &txn);

	if (rc)
		return rc;
	if (after == UINT64_MAX) /* nothing can follow the largest key */
		goto out;
	hs_store_be64(b, after + 1);
	rc = mdb_cursor_open(txn, st->dbi[db], &cur);
	if (rc)
		goto out;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (!rc) {
		if (k.mv_size == 8 && fn(ud, hs_store_rd64(k.mv_data), v.mv_data, v.mv_size))
			break;
		if (max && ++n >= max)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (cur)
		mdb_cursor_close(cur);
	rend(st, txn);
	return rc;
}

int hs_store_scan_outbox(hs_store *st, hs_store_row_fn fn, void *ud)
{
	return scan_u64(st, DB_OUTBOX, 0, 0, fn, ud);
}

int hs_store_scan_events(hs_store *st, uint64_t after, size_t max,
                         hs_store_row_fn fn, void *ud)
{
	return scan_u64(st, DB_EVENTS, after, max, fn, ud);
}

/* true if the JSON text's source (top-level or post.source) equals want. */
static bool source_matches(const char *val, size_t len, const char *want)
{
	json_t *o = json_loadb(val, len, 0, NULL);
	json_t *p, *s;
	bool ok = false;

	if (!o)
		return false;
	p = json_object_get(o, "post");
	s = json_object_get(p ? p : o, "source");
	ok = json_is_string(s) && strcmp(json_string_value(s), want) == 0;
	json_decref(o);
	return ok;
}

typedef struct range_scan {
	hs_store *st;
	MDB_txn *txn;
	const hs_store_query *q;
	hs_store_row_fn fn;
	void *ud;
	size_t n;
} range_scan;

/* Emit one row whose value lives in db `vdb` under the 8-byte id `idb`.
 * Returns 1 to stop. */
static int emit_row(range_scan *rs, int vdb, const unsigned char *idb)
{
	MDB_val k = { 8, (void *)idb }, v;
	if (mdb_get(rs->txn, rs->st->dbi[vdb], &k, &v))
		return 0; /* index without row: skip */
	if (rs->q->source && !source_matches(v.mv_data, v.mv_size, rs->q->source))
		return 0;
	if (rs->fn(rs->ud, hs_store_rd64(idb), v.mv_data, v.mv_size))
		return 1;
	return rs->q->limit && ++rs->n >= rs->q->limit;
}

/* Scan index db `idx` whose keys are prefix || time(8) || id(8), within the
 * query's time range, and emit the rows from `vdb`. */
static int range_query(hs_store *st, int idx, int vdb, const unsigned char *prefix,
                       size_t plen, const hs_store_query *q, hs_store_row_fn fn,
                       void *ud)
{
	range_scan rs = { st, NULL, q, fn, ud, 0 };
	MDB_cursor *cur = NULL;
	unsigned char lo[16 + 256], hi[16 + 256];
	MDB_val k, v;
	int rc = rbegin(st, &rs.txn);

	if (rc)
		return rc;
	memcpy(lo, prefix, plen);
	memcpy(hi, prefix, plen);
	hs_store_be64(lo + plen, hs_store_time_key(q->since_us));
	memset(lo + plen + 8, 0, 8);
	hs_store_be64(hi + plen, hs_store_time_key(q->until_us));
	memset(hi + plen + 8, 0, 8);
	rc = mdb_cursor_open(rs.txn, st->dbi[idx], &cur);
	if (rc)
		goto out;
	if (!q->newest_first) {
		k.mv_size = plen + 16;
		k.mv_data = lo;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		while (!rc) {
			if (k.mv_size != plen + 16 || memcmp(k.mv_data, hi, plen + 16) >= 0)
				break;
			if (emit_row(&rs, vdb, (unsigned char *)k.mv_data + plen + 8))
				break;
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
		}
	} else {
		k.mv_size = plen + 16;
		k.mv_data = hi;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST)
		                        : mdb_cursor_get(cur, &k, &v, MDB_PREV);
		while (!rc) {
			if (k.mv_size != plen + 16 || memcmp(k.mv_data, lo, plen + 16) < 0)
				break;
			if (memcmp(k.mv_data, hi, plen + 16) < 0 &&
			    emit_row(&rs, vdb, (unsigned char *)k.mv_data + plen + 8))
				break;
			rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
		}
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (cur)
		mdb_cursor_close(cur);
	rend(st, rs.txn);
	return rc;
}

int hs_store_query_hits(hs_store *st, const hs_store_query *q,
                        hs_store_row_fn fn, void *ud)
{
	unsigned char prefix[256] = { 0 };
	size_t rl;

	if (!q->rule)
		return range_query(st, DB_HTIME, DB_EVENTS, prefix, 0, q, fn, ud);
	rl = strlen(q->rule);
	if (rl > 200)
		rl = 200;
	memcpy(prefix, q->rule, rl);
	prefix[rl] = 0;
	return range_query(st, DB_HITS, DB_EVENTS, prefix, rl + 1, q, fn, ud);
}

int hs_store_query_posts(hs_store *st, const hs_store_query *q,
                         hs_store_row_fn fn, void *ud)
{
	unsigned char none[1] = { 0 };
	return range_query(st, DB_PTIME, DB_POSTS, none, 0, q, fn, ud);
}

int hs_store_get_stats(hs_store *st, hs_store_stats *out)
{
	MDB_txn *txn;
	MDB_stat ms;
	MDB_envinfo info;
	MDB_val k = { 6, (void *)"schema" }, v;
	int rc = rbegin(st, &txn);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	if (!mdb_stat(txn, st->dbi[DB_POSTS], &ms))
		out->posts = ms.ms_entries;
	if (!mdb_stat(txn, st->dbi[DB_HTIME], &ms))
		out->hits = ms.ms_entries;
	if (!mdb_stat(txn, st->dbi[DB_EVENTS], &ms))
		out->events = ms.ms_entries;
	if (!mdb_stat(txn, st->dbi[DB_OUTBOX], &ms))
		out->outbox = ms.ms_entries;
	if (!mdb_stat(txn, st->dbi[DB_CURSORS], &ms))
		out->cursors = ms.ms_entries;
	if (!mdb_get(txn, st->dbi[DB_META], &k, &v) && v.mv_size == 4)
		out->schema = ((const unsigned char *)v.mv_data)[3];
	mdb_env_info(st->env, &info);
	mdb_env_stat(st->env, &ms);
	out->map_size = info.me_mapsize;
	out->map_used = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
	rend(st, txn);
	return 0;
}

int hs_store_scan_sig(hs_store *st, int sdb, const void *prefix, size_t plen, bool reverse,
                      size_t max, hs_store_kv_fn fn, void *ud)
{
	int db = sig_db(sdb), rc;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	unsigned char hi[512];
	size_t n = 0;

	if (db < 0 || plen > 500)
		return EINVAL;
	if (!st->have[db])
		return 0; /* a schema 1 store: nothing yet */
	if ((rc = rbegin(st, &txn)))
		return rc;
	if ((rc = mdb_cursor_open(txn, st->dbi[db], &cur)))
		goto out;
	if (!reverse) {
		k.mv_size = plen;
		k.mv_data = (void *)(plen ? prefix : "");
		rc = plen ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
		          : mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	} else {
		/* the last key with the prefix: position after prefix + 0xFF.. */
		if (plen)
			memcpy(hi, prefix, plen);
		memset(hi + plen, 0xFF, 8);
		k.mv_size = plen + 8;
		k.mv_data = hi;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == MDB_NOTFOUND)
			rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
		else if (!rc)
			rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	while (!rc) {
		if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (fn(ud, k.mv_data, k.mv_size, v.mv_data, v.mv_size))
			break;
		if (max && ++n >= max)
			break;
		rc = mdb_cursor_get(cur, &k, &v, reverse ? MDB_PREV : MDB_NEXT);
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (cur)
		mdb_cursor_close(cur);
	rend(st, txn);
	return rc;
}

int hs_store_backlog_start(hs_store *st, uint64_t n_hits, uint64_t *seq)
{
	static const char hit[] = "{\"type\":\"hit\"";
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint64_t seen = 0;
	int rc;

	*seq = 0;
	if (!n_hits)
		return 0;
	if ((rc = rbegin(st, &txn)))
		return rc;
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_EVENTS], &cur)))
		goto out;
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	while (!rc) {
		if (k.mv_size == 8 && v.mv_size >= sizeof(hit) - 1 &&
		    memcmp(v.mv_data, hit, sizeof(hit) - 1) == 0 && ++seen == n_hits) {
			*seq = hs_store_rd64(k.mv_data);
			break;
		}
		if (k.mv_size == 8)
			*seq = hs_store_rd64(k.mv_data); /* fewer hits than asked: from the oldest */
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (cur)
		mdb_cursor_close(cur);
	rend(st, txn);
	return rc;
}
