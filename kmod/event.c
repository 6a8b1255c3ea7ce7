// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications: EVENT when a watch fires, WATCH_GONE when one ends on its
 * own.  Each goes by unicast to the watch's owner socket and by multicast
 * to the "events" group of the watch's network namespace (the owner
 * excluded, so it never gets two).  A sequence number per namespace,
 * assigned in send order, lets a listener count what it lost when its
 * socket overflowed.  A trigger's snapshot parts (snapshot.c) follow its
 * EVENT through the same two paths.
 */
#include <net/netns/generic.h>
#include "vmon.h"

static DEFINE_MUTEX(vmon_send_lock);
static unsigned int vmon_net_id __read_mostly;

struct vmon_net {
	u64 event_seq;		/* under vmon_send_lock */
};

static struct pernet_operations vmon_net_ops = {
	.id = &vmon_net_id,
	.size = sizeof(struct vmon_net),
};

int vmon_events_init(void)
{
	return register_pernet_subsys(&vmon_net_ops);
}

void vmon_events_exit(void)
{
	unregister_pernet_subsys(&vmon_net_ops);
}

/*
 * The attributes that name a watch: in notifications (pid: as its creator
 * named it) and in DUMP (as the caller numbers it).
 */
int vmon_put_ident(struct sk_buff *skb, const struct vmon_watch *w, pid_t pid)
{
	if (nla_put_u32(skb, VMON_A_WATCH_ID, w->id) ||
	    nla_put_string(skb, VMON_A_NAME, w->name))
		return -EMSGSIZE;
	if (w->metric) {
		if (nla_put_u8(skb, VMON_A_METRIC, w->metric))
			return -EMSGSIZE;
	} else if (nla_put_u32(skb, VMON_A_PID, pid) ||
		   nla_put_u64_64bit(skb, VMON_A_ADDR, w->addr, VMON_A_PAD) ||
		   nla_put_u8(skb, VMON_A_LEN, w->len)) {
		return -EMSGSIZE;
	}
	if (nla_put_u32(skb, VMON_A_WATCH_FLAGS, w->flags) ||
	    nla_put_u8(skb, VMON_A_OP, w->op) ||
	    nla_put_u64_64bit(skb, VMON_A_THRESHOLD, w->threshold, VMON_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static bool vmon_mcast_listeners(const struct vmon_watch *w)
{
#ifdef VMON_MCAST_RESTRICTED
	return vmon_ns_multicast(w) && genl_has_listeners(&vmon_family, w->net, 0);
#else
	return false;	/* an unrestricted group would leak to any user */
#endif
}

/*
 * Send a finished message to the owner (unicast) and, with mcast, to the
 * events group, the owner excluded.  Returns whether anyone got it; ownerr
 * says how the unicast went (0, or why it failed).  Only events (not
 * snapshot parts, whose losses SNAP_END reports) count in the statistics.
 */
static bool vmon_send(struct vmon_watch *w, struct sk_buff *skb, bool mcast,
		      int *ownerr, bool event)
{
	struct vmon_group *g = w->group;
	struct sk_buff *copy;
	bool sent = false;
	int ret;

	*ownerr = 0;
	if (w->owner_portid) {
		/* Its port id may be someone else's already: only to the live socket. */
		if (!vmon_owner_alive(w->owner_sk)) {
			ret = -ECONNREFUSED;
			if (!mcast)
				nlmsg_free(skb);	/* handed to no one */
		} else {
			/* Netlink never writes a sent skb's data: share it. */
			copy = mcast ? skb_clone(skb, GFP_KERNEL) : skb;
			ret = copy ? genlmsg_unicast(w->net, copy, w->owner_portid) :
				     -ENOMEM;
		}
		*ownerr = ret;
		if (!ret) {
			sent = true;
			if (event)
				atomic64_inc(&g->events_sent);
		} else if (ret != -ECONNREFUSED && event) {	/* owner gone: nothing lost */
			atomic64_inc(&g->events_dropped);
		}
		if (!mcast)
			return sent;
	}
	ret = genlmsg_multicast_netns(&vmon_family, w->net, skb, w->owner_portid,
				      0, GFP_KERNEL);
	if (!ret) {
		sent = true;
		if (event)
			atomic64_inc(&g->events_sent);
	} else if (ret != -ESRCH && event) {
		atomic64_inc(&g->events_dropped);
	}
	return sent;
}

/*
 * Number and deliver a finished EVENT or WATCH_GONE.  Send order equals
 * sequence order because both happen under vmon_send_lock.  Returns the
 * message's sequence number when anyone got it, else 0.
 */
static u64 vmon_deliver(struct vmon_watch *w, struct sk_buff *skb, void *hdr,
			bool mcast, u64 unsent)
{
	struct vmon_net *vn = net_generic(w->net, vmon_net_id);
	u64 seq = 0;
	int ownerr;

	mutex_lock(&vmon_send_lock);
	w->lost += unsent;
	if (w->owner_portid && w->lost &&
	    nla_put_u64_64bit(skb, VMON_A_LOST, w->lost, VMON_A_PAD))
		goto drop;
	if (nla_put_u64_64bit(skb, VMON_A_SEQ, vn->event_seq + 1, VMON_A_PAD))
		goto drop;
	genlmsg_end(skb, hdr);
	seq = ++vn->event_seq;
	if (!vmon_send(w, skb, mcast, &ownerr, true))
		seq = 0;
	if (!ownerr)
		w->lost = 0;
	else if (ownerr != -ECONNREFUSED)
		w->lost++;
	goto out;
drop:
	nlmsg_free(skb);
	atomic64_inc(&w->group->events_dropped);
out:
	mutex_unlock(&vmon_send_lock);
	return seq;
}

static struct sk_buff *vmon_event_start(struct vmon_watch *w, u8 cmd,
					void **hdr, bool *mcast)
{
	struct sk_buff *skb;

	*mcast = vmon_mcast_listeners(w);
	if (!w->owner_portid && !*mcast)
		return NULL;	/* nobody to tell */
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		goto nomem;
	*hdr = genlmsg_put(skb, 0, 0, &vmon_family, 0, cmd);
	if (!*hdr || vmon_put_ident(skb, w, w->pid_nr)) {
		nlmsg_free(skb);
		goto nomem;
	}
	return skb;
nomem:
	atomic64_inc(&w->group->events_dropped);
	return NULL;
}

u64 vmon_event_send_trigger(struct vmon_watch *w,
			    const struct vmon_trigger_snap *snap)
{
	struct sk_buff *skb;
	bool mcast;
	void *hdr;

	skb = vmon_event_start(w, VMON_CMD_EVENT, &hdr, &mcast);
	if (!skb)
		return 0;
	if ((w->scope != VMON_SCOPE_NONE && nla_put_flag(skb, VMON_A_SNAPSHOT)) ||
	    nla_put_u64_64bit(skb, VMON_A_VALUE, snap->value, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_TIME_REAL_NS, snap->time_real_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_TIME_MONO_NS, snap->time_mono_ns, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_HITS, snap->hits, VMON_A_PAD) ||
	    nla_put_u64_64bit(skb, VMON_A_SUPPRESSED, snap->suppressed, VMON_A_PAD)) {
		nlmsg_free(skb);
		atomic64_inc(&w->group->events_dropped);
		return 0;
	}
	return vmon_deliver(w, skb, hdr, mcast, snap->unsent);
}

/*
 * A snapshot part: a message that follows its EVENT, named by the EVENT's
 * sequence number, sized by the caller.  Parts carry no sequence number
 * of their own: a listener tells a complete snapshot by its SNAP_END.
 */
struct sk_buff *vmon_part_start(struct vmon_watch *w, u8 cmd, u64 trigger_seq,
				size_t size, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &vmon_family, 0, cmd);
	if (!*hdr || nla_put_u32(skb, VMON_A_WATCH_ID, w->id) ||
	    nla_put_u64_64bit(skb, VMON_A_TRIGGER_SEQ, trigger_seq, VMON_A_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Sends a finished part; false when nobody got it. */
bool vmon_part_send(struct vmon_watch *w, struct sk_buff *skb, void *hdr)
{
	int ownerr;

	genlmsg_end(skb, hdr);
	return vmon_send(w, skb, vmon_mcast_listeners(w), &ownerr, false);
}

void vmon_event_send_gone(struct vmon_watch *w, enum vmon_gone_reason reason)
{
	struct sk_buff *skb;
	bool mcast;
	void *hdr;

	skb = vmon_event_start(w, VMON_CMD_WATCH_GONE, &hdr, &mcast);
	if (!skb)
		return;
	if (nla_put_u32(skb, VMON_A_GONE_REASON, reason)) {
		nlmsg_free(skb);
		atomic64_inc(&w->group->events_dropped);
		return;
	}
	vmon_deliver(w, skb, hdr, mcast, 0);
}
