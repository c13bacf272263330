/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated system's bottom layer (see kernel.h): the table of kernel
 * revisions, the tunables with their defaults and ranges, the kernel of the
 * run in progress and the choice of its kernel-ops table.  Imports only
 * kernel.h and fd.h (for the descriptor-table limits); no Lua, nothing from
 * the models, sim/sys/ or sim/run/.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"

struct sim_kernel *sim_kern;

/*
 * The kernel revisions.  Each entry is one place where a behaviour switch
 * is named; the models test the flags, never the names.
 */
static const struct sim_revision revisions[] = {
	{
	    .rev_name = "freebsd",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD main (2026, reference/kqueue.md 'M1')",
	},
	{
	    .rev_name = "freebsd@b11289f",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD main at b11289f (2025-10, KQUEUE_CPONFORK "
			   "as committed, reference/kqueue.md 'M0')",
	    /*
	     * reference/kqueue.md section 3.2: kqueue_fork_copy_knote()
	     * keeps the parent's status bits but KN_QUEUED, copies
	     * KN_KQUEUE knotes, and enqueues the copy when the parent's
	     * knote was queued (section 5.2 item 10).
	     */
	    .rev_cponfork_m0 = true,
	},
	{
	    .rev_name = "freebsd@pre-D18316",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before D18316 (2018): knote_fork() "
			   "racing close(kq)",
	    /*
	     * reference/kqueue.md section 5.2 item 2: knote_fork() drops
	     * its locks and calls kqueue_register() while kqueue_drain()
	     * runs; without KQ_CLOSING checks in kqueue_expand() and
	     * knote_attach() the new knote goes into a closing kqueue, and
	     * knote_fork() leaves flux before it relocks the knlist, so the
	     * drain can free the knote the list walk continues from.
	     */
	    .rev_fork_close_race = true,
	},
	{
	    .rev_name = "freebsd@pre-D8898",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before D8898 (r310302, 2016): KN_INFLUX "
			   "as a flag",
	    /*
	     * reference/kqueue.md sections 1.4 and 5.2 item 1: in flux was
	     * the status bit KN_INFLUX; knote()/knote_fork() processing a
	     * knote a scan holds (KN_SCAN) set and then cleared the bit,
	     * stealing the scan's ownership.  Fixed by the kn_influx counter.
	     */
	    .rev_influx_flag = true,
	},
	{
	    .rev_name = "freebsd@pre-r295012",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before r295012 (D4900, 2016): NOTE_CHILD "
			   "merged with NOTE_EXIT (PR 180385)",
	    /*
	     * reference/kqueue.md sections 5.1 (NOTE_TRACK) and 5.2 item 4:
	     * knote_fork() registered one EV_FLAG1 knote on the child that
	     * both reports NOTE_CHILD (data = parent pid) and tracks the
	     * child, so a child exiting before the parent reads NOTE_CHILD
	     * gives one event NOTE_CHILD|NOTE_EXIT whose data is the exit
	     * status.  r295012 split it into the EV_ONESHOT|EV_FLAG2 child
	     * note and the EV_FLAG1 tracking note.
	     */
	    .rev_note_child_merged = true,
	},
	{
	    .rev_name = "freebsd@7773002",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD 5.x kern_event.c of 2003-04 (seed 000): "
			   "Giant, per-process knote lists, tick timeouts",
	    /*
	     * seeds/000_18ff6dd3fccf25ff.txt: sys/kern/kern_event.c at
	     * 7773002178c8, before the 2004 rewrite (per-kqueue locks,
	     * in-flux knotes).  Different throughout, so a model of its own
	     * (sim/freebsd/kern_event_7773002.c).
	     */
	    .rev_kops = &freebsd7773002_kops,
	    .rev_pipeclose_2003 = true,
	    .rev_exit_2003 = true,
	},
	{
	    .rev_name = "illumos",
	    .rev_kind = SIM_ILLUMOS,
	    .rev_summary = "illumos-gate portfs (reference/ports.md)",
	},
	{
	    .rev_name = "illumos@pre-14898",
	    .rev_kind = SIM_ILLUMOS,
	    .rev_summary = "illumos before illumos#14898 (2022): FILE "
			   "re-association keeps the old user cookie",
	    /*
	     * reference/ports.md section 4 P10 (golang/go #54254): the
	     * PORT_SOURCE_FILE re-association branch of
	     * port_associate_fop() updated the events but not portkev_user,
	     * so an event fired after associate(fo, U2) returned U1.
	     */
	    .rev_fop_keeps_user = true,
	},
};
#define NREVISIONS (int)(sizeof(revisions) / sizeof(revisions[0]))

const struct sim_revision *
sim_revision_find(const char *name)
{
	int i;

	for (i = 0; i < NREVISIONS; i++)
		if (strcmp(revisions[i].rev_name, name) == 0)
			return (&revisions[i]);
	return (NULL);
}

void
sim_revision_names(char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NREVISIONS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > 0 ? ", " : "", revisions[i].rev_name);
}

const struct sim_revision *
sim_revision_at(int i)
{
	return (i >= 0 && i < NREVISIONS ? &revisions[i] : NULL);
}

/* Tunables and resource controls, with their defaults and ranges. */
static const struct sim_tunable tunable_defaults[] = {
	{ "kern.hz", 100, 1, 10000 }, /* freebsd@7773002's tick clock */
	{ "kern.kq_calloutmax", 4096, 0, 1 << 24 },
	{ "kern.maxfilesperproc", SIM_MAXFILES, 1, SIM_MAXFILES_MAX },
	{ "process.max-port-events", 65536, 1, 1 << 24 },
	{ "project.max-port-ids", 8192, 1, 1 << 20 },
};
#define NTUNABLES (int)(sizeof(tunable_defaults) / sizeof(tunable_defaults[0]))

