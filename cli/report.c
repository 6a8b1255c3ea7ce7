// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI trigger reports: what the printers and the reader share. */
#include <string.h>

#include "report.h"

const char *path_base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

const char *task_flag_name(unsigned int bit)
{
	static const char *const names[] = { "kthread", "oncpu", "watched",
						     "kstack_withheld" };

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}
