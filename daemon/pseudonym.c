/* hearsay: author pseudonyms (see pseudonym.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdio.h>

#include "config.h"
#include "pseudonym.h"

static int key_create(const char *path, unsigned char key[HS_PSEUDONYM_KEY_LEN],
                      hs_errs *errs)
{
	int fd = -1;

	if (RAND_bytes(key, HS_PSEUDONYM_KEY_LEN) != 1) {
		hs_errs_add(errs, path, 0, 0, "cannot get random bytes for a new pseudonym key");
		goto fail;
	}
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (hs_mkdir_p(dir, 0700) < 0) {
			hs_errs_add(errs, path, 0, 0, "cannot create directory %s: %s", dir, strerror(errno));
			goto fail;
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot create pseudonym key file: %s", strerror(errno));
		goto fail;
	}
	if (write(fd, key, HS_PSEUDONYM_KEY_LEN) != HS_PSEUDONYM_KEY_LEN || fsync(fd) < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot write pseudonym key file: %s", strerror(errno));
		close(fd);
		unlink(path);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	return -1;
}

int hs_pseudonym_key_load(const char *path, unsigned char key[HS_PSEUDONYM_KEY_LEN],
                          hs_errs *errs)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return key_create(path, key, errs);
	if (fd < 0) {
		hs_errs_add(errs, path, 0, 0, "cannot open pseudonym key file: %s", strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || (st.st_mode & S_IRWXO)) {
		hs_errs_add(errs, path, 0, 0,
		            "pseudonym key file must not be accessible by other users (chmod 600)");
		goto fail;
	}
	if (read(fd, key, HS_PSEUDONYM_KEY_LEN) != HS_PSEUDONYM_KEY_LEN) {
		hs_errs_add(errs, path, 0, 0, "pseudonym key file must hold %d bytes",
		            HS_PSEUDONYM_KEY_LEN);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

void hs_pseudonym(const unsigned char key[HS_PSEUDONYM_KEY_LEN], const char *source,
                  const char *handle, char out[HS_PSEUDONYM_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t sl = strlen(source), hl = strlen(handle);
	unsigned char buf[512];
	unsigned char *msg = buf;
	unsigned char *heap = NULL;

	if (sl + hl + 1 > sizeof(buf)) {
		heap = OPENSSL_malloc(sl + hl + 1);
		msg = heap;
	}
	if (!msg) {
		memset(out, '0', HS_PSEUDONYM_HEX_LEN);
		out[HS_PSEUDONYM_HEX_LEN] = '\0';
		return;
	}
	memcpy(msg, source, sl);
	msg[sl] = 0;
	memcpy(msg + sl + 1, handle, hl);
	HMAC(EVP_sha256(), key, HS_PSEUDONYM_KEY_LEN, msg, sl + hl + 1, md, &mdlen);
	for (int i = 0; i < HS_PSEUDONYM_HEX_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HS_PSEUDONYM_HEX_LEN] = '\0';
	OPENSSL_free(heap);
}
