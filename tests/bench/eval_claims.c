/* eval_claims: how well rules/claims.c groups copies of a claim and keeps
 * unrelated posts apart, on a generated stream, beside baselines measured
 * in the same run on the same posts.
 *
 * The stream (fixed-seed PRNG: the same posts on every machine). Posts are
 * built from templates of local news and rumours in English, Dutch and
 * French ("police closed the %P in %T after %I", "ik hoorde dat de
 * gemeente %T %y", "la police a ferme le %q a %T apres %j" ...) whose
 * slots take places, European towns, incidents, groups, policies, days; a
 * post may end with a tail ("share before they delete it", "deel dit").
 *   - Claims: --claims seed posts (default 300) from the rumour templates,
 *     each followed by 2 to 120 copies (60 % 2-10, 30 % 10-40, 10 % 40-120)
 *     spread over the next hours (exponential delays, mean 1 h). Each copy
 *     gets, independently: a retweet prefix "RT @userN: " (35 %), another,
 *     no or a new URL (60 % if the seed has one, else 15 %), a mention
 *     ("@userN ...", "via @userN", "cc @userN", 15 %), a hashtag added or
 *     removed ("#breaking", "#Delft" ..., 25 %), another capitalisation
 *     (30 %: lower, UPPER, Title), other punctuation (30 %: "...", "?!",
 *     a comma), an emoji added or removed (15 %), and a one-word edit
 *     (30 %: a synonym, a word inserted, a word dropped; never inside a
 *     slot, so the town, place and event stay). 5 % of the claims are spam
 *     instead: exact copies by the seed's own author.
 *   - Unrelated posts: --unrelated posts (default 20,000) over 24 hours,
 *     65 % from all templates (hard negatives: same template and
 *     vocabulary, other slot words) and 35 % free chatter from a local news
 *     vocabulary; each with its own URL, hashtags, emoji, mentions, case
 *     and punctuation, 10 % of them retweets. Any two template posts
 *     (unrelated or seed) differ in at least two slots (the tail counts as
 *     one), so none is a copy of another.
 * Every post goes through hs_norm_run, the terms view, hs_simhash_sign and
 * hs_claims_add in time order, with an author pseudonym and a source.
 *
 * Scores, for each grouping:
 *   recall      share of copies put in the same claim as their seed post
 *               (the target: at least 0.95), also by kind of copy
 *   pair-R      pairwise recall: pairs of posts of one claim grouped
 *               together / all such pairs
 *   pair-P      pairwise precision: of all pairs grouped together, the
 *               share that are posts of one claim
 *   false/1e4   false merges: pairs of posts of different claims (or
 *               unrelated) grouped together, per 10,000 such pairs (the
 *               target: at most 1); the number of pairs is printed
 *   mates/1e4   the same over the hard pairs only: two different posts of
 *               one template
 * Groupings: the claims table with the parameters given (defaults of
 * hs_claims_params_default), and baselines: SimHash with the plain 4 x 16
 * pigeonhole index (k = 3, one fingerprint per claim, no resemblance
 * check); SimHash with an exhaustive scan for the nearest first
 * fingerprint within k = 6, 8, 10 (no index, no resemblance check); exact
 * duplicates of the terms view. --sweep adds the claims table with one
 * parameter changed at a time; --distances prints the distribution of
 * fingerprint distances (copy to seed by kind, unrelated pairs).
 *
 *   eval_claims [--seed N] [--claims N] [--unrelated N] [--distance K]
 *               [--probe-bits M] [--reps R] [--overlap PCT] [--no-baselines]
 *               [--distances] [--sweep] [--top N]
 *
 * Exit status: 0 when the claims table meets both targets, 1 when it
 * misses one (or on out of memory), 2 on a usage error. The last line of
 * stdout is machine-readable: eval_claims: status=ok|missed recall=...
 *
 * Build (a few seconds to run; --sweep about twice that):
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -I. tests/bench/eval_claims.c \
 *       rules/claims.c rules/simhash.c rules/normalize.c -lutf8proc -lm \
 *       -o /tmp/eval_claims
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/normalize.h"
#include "rules/claims.h"
#include "rules/simhash.h"

/* ---- deterministic randomness ------------------------------------------------------ */

typedef struct rng {
	uint64_t s;
} rng;

