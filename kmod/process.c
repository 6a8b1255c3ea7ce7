// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot's per-process part: the ancestry up to pid 1 with command
 * lines, and the executable file mappings, so user space can unwind and
 * symbolize the process's stacks even after it has exited.  A PROCESS
 * message that fills up is sent and the next one carries on.
 */
#include <linux/dcache.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include "vmon.h"

#define VMON_CHAIN_MAX		32	/* ancestors per process */
#define VMON_PROC_MSG_SIZE	(32 * 1024)

struct vmon_proc_msg {
	struct vmon_snap_ctx *c;
	pid_t pid;
	struct sk_buff *skb;
	void *hdr;
	void *nest;
};

static int vmon_proc_begin(struct vmon_proc_msg *m)
{
	m->skb = vmon_part_start(m->c->w, VMON_CMD_PROCESS, m->c->seq,
				 VMON_PROC_MSG_SIZE, &m->hdr);
	if (!m->skb)
		return -ENOMEM;
	if (nla_put_u32(m->skb, VMON_A_PID, m->pid)) {
		nlmsg_free(m->skb);
		m->skb = NULL;
		return -EMSGSIZE;
	}
	return 0;
}

static void vmon_proc_flush(struct vmon_proc_msg *m)
{
	if (m->skb && !vmon_part_send(m->c->w, m->skb, m->hdr))
		m->c->dropped++;
	m->skb = NULL;
}

/*
 * Open a nested attribute, in a new message when this one is full.
 * Returns false (and counts a dropped part) when there is no room at all.
 */
static bool vmon_proc_nest(struct vmon_proc_msg *m, int type)
{
	if (!m->skb && vmon_proc_begin(m))
		goto drop;
	m->nest = nla_nest_start(m->skb, type);
	if (m->nest)
		return true;
	vmon_proc_flush(m);
	if (vmon_proc_begin(m))
		goto drop;
	m->nest = nla_nest_start(m->skb, type);
	if (m->nest)
		return true;
drop:
	m->c->dropped++;
	return false;
}

/* Close the nest; when it did not fit, move it to a fresh message once. */
static void vmon_proc_nest_end(struct vmon_proc_msg *m, int err, bool retried)
{
	if (!err) {
		nla_nest_end(m->skb, m->nest);
		return;
	}
	nla_nest_cancel(m->skb, m->nest);
	if (!retried)
		vmon_proc_flush(m);
	else
		m->c->dropped++;
}

/*
 * Up to len bytes of t's command line, NUL-separated.  Read without
 * faulting, like the stack bytes: a process can put its arguments' pages
 * behind a FUSE daemon that never answers.
 */
static int vmon_cmdline(struct task_struct *t, char *buf, int len)
{
	unsigned long start, end;
	struct mm_struct *mm;
	int n = 0;

	mm = get_task_mm(t);
	if (!mm)
		return 0;
	start = READ_ONCE(mm->arg_start);
	end = READ_ONCE(mm->arg_end);
	if (end > start)
		n = vmon_read_user(mm, start, buf,
				   min_t(unsigned long, end - start, len));
	mmput(mm);
	return n;
}

static int vmon_put_ancestor(struct sk_buff *skb, const struct vmon_watch *w,
			     struct task_struct *t, char *buf, int cmdlen)
{
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, t);
	if (nla_put_u32(skb, VMON_A_PID, vmon_ns_tgid(w, t)) ||
	    nla_put_string(skb, VMON_A_COMM, comm) ||
	    nla_put(skb, VMON_A_CMDLINE, cmdlen, buf))
		return -EMSGSIZE;
	return 0;
}

/*
 * The process and its parents up to the creator's pid 1 (the init of its pid
 * namespace), each with a reference; nothing the creator cannot number.
 */
static unsigned int vmon_chain(const struct vmon_watch *w,
			       struct task_struct *leader, struct task_struct **v)
{
	struct task_struct *t = leader;
	unsigned int n = 0;
	pid_t nr;

	rcu_read_lock();
	while (n < VMON_CHAIN_MAX && pid_alive(t)) {
		nr = vmon_ns_tgid(w, t);
		if (!nr)
			break;
		v[n++] = get_task_struct(t->group_leader);
		if (nr == 1)
			break;
		t = rcu_dereference(t->real_parent);
	}
	rcu_read_unlock();
	return n;
}

