/* bench_feed: how fast the rss collector's parser (hs_feed_parse) turns feed
 * documents into posts on one core, beside libxml2 parsing the same bytes
 * alone (see tests/bench/README.md).
 *
 * Generates a corpus of local-news feeds in memory (fixed-seed PRNG, the
 * same bytes on every machine): RSS 2.0 in the WordPress style
 * (content:encoded with HTML paragraphs in CDATA, escaped descriptions,
 * dc:creator, RFC 822 pubDate), Atom 1.0 with type="html" and
 * type="xhtml" content, and RSS 1.0 (RDF), about 50 items each, in English,
 * Dutch, French and German, with HTML entities (&amp; &eacute; &#8217; ...)
 * in the markup. Then, in one thread and from memory, it times
 *   baseline  xmlReadMemory + xmlFreeDoc of every feed, with the options
 *             hs_feed_parse gives libxml2 (parse only)
 *   naive     the baseline plus a walk that takes title, link and
 *             description/content of every item with xmlNodeGetContent
 *   parser    hs_feed_parse of every feed, each post freed by the sink
 * over the whole corpus, repeated: each measured round makes as many passes
 * over the corpus as fit in S seconds (calibrated by a warm-up pass), the
 * three measurements interleaved round by round, and it prints the median
 * round of each. Before timing, one checked pass verifies that the parser
 * returns every generated item with the generated title, link, author and
 * date; the run fails (exit 1) if not. Slowness never fails it.
 *
 *   bench_feed [--seconds S] [--rounds N] [--passes P] [--feeds F] [--dump DIR]
 *
 * The last line of stdout is machine-readable:
 *   bench_feed: status=ok feeds=... items=... bytes=... parse_items_per_s=...
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <hearsay/post.h>

#include "collectors/rss/feed.h"

/* The options hs_feed_parse passes to xmlCtxtReadMemory (collectors/rss/feed.c). */
#define BASE_XML_OPTIONS                                                                  \
	(XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |   \
	 XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC)

/* "Now" for the parser: 2026-05-16T12:00:00Z. */
#define NOW_S 1778932800LL

/* ---- deterministic randomness ------------------------------------------------------ */

static uint64_t seed = 0x68656172736179ULL; /* "hearsay" */

/* splitmix64 */
static uint64_t rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static unsigned between(unsigned lo, unsigned hi)
{
	return lo + below(hi - lo + 1);
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

/* ---- growing byte buffer ----------------------------------------------------------- */

typedef struct {
	char *p;
	size_t len, cap;
} buf_t;

static void reserve(buf_t *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		fprintf(stderr, "bench_feed: out of memory\n");
		exit(1);
	}
	b->p = p;
	b->cap = cap;
}

static void add(buf_t *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void adds(buf_t *b, const char *s)
{
	add(b, s, strlen(s));
}

static void addf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void clear(buf_t *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);
	if (!d) {
		fprintf(stderr, "bench_feed: out of memory\n");
		exit(1);
	}
	return d;
}

/* ---- vocabulary -------------------------------------------------------------------- */

enum { L_EN, L_NL, L_FR, L_DE, N_LANG };

static const char *const words_en[] = {
	"the", "the", "the", "a", "of", "of", "and", "and", "to", "in", "on", "for", "with",
	"council", "residents", "bridge", "market", "square", "will", "reopen", "after",
	"weeks", "roadworks", "Main Street", "said", "spokesperson", "city", "police",
	"closed", "river", "path", "between", "station", "library", "volunteers", "cleaned",
	"park", "school", "pupils", "festival", "this", "weekend", "caf\u00e9", "owner",
	"new", "bus", "route", "flooding", "warning", "it\u2019s", "don\u2019t",
	"mayor", "budget", "housing", "plans", "&", "neighbours", "complained", "about",
	"noise", "brewery", "na\u00efve", "r\u00e9sum\u00e9", "\u20ac12",
	"14:30", "2026", "Rivertown", "week", "night", "traffic", "cyclists",
};
static const char *const words_nl[] = {
	"de", "de", "het", "het", "een", "van", "van", "en", "en", "in", "op", "voor", "met",
	"gemeenteraad", "bewoners", "brug", "markt", "wordt", "heropend", "na", "weken",
	"werkzaamheden", "aan", "Hoofdstraat", "zei", "woordvoerder", "politie", "sloot",
	"fietspad", "tussen", "station", "bibliotheek", "vrijwilligers", "ruimden", "park",
	"school", "leerlingen", "caf\u00e9", "\u00e9\u00e9n", "co\u00f6peratie",
	"ru\u00efne", "ge\u00efnteresseerd", "financi\u00eble", "zo\u2019n",
	"wethouder", "begroting", "woningbouw", "plannen", "buurtbewoners", "klaagden", "over",
	"geluidsoverlast", "brouwerij", "idee\u00ebn", "Belgi\u00eb", "re\u00fcnie",
	"Zo\u00eb", "&", "\u20ac4,50", "vanavond", "kermis", "dijk", "wateroverlast",
};
static const char *const words_fr[] = {
	"le", "la", "les", "de", "de", "des", "et", "et", "\u00e0", "en", "pour", "sur",
	"conseil", "municipal", "habitants", "pont", "march\u00e9", "sera", "rouvert",
	"apr\u00e8s", "semaines", "travaux", "rue", "principale", "a", "d\u00e9clar\u00e9",
	"porte-parole", "mairie", "police", "ferm\u00e9", "piste", "cyclable", "entre", "gare",
	"biblioth\u00e8que", "b\u00e9n\u00e9voles", "ont", "nettoy\u00e9", "\u00e9cole",
	"\u00e9l\u00e8ves", "f\u00eate", "ce", "week-end", "caf\u00e9", "propri\u00e9taire",
	"nouvelle", "ligne", "d\u2019autobus", "crue", "alerte", "l\u2019\u00e9t\u00e9",
	"o\u00f9", "\u00e7a", "ma\u00eetre", "budget", "logement", "projets", "riverains",
	"bruit", "brasserie", "\u00e9v\u00e9nement", "th\u00e9\u00e2tre", "No\u00ebl",
	"c\u0153ur", "fran\u00e7ais", "h\u00f4pital", "&", "aujourd\u2019hui",
};
static const char *const words_de[] = {
	"der", "der", "die", "die", "das", "und", "und", "in", "mit", "von", "f\u00fcr", "am",
	"Gemeinderat", "Anwohner", "Br\u00fccke", "Markt", "wird", "nach", "Wochen",
	"Bauarbeiten", "Hauptstra\u00dfe", "wieder", "ge\u00f6ffnet", "sagte", "eine",
	"Sprecherin", "Stadt", "Polizei", "sperrte", "Radweg", "zwischen", "Bahnhof",
	"B\u00fccherei", "Freiwillige", "r\u00e4umten", "Gr\u00fcnanlage", "auf",
	"Sch\u00fcler", "Stra\u00dfenfest", "Wochenende", "Caf\u00e9", "Besitzer", "neue",
	"Buslinie", "Hochwasser", "Warnung", "B\u00fcrgermeister", "Haushalt", "Wohnungsbau",
	"Pl\u00e4ne", "Nachbarn", "beschwerten", "sich", "\u00fcber", "L\u00e4rm",
	"Brauerei", "\u00d6ffnungszeiten", "M\u00fcll", "Gr\u00f6\u00dfe", "&",
	"\u00dcberschwemmung", "heute", "Stadtfest",
};

