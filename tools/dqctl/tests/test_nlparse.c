// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for reading netlink replies and extended acks, on messages
 * laid out the way the kernel builds them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nlparse.h"

/* A raw message, built by hand. */
struct raw {
	union {
		struct nlmsghdr h;
		char buf[1024];
	};
	size_t len;
};

static void raw_put(struct raw *r, const void *data, size_t len)
{
	memcpy(r->buf + r->len, data, len);
	r->len = NLMSG_ALIGN(r->len + len);
	r->h.nlmsg_len = r->len;
}

static void raw_attr(struct raw *r, int type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(r->buf + r->len, &a, sizeof(a));
	memcpy(r->buf + r->len + NLA_HDRLEN, data, len);
	r->len += NLA_ALIGN(NLA_HDRLEN + len);
	r->h.nlmsg_len = r->len;
}

static void raw_start(struct raw *r, int type, int flags)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = flags;
	r->len = NLMSG_HDRLEN;
	r->h.nlmsg_len = r->len;
}

/* A VM_SET request: VM_ID at offset 20, INTERVAL_NS at offset 32. */
static struct nl_msg *vm_set_request(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(genlmsg_put(msg, 1, 1, 30, 0, 0,
				    DIRTYQUOTA_CMD_VM_SET, 1));
	assert_int_equal(nla_put_u64(msg, DIRTYQUOTA_A_VM_ID, 3), 0);
	assert_int_equal(nla_put_u64(msg, DIRTYQUOTA_A_VM_INTERVAL_NS, 5), 0);
	return msg;
}

/* The kernel's NLMSG_ERROR for @req: echoed unless @capped, then TLVs. */
static void error_reply(struct raw *r, const struct nlmsghdr *req, int err,
			bool capped, const char *text, int offs, int miss)
{
	struct nlmsgerr e = { .error = err, .msg = *req };

	raw_start(r, NLMSG_ERROR, NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0));
	raw_put(r, &e, sizeof(e.error));
	raw_put(r, req, capped ? sizeof(*req) : req->nlmsg_len);
	if (text)
		raw_attr(r, NLMSGERR_ATTR_MSG, text, strlen(text) + 1);
	if (offs >= 0)
		raw_attr(r, NLMSGERR_ATTR_OFFS, &offs, 4);
	if (miss >= 0)
		raw_attr(r, NLMSGERR_ATTR_MISS_TYPE, &miss, 4);
}

static void extack_echoed(void **state)
{
	struct nl_msg *req = vm_set_request();
	struct dq_ipc_error e = { 0 };
	struct raw r;

	error_reply(&r, nlmsg_hdr(req), -ERANGE, false,
		    "interval must be from 1 ms to 1 s", 32, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.msg, "interval must be from 1 ms to 1 s");
	assert_string_equal(e.attr, "interval-ns");
	assert_false(e.missing);

	/* The other attribute, to be sure the offset is what counts. */
	memset(&e, 0, sizeof(e));
	error_reply(&r, nlmsg_hdr(req), -ENOENT, false, "no such VM", 20, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.msg, "no such VM");
	assert_string_equal(e.attr, "id");
	nlmsg_free(req);
}

static void extack_capped(void **state)
{
	struct nl_msg *req = vm_set_request();
	struct dq_ipc_error e = { 0 };
	struct raw r;

	error_reply(&r, nlmsg_hdr(req), -EINVAL, true, "bad", 32, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.msg, "bad");
	assert_string_equal(e.attr, "interval-ns");
	nlmsg_free(req);
}

static void extack_missing(void **state)
{
	struct nl_msg *req = vm_set_request();
	struct dq_ipc_error e = { 0 };
	struct raw r;

	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, NULL, -1,
		    DIRTYQUOTA_A_VCPU_INDEX);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vcpu_attr_name, &e);
	assert_string_equal(e.msg, "");
	assert_string_equal(e.attr, "index");
	assert_true(e.missing);
	nlmsg_free(req);
}

static void extack_bad_offsets(void **state)
{
	struct nl_msg *req = vm_set_request();
	struct dq_ipc_error e = { 0 };
	struct raw r;

	/* Past the request, inside the headers, no request: no name. */
	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, "x", 4000, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.attr, "");
	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, "x", 8, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.attr, "");
	/* Not where an attribute starts (and a misaligned read: fuzzing). */
	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, "x", 33, -1);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.attr, "");
	assert_string_equal(e.msg, "x");
	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, "x", 32, -1);
	dq_nl_parse_extack(&r.h, NULL, dq_vm_attr_name, &e);
	assert_string_equal(e.attr, "");
	assert_string_equal(e.msg, "x");
	/* An unknown type is named by number. */
	error_reply(&r, nlmsg_hdr(req), -EINVAL, false, NULL, -1, 77);
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.attr, "77");
	nlmsg_free(req);
}

static void extack_none(void **state)
{
	struct nl_msg *req = vm_set_request();
	struct dq_ipc_error e = { 0 };
	struct raw r;

	/* Without NLM_F_ACK_TLVS, nothing is read. */
	error_reply(&r, nlmsg_hdr(req), -EPERM, false, "x", -1, -1);
	r.h.nlmsg_flags = 0;
	dq_nl_parse_extack(&r.h, nlmsg_hdr(req), dq_vm_attr_name, &e);
	assert_string_equal(e.msg, "");
	nlmsg_free(req);
}

