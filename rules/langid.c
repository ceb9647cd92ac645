/* hearsay: language identification of short posts (see langid.h).
 *
 * The word lists below are the most frequent grammatical words of each
 * language (written for hearsay from general knowledge of the languages,
 * not taken from a corpus or another detector). Content words are left
 * out on purpose: "politie", "mairie" or "Polizei" say more about the
 * topic than about the language, and a list of them would only fit the
 * texts it was written against.
 *
 * hs_langid_new puts every word in one open-addressing table: word ->
 * bit set of languages. The words are at most 16 bytes, so a slot holds
 * its word inline, zero-padded to two 64-bit halves: a lookup is one hash
 * of those two halves and two compares per probe. Detection makes one
 * pass over at most HS_LANGID_MAX_SCAN bytes, with one table lookup per
 * word (two more for a word with an apostrophe that is in no list) and a
 * small table per letter; nothing is allocated.
 *
 * Scores are kept as whole counts of half points (every cue is worth 0.5
 * or 1): the same numbers as summing the weights in doubles, which is
 * exact for them in any order, but cheaper to add up.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "rules/langid.h"

enum {
	L_EN, L_NL, L_FR, L_DE, /* the languages returned */
	L_ES, L_IT, L_PT, L_AF, L_SV, L_DA, L_PL, L_RO, L_CS, L_TR,
	N_LANG
};
#define N_TARGET 4

static const char *const lang_code[N_LANG] = {
	"en", "nl", "fr", "de", "es", "it", "pt", "af", "sv", "da", "pl", "ro", "cs", "tr",
};

#define B(l) (1u << (l))

/* ---- word lists --------------------------------------------------------------------- */

static const char *const words_en[] = {
	"the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with",
	"from", "by", "about", "into", "over", "after", "before", "under", "between",
	"through", "during", "without", "against", "around", "is", "are", "was", "were",
	"be", "been", "being", "am", "have", "has", "had", "do", "does", "did", "done",
	"not", "no", "this", "that", "these", "those", "it", "its", "it's", "they", "them",
	"their", "there", "here", "we", "our", "us", "you", "your", "he", "she", "his",
	"her", "him", "i", "me", "my", "what", "who", "whom", "whose", "why", "how", "when",
	"where", "which", "will", "would", "can", "can't", "cannot", "could", "should",
	"shall", "must", "may", "might", "don't", "doesn't", "didn't", "isn't", "aren't",
	"wasn't", "weren't", "won't", "haven't", "hasn't", "i'm", "i've", "i'll", "you're",
	"they're", "we're", "there's", "that's", "what's", "let's", "just", "so", "very",
	"all", "any", "some", "every", "each", "more", "most", "than", "then", "up", "out",
	"off", "again", "still", "only", "also", "because", "if", "as", "too", "much",
	"many", "anyone", "someone", "somebody", "nobody", "everyone", "anything",
	"something", "nothing", "today", "tonight", "yesterday", "tomorrow", "now", "get",
	"got", "going", "know", "said", "says", "really", "where's", "who's", "until",
	"since", "while", "near", "along", "behind", "across", "outside", "inside",
};

static const char *const words_nl[] = {
	"de", "het", "een", "en", "van", "in", "op", "voor", "met", "aan", "bij", "uit",
	"naar", "om", "over", "tot", "door", "tegen", "na", "sinds", "zonder", "onder",
	"tussen", "tijdens", "is", "zijn", "was", "waren", "wordt", "worden", "werd",
	"werden", "heeft", "hebben", "had", "hadden", "ben", "bent", "niet", "geen",
	"wel", "ook", "nog", "al", "maar", "of", "dat", "die", "dit", "deze", "er",
	"hier", "daar", "wat", "wie", "waarom", "hoe", "waar", "wanneer", "welke", "ik",
	"je", "jij", "u", "we", "wij", "ze", "zij", "hij", "haar", "hun", "hen", "ons",
	"onze", "mijn", "jouw", "uw", "zich", "me", "mij", "hem", "dan", "want", "omdat",
	"dus", "nu", "vandaag", "morgen", "gisteren", "iemand", "niemand", "iedereen",
	"niets", "niks", "iets", "veel", "meer", "weer", "gaat", "gaan", "ging", "kan",
	"kunnen", "kon", "moet", "moeten", "zal", "zullen", "zou", "wil", "willen",
	"toch", "echt", "heel", "zo", "te", "nooit", "alle", "allemaal", "elke", "elk",
	"één", "hebt", "doet", "doen", "gedaan", "geweest", "als", "zoals", "even",
	"eens", "misschien", "zo'n", "'s", "mee", "erg", "nadat", "terwijl",
	"ervan", "erover", "daarom", "eigenlijk", "gewoon", "steeds", "alweer",
};

