// SPDX-License-Identifier: GPL-2.0
/*
 * A trigger's snapshot, taken in the trigger work (process context): which
 * tasks, and per task its identity, kernel stack, user registers and the
 * top of its user stack, sent as TASK (and STACK) parts after the EVENT.
 * One task is captured and sent at a time, so memory stays bounded by one
 * stack buffer and the tasks' references, whatever the scope.
 */
#include <linux/cgroup.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include "vmon.h"

/* Room for a TASK message's fixed part: ids, comm, cgroup, regs, kernel stack. */
#define VMON_TASK_MSG_FIXED	(2048 + VMON_KSTACK_MAX * 8)

/* A task counts toward the load: running, or uninterruptible but not idle. */
static bool vmon_task_busy(struct task_struct *t)
{
	unsigned int state = vmon_task_state(t);

	if (state == TASK_RUNNING)
		return true;
	return (state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD);
}

/*
 * for_each_thread() names tasklist_lock in its lockdep condition, which a
 * module cannot link against on a kernel with CONFIG_PROVE_RCU_LIST (our
 * debug kernel); under rcu_read_lock() this plain RCU walk is the same one.
 */
#define vmon_for_each_thread(p, t) \
	list_for_each_entry_rcu(t, &(p)->signal->thread_head, thread_node)

/*
 * The tasks to capture: the threads of the watched process that still use
 * the watched address space (not a process that exec'd since, and never
 * an image the creator could not read), then (system scope) every busy
 * task elsewhere, up to max; the rest are counted.  The worker taking the
 * snapshot is running, but only because of it: left out.  Reading t->mm
 * here is only a filter; the capture checks it again under task_lock.
 */
static unsigned int vmon_snap_select(struct vmon_watch *w, struct mm_struct *mm,
				     struct task_struct **v, unsigned int max,
				     u32 *omitted, unsigned int *nwatched)
{
	struct task_struct *p, *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	p = mm ? pid_task(w->pid, PIDTYPE_PID) : NULL;
	if (p) {
		vmon_for_each_thread(p, t) {
			if (READ_ONCE(t->mm) != mm)
				continue;
			if (n < max)
				v[n++] = get_task_struct(t);
			else
				(*omitted)++;
		}
	}
	*nwatched = n;
	if (w->scope == VMON_SCOPE_SYSTEM) {
		for_each_process(g) vmon_for_each_thread(g, t) {
			if ((p && same_thread_group(t, p)) || t == current ||
			    !vmon_task_busy(t))
				continue;
			if (n < max)
				v[n++] = get_task_struct(t);
			else
				(*omitted)++;
		}
	}
	rcu_read_unlock();
	return n;
}

static void vmon_task_regs(struct task_struct *t, u64 *r)
{
	const struct pt_regs *regs = task_pt_regs(t);

	r[VMON_REG_AX] = regs->ax;
	r[VMON_REG_DX] = regs->dx;
	r[VMON_REG_CX] = regs->cx;
	r[VMON_REG_BX] = regs->bx;
	r[VMON_REG_SI] = regs->si;
	r[VMON_REG_DI] = regs->di;
	r[VMON_REG_BP] = regs->bp;
	r[VMON_REG_SP] = regs->sp;
	r[VMON_REG_R8] = regs->r8;
	r[VMON_REG_R9] = regs->r9;
	r[VMON_REG_R10] = regs->r10;
	r[VMON_REG_R11] = regs->r11;
	r[VMON_REG_R12] = regs->r12;
	r[VMON_REG_R13] = regs->r13;
	r[VMON_REG_R14] = regs->r14;
	r[VMON_REG_R15] = regs->r15;
	r[VMON_REG_IP] = regs->ip;
}

