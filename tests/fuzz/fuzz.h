/* vmon-fuzz: a structure-aware fuzzer of the "vmon" generic netlink family. */
#ifndef VMON_FUZZ_H
#define VMON_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- rng.c: a seeded generator, so a failing run can be replayed --- */
void rng_seed(uint64_t seed);
uint64_t rng(void);
uint32_t rng_below(uint32_t n);		/* 0..n-1 */
bool rng_chance(uint32_t one_in);	/* true once in one_in */

/* --- nlsock.c: raw generic netlink sockets --- */
struct fz_sock {
	int fd;
	uint32_t portid;
};

struct fz_counts {
	uint64_t sent, accepted, refused, unanswered;
	uint64_t events, overruns, reopened, port_reused;
	uint64_t forbidden_accepted;	/* unprivileged requests that should have failed */
	uint64_t respawned;
	uint64_t by_errno[136];		/* refusals by errno */
};

/* What one request got back: the first NLMSG_ERROR or NLMSG_DONE with its seq. */
/*
 * CONFIG_GET values the fuzzer compares and restores: 0-4 the first
 * VMON_A_CFG_* (4, the watch count, is not configuration), 5-6 max_tasks
 * and stack_bytes, 7-10 the resource limits.
 */
#define FZ_CFG_N	11

struct fz_answer {
	bool answered;
	int error;			/* 0 or -errno */
	uint32_t watch_id;		/* WATCH_ADD reply */
	uint32_t dumped[64];		/* DUMP: watch ids listed */
	unsigned int n_dumped;
	uint64_t cfg[FZ_CFG_N];		/* CONFIG_GET reply: settings, FZ_CFG_* order */
};

extern uint16_t fz_family;
extern uint32_t fz_events_group;	/* 0: the module has no events group */

int fz_resolve(void);			/* family id and events group; -errno */
int fz_open(struct fz_sock *s, uint32_t bind_portid);
void fz_close(struct fz_sock *s);
int fz_join_events(struct fz_sock *s);	/* 0 joined, -errno refused */
/* Send len bytes as one datagram, then read everything it caused. */
int fz_request(struct fz_sock *s, const void *buf, size_t len, uint32_t seq,
	       struct fz_answer *ans, struct fz_counts *c);
/* Build and send a well-formed request with the given u32/u64 attributes (type, value). */
int fz_simple(struct fz_sock *s, uint8_t cmd, uint16_t flags,
	      const uint16_t *types, const uint64_t *vals, unsigned int n,
	      struct fz_answer *ans, struct fz_counts *c);

/* --- msggen.c: requests, from well-formed to garbage --- */
#define FZ_BUF 8192

struct fz_pools {
	pid_t pids[16];
	int memfds[16];			/* /proc/PIDS[i]/mem, or -1 */
	unsigned int n_pids;
	uint64_t addrs[16];
	unsigned int n_addrs;
	uint32_t ids[64];		/* watch ids seen in replies */
	unsigned int n_ids;
	bool privileged;
};

/* The attributes the kernel will act on, to judge the answer. */
struct fz_effect {
	uint8_t cmd;
	bool well_framed;		/* header and attribute framing intact */
	bool request;			/* NLM_F_REQUEST: the kernel acts on it */
	bool has[128];
	uint64_t val[128];		/* last value of each attribute with a valid length */
};

size_t fz_generate(uint8_t *buf, uint32_t seq, const struct fz_pools *p,
		   struct fz_effect *eff);
uint16_t fz_attr_kind(unsigned int type);
void fz_check_table(void);

/* /proc/PID/mem, the permission WATCH_ADD asks for; -1 if refused. */
int fz_open_mem(pid_t pid);

/* --- targets.c: hostile processes to watch --- */
struct fz_slot {
	volatile pid_t pid;
	volatile uint64_t addr;		/* start of 4 writable pages */
};

#define FZ_SLOTS 4
struct fz_slot *fz_slots_create(int *memfd);
struct fz_slot *fz_slots_attach(int memfd);
void fz_targets_start(struct fz_slot *slots, int memfd, unsigned int n);
void fz_targets_tend(struct fz_slot *slots, int memfd, unsigned int n,
		     struct fz_counts *c);
void fz_targets_stop(struct fz_slot *slots, unsigned int n);
void fz_target_main(struct fz_slot *slots, int memfd, unsigned int idx)
	__attribute__((noreturn));
pid_t fz_quiet_target(uint64_t *addr);	/* a target that only counts */

#endif
