/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/vfs.c: each test boots a simulated kernel (sim_test_run)
 * whose pid 1 runs a C body against the file system.  The body records what
 * it observed (errors, sizes, vnode events) and the assertions run after the
 * run on the host stack, so that a failing assertion never unwinds a fiber.
 * Vnode events are captured by replacing the kernel's ko_vnode and
 * ko_vnode_post hooks for the duration of the body; each event records the
 * post (one combined hint of the FreeBSD model) it came in.
 */
/* test_vfs.c records more checks per run than the default. */
#define SIMTEST_MAXCHECKS 160
#include "simtest.h"

#include "../sim/vfs.h"

/* Runs body on kernel and checks everything it recorded. */
static void
run(const char *kernel, void (*body)(void *))
{
	simtest_run(kernel, body);
}

/* Vnode events seen by the hook. */
static struct {
	struct vnode *vp;
	enum sim_vnev ev;
	bool locked;
	int post; /* the ko_vnode_post call, 0 for ko_vnode */
} evlog[256];
static int nev, npost;
static struct sim_kops test_kops;
static const struct sim_kops *saved_kops;

static void
rec_vnode(struct vnode *vp, enum sim_vnev ev)
{
	if (nev < (int)(sizeof(evlog) / sizeof(evlog[0]))) {
		evlog[nev].vp = vp;
		evlog[nev].ev = ev;
		evlog[nev].locked = mtx_owned(&vp->v_interlock);
		evlog[nev].post = 0;
		nev++;
	}
}

static void
rec_vnode_post(struct vnode *vp, unsigned int evs)
{
	unsigned int ev;

	npost++;
	for (ev = 0; ev <= VNEV_CLOSE_WRITE; ev++) {
		if ((evs & VNEV_BIT(ev)) == 0)
			continue;
		rec_vnode(vp, (enum sim_vnev)ev);
		if (nev > 0 && evlog[nev - 1].vp == vp)
			evlog[nev - 1].post = npost;
	}
}

/*
 * The events of the i-th (from 0) combined post on vp as a VNEV_BIT()
 * mask, 0 when there is none; -1 when its events were not all posted
 * with the same lock state.
 */
static int
postmask(struct vnode *vp, int i)
{
	int j, mask = 0, post = 0, locked = -1;

	for (j = 0; j < nev; j++) {
		if (evlog[j].vp != vp || evlog[j].post == 0)
			continue;
		if (evlog[j].post != post) {
			if (post != 0 && i-- == 0)
				return (mask);
			post = evlog[j].post;
			mask = 0;
			locked = evlog[j].locked;
		}
		if (evlog[j].locked != locked)
			return (-1);
		mask |= (int)VNEV_BIT(evlog[j].ev);
	}
	return (post != 0 && i == 0 ? mask : 0);
}

/* Whether no event was posted with the vnode interlock held. */
static bool
none_locked(void)
{
	int i;

	for (i = 0; i < nev; i++)
		if (evlog[i].locked)
			return (false);
	return (true);
}

static void
hook_events(void)
{
	saved_kops = sim_kern->k_ops;
	test_kops = *saved_kops;
	test_kops.ko_vnode = rec_vnode;
	if (test_kops.ko_vnode_post != NULL)
		test_kops.ko_vnode_post = rec_vnode_post;
	sim_kern->k_ops = &test_kops;
	nev = npost = 0;
}

static void
unhook_events(void)
{
	sim_kern->k_ops = saved_kops;
}

static int
nevents(struct vnode *vp, enum sim_vnev ev)
{
	int i, n = 0;

	for (i = 0; i < nev; i++)
		if (evlog[i].vp == vp && evlog[i].ev == ev)
			n++;
	return (n);
}

static bool
all_locked(void)
{
	int i;

	for (i = 0; i < nev; i++)
		if (!evlog[i].locked)
			return (false);
	return (true);
}

/* The vnode at path without keeping a reference (NULL if none). */
static struct vnode *
lookup(const char *path)
{
	struct vnode *vp;

	if (namei(path, &vp) != 0)
		return (NULL);
	vrele(vp);
	return (vp);
}

