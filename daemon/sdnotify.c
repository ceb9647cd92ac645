/* hearsay: systemd notify protocol (see sdnotify.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

int hs_sd_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t pl;
	int fd, rc = -1;

	if (!path || !path[0])
		return -1;
	pl = strlen(path);
	if (pl >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@'))
		return -1;
	memcpy(sa.sun_path, path, pl);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	           (socklen_t)(offsetof(struct sockaddr_un, sun_path) + pl)) >= 0)
		rc = 0;
	close(fd);
	return rc;
}

int64_t hs_sd_watchdog_usec(void)
{
	const char *us = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	char *end;

	if (!us)
		return 0;
	if (pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	long long v = strtoll(us, &end, 10);
	return (*end || v <= 0) ? 0 : (int64_t)v;
}
