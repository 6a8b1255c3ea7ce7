// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon variables by name: [LIB:]NAME[.member][[index]] to an address, length and sign. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-internal.h"

/* Near names suggested for a name not found, at most. */
#define SUGGEST_MAX	5

void vmon__appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

int vmon__errf(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static bool ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static size_t ident_len(const char *p)
{
	size_t n = 0;

	if (!ident_start(*p))
		return 0;
	while (ident_char(p[n]))
		n++;
	return n;
}

/* "[3]" or "[0x1f]" at p; returns its length, 0 if malformed. */
static size_t index_len(const char *p, uint64_t *index)
{
	const char *digits = p + 1;
	int base = 10;
	char *end;

	if (*p != '[' || !isdigit((unsigned char)*digits))
		return 0;
	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		base = 16;
		digits += 2;
		if (!isxdigit((unsigned char)*digits))
			return 0;
	}
	errno = 0;
	*index = strtoull(digits, &end, base);
	if (errno || *end != ']')
		return 0;
	return (size_t)(end + 1 - p);
}

static int parse_expr(const char *text, struct vmon_expr *e, char *err,
		      size_t errlen)
{
	const char *colon = strchr(text, ':');
	const char *p;
	size_t n;

	*e = (struct vmon_expr){ .base = text };
	if (colon) {
		if (colon == text)
			return vmon__errf(-EINVAL, err, errlen, "'%s': give a file name "
				    "before ':' (libfoo.so:NAME), or none", text);
		e->lib = text;
		e->lib_len = (size_t)(colon - text);
		e->base = colon + 1;
	}
	e->name_len = ident_len(e->base);
	if (!e->name_len)
		return vmon__errf(-EINVAL, err, errlen, "'%s': expected a variable name "
			    "(letters, digits and _)%s", text,
			    colon ? " after ':'" : "");
	for (p = e->base + e->name_len; *p; p += n) {
		struct vmon_step *st = &e->steps[e->n_steps];

		if (e->n_steps == VMON_EXPR_STEPS)
			return vmon__errf(-EINVAL, err, errlen, "'%s': more than %d "
				    "members and indices", text, VMON_EXPR_STEPS);
		if (*p == '.') {
			n = ident_len(p + 1);
			if (!n)
				return vmon__errf(-EINVAL, err, errlen, "'%s': expected a "
					    "member name after '.'", text);
			st->member = p + 1;
			st->member_len = n;
			n++;
		} else if (*p == '[') {
			n = index_len(p, &st->index);
			if (!n)
				return vmon__errf(-EINVAL, err, errlen, "'%s': expected an "
					    "index like [3] or [0x1f]", text);
		} else {
			return vmon__errf(-EINVAL, err, errlen, "'%s': unexpected '%c': "
				    "write NAME, NAME.member or NAME[index]",
				    text, *p);
		}
		st->end = (size_t)(p + n - e->base);
		e->n_steps++;
	}
	return 0;
}

/*
 * The files LIB names: those whose name is LIB, else those whose name
 * starts with it ("libfoo" for libfoo.so.1).  Returns how many.
 */
static size_t match_files(const struct vmon_symbols *s,
			  const struct vmon_expr *e, bool *ok)
{
	size_t i, n = 0;

	for (i = 0; i < s->n_mods; i++) {
		const char *b = s->mods[i].base;

		ok[i] = !e->lib || (strlen(b) == e->lib_len &&
				    !memcmp(b, e->lib, e->lib_len));
		n += ok[i];
	}
	if (n || !e->lib)
		return n;
	for (i = 0; i < s->n_mods; i++) {
		ok[i] = !strncmp(s->mods[i].base, e->lib, e->lib_len);
		n += ok[i];
	}
	return n;
}

