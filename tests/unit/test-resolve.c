/* Unit tests for variables by name: vmon-vars and its no-debug twin resolved, checked against what they print. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "check.h"
#include "run_vmon.h"
#include "vmon.h"

#define VARS		"build/vmon-vars"
#define VARS_NODEBUG	"build/vmon-vars-nodebug"
#define SRC		"tests/targets/vmon-vars.c"
#define SRC2		"tests/targets/vmon-vars2.c"
#define SRC_LIB		"tests/targets/vmon-vars-lib.c"

#define MAX_PRINTED	64

/* A running vmon-vars: its "NAME=ADDRESS" lines, and its stdin (closing it ends it). */
struct target {
	const char *path;
	pid_t pid;
	int to;
	struct {
		char name[64];
		uint64_t addr;
	} printed[MAX_PRINTED];
	size_t n;
};

static bool start(const char *path, struct target *t)
{
	int in[2], out[2];
	char line[256], name[64];
	unsigned long long addr;
	int pid;
	FILE *from;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->to = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return false;
	fflush(stdout);
	t->pid = fork();
	if (t->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->to = in[1];
	from = fdopen(out[0], "r");
	while (from && fgets(line, sizeof(line), from)) {
		if (sscanf(line, "pid=%d ready", &pid) == 1) {
			fclose(from);
			return pid == t->pid;
		}
		if (sscanf(line, "%63[^=]=%llx", name, &addr) == 2 &&
		    t->n < MAX_PRINTED) {
			snprintf(t->printed[t->n].name, sizeof(t->printed[t->n].name),
				 "%s", name);
			t->printed[t->n++].addr = addr;
		}
	}
	if (from)
		fclose(from);
	return false;
}

static void stop(struct target *t)
{
	int st;

	if (t->to >= 0)
		close(t->to);
	if (t->pid > 0)
		while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR)
			;
}

/* Where the target said name is; 0 if it did not. */
static uint64_t printed(const struct target *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->printed[i].name, name))
			return t->printed[i].addr;
	return 0;
}

/* len bytes at addr in pid, sign- or zero-extended as the variable is. */
static bool read_value(pid_t pid, uint64_t addr, unsigned int len, bool is_signed,
		       int64_t *v)
{
	unsigned char b[8] = { 0 };
	char path[64];
	uint64_t u = 0;
	unsigned int i;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || len < 1 || len > 8) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	n = pread(fd, b, len, (off_t)addr);
	close(fd);
	if (n != (ssize_t)len)
		return false;
	for (i = 0; i < len; i++)
		u |= (uint64_t)b[i] << (8 * i);
	if (is_signed && len < 8 && (u >> (len * 8 - 1)))
		u |= ~0ULL << (len * 8);
	*v = (int64_t)u;
	return true;
}

/* The line of src that starts with text: where a variable is defined. */
static unsigned int decl_line(const char *src, const char *text)
{
	unsigned int n = 0, found = 0;
	char line[512];
	FILE *f = fopen(src, "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		n++;
		if (!strncmp(line, text, strlen(text)))
			found = n;
	}
	if (f)
		fclose(f);
	return found;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, k = strlen(suffix);

	return s && n >= k && !strcmp(s + n - k, suffix);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "(null)";
}

/* What one expression must resolve to. */
struct want {
	const char *expr;
	const char *at;		/* the target's name for the address */
	unsigned int len;
	enum vmon_sign sign;
	const char *type;
	const char *symbol;
	uint64_t offset;
	const char *object;	/* file name */
	const char *src;	/* where it is defined, and the line's start */
	const char *decl;
	int64_t value;		/* what the target set it to */
};

