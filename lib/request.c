// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon request path: send a request, read until its ACK or DONE, decode errors. */
#include <errno.h>
#include <stdlib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "internal.h"

/* Attempts at a dump that keeps being interrupted by changes. */
#define VMON_DUMP_TRIES 8

/*
 * Why not nl_recvmsgs(): one loop that sees every message lets us queue
 * event notifications that arrive while a request waits, read the extack
 * of both NLMSG_ERROR and NLMSG_DONE, notice NLM_F_DUMP_INTR, tell ENOBUFS
 * (events lost, carry on) from real errors by errno, and drop anything not
 * sent by the kernel.  libnl still builds, sends and parses the messages.
 */

/* Shortest valid payload of each attribute; all share one number space. */
static const uint8_t attr_minlen[VMON_A_MAX + 1] = {
	[VMON_A_WATCH_ID]		= 4,
	[VMON_A_PID]			= 4,
	[VMON_A_ADDR]			= 8,
	[VMON_A_LEN]			= 1,
	[VMON_A_WATCH_FLAGS]		= 4,
	[VMON_A_OP]			= 1,
	[VMON_A_THRESHOLD]		= 8,
	[VMON_A_INTERVAL_NS]		= 8,
	[VMON_A_COOLDOWN_NS]		= 8,
	[VMON_A_OWNER_PORTID]		= 4,
	[VMON_A_VALUE]			= 8,
	[VMON_A_TIME_REAL_NS]		= 8,
	[VMON_A_TIME_MONO_NS]		= 8,
	[VMON_A_HITS]			= 8,
	[VMON_A_SUPPRESSED]		= 8,
	[VMON_A_SEQ]			= 8,
	[VMON_A_LOST]			= 8,
	[VMON_A_GONE_REASON]		= 4,
	[VMON_A_COUNT]			= 4,
	[VMON_A_CFG_DEFAULT_INTERVAL_NS] = 8,
	[VMON_A_CFG_MIN_INTERVAL_NS]	= 8,
	[VMON_A_CFG_DEFAULT_COOLDOWN_NS] = 8,
	[VMON_A_CFG_MAX_WATCHES]	= 4,
	[VMON_A_CFG_WATCHES]		= 4,
	[VMON_A_STAT_WATCHES]		= 4,
	[VMON_A_STAT_FIRES]		= 8,
	[VMON_A_STAT_CHECKS]		= 8,
	[VMON_A_STAT_NS_TOTAL]		= 8,
	[VMON_A_STAT_NS_MAX]		= 8,
	[VMON_A_STAT_TRIGGERS]		= 8,
	[VMON_A_STAT_EVENTS_SENT]	= 8,
	[VMON_A_STAT_EVENTS_DROPPED]	= 8,
	[VMON_A_SCOPE]			= 1,
	[VMON_A_TRIGGER_SEQ]		= 8,
	[VMON_A_TID]			= 4,
	[VMON_A_TASK_STATE]		= 1,
	[VMON_A_TASK_CPU]		= 4,
	[VMON_A_TASK_FLAGS]		= 4,
	[VMON_A_TASK_REGS]		= 8 * VMON_NR_REGS,
	[VMON_A_STACK_ADDR]		= 8,
	[VMON_A_MAP_START]		= 8,
	[VMON_A_MAP_END]		= 8,
	[VMON_A_MAP_PGOFF]		= 8,
	[VMON_A_TASKS]			= 4,
	[VMON_A_TASKS_OMITTED]		= 4,
	[VMON_A_PARTS_DROPPED]		= 4,
	[VMON_A_CFG_MAX_TASKS]		= 4,
	[VMON_A_CFG_STACK_BYTES]	= 4,
	[VMON_A_STAT_SNAPSHOTS]		= 8,
	[VMON_A_METRIC]			= 1,
	[VMON_A_MEM_FD]			= 4,
	[VMON_A_CFG_MAX_USER_WATCHES]	= 4,
	[VMON_A_CFG_MIN_USER_INTERVAL_NS] = 8,
	[VMON_A_CFG_MAX_CPU]		= 4,
	[VMON_A_CFG_MAX_USER_CPU]	= 4,
	[VMON_A_CFG_CPU]		= 4,
	[VMON_A_CFG_CHECK_NS]		= 8,
	[VMON_A_CFG_USER_WATCHES]	= 4,
	[VMON_A_CFG_USER_PINNED]	= 4,
	[VMON_A_STAT_LATE]		= 8,
	[VMON_A_STAT_SKIPPED]		= 8,
	[VMON_A_STAT_BACKOFF]		= 4,
};

