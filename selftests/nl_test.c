// SPDX-License-Identifier: GPL-2.0
/*
 * dirtyquota's generic netlink family: what VM_GET and VCPU_GET show, what
 * VM_SET and VCPU_SET change, the "events" group, who may do what, and
 * the rejection of bad input, table-driven and fuzzed; max-stall through
 * netlink and both sizes of the ioctl struct.  Raw netlink
 * sockets (lib/dq_nl.h), so that malformed messages can be built too.
 *
 * The fuzzer takes NL_FUZZ_SEED and NL_FUZZ_COUNT from the environment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

#define A_VM(x)		DIRTYQUOTA_A_VM_##x
#define A_VCPU(x)	DIRTYQUOTA_A_VCPU_##x
#define CFG_ALL		__DIRTYQUOTA_CFG_ALL

static struct nl_sock nl;

static void expect_ok(int r, const struct nl_ack *ack, const char *what)
{
	TEST_ASSERT(!r, "%s: %d (%s), extack \"%s\"", what, r,
		    r < 0 ? strerror(-r) : "no answer", ack->msg);
}

static void expect_nl_err(int r, const struct nl_ack *ack, int err,
			  const char *what)
{
	TEST_ASSERT(r == -err && ack->msg[0],
		    "%s: expected %s with an extack message, got %d, \"%s\"",
		    what, strerror(err), r, ack->msg);
}

static const char *self_comm(void)
{
	static char comm[32];
	FILE *f = fopen("/proc/self/comm", "r");

	TEST_ASSERT(f && fgets(comm, sizeof(comm), f), "/proc/self/comm");
	comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	return comm;
}

static int vcpus_of(uint64_t vm_id, struct nl_obj *v)
{
	struct nl_ack ack;
	int n = dq_nl_vcpus(&nl, vm_id, v, MAX_VCPUS, &ack);

	TEST_ASSERT(n >= 0, "VCPU_GET dump of VM %lu: %s (%s)", vm_id,
		    strerror(-n), ack.msg);
	return n;
}

static struct nl_obj vcpu_of(uint64_t vm_id, int idx)
{
	struct nl_obj v[MAX_VCPUS];
	int n = vcpus_of(vm_id, v);

	TEST_ASSERT(idx < n, "VM %lu has %d vCPUs, no %d", vm_id, n, idx);
	return v[idx];
}

/* Bytes per second vCPU @idx dirties over @ns, as VCPU_GET counts them. */
static uint64_t nl_rate(struct test_vm *t, uint64_t vm_id, int idx,
			uint64_t ns)
{
	uint64_t b0, b1, t0;

	b0 = vcpu_of(vm_id, idx).v[A_VCPU(BYTES_DIRTIED)];
	t0 = now_ns();
	harvest_for(t, ns);
	b1 = vcpu_of(vm_id, idx).v[A_VCPU(BYTES_DIRTIED)];
	return (b1 - b0) * 1000000000ULL / (now_ns() - t0);
}

/* The settings VM_SET changes and the vCPUs' own rates, to compare. */
struct settings {
	uint64_t mode, budget, interval_ns, pool, max_stall_ns;
	int nr_vcpus;
	bool own[MAX_VCPUS];
	uint64_t rate[MAX_VCPUS];
};

static struct settings settings_of(uint64_t vm_id)
{
	struct nl_obj vm = dq_nl_vm(&nl, vm_id), v[MAX_VCPUS];
	struct settings s = {
		.mode = vm.v[A_VM(MODE)], .budget = vm.v[A_VM(BUDGET)],
		.interval_ns = vm.v[A_VM(INTERVAL_NS)], .pool = vm.v[A_VM(POOL)],
		.max_stall_ns = vm.v[A_VM(MAX_STALL_NS)],
	};
	int i;

	s.nr_vcpus = vcpus_of(vm_id, v);
	for (i = 0; i < s.nr_vcpus; i++) {
		s.own[i] = nl_has(&v[i], A_VCPU(RATE));
		s.rate[i] = v[i].v[A_VCPU(RATE)];
	}
	return s;
}

static void expect_settings(uint64_t vm_id, const struct settings *want,
			    const char *after)
{
	struct settings s = settings_of(vm_id);
	int i;

	TEST_ASSERT(s.mode == want->mode && s.budget == want->budget &&
		    s.interval_ns == want->interval_ns && s.pool == want->pool &&
		    s.max_stall_ns == want->max_stall_ns,
		    "after %s: mode %lu budget %lu interval %lu pool %lu max-stall %lu, expected %lu %lu %lu %lu %lu",
		    after, s.mode, s.budget, s.interval_ns, s.pool,
		    s.max_stall_ns, want->mode, want->budget, want->interval_ns,
		    want->pool, want->max_stall_ns);
	TEST_ASSERT(s.nr_vcpus == want->nr_vcpus, "after %s: %d vCPUs, not %d",
		    after, s.nr_vcpus, want->nr_vcpus);
	for (i = 0; i < s.nr_vcpus; i++)
		TEST_ASSERT(s.own[i] == want->own[i] && s.rate[i] == want->rate[i],
			    "after %s: vCPU %d rate %s%lu, expected %s%lu", after,
			    i, s.own[i] ? "" : "share ", s.rate[i],
			    want->own[i] ? "" : "share ", want->rate[i]);
}

/*
 * Sleep mode with a budget far above what the emulated guest reaches, and
 * own rates on some vCPUs: settings that differ from every default, so that
 * a change by a request that should have been rejected shows.
 */
static struct settings set_unusual(uint64_t vm_id, int nr_vcpus)
{
	struct nl_ack ack;
	int i;

	expect_ok(dq_nl_vm_set(&nl, vm_id, CFG_ALL, DIRTYQUOTA_MODE_SLEEP,
			       1024 * MIB, 20 * MS, 0, &ack), &ack, "VM_SET");
	expect_ok(dq_nl_vm_set_max_stall(&nl, vm_id, 3000 * MS, &ack), &ack,
		  "VM_SET max-stall");
	for (i = 1; i < nr_vcpus; i++)
		expect_ok(dq_nl_vcpu_set(&nl, vm_id, i, false, (512 + i) * MIB,
					 &ack), &ack, "VCPU_SET");
	return settings_of(vm_id);
}

