/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel-side structures of illumos event ports, as in
 * uts/common/sys/port_impl.h and port_kernel.h: the port ('port_t') with its
 * queue ('port_queue_t'), the event slots ('port_kevent_t'), the waiting
 * threads ('portget_t'), the PORT_SOURCE_FD cache ('port_fdcache_t',
 * 'portfd_t', 'polldat_t'), the PORT_SOURCE_FILE watches and SIGEV_PORT
 * timers, with the kernel's field names and flag values, plus the recording
 * macros through which every modelled field changes.
 *
 * Deviations (XXX): 'portkev_user' is a copied Lua value rather than a user
 * pointer; a FILE event's object is the watched path, not a file_obj_t
 * address; 'polldat_t' carries a second poll head for sockets, whose
 * simulated send and receive buffers have separate selinfos.
 */
#ifndef SIM_ILLUMOS_PORT_IMPL_H
#define SIM_ILLUMOS_PORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "queue.h"
#include "selinfo.h"
#include "sim.h"
#include "sync.h"

typedef unsigned int uint_t;
typedef int pid_t_sim;

struct file;
struct thread;
struct vnode;
struct port;

/*
 * A user cookie: the Lua value given to port_associate/port_send/port_alert
 * and returned unchanged in 'portev_user'.  Strings are owned copies.
 */
enum port_user_type {
	PU_NIL,
	PU_INT,
	PU_NUM,
	PU_BOOL,
	PU_STR,
};

struct port_user {
	enum port_user_type pu_type;
	int64_t pu_int; /* PU_INT, PU_BOOL */
	double pu_num;
	char *pu_str;
};

/* Copies src into dst (dst must be empty or freed). */
void port_user_copy(struct port_user *dst, const struct port_user *src);
/* Frees an owned string and makes u nil. */
void port_user_free(struct port_user *u);

/* One retrieved event, as copied out to the application. */
typedef struct port_event {
	int portev_events;
	uint16_t portev_source;
	uint16_t portev_pad;
	uintptr_t portev_object;
	char *portev_objname; /* PORT_SOURCE_FILE: owned copy of the path */
	struct port_user portev_user;
} port_event_t;

/* portkev_flags (uts/common/sys/port_kernel.h). */
#define PORT_KEV_PRIVATE 0x01
#define PORT_KEV_CACHED 0x02
#define PORT_KEV_SCACHED 0x04
#define PORT_KEV_VALID 0x08
#define PORT_KEV_DONEQ 0x10
#define PORT_KEV_FREE 0x20
#define PORT_KEV_NOSHARE 0x40

#define PORT_KEV_CACHE (PORT_KEV_CACHED | PORT_KEV_SCACHED)
#define PORT_KEV_WIRED (PORT_KEV_PRIVATE | PORT_KEV_CACHE)
#define PORT_CLEANUP_DONE (PORT_KEV_FREE | PORT_KEV_DONEQ)
#define PORT_FREE_EVENT(pev) (((pev)->portkev_flags & PORT_KEV_CACHE) == 0)

/* port_alloc_event() flags. */
#define PORT_ALLOC_DEFAULT 0
#define PORT_ALLOC_PRIVATE PORT_KEV_PRIVATE
#define PORT_ALLOC_CACHED PORT_KEV_CACHED
#define PORT_ALLOC_SCACHED PORT_KEV_SCACHED

/* Callback flags. */
#define PORT_CALLBACK_DEFAULT 0
#define PORT_CALLBACK_CLOSE 1
#define PORT_CALLBACK_DISSOCIATE 2

typedef int (*port_callback_t)(
    void *arg, int *events, int pid, int flag, void *evp);

/* Models 'port_kevent_t' in uts/common/sys/port_kernel.h. */
typedef struct port_kevent {
	struct mtx portkev_lock; /* used by PORT_SOURCE_FD */
	int portkev_source;
	int portkev_events;
	int portkev_flags;
	int portkev_pid; /* owner: the allocating process */
	uintptr_t portkev_object;
	struct port_user portkev_user;
	char *portkev_objname; /* XXX: PORT_SOURCE_FILE: the path, owned */
	port_callback_t portkev_callback;
	void *portkev_arg;
	struct port *portkev_port;
	TAILQ_ENTRY(port_kevent) portkev_node;
	struct sim_obj portkev_obj;
} port_kevent_t;

