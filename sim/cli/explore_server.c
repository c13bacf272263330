/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The server of evsim explore.  Building the Lua sandbox, registering
 * the sys and sim tables, compiling and running the scenario chunk and
 * booting the kernel cost most of a short schedule; every schedule repeats
 * them identically up to the run's first decision, where the schedules
 * start to differ.  So a worker forks one server process, which boots the
 * scenario once and runs it to its first decision (sched_config's
 * on_first_decision).  There it makes a checkpoint of itself and runs each
 * schedule in place, going back to the checkpoint after each (see "Runs in
 * place" below), or, when it cannot, forks one child per schedule
 * (copy-on-write, the Lua state and the fibers' stacks included).  The
 * run takes its schedule with sim_run_restart() -- seed, strategy,
 * decision prefix -- runs to the end and writes its result, its decision
 * log and the objects its steps touched to a pipe the worker reads.  The
 * server checks first that nothing before that point depended on the seed
 * (sim_run_restartable: no draw from math.random or a scheduler stream, no
 * fail point, not PCT); otherwise it says so and the worker makes every run
 * from scratch.  The scenario text is compiled once, by evsim itself, in
 * the server; nothing precompiled is ever loaded.
 *
 * Processes: worker -> server (-> child).  The server and its child ignore
 * SIGINT and SIGTERM (the explore parent decides, through the workers) and
 * die with their parent (PR_SET_PDEATHSIG SIGKILL): a worker killed takes
 * them along.  A child that dies on a schedule is reported to the worker
 * with its wait status (a run in place that dies takes the server along:
 * its wait status), and the worker then dies the same way, so that the
 * explore parent records the schedule as crashed as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "explore_server.h"
#include "kernel.h"
#include "lhost.h"
#include "trace.h"
#include "xxhash.h"

struct xserver {
	pid_t pid; /* the server */
	int req; /* requests to the server */
	int res; /* frames from the server and its children */
	bool off; /* the server cannot make runs: from scratch */
	bool in_place; /* its last run was made in place */
};

/* A request: followed by prefix_len int64_t and replay_len xs_dec. */
struct xs_req {
	int32_t strategy, pct_depth;
	uint64_t seed;
	uint8_t has_dfs, by_tid, footprints;
	uint64_t prefix_len, replay_len;
};

struct xs_dec {
	int64_t chosen;
	int32_t is_choose;
};

enum { XS_READY = 1, XS_NOSNAP, XS_RESULT, XS_STATUS };

struct xs_frame {
	uint32_t kind;
	int32_t status; /* XS_STATUS: the child's wait status */
	uint64_t len; /* bytes following */
	uint64_t cpu_ns; /* CPU time of the sender for this run */
};

/*
 * XS_RESULT: followed by npts sched_dfs_point, ntids int, and the
 * footprints (tbytes bytes: uint64_t step, uint32_t len, name).
 */
struct xs_res {
	int32_t error;
	int32_t status;
	char err[1200];
	char fail_func[64];
	char message[1100];
	char trace_hash[17];
	uint64_t transitions, decisions;
	uint64_t npts, ntids, fallbacks, tbytes;
	int32_t in_place; /* made by the server itself, not a child */
};

/* Slots of the per-step set of objects touched (a power of two). */
#define TOUCH_SLOTS 1024

/* The server process's state (and its children's). */
static struct {
	int req, res;
	pid_t self;
	bool child; /* in a child, after sim_run_restart */
	bool has_dfs; /* the child's run has the dfs log attached */
	struct sched_dfs dfs;
	int64_t *prefix;
	struct sched_decision *replay;
	bool footprints;
	char *touch; /* footprints collected since the run began */
	size_t ntouch, touchcap;
	/* The objects already kept for the current step: offsets + 1. */
	uint64_t touch_step;
	size_t seen[TOUCH_SLOTS];
} srv;

/* Writes len bytes.  Returns 0, or -1 when the reader is gone. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* In the server or a child: writes to the worker, which may be gone. */
static void
put(const void *buf, size_t len)
{
	if (write_all(srv.res, buf, len) != 0)
		_exit(EXIT_FAILURE);
}

/* Reads len bytes.  Returns 0, or -1 at end of file or on an error. */
static int
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * The CPU time of this process so far (a forked child starts at 0): the
 * thread's clock, which is the process's (one thread), as the process
 * clock advances only at the scheduler's ticks while the CPU-time
 * watchdog (ITIMER_PROF) is armed.
 */
static uint64_t
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/*
 * The CPU time of the children waited for so far, their exit included
 * (what a child reports of itself would leave out the teardown of its
 * copy of the address space).
 */
static uint64_t
cpu_children(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (
	    (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u
	    + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u);
}

static void
send_frame(uint32_t kind, int32_t status, uint64_t len, uint64_t cpu)
{
	struct xs_frame f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.status = status;
	f.len = len;
	f.cpu_ns = cpu;
	put(&f, sizeof(f));
}

static void *
xalloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		sim_oom();
	return (p);
}

/* The trace callback: keeps the object of each transition and its step. */
static void
collect_touch(void *arg, uint64_t seq, const char *line)
{
	const char *p = line, *e;
	uint32_t len;
	uint64_t step;
	size_t h;
	int f, k;

	(void)arg;
	(void)seq;
	for (f = 0; f < 5; f++) {
		if ((p = strchr(p, '\t')) == NULL)
			return;
		p++;
	}
	if ((e = strchr(p, '\t')) == NULL)
		return;
	len = (uint32_t)(e - p);
	step = sched_steps();
	/*
	 * explore_touch keeps an object once per step: so are they kept
	 * here (a full set keeps the rest, which explore_touch drops).
	 */
	if (step != srv.touch_step || srv.ntouch == 0) {
		memset(srv.seen, 0, sizeof(srv.seen));
		srv.touch_step = step;
	}
	h = (size_t)XXH3_64bits(p, len);
	for (k = 0; k < 8; k++) {
		size_t *sl = &srv.seen[(h + k) & (TOUCH_SLOTS - 1)];
		uint32_t l2;

		if (*sl == 0) {
			*sl = srv.ntouch + 1;
			break;
		}
		memcpy(&l2, srv.touch + *sl - 1 + 8, 4);
		if (l2 == len && memcmp(srv.touch + *sl - 1 + 12, p, len) == 0)
			return;
	}
	if (srv.ntouch + 12 + len > srv.touchcap) {
		srv.touchcap = (srv.ntouch + 12 + len) * 2 + 4096;
		srv.touch = xalloc(srv.touch, srv.touchcap);
	}
	memcpy(srv.touch + srv.ntouch, &step, 8);
	memcpy(srv.touch + srv.ntouch + 8, &len, 4);
	memcpy(srv.touch + srv.ntouch + 12, p, len);
	srv.ntouch += 12 + len;
}

/* The run (a child's, or the server's own in place) takes request r. */
static void
take(const struct sim_run_opts *base, const struct xs_req *r)
{
	struct sim_run_opts o = *base;

	srv.child = true;
	srv.footprints = r->footprints != 0;
	o.strategy = (enum sched_strategy)r->strategy;
	o.seed = r->seed;
	o.pct_depth = r->pct_depth;
	o.replay = r->replay_len > 0 ? srv.replay : NULL;
	o.replay_len = r->replay_len;
	memset(&srv.dfs, 0, sizeof(srv.dfs));
	srv.dfs.prefix = srv.prefix;
	srv.dfs.prefix_len = r->prefix_len;
	srv.dfs.by_tid = r->by_tid != 0;
	srv.has_dfs = r->has_dfs != 0;
	o.dfs = srv.has_dfs ? &srv.dfs : NULL;
	sim_run_restart(&o);
}

/* In a new child: takes the schedule of request r. */
static void
child_take(const struct sim_run_opts *base, const struct xs_req *r)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != srv.self)
		_exit(EXIT_FAILURE);
	close(srv.req);
	take(base, r);
}

