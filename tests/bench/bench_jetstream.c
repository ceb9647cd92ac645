/* bench_jetstream: how many Jetstream frames per second the bluesky
 * collector's parser takes on one core (see tests/bench/README.md).
 *
 * Generates N realistic frames (default 200000; deterministic PRNG, same
 * bytes on every machine) shaped like what wss://.../subscribe?
 * wantedCollections=app.bsky.feed.post sends: post creates with text,
 * langs, replies, facets and embeds, some deletes and updates, identity and
 * account events. Then, in one thread and from memory, it times
 *   baseline   json_loadb + json_decref of every frame (jansson alone)
 *   parse      hs_jetstream_parse_frame, no filter (every post built + freed)
 *   filtered   the same with 10 keywords and langs en/nl (most turned away)
 *   collector  the bluesky plugin's stream_frame through the host
 *              (hs_poll_parse_frame: parse, cursor, dedup, post handed over)
 * and then the whole collector path over a real websocket on 127.0.0.1: an
 * lws server thread in this program sends every frame as fast as TCP takes
 * it; hearsayd's stream thread (daemon/wsclient.c) receives and queues
 * them; this thread pops each one and runs the bluesky plugin on it.
 * Each is run R times (default 3) and the best run printed. It measures and
 * prints; it never fails because something was slow.
 *
 *   bench_jetstream [-n FRAMES] [-r RUNS]
 *
 * The last line of stdout is machine-readable:
 *   bench_jetstream: n=200000 bytes=... baseline_fps=... parse_fps=... filtered_fps=...
 *   collector_fps=... websocket_fps=...
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include <hearsay/collector.h>
#include <hearsay/post.h>

#include "collectors/bluesky/jetstream.h"
#include "plugin.h"
#include "poller.h"
#include "wsclient.h"
#include "ytree.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned pick(unsigned n)
{
	return (unsigned)(next() % n);
}

static const char *const words[] = {
	"the", "bridge", "market", "council", "today", "tomorrow", "rain", "bus", "school",
	"library", "river", "park", "festival", "road", "closed", "open", "new", "great",
	"really", "think", "people", "town", "weekend", "music", "coffee", "train", "late",
	"again", "news", "photo", "walk", "dog", "garden", "meeting", "vote", "local",
	"caf\xc3\xa9", "na\xc3\xafve", "stra\303\237e", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x8c\xa7",
	"\xf0\x9f\x98\x82", "lol", "honestly", "anyone", "know", "why", "\"quoted\"", "50%", "&",
	"https://news.example/a/1234", "@friend.bsky.social", "#localnews", "#rivertown",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *const langsets[] = {
	"[\"en\"]", "[\"en\"]", "[\"en\"]", "[\"en\"]", "[\"ja\"]", "[\"pt\"]", "[\"de\"]",
	"[\"en\",\"nl\"]", "[\"es\"]", "[\"fr\"]", "[\"ko\"]", NULL,
};
#define NLANGS (sizeof(langsets) / sizeof(langsets[0]))

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

static void rand32(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = b32[pick(32)];
	out[n] = '\0';
}

typedef struct {
	char *buf;
	size_t len, cap;
} sbuf;

static void put(sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(sbuf *s, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = s->cap - s->len;
		va_start(ap, fmt);
		int n = vsnprintf(s->buf + s->len, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < room) {
			s->len += (size_t)n;
			return;
		}
		s->cap = s->cap * 2 + (size_t)n + 1;
		if (!(s->buf = realloc(s->buf, s->cap)))
			abort();
	}
}

/* One frame, appended to s. */
static void gen_frame(sbuf *s, uint64_t i, int64_t t_us)
{
	char did[32], rkey[16], cid[60], did2[32], rk2[16];
	unsigned kind = pick(100);

	rand32(did, 24);
	rand32(rkey, 13);
	rand32(cid, 52);
	if (kind < 2) {
		put(s, "{\"did\":\"did:plc:%s\",\"time_us\":%" PRId64 ",\"kind\":\"identity\","
		       "\"identity\":{\"did\":\"did:plc:%s\",\"handle\":\"user%" PRIu64 ".bsky.social\","
		       "\"seq\":%" PRIu64 ",\"time\":\"2026-05-16T09:48:00.000Z\"}}",
		    did, t_us, did, i, 1409752997 + i);
		return;
	}
	if (kind < 3) {
		put(s, "{\"did\":\"did:plc:%s\",\"time_us\":%" PRId64 ",\"kind\":\"account\","
		       "\"account\":{\"active\":true,\"did\":\"did:plc:%s\",\"seq\":%" PRIu64 ","
		       "\"time\":\"2026-05-16T09:48:01.000Z\"}}", did, t_us, did, 1409753013 + i);
		return;
	}
	put(s, "{\"did\":\"did:plc:%s\",\"time_us\":%" PRId64 ",\"kind\":\"commit\",\"commit\":"
	       "{\"rev\":\"%s\",\"operation\":\"%s\",\"collection\":\"app.bsky.feed.post\","
	       "\"rkey\":\"%s\"", did, t_us, rkey, kind < 12 ? "delete" : kind < 13 ? "update" : "create",
	    rkey);
	if (kind < 12) {
		put(s, "}}");
		return;
	}
	/* the record */
	put(s, ",\"record\":{\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"2026-05-16T09:%02u:%02u.%03uZ\"",
	    pick(60), pick(60), pick(1000));
	unsigned nw = 3 + pick(45);
	put(s, ",\"text\":\"");
	for (unsigned w = 0; w < nw; w++) {
		const char *word = words[pick(NWORDS)];
		if (w)
			put(s, "%s", pick(12) == 0 ? "\\n" : " ");
		for (const char *c = word; *c; c++)
			put(s, *c == '"' ? "\\\"" : "%c", *c);
	}
	put(s, "\"");
	const char *langs = langsets[pick(NLANGS)];
	if (langs)
		put(s, ",\"langs\":%s", langs);
	if (pick(100) < 30) {
		rand32(did2, 24);
		rand32(rk2, 13);
		put(s, ",\"reply\":{\"parent\":{\"cid\":\"bafyrei%s\",\"uri\":\"at://did:plc:%s/"
		       "app.bsky.feed.post/%s\"},\"root\":{\"cid\":\"bafyrei%s\",\"uri\":\"at://did:plc:%s/"
		       "app.bsky.feed.post/%s\"}}", cid, did2, rk2, cid, did2, rk2);
	}
	if (pick(100) < 30) {
		rand32(did2, 24);
		put(s, ",\"facets\":[{\"$type\":\"app.bsky.richtext.facet\",\"features\":[{\"$type\":"
		       "\"app.bsky.richtext.facet#link\",\"uri\":\"https://news.example/a/1234\"}],"
		       "\"index\":{\"byteEnd\":42,\"byteStart\":12}},{\"features\":[{\"$type\":"
		       "\"app.bsky.richtext.facet#mention\",\"did\":\"did:plc:%s\"}],\"index\":"
		       "{\"byteEnd\":60,\"byteStart\":43}},{\"features\":[{\"$type\":"
		       "\"app.bsky.richtext.facet#tag\",\"tag\":\"rivertown\"}],\"index\":"
		       "{\"byteEnd\":71,\"byteStart\":61}}]", did2);
	}
	unsigned e = pick(100);
	if (e < 25) {
		put(s, ",\"embed\":{\"$type\":\"app.bsky.embed.images\",\"images\":[{\"alt\":\"A photo of "
		       "the market square in the rain\",\"aspectRatio\":{\"height\":1536,\"width\":2048},"
		       "\"image\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafkrei%s\"},\"mimeType\":"
		       "\"image/jpeg\",\"size\":%u}}]}", cid, 200000 + pick(700000));
	} else if (e < 40) {
		put(s, ",\"embed\":{\"$type\":\"app.bsky.embed.external\",\"external\":{\"description\":"
		       "\"The council voted on the new bus routes last night; here is what changes.\","
		       "\"thumb\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"bafkrei%s\"},\"mimeType\":"
		       "\"image/jpeg\",\"size\":%u},\"title\":\"New bus routes from June\",\"uri\":"
		       "\"https://news.example/a/%u\"}}", cid, 20000 + pick(90000), pick(100000));
	} else if (e < 48) {
		rand32(did2, 24);
		rand32(rk2, 13);
		put(s, ",\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":{\"cid\":\"bafyrei%s\","
		       "\"uri\":\"at://did:plc:%s/app.bsky.feed.post/%s\"}}", cid, did2, rk2);
	}
	put(s, "},\"cid\":\"bafyrei%s\"}}", cid);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
	size_t n;
	size_t *off, *len;
	char *buf;
	size_t bytes;
} corpus;

static volatile size_t sink_counter;

static double time_baseline(const corpus *c)
{
	double t0 = now_s();
	size_t ok = 0;
	for (size_t i = 0; i < c->n; i++) {
		json_t *o = json_loadb(c->buf + c->off[i], c->len[i], JSON_ALLOW_NUL, NULL);
		ok += o != NULL;
		json_decref(o);
	}
	double t = now_s() - t0;
	if (ok != c->n) {
		fprintf(stderr, "bench_jetstream: jansson refused %zu generated frames\n", c->n - ok);
		exit(1);
	}
	sink_counter += ok;
	return t;
}

static double time_parse(const corpus *c, const hs_js_filter *f, size_t counts[4])
{
	char err[160];
	double t0 = now_s();
	memset(counts, 0, 4 * sizeof(size_t));
	for (size_t i = 0; i < c->n; i++) {
		hs_js_kind kind;
		hs_post *p;
		char *del;
		int64_t t = 0;
		if (hs_jetstream_parse_frame(c->buf + c->off[i], c->len[i], "bench", 1778932800000000LL,
		                             f, &kind, &p, &del, &t, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_jetstream: frame %zu refused: %s\n", i, err);
			exit(1);
		}
		counts[kind]++;
		hs_post_free(p);
		free(del);
	}
	return now_s() - t0;
}

/* ---- the bluesky collector itself ------------------------------------------------ */

/* The plugin is compiled into this program (tests/bench in Makefile.am). */
extern const hs_collector hs_collector_v1;

static size_t n_posts;

static int count_post(void *ud, hs_post *p)
{
	(void)ud;
	n_posts++;
	hs_post_free(p); /* the sink owns it */
	return 0;
}

typedef struct {
	hs_ynode *map;
	hs_collector_conf *conf;
	void *state;
} plugin_inst;

static void plugin_open(plugin_inst *pi)
{
	static const char yaml[] = "url: ws://127.0.0.1/subscribe\n";
	static const char *const host_keys[] = { "name", "type", NULL };
	hs_errs errs = HS_ERRS_INIT;
	pi->map = hs_yaml_load_string(yaml, sizeof(yaml) - 1, "bench", &errs);
	pi->conf = pi->map ? hs_conf_build(&hs_collector_v1, "bench", pi->map, ".", host_keys, 0, &errs)
	                   : NULL;
	if (!pi->conf || hs_collector_v1.init(pi->conf, &pi->state, &errs) < 0) {
		fprintf(stderr, "bench_jetstream: cannot set up the bluesky collector: %s\n",
		        errs.n ? errs.msgs[0] : "?");
		exit(1);
	}
	hs_errs_clear(&errs);
}

static void plugin_close(plugin_inst *pi)
{
	hs_collector_v1.fini(pi->state);
	hs_conf_free(pi->conf);
	hs_ynode_free(pi->map);
}

static double time_collector(const corpus *c)
{
	plugin_inst pi;
	plugin_open(&pi); /* a fresh one: its cursor would drop a second pass */
	n_posts = 0;
	double t0 = now_s();
	for (size_t i = 0; i < c->n; i++)
		if (hs_poll_parse_frame(&hs_collector_v1, pi.state, "bench", c->buf + c->off[i],
		                        c->len[i], count_post, NULL) < 0) {
			fprintf(stderr, "bench_jetstream: the collector refused frame %zu\n", i);
			exit(1);
		}
	double t = now_s() - t0;
	plugin_close(&pi);
	return t;
}

/* ---- over a loopback websocket ------------------------------------------------------ */

typedef struct {
	const corpus *c;
	size_t next;
	unsigned char *tx;          /* LWS_PRE + the largest frame */
	struct lws_context *ctx;
	pthread_t th;
	atomic_bool stop;
} ws_server;

static int srv_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
	ws_server *s = lws_context_user(lws_get_context(wsi));
	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		s->next = 0;
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		for (int k = 0; k < 64 && s->next < s->c->n; k++) {
			size_t l = s->c->len[s->next];
			memcpy(s->tx + LWS_PRE, s->c->buf + s->c->off[s->next], l);
			if (lws_write(wsi, s->tx + LWS_PRE, l, LWS_WRITE_TEXT) < (int)l)
				return -1;
			s->next++;
			if (lws_send_pipe_choked(wsi))
				break;
		}
		if (s->next < s->c->n)
			lws_callback_on_writable(wsi);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols srv_protocols[] = {
	{ "bench", srv_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void *srv_main(void *arg)
{
	ws_server *s = arg;
	while (!atomic_load(&s->stop))
		lws_service(s->ctx, 0);
	return NULL;
}

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static int woken;

static void on_wake(void *ud)
{
	(void)ud; /* stream thread: a message or a state change */
	pthread_mutex_lock(&wake_mu);
	woken = 1;
	pthread_cond_signal(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Returns the wall time for all frames; *cpu gets the process CPU time. */
static double time_websocket(const corpus *c, double *cpu)
{
	struct lws_context_creation_info info;
	ws_server s = { .c = c };
	size_t maxlen = 0;
	hs_errs errs = HS_ERRS_INIT;
	hs_ws_request req;
	char err[128];
	plugin_inst pi;
	int port = free_port();

	for (size_t i = 0; i < c->n; i++)
		if (c->len[i] > maxlen)
			maxlen = c->len[i];
	s.tx = malloc(LWS_PRE + maxlen);
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = srv_protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = &s;
	s.ctx = s.tx && port > 0 ? lws_create_context(&info) : NULL;
	if (!s.ctx || pthread_create(&s.th, NULL, srv_main, &s) != 0) {
		fprintf(stderr, "bench_jetstream: cannot start the loopback websocket server\n");
		exit(1);
	}
	plugin_open(&pi);
	hs_wsc *w = hs_wsc_start(on_wake, NULL, &errs);
	memset(&req, 0, sizeof(req));
	snprintf(req.url, sizeof(req.url),
	         "ws://127.0.0.1:%d/subscribe?wantedCollections=app.bsky.feed.post", port);
	double c0 = cpu_s(), t0 = now_s();
	hs_ws_conn *conn = w ? hs_wsc_open(w, &req, "bench", 1 << 20, err, sizeof(err)) : NULL;
	if (!conn) {
		fprintf(stderr, "bench_jetstream: cannot open the stream\n");
		exit(1);
	}
	size_t got = 0;
	n_posts = 0;
	while (got < c->n) {
		char *msg;
		size_t len;
		if (hs_ws_conn_pop(conn, &msg, &len)) {
			/* the popped message is ours; the plugin only borrows it */
			hs_poll_parse_frame(&hs_collector_v1, pi.state, "bench", msg, len, count_post, NULL);
			free(msg);
			got++;
			continue;
		}
		if (hs_ws_conn_state(conn, NULL, err, sizeof(err)) == HS_WS_CLOSED) {
			fprintf(stderr, "bench_jetstream: the stream closed after %zu frames: %s\n", got, err);
			exit(1);
		}
		pthread_mutex_lock(&wake_mu);
		while (!woken)
			pthread_cond_wait(&wake_cv, &wake_mu);
		woken = 0;
		pthread_mutex_unlock(&wake_mu);
	}
	double t = now_s() - t0;
	*cpu = cpu_s() - c0;
	hs_ws_conn_close(conn);
	hs_wsc_stop(w);
	atomic_store(&s.stop, true);
	lws_cancel_service(s.ctx);
	pthread_join(s.th, NULL);
	lws_context_destroy(s.ctx);
	free(s.tx);
	plugin_close(&pi);
	return t;
}

int main(int argc, char **argv)
{
	long n = 200000, runs = 3;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'r':
			runs = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: %s [-n FRAMES] [-r RUNS]\n", argv[0]);
			return 2;
		}
	}
	if (n < 1 || n > 100000000 || runs < 1 || runs > 100) {
		fprintf(stderr, "usage: %s [-n FRAMES (1..1e8)] [-r RUNS (1..100)]\n", argv[0]);
		return 2;
	}

	corpus c = { .n = (size_t)n };
	sbuf s = { .buf = malloc(1 << 20), .len = 0, .cap = 1 << 20 };
	c.off = malloc(c.n * sizeof(size_t));
	c.len = malloc(c.n * sizeof(size_t));
	if (!s.buf || !c.off || !c.len)
		return 1;
	int64_t t_us = 1778924762329308LL;
	for (size_t i = 0; i < c.n; i++) {
		c.off[i] = s.len;
		gen_frame(&s, i, t_us);
		c.len[i] = s.len - c.off[i];
		t_us += 1 + (int64_t)pick(3000);
	}
	c.buf = s.buf;
	c.bytes = s.len;
	fprintf(stderr, "bench_jetstream: %zu frames, %.1f MB, mean %.0f bytes/frame\n", c.n,
	        (double)c.bytes / 1e6, (double)c.bytes / (double)c.n);

	static const char *const kw[] = { "bridge", "council", "festival", "vote", "closed",
		                           "#rivertown", "market", "flood", "police", "protest" };
	static const char *const langs[] = { "en", "nl" };
	hs_js_filter filt = { .keywords = kw, .n_keywords = 10, .langs = langs, .n_langs = 2 };
	double best_base = 1e30, best_parse = 1e30, best_filt = 1e30, best_coll = 1e30;
	double best_ws = 1e30, ws_cpu = 0;
	size_t cnt[4], cntf[4];
	for (long r = 0; r < runs; r++) {
		double t = time_baseline(&c);
		if (t < best_base)
			best_base = t;
		t = time_parse(&c, NULL, cnt);
		if (t < best_parse)
			best_parse = t;
		t = time_parse(&c, &filt, cntf);
		if (t < best_filt)
			best_filt = t;
		t = time_collector(&c);
		if (t < best_coll)
			best_coll = t;
	}
	size_t coll_posts = n_posts;
	lws_set_log_level(LLL_ERR, NULL);
	for (long r = 0; r < runs; r++) {
		double cpu = 0, t = time_websocket(&c, &cpu);
		if (t < best_ws) {
			best_ws = t;
			ws_cpu = cpu;
		}
	}

	double mb = (double)c.bytes / 1e6;
	printf("  Jetstream frames, one thread, best of %ld runs   frames   seconds    frames/s    MB/s\n",
	       runs);
	printf("  baseline (json_loadb + json_decref)         %9zu %9.3f %11.0f %7.1f\n", c.n, best_base,
	       (double)c.n / best_base, mb / best_base);
	printf("  hs_jetstream_parse_frame, no filter         %9zu %9.3f %11.0f %7.1f\n", c.n,
	       best_parse, (double)c.n / best_parse, mb / best_parse);
	printf("    posts %zu, edits %zu, deletes %zu, ignored %zu\n", cnt[HS_JS_POST],
	       cnt[HS_JS_EDIT], cnt[HS_JS_DELETE], cnt[HS_JS_IGNORED]);
	printf("  hs_jetstream_parse_frame, 10 keywords+langs %9zu %9.3f %11.0f %7.1f\n", c.n,
	       best_filt, (double)c.n / best_filt, mb / best_filt);
	printf("    posts %zu, edits %zu, deletes %zu, ignored %zu\n", cntf[HS_JS_POST],
	       cntf[HS_JS_EDIT], cntf[HS_JS_DELETE], cntf[HS_JS_IGNORED]);
	printf("  bluesky collector (plugin + host), no filter %9zu %9.3f %11.0f %7.1f\n", c.n,
	       best_coll, (double)c.n / best_coll, mb / best_coll);
	printf("    posts handed over %zu\n", coll_posts);
	printf("  whole collector over a loopback websocket   %9zu %9.3f %11.0f %7.1f\n", c.n,
	       best_ws, (double)c.n / best_ws, mb / best_ws);
	printf("    (server, stream and collector threads: %.2f CPU s in all, %.0f frames per CPU s)\n",
	       ws_cpu, (double)c.n / ws_cpu);
	printf("  parser / baseline time: %.2f (no filter), %.2f (filtered)\n", best_parse / best_base,
	       best_filt / best_base);
	printf("bench_jetstream: n=%zu bytes=%zu baseline_fps=%.0f parse_fps=%.0f filtered_fps=%.0f "
	       "collector_fps=%.0f websocket_fps=%.0f\n",
	       c.n, c.bytes, (double)c.n / best_base, (double)c.n / best_parse,
	       (double)c.n / best_filt, (double)c.n / best_coll, (double)c.n / best_ws);
	free(c.buf);
	free(c.off);
	free(c.len);
	return 0;
}
