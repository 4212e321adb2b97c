// SPDX-License-Identifier: GPL-2.0
/*
 * dirtyquota enforcement: per-vCPU quotas in exit and sleep mode, the VM
 * budget and its pool, signals, modes switched under load, bad input and
 * huge pages.  Built on the kernel's KVM selftests library.
 *
 * Every guest writer dirties pages of its own range of a test memslot with
 * dirty logging on; a write is recorded (and counted by dirtyquota) only
 * when it hits a page that is write-protected for logging, so writers that
 * go around their range again need the host to harvest the log.  Compute
 * vCPUs only touch memory outside the logged slot.  Each scenario runs in
 * its own process so that a failure reports and the next one still runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dirtyquota.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"

#define TEST_SLOT	10
#define TEST_GPA	(1ULL << 32)
#define TEST_GVA	(1ULL << 32)
#define MAX_VCPUS	4
#define PG		4096ULL
#define MIB		(1024 * 1024ULL)
#define MS		1000000ULL

enum guest_kind { WRITE_ONCE_EACH, WRITE_FOREVER, COMPUTE, TOUCH_THEN_WRITE };

/* Guest-side, in the default (not logged) memslot. */
static uint64_t guest_pages;		/* pages of each vCPU's range */
static uint64_t guest_progress[MAX_VCPUS];
static uint64_t guest_stride;		/* TOUCH_THEN_WRITE: 2nd pass step */

static void guest_code(uint64_t id, uint64_t kind)
{
	volatile uint64_t *base = (void *)(TEST_GVA + id * guest_pages * PG);
	uint64_t i;

	if (kind == COMPUTE)
		for (;;)
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);

	if (kind == TOUCH_THEN_WRITE) {
		for (i = 0; i < guest_pages; i++)
			base[i * PG / 8] = i;
		GUEST_SYNC(1);
		for (i = 0; i < guest_pages; i += guest_stride) {
			base[i * PG / 8] = i + 1;
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);
		}
		GUEST_DONE();
	}

	do {
		for (i = 0; i < guest_pages; i++) {
			base[i * PG / 8] = i;
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);
		}
	} while (kind == WRITE_FOREVER);
	GUEST_DONE();
}

struct test_vm;

struct vcpu_arg {
	struct test_vm *t;
	int idx;
};

struct test_vm {
	struct kvm_vm *vm;
	struct vcpu_arg arg[MAX_VCPUS];
	struct kvm_vcpu *vcpu[MAX_VCPUS];
	pthread_t thread[MAX_VCPUS];
	int nr_vcpus;
	int dq;
	uint64_t pages;
	uint64_t *progress;		/* host view of guest_progress */
	unsigned long *bitmap;
	volatile bool stop;
	/* per vCPU, from its thread */
	uint64_t quota_exits[MAX_VCPUS];
	struct dirtyquota_exit last_exit[MAX_VCPUS];
	uint64_t progress_at_exit[MAX_VCPUS];
	bool done[MAX_VCPUS];
	bool wait_on_exit;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The exit payload, at the start of kvm_run's exit union. */
static struct dirtyquota_exit *dq_exit(struct kvm_run *run)
{
	return (struct dirtyquota_exit *)&run->hw;
}

static void on_sigusr1(int sig)
{
}

static void test_vm_create(struct test_vm *t, int nr_vcpus, uint64_t pages,
			   const enum guest_kind *kinds, int src, bool logging)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->nr_vcpus = nr_vcpus;
	t->pages = pages;
	t->vm = __vm_create_with_vcpus(VM_MODE_DEFAULT, nr_vcpus,
				       pages * nr_vcpus, guest_code, t->vcpu);
	vm_userspace_mem_region_add(t->vm, src, TEST_GPA, TEST_SLOT,
				    pages * nr_vcpus,
				    logging ? KVM_MEM_LOG_DIRTY_PAGES : 0);
	virt_map(t->vm, TEST_GVA, TEST_GPA, pages * nr_vcpus);
	guest_pages = pages;
	sync_global_to_guest(t->vm, guest_pages);
	sync_global_to_guest(t->vm, guest_stride);
	t->progress = addr_gva2hva(t->vm, (vm_vaddr_t)guest_progress);
	for (i = 0; i < nr_vcpus; i++)
		vcpu_args_set(t->vcpu[i], 2, i, kinds[i]);
	t->bitmap = calloc(pages * nr_vcpus / 8 + 8, 1);