static const char *const words_fr[] = {
	"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "et", "ou", "mais",
	"donc", "car", "ni", "que", "qu'", "qui", "quoi", "dont", "où", "ce", "cet",
	"cette", "ces", "c'", "ça", "il", "elle", "ils", "elles", "on", "nous", "vous",
	"je", "j'", "tu", "me", "m'", "te", "t'", "se", "s'", "lui", "leur", "leurs",
	"son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes", "notre", "nos",
	"votre", "vos", "est", "sont", "était", "étaient", "été", "être", "a", "ont",
	"avait", "avoir", "ai", "as", "avons", "avez", "fait", "faire", "ne", "n'", "pas",
	"plus", "jamais", "rien", "personne", "aucun", "aucune", "très", "trop", "aussi",
	"encore", "déjà", "toujours", "ici", "là", "dans", "sur", "sous", "avec", "sans",
	"pour", "par", "chez", "entre", "vers", "depuis", "pendant", "après", "avant",
	"contre", "au", "aux", "y", "en", "comme", "quand", "si", "tout", "tous", "toute",
	"toutes", "même", "mêmes", "autre", "autres", "quel", "quelle", "quels",
	"quelles", "quelqu'un", "aujourd'hui", "hier", "demain", "soir", "va", "vont",
	"peut", "peuvent", "faut", "c'est", "pourquoi", "comment", "combien", "enfin",
	"vraiment", "jusqu'", "lorsqu'", "puisqu'", "parce", "selon", "voilà", "chaque",
	"à",
};

static const char *const words_de[] = {
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem",
	"einer", "eines", "und", "oder", "aber", "denn", "sondern", "nicht", "kein",
	"keine", "keinen", "keiner", "ist", "sind", "war", "waren", "wird", "werden",
	"wurde", "wurden", "hat", "haben", "hatte", "hatten", "bin", "bist", "sein",
	"gewesen", "ich", "du", "er", "sie", "es", "wir", "ihr", "mein", "meine", "meinen",
	"unser", "unsere", "unserer", "euer", "eure", "dein", "deine", "seine", "ihre",
	"mit", "von", "vom", "zu", "zum", "zur", "im", "am", "auf", "aus", "bei", "beim",
	"nach", "für", "über", "um", "vor", "seit", "gegen", "ohne", "durch", "bis",
	"wegen", "während", "unter", "zwischen", "hinter", "neben", "dass", "wenn",
	"weil", "als", "wie", "was", "wer", "warum", "wo", "wann", "welche", "welcher",
	"auch", "noch", "schon", "nur", "sehr", "heute", "jetzt", "hier", "da", "dort",
	"doch", "mal", "jemand", "niemand", "alle", "alles", "mehr", "wieder", "gibt",
	"kann", "können", "muss", "müssen", "soll", "sollen", "will", "wollen", "man",
	"sich", "uns", "euch", "ihn", "ihm", "ihnen", "dieser", "diese", "dieses",
	"diesen", "gerade", "immer", "ganz", "viel", "viele", "nichts", "etwas",
	"endlich", "eigentlich", "dann", "also", "ob", "ins", "worden", "seid",
};

