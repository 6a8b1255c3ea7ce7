/*
 * vmon-fuzz: fuzz the "vmon" genl family as root and as an unprivileged
 * user at once, against targets that fork, exec, exit and remap; then
 * check what the unprivileged user must not have been able to do.
 *
 *   vmon-fuzz [--messages N] [--seconds S] [--seed X]
 *   vmon-fuzz --stress CLIENTS [--seconds S] [--seed X]
 *
 * Prints one summary line per identity and a verdict; exits 1 if the
 * unprivileged user got anything it should not have, 2 on setup errors.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/vmon.h>
#include "fuzz.h"

#define NOBODY 65534
#define NSOCKS 4
#define NSENTINELS 4

struct run {
	bool privileged;
	uint64_t messages;
	double deadline;
	pid_t root_pids[4];		/* processes nobody may not watch */
	unsigned int n_root_pids;
	uint32_t sentinels[NSENTINELS];	/* root's watches nobody may not touch */
	unsigned int n_sentinels;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "vmon-fuzz: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(2);
}

static bool is_sentinel(const struct run *r, uint64_t id)
{
	for (unsigned int i = 0; i < r->n_sentinels; i++)
		if (r->sentinels[i] == id)
			return true;
	return false;
}

static bool is_root_pid(const struct run *r, uint64_t pid)
{
	for (unsigned int i = 0; i < r->n_root_pids; i++)
		if ((uint64_t)r->root_pids[i] == pid)
			return true;
	return false;
}

/* Did the kernel accept something an unprivileged caller must never get? */
static const char *forbidden(const struct run *r, const struct fz_effect *e,
			     const struct fz_answer *a)
{
	uint64_t scope;

	switch (e->cmd) {
	case VMON_CMD_CONFIG_SET:
		return "CONFIG_SET";
	case VMON_CMD_WATCH_ADD:
		scope = e->has[VMON_A_SCOPE] ? e->val[VMON_A_SCOPE] :
			e->has[VMON_A_METRIC] ? VMON_SCOPE_SYSTEM : VMON_SCOPE_PROCESS;
		if (e->has[VMON_A_WATCH_FLAGS] && (e->val[VMON_A_WATCH_FLAGS] & VMON_WATCH_F_DETACHED))
			return "a detached WATCH_ADD";
		if (scope == VMON_SCOPE_SYSTEM)
			return "a WATCH_ADD with scope system";
		if (e->has[VMON_A_PID] && is_root_pid(r, e->val[VMON_A_PID]) && !e->has[VMON_A_METRIC])
			return "a WATCH_ADD on root's process";
		return NULL;
	case VMON_CMD_WATCH_DEL:
		if (e->has[VMON_A_WATCH_ID] && is_sentinel(r, e->val[VMON_A_WATCH_ID]))
			return "WATCH_DEL of root's watch";
		return NULL;
	case VMON_CMD_DUMP:
		for (unsigned int i = 0; i < a->n_dumped; i++)
			if (is_sentinel(r, a->dumped[i]))
				return "a DUMP listing root's watch";
		return NULL;
	}
	return NULL;
}

static void reopen(struct fz_sock *s, struct fz_counts *c)
{
	uint32_t old = s->portid;
	bool reuse = rng_chance(2);

	fz_close(s);
	c->reopened++;
	/* Right after the close, the old port id is free for anyone to take. */
	if (reuse && fz_open(s, old) == 0) {
		c->port_reused++;
		return;
	}
	if (fz_open(s, 0))
		die("socket", errno);
}

