/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event queue: a binary min-heap of timed events ordered by (deadline,
 * insertion sequence), so that events due at the same virtual instant fire in
 * the order they were scheduled.  Each event remembers its heap slot, so it
 * can be cancelled or re-armed in O(log n).
 */
#ifndef ENGINE_EVQ_H
#define ENGINE_EVQ_H

#include <stdbool.h>
#include <stdint.h>

struct evq;

typedef void evq_fn(void *arg);

/*
 * An event, embedded in its owner (a sleeping thread, a callout).  Fields are
 * private to evq.c; zero-initialise with EVQ_EVENT_INIT or evq_event_init().
 */
struct evq_event {
	int64_t ev_deadline_ns;
	uint64_t ev_seq;
	uint32_t ev_slot; /* index in the heap + 1; 0 = not queued */
	evq_fn *ev_fn;
	void *ev_arg;
};

void evq_event_init(struct evq_event *ev, evq_fn *fn, void *arg);

/* Creates an empty queue.  Returns 0 or ENOMEM. */
int evq_new(struct evq **ret_q);

/* Frees the queue (not the events in it).  NULL is a no-op. */
void evq_free(struct evq *q);

/*
 * Queues ev to fire at deadline_ns; if it is already queued it is moved (and
 * gets a new insertion sequence, as callout_reset() does).  Returns 0 or
 * ENOMEM.
 */
int evq_push(struct evq *q, struct evq_event *ev, int64_t deadline_ns);

/* Removes ev if queued; returns whether it was. */
bool evq_cancel(struct evq *q, struct evq_event *ev);

/* Whether ev is queued. */
bool evq_queued(const struct evq_event *ev);

/* The earliest event, or NULL when the queue is empty.  Not removed. */
struct evq_event *evq_peek(const struct evq *q);

/* Removes and returns the earliest event, or NULL when empty. */
struct evq_event *evq_pop(struct evq *q);

/* Number of queued events. */
uint32_t evq_len(const struct evq *q);

#endif /* ENGINE_EVQ_H */
