/* vmon-rawnl: malformed requests straight to the "vmon" genl family (no libvmon checks); all must be refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <linux/vmon.h>
#include "nl-answer.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static volatile int64_t var;		/* a writable variable of our own */

/* WATCH_ADD attributes that a case leaves out */
#define NO_PID		(1U << 0)
#define NO_ADDR		(1U << 1)
#define NO_LEN		(1U << 2)
#define NO_OP		(1U << 3)
#define NO_MEMFD	(1U << 4)

static int self_mem;			/* our /proc/self/mem: the permission */

static struct nl_sock *sk;
static int family;

static int on_reply(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[VMON_A_MAX + 1];
	struct nl_answer *r = arg;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, VMON_A_MAX, NULL) == 0 && tb[VMON_A_WATCH_ID])
		r->id = nla_get_u32(tb[VMON_A_WATCH_ID]);
	return NL_OK;
}

static struct nl_msg *start(int cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd,
			       VMON_GENL_VERSION)) {
		fputs("vmon-rawnl: out of memory\n", stderr);
		_exit(1);
	}
	return m;
}

/* A WATCH_ADD for our own variable: len 4, "> 10", minus the attributes in omit. */
static struct nl_msg *watch(unsigned int omit, uint8_t len, uint8_t op)
{
	struct nl_msg *m = start(VMON_CMD_WATCH_ADD);

	if (!(omit & NO_PID))
		nla_put_u32(m, VMON_A_PID, (uint32_t)getpid());
	if (!(omit & NO_ADDR))
		nla_put_u64(m, VMON_A_ADDR, (uintptr_t)&var);
	if (!(omit & NO_LEN))
		nla_put_u8(m, VMON_A_LEN, len);
	if (!(omit & NO_OP))
		nla_put_u8(m, VMON_A_OP, op);
	if (!(omit & NO_MEMFD))
		nla_put_s32(m, VMON_A_MEM_FD, self_mem);
	nla_put_u64(m, VMON_A_THRESHOLD, 10);
	return m;
}

/* A WATCH_ADD of a kernel metric: "> 10", scope none, METRIC as a u8 or a u32. */
static struct nl_msg *metric_as(uint8_t which, int u32)
{
	struct nl_msg *m = start(VMON_CMD_WATCH_ADD);

	if (u32)
		nla_put_u32(m, VMON_A_METRIC, which);
	else
		nla_put_u8(m, VMON_A_METRIC, which);
	nla_put_u8(m, VMON_A_OP, VMON_OP_GT);
	nla_put_u64(m, VMON_A_THRESHOLD, 10);
	nla_put_u8(m, VMON_A_SCOPE, VMON_SCOPE_NONE);
	return m;
}

static struct nl_msg *metric(uint8_t which)
{
	return metric_as(which, 0);
}