/* splitmix64 */
static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned rng_below(rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static bool rng_chance(rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

/* ---- vocabulary ---------------------------------------------------------------------- */

static const char *const towns[] = {
	"Delft", "Gouda", "Leiden", "Haarlem", "Zwolle", "Deventer", "Breda", "Tilburg",
	"Arnhem", "Nijmegen", "Maastricht", "Venlo", "Ghent", "Bruges", "Leuven",
	"Mechelen", "Hasselt", "Namur", "Li\u00e8ge", "Mons", "Tournai", "Lille",
	"Roubaix", "Amiens", "Calais", "Dunkirk", "Metz", "Nancy", "Aachen",
	"M\u00fcnster", "Trier", "Kortrijk", "Ostend", "Dordrecht", "Alkmaar", "Esch-sur-Alzette",
};

/* Slot kinds: each template names its slots with one letter. */
static const char *const places_en[] = {
	"bridge", "station", "market square", "town hall", "library", "swimming pool",
	"hospital", "primary school", "mosque", "church", "sports hall", "harbour",
	"shopping centre", "bus station", "park", "ring road", "cinema", "town square",
	"asylum centre", "youth centre", "football stadium", "ferry terminal",
};
static const char *const incidents_en[] = {
	"a fire", "a stabbing", "a bomb threat", "a gas leak", "a shooting",
	"a fight between two groups", "a car crash", "a flood", "an explosion",
	"a suspicious package", "a power cut", "a chemical spill", "a riot",
	"a hostage situation", "a collapse", "a burst water main",
};
static const char *const groups_en[] = {
	"migrants", "football hooligans", "students", "farmers", "anarchists",
	"far right activists", "climate protesters", "bikers", "taxi drivers",
	"teenagers from the estate", "foreign workers", "squatters", "truck drivers",
};
static const char *const actions_en[] = {
	"march", "protest", "blockade", "rally", "sit in", "counter demonstration",
	"strike", "convoy", "vigil", "street party",
};
static const char *const days_en[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	"Saturday night", "Friday evening", "Sunday morning", "the weekend",
};
static const char *const policies_en[] = {
	"close the swimming pool", "ban cars from the centre", "house refugees",
	"cut bus services", "raise parking fees", "shut the youth centre",
	"sell the park to developers", "install cameras everywhere", "close two schools",
	"build a wind farm", "demolish the old market", "ban the christmas market",
	"fluoridate the water", "introduce a curfew",
};
static const char *const damages_en[] = {
	"vandalised", "set on fire", "covered in graffiti", "broken into", "flooded",
	"smashed up", "looted", "attacked",
};
static const char *const blames_en[] = {
	"local youths", "outsiders", "the new residents", "protesters", "drunk tourists",
	"a gang from the city", "football fans", "activists",
};
static const char *const contaminants_en[] = {
	"lead", "bacteria", "chemicals", "sewage", "e coli", "pesticides", "arsenic",
	"microplastics",
};
static const char *const counts_en[] = {
	"two", "three", "four", "five", "six", "ten", "twelve", "dozens of", "several",
	"20", "100",
};
static const char *const hurts_en[] = {
	"injured", "arrested", "attacked", "robbed", "evacuated", "hospitalised",
};
static const char *const dayparts_en[] = {
	"morning", "afternoon", "evening", "weekend",
};
static const char *const facilities_en[] = {
	"housing", "a shelter", "a clinic", "a prayer room", "a drug consumption room",
	"a reception centre", "a homeless hostel", "a detention centre",
};
static const char *const peoples_en[] = {
	"refugees", "asylum seekers", "homeless people", "migrants", "ex prisoners",
	"addicts", "students", "seasonal workers",
};
static const char *const teams_en[] = {
	"FC", "United", "City", "Rovers", "Athletic", "Sporting",
};
static const char *const weathers_en[] = {
	"heavy rain", "storms", "snow", "black ice", "a heatwave", "strong winds", "fog",
	"hail",
};
static const char *const streets_en[] = {
	"high street", "station road", "church street", "market street", "ring road",
	"harbour road", "main street", "bridge street",
};
static const char *const places_nl[] = {
	"brug", "markt", "stationshal", "bibliotheek", "moskee", "kerk", "sporthal",
	"haven", "basisschool", "stadhuis", "zwembad", "winkelcentrum", "busstation",
	"azc", "jongerencentrum",
};
static const char *const incidents_nl[] = {
	"een brand", "een steekpartij", "een bommelding", "een gaslek", "een schietpartij",
	"een vechtpartij", "een ongeluk", "een explosie", "een verdacht pakketje",
	"een stroomstoring", "rellen",
};
static const char *const policies_nl[] = {
	"het zwembad wil sluiten", "auto's uit het centrum weert", "een azc wil bouwen",
	"de buslijnen schrapt", "de parkeertarieven verhoogt", "het jongerencentrum sluit",
	"overal camera's ophangt", "twee scholen sluit", "een avondklok invoert",
};
static const char *const actions_nl[] = {
	"een demonstratie", "een blokkade", "een mars", "een protest", "een wake",
	"een tegendemonstratie", "een staking",
};
static const char *const places_fr[] = {
	"pont", "march\u00e9", "gare", "mus\u00e9e", "coll\u00e8ge", "stade", "port",
	"centre commercial", "h\u00f4tel de ville", "parc", "cin\u00e9ma", "foyer",
};
static const char *const incidents_fr[] = {
	"un incendie", "une agression", "une alerte \u00e0 la bombe", "une fuite de gaz",
	"une fusillade", "une bagarre", "un accident", "une explosion",
	"un colis suspect", "une panne de courant", "des \u00e9meutes",
};
static const char *const policies_fr[] = {
	"fermer la piscine", "interdire les voitures", "loger des r\u00e9fugi\u00e9s",
	"supprimer des bus", "augmenter le stationnement", "fermer deux \u00e9coles",
	"installer des cam\u00e9ras partout", "imposer un couvre-feu",
};

typedef struct slot_list {
	char key;
	const char *const *w;
	unsigned n;
} slot_list;

#define SL(k, a) { k, a, N_OF(a) }
static const slot_list slot_lists[] = {
	SL('T', towns), SL('U', towns), SL('P', places_en), SL('I', incidents_en),
	SL('G', groups_en), SL('A', actions_en), SL('D', days_en), SL('Y', policies_en),
	SL('M', damages_en), SL('B', blames_en), SL('C', contaminants_en),
	SL('N', counts_en), SL('H', hurts_en), SL('R', dayparts_en),
	SL('F', facilities_en), SL('O', peoples_en), SL('E', teams_en),
	SL('W', weathers_en), SL('S', streets_en), SL('p', places_nl),
	SL('i', incidents_nl), SL('y', policies_nl), SL('a', actions_nl),
	SL('q', places_fr), SL('j', incidents_fr), SL('z', policies_fr),
};

/* Templates: words separated by one space; "%X" is a slot of kind X (one
 * filler, possibly several words). The first ones read like rumours, the
 * last ones like ordinary local news; unrelated posts use all of them. */
static const char *const templates[] = {
	"police closed the %P in %T after %I",
	"%G are planning a %A at the %P in %T on %D",
	"I heard the council will %Y in %T next month",
	"the %P in %T was %M last night and %B are being blamed",
	"do not drink the tap water in %T the water company found %C in the pipes",
	"%N people were %H near the %P in %T this %R",
	"they will open %F for %O next to the %P in %T",
	"%G attacked a woman near the %P in %T and the police did nothing",
	"the mayor of %T wants to %Y and nobody was asked",
	"breaking there is %I at the %P in %T stay away",
	"de politie heeft de %p in %T afgesloten na %i",
	"ik hoorde dat de gemeente %T %y",
	"vanavond %a bij de %p in %T iedereen komt",
	"la police a ferm\u00e9 le %q \u00e0 %T apr\u00e8s %j",
	"on dit que la mairie de %T va %z",
	"%T %E won against %U on %D",
	"roadworks on %S in %T until %D expect delays",
	"%W expected in %T on %D",
	"the %P in %T reopens on %D after renovation",
	"%T council meets on %D to discuss the %P",
};

/* Endings some posts get: more words that unrelated posts share. */
static const char *const tails[] = {
	"share before they delete it", "my neighbour saw it", "nobody is reporting this",
	"stay safe everyone", "spread the word", "the media will not tell you",
	"unbelievable", "what is going on in this town", "pass it on", "thoughts",
	"deel dit", "faites tourner", "more soon", "source a friend in the police",
};

/* One-word edits: synonyms for template words, words to insert. */
static const char *const synonyms[][2] = {
	{ "closed", "shut" }, { "planning", "organising" }, { "heard", "read" },
	{ "council", "municipality" }, { "people", "persons" }, { "near", "by" },
	{ "attacked", "assaulted" }, { "wants", "plans" }, { "nobody", "no one" },
	{ "stay", "keep" }, { "after", "following" }, { "last", "yesterday" },
	{ "the", "a" }, { "will", "is going to" }, { "found", "detected" },
	{ "afgesloten", "dichtgegooid" }, { "hoorde", "las" }, { "ferm\u00e9", "boucl\u00e9" },
	{ "dit", "raconte" }, { "iedereen", "allemaal" }, { "blamed", "accused" },
};
static const char *const inserts[] = {
	"apparently", "really", "just", "now", "today", "again", "officially",
	"allegedly", "echt", "vraiment", "actually", "seriously",
};

static const char *const url_hosts[] = {
	"https://rivertown-courier.example/news/", "https://t.example/",
	"http://bit.example/", "https://www.omroep.example/nieuws/",
	"https://lavoix.example/actu/", "https://social.example/@user/",
};
static const char *const hashtags[] = {
	"#breaking", "#alert", "#nieuws", "#news", "#actu", "#local", "#police", "#help",
};
static const char *const emoji[] = {
	"\U0001F525", "\U0001F621", "\U0001F631", "\u203C\uFE0F", "\U0001F6A8",
	"\U0001F440", "\U0001F92C", "\U0001F64F",
};
static const char *const sources[] = {
	"mastodon", "bluesky", "reddit", "rivertown-courier", "stadsblad", "forum",
	"telegram-public", "lavoix",
};
static const char *const chatter[] = {
	"the", "a", "in", "on", "at", "and", "to", "of", "is", "was", "for", "with",
	"council", "mayor", "police", "bridge", "market", "school", "bus", "train",
	"weather", "rain", "traffic", "festival", "concert", "football", "match",
	"tonight", "tomorrow", "weekend", "new", "old", "closed", "open", "people",
	"residents", "neighbours", "street", "centre", "park", "library", "pool",
	"coffee", "bakery", "shop", "price", "rent", "housing", "work", "jobs",
	"children", "parents", "teachers", "hospital", "doctor", "fire", "water",
	"power", "parking", "bike", "lane", "cars", "delays", "station", "harbour",
	"de", "het", "een", "gemeente", "markt", "fiets", "regen", "vanavond",
	"le", "la", "les", "mairie", "march\u00e9", "pluie", "ce", "soir",
	"lovely", "terrible", "great", "quiet", "busy", "again", "finally", "still",
	"photo", "video", "news", "update", "story", "question", "anyone", "know",
	"why", "how", "when", "where", "who", "what", "thanks", "please", "help",
};

/* ---- posts --------------------------------------------------------------------------- */

#define MAX_SLOTS 6
#define MAX_TOKS 64
#define MAX_WORD 48

enum {
	T_SEED = 1u << 0,    /* the original post of a claim */
	T_RT = 1u << 1,      /* "RT @user: " prefix */
	T_URL = 1u << 2,     /* URL swapped, added or removed */
	T_MENTION = 1u << 3, /* mention added ("@user ...", "via @user", "cc @user") */
	T_HASHTAG = 1u << 4, /* hashtag added or removed */
	T_CASE = 1u << 5,    /* capitalisation changed */
	T_PUNCT = 1u << 6,   /* punctuation changed */
	T_EDIT = 1u << 7,    /* one word substituted, inserted or deleted */
	T_EMOJI = 1u << 8,   /* emoji added or removed */
	T_SPAM = 1u << 9,    /* exact copy by the seed's own author */
	T_CHATTER = 1u << 10,/* unrelated free chatter (not from a template) */
};

typedef struct inst {
	unsigned tmpl;
	unsigned n_slots;
	unsigned fill[MAX_SLOTS];
	int tail;            /* index into tails, or -1 */
} inst;

typedef struct tok {
	char w[MAX_WORD];
	bool fixed;          /* part of a slot filler: edits leave it alone */
} tok;

typedef struct toks {
	tok t[MAX_TOKS];
	unsigned n;
} toks;

typedef struct deco {
	int url;             /* -1, or an index into url_hosts */
	unsigned url_path;
	int tags[3];         /* hashtag index, or -1 - town index for "#Town" */
	unsigned n_tags;
	int emoji;           /* -1 or index */
	bool rt;
	int mention;         /* -1, 0 "@user ..." prefix, 1 "via @user", 2 "cc @user" */
	unsigned rt_user, mention_user;
	unsigned style;      /* case and punctuation, see render() */
} deco;

typedef struct post {
	size_t off, len;     /* text in corpus.text */
	int64_t t_us;
	uint32_t label;      /* seed index for a claim's posts; unique otherwise */
	uint32_t tmpl;       /* template index, or UINT32_MAX for chatter */
	uint32_t flags;      /* T_* */
	uint32_t author;
	uint32_t source;
} post;

typedef struct corpus {
	char *text;
	size_t len, cap;
	post *posts;
	size_t n, cap_posts;
	size_t n_seeds;      /* labels 0 .. n_seeds-1 are claims */
	size_t n_copies;     /* posts that are copies (not the seed itself) */
} corpus;

static const slot_list *slot_of(char key)
{
	for (size_t i = 0; i < N_OF(slot_lists); i++)
		if (slot_lists[i].key == key)
			return &slot_lists[i];
	return NULL;
}

static int tok_push(toks *t, const char *w, size_t n, bool fixed)
{
	if (t->n >= MAX_TOKS || n == 0 || n >= MAX_WORD)
		return -1;
	memcpy(t->t[t->n].w, w, n);
	t->t[t->n].w[n] = '\0';
	t->t[t->n].fixed = fixed;
	t->n++;
	return 0;
}

/* Split s at spaces into tokens. */
static int tok_words(toks *t, const char *s, bool fixed)
{
	while (*s) {
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (tok_push(t, s, n, fixed) < 0)
			return -1;
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

static unsigned tmpl_slots(unsigned ti, char *keys)
{
	unsigned n = 0;

	for (const char *p = templates[ti]; *p; p++)
		if (*p == '%' && p[1]) {
			if (keys)
				keys[n] = p[1];
			n++;
		}
	return n;
}

static void inst_random(rng *r, unsigned ti, inst *in)
{
	char keys[MAX_SLOTS];

	in->tmpl = ti;
	in->n_slots = tmpl_slots(ti, keys);
	for (unsigned i = 0; i < in->n_slots; i++)
		in->fill[i] = rng_below(r, slot_of(keys[i])->n);
	in->tail = rng_chance(r, 40) ? (int)rng_below(r, N_OF(tails)) : -1;
}

static int inst_toks(const inst *in, toks *t)
{
	const char *p = templates[in->tmpl];
	unsigned slot = 0;

	t->n = 0;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (p[0] == '%') {
			const slot_list *sl = slot_of(p[1]);
			if (tok_words(t, sl->w[in->fill[slot++]], true) < 0)
				return -1;
		} else if (tok_push(t, p, n, false) < 0) {
			return -1;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	if (in->tail >= 0 && tok_words(t, tails[in->tail], false) < 0)
		return -1;
	return 0;
}

/* ---- uniqueness of unrelated posts ---------------------------------------------------- */

/* Two template posts count as unrelated only if they differ in at least two
 * of their slots (the tail counts as a slot): for every post, one key per
 * slot is the hash of everything but that slot; a new post whose key is
 * already there agrees with an earlier post in all slots but one, and is
 * drawn again. */
typedef struct keyset {
	uint64_t *k;         /* 0 = empty */
	size_t cap, n;
} keyset;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	return x;
}

static bool keyset_has(const keyset *s, uint64_t k)
{
	if (s->cap == 0)
		return false;
	for (size_t i = k & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->k[i] == 0)
			return false;
		if (s->k[i] == k)
			return true;
	}
}

static int keyset_add(keyset *s, uint64_t k)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		if (!nk)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i]) {
				size_t j = s->k[i] & (ncap - 1);
				while (nk[j])
					j = (j + 1) & (ncap - 1);
				nk[j] = s->k[i];
			}
		free(s->k);
		s->k = nk;
		s->cap = ncap;
	}
	if (keyset_has(s, k))
		return 0;
	for (size_t i = k & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == 0) {
			s->k[i] = k;
			s->n++;
			return 0;
		}
}

