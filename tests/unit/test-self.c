/* Unit tests for watching one's own variables: vmon_self_watch(), its macros, and vmon_compat.h, without the module. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "check.h"
#include "vmon.h"
#include "vmon_compat.h"

/*
 * Linked with -Wl,--wrap for both: while capturing, a call's arguments are
 * recorded and not passed on, so the macros can be checked for what they
 * send without a kernel; otherwise the real function runs.
 */
int __wrap_vmon_self_watch(struct vmon *h, const char *name,
			   const volatile void *ptr, size_t len, enum vmon_op op,
			   uint64_t threshold, bool is_signed,
			   uint64_t interval_ns, uint32_t *id);
int __real_vmon_self_watch(struct vmon *h, const char *name,
			   const volatile void *ptr, size_t len, enum vmon_op op,
			   uint64_t threshold, bool is_signed,
			   uint64_t interval_ns, uint32_t *id);
int __wrap_vmon_compat_start(const watch_arg *arg);
int __real_vmon_compat_start(const watch_arg *arg);

static bool capturing;
static struct {
	const char *name;
	const volatile void *ptr;
	size_t len;
	enum vmon_op op;
	uint64_t threshold;
	bool is_signed;
	uint64_t interval_ns;
	int calls;
} got;
static watch_arg got_arg;

int __wrap_vmon_self_watch(struct vmon *h, const char *name,
			   const volatile void *ptr, size_t len, enum vmon_op op,
			   uint64_t threshold, bool is_signed,
			   uint64_t interval_ns, uint32_t *id)
{
	if (!capturing)
		return __real_vmon_self_watch(h, name, ptr, len, op, threshold,
					      is_signed, interval_ns, id);
	got.name = name;
	got.ptr = ptr;
	got.len = len;
	got.op = op;
	got.threshold = threshold;
	got.is_signed = is_signed;
	got.interval_ns = interval_ns;
	got.calls++;
	return 0;
}

int __wrap_vmon_compat_start(const watch_arg *arg)
{
	if (!capturing)
		return __real_vmon_compat_start(arg);
	got_arg = *arg;
	got.calls++;
	return 0;
}

/* The original's field names and types, at the original's x86-64 offsets. */
#define FIELD_TYPE(f, T) _Generic(((watch_arg *)0)->f, T: 1, default: 0)
_Static_assert(FIELD_TYPE(task_id, pid_t), "watch_arg.task_id is a pid_t");
_Static_assert(_Generic(&((watch_arg *)0)->name, char (*)[MAX_NAME_LEN + 1]: 1, default: 0),
	       "watch_arg.name is a char[MAX_NAME_LEN + 1]");
_Static_assert(FIELD_TYPE(ptr, void *), "watch_arg.ptr is a void *");
_Static_assert(FIELD_TYPE(length_byte, int), "watch_arg.length_byte is an int");
_Static_assert(FIELD_TYPE(threshold, long long), "watch_arg.threshold is a long long");
_Static_assert(FIELD_TYPE(unsigned_flag, unsigned char), "watch_arg.unsigned_flag is an unsigned char");
_Static_assert(FIELD_TYPE(greater_flag, unsigned char), "watch_arg.greater_flag is an unsigned char");
_Static_assert(FIELD_TYPE(time_ns, unsigned long), "watch_arg.time_ns is an unsigned long");
_Static_assert(MAX_NAME_LEN == 15, "MAX_NAME_LEN is the original's 15");

static void test_layout(void)
{
#if defined(__x86_64__)
	check_int("layout:task_id", offsetof(watch_arg, task_id), 0);
	check_int("layout:name", offsetof(watch_arg, name), 4);
	check_int("layout:ptr", offsetof(watch_arg, ptr), 24);
	check_int("layout:length_byte", offsetof(watch_arg, length_byte), 32);
	check_int("layout:threshold", offsetof(watch_arg, threshold), 40);
	check_int("layout:unsigned_flag", offsetof(watch_arg, unsigned_flag), 48);
	check_int("layout:greater_flag", offsetof(watch_arg, greater_flag), 49);
	check_int("layout:time_ns", offsetof(watch_arg, time_ns), 56);
	check_int("layout:size", sizeof(watch_arg), 64);
#else
	printf("SKIP layout: the original's offsets are x86-64's\n");
#endif
}

