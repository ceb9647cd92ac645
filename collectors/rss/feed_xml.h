/* hearsay: the libxml2 side of the rss parser, shared by feed.c (parse
 * and walk), feed_node.c (reading elements) and feed_item.c (items and
 * their ids). Not part of any public interface. */
#ifndef HS_RSS_FEED_XML_H
#define HS_RSS_FEED_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include <hearsay/post.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

enum fmt { F_RSS2, F_RSS1, F_ATOM };

/* What namespace an element is in, as far as feeds are concerned. */
enum nsk {
	K_NONE,    /* no namespace */
	K_DEFAULT, /* an unknown default namespace (old RSS 2.0 variants) */
	K_RSS1, K_RSS090, K_ATOM, K_ATOM03, K_RDF, K_DC, K_DCTERMS, K_CONTENT,
	K_XHTML,
	K_OTHER,   /* an unknown prefixed namespace: an extension we ignore */
};

struct hs_feed_item {
	hs_post *p;
	char *ids[4]; /* guid / atom:id / rdf:about, url, hash(title, date),
	               * hash(title, date, text, url); [2] and [3] always set */
	int level;    /* which one is the source_id */
	bool drop;
	bool url_from_guid; /* no link: the url is the guid (a permalink) */
	bool undated;       /* created_us is the fetch time */
};

struct hs_feed_ctx {
	xmlDocPtr doc;
	enum fmt fmt;
	bool oom;
	/* from the parser */
	size_t n_errors;
	int first_line;
	char first_msg[160];
	xmlNodePtr *closed; /* items and entries whose end tag was seen */
	size_t n_closed, cap_closed;
	/* feed level */
	char *feed_lang;
	char *feed_author;  /* Atom: entries without an author inherit it */
	/* items */
	struct hs_feed_item *items;
	size_t n_items, cap_items;
	size_t n_seen;      /* item elements met, up to the cap */
	size_t n_skipped, n_undated;
	bool truncated;
	const char *source;
	int64_t now_us;
};

/* ---- feed_node.c --------------------------------------------------------------------- */

/* The namespace class of an element (enum nsk); *local gets its local name
 * (an undeclared "dc:" prefix left in the name by recovery is understood). */
int hs_feed_node_kind(const xmlNode *n, const char **local);
/* Whether k is the format's own namespace (or none). */
bool hs_feed_core(const struct hs_feed_ctx *c, int k);
bool hs_feed_is(const char *local, const char *name);
/* An attribute without namespace / rdf:about, malloc'd, or NULL. */
char *hs_feed_attr(xmlNodePtr n, const char *name);
char *hs_feed_rdf_about(xmlNodePtr n);
/* An element's content as text (HS_TXT_* flags; element children are
 * serialised and read as HTML), at most max bytes. NULL only on out of
 * memory (c->oom set); the _or_null form also gives NULL for "". */
char *hs_feed_node_text(struct hs_feed_ctx *c, xmlNodePtr n, int flags, size_t max);
char *hs_feed_node_text_or_null(struct hs_feed_ctx *c, xmlNodePtr n, int flags, size_t max);
/* HS_TXT_* flags for an Atom text construct, -1 if it holds no text. */
int hs_feed_atom_flags(xmlNodePtr n);
/* "en-GB" -> "en"; NULL unless 2 or 3 ASCII letters lead. */
char *hs_feed_norm_lang(const char *s);
char *hs_feed_node_lang(struct hs_feed_ctx *c, xmlNodePtr n);
/* The xml:lang in force at n, normalised. */
char *hs_feed_xml_lang(xmlNodePtr n);
/* href resolved at node `at` (xml:base, document URL); absolute http(s)
 * with a host, else NULL. */
char *hs_feed_resolve(struct hs_feed_ctx *c, xmlNodePtr at, const char *href);
/* Hex of the first 16 bytes of SHA-256 over the strings, each with its NUL
 * (NULL counts as ""). */
char *hs_feed_hash_hex(struct hs_feed_ctx *c, const char *const *parts, size_t n);
/* An Atom person's name, else email. */
char *hs_feed_atom_person(struct hs_feed_ctx *c, xmlNodePtr n);
/* Keep in *best the link that makes the better entry URL. */
void hs_feed_atom_link_pick(xmlNodePtr n, xmlNodePtr *best, int *best_rank);

/* ---- feed_item.c --------------------------------------------------------------------- */

/* Read one item/entry element into c->items (or count it skipped). -1 on
 * out of memory. */
int hs_feed_add_item(struct hs_feed_ctx *c, xmlNodePtr n);
void hs_feed_item_free(struct hs_feed_item *it);
/* Make the source ids of c->items distinct (see feed_item.c). */
int hs_feed_resolve_dups(struct hs_feed_ctx *c);

/* ---- feed.c --------------------------------------------------------------------------- */

/* Whether the parser saw n's end tag. */
bool hs_feed_closed(const struct hs_feed_ctx *c, xmlNodePtr n);

#endif
