/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-memory file system of one run (see vfs.h).  Models the observable
 * behaviour of FreeBSD's vfs_syscalls.c, vfs_vnops.c and vfs_lookup.c over a
 * UFS-like file system: directories hold named entries, regular files hold
 * bytes, link counts follow UFS (a directory has 2 plus one per
 * subdirectory), and every change is reported as a vnode event at the place
 * where FreeBSD's VOP post hooks (vop_write_post, vop_remove_post, ...) fire
 * VFS_KNOTE and illumos fires its vnevent_*() / FEM callbacks.  The events
 * are fired after the change is complete, with the vnode interlock held (the
 * knlist lock of 'v_pollinfo', as VFS_KNOTE_LOCKED() holds the vnode lock),
 * so that a kernel model that switches threads inside the hook never exposes
 * a half-done operation.
 *
 * 'v_usecount' counts the names of a vnode, its open files and explicit
 * vref() holders; the vnode is freed when it drops to zero.  Directories
 * are never freed before vfs_fini(), since rmdir(2) is not modelled and a
 * directory cannot be unlinked.
 *
 * XXX: there is no current directory: a relative path resolves from "/"
 * exactly like an absolute one.  There are no symbolic links, permissions,
 * credentials or timestamps visible through a syscall; 'v_mode' is stored
 * but never checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "socket.h" /* POLLIN and friends; XXX: they belong in selinfo.h. */
#include "vfs.h"

/* fs_maxfilesize of the simulated file system (ffs_write: EFBIG beyond). */
#define VFS_MAXFILESIZE ((int64_t)64 * 1024 * 1024)

/*
 * The file system of the run: its root, and every live vnode so that
 * vfs_fini() can free unlinked files still held open when a run ends.
 */
static struct vnode *rootvnode;
static struct vnode **allvnodes;
static size_t nallvnodes, capallvnodes;

/* The result of a lookup: the parent directory and the last component. */
struct nameidata {
	struct vnode *ni_dvp; /* NULL when the last component is "." or ".." */
	struct vnode *ni_vp; /* NULL when the last component does not exist */
	char ni_name[VFS_NAMEMAX + 1];
	bool ni_trailslash;
};

static int vn_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td);
static int vn_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td);
static int vn_closefile(struct file *fp, struct thread *td);
static int vn_poll(struct file *fp, int events, struct thread *td);
static void vn_label(struct vnode *vp);

/*
 * XXX: no fo_kqfilter: the FreeBSD model attaches EVFILT_READ, EVFILT_WRITE
 * and EVFILT_VNODE to vnodes by 'f_type' (vfs_kqfilter() lives with it).
 */
const struct fileops vnops = {
	.fo_name = "vnode",
	.fo_read = vn_read,
	.fo_write = vn_write,
	.fo_close = vn_closefile,
	.fo_kqfilter = NULL,
	.fo_poll = vn_poll,
	.fo_fork = NULL,
	.fo_flags = DFLAG_PASSABLE | DFLAG_SEEKABLE,
};

_Noreturn static void
vfs_nomem(void)
{
	fprintf(stderr, "evsim: out of memory in the file system\n");
	abort();
}

/* Traces only inside a run: vfs_init() may precede the scheduler. */
static bool
tracing(void)
{
	return (sched_self() != NULL);
}

static void
allvnodes_add(struct vnode *vp)
{
	if (nallvnodes == capallvnodes) {
		size_t ncap = capallvnodes == 0 ? 64 : capallvnodes * 2;
		struct vnode **n = sim_realloc(allvnodes, ncap * sizeof(*n));

		if (n == NULL)
			vfs_nomem();
		allvnodes = n;
		capallvnodes = ncap;
	}
	allvnodes[nallvnodes++] = vp;
}

static void
allvnodes_remove(struct vnode *vp)
{
	size_t i;

	for (i = 0; i < nallvnodes; i++) {
		if (allvnodes[i] == vp) {
			allvnodes[i] = allvnodes[--nallvnodes];
			return;
		}
	}
	KASSERT(0, ("vnode %s not on the vnode list", vp->v_obj.so_name));
}

/*
 * A new vnode of type 'type' with no name yet and 'v_usecount' 0; the
 * caller sets the link count and takes the references it needs.
 */
