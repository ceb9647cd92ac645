/* hearsay: the `rss` collector plugin - RSS 2.0, RSS 1.0/RDF and Atom 1.0
 * feeds of local news sites. A planner and a parser: the host polls the
 * feed URL (conditional GET, backoff, caps) and this turns the document
 * into posts with collectors/rss/feed.c. Callbacks run on the host's fetch
 * thread, one at a time per source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hearsay/collector.h>

#include "feed.h"

typedef struct rss_state {
	char url[2048];
	char source[128];
} rss_state;

static int rss_init(const hs_collector_conf *conf, void **state, hs_errs *errs)
{
	const char *url = hs_conf_string(conf, "url");
	rss_state *s;

	if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
		hs_errs_add(errs, NULL, 0, 0, "url must start with http:// or https://");
		return -1;
	}
	if (strlen(url) >= sizeof(s->url)) {
		hs_errs_add(errs, NULL, 0, 0, "url is longer than %zu bytes", sizeof(s->url) - 1);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	snprintf(s->url, sizeof(s->url), "%s", url);
	snprintf(s->source, sizeof(s->source), "%s", hs_conf_source(conf));
	*state = s;
	return 0;
}

static void rss_fini(void *state)
{
	free(state);
}

static int rss_plan(void *state, const char *cursor, hs_http_request *req)
{
	rss_state *s = state;
	(void)cursor; /* validators are the host's; items are deduplicated by id */
	snprintf(req->url, sizeof(req->url), "%s", s->url);
	snprintf(req->accept, sizeof(req->accept),
	         "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
	         "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1");
	req->conditional = true;
	return 0;
}

static int to_host(void *ud, hs_post *post)
{
	hs_host_emit(ud, post); /* the host takes ownership */
	return 0;
}

/* The charset parameter of a Content-Type, copied into buf, or NULL. */
static const char *ctype_charset(const char *ctype, char *buf, size_t len)
{
	const char *p = ctype ? strcasestr(ctype, "charset=") : NULL;
	size_t n = 0;
	if (!p)
		return NULL;
	p += 8;
	if (*p == '"')
		p++;
	while (p[n] && p[n] != '"' && p[n] != ';' && p[n] != ' ' && n + 1 < len)
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n ? buf : NULL;
}

static int rss_parse(void *state, const hs_http_response *resp, hs_host *host)
{
	rss_state *s = state;
	hs_feed_info info;
	char err[256], cs[40];
	size_t len;
	const char *body = hs_resp_body(resp, &len);
	int n;

	memset(&info, 0, sizeof(info));
	n = hs_feed_parse(body, len, ctype_charset(hs_resp_content_type(resp), cs, sizeof(cs)),
	                  s->source, hs_resp_url(resp), hs_host_now_us(host), to_host, host,
	                  &info, err, sizeof(err));
	if (n < 0)
		hs_host_log(host, 4, "%s: %s", hs_resp_url(resp), err);
	else if (info.n_xml_errors || info.truncated)
		hs_host_log(host, 5, "%s: %s feed recovered from %zu XML error(s)%s; %d item(s)",
		            hs_resp_url(resp), info.format ? info.format : "?", info.n_xml_errors,
		            info.truncated ? ", item cap reached" : "", n);
	hs_feed_info_free(&info);
	return n;
}

static const hs_collector_key rss_keys[] = {
	{ "url", HS_KEY_STRING, NULL, "feed URL (http or https): RSS 2.0, RSS 1.0/RDF or Atom 1.0" },
	{ NULL, 0, NULL, NULL },
};

HS_COLLECTOR_EXPORT = {
	.abi = HS_COLLECTOR_ABI,
	.size = sizeof(hs_collector),
	.name = "rss",
	.description = "RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 news feeds",
	.keys = rss_keys,
	.init = rss_init,
	.fini = rss_fini,
	.plan = rss_plan,
	.parse = rss_parse,
};