/*
 * Runs in place.  A fork per schedule costs more than a short schedule on
 * some hosts: the fork, the exit, and a copy-on-write fault for every page
 * the run writes (a hundred for a two-thread run, several microseconds
 * each in a virtual machine).  So the server first tries to make the runs
 * itself, as a checkpoint: at the first decision it records its mappings
 * (/proc/self/maps) and copies every private writable one aside (of the
 * Lua arena, only the bytes in use: the rest is free space its allocator
 * never reads; of an anonymous mapping, not the pages never touched, which
 * are zero), with its registers (getcontext).  After a run has sent its
 * result, the server puts the host break back, unmaps what the run mapped,
 * maps again what it unmapped, zeroes the pages that were never touched
 * and now are, copies everything else back from a stack of its own and
 * resumes at the checkpoint (setcontext), which is then exactly
 * the process that forked children before, with the same memory; only
 * what is outside memory differs (file descriptors: the run opens none;
 * the CPU-time watchdog, stopped before and armed by the next run).  A
 * mapping it cannot put back (a file mapping gone, a region changed in
 * place) ends the server after the run, and the worker makes the rest
 * without it.  It falls back to the fork per schedule when there is
 * more than IP_MAXBYTES to copy, under AddressSanitizer (its shadow
 * memory), or with EVSIM_XSERVER=fork in the environment (tests compare
 * the two).
 */
