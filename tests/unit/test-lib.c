/* Unit tests for libvmon's message handling, fed hand-built netlink datagrams, and its requests. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "check.h"
#include "internal.h"
#include "symbolize.h"

#define FAM	0x1f	/* a made-up family id */

static struct vmon *fake_handle(void)
{
	struct vmon *h = vmon__alloc();

	if (!h) {
		printf("FAIL alloc: out of memory\n");
		exit(1);
	}
	h->family = FAM;
	return h;
}

/* Feed one message to the handle as one datagram, then free it. */
static void feed(struct vmon *h, struct nl_msg *m, struct vmon_req *req)
{
	vmon__input(h, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len, req);
	nlmsg_free(m);
}

/* Two messages in one datagram, as the kernel batches them. */
static void feed2(struct vmon *h, struct nl_msg *a, struct nl_msg *b,
		  struct vmon_req *req)
{
	size_t la = NLMSG_ALIGN(nlmsg_hdr(a)->nlmsg_len);
	size_t lb = nlmsg_hdr(b)->nlmsg_len;
	char *buf = calloc(1, la + lb);

	memcpy(buf, nlmsg_hdr(a), nlmsg_hdr(a)->nlmsg_len);
	memcpy(buf + la, nlmsg_hdr(b), lb);
	vmon__input(h, buf, la + lb, req);
	free(buf);
	nlmsg_free(a);
	nlmsg_free(b);
}

static struct nl_msg *genl(int cmd, uint32_t seq, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, seq, FAM, 0, flags, (uint8_t)cmd, VMON_GENL_VERSION);
	return m;
}

/* As nla_put_u64_64bit() would on a machine that needs the padding. */
static void put_u64_padded(struct nl_msg *m, int type, uint64_t v)
{
	nla_put(m, VMON_A_PAD, 0, NULL);
	nla_put_u64(m, type, v);
}

static struct nl_msg *event_msg(uint32_t id, uint64_t seq, uint64_t lost)
{
	struct nl_msg *m = genl(VMON_CMD_EVENT, 0, 0);

	nla_put_u32(m, VMON_A_WATCH_ID, id);
	nla_put_string(m, VMON_A_NAME, "temp");
	nla_put_u32(m, VMON_A_PID, 1234);
	put_u64_padded(m, VMON_A_ADDR, 0x601040);
	nla_put_u8(m, VMON_A_LEN, 4);
	nla_put_u32(m, VMON_A_WATCH_FLAGS, VMON_WATCH_F_SIGNED);
	nla_put_u8(m, VMON_A_OP, VMON_OP_LT);
	put_u64_padded(m, VMON_A_VALUE, (uint64_t)-11);
	nla_put_u64(m, VMON_A_THRESHOLD, (uint64_t)-10);
	put_u64_padded(m, VMON_A_TIME_REAL_NS, 1795317005123456789);
	nla_put_u64(m, VMON_A_TIME_MONO_NS, 42);
	nla_put_u64(m, VMON_A_HITS, 2);
	nla_put_u64(m, VMON_A_SUPPRESSED, 1);
	nla_put_u64(m, VMON_A_SEQ, seq);
	if (lost)
		nla_put_u64(m, VMON_A_LOST, lost);
	return m;
}

/* A metric watch's EVENT: METRIC instead of PID, ADDR and LEN; unsigned. */
static struct nl_msg *metric_event_msg(uint32_t id, uint64_t seq,
				       enum vmon_metric metric)
{
	struct nl_msg *m = genl(VMON_CMD_EVENT, 0, 0);

	nla_put_u32(m, VMON_A_WATCH_ID, id);
	nla_put_string(m, VMON_A_NAME, "loadavg1");
	nla_put_u8(m, VMON_A_METRIC, (uint8_t)metric);
	nla_put_u8(m, VMON_A_OP, VMON_OP_GT);
	put_u64_padded(m, VMON_A_VALUE, 412);
	nla_put_u64(m, VMON_A_THRESHOLD, 400);
	put_u64_padded(m, VMON_A_TIME_REAL_NS, 1795317005123456789);
	nla_put_u64(m, VMON_A_HITS, 1);
	nla_put_u64(m, VMON_A_SEQ, seq);
	return m;
}

static struct nl_msg *gone_msg(uint32_t id, uint64_t seq, uint32_t reason)
{
	struct nl_msg *m = genl(VMON_CMD_WATCH_GONE, 0, 0);

	nla_put_u32(m, VMON_A_WATCH_ID, id);
	nla_put_u32(m, VMON_A_PID, 1234);
	nla_put_u32(m, VMON_A_GONE_REASON, reason);
	nla_put_u64(m, VMON_A_SEQ, seq);
	return m;
}

/* Pops the next queued event; type -1 when the queue is empty. */
static struct vmon_event pop(struct vmon *h)
{
	struct vmon_event ev;

	memset(&ev, 0, sizeof(ev));
	if (!vmon__pop(h, &ev))
		ev.type = (enum vmon_event_type)-1;
	return ev;
}

static void expect_lost(const char *name, struct vmon *h, uint64_t count)
{
	struct vmon_event ev = pop(h);

	if (check(name, ev.type == VMON_EV_LOST, "event type %d", (int)ev.type))
		check_u64(name, ev.lost, count);
}

static void expect_trigger(const char *name, struct vmon *h, uint64_t seq)
{
	struct vmon_event ev = pop(h);

	if (check(name, ev.type == VMON_EV_TRIGGER, "event type %d", (int)ev.type))
		check_u64(name, ev.trigger.seq, seq);
}

