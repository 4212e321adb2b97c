// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's paravirtual writes and throttled vCPUs, as a guest sees them: a
 * vCPU with steal time that only halts and wakes is charged about nothing
 * and keeps waking under quotas below a page per interval, in sleep and
 * exit mode; a vCPU held on its quota looks preempted to its sibling.
 * Built on the kernel's KVM selftests library.
 *
 * The halting guests put their struct kvm_steal_time, one page per vCPU,
 * in the logged test memslot and count their wakes in the default memslot,
 * which is not logged: the only pages dirty logging can record are the
 * steal-time pages, and only KVM writes them (on every guest entry after
 * the vCPU was scheduled in, so about once per wake).  A page is to be
 * charged once per harvest cycle whoever wrote it, so over a window with
 * H harvests a vCPU may be charged at most H + 1 pages: one for each cycle
 * that overlaps the window.  KVM's writes to a vCPU's own PV pages may
 * never keep that vCPU out of the guest, so under any quota it wakes about
 * as often as unthrottled.
 *
 * Rates are compared with what the same VM reached unthrottled in the same
 * run, never with absolute speeds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <asm/kvm_para.h>

#include "apic.h"
#include "dq_nl.h"
#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

#ifndef APIC_LVTT
#define APIC_LVTT		0x320
#define APIC_TMICT		0x380
#define APIC_TDCR		0x3E0
#endif
#define LVT_PERIODIC		(1 << 17)
#define TDCR_DIV_1		0xB
#define TIMER_VECTOR		0xEC

/* KVM's local APIC counts at 1 GHz: a count of 10^6 is 1 ms. */
#define TIMER_PERIOD_NS		1000000
#define HARVEST_NS		(50 * MS)
#define SIBLING_PAGES		1024	/* vCPU 1's range in the test slot */

/* Guest side, in the default memslot, which is not logged. */
static uint64_t wakes[MAX_VCPUS];
static struct kvm_steal_time *reader_st;	/* vCPU 1's, for vCPU 0 */

struct sibling {
	uint64_t preempted;	/* vCPU 0's reads with KVM_VCPU_PREEMPTED */
	uint64_t running;	/* and without */
	uint64_t written;	/* vCPU 1's writes */
};

static struct sibling sibling;

static void timer_handler(struct ex_regs *regs)
{
	x2apic_write_reg(APIC_EOI, 0);
}

/* Steal time in page @id of the test slot, a 1 ms timer, halt forever. */
static void halter_code(uint64_t id)
{
	wrmsr(MSR_KVM_STEAL_TIME, (TEST_GPA + id * PG) | KVM_MSR_ENABLED);
	x2apic_enable();
	x2apic_write_reg(APIC_TDCR, TDCR_DIV_1);
	x2apic_write_reg(APIC_LVTT, LVT_PERIODIC | TIMER_VECTOR);
	x2apic_write_reg(APIC_TMICT, TIMER_PERIOD_NS);
	for (;;) {
		asm volatile("sti; hlt; cli" ::: "memory");
		WRITE_ONCE(wakes[id], wakes[id] + 1);
	}
}

/* vCPU 0 watches vCPU 1's preempted flag; vCPU 1 writes fresh pages. */
static void sibling_code(uint64_t id, uint64_t st_gpa)
{
	volatile uint64_t *page = (void *)TEST_GVA;
	uint64_t i;

	wrmsr(MSR_KVM_STEAL_TIME, st_gpa | KVM_MSR_ENABLED);
	if (id == 0) {
		for (;;) {
			if (READ_ONCE(reader_st->preempted) & KVM_VCPU_PREEMPTED)
				WRITE_ONCE(sibling.preempted,
					   sibling.preempted + 1);
			else
				WRITE_ONCE(sibling.running, sibling.running + 1);
		}
	}
	for (i = 0;; i++) {
		page[(i % SIBLING_PAGES) * PG / 8] = i;
		WRITE_ONCE(sibling.written, i + 1);
	}
}

enum log_kind { LOG_BITMAP, LOG_RING };

struct halt_vm {
	struct test_vm t;
	enum log_kind log;
	uint64_t *wakes;
	struct kvm_steal_time *st[MAX_VCPUS];
};

struct sample {
	uint64_t wakes[MAX_VCPUS];
	uint64_t bytes[MAX_VCPUS];
	uint64_t harvests;
	uint64_t ns;
};

