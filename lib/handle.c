// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon handle: open, close, error messages, event subscription. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "symbolize.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int vmon__seterr(struct vmon *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return err;
}

/* "what: strerror" for errors that come from a system call, not the kernel's vmon. */
int vmon__syserr(struct vmon *h, int err, const char *what)
{
	return vmon__seterr(h, err, "%s: %s", what, strerror(-err));
}

/*
 * libnl reports its own NLE_* codes; callers of libvmon get -errno.  libnl
 * maps errno to NLE_* (lossily), so this is the best inverse for the codes
 * its socket and message calls can return.
 */
int vmon__nlerr_to_errno(int nlerr)
{
	static const int map[][2] = {
		{ NLE_INTR, EINTR },		{ NLE_BAD_SOCK, EBADF },
		{ NLE_AGAIN, EAGAIN },		{ NLE_NOMEM, ENOMEM },
		{ NLE_EXIST, EEXIST },		{ NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },		{ NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },	{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENOENT },	{ NLE_NOATTR, ENOENT },
		{ NLE_MISSING_ATTR, EINVAL },	{ NLE_SEQ_MISMATCH, EPROTO },
		{ NLE_MSG_OVERFLOW, EMSGSIZE },	{ NLE_MSG_TRUNC, EMSGSIZE },
		{ NLE_NOADDR, EADDRNOTAVAIL },	{ NLE_SRCRT_NOSUPPORT, EOPNOTSUPP },
		{ NLE_MSG_TOOSHORT, EPROTO },	{ NLE_MSGTYPE_NOSUPPORT, EOPNOTSUPP },
		{ NLE_OBJ_MISMATCH, EINVAL },	{ NLE_NOCACHE, ENOENT },
		{ NLE_BUSY, EBUSY },		{ NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
		{ NLE_NOACCESS, EACCES },	{ NLE_PERM, EPERM },
		{ NLE_PKTLOC_FILE, ENOENT },	{ NLE_PARSE_ERR, EINVAL },
		{ NLE_NODEV, ENODEV },		{ NLE_IMMUTABLE, EPERM },
		{ NLE_DUMP_INTR, EINTR },	{ NLE_ATTRSIZE, ERANGE },
	};
	size_t i;

	if (nlerr < 0)
		nlerr = -nlerr;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == nlerr)
			return -map[i][1];
	return -EIO;
}

struct vmon *vmon__alloc(void)
{
	struct vmon *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->fd = -1;
	h->mcgrp = -1;
	h->rbuf = malloc(VMON_RBUF_SIZE);
	if (!h->rbuf) {
		free(h);
		return NULL;
	}
	return h;
}

/* Calls on a handle whose vmon_open() failed repeat its error. */
int vmon__check(struct vmon *h)
{
	if (!h)
		return -EINVAL;
	if (h->family > 0)
		return 0;
	if (h->open_err)
		return h->open_err;
	return vmon__seterr(h, -ENOTCONN, "the handle is not connected");
}

/* Ask for a big receive buffer: SO_RCVBUFFORCE passes rmem_max when privileged. */
static void set_rcvbuf(int fd)
{
	int size = VMON_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int connect_and_resolve(struct vmon *h)
{
	int one = 1;
	int err;

	h->sk = nl_socket_alloc();
	if (!h->sk)
		return vmon__seterr(h, -ENOMEM, "out of memory");
	err = genl_connect(h->sk);
	if (err < 0)
		return vmon__seterr(h, vmon__nlerr_to_errno(err),
				    "cannot open a generic netlink socket: %s",
				    nl_geterror(err));
	h->fd = nl_socket_get_fd(h->sk);
	/*
	 * The kernel explains its refusals in extended ACK attributes; without
	 * NETLINK_EXT_ACK we would only get a bare errno.  CAP_ACK keeps error
	 * messages small (no copy of our request).  Kernels without them just
	 * give errno-only errors, so failure here is not fatal.
	 */
	setsockopt(h->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(h->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	set_rcvbuf(h->fd);

	/*
	 * Resolve both names now, while no watch exists: libnl's resolver
	 * reads the socket with strict sequence checks, which a queued event
	 * notification would trip later on.
	 */
	err = genl_ctrl_resolve(h->sk, VMON_GENL_NAME);
	if (err == -NLE_OBJ_NOTFOUND)
		return vmon__seterr(h, -ENOENT,
				    "the vmon kernel module is not loaded: load it with 'modprobe vmon' (or 'insmod kmod/vmon.ko' in a source tree)");
	if (err < 0)
		return vmon__seterr(h, vmon__nlerr_to_errno(err),
				    "cannot look up the vmon netlink family: %s",
				    nl_geterror(err));
	h->family = err;
	h->mcgrp = genl_ctrl_resolve_grp(h->sk, VMON_GENL_NAME,
					 VMON_MCGRP_EVENTS);

	/* We ask for ACKs ourselves, only on requests that are not dumps. */
	nl_socket_disable_auto_ack(h->sk);
	return 0;
}

int vmon_open(struct vmon **hp)
{
	struct vmon *h;
	int err;

	if (!hp)
		return -EINVAL;
	*hp = h = vmon__alloc();
	if (!h)
		return -ENOMEM;
	err = connect_and_resolve(h);
	if (err < 0) {
		h->family = 0;
		h->open_err = err;
		return err;
	}
	h->err[0] = '\0';
	return 0;
}

void vmon_close(struct vmon *h)
{
	if (!h)
		return;
	/* Closing the socket is what makes the kernel drop our watches. */
	if (h->sk)
		nl_socket_free(h->sk);
	vmon__pending_free(h);
	vmon__queue_free(h);
	vmon__symcache_free(h->symcache);
	free(h->q);
	free(h->rbuf);
	free(h);
}

const char *vmon_errmsg(const struct vmon *h)
{
	if (!h)
		return "out of memory";
	return h->err;
}

int vmon_fd(const struct vmon *h)
{
	return h ? h->fd : -1;
}

int vmon_subscribe(struct vmon *h)
{
	int err = vmon__check(h);

	if (err < 0)
		return err;
	if (h->subscribed)
		return 0;
	if (h->mcgrp < 0)
		return vmon__seterr(h, -EOPNOTSUPP,
				    "this kernel cannot limit multicast listeners to CAP_SYS_ADMIN (GENL_MCAST_CAP_SYS_ADMIN: Linux 6.7, or a 6.1/6.6 stable kernel with it), so vmon offers no events group; each watch's owner still gets its events ('vmon watch')");
	/* setsockopt directly: libnl would fold EPERM and EACCES together. */
	if (setsockopt(h->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &h->mcgrp,
		       sizeof(h->mcgrp)) < 0) {
		err = -errno;
		if (err == -EPERM || err == -EACCES)
			return vmon__seterr(h, err,
					    "permission denied (needs CAP_SYS_ADMIN)");
		return vmon__syserr(h, err, "cannot join the events group");
	}
	h->subscribed = true;
	/* Our own watches' past events say nothing about global gaps. */
	h->have_seq = false;
	return 0;
}