	t->dq = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(t->dq >= 0, "open /dev/dirtyquota: %s", strerror(errno));
}

static int dq_attach(struct test_vm *t, uint32_t flags)
{
	struct dirtyquota_attach a = { .vm_fd = t->vm->fd, .flags = flags };

	return ioctl(t->dq, DIRTYQUOTA_IOC_ATTACH, &a);
}

static int dq_set(struct test_vm *t, uint32_t set, uint32_t mode,
		  uint64_t budget, uint64_t interval_ns, uint32_t pool)
{
	struct dirtyquota_vm_config c = {
		.set = set, .mode = mode, .budget = budget,
		.interval_ns = interval_ns, .pool = pool,
	};

	return ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c);
}

static int dq_rate(struct test_vm *t, uint32_t idx, uint32_t flags,
		   uint64_t rate)
{
	struct dirtyquota_vcpu_quota q = {
		.vcpu_index = idx, .flags = flags, .rate = rate,
	};

	return ioctl(t->dq, DIRTYQUOTA_IOC_SET_VCPU_QUOTA, &q);
}

static struct dirtyquota_vcpu_stats dq_vcpu(struct test_vm *t, int idx)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct dirtyquota_stats s = {
		.entries = (uintptr_t)e, .entry_size = sizeof(e[0]),
		.nr_entries = MAX_VCPUS,
	};

	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_GET_STATS, &s),
		    "GET_STATS: %s", strerror(errno));
	TEST_ASSERT(idx < (int)s.nr_entries, "no vCPU %d", idx);
	return e[idx];
}

static void *vcpu_thread(void *data)
{
	struct vcpu_arg *arg = data;
	struct test_vm *t = arg->t;
	int i = arg->idx, r;
	struct kvm_vcpu *vcpu = t->vcpu[i];
	struct dirtyquota_wait w;
	struct ucall uc;

	while (!t->stop) {
		/* Not _vcpu_run(): it retries on EINTR, and stop needs that. */
		r = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (r && errno == EINTR)
			continue;
		TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_DIRTY_QUOTA_FULL:
			t->quota_exits[i]++;
			memcpy(&t->last_exit[i], dq_exit(vcpu->run),
			       sizeof(t->last_exit[i]));
			t->progress_at_exit[i] = READ_ONCE(t->progress[i]);
			if (t->wait_on_exit) {
				w = (struct dirtyquota_wait){ .vcpu_index = i };
				r = ioctl(t->dq, DIRTYQUOTA_IOC_WAIT, &w);
				TEST_ASSERT(!r || errno == EINTR,
					    "WAIT: %s", strerror(errno));
			} else {
				return NULL;
			}
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_IO:
			r = get_ucall(vcpu, &uc);
			if (r == UCALL_DONE || r == UCALL_SYNC) {
				t->done[i] = true;
				return NULL;
			}
			TEST_FAIL("vCPU %d: unexpected ucall %d", i, r);
		default:
			TEST_FAIL("vCPU %d: exit reason %u", i,
				  vcpu->run->exit_reason);
		}
	}
	return NULL;
}

static void start_vcpus(struct test_vm *t)
{
	int i;

	for (i = 0; i < t->nr_vcpus; i++) {
		t->arg[i] = (struct vcpu_arg){ .t = t, .idx = i };
		pthread_create(&t->thread[i], NULL, vcpu_thread, &t->arg[i]);
	}
}

static void stop_vcpus(struct test_vm *t)
{
	int i;

	t->stop = true;
	for (i = 0; i < t->nr_vcpus; i++) {
		t->vcpu[i]->run->immediate_exit = 1;
		pthread_kill(t->thread[i], SIGUSR1);
	}
	for (i = 0; i < t->nr_vcpus; i++)
		pthread_join(t->thread[i], NULL);
}