static struct vnode *
vn_alloc(enum vtype type, int mode)
{
	struct vnode *vp = sim_calloc(1, sizeof(*vp));

	if (vp == NULL)
		vfs_nomem();
	vp->v_type = type;
	vp->v_mode = mode & 07777;
	LIST_INIT(&vp->v_dirents);
	mtx_init(&vp->v_interlock, "vnode interlock", NULL, MTX_DEF);
	selinfo_init(&vp->v_pollinfo, &vp->v_interlock);
	sim_obj_init(&vp->v_obj, "vnode");
	if (tracing()) {
		vp->v_mtime_ns = vp->v_atime_ns = vp->v_ctime_ns = sched_now();
		sim_trace_created(__func__, &vp->v_obj);
		sim_trace_str(__func__, &vp->v_obj, "v_type", "",
		    type == VDIR ? "VDIR" : "VREG");
		sim_trace_int(__func__, &vp->v_obj, "v_mode", 0, vp->v_mode);
	}
	allvnodes_add(vp);
	return (vp);
}

static void
vn_free(struct vnode *vp)
{
	struct dirent_sim *de, *tde;

	LIST_FOREACH_SAFE(de, &vp->v_dirents, d_link, tde)
		sim_free(de);
	mtx_destroy(&vp->v_interlock);
	sim_free(vp->v_data);
	sim_free(vp);
}

/* Models vref() in sys/kern/vfs_subr.c. */
void
vref(struct vnode *vp)
{
	KASSERT(
	    vp->v_usecount > 0, ("vref: %s: no use count", vp->v_obj.so_name));
	SIM_SET(&vp->v_obj, "v_usecount", vp->v_usecount, vp->v_usecount + 1);
}

/* Models vrele() in sys/kern/vfs_subr.c: the last reference frees. */
void
vrele(struct vnode *vp)
{
	KASSERT(vp->v_usecount > 0,
	    ("vrele: %s: negative ref cnt", vp->v_obj.so_name));
	SIM_SET(&vp->v_obj, "v_usecount", vp->v_usecount, vp->v_usecount - 1);
	if (vp->v_usecount > 0)
		return;
	KASSERT(vp->v_nlink == 0,
	    ("vrele: %s: freed with %d links", vp->v_obj.so_name, vp->v_nlink));
	/* As knlist_destroy() asserts in vgonel(). */
	KASSERT(SLIST_EMPTY(&vp->v_pollinfo.si_note.kl_list),
	    ("vrele: %s: knlist not empty", vp->v_obj.so_name));
	KASSERT(vp->v_pollinfo.si_ph.ph_list == NULL,
	    ("vrele: %s: pollhead not empty", vp->v_obj.so_name));
	if (vp->v_kdata != NULL && sim_kern->k_ops->ko_vnode_free != NULL)
		sim_kern->k_ops->ko_vnode_free(vp);
	sim_trace_freed(__func__, &vp->v_obj);
	allvnodes_remove(vp);
	vn_free(vp);
}

/*
 * The events of one VOP post hook on vp, as VFS_KNOTE_LOCKED() (with the
 * vnode interlock, 'locked') or VFS_KNOTE_UNLOCKED() posts one combined
 * hint.  A kernel without ko_vnode_post gets each event on its own, in
 * enum order, each under the interlock.
 */
static void
vn_knote_post(struct vnode *vp, unsigned int evs, bool locked)
{
	const struct sim_kops *ko = sim_kern->k_ops;
	unsigned int ev;

	if (ko->ko_vnode_post != NULL) {
		if (locked)
			mtx_lock(&vp->v_interlock);
		ko->ko_vnode_post(vp, evs);
		if (locked)
			mtx_unlock(&vp->v_interlock);
		return;
	}
	if (ko->ko_vnode == NULL)
		return;
	for (ev = 0; ev <= VNEV_CLOSE_WRITE; ev++) {
		if ((evs & VNEV_BIT(ev)) == 0)
			continue;
		mtx_lock(&vp->v_interlock);
		ko->ko_vnode(vp, (enum sim_vnev)ev);
		mtx_unlock(&vp->v_interlock);
	}
}

/*
 * Whether the kernel posts vnode events from the VOP post hooks of
 * vfs_subr.c (one combined hint per operation and vnode), as the FreeBSD
 * of today does, rather than from inside the file system.
 */
static bool
vn_posthooks(void)
{
	return (sim_kern->k_ops->ko_vnode_post != NULL);
}

/* A vnode event, as VFS_KNOTE_LOCKED() posts it. */
static void
vn_knote(struct vnode *vp, enum sim_vnev ev)
{
	vn_knote_post(vp, VNEV_BIT(ev), true);
}

/* A vnode event on the name 'name' in dvp (illumos's vnevent_*()). */
static void
vn_knote_name(
    struct vnode *vp, enum sim_vnev ev, struct vnode *dvp, const char *name)
{
	if (sim_kern->k_ops->ko_vnevent == NULL) {
		vn_knote(vp, ev);
		return;
	}
	mtx_lock(&vp->v_interlock);
	sim_kern->k_ops->ko_vnevent(vp, ev, dvp, name);
	mtx_unlock(&vp->v_interlock);
}

