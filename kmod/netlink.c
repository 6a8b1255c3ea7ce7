// SPDX-License-Identifier: GPL-2.0
/*
 * The "vmon" generic netlink family: per-command strict policies, the
 * request handlers and the dumps.  Every refusal carries an extack
 * message that names the attribute and the reason.
 */
#include <net/sock.h>
#include "vmon.h"

bool vmon_caller_admin(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_SYS_ADMIN);
}

static kuid_t vmon_caller_uid(const struct sk_buff *skb)
{
	return vmon_sock_uid(NETLINK_CB(skb).sk);
}

/*
 * Listing and deleting: your own user's watches made in your pid namespace
 * or below it, or any with CAP_SYS_ADMIN (ns.c).
 */
bool vmon_may_manage(const struct sk_buff *skb, const struct vmon_watch *w)
{
	return vmon_ns_visible(w, vmon_caller_uid(skb), vmon_caller_admin(skb));
}

static const struct nla_policy vmon_watch_add_policy[VMON_A_MAX + 1] = {
	[VMON_A_PID]		= { .type = NLA_U32 },
	[VMON_A_ADDR]		= { .type = NLA_U64 },
	[VMON_A_LEN]		= { .type = NLA_U8 },
	[VMON_A_WATCH_FLAGS]	= NLA_POLICY_MASK(NLA_U32, VMON_WATCH_F_ALL),
	[VMON_A_OP]		= NLA_POLICY_MAX(NLA_U8, VMON_OP_MAX),
	[VMON_A_THRESHOLD]	= { .type = NLA_U64 },
	[VMON_A_INTERVAL_NS]	= { .type = NLA_U64 },
	[VMON_A_COOLDOWN_NS]	= { .type = NLA_U64 },
	[VMON_A_NAME]		= { .type = NLA_NUL_STRING },
	[VMON_A_SCOPE]		= NLA_POLICY_MAX(NLA_U8, VMON_SCOPE_MAX),
	[VMON_A_METRIC]		= NLA_POLICY_RANGE(NLA_U8, 1, VMON_METRIC_MAX),
	[VMON_A_MEM_FD]		= { .type = NLA_S32 },
};

static const struct nla_policy vmon_watch_del_policy[VMON_A_MAX + 1] = {
	[VMON_A_WATCH_ID]	= { .type = NLA_U32 },
	[VMON_A_DEL_ALL]	= { .type = NLA_FLAG },
	[VMON_A_PID]		= { .type = NLA_U32 },
};

static const struct nla_policy vmon_dump_policy[VMON_A_MAX + 1] = {
	[VMON_A_PID]		= { .type = NLA_U32 },
};

static const struct nla_policy vmon_config_policy[VMON_A_MAX + 1] = {
	[VMON_A_CFG_DEFAULT_INTERVAL_NS]	= { .type = NLA_U64 },
	[VMON_A_CFG_MIN_INTERVAL_NS]		= { .type = NLA_U64 },
	[VMON_A_CFG_DEFAULT_COOLDOWN_NS]	= { .type = NLA_U64 },
	[VMON_A_CFG_MAX_WATCHES]		= { .type = NLA_U32 },
	[VMON_A_CFG_MAX_TASKS]			= { .type = NLA_U32 },
	[VMON_A_CFG_STACK_BYTES]		= { .type = NLA_U32 },
	[VMON_A_CFG_MAX_USER_WATCHES]		= { .type = NLA_U32 },
	[VMON_A_CFG_MIN_USER_INTERVAL_NS]	= { .type = NLA_U64 },
	[VMON_A_CFG_MAX_CPU]			= NLA_POLICY_RANGE(NLA_U32, 1, 1000),
	[VMON_A_CFG_MAX_USER_CPU]		= NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

static int vmon_reply(struct genl_info *info, u8 cmd, u16 attr, u32 val)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vmon_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, attr, val)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vmon_watch_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vmon_acct_req acct = {
		.admin = vmon_caller_admin(skb),
		.ipc_lock = netlink_capable(skb, CAP_IPC_LOCK),
	};
	u32 id;
	int ret;

	ret = vmon_watch_add(info, NETLINK_CB(skb).sk, &acct,
			     vmon_caller_uid(skb), &id);
	if (ret)
		return ret;
	return vmon_reply(info, VMON_CMD_WATCH_ADD, VMON_A_WATCH_ID, id);
}

