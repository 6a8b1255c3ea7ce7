/* Unit tests for cli/parse.c: numbers, ranges, thresholds, metric values, durations, errors. */
#include <limits.h>

#include "check.h"
#include "parse.h"

static void u64_ok(const char *s, uint64_t want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_u64(s, 0, UINT64_MAX, &v, err);

	snprintf(name, sizeof(name), "u64 '%s'", s);
	if (check(name, r == 0, "refused: %s", err))
		check_u64(name, v, want);
}

static void u64_bad(const char *s, uint64_t min, uint64_t max, const char *want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_u64(s, min, max, &v, err);

	snprintf(name, sizeof(name), "u64 refuses '%s'", s);
	if (check(name, r < 0, "accepted as %" PRIu64, v) && want)
		check_str(name, err, want);
}

static void s64_ok(const char *s, int64_t want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	int64_t v = 0;
	int r = parse_s64(s, INT64_MIN, INT64_MAX, &v, err);

	snprintf(name, sizeof(name), "s64 '%s'", s);
	if (check(name, r == 0, "refused: %s", err))
		check(name, v == want, "got %" PRId64 ", want %" PRId64, v, want);
}

static void s64_bad(const char *s)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	int64_t v = 0;

	snprintf(name, sizeof(name), "s64 refuses '%s'", s);
	check(name, parse_s64(s, INT64_MIN, INT64_MAX, &v, err) < 0,
	      "accepted as %" PRId64, v);
}

static void thr_ok(const char *s, unsigned int len, bool sgn, uint64_t want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_threshold(s, len, sgn, &v, err);

	snprintf(name, sizeof(name), "threshold '%s' %c%u", s, sgn ? 's' : 'u',
		 len * 8);
	if (check(name, r == 0, "refused: %s", err))
		check_u64(name, v, want);
}

static void thr_bad(const char *s, unsigned int len, bool sgn, const char *want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_threshold(s, len, sgn, &v, err);

	snprintf(name, sizeof(name), "threshold refuses '%s' %c%u", s,
		 sgn ? 's' : 'u', len * 8);
	if (check(name, r < 0, "accepted as 0x%" PRIx64, v) && want)
		check_str(name, err, want);
}

static void scaled_ok(const char *s, unsigned int scale, uint64_t want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_scaled(s, scale, &v, err);

	snprintf(name, sizeof(name), "scaled '%s' /%u", s, scale);
	if (check(name, r == 0, "refused: %s", err))
		check_u64(name, v, want);
}

static void scaled_bad(const char *s, unsigned int scale, const char *want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_scaled(s, scale, &v, err);

	snprintf(name, sizeof(name), "scaled refuses '%s' /%u", s, scale);
	if (check(name, r < 0, "accepted as %" PRIu64, v) && want)
		check_str(name, err, want);
}

static void dur_ok(const char *s, uint64_t want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_duration(s, &v, err);

	snprintf(name, sizeof(name), "duration '%s'", s);
	if (check(name, r == 0, "refused: %s", err))
		check_u64(name, v, want);
}

static void dur_bad(const char *s, const char *want)
{
	char name[96], err[PARSE_ERR_MAX] = "";
	uint64_t v = 0;
	int r = parse_duration(s, &v, err);

	snprintf(name, sizeof(name), "duration refuses '%s'", s);
	if (check(name, r < 0, "accepted as %" PRIu64, v) && want)
		check_str(name, err, want);
}