int
vfs_init(void)
{
	vfs_fini();
	/* Out of host memory is fatal (vfs_nomem()): this never fails. */
	rootvnode = vn_alloc(VDIR, 0755);
	/* The root's reference is the mount's; ".." of "/" is "/". */
	rootvnode->v_parent = rootvnode;
	rootvnode->v_nlink = 2;
	rootvnode->v_usecount = 1;
	if (tracing()) {
		sim_trace_int(__func__, &rootvnode->v_obj, "v_nlink", 0, 2);
		sim_trace_int(__func__, &rootvnode->v_obj, "v_usecount", 0, 1);
	}
	vn_label(rootvnode);
	return (0);
}

/*
 * Frees every vnode, including unlinked ones still open.  Files that still
 * point at them must not be used afterwards (the run is over).
 */
void
vfs_fini(void)
{
	size_t i;

	for (i = 0; i < nallvnodes; i++)
		vn_free(allvnodes[i]);
	sim_free(allvnodes);
	allvnodes = NULL;
	nallvnodes = capallvnodes = 0;
	rootvnode = NULL;
}

static struct dirent_sim *
dir_lookup(struct vnode *dvp, const char *name)
{
	struct dirent_sim *de;

	LIST_FOREACH(de, &dvp->v_dirents, d_link)
		if (strcmp(de->d_name, name) == 0)
			return (de);
	return (NULL);
}

/* Enters vp in dvp as name, taking a name reference and a link. */
static void
dir_enter(struct vnode *dvp, const char *name, struct vnode *vp)
{
	struct dirent_sim *de = sim_calloc(1, sizeof(*de));

	if (de == NULL)
		vfs_nomem();
	strcpy(de->d_name, name);
	de->d_vp = vp;
	LIST_INSERT_HEAD(&dvp->v_dirents, de, d_link);
	vn_label(vp);
}

/*
 * The path of directory dvp into buf ("/" for the root), from its parent
 * chain; returns false when a directory on the way has no name left.
 */
static bool
vn_dirpath(struct vnode *dvp, char *buf, size_t len)
{
	struct dirent_sim *de;
	char tmp[512];

	if (dvp == rootvnode || dvp->v_parent == NULL) {
		snprintf(buf, len, "%s", dvp == rootvnode ? "" : "?");
		return (dvp == rootvnode);
	}
	LIST_FOREACH(de, &dvp->v_parent->v_dirents, d_link)
		if (de->d_vp == dvp)
			break;
	if (de == NULL || !vn_dirpath(dvp->v_parent, tmp, sizeof(tmp)))
		return (false);
	/* Cut when too long, as a label is only read by a person. */
	if (strlen(tmp) + 1 + strlen(de->d_name) >= len)
		snprintf(buf, len, "%.*s", (int)len - 1, tmp);
	else {
		strcpy(buf, tmp);
		strcat(buf, "/");
		strcat(buf, de->d_name);
	}
	return (true);
}

/*
 * Labels vp with its type and every name it has ("VREG /a/b, /a/c"), or
 * "unlinked" once it has none; called where a name is added or removed.
 * XXX: renaming a directory does not relabel what lies below it.
 */
static void
vn_label(struct vnode *vp)
{
	struct dirent_sim *de;
	char label[512], dir[512];
	size_t i, n = 0;
	int names = 0;

	if (!tracing() || !sim_labels_on())
		return;
	n = (size_t)snprintf(
	    label, sizeof(label), "%s", vp->v_type == VDIR ? "VDIR" : "VREG");
	if (vp == rootvnode)
		n += (size_t)snprintf(label + n, sizeof(label) - n, " /");
	for (i = 0; i < nallvnodes && n < sizeof(label); i++) {
		if (allvnodes[i]->v_type != VDIR)
			continue;
		LIST_FOREACH(de, &allvnodes[i]->v_dirents, d_link) {
			if (de->d_vp != vp || n >= sizeof(label))
				continue;
			if (!vn_dirpath(allvnodes[i], dir, sizeof(dir)))
				snprintf(dir, sizeof(dir), "?");
			n += (size_t)snprintf(label + n, sizeof(label) - n,
			    "%s %s/%s", names > 0 ? "," : "", dir, de->d_name);
			names++;
		}
	}
	if (names == 0 && vp != rootvnode)
		snprintf(label + n, sizeof(label) - n, " unlinked");
	sim_obj_label(&vp->v_obj, "%s", label);
}

static void
dir_remove(struct dirent_sim *de)
{
	struct vnode *vp = de->d_vp;

	LIST_REMOVE(de, d_link);
	sim_free(de);
	vn_label(vp);
}

static bool
dir_empty(struct vnode *dvp)
{
	return (LIST_EMPTY(&dvp->v_dirents));
}

