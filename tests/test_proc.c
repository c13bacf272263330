/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/proc.c: fork, exit and wait statuses, zombies, reparenting
 * to pid 1, single-threading at exit, kill and the signal dispositions.
 * Each test boots a simulated kernel (sim_test_run) whose pid 1 runs a C
 * body; children are forked with C bodies (fork1_c).  Every body records
 * what it observed, and the assertions run after the run, on the host
 * stack.  The bodies call sys() after a call where a real syscall would
 * return to user space, so that pending signals act (userret).
 */
#include "simtest.h"

#include "../sim/pipe.h"

/* What the children saw; reset by run(). */
static struct {
	int pid[4];
	int ppid[4];
	int error[4];
	int reached[4];
	int64_t when[4];
	int fds[2];
	int chan;
} kid;

static void
run(void (*body)(void *))
{
	memset(&kid, 0, sizeof(kid));
	simtest_run("freebsd", body);
}

/* W*() of <sys/wait.h>. */
static bool
wifexited(int status)
{
	return ((status & 0177) == 0);
}

static int
wexitstatus(int status)
{
	return ((status >> 8) & 0xff);
}

static bool
wifsignaled(int status)
{
	return ((status & 0177) != 0177 && (status & 0177) != 0);
}

static int
wtermsig(int status)
{
	return (status & 0177);
}

static void
child_record(void *arg)
{
	int i = (int)(intptr_t)arg;

	kid.pid[i] = curproc->p_pid;
	kid.ppid[i] = curproc->p_pptr->p_pid;
	kid.reached[i] = 1;
}

static void
body_fork_pids(void *arg)
{
	struct thread *td = curthread;
	int pid1, pid2, status, rpid;

	CHECK(curproc->p_pid, 1);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_record, (void *)0, &pid1), 0);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_record, (void *)1, &pid2), 0);
	CHECK(pid1 > 1, 1);
	CHECK(pid2 > pid1, 1);
	CHECK(kern_wait(td, pid2, &status, 0, &rpid), 0);
	CHECK(rpid, pid2);
	CHECK(kern_wait(td, pid1, &status, 0, &rpid), 0);
	CHECK(rpid, pid1);
	CHECK(kid.reached[0] && kid.reached[1], 1);
	CHECK(kid.pid[0], pid1);
	CHECK(kid.pid[1], pid2);
	CHECK(kid.ppid[0], 1);
	CHECK(kid.ppid[1], 1);
	/* Bad flags. */
	CHECK(fork1_c(td, RFFDG, child_record, (void *)2, &pid1), EINVAL);
	CHECK(fork1_c(
		  td, RFPROC | RFFDG | RFCFDG, child_record, (void *)2, &pid1),
	    EINVAL);
	CHECK(
	    fork1_c(td, RFPROC | 0x1, child_record, (void *)2, &pid1), EINVAL);
	CHECK(kid.reached[2], 0);
}

Test(fork1, distinct_increasing_pids_and_parent)
{
	run(body_fork_pids);
}

static void
child_exit7(void *arg)
{
	exit1(curthread, (int)(intptr_t)arg, 0);
}

static void
body_exit_status(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_exit7, (void *)7, &pid), 0);
	CHECK(kern_wait(td, -1, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, 7 << 8);
	CHECK(wifexited(status), 1);
	CHECK(wexitstatus(status), 7);
	/* Only the low 8 bits of the exit code are kept. */
	CHECK(fork1_c(td, RFPROC | RFFDG, child_exit7, (void *)0x1ff, &pid), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, 0xff << 8);
	/* Returning from the main function is exit(0). */
	CHECK(fork1_c(td, RFPROC | RFFDG, child_record, (void *)0, &pid), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, 0);
	CHECK(wifexited(status), 1);
	CHECK(kern_wait(td, -1, &status, 0, &rpid), ECHILD);
	CHECK(kern_wait(td, 5, &status, 0, &rpid), ECHILD);
	CHECK(kern_wait(td, -1, &status, 0x40, &rpid), EINVAL);
}

Test(kern_wait, exit_status_encoding)
{
	run(body_exit_status);
}

static void
child_blocked_reader(void *arg)
{
	char buf[8];
	size_t n;

	kid.error[0] = sys(fdread(kid.fds[0], buf, sizeof(buf), &n));
	/* Not reached when the signal kills. */
	kid.reached[0] = 1;
}