static void check_vm(const struct nl_obj *vm, uint32_t nr_vcpus, bool logging,
		     bool attached, bool exit_allowed)
{
	static const int all[] = {
		A_VM(ID), A_VM(PID), A_VM(COMM), A_VM(STATS_ID), A_VM(NR_VCPUS),
		A_VM(MODE), A_VM(BUDGET), A_VM(INTERVAL_NS), A_VM(POOL),
		A_VM(POOL_LEVEL), A_VM(POOL_CAP), A_VM(BYTES_DIRTIED),
		A_VM(BYTES_UNATTRIBUTED), A_VM(ATTACHED), A_VM(EXIT_ALLOWED),
		A_VM(DIRTY_LOGGING), A_VM(MAX_STALL_NS),
	};
	uint64_t id = vm->v[A_VM(ID)];
	char stats_id[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		TEST_ASSERT(nl_has(vm, all[i]), "VM %lu: no attribute %d", id,
			    all[i]);
	snprintf(stats_id, sizeof(stats_id), "kvm-%d", getpid());
	TEST_ASSERT(vm->v[A_VM(PID)] == (uint64_t)getpid() &&
		    !strcmp(vm->str[A_VM(STATS_ID)], stats_id) &&
		    !strcmp(vm->str[A_VM(COMM)], self_comm()),
		    "VM %lu: pid %lu stats-id \"%s\" comm \"%s\", expected %d \"%s\" \"%s\"",
		    id, vm->v[A_VM(PID)], vm->str[A_VM(STATS_ID)],
		    vm->str[A_VM(COMM)], getpid(), stats_id, self_comm());
	TEST_ASSERT(vm->v[A_VM(NR_VCPUS)] == nr_vcpus &&
		    vm->v[A_VM(MODE)] == DIRTYQUOTA_MODE_OBSERVE &&
		    vm->v[A_VM(BUDGET)] == DIRTYQUOTA_UNLIMITED &&
		    vm->v[A_VM(INTERVAL_NS)] == DIRTYQUOTA_INTERVAL_DEFAULT_NS &&
		    vm->v[A_VM(POOL)] == 1 && !vm->v[A_VM(POOL_LEVEL)] &&
		    !vm->v[A_VM(POOL_CAP)] &&
		    vm->v[A_VM(MAX_STALL_NS)] == DIRTYQUOTA_MAX_STALL_DEFAULT_NS,
		    "VM %lu: %lu vCPUs, mode %lu budget %lu interval %lu pool %lu level %lu cap %lu max-stall %lu",
		    id, vm->v[A_VM(NR_VCPUS)], vm->v[A_VM(MODE)],
		    vm->v[A_VM(BUDGET)], vm->v[A_VM(INTERVAL_NS)],
		    vm->v[A_VM(POOL)], vm->v[A_VM(POOL_LEVEL)],
		    vm->v[A_VM(POOL_CAP)], vm->v[A_VM(MAX_STALL_NS)]);
	TEST_ASSERT(vm->v[A_VM(DIRTY_LOGGING)] == logging &&
		    vm->v[A_VM(ATTACHED)] == attached &&
		    vm->v[A_VM(EXIT_ALLOWED)] == exit_allowed,
		    "VM %lu: dirty-logging %lu attached %lu exit-allowed %lu, expected %d %d %d",
		    id, vm->v[A_VM(DIRTY_LOGGING)], vm->v[A_VM(ATTACHED)],
		    vm->v[A_VM(EXIT_ALLOWED)], logging, attached, exit_allowed);
}

static const struct nl_obj *find_vm(const struct nl_obj *vms, int n,
				    uint64_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (vms[i].v[A_VM(ID)] == id)
			return &vms[i];
	TEST_FAIL("VM %lu is not in the VM_GET dump", id);
	return NULL;
}

#define RATE_SAMPLES	512

struct rate_sample {
	uint64_t before, after;	/* now_ns() around the dump */
	uint64_t bytes, rate, compute_rate;
};

/*
 * Where the rate clock ticked between samples @i - 1 and @i and next
 * between @j - 1 and @j, the rate it published at the second tick is
 * bracketed by what the samples saw: the writer's speed may change with
 * the host's load, the brackets follow it.
 */
static int check_window(const struct rate_sample *s, int i, int j)
{
	uint64_t lo_b = s[j - 1].bytes - s[i].bytes;
	uint64_t hi_b = s[j].bytes - s[i - 1].bytes;
	uint64_t lo_ns = s[j - 1].before - s[i].after;
	uint64_t hi_ns = s[j].after - s[i - 1].before;
	uint64_t lo = lo_b * 1000000000ULL / hi_ns;
	uint64_t hi = lo_ns ? hi_b * 1000000000ULL / lo_ns : UINT64_MAX;

	pr_info("window of %lu-%lu ms: dirty-rate %lu B/s, the samples say %lu to %lu\n",
		(unsigned long)(lo_ns / MS), (unsigned long)(hi_ns / MS),
		s[j].rate, lo, hi);
	/* No window shorter than the clock's second, none much longer. */
	TEST_ASSERT(hi_ns >= 950 * MS && lo_ns <= 2000 * MS,
		    "DIRTY_RATE changed after %lu-%lu ms, not once a second",
		    (unsigned long)(lo_ns / MS), (unsigned long)(hi_ns / MS));
	/* 2%: a tick may fall between a dump's read of bytes and of rate. */
	TEST_ASSERT(s[j].rate >= lo * 98 / 100 && s[j].rate <= hi / 98 * 100,
		    "writer: dirty-rate %lu B/s, but it dirtied %lu to %lu B/s in that window",
		    s[j].rate, lo, hi);
	return 1;
}

/*
 * A steady writer's DIRTY_RATE, sampled every 20 ms or so for 3.5 s, is
 * what it dirtied over the rate clock's last window; a compute vCPU's is 0.
 */
static void check_rate_windows(struct test_vm *t, uint64_t id)
{
	struct rate_sample *s = calloc(RATE_SAMPLES, sizeof(*s));
	uint64_t end = now_ns() + 3500 * MS, avg;
	int n = 0, i, prev = 0, windows = 0;
	struct nl_obj v[MAX_VCPUS];

	TEST_ASSERT(s, "calloc");
	for (n = 0; n < RATE_SAMPLES && now_ns() < end; n++) {
		harvest_for(t, 20 * MS);
		s[n].before = now_ns();
		vcpus_of(id, v);
		s[n].after = now_ns();
		s[n].bytes = v[0].v[A_VCPU(BYTES_DIRTIED)];
		s[n].rate = v[0].v[A_VCPU(DIRTY_RATE)];
		s[n].compute_rate = v[1].v[A_VCPU(DIRTY_RATE)];
	}
	for (i = 1; i < n; i++) {
		if (s[i].rate == s[i - 1].rate)
			continue;
		if (prev)
			windows += check_window(s, prev, i);
		prev = i;
	}
	avg = (s[n - 1].bytes - s[0].bytes) * 1000000000ULL /
	      (s[n - 1].after - s[0].before);
	pr_info("writer: %d windows checked, %lu B/s on average; compute vCPU: at most %lu B/s\n",
		windows, avg, s[n - 1].compute_rate);
	TEST_ASSERT(windows >= 2 && avg > 0,
		    "%d windows of the rate clock in 3.5 s, writer at %lu B/s",
		    windows, avg);
	for (i = 0; i < n; i++)
		TEST_ASSERT(s[i].compute_rate <= avg / 100,
			    "compute vCPU: dirty-rate %lu B/s", s[i].compute_rate);
	TEST_ASSERT(t->progress[1] > 0, "compute vCPU made no progress");
	free(s);
}

/*
 * What VM_GET and VCPU_GET show: the identity and state of the test's own
 * VMs, and per-vCPU counters exactly as /dev/dirtyquota has them (4 vCPUs
 * write disjoint page sets of known sizes, as in count_test), and the
 * dirty rates of a writer and a compute vCPU, check_rate_windows().
 */
static void test_show(void)
{
	static const enum guest_kind rounds[] = {
		WRITE_ROUNDS, WRITE_ROUNDS, WRITE_ROUNDS, WRITE_ROUNDS,
	};
	static const enum guest_kind mixed[] = { WRITE_FOREVER, COMPUTE };
	static const uint64_t pages[] = { 1, 17, 64, 200 };
	struct nl_obj *vms = calloc(NL_MAX_VMS, sizeof(*vms));
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct nl_obj vm, v[MAX_VCPUS];
	uint64_t a_id, b_id, sum = 0;
	struct dirtyquota_stats s;
	struct test_vm a, b;
	int i, n;

	dq_nl_open(&nl);
	TEST_ASSERT(nl.version == DIRTYQUOTA_FAMILY_VERSION,
		    "family version %u", nl.version);
	test_vm_create(&a, 4, 256, rounds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	a_id = dq_nl_newest_vm(&nl, getpid());
	test_vm_create(&b, 2, 512, mixed, VM_MEM_SRC_ANONYMOUS, 0);
	b_id = dq_nl_newest_vm(&nl, getpid());
	TEST_ASSERT(b_id > a_id, "VM ids %lu then %lu", a_id, b_id);
	TEST_ASSERT(!dq_attach(&a, DIRTYQUOTA_ATTACH_F_EXIT), "attach");

	TEST_ASSERT(vms, "calloc");
	n = dq_nl_vms(&nl, vms, NL_MAX_VMS);
	check_vm(find_vm(vms, n, a_id), 4, true, true, true);
	check_vm(find_vm(vms, n, b_id), 2, false, false, false);
	vm = dq_nl_vm(&nl, b_id);
	check_vm(&vm, 2, false, false, false);

	for (i = 0; i < 4; i++) {
		test_vm_set_count(&a, i, pages[i]);
		test_vm_run_round(&a, i);
	}
	s = dq_stats(&a, e, MAX_VCPUS);
	TEST_ASSERT(vcpus_of(a_id, v) == 4, "VCPU_GET: not 4 vCPUs");
	for (i = 0; i < 4; i++) {
		TEST_ASSERT(v[i].v[A_VCPU(VM_ID)] == a_id &&
			    v[i].v[A_VCPU(INDEX)] == (uint64_t)i &&
			    v[i].v[A_VCPU(ID)] == (uint64_t)i &&
			    v[i].v[A_VCPU(TRACKED)] == 1,
			    "vCPU entry %d: vm %lu index %lu id %lu tracked %lu",
			    i, v[i].v[A_VCPU(VM_ID)], v[i].v[A_VCPU(INDEX)],
			    v[i].v[A_VCPU(ID)], v[i].v[A_VCPU(TRACKED)]);
		TEST_ASSERT(v[i].v[A_VCPU(BYTES_DIRTIED)] == pages[i] * PG &&
			    e[i].bytes_dirtied == pages[i] * PG,
			    "vCPU %d: netlink %lu bytes, GET_STATS %llu, wrote %lu pages",
			    i, v[i].v[A_VCPU(BYTES_DIRTIED)], e[i].bytes_dirtied,
			    pages[i]);
		/* Observe mode, on the share, never stopped. */
		TEST_ASSERT(!nl_has(&v[i], A_VCPU(RATE)) &&
			    !nl_has(&v[i], A_VCPU(BYTES_INTERVAL)) &&
			    !nl_has(&v[i], A_VCPU(QUOTA)) &&
			    nl_has(&v[i], A_VCPU(DIRTY_RATE)) &&
			    nl_has(&v[i], A_VCPU(STOPPED)) &&
			    !v[i].v[A_VCPU(STOPS)] && !v[i].v[A_VCPU(STOPPED)] &&
			    !v[i].v[A_VCPU(THROTTLED_NS)] &&
			    !v[i].v[A_VCPU(POOL_DRAWN)],
			    "vCPU %d: attributes %#lx, %lu stops", i, v[i].has,
			    v[i].v[A_VCPU(STOPS)]);
		sum += pages[i] * PG;
	}
	vm = dq_nl_vm(&nl, a_id);
	TEST_ASSERT(vm.v[A_VM(BYTES_DIRTIED)] == sum && s.bytes_dirtied == sum &&
		    vm.v[A_VM(BYTES_UNATTRIBUTED)] == s.bytes_unattributed,
		    "VM: netlink %lu bytes (%lu unattributed), GET_STATS %llu (%llu), vCPUs %lu",
		    vm.v[A_VM(BYTES_DIRTIED)], vm.v[A_VM(BYTES_UNATTRIBUTED)],
		    s.bytes_dirtied, s.bytes_unattributed, sum);
	/* Closing the file detaches it. */
	close(a.dq);
	a.dq = open("/dev/dirtyquota", O_RDWR);
	vm = dq_nl_vm(&nl, a_id);
	TEST_ASSERT(a.dq >= 0 && !vm.v[A_VM(ATTACHED)] &&
		    !vm.v[A_VM(EXIT_ALLOWED)],
		    "after close: attached %lu exit-allowed %lu",
		    vm.v[A_VM(ATTACHED)], vm.v[A_VM(EXIT_ALLOWED)]);

	/* VM b: logging turned on later; a writer and a compute vCPU. */
	vm_mem_region_set_flags(b.vm, TEST_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
	TEST_ASSERT(dq_nl_vm(&nl, b_id).v[A_VM(DIRTY_LOGGING)] == 1,
		    "dirty-logging still 0 after logging was turned on");
	start_vcpus(&b);
	harvest_for(&b, 1200 * MS);
	check_rate_windows(&b, b_id);
	stop_vcpus(&b);
	test_vm_free(&b);
	test_vm_free(&a);
	free(vms);
	nl_close(&nl);
}

/*
 * VM_SET and VCPU_SET change what the vCPUs do: a sleep-mode budget holds
 * a writer to it, its own rate holds it to that, and SHARE puts it back on
 * the budget.  Exit mode is refused, with a reason, to a VM whose VMM did
 * not ask for it.
 */
static void test_set(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER };
	uint64_t id, max, budget, got;
	struct nl_obj vm, vcpu;
	struct test_vm t;
	struct nl_ack ack;
	struct nl_msg m;
	uint32_t mode_off;
	int pass, r;

	dq_nl_open(&nl);
	test_vm_create(&t, 1, 512, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	id = dq_nl_newest_vm(&nl, getpid());
	for (pass = 0; pass < 2; pass++) {
		/* First unattached, then attached without F_EXIT. */
		if (pass)
			TEST_ASSERT(!dq_attach(&t, 0), "attach");
		nl_msg_init(&m, nl.family, NLM_F_REQUEST | NLM_F_ACK,
			    DIRTYQUOTA_CMD_VM_SET, DIRTYQUOTA_FAMILY_VERSION);
		nl_put_u64(&m, A_VM(ID), id);
		mode_off = nl_put_u32(&m, A_VM(MODE), DIRTYQUOTA_MODE_EXIT);
		r = nl_request(&nl, &m, NULL, NULL, &ack);
		expect_nl_err(r, &ack, EPERM, "exit mode without F_EXIT");
		TEST_ASSERT(ack.offs == mode_off, "EPERM points at offset %u, MODE is at %u",
			    ack.offs, mode_off);
		vm = dq_nl_vm(&nl, id);
		TEST_ASSERT(vm.v[A_VM(MODE)] == DIRTYQUOTA_MODE_OBSERVE &&
			    vm.v[A_VM(ATTACHED)] == (uint64_t)pass &&
			    !vm.v[A_VM(EXIT_ALLOWED)],
			    "after EPERM: mode %lu attached %lu exit-allowed %lu",
			    vm.v[A_VM(MODE)], vm.v[A_VM(ATTACHED)],
			    vm.v[A_VM(EXIT_ALLOWED)]);
	}

	start_vcpus(&t);
	max = nl_rate(&t, id, 0, 1000 * MS);
	budget = max / 3;
	if (budget > 8 * MIB)
		budget = 8 * MIB;
	require_rate(&t, max, 1536 * 1024);

	/* 50 ms intervals: timer slack under emulation matters less. */
	expect_ok(dq_nl_vm_set(&nl, id, CFG_ALL, DIRTYQUOTA_MODE_SLEEP, budget,
			       50 * MS, 0, &ack), &ack, "VM_SET sleep + budget");
	vm = dq_nl_vm(&nl, id);
	TEST_ASSERT(vm.v[A_VM(MODE)] == DIRTYQUOTA_MODE_SLEEP &&
		    vm.v[A_VM(BUDGET)] == budget &&
		    vm.v[A_VM(INTERVAL_NS)] == 50 * MS && vm.v[A_VM(POOL)] == 0 &&
		    vm.v[A_VM(POOL_CAP)] == 0,
		    "VM_GET after VM_SET: mode %lu budget %lu interval %lu pool %lu cap %lu",
		    vm.v[A_VM(MODE)], vm.v[A_VM(BUDGET)],
		    vm.v[A_VM(INTERVAL_NS)], vm.v[A_VM(POOL)],
		    vm.v[A_VM(POOL_CAP)]);
	harvest_for(&t, 300 * MS);
	got = nl_rate(&t, id, 0, 1500 * MS);
	pr_info("unthrottled %lu B/s; budget %lu B/s: %lu B/s\n", max, budget,
		got);
	TEST_ASSERT(got >= budget * 8 / 10 && got <= budget * 12 / 10,
		    "budget %lu B/s, the writer dirtied %lu B/s", budget, got);
	vcpu = vcpu_of(id, 0);
	TEST_ASSERT(!nl_has(&vcpu, A_VCPU(RATE)) &&
		    nl_has(&vcpu, A_VCPU(BYTES_INTERVAL)) &&
		    nl_has(&vcpu, A_VCPU(QUOTA)) && vcpu.v[A_VCPU(STOPS)] > 0,
		    "throttled vCPU: attributes %#lx, %lu stops", vcpu.has,
		    vcpu.v[A_VCPU(STOPS)]);

	expect_ok(dq_nl_vcpu_set(&nl, id, 0, false, budget / 2, &ack), &ack,
		  "VCPU_SET rate");
	vcpu = vcpu_of(id, 0);
	TEST_ASSERT(nl_has(&vcpu, A_VCPU(RATE)) &&
		    vcpu.v[A_VCPU(RATE)] == budget / 2,
		    "after VCPU_SET rate %lu: attributes %#lx, rate %lu",
		    budget / 2, vcpu.has, vcpu.v[A_VCPU(RATE)]);
	harvest_for(&t, 300 * MS);
	got = nl_rate(&t, id, 0, 1500 * MS);
	pr_info("own rate %lu B/s: %lu B/s\n", budget / 2, got);
	TEST_ASSERT(got >= budget / 2 * 8 / 10 && got <= budget / 2 * 12 / 10,
		    "own rate %lu B/s, the writer dirtied %lu B/s", budget / 2,
		    got);

	expect_ok(dq_nl_vcpu_set(&nl, id, 0, true, 0, &ack), &ack,
		  "VCPU_SET share");
	vcpu = vcpu_of(id, 0);
	TEST_ASSERT(!nl_has(&vcpu, A_VCPU(RATE)),
		    "after VCPU_SET share: rate %lu still shown",
		    vcpu.v[A_VCPU(RATE)]);
	harvest_for(&t, 300 * MS);
	got = nl_rate(&t, id, 0, 1000 * MS);
	pr_info("back on the share: %lu B/s\n", got);
	TEST_ASSERT(got >= budget * 8 / 10 && got <= budget * 12 / 10,
		    "back on the share of %lu B/s, the writer dirtied %lu B/s",
		    budget, got);

	r = dq_nl_vm_set(&nl, id, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_EXIT, 0,
			 0, 0, &ack);
	expect_nl_err(r, &ack, EPERM, "exit mode under load without F_EXIT");
	TEST_ASSERT(dq_nl_vm(&nl, id).v[A_VM(MODE)] == DIRTYQUOTA_MODE_SLEEP,
		    "mode changed by a refused VM_SET");
	stop_vcpus(&t);
	test_vm_free(&t);
	nl_close(&nl);
}

#define MAX_STALL_MIN	DIRTYQUOTA_MAX_STALL_MIN_NS
#define MAX_STALL_MAX	DIRTYQUOTA_MAX_STALL_MAX_NS

/* GET_VM and SET_VM with the first struct, which has no max_stall_ns. */
#define GET_VM_VER1	_IOC(_IOC_READ, DIRTYQUOTA_IOC_MAGIC, 0x03, \
			     DIRTYQUOTA_VM_CONFIG_SIZE_VER1)
#define SET_VM_VER1	_IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 0x04, \
			     DIRTYQUOTA_VM_CONFIG_SIZE_VER1)

static uint64_t nl_max_stall(uint64_t id)
{
	return dq_nl_vm(&nl, id).v[A_VM(MAX_STALL_NS)];
}

/*
 * Through netlink: every value in range reads back; one out of range is
 * ERANGE with a message that points at the attribute, and changes nothing.
 */
static void max_stall_netlink(uint64_t id)
{
	static const uint64_t good[] = {
		MAX_STALL_MIN, MAX_STALL_MAX, 20 * MS,
		DIRTYQUOTA_MAX_STALL_DEFAULT_NS,
	};
	static const uint64_t bad[] = {
		0, 1, MAX_STALL_MIN - 1, MAX_STALL_MAX + 1, ~0ULL,
	};
	struct nl_ack ack;
	struct nl_msg m;
	uint32_t offs;
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		expect_ok(dq_nl_vm_set_max_stall(&nl, id, good[i], &ack), &ack,
			  "VM_SET max-stall");
		TEST_ASSERT(nl_max_stall(id) == good[i],
			    "VM_SET max-stall %lu, VM_GET shows %lu", good[i],
			    nl_max_stall(id));
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		nl_msg_init(&m, nl.family, NLM_F_REQUEST | NLM_F_ACK,
			    DIRTYQUOTA_CMD_VM_SET, DIRTYQUOTA_FAMILY_VERSION);
		nl_put_u64(&m, A_VM(ID), id);
		nl_put_u32(&m, A_VM(MODE), DIRTYQUOTA_MODE_SLEEP);
		offs = nl_put_u64(&m, A_VM(MAX_STALL_NS), bad[i]);
		r = nl_request(&nl, &m, NULL, NULL, &ack);
		expect_nl_err(r, &ack, ERANGE, "VM_SET max-stall out of range");
		TEST_ASSERT(strstr(ack.msg, "out of range") && ack.offs == offs,
			    "max-stall %lu: \"%s\" at offset %u, MAX_STALL_NS is at %u",
			    bad[i], ack.msg, ack.offs, offs);
		TEST_ASSERT(nl_max_stall(id) == DIRTYQUOTA_MAX_STALL_DEFAULT_NS &&
			    dq_nl_vm(&nl, id).v[A_VM(MODE)] == DIRTYQUOTA_MODE_OBSERVE,
			    "max-stall %lu: refused, yet max-stall %lu mode %lu",
			    bad[i], nl_max_stall(id),
			    dq_nl_vm(&nl, id).v[A_VM(MODE)]);
	}
}