static void test_vm_free(struct test_vm *t)
{
	close(t->dq);
	free(t->bitmap);
	kvm_vm_free(t->vm);
}

/* Re-protects the logged pages so that the writers' next writes count. */
static void harvest_for(struct test_vm *t, uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end) {
		kvm_vm_get_dirty_log(t->vm, TEST_SLOT, t->bitmap);
		usleep(2000);
	}
}

static uint64_t dirtied(struct test_vm *t, int idx)
{
	return dq_vcpu(t, idx).bytes_dirtied;
}

/* Bytes per second vCPU @idx dirties over @ns while the log is harvested. */
static uint64_t measure_rate(struct test_vm *t, int idx, uint64_t ns)
{
	uint64_t b0 = dirtied(t, idx), t0 = now_ns(), b1;

	harvest_for(t, ns);
	b1 = dirtied(t, idx);
	return (b1 - b0) * 1000000000ULL / (now_ns() - t0);
}

/*
 * Exit mode: with a quota of Q bytes per interval and the pool off, a vCPU
 * writing fresh pages exits right after the page that takes it over Q, with
 * the payload right; entering again exits again until the next interval,
 * and then it goes on, paying the page it owed.
 *
 * The write that takes it over is recorded when it faults, and the vCPU
 * stops before the write instruction retires: the guest's own progress
 * count is one page behind what KVM recorded until it runs again.
 */
static void test_exit_mode(void)
{
	static const enum guest_kind kinds[] = { WRITE_ONCE_EACH };
	uint64_t q = 10 * PG;
	struct test_vm t;
	struct kvm_run *run;
	int r;

	test_vm_create(&t, 1, 64, kinds, VM_MEM_SRC_ANONYMOUS, true);
	run = t.vcpu[0]->run;
	TEST_ASSERT(!dq_attach(&t, DIRTYQUOTA_ATTACH_F_EXIT), "attach");
	/* 1 s intervals: a quota of 10 pages at 40960 bytes/s. */
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_INTERVAL |
			    DIRTYQUOTA_CFG_POOL, DIRTYQUOTA_MODE_EXIT, 0,
			    1000 * MS, 0), "set exit mode: %s", strerror(errno));
	TEST_ASSERT(!dq_rate(&t, 0, 0, q), "set rate");

	r = _vcpu_run(t.vcpu[0]);
	TEST_ASSERT(!r && run->exit_reason == KVM_EXIT_DIRTY_QUOTA_FULL,
		    "expected KVM_EXIT_DIRTY_QUOTA_FULL, got r=%d reason %u",
		    r, run->exit_reason);
	TEST_ASSERT(t.progress[0] == 10 && dirtied(&t, 0) == 11 * PG,
		    "exited after %lu pages written, %lu recorded; expected 10 and 11 (quota 10 pages)",
		    t.progress[0], (uint64_t)(dirtied(&t, 0) / PG));
	TEST_ASSERT(dq_exit(run)->count == 11 * PG && dq_exit(run)->quota == q &&
		    dq_exit(run)->wait_ns <= 1000 * MS,
		    "payload count %llu quota %llu wait_ns %llu",
		    dq_exit(run)->count, dq_exit(run)->quota,
		    dq_exit(run)->wait_ns);

	/* Still over quota: straight back out, without running the guest. */
	r = _vcpu_run(t.vcpu[0]);
	TEST_ASSERT(!r && run->exit_reason == KVM_EXIT_DIRTY_QUOTA_FULL &&
		    t.progress[0] == 10, "re-entry: reason %u progress %lu",
		    run->exit_reason, t.progress[0]);

	/* WAIT sleeps into the next interval; 9 more pages, then out. */
	TEST_ASSERT(!ioctl(t.dq, DIRTYQUOTA_IOC_WAIT,
			   &(struct dirtyquota_wait){ .vcpu_index = 0 }),
		    "WAIT: %s", strerror(errno));
	r = _vcpu_run(t.vcpu[0]);
	TEST_ASSERT(!r && run->exit_reason == KVM_EXIT_DIRTY_QUOTA_FULL,
		    "second exit: reason %u", run->exit_reason);
	TEST_ASSERT(t.progress[0] == 20 && dirtied(&t, 0) == 21 * PG,
		    "second exit after %lu pages written, %lu recorded; expected 20 and 21",
		    t.progress[0], (uint64_t)(dirtied(&t, 0) / PG));
	/* Two exits, one WAIT that slept, the last exit. */
	TEST_ASSERT(dq_vcpu(&t, 0).stops == 4, "stops %llu, expected 4",
		    dq_vcpu(&t, 0).stops);
	test_vm_free(&t);
}

