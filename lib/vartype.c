// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon variable types: a symbol's DWARF, its members and elements, and what a type is. */
#include <dwarf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "resolve-internal.h"

/* Where the walk is: a type as declared and, in an array, the dimensions indexed. */
struct place {
	Dwarf_Die type;
	unsigned int dim;
	uint64_t offset;	/* from the symbol */
};

/* The expression as far as step k (k 0: the name), and the same with its LIB: part. */
struct prefix {
	int len;		/* from vmon_expr.base */
	const char *full;
	int full_len;
};

static struct prefix prefix(const struct vmon_expr *e, size_t k)
{
	const char *start = e->lib ? e->lib : e->base;
	struct prefix pre;

	pre.len = (int)(k ? e->steps[k - 1].end : e->name_len);
	pre.full = start;
	pre.full_len = (int)(e->base - start) + pre.len;
	return pre;
}

static bool var_addr(Dwarf_Die *die, Dwarf_Addr *addr)
{
	Dwarf_Attribute a, res;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(die, DW_AT_location, &a) ||
	    dwarf_getlocation(&a, &ops, &n) != 0 || n != 1)
		return false;
	if (ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return true;
	}
	/* DWARF 5 and split DWARF keep the address in .debug_addr. */
	return (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) &&
	       dwarf_getlocation_attr(&a, &ops[0], &res) == 0 &&
	       dwarf_formaddr(&res, addr) == 0;
}

struct var_search {
	const char *name;
	size_t len;
	Dwarf_Addr addr;	/* link-time, as DWARF has it */
	bool found, have_decl;
	Dwarf_Die def, decl;
};

static bool is_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute a;
	bool v;

	return dwarf_formflag(dwarf_attr_integrate(die, name, &a), &v) == 0 && v;
}

/* The variables under parent, in namespaces too (C++). */
static void scan(Dwarf_Die *parent, struct var_search *vs, int depth)
{
	Dwarf_Die child;
	Dwarf_Addr addr;
	const char *name;
	int tag;

	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_namespace && depth < VMON_TYPE_DEPTH) {
			scan(&child, vs, depth + 1);
			if (vs->found)
				return;
			continue;
		}
		if (tag != DW_TAG_variable)
			continue;
		name = vmon__die_name(&child);
		if (!name || strlen(name) != vs->len || memcmp(name, vs->name, vs->len))
			continue;
		if (var_addr(&child, &addr) && addr == vs->addr) {
			vs->def = child;
			vs->found = true;
			return;
		}
		if (!vs->have_decl && is_flag(&child, DW_AT_declaration) &&
		    is_flag(&child, DW_AT_external)) {
			vs->decl = child;
			vs->have_decl = true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/*
 * The DWARF of sym's variable: the definition at its address; for a
 * global, else a declaration of it (an extern in a file built with -g,
 * where the definition's was not), which still gives the type.
 */
static bool find_var(const struct vmon_symbols *s, const struct vmon_datasym *sym,
		     Dwarf_Die *out)
{
	struct var_search vs = { .name = sym->name, .len = sym->name_len };
	Dwfl_Module *mod = s->mods[sym->module].mod;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;

	while (!vs.found && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		vs.addr = sym->addr - bias;
		scan(cu, &vs, 0);
	}
	if (vs.found)
		*out = vs.def;
	else if (vs.have_decl && sym->bind != STB_LOCAL)
		*out = vs.decl;
	return vs.found || (vs.have_decl && sym->bind != STB_LOCAL);
}

static char *source_of(Dwarf_Die *var)
{
	const char *file = dwarf_decl_file(var);
	char *s = NULL;
	int line = 0;

	if (!file)
		return NULL;
	if (dwarf_decl_line(var, &line) == 0 && line > 0) {
		if (asprintf(&s, "%s:%d", file, line) < 0)
			s = NULL;
		return s;
	}
	return strdup(file);
}

char *vmon__var_source(const struct vmon_symbols *s, const struct vmon_datasym *sym)
{
	Dwarf_Die var;

	return find_var(s, sym, &var) ? source_of(&var) : NULL;
}

/* Where DW_AT_data_member_location puts member m; false if we cannot follow it. */
static bool member_offset(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a)) {
		/* Union members, and bit-fields DWARF 4 places by bit. */
		*off = 0;
		return true;
	}
	if (dwarf_formudata(&a, &w) == 0) {
		*off = w;
		return true;
	}
	/* DWARF 2 producers wrote offsets as expressions. */
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return true;
	}
	return false;
}

