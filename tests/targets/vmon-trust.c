/*
 * vmon-trust: attacks on vmon's trust model, as an unprivileged user, past
 * libvmon (raw generic netlink).  Built without PIE, so `secret` is at the
 * same address in every copy of this program, a setuid-root copy included.
 *
 *   vmon-trust suid-hold              the setuid image: secret set, then sleep
 *   vmon-trust exec-after-open SUID   open a child's /proc/PID/mem, let it exec
 *                                     SUID, then WATCH_ADD with that descriptor
 *   vmon-trust exec-race SUID N       N times: a child execs SUID at once while
 *                                     we open its mem and WATCH_ADD (a race)
 *   vmon-trust clone-exec SUID        watch our child P; P shares its memory
 *                                     with a CLONE_VM sibling, then execs SUID;
 *                                     the sibling makes the watch fire
 *   vmon-trust portid-reuse           close a socket whose watch fires every ms,
 *                                     bind a new one to its port id at once: it
 *                                     must get none of the old watch's events, and
 *                                     a watch it adds must not die with the old owner
 *
 * Each prints "name: ..." lines and exits 0 when vmon did what it must.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
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

#define SECRET 0x5ec12e7u

static volatile uint32_t secret;	/* only the setuid image sets it */
static volatile uint32_t shared_var;	/* clone-exec: the watched variable */
static volatile int go;			/* clone-exec: the sibling may write */

static struct nl_sock *sk;
static int family;
static int64_t cooldown_ns = -1;	/* WATCH_ADD's COOLDOWN_NS; -1: the default */

static int any_seq(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

/* A callback set that takes events (sequence 0) between replies. */
static struct nl_cb *new_cb(void)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	return cb;
}

static int stray_events;		/* notifications that arrived while a request waited */

static int on_reply(struct nl_msg *m, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct nlattr *tb[VMON_A_MAX + 1];

	if (gh->cmd >= VMON_CMD_EVENT)
		stray_events++;
	else if (gh->cmd == VMON_CMD_WATCH_ADD &&
		 genlmsg_parse(nlmsg_hdr(m), 0, tb, VMON_A_MAX, NULL) == 0 && tb[VMON_A_WATCH_ID])
		((struct nl_answer *)arg)->id = nla_get_u32(tb[VMON_A_WATCH_ID]);
	return NL_OK;
}

static void connect_vmon(void)
{
	int one = 1;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0) {
		fputs("vmon-trust: no generic netlink socket\n", stderr);
		exit(2);
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl_socket_disable_seq_check(sk);	/* events (seq 0) arrive between requests */
	family = genl_ctrl_resolve(sk, VMON_GENL_NAME);
	if (family < 0) {
		fputs("vmon-trust: no \"vmon\" family\n", stderr);
		exit(2);
	}
}

/* A request of cmd, to be filled and handed to ask(). */
static struct nl_msg *request(uint8_t cmd, struct nl_answer *r)
{
	struct nl_msg *m = nlmsg_alloc();

	memset(r, 0, sizeof(*r));
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd, VMON_GENL_VERSION);
	return m;
}

/* Send m and read until its ACK or error; 0 or -errno. */
static int ask(struct nl_msg *m, struct nl_answer *r)
{
	struct nl_cb *cb = new_cb();
	int ret;

	nl_cb_err(cb, NL_CB_CUSTOM, nl_answer_error, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_answer_ack, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, r);
	ret = nl_send_auto(sk, m);
	nlmsg_free(m);
	while (ret >= 0 && !r->done)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (!r->done)
		snprintf(r->msg, sizeof(r->msg), "no answer: libnl: %s", nl_geterror(ret));
	return r->done ? r->err : -EIO;
}

/* WATCH_ADD of len 4 at addr in pid, "> threshold" every ms; 0 or -errno. */
static int watch_add(pid_t pid, const volatile void *addr, int memfd,
		     uint64_t threshold, struct nl_answer *r)
{
	struct nl_msg *m = request(VMON_CMD_WATCH_ADD, r);

	nla_put_u32(m, VMON_A_PID, (uint32_t)pid);
	nla_put_u64(m, VMON_A_ADDR, (uintptr_t)addr);
	nla_put_u8(m, VMON_A_LEN, 4);
	nla_put_u8(m, VMON_A_OP, VMON_OP_GT);
	nla_put_u64(m, VMON_A_THRESHOLD, threshold);
	nla_put_u64(m, VMON_A_INTERVAL_NS, 1000000);
	nla_put_s32(m, VMON_A_MEM_FD, memfd);
	if (cooldown_ns >= 0)
		nla_put_u64(m, VMON_A_COOLDOWN_NS, (uint64_t)cooldown_ns);
	return ask(m, r);
}

static int watch_del(uint32_t id, struct nl_answer *r)
{
	struct nl_msg *m = request(VMON_CMD_WATCH_DEL, r);

	nla_put_u32(m, VMON_A_WATCH_ID, id);
	return ask(m, r);
}