static const struct want found[] = {
	{ "counter", "counter", 4, VMON_SIGN_SIGNED, "int", "counter", 0,
	  "vmon-vars", SRC, "int counter;", 12345 },
	{ "mode", "mode", 4, VMON_SIGN_UNSIGNED, "enum mode", "mode", 0,
	  "vmon-vars", SRC, "enum mode {", 2 },
	{ "small", "small", 4, VMON_SIGN_SIGNED, "enum small", "small", 0,
	  "vmon-vars", SRC, "enum small {", -1 },
	{ "stats.misses", "stats.misses", 8, VMON_SIGN_SIGNED, "long int",
	  "stats", 8, "vmon-vars", SRC, "} stats;", -9 },
	{ "stats.inner.flags", "stats.inner.flags", 1, VMON_SIGN_UNSIGNED,
	  "unsigned char", "stats", 16, "vmon-vars", SRC, "} stats;", 0xa5 },
	{ "arr[5]", "arr[5]", 4, VMON_SIGN_SIGNED, "int", "arr", 20,
	  "vmon-vars", SRC, "int arr[8];", 105 },
	{ "arr[0x5]", "arr[5]", 4, VMON_SIGN_SIGNED, "int", "arr", 20,
	  "vmon-vars", SRC, "int arr[8];", 105 },
	{ "grid[2][3]", "grid[2][3]", 2, VMON_SIGN_SIGNED, "short int", "grid",
	  22, "vmon-vars", SRC, "short grid[3][4];", 23 },
	{ "rings[1].slots[3]", "rings[1].slots[3]", 4, VMON_SIGN_SIGNED, "int",
	  "rings", 36, "vmon-vars", SRC, "} rings[2];", 4321 },
	{ "tagged.c", "tagged.c", 1, VMON_SIGN_UNSIGNED, "unsigned char",
	  "tagged", 4, "vmon-vars", SRC, "} tagged;", 0x7e },
	{ "bits.whole", "bits.whole", 1, VMON_SIGN_UNSIGNED, "unsigned char",
	  "bits", 1, "vmon-vars", SRC, "} bits;", 0x42 },
	{ "big", "big", 8, VMON_SIGN_SIGNED, "long long int", "big", 0,
	  "vmon-vars", SRC, "long long big;", -1234567890123LL },
	{ "flag", "flag", 1, VMON_SIGN_UNSIGNED, "_Bool", "flag", 0,
	  "vmon-vars", SRC, "bool flag;", 1 },
	{ "sc", "sc", 1, VMON_SIGN_SIGNED, "signed char", "sc", 0,
	  "vmon-vars", SRC, "signed char sc;", -5 },
	{ "u64", "u64", 8, VMON_SIGN_UNSIGNED, "uint64_t", "u64", 0,
	  "vmon-vars", SRC, "uint64_t u64;", (int64_t)0xfedcba9876543210ULL },
	/* Defined by the library too: the executable's copy is the live one. */
	{ "dup_global", "lib_dup_global", 4, VMON_SIGN_SIGNED, "int",
	  "dup_global", 0, "vmon-vars", SRC, "int dup_global;", 31 },
	{ "lib_counter", "lib_counter", 4, VMON_SIGN_SIGNED, "int",
	  "lib_counter", 0, "libvmonvars.so", SRC_LIB, "int lib_counter;", 4242 },
	{ "libvmonvars.so:lib_counter", "lib_counter", 4, VMON_SIGN_SIGNED, "int",
	  "lib_counter", 0, "libvmonvars.so", SRC_LIB, "int lib_counter;", 4242 },
	{ "libvmonvars:s_shared", "lib_s_shared", 4, VMON_SIGN_SIGNED, "int",
	  "s_shared", 0, "libvmonvars.so", SRC_LIB, "static int s_shared;", 42 },
	{ "vmon-vars:s_shared", "s_shared", 4, VMON_SIGN_SIGNED, "int",
	  "s_shared", 0, "vmon-vars", SRC, "static int s_shared;", 41 },
};

static void check_found(const struct vmon_symbols *s, const struct target *t,
			const struct want *w)
{
	char name[128], err[2048] = "", src[128];
	uint64_t at = printed(t, w->at);
	struct vmon_var *v = NULL;
	int64_t value = 0;
	int rc;

	snprintf(name, sizeof(name), "resolve:%s", w->expr);
	rc = vmon_symbols_resolve(s, w->expr, &v, err, sizeof(err));
	if (!check(name, rc == 0 && v, "rc %d: %s", rc, err))
		return;
	snprintf(src, sizeof(src), "%s:%u", base_name(w->src),
		 decl_line(w->src, w->decl));
	check(name, at && v->addr == at, "address %#" PRIx64 ", the target "
	      "printed %#" PRIx64 " for %s", v->addr, at, w->at);
	check(name, read_value(t->pid, v->addr, v->len, v->sign == VMON_SIGN_SIGNED,
			       &value) && value == w->value,
	      "read %" PRId64 " there, want %" PRId64, value, w->value);
	check(name, v->len == w->len && v->sign == w->sign,
	      "len %u sign %d, want %u %d", v->len, v->sign, w->len, w->sign);
	check(name, v->type && !strcmp(v->type, w->type), "type '%s', want '%s'",
	      v->type ? v->type : "(null)", w->type);
	check(name, v->symbol && !strcmp(v->symbol, w->symbol) &&
	      v->offset == w->offset, "symbol %s+%" PRIu64 ", want %s+%" PRIu64,
	      v->symbol ? v->symbol : "(null)", v->offset, w->symbol, w->offset);
	check(name, !strcmp(base_name(v->object), w->object), "object %s, want %s",
	      v->object ? v->object : "(null)", w->object);
	check(name, ends_with(v->source, src), "source %s, want %s",
	      v->source ? v->source : "(null)", src);
	vmon_var_free(v);
}