static volatile char c;
static volatile unsigned char uc;
static volatile short s;
static volatile unsigned short us;
static volatile int i32;
static volatile unsigned int u32;
static volatile long l;
static volatile unsigned long ul;
static volatile long long ll;
static volatile unsigned long long ull;

/* One macro's call as vmon_self_watch() received it. */
static void expect(const char *what, const volatile void *ptr, size_t len,
		   enum vmon_op op, uint64_t threshold, bool is_signed)
{
	check(what, got.calls == 1 && got.ptr == ptr && got.len == len &&
	      got.op == op && got.threshold == threshold &&
	      got.is_signed == is_signed && got.interval_ns == 0 &&
	      got.name && !strcmp(got.name, "n"),
	      "calls %d ptr %p/%p len %zu op %d threshold 0x%" PRIx64
	      " signed %d interval %" PRIu64 " name %s", got.calls,
	      (const void *)got.ptr, (const void *)ptr, got.len, (int)got.op,
	      got.threshold, (int)got.is_signed, got.interval_ns,
	      got.name ? got.name : "(null)");
	got.calls = 0;
}

static void test_watch_macros(void)
{
	struct vmon *h = (struct vmon *)&got;	/* never used: captured */

	capturing = true;
	check_int("macro:returns", VMON_WATCH_INT(h, "n", &i32, 150), 0);
	got.calls = 0;
	VMON_WATCH_CHAR(h, "n", &c, -5);
	expect("macro:char", &c, 1, VMON_OP_GT, (uint64_t)-5, CHAR_MIN < 0);
	VMON_WATCH_CHAR_LESS(h, "n", &c, 7);
	expect("macro:char_less", &c, 1, VMON_OP_LT, 7, CHAR_MIN < 0);
	VMON_WATCH_UCHAR(h, "n", &uc, 200);
	expect("macro:uchar", &uc, 1, VMON_OP_GT, 200, false);
	VMON_WATCH_UCHAR_LESS(h, "n", &uc, 3);
	expect("macro:uchar_less", &uc, 1, VMON_OP_LT, 3, false);
	VMON_WATCH_SHORT(h, "n", &s, -300);
	expect("macro:short", &s, 2, VMON_OP_GT, (uint64_t)(int64_t)-300, true);
	VMON_WATCH_SHORT_LESS(h, "n", &s, 300);
	expect("macro:short_less", &s, 2, VMON_OP_LT, 300, true);
	VMON_WATCH_USHORT(h, "n", &us, 65000);
	expect("macro:ushort", &us, 2, VMON_OP_GT, 65000, false);
	VMON_WATCH_USHORT_LESS(h, "n", &us, 1);
	expect("macro:ushort_less", &us, 2, VMON_OP_LT, 1, false);
	VMON_WATCH_INT(h, "n", &i32, 150);
	expect("macro:int", &i32, 4, VMON_OP_GT, 150, true);
	VMON_WATCH_INT_LESS(h, "n", &i32, INT_MIN);
	expect("macro:int_less", &i32, 4, VMON_OP_LT, (uint64_t)(int64_t)INT_MIN, true);
	VMON_WATCH_UINT(h, "n", &u32, UINT_MAX);
	expect("macro:uint", &u32, 4, VMON_OP_GT, UINT_MAX, false);
	VMON_WATCH_UINT_LESS(h, "n", &u32, 10u);
	expect("macro:uint_less", &u32, 4, VMON_OP_LT, 10, false);
	VMON_WATCH_LONG(h, "n", &l, LONG_MIN);
	expect("macro:long", &l, sizeof(long), VMON_OP_GT, (uint64_t)(int64_t)LONG_MIN, true);
	VMON_WATCH_LONG_LESS(h, "n", &l, -1);
	expect("macro:long_less", &l, sizeof(long), VMON_OP_LT, UINT64_MAX, true);
	VMON_WATCH_ULONG(h, "n", &ul, ULONG_MAX);
	expect("macro:ulong", &ul, sizeof(long), VMON_OP_GT, ULONG_MAX, false);
	VMON_WATCH_ULONG_LESS(h, "n", &ul, 5);
	expect("macro:ulong_less", &ul, sizeof(long), VMON_OP_LT, 5, false);
	VMON_WATCH_LLONG(h, "n", &ll, LLONG_MIN);
	expect("macro:llong", &ll, 8, VMON_OP_GT, (uint64_t)1 << 63, true);
	VMON_WATCH_LLONG_LESS(h, "n", &ll, -2);
	expect("macro:llong_less", &ll, 8, VMON_OP_LT, UINT64_MAX - 1, true);
	/* The full unsigned 64-bit range, not only what an int64_t holds. */
	VMON_WATCH_ULLONG(h, "n", &ull, ULLONG_MAX - 1);
	expect("macro:ullong", &ull, 8, VMON_OP_GT, UINT64_MAX - 1, false);
	VMON_WATCH_ULLONG_LESS(h, "n", &ull, 1ULL << 63);
	expect("macro:ullong_less", &ull, 8, VMON_OP_LT, (uint64_t)1 << 63, false);
	capturing = false;
}

