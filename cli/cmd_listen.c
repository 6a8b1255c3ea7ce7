// SPDX-License-Identifier: GPL-2.0-only
/* vmon listen: subscribe to every watch's events and print those that match. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "parse.h"

enum { OPT_COUNT = 0x100, OPT_TIMEOUT, OPT_FOLDED };

static const struct option opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "folded",	no_argument,		NULL, OPT_FOLDED },
	{ "pid",	required_argument,	NULL, 'p' },
	{ "watch",	required_argument,	NULL, 'w' },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct listen_ctx {
	enum fmt_mode mode;
	pid_t pid;		/* 0: any */
	bool by_id;
	uint32_t id;
	uint64_t count;		/* stop after this many triggers; 0: never */
	uint64_t seen;
};

static bool wanted(const struct listen_ctx *c, uint32_t id, pid_t pid)
{
	return (!c->by_id || id == c->id) && (!c->pid || pid == c->pid);
}

static int on_event(const struct vmon_event *ev, void *arg)
{
	struct listen_ctx *c = arg;

	switch (ev->type) {
	case VMON_EV_TRIGGER:
		if (!wanted(c, ev->trigger.watch_id, ev->trigger.pid))
			return 0;
		print_event(ev, c->mode);
		return c->count && ++c->seen >= c->count;
	case VMON_EV_GONE:
		if (wanted(c, ev->gone.watch_id, ev->gone.pid))
			print_event(ev, c->mode);
		return 0;
	case VMON_EV_LOST:
		/* Lost events cannot be filtered: we do not know whose they were. */
		print_event(ev, c->mode);
		return 0;
	}
	return 0;
}

int cmd_listen(int argc, char **argv)
{
	const char *cmd = "listen";
	struct listen_ctx ctx = { .mode = FMT_TEXT };
	char err[PARSE_ERR_MAX];
	uint64_t timeout = 0, id;
	bool have_timeout = false, json = false, folded = false;
	struct vmon *h;
	int c, r, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case OPT_FOLDED:
			folded = true;
			break;
		case 'p':
			if (parse_pid(optarg, &ctx.pid, err) < 0)
				return usage_error(cmd, "--pid: %s", err);
			break;
		case 'w':
			if (parse_u64(optarg, 0, UINT32_MAX, &id, err) < 0)
				return usage_error(cmd, "--watch: %s", err);
			ctx.by_id = true;
			ctx.id = (uint32_t)id;
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, 1, UINT64_MAX, &ctx.count, err) < 0)
				return usage_error(cmd, "--count: %s", err);
			break;
		case OPT_TIMEOUT:
			if (parse_duration(optarg, &timeout, err) < 0)
				return usage_error(cmd, "--timeout: %s", err);
			have_timeout = true;
			break;
		case 'h':
			return cmd_help(cmd);
		default:
			return option_error(cmd, c, argv);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (have_timeout && !timeout)
		return usage_error(cmd, "--timeout: must be more than 0");
	if (json && folded)
		return usage_error(cmd, "give --json or --folded, not both");
	ctx.mode = json ? FMT_JSON : folded ? FMT_FOLDED : FMT_TEXT;

	block_stop_signals();
	rc = open_vmon(&h);
	if (rc)
		return rc;
	r = vmon_subscribe(h);
	if (r == -EPERM || r == -EACCES) {
		fprintf(stderr, "vmon: cannot subscribe to events: permission denied (needs CAP_SYS_ADMIN; the owner of a watch receives its events from `vmon watch`)\n");
		rc = RC_FAIL;
	} else if (r < 0) {
		rc = fail(h, "cannot subscribe to events");
	} else {
		rc = event_loop(h, timeout, on_event, &ctx);
	}
	vmon_close(h);
	return rc;
}
