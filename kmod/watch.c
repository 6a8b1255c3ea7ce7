// SPDX-License-Identifier: GPL-2.0
/* Watches: validation and creation, batched removal, the trigger work. */
#include <linux/fs_struct.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "vmon.h"

DEFINE_XARRAY_ALLOC1(vmon_watch_ids);
static u32 vmon_next_id;

struct vmon_watch_req {
	pid_t pid_nr;
	u64 addr;
	u8 len;
	u8 op;
	u32 flags;
	u64 threshold;
	u64 interval_ns;
	u64 cooldown_ns;
	u8 scope;
	u8 metric;
	const char *name;
};

static const char *const vmon_op_str[] = {
	[VMON_OP_GT] = ">", [VMON_OP_LT] = "<", [VMON_OP_GE] = ">=",
	[VMON_OP_LE] = "<=", [VMON_OP_EQ] = "==", [VMON_OP_NE] = "!=",
};

/* A metric watch: no process memory, its own defaults. */
static int vmon_metric_parse(struct genl_info *info, struct vmon_watch_req *r)
{
	struct netlink_ext_ack *extack = info->extack;
	const char *name = vmon_metric_name(r->metric);
	struct nlattr **a = info->attrs;
	static const u16 memory_attrs[] = { VMON_A_PID, VMON_A_ADDR, VMON_A_LEN,
					    VMON_A_MEM_FD };
	const char *why;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(memory_attrs); i++) {
		if (!a[memory_attrs[i]])
			continue;
		vmon_errf_attr(extack, a[memory_attrs[i]],
			       "metric %s reads no process memory: no pid, address or length",
			       name);
		return -EINVAL;
	}
	if (r->flags & VMON_WATCH_F_SIGNED) {
		vmon_errf_attr(extack, a[VMON_A_WATCH_FLAGS],
			       "metric %s is unsigned", name);
		return -EINVAL;
	}
	why = vmon_metric_unavailable(r->metric);
	if (why) {
		vmon_errf_attr(extack, a[VMON_A_METRIC], "%s", why);
		return -EOPNOTSUPP;
	}
	if (!a[VMON_A_SCOPE])
		r->scope = VMON_SCOPE_SYSTEM;
	if (r->scope == VMON_SCOPE_PROCESS) {
		vmon_errf_attr(extack, a[VMON_A_SCOPE],
			       "metric %s has no process: scope must be system or none",
			       name);
		return -EINVAL;
	}
	r->len = sizeof(u64);
	return 0;
}

/* A memory watch: which process, where, how wide. */
static int vmon_memory_parse(struct genl_info *info, struct vmon_watch_req *r)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;

	if (GENL_REQ_ATTR_CHECK(info, VMON_A_PID) ||
	    GENL_REQ_ATTR_CHECK(info, VMON_A_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, VMON_A_LEN))
		return -EINVAL;
	r->pid_nr = nla_get_u32(a[VMON_A_PID]);
	r->addr = nla_get_u64(a[VMON_A_ADDR]);
	r->len = nla_get_u8(a[VMON_A_LEN]);

	if (r->len != 1 && r->len != 2 && r->len != 4 && r->len != 8) {
		vmon_errf_attr(extack, a[VMON_A_LEN],
			       "length must be 1, 2, 4 or 8 (got %u)", r->len);
		return -EINVAL;
	}
	if (r->pid_nr <= 0 || r->pid_nr > PID_MAX_LIMIT) {
		vmon_errf_attr(extack, a[VMON_A_PID], "no process with pid %d",
			       r->pid_nr);
		return -ESRCH;
	}
	if (offset_in_page(r->addr) + r->len > PAGE_SIZE) {
		vmon_errf_attr(extack, a[VMON_A_ADDR],
			       "%u bytes at %#llx straddle a page boundary",
			       r->len, r->addr);
		return -EINVAL;
	}
	return 0;
}

