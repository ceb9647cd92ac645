/* bench_e2e: end-to-end figures for the real hearsayd (see tests/bench/README.md).
 *
 * Measures and prints; never asserts on time. In one run it
 *   1. generates a synthetic NDJSON corpus (deterministic PRNG),
 *   2. times two in-process baselines on it: parse only
 *      (hs_replay_parse_line) and raw LMDB (mdb_put, 256 posts per txn),
 *   3. runs the real hearsayd on it at replay speed 0 and reports the
 *      committed posts per second (daemon-side start of replay to the
 *      moment /api/v1/stats shows every post settled),
 *   4. runs hearsayd again on a paced stream in which every post hits one
 *      demo rule, with a websocket client on /ws, and reports the
 *      ingest-to-websocket latency (client receive time minus the hit's
 *      post.fetched) as p50/p90/p99/max.
 * Everything talks to 127.0.0.1 only. The daemons are stopped (SIGTERM,
 * then SIGKILL after a grace period) and the work directory is removed at
 * the end, also on failure (unless -k).
 *
 * Exit status: 0 when every phase produced its figures, 1 when a phase
 * failed (the figures that exist are still printed), 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <lmdb.h>

#include <hearsay/post.h>

#include "collectors/replay/replay.h"
#include "postjson.h"
#include "timeutil.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* Defaults; -q shrinks them. */
#define BENCH_N_DEFAULT 100000L
#define BENCH_N_QUICK 20000L
#define LAT_POSTS_DEFAULT 20000L    /* measured posts, 1 ms apart: ~20 s */
#define LAT_POSTS_QUICK 5000L
#define LAT_LEAD_POSTS 3000L        /* quiet posts before them: ~3 s */
#define LAT_SPEED 1.0               /* replay speed of the latency run */
#define LMDB_BATCH 256              /* posts per transaction (raw LMDB) */
#define E2E_TIMEOUT_US (600LL * 1000000)
#define HEALTH_TIMEOUT_US (60LL * 1000000)
#define STOP_GRACE_US (60LL * 1000000)
#define E2E_POLL_US 10000           /* stats poll period while timing */
#define LAT_POLL_US 200000          /* stats poll period in the latency run */
#define BASE_CREATED "2026-05-16T08:00:00Z"

static volatile sig_atomic_t g_stop; /* SIGINT/SIGTERM: clean up and leave */

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int64_t mono_us(void)
{
	return hs_mono_us();
}

static int64_t real_us(void)
{
	return hs_now_us(); /* CLOCK_REALTIME: comparable with post.fetched */
}

static void sleep_us(int64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
	nanosleep(&ts, NULL); /* EINTR just ends the nap early */
}

/* ---- options ----------------------------------------------------------------- */

typedef struct bench_opts {
	long n;               /* posts in the throughput corpus */
	long lat_posts;       /* measured (matching) posts in the latency run */
	long lat_lead;        /* quiet lead-in posts in the latency run */
	const char *daemon;   /* hearsayd binary */
	const char *srcdir;   /* source tree: demo/rules.d and dashboard/ */
	int keep;             /* keep the work directory */
} bench_opts;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: bench_e2e [-n N] [-d HEARSAYD] [-s SRCDIR] [-q] [-k]\n"
	        "  -n N         posts in the throughput corpus (default %ld)\n"
	        "  -d PATH      hearsayd binary (default ./hearsayd)\n"
	        "  -s SRCDIR    source tree with demo/rules.d and dashboard/ (default %s)\n"
	        "  -q           quick: N=%ld and %ld measured posts in the latency run\n"
	        "  -k           keep the work directory (its path is printed)\n",
	        BENCH_N_DEFAULT, HS_SRCDIR, BENCH_N_QUICK, LAT_POSTS_QUICK);
}

/* ---- deterministic PRNG (splitmix64) ------------------------------------------ */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform-enough value in [0, n) for small n (n > 0). */
static size_t rng_below(rng *r, size_t n)
{
	return (size_t)(rng_next(r) % n);
}

/* ---- corpus -------------------------------------------------------------------- */

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Neutral words: none of them, alone or next to each other, matches a demo
 * rule (no march/rally/protest/police/planning/calm/they/them/us ..., and
 * nothing that the planning rule's lookahead excuses: nice, lovely, fun,
 * special). */
static const char *const k_vocab[] = {
	"the", "a", "on", "in", "at", "by", "with", "and", "for", "from", "near", "after",
	"before", "today", "tomorrow", "tonight", "morning", "evening", "weekend", "sunday",
	"bakery", "river", "bridge", "bus", "train", "station", "coffee", "market", "weather",
	"sunny", "rain", "cloudy", "wind", "garden", "school", "library", "museum", "bicycle",
	"cat", "dog", "neighbour", "street", "lane", "square", "fountain", "choir", "concert",
	"football", "match", "score", "goal", "keeper", "bread", "cake", "cherry", "tart",
	"cheese", "apples", "pears", "flowers", "tulips", "roses", "boat", "ferry", "quay",
	"harbour", "lighthouse", "park", "bench", "picnic", "blanket", "kite", "children",
	"teacher", "lesson", "homework", "exam", "holiday", "trip", "photo", "camera", "sunset",
	"sunrise", "clouds", "stars", "moon", "tea", "soup", "pizza", "pasta", "salad",
	"queue", "shop", "open", "closed", "late", "early", "busy", "quiet", "cosy", "sweet",
	"great", "small", "big", "old", "new", "green", "blue", "red", "yellow", "long",
	"short", "walk", "ride", "swim", "cook", "bake", "read", "sing", "paint", "fix",
	"roadworks", "detour", "parking", "ticket", "timetable", "platform", "umbrella",
	"jacket", "scarf", "boots", "festival", "lanterns", "fireworks", "stall", "honey",
};

/* Phrases that each hit exactly one demo rule (demo/rules.d/rivertown.yaml)
 * wherever they sit among the neutral words above. */
