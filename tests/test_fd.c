/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/fd.c: descriptor allocation, close, dup/dup2, fcntl and the
 * table copy or sharing at fork.  Each test boots a simulated kernel
 * (sim_test_run) whose pid 1 runs a C body; the bodies (and those of forked
 * children) record what they observed, and the assertions run after the
 * run, on the host stack.  Pipes serve as the files under test because
 * their fo_close is observable from the peer (EOF).
 */
#include "simtest.h"

#include "../sim/pipe.h"

static void
run(void (*body)(void *))
{
	simtest_run("freebsd", body);
}

/* The file at fd (without keeping a reference), or NULL. */
static struct file *
fdfile(int fd)
{
	struct thread *td = curthread;
	struct file *fp;

	if (fget(td, fd, &fp) != 0)
		return (NULL);
	(void)fdrop(fp, td);
	return (fp);
}

static int64_t
fcntl_ret(int fd, int cmd, int64_t arg)
{
	int64_t ret = -1;
	int error;

	error = kern_fcntl(curthread, fd, cmd, arg, &ret);
	return (error != 0 ? -error : ret);
}

static void
body_lowest_free(void *arg)
{
	struct thread *td = curthread;
	int fds[2], nfd;

	CHECK(kern_pipe(td, fds, 0), 0);
	CHECK(fds[0], 0);
	CHECK(fds[1], 1);
	CHECK(kern_pipe(td, fds, 0), 0);
	CHECK(fds[0], 2);
	CHECK(fds[1], 3);
	/* The hole at 1 is filled first, then the table grows at the top. */
	CHECK(kern_close(td, 1), 0);
	CHECK(kern_pipe(td, fds, 0), 0);
	CHECK(fds[0], 1);
	CHECK(fds[1], 4);
	/* dup takes the lowest free slot too. */
	CHECK(kern_close(td, 2), 0);
	CHECK(kern_close(td, 0), 0);
	CHECK(kern_dup(td, 4, -1, &nfd), 0);
	CHECK(nfd, 0);
	CHECK(kern_dup(td, 4, -1, &nfd), 0);
	CHECK(nfd, 2);
	CHECK(kern_dup(td, 4, -1, &nfd), 0);
	CHECK(nfd, 5);
	CHECK(fdfile(5) == fdfile(4), 1);
	CHECK(fdfile(5)->f_count, 4);
}

Test(fdalloc, lowest_free_descriptor_after_closes)
{
	run(body_lowest_free);
}

static void
body_close_errors(void *arg)
{
	struct thread *td = curthread;
	int fds[2];

	CHECK(kern_pipe(td, fds, 0), 0);
	CHECK(kern_close(td, fds[1]), 0);
	CHECK(kern_close(td, fds[1]), EBADF);
	CHECK(kern_close(td, -1), EBADF);
	CHECK(kern_close(td, 500), EBADF);
	CHECK(kern_close(td, SIM_MAXFILES), EBADF);
	CHECK(fdfile(fds[1]) == NULL, 1);
	CHECK(kern_close(td, fds[0]), 0);
	CHECK(kern_close(td, fds[0]), EBADF);
}

Test(kern_close, closed_or_invalid_fd_is_ebadf)
{
	run(body_close_errors);
}

