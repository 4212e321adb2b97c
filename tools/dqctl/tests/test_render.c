// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the output of show, monitor and top, and for error
 * messages: fake VMs in, exact text out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "render.h"
#include "report.h"
#include "helpers.h"
#include "fixtures.h"

static struct dq_vm vms[2];

static int setup(void **state)
{
	fx_vms(vms);
	return 0;
}

#define CHECK_OUTPUT(call, want) do {		\
	struct capture c;			\
	FILE *f = capture_start(&c);		\
	char *out;				\
						\
	call;					\
	out = capture_end(&c);			\
	assert_string_equal(out, want);		\
	free(out);				\
} while (0)

static void show_text(void **state)
{
	CHECK_OUTPUT(dq_render_show(f, vms, 2),
"vm 3: db \"primary\"\n"
"  pid 1234 (qemu-system-x86), kvm-1234, 4 vCPUs\n"
"  mode sleep, budget 100 MiB/s, interval 10.0 ms, max-stall 50.0 ms, pool on (512 KiB of 1.00 MiB)\n"
"  dirtied 1.50 GiB, unattributed 12.0 KiB, dirty logging on, 5 harvests, the last 1.20 s ago, attached (exit allowed)\n"
"  (a page counts once per harvest: PASS is since the last harvest, LAST the pass before it)\n"
"\n"
"  VCPU  ID     DIRTY/S   DIRTIED      PASS      LAST       KVM  LIMIT          USED      QUOTA  STOPS  THROTTLED  STATE\n"
"     0   0  10.0 MiB/s  1.50 GiB  32.0 MiB  64.0 MiB  16.0 MiB  share       200 KiB    256 KiB     12     1.20 s  -\n"
"     1   2       0 B/s  4.00 KiB       0 B       0 B  4.00 KiB  1.00 MiB/s      0 B   10.2 KiB      1    5.00 us  stopped\n"
"     2   4           -         -         -         -         -  -                 -          -      -          -  untracked\n"
"     3   6       0 B/s       0 B       0 B       0 B       0 B  unlimited       0 B  unlimited      0       0 ns  -\n"
"\n"
"vm 7\n"
"  pid 99, kvm-99, 1 vCPU\n"
"  mode observe, budget unlimited, interval 10.0 ms, max-stall 100 ms, pool on\n"
"  dirtied 999 B, unattributed 0 B, dirty logging off, not attached\n"
"\n"
"  VCPU  ID     DIRTY/S  DIRTIED  PASS  LAST  KVM  LIMIT  USED  QUOTA  STOPS  THROTTLED  STATE\n"
"     0   0  2.00 KiB/s    999 B     -     -  0 B  share     -      -      0       0 ns  -\n");
}

static void show_empty(void **state)
{
	CHECK_OUTPUT(dq_render_show(f, vms, 0), "no VMs\n");
	CHECK_OUTPUT(dq_render_show_json(f, vms, 0, true, NULL),
		     "{\n  \"vms\": []\n}\n");
}

/* A VM without vCPUs, and one whose settings were not sent. */
static void show_sparse(void **state)
{
	struct dq_vm vm = { .has = VM_BIT(ID), .id = 5 };

	CHECK_OUTPUT(dq_render_show(f, &vm, 1), "vm 5\n");
	CHECK_OUTPUT(dq_render_show_json(f, &vm, 1, false, NULL),
		     "{\"vms\":[{\"id\":5,\"vcpus\":[]}]}\n");
	vm.has |= VM_BIT(MODE) | VM_BIT(POOL);
	vm.mode = 7;
	CHECK_OUTPUT(dq_render_show(f, &vm, 1),
		     "vm 5\n  mode 7, pool off\n");
	CHECK_OUTPUT(dq_render_show_json(f, &vm, 1, false, NULL),
		     "{\"vms\":[{\"id\":5,\"mode\":7,\"pool\":false,\"vcpus\":[]}]}\n");
}

