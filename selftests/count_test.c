// SPDX-License-Identifier: GPL-2.0
/*
 * dirtyquota counting: every page that KVM's dirty logging records is
 * charged 4 KiB to the vCPU that dirtied it, in every dirty-tracking mode,
 * without changing what the dirty log reports; /dev/dirtyquota's lifecycle
 * and its rejection of bad input.  Built on the kernel's KVM selftests
 * library.
 *
 * SVM has no PML, so KVM records a page at the write fault itself and the
 * counts are exact.  A page is recorded once per protection cycle: the
 * first write after the log was harvested (or after logging started)
 * faults and is recorded, later writes to the now writable page are not.
 * That is why writing a page several times within one round counts once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <asm/kvm_para.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

static void expect_counts(struct test_vm *t, const uint64_t *pages, int rounds)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct dirtyquota_stats s = dq_stats(t, e, MAX_VCPUS);
	uint64_t sum = 0;
	int i;

	TEST_ASSERT(s.nr_vcpus == (uint32_t)t->nr_vcpus &&
		    s.nr_entries == (uint32_t)t->nr_vcpus,
		    "%u vCPUs, %u entries", s.nr_vcpus, s.nr_entries);
	for (i = 0; i < t->nr_vcpus; i++) {
		TEST_ASSERT(e[i].flags & DIRTYQUOTA_VCPU_F_TRACKED,
			    "vCPU %d untracked", i);
		TEST_ASSERT(e[i].vcpu_index == (uint32_t)i && e[i].vcpu_id == (uint32_t)i,
			    "entry %d: index %u id %u", i, e[i].vcpu_index,
			    e[i].vcpu_id);
		TEST_ASSERT(e[i].bytes_dirtied == pages[i] * PG * rounds,
			    "vCPU %d: %llu bytes, expected %lu pages x %d rounds",
			    i, e[i].bytes_dirtied, pages[i], rounds);
		sum += e[i].bytes_dirtied;
	}
	TEST_ASSERT(s.bytes_dirtied == sum && s.bytes_unattributed == 0,
		    "VM: %llu bytes (vCPUs: %lu), %llu unattributed",
		    s.bytes_dirtied, sum, s.bytes_unattributed);
}

/* The log holds exactly the pages the vCPUs wrote this round. */
static void expect_log(struct test_vm *t, const unsigned long *log,
		       const uint64_t *pages)
{
	uint64_t p;
	int i;

	for (i = 0; i < t->nr_vcpus; i++)
		for (p = 0; p < t->pages; p++)
			TEST_ASSERT(log_bit(log, i * t->pages + p) == (p < pages[i]),
				    "vCPU %d page %lu: log bit %d", i, p,
				    log_bit(log, i * t->pages + p));
}

