// SPDX-License-Identifier: GPL-2.0-only
/* vmon watch --var: the expression resolved, and reconciled with --len and --unsigned. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "parse.h"

/*
 * With debug info the type decides length and sign, and an option that
 * says otherwise is a mistake, not an override: reading other bytes, or
 * a signed value as unsigned, is what --addr is for.
 */
static int reconcile(const char *cmd, const struct var_args *a,
		     const struct vmon_var *v, struct vmon_watch_spec *spec)
{
	if (!v->len) {
		if (!a->have_len)
			return usage_error(cmd, "no debug info for %s in %s: give "
					   "--len (1, 2, 4 or 8)", v->symbol,
					   v->object);
		if (v->symbol_size && spec->len > v->symbol_size - v->offset)
			return usage_error(cmd, "--len %u is more than %s's %" PRIu64
					   " bytes", spec->len, v->symbol,
					   v->symbol_size - v->offset);
		return RC_OK;
	}
	if (a->have_len && spec->len != v->len)
		return usage_error(cmd, "--len %u does not match %s, which is '%s' "
				   "(%u byte%s): drop --len, or read those bytes "
				   "with --addr %#" PRIx64 " --len %u", spec->len,
				   a->expr, v->type, v->len, v->len == 1 ? "" : "s",
				   v->addr, spec->len);
	if (a->unsigned_given && v->sign == VMON_SIGN_SIGNED)
		return usage_error(cmd, "%s is '%s', a signed type: drop "
				   "--unsigned, or compare its bits unsigned with "
				   "--addr %#" PRIx64 " --len %u --unsigned", a->expr,
				   v->type, v->addr, v->len);
	spec->len = v->len;
	spec->is_signed = v->sign != VMON_SIGN_UNSIGNED;
	return RC_OK;
}

/* The comparison's value, in the type's terms. */
static int threshold(const char *cmd, const struct var_args *a,
		     const struct vmon_var *v, struct vmon_watch_spec *spec)
{
	char err[PARSE_ERR_MAX];

	if (v->sign == VMON_SIGN_UNSIGNED && a->value[0] == '-')
		return usage_error(cmd, "--%s: %s is '%s', an unsigned type: "
				   "'%s' is below its range", a->op_opt, a->expr,
				   v->type, a->value);
	if (parse_threshold(a->value, spec->len, spec->is_signed,
			    &spec->threshold, err) < 0)
		return usage_error(cmd, "--%s: %s", a->op_opt, err);
	return RC_OK;
}

int watch_var(const char *cmd, const struct var_args *a,
	      struct vmon_watch_spec *spec, char name[VMON_NAME_MAX],
	      struct vmon_var **var)
{
	char err[4096];
	int rc;

	rc = vmon_resolve_var(spec->pid, a->expr, var, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "vmon: --var %s: %s\n", a->expr, err);
		return RC_FAIL;
	}
	rc = reconcile(cmd, a, *var, spec);
	if (!rc)
		rc = threshold(cmd, a, *var, spec);
	if (rc) {
		vmon_var_free(*var);
		*var = NULL;
		return rc;
	}
	spec->addr = (*var)->addr;
	/* Events and `vmon list` then say what is watched; long ones are cut. */
	if (!spec->name) {
		snprintf(name, VMON_NAME_MAX, "%s", a->expr);
		spec->name = name;
	}
	return RC_OK;
}
