/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler's thread structure, shared by sched.c and sync.c only (as
 * the kernel shares 'struct thread' between the scheduler and the sleep
 * queues).  Nothing outside engine/ includes this file.
 */
#ifndef ENGINE_SCHED_VAR_H
#define ENGINE_SCHED_VAR_H

#include "evq.h"
#include "queue.h"
#include "sched.h"

struct mtx;

enum sched_td_state {
	TDS_RUNNABLE, /* on the run queue, or running */
	TDS_BLOCKED, /* sleeping or waiting on a lock */
	TDS_DEAD,
};

#define SCHED_MAXLOCKS 16

struct sched_thread {
	TAILQ_ENTRY(sched_thread) td_runq; /* run queue */
	TAILQ_ENTRY(sched_thread) td_all; /* every thread, creation order */
	TAILQ_ENTRY(sched_thread) td_slpq; /* sleep queue, sleep order */
	TAILQ_ENTRY(sched_thread) td_lockq; /* a lock's waiters */
	struct fiber *td_fiber;
	void (*td_fn)(void *);
	void *td_arg;
	void *td_owner;
	enum sched_td_state td_state;
	bool td_kernel;
	bool td_onrunq;
	int td_pid;
	int td_tid;
	char td_name[32];
	/* Sleep state (sync.c). */
	const void *td_wchan;
	const char *td_wmesg;
	bool td_sleeping; /* on the sleep queue */
	bool td_catch; /* interruptible (PCATCH) */
	int td_slperr; /* why the sleep ended: 0, EWOULDBLOCK, EINTR */
	struct evq_event td_slptimo;
	/* Locks held, for WITNESS-style order checks (sync.c). */
	struct mtx *td_locks[SCHED_MAXLOCKS];
	int td_nlocks;
	/* PCT priority. */
	int64_t td_prio;
	uint64_t td_cseq; /* creation order (sched_restart) */
};

#endif /* ENGINE_SCHED_VAR_H */
