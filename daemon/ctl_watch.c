/* hearsayctl watch: a websocket client that prints live hits. */
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "ctl.h"
#include "timeutil.h"

typedef struct watch_state {
	hs_ctl *c;
	long max_hits;        /* exit after this many hits (0 = never) */
	long hits;
	int all_types;        /* print stats/heartbeat too (with --json) */
	int done, failed;
	char *buf;            /* reassembly of fragmented messages */
	size_t len, cap;
	unsigned long long last_seq;
} watch_state;

static volatile sig_atomic_t g_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	g_interrupted = 1;
}

static void handle_message(watch_state *w, const char *msg, size_t len)
{
	json_t *o = json_loadb(msg, len, 0, NULL);
	const char *type;

	if (!o)
		return;
	type = ctl_jstr(o, "type");
	json_int_t seq = json_integer_value(json_object_get(o, "seq"));
	if (strcmp(type, "hit") == 0 && seq > 0)
		w->last_seq = (unsigned long long)seq;
	if (strcmp(type, "hit") != 0) {
		if (w->all_types && w->c->format == CTL_JSON) {
			printf("%.*s\n", (int)len, msg);
			fflush(stdout);
		}
		json_decref(o);
		return;
	}
	if (w->c->format == CTL_JSON) {
		printf("%.*s\n", (int)len, msg);
	} else {
		const json_t *rule = json_object_get(o, "rule");
		const json_t *post = json_object_get(o, "post");
		const char *created = ctl_jstr(post, "created");
		printf("%.10s %.8s  ", created, strlen(created) > 11 ? created + 11 : "");
		ctl_print_cell(stdout, ctl_jstr(rule, "severity"), 8);
		fputs("  ", stdout);
		ctl_print_cell(stdout, ctl_jstr(rule, "id"), 22);
		fputs("  ", stdout);
		ctl_print_cell(stdout, ctl_jstr(post, "source"), 18);
		fputs("  ", stdout);
		ctl_print_cell(stdout, ctl_jstr(post, "text"), 60);
		fputc('\n', stdout);
	}
	fflush(stdout);
	json_decref(o);
	w->hits++;
	if (w->max_hits && w->hits >= w->max_hits)
		w->done = 1;
}

static int cb_client(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                     void *in, size_t len)
{
	watch_state *w = lws_context_user(lws_get_context(wsi));
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		fprintf(stderr, "hearsayctl: cannot connect: %s\n", in ? (const char *)in : "unknown error");
		w->failed = 1;
		w->done = 1;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		fprintf(stderr, "hearsayctl: connected, watching for hits (Ctrl-C to stop)\n");
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (w->done)
			return -1; /* --count reached: ignore the rest and close */
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
			handle_message(w, w->buf, w->len);
			w->len = 0;
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!w->done)
			fprintf(stderr, "hearsayctl: connection closed by the server\n");
		w->failed = !w->done;
		w->done = 1;
		break;
	default:
		break;
	}
	return 0;
}

static void watch_usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl watch [--since SEQ] [--count N] [--timeout SECONDS]\n"
	           "                        [--all] [--json]\n"
	           "  Prints hits as they are committed. --since replays stored hits after SEQ\n"
	           "  first; --count exits after N hits; --all (with --json) prints stats and\n"
	           "  heartbeat messages too.\n");
}

int ctl_watch(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' }, { "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct lws_protocols protocols[] = {
		{ "hearsay", cb_client, 0, 65536, 0, NULL, 0 },
		{ NULL, NULL, 0, 0, 0, NULL, 0 },
	};
	watch_state w = { .c = c };
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	struct lws_context *ctx = NULL;
	const char *since = NULL;
	double timeout_s = 0;
	char host[256], path[300];
	int port = 0, opt, rc = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:n:t:ajh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': since = optarg; break;
		case 'n': w.max_hits = strtol(optarg, NULL, 10); break;
		case 't': timeout_s = strtod(optarg, NULL); break;
		case 'a': w.all_types = 1; break;
		case 'j': c->format = CTL_JSON; break;
		case 'h': watch_usage(stdout); return 0;
		default: watch_usage(stderr); return CTL_EX_USAGE;
		}
	}
	const char *url = ctl_base_url(c);
	if (!url)
		return CTL_EX_USAGE;
	/* http://HOST:PORT[/...] or ws://... */
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *colon = p[0] == '[' ? strstr(p, "]:") : strchr(p, ':');
	if (!colon) {
		fprintf(stderr, "hearsayctl: the URL '%s' needs a port\n", url);
		return CTL_EX_USAGE;
	}
	if (p[0] == '[')
		snprintf(host, sizeof(host), "%.*s", (int)(colon - p - 1), p + 1), colon++;
	else
		snprintf(host, sizeof(host), "%.*s", (int)(colon - p), p);
	port = atoi(colon + 1);
	snprintf(path, sizeof(path), "/ws%s%s", since ? "?since=" : "", since ? since : "");

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = &w;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "hearsayctl: cannot create a websocket context\n");
		return 1;
	}
	memset(&ci, 0, sizeof(ci));
	ci.context = ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	ci.host = host;
	ci.origin = host;
	ci.protocol = "hearsay";
	if (!lws_client_connect_via_info(&ci)) {
		fprintf(stderr, "hearsayctl: cannot connect to %s:%d\n", host, port);
		goto out;
	}
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	int64_t deadline = timeout_s > 0 ? hs_mono_us() + (int64_t)(timeout_s * 1e6) : 0;
	while (!w.done && !g_interrupted) {
		lws_service(ctx, 0);
		if (deadline && hs_mono_us() > deadline) {
			fprintf(stderr, "hearsayctl: timeout after %ld hit(s)\n", w.hits);
			rc = 2;
			goto out;
		}
	}
	rc = w.failed ? 1 : 0;
out:
	lws_context_destroy(ctx);
	free(w.buf);
	return rc;
}
