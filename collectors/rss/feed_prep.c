/* hearsay: getting a fetched feed ready for libxml2 (see hs_feed_prepare
 * in feed_internal.h).
 *
 * Two passes. The first decodes the bytes to UTF-8 (BOM or UTF-16/32 byte
 * pattern; bytes that are valid UTF-8 stay UTF-8 whatever is declared;
 * else the XML declaration's encoding, the HTTP charset, or a guess). The
 * second walks the UTF-8 with a small tokenizer that knows just enough XML
 * (tags, attribute values, comments, CDATA sections, processing
 * instructions, declarations) to repair, in place of libxml2's recovery
 * which throws text away, the mistakes feeds really make:
 *
 *   - bytes before the first '<' and the XML declaration are dropped (the
 *     declaration's encoding was used in the first pass; libxml2 is told
 *     the input is UTF-8 and to ignore any declared encoding);
 *   - DOCTYPE and any other markup declaration is dropped: no DTD and no
 *     entity declaration ever reaches the parser, so there is nothing to
 *     expand (no XXE, no billion laughs) and nothing to fetch;
 *   - characters XML 1.0 forbids (C0 controls but tab/CR/LF, U+FFFE,
 *     U+FFFF) are dropped;
 *   - '&' that does not start a valid reference becomes "&amp;", HTML
 *     entity names become numeric references, numeric references to
 *     forbidden characters are dropped or replaced (windows-1252 for
 *     &#128;..&#159; as HTML does);
 *   - '<' that cannot start markup becomes "&lt;" (in text and in
 *     attribute values), "]]>" in text gets its '>' escaped;
 *   - unquoted and value-less attributes are quoted (<a href=x checked>);
 *   - unclosed HTML void elements are closed (<br> -> <br/>) and their end
 *     tags dropped, so raw HTML pasted into a description does not swallow
 *     the rest of the item;
 *   - comments are emptied (see repair()).
 *
 * Newlines inside anything dropped are kept, so libxml2's line numbers in
 * error messages still match the original document.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed_internal.h"

typedef struct ob {
	char *b;
	size_t len, cap;
	bool oom;
} ob;

static bool ob_grow(ob *o, size_t add)
{
	size_t want, nc;
	char *nb;

	if (o->oom)
		return false;
	if (add > SIZE_MAX / 2 - o->len) {
		o->oom = true;
		return false;
	}
	want = o->len + add + 1;
	if (want <= o->cap)
		return true;
	nc = o->cap ? o->cap : 4096;
	while (nc < want)
		nc *= 2;
	nb = realloc(o->b, nc);
	if (!nb) {
		o->oom = true;
		return false;
	}
	o->b = nb;
	o->cap = nc;
	return true;
}

static void ob_put(ob *o, const void *p, size_t n)
{
	if (n == 0 || !ob_grow(o, n))
		return;
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void ob_byte(ob *o, char c)
{
	if (o->len + 1 < o->cap || ob_grow(o, 1))
		o->b[o->len++] = c;
}

static void ob_str(ob *o, const char *s)
{
	ob_put(o, s, strlen(s));
}

static void ob_cp(ob *o, uint32_t cp)
{
	char enc[4];
	ob_put(o, enc, hs_utf8_put(enc, cp));
}

/* ---- pass 1: charset ------------------------------------------------------------- */

static void dec_utf16(ob *o, const unsigned char *s, size_t n, bool be)
{
	for (size_t i = 0; i + 1 < n && !o->oom; i += 2) {
		uint32_t u = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i] | s[i + 1] << 8);
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t l = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
			                : (uint32_t)(s[i + 2] | s[i + 3] << 8);
			if (l >= 0xDC00 && l <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
				i += 2;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		ob_cp(o, u);
	}
}

static void dec_utf32(ob *o, const unsigned char *s, size_t n, bool be)
{
	for (size_t i = 0; i + 3 < n && !o->oom; i += 4) {
		uint32_t u = be ? (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 |
		                  (uint32_t)s[i + 2] << 8 | s[i + 3]
		                : (uint32_t)s[i + 3] << 24 | (uint32_t)s[i + 2] << 16 |
		                  (uint32_t)s[i + 1] << 8 | s[i];
		if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
			u = 0xFFFD;
		ob_cp(o, u);
	}
}

static void dec_cp1252(ob *o, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n && !o->oom; i++) {
		uint32_t c = s[i];
		if (c < 0x80)
			ob_byte(o, (char)c);
		else
			ob_cp(o, c <= 0x9F ? (hs_feed_cp1252(c) ? hs_feed_cp1252(c) : 0xFFFD) : c);
	}
}

