/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files and descriptor tables (see fd.h).  Models kern_descrip.c: fdalloc()
 * (lowest free slot), falloc(), fget(), fhold()/fdrop(), kern_close() with
 * knote_fdclose() under FILEDESC_XLOCK, kern_dup(), kern_fcntl(), fdcopy()
 * in two passes and fdescfree().  Every slot change is a transition of
 * 'filedesc#N' field "fd[K]" (the file's name, or "" for an empty slot), and
 * every reference count change one of 'file#N' field "f_count".
 *
 * Part of the shared kernel layer: imports only kernel.h, the other shared
 * files (fd, proc, pipe, socket, vfs, selinfo, sim) and the engine; reaches
 * the kernel models only through sim_kops, and includes no Lua.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "pipe.h"
#include "proc.h"

#define NDFILE 20

static const struct sim_flagname fde_flag_names[] = {
	{ UF_EXCLOSE, "CLOEXEC" },
	{ UF_FOCLOSE, "CLOFORK" },
	{ 0, NULL },
};

/*
 * The live files of the run, from falloc_noinstall() to the fdrop() that
 * frees them: an open-addressing set of pointers, so that the invariant
 * checks (sim/invariants.c) can ask whether a pointer still names a file
 * without reading freed memory.  XXX: FreeBSD keeps no such set (its old
 * 'filehead' list in kern_descrip.c went long ago); it exists for the
 * checker only.
 */
static struct {
	uint64_t gen;
	struct file **slots;
	size_t cap, n;
} files;

static void
files_reset(void)
{
	if (files.gen == sched_generation())
		return;
	free(files.slots);
	memset(&files, 0, sizeof(files));
	files.gen = sched_generation();
}

static size_t
files_hash(const struct file *fp, size_t cap)
{
	uintptr_t v = (uintptr_t)fp;

	v ^= v >> 17;
	v *= (uintptr_t)0x9e3779b97f4a7c15ULL;
	return ((size_t)(v >> 7) & (cap - 1));
}

static size_t
files_find(const struct file *fp)
{
	size_t i;

	if (files.cap == 0)
		return ((size_t)-1);
	for (i = files_hash(fp, files.cap);; i = (i + 1) & (files.cap - 1)) {
		if (files.slots[i] == fp)
			return (i);
		if (files.slots[i] == NULL)
			return ((size_t)-1);
	}
}

static void files_insert(struct file *fp);

static void
files_grow(void)
{
	struct file **old = files.slots;
	size_t i, ocap = files.cap;

	files.cap = ocap ? ocap * 2 : 64;
	files.slots = calloc(files.cap, sizeof(*files.slots));
	if (files.slots == NULL)
		sim_oom();
	files.n = 0;
	for (i = 0; i < ocap; i++)
		if (old[i] != NULL)
			files_insert(old[i]);
	free(old);
}

static void
files_insert(struct file *fp)
{
	size_t i;

	if ((files.n + 1) * 2 > files.cap)
		files_grow();
	for (i = files_hash(fp, files.cap); files.slots[i] != NULL;
	     i = (i + 1) & (files.cap - 1))
		;
	files.slots[i] = fp;
	files.n++;
}

/* A file of the run is created. */
static void
files_add(struct file *fp)
{
	files_reset();
	if (files_find(fp) == (size_t)-1)
		files_insert(fp);
}

/* A file of the run is freed. */
static void
files_remove(struct file *fp)
{
	size_t i, j;

	files_reset();
	i = files_find(fp);
	if (i == (size_t)-1)
		return;
	/* Backward-shift deletion keeps the probe chains intact. */
	files.slots[i] = NULL;
	files.n--;
	for (j = (i + 1) & (files.cap - 1); files.slots[j] != NULL;
	     j = (j + 1) & (files.cap - 1)) {
		struct file *f = files.slots[j];

		files.slots[j] = NULL;
		files.n--;
		files_insert(f);
	}
}

bool
fd_file_live(const struct file *fp)
{
	files_reset();
	return (files_find(fp) != (size_t)-1);
}

struct file *
fd_file_live_any(void)
{
	size_t i;

	files_reset();
	for (i = 0; i < files.cap; i++)
		if (files.slots[i] != NULL)
			return (files.slots[i]);
	return (NULL);
}

int
fd_maxfiles(void)
{
	return ((int)sim_tunable("kern.maxfilesperproc"));
}

int
fdinit(struct filedesc **ret_fdp)
{
	struct filedesc *fdp = sim_calloc(1, sizeof(*fdp));

	if (fdp == NULL)
		sim_oom();
	fdp->fd_ofiles = sim_calloc(NDFILE, sizeof(*fdp->fd_ofiles));
	if (fdp->fd_ofiles == NULL)
		sim_oom();
	fdp->fd_nfiles = NDFILE;
	fdp->fd_refcnt = 1;
	sx_init(&fdp->fd_sx, "filedesc structure");
	TAILQ_INIT(&fdp->fd_kqlist);
	sim_obj_init(&fdp->fd_obj, "filedesc");
	*ret_fdp = fdp;
	return (0);
}

/*
 * Grows the table to hold index fd (fdgrowtable()).  As in the kernel, a
 * table never shrinks, and the limit is not checked here: fdalloc() and
 * kern_dup() check kern.maxfilesperproc before they grow, while fdcopy()
 * copies the whole parent table even where the limit has been lowered
 * below it since.
 */
static void
fdgrowtable(struct filedesc *fdp, int fd)
{
	int n = fdp->fd_nfiles;
	struct filedescent *nf;

	if (fd < n)
		return; /* "the table is already large enough" */
	while (n <= fd)
		n *= 2;
	/* Doubling stops at the limit, or at fd + 1 where fd is past it. */
	if (n > fd_maxfiles())
		n = fd_maxfiles() > fd ? fd_maxfiles() : fd + 1;
	nf = sim_realloc(fdp->fd_ofiles, sizeof(*nf) * (size_t)n);
	if (nf == NULL)
		sim_oom();
	memset(
	    nf + fdp->fd_nfiles, 0, sizeof(*nf) * (size_t)(n - fdp->fd_nfiles));
	fdp->fd_ofiles = nf;
	fdp->fd_nfiles = n;
}

/*
 * Labels fp in the 'objects' table: its type, which end of a pipe it is, and
 * the descriptors that hold it in every process ("pipe read end, fd 3 of
 * pid 1, fd 3 of pid 2").  'f_ndesc' spares the search of every table: none
 * when no slot holds fp, and only its last slot when that one is the only.
 */
static void
file_label(const struct file *fp, const char *kind, bool closing)
{
	const struct filedesc *fdp;
	const struct pipe *pi;
	char buf[400];
	struct proc *p;
	size_t n;
	int fd, slot, nfds = 0;

	if (fp == NULL || !sim_labels_on())
		return;
	if (fp->f_ops != NULL && fp->f_ops->fo_name != NULL)
		kind = fp->f_ops->fo_name;
	n = (size_t)snprintf(buf, sizeof(buf), "%s", kind);
	if (fp->f_type == DTYPE_PIPE && fp->f_data != NULL) {
		pi = fp->f_data;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s %s",
		    pi->pipe_obj.so_name,
		    pi == &pi->pipe_pair->pp_rpipe ? "read end" : "write end");
	}
	fdp = fp->f_ndesc == 1 ? fp->f_slotfdp : NULL;
	slot = fp->f_slotfd;
	for (p = proc_first(); p != NULL && n < sizeof(buf) && fp->f_ndesc > 0;
	     p = proc_next(p)) {
		if (p->p_fd == NULL || (fdp != NULL && p->p_fd != fdp))
			continue;
		for (fd = fdp != NULL ? slot : 0;
		     fd < (fdp != NULL ? slot + 1 : p->p_fd->fd_nfiles)
		     && n < sizeof(buf);
		     fd++)
			if (p->p_fd->fd_ofiles[fd].fde_file == fp) {
				n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				    ", fd %d of pid %d", fd, p->p_pid);
				nfds++;
			}
	}
	/* A file's last descriptor closing leaves the label that names it. */
	if (closing && nfds == 0)
		return;
	sim_obj_label(&fp->f_obj, "%s", buf);
}

