/*
 * vmon-losttest: an owner that stops reading loses events, and is told
 * exactly how many: with a tiny socket buffer, the triggers it receives
 * plus the losses reported must equal the watch's hit count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vmon.h>

static volatile int32_t x = 1;

struct tally {
	uint32_t id;
	uint64_t triggers, lost, last_hits;
};

static int on_event(const struct vmon_event *ev, void *arg)
{
	struct tally *t = arg;

	if (ev->type == VMON_EV_LOST)
		t->lost += ev->lost;
	else if (ev->type == VMON_EV_TRIGGER && ev->trigger.watch_id == t->id) {
		t->triggers++;
		t->last_hits = ev->trigger.hits;
	}
	return 0;
}

/* Read until 300 ms pass without an event. */
static void drain(struct vmon *h, struct tally *t)
{
	int r;

	do {
		uint64_t before = t->triggers + t->lost;

		r = vmon_listen(h, on_event, t, 300);
		if (r < 0) {
			fprintf(stderr, "vmon-losttest: listen: %s\n", vmon_errmsg(h));
			exit(1);
		}
		if (t->triggers + t->lost == before)
			break;
	} while (1);
}

int main(void)
{
	struct vmon_watch_spec s = {
		.pid = getpid(), .addr = (uintptr_t)&x, .len = sizeof(x),
		.is_signed = true, .op = VMON_OP_GT, .threshold = 0,
		.interval_ns = 1000000, .cooldown_ns = 0, .cooldown_set = true,
		.name = "losttest",
	};
	struct tally t = { 0 };
	int small = 2048, big = 1 << 20;
	struct vmon *h;

	if (vmon_open(&h) < 0 || vmon_watch_add(h, &s, &t.id) < 0) {
		fprintf(stderr, "vmon-losttest: %s\n", vmon_errmsg(h));
		return 1;
	}
	/* A few events fill it: the kernel's unicasts to us start failing. */
	if (setsockopt(vmon_fd(h), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) < 0) {
		perror("vmon-losttest: SO_RCVBUF");
		return 1;
	}
	sleep(2);		/* fires every 1 ms; we do not read */
	x = 0;
	drain(h, &t);
	/* Events with room for them: the first carries the losses not yet told. */
	if (setsockopt(vmon_fd(h), SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)) < 0) {
		perror("vmon-losttest: SO_RCVBUF");
		return 1;
	}
	x = 1;
	usleep(20000);
	x = 0;
	drain(h, &t);

	printf("triggers=%" PRIu64 " lost=%" PRIu64 " hits=%" PRIu64 "\n",
	       t.triggers, t.lost, t.last_hits);
	vmon_close(h);
	if (!t.lost || t.triggers + t.lost != t.last_hits) {
		fprintf(stderr, "vmon-losttest: received + lost != hits\n");
		return 1;
	}
	return 0;
}
