/* A minimal collector plugin for tests, written only against the installed
 * public headers (include/hearsay/collector.h): it polls a URL whose body
 * has one post per line, "ID<TAB>TEXT". The test suite builds it in tree
 * and, after `make install` into a scratch prefix, out of tree with
 * `pkg-config --cflags hearsay`, and has hearsayd load both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/collector.h>

typedef struct lines_state {
	char url[2048];
	char tag[64];
} lines_state;

static int lines_init(const hs_collector_conf *conf, void **state, hs_errs *errs)
{
	lines_state *s = calloc(1, sizeof(*s));
	const char *url = hs_conf_string(conf, "url");

	if (!s)
		return -1;
	if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
		hs_errs_add(errs, NULL, 0, 0, "url must start with http:// or https://");
		free(s);
		return -1;
	}
	snprintf(s->url, sizeof(s->url), "%s", url);
	snprintf(s->tag, sizeof(s->tag), "%s", hs_conf_string(conf, "tag"));
	*state = s;
	return 0;
}

static void lines_fini(void *state)
{
	free(state);
}

static int lines_plan(void *state, const char *cursor, hs_http_request *req)
{
	lines_state *s = state;
	(void)cursor;
	snprintf(req->url, sizeof(req->url), "%s", s->url);
	snprintf(req->accept, sizeof(req->accept), "text/plain");
	req->conditional = true;
	return 0;
}

static int lines_parse(void *state, const hs_http_response *resp, hs_host *host)
{
	lines_state *s = state;
	size_t len;
	const char *body = hs_resp_body(resp, &len);
	const char *end = body + len;
	int n = 0;

	for (const char *p = body; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *tab = memchr(p, '\t', (size_t)(le - p));
		if (tab && tab > p) {
			hs_post *post = hs_post_new();
			if (!post)
				return -1;
			post->source_id = strndup(p, (size_t)(tab - p));
			post->text = strndup(tab + 1, (size_t)(le - tab - 1));
			post->created_us = hs_host_now_us(host);
			if (s->tag[0])
				hs_post_add_tag(post, s->tag);
			hs_host_emit(host, post);
			n++;
		} else if (le > p) {
			hs_host_log(host, 4, "line without a tab ignored");
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

static const hs_collector_key lines_keys[] = {
	{ "url", HS_KEY_STRING, NULL, "URL of a text file with ID<TAB>TEXT lines" },
	{ "tag", HS_KEY_STRING, "", "a tag added to every post" },
	{ NULL, 0, NULL, NULL },
};

HS_COLLECTOR_EXPORT = {
	.abi = HS_COLLECTOR_ABI,
	.size = sizeof(hs_collector),
	.name = "lines",
	.description = "test collector: one post per line of a text file",
	.keys = lines_keys,
	.init = lines_init,
	.fini = lines_fini,
	.plan = lines_plan,
	.parse = lines_parse,
};