static const struct {
	const char *const *words;
	unsigned n;
	const char *qopen, *qclose; /* quotation marks */
} vocab[N_LANG] = {
	{ words_en, sizeof(words_en) / sizeof(*words_en), "\u201c", "\u201d" },
	{ words_nl, sizeof(words_nl) / sizeof(*words_nl), "\u201c", "\u201d" },
	{ words_fr, sizeof(words_fr) / sizeof(*words_fr), "\u00ab\u00a0", "\u00a0\u00bb" },
	{ words_de, sizeof(words_de) / sizeof(*words_de), "\u201e", "\u201c" },
};

static const char *const authors[N_LANG][4] = {
	{ "Sarah O\u2019Brien", "James Whitfield", "Priya Nair", "Tom Hughes" },
	{ "Sanne de Vries", "Joost van den Berg", "Zo\u00eb Jansen", "Anouk Smit" },
	{ "Jo\u00eble Dupr\u00e9", "Fran\u00e7ois Lef\u00e8vre", "H\u00e9l\u00e8ne Moreau",
	  "No\u00ebl Girard" },
	{ "J\u00fcrgen M\u00fcller", "Anna Sch\u00e4fer", "Bj\u00f6rn Wei\u00df",
	  "Lena K\u00f6hler" },
};

static const char *const categories[N_LANG][6] = {
	{ "Local news", "Traffic", "Council", "Weather", "Sport", "Arts & culture" },
	{ "Gemeente", "Verkeer", "Cultuur", "Weer", "Sport", "Onderwijs" },
	{ "Actualit\u00e9", "Soci\u00e9t\u00e9", "Faits divers", "Culture", "Sport", "M\u00e9t\u00e9o" },
	{ "Lokales", "Verkehr", "Kultur", "Wetter", "Sport", "Bildung" },
};

static const struct site {
	const char *name, *host, *langtag;
	int lang, utc_offset_min;
} sites[] = {
	{ "Rivertown Courier", "rivertown-courier.example", "en-GB", L_EN, 60 },
	{ "Het Stadsblad", "stadsblad.example", "nl-NL", L_NL, 120 },
	{ "Le Petit Riverain", "petit-riverain.example", "fr-FR", L_FR, 120 },
	{ "Flussst\u00e4dter Anzeiger", "flussstaedter-anzeiger.example", "de-DE", L_DE, 120 },
	{ "Radio Rivertown", "radio-rivertown.example", "en", L_EN, 0 },
	{ "Gazet van de Vallei", "gazet-vallei.example", "nl-BE", L_NL, 120 },
	{ "L\u2019\u00c9cho de la Vall\u00e9e", "echo-vallee.example", "fr-BE", L_FR, 120 },
	{ "Talblick Online", "talblick.example", "de-AT", L_DE, 120 },
	{ "Eastside Gazette", "eastside-gazette.example", "en-US", L_EN, -240 },
	{ "Dorpsnieuws Oosterdijk", "dorpsnieuws.example", "nl", L_NL, 120 },
};
#define N_SITES (sizeof(sites) / sizeof(sites[0]))

/* ---- text ---------------------------------------------------------------------------- */

/* One sentence of n words in plain UTF-8, appended to out. */
static void sentence(buf_t *out, int lang, unsigned n, bool stop)
{
	unsigned q = n > 5 && chance(15) ? between(1, n - 3) : 0; /* quoted span start */
	for (unsigned i = 0; i < n; i++) {
		const char *w = vocab[lang].words[below(vocab[lang].n)];
		if (i)
			adds(out, i == q + 3 && q ? "" : " ");
		if (q && i == q)
			adds(out, vocab[lang].qopen);
		if (i == 0 && w[0] >= 'a' && w[0] <= 'z') {
			char c = (char)(w[0] - 'a' + 'A');
			add(out, &c, 1);
			adds(out, w + 1);
		} else {
			adds(out, w);
		}
		if (q && i == q + 2) {
			adds(out, vocab[lang].qclose);
			if (i + 1 < n)
				adds(out, " ");
		} else if (i + 1 < n && chance(6)) {
			adds(out, ",");
		}
	}
	if (stop)
		adds(out, chance(8) ? "?" : chance(5) ? "!" : ".");
}

/* How text becomes HTML. */
typedef struct {
	bool numeric;       /* entities as &#NNNN; (XHTML cannot use HTML names) */
	unsigned pct;       /* percentage of encodable characters written as entities */
	const char *amp;    /* how '&' is written: "&amp;" or "&#038;" */
} html_style;

static const struct {
	const char *utf8, *name;
	unsigned cp;
} ents[] = {
	{ "\u00e0", "agrave", 224 }, { "\u00e2", "acirc", 226 },   { "\u00e4", "auml", 228 },
	{ "\u00e7", "ccedil", 231 }, { "\u00e8", "egrave", 232 },  { "\u00e9", "eacute", 233 },
	{ "\u00ea", "ecirc", 234 },  { "\u00eb", "euml", 235 },    { "\u00ee", "icirc", 238 },
	{ "\u00ef", "iuml", 239 },   { "\u00f4", "ocirc", 244 },   { "\u00f6", "ouml", 246 },
	{ "\u00fb", "ucirc", 251 },  { "\u00fc", "uuml", 252 },    { "\u00df", "szlig", 223 },
	{ "\u00c9", "Eacute", 201 }, { "\u00d6", "Ouml", 214 },    { "\u00dc", "Uuml", 220 },
	{ "\u0153", "oelig", 339 },  { "\u00ab", "laquo", 171 },   { "\u00bb", "raquo", 187 },
	{ "\u00a0", "nbsp", 160 },   { "\u2013", "ndash", 8211 }, { "\u2019", "rsquo", 8217 },
	{ "\u201c", "ldquo", 8220 }, { "\u201d", "rdquo", 8221 },
	{ "\u201e", "bdquo", 8222 }, { "\u20ac", "euro", 8364 },
	{ "\u2026", "hellip", 8230 },
};
#define N_ENTS (sizeof(ents) / sizeof(ents[0]))

