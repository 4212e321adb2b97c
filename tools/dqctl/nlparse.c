// SPDX-License-Identifier: GPL-2.0
/*
 * Reading dirtyquota's netlink messages and the kernel's extended acks
 * into plain structs; no sockets here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nlparse.h"

/* Room for the attributes of either set. */
#define ATTR_MAX	31
_Static_assert(DIRTYQUOTA_A_VM_MAX <= ATTR_MAX &&
	       DIRTYQUOTA_A_VCPU_MAX <= ATTR_MAX, "ATTR_MAX too small");

/* How attributes map onto the fields of struct dq_vm and dq_vcpu. */
enum { F_NONE, F_BOOL, F_U32, F_U64, F_STR };

struct field {
	unsigned char type;
	unsigned short off;
	unsigned short size;
};

#define VM(t, m)	{ t, offsetof(struct dq_vm, m), \
			  sizeof(((struct dq_vm *)0)->m) }
#define VCPU(t, m)	{ t, offsetof(struct dq_vcpu, m), \
			  sizeof(((struct dq_vcpu *)0)->m) }

static const struct field vm_fields[DIRTYQUOTA_A_VM_MAX + 1] = {
	[DIRTYQUOTA_A_VM_ID] = VM(F_U64, id),
	[DIRTYQUOTA_A_VM_PID] = VM(F_U32, pid),
	[DIRTYQUOTA_A_VM_COMM] = VM(F_STR, comm),
	[DIRTYQUOTA_A_VM_STATS_ID] = VM(F_STR, stats_id),
	[DIRTYQUOTA_A_VM_NR_VCPUS] = VM(F_U32, nr_vcpus),
	[DIRTYQUOTA_A_VM_MODE] = VM(F_U32, mode),
	[DIRTYQUOTA_A_VM_OLD_MODE] = VM(F_U32, old_mode),
	[DIRTYQUOTA_A_VM_BUDGET] = VM(F_U64, budget),
	[DIRTYQUOTA_A_VM_INTERVAL_NS] = VM(F_U64, interval_ns),
	[DIRTYQUOTA_A_VM_POOL] = VM(F_BOOL, pool),
	[DIRTYQUOTA_A_VM_POOL_LEVEL] = VM(F_U64, pool_level),
	[DIRTYQUOTA_A_VM_POOL_CAP] = VM(F_U64, pool_cap),
	[DIRTYQUOTA_A_VM_BYTES_DIRTIED] = VM(F_U64, bytes_dirtied),
	[DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED] = VM(F_U64, bytes_unattributed),
	[DIRTYQUOTA_A_VM_ATTACHED] = VM(F_BOOL, attached),
	[DIRTYQUOTA_A_VM_EXIT_ALLOWED] = VM(F_BOOL, exit_allowed),
	[DIRTYQUOTA_A_VM_DIRTY_LOGGING] = VM(F_BOOL, dirty_logging),
	[DIRTYQUOTA_A_VM_MAX_STALL_NS] = VM(F_U64, max_stall_ns),
	[DIRTYQUOTA_A_VM_HARVESTS] = VM(F_U64, harvests),
	[DIRTYQUOTA_A_VM_HARVEST_AGE_NS] = VM(F_U64, harvest_age_ns),
};

static const struct field vcpu_fields[DIRTYQUOTA_A_VCPU_MAX + 1] = {
	[DIRTYQUOTA_A_VCPU_VM_ID] = VCPU(F_U64, vm_id),
	[DIRTYQUOTA_A_VCPU_INDEX] = VCPU(F_U32, index),
	[DIRTYQUOTA_A_VCPU_ID] = VCPU(F_U32, id),
	[DIRTYQUOTA_A_VCPU_TRACKED] = VCPU(F_BOOL, tracked),
	[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED] = VCPU(F_U64, bytes_dirtied),
	[DIRTYQUOTA_A_VCPU_DIRTY_RATE] = VCPU(F_U64, dirty_rate),
	[DIRTYQUOTA_A_VCPU_RATE] = VCPU(F_U64, rate),
	[DIRTYQUOTA_A_VCPU_BYTES_INTERVAL] = VCPU(F_U64, bytes_interval),
	[DIRTYQUOTA_A_VCPU_QUOTA] = VCPU(F_U64, quota),
	[DIRTYQUOTA_A_VCPU_STOPS] = VCPU(F_U64, stops),
	[DIRTYQUOTA_A_VCPU_THROTTLED_NS] = VCPU(F_U64, throttled_ns),
	[DIRTYQUOTA_A_VCPU_POOL_DRAWN] = VCPU(F_U64, pool_drawn),
	[DIRTYQUOTA_A_VCPU_STOPPED] = VCPU(F_BOOL, stopped),
	[DIRTYQUOTA_A_VCPU_PASS_BYTES] = VCPU(F_U64, pass_bytes),
	[DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES] = VCPU(F_U64, last_pass_bytes),
	[DIRTYQUOTA_A_VCPU_KVM_BYTES] = VCPU(F_U64, kvm_bytes),
};

