// SPDX-License-Identifier: LGPL-2.1-or-later
/* libvmon unwinding: user stacks from captured registers and stack bytes, with libdwfl. */
#include <stdlib.h>
#include <string.h>

#include "modules.h"
#include "unwind-internal.h"

/*
 * Sessions kept, least recently used evicted.  A burst of triggers hits
 * the same few processes, and a session's ELF and DWARF state is the
 * expensive part: a hit costs nothing but the unwinding itself.
 */
#define VMON_SESSIONS		8

/*
 * One Dwfl for one set of mappings.  libdwfl attaches a Dwfl to a process
 * only once, so the thread callbacks do not carry a task: they read the
 * one this session is unwinding now.
 */
struct vmon_session {
	Dwfl *dwfl;
	const char *error;	/* why this layout cannot be unwound; dwfl is NULL */
	uint64_t key;
	struct vmon_mapping *maps;	/* a copy, to confirm a key match */
	size_t n_maps;
	unsigned long last_use;

	const struct vmon_task *task;	/* being unwound, else NULL */
	pid_t tid;
	bool read_failed;	/* the last read fell outside the stack copy */
	uint64_t read_fail_addr;
};

struct vmon_symcache {
	struct vmon_session *sessions[VMON_SESSIONS];
	unsigned long clock;
	unsigned long created;
	struct vmon_kallsyms *ks;
	bool ks_tried;
};

/* The pcs of one unwinding, before any of them is named. */
struct walk {
	struct vmon_session *s;
	uint64_t pc[VMON_MAX_FRAMES];
	bool activation[VMON_MAX_FRAMES];
	size_t n;
	bool bad_frame;		/* libdwfl gave a frame without a pc */
};

static void session_free(struct vmon_session *s)
{
	size_t i;

	if (!s)
		return;
	if (s->dwfl)
		dwfl_end(s->dwfl);
	for (i = 0; i < s->n_maps; i++)
		free(s->maps[i].path);
	free(s->maps);
	free(s);
}

struct vmon_symcache *vmon__symcache_new(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct vmon_symcache));
}

void vmon__symcache_free(struct vmon_symcache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < VMON_SESSIONS; i++)
		session_free(c->sessions[i]);
	vmon__kallsyms_free(c->ks);
	free(c);
}

unsigned long vmon__symcache_dwfls_created(const struct vmon_symcache *c)
{
	return c->created;
}

/* FNV-1a, enough to tell process layouts apart before comparing them in full. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static const char *map_path(const struct vmon_mapping *m)
{
	return m->path ? m->path : "";
}

static uint64_t maps_key(const struct vmon_process *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < p->n_maps; i++) {
		const struct vmon_mapping *m = &p->maps[i];

		h = hash_bytes(h, &m->start, sizeof(m->start));
		h = hash_bytes(h, &m->end, sizeof(m->end));
		h = hash_bytes(h, &m->pgoff, sizeof(m->pgoff));
		h = hash_bytes(h, map_path(m), strlen(map_path(m)) + 1);
	}
	return h;
}

static bool maps_equal(const struct vmon_session *s, const struct vmon_process *p)
{
	size_t i;

	if (s->n_maps != p->n_maps)
		return false;
	for (i = 0; i < p->n_maps; i++) {
		const struct vmon_mapping *a = &s->maps[i], *b = &p->maps[i];

		if (a->start != b->start || a->end != b->end ||
		    a->pgoff != b->pgoff || strcmp(map_path(a), map_path(b)))
			return false;
	}
	return true;
}

static pid_t next_thread(Dwfl *dwfl, void *dwfl_arg, void **thread_argp)
{
	struct vmon_session *s = dwfl_arg;

	(void)dwfl;
	if (*thread_argp || !s->task)
		return 0;
	*thread_argp = s;
	return s->tid;
}

/* The only memory there is: the stack bytes captured with the registers. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *dwfl_arg)
{
	struct vmon_session *s = dwfl_arg;
	const struct vmon_task *t = s->task;

	(void)dwfl;
	if (!t || !t->stack || t->stack_len < sizeof(*result) ||
	    addr < t->stack_addr ||
	    addr - t->stack_addr > t->stack_len - sizeof(*result)) {
		s->read_failed = true;
		s->read_fail_addr = addr;
		return false;
	}
	memcpy(result, t->stack + (addr - t->stack_addr), sizeof(*result));
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct vmon_session *s = thread_arg;
	const uint64_t *regs = s->task->regs;

	dwfl_thread_state_register_pc(thread, regs[VMON_REG_IP]);
	return dwfl_thread_state_registers(thread, 0, VMON_NR_REGS, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* Open the ELF files of p's layout and make them unwindable. */