/* Distractors: enough to recognise the language, never returned. */
static const char *const words_es[] = {
	"el", "los", "las", "del", "al", "y", "o", "pero", "que", "por", "para", "con",
	"sin", "una", "uno", "es", "son", "está", "están", "fue", "ha", "han", "hay",
	"muy", "más", "este", "esta", "estos", "esto", "porque", "cuando", "donde", "qué",
	"cómo", "alguien", "nadie", "también", "hasta", "desde", "sobre", "su", "sus",
	"nos", "se", "le", "lo", "la", "de", "en", "un", "no",
};
static const char *const words_it[] = {
	"il", "lo", "gli", "la", "le", "di", "del", "della", "dei", "degli", "delle",
	"che", "per", "con", "non", "sono", "è", "era", "un", "una", "uno", "ma", "anche",
	"questo", "questa", "perché", "quando", "dove", "come", "nel", "nella", "alla",
	"al", "dopo", "fino", "così", "ci", "si", "hanno", "ha", "essere", "stato", "in",
	"e", "da", "dal", "dalla", "qualcuno", "tante", "tanti",
};
static const char *const words_pt[] = {
	"o", "os", "a", "as", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas",
	"um", "uma", "com", "para", "por", "não", "é", "são", "está", "foi", "há",
	"muito", "mais", "este", "esta", "isso", "porque", "quando", "onde", "como",
	"também", "até", "depois", "ao", "à", "pela", "pelo", "seu", "sua", "que", "de",
	"e", "se", "alguém", "vai",
};
static const char *const words_af[] = {
	"die", "nie", "het", "is", "en", "van", "vir", "met", "op", "na", "sal", "word",
	"ek", "jy", "hy", "sy", "ons", "julle", "hulle", "wat", "hoe", "waar", "wanneer",
	"nog", "ook", "maar", "tot", "uit", "kan", "moet", "was", "'n", "gesluit", "bly",
	"dat", "om", "te",
};
static const char *const words_sv[] = {
	"och", "att", "det", "som", "är", "för", "på", "inte", "med", "den", "till", "av",
	"om", "har", "vi", "jag", "du", "han", "hon", "de", "ett", "en", "men", "från",
	"eller", "efter", "kommer", "var", "vid", "så", "mycket", "varför", "någon",
	"står", "många", "i", "kväll",
};
static const char *const words_da[] = {
	"og", "at", "det", "som", "er", "for", "på", "ikke", "med", "den", "til", "af",
	"om", "har", "vi", "jeg", "du", "han", "hun", "de", "et", "en", "men", "fra",
	"eller", "efter", "kommer", "var", "ved", "så", "meget", "hvorfor", "nogen",
	"mange", "i", "aften",
};
static const char *const words_pl[] = {
	"i", "w", "z", "na", "nie", "się", "że", "do", "jest", "to", "o", "jak", "po",
	"dla", "ale", "przed", "od", "przez", "już", "tak", "czy", "co", "jego", "jej",
	"są", "był", "była", "będzie", "dziś", "tyle", "ktoś", "dlaczego",
};
static const char *const words_ro[] = {
	"și", "în", "de", "la", "cu", "pe", "că", "nu", "a", "este", "din", "pentru",
	"până", "după", "sunt", "fost", "mai", "care", "ce", "o", "un", "una", "sau",
	"dar", "va", "rămâne",
};
static const char *const words_cs[] = {
	"a", "v", "na", "se", "že", "je", "to", "s", "z", "do", "po", "není", "až",
	"jsou", "byl", "byla", "bude", "pro", "jak", "ale", "od", "co", "tak", "proč",
	"zůstane",
};
static const char *const words_tr[] = {
	"ve", "bir", "bu", "da", "de", "için", "ile", "çok", "ne", "gibi", "sonra",
	"daha", "olan", "olarak", "var", "yok", "en", "kadar", "ama", "mi", "mı",
};

#define LIST(l, a) { l, a, sizeof(a) / sizeof(a[0]) }
static const struct {
	int lang;
	const char *const *words;
	size_t n;
} lists[] = {
	LIST(L_EN, words_en), LIST(L_NL, words_nl), LIST(L_FR, words_fr),
	LIST(L_DE, words_de), LIST(L_ES, words_es), LIST(L_IT, words_it),
	LIST(L_PT, words_pt), LIST(L_AF, words_af), LIST(L_SV, words_sv),
	LIST(L_DA, words_da), LIST(L_PL, words_pl), LIST(L_RO, words_ro),
	LIST(L_CS, words_cs), LIST(L_TR, words_tr),
};

/* ---- letter cues ------------------------------------------------------------------------ */

/* Lowercase letters used by only some of the languages, sorted by code
 * point (bsearch). */
