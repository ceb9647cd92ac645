/* hearsay: the `rss` collector's parser (see feed.h, docs/collectors/rss.md).
 *
 * hs_feed_parse: bytes -> hs_feed_prepare (charset, markup repair; see
 * feed_prep.c) -> libxml2 in recover mode, with a per-call parser context
 * whose structured error handler counts errors instead of printing them
 * and whose end-element hook notes which items were closed (an item still
 * open when a cut-off document ended is incomplete and not emitted) ->
 * one walk over the tree that turns each item or entry into an hs_post and
 * its candidate ids -> duplicate-id resolution -> the sink, in document
 * order.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feed.h"
#include "feed_internal.h"
#include "feed_xml.h"

static void set_err(char *err, size_t errlen, const char *fmt, const char *a)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a);
}

/* ---- libxml2 plumbing -------------------------------------------------------------- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static void on_error(void *ud, xmlErrorPtr e)
{
	xmlParserCtxtPtr p = ud;
	struct hs_feed_ctx *c = p ? p->_private : NULL;
	size_t n;

	if (!c || !e || e->level < XML_ERR_ERROR)
		return;
	c->n_errors++;
	if (c->first_msg[0])
		return;
	c->first_line = e->line;
	snprintf(c->first_msg, sizeof(c->first_msg), "%s", e->message ? e->message : "error");
	n = strlen(c->first_msg);
	while (n > 0 && (c->first_msg[n - 1] == '\n' || c->first_msg[n - 1] == ' '))
		c->first_msg[--n] = '\0';
}

static void quiet_structured(void *ud, xmlErrorPtr e)
{
	(void)ud;
	(void)e;
}

static void quiet_generic(void *ud, const char *msg, ...)
{
	(void)ud;
	(void)msg;
}

static void on_end_element(void *ud, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri)
{
	xmlParserCtxtPtr p = ud;
	struct hs_feed_ctx *c = p->_private;
	xmlNodePtr cur = p->node;

	if (c && cur && cur->type == XML_ELEMENT_NODE && localname &&
	    (strcmp((const char *)localname, "item") == 0 ||
	     strcmp((const char *)localname, "entry") == 0)) {
		if (c->n_closed == c->cap_closed) {
			size_t nc = c->cap_closed ? c->cap_closed * 2 : 64;
			xmlNodePtr *nn = realloc(c->closed, nc * sizeof(*nn));
			if (nn) {
				c->closed = nn;
				c->cap_closed = nc;
			} else {
				c->oom = true;
			}
		}
		if (c->n_closed < c->cap_closed)
			c->closed[c->n_closed++] = cur;
	}
	xmlSAX2EndElementNs(ud, localname, prefix, uri);
}

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(xmlNodePtr const *)a, y = (uintptr_t)*(xmlNodePtr const *)b;
	return x < y ? -1 : x > y;
}

bool hs_feed_closed(const struct hs_feed_ctx *c, xmlNodePtr n)
{
	return c->closed && bsearch(&n, c->closed, c->n_closed, sizeof(*c->closed), ptr_cmp);
}

static xmlDocPtr parse_xml(struct hs_feed_ctx *c, const char *buf, size_t len, const char *base_url)
{
	xmlParserCtxtPtr p;
	xmlDocPtr doc;
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;

	pthread_once(&xml_once, xml_init);
	if (!(p = xmlNewParserCtxt())) {
		c->oom = true;
		return NULL;
	}
	p->_private = c;
	p->sax->serror = on_error;
	p->sax->endElementNs = on_end_element;
	/* errors raised outside the context go to this thread's handlers */
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	doc = xmlCtxtReadMemory(p, buf, (int)len, base_url, "UTF-8",
	                        XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA |
	                            XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                            XML_PARSE_IGNORE_ENC);
	xmlSetStructuredErrorFunc(old_sctx, old_s);
	xmlSetGenericErrorFunc(old_gctx, old_g);
	xmlFreeParserCtxt(p);
	if (c->closed)
		qsort(c->closed, c->n_closed, sizeof(*c->closed), ptr_cmp);
	return doc;
}

/* ---- the walk ---------------------------------------------------------------------- */

