/* hearsay: JSON forms of posts and events (see postjson.h). */
#include <stdlib.h>
#include <string.h>

#include "postjson.h"
#include "timeutil.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *hs_post_to_json(const hs_post *p)
{
	char ts[40];
	json_t *o = json_object();
	json_t *tags = json_array();

	if (!o || !tags)
		goto fail;
	json_object_set_new(o, "id", json_integer((json_int_t)p->id));
	json_object_set_new(o, "source", str_or_null(p->source));
	json_object_set_new(o, "source_id", str_or_null(p->source_id));
	json_object_set_new(o, "url", str_or_null(p->url));
	json_object_set_new(o, "author", str_or_null(p->author));
	json_object_set_new(o, "lang", str_or_null(p->lang));
	json_object_set_new(o, "created", json_string(hs_time_format(p->created_us, ts, sizeof(ts))));
	json_object_set_new(o, "fetched", json_string(hs_time_format(p->fetched_us, ts, sizeof(ts))));
	json_object_set_new(o, "title", str_or_null(p->title));
	json_object_set_new(o, "text", str_or_null(p->text));
	for (size_t i = 0; i < p->n_tags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	json_object_set_new(o, "tags", tags);
	tags = NULL;
	json_object_set_new(o, "reply", json_boolean(p->flags & HS_POST_REPLY));
	json_object_set_new(o, "boost", json_boolean(p->flags & HS_POST_BOOST));
	if (p->flags & HS_POST_DELETED) /* a deletion notice (hearsayctl parse) */
		json_object_set_new(o, "deleted", json_true());
	if (p->feed)
		json_object_set_new(o, "feed", json_string(p->feed));
	return o;
fail:
	json_decref(o);
	json_decref(tags);
	return NULL;
}

static int dup_member(const json_t *o, const char *key, char **dst)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*dst = strdup(json_string_value(v));
	return *dst ? 0 : -1;
}

hs_post *hs_post_from_json(const json_t *o)
{
	hs_post *p = hs_post_new();
	const json_t *v;

	if (!p || !json_is_object(o))
		goto fail;
	v = json_object_get(o, "id");
	p->id = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	if (dup_member(o, "source", &p->source) || dup_member(o, "source_id", &p->source_id) ||
	    dup_member(o, "url", &p->url) || dup_member(o, "author", &p->author) ||
	    dup_member(o, "lang", &p->lang) || dup_member(o, "title", &p->title) ||
	    dup_member(o, "text", &p->text) || dup_member(o, "feed", &p->feed))
		goto fail;
	if (!p->source || !p->source_id || !p->text)
		goto fail;
	v = json_object_get(o, "created");
	if (!json_is_string(v) || hs_time_parse_rfc3339(json_string_value(v), &p->created_us))
		goto fail;
	v = json_object_get(o, "fetched");
	if (json_is_string(v))
		hs_time_parse_rfc3339(json_string_value(v), &p->fetched_us);
	v = json_object_get(o, "tags");
	if (json_is_array(v)) {
		size_t i;
		const json_t *t;
		json_array_foreach(v, i, t)
			if (json_is_string(t) && hs_post_add_tag(p, json_string_value(t)))
				goto fail;
	}
	if (json_is_true(json_object_get(o, "reply")))
		p->flags |= HS_POST_REPLY;
	if (json_is_true(json_object_get(o, "boost")))
		p->flags |= HS_POST_BOOST;
	if (json_is_true(json_object_get(o, "deleted")))
		p->flags |= HS_POST_DELETED;
	return p;
fail:
	hs_post_free(p);
	return NULL;
}

json_t *hs_hit_event(const hs_post *p, json_t *post_obj, const hs_hit *h,
                     uint64_t seq, int64_t now_us)
{
	char ts[40];
	const char *txt = h->field == HS_FIELD_TITLE ? p->title : p->text;
	size_t tl = txt ? strlen(txt) : 0;
	size_t s = h->start <= tl ? h->start : tl;
	size_t e = h->end <= tl && h->end >= s ? h->end : s;
	json_t *o = json_object();
	json_t *rule = json_object();

	if (!o || !rule) {
		json_decref(o);
		json_decref(rule);
		return NULL;
	}
	json_object_set_new(rule, "id", json_string(h->rule_id));
	json_object_set_new(rule, "title", json_string(h->rule_title));
	json_object_set_new(rule, "category", json_string(hs_category_name(h->category)));
	json_object_set_new(rule, "severity", json_string(hs_severity_name(h->severity)));
	json_object_set_new(o, "type", json_string("hit"));
	json_object_set_new(o, "seq", json_integer((json_int_t)seq));
	json_object_set_new(o, "time", json_string(hs_time_format(now_us, ts, sizeof(ts))));
	json_object_set_new(o, "rule", rule);
	json_object_set_new(o, "field", json_string(h->field == HS_FIELD_TITLE ? "title" : "text"));
	json_object_set_new(o, "span", json_pack("[II]", (json_int_t)s, (json_int_t)e));
	json_object_set_new(o, "match", txt ? json_stringn(txt + s, e - s) : json_string(""));
	json_object_set(o, "post", post_obj);
	return o;
}

char *hs_json_dump(const json_t *o, size_t *len)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	if (s && len)
		*len = strlen(s);
	return s;
}

void hs_record_free(hs_record *r)
{
	if (!r)
		return;
	hs_post_free(r->post);
	for (size_t i = 0; i < r->n_hits; i++) {
		free(r->hits[i].rule_id);
		free(r->hits[i].rule_title);
	}
	free(r->hits);
	free(r->reject);
	free(r);
}
