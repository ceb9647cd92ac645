/* hearsay: unit tests for the rss collector's parser (collectors/rss/):
 * hs_feed_parse on the fixtures in tests/fixtures/feeds/ (one per format
 * and per edge case), hs_feed_parse_date, hs_html_to_text, limits, and
 * concurrent use from several threads.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "scratch.h"

#include <hearsay/post.h>

#include "collectors/rss/feed.h"
#include "collectors/rss/feed_internal.h"
#include "timeutil.h"
#include "utf8.h"

#ifndef HS_SRCDIR
#define HS_SRCDIR "."
#endif

/* 2026-05-20T12:00:00Z: the fetch time of every parse here */
#define NOW_US (1779278400LL * 1000000)
#define NOW_STR "2026-05-20T12:00:00.000000Z"

/* ---- helpers ---------------------------------------------------------------------- */

typedef struct coll {
	hs_post **p;
	size_t n, cap;
	size_t stop_after; /* 0: never stop */
} coll;

static int sink(void *ud, hs_post *p)
{
	coll *c = ud;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->p = realloc(c->p, c->cap * sizeof(*c->p));
		ck_assert_ptr_nonnull(c->p);
	}
	c->p[c->n++] = p;
	return c->stop_after && c->n >= c->stop_after;
}

static void coll_free(coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		hs_post_free(c->p[i]);
	free(c->p);
	memset(c, 0, sizeof(*c));
}

static char *load(const char *name, size_t *len)
{
	return hs_fixture_load("feeds", name, len);
}

/* Parse a fixture; returns hs_feed_parse's result. */
static int parse_file(const char *name, const char *base, const char *charset, coll *c,
                      hs_feed_info *info, char *err, size_t errlen)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = hs_feed_parse(buf, len, charset, "test-src", base, NOW_US, sink, c, info,
	                       err, errlen);
	free(buf);
	return rc;
}

static int parse_str(const char *doc, const char *base, coll *c, hs_feed_info *info,
                     char *err, size_t errlen)
{
	return hs_feed_parse(doc, strlen(doc), NULL, "test-src", base, NOW_US, sink, c, info,
	                     err, errlen);
}

static void eq_str(const char *what, const char *got, const char *want)
{
	if (!want) {
		ck_assert_msg(got == NULL, "%s: expected NULL, got \"%s\"", what, got);
		return;
	}
	ck_assert_msg(got != NULL, "%s: expected \"%s\", got NULL", what, want);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got  \"%s\"\n  want \"%s\"", what, got, want);
}

static void eq_time(const char *what, int64_t got, const char *want)
{
	char buf[40];
	hs_time_format(got, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%s: got %s, want %s", what, buf, want);
}

/* Every invariant a post from the parser must meet. */
static void check_invariants(const hs_post *p)
{
	const char *fields[] = { p->source_id, p->url, p->author, p->lang, p->title, p->text };
	ck_assert_ptr_nonnull(p->source);
	ck_assert_str_eq(p->source, "test-src");
	ck_assert_ptr_nonnull(p->source_id);
	ck_assert(p->source_id[0] != '\0');
	ck_assert_ptr_nonnull(p->text);
	ck_assert(p->fetched_us == NOW_US);
	ck_assert_ptr_null(p->feed);
	ck_assert_ptr_null(p->cursor);
	ck_assert(p->id == 0 && p->feed_seq == 0);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!fields[i])
			continue;
		ck_assert(hs_utf8_valid(fields[i], strlen(fields[i])));
		for (const unsigned char *s = (const unsigned char *)fields[i]; *s; s++)
			ck_assert_msg(*s >= 0x20 || (*s == '\n' && fields[i] == p->text),
			              "control character 0x%02x in \"%s\"", *s, fields[i]);
	}
	if (p->url)
		ck_assert(strncmp(p->url, "http://", 7) == 0 || strncmp(p->url, "https://", 8) == 0);
	for (size_t i = 0; i < p->n_tags; i++) {
		ck_assert(p->tags[i][0] != '\0');
		ck_assert(hs_utf8_valid(p->tags[i], strlen(p->tags[i])));
	}
}

static void eq_post(const hs_post *p, const char *id, const char *url, const char *author,
                    const char *lang, const char *created, const char *title, const char *text)
{
	check_invariants(p);
	eq_str("source_id", p->source_id, id);
	eq_str("url", p->url, url);
	eq_str("author", p->author, author);
	eq_str("lang", p->lang, lang);
	eq_time("created", p->created_us, created);
	eq_str("title", p->title, title);
	eq_str("text", p->text, text);
}

static void eq_tags(const hs_post *p, size_t n, ...)
{
	va_list ap;
	ck_assert_msg(p->n_tags == n, "%zu tags, want %zu", p->n_tags, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		eq_str("tag", p->tags[i], va_arg(ap, const char *));
	va_end(ap);
}

/* ---- formats ---------------------------------------------------------------------- */

START_TEST(test_rss2_basic)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("rss2_basic.xml", "https://courier.example.org/feed/", NULL, &c,
	                    &info, err, sizeof(err));

	ck_assert_msg(rc == 4, "rc %d: %s", rc, err);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(c.n, 4);
	ck_assert_str_eq(info.format, "rss2");
	eq_str("feed title", info.title, "The Rivertown Courier \xe2\x80\x94 Local News");
	eq_str("feed link", info.link, "https://courier.example.org/");
	eq_str("feed lang", info.lang, "en");
	ck_assert_str_eq(info.charset, "UTF-8");
	ck_assert_uint_eq(info.n_items, 4);
	ck_assert_uint_eq(info.n_skipped, 0);
	ck_assert_uint_eq(info.n_undated, 0);
	ck_assert_uint_eq(info.n_xml_errors, 0);
	ck_assert_int_eq(info.truncated, 0);

	/* content:encoded wins over description; <p> is a paragraph, <br> a
	 * line, script and style vanish with their content */
	eq_post(c.p[0], "https://courier.example.org/?p=1042",
	        "https://courier.example.org/2026/05/16/bridge-street-closed/", "Maria Okafor", "en",
	        "2026-05-16T09:12:00.000000Z", "Bridge Street closed for repairs until Friday",
	        "The town council has closed Bridge Street between Mill Lane and the river for "
	        "urgent repairs.\n\nDetours are signposted.\nBuses 4 and 7 are rerouted.");
	eq_tags(c.p[0], 2, "Traffic", "Town Hall");
	/* relative link against the feed URL; RSS author element; -0400 */
	eq_post(c.p[1], "https://courier.example.org/2026/05/15/quarry-party/",
	        "https://courier.example.org/2026/05/15/quarry-party/",
	        "newsroom@courier.example.org (Newsroom)", "en", "2026-05-15T22:30:05.000000Z",
	        "Teens planning \"party\" at the quarry, residents worried",
	        "Several residents of the Hillcrest estate contacted the Courier after posts on "
	        "social media announced a party at the old quarry on Saturday night.");
	eq_tags(c.p[1], 1, "Community");
	/* no guid, no link: hash of title and date */
	eq_post(c.p[2], "a1af9855b94cec5ed8fad635827ed042", NULL, NULL, "en",
	        "2026-05-14T07:00:00.000000Z", "Farmers' market returns",
	        "The market returns to Church Square every Sunday from 9 am.");
	eq_tags(c.p[2], 0);
	/* no link: the permalink guid is the URL; no description: "" */
	eq_post(c.p[3], "https://courier.example.org/2026/05/13/library-hours/",
	        "https://courier.example.org/2026/05/13/library-hours/", NULL, "en",
	        "2026-05-13T16:00:00.000000Z", "Library extends opening hours", "");
	hs_feed_info_free(&info);
	ck_assert_ptr_null(info.title);
	coll_free(&c);
}
END_TEST

