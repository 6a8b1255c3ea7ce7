/* vmon CLI trigger reports: what the printers and the reader share. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

const struct vmon_process *report_process(const struct vmon_report *r,
					  pid_t pid)
{
	size_t i;

	for (i = 0; i < r->n_procs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

const char *path_base(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

const char *task_flag_name(unsigned int bit)
{
	static const char *const names[] = { "kthread", "oncpu", "watched" };

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

static void frames_free(struct vmon_frame *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)f[i].symbol);
		free((char *)f[i].module);
		free((char *)f[i].file);
	}
	free(f);
}

void report_free(struct vmon_report *r)
{
	size_t i, j;

	if (!r)
		return;
	for (i = 0; i < r->n_tasks; i++) {
		free(r->tasks[i].cgroup);
		free(r->tasks[i].stack);
		free(r->tasks[i].kstack);
		free((char *)r->tasks[i].unwind_error);
		frames_free(r->tasks[i].user, r->tasks[i].n_user);
		frames_free(r->tasks[i].kernel, r->tasks[i].n_kernel);
	}
	free(r->tasks);
	for (i = 0; i < r->n_procs; i++) {
		for (j = 0; j < r->procs[i].n_chain; j++)
			free(r->procs[i].chain[j].cmdline);
		free(r->procs[i].chain);
		for (j = 0; j < r->procs[i].n_maps; j++)
			free(r->procs[i].maps[j].path);
		free(r->procs[i].maps);
	}
	free(r->procs);
	free(r);
}