/* Through /dev/dirtyquota, with today's struct. */
static void max_stall_ioctl(struct test_vm *t, uint64_t id)
{
	struct dirtyquota_vm_config c = {
		.set = DIRTYQUOTA_CFG_MAX_STALL, .max_stall_ns = 250 * MS,
	};

	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c),
		    "SET_VM max-stall 250 ms: %s", strerror(errno));
	memset(&c, 0xa5, sizeof(c));
	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_GET_VM, &c) &&
		    c.max_stall_ns == 250 * MS &&
		    c.interval_ns == DIRTYQUOTA_INTERVAL_DEFAULT_NS &&
		    nl_max_stall(id) == 250 * MS,
		    "after SET_VM max-stall 250 ms: GET_VM %llu (interval %llu), VM_GET %lu",
		    c.max_stall_ns, c.interval_ns, nl_max_stall(id));

	/* Out of range: ERANGE, and the other setting of the call is not made. */
	c = (struct dirtyquota_vm_config){
		.set = DIRTYQUOTA_CFG_MAX_STALL | DIRTYQUOTA_CFG_INTERVAL,
		.interval_ns = 5 * MS, .max_stall_ns = MAX_STALL_MAX + 1,
	};
	expect_err(ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c), ERANGE,
		   "SET_VM max-stall above 10 s");
	c.max_stall_ns = MAX_STALL_MIN - 1;
	expect_err(ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c), ERANGE,
		   "SET_VM max-stall below 1 ms");
	/* Not named in @set: not looked at. */
	c.set = DIRTYQUOTA_CFG_INTERVAL;
	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c),
		    "SET_VM interval with a max_stall_ns not in @set: %s",
		    strerror(errno));
	memset(&c, 0, sizeof(c));
	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_GET_VM, &c) &&
		    c.max_stall_ns == 250 * MS && c.interval_ns == 5 * MS,
		    "GET_VM: max-stall %llu interval %llu, expected 250 ms, 5 ms",
		    c.max_stall_ns, c.interval_ns);
}

/*
 * The first struct, without max_stall_ns, still works: GET_VM writes only
 * its bytes, SET_VM leaves max-stall alone (and reads nothing beyond).  A
 * longer struct than ours must be zero where we know nothing.
 */
static void max_stall_old_struct(struct test_vm *t, uint64_t id)
{
	struct {
		struct dirtyquota_vm_config c;
		uint64_t newer;
	} big = { { .set = DIRTYQUOTA_CFG_MAX_STALL, .max_stall_ns = 30 * MS } };
	struct dirtyquota_vm_config c;

	memset(&c, 0xa5, sizeof(c));
	TEST_ASSERT(!ioctl(t->dq, GET_VM_VER1, &c) &&
		    c.interval_ns == 5 * MS && c.max_stall_ns == 0xa5a5a5a5a5a5a5a5ULL,
		    "GET_VM of %d bytes: %s, interval %llu, max_stall_ns %#llx",
		    DIRTYQUOTA_VM_CONFIG_SIZE_VER1, strerror(errno), c.interval_ns,
		    c.max_stall_ns);
	c = (struct dirtyquota_vm_config){
		.set = DIRTYQUOTA_CFG_INTERVAL, .interval_ns = 20 * MS,
		.max_stall_ns = 7,	/* beyond the old struct */
	};
	TEST_ASSERT(!ioctl(t->dq, SET_VM_VER1, &c), "SET_VM of %d bytes: %s",
		    DIRTYQUOTA_VM_CONFIG_SIZE_VER1, strerror(errno));
	TEST_ASSERT(nl_max_stall(id) == 250 * MS &&
		    dq_nl_vm(&nl, id).v[A_VM(INTERVAL_NS)] == 20 * MS,
		    "after an old SET_VM of the interval: max-stall %lu interval %lu",
		    nl_max_stall(id), dq_nl_vm(&nl, id).v[A_VM(INTERVAL_NS)]);
	/* Its max-stall, not in the old struct, reads as 0: out of range. */
	c.set = DIRTYQUOTA_CFG_MAX_STALL;
	expect_err(ioctl(t->dq, SET_VM_VER1, &c), ERANGE,
		   "old SET_VM naming max-stall");

	big.newer = 1;
	expect_err(ioctl(t->dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 0x04,
				     sizeof(big)), &big), E2BIG,
		   "SET_VM with an unknown nonzero field");
	big.newer = 0;
	TEST_ASSERT(!ioctl(t->dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 0x04,
				       sizeof(big)), &big) &&
		    nl_max_stall(id) == 30 * MS,
		    "SET_VM of %zu bytes: %s, max-stall %lu", sizeof(big),
		    strerror(errno), nl_max_stall(id));
}

/*
 * max-stall: the default, set and read back through netlink and both
 * sizes of struct dirtyquota_vm_config, and its range in both.
 */
static void test_max_stall(void)
{
	static const enum guest_kind kinds[] = { COMPUTE };
	struct test_vm t;
	uint64_t id;

	dq_nl_open(&nl);
	test_vm_create(&t, 1, 16, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	id = dq_nl_newest_vm(&nl, getpid());
	TEST_ASSERT(nl_max_stall(id) == DIRTYQUOTA_MAX_STALL_DEFAULT_NS,
		    "a new VM's max-stall is %lu", nl_max_stall(id));
	max_stall_netlink(id);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	max_stall_ioctl(&t, id);
	max_stall_old_struct(&t, id);
	test_vm_free(&t);
	nl_close(&nl);
}

/*
 * DIRTY_RATE is the module's own once-a-second estimate: what the vCPU
 * dirtied over the last second of its rate clock, whoever asked before.
 * A vCPU held to 256 KiB/s for 4 s that nobody asks about, then to
 * 1 MiB/s: 2.5 s later it reads 1 MiB/s (the time since the last reader
 * would give about half that), and so does a second reader 200 ms later.
 */
static void test_rate_window(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER };
	uint64_t id, max, r1, r2, lo = 256 * 1024, hi = MIB;
	struct test_vm t;

	dq_nl_open(&nl);
	test_vm_create(&t, 1, 512, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	id = dq_nl_newest_vm(&nl, getpid());
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	start_vcpus(&t);
	max = nl_rate(&t, id, 0, 1000 * MS);
	require_rate(&t, max, 2 * hi);
	/* 50 ms intervals: timer slack under emulation matters less. */
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_INTERVAL,
			    DIRTYQUOTA_MODE_SLEEP, 0, 50 * MS, 0), "sleep mode");
	TEST_ASSERT(!dq_rate(&t, 0, 0, lo), "256 KiB/s");
	vcpu_of(id, 0);
	harvest_for(&t, 4000 * MS);
	TEST_ASSERT(!dq_rate(&t, 0, 0, hi), "1 MiB/s");
	harvest_for(&t, 2500 * MS);
	r1 = vcpu_of(id, 0).v[A_VCPU(DIRTY_RATE)];
	harvest_for(&t, 200 * MS);
	r2 = vcpu_of(id, 0).v[A_VCPU(DIRTY_RATE)];
	pr_info("256 KiB/s for 4 s unasked, then 1 MiB/s: 2.5 s later DIRTY_RATE %lu, 200 ms after that %lu\n",
		r1, r2);
	TEST_ASSERT(r1 >= hi * 3 / 4 && r1 <= hi * 5 / 4 &&
		    r2 >= hi * 3 / 4 && r2 <= hi * 5 / 4,
		    "DIRTY_RATE %lu and %lu B/s for a vCPU held to %lu B/s for 2.5 s",
		    r1, r2, hi);
	stop_vcpus(&t);
	test_vm_free(&t);
	nl_close(&nl);
}