static void halt_vm_create(struct halt_vm *h, int nr_vcpus, enum log_kind log)
{
	unsigned int flags = TV_LOG;
	int i;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_KVM_STEAL_TIME));
	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_X2APIC));
	if (log == LOG_RING) {
		TEST_REQUIRE(kvm_has_cap(KVM_CAP_DIRTY_LOG_RING));
		flags |= TV_RING;
	}
	h->log = log;
	test_vm_create_code(&h->t, nr_vcpus, 1, halter_code,
			    VM_MEM_SRC_ANONYMOUS, flags);
#ifdef DQ_INIT_DESCRIPTOR_TABLES
	vm_init_descriptor_tables(h->t.vm);
#endif
	vm_install_exception_handler(h->t.vm, TIMER_VECTOR, timer_handler);
	for (i = 0; i < nr_vcpus; i++) {
#ifdef DQ_INIT_DESCRIPTOR_TABLES
		vcpu_init_descriptor_tables(h->t.vcpu[i]);
#endif
		vcpu_args_set(h->t.vcpu[i], 1, i);
		h->st[i] = addr_gpa2hva(h->t.vm, TEST_GPA + i * PG);
	}
	h->wakes = addr_gva2hva(h->t.vm, (vm_vaddr_t)wakes);
}

static void sample(struct halt_vm *h, struct sample *s, uint64_t harvests)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	int i;

	s->ns = now_ns();
	s->harvests = harvests;
	for (i = 0; i < h->t.nr_vcpus; i++)
		s->wakes[i] = READ_ONCE(h->wakes[i]);
	dq_stats(&h->t, e, MAX_VCPUS);
	for (i = 0; i < h->t.nr_vcpus; i++)
		s->bytes[i] = e[i].bytes_dirtied;
}

/* Harvests the log every HARVEST_NS for @ns; counts the harvests. */
static void harvest(struct halt_vm *h, uint64_t ns, uint64_t *harvests)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end) {
		usleep(HARVEST_NS / 1000);
		if (h->log == LOG_RING)
			collect_rings(&h->t, h->t.bitmap);
		else
			kvm_vm_get_dirty_log(h->t.vm, TEST_SLOT, h->t.bitmap);
		(*harvests)++;
	}
}

/* What the vCPUs did over @ns of harvesting, from @a to @b. */
static void measure(struct halt_vm *h, uint64_t ns, uint64_t *harvests,
		    struct sample *a, struct sample *b)
{
	sample(h, a, *harvests);
	harvest(h, ns, harvests);
	sample(h, b, *harvests);
}

static uint64_t per_ns(uint64_t n, uint64_t ns)
{
	return n * 1000000000ULL / ns;
}

static uint64_t per_s(uint64_t n, const struct sample *a,
		      const struct sample *b)
{
	return per_ns(n, b->ns - a->ns);
}

/* Too few wakes to tell one page per wake from one per harvest: skip. */
static void require_wakes(struct halt_vm *h, uint64_t got, uint64_t need)
{
	if (got >= need)
		return;
	if (!h->t.stop)
		stop_vcpus(&h->t);
	test_vm_free(&h->t);
	print_skip("the emulated guest woke only %lu times, %lu needed", got,
		   need);
	exit(KSFT_SKIP);
}

/*
 * The halter's only page in the log is its steal time, which KVM writes:
 * all of its count is KVM's own (KVM_BYTES), but for a page that a
 * harvest has not returned yet, or whose push the vCPU is still
 * accounting while netlink reads it.
 */
static void all_kvm_bytes(void)
{
	struct nl_obj *v = calloc(MAX_VCPUS, sizeof(*v));
	uint64_t bytes, kvm;
	struct nl_ack ack;
	struct nl_sock s;
	int n;

	TEST_ASSERT(v, "out of memory");
	dq_nl_open(&s);
	n = dq_nl_vcpus(&s, dq_nl_newest_vm(&s, getpid()), v, MAX_VCPUS,
			&ack);
	TEST_ASSERT(n >= 1, "VCPU_GET: %s (%s)", strerror(-n), ack.msg);
	bytes = v[0].v[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED];
	kvm = v[0].v[DIRTYQUOTA_A_VCPU_KVM_BYTES];
	pr_info("%lu of the vCPU's %lu bytes are KVM's own\n", kvm, bytes);
	TEST_ASSERT(nl_has(&v[0], DIRTYQUOTA_A_VCPU_KVM_BYTES) &&
		    kvm <= bytes && bytes - kvm <= PG,
		    "KVM_BYTES %lu of %lu bytes, all steal time", kvm, bytes);
	nl_close(&s);
	free(v);
}

/*
 * (a) Unthrottled, a vCPU that only halts and wakes is charged at most one
 * page per harvest cycle in the window, far below one per wake, although
 * KVM rewrites its steal time on about every wake.
 */
