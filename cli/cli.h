/* SPDX-License-Identifier: GPL-2.0-only */
/* vmon CLI: the command table, exit codes and helpers shared by the commands. */
#ifndef VMON_CLI_H
#define VMON_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "vmon.h"

/* Exit status, documented in `vmon --help` and vmon(8). */
enum {
	RC_OK = 0,		/* success */
	RC_FAIL = 1,		/* the kernel refused, or another runtime error */
	RC_USAGE = 2,		/* bad command line */
	RC_NOMODULE = 3,	/* vmon.ko is not loaded */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);	/* argv[0] is the command name */
	const char *usage;			/* options synopsis */
	const char *help;			/* what it does, option by option */
};

const struct cmd *cmd_find(const char *name);

int cmd_watch(int argc, char **argv);
int cmd_unwatch(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* watch_var.c */

/* vmon watch --var: what the command line says about the variable. */
struct var_args {
	const char *expr;
	const char *op_opt, *value;	/* the comparison, read in the type's terms */
	bool have_len;			/* spec->len is --len */
	bool unsigned_given;
};

/*
 * Resolve a->expr in spec->pid and set spec's address, length, sign and
 * threshold from it (and its name to the expression when it has none, in
 * name).  Returns RC_OK and *var (for vmon_var_free()), or an exit status
 * after saying why.
 */
int watch_var(const char *cmd, const struct var_args *a,
	      struct vmon_watch_spec *spec, char name[VMON_NAME_MAX],
	      struct vmon_var **var);

/* util.c */

/* "vmon CMD: message" plus a pointer to `vmon help CMD`; returns RC_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports what getopt_long() (opterr = 0, optstring starting ':') refused. */
int option_error(const char *cmd, int c, char **argv);

/* Prints a command's usage and help to stdout; returns RC_OK. */
int cmd_help(const char *cmd);

/* Opens a handle or explains why not; returns RC_OK or the exit status. */
int open_vmon(struct vmon **h);

/* "vmon: what: <library's message>"; returns RC_FAIL. */
int fail(struct vmon *h, const char *what);

/*
 * Deliver events to cb until it returns nonzero, SIGINT or SIGTERM
 * arrives, or timeout_ns passes (0: no timeout).  Returns an exit status.
 */
/* A growing array of rows, for output that needs them all (column widths). */
struct rows {
	void *v;
	size_t n, cap;
	bool oom;
};
/* Append the size-byte row; returns 1 (stop the dump) when out of memory. */
int rows_push(struct rows *r, const void *row, size_t size);

void block_stop_signals(void);
int event_loop(struct vmon *h, uint64_t timeout_ns, vmon_event_cb cb,
	       void *arg);

/*
 * Prints an event on stdout at once: readers of a pipe see it live.  In
 * folded mode, events other than triggers go to stderr as text.
 */
void print_event(const struct vmon_event *ev, enum fmt_mode mode);

/* The same for an event of known time: now_real_ns as for fmt_event(). */
void output_event(const struct vmon_event *ev, enum fmt_mode mode,
		  uint64_t now_real_ns);

#endif /* VMON_CLI_H */
