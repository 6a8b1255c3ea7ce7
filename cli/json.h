/* SPDX-License-Identifier: GPL-2.0-only */
/* vmon CLI JSON reader: one strict RFC 8259 document into a tree of values. */
#ifndef VMON_CLI_JSON_H
#define VMON_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_ERR_MAX	128
#define JSON_DEPTH_MAX	32	/* vmon's own events nest 5 deep */

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT,	/* an integer that fits int64_t */
	JSON_UINT,	/* an integer above INT64_MAX that fits uint64_t */
	JSON_DOUBLE,	/* any other number, kept as written too */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

struct json_value {
	enum json_type type;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		struct {
			double d;
			char *text;	/* exact: "4.25" is not quite 4.25 as a double */
		} num;
		char *s;		/* UTF-8, NUL-terminated; \u0000 is refused */
		struct {
			struct json_value *v;
			size_t n;
		} arr;
		struct {
			struct json_member *m;
			size_t n;
		} obj;
	};
};

struct json_member {
	char *key;
	struct json_value value;
};

/*
 * Parses exactly one value from text[0..len), surrounded by nothing but
 * white space.  Strings must be valid UTF-8 (escapes included: lone
 * surrogates are refused), keys unique within their object.  Returns 0, or
 * -1 with err (JSON_ERR_MAX bytes) saying what and where, e.g. "column 12:
 * expected ':' after an object key"; *out then needs no json_free().
 */
int json_parse(const char *text, size_t len, struct json_value *out, char *err);

void json_free(struct json_value *v);

/* The member named key of an object, or NULL (also when v is no object). */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* "null", "an integer", "a string", ...: for messages about the wrong type. */
const char *json_type_name(enum json_type t);

#endif /* VMON_CLI_JSON_H */
