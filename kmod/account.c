// SPDX-License-Identifier: GPL-2.0
/*
 * What each user may make the module hold, all under vmon_lock.
 *
 * - Watches: at most max_user_watches per uid, so one user cannot use up
 *   the global max_watches for everyone else.
 * - Pinned pages: one page per (address space, page, user), however many
 *   watches share it, charged to the creator's user_struct->locked_vm
 *   against RLIMIT_MEMLOCK, the counter io_uring and RDMA charge as well.
 *   CAP_IPC_LOCK exempts, as it does for mlock().
 * - Polling CPU: every watch adds 1e9 / interval checks a second.  The
 *   cost of a check is what the timers measured (never below a floor),
 *   and every tick adds a fixed overhead.  A user's share is capped by
 *   max_user_cpu, everyone's by max_cpu, both in per-mille of one CPU.
 *
 * CAP_SYS_ADMIN lifts the per-user limits, not the global ones.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include "vmon.h"

struct vmon_user {
	struct hlist_node node;
	kuid_t uid;
	u32 watches;
	u32 pinned;		/* pages charged for its watches */
	u64 rate;		/* checks per 1000 s */
};

/* One watched page of one address space, paid for by one user. */
struct vmon_pin_charge {
	struct hlist_node node;
	const struct vmon_target *target;
	u64 page;		/* user address of the page */
	struct vmon_user *acct;	/* outlives the charge: its watches hold it */
	struct user_struct *user;	/* whose locked_vm pays */
	u32 refs;		/* watches on it */
};

static DEFINE_HASHTABLE(vmon_users, 6);
static DEFINE_HASHTABLE(vmon_charges, 10);

/* Checks per 1000 s at interval_ns: 1e12 / interval, at least 1. */
static u64 vmon_rate(u64 interval_ns)
{
	return max_t(u64, div64_u64(1000ULL * NSEC_PER_SEC, interval_ns), 1);
}

/* Per-mille of one CPU that rate checks of cost_ns each take. */
static u64 vmon_permille(u64 rate, u64 cost_ns)
{
	/* rate / 1000 checks/s * cost ns = ns/s; 1e6 ns/s is 1 per-mille. */
	return div64_u64(rate * cost_ns, 1000ULL * 1000000ULL);
}

static u64 vmon_check_cost_cal = VMON_CHECK_COST_NS;

/*
 * Before the timers have measured anything: the real check, timed at load
 * (group.c), doubled for what a tick adds around it (a cold cache, the
 * interrupt).  On an emulated or slow machine this is what keeps the first
 * watches from being admitted at a cost the machine cannot meet.
 */
void vmon_acct_init(void)
{
	vmon_check_cost_cal = max_t(u64, VMON_CHECK_COST_NS,
				    2 * vmon_group_calibrate());
	pr_debug("a check is estimated at %llu ns\n", vmon_check_cost_cal);
}

/*
 * What one check costs, in ns: the timers' own measurement once they have
 * done enough checks to mean something, never below the estimate at load.
 * Only groups of VMON_CHECK_COST_GROUP watches or more count: a tick's own
 * overhead, shared by a handful of watches, would pass for their cost.
 */
u64 vmon_check_cost_ns(void)
{
	u64 checks = 0, ns = 0, cost = vmon_check_cost_cal;
	struct vmon_group *g;

	lockdep_assert_held(&vmon_lock);
	list_for_each_entry(g, &vmon_groups, node) {
		if (g->nr < VMON_CHECK_COST_GROUP)
			continue;
		checks += READ_ONCE(g->checks);
		ns += READ_ONCE(g->ns_total);
	}
	if (checks >= VMON_CHECK_COST_SAMPLES)
		cost = max(cost, div64_u64(ns, checks));
	return cost;
}