/* One START_WATCH_* call as vmon_compat_start() received it. */
static void expect_arg(const char *what, const volatile void *ptr, int len,
		       long long threshold, int uns, int gt)
{
	check(what, got.calls == 1 && got_arg.task_id == getpid() &&
	      got_arg.ptr == (const void *)ptr && got_arg.length_byte == len &&
	      got_arg.threshold == threshold && got_arg.unsigned_flag == uns &&
	      got_arg.greater_flag == gt && got_arg.time_ns == 10000 &&
	      !strcmp(got_arg.name, "temp"),
	      "calls %d task %d ptr %p/%p len %d threshold %lld unsigned %d greater %d time %lu name %.16s",
	      got.calls, (int)got_arg.task_id, got_arg.ptr, (const void *)ptr,
	      got_arg.length_byte, got_arg.threshold, got_arg.unsigned_flag,
	      got_arg.greater_flag, got_arg.time_ns, got_arg.name);
	got.calls = 0;
}

static void test_start_macros(void)
{
	capturing = true;
	START_WATCH_CHAR("temp", &c, 100);
	expect_arg("start:char", &c, 1, 100, CHAR_MIN == 0, 1);
	START_WATCH_CHAR_LESS("temp", &c, -100);
	expect_arg("start:char_less", &c, 1, -100, CHAR_MIN == 0, 0);
	START_WATCH_UCHAR("temp", &uc, 250);
	expect_arg("start:uchar", &uc, 1, 250, 1, 1);
	START_WATCH_UCHAR_LESS("temp", &uc, 2);
	expect_arg("start:uchar_less", &uc, 1, 2, 1, 0);
	START_WATCH_SHORT("temp", &s, -7);
	expect_arg("start:short", &s, 2, -7, 0, 1);
	START_WATCH_SHORT_LESS("temp", &s, 7);
	expect_arg("start:short_less", &s, 2, 7, 0, 0);
	START_WATCH_USHORT("temp", &us, 60000);
	expect_arg("start:ushort", &us, 2, 60000, 1, 1);
	START_WATCH_USHORT_LESS("temp", &us, 6);
	expect_arg("start:ushort_less", &us, 2, 6, 1, 0);
	START_WATCH_INT("temp", &i32, 150);
	expect_arg("start:int", &i32, 4, 150, 0, 1);
	START_WATCH_INT_LESS("temp", &i32, 150);
	expect_arg("start:int_less", &i32, 4, 150, 0, 0);
	START_WATCH_UINT("temp", &u32, 4000000000u);
	expect_arg("start:uint", &u32, 4, 4000000000LL, 1, 1);
	START_WATCH_UINT_LESS("temp", &u32, 4);
	expect_arg("start:uint_less", &u32, 4, 4, 1, 0);
	START_WATCH_LONG("temp", &l, -123456789012LL);
	expect_arg("start:long", &l, (int)sizeof(long), -123456789012LL, 0, 1);
	START_WATCH_LONG_LESS("temp", &l, 3);
	expect_arg("start:long_less", &l, (int)sizeof(long), 3, 0, 0);
	START_WATCH_ULONG("temp", &ul, 9);
	expect_arg("start:ulong", &ul, (int)sizeof(long), 9, 1, 1);
	START_WATCH_ULONG_LESS("temp", &ul, 8);
	expect_arg("start:ulong_less", &ul, (int)sizeof(long), 8, 1, 0);
	START_WATCH_LLONG("temp", &ll, LLONG_MIN);
	expect_arg("start:llong", &ll, 8, LLONG_MIN, 0, 1);
	START_WATCH_LLONG_LESS("temp", &ll, LLONG_MAX);
	expect_arg("start:llong_less", &ll, 8, LLONG_MAX, 0, 0);
	/* The original's long long threshold carries the bits of a u64 one. */
	START_WATCH_ULLONG("temp", &ull, ULLONG_MAX);
	expect_arg("start:ullong", &ull, 8, -1, 1, 1);
	START_WATCH_ULLONG_LESS("temp", &ull, 1);
	expect_arg("start:ullong_less", &ull, 8, 1, 1, 0);

	/* Names longer than the original's 15 characters are cut there. */
	START_WATCH_INT("a_name_of_twenty_chars", &i32, 1);
	check("start:long name", got.calls == 1 &&
	      !memcmp(got_arg.name, "a_name_of_twent", 16), "name '%.16s'",
	      got_arg.name);
	got.calls = 0;
	capturing = false;
}

