/* hearsay: text helpers of the rss parser: UTF-8, HTML entities, and
 * HTML-to-text (see feed.h and feed_internal.h).
 *
 * hs_feed_text() is one left-to-right pass over the input with a small
 * output builder that owns all whitespace decisions: a run of spaces, tabs
 * and (in HTML) newlines becomes one space, <br> and block elements become
 * pending line or paragraph breaks, and nothing pending is written before
 * the first visible character or after the last one, so the result comes
 * out trimmed with no second pass. The pass stops as soon as the output is
 * full, so a huge description costs no more than its first max bytes.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed_internal.h"

/* ---- UTF-8 ------------------------------------------------------------------------ */

uint32_t hs_feed_utf8_get(const unsigned char *s, size_t n, size_t *adv)
{
	uint32_t c = s[0], min;
	size_t need, i;

	*adv = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0xFFFD;
	}
	if (n < need + 1)
		return 0xFFFD;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0xFFFD;
	*adv = need + 1;
	return c;
}


/* Names HTML also decodes without the ';' ("&copy 2026"). */
static bool entity_legacy(uint32_t cp)
{
	return (cp >= 160 && cp <= 255) || cp == '&' || cp == '<' || cp == '>' || cp == '"';
}

/* ---- output builder --------------------------------------------------------------- */

typedef struct tb {
	char *buf;
	size_t len, cap, max;
	bool full;     /* max reached: stop scanning */
	bool oom;
	bool oneline;
	int nl;        /* pending line breaks (0..2) */
	bool sp;       /* pending space */
} tb;

static bool tb_grow(tb *b, size_t add)
{
	size_t want = b->len + add + 1, nc;
	char *nb;

	if (want <= b->cap)
		return true;
	nc = b->cap ? b->cap : 64;
	while (nc < want)
		nc *= 2;
	nb = realloc(b->buf, nc);
	if (!nb) {
		b->oom = true;
		b->full = true;
		return false;
	}
	b->buf = nb;
	b->cap = nc;
	return true;
}

static inline void tb_space(tb *b)
{
	b->sp = true;
}

/* A line break (<br>): two in a row make a paragraph break. */
static inline void tb_break(tb *b)
{
	if (b->nl < 2)
		b->nl++;
}

/* At least n line breaks here (block elements). */
static inline void tb_block(tb *b, int n)
{
	if (b->nl < n)
		b->nl = n;
}

/* Append one visible character, after what is pending. */
static void tb_put(tb *b, uint32_t cp)
{
	char enc[4];
	size_t n = hs_utf8_put(enc, cp), pre = 0;

	if (b->full)
		return;
	if (b->len > 0) {
		if (b->nl && !b->oneline)
			pre = (size_t)b->nl;
		else if (b->nl || b->sp)
			pre = 1;
	}
	if (b->len + pre + n > b->max) {
		b->full = true;
		return;
	}
	if (!tb_grow(b, pre + n))
		return;
	if (pre) {
		char c = b->nl && !b->oneline ? '\n' : ' ';
		for (size_t i = 0; i < pre; i++)
			b->buf[b->len++] = c;
	}
	memcpy(b->buf + b->len, enc, n);
	b->len += n;
	b->nl = 0;
	b->sp = false;
}

/* One character of content: whitespace and invisible characters are
 * handled here, everything else is appended. html: newlines are spaces. */
static void tb_char(tb *b, uint32_t c, bool html)
{
	if (c > 0x20 && c < 0x7F && !b->nl && !b->sp && !b->full && b->len < b->max &&
	    b->len + 1 < b->cap) {
		b->buf[b->len++] = (char)c; /* the common case */
		return;
	}
	if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
		tb_space(b);
		return;
	}
	if (c == '\n' || c == '\r') {
		if (html)
			tb_space(b);
		else
			tb_break(b);
		return;
	}
	if (c < 0x20 || c == 0x7F)
		return;
	if (c >= 0x80 && c <= 0x9F) {
		/* C1 controls are windows-1252 text decoded as latin-1 */
		c = hs_feed_cp1252(c);
		if (!c)
			return;
	}
	switch (c) {
	case 0xA0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
		tb_space(b);
		return;
	case 0xAD:   /* soft hyphen */
	case 0x200B: /* zero width space */
	case 0x2060: /* word joiner */
	case 0xFEFF: /* BOM / zero width no-break space */
	case 0xFFFE: case 0xFFFF:
		return;
	case 0x2028:
		tb_break(b);
		return;
	case 0x2029:
		tb_block(b, 2);
		return;
	default:
		break;
	}
	if (c >= 0x2000 && c <= 0x200A) {
		tb_space(b);
		return;
	}
	tb_put(b, c);
}

