/* vmon-vars, second file: a static with the same name as one in vmon-vars.c. */
#include <stdio.h>

#include "vmon-vars.h"

static unsigned short s_level;

void vars2_report(void)
{
	s_level = 0xcafe;
	printf("s_level2=%p\n", (void *)&s_level);
}
