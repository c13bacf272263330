/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated system's bottom layer (see kernel.h): the table of kernel
 * revisions, the tunables with their defaults and ranges, the fail points,
 * the kernel of the run in progress and the choice of its kernel-ops table.
 * Imports only kernel.h, fd.h (for the descriptor-table limits) and the
 * engine's scheduler and generator (fail points); no Lua, nothing from the
 * models, sim/sys/ or sim/run/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "rng.h"
#include "sched.h"

struct sim_kernel *sim_kern;

static void fp_reset(void);

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
	    .rev_fork_2003 = true,
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
	{ "security.bsd.see_other_gids", 1, 0, 1 },
	{ "security.bsd.see_other_uids", 1, 0, 1 },
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
	fp_reset();
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
 * Fail points.  Each entry names the kernel function and what fails in it,
 * the errno its caller then sees, and the kernel's error path; the models
 * test them with SIM_FAIL_POINT() at the matching place.
 */
static const struct sim_failpoint_info failpoints[SIM_NFP] = {
	[SIM_FP_KQUEUE_REGISTER_KNOTE_ALLOC] = {
	    "kqueue_register:knote_alloc", "kqueue_register", "knote_alloc",
	    ENOMEM, SIM_FP_FREEBSD,
	    "the M_NOWAIT knote_alloc() of a kernel registration (knote_fork) "
	    "fails; kqueue_register() returns ENOMEM where it needs the knote",
	},
	[SIM_FP_KQUEUE_EXPAND_MALLOC] = {
	    "kqueue_expand:malloc", "kqueue_expand", "malloc", ENOMEM,
	    SIM_FP_FREEBSD,
	    "an M_NOWAIT kq_knlist or kq_knhash allocation fails: ENOMEM; "
	    "no caller reaches it (knote_fork(), the only M_NOWAIT one, "
	    "registers into a kqueue whose hash holds the tracking knote)",
	},
	[SIM_FP_KNOTE_FORK_KQUEUE_REGISTER] = {
	    "knote_fork:kqueue_register", "knote_fork", "kqueue_register",
	    ENOMEM, SIM_FP_FREEBSD,
	    "a child registration of NOTE_TRACK fails: NOTE_TRACKERR on the "
	    "parent's knote, the child not tracked",
	},
	[SIM_FP_FILT_TIMERATTACH_KQ_CALLOUTMAX] = {
	    "filt_timerattach:kq_calloutmax", "filt_timerattach",
	    "kq_calloutmax", ENOMEM, SIM_FP_FREEBSD | SIM_FP_FREEBSD_7773002,
	    "kern.kq_calloutmax reached: the EVFILT_TIMER EV_ADD fails with "
	    "ENOMEM",
	},
	[SIM_FP_FILT_TIMERCOPY_KQ_CALLOUTMAX] = {
	    "filt_timercopy:kq_calloutmax", "filt_timercopy", "kq_calloutmax",
	    ENOMEM, SIM_FP_FREEBSD,
	    "kern.kq_calloutmax reached at fork: the timer is silently not "
	    "copied into the KQUEUE_CPONFORK child",
	},
	[SIM_FP_KQUEUE_FORK_COPY_KNOTE_FHOLD] = {
	    "kqueue_fork_copy_knote:fhold", "kqueue_fork_copy_knote", "fhold",
	    0, SIM_FP_FREEBSD,
	    "fhold() of the watched file fails at fork: the knote is silently "
	    "not copied into the KQUEUE_CPONFORK child",
	},
	[SIM_FP_KERN_KQUEUE_ALLOC_CHGKQCNT] = {
	    "kern_kqueue_alloc:chgkqcnt", "kern_kqueue_alloc", "chgkqcnt",
	    ENOMEM, SIM_FP_FREEBSD,
	    "RLIMIT_KQUEUES reached: kqueue()/kqueuex() fail with ENOMEM (and "
	    "a KQUEUE_CPONFORK kqueue is not copied at fork)",
	},
	[SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC] = {
	    "port_alloc_event_local:kmem_cache_alloc", "port_alloc_event_local",
	    "kmem_cache_alloc", ENOMEM, SIM_FP_ILLUMOS,
	    "the KM_NOSLEEP event allocation fails: port_send, port_associate "
	    "and timer_create return ENOMEM, port_sendn reports it per port",
	},
	[SIM_FP_PORT_ALLOC_EVENT_LOCAL_PORT_MAX_EVENTS] = {
	    "port_alloc_event_local:port_max_events", "port_alloc_event_local",
	    "port_max_events", EAGAIN, SIM_FP_ILLUMOS,
	    "process.max-port-events reached: EAGAIN",
	},
	[SIM_FP_PORT_CREATE_MAX_PORT_IDS] = {
	    "port_create:max-port-ids", "port_create", "max-port-ids", EAGAIN,
	    SIM_FP_ILLUMOS, "project.max-port-ids reached: port_create() fails "
			    "with EAGAIN",
	},
	[SIM_FP_PORT_ASSOCIATE_KSOURCE_KMEM_ZALLOC] = {
	    "port_associate_ksource:kmem_zalloc", "port_associate_ksource",
	    "kmem_zalloc", ENOMEM, SIM_FP_ILLUMOS,
	    "the KM_NOSLEEP allocation of a port's first source entry fails: "
	    "the first port_associate of a source, or timer_create, returns "
	    "ENOMEM",
	},
	[SIM_FP_TIMER_CREATE_TIMER_MAX] = {
	    "timer_create:timer_max", "timer_create", "timer_max", EAGAIN,
	    SIM_FP_ILLUMOS,
	    "the process has no free timer slot: timer_create() fails with "
	    "EAGAIN",
	},
	[SIM_FP_FDALLOC_MAXFILESPERPROC] = {
	    "fdalloc:maxfilesperproc", "fdalloc", "maxfilesperproc", EMFILE,
	    SIM_FP_FREEBSD | SIM_FP_FREEBSD_7773002 | SIM_FP_ILLUMOS,
	    "the descriptor table is full (kern.maxfilesperproc): EMFILE",
	},
	[SIM_FP_FGET_FHOLD] = {
	    "fget:fhold", "fget", "fhold", EBADF,
	    SIM_FP_FREEBSD | SIM_FP_ILLUMOS,
	    "the file is being closed by another thread when fget() takes its "
	    "reference: EBADF, as if the descriptor were already closed",
	},
	[SIM_FP_FORK1_MAXPROC] = {
	    "fork1:maxproc", "fork1", "maxproc", EAGAIN,
	    SIM_FP_FREEBSD | SIM_FP_FREEBSD_7773002 | SIM_FP_ILLUMOS,
	    "the process table is full: fork() and rfork() fail with EAGAIN",
	},
	[SIM_FP_THREAD_CREATE_MAX_THREADS_PER_PROC] = {
	    "thread_create:max_threads_per_proc", "thread_create",
	    "max_threads_per_proc", EAGAIN, SIM_FP_FREEBSD | SIM_FP_ILLUMOS,
	    "the process has its maximum of threads: thread creation fails "
	    "(EAGAIN; FreeBSD's thr_new says EPROCLIM, not modelled)",
	},
};

