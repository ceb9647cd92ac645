/* hearsay: the `replay` collector - NDJSON posts from a file (docs/formats.md).
 *
 * A replay source is driven by the fetch thread: hs_replay_step() is called
 * when the source is due and hands posts to the caller's emit function until
 * the next post is not yet due (paced by `speed`), the caller refuses a post
 * (queue full: backpressure), or the file ends. Only the fetch thread
 * touches a hs_replay.
 */
#ifndef HS_REPLAY_H
#define HS_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <hearsay/errors.h>
#include <hearsay/post.h>

typedef struct hs_ynode hs_ynode;

typedef struct hs_replay_opts {
	char *path;     /* resolved path of the NDJSON file */
	double speed;   /* 0 = as fast as possible, else time factor */
	bool rebase;    /* shift created times so the first post is "now" */
	bool loop;      /* start again at the end (ids get a loop suffix) */
} hs_replay_opts;

/* Parse the replay-specific keys of a source mapping. */
int hs_replay_parse_opts(const hs_ynode *src, const char *base_dir,
                         hs_replay_opts *out, hs_errs *errs);
void hs_replay_opts_free(hs_replay_opts *o);

/* Parse one NDJSON line into a post. Returns the post, or NULL with a
 * reason in why (a static or buf-backed string). The post's source defaults
 * to default_source. Pure; any thread. */
hs_post *hs_replay_parse_line(const char *line, size_t len,
                              const char *default_source, char *why,
                              size_t why_len);

typedef struct hs_replay hs_replay;

/* emit takes ownership of post when it returns 0; on non-zero (queue full)
 * the post stays with the replay, which offers it again next step. */
typedef int (*hs_replay_emit_fn)(void *ud, hs_post *post);

/* Open the file and seek to the cursor (a byte offset as decimal string,
 * from the store), or start at the beginning if cursor is NULL. */
hs_replay *hs_replay_open(const char *name, const hs_replay_opts *o,
                          const char *cursor, hs_errs *errs);
void hs_replay_close(hs_replay *r);

typedef enum {
	HS_REPLAY_MORE,     /* call again at *next_due_us (monotonic) */
	HS_REPLAY_BLOCKED,  /* emit refused: retry soon */
	HS_REPLAY_DONE,     /* end of file and not looping */
} hs_replay_state;

hs_replay_state hs_replay_step(hs_replay *r, int64_t now_mono_us,
                               hs_replay_emit_fn emit, void *ud,
                               int64_t *next_due_us);
/* Counters for metrics (fetch thread writes; read with relaxed atomics). */
uint64_t hs_replay_lines(const hs_replay *r);
uint64_t hs_replay_bad_lines(const hs_replay *r);

#endif
