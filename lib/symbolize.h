/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmon internals: offline unwinding and symbolization of a trigger's report. */
#ifndef VMON_SYMBOLIZE_H
#define VMON_SYMBOLIZE_H

#include "internal.h"

/* Per-handle caches (ELF and DWARF per binary, kallsyms): created lazily. */
struct vmon_symcache;

VMON_INTERNAL struct vmon_symcache *vmon__symcache_new(void);
VMON_INTERNAL void vmon__symcache_free(struct vmon_symcache *c);

/*
 * Fill every task's user and kernel frames (and unwind_error) from its
 * captured registers, stack bytes and kernel addresses, with the mappings
 * of its process (r->procs, matched by pid).  Frame strings are each
 * malloc'd and belong to the report (vmon_report_free frees them).
 * Never fails as a whole: what cannot be unwound or named stays raw.
 */
VMON_INTERNAL void vmon__report_symbolize(struct vmon_symcache *c,
					  struct vmon_report *r);

#endif /* VMON_SYMBOLIZE_H */
