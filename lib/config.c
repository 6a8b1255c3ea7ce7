// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon module-wide settings and per-interval statistics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "internal.h"


#define VMON_CFG_ALL	(VMON_CFG_DEFAULT_INTERVAL | VMON_CFG_MIN_INTERVAL | \
			 VMON_CFG_DEFAULT_COOLDOWN | VMON_CFG_MAX_WATCHES | \
			 VMON_CFG_MAX_TASKS | VMON_CFG_STACK_BYTES)

static int config_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct vmon_config *cfg = arg;

	(void)h;
	cfg->default_interval_ns = vmon__u64(tb, VMON_A_CFG_DEFAULT_INTERVAL_NS);
	cfg->min_interval_ns = vmon__u64(tb, VMON_A_CFG_MIN_INTERVAL_NS);
	cfg->default_cooldown_ns = vmon__u64(tb, VMON_A_CFG_DEFAULT_COOLDOWN_NS);
	cfg->max_watches = vmon__u32(tb, VMON_A_CFG_MAX_WATCHES);
	cfg->watches = vmon__u32(tb, VMON_A_CFG_WATCHES);
	cfg->max_tasks = vmon__u32(tb, VMON_A_CFG_MAX_TASKS);
	cfg->stack_bytes = vmon__u32(tb, VMON_A_CFG_STACK_BYTES);
	return 0;
}

int vmon_config_get(struct vmon *h, struct vmon_config *cfg)
{
	struct vmon_req req = { .fn = config_reply, .arg = cfg };
	struct nl_msg *msg;
	int err;

	err = vmon__check(h);
	if (err < 0)
		return err;
	if (!cfg)
		return vmon__seterr(h, -EINVAL, "no configuration buffer");
	memset(cfg, 0, sizeof(*cfg));
	msg = vmon__msg(h, VMON_CMD_CONFIG_GET, 0);
	if (!msg)
		return vmon__seterr(h, -ENOMEM, "out of memory");
	return vmon__request(h, msg, &req);
}

int vmon_config_set(struct vmon *h, const struct vmon_config *cfg,
		    unsigned int mask)
{
	struct vmon_req req = { .fn = NULL };
	struct nl_msg *msg;
	int err = 0;

	err = vmon__check(h);
	if (err < 0)
		return err;
	if (!cfg || !mask || (mask & ~VMON_CFG_ALL))
		return vmon__seterr(h, -EINVAL, "nothing valid to set");
	msg = vmon__msg(h, VMON_CMD_CONFIG_SET, 0);
	if (!msg)
		return vmon__seterr(h, -ENOMEM, "out of memory");
	if (mask & VMON_CFG_DEFAULT_INTERVAL)
		err |= nla_put_u64(msg, VMON_A_CFG_DEFAULT_INTERVAL_NS,
				   cfg->default_interval_ns);
	if (mask & VMON_CFG_MIN_INTERVAL)
		err |= nla_put_u64(msg, VMON_A_CFG_MIN_INTERVAL_NS,
				   cfg->min_interval_ns);
	if (mask & VMON_CFG_DEFAULT_COOLDOWN)
		err |= nla_put_u64(msg, VMON_A_CFG_DEFAULT_COOLDOWN_NS,
				   cfg->default_cooldown_ns);
	if (mask & VMON_CFG_MAX_WATCHES)
		err |= nla_put_u32(msg, VMON_A_CFG_MAX_WATCHES, cfg->max_watches);
	if (mask & VMON_CFG_MAX_TASKS)
		err |= nla_put_u32(msg, VMON_A_CFG_MAX_TASKS, cfg->max_tasks);
	if (mask & VMON_CFG_STACK_BYTES)
		err |= nla_put_u32(msg, VMON_A_CFG_STACK_BYTES, cfg->stack_bytes);
	if (err) {
		nlmsg_free(msg);
		return vmon__seterr(h, -ENOMEM, "out of memory");
	}
	return vmon__request(h, msg, &req);
}

static int stats_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct vmon_group_stats *s = vmon__row_add(h, arg);

	if (!s)
		return -ENOMEM;
	s->interval_ns = vmon__u64(tb, VMON_A_INTERVAL_NS);
	s->watches = vmon__u32(tb, VMON_A_STAT_WATCHES);
	s->fires = vmon__u64(tb, VMON_A_STAT_FIRES);
	s->checks = vmon__u64(tb, VMON_A_STAT_CHECKS);
	s->ns_total = vmon__u64(tb, VMON_A_STAT_NS_TOTAL);
	s->ns_max = vmon__u64(tb, VMON_A_STAT_NS_MAX);
	s->triggers = vmon__u64(tb, VMON_A_STAT_TRIGGERS);
	s->events_sent = vmon__u64(tb, VMON_A_STAT_EVENTS_SENT);
	s->events_dropped = vmon__u64(tb, VMON_A_STAT_EVENTS_DROPPED);
	s->snapshots = vmon__u64(tb, VMON_A_STAT_SNAPSHOTS);
	s->late = vmon__u64(tb, VMON_A_STAT_LATE);
	s->skipped = vmon__u64(tb, VMON_A_STAT_SKIPPED);
	s->backoff = vmon__u32(tb, VMON_A_STAT_BACKOFF);
	return 0;
}

int vmon_stats(struct vmon *h, vmon_stats_cb cb, void *arg)
{
	struct vmon_rows rows = { .size = sizeof(struct vmon_group_stats) };
	const struct vmon_group_stats *s;
	size_t i;
	int err;

	err = vmon__dump(h, VMON_CMD_STATS, 0, stats_reply, &rows,
			 "the statistics");
	for (i = 0, s = rows.v; !err && i < rows.n; i++)
		err = cb ? cb(&s[i], arg) : 0;
	free(rows.v);
	return err;
}