static const char *const k_phrases[] = {
	"they are planning something",          /* rv-rumour-planning */
	"I heard the police closed the bridge", /* rv-rumour-hearsay */
	"they don't belong here",               /* rv-polarising-belong */
	"someone should teach them a lesson",   /* rv-threat-lesson */
	"bring something heavy",                /* rv-threat-bring */
	"it's us or them",                      /* rv-polarising-takeover */
	"please stay calm",                     /* rv-counter-speech */
};

static const char *const k_sources[] = {
	"bench-courier", "bench-radio", "bench-social-a", "bench-social-b", "bench-forum",
};

typedef struct corpus_spec {
	size_t n;             /* posts (lines) */
	size_t quiet_lead;    /* the first quiet_lead posts never carry a phrase */
	unsigned phrase_pct;  /* chance (percent) that a later post carries one */
	uint64_t seed;
} corpus_spec;

typedef struct corpus_info {
	size_t posts;         /* lines written */
	size_t with_phrase;   /* posts carrying one phrase (= expected hits) */
	uint64_t bytes;
} corpus_info;

/* JSON string with the escapes the corpus can need. */
static void put_jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Build 8-40 words of text into buf, with phrase (if any) at a random word
 * position. buf must hold at least 2048 bytes. */
static void make_text(rng *r, const char *phrase, char *buf, size_t cap)
{
	size_t words = 8 + rng_below(r, 33), at = phrase ? rng_below(r, words + 1) : SIZE_MAX;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t w = 0; w <= words; w++) {
		for (int pass = 0; pass < 2; pass++) {
			const char *tok = pass == 0 ? (w == at ? phrase : NULL)
			                            : (w < words ? k_vocab[rng_below(r, NELEMS(k_vocab))] : NULL);
			if (!tok)
				continue;
			int k = snprintf(buf + len, cap - len, "%s%s", len ? " " : "", tok);
			if (k < 0 || (size_t)k >= cap - len)
				return;
			len += (size_t)k;
		}
	}
}

/* Write the corpus to path: one post per line, created 1 ms apart from
 * BASE_CREATED, ids unique. Returns 0 or -1 (message printed). */
