/* hearsay: sentiment of a post in its language (see sentiment.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/langid.h"
#include "rules/lexsent.h"
#include "rules/sentiment.h"
#include "rules/vader.h"

typedef struct lex_model {
	char lang[9];
	hs_lexsent *lx; /* owned */
} lex_model;

struct hs_sentiment_models {
	hs_vader *vader;        /* owned; English, or NULL */
	lex_model lex[HS_SENTIMENT_MAX_LANGS];
	size_t n_lex;
	const char *langs[HS_SENTIMENT_MAX_LANGS + 1]; /* sorted, into the above */
	size_t n_langs;
	hs_langid *langid;      /* owned */
};

struct hs_sentiment_scratch {
	hs_vader_scratch *vs;   /* owned */
	hs_lexsent_scratch *ls; /* owned */
};

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A language directory name: 2 to 8 lower-case ASCII letters. */
static bool lang_dir(const char *name)
{
	size_t n = strlen(name);
	if (n < 2 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] < 'a' || name[i] > 'z')
			return false;
	return true;
}

static int load_lang(hs_sentiment_models *m, const char *dir, const char *name, hs_errs *errs)
{
	char lex[4096], emoji[4096], path[4096];

	snprintf(lex, sizeof(lex), "%s/%s/vader_lexicon.txt", dir, name);
	snprintf(emoji, sizeof(emoji), "%s/%s/emoji_utf8_lexicon.txt", dir, name);
	snprintf(path, sizeof(path), "%s/%s/sentiment.lex", dir, name);
	if (strcmp(name, "en") == 0 && is_file(lex)) {
		m->vader = hs_vader_load(lex, is_file(emoji) ? emoji : NULL, errs);
		if (!m->vader)
			return -1;
		m->langs[m->n_langs++] = "en";
		return 0;
	}
	if (!is_file(path))
		return 0; /* not a model directory */
	if (m->n_lex == HS_SENTIMENT_MAX_LANGS) {
		hs_errs_add(errs, path, 0, 0, "too many languages (at most %d)",
		            HS_SENTIMENT_MAX_LANGS);
		return -1;
	}
	hs_lexsent *lx = hs_lexsent_load(path, errs);
	if (!lx)
		return -1;
	if (strcmp(hs_lexsent_language(lx), name) != 0) {
		hs_errs_add(errs, path, 0, 0,
		            "the lexicon says language \"%s\" but lies in directory \"%s\"",
		            hs_lexsent_language(lx), name);
		hs_lexsent_free(lx);
		return -1;
	}
	lex_model *lm = &m->lex[m->n_lex++];
	snprintf(lm->lang, sizeof(lm->lang), "%s", name);
	lm->lx = lx; /* the models own it */
	m->langs[m->n_langs++] = lm->lang;
	return 0;
}

hs_sentiment_models *hs_sentiment_load_dir(const char *dir, hs_errs *errs)
{
	hs_sentiment_models *m = NULL;
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n_names = 0, cap = 0, before = hs_errs_count(errs);

	if (!dir || !(d = opendir(dir))) {
		hs_errs_add(errs, dir ? dir : "(none)", 0, 0, "cannot open the lexicon directory: %s",
		            dir ? strerror(errno) : "no directory given");
		goto fail;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		goto oom;
	while ((de = readdir(d))) {
		if (!lang_dir(de->d_name))
			continue;
		if (n_names == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn)
				goto oom;
			names = nn;
			cap = nc;
		}
		if (!(names[n_names] = strdup(de->d_name)))
			goto oom;
		n_names++;
	}
	qsort(names, n_names, sizeof(*names), cmp_name); /* the same order everywhere */
	for (size_t i = 0; i < n_names; i++)
		(void)load_lang(m, dir, names[i], errs); /* go on: report every file */
	if (hs_errs_count(errs) != before)
		goto fail;
	if (m->n_langs == 0) {
		hs_errs_add(errs, dir, 0, 0, "no sentiment model in the lexicon directory "
		            "(want en/vader_lexicon.txt or LANG/sentiment.lex)");
		goto fail;
	}
	qsort(m->langs, m->n_langs, sizeof(*m->langs), cmp_name);
	if (!(m->langid = hs_langid_new()))
		goto oom;
	goto out;
oom:
	hs_errs_add(errs, dir, 0, 0, "out of memory while loading the lexicons");
fail:
	hs_sentiment_models_free(m);
	m = NULL;
out:
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	return m;
}

