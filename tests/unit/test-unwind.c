/* Unit tests for unwinding and symbolization: targets captured with ptrace, a made-up kallsyms. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "check.h"
#include "unwind-internal.h"

/* What the module captures by default. */
#define STACK_BYTES	8192

#define STACK_ENDS	"the stack copy ends before the stack does"

/* A target stopped the way the kernel sees it on a trigger. */
struct capture {
	pid_t pid;
	uint64_t regs[VMON_NR_REGS];
	unsigned char *stack;
	size_t stack_len;
	uint64_t stack_addr;
	struct vmon_mapping *maps;
	size_t n_maps;
};

struct target {
	const char *name;	/* build/<name> */
	const char *src;	/* where the markers are */
	const char *sym[5];	/* level3, level2_inline, level2, level1, main */
};

static const struct target targets[] = {
	{ "vmon-stack", "tests/targets/vmon-stack.c",
	  { "level3", "level2_inline", "level2", "level1", "main" } },
	{ "vmon-stack-fp", "tests/targets/vmon-stack.c",
	  { "level3", "level2_inline", "level2", "level1", "main" } },
	{ "vmon-stack-nopie", "tests/targets/vmon-stack.c",
	  { "level3", "level2_inline", "level2", "level1", "main" } },
	/* DWARF only in build/.debug/, by .gnu_debuglink: found locally, no debuginfod */
	{ "vmon-stack-debuglink", "tests/targets/vmon-stack.c",
	  { "level3", "level2_inline", "level2", "level1", "main" } },
	{ "vmon-stack-cxx", "tests/targets/vmon-stack-cxx.cc",
	  { "ns::level3(int)", "ns::Chain<int>::level2_inline(int)",
	    "ns::Chain<int>::level2(int)", "ns::level1(int)", "main" } },
};

/* The line of each frame of the chain, in the order of target.sym. */
static const char *const markers[5] = {
	"@sleep", "@level3-call", "@level2_inline-call", "@level2-call",
	"@level1-call",
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		printf("FAIL alloc: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		printf("FAIL alloc: out of memory\n");
		exit(1);
	}
	return p;
}

static unsigned int marker_line(const char *src, const char *marker)
{
	unsigned int n = 0, found = 0;
	char line[512];
	FILE *f = fopen(src, "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, marker))
			found = n;
	}
	fclose(f);
	return found;
}

static const char *base_name(const char *path)
{
	const char *s;

	if (!path)
		return "(null)";
	s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Start a target: it prints its pid and the value's address, then waits for a line. */
static pid_t spawn(const char *path, int *to, FILE **from)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = fdopen(out[0], "r");
	return pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static int read_value(pid_t pid, uint64_t addr)
{
	int v = 0;
	struct iovec local = { &v, sizeof(v) };
	struct iovec remote = { (void *)(uintptr_t)addr, sizeof(v) };

	process_vm_readv(pid, &local, 1, &remote, 1, 0);
	return v;
}

/* The chain has run once level3 set the value and the target sleeps. */
static bool wait_sleeping(pid_t pid, uint64_t addr)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500; i++) {
		if (read_value(pid, addr) == 151 && proc_state(pid) == 'S')
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* The executable file mappings, and where the stack mapping ends. */
static void read_maps(struct capture *cap, uint64_t *stack_end)
{
	char path[64], line[4096], perms[8];
	unsigned long start, end, off;
	size_t cap_maps = 16;
	FILE *f;
	int pos;

	snprintf(path, sizeof(path), "/proc/%d/maps", cap->pid);
	f = fopen(path, "r");
	*stack_end = 0;
	cap->maps = xcalloc(cap_maps, sizeof(*cap->maps));
	while (f && fgets(line, sizeof(line), f)) {
		char *name;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &end,
			   perms, &off, &pos) < 4)
			continue;
		name = line + pos;
		name[strcspn(name, "\n")] = '\0';
		if (!strcmp(name, "[stack]"))
			*stack_end = end;
		if (!strchr(perms, 'x') || name[0] != '/')
			continue;
		if (cap->n_maps == cap_maps) {
			cap_maps *= 2;
			cap->maps = realloc(cap->maps, cap_maps * sizeof(*cap->maps));
			if (!cap->maps) {
				printf("FAIL alloc: out of memory\n");
				exit(1);
			}
		}
		cap->maps[cap->n_maps++] = (struct vmon_mapping){
			.start = start, .end = end, .pgoff = off,
			.path = xstrdup(name),
		};
	}
	if (f)
		fclose(f);
}

