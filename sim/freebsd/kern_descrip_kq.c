/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Copying a KQUEUE_CPONFORK kqueue into the child at fork: the kqueue
 * fileops' fo_fork, which fdcopy() (sim/fd.c) calls in two passes.  Models
 * kqueue_fork(), kqueue_fork_alloc(), kqueue_fork_copy(),
 * kqueue_fork_copy_list() and kqueue_fork_copy_knote() of
 * sys/kern/kern_event.c.
 *
 * Two revisions differ in kqueue_fork_copy_knote() (the CPONFORK commit and
 * its fix), selected by 'rev_cponfork_m0' of the run's revision:
 *
 *  - freebsd@b11289f (M0, as committed): copies every attached knote that
 *    has an f_copy, KN_KQUEUE ones included; the copy keeps the parent's
 *    status bits except QUEUED; the fields are copied without the knlist or
 *    kqueue lock; the copy is enqueued if the parent's knote was queued,
 *    even if it queued itself already (a copied timer that fired in
 *    between): "knote already queued".
 *  - freebsd (M1, current main): skips KN_MARKER and KN_KQUEUE knotes,
 *    copies under the knlist and kqueue locks, keeps only ACTIVE|DISABLED,
 *    and enqueues the copy only if f_event says so under the knlist lock and
 *    it is not queued already.
 *
 * Deviation: fo_fork has no 'p1' argument here (sim/fd.h); f_copy gets NULL
 * for the child process, which filt_timercopy() does not need since stopped
 * processes are not modelled (XXX).
 */
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "sim.h"
#include "sync.h"

static bool
cponfork_m0(void)
{
	return (sim_kern->k_rev->rev_cponfork_m0);
}

/*
 * Models kqueue_fork_alloc(): pass 1 of fdcopy().  EOPNOTSUPP (the slot
 * stays empty) unless the kqueue is CPONFORK; EBADF when it is closing.
 * The child's kqueue is empty and remembers its source in 'kq_forksrc'.
 */
int
kqueue_fork_alloc(struct filedesc *fdp, struct file *fp, struct file **ret_fp,
    struct thread *td)
{
	struct kqueue *kq, *kq1;
	int error;

	MPASS(fp->f_type == DTYPE_KQUEUE);
	kq = fp->f_data;
	if ((kq->kq_state & KQ_CPONFORK) == 0)
		return (EOPNOTSUPP);
	error = kqueue_acquire_ref(kq);
	if (error != 0)
		return (error);
	error = kern_kqueue_alloc(td, fdp, NULL, ret_fp, 0, true, &kq1);
	if (error == 0) {
		kq1->kq_forksrc = kq;
		/* The child's pid is not known yet (fork1() assigns it). */
		sim_obj_label(&kq1->kq_obj, "fork copy of %s, KQUEUE_CPONFORK",
		    kq->kq_obj.so_name);
		(*ret_fp)->f_flag
		    = fp->f_flag & (FREAD | FWRITE | O_CLOEXEC | O_CLOFORK);
	} else {
		kqueue_release(kq, 0);
	}
	return (error);
}

/*
 * Records the fields a copied knote starts with, as if it had been written
 * through the recording macros from zero.
 */
static void
knote_trace_copy(struct knote *kn1)
{
	struct knote z;

	memset(&z, 0, sizeof(z));
	knote_trace_new(kn1, "kqueue_fork_copy_knote");
	sim_knote_label(kn1);
	sim_trace_flags("kqueue_fork_copy_knote", &kn1->kn_obj, "kn_status",
	    kn_status_names, 0, (uint64_t)kn1->kn_status);
	sim_trace_flags("kqueue_fork_copy_knote", &kn1->kn_obj, "kn_flags",
	    ev_flag_names, 0, kn1->kn_flags);
	if (kn1->kn_fflags != 0)
		sim_trace_int("kqueue_fork_copy_knote", &kn1->kn_obj,
		    "kn_fflags", 0, kn1->kn_fflags);
	if (kn1->kn_data != 0)
		sim_trace_int("kqueue_fork_copy_knote", &kn1->kn_obj, "kn_data",
		    0, kn1->kn_data);
	if (kn1->kn_sfflags != 0)
		sim_trace_int("kqueue_fork_copy_knote", &kn1->kn_obj,
		    "kn_sfflags", 0, kn1->kn_sfflags);
	if (kn1->kn_sdata != 0)
		sim_trace_int("kqueue_fork_copy_knote", &kn1->kn_obj,
		    "kn_sdata", 0, kn1->kn_sdata);
	if (kn1->kn_influx != 0)
		sim_trace_int("kqueue_fork_copy_knote", &kn1->kn_obj,
		    "kn_influx", 0, kn1->kn_influx);
}

