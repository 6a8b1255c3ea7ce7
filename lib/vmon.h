/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmon: watch numeric variables in running processes through vmon.ko.
 *
 *	struct vmon *h;
 *	struct vmon_watch_spec s = { .pid = 1234, .addr = 0x601040, .len = 4,
 *				     .op = VMON_OP_GT, .threshold = 150 };
 *	uint32_t id;
 *	if (vmon_open(&h) < 0 || vmon_watch_add(h, &s, &id) < 0)
 *		errx(1, "%s", vmon_errmsg(h));
 *	vmon_listen(h, on_event, NULL, -1);
 *	vmon_close(h);
 *
 * Every call returns 0 (or a count) on success and -errno on failure; the
 * handle then holds a message (the kernel's extack text when there is one)
 * for vmon_errmsg().  The library never prints.  A watch belongs to the
 * handle that added it and ends when the handle is closed or the program
 * exits, unless it was added with VMON_WATCH_DETACHED.
 */
#ifndef VMON_H
#define VMON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vmon.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vmon;

/*
 * What to watch.  Zero interval_ns / cooldown_ns mean the kernel default.
 * A metric watch (metric not VMON_METRIC_NONE) reads a kernel metric
 * instead of process memory: pid, addr and len are then 0, is_signed
 * false, the threshold is in the metric's unit (vmon_metric_scale()), and
 * the kernel's defaults are VMON_METRIC_INTERVAL_NS, VMON_METRIC_COOLDOWN_NS
 * and scope "system" (scope 0 means that, not "process").
 */
struct vmon_watch_spec {
	pid_t pid;
	uint64_t addr;
	unsigned int len;		/* 1, 2, 4 or 8 */
	bool is_signed;
	enum vmon_op op;
	uint64_t threshold;		/* raw bits: (uint64_t)(int64_t)-5 for -5 */
	uint64_t interval_ns;
	uint64_t cooldown_ns;
	bool cooldown_set;		/* send cooldown_ns even when it is 0 */
	const char *name;		/* may be NULL */
	bool detached;			/* outlives the handle; needs CAP_SYS_ADMIN */
	enum vmon_scope scope;		/* what a trigger captures; 0: the process (system for a metric) */
	enum vmon_metric metric;	/* 0: process memory at pid, addr, len */
};

/* One watch as listed by vmon_dump(). */
struct vmon_watch_info {
	uint32_t id;
	pid_t pid;
	uint64_t addr;
	unsigned int len;
	bool is_signed;
	enum vmon_op op;
	uint64_t threshold;
	uint64_t interval_ns;
	uint64_t cooldown_ns;
	char name[VMON_NAME_MAX];
	bool detached;
	uint32_t owner_portid;		/* 0 when detached */
	uint64_t hits;
	enum vmon_scope scope;
	enum vmon_metric metric;	/* 0: a memory watch; else pid, addr, len are 0 */
};

enum vmon_event_type {
	VMON_EV_TRIGGER,
	VMON_EV_GONE,
	VMON_EV_LOST,
};

struct vmon_trigger {
	uint32_t watch_id;
	char name[VMON_NAME_MAX];
	pid_t pid;
	uint64_t addr;
	unsigned int len;
	bool is_signed;
	enum vmon_op op;
	uint64_t value;			/* raw bits, already sign- or zero-extended */
	uint64_t threshold;
	uint64_t time_real_ns;
	uint64_t time_mono_ns;
	uint64_t hits;
	uint64_t suppressed;
	uint64_t seq;
	/*
	 * The snapshot, valid during the callback; NULL for a watch with
	 * scope "none", or when the kernel could not capture or send it.
	 */
	struct vmon_report *report;
	enum vmon_metric metric;	/* 0: a memory watch; else pid, addr, len are 0 */
};

/*
 * A trigger's snapshot: who was doing what.  The library assembles the
 * kernel's parts, unwinds every user stack offline from the captured
 * registers and stack bytes, and symbolizes user frames with libdw and
 * kernel frames with /proc/kallsyms, before the callback sees it.
 * Strings and arrays belong to the report; NULL or 0 means unknown.
 */
struct vmon_frame {
	uint64_t addr;			/* return address (the pc in the innermost frame) */
	const char *symbol;		/* function, demangled */
	uint64_t offset;		/* addr - start of symbol */
	const char *module;		/* path of the ELF file */
	const char *file;		/* source file */
	unsigned int line;
	bool inlined;			/* inlined into the next frame: same addr */
};

struct vmon_ancestor {
	pid_t pid;
	char comm[VMON_COMM_LEN];
	char *cmdline;			/* arguments joined by spaces; "" if none */
};

struct vmon_mapping {
	uint64_t start, end;
	uint64_t pgoff;			/* file offset of start, in bytes */
	char *path;
};

struct vmon_process {
	pid_t pid;
	struct vmon_ancestor *chain;	/* the process itself first, then its parents */
	size_t n_chain;
	struct vmon_mapping *maps;	/* its executable file mappings */
	size_t n_maps;
};

struct vmon_task {
	pid_t pid, tid;
	char comm[VMON_COMM_LEN];
	char state;			/* 'R', 'S', 'D', ... as in ps */
	int cpu;
	unsigned int flags;		/* VMON_TASK_F_* */
	char *cgroup;
	bool has_regs;			/* regs and stack are there (not a kernel thread) */
	uint64_t regs[VMON_NR_REGS];
	uint64_t stack_addr;		/* user address of stack[0] */
	unsigned char *stack;
	size_t stack_len;
	uint64_t *kstack;		/* raw kernel addresses, innermost first */
	size_t n_kstack;
	/* Filled by the library: innermost first. */
	struct vmon_frame *user;
	size_t n_user;
	struct vmon_frame *kernel;
	size_t n_kernel;
	const char *unwind_error;	/* why the user stack stops short; NULL if it did not */
};

struct vmon_report {
	struct vmon_task *tasks;
	size_t n_tasks;
	struct vmon_process *procs;
	size_t n_procs;
	uint32_t tasks_omitted;		/* left out by the kernel's max_tasks */
	bool incomplete;		/* parts were lost: what is here is still right */
};

struct vmon_gone {
	uint32_t watch_id;
	pid_t pid;
	enum vmon_gone_reason reason;
	enum vmon_metric metric;	/* 0: a memory watch; else pid is 0 */
};

struct vmon_event {
	enum vmon_event_type type;
	union {
		struct vmon_trigger trigger;
		struct vmon_gone gone;
		uint64_t lost;		/* VMON_EV_LOST: events lost; 0 if unknown */
	};
};

struct vmon_config {
	uint64_t default_interval_ns;
	uint64_t min_interval_ns;
	uint64_t default_cooldown_ns;
	uint32_t max_watches;
	uint32_t watches;		/* read only: watches now */
	uint32_t max_tasks;		/* tasks captured per trigger */
	uint32_t stack_bytes;		/* user stack bytes captured per task */
};

/* vmon_config_set() mask: which fields to change */
#define VMON_CFG_DEFAULT_INTERVAL	(1U << 0)
#define VMON_CFG_MIN_INTERVAL		(1U << 1)
#define VMON_CFG_DEFAULT_COOLDOWN	(1U << 2)
#define VMON_CFG_MAX_WATCHES		(1U << 3)
#define VMON_CFG_MAX_TASKS		(1U << 4)
#define VMON_CFG_STACK_BYTES		(1U << 5)

/*
 * Resource limits and the caller's use of them (vmon_limits_get/_set).  A
 * struct of its own so struct vmon_config keeps its size.
 */
struct vmon_limits {
	uint32_t max_user_watches;	/* per uid without CAP_SYS_ADMIN */
	uint64_t min_user_interval_ns;	/* interval floor without CAP_SYS_ADMIN */
	uint32_t max_cpu;		/* polling estimate cap, per-mille of one CPU */
	uint32_t max_user_cpu;		/* the same per uid without CAP_SYS_ADMIN */
	uint32_t cpu;			/* read only: polling estimate now, per-mille */
	uint64_t check_ns;		/* read only: estimated cost of one check */
	uint32_t user_watches;		/* read only: the caller's uid's watches */
	uint32_t user_pinned;		/* read only: pages charged to its RLIMIT_MEMLOCK */
};

/* vmon_limits_set() mask */
#define VMON_LIM_MAX_USER_WATCHES	(1U << 0)
#define VMON_LIM_MIN_USER_INTERVAL	(1U << 1)
#define VMON_LIM_MAX_CPU		(1U << 2)
#define VMON_LIM_MAX_USER_CPU		(1U << 3)

struct vmon_group_stats {
	uint64_t interval_ns;
	uint32_t watches;
	uint64_t fires;
	uint64_t checks;
	uint64_t ns_total;
	uint64_t ns_max;
	uint64_t triggers;
	uint64_t events_sent;
	uint64_t events_dropped;
	uint64_t snapshots;
	/* Filled by the library: fields may only be added here, at the end. */
	uint64_t late;			/* ticks that missed at least one period */
	uint64_t skipped;		/* periods missed */
	uint32_t backoff;		/* period multiplier while overrunning; 1: none */
};

/* Return nonzero from a callback to stop; that value is then returned. */
typedef int (*vmon_watch_cb)(const struct vmon_watch_info *w, void *arg);
typedef int (*vmon_stats_cb)(const struct vmon_group_stats *s, void *arg);
typedef int (*vmon_event_cb)(const struct vmon_event *ev, void *arg);

/*
 * -ENOENT from vmon_open() means the vmon module is not loaded; the handle
 * is still returned so vmon_errmsg() can say so, and must be closed.
 */
int vmon_open(struct vmon **hp);
void vmon_close(struct vmon *h);
const char *vmon_errmsg(const struct vmon *h);

int vmon_watch_add(struct vmon *h, const struct vmon_watch_spec *spec,
		   uint32_t *id);
int vmon_watch_del(struct vmon *h, uint32_t id);
int vmon_watch_del_all(struct vmon *h);		/* returns watches removed */
int vmon_watch_del_pid(struct vmon *h, pid_t pid);	/* returns watches removed */
int vmon_dump(struct vmon *h, vmon_watch_cb cb, void *arg);
/* Like vmon_dump(), but the kernel lists only the watches on pid. */
int vmon_dump_pid(struct vmon *h, pid_t pid, vmon_watch_cb cb, void *arg);

int vmon_config_get(struct vmon *h, struct vmon_config *cfg);
int vmon_config_set(struct vmon *h, const struct vmon_config *cfg,
		    unsigned int mask);
int vmon_stats(struct vmon *h, vmon_stats_cb cb, void *arg);
int vmon_limits_get(struct vmon *h, struct vmon_limits *lim);
int vmon_limits_set(struct vmon *h, const struct vmon_limits *lim,
		    unsigned int mask);

/*
 * Events.  A handle always receives the events of its own watches; after
 * vmon_subscribe() it receives every watch's events (CAP_SYS_ADMIN).
 * vmon_fd() is for poll/epoll; vmon_process() handles what is ready without
 * blocking; vmon_listen() blocks up to timeout_ms (-1: forever) and returns
 * 0 on timeout, or the callback's nonzero value.  A signal interrupting
 * the wait makes vmon_listen() return -EINTR.
 */
int vmon_subscribe(struct vmon *h);
int vmon_fd(const struct vmon *h);
int vmon_process(struct vmon *h, vmon_event_cb cb, void *arg);
int vmon_listen(struct vmon *h, vmon_event_cb cb, void *arg, int timeout_ms);

const char *vmon_op_name(enum vmon_op op);		/* "gt", "lt", ... */
const char *vmon_op_symbol(enum vmon_op op);		/* ">", "<", ... */
const char *vmon_gone_reason_name(enum vmon_gone_reason r);	/* "exit", ... */
const char *vmon_version(void);
const char *vmon_scope_name(enum vmon_scope s);		/* "process", ... */

/*
 * Metrics: the name ("loadavg1", "loadavg5", "loadavg15", "running",
 * "uninterruptible"; "?" for VMON_METRIC_NONE and values this library does
 * not know), the metric a name means (0, or -EINVAL for anything else;
 * NULL is anything else), and the raw units per unit of the metric: 100
 * for the load averages (raw 425 is 4.25), 1 for the task counts and
 * everything else.
 */
const char *vmon_metric_name(enum vmon_metric m);
int vmon_metric_parse(const char *name, enum vmon_metric *m);
unsigned int vmon_metric_scale(enum vmon_metric m);

/*
 * Reports: the process entry of pid in r (NULL if none), and freeing a
 * report built by the caller (every string and array malloc'd, as the
 * library's own); the library frees the reports it delivers.
 */
const struct vmon_process *vmon_report_process(const struct vmon_report *r,
					       pid_t pid);
void vmon_report_free(struct vmon_report *r);

/*
 * The program's own variables.  vmon_self_watch() watches len bytes (1, 2,
 * 4 or 8) at ptr in the calling process, getpid(), as vmon_watch_add()
 * would: threshold is the raw bits (negative values sign-extended, which a
 * negative integer converted to uint64_t already is), interval_ns 0 means
 * the module's default, name may be NULL, id may be NULL.  A threshold the
 * variable cannot hold (300 for 1 signed byte) is refused with -ERANGE.
 * The watch belongs to h: it ends when h is closed or the program exits,
 * and its events come to h (nobody else reads them unless 'vmon listen'
 * runs).  After fork(), the child must open its own handle.
 */
int vmon_self_watch(struct vmon *h, const char *name, const volatile void *ptr,
		    size_t len, enum vmon_op op, uint64_t threshold,
		    bool is_signed, uint64_t interval_ns, uint32_t *id);

/*
 * VMON_WATCH_INT(h, "temp", &temp, 150) watches the int temp > 150 at the
 * module's default interval, VMON_WATCH_INT_LESS(...) temp < 150; likewise
 * for CHAR (char, signed or not as char is here), UCHAR, SHORT, USHORT,
 * UINT, LONG, ULONG, LLONG and ULLONG.  The pointer must point to the
 * macro's type (const and volatile allowed): anything else is a compile
 * error, so a long never gets watched as an int.  They return what
 * vmon_self_watch() returns; the trigger event carries the watch's ID.
 */
#ifdef __cplusplus
#define VMON_PTR_CHECK_(ptr, T, macro) \
	static_cast<void>(static_cast<const volatile T *>(ptr))
#else
#define VMON_PTR_TO_(T) \
	T *: 1, const T *: 1, volatile T *: 1, const volatile T *: 1
/* A struct may hold a static assertion: that makes it usable in an expression. */
#define VMON_PTR_CHECK_(ptr, T, macro)					\
	((void)sizeof(struct {						\
		_Static_assert(_Generic((ptr), VMON_PTR_TO_(T), default: 0), \
			       macro ": the pointer is not a pointer to " #T); \
		char vmon_unused_;					\
	}))
#endif

#define VMON_WATCH_(h, name, ptr, T, sgn, op, thr, macro)		\
	(VMON_PTR_CHECK_(ptr, T, macro),				\
	 vmon_self_watch((h), (name), (ptr), sizeof(*(ptr)), (op),	\
			 (uint64_t)(thr), (sgn), 0, NULL))

#define VMON_WATCH_CHAR(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, char, CHAR_MIN < 0, VMON_OP_GT, thr, "VMON_WATCH_CHAR")
#define VMON_WATCH_CHAR_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, char, CHAR_MIN < 0, VMON_OP_LT, thr, "VMON_WATCH_CHAR_LESS")
#define VMON_WATCH_UCHAR(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned char, 0, VMON_OP_GT, thr, "VMON_WATCH_UCHAR")
#define VMON_WATCH_UCHAR_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned char, 0, VMON_OP_LT, thr, "VMON_WATCH_UCHAR_LESS")
#define VMON_WATCH_SHORT(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, short, 1, VMON_OP_GT, thr, "VMON_WATCH_SHORT")
#define VMON_WATCH_SHORT_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, short, 1, VMON_OP_LT, thr, "VMON_WATCH_SHORT_LESS")
#define VMON_WATCH_USHORT(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned short, 0, VMON_OP_GT, thr, "VMON_WATCH_USHORT")
#define VMON_WATCH_USHORT_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned short, 0, VMON_OP_LT, thr, "VMON_WATCH_USHORT_LESS")
#define VMON_WATCH_INT(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, int, 1, VMON_OP_GT, thr, "VMON_WATCH_INT")
#define VMON_WATCH_INT_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, int, 1, VMON_OP_LT, thr, "VMON_WATCH_INT_LESS")
#define VMON_WATCH_UINT(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned int, 0, VMON_OP_GT, thr, "VMON_WATCH_UINT")
#define VMON_WATCH_UINT_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned int, 0, VMON_OP_LT, thr, "VMON_WATCH_UINT_LESS")
#define VMON_WATCH_LONG(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, long, 1, VMON_OP_GT, thr, "VMON_WATCH_LONG")
#define VMON_WATCH_LONG_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, long, 1, VMON_OP_LT, thr, "VMON_WATCH_LONG_LESS")
#define VMON_WATCH_ULONG(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned long, 0, VMON_OP_GT, thr, "VMON_WATCH_ULONG")
#define VMON_WATCH_ULONG_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned long, 0, VMON_OP_LT, thr, "VMON_WATCH_ULONG_LESS")
#define VMON_WATCH_LLONG(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, long long, 1, VMON_OP_GT, thr, "VMON_WATCH_LLONG")
#define VMON_WATCH_LLONG_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, long long, 1, VMON_OP_LT, thr, "VMON_WATCH_LLONG_LESS")
#define VMON_WATCH_ULLONG(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned long long, 0, VMON_OP_GT, thr, "VMON_WATCH_ULLONG")
#define VMON_WATCH_ULLONG_LESS(h, name, ptr, thr) \
	VMON_WATCH_(h, name, ptr, unsigned long long, 0, VMON_OP_LT, thr, "VMON_WATCH_ULLONG_LESS")

/*
 * Variables by name.  These read /proc/PID/maps, the ELF symbol tables of
 * the files the process maps and their DWARF (with libdw); they need no
 * handle and no kernel module, and work on a process the caller may read
 * the memory map of (its own user's, or as root).
 */
enum vmon_sign {
	VMON_SIGN_UNKNOWN,		/* no debug info */
	VMON_SIGN_SIGNED,
	VMON_SIGN_UNSIGNED,
};

/*
 * A resolved variable.  The library allocates it (vmon_var_free() frees
 * it, strings included) and only ever adds fields at the end, so programs
 * built against this header keep working with later libraries: never
 * allocate, copy or embed one.  Unknown strings are NULL.
 */
struct vmon_var {
	uint64_t addr;			/* of the value, in the process */
	unsigned int len;		/* 1, 2, 4 or 8; 0: unknown (no debug info) */
	enum vmon_sign sign;
	const char *type;		/* as the compiler names it: "int", "enum mode" */
	const char *symbol;		/* the ELF symbol it is in: "stats" for stats.hits */
	uint64_t offset;		/* of the value in the symbol */
	uint64_t symbol_size;		/* the symbol's size in bytes; 0: unknown */
	const char *object;		/* path of the ELF file that defines it */
	const char *source;		/* "file.c:12", where DWARF says it is defined */
};

/*
 * Find the variable expr names in pid: NAME, a member or element of one
 * (NAME.field, NAME[3], NAME[2].x.y), optionally in one mapped file only
 * (LIB:NAME, LIB the start of the file's name: "libfoo" for
 * libfoo.so.1).  Returns 0 and *out, or -errno with a message in err
 * (errlen bytes; NULL for none) that says what to do next:
 * -ESRCH no such process, -EACCES not allowed to read it, -ENOENT no such
 * variable (near names suggested), -ENOTUNIQ defined more than once (the
 * definitions listed), -EINVAL a malformed expression or one that does
 * not name a 1, 2, 4 or 8 byte integer or enum (struct, array, pointer,
 * float...), -ERANGE an index past the array's bound, -ENODATA a member
 * or element asked for without debug info, -EOPNOTSUPP a thread-local
 * variable or a bit-field, -EROFS read-only memory (const data), -EFAULT
 * an address the process does not map.
 */
int vmon_resolve_var(pid_t pid, const char *expr, struct vmon_var **out,
		     char *err, size_t errlen);
void vmon_var_free(struct vmon_var *v);

/*
 * A process's symbols, read once for many lookups: its mapped files as
 * they were when opened.  Errors as for vmon_resolve_var().
 */
struct vmon_symbols;

int vmon_symbols_open(pid_t pid, struct vmon_symbols **sp, char *err,
		      size_t errlen);
void vmon_symbols_close(struct vmon_symbols *s);
int vmon_symbols_resolve(const struct vmon_symbols *s, const char *expr,
			 struct vmon_var **out, char *err, size_t errlen);

/*
 * The data object whose symbol covers addr, as "counter" or "stats+0x8",
 * into buf (len bytes).  Returns 0, -ENOENT when no symbol covers it, or
 * -ENOSPC when it does not fit.  vmon_addr_symbol() opens pid's symbols
 * for one lookup (and returns their errors too).
 */
int vmon_symbols_addr(const struct vmon_symbols *s, uint64_t addr, char *buf,
		      size_t len);
int vmon_addr_symbol(pid_t pid, uint64_t addr, char *buf, size_t len);


#ifdef __cplusplus
}
#endif

#endif /* VMON_H */