/* Creates path with contents s (0 or an errno). */
static int
mkfile(const char *path, const char *s)
{
	size_t n;
	int fd, error;

	error = kern_openat(
	    curthread, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &fd);
	if (error != 0)
		return (error);
	error = fdwrite(fd, s, strlen(s), &n);
	(void)kern_close(curthread, fd);
	return (error);
}

/* Reads up to 255 bytes of path into a static buffer ("" on error). */
static const char *
slurp(const char *path)
{
	static char buf[256];
	size_t n = 0;
	int fd;

	buf[0] = '\0';
	if (kern_openat(curthread, path, O_RDONLY, 0, &fd) != 0)
		return ("<ENOENT>");
	(void)fdread(fd, buf, sizeof(buf) - 1, &n);
	buf[n] = '\0';
	(void)kern_close(curthread, fd);
	return (buf);
}

static void
body_open_errors(void *arg)
{
	struct thread *td = curthread;
	char name[300], path[1100];
	int fd;

	CHECK(kern_openat(td, "/missing", O_RDONLY, 0, &fd), ENOENT);
	CHECK(kern_openat(td, "", O_RDONLY, 0, &fd), ENOENT);
	CHECK(kern_openat(td, "/f", O_RDWR | O_CREAT, 0644, &fd), 0);
	CHECK(fd, 0);
	CHECK(kern_openat(td, "/f", O_RDWR | O_CREAT | O_EXCL, 0644, &fd),
	    EEXIST);
	CHECK(kern_openat(td, "/f", O_RDWR | O_ACCMODE, 0, &fd), EINVAL);
	CHECK(kern_mkdirat(td, "/d", 0755), 0);
	CHECK(kern_openat(td, "/d", O_WRONLY, 0, &fd), EISDIR);
	CHECK(kern_openat(td, "/d", O_RDWR, 0, &fd), EISDIR);
	CHECK(kern_openat(td, "/d", O_RDONLY | O_TRUNC, 0, &fd), EISDIR);
	CHECK(kern_openat(td, "/d", O_RDONLY | O_CREAT, 0644, &fd), EISDIR);
	CHECK(kern_openat(td, "/", O_WRONLY, 0, &fd), EISDIR);
	CHECK(kern_openat(td, "/d", O_RDONLY, 0, &fd), 0);
	CHECK(fd, 1);
	CHECK(kern_openat(td, "/f/x", O_RDONLY | O_CREAT, 0644, &fd), ENOTDIR);
	CHECK(kern_openat(td, "/f/", O_RDONLY, 0, &fd), ENOTDIR);
	CHECK(kern_mkdirat(td, "/f/x", 0755), ENOTDIR);
	CHECK(
	    kern_openat(td, "/nodir/x", O_RDONLY | O_CREAT, 0644, &fd), ENOENT);
	/* A name of 255 bytes is fine, 256 is too long. */
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[256] = '\0';
	CHECK(kern_openat(td, name, O_RDWR | O_CREAT, 0644, &fd), 0);
	name[257] = '\0';
	name[256] = 'n';
	CHECK(kern_openat(td, name, O_RDWR | O_CREAT, 0644, &fd), ENAMETOOLONG);
	/* A path that does not fit MAXPATHLEN with its NUL. */
	memset(path, 'a', sizeof(path));
	for (int i = 0; i < 1090; i += 10)
		path[i] = '/';
	path[1090] = '\0';
	CHECK(kern_openat(td, path, O_RDONLY, 0, &fd), ENAMETOOLONG);
	/* A failed open changed nothing: the next fd is still the lowest. */
	CHECK(kern_openat(td, "/f", O_RDONLY, 0, &fd), 0);
	CHECK(fd, 3);
}

Test(kern_openat, errors_are_freebsd_errnos)
{
	run("freebsd", body_open_errors);
}

