/*
 * vmon-fuzz: requests from the protocol's own description, mixed from
 * well-formed to garbage: valid watches on live targets, boundary values,
 * wrong lengths and types, duplicates, unknown and nested attributes,
 * broken framing, every flag, random commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vmon.h>
#include "fuzz.h"

enum { K_U8 = 1, K_U32 = 4, K_U64 = 8, K_STR = 100, K_FLAG, K_BIN, K_NEST };

/* Every attribute of linux/vmon.h, typed as its comment there says. */
static const uint16_t kinds[VMON_A_MAX + 1] = {
	[VMON_A_PAD] = K_BIN,
	[VMON_A_WATCH_ID] = K_U32, [VMON_A_PID] = K_U32, [VMON_A_ADDR] = K_U64,
	[VMON_A_LEN] = K_U8, [VMON_A_WATCH_FLAGS] = K_U32, [VMON_A_OP] = K_U8,
	[VMON_A_THRESHOLD] = K_U64, [VMON_A_INTERVAL_NS] = K_U64,
	[VMON_A_COOLDOWN_NS] = K_U64, [VMON_A_NAME] = K_STR,
	[VMON_A_DEL_ALL] = K_FLAG, [VMON_A_OWNER_PORTID] = K_U32,
	[VMON_A_VALUE] = K_U64, [VMON_A_TIME_REAL_NS] = K_U64,
	[VMON_A_TIME_MONO_NS] = K_U64, [VMON_A_HITS] = K_U64,
	[VMON_A_SUPPRESSED] = K_U64, [VMON_A_SEQ] = K_U64, [VMON_A_LOST] = K_U64,
	[VMON_A_GONE_REASON] = K_U32, [VMON_A_COUNT] = K_U32,
	[VMON_A_CFG_DEFAULT_INTERVAL_NS] = K_U64, [VMON_A_CFG_MIN_INTERVAL_NS] = K_U64,
	[VMON_A_CFG_DEFAULT_COOLDOWN_NS] = K_U64, [VMON_A_CFG_MAX_WATCHES] = K_U32,
	[VMON_A_CFG_WATCHES] = K_U32,
	[VMON_A_STAT_WATCHES] = K_U32, [VMON_A_STAT_FIRES] = K_U64,
	[VMON_A_STAT_CHECKS] = K_U64, [VMON_A_STAT_NS_TOTAL] = K_U64,
	[VMON_A_STAT_NS_MAX] = K_U64, [VMON_A_STAT_TRIGGERS] = K_U64,
	[VMON_A_STAT_EVENTS_SENT] = K_U64, [VMON_A_STAT_EVENTS_DROPPED] = K_U64,
	[VMON_A_SCOPE] = K_U8, [VMON_A_SNAPSHOT] = K_FLAG,
	[VMON_A_TRIGGER_SEQ] = K_U64, [VMON_A_TID] = K_U32, [VMON_A_COMM] = K_STR,
	[VMON_A_TASK_STATE] = K_U8, [VMON_A_TASK_CPU] = K_U32,
	[VMON_A_TASK_FLAGS] = K_U32, [VMON_A_CGROUP] = K_STR,
	[VMON_A_TASK_REGS] = K_BIN, [VMON_A_KSTACK] = K_BIN,
	[VMON_A_STACK_ADDR] = K_U64, [VMON_A_STACK_DATA] = K_BIN,
	[VMON_A_ANCESTOR] = K_NEST, [VMON_A_CMDLINE] = K_BIN, [VMON_A_MAP] = K_NEST,
	[VMON_A_MAP_START] = K_U64, [VMON_A_MAP_END] = K_U64,
	[VMON_A_MAP_PGOFF] = K_U64, [VMON_A_MAP_PATH] = K_STR,
	[VMON_A_TASKS] = K_U32, [VMON_A_TASKS_OMITTED] = K_U32,
	[VMON_A_PARTS_DROPPED] = K_U32, [VMON_A_CFG_MAX_TASKS] = K_U32,
	[VMON_A_CFG_STACK_BYTES] = K_U32, [VMON_A_STAT_SNAPSHOTS] = K_U64,
	[VMON_A_METRIC] = K_U8, [VMON_A_MEM_FD] = K_U32,
	[VMON_A_CFG_MAX_USER_WATCHES] = K_U32, [VMON_A_CFG_MIN_USER_INTERVAL_NS] = K_U64,
	[VMON_A_CFG_MAX_CPU] = K_U32, [VMON_A_CFG_MAX_USER_CPU] = K_U32,
	[VMON_A_CFG_CPU] = K_U32, [VMON_A_CFG_CHECK_NS] = K_U64,
	[VMON_A_CFG_USER_WATCHES] = K_U32, [VMON_A_CFG_USER_PINNED] = K_U32,
	[VMON_A_STAT_LATE] = K_U64, [VMON_A_STAT_SKIPPED] = K_U64,
	[VMON_A_STAT_BACKOFF] = K_U32,
};