static void vmon_proc_chain(struct vmon_proc_msg *m, struct task_struct *leader)
{
	struct task_struct *v[VMON_CHAIN_MAX];
	char *buf = m->c->buf + m->c->buf_len;	/* the scratch */
	unsigned int i, n = vmon_chain(m->c->w, leader, v);
	int len, err;

	BUILD_BUG_ON(VMON_SNAP_SCRATCH < VMON_CMDLINE_MAX);
	for (i = 0; i < n; i++) {
		len = vmon_cmdline(v[i], buf, VMON_CMDLINE_MAX);
		if (vmon_proc_nest(m, VMON_A_ANCESTOR)) {
			err = vmon_put_ancestor(m->skb, m->c->w, v[i], buf, len);
			vmon_proc_nest_end(m, err, false);
			if (err && vmon_proc_nest(m, VMON_A_ANCESTOR))
				vmon_proc_nest_end(m, vmon_put_ancestor(m->skb, m->c->w, v[i], buf, len),
						   true);
		}
		put_task_struct(v[i]);
	}
}

static int vmon_put_map(struct sk_buff *skb, const struct vm_area_struct *vma,
			const char *path)
{
	if (nla_put_u64_64bit(skb, VMON_A_MAP_START, vma->vm_start, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_MAP_END, vma->vm_end, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_MAP_PGOFF,
			      (u64)vma->vm_pgoff << PAGE_SHIFT, VMON_A_PAD) ||
	    nla_put_string(skb, VMON_A_MAP_PATH, path))
		return -EMSGSIZE;
	return 0;
}

/*
 * The file's path as the watch's creator sees it: resolved from the global
 * root (the worker's), then made relative to the creator's root.  A file
 * outside that root is left out ("" comes back): the creator could not
 * open it anyway.  (__d_path() would do this in one step; it is not
 * exported.)
 */
static const char *vmon_map_path(struct vmon_proc_msg *m, const struct path *path)
{
	char *buf = m->c->buf + m->c->buf_len;	/* the scratch: path, then root */
	char *rbuf = buf + VMON_PATH_SCRATCH;
	const char *p, *root;
	size_t rlen;

	p = d_path(path, buf, VMON_PATH_SCRATCH);
	if (IS_ERR(p))
		return NULL;
	root = d_path(&m->c->w->root, rbuf, VMON_PATH_SCRATCH);
	if (IS_ERR(root))
		return NULL;
	rlen = strlen(root);
	if (rlen == 1)		/* "/" */
		return p;
	if (strncmp(p, root, rlen) || p[rlen] != '/')
		return NULL;
	return p + rlen;
}

/*
 * Executable file mappings only: they are what return addresses point
 * into, and the ELF files carry the rest (symbols, CFI, line tables).
 */
static void vmon_proc_maps(struct vmon_proc_msg *m, struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	const char *path;
	int err;
	VMON_VMA_ITERATOR(vmi, mm);

	mmap_read_lock(mm);
	vmon_for_each_vma(vmi, vma) {
		if (!(vma->vm_flags & VM_EXEC) || !vma->vm_file)
			continue;
		path = vmon_map_path(m, &vma->vm_file->f_path);
		if (!path)
			continue;
		if (!vmon_proc_nest(m, VMON_A_MAP))
			continue;
		err = vmon_put_map(m->skb, vma, path);
		vmon_proc_nest_end(m, err, false);
		if (err && vmon_proc_nest(m, VMON_A_MAP))
			vmon_proc_nest_end(m, vmon_put_map(m->skb, vma, path), true);
	}
	mmap_read_unlock(mm);
}

/* mm: the watched address space (the caller holds it), or NULL: task's. */
void vmon_snap_process(struct vmon_snap_ctx *c, struct task_struct *task,
		       struct mm_struct *mm)
{
	struct vmon_proc_msg m = { .c = c, .pid = vmon_ns_tgid(c->w, task) };
	struct mm_struct *own = NULL;

	if (vmon_proc_begin(&m)) {
		c->dropped++;
		return;
	}
	vmon_proc_chain(&m, task);
	if (!mm)
		mm = own = get_task_mm(task);
	if (mm)
		vmon_proc_maps(&m, mm);
	if (own)
		mmput(own);
	vmon_proc_flush(&m);
}