static void fuzz_loop(const struct run *r, struct fz_counts *c, const char *who)
{
	static uint8_t buf[FZ_BUF] __attribute__((aligned(8)));
	struct fz_sock socks[NSOCKS];
	struct fz_pools pools = { .privileged = r->privileged };
	struct fz_effect eff;
	struct fz_answer ans;
	struct fz_slot *slots;
	uint32_t seq = 1;
	int memfd, err;
	const char *bad;
	size_t len;

	slots = fz_slots_create(&memfd);
	fz_targets_start(slots, memfd, FZ_SLOTS);
	for (int i = 0; i < NSOCKS; i++)
		if ((err = fz_open(&socks[i], 0)))
			die("socket", err);
	for (unsigned int i = 0; i < r->n_sentinels; i++)
		pools.ids[pools.n_ids++] = r->sentinels[i];

	while (c->sent < r->messages && now() < r->deadline) {
		struct fz_sock *s = &socks[rng_below(NSOCKS)];

		if ((seq & 63) == 0) {
			fz_targets_tend(slots, memfd, FZ_SLOTS, c);
			for (unsigned int i = 0; i < pools.n_pids; i++)
				if (pools.memfds[i] >= 0)
					close(pools.memfds[i]);
			pools.n_pids = pools.n_addrs = 0;
			for (int i = 0; i < FZ_SLOTS; i++) {
				pools.pids[pools.n_pids++] = slots[i].pid;
				pools.addrs[pools.n_addrs++] = slots[i].addr;
			}
			for (unsigned int i = 0; i < r->n_root_pids; i++)
				pools.pids[pools.n_pids++] = r->root_pids[i];
			/* nobody cannot open root's: it then tries its own descriptors. */
			for (unsigned int i = 0; i < pools.n_pids; i++)
				pools.memfds[i] = fz_open_mem(pools.pids[i]);
		}
		/* Often enough that owners go while their watches fire. */
		if (rng_chance(150))
			reopen(s, c);
		if (rng_chance(500) && fz_join_events(s) == 0 && !r->privileged) {
			c->forbidden_accepted++;
			fprintf(stderr, "vmon-fuzz: %s joined the events group\n", who);
		}
		len = fz_generate(buf, ++seq, &pools, &eff);
		if (fz_request(s, buf, len, seq, &ans, c) != 0)
			continue;
		if (eff.cmd == VMON_CMD_WATCH_ADD && ans.watch_id) {
			pools.ids[pools.n_ids < 64 ? pools.n_ids++ : rng_below(64)] = ans.watch_id;
		}
		if (!r->privileged && eff.well_framed && eff.request && (bad = forbidden(r, &eff, &ans))) {
			c->forbidden_accepted++;
			fprintf(stderr, "vmon-fuzz: %s got %s accepted (seq %u)\n", who, bad, seq);
		}
	}
	for (int i = 0; i < NSOCKS; i++)
		fz_close(&socks[i]);
	for (unsigned int i = 0; i < pools.n_pids; i++)
		if (pools.memfds[i] >= 0)
			close(pools.memfds[i]);
	fz_targets_stop(slots, FZ_SLOTS);
}

static void counts_add(struct fz_counts *d, const struct fz_counts *s)
{
	d->sent += s->sent;
	d->accepted += s->accepted;
	d->refused += s->refused;
	d->unanswered += s->unanswered;
	d->events += s->events;
	d->overruns += s->overruns;
	d->reopened += s->reopened;
	d->port_reused += s->port_reused;
	d->respawned += s->respawned;
	d->forbidden_accepted += s->forbidden_accepted;
	for (size_t i = 0; i < sizeof(d->by_errno) / sizeof(d->by_errno[0]); i++)
		d->by_errno[i] += s->by_errno[i];
}

/* The refusals' errnos, most frequent first. */
static void print_errnos(const struct fz_counts *c)
{
	bool shown[136] = { false };

	printf("  refused with:");
	for (int k = 0; k < 6; k++) {
		size_t best = 0;

		for (size_t i = 1; i < 136; i++)
			if (!shown[i] && c->by_errno[i] > c->by_errno[best])
				best = i;
		if (!best || !c->by_errno[best])
			break;
		shown[best] = true;
		printf(" %s %llu", strerrorname_np((int)best) ? strerrorname_np((int)best) : "?",
		       (unsigned long long)c->by_errno[best]);
	}
	printf("\n");
}