static void extack_done(void **state)
{
	struct dq_ipc_error e = { 0 };
	int err = -ENOENT;
	struct raw r;

	raw_start(&r, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	raw_put(&r, &err, sizeof(err));
	raw_attr(&r, NLMSGERR_ATTR_MSG, "no such VM", 11);
	dq_nl_parse_extack(&r.h, NULL, dq_vcpu_attr_name, &e);
	assert_string_equal(e.msg, "no such VM");
}

static void u64_attr(struct raw *r, int type, uint64_t v, int pad)
{
	/* The kernel pads so that the u64 payload is 8-byte aligned. */
	if ((r->len + NLA_HDRLEN) % 8)
		raw_attr(r, pad, NULL, 0);
	raw_attr(r, type, &v, 8);
}

static void vm_message(void **state)
{
	struct genlmsghdr g = { .cmd = DIRTYQUOTA_CMD_VM_GET, .version = 1 };
	uint32_t pid = 1234, mode = DIRTYQUOTA_MODE_SLEEP, big = 7;
	uint8_t on = 1;
	struct dq_vm vm;
	struct raw r;

	raw_start(&r, 30, NLM_F_MULTI);
	raw_put(&r, &g, sizeof(g));
	u64_attr(&r, DIRTYQUOTA_A_VM_ID, 3, DIRTYQUOTA_A_VM_PAD);
	raw_attr(&r, DIRTYQUOTA_A_VM_PID, &pid, 4);
	raw_attr(&r, DIRTYQUOTA_A_VM_COMM, "qemu-system-x86", 16);
	raw_attr(&r, DIRTYQUOTA_A_VM_MODE, &mode, 4);
	u64_attr(&r, DIRTYQUOTA_A_VM_BUDGET, DIRTYQUOTA_UNLIMITED,
		 DIRTYQUOTA_A_VM_PAD);
	raw_attr(&r, DIRTYQUOTA_A_VM_POOL, &on, 1);
	/* From a newer module: skipped. */
	raw_attr(&r, DIRTYQUOTA_A_VM_MAX + 5, &big, 4);
	assert_int_equal(dq_nl_parse_vm(&r.h, &vm), 0);
	/* Padding is not a value. */
	assert_int_equal(vm.has, DQ_BIT(DIRTYQUOTA_A_VM_ID) |
			 DQ_BIT(DIRTYQUOTA_A_VM_PID) |
			 DQ_BIT(DIRTYQUOTA_A_VM_COMM) |
			 DQ_BIT(DIRTYQUOTA_A_VM_MODE) |
			 DQ_BIT(DIRTYQUOTA_A_VM_BUDGET) |
			 DQ_BIT(DIRTYQUOTA_A_VM_POOL));
	assert_int_equal(vm.id, 3);
	assert_int_equal(vm.pid, 1234);
	assert_string_equal(vm.comm, "qemu-system-x86");
	assert_int_equal(vm.mode, DIRTYQUOTA_MODE_SLEEP);
	assert_int_equal(vm.budget, DIRTYQUOTA_UNLIMITED);
	assert_true(vm.pool);
	assert_false(vm.attached);
}

static void vcpu_message(void **state)
{
	struct genlmsghdr g = { .cmd = DIRTYQUOTA_CMD_VCPU_GET, .version = 1 };
	uint32_t index = 2;
	uint8_t stopped = 1;
	struct dq_vcpu v;
	struct raw r;

	raw_start(&r, 30, NLM_F_MULTI);
	raw_put(&r, &g, sizeof(g));
	u64_attr(&r, DIRTYQUOTA_A_VCPU_VM_ID, 3, DIRTYQUOTA_A_VCPU_PAD);
	raw_attr(&r, DIRTYQUOTA_A_VCPU_INDEX, &index, 4);
	u64_attr(&r, DIRTYQUOTA_A_VCPU_RATE, 1 << 20, DIRTYQUOTA_A_VCPU_PAD);
	u64_attr(&r, DIRTYQUOTA_A_VCPU_THROTTLED_NS, 5ULL << 40,
		 DIRTYQUOTA_A_VCPU_PAD);
	raw_attr(&r, DIRTYQUOTA_A_VCPU_STOPPED, &stopped, 1);
	assert_int_equal(dq_nl_parse_vcpu(&r.h, &v), 0);
	assert_int_equal(v.vm_id, 3);
	assert_int_equal(v.index, 2);
	assert_true(DQ_HAS(&v, DIRTYQUOTA_A_VCPU_RATE));
	assert_false(DQ_HAS(&v, DIRTYQUOTA_A_VCPU_QUOTA));
	assert_int_equal(v.rate, 1 << 20);
	assert_int_equal(v.throttled_ns, 5ULL << 40);
	assert_true(v.stopped);

	/* A u64 of 4 bytes is malformed, not half a number. */
	raw_attr(&r, DIRTYQUOTA_A_VCPU_STOPS, &index, 4);
	assert_int_equal(dq_nl_parse_vcpu(&r.h, &v), -EBADMSG);
}

/* Long strings are cut to the field. */
static void long_string(void **state)
{
	struct genlmsghdr g = { .cmd = DIRTYQUOTA_CMD_VM_GET, .version = 1 };
	struct dq_vm vm;
	char name[100];
	struct raw r;

	memset(name, 'c', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	raw_start(&r, 30, 0);
	raw_put(&r, &g, sizeof(g));
	raw_attr(&r, DIRTYQUOTA_A_VM_STATS_ID, name, sizeof(name));
	assert_int_equal(dq_nl_parse_vm(&r.h, &vm), 0);
	assert_int_equal(strlen(vm.stats_id), sizeof(vm.stats_id) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extack_echoed),
		cmocka_unit_test(extack_capped),
		cmocka_unit_test(extack_missing),
		cmocka_unit_test(extack_bad_offsets),
		cmocka_unit_test(extack_none),
		cmocka_unit_test(extack_done),
		cmocka_unit_test(vm_message),
		cmocka_unit_test(vcpu_message),
		cmocka_unit_test(long_string),
	};

	return cmocka_run_group_tests_name("dqctl nlparse", tests, NULL, NULL);
}
