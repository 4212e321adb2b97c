// SPDX-License-Identifier: GPL-2.0
/*
 * VM names from QEMU command lines, and finding the VM a user means.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "units.h"
#include "vmname.h"

/*
 * Copies the next comma-separated element of QEMU option string @p (up to
 * @end) to @out, turning ",," into ",".  Returns where the next one starts.
 */
static const char *next_opt(const char *p, const char *end, char *out,
			    size_t size)
{
	size_t n = 0;

	while (p < end && *p) {
		if (*p == ',') {
			if (p + 1 < end && p[1] == ',')
				p++;
			else
				break;
		}
		if (n + 1 < size)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	return p < end && *p == ',' ? p + 1 : end;
}

/* QEMU's -name takes "NAME[,key=value...]" or "guest=NAME[,...]". */
static void name_opts(const char *p, const char *end, char *name, size_t size)
{
	char opt[256];
	bool first = true;

	while (p < end && *p) {
		p = next_opt(p, end, opt, sizeof(opt));
		if (first && !strchr(opt, '='))
			snprintf(name, size, "%s", opt);
		else if (!strncmp(opt, "guest=", 6))
			snprintf(name, size, "%s", opt + 6);
		first = false;
	}
}

bool dq_cmdline_vm_name(const char *buf, size_t len, char *name, size_t size)
{
	const char *p = buf, *end = buf + len;

	*name = '\0';
	while (p < end) {
		size_t n = strnlen(p, end - p);
		const char *next = p + n + 1;

		if (((n == 5 && !memcmp(p, "-name", 5)) ||
		     (n == 6 && !memcmp(p, "--name", 6))) && next < end) {
			name_opts(next, end, name, size);
			next += strnlen(next, end - next) + 1;
		}
		p = next;
	}
	return *name;
}

void dq_vm_fill_names(struct dq_vm *vms, size_t nr)
{
	char path[64], buf[8192];
	size_t i;

	for (i = 0; i < nr; i++) {
		ssize_t len;
		int fd;

		vms[i].name[0] = '\0';
		if (!DQ_HAS(&vms[i], DIRTYQUOTA_A_VM_PID) || !vms[i].pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%u/cmdline", vms[i].pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf));
		close(fd);
		if (len > 0)
			dq_cmdline_vm_name(buf, len, vms[i].name,
					   sizeof(vms[i].name));
	}
}

/* Lists the ids of the VMs in @match in @buf: "3, 5". */
static void list_ids(const struct dq_vm *vms, const long *match, size_t n,
		     char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%llu",
				i ? ", " : "",
				(unsigned long long)vms[match[i]].id);
}

static long one_match(const struct dq_vm *vms, const long *match, size_t n,
		      const char *what, char *err, size_t errlen)
{
	char ids[128];

	if (n == 1)
		return match[0];
	if (!n) {
		snprintf(err, errlen, "no VM %s", what);
		return -1;
	}
	list_ids(vms, match, n, ids, sizeof(ids));
	snprintf(err, errlen, "%zu VMs %s (ids %s): name one with id:N",
		 n, what, ids);
	return -1;
}

enum key { BY_ID, BY_PID, BY_NAME };

static bool matches(const struct dq_vm *vm, enum key key, uint64_t num,
		    const char *name)
{
	switch (key) {
	case BY_ID:
		return vm->id == num;
	case BY_PID:
		return DQ_HAS(vm, DIRTYQUOTA_A_VM_PID) && vm->pid == num;
	default:
		return (vm->name[0] && !strcmp(vm->name, name)) ||
		       (vm->stats_id[0] && !strcmp(vm->stats_id, name));
	}
}

static long find(const struct dq_vm *vms, size_t nr, enum key key,
		 uint64_t num, const char *name, char *err, size_t errlen)
{
	static const char * const fmt[] = {
		[BY_ID] = "with id %llu", [BY_PID] = "with pid %llu",
		[BY_NAME] = "named '%s'",
	};
	long *match = calloc(nr ? nr : 1, sizeof(*match));
	char what[160];
	size_t i, n = 0;
	long ret;

	if (!match) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < nr; i++)
		if (matches(&vms[i], key, num, name))
			match[n++] = i;
	if (key == BY_NAME)
		snprintf(what, sizeof(what), fmt[key], name);
	else
		snprintf(what, sizeof(what), fmt[key],
			 (unsigned long long)num);
	ret = one_match(vms, match, n, what, err, errlen);
	free(match);
	return ret;
}

static long find_number(const struct dq_vm *vms, size_t nr, enum key key,
			const char *s, char *err, size_t errlen)
{
	uint64_t num;

	if (dq_parse_u64(s, &num)) {
		snprintf(err, errlen, "invalid VM %s '%s'",
			 key == BY_ID ? "id" : "pid", s);
		return -1;
	}
	return find(vms, nr, key, num, NULL, err, errlen);
}

long dq_resolve_vm(const struct dq_vm *vms, size_t nr, const char *spec,
		   char *err, size_t errlen)
{
	uint64_t num;
	long i;

	if (!strncmp(spec, "id:", 3))
		return find_number(vms, nr, BY_ID, spec + 3, err, errlen);
	if (!strncmp(spec, "pid:", 4))
		return find_number(vms, nr, BY_PID, spec + 4, err, errlen);
	if (!strncmp(spec, "name:", 5))
		return find(vms, nr, BY_NAME, 0, spec + 5, err, errlen);
	if (!*spec) {
		snprintf(err, errlen, "empty VM name");
		return -1;
	}
	if (dq_parse_u64(spec, &num))
		return find(vms, nr, BY_NAME, 0, spec, err, errlen);
	for (i = 0; (size_t)i < nr; i++)
		if (vms[i].id == num)
			return i;
	i = find(vms, nr, BY_PID, num, NULL, err, errlen);
	if (i < 0 && !strncmp(err, "no VM", 5))
		snprintf(err, errlen, "no VM with id or pid %llu",
			 (unsigned long long)num);
	return i;
}
