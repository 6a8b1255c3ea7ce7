// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI JSON reader: one strict RFC 8259 document into a tree of values. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json.h"

struct parser {
	const char *start, *p, *end;
	unsigned int depth;
	char *err;
};

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Columns count bytes from 1, as editors that show byte offsets do. */
static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(ps->err, JSON_ERR_MAX, "column %zu: ",
		     (size_t)(ps->p - ps->start) + 1);
	va_start(ap, fmt);
	vsnprintf(ps->err + n, JSON_ERR_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_here(struct parser *ps, const char *what)
{
	if (ps->p == ps->end)
		return fail(ps, "%s, found the end of the line", what);
	if ((unsigned char)*ps->p < 0x20 || (unsigned char)*ps->p >= 0x7f)
		return fail(ps, "%s, found byte 0x%02x", what,
			    (unsigned char)*ps->p);
	return fail(ps, "%s, found '%c'", what, *ps->p);
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

/* A growing byte buffer for a string being decoded. */
struct sbuf {
	char *s;
	size_t n, cap;
};

static int sbuf_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *p;

		while (b->n + n + 1 > cap)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

static int hex4(struct parser *ps, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = ps->p < ps->end ? *ps->p : '\0';

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned int)(c - 'A' + 10);
		else
			return fail_here(ps, "expected 4 hex digits after \\u");
		ps->p++;
	}
	*out = v;
	return 0;
}

static size_t utf8_encode(char *buf, unsigned int cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX, a surrogate pair taken whole; ps->p is past the 'u'. */
static int unicode_escape(struct parser *ps, struct sbuf *b)
{
	unsigned int cp, lo;
	char enc[4];

	if (hex4(ps, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, "lone low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (!literal(ps, "\\u"))
			return fail(ps, "high surrogate \\u%04x without its low half", cp);
		if (hex4(ps, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, "high surrogate \\u%04x followed by \\u%04x",
				    cp, lo);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	/* Our strings are C strings: a NUL would cut them short unseen. */
	if (!cp)
		return fail(ps, "\\u0000 is not allowed in a string");
	return sbuf_put(b, enc, utf8_encode(enc, cp));
}

static int escape(struct parser *ps, struct sbuf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (ps->p == ps->end)
		return fail_here(ps, "expected an escape after '\\'");
	if (*ps->p == 'u') {
		ps->p++;
		return unicode_escape(ps, b);
	}
	e = strchr(from, *ps->p);
	if (!e || !*ps->p)
		return fail_here(ps, "unknown escape after '\\'");
	ps->p++;
	return sbuf_put(b, &to[e - from], 1);
}

/* ps->p is on the opening quote; *out is malloc'd. */
static int string(struct parser *ps, char **out)
{
	struct sbuf b = { NULL, 0, 0 };
	const char *run;
	size_t n;
	int r = 0;

	ps->p++;
	if (sbuf_put(&b, "", 0) < 0)
		goto oom;
	for (;;) {
		/* Copy plain runs whole; validate their UTF-8 as we go. */
		for (run = ps->p; ps->p < ps->end; ps->p += n) {
			unsigned char c = (unsigned char)*ps->p;

			if (c == '"' || c == '\\' || c < 0x20)
				break;
			n = c < 0x80 ? 1 : fmt_utf8_len((const unsigned char *)ps->p,
							(size_t)(ps->end - ps->p));
			if (!n) {
				r = fail(ps, "invalid UTF-8 byte 0x%02x in a string", c);
				goto out;
			}
		}
		if (sbuf_put(&b, run, (size_t)(ps->p - run)) < 0)
			goto oom;
		if (ps->p == ps->end) {
			r = fail(ps, "unterminated string");
			goto out;
		}
		if (*ps->p == '"')
			break;
		if (*ps->p != '\\') {
			r = fail(ps, "control character 0x%02x in a string (escape it)",
				 (unsigned char)*ps->p);
			goto out;
		}
		ps->p++;
		r = escape(ps, &b);
		if (r < 0)
			goto out;
	}
	ps->p++;
	*out = b.s;
	return 0;
oom:
	r = fail(ps, "out of memory");
out:
	free(b.s);
	return r;
}

static bool is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/*
 * The JSON number grammar, then the value: integers exactly as int64 or
 * uint64 (addresses and raw 64-bit values need every bit), the rest as
 * double.
 */
static int number(struct parser *ps, struct json_value *v)
{
	const char *s = ps->p;
	bool integer = true, neg = false;
	char buf[64];
	uint64_t mag = 0;
	double dbl;

	if (*ps->p == '-') {
		neg = true;
		ps->p++;
	}
	if (!is_digit(ps->p, ps->end))
		return fail_here(ps, "expected a digit");
	if (*ps->p == '0' && is_digit(ps->p + 1, ps->end))
		return fail(ps, "leading zeros are not allowed");
	while (is_digit(ps->p, ps->end)) {
		unsigned int d = (unsigned int)(*ps->p++ - '0');

		if (mag > (UINT64_MAX - d) / 10)
			integer = false;
		mag = mag * 10 + d;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		integer = false;
		ps->p++;
		if (!is_digit(ps->p, ps->end))
			return fail_here(ps, "expected a digit after '.'");
		while (is_digit(ps->p, ps->end))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		integer = false;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps->p, ps->end))
			return fail_here(ps, "expected a digit in the exponent");
		while (is_digit(ps->p, ps->end))
			ps->p++;
	}
	if (integer && neg && mag <= (uint64_t)INT64_MAX + 1) {
		v->type = JSON_INT;
		v->i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
		return 0;
	}
	if (integer && !neg) {
		v->type = mag > INT64_MAX ? JSON_UINT : JSON_INT;
		if (v->type == JSON_UINT)
			v->u = mag;
		else
			v->i = (int64_t)mag;
		return 0;
	}
	if ((size_t)(ps->p - s) >= sizeof(buf))
		return fail(ps, "number too long");
	memcpy(buf, s, (size_t)(ps->p - s));
	buf[ps->p - s] = '\0';
	errno = 0;
	dbl = strtod(buf, NULL);
	if (errno == ERANGE && (dbl > 1 || dbl < -1))
		return fail(ps, "number out of range");
	v->num.text = strdup(buf);
	if (!v->num.text)
		return fail(ps, "out of memory");
	v->type = JSON_DOUBLE;
	v->num.d = dbl;
	return 0;
}

static int value(struct parser *ps, struct json_value *v);

static int array(struct parser *ps, struct json_value *v)
{
	struct json_value item;
	size_t cap = 0;
	void *p;

	v->type = JSON_ARRAY;
	v->arr.v = NULL;
	v->arr.n = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (value(ps, &item) < 0)
			return -1;
		if (v->arr.n == cap) {
			cap = cap ? cap * 2 : 4;
			p = realloc(v->arr.v, cap * sizeof(*v->arr.v));
			if (!p) {
				json_free(&item);
				return fail(ps, "out of memory");
			}
			v->arr.v = p;
		}
		v->arr.v[v->arr.n++] = item;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		return fail_here(ps, "expected ',' or ']' in an array");
	}
}

static int member(struct parser *ps, struct json_value *obj,
		  struct json_member *m)
{
	const char *at;
	size_t i;

	skip_space(ps);
	if (ps->p == ps->end || *ps->p != '"')
		return fail_here(ps, "expected a string key in an object");
	at = ps->p;
	if (string(ps, &m->key) < 0)
		return -1;
	for (i = 0; i < obj->obj.n; i++)
		if (!strcmp(obj->obj.m[i].key, m->key)) {
			ps->p = at;
			free(m->key);
			return fail(ps, "duplicate key \"%.40s\"", obj->obj.m[i].key);
		}
	skip_space(ps);
	if (ps->p == ps->end || *ps->p != ':') {
		free(m->key);
		return fail_here(ps, "expected ':' after an object key");
	}
	ps->p++;
	if (value(ps, &m->value) < 0) {
		free(m->key);
		return -1;
	}
	return 0;
}

static int object(struct parser *ps, struct json_value *v)
{
	struct json_member m;
	size_t cap = 0;
	void *p;

	v->type = JSON_OBJECT;
	v->obj.m = NULL;
	v->obj.n = 0;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (member(ps, v, &m) < 0)
			return -1;
		if (v->obj.n == cap) {
			cap = cap ? cap * 2 : 8;
			p = realloc(v->obj.m, cap * sizeof(*v->obj.m));
			if (!p) {
				free(m.key);
				json_free(&m.value);
				return fail(ps, "out of memory");
			}
			v->obj.m = p;
		}
		v->obj.m[v->obj.n++] = m;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			return 0;
		}
		return fail_here(ps, "expected ',' or '}' in an object");
	}
}

