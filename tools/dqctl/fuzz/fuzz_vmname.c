// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: VM names from /proc/PID/cmdline, and finding the VM a
 * user names among a made-up list.
 *
 * Input: a byte for the size of the name buffer, one for the size of the
 * error buffer, one for the number of VMs, four per VM (id, pid, name,
 * stats id), the VM spec up to a NUL, and the rest is the command line.
 */
#include <errno.h>

#include "../units.h"
#include "../vmname.h"
#include "fuzz.h"

#define MAX_VMS		8
#define BIG		512

/* The NUL-separated elements of @buf: is "-name X" among them? */
static bool has_name_opt(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	bool name = false;
	size_t n;

	while (p < end) {
		n = strnlen(p, end - p);
		if (name)
			return true;
		name = (n == 5 && !memcmp(p, "-name", 5)) ||
		       (n == 6 && !memcmp(p, "--name", 6));
		p += n + (p + n < end);
	}
	return false;
}

static void fuzz_cmdline(const char *buf, size_t len, size_t size,
			 char *big)
{
	char *name = malloc(size);
	bool ret, ret_big;
	size_t n;

	if (!name)
		abort();
	memset(name, 'X', size);
	ret = dq_cmdline_vm_name(buf, len, name, size);
	n = strnlen(name, size);
	FUZZ_ASSERT(n < size, "name not terminated in %zu bytes", size);
	FUZZ_ASSERT(ret == !!n, "%d '%s'", ret, name);

	memset(big, 'X', BIG);
	ret_big = dq_cmdline_vm_name(buf, len, big, BIG);
	FUZZ_ASSERT(strnlen(big, BIG) < BIG, "");
	/* A smaller buffer only cuts the same name short. */
	FUZZ_ASSERT(ret_big == ret || size == 1, "%d %d", ret, ret_big);
	FUZZ_ASSERT(n == (strlen(big) < size ? strlen(big) : size - 1) &&
		    !strncmp(name, big, n), "'%s' '%s'", name, big);
	if (ret_big)
		FUZZ_ASSERT(has_name_opt(buf, len), "'%s'", big);
	/* A comma in a name comes from ",," in QEMU's option syntax. */
	if (strchr(big, ','))
		FUZZ_ASSERT(memmem(buf, len, ",,", 2), "'%s'", big);
	free(name);
}

static bool by_name(const struct dq_vm *vm, const char *name)
{
	return (vm->name[0] && !strcmp(vm->name, name)) ||
	       (vm->stats_id[0] && !strcmp(vm->stats_id, name));
}

enum key { BY_ID, BY_PID, BY_NAME };

static bool match(const struct dq_vm *vm, enum key key, uint64_t num,
		  const char *name)
{
	switch (key) {
	case BY_ID:
		return vm->id == num;
	case BY_PID:
		return DQ_HAS(vm, DIRTYQUOTA_A_VM_PID) && vm->pid == num;
	default:
		return by_name(vm, name);
	}
}

/* Found means: exactly one VM matches, and it is the one returned. */
static void check_unique(const struct dq_vm *vms, size_t nr, long ret,
			 enum key key, uint64_t num, const char *name,
			 const char *spec)
{
	size_t i, n = 0;

	for (i = 0; i < nr; i++)
		n += match(&vms[i], key, num, name);
	if (n != 1) {
		FUZZ_ASSERT(ret == -1, "'%s': %ld, %zu match", spec, ret, n);
		return;
	}
	FUZZ_ASSERT(ret >= 0 && match(&vms[ret], key, num, name),
		    "'%s': %ld", spec, ret);
}

/* The rules of vmname.h, said again the slow way. */
static void check_resolved(const struct dq_vm *vms, size_t nr,
			   const char *spec, long ret)
{
	static const struct {
		const char *prefix;
		enum key key;
	} prefixes[] = {
		{ "id:", BY_ID }, { "pid:", BY_PID }, { "name:", BY_NAME },
	};
	uint64_t num;
	size_t i, len;

	FUZZ_ASSERT(ret == -1 || (ret >= 0 && (size_t)ret < nr), "%ld", ret);
	for (i = 0; i < 3; i++) {
		len = strlen(prefixes[i].prefix);
		if (strncmp(spec, prefixes[i].prefix, len))
			continue;
		if (prefixes[i].key == BY_NAME) {
			check_unique(vms, nr, ret, BY_NAME, 0, spec + len, spec);
		} else if (dq_parse_u64(spec + len, &num)) {
			FUZZ_ASSERT(ret == -1, "'%s'", spec);
		} else {
			check_unique(vms, nr, ret, prefixes[i].key, num, NULL,
				     spec);
		}
		return;
	}
	if (!*spec) {
		FUZZ_ASSERT(ret == -1, "");
		return;
	}
	if (dq_parse_u64(spec, &num)) {
		check_unique(vms, nr, ret, BY_NAME, 0, spec, spec);
		return;
	}
	/* A number is the first VM with that id, else a unique pid. */
	for (i = 0; i < nr; i++) {
		if (vms[i].id == num) {
			FUZZ_ASSERT(ret == (long)i, "'%s': %ld", spec, ret);
			return;
		}
	}
	check_unique(vms, nr, ret, BY_PID, num, NULL, spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t name_size = 1 + fuzz_byte(&in) % 160;
	size_t errlen = 1 + fuzz_byte(&in) % 200;
	size_t nr = fuzz_byte(&in) % (MAX_VMS + 1), i;
	uint8_t desc[MAX_VMS][4];
	struct dq_vm *vms;
	char *spec, *buf, *err, big[BIG];
	const char *names[7];
	long ret;

	for (i = 0; i < nr; i++) {
		desc[i][0] = fuzz_byte(&in);
		desc[i][1] = fuzz_byte(&in);
		desc[i][2] = fuzz_byte(&in);
		desc[i][3] = fuzz_byte(&in);
	}
	spec = fuzz_word(&in);
	buf = malloc(in.left ? in.left : 1);
	if (!buf)
		abort();
	memcpy(buf, in.p, in.left);
	fuzz_cmdline(buf, in.left, name_size, big);

	/* Names that collide: with each other, the spec, and numbers. */
	names[0] = "";
	names[1] = "web";
	names[2] = "kvm-3";
	names[3] = "3";
	names[4] = big;
	names[5] = spec;
	names[6] = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;
	vms = calloc(nr ? nr : 1, sizeof(*vms));
	if (!vms)
		abort();
	for (i = 0; i < nr; i++) {
		vms[i].id = desc[i][0] % 8;
		vms[i].pid = desc[i][1] % 8;
		if (desc[i][1] & 8)
			vms[i].has |= DQ_BIT(DIRTYQUOTA_A_VM_PID);
		snprintf(vms[i].name, sizeof(vms[i].name), "%s",
			 names[desc[i][2] % 7]);
		snprintf(vms[i].stats_id, sizeof(vms[i].stats_id), "%s",
			 names[desc[i][3] % 7]);
	}

	err = malloc(errlen);
	if (!err)
		abort();
	memset(err, 'X', errlen);
	ret = dq_resolve_vm(vms, nr, spec, err, errlen);
	check_resolved(vms, nr, spec, ret);
	if (ret == -1) {
		FUZZ_ASSERT(strnlen(err, errlen) < errlen, "%zu", errlen);
		if (errlen > 1)
			FUZZ_ASSERT(strchr(spec, '\n') ? *err :
				    fuzz_one_line(err), "'%s'", err);
	}
	free(err);
	free(vms);
	free(buf);
	free(spec);
	return 0;
}
