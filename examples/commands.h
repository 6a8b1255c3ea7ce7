/* What the examples share besides their point: a time limit, commands on stdin, events meanwhile. */
#ifndef EXAMPLES_COMMANDS_H
#define EXAMPLES_COMMANDS_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vmon.h>

static inline int64_t example_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Every example starts with "pid=N" on a line of its own (scripts read it
 * before anything else) and returns when it is to end: argv[1] seconds
 * from now, or 0 (no argv[1], or 0) for "when stdin closes".
 */
static inline int64_t example_start(int argc, char **argv)
{
	long secs = 0;
	char *end;

	if (argc > 1 && ((secs = strtol(argv[1], &end, 10)) < 0 || *end || end == argv[1])) {
		fprintf(stderr, "usage: %s [SECONDS]   (runs until stdin closes, or SECONDS pass)\n",
			argv[0]);
		exit(2);
	}
	/* Line by line even into a pipe: whoever reads us waits for each line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid=%d\n", (int)getpid());
	return secs ? example_now_ms() + secs * 1000 : 0;
}

/*
 * The next line of stdin into line (size bytes, without its newline),
 * delivering h's events to cb meanwhile (h may be NULL).  Returns 1 with
 * a line, 0 when stdin is closed or the deadline (0: none) has passed, or
 * -1 when h failed (its message in vmon_errmsg()).
 */
static inline int example_command(char *line, size_t size, struct vmon *h,
				  vmon_event_cb cb, void *arg, int64_t deadline)
{
	static char buf[4096];
	static size_t have;
	static bool eof;		/* a last line may lack its newline */

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = h ? vmon_fd(h) : -1, .events = POLLIN },
		};
		char *nl = memchr(buf, '\n', have);
		int wait = -1;
		ssize_t n;

		if (nl || eof) {
			size_t len = nl ? (size_t)(nl - buf) : have;

			if (!len && !nl)
				return 0;
			snprintf(line, size, "%.*s", (int)len, buf);
			have -= nl ? len + 1 : len;
			memmove(buf, buf + len + !!nl, have);
			return 1;
		}
		if (have == sizeof(buf))	/* a line too long to be a command */
			have = 0;
		if (deadline) {
			int64_t left = deadline - example_now_ms();

			if (left <= 0)
				return 0;
			wait = left > 1000 ? 1000 : (int)left;
		}
		/* vmon_process() also delivers a snapshot whose last part never came. */
		if (h && (wait < 0 || wait > 500))
			wait = 500;
		if (poll(fds, 2, wait) < 0 && errno != EINTR)
			return -1;
		if (h && vmon_process(h, cb, arg) < 0)
			return -1;
		if (fds[0].revents) {
			n = read(0, buf + have, sizeof(buf) - have);
			if (n <= 0)
				eof = true;
			else
				have += (size_t)n;
		}
	}
}

#endif /* EXAMPLES_COMMANDS_H */
