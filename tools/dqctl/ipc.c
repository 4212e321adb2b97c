// SPDX-License-Identifier: GPL-2.0
/*
 * The conversation with dirtyquota.ko over generic netlink, with libnl.
 *
 * libnl 3.7 does not read extended acks, so every incoming message goes
 * through msg_in() first, which keeps the kernel's message and the
 * attribute it points at.  Errors of a dump come either as an NLMSG_ERROR
 * (the dump did not start) or as the errno in NLMSG_DONE.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "ipc.h"
#include "nlparse.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define RCVBUF_EVENTS	(1 << 20)

struct dq_ipc {
	struct nl_sock *sk;
	struct nl_sock *events;
	int family;
	struct nl_msg *request;		/* in flight, to name a bad attribute */
	const char *(*attr_name)(int attr);
	struct dq_ipc_error error;
};

static int nlerr_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

/* Keeps the extended ack of an NLMSG_ERROR or NLMSG_DONE. */
static int msg_in(struct nl_msg *msg, void *arg)
{
	struct dq_ipc *ipc = arg;

	dq_nl_parse_extack(nlmsg_hdr(msg),
			   ipc->request ? nlmsg_hdr(ipc->request) : NULL,
			   ipc->attr_name, &ipc->error);
	return NL_OK;
}

struct txn {
	struct dq_ipc *ipc;
	bool pending;
	int err;
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct txn *t = arg;

	t->err = e->error;
	t->pending = false;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct txn *t = arg;
	int err;

	if (nlmsg_datalen(h) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(h), sizeof(err));
		if (err < 0)
			t->err = err;
	}
	t->pending = false;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;

	t->pending = false;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	int err;

	if (!t->parse || t->err)
		return NL_OK;
	err = t->parse(msg, t->arg);
	if (err)
		t->err = err;
	return NL_OK;
}

/*
 * Sends @msg and reads until its ack, its NLMSG_DONE or an error, giving
 * every reply to @parse.  @attr_name names attributes of the request.
 */
static int transact(struct dq_ipc *ipc, struct nl_msg *msg,
		    const char *(*attr_name)(int attr),
		    int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct txn t = {
		.ipc = ipc, .pending = true, .parse = parse, .arg = arg,
	};
	struct nl_cb *cb;
	int err;

	memset(&ipc->error, 0, sizeof(ipc->error));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, msg_in, ipc);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);

	ipc->request = msg;
	ipc->attr_name = attr_name;
	err = nl_send_auto(ipc->sk, msg);
	while (err >= 0 && t.pending) {
		err = nl_recvmsgs(ipc->sk, cb);
		if (err < 0 && !t.err)
			t.err = nlerr_to_errno(err);
	}
	if (err < 0 && !t.err)
		t.err = nlerr_to_errno(err);
	ipc->request = NULL;
	nl_cb_put(cb);
	if (t.err)
		ipc->error.err = -t.err;
	return t.err;
}

static struct nl_msg *request(struct dq_ipc *ipc, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc->family,
				0, flags, cmd, DIRTYQUOTA_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A growing array of VMs or vCPUs, filled by a dump. */
struct collect {
	void *items;
	size_t nr, alloc, size;
	int (*parse)(struct nl_msg *msg, void *item);
};

static int collect_one(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;

	if (c->nr == c->alloc) {
		size_t alloc = c->alloc ? c->alloc * 2 : 16;
		void *items = realloc(c->items, alloc * c->size);

		if (!items)
			return -ENOMEM;
		c->items = items;
		c->alloc = alloc;
	}
	if (c->parse(msg, (char *)c->items + c->nr * c->size))
		return -EBADMSG;
	c->nr++;
	return 0;
}

static int parse_vm_cb(struct nl_msg *msg, void *vm)
{
	return dq_nl_parse_vm(nlmsg_hdr(msg), vm);
}

static int parse_vcpu_cb(struct nl_msg *msg, void *vcpu)
{
	return dq_nl_parse_vcpu(nlmsg_hdr(msg), vcpu);
}

static int dump(struct dq_ipc *ipc, struct nl_msg *msg,
		const char *(*attr_name)(int attr), struct collect *c)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(ipc, msg, attr_name, collect_one, c);
	nlmsg_free(msg);
	if (err) {
		free(c->items);
		c->items = NULL;
		c->nr = 0;
	}
	return err;
}

