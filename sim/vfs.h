/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-memory file system: directories and regular files as vnodes, path
 * lookup (namei) from "/", open/creat/trunc/append, mkdir, unlink, rename,
 * link, chmod, truncate, read and write at the file offset.  Every change
 * reports a vnode event (kernel.h, enum sim_vnev) that the kernel model
 * turns into EVFILT_VNODE notes (FreeBSD) or PORT_SOURCE_FILE events
 * (illumos).  Errors are those of FreeBSD's vfs_syscalls.c for the cases
 * modelled (ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, EINVAL, EXDEV never).
 */
#ifndef SIM_VFS_H
#define SIM_VFS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "selinfo.h"
#include "sim.h"

enum vtype {
	VNON,
	VREG,
	VDIR,
	VFIFO,
};

#define VFS_NAMEMAX 255
#define VFS_PATHMAX 1024

struct vnode;

struct dirent_sim {
	LIST_ENTRY(dirent_sim) d_link;
	char d_name[VFS_NAMEMAX + 1];
	struct vnode *d_vp;
};

struct vnode {
	enum vtype v_type;
	int v_usecount; /* references: names + open files */
	int v_nlink;
	int v_mode;
	int64_t v_size;
	char *v_data; /* VREG contents */
	size_t v_cap;
	int64_t v_mtime_ns;
	int64_t v_atime_ns;
	int64_t v_ctime_ns;
	LIST_HEAD(, dirent_sim) v_dirents; /* VDIR */
	struct vnode *v_parent; /* VDIR */
	struct selinfo v_pollinfo;
	struct mtx v_interlock;
	struct sim_obj v_obj;
	void *v_kdata; /* the kernel model's per-vnode state (FEM monitors) */
	struct fifoinfo *v_fifoinfo; /* VFIFO: its pipe, while open */
};

struct thread;

/* Creates the root directory of the run.  Returns 0 or ENOMEM. */
int vfs_init(void);
/* Frees the whole file system. */
void vfs_fini(void);

/* Looks a path up: 0 with a referenced vnode, or ENOENT/ENOTDIR/EINVAL. */
int namei(const char *path, struct vnode **ret_vp);
/*
 * Looks up the directory holding path's last component: 0 with a
 * referenced *dvpp and the component in name, or an error of namei();
 * *dvpp is NULL when the last component is "." or "..".
 */
int namei_parent(const char *path, struct vnode **dvpp, char *name, size_t len);
void vref(struct vnode *vp);
void vrele(struct vnode *vp);

int kern_openat(
    struct thread *td, const char *path, int flags, int mode, int *ret_fd);
int kern_mkdirat(struct thread *td, const char *path, int mode);
/* Models sys_revoke(): EINVAL (no character devices), or namei's errors. */
int kern_revokeat(struct thread *td, const char *path);
/* Models kern_mkfifoat(): EEXIST, or the errors of the lookup. */
int kern_mkfifoat(struct thread *td, const char *path, int mode);
int kern_unlinkat(struct thread *td, const char *path);
int kern_renameat(struct thread *td, const char *from, const char *to);
int kern_linkat(struct thread *td, const char *from, const char *to);
int kern_chmodat(struct thread *td, const char *path, int mode);
int kern_truncate(struct thread *td, const char *path, int64_t length);

extern const struct fileops vnops;

#endif /* SIM_VFS_H */