/* Sends m; 1 if the outcome is the one wanted, else 0.  Prints one line. */
static int check(const char *name, struct nl_msg *m, int want_ok, uint32_t *id)
{
	struct nl_answer r = { 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	nl_cb_err(cb, NL_CB_CUSTOM, nl_answer_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_answer_ack, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &r);
	ret = nl_send_auto(sk, m);
	nlmsg_free(m);
	while (ret >= 0 && !r.done)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (ret < 0 && !r.done) {
		printf("%s: no answer (%s)\n", name, nl_geterror(ret));
		return 0;
	}
	if (id)
		*id = r.id;
	if (r.err == 0) {
		printf("%s: accepted%s\n", name, want_ok ? "" : " (WRONG)");
		return want_ok;
	}
	printf("%s: refused: %s (%s)%s\n", name, r.msg[0] ? r.msg : "no message",
	       strerror(-r.err), want_ok ? " (WRONG)" : "");
	return !want_ok && r.msg[0];
}

int main(void)
{
	char longname[VMON_NAME_MAX + 8];
	struct nl_msg *m;
	uint32_t id = 0;
	int one = 1, good = 0, n = 0;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0) {
		fputs("vmon-rawnl: cannot open a generic netlink socket\n", stderr);
		return 1;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	family = genl_ctrl_resolve(sk, VMON_GENL_NAME);
	if (family < 0) {
		fputs("vmon-rawnl: no \"vmon\" family (module not loaded?)\n", stderr);
		return 1;
	}

	self_mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (self_mem < 0) {
		perror("vmon-rawnl: /proc/self/mem");
		return 1;
	}

	/* The control: a well-formed request is accepted (and deleted again). */
	n++, good += check("valid request", watch(0, 4, VMON_OP_GT), 1, &id);
	m = start(VMON_CMD_WATCH_DEL);
	nla_put_u32(m, VMON_A_WATCH_ID, id);
	n++, good += check("delete it", m, 1, NULL);

	n++, good += check("len 3", watch(0, 3, VMON_OP_GT), 0, NULL);
	n++, good += check("len 0", watch(0, 0, VMON_OP_GT), 0, NULL);
	n++, good += check("len 16", watch(0, 16, VMON_OP_GT), 0, NULL);
	n++, good += check("op out of range", watch(0, 4, VMON_OP_MAX + 1), 0, NULL);
	n++, good += check("no pid", watch(NO_PID, 4, VMON_OP_GT), 0, NULL);
	n++, good += check("no addr", watch(NO_ADDR, 4, VMON_OP_GT), 0, NULL);
	n++, good += check("no len", watch(NO_LEN, 4, VMON_OP_GT), 0, NULL);
	n++, good += check("no op", watch(NO_OP, 4, VMON_OP_GT), 0, NULL);

	/* The permission is an open /proc/PID/mem of that very process, and nothing else. */
	n++, good += check("no mem fd", watch(NO_MEMFD, 4, VMON_OP_GT), 0, NULL);
	m = watch(NO_MEMFD, 4, VMON_OP_GT);
	nla_put_s32(m, VMON_A_MEM_FD, 1000);
	n++, good += check("mem fd not open", m, 0, NULL);
	{
		int environ_fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
		int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* procfs keeps the mm behind environ too, but opens it with a weaker check. */
		m = watch(NO_MEMFD, 4, VMON_OP_GT);
		nla_put_s32(m, VMON_A_MEM_FD, environ_fd);
		n++, good += check("mem fd of /proc/self/environ", m, 0, NULL);
		m = watch(NO_MEMFD, 4, VMON_OP_GT);
		nla_put_s32(m, VMON_A_MEM_FD, null_fd);
		n++, good += check("mem fd of /dev/null", m, 0, NULL);
		close(environ_fd);
		close(null_fd);
	}
	m = watch(NO_MEMFD | NO_PID, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_PID, 1);
	nla_put_s32(m, VMON_A_MEM_FD, self_mem);
	n++, good += check("mem fd of another process", m, 0, NULL);
	m = watch(NO_MEMFD, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_MEM_FD, self_mem);
	nla_put_u8(m, VMON_A_MEM_FD, 0);
	n++, good += check("mem fd as a u8", m, 0, NULL);

	m = watch(NO_PID, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_PID, 0);
	n++, good += check("pid 0", m, 0, NULL);
	m = watch(NO_PID, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_PID, UINT32_MAX);
	n++, good += check("pid 2^32-1", m, 0, NULL);

	m = watch(NO_LEN, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_LEN, 4);
	n++, good += check("len as a u32", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_WATCH_FLAGS, VMON_WATCH_F_ALL + 1);
	n++, good += check("unknown flag", m, 0, NULL);

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	m = watch(0, 4, VMON_OP_GT);
	nla_put_string(m, VMON_A_NAME, longname);
	n++, good += check("name too long", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u8(m, VMON_A_SCOPE, VMON_SCOPE_MAX + 1);
	n++, good += check("scope out of range", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_SCOPE, VMON_SCOPE_NONE);
	n++, good += check("scope as a u32", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u64(m, VMON_A_INTERVAL_NS, 1);
	n++, good += check("interval 1 ns", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u64(m, VMON_A_COOLDOWN_NS, UINT64_MAX);
	n++, good += check("cooldown 2^64-1 ns", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u32(m, VMON_A_MAX + 1, 0);
	n++, good += check("unknown attribute", m, 0, NULL);

	m = watch(0, 4, VMON_OP_GT);
	nla_put_u64(m, VMON_A_STAT_FIRES, 0);
	n++, good += check("attribute of another command", m, 0, NULL);

	m = watch(NO_ADDR, 4, VMON_OP_GT);
	nla_put_u64(m, VMON_A_ADDR, ((uintptr_t)&var | 4095) - 1);
	n++, good += check("straddling a page", m, 0, NULL);

	n++, good += check("delete without a target", start(VMON_CMD_WATCH_DEL), 0, NULL);
	m = start(VMON_CMD_WATCH_DEL);
	nla_put_u32(m, VMON_A_PID, 0);
	n++, good += check("delete pid 0", m, 0, NULL);

	/* Metric watches: no process memory, unsigned, never scope "process". */
	m = metric(VMON_METRIC_LOADAVG1);
	n++, good += check("metric loadavg1", m, 1, &id);
	m = start(VMON_CMD_WATCH_DEL);
	nla_put_u32(m, VMON_A_WATCH_ID, id);
	n++, good += check("delete the metric watch", m, 1, NULL);
	n++, good += check("metric 0", metric(VMON_METRIC_NONE), 0, NULL);
	n++, good += check("metric out of range", metric(VMON_METRIC_MAX + 1), 0, NULL);
	m = metric(VMON_METRIC_NR_RUNNING);
	nla_put_u32(m, VMON_A_PID, (uint32_t)getpid());
	n++, good += check("metric with a pid", m, 0, NULL);
	m = metric(VMON_METRIC_NR_RUNNING);
	nla_put_u64(m, VMON_A_ADDR, (uintptr_t)&var);
	n++, good += check("metric with an address", m, 0, NULL);
	m = metric(VMON_METRIC_NR_RUNNING);
	nla_put_u8(m, VMON_A_LEN, 8);
	n++, good += check("metric with a length", m, 0, NULL);
	m = metric(VMON_METRIC_LOADAVG5);
	nla_put_u32(m, VMON_A_WATCH_FLAGS, VMON_WATCH_F_SIGNED);
	n++, good += check("signed metric", m, 0, NULL);
	m = metric(VMON_METRIC_LOADAVG15);
	nla_put_u8(m, VMON_A_SCOPE, VMON_SCOPE_PROCESS);
	n++, good += check("metric with scope process", m, 0, NULL);
	m = metric_as(VMON_METRIC_NR_UNINTERRUPTIBLE, 1);
	n++, good += check("metric as a u32", m, 0, NULL);

	m = start(VMON_CMD_CONFIG_SET);
	nla_put_u32(m, VMON_A_CFG_WATCHES, 5);
	n++, good += check("set the read-only watches", m, 0, NULL);

	m = start(VMON_CMD_CONFIG_SET);
	nla_put_u64(m, VMON_A_CFG_MIN_INTERVAL_NS, 0);
	n++, good += check("min_interval 0", m, 0, NULL);

	m = start(VMON_CMD_CONFIG_SET);
	nla_put_u32(m, VMON_A_CFG_MAX_TASKS, 0);
	n++, good += check("max_tasks 0", m, 0, NULL);

	m = start(VMON_CMD_CONFIG_SET);
	nla_put_u32(m, VMON_A_CFG_STACK_BYTES, VMON_STACK_BYTES_MAX + 1);
	n++, good += check("stack_bytes past the maximum", m, 0, NULL);

	nl_socket_free(sk);
	printf("%d of %d as expected\n", good, n);
	return good == n ? 0 : 1;
}