static void show_json(void **state)
{
	uint64_t t = 5;

	CHECK_OUTPUT(dq_render_show_json(f, vms, 2, false, &t),
"{\"time_ns\":5,\"vms\":["
"{\"id\":3,\"pid\":1234,\"comm\":\"qemu-system-x86\","
"\"name\":\"db \\\"primary\\\"\",\"stats_id\":\"kvm-1234\",\"nr_vcpus\":4,"
"\"mode\":\"sleep\",\"budget\":104857600,\"interval_ns\":10000000,"
"\"max_stall_ns\":50000000,\"pool\":true,\"pool_level\":524288,"
"\"pool_cap\":1048576,"
"\"bytes_dirtied\":1610616832,\"bytes_unattributed\":12288,"
"\"attached\":true,\"exit_allowed\":true,\"dirty_logging\":true,"
"\"harvests\":5,\"harvest_age_ns\":1200000000,"
"\"vcpus\":["
"{\"index\":0,\"id\":0,\"tracked\":true,\"bytes_dirtied\":1610612736,"
"\"dirty_rate\":10485760,\"share\":true,\"bytes_interval\":204800,"
"\"quota\":262144,\"stops\":12,\"throttled_ns\":1200000000,"
"\"pool_drawn\":4096,\"stopped\":false,\"kvm_bytes\":16777216,"
"\"pass_bytes\":33554432,\"last_pass_bytes\":67108864},"
"{\"index\":1,\"id\":2,\"tracked\":true,\"bytes_dirtied\":4096,"
"\"dirty_rate\":0,\"share\":false,\"rate\":1048576,\"bytes_interval\":0,"
"\"quota\":10485,\"stops\":1,\"throttled_ns\":5000,\"pool_drawn\":0,"
"\"stopped\":true,\"kvm_bytes\":4096,\"pass_bytes\":0,"
"\"last_pass_bytes\":0},"
"{\"index\":2,\"id\":4,\"tracked\":false},"
"{\"index\":3,\"id\":6,\"tracked\":true,\"bytes_dirtied\":0,"
"\"dirty_rate\":0,\"share\":false,\"rate\":null,\"bytes_interval\":0,"
"\"quota\":null,\"stops\":0,\"throttled_ns\":0,\"pool_drawn\":0,"
"\"stopped\":false,\"kvm_bytes\":0,\"pass_bytes\":0,"
"\"last_pass_bytes\":0}]},"
"{\"id\":7,\"pid\":99,\"stats_id\":\"kvm-99\",\"nr_vcpus\":1,"
"\"mode\":\"observe\",\"budget\":null,\"interval_ns\":10000000,"
"\"max_stall_ns\":100000000,\"pool\":true,\"pool_level\":0,\"pool_cap\":0,"
"\"bytes_dirtied\":999,"
"\"bytes_unattributed\":0,\"attached\":false,\"exit_allowed\":false,"
"\"dirty_logging\":false,\"harvests\":0,"
"\"vcpus\":[{\"index\":0,\"id\":0,\"tracked\":true,\"bytes_dirtied\":999,"
"\"dirty_rate\":2048,\"share\":true,\"stops\":0,\"throttled_ns\":0,"
"\"pool_drawn\":0,\"stopped\":false,\"kvm_bytes\":0}]}]}\n");
}

static void show_json_pretty(void **state)
{
	vms[1].nr_vcpu_entries = 0;
	CHECK_OUTPUT(dq_render_show_json(f, &vms[1], 1, true, NULL),
"{\n"
"  \"vms\": [\n"
"    {\n"
"      \"id\": 7,\n"
"      \"pid\": 99,\n"
"      \"stats_id\": \"kvm-99\",\n"
"      \"nr_vcpus\": 1,\n"
"      \"mode\": \"observe\",\n"
"      \"budget\": null,\n"
"      \"interval_ns\": 10000000,\n"
"      \"max_stall_ns\": 100000000,\n"
"      \"pool\": true,\n"
"      \"pool_level\": 0,\n"
"      \"pool_cap\": 0,\n"
"      \"bytes_dirtied\": 999,\n"
"      \"bytes_unattributed\": 0,\n"
"      \"attached\": false,\n"
"      \"exit_allowed\": false,\n"
"      \"dirty_logging\": false,\n"
"      \"harvests\": 0,\n"
"      \"vcpus\": []\n"
"    }\n"
"  ]\n"
"}\n");
}