/* The whole module's polling estimate, per-mille of one CPU. */
u64 vmon_cpu_estimate(u64 cost_ns)
{
	struct vmon_group *g;
	u64 permille = 0;

	lockdep_assert_held(&vmon_lock);
	list_for_each_entry(g, &vmon_groups, node)
		permille += vmon_group_permille(g, 0, cost_ns);
	return permille;
}

/* g's share with extra more watches (g may be NULL: a new group). */
u64 vmon_group_permille(const struct vmon_group *g, u32 extra, u64 cost_ns)
{
	u64 interval = g ? g->interval_ns : 0;
	u32 nr = (g ? g->nr : 0) + extra;

	if (!nr || !interval)
		return 0;
	return vmon_permille(vmon_rate(interval),
			     VMON_TICK_COST_NS + nr * cost_ns);
}

static struct vmon_user *vmon_user_find(kuid_t uid, bool create)
{
	struct vmon_user *u;

	hash_for_each_possible(vmon_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	if (!create)
		return NULL;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	u->uid = uid;
	hash_add(vmon_users, &u->node, __kuid_val(uid));
	return u;
}

/* uid's watches and charged pages now, for CONFIG_GET. */
void vmon_user_use(kuid_t uid, u32 *watches, u32 *pinned)
{
	struct vmon_user *u = vmon_user_find(uid, false);

	*watches = u ? u->watches : 0;
	*pinned = u ? u->pinned : 0;
}

static u32 vmon_charge_hash(const struct vmon_target *t, u64 page,
			    const struct vmon_user *u)
{
	return hash_ptr(t, 32) ^ hash_64(page, 32) ^ hash_ptr(u, 32);
}

static struct vmon_pin_charge *vmon_charge_find(const struct vmon_target *t,
						u64 page,
						const struct vmon_user *u)
{
	struct vmon_pin_charge *c;

	hash_for_each_possible(vmon_charges, c, node, vmon_charge_hash(t, page, u))
		if (c->target == t && c->page == page && c->acct == u)
			return c;
	return NULL;
}

/*
 * Charge one page to the caller's user against RLIMIT_MEMLOCK, unless the
 * caller already pays for that page of that address space.
 */
static int vmon_charge_pin(struct vmon_watch *w, struct vmon_user *u,
			   struct netlink_ext_ack *extack)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct user_struct *user = current_user();
	u64 page = w->addr & PAGE_MASK;
	struct vmon_pin_charge *c;
	unsigned long cur;

	c = vmon_charge_find(w->target, page, u);
	if (c) {
		c->refs++;
		w->charge = c;
		return 0;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	cur = atomic_long_read(&user->locked_vm);
	do {
		if (limit != RLIM_INFINITY >> PAGE_SHIFT && cur + 1 > limit) {
			kfree(c);
			vmon_errf(extack, "a pinned page would pass RLIMIT_MEMLOCK (%lu of %lu KiB used): ulimit -l",
				  cur << (PAGE_SHIFT - 10), limit << (PAGE_SHIFT - 10));
			return -ENOMEM;
		}
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, cur + 1));
	c->target = w->target;
	c->page = page;
	c->acct = u;
	c->user = get_uid(user);
	c->refs = 1;
	hash_add(vmon_charges, &c->node, vmon_charge_hash(c->target, page, u));
	u->pinned++;
	w->charge = c;
	return 0;
}

static void vmon_uncharge_pin(struct vmon_watch *w)
{
	struct vmon_pin_charge *c = w->charge;

	w->charge = NULL;
	if (!c || --c->refs)
		return;
	atomic_long_dec(&c->user->locked_vm);
	c->acct->pinned--;
	free_uid(c->user);
	hash_del(&c->node);
	kfree(c);
}

static int vmon_admit_cpu(const struct vmon_watch *w, const struct vmon_user *u,
			  const struct vmon_acct_req *r,
			  struct netlink_ext_ack *extack)
{
	u64 cost = vmon_check_cost_ns(), total, mine;
	const struct vmon_group *g = vmon_group_lookup(w->interval_ns);

