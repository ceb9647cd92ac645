/* hearsay: reading feed elements for the rss parser (see feed_xml.h):
 * namespaces, attributes, text content, Atom text constructs, languages,
 * links, hashes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/uri.h>
#include <openssl/evp.h>

#include "feed.h"
#include "feed_internal.h"
#include "feed_xml.h"

static bool ns_eq(const char *h, const char *known)
{
	size_t hl = strlen(h), kl = strlen(known);
	if (hl > 0 && (h[hl - 1] == '/' || h[hl - 1] == '#') && hl != kl)
		hl--;
	if (kl > 0 && (known[kl - 1] == '/' || known[kl - 1] == '#') && hl != kl)
		kl--;
	return hl == kl && strncasecmp(h, known, hl) == 0;
}

int hs_feed_node_kind(const xmlNode *n, const char **local)
{
	const char *name = (const char *)n->name;
	const char *colon;

	*local = name ? name : "";
	if (!name)
		return K_OTHER;
	if (n->ns && n->ns->href) {
		const char *h = (const char *)n->ns->href;
		if (ns_eq(h, NS_ATOM))
			return K_ATOM;
		if (ns_eq(h, NS_ATOM03))
			return K_ATOM03;
		if (ns_eq(h, NS_RSS1))
			return K_RSS1;
		if (ns_eq(h, NS_RSS090))
			return K_RSS090;
		if (ns_eq(h, NS_RDF))
			return K_RDF;
		if (ns_eq(h, NS_DC))
			return K_DC;
		if (ns_eq(h, NS_DCTERMS))
			return K_DCTERMS;
		if (ns_eq(h, NS_CONTENT))
			return K_CONTENT;
		if (ns_eq(h, NS_XHTML))
			return K_XHTML;
		return n->ns->prefix ? K_OTHER : K_DEFAULT;
	}
	/* an undeclared prefix survives recovery as part of the name */
	if ((colon = strchr(name, ':')) != NULL) {
		size_t pl = (size_t)(colon - name);
		*local = colon + 1;
		if (pl == 2 && memcmp(name, "dc", 2) == 0)
			return K_DC;
		if (pl == 7 && memcmp(name, "dcterms", 7) == 0)
			return K_DCTERMS;
		if (pl == 7 && memcmp(name, "content", 7) == 0)
			return K_CONTENT;
		if (pl == 4 && memcmp(name, "atom", 4) == 0)
			return K_ATOM;
		if (pl == 3 && memcmp(name, "rdf", 3) == 0)
			return K_RDF;
		return K_OTHER;
	}
	return K_NONE;
}

/* The format's own elements. */
bool hs_feed_core(const struct hs_feed_ctx *c, int k)
{
	if (k == K_NONE || k == K_DEFAULT)
		return true;
	if (c->fmt == F_ATOM)
		return k == K_ATOM || k == K_ATOM03;
	return k == K_RSS1 || k == K_RSS090;
}

bool hs_feed_is(const char *local, const char *name)
{
	return strcmp(local, name) == 0;
}

/* An attribute without namespace, as a malloc'd string, or NULL. */
char *hs_feed_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

char *hs_feed_rdf_about(xmlNodePtr n)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"about", (const xmlChar *)NS_RDF);
	char *s;

	if (!v)
		v = xmlGetNoNsProp(n, (const xmlChar *)"rdf:about");
	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* An element's content to text. Element children (XHTML, or raw HTML
 * pasted into a description) are serialised so their markup is stripped
 * like escaped HTML. NULL only on out of memory. */