static void events(void **state)
{
	struct dq_event ev = { .cmd = DIRTYQUOTA_CMD_VM_NEW_NTF };

	ev.vm.has = VM_BIT(ID) | VM_BIT(PID) | VM_BIT(COMM) |
		    VM_BIT(STATS_ID) | VM_BIT(NR_VCPUS);
	ev.vm.id = 9;
	ev.vm.pid = 42;
	strcpy(ev.vm.comm, "qemu");
	strcpy(ev.vm.stats_id, "kvm-42");
	ev.vm.nr_vcpus = 2;
	CHECK_OUTPUT(dq_render_event(f, &ev, "web"),
		     "vm-new vm 9: name web, pid 42 (qemu), kvm-42, 2 vCPUs\n");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, "web"),
		     "{\"event\":\"vm-new\",\"vm_id\":9,\"pid\":42,"
		     "\"comm\":\"qemu\",\"name\":\"web\","
		     "\"stats_id\":\"kvm-42\",\"nr_vcpus\":2}\n");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, ""),
		     "{\"event\":\"vm-new\",\"vm_id\":9,\"pid\":42,"
		     "\"comm\":\"qemu\",\"stats_id\":\"kvm-42\","
		     "\"nr_vcpus\":2}\n");

	memset(&ev, 0, sizeof(ev));
	ev.cmd = DIRTYQUOTA_CMD_VM_DEL_NTF;
	ev.vm.has = VM_BIT(ID) | VM_BIT(BYTES_DIRTIED) |
		    VM_BIT(BYTES_UNATTRIBUTED);
	ev.vm.id = 9;
	ev.vm.bytes_dirtied = 1 << 30;
	ev.vm.bytes_unattributed = 8192;
	CHECK_OUTPUT(dq_render_event(f, &ev, ""),
		     "vm-del vm 9: dirtied 1.00 GiB, unattributed 8.00 KiB\n");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, NULL),
		     "{\"event\":\"vm-del\",\"vm_id\":9,"
		     "\"bytes_dirtied\":1073741824,"
		     "\"bytes_unattributed\":8192}\n");

	memset(&ev, 0, sizeof(ev));
	ev.cmd = DIRTYQUOTA_CMD_MODE_CHANGE_NTF;
	ev.vm.has = VM_BIT(ID) | VM_BIT(MODE) | VM_BIT(OLD_MODE);
	ev.vm.id = 9;
	ev.vm.mode = DIRTYQUOTA_MODE_EXIT;
	CHECK_OUTPUT(dq_render_event(f, &ev, ""),
		     "mode-change vm 9: observe -> exit\n");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, ""),
		     "{\"event\":\"mode-change\",\"vm_id\":9,"
		     "\"mode\":\"exit\",\"old_mode\":\"observe\"}\n");

	memset(&ev, 0, sizeof(ev));
	ev.cmd = DIRTYQUOTA_CMD_QUOTA_FULL_NTF;
	ev.vcpu.has = VCPU_BIT(VM_ID) | VCPU_BIT(INDEX) |
		      VCPU_BIT(BYTES_INTERVAL) | VCPU_BIT(QUOTA) |
		      VCPU_BIT(STOPS);
	ev.vcpu.vm_id = 9;
	ev.vcpu.index = 1;
	ev.vcpu.bytes_interval = 266240;
	ev.vcpu.quota = 262144;
	ev.vcpu.stops = 17;
	CHECK_OUTPUT(dq_render_event(f, &ev, ""),
		     "quota-full vm 9 vcpu 1: used 260 KiB of 256 KiB, 17 stops\n");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, ""),
		     "{\"event\":\"quota-full\",\"vm_id\":9,\"vcpu\":1,"
		     "\"bytes_interval\":266240,\"quota\":262144,"
		     "\"stops\":17}\n");

	/* Unknown events print nothing. */
	ev.cmd = 99;
	CHECK_OUTPUT(dq_render_event(f, &ev, ""), "");
	CHECK_OUTPUT(dq_render_event_json(f, &ev, ""), "");
}

static void top_first(void **state)
{
	struct dq_sample cur = { 2000000000, vms, 2 };

	CHECK_OUTPUT(dq_render_top(f, NULL, &cur, 0),
"dqctl top: 2 VMs, 5 vCPUs, 10.0 MiB/s dirtied, 1 stopped\n"
"\n"
"VM  NAME          VCPU  MODE        DIRTY/S  LAST PASS     KVM  LIMIT       THROTTLED  STOPS/S  STATE\n"
" 3  db \"primary\"     0  sleep    10.0 MiB/s   64.0 MiB    1.0%  share               -        -  -\n"
" 7  -                0  observe  2.00 KiB/s          -    0.0%  share               -        -  -\n"
" 3  db \"primary\"     1  sleep         0 B/s        0 B  100.0%  1.00 MiB/s          -        -  stopped\n"
" 3  db \"primary\"     2  sleep             -          -       -  -                   -        -  untracked\n"
" 3  db \"primary\"     3  sleep         0 B/s        0 B       -  unlimited           -        -  -\n");
}

