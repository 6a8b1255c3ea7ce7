// SPDX-License-Identifier: GPL-2.0
/*
 * Interval groups: one hrtimer per distinct interval, shared by every
 * owner.  The timer walks an RCU-published array of watch pointers.
 * Appends go into spare capacity (a full array is replaced by a larger
 * copy); removals compact in place, so they never fail.  A concurrent tick
 * may then skip a live watch once or see one twice, which is harmless; it
 * never sees a freed one, because watches are freed only after a grace
 * period.  The callback never sleeps, allocates or takes a lock other than
 * a watch's raw snapshot lock.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "vmon.h"

LIST_HEAD(vmon_groups);

#define VMON_SLOTS_MIN 16

static u64 vmon_read_value(const struct vmon_watch *w, const void *p)
{
	switch (w->len) {
	case 1:
		return w->is_signed ? (u64)(s64)READ_ONCE(*(const s8 *)p) :
				      READ_ONCE(*(const u8 *)p);
	case 2:
		if (w->aligned)
			return w->is_signed ? (u64)(s64)READ_ONCE(*(const s16 *)p) :
					      READ_ONCE(*(const u16 *)p);
		return w->is_signed ? (u64)(s64)(s16)get_unaligned((const u16 *)p) :
				      get_unaligned((const u16 *)p);
	case 4:
		if (w->aligned)
			return w->is_signed ? (u64)(s64)READ_ONCE(*(const s32 *)p) :
					      READ_ONCE(*(const u32 *)p);
		return w->is_signed ? (u64)(s64)(s32)get_unaligned((const u32 *)p) :
				      get_unaligned((const u32 *)p);
	default:
		if (w->aligned)
			return READ_ONCE(*(const u64 *)p);
		return get_unaligned((const u64 *)p);
	}
}

static bool vmon_compare(u64 v, u64 t, u8 op, bool is_signed)
{
	int c;

	if (is_signed)
		c = ((s64)v > (s64)t) - ((s64)v < (s64)t);
	else
		c = (v > t) - (v < t);

	switch (op) {
	case VMON_OP_GT: return c > 0;
	case VMON_OP_LT: return c < 0;
	case VMON_OP_GE: return c >= 0;
	case VMON_OP_LE: return c <= 0;
	case VMON_OP_EQ: return c == 0;
	default:	 return c != 0;
	}
}

static void vmon_fire(struct vmon_group *g, struct vmon_watch *w, u64 value,
		      u64 now)
{
	unsigned long flags;

	w->quiet_until = now + w->cooldown_ns;
	raw_spin_lock_irqsave(&w->snap_lock, flags);
	if (w->snap_fresh)
		w->snap.unsent++;	/* replaced before the work sent it */
	w->snap.value = value;
	w->snap.time_mono_ns = now;
	w->snap.time_real_ns = ktime_get_real_ns();
	w->snap.hits = ++w->hits;
	w->snap.suppressed = w->suppressed;
	w->snap_fresh = true;
	raw_spin_unlock_irqrestore(&w->snap_lock, flags);
	w->suppressed = 0;

	/* Still pending: the newer snapshot replaces the unsent one. */
	if (!queue_work(vmon_snap_wq, &w->trigger_work))
		atomic64_inc(&g->events_dropped);
}

static void vmon_check(struct vmon_group *g, struct vmon_watch *w, u64 now)
{
	const void *p;
	u64 v;

	if (smp_load_acquire(&w->stale))
		return;
	if (w->metric) {
		v = vmon_metric_read(w->metric);
	} else {
		p = READ_ONCE(w->kaddr);
		v = vmon_read_value(w, p);
	}
	g->checks++;
	if (!vmon_compare(v, w->threshold, w->op, w->is_signed))
		return;
	g->triggers++;
	if (now < w->quiet_until) {
		w->suppressed++;
		return;
	}
	vmon_fire(g, w, v, now);
}