/* Names that SPEC-style examples use for a fail point of another name. */
static const struct {
	const char *alias;
	enum sim_fp fp;
} failpoint_aliases[] = {
	{ "port_alloc_event:kmem_cache_alloc",
	    SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC },
};

enum fp_mode {
	FPM_OFF,
	FPM_RETURN,
	FPM_NRETURN,
	FPM_PCT,
	FPM_EXPLORE,
};

/* The run's fail-point settings; reset by sim_kernel_boot(). */
static struct fp_state {
	enum fp_mode mode;
	int64_t count; /* N*return: evaluations left to fail */
	uint32_t ppm; /* P%return: parts per million */
	struct rng rng; /* P%return: its own stream */
	char spec[32]; /* as set */
	char label[64]; /* "failpoint:NAME", the decision label */
} fp_state[SIM_NFP];

unsigned char sim_fp_armed[SIM_NFP];

/* Every fail point off (a new kernel). */
static void
fp_reset(void)
{
	memset(fp_state, 0, sizeof(fp_state));
	memset(sim_fp_armed, 0, sizeof(sim_fp_armed));
}

const struct sim_failpoint_info *
sim_failpoint_at(int i)
{
	return (i >= 0 && i < SIM_NFP ? &failpoints[i] : NULL);
}

int
sim_failpoint_kernel(const struct sim_revision *rev)
{
	if (rev->rev_kops == &freebsd7773002_kops)
		return (SIM_FP_FREEBSD_7773002);
	return (rev->rev_kind == SIM_FREEBSD ? SIM_FP_FREEBSD : SIM_FP_ILLUMOS);
}

