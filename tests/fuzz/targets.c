/*
 * vmon-fuzz: hostile targets.  Each slot is a process that keeps four
 * pages of counters rising and, every few milliseconds, does something a
 * watch must survive: fork (and hand the slot to the child), exec itself,
 * exit, munmap and map again, mremap, MADV_DONTNEED, mprotect.  The slot
 * table lives in a memfd, so a target that execs finds it again.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

#define PAGES 4
#define PAGE 4096

static struct fz_slot *map_slots(int memfd)
{
	void *p = mmap(NULL, sizeof(struct fz_slot) * FZ_SLOTS, PROT_READ | PROT_WRITE,
		       MAP_SHARED, memfd, 0);

	if (p == MAP_FAILED) {
		perror("vmon-fuzz: mmap slots");
		exit(2);
	}
	return p;
}

struct fz_slot *fz_slots_create(int *memfd)
{
	/* Inherited across exec on purpose (no MFD_CLOEXEC). */
	*memfd = memfd_create("vmon-fuzz-slots", 0);
	if (*memfd < 0 || ftruncate(*memfd, sizeof(struct fz_slot) * FZ_SLOTS) < 0) {
		perror("vmon-fuzz: memfd");
		exit(2);
	}
	return map_slots(*memfd);
}

struct fz_slot *fz_slots_attach(int memfd)
{
	return map_slots(memfd);
}

static void nap(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static uint32_t *map_pages(struct fz_slot *s)
{
	uint32_t *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	s->addr = (uintptr_t)p;
	return p;
}

void fz_target_main(struct fz_slot *slots, int memfd, unsigned int idx)
{
	struct fz_slot *s = &slots[idx];
	uint32_t *v;
	char fdarg[16], idxarg[16];
	void *q;
	pid_t pid;

	rng_seed((uint64_t)getpid() * 7919 + idx);
	s->pid = getpid();
	v = map_pages(s);
	for (;;) {
		for (unsigned int i = 0; i < 64; i++)
			v[rng_below(PAGES * PAGE / 4)] += 1 + rng_below(3);
		nap(200 + rng_below(2000));
		switch (rng_below(64)) {
		case 0:		/* fork; the child takes the slot, the parent goes */
			pid = fork();
			if (pid > 0)
				_exit(0);
			if (pid == 0)
				s->pid = getpid();
			break;
		case 1:		/* fork; the child writes (COW) and exits */
			pid = fork();
			if (pid == 0) {
				v[0]++;
				nap(1000);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 2:		/* exec: the same pid, a new address space */
			snprintf(fdarg, sizeof(fdarg), "%d", memfd);
			snprintf(idxarg, sizeof(idxarg), "%u", idx);
			execl("/proc/self/exe", "vmon-fuzz", "--target", fdarg, idxarg, (char *)NULL);
			break;
		case 3:
			_exit(0);
		case 4:		/* unmap, then map elsewhere */
			munmap(v, PAGES * PAGE);
			v = map_pages(s);
			break;
		case 5:		/* mremap to a new place */
			q = mremap(v, PAGES * PAGE, PAGES * PAGE * 2, MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				munmap((char *)q + PAGES * PAGE, PAGES * PAGE);
				v = q;
				s->addr = (uintptr_t)q;
			}
			break;
		case 6:
			madvise(v, PAGES * PAGE, MADV_DONTNEED);
			break;
		case 7:
			mprotect(v, PAGE, PROT_READ);
			nap(500);
			mprotect(v, PAGE, PROT_READ | PROT_WRITE);
			break;
		}
	}
}

static pid_t spawn(struct fz_slot *slots, int memfd, unsigned int idx)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fz_target_main(slots, memfd, idx);
	}
	if (pid > 0)
		slots[idx].pid = pid;
	return pid;
}

void fz_targets_start(struct fz_slot *slots, int memfd, unsigned int n)
{
	/* Targets that fork away are reparented here, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (unsigned int i = 0; i < n; i++)
		spawn(slots, memfd, i);
	nap(20000);
}

/* Reap what exited and give each empty slot a new target. */
void fz_targets_tend(struct fz_slot *slots, int memfd, unsigned int n,
		     struct fz_counts *c)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	for (unsigned int i = 0; i < n; i++) {
		pid_t pid = slots[i].pid;

		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
			continue;
		if (spawn(slots, memfd, i) > 0)
			c->respawned++;
	}
}

void fz_targets_stop(struct fz_slot *slots, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGKILL);
	nap(50000);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* A target that never does anything hostile: the privileged sentinel's. */
pid_t fz_quiet_target(uint64_t *addr)
{
	uint32_t *v = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	if (v == MAP_FAILED)
		return -1;
	*addr = (uintptr_t)v;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}
