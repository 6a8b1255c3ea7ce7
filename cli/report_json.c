// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI trigger reports as JSON: the members a trigger's object gains. */
#include <inttypes.h>

#include "format.h"
#include "report.h"

/* Unknown is null, not "": an empty string can be a real value (cmdline). */
static void str_or_null(FILE *f, const char *s)
{
	if (s)
		fmt_json_string(f, s);
	else
		fputs("null", f);
}

static void frame_json(FILE *f, const struct vmon_frame *fr, bool user)
{
	fprintf(f, "{\"addr\":\"0x%" PRIx64 "\",\"symbol\":", fr->addr);
	str_or_null(f, fr->symbol);
	fprintf(f, ",\"offset\":%" PRIu64 ",\"module\":", fr->offset);
	str_or_null(f, fr->module);
	if (user) {
		fputs(",\"file\":", f);
		str_or_null(f, fr->file);
		if (fr->line)
			fprintf(f, ",\"line\":%u", fr->line);
		else
			fputs(",\"line\":null", f);
		fprintf(f, ",\"inlined\":%s", fr->inlined ? "true" : "false");
	}
	fputc('}', f);
}

static void stack_json(FILE *f, const char *key, const struct vmon_frame *fr,
		       size_t n, bool user)
{
	size_t i;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		frame_json(f, &fr[i], user);
	}
	fputc(']', f);
}

static void flags_json(FILE *f, unsigned int flags)
{
	const char *sep = "";
	unsigned int bit;

	fputs(",\"flags\":[", f);
	for (bit = 0; task_flag_name(bit); bit++)
		if (flags & (1U << bit)) {
			fprintf(f, "%s\"%s\"", sep, task_flag_name(bit));
			sep = ",";
		}
	fputc(']', f);
}

static void task_json(FILE *f, const struct vmon_task *t)
{
	fprintf(f, "{\"pid\":%d,\"tid\":%d,\"comm\":", (int)t->pid, (int)t->tid);
	str_or_null(f, t->comm[0] ? t->comm : NULL);
	if (t->state)
		fprintf(f, ",\"state\":\"%c\"", t->state);
	else
		fputs(",\"state\":null", f);
	if (t->cpu >= 0)
		fprintf(f, ",\"cpu\":%d", t->cpu);
	else
		fputs(",\"cpu\":null", f);
	flags_json(f, t->flags);
	fputs(",\"cgroup\":", f);
	str_or_null(f, t->cgroup);
	stack_json(f, "user_stack", t->user, t->n_user, true);
	stack_json(f, "kernel_stack", t->kernel, t->n_kernel, false);
	fputs(",\"unwind_error\":", f);
	str_or_null(f, t->unwind_error);
	fputc('}', f);
}

static void chain_json(FILE *f, const struct vmon_process *p)
{
	size_t i;

	fputs("\"chain\":[", f);
	for (i = 0; p && i < p->n_chain; i++) {
		const struct vmon_ancestor *a = &p->chain[i];

		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)a->pid);
		str_or_null(f, a->comm[0] ? a->comm : NULL);
		fputs(",\"cmdline\":", f);
		str_or_null(f, a->cmdline);
		fputc('}', f);
	}
	fputc(']', f);
}

/*
 * "chain" is the watched process's, the one most readers want; "processes"
 * holds the others (scope system) and is always there, empty or not, so
 * readers need not test for it.  A metric watch watches no process: its
 * chain is empty and every process is in "processes".
 */
void report_json(FILE *f, const struct vmon_trigger *t)
{
	const struct vmon_report *r = t->report;
	const struct vmon_process *watched;
	const char *sep = "";
	size_t i;

	watched = t->metric ? NULL : vmon_report_process(r, t->pid);

	fputs(",\"tasks\":[", f);
	for (i = 0; i < r->n_tasks; i++) {
		if (i)
			fputc(',', f);
		task_json(f, &r->tasks[i]);
	}
	fputs("],", f);
	chain_json(f, watched);
	fputs(",\"processes\":[", f);
	for (i = 0; i < r->n_procs; i++) {
		if (watched && r->procs[i].pid == t->pid)
			continue;
		fprintf(f, "%s{\"pid\":%d,", sep, (int)r->procs[i].pid);
		chain_json(f, &r->procs[i]);
		fputc('}', f);
		sep = ",";
	}
	fprintf(f, "],\"tasks_omitted\":%" PRIu32 ",\"incomplete\":%s",
		r->tasks_omitted, r->incomplete ? "true" : "false");
}
