// SPDX-License-Identifier: GPL-2.0
/*
 * Owners: the netlink sockets that made watches.  When a socket is
 * released (its process closed it or exited), NETLINK_URELEASE arrives in
 * atomic context; the owner is unhashed there and its watches are removed
 * from a work item, in process context.
 *
 * A port id is free for anyone to bind as soon as netlink_release() has
 * unhashed the socket, before the notifier runs and long before the
 * teardown is done.  So an owner is the socket itself (a reference), not
 * its port id: a socket that binds the id next is a different owner, and
 * events go to the owner only while its socket is not orphaned
 * (vmon_owner_alive(), checked before every unicast).
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "vmon.h"

struct vmon_owner {
	struct hlist_node node;		/* vmon_owners, under vmon_owners_lock */
	struct net *net;		/* reference */
	struct sock *sk;		/* reference: the socket, not its port id */
	u32 portid;
	struct list_head watches;	/* under vmon_lock */
	struct work_struct release_work;
};

static DEFINE_HASHTABLE(vmon_owners, 8);
static DEFINE_SPINLOCK(vmon_owners_lock);

static u32 vmon_owner_hash(const struct net *net, u32 portid)
{
	return hash_ptr(net, 32) ^ portid;
}

static struct vmon_owner *vmon_owner_find(const struct net *net, u32 portid,
					  const struct sock *sk)
{
	struct vmon_owner *o;

	hash_for_each_possible(vmon_owners, o, node, vmon_owner_hash(net, portid))
		if (o->sk == sk && o->portid == portid && net_eq(o->net, net))
			return o;
	return NULL;
}

static void vmon_owner_free(struct vmon_owner *o)
{
	sock_put(o->sk);
	put_net(o->net);
	kfree(o);
}

/* netlink_release() orphans the socket right after freeing its port id. */
bool vmon_owner_alive(const struct sock *sk)
{
	return sk && !sock_flag(sk, SOCK_DEAD);
}

static void vmon_owner_release(struct work_struct *work)
{
	struct vmon_owner *o = container_of(work, struct vmon_owner,
					    release_work);
	struct vmon_watch *w;
	LIST_HEAD(batch);

	mutex_lock(&vmon_lock);
	list_for_each_entry(w, &o->watches, owner_node)
		list_add_tail(&w->batch_node, &batch);
	vmon_watches_remove(&batch, false);
	mutex_unlock(&vmon_lock);
	vmon_owner_free(o);
}

/* Attach w to the owner socket sk (net, portid), creating it; under vmon_lock. */
int vmon_owner_attach(struct vmon_watch *w, struct net *net, u32 portid,
		      struct sock *sk)
{
	struct vmon_owner *o, *fresh;

	lockdep_assert_held(&vmon_lock);
	/* Closed while the request ran: its teardown may already be done. */
	if (!vmon_owner_alive(sk))
		return -ECONNRESET;
	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;

	spin_lock_bh(&vmon_owners_lock);
	o = vmon_owner_find(net, portid, sk);
	if (!o) {
		o = fresh;
		fresh = NULL;
		o->net = get_net(net);
		sock_hold(sk);
		o->sk = sk;
		o->portid = portid;
		INIT_LIST_HEAD(&o->watches);
		INIT_WORK(&o->release_work, vmon_owner_release);
		hash_add(vmon_owners, &o->node, vmon_owner_hash(net, portid));
	}
	spin_unlock_bh(&vmon_owners_lock);
	kfree(fresh);

	/*
	 * If the socket is being released right now, the release work is
	 * queued but waits for vmon_lock, and then removes this watch too.
	 */
	list_add_tail(&w->owner_node, &o->watches);
	w->owner = o;
	w->owner_portid = portid;
	sock_hold(sk);
	w->owner_sk = sk;
	return 0;
}

void vmon_owner_detach(struct vmon_watch *w)
{
	lockdep_assert_held(&vmon_lock);
	if (!w->owner)
		return;
	list_del_init(&w->owner_node);
	w->owner = NULL;
}

static int vmon_netlink_notify(struct notifier_block *nb, unsigned long state,
			       void *data)
{
	struct netlink_notify *n = data;
	struct vmon_owner *o;
	struct hlist_node *tmp;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;

	spin_lock_bh(&vmon_owners_lock);
	/* The released socket is the orphaned one; a new one may share its id. */
	hash_for_each_possible_safe(vmon_owners, o, tmp, node,
				    vmon_owner_hash(n->net, n->portid)) {
		if (o->portid != n->portid || !net_eq(o->net, n->net) ||
		    vmon_owner_alive(o->sk))
			continue;
		hash_del(&o->node);
		queue_work(vmon_wq, &o->release_work);
	}
	spin_unlock_bh(&vmon_owners_lock);
	return NOTIFY_DONE;
}

static struct notifier_block vmon_netlink_nb = {
	.notifier_call = vmon_netlink_notify,
};

int vmon_owners_init(void)
{
	return netlink_register_notifier(&vmon_netlink_nb);
}

/* Module exit, first step: no new teardown; queued ones finish. */
void vmon_owners_stop(void)
{
	netlink_unregister_notifier(&vmon_netlink_nb);
	flush_workqueue(vmon_wq);
}

/* Module exit, after every watch is gone: free the owners left. */
void vmon_owners_free(void)
{
	struct hlist_node *tmp;
	struct vmon_owner *o;
	int bkt;

	hash_for_each_safe(vmon_owners, bkt, tmp, o, node) {
		hash_del(&o->node);
		WARN_ON(!list_empty(&o->watches));
		vmon_owner_free(o);
	}
}