/* Fail point of revision rev named name (or an alias), or -1. */
static int
fp_find(const char *name, const struct sim_revision *rev)
{
	size_t j;
	int i;

	for (i = 0; i < SIM_NFP; i++)
		if (strcmp(failpoints[i].fpi_name, name) == 0)
			goto found;
	for (j = 0;
	     j < sizeof(failpoint_aliases) / sizeof(failpoint_aliases[0]); j++)
		if (strcmp(failpoint_aliases[j].alias, name) == 0) {
			i = (int)failpoint_aliases[j].fp;
			goto found;
		}
	return (-1);
found:
	return ((failpoints[i].fpi_kernels & sim_failpoint_kernel(rev)) != 0
		? i
		: -1);
}

int
sim_failpoint_check(const char *name, const struct sim_revision *rev)
{
	return (fp_find(name, rev) >= 0 ? 0 : ENOENT);
}

/* Parses spec into *st (mode, count, ppm): 0 or EINVAL. */
static int
fp_parse(const char *spec, struct fp_state *st)
{
	const char *star, *pct;
	char *end;

	memset(st, 0, sizeof(*st));
	if (strlen(spec) >= sizeof(st->spec))
		return (EINVAL);
	if (strcmp(spec, "off") == 0)
		st->mode = FPM_OFF;
	else if (strcmp(spec, "return") == 0)
		st->mode = FPM_RETURN;
	else if (strcmp(spec, "explore") == 0)
		st->mode = FPM_EXPLORE;
	else if ((star = strchr(spec, '*')) != NULL
	    && strcmp(star, "*return") == 0) {
		long long n;

		if (spec[0] < '0' || spec[0] > '9')
			return (EINVAL);
		n = strtoll(spec, &end, 10);
		if (end != star || n < 0 || n > INT32_MAX)
			return (EINVAL);
		st->mode = n > 0 ? FPM_NRETURN : FPM_OFF;
		st->count = n;
	} else if ((pct = strchr(spec, '%')) != NULL
	    && strcmp(pct, "%return") == 0) {
		double p;

		if ((spec[0] < '0' || spec[0] > '9') && spec[0] != '.')
			return (EINVAL);
		p = strtod(spec, &end);
		if (end != pct || !(p >= 0.0 && p <= 100.0))
			return (EINVAL);
		st->ppm = (uint32_t)(p * 10000.0 + 0.5);
		st->mode = st->ppm > 0 ? FPM_PCT : FPM_OFF;
	} else
		return (EINVAL);
	snprintf(st->spec, sizeof(st->spec), "%s", spec);
	return (0);
}

int
sim_failpoint_spec_check(const char *spec)
{
	struct fp_state st;

	return (fp_parse(spec, &st));
}

/* FNV-1a of name, for its generator stream. */
static uint32_t
fp_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return (h);
}

