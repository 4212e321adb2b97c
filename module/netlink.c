// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "dirtyquota": every tracked VM and vCPU for
 * operators and policy daemons, their settings, and the "events" multicast
 * group.  The interface is documented in uapi/linux/dirtyquota.h and
 * specified in uapi/dirtyquota.yaml.
 */
#include <linux/cred.h>
#include <linux/dirtyquota.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "vm.h"

enum {
	DQ_MCGRP_EVENTS_ID,
};

/* Events name every VM and its VMM: for CAP_SYS_ADMIN, as changes are. */
static const struct genl_multicast_group dq_mcgrps[] = {
	[DQ_MCGRP_EVENTS_ID] = {
		.name	= DIRTYQUOTA_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_SYS_ADMIN,
	},
};

/*
 * Reads are KVM's own stats and more (the VMM's pid and name): by default
 * for CAP_SYS_ADMIN only, as KVM's debugfs is for root; the holder of a VM
 * fd has its own VM's through /dev/dirtyquota or KVM_GET_STATS_FD.
 */
static int read_group = -1;
module_param(read_group, int, 0644);
MODULE_PARM_DESC(read_group,
		 "group whose members may also read VMs and vCPUs over netlink (-1: none)");

static bool dq_nl_may_read(struct sk_buff *skb)
{
	int gid = READ_ONCE(read_group);
	kgid_t kgid = make_kgid(&init_user_ns, gid);

	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	return gid >= 0 && gid_valid(kgid) && in_group_p(kgid);
}

static int dq_nl_check_read(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (dq_nl_may_read(skb))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "reading needs CAP_SYS_ADMIN, or the group in dirtyquota's read_group parameter");
	return -EPERM;
}

/*
 * Changing settings can hold any user's vCPUs for as long as one likes:
 * more than CAP_NET_ADMIN, which network agents hold, should allow.
 */
static int dq_nl_check_set(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, "changing settings needs CAP_SYS_ADMIN");
	return -EPERM;
}

/* Not const: 6.1's policy points at it through a plain pointer. */
static struct netlink_range_validation dq_interval_range = {
	.min = DIRTYQUOTA_INTERVAL_MIN_NS,
	.max = DIRTYQUOTA_INTERVAL_MAX_NS,
};

static struct netlink_range_validation dq_max_stall_range = {
	.min = DIRTYQUOTA_MAX_STALL_MIN_NS,
	.max = DIRTYQUOTA_MAX_STALL_MAX_NS,
};

static const struct nla_policy dq_vm_get_policy[DIRTYQUOTA_A_VM_ID + 1] = {
	[DIRTYQUOTA_A_VM_ID]		= { .type = NLA_U64 },
};

static const struct nla_policy dq_vm_set_policy[DIRTYQUOTA_A_VM_MAX_STALL_NS + 1] = {
	[DIRTYQUOTA_A_VM_ID]		= { .type = NLA_U64 },
	[DIRTYQUOTA_A_VM_MODE]		= NLA_POLICY_MAX(NLA_U32,
							 __DIRTYQUOTA_MODE_MAX),
	[DIRTYQUOTA_A_VM_BUDGET]	= { .type = NLA_U64 },
	[DIRTYQUOTA_A_VM_INTERVAL_NS]	= NLA_POLICY_FULL_RANGE(NLA_U64,
							&dq_interval_range),
	[DIRTYQUOTA_A_VM_POOL]		= NLA_POLICY_MAX(NLA_U8, 1),
	[DIRTYQUOTA_A_VM_MAX_STALL_NS]	= NLA_POLICY_FULL_RANGE(NLA_U64,
							&dq_max_stall_range),
};

static const struct nla_policy dq_vcpu_get_policy[DIRTYQUOTA_A_VCPU_VM_ID + 1] = {
	[DIRTYQUOTA_A_VCPU_VM_ID]	= { .type = NLA_U64 },
};