static uint64_t inst_key(const inst *in, unsigned skip)
{
	uint64_t h = mix(in->tmpl + 1) ^ mix(UINT64_C(0x1000) + skip);

	for (unsigned i = 0; i <= in->n_slots; i++) {
		uint64_t v = i < in->n_slots ? in->fill[i] : (uint64_t)(in->tail + 1);
		if (i != skip)
			h = mix(h + v * 0x9e3779b97f4a7c15u + i + 1);
	}
	return h | 1;
}

/* 1 if in is at least two slots away from every post registered so far
 * (and registers it), 0 if not, -1 on OOM. */
static int inst_register(keyset *s, const inst *in)
{
	for (unsigned i = 0; i <= in->n_slots; i++)
		if (keyset_has(s, inst_key(in, i)))
			return 0;
	for (unsigned i = 0; i <= in->n_slots; i++)
		if (keyset_add(s, inst_key(in, i)) < 0)
			return -1;
	return 1;
}

/* ---- rendering ------------------------------------------------------------------------- */

static int corpus_grow(corpus *c, size_t more)
{
	if (c->len + more + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 1 << 16;
		char *p;
		while (cap < c->len + more + 1)
			cap *= 2;
		p = realloc(c->text, cap);
		if (!p)
			return -1;
		c->text = p;
		c->cap = cap;
	}
	return 0;
}