static int no_such_file(const struct vmon_symbols *s, const struct vmon_expr *e,
			char *err, size_t errlen)
{
	size_t i;

	snprintf(err, errlen, "pid %d maps no file named %.*s*; it maps ",
		 (int)s->pid, (int)e->lib_len, e->lib);
	for (i = 0; i < s->n_mods; i++)
		vmon__appendf(err, errlen, "%s%s", i ? ", " : "", s->mods[i].base);
	return -ENOENT;
}

static bool name_is(const struct vmon_datasym *d, const char *name, size_t len)
{
	return d->name_len == len && !memcmp(d->name, name, len);
}

/* Levenshtein distance, or more than max (then exactly max + 1). */
static size_t distance(const char *a, size_t la, const char *b, size_t lb,
		       size_t max)
{
	size_t row[64], i, j;

	if ((la > lb ? la - lb : lb - la) > max || lb >= 64)
		return max + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0], low;

		row[0] = i;
		low = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
			if (best < low)
				low = best;
		}
		if (low > max)
			return max + 1;
	}
	return row[lb] > max ? max + 1 : row[lb];
}

struct near {
	const char *name;
	size_t len;
	size_t score;		/* edit distance; 3 and 4 for substrings */
};

static int cmp_near(const void *a, const void *b)
{
	const struct near *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	c = memcmp(x->name, y->name, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * How close d's name is to what was asked: an edit distance up to 2, or
 * one containing the other.  Names starting with '_' are the
 * implementation's (libc has hundreds) unless that is what was asked.
 */
static size_t nearness(const struct vmon_datasym *d, const char *q, size_t ql)
{
	size_t dist;

	if (d->name[0] == '_' && q[0] != '_')
		return SIZE_MAX;
	dist = distance(q, ql, d->name, d->name_len, 2);
	if (dist <= 2)
		return dist;
	if (ql >= 3 && memmem(d->name, d->name_len, q, ql))
		return 3;
	if (d->name_len >= 3 && memmem(q, ql, d->name, d->name_len))
		return 4;
	return SIZE_MAX;
}

static int not_found(const struct vmon_symbols *s, const struct vmon_expr *e,
		     const bool *ok, size_t n_files, char *err, size_t errlen)
{
	struct near *v = calloc(s->n_syms ? s->n_syms : 1, sizeof(*v));
	size_t i, n = 0, shown = 0;

	if (e->lib && n_files == 1) {
		for (i = 0; !ok[i]; i++)
			;
		snprintf(err, errlen, "%s has no variable named '%.*s'",
			 s->mods[i].path, (int)e->name_len, e->base);
	} else {
		snprintf(err, errlen, "pid %d has no variable named '%.*s'%s",
			 (int)s->pid, (int)e->name_len, e->base,
			 e->lib ? " in the files named" : "");
		for (i = 0; e->lib && i < s->n_mods; i++)
			if (ok[i])
				vmon__appendf(err, errlen, " %s", s->mods[i].base);
	}
	if (!v)
		return -ENOENT;
	for (i = 0; i < s->n_syms; i++) {
		const struct vmon_datasym *d = &s->syms[i];
		size_t score;

		if (!ok[d->module])
			continue;
		score = nearness(d, e->base, e->name_len);
		if (score != SIZE_MAX)
			v[n++] = (struct near){ d->name, d->name_len, score };
	}
	qsort(v, n, sizeof(*v), cmp_near);
	for (i = 0; i < n && shown < SUGGEST_MAX; i++) {
		if (i && v[i].len == v[i - 1].len &&
		    !memcmp(v[i].name, v[i - 1].name, v[i].len))
			continue;
		vmon__appendf(err, errlen, "%s%.*s", shown ? ", " : "; did you mean ",
			      (int)v[i].len, v[i].name);
		shown++;
	}
	if (shown)
		vmon__appendf(err, errlen, "?");
	else
		vmon__appendf(err, errlen, " (nor one near that name): is it "
			      "a function's local variable, or is the file stripped?");
	free(v);
	return -ENOENT;
}

static const char *bind_name(unsigned char bind)
{
	return bind == STB_LOCAL ? "static" : bind == STB_WEAK ? "weak" : "global";
}

static int ambiguous(const struct vmon_symbols *s, const struct vmon_expr *e,
		     const struct vmon_datasym *const *c, size_t n, char *err,
		     size_t errlen)
{
	bool same_file = false;
	size_t i, j;

	snprintf(err, errlen, "'%.*s' is defined %zu times in pid %d:\n",
		 (int)e->name_len, e->base, n, (int)s->pid);
	for (i = 0; i < n; i++) {
		char *src = vmon__var_source(s, c[i]);

		vmon__appendf(err, errlen, "  %s  %s  %#" PRIx64 "%s%s\n",
			      s->mods[c[i]->module].path, bind_name(c[i]->bind),
			      c[i]->addr, src ? "  " : "", src ? src : "");
		free(src);
		for (j = 0; j < i; j++)
			same_file |= c[j]->module == c[i]->module;
	}
	if (same_file) {
		vmon__appendf(err, errlen, "LIB:NAME picks a file, but some of these "
			      "are in the same one: watch one by address with "
			      "--addr ADDR --len N");
		return -ENOTUNIQ;
	}
	vmon__appendf(err, errlen, "name the file to pick one: ");
	for (i = 0; i < n; i++)
		vmon__appendf(err, errlen, "%s--var %s:%.*s", i ? " or " : "",
			      s->mods[c[i]->module].base, (int)e->name_len, e->base);
	return -ENOTUNIQ;
}

/*
 * The dynamic linker binds every reference to a global that the
 * executable defines to the executable's copy (copy relocations too), so
 * the libraries' definitions of it are never used: that one is the
 * variable.  Returns it, or NULL when the definitions stay ambiguous.
 */
static const struct vmon_datasym *
interposed(const struct vmon_symbols *s, const struct vmon_datasym *const *c,
	   size_t n)
{
	const struct vmon_datasym *exe = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i]->bind == STB_LOCAL)
			return NULL;
		if (s->mods[c[i]->module].is_exe) {
			if (exe)
				return NULL;
			exe = c[i];
		}
	}
	return exe;
}