static const struct nla_policy dq_vcpu_set_policy[DIRTYQUOTA_A_VCPU_SHARE + 1] = {
	[DIRTYQUOTA_A_VCPU_VM_ID]	= { .type = NLA_U64 },
	[DIRTYQUOTA_A_VCPU_INDEX]	= { .type = NLA_U32 },
	[DIRTYQUOTA_A_VCPU_RATE]	= { .type = NLA_U64 },
	[DIRTYQUOTA_A_VCPU_SHARE]	= { .type = NLA_FLAG },
};

static struct genl_family dq_family;

/* The reasons vm.c gives are string literals, as extack wants them. */
static void dq_nl_why(struct netlink_ext_ack *extack, const char *why,
		      const struct nlattr *attr)
{
	if (extack && why)
		extack->_msg = why;
	NL_SET_BAD_ATTR(extack, attr);
}

/*
 * The netlink core lets the last of several equal attributes win; a request
 * that names a value twice is more likely a bug than a wish: reject it.
 */
static int dq_nl_no_dups(const struct nlmsghdr *nlh,
			 struct netlink_ext_ack *extack)
{
	unsigned long seen = 0;
	struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, nlh, GENL_HDRLEN, rem) {
		int type = nla_type(nla);

		if (type >= BITS_PER_LONG)
			continue;	/* the policy rejects it */
		if (__test_and_set_bit(type, &seen)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "duplicate attribute");
			return -EINVAL;
		}
	}
	return 0;
}

/* Like GENL_REQ_ATTR_CHECK(), with a message as well as the missing type. */
static bool dq_nl_missing(struct nlattr **attrs, int type,
			  struct netlink_ext_ack *extack)
{
	if (attrs[type])
		return false;
	NL_SET_ERR_MSG(extack, "missing required attribute");
	NL_SET_ERR_ATTR_MISS(extack, NULL, type);
	return true;
}

static struct dq_vm *dq_nl_find_vm(struct nlattr *attr,
				   struct netlink_ext_ack *extack)
{
	struct dq_vm *vm = dq_vm_find(nla_get_u64(attr));

	if (!vm)
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such VM");
	return vm;
}

static int dq_nl_put_u64(struct sk_buff *skb, int type, u64 value)
{
	/* The pad attribute is the first of both attribute sets. */
	BUILD_BUG_ON((int)DIRTYQUOTA_A_VM_PAD != (int)DIRTYQUOTA_A_VCPU_PAD);
	return nla_put_u64_64bit(skb, type, value, DIRTYQUOTA_A_VM_PAD);
}

static int dq_nl_fill_vm(struct sk_buff *skb, const struct dq_vm_info *v)
{
	if (dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_ID, v->id) ||
	    nla_put_u32(skb, DIRTYQUOTA_A_VM_PID, v->pid) ||
	    (v->comm[0] && nla_put_string(skb, DIRTYQUOTA_A_VM_COMM, v->comm)) ||
	    nla_put_string(skb, DIRTYQUOTA_A_VM_STATS_ID, v->stats_id) ||
	    nla_put_u32(skb, DIRTYQUOTA_A_VM_NR_VCPUS, v->nr_vcpus) ||
	    nla_put_u32(skb, DIRTYQUOTA_A_VM_MODE, v->cfg.mode) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_BUDGET, v->cfg.budget) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_INTERVAL_NS, v->cfg.interval_ns) ||
	    nla_put_u8(skb, DIRTYQUOTA_A_VM_POOL, v->cfg.pool) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_POOL_LEVEL, v->pool) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_POOL_CAP, v->pool_cap) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_BYTES_DIRTIED, v->bytes_dirtied) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED,
			  v->bytes_unattributed) ||
	    nla_put_u8(skb, DIRTYQUOTA_A_VM_ATTACHED, v->attached) ||
	    nla_put_u8(skb, DIRTYQUOTA_A_VM_EXIT_ALLOWED, v->exit_allowed) ||
	    nla_put_u8(skb, DIRTYQUOTA_A_VM_DIRTY_LOGGING, v->dirty_logging) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_MAX_STALL_NS, v->cfg.max_stall_ns) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_HARVESTS, v->harvests) ||
	    (v->harvests &&
	     dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_HARVEST_AGE_NS,
			   v->harvest_age_ns)))
		return -EMSGSIZE;
	return 0;
}

