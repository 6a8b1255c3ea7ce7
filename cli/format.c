// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI output: text and JSON for events, watch lists and statistics. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "report.h"

size_t fmt_utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	/* Second-byte limits rule out overlong forms, surrogates, > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/*
 * Names come from users and may hold any bytes.  Valid UTF-8 passes
 * through; other bytes become \u00XX so the output is always valid JSON
 * and one line.
 */
void fmt_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			/* The NUL ends a sequence short: no length needed. */
			n = *p < 0x20 ? 0 : fmt_utf8_len(p, 4);
			if (!n) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
	fputc('"', f);
}

char *fmt_time(char *buf, uint64_t real_ns)
{
	time_t sec = (time_t)(real_ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, FMT_TIME_MAX, "@%" PRIu64, real_ns);
		return buf;
	}
	n = strftime(buf, FMT_TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, FMT_TIME_MAX - n, ".%09" PRIu64 "Z",
		 real_ns % 1000000000);
	return buf;
}

char *fmt_duration(char *buf, uint64_t ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
		int digits;
	} units[] = {
		{ "s", 1000000000, 9 }, { "ms", 1000000, 6 },
		{ "us", 1000, 3 }, { "ns", 1, 0 },
	};
	size_t i;
	int n;

	if (!ns) {
		snprintf(buf, FMT_DUR_MAX, "0");
		return buf;
	}
	for (i = 0; ns < units[i].ns; i++)
		;
	n = snprintf(buf, FMT_DUR_MAX, "%" PRIu64, ns / units[i].ns);
	if (ns % units[i].ns) {
		/* Exact fraction, trailing zeros trimmed: parse_duration reads it back. */
		n += snprintf(buf + n, FMT_DUR_MAX - (size_t)n, ".%0*" PRIu64,
			      units[i].digits, ns % units[i].ns);
		while (buf[n - 1] == '0')
			n--;
		buf[n] = '\0';
	}
	snprintf(buf + n, FMT_DUR_MAX - (size_t)n, "%s", units[i].name);
	return buf;
}

char *fmt_value(char *buf, uint64_t raw, bool is_signed)
{
	if (is_signed)
		snprintf(buf, FMT_NUM_MAX, "%" PRId64, (int64_t)raw);
	else
		snprintf(buf, FMT_NUM_MAX, "%" PRIu64, raw);
	return buf;
}

char *fmt_scaled(char *buf, uint64_t raw, unsigned int scale)
{
	unsigned int decimals = 0, u;

	for (u = scale; u >= 10; u /= 10)
		decimals++;
	if (!decimals)
		snprintf(buf, FMT_NUM_MAX, "%" PRIu64, raw);
	else
		snprintf(buf, FMT_NUM_MAX, "%" PRIu64 ".%0*" PRIu64, raw / scale,
			 (int)decimals, raw % scale);
	return buf;
}

char *fmt_watch_value(char *buf, uint64_t raw, bool is_signed,
		      enum vmon_metric m)
{
	if (m)
		return fmt_scaled(buf, raw, vmon_metric_scale(m));
	return fmt_value(buf, raw, is_signed);
}

char *fmt_type(char *buf, unsigned int len, bool is_signed)
{
	snprintf(buf, FMT_TYPE_MAX, "%c%u", is_signed ? 's' : 'u', len * 8);
	return buf;
}

const char *fmt_gone_reason(enum vmon_gone_reason r)
{
	switch (r) {
	case VMON_GONE_EXIT:
		return "target exited";
	case VMON_GONE_EXEC:
		return "target executed a new program";
	case VMON_GONE_UNMAPPED:
		return "address no longer mapped";
	case VMON_GONE_DISCARDED:
		return "page discarded";
	case VMON_GONE_REPIN_FAILED:
		return "page moved and could not be pinned again";
	case VMON_GONE_UNLOAD:
		return "vmon module unloaded";
	default:
		return "ended (unknown reason)";
	}
}

/*
 * What a watch reads, as JSON members after its name: the metric, or the
 * process memory (symbol, the data object there, only when known: a
 * script tests for the key).
 */
static void target_json(FILE *f, enum vmon_metric m, pid_t pid, uint64_t addr,
			const char *symbol, unsigned int len, bool is_signed)
{
	if (m) {
		fprintf(f, ",\"metric\":\"%s\"", vmon_metric_name(m));
		return;
	}
	fprintf(f, ",\"pid\":%d,\"addr\":\"0x%" PRIx64 "\"", (int)pid, addr);
	if (symbol) {
		fputs(",\"symbol\":", f);
		fmt_json_string(f, symbol);
	}
	fprintf(f, ",\"len\":%u,\"signed\":%s", len, is_signed ? "true" : "false");
}

