// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel metrics a watch can read instead of process memory: the load
 * averages, the number of runnable tasks and the number of tasks in
 * uninterruptible sleep.  Each read is a handful of loads, safe in the
 * timer callback: no lock, no allocation, no sleep.
 *
 * The load averages are exported.  nr_running() is not: it is found
 * through kallsyms (ksyms.c), so only on kernels built without IBT.  The
 * scheduler keeps the uninterruptible count only per run queue (struct rq
 * is private to kernel/sched), so its offset comes from the kernel's own
 * BTF, read through unexported helpers: again only without IBT, and with
 * BTF.  Elsewhere those two metrics are refused with the reason.
 */
#include <linux/btf.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/sched/loadavg.h>
#include <uapi/linux/btf.h>
#include "vmon.h"

static unsigned int (*vmon_nr_running_fn)(void);

/*
 * The run queues (the per-cpu struct rq), as the symbol's link address: a
 * CPU's copy is at that plus per_cpu_offset(cpu), as per_cpu_ptr() computes
 * it.  Kept as an integer, since a __percpu pointer is a distinct address
 * space the compiler will not convert to from a plain one.
 */
static unsigned long vmon_rq;
static u32 vmon_rq_unint_off;
static u8 vmon_rq_unint_size;		/* 4 or 8; 0: unavailable */

typedef struct btf *(*vmon_btf_vmlinux_fn)(void);
typedef s32 (*vmon_btf_find_fn)(const struct btf *btf, const char *name,
				u8 kind);
typedef const struct btf_type *(*vmon_btf_type_fn)(const struct btf *btf,
						    u32 id);
typedef const char *(*vmon_btf_name_fn)(const struct btf *btf, u32 off);

struct vmon_btf {
	const struct btf *btf;
	vmon_btf_type_fn type;
	vmon_btf_name_fn name;
};

/* The type under typedefs and qualifiers. */
static const struct btf_type *vmon_btf_strip(const struct vmon_btf *b,
					     const struct btf_type *t)
{
	int depth;

	for (depth = 0; t && depth < 8; depth++) {
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
			t = b->type(b->btf, t->type);
			break;
		default:
			return t;
		}
	}
	return NULL;
}

/* Byte offset and size of an integer member of a struct, or -ENOENT. */
static int vmon_btf_member(const struct vmon_btf *b, const struct btf_type *st,
			   const char *member, u32 *off, u8 *size)
{
	const struct btf_member *m = (const struct btf_member *)(st + 1);
	const struct btf_type *mt;
	u16 i, vlen = BTF_INFO_VLEN(st->info);
	u32 bits;

	for (i = 0; i < vlen; i++, m++) {
		if (strcmp(b->name(b->btf, m->name_off), member))
			continue;
		/* With kind_flag set, the offset's top byte is a bit-field size. */
		bits = BTF_INFO_KFLAG(st->info) ? BTF_MEMBER_BIT_OFFSET(m->offset) :
						  m->offset;
		mt = vmon_btf_strip(b, b->type(b->btf, m->type));
		if ((BTF_INFO_KFLAG(st->info) && BTF_MEMBER_BITFIELD_SIZE(m->offset)) ||
		    bits % 8 || !mt || BTF_INFO_KIND(mt->info) != BTF_KIND_INT ||
		    (mt->size != 4 && mt->size != 8))
			return -EINVAL;
		*off = bits / 8;
		*size = mt->size;
		return 0;
	}
	return -ENOENT;
}

static void vmon_metric_find_unint(void)
{
	vmon_btf_vmlinux_fn vmlinux = (void *)vmon_ksym("bpf_get_btf_vmlinux");
	vmon_btf_find_fn find = (void *)vmon_ksym("btf_find_by_name_kind");
	struct vmon_btf b = {
		.type = (void *)vmon_ksym("btf_type_by_id"),
		.name = (void *)vmon_ksym("btf_name_by_offset"),
	};
	unsigned long rq = vmon_ksym("runqueues");
	const struct btf_type *st;
	s32 id;

	if (!vmlinux || !find || !b.type || !b.name || !rq)
		goto out;
	b.btf = vmlinux();
	if (IS_ERR_OR_NULL(b.btf))
		goto out;
	id = find(b.btf, "rq", BTF_KIND_STRUCT);
	st = id > 0 ? b.type(b.btf, id) : NULL;
	if (st && !vmon_btf_member(&b, st, "nr_uninterruptible",
				   &vmon_rq_unint_off, &vmon_rq_unint_size) &&
	    vmon_rq_unint_off + vmon_rq_unint_size <= st->size) {
		vmon_rq = rq;
		return;
	}
	vmon_rq_unint_size = 0;
out:
	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		pr_warn("cannot locate the run queues' nr_uninterruptible (needs BTF and kallsyms): no uninterruptible-task watches\n");
}

