/* Unit test helper: run build/vmon (from the repository root) and keep what it says. */
#ifndef VMON_UNIT_RUN_VMON_H
#define VMON_UNIT_RUN_VMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"

#define VMON		"build/vmon"

#define ARGS(...) ((char *const[]){ __VA_ARGS__, NULL })

/*
 * Runs `vmon ARGS` with env ("NAME=VALUE" strings, NULL-terminated; or
 * NULL) added, its stderr (and its stdout too with both) into out.
 * Returns its exit status.
 */
static inline int run_vmon_out(char *const *args, char *const *env, bool both,
			       char *out, size_t outlen)
{
	char *argv[24] = { VMON };
	int p[2], st;
	size_t i, got = 0;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = args[i];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(both ? p[1] : null, 1);
		dup2(p[1], 2);
		for (; env && *env; env++)
			putenv(*env);
		execv(VMON, argv);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < outlen && (n = read(p[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int run_vmon(char *const *args, char *const *env, char *out,
			   size_t outlen)
{
	return run_vmon_out(args, env, false, out, outlen);
}

/* Check "PREFIX:NAME": `vmon ARGS` exits want_rc and says `says` on stderr. */
static inline void check_vmon(const char *prefix, const char *name,
			      char *const *args, int want_rc, const char *says)
{
	char out[4096], full[96];
	int rc = run_vmon(args, NULL, out, sizeof(out));

	snprintf(full, sizeof(full), "%s:%s", prefix, name);
	check(full, rc == want_rc && strstr(out, says), "exit %d (want %d), "
	      "stderr lacks '%s': %s", rc, want_rc, says, out);
}

#endif /* VMON_UNIT_RUN_VMON_H */