/*
 * Models namei()/lookup() in sys/kern/vfs_lookup.c: resolves every component
 * but the last, then looks the last one up in its directory.  "." and ".."
 * as the last component resolve to the directory itself (ni_dvp NULL), as
 * lookup() does for DOTDOT and ISDOTDOT.  Returns ENOENT (empty path or a
 * missing directory), ENOTDIR, ENAMETOOLONG.  Takes no reference: nothing
 * here is a scheduling point.
 */
static int
vfs_lookup(const char *path, struct nameidata *nd)
{
	struct vnode *dvp = rootvnode;
	struct dirent_sim *de;
	const char *cp = path, *ep;
	size_t len;

	KASSERT(rootvnode != NULL, ("vfs_lookup: no root"));
	memset(nd, 0, sizeof(*nd));
	/* copyinstr() into a MAXPATHLEN buffer: the NUL must fit. */
	len = strnlen(path, VFS_PATHMAX);
	if (len >= VFS_PATHMAX)
		return (ENAMETOOLONG);
	if (len == 0)
		return (ENOENT);
	nd->ni_trailslash = path[len - 1] == '/';
	for (;;) {
		while (*cp == '/')
			cp++;
		if (*cp == '\0') {
			/* "/" itself, or only "." and ".." components. */
			nd->ni_vp = dvp;
			return (0);
		}
		ep = cp;
		while (*ep != '\0' && *ep != '/')
			ep++;
		len = (size_t)(ep - cp);
		if (len > VFS_NAMEMAX)
			return (ENAMETOOLONG);
		if (dvp->v_type != VDIR)
			return (ENOTDIR);
		memcpy(nd->ni_name, cp, len);
		nd->ni_name[len] = '\0';
		cp = ep;
		while (*cp == '/')
			cp++;
		if (strcmp(nd->ni_name, ".") == 0)
			continue;
		if (strcmp(nd->ni_name, "..") == 0) {
			dvp = dvp->v_parent;
			continue;
		}
		de = dir_lookup(dvp, nd->ni_name);
		if (*cp == '\0') {
			/* The last component. */
			nd->ni_dvp = dvp;
			nd->ni_vp = de != NULL ? de->d_vp : NULL;
			if (nd->ni_trailslash && nd->ni_vp != NULL
			    && nd->ni_vp->v_type != VDIR)
				return (ENOTDIR);
			return (0);
		}
		if (de == NULL)
			return (ENOENT);
		dvp = de->d_vp;
	}
}

/* A referenced vnode for path (see vfs.h). */
int
namei(const char *path, struct vnode **ret_vp)
{
	struct nameidata nd;
	int error;

	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	if (nd.ni_vp == NULL)
		return (ENOENT);
	vref(nd.ni_vp);
	*ret_vp = nd.ni_vp;
	return (0);
}

/* The directory and name of path's last component (see vfs.h). */
int
namei_parent(const char *path, struct vnode **dvpp, char *name, size_t len)
{
	struct nameidata nd;
	int error;

	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	if (nd.ni_vp == NULL)
		return (ENOENT);
	*dvpp = nd.ni_dvp;
	if (nd.ni_dvp != NULL)
		vref(nd.ni_dvp);
	snprintf(name, len, "%s", nd.ni_name);
	return (0);
}

/* Sets the size of a regular file, zero-filling growth.  EFBIG. */
static int
vn_setsize(struct vnode *vp, int64_t size)
{
	if (size > VFS_MAXFILESIZE)
		return (EFBIG);
	if ((size_t)size > vp->v_cap) {
		size_t ncap = vp->v_cap == 0 ? 256 : vp->v_cap;
		char *n;

		while (ncap < (size_t)size)
			ncap *= 2;
		n = sim_realloc(vp->v_data, ncap);
		if (n == NULL)
			vfs_nomem();
		vp->v_data = n;
		vp->v_cap = ncap;
	}
	if (size > vp->v_size)
		memset(vp->v_data + vp->v_size, 0, (size_t)(size - vp->v_size));
	SIM_SET(&vp->v_obj, "v_size", vp->v_size, size);
	vp->v_mtime_ns = vp->v_ctime_ns = sched_now();
	return (0);
}

/*
 * Models ffs_truncate() reached through VOP_SETATTR: the size change, then
 * the events of the size change and vop_setattr_post()'s NOTE_ATTRIB.
 * XXX: the size change's own event (NOTE_ATTRIB for a shrink, NOTE_EXTEND
 * for a growth on FreeBSD) is a notice of its own before the post hook's;
 * no kernel call site for it has been matched in ufs_setattr() or
 * ffs_truncate(), where only vop_setattr_post()'s NOTE_ATTRIB may exist.
 */
