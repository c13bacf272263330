/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The declared state machine of the kqueue model, for `evsim coverage`:
 * which function may set or clear each bit of 'kn_status' and 'kq_state'
 * (reference/kqueue.md sections 1.4 and 1.5, with the model's function
 * names: filt_timerexpire_l is the callout body of filt_timerexpire), and
 * the lives of knotes and kqueues.  A transition the trace shows that is
 * not here is listed by `evsim coverage` as outside the machine; a rule no
 * run exercised as never exercised.  The revisions' bugs are not declared
 * (e.g. knote_fork_leave_early of freebsd@pre-D18316).
 */
#include "kernel.h"

const struct sim_sm_rule freebsd_sm_rules[] = {
	/* knote kn_status: reference/kqueue.md section 1.4 (set by / cleared
	   by). */
	{ "knote", "kn_status", "+ACTIVE", NULL, "filt_procattach" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "filt_timerexpire_l" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "knote" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "knote_fork" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "kqueue_fork_copy_knote" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "kqueue_register" },
	{ "knote", "kn_status", "-ACTIVE", NULL, "filt_timertouch" },
	{ "knote", "kn_status", "-ACTIVE", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "+QUEUED", NULL, "knote_enqueue" },
	{ "knote", "kn_status", "-QUEUED", NULL, "knote_dequeue" },
	{ "knote", "kn_status", "-QUEUED", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "+DISABLED", NULL, "kqueue_fork_copy_knote" },
	{ "knote", "kn_status", "+DISABLED", NULL, "kqueue_register" },
	{ "knote", "kn_status", "+DISABLED", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "-DISABLED", NULL, "kqueue_register" },
	{ "knote", "kn_status", "+DETACHED", NULL, "filt_timerdetach" },
	{ "knote", "kn_status", "+DETACHED", NULL, "knlist_remove_kq" },
	{ "knote", "kn_status", "+DETACHED", NULL, "kqueue_fork_copy_knote" },
	{ "knote", "kn_status", "+DETACHED", NULL, "kqueue_register" },
	{ "knote", "kn_status", "-DETACHED", NULL, "filt_timerattach" },
	{ "knote", "kn_status", "-DETACHED", NULL, "filt_timercopy" },
	{ "knote", "kn_status", "-DETACHED", NULL, "knlist_add" },
	{ "knote", "kn_status", "+KQUEUE", NULL, "kqueue_kqfilter" },
	{ "knote", "kn_status", "+SCAN", NULL, "kqueue_register" },
	{ "knote", "kn_status", "+SCAN", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "-SCAN", NULL, "kqueue_register" },
	{ "knote", "kn_status", "-SCAN", NULL, "kqueue_scan" },
	/* knote and kqueue lives. */
	{ "knote", "(life)", "", "created", "kqueue_register" },
	{ "knote", "(life)", "", "created", "kqueue_fork_copy_knote" },
	{ "knote", "(life)", "created", "freed", "knote_drop" },
	{ "knote", "(life)", "created", "freed", "knote_free" },
	{ "kqueue", "(life)", "", "created", "kqueue_init" },
	{ "kqueue", "(life)", "created", "freed", "kqueue_close" },
	/* kqueue kq_state: reference/kqueue.md section 1.5. */
	{ "kqueue", "kq_state", "+SLEEP", NULL, "kqueue_scan" },
	{ "kqueue", "kq_state", "-SLEEP", NULL, "kqueue_wakeup" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "knlist_cleardel" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "knote_drop_detached" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "knote_fdclose" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "kqueue_drain" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "kqueue_register" },
	{ "kqueue", "kq_state", "+FLUXWAIT", NULL, "kqueue_scan" },
	{ "kqueue", "kq_state", "-FLUXWAIT", NULL, "knote_drop_detached" },
	{ "kqueue", "kq_state", "-FLUXWAIT", NULL, "knote_fdclose" },
	{ "kqueue", "kq_state", "-FLUXWAIT", NULL, "knote_fork" },
	{ "kqueue", "kq_state", "-FLUXWAIT", NULL, "kqueue_register" },
	{ "kqueue", "kq_state", "-FLUXWAIT", NULL, "kqueue_scan" },
	{ "kqueue", "kq_state", "+CLOSING", NULL, "kqueue_drain" },
	{ "kqueue", "kq_state", "+TASKSCHED", NULL, "kqueue_schedtask" },
	{ "kqueue", "kq_state", "-TASKSCHED", NULL, "kqueue_task" },
	{ "kqueue", "kq_state", "+TASKDRAIN", NULL, "kqueue_drain" },
	{ "kqueue", "kq_state", "+CPONFORK", NULL, "kqueue_init" },
	{ NULL, NULL, NULL, NULL, NULL },
};
