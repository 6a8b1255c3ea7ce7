/* Unit tests for trigger reports: text, JSON and folded output, the JSON reader, saved events read back. */
#include <stdlib.h>

#include "check.h"
#include "format.h"
#include "json.h"
#include "parse.h"
#include "report.h"

/* Runs a printer into memory; the caller frees the text. */
#define CAPTURE(buf, call) do {						\
	size_t cap_len_;						\
	FILE *f = open_memstream(&(buf), &cap_len_);			\
	call;								\
	fclose(f);							\
} while (0)

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Frames as the library makes them: every string malloc'd. */
static struct vmon_frame frame(uint64_t addr, const char *sym, uint64_t off,
			       const char *mod, const char *file,
			       unsigned int line, bool inlined)
{
	struct vmon_frame fr = {
		.addr = addr, .symbol = dup_or_null(sym), .offset = off,
		.module = dup_or_null(mod), .file = dup_or_null(file),
		.line = line, .inlined = inlined,
	};

	return fr;
}

static struct vmon_frame *frames(const struct vmon_frame *f, size_t n)
{
	struct vmon_frame *v = malloc(n * sizeof(*v));

	memcpy(v, f, n * sizeof(*v));
	return v;
}

static struct vmon_ancestor ancestor(pid_t pid, const char *comm,
				     const char *cmdline)
{
	struct vmon_ancestor a = { .pid = pid, .cmdline = strdup(cmdline) };

	snprintf(a.comm, sizeof(a.comm), "%s", comm);
	return a;
}

static void task_init(struct vmon_task *t, pid_t pid, pid_t tid,
		      const char *comm, char state, int cpu, unsigned int flags,
		      const char *cgroup)
{
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->state = state;
	t->cpu = cpu;
	t->flags = flags;
	t->cgroup = dup_or_null(cgroup);
}

/*
 * Scope system: the watched process's main thread asleep in a call with
 * an inlined frame and two unnamed ones, a worker running elsewhere whose
 * unwind stopped, and a kernel thread of another process.
 */
static struct vmon_report *big_report(void)
{
	struct vmon_report *r = calloc(1, sizeof(*r));
	struct vmon_task *t;
	struct vmon_process *p;
	const struct vmon_frame user[] = {
		frame(0x7f1c2a4b11a0, "clock_nanosleep", 0x5a,
		      "/usr/lib/x86_64-linux-gnu/libc.so.6", NULL, 0, false),
		frame(0x55d0c2a4b1a0, "level2_inline", 0, "/opt/t/target",
		      "/src/t/target.c", 35, true),
		frame(0x55d0c2a4b1a0, "level3", 0x10, "/opt/t/target",
		      "/src/t/target.c", 42, false),
		frame(0x55d0c2a4b2f0, "main", 0x3f, "/opt/t/target",
		      "/src/t/target.c", 60, false),
		frame(0x55d0c2a4b080, NULL, 0x1080, "/opt/t/target", NULL, 0,
		      false),
		frame(0x1234, NULL, 0, NULL, NULL, 0, false),
	};
	const struct vmon_frame kernel[] = {
		frame(0xffffffff81a2b3c4, "do_nanosleep", 0x7a, "[kernel]", NULL, 0,
		      false),
		frame(0xffffffff81a2b500, "hrtimer_nanosleep", 0xd0, NULL, NULL, 0,
		      false),
	};
	const struct vmon_frame worker[] = {
		frame(0x55d0c2a4b300, "std::vector<int; x>::push_back(int const&)",
		      0x21, "/opt/t/target", "target.cc", 7, false),
	};
	const struct vmon_frame kworker[] = {
		frame(0xffffffffc0a01010, "ext4_writepages", 0x110, "ext4", NULL,
		      0, false),
		frame(0xffffffff810c1234, NULL, 0, NULL, NULL, 0, false),
	};

	r->n_tasks = 3;
	r->tasks = calloc(r->n_tasks, sizeof(*r->tasks));
	t = &r->tasks[0];
	task_init(t, 1234, 1234, "target", 'S', 1, VMON_TASK_F_WATCHED,
		  "/system.slice/foo.service");
	t->user = frames(user, 6);
	t->n_user = 6;
	t->kernel = frames(kernel, 2);
	t->n_kernel = 2;
	t = &r->tasks[1];
	task_init(t, 1234, 1240, "worker", 'R', 3,
		  VMON_TASK_F_WATCHED | VMON_TASK_F_ONCPU,
		  "/system.slice/foo.service");
	t->user = frames(worker, 1);
	t->n_user = 1;
	t->unwind_error = strdup("no unwind data for 0x55d0c2a4b300");
	t = &r->tasks[2];
	task_init(t, 57, 57, "kworker/0:1", 'D', 0, VMON_TASK_F_KTHREAD, "/");
	t->kernel = frames(kworker, 2);
	t->n_kernel = 2;

