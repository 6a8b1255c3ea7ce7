// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding separate debug files on the local disk only.  libdwfl's standard
 * search ends by asking debuginfod: it loads libdebuginfod, libcurl and
 * gnutls even when $DEBUGINFOD_URLS is empty, and queries the network when
 * it is set, for every file without local debug info.  A snapshot of scope
 * "system" names dozens of such files, so symbolizing one report would wait
 * on servers nobody asked about.  This search does what the standard one
 * does locally: by build ID under the debug directories, then by
 * .gnu_debuglink next to the file, in its .debug/ and under /usr/lib/debug.
 * A debuglink file counts only when its build ID matches the module's (in
 * place of the CRC, which would need the whole file read).
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdwelf.h>

#include "modules.h"

/* Does the ELF file open as fd carry the build ID id of len bytes? */
static bool same_build_id(int fd, const void *id, int len)
{
	const void *got;
	ssize_t n = -1;
	Elf *elf;

	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf)
		n = dwelf_elf_gnu_build_id(elf, &got);
	bool same = n == len && !memcmp(got, id, (size_t)len);
	elf_end(elf);
	return same;
}

/* Open one debuglink candidate; the fd if it is the module's, else -1. */
static int try_candidate(const char *path, const char *file_name,
			 const void *id, int len, char **found)
{
	int fd;

	/* The file itself is not its own debug file. */
	if (file_name && !strcmp(path, file_name))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!same_build_id(fd, id, len)) {
		close(fd);
		return -1;
	}
	*found = strdup(path);
	return fd;
}

static int find_debuglink(Dwfl_Module *mod, const char *file_name,
			  const char *link, char **found)
{
	char dir[PATH_MAX], path[PATH_MAX];
	const char *const fmts[] = { "%s/%s", "%s/.debug/%s", "/usr/lib/debug%s/%s" };
	const unsigned char *id;
	GElf_Addr vaddr;
	size_t i;
	int len, fd;

	len = dwfl_module_build_id(mod, &id, &vaddr);
	if (len <= 0 || !file_name || strlen(file_name) >= sizeof(dir))
		return -1;	/* nothing to check a candidate against */
	strcpy(dir, file_name);
	dirname(dir);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (snprintf(path, sizeof(path), fmts[i], dir, link) >= (int)sizeof(path))
			continue;
		fd = try_candidate(path, file_name, id, len, found);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

int vmon__find_debuginfo_local(Dwfl_Module *mod, void **userdata,
			       const char *modname, GElf_Addr base,
			       const char *file_name, const char *debuglink_file,
			       GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	int fd;

	fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base,
					  file_name, debuglink_file,
					  debuglink_crc, debuginfo_file_name);
	if (fd >= 0 || !debuglink_file)
		return fd;
	return find_debuglink(mod, file_name, debuglink_file,
			      debuginfo_file_name);
}