static void
slot_set(struct filedesc *fdp, int fd, struct file *fp, uint8_t flags,
    const char *func)
{
	struct file *ofp = fdp->fd_ofiles[fd].fde_file;

	struct filedescent *fde = &fdp->fd_ofiles[fd];
	char field[24];

	if (fde->fde_file != fp)
		sim_trace_str(func, &fdp->fd_obj,
		    sim_field_index(field, sizeof(field), "fd", fd, ""),
		    fde->fde_file != NULL ? fde->fde_file->f_obj.so_name : "",
		    fp != NULL ? fp->f_obj.so_name : "");
	if (ofp != fp) {
		if (ofp != NULL) {
			ofp->f_ndesc--;
			if (ofp->f_slotfdp == fdp && ofp->f_slotfd == fd)
				ofp->f_slotfdp = NULL;
		}
		if (fp != NULL) {
			fp->f_ndesc++;
			fp->f_slotfdp = fdp;
			fp->f_slotfd = fd;
		}
	}
	fde->fde_file = fp;
	if (fp != NULL && fd >= fdp->fd_hiwat)
		fdp->fd_hiwat = fd + 1;
	if (fp == NULL && fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	else if (fp != NULL && fd == fdp->fd_freefile)
		fdp->fd_freefile = fd + 1;
	if (fde->fde_flags != flags) {
		sim_field_index(field, sizeof(field), "fd", fd, ".flags");
		sim_trace_flags(func, &fdp->fd_obj, field, fde_flag_names,
		    fde->fde_flags, flags);
		fde->fde_flags = flags;
	}
	if (ofp != fp) {
		file_label(ofp, "file", true);
		file_label(fp, "file", false);
	}
}

/* Models fdalloc(): the lowest free descriptor >= minfd, or EMFILE. */
static int
fdalloc(struct filedesc *fdp, int minfd, int *ret_fd)
{
	int fd, max = fd_maxfiles();

	/* The table is full: kern.maxfilesperproc, RLIMIT_NOFILE. */
	if (SIM_FAIL_POINT(SIM_FP_FDALLOC_MAXFILESPERPROC))
		return (EMFILE);
	/* Every slot below 'fd_freefile' is in use (FreeBSD's hint). */
	for (fd = minfd > fdp->fd_freefile ? minfd : fdp->fd_freefile; fd < max;
	     fd++) {
		if (fd >= fdp->fd_nfiles)
			fdgrowtable(fdp, fd);
		if (fdp->fd_ofiles[fd].fde_file == NULL) {
			*ret_fd = fd;
			return (0);
		}
	}
	return (EMFILE);
}

struct file *
fget_noref(struct filedesc *fdp, int fd)
{
	if (fd < 0 || fd >= fdp->fd_nfiles)
		return (NULL);
	return (fdp->fd_ofiles[fd].fde_file);
}

int
fget(struct thread *td, int fd, struct file **ret_fp)
{
	struct file *fp = fget_noref(td->td_proc->p_fd, fd);

	if (fp == NULL)
		return (EBADF);
	/*
	 * fget_unlocked(): the reference is taken only if the file is not
	 * being closed (refcount_acquire_if_not_zero); a file closed under
	 * us is EBADF, as if the slot were already empty.
	 */
	if (SIM_FAIL_POINT(SIM_FP_FGET_FHOLD))
		return (EBADF);
	fhold(fp);
	*ret_fp = fp;
	return (0);
}

void
fhold(struct file *fp)
{
	SIM_SET(&fp->f_obj, "f_count", fp->f_count, fp->f_count + 1);
}

int
fdrop(struct file *fp, struct thread *td)
{
	int error = 0;

	KASSERT(fp->f_count > 0,
	    ("fdrop: file %s count %d", fp->f_obj.so_name, fp->f_count));
	SIM_SET(&fp->f_obj, "f_count", fp->f_count, fp->f_count - 1);
	if (fp->f_count > 0)
		return (0);
	/* vn_close() and soclose() may sleep: Giant goes (FreeBSD 5.x). */
	if (fp->f_type == DTYPE_VNODE || fp->f_type == DTYPE_SOCKET)
		sim_giant_may_sleep();
	if (fp->f_ops != NULL && fp->f_ops->fo_close != NULL)
		error = fp->f_ops->fo_close(fp, td);
	sim_trace_freed(__func__, &fp->f_obj);
	files_remove(fp);
	sim_quarantine(fp, &fp->f_obj, __func__);
	return (error);
}

/*
 * Models badfileops in sys/kern/kern_descrip.c: the operations of a file
 * between falloc_noinstall() and finit().  Not passable, so that fdcopy()
 * leaves the slot of a file still being set up empty in the child, as a
 * fork racing a pipe()/socketpair()/kqueue()/open() in another thread of
 * the process does in FreeBSD.  badfo_close() has nothing to release; a
 * NULL fo_read/fo_write makes read(2) and write(2) fail.
 */
const struct fileops badfileops = {
	.fo_name = "badfileops",
	.fo_flags = 0,
};

/* Models falloc_noinstall() in sys/kern/kern_descrip.c. */
struct file *
falloc_noinstall(const char *kind)
{
	struct file *fp = sim_calloc(1, sizeof(*fp));

	(void)kind;
	if (fp == NULL)
		sim_oom();
	fp->f_ops = &badfileops;
	sim_obj_init(&fp->f_obj, "file");
	sim_trace_created("falloc_noinstall", &fp->f_obj);
	files_add(fp);
	SIM_SET(&fp->f_obj, "f_count", fp->f_count, 1);
	return (fp);
}

void
fdinstall_at(struct filedesc *fdp, int fd, struct file *fp, uint8_t fde_flags)
{
	if (fd >= fdp->fd_nfiles)
		fdgrowtable(fdp, fd);
	KASSERT(fdp->fd_ofiles[fd].fde_file == NULL,
	    ("fdinstall_at: slot %d busy", fd));
	slot_set(fdp, fd, fp, fde_flags, "finstall");
}

static uint8_t
fde_flags_of(int flags)
{
	return ((flags & O_CLOEXEC ? UF_EXCLOSE : 0)
	    | (flags & O_CLOFORK ? UF_FOCLOSE : 0));
}

/* Models falloc_caps(): a file for the table and a reference for td. */
int
falloc(struct thread *td, struct file **ret_fp, int *ret_fd, int flags)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct file *fp;
	int fd, error;

	FILEDESC_XLOCK(fdp);
	error = fdalloc(fdp, 0, &fd);
	if (error != 0) {
		FILEDESC_XUNLOCK(fdp);
		return (error);
	}
	fp = falloc_noinstall(NULL);
	fhold(fp);
	fdinstall_at(fdp, fd, fp, fde_flags_of(flags));
	FILEDESC_XUNLOCK(fdp);
	*ret_fp = fp;
	*ret_fd = fd;
	return (0);
}