static int refuse_tls(const struct vmon_symbols *s, const struct vmon_expr *e,
		      const struct vmon_datasym *d, char *err, size_t errlen)
{
	return vmon__errf(-EOPNOTSUPP, err, errlen, "%.*s in %s is thread-local: each "
		    "thread has its own copy, at an address only that thread "
		    "knows; vmon cannot find one by name (watch a copy with "
		    "--addr if the program tells you where it is)",
		    (int)e->name_len, e->base, s->mods[d->module].path);
}

/* The kernel pins only writable memory: say so by name before it refuses. */
static int check_writable(const struct vmon_symbols *s,
			  const struct vmon_expr *e,
			  const struct vmon_datasym *d,
			  const struct vmon_vartype *t, uint64_t addr,
			  char *err, size_t errlen)
{
	const struct vmon_procmap *m = vmon__procmaps_find(&s->maps, addr);
	char type[VMON_TYPE_NAME_MAX + 16] = "";
	const char *path;

	if (!m)
		return vmon__errf(-EFAULT, err, errlen, "%s (%#" PRIx64 ") is not mapped "
			    "in pid %d", e->base, addr, (int)s->pid);
	if (m->writable)
		return 0;
	if (t->dwarf)
		snprintf(type, sizeof(type), " ('%s%s')", t->is_const ? "const " : "",
			 t->type);
	path = m->path ? m->path : s->mods[d->module].path;
	return vmon__errf(-EROFS, err, errlen, "%s%s is in read-only memory at %#" PRIx64
		    " (mapped from %s): vmon watches only memory the program "
		    "writes to", e->base, type, addr, path);
}

