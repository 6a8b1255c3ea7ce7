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
struct list {
	struct vmon_watch_info *w;
	size_t n, cap;
	bool oom;
};

static int collect(const struct vmon_watch_info *w, void *arg)
{
	struct list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->w, cap * sizeof(*l->w));

		if (!p) {
			l->oom = true;
			return 1;	/* stop the dump */
		}
		l->w = p;
		l->cap = cap;
	}
	l->w[l->n++] = *w;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	const char *cmd = "list";
	struct list l = { NULL, 0, 0, false };
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
	if (l.oom) {
		fprintf(stderr, "vmon: cannot list watches: out of memory\n");
		rc = RC_FAIL;
	} else if (r < 0) {
		rc = fail(h, "cannot list watches");
	} else if (json) {
		for (i = 0; i < l.n; i++)
			fmt_watch_json(stdout, &l.w[i]);
	} else if (l.n) {
		fmt_watch_table(stdout, l.w, l.n);
	}
	free(l.w);
	vmon_close(h);
	return rc;
}