void
finit(
    struct file *fp, int flag, int type, void *data, const struct fileops *ops)
{
	fp->f_flag = flag;
	fp->f_type = type;
	fp->f_data = data;
	fp->f_ops = ops;
	file_label(fp, "file", false);
}

/* Models fdclose() in sys/kern/kern_descrip.c. */
void
fdclose(struct thread *td, struct file *fp, int fd)
{
	struct filedesc *fdp = td->td_proc->p_fd;

	FILEDESC_XLOCK(fdp);
	if (fget_noref(fdp, fd) == fp) {
		slot_set(fdp, fd, NULL, 0, "fdfree");
		FILEDESC_XUNLOCK(fdp);
		(void)fdrop(fp, td);
	} else
		FILEDESC_XUNLOCK(fdp);
}

/*
 * Models closefp(): the slot is already empty; knote_fdclose() (or the
 * kernel's equivalent) runs with the table locked, then the reference the
 * table held is dropped.
 */
static int
closefp(struct filedesc *fdp, int fd, struct file *fp, struct thread *td)
{
	if (sim_kern->k_ops->ko_fdclose != NULL)
		sim_kern->k_ops->ko_fdclose(td, fd, fp);
	FILEDESC_XUNLOCK(fdp);
	return (fdrop(fp, td));
}