static const struct {
	uint32_t cp;
	uint32_t langs;
} letters[] = {
	{ 0x00DF, B(L_DE) },                                   /* ß */
	{ 0x00E0, B(L_FR) | B(L_IT) | B(L_PT) },               /* à */
	{ 0x00E1, B(L_ES) | B(L_PT) | B(L_CS) },               /* á */
	{ 0x00E2, B(L_FR) | B(L_PT) | B(L_RO) },               /* â */
	{ 0x00E3, B(L_PT) },                                   /* ã */
	{ 0x00E4, B(L_DE) | B(L_SV) },                         /* ä */
	{ 0x00E5, B(L_SV) | B(L_DA) },                         /* å */
	{ 0x00E6, B(L_DA) },                                   /* æ */
	{ 0x00E7, B(L_FR) | B(L_PT) | B(L_TR) },               /* ç */
	{ 0x00E8, B(L_FR) | B(L_IT) },                         /* è */
	{ 0x00E9, B(L_FR) },                                   /* é */
	{ 0x00EA, B(L_FR) | B(L_PT) },                         /* ê */
	{ 0x00EB, B(L_NL) | B(L_AF) },                         /* ë */
	{ 0x00EC, B(L_IT) },                                   /* ì */
	{ 0x00ED, B(L_ES) | B(L_PT) | B(L_CS) },               /* í */
	{ 0x00EE, B(L_FR) | B(L_RO) },                         /* î */
	{ 0x00EF, B(L_NL) | B(L_FR) },                         /* ï */
	{ 0x00F1, B(L_ES) },                                   /* ñ */
	{ 0x00F2, B(L_IT) },                                   /* ò */
	{ 0x00F3, B(L_ES) | B(L_PT) | B(L_PL) | B(L_CS) },     /* ó */
	{ 0x00F4, B(L_FR) | B(L_PT) },                         /* ô */
	{ 0x00F5, B(L_PT) },                                   /* õ */
	{ 0x00F6, B(L_DE) | B(L_SV) | B(L_TR) },               /* ö */
	{ 0x00F8, B(L_DA) },                                   /* ø */
	{ 0x00F9, B(L_FR) | B(L_IT) },                         /* ù */
	{ 0x00FA, B(L_ES) | B(L_PT) | B(L_CS) },               /* ú */
	{ 0x00FB, B(L_FR) },                                   /* û */
	{ 0x00FC, B(L_DE) | B(L_TR) },                         /* ü */
	{ 0x00FD, B(L_CS) },                                   /* ý */
	{ 0x0103, B(L_RO) },                                   /* ă */
	{ 0x0105, B(L_PL) },                                   /* ą */
	{ 0x0107, B(L_PL) },                                   /* ć */
	{ 0x010D, B(L_CS) },                                   /* č */
	{ 0x010F, B(L_CS) },                                   /* ď */
	{ 0x0119, B(L_PL) },                                   /* ę */
	{ 0x011B, B(L_CS) },                                   /* ě */
	{ 0x011F, B(L_TR) },                                   /* ğ */
	{ 0x0131, B(L_TR) },                                   /* ı */
	{ 0x0133, B(L_NL) },                                   /* ĳ */
	{ 0x0142, B(L_PL) },                                   /* ł */
	{ 0x0144, B(L_PL) },                                   /* ń */
	{ 0x0148, B(L_CS) },                                   /* ň */
	{ 0x0153, B(L_FR) },                                   /* œ */
	{ 0x0159, B(L_CS) },                                   /* ř */
	{ 0x015B, B(L_PL) },                                   /* ś */
	{ 0x015F, B(L_TR) | B(L_RO) },                         /* ş */
	{ 0x0161, B(L_CS) },                                   /* š */
	{ 0x0163, B(L_RO) },                                   /* ţ */
	{ 0x0165, B(L_CS) },                                   /* ť */
	{ 0x016F, B(L_CS) },                                   /* ů */
	{ 0x017A, B(L_PL) },                                   /* ź */
	{ 0x017C, B(L_PL) },                                   /* ż */
	{ 0x017E, B(L_CS) },                                   /* ž */
	{ 0x0219, B(L_RO) },                                   /* ș */
	{ 0x021B, B(L_RO) },                                   /* ț */
};

/* Letter sequences ('^' word start, '$' word end), ASCII only. */
static const struct {
	const char *seq;
	uint32_t langs;
} seqs[] = {
	{ "th", B(L_EN) },   { "^wh", B(L_EN) },  { "ing$", B(L_EN) }, { "ght", B(L_EN) },
	{ "ij", B(L_NL) },   { "aa", B(L_NL) | B(L_AF) }, { "uu", B(L_NL) },
	{ "oe", B(L_NL) | B(L_AF) }, { "tje$", B(L_NL) }, { "heid$", B(L_NL) },
	{ "sch", B(L_DE) | B(L_NL) }, { "tz", B(L_DE) }, { "ung$", B(L_DE) },
	{ "keit$", B(L_DE) }, { "lich$", B(L_DE) }, { "chen$", B(L_DE) }, { "pf", B(L_DE) },
	{ "eau", B(L_FR) },  { "aux$", B(L_FR) }, { "eux$", B(L_FR) }, { "ez$", B(L_FR) },
	{ "zione$", B(L_IT) }, { "gli", B(L_IT) }, { "zz", B(L_IT) },
	{ "nh", B(L_PT) },   { "lh", B(L_PT) },
	{ "sz", B(L_PL) },   { "cz", B(L_PL) },  { "rz", B(L_PL) },
};

/* Weights, in half points. */
#define W_WORD 2   /* 1.0 */
#define W_LETTER 1 /* 0.5 */
#define W_SEQ 1    /* 0.5 */
#define WORD_MAX 48 /* bytes of a lowercased word that is looked up */
#define KEY_MAX 16  /* bytes of a listed word (checked by hs_langid_new) */

/* ---- the table --------------------------------------------------------------------------- */

typedef struct li_slot {
	uint64_t key[2]; /* the word, zero-padded */
	uint32_t len;    /* 0: empty */
	uint32_t langs;
} li_slot;

#define N_SEQ (sizeof(seqs) / sizeof(seqs[0]))
#define SEQ_CODES 29 /* a-z, '^', '$', anything else */
#define SEQ_NONE 28