TAILQ_HEAD(port_kevlist, port_kevent);

/*
 * list_move_tail(dst, src) of the illumos list(9F) API: appends all of src
 * to dst in constant time and leaves src empty.
 */
#define PORT_LIST_MOVE_TAIL(dst, src)                                          \
	do {                                                                   \
		if (!TAILQ_EMPTY(src)) {                                       \
			*(dst)->tqh_last = (src)->tqh_first;                   \
			(src)->tqh_first->portkev_node.tqe_prev                \
			    = (dst)->tqh_last;                                 \
			(dst)->tqh_last = (src)->tqh_last;                     \
			TAILQ_INIT(src);                                       \
		}                                                              \
	} while (0)

/* Models 'port_alert_t'. */
typedef struct port_alert {
	int portal_events;
	int portal_pid;
	uintptr_t portal_object;
	struct port_user portal_user;
} port_alert_t;

/* portget_state */
#define PORTGET_ALERT 0x01

/* Models 'portget_t': one thread waiting in port_getn(). */
typedef struct portget {
	int portget_state;
	uint_t portget_nget;
	int portget_pid;
	struct cv portget_cv;
	port_alert_t portget_alert;
	struct portget *portget_next;
	struct portget *portget_prev;
	struct thread *portget_td; /* sim: for sim.inspect */
	bool portget_hrestime; /* asleep until a wall-clock time */
	struct sim_obj portget_obj;
} portget_t;

/* pgt_flags */
#define PORTGET_ONE 0x01
#define PORTGET_WAIT_EVENTS 0x02

/* A timeout as port_getn() receives it (timespec_t). */
struct port_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* Models 'port_gettimer_t'. */
typedef struct port_gettimer {
	int pgt_flags;
	int pgt_loop;
	uint64_t pgt_timecheck;
	int64_t pgt_rqtime; /* absolute CLOCK_REALTIME deadline, ns */
	int64_t *pgt_rqtp;
	const struct port_timespec *pgt_timeout;
} port_gettimer_t;

/* Models 'port_source_t'. */
typedef struct port_source {
	struct port_source *portsrc_next;
	struct port_source *portsrc_prev;
	int portsrc_source;
	int portsrc_cnt;
	void (*portsrc_close)(void *arg, int port, int pid, int lastclose);
	void *portsrc_closearg;
} port_source_t;

#define PORT_SCACHE_SIZE 16
#define PORT_SHASH(cookie) ((cookie) & (PORT_SCACHE_SIZE - 1))

/* portq_flags */
#define PORTQ_ALERT 0x01
#define PORTQ_CLOSE 0x02
#define PORTQ_WAIT_EVENTS 0x04
#define PORTQ_POLLIN 0x08
#define PORTQ_POLLOUT 0x10
#define PORTQ_BLOCKED 0x20
#define PORTQ_POLLWK_PEND 0x40

struct port_fdcache;

/* Models 'port_queue_t'. */
typedef struct port_queue {
	struct mtx portq_mutex;
	struct cv portq_closecv;
	struct cv portq_block_cv;
	int portq_flags;
	uint_t portq_nent;
	uint_t portq_nget;
	uint_t portq_tnent;
	int portq_thrcnt;
	int portq_getn;
	portget_t *portq_thread;
	struct port_fdcache *portq_pcp;
	struct port_kevlist portq_list;
	struct port_kevlist portq_get_list;
	struct mtx portq_source_mutex;
	port_source_t **portq_scache;
	port_alert_t portq_alert;
} port_queue_t;

/* port_flags */
#define PORT_INIT 0x01
#define PORT_CLOSED 0x02
#define PORT_EVENTS 0x04

/*
 * A thread inside a port system call through a port fd: illumos's
 * 't_activefd' (set by getf()), so close(2) can find and wake it.
 */
struct port_active {
	LIST_ENTRY(port_active) pa_link;
	struct thread *pa_td;
	int pa_fd;
	bool pa_stale;
};

