// SPDX-License-Identifier: GPL-2.0
/*
 * Output of show, monitor and top, as text and as JSON.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "table.h"
#include "units.h"

#define VM_HAS(vm, a)	DQ_HAS(vm, DIRTYQUOTA_A_VM_##a)
#define VCPU_HAS(v, a)	DQ_HAS(v, DIRTYQUOTA_A_VCPU_##a)

/* A line of ", "-separated items. */
struct line {
	char buf[512];
	size_t len;
	bool items;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->len >= sizeof(l->buf))
		return;
	if (l->items)
		l->len += snprintf(l->buf + l->len, sizeof(l->buf) - l->len,
				   ", ");
	l->items = true;
	if (l->len >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	l->len += vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
}

static void print_line(FILE *f, const struct line *l)
{
	if (l->items)
		fprintf(f, "  %s\n", l->buf);
}

static const char *mode_str(char *buf, uint32_t mode)
{
	const char *name = dq_mode_name(mode);

	if (name)
		return name;
	snprintf(buf, DQ_FMT_LEN, "%u", mode);
	return buf;
}

/* The settings of a VM: mode, budget, interval, max-stall, pool. */
static void show_vm_settings(FILE *f, const struct dq_vm *vm)
{
	struct line l = { .len = 0 };
	char a[DQ_FMT_LEN], b[DQ_FMT_LEN];

	if (VM_HAS(vm, MODE))
		add(&l, "mode %s", mode_str(a, vm->mode));
	if (VM_HAS(vm, BUDGET))
		add(&l, "budget %s", dq_fmt_rate(a, vm->budget));
	if (VM_HAS(vm, INTERVAL_NS))
		add(&l, "interval %s", dq_fmt_duration(a, vm->interval_ns));
	if (VM_HAS(vm, MAX_STALL_NS))
		add(&l, "max-stall %s", dq_fmt_duration(a, vm->max_stall_ns));
	if (VM_HAS(vm, POOL) && vm->pool && vm->pool_cap)
		add(&l, "pool on (%s of %s)", dq_fmt_size(a, vm->pool_level),
		    dq_fmt_size(b, vm->pool_cap));
	else if (VM_HAS(vm, POOL))
		add(&l, "pool %s", vm->pool ? "on" : "off");
	print_line(f, &l);
}

static void show_vm_header(FILE *f, const struct dq_vm *vm)
{
	struct line l = { .len = 0 };
	char a[DQ_FMT_LEN];

	fprintf(f, "vm %llu%s%s\n", (unsigned long long)vm->id,
		vm->name[0] ? ": " : "", vm->name);
	if (VM_HAS(vm, PID))
		add(&l, vm->comm[0] ? "pid %u (%s)" : "pid %u", vm->pid,
		    vm->comm);
	if (vm->stats_id[0])
		add(&l, "%s", vm->stats_id);
	if (VM_HAS(vm, NR_VCPUS))
		add(&l, "%u vCPU%s", vm->nr_vcpus, vm->nr_vcpus == 1 ? "" : "s");
	print_line(f, &l);
	show_vm_settings(f, vm);

	memset(&l, 0, sizeof(l));
	if (VM_HAS(vm, BYTES_DIRTIED))
		add(&l, "dirtied %s", dq_fmt_size(a, vm->bytes_dirtied));
	if (VM_HAS(vm, BYTES_UNATTRIBUTED))
		add(&l, "unattributed %s",
		    dq_fmt_size(a, vm->bytes_unattributed));
	if (VM_HAS(vm, DIRTY_LOGGING))
		add(&l, "dirty logging %s", vm->dirty_logging ? "on" : "off");
	if (VM_HAS(vm, HARVEST_AGE_NS))
		add(&l, "%llu harvest%s, the last %s ago",
		    (unsigned long long)vm->harvests,
		    vm->harvests == 1 ? "" : "s",
		    dq_fmt_duration(a, vm->harvest_age_ns));
	if (VM_HAS(vm, ATTACHED))
		add(&l, "%s%s", vm->attached ? "attached" : "not attached",
		    vm->attached && vm->exit_allowed ?
		    " (exit allowed)" : "");
	print_line(f, &l);
	if (VM_HAS(vm, HARVEST_AGE_NS))
		fprintf(f, "  (a page counts once per harvest: PASS is since "
			"the last harvest, LAST the pass before it)\n");
}