/* UTF-8 with every ill-formed sequence replaced by U+FFFD. */
static void dec_utf8_repair(ob *o, const unsigned char *s, size_t n)
{
	size_t i = 0, adv;
	while (i < n && !o->oom) {
		if (s[i] < 0x80) {
			ob_byte(o, (char)s[i++]);
			continue;
		}
		uint32_t c = hs_feed_utf8_get(s + i, n - i, &adv);
		if (c == 0xFFFD && adv == 1)
			ob_cp(o, 0xFFFD);
		else
			ob_put(o, s + i, adv);
		i += adv;
	}
}

/* false if iconv does not know the charset. */
static bool dec_iconv(ob *o, const char *from, const unsigned char *s, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *in = (char *)(uintptr_t)s;
	size_t inleft = n;

	if (cd == (iconv_t)-1)
		return false;
	while (ob_grow(o, inleft < 1024 ? 4096 : inleft * 2)) {
		char *out = o->b + o->len;
		size_t outleft = o->cap - o->len - 1, r;

		if (inleft == 0) {
			iconv(cd, NULL, NULL, &out, &outleft); /* shift state back */
			o->len = (size_t)(out - o->b);
			break;
		}
		r = iconv(cd, &in, &inleft, &out, &outleft);
		o->len = (size_t)(out - o->b);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		ob_cp(o, 0xFFFD);
		if (errno == EILSEQ) {
			in++; /* skip one byte and go on */
			inleft--;
		} else {
			inleft = 0; /* EINVAL: a sequence cut off at the end */
		}
	}
	iconv_close(cd);
	return true;
}

/* The encoding="..." of an XML declaration at the start (after junk, if
 * any), sanitised to [A-Za-z0-9._:-]; "" if none. */
static void prolog_encoding(const unsigned char *s, size_t n, char *enc, size_t encsz)
{
	size_t i = 0, end, k;

	enc[0] = '\0';
	if (n > 4096)
		n = 4096;
	while (i < n && s[i] != '<')
		i++;
	if (n - i < 6 || memcmp(s + i, "<?xml", 5) != 0)
		return;
	for (end = i; end + 1 < n && !(s[end] == '?' && s[end + 1] == '>'); end++)
		;
	for (k = i + 5; k + 8 <= end; k++) {
		if (memcmp(s + k, "encoding", 8) != 0)
			continue;
		k += 8;
		while (k < end && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
			k++;
		if (k >= end || s[k] != '=')
			return;
		k++;
		while (k < end && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
			k++;
		if (k >= end || (s[k] != '"' && s[k] != '\''))
			return;
		unsigned char q = s[k++];
		size_t m = 0;
		while (k < end && s[k] != q && m + 1 < encsz) {
			unsigned char c = s[k++];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':')
				enc[m++] = (char)c;
		}
		enc[m] = '\0';
		return;
	}
}

enum { CS_UNKNOWN, CS_UTF8, CS_WIDE, CS_1252, CS_OTHER };

static int charset_kind(const char *name)
{
	static const char *const latin[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
		"us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252", "cp819",
		"iso-ir-100", "ibm819", "ansi_x3.4-1968", NULL
	};
	static const char *const web_prefix[] = {
		"iso-8859-", "iso8859-", "iso_8859-", "latin", "windows-", "cp125", "koi8-",
		"x-mac-", NULL
	};
	static const char *const web[] = {
		"cp866", "ibm866", "cp874", "macintosh", "tis-620", "shift_jis", "shift-jis",
		"sjis", "euc-jp", "euc-kr", "gb2312", "gbk", "gb18030", "big5", "big5-hkscs",
		"iso-2022-jp", NULL
	};
	char low[40];
	size_t i;

	if (!name || !*name)
		return CS_UNKNOWN;
	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] | 0x20 : name[i]);
	low[i] = '\0';
	if (strcmp(low, "utf-8") == 0 || strcmp(low, "utf8") == 0)
		return CS_UTF8;
	if (strncmp(low, "utf-16", 6) == 0 || strncmp(low, "utf-32", 6) == 0 ||
	    strncmp(low, "utf16", 5) == 0 || strncmp(low, "utf32", 5) == 0 ||
	    strncmp(low, "ucs", 3) == 0 || strcmp(low, "unicode") == 0)
		return CS_WIDE;
	for (i = 0; latin[i]; i++)
		if (strcmp(low, latin[i]) == 0)
			return CS_1252;
	/* iconv only for the legacy charsets web pages use (WHATWG's list,
	 * roughly): no attacker-chosen exotic converter is ever run */
	for (i = 0; web_prefix[i]; i++)
		if (strncmp(low, web_prefix[i], strlen(web_prefix[i])) == 0)
			return CS_OTHER;
	for (i = 0; web[i]; i++)
		if (strcmp(low, web[i]) == 0)
			return CS_OTHER;
	return CS_UNKNOWN;
}