static void charged_about_nothing(enum log_kind log)
{
	struct sample a, b;
	uint64_t harvests = 0, w, pages, version;
	struct halt_vm h;

	halt_vm_create(&h, 1, log);
	TEST_ASSERT(!dq_attach(&h.t, 0), "attach");
	start_vcpus(&h.t);
	harvest(&h, 200 * MS, &harvests);
	version = READ_ONCE(h.st[0]->version);
	measure(&h, 1000 * MS, &harvests, &a, &b);
	w = b.wakes[0] - a.wakes[0];
	pages = (b.bytes[0] - a.bytes[0]) / PG;
	pr_info("%lu wakes/s, %lu steal-time updates, %lu harvests: %lu pages charged (%lu B/s)\n",
		per_s(w, &a, &b), (READ_ONCE(h.st[0]->version) - version) / 2,
		b.harvests - a.harvests, pages,
		per_s(b.bytes[0] - a.bytes[0], &a, &b));
	TEST_ASSERT(version > 0, "KVM never wrote the guest's steal time");
	require_wakes(&h, w, 4 * (b.harvests - a.harvests + 1));
	TEST_ASSERT(pages <= b.harvests - a.harvests + 1,
		    "a vCPU that only halts was charged %lu pages for %lu wakes over %lu harvests (at most %lu: one a harvest cycle)",
		    pages, w, b.harvests - a.harvests,
		    b.harvests - a.harvests + 1);
	all_kvm_bytes();
	stop_vcpus(&h.t);
	test_vm_free(&h.t);
}

static void test_charged_bitmap(void)
{
	charged_about_nothing(LOG_BITMAP);
}

static void test_charged_ring(void)
{
	charged_about_nothing(LOG_RING);
}

enum throttle { OWN_RATE_SLEEP, BUDGET_SLEEP, OWN_RATE_EXIT };

static void throttle(struct halt_vm *h, enum throttle how)
{
	uint32_t mode = how == OWN_RATE_EXIT ? DIRTYQUOTA_MODE_EXIT :
					       DIRTYQUOTA_MODE_SLEEP;
	int i;

	/* Own rate 200 KB/s at 10 ms: 2000 bytes an interval. */
	if (how != BUDGET_SLEEP)
		TEST_ASSERT(!dq_rate(&h->t, 0, 0, 200000), "rate: %s",
			    strerror(errno));
	/* 1 MiB/s shared at 10 ms: 10485 bytes an interval, 2621 each. */
	TEST_ASSERT(!dq_set(&h->t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_INTERVAL |
			    (how == BUDGET_SLEEP ? DIRTYQUOTA_CFG_BUDGET : 0),
			    mode, MIB, 10 * MS, 0),
		    "set mode %u: %s", mode, strerror(errno));
	for (i = 0; i < h->t.nr_vcpus; i++)
		TEST_ASSERT(dq_vcpu(&h->t, i).quota < PG,
			    "vCPU %d: quota %llu, meant to be below a page", i,
			    dq_vcpu(&h->t, i).quota);
}

/*
 * (b) Under a quota below a page per interval the halting vCPUs keep
 * waking at least 7/10 as often as unthrottled, all of them together (1
 * would be exact; the rest is the emulator's noise), and each at least 1/3
 * as often: with more vCPUs than the sandbox has CPUs, how the wakes split
 * between them is the sandbox scheduler's (seen: one vCPU at 0.71 of its
 * unthrottled rate, its sibling at 1.26, with no stop), while a vCPU kept
 * out of the guest by dirtyquota would fall far below.  Unthrottled
 * (observe mode) and throttled windows alternate, four of each, so that a
 * host that slows down in the middle weighs on both alike.
 */