static void test_numbers(void)
{
	char err[PARSE_ERR_MAX];
	unsigned int len = 0;
	pid_t pid = 0;

	u64_ok("0", 0);
	u64_ok("42", 42);
	u64_ok("0x2A", 42);
	u64_ok("0X2a", 42);
	u64_ok("010", 10);		/* not octal */
	u64_ok("0x7ffd1234", 0x7ffd1234);
	u64_ok("18446744073709551615", UINT64_MAX);
	u64_ok("0xffffffffffffffff", UINT64_MAX);
	u64_ok("-0", 0);
	u64_bad("18446744073709551616", 0, UINT64_MAX,
		"'18446744073709551616' is too large");
	u64_bad("0x10000000000000000", 0, UINT64_MAX, NULL);
	u64_bad("-1", 0, UINT64_MAX, "'-1' is out of range (0..18446744073709551615)");
	u64_bad("", 0, UINT64_MAX, "empty value");
	u64_bad("12x", 0, UINT64_MAX, "'12x' is not a number");
	u64_bad("0x", 0, UINT64_MAX, "'0x' is not a number");
	u64_bad(" 1", 0, UINT64_MAX, NULL);
	u64_bad("1 ", 0, UINT64_MAX, NULL);
	u64_bad("+1", 0, UINT64_MAX, NULL);
	u64_bad("-", 0, UINT64_MAX, NULL);
	u64_bad("1.5", 0, UINT64_MAX, NULL);
	u64_bad("0", 1, 10, "'0' is out of range (1..10)");
	u64_bad("11", 1, 10, "'11' is out of range (1..10)");

	s64_ok("-9223372036854775808", INT64_MIN);
	s64_ok("9223372036854775807", INT64_MAX);
	s64_ok("-0x10", -16);
	s64_ok("-1", -1);
	s64_bad("-9223372036854775809");
	s64_bad("9223372036854775808");
	s64_bad("--1");

	check("pid 1", parse_pid("1", &pid, err) == 0 && pid == 1, "%s", err);
	check("pid INT_MAX", parse_pid("2147483647", &pid, err) == 0 &&
	      pid == INT_MAX, "%s", err);
	check("pid refuses 0", parse_pid("0", &pid, err) < 0, "accepted");
	check("pid refuses 2^31", parse_pid("2147483648", &pid, err) < 0,
	      "accepted");
	check("pid refuses -1", parse_pid("-1", &pid, err) < 0, "accepted");

	check("len 1", parse_len("1", &len, err) == 0 && len == 1, "%s", err);
	check("len 2", parse_len("2", &len, err) == 0 && len == 2, "%s", err);
	check("len 4", parse_len("4", &len, err) == 0 && len == 4, "%s", err);
	check("len 8", parse_len("8", &len, err) == 0 && len == 8, "%s", err);
	check("len refuses 0", parse_len("0", &len, err) < 0, "accepted");
	check("len refuses 3", parse_len("3", &len, err) < 0, "accepted");
	check("len refuses 16", parse_len("16", &len, err) < 0, "accepted");
	check("len refuses x", parse_len("x", &len, err) < 0, "accepted");
	check_str("len message", err, "'x' is not 1, 2, 4 or 8");
}

static void test_thresholds(void)
{
	thr_ok("127", 1, true, 127);
	thr_ok("-128", 1, true, 0xffffffffffffff80);
	thr_bad("128", 1, true, "'128' is out of range for 1-byte signed (-128..127)");
	thr_bad("-129", 1, true, NULL);
	thr_ok("255", 1, false, 255);
	thr_bad("256", 1, false, "'256' is out of range for 1-byte unsigned (0..255)");
	thr_bad("-1", 1, false, "negative value '-1' with --unsigned");
	thr_ok("-0", 1, false, 0);

	/* Hex is the bit pattern of the watched size. */
	thr_ok("0x80", 1, true, 0xffffffffffffff80);
	thr_ok("0x7f", 1, true, 0x7f);
	thr_ok("0x80", 1, false, 0x80);
	thr_ok("0xff", 1, true, UINT64_MAX);
	thr_bad("0x100", 1, true, "'0x100' does not fit in 1 byte");
	thr_bad("0x100", 1, false, NULL);
	thr_ok("0x80000000", 4, true, 0xffffffff80000000);
	thr_ok("0x80000000", 4, false, 0x80000000);
	thr_ok("0xffffffffffffffff", 8, true, UINT64_MAX);
	thr_ok("-0x80", 1, true, 0xffffffffffffff80);
	thr_bad("-0x81", 1, true, NULL);
	thr_bad("-0x1", 1, false, NULL);

	thr_ok("32767", 2, true, 32767);
	thr_ok("-32768", 2, true, 0xffffffffffff8000);
	thr_bad("32768", 2, true, NULL);
	thr_ok("65535", 2, false, 65535);
	thr_ok("2147483647", 4, true, 2147483647);
	thr_ok("-2147483648", 4, true, 0xffffffff80000000);
	thr_bad("2147483648", 4, true, NULL);
	thr_ok("4294967295", 4, false, 4294967295u);
	thr_bad("4294967296", 4, false, NULL);
	thr_ok("-9223372036854775808", 8, true, 0x8000000000000000);
	thr_ok("9223372036854775807", 8, true, 0x7fffffffffffffff);
	thr_bad("9223372036854775808", 8, true, NULL);
	thr_ok("18446744073709551615", 8, false, UINT64_MAX);
	thr_bad("18446744073709551616", 8, false, NULL);
	thr_bad("abc", 4, true, "'abc' is not a number");
	thr_bad("", 4, true, "empty value");
	thr_bad("1", 3, true, "invalid length 3");
}

