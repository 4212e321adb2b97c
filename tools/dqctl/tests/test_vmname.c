// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for VM names from QEMU command lines and for finding the VM
 * a user names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "vmname.h"

/* A command line as /proc/PID/cmdline has it: NUL after every argument. */
#define CMDLINE(s)	s, sizeof(s) - 1

static const char *name_of(const char *buf, size_t len)
{
	static char name[128];

	memset(name, 'x', sizeof(name));
	if (!dq_cmdline_vm_name(buf, len, name, sizeof(name)))
		assert_string_equal(name, "");
	return name;
}

static void qemu_names(void **state)
{
	assert_string_equal(name_of(CMDLINE(
		"qemu-system-x86_64\0-name\0guest1\0-m\0001G\0")), "guest1");
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0guest=db,debug-threads=on\0")), "db");
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0debug-threads=on,guest=web\0")), "web");
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0web,process=qemu:web\0")), "web");
	assert_string_equal(name_of(CMDLINE(
		"qemu\0--name\0dashes\0")), "dashes");
	/* ",," is a comma in QEMU option values. */
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0guest=a,,b,debug-threads=on\0")), "a,b");
	/* The last -name counts. */
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0one\0-name\0two\0")), "two");
	/* Without a trailing NUL. */
	assert_string_equal(name_of("qemu\0-name\0tail", 15), "tail");
}

static void no_names(void **state)
{
	assert_string_equal(name_of(CMDLINE("qemu\0-m\0001G\0")), "");
	assert_string_equal(name_of(CMDLINE("qemu\0-name\0")), "");
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0process=x,debug-threads=on\0")), "");
	/* "-name" as the value of another option is not a name option... */
	assert_string_equal(name_of(CMDLINE("qemu\0-nameless\0x\0")), "");
	/* ...and the value of -name is skipped, not taken as an option. */
	assert_string_equal(name_of(CMDLINE(
		"qemu\0-name\0-name\0real\0")), "-name");
	assert_string_equal(name_of("", 0), "");
	assert_string_equal(name_of(CMDLINE("qemu\0-name")), "");
}

static void long_names(void **state)
{
	char buf[600], name[16];

	memcpy(buf, "q\0-name\0", 8);
	memset(buf + 8, 'n', 500);
	buf[508] = '\0';
	assert_true(dq_cmdline_vm_name(buf, 509, name, sizeof(name)));
	assert_string_equal(name, "nnnnnnnnnnnnnnn");
}

static struct dq_vm vms[4];

static int setup_vms(void **state)
{
	static const struct {
		uint64_t id;
		uint32_t pid;
		const char *name, *stats;
	} v[] = {
		{ 1, 100, "web", "kvm-100" },
		{ 2, 200, "db", "kvm-200" },
		{ 3, 200, "", "kvm-200" },	/* two VMs in one process */
		{ 100, 300, "web", "kvm-300" },	/* id 100, pid 300 */
	};
	size_t i;

	memset(vms, 0, sizeof(vms));
	for (i = 0; i < 4; i++) {
		vms[i].has = DQ_BIT(DIRTYQUOTA_A_VM_ID) |
			     DQ_BIT(DIRTYQUOTA_A_VM_PID);
		vms[i].id = v[i].id;
		vms[i].pid = v[i].pid;
		strcpy(vms[i].name, v[i].name);
		strcpy(vms[i].stats_id, v[i].stats);
	}
	return 0;
}

static char err[256];

static long resolve(const char *spec)
{
	err[0] = '\0';
	return dq_resolve_vm(vms, 4, spec, err, sizeof(err));
}

static void resolving(void **state)
{
	assert_int_equal(resolve("1"), 0);
	assert_int_equal(resolve("id:2"), 1);
	/* A number is an id first... */
	assert_int_equal(resolve("100"), 3);
	/* ...then a pid. */
	assert_int_equal(resolve("300"), 3);
	assert_int_equal(resolve("pid:100"), 0);
	assert_int_equal(resolve("db"), 1);
	assert_int_equal(resolve("name:db"), 1);
	assert_int_equal(resolve("kvm-100"), 0);
	assert_int_equal(resolve("kvm-300"), 3);
}

static void resolve_errors(void **state)
{
	assert_int_equal(resolve("7"), -1);
	assert_string_equal(err, "no VM with id or pid 7");
	assert_int_equal(resolve("id:300"), -1);
	assert_string_equal(err, "no VM with id 300");
	assert_int_equal(resolve("pid:1"), -1);
	assert_string_equal(err, "no VM with pid 1");
	assert_int_equal(resolve("nosuch"), -1);
	assert_string_equal(err, "no VM named 'nosuch'");
	assert_int_equal(resolve("id:x"), -1);
	assert_string_equal(err, "invalid VM id 'x'");
	assert_int_equal(resolve(""), -1);
	assert_int_equal(resolve("web"), -1);
	assert_string_equal(err,
		"2 VMs named 'web' (ids 1, 100): name one with id:N");
	assert_int_equal(resolve("200"), -1);
	assert_string_equal(err,
		"2 VMs with pid 200 (ids 2, 3): name one with id:N");
	assert_int_equal(resolve("kvm-200"), -1);
	assert_int_equal(dq_resolve_vm(vms, 0, "1", err, sizeof(err)), -1);
	assert_string_equal(err, "no VM with id or pid 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_names),
		cmocka_unit_test(no_names),
		cmocka_unit_test(long_names),
		cmocka_unit_test_setup(resolving, setup_vms),
		cmocka_unit_test_setup(resolve_errors, setup_vms),
	};

	return cmocka_run_group_tests_name("dqctl vmname", tests, NULL, NULL);
}