/*
 * Copies the attributes in @tb that @fields knows into @obj; @has gets
 * their bits.  Attributes shorter than their type are an error.
 */
static int decode(struct nlattr **tb, int max, const struct field *fields,
		  void *obj, uint64_t *has)
{
	int i;

	*has = 0;
	for (i = 1; i <= max; i++) {
		const struct field *f = &fields[i];
		char *dst = (char *)obj + f->off;
		struct nlattr *a = tb[i];
		uint8_t u8;

		if (!a || f->type == F_NONE)
			continue;
		switch (f->type) {
		case F_BOOL:
			if (nla_len(a) < 1)
				return -EBADMSG;
			memcpy(&u8, nla_data(a), 1);
			*(bool *)dst = u8;
			break;
		case F_U32:
		case F_U64:
			if (nla_len(a) < f->size)
				return -EBADMSG;
			memcpy(dst, nla_data(a), f->size);
			break;
		case F_STR:
			memset(dst, 0, f->size);
			memcpy(dst, nla_data(a),
			       nla_len(a) < f->size ? nla_len(a) : f->size - 1);
			break;
		}
		*has |= DQ_BIT(i);
	}
	return 0;
}

static int parse(const struct nlmsghdr *h, int max, const struct field *f,
		 void *obj, uint64_t *has)
{
	struct nlattr *tb[ATTR_MAX + 1];

	if (genlmsg_parse((struct nlmsghdr *)h, 0, tb, max, NULL) < 0)
		return -EBADMSG;
	return decode(tb, max, f, obj, has);
}

int dq_nl_parse_vm(const struct nlmsghdr *h, struct dq_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	return parse(h, DIRTYQUOTA_A_VM_MAX, vm_fields, vm, &vm->has);
}

int dq_nl_parse_vcpu(const struct nlmsghdr *h, struct dq_vcpu *vcpu)
{
	memset(vcpu, 0, sizeof(*vcpu));
	return parse(h, DIRTYQUOTA_A_VCPU_MAX, vcpu_fields, vcpu, &vcpu->has);
}

/*
 * Names attribute @type, or the one at byte @off of request @req; an
 * offset that is not where an attribute can start names nothing.
 */
static void name_attr(const struct nlmsghdr *req, uint32_t off, int type,
		      const char *(*attr_name)(int attr),
		      struct dq_ipc_error *e, bool missing)
{
	const char *name;

	if (!missing) {
		if (!req || off < NLMSG_HDRLEN + GENL_HDRLEN ||
		    off % NLA_ALIGNTO ||
		    (uint64_t)off + sizeof(struct nlattr) > req->nlmsg_len)
			return;
		type = ((const struct nlattr *)((const char *)req + off))->nla_type &
		       NLA_TYPE_MASK;
	}
	name = attr_name ? attr_name(type) : NULL;
	if (name)
		snprintf(e->attr, sizeof(e->attr), "%s", name);
	else
		snprintf(e->attr, sizeof(e->attr), "%d", type);
	e->missing = missing;
}

/* Where the TLVs of an NLMSG_ERROR or NLMSG_DONE start, or 0. */
static size_t tlv_offset(const struct nlmsghdr *h)
{
	const struct nlmsgerr *err = nlmsg_data(h);
	size_t off;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (h->nlmsg_type == NLMSG_DONE)
		return NLMSG_ALIGN(sizeof(int));
	if (h->nlmsg_type != NLMSG_ERROR ||
	    nlmsg_datalen(h) < (int)sizeof(*err))
		return 0;
	off = sizeof(*err);
	if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	return NLMSG_ALIGN(off);
}

void dq_nl_parse_extack(const struct nlmsghdr *h, const struct nlmsghdr *req,
			const char *(*attr_name)(int attr),
			struct dq_ipc_error *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1], *a;
	size_t off = tlv_offset(h);
	int len = nlmsg_datalen(h);

	if (!off || off >= (size_t)len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(h) + off),
		      len - off, NULL) < 0)
		return;
	a = tb[NLMSGERR_ATTR_MSG];
	if (a)
		snprintf(e->msg, sizeof(e->msg), "%.*s",
			 (int)strnlen(nla_data(a), nla_len(a)),
			 (char *)nla_data(a));
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) >= 4)
		name_attr(req, nla_get_u32(a), 0, attr_name, e, false);
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && nla_len(a) >= 4)
		name_attr(req, 0, nla_get_u32(a), attr_name, e, true);
}