/* Plain text s to HTML text (no markup), appended to out. Punctuation
 * (’ “ ” …) is written numerically as WordPress does, letters by name. */
static void html_text(buf_t *out, const char *s, size_t n, const html_style *st)
{
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '&') {
			adds(out, st->amp);
			i++;
			continue;
		}
		if (ch < 0x80) {
			add(out, s + i, 1);
			i++;
			continue;
		}
		size_t k, len = 0;
		for (k = 0; k < N_ENTS; k++) {
			len = strlen(ents[k].utf8);
			if (len <= n - i && memcmp(s + i, ents[k].utf8, len) == 0)
				break;
		}
		if (k < N_ENTS && chance(st->pct)) {
			if (st->numeric || ents[k].cp >= 8000)
				addf(out, "&#%u;", ents[k].cp);
			else
				addf(out, "&%s;", ents[k].name);
			i += len;
		} else {
			add(out, s + i, 1);
			i++;
		}
	}
}

/* Text for an XML text node or attribute value. */
static void xml_text(buf_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			adds(out, "&amp;");
			break;
		case '<':
			adds(out, "&lt;");
			break;
		case '>':
			adds(out, "&gt;");
			break;
		case '"':
			adds(out, "&quot;");
			break;
		default:
			add(out, s + i, 1);
		}
	}
}

static void xml_texts(buf_t *out, const char *s)
{
	xml_text(out, s, strlen(s));
}

/* An HTML fragment into an XML element's content: in CDATA or escaped. */
static void xml_html(buf_t *out, const buf_t *html, bool cdata)
{
	if (cdata) {
		adds(out, "<![CDATA[");
		add(out, html->p, html->len);
		adds(out, "]]>");
	} else {
		xml_text(out, html->p, html->len);
	}
}

/* One paragraph of 2-5 sentences as HTML, with some inline markup. */
static void html_paragraph(buf_t *h, buf_t *tmp, int lang, const html_style *st, bool xhtml,
                           const char *host)
{
	clear(tmp);
	unsigned ns = between(2, 5);
	for (unsigned i = 0; i < ns; i++) {
		if (i)
			adds(tmp, " ");
		sentence(tmp, lang, between(6, 18), true);
	}
	adds(h, "<p>");
	/* at word starts, sometimes open <strong>, <em> or <a> for 1-3 words */
	const char *open = NULL;
	unsigned left = 0;
	size_t start = 0;
	for (size_t i = 0; i <= tmp->len; i++) {
		if (i < tmp->len && tmp->p[i] != ' ')
			continue;
		if (!open && chance(4)) {
			switch (below(3)) {
			case 0:
				open = "strong";
				adds(h, "<strong>");
				break;
			case 1:
				open = "em";
				adds(h, "<em>");
				break;
			default:
				open = "a";
				addf(h, "<a href=\"https://%s/tag/%u/?utm_source=rss&amp;utm_medium=feed\">",
				     host, below(1000));
			}
			left = between(1, 3);
		}
		html_text(h, tmp->p + start, i - start, st);
		if (open && (--left == 0 || i == tmp->len)) {
			addf(h, "</%s>", open);
			open = NULL;
		}
		if (i < tmp->len)
			adds(h, " ");
		start = i + 1;
	}
	adds(h, "</p>");
	if (chance(10))
		adds(h, xhtml ? "<br/>" : "<br>");
	adds(h, "\n");
}

static void html_figure(buf_t *h, buf_t *tmp, int lang, const html_style *st, bool xhtml,
                        const char *host, unsigned id)
{
	clear(tmp);
	sentence(tmp, lang, between(4, 10), false);
	addf(h, "<figure class=\"wp-block-image size-large\"><img src=\"https://%s/wp-content/uploads/"
	        "2026/05/img-%u-1024x683.jpg\" alt=\"", host, id);
	xml_text(h, tmp->p, tmp->len); /* no entities in the attribute beyond XML's */
	addf(h, "\" width=\"1024\" height=\"683\" loading=\"lazy\"%s><figcaption>", xhtml ? " /" : "");
	html_text(h, tmp->p, tmp->len, st);
	adds(h, "</figcaption></figure>\n");
}

static void html_list(buf_t *h, buf_t *tmp, int lang, const html_style *st)
{
	unsigned n = between(2, 5);
	adds(h, "<ul>");
	for (unsigned i = 0; i < n; i++) {
		clear(tmp);
		sentence(tmp, lang, between(3, 9), false);
		adds(h, "<li>");
		html_text(h, tmp->p, tmp->len, st);
		adds(h, "</li>");
	}
	adds(h, "</ul>\n");
}

/* A full article body: paragraphs with the odd figure or list. */
static void html_body(buf_t *h, buf_t *tmp, int lang, const html_style *st, bool xhtml,
                      const char *host, unsigned id, unsigned paras)
{
	for (unsigned i = 0; i < paras; i++) {
		if (i == 1 && chance(30))
			html_figure(h, tmp, lang, st, xhtml, host, id);
		if (i == 2 && chance(15))
			html_list(h, tmp, lang, st);
		html_paragraph(h, tmp, lang, st, xhtml, host);
	}
}

/* URL path piece from a title: lower-case ASCII letters and digits. */
static void slug(buf_t *out, const char *title)
{
	size_t start = out->len;
	bool dash = false;
	for (const char *c = title; *c && out->len - start < 60; c++) {
		char ch = *c;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && out->len > start)
				adds(out, "-");
			add(out, &ch, 1);
			dash = false;
		} else if (ch == ' ') {
			dash = true;
		}
	}
	if (out->len > start)
		adds(out, "-");
}

/* ---- dates --------------------------------------------------------------------------- */

static void split_time(int64_t t_utc, int off_min, struct tm *tm)
{
	time_t local = (time_t)(t_utc + off_min * 60);
	gmtime_r(&local, tm);
}

static void date_rfc822(buf_t *out, int64_t t, int off_min, bool gmt_name)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	split_time(t, off_min, &tm);
	addf(out, "%s, %02d %s %04d %02d:%02d:%02d ", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
	     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (off_min == 0 && gmt_name)
		adds(out, "GMT");
	else
		addf(out, "%c%02d%02d", off_min < 0 ? '-' : '+', abs(off_min) / 60, abs(off_min) % 60);
}