static void set_cs(char *cs, size_t csz, const char *name)
{
	if (csz) {
		strncpy(cs, name, csz - 1);
		cs[csz - 1] = '\0';
	}
}

static void decode(ob *o, const unsigned char *s, size_t n, const char *declared,
                   char *cs, size_t csz)
{
	char penc[40], hcs[40];
	const char *cand[2];
	size_t i, adv, valid_mb = 0, invalid = 0;

	if (n >= 4 && ((s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0) ||
	               (s[0] && !s[1] && !s[2] && !s[3]))) {
		set_cs(cs, csz, "UTF-32LE");
		dec_utf32(o, s + (s[0] == 0xFF ? 4 : 0), n - (s[0] == 0xFF ? 4 : 0), false);
		return;
	}
	if (n >= 4 && ((!s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF) ||
	               (!s[0] && !s[1] && !s[2] && s[3]))) {
		set_cs(cs, csz, "UTF-32BE");
		dec_utf32(o, s + (s[2] == 0xFE ? 4 : 0), n - (s[2] == 0xFE ? 4 : 0), true);
		return;
	}
	if ((n >= 2 && s[0] == 0xFF && s[1] == 0xFE) ||
	    (n >= 4 && s[0] && !s[1] && s[2] && !s[3])) {
		set_cs(cs, csz, "UTF-16LE");
		dec_utf16(o, s + (s[0] == 0xFF ? 2 : 0), n - (s[0] == 0xFF ? 2 : 0), false);
		return;
	}
	if ((n >= 2 && s[0] == 0xFE && s[1] == 0xFF) ||
	    (n >= 4 && !s[0] && s[1] && !s[2] && s[3])) {
		set_cs(cs, csz, "UTF-16BE");
		dec_utf16(o, s + (s[0] == 0xFE ? 2 : 0), n - (s[0] == 0xFE ? 2 : 0), true);
		return;
	}
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		s += 3;
		n -= 3;
	}
	/* valid UTF-8 (NUL bytes allowed: they are dropped later) wins */
	for (i = 0; i < n; i += adv) {
		adv = 1;
		if (s[i] < 0x80)
			continue;
		if (hs_feed_utf8_get(s + i, n - i, &adv) == 0xFFFD && adv == 1)
			invalid++;
		else
			valid_mb++;
	}
	if (!invalid) {
		set_cs(cs, csz, "UTF-8");
		ob_put(o, s, n);
		return;
	}
	prolog_encoding(s, n, penc, sizeof(penc));
	hcs[0] = '\0';
	if (declared) {
		/* the same sanitising as the declaration's */
		size_t m = 0;
		for (i = 0; declared[i] && m + 1 < sizeof(hcs); i++) {
			char c = declared[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':')
				hcs[m++] = c;
		}
		hcs[m] = '\0';
	}
	cand[0] = penc;
	cand[1] = hcs;
	for (i = 0; i < 2; i++) {
		switch (charset_kind(cand[i])) {
		case CS_1252:
			set_cs(cs, csz, cand[i]);
			dec_cp1252(o, s, n);
			return;
		case CS_OTHER:
			if (dec_iconv(o, cand[i], s, n)) {
				set_cs(cs, csz, cand[i]);
				return;
			}
			break;
		default:
			break; /* UTF-8 (known to be wrong), UTF-16/32 (no such bytes) */
		}
	}
	/* Nothing usable declared: mostly good UTF-8 with some damage, or an
	 * undeclared 8-bit charset. */
	if (valid_mb >= invalid) {
		set_cs(cs, csz, "UTF-8 (repaired)");
		dec_utf8_repair(o, s, n);
	} else {
		set_cs(cs, csz, "windows-1252 (guessed)");
		dec_cp1252(o, s, n);
	}
}