static struct sim_tunable tunables[NTUNABLES];

int
sim_tunable_get(const char *name, int64_t *ret)
{
	int i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(tunables[i].name, name) == 0) {
			*ret = tunables[i].value;
			return (0);
		}
	return (ENOENT);
}

int
sim_tunable_set(const char *name, int64_t value)
{
	int i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(tunables[i].name, name) == 0) {
			if (value < tunables[i].min || value > tunables[i].max)
				return (EINVAL);
			tunables[i].value = value;
			return (0);
		}
	return (ENOENT);
}

int
sim_tunable_check(const char *name, int64_t value)
{
	int i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(tunable_defaults[i].name, name) == 0)
			return (value < tunable_defaults[i].min
				    || value > tunable_defaults[i].max
				? EINVAL
				: 0);
	return (ENOENT);
}

int64_t
sim_tunable(const char *name)
{
	int64_t v;

	if (sim_tunable_get(name, &v) != 0) {
		fprintf(stderr, "evsim: internal: unknown tunable %s\n", name);
		abort();
	}
	return (v);
}

void
sim_kernel_boot(const struct sim_revision *rev)
{
	static struct sim_kernel k;

	memset(&k, 0, sizeof(k));
	k.k_rev = rev;
	k.k_ops = rev->rev_kops != NULL	   ? rev->rev_kops
	    : rev->rev_kind == SIM_FREEBSD ? &freebsd_kops
					   : &illumos_kops;
	memcpy(tunables, tunable_defaults, sizeof(tunables));
	k.k_tunables = tunables;
	k.k_ntunables = NTUNABLES;
	k.k_nextpid = 1;
	k.k_nexttid = 100100;
	k.k_perturb = getenv("EVSIM_TEST_PERTURB");
	sim_kern = &k;
}

void
sim_giant_lock(void)
{
	if (sim_kern->k_ops->ko_giant == NULL)
		return;
	sched_point(); /* taking Giant: another CPU may take it first */
	mtx_lock(sim_kern->k_ops->ko_giant());
}

void
sim_giant_unlock(void)
{
	if (sim_kern->k_ops->ko_giant != NULL)
		mtx_unlock(sim_kern->k_ops->ko_giant());
}

struct mtx *
sim_giant_mtx(void)
{
	struct mtx *giant;

	if (sim_kern->k_ops->ko_giant == NULL)
		return (NULL);
	giant = sim_kern->k_ops->ko_giant();
	return (mtx_owned(giant) ? giant : NULL);
}

void
sim_giant_may_sleep(void)
{
	struct mtx *giant;
	int recurse;

	if (sim_kern->k_ops->ko_giant == NULL)
		return;
	giant = sim_kern->k_ops->ko_giant();
	if (!mtx_owned(giant))
		return;
	recurse = giant->mtx_recurse;
	giant->mtx_recurse = 0;
	mtx_unlock(giant);
	mtx_lock(giant);
	giant->mtx_recurse = recurse;
}

bool
sim_perturbed(const char *name)
{
	return (sim_kern->k_perturb != NULL
	    && strcmp(sim_kern->k_perturb, name) == 0);
}

_Noreturn void
sim_oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

/*
 * Every block of the run's heap starts with this header, linking it into
 * one list; the union keeps the caller's part aligned as malloc()'s is.
 */
union sim_mhdr {
	struct {
		union sim_mhdr *prev, *next;
	} l;
	max_align_t align;
};

static union sim_mhdr sim_heap = { .l = { &sim_heap, &sim_heap } };

static void *
mhdr_link(union sim_mhdr *h)
{
	h->l.prev = &sim_heap;
	h->l.next = sim_heap.l.next;
	sim_heap.l.next->l.prev = h;
	sim_heap.l.next = h;
	return (h + 1);
}

static void
mhdr_unlink(union sim_mhdr *h)
{
	h->l.prev->l.next = h->l.next;
	h->l.next->l.prev = h->l.prev;
}

void *
sim_malloc(size_t size)
{
	union sim_mhdr *h;

	if (size > SIZE_MAX - sizeof(*h))
		return (NULL);
	h = malloc(sizeof(*h) + size);
	return (h != NULL ? mhdr_link(h) : NULL);
}

void *
sim_calloc(size_t n, size_t size)
{
	union sim_mhdr *h;

	if (size != 0 && n > (SIZE_MAX - sizeof(*h)) / size)
		return (NULL);
	h = calloc(1, sizeof(*h) + n * size);
	return (h != NULL ? mhdr_link(h) : NULL);
}

void *
sim_realloc(void *ptr, size_t size)
{
	union sim_mhdr *h, *nh;

	if (ptr == NULL)
		return (sim_malloc(size));
	if (size > SIZE_MAX - sizeof(*h))
		return (NULL);
	h = (union sim_mhdr *)ptr - 1;
	mhdr_unlink(h);
	nh = realloc(h, sizeof(*h) + size);
	if (nh == NULL) {
		mhdr_link(h);
		return (NULL);
	}
	return (mhdr_link(nh));
}

char *
sim_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = sim_malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return (d);
}

void
sim_free(void *ptr)
{
	union sim_mhdr *h;

	if (ptr == NULL)
		return;
	h = (union sim_mhdr *)ptr - 1;
	mhdr_unlink(h);
	free(h);
}

void
sim_mem_release(void)
{
	union sim_mhdr *h;

	while ((h = sim_heap.l.next) != &sim_heap) {
		mhdr_unlink(h);
		free(h);
	}
}
