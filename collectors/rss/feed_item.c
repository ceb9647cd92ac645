/* hearsay: items of the rss parser (see feed_xml.h): one item or entry
 * element to an hs_post with its candidate ids, and the resolution of ids
 * that several items of a document share. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "feed.h"
#include "feed_internal.h"
#include "feed_xml.h"

static int tag_add(struct hs_feed_ctx *c, hs_post *p, char *t)
{
	if (!t)
		return c->oom ? -1 : 0;
	if (!*t || p->n_tags >= HS_FEED_MAX_TAGS) {
		free(t);
		return 0;
	}
	for (size_t i = 0; i < p->n_tags; i++) {
		if (strcmp(p->tags[i], t) == 0) {
			free(t);
			return 0;
		}
	}
	char **nt = realloc(p->tags, (p->n_tags + 1) * sizeof(*nt));
	if (!nt) {
		free(t);
		c->oom = true;
		return -1;
	}
	p->tags = nt;
	p->tags[p->n_tags++] = t;
	return 0;
}

static char *category(struct hs_feed_ctx *c, xmlNodePtr n)
{
	if (c->fmt == F_ATOM) {
		char *t = hs_feed_attr(n, "term");
		if (!t || !*t) {
			free(t);
			t = hs_feed_attr(n, "label");
		}
		if (t) {
			char *s = hs_feed_text(t, strlen(t), HS_TXT_ONELINE, HS_FEED_MAX_TAG);
			free(t);
			if (!s)
				c->oom = true;
			return s;
		}
	}
	return hs_feed_node_text(c, n, HS_TXT_ONELINE, HS_FEED_MAX_TAG);
}

/* An RSS link element with text or an href (some feeds put an empty
 * <link/> before the real one). */
