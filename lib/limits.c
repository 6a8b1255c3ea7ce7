// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon resource limits: the per-user and CPU settings and their use. */
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "internal.h"

#define VMON_LIM_ALL	(VMON_LIM_MAX_USER_WATCHES | VMON_LIM_MIN_USER_INTERVAL | \
			 VMON_LIM_MAX_CPU | VMON_LIM_MAX_USER_CPU)

static int limits_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct vmon_limits *lim = arg;

	(void)h;
	lim->max_user_watches = vmon__u32(tb, VMON_A_CFG_MAX_USER_WATCHES);
	lim->min_user_interval_ns = vmon__u64(tb, VMON_A_CFG_MIN_USER_INTERVAL_NS);
	lim->max_cpu = vmon__u32(tb, VMON_A_CFG_MAX_CPU);
	lim->max_user_cpu = vmon__u32(tb, VMON_A_CFG_MAX_USER_CPU);
	lim->cpu = vmon__u32(tb, VMON_A_CFG_CPU);
	lim->check_ns = vmon__u64(tb, VMON_A_CFG_CHECK_NS);
	lim->user_watches = vmon__u32(tb, VMON_A_CFG_USER_WATCHES);
	lim->user_pinned = vmon__u32(tb, VMON_A_CFG_USER_PINNED);
	return 0;
}

int vmon_limits_get(struct vmon *h, struct vmon_limits *lim)
{
	struct vmon_req req = { .fn = limits_reply, .arg = lim };
	struct nl_msg *msg;
	int err;

	err = vmon__check(h);
	if (err < 0)
		return err;
	if (!lim)
		return vmon__seterr(h, -EINVAL, "no limits buffer");
	memset(lim, 0, sizeof(*lim));
	msg = vmon__msg(h, VMON_CMD_CONFIG_GET, 0);
	if (!msg)
		return vmon__seterr(h, -ENOMEM, "out of memory");
	return vmon__request(h, msg, &req);
}

int vmon_limits_set(struct vmon *h, const struct vmon_limits *lim,
		    unsigned int mask)
{
	struct vmon_req req = { .fn = NULL };
	struct nl_msg *msg;
	int err;

	err = vmon__check(h);
	if (err < 0)
		return err;
	if (!lim || !mask || (mask & ~VMON_LIM_ALL))
		return vmon__seterr(h, -EINVAL, "nothing valid to set");
	msg = vmon__msg(h, VMON_CMD_CONFIG_SET, 0);
	if (!msg)
		return vmon__seterr(h, -ENOMEM, "out of memory");
	if (mask & VMON_LIM_MAX_USER_WATCHES)
		err |= nla_put_u32(msg, VMON_A_CFG_MAX_USER_WATCHES,
				   lim->max_user_watches);
	if (mask & VMON_LIM_MIN_USER_INTERVAL)
		err |= nla_put_u64(msg, VMON_A_CFG_MIN_USER_INTERVAL_NS,
				   lim->min_user_interval_ns);
	if (mask & VMON_LIM_MAX_CPU)
		err |= nla_put_u32(msg, VMON_A_CFG_MAX_CPU, lim->max_cpu);
	if (mask & VMON_LIM_MAX_USER_CPU)
		err |= nla_put_u32(msg, VMON_A_CFG_MAX_USER_CPU, lim->max_user_cpu);
	if (err) {
		nlmsg_free(msg);
		return vmon__seterr(h, -ENOMEM, "out of memory");
	}
	return vmon__request(h, msg, &req);
}