/* Models kern_close() in sys/kern/kern_descrip.c. */
int
kern_close(struct thread *td, int fd)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct file *fp;
	int error;

	sim_giant_lock(); /* close() of FreeBSD 5.x ran under Giant */
	FILEDESC_XLOCK(fdp);
	fp = fget_noref(fdp, fd);
	if (fp == NULL) {
		FILEDESC_XUNLOCK(fdp);
		sim_giant_unlock();
		return (EBADF);
	}
	slot_set(fdp, fd, NULL, 0, "fdfree");
	error = closefp(fdp, fd, fp, td);
	sim_giant_unlock();
	return (error);
}

static int dup_common(struct thread *td, int oldfd, int newfd, int *ret_fd);

/* dup() and dup2() of FreeBSD 5.x ran under Giant (sim_giant_lock()). */
int
kern_dup(struct thread *td, int oldfd, int newfd, int *ret_fd)
{
	int error;

	sim_giant_lock();
	error = dup_common(td, oldfd, newfd, ret_fd);
	sim_giant_unlock();
	return (error);
}

/* Models kern_dup(): FDDUP_NORMAL (newfd < 0) and FDDUP_FIXED (dup2). */
static int
dup_common(struct thread *td, int oldfd, int newfd, int *ret_fd)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct file *fp, *oldfp;
	int fd, error;

	FILEDESC_XLOCK(fdp);
	fp = fget_noref(fdp, oldfd);
	if (fp == NULL) {
		FILEDESC_XUNLOCK(fdp);
		return (EBADF);
	}
	if (newfd >= fd_maxfiles()) {
		FILEDESC_XUNLOCK(fdp);
		return (EBADF);
	}
	if (newfd == oldfd) {
		FILEDESC_XUNLOCK(fdp);
		*ret_fd = newfd;
		return (0);
	}
	if (newfd < 0) {
		error = fdalloc(fdp, 0, &fd);
		if (error != 0) {
			FILEDESC_XUNLOCK(fdp);
			return (error);
		}
	} else {
		fd = newfd;
		if (fd >= fdp->fd_nfiles)
			fdgrowtable(fdp, fd);
	}
	fhold(fp);
	oldfp = fdp->fd_ofiles[fd].fde_file;
	if (oldfp != NULL) {
		/* dup2 over an open descriptor closes it first. */
		slot_set(fdp, fd, NULL, 0, "fdfree");
		if (sim_kern->k_ops->ko_fdclose != NULL)
			sim_kern->k_ops->ko_fdclose(td, fd, oldfp);
	}
	slot_set(fdp, fd, fp, 0, "kern_dup");
	FILEDESC_XUNLOCK(fdp);
	if (oldfp != NULL)
		(void)fdrop(oldfp, td);
	*ret_fd = fd;
	return (0);
}

