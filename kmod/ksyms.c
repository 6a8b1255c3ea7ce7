// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions vmon needs that are not exported to modules, found at
 * load time through kallsyms_lookup_name (itself unexported since 5.7, so
 * its address comes from a kprobe registered on it).
 */
#include <linux/kprobes.h>
#include <linux/dcache.h>
#include <linux/ptrace.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include "vmon.h"

typedef unsigned long (*vmon_lookup_fn)(const char *name);
static bool (*vmon_ptrace_may_access)(struct task_struct *task,
				      unsigned int mode);
/* Exported only since 6.7; looked up everywhere, one way for all kernels. */
static char *(*vmon___d_path)(const struct path *path, const struct path *root,
			      char *buf, int buflen);
static void (*vmon_put_task_stack)(struct task_struct *tsk);
static unsigned int (*vmon_stack_trace_save_tsk)(struct task_struct *task,
						 unsigned long *store,
						 unsigned int size,
						 unsigned int skipnr);

static vmon_lookup_fn vmon_find_lookup(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	vmon_lookup_fn fn;

	if (register_kprobe(&kp) < 0)
		return NULL;
	fn = (vmon_lookup_fn)kp.addr;
	unregister_kprobe(&kp);
	return fn;
}

int vmon_ksyms_init(void)
{
	vmon_lookup_fn lookup = vmon_find_lookup();

	if (!lookup) {
		pr_err("cannot find kallsyms_lookup_name (CONFIG_KPROBES?)\n");
		return -ENOENT;
	}
	vmon_ptrace_may_access = (void *)lookup("ptrace_may_access");
	if (!vmon_ptrace_may_access) {
		pr_err("cannot find ptrace_may_access\n");
		return -ENOENT;
	}
	vmon___d_path = (void *)lookup("__d_path");
	vmon_put_task_stack = (void *)lookup("put_task_stack");
	if (!vmon_put_task_stack)
		pr_warn("cannot find put_task_stack: snapshots have no user stacks\n");
	vmon_stack_trace_save_tsk = (void *)lookup("stack_trace_save_tsk");
	if (!vmon_stack_trace_save_tsk)
		pr_warn("cannot find stack_trace_save_tsk: snapshots have no kernel stacks\n");
	vmon_metrics_init(lookup);
	return 0;
}

/*
 * Hold task's kernel stack, where its saved user registers live: an
 * exiting task frees it even while we hold the task itself.
 */
bool vmon_task_stack_get(struct task_struct *task)
{
	return vmon_put_task_stack && try_get_task_stack(task);
}

void vmon_task_stack_put(struct task_struct *task)
{
	vmon_put_task_stack(task);
}

/* The kernel return addresses of task, innermost first. */
unsigned int vmon_kstack_save(struct task_struct *task, unsigned long *store,
			      unsigned int size)
{
	if (!vmon_stack_trace_save_tsk)
		return 0;
	return vmon_stack_trace_save_tsk(task, store, size, 0);
}

/*
 * The file's path as seen from root (the watch creator's root directory,
 * so the tool that reads the snapshot can open it), else as seen from
 * ours.
 */
char *vmon_path(const struct path *path, const struct path *root, char *buf,
		int len)
{
	char *p = NULL;

	if (vmon___d_path && root->mnt)
		p = vmon___d_path(path, root, buf, len);
	return p ? p : d_path(path, buf, len);
}

/* May current attach to task with ptrace?  Honours Yama and other LSMs. */
bool vmon_may_ptrace(struct task_struct *task)
{
	return vmon_ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS);
}