static void report(const char *who, const struct fz_counts *c)
{
	printf("fuzz %s: sent %llu, accepted %llu, refused %llu, unanswered %llu, events %llu, "
	       "overruns %llu, sockets reopened %llu (port id taken over %llu), targets respawned %llu, "
	       "forbidden accepted %llu\n", who,
	       (unsigned long long)c->sent, (unsigned long long)c->accepted,
	       (unsigned long long)c->refused, (unsigned long long)c->unanswered,
	       (unsigned long long)c->events, (unsigned long long)c->overruns,
	       (unsigned long long)c->reopened, (unsigned long long)c->port_reused,
	       (unsigned long long)c->respawned, (unsigned long long)c->forbidden_accepted);
	print_errnos(c);
	fflush(stdout);
}

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		die("dropping to uid 65534", errno);
	if (geteuid() == 0 || setuid(0) == 0) {
		fprintf(stderr, "vmon-fuzz: still root after setuid(65534)\n");
		exit(2);
	}
}

/*
 * Run a fuzzer in a child of its own: it reaps its own targets (and the
 * orphans they leave); its counts come back through a shared page.
 */
static pid_t fork_fuzzer(const struct run *r, struct fz_counts *out, uint64_t seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (!r->privileged)
			drop_to_nobody();
		rng_seed(seed);
		fuzz_loop(r, out, r->privileged ? "root" : "nobody");
		_exit(0);
	}
	if (pid < 0)
		die("fork", errno);
	return pid;
}

static void wait_ok(pid_t pid, const char *what)
{
	int st = 0;

	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "vmon-fuzz: the %s fuzzer died (status 0x%x)\n", what, st);
		exit(2);
	}
}

static int get_config(struct fz_sock *s, uint64_t cfg[FZ_CFG_N], struct fz_counts *c)
{
	struct fz_answer a;
	int err = fz_simple(s, VMON_CMD_CONFIG_GET, 0, NULL, NULL, 0, &a, c);

	memcpy(cfg, a.cfg, sizeof(a.cfg));
	cfg[4] = 0;	/* the current watch count is not configuration */
	return err;
}

/* Root's fuzzing changed the configuration and left detached watches: undo both. */
static void restore(struct fz_sock *ctl, const uint64_t cfg[FZ_CFG_N], struct fz_counts *c)
{
	static const uint16_t t[] = {
		VMON_A_CFG_DEFAULT_INTERVAL_NS, VMON_A_CFG_MIN_INTERVAL_NS,
		VMON_A_CFG_DEFAULT_COOLDOWN_NS, VMON_A_CFG_MAX_WATCHES,
		VMON_A_CFG_MAX_TASKS, VMON_A_CFG_STACK_BYTES,
		VMON_A_CFG_MAX_USER_WATCHES, VMON_A_CFG_MIN_USER_INTERVAL_NS,
		VMON_A_CFG_MAX_CPU, VMON_A_CFG_MAX_USER_CPU,
	};
	const uint64_t v[] = { cfg[0], cfg[1], cfg[2], cfg[3], cfg[5], cfg[6],
			       cfg[7], cfg[8], cfg[9], cfg[10] };
	uint16_t all = VMON_A_DEL_ALL;
	struct fz_answer a;
	int err;

	if ((err = fz_simple(ctl, VMON_CMD_WATCH_DEL, 0, &all, NULL, 1, &a, c)))
		die("WATCH_DEL all", err);
	if ((err = fz_simple(ctl, VMON_CMD_CONFIG_SET, 0, t, v, 10, &a, c)))
		die("CONFIG_SET back to the start", err);
}