static int vmon_watch_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct vmon_watch *w;
	unsigned long id;
	unsigned int n = 0;
	LIST_HEAD(batch);
	pid_t pid = 0;
	int ret = 0;

	if (!!a[VMON_A_WATCH_ID] + !!a[VMON_A_DEL_ALL] + !!a[VMON_A_PID] != 1) {
		NL_SET_ERR_MSG(extack, "give exactly one of: watch id, all, pid");
		return -EINVAL;
	}
	if (a[VMON_A_PID]) {
		pid = nla_get_u32(a[VMON_A_PID]);
		/* 0 would match every watch: a filter that is not one. */
		if (pid <= 0) {
			vmon_errf_attr(extack, a[VMON_A_PID], "pid %d is not a process", pid);
			return -EINVAL;
		}
	}

	mutex_lock(&vmon_lock);
	if (a[VMON_A_WATCH_ID]) {
		id = nla_get_u32(a[VMON_A_WATCH_ID]);
		w = xa_load(&vmon_watch_ids, id);
		/* Another user's watch is answered as absent: ids are not a probe. */
		if (!w || !vmon_may_manage(skb, w)) {
			vmon_errf_attr(extack, a[VMON_A_WATCH_ID],
				       "no watch with id %lu", id);
			ret = -ENOENT;
		} else {
			list_add_tail(&w->batch_node, &batch);
			n++;
		}
	} else {
		xa_for_each(&vmon_watch_ids, id, w) {
			if (pid && !vmon_ns_pid_is(w, pid))
				continue;
			if (!vmon_may_manage(skb, w))
				continue;
			list_add_tail(&w->batch_node, &batch);
			n++;
		}
	}
	if (!ret)
		vmon_watches_remove(&batch, false);
	mutex_unlock(&vmon_lock);
	if (ret)
		return ret;
	return vmon_reply(info, VMON_CMD_WATCH_DEL, VMON_A_COUNT, n);
}

static int vmon_put_watch(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct vmon_watch *w)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vmon_family, NLM_F_MULTI, VMON_CMD_DUMP);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (vmon_put_ident(skb, w, vmon_ns_watch_pid(w)) ||
	    nla_put_u64_64bit(skb, VMON_A_INTERVAL_NS, w->interval_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_COOLDOWN_NS, w->cooldown_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_HITS, READ_ONCE(w->hits), VMON_A_PAD) ||
	    nla_put_u8(skb, VMON_A_SCOPE, w->scope) ||
	    (w->owner_portid &&
	     nla_put_u32(skb, VMON_A_OWNER_PORTID, w->owner_portid))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: the next watch id to visit. */
static int vmon_dump_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **a = vmon_dump_attrs(cb);
	pid_t pid = a[VMON_A_PID] ? nla_get_u32(a[VMON_A_PID]) : 0;
	struct vmon_watch *w;
	unsigned long id;

	mutex_lock(&vmon_lock);
	cb->seq = vmon_generation;
	xa_for_each_start(&vmon_watch_ids, id, w, cb->args[0]) {
		if ((pid && !vmon_ns_pid_is(w, pid)) || !vmon_may_manage(cb->skb, w))
			continue;
		if (vmon_put_watch(skb, cb, w))
			break;
		cb->args[0] = id + 1;
	}
	if (!w)
		cb->args[0] = ULONG_MAX;
	mutex_unlock(&vmon_lock);
	return skb->len;
}