/* What each request command takes (its policy's attributes). */
static const uint16_t add_attrs[] = {
	VMON_A_PID, VMON_A_ADDR, VMON_A_LEN, VMON_A_WATCH_FLAGS, VMON_A_OP,
	VMON_A_THRESHOLD, VMON_A_INTERVAL_NS, VMON_A_COOLDOWN_NS, VMON_A_NAME,
	VMON_A_SCOPE, VMON_A_METRIC, VMON_A_MEM_FD,
};
static const uint16_t del_attrs[] = { VMON_A_WATCH_ID, VMON_A_DEL_ALL, VMON_A_PID };
static const uint16_t dump_attrs[] = { VMON_A_PID };
static const uint16_t cfg_attrs[] = {
	VMON_A_CFG_DEFAULT_INTERVAL_NS, VMON_A_CFG_MIN_INTERVAL_NS,
	VMON_A_CFG_DEFAULT_COOLDOWN_NS, VMON_A_CFG_MAX_WATCHES,
	VMON_A_CFG_MAX_TASKS, VMON_A_CFG_STACK_BYTES,
	VMON_A_CFG_MAX_USER_WATCHES, VMON_A_CFG_MIN_USER_INTERVAL_NS,
	VMON_A_CFG_MAX_CPU, VMON_A_CFG_MAX_USER_CPU,
};

uint16_t fz_attr_kind(unsigned int type)
{
	return type <= VMON_A_MAX ? kinds[type] : 0;
}

/* A new attribute in linux/vmon.h must get a type here before the fuzzer runs. */
void fz_check_table(void)
{
	unsigned int t;

	for (t = VMON_A_PAD; t <= VMON_A_MAX; t++) {
		if (!kinds[t]) {
			fprintf(stderr, "vmon-fuzz: attribute %u of linux/vmon.h has no type in tests/fuzz/msggen.c\n", t);
			exit(2);
		}
	}
}

struct gen {
	uint8_t *buf;
	size_t off;
	struct fz_effect *eff;
	const struct fz_pools *p;
};

static void put(struct gen *g, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(g->buf + g->off);

	if (g->off + NLA_HDRLEN + NLA_ALIGN(len) > FZ_BUF - 64)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(g->buf + g->off + NLA_HDRLEN, data, len);
	memset(g->buf + g->off + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	g->off += NLA_ALIGN(a->nla_len);
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rng_below((uint32_t)n)];
}
#define PICK(arr) pick(arr, sizeof(arr) / sizeof(arr[0]))

