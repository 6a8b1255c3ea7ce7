// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces: which watches a caller may see, and the numbers and paths a
 * watch's messages carry.
 *
 * A watch remembers its creator's pid and cgroup namespaces.  A caller
 * without CAP_SYS_ADMIN in the init user namespace sees (lists, deletes,
 * counts in STATS) only watches of its own uid made in its pid namespace
 * or one below it, as /proc would show it their processes: a container's
 * root, uid 0 or not, never sees the host's.  Everything a watch sends its
 * owner (pids of the target, of captured tasks and of ancestors, cgroup
 * paths) is in the creator's namespaces; the ancestry stops at the
 * creator's init.  The multicast group carries only watches made in the
 * init pid namespace, whose numbers every listener can read; a container's
 * watches go to their owners alone.
 */
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include "vmon.h"

void vmon_ns_capture(struct vmon_watch *w)
{
	w->pid_ns = get_pid_ns(task_active_pid_ns(current));
	w->cgroup_ns = current->nsproxy->cgroup_ns;
	get_cgroup_ns(w->cgroup_ns);
}

void vmon_ns_release(struct vmon_watch *w)
{
	if (w->pid_ns)
		put_pid_ns(w->pid_ns);
	if (w->cgroup_ns)
		put_cgroup_ns(w->cgroup_ns);
}

/* Is ns the viewer's pid namespace or one below it? */
static bool vmon_ns_within(const struct pid_namespace *ns,
			   const struct pid_namespace *viewer)
{
	while (ns && ns->level > viewer->level)
		ns = ns->parent;
	return ns == viewer;
}

/* May the current task, whose socket has uid, see (and so manage) w? */
bool vmon_ns_visible(const struct vmon_watch *w, kuid_t uid, bool admin)
{
	return admin || (uid_eq(w->uid, uid) &&
			 vmon_ns_within(w->pid_ns, task_active_pid_ns(current)));
}

/* w's process as the current task numbers it (0: a metric, or not visible). */
pid_t vmon_ns_watch_pid(const struct vmon_watch *w)
{
	return w->pid ? pid_nr_ns(w->pid, task_active_pid_ns(current)) : 0;
}

/* Does nr, in the current task's pid namespace, name the watch's process? */
bool vmon_ns_pid_is(const struct vmon_watch *w, pid_t nr)
{
	bool same;

	rcu_read_lock();
	same = w->pid && find_vpid(nr) == w->pid;
	rcu_read_unlock();
	return same;
}

pid_t vmon_ns_tgid(const struct vmon_watch *w, struct task_struct *t)
{
	return task_tgid_nr_ns(t, w->pid_ns);
}

pid_t vmon_ns_tid(const struct vmon_watch *w, struct task_struct *t)
{
	return task_pid_nr_ns(t, w->pid_ns);
}

/* t's default cgroup, as a path in the creator's cgroup namespace. */
void vmon_ns_cgroup(const struct vmon_watch *w, struct task_struct *t,
		    char *buf, size_t len)
{
	struct cgroup *cgrp;

	buf[0] = '\0';
	rcu_read_lock();
	cgrp = task_dfl_cgroup(t);
	if (cgrp)
		cgroup_get(cgrp);
	rcu_read_unlock();
	if (!cgrp)
		return;
	/* It may sleep (cgroup_mutex on older kernels): with a reference. */
	if (cgroup_path_ns(cgrp, buf, len, w->cgroup_ns) < 0)
		buf[0] = '\0';
	cgroup_put(cgrp);
}

/* Multicast listeners can read only init-namespace numbers. */
bool vmon_ns_multicast(const struct vmon_watch *w)
{
	return w->pid_ns == &init_pid_ns;
}
