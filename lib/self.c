// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon self watches: a program watching its own variables by address. */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "internal.h"

/*
 * A threshold outside the variable's range can never be crossed (or is
 * crossed at once): that is a mistake in the call, such as -1 for an
 * unsigned variable, not a watch anyone wants.
 */
static bool threshold_fits(uint64_t t, size_t len, bool is_signed)
{
	unsigned int bits = (unsigned int)len * 8;
	int64_t lim;

	if (bits == 64)
		return true;
	if (!is_signed)
		return t < (UINT64_C(1) << bits);
	lim = INT64_C(1) << (bits - 1);
	return (int64_t)t >= -lim && (int64_t)t < lim;
}

int vmon_self_watch(struct vmon *h, const char *name, const volatile void *ptr,
		    size_t len, enum vmon_op op, uint64_t threshold,
		    bool is_signed, uint64_t interval_ns, uint32_t *id)
{
	struct vmon_watch_spec spec = {
		.addr = (uintptr_t)ptr,
		.is_signed = is_signed,
		.op = op,
		.threshold = threshold,
		.interval_ns = interval_ns,
		.name = name,
	};

	/* The arguments first: they are wrong whether or not the module is there. */
	if (!h)
		return -EINVAL;
	if (!ptr)
		return vmon__seterr(h, -EINVAL, "no variable: the address is NULL");
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return vmon__seterr(h, -EINVAL,
				    "invalid length %zu (must be 1, 2, 4 or 8)",
				    len);
	if (!threshold_fits(threshold, len, is_signed)) {
		if (is_signed)
			return vmon__seterr(h, -ERANGE,
					    "threshold %" PRId64 " does not fit a signed %zu-byte variable",
					    (int64_t)threshold, len);
		return vmon__seterr(h, -ERANGE,
				    "threshold %" PRIu64 " does not fit an unsigned %zu-byte variable",
				    threshold, len);
	}
	spec.pid = getpid();
	spec.len = (unsigned int)len;
	return vmon_watch_add(h, &spec, id);
}
