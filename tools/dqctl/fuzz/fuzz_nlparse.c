// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what nlparse.c reads from the kernel.
 *
 * The input is a stream of netlink messages, cut the way libnl cuts what
 * recvmsg() returns (nlmsg_ok(), nlmsg_next()); each message, copied to a
 * buffer of exactly its length, goes to the VM, vCPU and extended ack
 * parsers.  Besides not crashing: a parsed value is the last attribute of
 * its type, one too short is an error, strings end within their buffers,
 * and an extended ack is only taken from where the TLVs start.
 *
 * libnl itself is not instrumented: AddressSanitizer sees dqctl's reads,
 * and libnl's through its interceptors (memcpy and the like) only.
 */
#include <errno.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "../nlparse.h"
#include "fuzz.h"

static struct nlmsghdr *request;

/* A VM_SET request as dqctl sends it, for the offset of a bad attribute. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 1, 1, 30, 0, 0, DIRTYQUOTA_CMD_VM_SET, 1) ||
	    nla_put_u64(msg, DIRTYQUOTA_A_VM_ID, 3) ||
	    nla_put_u64(msg, DIRTYQUOTA_A_VM_INTERVAL_NS, 5) ||
	    nla_put_u8(msg, DIRTYQUOTA_A_VM_POOL, 1))
		abort();
	request = malloc(nlmsg_hdr(msg)->nlmsg_len);
	if (!request)
		abort();
	memcpy(request, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return 0;
}

/* The last attribute of @type, as nla_parse() keeps it, or NULL. */
static const struct nlattr *last_attr(const struct nlmsghdr *h, int type)
{
	const struct nlattr *a, *found = NULL;
	struct genlmsghdr *g;
	int rem;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)h, 0))
		return NULL;
	g = nlmsg_data(h);
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(a) == type)
			found = a;
	return found;
}

/*
 * Checks one field of a parsed message against the attribute: @len is the
 * field's size (0 for a string of @size bytes).
 */
static void check_field(const struct nlmsghdr *h, int ret, uint64_t has,
			int type, const void *field, size_t len, size_t size)
{
	const struct nlattr *a = last_attr(h, type);
	size_t n;

	if (ret)
		return;
	FUZZ_ASSERT(!!a == !!(has & DQ_BIT(type)), "attr %d", type);
	if (!a)
		return;
	if (!len) {
		n = strnlen(field, size);
		FUZZ_ASSERT(n < size, "attr %d", type);
		FUZZ_ASSERT(n <= (size_t)nla_len(a) &&
			    !memcmp(field, nla_data(a), n), "attr %d", type);
		return;
	}
	FUZZ_ASSERT((size_t)nla_len(a) >= len, "attr %d: %d bytes", type,
		    nla_len(a));
	if (len == 1)
		FUZZ_ASSERT(*(const bool *)field ==
			    !!*(const uint8_t *)nla_data(a), "attr %d", type);
	else
		FUZZ_ASSERT(!memcmp(field, nla_data(a), len), "attr %d", type);
}

/* A parse that fails does so because some attribute was too short. */
static bool too_short(const struct nlmsghdr *h, int max, int skip)
{
	int type;

	if (!genlmsg_valid_hdr((struct nlmsghdr *)h, 0))
		return true;
	for (type = 1; type <= max; type++) {
		const struct nlattr *a = last_attr(h, type);

		if (type != skip && a && nla_len(a) < 8)
			return true;
	}
	return false;
}

static void fuzz_vm(const struct nlmsghdr *h)
{
	const uint64_t pad = DQ_BIT(DIRTYQUOTA_A_VM_PAD);
	const uint64_t all = DQ_BIT(DIRTYQUOTA_A_VM_MAX + 1) - 2;
	struct dq_vm vm;
	int ret;

	memset(&vm, 'X', sizeof(vm));
	ret = dq_nl_parse_vm(h, &vm);
	FUZZ_ASSERT(!ret || ret == -EBADMSG, "%d", ret);
	if (ret) {
		FUZZ_ASSERT(too_short(h, DIRTYQUOTA_A_VM_MAX,
				      DIRTYQUOTA_A_VM_PAD), "");
		return;
	}
	FUZZ_ASSERT(!(vm.has & ~(all & ~pad)), "%#llx",
		    (unsigned long long)vm.has);
	FUZZ_ASSERT(!vm.name[0] && !vm.vcpus && !vm.nr_vcpu_entries, "");
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_ID, &vm.id, 8, 0);
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_PID, &vm.pid, 4, 0);
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_COMM, vm.comm, 0,
		    sizeof(vm.comm));
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_STATS_ID, vm.stats_id, 0,
		    sizeof(vm.stats_id));
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_BUDGET, &vm.budget, 8, 0);
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_POOL, &vm.pool, 1, 0);
	check_field(h, ret, vm.has, DIRTYQUOTA_A_VM_DIRTY_LOGGING,
		    &vm.dirty_logging, 1, 0);
	if (!DQ_HAS(&vm, DIRTYQUOTA_A_VM_BUDGET))
		FUZZ_ASSERT(!vm.budget, "");
}

