/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user-visible side of illumos event ports: the constants of
 * uts/common/sys/port.h, sys/poll.h and the FILE_* events with their illumos
 * values, and the entry points the rest of the simulated system calls into
 * (the portfs system calls, the fd close hook, pollwakeup).  The structures
 * are in port_impl.h.
 *
 * The POLL* values below are illumos's.  The first six agree with Linux and
 * FreeBSD; POLLWRNORM, POLLRDBAND and POLLWRBAND do not, so a source that
 * reports poll events to selwakeup() must use these names, not <poll.h>'s.
 */
#ifndef SIM_ILLUMOS_PORT_H
#define SIM_ILLUMOS_PORT_H

#include <stdbool.h>
#include <stdint.h>

/* Event sources (uts/common/sys/port.h). */
#define PORT_SOURCE_AIO 1
#define PORT_SOURCE_TIMER 2
#define PORT_SOURCE_USER 3
#define PORT_SOURCE_FD 4
#define PORT_SOURCE_ALERT 5
#define PORT_SOURCE_MQ 6
#define PORT_SOURCE_FILE 7

/* port_alert() flags. */
#define PORT_ALERT_SET 0x01
#define PORT_ALERT_UPDATE 0x02
#define PORT_ALERT_INVALID (PORT_ALERT_SET | PORT_ALERT_UPDATE)

/* PORT_SOURCE_FILE events (uts/common/sys/port.h). */
#define FILE_ACCESS 0x00000001
#define FILE_MODIFIED 0x00000002
#define FILE_ATTRIB 0x00000004
#define FILE_TRUNC 0x00100000
#define FILE_NOFOLLOW 0x10000000
#define FILE_DELETE 0x00000010
#define FILE_RENAME_TO 0x00000020
#define FILE_RENAME_FROM 0x00000040
#define UNMOUNTED 0x20000000
#define MOUNTEDOVER 0x40000000
#define FILE_EXCEPTION                                                         \
	(UNMOUNTED | FILE_DELETE | FILE_RENAME_TO | FILE_RENAME_FROM           \
	    | MOUNTEDOVER)

/* poll(2) events, illumos values (uts/common/sys/poll.h). */
#ifndef POLLIN
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#endif
#define ILLUMOS_POLLRDNORM 0x0040
#define ILLUMOS_POLLWRNORM 0x0004
#define ILLUMOS_POLLRDBAND 0x0080
#define ILLUMOS_POLLWRBAND 0x0100
#define ILLUMOS_POLLNORM 0x0040
#define ILLUMOS_POLLREMOVE 0x0800
#define ILLUMOS_POLLRDHUP 0x4000

/* timer_settime() flags. */
#define ILLUMOS_TIMER_ABSTIME 0x1

/* Maximal list of one port_sendn() / port_getn() call (PORT_MAX_LIST). */
#define PORT_MAX_LIST 8192
/* Defaults of the resource controls. */
#define PORT_DEFAULT_EVENTS 0x10000
#define PORT_MAX_EVENTS 0x7fffffff
#define PORT_DEFAULT_PORTS 0x2000
#define PORT_MAX_PORTS 0x10000

/* Names of the tunables (a scenario's 'limits'; illumos resource
 * controls process.max-port-events and project.max-port-ids). */
#define PORT_TUNABLE_MAX_EVENTS "process.max-port-events"
#define PORT_TUNABLE_MAX_PORTS "project.max-port-ids"

struct file;
struct pollhead;
struct proc;
struct thread;

/*
 * Models pollwakeup() in uts/common/syscall/poll.c for the event-port
 * consumers of a poll head: every armed association whose events (or
 * POLLHUP/POLLERR) intersect 'events' posts its event.  The caller holds the
 * lock of the object owning php.
 */
void pollwakeup(struct pollhead *php, int events);

/*
 * close(fd) by td: the fd's port associations of td's process go away
 * (closeandsetf() -> port_close_fd()); for a port fd, threads of the process
 * blocked in a port call through fd are made to return EBADF and a close
 * that is not the last runs port_close()'s per-process cleanup.
 */
void port_fdclose(struct thread *td, int fd, struct file *fp);

#endif /* SIM_ILLUMOS_PORT_H */
