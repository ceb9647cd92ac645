/* hearsay: the `mastodon` collector's parsers (docs/collectors/mastodon.md).
 *
 * Pure functions over bytes the host fetched: a REST page of statuses, one
 * streaming-API websocket frame, a Link header, the /api/v2/instance
 * document. They keep no state and allocate only what they return, so any
 * thread may call them at the same time. The host does all the I/O.
 *
 * Posts built here have source (a copy of the `source` argument),
 * source_id, url (http or https only, else NULL), author (the raw handle,
 * "user@domain": the daemon pseudonymises it later), lang, created_us,
 * fetched_us (= now_us), text (never NULL, valid UTF-8, no NUL), tags and
 * the HS_POST_REPLY / HS_POST_BOOST flags. feed, cursor and id are left to
 * the host.
 */
#ifndef HS_MASTODON_H
#define HS_MASTODON_H

#include <stddef.h>
#include <stdint.h>

#include <hearsay/post.h>

/* hs_post_sink is in <hearsay/post.h>. */

/* A REST page (timelines/tag/:hashtag, timelines/public?local=true): a JSON
 * array of Status objects.
 *
 * Statuses are handed to sink oldest first (ascending id), whatever the
 * page's order. A boost ("reblog" set) is emitted as the ORIGINAL status,
 * flagged HS_POST_BOOST, with the original's id as source_id; it is skipped
 * when the original itself, or another boost of it, is in the same page.
 * Only statuses anyone may read are used: visibility "public", "unlisted"
 * or "local" (or none given); private, direct and unknown visibilities are
 * skipped silently (neither emitted nor bad).
 *
 * A status that cannot be used (no usable id, unparseable created_at, no
 * content, ...) is skipped and counted in *bad (if bad is not NULL); err
 * then holds the first such reason ("status 3: missing id"; 0-based index
 * in the page) and the call still succeeds. err is "" when nothing was bad.
 *
 * *newest_id (if newest_id is not NULL) is set to a newly allocated copy of
 * the largest status id the parse got through (bad statuses with a usable id
 * included, so paging never stalls on them), or NULL when there was none.
 * When sink stops the parse, that is the id of the status just handed over:
 * everything up to it has been processed, so min_id=*newest_id resumes
 * without a gap. Ids are the page's own (a boost's wrapper id, not the
 * original's).
 *
 * Returns the number of posts emitted, or -1 with err set when the page is
 * not usable at all ("expected a JSON array", "server error: The access
 * token is invalid", invalid JSON, out of memory); *newest_id is then NULL. */
int hs_mastodon_parse_statuses(const char *buf, size_t len, const char *source,
                               int64_t now_us, hs_post_sink sink, void *ud,
                               char **newest_id, size_t *bad, char *err,
                               size_t errlen);

/* Order of two status ids: shorter is older, equal lengths compare
 * bytewise (Mastodon's numeric snowflakes, fixed-length base62 / ULID ids
 * of other servers). NULL sorts before everything. <0, 0 or >0. */
int hs_mastodon_id_cmp(const char *a, const char *b);

typedef enum {
	HS_MASTO_POST,     /* "update": a new status; *post is set */
	HS_MASTO_EDIT,     /* "status.update": same source_id, new content; *post */
	HS_MASTO_DELETE,   /* "delete": *deleted_id is the status id */
	HS_MASTO_IGNORED,  /* any other event, or a non-public status */
} hs_masto_kind;

/* One frame of the streaming API (websocket /api/v1/streaming):
 * {"stream":[...],"event":"update","payload":"<Status as a JSON string>"}.
 * The payload of update and status.update is double-encoded (a string that
 * holds JSON); an object is accepted too. delete carries the bare id.
 * Boosts and non-public statuses are handled as in parse_statuses.
 * Returns 0 with *kind set (and *post or *deleted_id, newly allocated, for
 * the kinds above; both are NULL otherwise; deleted_id may be NULL if the
 * caller does not want it), or -1 with err for a frame that
 * cannot be used, including the server's error frames
 * ({"error":"Unknown stream type","status":400} -> "server error: ..."). */
int hs_mastodon_parse_stream_frame(const char *frame, size_t len, const char *source,
                                   int64_t now_us, hs_masto_kind *kind, hs_post **post,
                                   char **deleted_id, char *err, size_t errlen);

/* The URL of the first link whose rel (case-insensitive; a rel may list
 * several types) is `rel`, from an RFC 8288 Link header value such as
 * `<https://x.example/api/v1/timelines/tag/t?min_id=7>; rel="prev"`.
 * Newly allocated, or NULL. The URL is returned as sent: the host must
 * check that it points at the instance it asked before following it. */
char *hs_mastodon_link_rel(const char *link_header, const char *rel);

typedef enum {
	HS_MASTO_ACCESS_UNKNOWN = -1,      /* not said (older server, other software) */
	HS_MASTO_ACCESS_DISABLED = 0,      /* "disabled": not even with a token */
	HS_MASTO_ACCESS_PUBLIC = 1,        /* "public": no token needed */
	HS_MASTO_ACCESS_AUTHENTICATED = 2, /* "authenticated": needs a user token */
} hs_masto_access;

/* From an /api/v2/instance document: may the local public timeline
 * (timelines/public?local=true, configuration.timelines_access.live_feeds.local)
 * be read without a token? 1 = public, 0 = disabled or token required,
 * -1 = unknown (field absent, not an instance document). */
int hs_mastodon_instance_public_timelines(const char *buf, size_t len);

/* The same for any feed: feed is "live_feeds", "hashtag_feeds" or
 * "trending_link_feeds", scope "local" or "remote". */
hs_masto_access hs_mastodon_instance_feed_access(const char *buf, size_t len,
                                                 const char *feed, const char *scope);

/* configuration.urls.streaming (ws:// or wss://), newly allocated, or NULL. */
char *hs_mastodon_instance_streaming_url(const char *buf, size_t len);

#endif
