/* hearsay: hs_post allocation (see include/hearsay/post.h). */
#include <stdlib.h>
#include <string.h>

#include <hearsay/post.h>

hs_post *hs_post_new(void)
{
	return calloc(1, sizeof(hs_post));
}

void hs_post_free(hs_post *p)
{
	if (!p)
		return;
	free(p->source);
	free(p->source_id);
	free(p->url);
	free(p->author);
	free(p->lang);
	free(p->title);
	free(p->text);
	for (size_t i = 0; i < p->n_tags; i++)
		free(p->tags[i]);
	free(p->tags);
	free(p->feed);
	free(p->cursor);
	free(p);
}

int hs_post_add_tag(hs_post *p, const char *tag)
{
	char *copy = strdup(tag);
	char **nt;

	if (!copy)
		return -1;
	nt = realloc(p->tags, (p->n_tags + 1) * sizeof(*nt));
	if (!nt) {
		free(copy);
		return -1;
	}
	p->tags = nt;
	p->tags[p->n_tags++] = copy;
	return 0;
}
