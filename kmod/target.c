// SPDX-License-Identifier: GPL-2.0
/*
 * Targets: the address spaces vmon watches.  A pinned page stays allocated
 * but stops being the process's memory after munmap, mremap, MADV_DONTNEED,
 * exec or exit.  An mmu_notifier marks the watches over an invalidated
 * range stale before the page tables change (the timer skips them), and a
 * work item then re-resolves each address: the same page continues, a new
 * page is re-pinned, no mapping or no page ends the watch with WATCH_GONE.
 */
#include <linux/delay.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include "vmon.h"

/* How long a target waits for its mmap_lock between tries. */
#define VMON_RETRY_MS	10

static const struct mmu_notifier_ops vmon_mn_ops;
static void vmon_target_work(struct work_struct *work);

static bool vmon_overlaps(const struct vmon_watch *w,
			  const struct mmu_notifier_range *r)
{
	u64 page = w->addr & PAGE_MASK;

	return page < r->end && page + PAGE_SIZE > r->start;
}

static void vmon_target_kick(struct vmon_target *t)
{
	kref_get(&t->ref);
	if (!queue_work(vmon_wq, &t->work))
		vmon_target_put(t);
}

static int vmon_mn_invalidate_start(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *r)
{
	struct vmon_target *t = container_of(mn, struct vmon_target, mn);
	struct vmon_watch *w;

	spin_lock(&t->lock);
	t->inval_seq++;
	t->inval_active++;
	list_for_each_entry(w, &t->watches, target_node)
		if (vmon_overlaps(w, r))
			WRITE_ONCE(w->stale, true);
	spin_unlock(&t->lock);
	return 0;
}

static void vmon_mn_invalidate_end(struct mmu_notifier *mn,
				   const struct mmu_notifier_range *r)
{
	struct vmon_target *t = container_of(mn, struct vmon_target, mn);
	struct vmon_watch *w;
	bool kick = false;

	spin_lock(&t->lock);
	t->inval_active--;
	list_for_each_entry(w, &t->watches, target_node)
		if (vmon_overlaps(w, r))
			kick = true;
	spin_unlock(&t->lock);
	if (kick)
		vmon_target_kick(t);
}

static void vmon_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vmon_target *t = container_of(mn, struct vmon_target, mn);
	struct vmon_watch *w;
	bool kick;

	spin_lock(&t->lock);
	t->released = true;
	list_for_each_entry(w, &t->watches, target_node)
		WRITE_ONCE(w->stale, true);
	/* No watch left: nothing to end, and the module may be unloading. */
	kick = !list_empty(&t->watches);
	spin_unlock(&t->lock);
	if (kick)
		vmon_target_kick(t);
}

static struct mmu_notifier *vmon_mn_alloc(struct mm_struct *mm)
{
	struct vmon_target *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return ERR_PTR(-ENOMEM);
	kref_init(&t->ref);
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->watches);
	INIT_WORK(&t->work, vmon_target_work);
	return &t->mn;
}

static void vmon_target_free(struct kref *ref)
{
	kfree(container_of(ref, struct vmon_target, ref));
}

void vmon_target_put(struct vmon_target *t)
{
	kref_put(&t->ref, vmon_target_free);
}

/* The subscription is gone (SRCU callback): drop its reference. */
static void vmon_mn_free(struct mmu_notifier *mn)
{
	vmon_target_put(container_of(mn, struct vmon_target, mn));
}

/* Each watch holds one subscription reference: mmu_notifier_put() frees. */
struct vmon_target *vmon_target_get(struct mm_struct *mm)
{
	struct mmu_notifier *mn = mmu_notifier_get(&vmon_mn_ops, mm);

	if (IS_ERR(mn))
		return ERR_CAST(mn);
	return container_of(mn, struct vmon_target, mn);
}