	/* The total as it would be: g's share grows by one watch (or appears). */
	total = vmon_cpu_estimate(cost) - vmon_group_permille(g, 0, cost) +
		vmon_group_permille(g, 1, cost);
	if (total > vmon_cfg.max_cpu) {
		vmon_errf(extack, "polling at %llu.%llu%% CPU would pass max_cpu %u.%u%%: use a longer interval",
			  total / 10, total % 10, vmon_cfg.max_cpu / 10,
			  vmon_cfg.max_cpu % 10);
		return -EBUSY;
	}
	if (r->admin)
		return 0;
	mine = vmon_permille((u ? u->rate : 0) + vmon_rate(w->interval_ns), cost);
	if (mine > vmon_cfg.max_user_cpu) {
		vmon_errf(extack, "polling at %llu.%llu%% CPU would pass max_user_cpu %u.%u%%: longer interval",
			  mine / 10, mine % 10, vmon_cfg.max_user_cpu / 10,
			  vmon_cfg.max_user_cpu % 10);
		return -EBUSY;
	}
	return 0;
}

/*
 * Admit w for its creator or say which limit refuses it; under vmon_lock,
 * before w joins its group.  On success w holds its charges until
 * vmon_acct_release().
 */
int vmon_acct_admit(struct vmon_watch *w, const struct vmon_acct_req *r,
		    struct netlink_ext_ack *extack)
{
	struct vmon_user *u = vmon_user_find(w->uid, false);
	int ret;

	lockdep_assert_held(&vmon_lock);
	if (!r->admin && u && u->watches >= vmon_cfg.max_user_watches) {
		vmon_errf(extack, "uid %u has %u watches: max_user_watches (root may raise it)",
			  from_kuid_munged(current_user_ns(), w->uid), u->watches);
		return -ENOSPC;
	}
	ret = vmon_admit_cpu(w, u, r, extack);
	if (ret)
		return ret;
	u = vmon_user_find(w->uid, true);
	if (!u)
		return -ENOMEM;
	if (w->target && !r->ipc_lock) {
		ret = vmon_charge_pin(w, u, extack);
		if (ret) {
			if (!u->watches) {
				hash_del(&u->node);
				kfree(u);
			}
			return ret;
		}
	}
	u->watches++;
	u->rate += vmon_rate(w->interval_ns);
	w->acct = u;
	return 0;
}

void vmon_acct_release(struct vmon_watch *w)
{
	struct vmon_user *u = w->acct;

	lockdep_assert_held(&vmon_lock);
	vmon_uncharge_pin(w);
	if (!u)
		return;
	w->acct = NULL;
	u->rate -= vmon_rate(w->interval_ns);
	if (--u->watches)
		return;
	hash_del(&u->node);
	kfree(u);
}

/* The bucket after b in the 1-2-5 series. */
static u64 vmon_interval_bucket_next(u64 b)
{
	u64 decade = NSEC_PER_USEC;

	while (decade * 10 <= b)
		decade *= 10;
	if (b < 2 * decade)
		return 2 * decade;
	if (b < 5 * decade)
		return 5 * decade;
	return 10 * decade;
}

/*
 * Intervals come in a 1-2-5 series (1 us, 2 us, 5 us, 10 us ... 2000 s), so
 * there are never more than VMON_INTERVAL_BUCKETS timers however many
 * distinct intervals users ask for.  A request is rounded down (a watch
 * never polls less often than asked), but not below the floor min_ns.
 */
u64 vmon_interval_bucket(u64 interval_ns, u64 min_ns)
{
	u64 b = NSEC_PER_USEC, next;

	while ((next = vmon_interval_bucket_next(b)) <= interval_ns)
		b = next;
	while (b < min_ns)
		b = vmon_interval_bucket_next(b);
	return min(b, VMON_INTERVAL_MAX_NS);
}