static void
body_killed_by_sigterm(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(kern_pipe(td, kid.fds, 0), 0);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_blocked_reader, NULL, &pid), 0);
	nap(5);
	CHECK(kern_kill(td, pid, SIGTERM), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, SIGTERM);
	CHECK(wifsignaled(status), 1);
	CHECK(wtermsig(status), 15);
	CHECK(wifexited(status), 0);
	CHECK(kid.error[0], 0); /* the sys() never returned */
	CHECK(kid.reached[0], 0);
	CHECK(sched_now(), 5 * MS);
}

Test(kern_kill, sigterm_default_action_kills_with_status_15)
{
	run(body_killed_by_sigterm);
}

static void
body_zombie(void *arg)
{
	struct thread *td = curthread;
	int pid, status = -1, rpid = -1;
	struct proc *z;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_exit7, (void *)3, &pid), 0);
	nap(10);
	/* The child has exited: a zombie until its parent waits. */
	z = pfind_any(pid);
	CHECK(z != NULL, 1);
	CHECK(z != NULL ? z->p_state : -1, PRS_ZOMBIE);
	CHECK(z != NULL ? z->p_numthreads : -1, 0);
	CHECK(z != NULL ? z->p_fd == NULL : 0, 1);
	CHECK(pfind(pid) == NULL, 1);
	/* kill() finds a zombie (FreeBSD pfind_any) but does nothing. */
	CHECK(kern_kill(td, pid, 0), 0);
	CHECK(kern_kill(td, pid, SIGTERM), 0);
	/* WNOHANG reaps it too. */
	CHECK(kern_wait(td, pid, &status, WNOHANG, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, 3 << 8);
	CHECK(pfind_any(pid) == NULL, 1);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), ECHILD);
	CHECK(kern_kill(td, pid, 0), ESRCH);
}

Test(kern_wait, zombie_stays_until_waited)
{
	run(body_zombie);
}

static void
child_nap_exit(void *arg)
{
	nap((int64_t)(intptr_t)arg);
	exit1(curthread, 1, 0);
}

static void
body_wnohang(void *arg)
{
	struct thread *td = curthread;
	int pid, status = -1, rpid = -1;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_nap_exit, (void *)10, &pid), 0);
	CHECK(kern_wait(td, pid, &status, WNOHANG, &rpid), 0);
	CHECK(rpid, 0);
	CHECK(status, 0);
	CHECK(kern_wait(td, -1, &status, WNOHANG, &rpid), 0);
	CHECK(rpid, 0);
	CHECK(pfind(pid) != NULL, 1);
	/* A blocking wait returns when the child exits. */
	CHECK(kern_wait(td, -1, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, 1 << 8);
	CHECK(sched_now(), 10 * MS);
	CHECK(kern_wait(td, -1, &status, WNOHANG, &rpid), ECHILD);
}

Test(kern_wait, wnohang_with_live_child_returns_zero)
{
	run(body_wnohang);
}

static void
grandchild(void *arg)
{
	kid.ppid[1] = curproc->p_pptr->p_pid;
	nap(10);
	/* By now the parent has exited. */
	kid.ppid[2] = curproc->p_pptr->p_pid;
	exit1(curthread, 5, 0);
}

static void
child_orphaner(void *arg)
{
	int pid;

	kid.error[0]
	    = fork1_c(curthread, RFPROC | RFFDG, grandchild, NULL, &pid);
	kid.pid[1] = pid;
	nap(1);
	exit1(curthread, 2, 0);
}

static void
body_orphan(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_orphaner, NULL, &pid), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, 2 << 8);
	CHECK(kid.error[0], 0);
	CHECK(kid.ppid[1], pid);
	CHECK(pfind(kid.pid[1]) != NULL, 1);
	CHECK(pfind(kid.pid[1])->p_pptr == curproc, 1);
	/* The orphan is pid 1's child now: its wait reaps it. */
	CHECK(kern_wait(td, -1, &status, 0, &rpid), 0);
	CHECK(rpid, kid.pid[1]);
	CHECK(status, 5 << 8);
	CHECK(kid.ppid[2], 1);
	CHECK(sched_now(), 10 * MS);
	CHECK(kern_wait(td, -1, &status, 0, &rpid), ECHILD);
}