static int vmon_put_task_ident(struct sk_buff *skb, const struct vmon_watch *w,
			       struct task_struct *t, u32 flags, char *scratch,
			       size_t len)
{
	unsigned long ks[VMON_KSTACK_MAX];
	char comm[TASK_COMM_LEN];
	unsigned int n = 0;
	u8 state = task_index_to_char(task_state_index(t));

	/* Kernel addresses only for whom /proc/PID/stack would show them. */
	if (w->privileged)
		n = vmon_kstack_save(t, ks, ARRAY_SIZE(ks));
	else
		flags |= VMON_TASK_F_KSTACK_WITHHELD;
	get_task_comm(comm, t);
	vmon_ns_cgroup(w, t, scratch, len);
	if (nla_put_u32(skb, VMON_A_PID, vmon_ns_tgid(w, t)) ||
	    nla_put_u32(skb, VMON_A_TID, vmon_ns_tid(w, t)) ||
	    nla_put_string(skb, VMON_A_COMM, comm) ||
	    nla_put_u8(skb, VMON_A_TASK_STATE, state) ||
	    nla_put_u32(skb, VMON_A_TASK_CPU, task_cpu(t)) ||
	    nla_put_u32(skb, VMON_A_TASK_FLAGS, flags) ||
	    nla_put_string(skb, VMON_A_CGROUP, scratch))
		return -EMSGSIZE;
	BUILD_BUG_ON(sizeof(ks[0]) != sizeof(u64));
	if (n && nla_put(skb, VMON_A_KSTACK, n * sizeof(ks[0]), ks))
		return -EMSGSIZE;
	return 0;
}

/*
 * t's user registers and its address space (a reference), if it still has
 * one and it is want (when given).  Under task_lock, a task whose mm is set
 * has not passed exit_mm(), so its kernel stack (and the pt_regs at its
 * top) is still there: no stack reference, which modules cannot drop.
 */
static struct mm_struct *vmon_task_user(struct task_struct *t,
					struct mm_struct *want, u64 *regs)
{
	struct mm_struct *mm;

	task_lock(t);
	mm = t->mm;
	if (mm && !(t->flags & PF_KTHREAD) && (!want || mm == want)) {
		mmget(mm);
		vmon_task_regs(t, regs);
	} else {
		mm = NULL;
	}
	task_unlock(t);
	return mm;
}

/*
 * Up to len bytes at addr in mm, without faulting: a page that is not
 * resident (or a userfaultfd range that would never answer) ends the copy
 * rather than stalling the snapshot.  Runs in the snapshot worker, a kthread.
 */
int vmon_read_user(struct mm_struct *mm, u64 addr, void *buf, int len)
{
	int done = 0, n;

	kthread_use_mm(mm);
	while (done < len) {
		n = min_t(int, len - done, PAGE_SIZE - offset_in_page(addr + done));
		if (copy_from_user_nofault(buf + done,
					   (const void __user *)(uintptr_t)(addr + done), n))
			break;
		done += n;
	}
	kthread_unuse_mm(mm);
	return done;
}

/* Sends the stack bytes past the first chunk as STACK parts. */
static void vmon_snap_stack_rest(struct vmon_snap_ctx *c, struct task_struct *t,
				 u64 sp, int len)
{
	int off, n;
	struct sk_buff *skb;
	void *hdr;

	for (off = VMON_STACK_CHUNK; off < len; off += n) {
		n = min(len - off, VMON_STACK_CHUNK);
		skb = vmon_part_start(c->w, VMON_CMD_STACK, c->seq,
				      n + 256, &hdr);
		if (!skb) {
			c->dropped++;
			return;
		}
		if (nla_put_u32(skb, VMON_A_TID, vmon_ns_tid(c->w, t)) ||
		    nla_put_u64_64bit(skb, VMON_A_STACK_ADDR, sp + off, VMON_A_PAD) ||
		    nla_put(skb, VMON_A_STACK_DATA, n, c->buf + off)) {
			nlmsg_free(skb);
			c->dropped++;
			return;
		}
		if (!vmon_part_send(c->w, skb, hdr))
			c->dropped++;
	}
}