/* A value for attribute type: valid, boundary or random. */
static uint64_t value_for(const struct gen *g, uint16_t type)
{
	static const uint64_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 255 };
	static const uint64_t small[] = { 0, 1, 2, 5, 6, 7, 127, 128, 255 };
	static const uint64_t ns[] = { 0, 1, 9999, 10000, 100000, 1000000, 10000000,
				       1000000000, 60000000000ULL, 3600000000000ULL,
				       UINT64_MAX / 2, UINT64_MAX };
	static const uint64_t u32s[] = { 0, 1, 2, 64, 4096, 65536, 1048576, 0x7fffffff,
					 0x80000000, 0xffffffff };
	const struct fz_pools *p = g->p;
	uint64_t base;

	switch (type) {
	case VMON_A_PID:
		if (p->n_pids && !rng_chance(6))
			return (uint64_t)p->pids[rng_below(p->n_pids)];
		return PICK(u32s);
	case VMON_A_ADDR:
		if (p->n_addrs && !rng_chance(6)) {
			base = p->addrs[rng_below(p->n_addrs)];
			switch (rng_below(4)) {
			case 0: return base + 8 * rng_below(2048);
			case 1: return base + 4096 - 1 - rng_below(8);	/* straddles */
			case 2: return base + rng_below(4 * 4096 + 64);
			default: return base + 4 * rng_below(16);
			}
		}
		return rng_chance(2) ? 0xffffffff81000000ULL + rng_below(4096) : rng();
	case VMON_A_MEM_FD:
		/* Some target's /proc/PID/mem (maybe not the PID's), or any descriptor. */
		if (p->n_pids && !rng_chance(4))
			return (uint32_t)p->memfds[rng_below(p->n_pids)];
		return rng_below(64);
	case VMON_A_LEN:
		return rng_chance(4) ? PICK(lens) : (uint64_t)1 << rng_below(4);
	case VMON_A_OP:
	case VMON_A_SCOPE:
	case VMON_A_METRIC:
		return rng_chance(5) ? PICK(small) : rng_below(type == VMON_A_METRIC ? 6 : 3);
	case VMON_A_WATCH_FLAGS:
		return rng_chance(5) ? (uint32_t)rng() : rng_below(4);
	case VMON_A_WATCH_ID:
		if (p->n_ids && !rng_chance(4))
			return p->ids[rng_below(p->n_ids)];
		return PICK(u32s);
	case VMON_A_INTERVAL_NS:
	case VMON_A_COOLDOWN_NS:
	case VMON_A_CFG_DEFAULT_INTERVAL_NS:
	case VMON_A_CFG_MIN_INTERVAL_NS:
	case VMON_A_CFG_DEFAULT_COOLDOWN_NS:
	case VMON_A_CFG_MIN_USER_INTERVAL_NS:
		return rng_chance(3) ? PICK(ns) : 1000000ULL * (1 + rng_below(50));
	case VMON_A_THRESHOLD:
		return rng_chance(3) ? rng() : rng_below(200);
	default:
		return rng_chance(2) ? PICK(u32s) : rng();
	}
}