/* ---- scanners --------------------------------------------------------------------- */

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[i] == '&': decode a character reference as HTML does. Returns the
 * code point and sets *adv, or 0 when it is a literal '&'. */
static uint32_t html_entity(const unsigned char *s, size_t n, size_t i, size_t *adv)
{
	size_t j = i + 1;

	if (j < n && s[j] == '#') {
		uint64_t v = 0;
		size_t digits = 0;
		bool hex = false;

		j++;
		if (j < n && (s[j] == 'x' || s[j] == 'X')) {
			hex = true;
			j++;
		}
		while (j < n) {
			int d = hex ? hexval(s[j]) : (s[j] >= '0' && s[j] <= '9' ? s[j] - '0' : -1);
			if (d < 0)
				break;
			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (uint64_t)d;
			digits++;
			j++;
		}
		if (!digits)
			return 0;
		if (j < n && s[j] == ';')
			j++;
		*adv = j - i;
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0xFFFD;
		if (v >= 0x80 && v <= 0x9F && hs_feed_cp1252((uint32_t)v))
			return hs_feed_cp1252((uint32_t)v);
		return (uint32_t)v;
	}
	while (j < n && j - i <= 32 && is_alnum(s[j]))
		j++;
	if (j == i + 1)
		return 0;
	{
		const char *name = (const char *)s + i + 1;
		size_t nl = j - i - 1;
		uint32_t cp = hs_feed_entity(name, nl);

		if (!cp)
			return 0;
		if (j < n && s[j] == ';') {
			*adv = j + 1 - i;
			return cp;
		}
		if (!entity_legacy(cp))
			return 0;
		*adv = j - i;
		return cp;
	}
}

/* Case-insensitive search for "</name" from s[i]; returns its index or n. */
static size_t find_end_tag(const unsigned char *s, size_t n, size_t i,
                           const char *name, size_t nl)
{
	for (; i + 2 + nl <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/')
			continue;
		size_t k = 0;
		while (k < nl && (s[i + 2 + k] | 0x20) == (unsigned char)name[k])
			k++;
		if (k == nl && (i + 2 + nl == n || !is_alnum(s[i + 2 + nl])))
			return i;
	}
	return n;
}

static size_t find_str(const unsigned char *s, size_t n, size_t i, const char *pat)
{
	size_t pl = strlen(pat);
	for (; i + pl <= n; i++)
		if (s[i] == (unsigned char)pat[0] && memcmp(s + i, pat, pl) == 0)
			return i;
	return n;
}

enum { TAG_NONE, TAG_SPACE, TAG_LINE, TAG_PARA, TAG_BR, TAG_SKIP };

static int tag_kind(const char *name)
{
	static const char *const skip[] = {
		"script", "style", "template", "noscript", "iframe", "svg", "math",
		"object", "head", "select", NULL
	};
	static const char *const para[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul",
		"ol", "dl", "table", "hr", "figure", "section", "article", "header",
		"footer", "aside", "nav", "address", "main", "form", "fieldset",
		"details", "center", NULL
	};
	static const char *const line[] = {
		"div", "li", "tr", "dt", "dd", "figcaption", "summary", "caption",
		"thead", "tbody", "tfoot", "legend", "option", "body", "html", NULL
	};
	if (strcmp(name, "br") == 0)
		return TAG_BR;
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0 || strcmp(name, "img") == 0)
		return TAG_SPACE;
	for (size_t i = 0; para[i]; i++)
		if (strcmp(name, para[i]) == 0)
			return TAG_PARA;
	for (size_t i = 0; line[i]; i++)
		if (strcmp(name, line[i]) == 0)
			return TAG_LINE;
	for (size_t i = 0; skip[i]; i++)
		if (strcmp(name, skip[i]) == 0)
			return TAG_SKIP;
	return TAG_NONE;
}

/* s[i] == '<'. Handles a tag, comment, CDATA section or declaration and
 * returns the index after it; returns i when the '<' is just text. */
