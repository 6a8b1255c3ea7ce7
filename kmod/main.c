// SPDX-License-Identifier: GPL-2.0
/* vmon.ko: module init and exit, the control lock and the workqueue. */
#include <linux/module.h>
#include "version.h"
#include "vmon.h"

DEFINE_MUTEX(vmon_lock);
struct workqueue_struct *vmon_wq;
/*
 * Trigger works send events and capture snapshots.  A storm of triggers
 * queues at most one work per watch (newer triggers replace the pending
 * snapshot), and at most VMON_SNAP_ACTIVE captures run (and hold their
 * buffers) at once.  Captures never block on user memory, so a slow one
 * delays others by its bounded copying time, not forever.
 */
struct workqueue_struct *vmon_snap_wq;
/*
 * The last part of each removal (watch.c): it waits for the watch's
 * trigger work, so it must not share a worker with owner teardown.
 */
struct workqueue_struct *vmon_free_wq;

/* Off by default: a watch's name is chosen by its (maybe unprivileged) creator. */
bool vmon_log_triggers;
module_param_named(log_triggers, vmon_log_triggers, bool, 0644);
MODULE_PARM_DESC(log_triggers, "Print a rate-limited kernel log line per trigger (default: off)");

/* Every watch still alive leaves with a WATCH_GONE "unload". */
static void vmon_remove_all(void)
{
	struct vmon_watch *w;
	unsigned long id;
	LIST_HEAD(batch);

	mutex_lock(&vmon_lock);
	vmon_shutting_down = true;
	xa_for_each(&vmon_watch_ids, id, w) {
		w->gone_reason = VMON_GONE_UNLOAD;
		list_add_tail(&w->batch_node, &batch);
	}
	vmon_watches_remove(&batch, true);
	mutex_unlock(&vmon_lock);
}

static int __init vmon_init(void)
{
	int ret;

	vmon_ksyms_init();
	vmon_access_init();
	vmon_acct_init();

	/* Revalidation and owner teardown may sleep for long: unbound. */
	vmon_wq = alloc_workqueue("vmon", WQ_UNBOUND, 0);
	if (!vmon_wq)
		return -ENOMEM;
	vmon_snap_wq = alloc_workqueue("vmon_snap", WQ_UNBOUND, VMON_SNAP_ACTIVE);
	vmon_free_wq = alloc_workqueue("vmon_free", WQ_UNBOUND, 0);
	if (!vmon_snap_wq || !vmon_free_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}

	ret = vmon_events_init();
	if (ret)
		goto err_wq;
	ret = vmon_owners_init();
	if (ret)
		goto err_events;
	ret = vmon_netlink_init();
	if (ret)
		goto err_owners;
	pr_info("loaded (genl family \"%s\" v%d)\n", VMON_GENL_NAME,
		VMON_GENL_VERSION);
	return 0;

err_owners:
	vmon_owners_stop();
err_events:
	vmon_events_exit();
err_wq:
	if (vmon_free_wq)
		destroy_workqueue(vmon_free_wq);
	if (vmon_snap_wq)
		destroy_workqueue(vmon_snap_wq);
	destroy_workqueue(vmon_wq);
	return ret;
}

static void __exit vmon_exit(void)
{
	vmon_owners_stop();	/* no new owner teardown from here on */
	vmon_remove_all();
	vmon_watches_drain();	/* WATCH_GONE "unload" goes out before the family */
	vmon_netlink_exit();
	vmon_owners_free();
	/*
	 * Notifier callbacks already running may still kick a target's work,
	 * and targets are freed by mmu_notifier callbacks: wait for both
	 * before the workqueues go.
	 */
	mmu_notifier_synchronize();
	destroy_workqueue(vmon_free_wq);
	destroy_workqueue(vmon_snap_wq);
	destroy_workqueue(vmon_wq);
	vmon_events_exit();
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(vmon_init);
module_exit(vmon_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Watch numeric variables in running processes");
MODULE_AUTHOR("vmon developers");
MODULE_VERSION(VMON_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(VMON_GENL_NAME);
