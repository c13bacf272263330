/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated system of one run: which kernel (FreeBSD or illumos) and
 * which revision of it, the kernel's tunables (sysctl / resource controls),
 * and the hooks through which the shared process, descriptor and file layer
 * calls into the kernel-specific event model (freebsd_kops in
 * sim/freebsd/kern_event.c, illumos_kops in sim/illumos/port.c).  The bottom
 * of sim/: imports nothing from sim/ but fd.h (kernel.c, for the descriptor
 * limits), no Lua.
 */
#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;
struct filedesc;
struct proc;
struct selinfo;
struct thread;
struct vnode;
struct knote;
struct kevent_copyops;
struct mtx;

enum sim_kernel_kind {
	SIM_FREEBSD,
	SIM_ILLUMOS,
};

/*
 * Kernel revisions: named sets of behaviour switches.  See kernel.c for
 * the table and the reference each switch cites.
 */
struct sim_revision {
	const char *rev_name; /* "freebsd", "freebsd@b11289f", "illumos" */
	enum sim_kernel_kind rev_kind;
	const char *rev_summary;
	/* FreeBSD kqueue_fork_copy_knote(): as committed in b11289f (M0). */
	bool rev_cponfork_m0;
	/*
	 * FreeBSD before D18316: kqueue_expand() and knote_attach() do not
	 * check KQ_CLOSING, and knote_fork() leaves flux before it relocks
	 * the knlist.
	 */
	bool rev_fork_close_race;
	/* FreeBSD before D8898: KN_INFLUX is a flag, not a counter. */
	bool rev_influx_flag;
	/*
	 * FreeBSD before r295012: knote_fork() registers one knote for the
	 * child that reports NOTE_CHILD and tracks it (PR 180385).
	 */
	bool rev_note_child_merged;
	/*
	 * illumos before illumos#14898: re-associating a PORT_SOURCE_FILE
	 * watch keeps the first association's user cookie.
	 */
	bool rev_fop_keeps_user;
	/*
	 * A model of its own (freebsd@7773002): its hooks instead of the
	 * kind's default model.
	 */
	const struct sim_kops *rev_kops;
	/*
	 * sys_pipe.c of FreeBSD 5.x (2003): pipeclose() notifies the
	 * closing end's knotes before the end is marked gone.
	 */
	bool rev_pipeclose_2003;
	/*
	 * kern_exit.c of FreeBSD 5.x: exit1() reparents the children before
	 * KNOTE(NOTE_EXIT).
	 */
	bool rev_exit_2003;
	/*
	 * kern_fork.c of FreeBSD 5.x: fork1() makes the child runnable
	 * (setrunqueue()) before KNOTE(NOTE_FORK); do_fork() now calls
	 * knote_fork() first.
	 */
	bool rev_fork_2003;
};

/* The revision named name, or NULL (with a list of valid names in err). */
const struct sim_revision *sim_revision_find(const char *name);
/* The comma-separated names of every revision, for messages. */
void sim_revision_names(char *buf, size_t len);

/* Visits every known revision. */
const struct sim_revision *sim_revision_at(int i);

/*
 * Vnode events, translated by each kernel: FreeBSD NOTE_* hints for
 * EVFILT_VNODE, illumos FILE_* events for PORT_SOURCE_FILE.
 */
enum sim_vnev {
	VNEV_WRITE, /* contents modified */
	VNEV_EXTEND, /* size grew */
	VNEV_TRUNC, /* size shrank (truncate) */
	VNEV_ATTRIB, /* chmod, link count */
	VNEV_LINK, /* link count changed */
	VNEV_DELETE, /* last name removed */
	VNEV_RENAME_FROM, /* renamed away (the renamed object) */
	VNEV_RENAME_TO, /* a rename replaced this object */
	VNEV_ACCESS, /* read */
	VNEV_OPEN,
	VNEV_CLOSE,
	VNEV_CLOSE_WRITE,
};

/* The bit of a vnode event in the mask of ko_vnode_post. */
#define VNEV_BIT(ev) (1u << (unsigned)(ev))

