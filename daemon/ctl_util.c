/* hearsayctl: helpers shared by the commands (see ctl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "postjson.h"
#include "store.h"

static hs_config *ctl_config(hs_ctl *c)
{
	hs_errs errs = HS_ERRS_INIT;

	if (c->cfg)
		return c->cfg;
	c->cfg = hs_config_load_flags(c->config_path, HS_CONFIG_NO_SECRETS | HS_CONFIG_NO_PLUGINS, &errs);
	if (!c->cfg) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "hearsayctl: %s\n", errs.msgs[i]);
		fprintf(stderr, "hearsayctl: cannot use %s (use -c FILE, or -d STORE / -u URL)\n",
		        c->config_path);
	}
	hs_errs_clear(&errs);
	return c->cfg;
}

const char *ctl_store_path(hs_ctl *c)
{
	if (c->store_path)
		return c->store_path;
	return ctl_config(c) ? c->cfg->store_path : NULL;
}

const char *ctl_base_url(hs_ctl *c)
{
	if (c->url)
		return c->url;
	if (!ctl_config(c))
		return NULL;
	const char *a = c->cfg->listen_addr;
	if (strcmp(a, "0.0.0.0") == 0)
		a = "127.0.0.1";
	else if (strcmp(a, "::") == 0)
		a = "::1";
	int v6 = strchr(a, ':') != NULL;
	if (asprintf(&c->url_buf, "http://%s%s%s:%d", v6 ? "[" : "", a, v6 ? "]" : "",
	             c->cfg->listen_port) < 0)
		return NULL;
	return c->url_buf;
}

hs_store *ctl_open_store(hs_ctl *c, int *status)
{
	hs_errs errs = HS_ERRS_INIT;
	const char *path = ctl_store_path(c);
	hs_store *st;

	if (!path) {
		*status = CTL_EX_USAGE;
		return NULL;
	}
	st = hs_store_open(path, HS_STORE_RDONLY, 0, &errs);
	if (!st) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "hearsayctl: %s\n", errs.msgs[i]);
		*status = CTL_EX_UNAVAILABLE;
	}
	hs_errs_clear(&errs);
	return st;
}

static size_t u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void ctl_print_cell(FILE *f, const char *s, int width)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int total = 0, shown, cols = 0;

	for (const unsigned char *q = p; *q; total++)
		for (size_t i = u8len(*q); i && *q; i--)
			q++;
	shown = total > width ? width - 1 : total;
	for (; cols < shown && *p; cols++) {
		size_t l = u8len(*p);
		if (*p == '\n' || *p == '\t' || *p == '\r')
			fputc(' ', f);
		else
			for (size_t i = 0; i < l && p[i]; i++)
				fputc(p[i], f);
		for (size_t i = 0; i < l && *p; i++)
			p++;
	}
	if (total > width) {
		fputs("\xE2\x80\xA6", f); /* an ellipsis */
		cols++;
	}
	for (; cols < width; cols++)
		fputc(' ', f);
}

void ctl_csv_field(FILE *f, const char *s, int last)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

const char *ctl_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int ctl_format_arg(hs_ctl *c, const char *arg)
{
	if (strcmp(arg, "--json") == 0) {
		c->format = CTL_JSON;
		return 1;
	}
	if (strcmp(arg, "--csv") == 0) {
		c->format = CTL_CSV;
		return 1;
	}
	return 0;
}

size_t ctl_posts_printed;

int ctl_print_post_ndjson(void *ud, hs_post *post)
{
	json_t *o = hs_post_to_json(post);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	(void)ud;
	if (s) {
		puts(s);
		ctl_posts_printed++;
	}
	free(s);
	json_decref(o);
	hs_post_free(post); /* the sink owns the post */
	return 0;
}
