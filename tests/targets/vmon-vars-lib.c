/* libvmonvars.so: vmon-vars's library, with a variable of its own and two names it shares. */
#include <stdio.h>

#include "vmon-vars.h"

int lib_counter;
int dup_global;			/* the executable's definition takes its place */
static int s_shared;		/* vmon-vars has a static of this name too */

void vars_lib_report(void)
{
	lib_counter = 4242;
	s_shared = 42;
	printf("lib_counter=%p\n", (void *)&lib_counter);
	printf("lib_s_shared=%p\n", (void *)&s_shared);
	/* Where this library's own references to dup_global land. */
	printf("lib_dup_global=%p\n", (void *)&dup_global);
}
