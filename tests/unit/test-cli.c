/* Unit tests for what `vmon watch` refuses of a metric watch, and `vmon report` of saved metric events, without a kernel. */
#include <string.h>

#include "check.h"
#include "run_vmon.h"

/* Exit status want_rc, and says somewhere in what vmon printed. */
static void cli(const char *name, char *const *args, int want_rc,
		const char *says)
{
	check_vmon("cli", name, args, want_rc, says);
}

static void test_watch_refusals(void)
{
	cli("two metrics", ARGS("watch", "--loadavg1", "--running", "--gt", "4"), 2,
	    "vmon watch: give one metric, not --loadavg1 and --running");
	cli("metric with pid", ARGS("watch", "--loadavg5", "--pid", "1", "--gt", "4"), 2,
	    "vmon watch: --pid: a metric watch (--loadavg5) reads no process "
	    "memory: drop --pid");
	cli("metric with addr", ARGS("watch", "--loadavg15", "--addr", "0x10",
				     "--len", "4", "--gt", "4"), 2,
	    "--addr: a metric watch (--loadavg15) reads no process memory");
	cli("metric with len", ARGS("watch", "--running", "--len", "4", "--gt", "4"), 2,
	    "--len: a metric watch (--running) reads no process memory");
	cli("metric with var", ARGS("watch", "--uninterruptible", "--var", "x",
				    "--gt", "4"), 2,
	    "--var: a metric watch (--uninterruptible) reads no process memory");
	cli("metric with unsigned", ARGS("watch", "--running", "-u", "--gt", "4"), 2,
	    "--unsigned: a metric watch (--running) reads no process memory");
	cli("metric with scope process", ARGS("watch", "--loadavg1", "--scope",
					      "process", "--gt", "4"), 2,
	    "--scope process: a metric watch (--loadavg1) has no process: use "
	    "system (the default) or none");
	cli("metric without comparison", ARGS("watch", "--loadavg1"), 2,
	    "a comparison is required");
	cli("neither pid nor metric", ARGS("watch", "--gt", "4"), 2,
	    "--pid (or a metric such as --loadavg1) is required");
	cli("loadavg three decimals", ARGS("watch", "--loadavg1", "--gt", "4.255"), 2,
	    "vmon watch: --gt: '4.255' is not a number of 0 or more with at most "
	    "2 decimals (e.g. 4 or 0.5)");
	cli("loadavg negative", ARGS("watch", "--loadavg1", "--lt", "-1"), 2,
	    "--lt: negative value '-1': give 0 or more");
	cli("loadavg hex", ARGS("watch", "--loadavg1", "--eq", "0x10"), 2,
	    "--eq: '0x10' is not a number of 0 or more");
	cli("loadavg too large", ARGS("watch", "--loadavg1", "--ge",
				      "184467440737095516.16"), 2,
	    "is too large (at most 184467440737095516.15)");
	cli("running fraction", ARGS("watch", "--running", "--ne", "2.5"), 2,
	    "--ne: '2.5' is not a whole number of 0 or more (e.g. 4)");
	cli("metric folded scope none", ARGS("watch", "--running", "--gt", "2",
					     "--scope", "none", "--folded"), 2,
	    "--scope none takes none");
}

static void test_watch_accepted(void)
{
	char out[16384];	/* the whole help: a pipe cut short kills the writer */
	int rc;

	/* Accepted: then the kernel is asked (no module on a host: status 3). */
	rc = run_vmon(ARGS("watch", "--loadavg1", "--gt", "4.5", "--scope", "none",
			   "--timeout", "1ms"), NULL, out, sizeof(out));
	check("cli:metric accepted", rc == 3 ||
	      (rc == 0 && strstr(out, "watching loadavg1 > 4.50 as watch ")),
	      "exit %d: %s", rc, out);
	rc = run_vmon_out(ARGS("help", "watch"), NULL, true, out, sizeof(out));
	check("cli:help names the metrics", rc == 0 &&
	      strstr(out, "--loadavg1, --loadavg5, --loadavg15") &&
	      strstr(out, "--running") && strstr(out, "--uninterruptible") &&
	      strstr(out, "10ms for a metric") && strstr(out, "20s for a metric"),
	      "exit %d: %s", rc, out);
}

static const char saved[] =
	"{\"type\":\"trigger\",\"watch_id\":5,\"name\":\"loadavg1\",\"metric\":\"loadavg1\","
	"\"value\":4.12,\"op\":\">\",\"threshold\":4.00,"
	"\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	"\"hits\":1,\"suppressed\":0,\"seq\":17,"
	"\"tasks\":[{\"pid\":57,\"tid\":57,\"comm\":\"kworker/0:1\",\"state\":\"D\","
	"\"cpu\":0,\"flags\":[\"kthread\"],\"cgroup\":\"/\",\"user_stack\":[],"
	"\"kernel_stack\":[{\"addr\":\"0xffffffffc0a01010\",\"symbol\":\"ext4_writepages\","
	"\"offset\":272,\"module\":\"ext4\"}],\"unwind_error\":null}],\"chain\":[],"
	"\"processes\":[{\"pid\":57,\"chain\":[{\"pid\":57,\"comm\":\"kworker/0:1\","
	"\"cmdline\":\"\"}]}],\"tasks_omitted\":0,\"incomplete\":false}\n"
	"{\"type\":\"trigger\",\"watch_id\":6,\"name\":\"running\",\"metric\":\"running\","
	"\"value\":12,\"op\":\">=\",\"threshold\":8,"
	"\"time\":\"2026-11-22T03:10:05.123456789Z\",\"mono_ns\":5000000001,"
	"\"hits\":3,\"suppressed\":41,\"seq\":18}\n"
	"{\"type\":\"gone\",\"watch_id\":6,\"metric\":\"running\",\"reason\":\"unload\"}\n";

static void test_report(void)
{
	char path[] = "/tmp/vmon-test-cli-XXXXXX";
	char out[4096];
	int fd = mkstemp(path), rc;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!check("cli:report file", f && fputs(saved, f) >= 0 && fclose(f) == 0,
		   "cannot write %s", path))
		return;
	rc = run_vmon_out(ARGS("report", path), NULL, true, out, sizeof(out));
	check_int("cli:report metric exit", rc, 0);
	check_str("cli:report metric text", out,
		  "2026-11-22T03:10:05.123456789Z watch 5 loadavg1: "
		  "4.12 > 4.00 (hit 1, 0 suppressed)\n"
		  "  ## pid 57  tid 57  comm kworker/0:1  state D  cpu 0  cgroup /  (kernel thread)\n"
		  "  #@  0xffffffffc0a01010  ext4_writepages+0x110    [ext4]\n"
		  "  #*  kworker/0:1\n"
		  "  #^  57  kworker/0:1\n"
		  "\n"
		  "2026-11-22T03:10:05.123456789Z watch 6 running: "
		  "12 >= 8 (hit 3, 41 suppressed)\n"
		  "watch 6 gone: vmon module unloaded\n");
	rc = run_vmon_out(ARGS("report", "--folded", path), NULL, false, out,
			  sizeof(out));
	check_int("cli:report metric folded exit", rc, 0);
	check_str("cli:report metric folded stderr", out,
		  "watch 6 gone: vmon module unloaded\n");
	unlink(path);
}

int main(void)
{
	test_watch_refusals();
	test_watch_accepted();
	test_report();
	return check_done();
}
