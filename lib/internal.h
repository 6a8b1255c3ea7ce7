/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmon internals: the handle, one request in flight, and shared helpers. */
#ifndef VMON_INTERNAL_H
#define VMON_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

/* The library builds with -fvisibility=hidden; its public API is the exception. */
#pragma GCC visibility push(default)
#include "vmon.h"
#pragma GCC visibility pop

/* Never visible outside the library (the version script hides them too). */
#define VMON_INTERNAL __attribute__((visibility("hidden")))

/*
 * Datagrams are read into one buffer per handle.  The kernel never builds a
 * netlink skb larger than 32 KiB for us (dumps cap there), so 64 KiB leaves
 * room and MSG_TRUNC still catches the impossible.
 */
#define VMON_RBUF_SIZE		(64 * 1024)

/* Notifications queued while a request waits, at most this many. */
#define VMON_QUEUE_MAX		16384

/* A request gives up waiting for its reply after this long. */
#define VMON_REPLY_TIMEOUT_MS	10000

/*
 * Triggers waiting for their snapshot parts, at most this many; one whose
 * SNAP_END does not come within VMON_PENDING_MS is delivered as incomplete.
 */
#define VMON_PENDING_MAX	64
#define VMON_PENDING_MS		2000

struct vmon_pending {
	struct vmon_event ev;	/* the trigger; ev.trigger.report fills up */
	uint64_t seq;		/* its EVENT's, named by every part */
	int64_t since_ms;
	uint32_t tasks_sent;	/* as SNAP_END says */
	bool ended;		/* SNAP_END seen */
	bool dropped;		/* a part was lost or could not be stored */
};

/* Receive buffer asked for: event bursts must not overflow it easily. */
#define VMON_RCVBUF		(4 * 1024 * 1024)

struct vmon {
	struct nl_sock *sk;
	int fd;
	int family;		/* generic netlink family id; 0 until resolved */
	int mcgrp;		/* "events" group id; < 0 when unavailable */
	int open_err;		/* why vmon_open() failed, repeated by later calls */
	uint32_t seq;		/* sequence number of the last request sent */
	bool subscribed;
	bool have_seq;		/* last_seq is valid (subscribed handles only) */
	uint64_t last_seq;	/* highest SEQ seen in a notification */
	bool overrun;		/* recv reported ENOBUFS since the last notification */
	uint64_t queue_dropped;	/* notifications dropped because the queue was full */

	struct vmon_pending pend[VMON_PENDING_MAX];
	size_t n_pend;
	struct vmon_symcache *symcache;	/* created by the first report */

	/* Ring of decoded notifications not yet handed to a callback. */
	struct vmon_event *q;
	size_t q_head, q_len, q_cap;

	unsigned char *rbuf;
	char err[256];
};

/* Handles each reply message of a request (not ACK/DONE/ERROR). */
typedef int (*vmon_reply_fn)(struct vmon *h, struct nlattr **tb, void *arg);

struct vmon_req {
	vmon_reply_fn fn;
	void *arg;
	struct nl_msg *msg;	/* the request, to name the attribute an extack points at */
	uint32_t seq;
	bool done;		/* ACK, error or NLMSG_DONE seen */
	bool intr;		/* a dump message carried NLM_F_DUMP_INTR */
	int error;		/* first error: kernel's, or a malformed reply */
};

/* handle.c */
VMON_INTERNAL int vmon__seterr(struct vmon *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
VMON_INTERNAL int vmon__syserr(struct vmon *h, int err, const char *what);
VMON_INTERNAL int vmon__nlerr_to_errno(int nlerr);
VMON_INTERNAL int vmon__check(struct vmon *h);
VMON_INTERNAL struct vmon *vmon__alloc(void);

/* request.c */
VMON_INTERNAL struct nl_msg *vmon__msg(struct vmon *h, uint8_t cmd, int flags);
VMON_INTERNAL int vmon__request(struct vmon *h, struct nl_msg *msg,
				struct vmon_req *req);
VMON_INTERNAL int vmon__recv(struct vmon *h, struct vmon_req *req);
VMON_INTERNAL void vmon__input(struct vmon *h, const void *buf, size_t len,
			       struct vmon_req *req);
VMON_INTERNAL int vmon__parse(struct nlmsghdr *nlh, struct nlattr **tb);

/*
 * A dump's rows, all collected before any callback runs, so a dump retried
 * after NLM_F_DUMP_INTR never reports a row twice.
 */
struct vmon_rows {
	void *v;
	size_t n, cap, size;	/* size: of one row */
};

VMON_INTERNAL void *vmon__row_add(struct vmon *h, struct vmon_rows *rows);
/* Dump cmd (with a PID filter when pid > 0); fn gets rows as its arg. */
VMON_INTERNAL int vmon__dump(struct vmon *h, uint8_t cmd, pid_t pid,
			     vmon_reply_fn fn, struct vmon_rows *rows,
			     const char *what);
VMON_INTERNAL const char *vmon__attr_name(int type);

/*
 * watch.c: checks spec and builds its WATCH_ADD request into *msgp; memfd
 * is the target's open /proc/PID/mem (memory watches; -1 for a metric).
 */
VMON_INTERNAL int vmon__watch_add_msg(struct vmon *h,
				      const struct vmon_watch_spec *spec,
				      int memfd, struct nl_msg **msgp);

/* event.c */
VMON_INTERNAL void vmon__notify(struct vmon *h, struct nlmsghdr *nlh,
			       struct nlattr **tb, int cmd);
VMON_INTERNAL bool vmon__pop(struct vmon *h, struct vmon_event *ev);
/* Queues ev, which takes its report along. */
VMON_INTERNAL void vmon__queue(struct vmon *h, struct vmon_event *ev);
VMON_INTERNAL void vmon__queue_free(struct vmon *h);

/* assemble.c */
VMON_INTERNAL void vmon__pending_start(struct vmon *h, struct vmon_event *ev);
VMON_INTERNAL void vmon__snapshot_part(struct vmon *h, struct nlmsghdr *nlh,
				       struct nlattr **tb, int cmd);
VMON_INTERNAL void vmon__pending_overrun(struct vmon *h);
/* Delivers pending triggers that waited too long (all of them with all). */
VMON_INTERNAL void vmon__pending_expire(struct vmon *h, bool all);
VMON_INTERNAL void vmon__pending_free(struct vmon *h);

/* Helpers for reading attributes vmon__parse() already length-checked. */
static inline uint64_t vmon__u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static inline uint32_t vmon__u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static inline uint8_t vmon__u8(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u8(tb[type]) : 0;
}

VMON_INTERNAL void vmon__name(char dst[VMON_NAME_MAX], const struct nlattr *nla);

#endif /* VMON_INTERNAL_H */