/* Sleep mode holds one writer to its rate over a 2 s window. */
static void test_sleep_rate(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER };
	uint64_t max, rate, got;
	struct test_vm t;

	test_vm_create(&t, 1, 512, kinds, VM_MEM_SRC_ANONYMOUS, true);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	start_vcpus(&t);
	max = measure_rate(&t, 0, 1000 * MS);
	rate = max / 4;
	if (rate > 4 * MIB)
		rate = 4 * MIB;
	if (rate < 256 * 1024) {
		stop_vcpus(&t);
		test_vm_free(&t);
		print_skip("the emulated guest dirties only %lu bytes/s", max);
		exit(KSFT_SKIP);
	}
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_SLEEP, 0,
			    0, 0), "sleep mode");
	TEST_ASSERT(!dq_rate(&t, 0, 0, rate), "rate");
	harvest_for(&t, 200 * MS);
	got = measure_rate(&t, 0, 2000 * MS);
	pr_info("unthrottled %lu B/s, limit %lu B/s, achieved %lu B/s\n",
		max, rate, got);
	TEST_ASSERT(got >= rate * 9 / 10 && got <= rate * 11 / 10,
		    "achieved %lu B/s for a limit of %lu B/s", got, rate);
	stop_vcpus(&t);
	test_vm_free(&t);
}

/*
 * One writer, three compute-only vCPUs, VM budget B.  With the pool, the
 * writer gets what the others leave, close to B; without it, its share
 * B/4.  The compute vCPUs are never stopped.
 */
static void test_pool(void)
{
	static const enum guest_kind kinds[] = {
		WRITE_FOREVER, COMPUTE, COMPUTE, COMPUTE,
	};
	uint64_t max, budget, with_pool, without_pool;
	struct dirtyquota_vcpu_stats e;
	struct test_vm t;
	int i;

	test_vm_create(&t, 4, 512, kinds, VM_MEM_SRC_ANONYMOUS, true);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	start_vcpus(&t);
	max = measure_rate(&t, 0, 1000 * MS);
	budget = max / 3;
	if (budget > 8 * MIB)
		budget = 8 * MIB;
	if (budget < 512 * 1024) {
		stop_vcpus(&t);
		test_vm_free(&t);
		print_skip("the emulated guest dirties only %lu bytes/s", max);
		exit(KSFT_SKIP);
	}
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET |
			    DIRTYQUOTA_CFG_POOL, DIRTYQUOTA_MODE_SLEEP, budget,
			    0, 1), "sleep mode, pool on");
	harvest_for(&t, 300 * MS);
	with_pool = measure_rate(&t, 0, 2000 * MS);
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_POOL, 0, 0, 0, 0), "pool off");
	harvest_for(&t, 300 * MS);
	without_pool = measure_rate(&t, 0, 2000 * MS);
	pr_info("budget %lu B/s: writer %lu B/s with the pool, %lu without\n",
		budget, with_pool, without_pool);
	TEST_ASSERT(with_pool >= budget * 7 / 10 && with_pool <= budget * 11 / 10,
		    "with the pool the writer got %lu B/s of %lu", with_pool,
		    budget);
	TEST_ASSERT(without_pool >= budget / 4 * 7 / 10 &&
		    without_pool <= budget / 4 * 13 / 10,
		    "without the pool the writer got %lu B/s, share %lu",
		    without_pool, budget / 4);
	for (i = 1; i < 4; i++) {
		e = dq_vcpu(&t, i);
		TEST_ASSERT(e.stops == 0 && e.throttled_ns == 0 &&
			    e.bytes_dirtied == 0,
			    "compute vCPU %d: %llu stops, %llu ns, %llu bytes",
			    i, e.stops, e.throttled_ns, e.bytes_dirtied);
		TEST_ASSERT(t.progress[i] > 0, "compute vCPU %d did not run", i);
	}
	stop_vcpus(&t);
	test_vm_free(&t);
}