/* 1: found (member and offset set), 0: no such name, -1: a location we cannot follow. */
static int find_member(Dwarf_Die *rec, const char *name, size_t len,
		       Dwarf_Die *member, uint64_t *off, int depth)
{
	Dwarf_Die child, t;
	const char *n;
	uint64_t here, inside;
	int r;

	if (dwarf_child(rec, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		n = vmon__die_name(&child);
		if (n && (strlen(n) != len || memcmp(n, name, len)))
			continue;
		if (n) {
			*member = child;
			return member_offset(&child, off) ? 1 : -1;
		}
		/* An anonymous struct or union: its members are the record's. */
		if (depth >= VMON_TYPE_DEPTH || !vmon__die_type(&child, &t) ||
		    !vmon__strip_type(&t, &t, false, NULL) ||
		    !vmon__is_record(dwarf_tag(&t)))
			continue;
		r = find_member(&t, name, len, member, &inside, depth + 1);
		if (r == 1 && !member_offset(&child, &here))
			return -1;
		if (r == 1)
			*off = here + inside;
		if (r)
			return r;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

/* The names of rec's members, for a message. */
static void list_members(Dwarf_Die *rec, char *buf, size_t len)
{
	Dwarf_Die child;
	const char *n;
	int shown = 0;

	if (dwarf_child(rec, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		n = vmon__die_name(&child);
		vmon__appendf(buf, len, "%s%s", shown++ ? ", " : "",
			      n ? n : "(anonymous)");
	} while (dwarf_siblingof(&child, &child) == 0);
}

static const char *first_member(Dwarf_Die *rec)
{
	Dwarf_Die child;
	const char *n;

	if (dwarf_child(rec, &child) != 0)
		return NULL;
	do {
		n = dwarf_tag(&child) == DW_TAG_member ? vmon__die_name(&child) : NULL;
		if (n)
			return n;
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

/* A power of two from 1 to 8 that covers n bytes, or 0. */
static unsigned int cover(uint64_t n)
{
	unsigned int len;

	for (len = 1; len <= 8; len *= 2)
		if (n <= len)
			return len;
	return 0;
}

/*
 * A bit-field: vmon compares whole bytes, so name the bytes that hold it
 * and let the user compare those.
 */
static int refuse_bitfield(Dwarf_Die *m, const struct vmon_expr *e, size_t k,
			   uint64_t addr, uint64_t offset, char *err, size_t errlen)
{
	uint64_t bits = 0, pos, first, last, size = 0, old;
	struct prefix pre = prefix(e, k);
	char type[VMON_TYPE_NAME_MAX];
	Dwarf_Die t;

	vmon__die_udata(m, DW_AT_bit_size, &bits);
	vmon__type_name(vmon__die_type(m, &t) ? &t : NULL, 0, type, sizeof(type));
	/* DWARF 4 counts bits from the record's start, 2 and 3 from the unit's top. */
	if (!vmon__die_udata(m, DW_AT_data_bit_offset, &pos)) {
		pos = 0;
		if (vmon__die_udata(m, DW_AT_bit_offset, &old) &&
		    vmon__die_udata(m, DW_AT_byte_size, &size) &&
		    size * 8 >= old + bits)
			pos = size * 8 - old - bits;
	}
	first = pos / 8;
	last = bits ? (pos + bits - 1) / 8 : first;
	return vmon__errf(-EOPNOTSUPP, err, errlen, "%.*s is a bit-field (%" PRIu64
		    " bits of '%s'): vmon compares whole bytes; watch the ones "
		    "that hold it with --addr %#" PRIx64 " --len %u and compare "
		    "their raw value", pre.len, e->base, bits, type,
		    addr + offset + first, cover(last - first + 1));
}

static int step_member(struct place *p, const struct vmon_expr *e, size_t k,
		       uint64_t addr, char *err, size_t errlen)
{
	const struct vmon_step *st = &e->steps[k];
	struct prefix pre = prefix(e, k);
	char type[VMON_TYPE_NAME_MAX], members[256] = "";
	Dwarf_Die rec, m;
	uint64_t off = 0;
	int r;

	vmon__type_name(&p->type, p->dim, type, sizeof(type));
	if (!vmon__strip_type(&p->type, &rec, false, NULL) ||
	    !vmon__is_record(dwarf_tag(&rec)))
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s', which has no "
			    "members: drop '.%.*s'", pre.len, e->base, type,
			    (int)st->member_len, st->member);
	r = find_member(&rec, st->member, st->member_len, &m, &off, 0);
	if (r < 0)
		return vmon__errf(-EINVAL, err, errlen, "cannot tell where member "
			    "'%.*s' of '%s' is (its DWARF location is an "
			    "expression): use --addr", (int)st->member_len,
			    st->member, type);
	if (!r) {
		list_members(&rec, members, sizeof(members));
		return vmon__errf(-EINVAL, err, errlen, "%.*s ('%s') has no member "
			    "'%.*s'; its members: %s", pre.len, e->base, type,
			    (int)st->member_len, st->member,
			    members[0] ? members : "none");
	}
	if (dwarf_hasattr_integrate(&m, DW_AT_bit_size))
		return refuse_bitfield(&m, e, k + 1, addr, p->offset + off, err,
				       errlen);
	p->offset += off;
	p->dim = 0;
	if (!vmon__die_type(&m, &p->type))
		return vmon__errf(-EINVAL, err, errlen, "member %.*s has no type in the "
			    "debug info", (int)st->member_len, st->member);
	return 0;
}

static int step_index(struct place *p, const struct vmon_expr *e, size_t k,
		      char *err, size_t errlen)
{
	const struct vmon_step *st = &e->steps[k];
	struct prefix pre = prefix(e, k);
	char type[VMON_TYPE_NAME_MAX];
	uint64_t stride = 0;
	Dwarf_Die arr, elem;
	struct vmon_dims d;
	unsigned int i;
	int tag;

	vmon__type_name(&p->type, p->dim, type, sizeof(type));
	tag = vmon__strip_type(&p->type, &arr, false, NULL) ? dwarf_tag(&arr) : 0;
	if (tag == DW_TAG_pointer_type)
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s', a pointer: vmon "
			    "does not follow pointers; find the address it holds "
			    "and use --addr", pre.len, e->base, type);
	if (tag != DW_TAG_array_type)
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s', not an array: "
			    "drop '[%" PRIu64 "]'", pre.len, e->base, type, st->index);
	vmon__array_dims(&arr, &d);
	if (d.known[p->dim] && st->index >= d.count[p->dim])
		return vmon__errf(-ERANGE, err, errlen, "%.*s[%" PRIu64 "] is out of "
			    "range: %.*s has %" PRIu64 " elements, [0] to [%" PRIu64
			    "]", pre.len, e->base, st->index, pre.len, e->base,
			    d.count[p->dim], d.count[p->dim] - 1);
	if (!vmon__die_type(&arr, &elem) ||
	    dwarf_aggregate_size(&elem, &stride) != 0)
		return vmon__errf(-EINVAL, err, errlen, "the elements of %.*s ('%s') "
			    "have no size in the debug info", pre.len, e->base, type);
	for (i = p->dim + 1; i < d.n; i++) {
		if (!d.known[i])
			return vmon__errf(-EINVAL, err, errlen, "the rows of %.*s ('%s') "
				    "have no size in the debug info", pre.len,
				    e->base, type);
		stride *= d.count[i];
	}
	p->offset += st->index * stride;
	if (p->dim + 1 < d.n) {
		p->type = arr;
		p->dim++;
	} else {
		p->type = elem;
		p->dim = 0;
	}
	return 0;
}

/* What the walk ended on must be a 1, 2, 4 or 8 byte integer or enum. */
static int classify(struct place *p, const struct vmon_expr *e,
		    uint64_t addr, struct vmon_vartype *t, char *err,
		    size_t errlen)
{
	struct prefix pre = prefix(e, e->n_steps);
	Dwarf_Die shown, base, under;
	const char *member;
	uint64_t size = 0, enc = DW_ATE_signed;
	int tag;

	if (!vmon__strip_type(&p->type, &shown, true, &t->is_const))
		return vmon__errf(-EINVAL, err, errlen, "%.*s has type void",
			    pre.len, e->base);
	vmon__type_name(&shown, p->dim, t->type, sizeof(t->type));
	if (!vmon__strip_type(&shown, &base, false, &t->is_const))
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s', a void type",
			    pre.len, e->base, t->type);
	tag = dwarf_tag(&base);
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		member = first_member(&base);
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s' (a %s): watch "
			    "one of its members%s%.*s%s%s", pre.len, e->base,
			    t->type, tag == DW_TAG_union_type ? "union" :
			    tag == DW_TAG_class_type ? "class" : "struct",
			    member ? ", e.g. --var " : "", member ? pre.full_len : 0,
			    pre.full, member ? "." : "", member ? member : "");
	case DW_TAG_array_type:
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s' (an array): watch "
			    "one element, e.g. --var %.*s[0]", pre.len, e->base,
			    t->type, pre.full_len, pre.full);
	case DW_TAG_pointer_type:
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s' (a pointer): vmon "
			    "compares integers; to watch the pointer's bits use "
			    "--addr %#" PRIx64 " --len 8 --unsigned", pre.len,
			    e->base, t->type, addr + p->offset);
	case DW_TAG_enumeration_type:
		/* C gives an enum int's sign unless DWARF names another type. */
		if (vmon__die_type(&base, &under) &&
		    vmon__strip_type(&under, &under, false, NULL))
			vmon__die_udata(&under, DW_AT_encoding, &enc);
		break;
	case DW_TAG_base_type:
		vmon__die_udata(&base, DW_AT_encoding, &enc);
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float ||
		    enc == DW_ATE_decimal_float || enc == DW_ATE_imaginary_float)
			return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s' (floating "
				    "point): vmon compares integers only",
				    pre.len, e->base, t->type);
		break;
	default:
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s', not a number "
			    "vmon can compare", pre.len, e->base, t->type);
	}
	vmon__die_udata(&base, DW_AT_byte_size, &size);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return vmon__errf(-EINVAL, err, errlen, "%.*s is '%s' (%" PRIu64 " bytes): "
			    "vmon watches 1, 2, 4 or 8 bytes", pre.len, e->base,
			    t->type, size);
	t->len = (unsigned int)size;
	t->sign = enc == DW_ATE_signed || enc == DW_ATE_signed_char ?
		  VMON_SIGN_SIGNED : VMON_SIGN_UNSIGNED;
	t->offset = p->offset;
	return 0;
}