static void expect_empty(const char *name, struct vmon *h)
{
	check(name, h->q_len == 0, "%zu events still queued", h->q_len);
}

static void test_decode(void)
{
	struct vmon *h = fake_handle();
	struct vmon_event ev;
	struct nl_msg *m;

	feed(h, event_msg(3, 10, 0), NULL);
	ev = pop(h);
	check("decode event type", ev.type == VMON_EV_TRIGGER, "type %d", (int)ev.type);
	check_int("decode watch_id", ev.trigger.watch_id, 3);
	check_str("decode name", ev.trigger.name, "temp");
	check_int("decode pid", ev.trigger.pid, 1234);
	check_u64("decode padded addr", ev.trigger.addr, 0x601040);
	check_int("decode len", ev.trigger.len, 4);
	check("decode signed", ev.trigger.is_signed, "not signed");
	check_int("decode op", ev.trigger.op, VMON_OP_LT);
	check_u64("decode value", ev.trigger.value, (uint64_t)-11);
	check_u64("decode threshold", ev.trigger.threshold, (uint64_t)-10);
	check_u64("decode time_real", ev.trigger.time_real_ns, 1795317005123456789);
	check_u64("decode time_mono", ev.trigger.time_mono_ns, 42);
	check_u64("decode hits", ev.trigger.hits, 2);
	check_u64("decode suppressed", ev.trigger.suppressed, 1);
	check_u64("decode seq", ev.trigger.seq, 10);
	check_int("decode memory watch: no metric", ev.trigger.metric, VMON_METRIC_NONE);
	expect_empty("decode one event", h);

	feed(h, metric_event_msg(4, 11, VMON_METRIC_LOADAVG1), NULL);
	ev = pop(h);
	check("decode metric event type", ev.type == VMON_EV_TRIGGER, "type %d",
	      (int)ev.type);
	check_int("decode metric", ev.trigger.metric, VMON_METRIC_LOADAVG1);
	check_int("decode metric: no pid", ev.trigger.pid, 0);
	check_int("decode metric: no len", ev.trigger.len, 0);
	check("decode metric: unsigned", !ev.trigger.is_signed, "signed");
	check_u64("decode metric value", ev.trigger.value, 412);
	check_u64("decode metric threshold", ev.trigger.threshold, 400);

	/* A u8 attribute with no byte is malformed: the event is dropped whole. */
	m = genl(VMON_CMD_EVENT, 0, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 4);
	nla_put(m, VMON_A_METRIC, 0, NULL);
	feed(h, m, NULL);
	expect_empty("drop empty metric", h);

	m = genl(VMON_CMD_WATCH_GONE, 0, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 4);
	nla_put_u8(m, VMON_A_METRIC, VMON_METRIC_NR_RUNNING);
	nla_put_u32(m, VMON_A_GONE_REASON, VMON_GONE_UNLOAD);
	feed(h, m, NULL);
	ev = pop(h);
	check("decode metric gone type", ev.type == VMON_EV_GONE, "type %d",
	      (int)ev.type);
	check_int("decode metric gone metric", ev.gone.metric, VMON_METRIC_NR_RUNNING);
	check_int("decode metric gone pid", ev.gone.pid, 0);
	check_int("decode metric gone reason", ev.gone.reason, VMON_GONE_UNLOAD);

	feed(h, gone_msg(3, 11, VMON_GONE_UNMAPPED), NULL);
	ev = pop(h);
	check("decode gone type", ev.type == VMON_EV_GONE, "type %d", (int)ev.type);
	check_int("decode gone id", ev.gone.watch_id, 3);
	check_int("decode gone pid", ev.gone.pid, 1234);
	check_int("decode gone reason", ev.gone.reason, VMON_GONE_UNMAPPED);
	check_int("decode gone: no metric", ev.gone.metric, VMON_METRIC_NONE);

	/* A name without its NUL, longer than allowed: cut, terminated. */
	m = genl(VMON_CMD_EVENT, 0, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 4);
	nla_put(m, VMON_A_NAME, 40, "0123456789012345678901234567890123456789");
	feed(h, m, NULL);
	ev = pop(h);
	check_str("decode long name cut", ev.trigger.name,
		  "0123456789012345678901234567890");

	/* Malformed: a u64 attribute carrying 4 bytes is dropped whole. */
	m = genl(VMON_CMD_EVENT, 0, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 5);
	nla_put_u32(m, VMON_A_VALUE, 1);
	feed(h, m, NULL);
	expect_empty("drop short u64", h);

	/* No watch ID: nothing to report it against. */
	m = genl(VMON_CMD_EVENT, 0, 0);
	nla_put_u64(m, VMON_A_VALUE, 1);
	feed(h, m, NULL);
	expect_empty("drop event without id", h);

	/* Another family's message with seq 0 is not ours. */
	m = event_msg(6, 1, 0);
	nlmsg_hdr(m)->nlmsg_type = FAM + 1;
	feed(h, m, NULL);
	expect_empty("ignore other family", h);

	/* Unknown commands and attributes from a newer kernel are skipped. */
	m = genl(VMON_CMD_MAX + 1, 0, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 7);
	feed(h, m, NULL);
	expect_empty("ignore unknown command", h);
	m = event_msg(8, 1, 0);
	nla_put_u32(m, VMON_A_MAX + 5, 1);
	feed(h, m, NULL);
	expect_trigger("ignore unknown attribute", h, 1);

	vmon_close(h);
}