static int write_corpus(const char *path, const corpus_spec *cs, corpus_info *out)
{
	rng r = { cs->seed };
	int64_t base;
	char text[2048], ts[40];
	FILE *f = fopen(path, "w");

	memset(out, 0, sizeof(*out));
	if (!f) {
		fprintf(stderr, "bench_e2e: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	hs_time_parse_rfc3339(BASE_CREATED, &base);
	for (size_t i = 0; i < cs->n; i++) {
		size_t src = rng_below(&r, NELEMS(k_sources));
		const char *phrase = NULL;
		if (i >= cs->quiet_lead && rng_below(&r, 100) < cs->phrase_pct) {
			phrase = k_phrases[rng_below(&r, NELEMS(k_phrases))];
			out->with_phrase++;
		}
		make_text(&r, phrase, text, sizeof(text));
		fputs("{\"source\":", f);
		put_jstr(f, k_sources[src]);
		fprintf(f, ",\"id\":\"b%zu\",\"url\":\"https://%s.example/p/%zu\","
		           "\"author\":\"voice%zu\",\"lang\":\"en\",\"created\":\"%s\"",
		        i, k_sources[src], i, rng_below(&r, 500),
		        hs_time_format(base + (int64_t)i * 1000, ts, sizeof(ts)));
		if (src == 0) { /* the "newspaper" has headlines */
			char title[2048];
			make_text(&r, NULL, title, sizeof(title));
			title[strlen(title) > 40 ? 40 : strlen(title)] = '\0';
			fputs(",\"title\":", f);
			put_jstr(f, title);
		}
		fputs(",\"text\":", f);
		put_jstr(f, text);
		if (rng_below(&r, 4) == 0)
			fprintf(f, ",\"tags\":[\"%s\"]", k_vocab[rng_below(&r, NELEMS(k_vocab))]);
		if (src >= 2 && rng_below(&r, 5) == 0)
			fputs(",\"reply\":true", f);
		fputs("}\n", f);
		out->posts++;
	}
	int err = ferror(f);
	if (fclose(f) != 0 || err) {
		fprintf(stderr, "bench_e2e: write error on %s\n", path);
		return -1;
	}
	struct stat st;
	if (stat(path, &st) == 0)
		out->bytes = (uint64_t)st.st_size;
	return 0;
}

/* The corpus in memory, split into lines (for the baselines). */
typedef struct lines {
	char *data;
	size_t size;
	size_t *off;          /* start of each line */
	size_t *len;          /* length without the newline */
	size_t n;
} lines;

static void lines_free(lines *l)
{
	free(l->data);
	free(l->off);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

static int lines_load(const char *path, lines *l)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	if (!f || fstat(fileno(f), &st) < 0)
		goto fail;
	l->size = (size_t)st.st_size;
	l->data = malloc(l->size + 1);
	if (!l->data || fread(l->data, 1, l->size, f) != l->size)
		goto fail;
	l->data[l->size] = '\0';
	for (size_t i = 0; i < l->size;) {
		char *nl = memchr(l->data + i, '\n', l->size - i);
		size_t end = nl ? (size_t)(nl - l->data) : l->size;
		if (l->n == cap) {
			cap = cap ? cap * 2 : 4096;
			size_t *no = realloc(l->off, cap * sizeof(*no));
			if (!no)
				goto fail;
			l->off = no;
			size_t *nlen = realloc(l->len, cap * sizeof(*nlen));
			if (!nlen)
				goto fail;
			l->len = nlen;
		}
		l->off[l->n] = i;
		l->len[l->n] = end - i;
		l->n++;
		i = end + 1;
	}
	fclose(f);
	return 0;
fail:
	fprintf(stderr, "bench_e2e: cannot load %s\n", path);
	if (f)
		fclose(f);
	lines_free(l);
	return -1;
}

/* ---- baselines ------------------------------------------------------------------ */

typedef struct rate {
	int ok;
	size_t n;
	double secs;
	double per_s;
} rate;

static void rate_set(rate *r, size_t n, int64_t us)
{
	r->ok = 1;
	r->n = n;
	r->secs = (double)us / 1e6;
	r->per_s = us > 0 ? (double)n / r->secs : 0;
}

/* Parse-only: hs_replay_parse_line (and hs_post_free) over every line. */
static int bench_parse(const lines *l, rate *out, size_t *bad)
{
	char why[256];
	int64_t t0 = mono_us();

	*bad = 0;
	for (size_t i = 0; i < l->n; i++) {
		hs_post *p = hs_replay_parse_line(l->data + l->off[i], l->len[i], "bench", why, sizeof(why));
		if (!p)
			(*bad)++;
		hs_post_free(p);
	}
	rate_set(out, l->n - *bad, mono_us() - t0);
	return *bad ? -1 : 0;
}

/* Raw LMDB: the posts' stored JSON (hs_post_to_json, made before the clock
 * starts) written with mdb_put, LMDB_BATCH posts per transaction, into a
 * fresh environment in dir opened with the daemon's flags (MDB_NOTLS, full
 * sync on commit). Only the puts and commits are timed. */
static int bench_lmdb(const lines *l, const char *dir, rate *out)
{
	char why[256];
	char **js = calloc(l->n, sizeof(*js));
	size_t *jl = calloc(l->n, sizeof(*jl));
	size_t total = 0, n = 0;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	int rc = -1, mrc;

	if (!js || !jl)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		hs_post *p = hs_replay_parse_line(l->data + l->off[i], l->len[i], "bench", why, sizeof(why));
		if (!p)
			continue;
		p->id = n + 1;
		p->fetched_us = real_us();
		p->feed = strdup("bench");
		json_t *o = p->feed ? hs_post_to_json(p) : NULL;
		js[n] = o ? hs_json_dump(o, &jl[n]) : NULL;
		json_decref(o);
		hs_post_free(p);
		if (!js[n])
			goto out;
		total += jl[n];
		n++;
	}
	if (mkdir(dir, 0700) < 0)
		goto out;
	if ((mrc = mdb_env_create(&env)) || (mrc = mdb_env_set_maxdbs(env, 4)) ||
	    (mrc = mdb_env_set_mapsize(env, (size_t)total * 3 + ((size_t)64 << 20))) ||
	    (mrc = mdb_env_open(env, dir, MDB_NOTLS, 0600))) {
		fprintf(stderr, "bench_e2e: lmdb: %s\n", mdb_strerror(mrc));
		goto out;
	}
	if ((mrc = mdb_txn_begin(env, NULL, 0, &txn)) ||
	    (mrc = mdb_dbi_open(txn, "posts", MDB_CREATE, &dbi)) || (mrc = mdb_txn_commit(txn))) {
		txn = NULL;
		fprintf(stderr, "bench_e2e: lmdb: %s\n", mdb_strerror(mrc));
		goto out;
	}
	txn = NULL;
	int64_t t0 = mono_us();
	for (size_t i = 0; i < n; i += LMDB_BATCH) {
		if ((mrc = mdb_txn_begin(env, NULL, 0, &txn)))
			goto lmdb_fail;
		for (size_t j = i; j < n && j < i + LMDB_BATCH; j++) {
			unsigned char key[8];
			uint64_t id = j + 1;
			for (int b = 0; b < 8; b++) /* big-endian, as the store does */
				key[b] = (unsigned char)(id >> (56 - 8 * b));
			MDB_val k = { sizeof(key), key }, v = { jl[j], js[j] };
			if ((mrc = mdb_put(txn, dbi, &k, &v, 0)))
				goto lmdb_fail;
		}
		mrc = mdb_txn_commit(txn);
		txn = NULL;
		if (mrc)
			goto lmdb_fail;
	}
	rate_set(out, n, mono_us() - t0);
	rc = 0;
	goto out;
lmdb_fail:
	fprintf(stderr, "bench_e2e: lmdb: %s\n", mdb_strerror(mrc));
out:
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	for (size_t i = 0; js && i < l->n; i++)
		free(js[i]);
	free(js);
	free(jl);
	return rc;
}

/* ---- HTTP (libcurl easy, 127.0.0.1 only) ------------------------------------------ */

typedef struct http {
	CURL *h;
	char *buf;
	size_t len, cap;
} http;

static size_t http_write(char *p, size_t sz, size_t nm, void *ud)
{
	http *c = ud;
	size_t n = sz * nm;
	if (c->len + n + 1 > c->cap) {
		size_t nc = (c->len + n + 1) * 2;
		char *nb = realloc(c->buf, nc);
		if (!nb)
			return 0;
		c->buf = nb;
		c->cap = nc;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return n;
}

static int http_init(http *c)
{
	memset(c, 0, sizeof(*c));
	c->h = curl_easy_init();
	if (!c->h)
		return -1;
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_NOPROXY, "*"); /* never via a proxy */
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	return 0;
}

static void http_free(http *c)
{
	if (c->h)
		curl_easy_cleanup(c->h);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/* GET http://127.0.0.1:port{path}; 200 with a JSON body -> 0 and *out. */
static int http_get_json(http *c, int port, const char *path, json_t **out)
{
	char url[512];
	long status = 0;

	*out = NULL;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	c->len = 0;
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	if (curl_easy_perform(c->h) != CURLE_OK)
		return -1;
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 || !c->buf)
		return -1;
	*out = json_loadb(c->buf, c->len, 0, NULL);
	return *out ? 0 : -1;
}

typedef struct dstats {
	uint64_t posts_in, posts_committed, posts_duplicate, posts_rejected;
	uint64_t hits, replay_bad_lines, intake_full, store_commits, last_seq, ws_culled;
} dstats;

static uint64_t jnum(const json_t *o, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(o, k));
	return v > 0 ? (uint64_t)v : 0;
}