char *hs_feed_node_text(struct hs_feed_ctx *c, xmlNodePtr n, int flags, size_t max)
{
	xmlNodePtr ch;
	bool markup = false;
	char *out;

	for (ch = n->children; ch; ch = ch->next)
		if (ch->type == XML_ELEMENT_NODE)
			markup = true;
	if (markup) {
		xmlBufferPtr b = xmlBufferCreate();
		if (!b) {
			c->oom = true;
			return NULL;
		}
		for (ch = n->children; ch; ch = ch->next) {
			xmlNodeDump(b, c->doc, ch, 0, 0);
			if ((size_t)xmlBufferLength(b) > (size_t)max * 8 + 65536)
				break; /* enough to fill max */
		}
		out = hs_feed_text((const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b),
		                   flags | HS_TXT_HTML, max);
		xmlBufferFree(b);
	} else {
		xmlChar *v = xmlNodeGetContent(n);
		out = hs_feed_text(v ? (const char *)v : "", v ? strlen((const char *)v) : 0,
		                   flags, max);
		xmlFree(v);
	}
	if (!out)
		c->oom = true;
	return out;
}

/* Like node_text, but NULL (not "") for nothing. */
char *hs_feed_node_text_or_null(struct hs_feed_ctx *c, xmlNodePtr n, int flags, size_t max)
{
	char *s = n ? hs_feed_node_text(c, n, flags, max) : NULL;
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* How an Atom text construct (title, summary, content) is read: HS_TXT_*
 * flags, or -1 when it holds no text (out-of-line src=, base64, images). */
int hs_feed_atom_flags(xmlNodePtr n)
{
	char *type = hs_feed_attr(n, "type"), *mode = hs_feed_attr(n, "mode"), *src = hs_feed_attr(n, "src");
	int f = 0;

	if (src || (mode && strcasecmp(mode, "base64") == 0)) {
		f = -1;
	} else if (!type || strcasecmp(type, "text") == 0 || strcasecmp(type, "text/plain") == 0) {
		f = 0;
	} else if (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0 ||
	           strcasecmp(type, "xhtml") == 0 || strstr(type, "xml") != NULL) {
		f = HS_TXT_HTML;
	} else if (strncasecmp(type, "text/", 5) == 0) {
		f = 0;
	} else {
		f = -1;
	}
	free(type);
	free(mode);
	free(src);
	return f;
}

/* Lower-case primary language subtag of 2 or 3 letters ("en-GB" -> "en"). */
char *hs_feed_norm_lang(const char *s)
{
	char out[4];
	size_t n = 0;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
		if (n == 3)
			return NULL;
		out[n++] = (char)(*s++ | 0x20);
	}
	if (n < 2 || !(*s == '\0' || *s == '-' || *s == '_' || *s == ' ' || *s == '\t' ||
	               *s == '\r' || *s == '\n'))
		return NULL;
	out[n] = '\0';
	return strdup(out);
}

char *hs_feed_node_lang(struct hs_feed_ctx *c, xmlNodePtr n)
{
	char *t = hs_feed_node_text_or_null(c, n, HS_TXT_ONELINE, 64), *l = hs_feed_norm_lang(t);
	free(t);
	return l;
}

