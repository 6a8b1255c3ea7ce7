// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI argument parsing: numbers, thresholds, durations, with checked ranges. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static int fail(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, PARSE_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Quote at most this much of the user's text in messages. */
#define Q	"'%.40s'"

struct number {
	bool neg;
	bool hex;
	uint64_t mag;	/* magnitude */
};

static int digit(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Our own scanner rather than strtoull(): that one skips spaces, accepts
 * '+', silently wraps "-1" to UINT64_MAX and treats "010" as octal.
 */
static int scan(const char *s, struct number *n, char *err)
{
	const char *p = s;
	unsigned int base = 10;
	int d;

	memset(n, 0, sizeof(*n));
	if (!*p)
		return fail(err, "empty value");
	if (*p == '-') {
		n->neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		n->hex = true;
		base = 16;
		p += 2;
	}
	if (!*p)
		return fail(err, Q " is not a number", s);
	for (; *p; p++) {
		d = digit(*p, n->hex);
		if (d < 0)
			return fail(err, Q " is not a number", s);
		if (n->mag > (UINT64_MAX - (uint64_t)d) / base)
			return fail(err, Q " is too large", s);
		n->mag = n->mag * base + (uint64_t)d;
	}
	return 0;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      char *err)
{
	struct number n;

	if (scan(s, &n, err) < 0)
		return -1;
	if ((n.neg && n.mag) || n.mag < min || n.mag > max)
		return fail(err, Q " is out of range (%llu..%llu)", s,
			    (unsigned long long)min, (unsigned long long)max);
	*out = n.mag;
	return 0;
}

int parse_s64(const char *s, int64_t min, int64_t max, int64_t *out,
	      char *err)
{
	struct number n;
	int64_t v;

	if (scan(s, &n, err) < 0)
		return -1;
	/* -2^63 is the one magnitude that only fits when negative. */
	if (n.mag > (uint64_t)INT64_MAX + n.neg)
		goto range;
	if (n.neg)
		v = n.mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n.mag;
	else
		v = (int64_t)n.mag;
	if (v < min || v > max)
		goto range;
	*out = v;
	return 0;
range:
	return fail(err, Q " is out of range (%lld..%lld)", s, (long long)min,
		    (long long)max);
}

int parse_pid(const char *s, pid_t *out, char *err)
{
	uint64_t v = 0;

	if (parse_u64(s, 1, INT_MAX, &v, err) < 0)
		return -1;
	*out = (pid_t)v;
	return 0;
}

int parse_len(const char *s, unsigned int *out, char *err)
{
	uint64_t v = 0;

	if (parse_u64(s, 1, 8, &v, err) < 0 || (v & (v - 1)))
		return fail(err, Q " is not 1, 2, 4 or 8", s);
	*out = (unsigned int)v;
	return 0;
}

int parse_threshold(const char *s, unsigned int len, bool is_signed,
		    uint64_t *raw, char *err)
{
	unsigned int bits = len * 8;
	uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	const char *type = is_signed ? "signed" : "unsigned";
	struct number n;
	int64_t v;

	if (len != 1 && len != 2 && len != 4 && len != 8)
		return fail(err, "invalid length %u", len);
	if (scan(s, &n, err) < 0)
		return -1;
	if (n.neg && n.mag && !is_signed)
		return fail(err, "negative value " Q " with --unsigned", s);

	/* Hex is the bit pattern of the watched bytes. */
	if (n.hex && !n.neg) {
		if (n.mag > umax)
			return fail(err, Q " does not fit in %u byte%s", s, len,
				    len == 1 ? "" : "s");
		*raw = n.mag;
		if (is_signed && bits < 64 && (n.mag >> (bits - 1)))
			*raw |= ~umax;		/* sign-extend */
		return 0;
	}

	if (!is_signed) {
		if (n.mag > umax)
			return fail(err, Q " is out of range for %u-byte %s (0..%llu)",
				    s, len, type, (unsigned long long)umax);
		*raw = n.mag;
		return 0;
	}
	{
		int64_t smax = (int64_t)(umax >> 1);
		int64_t smin = -smax - 1;

		if (parse_s64(s, smin, smax, &v, err) < 0)
			return fail(err, Q " is out of range for %u-byte %s (%lld..%lld)",
				    s, len, type, (long long)smin, (long long)smax);
		*raw = (uint64_t)v;
	}
	return 0;
}

/* "a whole number" or "a number with at most 2 decimals", for messages. */
static int scaled_fail(char *err, const char *s, unsigned int decimals)
{
	if (!decimals)
		return fail(err, Q " is not a whole number of 0 or more (e.g. 4)", s);
	return fail(err, Q " is not a number of 0 or more with at most %u decimal%s "
		    "(e.g. 4 or 0.5)", s, decimals, decimals == 1 ? "" : "s");
}

static int scaled_too_large(char *err, const char *s, unsigned int scale,
			    unsigned int decimals)
{
	if (!decimals)
		return fail(err, Q " is too large (at most %llu)", s,
			    (unsigned long long)UINT64_MAX);
	return fail(err, Q " is too large (at most %llu.%0*llu)", s,
		    (unsigned long long)(UINT64_MAX / scale), (int)decimals,
		    (unsigned long long)(UINT64_MAX % scale));
}

int parse_scaled(const char *s, unsigned int scale, uint64_t *out, char *err)
{
	unsigned int decimals = 0, n = 0, i;
	uint64_t whole = 0, frac = 0, unit;
	const char *p = s;

	for (unit = scale; unit >= 10 && unit % 10 == 0; unit /= 10)
		decimals++;
	if (!scale || unit != 1)
		return fail(err, "invalid scale %u", scale);
	if (!*s)
		return fail(err, "empty value");
	if (*s == '-')
		return fail(err, "negative value " Q ": give 0 or more", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');

		if (whole > (UINT64_MAX - d) / 10)
			return scaled_too_large(err, s, scale, decimals);
		whole = whole * 10 + d;
	}
	if (p == s)
		return scaled_fail(err, s, decimals);
	if (*p == '.' && decimals) {
		for (p++; *p >= '0' && *p <= '9' && n < decimals; p++, n++)
			frac = frac * 10 + (uint64_t)(*p - '0');
		if (!n)
			return scaled_fail(err, s, decimals);
	}
	if (*p)
		return scaled_fail(err, s, decimals);
	for (i = n; i < decimals; i++)
		frac *= 10;
	if (whole > (UINT64_MAX - frac) / scale)
		return scaled_too_large(err, s, scale, decimals);
	*out = whole * scale + frac;
	return 0;
}

int parse_bytes(const char *s, uint64_t max, uint64_t *out, char *err)
{
	static const char *const kib[] = { "KiB", "K" };
	char num[32];
	size_t len = strlen(s), i, n;
	uint64_t scale = 1, v = 0;

	for (i = 0; i < sizeof(kib) / sizeof(kib[0]); i++) {
		n = strlen(kib[i]);
		if (len > n && !strcmp(s + len - n, kib[i])) {
			scale = 1024;
			len -= n;
			break;
		}
	}
	if (len >= sizeof(num))
		return fail(err, Q " is too large", s);
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_u64(num, 0, max / scale, &v, err) < 0)
		return fail(err, Q " is not a size from 0 to %llu bytes (or a number of K)",
			    s, (unsigned long long)max);
	*out = v * scale;
	if (*out > max)
		return fail(err, Q " is more than %llu bytes", s,
			    (unsigned long long)max);
	return 0;
}

