/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmon_compat.h: the user API of the original variable monitor on top of
 * libvmon, so that code written for it builds with only its #include
 * changed (docs/migrating.md):
 *
 *	START_WATCH_INT("temp", &temp, 150);	  // temp > 150, every 10 us
 *	start_watch(watch_args);		  // a watch_arg, as before
 *	cancel_watch();				  // all of this process's watches
 *
 * The watches live on one libvmon handle per process, opened by the first
 * start_watch(); cancel_watch() closes it, and the kernel removes every
 * watch made through it (as it does when the process exits).  Calls
 * return 0 or a negative errno and print nothing; vmon_compat_error()
 * says why the calling thread's last call failed.  Link with -lvmon.
 */
#ifndef VMON_COMPAT_H
#define VMON_COMPAT_H

#include <sys/types.h>
#include <unistd.h>
#include "vmon.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The original's limit, kept so watch_arg keeps its layout (vmon allows VMON_NAME_MAX - 1). */
#define MAX_NAME_LEN 15

typedef struct {
	pid_t task_id;			/* the process to watch; 0 means this one */
	char name[MAX_NAME_LEN + 1];	/* need not be NUL-terminated when full */
	void *ptr;			/* the variable, in task_id's memory */
	int length_byte;		/* 1, 2, 4 or 8 */
	long long threshold;		/* the bits of an unsigned 64-bit threshold */
	unsigned char unsigned_flag;	/* compare unsigned */
	unsigned char greater_flag;	/* 1: value > threshold, 0: value < threshold */
	unsigned long time_ns;		/* polling interval; 0: the module's default */
} watch_arg;

/*
 * The START_WATCH_* macros' interval, the original's default.  An interval
 * below the module's min_interval ('vmon config min_interval', 10 us
 * unless changed) is raised to it rather than refused.
 */
#define VMON_COMPAT_INTERVAL_NS 10000UL

int vmon_compat_start(const watch_arg *arg);
int vmon_compat_cancel(void);
/* Why this thread's last start or cancel failed; "" after one that worked. */
const char *vmon_compat_error(void);
/*
 * The process's handle, NULL before the first start_watch() or after
 * cancel_watch(): its events are there for vmon_fd(), vmon_process() and
 * vmon_listen().  Do not close it, nor use it while another thread calls
 * start_watch() or cancel_watch().
 */
struct vmon *vmon_compat_handle(void);

static inline int start_watch(watch_arg arg)
{
	return vmon_compat_start(&arg);
}

static inline int cancel_watch(void)
{
	return vmon_compat_cancel();
}

/* What the START_WATCH_* macros expand to: a watch_arg for this process. */
static inline int vmon_compat_watch_(const char *name, const volatile void *ptr,
				     int length_byte, long long threshold,
				     unsigned char unsigned_flag,
				     unsigned char greater_flag)
{
	watch_arg a;
	int i;

	for (i = 0; i <= MAX_NAME_LEN; i++)
		a.name[i] = '\0';
	/* Longer names are cut, as they were in a char[MAX_NAME_LEN + 1]. */
	for (i = 0; name && name[i] && i < MAX_NAME_LEN; i++)
		a.name[i] = name[i];
	a.task_id = getpid();
	a.ptr = (void *)(uintptr_t)ptr;
	a.length_byte = length_byte;
	a.threshold = threshold;
	a.unsigned_flag = unsigned_flag;
	a.greater_flag = greater_flag;
	a.time_ns = VMON_COMPAT_INTERVAL_NS;
	return start_watch(a);
}

/* Arguments as the original's: name, address, threshold.  The type is checked. */
#define VMON_COMPAT_WATCH_(name, ptr, thr, T, uns, gt, macro)		\
	(VMON_PTR_CHECK_(ptr, T, macro),				\
	 vmon_compat_watch_((name), (ptr), (int)sizeof(T),		\
			    (long long)(thr), (uns), (gt)))

#define START_WATCH_CHAR(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, char, CHAR_MIN == 0, 1, "START_WATCH_CHAR")
#define START_WATCH_CHAR_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, char, CHAR_MIN == 0, 0, "START_WATCH_CHAR_LESS")
#define START_WATCH_UCHAR(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned char, 1, 1, "START_WATCH_UCHAR")
#define START_WATCH_UCHAR_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned char, 1, 0, "START_WATCH_UCHAR_LESS")
#define START_WATCH_SHORT(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, short, 0, 1, "START_WATCH_SHORT")
#define START_WATCH_SHORT_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, short, 0, 0, "START_WATCH_SHORT_LESS")
#define START_WATCH_USHORT(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned short, 1, 1, "START_WATCH_USHORT")
#define START_WATCH_USHORT_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned short, 1, 0, "START_WATCH_USHORT_LESS")
#define START_WATCH_INT(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, int, 0, 1, "START_WATCH_INT")
#define START_WATCH_INT_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, int, 0, 0, "START_WATCH_INT_LESS")
#define START_WATCH_UINT(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned int, 1, 1, "START_WATCH_UINT")
#define START_WATCH_UINT_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned int, 1, 0, "START_WATCH_UINT_LESS")
#define START_WATCH_LONG(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, long, 0, 1, "START_WATCH_LONG")
#define START_WATCH_LONG_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, long, 0, 0, "START_WATCH_LONG_LESS")
#define START_WATCH_ULONG(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned long, 1, 1, "START_WATCH_ULONG")
#define START_WATCH_ULONG_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned long, 1, 0, "START_WATCH_ULONG_LESS")
#define START_WATCH_LLONG(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, long long, 0, 1, "START_WATCH_LLONG")
#define START_WATCH_LLONG_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, long long, 0, 0, "START_WATCH_LLONG_LESS")
#define START_WATCH_ULLONG(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned long long, 1, 1, "START_WATCH_ULLONG")
#define START_WATCH_ULLONG_LESS(name, ptr, thr) \
	VMON_COMPAT_WATCH_(name, ptr, thr, unsigned long long, 1, 0, "START_WATCH_ULLONG_LESS")

#ifdef __cplusplus
}
#endif

#endif /* VMON_COMPAT_H */
