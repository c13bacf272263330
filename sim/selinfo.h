/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hook every event source carries, as 'struct selinfo' does in FreeBSD:
 * a knote list for kqueue (FreeBSD) and a poll head for event ports'
 * PORT_SOURCE_FD (illumos pollhead).  Pipes, sockets, vnodes and processes
 * embed one; when their state changes they call selwakeup(), which hands the
 * change to the running kernel's model through sim_kops.
 */
#ifndef SIM_SELINFO_H
#define SIM_SELINFO_H

#include <stdbool.h>

#include "queue.h"

struct knote;
struct mtx;
struct polldat;

/* Models 'struct klist' and 'struct knlist' in sys/sys/event.h. */
SLIST_HEAD(klist, knote);

struct knlist {
	struct klist kl_list;
	struct mtx *kl_lock; /* the event source's lock */
	bool kl_autodestroy;
};

/* Models 'pollhead_t' in uts/common/sys/poll_impl.h. */
struct pollhead {
	struct polldat *ph_list;
};

struct selinfo {
	struct knlist si_note;
	struct pollhead si_ph;
};

/* Poll events (illumos values; FreeBSD agrees except POLLWRNORM). */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM POLLOUT
#define POLLRDBAND 0x0080
#define POLLWRBAND 0x0100

/* selwakeup() hint meaning "no knote() call, pollwakeup only". */
#define SEL_NOKNOTE (-1L)

/*
 * Reports a state change of the object owning sip: 'hint' is the FreeBSD
 * knote() hint (NOTE_* or 0; SEL_NOKNOTE for none), 'pollev' the illumos
 * poll events (POLLIN...; 0 for no pollwakeup).  The caller holds the
 * object's lock ('kl_lock').
 */
void selwakeup(struct selinfo *sip, long hint, int pollev);

/*
 * The object is going away (last close): detach what the event models
 * attached to sip (FreeBSD knlist_clear(), illumos pollhead cleanup).
 */
void seldrain(struct selinfo *sip);

/* Initialises sip with the object's lock. */
void selinfo_init(struct selinfo *sip, struct mtx *lock);

#endif /* SIM_SELINFO_H */