static const struct {
	const char *suffix;
	uint64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },	/* µs */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
};

int parse_duration(const char *s, uint64_t *ns, char *err)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0, unit = 0, scale;
	const char *frac_start = NULL;
	size_t i;

	if (!*s)
		return fail(err, "empty duration");
	if (*s == '-')
		return fail(err, "negative duration " Q, s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return fail(err, "duration " Q " is too long", s);
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return fail(err, Q " is not a duration (e.g. 500us, 1.5ms, 2s)", s);
	if (*p == '.') {
		frac_start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == frac_start)
			return fail(err, Q " is not a duration (e.g. 500us, 1.5ms, 2s)", s);
	}
	if (!*p) {
		/* Nanoseconds or seconds?  Only zero is the same in every unit. */
		if (whole == 0 && !frac_start) {
			*ns = 0;
			return 0;
		}
		return fail(err, "missing unit in " Q " (ns, us, ms or s)", s);
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].suffix))
			unit = units[i].ns;
	if (!unit)
		return fail(err, "unknown unit in " Q " (ns, us, ms or s)", s);

	if (frac_start) {
		scale = unit;
		for (p = frac_start; *p >= '0' && *p <= '9'; p++) {
			uint64_t d = (uint64_t)(*p - '0');

			if (scale % 10) {
				if (d)
					return fail(err, Q " is finer than a nanosecond", s);
				continue;
			}
			scale /= 10;
			frac += d * scale;
		}
	}
	if (whole > (UINT64_MAX - frac) / unit)
		return fail(err, "duration " Q " is too long", s);
	*ns = whole * unit + frac;
	return 0;
}