static void trigger_json(FILE *f, const struct vmon_trigger *t)
{
	char tm[FMT_TIME_MAX], v[FMT_NUM_MAX], th[FMT_NUM_MAX];

	fprintf(f, "{\"type\":\"trigger\",\"watch_id\":%" PRIu32 ",\"name\":",
		t->watch_id);
	fmt_json_string(f, t->name);
	target_json(f, t->metric, t->pid, t->addr, NULL, t->len, t->is_signed);
	fprintf(f, ",\"value\":%s,\"op\":",
		fmt_watch_value(v, t->value, t->is_signed, t->metric));
	fmt_json_string(f, vmon_op_symbol(t->op));
	fprintf(f, ",\"threshold\":%s,\"time\":\"%s\",\"mono_ns\":%" PRIu64
		",\"hits\":%" PRIu64 ",\"suppressed\":%" PRIu64
		",\"seq\":%" PRIu64,
		fmt_watch_value(th, t->threshold, t->is_signed, t->metric),
		fmt_time(tm, t->time_real_ns), t->time_mono_ns, t->hits,
		t->suppressed, t->seq);
	/* Without a report the line stays as it always was. */
	if (t->report)
		report_json(f, t);
	fputs("}\n", f);
}

static void trigger_text(FILE *f, const struct vmon_trigger *t)
{
	char tm[FMT_TIME_MAX], v[FMT_NUM_MAX], th[FMT_NUM_MAX];
	char ty[FMT_TYPE_MAX];

	fprintf(f, "%s watch %" PRIu32 " ", fmt_time(tm, t->time_real_ns),
		t->watch_id);
	/* A metric watch is named after its metric unless told otherwise: say it once. */
	if (t->name[0] &&
	    !(t->metric && !strcmp(t->name, vmon_metric_name(t->metric)))) {
		fmt_json_string(f, t->name);
		fputc(' ', f);
	}
	if (t->metric)
		fputs(vmon_metric_name(t->metric), f);
	else
		fprintf(f, "pid %d 0x%" PRIx64 " %s", (int)t->pid, t->addr,
			fmt_type(ty, t->len, t->is_signed));
	fprintf(f, ": %s %s %s (hit %" PRIu64 ", %" PRIu64 " suppressed)\n",
		fmt_watch_value(v, t->value, t->is_signed, t->metric),
		vmon_op_symbol(t->op),
		fmt_watch_value(th, t->threshold, t->is_signed, t->metric),
		t->hits, t->suppressed);
	if (t->report)
		report_text(f, t->report);
}

void fmt_event(FILE *f, const struct vmon_event *ev, enum fmt_mode mode,
	       uint64_t now_real_ns)
{
	bool json = mode == FMT_JSON;
	char tm[FMT_TIME_MAX];

	/* Flame graph tools read stacks and nothing else. */
	if (mode == FMT_FOLDED) {
		if (ev->type == VMON_EV_TRIGGER && ev->trigger.report)
			report_folded(f, &ev->trigger);
		return;
	}
	switch (ev->type) {
	case VMON_EV_TRIGGER:
		if (json)
			trigger_json(f, &ev->trigger);
		else
			trigger_text(f, &ev->trigger);
		break;
	case VMON_EV_GONE:
		if (json) {
			fprintf(f, "{\"type\":\"gone\",\"watch_id\":%" PRIu32,
				ev->gone.watch_id);
			if (ev->gone.metric)
				fprintf(f, ",\"metric\":\"%s\"",
					vmon_metric_name(ev->gone.metric));
			else
				fprintf(f, ",\"pid\":%d", (int)ev->gone.pid);
			fprintf(f, ",\"reason\":\"%s\"}\n",
				vmon_gone_reason_name(ev->gone.reason));
		} else {
			fprintf(f, "%s%swatch %" PRIu32 " gone: %s\n",
				now_real_ns ? fmt_time(tm, now_real_ns) : "",
				now_real_ns ? " " : "", ev->gone.watch_id,
				fmt_gone_reason(ev->gone.reason));
		}
		break;
	case VMON_EV_LOST:
		if (json)
			fprintf(f, "{\"type\":\"lost\",\"count\":%" PRIu64 "}\n",
				ev->lost);
		else if (ev->lost)
			fprintf(f, "lost %" PRIu64 " event%s\n", ev->lost,
				ev->lost == 1 ? "" : "s");
		else
			fprintf(f, "lost events (count unknown)\n");
		break;
	}
}

