// SPDX-License-Identifier: GPL-2.0-only
/* vmon watch: add a watch by address, variable name or kernel metric, then print its events (or its ID). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "parse.h"

enum {
	OPT_GT = 0x100, OPT_LT, OPT_GE, OPT_LE, OPT_EQ, OPT_NE,
	OPT_COOLDOWN, OPT_NAME, OPT_COUNT, OPT_TIMEOUT, OPT_DETACH, OPT_SCOPE,
	OPT_FOLDED, OPT_VAR,
};

/* --loadavg1, --running...: named as vmon_metric_name() names the metric. */
#define OPT_METRIC(m)	(0x200 + (m))

static const struct option opts[] = {
	{ "pid",	required_argument,	NULL, 'p' },
	{ "addr",	required_argument,	NULL, 'a' },
	{ "len",	required_argument,	NULL, 'l' },
	{ "gt",		required_argument,	NULL, OPT_GT },
	{ "lt",		required_argument,	NULL, OPT_LT },
	{ "ge",		required_argument,	NULL, OPT_GE },
	{ "le",		required_argument,	NULL, OPT_LE },
	{ "eq",		required_argument,	NULL, OPT_EQ },
	{ "ne",		required_argument,	NULL, OPT_NE },
	{ "var",	required_argument,	NULL, OPT_VAR },
	{ "unsigned",	no_argument,		NULL, 'u' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "cooldown",	required_argument,	NULL, OPT_COOLDOWN },
	{ "name",	required_argument,	NULL, OPT_NAME },
	{ "count",	required_argument,	NULL, OPT_COUNT },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "json",	no_argument,		NULL, 'j' },
	{ "detach",	no_argument,		NULL, OPT_DETACH },
	{ "scope",	required_argument,	NULL, OPT_SCOPE },
	{ "folded",	no_argument,		NULL, OPT_FOLDED },
	{ "loadavg1",	no_argument,		NULL, OPT_METRIC(VMON_METRIC_LOADAVG1) },
	{ "loadavg5",	no_argument,		NULL, OPT_METRIC(VMON_METRIC_LOADAVG5) },
	{ "loadavg15",	no_argument,		NULL, OPT_METRIC(VMON_METRIC_LOADAVG15) },
	{ "running",	no_argument,		NULL, OPT_METRIC(VMON_METRIC_NR_RUNNING) },
	{ "uninterruptible", no_argument,	NULL,
	  OPT_METRIC(VMON_METRIC_NR_UNINTERRUPTIBLE) },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct watch_ctx {
	uint32_t id;
	enum fmt_mode mode;
	uint64_t count;		/* stop after this many triggers; 0: never */
	uint64_t seen;
};

static int on_event(const struct vmon_event *ev, void *arg)
{
	struct watch_ctx *c = arg;

	switch (ev->type) {
	case VMON_EV_TRIGGER:
		if (ev->trigger.watch_id != c->id)
			return 0;
		print_event(ev, c->mode);
		return c->count && ++c->seen >= c->count;
	case VMON_EV_GONE:
		if (ev->gone.watch_id != c->id)
			return 0;
		print_event(ev, c->mode);
		return 1;	/* nothing more will come */
	case VMON_EV_LOST:
		print_event(ev, c->mode);
		return 0;
	}
	return 0;
}

static int parse_scope(const char *s, enum vmon_scope *out)
{
	int i;

	for (i = 0; i <= VMON_SCOPE_MAX; i++)
		if (!strcmp(s, vmon_scope_name((enum vmon_scope)i))) {
			*out = (enum vmon_scope)i;
			return 0;
		}
	return -1;
}

/*
 * "watching pid 812 0x601040 (4 bytes, signed) > 150 as watch 3", or with
 * --var what was found: "watching pid 812 counter (int, 4 bytes, signed,
 * /usr/bin/demo) at 0x55d1c0a01010 > 150 as watch 3", or for a metric
 * "watching loadavg1 > 4.00 as watch 3".
 */