static void
body_lookup(void *arg)
{
	struct thread *td = curthread;

	CHECK(kern_mkdirat(td, "/a", 0755), 0);
	CHECK(kern_mkdirat(td, "/a/b", 0755), 0);
	CHECK(mkfile("/a/b/f", "xyz"), 0);
	CHECK(lookup("//a///b/./f") == lookup("/a/b/f"), 1);
	CHECK(lookup("/a/b/../b/f") == lookup("/a/b/f"), 1);
	CHECK(lookup("/..") == lookup("/"), 1);
	CHECK(lookup("/../../a") == lookup("/a"), 1);
	CHECK(lookup("/a/b/..") == lookup("/a"), 1);
	CHECK(lookup("/a/b/") == lookup("/a/b"), 1);
	/* Relative paths resolve from "/". */
	CHECK(lookup("a/b/f") == lookup("/a/b/f"), 1);
	CHECK(lookup("/a/b/f") != NULL, 1);
	CHECK(strcmp(slurp("a/./b/f"), "xyz"), 0);
	CHECK(lookup("/a/f") == NULL, 1);
}

Test(namei, dot_dotdot_and_slashes)
{
	run("freebsd", body_lookup);
}

static void
body_mkdir(void *arg)
{
	struct thread *td = curthread;
	struct vnode *root = lookup("/"), *a;

	CHECK(root->v_nlink, 2);
	hook_events();
	CHECK(kern_mkdirat(td, "/a", 0755), 0);
	unhook_events();
	a = lookup("/a");
	CHECK(a->v_type, VDIR);
	CHECK(a->v_nlink, 2);
	CHECK(root->v_nlink, 3);
	CHECK(nevents(root, VNEV_WRITE), 1);
	CHECK(nevents(root, VNEV_LINK), 1);
	/* vop_mkdir_post(): NOTE_WRITE | NOTE_LINK as one hint. */
	CHECK(postmask(root, 0), VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_LINK));
	CHECK(npost, 1);
	CHECK(all_locked(), 1);
	CHECK(kern_mkdirat(td, "/a", 0755), EEXIST);
	CHECK(kern_mkdirat(td, "/", 0755), EEXIST);
	CHECK(kern_mkdirat(td, "/a/.", 0755), EEXIST);
	CHECK(kern_mkdirat(td, "/x/y", 0755), ENOENT);
	CHECK(mkfile("/f", ""), 0);
	CHECK(kern_mkdirat(td, "/f", 0755), EEXIST);
}

Test(kern_mkdirat, links_and_errors)
{
	run("freebsd", body_mkdir);
}

static void
body_unlink(void *arg)
{
	struct thread *td = curthread;
	struct vnode *root = lookup("/"), *vp;
	char buf[16];
	size_t n;
	int fd;

	CHECK(kern_mkdirat(td, "/d", 0755), 0);
	CHECK(kern_unlinkat(td, "/d"), EPERM);
	CHECK(kern_unlinkat(td, "/"), EPERM);
	CHECK(kern_unlinkat(td, "/missing"), ENOENT);
	CHECK(kern_unlinkat(td, "/d/missing"), ENOENT);
	CHECK(mkfile("/f", "hello"), 0);
	CHECK(kern_unlinkat(td, "/f/"), ENOTDIR);
	CHECK(kern_linkat(td, "/f", "/g"), 0);
	vp = lookup("/f");
	CHECK(vp->v_nlink, 2);

	/* NOTE_DELETE on every unlink, also while a link remains. */
	hook_events();
	CHECK(kern_unlinkat(td, "/f"), 0);
	unhook_events();
	CHECK(vp->v_nlink, 1);
	CHECK(nevents(vp, VNEV_DELETE), 1);
	CHECK(nevents(root, VNEV_WRITE), 1);
	/* vop_remove_post(): the directory first, then the file. */
	CHECK(nev, 2);
	CHECK(evlog[0].vp == root && evlog[1].vp == vp, 1);
	CHECK(lookup("/f") == NULL, 1);

	/* An open file outlives its last name. */
	CHECK(kern_openat(td, "/g", O_RDONLY, 0, &fd), 0);
	CHECK(vp->v_usecount, 2);
	hook_events();
	CHECK(kern_unlinkat(td, "/g"), 0);
	unhook_events();
	CHECK(nevents(vp, VNEV_DELETE), 1);
	CHECK(vp->v_nlink, 0);
	CHECK(vp->v_usecount, 1);
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(n, 5);
	CHECK(memcmp(buf, "hello", 5), 0);
	CHECK(kern_close(td, fd), 0);
	CHECK(lookup("/g") == NULL, 1);
}