static void vmon_snap_task(struct vmon_snap_ctx *c, struct task_struct *t,
			   bool watched)
{
	u32 flags = watched ? VMON_TASK_F_WATCHED : 0;
	u64 regs[VMON_NR_REGS];
	struct mm_struct *mm;
	struct sk_buff *skb;
	int len = 0;
	void *hdr;

	mm = vmon_task_user(t, watched ? c->mm : NULL, regs);
	if (watched && (!mm || !vmon_access_recheck(c->w->mem_file, t, mm)))
		goto skip;	/* exec'd or exiting, or no longer the creator's to read */
	if (!mm)
		flags |= VMON_TASK_F_KTHREAD;
	else if (t != current && vmon_task_on_cpu(t))
		flags |= VMON_TASK_F_ONCPU;	/* pt_regs are from its last entry */
	if (mm)
		len = vmon_read_user(mm, regs[VMON_REG_SP], c->buf, c->buf_len);

	skb = vmon_part_start(c->w, VMON_CMD_TASK, c->seq,
			      VMON_TASK_MSG_FIXED + min(len, VMON_STACK_CHUNK),
			      &hdr);
	if (!skb)
		goto drop;
	/* The cgroup path goes through the stack buffer's tail as scratch. */
	if (vmon_put_task_ident(skb, c->w, t, flags, c->buf + c->buf_len,
				VMON_SNAP_SCRATCH))
		goto drop_skb;
	if (mm &&
	    (nla_put(skb, VMON_A_TASK_REGS, sizeof(regs), regs) ||
	     nla_put_u64_64bit(skb, VMON_A_STACK_ADDR, regs[VMON_REG_SP], VMON_A_PAD) ||
	     nla_put(skb, VMON_A_STACK_DATA, min(len, VMON_STACK_CHUNK), c->buf)))
		goto drop_skb;
	if (!vmon_part_send(c->w, skb, hdr)) {
		c->dropped++;
		goto out;
	}
	c->tasks++;
	if (len > VMON_STACK_CHUNK)
		vmon_snap_stack_rest(c, t, regs[VMON_REG_SP], len);
	goto out;
drop_skb:
	nlmsg_free(skb);
drop:
	c->dropped++;
	goto out;
skip:
	c->omitted++;
out:
	if (mm)
		mmput(mm);
}

/*
 * Each distinct process among the captured tasks, once; the watched one's
 * mappings are those of the watched address space.
 */
static void vmon_snap_processes(struct vmon_snap_ctx *c, struct task_struct **v,
				unsigned int n, unsigned int nwatched)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if ((v[i]->flags & PF_KTHREAD))
			continue;
		for (j = 0; j < i; j++)
			if (same_thread_group(v[j], v[i]))
				break;
		if (j == i)
			vmon_snap_process(c, v[i], i < nwatched ? c->mm : NULL);
	}
}

static void vmon_snap_end(struct vmon_snap_ctx *c)
{
	struct sk_buff *skb;
	void *hdr;

	skb = vmon_part_start(c->w, VMON_CMD_SNAP_END, c->seq, NLMSG_GOODSIZE,
			      &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, VMON_A_TASKS, c->tasks) ||
	    nla_put_u32(skb, VMON_A_TASKS_OMITTED, c->omitted) ||
	    nla_put_u32(skb, VMON_A_PARTS_DROPPED, c->dropped)) {
		nlmsg_free(skb);
		return;
	}
	vmon_part_send(c->w, skb, hdr);
}

/* Capture and send the snapshot of the trigger whose EVENT went out as seq. */
void vmon_snapshot(struct vmon_watch *w, u64 seq)
{
	struct vmon_snap_ctx c = { .w = w, .seq = seq };
	unsigned int max = READ_ONCE(vmon_cfg.max_tasks);
	struct task_struct **v;
	unsigned int i, n, nwatched;

	c.buf_len = READ_ONCE(vmon_cfg.stack_bytes);
	c.buf = kvmalloc(c.buf_len + VMON_SNAP_SCRATCH, GFP_KERNEL);
	v = kvmalloc_array(max, sizeof(*v), GFP_KERNEL);
	if (!c.buf || !v) {
		c.dropped++;
		goto out;
	}
	/* The watched address space, unless it is already on its way out. */
	c.mm = w->target && mmget_not_zero(w->target->mn.mm) ? w->target->mn.mm : NULL;
	n = vmon_snap_select(w, c.mm, v, max, &c.omitted, &nwatched);
	for (i = 0; i < n; i++) {
		vmon_snap_task(&c, v[i], i < nwatched);
		cond_resched();
	}
	vmon_snap_processes(&c, v, n, nwatched);
	for (i = 0; i < n; i++)
		put_task_struct(v[i]);
	if (c.mm)
		mmput(c.mm);
	atomic64_inc(&w->group->snapshots);
out:
	vmon_snap_end(&c);
	kvfree(v);
	kvfree(c.buf);
}