/* user_regs_struct in the DWARF order the module sends. */
static void dwarf_regs(const struct user_regs_struct *u, uint64_t *r)
{
	r[VMON_REG_AX] = u->rax;
	r[VMON_REG_DX] = u->rdx;
	r[VMON_REG_CX] = u->rcx;
	r[VMON_REG_BX] = u->rbx;
	r[VMON_REG_SI] = u->rsi;
	r[VMON_REG_DI] = u->rdi;
	r[VMON_REG_BP] = u->rbp;
	r[VMON_REG_SP] = u->rsp;
	r[VMON_REG_R8] = u->r8;
	r[VMON_REG_R9] = u->r9;
	r[VMON_REG_R10] = u->r10;
	r[VMON_REG_R11] = u->r11;
	r[VMON_REG_R12] = u->r12;
	r[VMON_REG_R13] = u->r13;
	r[VMON_REG_R14] = u->r14;
	r[VMON_REG_R15] = u->r15;
	r[VMON_REG_IP] = u->rip;
}

/*
 * Stop the target as the kernel would find it, and copy what the kernel
 * copies: registers, the top of the stack, the executable mappings.
 * Returns 0, or an errno (EPERM: ptrace is not allowed here).
 */
static int capture(struct capture *cap)
{
	struct user_regs_struct u;
	struct iovec local, remote;
	uint64_t stack_end;
	ssize_t got;
	int st;

	if (ptrace(PTRACE_SEIZE, cap->pid, 0, 0) < 0)
		return errno;
	if (ptrace(PTRACE_INTERRUPT, cap->pid, 0, 0) < 0 ||
	    waitpid(cap->pid, &st, __WALL) != cap->pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_GETREGS, cap->pid, 0, &u) < 0)
		return errno ? errno : EIO;
	dwarf_regs(&u, cap->regs);
	read_maps(cap, &stack_end);
	cap->stack_addr = u.rsp;
	cap->stack_len = STACK_BYTES;
	if (stack_end > u.rsp && stack_end - u.rsp < cap->stack_len)
		cap->stack_len = stack_end - u.rsp;
	cap->stack = xcalloc(1, cap->stack_len);
	local = (struct iovec){ cap->stack, cap->stack_len };
	remote = (struct iovec){ (void *)(uintptr_t)u.rsp, cap->stack_len };
	got = process_vm_readv(cap->pid, &local, 1, &remote, 1, 0);
	if (got < 0)
		return errno;
	cap->stack_len = got;
	ptrace(PTRACE_DETACH, cap->pid, 0, 0);
	return 0;
}

static void capture_free(struct capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n_maps; i++)
		free(cap->maps[i].path);
	free(cap->maps);
	free(cap->stack);
}

/* A one-task report, allocated the way vmon_report_free() frees it. */
static struct vmon_report *make_report(const struct capture *cap, bool has_regs,
				       size_t stack_len, size_t n_maps)
{
	struct vmon_report *r = xcalloc(1, sizeof(*r));
	struct vmon_process *p;
	struct vmon_task *t;
	size_t i;

	r->tasks = t = xcalloc(1, sizeof(*t));
	r->n_tasks = 1;
	r->procs = p = xcalloc(1, sizeof(*p));
	r->n_procs = 1;
	t->pid = t->tid = p->pid = cap->pid;
	t->has_regs = has_regs;
	memcpy(t->regs, cap->regs, sizeof(t->regs));
	t->stack_addr = cap->stack_addr;
	t->stack_len = stack_len;
	t->stack = xcalloc(1, stack_len);
	memcpy(t->stack, cap->stack, stack_len);
	p->maps = xcalloc(n_maps, sizeof(*p->maps));
	p->n_maps = n_maps;
	for (i = 0; i < n_maps; i++) {
		p->maps[i] = cap->maps[i];
		p->maps[i].path = xstrdup(cap->maps[i].path);
	}
	return r;
}