static int get_stats(http *c, int port, dstats *s)
{
	json_t *o;
	if (http_get_json(c, port, "/api/v1/stats", &o) < 0)
		return -1;
	s->posts_in = jnum(o, "posts_in");
	s->posts_committed = jnum(o, "posts_committed");
	s->posts_duplicate = jnum(o, "posts_duplicate");
	s->posts_rejected = jnum(o, "posts_rejected");
	s->hits = jnum(o, "hits");
	s->replay_bad_lines = jnum(o, "replay_bad_lines");
	s->intake_full = jnum(o, "intake_full");
	s->store_commits = jnum(o, "store_commits");
	s->last_seq = jnum(o, "last_seq");
	s->ws_culled = jnum(o, "ws_culled");
	json_decref(o);
	return 0;
}

/* Every line of the corpus has an outcome: committed, duplicate, rejected
 * or a bad line. */
static int stats_settled(const dstats *s, size_t n)
{
	return s->posts_committed + s->posts_duplicate + s->posts_rejected + s->replay_bad_lines >= n;
}

/* ---- the daemon ------------------------------------------------------------------- */

typedef struct daemon_proc {
	pid_t pid;            /* 0 when not running */
	int port;
	int exit_status;      /* from daemon_stop: exit code, 128+signal, or -1 */
	char dir[PATH_MAX];   /* its config, store and log */
	char log[PATH_MAX + 16];
} daemon_proc;

/* A port that was free a moment ago (bind 127.0.0.1:0, read it, close). */
static int free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t sl = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0)
		return -1;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &sl) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* YAML single-quoted scalar. */
static void put_ysq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_config(const char *path, const char *dir, const char *srcdir, int port,
                        const char *corpus, double speed)
{
	char p[PATH_MAX + 64];
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "# written by bench_e2e\nlog_level: notice\nworkers: 2\nqueue_size: 1024\n"
	           "store:\n  path: ");
	snprintf(p, sizeof(p), "%s/db", dir);
	put_ysq(f, p);
	fprintf(f, "\n  map_size: 256MiB\n  batch_posts: 256\n  batch_time: 50ms\nrules_dir: ");
	snprintf(p, sizeof(p), "%s/demo/rules.d", srcdir);
	put_ysq(f, p);
	fprintf(f, "\nprivacy:\n  key_file: ");
	snprintf(p, sizeof(p), "%s/pseudonym.key", dir);
	put_ysq(f, p);
	fprintf(f, "\nlisten:\n  address: 127.0.0.1\n  port: %d\n  dashboard_dir: ", port);
	snprintf(p, sizeof(p), "%s/dashboard", srcdir);
	put_ysq(f, p);
	fprintf(f, "\nsources:\n  - name: bench\n    type: replay\n    path: ");
	put_ysq(f, corpus);
	fprintf(f, "\n    speed: %g\n    rebase: false\n    loop: false\n", speed);
	int err = ferror(f);
	return fclose(f) != 0 || err ? -1 : 0;
}

/* Is the daemon still running? Reaps it (and records the status) if not. */
static int daemon_alive(daemon_proc *dp)
{
	int st;
	if (!dp->pid)
		return 0;
	pid_t r = waitpid(dp->pid, &st, WNOHANG);
	if (r == 0)
		return 1;
	dp->exit_status = r < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	dp->pid = 0;
	return 0;
}

/* SIGTERM, wait up to STOP_GRACE_US for the drain, then SIGKILL. Sets
 * exit_status. Safe to call when not running. */
static void daemon_stop(daemon_proc *dp)
{
	if (!dp->pid)
		return;
	kill(dp->pid, SIGTERM);
	int64_t end = mono_us() + STOP_GRACE_US;
	while (daemon_alive(dp) && mono_us() < end)
		sleep_us(20000);
	if (dp->pid) {
		fprintf(stderr, "bench_e2e: hearsayd %d did not stop in time: SIGKILL\n", (int)dp->pid);
		kill(dp->pid, SIGKILL);
		int st;
		waitpid(dp->pid, &st, 0);
		dp->exit_status = 128 + SIGKILL;
		dp->pid = 0;
	}
}

