/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * vmon: the generic netlink protocol between vmon.ko and user space.
 *
 * Family "vmon", version 1, multicast group "events".  All integers are in
 * host byte order.  Attributes share one flat space; each command's policy
 * says which it accepts (strict validation: unknown attributes are refused).
 */
#ifndef _UAPI_LINUX_VMON_H
#define _UAPI_LINUX_VMON_H

#define VMON_GENL_NAME		"vmon"
#define VMON_GENL_VERSION	1
#define VMON_MCGRP_EVENTS	"events"

#define VMON_NAME_MAX		32	/* bytes, including the NUL */

enum vmon_cmd {
	VMON_CMD_UNSPEC,
	VMON_CMD_WATCH_ADD,	/* doit; reply carries VMON_A_WATCH_ID */
	VMON_CMD_WATCH_DEL,	/* doit; by WATCH_ID, ALL flag or PID */
	VMON_CMD_DUMP,		/* dumpit; one message per watch */
	VMON_CMD_CONFIG_GET,	/* doit; reply carries VMON_A_CFG_* */
	VMON_CMD_CONFIG_SET,	/* doit; any subset of VMON_A_CFG_* */
	VMON_CMD_STATS,		/* dumpit; one message per interval group */
	VMON_CMD_EVENT,		/* notification: a watch triggered */
	VMON_CMD_WATCH_GONE,	/* notification: a watch ended on its own */
	/*
	 * A trigger's snapshot follows its EVENT (which then carries
	 * VMON_A_SNAPSHOT); every part names the EVENT's SEQ in
	 * VMON_A_TRIGGER_SEQ and comes in this order: per task one TASK and
	 * zero or more STACK; per process one or more PROCESS; one SNAP_END.
	 */
	VMON_CMD_TASK,		/* notification: one captured task */
	VMON_CMD_STACK,		/* notification: more user stack bytes of a task */
	VMON_CMD_PROCESS,	/* notification: a process's ancestry and mappings */
	VMON_CMD_SNAP_END,	/* notification: the snapshot is complete */
	__VMON_CMD_MAX,
};
#define VMON_CMD_MAX (__VMON_CMD_MAX - 1)

/* Comparison of the value read against the threshold. */
enum vmon_op {
	VMON_OP_GT,
	VMON_OP_LT,
	VMON_OP_GE,
	VMON_OP_LE,
	VMON_OP_EQ,
	VMON_OP_NE,
	__VMON_OP_MAX,
};
#define VMON_OP_MAX (__VMON_OP_MAX - 1)

/* Why a watch ended without being deleted (VMON_A_GONE_REASON). */
enum vmon_gone_reason {
	VMON_GONE_EXIT,		/* the target process exited */
	VMON_GONE_EXEC,		/* the target replaced its image (execve) */
	VMON_GONE_UNMAPPED,	/* the address is no longer mapped */
	VMON_GONE_DISCARDED,	/* the page was discarded (MADV_DONTNEED...) */
	VMON_GONE_REPIN_FAILED,	/* the page moved and could not be pinned */
	VMON_GONE_UNLOAD,	/* the module is being unloaded */
	__VMON_GONE_MAX,
};
#define VMON_GONE_MAX (__VMON_GONE_MAX - 1)

/* Which tasks a trigger's snapshot captures (VMON_A_SCOPE). */
enum vmon_scope {
	VMON_SCOPE_PROCESS,	/* every thread of the watched process */
	VMON_SCOPE_SYSTEM,	/* and every running or uninterruptible task; CAP_SYS_ADMIN */
	VMON_SCOPE_NONE,	/* no snapshot, the EVENT alone */
	__VMON_SCOPE_MAX,
};
#define VMON_SCOPE_MAX (__VMON_SCOPE_MAX - 1)

/*
 * What a metric watch reads instead of process memory (VMON_A_METRIC).  A
 * metric watch has no PID, ADDR or LEN; its value is unsigned and compared
 * with THRESHOLD in the metric's unit.  Without INTERVAL_NS, COOLDOWN_NS and
 * SCOPE it polls every VMON_METRIC_INTERVAL_NS, keeps quiet for
 * VMON_METRIC_COOLDOWN_NS and captures VMON_SCOPE_SYSTEM, like the load
 * monitor it replaces.
 */
enum vmon_metric {
	VMON_METRIC_NONE,		/* not a metric: process memory (never sent) */
	VMON_METRIC_LOADAVG1,		/* 1-minute load average, in hundredths (4.25: 425) */
	VMON_METRIC_LOADAVG5,		/* 5-minute load average, in hundredths */
	VMON_METRIC_LOADAVG15,		/* 15-minute load average, in hundredths */
	VMON_METRIC_NR_RUNNING,		/* runnable tasks (state R), this check included */
	VMON_METRIC_NR_UNINTERRUPTIBLE,	/* tasks in uninterruptible sleep counted in the load (D) */
	__VMON_METRIC_MAX,
};
#define VMON_METRIC_MAX (__VMON_METRIC_MAX - 1)