static void
body_dup2_over_open(void *arg)
{
	struct thread *td = curthread;
	int a[2], b[2], nfd;
	struct file *afp;
	char buf[16];
	size_t n;

	CHECK(kern_pipe(td, a, 0), 0);
	CHECK(kern_pipe(td, b, O_NONBLOCK), 0);
	afp = fdfile(a[0]);
	CHECK(afp->f_count, 1);
	/* b[1] is the only writer of pipe b: replacing it closes that end. */
	CHECK(kern_dup(td, a[0], b[1], &nfd), 0);
	CHECK(nfd, b[1]);
	CHECK(fdread(b[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	/* The slot now holds a[0]'s file, with a second reference. */
	CHECK(fdfile(b[1]) == afp, 1);
	CHECK(afp->f_count, 2);
	CHECK(fdwrite(a[1], "xyz", 3, &n), 0);
	CHECK(fdread(b[1], buf, sizeof(buf), &n), 0);
	CHECK(n, 3);
	CHECK(memcmp(buf, "xyz", 3), 0);
	/* Closing one of the two leaves the file open. */
	CHECK(kern_close(td, a[0]), 0);
	CHECK(afp->f_count, 1);
	CHECK(fdwrite(a[1], "q", 1, &n), 0);
	CHECK(n, 1);
}

Test(kern_dup, dup2_over_open_fd_closes_old_file)
{
	run(body_dup2_over_open);
}

static void
body_dup2_same_and_range(void *arg)
{
	struct thread *td = curthread;
	int fds[2], nfd;
	struct file *fp;

	CHECK(kern_pipe(td, fds, 0), 0);
	fp = fdfile(fds[0]);
	CHECK(kern_fcntl(td, fds[0], F_SETFD, FD_CLOEXEC, &(int64_t) { 0 }), 0);
	/* dup2(fd, fd): fd, the same file, no new reference, flags kept. */
	nfd = -1;
	CHECK(kern_dup(td, fds[0], fds[0], &nfd), 0);
	CHECK(nfd, fds[0]);
	CHECK(fdfile(fds[0]) == fp, 1);
	CHECK(fp->f_count, 1);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), FD_CLOEXEC);
	/* ... and on a closed fd it is EBADF. */
	CHECK(kern_dup(td, 7, 7, &nfd), EBADF);
	/* The table holds SIM_MAXFILES descriptors: 1024 is out of range. */
	CHECK(kern_dup(td, fds[0], SIM_MAXFILES, &nfd), EBADF);
	CHECK(kern_dup(td, fds[0], SIM_MAXFILES + 5, &nfd), EBADF);
	CHECK(fp->f_count, 1);
	CHECK(kern_dup(td, fds[0], SIM_MAXFILES - 1, &nfd), 0);
	CHECK(nfd, SIM_MAXFILES - 1);
	CHECK(fdfile(SIM_MAXFILES - 1) == fp, 1);
	/* A bad old descriptor is EBADF whatever the new one. */
	CHECK(kern_dup(td, 9, 3, &nfd), EBADF);
	CHECK(kern_dup(td, -1, 3, &nfd), EBADF);
	CHECK(fdfile(3) == NULL, 1);
	/*
	 * kern_dup() takes a negative newfd as plain dup (the sys.dup2 layer
	 * rejects negatives with EBADF before calling it).
	 */
	CHECK(kern_dup(td, fds[0], -1, &nfd), 0);
	CHECK(nfd, 2);
}

Test(kern_dup, dup2_same_fd_and_out_of_range)
{
	run(body_dup2_same_and_range);
}

static void
body_fd_flags(void *arg)
{
	struct thread *td = curthread;
	int fds[2], nfd;
	int64_t ret;

	CHECK(kern_pipe(td, fds, 0), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), 0);
	CHECK(kern_fcntl(td, fds[0], F_SETFD, FD_CLOEXEC, &ret), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), FD_CLOEXEC);
	CHECK(kern_fcntl(td, fds[0], F_SETFD, FD_CLOFORK, &ret), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), FD_CLOFORK);
	CHECK(
	    kern_fcntl(td, fds[0], F_SETFD, FD_CLOEXEC | FD_CLOFORK, &ret), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), FD_CLOEXEC | FD_CLOFORK);
	/* Descriptor flags are per slot: the other end is untouched. */
	CHECK(fcntl_ret(fds[1], F_GETFD, 0), 0);
	/* dup and dup2 give a descriptor without the close-on flags. */
	CHECK(kern_dup(td, fds[0], -1, &nfd), 0);
	CHECK(fcntl_ret(nfd, F_GETFD, 0), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), FD_CLOEXEC | FD_CLOFORK);
	CHECK(kern_dup(td, fds[0], 9, &nfd), 0);
	CHECK(fcntl_ret(9, F_GETFD, 0), 0);
	/* F_DUPFD: the lowest free at or above arg, flags cleared. */
	CHECK(fcntl_ret(fds[0], F_DUPFD, 5), 5);
	CHECK(fcntl_ret(5, F_GETFD, 0), 0);
	CHECK(fcntl_ret(fds[0], F_DUPFD, 5), 6);
	CHECK(kern_fcntl(td, fds[0], F_SETFD, 0, &ret), 0);
	CHECK(fcntl_ret(fds[0], F_GETFD, 0), 0);
	/* The file status flags are not descriptor flags. */
	CHECK(fcntl_ret(fds[0], F_GETFL, 0), O_RDWR);
	CHECK(fcntl_ret(40, F_GETFD, 0), -EBADF);
	CHECK(fcntl_ret(40, F_SETFD, FD_CLOEXEC), -EBADF);
	CHECK(fcntl_ret(fds[0], 99, 0), -EINVAL);
}