int vmon__vartype(const struct vmon_symbols *s, const struct vmon_datasym *sym,
		  const struct vmon_expr *e, struct vmon_vartype *t, char *err,
		  size_t errlen)
{
	struct place p = { .dim = 0 };
	struct prefix pre = prefix(e, 0);
	Dwarf_Die var;
	size_t k;
	int rc = 0;

	*t = (struct vmon_vartype){ .sign = VMON_SIGN_UNKNOWN };
	if (!find_var(s, sym, &var)) {
		if (!e->n_steps)
			return 0;
		return vmon__errf(-ENODATA, err, errlen, "no debug info for %.*s in %s: "
			    "cannot find %s; rebuild it with -g, or use --addr",
			    pre.len, e->base, s->mods[sym->module].path,
			    e->base + pre.len);
	}
	t->dwarf = true;
	t->source = source_of(&var);
	if (!vmon__die_type(&var, &p.type))
		return vmon__errf(-EINVAL, err, errlen, "%.*s has no type in the debug "
			    "info of %s", pre.len, e->base, s->mods[sym->module].path);
	for (k = 0; !rc && k < e->n_steps; k++)
		rc = e->steps[k].member ?
		     step_member(&p, e, k, sym->addr, err, errlen) :
		     step_index(&p, e, k, err, errlen);
	if (!rc)
		rc = classify(&p, e, sym->addr, t, err, errlen);
	if (rc) {
		free(t->source);
		t->source = NULL;
	}
	return rc;
}
