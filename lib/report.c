// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon reports: looking up and freeing a trigger's assembled snapshot. */
#include <stdlib.h>

#include "symbolize.h"

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

static void task_free(struct vmon_task *t)
{
	free(t->cgroup);
	free(t->stack);
	free(t->kstack);
	free((char *)t->unwind_error);
	frames_free(t->user, t->n_user);
	frames_free(t->kernel, t->n_kernel);
}

static void process_free(struct vmon_process *p)
{
	size_t i;

	for (i = 0; i < p->n_chain; i++)
		free(p->chain[i].cmdline);
	free(p->chain);
	for (i = 0; i < p->n_maps; i++)
		free(p->maps[i].path);
	free(p->maps);
}

const struct vmon_process *vmon_report_process(const struct vmon_report *r,
					       pid_t pid)
{
	size_t i;

	for (i = 0; i < r->n_procs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

void vmon_report_free(struct vmon_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_tasks; i++)
		task_free(&r->tasks[i]);
	free(r->tasks);
	for (i = 0; i < r->n_procs; i++)
		process_free(&r->procs[i]);
	free(r->procs);
	free(r);
}