#define IP_MAXREG 1024
#define IP_MAXBYTES ((size_t)32 << 20)
#define IP_STACK ((size_t)256 << 10)
#define IP_MAPSLEN ((size_t)256 << 10)
#define IP_MAXSAVE 8192
#define IP_ZEROMIN 4 /* pages */

struct ipreg {
	uintptr_t lo, hi;
	char perms[5];
	bool anon; /* no file name */
	bool stack; /* [stack] */
	bool special; /* [vvar], [vdso], [vsyscall]...: left alone */
};

/* A range copied aside, or zero. */
struct ipsave {
	uintptr_t lo;
	size_t len, off;
	bool zero;
};

struct inplace {
	ucontext_t snap, rest;
	bool taken; /* the copy is made */
	int mapsfd, pmfd; /* /proc/self/maps, pagemap */
	uint64_t restores;
	uint64_t c0; /* CPU time at the request */
	uintptr_t brk0;
	size_t nreg, ncur, nsave, saved_len;
	struct ipreg reg[IP_MAXREG], cur[IP_MAXREG];
	struct ipsave save[IP_MAXSAVE];
	char maps[IP_MAPSLEN];
	char vec[(size_t)64 << 10]; /* pages present: 256 MiB at most */
	char *saved; /* IP_MAXBYTES reserved */
	_Alignas(16) char stack[IP_STACK];
};

static struct inplace *ip;

#if defined(__SANITIZE_ADDRESS__)
#define IP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IP_ASAN 1
#endif
#endif

/* Reads /proc/self/maps into v (at most IP_MAXREG).  Returns the count,
 * or -1. */
static long
ip_maps(struct ipreg *v)
{
	size_t len = 0, n = 0;
	ssize_t k;
	char *p, *e;

	/* Kept open: read again from the start each time. */
	if (ip->mapsfd < 0
	    && (ip->mapsfd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	if (lseek(ip->mapsfd, 0, SEEK_SET) != 0)
		return (-1);
	while ((k = read(ip->mapsfd, ip->maps + len, IP_MAPSLEN - 1 - len)) > 0)
		len += (size_t)k;
	if (k < 0 || len >= IP_MAPSLEN - 1)
		return (-1);
	ip->maps[len] = '\0';
	for (p = ip->maps; *p != '\0'; p = e + 1) {
		struct ipreg *r = &v[n];
		char *q;
		int f;

		if ((e = strchr(p, '\n')) == NULL || n == IP_MAXREG)
			return (-1);
		*e = '\0';
		memset(r, 0, sizeof(*r));
		r->lo = (uintptr_t)strtoull(p, &q, 16);
		r->hi = (uintptr_t)strtoull(q + 1, &q, 16);
		memcpy(r->perms, q + 1, 4);
		/* The name: after five fields. */
		for (f = 0; f < 5 && q != NULL; f++)
			if ((q = strchr(q + 1, ' ')) == NULL)
				break;
		while (q != NULL && *q == ' ')
			q++;
		r->anon = q == NULL || *q == '\0';
		r->stack = q != NULL && strcmp(q, "[stack]") == 0;
		r->special = q != NULL && *q == '[' && !r->stack
		    && strncmp(q, "[heap]", 6) != 0
		    && strncmp(q, "[anon", 5) != 0;
		if (strncmp(q != NULL ? q : "", "[anon", 5) == 0)
			r->anon = true;
		n++;
	}
	return ((long)n);
}

/* Adds a range to copy back, or to zero (absent at the checkpoint). */
static bool
ip_add_range(uintptr_t lo, uintptr_t hi, bool zero)
{
	struct ipsave *v = &ip->save[ip->nsave];

	if (ip->nsave == IP_MAXSAVE
	    || (!zero && ip->saved_len + (hi - lo) > IP_MAXBYTES))
		return (false);
	v->lo = lo;
	v->len = hi - lo;
	v->zero = zero;
	v->off = ip->saved_len;
	if (!zero)
		ip->saved_len += hi - lo;
	ip->nsave++;
	return (true);
}

/*
 * Sets ip->vec[k] to 1 when the page k from lo (of np) is in memory or
 * swapped out, 0 when it was never touched (/proc/self/pagemap: bits 63
 * and 62; mincore() would miss a page swapped out).  Returns false when
 * that cannot be read.
 */
static bool
ip_present(uintptr_t lo, size_t np)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), k, n, i;
	uint64_t e[512];
	ssize_t r;

	if (np > sizeof(ip->vec))
		return (false);
	if (ip->pmfd < 0
	    && (ip->pmfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC))
		< 0)
		return (false);
	for (k = 0; k < np; k += n) {
		n = np - k < 512 ? np - k : 512;
		r = pread(ip->pmfd, e, n * sizeof(e[0]),
		    (off_t)((lo / pg + k) * sizeof(e[0])));
		if (r != (ssize_t)(n * sizeof(e[0])))
			return (false);
		for (i = 0; i < n; i++)
			ip->vec[k + i] = (e[i] >> 62) != 0;
	}
	return (true);
}