static void test_lost(void)
{
	struct vmon *h = fake_handle();
	int i;

	/* Unsubscribed: the kernel's per-watch LOST count is the truth. */
	feed(h, event_msg(3, 10, 0), NULL);
	feed(h, event_msg(3, 20, 0), NULL);
	expect_trigger("unsubscribed gap is normal", h, 10);
	expect_trigger("unsubscribed gap is normal 2", h, 20);
	expect_empty("unsubscribed no lost", h);
	feed(h, event_msg(3, 25, 3), NULL);
	expect_lost("unsubscribed LOST attribute", h, 3);
	expect_trigger("unsubscribed event after lost", h, 25);

	/* Subscribed: gaps in the global SEQ are loss; LOST is ignored. */
	h->subscribed = true;
	h->have_seq = false;
	feed(h, event_msg(3, 100, 0), NULL);
	expect_trigger("subscribed baseline", h, 100);
	feed(h, event_msg(3, 101, 0), NULL);
	expect_trigger("subscribed no gap", h, 101);
	expect_empty("subscribed no gap, no lost", h);
	feed(h, event_msg(3, 104, 7), NULL);
	expect_lost("subscribed gap", h, 2);
	expect_trigger("subscribed event after gap", h, 104);
	expect_empty("subscribed ignores LOST attribute", h);
	feed(h, gone_msg(3, 106, VMON_GONE_EXIT), NULL);
	expect_lost("subscribed gap before gone", h, 1);
	check("gone after gap", pop(h).type == VMON_EV_GONE, "not gone");
	feed(h, event_msg(4, 105, 0), NULL);
	expect_trigger("subscribed late event", h, 105);
	expect_empty("late event is no loss", h);
	feed(h, event_msg(4, 107, 0), NULL);
	expect_trigger("late event kept the high mark", h, 107);
	expect_empty("no loss after late event", h);

	/* ENOBUFS before any baseline: loss of unknown size. */
	h->have_seq = false;
	h->overrun = true;
	feed(h, event_msg(3, 500, 0), NULL);
	expect_lost("overrun before baseline", h, 0);
	expect_trigger("event after overrun", h, 500);
	check("overrun cleared", !h->overrun, "still set");

	/* The ring grows and keeps order. */
	for (i = 0; i < 300; i++)
		feed(h, event_msg(3, 501 + (uint64_t)i, 0), NULL);
	check_int("queue holds 300", (long long)h->q_len, 300);
	for (i = 0; i < 300; i++) {
		struct vmon_event ev = pop(h);

		if (ev.type != VMON_EV_TRIGGER || ev.trigger.seq != 501 + (uint64_t)i)
			break;
	}
	check_int("queue keeps order", i, 300);

	vmon_close(h);
}

static int add_reply(struct vmon *h, struct nlattr **tb, void *arg)
{
	(void)h;
	*(uint32_t *)arg = nla_get_u32(tb[VMON_A_WATCH_ID]);
	return 0;
}

/* An NLMSG_ERROR answering orig, with optional extack TLVs. */
static struct nl_msg *error_msg(const struct nlmsghdr *orig, int error,
				bool capped, const char *text, int offs,
				int miss)
{
	bool tlvs = text || offs >= 0 || miss >= 0;
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_ERROR,
					      (capped ? NLM_F_CAPPED : 0) |
					      (tlvs ? NLM_F_ACK_TLVS : 0));
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = error;
	e.msg = *orig;
	nlmsg_hdr(m)->nlmsg_seq = orig->nlmsg_seq;
	nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO);
	if (!capped)
		nlmsg_append(m, NLMSG_DATA(orig), orig->nlmsg_len - NLMSG_HDRLEN,
			     NLMSG_ALIGNTO);
	if (text)
		nla_put_string(m, NLMSGERR_ATTR_MSG, text);
	if (offs >= 0)
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, (uint32_t)offs);
	if (miss >= 0)
		nla_put_u32(m, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)miss);
	return m;
}

static struct nl_msg *done_msg(uint32_t seq, int error, const char *text,
			       int flags)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | flags |
					      (text ? NLM_F_ACK_TLVS : 0));

	nlmsg_hdr(m)->nlmsg_seq = seq;
	nlmsg_append(m, &error, sizeof(error), NLMSG_ALIGNTO);
	if (text)
		nla_put_string(m, NLMSGERR_ATTR_MSG, text);
	return m;
}

/* A WATCH_ADD request as the library would send it, seq 7. */
static void start(struct vmon *h, struct vmon_req *req, uint32_t *id)
{
	memset(req, 0, sizeof(*req));
	req->fn = add_reply;
	req->arg = id;
	req->seq = 7;
	req->msg = vmon__msg(h, VMON_CMD_WATCH_ADD, 0);
	nla_put_u32(req->msg, VMON_A_PID, 1234);
	nla_put_u64(req->msg, VMON_A_ADDR, 0x10);
	nlmsg_hdr(req->msg)->nlmsg_seq = 7;
	h->err[0] = '\0';
	*id = 0;
}

static void finish(struct vmon_req *req)
{
	nlmsg_free(req->msg);
	req->msg = NULL;
}

