/* hearsay: text normalisation for rule matching.
 *
 * One call per post (hs_norm_run) turns the post's text into three views,
 * each a NUL-terminated UTF-8 string with a map back to the original text:
 *
 *   folded  NFKC + full case folding (what utf8proc_map with
 *           UTF8PROC_STABLE|COMPOSE|COMPAT|CASEFOLD|IGNORE gives: "ﬁ"->"fi",
 *           full-width letters -> ASCII, "x²"->"x2", "ẞ"/"ß"->"ss",
 *           "Σ"/"ς"->"σ", "İ"->"i" + U+0307, "™"->"tm", "…"->"..."),
 *           with every URL, @mention and e-mail address replaced by one
 *           space. Default-ignorable characters are dropped (soft hyphen,
 *           zero-width space/non-joiner, word joiner, bidi controls, BOM),
 *           except U+200D ZWJ, U+FE0E/U+FE0F and the tag characters
 *           U+E0020..E007F when they follow an emoji (a character of
 *           category So/Sk/Me, another of these, or a keycap base 0-9 # *),
 *           so emoji sequences pass through but "ha<ZWJ>te" is "hate".
 *           Invalid UTF-8 bytes become U+FFFD (one per byte, as
 *           hs_utf8_repair does); NUL bytes become a space. Everything else
 *           (punctuation, '#', emoji, any script) is kept.
 *   plain   folded without accents: each folded character is canonically
 *           decomposed, the accent marks are dropped and the rest is
 *           recomposed ("é"->"e", "ñ"->"n", "ü"->"u", "ç"->"c", "ά"->"α").
 *           Dropped: nonspacing marks (Mn) of the generic diacritic blocks
 *           (U+0300-036F, 1AB0-1AFF, 1DC0-1DFF, 20D0-20FF, FE20-FE2F) on
 *           Latin and Greek letters, or on no letter; Hebrew points and
 *           Arabic harakat (and the tatweel U+0640) on anything. Kept: marks
 *           on letters of other scripts (Cyrillic "й" is not "и", Indic and
 *           Thai vowel signs are spelling), enclosing marks (keycaps).
 *           Letters without a decomposition that are commonly written
 *           without their stroke: ø->o, æ->ae, œ->oe, ł->l, đ->d, ð->d,
 *           ħ->h, ı->i, ŧ->t, ȷ->j ("ß" is already "ss" from case folding,
 *           Dutch "ĳ" already "ij" from NFKC). þ, ŋ, ə ... are kept.
 *   terms   plain cut into words for whole-word term matching: the view is
 *           " w1 w2 ... wn " (one leading and one trailing space, words
 *           separated by exactly one space; " " if there are no words), so
 *           finding " word " is a plain substring search. A word is a run
 *           of letters (any script), marks and digits; every other character
 *           (whitespace, punctuation including '#', '\'', '-', '_', symbols,
 *           U+FFFD) separates words, so hashtags keep their word without '#'
 *           ("#StopHate" -> "stophate": CamelCase is not split), "don't" is
 *           "don t" and "l'homme" is "l homme". Within a word:
 *           - ".", ",", ":", "/" and "-" between two digits stay, so numbers
 *             are one word: "10:30", "1.5", "2026-05-16".
 *           - obfuscation: the characters 0->o 1->i 3->e 4->a 5->s 7->t
 *             @->a $->s !->i ('1' is read as i, not l) are folded to
 *             letters only in words that also contain letters and are
 *             obfuscated, that is: a run of such characters sits between two
 *             letters ("h4te", "k1ll", "l33t", "sc@m", "sh!t"), or a run of
 *             only '$'/'@' touches a letter ("$cum" - so cashtags "$TSLA"
 *             become "stsla"). In an obfuscated word the inner runs are
 *             folded, and so are runs at the word's edges that touch a
 *             letter if they are one character or hold no digit ("h4t3"->
 *             "hate", "1d10t"->"idiot"); '!' only ever folds between
 *             letters. A word of digits alone is never folded ("2026",
 *             "1337"); neither are "3rd", "10th", "5km", "covid19", "mp3"
 *             (no run between letters). '2' '6' '8' '9' are never folded.
 *             '@', '$', '!' that are not folded separate words ("wow!!").
 *           - a letter repeated 3 or more times becomes one ("hateeeee"->
 *             "hate", "sooo"->"so"); 2 are kept (English and Dutch double
 *             letters: "need", "zee"). German "Schifffahrt" becomes
 *             "schifahrt": rule terms must go through the same view, then
 *             they still match.
 *           - single letters joined by one separator are one word: 3 or
 *             more letters all separated by the same one of ". - _ * space"
 *             ("h.a.t.e", "h-a-t-e", "h_a_t_e", "h a t e" -> "hate"; a
 *             single mapped digit counts as a letter there: "h.4.t.e");
 *             2 letters only with '.' ("e.g", "u.s"). For the space, at
 *             least two of the letters must be other than a e i o u y, so
 *             French "il y a à" and "y a t il" stay apart. Double spaces
 *             do not join.
 *           - an emoji (category So) is a word of its own, with what
 *             extends it (ZWJ + next emoji, U+FE0F, skin tones, tags, a
 *             regional-indicator pair): "kill🔪you" -> " kill 🔪 you ".
 *           Text without spaces between words (Chinese, Japanese, Thai) is
 *           one long word; terms cannot find words inside it.
 *
 * URLs, mentions, e-mail addresses are found in the original text (ASCII
 * forms only: a full-width "ｈｔｔｐ://" is not masked, but becomes
 * "http://" in folded):
 *   - SCHEME://REST, SCHEME = a letter then letters, digits, + . - (up to 32),
 *     not preceded by a letter or digit, with at least one character after
 *     "//";  www.REST at a word start. REST runs to whitespace, an ASCII
 *     < > " ` { } | \ ^, or a non-ASCII character that is not a letter,
 *     mark or digit; trailing . , ; : ! ? ' * and unbalanced ) ] } are not
 *     part of it. Bare domains ("example.com") are not masked.
 *   - @user, @user@instance.tld, @alice.bsky.social (user: ASCII letters,
 *     digits, '_', inner '.'/'-'), when '@' is not preceded by a letter or
 *     digit; "sc@m" is not a mention.
 *   - e-mail addresses local@domain.tld count as mentions and are masked;
 *     "sc@m" (no domain) is not an address.
 *
 * Maps. For view v of length L, every output byte i < L has the byte span
 * [start, end) of the original text it came from: hs_norm_map_start(n, v, i)
 * is the start of the character (or composed group, or masked URL) the
 * byte belongs to, and hs_norm_map_end(n, v, i) is the end of the
 * character byte i-1 belongs to; map_start(L) is the text length and
 * map_end(0) is 0. A match [s, e) in a view is therefore the original span
 * [map_start(s), map_end(e)), always on character boundaries of the
 * original, and both maps are monotonic. Where composition merges
 * characters (a letter and its combining marks, Hangul jamo), all output
 * characters of the group map to the whole group. In folded and plain
 * every output character maps to a non-empty span. In terms a word's
 * characters map to their source characters (a joined "h a t e" maps each
 * letter to its own source letter, a collapsed "eeee" to all of it), and
 * a separating space maps "inside out": its start is the next word's start
 * and its end the previous word's end (leading space: start = end = first
 * word's start; trailing: start = end = last word's end). So " hate " maps
 * to exactly the source word, with or without its spaces; a match made of
 * separators alone maps to an inverted span, which hs_norm_span() turns
 * into the gap between the words.
 *
 * Idempotence: running the folded (or plain) view through hs_norm_run
 * again gives the same folded (or plain) view when that second run masks
 * nothing (the first run can create a new URL or mention from full-width
 * forms: "ｈｔｔｐ://x" -> "http://x"). terms is not idempotent: collapsing
 * can make single letters that then join ("hhh a t e" -> " h a t e ", which
 * gives " hate ").
 *
 * Ownership and threads: an hs_norm owns all its buffers; the views and
 * maps stay valid until the next hs_norm_run or hs_norm_free on it. Use one
 * hs_norm per thread. The buffers are kept between runs (no allocation per
 * post once they are big enough); after a post over 256 KiB they are
 * released at the next smaller post.
 */
