/* vmon-libtest: libvmon end to end on the program's own variable; --bad-len shows a refusal. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vmon.h>

static volatile int32_t x;

struct seen {
	uint32_t id;
	int triggers;			/* trigger events of our watch */
	struct vmon_trigger last;
	int found;			/* vmon_dump: our watch listed */
	struct vmon_watch_info info;
};

static void fail(struct vmon *h, const char *what, int err)
{
	fprintf(stderr, "vmon-libtest: %s: %s\n", what,
		h ? vmon_errmsg(h) : strerror(-err));
	exit(1);
}

static int on_event(const struct vmon_event *ev, void *arg)
{
	struct seen *s = arg;

	if (ev->type == VMON_EV_GONE && ev->gone.watch_id == s->id) {
		fprintf(stderr, "vmon-libtest: watch gone: %s\n",
			vmon_gone_reason_name(ev->gone.reason));
		exit(1);
	}
	if (ev->type != VMON_EV_TRIGGER || ev->trigger.watch_id != s->id)
		return 0;
	s->triggers++;
	s->last = ev->trigger;
	return 1;
}

static int on_watch(const struct vmon_watch_info *w, void *arg)
{
	struct seen *s = arg;

	if (w->id == s->id) {
		s->found++;
		s->info = *w;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The kernel (not only the CLI) must refuse a length of 3. */
static int bad_len(struct vmon *h)
{
	struct vmon_watch_spec spec = {
		.pid = getpid(), .addr = (uintptr_t)&x, .len = 3,
		.is_signed = true, .op = VMON_OP_GT, .threshold = 10,
	};
	uint32_t id;
	int r = vmon_watch_add(h, &spec, &id);

	if (r == 0) {
		fprintf(stderr, "vmon-libtest: a watch of length 3 was accepted (id %u)\n", id);
		return 1;
	}
	printf("refused: %s (%s)\n", vmon_errmsg(h), strerror(-r));
	return 0;
}

int main(int argc, char **argv)
{
	struct vmon_watch_spec spec = {
		.pid = getpid(), .addr = (uintptr_t)&x, .len = 4, .is_signed = true,
		.op = VMON_OP_GT, .threshold = 10, .interval_ns = 1000000,
		.cooldown_ns = 100000000, .cooldown_set = true, .name = "libtest",
	};
	struct seen s = { 0 };
	struct vmon *h = NULL;
	struct pollfd pfd;
	uint64_t deadline;
	int r;

	r = vmon_open(&h);
	if (r < 0)
		fail(h, "vmon_open", r);
	if (argc == 2 && !strcmp(argv[1], "--bad-len"))
		return bad_len(h);

	r = vmon_watch_add(h, &spec, &s.id);
	if (r < 0)
		fail(h, "vmon_watch_add", r);

	r = vmon_dump(h, on_watch, &s);
	if (r < 0)
		fail(h, "vmon_dump", r);
	if (s.found != 1 || s.info.pid != getpid() || s.info.addr != (uintptr_t)&x ||
	    s.info.len != 4 || !s.info.is_signed || s.info.op != VMON_OP_GT ||
	    s.info.threshold != 10 || s.info.interval_ns != 1000000 ||
	    s.info.detached || s.info.owner_portid == 0 || strcmp(s.info.name, "libtest")) {
		fprintf(stderr, "vmon-libtest: vmon_dump: watch %u listed %d times or wrong\n",
			s.id, s.found);
		return 1;
	}

	/* x = 0 is not > 10: nothing may arrive for a while. */
	r = vmon_listen(h, on_event, &s, 200);
	if (r < 0)
		fail(h, "vmon_listen", r);
	if (s.triggers) {
		fprintf(stderr, "vmon-libtest: triggered with x = 0\n");
		return 1;
	}

	x = 11;
	r = vmon_listen(h, on_event, &s, 5000);
	if (r < 0)
		fail(h, "vmon_listen", r);
	if (r == 0) {
		fprintf(stderr, "vmon-libtest: no event within 5 s of x = 11\n");
		return 1;
	}
	printf("event value=%" PRId64 " hits=%" PRIu64 "\n",
	       (int64_t)s.last.value, s.last.hits);

	/* x stays 11, so the next event comes after the 100 ms cooldown. */
	pfd.fd = vmon_fd(h);
	pfd.events = POLLIN;
	deadline = now_ms() + 5000;
	while (s.triggers < 2 && now_ms() < deadline) {
		r = poll(&pfd, 1, (int)(deadline - now_ms()));
		if (r < 0 && errno != EINTR)
			fail(NULL, "poll", -errno);
		if (r > 0 && (r = vmon_process(h, on_event, &s)) < 0)
			fail(h, "vmon_process", r);
	}
	if (s.triggers < 2) {
		fprintf(stderr, "vmon-libtest: no second event through poll + vmon_process\n");
		return 1;
	}
	printf("poll event value=%" PRId64 " hits=%" PRIu64 " suppressed=%" PRIu64 "\n",
	       (int64_t)s.last.value, s.last.hits, s.last.suppressed);

	r = vmon_watch_del(h, s.id);
	if (r < 0)
		fail(h, "vmon_watch_del", r);
	s.found = 0;
	r = vmon_dump(h, on_watch, &s);
	if (r < 0)
		fail(h, "vmon_dump", r);
	if (s.found) {
		fprintf(stderr, "vmon-libtest: watch %u still listed after vmon_watch_del\n", s.id);
		return 1;
	}
	vmon_close(h);
	printf("ok\n");
	return 0;
}