/* A refusal: its errno, and what its message must say. */
static void check_refused(const struct vmon_symbols *s, const char *expr,
			  int want_rc, const char *const *says)
{
	char name[128], err[2048] = "";
	struct vmon_var *v = NULL;
	int rc;

	snprintf(name, sizeof(name), "resolve:refuses:%s", expr);
	rc = vmon_symbols_resolve(s, expr, &v, err, sizeof(err));
	vmon_var_free(v);
	if (!check(name, rc == want_rc && !v, "rc %d (%s), want %d: %s", rc,
		   strerror(-rc), want_rc, err))
		return;
	for (; *says; says++)
		check(name, strstr(err, *says) != NULL, "message lacks '%s': %s",
		      *says, err);
}

#define SAYS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static char *hex(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%#" PRIx64, v);
	return buf;
}

static void test_refusals(const struct vmon_symbols *s, const struct target *t)
{
	char a1[32], a2[32], l1[64], l2[64], ptr_hint[64], bits_hint[64];

	hex(a1, sizeof(a1), printed(t, "s_level"));
	hex(a2, sizeof(a2), printed(t, "s_level2"));
	snprintf(l1, sizeof(l1), "vmon-vars.c:%u",
		 decl_line(SRC, "static unsigned short s_level;"));
	snprintf(l2, sizeof(l2), "vmon-vars2.c:%u",
		 decl_line(SRC2, "static unsigned short s_level;"));
	/* Two statics in one file: LIB:NAME cannot help, so it says --addr. */
	check_refused(s, "s_level", -ENOTUNIQ,
		      SAYS("defined 2 times", a1, a2, l1, l2, "--addr"));
	hex(a1, sizeof(a1), printed(t, "s_shared"));
	hex(a2, sizeof(a2), printed(t, "lib_s_shared"));
	snprintf(l2, sizeof(l2), "vmon-vars-lib.c:%u",
		 decl_line(SRC_LIB, "static int s_shared;"));
	check_refused(s, "s_shared", -ENOTUNIQ,
		      SAYS(a1, a2, l2, "--var vmon-vars:s_shared",
			   "--var libvmonvars.so:s_shared"));
	check_refused(s, "countr", -ENOENT, SAYS("no variable named 'countr'",
						"did you mean counter?"));
	check_refused(s, "libvmonvars:counter", -ENOENT,
		      SAYS("libvmonvars.so has no variable named 'counter'"));
	check_refused(s, "libnope:counter", -ENOENT,
		      SAYS("no file named libnope", "libvmonvars.so"));
	check_refused(s, "stats", -EINVAL,
		      SAYS("stats is 'struct stats' (a struct)", "--var stats.hits"));
	check_refused(s, "libvmonvars:lib_counter.x", -EINVAL,
		      SAYS("lib_counter is 'int', which has no members"));
	check_refused(s, "stats.inner", -EINVAL,
		      SAYS("(a struct)", "--var stats.inner.flags"));
	check_refused(s, "rings[1]", -EINVAL,
		      SAYS("'struct ring' (a struct)", "--var rings[1].head"));
	check_refused(s, "arr", -EINVAL, SAYS("arr is 'int[8]' (an array)",
					     "--var arr[0]"));
	check_refused(s, "grid[1]", -EINVAL, SAYS("'short int[4]' (an array)",
						 "--var grid[1][0]"));
	check_refused(s, "temp_f", -EINVAL,
		      SAYS("temp_f is 'double' (floating point)"));
	snprintf(ptr_hint, sizeof(ptr_hint), "--addr %#" PRIx64 " --len 8",
		 printed(t, "ptr"));
	check_refused(s, "ptr", -EINVAL, SAYS("ptr is 'int *' (a pointer)", ptr_hint));
	check_refused(s, "ptr[1]", -EINVAL, SAYS("does not follow pointers"));
	check_refused(s, "tls_var", -EOPNOTSUPP, SAYS("thread-local"));
	check_refused(s, "constant", -EROFS,
		      SAYS("constant ('const int') is in read-only memory"));
	snprintf(bits_hint, sizeof(bits_hint), "--addr %#" PRIx64 " --len 1",
		 printed(t, "bits"));
	check_refused(s, "bits.level", -EOPNOTSUPP,
		      SAYS("bits.level is a bit-field (3 bits of 'unsigned int')",
			   bits_hint));
	check_refused(s, "arr[8]", -ERANGE,
		      SAYS("arr[8] is out of range: arr has 8 elements, [0] to [7]"));
	check_refused(s, "grid[3][0]", -ERANGE, SAYS("grid has 3 elements"));
	check_refused(s, "grid[0][4]", -ERANGE, SAYS("grid[0] has 4 elements"));
	check_refused(s, "stats.hit", -EINVAL,
		      SAYS("has no member 'hit'", "hits, misses, inner"));
	check_refused(s, "counter[1]", -EINVAL, SAYS("not an array"));
	check_refused(s, "x..y", -EINVAL, SAYS("member name after '.'"));
	check_refused(s, ":counter", -EINVAL, SAYS("file name before ':'"));
	check_refused(s, "arr[", -EINVAL, SAYS("index like [3]"));
	check_refused(s, "arr[-1]", -EINVAL, SAYS("index like [3]"));
	check_refused(s, "1abc", -EINVAL, SAYS("expected a variable name"));
	check_refused(s, "counter+1", -EINVAL, SAYS("unexpected '+'"));
}

