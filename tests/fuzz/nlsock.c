/*
 * vmon-fuzz: raw generic netlink sockets, no library in between, so that
 * any byte sequence can be sent.  The kernel handles a request inside
 * sendmsg(), so once send() returns, every answer it caused is queued:
 * reading until EAGAIN collects them (and drives a dump to its end).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vmon.h>
#include "fuzz.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

uint16_t fz_family;
uint32_t fz_events_group;

#define NLA_OK(a, rem) ((rem) >= (int)sizeof(struct nlattr) && \
			(a)->nla_len >= sizeof(struct nlattr) && (a)->nla_len <= (rem))
#define NLA_NEXT(a, rem) ((rem) -= NLA_ALIGN((a)->nla_len), \
			  (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))
#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

int fz_open(struct fz_sock *s, uint32_t bind_portid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = bind_portid };
	socklen_t sl = sizeof(sa);
	int one = 1, rcv = 1 << 20;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (rng_chance(2))
		setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (rng_chance(4))
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl) < 0) {
		int err = -errno;

		close(s->fd);
		s->fd = -1;
		return err;
	}
	s->portid = sa.nl_pid;
	return 0;
}

void fz_close(struct fz_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int fz_join_events(struct fz_sock *s)
{
	int g = (int)fz_events_group;

	if (!g)
		return -ENOENT;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
		return -errno;
	return 0;
}

static void parse_reply(const struct nlmsghdr *nlh, struct fz_answer *ans)
{
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	int rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	struct nlattr *a = (struct nlattr *)((char *)gh + GENL_HDRLEN);

	for (; NLA_OK(a, rem); a = NLA_NEXT(a, rem)) {
		unsigned int t = a->nla_type & NLA_TYPE_MASK;
		uint64_t v = 0;

		if (a->nla_len == NLA_HDRLEN + 4)
			v = *(uint32_t *)NLA_DATA(a);
		else if (a->nla_len == NLA_HDRLEN + 8)
			memcpy(&v, NLA_DATA(a), 8);
		if (t == VMON_A_WATCH_ID && gh->cmd == VMON_CMD_DUMP) {
			if (ans->n_dumped < sizeof(ans->dumped) / sizeof(ans->dumped[0]))
				ans->dumped[ans->n_dumped++] = (uint32_t)v;
		} else if (t == VMON_A_WATCH_ID) {
			ans->watch_id = (uint32_t)v;
		} else if (t >= VMON_A_CFG_DEFAULT_INTERVAL_NS && t <= VMON_A_CFG_MAX_WATCHES) {
			ans->cfg[t - VMON_A_CFG_DEFAULT_INTERVAL_NS] = v;
		} else if (t == VMON_A_CFG_MAX_TASKS || t == VMON_A_CFG_STACK_BYTES) {
			ans->cfg[5 + t - VMON_A_CFG_MAX_TASKS] = v;
		} else if (t >= VMON_A_CFG_MAX_USER_WATCHES && t <= VMON_A_CFG_MAX_USER_CPU) {
			ans->cfg[7 + t - VMON_A_CFG_MAX_USER_WATCHES] = v;
		}
	}
}

/* Read what is queued; an answer is the first ERROR/DONE carrying seq. */
static void drain(struct fz_sock *s, uint32_t seq, struct fz_answer *ans,
		  struct fz_counts *c)
{
	static char buf[65536];
	struct nlmsghdr *nlh;
	ssize_t n;
	int rem;

	for (;;) {
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				c->overruns++;
				continue;
			}
			if (errno == EINTR)
				continue;
			return;
		}
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
			bool mine = seq && nlh->nlmsg_seq == seq && nlh->nlmsg_pid == s->portid;

			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				if (!mine || !ans || ans->answered)
					continue;
				ans->answered = true;
				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					ans->error = *(int *)NLMSG_DATA(nlh);
				continue;
			}
			if (nlh->nlmsg_type == fz_family && mine && ans)
				parse_reply(nlh, ans);
			else
				c->events++;
		}
	}
}