static void fuzz_vcpu(const struct nlmsghdr *h)
{
	const uint64_t pad = DQ_BIT(DIRTYQUOTA_A_VCPU_PAD) |
			     DQ_BIT(DIRTYQUOTA_A_VCPU_SHARE);
	const uint64_t all = DQ_BIT(DIRTYQUOTA_A_VCPU_MAX + 1) - 2;
	struct dq_vcpu vcpu;
	int ret;

	memset(&vcpu, 'X', sizeof(vcpu));
	ret = dq_nl_parse_vcpu(h, &vcpu);
	FUZZ_ASSERT(!ret || ret == -EBADMSG, "%d", ret);
	if (ret) {
		FUZZ_ASSERT(too_short(h, DIRTYQUOTA_A_VCPU_MAX,
				      DIRTYQUOTA_A_VCPU_PAD), "");
		return;
	}
	FUZZ_ASSERT(!(vcpu.has & ~(all & ~pad)), "%#llx",
		    (unsigned long long)vcpu.has);
	check_field(h, ret, vcpu.has, DIRTYQUOTA_A_VCPU_VM_ID, &vcpu.vm_id,
		    8, 0);
	check_field(h, ret, vcpu.has, DIRTYQUOTA_A_VCPU_INDEX, &vcpu.index,
		    4, 0);
	check_field(h, ret, vcpu.has, DIRTYQUOTA_A_VCPU_RATE, &vcpu.rate,
		    8, 0);
	check_field(h, ret, vcpu.has, DIRTYQUOTA_A_VCPU_STOPPED,
		    &vcpu.stopped, 1, 0);
	if (!DQ_HAS(&vcpu, DIRTYQUOTA_A_VCPU_RATE))
		FUZZ_ASSERT(!vcpu.rate, "");
}

/*
 * Whether an NLMSG_ERROR's TLVs would start past its end: its echoed
 * request claims more bytes than the reply has.  Counted in 64 bits.
 */
static bool tlvs_past_end(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = nlmsg_data(h);
	uint64_t off = sizeof(*e);

	if (h->nlmsg_type != NLMSG_ERROR || !(h->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlmsg_datalen(h) < (int)sizeof(*e))
		return false;
	if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += (uint64_t)e->msg.nlmsg_len - NLMSG_HDRLEN;
	return ((off + 3) & ~3ULL) >= (uint64_t)nlmsg_datalen(h);
}

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The sequence number picks the request and the attribute names. */
static void fuzz_extack(const struct nlmsghdr *h, unsigned int n)
{
	static const struct dq_ipc_error none;
	const char *(*names[])(int) = {
		dq_vm_attr_name, dq_vcpu_attr_name, NULL,
	};
	const char *(*attr_name)(int) = names[n % 3];
	const struct nlmsghdr *req = n & 4 ? NULL : request;
	struct dq_ipc_error e = { 0 };
	int type;
	bool named = false;

	dq_nl_parse_extack(h, req, attr_name, &e);
	FUZZ_ASSERT(!e.err, "");
	FUZZ_ASSERT(strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg), "");
	FUZZ_ASSERT(strnlen(e.attr, sizeof(e.attr)) < sizeof(e.attr), "");
	if ((h->nlmsg_type != NLMSG_ERROR && h->nlmsg_type != NLMSG_DONE) ||
	    !(h->nlmsg_flags & NLM_F_ACK_TLVS) || tlvs_past_end(h)) {
		FUZZ_ASSERT(!memcmp(&e, &none, sizeof(e)),
			    "type %u flags %#x: '%s' '%s'", h->nlmsg_type,
			    h->nlmsg_flags, e.msg, e.attr);
		return;
	}
	if (!e.attr[0]) {
		FUZZ_ASSERT(!e.missing, "");
		return;
	}
	/* A bad attribute is named, or numbered if it has no name. */
	for (type = 0; attr_name && type < 64; type++)
		if (attr_name(type) && !strcmp(attr_name(type), e.attr))
			named = true;
	FUZZ_ASSERT(named || is_number(e.attr), "'%s'", e.attr);
	FUZZ_ASSERT(e.missing || req, "'%s'", e.attr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *h = (const void *)data;
	int rem = size > INT32_MAX ? INT32_MAX : (int)size;
	struct nlmsghdr *msg;

	if (((uintptr_t)data & (NLMSG_ALIGNTO - 1)))
		return 0;
	for (; nlmsg_ok(h, rem); h = nlmsg_next((struct nlmsghdr *)h, &rem)) {
		msg = malloc(h->nlmsg_len);
		if (!msg)
			abort();
		memcpy(msg, h, h->nlmsg_len);
		fuzz_vm(msg);
		fuzz_vcpu(msg);
		fuzz_extack(msg, msg->nlmsg_seq);
		free(msg);
	}
	return 0;
}