static void test_requests(void)
{
	struct vmon *h = fake_handle();
	const struct nlmsghdr *sent;
	struct vmon_req req;
	struct nl_msg *m;
	uint32_t id;
	/* Offset of the ADDR attribute in the request: header, genl, PID. */
	int addr_offs = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + 4;

	/* Reply then ACK, with an event in between. */
	start(h, &req, &id);
	sent = nlmsg_hdr(req.msg);
	m = genl(VMON_CMD_WATCH_ADD, 7, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 9);
	feed2(h, m, event_msg(1, 1, 0), &req);
	check_int("reply parsed", id, 9);
	check("reply not done before ack", !req.done, "done");
	expect_trigger("event queued during request", h, 1);
	feed(h, error_msg(sent, 0, true, NULL, -1, -1), &req);
	check("ack ends request", req.done, "not done");
	check_int("ack is success", req.error, 0);
	finish(&req);

	/* Stale answers to an older request are ignored. */
	start(h, &req, &id);
	sent = nlmsg_hdr(req.msg);
	m = genl(VMON_CMD_WATCH_ADD, 6, 0);
	nla_put_u32(m, VMON_A_WATCH_ID, 99);
	feed(h, m, &req);
	m = error_msg(sent, -EINVAL, true, NULL, -1, -1);
	nlmsg_hdr(m)->nlmsg_seq = 6;
	feed(h, m, &req);
	check("stale ignored", !req.done && id == 0 && req.error == 0,
	      "done %d id %u error %d", req.done, id, req.error);
	finish(&req);

	/* Refusal with an extack message, capped. */
	start(h, &req, &id);
	feed(h, error_msg(nlmsg_hdr(req.msg), -EFAULT, true,
			  "address 0x10 is not mapped in pid 1234", -1, -1), &req);
	check_int("extack errno", req.error, -EFAULT);
	check_str("extack message", vmon_errmsg(h),
		  "address 0x10 is not mapped in pid 1234");
	finish(&req);

	/* Not capped: the request is echoed before the TLVs. */
	start(h, &req, &id);
	feed(h, error_msg(nlmsg_hdr(req.msg), -ESRCH, false,
			  "no process 1234", -1, -1), &req);
	check_int("uncapped errno", req.error, -ESRCH);
	check_str("uncapped extack message", vmon_errmsg(h), "no process 1234");
	finish(&req);

	/* No message: strerror, naming the attribute the offset points at. */
	start(h, &req, &id);
	feed(h, error_msg(nlmsg_hdr(req.msg), -EINVAL, true, NULL, addr_offs, -1),
	     &req);
	check_int("offset errno", req.error, -EINVAL);
	check_str("offset names attribute", vmon_errmsg(h),
		  "Invalid argument (attribute addr)");
	finish(&req);

	start(h, &req, &id);
	feed(h, error_msg(nlmsg_hdr(req.msg), -EINVAL, true, NULL, -1,
			  VMON_A_LEN), &req);
	check_str("missing attribute", vmon_errmsg(h),
		  "Invalid argument (missing attribute len)");
	finish(&req);

	start(h, &req, &id);
	feed(h, error_msg(nlmsg_hdr(req.msg), -EPERM, false, NULL, -1, -1), &req);
	check_int("plain errno", req.error, -EPERM);
	check_str("plain strerror", vmon_errmsg(h), "Operation not permitted");
	finish(&req);

	/* A reply that does not parse fails the request, after the ACK. */
	start(h, &req, &id);
	m = genl(VMON_CMD_WATCH_ADD, 7, 0);
	nla_put_u8(m, VMON_A_WATCH_ID, 1);
	feed(h, m, &req);
	check("malformed reply waits for ack", !req.done, "done");
	feed(h, error_msg(nlmsg_hdr(req.msg), 0, true, NULL, -1, -1), &req);
	check_int("malformed reply fails", req.error, -EPROTO);
	finish(&req);

	/* Dumps: DONE ends them, carries errors, flags interruption. */
	start(h, &req, &id);
	feed(h, done_msg(7, 0, NULL, 0), &req);
	check("done ends dump", req.done && !req.error && !req.intr,
	      "done %d error %d intr %d", req.done, req.error, req.intr);
	finish(&req);
	start(h, &req, &id);
	feed(h, done_msg(7, -EPERM, "not allowed to list", 0), &req);
	check_int("done errno", req.error, -EPERM);
	check_str("done extack", vmon_errmsg(h), "not allowed to list");
	finish(&req);
	start(h, &req, &id);
	m = genl(VMON_CMD_WATCH_ADD, 7, NLM_F_MULTI | NLM_F_DUMP_INTR);
	nla_put_u32(m, VMON_A_WATCH_ID, 9);
	feed2(h, m, done_msg(7, 0, NULL, 0), &req);
	check("dump interrupted", req.done && req.intr, "done %d intr %d",
	      req.done, req.intr);
	finish(&req);

	vmon_close(h);
}

/* The attributes of a request built by the library. */
static bool parse_request(const char *name, struct nl_msg *m, struct nlattr **tb)
{
	return check(name, genlmsg_parse(nlmsg_hdr(m), 0, tb, VMON_A_MAX, NULL) == 0,
		     "request does not parse");
}

static void spec_refused(const char *name, const struct vmon_watch_spec *s,
			 const char *want)
{
	struct vmon *h = fake_handle();
	struct nl_msg *m = NULL;

	/* Through the public call: refused before anything is sent. */
	if (check(name, vmon_watch_add(h, s, NULL) == -EINVAL, "not -EINVAL"))
		check_str(name, vmon_errmsg(h), want);
	check(name, vmon__watch_add_msg(h, s, -1, &m) == -EINVAL && !m, "built");
	vmon_close(h);
}