/* The next event about VM @id (QUOTA_FULL ones skipped unless @cmd). */
static bool event_for(struct nl_sock *ev, uint64_t id, uint8_t cmd,
		      int timeout_ms, struct nl_obj *o)
{
	uint64_t end = now_ns() + timeout_ms * MS;

	while (now_ns() < end) {
		if (!nl_recv_event(ev, 10, o))
			continue;
		/* Both attribute sets have the VM's id at 2. */
		if (o->v[A_VM(ID)] != id ||
		    (o->cmd == DIRTYQUOTA_CMD_QUOTA_FULL_NTF && cmd != o->cmd))
			continue;
		TEST_ASSERT(o->cmd == cmd, "VM %lu: event %u, expected %u", id,
			    o->cmd, cmd);
		return true;
	}
	return false;
}

static uint64_t bits(const int *types, int n)
{
	uint64_t b = 0;

	while (n--)
		b |= 1ULL << types[n];
	return b;
}

/*
 * The "events" group: a VM's creation, its mode changes (and only real
 * changes), quota-full events at most once per vCPU and interval even for
 * vCPUs that thrash on a one-page quota, and its destruction with the
 * final counters.
 */
static void test_events(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER, WRITE_FOREVER };
	static const int new_attrs[] = {
		A_VM(ID), A_VM(PID), A_VM(COMM), A_VM(STATS_ID),
	};
	static const int mode_attrs[] = { A_VM(ID), A_VM(MODE), A_VM(OLD_MODE) };
	static const int full_attrs[] = {
		A_VCPU(VM_ID), A_VCPU(INDEX), A_VCPU(BYTES_INTERVAL),
		A_VCPU(QUOTA), A_VCPU(STOPS),
	};
	static const int del_attrs[] = {
		A_VM(ID), A_VM(BYTES_DIRTIED), A_VM(BYTES_UNATTRIBUTED),
	};
	const uint64_t interval = 5 * MS, window = 2000 * MS;
	uint64_t id, count[2] = { 0 }, stops[2] = { 0 }, end, harvest;
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct dirtyquota_stats s;
	char stats_id[32];
	struct nl_sock ev;
	struct test_vm t;
	struct nl_ack ack;
	struct nl_obj o;
	int i;

	dq_nl_open(&nl);
	dq_nl_open(&ev);
	TEST_ASSERT(!nl_join(&ev, ev.events), "join \"events\": %s",
		    strerror(errno));
	test_vm_create(&t, 2, 512, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	id = dq_nl_newest_vm(&nl, getpid());
	TEST_ASSERT(event_for(&ev, id, DIRTYQUOTA_CMD_VM_NEW_NTF, 2000, &o),
		    "no VM_NEW_NTF for VM %lu", id);
	snprintf(stats_id, sizeof(stats_id), "kvm-%d", getpid());
	TEST_ASSERT(o.has == bits(new_attrs, ARRAY_SIZE(new_attrs)) &&
		    o.v[A_VM(PID)] == (uint64_t)getpid() &&
		    !strcmp(o.str[A_VM(STATS_ID)], stats_id) &&
		    !strcmp(o.str[A_VM(COMM)], self_comm()),
		    "VM_NEW_NTF: attributes %#lx pid %lu stats-id \"%s\" comm \"%s\"",
		    o.has, o.v[A_VM(PID)], o.str[A_VM(STATS_ID)],
		    o.str[A_VM(COMM)]);

	expect_ok(dq_nl_vm_set(&nl, id, DIRTYQUOTA_CFG_MODE,
			       DIRTYQUOTA_MODE_SLEEP, 0, 0, 0, &ack), &ack,
		  "VM_SET sleep");
	TEST_ASSERT(event_for(&ev, id, DIRTYQUOTA_CMD_MODE_CHANGE_NTF, 2000, &o),
		    "no MODE_CHANGE_NTF");
	TEST_ASSERT(o.has == bits(mode_attrs, ARRAY_SIZE(mode_attrs)) &&
		    o.v[A_VM(MODE)] == DIRTYQUOTA_MODE_SLEEP &&
		    o.v[A_VM(OLD_MODE)] == DIRTYQUOTA_MODE_OBSERVE,
		    "MODE_CHANGE_NTF: attributes %#lx mode %lu old-mode %lu",
		    o.has, o.v[A_VM(MODE)], o.v[A_VM(OLD_MODE)]);
	expect_ok(dq_nl_vm_set(&nl, id, DIRTYQUOTA_CFG_MODE,
			       DIRTYQUOTA_MODE_SLEEP, 0, 0, 0, &ack), &ack,
		  "VM_SET sleep again");
	TEST_ASSERT(!event_for(&ev, id, DIRTYQUOTA_CMD_MODE_CHANGE_NTF, 300, &o),
		    "event %u after setting the same mode again", o.cmd);

	/* One page per vCPU and interval: both vCPUs stop every interval. */
	expect_ok(dq_nl_vm_set(&nl, id, CFG_ALL, DIRTYQUOTA_MODE_SLEEP,
			       2 * PG * (1000 * MS / interval), interval, 0,
			       &ack), &ack, "VM_SET budget");
	start_vcpus(&t);
	harvest_for(&t, 200 * MS);
	nl_drain(&ev);
	end = now_ns() + window;
	harvest = 0;
	while (now_ns() < end) {
		if (now_ns() > harvest) {
			kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
			harvest = now_ns() + 20 * MS;
		}
		if (!nl_recv_event(&ev, 2, &o))
			continue;
		TEST_ASSERT(o.cmd == DIRTYQUOTA_CMD_QUOTA_FULL_NTF &&
			    o.v[A_VCPU(VM_ID)] == id && o.v[A_VCPU(INDEX)] < 2,
			    "event %u for VM %lu vCPU %lu during the window",
			    o.cmd, o.v[A_VCPU(VM_ID)], o.v[A_VCPU(INDEX)]);
		i = o.v[A_VCPU(INDEX)];
		TEST_ASSERT(o.has == bits(full_attrs, ARRAY_SIZE(full_attrs)) &&
			    o.v[A_VCPU(STOPS)] > stops[i],
			    "QUOTA_FULL_NTF vCPU %d: attributes %#lx, stops %lu after %lu",
			    i, o.has, o.v[A_VCPU(STOPS)], stops[i]);
		stops[i] = o.v[A_VCPU(STOPS)];
		count[i]++;
	}
	pr_info("quota-full events in %lu ms at %lu ms intervals: %lu, %lu\n",
		(uint64_t)(window / MS), (uint64_t)(interval / MS), count[0], count[1]);
	for (i = 0; i < 2; i++)
		TEST_ASSERT(count[i] >= 1 && count[i] <= window / interval + 2,
			    "vCPU %d: %lu quota-full events in %lu intervals",
			    i, count[i], window / interval);
	stop_vcpus(&t);

	s = dq_stats(&t, e, MAX_VCPUS);
	TEST_ASSERT(s.bytes_dirtied > 0, "the writers dirtied nothing");
	test_vm_free(&t);
	TEST_ASSERT(event_for(&ev, id, DIRTYQUOTA_CMD_VM_DEL_NTF, 2000, &o),
		    "no VM_DEL_NTF");
	TEST_ASSERT(o.has == bits(del_attrs, ARRAY_SIZE(del_attrs)) &&
		    o.v[A_VM(BYTES_DIRTIED)] == s.bytes_dirtied &&
		    o.v[A_VM(BYTES_UNATTRIBUTED)] == s.bytes_unattributed,
		    "VM_DEL_NTF: attributes %#lx, %lu bytes (%lu unattributed), GET_STATS %llu (%llu)",
		    o.has, o.v[A_VM(BYTES_DIRTIED)],
		    o.v[A_VM(BYTES_UNATTRIBUTED)], s.bytes_dirtied,
		    s.bytes_unattributed);
	nl_close(&ev);
	nl_close(&nl);
}

#define READ_GID	65533
#define READ_GROUP	"/sys/module/dirtyquota/parameters/read_group"

static void set_read_group(int gid)
{
	FILE *f = fopen(READ_GROUP, "w");

	TEST_ASSERT(f && fprintf(f, "%d\n", gid) > 0 && !fclose(f),
		    "%s: %s", READ_GROUP, strerror(errno));
}

/* Uid and gid 65534, and @group as the one supplementary group if >= 0. */
static void become_nobody(int group)
{
	gid_t g = group;

	TEST_ASSERT(!setgroups(group >= 0, &g) &&
		    !setresgid(65534, 65534, 65534) &&
		    !setresuid(65534, 65534, 65534),
		    "dropping privileges: %s", strerror(errno));
}

static void expect_eperm(int r, const struct nl_ack *ack, const char *msg,
			 const char *what)
{
	TEST_ASSERT(r == -EPERM, "%s: %d (%s)", what, r, ack->msg);
	TEST_ASSERT(msg ? strstr(ack->msg, msg) != NULL : !ack->msg[0],
		    "%s: message \"%s\", expected %s%s", what, ack->msg,
		    msg ? "one with " : "none", msg ? msg : "");
}

/*
 * As nobody: every request refused with EPERM, a do with a message that
 * names CAP_SYS_ADMIN, a dump without (it is refused in start, which has
 * no extack); as a member of read_group: reads, nothing else.
 */