/* The hooks a kernel model provides; any may be NULL. */
struct sim_kops {
	/* A selinfo's object changed state (see selinfo.h). */
	void (*ko_selwakeup)(struct selinfo *sip, long hint, int pollev);
	/*
	 * The object owning sip is going away (pipeclose, soclose, vnode
	 * reclaim): knlist_clear() / pollhead cleanup.  Called with the
	 * object's lock held.
	 */
	void (*ko_seldrain)(struct selinfo *sip);
	/*
	 * close(fd) or dup2 over fd in td's table (not exit: fdescfree
	 * closes with closef only, as FreeBSD does).  Called with
	 * FILEDESC_XLOCK held, after the slot was emptied, with fp still
	 * referenced.
	 */
	void (*ko_fdclose)(struct thread *td, int fd, struct file *fp);
	/* p2 was forked from p1 by td and can run now. */
	void (*ko_fork)(struct thread *td, struct proc *p1, struct proc *p2);
	/*
	 * p is exiting (all its threads are gone), before its descriptors
	 * are closed (illumos's proc_exit() runs timer_exit() there).
	 */
	void (*ko_exit_files)(struct thread *td, struct proc *p);
	/* p is exiting (all its threads are gone); before it is a zombie. */
	void (*ko_exit)(struct thread *td, struct proc *p);
	/* p was reaped by its parent. */
	void (*ko_reap)(struct proc *p);
	/* A signal is being sent to p (also blocked or ignored ones). */
	void (*ko_signal)(struct proc *p, int sig);
	/*
	 * p continues from a stop, or a signal makes it run
	 * (kqtimer_proc_continue()); may be NULL.
	 */
	void (*ko_proc_continue)(struct proc *p);
	/* A vnode event. */
	void (*ko_vnode)(struct vnode *vp, enum sim_vnev ev);
	/*
	 * The events of one VOP post hook on vp, as a mask of VNEV_BIT()s,
	 * for kernels that post them as one combined hint; NULL: each event
	 * goes to ko_vnode in enum order.  Called with the vnode interlock
	 * held or not, as the post hook holds the vnode lock.
	 */
	void (*ko_vnode_post)(struct vnode *vp, unsigned int evs);
	/*
	 * A vnode event on one name of vp (removal, rename): the directory
	 * and the name, as illumos's vnevent_remove()/vnevent_rename_*()
	 * pass them.  When NULL, ko_vnode gets the event.
	 */
	void (*ko_vnevent)(struct vnode *vp, enum sim_vnev ev,
	    struct vnode *dvp, const char *name);
	/*
	 * vp is being freed and has model state in v_kdata (illumos's
	 * vn_free() calls free_fopdata()).
	 */
	void (*ko_vnode_free)(struct vnode *vp);
	/*
	 * Work due before a thread returns to user space (FreeBSD's
	 * TDA_KQUEUE AST: the nested-kqueue task completes first).
	 */
	void (*ko_userret)(struct thread *td);
	/*
	 * kqueue(2), kqueuex(2) and kevent(2) of the FreeBSD model (see
	 * kern_kqueue() and kern_kevent() in sim/freebsd/eventvar.h for the
	 * arguments); NULL: the revision has no such call (ENOSYS).
	 */
	int (*ko_kqueue)(
	    struct thread *td, int flags, bool cponfork, int *ret_fd);
	int (*ko_kqueuex)(
	    struct thread *td, int flags, bool cponfork, int *ret_fd);
	int (*ko_kevent)(struct thread *td, int fd, int nchanges, int nevents,
	    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
	    int *ret_n);
	/*
	 * Giant, for a kernel whose syscalls run under it (FreeBSD 5.x);
	 * NULL otherwise.  See sim_giant_lock().
	 */
	struct mtx *(*ko_giant)(void);
	/*
	 * The wall clock was stepped (clock_settime of CLOCK_REALTIME);
	 * may be NULL.  illumos's callout_hrestime() expires the sleeps
	 * that wait for a wall-clock time there.
	 */
	void (*ko_clock_settime)(void);
	/* Per-process state of the kernel model: create and free. */
	void (*ko_proc_init)(struct proc *p);
	void (*ko_proc_fini)(struct proc *p);
	/*
	 * Process descriptors (FreeBSD's sys_procdesc.c); all NULL when the
	 * revision has none (pdfork(2) is ENOSYS).  fork1() with RFPROCDESC
	 * calls procdesc_falloc() to allocate the descriptor in td's table
	 * before the table is copied (EMFILE), procdesc_new() to tie a new
	 * process descriptor to the child before it can run, and
	 * procdesc_finit() to make the file a process descriptor once the
	 * child is complete.  exit1() calls procdesc_exit() for a process
	 * with one: it answers whether the parent gets SIGCHLD.
	 */
	int (*ko_procdesc_falloc)(
	    struct thread *td, struct file **ret_fp, int *ret_fd, int flags);
	void (*ko_procdesc_new)(struct proc *p, int flags);
	void (*ko_procdesc_finit)(struct proc *p, struct file *fp);
	bool (*ko_procdesc_exit)(struct proc *p);
};

/* Tunables: kern.kq_calloutmax, process.max-port-events, ... */
struct sim_tunable {
	const char *name;
	int64_t value;
	int64_t min;
	int64_t max;
};

