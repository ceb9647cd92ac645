/* hearsay: the store thread's signal stage (see signals.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lmdb.h>

#include "log.h"
#include "postjson.h"
#include "signals.h"
#include "timeutil.h"
#include "rules/claims.h"
#include "rules/sentiment.h"
#include "rules/spike.h"

#define CLOCK_AHEAD_WALL_US (60 * 1000000LL)      /* S may lead the wall clock */
#define CLOCK_JUMP_US (6 * 3600 * 1000000LL)      /* S may jump forward */
#define SAVE_EVERY_US (600 * 1000000LL)           /* spike baselines */
#define EXPIRE_EVERY_US (60 * 1000000LL)          /* claim expiry */
#define NEG_BELOW (-0.05)                          /* VADER's conventional cut */
#define POS_ABOVE 0.05

typedef struct rollup {
	unsigned char key[300];
	size_t klen;
	uint64_t posts, scored, neg, pos;
	double sum;
} rollup;

typedef struct open_spike {
	char *key;        /* owned */
	uint64_t id;
} open_spike;

typedef struct rule_cat {
	char *id;         /* owned */
	hs_category cat;
} rule_cat;

struct hs_signals {
	const hs_config *cfg;       /* borrowed; fixed while the daemon runs */
	hs_spike_params sp;         /* source keys */
	hs_spike_params sp_quiet;   /* rule and claim keys: no warm-up (see below) */
	hs_spike_table *spikes;     /* owned */
	hs_claims *claims;          /* owned */
	int64_t clock_us;           /* stream clock S */
	int64_t last_save_us, last_expire_us;
	uint64_t next_spike;        /* next spike id (persisted) */
	bool done;                  /* update ran for the pending batch */
	/* pending output of the batch (owned), until hs_signals_written */
	rollup *ru;
	size_t n_ru, cap_ru;
	char **spike_json;          /* spike records: id -> JSON */
	uint64_t *spike_id;
	size_t n_sp, cap_sp;
	uint64_t *claim_ids;        /* claims to write */
	size_t n_cl, cap_cl;
	char **events;              /* event bodies without seq/time */
	size_t n_ev, cap_ev;
	/* spikes in progress: key -> id */
	open_spike *open;
	size_t n_open, cap_open;
	rule_cat *cats;
	size_t n_cats, cap_cats;
	hs_signals_stats stats;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	np = realloc(*p, nc * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

static void le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

static uint64_t rd_le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static char *iso(int64_t us, char buf[40])
{
	return hs_time_format(us, buf, 40);
}

/* ---- rollups ---------------------------------------------------------------- */

static void rollup_add(hs_signals *sg, char kind, const char *name, int64_t bucket,
                       const hs_record *r)
{
	unsigned char key[300];
	size_t nl = strlen(name), kl;
	rollup *ru = NULL;

	if (nl > 255)
		nl = 255;
	key[0] = (unsigned char)kind;
	memcpy(key + 1, name, nl);
	key[1 + nl] = 0;
	hs_store_be64(key + 2 + nl, hs_store_time_key(bucket));
	kl = nl + 10;
	for (size_t i = 0; i < sg->n_ru; i++)
		if (sg->ru[i].klen == kl && memcmp(sg->ru[i].key, key, kl) == 0) {
			ru = &sg->ru[i];
			break;
		}
	if (!ru) {
		if (grow((void **)&sg->ru, &sg->cap_ru, sg->n_ru + 1, sizeof(*sg->ru)) < 0)
			return; /* out of memory: this rollup misses a post */
		ru = &sg->ru[sg->n_ru++];
		memset(ru, 0, sizeof(*ru));
		memcpy(ru->key, key, kl);
		ru->klen = kl;
	}
	ru->posts++;
	if (r->sent_rc == HS_SENT_SCORED) {
		ru->scored++;
		ru->sum += r->sent.compound;
		ru->neg += r->sent.compound <= NEG_BELOW;
		ru->pos += r->sent.compound >= POS_ABOVE;
	}
}

void hs_rollup_encode(const hs_rollup *r, unsigned char out[HS_ROLLUP_BYTES])
{
	uint64_t bits;

	le64(out, r->posts);
	le64(out + 8, r->scored);
	le64(out + 16, r->neg);
	le64(out + 24, r->pos);
	memcpy(&bits, &r->sum, 8);
	le64(out + 32, bits);
}

int hs_rollup_decode(const void *val, size_t vlen, hs_rollup *out)
{
	const unsigned char *v = val;
	uint64_t bits;

	if (vlen != HS_ROLLUP_BYTES)
		return -1;
	out->posts = rd_le64(v);
	out->scored = rd_le64(v + 8);
	out->neg = rd_le64(v + 16);
	out->pos = rd_le64(v + 24);
	bits = rd_le64(v + 32);
	memcpy(&out->sum, &bits, 8);
	return 0;
}

static int rollups_write(hs_signals *sg, hs_wtxn *t)
{
	for (size_t i = 0; i < sg->n_ru; i++) {
		const rollup *ru = &sg->ru[i];
		unsigned char v[HS_ROLLUP_BYTES];
		const void *old;
		size_t ol;
		hs_rollup sum = { ru->posts, ru->scored, ru->neg, ru->pos, ru->sum }, prev;
		int rc = hs_store_wsig_get(t, HS_SDB_ROLLUPS, ru->key, ru->klen, &old, &ol);
		if (rc)
			return rc;
		if (old && hs_rollup_decode(old, ol, &prev) == 0) {
			sum.posts += prev.posts;
			sum.scored += prev.scored;
			sum.neg += prev.neg;
			sum.pos += prev.pos;
			sum.sum += prev.sum;
		}
		hs_rollup_encode(&sum, v);
		if ((rc = hs_store_wsig_put(t, HS_SDB_ROLLUPS, ru->key, ru->klen, v, sizeof(v))))
			return rc;
	}
	return 0;
}

/* ---- spikes ------------------------------------------------------------------- */

static hs_category rule_category(const hs_signals *sg, const char *id, bool *known)
{
	for (size_t i = 0; i < sg->n_cats; i++)
		if (strcmp(sg->cats[i].id, id) == 0) {
			*known = true;
			return sg->cats[i].cat;
		}
	*known = false;
	return HS_CAT_CUSTOM;
}

static void remember_category(hs_signals *sg, const char *id, hs_category cat)
{
	for (size_t i = 0; i < sg->n_cats; i++)
		if (strcmp(sg->cats[i].id, id) == 0) {
			sg->cats[i].cat = cat;
			return;
		}
	if (grow((void **)&sg->cats, &sg->cap_cats, sg->n_cats + 1, sizeof(*sg->cats)) < 0)
		return;
	if (!(sg->cats[sg->n_cats].id = strdup(id)))
		return;
	sg->cats[sg->n_cats++].cat = cat;
}

static open_spike *find_open(hs_signals *sg, const char *key, size_t kl)
{
	for (size_t i = 0; i < sg->n_open; i++)
		if (strlen(sg->open[i].key) == kl && memcmp(sg->open[i].key, key, kl) == 0)
			return &sg->open[i];
	return NULL;
}

static void push_event(hs_signals *sg, json_t *body)
{
	char *js = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	json_decref(body);
	if (!js)
		return;
	if (grow((void **)&sg->events, &sg->cap_ev, sg->n_ev + 1, sizeof(*sg->events)) < 0) {
		free(js);
		return;
	}
	sg->events[sg->n_ev++] = js;
}

static void pending_spike(hs_signals *sg, uint64_t id, json_t *rec)
{
	char *js = rec ? json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	if (!js)
		return;
	for (size_t i = 0; i < sg->n_sp; i++)
		if (sg->spike_id[i] == id) { /* a later state of the same spike */
			free(sg->spike_json[i]);
			sg->spike_json[i] = js;
			return;
		}
	/* both arrays hold cap_sp entries */
	if (grow((void **)&sg->spike_json, &sg->cap_sp, sg->n_sp + 1, sizeof(char *)) < 0) {
		free(js);
		return;
	}
	uint64_t *ni = realloc(sg->spike_id, sg->cap_sp * sizeof(*ni));
	if (!ni) {
		free(js);
		return;
	}
	sg->spike_id = ni;
	sg->spike_json[sg->n_sp] = js;
	sg->spike_id[sg->n_sp++] = id;
}

static void on_spike(void *ud, const hs_spike_event *ev)
{
	hs_signals *sg = ud;
	const char *key = (const char *)ev->key, *colon = memchr(key, ':', ev->keylen);
	char name[300], kind[16], a[40], b[40], c[40];
	open_spike *os = find_open(sg, key, ev->keylen);
	uint64_t id;
	bool known = false, rumour;
	hs_category cat = HS_CAT_CUSTOM;
	const char *state;

	if (!colon)
		return;
	snprintf(kind, sizeof(kind), "%.*s", (int)(colon - key), key);
	snprintf(name, sizeof(name), "%.*s", (int)(ev->keylen - (size_t)(colon - key) - 1),
	         colon + 1);
	if (ev->type == HS_SPIKE_START || !os) {
		if (!os) {
			if (grow((void **)&sg->open, &sg->cap_open, sg->n_open + 1, sizeof(*sg->open)) < 0)
				return;
			os = &sg->open[sg->n_open];
			if (!(os->key = strndup(key, ev->keylen)))
				return;
			os->id = ++sg->next_spike;
			sg->n_open++;
		}
		sg->stats.spikes_started += ev->type == HS_SPIKE_START;
	}
	id = os->id;
	if (strcmp(kind, "rule") == 0) {
		cat = rule_category(sg, name, &known);
	} else if (strcmp(kind, "term") == 0) {
		/* "RULE/words": the rule's category */
		char rid[HS_RULE_ID_MAX + 1];
		const char *slash = strchr(name, '/');
		if (slash && (size_t)(slash - name) <= HS_RULE_ID_MAX) {
			snprintf(rid, sizeof(rid), "%.*s", (int)(slash - name), name);
			cat = rule_category(sg, rid, &known);
		}
	}
	rumour = strcmp(kind, "claim") == 0 || (known && cat == HS_CAT_RUMOUR);
	state = ev->type == HS_SPIKE_START ? "started" : ev->type == HS_SPIKE_UPDATE ? "peak" : "ended";
	json_t *samples = json_array();
	for (size_t i = 0; samples && i < ev->n_samples; i++)
		json_array_append_new(samples, json_integer((json_int_t)ev->sample_ids[i]));
	json_t *rec = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s?,s:I,s:f,s:f,s:f,s:I,s:I,s:o}",
	                        "id", (json_int_t)id, "key", os->key, "kind", kind, "name", name,
	                        "state", state, "rumour", rumour, "start", iso(ev->start_us, a),
	                        "peak", iso(ev->peak_us, b),
	                        "end", ev->type == HS_SPIKE_END ? iso(ev->end_us, c) : NULL,
	                        "peak_count", (json_int_t)ev->peak_count, "expected", ev->expected,
	                        "magnitude", ev->magnitude, "z", ev->z, "posts",
	                        (json_int_t)ev->total, "bucket_seconds",
	                        (json_int_t)(ev->bucket_us / 1000000), "sample_posts",
	                        samples ? samples : json_array());
	if (rec && known)
		json_object_set_new(rec, "category", json_string(hs_category_name(cat)));
	pending_spike(sg, id, rec);
	push_event(sg, json_pack("{s:s,s:O}", "type", "spike", "spike", rec));
	json_decref(rec);
	if (ev->type == HS_SPIKE_END) {
		sg->stats.spikes_ended++;
		free(os->key);
		*os = sg->open[--sg->n_open];
	}
}

