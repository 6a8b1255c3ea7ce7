// SPDX-License-Identifier: GPL-2.0-only
/* vmon config: show the module's settings, or change one. */
#include <getopt.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "parse.h"

static const struct option opts[] = {
	{ "json",	no_argument,	NULL, 'j' },
	{ "help",	no_argument,	NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum key_kind { DURATION, COUNT, BYTES, PERMILLE };

/* Both halves of the module's settings: CONFIG_GET answers with both. */
struct settings {
	struct vmon_config cfg;
	struct vmon_limits lim;
};

#define CFG(f)	offsetof(struct settings, cfg.f), sizeof(((struct vmon_config *)0)->f)
#define LIM(f)	offsetof(struct settings, lim.f), sizeof(((struct vmon_limits *)0)->f)

static const struct key {
	const char *name;
	enum key_kind kind;
	bool limit;		/* set with vmon_limits_set() */
	unsigned int mask;	/* set bit; 0: read only */
	size_t off, size;
} keys[] = {
	{ "default_interval", DURATION, false, VMON_CFG_DEFAULT_INTERVAL, CFG(default_interval_ns) },
	{ "min_interval", DURATION, false, VMON_CFG_MIN_INTERVAL, CFG(min_interval_ns) },
	{ "min_user_interval", DURATION, true, VMON_LIM_MIN_USER_INTERVAL, LIM(min_user_interval_ns) },
	{ "default_cooldown", DURATION, false, VMON_CFG_DEFAULT_COOLDOWN, CFG(default_cooldown_ns) },
	{ "max_watches", COUNT, false, VMON_CFG_MAX_WATCHES, CFG(max_watches) },
	{ "watches", COUNT, false, 0, CFG(watches) },
	{ "max_user_watches", COUNT, true, VMON_LIM_MAX_USER_WATCHES, LIM(max_user_watches) },
	{ "user_watches", COUNT, true, 0, LIM(user_watches) },
	{ "user_pinned", COUNT, true, 0, LIM(user_pinned) },
	{ "max_cpu", PERMILLE, true, VMON_LIM_MAX_CPU, LIM(max_cpu) },
	{ "max_user_cpu", PERMILLE, true, VMON_LIM_MAX_USER_CPU, LIM(max_user_cpu) },
	{ "cpu", PERMILLE, true, 0, LIM(cpu) },
	{ "check_cost", DURATION, true, 0, LIM(check_ns) },
	{ "max_tasks", COUNT, false, VMON_CFG_MAX_TASKS, CFG(max_tasks) },
	{ "stack_bytes", BYTES, false, VMON_CFG_STACK_BYTES, CFG(stack_bytes) },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static uint64_t key_get(const struct settings *st, size_t i)
{
	const char *p = (const char *)st + keys[i].off;
	uint32_t v32;
	uint64_t v64;

	if (keys[i].size == sizeof(v32)) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v64, p, sizeof(v64));
	return v64;
}

static void key_set(struct settings *st, size_t i, uint64_t v)
{
	char *p = (char *)st + keys[i].off;
	uint32_t v32 = (uint32_t)v;

	if (keys[i].size == sizeof(v32))
		memcpy(p, &v32, sizeof(v32));
	else
		memcpy(p, &v, sizeof(v));
}

/* Durations and sizes read both ways: "1ms (1000000 ns)", "16384 (16 KiB)". */
static void print_key(const struct settings *st, size_t i)
{
	char d[FMT_DUR_MAX];
	uint64_t v = key_get(st, i);

	if (keys[i].kind == DURATION)
		printf("%-18s  %s (%" PRIu64 " ns)\n", keys[i].name,
		       fmt_duration(d, v), v);
	else if (keys[i].kind == PERMILLE)
		printf("%-18s  %" PRIu64 " (%" PRIu64 ".%" PRIu64 "%% of one CPU)\n",
		       keys[i].name, v, v / 10, v % 10);
	else if (keys[i].kind == BYTES && v && !(v % 1024))
		printf("%-18s  %" PRIu64 " (%" PRIu64 " KiB)\n", keys[i].name, v,
		       v / 1024);
	else
		printf("%-18s  %" PRIu64 "\n", keys[i].name, v);
}

/* JSON names durations with _ns, as `vmon list --json` does. */
static void print_json(const struct settings *st, size_t only)
{
	const char *sep = "";
	size_t i;

	putchar('{');
	for (i = 0; i < NKEYS; i++) {
		if (only < NKEYS && i != only)
			continue;
		printf("%s\"%s%s\":%" PRIu64, sep, keys[i].name,
		       keys[i].kind == DURATION ? "_ns" : "", key_get(st, i));
		sep = ",";
	}
	puts("}");
}

static int find_key(const char *name, size_t *out)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name)) {
			*out = i;
			return 0;
		}
	return -1;
}

int cmd_config(int argc, char **argv)
{
	const char *cmd = "config";
	struct settings st;
	char err[PARSE_ERR_MAX];
	size_t key = NKEYS, i;
	bool json = false;
	struct vmon *h;
	uint64_t v = 0;
	int c, rc;

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
	if (argc - optind > 2)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 2]);
	memset(&st, 0, sizeof(st));
	if (optind < argc && find_key(argv[optind], &key) < 0) {
		char names[512] = "";

		for (i = 0; i < NKEYS; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", i ? ", " : "", keys[i].name);
		return usage_error(cmd, "unknown setting '%s' (%s)", argv[optind],
				   names);
	}
	if (argc - optind == 2) {
		const char *val = argv[optind + 1];

		if (!keys[key].mask)
			return usage_error(cmd, "%s is read only", keys[key].name);
		if (json)
			return usage_error(cmd, "--json is for showing settings");
		if (keys[key].kind == DURATION ? parse_duration(val, &v, err) < 0 :
		    keys[key].kind == BYTES ? parse_bytes(val, UINT32_MAX, &v, err) < 0 :
		    parse_u64(val, 0, UINT32_MAX, &v, err) < 0)
			return usage_error(cmd, "%s: %s", keys[key].name, err);
		key_set(&st, key, v);
	}

	rc = open_vmon(&h);
	if (rc)
		return rc;
	if (argc - optind == 2) {
		char what[64];

		snprintf(what, sizeof(what), "cannot set %s", keys[key].name);
		if ((keys[key].limit ? vmon_limits_set(h, &st.lim, keys[key].mask) :
				       vmon_config_set(h, &st.cfg, keys[key].mask)) < 0)
			rc = fail(h, what);
	} else if (vmon_config_get(h, &st.cfg) < 0 ||
		   vmon_limits_get(h, &st.lim) < 0) {
		rc = fail(h, "cannot read the settings");
	} else if (json) {
		print_json(&st, key);
	} else {
		for (i = 0; i < NKEYS; i++)
			if (key == NKEYS || i == key)
				print_key(&st, i);
	}
	vmon_close(h);
	return rc;
}