/* Copies *kn into kn1 except the trace name. */
static void
knote_copy_fields(struct knote *kn1, const struct knote *kn)
{
	*kn1 = *kn;
	memset(&kn1->kn_obj, 0, sizeof(kn1->kn_obj));
}

/*
 * Models kqueue_fork_copy_knote(): copies one knote of the parent's kqueue
 * kq (in flux, held by the caller) into the child's kq1.  Knotes whose
 * filter has no f_copy, fd knotes whose descriptor the child does not have,
 * and (M1) KN_KQUEUE knotes are not copied.
 */
static void
kqueue_fork_copy_knote(struct kqueue *kq, struct kqueue *kq1, struct knote *kn,
    struct filedesc *fdp)
{
	struct knote *kn1;
	struct knlist *knl;
	const struct filterops *fop;
	int error;
	bool enqueue, m0;

	m0 = cponfork_m0();
	KASSERT(kn->kn_influx != 0,
	    ("%s: knote %s not in flux", __func__, kn->kn_obj.so_name));
	KASSERT((kn->kn_status & KN_DETACHED) == 0,
	    ("%s: knote %s detached", __func__, kn->kn_obj.so_name));

	if (!m0) {
		if ((kn->kn_status & KN_MARKER) != 0)
			return;
		/*
		 * A kqueue outside of the process cannot be referenced:
		 * kqueue_close() does not handle it.
		 */
		if ((kn->kn_status & KN_KQUEUE) != 0)
			return;
	}
	fop = kn->kn_fop;
	/* XXX: the kernel would fault on another fork's marker (M0). */
	KASSERT(fop != NULL, ("%s: copying a marker", __func__));
	if (fop->f_copy == NULL
	    || (fop->f_isfd && fget_noref(fdp, (int)kn->kn_id) == NULL))
		return;
	error = kqueue_expand(kq1, fop, kn->kn_id, 1);
	if (error != 0)
		return;

	kn1 = knote_alloc();
	if (m0) {
		/* As committed: an unlocked copy. */
		knote_copy_fields(kn1, kn);
		kn1->kn_status |= KN_DETACHED;
		kn1->kn_status &= ~KN_QUEUED;
	} else {
		knl = kn_list_lock(kn);
		KQ_LOCK(kq);
		knote_copy_fields(kn1, kn);
		KQ_UNLOCK(kq);
		kn_list_unlock(knl);
		kn1->kn_status = KN_DETACHED | (kn1->kn_status & KN_CPONFORK);
	}
	kn1->kn_kq = kq1;
	kn1->kn_knlist = NULL;
	knote_trace_copy(kn1);
	error = fop->f_copy(kn1, NULL);
	if (error != 0) {
		knote_free(kn1);
		return;
	}
	/*
	 * fhold() fails on a file whose reference count cannot grow: the
	 * copy is dropped and the child silently goes without it.
	 *
	 * M0 (as committed) calls f_detach() on the copy before freeing it,
	 * but the copy was never put on a knlist and is KN_DETACHED (it took
	 * the parent's fields): filt_pipedetach() and the other fd detach
	 * methods call knlist_remove(), which asserts "already detached"
	 * (INVARIANTS) or faults in SLIST_REMOVE walking off the list's end.
	 * XXX: whether main (M1) still calls f_detach() here is not known to
	 * the model (no M1 source of this path); it frees the copy only.
	 */
	if (fop->f_isfd
	    && SIM_FAIL_POINT(SIM_FP_KQUEUE_FORK_COPY_KNOTE_FHOLD)) {
		if (m0) {
			kn1->kn_knlist = kn->kn_knlist;
			fop->f_detach(kn1);
		}
		knote_free(kn1);
		return;
	}
	if (fop->f_isfd)
		fhold(kn1->kn_fp);

	/*
	 * A copied timer is armed by f_copy and may fire on another CPU from
	 * here on, before the copy is attached below.
	 */
	kqueue_cpu_window();