/* ---- pass 2: markup repair ------------------------------------------------------- */

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static bool name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Bytes XML 1.0 does not allow at s[i]: returns how many to drop (0 = fine). */
static size_t forbidden(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return 1;
	if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
		return 3;
	return 0;
}

/* Copy s[i..e) dropping forbidden characters. */
static void copy_clean(ob *o, const unsigned char *s, size_t i, size_t e)
{
	while (i < e) {
		size_t f = forbidden(s, e, i);
		if (f) {
			i += f;
			continue;
		}
		size_t j = i;
		while (j < e && !forbidden(s, e, j))
			j++;
		ob_put(o, s + i, j - i);
		i = j;
	}
}

/* Only the newlines of s[i..e) (for what is dropped). */
static void copy_newlines(ob *o, const unsigned char *s, size_t i, size_t e)
{
	for (; i < e; i++)
		if (s[i] == '\n')
			ob_byte(o, '\n');
}

static size_t find(const unsigned char *s, size_t n, size_t i, const char *pat)
{
	size_t pl = strlen(pat);
	for (; i + pl <= n; i++)
		if (s[i] == (unsigned char)pat[0] && memcmp(s + i, pat, pl) == 0)
			return i;
	return n;
}

static bool starts_ci(const unsigned char *s, size_t n, size_t i, const char *pat)
{
	size_t pl = strlen(pat);
	if (n - i < pl)
		return false;
	for (size_t k = 0; k < pl; k++)
		if ((s[i + k] | 0x20) != (unsigned char)pat[k])
			return false;
	return true;
}

static bool xml_char(uint32_t v)
{
	return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
	       (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF);
}

/* s[i] == '&': write a reference libxml2 accepts, or "&amp;". Returns the
 * index after what was consumed. */
static size_t fix_ref(ob *o, const unsigned char *s, size_t n, size_t i)
{
	size_t j = i + 1;

	if (j < n && s[j] == '#') {
		bool hex = false;
		uint32_t v = 0;
		size_t digits = 0;
		char num[16];

		j++;
		if (j < n && (s[j] == 'x' || s[j] == 'X')) {
			hex = true;
			j++;
		}
		for (; j < n; j++) {
			unsigned char c = s[j];
			int d = c >= '0' && c <= '9' ? c - '0'
			      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (d < 0)
				break;
			if (v <= 0x10FFFF)
				v = v * (hex ? 16 : 10) + (uint32_t)d;
			digits++;
		}
		if (!digits) {
			ob_str(o, "&amp;");
			return i + 1;
		}
		if (j < n && s[j] == ';')
			j++; /* a missing ';' is added, as HTML reads it */
		if (v >= 0x80 && v <= 0x9F)
			v = hs_feed_cp1252(v);
		else if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		if (v && xml_char(v)) {
			snprintf(num, sizeof(num), "&#%u;", (unsigned)v);
			ob_str(o, num);
		}
		return j;
	}
	while (j < n && j - i <= 32 && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
	                                (s[j] >= '0' && s[j] <= '9')))
		j++;
	if (j > i + 1 && j < n && s[j] == ';' &&
	    ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z'))) {
		size_t nl = j - i - 1;
		const char *name = (const char *)s + i + 1;
		uint32_t cp;
		if ((nl == 3 && memcmp(name, "amp", 3) == 0) || (nl == 2 && memcmp(name, "lt", 2) == 0) ||
		    (nl == 2 && memcmp(name, "gt", 2) == 0) || (nl == 4 && memcmp(name, "quot", 4) == 0) ||
		    (nl == 4 && memcmp(name, "apos", 4) == 0)) {
			ob_put(o, s + i, j + 1 - i);
			return j + 1;
		}
		if ((cp = hs_feed_entity(name, nl)) != 0) {
			char num[16];
			snprintf(num, sizeof(num), "&#%u;", (unsigned)cp);
			ob_str(o, num);
			return j + 1;
		}
	}
	ob_str(o, "&amp;");
	return i + 1;
}

