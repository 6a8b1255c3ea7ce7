// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon names: comparison operators, reasons a watch ended, scopes, metrics, the version. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const op_names[] = {
	[VMON_OP_GT] = "gt", [VMON_OP_LT] = "lt", [VMON_OP_GE] = "ge",
	[VMON_OP_LE] = "le", [VMON_OP_EQ] = "eq", [VMON_OP_NE] = "ne",
};

static const char *const op_symbols[] = {
	[VMON_OP_GT] = ">", [VMON_OP_LT] = "<", [VMON_OP_GE] = ">=",
	[VMON_OP_LE] = "<=", [VMON_OP_EQ] = "==", [VMON_OP_NE] = "!=",
};

static const char *const gone_names[] = {
	[VMON_GONE_EXIT] = "exit",
	[VMON_GONE_EXEC] = "exec",
	[VMON_GONE_UNMAPPED] = "unmapped",
	[VMON_GONE_DISCARDED] = "discarded",
	[VMON_GONE_REPIN_FAILED] = "repin_failed",
	[VMON_GONE_UNLOAD] = "unload",
};

static const char *const scope_names[] = {
	[VMON_SCOPE_PROCESS] = "process",
	[VMON_SCOPE_SYSTEM] = "system",
	[VMON_SCOPE_NONE] = "none",
};

/* Also the option names of `vmon watch`: --loadavg1, --running... */
static const char *const metric_names[] = {
	[VMON_METRIC_LOADAVG1] = "loadavg1",
	[VMON_METRIC_LOADAVG5] = "loadavg5",
	[VMON_METRIC_LOADAVG15] = "loadavg15",
	[VMON_METRIC_NR_RUNNING] = "running",
	[VMON_METRIC_NR_UNINTERRUPTIBLE] = "uninterruptible",
};

/* Values from a newer kernel than we know get "?" rather than a crash. */
const char *vmon_op_name(enum vmon_op op)
{
	return (unsigned int)op <= VMON_OP_MAX ? op_names[op] : "?";
}

const char *vmon_op_symbol(enum vmon_op op)
{
	return (unsigned int)op <= VMON_OP_MAX ? op_symbols[op] : "?";
}

const char *vmon_gone_reason_name(enum vmon_gone_reason r)
{
	return (unsigned int)r <= VMON_GONE_MAX ? gone_names[r] : "unknown";
}

const char *vmon_scope_name(enum vmon_scope s)
{
	return (unsigned int)s <= VMON_SCOPE_MAX ? scope_names[s] : "?";
}

const char *vmon_metric_name(enum vmon_metric m)
{
	if (m == VMON_METRIC_NONE || (unsigned int)m > VMON_METRIC_MAX)
		return "?";
	return metric_names[m];
}

int vmon_metric_parse(const char *name, enum vmon_metric *m)
{
	unsigned int i;

	for (i = VMON_METRIC_NONE + 1; name && i <= VMON_METRIC_MAX; i++)
		if (!strcmp(name, metric_names[i])) {
			*m = (enum vmon_metric)i;
			return 0;
		}
	return -EINVAL;
}

/* The kernel's load averages are fixed point; it sends them in hundredths. */
unsigned int vmon_metric_scale(enum vmon_metric m)
{
	switch (m) {
	case VMON_METRIC_LOADAVG1:
	case VMON_METRIC_LOADAVG5:
	case VMON_METRIC_LOADAVG15:
		return 100;
	default:
		return 1;
	}
}

const char *vmon_version(void)
{
	return VMON_VERSION;
}