/*
 * A vCPU sleeping in the kernel returns from KVM_RUN on a signal, and a
 * VMM killed while its vCPUs sleep goes away cleanly.
 */
static void test_signals(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER, WRITE_FOREVER };
	struct test_vm t;
	uint64_t t0;
	pid_t pid;
	int status, i;

	test_vm_create(&t, 2, 64, kinds, VM_MEM_SRC_ANONYMOUS, true);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_SLEEP, 0,
			    0, 0), "sleep mode");
	for (i = 0; i < 2; i++)
		TEST_ASSERT(!dq_rate(&t, i, 0, 0), "rate 0");
	start_vcpus(&t);
	/* Each vCPU gets one page in, then sleeps for good. */
	t0 = now_ns();
	while (!(dq_vcpu(&t, 0).flags & dq_vcpu(&t, 1).flags &
		 DIRTYQUOTA_VCPU_F_STOPPED))
		TEST_ASSERT(now_ns() - t0 < 30000 * MS, "vCPUs never stopped");
	TEST_ASSERT(dirtied(&t, 0) == PG && dirtied(&t, 1) == PG,
		    "rate 0 let %lu and %lu bytes through", dirtied(&t, 0),
		    dirtied(&t, 1));
	t0 = now_ns();
	stop_vcpus(&t);
	pr_info("signalled vCPUs left KVM_RUN in %lu ms\n",
		(uint64_t)((now_ns() - t0) / MS));
	test_vm_free(&t);

	/* The same in a child that is killed while its vCPUs sleep. */
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid) {
		test_vm_create(&t, 2, 64, kinds, VM_MEM_SRC_ANONYMOUS, true);
		TEST_ASSERT(!dq_attach(&t, 0), "attach");
		dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET,
		       DIRTYQUOTA_MODE_SLEEP, 0, 0, 0);
		start_vcpus(&t);
		for (;;)
			pause();
	}
	sleep(2);
	kill(pid, SIGKILL);
	TEST_ASSERT(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status),
		    "the killed VMM did not exit");
}

/* Exit mode only for a VMM that asked; modes switch safely under load. */
static void test_mode_switches(void)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER, WRITE_FOREVER };
	static const uint32_t modes[] = {
		DIRTYQUOTA_MODE_OBSERVE, DIRTYQUOTA_MODE_SLEEP,
		DIRTYQUOTA_MODE_EXIT, DIRTYQUOTA_MODE_SLEEP,
	};
	struct test_vm t;
	uint64_t end;
	int n = 0;

	test_vm_create(&t, 2, 256, kinds, VM_MEM_SRC_ANONYMOUS, true);
	TEST_ASSERT(dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_EXIT, 0, 0,
			   0) == -1 && errno == ENOTCONN,
		    "SET_VM before attaching: %s", strerror(errno));
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	TEST_ASSERT(dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_EXIT, 0, 0,
			   0) == -1 && errno == EPERM,
		    "exit mode without DIRTYQUOTA_ATTACH_F_EXIT: %s",
		    strerror(errno));
	close(t.dq);
	t.dq = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(!dq_attach(&t, DIRTYQUOTA_ATTACH_F_EXIT), "attach exit");
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_BUDGET | DIRTYQUOTA_CFG_INTERVAL,
			    0, 256 * 1024, 5 * MS, 0), "budget");
	t.wait_on_exit = true;
	start_vcpus(&t);
	end = now_ns() + 3000 * MS;
	while (now_ns() < end) {
		TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE |
				    DIRTYQUOTA_CFG_INTERVAL, modes[n % 4], 0,
				    (n % 7 + 1) * MS, 0),
			    "switch %d: %s", n, strerror(errno));
		dq_rate(&t, n % 2, n % 3 ? 0 : DIRTYQUOTA_VCPU_QUOTA_F_SHARE,
			n % 3 ? 64 * 1024 : 0);
		harvest_for(&t, 20 * MS);
		n++;
	}
	stop_vcpus(&t);
	pr_info("%d switches, %lu + %lu quota exits\n", n, t.quota_exits[0],
		t.quota_exits[1]);
	TEST_ASSERT(t.quota_exits[0] + t.quota_exits[1] > 0,
		    "exit mode never stopped a vCPU");
	test_vm_free(&t);
}

