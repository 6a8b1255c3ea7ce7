// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon symbolization: function, line and inlined calls at a user pc. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "unwind-internal.h"

/* libstdc++'s demangler; libvmon links -lstdc++ for it alone. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len,
			    int *status);

char *vmon__demangle(const char *name)
{
	char *plain, *d;
	int status;

	if (!name)
		return NULL;
	/* Symbol tables name versioned symbols "clock_nanosleep@GLIBC_2.2.5". */
	plain = strndup(name, strcspn(name, "@"));
	if (!plain || strncmp(plain, "_Z", 2))
		return plain;
	d = __cxa_demangle(plain, NULL, NULL, &status);
	if (d && status == 0) {
		free(plain);
		return d;
	}
	free(d);
	return plain;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * The name of an inlined call or a function DIE: the linkage name when
 * there is one (it carries C++ scopes and templates), else the plain name;
 * both may live on the abstract origin or the declaration.
 */
static char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute mem;
	const char *name;

	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &mem));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die,
						DW_AT_MIPS_linkage_name, &mem));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &mem));
	return vmon__demangle(name);
}

/* Where an inlined call was made from: its DW_AT_call_file and DW_AT_call_line. */
static void call_site(Dwarf_Die *cu, Dwarf_Die *inl, const char **file,
		      unsigned int *line)
{
	Dwarf_Attribute mem;
	Dwarf_Files *files;
	Dwarf_Word v;
	size_t nfiles;

	*file = NULL;
	*line = 0;
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &mem), &v) == 0)
		*line = v;
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &mem), &v) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && v < nfiles)
		*file = dwarf_filesrc(files, v, NULL, NULL);
}

size_t vmon__pc_frames(Dwfl *dwfl, uint64_t pc, bool activation,
		       struct vmon_frame *out, size_t max)
{
	Dwarf_Addr lookup = activation || pc == 0 ? pc : pc - 1;
	Dwarf_Die *scopes = NULL, *cu, *func = NULL;
	const char *modname, *symname, *file = NULL;
	unsigned int line = 0;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwfl_Line *l;
	GElf_Off off;
	GElf_Sym sym;
	size_t n = 0;
	int i, nscopes = 0;
	int lineno;

	if (max == 0)
		return 0;
	mod = dwfl ? dwfl_addrmodule(dwfl, lookup) : NULL;
	if (!mod) {
		out[0] = (struct vmon_frame){ .addr = pc };
		return 1;
	}
	modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

	l = dwfl_module_getsrc(mod, lookup);
	if (l) {
		file = dwfl_lineinfo(l, NULL, &lineno, NULL, NULL, NULL);
		line = lineno > 0 ? lineno : 0;
	}

	cu = dwfl_module_addrdie(mod, lookup, &bias);
	if (cu)
		nscopes = dwarf_getscopes(cu, lookup - bias, &scopes);

	/*
	 * Scopes run innermost first.  Each inlined call is a frame at the
	 * line the pc is on within it; the call site it records is the line
	 * of the frame outside it, down to the real function.
	 */
	for (i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram) {
			func = &scopes[i];
			break;
		}
		if (tag != DW_TAG_inlined_subroutine)
			continue;
		if (n + 1 >= max)
			break;
		out[n++] = (struct vmon_frame){
			.addr = pc,
			.symbol = die_name(&scopes[i]),
			.module = dup_or_null(modname),
			.file = dup_or_null(file),
			.line = line,
			.inlined = true,
		};
		call_site(cu, &scopes[i], &file, &line);
	}

	out[n] = (struct vmon_frame){
		.addr = pc,
		.module = dup_or_null(modname),
		.file = dup_or_null(file),
		.line = line,
	};
	symname = dwfl_module_addrinfo(mod, lookup, &off, &sym, NULL, NULL, NULL);
	if (symname) {
		out[n].symbol = vmon__demangle(symname);
		out[n].offset = off + (pc - lookup);
	} else if (func) {
		/* No symbol table (stripped, no debug file): DWARF still names it. */
		out[n].symbol = die_name(func);
	}
	free(scopes);
	return n + 1;
}
