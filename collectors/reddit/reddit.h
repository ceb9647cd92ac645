/* hearsay: the `reddit` collector's parsers.
 *
 * Pure functions over bytes the host fetched from Reddit's OAuth API
 * (application-only "client credentials" access): a subreddit listing
 * (GET https://oauth.reddit.com/r/SUB/new?limit=100) and the token answer
 * of https://www.reddit.com/api/v1/access_token, plus the Basic
 * Authorization value the host sends to get a token. They keep no state
 * and allocate only what they return, so any thread may call them at the
 * same time. The host does all the I/O.
 *
 * Posts built here have source (a copy of the `source` argument),
 * source_id (the fullname, "t3_" and a base36 id), url (the permalink on
 * https://www.reddit.com, else the post's own http(s) url, else NULL),
 * author ("u/NAME", the raw handle: the daemon pseudonymises it later; NULL
 * for deleted accounts), created_us, fetched_us (= now_us), text (title, a
 * blank line, then the markdown selftext when there is one; never NULL,
 * valid UTF-8, no NUL) and one tag "r/SUBREDDIT". title and lang are NULL,
 * flags 0. feed, cursor and id are left to the host.
 */
#ifndef HS_REDDIT_H
#define HS_REDDIT_H

#include <stddef.h>
#include <stdint.h>

#include <hearsay/post.h>

/* hs_post_sink is in <hearsay/post.h>. */

/* A listing: {"kind":"Listing","data":{"children":[{"kind":"t3","data":
 * {...}}, ...]}}.
 *
 * Links ("t3" children) are handed to sink oldest first: ascending
 * created_utc, equal times by fullname (hs_reddit_fullname_cmp), whatever
 * the listing's order (Reddit sends newest first). Children of other kinds
 * (t1 comments, "more") are ignored. A fullname that comes twice is used
 * once (its first occurrence). Removed and deleted posts are skipped
 * silently (neither emitted nor bad): removed_by_category set, or author
 * "[deleted]" with selftext "[removed]" or "[deleted]". NSFW posts are
 * emitted like any other.
 *
 * A post that cannot be used (a name that is not ^t3_[0-9a-z]{1,16}$, a
 * created_utc that is not a number of seconds from 1970 up to a day after
 * now_us, no title, ...) is skipped and counted in *bad (if bad is not
 * NULL); err then holds the first such reason ("post 3: unusable name";
 * 0-based index in children) and the call still succeeds. err is "" when
 * nothing was bad. A created_utc up to a day ahead of now_us (clock skew)
 * is set back to now_us; now_us <= 0 turns both checks off.
 *
 * *newest_fullname (if not NULL) is set to a newly allocated copy of the
 * fullname of the last post, in the order above, that the parse got
 * through, emitted or bad (bad posts with a usable name and time count, so
 * the host does not fetch them again and again), or NULL when there was
 * none. Skipped removed/deleted posts do not count: Reddit may drop them
 * from the listing, and a before= cursor that names a post no longer in the
 * listing gets empty pages. When sink stops the parse, it is the fullname
 * of the post just handed over. The caller frees it.
 *
 * Returns the number of posts emitted, or -1 with err set when the answer is
 * not usable at all ("listing is not valid JSON ...", "expected a Listing",
 * "server error: 401 Unauthorized", out of memory); *newest_fullname is
 * then NULL and *bad 0. */
int hs_reddit_parse_listing(const char *buf, size_t len, const char *source,
                            int64_t now_us, hs_post_sink sink, void *ud,
                            char **newest_fullname, size_t *bad, char *err,
                            size_t errlen);

/* Order of two fullnames of the same kind (base36 ids without leading
 * zeros): shorter is older, equal lengths compare bytewise ('0'-'9' sort
 * before 'a'-'z', as in base36). NULL sorts before everything. <0, 0 or
 * >0. */
int hs_reddit_fullname_cmp(const char *a, const char *b);

/* The token endpoint's answer to grant_type=client_credentials:
 * {"access_token":"...","token_type":"bearer","expires_in":86400,...}.
 *
 * Returns 0 with the token copied into token[0..toklen) (NUL-terminated)
 * and *expires_in_s (if not NULL) set to its lifetime in seconds (3600 when
 * the answer does not say; at most one year). Returns -1 with err set, token
 * "" and *expires_in_s 0 for: invalid JSON, not an object, an error answer
 * ({"error":"invalid_grant"} -> "server error: invalid_grant";
 * {"message":"Unauthorized","error":401} -> "server error: 401
 * Unauthorized"), a missing or empty access_token, one that does not fit in
 * toklen - 1 bytes or has bytes outside visible ASCII (0x21-0x7e), a
 * token_type other than "bearer" (any case), an expires_in that is not a
 * positive number. */
int hs_reddit_parse_token(const char *buf, size_t len, char *token, size_t toklen,
                          int64_t *expires_in_s, char *err, size_t errlen);

/* The Authorization header value for the token request:
 * "Basic " + base64(id ":" secret), newly allocated (the caller frees it,
 * and should wipe it first: it holds the secret). id and secret are the
 * contents of the configured files: trailing white space (a final newline)
 * is dropped from each. NULL when either is NULL or empty after that, when
 * the id holds a ':', when either holds a control byte (0x00-0x1f, 0x7f),
 * or on out of memory. */
char *hs_reddit_basic_auth(const unsigned char *id, size_t idlen,
                           const unsigned char *secret, size_t secretlen);

#endif