enum {
	C_VCPU, C_ID, C_RATE, C_DIRTIED, C_PASS, C_LAST, C_KVM, C_LIMIT,
	C_USED, C_QUOTA, C_STOPS, C_THROTTLED, C_STATE, C_NR
};

static const char *limit_str(char *buf, const struct dq_vcpu *v)
{
	return VCPU_HAS(v, RATE) ? dq_fmt_rate(buf, v->rate) : "share";
}

/* A u64 counter as dq_fmt_*() would print it, or "-" if absent. */
static const char *opt_size(char *buf, bool has, uint64_t v)
{
	if (!has)
		return "-";
	if (v == DIRTYQUOTA_UNLIMITED)
		return "unlimited";
	return dq_fmt_size(buf, v);
}

static void show_vcpu_row(struct dq_table *t, const struct dq_vcpu *v)
{
	char s[C_NR][DQ_FMT_LEN];
	const char *c[C_NR];

	snprintf(s[C_VCPU], DQ_FMT_LEN, "%u", v->index);
	c[C_VCPU] = s[C_VCPU];
	snprintf(s[C_ID], DQ_FMT_LEN, "%u", v->id);
	c[C_ID] = VCPU_HAS(v, ID) ? s[C_ID] : "-";
	if (VCPU_HAS(v, TRACKED) && !v->tracked) {
		for (int i = C_RATE; i < C_STATE; i++)
			c[i] = "-";
		c[C_STATE] = "untracked";
		dq_table_add(t, c);
		return;
	}
	c[C_RATE] = VCPU_HAS(v, DIRTY_RATE) ?
		    dq_fmt_rate(s[C_RATE], v->dirty_rate) : "-";
	c[C_DIRTIED] = opt_size(s[C_DIRTIED], VCPU_HAS(v, BYTES_DIRTIED),
				v->bytes_dirtied);
	c[C_PASS] = opt_size(s[C_PASS], VCPU_HAS(v, PASS_BYTES),
			     v->pass_bytes);
	c[C_LAST] = opt_size(s[C_LAST], VCPU_HAS(v, LAST_PASS_BYTES),
			     v->last_pass_bytes);
	c[C_KVM] = opt_size(s[C_KVM], VCPU_HAS(v, KVM_BYTES), v->kvm_bytes);
	c[C_LIMIT] = limit_str(s[C_LIMIT], v);
	c[C_USED] = opt_size(s[C_USED], VCPU_HAS(v, BYTES_INTERVAL),
			     v->bytes_interval);
	c[C_QUOTA] = opt_size(s[C_QUOTA], VCPU_HAS(v, QUOTA), v->quota);
	snprintf(s[C_STOPS], DQ_FMT_LEN, "%llu",
		 (unsigned long long)v->stops);
	c[C_STOPS] = VCPU_HAS(v, STOPS) ? s[C_STOPS] : "-";
	c[C_THROTTLED] = VCPU_HAS(v, THROTTLED_NS) ?
			 dq_fmt_duration(s[C_THROTTLED], v->throttled_ns) : "-";
	c[C_STATE] = v->stopped ? "stopped" : "-";
	dq_table_add(t, c);
}

void dq_render_show(FILE *f, const struct dq_vm *vms, size_t nr)
{
	static const char * const head[C_NR] = {
		"VCPU", "ID", "DIRTY/S", "DIRTIED", "PASS", "LAST", "KVM",
		"LIMIT", "USED", "QUOTA", "STOPS", "THROTTLED", "STATE",
	};
	size_t i, k;

	if (!nr) {
		fprintf(f, "no VMs\n");
		return;
	}
	for (i = 0; i < nr; i++) {
		struct dq_table t;

		if (i)
			fputc('\n', f);
		show_vm_header(f, &vms[i]);
		if (!vms[i].nr_vcpu_entries)
			continue;
		dq_table_init(&t, C_NR, 0xf7f);	/* all but LIMIT and STATE */
		dq_table_add(&t, head);
		for (k = 0; k < vms[i].nr_vcpu_entries; k++)
			show_vcpu_row(&t, &vms[i].vcpus[k]);
		fputc('\n', f);
		dq_table_print(&t, f, "  ", 0);
		dq_table_free(&t);
	}
}