/* Models 'port_t'. */
typedef struct port {
	struct file *port_fp; /* XXX: the VPORT vnode in illumos */
	struct mtx port_mutex;
	struct cv port_cv;
	int port_flags;
	int port_pid;
	int port_fd;
	uint_t port_max_events;
	uint_t port_max_list;
	uint_t port_curr;
	struct selinfo port_sel; /* 'port_pollhd' lives in port_sel.si_ph */
	int64_t port_ctime;
	port_queue_t port_queue;
	LIST_HEAD(, port_active) port_active;
	int port_nactive;
	char port_wtrace[160]; /* last traced waiter list */
	struct portfop_cache *port_fopcache; /* XXX: portsrc_data in illumos */
	LIST_ENTRY(port) port_link; /* all ports of the run */
	/*
	 * sim (invariants): event slots of this port that exist as objects,
	 * and slots whose 'port_curr' change and allocation or free are in
	 * different critical sections and not both done yet.
	 */
	int port_nkev_live;
	int port_nkev_transit;
	struct sim_obj port_obj;
} port_t;
#define port_pollhd port_sel.si_ph

/* The port of a queue ('portq' is embedded in 'port_t'). */
#define PORTQ_TO_PORT(portq)                                                   \
	((port_t *)((char *)(portq)-offsetof(port_t, port_queue)))

/* Models 'polldat_t' (uts/common/sys/poll_impl.h), the fields ports use. */
typedef struct polldat {
	int pd_fd;
	struct file *pd_fp;
	int pd_events;
	port_kevent_t *pd_portev;
	struct pollhead *pd_php;
	void *pd_pcache;
	struct polldat *pd_next; /* on pd_php's ph_list */
	struct polldat *pd_hashnext; /* in the fd cache bucket */
	struct polldat *pd_twin; /* XXX: second poll head (sockets) */
} polldat_t;

/* Models 'portfd_t'. */
typedef struct portfd {
	polldat_t pfd_pd;
	polldat_t pfd_pd2; /* XXX: see pd_twin */
	LIST_ENTRY(portfd) pfd_link; /* per-process close list (uf_portfd) */
	struct thread *pfd_thread;
	int pfd_pid; /* the process whose list holds it */
	bool pfd_onlist;
	const char *pfd_state; /* association state, for the trace */
	struct sim_obj pfd_obj;
} portfd_t;

/* NULL-safe: a bucket may be empty (member access through NULL is UB). */
#define PFTOD(pfd) ((pfd) != NULL ? &(pfd)->pfd_pd : NULL)
#define PDTOF(pdp) ((portfd_t *)(pdp))

#define PORTHASH_START 256
#define PORTHASH_MULT 2
#define PORT_FD_BUCKET(pcp, fd) (&(pcp)->pc_hash[(fd) % (pcp)->pc_hashsize])

/* Models 'port_fdcache_t'. */
typedef struct port_fdcache {
	struct mtx pc_lock;
	struct cv pc_lclosecv;
	portfd_t **pc_hash;
	int pc_hashsize;
	int pc_fdcount;
	int pc_flag;
} port_fdcache_t;

/* PORT_SOURCE_FILE (port_fop.c). */
#define PORT_FOP_ACTIVE 0x1
#define PORT_FOP_REMOVING 0x2
#define PORT_FOP_KEV_ONQ 0x4

struct portfop_vp;

typedef struct portfop {
	int pfop_events;
	int pfop_flags;
	int pfop_pid;
	uintptr_t pfop_object; /* the file_obj's identity; 0: the path's */
	char *pfop_path; /* fo_name as given */
	char *pfop_cname; /* its last component (port_fop_getdvp()) */
	struct vnode *pfop_dvp; /* the directory holding it (held) */
	struct vnode *pfop_vp;
	struct thread *pfop_callrid; /* the thread that (re)associated it */
	port_kevent_t *pfop_pev;
	struct port *pfop_pp;
	struct portfop_cache *pfop_pcache;
	LIST_ENTRY(portfop) pfop_hashlink; /* per-port cache */
	/* The vnode's list, or port_fop_excep()'s while REMOVING. */
	TAILQ_ENTRY(portfop) pfop_node;
	struct sim_obj pfop_obj;
} portfop_t;

