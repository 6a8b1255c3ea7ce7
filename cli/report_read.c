// SPDX-License-Identifier: GPL-2.0-only
/* vmon CLI saved events read back: a `--json` line into struct vmon_event and its report. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "parse.h"
#include "report.h"

/* Where in the line we are, for messages: "tasks[1].user_stack[0].addr: ...". */
struct rd {
	char *err;
	char where[96];
};

static int bad(struct rd *rd, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* key NULL: the element where points at is wrong as a whole. */
static int bad(struct rd *rd, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(rd->err, REPORT_ERR_MAX, "%s%s%s: ", rd->where,
		     rd->where[0] && key ? "." : "", key ? key : "");
	if (n < 0 || n >= REPORT_ERR_MAX)
		return -1;
	va_start(ap, fmt);
	vsnprintf(rd->err + n, REPORT_ERR_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The member, or NULL after an error when it is missing and required. */
static const struct json_value *member(struct rd *rd, const struct json_value *o,
				       const char *key, enum json_type type,
				       bool nullable)
{
	const struct json_value *v = json_get(o, key);
	bool integer = type == JSON_INT &&
		       (v && (v->type == JSON_INT || v->type == JSON_UINT));

	if (!v) {
		bad(rd, key, "missing");
		return NULL;
	}
	if (v->type == type || integer || (nullable && v->type == JSON_NULL))
		return v;
	bad(rd, key, "expected %s, found %s", json_type_name(type),
	    json_type_name(v->type));
	return NULL;
}

static int get_u64(struct rd *rd, const struct json_value *o, const char *key,
		   uint64_t max, uint64_t *out)
{
	const struct json_value *v = member(rd, o, key, JSON_INT, false);

	if (!v)
		return -1;
	if ((v->type == JSON_INT && (v->i < 0 || (uint64_t)v->i > max)) ||
	    (v->type == JSON_UINT && v->u > max))
		return bad(rd, key, "out of range (0..%" PRIu64 ")", max);
	*out = v->type == JSON_INT ? (uint64_t)v->i : v->u;
	return 0;
}

static int get_u32(struct rd *rd, const struct json_value *o, const char *key,
		   uint32_t *out)
{
	uint64_t v;

	if (get_u64(rd, o, key, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int get_pid(struct rd *rd, const struct json_value *o, const char *key,
		   pid_t *out)
{
	uint64_t v;

	if (get_u64(rd, o, key, INT32_MAX, &v) < 0)
		return -1;
	*out = (pid_t)v;
	return 0;
}

/* Raw 64-bit bits: a signed value as int64, an unsigned one as uint64. */
static int get_raw(struct rd *rd, const struct json_value *o, const char *key,
		   bool is_signed, uint64_t *out)
{
	const struct json_value *v;

	if (!is_signed)
		return get_u64(rd, o, key, UINT64_MAX, out);
	v = member(rd, o, key, JSON_INT, false);
	if (!v)
		return -1;
	if (v->type != JSON_INT)
		return bad(rd, key, "out of range for a signed value");
	*out = (uint64_t)v->i;
	return 0;
}

/*
 * A metric's value in units of 1/scale: from the number as written
 * (4.25 as a double is not exactly 4.25), or a whole number.
 */
static int get_scaled(struct rd *rd, const struct json_value *o,
		      const char *key, unsigned int scale, uint64_t *out)
{
	const struct json_value *v = json_get(o, key);
	char err[PARSE_ERR_MAX];

	if (v && v->type == JSON_DOUBLE) {
		if (parse_scaled(v->num.text, scale, out, err) < 0)
			return bad(rd, key, "%s", err);
		return 0;
	}
	if (get_u64(rd, o, key, UINT64_MAX / scale, out) < 0)
		return -1;
	*out *= scale;
	return 0;
}

static int get_bool(struct rd *rd, const struct json_value *o, const char *key,
		    bool *out)
{
	const struct json_value *v = member(rd, o, key, JSON_BOOL, false);

	if (!v)
		return -1;
	*out = v->b;
	return 0;
}

/* The string, or NULL for null (when nullable). */
static int get_str(struct rd *rd, const struct json_value *o, const char *key,
		   bool nullable, const char **out)
{
	const struct json_value *v = member(rd, o, key, JSON_STRING, nullable);

	if (!v)
		return -1;
	*out = v->type == JSON_STRING ? v->s : NULL;
	return 0;
}

/* A malloc'd copy of the string; NULL for null. */
static int get_strdup(struct rd *rd, const struct json_value *o,
		      const char *key, char **out)
{
	const char *s;

	if (get_str(rd, o, key, true, &s) < 0)
		return -1;
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return bad(rd, key, "out of memory");
	return 0;
}

/* Into a char array of size bytes; null and "" both leave it empty. */
static int get_chars(struct rd *rd, const struct json_value *o,
		     const char *key, char *buf, size_t size)
{
	const char *s;

	if (get_str(rd, o, key, true, &s) < 0)
		return -1;
	if (!s)
		s = "";
	if (strlen(s) >= size)
		return bad(rd, key, "longer than %zu bytes", size - 1);
	strcpy(buf, s);
	return 0;
}

static int get_addr(struct rd *rd, const struct json_value *o, const char *key,
		    uint64_t *out)
{
	char err[PARSE_ERR_MAX];
	const char *s;

	if (get_str(rd, o, key, false, &s) < 0)
		return -1;
	if (strncmp(s, "0x", 2) || parse_u64(s, 0, UINT64_MAX, out, err) < 0)
		return bad(rd, key, "'%.40s' is not a 0x hex address", s);
	return 0;
}

/* What fmt_time() wrote: RFC 3339 UTC with 9 digits of fraction, or "@ns". */
static int get_time(struct rd *rd, const struct json_value *o, const char *key,
		    uint64_t *out)
{
	char err[PARSE_ERR_MAX];
	uint64_t ns = 0;
	const char *s, *rest;
	struct tm tm;
	time_t sec;
	int i;

	if (get_str(rd, o, key, false, &s) < 0)
		return -1;
	if (s[0] == '@' && parse_u64(s + 1, 0, UINT64_MAX, out, err) == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest || *rest++ != '.')
		goto invalid;
	for (i = 0; i < 9; i++, rest++) {
		if (*rest < '0' || *rest > '9')
			goto invalid;
		ns = ns * 10 + (uint64_t)(*rest - '0');
	}
	if (strcmp(rest, "Z"))
		goto invalid;
	sec = timegm(&tm);
	if (sec < 0 || (uint64_t)sec > UINT64_MAX / 1000000000 - 1)
		goto invalid;
	*out = (uint64_t)sec * 1000000000 + ns;
	return 0;
invalid:
	return bad(rd, key, "'%.40s' is not a time like 2026-11-22T03:10:05.123456789Z", s);
}

static int get_array(struct rd *rd, const struct json_value *o,
		     const char *key, const struct json_value **out)
{
	*out = member(rd, o, key, JSON_ARRAY, false);
	return *out ? 0 : -1;
}

static int find_name(struct rd *rd, const struct json_value *o,
		     const char *key, const char *(*name)(unsigned int),
		     unsigned int max, unsigned int *out)
{
	const char *s;
	unsigned int i;

	if (get_str(rd, o, key, false, &s) < 0)
		return -1;
	for (i = 0; i <= max; i++)
		if (!strcmp(name(i), s)) {
			*out = i;
			return 0;
		}
	return bad(rd, key, "unknown value '%.40s'", s);
}

static const char *op_symbol(unsigned int i)
{
	return vmon_op_symbol((enum vmon_op)i);
}

static const char *reason_name(unsigned int i)
{
	return vmon_gone_reason_name((enum vmon_gone_reason)i);
}

/* Descends into where[i]; returns the old length for leave(). */
static size_t enter(struct rd *rd, const char *key, size_t i)
{
	size_t len = strlen(rd->where);

	snprintf(rd->where + len, sizeof(rd->where) - len, "%s%s[%zu]",
		 len ? "." : "", key, i);
	return len;
}

static void leave(struct rd *rd, size_t len)
{
	rd->where[len] = '\0';
}

/* Reads one element: o is an object, elem zeroed. */
typedef int (*elem_read_fn)(struct rd *rd, const struct json_value *o,
			    void *elem, const void *arg);

/*
 * The array key of o into a calloc'd array of objects, size bytes each.
 * *n counts every element from the start, so that after a failure
 * vmon_report_free() frees what was read.
 */
static int array_read(struct rd *rd, const struct json_value *o,
		      const char *key, size_t size, void **out, size_t *n,
		      elem_read_fn fn, const void *arg)
{
	const struct json_value *a;
	size_t i, at;

	*out = NULL;
	if (get_array(rd, o, key, &a) < 0)
		return -1;
	if (!a->arr.n)
		return 0;
	*out = calloc(a->arr.n, size);
	if (!*out)
		return bad(rd, key, "out of memory");
	*n = a->arr.n;
	for (i = 0; i < a->arr.n; i++) {
		at = enter(rd, key, i);
		if (a->arr.v[i].type != JSON_OBJECT)
			return bad(rd, NULL, "expected an object");
		if (fn(rd, &a->arr.v[i], (char *)*out + i * size, arg) < 0)
			return -1;
		leave(rd, at);
	}
	return 0;
}

/* arg: points to true for user frames, which have source lines. */
static int frame_read(struct rd *rd, const struct json_value *o, void *elem,
		      const void *arg)
{
	struct vmon_frame *fr = elem;
	const struct json_value *line;
	uint64_t v;

	if (get_addr(rd, o, "addr", &fr->addr) < 0 ||
	    get_strdup(rd, o, "symbol", (char **)&fr->symbol) < 0 ||
	    get_u64(rd, o, "offset", UINT64_MAX, &fr->offset) < 0 ||
	    get_strdup(rd, o, "module", (char **)&fr->module) < 0)
		return -1;
	if (!*(const bool *)arg)
		return 0;
	if (get_strdup(rd, o, "file", (char **)&fr->file) < 0 ||
	    get_bool(rd, o, "inlined", &fr->inlined) < 0)
		return -1;
	line = member(rd, o, "line", JSON_INT, true);
	if (!line)
		return -1;
	if (line->type != JSON_NULL) {
		if (get_u64(rd, o, "line", UINT32_MAX, &v) < 0)
			return -1;
		fr->line = (unsigned int)v;
	}
	return 0;
}

static int stack_read(struct rd *rd, const struct json_value *o,
		      const char *key, struct vmon_frame **out, size_t *n,
		      bool user)
{
	void *v;
	int r;

	r = array_read(rd, o, key, sizeof(**out), &v, n, frame_read, &user);
	*out = v;
	return r;
}

static int flags_read(struct rd *rd, const struct json_value *o,
		      unsigned int *flags)
{
	const struct json_value *a;
	unsigned int bit;
	size_t i;

	if (get_array(rd, o, "flags", &a) < 0)
		return -1;
	for (i = 0; i < a->arr.n; i++) {
		const struct json_value *v = &a->arr.v[i];

		for (bit = 0; task_flag_name(bit); bit++)
			if (v->type == JSON_STRING && !strcmp(v->s, task_flag_name(bit)))
				break;
		if (!task_flag_name(bit))
			return bad(rd, "flags", "unknown flag at [%zu]", i);
		*flags |= 1U << bit;
	}
	return 0;
}

static int task_read(struct rd *rd, const struct json_value *o, void *elem,
		     const void *arg)
{
	struct vmon_task *t = elem;
	const struct json_value *v;
	const char *state;
	uint64_t cpu;

	(void)arg;
	if (get_pid(rd, o, "pid", &t->pid) < 0 ||
	    get_pid(rd, o, "tid", &t->tid) < 0 ||
	    get_chars(rd, o, "comm", t->comm, sizeof(t->comm)) < 0 ||
	    get_str(rd, o, "state", true, &state) < 0)
		return -1;
	if (state && strlen(state) != 1)
		return bad(rd, "state", "expected one letter");
	t->state = state ? state[0] : '\0';
	v = member(rd, o, "cpu", JSON_INT, true);
	if (!v)
		return -1;
	t->cpu = -1;
	if (v->type != JSON_NULL) {
		if (get_u64(rd, o, "cpu", INT32_MAX, &cpu) < 0)
			return -1;
		t->cpu = (int)cpu;
	}
	if (flags_read(rd, o, &t->flags) < 0 ||
	    get_strdup(rd, o, "cgroup", &t->cgroup) < 0 ||
	    stack_read(rd, o, "user_stack", &t->user, &t->n_user, true) < 0 ||
	    stack_read(rd, o, "kernel_stack", &t->kernel, &t->n_kernel, false) < 0 ||
	    get_strdup(rd, o, "unwind_error", (char **)&t->unwind_error) < 0)
		return -1;
	return 0;
}

static int ancestor_read(struct rd *rd, const struct json_value *o,
			 void *elem, const void *arg)
{
	struct vmon_ancestor *a = elem;

	(void)arg;
	if (get_pid(rd, o, "pid", &a->pid) < 0 ||
	    get_chars(rd, o, "comm", a->comm, sizeof(a->comm)) < 0 ||
	    get_strdup(rd, o, "cmdline", &a->cmdline) < 0)
		return -1;
	return 0;
}

static int chain_read(struct rd *rd, const struct json_value *o,
		      struct vmon_process *p)
{
	void *v;
	int r;

	r = array_read(rd, o, "chain", sizeof(*p->chain), &v, &p->n_chain,
		       ancestor_read, NULL);
	p->chain = v;
	return r;
}

static int process_read(struct rd *rd, const struct json_value *o,
			void *elem, const void *arg)
{
	struct vmon_process *p = elem;

	(void)arg;
	if (get_pid(rd, o, "pid", &p->pid) < 0)
		return -1;
	return chain_read(rd, o, p);
}

/*
 * "processes" first, then the watched one (from "chain", when there is
 * one): report_json() finds that one by pid, wherever it is.
 */
static int procs_read(struct rd *rd, const struct json_value *o,
		      const struct vmon_trigger *t, struct vmon_report *r)
{
	const struct json_value *chain;
	struct vmon_process *p;
	void *v;
	int ret;

	ret = array_read(rd, o, "processes", sizeof(*r->procs), &v,
			 &r->n_procs, process_read, NULL);
	r->procs = v;
	if (ret < 0 || get_array(rd, o, "chain", &chain) < 0)
		return -1;
	if (!chain->arr.n)
		return 0;
	if (t->metric)
		return bad(rd, "chain", "a metric watch watches no process: expected []");
	p = realloc(r->procs, (r->n_procs + 1) * sizeof(*p));
	if (!p)
		return bad(rd, "chain", "out of memory");
	r->procs = p;
	p = &r->procs[r->n_procs++];
	memset(p, 0, sizeof(*p));
	p->pid = t->pid;
	return chain_read(rd, o, p);
}

static int report_read(struct rd *rd, const struct json_value *o,
		       struct vmon_trigger *t)
{
	struct vmon_report *r = calloc(1, sizeof(*r));
	void *v;
	int ret;

	if (!r)
		return bad(rd, "tasks", "out of memory");
	t->report = r;
	ret = array_read(rd, o, "tasks", sizeof(*r->tasks), &v, &r->n_tasks,
			 task_read, NULL);
	r->tasks = v;
	if (ret < 0 || procs_read(rd, o, t, r) < 0 ||
	    get_u32(rd, o, "tasks_omitted", &r->tasks_omitted) < 0 ||
	    get_bool(rd, o, "incomplete", &r->incomplete) < 0)
		return -1;
	return 0;
}

static int get_metric(struct rd *rd, const struct json_value *o,
		      enum vmon_metric *m)
{
	const char *s;

	if (get_str(rd, o, "metric", false, &s) < 0)
		return -1;
	if (vmon_metric_parse(s, m) < 0)
		return bad(rd, "metric", "unknown value '%.40s'", s);
	return 0;
}

/* What a memory watch reads: len bytes at addr in pid, signed or not. */
static int memory_read(struct rd *rd, const struct json_value *o,
		       struct vmon_trigger *t)
{
	uint64_t len;

	if (get_pid(rd, o, "pid", &t->pid) < 0 ||
	    get_addr(rd, o, "addr", &t->addr) < 0 ||
	    get_u64(rd, o, "len", 8, &len) < 0)
		return -1;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return bad(rd, "len", "not 1, 2, 4 or 8");
	t->len = (unsigned int)len;
	return get_bool(rd, o, "signed", &t->is_signed);
}

/* A value or threshold: in the metric's unit, or the raw bits. */
static int get_reading(struct rd *rd, const struct json_value *o,
		       const char *key, const struct vmon_trigger *t,
		       uint64_t *out)
{
	if (t->metric)
		return get_scaled(rd, o, key, vmon_metric_scale(t->metric), out);
	return get_raw(rd, o, key, t->is_signed, out);
}

static int trigger_read(struct rd *rd, const struct json_value *o,
			struct vmon_trigger *t)
{
	unsigned int op = 0;
	int r;

	if (get_u32(rd, o, "watch_id", &t->watch_id) < 0 ||
	    get_chars(rd, o, "name", t->name, sizeof(t->name)) < 0)
		return -1;
	/* A metric watch has "metric" where others have pid, addr, len, signed. */
	if (json_get(o, "metric"))
		r = get_metric(rd, o, &t->metric);
	else
		r = memory_read(rd, o, t);
	if (r < 0 ||
	    get_reading(rd, o, "value", t, &t->value) < 0 ||
	    find_name(rd, o, "op", op_symbol, VMON_OP_MAX, &op) < 0 ||
	    get_reading(rd, o, "threshold", t, &t->threshold) < 0 ||
	    get_time(rd, o, "time", &t->time_real_ns) < 0 ||
	    get_u64(rd, o, "mono_ns", UINT64_MAX, &t->time_mono_ns) < 0 ||
	    get_u64(rd, o, "hits", UINT64_MAX, &t->hits) < 0 ||
	    get_u64(rd, o, "suppressed", UINT64_MAX, &t->suppressed) < 0 ||
	    get_u64(rd, o, "seq", UINT64_MAX, &t->seq) < 0)
		return -1;
	t->op = (enum vmon_op)op;
	/* Saved without a report (scope none, or an older vmon): none here. */
	if (json_get(o, "tasks"))
		return report_read(rd, o, t);
	return 0;
}

int event_from_json(const struct json_value *v, struct vmon_event *ev,
		    char *err)
{
	struct rd rd = { err, "" };
	unsigned int reason = 0;
	const char *type;
	int r;

	memset(ev, 0, sizeof(*ev));
	if (v->type != JSON_OBJECT) {
		snprintf(err, REPORT_ERR_MAX, "expected an object, found %s",
			 json_type_name(v->type));
		return -1;
	}
	if (get_str(&rd, v, "type", false, &type) < 0)
		return -1;
	if (!strcmp(type, "trigger")) {
		ev->type = VMON_EV_TRIGGER;
		r = trigger_read(&rd, v, &ev->trigger);
		if (r < 0) {
			vmon_report_free(ev->trigger.report);
			ev->trigger.report = NULL;
		}
		return r;
	}
	if (!strcmp(type, "gone")) {
		ev->type = VMON_EV_GONE;
		if (get_u32(&rd, v, "watch_id", &ev->gone.watch_id) < 0)
			return -1;
		if (json_get(v, "metric"))
			r = get_metric(&rd, v, &ev->gone.metric);
		else
			r = get_pid(&rd, v, "pid", &ev->gone.pid);
		if (r < 0 || find_name(&rd, v, "reason", reason_name,
				       VMON_GONE_MAX, &reason) < 0)
			return -1;
		ev->gone.reason = (enum vmon_gone_reason)reason;
		return 0;
	}
	if (!strcmp(type, "lost")) {
		ev->type = VMON_EV_LOST;
		return get_u64(&rd, v, "count", UINT64_MAX, &ev->lost);
	}
	return bad(&rd, "type", "unknown event type '%.40s'", type);
}