/* A source posts all the time: its key learns a baseline first (warm-up).
 * A rule or a claim is quiet until something happens: its key only comes
 * to be with its first post, and its baseline starts at zero, so it
 * needs no warm-up: min_count posts in one bucket is a spike. */
static void spike_count(hs_signals *sg, const char *kind, const char *name, int64_t t,
                        uint64_t post_id, const hs_spike_params *own)
{
	char key[HS_SPIKE_KEY_MAX + 1];
	size_t a = strlen(kind), b = strlen(name), kl = a + 1 + b;
	const hs_spike_params *p = own ? own : strcmp(kind, "source") == 0 ? &sg->sp : &sg->sp_quiet;

	if (kl > HS_SPIKE_KEY_MAX)
		return;
	memcpy(key, kind, a);
	key[a] = ':';
	memcpy(key + a + 1, name, b);
	if (hs_spike_add(sg->spikes, key, kl, p, t, sg->clock_us, post_id, on_spike,
	                 sg) == HS_SPIKE_LATE)
		sg->stats.late_posts++;
}

/* ---- claims -------------------------------------------------------------------- */

static void touch_claim(hs_signals *sg, uint64_t id)
{
	for (size_t i = 0; i < sg->n_cl; i++)
		if (sg->claim_ids[i] == id)
			return;
	if (grow((void **)&sg->claim_ids, &sg->cap_cl, sg->n_cl + 1, sizeof(*sg->claim_ids)) < 0)
		return;
	sg->claim_ids[sg->n_cl++] = id;
}

