/* libvmon module-wide settings and per-interval statistics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "internal.h"

#define VMON_DUMP_TRIES		8

#define VMON_CFG_ALL	(VMON_CFG_DEFAULT_INTERVAL | VMON_CFG_MIN_INTERVAL | \
			 VMON_CFG_DEFAULT_COOLDOWN | VMON_CFG_MAX_WATCHES)

static int config_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct vmon_config *cfg = arg;

	(void)h;
	cfg->default_interval_ns = vmon__u64(tb, VMON_A_CFG_DEFAULT_INTERVAL_NS);
	cfg->min_interval_ns = vmon__u64(tb, VMON_A_CFG_MIN_INTERVAL_NS);
	cfg->default_cooldown_ns = vmon__u64(tb, VMON_A_CFG_DEFAULT_COOLDOWN_NS);
	cfg->max_watches = vmon__u32(tb, VMON_A_CFG_MAX_WATCHES);
	cfg->watches = vmon__u32(tb, VMON_A_CFG_WATCHES);
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
	if (err) {
		nlmsg_free(msg);
		return vmon__seterr(h, -ENOMEM, "out of memory");
	}
	return vmon__request(h, msg, &req);
}

struct stats_list {
	struct vmon_group_stats *s;
	size_t n, cap;
};

static int stats_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	struct stats_list *l = arg;
	struct vmon_group_stats *s;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		void *p = realloc(l->s, cap * sizeof(*l->s));

		if (!p)
			return vmon__seterr(h, -ENOMEM, "out of memory");
		l->s = p;
		l->cap = cap;
	}
	s = &l->s[l->n++];
	s->interval_ns = vmon__u64(tb, VMON_A_INTERVAL_NS);
	s->watches = vmon__u32(tb, VMON_A_STAT_WATCHES);
	s->fires = vmon__u64(tb, VMON_A_STAT_FIRES);
	s->checks = vmon__u64(tb, VMON_A_STAT_CHECKS);
	s->ns_total = vmon__u64(tb, VMON_A_STAT_NS_TOTAL);
	s->ns_max = vmon__u64(tb, VMON_A_STAT_NS_MAX);
	s->triggers = vmon__u64(tb, VMON_A_STAT_TRIGGERS);
	s->events_sent = vmon__u64(tb, VMON_A_STAT_EVENTS_SENT);
	s->events_dropped = vmon__u64(tb, VMON_A_STAT_EVENTS_DROPPED);
	return 0;
}

int vmon_stats(struct vmon *h, vmon_stats_cb cb, void *arg)
{
	struct stats_list l = { NULL, 0, 0 };
	struct vmon_req req = { .fn = stats_reply, .arg = &l };
	struct nl_msg *msg;
	size_t i;
	int err, tries;

	err = vmon__check(h);
	if (err < 0)
		return err;
	/* Collected first so a retried dump never calls back twice. */
	for (tries = 0; ; tries++) {
		msg = vmon__msg(h, VMON_CMD_STATS, NLM_F_DUMP);
		if (!msg) {
			err = vmon__seterr(h, -ENOMEM, "out of memory");
			goto out;
		}
		l.n = 0;
		err = vmon__request(h, msg, &req);
		if (err < 0)
			goto out;
		if (!req.intr)
			break;
		if (tries + 1 == VMON_DUMP_TRIES) {
			err = vmon__seterr(h, -EAGAIN,
					   "the statistics kept changing while being read");
			goto out;
		}
	}
	for (i = 0; i < l.n; i++) {
		err = cb ? cb(&l.s[i], arg) : 0;
		if (err)
			break;
	}
out:
	free(l.s);
	return err;
}