static void as_nobody(uint64_t id, bool reader, const struct settings *want)
{
	struct nl_obj *vms = calloc(NL_MAX_VMS, sizeof(*vms));
	struct nl_obj v[MAX_VCPUS], vm;
	struct nl_sock s, ev;
	struct nl_ack ack;
	int n;

	become_nobody(reader ? READ_GID : -1);
	TEST_ASSERT(vms, "calloc");
	dq_nl_open(&s);
	dq_nl_open(&ev);
	n = dq_nl_vm_get(&s, id, &vm, &ack);
	if (reader) {
		TEST_ASSERT(!n && vm.v[A_VM(MODE)] == want->mode &&
			    vm.v[A_VM(BUDGET)] == want->budget,
			    "VM_GET in read_group: %d (%s), mode %lu", n,
			    ack.msg, vm.v[A_VM(MODE)]);
		n = dq_nl_vm_dump(&s, vms, NL_MAX_VMS, &ack);
		TEST_ASSERT(n > 0, "VM_GET dump in read_group: %d", n);
		find_vm(vms, n, id);
		n = dq_nl_vcpus(&s, id, v, MAX_VCPUS, &ack);
		TEST_ASSERT(n == 2 && v[1].v[A_VCPU(RATE)] == want->rate[1],
			    "VCPU_GET in read_group: %d (%s)", n, ack.msg);
	} else {
		expect_eperm(n, &ack, "reading needs CAP_SYS_ADMIN", "VM_GET");
		expect_eperm(dq_nl_vm_dump(&s, vms, NL_MAX_VMS, &ack), &ack,
			     NULL, "VM_GET dump");
		expect_eperm(dq_nl_vcpus(&s, id, v, MAX_VCPUS, &ack), &ack,
			     NULL, "VCPU_GET dump");
	}
	TEST_ASSERT(nl_join(&ev, ev.events) && errno == EPERM,
		    "joining \"events\" as nobody: %s", strerror(errno));
	expect_eperm(dq_nl_vm_set(&s, id, CFG_ALL, DIRTYQUOTA_MODE_OBSERVE, 1,
				  MS, 1, &ack), &ack,
		     "changing settings needs CAP_SYS_ADMIN", "VM_SET");
	expect_eperm(dq_nl_vcpu_set(&s, id, 0, false, 1, &ack), &ack,
		     "changing settings needs CAP_SYS_ADMIN", "VCPU_SET rate");
	expect_eperm(dq_nl_vcpu_set(&s, id, 1, true, 0, &ack), &ack,
		     "changing settings needs CAP_SYS_ADMIN", "VCPU_SET share");
	exit(KSFT_PASS);
}

static void run_as_nobody(uint64_t id, bool reader, const struct settings *want)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid)
		as_nobody(id, reader, want);
	TEST_ASSERT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == KSFT_PASS,
		    "the unprivileged child (%s) failed (status %#x)",
		    reader ? "in read_group" : "no groups", status);
}

static void test_permissions(void)
{
	static const enum guest_kind kinds[] = { COMPUTE, COMPUTE };
	struct settings before;
	struct test_vm t;
	struct nl_ack ack;
	uint64_t id;

	set_read_group(-1);	/* whatever a failed test before left */
	dq_nl_open(&nl);
	test_vm_create(&t, 2, 16, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	id = dq_nl_newest_vm(&nl, getpid());
	before = set_unusual(id, 2);
	run_as_nobody(id, false, &before);
	expect_settings(id, &before, "VM_SET and VCPU_SET as nobody");
	/* A group that nobody is not in opens nothing. */
	set_read_group(READ_GID - 1);
	run_as_nobody(id, false, &before);
	set_read_group(READ_GID);
	run_as_nobody(id, true, &before);
	set_read_group(-1);
	expect_settings(id, &before, "VM_SET and VCPU_SET in read_group");
	expect_ok(dq_nl_vm_set(&nl, id, DIRTYQUOTA_CFG_MODE,
			       DIRTYQUOTA_MODE_OBSERVE, 0, 0, 0, &ack), &ack,
		  "VM_SET as root");
	test_vm_free(&t);
	nl_close(&nl);
}

/* Placeholders in the bad-input table. */
#define VMID	(~0ULL - 1)		/* the test VM's id */
#define NOVM	(~0ULL - 2)		/* an id no VM has */
#define U8(t, x)	{ (t), 1, (x) }
#define U32(t, x)	{ (t), 4, (x) }
#define U64(t, x)	{ (t), 8, (x) }
#define FLAG(t)		{ (t), 0, 0 }
#define STR(t, s)	{ (t), 0, 0, (s) }

#define VM_GET		DIRTYQUOTA_CMD_VM_GET
#define VM_SET		DIRTYQUOTA_CMD_VM_SET
#define VCPU_GET	DIRTYQUOTA_CMD_VCPU_GET
#define VCPU_SET	DIRTYQUOTA_CMD_VCPU_SET
#define ANYMSG		""		/* any non-empty extack message */
#define NOMSG		NULL		/* no extack message */

struct attr_spec {
	uint16_t type;
	uint16_t len;			/* payload bytes */
	uint64_t val;			/* its first up to 8 bytes */
	const char *str;		/* or this string, NUL included */
};

/*
 * One request and what must come back: @err (-errno, 0 for a normal
 * answer, NL_NOREPLY when the core drops the message without a word), an
 * extack message that contains @msg (NOMSG: none), the attribute that
 * NLMSGERR_ATTR_OFFS points at (@bad, from 1; 0: no offset) and the
 * missing attribute NLMSGERR_ATTR_MISS_TYPE names (@miss).  Raw tweaks:
 * @type for nlmsg_type, @flags added to NLM_F_REQUEST | NLM_F_ACK,
 * @version (plus one) and @reserved in the genetlink header, @overrun: the last
 * attribute's nla_len claims that much more than it has (negative: less
 * than its header), @tail: junk bytes after the attributes, @len: the
 * nlmsg_len to claim, @cut: bytes not sent.
 */
struct bad_case {
	const char *name;
	uint8_t cmd;
	struct attr_spec a[5];
	int err;
	const char *msg;
	int bad;
	uint16_t miss;
	uint16_t type, flags;
	int version;			/* version + 1; 0: the family's */
	uint8_t reserved;
	int overrun, tail, len, cut;
};

/*
 * Where the netlink core itself answers, there is no extack message:
 * unknown commands and do/dump the command lacks (EOPNOTSUPP), unknown
 * families (ENOENT), a message too short for the genetlink header (EINVAL);
 * a message whose nlmsg_len is larger than what was sent, or smaller than
 * the netlink header, is dropped without an answer.
 */
static const struct bad_case bad_cases[] = {
	/* Required attributes. */
	{ "VM_SET without VM_ID", VM_SET, { U32(A_VM(MODE), 1) },
	  -EINVAL, ANYMSG, .miss = A_VM(ID) },
	{ "VM_GET without VM_ID", VM_GET, { },
	  -EINVAL, ANYMSG, .miss = A_VM(ID) },
	{ "VCPU_SET without INDEX", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U64(A_VCPU(RATE), 1) },
	  -EINVAL, ANYMSG, .miss = A_VCPU(INDEX) },
	{ "VCPU_SET without VM_ID", VCPU_SET,
	  { U32(A_VCPU(INDEX), 0), U64(A_VCPU(RATE), 1) },
	  -EINVAL, ANYMSG, .miss = A_VCPU(VM_ID) },
	{ "VCPU_GET dump without VM_ID", VCPU_GET, { },
	  -EINVAL, ANYMSG, .miss = A_VCPU(VM_ID), .flags = NLM_F_DUMP },
	{ "VCPU_SET with neither RATE nor SHARE", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0) },
	  -EINVAL, "give a rate, or share" },
	{ "VM_SET with only VM_ID", VM_SET, { U64(A_VM(ID), VMID) },
	  -EINVAL, "nothing to set" },

	/* Types and lengths. */
	{ "VM_SET MODE as u64", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MODE), 1) }, -EINVAL, ANYMSG, 2 },
	{ "VM_SET POOL as u32", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(POOL), 1) }, -EINVAL, ANYMSG, 2 },
	{ "VM_SET BUDGET as u32", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(BUDGET), 1) }, -EINVAL, ANYMSG, 2 },
	{ "VM_SET BUDGET as a string", VM_SET,
	  { U64(A_VM(ID), VMID), STR(A_VM(BUDGET), "12345678") },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_GET VM_ID as u32", VM_GET, { U32(A_VM(ID), 1) },
	  -EINVAL, ANYMSG, 1 },
	{ "VCPU_SET INDEX as u64", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U64(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1) }, -EINVAL, ANYMSG, 2 },
	{ "VCPU_SET INDEX as u8", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U8(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1) }, -EINVAL, ANYMSG, 2 },
	/* The core's NLA_FLAG check answers ERANGE. */
	{ "VCPU_SET SHARE with a payload", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0),
	    U32(A_VCPU(SHARE), 1) }, -ERANGE, ANYMSG, 3 },
	{ "VM_SET MODE marked nested", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE) | NLA_F_NESTED, 1) },
	  -EINVAL, ANYMSG, 2 },

	/* Attributes given twice. */
	{ "VM_SET MODE twice", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0), U32(A_VM(MODE), 0) },
	  -EINVAL, "duplicate attribute", 3 },
	{ "VM_SET VM_ID twice", VM_SET,
	  { U64(A_VM(ID), VMID), U8(A_VM(POOL), 1), U64(A_VM(ID), VMID) },
	  -EINVAL, "duplicate attribute", 3 },
	{ "VM_GET VM_ID twice", VM_GET,
	  { U64(A_VM(ID), VMID), U64(A_VM(ID), VMID) },
	  -EINVAL, "duplicate attribute", 2 },
	{ "VM_GET dump VM_ID twice", VM_GET,
	  { U64(A_VM(ID), VMID), U64(A_VM(ID), VMID) },
	  -EINVAL, "duplicate attribute", 2, .flags = NLM_F_DUMP },
	{ "VCPU_GET dump VM_ID twice", VCPU_GET,
	  { U64(A_VCPU(VM_ID), VMID), U64(A_VCPU(VM_ID), VMID) },
	  -EINVAL, "duplicate attribute", 2, .flags = NLM_F_DUMP },
	{ "VCPU_SET RATE twice", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1), U64(A_VCPU(RATE), 2) },
	  -EINVAL, "duplicate attribute", 4 },

	/* Values out of range: the policy answers ERANGE. */
	{ "VM_SET INTERVAL_NS below 1 ms", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(INTERVAL_NS), 999999) },
	  -ERANGE, ANYMSG, 2 },
	{ "VM_SET INTERVAL_NS 0", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(INTERVAL_NS), 0) },
	  -ERANGE, ANYMSG, 2 },
	{ "VM_SET INTERVAL_NS above 1 s", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(INTERVAL_NS), 1000000001) },
	  -ERANGE, ANYMSG, 2 },
	{ "VM_SET MODE 3", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 3) }, -ERANGE, ANYMSG, 2 },
	{ "VM_SET MODE 0xffffffff", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0xffffffff) },
	  -ERANGE, ANYMSG, 2 },
	{ "VM_SET POOL 2", VM_SET,
	  { U64(A_VM(ID), VMID), U8(A_VM(POOL), 2) }, -ERANGE, ANYMSG, 2 },
	{ "VM_SET good BUDGET, POOL 2", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(BUDGET), 1), U8(A_VM(POOL), 2) },
	  -ERANGE, ANYMSG, 3 },
	{ "VM_SET MAX_STALL_NS below 1 ms", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS), 999999) },
	  -ERANGE, "out of range", 2 },
	{ "VM_SET MAX_STALL_NS 0", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS), 0) },
	  -ERANGE, "out of range", 2 },
	{ "VM_SET MAX_STALL_NS above 10 s", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS), 10000000001ULL) },
	  -ERANGE, "out of range", 2 },
	{ "VM_SET MAX_STALL_NS ~0", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS), ~0ULL - 3) },
	  -ERANGE, "out of range", 2 },
	{ "VM_SET good MODE, MAX_STALL_NS out of range", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), DIRTYQUOTA_MODE_OBSERVE),
	    U64(A_VM(MAX_STALL_NS), 1) }, -ERANGE, "out of range", 3 },
	{ "VM_SET MAX_STALL_NS as u32", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MAX_STALL_NS), 5000000) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_SET MAX_STALL_NS twice", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS), 5000000),
	    U64(A_VM(MAX_STALL_NS), 5000000) },
	  -EINVAL, "duplicate attribute", 3 },

	/* Attributes the operation does not take. */
	{ "VM_SET attribute type 200", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0), U32(200, 0) },
	  -EINVAL, ANYMSG, 3 },
	{ "VM_SET DIRTY_LOGGING", VM_SET,
	  { U64(A_VM(ID), VMID), U8(A_VM(DIRTY_LOGGING), 0) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_SET POOL_CAP", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(POOL_CAP), 1) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_SET the type after MAX_STALL_NS (beyond the op's max)", VM_SET,
	  { U64(A_VM(ID), VMID), U64(A_VM(MAX_STALL_NS) + 1, 5000000) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_SET attribute type 0", VM_SET,
	  { U32(0, 0), U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  -EINVAL, ANYMSG, 1 },
	{ "VM_SET COMM", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0), STR(A_VM(COMM), "x") },
	  -EINVAL, ANYMSG, 3 },
	{ "VM_SET OLD_MODE", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(OLD_MODE), 0) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_SET PAD", VM_SET,
	  { U64(A_VM(ID), VMID), FLAG(A_VM(PAD)), U32(A_VM(MODE), 0) },
	  -EINVAL, ANYMSG, 2 },
	{ "VM_GET MODE", VM_GET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) }, -EINVAL, ANYMSG, 2 },
	{ "VCPU_SET DIRTY_RATE", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1), U64(A_VCPU(DIRTY_RATE), 1) },
	  -EINVAL, ANYMSG, 4 },
	{ "VCPU_GET dump INDEX", VCPU_GET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0) },
	  -EINVAL, ANYMSG, 2, .flags = NLM_F_DUMP },
	{ "VCPU_SET both RATE and SHARE", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1), FLAG(A_VCPU(SHARE)) },
	  -EINVAL, "not both", 4 },

	/* Objects that do not exist. */
	{ "VM_GET unknown VM", VM_GET, { U64(A_VM(ID), NOVM) },
	  -ENOENT, "no such VM", 1 },
	{ "VM_SET unknown VM", VM_SET,
	  { U64(A_VM(ID), NOVM), U32(A_VM(MODE), 0) },
	  -ENOENT, "no such VM", 1 },
	{ "VM_SET VM 0", VM_SET, { U64(A_VM(ID), 0), U32(A_VM(MODE), 0) },
	  -ENOENT, "no such VM", 1 },
	{ "VCPU_SET unknown VM", VCPU_SET,
	  { U64(A_VCPU(VM_ID), NOVM), U32(A_VCPU(INDEX), 0),
	    U64(A_VCPU(RATE), 1) }, -ENOENT, "no such VM", 1 },
	{ "VCPU_GET dump unknown VM", VCPU_GET, { U64(A_VCPU(VM_ID), NOVM) },
	  -ENOENT, "no such VM", 1, .flags = NLM_F_DUMP },
	{ "VCPU_SET vCPU 2 of 2", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 2),
	    U64(A_VCPU(RATE), 1) }, -ENOENT, "no such vCPU", 2 },
	{ "VCPU_SET vCPU 0xffffffff", VCPU_SET,
	  { U64(A_VCPU(VM_ID), VMID), U32(A_VCPU(INDEX), 0xffffffff),
	    FLAG(A_VCPU(SHARE)) }, -ENOENT, "no such vCPU", 2 },

	/* Commands and headers: mostly the core's own checks. */
	{ "command 0", 0, { U64(A_VM(ID), VMID) }, -EOPNOTSUPP, NOMSG },
	{ "command 9", 9, { U64(A_VM(ID), VMID) }, -EOPNOTSUPP, NOMSG },
	{ "command 255", 255, { }, -EOPNOTSUPP, NOMSG },
	{ "VM_NEW_NTF as a request", DIRTYQUOTA_CMD_VM_NEW_NTF,
	  { U64(A_VM(ID), VMID) }, -EOPNOTSUPP, NOMSG },
	{ "QUOTA_FULL_NTF as a dump", DIRTYQUOTA_CMD_QUOTA_FULL_NTF, { },
	  -EOPNOTSUPP, NOMSG, .flags = NLM_F_DUMP },
	{ "VM_SET as a dump", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) }, -EOPNOTSUPP, NOMSG,
	  .flags = NLM_F_DUMP },
	{ "VCPU_SET as a dump", VCPU_SET, { }, -EOPNOTSUPP, NOMSG,
	  .flags = NLM_F_DUMP },
	{ "VCPU_GET without NLM_F_DUMP", VCPU_GET,
	  { U64(A_VCPU(VM_ID), VMID) }, -EOPNOTSUPP, NOMSG },
	{ "unknown family", VM_GET, { U64(A_VM(ID), VMID) }, -ENOENT, NOMSG,
	  .type = 0xfff0 },
	{ "genetlink reserved field 1", VM_GET, { U64(A_VM(ID), VMID) },
	  -EINVAL, "reserved", .reserved = 1 },
	/* The mode the VM has: if these get through, nothing changes. */
	{ "VM_SET with genetlink reserved field 0x80", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), DIRTYQUOTA_MODE_SLEEP) },
	  -EINVAL, "reserved", .reserved = 0x80 },
	{ "VM_SET with NLM_F_EXCL", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), DIRTYQUOTA_MODE_SLEEP) },
	  -EINVAL, "nlmsg_flags", .flags = NLM_F_EXCL },
	/* The genetlink core does not look at the version; neither do we. */
	{ "genetlink version 0", VM_GET, { U64(A_VM(ID), VMID) }, 0, NOMSG,
	  .version = 0 + 1 },
	{ "genetlink version 2", VM_GET, { U64(A_VM(ID), VMID) }, 0, NOMSG,
	  .version = 2 + 1 },

	/* Lengths. */
	{ "attribute past the end of the message", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  -EINVAL, ANYMSG, .overrun = 8 },
	{ "attribute shorter than its header", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  -EINVAL, ANYMSG, .overrun = -6 },
	{ "junk after the attributes", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  -EINVAL, ANYMSG, .tail = 3 },
	{ "message shorter than the genetlink header", VM_GET, { },
	  -EINVAL, NOMSG, .len = NLMSG_HDRLEN + 2 },
	{ "message cut below its nlmsg_len", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  NL_NOREPLY, NOMSG, .cut = 4 },
	{ "nlmsg_len below the netlink header", VM_SET,
	  { U64(A_VM(ID), VMID), U32(A_VM(MODE), 0) },
	  NL_NOREPLY, NOMSG, .len = 8 },
};