struct hs_langid {
	li_slot *slots; /* owned */
	size_t mask;
	/* the letter sequences by their first two characters: bit sets of
	 * seqs[] indices, of two characters (matched by the pair) and longer
	 * (the rest to be compared); 0 for pairs with SEQ_NONE */
	uint32_t seq_pair2[SEQ_CODES][SEQ_CODES];
	uint32_t seq_longer[SEQ_CODES][SEQ_CODES];
	uint8_t seq_len[N_SEQ];
	uint8_t code[256];     /* seq_code() of each byte, SEQ_NONE for -1 */
	uint64_t head_mask[9]; /* the first n bytes of a 64-bit word */
	/* letters[] languages of U+00C0..U+00FF, by cp - 0xC0 */
	uint32_t latin1_langs[64];
};

/* Code of a character of "^word$" for the sequence tables, or -1. */
static inline int seq_code(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c == '^')
		return 26;
	if (c == '$')
		return 27;
	return -1;
}

/* The two zero-padded halves of w[0..len), len <= KEY_MAX. */
static inline void li_key(const char *w, size_t len, uint64_t key[2])
{
	unsigned char b[KEY_MAX] = { 0 };

	memcpy(b, w, len);
	memcpy(key, b, sizeof(b));
}

static inline size_t li_hash(const uint64_t key[2], size_t len)
{
	uint64_t h = (key[0] ^ len) * UINT64_C(0x9e3779b97f4a7c15) ^
	             key[1] * UINT64_C(0xbf58476d1ce4e5b9);

	return (size_t)(h ^ (h >> 29) ^ (h >> 41));
}

/* The slot of w[0..len), or NULL. w[0..KEY_MAX) must be readable. */
static li_slot *li_find(const hs_langid *li, const char *w, size_t len)
{
	uint64_t key[2];
	size_t i;

	if (len == 0 || len > KEY_MAX)
		return NULL;
	memcpy(key, w, sizeof(key));
	key[0] &= li->head_mask[len < 8 ? len : 8];
	key[1] &= li->head_mask[len > 8 ? len - 8 : 0];
	i = li_hash(key, len) & li->mask;
	for (;;) {
		li_slot *s = &li->slots[i];
		if (!s->len)
			return NULL;
		if (s->key[0] == key[0] && s->key[1] == key[1] && s->len == len)
			return s;
		i = (i + 1) & li->mask;
	}
}

hs_langid *hs_langid_new(void)
{
	hs_langid *li = calloc(1, sizeof(*li));
	size_t total = 0, cap = 1;

	if (!li)
		goto fail;
	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
		total += lists[k].n;
	while (cap < total * 2)
		cap *= 2;
	li->slots = calloc(cap, sizeof(*li->slots));
	if (!li->slots)
		goto fail;
	li->mask = cap - 1;
	for (int c = 0; c < 256; c++) {
		int x = seq_code((unsigned char)c);
		li->code[c] = (uint8_t)(x < 0 ? SEQ_NONE : x);
	}
	for (size_t n = 0; n <= 8; n++) {
		unsigned char b[8] = { 0 };
		memset(b, 0xFF, n);
		memcpy(&li->head_mask[n], b, 8);
	}
	for (size_t k = 0; k < N_SEQ; k++) {
		int a = seq_code((unsigned char)seqs[k].seq[0]), b = seq_code((unsigned char)seqs[k].seq[1]);
		if (a < 0 || b < 0)
			goto fail; /* a sequence must start with two of those */
		li->seq_len[k] = (uint8_t)strlen(seqs[k].seq);
		if (li->seq_len[k] == 2)
			li->seq_pair2[a][b] |= 1u << k;
		else
			li->seq_longer[a][b] |= 1u << k;
	}
	for (size_t k = 0; k < sizeof(letters) / sizeof(letters[0]); k++)
		if (letters[k].cp >= 0xC0 && letters[k].cp <= 0xFF)
			li->latin1_langs[letters[k].cp - 0xC0] = letters[k].langs;
	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		for (size_t j = 0; j < lists[k].n; j++) {
			const char *w = lists[k].words[j];
			size_t len = strlen(w), i;
			li_slot *s;
			uint64_t key[2];
			if (len == 0 || len > KEY_MAX)
				goto fail; /* a listed word must fit a slot */
			li_key(w, len, key);
			s = li_find(li, (const char *)key, len);
			if (!s) {
				i = li_hash(key, len) & li->mask;
				while (li->slots[i].len)
					i = (i + 1) & li->mask;
				s = &li->slots[i];
				s->key[0] = key[0];
				s->key[1] = key[1];
				s->len = (uint32_t)len;
			}
			s->langs |= B(lists[k].lang);
		}
	}
	return li;