/*
 * Compile text with the compiler that built us (C or C++): 0 if it
 * compiles, else its exit status, with its messages in out.
 */
static int compile(const char *cc, const char *lang, const char *text,
		   char *out, size_t outlen)
{
	char src_path[] = "/tmp/vmon-test-self-XXXXXX.c";
	char cmd[1024], log[64];
	FILE *f;
	int fd, st;
	size_t n;

	fd = mkstemps(src_path, 2);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(log, sizeof(log), "%s.log", src_path);
	snprintf(cmd, sizeof(cmd),
		 "%s -x %s %s -fsyntax-only -Wall -Wextra -Werror -pedantic -D_GNU_SOURCE "
		 "-I%s/lib -I%s/kmod/uapi %s >%s 2>&1",
		 cc, lang, !strcmp(lang, "c") ? "-std=c11" : "-std=c++17",
		 TEST_SRCDIR, TEST_SRCDIR, src_path, log);
	st = system(cmd);
	out[0] = '\0';
	f = fopen(log, "r");
	if (f) {
		n = fread(out, 1, outlen - 1, f);
		out[n] = '\0';
		fclose(f);
	}
	unlink(log);
	unlink(src_path);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define SNIPPET_HEAD							\
	"#include <vmon.h>\n#include <vmon_compat.h>\n"			\
	"int f(struct vmon *h);\n"					\
	"int f(struct vmon *h)\n{\n\t(void)h;\n"

/* Every macro with its own type, qualified as programs do. */
static const char good_c[] = SNIPPET_HEAD
	"	static volatile char c; static const unsigned char uc = 0;\n"
	"	static short s; static const volatile unsigned short us;\n"
	"	static int i; static unsigned int u; static long l;\n"
	"	static unsigned long ul; static long long ll; static unsigned long long ull;\n"
	"	static volatile int arr[4];\n"
	"	return VMON_WATCH_CHAR(h, \"c\", &c, 1) + VMON_WATCH_CHAR_LESS(h, \"c\", &c, 1)\n"
	"	     + VMON_WATCH_UCHAR(h, \"c\", &uc, 1) + VMON_WATCH_UCHAR_LESS(h, \"c\", &uc, 1)\n"
	"	     + VMON_WATCH_SHORT(h, \"c\", &s, 1) + VMON_WATCH_SHORT_LESS(h, \"c\", &s, 1)\n"
	"	     + VMON_WATCH_USHORT(h, \"c\", &us, 1) + VMON_WATCH_USHORT_LESS(h, \"c\", &us, 1)\n"
	"	     + VMON_WATCH_INT(h, \"c\", &i, 1) + VMON_WATCH_INT_LESS(h, \"c\", arr, 1)\n"
	"	     + VMON_WATCH_UINT(h, \"c\", &u, 1) + VMON_WATCH_UINT_LESS(h, \"c\", &u, 1)\n"
	"	     + VMON_WATCH_LONG(h, \"c\", &l, 1) + VMON_WATCH_LONG_LESS(h, \"c\", &l, 1)\n"
	"	     + VMON_WATCH_ULONG(h, \"c\", &ul, 1) + VMON_WATCH_ULONG_LESS(h, \"c\", &ul, 1)\n"
	"	     + VMON_WATCH_LLONG(h, \"c\", &ll, 1) + VMON_WATCH_LLONG_LESS(h, \"c\", &ll, 1)\n"
	"	     + VMON_WATCH_ULLONG(h, \"c\", &ull, 1) + VMON_WATCH_ULLONG_LESS(h, \"c\", &ull, 1)\n"
	"	     + START_WATCH_CHAR(\"c\", &c, 1) + START_WATCH_CHAR_LESS(\"c\", &c, 1)\n"
	"	     + START_WATCH_UCHAR(\"c\", &uc, 1) + START_WATCH_UCHAR_LESS(\"c\", &uc, 1)\n"
	"	     + START_WATCH_SHORT(\"c\", &s, 1) + START_WATCH_SHORT_LESS(\"c\", &s, 1)\n"
	"	     + START_WATCH_USHORT(\"c\", &us, 1) + START_WATCH_USHORT_LESS(\"c\", &us, 1)\n"
	"	     + START_WATCH_INT(\"c\", &i, 1) + START_WATCH_INT_LESS(\"c\", arr, 1)\n"
	"	     + START_WATCH_UINT(\"c\", &u, 1) + START_WATCH_UINT_LESS(\"c\", &u, 1)\n"
	"	     + START_WATCH_LONG(\"c\", &l, 1) + START_WATCH_LONG_LESS(\"c\", &l, 1)\n"
	"	     + START_WATCH_ULONG(\"c\", &ul, 1) + START_WATCH_ULONG_LESS(\"c\", &ul, 1)\n"
	"	     + START_WATCH_LLONG(\"c\", &ll, 1) + START_WATCH_LLONG_LESS(\"c\", &ll, 1)\n"
	"	     + START_WATCH_ULLONG(\"c\", &ull, 1) + START_WATCH_ULLONG_LESS(\"c\", &ull, 1)\n"
	"	     + cancel_watch();\n}\n";

/* A macro given a pointer to another type: the compiler must refuse it. */
struct bad {
	const char *name;
	const char *decl;
	const char *call;
	const char *says;		/* in the C compiler's message */
};

static const struct bad bad[] = {
	{ "short as int", "short v", "VMON_WATCH_INT(h, \"v\", &v, 1)",
	  "VMON_WATCH_INT: the pointer is not a pointer to int" },
	{ "int as uint", "int v", "VMON_WATCH_UINT_LESS(h, \"v\", &v, 1)",
	  "VMON_WATCH_UINT_LESS: the pointer is not a pointer to unsigned int" },
	{ "long long as long", "long long v", "VMON_WATCH_LONG(h, \"v\", &v, 1)",
	  "VMON_WATCH_LONG: the pointer is not a pointer to long" },
	{ "signed char as char", "signed char v", "VMON_WATCH_CHAR(h, \"v\", &v, 1)",
	  "VMON_WATCH_CHAR: the pointer is not a pointer to char" },
	{ "void pointer", "void *v", "VMON_WATCH_ULLONG(h, \"v\", v, 1)",
	  "VMON_WATCH_ULLONG: the pointer is not a pointer to unsigned long long" },
	{ "START_WATCH_INT with short", "short v", "START_WATCH_INT(\"v\", &v, 1)",
	  "START_WATCH_INT: the pointer is not a pointer to int" },
	{ "START_WATCH_ULLONG with long long", "long long v",
	  "START_WATCH_ULLONG_LESS(\"v\", &v, 1)",
	  "START_WATCH_ULLONG_LESS: the pointer is not a pointer to unsigned long long" },
};

static void test_compile_checks(void)
{
	char text[2048], out[4096], name[128];
	size_t k;
	int rc;

	/* The control: if this fails, so would every refusal below, for nothing. */
	rc = compile(TEST_CC, "c", good_c, out, sizeof(out));
	check("compile:every macro with its type", rc == 0, "exit %d: %s", rc, out);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(text, sizeof(text), SNIPPET_HEAD "\t%s = 0;\n\treturn %s;\n}\n",
			 bad[k].decl, bad[k].call);
		rc = compile(TEST_CC, "c", text, out, sizeof(out));
		snprintf(name, sizeof(name), "compile:refuses %s", bad[k].name);
		check(name, rc > 0 && rc < 128 && strstr(out, bad[k].says),
		      "exit %d, no '%s' in: %s", rc, bad[k].says, out);
	}

	/* C++ has no _Generic: the headers check with static_cast there. */
	if (system(TEST_CXX " --version >/dev/null 2>&1") != 0) {
		printf("SKIP compile:c++: no %s\n", TEST_CXX);
		return;
	}
	rc = compile(TEST_CXX, "c++", SNIPPET_HEAD
		     "	static volatile int i; static const unsigned long long u = 0;\n"
		     "	return VMON_WATCH_INT(h, \"i\", &i, 1) + VMON_WATCH_ULLONG_LESS(h, \"u\", &u, 1)\n"
		     "	     + START_WATCH_INT(\"i\", &i, 1) + cancel_watch();\n}\n",
		     out, sizeof(out));
	check("compile:c++ macros", rc == 0, "exit %d: %s", rc, out);
	rc = compile(TEST_CXX, "c++", SNIPPET_HEAD
		     "	static short v;\n	return VMON_WATCH_INT(h, \"v\", &v, 1);\n}\n",
		     out, sizeof(out));
	check("compile:c++ refuses short as int", rc > 0 && rc < 128 &&
	      strstr(out, "static_cast"), "exit %d: %s", rc, out);
}