static void build_case(const struct bad_case *c, struct nl_msg *m,
		       uint64_t id, size_t *send_len)
{
	const struct attr_spec *a;
	struct genlmsghdr *g;
	struct nlattr *last = NULL;
	uint64_t val;
	int i;

	nl_msg_init(m, c->type ?: nl.family,
		    NLM_F_REQUEST | NLM_F_ACK | c->flags, c->cmd,
		    DIRTYQUOTA_FAMILY_VERSION);
	g = NLMSG_DATA(&m->nlh);
	if (c->version)
		g->version = c->version - 1;
	g->reserved = c->reserved;
	for (i = 0; i < (int)ARRAY_SIZE(c->a); i++) {
		a = &c->a[i];
		if (!a->type && !a->len && !a->str)
			break;
		val = a->val == VMID ? id : a->val == NOVM ? id + 1000000 : a->val;
		if (a->str)
			nl_put_str(m, a->type, a->str);
		else
			nl_put(m, a->type, &val, a->len);
		last = (struct nlattr *)(m->buf + m->offs[i]);
	}
	if (c->overrun) {
		TEST_ASSERT(last, "%s: no attribute to overrun", c->name);
		last->nla_len += c->overrun;
	}
	m->nlh.nlmsg_len += c->tail;
	*send_len = m->nlh.nlmsg_len;
	if (c->len) {
		m->nlh.nlmsg_len = c->len;
		*send_len = c->len > NLMSG_HDRLEN ? c->len : NLMSG_HDRLEN;
	}
	*send_len -= c->cut;
}

/* Appends to a report of what went wrong. */
/* @problem holds 512 bytes. */
static void __attribute__((format(printf, 2, 3)))
note(char *problem, const char *fmt, ...)
{
	size_t len = strlen(problem);
	va_list ap;

	if (len) {
		snprintf(problem + len, 512 - len, "; ");
		len = strlen(problem);
	}
	va_start(ap, fmt);
	vsnprintf(problem + len, 512 - len, fmt, ap);
	va_end(ap);
}

/*
 * Every case of the table against a VM with unusual settings; each case
 * that is answered otherwise than expected is reported, then the test
 * fails.  Afterwards the settings must be as they were.
 */
static void test_bad_input(void)
{
	static const enum guest_kind kinds[] = { COMPUTE, COMPUTE };
	const struct bad_case *c;
	struct settings before;
	bool done_has_tlvs;
	struct utsname u;
	char problem[512];
	struct test_vm t;
	struct nl_ack ack;
	struct nl_msg m;
	uint32_t seq, offs;
	unsigned int i;
	int failed = 0, r;
	uint64_t id;
	size_t len;

	uname(&u);
	done_has_tlvs = strverscmp(u.release, "6.2") >= 0;
	dq_nl_open(&nl);
	test_vm_create(&t, 2, 16, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	id = dq_nl_newest_vm(&nl, getpid());
	before = set_unusual(id, 2);
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		c = &bad_cases[i];
		build_case(c, &m, id, &len);
		seq = m.nlh.nlmsg_seq = ++nl.seq;
		nl_send_raw(&nl, m.buf, len);
		/* The kernel answers before send() returns. */
		r = nl_recv(&nl, seq, c->err == NL_NOREPLY ? 100 : 2000, NULL,
			    NULL, &ack);
		offs = c->bad ? m.offs[c->bad - 1] : 0;
		problem[0] = '\0';
		if (r != c->err)
			note(problem, "error %d (%s), expected %d (%s)", r,
			     r == NL_NOREPLY ? "no answer" : strerror(-r), c->err,
			     c->err == NL_NOREPLY ? "no answer" : strerror(-c->err));
		if (c->msg && !ack.msg[0])
			note(problem, "no extack message%s%s%s",
			     c->msg[0] ? ", expected \"" : "", c->msg,
			     c->msg[0] ? "\"" : "");
		else if (c->msg && !strstr(ack.msg, c->msg))
			note(problem, "extack message \"%s\", expected \"%s\"",
			     ack.msg, c->msg);
		else if (!c->msg && ack.msg[0])
			note(problem, "extack message \"%s\", expected none",
			     ack.msg);
		/*
		 * Before 6.2, NLMSG_DONE carries the message only: what the
		 * module rejects in a dump loses its offset and missing type
		 * (the core's own checks answer in NLMSG_ERROR, with them).
		 */
		if ((c->flags & NLM_F_DUMP) && !done_has_tlvs) {
			if (!ack.offs)
				offs = 0;
			if (ack.miss_type && ack.miss_type != c->miss)
				note(problem, "missing attribute %u named",
				     ack.miss_type);
		} else if (ack.miss_type != c->miss) {
			note(problem, "missing attribute %u named, expected %u",
			     ack.miss_type, c->miss);
		}
		if (ack.offs != offs)
			note(problem, "extack offset %u, expected %u", ack.offs,
			     offs);
		if (!c->err && ack.nr_data != 1)
			note(problem, "%d replies", ack.nr_data);
		if (problem[0]) {
			pr_info("bad input %u, %s: %s\n", i, c->name, problem);
			failed++;
		}
	}
	expect_settings(id, &before, "the bad input");
	TEST_ASSERT(!failed, "%d of %zu bad-input cases were answered otherwise than expected",
		    failed, ARRAY_SIZE(bad_cases));
	test_vm_free(&t);
	nl_close(&nl);
}

/* xorshift64*: the fuzzer's runs repeat from the seed. */
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

/* What each operation accepts: attribute types and payload widths. */
struct fuzz_op {
	uint8_t cmd;
	uint16_t maxattr;
	int nr;
	struct { uint16_t type; uint8_t width; } a[6];
};

