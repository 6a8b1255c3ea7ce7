/*
 * hugetlb: the watched variable sits in a 2 MiB huge page (MAP_HUGETLB);
 * vmon pins and reads it as it would any page.  With vmon.ko loaded
 * and huge pages reserved (echo 4 > /proc/sys/vm/nr_hugepages):
 *
 *	$ ./hugetlb </dev/null
 *	pid=4242
 *	addr=0x7f5e1e603040 watch=5
 *	event watch=5 name=huge value=101 threshold=100 hits=1
 *
 * Then it stays until stdin closes (or argv[1] seconds pass), for a look
 * at /proc/PID/smaps.  Exits 77 when no huge page can be had.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <vmon.h>

#include "commands.h"

#define HUGE_2MB	(2UL << 20)
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif

static int on_event(const struct vmon_event *ev, void *arg)
{
	volatile int *level = arg;

	if (ev->type != VMON_EV_TRIGGER)
		return 0;
	*level = 0;
	printf("event watch=%" PRIu32 " name=%s value=%" PRId64
	       " threshold=%" PRId64 " hits=%" PRIu64 "\n",
	       ev->trigger.watch_id, ev->trigger.name,
	       (int64_t)ev->trigger.value, (int64_t)ev->trigger.threshold,
	       ev->trigger.hits);
	return 1;
}

int main(int argc, char **argv)
{
	int64_t deadline = example_start(argc, argv);
	volatile int *level;
	struct vmon *h;
	char cmd[64];
	uint32_t id;
	char *page;
	int r;

	/* 21 << MAP_HUGE_SHIFT: 2^21 bytes, whatever the default huge page size. */
	page = mmap(NULL, HUGE_2MB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (21 << MAP_HUGE_SHIFT),
		    -1, 0);
	if (page == MAP_FAILED) {
		if (errno == ENOMEM) {
			fprintf(stderr, "no huge pages: echo 4 > /proc/sys/vm/nr_hugepages\n");
			return 77;
		}
		if (errno == EINVAL) {
			fprintf(stderr, "no 2 MiB huge pages in this kernel (CONFIG_HUGETLBFS)\n");
			return 77;
		}
		perror("hugetlb: mmap");
		return 1;
	}
	/* Well inside the huge page, past its first 4 KiB: the offset matters too. */
	level = (volatile int *)(page + 3 * 4096 + 64);
	*level = 0;

	r = vmon_open(&h);
	if (r == 0)
		r = vmon_self_watch(h, "huge", level, sizeof(*level), VMON_OP_GT,
				    100, true, 0, &id);
	if (r < 0) {
		fprintf(stderr, "hugetlb: %s\n", vmon_errmsg(h));
		vmon_close(h);
		return 1;
	}
	printf("addr=%p watch=%" PRIu32 "\n", (void *)level, id);

	*level = 101;
	r = vmon_listen(h, on_event, (void *)level, 10000);
	if (r <= 0) {
		fprintf(stderr, "hugetlb: %s\n", r ? vmon_errmsg(h) : "no event within 10 s");
		vmon_close(h);
		return 1;
	}

	while (example_command(cmd, sizeof(cmd), NULL, NULL, NULL, deadline) > 0)
		printf("error: bad command '%s'\n", cmd);
	vmon_close(h);
	munmap(page, HUGE_2MB);
	return 0;
}