static int
vn_truncate(struct vnode *vp, int64_t length)
{
	int64_t osize = vp->v_size;
	int error;

	error = vn_setsize(vp, length);
	if (error != 0)
		return (error);
	if (length < osize)
		vn_knote(vp, VNEV_TRUNC);
	else if (length > osize)
		vn_knote(vp, VNEV_EXTEND);
	vn_knote(vp, VNEV_ATTRIB);
	return (0);
}

/*
 * Models kern_openat() in sys/kern/vfs_syscalls.c with vn_open_cred() and
 * vn_open_vnode() in sys/kern/vfs_vnops.c.  Every error is found before the
 * descriptor is allocated, so a failed open changes nothing.  XXX: FreeBSD
 * allocates the file first (falloc_noinstall) and installs it last, so an
 * EMFILE open there may still have created the file; here it has not.
 */
int
kern_openat(
    struct thread *td, const char *path, int flags, int mode, int *ret_fd)
{
	struct nameidata nd;
	struct file *fp;
	struct vnode *vp;
	int accmode = flags & O_ACCMODE, error, fd;
	bool created = false;

	if (accmode == O_ACCMODE)
		return (EINVAL);
	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp == NULL) {
		if ((flags & O_CREAT) == 0)
			return (ENOENT);
		/* POSIX: O_CREAT on a name with a trailing slash. */
		if (nd.ni_trailslash)
			return (EISDIR);
	} else {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return (EEXIST);
		if ((flags & O_CREAT) != 0 && vp->v_type == VDIR)
			return (EISDIR);
		/* vn_open_vnode(): VDIR with FWRITE or O_TRUNC. */
		if (vp->v_type == VDIR
		    && (accmode != O_RDONLY || (flags & O_TRUNC) != 0))
			return (EISDIR);
	}
	error = falloc(td, &fp, &fd, flags & (O_CLOEXEC | O_CLOFORK));
	if (error != 0)
		return (error);
	if (vp == NULL) {
		/* VOP_CREATE(); vn_open_cred() then clears O_TRUNC. */
		vp = vn_alloc(VREG, mode);
		dir_enter(nd.ni_dvp, nd.ni_name, vp);
		SIM_SET(&vp->v_obj, "v_nlink", vp->v_nlink, 1);
		SIM_SET(&vp->v_obj, "v_usecount", vp->v_usecount, 1);
		created = true;
	}
	/* The open file's reference. */
	vref(vp);
	finit(fp, (accmode + 1) | (flags & (O_NONBLOCK | O_APPEND)),
	    DTYPE_VNODE, vp, &vnops);
	fp->f_vnode = vp;
	/*
	 * The events, now that the state is complete: vop_create_post()'s
	 * NOTE_WRITE on the directory, the O_TRUNC setattr, vop_open_post().
	 */
	if (created)
		vn_knote(nd.ni_dvp, VNEV_WRITE);
	else if ((flags & O_TRUNC) != 0 && vp->v_type == VREG)
		(void)vn_truncate(vp, 0);
	vn_knote(vp, VNEV_OPEN);
	*ret_fd = fd;
	/* falloc() returned a reference for us besides the table's. */
	(void)fdrop(fp, td);
	return (0);
}

/* Models kern_mkdirat() in sys/kern/vfs_syscalls.c. */
int
kern_mkdirat(struct thread *td, const char *path, int mode)
{
	struct nameidata nd;
	struct vnode *dvp, *vp;
	int error;

	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	if (nd.ni_vp != NULL)
		return (EEXIST);
	dvp = nd.ni_dvp;
	vp = vn_alloc(VDIR, mode);
	vp->v_parent = dvp;
	dir_enter(dvp, nd.ni_name, vp);
	SIM_SET(&vp->v_obj, "v_nlink", vp->v_nlink, 2);
	SIM_SET(&vp->v_obj, "v_usecount", vp->v_usecount, 1);
	/* The new directory's ".." links to its parent. */
	SIM_SET(&dvp->v_obj, "v_nlink", dvp->v_nlink, dvp->v_nlink + 1);
	/* vop_mkdir_post(): NOTE_WRITE | NOTE_LINK on the directory. */
	vn_knote_post(dvp, VNEV_BIT(VNEV_WRITE) | VNEV_BIT(VNEV_LINK), true);
	return (0);
}

/*
 * Models kern_funlinkat() in sys/kern/vfs_syscalls.c with ufs_remove().
 * EPERM for a directory, as FreeBSD's unlink(2) returns.  NOTE_DELETE is
 * posted on every successful unlink, also when other links remain:
 * vop_remove_post() fires it unconditionally, whatever the link count
 * (illumos' vnevent_remove() in zfs_remove() does likewise).
 */