static int put(corpus *c, const char *s)
{
	size_t n = strlen(s);

	if (corpus_grow(c, n) < 0)
		return -1;
	memcpy(c->text + c->len, s, n + 1);
	c->len += n;
	return 0;
}

static int putf_user(corpus *c, const char *pre, unsigned user, const char *tail)
{
	char b[64];

	snprintf(b, sizeof(b), "%s@user%u%s", pre, user, tail);
	return put(c, b);
}

static char up(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
}

static char down(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
}

/* Append the post made of t and d to c's text. Styles: 0 sentence case
 * ending in '.', 1 all lower case without punctuation, 2 ALL CAPS with
 * "!!!", 3 Title Case with '!', 4 sentence case with a comma and "...",
 * 5 sentence case with "?!". */
static int render(corpus *c, const toks *t, const deco *d)
{
	char w[MAX_WORD + 4];

	if (d->rt && putf_user(c, "RT ", d->rt_user, ": ") < 0)
		return -1;
	if (d->mention == 0 && putf_user(c, "", d->mention_user, " ") < 0)
		return -1;
	for (unsigned i = 0; i < t->n; i++) {
		size_t n = strlen(t->t[i].w);
		memcpy(w, t->t[i].w, n + 1);
		for (size_t k = 0; k < n; k++) {
			switch (d->style) {
			case 1: w[k] = down(w[k]); break;
			case 2: w[k] = up(w[k]); break;
			case 3: if (k == 0) w[k] = up(w[k]); break;
			default: if (i == 0 && k == 0) w[k] = up(w[k]); break;
			}
		}
		if (d->style == 4 && i == 2 && t->n > 5)
			strcat(w, ",");
		if ((i > 0 && put(c, " ") < 0) || put(c, w) < 0)
			return -1;
	}
	{
		static const char *const ends[] = { ".", "", "!!!", "!", "...", "?!" };
		if (put(c, ends[d->style % 6]) < 0)
			return -1;
	}
	for (unsigned i = 0; i < d->n_tags; i++) {
		if (d->tags[i] >= 0) {
			if (put(c, " ") < 0 || put(c, hashtags[d->tags[i]]) < 0)
				return -1;
		} else {
			const char *town = towns[-1 - d->tags[i]];
			if (put(c, " #") < 0)
				return -1;
			for (const char *p = town; *p; p++) { /* "#EschSurAlzette" */
				char one[2] = { *p, 0 };
				if (*p != '-' && put(c, one) < 0)
					return -1;
			}
		}
	}
	if (d->emoji >= 0 && (put(c, " ") < 0 || put(c, emoji[d->emoji]) < 0))
		return -1;
	if (d->url >= 0) {
		char b[128];
		snprintf(b, sizeof(b), " %s%u", url_hosts[d->url], d->url_path);
		if (put(c, b) < 0)
			return -1;
	}
	if (d->mention == 1 && putf_user(c, " via ", d->mention_user, "") < 0)
		return -1;
	if (d->mention == 2 && putf_user(c, " cc ", d->mention_user, "") < 0)
		return -1;
	return 0;
}

static int random_tag(rng *r)
{
	return rng_chance(r, 50) ? (int)rng_below(r, N_OF(hashtags))
	                         : -1 - (int)rng_below(r, N_OF(towns));
}

static void deco_random(rng *r, deco *d, unsigned rt_pct)
{
	memset(d, 0, sizeof(*d));
	d->url = rng_chance(r, 40) ? (int)rng_below(r, N_OF(url_hosts)) : -1;
	d->url_path = rng_below(r, 1000000);
	d->n_tags = rng_chance(r, 30) ? 1 + rng_below(r, 2) : 0;
	for (unsigned i = 0; i < d->n_tags; i++)
		d->tags[i] = random_tag(r);
	d->emoji = rng_chance(r, 15) ? (int)rng_below(r, N_OF(emoji)) : -1;
	d->rt = rng_chance(r, rt_pct);
	d->rt_user = rng_below(r, 5000);
	d->mention = rng_chance(r, 10) ? (int)rng_below(r, 3) : -1;
	d->mention_user = rng_below(r, 5000);
	d->style = rng_chance(r, 70) ? 0 : rng_below(r, 6);
}

/* ---- paraphrased copies ------------------------------------------------------------------ */

static const char *synonym_of(const char *w)
{
	for (size_t i = 0; i < N_OF(synonyms); i++) {
		if (strcmp(w, synonyms[i][0]) == 0)
			return synonyms[i][1];
		if (strcmp(w, synonyms[i][1]) == 0)
			return synonyms[i][0];
	}
	return NULL;
}

/* One word substituted (by a synonym), inserted or deleted, never inside a
 * slot filler. Returns true if t was changed. */
static bool edit_one(rng *r, toks *t)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		unsigned op = rng_below(r, 3), i = rng_below(r, t->n);
		if (op == 0) {
			const char *s = t->t[i].fixed ? NULL : synonym_of(t->t[i].w);
			if (s) {
				snprintf(t->t[i].w, MAX_WORD, "%s", s);
				return true;
			}
		} else if (op == 1 && t->n < MAX_TOKS) {
			unsigned at = rng_below(r, t->n + 1);
			memmove(&t->t[at + 1], &t->t[at], (t->n - at) * sizeof(tok));
			snprintf(t->t[at].w, MAX_WORD, "%s", inserts[rng_below(r, N_OF(inserts))]);
			t->t[at].fixed = false;
			t->n++;
			return true;
		} else if (op == 2 && t->n >= 6 && !t->t[i].fixed) {
			memmove(&t->t[i], &t->t[i + 1], (t->n - i - 1) * sizeof(tok));
			t->n--;
			return true;
		}
	}
	return false;
}

/* A copy of the seed (st, sd) as someone else would post it: each
 * transformation is drawn independently. Returns the T_* flags applied. */
static uint32_t make_copy(rng *r, const toks *st, const deco *sd, toks *t, deco *d)
{
	uint32_t f = 0;

	*t = *st;
	*d = *sd;
	d->rt = false;
	d->mention = -1;
	if (rng_chance(r, 35)) {
		d->rt = true;
		d->rt_user = rng_below(r, 5000);
		f |= T_RT;
	}
	if (sd->url >= 0 ? rng_chance(r, 60) : rng_chance(r, 15)) {
		if (sd->url >= 0 && rng_chance(r, 20))
			d->url = -1;
		else
			d->url = (int)rng_below(r, N_OF(url_hosts));
		d->url_path = rng_below(r, 1000000);
		f |= T_URL;
	}
	if (rng_chance(r, 15)) {
		d->mention = (int)rng_below(r, 3);
		d->mention_user = rng_below(r, 5000);
		f |= T_MENTION;
	}
	if (rng_chance(r, 25)) {
		if (d->n_tags > 0 && rng_chance(r, 50))
			d->n_tags--;
		else if (d->n_tags < 3)
			d->tags[d->n_tags++] = random_tag(r);
		f |= T_HASHTAG;
	}
	if (rng_chance(r, 30)) {
		unsigned s = rng_below(r, 4);
		d->style = s == 0 ? 1 : s == 1 ? 2 : s == 2 ? 3 : 0;
		f |= T_CASE;
	}
	if (rng_chance(r, 30)) {
		d->style = rng_chance(r, 50) ? 4 : 5;
		f |= T_PUNCT;
	}
	if (rng_chance(r, 15)) {
		d->emoji = d->emoji >= 0 ? -1 : (int)rng_below(r, N_OF(emoji));
		f |= T_EMOJI;
	}
	if (rng_chance(r, 30) && edit_one(r, t))
		f |= T_EDIT;
	return f;
}