TAILQ_HEAD(portfop_list, portfop);

/*
 * Models 'portfop_vp_t': the watches of one vnode (the FEM monitor), kept
 * until the vnode is freed.
 */
typedef struct portfop_vp {
	struct mtx pvp_mutex;
	struct portfop_list pvp_pfoplist; /* active ones first */
	struct portfop *pvp_lpfop; /* the oldest inactive one */
	int pvp_cnt;
	bool pvp_hooked; /* pvp_femp: hooks installed, vnode held */
	struct vnode *pvp_vp;
} portfop_vp_t;

/* Models 'portfop_cache_t'. */
typedef struct portfop_cache {
	struct mtx pfc_lock;
	struct cv pfc_lclosecv;
	int pfc_objcount;
	LIST_HEAD(, portfop) pfc_list; /* insertion order, newest first */
	struct port *pfc_port;
} portfop_cache_t;

/* SIGEV_PORT timers (uts/common/os/timer.c). */
#define PORT_TIMER_MAX 32 /* timer_max of the simulated system */
#define IT_PORT 0x01

/* The clock tick: hz = 100, as uts/common/conf/param.c sets it. */
#define PORT_NSEC_PER_TICK 10000000LL

typedef struct port_itimer {
	int it_id;
	int it_flags;
	int it_pending;
	int it_portfd;
	int it_clock;
	int it_pid;
	port_kevent_t *it_portev;
	struct port_user it_user;
	struct callout it_callout;
	struct mtx it_mutex;
	/* next expiry: CLOCK_MONOTONIC, or CLOCK_REALTIME for a realtime one */
	int64_t it_value_ns;
	int64_t it_interval_ns;
	bool it_armed;
	struct sim_obj it_obj;
} port_itimer_t;

/* Per-process state of the model (p_kdata). */
struct port_proc {
	LIST_HEAD(, portfd) ppr_portfds;
	port_itimer_t *ppr_itimer[PORT_TIMER_MAX];
	int ppr_portcnt;
};

/* Flag-name tables for the trace. */
extern const struct sim_flagname portq_flag_names[];
extern const struct sim_flagname portkev_flag_names[];
extern const struct sim_flagname portget_state_names[];
extern const struct sim_flagname pfop_flag_names[];

/* Recording macros. */
#define PORTQ_SET_FLAGS(pp, v)                                                 \
	SIM_SET_FLAGS(&(pp)->port_obj, "portq_flags", portq_flag_names,        \
	    (pp)->port_queue.portq_flags, (v))
