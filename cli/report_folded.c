// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI trigger reports as folded stacks: a line per task, for flame graph tools. */
#include <inttypes.h>

#include "report.h"

/*
 * flamegraph.pl and speedscope split frames at ';' and the count at the
 * last blank, so neither may appear in a name (C++ names have blanks).
 */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ';')
			fputc(':', f);
		else if (c <= ' ' || c == 0x7f)
			fputc('_', f);
		else
			fputc(c, f);
	}
}

/* Unknown functions keep where they were: "[libc.so.6+0x2a1f0]", else the address. */
static void frame_folded(FILE *f, const struct vmon_frame *fr,
			 const char *suffix)
{
	fputc(';', f);
	if (fr->symbol) {
		put_name(f, fr->symbol);
	} else if (fr->module) {
		fputc('[', f);
		put_name(f, path_base(fr->module));
		if (fr->offset)
			fprintf(f, "+0x%" PRIx64, fr->offset);
		fputc(']', f);
	} else {
		fprintf(f, "0x%" PRIx64, fr->addr);
	}
	fputs(suffix, f);
}

void report_folded(FILE *f, const struct vmon_trigger *t)
{
	const struct vmon_report *r = t->report;
	size_t i, j;

	for (i = 0; i < r->n_tasks; i++) {
		const struct vmon_task *k = &r->tasks[i];

		if (!k->n_user && !k->n_kernel)
			continue;
		put_name(f, k->comm[0] ? k->comm : "?");
		/* Roots first: the arrays are innermost first. */
		for (j = k->n_user; j--; )
			frame_folded(f, &k->user[j], "");
		for (j = k->n_kernel; j--; )
			frame_folded(f, &k->kernel[j], "_[k]");
		fputs(" 1\n", f);
	}
}