static bool link_usable(xmlNodePtr n)
{
	xmlChar *v;
	bool ok = false;

	if (xmlHasProp(n, (const xmlChar *)"href"))
		return true;
	if ((v = xmlNodeGetContent(n)) != NULL) {
		for (const xmlChar *p = v; *p && !ok; p++)
			ok = !(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n');
		xmlFree(v);
	}
	return ok;
}

/* The slots an item fills, first element wins. */
struct slots {
	xmlNodePtr title, link, alink, summary, content, guid, author, author_dc, lang;
	xmlNodePtr date[4]; /* pubDate/published, updated, dc:date, dcterms:* */
	int alink_rank;
};

static int read_item(struct hs_feed_ctx *c, xmlNodePtr it, struct hs_feed_item *out)
{
	struct slots s;
	hs_post *p;
	const char *local;
	char *guid = NULL, *date_raw = NULL, *permalink = NULL;
	bool dated = false;
	int tflags;

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	if (!(p = out->p = hs_post_new())) {
		c->oom = true;
		return -1;
	}
	for (xmlNodePtr ch = it->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		int k = hs_feed_node_kind(ch, &local);
		if (hs_feed_core(c, k)) {
			if (hs_feed_is(local, "title")) {
				if (!s.title)
					s.title = ch;
			} else if (hs_feed_is(local, "link")) {
				if (c->fmt == F_ATOM)
					hs_feed_atom_link_pick(ch, &s.alink, &s.alink_rank);
				else if (!s.link || !link_usable(s.link))
					s.link = ch;
			} else if (hs_feed_is(local, c->fmt == F_ATOM ? "summary" : "description")) {
				if (!s.summary)
					s.summary = ch;
			} else if (c->fmt == F_ATOM && hs_feed_is(local, "content")) {
				if (!s.content)
					s.content = ch;
			} else if (hs_feed_is(local, c->fmt == F_ATOM ? "id" : "guid")) {
				if (!s.guid)
					s.guid = ch;
			} else if (hs_feed_is(local, "pubDate") || hs_feed_is(local, "published") ||
			           hs_feed_is(local, "issued") || hs_feed_is(local, "created")) {
				if (!s.date[0])
					s.date[0] = ch;
			} else if (hs_feed_is(local, "updated") || hs_feed_is(local, "modified")) {
				if (!s.date[1])
					s.date[1] = ch;
			} else if (hs_feed_is(local, "author")) {
				if (!s.author)
					s.author = ch;
			} else if (hs_feed_is(local, "category")) {
				if (tag_add(c, p, category(c, ch)) < 0)
					return -1;
			}
			continue;
		}
		switch (k) {
		case K_DC:
			if (hs_feed_is(local, "creator")) {
				if (!s.author_dc)
					s.author_dc = ch;
			} else if (hs_feed_is(local, "date")) {
				if (!s.date[2])
					s.date[2] = ch;
			} else if (hs_feed_is(local, "subject")) {
				if (tag_add(c, p, hs_feed_node_text(c, ch, HS_TXT_ONELINE, HS_FEED_MAX_TAG)) < 0)
					return -1;
			} else if (hs_feed_is(local, "language")) {
				if (!s.lang)
					s.lang = ch;
			}
			break;
		case K_DCTERMS:
			if ((hs_feed_is(local, "created") || hs_feed_is(local, "issued") || hs_feed_is(local, "modified") ||
			     hs_feed_is(local, "date")) && !s.date[3])
				s.date[3] = ch;
			break;
		case K_CONTENT:
			if (hs_feed_is(local, "encoded") && !s.content)
				s.content = ch;
			break;
		case K_ATOM:
		case K_ATOM03:
			/* Atom elements in an RSS item */
			if (hs_feed_is(local, "link"))
				hs_feed_atom_link_pick(ch, &s.alink, &s.alink_rank);
			else if (hs_feed_is(local, "published") && !s.date[0])
				s.date[0] = ch;
			else if (hs_feed_is(local, "updated") && !s.date[1])
				s.date[1] = ch;
			break;
		default:
			break;
		}
	}

	/* title and text */
	tflags = c->fmt == F_ATOM ? (s.title ? hs_feed_atom_flags(s.title) : -1) : HS_TXT_HTML;
	if (s.title && tflags >= 0 &&
	    !(p->title = hs_feed_node_text_or_null(c, s.title, tflags | HS_TXT_ONELINE, HS_FEED_MAX_FIELD)) &&
	    c->oom)
		return -1;
	if (s.content) {
		tflags = c->fmt == F_ATOM && hs_feed_node_kind(s.content, &local) != K_CONTENT
		             ? hs_feed_atom_flags(s.content) : HS_TXT_HTML;
		if (tflags >= 0 &&
		    !(p->text = hs_feed_node_text_or_null(c, s.content, tflags, HS_FEED_MAX_FIELD)) && c->oom)
			return -1;
	}
	if (!p->text && s.summary) {
		tflags = c->fmt == F_ATOM ? hs_feed_atom_flags(s.summary) : HS_TXT_HTML;
		if (tflags >= 0 &&
		    !(p->text = hs_feed_node_text_or_null(c, s.summary, tflags, HS_FEED_MAX_FIELD)) && c->oom)
			return -1;
	}
	if (!p->text && !(p->text = strdup(""))) {
		c->oom = true;
		return -1;
	}

	/* id and link */
	guid = hs_feed_node_text_or_null(c, s.guid, HS_TXT_ONELINE, HS_FEED_MAX_FIELD);
	if (c->oom)
		goto fail;
	if (!guid && c->fmt == F_RSS1) {
		char *about = hs_feed_rdf_about(it);
		if (about) {
			guid = hs_feed_text(about, strlen(about), HS_TXT_ONELINE, HS_FEED_MAX_FIELD);
			free(about);
			if (!guid) {
				c->oom = true;
				goto fail;
			}
			if (!*guid) {
				free(guid);
				guid = NULL;
			}
		}
	}
	if (s.link) {
		char *href = hs_feed_node_text_or_null(c, s.link, HS_TXT_ONELINE, HS_FEED_MAX_URL + 1);
		if (!href && !c->oom)
			href = hs_feed_attr(s.link, "href");
		p->url = hs_feed_resolve(c, s.link, href);
		free(href);
	}
	if (!p->url && s.alink) {
		char *href = hs_feed_attr(s.alink, "href");
		p->url = hs_feed_resolve(c, s.alink, href);
		free(href);
	}
	if (!p->url && guid && c->fmt == F_RSS2 && s.guid &&
	    (strncasecmp(guid, "http://", 7) == 0 || strncasecmp(guid, "https://", 8) == 0)) {
		permalink = hs_feed_attr(s.guid, "isPermaLink");
		if (!permalink || strcasecmp(permalink, "false") != 0) {
			p->url = hs_feed_resolve(c, s.guid, guid);
			out->url_from_guid = p->url != NULL;
		}
	}
	if (c->oom)
		goto fail;

	/* author */
	if (s.author_dc)
		p->author = hs_feed_node_text_or_null(c, s.author_dc, HS_TXT_ONELINE, HS_FEED_MAX_SHORT);
	if (!p->author && s.author)
		p->author = c->fmt == F_ATOM
		                ? hs_feed_atom_person(c, s.author)
		                : hs_feed_node_text_or_null(c, s.author, HS_TXT_ONELINE, HS_FEED_MAX_SHORT);
	if (!p->author && c->feed_author && !(p->author = strdup(c->feed_author)))
		c->oom = true;

	/* language */
	if (s.lang)
		p->lang = hs_feed_node_lang(c, s.lang);
	if (!p->lang)
		p->lang = hs_feed_xml_lang(s.content ? s.content : s.summary ? s.summary : it);
	if (!p->lang && c->feed_lang && !(p->lang = strdup(c->feed_lang)))
		c->oom = true;

	/* date: the first one that parses; the first one given names the item */
	for (int i = 0; i < 4 && !dated; i++) {
		char *d = s.date[i] ? hs_feed_node_text_or_null(c, s.date[i], HS_TXT_ONELINE, 256) : NULL;
		if (!d)
			continue;
		if (!date_raw && !(date_raw = strdup(d)))
			c->oom = true;
		if (hs_feed_parse_date(d, &p->created_us) == 0)
			dated = true;
		free(d);
	}
	if (!dated) {
		p->created_us = c->now_us;
		out->undated = true;
	}
	p->fetched_us = c->now_us;
	if (c->oom)
		goto fail;

	if (!p->title && !p->text[0] && !p->url && !guid) {
		c->n_skipped++;
		free(guid);
		free(date_raw);
		free(permalink);
		hs_post_free(p);
		out->p = NULL;
		return 0;
	}

	/* candidate ids */
	if (guid && strlen(guid) > HS_FEED_MAX_SHORT) {
		const char *parts[1] = { guid };
		char *h = hs_feed_hash_hex(c, parts, 1);
		free(guid);
		guid = h;
	}
	out->ids[0] = guid;
	guid = NULL;
	if (p->url && !out->url_from_guid && !(out->ids[1] = strdup(p->url)))
		c->oom = true;
	{
		const char *a[2] = { p->title, date_raw };
		const char *b[4] = { p->title, date_raw, p->text, p->url };
		out->ids[2] = hs_feed_hash_hex(c, a, 2);
		out->ids[3] = hs_feed_hash_hex(c, b, 4);
	}
	out->level = out->ids[0] ? 0 : out->ids[1] ? 1 : 2;
	free(date_raw);
	free(permalink);
	return c->oom ? -1 : 0;
fail:
	free(guid);
	free(date_raw);
	free(permalink);
	return -1;
}

void hs_feed_item_free(struct hs_feed_item *it)
{
	hs_post_free(it->p);
	for (int i = 0; i < 4; i++)
		free(it->ids[i]);
	memset(it, 0, sizeof(*it));
}

int hs_feed_add_item(struct hs_feed_ctx *c, xmlNodePtr n)
{
	struct hs_feed_item it;

	if (c->n_seen >= HS_FEED_MAX_ITEMS) {
		c->truncated = true;
		return 0;
	}
	c->n_seen++;
	if (c->n_errors && !hs_feed_closed(c, n)) {
		c->n_skipped++; /* cut off by the end of the document */
		return 0;
	}
	if (read_item(c, n, &it) < 0) {
		hs_feed_item_free(&it);
		return -1;
	}
	if (!it.p)
		return 0;
	if (c->n_items == c->cap_items) {
		size_t nc = c->cap_items ? c->cap_items * 2 : 32;
		struct hs_feed_item *ni = realloc(c->items, nc * sizeof(*ni));
		if (!ni) {
			hs_feed_item_free(&it);
			c->oom = true;
			return -1;
		}
		c->items = ni;
		c->cap_items = nc;
	}
	c->items[c->n_items++] = it;
	return 0;
}

/* ---- duplicate ids ----------------------------------------------------------------- */

struct kref {
	const char *key;
	size_t idx;
};

static int kref_cmp(const void *a, const void *b)
{
	const struct kref *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void sort_keys(struct hs_feed_ctx *c, struct kref *r)
{
	for (size_t i = 0; i < c->n_items; i++) {
		r[i].key = c->items[i].ids[c->items[i].level];
		r[i].idx = i;
	}
	qsort(r, c->n_items, sizeof(*r), kref_cmp);
}

static int dup_cmp(const void *a, const void *b)
{
	const struct hs_feed_item *const *x = a, *const *y = b;
	int r = strcmp((*x)->ids[3], (*y)->ids[3]);
	if (!r)
		r = strcmp((*x)->ids[0] ? (*x)->ids[0] : "", (*y)->ids[0] ? (*y)->ids[0] : "");
	return r ? r : *x < *y ? -1 : *x > *y;
}

/* First, an item that appears twice (same guid, title, date, text and link)
 * is kept once. Then items whose id another item of the document also has
 * all fall back to their next id (guid -> link -> hash of title and date ->
 * hash of title, date, text and link) until the ids are distinct; anything
 * still colliding is dropped but for its first occurrence. Depends on the
 * document alone, so every fetch of it gives the same ids. */
int hs_feed_resolve_dups(struct hs_feed_ctx *c)
{
	struct kref *r;
	struct hs_feed_item **v;
	size_t n = c->n_items;

	if (n < 2)
		return 0;
	if (!(v = malloc(n * sizeof(*v)))) {
		c->oom = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &c->items[i];
	qsort(v, n, sizeof(*v), dup_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i]->ids[3], v[i - 1]->ids[3]) == 0 &&
		    ((!v[i]->ids[0] && !v[i - 1]->ids[0]) ||
		     (v[i]->ids[0] && v[i - 1]->ids[0] && strcmp(v[i]->ids[0], v[i - 1]->ids[0]) == 0))) {
			v[i]->drop = true; /* v[i - 1] comes first in the document */
			c->n_skipped++;
		}
	}
	free(v);
	/* the dropped ones take part below with their level-3 key, which
	 * equals their twin's: they never push anyone else off an id */
	if (!(r = malloc(n * sizeof(*r)))) {
		c->oom = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (c->items[i].drop)
			c->items[i].level = 3;
	for (int round = 0; round < 4; round++) {
		bool changed = false;
		sort_keys(c, r);
		for (size_t i = 0, j; i < n; i = j) {
			size_t live = 0;
			for (j = i; j < n && strcmp(r[j].key, r[i].key) == 0; j++)
				live += !c->items[r[j].idx].drop;
			if (live < 2)
				continue;
			for (size_t k = i; k < j; k++) {
				struct hs_feed_item *it = &c->items[r[k].idx];
				int l = it->level + 1;
				if (it->drop)
					continue;
				while (l < 3 && !it->ids[l])
					l++;
				if (l <= 3) {
					it->level = l;
					changed = true;
				}
			}
		}
		if (!changed)
			break;
	}
	sort_keys(c, r);
	for (size_t i = 0, j; i < n; i = j) {
		bool first = true;
		for (j = i; j < n && strcmp(r[j].key, r[i].key) == 0; j++) {
			struct hs_feed_item *it = &c->items[r[j].idx];
			if (it->drop)
				continue;
			if (!first) {
				it->drop = true;
				c->n_skipped++;
			}
			first = false;
		}
	}
	free(r);
	return 0;
}