fail:
	hs_langid_free(li);
	return NULL;
}

void hs_langid_free(hs_langid *li)
{
	if (!li)
		return;
	free(li->slots);
	free(li);
}

/* ---- detection --------------------------------------------------------------------------- */

/* Strict UTF-8 decoding; ill-formed bytes are U+FFFD of length 1. */
static uint32_t dec(const unsigned char *s, size_t avail, size_t *len)
{
	unsigned char c = s[0];

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF && avail >= 2 && (s[1] & 0xC0) == 0x80) {
		*len = 2;
		return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
	}
	if (c >= 0xE0 && c <= 0xEF && avail >= 3 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && !(c == 0xE0 && s[1] < 0xA0) && !(c == 0xED && s[1] >= 0xA0)) {
		*len = 3;
		return ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
	}
	if (c >= 0xF0 && c <= 0xF4 && avail >= 4 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 && !(c == 0xF0 && s[1] < 0x90) &&
	    !(c == 0xF4 && s[1] >= 0x90)) {
		*len = 4;
		return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
		       (s[3] & 0x3Fu);
	}
	return 0xFFFD;
}

enum { C_SPACE, C_LETTER, C_MARK, C_DIGIT, C_APOS, C_OTHER };

static int classify(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp | 0x20) - 'a' < 26u)
			return C_LETTER;
		if (cp - '0' < 10u)
			return C_DIGIT;
		if (cp == '\'')
			return C_APOS;
		return cp <= 0x20 || cp == 0x7f ? C_SPACE : C_OTHER;
	}
	if (cp == 0x2019 || cp == 0x02BC)
		return C_APOS;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return C_LETTER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return C_DIGIT;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		return C_SPACE;
	default:
		return C_OTHER;
	}
}