/*
 * Models kern_fcntl() in sys/kern/kern_descrip.c for F_DUPFD, F_GETFD,
 * F_SETFD, F_GETFL and F_SETFL.
 */
int
kern_fcntl(struct thread *td, int fd, int cmd, int64_t arg, int64_t *ret)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct filedescent *fde;
	struct file *fp;
	int nfd, error;

	fp = fget_noref(fdp, fd);
	if (fp == NULL)
		return (EBADF);
	fde = &fdp->fd_ofiles[fd];
	switch (cmd) {
	case F_DUPFD:
		if (arg < 0 || arg >= fd_maxfiles())
			return (EINVAL);
		FILEDESC_XLOCK(fdp);
		error = fdalloc(fdp, (int)arg, &nfd);
		if (error == 0) {
			fhold(fp);
			slot_set(fdp, nfd, fp, 0, "kern_dup");
			*ret = nfd;
		}
		FILEDESC_XUNLOCK(fdp);
		return (error);
	case F_GETFD:
		*ret = (fde->fde_flags & UF_EXCLOSE ? FD_CLOEXEC : 0)
		    | (fde->fde_flags & UF_FOCLOSE ? FD_CLOFORK : 0);
		return (0);
	case F_SETFD:
		FILEDESC_XLOCK(fdp);
		slot_set(fdp, fd, fp,
		    (arg & FD_CLOEXEC ? UF_EXCLOSE : 0)
			| (arg & FD_CLOFORK ? UF_FOCLOSE : 0),
		    __func__);
		FILEDESC_XUNLOCK(fdp);
		*ret = 0;
		return (0);
	case F_GETFL:
		*ret = ((fp->f_flag & (FREAD | FWRITE)) - 1)
		    | (fp->f_flag & (FNONBLOCK | FAPPEND));
		return (0);
	case F_SETFL:
		SIM_SET(&fp->f_obj, "f_flag", fp->f_flag,
		    (fp->f_flag & ~(FNONBLOCK | FAPPEND))
			| ((int)arg & (FNONBLOCK | FAPPEND)));
		*ret = 0;
		return (0);
	default:
		return (EINVAL);
	}
}