static void test_watch_requests(void)
{
	struct vmon_watch_spec s = { .metric = VMON_METRIC_LOADAVG1,
				     .op = VMON_OP_GT, .threshold = 400 };
	struct vmon_watch_spec mem = { .pid = 1234, .addr = 0x601040, .len = 4,
				       .is_signed = true, .op = VMON_OP_LT,
				       .threshold = 150 };
	struct nlattr *tb[VMON_A_MAX + 1];
	struct vmon *h = fake_handle();
	struct nl_msg *m = NULL;

	if (check("metric request built", vmon__watch_add_msg(h, &s, -1, &m) == 0,
		  "%s", vmon_errmsg(h)) && parse_request("metric request", m, tb)) {
		check("metric request: METRIC", tb[VMON_A_METRIC] &&
		      nla_len(tb[VMON_A_METRIC]) == 1 &&
		      nla_get_u8(tb[VMON_A_METRIC]) == VMON_METRIC_LOADAVG1,
		      "missing or not a u8 of 1");
		check("metric request: no PID, ADDR, LEN", !tb[VMON_A_PID] &&
		      !tb[VMON_A_ADDR] && !tb[VMON_A_LEN], "sent");
		check("metric request: no flags, no scope: the kernel's defaults",
		      !tb[VMON_A_WATCH_FLAGS] && !tb[VMON_A_SCOPE] &&
		      !tb[VMON_A_INTERVAL_NS] && !tb[VMON_A_COOLDOWN_NS], "sent");
		check_u64("metric request: threshold", nla_get_u64(tb[VMON_A_THRESHOLD]), 400);
		check_int("metric request: op", nla_get_u8(tb[VMON_A_OP]), VMON_OP_GT);
	}
	nlmsg_free(m);
	m = NULL;

	s.metric = VMON_METRIC_NR_UNINTERRUPTIBLE;
	s.scope = VMON_SCOPE_NONE;
	s.name = "blocked";
	if (check("metric request scope none", vmon__watch_add_msg(h, &s, -1, &m) == 0,
		  "%s", vmon_errmsg(h)) && parse_request("metric request scope none", m, tb)) {
		check_int("metric request scope none: metric",
			  nla_get_u8(tb[VMON_A_METRIC]), VMON_METRIC_NR_UNINTERRUPTIBLE);
		check_int("metric request scope none: scope",
			  tb[VMON_A_SCOPE] ? nla_get_u8(tb[VMON_A_SCOPE]) : -1,
			  VMON_SCOPE_NONE);
		check_str("metric request scope none: name",
			  tb[VMON_A_NAME] ? nla_get_string(tb[VMON_A_NAME]) : NULL,
			  "blocked");
	}
	nlmsg_free(m);
	m = NULL;

	if (check("memory request built", vmon__watch_add_msg(h, &mem, 7, &m) == 0,
		  "%s", vmon_errmsg(h)) && parse_request("memory request", m, tb)) {
		check("memory request: no METRIC", !tb[VMON_A_METRIC], "sent");
		check("memory request: PID, ADDR, LEN", tb[VMON_A_PID] &&
		      nla_get_u32(tb[VMON_A_PID]) == 1234 && tb[VMON_A_ADDR] &&
		      nla_get_u64(tb[VMON_A_ADDR]) == 0x601040 && tb[VMON_A_LEN] &&
		      nla_get_u8(tb[VMON_A_LEN]) == 4, "missing or wrong");
		check("memory request: MEM_FD", tb[VMON_A_MEM_FD] &&
		      nla_get_s32(tb[VMON_A_MEM_FD]) == 7, "missing or wrong");
		check("memory request: signed", tb[VMON_A_WATCH_FLAGS] &&
		      nla_get_u32(tb[VMON_A_WATCH_FLAGS]) == VMON_WATCH_F_SIGNED,
		      "not signed");
	}
	nlmsg_free(m);
	vmon_close(h);

	s.scope = 0;
	s.name = NULL;
	s.metric = VMON_METRIC_LOADAVG5;
	s.pid = 1234;
	spec_refused("metric with a pid", &s,
		     "a metric watch (loadavg5) takes no pid, address or length");
	s.pid = 0;
	s.addr = 0x601040;
	spec_refused("metric with an address", &s,
		     "a metric watch (loadavg5) takes no pid, address or length");
	s.addr = 0;
	s.len = 4;
	spec_refused("metric with a length", &s,
		     "a metric watch (loadavg5) takes no pid, address or length");
	s.len = 0;
	s.is_signed = true;
	spec_refused("signed metric", &s,
		     "a metric watch (loadavg5) compares unsigned: clear is_signed");
	s.is_signed = false;
	s.metric = (enum vmon_metric)(VMON_METRIC_MAX + 1);
	spec_refused("metric out of range", &s,
		     "unknown metric 6 (this library knows 1 to 5)");
	s.metric = VMON_METRIC_NONE;
	spec_refused("no metric, no pid", &s, "invalid pid 0");
}

static int stop_at_second(const struct vmon_event *ev, void *arg)
{
	int *n = arg;

	(void)ev;
	return ++*n == 2 ? 7 : 0;
}