/* ---- corpus ---------------------------------------------------------------------------- */

#define N_RUMOUR_TEMPLATES 15u
#define HOUR_US INT64_C(3600000000)
#define T0_US INT64_C(1778889600000000) /* 2026-05-16T00:00:00Z */

static int add_post(corpus *c, const toks *t, const deco *d, const post *meta)
{
	post *p;

	if (c->n == c->cap_posts) {
		size_t cap = c->cap_posts ? c->cap_posts * 2 : 4096;
		post *np = realloc(c->posts, cap * sizeof(*np));
		if (!np)
			return -1;
		c->posts = np;
		c->cap_posts = cap;
	}
	p = &c->posts[c->n];
	*p = *meta;
	p->off = c->len;
	if (render(c, t, d) < 0)
		return -1;
	p->len = c->len - p->off;
	c->n++;
	return 0;
}

/* How many copies a seed claim gets: mostly a few, some dozens, a few a
 * hundred or so. */
static unsigned copies_for(rng *r)
{
	unsigned u = rng_below(r, 100);

	if (u < 60)
		return 2 + rng_below(r, 9);
	if (u < 90)
		return 10 + rng_below(r, 31);
	return 40 + rng_below(r, 81);
}

/* Delay of a copy after its seed: exponential with a mean of one hour. */
static int64_t rand_delay_us(rng *r)
{
	double u = ((double)(rng_next(r) >> 11) + 1.0) / 9007199254740993.0;

	return (int64_t)(-log(u) * (double)HOUR_US) + 1;
}

static int post_cmp(const void *a, const void *b)
{
	const post *x = a, *y = b;

	if (x->t_us != y->t_us)
		return x->t_us < y->t_us ? -1 : 1;
	return x->label < y->label ? -1 : x->label > y->label;
}

static int gen_corpus(uint64_t seed, size_t n_seeds, size_t n_unrelated, corpus *c)
{
	rng r = { seed };
	keyset ks = { 0 };
	toks st, t;
	deco sd, d;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	c->n_seeds = n_seeds;
	for (size_t s = 0; s < n_seeds; s++) {
		inst in;
		post meta = { 0 };
		unsigned n_copies;
		bool spam = rng_chance(&r, 5);
		int ok = 0;
		for (int attempt = 0; attempt < 1000 && ok == 0; attempt++) {
			inst_random(&r, rng_below(&r, N_RUMOUR_TEMPLATES), &in);
			ok = inst_register(&ks, &in);
		}
		if (ok != 1 || inst_toks(&in, &st) < 0)
			goto fail;
		deco_random(&r, &sd, 0);
		meta.t_us = T0_US + (int64_t)(rng_next(&r) % (uint64_t)(20 * HOUR_US));
		meta.label = (uint32_t)s;
		meta.tmpl = in.tmpl;
		meta.flags = T_SEED;
		meta.author = rng_below(&r, 20000);
		meta.source = rng_below(&r, N_OF(sources));
		if (add_post(c, &st, &sd, &meta) < 0)
			goto fail;
		n_copies = copies_for(&r);
		for (unsigned k = 0; k < n_copies; k++) {
			post cm = meta;
			cm.t_us = meta.t_us + rand_delay_us(&r);
			if (spam) {
				cm.flags = T_SPAM;
				t = st;
				d = sd;
			} else {
				cm.flags = make_copy(&r, &st, &sd, &t, &d);
				cm.author = rng_below(&r, 20000);
				cm.source = rng_below(&r, N_OF(sources));
			}
			if (add_post(c, &t, &d, &cm) < 0)
				goto fail;
			c->n_copies++;
		}
	}
	for (size_t u = 0; u < n_unrelated; u++) {
		post meta = { 0 };
		int ok = 0;
		meta.t_us = T0_US + (int64_t)(rng_next(&r) % (uint64_t)(24 * HOUR_US));
		meta.label = (uint32_t)(n_seeds + u);
		meta.author = rng_below(&r, 20000);
		meta.source = rng_below(&r, N_OF(sources));
		if (rng_chance(&r, 65)) {
			inst in;
			for (int attempt = 0; attempt < 50 && ok == 0; attempt++) {
				inst_random(&r, rng_below(&r, N_OF(templates)), &in);
				ok = inst_register(&ks, &in);
			}
			if (ok < 0)
				goto fail;
			if (ok == 1) {
				if (inst_toks(&in, &t) < 0)
					goto fail;
				meta.tmpl = in.tmpl;
			}
		}
		if (ok != 1) {
			unsigned n = 6 + rng_below(&r, 15);
			t.n = 0;
			for (unsigned i = 0; i < n; i++)
				tok_words(&t, chatter[rng_below(&r, N_OF(chatter))], false);
			meta.tmpl = UINT32_MAX;
			meta.flags = T_CHATTER;
		}
		deco_random(&r, &d, 10);
		if (add_post(c, &t, &d, &meta) < 0)
			goto fail;
	}
	qsort(c->posts, c->n, sizeof(*c->posts), post_cmp);
	rc = 0;
fail:
	free(ks.k);
	return rc;
}

static void corpus_free(corpus *c)
{
	free(c->text);
	free(c->posts);
	memset(c, 0, sizeof(*c));
}


/* ---- scoring ------------------------------------------------------------------------------- */

/* Copy categories for the per-copy recall breakdown. */
enum { CAT_SURFACE, CAT_HASHTAG, CAT_EDIT, CAT_EDIT_TAG, CAT_SPAM, N_CAT };

static int copy_cat(uint32_t f)
{
	if (f & T_SPAM)
		return CAT_SPAM;
	if ((f & T_EDIT) && (f & T_HASHTAG))
		return CAT_EDIT_TAG;
	if (f & T_EDIT)
		return CAT_EDIT;
	if (f & T_HASHTAG)
		return CAT_HASHTAG;
	return CAT_SURFACE;
}

typedef struct score {
	double recall;           /* copies in their seed's group / copies */
	double cat_recall[N_CAT];
	size_t cat_n[N_CAT];
	double pair_recall;      /* same-claim pairs grouped together / all such pairs */
	double pair_precision;   /* pairs grouped together that are same-claim / all grouped */
	uint64_t pos_pairs, unrel_pairs, false_pairs;
	uint64_t mate_pairs, mate_false; /* unrelated pairs of the same template */
	double false_per_10k, mate_per_10k;
	size_t groups;           /* groups of two or more posts */
} score;

typedef struct gkey {
	uint64_t group;
	uint32_t tmpl, label;
} gkey;

static int gkey_cmp(const void *a, const void *b)
{
	const gkey *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->tmpl != y->tmpl)
		return x->tmpl < y->tmpl ? -1 : 1;
	return x->label < y->label ? -1 : x->label > y->label;
}

static uint64_t pairs(uint64_t n)
{
	return n * (n - (n > 0)) / 2;
}

