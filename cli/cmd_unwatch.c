// SPDX-License-Identifier: GPL-2.0-only
/* vmon unwatch: remove watches by ID, all of them, or those on one process. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "parse.h"

static const struct option opts[] = {
	{ "all",	no_argument,		NULL, 'A' },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_unwatch(int argc, char **argv)
{
	const char *cmd = "unwatch";
	char err[PARSE_ERR_MAX];
	bool all = false;
	pid_t pid = 0;
	struct vmon *h;
	uint64_t id;
	int c, i, n, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'A':
			all = true;
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
	if ((all || pid) && optind < argc)
		return usage_error(cmd, "give watch IDs, --all or --pid, not several");
	if (all && pid)
		return usage_error(cmd, "give --all or --pid, not both");
	if (!all && !pid && optind == argc)
		return usage_error(cmd, "which watches? Give IDs, --all or --pid");
	/* Check every ID before removing any. */
	for (i = optind; i < argc; i++)
		if (parse_u64(argv[i], 0, UINT32_MAX, &id, err) < 0)
			return usage_error(cmd, "watch ID: %s", err);

	rc = open_vmon(&h);
	if (rc)
		return rc;
	if (all || pid) {
		n = all ? vmon_watch_del_all(h) : vmon_watch_del_pid(h, pid);
		if (n < 0)
			rc = fail(h, "cannot remove watches");
		else
			printf("removed %d watch%s\n", n, n == 1 ? "" : "es");
	}
	for (i = optind; i < argc; i++) {
		char what[64];

		parse_u64(argv[i], 0, UINT32_MAX, &id, err);
		if (vmon_watch_del(h, (uint32_t)id) < 0) {
			snprintf(what, sizeof(what), "cannot remove watch %u",
				 (unsigned int)id);
			rc = fail(h, what);
		}
	}
	vmon_close(h);
	return rc;
}
