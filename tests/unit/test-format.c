/* Unit tests for cli/format.c: JSON escaping, times, durations, values, event lines. */
#include <stdlib.h>

#include "check.h"
#include "format.h"
#include "parse.h"

/* Runs a formatter into memory so its output can be compared exactly. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

static void cap_check(struct capture *c, const char *name, const char *want)
{
	fclose(c->f);
	check_str(name, c->buf, want);
	free(c->buf);
}

static void json_str(const char *name, const char *in, const char *want)
{
	struct capture c;

	fmt_json_string(cap_open(&c), in);
	cap_check(&c, name, want);
}

static void test_json_strings(void)
{
	json_str("json plain", "temp", "\"temp\"");
	json_str("json empty", "", "\"\"");
	json_str("json quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\"");
	json_str("json newline tab cr", "a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	json_str("json bs ff", "\b\f", "\"\\b\\f\"");
	json_str("json control", "\x01x\x1f", "\"\\u0001x\\u001f\"");
	json_str("json del passes", "\x7f", "\"\x7f\"");
	json_str("json utf8 passes", "t\xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80",
		 "\"t\xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80\"");
	json_str("json invalid byte", "a\xff" "b", "\"a\\u00ffb\"");
	json_str("json lone continuation", "\x80", "\"\\u0080\"");
	json_str("json overlong", "\xc0\x80", "\"\\u00c0\\u0080\"");
	json_str("json surrogate", "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
	json_str("json truncated sequence", "\xe2\x82", "\"\\u00e2\\u0082\"");
	json_str("json above U+10FFFF", "\xf4\x90\x80\x80",
		 "\"\\u00f4\\u0090\\u0080\\u0080\"");
}

static void test_scalars(void)
{
	char b[FMT_TIME_MAX], d[FMT_DUR_MAX], n[FMT_NUM_MAX], t[FMT_TYPE_MAX];
	static const uint64_t round_trip[] = {
		0, 1, 999, 1000, 1001, 1500000, 1000000000, 1234567891,
		60000000000, 100000, UINT64_MAX,
	};
	size_t i;

	check_str("time epoch", fmt_time(b, 0), "1970-01-01T00:00:00.000000000Z");
	check_str("time example", fmt_time(b, 1795317005123456789),
		  "2026-11-22T03:10:05.123456789Z");
	check_str("time leap day", fmt_time(b, 951868799000000001),
		  "2000-02-29T23:59:59.000000001Z");

	check_str("duration 0", fmt_duration(d, 0), "0");
	check_str("duration 1ns", fmt_duration(d, 1), "1ns");
	check_str("duration 999ns", fmt_duration(d, 999), "999ns");
	check_str("duration 1us", fmt_duration(d, 1000), "1us");
	check_str("duration 1.001us", fmt_duration(d, 1001), "1.001us");
	check_str("duration 100us", fmt_duration(d, 100000), "100us");
	check_str("duration 1.5ms", fmt_duration(d, 1500000), "1.5ms");
	check_str("duration 1ms", fmt_duration(d, 1000000), "1ms");
	check_str("duration 1s", fmt_duration(d, 1000000000), "1s");
	check_str("duration 60s", fmt_duration(d, 60000000000), "60s");
	check_str("duration 1.234567891s", fmt_duration(d, 1234567891),
		  "1.234567891s");
	check_str("duration max", fmt_duration(d, UINT64_MAX),
		  "18446744073.709551615s");
	for (i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		char name[64], err[PARSE_ERR_MAX] = "";
		uint64_t back = 0;

		snprintf(name, sizeof(name), "duration round trip %" PRIu64,
			 round_trip[i]);
		fmt_duration(d, round_trip[i]);
		if (check(name, parse_duration(d, &back, err) == 0,
			  "'%s' refused: %s", d, err))
			check_u64(name, back, round_trip[i]);
	}

	check_str("value signed min", fmt_value(n, 0x8000000000000000, true),
		  "-9223372036854775808");
	check_str("value unsigned max", fmt_value(n, UINT64_MAX, false),
		  "18446744073709551615");
	check_str("value signed -1", fmt_value(n, UINT64_MAX, true), "-1");
	check_str("value signed 151", fmt_value(n, 151, true), "151");
	check_str("value unsigned sign-extended s8",
		  fmt_value(n, 0xffffffffffffff80, false), "18446744073709551488");

	check_str("type s32", fmt_type(t, 4, true), "s32");
	check_str("type u8", fmt_type(t, 1, false), "u8");
	check_str("type s64", fmt_type(t, 8, true), "s64");
	check_str("type u16", fmt_type(t, 2, false), "u16");

	check_str("gone reason exit", fmt_gone_reason(VMON_GONE_EXIT),
		  "target exited");
	check_str("gone reason unknown", fmt_gone_reason((enum vmon_gone_reason)99),
		  "ended (unknown reason)");
}

/* Metric values: fixed point as parse_scaled() reads it back. */
static void test_scaled(void)
{
	static const uint64_t round_trip[] = { 0, 1, 99, 100, 425, UINT64_MAX };
	char n[FMT_NUM_MAX], name[64], err[PARSE_ERR_MAX];
	uint64_t back;
	size_t i;

	check_str("scaled 4.25", fmt_scaled(n, 425, 100), "4.25");
	check_str("scaled 4.00", fmt_scaled(n, 400, 100), "4.00");
	check_str("scaled 0.05", fmt_scaled(n, 5, 100), "0.05");
	check_str("scaled 0", fmt_scaled(n, 0, 100), "0.00");
	check_str("scaled max", fmt_scaled(n, UINT64_MAX, 100),
		  "184467440737095516.15");
	check_str("scaled whole", fmt_scaled(n, 7, 1), "7");
	check_str("scaled whole max", fmt_scaled(n, UINT64_MAX, 1),
		  "18446744073709551615");
	for (i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		snprintf(name, sizeof(name), "scaled round trip %" PRIu64,
			 round_trip[i]);
		fmt_scaled(n, round_trip[i], 100);
		back = 0;
		if (check(name, parse_scaled(n, 100, &back, err) == 0,
			  "'%s' refused: %s", n, err))
			check_u64(name, back, round_trip[i]);
	}
	check_str("watch value loadavg", fmt_watch_value(n, 412, true,
							 VMON_METRIC_LOADAVG15), "4.12");
	check_str("watch value running", fmt_watch_value(n, 12, false,
							 VMON_METRIC_NR_RUNNING), "12");
	check_str("watch value memory", fmt_watch_value(n, UINT64_MAX, true,
							VMON_METRIC_NONE), "-1");
}