Test(proc_reparent, orphan_goes_to_pid1_and_is_reaped_by_its_wait)
{
	run(body_orphan);
}

static void
zombie_grandchild(void *arg)
{
	exit1(curthread, 4, 0);
}

static void
middle_child(void *arg)
{
	int pid;

	(void)fork1_c(curthread, RFPROC | RFFDG, zombie_grandchild, NULL, &pid);
	kid.pid[2] = pid;
	/* Exits without waiting: its zombie child goes to pid 1. */
	nap(10);
	exit1(curthread, 0, 0);
}

static void
top_child(void *arg)
{
	int pid;

	(void)fork1_c(curthread, RFPROC | RFFDG, middle_child, NULL, &pid);
	kid.pid[1] = pid;
	nap(100);
	exit1(curthread, 0, 0);
}

static void
body_reparented_zombie_wakes_reaper(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid, got1, got2;

	CHECK(fork1_c(td, RFPROC | RFFDG, top_child, NULL, &pid), 0);
	/*
	 * pid 1 sleeps in wait() for any child; only 'top_child' is its
	 * child when it starts.  The zombie grandchild handed over at 10 ms
	 * must wake it (FreeBSD exit1: wakeup(q->p_reaper)).
	 */
	CHECK(kern_wait(td, -1, &status, 0, &rpid), 0);
	CHECK(rpid, kid.pid[2]);
	CHECK(status, 4 << 8);
	CHECK(sched_now(), 10 * MS);
	CHECK(kern_wait(td, -1, &status, 0, &got1), 0);
	CHECK(kern_wait(td, -1, &status, 0, &got2), 0);
	CHECK(sched_now(), 100 * MS);
	CHECK((got1 == pid && got2 == kid.pid[1])
		|| (got1 == kid.pid[1] && got2 == pid),
	    1);
	CHECK(kern_wait(td, -1, &status, 0, &rpid), ECHILD);
}

Test(exit1, regression_reparented_zombie_wakes_waiting_pid1)
{
	run(body_reparented_zombie_wakes_reaper);
}

static void
second_thread(void *arg)
{
	kid.error[1] = msleep(&kid.chan, NULL, PCATCH, "blocked", 0);
	kid.reached[1] = 1;
	userret(curthread);
	/* Never: the process is exiting. */
	kid.reached[2] = 1;
}

static void
child_two_threads(void *arg)
{
	int tid;

	kid.error[0] = thread_create_c(curthread, second_thread, NULL, &tid);
	kid.pid[0] = curproc->p_numthreads;
	nap(10);
	exit1(curthread, 6, 0);
}

static void
body_exit_two_threads(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_two_threads, NULL, &pid), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(rpid, pid);
	CHECK(status, 6 << 8);
	CHECK(sched_now(), 10 * MS);
	CHECK(kid.error[0], 0);
	CHECK(kid.pid[0], 2);
	/* The blocked thread was woken with EINTR and left at userret. */
	CHECK(kid.error[1], EINTR);
	CHECK(kid.reached[1], 1);
	CHECK(kid.reached[2], 0);
}

Test(exit1, ends_thread_blocked_in_interruptible_sleep)
{
	run(body_exit_two_threads);
}

static void
body_kill_errors(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_nap_exit, (void *)10, &pid), 0);
	CHECK(kern_kill(td, pid, 0), 0);
	CHECK(kern_kill(td, 1, 0), 0);
	CHECK(kern_kill(td, 4242, 0), ESRCH);
	CHECK(kern_kill(td, 4242, SIGTERM), ESRCH);
	CHECK(kern_kill(td, pid, 99), EINVAL);
	CHECK(kern_kill(td, pid, -1), EINVAL);
	CHECK(kern_kill(td, 4242, 99), EINVAL);
	/* None of that touched the child: it exits normally. */
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, 1 << 8);
	CHECK(sched_now(), 10 * MS);
}

Test(kern_kill, sig0_probes_esrch_and_einval)
{
	run(body_kill_errors);
}

static void
child_catcher(void *arg)
{
	char buf[8];
	size_t n = 99;

	kid.error[1] = kern_sigaction(curthread, SIGUSR1, SIGDISP_CATCH, NULL);
	kid.error[0] = sys(fdread(kid.fds[0], buf, sizeof(buf), &n));
	kid.when[0] = sched_now();
	kid.pid[0] = (int)n;
	/* The handler "ran": the process goes on. */
	kid.reached[0] = 1;
	exit1(curthread, 9, 0);
}