START_TEST(test_rss2_no_base_url)
{
	coll c = { 0 };
	char err[256];
	int rc = parse_file("rss2_basic.xml", NULL, NULL, &c, NULL, err, sizeof(err));

	ck_assert_int_eq(rc, 4);
	/* a relative link cannot be resolved: the (permalink) guid is the URL */
	eq_str("url", c.p[1]->url, "https://courier.example.org/2026/05/15/quarry-party/");
	eq_str("id", c.p[1]->source_id, "https://courier.example.org/2026/05/15/quarry-party/");
	eq_str("url", c.p[0]->url, "https://courier.example.org/2026/05/16/bridge-street-closed/");
	coll_free(&c);
}
END_TEST

START_TEST(test_rss1_rdf)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("rss1_rdf.xml", "https://oosterwold-nieuws.example.org/rss.rdf", NULL,
	                    &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.format, "rss1");
	eq_str("feed title", info.title, "Oosterwold Nieuws");
	eq_str("feed link", info.link, "https://oosterwold-nieuws.example.org/");
	eq_str("feed lang", info.lang, "nl");
	/* rdf:about is the id; &#160; is a space; dc:date with an offset */
	eq_post(c.p[0], "https://oosterwold-nieuws.example.org/artikel/381",
	        "https://oosterwold-nieuws.example.org/artikel/381", "Redactie", "nl",
	        "2026-05-16T19:45:00.000000Z", "Vuurwerkoverlast in de Dorpsstraat",
	        "Bewoners van de Dorpsstraat klagen over vuurwerk in de avonduren.");
	eq_tags(c.p[0], 2, "Veiligheid", "Dorpsstraat");
	/* xml:lang on the item beats the channel's dc:language; escaped HTML
	 * in content:encoded with a double-escaped &nbsp;; Dutch date */
	eq_post(c.p[1], "urn:oosterwold:artikel:380", "https://oosterwold-nieuws.example.org/artikel/380",
	        NULL, "en", "2026-05-16T08:00:00.000000Z", "Municipality opens new youth centre",
	        "The youth centre on Kerkweg opens on Saturday 23 May.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_atom)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("atom.xml", "https://maplefield.example.org/blog/atom.xml", NULL, &c,
	                    &info, err, sizeof(err));

	ck_assert_msg(rc == 3, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.format, "atom");
	eq_str("feed title", info.title, "Maplefield Parish Notices");
	eq_str("feed link", info.link, "https://maplefield.example.org/blog/");
	eq_str("feed lang", info.lang, "en");
	/* html content, the alternate link (not the enclosure) against
	 * xml:base, published rather than updated, category terms */
	eq_post(c.p[0], "tag:maplefield.example.org,2026:notice-77",
	        "https://maplefield.example.org/blog/2026/05/fete-road-closures", "Sam Whitfield",
	        "en", "2026-05-15T16:00:00.000000Z", "Village fete: road closures",
	        "High Street will be closed from 10:00.\n\nParking at the school\nShuttle bus");
	eq_tags(c.p[0], 2, "events", "traffic");
	/* xhtml title and content, a link without rel against the entry's own
	 * xml:base, updated as the date, the content's xml:lang, the feed's
	 * author */
	eq_post(c.p[1], "tag:maplefield.example.org,2026:notice-76",
	        "https://maplefield.example.org/council/minutes/2026-05", "Parish Clerk", "cy",
	        "2026-05-14T19:30:00.000000Z", "Council meeting minutes",
	        "Cofnodion y cyfarfod.\n\nMinutes of the meeting & actions.");
	/* a text title is not HTML; the text/html alternate beats the PDF;
	 * out-of-line content falls back to the (text) summary; fractions */
	eq_post(c.p[2], "tag:maplefield.example.org,2026:notice-75",
	        "https://maplefield.example.org/notices/75", "Parish Clerk", "en",
	        "2026-05-13T09:00:00.250000Z", "Less <than> ideal: A < B", "Line one\nLine two");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_atom03)
{
	coll c = { 0 };
	char err[256];
	int rc = parse_file("atom03.xml", NULL, NULL, &c, NULL, err, sizeof(err));

	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	/* issued is the date; escaped HTML content */
	eq_post(c.p[0], "tag:zuiderhaven.example.org,2026-05-10:vrijwilligers",
	        "https://zuiderhaven.example.org/2026/05/vrijwilligers", "Wijkraad", "nl",
	        "2026-05-10T08:00:00.000000Z", "Buurtpreventie zoekt vrijwilligers",
	        "Meld je aan bij de wijkraad.");
	/* base64 image content is no text: the summary is */
	eq_post(c.p[1], "tag:zuiderhaven.example.org,2026-05-09:foto",
	        "https://zuiderhaven.example.org/2026/05/foto", "Wijkraad", "nl",
	        "2026-05-09T09:00:00.000000Z", "Foto van de week",
	        "Het havenfront bij zonsondergang.");
	coll_free(&c);
}
END_TEST

START_TEST(test_atom_inline)
{
	/* whitespace between inline XHTML elements survives; a feed without
	 * namespace is read as Atom; no link, no date */
	const char *doc =
		"<feed><entry><id>e1</id><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
		"<b>Road</b> <i>closed</i></div></title>"
		"<summary type=\"html\">&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;</summary>"
		"<link rel=\"self\" href=\"https://a.example.org/self\"/>"
		"<link rel=\"alternate\" href=\"javascript:alert(1)\"/></entry></feed>";
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_str(doc, "https://a.example.org/", &c, &info, err, sizeof(err)), 1);
	eq_post(c.p[0], "e1", NULL, NULL, NULL, NOW_STR, "Road closed", "a\n\nb");
	ck_assert_uint_eq(info.n_undated, 1);
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

/* ---- charsets ---------------------------------------------------------------------- */