static int vmon_put_config(struct sk_buff *msg, kuid_t uid)
{
	u64 cost = vmon_check_cost_ns();
	u32 watches, pinned;

	vmon_user_use(uid, &watches, &pinned);
	if (nla_put_u64_64bit(msg, VMON_A_CFG_DEFAULT_INTERVAL_NS,
			      vmon_cfg.default_interval_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(msg, VMON_A_CFG_MIN_INTERVAL_NS,
			      vmon_cfg.min_interval_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(msg, VMON_A_CFG_DEFAULT_COOLDOWN_NS,
			      vmon_cfg.default_cooldown_ns, VMON_A_PAD) ||
	    nla_put_u32(msg, VMON_A_CFG_MAX_WATCHES, vmon_cfg.max_watches) ||
	    nla_put_u32(msg, VMON_A_CFG_WATCHES, vmon_nr_watches) ||
	    nla_put_u32(msg, VMON_A_CFG_MAX_TASKS, vmon_cfg.max_tasks) ||
	    nla_put_u32(msg, VMON_A_CFG_STACK_BYTES, vmon_cfg.stack_bytes) ||
	    nla_put_u32(msg, VMON_A_CFG_MAX_USER_WATCHES, vmon_cfg.max_user_watches) ||
	    nla_put_u64_64bit(msg, VMON_A_CFG_MIN_USER_INTERVAL_NS,
			      vmon_cfg.min_user_interval_ns, VMON_A_PAD) ||
	    nla_put_u32(msg, VMON_A_CFG_MAX_CPU, vmon_cfg.max_cpu) ||
	    nla_put_u32(msg, VMON_A_CFG_MAX_USER_CPU, vmon_cfg.max_user_cpu) ||
	    nla_put_u32(msg, VMON_A_CFG_CPU, min_t(u64, vmon_cpu_estimate(cost), U32_MAX)) ||
	    nla_put_u64_64bit(msg, VMON_A_CFG_CHECK_NS, cost, VMON_A_PAD) ||
	    nla_put_u32(msg, VMON_A_CFG_USER_WATCHES, watches) ||
	    nla_put_u32(msg, VMON_A_CFG_USER_PINNED, pinned))
		return -EMSGSIZE;
	return 0;
}

static int vmon_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;
	int ret;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vmon_family, 0, VMON_CMD_CONFIG_GET);
	mutex_lock(&vmon_lock);
	ret = hdr ? vmon_put_config(msg, vmon_caller_uid(skb)) : -EMSGSIZE;
	mutex_unlock(&vmon_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vmon_config_check(const struct vmon_config *c, struct nlattr **a,
			     struct netlink_ext_ack *extack)
{
	if (c->min_interval_ns < VMON_INTERVAL_FLOOR_NS ||
	    c->min_interval_ns > VMON_INTERVAL_MAX_NS) {
		vmon_errf_attr(extack, a[VMON_A_CFG_MIN_INTERVAL_NS],
			       "min_interval must be %llu..%llu ns",
			       VMON_INTERVAL_FLOOR_NS, VMON_INTERVAL_MAX_NS);
		return -ERANGE;
	}
	if (c->default_interval_ns < c->min_interval_ns ||
	    c->default_interval_ns > VMON_INTERVAL_MAX_NS) {
		vmon_errf_attr(extack, a[VMON_A_CFG_DEFAULT_INTERVAL_NS],
			       "default_interval must be %llu..%llu ns (min_interval..max)",
			       c->min_interval_ns, VMON_INTERVAL_MAX_NS);
		return -ERANGE;
	}
	if (c->default_cooldown_ns > VMON_COOLDOWN_MAX_NS) {
		vmon_errf_attr(extack, a[VMON_A_CFG_DEFAULT_COOLDOWN_NS],
			       "default_cooldown must be at most %llu ns",
			       VMON_COOLDOWN_MAX_NS);
		return -ERANGE;
	}
	if (!c->max_watches || c->max_watches > VMON_WATCHES_LIMIT) {
		vmon_errf_attr(extack, a[VMON_A_CFG_MAX_WATCHES],
			       "max_watches must be 1..%u", VMON_WATCHES_LIMIT);
		return -ERANGE;
	}
	if (!c->max_tasks || c->max_tasks > VMON_TASKS_LIMIT) {
		vmon_errf_attr(extack, a[VMON_A_CFG_MAX_TASKS],
			       "max_tasks must be 1..%u", VMON_TASKS_LIMIT);
		return -ERANGE;
	}
	/* Below min_interval it is not reached: the higher floor holds. */
	if (c->min_user_interval_ns < VMON_INTERVAL_FLOOR_NS ||
	    c->min_user_interval_ns > VMON_INTERVAL_MAX_NS) {
		vmon_errf_attr(extack, a[VMON_A_CFG_MIN_USER_INTERVAL_NS],
			       "min_user_interval must be %llu..%llu ns",
			       VMON_INTERVAL_FLOOR_NS, VMON_INTERVAL_MAX_NS);
		return -ERANGE;
	}
	/* Above max_watches (max_cpu) a per-user limit is just not reached. */
	if (!c->max_user_watches || c->max_user_watches > VMON_WATCHES_LIMIT) {
		vmon_errf_attr(extack, a[VMON_A_CFG_MAX_USER_WATCHES],
			       "max_user_watches must be 1..%u", VMON_WATCHES_LIMIT);
		return -ERANGE;
	}
	if (c->stack_bytes > VMON_STACK_BYTES_MAX) {
		vmon_errf_attr(extack, a[VMON_A_CFG_STACK_BYTES],
			       "stack_bytes must be 0..%u", VMON_STACK_BYTES_MAX);
		return -ERANGE;
	}
	return 0;
}

static int vmon_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vmon_config c;
	int ret;

	if (!vmon_caller_admin(skb)) {
		NL_SET_ERR_MSG(info->extack,
			       "changing the configuration needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	mutex_lock(&vmon_lock);
	c = vmon_cfg;
	if (a[VMON_A_CFG_DEFAULT_INTERVAL_NS])
		c.default_interval_ns = nla_get_u64(a[VMON_A_CFG_DEFAULT_INTERVAL_NS]);
	if (a[VMON_A_CFG_MIN_INTERVAL_NS])
		c.min_interval_ns = nla_get_u64(a[VMON_A_CFG_MIN_INTERVAL_NS]);
	if (a[VMON_A_CFG_DEFAULT_COOLDOWN_NS])
		c.default_cooldown_ns = nla_get_u64(a[VMON_A_CFG_DEFAULT_COOLDOWN_NS]);
	if (a[VMON_A_CFG_MAX_WATCHES])
		c.max_watches = nla_get_u32(a[VMON_A_CFG_MAX_WATCHES]);
	if (a[VMON_A_CFG_MAX_TASKS])
		c.max_tasks = nla_get_u32(a[VMON_A_CFG_MAX_TASKS]);
	if (a[VMON_A_CFG_STACK_BYTES])
		c.stack_bytes = nla_get_u32(a[VMON_A_CFG_STACK_BYTES]);
	if (a[VMON_A_CFG_MAX_USER_WATCHES])
		c.max_user_watches = nla_get_u32(a[VMON_A_CFG_MAX_USER_WATCHES]);
	if (a[VMON_A_CFG_MIN_USER_INTERVAL_NS])
		c.min_user_interval_ns = nla_get_u64(a[VMON_A_CFG_MIN_USER_INTERVAL_NS]);
	if (a[VMON_A_CFG_MAX_CPU])
		c.max_cpu = nla_get_u32(a[VMON_A_CFG_MAX_CPU]);
	if (a[VMON_A_CFG_MAX_USER_CPU])
		c.max_user_cpu = nla_get_u32(a[VMON_A_CFG_MAX_USER_CPU]);
	ret = vmon_config_check(&c, a, info->extack);
	if (!ret)
		vmon_cfg = c;	/* all or nothing */
	mutex_unlock(&vmon_lock);
	return ret;
}

static int vmon_put_group(struct sk_buff *skb, struct netlink_callback *cb,
			  const struct vmon_group *g, u32 nr)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vmon_family, NLM_F_MULTI, VMON_CMD_STATS);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u64_64bit(skb, VMON_A_INTERVAL_NS, g->interval_ns, VMON_A_PAD) ||
	    nla_put_u32(skb, VMON_A_STAT_WATCHES, nr) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_FIRES, READ_ONCE(g->fires), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_CHECKS, READ_ONCE(g->checks), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_NS_TOTAL, READ_ONCE(g->ns_total), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_NS_MAX, READ_ONCE(g->ns_max), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_TRIGGERS, READ_ONCE(g->triggers), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_EVENTS_SENT,
			      atomic64_read(&g->events_sent), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_EVENTS_DROPPED,
			      atomic64_read(&g->events_dropped), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_SNAPSHOTS,
			      atomic64_read(&g->snapshots), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_LATE, READ_ONCE(g->late), VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_STAT_SKIPPED, READ_ONCE(g->skipped), VMON_A_PAD) ||
	    nla_put_u32(skb, VMON_A_STAT_BACKOFF, READ_ONCE(g->backoff))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The caller's watches in g: all of them with CAP_SYS_ADMIN. */
static u32 vmon_group_visible(const struct sk_buff *skb, const struct vmon_group *g)
{
	struct vmon_watch *w;
	unsigned long id;
	u32 n = 0;

	if (vmon_caller_admin(skb))
		return g->nr;
	xa_for_each(&vmon_watch_ids, id, w)
		n += w->group == g && vmon_may_manage(skb, w);
	return n;
}

/*
 * cb->args[0]: groups already visited, in list order.  A caller without
 * CAP_SYS_ADMIN sees the groups its own watches are in, with their count;
 * the timer's figures are the group's, shared by whoever watches at that
 * interval.
 */
static int vmon_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	bool admin = vmon_caller_admin(cb->skb);
	struct vmon_group *g;
	long i = 0;
	u32 nr;

	mutex_lock(&vmon_lock);
	cb->seq = vmon_generation;
	list_for_each_entry(g, &vmon_groups, node) {
		if (i++ < cb->args[0])
			continue;
		nr = vmon_group_visible(cb->skb, g);
		if ((nr || admin) && vmon_put_group(skb, cb, g, nr))
			break;
		cb->args[0]++;
	}
	mutex_unlock(&vmon_lock);
	return skb->len;
}

