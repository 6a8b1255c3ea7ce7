// SPDX-License-Identifier: GPL-2.0
/*
 * Who may watch a process: whoever could open its /proc/PID/mem.
 *
 * The kernel's ptrace rule (mm_access(): credentials, dumpability, the
 * LSMs and Yama) is not exported to modules, and calling it through a
 * kallsyms pointer is a crash on IBT hardware.  So vmon does not run it:
 * the caller does, by opening /proc/PID/mem, and hands the descriptor to
 * WATCH_ADD.  That open took the address space under the exec lock, so a
 * watch binds to exactly the image that was checked; after an exec the
 * descriptor is left on the old, dying address space and is refused.
 *
 * The watch keeps the file: its f_cred are the creator's credentials, and
 * every snapshot re-checks the credential half of the rule against them
 * (the target may have changed ids or become undumpable since).  The LSM
 * half ran at open; it is not exported either.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include "vmon.h"

/* The file operations of every /proc/PID/mem, learned from our own at load. */
static const struct file_operations *vmon_mem_fops;

void vmon_access_init(void)
{
	struct file *f = filp_open("/proc/self/mem", O_RDONLY, 0);

	if (IS_ERR(f)) {
		pr_warn("cannot open /proc/self/mem (error %ld): memory watches are refused; load vmon where /proc is mounted\n",
			PTR_ERR(f));
		return;
	}
	if (file_inode(f)->i_sb->s_magic == PROC_SUPER_MAGIC)
		vmon_mem_fops = f->f_op;
	else
		pr_warn("/proc/self/mem is not on procfs: memory watches are refused\n");
	filp_close(f, NULL);
}

static struct task_struct *vmon_find_task(pid_t nr, struct pid **pidp)
{
	struct task_struct *task;
	struct pid *pid;

	pid = find_get_pid(nr);	/* in the caller's pid namespace */
	if (!pid)
		return NULL;
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		put_pid(pid);
		return NULL;
	}
	*pidp = pid;
	return task;
}

/*
 * The address space of pid nr (in the caller's pid namespace), proven by
 * the /proc/PID/mem descriptor in VMON_A_MEM_FD.  On success the caller
 * owns a->task, a->mm (an mm_users reference) and a->file.
 */
int vmon_access_take(struct genl_info *info, pid_t nr, struct vmon_access *a)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *fd_attr = info->attrs[VMON_A_MEM_FD];
	struct mm_struct *mm;
	bool same;
	int fd, ret;

	if (!fd_attr) {
		vmon_errf_attr(extack, info->attrs[VMON_A_PID],
			       "no /proc/%d/mem descriptor: opening it is the permission check",
			       nr);
		return -EINVAL;
	}
	if (!vmon_mem_fops) {
		NL_SET_ERR_MSG(extack,
			       "vmon could not open /proc/self/mem when it was loaded: no memory watches (see dmesg)");
		return -EOPNOTSUPP;
	}
	fd = nla_get_s32(fd_attr);
	a->file = fget(fd);
	if (!a->file) {
		vmon_errf_attr(extack, fd_attr, "descriptor %d is not open", fd);
		return -EBADF;
	}
	ret = -EINVAL;
	if (a->file->f_op != vmon_mem_fops || !(a->file->f_mode & FMODE_READ)) {
		vmon_errf_attr(extack, fd_attr,
			       "descriptor %d is not a /proc/PID/mem opened for reading", fd);
		goto err_file;
	}
	/* procfs holds the mm_struct, not its pages: the memory may be gone. */
	mm = a->file->private_data;
	ret = -ESRCH;
	if (!mm || !mmget_not_zero(mm)) {
		vmon_errf_attr(extack, fd_attr,
			       "descriptor %d: its process exec'd or exited since it was opened",
			       fd);
		goto err_file;
	}
	a->mm = mm;
	a->task = vmon_find_task(nr, &a->pid);
	if (!a->task) {
		vmon_errf_attr(extack, info->attrs[VMON_A_PID], "no process with pid %d", nr);
		goto err_mm;
	}
	/* task_lock orders this against exec_mmap() and exit_mm(). */
	task_lock(a->task);
	same = a->task->mm == mm;
	task_unlock(a->task);
	if (!same) {
		vmon_errf_attr(extack, info->attrs[VMON_A_PID],
			       "pid %d is not descriptor %d's process (or it exec'd since)",
			       nr, fd);
		ret = -EINVAL;
		goto err_task;
	}
	return 0;

err_task:
	put_task_struct(a->task);
	put_pid(a->pid);
err_mm:
	mmput(mm);
err_file:
	fput(a->file);
	return ret;
}

/* May the opener of file still ptrace t, whose address space is mm? */
bool vmon_access_recheck(struct file *file, struct task_struct *t,
			 struct mm_struct *mm)
{
	const struct cred *c = file->f_cred, *tc = get_task_cred(t);
	bool ok;

	/* The credential test of __ptrace_may_access() with PTRACE_MODE_FSCREDS. */
	ok = (uid_eq(c->fsuid, tc->euid) && uid_eq(c->fsuid, tc->suid) &&
	      uid_eq(c->fsuid, tc->uid) && gid_eq(c->fsgid, tc->egid) &&
	      gid_eq(c->fsgid, tc->sgid) && gid_eq(c->fsgid, tc->gid)) ||
	     file_ns_capable(file, tc->user_ns, CAP_SYS_PTRACE);
	put_cred(tc);
	/* Dumpability after the credentials, as commit_creds() writes them. */
	smp_rmb();
	return ok && (get_dumpable(mm) == SUID_DUMP_USER ||
		      file_ns_capable(file, mm->user_ns, CAP_SYS_PTRACE));
}
