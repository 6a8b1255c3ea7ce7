// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon type names: DWARF types looked through, measured and spelled as C spells them. */
#include <dwarf.h>
#include <inttypes.h>
#include <string.h>
#include <elfutils/libdw.h>

#include "resolve-internal.h"

bool vmon__die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, out);
}

bool vmon__die_udata(Dwarf_Die *die, unsigned int name, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_formudata(dwarf_attr_integrate(die, name, &a), &w) != 0)
		return false;
	*v = w;
	return true;
}

const char *vmon__die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

static bool is_qualifier(int tag)
{
	return tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type;
}

bool vmon__strip_type(Dwarf_Die *t, Dwarf_Die *out, bool keep_typedefs,
		      bool *is_const)
{
	Dwarf_Die cur = *t;
	int depth, tag;

	for (depth = 0; depth < VMON_TYPE_DEPTH; depth++) {
		tag = dwarf_tag(&cur);
		if (!is_qualifier(tag) && (keep_typedefs || tag != DW_TAG_typedef))
			break;
		if (tag == DW_TAG_const_type && is_const)
			*is_const = true;
		if (!vmon__die_type(&cur, &cur))
			return false;
	}
	*out = cur;
	return true;
}

bool vmon__is_record(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

void vmon__array_dims(Dwarf_Die *arr, struct vmon_dims *d)
{
	Dwarf_Die child;

	d->n = 1;
	d->known[0] = false;
	if (dwarf_child(arr, &child) != 0)
		return;
	d->n = 0;
	do {
		uint64_t v;

		if (dwarf_tag(&child) != DW_TAG_subrange_type || d->n == VMON_DIMS_MAX)
			continue;
		d->known[d->n] = true;
		if (vmon__die_udata(&child, DW_AT_count, &v))
			d->count[d->n] = v;
		else if (vmon__die_udata(&child, DW_AT_upper_bound, &v) && v != UINT64_MAX)
			d->count[d->n] = v + 1;
		else
			d->known[d->n] = false;	/* int x[], or a VLA */
		d->n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	if (!d->n) {
		d->n = 1;
		d->known[0] = false;
	}
}

/* C's spelling of type t (arrays from dimension dim), appended to buf. */
static void type_name(Dwarf_Die *t, unsigned int dim, char *buf, size_t len,
		      int depth)
{
	static const char *const records[] = {
		[DW_TAG_structure_type] = "struct", [DW_TAG_union_type] = "union",
		[DW_TAG_class_type] = "class", [DW_TAG_enumeration_type] = "enum",
	};
	const char *name = t ? vmon__die_name(t) : NULL;
	Dwarf_Die inner;
	struct vmon_dims d;
	unsigned int i;
	int tag;

	if (!t) {
		vmon__appendf(buf, len, "void");
		return;
	}
	if (depth > VMON_TYPE_DEPTH) {
		vmon__appendf(buf, len, "...");
		return;
	}
	tag = dwarf_tag(t);
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
	case DW_TAG_enumeration_type:
		vmon__appendf(buf, len, "%s %s", records[tag],
			      name ? name : "<anonymous>");
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" :
				tag == DW_TAG_volatile_type ? "volatile" :
				tag == DW_TAG_restrict_type ? "restrict" : "_Atomic";
		bool have = vmon__die_type(t, &inner);

		/* A qualified pointer is "char *const"; anything else "const int". */
		if (have && dwarf_tag(&inner) == DW_TAG_pointer_type) {
			type_name(&inner, 0, buf, len, depth + 1);
			vmon__appendf(buf, len, " %s", q);
		} else {
			vmon__appendf(buf, len, "%s ", q);
			type_name(have ? &inner : NULL, 0, buf, len, depth + 1);
		}
		return;
	}
	case DW_TAG_pointer_type:
		if (!vmon__die_type(t, &inner)) {
			vmon__appendf(buf, len, "void *");
		} else if (dwarf_tag(&inner) == DW_TAG_subroutine_type) {
			vmon__appendf(buf, len, "function pointer");
		} else {
			type_name(&inner, 0, buf, len, depth + 1);
			vmon__appendf(buf, len, buf[0] && buf[strlen(buf) - 1] == '*' ?
				      "*" : " *");
		}
		return;
	case DW_TAG_array_type:
		type_name(vmon__die_type(t, &inner) ? &inner : NULL, 0, buf, len,
			  depth + 1);
		vmon__array_dims(t, &d);
		for (i = dim; i < d.n; i++)
			if (d.known[i])
				vmon__appendf(buf, len, "[%" PRIu64 "]", d.count[i]);
			else
				vmon__appendf(buf, len, "[]");
		return;
	case DW_TAG_subroutine_type:
		vmon__appendf(buf, len, "function");
		return;
	default:
		vmon__appendf(buf, len, "%s", name ? name : "?");
	}
}

void vmon__type_name(Dwarf_Die *t, unsigned int dim, char *buf, size_t len)
{
	buf[0] = '\0';
	type_name(t, dim, buf, len, 0);
}