#ifndef HS_NORMALIZE_H
#define HS_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	HS_NORM_FOLDED = 0,
	HS_NORM_PLAIN = 1,
	HS_NORM_TERMS = 2,
} hs_norm_view;

typedef struct hs_norm hs_norm;

/* Returns a new normaliser with empty views, or NULL on out of memory.
 * The caller owns it and frees it with hs_norm_free (NULL is fine). */
hs_norm *hs_norm_new(void);
void hs_norm_free(hs_norm *n);

/* Normalise text[0..len). text should be valid UTF-8; anything else is
 * handled (see above). text is only read during the call. Returns 0, or
 * -1 (with every view empty) on out of memory, if n is NULL, if text is NULL
 * with len > 0, or if len >= 4 GiB (maps are 32-bit). */
int hs_norm_run(hs_norm *n, const char *text, size_t len);

/* The same views as hs_norm_run, made faster where that is possible by
 * not building the maps: for a text without obfuscated words, runs of
 * repeated letters or chains of single letters (most posts in
 * Latin-script languages) that is all ASCII, or whose other characters
 * are all accented Latin letters and common punctuation that fold and
 * lose their accents into ASCII letters or separators (é, ß, œ, NBSP,
 * « », ’ “ ”, – —, …, € and the like; not combining marks or other
 * scripts) or emoji and pictographic symbols (U+2600..U+27BF,
 * U+2B00..U+2BFF, U+1F000..U+1FAFF that NFKC and case folding leave as
 * they are, with ZWJ, U+FE0F and skin tones; not keycaps), the views
 * are built without maps, and each map query below
 * searches the views and what the run kept of the text's layout instead
 * (up to O(length) per call, which is fine for mapping hits back, not for
 * mapping every byte); hs_norm_has_maps() then says false. For
 * any other text this is hs_norm_run. Views and map answers are exactly
 * those of hs_norm_run (a differential unit test holds it to that). Same
 * return values as hs_norm_run. */