Test(kern_fcntl, setfd_cloexec_clofork_round_trip_and_dup_clears)
{
	run(body_fd_flags);
}

static void
body_setfl(void *arg)
{
	struct thread *td = curthread;
	int a[2], b[2], nfd;
	char buf[4];
	size_t n;
	int64_t ret;

	CHECK(kern_pipe(td, a, 0), 0);
	CHECK(kern_pipe(td, b, 0), 0);
	CHECK(kern_dup(td, a[0], -1, &nfd), 0);
	CHECK(fcntl_ret(a[0], F_GETFL, 0), O_RDWR);
	CHECK(kern_fcntl(td, a[0], F_SETFL, O_NONBLOCK, &ret), 0);
	CHECK(fcntl_ret(a[0], F_GETFL, 0), O_RDWR | O_NONBLOCK);
	/* The flag belongs to the file: its dup shares it, others do not. */
	CHECK(fcntl_ret(nfd, F_GETFL, 0), O_RDWR | O_NONBLOCK);
	CHECK(fcntl_ret(a[1], F_GETFL, 0), O_RDWR);
	CHECK(fcntl_ret(b[0], F_GETFL, 0), O_RDWR);
	CHECK(fcntl_ret(b[1], F_GETFL, 0), O_RDWR);
	/* F_SETFL is not F_SETFD. */
	CHECK(fcntl_ret(a[0], F_GETFD, 0), 0);
	/* It takes effect: an empty read fails instead of sleeping. */
	CHECK(fdread(a[0], buf, sizeof(buf), &n), EAGAIN);
	CHECK(fdread(nfd, buf, sizeof(buf), &n), EAGAIN);
	/* Access mode bits in the argument are ignored; clearing works. */
	CHECK(kern_fcntl(td, a[0], F_SETFL, O_WRONLY, &ret), 0);
	CHECK(fcntl_ret(a[0], F_GETFL, 0), O_RDWR);
	CHECK(kern_fcntl(td, a[0], F_SETFL, O_NONBLOCK | O_APPEND, &ret), 0);
	CHECK(fcntl_ret(a[0], F_GETFL, 0), O_RDWR | O_NONBLOCK | O_APPEND);
	CHECK(kern_fcntl(td, a[0], F_SETFL, 0, &ret), 0);
	CHECK(fcntl_ret(nfd, F_GETFL, 0), O_RDWR);
}

Test(kern_fcntl, setfl_nonblock_is_per_file)
{
	run(body_setfl);
}

static struct {
	int fds[2];
	struct filedesc *parent_fdp;
	int child_err_clofork;
	int child_err_plain;
	int64_t child_getfd_plain;
	int64_t child_getfd_cloexec;
	bool child_same_table;
	int child_refcnt;
	int child_pipe[2];
	int child_close;
} forkres;

static void
child_clofork(void *arg)
{
	struct file *fp;

	forkres.child_same_table = curproc->p_fd == forkres.parent_fdp;
	forkres.child_err_clofork = fget(curthread, forkres.fds[1], &fp);
	if (forkres.child_err_clofork == 0)
		(void)fdrop(fp, curthread);
	forkres.child_err_plain = fget(curthread, forkres.fds[0], &fp);
	if (forkres.child_err_plain == 0)
		(void)fdrop(fp, curthread);
	forkres.child_getfd_plain = fcntl_ret(2, F_GETFD, 0);
	forkres.child_getfd_cloexec = fcntl_ret(forkres.fds[0], F_GETFD, 0);
	/* Closing the child's copy leaves the parent's descriptor alone. */
	forkres.child_close = kern_close(curthread, forkres.fds[0]);
}

