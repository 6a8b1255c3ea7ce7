/* vmon-stack: a known call chain (one level inlined) ending asleep or spinning. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Tests find the lines of the chain by the "@name" markers on them, so
 * the file can change without breaking them.
 */

volatile int vmon_stack_value = 0;

/* Never set: it only keeps the compiler from proving the loops endless. */
static volatile int stop;
static volatile unsigned long spins;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static bool spin_mode;

/* The --thread thread: blocked in futex for good. */
static void *waiter(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!stop)
		pthread_cond_wait(&never, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

static __attribute__((noinline)) int level3(int x)
{
	struct timespec ts = { .tv_sec = 1 };

	vmon_stack_value = 151;
	if (spin_mode) {
		while (!stop)
			spins++; /* @spin */
		return x + (int)spins;
	}
	while (!stop)
		nanosleep(&ts, NULL); /* @sleep */
	return x + 1;
}

static inline __attribute__((always_inline)) int level2_inline(int x)
{
	return level3(x * 3) - x; /* @level3-call */
}

static __attribute__((noinline)) int level2(int x)
{
	return level2_inline(x + 2) * 5; /* @level2_inline-call */
}

static __attribute__((noinline)) int level1(int x)
{
	return level2(x + 1) + 7; /* @level2-call */
}

int main(int argc, char **argv)
{
	bool thread = false;
	pthread_t t;
	char line[64];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--thread"))
			thread = true;
		else if (!strcmp(argv[i], "spin"))
			spin_mode = true;
		else if (strcmp(argv[i], "sleep")) {
			fprintf(stderr, "usage: vmon-stack [sleep|spin] [--thread]\n");
			return 2;
		}
	}
	/* Before the pid line: a test can wait for the thread to block. */
	if (thread && pthread_create(&t, NULL, waiter, NULL)) {
		fprintf(stderr, "vmon-stack: pthread_create failed\n");
		return 1;
	}
	printf("pid=%d addr=0x%lx\n", (int)getpid(),
	       (unsigned long)&vmon_stack_value);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	return level1(argc) == 42; /* @level1-call */
}