/*
 * Adds [lo, hi) minus the ranges of ip itself: its pages to copy; of an
 * anonymous mapping, the pages never touched (zero) apart, to zero again
 * if the run touched them.
 */
static bool
ip_add_save(uintptr_t lo, uintptr_t hi, bool anon)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), np, k, k0;
	uintptr_t x[2][2] = { { (uintptr_t)ip,
				  ((uintptr_t)(ip + 1) + pg - 1) / pg * pg },
		{ (uintptr_t)ip->saved, (uintptr_t)ip->saved + IP_MAXBYTES } };
	int i;

	for (i = 0; i < 2; i++) {
		if (lo < x[i][1] && hi > x[i][0]) {
			if (lo < x[i][0] && !ip_add_save(lo, x[i][0], anon))
				return (false);
			if (hi > x[i][1] && !ip_add_save(x[i][1], hi, anon))
				return (false);
			return (true);
		}
	}
	hi = (hi + pg - 1) / pg * pg;
	if (lo >= hi)
		return (true);
	np = (hi - lo) / pg;
	if (np > sizeof(ip->vec) || !ip_present(lo, np))
		return (false);
	if (!anon) /* a file's page not read yet is not zero */
		memset(ip->vec, 1, np);
	/*
	 * Short runs of absent pages are copied (as zeros) with their
	 * neighbours: reading which pages a run touched for each run of
	 * absent pages at every restore costs more.
	 */
	for (k0 = 0, k = 0; k <= np; k++) {
		if (k < np && (ip->vec[k] & 1) == 0)
			continue;
		if (k - k0 < IP_ZEROMIN)
			memset(ip->vec + k0, 1, k - k0);
		k0 = k + 1;
	}
	for (k0 = 0, k = 1; k <= np; k++) {
		if (k < np && (ip->vec[k] & 1) == (ip->vec[k0] & 1))
			continue;
		if (!ip_add_range(
			lo + k0 * pg, lo + k * pg, (ip->vec[k0] & 1) == 0))
			return (false);
		k0 = k;
	}
	return (true);
}

/* Records the mappings and what to copy.  Returns false: fork instead. */
static bool
ip_survey(void)
{
	void *abase = NULL;
	size_t aused = 0, alen = 0;
	uintptr_t alo = 0, ahi = 0, aend = 0;
	long n;
	size_t k;

	if (lhost_arena_extent(&abase, &aused, &alen)) {
		alo = (uintptr_t)abase;
		ahi = alo + alen;
		aend = alo + aused;
	}
	if ((n = ip_maps(ip->reg)) < 0)
		return (false);
	ip->nreg = (size_t)n;
	for (k = 0; k < ip->nreg; k++) {
		struct ipreg *r = &ip->reg[k];

		if (r->special || r->perms[1] != 'w' || r->perms[3] != 'p')
			continue;
		if (r->lo < ahi && r->hi > alo) {
			/* The arena: its used bytes only. */
			if ((r->lo < alo && !ip_add_save(r->lo, alo, r->anon))
			    || (r->hi > ahi
				&& !ip_add_save(ahi, r->hi, r->anon))
			    || !ip_add_save(r->lo > alo ? r->lo : alo,
				r->hi < aend ? r->hi : aend, r->anon))
				return (false);
		} else if (!ip_add_save(r->lo, r->hi, r->anon)) {
			return (false);
		}
	}
	return (true);
}