/* Rates since the last refresh; rows cut to the screen. */
static void top_deltas(void **state)
{
	struct dq_vcpu old[4];
	struct dq_vm prev_vms[2];
	struct dq_sample prev = { 1000000000, prev_vms, 2 };
	struct dq_sample cur = { 2000000000, vms, 2 };

	fx_vms(prev_vms);
	memcpy(old, fx_vcpus1, sizeof(old));
	old[0].throttled_ns -= 250000000;
	old[0].stops -= 10;
	prev_vms[0].vcpus = old;
	CHECK_OUTPUT(dq_render_top(f, &prev, &cur, 3),
"dqctl top: 2 VMs, 5 vCPUs, 10.0 MiB/s dirtied, 1 stopped\n"
"\n"
"VM  NAME          VCPU  MODE        DIRTY/S  LAST PASS     KVM  LIMIT       THROTTLED  STOPS/S  STATE\n"
" 3  db \"primary\"     0  sleep    10.0 MiB/s   64.0 MiB    1.0%  share           25.0%     10.0  -\n"
" 7  -                0  observe  2.00 KiB/s          -    0.0%  share            0.0%      0.0  -\n"
" 3  db \"primary\"     1  sleep         0 B/s        0 B  100.0%  1.00 MiB/s       0.0%      0.0  stopped\n");
}

static void error_messages(void **state)
{
	struct dq_ipc_error e = { .err = EINVAL };
	char buf[DQ_ERR_LEN];

	strcpy(e.msg, "interval must be from 1 ms to 1 s");
	dq_format_ipc_error(buf, sizeof(buf), "set", &e, true);
	assert_string_equal(buf,
		"set: Invalid argument: interval must be from 1 ms to 1 s");

	e.err = ERANGE;
	strcpy(e.attr, "interval-ns");
	dq_format_ipc_error(buf, sizeof(buf), "set", &e, true);
	assert_string_equal(buf, "set: Numerical result out of range: "
			    "interval must be from 1 ms to 1 s "
			    "(bad attribute interval-ns)");

	memset(&e, 0, sizeof(e));
	e.err = EINVAL;
	strcpy(e.attr, "vm-id");
	e.missing = true;
	dq_format_ipc_error(buf, sizeof(buf), "set-quota", &e, true);
	assert_string_equal(buf, "set-quota: Invalid argument "
			    "(missing attribute vm-id)");

	/* The netlink core refuses admin commands without a message. */
	memset(&e, 0, sizeof(e));
	e.err = EPERM;
	dq_format_ipc_error(buf, sizeof(buf), "set", &e, true);
	assert_string_equal(buf, "set: Operation not permitted "
			    "(changing settings needs CAP_SYS_ADMIN)");
	/* An EPERM with a reason is the module's own: no hint. */
	strcpy(e.msg, "the VMM did not ask for exit mode");
	dq_format_ipc_error(buf, sizeof(buf), "set", &e, true);
	assert_string_equal(buf, "set: Operation not permitted: "
			    "the VMM did not ask for exit mode");
	memset(&e, 0, sizeof(e));
	e.err = EPERM;
	dq_format_ipc_error(buf, sizeof(buf), "show", &e, false);
	assert_string_equal(buf, "show: Operation not permitted (reading needs "
			    "CAP_SYS_ADMIN, or the group in " DQ_READ_GROUP_PATH ")");

	/* Long messages are cut, not overrun. */
	memset(e.msg, 'm', sizeof(e.msg) - 1);
	e.msg[sizeof(e.msg) - 1] = '\0';
	dq_format_ipc_error(buf, 40, "set", &e, true);
	assert_int_equal(strlen(buf), 39);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(show_text, setup),
		cmocka_unit_test_setup(show_empty, setup),
		cmocka_unit_test_setup(show_sparse, setup),
		cmocka_unit_test_setup(show_json, setup),
		cmocka_unit_test_setup(show_json_pretty, setup),
		cmocka_unit_test_setup(events, setup),
		cmocka_unit_test_setup(top_first, setup),
		cmocka_unit_test_setup(top_deltas, setup),
		cmocka_unit_test(error_messages),
	};

	return cmocka_run_group_tests_name("dqctl render", tests, NULL, NULL);
}
