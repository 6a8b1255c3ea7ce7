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
		  "\"events_dropped\":1,\"snapshots\":2}\n");
	fmt_stats_table(cap_open(&c), &s, 1);
	cap_check(&c, "stats table",
		  "INTERVAL  WATCHES  FIRES  CHECKS  TRIGGERS  SNAPSHOTS  SENT  DROPPED  AVG    MAX\n"
		  "1ms       2        10     20      3         2          2     1        1.5us  4us\n");
}

int main(void)
{
	test_json_strings();
	test_scalars();
	test_events();
	test_watches();
	return check_done();
}
