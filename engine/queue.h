/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intrusive lists in the style of queue(3): SLIST, LIST, STAILQ and TAILQ,
 * including the _SAFE iterators that glibc's <sys/queue.h> lacks.  The kernel
 * models use these exactly where the kernel does, so that a reader can put
 * kern_event.c next to sim/freebsd/kern_event.c.  Written for this project.
 */
#ifndef ENGINE_QUEUE_H
#define ENGINE_QUEUE_H

#include <stddef.h>

/* Singly-linked list. */
#define SLIST_HEAD(name, type)                                                 \
	struct name {                                                          \
		struct type *slh_first;                                        \
	}
#define SLIST_ENTRY(type)                                                      \
	struct {                                                               \
		struct type *sle_next;                                         \
	}
#define SLIST_FIRST(head) ((head)->slh_first)
#define SLIST_EMPTY(head) ((head)->slh_first == NULL)
#define SLIST_NEXT(elm, field) ((elm)->field.sle_next)
#define SLIST_INIT(head) ((head)->slh_first = NULL)
#define SLIST_FOREACH(var, head, field)                                        \
	for ((var) = SLIST_FIRST(head); (var) != NULL;                         \
	     (var) = SLIST_NEXT(var, field))
#define SLIST_FOREACH_SAFE(var, head, field, tvar)                             \
	for ((var) = SLIST_FIRST(head);                                        \
	     (var) != NULL && ((tvar) = SLIST_NEXT(var, field), 1);            \
	     (var) = (tvar))
#define SLIST_INSERT_HEAD(head, elm, field)                                    \
	do {                                                                   \
		(elm)->field.sle_next = (head)->slh_first;                     \
		(head)->slh_first = (elm);                                     \
	} while (0)
#define SLIST_INSERT_AFTER(slistelm, elm, field)                               \
	do {                                                                   \
		(elm)->field.sle_next = (slistelm)->field.sle_next;            \
		(slistelm)->field.sle_next = (elm);                            \
	} while (0)
#define SLIST_REMOVE_HEAD(head, field)                                         \
	((head)->slh_first = (head)->slh_first->field.sle_next)
#define SLIST_REMOVE(head, elm, type, field)                                   \
	do {                                                                   \
		if ((head)->slh_first == (elm)) {                              \
			SLIST_REMOVE_HEAD(head, field);                        \
		} else {                                                       \
			struct type *curelm_ = (head)->slh_first;              \
			while (curelm_->field.sle_next != (elm))               \
				curelm_ = curelm_->field.sle_next;             \
			curelm_->field.sle_next                                \
			    = curelm_->field.sle_next->field.sle_next;         \
		}                                                              \
	} while (0)

/* Doubly-linked list. */
#define LIST_HEAD(name, type)                                                  \
	struct name {                                                          \
		struct type *lh_first;                                         \
	}
#define LIST_ENTRY(type)                                                       \
	struct {                                                               \
		struct type *le_next;                                          \
		struct type **le_prev;                                         \
	}
#define LIST_FIRST(head) ((head)->lh_first)
#define LIST_EMPTY(head) ((head)->lh_first == NULL)
#define LIST_NEXT(elm, field) ((elm)->field.le_next)
#define LIST_INIT(head) ((head)->lh_first = NULL)
#define LIST_FOREACH(var, head, field)                                         \
	for ((var) = LIST_FIRST(head); (var) != NULL;                          \
	     (var) = LIST_NEXT(var, field))
#define LIST_FOREACH_SAFE(var, head, field, tvar)                              \
	for ((var) = LIST_FIRST(head);                                         \
	     (var) != NULL && ((tvar) = LIST_NEXT(var, field), 1);             \
	     (var) = (tvar))
#define LIST_INSERT_HEAD(head, elm, field)                                     \
	do {                                                                   \
		if (((elm)->field.le_next = (head)->lh_first) != NULL)         \
			(head)->lh_first->field.le_prev                        \
			    = &(elm)->field.le_next;                           \
		(head)->lh_first = (elm);                                      \
		(elm)->field.le_prev = &(head)->lh_first;                      \
	} while (0)
#define LIST_INSERT_AFTER(listelm, elm, field)                                 \
	do {                                                                   \
		if (((elm)->field.le_next = (listelm)->field.le_next) != NULL) \
			(listelm)->field.le_next->field.le_prev                \
			    = &(elm)->field.le_next;                           \
		(listelm)->field.le_next = (elm);                              \
		(elm)->field.le_prev = &(listelm)->field.le_next;              \
	} while (0)
#define LIST_REMOVE(elm, field)                                                \
	do {                                                                   \
		if ((elm)->field.le_next != NULL)                              \
			(elm)->field.le_next->field.le_prev                    \
			    = (elm)->field.le_prev;                            \
		*(elm)->field.le_prev = (elm)->field.le_next;                  \
	} while (0)

