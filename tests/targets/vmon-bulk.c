/*
 * vmon-bulk: add COUNT detached len-4 "> THRESHOLD" watches at BASE + i * STRIDE
 * in PID, quickly.  --owned: watches owned by this process's socket (no
 * CAP_SYS_ADMIN needed); --hold: keep the socket until a signal ends the
 * process; --step NS: watch i polls every INTERVAL_NS + i * NS; --delete:
 * then delete them one by one, and print "deleted=N del_ms=T" too.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	struct vmon_watch_spec spec = {
		.len = 4, .is_signed = true, .op = VMON_OP_GT, .threshold = 1000000,
		.detached = true, .name = "bulk",
	};
	uint64_t base, stride, count, i;
	uint64_t interval, step = 0;
	int owned = 0, hold = 0, del = 0;
	uint32_t *ids = NULL;
	struct timespec t0, t1;
	struct vmon *h = NULL;
	uint32_t id;
	int r;

	while (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-') {
		if (!strcmp(argv[1], "--owned"))
			owned = 1;
		else if (!strcmp(argv[1], "--hold"))
			hold = 1;
		else if (!strcmp(argv[1], "--delete"))
			del = 1;
		else if (!strcmp(argv[1], "--step") && argc > 2)
			step = number((++argv)[1], "step"), argc--;
		else
			break;
		argv++;
		argc--;
	}
	spec.detached = !owned;
	if (argc != 6 && argc != 7) {
		fputs("usage: vmon-bulk [--owned] [--hold] [--delete] [--step NS] PID BASE STRIDE COUNT INTERVAL_NS [THRESHOLD]\n"
		      "prints: added=N ms=T (and deleted=N del_ms=T)\n", stderr);
		return 2;
	}
	spec.pid = (pid_t)number(argv[1], "pid");
	base = number(argv[2], "base");
	stride = number(argv[3], "stride");
	count = number(argv[4], "count");
	interval = number(argv[5], "interval");
	if (argc == 7)
		spec.threshold = number(argv[6], "threshold");

	ids = calloc(count ? count : 1, sizeof(*ids));
	if (!ids) {
		fputs("vmon-bulk: out of memory\n", stderr);
		return 1;
	}
	r = vmon_open(&h);
	if (r < 0) {
		fprintf(stderr, "vmon-bulk: %s\n", h ? vmon_errmsg(h) : "vmon_open failed");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		spec.addr = base + i * stride;
		spec.interval_ns = interval + i * step;
		r = vmon_watch_add(h, &spec, &id);
		if (r < 0)
			break;
		ids[i] = id;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("added=%" PRIu64 " ms=%" PRId64 "\n", i, ms_between(&t0, &t1));
	if (i < count)
		fprintf(stderr, "vmon-bulk: watch %" PRIu64 ": %s\n", i, vmon_errmsg(h));
	else if (del) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < count && vmon_watch_del(h, ids[i]) == 0; i++)
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("deleted=%" PRIu64 " del_ms=%" PRId64 "\n", i, ms_between(&t0, &t1));
		if (i < count)
			fprintf(stderr, "vmon-bulk: delete %" PRIu64 ": %s\n", i, vmon_errmsg(h));
	}
	fflush(stdout);
	fflush(stderr);
	while (hold)
		pause();
	vmon_close(h);
	free(ids);
	return i < count;
}
