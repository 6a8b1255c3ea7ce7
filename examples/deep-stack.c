/*
 * deep-stack: a call chain twelve functions deep (some static, two inlined)
 * ends waiting for an event of its own watch; the event's report shows
 * every level, innermost first.  With vmon.ko loaded:
 *
 *	$ ./deep-stack </dev/null
 *	pid=4242
 *	event watch=3 name=depth value=101 threshold=100 hits=1
 *	frame 0 __poll poll.c:...              (libc: asleep in poll)
 *	frame 1 vmon_listen event.c:...
 *	frame 2 level12 deep-stack.c:...
 *	...
 *	frame 6 level8 [inlined] deep-stack.c:...
 *	frame 7 level7 deep-stack.c:...
 *	...
 *	frame 14 main deep-stack.c:...
 *
 * Built -O0 -g (examples.mk) so that no call becomes a jump; the unwinder
 * needs no frame pointers, only the CFI every build has.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <vmon.h>

#include "commands.h"

static volatile int depth;
static atomic_bool waiting;	/* level12 is about to block in vmon_listen() */

int level1(struct vmon *h);
int level5(struct vmon *h);
int level10(struct vmon *h);

static void print_frames(const struct vmon_report *r)
{
	size_t i, j;

	for (i = 0; i < r->n_tasks; i++) {
		const struct vmon_task *t = &r->tasks[i];

		/* The main thread is the one down the chain. */
		if (t->tid != getpid())
			continue;
		for (j = 0; j < t->n_user; j++) {
			const struct vmon_frame *f = &t->user[j];
			const char *file = f->file ? strrchr(f->file, '/') : NULL;

			printf("frame %zu %s%s %s:%u\n", j,
			       f->symbol ? f->symbol : "??",
			       f->inlined ? " [inlined]" : "",
			       file ? file + 1 : f->file ? f->file : "?", f->line);
		}
		if (t->unwind_error)
			printf("unwind stopped: %s\n", t->unwind_error);
	}
}

static int on_event(const struct vmon_event *ev, void *arg)
{
	(void)arg;
	if (ev->type != VMON_EV_TRIGGER)
		return 0;
	depth = 0;	/* one event is enough */
	printf("event watch=%" PRIu32 " name=%s value=%" PRId64
	       " threshold=%" PRId64 " hits=%" PRIu64 "\n",
	       ev->trigger.watch_id, ev->trigger.name,
	       (int64_t)ev->trigger.value, (int64_t)ev->trigger.threshold,
	       ev->trigger.hits);
	if (ev->trigger.report)
		print_frames(ev->trigger.report);
	else
		printf("no report\n");
	return 1;
}

/* The bottom: wait here for the event, so here is where the report finds us. */
static int level12(struct vmon *h)
{
	atomic_store(&waiting, true);
	return vmon_listen(h, on_event, NULL, 10000);
}

static int level11(struct vmon *h) { return level12(h); }
int level10(struct vmon *h) { return level11(h); }
static int level9(struct vmon *h) { return level10(h); }
/* Inlined: the report shows it as "[inlined]" at the same address as level7. */
static inline __attribute__((always_inline)) int level8(struct vmon *h) { return level9(h); }
static int level7(struct vmon *h) { return level8(h); }
static int level6(struct vmon *h) { return level7(h); }
int level5(struct vmon *h) { return level6(h); }
static inline __attribute__((always_inline)) int level4(struct vmon *h) { return level5(h); }
static int level3(struct vmon *h) { return level4(h); }
static int level2(struct vmon *h) { return level3(h); }
int level1(struct vmon *h) { return level2(h); }

/*
 * Raise the variable from another thread once the chain is blocked: the
 * kernel then finds the main thread asleep at the bottom of the chain,
 * with exact registers (a thread running on another CPU has only stale ones).
 */
static void *raiser(void *arg)
{
	struct timespec tick = { .tv_nsec = 10 * 1000000 };
	struct timespec settle = { .tv_nsec = 200 * 1000000 };

	while (!atomic_load(&waiting))
		nanosleep(&tick, NULL);
	nanosleep(&settle, NULL);
	depth = 101;
	return arg;
}

int main(int argc, char **argv)
{
	int64_t deadline = example_start(argc, argv);
	struct vmon *h;
	pthread_t t;
	char cmd[64];
	int r;

	r = vmon_open(&h);
	if (r == 0)
		r = VMON_WATCH_INT(h, "depth", &depth, 100);
	if (r < 0) {
		fprintf(stderr, "deep-stack: %s\n", vmon_errmsg(h));
		vmon_close(h);
		return 1;
	}
	r = pthread_create(&t, NULL, raiser, NULL);
	if (r) {
		fprintf(stderr, "deep-stack: pthread_create: %s\n", strerror(r));
		vmon_close(h);
		return 1;
	}
	r = level1(h);
	pthread_join(t, NULL);
	if (r <= 0) {
		fprintf(stderr, "deep-stack: %s\n", r ? vmon_errmsg(h) : "no event within 10 s");
		vmon_close(h);
		return 1;
	}

	/* Stay until stdin closes, for whoever wants to look at us meanwhile. */
	while (example_command(cmd, sizeof(cmd), NULL, NULL, NULL, deadline) > 0)
		printf("error: bad command '%s'\n", cmd);
	vmon_close(h);
	return 0;
}