int fz_request(struct fz_sock *s, const void *buf, size_t len, uint32_t seq,
	       struct fz_answer *ans, struct fz_counts *c)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	memset(ans, 0, sizeof(*ans));
	n = sendto(s->fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	c->sent++;
	if (n < 0) {
		/* A send the socket layer refused (e.g. too short) is a refusal too. */
		ans->answered = true;
		ans->error = -errno;
	} else {
		drain(s, seq, ans, c);
	}
	if (!ans->answered)
		c->unanswered++;
	else if (ans->error) {
		c->refused++;
		if (-ans->error > 0 && -ans->error < 136)
			c->by_errno[-ans->error]++;
	}
	else
		c->accepted++;
	return ans->answered ? ans->error : -ENODATA;
}

static size_t put_attr(char *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(p + NLA_HDRLEN, data, len);
	memset(p + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	return NLA_ALIGN(a->nla_len);
}

int fz_simple(struct fz_sock *s, uint8_t cmd, uint16_t flags,
	      const uint16_t *types, const uint64_t *vals, unsigned int n,
	      struct fz_answer *ans, struct fz_counts *c)
{
	static uint32_t seq = 1u << 31;
	char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int i;

	memset(buf, 0, off);
	for (i = 0; i < n; i++) {
		uint16_t k = fz_attr_kind(types[i]);
		uint64_t v = vals ? vals[i] : 0;	/* no values: flags only */
		uint32_t v32 = (uint32_t)v;
		uint8_t v8 = (uint8_t)v;

		if (k == 1)
			off += put_attr(buf + off, types[i], &v8, 1);
		else if (k == 4)
			off += put_attr(buf + off, types[i], &v32, 4);
		else if (k == 8)
			off += put_attr(buf + off, types[i], &v, 8);
		else
			off += put_attr(buf + off, types[i], NULL, 0);
	}
	nlh->nlmsg_len = (uint32_t)off;
	nlh->nlmsg_type = fz_family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	gh->cmd = cmd;
	gh->version = VMON_GENL_VERSION;
	return fz_request(s, buf, off, seq, ans, c);
}

/* CTRL_CMD_GETFAMILY "vmon": the family id and the "events" group id. */
int fz_resolve(void)
{
	char buf[8192] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct pollfd pfd;
	struct fz_sock s;
	struct nlattr *a, *g, *ga;
	int rem, grem, garem, err;
	ssize_t n;

	err = fz_open(&s, 0);
	if (err)
		return err;
	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 2;
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN +
		put_attr(buf + NLMSG_HDRLEN + GENL_HDRLEN, CTRL_ATTR_FAMILY_NAME,
			 VMON_GENL_NAME, sizeof(VMON_GENL_NAME));
	if (sendto(s.fd, buf, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto out_errno;
	pfd = (struct pollfd){ .fd = s.fd, .events = POLLIN };
	if (poll(&pfd, 1, 5000) <= 0 || (n = recv(s.fd, buf, sizeof(buf), 0)) < 0)
		goto out_errno;
	err = -ENOENT;
	if (!NLMSG_OK(nlh, (int)n) || nlh->nlmsg_type != GENL_ID_CTRL)
		goto out;
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (a = (struct nlattr *)(buf + NLMSG_HDRLEN + GENL_HDRLEN); NLA_OK(a, rem); a = NLA_NEXT(a, rem)) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			fz_family = *(uint16_t *)NLA_DATA(a);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		grem = a->nla_len - NLA_HDRLEN;
		for (g = NLA_DATA(a); NLA_OK(g, grem); g = NLA_NEXT(g, grem)) {
			uint32_t id = 0;
			bool events = false;

			garem = g->nla_len - NLA_HDRLEN;
			for (ga = NLA_DATA(g); NLA_OK(ga, garem); ga = NLA_NEXT(ga, garem)) {
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = *(uint32_t *)NLA_DATA(ga);
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(NLA_DATA(ga), VMON_MCGRP_EVENTS))
					events = true;
			}
			if (events)
				fz_events_group = id;
		}
	}
	err = fz_family ? 0 : -ENOENT;
	goto out;
out_errno:
	err = -errno;
out:
	fz_close(&s);
	return err;
}

int fz_open_mem(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}
