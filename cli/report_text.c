// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI trigger reports as text: a block per task, columns aligned across the report. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A long C++ name overflows its own line rather than widening them all. */
#define SYM_COL_MAX	48
#define SRC_COL_MAX	32

enum { COL_SYM, COL_SRC, COL_MOD, NCOLS };

/* Control bytes would move the terminal's cursor: they show as '?'. */
static void scrub(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/*
 * The cells of a frame line, malloc'd and scrubbed: "sym+0x1a", then
 * "file.c:42", then the module's base name ("[ext4]" for a kernel module's).
 * Out of memory leaves a cell empty.
 */
static void frame_cells(char *cell[NCOLS], const struct vmon_frame *fr,
			bool user)
{
	const char *mod = path_base(fr->module);
	int i;

	if (!fr->symbol)
		i = asprintf(&cell[COL_SYM], "??");
	else if (fr->inlined)
		i = asprintf(&cell[COL_SYM], "%s [inlined]", fr->symbol);
	else
		i = asprintf(&cell[COL_SYM], "%s+0x%" PRIx64, fr->symbol,
			     fr->offset);
	if (i < 0)
		cell[COL_SYM] = NULL;
	if (!fr->file)
		i = asprintf(&cell[COL_SRC], "%s", "");
	else if (fr->line)
		i = asprintf(&cell[COL_SRC], "%s:%u", path_base(fr->file),
			     fr->line);
	else
		i = asprintf(&cell[COL_SRC], "%s", path_base(fr->file));
	if (i < 0)
		cell[COL_SRC] = NULL;
	/* The library names the kernel's own code "[kernel]": noise on every line. */
	if (!mod || (!user && !strcmp(mod, "[kernel]")))
		i = asprintf(&cell[COL_MOD], "%s", "");
	else
		i = asprintf(&cell[COL_MOD], user || mod[0] == '[' ? "%s" : "[%s]",
			     mod);
	if (i < 0)
		cell[COL_MOD] = NULL;
	for (i = 0; i < NCOLS; i++)
		if (cell[i])
			scrub(cell[i]);
}

static void cells_free(char *cell[NCOLS])
{
	int i;

	for (i = 0; i < NCOLS; i++)
		free(cell[i]);
}

static void measure(size_t width[NCOLS], const struct vmon_frame *fr,
		    size_t n, bool user)
{
	static const size_t cap[NCOLS] = { SYM_COL_MAX, SRC_COL_MAX, 0 };
	char *cell[NCOLS];
	size_t i, len;
	int c;

	for (i = 0; i < n; i++) {
		frame_cells(cell, &fr[i], user);
		for (c = 0; c < NCOLS; c++) {
			len = cell[c] ? strlen(cell[c]) : 0;
			if (len > cap[c])
				len = cap[c];
			if (len > width[c])
				width[c] = len;
		}
		cells_free(cell);
	}
}

static void frame_line(FILE *f, const char *mark, const struct vmon_frame *fr,
		       const size_t width[NCOLS], bool user)
{
	char *cell[NCOLS];
	int c, last = NCOLS - 1;

	frame_cells(cell, fr, user);
	/* Pad only up to the last nonempty cell: no trailing blanks. */
	while (last > 0 && (!cell[last] || !cell[last][0]))
		last--;
	fprintf(f, "  %s  0x%016" PRIx64, mark, fr->addr);
	for (c = 0; c <= last; c++)
		fprintf(f, "  %-*s", c < last ? (int)width[c] : 0,
			cell[c] ? cell[c] : "");
	fputc('\n', f);
	cells_free(cell);
}

static void task_header(FILE *f, const struct vmon_task *t)
{
	fprintf(f, "  ## pid %d  tid %d  comm ", (int)t->pid, (int)t->tid);
	put_clean(f, t->comm[0] ? t->comm : "?");
	fprintf(f, "  state %c", t->state > 0x20 && t->state < 0x7f ? t->state : '?');
	if (t->cpu >= 0)
		fprintf(f, "  cpu %d", t->cpu);
	if (t->cgroup) {
		fputs("  cgroup ", f);
		put_clean(f, t->cgroup);
	}
	if (t->flags & VMON_TASK_F_KTHREAD)
		fputs("  (kernel thread)", f);
	/* Its user registers are from its last entry into the kernel. */
	if (t->flags & VMON_TASK_F_ONCPU)
		fprintf(f, "  (running on cpu %d: registers stale)", t->cpu);
	/* Like /proc/PID/stack: kernel addresses only for CAP_SYS_ADMIN. */
	if (t->flags & VMON_TASK_F_KSTACK_WITHHELD)
		fputs("  (kernel stack withheld: watch made without CAP_SYS_ADMIN)", f);
	fputc('\n', f);
}

static void ancestry(FILE *f, const struct vmon_process *p)
{
	int pid_w = 0, comm_w = 0, n;
	size_t i;

	for (i = 0; i < p->n_chain; i++) {
		n = snprintf(NULL, 0, "%d", (int)p->chain[i].pid);
		if (n > pid_w)
			pid_w = n;
		n = (int)strlen(p->chain[i].comm);
		if (n > comm_w)
			comm_w = n;
	}
	for (i = 0; i < p->n_chain; i++) {
		const struct vmon_ancestor *a = &p->chain[i];
		const char *cmd = a->cmdline ? a->cmdline : "";

		fprintf(f, "  #^  %*d  ", pid_w, (int)a->pid);
		put_clean(f, a->comm);
		if (*cmd) {
			fprintf(f, "%*s", comm_w - (int)strlen(a->comm) + 2, "");
			put_clean(f, cmd);
		}
		fputc('\n', f);
	}
}

static void task_block(FILE *f, const struct vmon_report *r,
		       const struct vmon_task *t, const size_t width[NCOLS])
{
	const struct vmon_process *p = vmon_report_process(r, t->pid);
	size_t i;

	task_header(f, t);
	for (i = 0; i < t->n_user; i++)
		frame_line(f, "#~", &t->user[i], width, true);
	if (t->unwind_error) {
		fputs("  #!  user stack ends: ", f);
		put_clean(f, t->unwind_error);
		fputc('\n', f);
	}
	for (i = 0; i < t->n_kernel; i++)
		frame_line(f, "#@", &t->kernel[i], width, false);
	fputs("  #*  ", f);
	put_clean(f, t->comm[0] ? t->comm : "?");
	fputc('\n', f);
	if (p)
		ancestry(f, p);
	fputc('\n', f);
}

void report_text(FILE *f, const struct vmon_report *r)
{
	size_t width[NCOLS] = { 0 };
	size_t i;

	for (i = 0; i < r->n_tasks; i++) {
		measure(width, r->tasks[i].user, r->tasks[i].n_user, true);
		measure(width, r->tasks[i].kernel, r->tasks[i].n_kernel, false);
	}
	for (i = 0; i < r->n_tasks; i++)
		task_block(f, r, &r->tasks[i], width);
	if (r->tasks_omitted)
		fprintf(f, "  (%" PRIu32 " task%s left out: vmon config max_tasks)\n",
			r->tasks_omitted, r->tasks_omitted == 1 ? "" : "s");
	if (r->incomplete)
		fputs("  (snapshot incomplete: parts were lost)\n", f);
	if (!r->n_tasks && !r->tasks_omitted && !r->incomplete)
		fputs("  (no tasks captured)\n", f);
	if (r->tasks_omitted || r->incomplete || !r->n_tasks)
		fputc('\n', f);
}
