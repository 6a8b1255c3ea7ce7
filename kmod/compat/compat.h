/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmon.ko compatibility layer: everything that differs between supported
 * kernels lives here.  Feature macros come from compat/probe, which reads
 * the target kernel's headers (so backports are honoured).
 */
#ifndef _VMON_COMPAT_H
#define _VMON_COMPAT_H

/* VMON_A_TASK_REGS is x86-64's register file, in the UAPI. */
#ifndef CONFIG_X86_64
#error "vmon.ko supports x86-64 only: its snapshot's user registers (VMON_A_TASK_REGS) are x86-64's"
#endif

#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/sock.h>
#ifdef VMON_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

static inline long vmon_pin_user_page(struct mm_struct *mm, unsigned long addr,
				      unsigned int gup_flags, struct page **page)
{
	/* With no "locked" argument the caller holds mmap_lock. */
#ifdef VMON_HAVE_GUP_VMAS
	return pin_user_pages_remote(mm, addr, 1, gup_flags, page, NULL, NULL);
#else
	return pin_user_pages_remote(mm, addr, 1, gup_flags, page, NULL);
#endif
}

/* A re-check only looks at the page tables (5.16+); see vmon_pin(). */
#ifdef VMON_HAVE_FOLL_NOFAULT
#define VMON_FOLL_NOFAULT	FOLL_NOFAULT
#else
#define VMON_FOLL_NOFAULT	0
#endif

static inline void vmon_hrtimer_setup(struct hrtimer *t,
				      enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef VMON_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->function = fn;
#endif
}

#ifndef VMON_HAVE_VMA_LOOKUP
static inline struct vm_area_struct *vma_lookup(struct mm_struct *mm,
						unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && addr >= vma->vm_start ? vma : NULL;
}
#endif

/* The user that opened a socket. */
static inline kuid_t vmon_sock_uid(struct sock *sk)
{
#ifdef VMON_HAVE_SK_UID
	return sk_uid(sk);
#else
	return sock_i_uid(sk);
#endif
}

/* The scheduler state word was renamed __state in 5.14. */
static inline unsigned int vmon_task_state(struct task_struct *t)
{
#ifdef VMON_HAVE_TASK___STATE
	return READ_ONCE(t->__state);
#else
	return READ_ONCE(t->state);
#endif
}

/* On a CPU right now (so its saved user registers are not current). */
static inline bool vmon_task_on_cpu(struct task_struct *t)
{
	return READ_ONCE(t->on_cpu);
}

/* The VMA walk: a maple tree iterator since 6.1, a linked list before. */
#ifdef VMON_HAVE_VMA_ITERATOR
#define VMON_VMA_ITERATOR(name, mm)	VMA_ITERATOR(name, mm, 0)
#define vmon_for_each_vma(name, vma)	for_each_vma(name, vma)
#else
#define VMON_VMA_ITERATOR(name, mm)	struct mm_struct *name = (mm)
#define vmon_for_each_vma(name, vma)	\
	for (vma = (name)->mmap; vma; vma = vma->vm_next)
#endif

static inline struct nlattr **vmon_dump_attrs(struct netlink_callback *cb)
{
#ifdef VMON_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Formatted extack messages.  Kernels without NL_SET_ERR_MSG_FMT have no
 * buffer in the extack, and the message must outlive the handler (the ack
 * is built after it returns), so it goes to a ring of static buffers.  A
 * buffer is reused only after VMON_ERRBUF_RING later errors; its last byte
 * is never written, so a reader always finds a terminator.
 */
#ifdef VMON_HAVE_ERR_MSG_FMT
#define vmon_errf(extack, fmt, ...) NL_SET_ERR_MSG_FMT(extack, fmt, ##__VA_ARGS__)
#else
#define VMON_ERRBUF_LEN		80
#define VMON_ERRBUF_RING	64
char *vmon_errbuf(void);
#define vmon_errf(extack, fmt, ...) do {				\
	struct netlink_ext_ack *__ext = (extack);			\
	char *__buf;							\
									\
	if (!__ext)							\
		break;							\
	__buf = vmon_errbuf();						\
	snprintf(__buf, VMON_ERRBUF_LEN - 1, fmt, ##__VA_ARGS__);	\
	__ext->_msg = __buf;						\
} while (0)
#endif

#define vmon_errf_attr(extack, attr, fmt, ...) do {			\
	vmon_errf(extack, fmt, ##__VA_ARGS__);				\
	NL_SET_BAD_ATTR(extack, attr);					\
} while (0)

/*
 * A required attribute is missing.  Since 6.0 the extack names it
 * (NLMSGERR_ATTR_MISS_TYPE); before, the message has to.
 */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	struct genl_info *__info = (info);				\
	bool __missing = !__info->attrs[attr];				\
									\
	if (__missing)							\
		vmon_errf(__info->extack,				\
			  "required attribute %u is missing", attr);	\
	__missing;							\
})
#endif

/* Strict validation of every command, including the header's reserved bits. */
#ifdef VMON_HAVE_GENL_RESV_START_OP
#define VMON_GENL_RESV_START_OP .resv_start_op = 0,
#else
#define VMON_GENL_RESV_START_OP
#endif

/*
 * Snapshots of arbitrary processes are sensitive: the events group is
 * multicast only where the kernel can restrict joining to CAP_SYS_ADMIN
 * (6.7, and 6.1/6.6 stable backports).  Elsewhere the family registers no
 * group; owners still receive their own watches' events by unicast.
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define VMON_MCAST_RESTRICTED
#define VMON_MCAST_FLAGS GENL_MCAST_CAP_SYS_ADMIN
#endif

#endif /* _VMON_COMPAT_H */
