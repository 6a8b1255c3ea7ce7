// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon snapshots: put a trigger's parts (TASK, STACK, PROCESS, SNAP_END) together. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netlink/genl/genl.h>

#include "symbolize.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Grow *v (of *n elements of size) by one zeroed element; NULL when out of memory. */
static void *grow(void **v, size_t *n, size_t size)
{
	char *p = realloc(*v, (*n + 1) * size);

	if (!p)
		return NULL;
	*v = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

static struct vmon_pending *pending_find(struct vmon *h, uint32_t id,
					 uint64_t seq)
{
	size_t i;

	for (i = 0; i < h->n_pend; i++)
		if (h->pend[i].ev.trigger.watch_id == id &&
		    h->pend[i].seq == seq)
			return &h->pend[i];
	return NULL;
}

/* Queue the trigger with what arrived of its snapshot; no longer pending. */
static void pending_finish(struct vmon *h, size_t i)
{
	struct vmon_pending *p = &h->pend[i];
	struct vmon_report *r = p->ev.trigger.report;

	if (!p->ended || p->dropped || r->n_tasks < p->tasks_sent)
		r->incomplete = true;
	vmon__queue(h, &p->ev);
	h->pend[i] = h->pend[--h->n_pend];
}

void vmon__pending_start(struct vmon *h, struct vmon_event *ev)
{
	struct vmon_pending *p;
	size_t i;

	/* A newer trigger of the same watch: the older one's parts are not coming. */
	for (i = 0; i < h->n_pend; i++)
		if (h->pend[i].ev.trigger.watch_id == ev->trigger.watch_id) {
			pending_finish(h, i);
			break;
		}
	if (h->n_pend == VMON_PENDING_MAX)
		pending_finish(h, 0);
	p = &h->pend[h->n_pend];
	memset(p, 0, sizeof(*p));
	p->ev = *ev;
	p->seq = ev->trigger.seq;
	p->since_ms = now_ms();
	p->ev.trigger.report = calloc(1, sizeof(struct vmon_report));
	if (!p->ev.trigger.report) {
		vmon__queue(h, ev);	/* the trigger alone, as without a snapshot */
		return;
	}
	h->n_pend++;
}

/* Parts were dropped by the socket: whatever is pending may miss some. */
void vmon__pending_overrun(struct vmon *h)
{
	size_t i;

	for (i = 0; i < h->n_pend; i++)
		h->pend[i].dropped = true;
}

void vmon__pending_expire(struct vmon *h, bool all)
{
	int64_t now = now_ms();
	size_t i = 0;

	while (i < h->n_pend) {
		if (all || now - h->pend[i].since_ms >= VMON_PENDING_MS)
			pending_finish(h, i);
		else
			i++;
	}
}

void vmon__pending_free(struct vmon *h)
{
	size_t i;

	for (i = 0; i < h->n_pend; i++)
		vmon_report_free(h->pend[i].ev.trigger.report);
	h->n_pend = 0;
}

static char *dup_attr(const struct nlattr *nla)
{
	size_t n = nla ? (size_t)nla_len(nla) : 0;
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, nla_data(nla), n);
	s[n] = '\0';
	return s;
}

static void copy_comm(char dst[VMON_COMM_LEN], const struct nlattr *nla)
{
	size_t n = nla ? (size_t)nla_len(nla) : 0;

	if (n > VMON_COMM_LEN - 1)
		n = VMON_COMM_LEN - 1;
	if (n)
		memcpy(dst, nla_data(nla), n);
	dst[n] = '\0';
}

/* Appends stack bytes that continue the task's copy exactly; else they are lost. */
static bool stack_append(struct vmon_task *t, uint64_t addr,
			 const struct nlattr *data)
{
	size_t n = (size_t)nla_len(data);
	unsigned char *p;

	if (!t->stack_len)
		t->stack_addr = addr;
	else if (addr != t->stack_addr + t->stack_len)
		return false;
	p = realloc(t->stack, t->stack_len + n);
	if (!p)
		return false;
	memcpy(p + t->stack_len, nla_data(data), n);
	t->stack = p;
	t->stack_len += n;
	return true;
}

static bool task_add(struct vmon_report *r, struct nlattr **tb)
{
	struct vmon_task *t = grow((void **)&r->tasks, &r->n_tasks, sizeof(*t));

	if (!t)
		return false;
	t->pid = (pid_t)vmon__u32(tb, VMON_A_PID);
	t->tid = (pid_t)vmon__u32(tb, VMON_A_TID);
	copy_comm(t->comm, tb[VMON_A_COMM]);
	t->state = (char)vmon__u8(tb, VMON_A_TASK_STATE);
	t->cpu = (int)vmon__u32(tb, VMON_A_TASK_CPU);
	t->flags = vmon__u32(tb, VMON_A_TASK_FLAGS);
	t->cgroup = dup_attr(tb[VMON_A_CGROUP]);
	if (!t->cgroup)
		return false;
	if (tb[VMON_A_KSTACK] && nla_len(tb[VMON_A_KSTACK]) >= (int)sizeof(uint64_t)) {
		size_t n = (size_t)nla_len(tb[VMON_A_KSTACK]) / sizeof(uint64_t);

		t->kstack = malloc(n * sizeof(uint64_t));
		if (!t->kstack)
			return false;
		memcpy(t->kstack, nla_data(tb[VMON_A_KSTACK]), n * sizeof(uint64_t));
		t->n_kstack = n;
	}
	if (tb[VMON_A_TASK_REGS]) {
		memcpy(t->regs, nla_data(tb[VMON_A_TASK_REGS]), sizeof(t->regs));
		t->has_regs = true;
	}
	if (tb[VMON_A_STACK_DATA] &&
	    !stack_append(t, vmon__u64(tb, VMON_A_STACK_ADDR), tb[VMON_A_STACK_DATA]))
		return false;
	return true;
}