struct sim_kernel {
	const struct sim_revision *k_rev;
	const struct sim_kops *k_ops;
	struct sim_tunable *k_tunables;
	int k_ntunables;
	int k_nextpid;
	int k_nexttid;
	/*
	 * Test-only: a named deliberate deviation ($EVSIM_TEST_PERTURB), so
	 * that the replay tests can show a model change caught as a
	 * divergence at the right step.  Never set in normal use.
	 */
	const char *k_perturb;
	int64_t k_objcount[32]; /* per-kind object counters (sim_obj_init) */
	const char *k_objkind[32];
};

/* The kernel of the run in progress. */
extern struct sim_kernel *sim_kern;

static inline bool
sim_is_freebsd(void)
{
	return (sim_kern->k_rev->rev_kind == SIM_FREEBSD);
}

/*
 * Boots a fresh kernel of revision rev as sim_kern: its kernel-ops table,
 * the tunables at their defaults, pid and tid counters.
 */
void sim_kernel_boot(const struct sim_revision *rev);

/* Out of host memory: fatal. */
_Noreturn void sim_oom(void);

/*
 * The run's heap: every object of the simulated system (processes, threads,
 * descriptor tables, files, pipes, sockets, vnodes, kqueues, knotes, ports,
 * a blocked reader's buffer) comes from here, so that sim_mem_release()
 * frees whatever a run left behind, however it ended (a failed, panicked or
 * deadlocked run abandons its threads mid-syscall).  Same contracts as the
 * C library's functions, on memory from these only; a NULL return is an
 * allocation failure as there.
 */
void *sim_malloc(size_t size);
void *sim_calloc(size_t n, size_t size);
void *sim_realloc(void *ptr, size_t size);
char *sim_strdup(const char *s);
void sim_free(void *ptr);
/* The size asked for the block ptr (from sim_malloc() and friends). */
size_t sim_malloc_size(const void *ptr);

/* Frees everything sim_malloc() and friends handed out and not freed. */
void sim_mem_release(void);

/* Whether the test-only perturbation 'name' is active. */
bool sim_perturbed(const char *name);

/*
 * Giant (FreeBSD 5.x): the shared layer takes it where that era's callers
 * did (close, dup2, fork, exit) when the revision's kops have one; no-ops
 * otherwise.
 */
void sim_giant_lock(void);
void sim_giant_unlock(void);
/*
 * A sleep of that era's kernel (vn_close(), soclose()): releases Giant, if
 * the caller holds it, and takes it back; a scheduling point.
 */
void sim_giant_may_sleep(void);
/* Giant if the revision has one (for a sleep's interlock), else NULL. */
struct mtx *sim_giant_mtx(void);

/* Reads a tunable (returns 0 and *ret) or ENOENT. */
int sim_tunable_get(const char *name, int64_t *ret);
/* Sets a tunable: ENOENT unknown, EINVAL out of its range. */
int sim_tunable_set(const char *name, int64_t value);
/*
 * Whether sim_tunable_set(name, value) would succeed on a fresh kernel: 0,
 * ENOENT unknown, EINVAL out of its range.
 */
int sim_tunable_check(const char *name, int64_t value);
/* Fast read of a known tunable; aborts on a typo in the model. */
int64_t sim_tunable(const char *name);

/*
 * Fail points, after FreeBSD's fail(9): every place where the modelled
 * kernel can fail for reasons outside the caller's arguments (an M_NOWAIT
 * or KM_NOSLEEP allocation, a resource limit, fhold() on a closing file).
 * Each is named "FUNCTION:SITE" and belongs to one kernel kind (or both:
 * the shared layer).  A model tests one with SIM_FAIL_POINT(id) where the
 * kernel tests its allocation or limit, and takes the kernel's error path
 * when it is true.  Off (the default), the test is one load and one
 * predictable branch.
 */
enum sim_fp {
	/* FreeBSD kqueue (sys/kern/kern_event.c). */
	SIM_FP_KQUEUE_REGISTER_KNOTE_ALLOC,
	SIM_FP_KQUEUE_EXPAND_MALLOC,
	SIM_FP_KNOTE_FORK_KQUEUE_REGISTER,
	SIM_FP_FILT_TIMERATTACH_KQ_CALLOUTMAX,
	SIM_FP_FILT_TIMERCOPY_KQ_CALLOUTMAX,
	SIM_FP_KQUEUE_FORK_COPY_KNOTE_FHOLD,
	SIM_FP_KERN_KQUEUE_ALLOC_CHGKQCNT,
	/* illumos portfs. */
	SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC,
	SIM_FP_PORT_ALLOC_EVENT_LOCAL_PORT_MAX_EVENTS,
	SIM_FP_PORT_CREATE_MAX_PORT_IDS,
	SIM_FP_PORT_ASSOCIATE_KSOURCE_KMEM_ZALLOC,
	SIM_FP_TIMER_CREATE_TIMER_MAX,
	/* The shared process and descriptor layer. */
	SIM_FP_FDALLOC_MAXFILESPERPROC,
	SIM_FP_FGET_FHOLD,
	SIM_FP_FORK1_MAXPROC,
	SIM_FP_THREAD_CREATE_MAX_THREADS_PER_PROC,
	SIM_NFP
};

