// SPDX-License-Identifier: GPL-2.0
/*
 * A trigger's snapshot, taken in the trigger work (process context): which
 * tasks, and per task its identity, kernel stack, user registers and the
 * top of its user stack, sent as TASK (and STACK) parts after the EVENT.
 * One task is captured and sent at a time, so memory stays bounded by one
 * stack buffer and the tasks' references, whatever the scope.
 */
#include <linux/cgroup.h>
#include <linux/kernfs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
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
 * The tasks to capture: every thread of the watched process, then (system
 * scope) every busy task elsewhere, up to max; the rest are counted.  The
 * worker taking the snapshot is running, but only because of it: left out.
 */
static unsigned int vmon_snap_select(struct vmon_watch *w, struct task_struct **v,
				     unsigned int max, u32 *omitted,
				     unsigned int *nwatched)
{
	struct task_struct *p, *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	p = pid_task(w->pid, PIDTYPE_PID);
	if (p) {
		vmon_for_each_thread(p, t) {
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

static void vmon_task_cgroup(struct task_struct *t, char *buf, size_t len)
{
	struct cgroup *cgrp;

	buf[0] = '\0';
	/* The cgroup (and its kernfs node) stays valid under RCU. */
	rcu_read_lock();
	cgrp = task_dfl_cgroup(t);
	if (cgrp && cgrp->kn)
		kernfs_path(cgrp->kn, buf, len);
	rcu_read_unlock();
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

static int vmon_put_task_ident(struct sk_buff *skb, struct task_struct *t,
			       u32 flags, char *scratch, size_t len)
{
	unsigned long kstack[VMON_KSTACK_MAX];
	char comm[TASK_COMM_LEN];
	unsigned int n;
	u8 state = task_index_to_char(task_state_index(t));

	get_task_comm(comm, t);
	vmon_task_cgroup(t, scratch, len);
	if (nla_put_u32(skb, VMON_A_PID, task_tgid_nr(t)) ||
	    nla_put_u32(skb, VMON_A_TID, task_pid_nr(t)) ||
	    nla_put_string(skb, VMON_A_COMM, comm) ||
	    nla_put_u8(skb, VMON_A_TASK_STATE, state) ||
	    nla_put_u32(skb, VMON_A_TASK_CPU, task_cpu(t)) ||
	    nla_put_u32(skb, VMON_A_TASK_FLAGS, flags) ||
	    nla_put_string(skb, VMON_A_CGROUP, scratch))
		return -EMSGSIZE;

	n = vmon_kstack_save(t, kstack, ARRAY_SIZE(kstack));
	BUILD_BUG_ON(sizeof(kstack[0]) != sizeof(u64));
	if (n && nla_put(skb, VMON_A_KSTACK, n * sizeof(kstack[0]), kstack))
		return -EMSGSIZE;
	return 0;
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
		if (nla_put_u32(skb, VMON_A_TID, task_pid_nr(t)) ||
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
	bool user = !(t->flags & PF_KTHREAD) && READ_ONCE(t->mm);
	u32 flags = watched ? VMON_TASK_F_WATCHED : 0;
	u64 regs[VMON_NR_REGS];
	struct sk_buff *skb;
	int len = 0;
	void *hdr;

	if (!user)
		flags |= VMON_TASK_F_KTHREAD;
	else if (t != current && vmon_task_on_cpu(t))
		flags |= VMON_TASK_F_ONCPU;	/* pt_regs are from its last entry */

	if (user && !vmon_task_stack_get(t))
		user = false;	/* it exited meanwhile: no registers to read */
	if (user) {
		vmon_task_regs(t, regs);
		vmon_task_stack_put(t);
		len = access_process_vm(t, regs[VMON_REG_SP], c->buf,
					c->buf_len, FOLL_FORCE);
		if (len < 0)
			len = 0;
	}
	skb = vmon_part_start(c->w, VMON_CMD_TASK, c->seq,
			      VMON_TASK_MSG_FIXED + min(len, VMON_STACK_CHUNK),
			      &hdr);
	if (!skb)
		goto drop;
	/* The cgroup path goes through the stack buffer's tail as scratch. */
	if (vmon_put_task_ident(skb, t, flags, c->buf + c->buf_len,
				VMON_SNAP_SCRATCH))
		goto drop_skb;
	if (user &&
	    (nla_put(skb, VMON_A_TASK_REGS, sizeof(regs), regs) ||
	     nla_put_u64_64bit(skb, VMON_A_STACK_ADDR, regs[VMON_REG_SP], VMON_A_PAD) ||
	     nla_put(skb, VMON_A_STACK_DATA, min(len, VMON_STACK_CHUNK), c->buf)))
		goto drop_skb;
	if (!vmon_part_send(c->w, skb, hdr)) {
		c->dropped++;
		return;
	}
	c->tasks++;
	if (len > VMON_STACK_CHUNK)
		vmon_snap_stack_rest(c, t, regs[VMON_REG_SP], len);
	return;
drop_skb:
	nlmsg_free(skb);
drop:
	c->dropped++;
}

/* Each distinct process among the captured tasks, once. */
static void vmon_snap_processes(struct vmon_snap_ctx *c, struct task_struct **v,
				unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if ((v[i]->flags & PF_KTHREAD))
			continue;
		for (j = 0; j < i; j++)
			if (same_thread_group(v[j], v[i]))
				break;
		if (j == i)
			vmon_snap_process(c, v[i]);
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
	n = vmon_snap_select(w, v, max, &c.omitted, &nwatched);
	for (i = 0; i < n; i++) {
		vmon_snap_task(&c, v[i], i < nwatched);
		cond_resched();
	}
	vmon_snap_processes(&c, v, n);
	for (i = 0; i < n; i++)
		put_task_struct(v[i]);
	atomic64_inc(&w->group->snapshots);
out:
	vmon_snap_end(&c);
	kvfree(v);
	kvfree(c.buf);
}