/*
 * Pin the page holding addr; the caller holds mmap_lock for reading.  The
 * first pin breaks COW (FOLL_WRITE) so the pinned page is the one the
 * process writes; a re-check must not fault in a fresh page where the old
 * one was discarded, so it only looks (FOLL_NOFAULT).
 */
int vmon_pin(struct mm_struct *mm, u64 addr, bool initial, struct page **page,
	     struct netlink_ext_ack *extack, pid_t pid_nr)
{
	unsigned int flags = FOLL_LONGTERM;
	struct vm_area_struct *vma;
	long n;

	vma = vma_lookup(mm, addr);
	if (!vma) {
		vmon_errf(extack, "address %#llx is not mapped in pid %d",
			  addr, pid_nr);
		return -EFAULT;
	}
	if (initial) {
		if (!(vma->vm_flags & VM_WRITE)) {
			vmon_errf(extack, "address %#llx in pid %d is in a read-only mapping",
				  addr, pid_nr);
			return -EACCES;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			vmon_errf(extack, "address %#llx in pid %d is device memory",
				  addr, pid_nr);
			return -EINVAL;
		}
		flags |= FOLL_WRITE;
	} else {
		flags |= VMON_FOLL_NOFAULT;
	}

	n = vmon_pin_user_page(mm, addr & PAGE_MASK, flags, page);
	/*
	 * The shared zero page is what a read finds where anonymous memory
	 * was discarded (faulted in where FOLL_NOFAULT is missing): gone.
	 */
	if (n == 1 && !initial && is_zero_pfn(page_to_pfn(*page))) {
		unpin_user_page(*page);
		n = -EFAULT;
	}
	if (n == 1)
		return 0;
	vmon_errf(extack, "cannot pin address %#llx in pid %d (error %ld)",
		  addr, pid_nr, n < 0 ? n : -EFAULT);
	return n < 0 ? n : -EFAULT;
}

unsigned long vmon_target_seq(struct vmon_target *t)
{
	unsigned long seq;

	spin_lock(&t->lock);
	seq = t->inval_seq;
	spin_unlock(&t->lock);
	return seq;
}

/*
 * Clear w's stale mark only if no invalidation started since seq was read
 * (before the pin) and none is in flight; otherwise check again later.
 */
static bool vmon_target_settle(struct vmon_target *t, struct vmon_watch *w,
			       unsigned long seq)
{
	bool settled;

	spin_lock(&t->lock);
	settled = t->inval_seq == seq && !t->inval_active && !t->released;
	smp_store_release(&w->stale, !settled);
	spin_unlock(&t->lock);
	return settled;
}

/* Make w part of t; under vmon_lock.  seq was read before w was pinned. */
void vmon_target_link(struct vmon_target *t, struct vmon_watch *w,
		      unsigned long seq)
{
	w->target = t;
	spin_lock(&t->lock);
	list_add_tail(&w->target_node, &t->watches);
	spin_unlock(&t->lock);
	if (!vmon_target_settle(t, w, seq))
		vmon_target_kick(t);
}

void vmon_target_unlink(struct vmon_watch *w)
{
	struct vmon_target *t = w->target;

	if (!t)
		return;		/* a metric */
	spin_lock(&t->lock);
	list_del(&w->target_node);
	spin_unlock(&t->lock);
}

/* A replaced page: a tick may still read it until a grace period ends. */
struct vmon_old_page {
	struct rcu_head rcu;
	struct page *page;
};

static void vmon_old_page_free(struct rcu_head *rcu)
{
	struct vmon_old_page *old = container_of(rcu, struct vmon_old_page, rcu);

	unpin_user_page(old->page);
	kfree(old);
}

/* The page changed under w: publish the new one, unpin the old one later. */
static void vmon_watch_repin(struct vmon_watch *w, struct page *page,
			     struct vmon_old_page *old)
{
	old->page = w->page;
	w->page = page;
	WRITE_ONCE(w->kaddr, page_address(page) + offset_in_page(w->addr));
	call_rcu(&old->rcu, vmon_old_page_free);
}