char *hs_feed_xml_lang(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetLang(n);
	char *l = hs_feed_norm_lang((const char *)v);
	xmlFree(v);
	return l;
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Resolve href (raw, from the feed) at node `at` (xml:base, document URL).
 * Only absolute http and https URLs with a host are kept. */
char *hs_feed_resolve(struct hs_feed_ctx *c, xmlNodePtr at, const char *href)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t n, i, o = 0;
	char *esc, *out = NULL;
	xmlChar *base, *res;
	xmlURIPtr u;

	if (!href)
		return NULL;
	while (*href == ' ' || *href == '\t' || *href == '\r' || *href == '\n')
		href++;
	n = strlen(href);
	while (n > 0 && (href[n - 1] == ' ' || href[n - 1] == '\t' || href[n - 1] == '\r' ||
	                 href[n - 1] == '\n'))
		n--;
	if (n == 0 || n > HS_FEED_MAX_URL)
		return NULL;
	/* percent-encode what URI syntax does not allow (spaces, non-ASCII) */
	if (!(esc = malloc(n * 3 + 1))) {
		c->oom = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)href[i];
		bool pct_ok = ch == '%' && i + 2 < n && is_hex(href[i + 1]) && is_hex(href[i + 2]);
		if (ch <= 0x20 || ch >= 0x7F || strchr("\"<>\\^`{|}", ch) || (ch == '%' && !pct_ok)) {
			esc[o++] = '%';
			esc[o++] = hexd[ch >> 4];
			esc[o++] = hexd[ch & 15];
		} else {
			esc[o++] = (char)ch;
		}
	}
	esc[o] = '\0';
	base = xmlNodeGetBase(c->doc, at);
	res = xmlBuildURI((const xmlChar *)esc, base);
	xmlFree(base);
	free(esc);
	if (!res)
		return NULL;
	if ((u = xmlParseURI((const char *)res)) != NULL) {
		if (u->scheme && u->server && u->server[0] &&
		    (strcasecmp(u->scheme, "http") == 0 || strcasecmp(u->scheme, "https") == 0) &&
		    strlen((const char *)res) <= HS_FEED_MAX_URL) {
			out = strdup((const char *)res);
			if (!out)
				c->oom = true;
			else
				for (i = 0; out[i] && out[i] != ':'; i++)
					out[i] = (char)(out[i] >= 'A' && out[i] <= 'Z' ? out[i] | 0x20 : out[i]);
		}
		xmlFreeURI(u);
	}
	xmlFree(res);
	return out;
}

/* First 16 bytes of SHA-256 over the strings (each with its NUL), in hex. */
char *hs_feed_hash_hex(struct hs_feed_ctx *c, const char *const *parts, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	char *out = malloc(33);
	bool ok = m && out && EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1;

	for (size_t i = 0; ok && i < n; i++) {
		const char *s = parts[i] ? parts[i] : "";
		ok = EVP_DigestUpdate(m, s, strlen(s) + 1) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(m, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(m);
	if (!ok) {
		free(out);
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[md[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	out[32] = '\0';
	return out;
}

/* ---- Atom person and link ---------------------------------------------------------- */

/* An Atom author element: its name, else its email. */
char *hs_feed_atom_person(struct hs_feed_ctx *c, xmlNodePtr n)
{
	xmlNodePtr name = NULL, email = NULL;
	const char *local;

	for (xmlNodePtr ch = n->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE || !hs_feed_core(c, hs_feed_node_kind(ch, &local)))
			continue;
		if (!name && hs_feed_is(local, "name"))
			name = ch;
		else if (!email && hs_feed_is(local, "email"))
			email = ch;
	}
	char *s = hs_feed_node_text_or_null(c, name, HS_TXT_ONELINE, HS_FEED_MAX_SHORT);
	if (!s)
		s = hs_feed_node_text_or_null(c, email, HS_TXT_ONELINE, HS_FEED_MAX_SHORT);
	return s;
}

/* Rank of an Atom link as the entry's URL: 2 alternate HTML (or no type),
 * 1 alternate of another type, 0 not usable. */
static int atom_link_rank(xmlNodePtr n)
{
	char *rel = hs_feed_attr(n, "rel"), *type = hs_feed_attr(n, "type"), *href = hs_feed_attr(n, "href");
	int r = 0;

	if (href && (!rel || strcmp(rel, "alternate") == 0 ||
	             strcmp(rel, "http://www.iana.org/assignments/relation/alternate") == 0))
		r = (!type || strcasecmp(type, "text/html") == 0 ||
		     strcasecmp(type, "application/xhtml+xml") == 0) ? 2 : 1;
	free(rel);
	free(type);
	free(href);
	return r;
}

void hs_feed_atom_link_pick(xmlNodePtr n, xmlNodePtr *best, int *best_rank)
{
	int r = atom_link_rank(n);
	if (r > *best_rank) {
		*best = n;
		*best_rank = r;
	}
}