/* One attribute: right more often than wrong. */
static void gen_attr(struct gen *g, uint16_t type)
{
	uint16_t kind = fz_attr_kind(type), len, flags = 0;
	uint8_t data[96];
	uint64_t v = value_for(g, type);
	bool good = true;

	if (rng_chance(40))
		flags = rng_chance(2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	switch (rng_chance(10) ? 0 : kind) {
	case K_U8: case K_U32: case K_U64:
		len = kind;
		memcpy(data, &v, 8);
		break;
	case K_FLAG:
		len = 0;
		break;
	case K_STR:
		len = (uint16_t)rng_below(VMON_NAME_MAX + 8);
		for (uint16_t i = 0; i < len; i++)
			data[i] = (uint8_t)('a' + rng_below(26));
		if (len && !rng_chance(8))
			data[len - 1] = 0;
		break;
	case K_NEST: {
		/* A nest of random small attributes, sometimes cut short. */
		size_t n = 0;

		while (n + 12 <= sizeof(data) && !rng_chance(4)) {
			struct nlattr *in = (struct nlattr *)(data + n);

			in->nla_type = (uint16_t)rng_below(VMON_A_MAX + 3);
			in->nla_len = (uint16_t)(NLA_HDRLEN + rng_below(9));
			memcpy(data + n + NLA_HDRLEN, &v, 8);
			n += NLA_ALIGN(in->nla_len);
		}
		len = (uint16_t)(rng_chance(5) && n ? n - 2 : n);
		break;
	}
	default:	/* the wrong length for its type, or raw bytes */
		len = (uint16_t)rng_below(sizeof(data));
		for (uint16_t i = 0; i < len; i++)
			data[i] = (uint8_t)rng();
		good = false;
	}
	if (flags)
		good = false;
	put(g, type | flags, data, len);
	if (type < 128 && good) {
		g->eff->has[type] = true;
		g->eff->val[type] = kind == K_U8 ? (uint8_t)v : kind == K_U32 ? (uint32_t)v : v;
	}
}

static const uint16_t *cmd_attrs(uint8_t cmd, size_t *n)
{
	switch (cmd) {
	case VMON_CMD_WATCH_ADD: *n = sizeof(add_attrs) / 2; return add_attrs;
	case VMON_CMD_WATCH_DEL: *n = sizeof(del_attrs) / 2; return del_attrs;
	case VMON_CMD_DUMP: *n = sizeof(dump_attrs) / 2; return dump_attrs;
	case VMON_CMD_CONFIG_SET: *n = sizeof(cfg_attrs) / 2; return cfg_attrs;
	default: *n = 0; return NULL;
	}
}

/* A WATCH_ADD that should work: a live target's page, a sane interval. */
static void gen_valid_add(struct gen *g)
{
	static const uint16_t must[] = { VMON_A_PID, VMON_A_ADDR, VMON_A_LEN, VMON_A_OP,
					 VMON_A_THRESHOLD };
	uint64_t len = (uint64_t)1 << rng_below(4), v;
	unsigned int i, k = g->p->n_pids ? rng_below(g->p->n_pids) : 0;

	for (i = 0; i < sizeof(must) / 2; i++) {
		v = must[i] == VMON_A_LEN ? len : value_for(g, must[i]);
		if (must[i] == VMON_A_PID && g->p->n_pids)
			v = (uint64_t)g->p->pids[k];
		if (must[i] == VMON_A_ADDR && g->p->n_addrs)
			v = g->p->addrs[rng_below(g->p->n_addrs)] + len * rng_below(4096 / len);
		if (must[i] == VMON_A_OP)
			v = rng_below(VMON_OP_MAX + 1);
		if (must[i] == VMON_A_THRESHOLD)
			v = rng_below(100);
		put(g, must[i], &v, (uint16_t)fz_attr_kind(must[i]));
		g->eff->has[must[i]] = true;
		g->eff->val[must[i]] = v;
	}
	/* The permission: the same target's /proc/PID/mem (-1 if it could not be opened). */
	v = g->p->n_pids ? (uint32_t)g->p->memfds[k] : (uint32_t)-1;
	put(g, VMON_A_MEM_FD, &v, 4);
	g->eff->has[VMON_A_MEM_FD] = true;
	g->eff->val[VMON_A_MEM_FD] = v;
	if (rng_chance(2)) {
		/* Not the 10 us floor: a few such watches take a debug kernel's CPU. */
		v = 1000000ULL * (1 + rng_below(20));
		put(g, VMON_A_INTERVAL_NS, &v, 8);
		g->eff->has[VMON_A_INTERVAL_NS] = true;
	}
	if (rng_chance(2)) {
		v = rng_below(3) * 50000000ULL;
		put(g, VMON_A_COOLDOWN_NS, &v, 8);
	}
	if (rng_chance(3)) {
		uint8_t s = (uint8_t)rng_below(3);

		put(g, VMON_A_SCOPE, &s, 1);
		g->eff->has[VMON_A_SCOPE] = true;
		g->eff->val[VMON_A_SCOPE] = s;
	}
	if (rng_chance(3))
		put(g, VMON_A_NAME, "fuzz", 5);
}

size_t fz_generate(uint8_t *buf, uint32_t seq, const struct fz_pools *p,
		   struct fz_effect *eff)
{
	static const uint8_t cmds[] = {
		VMON_CMD_WATCH_ADD, VMON_CMD_WATCH_ADD, VMON_CMD_WATCH_ADD,
		VMON_CMD_WATCH_DEL, VMON_CMD_WATCH_DEL, VMON_CMD_DUMP,
		VMON_CMD_CONFIG_GET, VMON_CMD_CONFIG_SET, VMON_CMD_STATS,
	};
	static const uint16_t extra_flags[] = {
		NLM_F_ECHO, NLM_F_DUMP, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
		NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND, NLM_F_MULTI,
	};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct gen g = { .buf = buf, .off = NLMSG_HDRLEN + GENL_HDRLEN, .eff = eff, .p = p };
	const uint16_t *attrs;
	size_t n, i, len;

	memset(eff, 0, sizeof(*eff));
	memset(buf, 0, g.off);
	eff->well_framed = true;
	eff->cmd = rng_chance(12) ? (uint8_t)rng_below(rng_chance(2) ? VMON_CMD_MAX + 2 : 256)
				  : cmds[rng_below(sizeof(cmds))];
	gh->cmd = eff->cmd;
	gh->version = rng_chance(30) ? (uint8_t)rng() : VMON_GENL_VERSION;
	gh->reserved = rng_chance(30) ? (uint16_t)rng() : 0;
	nlh->nlmsg_type = rng_chance(50) ? (uint16_t)rng_below(40) : fz_family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (eff->cmd == VMON_CMD_DUMP || eff->cmd == VMON_CMD_STATS)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	for (i = 0; i < 2; i++)
		if (rng_chance(6))
			nlh->nlmsg_flags ^= extra_flags[rng_below(sizeof(extra_flags) / 2)];
	if (rng_chance(60))
		nlh->nlmsg_flags = (uint16_t)rng();
	nlh->nlmsg_seq = seq;

	attrs = cmd_attrs(eff->cmd, &n);
	if (eff->cmd == VMON_CMD_WATCH_ADD && rng_chance(2)) {
		gen_valid_add(&g);
	} else {
		size_t count = rng_below(rng_chance(8) ? 24 : 6);

		for (i = 0; i < count; i++) {
			uint16_t t;

			if (attrs && !rng_chance(5))
				t = attrs[rng_below((uint32_t)n)];	/* duplicates happen */
			else if (rng_chance(4))
				t = (uint16_t)(rng_chance(2) ? VMON_A_MAX + 1 + rng_below(8) : rng());
			else
				t = (uint16_t)rng_below(VMON_A_MAX + 1);
			gen_attr(&g, t & NLA_TYPE_MASK);
		}
	}
	len = g.off;
	nlh->nlmsg_len = (uint32_t)len;
	switch (rng_below(40)) {
	case 0:		/* the header claims less than was sent */
		nlh->nlmsg_len = (uint32_t)rng_below((uint32_t)len);
		eff->well_framed = false;
		break;
	case 1:		/* or more */
		nlh->nlmsg_len = (uint32_t)len + 1 + rng_below(64);
		eff->well_framed = false;
		break;
	case 2:		/* the datagram is cut short */
		len = rng_below((uint32_t)len);
		eff->well_framed = false;
		break;
	case 3:		/* the last attribute's length runs past the end */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)(buf + NLMSG_HDRLEN + GENL_HDRLEN);

			a->nla_len = (uint16_t)(a->nla_len + 4 + rng_below(4096));
			eff->well_framed = false;
		}
		break;
	}
	if (nlh->nlmsg_type != fz_family)
		eff->well_framed = false;
	/* Without it the kernel acknowledges the message and does nothing. */
	eff->request = nlh->nlmsg_flags & NLM_F_REQUEST;
	return len;
}