static void print_log_tail(const daemon_proc *dp)
{
	char line[1024];
	long pos[20] = { 0 };
	size_t k = 0;
	FILE *f = fopen(dp->log, "r");

	if (!f)
		return;
	fprintf(stderr, "--- tail of %s\n", dp->log);
	for (;;) {
		pos[k % 20] = ftell(f);
		if (!fgets(line, sizeof(line), f))
			break;
		k++;
	}
	fseek(f, k > 20 ? pos[k % 20] : 0, SEEK_SET);
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

/* Make dir, write the config, fork/exec hearsayd (output to dir/hearsayd.log)
 * and wait for /api/v1/health. On success dp->pid runs and *t_health_us is
 * the wall time health first answered; on failure the daemon is stopped. */
static int daemon_start(daemon_proc *dp, const bench_opts *o, const char *dir, const char *corpus,
                        double speed, http *c, int64_t *t_health_us)
{
	char cfg[PATH_MAX + 16];
	char *argv[4];

	memset(dp, 0, sizeof(*dp));
	snprintf(dp->dir, sizeof(dp->dir), "%s", dir);
	snprintf(cfg, sizeof(cfg), "%s/hearsay.yaml", dir);
	snprintf(dp->log, sizeof(dp->log), "%s/hearsayd.log", dir);
	if (mkdir(dir, 0700) < 0 || (dp->port = free_port()) < 0 ||
	    write_config(cfg, dir, o->srcdir, dp->port, corpus, speed) < 0) {
		fprintf(stderr, "bench_e2e: cannot prepare %s: %s\n", dir, strerror(errno));
		return -1;
	}
	argv[0] = (char *)o->daemon;
	argv[1] = (char *)"-c";
	argv[2] = cfg;
	argv[3] = NULL;
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench_e2e: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) { /* child: async-signal-safe calls only */
		int fd = open(dp->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* do not outlive a killed bench */
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(o->daemon, argv);
		_exit(127);
	}
	dp->pid = pid;
	int64_t end = mono_us() + HEALTH_TIMEOUT_US;
	while (!g_stop && mono_us() < end) {
		json_t *h;
		if (!daemon_alive(dp)) {
			fprintf(stderr, "bench_e2e: hearsayd exited with status %d before answering\n",
			        dp->exit_status);
			print_log_tail(dp);
			return -1;
		}
		if (http_get_json(c, dp->port, "/api/v1/health", &h) == 0) {
			json_decref(h);
			*t_health_us = real_us();
			return 0;
		}
		sleep_us(5000);
	}
	fprintf(stderr, "bench_e2e: hearsayd did not answer /api/v1/health\n");
	daemon_stop(dp);
	print_log_tail(dp);
	return -1;
}

/* ---- phase 1: end-to-end throughput ------------------------------------------------ */

typedef struct e2e_result {
	int ok;
	rate r;
	double startup_s;       /* health answered: seconds after fork */
	int start_from_fetched; /* clock started at the first post's fetched */
	dstats s;
	int exit_status;
} e2e_result;

/* Wall time the first post (lowest created) was fetched, from the store. */
static int first_fetched(http *c, int port, int64_t *out)
{
	json_t *a;
	int rc = -1;
	if (http_get_json(c, port, "/api/v1/posts?order=asc&limit=1", &a) < 0)
		return -1;
	const json_t *f = json_object_get(json_array_get(a, 0), "fetched");
	if (json_is_string(f) && hs_time_parse_rfc3339(json_string_value(f), out) == 0)
		rc = 0;
	json_decref(a);
	return rc;
}

static int run_e2e(const bench_opts *o, const char *work, const char *corpus, size_t n,
                   http *c, e2e_result *res)
{
	daemon_proc dp;
	char dir[PATH_MAX];
	int64_t t_fork = real_us(), t_health = 0, t_end = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	snprintf(dir, sizeof(dir), "%s/e2e", work);
	fprintf(stderr, "bench_e2e: [e2e] starting hearsayd (speed 0, %zu posts)\n", n);
	if (daemon_start(&dp, o, dir, corpus, 0, c, &t_health) < 0)
		return -1;
	res->startup_s = (double)(t_health - t_fork) / 1e6;
	int64_t end = mono_us() + E2E_TIMEOUT_US;
	for (;;) {
		if (g_stop)
			goto fail;
		if (!daemon_alive(&dp)) {
			fprintf(stderr, "bench_e2e: [e2e] hearsayd exited with status %d\n", dp.exit_status);
			goto fail;
		}
		if (get_stats(c, dp.port, &res->s) == 0 && stats_settled(&res->s, n)) {
			t_end = real_us();
			break;
		}
		if (mono_us() > end) {
			fprintf(stderr, "bench_e2e: [e2e] timeout: %" PRIu64 " of %zu posts committed\n",
			        res->s.posts_committed, n);
			goto fail;
		}
		sleep_us(E2E_POLL_US);
	}
	int64_t t_start = t_health;
	if (first_fetched(c, dp.port, &t_start) == 0 && t_start < t_end)
		res->start_from_fetched = 1;
	else
		t_start = t_health;
	rate_set(&res->r, (size_t)res->s.posts_committed, t_end - t_start);
	res->r.ok = res->s.posts_committed == n;
	if (!res->r.ok)
		fprintf(stderr, "bench_e2e: [e2e] only %" PRIu64 " of %zu posts committed\n",
		        res->s.posts_committed, n);
	rc = res->r.ok ? 0 : -1;
fail:
	daemon_stop(&dp);
	res->exit_status = dp.exit_status;
	if (rc == 0 && dp.exit_status != 0)
		fprintf(stderr, "bench_e2e: [e2e] note: hearsayd exited with status %d\n", dp.exit_status);
	if (rc < 0)
		print_log_tail(&dp);
	res->ok = rc == 0;
	return rc;
}

/* ---- phase 2: ingest-to-websocket latency ------------------------------------------ */

/* The websocket client. The lws service runs on its own thread so that the
 * main thread's HTTP polling never delays a receive timestamp. Fields the
 * main thread reads while the service thread runs are atomics; the rest is
 * the service thread's until it is joined. */
typedef struct ws_client {
	struct lws_context *ctx;
	pthread_t thread;
	atomic_bool stop;
	atomic_int established;     /* 1 once the handshake completed */
	atomic_int closed;          /* 1 once closed or failed */
	atomic_int_fast64_t connect_us; /* CLOCK_REALTIME at ESTABLISHED */
	atomic_uint_fast64_t max_seq;   /* highest hit seq received */
	atomic_uint_fast64_t n_hits;    /* hit messages received */
	int64_t msg_us;             /* receive time of the current message's first fragment */
	char *buf;                  /* reassembly of fragmented messages */
	size_t len, cap;
	int64_t *lat;               /* latency samples (receive - fetched), microseconds */
	int64_t *pre;               /* hit "time" (batch write start) - fetched */
	int64_t *post;              /* receive - hit "time" */
	size_t n_lat, cap_lat;
	size_t ignored;             /* hits of posts fetched before the connection */
	size_t unparsable;
	char close_reason[128];
} ws_client;

static void ws_message(ws_client *w, const char *msg, size_t len)
{
	json_t *o = json_loadb(msg, len, 0, NULL);
	int64_t fetched, written;

	if (!o)
		goto bad;
	if (!json_is_string(json_object_get(o, "type")) ||
	    strcmp(json_string_value(json_object_get(o, "type")), "hit") != 0) {
		json_decref(o); /* stats / heartbeat */
		return;
	}
	json_int_t seq = json_integer_value(json_object_get(o, "seq"));
	const json_t *f = json_object_get(json_object_get(o, "post"), "fetched");
	const json_t *t = json_object_get(o, "time");
	if (!json_is_string(f) || hs_time_parse_rfc3339(json_string_value(f), &fetched) < 0 ||
	    !json_is_string(t) || hs_time_parse_rfc3339(json_string_value(t), &written) < 0) {
		json_decref(o);
		goto bad;
	}
	json_decref(o);
	atomic_fetch_add(&w->n_hits, 1);
	if (seq > 0 && (uint64_t)seq > atomic_load(&w->max_seq))
		atomic_store(&w->max_seq, (uint64_t)seq);
	if (fetched < atomic_load(&w->connect_us)) {
		w->ignored++;
		return;
	}
	if (w->n_lat == w->cap_lat) {
		size_t nc = w->cap_lat ? w->cap_lat * 2 : 8192;
		int64_t *nl = realloc(w->lat, nc * sizeof(*nl));
		if (nl)
			w->lat = nl;
		int64_t *np = realloc(w->pre, nc * sizeof(*np));
		if (np)
			w->pre = np;
		int64_t *nq = realloc(w->post, nc * sizeof(*nq));
		if (nq)
			w->post = nq;
		if (!nl || !np || !nq)
			return; /* sample lost; the arrays stay valid */
		w->cap_lat = nc;
	}
	w->pre[w->n_lat] = written - fetched;
	w->post[w->n_lat] = w->msg_us - written;
	w->lat[w->n_lat++] = w->msg_us - fetched;
	return;
bad:
	w->unparsable++;
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
	ws_client *w = lws_context_user(lws_get_context(wsi));
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		snprintf(w->close_reason, sizeof(w->close_reason), "connection error: %s",
		         in ? (const char *)in : "unknown");
		atomic_store(&w->closed, 1);
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		atomic_store(&w->connect_us, real_us());
		atomic_store(&w->established, 1);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (w->len == 0)
			w->msg_us = real_us(); /* before any parsing */
		if (w->len + len + 1 > w->cap) {
			size_t nc = (w->len + len + 1) * 2;
			char *nb = realloc(w->buf, nc);
			if (!nb)
				return -1;
			w->buf = nb;
			w->cap = nc;
		}
		memcpy(w->buf + w->len, in, len);
		w->len += len;
		if (lws_is_final_fragment(wsi)) {
			ws_message(w, w->buf, w->len);
			w->len = 0;
		}
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len > 2)
			snprintf(w->close_reason, sizeof(w->close_reason), "closed by the server: %.*s",
			         (int)(len - 2), (const char *)in + 2);
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!w->close_reason[0])
			snprintf(w->close_reason, sizeof(w->close_reason), "closed by the server");
		atomic_store(&w->closed, 1);
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols k_ws_protocols[] = {
	{ "hearsay", cb_ws, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void *ws_main(void *arg)
{
	ws_client *w = arg;
	while (!atomic_load(&w->stop))
		if (lws_service(w->ctx, 0) < 0)
			break;
	return NULL;
}

/* Create the context, connect to 127.0.0.1:port/ws with protocol "hearsay"
 * and start the service thread. 0 or -1 (nothing left running). */
static int ws_start(ws_client *w, int port)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = k_ws_protocols;
	info.user = w;
	lws_set_log_level(LLL_ERR, NULL);
	w->ctx = lws_create_context(&info);
	if (!w->ctx)
		return -1;
	memset(&ci, 0, sizeof(ci));
	ci.context = w->ctx;
	ci.address = "127.0.0.1";
	ci.port = port;
	ci.path = "/ws";
	ci.host = "127.0.0.1";
	ci.origin = "127.0.0.1";
	ci.protocol = "hearsay";
	if (!lws_client_connect_via_info(&ci) ||
	    pthread_create(&w->thread, NULL, ws_main, w) != 0) {
		lws_context_destroy(w->ctx);
		w->ctx = NULL;
		return -1;
	}
	return 0;
}

static void ws_stop(ws_client *w)
{
	if (!w->ctx)
		return;
	atomic_store(&w->stop, true);
	lws_cancel_service(w->ctx);
	pthread_join(w->thread, NULL);
	lws_context_destroy(w->ctx);
	w->ctx = NULL;
}

static void ws_free(ws_client *w)
{
	free(w->buf);
	free(w->lat);
	free(w->pre);
	free(w->post);
	w->pre = w->post = NULL;
	w->buf = NULL;
	w->lat = NULL;
}

typedef struct lat_result {
	int ok;
	size_t posts;           /* measured (matching) posts */
	size_t expected;        /* hits expected (one per matching post) */
	size_t n;               /* samples */
	size_t ignored;
	double p50, p90, p99, max, mean; /* milliseconds */
	double pre_p50, pre_p99;  /* fetched -> the store thread starts the batch */
	double post_p50, post_p99;/* batch start -> client receive */
	double rate;            /* hits per second seen by the client */
	dstats s;
	char note[160];
} lat_result;

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n) (n > 0), p in 1..100. */
static double pct_ms(const int64_t *v, size_t n, unsigned p)
{
	size_t k = (n * p + 99) / 100;
	return (double)v[k ? k - 1 : 0] / 1000.0;
}