static void expect_err(int r, int err, const char *what)
{
	TEST_ASSERT(r == -1 && errno == err, "%s: expected %s, got %d (%s)",
		    what, strerror(err), r, strerror(errno));
}

/* Every new ioctl rejects what it must, with the documented errno. */
static void test_bad_input(void)
{
	static const enum guest_kind kinds[] = { WRITE_ONCE_EACH };
	struct dirtyquota_vm_config c = { 0 };
	struct dirtyquota_vcpu_quota q = { 0 };
	struct dirtyquota_wait w = { 0 };
	struct test_vm t;

	test_vm_create(&t, 1, 16, kinds, VM_MEM_SRC_ANONYMOUS, true);
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_VM, &c), ENOTCONN, "GET_VM");
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_WAIT, &w), ENOTCONN, "WAIT");
	expect_err(dq_rate(&t, 0, 0, 1), ENOTCONN, "SET_VCPU_QUOTA");
	expect_err(dq_attach(&t, 1u << 31), EINVAL, "unknown attach flag");
	TEST_ASSERT(!dq_attach(&t, 0), "attach");

	expect_err(dq_set(&t, 1u << 31, 0, 0, 0, 0), EINVAL, "unknown setting");
	expect_err(dq_set(&t, DIRTYQUOTA_CFG_MODE, 3, 0, 0, 0), EINVAL,
		   "unknown mode");
	expect_err(dq_set(&t, DIRTYQUOTA_CFG_INTERVAL, 0, 0, 999999, 0), ERANGE,
		   "interval below 1 ms");
	expect_err(dq_set(&t, DIRTYQUOTA_CFG_INTERVAL, 0, 0, 1000 * MS + 1, 0),
		   ERANGE, "interval above 1 s");
	expect_err(dq_set(&t, DIRTYQUOTA_CFG_POOL, 0, 0, 0, 2), EINVAL,
		   "pool 2");
	c.set = DIRTYQUOTA_CFG_POOL;
	c.reserved = 1;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_SET_VM, &c), EINVAL, "reserved");
	c.reserved = 0;
	c.pool_level = 1;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_SET_VM, &c), EINVAL,
		   "pool_level is not an input");

	expect_err(dq_rate(&t, 1, 0, 1), ENOENT, "vCPU 1 does not exist");
	expect_err(dq_rate(&t, 0, 2, 1), EINVAL, "unknown quota flag");
	expect_err(dq_rate(&t, 0, DIRTYQUOTA_VCPU_QUOTA_F_SHARE, 5), EINVAL,
		   "share with a rate");
	q.vcpu_index = 7;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_SET_VCPU_QUOTA, &q), ENOENT,
		   "vCPU 7");
	w.vcpu_index = 3;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_WAIT, &w), ENOENT, "WAIT vCPU 3");
	w.vcpu_index = 0;
	w.flags = 1;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_WAIT, &w), EINVAL, "WAIT flags");
	expect_err(ioctl(t.dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 0x04, 4),
			 &c), EINVAL, "SET_VM too small");
	expect_err(ioctl(t.dq, _IOC(_IOC_READ, DIRTYQUOTA_IOC_MAGIC, 0x04,
				    sizeof(c)), &c), EINVAL, "SET_VM as read");
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_VM, NULL), EFAULT,
		   "GET_VM NULL");

	/* Nothing above changed the settings. */
	TEST_ASSERT(!ioctl(t.dq, DIRTYQUOTA_IOC_GET_VM, &c), "GET_VM");
	TEST_ASSERT(c.mode == DIRTYQUOTA_MODE_OBSERVE &&
		    c.budget == DIRTYQUOTA_UNLIMITED &&
		    c.interval_ns == DIRTYQUOTA_INTERVAL_DEFAULT_NS && c.pool == 1,
		    "settings changed: mode %u budget %llu interval %llu pool %u",
		    c.mode, c.budget, c.interval_ns, c.pool);
	test_vm_free(&t);
}

