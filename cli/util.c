// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI helpers: error reporting, opening the handle, the event loop. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "cli.h"
#include "format.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmon %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun 'vmon help %s' for usage.\n", cmd);
	return RC_USAGE;
}

int option_error(const char *cmd, int c, char **argv)
{
	/* optind already moved past the offending word. */
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", word);
	/* Long options are named by what was typed ("--json=1" included). */
	if (!strncmp(word, "--", 2) || !optopt)
		return usage_error(cmd, "unknown option '%s'", word);
	return usage_error(cmd, "unknown option '-%c'", optopt);
}

int cmd_help(const char *name)
{
	const struct cmd *c = cmd_find(name);

	printf("Usage: vmon %s %s\n\n%s", c->name, c->usage, c->help);
	return RC_OK;
}

int open_vmon(struct vmon **h)
{
	int err = vmon_open(h);

	if (err == 0)
		return RC_OK;
	fprintf(stderr, "vmon: %s\n", vmon_errmsg(*h));
	vmon_close(*h);
	*h = NULL;
	return err == -ENOENT ? RC_NOMODULE : RC_FAIL;
}

int fail(struct vmon *h, const char *what)
{
	fprintf(stderr, "vmon: %s: %s\n", what, vmon_errmsg(h));
	return RC_FAIL;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

void output_event(const struct vmon_event *ev, enum fmt_mode mode,
		  uint64_t now_real_ns)
{
	/* Folded stacks feed flame graph tools: the rest is for the user. */
	if (mode == FMT_FOLDED && ev->type != VMON_EV_TRIGGER)
		fmt_event(stderr, ev, FMT_TEXT, now_real_ns);
	else
		fmt_event(stdout, ev, mode, now_real_ns);
	fflush(stdout);
}

void print_event(const struct vmon_event *ev, enum fmt_mode mode)
{
	output_event(ev, mode, now_ns(CLOCK_REALTIME));
}

int rows_push(struct rows *r, const void *row, size_t size)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		void *p = realloc(r->v, cap * size);

		if (!p) {
			r->oom = true;
			return 1;
		}
		r->v = p;
		r->cap = cap;
	}
	memcpy((char *)r->v + r->n++ * size, row, size);
	return 0;
}

/*
 * Block SIGINT and SIGTERM before a watch exists: a signal that arrives
 * blocked waits for event_loop(), even where it is ignored (a background
 * job of a script), instead of being lost or killing us half set up.
 */
void block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * SIGINT and SIGTERM are blocked and read from a signalfd polled with the
 * netlink socket: no handler races with poll(), and the exit is a normal
 * return that closes the handle (which removes our watches).
 */
int event_loop(struct vmon *h, uint64_t timeout_ns, vmon_event_cb cb,
	       void *arg)
{
	uint64_t deadline = timeout_ns ? now_ns(CLOCK_MONOTONIC) + timeout_ns : 0;
	struct pollfd pfd[2];
	sigset_t set, old;
	int rc = RC_OK;
	int sfd, n, r;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "vmon: signalfd: %s\n", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return RC_FAIL;
	}
	pfd[0].fd = vmon_fd(h);
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;

	for (;;) {
		int wait = -1;

		r = vmon_process(h, cb, arg);
		if (r < 0) {
			rc = fail(h, "cannot read events");
			break;
		}
		if (r > 0)
			break;		/* the callback is done */
		if (deadline) {
			uint64_t now = now_ns(CLOCK_MONOTONIC);
			uint64_t left_ms;

			if (now >= deadline)
				break;
			/* Round up: waking early would spin on a 0 ms poll. */
			left_ms = (deadline - now + 999999) / 1000000;
			wait = left_ms > 1000000000 ? 1000000000 : (int)left_ms;
		}
		n = poll(pfd, 2, wait);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "vmon: poll: %s\n", strerror(errno));
			rc = RC_FAIL;
			break;
		}
		if (n > 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			/* Consume it, or unblocking below would deliver it. */
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			break;
		}
	}
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
