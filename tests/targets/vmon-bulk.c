/* vmon-bulk: add COUNT detached len-4 "> THRESHOLD" watches at BASE + i * STRIDE in PID, quickly. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vmon.h>

static uint64_t number(const char *s, const char *what)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (end == s || *end) {
		fprintf(stderr, "vmon-bulk: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct vmon_watch_spec spec = {
		.len = 4, .is_signed = true, .op = VMON_OP_GT, .threshold = 1000000,
		.detached = true, .name = "bulk",
	};
	uint64_t base, stride, count, i;
	struct timespec t0, t1;
	struct vmon *h = NULL;
	uint32_t id;
	int r;

	if (argc != 6 && argc != 7) {
		fputs("usage: vmon-bulk PID BASE STRIDE COUNT INTERVAL_NS [THRESHOLD]\n"
		      "prints: added=N ms=T\n", stderr);
		return 2;
	}
	spec.pid = (pid_t)number(argv[1], "pid");
	base = number(argv[2], "base");
	stride = number(argv[3], "stride");
	count = number(argv[4], "count");
	spec.interval_ns = number(argv[5], "interval");
	if (argc == 7)
		spec.threshold = number(argv[6], "threshold");

	r = vmon_open(&h);
	if (r < 0) {
		fprintf(stderr, "vmon-bulk: %s\n", h ? vmon_errmsg(h) : "vmon_open failed");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		spec.addr = base + i * stride;
		r = vmon_watch_add(h, &spec, &id);
		if (r < 0)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("added=%" PRIu64 " ms=%" PRId64 "\n", i,
	       (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	if (i < count)
		fprintf(stderr, "vmon-bulk: watch %" PRIu64 ": %s\n", i, vmon_errmsg(h));
	vmon_close(h);
	return i < count;
}