static void session_open(struct vmon_session *s, const struct vmon_process *p)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks callbacks = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = vmon__find_debuginfo_local,	/* never debuginfod */
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &debuginfo_path,
	};
	size_t reported;

	s->dwfl = dwfl_begin(&callbacks);
	if (!s->dwfl) {
		s->error = "libdwfl could not start";
		return;
	}
	dwfl_report_begin(s->dwfl);
	reported = vmon__report_maps(s->dwfl, p->maps, p->n_maps, NULL, NULL);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!reported)
		s->error = "none of the process's ELF files could be opened";
	else if (!dwfl_attach_state(s->dwfl, NULL, p->pid > 0 ? p->pid : 1,
				    &thread_callbacks, s))
		s->error = dwfl_errmsg(-1);
	if (s->error) {
		dwfl_end(s->dwfl);
		s->dwfl = NULL;
	}
}

static struct vmon_session *session_new(const struct vmon_process *p,
					uint64_t key)
{
	struct vmon_session *s;
	size_t i;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key = key;
	s->maps = calloc(p->n_maps, sizeof(*s->maps));
	if (!s->maps) {
		free(s);
		return NULL;
	}
	for (; s->n_maps < p->n_maps; s->n_maps++) {
		i = s->n_maps;
		s->maps[i] = p->maps[i];
		s->maps[i].path = p->maps[i].path ? strdup(p->maps[i].path) : NULL;
		if (p->maps[i].path && !s->maps[i].path) {
			session_free(s);
			return NULL;
		}
	}
	session_open(s, p);
	return s;
}

