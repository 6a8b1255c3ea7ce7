// SPDX-License-Identifier: GPL-2.0-only
/* vmon report: saved `vmon watch/listen --json` events back as text reports or folded stacks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "report.h"

enum { OPT_FOLDED = 0x100, OPT_TEXT };

static const struct option opts[] = {
	{ "folded",	no_argument,	NULL, OPT_FOLDED },
	{ "text",	no_argument,	NULL, OPT_TEXT },
	{ "help",	no_argument,	NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool blank(const char *s)
{
	return !s[strspn(s, " \t\r\n")];
}

/* One line: 0 printed (or blank), -1 malformed (said on stderr). */
static int report_line(const char *name, unsigned long lineno,
		       const char *line, size_t len, enum fmt_mode mode)
{
	char err[REPORT_ERR_MAX];
	struct vmon_event ev;
	struct json_value v;
	int r;

	if (strlen(line) == len && blank(line))
		return 0;
	r = json_parse(line, len, &v, err);
	if (r == 0) {
		r = event_from_json(&v, &ev, err);
		json_free(&v);
	}
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "vmon report: %s: line %lu: %s\n", name, lineno, err);
		return -1;
	}
	/* A saved gone event has no time: its text line goes without one. */
	output_event(&ev, mode, 0);
	if (ev.type == VMON_EV_TRIGGER)
		vmon_report_free(ev.trigger.report);
	return 0;
}

/* Reads every line, bad ones included: one typo does not hide the rest. */
static int report_stream(FILE *f, const char *name, enum fmt_mode mode)
{
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = RC_OK;

	while ((len = getline(&line, &cap, f)) >= 0)
		if (report_line(name, ++lineno, line, (size_t)len, mode) < 0)
			rc = RC_FAIL;
	if (ferror(f)) {
		fprintf(stderr, "vmon report: %s: %s\n", name, strerror(errno));
		rc = RC_FAIL;
	}
	free(line);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	const char *cmd = "report", *path = "-";
	enum fmt_mode mode = FMT_TEXT;
	bool folded = false, text = false;
	FILE *f = stdin;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FOLDED:
			folded = true;
			break;
		case OPT_TEXT:
			text = true;
			break;
		case 'h':
			return cmd_help(cmd);
		default:
			return option_error(cmd, c, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	if (folded && text)
		return usage_error(cmd, "give --folded or --text, not both");
	if (folded)
		mode = FMT_FOLDED;
	if (optind < argc)
		path = argv[optind];
	if (strcmp(path, "-")) {
		f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "vmon report: cannot open %s: %s\n", path,
				strerror(errno));
			return RC_FAIL;
		}
	}
	rc = report_stream(f, f == stdin ? "stdin" : path, mode);
	if (f != stdin)
		fclose(f);
	return rc;
}
