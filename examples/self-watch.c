/*
 * self-watch: a program watches its own variable with libvmon and gets the
 * event itself.  With vmon.ko loaded (no need for root: a process may
 * always watch itself):
 *
 *	$ ./self-watch </dev/null
 *	pid=4242
 *	event watch=7 name=temp value=151 threshold=150 hits=1
 *
 * Then it reads commands from stdin until stdin closes (or argv[1]
 * seconds pass): "close" closes the handle, which ends the watch while the
 * program goes on; "exit" exits without closing it, which ends it too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <vmon.h>

#include "commands.h"

/* Global, so its address stays valid for as long as the watch. */
static volatile int temp = 20;

static int on_event(const struct vmon_event *ev, void *arg)
{
	(void)arg;
	if (ev->type != VMON_EV_TRIGGER)
		return 0;
	printf("event watch=%" PRIu32 " name=%s value=%" PRId64
	       " threshold=%" PRId64 " hits=%" PRIu64 "\n",
	       ev->trigger.watch_id, ev->trigger.name,
	       (int64_t)ev->trigger.value, (int64_t)ev->trigger.threshold,
	       ev->trigger.hits);
	return 1;	/* got it: vmon_listen() returns */
}

int main(int argc, char **argv)
{
	int64_t deadline = example_start(argc, argv);
	struct vmon *h;
	char cmd[64];
	int r;

	/* vmon line 1 of 3: a handle; the watch will belong to it. */
	r = vmon_open(&h);
	/* vmon line 2 of 3: temp > 150, checked at the module's default interval. */
	if (r == 0)
		r = VMON_WATCH_INT(h, "temp", &temp, 150);
	if (r < 0) {
		fprintf(stderr, "self-watch: %s\n", vmon_errmsg(h));
		vmon_close(h);
		return 1;
	}

	/* The module sees this at its next check and sends us the event. */
	temp = 151;
	r = vmon_listen(h, on_event, NULL, 10000);
	temp = 20;	/* or it fires again after the cooldown (5 s) */
	if (r <= 0) {
		fprintf(stderr, "self-watch: %s\n",
			r ? vmon_errmsg(h) : "no event within 10 s");
		vmon_close(h);
		return 1;
	}

	while (example_command(cmd, sizeof(cmd), NULL, NULL, NULL, deadline) > 0) {
		if (!strcmp(cmd, "close") && h) {
			vmon_close(h);
			h = NULL;
		} else if (!strcmp(cmd, "exit")) {
			exit(0);	/* the kernel drops the watch with the socket */
		} else {
			printf("error: bad command '%s'\n", cmd);
			continue;
		}
		printf("ok %s\n", cmd);
	}
	/* vmon line 3 of 3: closing the handle ends its watches. */
	vmon_close(h);
	return 0;
}