/* Sets up the checkpoint.  Returns false: fork per schedule instead. */
static bool
ip_setup(void)
{
	const char *e = getenv("EVSIM_XSERVER");
	void *p;

#ifdef IP_ASAN
	return (false);
#endif
	if (e != NULL && strcmp(e, "fork") == 0)
		return (false);
	p = mmap(NULL, sizeof(*ip), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return (false);
	ip = p;
	ip->mapsfd = -1;
	ip->pmfd = -1;
	p = mmap(NULL, IP_MAXBYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED || (ip->saved = p, !ip_survey())) {
		if (p != MAP_FAILED)
			munmap(p, IP_MAXBYTES);
		if (ip->mapsfd >= 0)
			close(ip->mapsfd);
		if (ip->pmfd >= 0)
			close(ip->pmfd);
		munmap(ip, sizeof(*ip));
		ip = NULL;
		return (false);
	}
	ip->brk0 = (uintptr_t)sbrk(0);
	return (true);
}

static void
ip_copy_aside(void)
{
	size_t k;

	for (k = 0; k < ip->nsave; k++)
		if (!ip->save[k].zero)
			memcpy(ip->saved + ip->save[k].off,
			    (void *)ip->save[k].lo, ip->save[k].len);
}

/*
 * Zeroes the pages of a range absent at the checkpoint that the run
 * touched (they stay, so that the next run does not fault on them).
 */
static void
ip_zero(const struct ipsave *v)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), np = v->len / pg, k;

	if (!ip_present(v->lo, np))
		abort();
	for (k = 0; k < np; k++)
		if (ip->vec[k] & 1)
			memset((char *)v->lo + k * pg, 0, pg);
}

/* On ip's own stack: copies everything back and resumes the checkpoint. */
static void
ip_copy_back(void)
{
	size_t k;

	for (k = 0; k < ip->nsave; k++) {
		struct ipsave *v = &ip->save[k];
		char *d = (char *)v->lo, *s = ip->saved + v->off;

		if (v->zero) {
			ip_zero(v);
			continue;
		}
		memcpy(d, s, v->len);
	}
	ip->restores++;
	setcontext(&ip->snap);
	abort();
}

/*
 * Puts the mappings back as they were at the checkpoint: unmaps what the
 * run mapped, maps again (anonymous, the contents follow) what it
 * unmapped.  Returns false when it cannot.
 */
static bool
ip_fix_maps(void)
{
	size_t i, j;
	long n;

	if ((n = ip_maps(ip->cur)) < 0)
		return (false);
	ip->ncur = (size_t)n;
	/* What is mapped now outside the checkpoint's mappings. */
	for (i = 0; i < ip->ncur; i++) {
		struct ipreg *c = &ip->cur[i];
		uintptr_t x = c->lo;

		if (c->special)
			continue;
		for (j = 0; j < ip->nreg && x < c->hi; j++) {
			struct ipreg *r = &ip->reg[j];

			if (r->hi <= x || r->lo >= c->hi)
				continue;
			if (r->lo > x && !(c->stack && r->stack)
			    && munmap((void *)x, r->lo - x) != 0)
				return (false);
			if (memcmp(r->perms, c->perms, 4) != 0)
				return (false);
			x = r->hi < c->hi ? r->hi : c->hi;
		}
		if (x < c->hi && munmap((void *)x, c->hi - x) != 0)
			return (false);
	}
	/* What was mapped at the checkpoint and is no more. */
	for (j = 0; j < ip->nreg; j++) {
		struct ipreg *r = &ip->reg[j];
		size_t have = 0;
		int prot = 0;

		if (r->special)
			continue;
		for (i = 0; i < ip->ncur; i++) {
			struct ipreg *c = &ip->cur[i];
			uintptr_t lo = c->lo > r->lo ? c->lo : r->lo;
			uintptr_t hi = c->hi < r->hi ? c->hi : r->hi;

			if (lo < hi)
				have += hi - lo;
		}
		if (have == r->hi - r->lo)
			continue;
		if (!r->anon || r->perms[3] != 'p')
			return (false);
		prot = (r->perms[0] == 'r' ? PROT_READ : 0)
		    | (r->perms[1] == 'w' ? PROT_WRITE : 0)
		    | (r->perms[2] == 'x' ? PROT_EXEC : 0);
		if (mmap((void *)r->lo, r->hi - r->lo, prot,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
		    == MAP_FAILED)
			return (false);
	}
	return (true);
}

/*
 * After a run in place has sent its result: back to the checkpoint
 * (ip_checkpoint returns again).  Returns only when that cannot be done.
 */
static void
ip_restore(void)
{
	struct itimerval it;
	sigset_t all;
	int sig;

	/* The run's watchdog: the next run arms its own. */
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_PROF, &it, NULL);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* A SIGPROF already due (standard signals do not queue). */
	if (sigpending(&all) == 0 && sigismember(&all, SIGPROF)) {
		sigemptyset(&all);
		sigaddset(&all, SIGPROF);
		sigwait(&all, &sig);
	}
	if (syscall(SYS_brk, ip->brk0) != (long)ip->brk0 || !ip_fix_maps())
		return;
	if (getcontext(&ip->rest) != 0)
		return;
	ip->rest.uc_stack.ss_sp = ip->stack;
	ip->rest.uc_stack.ss_size = sizeof(ip->stack);
	ip->rest.uc_link = NULL;
	makecontext(&ip->rest, ip_copy_back, 0);
	setcontext(&ip->rest);
}

