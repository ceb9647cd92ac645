/* hearsay: JSON forms of posts, hit events and alerts (docs/formats.md).
 * Pure functions over their arguments; any thread. */
#ifndef HS_POSTJSON_H
#define HS_POSTJSON_H

#include <stdint.h>

#include <jansson.h>

#include <hearsay/post.h>

#include "record.h"

/* The post object as sent on the websocket and stored in LMDB. */
json_t *hs_post_to_json(const hs_post *p);
/* Inverse of hs_post_to_json (used by readers of the store). NULL if the
 * object lacks the required members. */
hs_post *hs_post_from_json(const json_t *o);
/* A hit event: {"type":"hit","seq":..,"time":..,"rule":{..},"field":..,
 * "span":[s,e],"match":"..","post":{..}}. post_obj is borrowed. */
json_t *hs_hit_event(const hs_post *p, json_t *post_obj, const hs_hit *h,
                     uint64_t seq, int64_t now_us);
/* Compact serialisation; newly allocated. */
char *hs_json_dump(const json_t *o, size_t *len);

#endif