/* group[i] is post i's group (0: alone). */
static int score_groups(const corpus *c, const uint64_t *group, score *s)
{
	uint64_t *seed_group = calloc(c->n_seeds, sizeof(*seed_group));
	uint64_t *label_n = calloc(c->n_seeds, sizeof(*label_n));
	size_t *tmpl_n = calloc(N_OF(templates), sizeof(*tmpl_n));
	gkey *k = malloc(c->n * sizeof(*k));
	size_t hit = 0, copies = 0, cat_hit[N_CAT] = { 0 };
	uint64_t grouped_pairs = 0, true_pairs = 0, all;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (!seed_group || !label_n || !tmpl_n || !k)
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		const post *p = &c->posts[i];
		if (p->label < c->n_seeds) {
			label_n[p->label]++;
			if (p->flags & T_SEED)
				seed_group[p->label] = group[i];
		}
		if (p->tmpl != UINT32_MAX)
			tmpl_n[p->tmpl]++;
	}
	for (size_t i = 0; i < c->n; i++) {
		const post *p = &c->posts[i];
		int cat;
		if (p->label >= c->n_seeds || (p->flags & T_SEED))
			continue;
		cat = copy_cat(p->flags);
		copies++;
		s->cat_n[cat]++;
		if (group[i] != 0 && group[i] == seed_group[p->label]) {
			hit++;
			cat_hit[cat]++;
		}
	}
	s->recall = copies ? (double)hit / (double)copies : 1.0;
	for (int q = 0; q < N_CAT; q++)
		s->cat_recall[q] = s->cat_n[q] ? (double)cat_hit[q] / (double)s->cat_n[q] : 1.0;

	/* pairs: sort by (group, template, label) and count runs */
	for (size_t i = 0; i < c->n; i++)
		k[i] = (gkey){ group[i], c->posts[i].tmpl, c->posts[i].label };
	qsort(k, c->n, sizeof(*k), gkey_cmp);
	for (size_t i = 0; i < c->n;) {
		size_t j = i;
		uint64_t g_pairs, g_true = 0, g_mate = 0;
		while (j < c->n && k[j].group == k[i].group)
			j++;
		if (k[i].group == 0) { /* ungrouped posts are each alone */
			i = j;
			continue;
		}
		g_pairs = pairs(j - i);
		if (j - i >= 2)
			s->groups++;
		for (size_t a = i; a < j;) {
			size_t b = a, t_end = a;
			while (t_end < j && k[t_end].tmpl == k[a].tmpl)
				t_end++;
			if (k[a].tmpl != UINT32_MAX)
				g_mate += pairs(t_end - a);
			for (b = a; b < t_end;) {
				size_t e = b;
				while (e < t_end && k[e].label == k[b].label)
					e++;
				if (k[b].label < c->n_seeds)
					g_true += pairs(e - b);
				if (k[b].tmpl != UINT32_MAX)
					g_mate -= pairs(e - b);
				b = e;
			}
			a = t_end;
		}
		grouped_pairs += g_pairs;
		true_pairs += g_true;
		s->mate_false += g_mate;
		i = j;
	}
	for (size_t l = 0; l < c->n_seeds; l++)
		s->pos_pairs += pairs(label_n[l]);
	all = pairs(c->n);
	s->unrel_pairs = all - s->pos_pairs;
	s->false_pairs = grouped_pairs - true_pairs;
	for (size_t t = 0; t < N_OF(templates); t++)
		s->mate_pairs += pairs(tmpl_n[t]);
	for (size_t l = 0; l < c->n_seeds; l++)
		s->mate_pairs -= pairs(label_n[l]);
	s->pair_recall = s->pos_pairs ? (double)true_pairs / (double)s->pos_pairs : 1.0;
	s->pair_precision = grouped_pairs ? (double)true_pairs / (double)grouped_pairs : 1.0;
	s->false_per_10k = 1e4 * (double)s->false_pairs / (double)s->unrel_pairs;
	s->mate_per_10k = s->mate_pairs ? 1e4 * (double)s->mate_false / (double)s->mate_pairs : 0.0;
	rc = 0;
fail:
	free(seed_group);
	free(label_n);
	free(tmpl_n);
	free(k);
	return rc;
}

static void print_header(void)
{
	printf("%-40s %7s %7s %7s %9s %9s | %7s %7s %7s %7s %7s | %6s\n", "grouping", "recall",
	       "pair-R", "pair-P", "false/1e4", "mates/1e4", "surface", "hashtag", "edit",
	       "ed+tag", "spam", "secs");
}

static void print_score(const char *name, const score *s, double secs)
{
	printf("%-40s %7.4f %7.4f %7.4f %9.4f %9.3f |", name, s->recall, s->pair_recall,
	       s->pair_precision, s->false_per_10k, s->mate_per_10k);
	for (int q = 0; q < N_CAT; q++)
		printf(" %7.3f", s->cat_recall[q]);
	printf(" | %6.2f\n", secs);
}

static void claims_name(const hs_claims_params *p, char *b, size_t n)
{
	snprintf(b, n, "claims k=%u res>=%u%% probe %u reps %u", p->max_distance, p->min_overlap,
	         p->probe_bits, p->max_reps);
}

/* ---- groupings -------------------------------------------------------------------------- */

typedef struct prepared {
	hs_simhash_sig *sig;     /* per post */
	uint64_t *terms_hash;    /* per post: hs_hash64 of the terms view */
	char **terms;            /* per post: copy of the terms view */
	size_t *terms_len;
	double secs;             /* normalise + sign */
} prepared;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void prepared_free(prepared *pp, size_t n)
{
	if (pp->terms)
		for (size_t i = 0; i < n; i++)
			free(pp->terms[i]);
	free(pp->sig);
	free(pp->terms_hash);
	free(pp->terms);
	free(pp->terms_len);
	memset(pp, 0, sizeof(*pp));
}

static int prepare(const corpus *c, prepared *pp)
{
	hs_norm *nm = hs_norm_new();
	double t0 = now_s();
	int rc = -1;

	memset(pp, 0, sizeof(*pp));
	pp->sig = calloc(c->n, sizeof(*pp->sig));
	pp->terms_hash = calloc(c->n, sizeof(*pp->terms_hash));
	pp->terms = calloc(c->n, sizeof(*pp->terms));
	pp->terms_len = calloc(c->n, sizeof(*pp->terms_len));
	if (!nm || !pp->sig || !pp->terms_hash || !pp->terms || !pp->terms_len)
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		size_t tl;
		const char *tv;
		if (hs_norm_run(nm, c->text + c->posts[i].off, c->posts[i].len) < 0)
			goto fail;
		tv = hs_norm_terms(nm, &tl);
		hs_simhash_sign(tv, tl, &pp->sig[i]);
		pp->terms_hash[i] = hs_hash64(tv, tl);
		pp->terms[i] = malloc(tl + 1);
		if (!pp->terms[i])
			goto fail;
		memcpy(pp->terms[i], tv, tl + 1);
		pp->terms_len[i] = tl;
	}
	pp->secs = now_s() - t0;
	rc = 0;
fail:
	hs_norm_free(nm);
	return rc;
}

static void author_name(uint32_t a, char *b, size_t n)
{
	snprintf(b, n, "%016" PRIx64, hs_hash64(&a, sizeof(a))); /* a pseudonym */
}

/* The claims table with params p: group[i] = claim id (0 ungrouped). */
static int group_claims(const corpus *c, const prepared *pp, const hs_claims_params *p,
                        uint64_t *group, double *secs, hs_claims **keep)
{
	hs_claims *cl = hs_claims_new(p);
	double t0;
	int rc = -1;

	if (!cl)
		goto fail;
	t0 = now_s();
	for (size_t i = 0; i < c->n; i++) {
		const post *ps = &c->posts[i];
		hs_claim_result res;
		char author[24];
		author_name(ps->author, author, sizeof(author));
		if (hs_claims_add(cl, &pp->sig[i], i + 1, sources[ps->source], author, ps->t_us,
		                  pp->terms[i], pp->terms_len[i], &res) < 0)
			goto fail;
		group[i] = res.claim_id;
	}
	*secs = now_s() - t0;
	if (keep) {
		*keep = cl;
		cl = NULL;
	}
	rc = 0;
fail:
	hs_claims_free(cl);
	return rc;
}