/* 4 vCPUs dirty disjoint page sets of different sizes: exact counts. */
static void test_attribution(void)
{
	static const enum guest_kind kinds[] = {
		WRITE_ROUNDS, WRITE_ROUNDS, WRITE_ROUNDS, WRITE_ROUNDS,
	};
	static const uint64_t pages[] = { 1, 17, 64, 200 };
	struct test_vm t;
	int i;

	test_vm_create(&t, 4, 256, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	TEST_ASSERT(!dq_attach(&t, 0), "attach: %s", strerror(errno));
	for (i = 0; i < 4; i++)
		test_vm_set_count(&t, i, pages[i]);
	for (i = 0; i < 4; i++)
		test_vm_run_round(&t, i);
	expect_counts(&t, pages, 1);

	/* Written again in the same round: the pages are writable now. */
	for (i = 0; i < 4; i++)
		test_vm_run_round(&t, i);
	expect_counts(&t, pages, 1);

	/* Harvesting protects them again: the next round counts. */
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	for (i = 0; i < 4; i++)
		test_vm_run_round(&t, i);
	expect_counts(&t, pages, 2);
	test_vm_free(&t);
}

/* Each dirty-tracking mode: exact counts, and the log it reports. */
static void test_mode(unsigned int flags)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS, WRITE_ROUNDS };
	static const uint64_t pages[] = { 40, 7 };
	unsigned long *log;
	struct test_vm t;
	int round, i;

	test_vm_create(&t, 2, 64, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG | flags);
	TEST_ASSERT(!dq_attach(&t, 0), "attach: %s", strerror(errno));
	log = calloc(t.pages * 2 / 8 + 8, 1);
	for (i = 0; i < 2; i++)
		test_vm_set_count(&t, i, pages[i]);
	if (flags & TV_MANUAL)
		clear_all(&t);	/* initially set: everything reads dirty */

	for (round = 1; round <= 3; round++) {
		for (i = 0; i < 2; i++)
			test_vm_run_round(&t, i);
		expect_counts(&t, pages, round);
		/* The guest writes no page twice: KVM's stat says the same. */
		for (i = 0; i < 2; i++)
			TEST_ASSERT(vcpu_stat(t.vcpu[i], "pages_dirtied") ==
				    pages[i] * round,
				    "vCPU %d: KVM's pages_dirtied %lu, dirtyquota %lu pages",
				    i, vcpu_stat(t.vcpu[i], "pages_dirtied"),
				    pages[i] * round);
		if (flags & TV_RING) {
			collect_rings(&t, log);
		} else {
			kvm_vm_get_dirty_log(t.vm, TEST_SLOT, log);
			if (flags & TV_MANUAL)
				clear_all(&t);
		}
		expect_log(&t, log, pages);
	}
	free(log);
	test_vm_free(&t);
}

static void test_mode_bitmap(void)
{
	test_mode(0);
}

static void test_mode_clear_log(void)
{
	test_mode(TV_MANUAL);
}

static void test_mode_ring(void)
{
	if (!kvm_check_cap(KVM_CAP_DIRTY_LOG_RING)) {
		print_skip("KVM_CAP_DIRTY_LOG_RING not supported");
		exit(KSFT_SKIP);
	}
	test_mode(TV_RING);
}

/*
 * Nothing counts while logging is off; a page KVM itself writes from a vCPU
 * ioctl is charged to that vCPU, since the vCPU is loaded.
 */