static void dump_frames(const struct vmon_task *t)
{
	size_t i;

	for (i = 0; i < t->n_user; i++) {
		const struct vmon_frame *f = &t->user[i];

		printf("#  %2zu %#" PRIx64 " %s%s+%#" PRIx64 " %s:%u %s\n", i,
		       f->addr, f->inlined ? "(inlined) " : "",
		       f->symbol ? f->symbol : "?", f->offset,
		       base_name(f->file), f->line,
		       f->module ? f->module : "?");
	}
	if (t->unwind_error)
		printf("#  unwind_error: %s\n", t->unwind_error);
}

static void check_chain(const struct target *tg, const struct vmon_task *t)
{
	const char *want_file = base_name(tg->src);
	size_t i, k, start = t->n_user;
	char name[128];
	bool ok = true;

	for (i = 0; i < t->n_user && start == t->n_user; i++)
		if (t->user[i].symbol && !strcmp(t->user[i].symbol, tg->sym[0]))
			start = i;
	snprintf(name, sizeof(name), "unwind:%s:frame0-in-libc", tg->name);
	ok &= check(name, t->n_user > 0 && t->user[0].symbol &&
		    strstr(t->user[0].symbol, "nanosleep") && t->user[0].module &&
		    strstr(base_name(t->user[0].module), "libc.so"),
		    "frame 0 is %s in %s", t->n_user ? t->user[0].symbol : "none",
		    t->n_user ? t->user[0].module : "none");
	for (k = 0; k < 5; k++) {
		const struct vmon_frame *f = start + k < t->n_user ?
			&t->user[start + k] : NULL;
		unsigned int line = marker_line(tg->src, markers[k]);

		snprintf(name, sizeof(name), "unwind:%s:%s", tg->name, tg->sym[k]);
		ok &= check(name, f && f->symbol && !strcmp(f->symbol, tg->sym[k]) &&
			    f->inlined == (k == 1) &&
			    !strcmp(base_name(f->file), want_file) &&
			    f->line == line && line,
			    "want %s%s at %s:%u, got %s%s at %s:%u", k == 1 ? "inlined " : "",
			    tg->sym[k], want_file, line,
			    f && f->inlined ? "inlined " : "",
			    f && f->symbol ? f->symbol : "nothing",
			    f ? base_name(f->file) : "-", f ? f->line : 0);
	}
	snprintf(name, sizeof(name), "unwind:%s:past-main", tg->name);
	ok &= check(name, start + 5 < t->n_user && t->user[start + 5].symbol &&
		    strstr(t->user[start + 5].symbol, "libc_start"),
		    "no libc start frame after main");
	snprintf(name, sizeof(name), "unwind:%s:no-error", tg->name);
	ok &= check(name, !t->unwind_error, "unwind_error '%s'", t->unwind_error);
	if (!ok || getenv("VMON_TEST_VERBOSE"))
		dump_frames(t);
}

/* Symbolizing the same layout again must not build another Dwfl. */
static void check_reuse(struct vmon_symcache *c, const struct target *tg,
			const struct capture *cap, size_t n_user)
{
	unsigned long before = vmon__symcache_dwfls_created(c);
	struct vmon_report *r = make_report(cap, true, cap->stack_len, cap->n_maps);
	char name[128];

	vmon__report_symbolize(c, r);
	snprintf(name, sizeof(name), "unwind:%s:cached-dwfl", tg->name);
	check(name, vmon__symcache_dwfls_created(c) == before &&
	      r->tasks[0].n_user == n_user,
	      "%lu Dwfls before, %lu after; %zu frames, first time %zu", before,
	      vmon__symcache_dwfls_created(c), r->tasks[0].n_user, n_user);
	vmon_report_free(r);
}

