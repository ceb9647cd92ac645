/* hearsay: alert jobs (see alert.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "postjson.h"
#include "timeutil.h"

const char *hs_alert_state_name(hs_alert_state s)
{
	return s == HS_ALERT_SENT ? "sent" : s == HS_ALERT_FAILED ? "failed" : "pending";
}

hs_alert *hs_alert_new(uint64_t id, const char *route, const json_t *event,
                       int64_t now_us)
{
	hs_alert *a = calloc(1, sizeof(*a));
	json_t *body = NULL;
	char aid[96], ts[40];

	if (!a)
		goto fail;
	a->id = id;
	a->route = strdup(route);
	a->created_us = a->updated_us = now_us;
	snprintf(aid, sizeof(aid), "%s-%llu", route, (unsigned long long)id);
	body = json_object();
	if (!a->route || !body)
		goto fail;
	json_object_set_new(body, "alert_id", json_string(aid));
	json_object_set_new(body, "route", json_string(route));
	json_object_set(body, "seq", json_object_get(event, "seq"));
	json_object_set_new(body, "created", json_string(hs_time_format(now_us, ts, sizeof(ts))));
	static const char *const copy[] = { "rule", "field", "span", "match", "post", NULL };
	for (int i = 0; copy[i]; i++)
		json_object_set(body, copy[i], json_object_get(event, copy[i]));
	a->body = hs_json_dump(body, &a->body_len);
	if (!a->body)
		goto fail;
	json_decref(body);
	return a;
fail:
	json_decref(body);
	hs_alert_free(a);
	return NULL;
}

void hs_alert_free(hs_alert *a)
{
	if (!a)
		return;
	free(a->route);
	free(a->body);
	free(a->last_error);
	free(a);
}

char *hs_alert_to_record(const hs_alert *a, size_t *len)
{
	char c[40], u[40];
	json_t *o = json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:s%,s:s?}",
	                      "id", (json_int_t)a->id, "route", a->route,
	                      "state", hs_alert_state_name(a->state),
	                      "attempts", a->attempts,
	                      "created", hs_time_format(a->created_us, c, sizeof(c)),
	                      "updated", hs_time_format(a->updated_us, u, sizeof(u)),
	                      "body", a->body, a->body_len,
	                      "last_error", a->last_error);
	char *s = o ? hs_json_dump(o, len) : NULL;
	json_decref(o);
	return s;
}

hs_alert *hs_alert_from_record(uint64_t id, const char *json, size_t len)
{
	json_t *o = json_loadb(json, len, 0, NULL);
	hs_alert *a = calloc(1, sizeof(*a));
	const char *route, *state, *body, *created, *updated, *err = NULL;
	size_t blen;
	int attempts;

	if (!o || !a)
		goto fail;
	if (json_unpack(o, "{s:s,s:s,s:i,s:s,s:s,s:s%}", "route", &route, "state", &state,
	                "attempts", &attempts, "created", &created, "updated", &updated,
	                "body", &body, &blen) < 0)
		goto fail;
	err = json_string_value(json_object_get(o, "last_error")); /* null when none */
	a->id = id;
	a->route = strdup(route);
	a->body = malloc(blen + 1);
	if (!a->route || !a->body)
		goto fail;
	memcpy(a->body, body, blen);
	a->body[blen] = 0;
	a->body_len = blen;
	a->attempts = attempts;
	a->state = strcmp(state, "sent") == 0 ? HS_ALERT_SENT
	         : strcmp(state, "failed") == 0 ? HS_ALERT_FAILED : HS_ALERT_PENDING;
	hs_time_parse_rfc3339(created, &a->created_us);
	hs_time_parse_rfc3339(updated, &a->updated_us);
	if (err && !(a->last_error = strdup(err)))
		goto fail;
	json_decref(o);
	return a;
fail:
	json_decref(o);
	hs_alert_free(a);
	return NULL;
}

double hs_alert_backoff(int failures, double u)
{
	double base = failures <= 1 ? 1.0 : pow(2.0, failures - 1);
	if (base > 300.0)
		base = 300.0;
	return base * (0.5 + u * 0.5);
}