static int fuzz_main(uint64_t messages, double seconds, uint64_t seed)
{
	struct fz_counts *shared, setup = { 0 };
	struct run r = { .privileged = false };
	struct fz_answer a;
	struct fz_sock ctl;
	uint64_t cfg_start[FZ_CFG_N], cfg_before[FZ_CFG_N], cfg_after[FZ_CFG_N], addr;
	unsigned int intact = 0;
	pid_t quiet, child, root_child;
	int err, quiet_mem;
	bool ok;

	/* [0], [1]: nobody in phases 1 and 2; [2]: root. */
	shared = mmap(NULL, 3 * sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		die("mmap", errno);
	memset(shared, 0, 3 * sizeof(*shared));
	if ((err = fz_open(&ctl, 0)))
		die("socket", err);
	if ((err = get_config(&ctl, cfg_start, &setup)))
		die("CONFIG_GET", err);

	/* Phase 1: root and nobody at once, nobody checked message by message. */
	r.deadline = now() + seconds * 0.8;
	r.root_pids[r.n_root_pids++] = 1;
	r.root_pids[r.n_root_pids++] = getpid();
	r.messages = messages * 3 / 10;
	child = fork_fuzzer(&r, &shared[0], seed ^ 0x5bd1e995);
	r.privileged = true;
	r.messages = messages * 6 / 10;
	root_child = fork_fuzzer(&r, &shared[2], seed);
	wait_ok(child, "unprivileged");
	wait_ok(root_child, "root");
	r.privileged = false;
	restore(&ctl, cfg_start, &setup);

	/* Phase 2: root's detached watches and config, and nobody alone against them. */
	quiet = fz_quiet_target(&addr);
	if (quiet < 0)
		die("fork", errno);
	r.root_pids[r.n_root_pids++] = quiet;
	quiet_mem = fz_open_mem(quiet);
	for (unsigned int i = 0; i < NSENTINELS; i++) {
		uint16_t t[] = { VMON_A_PID, VMON_A_ADDR, VMON_A_LEN, VMON_A_OP,
				 VMON_A_THRESHOLD, VMON_A_WATCH_FLAGS, VMON_A_INTERVAL_NS,
				 VMON_A_MEM_FD };
		uint64_t v[] = { (uint64_t)quiet, addr + 8 * i, 4, VMON_OP_GT, 1000,
				 VMON_WATCH_F_DETACHED, 100000000, (uint32_t)quiet_mem };

		if ((err = fz_simple(&ctl, VMON_CMD_WATCH_ADD, 0, t, v, 8, &a, &setup)))
			die("adding root's detached watch", err);
		r.sentinels[r.n_sentinels++] = a.watch_id;
	}
	close(quiet_mem);
	if ((err = get_config(&ctl, cfg_before, &setup)))
		die("CONFIG_GET", err);
	r.deadline = now() + seconds * 0.2;
	r.messages = messages - shared[0].sent - shared[2].sent;
	child = fork_fuzzer(&r, &shared[1], seed + 1);
	wait_ok(child, "unprivileged");
	if ((err = get_config(&ctl, cfg_after, &setup)))
		die("CONFIG_GET", err);
	{
		/* A DUMP by pid lists root's watches that are still there; then they go. */
		uint16_t t = VMON_A_PID;
		uint64_t v = (uint64_t)quiet;

		if (fz_simple(&ctl, VMON_CMD_DUMP, NLM_F_DUMP, &t, &v, 1, &a, &setup) == 0)
			for (unsigned int j = 0; j < a.n_dumped; j++)
				intact += is_sentinel(&r, a.dumped[j]);
		fz_simple(&ctl, VMON_CMD_WATCH_DEL, 0, &t, &v, 1, &a, &setup);
	}
	kill(quiet, SIGKILL);
	waitpid(quiet, NULL, 0);
	restore(&ctl, cfg_start, &setup);
	fz_close(&ctl);

	counts_add(&shared[0], &shared[1]);
	report("root", &shared[2]);
	report("nobody", &shared[0]);
	ok = !shared[0].forbidden_accepted && intact == NSENTINELS &&
	     !memcmp(cfg_before, cfg_after, sizeof(cfg_before));
	printf("fuzz: %llu messages (seed %llu); root's detached watches intact %u/%u; config %s; "
	       "events group %s; %s\n",
	       (unsigned long long)(shared[2].sent + shared[0].sent), (unsigned long long)seed,
	       intact, NSENTINELS,
	       memcmp(cfg_before, cfg_after, sizeof(cfg_before)) ? "CHANGED" : "unchanged",
	       fz_events_group ? "present" : "absent", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

/* One --stress client: its own socket; adds, deletes, dumps, and closes it now and then. */
static void __attribute__((noreturn)) stress_client(struct fz_slot *slots, struct fz_counts *c, double end,
			  uint64_t seed)
{
	struct fz_answer a;
	struct fz_sock s;
	uint32_t ids[32];
	unsigned int n = 0;

	rng_seed(seed);
	if (fz_open(&s, 0))
		_exit(3);
	while (now() < end) {
		struct fz_slot *t = &slots[rng_below(FZ_SLOTS)];
		unsigned int what = rng_below(20);

		if (what < 13) {
			/* At the default interval, whatever the configuration says. */
			int mem = fz_open_mem(t->pid);
			uint16_t ty[] = { VMON_A_PID, VMON_A_ADDR, VMON_A_LEN, VMON_A_OP,
					  VMON_A_THRESHOLD, VMON_A_MEM_FD };
			uint64_t v[] = { (uint64_t)t->pid, t->addr + 4 * rng_below(4096),
					 4, VMON_OP_GT, rng_below(50), (uint32_t)mem };

			if (fz_simple(&s, VMON_CMD_WATCH_ADD, 0, ty, v, 6, &a, c) == 0)
				ids[n++ % 32] = a.watch_id;
			if (mem >= 0)
				close(mem);
		} else if (what < 18) {
			if (!n)
				continue;
			uint16_t ty = VMON_A_WATCH_ID;
			uint64_t v = ids[rng_below(n < 32 ? n : 32)];

			fz_simple(&s, VMON_CMD_WATCH_DEL, 0, &ty, &v, 1, &a, c);
		} else if (what == 18) {
			fz_simple(&s, VMON_CMD_DUMP, NLM_F_DUMP, NULL, NULL, 0, &a, c);
		} else {
			reopen(&s, c);
			n = 0;
		}
	}
	fz_close(&s);
	_exit(0);
}

/* --stress: CLIENTS processes adding and deleting watches on hostile targets. */
static int stress_main(unsigned int clients, double seconds, uint64_t seed)
{
	struct fz_counts *sum;
	struct fz_slot *slots;
	pid_t keeper, pids[256];
	int memfd, failed = 0;
	double end = now() + seconds;

	sum = mmap(NULL, sizeof(*sum) * clients, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sum == MAP_FAILED)
		die("mmap", errno);
	memset(sum, 0, sizeof(*sum) * clients);
	slots = fz_slots_create(&memfd);
	keeper = fork();
	if (keeper == 0) {
		/* Keeps the targets alive (and reaps them) while the clients run. */
		struct fz_counts c = { 0 };

		fz_targets_start(slots, memfd, FZ_SLOTS);
		while (now() < end) {
			fz_targets_tend(slots, memfd, FZ_SLOTS, &c);
			usleep(2000);
		}
		fz_targets_stop(slots, FZ_SLOTS);
		_exit(0);
	}
	usleep(200000);
	for (unsigned int i = 0; i < clients; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			stress_client(slots, &sum[i], end, seed + i);
		}
	}
	for (unsigned int i = 0; i < clients; i++) {
		int st;

		if (pids[i] < 0 || waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	}
	waitpid(keeper, NULL, 0);
	for (unsigned int i = 1; i < clients; i++)
		counts_add(&sum[0], &sum[i]);
	report("stress", &sum[0]);
	printf("stress: %u clients for %.0f s, clients failed %d\n", clients, seconds, failed);
	return failed || sum[0].unanswered ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t messages = 20000, seed = (uint64_t)time(NULL);
	double seconds = 60;
	unsigned int stress = 0;
	int err;

	if (argc == 4 && !strcmp(argv[1], "--target")) {
		int memfd = atoi(argv[2]);

		fz_target_main(fz_slots_attach(memfd), memfd, (unsigned int)atoi(argv[3]));
	}
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "usage: vmon-fuzz [--messages N] [--seconds S] [--seed X] [--stress CLIENTS]\n");
			return 2;
		}
		if (!strcmp(argv[i], "--messages"))
			messages = strtoull(v, NULL, 0);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = strtod(v, NULL);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(argv[i], "--stress"))
			stress = (unsigned int)strtoul(v, NULL, 0);
		else {
			fprintf(stderr, "vmon-fuzz: unknown option %s\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (stress > 256) {
		fprintf(stderr, "vmon-fuzz: --stress takes at most 256 clients\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "vmon-fuzz: run as root (it drops to uid 65534 for the unprivileged half)\n");
		return 2;
	}
	fz_check_table();
	if ((err = fz_resolve()))
		die("resolving the vmon genl family (is vmon.ko loaded?)", err);
	rng_seed(seed);
	signal(SIGPIPE, SIG_IGN);
	printf("vmon-fuzz: seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	return stress ? stress_main(stress, seconds, seed) : fuzz_main(messages, seconds, seed);
}