	r->n_procs = 2;
	r->procs = calloc(r->n_procs, sizeof(*r->procs));
	p = &r->procs[0];
	p->pid = 57;
	p->n_chain = 2;
	p->chain = malloc(2 * sizeof(*p->chain));
	p->chain[0] = ancestor(57, "kworker/0:1", "");
	p->chain[1] = ancestor(2, "kthreadd", "");
	p = &r->procs[1];
	p->pid = 1234;
	p->n_chain = 3;
	p->chain = malloc(3 * sizeof(*p->chain));
	p->chain[0] = ancestor(1234, "target", "./target --x");
	p->chain[1] = ancestor(1200, "bash", "-bash");
	p->chain[2] = ancestor(1, "systemd", "/sbin/init splash");
	r->tasks_omitted = 3;
	r->incomplete = true;
	return r;
}

/* Parses line, converts it, and returns the event (report malloc'd). */
static bool read_event(const char *name, const char *line,
		       struct vmon_event *ev)
{
	char err[REPORT_ERR_MAX] = "";
	struct json_value v;
	int r;

	r = json_parse(line, strlen(line), &v, err);
	if (!check(name, r == 0, "json_parse: %s", err))
		return false;
	r = event_from_json(&v, ev, err);
	json_free(&v);
	return check(name, r == 0, "event_from_json: %s", err);
}

/* The trigger of every report here, as `--json` prints it, less the '}'. */
#define TRIG	"{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"temp\",\"pid\":1234,"	\
		"\"addr\":\"0x7ffd1234\",\"len\":4,\"signed\":true,\"value\":151,"	\
		"\"op\":\">\",\"threshold\":150,"					\
		"\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"	\
		"\"hits\":1,\"suppressed\":0,\"seq\":17"

static struct vmon_event trigger(struct vmon_report *r)
{
	struct vmon_event ev;

	read_event("trigger fixture", TRIG "}", &ev);
	ev.trigger.report = r;
	return ev;
}

static void check_event(const char *name, const struct vmon_event *ev,
			enum fmt_mode mode, const char *want)
{
	char *got = NULL;

	CAPTURE(got, fmt_event(f, ev, mode, 0));
	check_str(name, got, want);
	free(got);
}

#define HEADER "2026-11-22T03:10:05.123456789Z watch 3 \"temp\" pid 1234 " \
	       "0x7ffd1234 s32: 151 > 150 (hit 1, 0 suppressed)\n"

static const char big_text[] = HEADER
	"  ## pid 1234  tid 1234  comm target  state S  cpu 1  cgroup /system.slice/foo.service\n"
	"  #~  0x00007f1c2a4b11a0  clock_nanosleep+0x5a                                          libc.so.6\n"
	"  #~  0x000055d0c2a4b1a0  level2_inline [inlined]                          target.c:35  target\n"
	"  #~  0x000055d0c2a4b1a0  level3+0x10                                      target.c:42  target\n"
	"  #~  0x000055d0c2a4b2f0  main+0x3f                                        target.c:60  target\n"
	"  #~  0x000055d0c2a4b080  ??                                                            target\n"
	"  #~  0x0000000000001234  ??\n"
	"  #@  0xffffffff81a2b3c4  do_nanosleep+0x7a\n"
	"  #@  0xffffffff81a2b500  hrtimer_nanosleep+0xd0\n"
	"  #*  target\n"
	"  #^  1234  target   ./target --x\n"
	"  #^  1200  bash     -bash\n"
	"  #^     1  systemd  /sbin/init splash\n"
	"\n"
	"  ## pid 1234  tid 1240  comm worker  state R  cpu 3  cgroup /system.slice/foo.service  (running on cpu 3: registers stale)\n"
	"  #~  0x000055d0c2a4b300  std::vector<int; x>::push_back(int const&)+0x21  target.cc:7  target\n"
	"  #!  user stack ends: no unwind data for 0x55d0c2a4b300\n"
	"  #*  worker\n"
	"  #^  1234  target   ./target --x\n"
	"  #^  1200  bash     -bash\n"
	"  #^     1  systemd  /sbin/init splash\n"
	"\n"
	"  ## pid 57  tid 57  comm kworker/0:1  state D  cpu 0  cgroup /  (kernel thread)\n"
	"  #@  0xffffffffc0a01010  ext4_writepages+0x110                                         [ext4]\n"
	"  #@  0xffffffff810c1234  ??\n"
	"  #*  kworker/0:1\n"
	"  #^  57  kworker/0:1\n"
	"  #^   2  kthreadd\n"
	"\n"
	"  (3 tasks left out: vmon config max_tasks)\n"
	"  (snapshot incomplete: parts were lost)\n"
	"\n";