static void keeps_waking(int nr_vcpus, enum log_kind log, enum throttle how)
{
	uint64_t w[2][MAX_VCPUS] = { 0 }, ns[2] = { 0 }, all[2] = { 0 };
	uint64_t harvests = 0, charged = 0;
	struct dirtyquota_vcpu_stats e;
	struct sample a, b;
	struct halt_vm h;
	int i, k, q;

	halt_vm_create(&h, nr_vcpus, log);
	TEST_ASSERT(!dq_attach(&h.t, how == OWN_RATE_EXIT ?
			       DIRTYQUOTA_ATTACH_F_EXIT : 0), "attach");
	h.t.wait_on_exit = true;
	start_vcpus(&h.t);
	harvest(&h, 200 * MS, &harvests);
	for (k = 0; k < 8; k++) {
		q = k % 2;
		if (q)
			throttle(&h, how);
		else
			TEST_ASSERT(!dq_set(&h.t, DIRTYQUOTA_CFG_MODE,
					    DIRTYQUOTA_MODE_OBSERVE, 0, 0, 0),
				    "observe mode: %s", strerror(errno));
		harvest(&h, HARVEST_NS, &harvests);
		measure(&h, 250 * MS, &harvests, &a, &b);
		for (i = 0; i < nr_vcpus; i++)
			w[q][i] += b.wakes[i] - a.wakes[i];
		ns[q] += b.ns - a.ns;
		if (q)
			charged += b.bytes[0] - a.bytes[0];
	}
	stop_vcpus(&h.t);
	for (i = 0; i < nr_vcpus; i++) {
		e = dq_vcpu(&h.t, i);
		pr_info("vCPU %d: %lu wakes/s unthrottled, %lu under quota %llu B; %llu stops, %lu quota exits\n",
			i, per_ns(w[0][i], ns[0]),
			per_ns(w[1][i], ns[1]), e.quota, e.stops,
			h.t.quota_exits[i]);
	}
	pr_info("vCPU 0 charged %lu B/s under the quota\n",
		per_ns(charged, ns[1]));
	for (i = 0; i < nr_vcpus; i++)
		require_wakes(&h, w[0][i], 100);
	/* Only KVM writes the logged pages: its writes never stopped them. */
	for (i = 0; i < nr_vcpus; i++) {
		e = dq_vcpu(&h.t, i);
		TEST_ASSERT(!e.stops && !h.t.quota_exits[i],
			    "vCPU %d was stopped %llu times (%lu quota exits) for KVM's own writes",
			    i, e.stops, h.t.quota_exits[i]);
	}
	/* make check-debug's KASAN and lockdep kernel: speeds are not judged. */
	if (getenv("DQ_NO_SPEED_CHECKS")) {
		pr_info("wake rates not judged (DQ_NO_SPEED_CHECKS)\n");
		test_vm_free(&h.t);
		return;
	}
	for (i = 0; i < nr_vcpus; i++) {
		all[0] += w[0][i];
		all[1] += w[1][i];
		TEST_ASSERT(w[1][i] * ns[0] * 3 >= w[0][i] * ns[1],
			    "vCPU %d woke %lu times/s under a quota below a page, %lu unthrottled",
			    i, per_ns(w[1][i], ns[1]),
			    per_ns(w[0][i], ns[0]));
	}
	TEST_ASSERT(all[1] * ns[0] * 10 >= all[0] * ns[1] * 7,
		    "the vCPUs woke %lu times/s under a quota below a page, %lu unthrottled",
		    per_ns(all[1], ns[1]), per_ns(all[0], ns[0]));
	test_vm_free(&h.t);
}

static void test_own_rate_bitmap(void)
{
	keeps_waking(1, LOG_BITMAP, OWN_RATE_SLEEP);
}

static void test_own_rate_ring(void)
{
	keeps_waking(1, LOG_RING, OWN_RATE_SLEEP);
}

static void test_budget(void)
{
	keeps_waking(MAX_VCPUS, LOG_BITMAP, BUDGET_SLEEP);
}

static void test_exit_mode(void)
{
	keeps_waking(1, LOG_BITMAP, OWN_RATE_EXIT);
}

struct window {
	bool held;			/* vCPU 1 stopped at both ends */
	struct sibling d;		/* what the guest counted in between */
};

/*
 * Over @ns: vCPU 1's STOPPED flag, the guest's counts, then the counts and
 * the flag again: every read counted in between happened while vCPU 1 was
 * stopped if the host saw it stopped at both ends and it wrote nothing.
 */
static struct window watch(struct test_vm *t, struct sibling *s, uint64_t ns)
{
	struct sibling a, b;
	struct window w;

	w.held = dq_vcpu(t, 1).flags & DIRTYQUOTA_VCPU_F_STOPPED;
	a = (struct sibling){ READ_ONCE(s->preempted), READ_ONCE(s->running),
			      READ_ONCE(s->written) };
	usleep(ns / 1000);
	b = (struct sibling){ READ_ONCE(s->preempted), READ_ONCE(s->running),
			      READ_ONCE(s->written) };
	w.held = w.held && (dq_vcpu(t, 1).flags & DIRTYQUOTA_VCPU_F_STOPPED);
	w.d = (struct sibling){ b.preempted - a.preempted,
				b.running - a.running, b.written - a.written };
	return w;
}