int dq_ipc_dump_vms(struct dq_ipc *ipc, struct dq_vm **vms, size_t *nr)
{
	struct collect c = { .size = sizeof(**vms), .parse = parse_vm_cb };
	int err;

	err = dump(ipc, request(ipc, DIRTYQUOTA_CMD_VM_GET, NLM_F_DUMP),
		   dq_vm_attr_name, &c);
	*vms = c.items;
	*nr = c.nr;
	return err;
}

int dq_ipc_dump_vcpus(struct dq_ipc *ipc, uint64_t vm_id,
		      struct dq_vcpu **vcpus, size_t *nr)
{
	struct collect c = { .size = sizeof(**vcpus), .parse = parse_vcpu_cb };
	struct nl_msg *msg;
	int err;

	msg = request(ipc, DIRTYQUOTA_CMD_VCPU_GET, NLM_F_DUMP);
	if (msg && nla_put_u64(msg, DIRTYQUOTA_A_VCPU_VM_ID, vm_id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = dump(ipc, msg, dq_vcpu_attr_name, &c);
	*vcpus = c.items;
	*nr = c.nr;
	return err;
}

int dq_ipc_get_vm(struct dq_ipc *ipc, uint64_t id, struct dq_vm *vm)
{
	struct collect c = { .size = sizeof(*vm), .parse = parse_vm_cb };
	struct nl_msg *msg;
	int err;

	msg = request(ipc, DIRTYQUOTA_CMD_VM_GET, 0);
	if (msg && nla_put_u64(msg, DIRTYQUOTA_A_VM_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = dump(ipc, msg, dq_vm_attr_name, &c);
	if (!err && c.nr != 1)
		err = -EBADMSG;
	if (!err)
		*vm = *(struct dq_vm *)c.items;
	free(c.items);
	return err;
}

static int send_do(struct dq_ipc *ipc, struct nl_msg *msg, int put_err,
		   const char *(*attr_name)(int attr))
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = put_err < 0 ? -EMSGSIZE :
	      transact(ipc, msg, attr_name, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

int dq_ipc_set_vm(struct dq_ipc *ipc, const struct dq_vm_set *req)
{
	struct nl_msg *msg = request(ipc, DIRTYQUOTA_CMD_VM_SET, 0);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	err |= nla_put_u64(msg, DIRTYQUOTA_A_VM_ID, req->id);
	if (DQ_HAS(req, DIRTYQUOTA_A_VM_MODE))
		err |= nla_put_u32(msg, DIRTYQUOTA_A_VM_MODE, req->mode);
	if (DQ_HAS(req, DIRTYQUOTA_A_VM_BUDGET))
		err |= nla_put_u64(msg, DIRTYQUOTA_A_VM_BUDGET, req->budget);
	if (DQ_HAS(req, DIRTYQUOTA_A_VM_INTERVAL_NS))
		err |= nla_put_u64(msg, DIRTYQUOTA_A_VM_INTERVAL_NS,
				   req->interval_ns);
	if (DQ_HAS(req, DIRTYQUOTA_A_VM_POOL))
		err |= nla_put_u8(msg, DIRTYQUOTA_A_VM_POOL, req->pool);
	if (DQ_HAS(req, DIRTYQUOTA_A_VM_MAX_STALL_NS))
		err |= nla_put_u64(msg, DIRTYQUOTA_A_VM_MAX_STALL_NS,
				   req->max_stall_ns);
	return send_do(ipc, msg, err, dq_vm_attr_name);
}

int dq_ipc_set_vcpu(struct dq_ipc *ipc, const struct dq_vcpu_set *req)
{
	struct nl_msg *msg = request(ipc, DIRTYQUOTA_CMD_VCPU_SET, 0);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	err |= nla_put_u64(msg, DIRTYQUOTA_A_VCPU_VM_ID, req->vm_id);
	err |= nla_put_u32(msg, DIRTYQUOTA_A_VCPU_INDEX, req->index);
	if (req->share)
		err |= nla_put_flag(msg, DIRTYQUOTA_A_VCPU_SHARE);
	else
		err |= nla_put_u64(msg, DIRTYQUOTA_A_VCPU_RATE, req->rate);
	return send_do(ipc, msg, err, dq_vcpu_attr_name);
}

static struct nl_sock *connect_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (genl_connect(sk) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	nl_socket_enable_msg_peek(sk);
	/* Older kernels lack extended acks; messages are then just missing. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	return sk;
}

int dq_ipc_open(struct dq_ipc **out)
{
	struct dq_ipc *ipc = calloc(1, sizeof(*ipc));
	int err = -ENOMEM;

	if (!ipc)
		return err;
	ipc->sk = connect_socket();
	if (!ipc->sk) {
		err = errno ? -errno : -EIO;
		goto fail;
	}
	ipc->family = genl_ctrl_resolve(ipc->sk, DIRTYQUOTA_FAMILY_NAME);
	if (ipc->family < 0) {
		err = nlerr_to_errno(ipc->family);
		goto fail;
	}
	*out = ipc;
	return 0;
fail:
	dq_ipc_close(ipc);
	return err;
}

void dq_ipc_close(struct dq_ipc *ipc)
{
	if (!ipc)
		return;
	if (ipc->events)
		nl_socket_free(ipc->events);
	if (ipc->sk)
		nl_socket_free(ipc->sk);
	free(ipc);
}

const struct dq_ipc_error *dq_ipc_last_error(const struct dq_ipc *ipc)
{
	return &ipc->error;
}

int dq_ipc_subscribe(struct dq_ipc *ipc)
{
	int grp, err;

	memset(&ipc->error, 0, sizeof(ipc->error));
	grp = genl_ctrl_resolve_grp(ipc->sk, DIRTYQUOTA_FAMILY_NAME,
				    DIRTYQUOTA_MCGRP_EVENTS);
	if (grp < 0)
		return nlerr_to_errno(grp);
	ipc->events = connect_socket();
	if (!ipc->events)
		return errno ? -errno : -EIO;
	nl_socket_disable_seq_check(ipc->events);
	nl_socket_set_buffer_size(ipc->events, RCVBUF_EVENTS, 0);
	err = nl_socket_add_membership(ipc->events, grp);
	if (!err)
		err = nl_socket_set_nonblocking(ipc->events);
	if (err < 0)
		return nlerr_to_errno(err);
	return nl_socket_get_fd(ipc->events);
}

/* Events are not answers: any sequence number goes. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

struct event_ctx {
	struct dq_ipc *ipc;
	int (*fn)(const struct dq_event *ev, void *arg);
	void *arg;
	int err;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct event_ctx *ctx = arg;
	struct dq_event ev = { 0 };
	int err;

	if (h->nlmsg_type != ctx->ipc->family || !genlmsg_valid_hdr(h, 0))
		return NL_SKIP;
	ev.cmd = ((struct genlmsghdr *)nlmsg_data(h))->cmd;
	switch (ev.cmd) {
	case DIRTYQUOTA_CMD_VM_NEW_NTF:
	case DIRTYQUOTA_CMD_VM_DEL_NTF:
	case DIRTYQUOTA_CMD_MODE_CHANGE_NTF:
		err = dq_nl_parse_vm(nlmsg_hdr(msg), &ev.vm);
		break;
	case DIRTYQUOTA_CMD_QUOTA_FULL_NTF:
		err = dq_nl_parse_vcpu(nlmsg_hdr(msg), &ev.vcpu);
		break;
	default:
		return NL_SKIP;
	}
	if (err)
		return NL_SKIP;
	ctx->err = ctx->fn(&ev, ctx->arg);
	return ctx->err ? NL_STOP : NL_OK;
}

int dq_ipc_recv_events(struct dq_ipc *ipc,
		       int (*fn)(const struct dq_event *ev, void *arg),
		       void *arg)
{
	struct event_ctx ctx = { .ipc = ipc, .fn = fn, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ctx);
	err = nl_recvmsgs(ipc->events, cb);
	nl_cb_put(cb);
	if (err == -NLE_AGAIN)
		return 0;
	if (err == -NLE_NOMEM)
		return -ENOBUFS;	/* recvmsg()'s ENOBUFS: we fell behind */
	if (err < 0)
		return nlerr_to_errno(err);
	return ctx.err;
}