static int dq_nl_vm_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dq_vm_info v;
	struct sk_buff *msg;
	struct dq_vm *vm;
	void *hdr;
	int r;

	r = dq_nl_check_read(skb, info->extack);
	if (r)
		return r;
	if (dq_nl_no_dups(info->nlhdr, info->extack) ||
	    dq_nl_missing(info->attrs, DIRTYQUOTA_A_VM_ID, info->extack))
		return -EINVAL;
	vm = dq_nl_find_vm(info->attrs[DIRTYQUOTA_A_VM_ID], info->extack);
	if (!vm)
		return -ENOENT;
	r = dq_vm_get_info(vm, &v);
	dq_vm_put(vm);
	if (r) {
		NL_SET_ERR_MSG(info->extack, "the VM is being destroyed");
		return r;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dq_family, 0, info->genlhdr->cmd);
	if (!hdr || dq_nl_fill_vm(msg, &v)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Who may dump is checked before the dump starts: a dump that is refused
 * there holds no reference on the module (a running one does, until it
 * ends or its socket closes).  Its answer has no extack message: start
 * has none to give.
 */
static int dq_nl_dump_start(struct netlink_callback *cb)
{
	return dq_nl_may_read(cb->skb) ? 0 : -EPERM;
}

/*
 * Dumps check their request in the first dumpit call, not in start: 6.1
 * gives start no extack.  cb->args[1] is set once that is done.
 */
static int dq_nl_dump_first(struct netlink_callback *cb)
{
	if (cb->args[1])
		return 0;
	cb->args[1] = 1;
	return dq_nl_no_dups(cb->nlh, cb->extack);
}

/* cb->args[0]: the id to go on from.  With DIRTYQUOTA_A_VM_ID, that VM. */
static int dq_nl_vm_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *only = dq_dump_attrs(cb)[DIRTYQUOTA_A_VM_ID];
	struct dq_vm_info v;
	struct dq_vm *vm;
	void *hdr;
	u64 id;
	int r;

	r = dq_nl_dump_first(cb);
	if (r)
		return r;
	if (only && cb->args[0] < nla_get_u64(only))
		cb->args[0] = nla_get_u64(only);
	while ((vm = dq_vm_next(cb->args[0]))) {
		id = vm->id;
		r = dq_vm_get_info(vm, &v);
		dq_vm_put(vm);
		if (only && id != nla_get_u64(only))
			break;
		cb->args[0] = id;
		/* Being destroyed: it is no longer there to show. */
		if (r) {
			cb->args[0]++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &dq_family, NLM_F_MULTI,
				  DIRTYQUOTA_CMD_VM_GET);
		if (!hdr)
			break;
		if (dq_nl_fill_vm(skb, &v)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	return skb->len;
}

static int dq_nl_fill_vcpu(struct sk_buff *skb, const struct dq_vcpu_snapshot *s)
{
	if (nla_put_u8(skb, DIRTYQUOTA_A_VCPU_TRACKED, s->tracked))
		return -EMSGSIZE;
	if (!s->tracked)
		return 0;
	if (dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_BYTES_DIRTIED,
			  s->bytes_dirtied) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_DIRTY_RATE, s->dirty_rate) ||
	    (s->own_rate &&
	     dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_RATE, s->rate)) ||
	    (s->limited &&
	     (dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_BYTES_INTERVAL,
			    s->bytes_interval) ||
	      dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_QUOTA, s->quota))) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_STOPS, s->stops) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_THROTTLED_NS, s->throttled_ns) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_POOL_DRAWN, s->pool_drawn) ||
	    nla_put_u8(skb, DIRTYQUOTA_A_VCPU_STOPPED, s->stopped) ||
	    dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_KVM_BYTES, s->kvm_bytes) ||
	    (s->harvested &&
	     (dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_PASS_BYTES, s->pass_bytes) ||
	      dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES,
			    s->last_pass_bytes))))
		return -EMSGSIZE;
	return 0;
}

