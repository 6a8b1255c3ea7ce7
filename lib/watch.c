// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon watches: add, delete and list. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* A dump interrupted by concurrent changes is retried this many times. */

static int nomem(struct vmon *h, struct nl_msg *msg)
{
	nlmsg_free(msg);
	return vmon__seterr(h, -ENOMEM, "out of memory building a request");
}

/* A metric watch reads no process: what only a memory watch has is a mistake. */
static int check_metric(struct vmon *h, const struct vmon_watch_spec *s)
{
	const char *name = vmon_metric_name(s->metric);

	if ((unsigned int)s->metric > VMON_METRIC_MAX)
		return vmon__seterr(h, -EINVAL,
				    "unknown metric %u (this library knows 1 to %d)",
				    (unsigned int)s->metric, VMON_METRIC_MAX);
	if (s->pid || s->addr || s->len)
		return vmon__seterr(h, -EINVAL,
				    "a metric watch (%s) takes no pid, address or length",
				    name);
	if (s->is_signed)
		return vmon__seterr(h, -EINVAL,
				    "a metric watch (%s) compares unsigned: clear is_signed",
				    name);
	return 0;
}

/* Catch what the kernel would refuse anyway, with messages in our terms. */
static int check_spec(struct vmon *h, const struct vmon_watch_spec *s)
{
	int err;

	if (!s)
		return vmon__seterr(h, -EINVAL, "no watch specification");
	if (s->metric) {
		err = check_metric(h, s);
		if (err < 0)
			return err;
	} else if (s->pid <= 0) {
		return vmon__seterr(h, -EINVAL, "invalid pid %d", (int)s->pid);
	} else if (s->len != 1 && s->len != 2 && s->len != 4 && s->len != 8) {
		return vmon__seterr(h, -EINVAL,
				    "invalid length %u (must be 1, 2, 4 or 8)",
				    s->len);
	}
	if ((unsigned int)s->op > VMON_OP_MAX)
		return vmon__seterr(h, -EINVAL, "invalid comparison %d",
				    (int)s->op);
	if (s->name && strlen(s->name) >= VMON_NAME_MAX)
		return vmon__seterr(h, -EINVAL,
				    "name too long (at most %d bytes)",
				    VMON_NAME_MAX - 1);
	return 0;
}

/* What is watched: a metric, or len bytes at addr in pid. */
static int put_target(struct nl_msg *msg, const struct vmon_watch_spec *s,
		      int memfd)
{
	if (s->metric)
		return nla_put_u8(msg, VMON_A_METRIC, (uint8_t)s->metric);
	if (nla_put_u32(msg, VMON_A_PID, (uint32_t)s->pid) < 0 ||
	    nla_put_s32(msg, VMON_A_MEM_FD, memfd) < 0 ||
	    nla_put_u64(msg, VMON_A_ADDR, s->addr) < 0 ||
	    nla_put_u8(msg, VMON_A_LEN, (uint8_t)s->len) < 0)
		return -1;
	return 0;
}

int vmon__watch_add_msg(struct vmon *h, const struct vmon_watch_spec *spec,
			int memfd, struct nl_msg **msgp)
{
	uint32_t flags = 0;
	struct nl_msg *msg;
	int err;

	err = check_spec(h, spec);
	if (err < 0)
		return err;
	if (spec->is_signed)
		flags |= VMON_WATCH_F_SIGNED;
	if (spec->detached)
		flags |= VMON_WATCH_F_DETACHED;

	msg = vmon__msg(h, VMON_CMD_WATCH_ADD, 0);
	if (!msg)
		return nomem(h, NULL);
	if (put_target(msg, spec, memfd) < 0 ||
	    nla_put_u8(msg, VMON_A_OP, (uint8_t)spec->op) < 0 ||
	    nla_put_u64(msg, VMON_A_THRESHOLD, spec->threshold) < 0)
		return nomem(h, msg);
	if (flags && nla_put_u32(msg, VMON_A_WATCH_FLAGS, flags) < 0)
		return nomem(h, msg);
	if (spec->interval_ns &&
	    nla_put_u64(msg, VMON_A_INTERVAL_NS, spec->interval_ns) < 0)
		return nomem(h, msg);
	if ((spec->cooldown_set || spec->cooldown_ns) &&
	    nla_put_u64(msg, VMON_A_COOLDOWN_NS, spec->cooldown_ns) < 0)
		return nomem(h, msg);
	if (spec->name && spec->name[0] &&
	    nla_put_string(msg, VMON_A_NAME, spec->name) < 0)
		return nomem(h, msg);
	if (spec->scope && nla_put_u8(msg, VMON_A_SCOPE, (uint8_t)spec->scope) < 0)
		return nomem(h, msg);
	*msgp = msg;
	return 0;
}

/*
 * The permission to watch pid: its /proc/PID/mem, opened here so that the
 * kernel runs its ptrace check (credentials, dumpability, LSMs and Yama)
 * for us; vmon.ko takes the address space from the descriptor.
 */
static int open_mem(struct vmon *h, pid_t pid)
{
	char path[32];
	int fd, e;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e == ENOENT || e == ESRCH)
		return vmon__seterr(h, -ESRCH, "no process with pid %d", (int)pid);
	if (e == EACCES || e == EPERM)
		return vmon__seterr(h, -EPERM,
				    "no permission to watch pid %d: opening %s was refused "
				    "(ptrace rules: watch your own processes or run as root; "
				    "kernel.yama.ptrace_scope may forbid it too)",
				    (int)pid, path);
	return vmon__seterr(h, -e, "cannot open %s: %s", path, strerror(e));
}

/* Any u32 is a valid ID, so whether one came is tracked apart. */
struct add_result {
	uint32_t id;
	bool got;
};