void fmt_watch_json(FILE *f, const struct vmon_watch_info *w,
		    const char *symbol)
{
	char th[FMT_NUM_MAX];

	fprintf(f, "{\"id\":%" PRIu32, w->id);
	target_json(f, w->metric, w->pid, w->addr, symbol, w->len, w->is_signed);
	fputs(",\"op\":", f);
	fmt_json_string(f, vmon_op_symbol(w->op));
	fprintf(f, ",\"threshold\":%s,\"interval_ns\":%" PRIu64
		",\"cooldown_ns\":%" PRIu64 ",\"hits\":%" PRIu64
		",\"owner_portid\":",
		fmt_watch_value(th, w->threshold, w->is_signed, w->metric),
		w->interval_ns, w->cooldown_ns, w->hits);
	if (w->detached)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu32, w->owner_portid);
	fprintf(f, ",\"detached\":%s,\"name\":", w->detached ? "true" : "false");
	fmt_json_string(f, w->name);
	fputs(",\"scope\":", f);
	fmt_json_string(f, vmon_scope_name(w->scope));
	fputs("}\n", f);
}

/*
 * Text tables are formatted twice, once to size the columns and once to
 * print, so a list of thousands of watches needs no memory per row.
 */
#define CELL_MAX	200	/* a 31-byte name, every byte escaped, quoted */
#define TABLE_COLS_MAX	16

struct table {
	size_t cols;
	size_t width[TABLE_COLS_MAX];
	char cell[TABLE_COLS_MAX][CELL_MAX];
};

static void table_measure(struct table *t)
{
	size_t c, len;

	for (c = 0; c < t->cols; c++) {
		len = strlen(t->cell[c]);
		if (len > t->width[c])
			t->width[c] = len;
	}
}

static void table_print(FILE *f, const struct table *t)
{
	size_t last = t->cols, c;

	/* Pad only up to the last nonempty cell: no trailing blanks. */
	while (last > 1 && !t->cell[last - 1][0])
		last--;
	for (c = 0; c + 1 < last; c++)
		fprintf(f, "%-*s  ", (int)t->width[c], t->cell[c]);
	fprintf(f, "%s\n", t->cell[last - 1]);
}

static void table_head(struct table *t, const char *const *head, size_t cols)
{
	size_t c;

	t->cols = cols;
	for (c = 0; c < cols; c++)
		snprintf(t->cell[c], CELL_MAX, "%s", head[c]);
}

static void cell_string(char *cell, const char *s)
{
	FILE *m = fmemopen(cell, CELL_MAX, "w");

	cell[0] = '\0';
	if (!m)
		return;
	fmt_json_string(m, s);
	fclose(m);
	cell[CELL_MAX - 1] = '\0';
}

static const char *const watch_head[] = {
	"ID", "PID", "ADDR", "LEN", "TYPE", "COND", "INTERVAL", "COOLDOWN",
	"HITS", "OWNER", "SCOPE", "NAME",
};
#define WATCH_COLS	(sizeof(watch_head) / sizeof(watch_head[0]))

/* "0x55d1c0a01010 <stats+0x8>"; a symbol's odd bytes (it comes from a file) as '?'. */
static void addr_cell(char *cell, uint64_t addr, const char *symbol)
{
	size_t n = (size_t)snprintf(cell, CELL_MAX, "0x%" PRIx64, addr), i;

	if (!symbol)
		return;
	snprintf(cell + n, CELL_MAX - n, " <%s>", symbol);
	for (i = n; cell[i]; i++)
		if ((unsigned char)cell[i] < 0x20 || (unsigned char)cell[i] >= 0x7f)
			cell[i] = '?';
}

static void watch_cells(char (*c)[CELL_MAX], const struct vmon_watch_info *w,
			const char *symbol)
{
	char th[FMT_NUM_MAX], ty[FMT_TYPE_MAX];

	snprintf(c[0], CELL_MAX, "%" PRIu32, w->id);
	/* A metric has no process: its name stands where the address would. */
	if (w->metric) {
		snprintf(c[1], CELL_MAX, "-");
		snprintf(c[2], CELL_MAX, "%s", vmon_metric_name(w->metric));
		snprintf(c[3], CELL_MAX, "-");
		snprintf(c[4], CELL_MAX, "-");
	} else {
		snprintf(c[1], CELL_MAX, "%d", (int)w->pid);
		addr_cell(c[2], w->addr, symbol);
		snprintf(c[3], CELL_MAX, "%u", w->len);
		snprintf(c[4], CELL_MAX, "%s", fmt_type(ty, w->len, w->is_signed));
	}
	snprintf(c[5], CELL_MAX, "%s %s", vmon_op_symbol(w->op),
		 fmt_watch_value(th, w->threshold, w->is_signed, w->metric));
	fmt_duration(c[6], w->interval_ns);
	fmt_duration(c[7], w->cooldown_ns);
	snprintf(c[8], CELL_MAX, "%" PRIu64, w->hits);
	if (w->detached)
		snprintf(c[9], CELL_MAX, "detached");
	else
		snprintf(c[9], CELL_MAX, "%" PRIu32, w->owner_portid);
	snprintf(c[10], CELL_MAX, "%s", vmon_scope_name(w->scope));
	/* Names may hold anything, so they are quoted and escaped. */
	if (w->name[0])
		cell_string(c[11], w->name);
	else
		c[11][0] = '\0';
}

