/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmon internals: a process's mapped ELF files as libdwfl modules, at their load biases. */
#ifndef VMON_MODULES_H
#define VMON_MODULES_H

#include <elfutils/libdwfl.h>

#include "internal.h"

/*
 * Report the ELF file of every mapping in maps (executable file mappings,
 * as /proc/PID/maps or a snapshot lists them) to dwfl once, at the load
 * bias its mapping implies; between dwfl_report_begin() and
 * dwfl_report_end().  Files are opened under root when it is not NULL
 * ("/proc/PID/root": the process's own files, in a container too) and
 * named by their paths in maps.  Returns how many files were reported;
 * *open_err (if not NULL) gets the errno of the first file that could not
 * be opened, or 0.
 */
VMON_INTERNAL size_t vmon__report_maps(Dwfl *dwfl, const struct vmon_mapping *maps,
				       size_t n, const char *root, int *open_err);

/*
 * A Dwfl for reading symbols and types of local files: separate debug
 * files come from the local disk only, never from debuginfod servers.
 */
VMON_INTERNAL Dwfl *vmon__dwfl_local(void);

/*
 * A Dwfl_Callbacks find_debuginfo that searches the local disk only (by
 * build ID, then by .gnu_debuglink with a matching build ID); debuginfo.c.
 */
VMON_INTERNAL int vmon__find_debuginfo_local(Dwfl_Module *mod, void **userdata,
					     const char *modname, GElf_Addr base,
					     const char *file_name,
					     const char *debuglink_file,
					     GElf_Word debuglink_crc,
					     char **debuginfo_file_name);

#endif /* VMON_MODULES_H */