static size_t html_tag(tb *b, const unsigned char *s, size_t n, size_t i)
{
	size_t j = i + 1, k;
	char name[16];
	size_t nl = 0;
	bool end = false, selfclose = false;
	int kind;

	if (j >= n)
		return i;
	if (s[j] == '!') {
		if (n - j >= 3 && s[j + 1] == '-' && s[j + 2] == '-') {
			k = find_str(s, n, i + 2, "-->");
			return k >= n ? n : k + 3;
		}
		if (n - j >= 8 && memcmp(s + j, "![CDATA[", 8) == 0) {
			size_t a = j + 8, e = find_str(s, n, a, "]]>");
			while (a < e && !b->full) {
				size_t adv;
				uint32_t c = hs_feed_utf8_get(s + a, e - a, &adv);
				tb_char(b, c, true);
				a += adv;
			}
			return e >= n ? n : e + 3;
		}
		k = find_str(s, n, j, ">");
		return k >= n ? n : k + 1;
	}
	if (s[j] == '?') {
		k = find_str(s, n, j, ">");
		return k >= n ? n : k + 1;
	}
	if (s[j] == '/') {
		end = true;
		j++;
	}
	if (j >= n || !is_alpha(s[j])) {
		if (end) {
			/* "</>" or "</ ..." is a bogus comment in HTML */
			k = find_str(s, n, j, ">");
			return k >= n ? n : k + 1;
		}
		return i;
	}
	while (j < n && (is_alnum(s[j]) || s[j] == '-' || s[j] == ':' || s[j] == '_')) {
		if (nl < sizeof(name) - 1)
			name[nl++] = (char)(s[j] | 0x20);
		j++;
	}
	name[nl] = '\0';
	{
		/* an XHTML prefix ("xhtml:p") does not change the element */
		char *colon = strrchr(name, ':');
		if (colon)
			memmove(name, colon + 1, strlen(colon + 1) + 1);
	}
	/* attributes: quoted values may hold '>' */
	while (j < n && s[j] != '>') {
		if (s[j] == '=') {
			j++;
			while (j < n && is_space(s[j]))
				j++;
			if (j < n && (s[j] == '"' || s[j] == '\'')) {
				unsigned char q = s[j];
				size_t e = j + 1;
				while (e < n && s[e] != q)
					e++;
				if (e >= n)
					return n; /* EOF in a quoted value: HTML drops it all */
				j = e + 1;
			}
			continue;
		}
		if (s[j] == '/' && j + 1 < n && s[j + 1] == '>')
			selfclose = true;
		j++;
	}
	if (j >= n)
		return n; /* EOF inside a tag: HTML drops it */
	j++;
	kind = tag_kind(name);
	switch (kind) {
	case TAG_BR:
		tb_break(b);
		break;
	case TAG_SPACE:
		tb_space(b);
		break;
	case TAG_LINE:
		tb_block(b, 1);
		break;
	case TAG_PARA:
		tb_block(b, 2);
		break;
	case TAG_SKIP:
		if (!end && !selfclose) {
			k = find_end_tag(s, n, j, name, strlen(name));
			if (k >= n)
				return n;
			k = find_str(s, n, k, ">");
			return k >= n ? n : k + 1;
		}
		break;
	default:
		break;
	}
	return j;
}

static void scan_html(tb *b, const unsigned char *s, size_t n)
{
	size_t i = 0, adv;

	while (i < n && !b->full) {
		unsigned char c = s[i];
		if (c == '<') {
			size_t k = html_tag(b, s, n, i);
			if (k != i) {
				i = k;
				continue;
			}
			tb_char(b, '<', true);
			i++;
		} else if (c == '&') {
			uint32_t cp = html_entity(s, n, i, &adv);
			if (cp) {
				tb_char(b, cp, true);
				i += adv;
			} else {
				tb_char(b, '&', true);
				i++;
			}
		} else if (c < 0x80) {
			tb_char(b, c, true);
			i++;
		} else {
			uint32_t cp = hs_feed_utf8_get(s + i, n - i, &adv);
			tb_char(b, cp, true);
			i += adv;
		}
	}
}

static void scan_plain(tb *b, const unsigned char *s, size_t n)
{
	size_t i = 0, adv;

	while (i < n && !b->full) {
		unsigned char c = s[i];
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			i++;
			continue;
		}
		if (c < 0x80) {
			tb_char(b, c, false);
			i++;
		} else {
			uint32_t cp = hs_feed_utf8_get(s + i, n - i, &adv);
			tb_char(b, cp, false);
			i += adv;
		}
	}
}

char *hs_feed_text(const char *s, size_t n, int flags, size_t max)
{
	tb b;

	memset(&b, 0, sizeof(b));
	b.max = max;
	b.oneline = (flags & HS_TXT_ONELINE) != 0;
	if (!tb_grow(&b, 0))
		return NULL;
	if (s && n) {
		if (flags & HS_TXT_HTML)
			scan_html(&b, (const unsigned char *)s, n);
		else
			scan_plain(&b, (const unsigned char *)s, n);
	}
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	b.buf[b.len] = '\0';
	return b.buf;
}

char *hs_html_to_text(const char *html, size_t len)
{
	return hs_feed_text(html, len, HS_TXT_HTML, SIZE_MAX - 8);
}