/*
 * A group whose ticks overrun polls at twice its period, up to
 * VMON_BACKOFF_MAX times, instead of firing back to back in hard-interrupt
 * context: overrunning is a tick that took over half its period (with the
 * interrupt's own cost), or VMON_LATE_RUN ticks in a row that came after
 * a missed period (one late tick is a stalled CPU, not our cost).  It
 * speeds up again after VMON_CALM_TICKS quick, punctual ticks.
 */
#define VMON_LATE_RUN	8
#define VMON_CALM_TICKS	64

static void vmon_group_pace(struct vmon_group *g, u64 spent, u64 overruns)
{
	u64 period = g->interval_ns * g->backoff;

	if (overruns > 1) {
		g->late++;
		g->skipped += overruns - 1;
		g->late_run++;
	} else {
		g->late_run = 0;
	}
	if (spent + VMON_TICK_COST_NS > period / 2 || g->late_run >= VMON_LATE_RUN) {
		if (g->backoff < VMON_BACKOFF_MAX)
			g->backoff *= 2;
		g->calm = 0;
		g->late_run = 0;
	} else if (g->backoff > 1 && overruns <= 1 && spent < period / 8 &&
		   ++g->calm >= VMON_CALM_TICKS) {
		g->backoff /= 2;
		g->calm = 0;
	}
}

static enum hrtimer_restart vmon_group_tick(struct hrtimer *timer)
{
	struct vmon_group *g = container_of(timer, struct vmon_group, timer);
	const struct vmon_slots *s;
	u64 start = ktime_get_ns();
	unsigned int i, n;
	u64 spent, overruns;

	rcu_read_lock();
	s = rcu_dereference(g->slots);
	n = smp_load_acquire(&s->n);
	for (i = 0; i < n; i++)
		vmon_check(g, READ_ONCE(s->w[i]), start);
	rcu_read_unlock();

	spent = ktime_get_ns() - start;
	g->fires++;
	g->ns_total += spent;
	if (spent > g->ns_max)
		g->ns_max = spent;

	overruns = hrtimer_forward_now(timer,
				       ns_to_ktime(g->interval_ns * g->backoff));
	vmon_group_pace(g, spent, overruns);
	return HRTIMER_RESTART;
}

/*
 * What one check costs on this machine before any timer has measured it:
 * run the real check over VMON_CAL_WATCHES watches that never trigger, on
 * distinct pages, the best of a few rounds with preemption off.  The
 * timers later measure the same thing in interrupt context.
 */
#define VMON_CAL_WATCHES	64
#define VMON_CAL_ROUNDS		8

u64 vmon_group_calibrate(void)
{
	struct vmon_group g = { .interval_ns = NSEC_PER_MSEC };
	u64 best = U64_MAX, t0, t;
	struct vmon_watch *w;
	unsigned int r, i;
	u8 *buf;

	w = kvcalloc(VMON_CAL_WATCHES, sizeof(*w), GFP_KERNEL);
	buf = vzalloc(VMON_CAL_WATCHES * PAGE_SIZE);
	if (!w || !buf)
		goto out;
	for (i = 0; i < VMON_CAL_WATCHES; i++) {
		w[i].kaddr = buf + i * PAGE_SIZE;
		w[i].len = 4;
		w[i].aligned = true;
		w[i].op = VMON_OP_GT;
		w[i].threshold = 1;	/* the pages hold 0: never triggers */
	}
	for (r = 0; r < VMON_CAL_ROUNDS; r++) {
		preempt_disable();
		t0 = ktime_get_ns();
		for (i = 0; i < VMON_CAL_WATCHES; i++)
			vmon_check(&g, &w[i], t0);
		t = ktime_get_ns() - t0;
		preempt_enable();
		best = min(best, t);
	}
out:
	vfree(buf);
	kvfree(w);
	return best == U64_MAX ? 0 : div_u64(best, VMON_CAL_WATCHES);
}

static struct vmon_slots *vmon_slots_alloc(unsigned int cap)
{
	struct vmon_slots *s;

	s = kvzalloc(struct_size(s, w, cap), GFP_KERNEL);
	if (s)
		s->cap = cap;
	return s;
}

