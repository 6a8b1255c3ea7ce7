// SPDX-License-Identifier: GPL-2.0
/* vmon.ko tunables and global counters, all under vmon_lock. */
#include "vmon.h"

struct vmon_config vmon_cfg = {
	.default_interval_ns = NSEC_PER_MSEC,
	.min_interval_ns = 10 * NSEC_PER_USEC,
	.default_cooldown_ns = 5 * NSEC_PER_SEC,
	.max_watches = 65536,
	.max_user_watches = 8192,
	.min_user_interval_ns = NSEC_PER_MSEC,
	.max_cpu = 200,			/* 20% of one CPU */
	.max_user_cpu = 50,		/* 5% of one CPU per user */
	.max_tasks = 64,
	.stack_bytes = 8192,		/* like perf's --call-graph dwarf */
};

unsigned int vmon_nr_watches;
/* Bumped by every change a dump could observe (consistent-dump check). */
unsigned long vmon_generation = 1;
bool vmon_shutting_down;

#ifndef VMON_HAVE_ERR_MSG_FMT
static char vmon_errbufs[VMON_ERRBUF_RING][VMON_ERRBUF_LEN];
static atomic_t vmon_errbuf_next = ATOMIC_INIT(0);

char *vmon_errbuf(void)
{
	unsigned int i = atomic_inc_return(&vmon_errbuf_next);

	return vmon_errbufs[i % VMON_ERRBUF_RING];
}
#endif
