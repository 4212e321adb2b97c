// SPDX-License-Identifier: GPL-2.0
/*
 * The core patch's pages_dirtied vCPU stat, as any VMM reads it with
 * KVM_GET_STATS_FD: with a dirty bitmap, the pages whose bit the vCPU set
 * (once per page between two harvests, however often it writes it); with
 * the dirty ring, the entries it pushed.  make check runs it before
 * dirtyquota is loaded and again with it: the stat is KVM's, the same
 * either way.  Built on the kernel's KVM selftests library.
 *
 * SVM has no PML: KVM records a page at the write fault itself, so the
 * counts are exact.
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

static void expect_stat(struct test_vm *t, const uint64_t *want,
			const char *when)
{
	uint64_t got;
	int i;

	for (i = 0; i < t->nr_vcpus; i++) {
		got = vcpu_stat(t->vcpu[i], "pages_dirtied");
		TEST_ASSERT(got == want[i],
			    "vCPU %d: pages_dirtied %lu, expected %lu %s", i,
			    got, want[i], when);
	}
}

/*
 * Two vCPUs write 40 and 7 pages of their own, twice per round with no
 * harvest in between, over three rounds.  With a bitmap the second pass
 * records nothing (the bits are set); with the ring it pushes nothing
 * either (the pages stay writable until the ring is reset).
 */
static void counts(unsigned int flags)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS, WRITE_ROUNDS };
	static const uint64_t pages[] = { 40, 7 };
	uint64_t want[2] = { 0, 0 };
	unsigned long *log;
	struct test_vm t;
	int round, i;

	test_vm_create(&t, 2, 64, kinds, VM_MEM_SRC_ANONYMOUS,
		       TV_LOG | TV_NO_DQ | flags);
	log = calloc(t.pages * 2 / 8 + 8, 1);
	TEST_ASSERT(log, "calloc");
	for (i = 0; i < 2; i++)
		test_vm_set_count(&t, i, pages[i]);
	if (flags & TV_MANUAL)
		clear_all(&t);
	expect_stat(&t, want, "before the guest ran");

	for (round = 1; round <= 3; round++) {
		for (i = 0; i < 2; i++) {
			test_vm_run_round(&t, i);
			want[i] += pages[i];
		}
		expect_stat(&t, want, "after a round");
		for (i = 0; i < 2; i++)
			test_vm_run_round(&t, i);
		expect_stat(&t, want, "after the same pages again");
		if (flags & TV_RING) {
			collect_rings(&t, log);
		} else {
			kvm_vm_get_dirty_log(t.vm, TEST_SLOT, log);
			if (flags & TV_MANUAL)
				clear_all(&t);
		}
	}
	free(log);
	test_vm_free(&t);
}

static void test_bitmap(void)
{
	counts(0);
}

static void test_clear_log(void)
{
	counts(TV_MANUAL);
}

static void test_ring(void)
{
	TEST_REQUIRE(kvm_has_cap(KVM_CAP_DIRTY_LOG_RING));
	counts(TV_RING);
}

/* Dirty logging off: nothing is recorded, so nothing counts. */
static void test_logging_off(void)
{
	static const enum guest_kind kinds[] = { WRITE_ROUNDS };
	static const uint64_t none[] = { 0 };
	struct test_vm t;

	test_vm_create(&t, 1, 64, kinds, VM_MEM_SRC_ANONYMOUS, TV_NO_DQ);
	test_vm_run_round(&t, 0);
	expect_stat(&t, none, "with dirty logging off");
	test_vm_free(&t);
}

static const struct dq_scenario tests[] = {
	{ "dirty bitmap: a page once per harvest", test_bitmap },
	{ "KVM_CLEAR_DIRTY_LOG, manual protect: a page once per clear",
	  test_clear_log },
	{ "dirty ring: each entry pushed", test_ring },
	{ "dirty logging off: nothing", test_logging_off },
};

int main(int argc, char **argv)
{
	run_kvm_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
	return 0;
}
