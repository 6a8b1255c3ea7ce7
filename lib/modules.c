// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon modules: a process's mapped ELF files reported to libdwfl at their load biases. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules.h"

/*
 * The load bias of an ELF file mapped executable at m: the PT_LOAD that
 * holds file offset m->pgoff says which link-time address m->start is.
 */
static bool load_bias(Elf *elf, const struct vmon_mapping *m, uint64_t *bias)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	GElf_Ehdr ehdr;
	size_t i, n;

	if (!gelf_getehdr(elf, &ehdr))
		return false;
	if (ehdr.e_type == ET_EXEC) {
		*bias = 0;
		return true;
	}
	if (ehdr.e_type != ET_DYN || elf_getphdrnum(elf, &n) != 0)
		return false;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if ((ph.p_offset & ~(page - 1)) <= m->pgoff &&
		    m->pgoff < ph.p_offset + ph.p_filesz) {
			*bias = m->start - m->pgoff + ph.p_offset - ph.p_vaddr;
			return true;
		}
	}
	return false;
}

/* Returns 0, or the errno of a file that cannot be opened (EINVAL: not usable ELF). */
static int report_mapping(Dwfl *dwfl, const struct vmon_mapping *m,
			  const char *root)
{
	char *file = NULL;
	uint64_t bias;
	Elf *elf;
	bool ok;
	int fd;

	if (root && asprintf(&file, "%s%s", root, m->path) < 0)
		return ENOMEM;
	fd = open(file ? file : m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(file);
		return errno;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	ok = elf && load_bias(elf, m, &bias);
	elf_end(elf);
	/*
	 * On success the module owns fd and closes it in dwfl_end().  The
	 * file name is where .gnu_debuglink files are looked for.
	 */
	if (ok && dwfl_report_elf(dwfl, m->path, file ? file : m->path, fd,
				  bias, true)) {
		free(file);
		return 0;
	}
	free(file);
	close(fd);
	return EINVAL;
}

static const char *map_path(const struct vmon_mapping *m)
{
	return m->path ? m->path : "";
}

static bool path_seen(const struct vmon_mapping *maps, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(map_path(&maps[j]), map_path(&maps[i])))
			return true;
	return false;
}

size_t vmon__report_maps(Dwfl *dwfl, const struct vmon_mapping *maps, size_t n,
			 const char *root, int *open_err)
{
	size_t i, reported = 0;
	int err;

	elf_version(EV_CURRENT);
	if (open_err)
		*open_err = 0;
	/*
	 * A file mapped executable more than once is one module; reporting
	 * it again would overlap the first.
	 */
	for (i = 0; i < n; i++) {
		if (!maps[i].path || path_seen(maps, i))
			continue;
		err = report_mapping(dwfl, &maps[i], root);
		if (!err)
			reported++;
		else if (open_err && !*open_err)
			*open_err = err;
	}
	return reported;
}

/*
 * Every module is reported with its file already open, so this is never
 * needed; dwfl_build_id_find_elf() would also fall back to debuginfod.
 */
static int find_elf_none(Dwfl_Module *mod, void **userdata, const char *modname,
			 Dwarf_Addr base, char **file_name, Elf **elfp)
{
	(void)mod;
	(void)userdata;
	(void)modname;
	(void)base;
	(void)file_name;
	*elfp = NULL;
	return -1;
}

/*
 * Separate debug files are found by build ID only, under
 * /usr/lib/debug/.build-id where distribution debug packages put them.
 * The standard search (dwfl_standard_find_debuginfo) ends by asking the
 * debuginfod servers in $DEBUGINFOD_URLS, which Debian sets in login
 * shells; even with none set it loads libdebuginfod and libcurl to find
 * that out.  A lookup by name reads every mapped file's symbols, so
 * `vmon watch --var` and `vmon list` would wait on the network for files
 * nobody asked about.  What is lost: .gnu_debuglink files found by name
 * next to a binary.
 */
Dwfl *vmon__dwfl_local(void)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks callbacks = {
		.find_elf = find_elf_none,
		.find_debuginfo = dwfl_build_id_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &debuginfo_path,
	};

	return dwfl_begin(&callbacks);
}