static const char big_folded[] =
	"target;0x1234;[target+0x1080];main;level3;level2_inline;clock_nanosleep;"
	"hrtimer_nanosleep_[k];do_nanosleep_[k] 1\n"
	"worker;std::vector<int:_x>::push_back(int_const&) 1\n"
	"kworker/0:1;0xffffffff810c1234_[k];ext4_writepages_[k] 1\n";

static void test_big_report(void)
{
	struct vmon_event ev = trigger(big_report());

	check_event("report text", &ev, FMT_TEXT, big_text);
	check_event("report folded", &ev, FMT_FOLDED, big_folded);
	vmon_report_free(ev.trigger.report);
}

static void test_small_report(void)
{
	struct vmon_report *r = calloc(1, sizeof(*r));
	const struct vmon_frame u = frame(0x401000, "spin", 0x4, "/bin/t", "t.c",
					  9, false);
	const struct vmon_frame k = frame(0xffffffff81000000, NULL, 0, NULL,
					  NULL, 0, false);
	struct vmon_event ev;

	r->n_tasks = 1;
	r->tasks = calloc(1, sizeof(*r->tasks));
	task_init(r->tasks, 1234, 1234, "t", 'R', 0,
		  VMON_TASK_F_WATCHED | VMON_TASK_F_ONCPU, NULL);
	r->tasks->user = frames(&u, 1);
	r->tasks->n_user = 1;
	r->tasks->kernel = frames(&k, 1);
	r->tasks->n_kernel = 1;
	r->n_procs = 1;
	r->procs = calloc(1, sizeof(*r->procs));
	r->procs->pid = 1234;
	r->procs->n_chain = 1;
	r->procs->chain = malloc(sizeof(*r->procs->chain));
	r->procs->chain[0] = ancestor(1234, "t", "./t \"q\"");
	ev = trigger(r);
	check_event("report json", &ev, FMT_JSON, TRIG
		    ",\"tasks\":[{\"pid\":1234,\"tid\":1234,\"comm\":\"t\",\"state\":\"R\","
		    "\"cpu\":0,\"flags\":[\"oncpu\",\"watched\"],\"cgroup\":null,"
		    "\"user_stack\":[{\"addr\":\"0x401000\",\"symbol\":\"spin\",\"offset\":4,"
		    "\"module\":\"/bin/t\",\"file\":\"t.c\",\"line\":9,\"inlined\":false}],"
		    "\"kernel_stack\":[{\"addr\":\"0xffffffff81000000\",\"symbol\":null,"
		    "\"offset\":0,\"module\":null}],\"unwind_error\":null}],"
		    "\"chain\":[{\"pid\":1234,\"comm\":\"t\",\"cmdline\":\"./t \\\"q\\\"\"}],"
		    "\"processes\":[],\"tasks_omitted\":0,\"incomplete\":false}\n");
	check_event("report folded unnamed kernel frame", &ev, FMT_FOLDED,
		    "t;spin;0xffffffff81000000_[k] 1\n");

	/* Nothing captured at all still says so, and ends the block. */
	vmon_report_free(r);
	ev.trigger.report = calloc(1, sizeof(*r));
	check_event("report text empty", &ev, FMT_TEXT,
		    HEADER "  (no tasks captured)\n\n");
	check_event("report folded empty", &ev, FMT_FOLDED, "");
	check_event("report json empty", &ev, FMT_JSON, TRIG
		    ",\"tasks\":[],\"chain\":[],\"processes\":[],\"tasks_omitted\":0,"
		    "\"incomplete\":false}\n");
	vmon_report_free(ev.trigger.report);

	/* No report: exactly as before reports existed; folded says nothing. */
	ev.trigger.report = NULL;
	check_event("trigger folded without report", &ev, FMT_FOLDED, "");
	check_event("trigger text without report", &ev, FMT_TEXT, HEADER);
}