static int walk_rss(struct hs_feed_ctx *c, xmlNodePtr root, hs_feed_info *info)
{
	xmlNodePtr chan = NULL;
	const char *local;

	for (xmlNodePtr n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && hs_feed_core(c, hs_feed_node_kind(n, &local)) && hs_feed_is(local, "channel")) {
			chan = n;
			break;
		}
	if (chan) {
		xmlNodePtr title = NULL, link = NULL, lang = NULL, dclang = NULL;
		for (xmlNodePtr n = chan->children; n; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			int k = hs_feed_node_kind(n, &local);
			if (hs_feed_core(c, k) && hs_feed_is(local, "title") && !title)
				title = n;
			else if (hs_feed_core(c, k) && hs_feed_is(local, "link") && !link)
				link = n;
			else if (hs_feed_core(c, k) && hs_feed_is(local, "language") && !lang)
				lang = n;
			else if (k == K_DC && hs_feed_is(local, "language") && !dclang)
				dclang = n;
		}
		c->feed_lang = lang ? hs_feed_node_lang(c, lang) : NULL;
		if (!c->feed_lang && dclang)
			c->feed_lang = hs_feed_node_lang(c, dclang);
		if (!c->feed_lang)
			c->feed_lang = hs_feed_xml_lang(chan);
		if (info) {
			info->title = hs_feed_node_text_or_null(c, title, HS_TXT_HTML | HS_TXT_ONELINE,
			                                HS_FEED_MAX_FIELD);
			if (link) {
				char *href = hs_feed_node_text_or_null(c, link, HS_TXT_ONELINE, HS_FEED_MAX_URL + 1);
				info->link = hs_feed_resolve(c, link, href);
				free(href);
			}
		}
	}
	/* items in the channel, and beside it (RSS 1.0; some broken RSS 2.0) */
	for (xmlNodePtr n = root->children; n && !c->oom; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !hs_feed_core(c, hs_feed_node_kind(n, &local)))
			continue;
		if (hs_feed_is(local, "item")) {
			if (hs_feed_add_item(c, n) < 0)
				return -1;
		} else if (hs_feed_is(local, "channel")) {
			for (xmlNodePtr m = n->children; m && !c->oom; m = m->next)
				if (m->type == XML_ELEMENT_NODE && hs_feed_core(c, hs_feed_node_kind(m, &local)) &&
				    hs_feed_is(local, "item") && hs_feed_add_item(c, m) < 0)
					return -1;
		}
	}
	return c->oom ? -1 : 0;
}

static int walk_atom(struct hs_feed_ctx *c, xmlNodePtr root, hs_feed_info *info)
{
	xmlNodePtr title = NULL, alink = NULL, author = NULL;
	int rank = 0;
	const char *local;

	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !hs_feed_core(c, hs_feed_node_kind(n, &local)))
			continue;
		if (hs_feed_is(local, "title") && !title)
			title = n;
		else if (hs_feed_is(local, "link"))
			hs_feed_atom_link_pick(n, &alink, &rank);
		else if (hs_feed_is(local, "author") && !author)
			author = n;
	}
	c->feed_lang = hs_feed_xml_lang(root);
	if (author)
		c->feed_author = hs_feed_atom_person(c, author);
	if (info) {
		int f = title ? hs_feed_atom_flags(title) : -1;
		if (f >= 0)
			info->title = hs_feed_node_text_or_null(c, title, f | HS_TXT_ONELINE, HS_FEED_MAX_FIELD);
		if (alink) {
			char *href = hs_feed_attr(alink, "href");
			info->link = hs_feed_resolve(c, alink, href);
			free(href);
		}
	}
	for (xmlNodePtr n = root->children; n && !c->oom; n = n->next)
		if (n->type == XML_ELEMENT_NODE && hs_feed_core(c, hs_feed_node_kind(n, &local)) &&
		    hs_feed_is(local, "entry") && hs_feed_add_item(c, n) < 0)
			return -1;
	return c->oom ? -1 : 0;
}

/* ---- entry point ------------------------------------------------------------------- */

static void pctx_free(struct hs_feed_ctx *c)
{
	for (size_t i = 0; i < c->n_items; i++)
		hs_feed_item_free(&c->items[i]);
	free(c->items);
	free(c->closed);
	free(c->feed_lang);
	free(c->feed_author);
	if (c->doc)
		xmlFreeDoc(c->doc);
}

void hs_feed_info_free(hs_feed_info *info)
{
	if (!info)
		return;
	free(info->title);
	free(info->link);
	free(info->lang);
	memset(info, 0, sizeof(*info));
}

/* "<html>", "<rdf:RDF>", for the error message. */
static void root_name(xmlNodePtr root, char *out, size_t len)
{
	char name[64];
	const char *n = root->name ? (const char *)root->name : "?";
	if (root->ns && root->ns->prefix)
		snprintf(name, sizeof(name), "%s:%s", (const char *)root->ns->prefix, n);
	else
		snprintf(name, sizeof(name), "%s", n);
	/* never put invalid UTF-8 or controls into a message */
	char *t = hs_feed_text(name, strlen(name), HS_TXT_ONELINE, 48);
	snprintf(out, len, "<%s>", t ? t : "?");
	free(t);
}

