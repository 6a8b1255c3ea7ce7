/* SPDX-License-Identifier: GPL-2.0-only */
/* vmon CLI trigger reports: text blocks, JSON members, folded stacks, and reports read back. */
#ifndef VMON_CLI_REPORT_H
#define VMON_CLI_REPORT_H

#include <stdio.h>

#include "vmon.h"

/*
 * A block per task after the trigger's header line, each ended by a blank
 * line:
 *   ## pid 1234  tid 1234  comm target  state S  cpu 1  cgroup /user.slice
 *   #~  0x000055d0c2a4b1a0  level3+0x10  target.c:42  target
 *   #@  0xffffffff81a2b3c4  do_nanosleep+0x7a
 *   #*  target
 *   #^  1234  target  ./target --x
 */
void report_text(FILE *f, const struct vmon_report *r);

/* The members a trigger's JSON object gains: ,"tasks":[...],... */
void report_json(FILE *f, const struct vmon_trigger *t);

/* "comm;outer;...;inner;kouter_[k];...;kinner_[k] 1", a line per task. */
void report_folded(FILE *f, const struct vmon_trigger *t);

/* What follows the last '/'; NULL stays NULL. */
const char *path_base(const char *path);

/* Names for VMON_TASK_F_* bits, in bit order; NULL past the last. */
const char *task_flag_name(unsigned int bit);

#define REPORT_ERR_MAX	192

struct json_value;

/*
 * A saved `vmon watch/listen --json` line, parsed, back into *ev; a
 * trigger's report (when the line has one) is malloc'd, for vmon_report_free().
 * Returns 0, or -1 with err (REPORT_ERR_MAX bytes) naming the member, e.g.
 * "tasks[0].user_stack[2].addr: missing".
 */
int event_from_json(const struct json_value *v, struct vmon_event *ev,
		    char *err);

#endif /* VMON_CLI_REPORT_H */