static void
body_caught_signal(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(kern_pipe(td, kid.fds, 0), 0);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_catcher, NULL, &pid), 0);
	nap(5);
	CHECK(pfind(pid)->p_siglist, 0);
	CHECK(kern_kill(td, pid, SIGUSR1), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, 9 << 8);
	CHECK(kid.error[1], 0);
	CHECK(kid.error[0], EINTR);
	CHECK(kid.pid[0], 0);
	CHECK(kid.when[0], 5 * MS);
	CHECK(kid.reached[0], 1);
}

Test(kern_kill, caught_signal_interrupts_pipe_read_with_eintr)
{
	run(body_caught_signal);
}

static void
child_masked(void *arg)
{
	struct thread *td = curthread;
	sim_sigset_t old = 1;

	kid.error[0] = kern_sigprocmask(td, 1, SIGBIT(SIGTERM), &old);
	kid.error[1] = (int)old;
	/*
	 * The parent's SIGTERM arrives at 5 ms: blocked, it neither ends nor
	 * interrupts this PCATCH sleep.
	 */
	kid.error[2] = sys(msleep(&kid.chan, NULL, PCATCH, "masked", 10 * MS));
	kid.reached[0] = 1;
	kid.pid[0] = (curproc->p_siglist & SIGBIT(SIGTERM)) != 0;
	/* The same for one sent to itself. */
	(void)sys(kern_kill(td, curproc->p_pid, SIGTERM));
	kid.reached[1] = 1;
	(void)sys(kern_sigprocmask(td, 2, SIGBIT(SIGTERM), NULL));
	kid.reached[2] = 1;
}

static void
body_masked_sigterm(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_masked, NULL, &pid), 0);
	nap(5);
	CHECK(kern_kill(td, pid, SIGTERM), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(kid.error[0], 0);
	CHECK(kid.error[1], 0);
	CHECK(kid.error[2], EWOULDBLOCK);
	CHECK(kid.reached[0], 1);
	CHECK(kid.pid[0], 1);
	CHECK(kid.reached[1], 1);
	/* Unmasking delivered it: killed before going on. */
	CHECK(kid.reached[2], 0);
	CHECK(status, SIGTERM);
	CHECK(sched_now(), 10 * MS);
}

Test(kern_sigprocmask, masked_sigterm_kills_only_when_unmasked)
{
	run(body_masked_sigterm);
}

static void
child_sigkill(void *arg)
{
	struct thread *td = curthread;

	kid.error[0] = kern_sigaction(td, SIGKILL, SIGDISP_CATCH, NULL);
	kid.error[1] = kern_sigaction(td, SIGKILL, SIGDISP_IGNORE, NULL);
	kid.error[2] = kern_sigaction(td, SIGKILL, SIGDISP_DEFAULT, NULL);
	(void)kern_sigprocmask(td, 3, ~(sim_sigset_t)0, NULL);
	kid.pid[0] = (td->td_sigmask & SIGBIT(SIGKILL)) != 0;
	kid.pid[1] = (td->td_sigmask & SIGBIT(SIGTERM)) != 0;
	kid.error[3] = sys(msleep(&kid.chan, NULL, PCATCH, "kill", 0));
	kid.reached[0] = 1;
}

static void
body_sigkill(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;

	CHECK(fork1_c(td, RFPROC | RFFDG, child_sigkill, NULL, &pid), 0);
	nap(5);
	CHECK(kern_kill(td, pid, SIGKILL), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(status, SIGKILL);
	CHECK(kid.error[0], EINVAL);
	CHECK(kid.error[1], EINVAL);
	CHECK(kid.error[2], 0);
	CHECK(kid.pid[0], 0);
	CHECK(kid.pid[1], 1);
	CHECK(kid.reached[0], 0);
	CHECK(kern_sigaction(td, SIGSTOP, SIGDISP_CATCH, NULL), EINVAL);
	CHECK(kern_sigaction(td, 0, SIGDISP_CATCH, NULL), EINVAL);
	CHECK(kern_sigaction(td, 99, SIGDISP_CATCH, NULL), EINVAL);
}

Test(kern_sigaction, sigkill_cannot_be_caught_ignored_or_blocked)
{
	run(body_sigkill);
}