static const char *const attr_names[VMON_A_MAX + 1] = {
	[VMON_A_PAD]			= "pad",
	[VMON_A_WATCH_ID]		= "watch_id",
	[VMON_A_PID]			= "pid",
	[VMON_A_ADDR]			= "addr",
	[VMON_A_LEN]			= "len",
	[VMON_A_WATCH_FLAGS]		= "watch_flags",
	[VMON_A_OP]			= "op",
	[VMON_A_THRESHOLD]		= "threshold",
	[VMON_A_INTERVAL_NS]		= "interval_ns",
	[VMON_A_COOLDOWN_NS]		= "cooldown_ns",
	[VMON_A_NAME]			= "name",
	[VMON_A_DEL_ALL]		= "del_all",
	[VMON_A_OWNER_PORTID]		= "owner_portid",
	[VMON_A_VALUE]			= "value",
	[VMON_A_TIME_REAL_NS]		= "time_real_ns",
	[VMON_A_TIME_MONO_NS]		= "time_mono_ns",
	[VMON_A_HITS]			= "hits",
	[VMON_A_SUPPRESSED]		= "suppressed",
	[VMON_A_SEQ]			= "seq",
	[VMON_A_LOST]			= "lost",
	[VMON_A_GONE_REASON]		= "gone_reason",
	[VMON_A_COUNT]			= "count",
	[VMON_A_CFG_DEFAULT_INTERVAL_NS] = "cfg_default_interval_ns",
	[VMON_A_CFG_MIN_INTERVAL_NS]	= "cfg_min_interval_ns",
	[VMON_A_CFG_DEFAULT_COOLDOWN_NS] = "cfg_default_cooldown_ns",
	[VMON_A_CFG_MAX_WATCHES]	= "cfg_max_watches",
	[VMON_A_CFG_WATCHES]		= "cfg_watches",
	[VMON_A_STAT_WATCHES]		= "stat_watches",
	[VMON_A_STAT_FIRES]		= "stat_fires",
	[VMON_A_STAT_CHECKS]		= "stat_checks",
	[VMON_A_STAT_NS_TOTAL]		= "stat_ns_total",
	[VMON_A_STAT_NS_MAX]		= "stat_ns_max",
	[VMON_A_STAT_TRIGGERS]		= "stat_triggers",
	[VMON_A_STAT_EVENTS_SENT]	= "stat_events_sent",
	[VMON_A_STAT_EVENTS_DROPPED]	= "stat_events_dropped",
	[VMON_A_SCOPE]			= "scope",
	[VMON_A_SNAPSHOT]		= "snapshot",
	[VMON_A_TRIGGER_SEQ]		= "trigger_seq",
	[VMON_A_TID]			= "tid",
	[VMON_A_COMM]			= "comm",
	[VMON_A_TASK_STATE]		= "task_state",
	[VMON_A_TASK_CPU]		= "task_cpu",
	[VMON_A_TASK_FLAGS]		= "task_flags",
	[VMON_A_CGROUP]			= "cgroup",
	[VMON_A_TASK_REGS]		= "task_regs",
	[VMON_A_KSTACK]			= "kstack",
	[VMON_A_STACK_ADDR]		= "stack_addr",
	[VMON_A_STACK_DATA]		= "stack_data",
	[VMON_A_ANCESTOR]		= "ancestor",
	[VMON_A_CMDLINE]		= "cmdline",
	[VMON_A_MAP]			= "map",
	[VMON_A_MAP_START]		= "map_start",
	[VMON_A_MAP_END]		= "map_end",
	[VMON_A_MAP_PGOFF]		= "map_pgoff",
	[VMON_A_MAP_PATH]		= "map_path",
	[VMON_A_TASKS]			= "tasks",
	[VMON_A_TASKS_OMITTED]		= "tasks_omitted",
	[VMON_A_PARTS_DROPPED]		= "parts_dropped",
	[VMON_A_CFG_MAX_TASKS]		= "cfg_max_tasks",
	[VMON_A_CFG_STACK_BYTES]	= "cfg_stack_bytes",
	[VMON_A_STAT_SNAPSHOTS]		= "stat_snapshots",
	[VMON_A_METRIC]			= "metric",
	[VMON_A_MEM_FD]			= "mem_fd",
	[VMON_A_CFG_MAX_USER_WATCHES]	= "cfg_max_user_watches",
	[VMON_A_CFG_MIN_USER_INTERVAL_NS] = "cfg_min_user_interval_ns",
	[VMON_A_CFG_MAX_CPU]		= "cfg_max_cpu",
	[VMON_A_CFG_MAX_USER_CPU]	= "cfg_max_user_cpu",
	[VMON_A_CFG_CPU]		= "cfg_cpu",
	[VMON_A_CFG_CHECK_NS]		= "cfg_check_ns",
	[VMON_A_CFG_USER_WATCHES]	= "cfg_user_watches",
	[VMON_A_CFG_USER_PINNED]	= "cfg_user_pinned",
	[VMON_A_STAT_LATE]		= "stat_late",
	[VMON_A_STAT_SKIPPED]		= "stat_skipped",
	[VMON_A_STAT_BACKOFF]		= "stat_backoff",
};