/* Budgets, rates and quotas: a number of bytes, or null if unlimited. */
void dq_json_limit(struct dq_json *j, const char *key, uint64_t v)
{
	if (v == DIRTYQUOTA_UNLIMITED)
		dq_json_null(j, key);
	else
		dq_json_u64(j, key, v);
}

void dq_json_mode(struct dq_json *j, const char *key, uint32_t mode)
{
	if (dq_mode_name(mode))
		dq_json_str(j, key, dq_mode_name(mode));
	else
		dq_json_u64(j, key, mode);
}

static void json_vcpu(struct dq_json *j, const struct dq_vcpu *v)
{
	dq_json_object_start(j, NULL);
	dq_json_u64(j, "index", v->index);
	if (VCPU_HAS(v, ID))
		dq_json_u64(j, "id", v->id);
	dq_json_bool(j, "tracked", !VCPU_HAS(v, TRACKED) || v->tracked);
	if (VCPU_HAS(v, BYTES_DIRTIED))
		dq_json_u64(j, "bytes_dirtied", v->bytes_dirtied);
	if (VCPU_HAS(v, DIRTY_RATE))
		dq_json_u64(j, "dirty_rate", v->dirty_rate);
	if (!VCPU_HAS(v, TRACKED) || v->tracked)
		dq_json_bool(j, "share", !VCPU_HAS(v, RATE));
	if (VCPU_HAS(v, RATE))
		dq_json_limit(j, "rate", v->rate);
	if (VCPU_HAS(v, BYTES_INTERVAL))
		dq_json_u64(j, "bytes_interval", v->bytes_interval);
	if (VCPU_HAS(v, QUOTA))
		dq_json_limit(j, "quota", v->quota);
	if (VCPU_HAS(v, STOPS))
		dq_json_u64(j, "stops", v->stops);
	if (VCPU_HAS(v, THROTTLED_NS))
		dq_json_u64(j, "throttled_ns", v->throttled_ns);
	if (VCPU_HAS(v, POOL_DRAWN))
		dq_json_u64(j, "pool_drawn", v->pool_drawn);
	if (VCPU_HAS(v, STOPPED))
		dq_json_bool(j, "stopped", v->stopped);
	if (VCPU_HAS(v, KVM_BYTES))
		dq_json_u64(j, "kvm_bytes", v->kvm_bytes);
	if (VCPU_HAS(v, PASS_BYTES))
		dq_json_u64(j, "pass_bytes", v->pass_bytes);
	if (VCPU_HAS(v, LAST_PASS_BYTES))
		dq_json_u64(j, "last_pass_bytes", v->last_pass_bytes);
	dq_json_object_end(j);
}