/* Baseline: posts with the same terms view (and enough words) are one
 * group. The group id is the first such post's index + 1. */
static int group_exact(const corpus *c, const prepared *pp, uint64_t *group, double *secs)
{
	size_t cap = 1;
	uint64_t *key, *val;
	double t0 = now_s();

	while (cap < 2 * c->n)
		cap *= 2;
	key = calloc(cap, sizeof(*key));
	val = calloc(cap, sizeof(*val));
	if (!key || !val) {
		free(key);
		free(val);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		uint64_t h = pp->terms_hash[i] | 1;
		size_t j = h & (cap - 1);
		group[i] = 0;
		if (pp->sig[i].n_features < HS_SIMHASH_MIN_WORDS)
			continue;
		while (key[j] && key[j] != h)
			j = (j + 1) & (cap - 1);
		if (!key[j]) {
			key[j] = h;
			val[j] = i + 1;
		}
		group[i] = val[j];
	}
	*secs = now_s() - t0;
	free(key);
	free(val);
	return 0;
}

/* Baseline: SimHash with one fingerprint per group and an exhaustive scan
 * (no index, no probing): each post joins the group whose first
 * fingerprint is nearest within k bits (ties to the older group). */
static int group_linear(const corpus *c, const prepared *pp, unsigned k, uint64_t *group,
                        double *secs)
{
	uint64_t *fp = malloc(c->n * sizeof(*fp)), *gid = malloc(c->n * sizeof(*gid));
	size_t n = 0;
	double t0 = now_s();

	if (!fp || !gid) {
		free(fp);
		free(gid);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		uint64_t h = pp->sig[i].hash;
		unsigned best = k + 1;
		size_t at = 0;
		group[i] = 0;
		if (pp->sig[i].n_features < HS_SIMHASH_MIN_WORDS)
			continue;
		for (size_t g = 0; g < n; g++) {
			unsigned d = hs_simhash_distance(fp[g], h);
			if (d < best) {
				best = d;
				at = g;
			}
		}
		if (best <= k) {
			group[i] = gid[at];
		} else {
			fp[n] = h;
			gid[n] = i + 1;
			group[i] = i + 1;
			n++;
		}
	}
	*secs = now_s() - t0;
	free(fp);
	free(gid);
	return 0;
}

/* ---- distances --------------------------------------------------------------------------- */

/* Distance of every copy to its seed, by kind, and of sampled unrelated
 * pairs (all, and same-template ones): the share within k, k = 0..24. */
static void print_distances(const corpus *c, const prepared *pp, uint64_t seed)
{
	enum { D_MAX = 65, N_ROWS = N_CAT + 2 };
	uint64_t (*hist)[D_MAX] = calloc(N_ROWS, sizeof(*hist)), tot[N_ROWS] = { 0 };
	size_t *seed_at = calloc(c->n_seeds, sizeof(*seed_at));
	rng r = { seed ^ UINT64_C(0xd15) };

	if (!hist || !seed_at)
		goto out;
	for (size_t i = 0; i < c->n; i++)
		if (c->posts[i].flags & T_SEED)
			seed_at[c->posts[i].label] = i;
	for (size_t i = 0; i < c->n; i++) {
		const post *p = &c->posts[i];
		int q;
		if (p->label >= c->n_seeds || (p->flags & T_SEED))
			continue;
		q = copy_cat(p->flags);
		hist[q][hs_simhash_distance(pp->sig[i].hash, pp->sig[seed_at[p->label]].hash)]++;
		tot[q]++;
	}
	for (unsigned k = 0; k < 4000000 && (tot[N_CAT] < 1000000 || tot[N_CAT + 1] < 1000000); k++) {
		size_t i = rng_next(&r) % c->n, j = rng_next(&r) % c->n;
		const post *a = &c->posts[i], *b = &c->posts[j];
		unsigned d;
		if (a->label == b->label || pp->sig[i].n_features < HS_SIMHASH_MIN_WORDS ||
		    pp->sig[j].n_features < HS_SIMHASH_MIN_WORDS)
			continue;
		d = hs_simhash_distance(pp->sig[i].hash, pp->sig[j].hash);
		if (tot[N_CAT] < 1000000) {
			hist[N_CAT][d]++;
			tot[N_CAT]++;
		}
		if (a->tmpl == b->tmpl && a->tmpl != UINT32_MAX) {
			hist[N_CAT + 1][d]++;
			tot[N_CAT + 1]++;
		}
	}
	printf("\nShare of pairs within k bits (copy to its seed, by kind; sampled unrelated pairs):\n");
	printf("  k  %-14s %-14s %-14s %-14s %-14s %-14s %-14s\n", "surface", "hashtag",
	       "edit", "edit+tag", "spam", "unrelated", "same-template");
	printf("     ");
	for (int q = 0; q < N_ROWS; q++)
		printf("n=%-12" PRIu64 " ", tot[q]);
	printf("\n");
	{
		uint64_t cum[N_ROWS] = { 0 };
		for (int k = 0; k <= 24; k++) {
			printf(" %2d ", k);
			for (int q = 0; q < N_ROWS; q++) {
				cum[q] += hist[q][k];
				printf(" %-14.6f", tot[q] ? (double)cum[q] / (double)tot[q] : 0.0);
			}
			printf("\n");
		}
	}
out:
	free(hist);
	free(seed_at);
}