Test(kern_unlinkat, eperm_for_dirs_and_delete_on_every_unlink)
{
	run("freebsd", body_unlink);
}

static void
body_rename_errors(void *arg)
{
	struct thread *td = curthread;

	CHECK(kern_mkdirat(td, "/a", 0755), 0);
	CHECK(kern_mkdirat(td, "/a/b", 0755), 0);
	CHECK(kern_mkdirat(td, "/e", 0755), 0);
	CHECK(kern_mkdirat(td, "/full", 0755), 0);
	CHECK(mkfile("/full/x", ""), 0);
	CHECK(mkfile("/f", "f"), 0);
	CHECK(kern_renameat(td, "/missing", "/z"), ENOENT);
	CHECK(kern_renameat(td, "/f", "/nodir/z"), ENOENT);
	CHECK(kern_renameat(td, "/a", "/f"), ENOTDIR);
	CHECK(kern_renameat(td, "/f", "/e"), EISDIR);
	CHECK(kern_renameat(td, "/a", "/a/b/c"), EINVAL);
	CHECK(kern_renameat(td, "/a", "/a/c"), EINVAL);
	CHECK(kern_renameat(td, "/a", "/full"), ENOTEMPTY);
	CHECK(kern_renameat(td, "/a/.", "/z"), EINVAL);
	CHECK(kern_renameat(td, "/f", "/"), EINVAL);
	/* Nothing moved. */
	CHECK(lookup("/a/b") != NULL, 1);
	CHECK(strcmp(slurp("/f"), "f"), 0);
	/* Onto another name of the same file: nothing happens. */
	CHECK(kern_linkat(td, "/f", "/f2"), 0);
	CHECK(kern_renameat(td, "/f", "/f2"), 0);
	CHECK(lookup("/f") == lookup("/f2"), 1);
	CHECK(lookup("/f")->v_nlink, 2);
}

Test(kern_renameat, errors)
{
	run("freebsd", body_rename_errors);
}