static int add_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct add_result *res = arg;

	if (!tb[VMON_A_WATCH_ID])
		return vmon__seterr(h, -EPROTO,
				    "the kernel's reply carried no watch ID");
	res->id = nla_get_u32(tb[VMON_A_WATCH_ID]);
	res->got = true;
	return 0;
}

int vmon_watch_add(struct vmon *h, const struct vmon_watch_spec *spec,
		   uint32_t *id)
{
	struct add_result res = { 0, false };
	struct vmon_req req = { .fn = add_reply, .arg = &res };
	struct nl_msg *msg;
	int err, memfd = -1;

	err = vmon__check(h);
	if (err < 0)
		return err;
	err = check_spec(h, spec);
	if (err < 0)
		return err;
	if (!spec->metric) {
		memfd = open_mem(h, spec->pid);
		if (memfd < 0)
			return memfd;
	}
	err = vmon__watch_add_msg(h, spec, memfd, &msg);
	if (err >= 0)
		err = vmon__request(h, msg, &req);
	if (memfd >= 0)
		close(memfd);
	if (err < 0)
		return err;
	if (!res.got)
		return vmon__seterr(h, -EPROTO,
				    "the kernel did not say which watch it added");
	if (id)
		*id = res.id;
	return 0;
}

static int del_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	(void)h;
	*(int64_t *)arg = vmon__u32(tb, VMON_A_COUNT);
	return 0;
}

/* Sends one WATCH_DEL; returns how many watches went, or -errno. */
static int watch_del(struct vmon *h, int attr, uint32_t val)
{
	int64_t count = -1;
	struct vmon_req req = { .fn = del_reply, .arg = &count };
	struct nl_msg *msg;
	int err;

	err = vmon__check(h);
	if (err < 0)
		return err;
	msg = vmon__msg(h, VMON_CMD_WATCH_DEL, 0);
	if (!msg)
		return nomem(h, NULL);
	if (attr == VMON_A_DEL_ALL)
		err = nla_put_flag(msg, VMON_A_DEL_ALL);
	else
		err = nla_put_u32(msg, attr, val);
	if (err < 0)
		return nomem(h, msg);
	err = vmon__request(h, msg, &req);
	if (err < 0)
		return err;
	/* An ACK without a COUNT reply: the kernel removed what it was asked. */
	if (count < 0)
		return attr == VMON_A_WATCH_ID ? 1 : 0;
	return count > INT_MAX ? INT_MAX : (int)count;
}

int vmon_watch_del(struct vmon *h, uint32_t id)
{
	int n = watch_del(h, VMON_A_WATCH_ID, id);

	if (n == 0)
		return vmon__seterr(h, -ENOENT, "no watch %u", id);
	return n < 0 ? n : 0;
}

int vmon_watch_del_all(struct vmon *h)
{
	return watch_del(h, VMON_A_DEL_ALL, 0);
}

int vmon_watch_del_pid(struct vmon *h, pid_t pid)
{
	if (h && pid <= 0)
		return vmon__seterr(h, -EINVAL, "invalid pid %d", (int)pid);
	return watch_del(h, VMON_A_PID, (uint32_t)pid);
}

static int dump_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct vmon_watch_info *w;
	uint32_t flags;

	if (!tb[VMON_A_WATCH_ID])
		return vmon__seterr(h, -EPROTO,
				    "malformed watch in the kernel's list");
	w = vmon__row_add(h, arg);
	if (!w)
		return -ENOMEM;
	flags = vmon__u32(tb, VMON_A_WATCH_FLAGS);
	w->id = nla_get_u32(tb[VMON_A_WATCH_ID]);
	w->pid = (pid_t)vmon__u32(tb, VMON_A_PID);
	w->addr = vmon__u64(tb, VMON_A_ADDR);
	w->len = vmon__u8(tb, VMON_A_LEN);
	w->is_signed = flags & VMON_WATCH_F_SIGNED;
	w->op = (enum vmon_op)vmon__u8(tb, VMON_A_OP);
	w->threshold = vmon__u64(tb, VMON_A_THRESHOLD);
	w->interval_ns = vmon__u64(tb, VMON_A_INTERVAL_NS);
	w->cooldown_ns = vmon__u64(tb, VMON_A_COOLDOWN_NS);
	vmon__name(w->name, tb[VMON_A_NAME]);
	w->hits = vmon__u64(tb, VMON_A_HITS);
	w->scope = (enum vmon_scope)vmon__u8(tb, VMON_A_SCOPE);
	w->metric = (enum vmon_metric)vmon__u8(tb, VMON_A_METRIC);
	w->owner_portid = vmon__u32(tb, VMON_A_OWNER_PORTID);
	w->detached = (flags & VMON_WATCH_F_DETACHED) ||
		      !tb[VMON_A_OWNER_PORTID];
	return 0;
}

static int dump_pid(struct vmon *h, pid_t pid, vmon_watch_cb cb, void *arg)
{
	struct vmon_rows rows = { .size = sizeof(struct vmon_watch_info) };
	const struct vmon_watch_info *w;
	size_t i;
	int err;

	err = vmon__dump(h, VMON_CMD_DUMP, pid, dump_reply, &rows,
			 "the watch list");
	for (i = 0, w = rows.v; !err && i < rows.n; i++)
		err = cb ? cb(&w[i], arg) : 0;
	free(rows.v);
	return err;
}

int vmon_dump(struct vmon *h, vmon_watch_cb cb, void *arg)
{
	return dump_pid(h, 0, cb, arg);
}

int vmon_dump_pid(struct vmon *h, pid_t pid, vmon_watch_cb cb, void *arg)
{
	if (h && pid <= 0)
		return vmon__seterr(h, -EINVAL, "invalid pid %d", (int)pid);
	return dump_pid(h, pid, cb, arg);
}
