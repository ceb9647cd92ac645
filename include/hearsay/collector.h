/* hearsay: the collector plugin interface (ABI version 1).
 *
 * A collector is a planner and a parser. It says what to request and turns
 * response bytes into normalised posts; the host (hearsayd) owns all I/O
 * and its policy: scheduling with jitter, conditional GET, timeouts, size
 * caps, redirects, retries with backoff, Retry-After, cursor persistence
 * and deduplication.
 *
 * A plugin is a shared object in $(pkglibdir)/collectors/NAME.so that
 * exports one symbol, HS_COLLECTOR_SYMBOL, an hs_collector descriptor:
 *
 *   static const hs_collector_key keys[] = {
 *       { "url", HS_KEY_STRING, NULL, "feed URL (http or https)" },
 *       { "tag", HS_KEY_STRING, "", "a tag added to every post" },
 *       { NULL, 0, NULL, NULL },
 *   };
 *
 * (name, type, interval, timeout and max_size are the host's keys: every
 * source has them and a plugin must not declare them.)
 *   HS_COLLECTOR_EXPORT = {
 *       .abi = HS_COLLECTOR_ABI, .size = sizeof(hs_collector),
 *       .name = "example", .description = "...", .keys = keys,
 *       .init = ex_init, .fini = ex_fini, .plan = ex_plan, .parse = ex_parse,
 *   };
 *
 * The host refuses a plugin whose `abi` differs from its own, and a source
 * config that uses a key the plugin does not declare. The descriptor only
 * grows at its end within one ABI version; `size` tells the host which
 * callbacks a plugin knows. init and fini run on the thread that loads
 * the configuration (also once at load, to check the settings); every
 * other callback runs on the host's fetch thread, one at a time per
 * source; a plugin needs no locks for its own state. Build out of tree with `pkg-config --cflags hearsay`.
 */
#ifndef HEARSAY_COLLECTOR_H
#define HEARSAY_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>
#include <hearsay/post.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_COLLECTOR_ABI 1
#define HS_COLLECTOR_SYMBOL "hs_collector_v1"
#define HS_COLLECTOR_EXPORT const hs_collector hs_collector_v1

/* ---- configuration keys ------------------------------------------------------ */

typedef enum {
	HS_KEY_STRING = 1,  /* any string */
	HS_KEY_INT,         /* whole number */
	HS_KEY_BOOL,        /* true / false */
	HS_KEY_DOUBLE,      /* number */
	HS_KEY_DURATION,    /* "250ms", "5s", "2m", "1h" -> microseconds */
	HS_KEY_LIST,        /* list of strings */
	HS_KEY_SECRET_FILE, /* path of a file the host reads (mode checked); the
	                     * plugin gets its contents */
	HS_KEY_PATH,        /* path, resolved against the config's directory */
} hs_key_type;

typedef struct hs_collector_key {
	const char *name;   /* NULL ends the list */
	hs_key_type type;
	const char *def;    /* default as text (a list: comma-separated); NULL = required */
	const char *help;   /* one line for docs and `hearsayctl collectors` */
} hs_collector_key;

/* A source's validated settings; owned by the host, valid until fini. */
typedef struct hs_collector_conf hs_collector_conf;

const char *hs_conf_source(const hs_collector_conf *c);   /* the source's name */
const char *hs_conf_string(const hs_collector_conf *c, const char *key);
int64_t hs_conf_int(const hs_collector_conf *c, const char *key);
bool hs_conf_bool(const hs_collector_conf *c, const char *key);
double hs_conf_double(const hs_collector_conf *c, const char *key);
int64_t hs_conf_duration_us(const hs_collector_conf *c, const char *key);
/* Items of a list key; returns the count. */
size_t hs_conf_list(const hs_collector_conf *c, const char *key, const char *const **items);
/* Secret contents (not NUL-terminated in general); NULL if the key is unset. */
const unsigned char *hs_conf_secret(const hs_collector_conf *c, const char *key, size_t *len);

/* ---- HTTP polling ------------------------------------------------------------- */

#define HS_HTTP_MAX_HEADERS 16

/* What the plugin asks for. The host adds User-Agent, Accept-Encoding and
 * the conditional-GET validators; extra headers are "Name: value". */
typedef struct hs_http_request {
	char url[2048];
	char accept[256];                       /* "" = host default */
	char headers[HS_HTTP_MAX_HEADERS][512]; /* "" ends the list */
	bool conditional;                       /* send If-None-Match / If-Modified-Since */
	/* Since revision 2 of ABI 1 (a plugin built before leaves them zero): */
	char method[8];                         /* "" = GET, or "POST" */
	char body[2048];                        /* the POST body; sent as
	                                         * application/x-www-form-urlencoded
	                                         * unless headers name a Content-Type */
} hs_http_request;