/* ---- main ----------------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: eval_claims [--seed N] [--claims N] [--unrelated N] [--distance K]\n"
	        "                   [--probe-bits M] [--reps R] [--overlap PCT] [--no-baselines]\n"
	        "                   [--distances] [--sweep] [--top N]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "claims", required_argument, NULL, 'c' },
		{ "unrelated", required_argument, NULL, 'u' },
		{ "distance", required_argument, NULL, 'k' },
		{ "probe-bits", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "overlap", required_argument, NULL, 'o' },
		{ "sweep", no_argument, NULL, 'w' },
		{ "no-baselines", no_argument, NULL, 'n' },
		{ "distances", no_argument, NULL, 'd' },
		{ "top", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = 1;
	size_t n_seeds = 300, n_unrelated = 20000, top = 5;
	bool distances = false, baselines = true, sweep = false;
	hs_claims_params p;
	corpus c;
	prepared pp = { 0 };
	uint64_t *group = NULL;
	hs_claims *kept = NULL;
	score s, s_exact = { 0 }, s_linear = { 0 }, s_pigeon = { 0 };
	double secs, secs_exact, secs_linear, secs_pigeon;
	bool pass;
	int opt, rc = 1;

	hs_claims_params_default(&p);
	memset(&c, 0, sizeof(c));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': n_seeds = strtoul(optarg, NULL, 0); break;
		case 'u': n_unrelated = strtoul(optarg, NULL, 0); break;
		case 'k': p.max_distance = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'm': p.probe_bits = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'r': p.max_reps = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'o': p.min_overlap = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'n': baselines = false; break;
		case 'w': sweep = true; break;
		case 'd': distances = true; break;
		case 't': top = strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || n_seeds < 1 || n_seeds > 100000 || n_unrelated > 1000000) {
		usage(stderr);
		return 2;
	}
	{
		hs_claims *t = hs_claims_new(&p);
		if (!t) {
			fprintf(stderr, "eval_claims: parameters out of range (see rules/claims.h)\n");
			return 2;
		}
		hs_claims_free(t);
	}
	if (gen_corpus(seed, n_seeds, n_unrelated, &c) < 0 || prepare(&c, &pp) < 0) {
		fprintf(stderr, "eval_claims: out of memory\n");
		goto out;
	}
	group = calloc(c.n, sizeof(*group));
	if (!group)
		goto out;
	printf("eval_claims: seed %" PRIu64 ", %zu posts: %zu claims (seed posts) with %zu copies, "
	       "%zu unrelated posts\n", seed, c.n, c.n_seeds, c.n_copies,
	       c.n - c.n_seeds - c.n_copies);
	printf("normalise + SimHash: %.3f s (%.0f posts/s)\n", pp.secs, (double)c.n / pp.secs);
	if (distances)
		print_distances(&c, &pp, seed);

	printf("\nrecall: share of copies in their seed post's claim; pair-R / pair-P: pairwise\n"
	       "recall / precision over same-claim pairs; false/1e4: unrelated pairs put in one\n"
	       "claim per 10,000 unrelated pairs; mates/1e4: the same over unrelated pairs of one\n"
	       "template (the hard ones); then recall by kind of copy.\n\n");
	print_header();
	if (group_claims(&c, &pp, &p, group, &secs, &kept) < 0 || score_groups(&c, group, &s) < 0)
		goto oom;
	{
		char name[80];
		claims_name(&p, name, sizeof(name));
		print_score(name, &s, secs);
	}
	for (int once = 0; baselines && !once; once++) {
		hs_claims_params q = p;
		q.min_overlap = 0;
		q.probe_bits = 0;
		q.max_reps = 1;
		q.max_distance = 3;
		if (group_claims(&c, &pp, &q, group, &secs_pigeon, NULL) < 0 ||
		    score_groups(&c, group, &s_pigeon) < 0)
			goto oom;
		print_score("baseline: SimHash 4x16 pigeonhole k=3", &s_pigeon, secs_pigeon);
	}
	for (unsigned lk = 6; baselines && lk <= 10; lk += 2) {
		char name[80];
		score sl;
		if (group_linear(&c, &pp, lk, group, &secs_linear) < 0 ||
		    score_groups(&c, group, &sl) < 0)
			goto oom;
		snprintf(name, sizeof(name), "baseline: SimHash linear scan k=%u", lk);
		print_score(name, &sl, secs_linear);
		if (lk == 8)
			s_linear = sl;
	}
	if (baselines) {
		if (group_exact(&c, &pp, group, &secs_exact) < 0 ||
		    score_groups(&c, group, &s_exact) < 0)
			goto oom;
		print_score("baseline: exact terms view", &s_exact, secs_exact);
	}
	if (sweep) {
		/* one parameter changed at a time from p */
		static const struct {
			char field;
			unsigned v;
		} sw[] = {
			{ 'o', 0 }, { 'o', 65 }, { 'o', 70 }, { 'o', 80 }, { 'm', 0 }, { 'm', 1 },
			{ 'm', 2 }, { 'm', 4 }, { 'r', 1 }, { 'r', 4 }, { 'r', 16 }, { 'k', 8 },
			{ 'k', 10 }, { 'k', 16 },
		};
		printf("\nsweep (one parameter changed from the first row):\n");
		for (size_t k = 0; k < sizeof(sw) / sizeof(*sw); k++) {
			hs_claims_params q = p;
			char name[80];
			score sq;
			double sec;
			switch (sw[k].field) {
			case 'o': q.min_overlap = sw[k].v; break;
			case 'm': q.probe_bits = sw[k].v; break;
			case 'r': q.max_reps = sw[k].v; break;
			default: q.max_distance = sw[k].v; break;
			}
			if (sw[k].field == 'o' && sw[k].v == 0)
				q.max_distance = 8; /* Hamming only: its best k */
			if (group_claims(&c, &pp, &q, group, &sec, NULL) < 0 ||
			    score_groups(&c, group, &sq) < 0)
				goto oom;
			claims_name(&q, name, sizeof(name));
			print_score(name, &sq, sec);
		}
	}

	printf("\npairs: %" PRIu64 " same-claim, %" PRIu64 " unrelated (%" PRIu64
	       " of them same-template); claims: %" PRIu64 " unrelated pairs merged\n",
	       s.pos_pairs, s.unrel_pairs, s.mate_pairs, s.false_pairs);
	{
		hs_claims_stats st;
		hs_claims_stats_get(kept, &st);
		printf("table: %zu claims, %zu representatives, %.1f MiB, %" PRIu64 " posts not grouped\n",
		       st.live, st.reps, (double)st.memory / 1048576.0, st.ungrouped);
	}
	if (top > 0) {
		/* the largest claims, as the dashboard would list them */
		uint64_t *size_of = calloc(c.n + 1, sizeof(*size_of));
		int64_t end = c.posts[c.n - 1].t_us;
		if (!size_of)
			goto oom;
		printf("\nlargest claims at the end of the stream (times: hh:mm since the start):\n");
		for (size_t t = 0; t < top; t++) {
			uint64_t best = 0, best_n = 0;
			hs_claim_info info;
			for (uint64_t id = 1; id <= c.n; id++) {
				if (size_of[id] == UINT64_MAX)
					continue;
				if (hs_claims_get(kept, id, end, &info) == 0 && info.size > best_n) {
					best = id;
					best_n = info.size;
				}
			}
			if (!best)
				break;
			size_of[best] = UINT64_MAX;
			hs_claims_get(kept, best, end, &info);
			/* growth as it was at the claim's latest post */
			hs_claims_get(kept, best, info.last_us, &info);
			printf("  #%" PRIu64 ": %" PRIu64 " posts, %" PRIu64 " authors, %" PRIu64
			       " sources, %u reps; in the hour up to its latest post %" PRIu64
			       ", the hour before %" PRIu64 " (growth %.2f)\n    first: post %" PRIu64
			       " on %s: \"%s\"\n    spread:",
			       info.id, info.size, info.authors, info.sources, info.n_reps, info.recent,
			       info.previous, info.growth, info.first_post_id, info.first_source,
			       info.excerpt);
			{
				hs_claim_spread sp[4];
				size_t n = hs_claims_spread(kept, best, sp, 4);
				for (size_t k = 0; k < n; k++) {
					int64_t m = (sp[k].time_us - T0_US) / 60000000;
					printf(" %" PRIu64 "@%s %02d:%02d%s", sp[k].post_id, sp[k].source,
					       (int)(m / 60), (int)(m % 60), k + 1 < n ? "," : "");
				}
				printf("%s\n", info.n_spread > n ? " ..." : "");
			}
		}
		free(size_of);
	}

	pass = s.recall >= 0.95 && s.false_per_10k <= 1.0;
	printf("\ntargets: recall >= 0.95 and <= 1 false merge per 10,000 unrelated pairs: %s\n",
	       pass ? "met" : "MISSED");
	printf("eval_claims: status=%s recall=%.4f pair_recall=%.4f pair_precision=%.4f "
	       "false_per_10k=%.4f baseline_exact_recall=%.4f baseline_linear_recall=%.4f "
	       "baseline_pigeonhole_recall=%.4f\n",
	       pass ? "ok" : "missed", s.recall, s.pair_recall, s.pair_precision, s.false_per_10k,
	       s_exact.recall, s_linear.recall, s_pigeon.recall);
	rc = pass ? 0 : 1;
	goto out;
oom:
	fprintf(stderr, "eval_claims: out of memory\n");
	rc = 1;
out:
	hs_claims_free(kept);
	free(group);
	prepared_free(&pp, c.n);
	corpus_free(&c);
	return rc;
}
