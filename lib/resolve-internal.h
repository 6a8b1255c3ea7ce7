/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmon internals: variables by name, from a process's maps, symbol tables and DWARF. */
#ifndef VMON_RESOLVE_INTERNAL_H
#define VMON_RESOLVE_INTERNAL_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "internal.h"

/* procmaps.c: one line of /proc/PID/maps */
struct vmon_procmap {
	uint64_t start, end, pgoff;
	bool writable, executable;
	char *path;		/* NULL for anonymous memory; "[heap]" and such kept */
};

struct vmon_procmaps {
	struct vmon_procmap *v;
	size_t n;
};

/* Returns 0, -ESRCH, -EACCES or -ENOMEM, with a message in err. */
VMON_INTERNAL int vmon__procmaps_read(pid_t pid, struct vmon_procmaps *m,
				      char *err, size_t errlen);
VMON_INTERNAL void vmon__procmaps_free(struct vmon_procmaps *m);
/* The mapping that holds addr, or NULL. */
VMON_INTERNAL const struct vmon_procmap *
vmon__procmaps_find(const struct vmon_procmaps *m, uint64_t addr);

/* symtab.c: a process's files and their data objects */
struct vmon_module {
	Dwfl_Module *mod;
	const char *path;	/* libdwfl's copy */
	const char *base;	/* the file name in path */
	uint64_t start, end;	/* the addresses its segments take */
	bool is_exe;
};

/* A data object (STT_OBJECT or STT_TLS) from an ELF symbol table. */
struct vmon_datasym {
	const char *name;	/* libdwfl's, with any "@VERSION" */
	size_t name_len;	/* without it */
	uint64_t addr;		/* in the process (meaningless for TLS) */
	uint64_t size;
	uint32_t module;	/* index in vmon_symbols.mods */
	unsigned char bind;	/* STB_* */
	bool tls;
};

struct vmon_symbols {
	pid_t pid;
	Dwfl *dwfl;
	struct vmon_procmaps maps;
	struct vmon_module *mods;
	size_t n_mods;
	struct vmon_datasym *syms;	/* by address */
	uint64_t *max_end;		/* highest end among syms[0..i] */
	size_t n_syms;
};

/* resolve.c: messages and expressions */

/* Message fmt into err (errlen bytes); returns rc, a -errno. */
VMON_INTERNAL int vmon__errf(int rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append to the string in buf (len bytes), cutting it short when full. */
VMON_INTERNAL void vmon__appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define VMON_EXPR_STEPS	16

/* One ".member" or "[index]" after the name. */
struct vmon_step {
	const char *member;	/* NULL for an index */
	size_t member_len;
	uint64_t index;
	size_t end;		/* where the step ends, counted from vmon_expr.base */
};

/* [LIB:]NAME{.member|[index]}, pointing into the text as given. */
struct vmon_expr {
	const char *lib;	/* NULL: every file */
	size_t lib_len;
	const char *base;	/* the NAME and its steps: "stats.hits" */
	size_t name_len;
	struct vmon_step steps[VMON_EXPR_STEPS];
	size_t n_steps;
};

/* typename.c: DWARF types */

/* Typedef and qualifier chains longer than this are taken for loops. */
#define VMON_TYPE_DEPTH	32

/* Array dimensions followed; C programs rarely have more than three. */
#define VMON_DIMS_MAX	8

struct vmon_dims {
	uint64_t count[VMON_DIMS_MAX];
	bool known[VMON_DIMS_MAX];	/* false: int x[], or a VLA */
	unsigned int n;
};

/* die's DW_AT_type, DW_AT_name, or a constant attribute (through specifications). */
VMON_INTERNAL bool vmon__die_type(Dwarf_Die *die, Dwarf_Die *out);
VMON_INTERNAL const char *vmon__die_name(Dwarf_Die *die);
VMON_INTERNAL bool vmon__die_udata(Dwarf_Die *die, unsigned int name, uint64_t *v);

/*
 * The type under typedefs and qualifiers (keep_typedefs: under qualifiers
 * only), noting a const in *is_const (may be NULL); false for void.
 */
VMON_INTERNAL bool vmon__strip_type(Dwarf_Die *t, Dwarf_Die *out,
				    bool keep_typedefs, bool *is_const);
/* A struct, union or class. */
VMON_INTERNAL bool vmon__is_record(int tag);
/* An array's dimensions; one of unknown size when DWARF lists none. */
VMON_INTERNAL void vmon__array_dims(Dwarf_Die *arr, struct vmon_dims *d);
/* C's spelling of type t ("const char *", "int[8]", from array dimension dim). */
VMON_INTERNAL void vmon__type_name(Dwarf_Die *t, unsigned int dim, char *buf,
				   size_t len);

/* vartype.c: what DWARF says about a symbol and the expression's steps */
#define VMON_TYPE_NAME_MAX	128

struct vmon_vartype {
	bool dwarf;		/* the variable's DWARF was found */
	uint64_t offset;	/* of the value in the symbol */
	unsigned int len;
	enum vmon_sign sign;
	char type[VMON_TYPE_NAME_MAX];	/* without top-level const and volatile */
	bool is_const;
	char *source;		/* "file.c:12", malloc'd */
};

/*
 * Follow e's steps from the variable of symbol sym (of module mod) to a
 * 1, 2, 4 or 8 byte integer or enum.  Without DWARF for it, succeeds with
 * t->dwarf false if e has no steps.  Returns 0 or -errno with a message.
 */
VMON_INTERNAL int vmon__vartype(const struct vmon_symbols *s,
				const struct vmon_datasym *sym,
				const struct vmon_expr *e, struct vmon_vartype *t,
				char *err, size_t errlen);

/* "file.c:12" where DWARF defines sym's variable (malloc'd), or NULL. */
VMON_INTERNAL char *vmon__var_source(const struct vmon_symbols *s,
				     const struct vmon_datasym *sym);

#endif /* VMON_RESOLVE_INTERNAL_H */
