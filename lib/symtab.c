// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon process symbols: the data objects of every file a process maps, by address. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules.h"
#include "resolve-internal.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * The files worth reporting: mapped executable, as snapshots list them.
 * A file replaced on disk since it was mapped (" (deleted)") is left out:
 * what is there now is not what runs.
 */
static int exec_mappings(const struct vmon_procmaps *pm,
			 struct vmon_mapping **out, size_t *n)
{
	size_t i;

	*n = 0;
	*out = calloc(pm->n ? pm->n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < pm->n; i++) {
		const struct vmon_procmap *m = &pm->v[i];

		if (!m->executable || !m->path || m->path[0] != '/' ||
		    ends_with(m->path, " (deleted)"))
			continue;
		(*out)[(*n)++] = (struct vmon_mapping){
			.start = m->start, .end = m->end, .pgoff = m->pgoff,
			.path = m->path,
		};
	}
	return 0;
}

static int report_files(struct vmon_symbols *s, char *err, size_t errlen)
{
	struct vmon_mapping *maps;
	size_t n, reported;
	int open_err, rc;
	char root[32];

	rc = exec_mappings(&s->maps, &maps, &n);
	if (rc)
		return rc;
	if (!n) {
		free(maps);
		snprintf(err, errlen, "pid %d maps no ELF files (a kernel thread, "
			 "or a process that is exiting)", (int)s->pid);
		return -ESRCH;
	}
	s->dwfl = vmon__dwfl_local();
	if (!s->dwfl) {
		free(maps);
		snprintf(err, errlen, "libdwfl could not start: %s",
			 dwfl_errmsg(-1));
		return -ENOMEM;
	}
	/* The paths are the process's: in a container they are not ours. */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)s->pid);
	dwfl_report_begin(s->dwfl);
	reported = vmon__report_maps(s->dwfl, maps, n, root, &open_err);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!reported) {
		snprintf(err, errlen, "cannot open the ELF files pid %d maps (%s: %s)%s",
			 (int)s->pid, maps[0].path, strerror(open_err),
			 open_err == EACCES ? "; run as root or as the user it runs as" : "");
		rc = open_err == EACCES ? -EACCES : -ENOENT;
	}
	free(maps);
	return rc;
}

static int add_module(Dwfl_Module *mod, void **userdata, const char *name,
		      Dwarf_Addr start, void *arg)
{
	struct vmon_symbols *s = arg;
	const char *slash = strrchr(name, '/');
	Dwarf_Addr end = start;

	(void)userdata;
	dwfl_module_info(mod, NULL, NULL, &end, NULL, NULL, NULL, NULL);
	s->mods[s->n_mods++] = (struct vmon_module){
		.mod = mod, .path = name, .base = slash ? slash + 1 : name,
		.start = start, .end = end,
	};
	return DWARF_CB_OK;
}

/*
 * Which module is the executable: /proc/PID/exe, else the first file
 * mapped (the kernel maps the executable before anything else).
 */
static void mark_exe(struct vmon_symbols *s)
{
	char link[64], exe[PATH_MAX];
	const char *want = NULL;
	ssize_t n;
	size_t i;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)s->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		want = exe;
	}
	for (i = 0; !want && i < s->maps.n; i++)
		if (s->maps.v[i].path && s->maps.v[i].path[0] == '/')
			want = s->maps.v[i].path;
	for (i = 0; want && i < s->n_mods; i++)
		s->mods[i].is_exe = !strcmp(s->mods[i].path, want);
}

