/*
 * vmon-vars: a variable of every kind `vmon watch --var` meets, each set
 * to a value the tests know, printed as "NAME=ADDRESS" lines, then
 * "pid=PID ready"; it exits when stdin closes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "vmon-vars.h"

int counter;
static unsigned short s_level;		/* vmon-vars2.c has one too */
enum mode { MODE_IDLE, MODE_RUN, MODE_STOP } mode;
enum small { SMALL_NEG = -1, SMALL_POS = 1 } small;
struct stats {
	int hits;
	long misses;
	struct {
		unsigned char flags;
	} inner;
} stats;
int arr[8];
short grid[3][4];
struct ring {
	int head;
	int slots[4];
} rings[2];
struct tagged {
	int kind;
	union {
		int i;
		unsigned char c;
	};
} tagged;
struct bits {
	unsigned int ready : 1;
	unsigned int level : 3;
	unsigned char whole;
} bits;
double temp_f;
const int constant = 3;
__thread int tls_var;
int *ptr;
long long big;
bool flag;
signed char sc;
uint64_t u64;
int dup_global;			/* libvmonvars.so defines one too: ours wins */
static int s_shared;		/* and a static of this name */

#define SHOW(name, addr) printf("%s=%p\n", name, (void *)(addr))

int main(void)
{
	char buf[64];
	int i, r;

	counter = 12345;
	s_level = 0xbeef;
	mode = MODE_STOP;
	small = SMALL_NEG;
	stats.hits = 7;
	stats.misses = -9;
	stats.inner.flags = 0xa5;
	for (i = 0; i < 8; i++)
		arr[i] = 100 + i;
	for (r = 0; r < 3; r++)
		for (i = 0; i < 4; i++)
			grid[r][i] = (short)(r * 10 + i);
	rings[1].slots[3] = 4321;
	tagged.kind = 1;
	tagged.c = 0x7e;
	bits.ready = 1;
	bits.level = 5;
	bits.whole = 0x42;
	temp_f = 36.6;
	tls_var = 77;
	ptr = &counter;
	big = -1234567890123LL;
	flag = true;
	sc = -5;
	u64 = 0xfedcba9876543210ULL;
	dup_global = 31;
	s_shared = 41;

	SHOW("counter", &counter);
	SHOW("s_level", &s_level);
	SHOW("mode", &mode);
	SHOW("small", &small);
	SHOW("stats", &stats);
	SHOW("stats.misses", &stats.misses);
	SHOW("stats.inner.flags", &stats.inner.flags);
	SHOW("arr", arr);
	SHOW("arr[5]", &arr[5]);
	SHOW("grid[2][3]", &grid[2][3]);
	SHOW("rings[1].slots[3]", &rings[1].slots[3]);
	SHOW("tagged.c", &tagged.c);
	SHOW("bits", &bits);
	SHOW("bits.whole", &bits.whole);
	SHOW("constant", &constant);
	SHOW("ptr", &ptr);
	SHOW("big", &big);
	SHOW("flag", &flag);
	SHOW("sc", &sc);
	SHOW("u64", &u64);
	SHOW("dup_global", &dup_global);
	SHOW("s_shared", &s_shared);
	vars2_report();
	vars_lib_report();
	printf("pid=%d ready\n", (int)getpid());
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