#define VMON_METRIC_INTERVAL_NS	10000000ULL		/* 10 ms */
#define VMON_METRIC_COOLDOWN_NS	20000000000ULL		/* 20 s */

/* VMON_A_TASK_FLAGS */
#define VMON_TASK_F_KTHREAD	(1U << 0)	/* kernel thread: no user part */
#define VMON_TASK_F_ONCPU	(1U << 1)	/* running elsewhere: user registers are stale */
#define VMON_TASK_F_WATCHED	(1U << 2)	/* a thread of the watched process */
#define VMON_TASK_F_KSTACK_WITHHELD (1U << 3)	/* kernel stack left out: creator not CAP_SYS_ADMIN */

/*
 * VMON_A_TASK_REGS: the user registers saved at the task's last kernel
 * entry, as u64[VMON_NR_REGS] in x86-64 DWARF register order.
 */
enum vmon_reg {
	VMON_REG_AX, VMON_REG_DX, VMON_REG_CX, VMON_REG_BX,
	VMON_REG_SI, VMON_REG_DI, VMON_REG_BP, VMON_REG_SP,
	VMON_REG_R8, VMON_REG_R9, VMON_REG_R10, VMON_REG_R11,
	VMON_REG_R12, VMON_REG_R13, VMON_REG_R14, VMON_REG_R15,
	VMON_REG_IP,
	VMON_NR_REGS,
};

#define VMON_COMM_LEN		16	/* TASK_COMM_LEN */
#define VMON_KSTACK_MAX		64	/* kernel frames per task */
#define VMON_STACK_CHUNK	16384	/* user stack bytes per TASK or STACK message */
#define VMON_STACK_BYTES_MAX	65536	/* vmon_config stack_bytes upper bound */
#define VMON_CMDLINE_MAX	1024	/* command line bytes per ancestor */

/* VMON_A_WATCH_FLAGS */
#define VMON_WATCH_F_SIGNED	(1U << 0)	/* compare as signed */
#define VMON_WATCH_F_DETACHED	(1U << 1)	/* no owner socket; CAP_SYS_ADMIN */
#define VMON_WATCH_F_ALL	(VMON_WATCH_F_SIGNED | VMON_WATCH_F_DETACHED)

enum vmon_attr {
	VMON_A_UNSPEC,
	VMON_A_PAD,
	VMON_A_WATCH_ID,	/* u32 */
	VMON_A_PID,		/* u32: pid in the caller's pid namespace */
	VMON_A_ADDR,		/* u64: virtual address in the target */
	VMON_A_LEN,		/* u8: 1, 2, 4 or 8 */
	VMON_A_WATCH_FLAGS,	/* u32: VMON_WATCH_F_* */
	VMON_A_OP,		/* u8: enum vmon_op */
	VMON_A_THRESHOLD,	/* u64: raw bits; s64 when SIGNED */
	VMON_A_INTERVAL_NS,	/* u64: polling interval */
	VMON_A_COOLDOWN_NS,	/* u64: quiet time after a trigger */
	VMON_A_NAME,		/* string, < VMON_NAME_MAX bytes */
	VMON_A_DEL_ALL,		/* flag: WATCH_DEL every watch the caller may */
	VMON_A_OWNER_PORTID,	/* u32: owner socket; absent when detached */
	VMON_A_VALUE,		/* u64: raw bits of the value read */
	VMON_A_TIME_REAL_NS,	/* u64: CLOCK_REALTIME of the check */
	VMON_A_TIME_MONO_NS,	/* u64: CLOCK_MONOTONIC of the check */
	VMON_A_HITS,		/* u64: triggers of this watch, this one included */
	VMON_A_SUPPRESSED,	/* u64: triggers held back by the cooldown since the previous event */
	VMON_A_SEQ,		/* u64: global event sequence; gaps mean lost events */
	VMON_A_LOST,		/* u64: this watch's events the owner's socket dropped since the previous one */
	VMON_A_GONE_REASON,	/* u32: enum vmon_gone_reason */
	VMON_A_COUNT,		/* u32: WATCH_DEL reply: watches removed */

	/* configuration (CONFIG_GET reply, CONFIG_SET request) */
	VMON_A_CFG_DEFAULT_INTERVAL_NS,	/* u64 */
	VMON_A_CFG_MIN_INTERVAL_NS,	/* u64 */
	VMON_A_CFG_DEFAULT_COOLDOWN_NS,	/* u64 */
	VMON_A_CFG_MAX_WATCHES,		/* u32 */
	VMON_A_CFG_WATCHES,		/* u32: current number (read only) */