static json_t *claim_json(const hs_signals *sg, uint64_t id)
{
	hs_claim_info ci;
	hs_claim_spread sp[32];
	char a[40], b[40];
	size_t n;
	json_t *spread, *o;

	if (hs_claims_get(sg->claims, id, sg->clock_us, &ci) < 0)
		return NULL;
	n = hs_claims_spread(sg->claims, id, sp, sizeof(sp) / sizeof(*sp));
	spread = json_array();
	for (size_t i = 0; spread && i < n; i++)
		json_array_append_new(spread, json_pack("{s:I,s:s,s:s}", "post",
		                                        (json_int_t)sp[i].post_id, "source",
		                                        sp[i].source, "time", iso(sp[i].time_us, a)));
	o = json_pack("{s:I,s:I,s:I,s:I,s:{s:I,s:s,s:s},s:s,s:s,s:I,s:I,s:f,s:o}", "id",
	              (json_int_t)id, "size", (json_int_t)ci.size, "authors",
	              (json_int_t)ci.authors, "sources", (json_int_t)ci.sources, "first", "post",
	              (json_int_t)ci.first_post_id, "source", ci.first_source, "time",
	              iso(ci.first_us, a), "excerpt", ci.excerpt, "last", iso(ci.last_us, b),
	              "recent", (json_int_t)ci.recent, "previous", (json_int_t)ci.previous,
	              "growth", ci.growth, "spread", spread ? spread : json_array());
	return o;
}