/* What arrived on our socket: events with the secret, and snapshot parts of pid. */
struct seen {
	pid_t pid;
	int events, secret_events, tasks_of_pid, processes_of_pid, snap_ends;
	int notes;			/* every notification: events and snapshot parts */
};

static int on_note(struct nl_msg *m, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));
	struct nlattr *tb[VMON_A_MAX + 1];
	struct seen *s = arg;
	pid_t pid;

	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, VMON_A_MAX, NULL))
		return NL_OK;
	pid = tb[VMON_A_PID] ? (pid_t)nla_get_u32(tb[VMON_A_PID]) : 0;
	s->notes += gh->cmd >= VMON_CMD_EVENT;
	switch (gh->cmd) {
	case VMON_CMD_EVENT:
		s->events++;
		if (tb[VMON_A_VALUE] && nla_get_u64(tb[VMON_A_VALUE]) == SECRET)
			s->secret_events++;
		break;
	case VMON_CMD_TASK:
		s->tasks_of_pid += pid == s->pid;
		break;
	case VMON_CMD_PROCESS:
		s->processes_of_pid += pid == s->pid;
		break;
	case VMON_CMD_SNAP_END:
		s->snap_ends++;
		break;
	}
	return NL_OK;
}

/* Read notifications for about ms milliseconds (or until a snapshot ends, if stop). */
static void listen_for(struct seen *s, int ms, int stop_at_snap_end)
{
	struct nl_cb *cb = new_cb();
	struct timeval tv = { 0, 100000 };
	int i;

	nl_socket_disable_seq_check(sk);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_note, s);
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < ms / 100; i++) {
		nl_recvmsgs(sk, cb);
		if (stop_at_snap_end && s->snap_ends)
			break;
	}
	nl_cb_put(cb);
}