static void
body_rename(void *arg)
{
	struct thread *td = curthread;
	struct vnode *src, *dst, *d1, *d2, *sub, *e;

	CHECK(kern_mkdirat(td, "/d1", 0755), 0);
	CHECK(kern_mkdirat(td, "/d2", 0755), 0);
	CHECK(mkfile("/d1/src", "new"), 0);
	CHECK(mkfile("/d2/dst", "old"), 0);
	src = lookup("/d1/src");
	dst = lookup("/d2/dst");
	d1 = lookup("/d1");
	d2 = lookup("/d2");
	/* Keep the replaced target to look at its events. */
	vref(dst);
	hook_events();
	CHECK(kern_renameat(td, "/d1/src", "/d2/dst"), 0);
	unhook_events();
	CHECK(lookup("/d1/src") == NULL, 1);
	CHECK(lookup("/d2/dst") == src, 1);
	CHECK(strcmp(slurp("/d2/dst"), "new"), 0);
	CHECK(dst->v_nlink, 0);
	/*
	 * vop_rename_post(), unlocked: one hint per vnode, NOTE_EXTEND on
	 * both directories, one NOTE_DELETE (not a second one) on the
	 * replaced file.
	 */
	CHECK(postmask(d1, 0), VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_EXTEND));
	CHECK(postmask(d2, 0), VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_EXTEND));
	CHECK(postmask(src, 0), VNEV_BIT(VNEV_RENAME_FROM));
	CHECK(postmask(dst, 0), VNEV_BIT(VNEV_DELETE));
	CHECK(postmask(dst, 1), 0);
	CHECK(npost, 4);
	CHECK(evlog[0].vp == d1 && evlog[2].vp == d2, 1);
	CHECK(none_locked(), 1);
	vrele(dst);

	/* A directory moves with its contents and its link counts. */
	CHECK(kern_mkdirat(td, "/d1/sub", 0755), 0);
	CHECK(mkfile("/d1/sub/f", "in sub"), 0);
	sub = lookup("/d1/sub");
	CHECK(d1->v_nlink, 3);
	CHECK(kern_renameat(td, "/d1/sub", "/d2/sub2"), 0);
	CHECK(d1->v_nlink, 2);
	CHECK(d2->v_nlink, 3);
	CHECK(lookup("/d2/sub2") == sub, 1);
	CHECK(strcmp(slurp("/d2/sub2/f"), "in sub"), 0);
	CHECK(lookup("/d2/sub2/..") == d2, 1);

	/* Onto an empty directory. */
	CHECK(kern_mkdirat(td, "/d1/empty", 0755), 0);
	e = lookup("/d1/empty");
	vref(e);
	hook_events();
	CHECK(kern_renameat(td, "/d2/sub2", "/d1/empty"), 0);
	unhook_events();
	CHECK(e->v_nlink, 0);
	/* A directory over a directory: NOTE_LINK on the source only. */
	CHECK(postmask(e, 0), VNEV_BIT(VNEV_DELETE));
	CHECK(postmask(d2, 0),
	    VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_EXTEND) | VNEV_BIT(VNEV_LINK));
	CHECK(postmask(d1, 0), VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_EXTEND));
	CHECK(postmask(sub, 0), VNEV_BIT(VNEV_RENAME_FROM));
	CHECK(lookup("/d1/empty") == sub, 1);
	CHECK(d1->v_nlink, 3);
	CHECK(d2->v_nlink, 2);
	vrele(e);
}

Test(kern_renameat, replaces_target_and_moves_directories)
{
	run("freebsd", body_rename);
}

static void
body_rename_illumos(void *arg)
{
	struct thread *td = curthread;
	struct vnode *dst;

	CHECK(mkfile("/src", "a"), 0);
	CHECK(mkfile("/dst", "b"), 0);
	dst = lookup("/dst");
	vref(dst);
	hook_events();
	CHECK(kern_renameat(td, "/src", "/dst"), 0);
	unhook_events();
	/* illumos: FILE_RENAME_TO on the replaced file, no FILE_DELETE. */
	CHECK(nevents(dst, VNEV_RENAME_TO), 1);
	CHECK(nevents(dst, VNEV_DELETE), 0);
	vrele(dst);
}

Test(kern_renameat, illumos_replaced_target_gets_rename_to_only)
{
	run("illumos", body_rename_illumos);
}

static void
body_link(void *arg)
{
	struct thread *td = curthread;
	struct vnode *vp, *root = lookup("/");

	CHECK(kern_mkdirat(td, "/d", 0755), 0);
	CHECK(mkfile("/f", "x"), 0);
	CHECK(mkfile("/g", "y"), 0);
	CHECK(kern_linkat(td, "/d", "/d2"), EPERM);
	CHECK(kern_linkat(td, "/f", "/g"), EEXIST);
	CHECK(kern_linkat(td, "/f", "/d"), EEXIST);
	CHECK(kern_linkat(td, "/missing", "/h"), ENOENT);
	CHECK(kern_linkat(td, "/f", "/nodir/h"), ENOENT);
	vp = lookup("/f");
	hook_events();
	CHECK(kern_linkat(td, "/f", "/d/h"), 0);
	unhook_events();
	CHECK(vp->v_nlink, 2);
	CHECK(lookup("/d/h") == vp, 1);
	CHECK(nevents(vp, VNEV_LINK), 1);
	CHECK(nevents(lookup("/d"), VNEV_WRITE), 1);
	CHECK(nevents(root, VNEV_WRITE), 0);
}