/* Singly-linked tail queue. */
#define STAILQ_HEAD(name, type)                                                \
	struct name {                                                          \
		struct type *stqh_first;                                       \
		struct type **stqh_last;                                       \
	}
#define STAILQ_ENTRY(type)                                                     \
	struct {                                                               \
		struct type *stqe_next;                                        \
	}
#define STAILQ_FIRST(head) ((head)->stqh_first)
#define STAILQ_EMPTY(head) ((head)->stqh_first == NULL)
#define STAILQ_NEXT(elm, field) ((elm)->field.stqe_next)
#define STAILQ_INIT(head)                                                      \
	do {                                                                   \
		(head)->stqh_first = NULL;                                     \
		(head)->stqh_last = &(head)->stqh_first;                       \
	} while (0)
#define STAILQ_FOREACH(var, head, field)                                       \
	for ((var) = STAILQ_FIRST(head); (var) != NULL;                        \
	     (var) = STAILQ_NEXT(var, field))
#define STAILQ_INSERT_TAIL(head, elm, field)                                   \
	do {                                                                   \
		(elm)->field.stqe_next = NULL;                                 \
		*(head)->stqh_last = (elm);                                    \
		(head)->stqh_last = &(elm)->field.stqe_next;                   \
	} while (0)
#define STAILQ_REMOVE_HEAD(head, field)                                        \
	do {                                                                   \
		if (((head)->stqh_first = (head)->stqh_first->field.stqe_next) \
		    == NULL)                                                   \
			(head)->stqh_last = &(head)->stqh_first;               \
	} while (0)

/* Tail queue. */
#define TAILQ_HEAD(name, type)                                                 \
	struct name {                                                          \
		struct type *tqh_first;                                        \
		struct type **tqh_last;                                        \
	}
#define TAILQ_ENTRY(type)                                                      \
	struct {                                                               \
		struct type *tqe_next;                                         \
		struct type **tqe_prev;                                        \
	}
#define TAILQ_FIRST(head) ((head)->tqh_first)
#define TAILQ_EMPTY(head) ((head)->tqh_first == NULL)
#define TAILQ_NEXT(elm, field) ((elm)->field.tqe_next)
/* As sys/queue.h: the head's and an entry's layouts are the same. */
#define TAILQ_LAST(head, headname)                                             \
	(*(((struct headname *)((head)->tqh_last))->tqh_last))
#define TAILQ_PREV(elm, headname, field)                                       \
	(*(((struct headname *)((elm)->field.tqe_prev))->tqh_last))
#define TAILQ_INIT(head)                                                       \
	do {                                                                   \
		(head)->tqh_first = NULL;                                      \
		(head)->tqh_last = &(head)->tqh_first;                         \
	} while (0)
#define TAILQ_FOREACH(var, head, field)                                        \
	for ((var) = TAILQ_FIRST(head); (var) != NULL;                         \
	     (var) = TAILQ_NEXT(var, field))
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                             \
	for ((var) = TAILQ_FIRST(head);                                        \
	     (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);            \
	     (var) = (tvar))
#define TAILQ_INSERT_HEAD(head, elm, field)                                    \
	do {                                                                   \
		if (((elm)->field.tqe_next = (head)->tqh_first) != NULL)       \
			(head)->tqh_first->field.tqe_prev                      \
			    = &(elm)->field.tqe_next;                          \
		else                                                           \
			(head)->tqh_last = &(elm)->field.tqe_next;             \
		(head)->tqh_first = (elm);                                     \
		(elm)->field.tqe_prev = &(head)->tqh_first;                    \
	} while (0)
#define TAILQ_INSERT_TAIL(head, elm, field)                                    \
	do {                                                                   \
		(elm)->field.tqe_next = NULL;                                  \
		(elm)->field.tqe_prev = (head)->tqh_last;                      \
		*(head)->tqh_last = (elm);                                     \
		(head)->tqh_last = &(elm)->field.tqe_next;                     \
	} while (0)
#define TAILQ_INSERT_AFTER(head, listelm, elm, field)                          \
	do {                                                                   \
		if (((elm)->field.tqe_next = (listelm)->field.tqe_next)        \
		    != NULL)                                                   \
			(elm)->field.tqe_next->field.tqe_prev                  \
			    = &(elm)->field.tqe_next;                          \
		else                                                           \
			(head)->tqh_last = &(elm)->field.tqe_next;             \
		(listelm)->field.tqe_next = (elm);                             \
		(elm)->field.tqe_prev = &(listelm)->field.tqe_next;            \
	} while (0)
#define TAILQ_REMOVE(head, elm, field)                                         \
	do {                                                                   \
		if (((elm)->field.tqe_next) != NULL)                           \
			(elm)->field.tqe_next->field.tqe_prev                  \
			    = (elm)->field.tqe_prev;                           \
		else                                                           \
			(head)->tqh_last = (elm)->field.tqe_prev;              \
		*(elm)->field.tqe_prev = (elm)->field.tqe_next;                \
	} while (0)

#endif /* ENGINE_QUEUE_H */