START_TEST(test_latin1_prolog)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	/* the server says UTF-8, wrongly; the bytes are not UTF-8 and the
	 * declaration says ISO-8859-1 */
	int rc = parse_file("latin1_prolog.xml", NULL, "utf-8", &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.charset, "ISO-8859-1");
	eq_str("feed title", info.title, "Le Petit \xc3\x89" "cho de Valmont-sur-Lac");
	eq_post(c.p[0], "https://echo-valmont.example.org/articles/2025/12/rue-eglise",
	        "https://echo-valmont.example.org/articles/2025/12/rue-eglise", NULL, "fr",
	        "2025-12-16T13:30:00.000000Z",
	        "Fermeture de la rue de l'\xc3\x89glise jusqu'au 20 d\xc3\xa9" "cembre",
	        "Les travaux de voirie d\xc3\xa9" "butent lundi ; la d\xc3\xa9viation passe par la "
	        "place du March\xc3\xa9.");
	eq_tags(c.p[0], 1, "Circulation");
	eq_post(c.p[1], "https://echo-valmont.example.org/articles/2026/03/fete-du-lac",
	        "https://echo-valmont.example.org/articles/2026/03/fete-du-lac", NULL, "fr",
	        "2026-03-02T07:05:00.000000Z", "F\xc3\xaate du lac : programme",
	        "Concerts, march\xc3\xa9 nocturne et feu d'artifice \xc3\xa0 22 h.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_windows1252)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("windows1252.xml", NULL, NULL, &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.charset, "windows-1252");
	/* 0x84 0x93 quotes, 0x80 euro, 0x96 en dash; German date in MESZ */
	eq_post(c.p[0], "https://anzeiger-lindenau.example.org/lokales/stadtfest-kosten",
	        "https://anzeiger-lindenau.example.org/lokales/stadtfest-kosten",
	        "J\xc3\xb6rg Br\xc3\xa4ndle", "de", "2026-05-16T06:15:00.000000Z",
	        "\xe2\x80\x9eStadtfest\xe2\x80\x9c kostet 12.000 \xe2\x82\xac \xe2\x80\x93 Rat streitet",
	        "Der Stadtrat diskutierte am Dienstag \xc3\xbc" "ber die Kosten des Stadtfests. "
	        "\xe2\x80\x9cZu teuer\xe2\x80\x9d, sagt die Opposition.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_wrong_charset_utf8)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	/* valid UTF-8 wins over both the declaration (ISO-8859-1) and the
	 * server (windows-1252) */
	int rc = parse_file("wrong_charset_utf8.xml", NULL, "windows-1252", &c, &info, err,
	                    sizeof(err));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.charset, "UTF-8");
	eq_post(c.p[0], "https://harbourside.example.org/news/zoes-cafe",
	        "https://harbourside.example.org/news/zoes-cafe", NULL, NULL,
	        "2026-05-11T10:00:00.000000Z",
	        "Zo\xc3\xab\xe2\x80\x99s caf\xc3\xa9 reopens \xe2\x80\x93 na\xc3\xafve art on show",
	        "The caf\xc3\xa9 on Quay Street reopens on Monday.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_http_charset)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc;

	/* no encoding in the document: the Content-Type charset decides */
	rc = parse_file("latin1_http_charset.xml", NULL, "ISO-8859-1", &c, &info, err, sizeof(err));
	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.charset, "ISO-8859-1");
	eq_str("title", c.p[0]->title, "R\xc3\xa9union publique \xc3\xa0 la mairie");
	eq_str("text", c.p[0]->text, "Ordre du jour : s\xc3\xa9" "curit\xc3\xa9 routi\xc3\xa8re.");
	hs_feed_info_free(&info);
	coll_free(&c);

	/* nothing declared at all: an 8-bit charset is guessed */
	rc = parse_file("latin1_http_charset.xml", NULL, NULL, &c, &info, err, sizeof(err));
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(info.charset, "windows-1252 (guessed)");
	eq_str("title", c.p[0]->title, "R\xc3\xa9union publique \xc3\xa0 la mairie");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_utf16)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("utf16le_bom.xml", NULL, "iso-8859-1", &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.charset, "UTF-16LE");
	eq_post(c.p[0], "https://rundschau.example.org/sperrung", "https://rundschau.example.org/sperrung",
	        NULL, NULL, "2026-05-15T04:00:00.000000Z",
	        "Stra\xc3\x9f" "ensperrung in der Hauptstra\xc3\x9f" "e \xf0\x9f\x9a\xa7",
	        "Wegen Bauarbeiten bis Ende Juni.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_iconv_charset)
{
	/* a charset only iconv knows: ISO-8859-15 (0xA4 is the euro sign) */
	const char doc[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><rss><channel><item>"
	                   "<guid>k1</guid><title>Prix : 5 \xa4</title></item></channel></rss>";
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_str(doc, NULL, &c, &info, err, sizeof(err)), 1);
	ck_assert_str_eq(info.charset, "ISO-8859-15");
	eq_str("title", c.p[0]->title, "Prix : 5 \xe2\x82\xac");
	hs_feed_info_free(&info);
	coll_free(&c);

	/* a charset web pages do not use is never handed to iconv: the bytes
	 * are guessed instead */
	const char odd[] = "<?xml version=\"1.0\" encoding=\"ISO-2022-CN-EXT\"?><rss><channel><item>"
	                   "<guid>k2</guid><title>Caf\xe9</title></item></channel></rss>";
	ck_assert_int_eq(hs_feed_parse(odd, strlen(odd), "UTF-7", "test-src", NULL, NOW_US, sink,
	                               &c, &info, err, sizeof(err)), 1);
	ck_assert_str_eq(info.charset, "windows-1252 (guessed)");
	eq_str("title", c.p[0]->title, "Caf\xc3\xa9");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_control_chars_bom)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("control_chars.xml", NULL, NULL, &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_uint_eq(info.n_xml_errors, 0);
	eq_str("feed title", info.title, "Millbrook Gazette");
	eq_post(c.p[0], "https://gazette.example.org/elm-road-noise",
	        "https://gazette.example.org/elm-road-noise", NULL, NULL,
	        "2026-05-10T23:59:59.000000Z", "Noise complaint[0m on Elm Road",
	        "Residents report loud music after midnight.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

/* ---- markup ------------------------------------------------------------------------ */

START_TEST(test_html_entities_in_xml)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("html_entities.xml", NULL, NULL, &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	ck_assert_uint_eq(info.n_xml_errors, 0);
	eq_str("feed title", info.title, "Fairhaven Post \xe2\x80\x93 Community");
	eq_str("feed link", info.link, "https://fairhaven-post.example.org/?section=community&page=1");
	/* a bare '&', HTML entities XML does not define, an unknown one kept
	 * literally, &#150; read as windows-1252 */
	eq_post(c.p[0], "https://fairhaven-post.example.org/story?id=88&ref=rss&utm_source=feed",
	        "https://fairhaven-post.example.org/story?id=88&ref=rss&utm_source=feed", NULL, NULL,
	        "2026-05-12T16:00:00.000000Z",
	        "Fish & Chips night at the Caf\xc3\xa9 Royal \xe2\x80\x99til late\xe2\x80\xa6",
	        "Tickets cost \xc2\xa3" "5 \xe2\x80\x94 \xc2\xa9 Fairhaven Post. Use code \"FISH\". "
	        "&bogus; stays, \xe2\x80\x93 is a dash, \xf0\x9f\x90\x9f is a fish, "
	        "\xe2\x80\x99quoted\xe2\x80\x99.");
	/* raw HTML (unclosed <br>, unquoted attributes) inside a description
	 * does not swallow the rest of the item or the next one */
	eq_post(c.p[1], "https://fairhaven-post.example.org/story?id=87",
	        "https://fairhaven-post.example.org/story?id=87", NULL, NULL,
	        "2026-05-11T08:00:00.000000Z", "Raw HTML in a description",
	        "First line\nsecond line\nthird & last link");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_doctype_entities_not_expanded)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("doctype_entities.xml", NULL, NULL, &c, &info, err, sizeof(err));

	/* the DOCTYPE is dropped: external entities are never read, internal
	 * ones never expanded (no XXE, no billion laughs); references to them
	 * stay as literal text */
	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	eq_str("feed title", info.title, "&site;");
	eq_post(c.p[0], "https://ashford-ledger.example.org/entities",
	        "https://ashford-ledger.example.org/entities", NULL, NULL,
	        "2026-05-16T12:00:00.000000Z", "Entity test &xxe;",
	        "Laughs: &lol3; Remote: &remote; Normal: caf\xc3\xa9.");
	ck_assert_ptr_null(strstr(c.p[0]->text, "root:"));
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_rss091_netscape)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("rss091_netscape.xml", NULL, NULL, &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, err);
	ck_assert_str_eq(info.format, "rss2");
	eq_str("feed lang", info.lang, "en");
	/* no guid, no date: the link is the id, created is the fetch time */
	eq_post(c.p[0], "http://greenvale.example.org/news.php?id=312&cat=local",
	        "http://greenvale.example.org/news.php?id=312&cat=local", NULL, "en", NOW_STR,
	        "Fly-tipping on Copse Lane \xe2\x80\x93 again",
	        "Residents found sofas and tyres dumped near the footpath \xe2\x80\x94 the council "
	        "will clear it on Monday.");
	ck_assert_uint_eq(info.n_undated, 1);
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_undeclared_prefixes)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("broken_namespaces.xml", "https://northgate.example.org/feed.xml", NULL,
	                    &c, &info, err, sizeof(err));

	/* dc: and content: used without declaring them still count; an item
	 * with nothing in it is skipped; "Deutsch" is no language code, the
	 * document's xml:lang applies */
	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	ck_assert_uint_gt(info.n_xml_errors, 0);
	ck_assert_uint_eq(info.n_items, 3);
	ck_assert_uint_eq(info.n_skipped, 1);
	ck_assert_uint_eq(info.n_undated, 0);
	eq_post(c.p[0], "https://northgate.example.org/news/street-lights",
	        "https://northgate.example.org/news/street-lights", "Priya Nair", "en",
	        "2026-05-14T21:05:00.000000Z", "Street lights out on Kings Road",
	        "Residents say the lights have been out for a week.");
	eq_tags(c.p[0], 1, "Safety");
	eq_post(c.p[1], "https://northgate.example.org/news/sperrung",
	        "https://northgate.example.org/news/sperrung", NULL, "en",
	        "2026-05-13T06:00:00.000000Z", "Ungeplante Sperrung", "Text");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_links)
{
	const char *doc =
		"<rss><channel><link>ftp://files.example.org/</link>"
		"<item><guid>l1</guid><link>javascript:alert(1)</link></item>"
		"<item><guid>l2</guid><link>mailto:desk@example.org</link></item>"
		"<item><guid>l3</guid><link>  /news/a b/caf\xc3\xa9?q=1&amp;r=2#top \n</link></item>"
		"<item><guid>l4</guid><link>//cdn.example.org/x</link></item>"
		"<item><guid>l5</guid><link>HTTPS://Example.ORG/Path</link></item>"
		"<item><guid>l6</guid><link></link><link href=\"/from-href\"/></item>"
		"<item><guid>l7</guid><link>https:///no-host</link></item>"
		"<item><guid>l8</guid><link>../up/../x/./y</link></item>"
		"</channel></rss>";
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_str(doc, "https://news.example.org/feeds/main.xml", &c, &info, err,
	                           sizeof(err)), 8);
	eq_str("feed link", info.link, NULL);
	eq_str("javascript", c.p[0]->url, NULL);
	eq_str("mailto", c.p[1]->url, NULL);
	eq_str("escaped", c.p[2]->url, "https://news.example.org/news/a%20b/caf%C3%A9?q=1&r=2#top");
	eq_str("scheme-relative", c.p[3]->url, "https://cdn.example.org/x");
	eq_str("upper-case scheme", c.p[4]->url, "https://Example.ORG/Path");
	eq_str("href attribute", c.p[5]->url, "https://news.example.org/from-href");
	eq_str("no host", c.p[6]->url, NULL);
	eq_str("dot segments", c.p[7]->url, "https://news.example.org/x/y");
	for (size_t i = 0; i < c.n; i++)
		check_invariants(c.p[i]);
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_lang)
{
	const char *doc =
		"<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><language>NL-be</language>"
		"<item><guid>a</guid></item>"
		"<item><guid>b</guid><dc:language>fr_BE</dc:language></item>"
		"<item xml:lang=\"de-AT\"><guid>c</guid></item>"
		"<item><guid>d</guid><dc:language>x-klingon</dc:language></item>"
		"</channel></rss>";
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_str(doc, NULL, &c, &info, err, sizeof(err)), 4);
	eq_str("feed lang", info.lang, "nl");
	eq_str("channel", c.p[0]->lang, "nl");
	eq_str("dc:language", c.p[1]->lang, "fr");
	eq_str("xml:lang", c.p[2]->lang, "de");
	eq_str("invalid", c.p[3]->lang, "nl");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_tags)
{
	const char *doc =
		"<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item><guid>t</guid>"
		"<category>  Road   works </category><category domain=\"x\">Road works</category>"
		"<category></category><category><![CDATA[Caf&eacute;s]]></category>"
		"<dc:subject>Safety</dc:subject></item></channel></rss>";
	coll c = { 0 };
	char err[256];

	ck_assert_int_eq(parse_str(doc, NULL, &c, NULL, err, sizeof(err)), 1);
	/* trimmed, collapsed, deduplicated, empty ones dropped; plain text */
	eq_tags(c.p[0], 3, "Road works", "Caf&eacute;s", "Safety");
	coll_free(&c);
}
END_TEST

