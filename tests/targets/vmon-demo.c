/* vmon-demo: a "temperature" that climbs by one every 20 ms from 100, for `make demo`. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

volatile int32_t temperature = 100;

int main(void)
{
	const struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };

	printf("pid=%d addr=0x%" PRIxPTR " len=%zu\n", (int)getpid(),
	       (uintptr_t)&temperature, sizeof(temperature));
	fflush(stdout);
	for (;;) {
		nanosleep(&tick, NULL);
		temperature++;
	}
}
