/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event queue: an array-backed binary min-heap of pointers to events
 * embedded in their owners.  The key is (deadline, sequence), where the
 * sequence is a per-queue counter taken on every push, so the order is total
 * and events due at the same instant fire in push order.  Each event keeps
 * its heap index plus one in 'ev_slot', which makes cancel and re-push
 * O(log n) without a search.  The array grows by doubling and never shrinks.
 */
#include <errno.h>
#include <stdlib.h>

#include "eassert.h"
#include "evq.h"

#define EVQ_INITIAL_CAP 16

struct evq {
	struct evq_event **q_heap;
	uint32_t q_len;
	uint32_t q_cap;
	uint64_t q_seq; /* next insertion sequence */
};

static bool
before(const struct evq_event *a, const struct evq_event *b)
{
	if (a->ev_deadline_ns != b->ev_deadline_ns)
		return (a->ev_deadline_ns < b->ev_deadline_ns);
	return (a->ev_seq < b->ev_seq);
}

static void
place(struct evq *q, uint32_t i, struct evq_event *ev)
{
	q->q_heap[i] = ev;
	ev->ev_slot = i + 1;
}

static void
sift_up(struct evq *q, uint32_t i)
{
	struct evq_event *ev = q->q_heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!before(ev, q->q_heap[parent]))
			break;
		place(q, i, q->q_heap[parent]);
		i = parent;
	}
	place(q, i, ev);
	EASSERT(i == 0 || !before(ev, q->q_heap[(i - 1) / 2]),
	    "evq: slot %u sorts before its parent", (unsigned)i);
}

static void
sift_down(struct evq *q, uint32_t i)
{
	struct evq_event *ev = q->q_heap[i];

	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m;

		if (l >= q->q_len)
			break;
		m = l;
		if (r < q->q_len && before(q->q_heap[r], q->q_heap[l]))
			m = r;
		if (!before(q->q_heap[m], ev))
			break;
		place(q, i, q->q_heap[m]);
		i = m;
	}
	place(q, i, ev);
	EASSERT(2 * i + 1 >= q->q_len || !before(q->q_heap[2 * i + 1], ev),
	    "evq: the left child of slot %u sorts before it", (unsigned)i);
	EASSERT(2 * i + 2 >= q->q_len || !before(q->q_heap[2 * i + 2], ev),
	    "evq: the right child of slot %u sorts before it", (unsigned)i);
}

/*
 * An event queued on another queue (or a corrupted slot) would silently
 * break both heaps; catch it where it happens, always on as KASSERT is.
 */
static void
check_slot(const struct evq *q, const struct evq_event *ev)
{
	EASSERT(ev->ev_slot <= q->q_len && q->q_heap[ev->ev_slot - 1] == ev,
	    "evq: event %p is not in queue %p (slot %u)", (const void *)ev,
	    (const void *)q, (unsigned)ev->ev_slot);
}

/* Restores heap order around slot i after its key changed either way. */
static void
fix(struct evq *q, uint32_t i)
{
	if (i > 0 && before(q->q_heap[i], q->q_heap[(i - 1) / 2]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

/* Takes the event at slot i out of the heap. */
static void
remove_at(struct evq *q, uint32_t i)
{
	struct evq_event *ev = q->q_heap[i];
	struct evq_event *last;

	ev->ev_slot = 0;
	last = q->q_heap[--q->q_len];
	q->q_heap[q->q_len] = NULL;
	if (i == q->q_len)
		return;
	place(q, i, last);
	fix(q, i);
}

void
evq_event_init(struct evq_event *ev, evq_fn *fn, void *arg)
{
	ev->ev_deadline_ns = 0;
	ev->ev_seq = 0;
	ev->ev_slot = 0;
	ev->ev_fn = fn;
	ev->ev_arg = arg;
}

int
evq_new(struct evq **ret_q)
{
	struct evq *q;

	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return (ENOMEM);
	q->q_heap = calloc(EVQ_INITIAL_CAP, sizeof(*q->q_heap));
	if (q->q_heap == NULL) {
		free(q);
		return (ENOMEM);
	}
	q->q_cap = EVQ_INITIAL_CAP;
	*ret_q = q;
	return (0);
}

void
evq_free(struct evq *q)
{
	uint32_t i;

	if (q == NULL)
		return;
	/* The events outlive the queue; mark them unqueued. */
	for (i = 0; i < q->q_len; i++)
		q->q_heap[i]->ev_slot = 0;
	free(q->q_heap);
	free(q);
}

int
evq_push(struct evq *q, struct evq_event *ev, int64_t deadline_ns)
{
	struct evq_event **heap;
	uint32_t cap;

	if (ev->ev_slot != 0) {
		/* Re-arm in place: a new key, then restore order. */
		check_slot(q, ev);
		ev->ev_deadline_ns = deadline_ns;
		ev->ev_seq = q->q_seq++;
		fix(q, ev->ev_slot - 1);
		return (0);
	}
	if (q->q_len == q->q_cap) {
		/* 'ev_slot' is index + 1, so the largest index is UINT32_MAX
		 * - 1. */
		if (q->q_cap > (UINT32_MAX - 1) / 2)
			return (ENOMEM);
		cap = q->q_cap * 2;
		heap = realloc(q->q_heap, (size_t)cap * sizeof(*heap));
		if (heap == NULL)
			return (ENOMEM);
		q->q_heap = heap;
		q->q_cap = cap;
	}
	ev->ev_deadline_ns = deadline_ns;
	ev->ev_seq = q->q_seq++;
	place(q, q->q_len++, ev);
	sift_up(q, q->q_len - 1);
	return (0);
}

bool
evq_cancel(struct evq *q, struct evq_event *ev)
{
	if (ev->ev_slot == 0)
		return (false);
	check_slot(q, ev);
	remove_at(q, ev->ev_slot - 1);
	return (true);
}

bool
evq_queued(const struct evq_event *ev)
{
	return (ev->ev_slot != 0);
}

struct evq_event *
evq_peek(const struct evq *q)
{
	return (q->q_len == 0 ? NULL : q->q_heap[0]);
}

struct evq_event *
evq_pop(struct evq *q)
{
	struct evq_event *ev;

	if (q->q_len == 0)
		return (NULL);
	ev = q->q_heap[0];
	remove_at(q, 0);
	EASSERT(q->q_len == 0 || !before(q->q_heap[0], ev),
	    "evq: the new head sorts before the event just popped");
	return (ev);
}

uint32_t
evq_len(const struct evq *q)
{
	return (q->q_len);
}