static const int read_only = 42;

/* Arguments are checked before the kernel is asked, so a failed handle will do. */
static void test_self_watch_args(struct vmon *h, bool loaded)
{
	uint32_t id = 12345;
	int r;

	check_int("self:NULL handle",
		  vmon_self_watch(NULL, "x", &i32, 4, VMON_OP_GT, 1, true, 0, &id),
		  -EINVAL);
	r = vmon_self_watch(h, "x", &i32, 3, VMON_OP_GT, 1, true, 0, &id);
	check("self:len 3", r == -EINVAL && strstr(vmon_errmsg(h), "invalid length 3"),
	      "%d '%s'", r, vmon_errmsg(h));
	r = vmon_self_watch(h, "x", &i32, 16, VMON_OP_GT, 1, true, 0, &id);
	check("self:len 16", r == -EINVAL && strstr(vmon_errmsg(h), "invalid length 16"),
	      "%d '%s'", r, vmon_errmsg(h));
	r = vmon_self_watch(h, "x", NULL, 4, VMON_OP_GT, 1, true, 0, &id);
	check("self:NULL pointer", r == -EINVAL && strstr(vmon_errmsg(h), "NULL"),
	      "%d '%s'", r, vmon_errmsg(h));
	r = VMON_WATCH_UCHAR(h, "x", &uc, 256);
	check("self:uchar 256", r == -ERANGE &&
	      strstr(vmon_errmsg(h), "threshold 256 does not fit an unsigned 1-byte"),
	      "%d '%s'", r, vmon_errmsg(h));
	r = VMON_WATCH_SHORT_LESS(h, "x", &s, -32769);
	check("self:short -32769", r == -ERANGE &&
	      strstr(vmon_errmsg(h), "threshold -32769 does not fit a signed 2-byte"),
	      "%d '%s'", r, vmon_errmsg(h));
	r = VMON_WATCH_UINT(h, "x", &u32, -1);
	check("self:uint -1", r == -ERANGE, "%d '%s'", r, vmon_errmsg(h));
	check_int("id untouched by refusals", id, 12345);

	if (loaded) {
		printf("SKIP self:edges reach the kernel: the vmon module is loaded\n");
		return;
	}
	/* Values at the edges pass the range check: the kernel is next. */
	check_int("self:short -32768 passes", VMON_WATCH_SHORT(h, "x", &s, -32768), -ENOENT);
	check_int("self:uchar 255 passes", VMON_WATCH_UCHAR(h, "x", &uc, 255), -ENOENT);
	check_int("self:ullong max passes",
		  VMON_WATCH_ULLONG(h, "x", &ull, ULLONG_MAX), -ENOENT);
	check_int("self:llong min passes",
		  VMON_WATCH_LLONG_LESS(h, "x", &ll, LLONG_MIN), -ENOENT);
	/* Read-only or unmapped memory is the kernel's to refuse: no crash here. */
	check_int("self:read-only address",
		  vmon_self_watch(h, "x", &read_only, 4, VMON_OP_GT, 1, true, 0, &id),
		  -ENOENT);
	check_int("self:unmapped address",
		  vmon_self_watch(h, "x", (void *)16, 4, VMON_OP_GT, 1, true, 0, &id),
		  -ENOENT);
}