/* ---- identity --------------------------------------------------------------------- */

START_TEST(test_duplicate_guids)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("dup_guid.xml", NULL, NULL, &c, &info, err, sizeof(err));

	/* five items share one guid: they fall back to their links; the two
	 * with the same link fall back to title+date hashes; the one without a
	 * link too (its guid is then no permalink either); the exact repeat of
	 * the first item is dropped; the item with its own guid keeps it */
	ck_assert_msg(rc == 5, "rc %d: %s", rc, err);
	ck_assert_uint_eq(info.n_items, 6);
	ck_assert_uint_eq(info.n_skipped, 1);
	eq_str("id 0", c.p[0]->source_id, "https://westbury-council.example.org/news/bins");
	eq_str("id 1", c.p[1]->source_id, "2b4ba051c1c85f89e9e96acdf461921f");
	eq_str("url 1", c.p[1]->url, "https://westbury-council.example.org/news/park");
	eq_str("id 2", c.p[2]->source_id, "4804f4a3fbc6458651553724c5bcb186");
	eq_str("url 2", c.p[2]->url, "https://westbury-council.example.org/news/park");
	eq_str("id 3", c.p[3]->source_id, "7203e6b8aef9e63365cf27f53ac3955e");
	eq_str("url 3", c.p[3]->url, NULL);
	eq_str("title 3", c.p[3]->title, "Council meeting agenda published");
	eq_str("id 4", c.p[4]->source_id, "wc-2026-114");
	for (size_t i = 0; i < c.n; i++)
		check_invariants(c.p[i]);
	hs_feed_info_free(&info);
	coll_free(&c);

	/* the same document again: the same ids */
	coll d = { 0 };
	ck_assert_int_eq(parse_file("dup_guid.xml", NULL, NULL, &d, NULL, err, sizeof(err)), 5);
	ck_assert_str_eq(d.p[1]->source_id, "2b4ba051c1c85f89e9e96acdf461921f");
	coll_free(&d);
}
END_TEST

START_TEST(test_all_items_identical_ids)
{
	/* the same guid and the same link everywhere, titles differ */
	const char *doc =
		"<rss><channel>"
		"<item><guid>x</guid><link>http://a.example.org/</link><title>One</title></item>"
		"<item><guid>x</guid><link>http://a.example.org/</link><title>Two</title></item>"
		"<item><guid>x</guid><link>http://a.example.org/</link><title>Three</title></item>"
		"</channel></rss>";
	coll c = { 0 };
	char err[256];

	ck_assert_int_eq(parse_str(doc, NULL, &c, NULL, err, sizeof(err)), 3);
	ck_assert_str_ne(c.p[0]->source_id, c.p[1]->source_id);
	ck_assert_str_ne(c.p[1]->source_id, c.p[2]->source_id);
	ck_assert_str_ne(c.p[0]->source_id, c.p[2]->source_id);
	ck_assert_uint_eq(strlen(c.p[0]->source_id), 32);
	coll_free(&c);
}
END_TEST

START_TEST(test_long_guid_hashed)
{
	char doc[4096];
	char guid[2001];
	coll c = { 0 };
	char err[256];

	memset(guid, 'g', sizeof(guid) - 1);
	guid[sizeof(guid) - 1] = '\0';
	snprintf(doc, sizeof(doc), "<rss><channel><item><guid>%s</guid></item></channel></rss>", guid);
	ck_assert_int_eq(parse_str(doc, NULL, &c, NULL, err, sizeof(err)), 1);
	ck_assert_uint_eq(strlen(c.p[0]->source_id), 32);
	coll_free(&c);
}
END_TEST