void hs_sentiment_models_free(hs_sentiment_models *m)
{
	if (!m)
		return;
	hs_vader_free(m->vader);
	for (size_t i = 0; i < m->n_lex; i++)
		hs_lexsent_free(m->lex[i].lx);
	hs_langid_free(m->langid);
	free(m);
}

const char *const *hs_sentiment_languages(const hs_sentiment_models *m, size_t *n)
{
	if (n)
		*n = m ? m->n_langs : 0;
	return m ? m->langs : NULL;
}

bool hs_sentiment_has_language(const hs_sentiment_models *m, const char *lang)
{
	for (size_t i = 0; m && lang && i < m->n_langs; i++)
		if (strcmp(m->langs[i], lang) == 0)
			return true;
	return false;
}

hs_sentiment_scratch *hs_sentiment_scratch_new(void)
{
	hs_sentiment_scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->vs = hs_vader_scratch_new();
	s->ls = hs_lexsent_scratch_new();
	if (!s->vs || !s->ls) {
		hs_sentiment_scratch_free(s);
		return NULL;
	}
	return s;
}

void hs_sentiment_scratch_free(hs_sentiment_scratch *s)
{
	if (!s)
		return;
	hs_vader_scratch_free(s->vs);
	hs_lexsent_scratch_free(s->ls);
	free(s);
}

const char *hs_sentiment_language(const hs_sentiment_models *m, const char *text, size_t len,
                                  const char *lang_hint, char buf[9])
{
	size_t k = 0;

	if (lang_hint && *lang_hint) {
		/* the primary subtag, lower case: "nl-BE" -> "nl" */
		for (; lang_hint[k] && lang_hint[k] != '-' && lang_hint[k] != '_' && k < 8; k++) {
			char c = lang_hint[k];
			buf[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		buf[k] = '\0';
		if (k > 0)
			return buf;
	}
	if (!m || !m->langid)
		return "unknown";
	return hs_langid_detect(m->langid, text, len);
}

int hs_sentiment_score_in(const hs_sentiment_models *m, hs_sentiment_scratch *s,
                          const char *text, size_t len, const char *lg, hs_sentiment *out,
                          const char **lang)
{
	int rc;

	if (out)
		*out = (hs_sentiment){ 0.0, 1.0, 0.0, 0.0 };
	if (lang)
		*lang = "unknown";
	if (!m || !s || !out || !lg || (!text && len))
		return HS_SENT_ERROR;
	if (strcmp(lg, "en") == 0 && m->vader) {
		if (lang)
			*lang = "en";
		rc = hs_vader_score(m->vader, s->vs, text, len, out);
		if (rc == HS_VADER_OK)
			return HS_SENT_SCORED;
		return rc == HS_VADER_NO_WORDS ? HS_SENT_NO_WORDS : HS_SENT_ERROR;
	}
	for (size_t i = 0; i < m->n_lex; i++) {
		if (strcmp(m->lex[i].lang, lg) != 0)
			continue;
		if (lang)
			*lang = m->lex[i].lang;
		rc = hs_lexsent_score(m->lex[i].lx, s->ls, text, len, out);
		if (rc == HS_LEXSENT_OK)
			return HS_SENT_SCORED;
		return rc == HS_LEXSENT_NONE ? HS_SENT_NO_WORDS : HS_SENT_ERROR;
	}
	return HS_SENT_NO_MODEL;
}

int hs_sentiment_score(const hs_sentiment_models *m, hs_sentiment_scratch *s,
                       const char *text, size_t len, const char *lang_hint,
                       hs_sentiment *out, const char **lang)
{
	char buf[9];

	if (!m || !s || !out || (!text && len)) {
		if (out)
			*out = (hs_sentiment){ 0.0, 1.0, 0.0, 0.0 };
		if (lang)
			*lang = "unknown";
		return HS_SENT_ERROR;
	}
	return hs_sentiment_score_in(m, s, text, len,
	                             hs_sentiment_language(m, text, len, lang_hint, buf), out, lang);
}
