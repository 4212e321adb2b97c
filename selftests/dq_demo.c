// SPDX-License-Identifier: GPL-2.0
/*
 * make demo: a VM whose four vCPUs dirty memory at different rates, watched
 * through /dev/dirtyquota; then held to a budget in sleep mode, where only
 * the writer is slowed down.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dq_util.h"
#include "test_util.h"

static void show(struct test_vm *t, const char *phase, uint64_t *last_b,
		 uint64_t *last_p, uint64_t ns)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	uint64_t p;
	int i;

	dq_stats(t, e, MAX_VCPUS);
	for (i = 0; i < t->nr_vcpus; i++) {
		p = READ_ONCE(t->progress[i]);
		printf("%-9s vCPU %d  %6.2f MiB/s dirtied  %8llu KiB total  "
		       "%5llu stops  %7.1f ms throttled  guest work %9.0f k/s\n",
		       phase, i,
		       (e[i].bytes_dirtied - last_b[i]) * 1e9 / ns / MIB,
		       e[i].bytes_dirtied / 1024, e[i].stops,
		       e[i].throttled_ns / 1e6, (p - last_p[i]) * 1e6 / ns);
		last_b[i] = e[i].bytes_dirtied;
		last_p[i] = p;
	}
	printf("\n");
}

int main(void)
{
	/* vCPU 0 writes 2 MiB around, 1 writes 256 KiB; 2 and 3 only compute. */
	static const enum guest_kind kinds[] = {
		WRITE_FOREVER, WRITE_FOREVER, COMPUTE, COMPUTE,
	};
	uint64_t last_b[MAX_VCPUS] = { 0 }, last_p[MAX_VCPUS] = { 0 };
	uint64_t budget = 2 * MIB, t0;
	struct test_vm t;
	int s;

	test_vm_create(&t, 4, 512, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	test_vm_set_count(&t, 1, 64);
	TEST_ASSERT(!dq_attach(&t, 0), "attach");
	start_vcpus(&t);

	printf("== observe mode: dirtyquota only counts ==\n");
	printf("   (writes count once per page between two harvests of the\n"
	       "    dirty log, which this VMM does every 2 ms)\n");
	for (s = 0; s < 3; s++) {
		t0 = now_ns();
		harvest_for(&t, 1000 * MS);
		show(&t, "observe", last_b, last_p, now_ns() - t0);
	}

	printf("== sleep mode, VM budget %llu MiB/s, pool on ==\n", budget / MIB);
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET,
			    DIRTYQUOTA_MODE_SLEEP, budget, 0, 0), "sleep mode");
	for (s = 0; s < 3; s++) {
		t0 = now_ns();
		harvest_for(&t, 1000 * MS);
		show(&t, "throttled", last_b, last_p, now_ns() - t0);
	}
	stop_vcpus(&t);
	test_vm_free(&t);
	return 0;
}