/* Load averages in hundredths, task counts whole. */
static void test_scaled(void)
{
	static const char two[] = "with at most 2 decimals (e.g. 4 or 0.5)";
	char want[PARSE_ERR_MAX];

	scaled_ok("4", 100, 400);
	scaled_ok("4.0", 100, 400);
	scaled_ok("4.25", 100, 425);
	scaled_ok("0.5", 100, 50);
	scaled_ok("0.05", 100, 5);
	scaled_ok("0", 100, 0);
	scaled_ok("04.5", 100, 450);		/* not octal */
	scaled_ok("184467440737095516.15", 100, UINT64_MAX);
	snprintf(want, sizeof(want), "'4.255' is not a number of 0 or more %s", two);
	scaled_bad("4.255", 100, want);
	snprintf(want, sizeof(want), "'4.250' is not a number of 0 or more %s", two);
	scaled_bad("4.250", 100, want);
	snprintf(want, sizeof(want), "'4.' is not a number of 0 or more %s", two);
	scaled_bad("4.", 100, want);
	snprintf(want, sizeof(want), "'abc' is not a number of 0 or more %s", two);
	scaled_bad("abc", 100, want);
	scaled_bad(".5", 100, NULL);
	scaled_bad("0x10", 100, NULL);
	scaled_bad("1e2", 100, NULL);
	scaled_bad("+4", 100, NULL);
	scaled_bad(" 4", 100, NULL);
	scaled_bad("4 ", 100, NULL);
	scaled_bad("4,5", 100, NULL);
	scaled_bad("-1", 100, "negative value '-1': give 0 or more");
	scaled_bad("-0.5", 100, "negative value '-0.5': give 0 or more");
	scaled_bad("", 100, "empty value");
	scaled_bad("184467440737095516.16", 100,
		   "'184467440737095516.16' is too large (at most 184467440737095516.15)");
	scaled_bad("184467440737095517", 100,
		   "'184467440737095517' is too large (at most 184467440737095516.15)");
	scaled_bad("99999999999999999999999", 100,
		   "'99999999999999999999999' is too large (at most 184467440737095516.15)");

	scaled_ok("0", 1, 0);
	scaled_ok("3", 1, 3);
	scaled_ok("18446744073709551615", 1, UINT64_MAX);
	scaled_bad("3.5", 1, "'3.5' is not a whole number of 0 or more (e.g. 4)");
	scaled_bad("3.0", 1, "'3.0' is not a whole number of 0 or more (e.g. 4)");
	scaled_bad("-3", 1, "negative value '-3': give 0 or more");
	scaled_bad("18446744073709551616", 1,
		   "'18446744073709551616' is too large (at most 18446744073709551615)");

	scaled_ok("2.5", 10, 25);
	scaled_bad("2.55", 10, NULL);
	scaled_bad("1", 0, "invalid scale 0");
	scaled_bad("1", 25, "invalid scale 25");
}

static void test_durations(void)
{
	dur_ok("0", 0);
	dur_ok("0ms", 0);
	dur_ok("0.0s", 0);
	dur_ok("1ns", 1);
	dur_ok("1us", 1000);
	dur_ok("1\xc2\xb5s", 1000);
	dur_ok("1ms", 1000000);
	dur_ok("1s", 1000000000);
	dur_ok("10s", 10000000000);
	dur_ok("1.5ms", 1500000);
	dur_ok("2.25us", 2250);
	dur_ok("0.000000001s", 1);
	dur_ok("1.0ns", 1);
	dur_ok("1.500000000s", 1500000000);
	dur_ok("250us", 250000);
	dur_ok("18446744073s", 18446744073000000000u);
	dur_ok("18446744073.709551615s", UINT64_MAX);
	dur_bad("5", "missing unit in '5' (ns, us, ms or s)");
	dur_bad("1.5", NULL);
	dur_bad("1.5ns", "'1.5ns' is finer than a nanosecond");
	dur_bad("0.0000000001s", NULL);
	dur_bad("-1ms", "negative duration '-1ms'");
	dur_bad("1.ms", NULL);
	dur_bad(".5ms", NULL);
	dur_bad("1m", "unknown unit in '1m' (ns, us, ms or s)");
	dur_bad("1 ms", NULL);
	dur_bad("1msx", NULL);
	dur_bad("ms", NULL);
	dur_bad("", "empty duration");
	dur_bad("18446744074s", "duration '18446744074s' is too long");
	dur_bad("18446744073.709551616s", NULL);
	dur_bad("0x10ms", NULL);
}

int main(void)
{
	test_numbers();
	test_thresholds();
	test_scaled();
	test_durations();
	return check_done();
}
