/* SPDX-License-Identifier: GPL-2.0-only */
/* vmon CLI output: text and JSON for events, watch lists and statistics. */
#ifndef VMON_CLI_FORMAT_H
#define VMON_CLI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmon.h"

#define FMT_TIME_MAX	40	/* "2026-11-22T03:10:05.123456789Z" and then some */
#define FMT_DUR_MAX	32	/* "18446744073.709551615s" */
#define FMT_NUM_MAX	24	/* "-9223372036854775808" */
#define FMT_TYPE_MAX	8	/* "s64" */

enum fmt_mode {
	FMT_TEXT,
	FMT_JSON,
	FMT_FOLDED,	/* stacks for flame graphs; only triggers with a report */
};

/* Length of the valid UTF-8 sequence at p (avail bytes there), or 0. */
size_t fmt_utf8_len(const unsigned char *p, size_t avail);

/* A JSON string literal, quotes included; also used to quote names in text. */
void fmt_json_string(FILE *f, const char *s);

/* RFC 3339 UTC with nanoseconds, from CLOCK_REALTIME nanoseconds. */
char *fmt_time(char *buf, uint64_t real_ns);

/* Shortest exact form in the largest fitting unit: "0", "750ns", "1.5ms", "2s". */
char *fmt_duration(char *buf, uint64_t ns);

/* Raw 64-bit bits as a signed or unsigned decimal. */
char *fmt_value(char *buf, uint64_t raw, bool is_signed);

/* A fixed-point value in units of 1/scale: "4.25" for 425 with scale 100. */
char *fmt_scaled(char *buf, uint64_t raw, unsigned int scale);

/*
 * A watch's value or threshold: a metric's in its unit ("4.25" for a load
 * average, "3" for a task count), else the raw bits as fmt_value() says.
 */
char *fmt_watch_value(char *buf, uint64_t raw, bool is_signed,
		      enum vmon_metric m);

/* "s32", "u8", ... */
char *fmt_type(char *buf, unsigned int len, bool is_signed);

/* "target exited", ... for the text output of WATCH_GONE. */
const char *fmt_gone_reason(enum vmon_gone_reason r);

/*
 * One event per line, but for the text of a trigger's report (a block of
 * lines) and folded stacks (a line per task).  now_real_ns stamps text
 * lines for events that carry no time of their own (a watch ending); 0
 * leaves the stamp out (a saved event read back, whose time is unknown).
 */
void fmt_event(FILE *f, const struct vmon_event *ev, enum fmt_mode mode,
	       uint64_t now_real_ns);

/*
 * symbol names the data object at the watch's address ("stats+0x8"), NULL
 * when unknown; symbols has one (or NULL) per watch, or is NULL.
 */
void fmt_watch_json(FILE *f, const struct vmon_watch_info *w,
		    const char *symbol);
void fmt_watch_table(FILE *f, const struct vmon_watch_info *w,
		     char *const *symbols, size_t n);

void fmt_stats_json(FILE *f, const struct vmon_group_stats *s);
void fmt_stats_table(FILE *f, const struct vmon_group_stats *s, size_t n);

#endif /* VMON_CLI_FORMAT_H */
