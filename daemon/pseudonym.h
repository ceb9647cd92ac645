/* hearsay: author pseudonyms.
 *
 * hearsay watches conversations, not people: an author handle is never
 * stored. It is replaced by a keyed pseudonym, the first 128 bits of
 * HMAC-SHA256(key, source || 0x00 || handle) in hex, which still lets the
 * daemon count distinct voices and trace a rumour's first post. The key is a
 * local secret; without it pseudonyms cannot be linked back to handles.
 */
#ifndef HS_PSEUDONYM_H
#define HS_PSEUDONYM_H

#include <hearsay/errors.h>

#define HS_PSEUDONYM_KEY_LEN 32
#define HS_PSEUDONYM_HEX_LEN 32

/* Read the key file, or create it (mode 0600, 32 random bytes) if it does
 * not exist. A key file readable by other users is refused. Main thread. */
int hs_pseudonym_key_load(const char *path, unsigned char key[HS_PSEUDONYM_KEY_LEN],
                          hs_errs *errs);
/* out gets HS_PSEUDONYM_HEX_LEN hex digits and a NUL. Pure; any thread. */
void hs_pseudonym(const unsigned char key[HS_PSEUDONYM_KEY_LEN], const char *source,
                  const char *handle, char out[HS_PSEUDONYM_HEX_LEN + 1]);

#endif
