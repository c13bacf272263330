/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The declared state machine of the seed's kqueue (freebsd@7773002,
 * kern_event_7773002.c, after seeds/000_18ff6dd3fccf25ff.txt), for `evsim
 * coverage`: which function of that kern_event.c may set or clear each of
 * the four bits of 'kn_status' and of 'kq_state', and the lives of knotes
 * and kqueues.  Read off the seed: KNOTE_ACTIVATE() expands in knote(),
 * kqueue_register(), filt_procattach() and filt_timerexpire(); only
 * filt_proc() sets KN_DETACHED; nothing clears it.
 */
#include "kernel.h"

const struct sim_sm_rule freebsd7773002_sm_rules[] = {
	/* knote kn_status */
	{ "knote", "kn_status", "+ACTIVE", NULL, "filt_procattach" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "filt_timerexpire" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "knote" },
	{ "knote", "kn_status", "+ACTIVE", NULL, "kqueue_register" },
	{ "knote", "kn_status", "-ACTIVE", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "+QUEUED", NULL, "knote_enqueue" },
	{ "knote", "kn_status", "-QUEUED", NULL, "knote_dequeue" },
	{ "knote", "kn_status", "-QUEUED", NULL, "kqueue_scan" },
	{ "knote", "kn_status", "+DISABLED", NULL, "kqueue_register" },
	{ "knote", "kn_status", "-DISABLED", NULL, "kqueue_register" },
	{ "knote", "kn_status", "+DETACHED", NULL, "filt_proc" },
	/* knote and kqueue lives */
	{ "knote", "(life)", "", "created", "kqueue_register" },
	{ "knote", "(life)", "created", "freed", "knote_free" },
	{ "kqueue", "(life)", "", "created", "kqueue" },
	{ "kqueue", "(life)", "created", "freed", "kqueue_close" },
	/* kqueue kq_state */
	{ "kqueue", "kq_state", "+SLEEP", NULL, "kqueue_scan" },
	{ "kqueue", "kq_state", "-SLEEP", NULL, "kqueue_wakeup" },
	{ "kqueue", "kq_state", "-SEL", NULL, "kqueue_wakeup" },
	{ NULL, NULL, NULL, NULL, NULL },
};