/* ---- damaged documents --------------------------------------------------------------- */

START_TEST(test_truncated)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = parse_file("truncated.xml", NULL, NULL, &c, &info, err, sizeof(err));

	/* the two complete items; the one cut off is not emitted */
	ck_assert_msg(rc == 2, "rc %d: %s", rc, err);
	ck_assert_uint_gt(info.n_xml_errors, 0);
	ck_assert_uint_eq(info.n_items, 3);
	ck_assert_uint_eq(info.n_skipped, 1);
	eq_post(c.p[0], "se-501", "https://stonebridge-echo.example.org/youth-club", NULL, NULL,
	        "2026-05-16T08:00:00.000000Z", "Youth club gets new premises",
	        "The youth club moves to the old fire station.");
	eq_post(c.p[1], "se-500", "https://stonebridge-echo.example.org/graffiti", NULL, NULL,
	        "2026-05-15T19:10:00.000000Z", "Graffiti on the railway bridge",
	        "Police ask witnesses to come forward.");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_truncated_everywhere)
{
	/* every prefix of a document parses without crash or leak, and never
	 * emits more than the items complete in that prefix */
	size_t len;
	char *buf = load("rss2_basic.xml", &len);
	char err[256];

	for (size_t n = 0; n <= len; n += 7) {
		coll c = { 0 };
		int rc = hs_feed_parse(buf, n, NULL, "test-src", "https://courier.example.org/feed/",
		                       NOW_US, sink, &c, NULL, err, sizeof(err));
		ck_assert_msg(rc >= 0 || err[0], "prefix %zu: -1 without a reason", n);
		ck_assert(rc <= 4);
		for (size_t i = 0; i < c.n; i++)
			check_invariants(c.p[i]);
		coll_free(&c);
	}
	free(buf);
}
END_TEST

