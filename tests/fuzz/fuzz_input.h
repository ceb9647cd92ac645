/* hearsay fuzz targets: the per-process input file.
 *
 * Loaders that take a path (config, rule packs) get each fuzz input through
 * one file per process: a memfd seen as /proc/self/fd/N, or, where /proc is
 * not usable, a file under $TMPDIR that is removed at exit. Included by
 * the targets that need it (each target is one translation unit).
 */
#ifndef HS_FUZZ_INPUT_H
#define HS_FUZZ_INPUT_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int in_fd = -1;
static char in_path[256];
static char tmp_path[256]; /* non-empty when a real file must be removed */

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

/* name: e.g. "config" -> memfd "hs-fuzz-config.yaml". */
static void input_file_open(const char *name)
{
	char memname[64];

	snprintf(memname, sizeof(memname), "hs-fuzz-%s.yaml", name);
	in_fd = memfd_create(memname, MFD_CLOEXEC);
	if (in_fd >= 0) {
		snprintf(in_path, sizeof(in_path), "/proc/self/fd/%d", in_fd);
		if (access(in_path, R_OK) == 0)
			return;
		close(in_fd);
	}
	const char *dir = getenv("TMPDIR");
	snprintf(tmp_path, sizeof(tmp_path), "%s/hs-fuzz-%s-%ld.yaml",
	         dir && *dir ? dir : "/tmp", name, (long)getpid());
	in_fd = open(tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (in_fd < 0) {
		perror(tmp_path);
		abort();
	}
	snprintf(in_path, sizeof(in_path), "%s", tmp_path);
	atexit(remove_tmp);
}

/* Replace the file's contents with the input. */
static void input_file_write(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(in_fd, 0) < 0)
		abort();
	while (off < size) {
		ssize_t n = pwrite(in_fd, data + off, size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
}

#endif
