/* vmon-fuzz: xorshift64* from a printed seed, so a run can be replayed (--seed). */
#include "fuzz.h"

static uint64_t state = 0x9e3779b97f4a7c15ULL;

void rng_seed(uint64_t seed)
{
	state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t rng(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

uint32_t rng_below(uint32_t n)
{
	return n ? (uint32_t)((rng() >> 32) % n) : 0;
}

bool rng_chance(uint32_t one_in)
{
	return rng_below(one_in) == 0;
}