static void test_round_trip(void)
{
	struct vmon_event ev = trigger(big_report()), back;
	char *json = NULL, *again = NULL, *text = NULL;

	CAPTURE(json, fmt_event(f, &ev, FMT_JSON, 0));
	vmon_report_free(ev.trigger.report);
	if (!read_event("round trip read", json, &back))
		goto out;
	CAPTURE(again, fmt_event(f, &back, FMT_JSON, 0));
	check_str("round trip json", again, json);
	CAPTURE(text, fmt_event(f, &back, FMT_TEXT, 0));
	check_str("round trip text", text, big_text);
	vmon_report_free(back.trigger.report);

	/* Unsigned extremes and a watch without report stay what they were. */
	ev = trigger(NULL);
	ev.trigger.is_signed = false;
	ev.trigger.len = 8;
	ev.trigger.value = UINT64_MAX;
	ev.trigger.threshold = 0x8000000000000000;
	free(json);
	CAPTURE(json, fmt_event(f, &ev, FMT_JSON, 0));
	if (read_event("round trip unsigned read", json, &back)) {
		check_u64("round trip unsigned value", back.trigger.value, UINT64_MAX);
		check("round trip no report", !back.trigger.report, "report made up");
		free(again);
		CAPTURE(again, fmt_event(f, &back, FMT_JSON, 0));
		check_str("round trip unsigned json", again, json);
	}
out:
	free(json);
	free(again);
	free(text);
}

/* A loadavg1 trigger as `--json` prints it, less the '}'. */
#define METRIC_TRIG "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"loadavg1\","	\
		"\"metric\":\"loadavg1\",\"value\":4.12,\"op\":\">\",\"threshold\":4.00,"	\
		"\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"	\
		"\"hits\":1,\"suppressed\":0,\"seq\":17"

#define METRIC_HEADER "2026-11-22T03:10:05.123456789Z watch 5 " \
		      "loadavg1: 4.12 > 4.00 (hit 1, 0 suppressed)\n"

/*
 * A metric watch watches no process: its report's processes all go under
 * "processes", none under "chain", and come back the same.
 */
static void test_metric_round_trip(void)
{
	struct vmon_event ev, back;
	char *json = NULL, *again = NULL, *text = NULL;
	const char *body;

	if (!read_event("metric read", METRIC_TRIG "}", &ev))
		return;
	check_int("metric read metric", ev.trigger.metric, VMON_METRIC_LOADAVG1);
	check_u64("metric read value", ev.trigger.value, 412);
	check_u64("metric read threshold", ev.trigger.threshold, 400);
	check_int("metric read no pid", ev.trigger.pid, 0);
	check_event("metric text", &ev, FMT_TEXT, METRIC_HEADER);

	ev.trigger.report = big_report();
	CAPTURE(json, fmt_event(f, &ev, FMT_JSON, 0));
	vmon_report_free(ev.trigger.report);
	check("metric json chain empty", strstr(json, ",\"chain\":[],\"processes\":"
						 "[{\"pid\":57,") != NULL, "%s", json);
	check("metric json processes has the target",
	      strstr(json, "{\"pid\":1234,\"chain\":[{\"pid\":1234,") != NULL,
	      "%s", json);
	check("metric json starts as without report",
	      !strncmp(json, METRIC_TRIG ",\"tasks\":[", strlen(METRIC_TRIG) + 10),
	      "%s", json);
	if (!read_event("metric round trip read", json, &back))
		goto out;
	check_int("metric round trip metric", back.trigger.metric,
		  VMON_METRIC_LOADAVG1);
	CAPTURE(again, fmt_event(f, &back, FMT_JSON, 0));
	check_str("metric round trip json", again, json);
	CAPTURE(text, fmt_event(f, &back, FMT_TEXT, 0));
	/* The task blocks are the memory watch's: only the header differs. */
	body = big_text + strlen(HEADER);
	check("metric round trip text header", !strncmp(text, METRIC_HEADER,
							 strlen(METRIC_HEADER)), "%s", text);
	check_str("metric round trip text body", text + strlen(METRIC_HEADER), body);
	vmon_report_free(back.trigger.report);

	/* Counts are whole numbers; extremes survive (no trip through double). */
	memset(&ev, 0, sizeof(ev));
	ev.type = VMON_EV_TRIGGER;
	ev.trigger.metric = VMON_METRIC_NR_RUNNING;
	ev.trigger.value = UINT64_MAX;
	ev.trigger.threshold = 7;
	ev.trigger.op = VMON_OP_NE;
	free(json);
	CAPTURE(json, fmt_event(f, &ev, FMT_JSON, 0));
	check("running json value", strstr(json, "\"value\":18446744073709551615,"
					   "\"op\":\"!=\",\"threshold\":7,") != NULL,
	      "%s", json);
	if (read_event("running round trip read", json, &back)) {
		check_u64("running round trip value", back.trigger.value, UINT64_MAX);
		check_int("running round trip metric", back.trigger.metric,
			  VMON_METRIC_NR_RUNNING);
	}
	ev.trigger.metric = VMON_METRIC_LOADAVG15;
	free(json);
	CAPTURE(json, fmt_event(f, &ev, FMT_JSON, 0));
	if (read_event("loadavg max round trip read", json, &back)) {
		check_u64("loadavg max round trip value", back.trigger.value, UINT64_MAX);
		check_u64("loadavg max round trip threshold", back.trigger.threshold, 7);
	}
out:
	free(json);
	free(again);
	free(text);
}