START_TEST(test_not_a_feed)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_file("not_a_feed.html", NULL, NULL, &c, &info, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not a feed: root element <html>");
	ck_assert_ptr_null(info.format);
	ck_assert_uint_eq(c.n, 0);
	hs_feed_info_free(&info);

	ck_assert_int_eq(parse_file("malformed.xml", NULL, NULL, &c, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "malformed XML at line 3: StartTag: invalid element name");

	ck_assert_int_eq(parse_str("<opml version=\"2.0\"><body/></opml>", NULL, &c, NULL, err,
	                           sizeof(err)), -1);
	ck_assert_str_eq(err, "not a feed: root element <opml>");
	ck_assert_int_eq(parse_str("<x:feed xmlns:x=\"urn:other\"/>", NULL, &c, NULL, err,
	                           sizeof(err)), -1);
	ck_assert_str_eq(err, "not a feed: root element <x:feed>");
	ck_assert_int_eq(parse_str("{\"version\": \"https://jsonfeed.org/version/1.1\"}", NULL, &c,
	                           NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not a feed: looks like JSON, not XML");
	ck_assert_int_eq(parse_str("Service Unavailable", NULL, &c, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not a feed: no XML markup");
	ck_assert_int_eq(parse_str(" \n\t", NULL, &c, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty document");
	ck_assert_int_eq(hs_feed_parse("", 0, NULL, "s", NULL, NOW_US, sink, &c, NULL, err,
	                               sizeof(err)), -1);
	ck_assert_str_eq(err, "empty document");
	ck_assert_int_eq(hs_feed_parse("<rss/>", 6, NULL, NULL, NULL, NOW_US, sink, &c, NULL, err,
	                               sizeof(err)), -1);
	/* a small err buffer is filled and terminated */
	ck_assert_int_eq(parse_file("not_a_feed.html", NULL, NULL, &c, NULL, err, 10), -1);
	ck_assert_str_eq(err, "not a fee");
	/* no err buffer at all is fine */
	ck_assert_int_eq(parse_file("not_a_feed.html", NULL, NULL, &c, NULL, NULL, 0), -1);
	ck_assert_uint_eq(c.n, 0);
	/* an empty feed is not an error */
	ck_assert_int_eq(parse_str("<rss version=\"2.0\"><channel><title>x</title></channel></rss>",
	                           NULL, &c, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_junk_around_document)
{
	/* PHP warnings before the declaration, a BOM after them, a comment and
	 * a processing instruction in the prolog, junk after the root */
	const char *doc =
		"\n\nWarning: something in /var/www/feed.php on line 3\n"
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<!-- generated -->\n<?xml-stylesheet href=\"s.xsl\"?>\n"
		"<rss><channel><item><guid>j1</guid><title>ok</title></item></channel></rss>\n"
		"<!-- 0.12s -->garbage";
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	ck_assert_int_eq(parse_str(doc, NULL, &c, &info, err, sizeof(err)), 1);
	eq_str("title", c.p[0]->title, "ok");
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

/* ---- limits and the sink ------------------------------------------------------------- */

static char *big_feed(size_t items, size_t body, size_t *len)
{
	size_t cap = 256 + items * (body + 400), n = 0;
	char *s = malloc(cap);
	char *pad = malloc(body + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(pad);
	for (size_t i = 0; i < body; i++)
		pad[i] = "abcdefghij klmnopqrst uvwxyz. "[i % 30];
	pad[body] = '\0';
	n += (size_t)snprintf(s + n, cap - n,
	                      "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"
	                      "<title>Big</title><link>https://big.example.org/</link>\n");
	for (size_t i = 0; i < items; i++)
		n += (size_t)snprintf(s + n, cap - n,
		                      "<item><title>Item %zu</title>"
		                      "<link>https://big.example.org/items/%zu</link>"
		                      "<guid isPermaLink=\"false\">big-%zu</guid>"
		                      "<pubDate>Sat, 16 May 2026 09:%02zu:%02zu +0000</pubDate>"
		                      "<description>&lt;p&gt;%s&lt;/p&gt;</description></item>\n",
		                      i, i, i, (i / 60) % 60, i % 60, pad);
	n += (size_t)snprintf(s + n, cap - n, "</channel></rss>\n");
	free(pad);
	*len = n;
	return s;
}

START_TEST(test_big_feed)
{
	size_t len;
	char *doc = big_feed(10000, 320, &len);
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc;

	ck_assert_uint_gt(len, 5u << 20);
	rc = hs_feed_parse(doc, len, NULL, "test-src", NULL, NOW_US, sink, &c, &info, err,
	                   sizeof(err));
	ck_assert_msg(rc == 10000, "rc %d: %s", rc, err);
	ck_assert_int_eq(info.truncated, 0);
	ck_assert_uint_eq(info.n_xml_errors, 0);
	eq_str("id", c.p[9999]->source_id, "big-9999");
	eq_str("url", c.p[9999]->url, "https://big.example.org/items/9999");
	eq_time("created", c.p[9999]->created_us, "2026-05-16T09:46:39.000000Z");
	ck_assert_uint_eq(strlen(c.p[0]->text), 320);
	hs_feed_info_free(&info);
	coll_free(&c);
	free(doc);
}
END_TEST

START_TEST(test_item_cap)
{
	size_t len;
	char *doc = big_feed(HS_FEED_MAX_ITEMS + 5, 10, &len);
	coll c = { 0 };
	hs_feed_info info;
	char err[256];
	int rc = hs_feed_parse(doc, len, NULL, "test-src", NULL, NOW_US, sink, &c, &info, err,
	                       sizeof(err));

	ck_assert_int_eq(rc, HS_FEED_MAX_ITEMS);
	ck_assert_int_eq(info.truncated, 1);
	ck_assert_uint_eq(info.n_items, HS_FEED_MAX_ITEMS);
	eq_str("last", c.p[c.n - 1]->source_id, "big-9999");
	hs_feed_info_free(&info);
	coll_free(&c);
	free(doc);
}
END_TEST

START_TEST(test_field_caps)
{
	/* a 100,000-character title of 3-byte characters is cut at a
	 * character boundary within 64 KiB */
	size_t n = 100000, len = 0;
	char *doc = malloc(n * 4 + 200);
	coll c = { 0 };
	char err[256];

	ck_assert_ptr_nonnull(doc);
	len += (size_t)sprintf(doc, "<rss><channel><item><guid>cap</guid><title>");
	for (size_t i = 0; i < n; i++) {
		memcpy(doc + len, "\xe2\x82\xac", 3);
		len += 3;
	}
	len += (size_t)sprintf(doc + len, "</title><description>");
	for (size_t i = 0; i < n; i++)
		doc[len++] = i % 10 == 9 ? ' ' : 'x';
	len += (size_t)sprintf(doc + len, "</description></item></channel></rss>");
	ck_assert_int_eq(hs_feed_parse(doc, len, NULL, "test-src", NULL, NOW_US, sink, &c, NULL,
	                               err, sizeof(err)), 1);
	ck_assert_uint_eq(strlen(c.p[0]->title), (HS_FEED_MAX_FIELD / 3) * 3);
	ck_assert_uint_le(strlen(c.p[0]->text), HS_FEED_MAX_FIELD);
	ck_assert_uint_ge(strlen(c.p[0]->text), HS_FEED_MAX_FIELD - 10);
	check_invariants(c.p[0]);
	coll_free(&c);
	free(doc);
}
END_TEST

/* Inputs that would take quadratic time in a naive scanner: unclosed
 * quoted attribute values, unclosed comments and script elements, many
 * start tags, in the XML and in the HTML inside it. */
START_TEST(test_pathological)
{
	static const char *const units[] = { "<a x=\"", "<a x='", "<!--", "<script>", "<p",
	                                     "&#", "&amp", "<![CDATA[", "<!DOCTYPE [" };
	char err[256];

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t reps = 40000, ul = strlen(units[u]), len = 0;
		char *doc = malloc(reps * ul * 2 + 200);
		coll c = { 0 };
		int rc;

		ck_assert_ptr_nonnull(doc);
		len += (size_t)sprintf(doc, "<rss><channel><item><guid>p</guid><description>");
		for (size_t i = 0; i < reps; i++) {
			memcpy(doc + len, units[u], ul);
			len += ul;
		}
		len += (size_t)sprintf(doc + len, "</description><title><![CDATA[");
		for (size_t i = 0; i < reps; i++) {
			memcpy(doc + len, units[u], ul);
			len += ul;
		}
		len += (size_t)sprintf(doc + len, "]]></title></item></channel></rss>");
		rc = hs_feed_parse(doc, len, NULL, "test-src", NULL, NOW_US, sink, &c, NULL, err,
		                   sizeof(err));
		ck_assert_msg(rc >= -1 && rc <= 1, "unit %zu: rc %d", u, rc);
		for (size_t i = 0; i < c.n; i++)
			check_invariants(c.p[i]);
		coll_free(&c);
		char *t = hs_html_to_text(doc, len);
		ck_assert_ptr_nonnull(t);
		free(t);
		free(doc);
	}
}
END_TEST

START_TEST(test_sink_stops)
{
	coll c = { 0 };
	hs_feed_info info;
	char err[256];

	c.stop_after = 2;
	ck_assert_int_eq(parse_file("rss2_basic.xml", NULL, NULL, &c, &info, err, sizeof(err)), 2);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(info.n_items, 4);
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

START_TEST(test_too_large)
{
	char err[256];
	coll c = { 0 };
	/* the length check comes first: the buffer is not read */
	static const char small[] = "<rss/>";
	ck_assert_int_eq(hs_feed_parse(small, (size_t)HS_FEED_MAX_DOC + 1, NULL, "s", NULL, NOW_US,
	                               sink, &c, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "document too large (over 32 MiB)");
}
END_TEST

/* ---- threads ----------------------------------------------------------------------- */

static void *thread_main(void *arg)
{
	const char *const files[] = { "rss2_basic.xml", "atom.xml", "latin1_prolog.xml",
	                              "truncated.xml", "not_a_feed.html", "dup_guid.xml" };
	const int want[] = { 4, 3, 2, 2, -1, 5 };
	long ok = 1;

	(void)arg;
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			coll c = { 0 };
			char err[256];
			size_t len;
			char *buf = load(files[i], &len);
			int rc = hs_feed_parse(buf, len, NULL, "test-src", "https://t.example.org/",
			                       NOW_US, sink, &c, NULL, err, sizeof(err));
			if (rc != want[i])
				ok = 0;
			if (i == 1 && rc == 3 && strcmp(c.p[1]->title, "Council meeting minutes") != 0)
				ok = 0;
			coll_free(&c);
			free(buf);
		}
	}
	return (void *)ok;
}

START_TEST(test_threads)
{
	pthread_t t[6];
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_main, NULL), 0);
	for (int i = 0; i < 6; i++) {
		void *r;
		ck_assert_int_eq(pthread_join(t[i], &r), 0);
		ck_assert_msg(r == (void *)1, "thread %d saw a wrong result", i);
	}
}
END_TEST

/* ---- dates -------------------------------------------------------------------------- */

static const struct {
	const char *in, *out; /* out NULL: refused */
} dates[] = {
	/* RFC 822 / 1123 and real-world variants */
	{ "Sat, 16 May 2026 09:12:00 +0200", "2026-05-16T07:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 GMT", "2026-05-16T09:12:00.000000Z" },
	{ "16 May 2026 09:12:00 -0000", "2026-05-16T09:12:00.000000Z" },
	{ "Sat, 16 May 26 09:12 EST", "2026-05-16T14:12:00.000000Z" },
	{ "Sat, 16 May 99 09:12:00 GMT", "1999-05-16T09:12:00.000000Z" },
	{ "Mon, 16 May 2026 09:12:00 PDT", "2026-05-16T16:12:00.000000Z" },
	{ "Saturday, 16-May-26 09:12:00 GMT", "2026-05-16T09:12:00.000000Z" },
	{ "Sat May 16 09:12:00 2026", "2026-05-16T09:12:00.000000Z" },
	{ "May 16, 2026 9:12 PM EDT", "2026-05-17T01:12:00.000000Z" },
	{ "May 16th, 2026 at 12:05 am", "2026-05-16T00:05:00.000000Z" },
	{ "Tue, 5 May 2026 9:05:07 GMT+2", "2026-05-05T07:05:07.000000Z" },
	{ "Tue, 05 May 2026 09:05:00 +0200 (CEST)", "2026-05-05T07:05:00.000000Z" },
	{ "Tue, 05 May 2026 09:05:00 +02:00", "2026-05-05T07:05:00.000000Z" },
	{ "  Tue, 05 May 2026 09:05:00 UTC \n", "2026-05-05T09:05:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 CST", "2026-05-16T15:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 CDT", "2026-05-16T14:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 MST", "2026-05-16T16:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 MDT", "2026-05-16T15:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 PST", "2026-05-16T17:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 EDT", "2026-05-16T13:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 UT", "2026-05-16T09:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 Z", "2026-05-16T09:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 BST", "2026-05-16T08:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 CET", "2026-05-16T08:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 CEST", "2026-05-16T07:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 MET", "2026-05-16T08:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 MEST", "2026-05-16T07:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 EET", "2026-05-16T07:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 EEST", "2026-05-16T06:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 WET", "2026-05-16T09:12:00.000000Z" },
	{ "Sat, 16 May 2026 09:12:00 WEST", "2026-05-16T08:12:00.000000Z" },
	{ "sat, 16 may 2026 09:12:00 gmt", "2026-05-16T09:12:00.000000Z" },
	{ "16 May 2026", "2026-05-16T00:00:00.000000Z" },
	{ "Sat, 16 May 2026 23:59:60 GMT", "2026-05-16T23:59:59.000000Z" },
	/* Dutch, French, German */
	{ "za, 16 mei 2026 09:12:00 +0200", "2026-05-16T07:12:00.000000Z" },
	{ "di, 3 mrt 2026 10:00:00 CET", "2026-03-03T09:00:00.000000Z" },
	{ "woensdag 14 oktober 2026 08:30", "2026-10-14T08:30:00.000000Z" },
	{ "16 okt 2026", "2026-10-16T00:00:00.000000Z" },
	{ "sam., 16 mai 2026 09:12:00 +0200", "2026-05-16T07:12:00.000000Z" },
	{ "mar., 16 mars 2026 09:12", "2026-03-16T09:12:00.000000Z" },
	{ "mer., 16 d\xc3\xa9" "c. 2026 09:12:00 CET", "2026-12-16T08:12:00.000000Z" },
	{ "1 f\xc3\xa9vr. 2026", "2026-02-01T00:00:00.000000Z" },
	{ "15 ao\xc3\xbbt 2026 20:00", "2026-08-15T20:00:00.000000Z" },
	{ "16 juil. 2026 08:00:00 +0100", "2026-07-16T07:00:00.000000Z" },
	{ "Sa, 16. M\xc3\xa4rz 2026 09:12:00 MESZ", "2026-03-16T07:12:00.000000Z" },
	{ "Mo, 16. M\xc3\x84RZ 2026 09:12 MEZ", "2026-03-16T08:12:00.000000Z" },
	{ "Do, 24. Dez. 2026 18:00:00 +0100", "2026-12-24T17:00:00.000000Z" },
	{ "Fr, 1. Mai 2026", "2026-05-01T00:00:00.000000Z" },
	/* ISO 8601 / RFC 3339 */
	{ "2026-05-16T09:12:00Z", "2026-05-16T09:12:00.000000Z" },
	{ "2026-05-16t09:12:00z", "2026-05-16T09:12:00.000000Z" },
	{ "2026-05-16T09:12:00.5+02:00", "2026-05-16T07:12:00.500000Z" },
	{ "2026-05-16T09:12:00.123456789-05:30", "2026-05-16T14:42:00.123456Z" },
	{ "2026-05-16T09:12:00+0200", "2026-05-16T07:12:00.000000Z" },
	{ "2026-05-16T09:12:00+02", "2026-05-16T07:12:00.000000Z" },
	{ "2026-05-16T09:12+02:00", "2026-05-16T07:12:00.000000Z" },
	{ "2026-05-16 09:12:00", "2026-05-16T09:12:00.000000Z" },
	{ "2026-05-16 09:12:00 +0000", "2026-05-16T09:12:00.000000Z" },
	{ "2026-05-16 09:12:00 CEST", "2026-05-16T07:12:00.000000Z" },
	{ "2026-05-16", "2026-05-16T00:00:00.000000Z" },
	{ "2026/05/16 09:12", "2026-05-16T09:12:00.000000Z" },
	{ "2026-5-6T9:05:00Z", "2026-05-06T09:05:00.000000Z" },
	{ "2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000Z" },
	{ "2026-05-16T24:00:00Z", "2026-05-17T00:00:00.000000Z" },
	{ "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z" },
	/* refused */
	{ "", NULL },
	{ "   ", NULL },
	{ "next Tuesday", NULL },
	{ "garbage", NULL },
	{ "31 Feb 2026", NULL },
	{ "2026-02-29", NULL },
	{ "2026-13-01", NULL },
	{ "2026-05-16T25:00:00Z", NULL },
	{ "2026-05-16T09:60:00Z", NULL },
	{ "2026-05-16T09:12:00+25:00", NULL },
	{ "2026-05-16T09:12:00 nowhere", NULL },
	{ "Sat, 16 May 2026 25:00:00 GMT", NULL },
	{ "Sat, 16 May 09:12:00 GMT", NULL },      /* no year */
	{ "Sat, 2026 09:12:00 GMT", NULL },        /* no month, no day */
	{ "Sat, 16 Mayo 2026", NULL },             /* Spanish is not known */
	{ "16 jui 2026", NULL },                   /* juin or juillet? */
	{ "16 May 2026 09:12:00 GMT GMT", NULL },
	{ "16 May 2026 09:12 09:13", NULL },
	{ "16 May 2026 123456", NULL },
	{ "16 May 2026 13:00 PM", NULL },
	{ "1778922720", NULL },
	{ "0000-01-01T00:00:00+00:01", NULL },     /* before year 0 in UTC */
	{ "9999-12-31T23:59:59-00:01", NULL },     /* after year 9999 in UTC */
	{ "16 May 2026 \xff\xfe", NULL },
};

START_TEST(test_dates)
{
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int64_t t = 42;
		int rc = hs_feed_parse_date(dates[i].in, &t);
		if (!dates[i].out) {
			ck_assert_msg(rc == -1, "\"%s\" should be refused", dates[i].in);
			ck_assert(t == 42);
			continue;
		}
		ck_assert_msg(rc == 0, "\"%s\" refused", dates[i].in);
		eq_time(dates[i].in, t, dates[i].out);
	}
	ck_assert_int_eq(hs_feed_parse_date(NULL, NULL), -1);
}
END_TEST

START_TEST(test_dates_fixture)
{
	static const char *const want[] = {
		"2026-05-16T07:12:00.000000Z", "2026-05-16T14:12:00.000000Z",
		"2026-05-16T16:12:00.000000Z", "2026-05-16T09:12:00.000000Z",
		"2026-05-16T09:12:00.000000Z", "2026-05-16T07:12:00.000000Z",
		"2026-05-16T07:12:00.000000Z", "2026-03-16T08:12:00.000000Z",
		"2026-10-16T09:12:00.000000Z", "2026-12-16T09:12:00.000000Z",
		"2026-05-16T03:42:00.123456Z", "2026-05-16T00:00:00.000000Z",
		NOW_STR, /* "next Tuesday" */
		NOW_STR, /* no date */
		"2026-05-16T09:12:00.000000Z", /* pubDate garbage, dc:date fine */
		"2026-05-16T08:12:00.000000Z", "2026-05-17T01:12:00.000000Z",
	};
	coll c = { 0 };
	hs_feed_info info;
	char err[256], id[32];
	int rc = parse_file("dates.xml", NULL, NULL, &c, &info, err, sizeof(err));

	ck_assert_msg(rc == 17, "rc %d: %s", rc, err);
	ck_assert_uint_eq(info.n_undated, 2);
	for (size_t i = 0; i < c.n; i++) {
		snprintf(id, sizeof(id), "d%02zu", i + 1);
		eq_str("id", c.p[i]->source_id, id);
		eq_time(id, c.p[i]->created_us, want[i]);
	}
	hs_feed_info_free(&info);
	coll_free(&c);
}
END_TEST

/* ---- HTML to text ------------------------------------------------------------------- */

static const struct {
	const char *in, *out;
} html[] = {
	{ "", "" },
	{ "  plain   text \n here  ", "plain text here" },
	{ "<p>One</p><p>Two</p>", "One\n\nTwo" },
	{ "a<br>b<br/>c<BR />d", "a\nb\nc\nd" },
	{ "a<br><br><br><br>b", "a\n\nb" },
	{ "<div>a</div><div>b</div>", "a\nb" },
	{ "<ul><li>x</li><li>y</li></ul>after", "x\ny\n\nafter" },
	{ "<table><tr><td>a</td><td>b</td></tr></table>", "a b" },
	{ "<h1>Title</h1>Body", "Title\n\nBody" },
	{ "x<script>var a = '<p>';</script>y", "xy" },
	{ "x<SCRIPT type=text/javascript>if (a < b) {}</SCRIPT >y", "xy" },
	{ "x<style>p { color: red }</style>y", "xy" },
	{ "x<script/>y", "xy" },
	{ "x<script>never closed", "x" },
	{ "a<!-- hidden <b>x</b> -->b", "ab" },
	{ "a<!---->b<!-->c", "abc" },
	{ "<![CDATA[<b>kept</b>]]>", "<b>kept</b>" },
	{ "<!DOCTYPE html><html><head><title>t</title></head><body>b</body></html>", "b" },
	{ "<a href=\"x\" title=\"a > b\">link</a>", "link" },
	{ "<a href='x>y'>q</a>", "q" },
	{ "<img src=x alt=\"photo\">after", "after" },
	{ "a < b and c > d", "a < b and c > d" },
	{ "1<2", "1<2" },
	{ "x <unterminated", "x" },
	{ "</>x</ bogus>y", "xy" },
	{ "caf&eacute; &amp; cr&egrave;me", "caf\xc3\xa9 & cr\xc3\xa8me" },
	{ "&lt;b&gt; &quot;q&quot; &apos;s&apos;", "<b> \"q\" 's'" },
	{ "&#233;&#xE9;&#XE9;&#0233", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ "&#150;&#x80;&#x9D;", "\xe2\x80\x93\xe2\x82\xac" },
	{ "&#0;&#xD800;&#x110000;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "&#1;&#x7f;x", "x" },
	{ "&copy 2026 &amp so &nbspx", "\xc2\xa9 2026 & so &nbspx" },
	{ "&bogus; & &; &#; &#x;", "&bogus; & &; &#; &#x;" },
	{ "&rsquo;&hellip;&euro;&trade;", "\xe2\x80\x99\xe2\x80\xa6\xe2\x82\xac\xe2\x84\xa2" },
	{ "a&nbsp;&nbsp;b\xc2\xa0" "c", "a b c" },
	{ "soft&shy;hyphen zero\xe2\x80\x8bwidth", "softhyphen zerowidth" },
	{ "bad \xff\xfe utf8 \xc3", "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd" },
	{ "over\xc0\xaflong", "over\xef\xbf\xbd\xef\xbf\xbdlong" },
	{ "ctl\x01\x1b[0m\x7f" "x", "ctl[0mx" },
	{ "c1 \xc2\x93q\xc2\x94", "c1 \xe2\x80\x9cq\xe2\x80\x9d" },
	{ "tab\there\r\nnew", "tab here new" },
	{ "<p>\n  <b>x</b>\n  <i>y</i>\n</p>", "x y" },
	{ "<xhtml:p>a</xhtml:p><xhtml:p>b</xhtml:p>", "a\n\nb" },
	{ "emoji \xf0\x9f\x9a\xa7 ok", "emoji \xf0\x9f\x9a\xa7 ok" },
};

START_TEST(test_html_to_text)
{
	for (size_t i = 0; i < sizeof(html) / sizeof(html[0]); i++) {
		char *t = hs_html_to_text(html[i].in, strlen(html[i].in));
		ck_assert_ptr_nonnull(t);
		ck_assert_msg(strcmp(t, html[i].out) == 0, "html \"%s\":\n  got  \"%s\"\n  want \"%s\"",
		              html[i].in, t, html[i].out);
		ck_assert(hs_utf8_valid(t, strlen(t)));
		free(t);
	}
	/* embedded NUL: an explicit length, the NUL is dropped */
	char *t = hs_html_to_text("a\0b", 3);
	ck_assert_str_eq(t, "ab");
	free(t);
	t = hs_html_to_text(NULL, 0);
	ck_assert_str_eq(t, "");
	free(t);
}
END_TEST

START_TEST(test_text_helpers)
{
	char *t;

	/* plain text keeps line breaks (at most one blank line) */
	t = hs_feed_text("a \n\n\n\n b <b>c</b> &amp;", 23, 0, 1000);
	ck_assert_str_eq(t, "a\n\nb <b>c</b> &amp;");
	free(t);
	t = hs_feed_text("a \n b", 5, HS_TXT_ONELINE, 1000);
	ck_assert_str_eq(t, "a b");
	free(t);
	/* the cap cuts at a character boundary and never leaves whitespace */
	t = hs_feed_text("ab \xe2\x82\xac", 6, 0, 5);
	ck_assert_str_eq(t, "ab");
	free(t);
	ck_assert(hs_feed_entities_sorted());
	ck_assert_uint_eq(hs_feed_entity("eacute", 6), 0xE9);
	ck_assert_uint_eq(hs_feed_entity("Eacute", 6), 0xC9);
	ck_assert_uint_eq(hs_feed_entity("zwnj", 4), 0x200C);
	ck_assert_uint_eq(hs_feed_entity("AElig", 5), 0xC6);
	ck_assert_uint_eq(hs_feed_entity("nosuch", 6), 0);
	ck_assert_uint_eq(hs_feed_entity("averyveryverylongname", 21), 0);
	ck_assert_uint_eq(hs_feed_cp1252(0x80), 0x20AC);
	ck_assert_uint_eq(hs_feed_cp1252(0x81), 0);
	ck_assert_uint_eq(hs_feed_cp1252(0x9F), 0x178);
	ck_assert_uint_eq(hs_feed_cp1252(0xA0), 0);
}
END_TEST

static Suite *feed_suite(void)
{
	Suite *s = suite_create("feed");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, test_rss2_basic);
	tcase_add_test(tc, test_rss2_no_base_url);
	tcase_add_test(tc, test_rss1_rdf);
	tcase_add_test(tc, test_atom);
	tcase_add_test(tc, test_atom03);
	tcase_add_test(tc, test_atom_inline);
	suite_add_tcase(s, tc);

	tc = tcase_create("charsets");
	tcase_add_test(tc, test_latin1_prolog);
	tcase_add_test(tc, test_windows1252);
	tcase_add_test(tc, test_wrong_charset_utf8);
	tcase_add_test(tc, test_http_charset);
	tcase_add_test(tc, test_utf16);
	tcase_add_test(tc, test_iconv_charset);
	tcase_add_test(tc, test_control_chars_bom);
	suite_add_tcase(s, tc);

	tc = tcase_create("markup");
	tcase_add_test(tc, test_html_entities_in_xml);
	tcase_add_test(tc, test_doctype_entities_not_expanded);
	tcase_add_test(tc, test_rss091_netscape);
	tcase_add_test(tc, test_undeclared_prefixes);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_lang);
	tcase_add_test(tc, test_tags);
	suite_add_tcase(s, tc);

	tc = tcase_create("identity");
	tcase_add_test(tc, test_duplicate_guids);
	tcase_add_test(tc, test_all_items_identical_ids);
	tcase_add_test(tc, test_long_guid_hashed);
	suite_add_tcase(s, tc);

	tc = tcase_create("damaged");
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_not_a_feed);
	tcase_add_test(tc, test_junk_around_document);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 120); /* 5 MB under valgrind */
	tcase_add_test(tc, test_big_feed);
	tcase_add_test(tc, test_item_cap);
	tcase_add_test(tc, test_field_caps);
	tcase_add_test(tc, test_pathological);
	tcase_add_test(tc, test_sink_stops);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_dates_fixture);
	tcase_add_test(tc, test_html_to_text);
	tcase_add_test(tc, test_text_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(feed_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
