/* hearsay: the normalised post.
 *
 * Every collector turns what it fetched into hs_post values. A post is owned
 * by exactly one thread at a time; it moves along the pipeline
 * (collector -> intake queue -> analysis worker -> store thread) by pointer,
 * and each hand-off transfers ownership: the sender must not touch it after
 * a successful push.
 */
#ifndef HEARSAY_POST_H
#define HEARSAY_POST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	HS_POST_REPLY = 1u << 0,
	HS_POST_BOOST = 1u << 1,
	/* A deletion notice, not a post: the post (source, source_id) was
	 * deleted upstream. It needs only source_id and text "" (no content);
	 * it is never matched or stored as a post: the store marks the stored
	 * post, if any, with "deleted": true and the time it learnt of it. */
	HS_POST_DELETED = 1u << 2,
};

typedef struct hs_post {
	char *source;      /* source name users see, e.g. "rivertown-courier" */
	char *source_id;   /* source-local id (opaque string), unique per source */
	char *url;         /* canonical URL, may be NULL */
	char *author;      /* author pseudonym (hex HMAC) or NULL */
	char *lang;        /* language code ("en", "nl", ...) or NULL if unknown */
	int64_t created_us;/* UTC microseconds since the epoch */
	int64_t fetched_us;/* UTC microseconds since the epoch */
	char *title;       /* may be NULL */
	char *text;        /* plain text, valid UTF-8, never NULL once accepted */
	char **tags;       /* n_tags strings */
	size_t n_tags;
	unsigned flags;    /* HS_POST_* */

	/* Set by the host, not by collectors. */
	char *feed;        /* configured source (collector instance) that produced it */
	char *cursor;      /* collector cursor that is safe to persist once this
	                    * post is committed, or NULL */
	uint64_t feed_seq; /* 1, 2, 3... per feed in intake order, so the store
	                    * can advance cursors only over a gap-free prefix */
	uint64_t id;       /* store id, assigned at commit; 0 before */
} hs_post;

/* Where a parser hands the posts it makes: the sink always takes ownership
 * of post; a non-zero return asks the parser to stop. */
typedef int (*hs_post_sink)(void *ud, hs_post *post);

/* All fields zeroed. Returns NULL on out of memory. */
hs_post *hs_post_new(void);
/* Frees the post and every string it owns. NULL is fine. */
void hs_post_free(hs_post *p);
/* Appends a copy of tag. Returns 0, or -1 on out of memory. */
int hs_post_add_tag(hs_post *p, const char *tag);

#ifdef __cplusplus
}
#endif
#endif
