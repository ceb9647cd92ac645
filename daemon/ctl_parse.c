/* hearsayctl parse: run a collector's parser on a saved response, exactly
 * as hearsayd would, and print the posts as NDJSON - to check a source
 * before adding it. Single threaded; the plugin's callbacks run here. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hearsay/collector.h>

#include "ctl.h"
#include "log.h"
#include "plugin.h"
#include "poller.h"
#include "postjson.h"
#include "timeutil.h"
#include "ytree.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			char *nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 65536, f);
		n += r;
		if (r < 65536)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* One websocket message per line, as the stream would deliver them. */
static int parse_frames(const hs_collector *col, void *state, const char *name,
                        const char *path, char *body, size_t blen)
{
	size_t lines = 0, bad = 0, items = 0, line_no = 0;
	if (!HS_COLLECTOR_HAS(col, stream_frame)) {
		fprintf(stderr, "hearsayctl: the %s collector has no stream to parse frames of\n", name);
		return 1;
	}
	for (char *p = body, *end = body + blen; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line_no++;
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			p[len] = '\0';
			lines++;
			int n = hs_poll_parse_frame(col, state, "parse", p, len, ctl_print_post_ndjson, NULL);
			if (n < 0) {
				bad++;
				fprintf(stderr, "hearsayctl: %s:%zu: the %s collector could not use this frame\n",
				        path, line_no, name);
			} else {
				items += (size_t)n;
			}
		}
		p = nl ? nl + 1 : end;
	}
	fprintf(stderr, "hearsayctl: %zu frame(s), %zu item(s), %zu bad\n", lines, items, bad);
	return bad ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hearsayctl parse --collector NAME [--set KEY=VALUE]... [--url URL]\n"
	           "                        [--content-type TYPE] [--frames] FILE\n"
	           "  Runs the collector's parser on a saved response (a feed file, a JSON\n"
	           "  page) and prints the posts as NDJSON. --set gives the source settings\n"
	           "  the collector needs (e.g. --set url=https://news.example/feed).\n"
	           "  --frames: FILE holds websocket messages, one per line (the default for\n"
	           "  a collector that only streams, such as bluesky).\n");
}

int ctl_parse(hs_ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "collector", required_argument, NULL, 'C' }, { "set", required_argument, NULL, 's' },
		{ "url", required_argument, NULL, 'u' }, { "content-type", required_argument, NULL, 't' },
		{ "frames", no_argument, NULL, 'F' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *url = NULL, *ctype = NULL;
	char *yaml = NULL, *body = NULL;
	size_t ylen = 0, blen = 0;
	FILE *y = open_memstream(&yaml, &ylen);
	hs_errs errs = HS_ERRS_INIT;
	hs_ynode *map = NULL;
	hs_collector_conf *conf = NULL;
	void *dl = NULL, *state = NULL;
	const hs_collector *col = NULL;
	int opt, rc = 1, frames = 0;

	if (!y)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "C:s:u:t:Fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'C': name = optarg; break;
		case 's': {
			const char *eq = strchr(optarg, '=');
			if (!eq) {
				fprintf(stderr, "hearsayctl: --set needs KEY=VALUE, not '%s'\n", optarg);
				rc = CTL_EX_USAGE;
				goto out;
			}
			/* a YAML mapping line; the value as a double-quoted scalar */
			fprintf(y, "%.*s: \"", (int)(eq - optarg), optarg);
			for (const char *p = eq + 1; *p; p++)
				fprintf(y, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
			fputs("\"\n", y);
			break;
		}
		case 'u': url = optarg; break;
		case 't': ctype = optarg; break;
		case 'F': frames = 1; break;
		case 'h': usage(stdout); rc = 0; goto out;
		default: usage(stderr); rc = CTL_EX_USAGE; goto out;
		}
	}
	if (!name || optind != argc - 1) {
		usage(stderr);
		rc = CTL_EX_USAGE;
		goto out;
	}
	fclose(y);
	y = NULL;
	map = hs_yaml_load_string(yaml, ylen, "--set", &errs);
	if (!map || hs_y_expect(map, HS_Y_MAP, "settings", &errs) < 0)
		goto errors;
	const char *path = c->cfg ? c->cfg->collector_path : HS_PKGLIBDIR "/collectors";
	col = hs_plugin_load(name, path, map, &dl, &errs);
	if (!col)
		goto errors;
	static const char *const host_keys[] = { "name", "type", "interval", "timeout", "max_size", NULL };
	conf = hs_conf_build(col, "parse", map, ".", host_keys, 0, &errs);
	if (!conf || col->init(conf, &state, &errs) < 0) {
		state = NULL;
		goto errors;
	}
	body = read_file(argv[optind], &blen);
	if (!body) {
		fprintf(stderr, "hearsayctl: %s: %s\n", argv[optind], strerror(errno));
		goto out;
	}
	if (!col->parse)
		frames = 1;
	if (frames) {
		rc = parse_frames(col, state, name, argv[optind], body, blen);
		goto out;
	}
	char fileurl[4096];
	snprintf(fileurl, sizeof(fileurl), "file://%s", argv[optind]);
	int n = hs_poll_parse_body(col, state, "parse", body, blen, url ? url : fileurl, ctype,
	                           ctl_print_post_ndjson, NULL);
	if (n < 0) {
		fprintf(stderr, "hearsayctl: the %s collector could not parse %s\n", name, argv[optind]);
		goto out;
	}
	fprintf(stderr, "hearsayctl: %d item(s)\n", n);
	rc = 0;
	goto out;
errors:
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "hearsayctl: %s\n", errs.msgs[i]);
	rc = 1;
out:
	if (y)
		fclose(y);
	if (state && col->fini)
		col->fini(state);
	hs_conf_free(conf);
	hs_plugin_unload(dl);
	hs_ynode_free(map);
	hs_errs_clear(&errs);
	free(yaml);
	free(body);
	return rc;
}
