/* SPDX-License-Identifier: GPL-2.0 */
/* vmon.ko internal interfaces: watches, interval groups, targets, owners. */
#ifndef _VMON_H
#define _VMON_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/kref.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/linux/vmon.h>

#define VMON_INTERVAL_FLOOR_NS	1000ULL			/* 1 us */
#define VMON_INTERVAL_MAX_NS	(3600ULL * NSEC_PER_SEC)	/* 1 h */
#define VMON_COOLDOWN_MAX_NS	(86400ULL * NSEC_PER_SEC)	/* 1 day */
#define VMON_WATCHES_LIMIT	(1U << 22)
#define VMON_TASKS_LIMIT	65536		/* max_tasks: one array of refs */
#define VMON_INTERVAL_BUCKETS	29		/* 1 us, 2 us, 5 us ... 2000 s */
/* The polling estimate (account.c): per check, per tick, until measured. */
#define VMON_CHECK_COST_NS	20
#define VMON_TICK_COST_NS	1000
#define VMON_CHECK_COST_SAMPLES	10000
#define VMON_CHECK_COST_GROUP	64
#define VMON_SNAP_ACTIVE	4	/* captures at once */
#define VMON_BACKOFF_MAX	1024	/* a group slows down at most this much */

struct vmon_group;
struct vmon_target;
struct vmon_owner;
struct vmon_user;
struct vmon_pin_charge;

/* What the timer saw when a watch fired; handed to the event work. */
struct vmon_trigger_snap {
	u64 value;
	u64 time_real_ns;
	u64 time_mono_ns;
	u64 hits;
	u64 suppressed;
	u64 unsent;		/* earlier snapshots replaced before being sent */
};

struct vmon_watch {
	/* Read (and the state part written) by the group's timer only. */
	const void *kaddr;		/* the value, through the pinned page */
	u64 threshold;
	u64 cooldown_ns;
	u8 len;
	u8 op;
	u8 metric;			/* enum vmon_metric; NONE: memory at kaddr */
	bool is_signed;
	bool aligned;
	bool stale;			/* page being invalidated: skip */
	u64 quiet_until;		/* CLOCK_MONOTONIC ns */
	u64 hits;
	u64 suppressed;

	raw_spinlock_t snap_lock;	/* timer -> event work hand-off */
	struct vmon_trigger_snap snap;
	bool snap_fresh;		/* snap not sent yet */
	struct work_struct trigger_work;
	u64 lost;			/* owner unicasts dropped (event work) */

	/* Control plane: immutable after add, or under vmon_lock. */
	u32 id;
	u32 flags;			/* VMON_WATCH_F_* */
	pid_t pid_nr;			/* as the creator named it; 0 for a metric */
	u64 addr;
	u64 interval_ns;
	u8 scope;			/* enum vmon_scope */
	char name[VMON_NAME_MAX];
	kuid_t uid;			/* creator's socket owner */
	bool privileged;		/* creator had CAP_SYS_ADMIN: kernel stacks */
	struct file *mem_file;		/* creator's /proc/PID/mem: its credentials */
	struct path root;		/* creator's root directory, for paths */
	struct pid_namespace *pid_ns;	/* creator's: the numbers its messages carry */
	struct cgroup_namespace *cgroup_ns;	/* creator's: cgroup paths */
	struct net *net;		/* creator's netns (reference) */
	u32 owner_portid;		/* 0 when detached */
	struct sock *owner_sk;		/* reference; unicasts only while it is alive */
	struct pid *pid;
	struct page *page;
	int gone_reason;		/* enum vmon_gone_reason, for a removal batch */
	struct vmon_group *group;
	struct vmon_target *target;	/* NULL for a metric */
	struct vmon_owner *owner;
	struct vmon_user *acct;		/* the creator's account (account.c) */
	struct vmon_pin_charge *charge;	/* its RLIMIT_MEMLOCK page, or NULL */
	bool notify_gone;		/* WATCH_GONE when freed */
	struct rcu_work free_work;	/* freed a grace period after removal */
	struct list_head owner_node;	/* owner->watches */
	struct list_head target_node;	/* target->watches, also target->lock */
	struct list_head batch_node;	/* a removal batch */
	bool dead;			/* being removed */
};

/* One hrtimer per distinct interval, shared by every owner. */
struct vmon_slots {
	unsigned int n;			/* published with release */
	unsigned int cap;
	struct rcu_head rcu;
	struct vmon_watch *w[];
};