/*
 * The checkpoint: returns true at once and again after every restore (in
 * the state it had the first time), false when runs must fork.
 */
static bool
ip_checkpoint(void)
{
	if (!ip_setup())
		return (false);
	getcontext(&ip->snap);
	if (!ip->taken) {
		ip->taken = true;
		ip_copy_aside();
	}
	return (true);
}

/* Reads one request and its arrays.  Returns 0, or -1 at end of file. */
static int
read_request(struct xs_req *r)
{
	struct xs_dec d;
	uint64_t k;

	if (read_all(srv.req, r, sizeof(*r)) != 0)
		return (-1);
	srv.prefix = xalloc(srv.prefix, r->prefix_len * sizeof(int64_t));
	if (read_all(srv.req, srv.prefix, r->prefix_len * sizeof(int64_t)) != 0)
		return (-1);
	srv.replay = xalloc(srv.replay, r->replay_len * sizeof(*srv.replay));
	for (k = 0; k < r->replay_len; k++) {
		if (read_all(srv.req, &d, sizeof(d)) != 0)
			return (-1);
		memset(&srv.replay[k], 0, sizeof(srv.replay[k]));
		srv.replay[k].is_choose = d.is_choose != 0;
		srv.replay[k].chosen = d.chosen;
		srv.replay[k].runnable = NULL;
		srv.replay[k].seq = -1;
	}
	return (0);
}

/*
 * The server at the run's first decision: forks a child per request, which
 * returns from here into the run with its schedule; the server itself
 * never returns.
 */
static void
server_at_first_decision(void *arg)
{
	const struct sim_run_opts *base = arg;
	struct xs_req r;
	uint64_t c0;
	pid_t p;
	int st;

	if (!sim_run_restartable()) {
		send_frame(XS_NOSNAP, 0, 0, 0);
		_exit(0);
	}
	send_frame(XS_READY, 0, 0, 0);
	if (ip_checkpoint()) {
		/* Here at first and again after every run in place. */
		if (ip->restores > 0)
			send_frame(XS_STATUS, 0, 0, cpu_now() - ip->c0);
		if (read_request(&r) != 0)
			_exit(0); /* the worker is done */
		ip->c0 = cpu_now();
		take(base, &r);
		return;
	}
	for (;;) {
		if (read_request(&r) != 0)
			_exit(0); /* the worker is done */
		c0 = cpu_now() + cpu_children();
		fflush(stdout);
		fflush(stderr);
		p = fork();
		if (p == 0) {
			child_take(base, &r);
			return;
		}
		if (p < 0) {
			send_frame(XS_NOSNAP, 0, 0, 0);
			_exit(0);
		}
		while (waitpid(p, &st, 0) < 0)
			if (errno != EINTR)
				_exit(EXIT_FAILURE);
		/* The server's fork and wait, the child's whole life. */
		send_frame(XS_STATUS, st, 0, cpu_now() + cpu_children() - c0);
	}
}

/* The child's result, after its run. */
static void
send_result(int error, const char *err, const struct sim_run_result *rr)
{
	struct xs_res x;
	struct sched_dfs *d = &srv.dfs;
	bool dfs = srv.has_dfs;

	memset(&x, 0, sizeof(x));
	x.error = error;
	snprintf(x.err, sizeof(x.err), "%s", err);
	x.status = (int32_t)rr->status;
	snprintf(x.fail_func, sizeof(x.fail_func), "%s", rr->fail_func);
	snprintf(x.message, sizeof(x.message), "%s", rr->message);
	snprintf(x.trace_hash, sizeof(x.trace_hash), "%s", rr->trace_hash);
	x.transitions = rr->transitions;
	x.decisions = rr->decisions;
	x.npts = dfs ? d->npts : 0;
	x.ntids = dfs ? d->ntids : 0;
	x.fallbacks = d->fallbacks;
	x.tbytes = srv.footprints ? srv.ntouch : 0;
	x.in_place = ip != NULL;
	send_frame(XS_RESULT, 0,
	    sizeof(x) + x.npts * sizeof(*d->pts) + x.ntids * sizeof(int)
		+ x.tbytes,
	    0);
	put(&x, sizeof(x));
	put(d->pts, x.npts * sizeof(*d->pts));
	put(d->tids, x.ntids * sizeof(int));
	put(srv.touch, x.tbytes);
}