void vmon_metrics_init(void)
{
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
		pr_info("kernel built with IBT: the running and uninterruptible metrics need unexported functions and are off\n");
		return;
	}
	vmon_nr_running_fn = (void *)vmon_ksym("nr_running");
	if (!vmon_nr_running_fn)
		pr_warn("cannot find nr_running: no running-task watches\n");
	vmon_metric_find_unint();
}

const char *vmon_metric_name(u8 metric)
{
	static const char *const names[] = {
		[VMON_METRIC_LOADAVG1] = "loadavg1",
		[VMON_METRIC_LOADAVG5] = "loadavg5",
		[VMON_METRIC_LOADAVG15] = "loadavg15",
		[VMON_METRIC_NR_RUNNING] = "running",
		[VMON_METRIC_NR_UNINTERRUPTIBLE] = "uninterruptible",
	};

	return metric < ARRAY_SIZE(names) && names[metric] ? names[metric] : "?";
}

/* Can this kernel give the metric?  Else why not, for the extack. */
const char *vmon_metric_unavailable(u8 metric)
{
	bool ibt = IS_ENABLED(CONFIG_X86_KERNEL_IBT);

	if (metric == VMON_METRIC_NR_RUNNING && !vmon_nr_running_fn)
		return ibt ? "nr_running() is not exported and this kernel has IBT: no running metric" :
			     "cannot count running tasks here: nr_running is not in kallsyms";
	if (metric == VMON_METRIC_NR_UNINTERRUPTIBLE && !vmon_rq_unint_size)
		return ibt ? "run queues are not exported and this kernel has IBT: no D-task metric" :
			     "cannot count D tasks here: vmon.ko needs kernel BTF and KALLSYMS_ALL";
	return NULL;
}

static bool vmon_metric_hundredths(u8 metric)
{
	return metric >= VMON_METRIC_LOADAVG1 && metric <= VMON_METRIC_LOADAVG15;
}

/* The kernel log line of a trigger (vmon_log_triggers), in the metric's unit. */
void vmon_metric_log(const struct vmon_watch *w, u64 value, const char *op)
{
	const char *name = vmon_metric_name(w->metric);
	u64 t = w->threshold;

	if (vmon_metric_hundredths(w->metric))
		pr_info_ratelimited("watch %u \"%s\" %s: %llu.%02llu %s %llu.%02llu\n",
				    w->id, w->name, name, value / 100, value % 100,
				    op, t / 100, t % 100);
	else
		pr_info_ratelimited("watch %u \"%s\" %s: %llu %s %llu\n",
				    w->id, w->name, name, value, op, t);
}

/* Hundredths, rounded as /proc/loadavg rounds its two decimals. */
static u64 vmon_loadavg(unsigned int i)
{
	unsigned long v = READ_ONCE(avenrun[i]) + FIXED_1 / 200;

	return (u64)LOAD_INT(v) * 100 + LOAD_FRAC(v);
}

/* A per-cpu count may be negative (a task blocks on one CPU, wakes on another). */
static u64 vmon_nr_uninterruptible(void)
{
	s64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const void *p = (const void *)(vmon_rq + per_cpu_offset(cpu) +
					       vmon_rq_unint_off);

		if (vmon_rq_unint_size == 4)
			sum += (s32)READ_ONCE(*(const u32 *)p);
		else
			sum += (s64)READ_ONCE(*(const u64 *)p);
	}
	return sum < 0 ? 0 : sum;
}

/* In the timer callback: lock-free reads only. */
u64 vmon_metric_read(u8 metric)
{
	switch (metric) {
	case VMON_METRIC_LOADAVG1:
		return vmon_loadavg(0);
	case VMON_METRIC_LOADAVG5:
		return vmon_loadavg(1);
	case VMON_METRIC_LOADAVG15:
		return vmon_loadavg(2);
	case VMON_METRIC_NR_RUNNING:
		return vmon_nr_running_fn();
	default:
		return vmon_nr_uninterruptible();
	}
}