/* The VM's own members, without braces. */
static void json_vm_members(struct dq_json *j, const struct dq_vm *vm,
			    const char *id_key)
{
	dq_json_u64(j, id_key, vm->id);
	if (VM_HAS(vm, PID))
		dq_json_u64(j, "pid", vm->pid);
	if (VM_HAS(vm, COMM))
		dq_json_str(j, "comm", vm->comm);
	if (vm->name[0])
		dq_json_str(j, "name", vm->name);
	if (VM_HAS(vm, STATS_ID))
		dq_json_str(j, "stats_id", vm->stats_id);
	if (VM_HAS(vm, NR_VCPUS))
		dq_json_u64(j, "nr_vcpus", vm->nr_vcpus);
	if (VM_HAS(vm, MODE))
		dq_json_mode(j, "mode", vm->mode);
	if (VM_HAS(vm, OLD_MODE))
		dq_json_mode(j, "old_mode", vm->old_mode);
	if (VM_HAS(vm, BUDGET))
		dq_json_limit(j, "budget", vm->budget);
	if (VM_HAS(vm, INTERVAL_NS))
		dq_json_u64(j, "interval_ns", vm->interval_ns);
	if (VM_HAS(vm, MAX_STALL_NS))
		dq_json_u64(j, "max_stall_ns", vm->max_stall_ns);
	if (VM_HAS(vm, POOL))
		dq_json_bool(j, "pool", vm->pool);
	if (VM_HAS(vm, POOL_LEVEL))
		dq_json_u64(j, "pool_level", vm->pool_level);
	if (VM_HAS(vm, POOL_CAP))
		dq_json_u64(j, "pool_cap", vm->pool_cap);
	if (VM_HAS(vm, BYTES_DIRTIED))
		dq_json_u64(j, "bytes_dirtied", vm->bytes_dirtied);
	if (VM_HAS(vm, BYTES_UNATTRIBUTED))
		dq_json_u64(j, "bytes_unattributed", vm->bytes_unattributed);
	if (VM_HAS(vm, ATTACHED))
		dq_json_bool(j, "attached", vm->attached);
	if (VM_HAS(vm, EXIT_ALLOWED))
		dq_json_bool(j, "exit_allowed", vm->exit_allowed);
	if (VM_HAS(vm, DIRTY_LOGGING))
		dq_json_bool(j, "dirty_logging", vm->dirty_logging);
	if (VM_HAS(vm, HARVESTS))
		dq_json_u64(j, "harvests", vm->harvests);
	if (VM_HAS(vm, HARVEST_AGE_NS))
		dq_json_u64(j, "harvest_age_ns", vm->harvest_age_ns);
}

void dq_json_vm(struct dq_json *j, const struct dq_vm *vm)
{
	size_t i;

	dq_json_object_start(j, NULL);
	json_vm_members(j, vm, "id");
	dq_json_array_start(j, "vcpus");
	for (i = 0; i < vm->nr_vcpu_entries; i++)
		json_vcpu(j, &vm->vcpus[i]);
	dq_json_array_end(j);
	dq_json_object_end(j);
}

void dq_render_show_json(FILE *f, const struct dq_vm *vms, size_t nr,
			 bool pretty, const uint64_t *time_ns)
{
	struct dq_json j;
	size_t i;

	dq_json_init(&j, f, pretty);
	dq_json_object_start(&j, NULL);
	if (time_ns)
		dq_json_u64(&j, "time_ns", *time_ns);
	dq_json_array_start(&j, "vms");
	for (i = 0; i < nr; i++)
		dq_json_vm(&j, &vms[i]);
	dq_json_array_end(&j);
	dq_json_object_end(&j);
	dq_json_end(&j);
}

void dq_render_event(FILE *f, const struct dq_event *ev, const char *name)
{
	const struct dq_vm *vm = &ev->vm;
	const struct dq_vcpu *v = &ev->vcpu;
	struct line l = { .len = 0 };
	char a[DQ_FMT_LEN], b[DQ_FMT_LEN];

	switch (ev->cmd) {
	case DIRTYQUOTA_CMD_VM_NEW_NTF:
		if (name && name[0])
			add(&l, "name %s", name);
		if (VM_HAS(vm, PID))
			add(&l, vm->comm[0] ? "pid %u (%s)" : "pid %u",
			    vm->pid, vm->comm);
		if (vm->stats_id[0])
			add(&l, "%s", vm->stats_id);
		if (VM_HAS(vm, NR_VCPUS))
			add(&l, "%u vCPU%s", vm->nr_vcpus,
			    vm->nr_vcpus == 1 ? "" : "s");
		break;
	case DIRTYQUOTA_CMD_VM_DEL_NTF:
		if (VM_HAS(vm, BYTES_DIRTIED))
			add(&l, "dirtied %s", dq_fmt_size(a, vm->bytes_dirtied));
		if (VM_HAS(vm, BYTES_UNATTRIBUTED))
			add(&l, "unattributed %s",
			    dq_fmt_size(a, vm->bytes_unattributed));
		break;
	case DIRTYQUOTA_CMD_MODE_CHANGE_NTF:
		add(&l, "%s -> %s", mode_str(a, vm->old_mode),
		    mode_str(b, vm->mode));
		break;
	case DIRTYQUOTA_CMD_QUOTA_FULL_NTF:
		fprintf(f, "%s vm %llu vcpu %u: used %s of %s, %llu stops\n",
			dq_event_name(ev->cmd), (unsigned long long)v->vm_id,
			v->index, opt_size(a, true, v->bytes_interval),
			opt_size(b, true, v->quota),
			(unsigned long long)v->stops);
		return;
	default:
		return;
	}
	fprintf(f, "%s vm %llu%s%s\n", dq_event_name(ev->cmd),
		(unsigned long long)vm->id, l.items ? ": " : "", l.buf);
}