int
kern_unlinkat(struct thread *td, const char *path)
{
	struct nameidata nd;
	struct vnode *dvp, *vp;
	int error;

	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp == NULL)
		return (ENOENT);
	if (vp->v_type == VDIR)
		return (EPERM);
	dvp = nd.ni_dvp;
	dir_remove(dir_lookup(dvp, nd.ni_name));
	SIM_SET(&vp->v_obj, "v_nlink", vp->v_nlink, vp->v_nlink - 1);
	vp->v_ctime_ns = dvp->v_mtime_ns = sched_now();
	/*
	 * The name's reference keeps vp alive through the events.
	 * vop_remove_post(): NOTE_WRITE on the directory, then NOTE_DELETE
	 * on the file; ufs_remove() before the post hooks and illumos'
	 * vnevent_remove() report the file first.
	 */
	if (vn_posthooks()) {
		vn_knote(dvp, VNEV_WRITE);
		vn_knote_name(vp, VNEV_DELETE, dvp, nd.ni_name);
	} else {
		vn_knote_name(vp, VNEV_DELETE, dvp, nd.ni_name);
		vn_knote(dvp, VNEV_WRITE);
	}
	vrele(vp);
	return (0);
}

/* Whether dvp is vp or lies below it. */
static bool
vn_isancestor(struct vnode *vp, struct vnode *dvp)
{
	for (;;) {
		if (dvp == vp)
			return (true);
		if (dvp == rootvnode)
			return (false);
		dvp = dvp->v_parent;
	}
}

/*
 * Models vop_rename_post() in sys/kern/vfs_subr.c: VFS_KNOTE_UNLOCKED()
 * (the vnodes are unlocked by then) of NOTE_WRITE on the source directory
 * and then on the target directory (twice on the same one when they are
 * the same), with NOTE_EXTEND when they differ and NOTE_LINK when a
 * directory moved between them (not on the target when it replaced a
 * directory there) or replaced one within the directory; then NOTE_RENAME
 * on the renamed vnode and NOTE_DELETE on a replaced one.
 */
static void
vop_rename_post(struct vnode *fdvp, struct vnode *fvp, struct vnode *tdvp,
    struct vnode *tvp)
{
	unsigned int hint = VNEV_BIT(VNEV_WRITE);

	if (fdvp == tdvp) {
		if (tvp != NULL && tvp->v_type == VDIR)
			hint |= VNEV_BIT(VNEV_LINK);
		vn_knote_post(fdvp, hint, false);
		vn_knote_post(tdvp, hint, false);
	} else {
		hint |= VNEV_BIT(VNEV_EXTEND);
		if (fvp->v_type == VDIR)
			hint |= VNEV_BIT(VNEV_LINK);
		vn_knote_post(fdvp, hint, false);
		if (fvp->v_type == VDIR && tvp != NULL && tvp->v_type == VDIR)
			hint &= ~VNEV_BIT(VNEV_LINK);
		vn_knote_post(tdvp, hint, false);
	}
	vn_knote_post(fvp, VNEV_BIT(VNEV_RENAME_FROM), false);
	if (tvp != NULL)
		vn_knote_post(tvp, VNEV_BIT(VNEV_DELETE), false);
}

/*
 * Models kern_renameat() in sys/kern/vfs_syscalls.c with ufs_rename() and
 * the events of vop_rename_post().  Errors: ENOENT (source or the target's
 * directory missing), ENOTDIR (directory onto a non-directory), EISDIR
 * (non-directory onto a directory), EINVAL ("." or ".." or "/" as either
 * name, or a directory into its own subtree), ENOTEMPTY (onto a non-empty
 * directory).  Renaming a file onto another name of itself does nothing.
 */
