// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon events: decode notifications, account for lost ones, queue and deliver them. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbolize.h"

/* vmon_process() reads at most this many datagrams, so a flood cannot pin it. */
#define VMON_PROCESS_BATCH	64

static bool queue_grow(struct vmon *h)
{
	size_t cap = h->q_cap ? h->q_cap * 2 : 64;
	struct vmon_event *q;
	size_t i;

	if (h->q_cap >= VMON_QUEUE_MAX)
		return false;
	q = malloc(cap * sizeof(*q));
	if (!q)
		return false;
	/* Unwrap the ring so it starts at 0 again. */
	for (i = 0; i < h->q_len; i++)
		q[i] = h->q[(h->q_head + i) % h->q_cap];
	free(h->q);
	h->q = q;
	h->q_cap = cap;
	h->q_head = 0;
	return true;
}

static struct vmon_event *queue_slot(struct vmon *h)
{
	struct vmon_event *ev = &h->q[(h->q_head + h->q_len) % h->q_cap];

	h->q_len++;
	memset(ev, 0, sizeof(*ev));
	return ev;
}

static void event_free(struct vmon_event *ev)
{
	if (ev->type == VMON_EV_TRIGGER)
		vmon_report_free(ev->trigger.report);
	ev->trigger.report = NULL;
}

/*
 * Queue ev (if not NULL; its report goes with it), preceded by a LOST
 * event when lost is set (lost_count 0: the number is unknown).  Events
 * the full queue could not take are reported as lost before the next one
 * that fits.
 */
static void queue_event(struct vmon *h, struct vmon_event *ev,
			bool lost, uint64_t lost_count)
{
	size_t need = (lost || h->queue_dropped) ? 1 + !!ev : !!ev;

	while (h->q_cap - h->q_len < need)
		if (!queue_grow(h)) {
			h->queue_dropped += !!ev + lost_count;
			if (ev)
				event_free(ev);
			return;
		}
	if (lost || h->queue_dropped) {
		struct vmon_event *l = queue_slot(h);

		l->type = VMON_EV_LOST;
		l->lost = lost_count + h->queue_dropped;
		h->queue_dropped = 0;
	}
	if (ev)
		*queue_slot(h) = *ev;
}

void vmon__queue(struct vmon *h, struct vmon_event *ev)
{
	queue_event(h, ev, false, 0);
}

void vmon__queue_free(struct vmon *h)
{
	struct vmon_event ev;

	while (vmon__pop(h, &ev))
		event_free(&ev);
}

bool vmon__pop(struct vmon *h, struct vmon_event *ev)
{
	if (!h->q_len)
		return false;
	*ev = h->q[h->q_head];
	h->q_head = (h->q_head + 1) % h->q_cap;
	h->q_len--;
	return true;
}

static void decode_trigger(struct vmon_trigger *t, struct nlattr **tb)
{
	t->watch_id = vmon__u32(tb, VMON_A_WATCH_ID);
	vmon__name(t->name, tb[VMON_A_NAME]);
	t->pid = (pid_t)vmon__u32(tb, VMON_A_PID);
	t->addr = vmon__u64(tb, VMON_A_ADDR);
	t->len = vmon__u8(tb, VMON_A_LEN);
	t->is_signed = vmon__u32(tb, VMON_A_WATCH_FLAGS) & VMON_WATCH_F_SIGNED;
	t->op = (enum vmon_op)vmon__u8(tb, VMON_A_OP);
	t->value = vmon__u64(tb, VMON_A_VALUE);
	t->threshold = vmon__u64(tb, VMON_A_THRESHOLD);
	t->time_real_ns = vmon__u64(tb, VMON_A_TIME_REAL_NS);
	t->time_mono_ns = vmon__u64(tb, VMON_A_TIME_MONO_NS);
	t->hits = vmon__u64(tb, VMON_A_HITS);
	t->suppressed = vmon__u64(tb, VMON_A_SUPPRESSED);
	t->seq = vmon__u64(tb, VMON_A_SEQ);
	t->metric = (enum vmon_metric)vmon__u8(tb, VMON_A_METRIC);
}

/*
 * Decode an EVENT or WATCH_GONE notification and queue it.
 *
 * Loss accounting: a subscribed handle sees every notification, so any gap
 * in the global SEQ is loss and the kernel's per-watch LOST would count
 * the same drops twice; an unsubscribed handle sees only its own watches,
 * whose gaps are normal, so there the kernel's LOST attribute is the
 * truth.
 */
