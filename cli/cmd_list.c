// SPDX-License-Identifier: GPL-2.0-only
/* vmon list: the watches the kernel lets us see, by address and symbol, as a table or JSON lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "parse.h"

static const struct option opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Processes whose symbols one listing reads, at most: each costs its ELF files. */
#define LIST_SYMBOL_PIDS	64

/* The symbols of the watched processes, each read once for all its watches. */
struct namer {
	struct {
		pid_t pid;
		struct vmon_symbols *s;	/* NULL: not readable (gone, not ours) */
	} v[LIST_SYMBOL_PIDS];
	size_t n;
};

/* "counter" or "stats+0x8" at the watch's address (malloc'd), or NULL. */
static char *watch_symbol(struct namer *nm, const struct vmon_watch_info *w)
{
	struct vmon_symbols *s = NULL;
	char buf[256];
	size_t i;

	if (w->metric)
		return NULL;	/* no process, no address */
	for (i = 0; i < nm->n && nm->v[i].pid != w->pid; i++)
		;
	if (i < nm->n) {
		s = nm->v[i].s;
	} else if (nm->n < LIST_SYMBOL_PIDS) {
		vmon_symbols_open(w->pid, &s, NULL, 0);
		nm->v[nm->n].pid = w->pid;
		nm->v[nm->n++].s = s;
	}
	if (!s || vmon_symbols_addr(s, w->addr, buf, sizeof(buf)) < 0)
		return NULL;
	return strdup(buf);
}

static void namer_close(struct namer *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		vmon_symbols_close(nm->v[i].s);
}

static void print_table(const struct vmon_watch_info *w, size_t n,
			struct namer *nm)
{
	char **syms = calloc(n, sizeof(*syms));
	size_t i;

	/* Out of memory: the table without symbols is still the table. */
	for (i = 0; syms && i < n; i++)
		syms[i] = watch_symbol(nm, &w[i]);
	fmt_watch_table(stdout, w, syms, n);
	for (i = 0; syms && i < n; i++)
		free(syms[i]);
	free(syms);
}

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
	struct namer nm = { .n = 0 };
	char err[PARSE_ERR_MAX];
	char *sym;
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
		for (i = 0; i < l.n; i++) {
			sym = watch_symbol(&nm, &w[i]);
			fmt_watch_json(stdout, &w[i], sym);
			free(sym);
		}
	} else if (l.n) {
		print_table(w, l.n, &nm);
	}
	namer_close(&nm);
	free(l.v);
	vmon_close(h);
	return rc;
}