static int claims_write(hs_signals *sg, hs_wtxn *t)
{
	for (size_t i = 0; i < sg->n_cl; i++) {
		uint64_t id = sg->claim_ids[i];
		size_t bl = hs_claims_serialize(sg->claims, id, NULL, 0);
		json_t *o = claim_json(sg, id);
		char *js = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
		unsigned char k[8], *v = NULL;
		size_t jl = js ? strlen(js) : 0;
		int rc = 0;

		json_decref(o);
		if (!bl || !js) { /* dropped meanwhile, or out of memory */
			free(js);
			continue;
		}
		v = malloc(4 + bl + jl);
		if (!v) {
			free(js);
			return ENOMEM;
		}
		v[0] = (unsigned char)bl;
		v[1] = (unsigned char)(bl >> 8);
		v[2] = (unsigned char)(bl >> 16);
		v[3] = (unsigned char)(bl >> 24);
		hs_claims_serialize(sg->claims, id, v + 4, bl);
		memcpy(v + 4 + bl, js, jl);
		hs_store_be64(k, id);
		rc = hs_store_wsig_put(t, HS_SDB_CLAIMS, k, 8, v, 4 + bl + jl);
		free(v);
		free(js);
		if (rc)
			return rc;
	}
	return 0;
}

/* Report a claim when it reaches min_size posts and at every doubling. */
/* The term a hit matched, as a spike key name: "RULE/words", the words
 * being the matched span with ASCII letters in lower case, runs of white
 * space and control characters made one space, and cut after
 * TERM_BYTES bytes at a character boundary. 0 if nothing is left. */
#define TERM_BYTES 48
#define TERM_NAME_MAX (HS_RULE_ID_MAX + 1 + TERM_BYTES)