static int run_latency(const bench_opts *o, const char *work, const char *corpus,
                       const corpus_info *ci, http *c, lat_result *res)
{
	daemon_proc dp;
	ws_client w;
	char dir[PATH_MAX];
	int64_t t_health = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	res->posts = ci->with_phrase;
	res->expected = ci->with_phrase;
	snprintf(dir, sizeof(dir), "%s/latency", work);
	fprintf(stderr, "bench_e2e: [latency] starting hearsayd (speed %g, %zu quiet + %zu matching posts)\n",
	        LAT_SPEED, ci->posts - ci->with_phrase, ci->with_phrase);
	if (daemon_start(&dp, o, dir, corpus, LAT_SPEED, c, &t_health) < 0) {
		snprintf(res->note, sizeof(res->note), "hearsayd did not start");
		return -1;
	}
	if (ws_start(&w, dp.port) < 0) {
		snprintf(res->note, sizeof(res->note), "cannot start the websocket client");
		goto out;
	}
	int64_t end = mono_us() + 10LL * 1000000;
	while (!atomic_load(&w.established) && !atomic_load(&w.closed) && !g_stop && mono_us() < end)
		sleep_us(1000);
	if (!atomic_load(&w.established)) {
		snprintf(res->note, sizeof(res->note), "websocket did not connect (%s)",
		         w.close_reason[0] ? w.close_reason : "timeout");
		goto out;
	}
	fprintf(stderr, "bench_e2e: [latency] websocket connected %.2f s after health\n",
	        (double)(atomic_load(&w.connect_us) - t_health) / 1e6);
	/* Until every post is settled: the paced run takes about
	 * posts/1000/speed seconds; allow plenty more. */
	end = mono_us() + (int64_t)((double)ci->posts / 1000.0 / LAT_SPEED * 1e6) + 120LL * 1000000;
	for (;;) {
		if (g_stop)
			goto out;
		if (!daemon_alive(&dp)) {
			snprintf(res->note, sizeof(res->note), "hearsayd exited with status %d", dp.exit_status);
			goto out;
		}
		if (atomic_load(&w.closed)) {
			snprintf(res->note, sizeof(res->note), "websocket %s", w.close_reason);
			goto out;
		}
		if (get_stats(c, dp.port, &res->s) == 0 && stats_settled(&res->s, ci->posts))
			break;
		if (mono_us() > end) {
			snprintf(res->note, sizeof(res->note), "timeout: %" PRIu64 " of %zu posts committed",
			         res->s.posts_committed, ci->posts);
			goto out;
		}
		sleep_us(LAT_POLL_US);
	}
	/* Everything is committed: wait for the last hit to reach the client. */
	end = mono_us() + 30LL * 1000000;
	while (atomic_load(&w.max_seq) < res->s.last_seq && !atomic_load(&w.closed) &&
	       !g_stop && mono_us() < end)
		sleep_us(10000);
	if (atomic_load(&w.max_seq) < res->s.last_seq)
		snprintf(res->note, sizeof(res->note), "the client saw seq %" PRIu64 " of %" PRIu64,
		         (uint64_t)atomic_load(&w.max_seq), res->s.last_seq);
	else
		rc = 0;
out:
	ws_stop(&w); /* joins the service thread: w is ours alone from here */
	daemon_stop(&dp);
	if (rc < 0)
		print_log_tail(&dp);
	res->ignored = w.ignored;
	if (w.unparsable)
		snprintf(res->note, sizeof(res->note), "%zu hit message(s) without a usable post.fetched",
		         w.unparsable);
	if (w.n_lat) {
		int64_t sum = 0;
		qsort(w.lat, w.n_lat, sizeof(*w.lat), cmp_i64);
		for (size_t i = 0; i < w.n_lat; i++)
			sum += w.lat[i];
		res->n = w.n_lat;
		res->p50 = pct_ms(w.lat, w.n_lat, 50);
		res->p90 = pct_ms(w.lat, w.n_lat, 90);
		res->p99 = pct_ms(w.lat, w.n_lat, 99);
		res->max = (double)w.lat[w.n_lat - 1] / 1000.0;
		res->mean = (double)sum / (double)w.n_lat / 1000.0;
		qsort(w.pre, w.n_lat, sizeof(*w.pre), cmp_i64);
		qsort(w.post, w.n_lat, sizeof(*w.post), cmp_i64);
		res->pre_p50 = pct_ms(w.pre, w.n_lat, 50);
		res->pre_p99 = pct_ms(w.pre, w.n_lat, 99);
		res->post_p50 = pct_ms(w.post, w.n_lat, 50);
		res->post_p99 = pct_ms(w.post, w.n_lat, 99);
	}
	ws_free(&w);
	res->ok = rc == 0 && res->n > 0;
	return res->ok ? 0 : -1;
}