void dq_render_event_json(FILE *f, const struct dq_event *ev,
			  const char *name)
{
	const struct dq_vcpu *v = &ev->vcpu;
	struct dq_vm vm = ev->vm;
	struct dq_json j;

	if (!dq_event_name(ev->cmd))
		return;
	dq_json_init(&j, f, false);
	dq_json_object_start(&j, NULL);
	dq_json_str(&j, "event", dq_event_name(ev->cmd));
	if (ev->cmd == DIRTYQUOTA_CMD_QUOTA_FULL_NTF) {
		dq_json_u64(&j, "vm_id", v->vm_id);
		dq_json_u64(&j, "vcpu", v->index);
		if (VCPU_HAS(v, BYTES_INTERVAL))
			dq_json_u64(&j, "bytes_interval", v->bytes_interval);
		if (VCPU_HAS(v, QUOTA))
			dq_json_limit(&j, "quota", v->quota);
		if (VCPU_HAS(v, STOPS))
			dq_json_u64(&j, "stops", v->stops);
	} else {
		snprintf(vm.name, sizeof(vm.name), "%s", name ? name : "");
		json_vm_members(&j, &vm, "vm_id");
	}
	dq_json_object_end(&j);
	dq_json_end(&j);
}

struct top_row {
	const struct dq_vm *vm;
	const struct dq_vcpu *v;
	const struct dq_vcpu *prev;
};

static int top_cmp(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	if (x->v->dirty_rate != y->v->dirty_rate)
		return x->v->dirty_rate > y->v->dirty_rate ? -1 : 1;
	if (x->vm->id != y->vm->id)
		return x->vm->id < y->vm->id ? -1 : 1;
	return x->v->index < y->v->index ? -1 : x->v->index > y->v->index;
}

static const struct dq_vcpu *find_prev(const struct dq_sample *prev,
				       const struct dq_vm *vm,
				       const struct dq_vcpu *v)
{
	size_t i, k;

	if (!prev)
		return NULL;
	for (i = 0; i < prev->nr; i++) {
		const struct dq_vm *p = &prev->vms[i];

		if (p->id != vm->id)
			continue;
		for (k = 0; k < p->nr_vcpu_entries; k++)
			if (p->vcpus[k].index == v->index)
				return &p->vcpus[k];
	}
	return NULL;
}

enum {
	T_VM, T_NAME, T_VCPU, T_MODE, T_RATE, T_LAST, T_KVM, T_LIMIT,
	T_THROTTLED, T_STOPS, T_STATE, T_NR
};

/* KVM's share of the vCPU's count: "0.4%", or "-". */
static const char *kvm_share(char *buf, const struct dq_vcpu *v)
{
	if (!VCPU_HAS(v, KVM_BYTES) || !v->bytes_dirtied)
		return "-";
	snprintf(buf, DQ_FMT_LEN, "%.1f%%",
		 100.0 * v->kvm_bytes / v->bytes_dirtied);
	return buf;
}