	if (m0) {
		if (kn->kn_knlist != NULL)
			knlist_add(kn->kn_knlist, kn1, 0);
		KQ_LOCK(kq1);
		(void)knote_attach(kn1, kq1);
		KN_SET_INFLUX(kn1, 0);
		if ((kn->kn_status & KN_QUEUED) != 0)
			knote_enqueue(kn1);
		KQ_UNLOCK(kq1);
		return;
	}

	if (kn->kn_knlist != NULL) {
		knl = kn_list_lock(kn);
		knlist_add(kn->kn_knlist, kn1, 1);
	} else {
		knl = NULL;
	}
	enqueue = kn->kn_fop->f_event(kn1, 0) != 0;
	kn_list_unlock(knl);

	KQ_LOCK(kq1);
	(void)knote_attach(kn1, kq1);
	KN_SET_INFLUX(kn1, 0);
	if (enqueue && (kn1->kn_status & KN_QUEUED) == 0)
		knote_enqueue(kn1);
	KQ_UNLOCK(kq1);
}

/*
 * Models kqueue_fork_copy_list(): copies the knotes of one list of the
 * parent's kqueue, keeping the position with a marker while the kqueue is
 * unlocked.  Detached knotes and knotes owned by someone else (in flux
 * without KN_SCAN) are skipped.
 */
static void
kqueue_fork_copy_list(struct klist *knlist, struct knote *marker,
    struct kqueue *kq, struct kqueue *kq1, struct filedesc *fdp)
{
	struct knote *kn;

	KQ_OWNED(kq);
	kn = SLIST_FIRST(knlist);
	while (kn != NULL) {
		MPASS(kn->kn_kq == kq);
		if ((kn->kn_status & KN_DETACHED) != 0
		    || (kn_in_flux(kn) && (kn->kn_status & KN_SCAN) == 0)) {
			kn = SLIST_NEXT(kn, kn_link);
			continue;
		}
		kn_enter_flux(kn);
		SLIST_INSERT_AFTER(kn, marker, kn_link);
		KQ_UNLOCK(kq);
		kqueue_fork_copy_knote(kq, kq1, kn, fdp);
		KQ_LOCK(kq);
		(void)kn_leave_flux(kn);
		kn = SLIST_NEXT(marker, kn_link);
		SLIST_REMOVE(knlist, marker, knote, kn_link);
	}
}

/*
 * Models kqueue_fork_copy(): pass 2 of fdcopy(), once the child's table is
 * complete.  Releases the reference pass 1 took on the source.
 */
int
kqueue_fork_copy(
    struct filedesc *fdp, struct file *fp, struct file *fp1, struct thread *td)
{
	struct kqueue *kq, *kq1;
	struct knote marker;
	int i;

	MPASS(fp == NULL);
	MPASS(fp1->f_type == DTYPE_KQUEUE);

	kq1 = fp1->f_data;
	kq = kq1->kq_forksrc;
	memset(&marker, 0, sizeof(marker));
	marker.kn_status = KN_MARKER; /* not a modelled knote: untraced */
	marker.kn_kq = kq;

	KQ_LOCK(kq);
	for (i = 0; i < kq->kq_knlistsize; i++)
		kqueue_fork_copy_list(&kq->kq_knlist[i], &marker, kq, kq1, fdp);
	if (kq->kq_knhashmask != 0) {
		for (i = 0; i <= (int)kq->kq_knhashmask; i++)
			kqueue_fork_copy_list(
			    &kq->kq_knhash[i], &marker, kq, kq1, fdp);
	}
	kqueue_release(kq, 1);
	kq1->kq_forksrc = NULL;
	/* KQ_UNLOCK_FLUX(): wake whoever waited for our knotes. */
	if ((kq->kq_state & KQ_FLUXWAIT) == KQ_FLUXWAIT) {
		KQ_SET_STATE(kq, kq->kq_state & ~KQ_FLUXWAIT);
		wakeup(kq);
	}
	KQ_UNLOCK(kq);
	return (0);
}

/* Models kqueue_fork(): the kqueue fileops' fo_fork, both passes. */
int
kqueue_fork(struct filedesc *fdp, struct file *fp, struct file **ret_fp,
    struct thread *td)
{
	kqueue_runinit();
	if (fp != NULL)
		return (kqueue_fork_alloc(fdp, fp, ret_fp, td));
	return (kqueue_fork_copy(fdp, fp, *ret_fp, td));
}
