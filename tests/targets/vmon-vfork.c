/* vmon-vfork: a process blocked in uninterruptible sleep (D) for a while: a vfork parent. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { .tv_sec = argc > 1 ? atoi(argv[1]) : 60 };

	printf("pid=%d\n", (int)getpid());
	fflush(stdout);
	/*
	 * The parent waits in the kernel (TASK_KILLABLE, which counts as D
	 * and toward the load) until the child execs or exits.  The child
	 * may only make raw system calls: it shares the parent's memory.
	 */
	if (vfork() == 0) {
		syscall(SYS_nanosleep, &ts, NULL);
		_exit(0);
	}
	return 0;
}