/* Inputs that must not crash, and what they give. */
static void check_bad_input(struct vmon_symcache *c, const struct capture *cap)
{
	struct vmon_report *r;
	struct vmon_task *t;

	r = make_report(cap, false, cap->stack_len, cap->n_maps);
	vmon__report_symbolize(c, r);
	t = &r->tasks[0];
	check("unwind:no-regs", !t->user && t->n_user == 0 && !t->unwind_error,
	      "%zu user frames, error '%s'", t->n_user, t->unwind_error);
	vmon_report_free(r);

	r = make_report(cap, true, 0, cap->n_maps);
	vmon__report_symbolize(c, r);
	t = &r->tasks[0];
	check("unwind:empty-stack", t->n_user >= 1 &&
	      t->user[0].addr == cap->regs[VMON_REG_IP] && t->user[0].symbol &&
	      t->unwind_error && !strcmp(t->unwind_error, STACK_ENDS),
	      "%zu user frames, error '%s'", t->n_user, t->unwind_error);
	vmon_report_free(r);

	/* Cut inside the chain: the frames up to there, and why it stops. */
	r = make_report(cap, true, 64, cap->n_maps);
	vmon__report_symbolize(c, r);
	t = &r->tasks[0];
	if (!check("unwind:short-stack", t->n_user >= 2 && t->n_user < 6 &&
		   t->unwind_error && !strcmp(t->unwind_error, STACK_ENDS),
		   "%zu user frames, error '%s'", t->n_user, t->unwind_error))
		dump_frames(t);
	vmon_report_free(r);

	r = make_report(cap, true, cap->stack_len, 0);
	vmon__report_symbolize(c, r);
	t = &r->tasks[0];
	check("unwind:no-maps", t->n_user == 1 && !t->user[0].symbol &&
	      t->user[0].addr == cap->regs[VMON_REG_IP] && t->unwind_error,
	      "%zu user frames, error '%s'", t->n_user, t->unwind_error);
	vmon_report_free(r);

	r = make_report(cap, true, cap->stack_len, 1);
	free(r->procs[0].maps[0].path);
	r->procs[0].maps[0].path = xstrdup("/nonexistent/vmon-stack");
	vmon__report_symbolize(c, r);
	t = &r->tasks[0];
	check("unwind:missing-file", t->n_user == 1 && t->unwind_error,
	      "%zu user frames, error '%s'", t->n_user, t->unwind_error);
	vmon_report_free(r);
}

/* Run one target to its sleep and capture it; false (a line printed) if it cannot. */
static bool capture_target(const struct target *tg, struct capture *cap)
{
	char path[256], line[256], name[128];
	unsigned long long addr = 0;
	FILE *from = NULL;
	int to = -1, err = 0, st;
	bool ok = false;
	int pid = 0;

	snprintf(path, sizeof(path), "build/%s", tg->name);
	snprintf(name, sizeof(name), "unwind:%s:capture", tg->name);
	cap->pid = spawn(path, &to, &from);
	if (cap->pid < 0 || !from) {
		check(name, false, "cannot start %s: %s", path, strerror(errno));
		return false;
	}
	if (!fgets(line, sizeof(line), from) ||
	    sscanf(line, "pid=%d addr=%llx", &pid, &addr) != 2 || pid != cap->pid) {
		check(name, false, "%s did not say pid= addr=", path);
		goto out;
	}
	if (write(to, "go\n", 3) != 3 || !wait_sleeping(cap->pid, addr)) {
		check(name, false, "%s did not reach its sleep", path);
		goto out;
	}
	err = capture(cap);
	if (err == EPERM)
		printf("SKIP %s: ptrace not permitted: %s\n", name, strerror(err));
	else
		ok = check(name, !err, "ptrace capture: %s", strerror(err));
out:
	kill(cap->pid, SIGKILL);
	while (waitpid(cap->pid, &st, __WALL) < 0 && errno == EINTR)
		;
	if (from)
		fclose(from);
	close(to);
	return ok;
}

static void test_targets(struct vmon_symcache *c)
{
	struct capture kept = { .pid = 0 };
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct capture cap = { .pid = 0 };
		struct vmon_report *r;

		if (capture_target(&targets[i], &cap)) {
			r = make_report(&cap, true, cap.stack_len, cap.n_maps);
			vmon__report_symbolize(c, r);
			check_chain(&targets[i], &r->tasks[0]);
			check_reuse(c, &targets[i], &cap, r->tasks[0].n_user);
			vmon_report_free(r);
			if (!kept.stack) {
				kept = cap;
				continue;
			}
		}
		capture_free(&cap);
	}
	if (kept.stack)
		check_bad_input(c, &kept);
	capture_free(&kept);
}