struct vmon_group *vmon_group_lookup(u64 interval_ns)
{
	struct vmon_group *g;

	list_for_each_entry(g, &vmon_groups, node)
		if (g->interval_ns == interval_ns)
			return g;
	return NULL;
}

static struct vmon_group *vmon_group_create(u64 interval_ns)
{
	struct vmon_slots *s;
	struct vmon_group *g;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	s = vmon_slots_alloc(VMON_SLOTS_MIN);
	if (!g || !s) {
		kfree(g);
		kvfree(s);
		return NULL;
	}
	g->interval_ns = interval_ns;
	g->backoff = 1;
	refcount_set(&g->refs, 1);	/* the watch being attached */
	RCU_INIT_POINTER(g->slots, s);
	atomic64_set(&g->events_sent, 0);
	atomic64_set(&g->events_dropped, 0);
	vmon_hrtimer_setup(&g->timer, vmon_group_tick);
	list_add_tail(&g->node, &vmon_groups);
	hrtimer_start(&g->timer, ns_to_ktime(interval_ns), HRTIMER_MODE_REL);
	return g;
}

/* Add w to the group of its interval; under vmon_lock. */
int vmon_group_attach(struct vmon_watch *w)
{
	struct vmon_slots *s, *bigger;
	struct vmon_group *g;

	lockdep_assert_held(&vmon_lock);
	g = vmon_group_lookup(w->interval_ns);
	if (!g) {
		g = vmon_group_create(w->interval_ns);
		if (!g)
			return -ENOMEM;
	} else {
		/* Nonzero while listed: the last put removes it under the lock. */
		refcount_inc(&g->refs);
	}

	s = rcu_dereference_protected(g->slots, lockdep_is_held(&vmon_lock));
	if (s->n == s->cap) {
		bigger = vmon_slots_alloc(s->cap * 2);
		if (!bigger) {
			/* An existing group: the ref just taken was not its last. */
			refcount_dec(&g->refs);
			return -ENOMEM;
		}
		memcpy(bigger->w, s->w, s->n * sizeof(s->w[0]));
		bigger->n = s->n;
		rcu_assign_pointer(g->slots, bigger);
		kvfree_rcu(s, rcu);
		s = bigger;
	}
	s->w[s->n] = w;
	/* The timer reads n with acquire: the slot is visible first. */
	smp_store_release(&s->n, s->n + 1);
	g->nr++;
	w->group = g;
	return 0;
}

static void vmon_group_compact(struct vmon_group *g)
{
	struct vmon_slots *s;
	unsigned int i, n = 0;

	s = rcu_dereference_protected(g->slots, lockdep_is_held(&vmon_lock));
	for (i = 0; i < s->n; i++)
		if (!s->w[i]->dead)
			WRITE_ONCE(s->w[n++], s->w[i]);
	smp_store_release(&s->n, n);
}

/*
 * Unpublish every watch of the batch (each already marked dead).  The
 * caller waits for an RCU grace period before freeing them.
 */
void vmon_groups_detach(struct list_head *batch)
{
	struct vmon_watch *w;
	struct vmon_group *g;

	lockdep_assert_held(&vmon_lock);
	list_for_each_entry(w, batch, batch_node) {
		if (!w->group)
			continue;
		w->group->nr--;
		w->group->touched = true;
	}
	list_for_each_entry(g, &vmon_groups, node) {
		if (g->touched)
			vmon_group_compact(g);
		g->touched = false;
	}
}

/*
 * A watch of g has been freed: the last one stops and frees g.  Called
 * without vmon_lock, which the last put takes to unlist g; the timer is
 * cancelled after the lock is dropped.
 */
void vmon_group_put(struct vmon_group *g)
{
	if (!refcount_dec_and_mutex_lock(&g->refs, &vmon_lock))
		return;
	list_del(&g->node);
	mutex_unlock(&vmon_lock);
	hrtimer_cancel(&g->timer);
	kvfree(rcu_dereference_protected(g->slots, 1));
	kfree(g);
}