#define PORTQ_SET(pp, field, v)                                                \
	SIM_SET(&(pp)->port_obj, #field, (pp)->port_queue.field, (v))
#define PORT_SET(pp, field, v)                                                 \
	SIM_SET(&(pp)->port_obj, #field, (pp)->field, (v))
#define PORTKEV_SET_EVENTS(pkevp, v)                                           \
	SIM_SET(&(pkevp)->portkev_obj, "portkev_events",                       \
	    (pkevp)->portkev_events, (v))
#define PORTKEV_SET_FLAGS(pkevp, v)                                            \
	do {                                                                   \
		SIM_SET_FLAGS(&(pkevp)->portkev_obj, "portkev_flags",          \
		    portkev_flag_names, (pkevp)->portkev_flags, (v));          \
		port_assoc_trace(__func__, (pkevp));                           \
	} while (0)

/* Records the association state of an FD event slot after a flag change. */
void port_assoc_trace(const char *func, port_kevent_t *pkevp);

/* port.c */
port_t *port_from_file(struct file *fp);
void port_clock_settime(void);
void port_close(port_t *pp, int count);
int port_create(struct thread *td, int *ret_fd);
int port_send(port_t *pp, int source, int events, const struct port_user *u);
int port_sendn(struct thread *td, const int *ports, int *errors, uint_t nent,
    int events, const struct port_user *u, uint_t *ret_nsent);
int port_alert(port_t *pp, int flags, int events, const struct port_user *u);
void port_remove_alert(port_queue_t *portq);
/* Enters a port call through fd: EBADF, EBADFD; *ret_pp held until leave. */
int portfs_enter(
    struct thread *td, int fd, port_t **ret_pp, struct port_active *pa);
/* Leaves it; converts EINTR of a call whose fd was closed to EBADF. */
int portfs_leave(
    struct thread *td, port_t *pp, struct port_active *pa, int error);
struct port_proc *port_proc(struct proc *p);
void port_exit_cleanup(void);

/*
 * Every live port of the run (sim/invariants.c): the first, or NULL, and
 * the next.
 */
port_t *port_registry_first(void);
port_t *port_registry_next(port_t *pp);

/* The behaviour switches of the run's kernel revision (kernel.c). */
#define PORT_REV(sw) (sim_kern->k_rev->sw)
int port_nports(void);

/* port_subr.c */
/* calloc() that treats host memory exhaustion as fatal. */
void *port_zalloc(size_t size);
int port_alloc_event_local(
    port_t *pp, int source, int flags, port_kevent_t **pkevpp);
void port_init_event(port_kevent_t *pkevp, uintptr_t object,
    const struct port_user *u, port_callback_t cb, void *arg);
void port_send_event(port_kevent_t *pkevp);
void port_free_event(port_kevent_t *pkevp);
void port_free_event_local(port_kevent_t *pkevp, int counter);
void port_block(port_queue_t *portq);
void port_unblock(port_queue_t *portq);
void port_push_eventq(port_queue_t *portq);
int port_remove_done_event(port_kevent_t *pkevp);
void port_remove_event_doneq(port_kevent_t *pkevp, port_queue_t *portq);
int port_associate_ksource(port_t *pp, int source, port_source_t **portsrc,
    void (*close)(void *, int, int, int), void *arg);
int port_dissociate_ksource(port_t *pp, int source, port_source_t *ps);
port_kevent_t *port_get_kevent(struct port_kevlist *list, port_kevent_t *last);
void port_discard_events(port_queue_t *portq);
void port_close_events(port_queue_t *portq);
int port_pollwkup(port_t *pp);
void port_pollwkdone(port_t *pp);

/* port_getn.c */
int port_getn(port_t *pp, port_event_t *uevp, uint_t max, uint_t *nget,
    port_gettimer_t *pgt);
void port_event_free(port_event_t *ev);

/* port_fd.c */
int port_associate_fd(port_t *pp, int source, uintptr_t object, int events,
    const struct port_user *u);
int port_dissociate_fd(port_t *pp, uintptr_t object);
void port_close_fd(portfd_t *pfd);
void port_pcache_remove_fd(port_fdcache_t *pcp, portfd_t *pfd);
int port_remove_fd_object(portfd_t *pfd, port_t *pp, port_fdcache_t *pcp);
void port_fd_proc_close(struct thread *td, int fd);
struct pollhead *port_file_pollhead(struct file *fp, struct pollhead **twin);

/* port_fop.c */
/* stamps: NULL or the file_obj's {atime, mtime, ctime} in ns. */
/*
 * object: the file_obj's identity (from 1), or 0 for a path string, which
 * is its own object.
 */
int port_associate_fop(port_t *pp, int source, uintptr_t object,
    const char *path, const int64_t *stamps, int events,
    const struct port_user *u);
int port_dissociate_fop(port_t *pp, uintptr_t object, const char *path);
void port_fop_vnode_event(
    struct vnode *vp, int ev, struct vnode *dvp, const char *name);
void port_fop_vnode_free(struct vnode *vp);

/* port_timer.c */
int port_timer_create(struct thread *td, int clock, int portfd,
    const struct port_user *u, int *ret_id);
int port_timer_settime(struct thread *td, int id, int flags, int64_t value_ns,
    int64_t interval_ns);
int port_timer_delete(struct thread *td, int id);
void port_timer_exit(struct proc *p);

/* port.c: the model's sim_kops. */
extern const struct sim_kops illumos_kops;

#endif /* SIM_ILLUMOS_PORT_IMPL_H */