Test(kern_linkat, errors_and_link_count)
{
	run("freebsd", body_link);
}

static void
body_truncate_chmod(void *arg)
{
	struct thread *td = curthread;
	struct vnode *vp;
	char buf[16];
	size_t n;
	int fd;

	CHECK(mkfile("/f", "hello"), 0);
	vp = lookup("/f");
	CHECK(kern_truncate(td, "/f", -1), EINVAL);
	CHECK(kern_mkdirat(td, "/d", 0755), 0);
	CHECK(kern_truncate(td, "/d", 0), EISDIR);
	CHECK(kern_truncate(td, "/missing", 0), ENOENT);
	CHECK(kern_truncate(td, "/f", (int64_t)64 * 1024 * 1024 + 1), EFBIG);

	hook_events();
	CHECK(kern_truncate(td, "/f", 2), 0);
	unhook_events();
	CHECK(vp->v_size, 2);
	CHECK(nevents(vp, VNEV_TRUNC), 1);
	CHECK(nevents(vp, VNEV_EXTEND), 0);
	CHECK(nevents(vp, VNEV_ATTRIB), 1);

	hook_events();
	CHECK(kern_truncate(td, "/f", 4), 0);
	unhook_events();
	CHECK(nevents(vp, VNEV_TRUNC), 0);
	CHECK(nevents(vp, VNEV_EXTEND), 1);
	CHECK(nevents(vp, VNEV_ATTRIB), 1);
	CHECK(kern_openat(td, "/f", O_RDONLY, 0, &fd), 0);
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(n, 4);
	CHECK(memcmp(buf, "he\0\0", 4), 0);
	CHECK(kern_close(td, fd), 0);

	hook_events();
	CHECK(kern_chmodat(td, "/f", 0600), 0);
	unhook_events();
	CHECK(vp->v_mode, 0600);
	CHECK(nevents(vp, VNEV_ATTRIB), 1);
	CHECK(kern_chmodat(td, "/d", 0700), 0);
	CHECK(lookup("/d")->v_mode, 0700);
	CHECK(kern_chmodat(td, "/missing", 0700), ENOENT);
}

Test(kern_truncate, sizes_events_and_errors)
{
	run("freebsd", body_truncate_chmod);
}