const char *vmon__attr_name(int type)
{
	if (type > 0 && type <= VMON_A_MAX && attr_names[type])
		return attr_names[type];
	return NULL;
}

/* Copies a string attribute that may lack its NUL or be too long. */
void vmon__name(char dst[VMON_NAME_MAX], const struct nlattr *nla)
{
	size_t n = 0;

	if (nla) {
		n = (size_t)nla_len(nla);
		if (n > VMON_NAME_MAX - 1)
			n = VMON_NAME_MAX - 1;
		memcpy(dst, nla_data(nla), n);
	}
	dst[n] = '\0';
}

/*
 * Split a vmon message into attributes, refusing short ones so readers
 * can use nla_get_*() without checks.  Unknown (newer) attributes are
 * ignored: the kernel may grow the protocol.
 */
int vmon__parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	int i;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EPROTO;
	if (genlmsg_parse(nlh, 0, tb, VMON_A_MAX, NULL) < 0)
		return -EPROTO;
	for (i = 1; i <= VMON_A_MAX; i++)
		if (tb[i] && nla_len(tb[i]) < attr_minlen[i])
			return -EPROTO;
	return 0;
}

struct nl_msg *vmon__msg(struct vmon *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags,
			 cmd, VMON_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Names the attribute of our request that an extack offset points into. */
static const char *offending_attr(const struct vmon_req *req, uint32_t offs)
{
	const struct nlmsghdr *sent;
	const struct nlattr *nla;

	if (!req || !req->msg)
		return NULL;
	sent = nlmsg_hdr(req->msg);
	if (offs < NLMSG_HDRLEN || (uint64_t)offs + NLA_HDRLEN > sent->nlmsg_len)
		return NULL;
	nla = (const struct nlattr *)((const char *)sent + offs);
	return vmon__attr_name(nla->nla_type & NLA_TYPE_MASK);
}

/*
 * The kernel refused a request.  Its extack message, when it sent one, is
 * the best explanation there is; else say which attribute it blamed, else
 * fall back to strerror.
 */
static void kernel_error(struct vmon *h, struct vmon_req *req,
			 const struct nlmsghdr *nlh, size_t off, int error)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	const char *attr = NULL;
	const char *why;

	if (error > 0)
		error = -error;
	if (error == 0)
		error = -EPROTO;
	why = strerror(-error);
	req->error = error;

	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < plen)
		nla_parse(tb, NLMSGERR_ATTR_MAX,
			  (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
			  (int)(plen - off), NULL);

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		int n = nla_len(tb[NLMSGERR_ATTR_MSG]);
		const char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);

		n = (int)strnlen(s, (size_t)n);
		vmon__seterr(h, error, "%.*s", n, s);
		return;
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		uint32_t t = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

		attr = vmon__attr_name((int)t);
		if (attr)
			vmon__seterr(h, error, "%s (missing attribute %s)", why, attr);
		else
			vmon__seterr(h, error, "%s (missing attribute %u)", why, t);
		return;
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		attr = offending_attr(req, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (attr)
		vmon__seterr(h, error, "%s (attribute %s)", why, attr);
	else
		vmon__seterr(h, error, "%s", why);
}