static size_t term_name(const hs_record *r, const hs_hit *h, char *out)
{
	const char *f = h->field == HS_FIELD_TITLE ? r->post->title : r->post->text;
	size_t n = strlen(h->rule_id), o, w = 0, flen = f ? strlen(f) : 0;
	bool space = false;

	if (!f || h->start >= h->end || h->end > flen || n > HS_RULE_ID_MAX)
		return 0;
	memcpy(out, h->rule_id, n);
	out[n] = '/';
	o = n + 1;
	for (size_t i = h->start; i < h->end; i++) {
		unsigned char c = (unsigned char)f[i];
		if (c <= ' ' || c == 0x7f) {
			space = w > 0;
			continue;
		}
		if (space && w < TERM_BYTES)
			out[o + w++] = ' ';
		space = false;
		/* a character that does not fit whole is left out, with the rest */
		size_t clen = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (w + clen > TERM_BYTES || i + clen > h->end)
			break;
		for (size_t k = 0; k < clen; k++) {
			unsigned char b = (unsigned char)f[i + k];
			out[o + w++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
		}
		i += clen - 1;
	}
	while (w > 0 && out[o + w - 1] == ' ')
		w--;
	if (w == 0)
		return 0;
	out[o + w] = '\0';
	return o + w;
}

/* The rule's own spike settings (rules.md, spike) into *own; false when it
 * has none (the defaults apply). */
static bool hit_params(const hs_signals *sg, const hs_hit *h, hs_spike_params *own)
{
	*own = sg->sp_quiet;
	if (h->spike_min_count)
		own->min_count = h->spike_min_count;
	if (h->spike_threshold > 0) {
		own->k = h->spike_threshold;
		if (own->k_end > own->k)
			own->k_end = own->k;
	}
	return h->spike_min_count || h->spike_threshold > 0;
}

/* Rollups and spike keys of a post's hits: each rule once per post, and
 * each term it matched once per post (the first TERMS_PER_POST of them). */
#define TERMS_PER_POST 32

static void count_hits(hs_signals *sg, const hs_record *r, int64_t t, int64_t bucket)
{
	const hs_config *cfg = sg->cfg;
	char terms[TERMS_PER_POST][TERM_NAME_MAX + 1];
	size_t n_terms = 0;

	for (size_t h = 0; h < r->n_hits; h++) {
		const hs_hit *hit = &r->hits[h];
		const char *rid = hit->rule_id;
		hs_spike_params own;
		bool dup = false, seen = false, custom = hit_params(sg, hit, &own);
		for (size_t k = 0; k < h && !seen; k++)
			seen = strcmp(r->hits[k].rule_id, rid) == 0;
		/* before any spike count: a spike may start inside it, and its
		 * event carries the rule's category */
		if (!seen)
			remember_category(sg, rid, hit->category);
		if (cfg->spike_terms && !hit->spike_off && n_terms < TERMS_PER_POST &&
		    term_name(r, hit, terms[n_terms]) > 0) {
			for (size_t k = 0; k < n_terms && !dup; k++)
				dup = strcmp(terms[k], terms[n_terms]) == 0;
			if (!dup)
				spike_count(sg, "term", terms[n_terms++], t, r->post->id,
				            custom ? &own : NULL);
		}
		if (seen)
			continue; /* a rule counts once per post */
		rollup_add(sg, 'r', rid, bucket, r);
		if (cfg->spike_rules && !hit->spike_off)
			spike_count(sg, "rule", rid, t, r->post->id, custom ? &own : NULL);
	}
}

static void claim_report(hs_signals *sg, const hs_claim_result *cr)
{
	uint64_t m = (uint64_t)sg->cfg->claim_min_size;
	bool report = cr->size == m;

	for (uint64_t s = m * 2; !report && s <= cr->size && s > m; s *= 2)
		report = cr->size == s;
	if (!report)
		return;
	sg->stats.claims_reported++;
	push_event(sg, json_pack("{s:s,s:o}", "type", "claim", "claim",
	                         claim_json(sg, cr->claim_id)));
}

/* ---- the batch ------------------------------------------------------------------ */

static void advance_clock(hs_signals *sg, int64_t created, int64_t now_us)
{
	if (created <= sg->clock_us)
		return;
	if (created <= now_us + CLOCK_AHEAD_WALL_US ||
	    (sg->clock_us && created <= sg->clock_us + CLOCK_JUMP_US))
		sg->clock_us = created;
}

void hs_signals_update(hs_signals *sg, hs_record *const *recs, size_t n, int64_t now_us)
{
	const hs_config *cfg = sg->cfg;

	if (sg->done)
		return; /* a retried transaction: the state has this batch already */
	sg->done = true;
	/* a quiet live stream: the wall clock moves S on, so spikes end (not a
	 * replay far behind or ahead of the wall clock) */
	if (n == 0 && sg->clock_us && now_us > sg->clock_us &&
	    now_us - sg->clock_us < CLOCK_JUMP_US)
		sg->clock_us = now_us;
	for (size_t i = 0; i < n; i++) {
		const hs_record *r = recs[i];
		const hs_post *p = r->post;
		int64_t t;
		/* the next post's claim buckets load while this one is counted */
		if (i + 1 < n && !recs[i + 1]->reject && recs[i + 1]->sig.n_features > 0)
			hs_claims_prefetch(sg->claims, &recs[i + 1]->sig);
		if (r->reject || !p->id || (p->flags & HS_POST_DELETED))
			continue; /* not a new post */
		advance_clock(sg, p->created_us, now_us);
		if (!sg->clock_us)
			sg->clock_us = now_us;
		t = p->created_us > sg->clock_us + CLOCK_AHEAD_WALL_US ? sg->clock_us : p->created_us;
		int64_t bucket = t - ((t % cfg->bucket_us) + cfg->bucket_us) % cfg->bucket_us;
		rollup_add(sg, 'a', "", bucket, r);
		rollup_add(sg, 's', p->source, bucket, r);
		if (cfg->spike_sources)
			spike_count(sg, "source", p->source, t, p->id, NULL);
		count_hits(sg, r, t, bucket);
		if (r->sig.n_features > 0) {
			hs_claim_result cr;
			if (hs_claims_add(sg->claims, &r->sig, p->id, p->source, p->author, t, p->text,
			                  strlen(p->text), &cr) == 0 &&
			    cr.outcome != HS_CLAIM_UNGROUPED) {
				if (cr.size >= 2) {
					char idb[24];
					touch_claim(sg, cr.claim_id);
					claim_report(sg, &cr);
					snprintf(idb, sizeof(idb), "%" PRIu64, cr.claim_id);
					if (cfg->spike_claims)
						spike_count(sg, "claim", idb, t, p->id, NULL);
				}
			}
		}
	}
	hs_spike_tick(sg->spikes, sg->clock_us, on_spike, sg);
	if (now_us - sg->last_expire_us >= EXPIRE_EVERY_US) {
		hs_claims_expire(sg->claims, sg->clock_us);
		sg->last_expire_us = now_us;
	}
}

int hs_signals_write(hs_signals *sg, hs_wtxn *t,
                     int (*emit)(void *ud, uint64_t seq, char *json), void *ud)
{
	int rc;
	char tb[40];
	unsigned char nb[8];

	if ((rc = rollups_write(sg, t)) || (rc = claims_write(sg, t)))
		return rc;
	for (size_t i = 0; i < sg->n_sp; i++) {
		unsigned char k[8];
		hs_store_be64(k, sg->spike_id[i]);
		if ((rc = hs_store_wsig_put(t, HS_SDB_SPIKES, k, 8, sg->spike_json[i],
		                            strlen(sg->spike_json[i]))))
			return rc;
	}
	le64(nb, sg->next_spike);
	if ((rc = hs_store_wsig_put(t, HS_SDB_SIGSTATE, "next_spike", 10, nb, 8)))
		return rc;
	hs_time_format(hs_now_us(), tb, sizeof(tb));
	for (size_t i = 0; i < sg->n_ev; i++) {
		uint64_t seq;
		char *js = NULL;
		size_t bl = strlen(sg->events[i]);
		if ((rc = hs_store_wnext(t, "next_seq", &seq)))
			return rc;
		/* {"type":...}: put seq and time after the opening brace */
		if (asprintf(&js, "{\"seq\":%" PRIu64 ",\"time\":\"%s\",%.*s", seq, tb, (int)(bl - 1),
		             sg->events[i] + 1) < 0)
			return ENOMEM;
		if ((rc = hs_store_wevent(t, seq, js, strlen(js)))) {
			free(js);
			return rc;
		}
		if ((rc = emit(ud, seq, js))) /* emit owns js now */
			return rc;
	}
	return 0;
}

void hs_signals_written(hs_signals *sg)
{
	for (size_t i = 0; i < sg->n_sp; i++)
		free(sg->spike_json[i]);
	for (size_t i = 0; i < sg->n_ev; i++)
		free(sg->events[i]);
	sg->n_ru = sg->n_sp = sg->n_cl = sg->n_ev = 0;
	sg->done = false;
}

/* ---- state across restarts -------------------------------------------------------- */

typedef struct save_ctx {
	hs_signals *sg;
	hs_wtxn *t;
	int rc;
} save_ctx;

static void save_key(void *ud, const unsigned char *key, size_t kl)
{
	save_ctx *c = ud;
	unsigned char blob[HS_SPIKE_BLOB_SEASONAL], k[HS_SPIKE_KEY_MAX + 8];
	size_t bl;

	if (c->rc || kl + 6 > sizeof(k))
		return;
	bl = hs_spike_save(c->sg->spikes, key, kl, blob, sizeof(blob));
	if (!bl || bl > sizeof(blob))
		return;
	memcpy(k, "spike:", 6);
	memcpy(k + 6, key, kl);
	c->rc = hs_store_wsig_put(c->t, HS_SDB_SIGSTATE, k, kl + 6, blob, bl);
}

static void save_baselines(hs_signals *sg, hs_store *st)
{
	save_ctx c = { sg, NULL, 0 };

	for (int attempt = 0; attempt < 3; attempt++) {
		if ((c.rc = hs_store_wbegin(st, &c.t)))
			break;
		hs_spike_foreach(sg->spikes, save_key, &c);
		if (c.rc) {
			hs_store_wabort(c.t);
			if (c.rc == MDB_MAP_FULL && hs_store_grow(st) == 0) {
				c.rc = 0;
				continue;
			}
			break;
		}
		c.rc = hs_store_wcommit(c.t);
		break;
	}
	if (c.rc)
		hs_log_warn("store %s: cannot save the spike baselines: %s", hs_store_path(st),
		            hs_store_strerror(c.rc));
}

void hs_signals_maybe_save(hs_signals *sg, hs_store *st, int64_t now_us)
{
	if (now_us - sg->last_save_us < SAVE_EVERY_US)
		return;
	sg->last_save_us = now_us;
	save_baselines(sg, st);
}

typedef struct load_ctx {
	hs_signals *sg;
	size_t n, bad;
} load_ctx;

static int load_baseline(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	load_ctx *c = ud;
	const char *k = (const char *)key + 6;
	const hs_spike_params *p = kl > 13 && memcmp(k, "source:", 7) == 0 ? &c->sg->sp
	                                                                  : &c->sg->sp_quiet;
	if (kl <= 6 || hs_spike_load(c->sg->spikes, k, kl - 6, p, val, vl) < 0)
		c->bad++;
	else
		c->n++;
	return 0;
}

int hs_signals_claim_parts(const void *val, size_t vlen, const void **rec, size_t *rec_len,
                           const char **json, size_t *json_len)
{
	const unsigned char *v = val;
	size_t bl;

	if (vlen < 4)
		return -1;
	bl = (size_t)v[0] | (size_t)v[1] << 8 | (size_t)v[2] << 16 | (size_t)v[3] << 24;
	if (bl > vlen - 4)
		return -1;
	*rec = v + 4;
	*rec_len = bl;
	*json = (const char *)v + 4 + bl;
	*json_len = vlen - 4 - bl;
	return 0;
}

static int load_claim(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	load_ctx *c = ud;
	const void *rec;
	const char *js;
	size_t rl, jl;

	(void)key;
	(void)kl;
	if (hs_signals_claim_parts(val, vl, &rec, &rl, &js, &jl) < 0 ||
	    hs_claims_restore(c->sg->claims, rec, rl) < 0)
		c->bad++;
	else
		c->n++;
	return 0;
}

static int load_next_spike(void *ud, const void *key, size_t kl, const void *val, size_t vl)
{
	hs_signals *sg = ud;
	if (kl == 10 && vl == 8 && memcmp(key, "next_spike", 10) == 0)
		sg->next_spike = rd_le64(val);
	return 1;
}

hs_signals *hs_signals_new(const hs_config *cfg, hs_store *st, hs_errs *errs)
{
	hs_signals *sg = calloc(1, sizeof(*sg));
	hs_claims_params cp;
	load_ctx lc = { NULL, 0, 0 };
	const char *why = NULL;
	int rc;

	if (!sg)
		goto oom;
	sg->cfg = cfg;
	hs_spike_params_default(&sg->sp);
	sg->sp.bucket_us = cfg->bucket_us;
	sg->sp.k = cfg->spike_threshold;
	if (sg->sp.k_end > sg->sp.k)
		sg->sp.k_end = sg->sp.k;
	sg->sp.min_count = (uint32_t)cfg->spike_min_count;
	sg->sp.warmup_buckets = (uint32_t)cfg->spike_warmup;
	sg->sp.late_us = cfg->spike_late_us;
	sg->sp.seasonal = cfg->spike_seasonal;
	sg->sp_quiet = sg->sp;
	sg->sp_quiet.warmup_buckets = 0;
	if (hs_spike_params_check(&sg->sp, &why) < 0) {
		hs_errs_add(errs, cfg->path, 0, 0, "signals.spikes: %s", why ? why : "invalid");
		goto fail;
	}
	hs_claims_params_default(&cp);
	cp.idle_us = cfg->claim_idle_us;
	cp.max_claims = (size_t)cfg->claim_max;
	if (!(sg->spikes = hs_spike_table_new(&sg->sp, 100000, 0)) || !(sg->claims = hs_claims_new(&cp)))
		goto oom;
	/* what an earlier run left */
	lc.sg = sg;
	rc = hs_store_scan_sig(st, HS_SDB_SIGSTATE, "spike:", 6, false, 0, load_baseline, &lc);
	if (!rc)
		rc = hs_store_scan_sig(st, HS_SDB_SIGSTATE, "next_spike", 10, false, 1, load_next_spike,
		                       sg);
	size_t baselines = lc.n, bad = lc.bad;
	lc.n = lc.bad = 0;
	if (!rc)
		rc = hs_store_scan_sig(st, HS_SDB_CLAIMS, NULL, 0, false, 0, load_claim, &lc);
	if (rc) {
		hs_errs_add(errs, hs_store_path(st), 0, 0, "cannot read the signal state: %s",
		            hs_store_strerror(rc));
		goto fail;
	}
	if (baselines || lc.n || bad || lc.bad)
		hs_log_info("signals: %zu spike baseline(s) and %zu claim(s) restored%s", baselines,
		            lc.n, bad || lc.bad ? " (some records were unreadable and skipped)" : "");
	sg->last_save_us = sg->last_expire_us = hs_now_us();
	return sg;
oom:
	hs_errs_add(errs, NULL, 0, 0, "out of memory starting the signal stage");
fail:
	if (sg) {
		hs_spike_table_free(sg->spikes);
		hs_claims_free(sg->claims);
		free(sg);
	}
	return NULL;
}

void hs_signals_free(hs_signals *sg, hs_store *st)
{
	if (!sg)
		return;
	hs_spike_stats ss;
	hs_spike_get_stats(sg->spikes, &ss);
	hs_log_info("signals: %zu spike key(s), %" PRIu64 " post(s) counted (%" PRIu64
	            " late, %" PRIu64 " ahead of the clock), %" PRIu64 " spike(s) started, %"
	            PRIu64 " claim(s) reported",
	            ss.keys, ss.counted, ss.late_dropped, ss.future, ss.spikes_started,
	            sg->stats.claims_reported);
	if (st)
		save_baselines(sg, st);
	hs_signals_written(sg);
	hs_spike_table_free(sg->spikes);
	hs_claims_free(sg->claims);
	for (size_t i = 0; i < sg->n_open; i++)
		free(sg->open[i].key);
	for (size_t i = 0; i < sg->n_cats; i++)
		free(sg->cats[i].id);
	free(sg->open);
	free(sg->cats);
	free(sg->ru);
	free(sg->spike_json);
	free(sg->spike_id);
	free(sg->claim_ids);
	free(sg->events);
	free(sg);
}

bool hs_signals_spikes_open(const hs_signals *sg)
{
	return sg && sg->n_open > 0;
}

void hs_signals_get_stats(const hs_signals *sg, hs_signals_stats *out)
{
	hs_claims_stats cs;
	hs_spike_stats ss;

	*out = sg->stats;
	hs_claims_stats_get(sg->claims, &cs);
	hs_spike_get_stats(sg->spikes, &ss);
	out->claims_live = cs.live;
	out->spike_keys = ss.keys;
}