static bool is_latin(uint32_t cp)
{
	return cp < 0x80 || (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
	       (cp >= 0xFF21 && cp <= 0xFF5A);
}

static uint32_t letter_langs(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(letters) / sizeof(letters[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (letters[mid].cp == cp)
			return letters[mid].langs;
		if (letters[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

typedef struct li_acc {
	uint32_t half[N_LANG]; /* scores in half points */
	size_t words, letters, nonlatin;
} li_acc;

/* Index of the lowest set bit of x (x != 0). */
static inline int lowest_bit(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_ctz(x);
#else
	int k = 0;
	while (!(x & 1u)) {
		x >>= 1;
		k++;
	}
	return k;
#endif
}

static inline void add(li_acc *a, uint32_t langs, uint32_t w)
{
	while (langs) {
		a->half[lowest_bit(langs)] += w;
		langs &= langs - 1;
	}
}

/* Letter sequences of the lowercased word in buf = "^" word "$" (n bytes
 * in all), each counted once. */
static void add_seqs(const hs_langid *li, li_acc *a, const char *buf, size_t n)
{
	uint32_t found = 0;
	unsigned x = li->code[(unsigned char)buf[0]];

	for (size_t i = 0; i + 1 < n; i++) {
		unsigned y = li->code[(unsigned char)buf[i + 1]];
		uint32_t cand = li->seq_longer[x][y] & ~found;
		found |= li->seq_pair2[x][y];
		x = y;
		while (cand) {
			int k = lowest_bit(cand);
			size_t m = li->seq_len[k], j = 2;
			cand &= cand - 1;
			if (i + m > n)
				continue;
			while (j < m && buf[i + j] == seqs[k].seq[j])
				j++;
			if (j == m)
				found |= 1u << k;
		}
	}
	while (found) {
		int k = lowest_bit(found);
		found &= found - 1;
		add(a, seqs[k].langs, W_SEQ);
	}
}

/* One word, lowercased: w[0..len), with w[-1] = '^' and w[len] = '$'. */
static void add_word(const hs_langid *li, li_acc *a, const char *w, size_t len)
{
	const li_slot *s;
	const char *ap;

	add_seqs(li, a, w - 1, len + 2);
	s = li_find(li, w, len);
	if (s) {
		add(a, s->langs, W_WORD);
		return;
	}
	ap = memchr(w, '\'', len);
	if (ap) {
		size_t pre = (size_t)(ap - w) + 1;
		s = li_find(li, w, pre);
		if (s)
			add(a, s->langs, W_WORD);
		if (pre < len) {
			s = li_find(li, w + pre, len - pre);
			if (s)
				add(a, s->langs, W_WORD);
		}
	}
}

/* Skip URLs, mentions, e-mail addresses and hashtags: the chunk
 * s[0..len) (len > 0); url: it holds "://" or '@' (found while finding
 * its end). */
static bool skip_chunk(const unsigned char *s, size_t len, bool url)
{
	if (url || s[0] == '#')
		return true;
	return len >= 4 && (memcmp(s, "www.", 4) == 0 || memcmp(s, "WWW.", 4) == 0);
}

/* A word character follows: write the apostrophe held back before it, if
 * any, to w[*wl] when there is room, and count it. */
static inline void put_apos(char *w, size_t wcap, size_t *wl, bool *apos)
{
	if (!*apos)
		return;
	if (*wl < wcap)
		w[*wl] = '\'';
	(*wl)++;
	*apos = false;
}

/* The words of one chunk (a run without whitespace) into a. */
static void scan_chunk(const hs_langid *li, li_acc *a, const unsigned char *s, size_t len)
{
	/* wb[0] = '^' for add_seqs; KEY_MAX bytes past any part of a word
	 * that li_find looks at are readable (and zero before the first use) */
	char wb[1 + WORD_MAX + 8 + KEY_MAX] = { 0 }, *w = wb + 1;
	const size_t wcap = WORD_MAX + 8;
	size_t wl = 0, wletters = 0, wnonlatin = 0, k = 0;
	uint32_t wlangs = 0; /* languages of the word's special letters */
	bool digit = false, in_word = false, apos = false;

	wb[0] = '^';
	while (k <= len) {
		uint32_t cp = 0;
		size_t cl = 1;
		int c = C_SPACE;

		if (k < len && (unsigned)((s[k] | 0x20) - 'a') < 26u && !apos) {
			/* ASCII letter */
			if (wl < wcap)
				w[wl] = (char)(s[k] | 0x20);
			wl++;
			wletters++;
			in_word = true;
			k++;
			continue;
		}
		if (k < len) {
			cp = dec(s + k, len - k, &cl);
			if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {
				/* a Latin-1 letter: lowercase is + 0x20 below U+00DF */
				uint32_t lc = cp < 0xDF ? cp + 0x20 : cp;
				put_apos(w, wcap, &wl, &apos);
				in_word = true;
				wletters++;
				wlangs |= li->latin1_langs[lc - 0xC0];
				if (wl + 2 <= wcap) {
					w[wl] = (char)(0xC0 | (lc >> 6));
					w[wl + 1] = (char)(0x80 | (lc & 0x3F));
				}
				wl += 2;
				k += cl;
				continue;
			}
			c = classify(cp);
		}
		if (c == C_LETTER || c == C_MARK || c == C_DIGIT) {
			put_apos(w, wcap, &wl, &apos);
			in_word = true;
			if (c == C_DIGIT) {
				digit = true;
			} else if (c == C_LETTER) {
				/* (marks are left out: a decomposed accent) */
				uint32_t lc = cp < 0x80 ? (cp | 0x20u)
				                        : (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
				char enc[4];
				utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)lc,
				                                          (utf8proc_uint8_t *)enc);
				wletters++;
				if (!is_latin(cp))
					wnonlatin++;
				if (lc >= 0x80)
					wlangs |= letter_langs(lc);
				if (n > 0 && wl + (size_t)n <= wcap)
					memcpy(w + wl, enc, (size_t)n);
				wl += (size_t)(n > 0 ? n : 0);
			}
			k += cl;
			continue;
		}
		if (c == C_APOS && in_word && !apos) {
			apos = true;
			k += cl;
			continue;
		}
		if (in_word) {
			if (apos) {
				if (wl < wcap)
					w[wl] = '\''; /* "n'" before a space */
				wl++;
			}
			if (!digit && wletters > 0) {
				a->words++;
				a->letters += wletters;
				a->nonlatin += wnonlatin;
				add(a, wlangs, W_LETTER);
				if (wl <= WORD_MAX) {
					w[wl] = '$';
					add_word(li, a, w, wl);
				}
			}
		}
		in_word = digit = apos = false;
		wl = wletters = wnonlatin = 0;
		wlangs = 0;
		k += cl;
	}
}

static inline double score(const li_acc *a, int l)
{
	return (double)a->half[l] * 0.5;
}

static double target_sum(const li_acc *a)
{
	double t = 0.0;

	for (int l = 0; l < N_TARGET; l++)
		t += score(a, l);
	return t;
}

/* The decision for scores a (see langid.h); *best, *second get the top
 * two languages (-1 if none), *why the reason for "unknown". */
static int decide(const li_acc *a, int *best, int *second, const char **why)
{
	*best = *second = -1;
	for (int l = 0; l < N_LANG; l++) {
		if (a->half[l] == 0)
			continue;
		if (*best < 0 || a->half[l] > a->half[*best]) {
			*second = *best;
			*best = l;
		} else if (*second < 0 || a->half[l] > a->half[*second]) {
			*second = l;
		}
	}
	if (a->words < HS_LANGID_MIN_WORDS || a->letters < HS_LANGID_MIN_LETTERS)
		*why = "short";
	else if (a->nonlatin * 10 > a->letters * 3)
		*why = "script";
	else if (*best < 0 || score(a, *best) < HS_LANGID_MIN_SCORE)
		*why = "low score";
	else if (*best >= N_TARGET)
		*why = "other language";
	else if (*second >= 0 && score(a, *best) - score(a, *second) < HS_LANGID_MIN_MARGIN)
		*why = "margin";
	else if (score(a, *best) < HS_LANGID_MIN_SHARE * target_sum(a))
		*why = "mixed";
	else
		return *best;
	return -1;
}

/* Does a chunk end a segment (a sentence, or one part of a text that
 * repeats itself in several languages: "... / ... | ...")? */
static bool ends_segment(const unsigned char *s, size_t len)
{
	unsigned char last = s[len - 1];

	if (len == 1 && (last == '/' || last == '|' || last == '-' || last == '*'))
		return true;
	return last == '.' || last == '!' || last == '?' || last == ';';
}

/* Fold segment scores into the total; remember confident segments. */
static void end_segment(li_acc *total, li_acc *seg, uint32_t *seg_langs)
{
	int b, s2;
	const char *why = "";
	int l = decide(seg, &b, &s2, &why);

	if (l >= 0)
		*seg_langs |= B(l);
	for (int k = 0; k < N_LANG; k++)
		total->half[k] += seg->half[k];
	total->words += seg->words;
	total->letters += seg->letters;
	total->nonlatin += seg->nonlatin;
	memset(seg, 0, sizeof(*seg));
}

const char *hs_langid_detect_ex(const hs_langid *li, const char *text, size_t len,
                                hs_langid_result *res)
{
	li_acc total, seg;
	const unsigned char *s = (const unsigned char *)text;
	size_t p = 0;
	int best = -1, second = -1, l;
	uint32_t seg_langs = 0;
	const char *lang = "unknown", *why = "short";

	memset(&total, 0, sizeof(total));
	memset(&seg, 0, sizeof(seg));
	if (!li || (!text && len > 0))
		goto done;
	if (len > HS_LANGID_MAX_SCAN) {
		len = HS_LANGID_MAX_SCAN;
		while (len > 0 && (s[len] & 0xC0) == 0x80)
			len--;
	}
	while (p < len) {
		size_t e = p, cl;
		uint32_t cp;
		bool url = false;
		if (s[p] < 0x80) {
			if (s[p] <= 0x20 || s[p] == 0x7f) {
				if (s[p] == '\n')
					end_segment(&total, &seg, &seg_langs);
				p++;
				continue;
			}
		} else {
			cp = dec(s + p, len - p, &cl);
			if (classify(cp) == C_SPACE) {
				p += cl;
				continue;
			}
		}
		while (e < len) {
			unsigned char c = s[e];
			if (c < 0x80) {
				if (c <= 0x20 || c == 0x7f)
					break;
				if (c == '@' || (c == ':' && e + 2 < len && s[e + 1] == '/' &&
				                 s[e + 2] == '/'))
					url = true;
				e++;
				continue;
			}
			cp = dec(s + e, len - e, &cl);
			if (classify(cp) == C_SPACE)
				break;
			e += cl;
		}
		if (!skip_chunk(s + p, e - p, url))
			scan_chunk(li, &seg, s + p, e - p);
		if (ends_segment(s + p, e - p))
			end_segment(&total, &seg, &seg_langs);
		p = e;
	}
	end_segment(&total, &seg, &seg_langs);

	l = decide(&total, &best, &second, &why);
	if (l >= 0 && (seg_langs & ~B(l)) != 0) {
		why = "mixed"; /* parts confidently in different languages */
		l = -1;
	}
	if (l >= 0) {
		lang = lang_code[l];
		why = "";
	}
done:
	if (res) {
		memset(res, 0, sizeof(*res));
		res->lang = lang;
		res->why = why;
		res->words = total.words;
		res->letters = total.letters;
		res->best = best >= 0 ? lang_code[best] : "";
		res->second = second >= 0 ? lang_code[second] : "";
		res->best_score = best >= 0 ? score(&total, best) : 0.0;
		res->second_score = second >= 0 ? score(&total, second) : 0.0;
		res->share = best >= 0 && target_sum(&total) > 0.0
		                     ? score(&total, best) / target_sum(&total)
		                     : 0.0;
	}
	return lang;
}

const char *hs_langid_detect(const hs_langid *li, const char *text, size_t len)
{
	return hs_langid_detect_ex(li, text, len, NULL);
}