/* NLMSG_ERROR: an ACK when error is 0. */
static void input_error(struct vmon *h, const struct nlmsghdr *nlh,
			struct vmon_req *req)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t off = sizeof(*e);

	req->done = true;
	if (plen < sizeof(*e)) {
		req->error = vmon__seterr(h, -EPROTO,
					  "truncated error message from the kernel");
		return;
	}
	if (e->error == 0)
		return;
	/* Without CAP_ACK (old kernels) our request is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	kernel_error(h, req, nlh, off, e->error);
}

/* NLMSG_DONE ends a dump; a failed dump puts its errno (and extack) here. */
static void input_done(struct vmon *h, const struct nlmsghdr *nlh,
		       struct vmon_req *req)
{
	int error = 0;

	req->done = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&error, NLMSG_DATA(nlh), sizeof(int));
	if (error)
		kernel_error(h, req, nlh, sizeof(int), error);
}

static void input_reply(struct vmon *h, struct nlmsghdr *nlh,
			struct vmon_req *req)
{
	struct nlattr *tb[VMON_A_MAX + 1];
	int err;

	/* After a failure keep draining to the ACK, but parse nothing more. */
	if (req->error || !req->fn)
		return;
	if (vmon__parse(nlh, tb) < 0) {
		req->error = vmon__seterr(h, -EPROTO,
					  "malformed reply from the kernel");
		return;
	}
	err = req->fn(h, tb, req->arg);
	if (err < 0)
		req->error = err;
}

static void input_notification(struct vmon *h, struct nlmsghdr *nlh)
{
	struct nlattr *tb[VMON_A_MAX + 1];

	/* A malformed notification cannot be delivered; drop it. */
	if (vmon__parse(nlh, tb) < 0)
		return;
	vmon__notify(h, nlh, tb, genlmsg_hdr(nlh)->cmd);
}

/* Handle one datagram from the kernel: notifications, and req's replies. */
void vmon__input(struct vmon *h, const void *buf, size_t len,
		 struct vmon_req *req)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int rem = (int)len;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		/* Event notifications: multicast or unicast, always seq 0. */
		if (nlh->nlmsg_seq == 0) {
			if (nlh->nlmsg_type == h->family)
				input_notification(h, nlh);
			continue;
		}
		/* A late answer to a request that gave up: nobody wants it. */
		if (!req || req->done || nlh->nlmsg_seq != req->seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			req->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			break;
		case NLMSG_ERROR:
			input_error(h, nlh, req);
			break;
		case NLMSG_DONE:
			input_done(h, nlh, req);
			break;
		default:
			if (nlh->nlmsg_type == h->family)
				input_reply(h, nlh, req);
			break;
		}
	}
}

/*
 * Read one datagram without blocking.  Returns 1 if one was read (or the
 * kernel reported an overrun), 0 if nothing is pending, or -errno.
 */
