// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions vmon needs that are not exported to modules, found at
 * load time through kallsyms_lookup_name (itself unexported since 5.7, so
 * its address comes from a kprobe registered on it).
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include "vmon.h"

typedef unsigned long (*vmon_lookup_fn)(const char *name);
static bool (*vmon_ptrace_may_access)(struct task_struct *task,
				      unsigned int mode);

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
	return 0;
}

/* May current attach to task with ptrace?  Honours Yama and other LSMs. */
bool vmon_may_ptrace(struct task_struct *task)
{
	return vmon_ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS);
}