static int open_mem(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* A child that execs suid (as "suid-hold") when told to through its pipe. */
static pid_t spawn_exec(const char *suid, int *go_fd, int *exec_done_fd)
{
	int gop[2], donep[2];
	pid_t pid;
	char c;

	if (pipe(gop) || pipe2(donep, O_CLOEXEC))
		exit(2);
	pid = fork();
	if (pid == 0) {
		close(gop[1]);
		close(donep[0]);
		if (read(gop[0], &c, 1) != 1)
			_exit(0);
		execl(suid, "vmon-trust", "suid-hold", (char *)NULL);
		_exit(127);
	}
	close(gop[0]);
	close(donep[1]);
	*go_fd = gop[1];
	*exec_done_fd = donep[0];	/* EOF once the exec closed the write end */
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int exec_after_open(const char *suid)
{
	int go_fd, done_fd, memfd, err;
	struct nl_answer r;
	char c;
	pid_t pid = spawn_exec(suid, &go_fd, &done_fd);

	memfd = open_mem(pid);
	if (memfd < 0) {
		perror("vmon-trust: /proc/PID/mem of our own child");
		return 2;
	}
	if (write(go_fd, "x", 1) != 1 || read(done_fd, &c, 1) != 0)
		return 2;
	usleep(200000);		/* the setuid image has set its secret */
	err = watch_add(pid, &secret, memfd, 0, &r);
	printf("exec after open: %s: %s\n", err ? "refused" : "ACCEPTED",
	       err ? r.msg : "a watch on the setuid image");
	reap(pid);
	return err ? 0 : 1;
}

static int exec_race(const char *suid, int rounds)
{
	struct seen s = { 0 };
	int i, accepted = 0, refused = 0, go_fd, done_fd, memfd;
	struct nl_answer r;
	pid_t pids[256];

	if (rounds > 256)
		rounds = 256;
	for (i = 0; i < rounds; i++) {
		pids[i] = spawn_exec(suid, &go_fd, &done_fd);
		memfd = open_mem(pids[i]);
		if (write(go_fd, "x", 1) != 1)
			return 2;
		if (memfd >= 0 && watch_add(pids[i], &secret, memfd, 0, &r) == 0)
			accepted++;
		else
			refused++;
		if (memfd >= 0)
			close(memfd);
		close(go_fd);
		close(done_fd);
	}
	/* A watch on a setuid image would read its secret within a few ms. */
	listen_for(&s, 3000, 0);
	for (i = 0; i < rounds; i++)
		reap(pids[i]);
	printf("exec race: %d rounds, %d watches accepted (on the image before exec), %d refused, "
	       "%d events, %d with the setuid image's secret\n",
	       rounds, accepted, refused, s.events, s.secret_events);
	return s.secret_events ? 1 : 0;
}

static int sibling(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "vmon-trust-sib");
	while (!go)
		usleep(1000);
	sleep(1);		/* P has exec'd by now */
	shared_var = 1000;	/* in the address space P left behind */
	for (;;)
		pause();
	return 0;
}

static int clone_exec(const char *suid)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	struct seen s = { 0 };
	int sync_p[2], memfd, err;
	struct nl_answer r;
	pid_t p, b = 0;
	char c;

	if (pipe(sync_p))
		return 2;
	p = fork();
	if (p == 0) {
		/* P: shares its memory with B, then execs the setuid image. */
		b = clone(sibling, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
		if (b < 0)
			_exit(3);
		if (read(sync_p[0], &c, 1) != 1)
			_exit(0);
		go = 1;
		execl(suid, "vmon-trust", "suid-hold", (char *)NULL);
		_exit(127);
	}
	memfd = open_mem(p);
	s.pid = p;
	err = memfd < 0 ? -errno : watch_add(p, &shared_var, memfd, 500, &r);
	if (err) {
		printf("clone-exec: cannot watch our own child: %s\n", memfd < 0 ? strerror(-err) : r.msg);
		reap(p);
		return 2;
	}
	if (write(sync_p[1], "x", 1) != 1)
		return 2;
	listen_for(&s, 10000, 1);
	printf("clone-exec: %d events, TASK parts of pid %d (now the setuid image): %d, "
	       "PROCESS parts: %d, snapshots ended: %d\n", s.events, (int)p, s.tasks_of_pid,
	       s.processes_of_pid, s.snap_ends);
	reap(p);
	system("pkill -KILL -f '^vmon-trust suid-hold' 2>/dev/null; pkill -KILL -x vmon-trust-sib 2>/dev/null");
	if (!s.events || !s.snap_ends)
		return 2;	/* the watch never fired: nothing shown */
	return s.tasks_of_pid || s.processes_of_pid ? 1 : 0;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Reconnect to the port id of the socket just closed, as soon as it is free. */
static int rebind(uint32_t port)
{
	int tries, one = 1;

	for (tries = 0; tries < 100000; tries++) {
		sk = nl_socket_alloc();
		nl_socket_set_local_port(sk, port);
		if (genl_connect(sk) == 0)
			break;
		nl_socket_free(sk);
		sk = NULL;
	}
	if (!sk)
		return -1;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl_socket_disable_seq_check(sk);
	return tries;
}

/*
 * Rounds of: a watch on our own variable that fires every millisecond, each
 * trigger a snapshot of our 48 threads (so one is usually being sent), then
 * its socket closed and the port id bound again at once.  The new socket
 * must hear nothing of the old watch, and its own watch must outlive the
 * old owner's teardown.
 */
static int portid_reuse(void)
{
	struct seen s = { 0 };
	struct nl_answer r;
	int memfd, round, tries, heard = 0, gone = 0, err;
	uint32_t port, mine = 0;
	pthread_t t;

	for (int i = 0; i < 48; i++)
		pthread_create(&t, NULL, idle_thread, NULL);
	memfd = open_mem(getpid());
	for (round = 0; round < 5; round++) {
		/*
		 * It fires once it is added, not before: a burst of snapshot parts ahead
		 * of the reply would overflow the socket, and the ACK with it.
		 */
		shared_var = 0;
		cooldown_ns = 1000000;
		err = watch_add(getpid(), &shared_var, memfd, 0, &r);
		if (err) {
			printf("portid-reuse: round %d: cannot add the firing watch: %s (%s)\n",
			       round, r.msg, strerror(-err));
			return 2;
		}
		shared_var = 1;
		memset(&s, 0, sizeof(s));
		listen_for(&s, 300, 0);
		if (!s.events) {
			printf("portid-reuse: the firing watch never fired\n");
			return 2;
		}
		port = nl_socket_get_local_port(sk);
		nl_socket_free(sk);
		tries = rebind(port);
		if (tries < 0) {
			printf("portid-reuse: port id %u never came free\n", port);
			return 2;
		}
		stray_events = 0;
		cooldown_ns = -1;
		/* A quiet watch of the new socket's own (threshold above the value). */
		err = watch_add(getpid(), &shared_var, memfd, 1000, &r);
		if (err) {
			printf("portid-reuse: the new socket cannot add a watch: %s (%s)\n", r.msg,
			       strerror(-err));
			return 2;
		}
		mine = r.id;
		memset(&s, 0, sizeof(s));
		listen_for(&s, 1500, 0);
		heard += s.notes + stray_events;
		gone += watch_del(mine, &r) != 0;
		printf("portid-reuse: round %d: port id %u rebound after %d tries; notifications heard: %d; "
		       "own watch %u: %s\n", round, port, tries, s.notes + stray_events, mine,
		       r.err ? r.msg : "alive");
	}
	printf("portid-reuse: notifications of the old owner's watch heard by the new socket: %d; "
	       "new watches torn down with the old owner: %d\n", heard, gone);
	return heard || gone ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "suid-hold")) {
		secret = SECRET;
		sleep(30);
		return 0;
	}
	connect_vmon();
	if (argc == 3 && !strcmp(argv[1], "exec-after-open"))
		return exec_after_open(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "exec-race"))
		return exec_race(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "clone-exec"))
		return clone_exec(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "portid-reuse"))
		return portid_reuse();
	fputs("usage: vmon-trust suid-hold | exec-after-open SUID | exec-race SUID N | clone-exec SUID | portid-reuse\n",
	      stderr);
	return 2;
}