struct vmon_group {
	struct list_head node;		/* vmon_groups */
	u64 interval_ns;
	struct hrtimer timer;
	struct vmon_slots __rcu *slots;
	unsigned int nr;		/* watches, under vmon_lock */
	refcount_t refs;		/* nr plus watches removed, not yet freed */
	bool touched;			/* in a removal batch */

	/* written only by the timer callback */
	u64 fires;
	u64 checks;
	u64 ns_total;
	u64 ns_max;
	u64 triggers;
	u64 late;			/* ticks that missed a period */
	u64 skipped;			/* periods missed */
	u32 backoff;			/* period multiplier while overrunning */
	u32 calm;			/* quick ticks since the last overrun */
	u32 late_run;			/* late ticks in a row */
	atomic64_t events_sent;
	atomic64_t events_dropped;
	atomic64_t snapshots;
};

/* Per target mm: invalidation tracking through an mmu_notifier. */
struct vmon_target {
	struct mmu_notifier mn;
	struct kref ref;		/* subscription + each queued work */
	spinlock_t lock;		/* watches list vs. notifier callbacks */
	struct list_head watches;
	unsigned long inval_seq;	/* bumped by every invalidation */
	unsigned int inval_active;	/* invalidations between start and end */
	bool released;			/* the mm went away (exit or exec) */
	struct work_struct work;
};

struct vmon_config {
	u64 default_interval_ns;
	u64 min_interval_ns;
	u64 default_cooldown_ns;
	u32 max_watches;
	u32 max_user_watches;		/* per uid, without CAP_SYS_ADMIN */
	u64 min_user_interval_ns;	/* floor without CAP_SYS_ADMIN */
	u32 max_cpu;			/* polling, per-mille of one CPU */
	u32 max_user_cpu;		/* per uid without CAP_SYS_ADMIN */
	u32 max_tasks;			/* read without the lock by snapshots */
	u32 stack_bytes;
};

/* main.c */
extern struct mutex vmon_lock;
extern struct workqueue_struct *vmon_wq;
extern struct workqueue_struct *vmon_snap_wq;
extern struct workqueue_struct *vmon_free_wq;
extern bool vmon_log_triggers;

/* config.c, under vmon_lock */
extern struct vmon_config vmon_cfg;
extern unsigned int vmon_nr_watches;
extern unsigned long vmon_generation;
extern bool vmon_shutting_down;

/* access.c */
struct vmon_access {
	struct file *file;		/* the caller's /proc/PID/mem */
	struct mm_struct *mm;		/* its address space (mm_users) */
	struct task_struct *task;
	struct pid *pid;
};
void vmon_access_init(void);
int vmon_access_take(struct genl_info *info, pid_t nr, struct vmon_access *a);
bool vmon_access_recheck(struct file *file, struct task_struct *t,
			 struct mm_struct *mm);

/* account.c, under vmon_lock */
struct vmon_acct_req {
	bool admin;			/* CAP_SYS_ADMIN: no per-user limits */
	bool ipc_lock;			/* CAP_IPC_LOCK: no RLIMIT_MEMLOCK charge */
};
void vmon_acct_init(void);
int vmon_acct_admit(struct vmon_watch *w, const struct vmon_acct_req *r,
		    struct netlink_ext_ack *extack);
void vmon_acct_release(struct vmon_watch *w);
void vmon_user_use(kuid_t uid, u32 *watches, u32 *pinned);
u64 vmon_check_cost_ns(void);
u64 vmon_cpu_estimate(u64 cost_ns);
u64 vmon_group_permille(const struct vmon_group *g, u32 extra, u64 cost_ns);
u64 vmon_interval_bucket(u64 interval_ns, u64 min_ns);

/* ns.c */
void vmon_ns_capture(struct vmon_watch *w);
void vmon_ns_release(struct vmon_watch *w);
bool vmon_ns_visible(const struct vmon_watch *w, kuid_t uid, bool admin);
pid_t vmon_ns_watch_pid(const struct vmon_watch *w);
bool vmon_ns_pid_is(const struct vmon_watch *w, pid_t nr);
pid_t vmon_ns_tgid(const struct vmon_watch *w, struct task_struct *t);
pid_t vmon_ns_tid(const struct vmon_watch *w, struct task_struct *t);
void vmon_ns_cgroup(const struct vmon_watch *w, struct task_struct *t,
		    char *buf, size_t len);