/* A websocket stream to open (ws:// or wss://). The host adds User-Agent. */
typedef struct hs_ws_request {
	char url[2048];
	char headers[HS_HTTP_MAX_HEADERS][512]; /* "Name: value"; "" ends the list */
} hs_ws_request;

typedef struct hs_http_response hs_http_response;
long hs_resp_status(const hs_http_response *r);
const char *hs_resp_body(const hs_http_response *r, size_t *len);
const char *hs_resp_url(const hs_http_response *r);          /* after redirects */
const char *hs_resp_content_type(const hs_http_response *r); /* or NULL */
/* Last value of a response header (case-insensitive name), or NULL. */
const char *hs_resp_header(const hs_http_response *r, const char *name);

/* Host services available inside parse(). */
typedef struct hs_host hs_host;
/* Hand one post to the pipeline (the host takes ownership, always). */
void hs_host_emit(hs_host *h, hs_post *post);
/* The post source_id of this source was deleted upstream: the store marks
 * its copy ("deleted": true) once the notice's turn comes, in order with
 * the posts emitted around it. Nothing happens if it was never stored. */
void hs_host_deleted(hs_host *h, const char *source_id);
/* The plugin cursor to persist once every post emitted so far is stored;
 * given back to plan() after a restart. Copied. */
void hs_host_set_cursor(hs_host *h, const char *cursor);
/* Log with the source's name in front (prio as in syslog: 3 err ... 7 debug). */
void hs_host_log(hs_host *h, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int64_t hs_host_now_us(const hs_host *h);
/* Poll again as soon as the posts emitted so far are handed over, instead
 * of waiting for the interval: the next page of a backlog, or the request
 * that follows a token or instance check. */
void hs_host_poll_now(hs_host *h);
/* The hearsay version, e.g. "0.3.0", for User-Agent strings. */
const char *hs_host_version(void);

/* ---- the descriptor ------------------------------------------------------------ */

typedef struct hs_collector {
	uint32_t abi;              /* HS_COLLECTOR_ABI */
	uint32_t size;             /* sizeof(hs_collector) as the plugin saw it */
	const char *name;
	const char *description;
	const hs_collector_key *keys;

	/* Validate and set up; on error append "reason" messages to errs and
	 * return -1. *state is the plugin's, passed to every other call. */
	int (*init)(const hs_collector_conf *conf, void **state, hs_errs *errs);
	void (*fini)(void *state);

	/* Fill the next request. cursor: the last one set with
	 * hs_host_set_cursor (persisted across restarts), or NULL. Return 0,
	 * or -1 to skip this poll. */
	int (*plan)(void *state, const char *cursor, hs_http_request *req);
	/* A 2xx response's body (a 304 never reaches parse). Emit posts and
	 * set the cursor. Return the number of items seen, or -1 with a reason
	 * logged: the host counts it as a parse error for the source. */
	int (*parse)(void *state, const hs_http_response *resp, hs_host *host);

	/* ---- since revision 2 of ABI 1: the host uses these only when
	 * `size` covers them, so a plugin built against revision 1 loads
	 * unchanged. All optional (NULL). ---- */

	/* A final response that was not 2xx or 304 (the host has already
	 * scheduled its retry with backoff and logged the status). Lets the
	 * plugin say what it means ("this server disabled public timelines")
	 * or change its next plan (drop an expired token). */
	void (*failed)(void *state, const hs_http_response *resp, hs_host *host);

	/* A websocket stream, alone or beside HTTP polling. The host opens the
	 * stream that stream_plan describes (called before every connect with
	 * the persisted cursor; -1 = not now, ask again after a backoff),
	 * reconnects with exponential backoff and jitter when it closes, and
	 * hands every complete text message to stream_frame, in order, on the
	 * fetch thread. stream_frame emits posts and sets the cursor like
	 * parse() and returns the number of items, or -1 for a message it
	 * could not use (counted; the stream stays open). stream_state tells
	 * the plugin the stream is up (why NULL) or down (why says) - the
	 * place to ask for an HTTP backfill with hs_host_poll_now. While a
	 * stream source has plan, the host also polls it by HTTP at its
	 * interval; plan returns -1 to skip a poll it does not need. A plugin
	 * may leave plan and parse NULL when it has stream_plan. */
	int (*stream_plan)(void *state, const char *cursor, hs_ws_request *req);
	int (*stream_frame)(void *state, const char *msg, size_t len, hs_host *host);
	void (*stream_state)(void *state, bool up, const char *why, hs_host *host);
} hs_collector;

/* Does descriptor c (of size c->size) have field f? */
#define HS_COLLECTOR_HAS(c, f) \
	((c)->size >= offsetof(hs_collector, f) + sizeof(((hs_collector *)0)->f) && (c)->f)

#ifdef __cplusplus
}
#endif
#endif