/* ---- work directory ------------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		fprintf(stderr, "bench_e2e: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- main ------------------------------------------------------------------------------ */

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void print_rate(const char *what, const rate *r)
{
	if (r->ok)
		printf("  %-40s %9zu %9.3f %12.0f\n", what, r->n, r->secs, r->per_s);
	else
		printf("  %-40s %9s %9s %12s\n", what, "-", "-", "failed");
}

int main(int argc, char **argv)
{
	bench_opts o = { .n = 0, .daemon = "./hearsayd", .srcdir = HS_SRCDIR };
	char work[1024], corpus[PATH_MAX], lcorpus[PATH_MAX], lmdb_dir[PATH_MAX];
	char src_abs[PATH_MAX], daemon_abs[PATH_MAX], rules[PATH_MAX + 32];
	int quick = 0, opt, failed = 0, have_work = 0;
	corpus_info ci = { 0 }, lci = { 0 };
	rate parse_r = { 0 }, lmdb_r = { 0 };
	e2e_result e2e = { 0 };
	lat_result lat = { 0 };
	lines l = { 0 };
	http c = { 0 };
	size_t bad = 0;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "n:d:s:qkh")) != -1) {
		switch (opt) {
		case 'n':
			if (parse_long(optarg, 1, 50000000, &o.n) < 0) {
				fprintf(stderr, "bench_e2e: -n wants a number from 1 to 50000000\n");
				return 2;
			}
			break;
		case 'd': o.daemon = optarg; break;
		case 's': o.srcdir = optarg; break;
		case 'q': quick = 1; break;
		case 'k': o.keep = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!o.n)
		o.n = quick ? BENCH_N_QUICK : BENCH_N_DEFAULT;
	o.lat_posts = quick ? LAT_POSTS_QUICK : LAT_POSTS_DEFAULT;
	o.lat_lead = LAT_LEAD_POSTS;
	/* The config's relative paths would resolve against the work dir. */
	if (!realpath(o.srcdir, src_abs)) {
		fprintf(stderr, "bench_e2e: source tree %s: %s\n", o.srcdir, strerror(errno));
		return 2;
	}
	o.srcdir = src_abs;
	snprintf(rules, sizeof(rules), "%s/demo/rules.d", src_abs);
	if (access(rules, R_OK) < 0) {
		fprintf(stderr, "bench_e2e: no demo rules in %s (use -s SRCDIR)\n", rules);
		return 2;
	}
	if (!realpath(o.daemon, daemon_abs) || access(daemon_abs, X_OK) < 0) {
		fprintf(stderr, "bench_e2e: hearsayd %s: not an executable (use -d PATH)\n", o.daemon);
		return 2;
	}
	o.daemon = daemon_abs;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits end early */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || http_init(&c) < 0) {
		fprintf(stderr, "bench_e2e: cannot initialise libcurl\n");
		return 1;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(work, sizeof(work), "%s/hearsay-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(work)) {
		fprintf(stderr, "bench_e2e: mkdtemp %s: %s\n", work, strerror(errno));
		failed = 1;
		goto out;
	}
	have_work = 1;
	snprintf(corpus, sizeof(corpus), "%s/corpus.ndjson", work);
	snprintf(lcorpus, sizeof(lcorpus), "%s/latency.ndjson", work);
	snprintf(lmdb_dir, sizeof(lmdb_dir), "%s/rawlmdb", work);

	/* Corpora: throughput (10% matching) and latency (quiet lead-in, then
	 * every post matching). */
	corpus_spec cs = { (size_t)o.n, 0, 10, 0x6865617273617931ULL };
	corpus_spec ls = { (size_t)(o.lat_lead + o.lat_posts), (size_t)o.lat_lead, 100,
	                   0x6c6174656e637931ULL };
	fprintf(stderr, "bench_e2e: work directory %s\n", work);
	if (write_corpus(corpus, &cs, &ci) < 0 || write_corpus(lcorpus, &ls, &lci) < 0) {
		failed = 1;
		goto out;
	}

	/* Baselines, in process. */
	fprintf(stderr, "bench_e2e: [baseline] parse only, raw LMDB\n");
	if (lines_load(corpus, &l) < 0) {
		failed = 1;
		goto out;
	}
	if (bench_parse(&l, &parse_r, &bad) < 0) {
		fprintf(stderr, "bench_e2e: %zu corpus line(s) did not parse\n", bad);
		failed = 1;
	}
	if (!g_stop && bench_lmdb(&l, lmdb_dir, &lmdb_r) < 0)
		failed = 1;
	lines_free(&l);
	rm_tree(lmdb_dir); /* its disk space is not needed any more */

	if (!g_stop && run_e2e(&o, work, corpus, ci.posts, &c, &e2e) < 0)
		failed = 1;
	if (!g_stop && run_latency(&o, work, lcorpus, &lci, &c, &lat) < 0)
		failed = 1;
	if (g_stop) {
		fprintf(stderr, "bench_e2e: interrupted\n");
		failed = 1;
	}

	/* The report. */
	printf("\nhearsay bench_e2e%s\n", quick ? " (quick)" : "");
	printf("  hearsayd %s\n  rules    %s\n", o.daemon, rules);
	printf("  corpus   %zu posts, %zu with a demo phrase, %.1f MB; 1 ms apart, %zu sources\n",
	       ci.posts, ci.with_phrase, (double)ci.bytes / 1e6, NELEMS(k_sources));
	printf("  daemon   workers 2, queue_size 1024, batch_posts 256, batch_time 50ms\n\n");
	printf("  %-40s %9s %9s %12s\n", "throughput", "posts", "seconds", "posts/s");
	print_rate("parse only (hs_replay_parse_line)", &parse_r);
	print_rate("raw LMDB (mdb_put, 256 per txn)", &lmdb_r);
	print_rate("hearsayd end to end (replay speed 0)", &e2e.r);
	if (e2e.r.n) {
		printf("    clock from %s; hearsayd answered health %.2f s after start\n",
		       e2e.start_from_fetched ? "the first post's fetched time" : "the first health answer",
		       e2e.startup_s);
		printf("    hits %" PRIu64 " (expected %zu: one per phrase post), replay_bad_lines %" PRIu64
		       ", rejected %" PRIu64 ", duplicates %" PRIu64 ", commits %" PRIu64
		       ", intake_full %" PRIu64 ", exit status %d\n",
		       e2e.s.hits, ci.with_phrase, e2e.s.replay_bad_lines, e2e.s.posts_rejected,
		       e2e.s.posts_duplicate, e2e.s.store_commits, e2e.s.intake_full, e2e.exit_status);
	}
	printf("\n  latency, ingest (post.fetched) to websocket receive, speed %g, %zu matching posts\n",
	       LAT_SPEED, lat.posts);
	if (lat.n) {
		printf("    hits %zu of %zu expected (%zu ignored: fetched before the client connected)\n",
		       lat.n, lat.expected, lat.ignored);
		printf("    p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.2f ms   mean %.2f ms\n",
		       lat.p50, lat.p90, lat.p99, lat.max, lat.mean);
		printf("    parts: fetched -> batch write start p50 %.2f / p99 %.2f ms;"
		       " batch write start -> client p50 %.2f / p99 %.2f ms\n",
		       lat.pre_p50, lat.pre_p99, lat.post_p50, lat.post_p99);
		printf("    daemon: hits %" PRIu64 ", replay_bad_lines %" PRIu64 ", ws_culled %" PRIu64 "\n",
		       lat.s.hits, lat.s.replay_bad_lines, lat.s.ws_culled);
	} else {
		printf("    failed\n");
	}
	if (lat.note[0])
		printf("    note: %s\n", lat.note);
	printf("\nbench_e2e: status=%s n=%zu e2e_posts_per_s=%.0f parse_posts_per_s=%.0f "
	       "lmdb_posts_per_s=%.0f hits=%" PRIu64 " replay_bad_lines=%" PRIu64
	       " latency_n=%zu latency_ms_p50=%.2f latency_ms_p90=%.2f latency_ms_p99=%.2f"
	       " latency_ms_max=%.2f\n",
	       failed ? "fail" : "ok", ci.posts, e2e.r.ok ? e2e.r.per_s : 0.0,
	       parse_r.ok ? parse_r.per_s : 0.0, lmdb_r.ok ? lmdb_r.per_s : 0.0, e2e.s.hits,
	       e2e.s.replay_bad_lines, lat.n, lat.p50, lat.p90, lat.p99, lat.max);
	fflush(stdout);
out:
	if (have_work) {
		if (o.keep)
			fprintf(stderr, "bench_e2e: kept %s\n", work);
		else
			rm_tree(work);
	}
	http_free(&c);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