void fmt_watch_table(FILE *f, const struct vmon_watch_info *w,
		     char *const *symbols, size_t n)
{
	struct table t;
	size_t i;

	memset(&t, 0, sizeof(t));
	table_head(&t, watch_head, WATCH_COLS);
	table_measure(&t);
	for (i = 0; i < n; i++) {
		watch_cells(t.cell, &w[i], symbols ? symbols[i] : NULL);
		table_measure(&t);
	}
	table_head(&t, watch_head, WATCH_COLS);
	table_print(f, &t);
	for (i = 0; i < n; i++) {
		watch_cells(t.cell, &w[i], symbols ? symbols[i] : NULL);
		table_print(f, &t);
	}
}

void fmt_stats_json(FILE *f, const struct vmon_group_stats *s)
{
	fprintf(f, "{\"interval_ns\":%" PRIu64 ",\"watches\":%" PRIu32
		",\"fires\":%" PRIu64 ",\"checks\":%" PRIu64
		",\"ns_total\":%" PRIu64 ",\"ns_max\":%" PRIu64
		",\"triggers\":%" PRIu64 ",\"events_sent\":%" PRIu64
		",\"events_dropped\":%" PRIu64 ",\"snapshots\":%" PRIu64
		",\"late\":%" PRIu64 ",\"skipped\":%" PRIu64
		",\"backoff\":%" PRIu32 "}\n",
		s->interval_ns, s->watches, s->fires, s->checks, s->ns_total,
		s->ns_max, s->triggers, s->events_sent, s->events_dropped,
		s->snapshots, s->late, s->skipped, s->backoff);
}

static const char *const stats_head[] = {
	"INTERVAL", "WATCHES", "FIRES", "CHECKS", "TRIGGERS", "SNAPSHOTS",
	"SENT", "DROPPED", "AVG", "MAX", "LATE", "SKIPPED", "BACKOFF",
};
#define STATS_COLS	(sizeof(stats_head) / sizeof(stats_head[0]))

static void stats_cells(char (*c)[CELL_MAX], const struct vmon_group_stats *s)
{
	fmt_duration(c[0], s->interval_ns);
	snprintf(c[1], CELL_MAX, "%" PRIu32, s->watches);
	snprintf(c[2], CELL_MAX, "%" PRIu64, s->fires);
	snprintf(c[3], CELL_MAX, "%" PRIu64, s->checks);
	snprintf(c[4], CELL_MAX, "%" PRIu64, s->triggers);
	snprintf(c[5], CELL_MAX, "%" PRIu64, s->snapshots);
	snprintf(c[6], CELL_MAX, "%" PRIu64, s->events_sent);
	snprintf(c[7], CELL_MAX, "%" PRIu64, s->events_dropped);
	/* Time per timer callback: what a polling interval costs. */
	fmt_duration(c[8], s->fires ? s->ns_total / s->fires : 0);
	fmt_duration(c[9], s->ns_max);
	/* Overruns: ticks that came late, periods lost, the slowdown now. */
	snprintf(c[10], CELL_MAX, "%" PRIu64, s->late);
	snprintf(c[11], CELL_MAX, "%" PRIu64, s->skipped);
	snprintf(c[12], CELL_MAX, "x%" PRIu32, s->backoff);
}

void fmt_stats_table(FILE *f, const struct vmon_group_stats *s, size_t n)
{
	struct table t;
	size_t i;

	memset(&t, 0, sizeof(t));
	table_head(&t, stats_head, STATS_COLS);
	table_measure(&t);
	for (i = 0; i < n; i++) {
		stats_cells(t.cell, &s[i]);
		table_measure(&t);
	}
	table_head(&t, stats_head, STATS_COLS);
	table_print(f, &t);
	for (i = 0; i < n; i++) {
		stats_cells(t.cell, &s[i]);
		table_print(f, &t);
	}
}