static void banner(const struct vmon_watch_spec *spec, const char *expr,
		   const struct vmon_var *var, uint32_t id)
{
	char th[FMT_NUM_MAX];

	if (spec->metric) {
		fprintf(stderr, "watching %s", vmon_metric_name(spec->metric));
	} else {
		fprintf(stderr, "watching pid %d ", (int)spec->pid);
		if (var)
			fprintf(stderr, "%s (%s%s%u byte%s, %s, %s) at ", expr,
				var->type ? var->type : "", var->type ? ", " : "",
				spec->len, spec->len == 1 ? "" : "s",
				spec->is_signed ? "signed" : "unsigned", var->object);
		fprintf(stderr, "0x%" PRIx64, spec->addr);
		if (!var)
			fprintf(stderr, " (%u byte%s, %s)", spec->len,
				spec->len == 1 ? "" : "s",
				spec->is_signed ? "signed" : "unsigned");
	}
	fprintf(stderr, " %s %s as watch %" PRIu32 "; Ctrl-C to stop\n",
		vmon_op_symbol(spec->op),
		fmt_watch_value(th, spec->threshold, spec->is_signed, spec->metric),
		id);
}

/*
 * A metric watch reads no process, so what only a memory watch takes
 * (mem_opt: such an option given, or NULL) is a mistake, as is scope
 * process; its threshold is in the metric's unit, its name by default
 * the metric's.
 */
static int metric_spec(const char *cmd, struct vmon_watch_spec *spec,
		       const char *mem_opt, bool scope_given,
		       const char *op_opt, const char *value)
{
	const char *metric = vmon_metric_name(spec->metric);
	char err[PARSE_ERR_MAX];

	if (mem_opt)
		return usage_error(cmd, "%s: a metric watch (--%s) reads no process "
				   "memory: drop %s", mem_opt, metric, mem_opt);
	if (scope_given && spec->scope == VMON_SCOPE_PROCESS)
		return usage_error(cmd, "--scope process: a metric watch (--%s) has no "
				   "process: use system (the default) or none", metric);
	spec->is_signed = false;
	if (parse_scaled(value, vmon_metric_scale(spec->metric),
			 &spec->threshold, err) < 0)
		return usage_error(cmd, "--%s: %s", op_opt, err);
	if (!spec->name)
		spec->name = metric;
	return RC_OK;
}

