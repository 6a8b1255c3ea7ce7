/*
 * The answer to one generic netlink request, for the test programs that
 * speak to vmon.ko past libvmon: the error (0 for an ACK), the kernel's
 * extack message (or the missing attribute it named) and a WATCH_ADD's id.
 */
#ifndef VMON_NL_ANSWER_H
#define VMON_NL_ANSWER_H

#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>

struct nl_answer {
	int done;
	int err;			/* 0 or -errno */
	char msg[256];			/* the kernel's extack message */
	uint32_t id;			/* WATCH_ADD reply */
};

static inline int nl_answer_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct nl_answer *r = arg;
	const struct nlattr *a, *tlvs;
	int off, len;

	(void)who;
	r->done = 1;
	r->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = (int)sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += (int)e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	tlvs = (const struct nlattr *)((const char *)e + off);
	a = nla_find(tlvs, len, NLMSGERR_ATTR_MSG);
	if (a)
		snprintf(r->msg, sizeof(r->msg), "%.*s", nla_len(a), (const char *)nla_data(a));
	a = nla_find(tlvs, len, NLMSGERR_ATTR_MISS_TYPE);
	if (a && !r->msg[0])
		snprintf(r->msg, sizeof(r->msg), "missing attribute %u",
			 nla_get_u32((struct nlattr *)a));
	return NL_STOP;
}

static inline int nl_answer_ack(struct nl_msg *m, void *arg)
{
	(void)m;
	((struct nl_answer *)arg)->done = 1;
	return NL_STOP;
}

#endif
