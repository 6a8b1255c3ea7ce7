// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon names: comparison operators, reasons a watch ended, scopes, the version. */
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

const char *vmon_version(void)
{
	return VMON_VERSION;
}