int
kern_renameat(struct thread *td, const char *from, const char *to)
{
	struct nameidata fnd, tnd;
	struct vnode *fdvp, *fvp, *tdvp, *tvp;
	int error;

	error = vfs_lookup(from, &fnd);
	if (error != 0)
		return (error);
	fvp = fnd.ni_vp;
	if (fvp == NULL)
		return (ENOENT);
	if (fnd.ni_dvp == NULL)
		return (EINVAL);
	error = vfs_lookup(to, &tnd);
	if (error != 0)
		return (error);
	tvp = tnd.ni_vp;
	if (tnd.ni_dvp == NULL)
		return (EINVAL);
	fdvp = fnd.ni_dvp;
	tdvp = tnd.ni_dvp;
	if (tvp != NULL) {
		if (fvp->v_type == VDIR && tvp->v_type != VDIR)
			return (ENOTDIR);
		if (fvp->v_type != VDIR && tvp->v_type == VDIR)
			return (EISDIR);
	}
	if (fvp->v_type == VDIR && vn_isancestor(fvp, tdvp))
		return (EINVAL);
	if (tvp == fvp)
		return (0);
	if (tvp != NULL && tvp->v_type == VDIR && !dir_empty(tvp))
		return (ENOTEMPTY);

	/* The replaced target loses its name (and, a directory, its "."). */
	if (tvp != NULL) {
		dir_remove(dir_lookup(tdvp, tnd.ni_name));
		if (tvp->v_type == VDIR) {
			SIM_SET(&tvp->v_obj, "v_nlink", tvp->v_nlink, 0);
			SIM_SET(&tdvp->v_obj, "v_nlink", tdvp->v_nlink,
			    tdvp->v_nlink - 1);
		} else
			SIM_SET(&tvp->v_obj, "v_nlink", tvp->v_nlink,
			    tvp->v_nlink - 1);
	}
	dir_remove(dir_lookup(fdvp, fnd.ni_name));
	dir_enter(tdvp, tnd.ni_name, fvp);
	if (fvp->v_type == VDIR && fdvp != tdvp) {
		fvp->v_parent = tdvp;
		SIM_SET(
		    &fdvp->v_obj, "v_nlink", fdvp->v_nlink, fdvp->v_nlink - 1);
		SIM_SET(
		    &tdvp->v_obj, "v_nlink", tdvp->v_nlink, tdvp->v_nlink + 1);
	}
	fdvp->v_mtime_ns = tdvp->v_mtime_ns = fvp->v_ctime_ns = sched_now();

	if (vn_posthooks()) {
		vop_rename_post(fdvp, fvp, tdvp, tvp);
		goto out;
	}
	/*
	 * The VN_KNOTE()s of ufs_rename() (FreeBSD before the VOP post
	 * hooks): NOTE_WRITE on both directories (NOTE_EXTEND too when they
	 * differ, NOTE_LINK when a directory moved between them), NOTE_RENAME
	 * on the renamed vnode and NOTE_DELETE on a replaced one.  illumos
	 * posts FILE_RENAME_FROM on the source, FILE_RENAME_TO on a replaced
	 * target and FILE_MODIFIED on the directories.  The FreeBSD-only
	 * hints are posted only on FreeBSD, so that the illumos model sees no
	 * event illumos would not post.
	 */
	vn_knote(fdvp, VNEV_WRITE);
	if (tdvp != fdvp)
		vn_knote(tdvp, VNEV_WRITE);
	if (sim_is_freebsd()) {
		if (tdvp != fdvp) {
			vn_knote(fdvp, VNEV_EXTEND);
			vn_knote(tdvp, VNEV_EXTEND);
			if (fvp->v_type == VDIR) {
				vn_knote(fdvp, VNEV_LINK);
				if (tvp == NULL)
					vn_knote(tdvp, VNEV_LINK);
			}
		} else if (tvp != NULL && tvp->v_type == VDIR)
			vn_knote(fdvp, VNEV_LINK);
	}
	vn_knote_name(fvp, VNEV_RENAME_FROM, fdvp, fnd.ni_name);
	if (tvp != NULL) {
		vn_knote_name(tvp, VNEV_RENAME_TO, tdvp, tnd.ni_name);
		if (sim_is_freebsd())
			vn_knote(tvp, VNEV_DELETE);
	}
out:
	/* The target's name reference, kept through its events. */
	if (tvp != NULL)
		vrele(tvp);
	return (0);
}

/*
 * Models kern_linkat() in sys/kern/vfs_syscalls.c with ufs_link(): EPERM
 * for a directory source, EEXIST when the new name exists, ENOENT.
 */
int
kern_linkat(struct thread *td, const char *from, const char *to)
{
	struct nameidata fnd, tnd;
	struct vnode *vp;
	int error;

	error = vfs_lookup(from, &fnd);
	if (error != 0)
		return (error);
	vp = fnd.ni_vp;
	if (vp == NULL)
		return (ENOENT);
	if (vp->v_type == VDIR)
		return (EPERM);
	error = vfs_lookup(to, &tnd);
	if (error != 0)
		return (error);
	if (tnd.ni_vp != NULL)
		return (EEXIST);
	dir_enter(tnd.ni_dvp, tnd.ni_name, vp);
	SIM_SET(&vp->v_obj, "v_nlink", vp->v_nlink, vp->v_nlink + 1);
	vref(vp);
	vp->v_ctime_ns = tnd.ni_dvp->v_mtime_ns = sched_now();
	/* vop_link_post(): NOTE_LINK on the file, NOTE_WRITE on the dir. */
	vn_knote(vp, VNEV_LINK);
	vn_knote(tnd.ni_dvp, VNEV_WRITE);
	return (0);
}

