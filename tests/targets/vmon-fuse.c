/*
 * vmon-fuse: a FUSE file whose reads never come back, and a target that
 * hides behind it, for the capture-wedge test (66-resources).
 *
 *   vmon-fuse --serve MNT
 *	mounts a file system with one file, MNT/stall (1 MiB), and answers
 *	everything but READ, which it leaves unanswered forever; it prints
 *	"ready" once mounted and "read N by pid P (COMM)" for each stalled read.
 *   vmon-fuse --target FILE
 *	maps FILE, starts a thread that sits in pause() with its stack
 *	pointer inside the mapping, and moves its command line into the
 *	mapping (PR_SET_MM_ARG_START/END, which needs CAP_SYS_RESOURCE);
 *	then prints "pid=P addr=A" (an int32) and serves "set V" lines on
 *	stdin.  Anything that faults those pages in waits for the daemon
 *	forever: reading /proc/P/cmdline, or a capture that faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define FILE_SIZE	(1U << 20)
#define FILE_INO	2

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "vmon-fuse: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void reply(int fd, uint64_t unique, int error, const void *p, size_t n)
{
	struct fuse_out_header h = {
		.len = (uint32_t)(sizeof(h) + n), .error = error, .unique = unique,
	};
	struct iovec v[2] = { { &h, sizeof(h) }, { (void *)p, n } };

	if (writev(fd, v, n ? 2 : 1) < 0 && errno != ENOENT)
		die("write /dev/fuse");
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = 4096;
	if (ino == FILE_INO) {
		a->mode = S_IFREG | 0444;
		a->size = FILE_SIZE;
		a->blocks = FILE_SIZE / 512;
	} else {
		a->mode = S_IFDIR | 0755;
	}
}

static int serve(const char *mnt)
{
	static char buf[FUSE_MIN_READ_BUFFER + (1U << 20)];
	unsigned long reads = 0;
	char opts[128];
	int fd;

	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/fuse");
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	if (mount("vmon-fuse", mnt, "fuse", MS_NOSUID | MS_NODEV, opts) < 0)
		die("mount");
	printf("ready\n");
	fflush(stdout);

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		struct fuse_in_header *in = (void *)buf;
		void *arg = in + 1;

		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < 0 && errno == ENODEV)
			return 0;	/* unmounted */
		if (n < 0)
			die("read /dev/fuse");
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *ii = arg;
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ?
					 ii->minor : FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead,
				.max_write = 4096,
			};
			reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out o = { .nodeid = FILE_INO, .generation = 1,
						    .entry_valid = 3600, .attr_valid = 3600 };

			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "stall")) {
				reply(fd, in->unique, -ENOENT, NULL, 0);
				break;
			}
			fill_attr(&o.attr, FILE_INO);
			reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = { .attr_valid = 3600 };

			fill_attr(&o.attr, in->nodeid);
			reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_OPEN: {
			struct fuse_open_out o = { .fh = 1 };

			reply(fd, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_READ: {
			/* The point of it all: never answered.  Say who asked. */
			char path[64], comm[32] = "?";
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%u/comm", in->pid);
			f = fopen(path, "r");
			if (f) {
				if (!fgets(comm, sizeof(comm), f))
					strcpy(comm, "?");
				comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			printf("read %lu by pid %u (%s)\n", ++reads, in->pid, comm);
			fflush(stdout);
			break;
		}
		case FUSE_FLUSH:
		case FUSE_RELEASE:
			reply(fd, in->unique, 0, NULL, 0);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
			break;
		default:
			reply(fd, in->unique, -ENOSYS, NULL, 0);
			break;
		}
	}
}

static volatile int32_t var;

/* Sits in pause() with its stack pointer at sp; never touches memory. */
static void *stall_thread(void *sp)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "1: mov $34, %%eax\n\t"	/* SYS_pause */
			 "syscall\n\t"
			 "jmp 1b"
			 : : "r"(sp) : "rax", "rcx", "r11", "memory");
	return NULL;
}

static int target(const char *file)
{
	char line[128];
	pthread_t t;
	char *m;
	int fd;
	long v;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(file);
	m = mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap");
	if (pthread_create(&t, NULL, stall_thread, m + FILE_SIZE / 2))
		die("pthread_create");
	/*
	 * The command line: the first 4 KiB of the file.  The mapping lies
	 * below the stack, so start moves first (start <= end at each step).
	 */
	if (prctl(PR_SET_MM, PR_SET_MM_ARG_START, (unsigned long)m, 0, 0) < 0 ||
	    prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)m + 4096, 0, 0) < 0)
		die("prctl PR_SET_MM_ARG_START/END");

	printf("pid=%d addr=0x%" PRIxPTR "\n", (int)getpid(), (uintptr_t)&var);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "set %ld", &v) == 1) {
			var = (int32_t)v;
			printf("ok set %ld\n", v);
		} else {
			printf("error: bad command\n");
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--serve"))
		return serve(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--target"))
		return target(argv[2]);
	fputs("usage: vmon-fuse --serve MNT | --target FILE\n", stderr);
	return 2;
}