static struct vmon_event trigger(void)
{
	struct vmon_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = VMON_EV_TRIGGER;
	ev.trigger.watch_id = 3;
	strcpy(ev.trigger.name, "temp");
	ev.trigger.pid = 1234;
	ev.trigger.addr = 0x7ffd1234;
	ev.trigger.len = 4;
	ev.trigger.is_signed = true;
	ev.trigger.op = VMON_OP_GT;
	ev.trigger.value = 151;
	ev.trigger.threshold = 150;
	ev.trigger.time_real_ns = 1795317005123456789;
	ev.trigger.time_mono_ns = 5000000001;
	ev.trigger.hits = 1;
	ev.trigger.suppressed = 0;
	ev.trigger.seq = 17;
	return ev;
}

static void event(const char *name, const struct vmon_event *ev,
		  enum fmt_mode mode, const char *want)
{
	struct capture c;

	fmt_event(cap_open(&c), ev, mode, 1795317005123456789);
	cap_check(&c, name, want);
}

static void test_events(void)
{
	struct vmon_event ev = trigger();

	event("trigger json", &ev, FMT_JSON,
	      "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"temp\",\"pid\":1234,"
	      "\"addr\":\"0x7ffd1234\",\"len\":4,\"signed\":true,\"value\":151,"
	      "\"op\":\">\",\"threshold\":150,\"time\":\"2026-11-22T03:10:05.123456789Z\","
	      "\"mono_ns\":5000000001,\"hits\":1,\"suppressed\":0,\"seq\":17}\n");
	event("trigger text", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 \"temp\" pid 1234 0x7ffd1234 "
	      "s32: 151 > 150 (hit 1, 0 suppressed)\n");

	/* Extremes print as the watch's signedness says. */
	ev.trigger.len = 8;
	ev.trigger.op = VMON_OP_LE;
	ev.trigger.value = 0x8000000000000000;
	ev.trigger.threshold = UINT64_MAX;
	ev.trigger.name[0] = '\0';
	ev.trigger.hits = 12;
	ev.trigger.suppressed = 3;
	event("trigger text signed extremes", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 pid 1234 0x7ffd1234 "
	      "s64: -9223372036854775808 <= -1 (hit 12, 3 suppressed)\n");
	ev.trigger.is_signed = false;
	ev.trigger.op = VMON_OP_NE;
	event("trigger json unsigned extremes", &ev, FMT_JSON,
	      "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1234,"
	      "\"addr\":\"0x7ffd1234\",\"len\":8,\"signed\":false,"
	      "\"value\":9223372036854775808,\"op\":\"!=\","
	      "\"threshold\":18446744073709551615,"
	      "\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	      "\"hits\":12,\"suppressed\":3,\"seq\":17}\n");
	ev.trigger.is_signed = true;
	ev.trigger.threshold = 0x8000000000000000;
	ev.trigger.value = UINT64_MAX;
	ev.trigger.op = VMON_OP_GE;
	strcpy(ev.trigger.name, "a\"b\n");
	event("trigger json signed extremes, escaped name", &ev, FMT_JSON,
	      "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"a\\\"b\\n\",\"pid\":1234,"
	      "\"addr\":\"0x7ffd1234\",\"len\":8,\"signed\":true,"
	      "\"value\":-1,\"op\":\">=\","
	      "\"threshold\":-9223372036854775808,"
	      "\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	      "\"hits\":12,\"suppressed\":3,\"seq\":17}\n");
	event("trigger text escaped name", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 \"a\\\"b\\n\" pid 1234 0x7ffd1234 "
	      "s64: -1 >= -9223372036854775808 (hit 12, 3 suppressed)\n");

	memset(&ev, 0, sizeof(ev));
	ev.type = VMON_EV_GONE;
	ev.gone.watch_id = 3;
	ev.gone.pid = 1234;
	ev.gone.reason = VMON_GONE_EXIT;
	event("gone json", &ev, FMT_JSON,
	      "{\"type\":\"gone\",\"watch_id\":3,\"pid\":1234,\"reason\":\"exit\"}\n");
	event("gone text", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 gone: target exited\n");
	ev.gone.reason = VMON_GONE_REPIN_FAILED;
	event("gone json repin_failed", &ev, FMT_JSON,
	      "{\"type\":\"gone\",\"watch_id\":3,\"pid\":1234,\"reason\":\"repin_failed\"}\n");
	ev.gone.reason = VMON_GONE_UNLOAD;
	event("gone json unload", &ev, FMT_JSON,
	      "{\"type\":\"gone\",\"watch_id\":3,\"pid\":1234,\"reason\":\"unload\"}\n");

	memset(&ev, 0, sizeof(ev));
	ev.type = VMON_EV_LOST;
	ev.lost = 5;
	event("lost json", &ev, FMT_JSON, "{\"type\":\"lost\",\"count\":5}\n");
	event("lost text", &ev, FMT_TEXT, "lost 5 events\n");
	ev.lost = 1;
	event("lost text one", &ev, FMT_TEXT, "lost 1 event\n");
	ev.lost = 0;
	event("lost text unknown", &ev, FMT_TEXT, "lost events (count unknown)\n");
	event("lost json unknown", &ev, FMT_JSON, "{\"type\":\"lost\",\"count\":0}\n");
}

/* A metric watch's trigger: what the kernel sends has no pid, address or length. */
static struct vmon_event metric_trigger(enum vmon_metric m, uint64_t value,
					uint64_t threshold)
{
	struct vmon_event ev = trigger();

	snprintf(ev.trigger.name, sizeof(ev.trigger.name), "%s",
		 vmon_metric_name(m));
	ev.trigger.metric = m;
	ev.trigger.pid = 0;
	ev.trigger.addr = 0;
	ev.trigger.len = 0;
	ev.trigger.is_signed = false;
	ev.trigger.value = value;
	ev.trigger.threshold = threshold;
	return ev;
}

static void test_metric_events(void)
{
	struct vmon_event ev = metric_trigger(VMON_METRIC_LOADAVG1, 412, 400);

	event("metric trigger text loadavg1", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 "
	      "loadavg1: 4.12 > 4.00 (hit 1, 0 suppressed)\n");
	event("metric trigger json loadavg1", &ev, FMT_JSON,
	      "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"loadavg1\","
	      "\"metric\":\"loadavg1\",\"value\":4.12,\"op\":\">\",\"threshold\":4.00,"
	      "\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	      "\"hits\":1,\"suppressed\":0,\"seq\":17}\n");
	event("metric trigger folded without report", &ev, FMT_FOLDED, "");

	ev = metric_trigger(VMON_METRIC_NR_RUNNING, 12, 8);
	ev.trigger.op = VMON_OP_GE;
	ev.trigger.hits = 3;
	ev.trigger.suppressed = 41;
	event("metric trigger text running", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 "
	      "running: 12 >= 8 (hit 3, 41 suppressed)\n");
	event("metric trigger json running", &ev, FMT_JSON,
	      "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"running\","
	      "\"metric\":\"running\",\"value\":12,\"op\":\">=\",\"threshold\":8,"
	      "\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	      "\"hits\":3,\"suppressed\":41,\"seq\":17}\n");

	/* A name of the user's own, and a fraction below 0.10. */
	ev = metric_trigger(VMON_METRIC_LOADAVG5, 5, 50);
	ev.trigger.op = VMON_OP_LT;
	strcpy(ev.trigger.name, "idle");
	event("metric trigger text named", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 \"idle\" "
	      "loadavg5: 0.05 < 0.50 (hit 1, 0 suppressed)\n");
	ev.trigger.name[0] = '\0';
	event("metric trigger text unnamed", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 3 "
	      "loadavg5: 0.05 < 0.50 (hit 1, 0 suppressed)\n");

	memset(&ev, 0, sizeof(ev));
	ev.type = VMON_EV_GONE;
	ev.gone.watch_id = 4;
	ev.gone.metric = VMON_METRIC_NR_UNINTERRUPTIBLE;
	ev.gone.reason = VMON_GONE_UNLOAD;
	event("metric gone json", &ev, FMT_JSON,
	      "{\"type\":\"gone\",\"watch_id\":4,\"metric\":\"uninterruptible\","
	      "\"reason\":\"unload\"}\n");
	event("metric gone text", &ev, FMT_TEXT,
	      "2026-11-22T03:10:05.123456789Z watch 4 gone: vmon module unloaded\n");
}

static struct vmon_watch_info watch(void)
{
	struct vmon_watch_info w;

	memset(&w, 0, sizeof(w));
	w.id = 3;
	w.pid = 1234;
	w.addr = 0x601040;
	w.len = 4;
	w.is_signed = true;
	w.op = VMON_OP_GT;
	w.threshold = 150;
	w.interval_ns = 1000000;
	w.cooldown_ns = 0;
	strcpy(w.name, "temp");
	w.owner_portid = 4242;
	w.hits = 7;
	w.scope = VMON_SCOPE_PROCESS;
	return w;
}

static void test_watches(void)
{
	struct vmon_watch_info w[2] = { watch(), watch() };
	struct vmon_group_stats s = {
		.interval_ns = 1000000, .watches = 2, .fires = 10, .checks = 20,
		.ns_total = 15000, .ns_max = 4000, .triggers = 3,
		.events_sent = 2, .events_dropped = 1, .snapshots = 2,
		.late = 4, .skipped = 9, .backoff = 8,
	};
	struct capture c;

	fmt_watch_json(cap_open(&c), &w[0], NULL);
	cap_check(&c, "watch json",
		  "{\"id\":3,\"pid\":1234,\"addr\":\"0x601040\",\"len\":4,\"signed\":true,"
		  "\"op\":\">\",\"threshold\":150,\"interval_ns\":1000000,\"cooldown_ns\":0,"
		  "\"hits\":7,\"owner_portid\":4242,\"detached\":false,\"name\":\"temp\","
		  "\"scope\":\"process\"}\n");

	w[1].id = 12;
	w[1].len = 1;
	w[1].is_signed = false;
	w[1].op = VMON_OP_NE;
	w[1].threshold = 255;
	w[1].interval_ns = 1500000;
	w[1].cooldown_ns = 2000000000;
	w[1].detached = true;
	w[1].owner_portid = 0;
	w[1].name[0] = '\0';
	w[1].scope = VMON_SCOPE_NONE;
	fmt_watch_json(cap_open(&c), &w[1], NULL);
	cap_check(&c, "watch json detached",
		  "{\"id\":12,\"pid\":1234,\"addr\":\"0x601040\",\"len\":1,\"signed\":false,"
		  "\"op\":\"!=\",\"threshold\":255,\"interval_ns\":1500000,"
		  "\"cooldown_ns\":2000000000,\"hits\":7,\"owner_portid\":null,"
		  "\"detached\":true,\"name\":\"\",\"scope\":\"none\"}\n");

	fmt_watch_table(cap_open(&c), w, NULL, 2);
	cap_check(&c, "watch table",
		  "ID  PID   ADDR      LEN  TYPE  COND    INTERVAL  COOLDOWN  HITS  OWNER     SCOPE    NAME\n"
		  "3   1234  0x601040  4    s32   > 150   1ms       0         7     4242      process  \"temp\"\n"
		  "12  1234  0x601040  1    u8    != 255  1.5ms     2s        7     detached  none\n");

	/* The symbol at the address, where vmon list found one. */
	fmt_watch_json(cap_open(&c), &w[0], "stats+0x8");
	cap_check(&c, "watch json symbol",
		  "{\"id\":3,\"pid\":1234,\"addr\":\"0x601040\",\"symbol\":\"stats+0x8\","
		  "\"len\":4,\"signed\":true,\"op\":\">\",\"threshold\":150,"
		  "\"interval_ns\":1000000,\"cooldown_ns\":0,\"hits\":7,"
		  "\"owner_portid\":4242,\"detached\":false,\"name\":\"temp\","
		  "\"scope\":\"process\"}\n");
	fmt_watch_json(cap_open(&c), &w[0], "a\"b");
	cap_check(&c, "watch json symbol escaped",
		  "{\"id\":3,\"pid\":1234,\"addr\":\"0x601040\",\"symbol\":\"a\\\"b\","
		  "\"len\":4,\"signed\":true,\"op\":\">\",\"threshold\":150,"
		  "\"interval_ns\":1000000,\"cooldown_ns\":0,\"hits\":7,"
		  "\"owner_portid\":4242,\"detached\":false,\"name\":\"temp\","
		  "\"scope\":\"process\"}\n");
	{
		char *syms[2] = { "counter", NULL };

		fmt_watch_table(cap_open(&c), w, syms, 2);
		cap_check(&c, "watch table symbols",
			  "ID  PID   ADDR                LEN  TYPE  COND    INTERVAL  COOLDOWN  HITS  OWNER     SCOPE    NAME\n"
			  "3   1234  0x601040 <counter>  4    s32   > 150   1ms       0         7     4242      process  \"temp\"\n"
			  "12  1234  0x601040            1    u8    != 255  1.5ms     2s        7     detached  none\n");
		syms[1] = "x\ny";
		fmt_watch_table(cap_open(&c), w, syms, 2);
		cap_check(&c, "watch table symbol control byte",
			  "ID  PID   ADDR                LEN  TYPE  COND    INTERVAL  COOLDOWN  HITS  OWNER     SCOPE    NAME\n"
			  "3   1234  0x601040 <counter>  4    s32   > 150   1ms       0         7     4242      process  \"temp\"\n"
			  "12  1234  0x601040 <x?y>      1    u8    != 255  1.5ms     2s        7     detached  none\n");
	}

	fmt_stats_json(cap_open(&c), &s);
	cap_check(&c, "stats json",
		  "{\"interval_ns\":1000000,\"watches\":2,\"fires\":10,\"checks\":20,"
		  "\"ns_total\":15000,\"ns_max\":4000,\"triggers\":3,\"events_sent\":2,"
		  "\"events_dropped\":1,\"snapshots\":2,\"late\":4,\"skipped\":9,"
		  "\"backoff\":8}\n");
	fmt_stats_table(cap_open(&c), &s, 1);
	cap_check(&c, "stats table",
		  "INTERVAL  WATCHES  FIRES  CHECKS  TRIGGERS  SNAPSHOTS  SENT  DROPPED  AVG    MAX  LATE  SKIPPED  BACKOFF\n"
		  "1ms       2        10     20      3         2          2     1        1.5us  4us  4     9        x8\n");
}

static void test_metric_watches(void)
{
	struct vmon_watch_info w[3] = { watch(), watch(), watch() };
	struct capture c;
	char *syms[3] = { "counter", "ignored", NULL };
	size_t i;

	for (i = 1; i < 3; i++) {
		w[i].pid = 0;
		w[i].addr = 0;
		w[i].len = 0;
		w[i].is_signed = false;
		w[i].interval_ns = 10000000;
		w[i].cooldown_ns = 20000000000;
		w[i].hits = 0;
		w[i].scope = VMON_SCOPE_SYSTEM;
	}
	w[1].id = 5;
	w[1].metric = VMON_METRIC_LOADAVG1;
	w[1].threshold = 400;
	strcpy(w[1].name, "loadavg1");
	w[2].id = 6;
	w[2].metric = VMON_METRIC_NR_UNINTERRUPTIBLE;
	w[2].op = VMON_OP_GE;
	w[2].threshold = 16;
	w[2].detached = true;
	w[2].owner_portid = 0;
	w[2].scope = VMON_SCOPE_NONE;
	strcpy(w[2].name, "uninterruptible");

	fmt_watch_json(cap_open(&c), &w[1], NULL);
	cap_check(&c, "metric watch json",
		  "{\"id\":5,\"metric\":\"loadavg1\",\"op\":\">\",\"threshold\":4.00,"
		  "\"interval_ns\":10000000,\"cooldown_ns\":20000000000,\"hits\":0,"
		  "\"owner_portid\":4242,\"detached\":false,\"name\":\"loadavg1\","
		  "\"scope\":\"system\"}\n");
	/* A symbol given for a metric watch has nowhere to go. */
	fmt_watch_json(cap_open(&c), &w[2], "ignored");
	cap_check(&c, "metric watch json count",
		  "{\"id\":6,\"metric\":\"uninterruptible\",\"op\":\">=\","
		  "\"threshold\":16,\"interval_ns\":10000000,"
		  "\"cooldown_ns\":20000000000,\"hits\":0,\"owner_portid\":null,"
		  "\"detached\":true,\"name\":\"uninterruptible\",\"scope\":\"none\"}\n");

	fmt_watch_table(cap_open(&c), w, syms, 3);
	cap_check(&c, "metric watch table",
		  "ID  PID   ADDR                LEN  TYPE  COND    INTERVAL  COOLDOWN  HITS  OWNER     SCOPE    NAME\n"
		  "3   1234  0x601040 <counter>  4    s32   > 150   1ms       0         7     4242      process  \"temp\"\n"
		  "5   -     loadavg1            -    -     > 4.00  10ms      20s       0     4242      system   \"loadavg1\"\n"
		  "6   -     uninterruptible     -    -     >= 16   10ms      20s       0     detached  none     \"uninterruptible\"\n");
}

int main(void)
{
	test_json_strings();
	test_scalars();
	test_scaled();
	test_events();
	test_metric_events();
	test_watches();
	test_metric_watches();
	return check_done();
}