int vmon__recv(struct vmon *h, struct vmon_req *req)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = h->rbuf, .iov_len = VMON_RBUF_SIZE };
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do
		n = recvmsg(h->fd, &mh, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		/* The receive buffer overflowed: notifications were dropped. */
		if (errno == ENOBUFS) {
			h->overrun = true;
			vmon__pending_overrun(h);
			return 1;
		}
		return vmon__syserr(h, -errno, "cannot receive from the kernel");
	}
	if (mh.msg_flags & MSG_TRUNC)
		return vmon__seterr(h, -EMSGSIZE,
				    "a message from the kernel did not fit in %d bytes",
				    VMON_RBUF_SIZE);
	/* Only the kernel (port 0) speaks for vmon; ignore other senders. */
	if (mh.msg_namelen < sizeof(sa) || sa.nl_family != AF_NETLINK ||
	    sa.nl_pid != 0)
		return 1;
	vmon__input(h, h->rbuf, (size_t)n, req);
	return 1;
}

/*
 * Send msg (always freed) and process what comes back until the kernel's
 * ACK, error or NLMSG_DONE.  Returns 0 or -errno with h->err set.
 */
int vmon__request(struct vmon *h, struct nl_msg *msg, struct vmon_req *req)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int64_t deadline;
	int err;

	/* Sequence 0 marks notifications, so requests never use it. */
	if (++h->seq == 0)
		h->seq = 1;
	nlh->nlmsg_seq = req->seq = h->seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	req->msg = msg;
	req->done = false;
	req->intr = false;
	req->error = 0;

	err = nl_send_auto(h->sk, msg);
	if (err < 0) {
		err = vmon__seterr(h, vmon__nlerr_to_errno(err),
				   "cannot send to the kernel: %s",
				   nl_geterror(err));
		goto out;
	}

	deadline = now_ms() + VMON_REPLY_TIMEOUT_MS;
	while (!req->done) {
		struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
		int64_t left;

		err = vmon__recv(h, req);
		if (err < 0)
			goto out;
		if (err > 0)
			continue;
		left = deadline - now_ms();
		if (left <= 0) {
			/* An overflowing receive buffer also drops replies. */
			err = vmon__seterr(h, -ETIMEDOUT, h->overrun ?
					   "no reply from the kernel (lost: the socket's receive buffer overflowed)" :
					   "no reply from the kernel");
			goto out;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			err = vmon__syserr(h, -errno, "poll");
			goto out;
		}
	}
	err = req->error;
out:
	nlmsg_free(msg);
	req->msg = NULL;
	return err;
}

/* A new zeroed row at the end of rows; NULL (message set) when out of memory. */
void *vmon__row_add(struct vmon *h, struct vmon_rows *rows)
{
	char *row;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 16;
		void *p = realloc(rows->v, cap * rows->size);

		if (!p) {
			vmon__seterr(h, -ENOMEM, "out of memory");
			return NULL;
		}
		rows->v = p;
		rows->cap = cap;
	}
	row = (char *)rows->v + rows->n++ * rows->size;
	memset(row, 0, rows->size);
	return row;
}

int vmon__dump(struct vmon *h, uint8_t cmd, pid_t pid, vmon_reply_fn fn,
	       struct vmon_rows *rows, const char *what)
{
	struct vmon_req req = { .fn = fn, .arg = rows };
	struct nl_msg *msg;
	int err, tries;

	err = vmon__check(h);
	if (err < 0)
		return err;
	for (tries = 0; tries < VMON_DUMP_TRIES; tries++) {
		msg = vmon__msg(h, cmd, NLM_F_DUMP);
		if (!msg || (pid > 0 && nla_put_u32(msg, VMON_A_PID, (uint32_t)pid) < 0)) {
			nlmsg_free(msg);
			return vmon__seterr(h, -ENOMEM, "out of memory building a request");
		}
		rows->n = 0;
		memset(&req, 0, sizeof(req));
		req.fn = fn;
		req.arg = rows;
		err = vmon__request(h, msg, &req);
		if (err < 0 || !req.intr)
			return err;
	}
	return vmon__seterr(h, -EAGAIN, "%s kept changing while being read", what);
}