/*
 * The idle task's pid is 0, as is a metric trigger's: that process is
 * one of the others, not the watched one.
 */
static void test_metric_pid0(void)
{
	struct vmon_report *r = calloc(1, sizeof(*r));
	struct vmon_event ev;

	if (!read_event("metric pid 0 read", METRIC_TRIG "}", &ev))
		return;
	r->n_procs = 1;
	r->procs = calloc(1, sizeof(*r->procs));
	r->procs->n_chain = 1;
	r->procs->chain = malloc(sizeof(*r->procs->chain));
	r->procs->chain[0] = ancestor(0, "swapper/0", "");
	ev.trigger.report = r;
	check_event("metric pid 0 json", &ev, FMT_JSON, METRIC_TRIG
		    ",\"tasks\":[],\"chain\":[],\"processes\":[{\"pid\":0,\"chain\":"
		    "[{\"pid\":0,\"comm\":\"swapper/0\",\"cmdline\":\"\"}]}],"
		    "\"tasks_omitted\":0,\"incomplete\":false}\n");
	vmon_report_free(r);
}

/* Whole numbers where the unit has decimals: what a person might write. */
static void test_metric_lenient(void)
{
	struct vmon_event ev;

	if (read_event("metric integer value",
		       "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\","
		       "\"metric\":\"loadavg5\",\"value\":4,\"op\":\"<\",\"threshold\":1.5,"
		       "\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":1,"
		       "\"hits\":1,\"suppressed\":0,\"seq\":1}", &ev)) {
		check_u64("metric integer value scaled", ev.trigger.value, 400);
		check_u64("metric one decimal scaled", ev.trigger.threshold, 150);
	}
	if (read_event("metric gone read", "{\"type\":\"gone\",\"watch_id\":5,"
		       "\"metric\":\"running\",\"reason\":\"unload\"}", &ev)) {
		check_int("metric gone metric", ev.gone.metric, VMON_METRIC_NR_RUNNING);
		check_event("metric gone json back", &ev, FMT_JSON,
			    "{\"type\":\"gone\",\"watch_id\":5,\"metric\":\"running\","
			    "\"reason\":\"unload\"}\n");
		check_event("metric gone text", &ev, FMT_TEXT,
			    "watch 5 gone: vmon module unloaded\n");
	}
}

static void test_other_events(void)
{
	struct vmon_event ev;

	if (read_event("gone read", "{\"type\":\"gone\",\"watch_id\":3,\"pid\":9,"
		       "\"reason\":\"repin_failed\"}\r\n", &ev)) {
		check_event("gone text without time", &ev, FMT_TEXT,
			    "watch 3 gone: page moved and could not be pinned again\n");
		check_event("gone folded", &ev, FMT_FOLDED, "");
	}
	if (read_event("lost read", " {\"count\":4, \"type\":\"lost\"} ", &ev))
		check_event("lost text", &ev, FMT_TEXT, "lost 4 events\n");
}

static void bad_event(const char *name, const char *line, const char *want)
{
	char err[REPORT_ERR_MAX] = "";
	struct vmon_event ev;
	struct json_value v;

	if (!check(name, json_parse(line, strlen(line), &v, err) == 0,
		   "json_parse: %s", err))
		return;
	if (check(name, event_from_json(&v, &ev, err) < 0, "accepted"))
		check_str(name, err, want);
	json_free(&v);
}

