// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions vmon uses that not every supported kernel exports.
 *
 * Where a kernel exports one, vmon calls it.  Where it does not, and only
 * on a kernel built without IBT (CONFIG_X86_KERNEL_IBT), it is found at
 * load time through kallsyms_lookup_name (unexported since 5.7: its
 * address comes from a kprobe).  On an IBT kernel none of this code
 * exists: kprobes report the address after the ENDBR, and objtool seals
 * functions whose address is never taken, so an indirect call there is
 * a "Missing ENDBR" BUG on IBT hardware.  The feature degrades instead,
 * with a line in dmesg and a reason in the reply or the event.
 */
#include <linux/kprobes.h>
#include <linux/stacktrace.h>
#include "vmon.h"

#ifndef CONFIG_X86_KERNEL_IBT
typedef unsigned long (*vmon_lookup_fn)(const char *name);
static vmon_lookup_fn vmon_lookup;	/* only while the module initializes */

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

unsigned long vmon_ksym(const char *name)
{
	return vmon_lookup ? vmon_lookup(name) : 0;
}
#else
unsigned long vmon_ksym(const char *name)
{
	return 0;
}
#endif

#if !defined(VMON_HAVE_EXPORT_STACK_TRACE_SAVE_TSK) && !defined(CONFIG_X86_KERNEL_IBT)
static unsigned int (*vmon_stack_trace_save_tsk)(struct task_struct *task,
						 unsigned long *store,
						 unsigned int size,
						 unsigned int skipnr);
#endif

/* The symbols are looked up here, during init, and nowhere else. */
void vmon_ksyms_init(void)
{
#ifndef CONFIG_X86_KERNEL_IBT
	vmon_lookup = vmon_find_lookup();
	if (!vmon_lookup)
		pr_warn("cannot find kallsyms_lookup_name (CONFIG_KPROBES?): features that need unexported kernel functions are off\n");
#ifndef VMON_HAVE_EXPORT_STACK_TRACE_SAVE_TSK
	vmon_stack_trace_save_tsk = (void *)vmon_ksym("stack_trace_save_tsk");
	if (!vmon_stack_trace_save_tsk)
		pr_warn("cannot find stack_trace_save_tsk: snapshots have no kernel stacks\n");
#endif
#endif
	vmon_metrics_init();
#ifndef CONFIG_X86_KERNEL_IBT
	vmon_lookup = NULL;
#endif
}

/* The kernel return addresses of task, innermost first; 0 if unavailable. */
unsigned int vmon_kstack_save(struct task_struct *task, unsigned long *store,
			      unsigned int size)
{
#if defined(VMON_HAVE_EXPORT_STACK_TRACE_SAVE_TSK)
	return stack_trace_save_tsk(task, store, size, 0);
#elif !defined(CONFIG_X86_KERNEL_IBT)
	return vmon_stack_trace_save_tsk ?
	       vmon_stack_trace_save_tsk(task, store, size, 0) : 0;
#else
	return 0;
#endif
}
