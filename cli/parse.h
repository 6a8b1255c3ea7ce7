/* SPDX-License-Identifier: GPL-2.0-only */
/* vmon CLI argument parsing: numbers, thresholds, durations, with checked ranges. */
#ifndef VMON_CLI_PARSE_H
#define VMON_CLI_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Every parser returns 0, or -1 with a reason in err (PARSE_ERR_MAX bytes)
 * that names the offending text, e.g. "'300' is out of range (0..255)".
 *
 * Numbers are decimal or 0x/0X hexadecimal; leading zeros do not mean
 * octal.  No spaces, no '+'.
 */
#define PARSE_ERR_MAX	128

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
	      char *err);
int parse_s64(const char *s, int64_t min, int64_t max, int64_t *out,
	      char *err);
int parse_pid(const char *s, pid_t *out, char *err);
int parse_len(const char *s, unsigned int *out, char *err);

/*
 * A threshold for a len-byte value, returned as raw 64-bit bits (sign-
 * extended when is_signed).  Decimal values must be in the type's range.
 * Hexadecimal values are bit patterns of the watched size: 0x80 with
 * len 1 signed means -128, and may not have more than len * 8 bits.  A
 * minus sign always means a negative number, refused when !is_signed.
 */
int parse_threshold(const char *s, unsigned int len, bool is_signed,
		    uint64_t *raw, char *err);

/*
 * A fixed-point value in units of 1/scale (scale 1, 10, 100...): a
 * non-negative decimal with at most as many decimals as scale has zeros,
 * so with scale 100 "4", "4.0", "4.25" and "0.5" are 400, 400, 425 and
 * 50, while "4.255", "4.", ".5", "-1" and hexadecimal are refused; with
 * scale 1 a whole number.
 */
int parse_scaled(const char *s, unsigned int scale, uint64_t *out, char *err);

/*
 * A size in bytes: a number, or a number of KiB with a "K" or "KiB"
 * suffix ("16K" is 16384), at most max bytes.
 */
int parse_bytes(const char *s, uint64_t max, uint64_t *out, char *err);

/*
 * A duration: a number with a unit (ns, us, ms, s; "µs" for us), with an
 * optional fraction ("1.5ms") that must come to whole nanoseconds.  A bare
 * number is refused as ambiguous, except "0".
 */
int parse_duration(const char *s, uint64_t *ns, char *err);

#endif /* VMON_CLI_PARSE_H */