static void test_reverse(const struct vmon_symbols *s, const struct target *t)
{
	static const struct {
		const char *at, *want;
	} cases[] = {
		{ "counter", "counter" },
		{ "stats.misses", "stats+0x8" },
		{ "rings[1].slots[3]", "rings+0x24" },
		{ "bits.whole", "bits+0x1" },
		{ "lib_counter", "lib_counter" },
		{ "lib_s_shared", "s_shared" },
	};
	char name[96], buf[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "resolve:addr:%s", cases[i].at);
		buf[0] = '\0';
		rc = vmon_symbols_addr(s, printed(t, cases[i].at), buf, sizeof(buf));
		if (check(name, rc == 0, "rc %d", rc))
			check_str(name, buf, cases[i].want);
	}
	rc = vmon_symbols_addr(s, 0x10, buf, sizeof(buf));
	check("resolve:addr:none", rc == -ENOENT, "rc %d, '%s'", rc, buf);
	rc = vmon_symbols_addr(s, printed(t, "stats.misses"), buf, 6);
	check("resolve:addr:too-small", rc == -ENOSPC, "rc %d", rc);
	buf[0] = '\0';
	rc = vmon_addr_symbol(t->pid, printed(t, "counter") + 2, buf, sizeof(buf));
	check("resolve:addr:one-shot", rc == 0 && !strcmp(buf, "counter+0x2"),
	      "rc %d, '%s'", rc, buf);
}

/* A pid nobody has: a child that exited and was reaped. */
static pid_t unused_pid(void)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	return pid;
}

static void test_no_process(void)
{
	char err[256] = "", want[64];
	struct vmon_var *v = NULL;
	pid_t pid = unused_pid();
	int rc;

	snprintf(want, sizeof(want), "no process %d", (int)pid);
	rc = vmon_resolve_var(pid, "counter", &v, err, sizeof(err));
	check("resolve:no-process", rc == -ESRCH && !v && !strcmp(err, want),
	      "rc %d: '%s'", rc, err);
	vmon_var_free(v);
	rc = vmon_addr_symbol(pid, 0x1000, err, sizeof(err));
	check("resolve:addr:no-process", rc == -ESRCH, "rc %d", rc);
}

/*
 * Another user's process: as root, a child that became nobody asks about
 * the target (root's); otherwise we ask about pid 1.
 */