void vmon__notify(struct vmon *h, struct nlmsghdr *nlh, struct nlattr **tb,
		  int cmd)
{
	struct vmon_event ev;
	uint64_t lost_count = 0;
	bool lost = false;

	memset(&ev, 0, sizeof(ev));
	if (!tb[VMON_A_WATCH_ID])
		return;
	switch (cmd) {
	case VMON_CMD_TASK:
	case VMON_CMD_STACK:
	case VMON_CMD_PROCESS:
	case VMON_CMD_SNAP_END:
		vmon__snapshot_part(h, nlh, tb, cmd);
		return;
	case VMON_CMD_EVENT:
		ev.type = VMON_EV_TRIGGER;
		decode_trigger(&ev.trigger, tb);
		break;
	case VMON_CMD_WATCH_GONE:
		ev.type = VMON_EV_GONE;
		ev.gone.watch_id = vmon__u32(tb, VMON_A_WATCH_ID);
		ev.gone.pid = (pid_t)vmon__u32(tb, VMON_A_PID);
		ev.gone.reason = (enum vmon_gone_reason)
				 vmon__u32(tb, VMON_A_GONE_REASON);
		ev.gone.metric = (enum vmon_metric)vmon__u8(tb, VMON_A_METRIC);
		break;
	default:
		return;
	}

	if (h->subscribed) {
		if (tb[VMON_A_SEQ]) {
			uint64_t seq = nla_get_u64(tb[VMON_A_SEQ]);

			if (h->have_seq && seq > h->last_seq + 1) {
				lost = true;
				lost_count = seq - h->last_seq - 1;
			} else if (!h->have_seq && h->overrun) {
				lost = true;	/* dropped before any baseline */
			}
			if (!h->have_seq || seq > h->last_seq)
				h->last_seq = seq;
			h->have_seq = true;
		}
	} else if (cmd == VMON_CMD_EVENT && tb[VMON_A_LOST]) {
		lost_count = nla_get_u64(tb[VMON_A_LOST]);
		lost = lost_count > 0;
	}
	h->overrun = false;
	/* With a snapshot to come, the trigger waits for its parts. */
	if (cmd == VMON_CMD_EVENT && tb[VMON_A_SNAPSHOT]) {
		queue_event(h, NULL, lost, lost_count);
		vmon__pending_start(h, &ev);
		return;
	}
	queue_event(h, &ev, lost, lost_count);
}

/* Hand queued events to cb; stop early when it returns nonzero. */
static int deliver(struct vmon *h, vmon_event_cb cb, void *arg)
{
	struct vmon_event ev;
	int r;

	/*
	 * A copy on the stack: cb may call back into the library, which may
	 * queue more events and move the ring.
	 */
	while (vmon__pop(h, &ev)) {
		if (!cb) {
			event_free(&ev);
			continue;
		}
		if (ev.type == VMON_EV_TRIGGER && ev.trigger.report) {
			if (!h->symcache)
				h->symcache = vmon__symcache_new();
			if (h->symcache)
				vmon__report_symbolize(h->symcache, ev.trigger.report);
		}
		r = cb(&ev, arg);
		event_free(&ev);
		if (r)
			return r;
	}
	return 0;
}

int vmon_process(struct vmon *h, vmon_event_cb cb, void *arg)
{
	int err = vmon__check(h);
	int i;

	if (err < 0)
		return err;
	for (i = 0; ; i++) {
		vmon__pending_expire(h, false);
		err = deliver(h, cb, arg);
		if (err || i == VMON_PROCESS_BATCH)
			return err;
		err = vmon__recv(h, NULL);
		if (err <= 0)
			return err;
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vmon_listen(struct vmon *h, vmon_event_cb cb, void *arg, int timeout_ms)
{
	int64_t deadline = timeout_ms >= 0 ? mono_ms() + timeout_ms : 0;
	int err;

	for (;;) {
		struct pollfd pfd = { .fd = h ? h->fd : -1, .events = POLLIN };
		int wait = -1;
		int n;

		err = vmon_process(h, cb, arg);
		if (err)
			return err;
		if (timeout_ms >= 0) {
			int64_t left = deadline - mono_ms();

			if (left <= 0)
				return 0;
			wait = left > 1000000000 ? 1000000000 : (int)left;
		}
		/* A snapshot whose end was lost is delivered after a while. */
		if (h && h->n_pend && (wait < 0 || wait > VMON_PENDING_MS / 4))
			wait = VMON_PENDING_MS / 4;
		n = poll(&pfd, 1, wait);
		if (n < 0) {
			/* Let the caller look at whatever flag its signal handler set. */
			if (errno == EINTR)
				return vmon__seterr(h, -EINTR, "interrupted by a signal");
			return vmon__syserr(h, -errno, "poll");
		}
		if (n == 0 && timeout_ms >= 0 && deadline - mono_ms() <= 0)
			return 0;
	}
}