static void test_process(void)
{
	struct vmon *h = fake_handle();
	int n = 0;

	/* A real, idle netlink socket: reading it finds nothing. */
	h->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (h->fd < 0) {
		printf("SKIP process: no netlink socket (%s)\n", strerror(errno));
		vmon_close(h);
		return;
	}
	feed(h, event_msg(1, 1, 0), NULL);
	feed(h, event_msg(1, 2, 0), NULL);
	feed(h, event_msg(1, 3, 0), NULL);
	check_int("callback value returned", vmon_process(h, stop_at_second, &n), 7);
	check_int("rest stays queued", (long long)h->q_len, 1);
	check_int("next call delivers the rest", vmon_process(h, stop_at_second, &n), 0);
	check_int("all delivered", n, 3);
	check_int("listen times out", vmon_listen(h, stop_at_second, &n, 10), 0);
	close(h->fd);
	vmon_close(h);
}

static void test_api(void)
{
	struct vmon *h = NULL;
	int err;

	check_str("op name", vmon_op_name(VMON_OP_GE), "ge");
	check_str("op symbol", vmon_op_symbol(VMON_OP_NE), "!=");
	check_str("op symbol unknown", vmon_op_symbol((enum vmon_op)42), "?");
	check_str("gone name", vmon_gone_reason_name(VMON_GONE_REPIN_FAILED),
		  "repin_failed");
	check_str("gone name unknown",
		  vmon_gone_reason_name((enum vmon_gone_reason)42), "unknown");
	check_str("version", vmon_version(), VMON_VERSION);
	check_str("scope name", vmon_scope_name(VMON_SCOPE_SYSTEM), "system");
	check_str("scope name unknown", vmon_scope_name((enum vmon_scope)42), "?");
	{
		static const char *const names[] = {
			[VMON_METRIC_LOADAVG1] = "loadavg1",
			[VMON_METRIC_LOADAVG5] = "loadavg5",
			[VMON_METRIC_LOADAVG15] = "loadavg15",
			[VMON_METRIC_NR_RUNNING] = "running",
			[VMON_METRIC_NR_UNINTERRUPTIBLE] = "uninterruptible",
		};
		static const unsigned int scales[] = {
			[VMON_METRIC_LOADAVG1] = 100, [VMON_METRIC_LOADAVG5] = 100,
			[VMON_METRIC_LOADAVG15] = 100, [VMON_METRIC_NR_RUNNING] = 1,
			[VMON_METRIC_NR_UNINTERRUPTIBLE] = 1,
		};
		enum vmon_metric m;
		char name[64];
		int i;

		for (i = 1; i <= VMON_METRIC_MAX; i++) {
			snprintf(name, sizeof(name), "metric %d name", i);
			check_str(name, vmon_metric_name((enum vmon_metric)i), names[i]);
			snprintf(name, sizeof(name), "metric %s parse", names[i]);
			m = VMON_METRIC_NONE;
			check(name, vmon_metric_parse(names[i], &m) == 0 && (int)m == i,
			      "got %d", (int)m);
			snprintf(name, sizeof(name), "metric %s scale", names[i]);
			check_int(name, vmon_metric_scale((enum vmon_metric)i), scales[i]);
		}
	}
	check_str("metric name none", vmon_metric_name(VMON_METRIC_NONE), "?");
	check_str("metric name unknown",
		  vmon_metric_name((enum vmon_metric)(VMON_METRIC_MAX + 1)), "?");
	check_int("metric scale none", vmon_metric_scale(VMON_METRIC_NONE), 1);
	check_int("metric scale unknown",
		  vmon_metric_scale((enum vmon_metric)(VMON_METRIC_MAX + 1)), 1);
	{
		enum vmon_metric m = VMON_METRIC_LOADAVG5;

		check_int("metric parse unknown", vmon_metric_parse("loadavg2", &m), -EINVAL);
		check_int("metric parse ?", vmon_metric_parse("?", &m), -EINVAL);
		check_int("metric parse case", vmon_metric_parse("LOADAVG1", &m), -EINVAL);
		check_int("metric parse empty", vmon_metric_parse("", &m), -EINVAL);
		check_int("metric parse NULL", vmon_metric_parse(NULL, &m), -EINVAL);
		check_int("metric parse leaves it", m, VMON_METRIC_LOADAVG5);
	}
	check_int("open NULL", vmon_open(NULL), -EINVAL);
	check_str("errmsg NULL", vmon_errmsg(NULL), "out of memory");
	vmon_close(NULL);

	/* Without the module the handle still explains itself. */
	err = vmon_open(&h);
	if (err == 0) {
		printf("SKIP open without module: the vmon module is loaded\n");
	} else {
		check_int("open without module", err, -ENOENT);
		check("open message", strstr(vmon_errmsg(h), "modprobe vmon") != NULL,
		      "'%s'", vmon_errmsg(h));
		check_int("calls on failed handle", vmon_watch_del_all(h), -ENOENT);
		check("failed handle keeps message",
		      strstr(vmon_errmsg(h), "modprobe vmon") != NULL, "'%s'",
		      vmon_errmsg(h));
	}
	vmon_close(h);
}

/* A snapshot part of watch id's trigger seq. */
static struct nl_msg *part_msg(int cmd, uint32_t id, uint64_t seq)
{
	struct nl_msg *m = genl(cmd, 0, 0);

	nla_put_u32(m, VMON_A_WATCH_ID, id);
	put_u64_padded(m, VMON_A_TRIGGER_SEQ, seq);
	return m;
}