/* Copy an attribute value s[i..e) (no quotes) into "...", escaping. */
static void copy_value(ob *o, const unsigned char *s, size_t i, size_t e)
{
	ob_byte(o, '"');
	while (i < e) {
		size_t f = forbidden(s, e, i);
		unsigned char c = s[i];
		if (f) {
			i += f;
		} else if (c == '&') {
			i = fix_ref(o, s, e, i);
		} else if (c == '<') {
			ob_str(o, "&lt;");
			i++;
		} else if (c == '"') {
			ob_str(o, "&quot;");
			i++;
		} else {
			ob_byte(o, (char)c);
			i++;
		}
	}
	ob_byte(o, '"');
}

/* s[i] is just after a start tag's name: copy its attributes well-formed
 * up to and including '>'. empty: make it an empty-element tag. last_q:
 * where the last '"' and '\'' of the document are (n if none), so a value
 * that is never closed costs no search to the end of the document. */
static size_t copy_attrs(ob *o, const unsigned char *s, size_t n, size_t i, bool empty,
                         const size_t last_q[2])
{
	bool slash = false;

	while (i < n && !o->oom) {
		unsigned char c = s[i];
		size_t f = forbidden(s, n, i), st, j;

		if (f) {
			i += f;
			continue;
		}
		if (c == '>' || c == '<') {
			/* '<': the tag was never closed; close it here */
			if (empty || slash)
				ob_byte(o, '/');
			ob_byte(o, '>');
			return c == '>' ? i + 1 : i;
		}
		if (c == '/') {
			slash = true;
			i++;
			continue;
		}
		slash = false; /* a '/' that did not end the tag is dropped */
		if (is_ws(c)) {
			ob_byte(o, (char)c);
			i++;
			continue;
		}
		if (!name_start(c)) {
			i++; /* stray quote, '=', digit...: dropped */
			continue;
		}
		st = i;
		while (i < n && name_char(s[i]))
			i++;
		ob_byte(o, ' ');
		ob_put(o, s + st, i - st);
		j = i;
		while (j < n && is_ws(s[j]))
			j++;
		if (j >= n || s[j] != '=') {
			ob_str(o, "=\"\"");
			continue;
		}
		j++;
		while (j < n && is_ws(s[j]))
			j++;
		ob_byte(o, '=');
		if (j < n && (s[j] == '"' || s[j] == '\'')) {
			unsigned char q = s[j];
			size_t last = last_q[q == '"' ? 0 : 1], e = j + 1;
			if (last == n || last <= j)
				e = n;
			while (e < n && s[e] != q)
				e++;
			if (e < n) {
				copy_value(o, s, j + 1, e);
				i = e + 1;
				continue;
			}
			/* never closed: the value ends at the tag's end */
			j++;
		}
		st = j;
		while (j < n && !is_ws(s[j]) && s[j] != '>')
			j++;
		copy_value(o, s, st, j);
		i = j;
	}
	return n;
}

static bool html_void(const unsigned char *s, size_t len)
{
	static const char *const v[] = {
		"br", "hr", "img", "wbr", "input", "area", "col", "embed", "param",
		"track", "basefont", "frame", "keygen", NULL
	};
	for (size_t k = 0; v[k]; k++) {
		size_t vl = strlen(v[k]);
		if (vl != len)
			continue;
		size_t m = 0;
		while (m < len && (s[m] | 0x20) == (unsigned char)v[k][m])
			m++;
		if (m == len)
			return true;
	}
	return false;
}

/* s[i..] is "<!" + letter (DOCTYPE, ENTITY...): index after its end. */
static size_t skip_decl(ob *o, const unsigned char *s, size_t n, size_t i)
{
	int depth = 0;
	unsigned char q = 0;

	for (i += 2; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\n')
			ob_byte(o, '\n');
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '<' && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			size_t e = find(s, n, i + 4, "-->");
			copy_newlines(o, s, i + 1, e);
			i = e >= n ? n : e + 2;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '[') {
			depth++;
		} else if (c == ']') {
			if (depth)
				depth--;
		} else if (c == '>' && depth == 0) {
			return i + 1;
		}
	}
	return n;
}