static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 t do_one_initcall\n"
	"ffffffffc0a01000 t vmon_timer_fn\t[vmon]\n"
	"ffffffff81001000 D some_data\n"
	"ffffffff81002000 T schedule\n"
	"ffffffffc0a02000 T vmon_other\t[vmon]\n"
	"garbage\n";

static char *write_temp(const char *text)
{
	char *path = xstrdup("/tmp/vmon-kallsyms-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		printf("FAIL kallsyms: cannot write %s\n", path);
		exit(1);
	}
	close(fd);
	return path;
}

static void check_kframe(const char *name, const struct vmon_frame *f,
			 const char *sym, uint64_t off, const char *mod)
{
	check(name, (sym ? f->symbol && !strcmp(f->symbol, sym) && f->offset == off &&
		     f->module && !strcmp(f->module, mod) : !f->symbol && !f->module),
	      "got %s+%#" PRIx64 " [%s], want %s+%#" PRIx64 " [%s]",
	      f->symbol ? f->symbol : "(null)", f->offset,
	      f->module ? f->module : "(null)", sym ? sym : "(null)", off,
	      mod ? mod : "(null)");
}

static void kernel_frames_free(struct vmon_task *t)
{
	size_t i;

	for (i = 0; i < t->n_kernel; i++) {
		free((char *)t->kernel[i].symbol);
		free((char *)t->kernel[i].module);
	}
	free(t->kernel);
	t->kernel = NULL;
	t->n_kernel = 0;
}

static void test_kallsyms(void)
{
	static const uint64_t addrs[] = {
		0xffffffff81002010, 0xffffffffc0a01024, 0xffffffff81001800,
		0x1000,
	};
	struct vmon_task t = { .n_kstack = 4 };
	char *path = write_temp(kallsyms_text);
	char *zeros = write_temp("0000000000000000 T _stext\n"
				 "0000000000000000 t vmon_timer_fn\t[vmon]\n");
	struct vmon_kallsyms *ks = vmon__kallsyms_load(path);

	t.kstack = xcalloc(4, sizeof(*t.kstack));
	memcpy(t.kstack, addrs, sizeof(addrs));
	check("kallsyms:load", ks != NULL, "cannot load %s", path);
	vmon__kernel_frames(ks, &t);
	if (check("kallsyms:frames", t.n_kernel == 4, "%zu frames", t.n_kernel)) {
		check_kframe("kallsyms:kernel-symbol", &t.kernel[0], "schedule",
			     0x10, "[kernel]");
		check_kframe("kallsyms:module-symbol", &t.kernel[1],
			     "vmon_timer_fn", 0x24, "vmon");
		check_kframe("kallsyms:skips-data", &t.kernel[2],
			     "do_one_initcall", 0x1700, "[kernel]");
		check_kframe("kallsyms:below-all", &t.kernel[3], NULL, 0, NULL);
	}
	vmon__kallsyms_free(ks);
	kernel_frames_free(&t);

	ks = vmon__kallsyms_load(zeros);
	check("kallsyms:hidden-addresses", !ks, "loaded a table of zeros");
	vmon__kernel_frames(ks, &t);
	check("kallsyms:raw-frames", t.n_kernel == 4 && !t.kernel[0].symbol &&
	      t.kernel[0].addr == addrs[0], "%zu frames", t.n_kernel);
	check("kallsyms:missing-file", !vmon__kallsyms_load("/nonexistent/kallsyms"),
	      "loaded a missing file");
	kernel_frames_free(&t);
	free(t.kstack);
	unlink(path);
	unlink(zeros);
	free(path);
	free(zeros);
}

int main(void)
{
	struct vmon_symcache *c = vmon__symcache_new();

	if (!c) {
		printf("FAIL alloc: out of memory\n");
		return 1;
	}
	test_targets(c);
	vmon__symcache_free(c);
	test_kallsyms();
	return check_done();
}
