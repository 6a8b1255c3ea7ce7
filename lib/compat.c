// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon compat: vmon_compat.h's start_watch()/cancel_watch() on one handle per process. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#pragma GCC visibility push(default)
#include "vmon_compat.h"
#pragma GCC visibility pop

/* Handles are not thread safe, and the original API had no handle to hold. */
static pthread_mutex_t compat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vmon *compat_h;		/* under compat_lock */
static pid_t compat_pid;		/* the process compat_h was opened in */

/* Per thread, like errno: another thread's failure does not overwrite it. */
static _Thread_local char compat_err[256];

static int compat_fail(int err, const char *msg)
{
	snprintf(compat_err, sizeof(compat_err), "%s", msg);
	return err;
}

/*
 * The process's handle, opened if need be; under compat_lock.  A child of
 * fork() inherits its parent's socket, whose watches are the parent's: it
 * drops its copy and opens its own.  A failed open is not kept, so loading
 * the module later is enough.
 */
static int compat_open(struct vmon **hp)
{
	struct vmon *h = NULL;
	int err;

	if (compat_h && compat_pid == getpid()) {
		*hp = compat_h;
		return 0;
	}
	vmon_close(compat_h);
	compat_h = NULL;
	err = vmon_open(&h);
	if (err < 0) {
		compat_fail(err, vmon_errmsg(h));
		vmon_close(h);
		return err;
	}
	compat_h = *hp = h;
	compat_pid = getpid();
	return 0;
}

/*
 * The original's macros poll every 10 us and its README's watch_arg every
 * 7 us; vmon refuses an interval below its min_interval.  Such a watch
 * gets the fastest interval allowed rather than none at all.
 */
static int add_clamped(struct vmon *h, struct vmon_watch_spec *spec)
{
	struct vmon_config cfg;
	int err = vmon_watch_add(h, spec, NULL);

	if (err < 0)
		compat_fail(err, vmon_errmsg(h));
	if (err != -ERANGE || !spec->interval_ns)
		return err;
	/* The refusal's own message stands if this does not help. */
	if (vmon_config_get(h, &cfg) < 0 || spec->interval_ns >= cfg.min_interval_ns)
		return err;
	spec->interval_ns = cfg.min_interval_ns;
	err = vmon_watch_add(h, spec, NULL);
	if (err < 0)
		compat_fail(err, vmon_errmsg(h));
	return err;
}

int vmon_compat_start(const watch_arg *arg)
{
	char name[MAX_NAME_LEN + 1];
	struct vmon_watch_spec spec;
	struct vmon *h;
	int err;

	if (!arg)
		return compat_fail(-EINVAL, "no watch_arg");
	memset(&spec, 0, sizeof(spec));
	memcpy(name, arg->name, MAX_NAME_LEN);
	name[MAX_NAME_LEN] = '\0';
	spec.pid = arg->task_id > 0 ? arg->task_id : getpid();
	spec.addr = (uintptr_t)arg->ptr;
	/* A negative length must not turn into a valid one. */
	spec.len = arg->length_byte > 0 ? (unsigned int)arg->length_byte : 0;
	spec.is_signed = !arg->unsigned_flag;
	spec.op = arg->greater_flag ? VMON_OP_GT : VMON_OP_LT;
	spec.threshold = (uint64_t)arg->threshold;
	spec.interval_ns = arg->time_ns;
	spec.name = name;

	pthread_mutex_lock(&compat_lock);
	err = compat_open(&h);
	if (!err)
		err = add_clamped(h, &spec);
	pthread_mutex_unlock(&compat_lock);
	if (!err)
		compat_err[0] = '\0';
	return err;
}

int vmon_compat_cancel(void)
{
	pthread_mutex_lock(&compat_lock);
	/* Closing the socket is what removes the watches, in the kernel. */
	vmon_close(compat_h);
	compat_h = NULL;
	pthread_mutex_unlock(&compat_lock);
	compat_err[0] = '\0';
	return 0;
}

const char *vmon_compat_error(void)
{
	return compat_err;
}

struct vmon *vmon_compat_handle(void)
{
	struct vmon *h;

	pthread_mutex_lock(&compat_lock);
	h = compat_pid == getpid() ? compat_h : NULL;
	pthread_mutex_unlock(&compat_lock);
	return h;
}