static void top_row(struct dq_table *t, const struct top_row *r,
		    uint64_t dt_ns)
{
	const struct dq_vcpu *v = r->v, *p = r->prev;
	char s[T_NR][DQ_FMT_LEN];
	const char *c[T_NR];

	snprintf(s[T_VM], DQ_FMT_LEN, "%llu", (unsigned long long)r->vm->id);
	c[T_VM] = s[T_VM];
	c[T_NAME] = r->vm->name[0] ? r->vm->name :
		    r->vm->comm[0] ? r->vm->comm : "-";
	snprintf(s[T_VCPU], DQ_FMT_LEN, "%u", v->index);
	c[T_VCPU] = s[T_VCPU];
	c[T_MODE] = VM_HAS(r->vm, MODE) ? mode_str(s[T_MODE], r->vm->mode) :
		    "-";
	c[T_RATE] = VCPU_HAS(v, DIRTY_RATE) ?
		    dq_fmt_rate(s[T_RATE], v->dirty_rate) : "-";
	c[T_LAST] = opt_size(s[T_LAST], VCPU_HAS(v, LAST_PASS_BYTES),
			     v->last_pass_bytes);
	c[T_KVM] = kvm_share(s[T_KVM], v);
	c[T_LIMIT] = VCPU_HAS(v, TRACKED) && !v->tracked ? "-" :
		     limit_str(s[T_LIMIT], v);
	c[T_THROTTLED] = "-";
	c[T_STOPS] = "-";
	if (p && dt_ns && v->throttled_ns >= p->throttled_ns &&
	    v->stops >= p->stops) {
		double pct = 100.0 * (v->throttled_ns - p->throttled_ns) /
			     dt_ns;

		snprintf(s[T_THROTTLED], DQ_FMT_LEN, "%.1f%%",
			 pct > 100 ? 100 : pct);
		snprintf(s[T_STOPS], DQ_FMT_LEN, "%.1f",
			 (v->stops - p->stops) * 1e9 / dt_ns);
		c[T_THROTTLED] = s[T_THROTTLED];
		c[T_STOPS] = s[T_STOPS];
	}
	c[T_STATE] = VCPU_HAS(v, TRACKED) && !v->tracked ? "untracked" :
		     v->stopped ? "stopped" : "-";
	dq_table_add(t, c);
}

void dq_render_top(FILE *f, const struct dq_sample *prev,
		   const struct dq_sample *cur, size_t max_rows)
{
	static const char * const head[T_NR] = {
		"VM", "NAME", "VCPU", "MODE", "DIRTY/S", "LAST PASS", "KVM",
		"LIMIT", "THROTTLED", "STOPS/S", "STATE",
	};
	uint64_t total = 0, dt = 0;
	size_t i, k, n = 0, stopped = 0;
	struct top_row *rows;
	struct dq_table t;
	char rate[DQ_FMT_LEN];

	for (i = 0; i < cur->nr; i++)
		n += cur->vms[i].nr_vcpu_entries;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return;
	n = 0;
	for (i = 0; i < cur->nr; i++) {
		for (k = 0; k < cur->vms[i].nr_vcpu_entries; k++) {
			const struct dq_vcpu *v = &cur->vms[i].vcpus[k];

			rows[n].vm = &cur->vms[i];
			rows[n].v = v;
			rows[n++].prev = find_prev(prev, &cur->vms[i], v);
			total += v->dirty_rate;
			stopped += v->stopped;
		}
	}
	qsort(rows, n, sizeof(*rows), top_cmp);
	if (prev && cur->time_ns > prev->time_ns)
		dt = cur->time_ns - prev->time_ns;

	fprintf(f, "dqctl top: %zu VM%s, %zu vCPU%s, %s dirtied, %zu stopped\n\n",
		cur->nr, cur->nr == 1 ? "" : "s", n, n == 1 ? "" : "s",
		dq_fmt_rate(rate, total), stopped);
	/* Right-aligned: VM, VCPU, DIRTY/S, LAST PASS, KVM, THROTTLED, STOPS/S */
	dq_table_init(&t, T_NR, 0x375);
	dq_table_add(&t, head);
	for (i = 0; i < n; i++)
		top_row(&t, &rows[i], dt);
	dq_table_print(&t, f, "", max_rows ? max_rows + 1 : 0);
	dq_table_free(&t);
	free(rows);
}