int cmd_watch(int argc, char **argv)
{
	const char *cmd = "watch";
	struct vmon_watch_spec spec = { .is_signed = true };
	struct watch_ctx ctx = { .mode = FMT_TEXT };
	const char *value = NULL, *op_opt = NULL, *expr = NULL;
	bool have_pid = false, have_addr = false, have_len = false;
	bool detach = false, have_timeout = false, json = false, folded = false;
	bool unsigned_given = false, scope_given = false;
	const char *mem_opt;
	struct vmon_var *var = NULL;
	char name[VMON_NAME_MAX];
	uint64_t timeout = 0;
	char err[PARSE_ERR_MAX];
	struct vmon *h;
	int c, rc, err_add;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:a:l:ui:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pid(optarg, &spec.pid, err) < 0)
				return usage_error(cmd, "--pid: %s", err);
			have_pid = true;
			break;
		case 'a':
			if (parse_u64(optarg, 0, UINT64_MAX, &spec.addr, err) < 0)
				return usage_error(cmd, "--addr: %s", err);
			have_addr = true;
			break;
		case 'l':
			if (parse_len(optarg, &spec.len, err) < 0)
				return usage_error(cmd, "--len: %s", err);
			have_len = true;
			break;
		case OPT_GT: case OPT_LT: case OPT_GE:
		case OPT_LE: case OPT_EQ: case OPT_NE:
			if (op_opt)
				return usage_error(cmd, "give one comparison, not several");
			/* The options are in enum vmon_op order. */
			spec.op = (enum vmon_op)(VMON_OP_GT + (c - OPT_GT));
			op_opt = opts[3 + (c - OPT_GT)].name;
			value = optarg;
			break;
		case OPT_VAR:
			expr = optarg;
			break;
		case 'u':
			spec.is_signed = false;
			unsigned_given = true;
			break;
		case OPT_METRIC(VMON_METRIC_LOADAVG1):
		case OPT_METRIC(VMON_METRIC_LOADAVG5):
		case OPT_METRIC(VMON_METRIC_LOADAVG15):
		case OPT_METRIC(VMON_METRIC_NR_RUNNING):
		case OPT_METRIC(VMON_METRIC_NR_UNINTERRUPTIBLE):
			if (spec.metric)
				return usage_error(cmd, "give one metric, not --%s and --%s",
						   vmon_metric_name(spec.metric),
						   vmon_metric_name((enum vmon_metric)
								    (c - OPT_METRIC(0))));
			spec.metric = (enum vmon_metric)(c - OPT_METRIC(0));
			break;
		case 'i':
			if (parse_duration(optarg, &spec.interval_ns, err) < 0)
				return usage_error(cmd, "--interval: %s", err);
			if (!spec.interval_ns)
				return usage_error(cmd, "--interval: must be more than 0");
			break;
		case OPT_COOLDOWN:
			if (parse_duration(optarg, &spec.cooldown_ns, err) < 0)
				return usage_error(cmd, "--cooldown: %s", err);
			spec.cooldown_set = true;
			break;
		case OPT_NAME:
			if (strlen(optarg) >= VMON_NAME_MAX)
				return usage_error(cmd, "--name: longer than %d bytes",
						   VMON_NAME_MAX - 1);
			spec.name = optarg;
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
		case 'j':
			json = true;
			break;
		case OPT_FOLDED:
			folded = true;
			break;
		case OPT_DETACH:
			detach = true;
			break;
		case OPT_SCOPE:
			if (parse_scope(optarg, &spec.scope) < 0)
				return usage_error(cmd, "--scope: '%.40s' is not process, system or none",
						   optarg);
			scope_given = true;
			break;
		case 'h':
			return cmd_help(cmd);
		default:
			return option_error(cmd, c, argv);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (have_addr && expr)
		return usage_error(cmd, "give --addr or --var, not both");
	/* An option only a memory watch takes, for a metric watch to refuse. */
	mem_opt = have_pid ? "--pid" : have_addr ? "--addr" : have_len ? "--len" :
		  expr ? "--var" : unsigned_given ? "--unsigned" : NULL;
	if (!spec.metric &&
	    (!have_pid || (!have_addr && !expr) || (have_addr && !have_len)))
		return usage_error(cmd, "--%s is required",
				   !have_pid ? "pid (or a metric such as --loadavg1)" :
				   have_addr ? "len" : "addr (or --var)");
	if (!op_opt)
		return usage_error(cmd, "a comparison is required: --gt, --lt, --ge, --le, --eq or --ne");
	if (spec.metric) {
		rc = metric_spec(cmd, &spec, mem_opt, scope_given, op_opt, value);
		if (rc)
			return rc;
	} else if (!expr && parse_threshold(value, spec.len, spec.is_signed,
					    &spec.threshold, err) < 0) {
		/* With --var the length and sign the threshold needs come later. */
		return usage_error(cmd, "--%s: %s", op_opt, err);
	}
	if (detach && (ctx.count || have_timeout))
		return usage_error(cmd, "--detach does not wait for events: drop --%s",
				   ctx.count ? "count" : "timeout");
	if (have_timeout && !timeout)
		return usage_error(cmd, "--timeout: must be more than 0");
	if (json && folded)
		return usage_error(cmd, "give --json or --folded, not both");
	if (folded && detach)
		return usage_error(cmd, "--detach prints no events: drop --folded");
	if (folded && spec.scope == VMON_SCOPE_NONE)
		return usage_error(cmd, "--folded prints the stacks of snapshots, and --scope none takes none");
	ctx.mode = json ? FMT_JSON : folded ? FMT_FOLDED : FMT_TEXT;
	spec.detached = detach;

	/* Resolved before the kernel is asked: a typo needs no module. */
	if (expr) {
		struct var_args va = { expr, op_opt, value, have_len,
				       unsigned_given };

		rc = watch_var(cmd, &va, &spec, name, &var);
		if (rc)
			return rc;
	}
	block_stop_signals();
	rc = open_vmon(&h);
	if (rc)
		goto out_var;
	err_add = vmon_watch_add(h, &spec, &ctx.id);
	if (err_add < 0) {
		rc = fail(h, "cannot add watch");
		/* A metric watch's scope system is the default, not the user's choice. */
		if (spec.metric && !scope_given && !detach &&
		    (err_add == -EPERM || err_add == -EACCES))
			fprintf(stderr, "vmon: without CAP_SYS_ADMIN, watch --%s with "
				"--scope none (no snapshot)\n",
				vmon_metric_name(spec.metric));
		goto out;
	}
	if (detach) {
		printf("%" PRIu32 "\n", ctx.id);
		goto out;
	}
	banner(&spec, expr, var, ctx.id);
	rc = event_loop(h, timeout, on_event, &ctx);
out:
	vmon_close(h);
out_var:
	vmon_var_free(var);
	return rc;
}
