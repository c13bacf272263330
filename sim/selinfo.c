/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * selwakeup(): the one place where event sources report state changes to
 * the running kernel's event model (see selinfo.h).
 */
#include "selinfo.h"
#include "kernel.h"

void
selinfo_init(struct selinfo *sip, struct mtx *lock)
{
	SLIST_INIT(&sip->si_note.kl_list);
	sip->si_note.kl_lock = lock;
	sip->si_note.kl_autodestroy = false;
	sip->si_ph.ph_list = NULL;
}

void
selwakeup(struct selinfo *sip, long hint, int pollev)
{
	if (sim_kern->k_ops->ko_selwakeup != NULL)
		sim_kern->k_ops->ko_selwakeup(sip, hint, pollev);
}

void
seldrain(struct selinfo *sip)
{
	if (sim_kern->k_ops->ko_seldrain != NULL)
		sim_kern->k_ops->ko_seldrain(sip);
}