static void
body_io(void *arg)
{
	struct thread *td = curthread;
	struct vnode *vp;
	char buf[32];
	size_t n;
	int fd, fd2, dfd;

	CHECK(kern_mkdirat(td, "/d", 0755), 0);
	hook_events();
	CHECK(kern_openat(td, "/f", O_WRONLY | O_CREAT, 0644, &fd), 0);
	vp = lookup("/f");
	CHECK(nevents(lookup("/"), VNEV_WRITE), 1);
	CHECK(nevents(vp, VNEV_OPEN), 1);
	nev = 0;
	CHECK(fdwrite(fd, "hello", 5, &n), 0);
	CHECK(n, 5);
	CHECK(vp->v_size, 5);
	/* VOP_WRITE_POST(): one hint, NOTE_WRITE | NOTE_EXTEND. */
	CHECK(postmask(vp, 0), VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_EXTEND));
	CHECK(postmask(vp, 1), 0);
	CHECK(fdread(fd, buf, sizeof(buf), &n), EBADF);
	CHECK(kern_close(td, fd), 0);
	CHECK(nevents(vp, VNEV_CLOSE_WRITE), 1);
	CHECK(nevents(vp, VNEV_CLOSE), 0);

	/* Overwriting in place is a write, not an extension. */
	CHECK(kern_openat(td, "/f", O_RDWR, 0, &fd), 0);
	nev = 0;
	CHECK(fdwrite(fd, "HE", 2, &n), 0);
	CHECK(nevents(vp, VNEV_WRITE), 1);
	CHECK(nevents(vp, VNEV_EXTEND), 0);
	/* The offset advanced past what was written. */
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(n, 3);
	CHECK(memcmp(buf, "llo", 3), 0);
	CHECK(nevents(vp, VNEV_ACCESS), 1);
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	CHECK(kern_close(td, fd), 0);

	/* O_APPEND writes at the end whatever the offset. */
	CHECK(kern_openat(td, "/f", O_WRONLY | O_APPEND, 0, &fd), 0);
	CHECK(kern_openat(td, "/f", O_RDONLY, 0, &fd2), 0);
	CHECK(fdwrite(fd2, "x", 1, &n), EBADF);
	CHECK(fdwrite(fd, "!", 1, &n), 0);
	CHECK(fdwrite(fd, "?", 1, &n), 0);
	CHECK(fdread(fd2, buf, sizeof(buf), &n), 0);
	CHECK(n, 7);
	CHECK(memcmp(buf, "HEllo!?", 7), 0);
	nev = 0;
	CHECK(kern_close(td, fd2), 0);
	CHECK(nevents(vp, VNEV_CLOSE), 1);
	CHECK(kern_close(td, fd), 0);

	/* O_TRUNC empties an existing file. */
	nev = 0;
	CHECK(kern_openat(td, "/f", O_RDWR | O_TRUNC, 0, &fd), 0);
	CHECK(vp->v_size, 0);
	CHECK(nevents(vp, VNEV_TRUNC), 1);
	CHECK(kern_close(td, fd), 0);

	/* Reading a directory. */
	CHECK(kern_openat(td, "/d", O_RDONLY, 0, &dfd), 0);
	CHECK(fdread(dfd, buf, sizeof(buf), &n), EISDIR);
	CHECK(fdwrite(dfd, "x", 1, &n), EBADF);
	CHECK(kern_close(td, dfd), 0);
	CHECK(all_locked(), 1);
	unhook_events();

	/* The maximum file size: 64 MiB. */
	CHECK(kern_truncate(td, "/f", (int64_t)64 * 1024 * 1024 - 1), 0);
	CHECK(kern_openat(td, "/f", O_WRONLY | O_APPEND, 0, &fd), 0);
	CHECK(fdwrite(fd, "ab", 2, &n), EFBIG);
	CHECK(vp->v_size, (int64_t)64 * 1024 * 1024 - 1);
	CHECK(fdwrite(fd, "a", 1, &n), 0);
	CHECK(fdwrite(fd, "a", 1, &n), EFBIG);
	CHECK(kern_close(td, fd), 0);
}

Test(vnops, read_write_append_trunc_and_events)
{
	run("freebsd", body_io);
}

static void
body_read_eof_illumos(void *arg)
{
	struct thread *td = curthread;
	struct vnode *vp;
	char buf[4];
	size_t n;
	int fd;

	CHECK(mkfile("/f", "ab"), 0);
	vp = lookup("/f");
	CHECK(kern_openat(td, "/f", O_RDONLY, 0, &fd), 0);
	hook_events();
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(nevents(vp, VNEV_ACCESS), 1);
	/* illumos posts FILE_ACCESS only when something was read. */
	CHECK(fdread(fd, buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	CHECK(nevents(vp, VNEV_ACCESS), 1);
	unhook_events();
	CHECK(kern_close(td, fd), 0);
}

Test(vnops, illumos_read_at_eof_posts_no_access)
{
	run("illumos", body_read_eof_illumos);
}

static void
body_usecount(void *arg)
{
	struct thread *td = curthread;
	struct vnode *vp;
	int fd;

	CHECK(mkfile("/f", "x"), 0);
	vp = lookup("/f");
	CHECK(vp->v_usecount, 1);
	CHECK(kern_openat(td, "/f", O_RDONLY, 0, &fd), 0);
	CHECK(vp->v_usecount, 2);
	CHECK(kern_close(td, fd), 0);
	CHECK(vp->v_usecount, 1);
	CHECK(kern_openat(td, "/f", O_RDONLY | O_CLOEXEC, 0, &fd), 0);
	CHECK(vp->v_usecount, 2);
	CHECK(kern_close(td, fd), 0);
}

Test(kern_openat, open_files_hold_the_vnode)
{
	run("freebsd", body_usecount);
}