/* Check the request's own fields; nothing is looked up or taken yet. */
static int vmon_watch_parse(struct genl_info *info, struct vmon_watch_req *r,
			    bool admin)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	u64 min_ns, max_ns = VMON_INTERVAL_MAX_NS;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VMON_A_OP) ||
	    GENL_REQ_ATTR_CHECK(info, VMON_A_THRESHOLD))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->op = nla_get_u8(a[VMON_A_OP]);
	r->threshold = nla_get_u64(a[VMON_A_THRESHOLD]);
	r->flags = a[VMON_A_WATCH_FLAGS] ? nla_get_u32(a[VMON_A_WATCH_FLAGS]) : 0;
	r->name = a[VMON_A_NAME] ? nla_data(a[VMON_A_NAME]) : "";
	r->scope = a[VMON_A_SCOPE] ? nla_get_u8(a[VMON_A_SCOPE]) : VMON_SCOPE_PROCESS;
	r->metric = a[VMON_A_METRIC] ? nla_get_u8(a[VMON_A_METRIC]) : VMON_METRIC_NONE;

	ret = r->metric ? vmon_metric_parse(info, r) : vmon_memory_parse(info, r);
	if (ret)
		return ret;
	if (a[VMON_A_NAME] && strlen(r->name) >= VMON_NAME_MAX) {
		vmon_errf_attr(extack, a[VMON_A_NAME],
			       "name is longer than %d bytes", VMON_NAME_MAX - 1);
		return -EINVAL;
	}

	mutex_lock(&vmon_lock);
	min_ns = vmon_cfg.min_interval_ns;
	if (!admin)
		min_ns = max(min_ns, vmon_cfg.min_user_interval_ns);
	r->interval_ns = vmon_cfg.default_interval_ns;
	r->cooldown_ns = vmon_cfg.default_cooldown_ns;
	mutex_unlock(&vmon_lock);
	if (r->metric) {
		r->interval_ns = max(VMON_METRIC_INTERVAL_NS, min_ns);
		r->cooldown_ns = VMON_METRIC_COOLDOWN_NS;
	}

	if (a[VMON_A_INTERVAL_NS])
		r->interval_ns = nla_get_u64(a[VMON_A_INTERVAL_NS]);
	if (r->interval_ns < min_ns) {
		vmon_errf_attr(extack, a[VMON_A_INTERVAL_NS],
			       "interval %llu ns is below the minimum %llu ns (%s)",
			       r->interval_ns, min_ns,
			       admin ? "min_interval" : "min_user_interval");
		return -ERANGE;
	}
	if (r->interval_ns > max_ns) {
		vmon_errf_attr(extack, a[VMON_A_INTERVAL_NS],
			       "interval %llu ns is above the maximum %llu ns",
			       r->interval_ns, max_ns);
		return -ERANGE;
	}
	r->interval_ns = vmon_interval_bucket(r->interval_ns, min_ns);
	if (a[VMON_A_COOLDOWN_NS])
		r->cooldown_ns = nla_get_u64(a[VMON_A_COOLDOWN_NS]);
	if (r->cooldown_ns > VMON_COOLDOWN_MAX_NS) {
		vmon_errf_attr(extack, a[VMON_A_COOLDOWN_NS],
			       "cooldown %llu ns is above the maximum %llu ns",
			       r->cooldown_ns, VMON_COOLDOWN_MAX_NS);
		return -ERANGE;
	}
	return 0;
}

/* Resolve, check permission and pin: everything before the lock. */
static int vmon_watch_bind(struct genl_info *info, struct vmon_watch *w,
			   unsigned long *seq)
{
	struct netlink_ext_ack *extack = info->extack;
	struct vmon_access a;
	int ret;

	ret = vmon_access_take(info, w->pid_nr, &a);
	if (ret)
		return ret;
	w->pid = a.pid;
	w->mem_file = a.file;
	w->target = vmon_target_get(a.mm);
	if (IS_ERR(w->target)) {
		ret = PTR_ERR(w->target);
		w->target = NULL;
		NL_SET_ERR_MSG(extack, "cannot track the target's address space");
		goto out;
	}
	*seq = vmon_target_seq(w->target);
	/* The target can stall its mmap_lock: let the caller give up. */
	ret = mmap_read_lock_killable(a.mm);
	if (ret)
		goto out;
	ret = vmon_pin(a.mm, w->addr, true, &w->page, extack, w->pid_nr);
	mmap_read_unlock(a.mm);
	if (ret) {
		NL_SET_BAD_ATTR(extack, info->attrs[VMON_A_ADDR]);
		goto out;
	}
	w->kaddr = page_address(w->page) + offset_in_page(w->addr);
out:
	mmput(a.mm);
	put_task_struct(a.task);
	return ret;
}