struct filedesc *
fdshare(struct filedesc *fdp)
{
	SIM_SET(&fdp->fd_obj, "fd_refcnt", fdp->fd_refcnt, fdp->fd_refcnt + 1);
	return (fdp);
}

/*
 * Models fdcopy(): pass 1 copies passable descriptors and lets DFLAG_FORK
 * files (CPONFORK kqueues) allocate their child file at the same index;
 * pass 2, once the whole child table exists, lets them finish (copy their
 * knotes, which may refer to other descriptors of the child).  Descriptors
 * marked close-on-fork are not copied; kqueues without CPONFORK are not
 * passable and leave their slot empty.
 */
int
fdcopy(struct thread *td, struct filedesc *fdp, struct filedesc **ret)
{
	struct filedesc *newfdp;
	struct file *fp, *fp1;
	int fd, n;

	fdinit(&newfdp);
	/* The caller names the owner once the copy is done. */
	sim_obj_label(&newfdp->fd_obj, "descriptor table copied from %s",
	    fdp->fd_obj.so_name);
	FILEDESC_SLOCK(fdp);
	n = fdp->fd_nfiles;
	if (n > newfdp->fd_nfiles)
		fdgrowtable(newfdp, n - 1);
	for (fd = 0; fd < n; fd++) {
		struct filedescent *fde = &fdp->fd_ofiles[fd];

		fp = fde->fde_file;
		if (fp == NULL || (fde->fde_flags & UF_FOCLOSE))
			continue;
		if (fp->f_ops->fo_flags & DFLAG_FORK) {
			if (fp->f_ops->fo_fork(newfdp, fp, &fp1, td) != 0)
				continue;
			slot_set(newfdp, fd, fp1, fde->fde_flags, "fdcopy");
			continue;
		}
		if ((fp->f_ops->fo_flags & DFLAG_PASSABLE) == 0)
			continue;
		fhold(fp);
		slot_set(newfdp, fd, fp, fde->fde_flags, "fdcopy");
	}
	FILEDESC_SUNLOCK(fdp);
	for (fd = 0; fd < newfdp->fd_nfiles; fd++) {
		fp1 = newfdp->fd_ofiles[fd].fde_file;
		if (fp1 != NULL && (fp1->f_ops->fo_flags & DFLAG_FORK))
			(void)fp1->f_ops->fo_fork(newfdp, NULL, &fp1, td);
	}
	*ret = newfdp;
	return (0);
}

/* Models fdescfree(): closes every descriptor with closef() at exit. */
void
fdescfree(struct thread *td)
{
	struct proc *p = td->td_proc;
	struct filedesc *fdp = p->p_fd;
	struct file *fp;
	int fd;

	if (fdp == NULL)
		return;
	FILEDESC_XLOCK(fdp);
	SIM_SET(&fdp->fd_obj, "fd_refcnt", fdp->fd_refcnt, fdp->fd_refcnt - 1);
	if (fdp->fd_refcnt > 0) {
		/*
		 * FreeBSD clears p_fd before releasing its reference: once
		 * the lock is dropped the last sharer may free the table.
		 */
		p->p_fd = NULL;
		FILEDESC_XUNLOCK(fdp);
		return;
	}
	for (fd = 0; fd < fdp->fd_nfiles; fd++) {
		fp = fdp->fd_ofiles[fd].fde_file;
		if (fp == NULL)
			continue;
		slot_set(fdp, fd, NULL, 0, __func__);
		FILEDESC_XUNLOCK(fdp);
		(void)fdrop(fp, td);
		FILEDESC_XLOCK(fdp);
	}
	FILEDESC_XUNLOCK(fdp);
	p->p_fd = NULL;
	sim_free(fdp->fd_knlist);
	sim_free(fdp->fd_knhash);
	sim_free(fdp->fd_ofiles);
	sim_quarantine(fdp, &fdp->fd_obj, __func__);
}