static size_t last_of(const unsigned char *s, size_t n, unsigned char c)
{
	const unsigned char *p = n ? memrchr(s, c, n) : NULL;
	return p ? (size_t)(p - s) : n;
}

static void repair(ob *o, const unsigned char *s, size_t n)
{
	size_t i = 0, e, last_q[2] = { last_of(s, n, '"'), last_of(s, n, '\'') };

	while (i < n && s[i] != '<')
		i++;
	copy_newlines(o, s, 0, i);
	while (i < n && !o->oom) {
		unsigned char c = s[i];
		size_t f = forbidden(s, n, i);

		if (f) {
			i += f;
			continue;
		}
		if (c == '&') {
			i = fix_ref(o, s, n, i);
			continue;
		}
		if (c == '>') {
			/* "]]>" is not allowed in text */
			if (o->len >= 2 && o->b[o->len - 1] == ']' && o->b[o->len - 2] == ']')
				ob_str(o, "&gt;");
			else
				ob_byte(o, '>');
			i++;
			continue;
		}
		if (c != '<') {
			size_t j = i + 1;
			while (j < n && s[j] != '<' && s[j] != '&' && s[j] != '>' && !forbidden(s, n, j))
				j++;
			ob_put(o, s + i, j - i);
			i = j;
			continue;
		}
		/* c == '<' */
		if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			/* the body goes (but its newlines): nobody reads it, and
			 * libxml2 reports every "--" in it with a copy of the whole
			 * comment so far, which is quadratic */
			e = find(s, n, i + 4, "-->");
			ob_str(o, "<!--");
			copy_newlines(o, s, i + 4, e);
			ob_str(o, "-->");
			i = e >= n ? n : e + 3;
		} else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
			e = find(s, n, i + 9, "]]>");
			e = e >= n ? n : e + 3;
			copy_clean(o, s, i, e);
			i = e;
		} else if (n - i >= 3 && s[i + 1] == '!' &&
		           ((s[i + 2] | 0x20) >= 'a' && (s[i + 2] | 0x20) <= 'z')) {
			i = skip_decl(o, s, n, i);
		} else if (n - i >= 2 && s[i + 1] == '?') {
			e = find(s, n, i + 2, "?>");
			e = e >= n ? n : e + 2;
			if (starts_ci(s, n, i + 2, "xml") &&
			    (i + 5 >= n || is_ws(s[i + 5]) || s[i + 5] == '?'))
				copy_newlines(o, s, i, e); /* an XML declaration: dropped */
			else
				copy_clean(o, s, i, e);
			i = e;
		} else if (n - i >= 3 && s[i + 1] == '/' && name_start(s[i + 2])) {
			size_t st = i + 2, ne = st;
			while (ne < n && name_char(s[ne]))
				ne++;
			e = ne;
			while (e < n && s[e] != '>' && s[e] != '<')
				e++;
			if (!html_void(s + st, ne - st)) {
				ob_put(o, s + i, ne - i);
				ob_byte(o, '>');
			}
			copy_newlines(o, s, ne, e);
			i = e < n && s[e] == '>' ? e + 1 : e;
		} else if (n - i >= 2 && name_start(s[i + 1])) {
			size_t st = i + 1, ne = st;
			while (ne < n && name_char(s[ne]))
				ne++;
			ob_put(o, s + i, ne - i);
			i = copy_attrs(o, s, n, ne, html_void(s + st, ne - st), last_q);
		} else {
			ob_str(o, "&lt;");
			i++;
		}
	}
}

char *hs_feed_prepare(const char *buf, size_t len, const char *declared,
                      size_t *out_len, char *charset, size_t csz)
{
	ob u = { NULL, 0, 0, false }, x = { NULL, 0, 0, false };

	if (csz)
		charset[0] = '\0';
	decode(&u, (const unsigned char *)buf, len, declared, charset, csz);
	if (!u.oom)
		repair(&x, (const unsigned char *)u.b, u.len);
	free(u.b);
	if (u.oom || x.oom || !ob_grow(&x, 0)) {
		free(x.b);
		return NULL;
	}
	x.b[x.len] = '\0';
	*out_len = x.len;
	return x.b;
}
