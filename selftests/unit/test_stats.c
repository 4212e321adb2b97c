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

/* The dirty ring: a page is charged when it enters the ring anew. */
static void ring_repeat_not_charged(void **state)
{
	struct dq_ring_seen r = { 0 };

	assert_true(dq_ring_charge(&r, 1, 5, 0, 0));
	assert_false(dq_ring_charge(&r, 1, 5, 1, 0));
	/* Same gfn, other memslot: another page. */
	assert_true(dq_ring_charge(&r, 2, 5, 2, 0));
	/* Entry 0 reset, entry 1 not: the latest entry of page 5 waits. */
	assert_false(dq_ring_charge(&r, 1, 5, 3, 1));
	/* Reset past every entry of it: charged again. */
	assert_true(dq_ring_charge(&r, 1, 5, 4, 4));
}

static void ring_keeps_repeated_pages(void **state)
{
	struct dq_ring_seen r = { 0 };
	u32 pos = 0;
	u64 gfn;

	/* kvmclock, written twice before a harvest, then guest pages. */
	assert_true(dq_ring_charge(&r, 0, 1000, pos++, 0));
	assert_false(dq_ring_charge(&r, 0, 1000, pos++, 0));
	for (gfn = 0; gfn < 100; gfn++)
		assert_true(dq_ring_charge(&r, 0, gfn, pos++, 0));
	assert_false(dq_ring_charge(&r, 0, 1000, pos++, 0));
	/* A page seen once is forgotten after DQ_RING_SEEN others. */
	assert_true(dq_ring_charge(&r, 0, 50, pos++, 0));
}

static void ring_reuses_reset_entries(void **state)
{
	struct dq_ring_seen r = { 0 };
	u32 pos = 0xfffffff0u;
	u64 gfn;

	/* Eight pages seen twice fill the cache, around the index wrap. */
	for (gfn = 0; gfn < DQ_RING_SEEN; gfn++) {
		assert_true(dq_ring_charge(&r, 0, gfn, pos++, 0xfffffff0u));
		assert_false(dq_ring_charge(&r, 0, gfn, pos++, 0xfffffff0u));
	}
	/* All harvested: a new page takes a reset entry, none is lost. */
	assert_true(dq_ring_charge(&r, 0, 99, pos, pos));
	assert_false(dq_ring_charge(&r, 0, 99, pos + 1, pos));
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
	assert_int_equal(offsetof(struct dirtyquota_vm_config, max_stall_ns),
			 DIRTYQUOTA_VM_CONFIG_SIZE_VER1);
	assert_int_equal(DIRTYQUOTA_VM_CONFIG_SIZE_VER1, 48);
	assert_int_equal(sizeof(struct dirtyquota_vm_config), 56);
	assert_int_equal(sizeof(struct dirtyquota_vcpu_quota), 16);
	assert_int_equal(sizeof(struct dirtyquota_wait), 8);
	assert_int_equal(sizeof(struct dirtyquota_version), 16);
	assert_int_equal(sizeof(struct dirtyquota_attach), 8);
	assert_int_equal(sizeof(struct dirtyquota_stats), 40);
	assert_int_equal(sizeof(struct dirtyquota_exit), 24);
	assert_int_equal(offsetof(struct dirtyquota_stats, bytes_unattributed), 32);
}

#define SEC	1000000000ULL
#define MS	1000000ULL

/* The rate clock samples once a second: a steady 1 MiB/s reads exactly. */
static void rate_steady(void **state)
{
	struct dq_rate r;
	u64 t, total = 0;

	dq_rate_start(&r, 5 * SEC, 0);
	for (t = 6 * SEC; t <= 9 * SEC; t += SEC) {
		total += 1 << 20;
		assert_int_equal(dq_rate_sample(&r, t, total), 1 << 20);
	}
}

/* Each sample covers only the window since the one before. */
static void rate_forgets(void **state)
{
	struct dq_rate r;

	dq_rate_start(&r, 0, 0);
	assert_int_equal(dq_rate_sample(&r, SEC, 4 * SEC), 4 * SEC);
	assert_int_equal(dq_rate_sample(&r, 2 * SEC, 4 * SEC), 0);
	/* A late tick (1.5 s) divides by the time that passed. */
	assert_int_equal(dq_rate_sample(&r, 3 * SEC + 500 * MS,
					4 * SEC + 3 * 4096), 2 * 4096);
	/* A vCPU tracked mid-window: the first sample covers less. */
	dq_rate_start(&r, 10 * SEC + 750 * MS, 0);
	assert_int_equal(dq_rate_sample(&r, 11 * SEC, 4096), 4 * 4096);
}

static void rate_extremes(void **state)
{
	struct dq_rate r;

	/* No time passed: no rate, not a division by zero. */
	dq_rate_start(&r, SEC, 0);
	assert_int_equal(dq_rate_sample(&r, SEC, 1 << 20), 0);
	/* More than 2^64 bytes per second saturates. */
	assert_true(dq_rate_sample(&r, SEC + 1, 1ULL << 40) ==
		    DIRTYQUOTA_UNLIMITED);
	/* A huge count over a long uptime does not overflow. */
	dq_rate_start(&r, 0, 0);
	assert_true(dq_rate_sample(&r, 1ULL << 62, ~0ULL) ==
		    (u64)((unsigned __int128)~0ULL * SEC / (1ULL << 62)));
	/* A clock or counter going back reads 0 and starts over. */
	dq_rate_start(&r, 10 * SEC, 1 << 20);
	assert_int_equal(dq_rate_sample(&r, 5 * SEC, 0), 0);
	assert_int_equal(dq_rate_sample(&r, 6 * SEC, 4096), 4096);
	assert_int_equal(dq_rate_sample(&r, 7 * SEC, 0), 0);
	assert_int_equal(dq_rate_sample(&r, 8 * SEC, 8192), 8192);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(account_to_vcpu),
		cmocka_unit_test(account_without_vcpu),
		cmocka_unit_test(account_large_counts),
		cmocka_unit_test(ring_repeat_not_charged),
		cmocka_unit_test(ring_keeps_repeated_pages),
		cmocka_unit_test(ring_reuses_reset_entries),
		cmocka_unit_test(stats_check_rules),
		cmocka_unit_test(stats_entries_are_capped),
		cmocka_unit_test(stats_fill_vcpu),
		cmocka_unit_test(uapi_layout),
		cmocka_unit_test(rate_steady),
		cmocka_unit_test(rate_forgets),
		cmocka_unit_test(rate_extremes),
	};

	return cmocka_run_group_tests_name("dirtyquota module logic", tests, NULL, NULL);
}