/* The cached session for p's layout, made (evicting the oldest) when missing. */
static struct vmon_session *session_get(struct vmon_symcache *c,
					const struct vmon_process *p)
{
	uint64_t key = maps_key(p);
	struct vmon_session *s;
	size_t i, slot = 0;

	for (i = 0; i < VMON_SESSIONS; i++) {
		s = c->sessions[i];
		if (s && s->key == key && maps_equal(s, p)) {
			s->last_use = ++c->clock;
			return s;
		}
		if (!s || (c->sessions[slot] &&
			   s->last_use < c->sessions[slot]->last_use))
			slot = i;
	}
	s = session_new(p, key);
	if (!s)
		return NULL;
	c->created++;
	session_free(c->sessions[slot]);
	c->sessions[slot] = s;
	s->last_use = ++c->clock;
	return s;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	/*
	 * Asking whether this is an activation unwinds this frame: the
	 * reads from here on are the ones for finding its caller.
	 */
	w->s->read_failed = false;
	if (!dwfl_frame_pc(state, &pc, &activation)) {
		w->bad_frame = true;
		return DWARF_CB_ABORT;
	}
	w->pc[w->n] = pc;
	w->activation[w->n] = activation;
	w->n++;
	return w->n < VMON_MAX_FRAMES ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* Functions a stack ends in: unwinding that fails past them has not failed. */
static bool is_stack_bottom(const char *sym)
{
	static const char *const bottoms[] = {
		"_start", "__libc_start_call_main", "__libc_start_main",
		"__libc_start_main_impl", "start_thread", "clone", "__clone",
		"clone3", "__clone3",
	};
	size_t i;

	for (i = 0; sym && i < sizeof(bottoms) / sizeof(bottoms[0]); i++)
		if (!strcmp(sym, bottoms[i]))
			return true;
	return false;
}

static bool has_cfi(Dwfl *dwfl, uint64_t pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
	Dwarf_Addr bias;

	return mod && (dwfl_module_eh_cfi(mod, &bias) ||
		       dwfl_module_dwarf_cfi(mod, &bias));
}

/*
 * Why unwinding stopped after w's last frame.  libdwfl ends without an
 * error when it cannot read the return address, as if the stack ended
 * there: a read outside the stack copy says it did not.
 */
static const char *stop_reason(const struct vmon_session *s,
			       const struct vmon_task *t, const struct walk *w,
			       int err)
{
	uint64_t pc = w->pc[w->n - 1];

	if (s->read_failed)
		return s->read_fail_addr >= t->stack_addr + t->stack_len ?
			"the stack copy ends before the stack does" :
			"unwinding read memory outside the stack copy";
	if (!w->activation[w->n - 1])
		pc--;
	if (!dwfl_addrmodule(s->dwfl, pc))
		return "the pc is outside every mapped ELF file";
	if (!has_cfi(s->dwfl, pc))
		return "no CFI for the code at the pc";
	return dwfl_errmsg(err);
}

/* t's user frames from its registers and stack copy, with p's mappings. */
static void unwind_task(struct vmon_symcache *c, const struct vmon_process *p,
			struct vmon_task *t)
{
	struct vmon_session *s = p && p->n_maps ? session_get(c, p) : NULL;
	struct vmon_frame *f, *shrunk;
	struct walk w = { .s = s };
	const char *why = NULL;
	size_t i, n = 0;
	int rc, err = 0;

	f = calloc(VMON_MAX_FRAMES, sizeof(*f));
	if (!f)
		return;
	if (s && s->dwfl) {
		s->task = t;
		s->tid = t->tid > 0 ? t->tid : 1;
		rc = dwfl_getthread_frames(s->dwfl, s->tid, frame_cb, &w);
		if (rc < 0)
			err = dwfl_errno();
		s->task = NULL;
		if (w.n == VMON_MAX_FRAMES)
			why = "too many frames";
		else if (w.bad_frame)
			why = "libdwfl gave a frame without a pc";
		else if (w.n == 0)
			why = dwfl_errmsg(err);
		else if (rc < 0 || s->read_failed)
			why = stop_reason(s, t, &w, err);
	} else {
		why = !p || !p->n_maps ?
			"no executable mappings known for the process" :
			s ? s->error : "out of memory";
	}
	if (w.n == 0) {
		/* Still say where the task was. */
		w.pc[0] = t->regs[VMON_REG_IP];
		w.activation[0] = true;
		w.n = 1;
	}
	for (i = 0; i < w.n && n < VMON_MAX_FRAMES; i++)
		n += vmon__pc_frames(s ? s->dwfl : NULL, w.pc[i], w.activation[i],
				     f + n, VMON_MAX_FRAMES - n);
	if (why && n && i == w.n && is_stack_bottom(f[n - 1].symbol))
		why = NULL;
	/* A copy: libdwfl's messages may live in a buffer it reuses. */
	t->unwind_error = why ? strdup(why) : NULL;
	shrunk = realloc(f, n * sizeof(*f));
	t->user = shrunk ? shrunk : f;
	t->n_user = n;
}

void vmon__report_symbolize(struct vmon_symcache *c, struct vmon_report *r)
{
	size_t i;

	if (!c || !r)
		return;
	for (i = 0; i < r->n_tasks; i++) {
		struct vmon_task *t = &r->tasks[i];

		if (t->n_kstack && !c->ks_tried) {
			c->ks = vmon__kallsyms_load("/proc/kallsyms");
			c->ks_tried = true;
		}
		vmon__kernel_frames(c->ks, t);
		if (t->has_regs)
			unwind_task(c, vmon_report_process(r, t->pid), t);
	}
}