static void
body_clofork(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid, nfd;
	struct file *wfp;
	int64_t ret;

	memset(&forkres, 0, sizeof(forkres));
	forkres.parent_fdp = curproc->p_fd;
	CHECK(kern_pipe(td, forkres.fds, 0), 0);
	CHECK(kern_dup(td, forkres.fds[0], -1, &nfd), 0);
	CHECK(nfd, 2);
	CHECK(kern_fcntl(td, forkres.fds[1], F_SETFD, FD_CLOFORK, &ret), 0);
	CHECK(kern_fcntl(td, forkres.fds[0], F_SETFD, FD_CLOEXEC, &ret), 0);
	wfp = fdfile(forkres.fds[1]);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_clofork, NULL, &pid), 0);
	/* The close-on-fork file was not copied: no extra reference. */
	CHECK(wfp->f_count, 1);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, 0);
	CHECK(forkres.child_same_table, 0);
	CHECK(forkres.child_err_clofork, EBADF);
	CHECK(forkres.child_err_plain, 0);
	CHECK(forkres.child_getfd_plain, 0);
	/* Close-on-exec is inherited by fork. */
	CHECK(forkres.child_getfd_cloexec, FD_CLOEXEC);
	CHECK(forkres.child_close, 0);
	/* The parent keeps both, with their flags. */
	CHECK(fdfile(forkres.fds[1]) == wfp, 1);
	CHECK(fcntl_ret(forkres.fds[1], F_GETFD, 0), FD_CLOFORK);
	CHECK(fcntl_ret(forkres.fds[0], F_GETFD, 0), FD_CLOEXEC);
	CHECK(fdfile(forkres.fds[0])->f_count, 2);
}

Test(fdcopy, clofork_descriptor_absent_in_child_present_in_parent)
{
	run(body_clofork);
}

static void
child_shared(void *arg)
{
	forkres.child_same_table = curproc->p_fd == forkres.parent_fdp;
	forkres.child_refcnt = curproc->p_fd->fd_refcnt;
	(void)kern_pipe(curthread, forkres.child_pipe, 0);
	forkres.child_close = kern_close(curthread, forkres.fds[1]);
}

static void
body_shared_table(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;
	char buf[4];
	size_t n;

	memset(&forkres, 0, sizeof(forkres));
	forkres.parent_fdp = curproc->p_fd;
	CHECK(kern_pipe(td, forkres.fds, O_NONBLOCK), 0);
	CHECK(fork1_c(td, RFPROC, child_shared, NULL, &pid), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(forkres.child_same_table, 1);
	CHECK(forkres.child_refcnt, 2);
	CHECK(forkres.child_close, 0);
	/* The child's close emptied the parent's slot and closed the end. */
	CHECK(fdfile(forkres.fds[1]) == NULL, 1);
	CHECK(kern_close(td, forkres.fds[1]), EBADF);
	CHECK(fdread(forkres.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	/* What the child opened survives its exit in the shared table. */
	CHECK(forkres.child_pipe[0], 2);
	CHECK(forkres.child_pipe[1], 3);
	CHECK(fdwrite(3, "ok", 2, &n), 0);
	CHECK(fdread(2, buf, sizeof(buf), &n), 0);
	CHECK(n, 2);
	CHECK(curproc->p_fd->fd_refcnt, 1);
	CHECK(curproc->p_fd == forkres.parent_fdp, 1);
}

Test(fdcopy, shared_table_without_rffdg_sees_child_close)
{
	run(body_shared_table);
}

static void
child_copy_close(void *arg)
{
	/* Closing the child's only copy of the write end: not the last. */
	forkres.child_close = kern_close(curthread, forkres.fds[1]);
}

static void
body_copy_refs(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;
	char buf[4];
	size_t n;

	memset(&forkres, 0, sizeof(forkres));
	CHECK(kern_pipe(td, forkres.fds, O_NONBLOCK), 0);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_copy_close, NULL, &pid), 0);
	CHECK(fdfile(forkres.fds[1])->f_count, 2);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(forkres.child_close, 0);
	/* The parent's writer remains: no EOF, just nothing to read. */
	CHECK(fdfile(forkres.fds[1])->f_count, 1);
	CHECK(fdread(forkres.fds[0], buf, sizeof(buf), &n), EAGAIN);
	CHECK(kern_close(td, forkres.fds[1]), 0);
	CHECK(fdread(forkres.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
}

Test(fdcopy, copied_table_holds_its_own_references)
{
	run(body_copy_refs);
}