/*
 * Item 2: vCPU 1 writes fresh pages and is held at rate 0 in sleep mode;
 * vCPU 0 reads vCPU 1's steal-time preempted flag in a loop.  In every
 * 100 ms window in which the host saw vCPU 1 stopped at both ends, vCPU 0
 * must have seen KVM_VCPU_PREEMPTED.  Max-stall is 10 s here, so that
 * vCPU 1 stays held through the windows however slow the host is (at the
 * default 100 ms it would come out for a page once per window, and a
 * loaded host then sees few windows held at both ends: quota_test checks
 * max-stall).  Once vCPU 1 may run, vCPU 0 sees the flag clear.
 *
 * The steal-time structs live in the default memslot, which is not
 * logged: nothing KVM writes there is charged, so this does not depend on
 * item 1.
 */
static void test_held_looks_preempted(void)
{
	uint64_t st_gva[2], t0, windows = 0, stops;
	struct sibling *s;
	struct window w;
	struct test_vm t;
	int i;

	TEST_REQUIRE(kvm_cpu_has(X86_FEATURE_KVM_STEAL_TIME));
	test_vm_create_code(&t, 2, SIBLING_PAGES / 2, sibling_code,
			    VM_MEM_SRC_ANONYMOUS, TV_LOG);
	for (i = 0; i < 2; i++) {
		st_gva[i] = vm_vaddr_alloc_page(t.vm);
		memset(addr_gva2hva(t.vm, st_gva[i]), 0, PG);
		vcpu_args_set(t.vcpu[i], 2, i, addr_gva2gpa(t.vm, st_gva[i]));
	}
	reader_st = (void *)st_gva[1];
	sync_global_to_guest(t.vm, reader_st);
	s = addr_gva2hva(t.vm, (vm_vaddr_t)&sibling);

	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_SLEEP, 0,
			    0, 0), "sleep mode");
	TEST_ASSERT(!dq_set_max_stall(&t, 10000 * MS), "max-stall 10 s");
	TEST_ASSERT(!dq_rate(&t, 1, 0, 0), "rate 0");
	start_vcpus(&t);
	t0 = now_ns();
	while (!(dq_vcpu(&t, 1).flags & DIRTYQUOTA_VCPU_F_STOPPED))
		TEST_ASSERT(now_ns() - t0 < 30000 * MS, "vCPU 1 never stopped");

	for (i = 0; i < 10; i++) {
		w = watch(&t, s, 100 * MS);
		if (!w.held || !(w.d.preempted + w.d.running))
			continue;
		windows++;
		TEST_ASSERT(w.d.preempted > 0,
			    "window %d: vCPU 1 held (%lu pages written), vCPU 0 read its preempted flag %lu times and never saw KVM_VCPU_PREEMPTED",
			    i, w.d.written, w.d.running);
	}
	stops = dq_vcpu(&t, 1).stops;
	pr_info("%lu of 10 windows with vCPU 1 held; %lu stops, %lu pages written\n",
		windows, stops, READ_ONCE(s->written));
	TEST_ASSERT(windows >= 8, "vCPU 1 was held through only %lu of 10 windows",
		    windows);

	TEST_ASSERT(!dq_rate(&t, 1, 0, DIRTYQUOTA_UNLIMITED), "unlimited");
	t0 = now_ns();
	while (dq_vcpu(&t, 1).flags & DIRTYQUOTA_VCPU_F_STOPPED)
		TEST_ASSERT(now_ns() - t0 < 30000 * MS,
			    "vCPU 1 still stopped with its limit lifted");
	for (i = 0; i < 3; i++) {
		w = watch(&t, s, 100 * MS);
		TEST_ASSERT(!w.held && w.d.written > 0,
			    "window %d: vCPU 1 wrote %lu pages after its limit was lifted",
			    i, w.d.written);
		TEST_ASSERT(w.d.running > 0,
			    "window %d: vCPU 1 runs, and vCPU 0 saw it preempted all %lu times",
			    i, w.d.preempted);
	}
	stop_vcpus(&t);
	test_vm_free(&t);
}

static const struct dq_scenario tests[] = {
	{ "a halting vCPU is charged about nothing (dirty bitmap)",
	  test_charged_bitmap },
	{ "a halting vCPU is charged about nothing (dirty ring)",
	  test_charged_ring },
	{ "own rate 200 KB/s: a halting vCPU keeps waking (dirty bitmap)",
	  test_own_rate_bitmap },
	{ "own rate 200 KB/s: a halting vCPU keeps waking (dirty ring)",
	  test_own_rate_ring },
	{ "1 MiB/s over 4 vCPUs: halting vCPUs keep waking", test_budget },
	{ "exit mode, own rate 200 KB/s: a halting vCPU keeps waking",
	  test_exit_mode },
	{ "a held vCPU looks preempted to its sibling",
	  test_held_looks_preempted },
};

int main(int argc, char **argv)
{
	run_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
}