static struct nl_msg *task_msg(uint32_t id, uint64_t seq, uint32_t tid,
			       size_t stack_len)
{
	struct nl_msg *m = part_msg(VMON_CMD_TASK, id, seq);
	uint64_t regs[VMON_NR_REGS] = { [VMON_REG_IP] = 0x401000,
					[VMON_REG_SP] = 0x7ffd0000 };
	uint64_t kstack[2] = { 0xffffffff81000010, 0xffffffff81000020 };
	unsigned char *stack = calloc(1, stack_len + 1);

	nla_put_u32(m, VMON_A_PID, 1234);
	nla_put_u32(m, VMON_A_TID, tid);
	nla_put_string(m, VMON_A_COMM, "target");
	nla_put_u8(m, VMON_A_TASK_STATE, 'S');
	nla_put_u32(m, VMON_A_TASK_CPU, 1);
	nla_put_u32(m, VMON_A_TASK_FLAGS, VMON_TASK_F_WATCHED);
	nla_put_string(m, VMON_A_CGROUP, "/user.slice");
	nla_put(m, VMON_A_KSTACK, sizeof(kstack), kstack);
	nla_put(m, VMON_A_TASK_REGS, sizeof(regs), regs);
	put_u64_padded(m, VMON_A_STACK_ADDR, 0x7ffd0000);
	stack[0] = 0xaa;
	nla_put(m, VMON_A_STACK_DATA, (int)stack_len, stack);
	free(stack);
	return m;
}

static struct nl_msg *stack_msg(uint32_t id, uint64_t seq, uint32_t tid,
				uint64_t addr, size_t len)
{
	struct nl_msg *m = part_msg(VMON_CMD_STACK, id, seq);
	unsigned char *data = calloc(1, len);

	data[len - 1] = 0xbb;
	nla_put_u32(m, VMON_A_TID, tid);
	put_u64_padded(m, VMON_A_STACK_ADDR, addr);
	nla_put(m, VMON_A_STACK_DATA, (int)len, data);
	free(data);
	return m;
}

static void put_ancestor(struct nl_msg *m, uint32_t pid, const char *comm,
			 const char *cmdline, int len)
{
	struct nlattr *n = nla_nest_start(m, VMON_A_ANCESTOR);

	nla_put_u32(m, VMON_A_PID, pid);
	nla_put_string(m, VMON_A_COMM, comm);
	nla_put(m, VMON_A_CMDLINE, len, cmdline);
	nla_nest_end(m, n);
}

static void put_map(struct nl_msg *m, uint64_t start, const char *path)
{
	struct nlattr *n = nla_nest_start(m, VMON_A_MAP);

	nla_put_u64(m, VMON_A_MAP_START, start);
	nla_put_u64(m, VMON_A_MAP_END, start + 0x1000);
	nla_put_u64(m, VMON_A_MAP_PGOFF, 0x1000);
	nla_put_string(m, VMON_A_MAP_PATH, path);
	nla_nest_end(m, n);
}

static struct nl_msg *end_msg(uint32_t id, uint64_t seq, uint32_t tasks,
			      uint32_t omitted, uint32_t dropped)
{
	struct nl_msg *m = part_msg(VMON_CMD_SNAP_END, id, seq);

	nla_put_u32(m, VMON_A_TASKS, tasks);
	nla_put_u32(m, VMON_A_TASKS_OMITTED, omitted);
	nla_put_u32(m, VMON_A_PARTS_DROPPED, dropped);
	return m;
}

static struct nl_msg *snap_event_msg(uint32_t id, uint64_t seq)
{
	struct nl_msg *m = event_msg(id, seq, 0);

	nla_put_flag(m, VMON_A_SNAPSHOT);
	return m;
}

