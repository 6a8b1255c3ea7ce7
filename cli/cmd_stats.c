// SPDX-License-Identifier: GPL-2.0-only
/* vmon stats: the module's per-interval statistics, as a table or JSON lines. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"

static const struct option opts[] = {
	{ "json",	no_argument,	NULL, 'j' },
	{ "help",	no_argument,	NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int collect(const struct vmon_group_stats *s, void *arg)
{
	return rows_push(arg, s, sizeof(*s));
}

/* The module's polling estimate against its budget (text output only). */
static void print_estimate(struct vmon *h)
{
	struct vmon_limits lim;
	char d[FMT_DUR_MAX];

	if (vmon_limits_get(h, &lim) < 0)
		return;
	printf("polling: %" PRIu32 ".%" PRIu32 "%% of one CPU (max_cpu %" PRIu32
	       ".%" PRIu32 "%%), %s per check; your uid: %" PRIu32 " watches\n",
	       lim.cpu / 10, lim.cpu % 10, lim.max_cpu / 10, lim.max_cpu % 10,
	       fmt_duration(d, lim.check_ns), lim.user_watches);
}

int cmd_stats(int argc, char **argv)
{
	const char *cmd = "stats";
	struct rows st = { NULL, 0, 0, false };
	const struct vmon_group_stats *s;
	bool json = false;
	struct vmon *h;
	size_t i;
	int c, r, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
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
	r = vmon_stats(h, collect, &st);
	s = st.v;
	if (st.oom) {
		fprintf(stderr, "vmon: cannot read statistics: out of memory\n");
		rc = RC_FAIL;
	} else if (r < 0) {
		rc = fail(h, "cannot read statistics");
	} else if (json) {
		for (i = 0; i < st.n; i++)
			fmt_stats_json(stdout, &s[i]);
	} else {
		print_estimate(h);
		if (st.n)
			fmt_stats_table(stdout, s, st.n);
	}
	free(st.v);
	vmon_close(h);
	return rc;
}