static const struct genl_ops vmon_ops[] = {
	{
		.cmd = VMON_CMD_WATCH_ADD,
		.doit = vmon_watch_add_doit,
		.policy = vmon_watch_add_policy,
		.maxattr = VMON_A_MAX,
	},
	{
		.cmd = VMON_CMD_WATCH_DEL,
		.doit = vmon_watch_del_doit,
		.policy = vmon_watch_del_policy,
		.maxattr = VMON_A_MAX,
	},
	{
		.cmd = VMON_CMD_DUMP,
		.dumpit = vmon_dump_dumpit,
		.policy = vmon_dump_policy,
		.maxattr = VMON_A_MAX,
	},
	{
		.cmd = VMON_CMD_CONFIG_GET,
		.doit = vmon_config_get_doit,
	},
	{
		.cmd = VMON_CMD_CONFIG_SET,
		.doit = vmon_config_set_doit,
		.policy = vmon_config_policy,
		.maxattr = VMON_A_MAX,
	},
	{
		.cmd = VMON_CMD_STATS,
		.dumpit = vmon_stats_dumpit,
	},
};

/*
 * The events group exists only where joining it can be limited to
 * CAP_SYS_ADMIN (compat.h): elsewhere any user could read every snapshot.
 */
#ifdef VMON_MCAST_RESTRICTED
static const struct genl_multicast_group vmon_mcgrps[] = {
	{ .name = VMON_MCGRP_EVENTS, .flags = VMON_MCAST_FLAGS },
};
#define VMON_FAMILY_MCGRPS .mcgrps = vmon_mcgrps, .n_mcgrps = ARRAY_SIZE(vmon_mcgrps),
#else
#define VMON_FAMILY_MCGRPS
#endif

struct genl_family vmon_family __ro_after_init = {
	.name = VMON_GENL_NAME,
	.version = VMON_GENL_VERSION,
	.maxattr = VMON_A_MAX,
	.netnsok = true,
	.parallel_ops = true,	/* vmon_lock serializes what needs it */
	.module = THIS_MODULE,
	.ops = vmon_ops,
	.n_ops = ARRAY_SIZE(vmon_ops),
	VMON_FAMILY_MCGRPS
	VMON_GENL_RESV_START_OP
};

int vmon_netlink_init(void)
{
	return genl_register_family(&vmon_family);
}

void vmon_netlink_exit(void)
{
	genl_unregister_family(&vmon_family);
}