/*
 * Guest memory backed by transparent huge pages, mapped huge before dirty
 * logging starts: counting and enforcement stay per 4 KiB page, with KVM's
 * eager page splitting on and off.
 */
static void test_huge_pages(void)
{
	static const enum guest_kind kinds[] = { TOUCH_THEN_WRITE };
	static const char *param = "/sys/module/kvm/parameters/eager_page_split";
	const uint64_t pages = 1024, stride = 37;
	uint64_t expect = (pages + stride - 1) / stride * PG;
	struct ucall uc;
	struct test_vm t;
	int split, fd;

	for (split = 0; split < 2; split++) {
		fd = open(param, O_WRONLY);
		if (fd < 0) {
			print_skip("%s: %s", param, strerror(errno));
			exit(KSFT_SKIP);
		}
		TEST_ASSERT(write(fd, split ? "Y" : "N", 1) == 1, "write %s", param);
		close(fd);

		guest_stride = stride;
		test_vm_create(&t, 1, pages, kinds, VM_MEM_SRC_ANONYMOUS_THP,
			       false);
		TEST_ASSERT(!dq_attach(&t, 0), "attach");
		vcpu_run(t.vcpu[0]);
		TEST_ASSERT(get_ucall(t.vcpu[0], &uc) == UCALL_SYNC, "touch pass");
		TEST_ASSERT(dirtied(&t, 0) == 0, "counted without logging");
		vm_mem_region_set_flags(t.vm, TEST_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
		vcpu_run(t.vcpu[0]);
		TEST_ASSERT(get_ucall(t.vcpu[0], &uc) == UCALL_DONE, "write pass");
		TEST_ASSERT(dirtied(&t, 0) == expect,
			    "eager_page_split=%d: %lu bytes counted, expected %lu",
			    split, dirtied(&t, 0), expect);
		test_vm_free(&t);
	}
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "exit mode stops after the crossing page", test_exit_mode },
	{ "sleep mode holds a rate", test_sleep_rate },
	{ "the pool feeds the writer, compute vCPUs run free", test_pool },
	{ "signals and killed VMMs", test_signals },
	{ "exit mode needs consent; modes switch under load", test_mode_switches },
	{ "bad input", test_bad_input },
	{ "huge pages count per 4 KiB page", test_huge_pages },
};

static bool selected(int argc, char **argv, unsigned int n)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strtoul(argv[i], NULL, 0) == n)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	unsigned int i;
	int status;
	pid_t pid;

	if (access("/dev/dirtyquota", R_OK | W_OK)) {
		print_skip("/dev/dirtyquota: %s", strerror(errno));
		return KSFT_SKIP;
	}
	sigaction(SIGUSR1, &sa, NULL);
	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests));
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		/* quota_test N...: run only scenarios N (from 1). */
		if (argc > 1 && !selected(argc, argv, i + 1)) {
			ksft_test_result_skip("%s: not selected\n", tests[i].name);
			continue;
		}
		fflush(stdout);
		pid = fork();
		if (!pid) {
			tests[i].fn();
			exit(KSFT_PASS);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
			ksft_test_result_skip("%s\n", tests[i].name);
		else
			ksft_test_result(WIFEXITED(status) &&
					 WEXITSTATUS(status) == KSFT_PASS,
					 "%s\n", tests[i].name);
	}
	ksft_finished();
}