static const struct bad_line {
	const char *name, *in, *want;
} bad_events[] = {
	{ "event not an object", "[1]", "expected an object, found an array" },
	{ "event type unknown", "{\"type\":\"tick\"}",
	  "type: unknown event type 'tick'" },
	{ "event type missing", "{\"count\":1}", "type: missing" },
	{ "lost count negative", "{\"type\":\"lost\",\"count\":-1}",
	  "count: out of range (0..18446744073709551615)" },
	{ "gone reason unknown",
	  "{\"type\":\"gone\",\"watch_id\":1,\"pid\":1,\"reason\":\"bored\"}",
	  "reason: unknown value 'bored'" },
	{ "trigger addr decimal",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1,\"addr\":\"16\"}",
	  "addr: '16' is not a 0x hex address" },
	{ "trigger len 3",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1,"
	  "\"addr\":\"0x10\",\"len\":3}", "len: not 1, 2, 4 or 8" },
	{ "trigger name too long",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":"
	  "\"0123456789012345678901234567890123\"}",
	  "name: longer than 31 bytes" },
	{ "trigger signed as string",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1,"
	  "\"addr\":\"0x10\",\"len\":4,\"signed\":\"yes\"}",
	  "signed: expected a boolean, found a string" },
	{ "trigger bad time",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1,"
	  "\"addr\":\"0x10\",\"len\":4,\"signed\":true,\"value\":-1,"
	  "\"op\":\">\",\"threshold\":0,\"time\":\"2026-11-22T03:10:05Z\"}",
	  "time: '2026-11-22T03:10:05Z' is not a time like 2026-11-22T03:10:05.123456789Z" },
	{ "trigger value out of signed range",
	  "{\"type\":\"trigger\",\"watch_id\":3,\"name\":\"\",\"pid\":1,"
	  "\"addr\":\"0x10\",\"len\":4,\"signed\":true,"
	  "\"value\":9223372036854775808}",
	  "value: out of range for a signed value" },
	{ "report task frame missing addr", TRIG ",\"tasks\":[{\"pid\":1,"
	  "\"tid\":1,\"comm\":\"a\",\"state\":\"S\",\"cpu\":0,\"flags\":[],"
	  "\"cgroup\":null,\"user_stack\":[{\"symbol\":null}]}]}",
	  "tasks[0].user_stack[0].addr: missing" },
	{ "report task not an object", TRIG ",\"tasks\":[7]}",
	  "tasks[0]: expected an object" },
	{ "report flag unknown", TRIG ",\"tasks\":[{\"pid\":1,"
	  "\"tid\":1,\"comm\":\"a\",\"state\":\"S\",\"cpu\":null,"
	  "\"flags\":[\"oncpu\",\"odd\"]}]}",
	  "tasks[0].flags: unknown flag at [1]" },
	{ "report chain entry", TRIG ",\"tasks\":[],\"chain\":[1],"
	  "\"processes\":[]}",
	  "chain[0]: expected an object" },
	{ "report processes missing", TRIG ",\"tasks\":[],\"chain\":[]}",
	  "processes: missing" },
	{ "metric unknown",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg7\"}",
	  "metric: unknown value 'loadavg7'" },
	{ "metric none", "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\","
	  "\"metric\":\"?\"}", "metric: unknown value '?'" },
	{ "metric value too fine",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg1\","
	  "\"value\":4.125}",
	  "value: '4.125' is not a number of 0 or more with at most 2 decimals (e.g. 4 or 0.5)" },
	{ "metric value exponent",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg1\","
	  "\"value\":4e2}",
	  "value: '4e2' is not a number of 0 or more with at most 2 decimals (e.g. 4 or 0.5)" },
	{ "metric count fraction",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"running\","
	  "\"value\":3.5}",
	  "value: '3.5' is not a whole number of 0 or more (e.g. 4)" },
	{ "metric value negative",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg1\","
	  "\"value\":-1}",
	  "value: out of range (0..184467440737095516)" },
	{ "metric value too large",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg1\","
	  "\"value\":184467440737095517}",
	  "value: out of range (0..184467440737095516)" },
	{ "metric value string",
	  "{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"\",\"metric\":\"loadavg1\","
	  "\"value\":\"4.12\"}",
	  "value: expected an integer, found a string" },
	{ "metric with a chain", METRIC_TRIG ",\"tasks\":[],\"chain\":[{\"pid\":1,"
	  "\"comm\":\"init\",\"cmdline\":\"\"}],\"processes\":[]}",
	  "chain: a metric watch watches no process: expected []" },
	{ "metric gone unknown",
	  "{\"type\":\"gone\",\"watch_id\":1,\"metric\":7,\"reason\":\"exit\"}",
	  "metric: expected a string, found an integer" },
};

static void test_bad_events(void)
{
	struct vmon_event ev;
	size_t i;

	if (read_event("minimal trigger", TRIG "}", &ev))
		check_u64("minimal trigger time", ev.trigger.time_real_ns,
			  1795317005123456789);
	for (i = 0; i < sizeof(bad_events) / sizeof(bad_events[0]); i++)
		bad_event(bad_events[i].name, bad_events[i].in,
			  bad_events[i].want);
}