/* The server process: boots the scenario; its children make the runs. */
static _Noreturn void
server_main(const struct sim_run_opts *base, uint64_t seed)
{
	struct sim_run_opts o = *base;
	struct sim_run_result rr;
	struct trace *t;
	char err[1200] = "";
	int error;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	srv.self = getpid();
	if (trace_open(&t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	trace_set_expect(t, collect_touch, NULL);
	/* Any seed and strategy but PCT: the children choose theirs. */
	o.strategy = SCHED_RANDOM;
	o.seed = seed;
	o.have_seed = true;
	o.replay = NULL;
	o.replay_len = 0;
	o.dfs = NULL;
	o.args = NULL;
	o.trace = t;
	o.at_first_decision = server_at_first_decision;
	o.first_decision_arg = &o;
	error = sim_run(&o, &rr, err, sizeof(err));
	if (!srv.child) {
		/* No decision in the run (or it did not boot): no snapshot. */
		send_frame(XS_NOSNAP, 0, 0, 0);
		_exit(0);
	}
	send_result(error, err, &rr);
	if (ip != NULL) {
		ip_restore();
		/* The mappings cannot be put back: the worker goes on without.
		 */
		send_frame(XS_STATUS, 0, 0, cpu_now() - ip->c0);
	}
	_exit(0);
}

static int
server_start(struct xserver *s, const struct sim_run_opts *o, uint64_t seed)
{
	int rq[2], rs[2];

	if (pipe(rq) != 0 || pipe(rs) != 0)
		return (errno);
	fflush(stdout);
	fflush(stderr);
	s->pid = fork();
	if (s->pid < 0)
		return (errno);
	if (s->pid == 0) {
		close(rq[1]);
		close(rs[0]);
		srv.req = rq[0];
		srv.res = rs[1];
		if (getppid() == 1)
			_exit(EXIT_FAILURE);
		server_main(o, seed);
	}
	close(rq[0]);
	close(rs[1]);
	s->req = rq[1];
	s->res = rs[0];
	return (0);
}

/* The server (or its child) died: its wait status.  The server is off. */
static int
server_died(struct xserver *s, int *wstatus)
{
	int st = 0;

	close(s->req);
	close(s->res);
	while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
		;
	s->pid = -1;
	s->off = true;
	*wstatus = st;
	/* A server that stopped cleanly (no snapshot): from scratch. */
	return (WIFEXITED(st) && WEXITSTATUS(st) == 0 ? ENOTSUP : ECHILD);
}

/* Returns 0, or -1 when the server is gone. */
static int
send_request(struct xserver *s, const struct explore_run_req *q)
{
	struct xs_req r;
	struct xs_dec d;
	uint64_t k;

	memset(&r, 0, sizeof(r));
	r.strategy = (int32_t)q->strategy;
	r.pct_depth = q->pct_depth;
	r.seed = q->seed;
	r.has_dfs = q->dfs != NULL;
	r.by_tid = q->dfs != NULL && q->dfs->by_tid;
	r.footprints = q->footprints;
	r.prefix_len = q->dfs != NULL ? q->dfs->prefix_len : 0;
	r.replay_len = q->replay != NULL ? q->replay_len : 0;
	if (write_all(s->req, &r, sizeof(r)) != 0
	    || write_all(s->req, q->dfs != NULL ? q->dfs->prefix : NULL,
		   r.prefix_len * sizeof(int64_t))
		!= 0)
		return (-1);
	for (k = 0; k < r.replay_len; k++) {
		memset(&d, 0, sizeof(d));
		d.chosen = q->replay[k].chosen;
		d.is_choose = q->replay[k].is_choose;
		if (write_all(s->req, &d, sizeof(d)) != 0)
			return (-1);
	}
	return (0);
}

/* Reads a result's arrays into q->dfs and the footprints into ex. */
static int
read_result(struct xserver *s, struct explore *ex,
    const struct explore_run_req *q, const struct xs_res *x)
{
	struct sched_dfs *d = q->dfs;
	char *tb = NULL;
	uint64_t step, off = 0;
	uint32_t len;

	if (d != NULL) {
		if (d->ptscap < x->npts) {
			d->ptscap = x->npts;
			d->pts = xalloc(d->pts, d->ptscap * sizeof(*d->pts));
		}
		if (d->tidscap < x->ntids) {
			d->tidscap = x->ntids;
			d->tids = xalloc(d->tids, d->tidscap * sizeof(int));
		}
		d->npts = x->npts;
		d->ntids = x->ntids;
		d->fallbacks = x->fallbacks;
		if (read_all(s->res, d->pts, x->npts * sizeof(*d->pts)) != 0
		    || read_all(s->res, d->tids, x->ntids * sizeof(int)) != 0)
			return (-1);
	} else if (x->npts > 0 || x->ntids > 0) {
		return (-1);
	}
	tb = xalloc(NULL, x->tbytes);
	if (read_all(s->res, tb, x->tbytes) != 0) {
		free(tb);
		return (-1);
	}
	while (off + 12 <= x->tbytes) {
		memcpy(&step, tb + off, 8);
		memcpy(&len, tb + off + 8, 4);
		explore_touch(ex, step, tb + off + 12, len);
		off += 12 + len;
	}
	free(tb);
	return (0);
}

/* Whether the server can make run q (it boots unrecorded and checked
 * as the command line says, and replays carry no runnable sets). */
static bool
server_can(const struct sim_run_opts *o, const struct explore_run_req *q)
{
	uint64_t k;

	if (q->record != NULL || o->nfailpoints > 0)
		return (false);
	if (q->strategy == SCHED_PCT && q->pct_depth < 1)
		return (false);
	if (q->replay == NULL)
		return (true);
	if (!o->check) /* a replay checks invariants whatever --no-check */
		return (false);
	for (k = 0; k < q->replay_len; k++)
		if (q->replay[k].runnable != NULL || q->replay[k].seq >= 0)
			return (false);
	return (true);
}

int
xserver_run(struct xserver **sp, const struct sim_run_opts *o,
    struct explore *ex, const struct explore_run_req *q,
    struct explore_run_res *res, uint64_t *cpu_ns, int *wstatus, char *err,
    size_t errlen)
{
	struct xserver *s = *sp;
	struct xs_frame f;
	struct xs_res x;
	bool got = false;

	*cpu_ns = 0;
	if (!server_can(o, q) || (s != NULL && s->off))
		return (ENOTSUP);
	if (s == NULL) {
		s = *sp = xalloc(NULL, sizeof(*s));
		memset(s, 0, sizeof(*s));
		s->pid = -1;
		signal(SIGPIPE, SIG_IGN); /* a server gone is seen by write */
		if (server_start(s, o, q->seed) != 0) {
			s->off = true;
			return (ENOTSUP);
		}
		/*
		 * No snapshot (or the server died booting): every run from
		 * scratch, where whatever went wrong shows as it would.
		 */
		if (read_all(s->res, &f, sizeof(f)) != 0
		    || f.kind != XS_READY) {
			(void)server_died(s, wstatus);
			return (ENOTSUP);
		}
	}
	if (send_request(s, q) != 0)
		return (server_died(s, wstatus));
	for (;;) {
		if (read_all(s->res, &f, sizeof(f)) != 0)
			return (server_died(s, wstatus));
		if (f.kind == XS_NOSNAP)
			return (server_died(s, wstatus));
		*cpu_ns += f.cpu_ns;
		if (f.kind == XS_STATUS) {
			if (got)
				break;
			*wstatus = f.status;
			return (ECHILD);
		}
		if (f.kind != XS_RESULT || read_all(s->res, &x, sizeof(x)) != 0
		    || read_result(s, ex, q, &x) != 0)
			return (server_died(s, wstatus));
		got = true;
	}
	if (x.error != 0) {
		snprintf(err, errlen, "%s", x.err);
		return (EINVAL);
	}
	memset(res, 0, sizeof(*res));
	res->status = (enum sched_status)x.status;
	snprintf(res->fail_func, sizeof(res->fail_func), "%s", x.fail_func);
	snprintf(res->message, sizeof(res->message), "%s", x.message);
	snprintf(res->trace_hash, sizeof(res->trace_hash), "%s", x.trace_hash);
	res->transitions = x.transitions;
	res->decisions = x.decisions;
	s->in_place = x.in_place != 0;
	return (0);
}

bool
xserver_in_place(const struct xserver *s)
{
	return (s != NULL && s->in_place);
}

void
xserver_free(struct xserver *s)
{
	int st;

	if (s == NULL)
		return;
	if (s->pid > 0) {
		close(s->req);
		close(s->res);
		while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	free(s);
}