/* Which kernels have a fail point. */
#define SIM_FP_FREEBSD 0x1
#define SIM_FP_ILLUMOS 0x2
/* freebsd@7773002's model of its own (sim/freebsd/kern_event_7773002.c). */
#define SIM_FP_FREEBSD_7773002 0x4

struct sim_failpoint_info {
	const char *fpi_name; /* "kqueue_register:knote_alloc" */
	const char *fpi_func; /* "kqueue_register" */
	const char *fpi_site; /* "knote_alloc" */
	int fpi_errno; /* what the caller sees (0: none, see fpi_effect) */
	int fpi_kernels; /* SIM_FP_FREEBSD | SIM_FP_ILLUMOS | ... */
	const char *fpi_effect; /* the kernel's error path, one line */
};

/* Nonzero while fail point i is set to anything but "off". */
extern unsigned char sim_fp_armed[SIM_NFP];

/* Evaluates an armed fail point: true if it fires (recorded). */
bool sim_failpoint_eval(enum sim_fp fp);

/*
 * Built with -DSIM_FAIL_POINTS_COMPILED_OUT (only to measure what the
 * checks cost: tests/bench/run.py --baseline), no fail point ever fires.
 */
#ifdef SIM_FAIL_POINTS_COMPILED_OUT
#define SIM_FAIL_POINT(fp) ((void)(fp), false)
#else
#define SIM_FAIL_POINT(fp)                                                     \
	(__builtin_expect(sim_fp_armed[(fp)] != 0, 0) && sim_failpoint_eval(fp))
#endif

/* Fail point i's description, or NULL past the last one. */
const struct sim_failpoint_info *sim_failpoint_at(int i);

/*
 * Whether spec is valid ("off", "return", "N*return", "P%return",
 * "explore"): 0 or EINVAL.
 */
int sim_failpoint_spec_check(const char *spec);

/*
 * Sets fail point name of the running kernel to spec: 0, ENOENT (no such
 * fail point in this kernel kind; an alias is accepted), EINVAL (bad spec).
 * The 'P%return' stream is seeded from seed.  During a run, a change is
 * recorded as a transition (func "sim_failpoint_set", object "failpoint",
 * field the name, old and new the specs).
 */
int sim_failpoint_set(const char *name, const char *spec, uint64_t seed);

/*
 * The current spec of fail point name ("off", "2*return" after one of
 * three evaluations, ...), or NULL when the running kernel has none.
 */
const char *sim_failpoint_get(const char *name);

/*
 * Whether name is a fail point of kernel revision rev (after aliases): 0 or
 * ENOENT.
 */
int sim_failpoint_check(const char *name, const struct sim_revision *rev);

/* The SIM_FP_* bit of the model rev runs on. */
int sim_failpoint_kernel(const struct sim_revision *rev);

/*
 * Global kernel invariants (sim/invariants.c), checked at every scheduling
 * decision of a run with checking on: a violation ends the run with status
 * 'failed' and fail_func "invariant:<name>".  sim_invariants_at_exit() runs
 * once after a run that passed (reference counts balance): true when one
 * is violated, with the fail_func and message filled in.
 */
void sim_invariants_check(void);
bool sim_invariants_at_exit(
    char *func, size_t funclen, char *msg, size_t msglen);

/*
 * Declared state machines of the models (coverage): which function may
 * change a field of an object kind, and how.  A flag rule (to == NULL)
 * says func may set (from "+BIT") or clear (from "-BIT") one bit of a
 * flag-set field; a value rule says func may change the field from 'from'
 * to 'to'.  Tables end with a zeroed entry.
 */
struct sim_sm_rule {
	const char *kind; /* "knote", "portkev" */
	const char *field; /* "kn_status", "(life)" */
	const char *from;
	const char *to;
	const char *func;
};
extern const struct sim_sm_rule freebsd_sm_rules[];
extern const struct sim_sm_rule illumos_sm_rules[];
extern const struct sim_sm_rule freebsd7773002_sm_rules[];

/* Kernel-model hooks, selected by the kernel kind. */
extern const struct sim_kops freebsd_kops;
extern const struct sim_kops illumos_kops;
extern const struct sim_kops freebsd7773002_kops;

#endif /* SIM_KERNEL_H */