/*
 * A vCPU dump holds a reference on its VM from its first call to done, in
 * cb->args[0]; cb->args[2] is the index to go on from.
 */
static int dq_nl_vcpu_get_first(struct netlink_callback *cb)
{
	struct nlattr **attrs = dq_dump_attrs(cb);
	struct dq_vm *vm;
	int r;

	r = dq_nl_dump_first(cb);
	if (r)
		return r;
	if (dq_nl_missing(attrs, DIRTYQUOTA_A_VCPU_VM_ID, cb->extack))
		return -EINVAL;
	vm = dq_nl_find_vm(attrs[DIRTYQUOTA_A_VCPU_VM_ID], cb->extack);
	if (!vm)
		return -ENOENT;
	cb->args[0] = (long)vm;
	return 0;
}

static int dq_nl_vcpu_get_done(struct netlink_callback *cb)
{
	struct dq_vm *vm = (struct dq_vm *)cb->args[0];

	if (vm)
		dq_vm_put(vm);
	return 0;
}

static int dq_nl_vcpu_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct dq_vcpu_snapshot s;
	struct kvm_vcpu *vcpu;
	struct dq_vm *vm;
	unsigned long i;
	struct kvm *kvm;
	void *hdr;
	int r;

	if (!cb->args[0]) {
		r = dq_nl_vcpu_get_first(cb);
		if (r)
			return r;
	}
	vm = (struct dq_vm *)cb->args[0];
	/* Once the VM is gone, the dump ends with what it had sent. */
	kvm = dq_vm_get_kvm(vm);
	if (!kvm)
		return 0;
	for (i = cb->args[2]; i < atomic_read(&kvm->online_vcpus); i++) {
		vcpu = kvm_get_vcpu(kvm, i);
		if (!vcpu)
			break;
		dq_vcpu_snapshot(vm, vcpu, &s);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &dq_family, NLM_F_MULTI,
				  DIRTYQUOTA_CMD_VCPU_GET);
		if (!hdr)
			break;
		if (dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_VM_ID, vm->id) ||
		    nla_put_u32(skb, DIRTYQUOTA_A_VCPU_INDEX, i) ||
		    nla_put_u32(skb, DIRTYQUOTA_A_VCPU_ID, vcpu->vcpu_id) ||
		    dq_nl_fill_vcpu(skb, &s)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[2] = i;
	dq_vm_put_kvm(vm, kvm);
	return skb->len;
}

/* The settings a VM_SET request names, as DIRTYQUOTA_CFG_* bits. */
static u32 dq_nl_vm_set_parse(struct nlattr **a, struct dq_config *cfg)
{
	u32 set = 0;

	if (a[DIRTYQUOTA_A_VM_MODE]) {
		set |= DIRTYQUOTA_CFG_MODE;
		cfg->mode = nla_get_u32(a[DIRTYQUOTA_A_VM_MODE]);
	}
	if (a[DIRTYQUOTA_A_VM_BUDGET]) {
		set |= DIRTYQUOTA_CFG_BUDGET;
		cfg->budget = nla_get_u64(a[DIRTYQUOTA_A_VM_BUDGET]);
	}
	if (a[DIRTYQUOTA_A_VM_INTERVAL_NS]) {
		set |= DIRTYQUOTA_CFG_INTERVAL;
		cfg->interval_ns = nla_get_u64(a[DIRTYQUOTA_A_VM_INTERVAL_NS]);
	}
	if (a[DIRTYQUOTA_A_VM_POOL]) {
		set |= DIRTYQUOTA_CFG_POOL;
		cfg->pool = nla_get_u8(a[DIRTYQUOTA_A_VM_POOL]);
	}
	if (a[DIRTYQUOTA_A_VM_MAX_STALL_NS]) {
		set |= DIRTYQUOTA_CFG_MAX_STALL;
		cfg->max_stall_ns = nla_get_u64(a[DIRTYQUOTA_A_VM_MAX_STALL_NS]);
	}
	return set;
}