	/* statistics, one STATS message per interval group */
	VMON_A_STAT_WATCHES,	/* u32 */
	VMON_A_STAT_FIRES,	/* u64: timer callbacks */
	VMON_A_STAT_CHECKS,	/* u64: values compared */
	VMON_A_STAT_NS_TOTAL,	/* u64: time spent in the callback */
	VMON_A_STAT_NS_MAX,	/* u64: longest callback */
	VMON_A_STAT_TRIGGERS,	/* u64: conditions that held (incl. suppressed) */
	VMON_A_STAT_EVENTS_SENT,	/* u64 */
	VMON_A_STAT_EVENTS_DROPPED,	/* u64 */

	/* snapshots: the watch's scope, the parts of a trigger's snapshot */
	VMON_A_SCOPE,		/* u8: enum vmon_scope (WATCH_ADD, DUMP) */
	VMON_A_SNAPSHOT,	/* flag on EVENT: snapshot parts follow */
	VMON_A_TRIGGER_SEQ,	/* u64: snapshot parts: the SEQ of their EVENT */
	VMON_A_TID,		/* u32: thread id */
	VMON_A_COMM,		/* string: task name */
	VMON_A_TASK_STATE,	/* u8: state letter as in ps ('R', 'S', 'D'...) */
	VMON_A_TASK_CPU,	/* u32: CPU it last ran on */
	VMON_A_TASK_FLAGS,	/* u32: VMON_TASK_F_* */
	VMON_A_CGROUP,		/* string: cgroup v2 path */
	VMON_A_TASK_REGS,	/* binary: u64[VMON_NR_REGS] */
	VMON_A_KSTACK,		/* binary: u64[] kernel return addresses, innermost first */
	VMON_A_STACK_ADDR,	/* u64: user address of the first byte of STACK_DATA */
	VMON_A_STACK_DATA,	/* binary: user stack bytes, from SP upwards */
	VMON_A_ANCESTOR,	/* nested, repeated: PID, COMM, CMDLINE; the process first, pid 1 last */
	VMON_A_CMDLINE,		/* binary: NUL-separated arguments (may be cut short) */
	VMON_A_MAP,		/* nested, repeated: MAP_START, MAP_END, MAP_PGOFF, MAP_PATH */
	VMON_A_MAP_START,	/* u64 */
	VMON_A_MAP_END,		/* u64 */
	VMON_A_MAP_PGOFF,	/* u64: file offset of MAP_START, in bytes */
	VMON_A_MAP_PATH,	/* string */
	VMON_A_TASKS,		/* u32: SNAP_END: TASK messages sent */
	VMON_A_TASKS_OMITTED,	/* u32: SNAP_END: tasks left out (vmon config max_tasks) */
	VMON_A_PARTS_DROPPED,	/* u32: SNAP_END: parts that could not be sent */
	VMON_A_CFG_MAX_TASKS,	/* u32: tasks per snapshot */
	VMON_A_CFG_STACK_BYTES,	/* u32: user stack bytes per task */
	VMON_A_STAT_SNAPSHOTS,	/* u64: snapshots captured */
	VMON_A_METRIC,		/* u8: enum vmon_metric (WATCH_ADD, DUMP, EVENT, WATCH_GONE) */
	/*
	 * s32: WATCH_ADD of process memory: an open /proc/PID/mem descriptor
	 * of the process PID names.  Opening it is the permission check (the
	 * kernel's ptrace rule, LSMs and Yama included); the watch is bound to
	 * the address space the descriptor was opened on.
	 */
	VMON_A_MEM_FD,

	/* Resource limits (CONFIG_GET / CONFIG_SET); see vmon(8) "Limits". */
	VMON_A_CFG_MAX_USER_WATCHES,	/* u32: watches per uid without CAP_SYS_ADMIN */
	VMON_A_CFG_MIN_USER_INTERVAL_NS,	/* u64: interval floor without CAP_SYS_ADMIN */
	VMON_A_CFG_MAX_CPU,		/* u32: polling estimate cap, per-mille of one CPU */
	VMON_A_CFG_MAX_USER_CPU,	/* u32: the same per uid without CAP_SYS_ADMIN */
	VMON_A_CFG_CPU,			/* u32: polling estimate now, per-mille (read only) */
	VMON_A_CFG_CHECK_NS,		/* u64: estimated cost of one check (read only) */
	VMON_A_CFG_USER_WATCHES,	/* u32: the caller's uid's watches (read only) */
	VMON_A_CFG_USER_PINNED,		/* u32: pages charged to its RLIMIT_MEMLOCK (read only) */
	VMON_A_STAT_LATE,	/* u64: ticks that missed at least one period */
	VMON_A_STAT_SKIPPED,	/* u64: periods missed */
	VMON_A_STAT_BACKOFF,	/* u32: period multiplier of an overrunning group (1: none) */

	__VMON_A_MAX,
};
#define VMON_A_MAX (__VMON_A_MAX - 1)

#endif /* _UAPI_LINUX_VMON_H */