int hs_norm_run_views(hs_norm *n, const char *text, size_t len);
/* Whether the last run built its maps up front (hs_norm_run always does);
 * if not, the map functions compute them on demand. */
bool hs_norm_has_maps(const hs_norm *n);
/* Whether the last run took that map-free path with an ASCII text (not
 * one with accented letters): the text is ASCII, the folded view is it
 * lowercased (masks one space each) and the terms view holds exactly the
 * folded view's words (runs of letters or of digits, with . , : / -
 * between digits), unchanged and in order. */
bool hs_norm_simple(const hs_norm *n);

/* The views of the last run: NUL-terminated, no other NUL byte, valid
 * UTF-8; *len (if len is not NULL) gets the length without the NUL.
 * Owned by n. Empty strings before the first run. */
const char *hs_norm_text(const hs_norm *n, hs_norm_view view, size_t *len);
const char *hs_norm_folded(const hs_norm *n, size_t *len);
const char *hs_norm_plain(const hs_norm *n, size_t *len);
const char *hs_norm_terms(const hs_norm *n, size_t *len);

/* Map a byte offset of a view to the original text (see above). off is
 * clamped to the view's length. */
size_t hs_norm_map_start(const hs_norm *n, hs_norm_view view, size_t off);
size_t hs_norm_map_end(const hs_norm *n, hs_norm_view view, size_t off);
/* The original span of view bytes [s, e): *os = map_start(s),
 * *oe = map_end(e), swapped if that is inverted (a match of separators
 * only in terms), so *os <= *oe. */
void hs_norm_span(const hs_norm *n, hs_norm_view view, size_t s, size_t e,
                  size_t *os, size_t *oe);

/* Number of URLs, mentions and e-mail addresses masked by the last run. */
size_t hs_norm_masked(const hs_norm *n);
/* Length of the text given to the last run. */
size_t hs_norm_source_len(const hs_norm *n);

#ifdef __cplusplus
}
#endif
#endif