bool vmon_ns_multicast(const struct vmon_watch *w);

/* ksyms.c: unexported kernel functions, never on a kernel built with IBT */
void vmon_ksyms_init(void);
unsigned long vmon_ksym(const char *name);
unsigned int vmon_kstack_save(struct task_struct *task, unsigned long *store,
			      unsigned int size);

/* metric.c */
void vmon_metrics_init(void);
const char *vmon_metric_name(u8 metric);
const char *vmon_metric_unavailable(u8 metric);
u64 vmon_metric_read(u8 metric);
void vmon_metric_log(const struct vmon_watch *w, u64 value, const char *op);

/* group.c */
extern struct list_head vmon_groups;
struct vmon_group *vmon_group_lookup(u64 interval_ns);
u64 vmon_group_calibrate(void);
int vmon_group_attach(struct vmon_watch *w);
void vmon_groups_detach(struct list_head *batch);
void vmon_group_put(struct vmon_group *g);

/* target.c */
struct vmon_target *vmon_target_get(struct mm_struct *mm);
void vmon_target_put(struct vmon_target *t);
int vmon_pin(struct mm_struct *mm, u64 addr, bool initial,
	     struct page **page, struct netlink_ext_ack *extack, pid_t pid_nr);
void vmon_target_link(struct vmon_target *t, struct vmon_watch *w,
		      unsigned long seq);
unsigned long vmon_target_seq(struct vmon_target *t);
void vmon_target_unlink(struct vmon_watch *w);

/* owner.c */
int vmon_owner_attach(struct vmon_watch *w, struct net *net, u32 portid,
		      struct sock *sk);
bool vmon_owner_alive(const struct sock *sk);
void vmon_owner_detach(struct vmon_watch *w);
int vmon_owners_init(void);
void vmon_owners_stop(void);
void vmon_owners_free(void);

/* watch.c */
extern struct xarray vmon_watch_ids;
int vmon_watch_add(struct genl_info *info, struct sock *sk,
		   const struct vmon_acct_req *acct, kuid_t uid, u32 *id);
void vmon_watches_remove(struct list_head *batch, bool notify);
void vmon_watches_drain(void);
void vmon_watch_trigger_work(struct work_struct *work);

/* event.c */
extern struct genl_family vmon_family;
int vmon_put_ident(struct sk_buff *skb, const struct vmon_watch *w, pid_t pid);
u64 vmon_event_send_trigger(struct vmon_watch *w,
			    const struct vmon_trigger_snap *snap);
struct sk_buff *vmon_part_start(struct vmon_watch *w, u8 cmd, u64 trigger_seq,
				size_t size, void **hdr);
bool vmon_part_send(struct vmon_watch *w, struct sk_buff *skb, void *hdr);

/* snapshot.c, process.c: a trigger's snapshot, in the trigger work */
#define VMON_PATH_SCRATCH	PATH_MAX
#define VMON_SNAP_SCRATCH	(2 * VMON_PATH_SCRATCH)	/* after the stack bytes in buf */
struct vmon_snap_ctx {
	struct vmon_watch *w;
	struct mm_struct *mm;		/* the watched one (mm_users), or NULL */
	u64 seq;			/* of the EVENT */
	u32 tasks;			/* TASK messages sent */
	u32 omitted;			/* tasks left out */
	u32 dropped;			/* parts that could not be built or sent */
	void *buf;			/* buf_len stack bytes, then VMON_SNAP_SCRATCH */
	u32 buf_len;
};
void vmon_snapshot(struct vmon_watch *w, u64 seq);
int vmon_read_user(struct mm_struct *mm, u64 addr, void *buf, int len);
void vmon_snap_process(struct vmon_snap_ctx *c, struct task_struct *leader,
		       struct mm_struct *mm);
void vmon_event_send_gone(struct vmon_watch *w, enum vmon_gone_reason reason);

int vmon_events_init(void);
void vmon_events_exit(void);

/* netlink.c */
int vmon_netlink_init(void);
void vmon_netlink_exit(void);
bool vmon_caller_admin(const struct sk_buff *skb);
bool vmon_may_manage(const struct sk_buff *skb, const struct vmon_watch *w);

#endif /* _VMON_H */