static const struct fuzz_op fuzz_ops[] = {
	{ VM_GET, A_VM(ID), 1, { { A_VM(ID), 8 } } },
	{ VM_SET, A_VM(MAX_STALL_NS), 6,
	  { { A_VM(ID), 8 }, { A_VM(MODE), 4 }, { A_VM(BUDGET), 8 },
	    { A_VM(INTERVAL_NS), 8 }, { A_VM(POOL), 1 },
	    { A_VM(MAX_STALL_NS), 8 } } },
	{ VCPU_GET, A_VCPU(VM_ID), 1, { { A_VCPU(VM_ID), 8 } } },
	{ VCPU_SET, A_VCPU(SHARE), 4,
	  { { A_VCPU(VM_ID), 8 }, { A_VCPU(INDEX), 4 }, { A_VCPU(RATE), 8 },
	    { A_VCPU(SHARE), 0 } } },
};

/*
 * Defects, each of which the kernel must reject (the first ones) or drop
 * without an answer (D_CUT, D_NOREQ).  Every fuzzed message has one or more.
 */
enum {
	D_SEM,		/* well-formed, but the op must refuse it: see below */
	D_CMD,		/* a command the family lacks */
	D_TYPE,		/* an attribute type above the op's maximum, or 0 */
	D_UNSUPP,	/* a known type the op does not take */
	D_LEN,		/* a taken type with the wrong payload length */
	D_DUP,		/* a taken type twice */
	D_RANGE,	/* VM_SET values out of range */
	D_OVERRUN,	/* the last attribute's nla_len past the end or short */
	D_TAIL,		/* 1-3 junk bytes after the attributes */
	D_FAMILY,	/* an nlmsg_type that is no family */
	D_SHORT,	/* nlmsg_len too short for the genetlink header */
	D_CUT,		/* fewer bytes sent than nlmsg_len */
	D_NOREQ,	/* no NLM_F_REQUEST (and no NLM_F_ACK) */
	NR_DEFECTS,
};

/* Picked this many times more often than the others, or less. */
static const uint8_t defect_weight[NR_DEFECTS] = {
	[D_SEM] = 6, [D_CMD] = 2, [D_TYPE] = 2, [D_UNSUPP] = 2, [D_LEN] = 2,
	[D_DUP] = 3, [D_RANGE] = 2, [D_OVERRUN] = 2, [D_TAIL] = 1,
	[D_FAMILY] = 1, [D_SHORT] = 1, [D_CUT] = 1, [D_NOREQ] = 1,
};

static int pick_defect(void)
{
	int sum = 0, i, k;

	for (i = 0; i < NR_DEFECTS; i++)
		sum += defect_weight[i];
	k = below(sum);
	for (i = 0; k >= defect_weight[i]; i++)
		k -= defect_weight[i];
	return i;
}

struct fuzz_attr {
	uint16_t type, len;
	uint8_t data[24];
};

static void valid_value(uint16_t cmd, uint16_t type, uint64_t id,
			struct fuzz_attr *a)
{
	uint64_t v = rnd();
	bool vm = cmd == VM_GET || cmd == VM_SET;

	/* Both attribute sets have the VM's id at 2. */
	if (type == A_VM(ID))
		v = below(4) ? id : below(2) ? id + 1 + below(3) : rnd();
	else if (vm && type == A_VM(MODE))
		v = below(3);
	else if (vm && type == A_VM(INTERVAL_NS))
		v = DIRTYQUOTA_INTERVAL_MIN_NS +
		    rnd() % (DIRTYQUOTA_INTERVAL_MAX_NS -
			     DIRTYQUOTA_INTERVAL_MIN_NS + 1);
	else if (vm && type == A_VM(POOL))
		v = below(2);
	else if (vm && type == A_VM(MAX_STALL_NS))
		v = DIRTYQUOTA_MAX_STALL_MIN_NS +
		    rnd() % (DIRTYQUOTA_MAX_STALL_MAX_NS -
			     DIRTYQUOTA_MAX_STALL_MIN_NS + 1);
	else if (!vm && type == A_VCPU(INDEX))
		v = below(2) ? below(4) : rnd();
	else if (below(4) == 0)
		v = below(2) ? DIRTYQUOTA_UNLIMITED : 0;
	memcpy(a->data, &v, sizeof(v));
}

static void add_attr(struct fuzz_attr *attrs, int *n, uint16_t type,
		     uint16_t len)
{
	struct fuzz_attr *a = &attrs[(*n)++];
	int i;

	a->type = type;
	a->len = len;
	for (i = 0; i < (int)sizeof(a->data); i++)
		a->data[i] = rnd();
}

static void drop_attrs(struct fuzz_attr *attrs, int *n, uint16_t type)
{
	int i, k = 0;

	for (i = 0; i < *n; i++)
		if (attrs[i].type != type)
			attrs[k++] = attrs[i];
	*n = k;
}

/* Sets every attribute of @type to @v (of @len bytes); adds one if none. */
static void force_attr(struct fuzz_attr *attrs, int *n, uint16_t type,
		       uint16_t len, uint64_t v)
{
	int i;
	bool found = false;

	for (i = 0; i < *n; i++)
		if (attrs[i].type == type) {
			memcpy(attrs[i].data, &v, sizeof(v));
			found = true;
		}
	if (!found) {
		add_attr(attrs, n, type, len);
		memcpy(attrs[*n - 1].data, &v, sizeof(v));
	}
}

/*
 * D_SEM: a well-formed request that the operation itself must refuse, on
 * what the fuzzer already chose: an unknown VM (never a VM_GET dump, which
 * filters by it and so answers with nothing), a required attribute left
 * out, nothing to set, exit mode for a VMM that did not ask for it (the
 * test VM has no attached file), an unknown vCPU, RATE and SHARE both or
 * neither.
 */
static void fuzz_semantic(const struct fuzz_op *op, struct fuzz_attr *attrs,
			  int *n, uint16_t *flags, uint64_t id)
{
	uint64_t novm = below(2) ? id + 1000 + below(1000) : 0;
	int k = below(op->cmd == VM_SET ? 4 : op->cmd == VCPU_SET ? 6 : 2);

	if (op->cmd == VM_GET)
		*flags &= ~NLM_F_DUMP;
	if (op->cmd == VCPU_GET)
		*flags |= NLM_F_DUMP;
	/* Both attribute sets have the VM's id at 2. */
	switch (k) {
	case 0:
		force_attr(attrs, n, A_VM(ID), 8, novm);
		break;
	case 1:
		drop_attrs(attrs, n, A_VM(ID));
		break;
	case 2:
		if (op->cmd == VM_SET) {
			force_attr(attrs, n, A_VM(ID), 8, id);
			for (k = 1; k < op->nr; k++)
				drop_attrs(attrs, n, op->a[k].type);
		} else {
			drop_attrs(attrs, n, A_VCPU(INDEX));
		}
		break;
	case 3:
		if (op->cmd == VM_SET)
			force_attr(attrs, n, A_VM(MODE), 4, DIRTYQUOTA_MODE_EXIT);
		else
			force_attr(attrs, n, A_VCPU(INDEX), 4,
				   MAX_VCPUS + below(0xffff));
		break;
	case 4:
		force_attr(attrs, n, A_VCPU(RATE), 8, rnd());
		force_attr(attrs, n, A_VCPU(SHARE), 0, 0);
		break;
	default:
		drop_attrs(attrs, n, A_VCPU(RATE));
		drop_attrs(attrs, n, A_VCPU(SHARE));
	}
}

/*
 * A request of a random operation with some of its attributes, valid
 * values, random flags; then 1-3 defects.  Returns the bytes to send, and
 * whether the kernel must stay silent.
 */
static size_t fuzz_build(struct nl_msg *m, uint64_t id, unsigned int *defects,
			 bool *silent)
{
	static const uint16_t noise[] = {
		NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
		NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND,
	};
	const struct fuzz_op *op = &fuzz_ops[below(ARRAY_SIZE(fuzz_ops))];
	struct fuzz_attr attrs[24];
	uint16_t flags = NLM_F_REQUEST, type;
	struct genlmsghdr *g;
	struct nlattr *last;
	int n = 0, i, j, k;
	size_t len;

	if (below(2))
		flags |= NLM_F_ACK;
	if (below(op->cmd == VM_SET || op->cmd == VCPU_SET ? 8 : 2) == 0)
		flags |= NLM_F_DUMP;
	if (below(4) == 0)
		flags |= noise[below(ARRAY_SIZE(noise))];

	for (i = 0; i < op->nr; i++)
		if (below(3)) {
			add_attr(attrs, &n, op->a[i].type, op->a[i].width);
			valid_value(op->cmd, op->a[i].type, id, &attrs[n - 1]);
		}

	*defects = 0;
	for (k = 1 + (below(4) == 0) + (below(8) == 0); k; k--)
		*defects |= 1u << pick_defect();
	if (*defects & 1u << D_SEM)
		fuzz_semantic(op, attrs, &n, &flags, id);
	j = below(op->nr);
	if (*defects & 1u << D_TYPE) {
		type = below(4) ? op->maxattr + 1 + below(NLA_TYPE_MASK - op->maxattr) : 0;
		add_attr(attrs, &n, type | (below(4) ? 0 : NLA_F_NESTED), below(17));
	}
	if (*defects & 1u << D_UNSUPP) {
		do
			type = 1 + below(op->maxattr);
		while (type == op->a[0].type || type == op->a[1].type ||
		       type == op->a[2].type || type == op->a[3].type ||
		       type == op->a[4].type || type == op->a[5].type);
		add_attr(attrs, &n, type, below(17));
	}
	if (*defects & 1u << D_LEN) {
		do
			k = below(17);
		while (k == op->a[j].width);
		add_attr(attrs, &n, op->a[j].type, k);
	}
	if (*defects & 1u << D_DUP) {
		for (i = 0; i < 2; i++) {
			add_attr(attrs, &n, op->a[j].type, op->a[j].width);
			valid_value(op->cmd, op->a[j].type, id, &attrs[n - 1]);
		}
	}
	if (*defects & 1u << D_RANGE) {
		uint64_t v;

		switch (below(4)) {
		case 0:
			add_attr(attrs, &n, A_VM(MODE), 4);
			v = __DIRTYQUOTA_MODE_MAX + 1 +
			    rnd() % (0xffffffffULL - __DIRTYQUOTA_MODE_MAX);
			break;
		case 1:
			add_attr(attrs, &n, A_VM(POOL), 1);
			v = 2 + below(254);
			break;
		case 2:
			add_attr(attrs, &n, A_VM(MAX_STALL_NS), 8);
			v = below(2) ? rnd() % DIRTYQUOTA_MAX_STALL_MIN_NS :
			    DIRTYQUOTA_MAX_STALL_MAX_NS + 1 +
			    rnd() % (~0ULL - DIRTYQUOTA_MAX_STALL_MAX_NS);
			break;
		default:
			add_attr(attrs, &n, A_VM(INTERVAL_NS), 8);
			v = below(2) ? rnd() % DIRTYQUOTA_INTERVAL_MIN_NS :
			    DIRTYQUOTA_INTERVAL_MAX_NS + 1 +
			    rnd() % (~0ULL - DIRTYQUOTA_INTERVAL_MAX_NS);
		}
		memcpy(attrs[n - 1].data, &v, 8);
	}

	/* Any order: the policy, the duplicate check and the op see them all. */
	for (i = n - 1; i > 0; i--) {
		struct fuzz_attr tmp = attrs[i];

		j = below(i + 1);
		attrs[i] = attrs[j];
		attrs[j] = tmp;
	}

	nl_msg_init(m, nl.family, flags, op->cmd,
		    below(8) ? DIRTYQUOTA_FAMILY_VERSION : rnd());
	g = NLMSG_DATA(&m->nlh);
	if (below(8) == 0)
		g->reserved = rnd();
	for (i = 0; i < n; i++)
		nl_put(m, attrs[i].type, attrs[i].data, attrs[i].len);

	if (*defects & 1u << D_CMD) {
		k = below(4);
		g->cmd = k == 0 ? 0 : k == 1 ? DIRTYQUOTA_CMD_VM_NEW_NTF + below(4) :
			 __DIRTYQUOTA_CMD_MAX + below(256 - __DIRTYQUOTA_CMD_MAX);
	}
	if (*defects & 1u << D_OVERRUN) {
		if (!m->nr_attrs)
			nl_put(m, 1 + below(op->maxattr), NULL, 0);
		last = (struct nlattr *)(m->buf + m->offs[m->nr_attrs - 1]);
		/* Past what NLA_ALIGN and D_TAIL together could make up. */
		last->nla_len = below(2) ? below(NLA_HDRLEN) :
				last->nla_len + 7 + below(64);
	}
	if (*defects & 1u << D_TAIL) {
		k = 1 + below(3);
		for (i = 0; i < k; i++)
			m->buf[m->nlh.nlmsg_len + i] = rnd();
		m->nlh.nlmsg_len += k;
	}
	if (*defects & 1u << D_FAMILY)
		m->nlh.nlmsg_type = GENL_MAX_ID + 1 + below(0xffff - GENL_MAX_ID);
	len = m->nlh.nlmsg_len;
	if (*defects & 1u << D_SHORT)
		len = m->nlh.nlmsg_len = NLMSG_HDRLEN + below(GENL_HDRLEN);
	if (*defects & 1u << D_NOREQ)
		m->nlh.nlmsg_flags &= ~(NLM_F_REQUEST | NLM_F_ACK);
	/* The socket refuses to send nothing. */
	if (*defects & 1u << D_CUT)
		len = 1 + below(len - 1);
	*silent = *defects & (1u << D_CUT | 1u << D_NOREQ);
	return len;
}

