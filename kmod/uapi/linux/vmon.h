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

	__VMON_A_MAX,
};
#define VMON_A_MAX (__VMON_A_MAX - 1)

#endif /* _UAPI_LINUX_VMON_H */