static void test_no_permission(const struct target *t)
{
	char msg[512] = "";
	struct vmon_var *v = NULL;
	int p[2], rc = 0, st;
	pid_t child, pid = t->pid;
	ssize_t n;

	if (geteuid() != 0) {
		rc = vmon_resolve_var(1, "counter", &v, msg, sizeof(msg));
		vmon_var_free(v);
		if (rc != -EACCES) {
			printf("SKIP resolve:no-permission: not root, and pid 1 "
			       "is readable (%d)\n", rc);
			return;
		}
	} else {
		if (pipe(p))
			return;
		fflush(stdout);
		child = fork();
		if (child == 0) {
			close(p[0]);
			if (setgid(65534) || setuid(65534))
				_exit(1);
			rc = vmon_resolve_var(pid, "counter", &v, msg, sizeof(msg));
			vmon_var_free(v);
			if (write(p[1], &rc, sizeof(rc)) != sizeof(rc) ||
			    write(p[1], msg, strlen(msg)) < 0)
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		n = read(p[0], &rc, sizeof(rc));
		if (n == sizeof(rc))
			n = read(p[0], msg, sizeof(msg) - 1);
		msg[n > 0 ? n : 0] = '\0';
		close(p[0]);
		waitpid(child, &st, 0);
	}
	check("resolve:no-permission", rc == -EACCES && strstr(msg, "run as root"),
	      "rc %d: '%s'", rc, msg);
}

static void test_nodebug(const struct target *t)
{
	char err[1024] = "";
	struct vmon_var *v = NULL;
	int64_t value = 0;
	int rc;

	rc = vmon_resolve_var(t->pid, "counter", &v, err, sizeof(err));
	if (check("resolve:nodebug:counter", rc == 0 && v, "rc %d: %s", rc, err)) {
		check("resolve:nodebug:counter", v->addr == printed(t, "counter"),
		      "address %#" PRIx64 ", printed %#" PRIx64, v->addr,
		      printed(t, "counter"));
		check("resolve:nodebug:counter", v->len == 0 &&
		      v->sign == VMON_SIGN_UNKNOWN && !v->type && !v->source,
		      "len %u sign %d type %s source %s", v->len, v->sign,
		      v->type ? v->type : "(null)", v->source ? v->source : "(null)");
		check("resolve:nodebug:counter", v->symbol_size == 4 &&
		      !strcmp(v->symbol, "counter") &&
		      !strcmp(base_name(v->object), "vmon-vars-nodebug"),
		      "symbol %s size %" PRIu64 " in %s", v->symbol,
		      v->symbol_size, v->object);
		check("resolve:nodebug:counter", read_value(t->pid, v->addr, 4, true,
							    &value) && value == 12345,
		      "read %" PRId64, value);
	}
	vmon_var_free(v);
	v = NULL;
	rc = vmon_resolve_var(t->pid, "stats.hits", &v, err, sizeof(err));
	check("resolve:nodebug:member", rc == -ENODATA && !v &&
	      strstr(err, "no debug info for stats in ") &&
	      strstr(err, "vmon-vars-nodebug: cannot find .hits"),
	      "rc %d: %s", rc, err);
	vmon_var_free(v);
	v = NULL;
	/* Its library has DWARF of its own. */
	rc = vmon_resolve_var(t->pid, "lib_counter", &v, err, sizeof(err));
	check("resolve:nodebug:library-has-dwarf", rc == 0 && v && v->len == 4 &&
	      v->addr == printed(t, "lib_counter"), "rc %d: %s", rc, err);
	vmon_var_free(v);
	v = NULL;
	rc = vmon_resolve_var(t->pid, "constant", &v, err, sizeof(err));
	check("resolve:nodebug:constant", rc == -EROFS &&
	      strstr(err, "constant is in read-only memory"), "rc %d: %s", rc, err);
	vmon_var_free(v);
}

static void cli(const char *name, char *const *args, int want_rc,
		const char *says)
{
	check_vmon("resolve:cli", name, args, want_rc, says);
}

static void test_cli(const struct target *t, const struct target *nd)
{
	char pid[16], ndpid[16], out[2048], want[PATH_MAX + 64];
	char *real = realpath(nd->path, NULL);
	int rc;

	snprintf(pid, sizeof(pid), "%d", (int)t->pid);
	snprintf(ndpid, sizeof(ndpid), "%d", (int)nd->pid);
	cli("var-and-addr", ARGS("watch", "--pid", pid, "--var", "counter",
				 "--addr", "0x10", "--len", "4", "--gt", "1"),
	    2, "give --addr or --var, not both");
	cli("neither", ARGS("watch", "--pid", pid, "--len", "4", "--gt", "1"), 2,
	    "--addr (or --var) is required");
	cli("addr-needs-len", ARGS("watch", "--pid", pid, "--addr", "0x10",
				   "--gt", "1"), 2, "--len is required");
	snprintf(want, sizeof(want), "no debug info for counter in %s: give "
		 "--len (1, 2, 4 or 8)", real ? real : nd->path);
	cli("nodebug-needs-len", ARGS("watch", "--pid", ndpid, "--var", "counter",
				      "--gt", "1"), 2, want);
	cli("nodebug-len-too-long", ARGS("watch", "--pid", ndpid, "--var",
					 "counter", "--len", "8", "--gt", "1"),
	    2, "--len 8 is more than counter's 4 bytes");
	cli("len-mismatch", ARGS("watch", "--pid", pid, "--var", "counter",
				 "--len", "2", "--gt", "1"), 2,
	    "--len 2 does not match counter, which is 'int' (4 bytes)");
	cli("unsigned-on-signed", ARGS("watch", "--pid", pid, "--var", "counter",
				       "--unsigned", "--gt", "1"), 2,
	    "counter is 'int', a signed type: drop --unsigned");
	cli("negative-for-unsigned", ARGS("watch", "--pid", pid, "--var", "mode",
					  "--lt", "-1"), 2,
	    "mode is 'enum mode', an unsigned type");
	cli("threshold-in-type-range", ARGS("watch", "--pid", pid, "--var", "sc",
					    "--gt", "200"), 2,
	    "'200' is out of range for 1-byte signed");
	cli("not-found", ARGS("watch", "--pid", pid, "--var", "countr", "--gt", "1"),
	    1, "vmon: --var countr: pid");
	cli("not-found-suggests", ARGS("watch", "--pid", pid, "--var", "countr",
				       "--gt", "1"), 1, "did you mean counter?");
	/* Resolved: then the kernel is asked (no module on a host: status 3). */
	rc = run_vmon(ARGS("watch", "--pid", pid, "--var", "counter", "--gt",
			   "1", "--timeout", "1ms"), NULL, out, sizeof(out));
	check("resolve:cli:resolved", rc == 3 ||
	      (rc == 0 && strstr(out, "counter (int, 4 bytes, signed, ")),
	      "exit %d: %s", rc, out);
	free(real);
}

/*
 * With debuginfod servers configured, nothing is asked of them: the no-
 * debug binary has a build ID that libdwfl's standard search would send.
 */
static void test_no_debuginfod(const struct target *nd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	char pid[16], urls[64], out[2048];
	char *env[] = { urls, "DEBUGINFOD_TIMEOUT=5", NULL };
	int fd, conn, rc;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		printf("SKIP resolve:no-debuginfod: no loopback socket: %s\n",
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	/* A server that never answers: asking it would stall, not fail. */
	snprintf(urls, sizeof(urls), "DEBUGINFOD_URLS=http://127.0.0.1:%d",
		 ntohs(sa.sin_port));
	snprintf(pid, sizeof(pid), "%d", (int)nd->pid);
	rc = run_vmon(ARGS("watch", "--pid", pid, "--var", "counter", "--gt", "1"),
		      env, out, sizeof(out));
	conn = accept(fd, NULL, NULL);
	check("resolve:no-debuginfod", conn < 0 && rc == 2 &&
	      strstr(out, "no debug info for counter"),
	      "%s; exit %d: %s", conn < 0 ? "no connection" :
	      "debuginfod was asked", rc, out);
	if (conn >= 0)
		close(conn);
	close(fd);
}

int main(void)
{
	struct target t, nd;
	struct vmon_symbols *s = NULL;
	char err[1024] = "";
	size_t i;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (!check("resolve:start", start(VARS, &t) && start(VARS_NODEBUG, &nd),
		   "cannot start %s and %s (run from the repository root after "
		   "make tests-build)", VARS, VARS_NODEBUG))
		return check_done();
	rc = vmon_symbols_open(t.pid, &s, err, sizeof(err));
	if (check("resolve:open", rc == 0 && s, "rc %d: %s", rc, err)) {
		for (i = 0; i < sizeof(found) / sizeof(found[0]); i++)
			check_found(s, &t, &found[i]);
		test_refusals(s, &t);
		test_reverse(s, &t);
	}
	vmon_symbols_close(s);
	test_nodebug(&nd);
	test_no_process();
	test_no_permission(&t);
	test_cli(&t, &nd);
	test_no_debuginfod(&nd);
	stop(&t);
	stop(&nd);
	return check_done();
}
