/* hearsay: a small YAML document tree with source positions.
 *
 * libyaml's event stream is turned into a tree of scalars, sequences and
 * mappings; every node keeps the 1-based line and column where it starts so
 * that config and rule errors can say file:line:column. Aliases are refused
 * (a clear error; anchors alone are harmless and ignored), as are documents
 * other than the first.
 *
 * Trees are plain data owned by the caller of hs_yaml_load_*; no locking.
 */
#ifndef HS_YTREE_H
#define HS_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hearsay/errors.h>

typedef enum { HS_Y_SCALAR, HS_Y_SEQ, HS_Y_MAP } hs_ytype;

typedef struct hs_ynode hs_ynode;
typedef struct hs_ypair {
	hs_ynode *key;   /* always a scalar */
	hs_ynode *val;
} hs_ypair;

struct hs_ynode {
	hs_ytype type;
	int line, col;        /* 1-based position of the node's start */
	const char *file;     /* file name, shared by the whole tree */
	char *str;            /* scalar text (HS_Y_SCALAR) */
	size_t len;           /* scalar length in bytes */
	bool plain;           /* scalar was unquoted (so "~"/"null" mean null) */
	hs_ynode **items;     /* HS_Y_SEQ */
	hs_ypair *pairs;      /* HS_Y_MAP, in document order */
	size_t n;             /* number of items or pairs */
};

/* Parse a file. Returns the root node (an empty document yields an empty
 * mapping), or NULL with a "file:line:col: reason" error in errs. */
hs_ynode *hs_yaml_load_file(const char *path, hs_errs *errs);
/* Parse a buffer; name is used in error messages. */
hs_ynode *hs_yaml_load_string(const char *buf, size_t len, const char *name,
                              hs_errs *errs);
void hs_ynode_free(hs_ynode *root);

/* Mapping lookup; NULL if node is not a mapping or has no such key. */
const hs_ynode *hs_ymap_get(const hs_ynode *map, const char *key);
/* true for a plain "~", "null", "Null", "NULL" or empty plain scalar. */
bool hs_y_is_null(const hs_ynode *n);

/* Typed accessors. Each one checks the node's type, and on a mismatch
 * appends "file:line:col: WHAT must be ..." to errs and returns -1.
 * `what` names the key in the message. */
int hs_y_string(const hs_ynode *n, const char *what, hs_errs *errs,
                const char **out);
int hs_y_bool(const hs_ynode *n, const char *what, hs_errs *errs, bool *out);
int hs_y_int(const hs_ynode *n, const char *what, int64_t min, int64_t max,
             hs_errs *errs, int64_t *out);
int hs_y_double(const hs_ynode *n, const char *what, double min, double max,
                hs_errs *errs, double *out);
/* Duration like "250ms", "5s", "2m", "1h", "7d" or a bare number of
 * seconds; result in microseconds. */
int hs_y_duration(const hs_ynode *n, const char *what, hs_errs *errs,
                  int64_t *out_us);
/* Size like "64MiB", "512KiB", "1GiB", "8MB" or a bare number of bytes. */
int hs_y_size(const hs_ynode *n, const char *what, hs_errs *errs,
              uint64_t *out);
/* Expect a mapping (or sequence); append an error if it is not. */
int hs_y_expect(const hs_ynode *n, hs_ytype type, const char *what,
                hs_errs *errs);
/* Append "file:line:col: unknown key 'k' in WHAT" for every key of map not
 * in the NULL-terminated allowed list. Returns the number of unknown keys. */
int hs_y_check_keys(const hs_ynode *map, const char *const *allowed,
                    const char *what, hs_errs *errs);
/* Append "file:line:col: message" at node n. */
void hs_y_error(const hs_ynode *n, hs_errs *errs, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