static void *other_thread_error(void *arg)
{
	const char **msg = arg;

	*msg = vmon_compat_error();
	return NULL;
}

struct racer {
	int fails;
	bool message;
};

static void *racer(void *arg)
{
	struct racer *r = arg;
	int k;

	r->message = true;
	for (k = 0; k < 50; k++) {
		if (START_WATCH_INT("race", &i32, 1) != -ENOENT)
			r->fails++;
		if (!strstr(vmon_compat_error(), "modprobe vmon"))
			r->message = false;
		if (k % 10 == 9)
			cancel_watch();
	}
	return NULL;
}

static void test_compat_without_module(void)
{
	watch_arg a = { .task_id = 0, .name = "temp", .ptr = (void *)&i32,
			.length_byte = 4, .threshold = 150, .greater_flag = 1,
			.time_ns = 10000 };
	struct racer rs[4] = { { 0, false } };
	pthread_t t[4];
	const char *seen = NULL;
	size_t k;
	int r;

	check("compat:no handle yet", vmon_compat_handle() == NULL, "a handle");
	r = start_watch(a);
	check_int("compat:start_watch", r, -ENOENT);
	check("compat:error says how to load it",
	      strstr(vmon_compat_error(), "modprobe vmon") != NULL, "'%s'",
	      vmon_compat_error());
	check("compat:no handle kept", vmon_compat_handle() == NULL, "a handle");
	r = START_WATCH_INT("temp", &i32, 150);
	check_int("compat:START_WATCH_INT", r, -ENOENT);
	check_int("compat:NULL watch_arg", vmon_compat_start(NULL), -EINVAL);
	check_str("compat:NULL watch_arg message", vmon_compat_error(), "no watch_arg");

	/* The message is this thread's: another one has its own. */
	pthread_create(&t[0], NULL, other_thread_error, &seen);
	pthread_join(t[0], NULL);
	check("compat:error is per thread", seen && !seen[0] && vmon_compat_error()[0],
	      "other thread '%s', this one '%s'", seen ? seen : "(null)",
	      vmon_compat_error());

	check_int("compat:cancel_watch", cancel_watch(), 0);
	check_str("compat:cancel clears the error", vmon_compat_error(), "");

	/* Threads starting and cancelling at once: each gets its own answer. */
	for (k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, racer, &rs[k]);
	for (k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	for (k = 0; k < 4; k++)
		if (rs[k].fails || !rs[k].message)
			break;
	check("compat:threads", k == 4, "thread %zu: %d wrong results, message %d",
	      k, k < 4 ? rs[k].fails : 0, k < 4 ? (int)rs[k].message : 1);
}

int main(void)
{
	struct vmon *h = NULL;
	bool loaded;

	test_layout();
	test_watch_macros();
	test_start_macros();
	test_compile_checks();

	loaded = vmon_open(&h) == 0;
	test_self_watch_args(h, loaded);
	vmon_close(h);
	if (loaded)
		printf("SKIP compat without module: the vmon module is loaded\n");
	else
		test_compat_without_module();
	cancel_watch();
	return check_done();
}
