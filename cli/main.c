// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI entry point: the command table, global --help/--version, `vmon help CMD`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cmd cmds[] = {
	{
		"watch", cmd_watch,
		"--pid PID (--addr ADDR --len {1|2|4|8} | --var EXPR [--len N])\n"
		"       (--gt|--lt|--ge|--le|--eq|--ne) VALUE\n"
		"       [--unsigned] [--interval DUR] [--cooldown DUR] [--name NAME]\n"
		"       [--scope process|system|none] [--count N] [--timeout DUR]\n"
		"       [--json | --folded] [--detach]\n"
		"   or: vmon watch (--loadavg1|--loadavg5|--loadavg15|--running|--uninterruptible)\n"
		"       (--gt|--lt|--ge|--le|--eq|--ne) VALUE\n"
		"       [--interval DUR] [--cooldown DUR] [--name NAME]\n"
		"       [--scope system|none] [--count N] [--timeout DUR]\n"
		"       [--json | --folded] [--detach]",
		"Watch LEN bytes at ADDR, or the variable EXPR names, in process PID, or\n"
		"a kernel metric, and print an event each time the comparison of the\n"
		"value with VALUE holds.\n"
		"Runs until Ctrl-C, SIGTERM, --count events, --timeout, or the watch ends\n"
		"(the process exits...); the watch is removed when vmon exits.  Each event\n"
		"comes with a snapshot of what the process's threads were doing: their\n"
		"user and kernel stacks, and the process's ancestors.\n"
		"\n"
		"  -p, --pid PID        process to watch\n"
		"  -a, --addr ADDR      virtual address in that process (decimal or 0x hex)\n"
		"  --var EXPR           a variable by name instead, from the symbol tables\n"
		"                       and debug info of the files PID maps: NAME,\n"
		"                       NAME.member, NAME[3], NAME[2].x, or LIB:NAME for\n"
		"                       the one in the mapped file whose name starts with\n"
		"                       LIB (libfoo:count); length and sign come from its\n"
		"                       type, and --len and --unsigned may not contradict\n"
		"                       it (use --addr for that); without debug info give\n"
		"                       --len\n"
		"  -l, --len N          size of the variable in bytes: 1, 2, 4 or 8\n"
		"  --gt|--lt|--ge|--le|--eq|--ne VALUE\n"
		"                       the comparison (exactly one); VALUE is decimal, or\n"
		"                       0x hex taken as the raw bits of the variable\n"
		"                       (0x80 with --len 1 is -128 unless --unsigned)\n"
		"  -u, --unsigned       compare as unsigned (default: signed, or with --var\n"
		"                       as the type says)\n"
		"  --loadavg1, --loadavg5, --loadavg15\n"
		"                       watch the 1, 5 or 15 minute load average instead\n"
		"                       of a process; VALUE has at most two decimals (4,\n"
		"                       0.5, 4.25)\n"
		"  --running            watch the number of runnable tasks (state R)\n"
		"  --uninterruptible    watch the number of tasks in uninterruptible sleep\n"
		"                       (state D); VALUE is a whole number for both\n"
		"  -i, --interval DUR   how often to read the value (default: the module's;\n"
		"                       10ms for a metric)\n"
		"  --cooldown DUR       quiet time after an event (default: the module's;\n"
		"                       20s for a metric)\n"
		"  --name NAME          label shown in events (at most 31 bytes; with --var\n"
		"                       the expression, cut to 31 bytes, with a metric its\n"
		"                       name, by default)\n"
		"  --scope SCOPE        what an event's snapshot takes: process (every\n"
		"                       thread of PID; the default), system (and every\n"
		"                       task running or in uninterruptible sleep; needs\n"
		"                       CAP_SYS_ADMIN; the default for a metric) or none\n"
		"                       (no snapshot)\n"
		"  --count N            exit after N events\n"
		"  --timeout DUR        exit after DUR\n"
		"  -j, --json           one JSON object per event, snapshot included\n"
		"  --folded             only the snapshots' stacks, a line per task as\n"
		"                       flamegraph.pl and speedscope read them; other\n"
		"                       events go to stderr\n"
		"  --detach             leave the watch in place after vmon exits, print its\n"
		"                       ID and exit (needs CAP_SYS_ADMIN); its events go to\n"
		"                       `vmon listen`\n"
		"\n"
		"A metric watch takes one metric, and none of --pid, --addr, --len,\n"
		"--var, --unsigned and --scope process.  As root, `vmon watch --loadavg1\n"
		"--gt 4` reports a 1-minute load average above 4 with what every running\n"
		"or blocked task was doing; without CAP_SYS_ADMIN add --scope none.\n"
		"\n"
		"With --var, a name defined more than once (statics of several source\n"
		"files, or several libraries) is refused with the list of definitions;\n"
		"LIB:NAME picks a file's.  Structs, arrays, pointers, floating point,\n"
		"bit-fields, thread-local and read-only (const) variables are refused,\n"
		"each saying what to do instead.\n"
		"\n"
		"DUR is a number with a unit: ns, us, ms or s (1.5ms is fine); 0 alone is\n"
		"accepted.  The confirmation goes to stderr, events to stdout.  Save\n"
		"--json output to read it again later with `vmon report`.\n",
	},
	{
		"unwatch", cmd_unwatch,
		"ID... | --all | --pid PID",
		"Remove watches: the given IDs, all of them, or those on a process.\n"
		"Without CAP_SYS_ADMIN only your own user's watches can be removed, and\n"
		"--all and --pid leave the others alone.\n"
		"\n"
		"  --all                remove all watches you may remove\n"
		"  -p, --pid PID        remove the watches on PID that you may remove\n",
	},
	{
		"list", cmd_list,
		"[--json] [--pid PID]",
		"List watches: your own user's, or all of them with CAP_SYS_ADMIN.  An\n"
		"address inside a variable of the watched process's symbol tables is\n"
		"followed by its name, as <counter> or <stats+0x8>.\n"
		"\n"
		"  -j, --json           one JSON object per watch\n"
		"  -p, --pid PID        only the watches on PID\n",
	},
	{
		"listen", cmd_listen,
		"[--json | --folded] [--pid PID] [--watch ID] [--count N] [--timeout DUR]",
		"Print the events of every watch (needs CAP_SYS_ADMIN) until Ctrl-C,\n"
		"SIGTERM, --count events or --timeout.\n"
		"\n"
		"  -j, --json           one JSON object per event, snapshot included\n"
		"  --folded             only the snapshots' stacks (see `vmon help watch`)\n"
		"  -p, --pid PID        only events of watches on PID\n"
		"  -w, --watch ID       only events of watch ID\n"
		"  --count N            exit after N trigger events\n"
		"  --timeout DUR        exit after DUR\n",
	},
	{
		"report", cmd_report,
		"[--text | --folded] [FILE]",
		"Print events saved from `vmon watch --json` or `vmon listen --json`, one\n"
		"JSON object per line, read from FILE or, without FILE or with -, from\n"
		"stdin: triggers with their snapshots as `vmon watch` prints them, or\n"
		"their stacks folded.  A malformed line is reported on stderr with its\n"
		"number and skipped; the exit status is then 1.\n"
		"\n"
		"  --text               the text report (the default)\n"
		"  --folded             a line per task and stack, for flamegraph.pl or\n"
		"                       speedscope; gone and lost events go to stderr\n",
	},
	{
		"config", cmd_config,
		"[--json] [KEY [VALUE]]",
		"Show the module's settings, one, or change one (needs CAP_SYS_ADMIN).\n"
		"\n"
		"  default_interval DUR  interval of watches that do not set one\n"
		"  min_interval DUR      shortest interval a watch may ask for\n"
		"  min_user_interval DUR the same without CAP_SYS_ADMIN\n"
		"  default_cooldown DUR  cooldown of watches that do not set one\n"
		"  max_watches N         most watches at a time\n"
		"  watches               watches now (read only)\n"
		"  max_user_watches N    most watches of one user without CAP_SYS_ADMIN\n"
		"  user_watches          your user's watches now (read only)\n"
		"  user_pinned           pages charged to your RLIMIT_MEMLOCK (read only)\n"
		"  max_cpu N             polling budget, per-mille of one CPU\n"
		"  max_user_cpu N        one user's share without CAP_SYS_ADMIN\n"
		"  cpu                   the polling estimate now (read only)\n"
		"  check_cost            the cost of one check it assumes (read only)\n"
		"  max_tasks N           most tasks in a trigger's snapshot\n"
		"  stack_bytes N         user stack bytes a snapshot copies per task\n"
		"                        (a number of bytes, or with a K or KiB suffix)\n"
		"\n"
		"  -j, --json            print a JSON object (durations in ns)\n",
	},
	{
		"stats", cmd_stats,
		"[--json]",
		"Show the polling estimate, then one line per polling interval in use:\n"
		"watches, timer callbacks, values compared, triggers, snapshots taken,\n"
		"events sent and dropped, the average and longest time a callback\n"
		"took, and overruns: late ticks, periods skipped, and the slowdown of a\n"
		"group that cannot keep up.\n"
		"\n"
		"  -j, --json           one JSON object per interval\n",
	},
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void main_help(FILE *f)
{
	static const char *const what[NCMDS] = {
		"add a watch and print its events",
		"remove watches",
		"list watches",
		"print the events of all watches",
		"print saved --json events as text or folded stacks",
		"show or change the module's settings",
		"show the module's statistics",
	};
	size_t i;

	fprintf(f, "Usage: vmon COMMAND [OPTIONS]\n"
		   "       vmon help [COMMAND] | --help | --version\n\n"
		   "Watch a numeric variable in a running process, or a kernel metric\n"
		   "(load average, runnable or blocked tasks), and report when it\n"
		   "crosses a threshold (through the vmon kernel module).\n\n"
		   "Commands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, what[i]);
	fprintf(f, "\nRun 'vmon help COMMAND' for a command's options.\n\n"
		   "Exit status:\n"
		   "  0  success\n"
		   "  1  the kernel refused a request, or another error at run time\n"
		   "  2  usage error\n"
		   "  3  the vmon kernel module is not loaded\n");
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	const char *arg;

	if (argc < 2) {
		main_help(stderr);
		return RC_USAGE;
	}
	arg = argv[1];
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		main_help(stdout);
		return RC_OK;
	}
	if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
		printf("vmon %s\n", VMON_VERSION);
		return RC_OK;
	}
	if (!strcmp(arg, "help")) {
		if (argc == 2) {
			main_help(stdout);
			return RC_OK;
		}
		if (argc > 3) {
			fprintf(stderr, "vmon help: too many arguments\n"
				"Run 'vmon --help' for usage.\n");
			return RC_USAGE;
		}
		if (!cmd_find(argv[2])) {
			fprintf(stderr, "vmon help: unknown command '%s'\n"
				"Run 'vmon --help' for the list.\n", argv[2]);
			return RC_USAGE;
		}
		return cmd_help(argv[2]);
	}
	c = cmd_find(arg);
	if (!c) {
		fprintf(stderr, "vmon: unknown %s '%s'\nRun 'vmon --help' for usage.\n",
			arg[0] == '-' ? "option" : "command", arg);
		return RC_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