static int dq_nl_vm_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct dq_config cfg = { 0 };
	const char *why = NULL;
	struct dq_vm *vm;
	u32 set;
	int r;

	r = dq_nl_check_set(skb, info->extack);
	if (r)
		return r;
	if (dq_nl_no_dups(info->nlhdr, info->extack) ||
	    dq_nl_missing(a, DIRTYQUOTA_A_VM_ID, info->extack))
		return -EINVAL;
	set = dq_nl_vm_set_parse(a, &cfg);
	if (!set) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give mode, budget, interval-ns, pool or max-stall-ns");
		return -EINVAL;
	}

	vm = dq_nl_find_vm(a[DIRTYQUOTA_A_VM_ID], info->extack);
	if (!vm)
		return -ENOENT;
	r = dq_vm_configure(vm, set, &cfg, &why);
	dq_vm_put(vm);
	if (r)
		dq_nl_why(info->extack, why,
			  r == -EPERM ? a[DIRTYQUOTA_A_VM_MODE] : NULL);
	return r;
}

static int dq_nl_vcpu_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	const char *why = NULL;
	struct dq_vm *vm;
	bool share;
	u64 rate;
	int r;

	r = dq_nl_check_set(skb, info->extack);
	if (r)
		return r;
	if (dq_nl_no_dups(info->nlhdr, info->extack) ||
	    dq_nl_missing(a, DIRTYQUOTA_A_VCPU_VM_ID, info->extack) ||
	    dq_nl_missing(a, DIRTYQUOTA_A_VCPU_INDEX, info->extack))
		return -EINVAL;
	share = nla_get_flag(a[DIRTYQUOTA_A_VCPU_SHARE]);
	if (share && a[DIRTYQUOTA_A_VCPU_RATE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[DIRTYQUOTA_A_VCPU_SHARE],
				    "give either a rate or share, not both");
		return -EINVAL;
	}
	if (!share && !a[DIRTYQUOTA_A_VCPU_RATE]) {
		NL_SET_ERR_MSG(info->extack, "give a rate, or share");
		return -EINVAL;
	}
	rate = share ? 0 : nla_get_u64(a[DIRTYQUOTA_A_VCPU_RATE]);

	vm = dq_nl_find_vm(a[DIRTYQUOTA_A_VCPU_VM_ID], info->extack);
	if (!vm)
		return -ENOENT;
	r = dq_vcpu_set_rate(vm, nla_get_u32(a[DIRTYQUOTA_A_VCPU_INDEX]),
			     share, rate, &why);
	dq_vm_put(vm);
	if (r)
		dq_nl_why(info->extack, why,
			  r == -ENOENT ? a[DIRTYQUOTA_A_VCPU_INDEX] : NULL);
	return r;
}

static const struct genl_ops dq_nl_ops[] = {
	{
		.cmd		= DIRTYQUOTA_CMD_VM_GET,
		.doit		= dq_nl_vm_get_doit,
		.start		= dq_nl_dump_start,
		.dumpit		= dq_nl_vm_get_dumpit,
		.policy		= dq_vm_get_policy,
		.maxattr	= ARRAY_SIZE(dq_vm_get_policy) - 1,
	},
	{
		.cmd		= DIRTYQUOTA_CMD_VM_SET,
		.doit		= dq_nl_vm_set_doit,
		.policy		= dq_vm_set_policy,
		.maxattr	= ARRAY_SIZE(dq_vm_set_policy) - 1,
	},
	{
		.cmd		= DIRTYQUOTA_CMD_VCPU_GET,
		.start		= dq_nl_dump_start,
		.dumpit		= dq_nl_vcpu_get_dumpit,
		.done		= dq_nl_vcpu_get_done,
		.policy		= dq_vcpu_get_policy,
		.maxattr	= ARRAY_SIZE(dq_vcpu_get_policy) - 1,
	},
	{
		.cmd		= DIRTYQUOTA_CMD_VCPU_SET,
		.doit		= dq_nl_vcpu_set_doit,
		.policy		= dq_vcpu_set_policy,
		.maxattr	= ARRAY_SIZE(dq_vcpu_set_policy) - 1,
	},
};

