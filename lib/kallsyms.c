// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon kernel symbols: /proc/kallsyms loaded once, and kernel frames named from it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unwind-internal.h"

struct ksym {
	uint64_t addr;
	const char *name;	/* into text */
	const char *module;	/* "[kernel]", or the module's name into text */
};

struct vmon_kallsyms {
	char *text;		/* the whole file, cut into strings in place */
	struct ksym *syms;	/* text symbols, sorted by address */
	size_t n;
};

void vmon__kallsyms_free(struct vmon_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->text);
	free(ks->syms);
	free(ks);
}

/* procfs files report no size, so read until EOF into a growing buffer. */
static char *read_all(const char *path)
{
	size_t len = 0, cap = 0, got;
	char *buf = NULL, *p;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 1 << 20;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		got = fread(buf + len, 1, cap - len - 1, f);

		len += got;
		if (got == 0) {
			buf[len] = '\0';
			fclose(f);
			return buf;
		}
	}
	free(buf);
	fclose(f);
	return NULL;
}

/*
 * One "addr type name [module]" line, cut in place; false when it is not
 * a text symbol.
 */
static bool parse_line(char *line, struct ksym *s)
{
	char *end, *name, *mod;
	char type;

	s->addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ')
		return false;
	type = end[1];
	if (!type || !strchr("tTwW", type) || end[2] != ' ')
		return false;
	name = end + 3;
	end = name + strcspn(name, " \t");
	if (end == name)
		return false;
	mod = *end ? end + 1 + strspn(end + 1, " \t") : end;
	*end = '\0';
	s->name = name;
	s->module = "[kernel]";
	if (*mod == '[') {
		mod[strcspn(mod, "]")] = '\0';
		s->module = mod + 1;
	}
	return true;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct vmon_kallsyms *vmon__kallsyms_load(const char *path)
{
	size_t lines = 1;
	struct vmon_kallsyms *ks;
	bool any_addr = false;
	char *line, *next;

	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	ks->text = read_all(path);
	if (!ks->text)
		goto fail;
	/* At most one symbol a line. */
	for (line = ks->text; *line; line++)
		lines += *line == '\n';
	ks->syms = calloc(lines, sizeof(*ks->syms));
	if (!ks->syms)
		goto fail;
	for (line = ks->text; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (parse_line(line, &ks->syms[ks->n])) {
			any_addr |= ks->syms[ks->n].addr != 0;
			ks->n++;
		}
	}
	/* kptr_restrict shows every address as 0: names alone are no use. */
	if (!any_addr)
		goto fail;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return ks;
fail:
	vmon__kallsyms_free(ks);
	return NULL;
}

/* The symbol at or below addr, or NULL when addr is below them all. */
static const struct ksym *ksym_find(const struct vmon_kallsyms *ks,
				    uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ks->syms[lo - 1] : NULL;
}

void vmon__kernel_frames(const struct vmon_kallsyms *ks, struct vmon_task *t)
{
	size_t i, n = t->n_kstack < VMON_MAX_FRAMES ? t->n_kstack : VMON_MAX_FRAMES;
	struct vmon_frame *f;

	if (!t->kstack || n == 0)
		return;
	f = calloc(n, sizeof(*f));
	if (!f)
		return;
	for (i = 0; i < n; i++) {
		const struct ksym *s = ks ? ksym_find(ks, t->kstack[i]) : NULL;

		f[i].addr = t->kstack[i];
		if (!s)
			continue;
		f[i].symbol = strdup(s->name);
		f[i].module = strdup(s->module);
		f[i].offset = t->kstack[i] - s->addr;
	}
	t->kernel = f;
	t->n_kernel = n;
}