static void date_rfc3339(buf_t *out, int64_t t, int off_min)
{
	struct tm tm;
	split_time(t, off_min, &tm);
	addf(out, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	     tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (off_min == 0)
		adds(out, "Z");
	else
		addf(out, "%c%02d:%02d", off_min < 0 ? '-' : '+', abs(off_min) / 60, abs(off_min) % 60);
}

/* ---- the corpus ------------------------------------------------------------------------ */

enum { FMT_RSS2, FMT_ATOM_HTML, FMT_ATOM_XHTML, FMT_RSS1, N_FMT };
static const char *const fmt_info[N_FMT] = { "rss2", "atom", "atom", "rss1" };

/* What the parser must return for one item. */
typedef struct {
	char *title, *url, *author;
	int64_t created_us;
} expect;

typedef struct {
	char *xml;
	size_t len;
	int fmt;
	char *url; /* the feed's own URL: the base for hs_feed_parse */
	size_t n_items;
	expect *exp;
} feed;

typedef struct {
	feed *f;
	size_t n, items, bytes;
} corpus;

/* One item's generated content, before it is written in a format. */
typedef struct {
	int lang;
	unsigned id;
	char title[512];
	char url[512];
	const char *author, *cat[3];
	unsigned n_cat;
	int64_t t;
} item_plan;

static void plan_item(item_plan *ip, const struct site *s, int fmt, unsigned id, int64_t t,
                      buf_t *tmp)
{
	ip->lang = chance(80) ? s->lang : (int)below(N_LANG);
	ip->id = id;
	ip->t = t;
	clear(tmp);
	sentence(tmp, ip->lang, between(5, 12), false);
	snprintf(ip->title, sizeof(ip->title), "%s", tmp->p);
	clear(tmp);
	struct tm tm;
	split_time(t, s->utc_offset_min, &tm);
	switch (fmt) {
	case FMT_RSS2:
		addf(tmp, "https://%s/%04d/%02d/%02d/", s->host, tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday);
		slug(tmp, ip->title);
		addf(tmp, "%u/", id);
		break;
	case FMT_ATOM_HTML:
	case FMT_ATOM_XHTML:
		addf(tmp, "https://%s/article/", s->host);
		slug(tmp, ip->title);
		addf(tmp, "%u.html", id);
		break;
	default:
		addf(tmp, "https://%s/artikel/%u", s->host, id);
	}
	snprintf(ip->url, sizeof(ip->url), "%s", tmp->p);
	ip->author = authors[ip->lang][below(4)];
	ip->n_cat = below(4);
	for (unsigned i = 0; i < ip->n_cat; i++)
		ip->cat[i] = categories[ip->lang][below(6)];
}

static void record(expect *e, const item_plan *ip)
{
	/* the parser turns a no-break space into a space, as HTML whitespace */
	e->title = dup_or_die(ip->title);
	for (char *nb; (nb = strstr(e->title, "\u00a0")) != NULL;) {
		*nb = ' ';
		memmove(nb + 1, nb + 2, strlen(nb + 2) + 1);
	}
	e->url = dup_or_die(ip->url);
	e->author = dup_or_die(ip->author);
	e->created_us = ip->t * 1000000;
}

static const char *lang_code(int lang)
{
	static const char *const c[N_LANG] = { "en", "nl", "fr", "de" };
	return c[lang];
}

/* Feed-wide choices. */
typedef struct {
	const struct site *s;
	html_style st;
	bool cdata_content, cdata_desc, html_titles, gmt;
	unsigned paras_lo, paras_hi;
} feed_style;

static void gen_rss2(buf_t *x, feed *f, const feed_style *fs, item_plan *plan, buf_t *h,
                     buf_t *tmp)
{
	const struct site *s = fs->s;
	adds(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"\n"
	        "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
	        "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
	        "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	        "\txmlns:atom=\"http://www.w3.org/2005/Atom\"\n"
	        "\txmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"\n"
	        "\txmlns:slash=\"http://purl.org/rss/1.0/modules/slash/\"\n"
	        "\t>\n\n<channel>\n\t<title>");
	xml_texts(x, s->name);
	addf(x, "</title>\n\t<atom:link href=\"%s\" rel=\"self\" type=\"application/rss+xml\" />\n"
	        "\t<link>https://%s</link>\n\t<description>", f->url, s->host);
	clear(tmp);
	sentence(tmp, s->lang, 6, false);
	xml_text(x, tmp->p, tmp->len);
	adds(x, "</description>\n\t<lastBuildDate>");
	date_rfc822(x, plan[0].t, s->utc_offset_min, fs->gmt);
	addf(x, "</lastBuildDate>\n\t<language>%s</language>\n"
	        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
	        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
	        "\t<generator>https://wordpress.org/?v=6.5.3</generator>\n"
	        "<image>\n\t<url>https://%s/wp-content/uploads/2024/01/icon-32x32.png</url>\n\t<title>",
	     s->langtag, s->host);
	xml_texts(x, s->name);
	addf(x, "</title>\n\t<link>https://%s</link>\n\t<width>32</width>\n\t<height>32</height>\n"
	        "</image> \n", s->host);
	for (size_t i = 0; i < f->n_items; i++) {
		const item_plan *ip = &plan[i];
		adds(x, "\t<item>\n\t\t<title>");
		if (fs->html_titles) {
			clear(h);
			html_text(h, ip->title, strlen(ip->title), &fs->st);
			xml_text(x, h->p, h->len);
		} else {
			xml_texts(x, ip->title);
		}
		adds(x, "</title>\n\t\t<link>");
		xml_texts(x, ip->url);
		adds(x, "</link>\n");
		if (chance(70)) {
			adds(x, "\t\t<comments>");
			xml_texts(x, ip->url);
			adds(x, "#respond</comments>\n");
		}
		adds(x, "\t\t<dc:creator><![CDATA[");
		adds(x, ip->author);
		adds(x, "]]></dc:creator>\n\t\t<pubDate>");
		date_rfc822(x, ip->t, s->utc_offset_min, fs->gmt);
		adds(x, "</pubDate>\n");
		for (unsigned c = 0; c < ip->n_cat; c++) {
			adds(x, "\t\t<category><![CDATA[");
			adds(x, ip->cat[c]);
			adds(x, "]]></category>\n");
		}
		addf(x, "\t\t<guid isPermaLink=\"false\">https://%s/?p=%u</guid>\n", s->host, ip->id);
		if (ip->lang != s->lang)
			addf(x, "\t\t<dc:language>%s</dc:language>\n", lang_code(ip->lang));

		/* description: the first sentences, WordPress's "appeared first on" */
		clear(h);
		clear(tmp);
		sentence(tmp, ip->lang, between(15, 35), true);
		adds(h, "<p>");
		html_text(h, tmp->p, tmp->len, &fs->st);
		adds(h, " [&hellip;]</p>\n<p>The post <a href=\"");
		xml_texts(h, ip->url);
		adds(h, "\">");
		html_text(h, ip->title, strlen(ip->title), &fs->st);
		addf(h, "</a> appeared first on <a href=\"https://%s\">", s->host);
		html_text(h, s->name, strlen(s->name), &fs->st);
		adds(h, "</a>.</p>\n");
		adds(x, "\t\t<description>");
		xml_html(x, h, fs->cdata_desc);
		adds(x, "</description>\n");

		if (fs->paras_hi) {
			clear(h);
			html_body(h, tmp, ip->lang, &fs->st, false, s->host, ip->id,
			          between(fs->paras_lo, fs->paras_hi));
			adds(x, "\t\t<content:encoded>");
			xml_html(x, h, fs->cdata_content);
			adds(x, "</content:encoded>\n");
		}
		addf(x, "\t\t<wfw:commentRss>%s</wfw:commentRss>\n\t\t<slash:comments>%u</slash:comments>\n",
		     ip->url, below(12));
		if (chance(40))
			addf(x, "\t\t<enclosure url=\"https://%s/wp-content/uploads/2026/05/img-%u.jpg\" "
			        "length=\"%u\" type=\"image/jpeg\" />\n", s->host, ip->id,
			     between(40000, 400000));
		adds(x, "\t</item>\n");
	}
	adds(x, "\t</channel>\n</rss>\n");
}

static void gen_atom(buf_t *x, feed *f, const feed_style *fs, item_plan *plan, buf_t *h,
                     buf_t *tmp)
{
	const struct site *s = fs->s;
	bool xhtml = f->fmt == FMT_ATOM_XHTML;
	addf(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n  <title type=\"text\">",
	     s->langtag);
	xml_texts(x, s->name);
	adds(x, "</title>\n  <subtitle>");
	clear(tmp);
	sentence(tmp, s->lang, 7, false);
	xml_text(x, tmp->p, tmp->len);
	addf(x, "</subtitle>\n  <link rel=\"alternate\" type=\"text/html\" href=\"https://%s/\"/>\n"
	        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"%s\"/>\n"
	        "  <id>tag:%s,2026:/feed</id>\n  <updated>", s->host, f->url, s->host);
	date_rfc3339(x, plan[0].t, s->utc_offset_min);
	addf(x, "</updated>\n  <author><name>Redactie</name><uri>https://%s/</uri></author>\n"
	        "  <generator uri=\"https://gohugo.io/\" version=\"0.126.1\">Hugo</generator>\n"
	        "  <icon>https://%s/favicon.png</icon>\n", s->host, s->host);
	for (size_t i = 0; i < f->n_items; i++) {
		const item_plan *ip = &plan[i];
		adds(x, "  <entry");
		if (ip->lang != s->lang)
			addf(x, " xml:lang=\"%s\"", lang_code(ip->lang));
		if (fs->html_titles) {
			adds(x, ">\n    <title type=\"html\">");
			clear(h);
			html_text(h, ip->title, strlen(ip->title), &fs->st);
			xml_text(x, h->p, h->len);
		} else {
			adds(x, ">\n    <title type=\"text\">");
			xml_texts(x, ip->title);
		}
		adds(x, "</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"");
		xml_texts(x, ip->url);
		addf(x, "\"/>\n    <link rel=\"replies\" type=\"application/atom+xml\" "
		        "href=\"https://%s/comments/%u.atom\" thr:count=\"%u\" "
		        "xmlns:thr=\"http://purl.org/syndication/thread/1.0\"/>\n"
		        "    <id>tag:%s,2026-05-16:/article/%u</id>\n    <published>",
		     s->host, ip->id, below(9), s->host, ip->id);
		date_rfc3339(x, ip->t, s->utc_offset_min);
		adds(x, "</published>\n    <updated>");
		date_rfc3339(x, ip->t + below(3) * 600, s->utc_offset_min);
		adds(x, "</updated>\n    <author>\n      <name>");
		xml_texts(x, ip->author);
		addf(x, "</name>\n      <uri>https://%s/team/%u</uri>\n    </author>\n", s->host,
		     below(40));
		for (unsigned c = 0; c < ip->n_cat; c++) {
			adds(x, "    <category term=\"");
			xml_texts(x, ip->cat[c]);
			adds(x, "\" label=\"");
			xml_texts(x, ip->cat[c]);
			adds(x, "\"/>\n");
		}
		clear(tmp);
		sentence(tmp, ip->lang, between(15, 30), true);
		adds(x, "    <summary type=\"text\">");
		xml_text(x, tmp->p, tmp->len);
		adds(x, "</summary>\n");

		clear(h);
		html_body(h, tmp, ip->lang, &fs->st, xhtml, s->host, ip->id,
		          between(fs->paras_lo, fs->paras_hi));
		if (xhtml) {
			adds(x, "    <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">\n");
			add(x, h->p, h->len);
			adds(x, "</div></content>\n");
		} else {
			addf(x, "    <content type=\"html\" xml:base=\"https://%s/article/\">", s->host);
			xml_html(x, h, false);
			adds(x, "</content>\n");
		}
		adds(x, "  </entry>\n");
	}
	adds(x, "</feed>\n");
}

static void gen_rss1(buf_t *x, feed *f, const feed_style *fs, item_plan *plan, buf_t *h,
                     buf_t *tmp)
{
	const struct site *s = fs->s;
	adds(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rdf:RDF\n"
	        " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
	        " xmlns=\"http://purl.org/rss/1.0/\"\n"
	        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	        " xmlns:syn=\"http://purl.org/rss/1.0/modules/syndication/\"\n"
	        " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n>\n");
	addf(x, "<channel rdf:about=\"%s\">\n<title>", f->url);
	xml_texts(x, s->name);
	addf(x, "</title>\n<link>https://%s/</link>\n<description>", s->host);
	clear(tmp);
	sentence(tmp, s->lang, 8, false);
	xml_text(x, tmp->p, tmp->len);
	addf(x, "</description>\n<dc:language>%s</dc:language>\n<dc:date>", s->langtag);
	date_rfc3339(x, plan[0].t, s->utc_offset_min);
	adds(x, "</dc:date>\n<syn:updatePeriod>hourly</syn:updatePeriod>\n<items>\n <rdf:Seq>\n");
	for (size_t i = 0; i < f->n_items; i++) {
		adds(x, "  <rdf:li rdf:resource=\"");
		xml_texts(x, plan[i].url);
		adds(x, "\" />\n");
	}
	adds(x, " </rdf:Seq>\n</items>\n</channel>\n");
	for (size_t i = 0; i < f->n_items; i++) {
		const item_plan *ip = &plan[i];
		adds(x, "<item rdf:about=\"");
		xml_texts(x, ip->url);
		adds(x, "\">\n<title>");
		xml_texts(x, ip->title);
		adds(x, "</title>\n<link>");
		xml_texts(x, ip->url);
		adds(x, "</link>\n<description>");
		clear(h);
		clear(tmp);
		sentence(tmp, ip->lang, between(20, 40), true);
		html_text(h, tmp->p, tmp->len, &fs->st);
		xml_html(x, h, false);
		adds(x, "</description>\n");
		if (fs->paras_hi) {
			clear(h);
			html_body(h, tmp, ip->lang, &fs->st, false, s->host, ip->id,
			          between(fs->paras_lo, fs->paras_hi));
			adds(x, "<content:encoded>");
			xml_html(x, h, fs->cdata_content);
			adds(x, "</content:encoded>\n");
		}
		adds(x, "<dc:creator>");
		xml_texts(x, ip->author);
		adds(x, "</dc:creator>\n<dc:date>");
		date_rfc3339(x, ip->t, s->utc_offset_min);
		adds(x, "</dc:date>\n");
		for (unsigned c = 0; c < ip->n_cat; c++) {
			adds(x, "<dc:subject>");
			xml_texts(x, ip->cat[c]);
			adds(x, "</dc:subject>\n");
		}
		if (ip->lang != s->lang)
			addf(x, "<dc:language>%s</dc:language>\n", lang_code(ip->lang));
		adds(x, "</item>\n");
	}
	adds(x, "</rdf:RDF>\n");
}

static void gen_feed(feed *f, size_t k)
{
	static const int fmt_cycle[] = { FMT_RSS2, FMT_ATOM_HTML, FMT_RSS2, FMT_RSS1,
		                         FMT_RSS2, FMT_ATOM_XHTML };
	static const char *const amps[] = { "&amp;", "&#038;" };
	feed_style fs;
	buf_t x = { 0 }, h = { 0 }, tmp = { 0 }, u = { 0 };

	memset(&fs, 0, sizeof(fs));
	fs.s = &sites[k % N_SITES];
	f->fmt = fmt_cycle[k % (sizeof(fmt_cycle) / sizeof(*fmt_cycle))];
	fs.st.numeric = f->fmt == FMT_ATOM_XHTML;
	fs.st.pct = (unsigned[]){ 0, 50, 100 }[below(3)];
	fs.st.amp = amps[below(2)];
	fs.cdata_content = f->fmt != FMT_RSS1 || chance(50);
	fs.cdata_desc = chance(70);
	fs.html_titles = f->fmt != FMT_RSS1 && chance(50);
	fs.gmt = chance(50);
	/* article length: short (no full text in RSS), medium or long */
	switch (below(3)) {
	case 0:
		fs.paras_lo = 1;
		fs.paras_hi = f->fmt == FMT_RSS2 || f->fmt == FMT_RSS1 ? 0 : 2;
		break;
	case 1:
		fs.paras_lo = 2;
		fs.paras_hi = 4;
		break;
	default:
		fs.paras_lo = 3;
		fs.paras_hi = 7;
	}
	addf(&u, "https://%s/%s", fs.s->host,
	     f->fmt == FMT_RSS2 ? "feed/" : f->fmt == FMT_RSS1 ? "index.rdf" : "atom.xml");
	f->url = u.p;

	f->n_items = between(44, 56);
	item_plan *plan = calloc(f->n_items, sizeof(*plan));
	f->exp = calloc(f->n_items, sizeof(*f->exp));
	if (!plan || !f->exp) {
		fprintf(stderr, "bench_feed: out of memory\n");
		exit(1);
	}
	int64_t t = NOW_S - between(2, 60) * 60;
	unsigned id = between(10000, 90000);
	for (size_t i = 0; i < f->n_items; i++) {
		plan_item(&plan[i], fs.s, f->fmt, id, t, &tmp);
		record(&f->exp[i], &plan[i]);
		t -= between(6, 90) * 60 + below(60);
		id += between(1, 30);
	}
	switch (f->fmt) {
	case FMT_RSS2:
		gen_rss2(&x, f, &fs, plan, &h, &tmp);
		break;
	case FMT_RSS1:
		gen_rss1(&x, f, &fs, plan, &h, &tmp);
		break;
	default:
		gen_atom(&x, f, &fs, plan, &h, &tmp);
	}
	/* each feed in its own right-sized block, like a fetched body */
	f->len = x.len;
	f->xml = malloc(x.len);
	if (!f->xml) {
		fprintf(stderr, "bench_feed: out of memory\n");
		exit(1);
	}
	memcpy(f->xml, x.p, x.len);
	free(x.p);
	free(h.p);
	free(tmp.p);
	free(plan);
}

static void corpus_free(corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		feed *f = &c->f[i];
		for (size_t j = 0; j < f->n_items; j++) {
			free(f->exp[j].title);
			free(f->exp[j].url);
			free(f->exp[j].author);
		}
		free(f->exp);
		free(f->xml);
		free(f->url);
	}
	free(c->f);
}

/* Write the feeds out, to look at them or feed them to something else. */
static int dump_corpus(const corpus *c, const char *dir)
{
	for (size_t k = 0; k < c->n; k++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/feed-%03zu.xml", dir, k);
		FILE *fp = fopen(path, "wb");
		if (!fp || fwrite(c->f[k].xml, 1, c->f[k].len, fp) != c->f[k].len) {
			fprintf(stderr, "bench_feed: cannot write %s\n", path);
			if (fp)
				fclose(fp);
			return 1;
		}
		if (fclose(fp) != 0) {
			fprintf(stderr, "bench_feed: cannot write %s\n", path);
			return 1;
		}
	}
	fprintf(stderr, "bench_feed: wrote %zu feeds to %s\n", c->n, dir);
	return 0;
}

/* ---- the checked pass ---------------------------------------------------------------- */

typedef struct {
	const feed *f;
	size_t i, bad;
} check_state;

static size_t complaints;

static void complain(check_state *cs, const char *what, const char *got, const char *want)
{
	cs->bad++;
	if (complaints++ < 10)
		fprintf(stderr, "bench_feed: %s item %zu: %s is \"%s\", expected \"%s\"\n",
		        cs->f->url, cs->i, what, got ? got : "(null)", want);
}

static int check_sink(void *ud, hs_post *p)
{
	check_state *cs = ud;
	if (cs->i < cs->f->n_items) {
		const expect *e = &cs->f->exp[cs->i];
		static const char *const leftovers[] = { "&eacute;", "&#", "&amp;", "&lt;", "&gt;",
			                                  "<p>", "<a ", "</", "&nbsp;", "CDATA" };
		if (!p->title || strcmp(p->title, e->title) != 0)
			complain(cs, "title", p->title, e->title);
		if (!p->url || strcmp(p->url, e->url) != 0)
			complain(cs, "url", p->url, e->url);
		if (!p->author || strcmp(p->author, e->author) != 0)
			complain(cs, "author", p->author, e->author);
		if (p->created_us != e->created_us) {
			char got[32], want[32];
			snprintf(got, sizeof(got), "%" PRId64, p->created_us);
			snprintf(want, sizeof(want), "%" PRId64, e->created_us);
			complain(cs, "created_us", got, want);
		}
		if (!p->text || strlen(p->text) < 40)
			complain(cs, "text", p->text, "at least 40 bytes");
		for (size_t k = 0; p->text && k < sizeof(leftovers) / sizeof(*leftovers); k++)
			if (strstr(p->text, leftovers[k]))
				complain(cs, "text (markup left in it)", p->text, "plain text");
	}
	cs->i++;
	hs_post_free(p);
	return 0;
}

static int check_corpus(const corpus *c)
{
	size_t bad = 0;
	for (size_t k = 0; k < c->n; k++) {
		const feed *f = &c->f[k];
		check_state cs = { .f = f };
		hs_feed_info info;
		char err[256];
		int n = hs_feed_parse(f->xml, f->len, "utf-8", "bench", f->url, NOW_S * 1000000,
		                      check_sink, &cs, &info, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "bench_feed: %s refused: %s\n", f->url, err);
			bad++;
		} else if ((size_t)n != f->n_items || cs.i != f->n_items) {
			fprintf(stderr, "bench_feed: %s: %d posts (sink saw %zu), %zu generated\n", f->url,
			        n, cs.i, f->n_items);
			bad++;
		} else if (info.n_xml_errors || info.n_skipped || info.n_undated ||
		           !info.format || strcmp(info.format, fmt_info[f->fmt]) != 0) {
			fprintf(stderr, "bench_feed: %s: format %s (expected %s), %zu XML errors, "
			        "%zu skipped, %zu undated\n", f->url, info.format ? info.format : "?",
			        fmt_info[f->fmt], info.n_xml_errors, info.n_skipped, info.n_undated);
			bad++;
		}
		bad += cs.bad;
		hs_feed_info_free(&info);
	}
	return bad ? -1 : 0;
}

/* ---- the timed passes ----------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile size_t keep; /* results the compiler must not drop */

static int count_sink(void *ud, hs_post *p)
{
	(*(size_t *)ud)++;
	hs_post_free(p);
	return 0;
}

/* Each pass returns the items it saw over the whole corpus. */
static size_t pass_parser(const corpus *c)
{
	size_t items = 0;
	char err[256];
	for (size_t k = 0; k < c->n; k++) {
		const feed *f = &c->f[k];
		if (hs_feed_parse(f->xml, f->len, "utf-8", "bench", f->url, NOW_S * 1000000, count_sink,
		                  &items, NULL, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench_feed: %s refused: %s\n", f->url, err);
			exit(1);
		}
	}
	return items;
}

static size_t pass_baseline(const corpus *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const feed *f = &c->f[k];
		xmlDocPtr doc = xmlReadMemory(f->xml, (int)f->len, f->url, "UTF-8", BASE_XML_OPTIONS);
		if (!doc) {
			fprintf(stderr, "bench_feed: libxml2 refused %s\n", f->url);
			exit(1);
		}
		xmlFreeDoc(doc);
	}
	return c->items; /* it parses them all, it just does not look */
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Text of an element, as a careless reader would take it. */
static size_t grab(xmlNodePtr n)
{
	xmlChar *s = xmlNodeGetContent(n);
	size_t len = s ? strlen((const char *)s) : 0;
	xmlFree(s);
	return len;
}

static size_t naive_item(xmlNodePtr it)
{
	size_t got = 0;
	for (xmlNodePtr n = it->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (named(n, "title") || named(n, "description") || named(n, "summary") ||
		    named(n, "content") || named(n, "encoded")) {
			got += grab(n);
		} else if (named(n, "link")) {
			xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
			if (href) {
				got += strlen((const char *)href);
				xmlFree(href);
			} else {
				got += grab(n);
			}
		}
	}
	return got;
}

static size_t pass_naive(const corpus *c)
{
	size_t items = 0, chars = 0;
	for (size_t k = 0; k < c->n; k++) {
		const feed *f = &c->f[k];
		xmlDocPtr doc = xmlReadMemory(f->xml, (int)f->len, f->url, "UTF-8", BASE_XML_OPTIONS);
		xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
		if (!root) {
			fprintf(stderr, "bench_feed: libxml2 refused %s\n", f->url);
			exit(1);
		}
		/* items and entries under the root or one level down (the RSS channel) */
		for (xmlNodePtr n = root->children; n; n = n->next) {
			if (named(n, "item") || named(n, "entry")) {
				chars += naive_item(n);
				items++;
			} else if (named(n, "channel")) {
				for (xmlNodePtr m = n->children; m; m = m->next)
					if (named(m, "item")) {
						chars += naive_item(m);
						items++;
					}
			}
		}
		xmlFreeDoc(doc);
	}
	keep += chars;
	return items;
}

typedef struct {
	const char *label;
	size_t (*pass)(const corpus *);
	long passes;     /* per round */
	double *t;       /* seconds per round */
	double median, lo, hi;
} method;

static double round_of(method *m, const corpus *c)
{
	size_t items = 0;
	double t0 = now_s();
	for (long p = 0; p < m->passes; p++)
		items += m->pass(c);
	double t = now_s() - t0;
	if (items != (size_t)m->passes * c->items) {
		fprintf(stderr, "bench_feed: %s saw %zu items, %zu generated\n", m->label, items,
		        (size_t)m->passes * c->items);
		exit(1);
	}
	return t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(FILE *to, const char *argv0)
{
	fprintf(to,
	        "usage: %s [--seconds S] [--rounds N] [--passes P] [--feeds F] [--dump DIR]\n"
	        "  --seconds S  minimum time of one measured round of each kind (default 0.6)\n"
	        "  --rounds N   measured rounds of each kind; the median is reported (default 7)\n"
	        "  --passes P   passes over the corpus per round, instead of --seconds\n"
	        "  --feeds F    feeds in the generated corpus (default 30)\n"
	        "  --dump DIR   write the corpus to DIR/feed-NNN.xml (DIR must exist) and exit\n",
	        argv0);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' }, { "rounds", required_argument, NULL, 'r' },
		{ "passes", required_argument, NULL, 'p' },  { "feeds", required_argument, NULL, 'f' },
		{ "dump", required_argument, NULL, 'd' },    { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double seconds = 0.6;
	long rounds = 7, fixed_passes = 0, n_feeds = 30;
	int opt;
	char *end;
	const char *dump = NULL;

	while ((opt = getopt_long(argc, argv, "s:r:p:f:d:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds >= 0 && seconds <= 600))
				goto bad;
			break;
		case 'r':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > 1000)
				goto bad;
			break;
		case 'p':
			fixed_passes = strtol(optarg, &end, 10);
			if (*end || fixed_passes < 1 || fixed_passes > 1000000)
				goto bad;
			break;
		case 'f':
			n_feeds = strtol(optarg, &end, 10);
			if (*end || n_feeds < 1 || n_feeds > 100000)
				goto bad;
			break;
		case 'd':
			dump = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;

	xmlInitParser();
	LIBXML_TEST_VERSION;

	/* the corpus */
	corpus c = { .n = (size_t)n_feeds };
	size_t per_fmt[N_FMT] = { 0 };
	if (!(c.f = calloc(c.n, sizeof(*c.f)))) {
		fprintf(stderr, "bench_feed: out of memory\n");
		return 1;
	}
	size_t *sizes = malloc(c.n * sizeof(*sizes));
	if (!sizes) {
		fprintf(stderr, "bench_feed: out of memory\n");
		return 1;
	}
	for (size_t k = 0; k < c.n; k++) {
		gen_feed(&c.f[k], k);
		c.items += c.f[k].n_items;
		c.bytes += c.f[k].len;
		sizes[k] = c.f[k].len;
		per_fmt[c.f[k].fmt]++;
	}
	qsort(sizes, c.n, sizeof(*sizes), cmp_size);
	printf("  corpus: %zu feeds (%zu RSS 2.0, %zu Atom html, %zu Atom xhtml, %zu RSS 1.0), "
	       "%zu items, %.2f MB;\n"
	       "          feed size %.0f..%.0f KB, median %.0f KB, mean item %.0f bytes\n",
	       c.n, per_fmt[FMT_RSS2], per_fmt[FMT_ATOM_HTML], per_fmt[FMT_ATOM_XHTML],
	       per_fmt[FMT_RSS1], c.items, (double)c.bytes / 1e6, (double)sizes[0] / 1024,
	       (double)sizes[c.n - 1] / 1024, (double)sizes[c.n / 2] / 1024,
	       (double)c.bytes / (double)c.items);
	free(sizes);
	fflush(stdout);
	if (dump) {
		int rc = dump_corpus(&c, dump);
		corpus_free(&c);
		xmlCleanupParser();
		return rc;
	}

	/* correctness first: every item, with the right title, link, author, date */
	if (check_corpus(&c) < 0) {
		fprintf(stderr, "bench_feed: hs_feed_parse does not return the generated items\n");
		printf("bench_feed: status=fail feeds=%zu items=%zu bytes=%zu\n", c.n, c.items, c.bytes);
		corpus_free(&c);
		xmlCleanupParser();
		return 1;
	}
	fprintf(stderr, "bench_feed: checked: hs_feed_parse returns all %zu items as generated\n",
	        c.items);

	method m[3] = {
		{ .label = "baseline", .pass = pass_baseline },
		{ .label = "naive", .pass = pass_naive },
		{ .label = "parser", .pass = pass_parser },
	};
	/* an untimed warm-up pass of each, then a timed one that sizes the rounds */
	for (int k = 0; k < 3; k++) {
		m[k].passes = 1;
		round_of(&m[k], &c);
		double t = round_of(&m[k], &c);
		if (fixed_passes)
			m[k].passes = fixed_passes;
		else
			m[k].passes = t > 0 ? (long)ceil(seconds / t) : 1;
		if (m[k].passes < 1)
			m[k].passes = 1;
		if (!(m[k].t = calloc((size_t)rounds, sizeof(double)))) {
			fprintf(stderr, "bench_feed: out of memory\n");
			return 1;
		}
	}
	/* interleaved rounds, so that a change in machine load hits all three alike */
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < 3; k++)
			m[k].t[r] = round_of(&m[k], &c);
		fprintf(stderr, "bench_feed: round %ld/%ld: baseline %.3f s, naive %.3f s, parser %.3f s\n",
		        r + 1, rounds, m[0].t[r], m[1].t[r], m[2].t[r]);
	}
	for (int k = 0; k < 3; k++) {
		qsort(m[k].t, (size_t)rounds, sizeof(double), cmp_double);
		m[k].median = rounds % 2 ? m[k].t[rounds / 2]
		                         : (m[k].t[rounds / 2 - 1] + m[k].t[rounds / 2]) / 2;
		m[k].lo = m[k].t[0];
		m[k].hi = m[k].t[rounds - 1];
	}

	static const char *const what[3] = {
		"baseline: xmlReadMemory + xmlFreeDoc   ",
		"naive: baseline + xmlNodeGetContent    ",
		"hs_feed_parse (posts built + freed)    ",
	};
	double ips[3], mbps[3];
	printf("  one thread, median of %ld rounds        passes   MB/round  s/round  spread     "
	       "items/s     MB/s\n", rounds);
	for (int k = 0; k < 3; k++) {
		double bytes = (double)c.bytes * (double)m[k].passes;
		double items = (double)c.items * (double)m[k].passes;
		ips[k] = items / m[k].median;
		mbps[k] = bytes / 1e6 / m[k].median;
		printf("  %s %6ld %10.1f %8.3f %6.1f%% %11.0f %8.1f\n", what[k], m[k].passes,
		       bytes / 1e6, m[k].median, 100 * (m[k].hi - m[k].lo) / m[k].median, ips[k], mbps[k]);
	}
	double over_base = mbps[0] / mbps[2], over_naive = mbps[1] / mbps[2];
	printf("  hs_feed_parse takes %.2fx the time of the baseline (libxml2 parsing the same bytes is"
	       " %.0f %% of it)\n  and %.2fx the time of the naive extraction\n", over_base,
	       100 / over_base, over_naive);
	printf("bench_feed: status=ok feeds=%zu items=%zu bytes=%zu rounds=%ld "
	       "base_items_per_s=%.0f base_mb_per_s=%.1f naive_items_per_s=%.0f naive_mb_per_s=%.1f "
	       "parse_items_per_s=%.0f parse_mb_per_s=%.1f parse_over_base=%.2f\n",
	       c.n, c.items, c.bytes, rounds, ips[0], mbps[0], ips[1], mbps[1], ips[2], mbps[2],
	       over_base);
	for (int k = 0; k < 3; k++)
		free(m[k].t);
	corpus_free(&c);
	xmlCleanupParser();
	return 0;
bad:
	usage(stderr, argv[0]);
	return 2;
}