static void hexdump(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		printf("%s%02x%s", i % 16 ? "" : "# ", p[i],
		       i % 16 == 15 || i == len - 1 ? "\n" : " ");
}

/* A blob of random bytes, mostly addressed to the family; any answer. */
static void fuzz_blob(void)
{
	uint8_t *buf = nl_buf();
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len, i;

	len = 1 + (below(4) ? below(64) : below(8) ? below(512) : below(4096));
	for (i = 0; i < len; i++)
		buf[i] = rnd();
	if (len >= 6)
		nlh->nlmsg_type = nl.family;
	if (len >= 4 && below(2))
		nlh->nlmsg_len = len;
	if (len >= NLMSG_HDRLEN + GENL_HDRLEN && below(2)) {
		nlh->nlmsg_flags |= NLM_F_REQUEST;
		buf[NLMSG_HDRLEN] = 1 + below(DIRTYQUOTA_CMD_VCPU_SET);
	}
	nl_send_raw(&nl, buf, len);
	nl_drain(&nl);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/*
 * Fuzzed requests against a VM whose vCPUs run: each one broken by
 * construction, so each must be rejected (or dropped, for the defects the
 * core drops silently), and nothing may change.  Random blobs in between
 * only must not hurt.  Then the VM still runs and counts to the page.
 */
static void test_fuzz(void)
{
	static const enum guest_kind kinds[] = {
		WRITE_ROUNDS, WRITE_ROUNDS, WRITE_FOREVER,
	};
	static const uint64_t pages[] = { 3, 5 };
	uint64_t seed = env_u64("NL_FUZZ_SEED", now_ns());
	uint64_t count = env_u64("NL_FUZZ_COUNT", 20000);
	uint64_t id, t0, i, sum, dropped = 0, blobs = 0, by_errno[150] = { 0 };
	unsigned int defects;
	struct settings before;
	struct nl_obj v[MAX_VCPUS];
	struct test_vm t;
	struct nl_ack ack;
	struct nl_msg m;
	bool silent;
	size_t len;
	uint32_t seq;
	int r, k;

	pr_info("NL_FUZZ_SEED=%#lx NL_FUZZ_COUNT=%lu\n", seed, count);
	rng = seed | 1;
	dq_nl_open(&nl);
	test_vm_create(&t, 3, 64, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	for (k = 0; k < 2; k++)
		test_vm_set_count(&t, k, pages[k]);
	id = dq_nl_newest_vm(&nl, getpid());
	before = set_unusual(id, 3);
	start_vcpus(&t);
	t0 = now_ns();
	while (!t.done[0] || !t.done[1])
		TEST_ASSERT(now_ns() - t0 < 30000 * MS, "round 1 did not end");

	t0 = now_ns();
	for (i = 0; i < count; i++) {
		if (below(16) == 0) {
			fuzz_blob();
			blobs++;
			continue;
		}
		len = fuzz_build(&m, id, &defects, &silent);
		seq = m.nlh.nlmsg_seq = ++nl.seq;
		nl_send_raw(&nl, m.buf, len);
		r = nl_recv(&nl, seq, silent ? 0 : 1000, NULL, NULL, &ack);
		if (silent && r == NL_NOREPLY) {
			dropped++;
			continue;
		}
		if (!silent && r < 0 && !ack.nr_data) {
			by_errno[-r < 150 ? -r : 0]++;
			continue;
		}
		printf("# message %lu (defects %#x, %zu bytes sent of):\n", i,
		       defects, len);
		hexdump(m.buf, m.nlh.nlmsg_len);
		TEST_FAIL("message %lu of seed %#lx: answer %d (%s) after %d replies, expected %s",
			  i, seed, r, ack.msg, ack.nr_data,
			  silent ? "none" : "an error");
	}
	pr_info("%lu messages in %lu ms: %lu dropped, %lu blobs, rejected:",
		count, (uint64_t)((now_ns() - t0) / MS), dropped, blobs);
	for (k = 0; k < 150; k++)
		if (by_errno[k])
			printf(" %lu %s", by_errno[k], k ? strerrorname_np(k) : "other");
	printf("\n");
	stop_vcpus(&t);
	nl_drain(&nl);
	expect_settings(id, &before, "fuzzing");

	/* The VM goes on, counting exactly. */
	vcpus_of(id, v);
	TEST_ASSERT(v[0].v[A_VCPU(BYTES_DIRTIED)] == pages[0] * PG &&
		    v[1].v[A_VCPU(BYTES_DIRTIED)] == pages[1] * PG &&
		    v[2].v[A_VCPU(BYTES_DIRTIED)] > 0,
		    "after round 1: %lu %lu %lu bytes",
		    v[0].v[A_VCPU(BYTES_DIRTIED)], v[1].v[A_VCPU(BYTES_DIRTIED)],
		    v[2].v[A_VCPU(BYTES_DIRTIED)]);
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	for (k = 0; k < 2; k++) {
		t.vcpu[k]->run->immediate_exit = 0;
		test_vm_run_round(&t, k);
	}
	vcpus_of(id, v);
	for (k = 0, sum = 0; k < 3; k++)
		sum += v[k].v[A_VCPU(BYTES_DIRTIED)];
	TEST_ASSERT(v[0].v[A_VCPU(BYTES_DIRTIED)] == 2 * pages[0] * PG &&
		    v[1].v[A_VCPU(BYTES_DIRTIED)] == 2 * pages[1] * PG &&
		    dq_nl_vm(&nl, id).v[A_VM(BYTES_DIRTIED)] == sum,
		    "after round 2: %lu %lu bytes, VM %lu of %lu",
		    v[0].v[A_VCPU(BYTES_DIRTIED)], v[1].v[A_VCPU(BYTES_DIRTIED)],
		    dq_nl_vm(&nl, id).v[A_VM(BYTES_DIRTIED)], sum);
	test_vm_free(&t);
	nl_close(&nl);
}

/*
 * The VM's HARVESTS, HARVEST_AGE_NS and its vCPU's PASS_BYTES and
 * LAST_PASS_BYTES are what @what expects.
 */
static void expect_pass(uint64_t id, uint64_t harvests, uint64_t pass,
			uint64_t last, const char *what)
{
	struct nl_obj vm = dq_nl_vm(&nl, id), v = vcpu_of(id, 0);

	TEST_ASSERT(vm.v[A_VM(HARVESTS)] == harvests &&
		    nl_has(&vm, A_VM(HARVEST_AGE_NS)) &&
		    vm.v[A_VM(HARVEST_AGE_NS)] < 10000 * MS,
		    "%s: %lu harvests (expected %lu), the last %lu ns ago",
		    what, vm.v[A_VM(HARVESTS)], harvests,
		    vm.v[A_VM(HARVEST_AGE_NS)]);
	TEST_ASSERT(nl_has(&v, A_VCPU(PASS_BYTES)) &&
		    nl_has(&v, A_VCPU(LAST_PASS_BYTES)) &&
		    v.v[A_VCPU(PASS_BYTES)] == pass &&
		    v.v[A_VCPU(LAST_PASS_BYTES)] == last,
		    "%s: pass %lu bytes, last pass %lu (expected %lu and %lu)",
		    what, v.v[A_VCPU(PASS_BYTES)],
		    v.v[A_VCPU(LAST_PASS_BYTES)], pass, last);
}

/*
 * With a dirty bitmap a page counts once per harvest: HARVESTS, the
 * vCPUs' PASS_BYTES and LAST_PASS_BYTES say where each pass began and
 * what it took, while a vCPU that rewrites its pages adds nothing.
 * Reads less than 100 ms apart are one harvest.  This guest has no PV
 * page, so none of its count is KVM's own (KVM_BYTES 0).
 */
static void test_harvests(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	const uint64_t bytes = 40 * PG;
	struct nl_obj vm, v;
	struct test_vm t;
	uint64_t id;

	dq_nl_open(&nl);
	test_vm_create(&t, 1, 64, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	id = dq_nl_newest_vm(&nl, getpid());
	test_vm_set_count(&t, 0, 40);
	test_vm_run_round(&t, 0);
	vm = dq_nl_vm(&nl, id);
	v = vcpu_of(id, 0);
	TEST_ASSERT(nl_has(&vm, A_VM(HARVESTS)) && !vm.v[A_VM(HARVESTS)] &&
		    !nl_has(&vm, A_VM(HARVEST_AGE_NS)) &&
		    !nl_has(&v, A_VCPU(PASS_BYTES)) &&
		    !nl_has(&v, A_VCPU(LAST_PASS_BYTES)),
		    "before any harvest: %lu harvests, or a pass shown",
		    vm.v[A_VM(HARVESTS)]);
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	expect_pass(id, 1, 0, bytes, "after the first harvest");
	test_vm_run_round(&t, 0);
	expect_pass(id, 1, bytes, bytes, "after a round");
	test_vm_run_round(&t, 0);
	expect_pass(id, 1, bytes, bytes, "after the same pages again");
	usleep(150 * 1000);
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	expect_pass(id, 2, 0, bytes, "after a harvest read twice");
	v = vcpu_of(id, 0);
	TEST_ASSERT(nl_has(&v, A_VCPU(KVM_BYTES)) && !v.v[A_VCPU(KVM_BYTES)],
		    "a guest without PV pages: KVM_BYTES %lu",
		    v.v[A_VCPU(KVM_BYTES)]);
	test_vm_free(&t);
	nl_close(&nl);
}

static const struct dq_scenario tests[] = {
	{ "VM_GET and VCPU_GET show VMs, vCPUs and exact counters", test_show },
	{ "VM_SET and VCPU_SET change the rates; exit mode needs consent",
	  test_set },
	{ "events: new VM, mode changes, quota full at most once an interval, VM gone",
	  test_events },
	{ "without CAP_SYS_ADMIN nothing; read_group reads only", test_permissions },
	{ "bad input, table-driven, changes nothing", test_bad_input },
	{ "fuzzed requests are rejected and change nothing", test_fuzz },
	{ "max-stall: its default, range, netlink and both struct sizes",
	  test_max_stall },
	{ "DIRTY_RATE is the last second's, whoever asked before",
	  test_rate_window },
	{ "harvests of the bitmap: each pass and what it took",
	  test_harvests },
};

int main(int argc, char **argv)
{
	run_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
}
