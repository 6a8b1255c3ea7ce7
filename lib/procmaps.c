// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon process maps: /proc/PID/maps read into ranges, permissions and paths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-internal.h"

static int read_error(pid_t pid, int e, char *err, size_t errlen)
{
	if (e == ENOENT || e == ESRCH) {
		snprintf(err, errlen, "no process %d", (int)pid);
		return -ESRCH;
	}
	if (e == EACCES || e == EPERM) {
		snprintf(err, errlen, "cannot read /proc/%d/maps: %s; run as root "
			 "or as the user pid %d runs as", (int)pid, strerror(e),
			 (int)pid);
		return -EACCES;
	}
	snprintf(err, errlen, "cannot read /proc/%d/maps: %s", (int)pid,
		 strerror(e));
	return -e;
}

/*
 * "start-end perms offset dev inode   path", the path possibly with blanks.
 * Returns 1, 0 for a line that is not one, or -ENOMEM.
 */
static int parse_line(char *line, struct vmon_procmap *m)
{
	unsigned long long start, end, off;
	char perms[8];
	char *path;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms,
		   &off, &pos) < 4 || !pos)
		return 0;
	path = line + pos;
	path[strcspn(path, "\n")] = '\0';
	*m = (struct vmon_procmap){
		.start = start, .end = end, .pgoff = off,
		.writable = perms[1] == 'w', .executable = perms[2] == 'x',
	};
	if (*path) {
		m->path = strdup(path);
		if (!m->path)
			return -ENOMEM;
	}
	return 1;
}

int vmon__procmaps_read(pid_t pid, struct vmon_procmaps *m, char *err,
			size_t errlen)
{
	char path[64], *line = NULL;
	size_t cap = 0, linecap = 0;
	int rc = 0, r;
	FILE *f;

	*m = (struct vmon_procmaps){ NULL, 0 };
	if (pid <= 0)
		return read_error(pid, ESRCH, err, errlen);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return read_error(pid, errno, err, errlen);
	/* The kernel checks access on the first read as well as on open. */
	errno = 0;
	while (getline(&line, &linecap, f) > 0) {
		if (m->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct vmon_procmap *v = realloc(m->v, ncap * sizeof(*v));

			if (!v) {
				rc = -ENOMEM;
				break;
			}
			m->v = v;
			cap = ncap;
		}
		r = parse_line(line, &m->v[m->n]);
		if (r < 0) {
			rc = r;
			break;
		}
		m->n += r;
	}
	if (!rc && ferror(f))
		rc = read_error(pid, errno ? errno : EIO, err, errlen);
	else if (rc)
		snprintf(err, errlen, "out of memory");
	free(line);
	fclose(f);
	if (rc)
		vmon__procmaps_free(m);
	return rc;
}

void vmon__procmaps_free(struct vmon_procmaps *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	*m = (struct vmon_procmaps){ NULL, 0 };
}

const struct vmon_procmap *vmon__procmaps_find(const struct vmon_procmaps *m,
					       uint64_t addr)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (addr >= m->v[i].start && addr < m->v[i].end)
			return &m->v[i];
	return NULL;
}