static void vmon_watch_free(struct vmon_watch *w)
{
	if (w->page)
		unpin_user_page(w->page);
	if (w->target)
		mmu_notifier_put(&w->target->mn);
	put_pid(w->pid);
	vmon_ns_release(w);
	if (w->mem_file)
		fput(w->mem_file);
	if (w->owner_sk)
		sock_put(w->owner_sk);
	put_net(w->net);
	path_put(&w->root);
	kfree(w);
}

static struct vmon_watch *vmon_watch_alloc(struct genl_info *info,
					   const struct vmon_watch_req *r,
					   kuid_t uid)
{
	struct vmon_watch *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	w->pid_nr = r->pid_nr;
	w->addr = r->addr;
	w->len = r->len;
	w->op = r->op;
	w->metric = r->metric;
	w->is_signed = r->flags & VMON_WATCH_F_SIGNED;
	w->aligned = IS_ALIGNED(r->addr, r->len);
	w->flags = r->flags;
	w->threshold = r->threshold;
	w->interval_ns = r->interval_ns;
	w->cooldown_ns = r->cooldown_ns;
	w->scope = r->scope;
	strscpy(w->name, r->name, sizeof(w->name));
	w->uid = uid;
	w->net = get_net(genl_info_net(info));
	get_fs_root(current->fs, &w->root);
	vmon_ns_capture(w);
	w->stale = !r->metric;	/* memory: until linked to its target */
	raw_spin_lock_init(&w->snap_lock);
	INIT_WORK(&w->trigger_work, vmon_watch_trigger_work);
	INIT_LIST_HEAD(&w->owner_node);
	INIT_LIST_HEAD(&w->target_node);
	return w;
}

int vmon_watch_add(struct genl_info *info, struct sock *sk,
		   const struct vmon_acct_req *acct, kuid_t uid, u32 *idp)
{
	bool admin = acct->admin;
	struct netlink_ext_ack *extack = info->extack;
	struct vmon_watch_req r;
	unsigned long seq = 0;
	struct vmon_watch *w;
	int ret;

	ret = vmon_watch_parse(info, &r, admin);
	if (ret)
		return ret;
	if ((r.flags & VMON_WATCH_F_DETACHED) && !admin) {
		vmon_errf_attr(extack, info->attrs[VMON_A_WATCH_FLAGS],
			       "detached watches need CAP_SYS_ADMIN");
		return -EPERM;
	}
	/* It captures the stacks of processes the caller may not trace. */
	if (r.scope == VMON_SCOPE_SYSTEM && !admin) {
		vmon_errf_attr(extack, info->attrs[VMON_A_SCOPE],
			       "scope \"system\" needs CAP_SYS_ADMIN%s",
			       r.metric ? "; a metric watch may use scope \"none\"" : "");
		return -EPERM;
	}

	w = vmon_watch_alloc(info, &r, uid);
	if (!w)
		return -ENOMEM;
	w->privileged = admin;
	if (!r.metric) {
		ret = vmon_watch_bind(info, w, &seq);
		if (ret)
			goto err_free;
	}

	mutex_lock(&vmon_lock);
	if (vmon_shutting_down) {
		NL_SET_ERR_MSG(extack, "vmon is being unloaded");
		ret = -ESHUTDOWN;
		goto err_unlock;
	}
	if (vmon_nr_watches >= vmon_cfg.max_watches) {
		vmon_errf(extack, "too many watches (limit %u: vmon config max_watches)",
			  vmon_cfg.max_watches);
		ret = -ENOSPC;
		goto err_unlock;
	}
	ret = vmon_acct_admit(w, acct, extack);
	if (ret)
		goto err_unlock;
	ret = xa_alloc_cyclic(&vmon_watch_ids, &w->id, w, xa_limit_31b,
			      &vmon_next_id, GFP_KERNEL);
	if (ret < 0)
		goto err_acct;
	if (!(r.flags & VMON_WATCH_F_DETACHED)) {
		ret = vmon_owner_attach(w, genl_info_net(info), info->snd_portid, sk);
		if (ret)
			goto err_id;
	}
	ret = vmon_group_attach(w);
	if (ret)
		goto err_owner;
	if (w->target)
		vmon_target_link(w->target, w, seq);
	vmon_nr_watches++;
	vmon_generation++;
	*idp = w->id;
	mutex_unlock(&vmon_lock);
	return 0;

err_owner:
	vmon_owner_detach(w);
err_id:
	xa_erase(&vmon_watch_ids, w->id);
err_acct:
	vmon_acct_release(w);
err_unlock:
	mutex_unlock(&vmon_lock);
err_free:
	vmon_watch_free(w);
	return ret;
}