/* Models kern_fchmodat() in sys/kern/vfs_syscalls.c (setfmode()). */
int
kern_chmodat(struct thread *td, const char *path, int mode)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp == NULL)
		return (ENOENT);
	SIM_SET(&vp->v_obj, "v_mode", vp->v_mode, mode & 07777);
	vp->v_ctime_ns = sched_now();
	/* vop_setattr_post(): NOTE_ATTRIB, also when nothing changed. */
	vn_knote(vp, VNEV_ATTRIB);
	return (0);
}

/*
 * Models kern_truncate() in sys/kern/vfs_syscalls.c: EINVAL for a negative
 * length, EISDIR for a directory, EFBIG beyond the maximum file size.
 */
int
kern_truncate(struct thread *td, const char *path, int64_t length)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	if (length < 0)
		return (EINVAL);
	error = vfs_lookup(path, &nd);
	if (error != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp == NULL)
		return (ENOENT);
	if (vp->v_type == VDIR)
		return (EISDIR);
	return (vn_truncate(vp, length));
}

/*
 * Models vn_read() in sys/kern/vfs_vnops.c with ffs_read(): reads at
 * 'f_offset' and advances it; 0 bytes at or past the end.  EBADF without
 * FREAD, EISDIR for a directory.  vop_read_post() posts NOTE_READ after
 * every successful read, also of 0 bytes; illumos' port_fop_read() posts
 * FILE_ACCESS only when something was read.
 */
static int
vn_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	struct vnode *vp = fp->f_vnode;
	size_t n = 0;

	if ((fp->f_flag & FREAD) == 0)
		return (EBADF);
	if (vp->v_type == VDIR)
		return (EISDIR);
	if (fp->f_offset < vp->v_size) {
		n = (size_t)(vp->v_size - fp->f_offset);
		if (n > len)
			n = len;
		memcpy(buf, vp->v_data + fp->f_offset, n);
		SIM_SET(&fp->f_obj, "f_offset", fp->f_offset,
		    fp->f_offset + (int64_t)n);
		vp->v_atime_ns = sched_now();
	}
	*ret_n = n;
	if (n > 0 || sim_is_freebsd())
		vn_knote(vp, VNEV_ACCESS);
	return (0);
}

/*
 * Models vn_write() in sys/kern/vfs_vnops.c with ffs_write(): writes at
 * 'f_offset' (at the end with FAPPEND) and advances it.  EBADF without
 * FWRITE, EFBIG when the write would end beyond the maximum file size (the
 * whole write fails, as ffs_write() checks before writing).  A write of 0
 * bytes changes nothing and posts nothing.
 */
static int
vn_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	struct vnode *vp = fp->f_vnode;
	int64_t off, osize = vp->v_size;
	int error;

	if ((fp->f_flag & FWRITE) == 0)
		return (EBADF);
	KASSERT(vp->v_type == VREG,
	    ("vn_write: %s is not a regular file", vp->v_obj.so_name));
	*ret_n = 0;
	if (len == 0)
		return (0);
	off = (fp->f_flag & FAPPEND) != 0 ? vp->v_size : fp->f_offset;
	if (len > (size_t)VFS_MAXFILESIZE
	    || off > VFS_MAXFILESIZE - (int64_t)len)
		return (EFBIG);
	if (off + (int64_t)len > vp->v_size) {
		error = vn_setsize(vp, off + (int64_t)len);
		if (error != 0)
			return (error);
	}
	memcpy(vp->v_data + off, buf, len);
	vp->v_mtime_ns = vp->v_ctime_ns = sched_now();
	SIM_SET(&fp->f_obj, "f_offset", fp->f_offset, off + (int64_t)len);
	*ret_n = len;
	/*
	 * VOP_WRITE_POST() (sys/sys/vnode.h): one NOTE_WRITE hint, with
	 * NOTE_EXTEND when the write ended beyond the old size.
	 */
	vn_knote_post(vp,
	    VNEV_BIT(VNEV_WRITE)
		| (vp->v_size > osize ? VNEV_BIT(VNEV_EXTEND) : 0),
	    true);
	return (0);
}

/*
 * Models vn_closefile() in sys/kern/vfs_vnops.c: vop_close_post() posts
 * NOTE_CLOSE_WRITE for a file open for writing, else NOTE_CLOSE, and the
 * file's vnode reference goes.
 */
static int
vn_closefile(struct file *fp, struct thread *td)
{
	struct vnode *vp = fp->f_vnode;

	vn_knote(
	    vp, (fp->f_flag & FWRITE) != 0 ? VNEV_CLOSE_WRITE : VNEV_CLOSE);
	fp->f_vnode = NULL;
	fp->f_data = NULL;
	vrele(vp);
	return (0);
}

/*
 * Models vop_stdpoll() in sys/kern/vfs_default.c (and illumos fs_poll()):
 * a regular file is always readable and writable.
 */
static int
vn_poll(struct file *fp, int events, struct thread *td)
{
	return (events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM));
}
