/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmon internals: the parts of unwinding and symbolization, for lib/ and tests. */
#ifndef VMON_UNWIND_INTERNAL_H
#define VMON_UNWIND_INTERNAL_H

#include <elfutils/libdwfl.h>

#include "symbolize.h"

/* Frames per task, user or kernel, inlined ones included. */
#define VMON_MAX_FRAMES		128

/* symbols.c */

/*
 * Name the code at pc: the inlined calls at that address (innermost
 * first), then the function they are inlined into.  activation is false
 * for return addresses, which are looked up at pc - 1 so a call at the end
 * of a function is not taken for the next one.  Writes at most max
 * frames (at least one when max > 0, raw when nothing is known); returns
 * how many.
 */
VMON_INTERNAL size_t vmon__pc_frames(Dwfl *dwfl, uint64_t pc, bool activation,
				     struct vmon_frame *out, size_t max);

/* A malloc'd copy of name without its symbol version, demangled if C++. */
VMON_INTERNAL char *vmon__demangle(const char *name);

/* kallsyms.c */

struct vmon_kallsyms;

/*
 * The kernel's text symbols from a file in /proc/kallsyms format, or NULL
 * when it cannot be read or hides the addresses (all zero).
 */
VMON_INTERNAL struct vmon_kallsyms *vmon__kallsyms_load(const char *path);
VMON_INTERNAL void vmon__kallsyms_free(struct vmon_kallsyms *ks);

/*
 * Fill t->kernel from t->kstack; with ks NULL the frames stay raw
 * addresses.
 */
VMON_INTERNAL void vmon__kernel_frames(const struct vmon_kallsyms *ks,
				       struct vmon_task *t);

/* unwind.c */

/* How many Dwfl sessions the cache has built so far: reuse shows as no change. */
VMON_INTERNAL unsigned long vmon__symcache_dwfls_created(const struct vmon_symcache *c);

#endif /* VMON_UNWIND_INTERNAL_H */