static void test_logging_off(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	static const uint64_t pages[] = { 30 };
	struct dirtyquota_stats s;
	struct test_vm t;

	test_vm_create(&t, 1, 64, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	TEST_ASSERT(!dq_attach(&t, 0), "attach: %s", strerror(errno));
	test_vm_set_count(&t, 0, pages[0]);
	test_vm_run_round(&t, 0);
	TEST_ASSERT(dirtied(&t, 0) == 0, "%lu bytes counted with logging off",
		    dirtied(&t, 0));

	vm_mem_region_set_flags(t.vm, TEST_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
	test_vm_run_round(&t, 0);
	expect_counts(&t, pages, 1);

	/*
	 * KVM writes the wall clock into the guest page we name: the
	 * version, the time, the version again.  The bitmap records the
	 * page three times, and dirtyquota charges it once: only the first
	 * write sets its bit before the next harvest.
	 */
	vcpu_set_msr(t.vcpu[0], MSR_KVM_WALL_CLOCK_NEW, TEST_GPA + 50 * PG);
	TEST_ASSERT(dirtied(&t, 0) == 31 * PG,
		    "KVM's writes from KVM_SET_MSRS: %lu bytes, expected 31 pages",
		    dirtied(&t, 0));
	s = dq_stats(&t, NULL, 0);
	TEST_ASSERT(s.bytes_unattributed == 0, "%llu unattributed bytes",
		    s.bytes_unattributed);
	test_vm_free(&t);
}

/*
 * On x86, KVM writes guest memory with no running vCPU only while the VM
 * is being destroyed: mark_page_dirty_in_slot() WARNs otherwise (6.1 also
 * drops the page), so no test can produce such a page.  The module's
 * handling of one is unit-tested on the host (account_without_vcpu).
 */
static void test_no_running_vcpu(void)
{
	print_skip("x86 KVM records no page written without a running vCPU while the VM lives");
	exit(KSFT_SKIP);
}

/* Closing either file first, VMs going away, several VMs, re-attaching. */
static void test_lifecycle(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	struct test_vm t[3];
	uint64_t pages[3] = { 3, 5, 9 };
	int i, dq2;

	for (i = 0; i < 3; i++) {
		test_vm_create(&t[i], 1, 16, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
		TEST_ASSERT(!dq_attach(&t[i], 0), "attach VM %d", i);
		test_vm_set_count(&t[i], 0, pages[i]);
		test_vm_run_round(&t[i], 0);
	}
	for (i = 0; i < 3; i++)
		expect_counts(&t[i], &pages[i], 1);

	/* One file per VM, one VM per file. */
	TEST_ASSERT(dq_attach(&t[0], 0) == -1 && errno == EALREADY,
		    "attaching twice: %s", strerror(errno));
	dq2 = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(ioctl(dq2, DIRTYQUOTA_IOC_ATTACH,
			  &(struct dirtyquota_attach){ .vm_fd = t[0].vm->fd }) == -1 &&
		    errno == EBUSY, "second file on a VM: %s", strerror(errno));

	/* Closing the file detaches: another file may attach, counts stay. */
	close(t[0].dq);
	TEST_ASSERT(!ioctl(dq2, DIRTYQUOTA_IOC_ATTACH,
			   &(struct dirtyquota_attach){ .vm_fd = t[0].vm->fd }),
		    "re-attach: %s", strerror(errno));
	t[0].dq = dq2;
	expect_counts(&t[0], &pages[0], 1);

	/* The VM goes first: the attached file then reports ENODEV. */
	dq2 = dup(t[1].dq);
	test_vm_free(&t[1]);
	TEST_ASSERT(ioctl(dq2, DIRTYQUOTA_IOC_GET_STATS,
			  &(struct dirtyquota_stats){ 0 }) == -1 && errno == ENODEV,
		    "GET_STATS after the VM died: %s", strerror(errno));
	TEST_ASSERT(ioctl(dq2, DIRTYQUOTA_IOC_GET_VM,
			  &(struct dirtyquota_vm_config){ 0 }) == -1 && errno == ENODEV,
		    "GET_VM after the VM died: %s", strerror(errno));
	close(dq2);

	/* The others did not notice. */
	expect_counts(&t[2], &pages[2], 1);
	test_vm_free(&t[0]);
	test_vm_free(&t[2]);
}

/*
 * Unloading is refused while a /dev/dirtyquota file is open, and works
 * while VMs run; loaded again, the module tracks the VMs that exist.
 */
static void *create_vm_thread(void *vm)
{
	*(struct kvm_vm **)vm = vm_create_barebones();
	return NULL;
}

/* The VMs that dirtyquota says the process @pid made. */
static int vms_of(pid_t pid)
{
	struct nl_obj *vms = calloc(NL_MAX_VMS, sizeof(*vms));
	struct nl_sock s;
	int i, n, mine = 0;

	TEST_ASSERT(vms, "calloc");
	dq_nl_open(&s);
	n = dq_nl_vms(&s, vms, NL_MAX_VMS);
	for (i = 0; i < n; i++)
		mine += vms[i].v[DIRTYQUOTA_A_VM_PID] == (uint64_t)pid;
	nl_close(&s);
	free(vms);
	return mine;
}

/* The highest and the lowest id of the VMs dirtyquota tracks. */
static uint64_t vm_id_extreme(bool highest)
{
	struct nl_obj *vms = calloc(NL_MAX_VMS, sizeof(*vms));
	uint64_t id = highest ? 0 : UINT64_MAX;
	struct nl_sock s;
	int i, n;

	dq_nl_open(&s);
	n = dq_nl_vms(&s, vms, NL_MAX_VMS);
	for (i = 0; i < n; i++) {
		if (highest ? vms[i].v[DIRTYQUOTA_A_VM_ID] > id :
			      vms[i].v[DIRTYQUOTA_A_VM_ID] < id)
			id = vms[i].v[DIRTYQUOTA_A_VM_ID];
	}
	nl_close(&s);
	free(vms);
	TEST_ASSERT(n > 0, "no VMs tracked");
	return id;
}

static uint64_t newest_vm_id(void)
{
	return vm_id_extreme(true);
}

static uint64_t lowest_vm_id(void)
{
	return vm_id_extreme(false);
}

static void test_reload(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	static const uint64_t pages[] = { 12 };
	uint64_t before, after;
	struct kvm_vm *other;
	struct test_vm t;
	pthread_t thread;

	if (geteuid() || access("/modules/dirtyquota.ko", R_OK)) {
		print_skip("needs root and /modules/dirtyquota.ko (the sandbox)");
		exit(KSFT_SKIP);
	}
	test_vm_create(&t, 1, 16, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	test_vm_set_count(&t, 0, pages[0]);
	test_vm_run_round(&t, 0);
	/* A VM made by a thread that is gone when the module loads. */
	TEST_ASSERT(!pthread_create(&thread, NULL, create_vm_thread, &other) &&
		    !pthread_join(thread, NULL), "VM from a thread");
	before = newest_vm_id();
	TEST_ASSERT(system("rmmod dirtyquota 2>/dev/null") != 0,
		    "rmmod succeeded with /dev/dirtyquota open");
	close(t.dq);
	TEST_ASSERT(system("rmmod dirtyquota") == 0, "rmmod with a VM running");
	TEST_ASSERT(access("/dev/dirtyquota", F_OK), "/dev/dirtyquota is still there");

	/* Not tracked while unloaded. */
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	test_vm_run_round(&t, 0);

	TEST_ASSERT(system("insmod /modules/dirtyquota.ko") == 0, "insmod");
	t.dq = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(t.dq >= 0 && !dq_attach(&t, 0),
		    "attach a VM created before the module: %s", strerror(errno));
	TEST_ASSERT(dirtied(&t, 0) == 0, "stale count after reload: %lu",
		    dirtied(&t, 0));
	/* Found again at load: both VMs are the process's, not a thread's. */
	TEST_ASSERT(vms_of(getpid()) == 2, "%d VMs of pid %d after reload, expected 2",
		    vms_of(getpid()), getpid());
	/* Ids are never given twice, not even by another load: every VM
	 * now has an id above all the ids before (and above every PID). */
	kvm_vm_free(other);
	other = vm_create_barebones();
	after = lowest_vm_id();
	ksft_print_msg("newest VM id before the reload %lu, lowest after %lu\n",
		       before, after);
	TEST_ASSERT(after > before && after > (1ULL << 22),
		    "after a reload the lowest VM id is %lu, the newest before was %lu",
		    after, before);
	kvm_vm_free(other);
	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	test_vm_run_round(&t, 0);
	expect_counts(&t, pages, 1);
	test_vm_free(&t);
}

static int attach_fd(int dq, int fd, uint32_t flags)
{
	struct dirtyquota_attach a = { .vm_fd = fd, .flags = flags };

	return ioctl(dq, DIRTYQUOTA_IOC_ATTACH, &a);
}

/* Every ioctl rejects what it must, with the documented errno. */
static void test_bad_input(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	struct dirtyquota_vcpu_stats e[2];
	struct dirtyquota_version v;
	struct dirtyquota_stats s = { 0 };
	struct test_vm t;
	char big[64] = { 0 };
	int pipefd[2], kvm, fd;

	test_vm_create(&t, 1, 16, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);

	TEST_ASSERT(!ioctl(t.dq, DIRTYQUOTA_IOC_VERSION, &v), "VERSION");
	TEST_ASSERT(v.api_version == DIRTYQUOTA_API_VERSION && v.page_size == 4096 &&
		    v.features == __DIRTYQUOTA_FEATURE_ALL,
		    "VERSION: api %u page %u features %llx", v.api_version,
		    v.page_size, v.features);
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s), ENOTCONN,
		   "GET_STATS unattached");

	TEST_ASSERT(!pipe(pipefd), "pipe");
	kvm = open("/dev/kvm", O_RDWR);
	expect_err(attach_fd(t.dq, pipefd[0], 0), EINVAL, "a pipe");
	expect_err(attach_fd(t.dq, kvm, 0), EINVAL, "the /dev/kvm fd");
	expect_err(attach_fd(t.dq, t.vcpu[0]->fd, 0), EINVAL, "a vCPU fd");
	expect_err(attach_fd(t.dq, t.dq, 0), EINVAL, "itself");
	fd = dup(pipefd[1]);
	close(fd);
	expect_err(attach_fd(t.dq, fd, 0), EBADF, "a closed fd");
	expect_err(attach_fd(t.dq, -1, 0), EBADF, "fd -1");
	expect_err(attach_fd(t.dq, t.vm->fd, 1u << 31), EINVAL, "unknown flag");

	/* Sizes: too small; larger with a nonzero tail; larger, zero tail. */
	expect_err(ioctl(t.dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 1, 4), big),
		   EINVAL, "ATTACH of 4 bytes");
	memcpy(big, &(struct dirtyquota_attach){ .vm_fd = t.vm->fd }, 8);
	big[40] = 1;
	expect_err(ioctl(t.dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 1, 64), big),
		   E2BIG, "ATTACH with a nonzero tail");
	big[40] = 0;
	TEST_ASSERT(!ioctl(t.dq, _IOC(_IOC_WRITE, DIRTYQUOTA_IOC_MAGIC, 1, 64), big),
		    "ATTACH, 64 bytes with a zero tail: %s", strerror(errno));

	expect_err(ioctl(t.dq, _IOC(_IOC_READ | _IOC_WRITE, DIRTYQUOTA_IOC_MAGIC,
				    0x7f, 8), big), ENOTTY, "unknown ioctl");
	expect_err(ioctl(t.dq, _IOC(_IOC_READ, 'Q', 0, 16), big), ENOTTY,
		   "another magic");
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_VERSION, NULL), EFAULT,
		   "VERSION to NULL");

	s = (struct dirtyquota_stats){ .entries = (uintptr_t)e, .nr_entries = 2,
				       .entry_size = 8 };
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s), EINVAL,
		   "entry size 8");
	s.entry_size = 1 << 20;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s), EINVAL,
		   "entry size 1 MiB");
	s.entry_size = sizeof(e[0]);
	s.flags = 1;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s), EINVAL, "flags");
	s.flags = 0;
	s.entries = 8;
	expect_err(ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s), EFAULT,
		   "entries at address 8");

	/* The first version of an entry, 24 bytes, still works. */
	s = (struct dirtyquota_stats){ .entries = (uintptr_t)big, .nr_entries = 2,
				       .entry_size = DIRTYQUOTA_VCPU_STATS_SIZE_VER1 };
	TEST_ASSERT(!ioctl(t.dq, DIRTYQUOTA_IOC_GET_STATS, &s) &&
		    s.nr_entries == 1 && s.nr_vcpus == 1,
		    "GET_STATS with 24-byte entries: %s", strerror(errno));
	close(kvm);
	close(pipefd[0]);
	close(pipefd[1]);
	test_vm_free(&t);
}

static const struct dq_scenario tests[] = {
	{ "attribution: disjoint pages, exact bytes per vCPU", test_attribution },
	{ "KVM_GET_DIRTY_LOG: counts and log", test_mode_bitmap },
	{ "KVM_CLEAR_DIRTY_LOG, manual protect, initially set", test_mode_clear_log },
	{ "dirty ring: counts and ring entries", test_mode_ring },
	{ "logging off; KVM's own writes from a vCPU ioctl", test_logging_off },
	{ "pages written with no running vCPU", test_no_running_vcpu },
	{ "lifecycle: VMs and files closed in every order", test_lifecycle },
	{ "bad input to every ioctl", test_bad_input },
	{ "unload and reload with VMs running", test_reload },
};

int main(int argc, char **argv)
{
	run_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
}