/* Parts put together: tasks, a stack continued in STACK, a PROCESS in two. */
static void test_snapshot_assembly(void)
{
	struct vmon *h = fake_handle();
	struct vmon_report *r;
	struct vmon_event ev;
	struct nl_msg *m;

	h->subscribed = true;
	feed(h, snap_event_msg(7, 10), NULL);
	expect_empty("snapshot: trigger waits for its parts", h);
	feed(h, task_msg(7, 10, 1234, 16), NULL);
	feed(h, stack_msg(7, 10, 1234, 0x7ffd0000 + 16, 32), NULL);
	feed(h, task_msg(7, 99, 1235, 16), NULL);	/* another trigger's: ignored */
	m = part_msg(VMON_CMD_PROCESS, 7, 10);
	nla_put_u32(m, VMON_A_PID, 1234);
	put_ancestor(m, 1234, "target", "./target\0--x\0", 13);
	put_map(m, 0x400000, "/usr/bin/target");
	feed(h, m, NULL);
	m = part_msg(VMON_CMD_PROCESS, 7, 10);	/* the continuation */
	nla_put_u32(m, VMON_A_PID, 1234);
	put_ancestor(m, 1, "init", "/sbin/init\0", 11);
	feed(h, m, NULL);
	feed(h, end_msg(7, 10, 1, 2, 0), NULL);

	ev = pop(h);
	if (!check("snapshot: delivered at SNAP_END", ev.type == VMON_EV_TRIGGER &&
		   ev.trigger.report, "type %d report %p", (int)ev.type,
		   (void *)ev.trigger.report))
		goto out;
	r = ev.trigger.report;
	check_u64("snapshot: trigger seq", ev.trigger.seq, 10);
	check_int("snapshot: tasks", (long long)r->n_tasks, 1);
	check_int("snapshot: tid", r->tasks[0].tid, 1234);
	check_str("snapshot: comm", r->tasks[0].comm, "target");
	check_int("snapshot: state", r->tasks[0].state, 'S');
	check_str("snapshot: cgroup", r->tasks[0].cgroup, "/user.slice");
	check_u64("snapshot: ip", r->tasks[0].regs[VMON_REG_IP], 0x401000);
	check_int("snapshot: kernel addresses", (long long)r->tasks[0].n_kstack, 2);
	check_int("snapshot: stack bytes, TASK + STACK", (long long)r->tasks[0].stack_len, 48);
	check("snapshot: stack byte order", r->tasks[0].stack[0] == 0xaa &&
	      r->tasks[0].stack[47] == 0xbb, "first %#x last %#x",
	      r->tasks[0].stack[0], r->tasks[0].stack[47]);
	check_int("snapshot: processes (continuation merged)", (long long)r->n_procs, 1);
	check_int("snapshot: ancestors", (long long)r->procs[0].n_chain, 2);
	check_str("snapshot: cmdline joined", r->procs[0].chain[0].cmdline, "./target --x");
	check_str("snapshot: last ancestor", r->procs[0].chain[1].comm, "init");
	check_int("snapshot: maps", (long long)r->procs[0].n_maps, 1);
	check_str("snapshot: map path", r->procs[0].maps[0].path, "/usr/bin/target");
	check_u64("snapshot: map pgoff", r->procs[0].maps[0].pgoff, 0x1000);
	check_int("snapshot: tasks_omitted", r->tasks_omitted, 2);
	check("snapshot: complete", !r->incomplete, "marked incomplete");
	vmon_report_free(r);
out:
	expect_empty("snapshot: nothing else queued", h);

	/* A metric trigger waits for its snapshot the same way, metric kept. */
	m = metric_event_msg(8, 11, VMON_METRIC_LOADAVG15);
	nla_put_flag(m, VMON_A_SNAPSHOT);
	feed(h, m, NULL);
	feed(h, task_msg(8, 11, 1234, 8), NULL);
	feed(h, end_msg(8, 11, 1, 0, 0), NULL);
	ev = pop(h);
	if (check("snapshot of a metric trigger", ev.type == VMON_EV_TRIGGER &&
		  ev.trigger.report, "type %d", (int)ev.type)) {
		check_int("snapshot of a metric trigger: metric", ev.trigger.metric,
			  VMON_METRIC_LOADAVG15);
		check_int("snapshot of a metric trigger: tasks",
			  (long long)ev.trigger.report->n_tasks, 1);
		vmon_report_free(ev.trigger.report);
	}
	vmon_close(h);
}

/*
 * The next event must be trigger seq with a report marked incomplete that
 * holds n_tasks tasks.
 */
static void expect_incomplete(const char *name, struct vmon *h, uint64_t seq,
			      size_t n_tasks)
{
	struct vmon_event ev = pop(h);
	const struct vmon_report *r = ev.type == VMON_EV_TRIGGER ? ev.trigger.report : NULL;

	check(name, r && ev.trigger.seq == seq && r->incomplete && r->n_tasks == n_tasks,
	      "type %d seq %" PRIu64 " report %s, %zu tasks", (int)ev.type,
	      ev.trigger.seq, !r ? "none" : r->incomplete ? "incomplete" : "complete",
	      r ? r->n_tasks : 0);
	if (ev.type == VMON_EV_TRIGGER)
		vmon_report_free(ev.trigger.report);
}

/* What is missing makes the report incomplete, never lost or wrong. */
static void test_snapshot_incomplete(void)
{
	struct vmon *h = fake_handle();
	struct vmon_event ev;

	h->subscribed = true;
	/* SNAP_END says 2 tasks were sent; one arrived. */
	feed(h, snap_event_msg(7, 1), NULL);
	feed(h, task_msg(7, 1, 1234, 8), NULL);
	feed(h, end_msg(7, 1, 2, 0, 0), NULL);
	expect_incomplete("incomplete: a task missing", h, 1, 1);

	/* The kernel could not send a part. */
	feed(h, snap_event_msg(7, 2), NULL);
	feed(h, end_msg(7, 2, 0, 0, 1), NULL);
	expect_incomplete("incomplete: parts dropped", h, 2, 0);

	/* No SNAP_END: the next trigger of the watch flushes it. */
	feed(h, snap_event_msg(7, 3), NULL);
	feed(h, task_msg(7, 3, 1234, 8), NULL);
	feed(h, snap_event_msg(7, 4), NULL);
	expect_incomplete("incomplete: flushed by the next trigger", h, 3, 1);

	/* An overrun while waiting, then time runs out. */
	vmon__pending_overrun(h);
	vmon__pending_expire(h, true);
	expect_incomplete("incomplete: overrun, expired", h, 4, 0);

	/* Without SNAPSHOT the trigger goes out at once, with no report. */
	feed(h, event_msg(7, 5, 0), NULL);
	ev = pop(h);
	check("no snapshot: trigger alone", ev.type == VMON_EV_TRIGGER &&
	      !ev.trigger.report, "type %d", (int)ev.type);

	/* Pending and queued reports are freed with the handle (LeakSanitizer/valgrind). */
	feed(h, snap_event_msg(8, 6), NULL);
	feed(h, task_msg(8, 6, 1, 8), NULL);
	feed(h, snap_event_msg(9, 7), NULL);
	feed(h, end_msg(9, 7, 0, 0, 0), NULL);
	check_int("close: one queued, one pending", (long long)(h->q_len * 10 + h->n_pend), 11);
	vmon_close(h);
}

int main(void)
{
	test_decode();
	test_lost();
	test_requests();
	test_watch_requests();
	test_process();
	test_api();
	test_snapshot_assembly();
	test_snapshot_incomplete();
	return check_done();
}