/* The executable first, then by address: the order messages list files in. */
static int cmp_module(const void *a, const void *b)
{
	const struct vmon_module *x = a, *y = b;

	if (x->is_exe != y->is_exe)
		return x->is_exe ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int collect_modules(struct vmon_symbols *s)
{
	ptrdiff_t left;

	/* One mapping per module at least: the count bounds the modules. */
	s->mods = calloc(s->maps.n ? s->maps.n : 1, sizeof(*s->mods));
	if (!s->mods)
		return -ENOMEM;
	left = dwfl_getmodules(s->dwfl, add_module, s, 0);
	if (left != 0)
		return -EIO;
	mark_exe(s);
	qsort(s->mods, s->n_mods, sizeof(*s->mods), cmp_module);
	return 0;
}

static int sym_push(struct vmon_symbols *s, size_t *cap,
		    const struct vmon_datasym *d)
{
	if (s->n_syms == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct vmon_datasym *v = realloc(s->syms, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->syms = v;
		*cap = ncap;
	}
	s->syms[s->n_syms++] = *d;
	return 0;
}

/*
 * .symtab where libdwfl finds one (the file or its debug file), else
 * .dynsym.  Objects outside the file's segments are in sections never
 * loaded (libc's .gnu.warning ones): no address of the process is theirs.
 */
static int collect_module_syms(struct vmon_symbols *s, uint32_t mi, size_t *cap)
{
	const struct vmon_module *m = &s->mods[mi];
	Dwfl_Module *mod = m->mod;
	int i, n = dwfl_module_getsymtab(mod);

	for (i = 1; i < n; i++) {
		struct vmon_datasym d;
		const char *name;
		GElf_Addr addr;
		GElf_Word shndx;
		GElf_Sym sym;
		int type;

		name = dwfl_module_getsym_info(mod, i, &sym, &addr, &shndx, NULL,
					       NULL);
		type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || shndx == SHN_UNDEF ||
		    (type != STT_OBJECT && type != STT_TLS) ||
		    (type == STT_OBJECT && (addr < m->start || addr >= m->end)))
			continue;
		d = (struct vmon_datasym){
			.name = name, .name_len = strcspn(name, "@"),
			.addr = addr, .size = sym.st_size, .module = mi,
			.bind = GELF_ST_BIND(sym.st_info), .tls = type == STT_TLS,
		};
		if (sym_push(s, cap, &d))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct vmon_datasym *x = a, *y = b;
	int c;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	c = memcmp(x->name, y->name, x->name_len);
	return c ? c : x->tls - y->tls;
}

static uint64_t sym_end(const struct vmon_datasym *d)
{
	return d->tls ? 0 : d->addr + d->size;
}

/*
 * Sorted by address, each name once per address and file (a file's
 * auxiliary symbol table repeats some), with the running highest end
 * that lets a lookup stop scanning back.
 */
static int index_syms(struct vmon_symbols *s)
{
	size_t i, n = 0;

	if (!s->n_syms)
		return 0;
	qsort(s->syms, s->n_syms, sizeof(*s->syms), cmp_sym);
	for (i = 0; i < s->n_syms; i++)
		if (!n || cmp_sym(&s->syms[n - 1], &s->syms[i]))
			s->syms[n++] = s->syms[i];
	s->n_syms = n;
	s->max_end = calloc(n, sizeof(*s->max_end));
	if (!s->max_end)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t end = sym_end(&s->syms[i]);

		s->max_end[i] = i && s->max_end[i - 1] > end ? s->max_end[i - 1] : end;
	}
	return 0;
}

int vmon_symbols_open(pid_t pid, struct vmon_symbols **sp, char *err,
		      size_t errlen)
{
	struct vmon_symbols *s;
	char scratch[1];
	size_t i, cap = 0;
	int rc;

	if (!err || !errlen) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	*sp = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->pid = pid;
	rc = vmon__procmaps_read(pid, &s->maps, err, errlen);
	if (!rc)
		rc = report_files(s, err, errlen);
	if (!rc)
		rc = collect_modules(s);
	for (i = 0; !rc && i < s->n_mods; i++)
		rc = collect_module_syms(s, (uint32_t)i, &cap);
	if (!rc)
		rc = index_syms(s);
	if (rc) {
		if (rc == -ENOMEM || rc == -EIO)
			snprintf(err, errlen, "%s", rc == -ENOMEM ? "out of memory" :
				 dwfl_errmsg(-1));
		vmon_symbols_close(s);
		return rc;
	}
	*sp = s;
	return 0;
}

void vmon_symbols_close(struct vmon_symbols *s)
{
	if (!s)
		return;
	if (s->dwfl)
		dwfl_end(s->dwfl);
	vmon__procmaps_free(&s->maps);
	free(s->mods);
	free(s->syms);
	free(s->max_end);
	free(s);
}

/* Does b name an address both cover better: smaller, global, or first by name? */
static bool better(const struct vmon_datasym *a, const struct vmon_datasym *b)
{
	int c;

	if (!a)
		return true;
	if (a->size != b->size)
		return b->size < a->size;
	if ((a->bind == STB_LOCAL) != (b->bind == STB_LOCAL))
		return a->bind == STB_LOCAL;
	c = memcmp(b->name, a->name, b->name_len < a->name_len ?
		   b->name_len : a->name_len);
	return c ? c < 0 : b->name_len < a->name_len;
}

int vmon_symbols_addr(const struct vmon_symbols *s, uint64_t addr, char *buf,
		      size_t len)
{
	const struct vmon_datasym *best = NULL;
	size_t lo = 0, hi = s->n_syms, j;
	int n;

	/* lo: the number of symbols that start at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = lo; j-- > 0 && s->max_end[j] > addr;) {
		const struct vmon_datasym *d = &s->syms[j];

		if (!d->tls && addr < d->addr + d->size && better(best, d))
			best = d;
	}
	if (!best)
		return -ENOENT;
	if (addr == best->addr)
		n = snprintf(buf, len, "%.*s", (int)best->name_len, best->name);
	else
		n = snprintf(buf, len, "%.*s+%#" PRIx64, (int)best->name_len,
			     best->name, addr - best->addr);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int vmon_addr_symbol(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	struct vmon_symbols *s;
	int rc = vmon_symbols_open(pid, &s, NULL, 0);

	if (rc)
		return rc;
	rc = vmon_symbols_addr(s, addr, buf, len);
	vmon_symbols_close(s);
	return rc;
}
