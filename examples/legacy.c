/*
 * legacy: code written for the original variable monitor, built against
 * vmon_compat.h: its calls are as the original's README shows them, only
 * the #include differs.  With vmon.ko loaded:
 *
 *	$ ./legacy
 *	pid=4242
 *	set 151                     <- typed: temp = 151 (watched > 150)
 *	ok set 151
 *	cancel                      <- typed: cancel_watch()
 *	ok cancel
 *
 * Its events go to the process's own handle, which this program does not
 * read (the original printed them to dmesg): 'sudo vmon listen' shows
 * them, 'vmon list --pid PID' counts the hits.  Commands come from stdin
 * until it closes (or argv[1] seconds pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vmon_compat.h>	/* was: #include "monitor_user.h" */

#include "commands.h"

int temp;
int temp2;
watch_arg watch_args;

int main(int argc, char **argv)
{
	int64_t deadline = example_start(argc, argv);
	char cmd[64];
	int v;

	/* As in the original's README: the macro, every 10 us... */
	if (START_WATCH_INT("temp", &temp, 150) < 0)
		goto failed;

	/* ...and a watch_arg, for control over the interval and the rest. */
	watch_args = (watch_arg){
		.task_id = getpid(),
		.ptr = &temp2,
		.name = "temp2",
		.length_byte = sizeof(int),
		.threshold = 150,
		.unsigned_flag = 0,
		.greater_flag = 1,
		.time_ns = 2000 + 5000
	};
	/* legacy [SECONDS [TIME_NS]]: another interval, for tests; else the README's 7 us. */
	if (argc > 2)
		watch_args.time_ns = strtoul(argv[2], NULL, 0);
	if (start_watch(watch_args) < 0)
		goto failed;

	while (example_command(cmd, sizeof(cmd), NULL, NULL, NULL, deadline) > 0) {
		if (sscanf(cmd, "set %d", &v) == 1) {
			temp = v;
		} else if (!strcmp(cmd, "cancel")) {
			cancel_watch();
		} else {
			printf("error: bad command '%s'\n", cmd);
			continue;
		}
		printf("ok %s\n", cmd);
	}
	cancel_watch();
	return 0;

failed:
	fprintf(stderr, "legacy: %s\n", vmon_compat_error());
	return 1;
}
