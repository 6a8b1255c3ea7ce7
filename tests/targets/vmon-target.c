/* vmon-target: a process with one watched variable, driven by commands on stdin (see usage()). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define HUGE_SZ (2UL << 20)

/* The default home of the variable: initialised data, 8-byte aligned. */
__attribute__((section(".data"), aligned(8))) volatile int64_t var;

static volatile int64_t *vp = &var;	/* where the variable lives now */
static size_t page;
static char *own_page;			/* --mmap: the variable's own page */
static char *mremap_dst;		/* --mmap: reserved target of "mremap" */

static void usage(void)
{
	fputs("usage: vmon-target [--heap|--mmap|--hugetlb|--thp|--shared]\n"
	      "prints: pid=P addr=A ro=A straddle=A unmapped=A\n"
	      "stdin commands (each answered by \"ok CMD\"): set V, set8 V, set16 V, set32 V,\n"
	      "  get, thread-set V, fork [V], exit N, exec, sleep MS,\n"
	      "  munmap, madvise, mremap (--mmap only)\n", stderr);
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "vmon-target: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* "-5", "42", "18446744073709551615" or "0xff" as raw 64 bits. */
static int parse_value(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (*s == '-')
		*v = (uint64_t)strtoll(s, &end, 10);
	else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		*v = strtoull(s + 2, &end, 16);
	else
		*v = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static void *thread_set(void *arg)
{
	*vp = (int64_t)*(uint64_t *)arg;
	return NULL;
}

static void place_variable(const char *mode)
{
	char *p;

	if (!mode) {
		return;
	} else if (!strcmp(mode, "--heap")) {
		vp = malloc(sizeof(*vp));
		if (!vp)
			die("malloc");
	} else if (!strcmp(mode, "--mmap") || !strcmp(mode, "--shared")) {
		int shared = !strcmp(mode, "--shared");

		p = map(page, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE);
		if (!p)
			die("mmap");
		if (!shared) {
			own_page = p;
			mremap_dst = map(page, PROT_NONE, MAP_PRIVATE);
			if (!mremap_dst)
				die("mmap");
		}
		vp = (volatile int64_t *)(p + 64);
	} else if (!strcmp(mode, "--hugetlb")) {
		p = map(HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_HUGETLB);
		if (!p) {
			fprintf(stderr, "vmon-target: no 2 MiB huge page (MAP_HUGETLB: %s)\n",
				strerror(errno));
			exit(77);
		}
		vp = (volatile int64_t *)(p + 3 * page + 8);
	} else if (!strcmp(mode, "--thp")) {
		p = map(2 * HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		if (!p)
			die("mmap");
		p = (char *)(((uintptr_t)p + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
		if (madvise(p, HUGE_SZ, MADV_HUGEPAGE))
			die("madvise(MADV_HUGEPAGE)");
		memset(p, 1, HUGE_SZ);
		vp = (volatile int64_t *)(p + 5 * page + 16);
	} else {
		usage();
	}
	*vp = 0;
}

/* Runs one command; returns 0 if it was understood. */
static int command(char *line)
{
	char *arg = strchr(line, ' ');
	uint64_t v = 0;
	int have_v;

	if (arg)
		*arg++ = '\0';
	have_v = arg && !parse_value(arg, &v);
	if (!vp && (!strncmp(line, "set", 3) || !strcmp(line, "get") ||
		    !strcmp(line, "thread-set") || !strcmp(line, "fork")))
		return -1;		/* the variable was unmapped */

	if (!strcmp(line, "set") && have_v) {
		*vp = (int64_t)v;
	} else if (!strcmp(line, "set8") && have_v) {
		*(volatile uint8_t *)vp = (uint8_t)v;
	} else if (!strcmp(line, "set16") && have_v) {
		*(volatile uint16_t *)vp = (uint16_t)v;
	} else if (!strcmp(line, "set32") && have_v) {
		*(volatile uint32_t *)vp = (uint32_t)v;
	} else if (!strcmp(line, "get") && !arg) {
		printf("value=%" PRId64 "\n", *vp);
	} else if (!strcmp(line, "thread-set") && have_v) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_set, &v) || pthread_join(t, NULL))
			die("thread");
	} else if (!strcmp(line, "fork") && (!arg || have_v)) {
		int fds[2];
		char c = 0;
		pid_t pid;

		if (pipe(fds))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (arg)
				*vp = (int64_t)v;
			if (write(fds[1], &c, 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (read(fds[0], &c, 1) != 1)
			die("fork: child");
		close(fds[0]);
		close(fds[1]);
		printf("child=%d\n", (int)pid);
	} else if (!strcmp(line, "exit") && have_v) {
		printf("ok exit %s\n", arg);
		exit((int)v);
	} else if (!strcmp(line, "exec") && !arg) {
		printf("ok exec\n");
		fflush(stdout);
		execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		die("execl /bin/sleep");
	} else if (!strcmp(line, "sleep") && have_v) {
		usleep((useconds_t)(v * 1000));
	} else if (!strcmp(line, "munmap") && own_page && !arg) {
		if (munmap(own_page, page))
			die("munmap");
		own_page = NULL;
		vp = NULL;
	} else if (!strcmp(line, "madvise") && own_page && !arg) {
		if (madvise(own_page, page, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
	} else if (!strcmp(line, "mremap") && own_page && !arg) {
		char *p = mremap(own_page, page, page, MREMAP_MAYMOVE | MREMAP_FIXED,
				 mremap_dst);

		if (p == MAP_FAILED)
			die("mremap");
		vp = (volatile int64_t *)(p + ((char *)vp - own_page));
		own_page = NULL;
		printf("new=0x%" PRIxPTR "\n", (uintptr_t)vp);
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int64_t rodata_const = 42;
	char line[256], cmd[256], *ro, *two, *hole;

	page = (size_t)sysconf(_SC_PAGESIZE);
	if (argc > 2 || (argc == 2 && argv[1][0] != '-'))
		usage();
	place_variable(argc == 2 ? argv[1] : NULL);

	/* A page made read-only, two writable pages, and a hole between guards. */
	ro = map(page, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	two = map(2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	hole = map(3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	if (!ro || !two || !hole)
		die("mmap");
	memcpy(ro, &rodata_const, sizeof(rodata_const));
	memset(two, 0, 2 * page);
	if (mprotect(ro, page, PROT_READ) || munmap(hole + page, page))
		die("mprotect/munmap");

	printf("pid=%d addr=0x%" PRIxPTR " ro=0x%" PRIxPTR " straddle=0x%" PRIxPTR
	       " unmapped=0x%" PRIxPTR "\n", (int)getpid(), (uintptr_t)vp,
	       (uintptr_t)ro, (uintptr_t)(two + page - 2), (uintptr_t)(hole + page));
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		strcpy(cmd, line);
		printf(command(cmd) ? "error: bad command '%s'\n" : "ok %s\n", line);
		fflush(stdout);
	}
	return 0;
}
