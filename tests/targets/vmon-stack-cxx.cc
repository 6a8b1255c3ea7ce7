// vmon-stack-cxx: vmon-stack's chain through a namespace and a class template.
#include <cstdio>
#include <ctime>
#include <unistd.h>

// Tests find the lines of the chain by the "@name" markers on them.

volatile int vmon_stack_value = 0;

namespace ns {

// Never set: it only keeps the compiler from proving the loop endless.
static volatile int stop;

__attribute__((noinline)) int level3(int x)
{
	struct timespec ts = {};

	ts.tv_sec = 1;
	vmon_stack_value = 151;
	while (!stop)
		nanosleep(&ts, nullptr); /* @sleep */
	return x + 1;
}

template <typename T> struct Chain {
	static inline __attribute__((always_inline)) T level2_inline(T x)
	{
		return level3(x * 3) - x; /* @level3-call */
	}

	static __attribute__((noinline)) T level2(T x)
	{
		return level2_inline(x + 2) * 5; /* @level2_inline-call */
	}
};

__attribute__((noinline)) int level1(int x)
{
	return Chain<int>::level2(x + 1) + 7; /* @level2-call */
}

} // namespace ns

int main(int argc, char **)
{
	char line[64];

	std::printf("pid=%d addr=0x%lx\n", (int)getpid(),
		    (unsigned long)&vmon_stack_value);
	std::fflush(stdout);
	if (!std::fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	return ns::level1(argc) == 42; /* @level1-call */
}
