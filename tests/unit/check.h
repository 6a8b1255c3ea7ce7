/* Unit test helpers: one "PASS name" or "FAIL name: details" line per check. */
#ifndef VMON_UNIT_CHECK_H
#define VMON_UNIT_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

static inline bool check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline bool check(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
		return true;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	check_failures++;
	return false;
}

static inline bool check_str(const char *name, const char *got,
			     const char *want)
{
	if (!got)
		got = "(null)";
	return check(name, !strcmp(got, want), "got '%s', want '%s'", got, want);
}

static inline bool check_u64(const char *name, uint64_t got, uint64_t want)
{
	return check(name, got == want, "got %" PRIu64 " (0x%" PRIx64
		     "), want %" PRIu64 " (0x%" PRIx64 ")", got, got, want, want);
}

static inline bool check_int(const char *name, long long got, long long want)
{
	return check(name, got == want, "got %lld, want %lld", got, want);
}

/* Exit status for main(): nonzero when any check failed. */
static inline int check_done(void)
{
	fflush(stdout);
	return check_failures ? 1 : 0;
}

#endif /* VMON_UNIT_CHECK_H */
