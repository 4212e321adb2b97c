// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pure logic of dirtyquota.ko: per-page accounting and
 * the rules of DIRTYQUOTA_IOC_GET_STATS.  Built and run on the host.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "../../module/account.h"
#include "../../module/stats.h"

static void account_to_vcpu(void **state)
{
	struct dq_vcpu_count a = { 0 }, b = { 0 };
	int i;

	for (i = 0; i < 3; i++)
		assert_true(dq_account_vcpu(&a, 4096) == (i + 1) * 4096ULL);
	dq_account_vcpu(&b, 4096);
	assert_int_equal(a.bytes_dirtied, 3 * 4096);
	assert_int_equal(b.bytes_dirtied, 4096);
}

static void account_without_vcpu(void **state)
{
	struct dq_vm_count vm = { 0 };

	dq_account_vm(&vm, 4096);
	dq_account_vm(&vm, 4096);
	assert_int_equal(atomic64_read(&vm.bytes_unattributed), 2 * 4096);
}

static void account_large_counts(void **state)
{
	struct dq_vcpu_count a = { .bytes_dirtied = (1ULL << 40) };

	assert_true(dq_account_vcpu(&a, 4096) == (1ULL << 40) + 4096);
}

static void stats_check_rules(void **state)
{
	struct dirtyquota_stats s = { 0 };

	/* Nothing asked for: any entry size will do. */
	assert_int_equal(dq_stats_check(&s), 0);

	s.nr_entries = 4;
	s.entry_size = sizeof(struct dirtyquota_vcpu_stats);
	assert_int_equal(dq_stats_check(&s), 0);
	s.entry_size = DIRTYQUOTA_VCPU_STATS_SIZE_VER1 - 1;
	assert_int_equal(dq_stats_check(&s), -EINVAL);
	s.entry_size = DQ_STATS_MAX_ENTRY_SIZE + 1;
	assert_int_equal(dq_stats_check(&s), -EINVAL);
	s.entry_size = DQ_STATS_MAX_ENTRY_SIZE;
	assert_int_equal(dq_stats_check(&s), 0);

	s.flags = 1;
	assert_int_equal(dq_stats_check(&s), -EINVAL);
}

static void stats_entries_are_capped(void **state)
{
	struct dirtyquota_stats s = { .nr_entries = 2 };

	assert_int_equal(dq_stats_nr_entries(&s, 4), 2);
	assert_int_equal(dq_stats_nr_entries(&s, 1), 1);
	s.nr_entries = 0;
	assert_int_equal(dq_stats_nr_entries(&s, 4), 0);
}

static void stats_fill_vcpu(void **state)
{
	struct dq_vcpu_snapshot s = {
		.tracked = true, .bytes_dirtied = 12288, .bytes_interval = 4096,
		.quota = 8192, .rate = 1000, .stops = 3, .throttled_ns = 5,
		.pool_drawn = 4096,
	};
	struct dirtyquota_vcpu_stats e;

	memset(&e, 0xff, sizeof(e));
	dq_stats_fill_vcpu(&e, 1, 7, &s);
	assert_int_equal(e.vcpu_index, 1);
	assert_int_equal(e.vcpu_id, 7);
	assert_int_equal(e.flags, DIRTYQUOTA_VCPU_F_TRACKED);
	assert_int_equal(e.reserved, 0);
	assert_true(e.bytes_dirtied == 12288);
	assert_true(e.bytes_interval == 4096 && e.quota == 8192);
	assert_true(e.stops == 3 && e.throttled_ns == 5 && e.pool_drawn == 4096);
	/* A rate is reported only when it is the vCPU's own. */
	assert_true(e.rate == 0);
	s.own_rate = true;
	s.stopped = true;
	dq_stats_fill_vcpu(&e, 1, 7, &s);
	assert_int_equal(e.flags, DIRTYQUOTA_VCPU_F_TRACKED |
			 DIRTYQUOTA_VCPU_F_OWN_RATE | DIRTYQUOTA_VCPU_F_STOPPED);
	assert_true(e.rate == 1000);

	/* An untracked vCPU reports no counters, not stale memory. */
	memset(&s, 0, sizeof(s));
	s.bytes_dirtied = 99;
	memset(&e, 0xff, sizeof(e));
	dq_stats_fill_vcpu(&e, 2, 9, &s);
	assert_int_equal(e.flags, 0);
	assert_true(e.bytes_dirtied == 0 && e.quota == 0);
}

static void uapi_layout(void **state)
{
	/* The first version of each struct is ABI: it never changes. */
	assert_int_equal(offsetof(struct dirtyquota_vcpu_stats, bytes_interval),
			 DIRTYQUOTA_VCPU_STATS_SIZE_VER1);
	assert_int_equal(sizeof(struct dirtyquota_vcpu_stats), 72);
	assert_int_equal(sizeof(struct dirtyquota_vm_config), 48);
	assert_int_equal(sizeof(struct dirtyquota_vcpu_quota), 16);
	assert_int_equal(sizeof(struct dirtyquota_wait), 8);
	assert_int_equal(sizeof(struct dirtyquota_version), 16);
	assert_int_equal(sizeof(struct dirtyquota_attach), 8);
	assert_int_equal(sizeof(struct dirtyquota_stats), 40);
	assert_int_equal(sizeof(struct dirtyquota_exit), 24);
	assert_int_equal(offsetof(struct dirtyquota_stats, bytes_unattributed), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(account_to_vcpu),
		cmocka_unit_test(account_without_vcpu),
		cmocka_unit_test(account_large_counts),
		cmocka_unit_test(stats_check_rules),
		cmocka_unit_test(stats_entries_are_capped),
		cmocka_unit_test(stats_fill_vcpu),
		cmocka_unit_test(uapi_layout),
	};

	return cmocka_run_group_tests_name("dirtyquota module logic", tests, NULL, NULL);
}