static void json_ok(const char *name, const char *in, enum json_type type)
{
	char err[JSON_ERR_MAX] = "";
	struct json_value v;

	if (check(name, json_parse(in, strlen(in), &v, err) == 0, "%s", err)) {
		check_int(name, v.type, type);
		json_free(&v);
	}
}

static void json_bad(const char *name, const char *in, const char *want)
{
	char err[JSON_ERR_MAX] = "";
	struct json_value v;

	if (check(name, json_parse(in, strlen(in), &v, err) < 0, "accepted"))
		check_str(name, err, want);
}

static void json_string(const char *name, const char *in, const char *want)
{
	char err[JSON_ERR_MAX] = "";
	struct json_value v;

	if (!check(name, json_parse(in, strlen(in), &v, err) == 0, "%s", err))
		return;
	check_str(name, v.type == JSON_STRING ? v.s : "(not a string)", want);
	json_free(&v);
}

static void test_json_values(void)
{
	static const char nested[] = "{\"a\":[true,false,{\"b\":null}],\"c\":\"d\"}";
	char err[JSON_ERR_MAX] = "";
	const struct json_value *m;
	struct json_value v;

	json_ok("json null", " null ", JSON_NULL);
	json_ok("json zero", "0", JSON_INT);
	json_ok("json minus zero", "-0", JSON_INT);
	json_ok("json int64 max", "9223372036854775807", JSON_INT);
	json_ok("json uint64", "9223372036854775808", JSON_UINT);
	json_ok("json uint64 max", "18446744073709551615", JSON_UINT);
	json_ok("json above uint64", "18446744073709551616", JSON_DOUBLE);
	json_ok("json below int64", "-9223372036854775809", JSON_DOUBLE);
	json_ok("json fraction", "-1.5e-3", JSON_DOUBLE);
	json_ok("json empty array", "[ ]", JSON_ARRAY);
	json_ok("json empty object", "{}", JSON_OBJECT);

	if (check("json int64 min", json_parse("-9223372036854775808", 20, &v,
					       err) == 0, "%s", err))
		check("json int64 min", v.type == JSON_INT && v.i == INT64_MIN,
		      "got type %d", v.type);
	if (check("json uint64 value", json_parse("18446744073709551615", 20, &v,
						  err) == 0, "%s", err))
		check_u64("json uint64 value", v.u, UINT64_MAX);
	if (check("json nested", json_parse(nested, strlen(nested), &v, err) == 0,
		  "%s", err)) {
		m = json_get(&v, "a");
		check("json nested array", m && m->type == JSON_ARRAY &&
		      m->arr.n == 3 && m->arr.v[0].b && !m->arr.v[1].b &&
		      json_get(&m->arr.v[2], "b"), "wrong tree");
		m = json_get(&v, "c");
		check_str("json nested string", m ? m->s : NULL, "d");
		check("json missing key", !json_get(&v, "z"), "found");
		json_free(&v);
	}
	/* Bounded by length, not by a NUL: the rest of the buffer is not read. */
	if (check("json length bound", json_parse("[1]]", 3, &v, err) == 0,
		  "%s", err))
		json_free(&v);

	json_string("json escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
		    "\"\\/\b\f\n\r\t");
	json_string("json unicode escape", "\"caf\\u00e9 \\u20AC\"",
		    "caf\xc3\xa9 \xe2\x82\xac");
	json_string("json surrogate pair", "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
	json_string("json raw utf8", "\"t\xc2\xb5s\"", "t\xc2\xb5s");
	json_string("json del", "\"\x7f\"", "\x7f");
}

static const struct bad_line bad_json[] = {
	{ "json empty", "", "column 1: expected a value, found the end of the line" },
	{ "json blank", "  ", "column 3: expected a value, found the end of the line" },
	{ "json open object", "{", "column 2: expected a string key in an object, found the end of the line" },
	{ "json trailing comma array", "[1,]", "column 4: expected a value, found ']'" },
	{ "json trailing comma object", "{\"a\":1,}",
	  "column 8: expected a string key in an object, found '}'" },
	{ "json missing colon", "{\"a\" 1}",
	  "column 6: expected ':' after an object key, found '1'" },
	{ "json missing comma", "[1 2]",
	  "column 4: expected ',' or ']' in an array, found '2'" },
	{ "json two values", "1 2", "column 3: expected the end after the value, found '2'" },
	{ "json leading zero", "01", "column 1: leading zeros are not allowed" },
	{ "json bare fraction", "1.", "column 3: expected a digit after '.', found the end of the line" },
	{ "json lone minus", "-", "column 2: expected a digit, found the end of the line" },
	{ "json plus", "+1", "column 1: expected a value, found '+'" },
	{ "json bad exponent", "1e", "column 3: expected a digit in the exponent, found the end of the line" },
	{ "json truncated literal", "tru", "column 1: expected a value, found 't'" },
	{ "json single quotes", "'a'", "column 1: expected a value, found '''" },
	{ "json unknown escape", "\"\\x\"", "column 3: unknown escape after '\\', found 'x'" },
	{ "json short unicode", "\"\\u12\"", "column 6: expected 4 hex digits after \\u, found '\"'" },
	{ "json lone high surrogate", "\"\\ud800\"",
	  "column 8: high surrogate \\ud800 without its low half" },
	{ "json lone low surrogate", "\"\\udc00\"",
	  "column 8: lone low surrogate \\udc00" },
	{ "json nul escape", "\"\\u0000\"",
	  "column 8: \\u0000 is not allowed in a string" },
	{ "json raw newline", "\"a\nb\"",
	  "column 3: control character 0x0a in a string (escape it)" },
	{ "json invalid utf8", "\"a\xff\"",
	  "column 3: invalid UTF-8 byte 0xff in a string" },
	{ "json overlong utf8", "\"\xc0\x80\"",
	  "column 2: invalid UTF-8 byte 0xc0 in a string" },
	{ "json unterminated", "\"abc", "column 5: unterminated string" },
	{ "json duplicate key", "{\"a\":1,\"a\":2}",
	  "column 8: duplicate key \"a\"" },
	{ "json garbage byte", "\x01", "column 1: expected a value, found byte 0x01" },
};

static void test_json_errors(void)
{
	char deep[2 * JSON_DEPTH_MAX + 3];
	size_t i;

	for (i = 0; i < sizeof(bad_json) / sizeof(bad_json[0]); i++)
		json_bad(bad_json[i].name, bad_json[i].in, bad_json[i].want);


	/* JSON_DEPTH_MAX levels are fine; one more is refused. */
	for (i = 0; i < JSON_DEPTH_MAX; i++) {
		deep[i] = '[';
		deep[JSON_DEPTH_MAX + i] = ']';
	}
	deep[2 * JSON_DEPTH_MAX] = '\0';
	json_ok("json depth limit", deep, JSON_ARRAY);
	memmove(deep + 1, deep, 2 * JSON_DEPTH_MAX + 1);
	deep[0] = '[';
	strcat(deep, "]");
	json_bad("json too deep", deep, "column 33: nested deeper than 32 levels");
	/* Errors deep in a tree free what was built (valgrind checks). */
	json_bad("json error inside tree", "{\"a\":[\"x\",{\"b\":[1,\"y\"]}],\"c\":tru}",
		 "column 30: expected a value, found 't'");
}

static void bytes(const char *name, const char *in, uint64_t want)
{
	char err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;

	if (check(name, parse_bytes(in, UINT32_MAX, &v, err) == 0, "%s", err))
		check_u64(name, v, want);
}

static void test_parse_bytes(void)
{
	char err[PARSE_ERR_MAX] = "";
	uint64_t v;

	bytes("bytes plain", "16384", 16384);
	bytes("bytes K", "16K", 16384);
	bytes("bytes KiB", "64KiB", 65536);
	bytes("bytes zero", "0", 0);
	bytes("bytes max", "4194303K", 4294966272);
	check("bytes too large", parse_bytes("4194304K", UINT32_MAX, &v, err) < 0,
	      "accepted");
	check_str("bytes too large message", err,
		  "'4194304K' is not a size from 0 to 4294967295 bytes (or a number of K)");
	check("bytes lone suffix", parse_bytes("K", UINT32_MAX, &v, err) < 0,
	      "accepted");
	check("bytes MiB refused", parse_bytes("1M", UINT32_MAX, &v, err) < 0,
	      "accepted");
	check("bytes negative refused", parse_bytes("-1", UINT32_MAX, &v, err) < 0,
	      "accepted");
}

int main(void)
{
	test_big_report();
	test_small_report();
	test_round_trip();
	test_metric_round_trip();
	test_metric_pid0();
	test_metric_lenient();
	test_other_events();
	test_bad_events();
	test_json_values();
	test_json_errors();
	test_parse_bytes();
	return check_done();
}
