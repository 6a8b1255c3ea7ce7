// SPDX-License-Identifier: GPL-2.0-only
/* vmon config: show the module's settings, or change one. */
#include <getopt.h>
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

enum key_kind { DURATION, COUNT, BYTES };

static const struct key {
	const char *name;
	enum key_kind kind;
	unsigned int mask;	/* vmon_config_set() bit; 0: read only */
} keys[] = {
	{ "default_interval", DURATION, VMON_CFG_DEFAULT_INTERVAL },
	{ "min_interval", DURATION, VMON_CFG_MIN_INTERVAL },
	{ "default_cooldown", DURATION, VMON_CFG_DEFAULT_COOLDOWN },
	{ "max_watches", COUNT, VMON_CFG_MAX_WATCHES },
	{ "watches", COUNT, 0 },
	{ "max_tasks", COUNT, VMON_CFG_MAX_TASKS },
	{ "stack_bytes", BYTES, VMON_CFG_STACK_BYTES },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static uint64_t key_get(const struct vmon_config *cfg, size_t i)
{
	switch (i) {
	case 0: return cfg->default_interval_ns;
	case 1: return cfg->min_interval_ns;
	case 2: return cfg->default_cooldown_ns;
	case 3: return cfg->max_watches;
	case 4: return cfg->watches;
	case 5: return cfg->max_tasks;
	default: return cfg->stack_bytes;
	}
}

static void key_set(struct vmon_config *cfg, size_t i, uint64_t v)
{
	switch (i) {
	case 0: cfg->default_interval_ns = v; break;
	case 1: cfg->min_interval_ns = v; break;
	case 2: cfg->default_cooldown_ns = v; break;
	case 3: cfg->max_watches = (uint32_t)v; break;
	case 5: cfg->max_tasks = (uint32_t)v; break;
	case 6: cfg->stack_bytes = (uint32_t)v; break;
	}
}

/* Durations and sizes read both ways: "1ms (1000000 ns)", "16384 (16 KiB)". */
static void print_key(const struct vmon_config *cfg, size_t i)
{
	char d[FMT_DUR_MAX];
	uint64_t v = key_get(cfg, i);

	if (keys[i].kind == DURATION)
		printf("%-16s  %s (%" PRIu64 " ns)\n", keys[i].name,
		       fmt_duration(d, v), v);
	else if (keys[i].kind == BYTES && v && !(v % 1024))
		printf("%-16s  %" PRIu64 " (%" PRIu64 " KiB)\n", keys[i].name, v,
		       v / 1024);
	else
		printf("%-16s  %" PRIu64 "\n", keys[i].name, v);
}

/* JSON names durations with _ns, as `vmon list --json` does. */
static void print_json(const struct vmon_config *cfg, size_t only)
{
	const char *sep = "";
	size_t i;

	putchar('{');
	for (i = 0; i < NKEYS; i++) {
		if (only < NKEYS && i != only)
			continue;
		printf("%s\"%s%s\":%" PRIu64, sep, keys[i].name,
		       keys[i].kind == DURATION ? "_ns" : "", key_get(cfg, i));
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
	struct vmon_config cfg = { 0 };
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
	if (optind < argc && find_key(argv[optind], &key) < 0)
		return usage_error(cmd, "unknown setting '%s' (default_interval, min_interval, default_cooldown, max_watches, watches, max_tasks, stack_bytes)",
				   argv[optind]);
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
		key_set(&cfg, key, v);
	}

	rc = open_vmon(&h);
	if (rc)
		return rc;
	if (argc - optind == 2) {
		char what[64];

		snprintf(what, sizeof(what), "cannot set %s", keys[key].name);
		if (vmon_config_set(h, &cfg, keys[key].mask) < 0)
			rc = fail(h, what);
	} else if (vmon_config_get(h, &cfg) < 0) {
		rc = fail(h, "cannot read the settings");
	} else if (json) {
		print_json(&cfg, key);
	} else {
		for (i = 0; i < NKEYS; i++)
			if (key == NKEYS || i == key)
				print_key(&cfg, i);
	}
	vmon_close(h);
	return rc;
}
