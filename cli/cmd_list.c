// SPDX-License-Identifier: GPL-2.0-only
/* vmon list: the watches the kernel lets us see, as a table or JSON lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"
#include "parse.h"

static const struct option opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Collected first: the table needs every row to size its columns. */
static int collect(const struct vmon_watch_info *w, void *arg)
{
	return rows_push(arg, w, sizeof(*w));
}

int cmd_list(int argc, char **argv)
{
	const char *cmd = "list";
	struct rows l = { NULL, 0, 0, false };
	const struct vmon_watch_info *w;
	char err[PARSE_ERR_MAX];
	bool json = false;
	pid_t pid = 0;
	struct vmon *h;
	size_t i;
	int c, r, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			if (parse_pid(optarg, &pid, err) < 0)
				return usage_error(cmd, "--pid: %s", err);
			break;
		case 'h':
			return cmd_help(cmd);
		default:
			return option_error(cmd, c, argv);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);

	rc = open_vmon(&h);
	if (rc)
		return rc;
	r = pid ? vmon_dump_pid(h, pid, collect, &l) : vmon_dump(h, collect, &l);
	w = l.v;
	if (l.oom) {
		fprintf(stderr, "vmon: cannot list watches: out of memory\n");
		rc = RC_FAIL;
	} else if (r < 0) {
		rc = fail(h, "cannot list watches");
	} else if (json) {
		for (i = 0; i < l.n; i++)
			fmt_watch_json(stdout, &w[i]);
	} else if (l.n) {
		fmt_watch_table(stdout, w, l.n);
	}
	free(l.v);
	vmon_close(h);
	return rc;
}