/*
 * The last part of a removal, a grace period after it and without
 * vmon_lock: no tick can see w any more and none can queue its trigger
 * work.  A trigger already queued or running finishes (its snapshot goes
 * out before WATCH_GONE); a capture never blocks on user memory, so this
 * waits for a bounded time, and only this worker waits.
 */
static void vmon_watch_free_work(struct work_struct *work)
{
	struct vmon_watch *w = container_of(to_rcu_work(work),
					    struct vmon_watch, free_work);
	struct vmon_group *g = w->group;

	flush_work(&w->trigger_work);
	if (w->notify_gone)
		vmon_event_send_gone(w, w->gone_reason);
	vmon_watch_free(w);
	if (g)
		vmon_group_put(g);
}

/*
 * Remove a batch of watches (linked by batch_node); under vmon_lock.  The
 * watches are unpublished and their charges returned here; they are freed
 * by vmon_watch_free_work() after a grace period, so a removal never waits
 * under the lock other users need.  With notify, each watch's owner and
 * listeners get WATCH_GONE with w->gone_reason.
 */
void vmon_watches_remove(struct list_head *batch, bool notify)
{
	struct vmon_watch *w, *tmp;

	lockdep_assert_held(&vmon_lock);
	if (list_empty(batch))
		return;

	list_for_each_entry(w, batch, batch_node) {
		w->dead = true;
		xa_erase(&vmon_watch_ids, w->id);
		vmon_owner_detach(w);
		vmon_target_unlink(w);
		vmon_acct_release(w);
		vmon_nr_watches--;
	}
	vmon_generation++;
	vmon_groups_detach(batch);

	list_for_each_entry_safe(w, tmp, batch, batch_node) {
		list_del(&w->batch_node);
		w->notify_gone = notify;
		INIT_RCU_WORK(&w->free_work, vmon_watch_free_work);
		queue_rcu_work(vmon_free_wq, &w->free_work);
	}
}

/* Every removal's last part has run (module unload). */
void vmon_watches_drain(void)
{
	rcu_barrier();		/* every free work is queued */
	flush_workqueue(vmon_free_wq);
}

void vmon_watch_trigger_work(struct work_struct *work)
{
	struct vmon_watch *w = container_of(work, struct vmon_watch,
					    trigger_work);
	struct vmon_trigger_snap snap;
	unsigned long flags;
	bool fresh;
	u64 seq;

	/*
	 * A trigger between the workqueue clearing "pending" and this copy
	 * queues the work again, but this run already sends its snapshot:
	 * the next run finds nothing fresh.
	 */
	raw_spin_lock_irqsave(&w->snap_lock, flags);
	snap = w->snap;
	fresh = w->snap_fresh;
	w->snap_fresh = false;
	w->snap.unsent = 0;
	raw_spin_unlock_irqrestore(&w->snap_lock, flags);
	if (!fresh)
		return;

	if (vmon_log_triggers) {
		if (w->metric)
			vmon_metric_log(w, snap.value, vmon_op_str[w->op]);
		else if (w->is_signed)
			pr_info_ratelimited("watch %u \"%s\" pid %d %#llx: %lld %s %lld\n",
					    w->id, w->name, w->pid_nr, w->addr,
					    (s64)snap.value, vmon_op_str[w->op],
					    (s64)w->threshold);
		else
			pr_info_ratelimited("watch %u \"%s\" pid %d %#llx: %llu %s %llu\n",
					    w->id, w->name, w->pid_nr, w->addr,
					    snap.value, vmon_op_str[w->op],
					    w->threshold);
	}
	seq = vmon_event_send_trigger(w, &snap);
	if (seq && w->scope != VMON_SCOPE_NONE)
		vmon_snapshot(w, seq);
}
