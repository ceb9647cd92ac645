/* hearsay: the systemd notify protocol (READY, RELOADING, STOPPING,
 * WATCHDOG, STATUS), without linking libsystemd: one datagram to
 * $NOTIFY_SOCKET. No-ops when not started by systemd. Main thread. */
#ifndef HS_SDNOTIFY_H
#define HS_SDNOTIFY_H

#include <stdint.h>

/* Send a notify message such as "READY=1". Returns 0, or -1 if not under
 * systemd or on error. */
int hs_sd_notify(const char *msg);
/* Watchdog interval in microseconds from $WATCHDOG_USEC (checked against
 * $WATCHDOG_PID), or 0 if the watchdog is off. */
int64_t hs_sd_watchdog_usec(void);

#endif
