/* hearsay: the `bluesky` collector's Jetstream frame parser
 * (docs/collectors/bluesky.md).
 *
 * One call per websocket text frame from a Jetstream instance
 * (/subscribe?wantedCollections=app.bsky.feed.post). Pure and reentrant:
 * no state, no I/O, it allocates only what it returns; any thread.
 */
#ifndef HS_JETSTREAM_H
#define HS_JETSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <hearsay/post.h>

typedef enum {
	HS_JS_POST,     /* a post was created: *post */
	HS_JS_EDIT,     /* a post record was updated (same source_id): *post */
	HS_JS_DELETE,   /* a post was deleted: *deleted_id ("did/rkey") */
	HS_JS_IGNORED,  /* identity, account, other collections or operations,
	                 * or a post the filter turned away */
} hs_js_kind;

/* Applied before a post is built; NULL or empty lists mean no filter.
 *  keywords: the post's text must contain at least one of them, ASCII
 *            case-insensitively (bytes outside ASCII must match exactly;
 *            an empty keyword matches every text).
 *  langs:    one of the post's langs must have the same primary subtag
 *            (case-insensitive: "en" matches "en-GB" and "EN"); a post
 *            without langs never passes a langs filter.
 * Deletes are never filtered (the host drops the ones it does not hold). */
typedef struct hs_js_filter {
	const char *const *keywords;
	size_t n_keywords;
	const char *const *langs;
	size_t n_langs;
} hs_js_filter;

/* Parse one frame.
 *
 * *time_us is set whenever the frame has a usable time_us, also for ignored
 * and filtered frames and for a commit that is otherwise malformed, so the
 * cursor advances past them; it is left alone when the frame has none or
 * when it is out of range (not positive, after 9999-12-31, or more than a
 * day after now_us when now_us > 0), which is an error.
 *
 * HS_JS_POST / HS_JS_EDIT: *post, newly allocated: source (a copy of
 * `source`), source_id "did/rkey", url https://bsky.app/profile/DID/post/RKEY,
 * author = the DID (the daemon pseudonymises it), lang = primary subtag of
 * the first usable langs entry, lower-cased (NULL if none), created_us =
 * record.createdAt but never after time_us (else time_us, else now_us),
 * fetched_us = now_us, text = record.text (NUL bytes dropped), tags from
 * the #tag facets and record.tags (each once), HS_POST_REPLY when the
 * record has a reply.
 * HS_JS_DELETE: *deleted_id, newly allocated "did/rkey".
 * deleted_id and time_us may be NULL if the caller does not want them.
 *
 * Returns 0 with *kind set, or -1 with err ("frame is not valid JSON ...",
 * "commit has no record", "invalid did", ...), *kind = HS_JS_IGNORED and
 * *post / *deleted_id NULL. */
int hs_jetstream_parse_frame(const char *frame, size_t len, const char *source,
                             int64_t now_us, const hs_js_filter *filter,
                             hs_js_kind *kind, hs_post **post, char **deleted_id,
                             int64_t *time_us, char *err, size_t errlen);

#endif