int hs_feed_parse(const char *buf, size_t len, const char *declared_charset,
                  const char *source, const char *base_url, int64_t now_us,
                  hs_post_sink sink, void *ud, hs_feed_info *info, char *err,
                  size_t errlen)
{
	struct hs_feed_ctx c;
	char charset[40], *xml = NULL, rn[80];
	size_t xlen = 0, i;
	xmlNodePtr root;
	const char *local;
	int k, emitted = 0;

	memset(&c, 0, sizeof(c));
	if (err && errlen)
		err[0] = '\0';
	if (info)
		memset(info, 0, sizeof(*info));
	if (!source || !sink) {
		set_err(err, errlen, "%s", "no source name or sink");
		return -1;
	}
	if (!buf || len == 0) {
		set_err(err, errlen, "%s", "empty document");
		return -1;
	}
	if (len > HS_FEED_MAX_DOC) {
		set_err(err, errlen, "%s", "document too large (over 32 MiB)");
		return -1;
	}
	c.source = source;
	c.now_us = now_us;
	if (!(xml = hs_feed_prepare(buf, len, declared_charset, &xlen, charset, sizeof(charset)))) {
		set_err(err, errlen, "%s", "out of memory");
		return -1;
	}
	if (info)
		snprintf(info->charset, sizeof(info->charset), "%s", charset);
	for (i = 0; i < xlen && (xml[i] == ' ' || xml[i] == '\n' || xml[i] == '\r' || xml[i] == '\t'); i++)
		;
	if (i == xlen) {
		/* nothing that looks like markup */
		for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' ||
		                        buf[i] == '\t'); i++)
			;
		set_err(err, errlen, "%s",
		        i == len ? "empty document"
		        : (buf[i] == '{' || buf[i] == '[') ? "not a feed: looks like JSON, not XML"
		                                           : "not a feed: no XML markup");
		free(xml);
		return -1;
	}
	c.doc = parse_xml(&c, xml, xlen, base_url);
	free(xml);
	if (c.oom) {
		set_err(err, errlen, "%s", "out of memory");
		goto fail;
	}
	root = c.doc ? xmlDocGetRootElement(c.doc) : NULL;
	if (!root) {
		if (err && errlen)
			snprintf(err, errlen, "malformed XML at line %d: %s", c.first_line,
			         c.first_msg[0] ? c.first_msg : "no root element");
		goto fail;
	}
	k = hs_feed_node_kind(root, &local);
	if (hs_feed_is(local, "rss") && (k == K_NONE || k == K_DEFAULT)) {
		c.fmt = F_RSS2;
	} else if (hs_feed_is(local, "RDF") && k == K_RDF) {
		c.fmt = F_RSS1;
	} else if (hs_feed_is(local, "feed") &&
	           (k == K_ATOM || k == K_ATOM03 || k == K_NONE || k == K_DEFAULT)) {
		c.fmt = F_ATOM;
	} else {
		root_name(root, rn, sizeof(rn));
		set_err(err, errlen, "not a feed: root element %s", rn);
		goto fail;
	}
	if ((c.fmt == F_ATOM ? walk_atom(&c, root, info) : walk_rss(&c, root, info)) < 0 ||
	    hs_feed_resolve_dups(&c) < 0 || c.oom) {
		set_err(err, errlen, "%s", "out of memory");
		goto fail;
	}
	if (info) {
		info->format = c.fmt == F_ATOM ? "atom" : c.fmt == F_RSS1 ? "rss1" : "rss2";
		if (c.feed_lang && !(info->lang = strdup(c.feed_lang))) {
			set_err(err, errlen, "%s", "out of memory");
			goto fail;
		}
		info->n_items = c.n_seen;
		info->n_xml_errors = c.n_errors;
		info->truncated = c.truncated;
	}
	xmlFreeDoc(c.doc);
	c.doc = NULL;

	for (i = 0; i < c.n_items; i++) {
		struct hs_feed_item *it = &c.items[i];
		hs_post *p = it->p;
		if (it->drop)
			continue;
		p->source_id = it->ids[it->level];
		it->ids[it->level] = NULL;
		if (it->level > 0 && it->url_from_guid) {
			/* a guid other items share is no permalink */
			free(p->url);
			p->url = NULL;
		}
		if (!(p->source = strdup(source))) {
			set_err(err, errlen, "%s", "out of memory");
			break; /* what was emitted stays emitted */
		}
		it->p = NULL;
		emitted++;
		c.n_undated += it->undated;
		if (sink(ud, p) != 0)
			break;
	}
	if (info) {
		info->n_skipped = c.n_skipped;
		info->n_undated = c.n_undated;
	}
	pctx_free(&c);
	return emitted;
fail:
	if (info) {
		hs_feed_info_free(info);
		snprintf(info->charset, sizeof(info->charset), "%s", charset);
	}
	pctx_free(&c);
	return -1;
}
