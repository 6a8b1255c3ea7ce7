/* vmon-multi: N int32 variables in one array for many-watch tests; "set I V" on stdin writes one. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[128], *end;
	volatile int32_t *vars;
	unsigned long n, i;
	long v;

	n = argc == 2 ? strtoul(argv[1], &end, 10) : 0;
	if (n == 0 || *end) {
		fputs("usage: vmon-multi N   (then stdin: \"set I V\" lines)\n", stderr);
		return 2;
	}
	vars = calloc(n, sizeof(*vars));
	if (!vars) {
		perror("vmon-multi: calloc");
		return 1;
	}
	printf("pid=%d base=0x%" PRIxPTR " stride=%zu\n", (int)getpid(),
	       (uintptr_t)vars, sizeof(*vars));
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (sscanf(line, "set %lu %ld", &i, &v) == 2 && i < n) {
			vars[i] = (int32_t)v;
			printf("ok %s\n", line);
		} else {
			printf("error: bad command '%s'\n", line);
		}
		fflush(stdout);
	}
	return 0;
}