/* On failure *v holds what was built so far, for the caller to free. */
static int container(struct parser *ps, struct json_value *v)
{
	int r;

	/* Bounded: a hostile line must not recurse the stack away. */
	if (ps->depth == JSON_DEPTH_MAX)
		return fail(ps, "nested deeper than %d levels", JSON_DEPTH_MAX);
	ps->depth++;
	r = *ps->p == '[' ? array(ps, v) : object(ps, v);
	ps->depth--;
	if (r < 0) {
		json_free(v);
		v->type = JSON_NULL;
	}
	return r;
}

static int value(struct parser *ps, struct json_value *v)
{
	skip_space(ps);
	v->type = JSON_NULL;
	if (ps->p == ps->end)
		return fail_here(ps, "expected a value");
	if (*ps->p == '{' || *ps->p == '[')
		return container(ps, v);
	if (*ps->p == '-' || is_digit(ps->p, ps->end))
		return number(ps, v);
	if (*ps->p == '"') {
		if (string(ps, &v->s) < 0)
			return -1;
		v->type = JSON_STRING;
		return 0;
	}
	if (literal(ps, "null"))
		return 0;
	v->type = JSON_BOOL;
	v->b = literal(ps, "true");
	if (v->b || literal(ps, "false"))
		return 0;
	v->type = JSON_NULL;
	return fail_here(ps, "expected a value");
}

int json_parse(const char *text, size_t len, struct json_value *out, char *err)
{
	struct parser ps = { text, text, text + len, 0, err };

	if (value(&ps, out) < 0)
		return -1;
	skip_space(&ps);
	if (ps.p != ps.end) {
		json_free(out);
		out->type = JSON_NULL;
		return fail_here(&ps, "expected the end after the value");
	}
	return 0;
}

void json_free(struct json_value *v)
{
	size_t i;

	switch (v->type) {
	case JSON_STRING:
		free(v->s);
		break;
	case JSON_DOUBLE:
		free(v->num.text);
		break;
	case JSON_ARRAY:
		for (i = 0; i < v->arr.n; i++)
			json_free(&v->arr.v[i]);
		free(v->arr.v);
		break;
	case JSON_OBJECT:
		for (i = 0; i < v->obj.n; i++) {
			free(v->obj.m[i].key);
			json_free(&v->obj.m[i].value);
		}
		free(v->obj.m);
		break;
	default:
		break;
	}
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	size_t i;

	if (v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->obj.n; i++)
		if (!strcmp(v->obj.m[i].key, key))
			return &v->obj.m[i].value;
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL:
		return "null";
	case JSON_BOOL:
		return "a boolean";
	case JSON_INT:
	case JSON_UINT:
		return "an integer";
	case JSON_DOUBLE:
		return "a number";
	case JSON_STRING:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "?";
}