static struct genl_family dq_family __ro_after_init = {
	.name		= DIRTYQUOTA_FAMILY_NAME,
	.version	= DIRTYQUOTA_FAMILY_VERSION,
	.module		= THIS_MODULE,
	/* VMs, vCPUs and settings have locks of their own. */
	.parallel_ops	= true,
	.ops		= dq_nl_ops,
	.n_ops		= ARRAY_SIZE(dq_nl_ops),
	.mcgrps		= dq_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(dq_mcgrps),
};

/*
 * An event message, or NULL if nobody listens.  Events are sent from
 * process context, never from the per-page path.
 */
static struct sk_buff *dq_nl_event_new(u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&dq_family, &init_net, DQ_MCGRP_EVENTS_ID))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &dq_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void dq_nl_event_send(struct sk_buff *skb, void *hdr, bool failed)
{
	if (failed) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&dq_family, skb, 0, DQ_MCGRP_EVENTS_ID, GFP_KERNEL);
}

void dq_nl_vm_new(struct dq_vm *vm, const char *stats_id)
{
	char comm[TASK_COMM_LEN];
	struct sk_buff *skb;
	void *hdr;

	skb = dq_nl_event_new(DIRTYQUOTA_CMD_VM_NEW_NTF, &hdr);
	if (!skb)
		return;
	dq_vm_comm(vm->pid, comm);
	dq_nl_event_send(skb, hdr,
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_ID, vm->id) ||
			 nla_put_u32(skb, DIRTYQUOTA_A_VM_PID, vm->pid) ||
			 (comm[0] &&
			  nla_put_string(skb, DIRTYQUOTA_A_VM_COMM, comm)) ||
			 nla_put_string(skb, DIRTYQUOTA_A_VM_STATS_ID, stats_id));
}

void dq_nl_vm_del(struct dq_vm *vm, u64 bytes_dirtied)
{
	struct sk_buff *skb;
	void *hdr;

	skb = dq_nl_event_new(DIRTYQUOTA_CMD_VM_DEL_NTF, &hdr);
	if (!skb)
		return;
	dq_nl_event_send(skb, hdr,
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_ID, vm->id) ||
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_BYTES_DIRTIED,
				       bytes_dirtied) ||
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED,
				       atomic64_read(&vm->count.bytes_unattributed)));
}

void dq_nl_mode_change(struct dq_vm *vm, u32 old_mode, u32 mode)
{
	struct sk_buff *skb;
	void *hdr;

	skb = dq_nl_event_new(DIRTYQUOTA_CMD_MODE_CHANGE_NTF, &hdr);
	if (!skb)
		return;
	dq_nl_event_send(skb, hdr,
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VM_ID, vm->id) ||
			 nla_put_u32(skb, DIRTYQUOTA_A_VM_MODE, mode) ||
			 nla_put_u32(skb, DIRTYQUOTA_A_VM_OLD_MODE, old_mode));
}

void dq_nl_quota_full(struct dq_vm *vm, const struct dq_vcpu_full *e)
{
	struct sk_buff *skb;
	void *hdr;

	skb = dq_nl_event_new(DIRTYQUOTA_CMD_QUOTA_FULL_NTF, &hdr);
	if (!skb)
		return;
	dq_nl_event_send(skb, hdr,
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_VM_ID, vm->id) ||
			 nla_put_u32(skb, DIRTYQUOTA_A_VCPU_INDEX, e->index) ||
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_BYTES_INTERVAL,
				       e->bytes_interval) ||
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_QUOTA, e->quota) ||
			 dq_nl_put_u64(skb, DIRTYQUOTA_A_VCPU_STOPS, e->stops));
}

int dq_nl_init(void)
{
	return genl_register_family(&dq_family);
}

void dq_nl_exit(void)
{
	genl_unregister_family(&dq_family);
}

MODULE_ALIAS_GENL_FAMILY(DIRTYQUOTA_FAMILY_NAME);