int
sim_failpoint_set(const char *name, const char *spec, uint64_t seed)
{
	struct fp_state st;
	const char *old;
	int i = fp_find(name, sim_kern->k_rev);

	if (i < 0)
		return (ENOENT);
	if (fp_parse(spec, &st) != 0)
		return (EINVAL);
	rng_init(&st.rng, seed,
	    RNG_STREAM_FAILPOINT_BASE + fp_hash(failpoints[i].fpi_name));
	snprintf(
	    st.label, sizeof(st.label), "failpoint:%s", failpoints[i].fpi_name);
	/*
	 * A change of setting during a run is a transition of its own
	 * (replay reads the ones made before pid 1 started: those of the
	 * scenario and the command line).
	 */
	old = fp_state[i].spec[0] != '\0' ? fp_state[i].spec : "off";
	if (sched_self() != NULL && strcmp(old, st.spec) != 0) {
		sched_trace("sim_failpoint_set", "failpoint",
		    failpoints[i].fpi_name, old, st.spec);
		sim_name_label(
		    "failpoint", "the fail points (field: the fail point)");
	}
	fp_state[i] = st;
	sim_fp_armed[i] = st.mode != FPM_OFF;
	return (0);
}

const char *
sim_failpoint_get(const char *name)
{
	int i = fp_find(name, sim_kern->k_rev);

	if (i < 0)
		return (NULL);
	return (fp_state[i].spec[0] != '\0' ? fp_state[i].spec : "off");
}

bool
sim_failpoint_eval(enum sim_fp fp)
{
	const struct sim_failpoint_info *fpi = &failpoints[fp];
	struct fp_state *st = &fp_state[fp];
	char old[sizeof(st->spec)];
	bool fire;

	memcpy(old, st->spec, sizeof(old));
	switch (st->mode) {
	case FPM_RETURN:
		fire = true;
		break;
	case FPM_NRETURN:
		fire = true;
		if (--st->count == 0) {
			st->mode = FPM_OFF;
			sim_fp_armed[fp] = 0;
			snprintf(st->spec, sizeof(st->spec), "off");
		} else
			snprintf(st->spec, sizeof(st->spec),
			    "%" PRId64 "*return", st->count);
		break;
	case FPM_PCT:
		fire = rng_below(&st->rng, 1000000) < st->ppm;
		break;
	case FPM_EXPLORE:
		fire = sched_failpoint(st->label);
		break;
	default:
		fire = false;
		break;
	}
	if (fire) {
		sched_trace(
		    fpi->fpi_func, "failpoint", fpi->fpi_site, old, "fired");
		sim_name_label(
		    "failpoint", "the fail points (field: the fail point)");
	}
	return (fire);
}

/*
 * Every block of the run's heap starts with this header, linking it into
 * one list; the union keeps the caller's part aligned as malloc()'s is.
 */
union sim_mhdr {
	struct {
		union sim_mhdr *prev, *next;
		size_t size; /* the caller's part */
	} l;
	max_align_t align;
};

static union sim_mhdr sim_heap = { .l = { &sim_heap, &sim_heap, 0 } };

static void *
mhdr_link(union sim_mhdr *h, size_t size)
{
	h->l.size = size;
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
	return (h != NULL ? mhdr_link(h, size) : NULL);
}

void *
sim_calloc(size_t n, size_t size)
{
	union sim_mhdr *h;

	if (size != 0 && n > (SIZE_MAX - sizeof(*h)) / size)
		return (NULL);
	h = calloc(1, sizeof(*h) + n * size);
	return (h != NULL ? mhdr_link(h, n * size) : NULL);
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
		mhdr_link(h, h->l.size);
		return (NULL);
	}
	return (mhdr_link(nh, size));
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

size_t
sim_malloc_size(const void *ptr)
{
	return (ptr != NULL ? ((const union sim_mhdr *)ptr - 1)->l.size : 0);
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