static bool stack_add(struct vmon_report *r, struct nlattr **tb)
{
	pid_t tid = (pid_t)vmon__u32(tb, VMON_A_TID);
	size_t i;

	if (!tb[VMON_A_STACK_DATA])
		return false;
	for (i = r->n_tasks; i-- > 0;)
		if (r->tasks[i].tid == tid)
			return stack_append(&r->tasks[i], vmon__u64(tb, VMON_A_STACK_ADDR),
					    tb[VMON_A_STACK_DATA]);
	return false;
}

static const struct nla_policy nest_policy[VMON_A_MAX + 1] = {
	[VMON_A_PID]		= { .type = NLA_U32 },
	[VMON_A_MAP_START]	= { .type = NLA_U64 },
	[VMON_A_MAP_END]	= { .type = NLA_U64 },
	[VMON_A_MAP_PGOFF]	= { .type = NLA_U64 },
};

static bool ancestor_add(struct vmon_process *p, struct nlattr *nest)
{
	struct nlattr *tb[VMON_A_MAX + 1];
	struct vmon_ancestor *a;
	size_t i;

	if (nla_parse_nested(tb, VMON_A_MAX, nest, (struct nla_policy *)nest_policy) < 0)
		return false;
	a = grow((void **)&p->chain, &p->n_chain, sizeof(*a));
	if (!a)
		return false;
	a->pid = (pid_t)vmon__u32(tb, VMON_A_PID);
	copy_comm(a->comm, tb[VMON_A_COMM]);
	a->cmdline = dup_attr(tb[VMON_A_CMDLINE]);
	if (!a->cmdline)
		return false;
	/* NUL-separated arguments read as one line; a final NUL ends it. */
	if (tb[VMON_A_CMDLINE]) {
		size_t n = (size_t)nla_len(tb[VMON_A_CMDLINE]);

		while (n && a->cmdline[n - 1] == '\0')
			n--;
		for (i = 0; i < n; i++)
			if (a->cmdline[i] == '\0')
				a->cmdline[i] = ' ';
	}
	return true;
}

static bool map_add(struct vmon_process *p, struct nlattr *nest)
{
	struct nlattr *tb[VMON_A_MAX + 1];
	struct vmon_mapping *m;

	if (nla_parse_nested(tb, VMON_A_MAX, nest, (struct nla_policy *)nest_policy) < 0)
		return false;
	m = grow((void **)&p->maps, &p->n_maps, sizeof(*m));
	if (!m)
		return false;
	m->start = vmon__u64(tb, VMON_A_MAP_START);
	m->end = vmon__u64(tb, VMON_A_MAP_END);
	m->pgoff = vmon__u64(tb, VMON_A_MAP_PGOFF);
	m->path = dup_attr(tb[VMON_A_MAP_PATH]);
	return m->path != NULL;
}

/* A PROCESS part: a new process, or the continuation of the last one. */
static bool process_add(struct vmon_report *r, struct nlmsghdr *nlh,
			struct nlattr **tb)
{
	pid_t pid = (pid_t)vmon__u32(tb, VMON_A_PID);
	struct vmon_process *p = NULL;
	struct nlattr *nla;
	bool ok = true;
	int rem;

	if (r->n_procs && r->procs[r->n_procs - 1].pid == pid)
		p = &r->procs[r->n_procs - 1];
	else
		p = grow((void **)&r->procs, &r->n_procs, sizeof(*p));
	if (!p)
		return false;
	p->pid = pid;
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) == VMON_A_ANCESTOR)
			ok &= ancestor_add(p, nla);
		else if (nla_type(nla) == VMON_A_MAP)
			ok &= map_add(p, nla);
	}
	return ok;
}

void vmon__snapshot_part(struct vmon *h, struct nlmsghdr *nlh,
			 struct nlattr **tb, int cmd)
{
	struct vmon_pending *p;
	struct vmon_report *r;
	bool ok = true;

	p = pending_find(h, vmon__u32(tb, VMON_A_WATCH_ID),
			 vmon__u64(tb, VMON_A_TRIGGER_SEQ));
	if (!p)
		return;		/* its EVENT was lost, or came before we listened */
	r = p->ev.trigger.report;
	switch (cmd) {
	case VMON_CMD_TASK:
		ok = task_add(r, tb);
		break;
	case VMON_CMD_STACK:
		ok = stack_add(r, tb);
		break;
	case VMON_CMD_PROCESS:
		ok = process_add(r, nlh, tb);
		break;
	case VMON_CMD_SNAP_END:
		p->ended = true;
		p->tasks_sent = vmon__u32(tb, VMON_A_TASKS);
		r->tasks_omitted = vmon__u32(tb, VMON_A_TASKS_OMITTED);
		p->dropped |= vmon__u32(tb, VMON_A_PARTS_DROPPED) > 0;
		pending_finish(h, (size_t)(p - h->pend));
		return;
	}
	if (!ok)
		p->dropped = true;
}
