/*
 * many-vars: one program watches 2049 of its own int variables, the
 * original tool's stress case, each with its own threshold (v0 > 1000,
 * v1 > 1001, ... v2048 > 3048).  With vmon.ko loaded:
 *
 *	$ ./many-vars
 *	pid=4242
 *	watches=2049
 *	set 7 5000                  <- typed: v7 = 5000
 *	ok set 7 5000
 *	event watch=19 name=v7 value=5000 threshold=1007 hits=1
 *
 * "set I V" sets variable I to V; events print as they come, until stdin
 * closes (or argv[1] seconds pass).  The watches poll at the module's
 * default interval: 'vmon config default_interval 20ms' first makes 2049
 * of them lighter on a slow machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <vmon.h>

#include "commands.h"

#define NVARS		2049
#define THRESHOLD(i)	(1000 + (i))

static volatile int vars[NVARS];

static int on_event(const struct vmon_event *ev, void *arg)
{
	(void)arg;
	if (ev->type == VMON_EV_TRIGGER)
		printf("event watch=%" PRIu32 " name=%s value=%" PRId64
		       " threshold=%" PRId64 " hits=%" PRIu64 "\n",
		       ev->trigger.watch_id, ev->trigger.name,
		       (int64_t)ev->trigger.value,
		       (int64_t)ev->trigger.threshold, ev->trigger.hits);
	else if (ev->type == VMON_EV_LOST)
		printf("lost %" PRIu64 "\n", ev->lost);
	return 0;
}

int main(int argc, char **argv)
{
	int64_t deadline = example_start(argc, argv);
	struct vmon *h;
	char cmd[64], name[16];
	int i, v, r;

	r = vmon_open(&h);
	for (i = 0; r == 0 && i < NVARS; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		r = VMON_WATCH_INT(h, name, &vars[i], THRESHOLD(i));
	}
	if (r < 0) {
		fprintf(stderr, "many-vars: %s\n", vmon_errmsg(h));
		vmon_close(h);
		return 1;
	}
	printf("watches=%d\n", NVARS);

	while ((r = example_command(cmd, sizeof(cmd), h, on_event, NULL, deadline)) > 0) {
		if (sscanf(cmd, "set %d %d", &i, &v) == 2 && i >= 0 && i < NVARS) {
			vars[i] = v;
			printf("ok %s\n", cmd);
		} else {
			printf("error: bad command '%s'\n", cmd);
		}
	}
	if (r < 0)
		fprintf(stderr, "many-vars: %s\n", vmon_errmsg(h));
	vmon_close(h);
	return r < 0;
}