static int make_var(const struct vmon_symbols *s, const struct vmon_datasym *d,
		    struct vmon_vartype *t, struct vmon_var **out)
{
	struct vmon_var *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*v = (struct vmon_var){
		.addr = d->addr + t->offset,
		.len = t->len,
		.sign = t->sign,
		.type = t->dwarf ? strdup(t->type) : NULL,
		.symbol = strndup(d->name, d->name_len),
		.offset = t->offset,
		.symbol_size = d->size,
		.object = strdup(s->mods[d->module].path),
		.source = t->source,
	};
	t->source = NULL;
	if ((t->dwarf && !v->type) || !v->symbol || !v->object) {
		vmon_var_free(v);
		return -ENOMEM;
	}
	*out = v;
	return 0;
}

static int resolve(const struct vmon_symbols *s, const struct vmon_expr *e,
		   struct vmon_var **out, char *err, size_t errlen)
{
	const struct vmon_datasym **c = NULL, *d;
	struct vmon_vartype t = { .dwarf = false };
	bool *ok = calloc(s->n_mods ? s->n_mods : 1, sizeof(*ok));
	size_t i, n = 0, n_files;
	int rc;

	if (!ok)
		return vmon__errf(-ENOMEM, err, errlen, "out of memory");
	n_files = match_files(s, e, ok);
	if (!n_files) {
		rc = no_such_file(s, e, err, errlen);
		goto out;
	}
	for (i = 0; i < s->n_syms; i++) {
		d = &s->syms[i];
		if (!ok[d->module] || !name_is(d, e->base, e->name_len))
			continue;
		if (!c) {
			c = calloc(s->n_syms, sizeof(*c));
			if (!c) {
				rc = vmon__errf(-ENOMEM, err, errlen, "out of memory");
				goto out;
			}
		}
		c[n++] = d;
	}
	if (!n) {
		rc = not_found(s, e, ok, n_files, err, errlen);
		goto out;
	}
	d = n == 1 ? c[0] : interposed(s, c, n);
	if (!d) {
		rc = ambiguous(s, e, c, n, err, errlen);
		goto out;
	}
	if (d->tls) {
		rc = refuse_tls(s, e, d, err, errlen);
		goto out;
	}
	rc = vmon__vartype(s, d, e, &t, err, errlen);
	if (!rc)
		rc = check_writable(s, e, d, &t, d->addr + t.offset, err, errlen);
	if (!rc && make_var(s, d, &t, out))
		rc = vmon__errf(-ENOMEM, err, errlen, "out of memory");
	free(t.source);
out:
	free(c);
	free(ok);
	return rc;
}

int vmon_symbols_resolve(const struct vmon_symbols *s, const char *expr,
			 struct vmon_var **out, char *err, size_t errlen)
{
	struct vmon_expr e;
	char scratch[1];
	int rc;

	if (!err || !errlen) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	err[0] = '\0';
	*out = NULL;
	rc = parse_expr(expr, &e, err, errlen);
	return rc ? rc : resolve(s, &e, out, err, errlen);
}

int vmon_resolve_var(pid_t pid, const char *expr, struct vmon_var **out,
		     char *err, size_t errlen)
{
	struct vmon_symbols *s;
	struct vmon_expr e;
	char scratch[1];
	int rc;

	if (!err || !errlen) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	*out = NULL;
	/* A typo is reported as such, whatever the process. */
	rc = parse_expr(expr, &e, err, errlen);
	if (!rc)
		rc = vmon_symbols_open(pid, &s, err, errlen);
	if (rc)
		return rc;
	/* Parsed above: resolve the parsed expression, not the text again. */
	err[0] = '\0';
	rc = resolve(s, &e, out, err, errlen);
	vmon_symbols_close(s);
	return rc;
}

void vmon_var_free(struct vmon_var *v)
{
	if (!v)
		return;
	free((char *)v->type);
	free((char *)v->symbol);
	free((char *)v->object);
	free((char *)v->source);
	free(v);
}