/*
 * Returns <0 (as -reason - 1) when w must end, 0 when it continues.  The
 * caller holds mm's mmap_lock for reading.
 */
static int vmon_watch_recheck(struct vmon_target *t, struct vmon_watch *w,
			      struct mm_struct *mm)
{
	unsigned long seq = vmon_target_seq(t);
	struct vmon_old_page *old;
	struct page *page;
	int ret;

	old = kmalloc(sizeof(*old), GFP_KERNEL);
	if (!old)
		return -VMON_GONE_REPIN_FAILED - 1;
	if (!vma_lookup(mm, w->addr)) {
		kfree(old);
		return -VMON_GONE_UNMAPPED - 1;
	}
	ret = vmon_pin(mm, w->addr, false, &page, NULL, w->pid_nr);
	if (ret) {
		kfree(old);
		return ret == -EFAULT ? -VMON_GONE_DISCARDED - 1 :
					-VMON_GONE_REPIN_FAILED - 1;
	}

	if (page == w->page) {
		unpin_user_page(page);
		kfree(old);
	} else {
		vmon_watch_repin(w, page, old);
	}
	if (!vmon_target_settle(t, w, seq))
		vmon_target_kick(t);
	return 0;
}

/* exit or exec?  After exec the task lives on with another mm. */
static enum vmon_gone_reason vmon_release_reason(struct vmon_watch *w,
						 struct mm_struct *old)
{
	struct task_struct *task = get_pid_task(w->pid, PIDTYPE_PID);
	enum vmon_gone_reason why = VMON_GONE_EXIT;
	struct mm_struct *mm;

	if (!task)
		return why;
	mm = get_task_mm(task);
	if (mm) {
		if (mm != old)
			why = VMON_GONE_EXEC;
		mmput(mm);
	}
	put_task_struct(task);
	return why;
}

static void vmon_target_work(struct work_struct *work)
{
	struct vmon_target *t = container_of(work, struct vmon_target, work);
	struct mm_struct *mm = t->mn.mm;
	struct vmon_watch *w;
	bool retry = false;
	LIST_HEAD(gone);
	int ret;

	mutex_lock(&vmon_lock);
	/* A watch on the list holds the subscription, and so the mm. */
	if (list_empty(&t->watches))
		goto out;

	if (READ_ONCE(t->released)) {
		list_for_each_entry(w, &t->watches, target_node) {
			w->gone_reason = vmon_release_reason(w, mm);
			list_add_tail(&w->batch_node, &gone);
		}
	} else if (mmget_not_zero(mm)) {
		/*
		 * Never wait for mmap_lock under vmon_lock: the process can
		 * stall a reader (a fault on a FUSE page whose daemon never
		 * answers) with a writer queued behind it.  Its watches stay
		 * stale (unchecked) until the lock is free.
		 */
		retry = !mmap_read_trylock(mm);
		list_for_each_entry(w, &t->watches, target_node) {
			if (retry || !READ_ONCE(w->stale))
				continue;
			ret = vmon_watch_recheck(t, w, mm);
			if (ret < 0) {
				w->gone_reason = -ret - 1;
				list_add_tail(&w->batch_node, &gone);
			}
		}
		if (!retry)
			mmap_read_unlock(mm);
		mmput(mm);
	}
	/* else the mm is exiting: release() follows and kicks us again. */

	vmon_watches_remove(&gone, true);
out:
	mutex_unlock(&vmon_lock);
	if (retry) {
		msleep(VMON_RETRY_MS);
		vmon_target_kick(t);
	}
	vmon_target_put(t);
}

static const struct mmu_notifier_ops vmon_mn_ops = {
	.release = vmon_mn_release,
	.invalidate_range_start = vmon_mn_invalidate_start,
	.invalidate_range_end = vmon_mn_invalidate_end,
	.alloc_notifier = vmon_mn_alloc,
	.free_notifier = vmon_mn_free,
};
