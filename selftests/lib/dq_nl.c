// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink for the dirtyquota sandbox tests; see dq_nl.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/dirtyquota.h>
#include <linux/genetlink.h>

#include "dq_nl.h"
#include "test_util.h"

#define ATTR(nlh, off)	((struct nlattr *)((char *)(nlh) + (off)))

/* A receive buffer, on the heap (see dq_nl.h). */
void *nl_buf(void)
{
	static void *buf;

	if (!buf)
		buf = malloc(NL_BUF);
	TEST_ASSERT(buf, "malloc");
	return buf;
}

void nl_open(struct nl_sock *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = 4 << 20;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	TEST_ASSERT(s->fd >= 0, "netlink socket: %s", strerror(errno));
	TEST_ASSERT(!bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)),
		    "bind: %s", strerror(errno));
	TEST_ASSERT(!setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
				sizeof(one)), "NETLINK_EXT_ACK: %s",
		    strerror(errno));
	TEST_ASSERT(!setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
				sizeof(one)), "NETLINK_CAP_ACK: %s",
		    strerror(errno));
	/* Only root may go past rmem_max; events come in bursts. */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	s->seq = 1000;
}

void nl_close(struct nl_sock *s)
{
	close(s->fd);
	s->fd = -1;
}

int nl_join(struct nl_sock *s, uint32_t group)
{
	return setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			  sizeof(group));
}

void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		 uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
	m->nr_attrs = 0;
}

/* Appends an attribute; returns its offset in the message. */
uint32_t nl_put(struct nl_msg *m, uint16_t type, const void *data,
		uint16_t len)
{
	uint32_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);
	struct nlattr *nla = ATTR(&m->nlh, off);

	TEST_ASSERT(off + NLA_ALIGN(NLA_HDRLEN + len) <= NL_BUF,
		    "message too long");
	memset(nla, 0, NLA_ALIGN(NLA_HDRLEN + len));
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = off + NLA_ALIGN(nla->nla_len);
	if (m->nr_attrs < NL_MAX_ATTRS)
		m->offs[m->nr_attrs++] = off;
	return off;
}

uint32_t nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v)
{
	return nl_put(m, type, &v, sizeof(v));
}

uint32_t nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	return nl_put(m, type, &v, sizeof(v));
}

uint32_t nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v)
{
	return nl_put(m, type, &v, sizeof(v));
}

uint32_t nl_put_str(struct nl_msg *m, uint16_t type, const char *str)
{
	return nl_put(m, type, str, strlen(str) + 1);
}

void nl_send_raw(struct nl_sock *s, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t r;

	r = sendto(s->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	TEST_ASSERT(r == (ssize_t)len, "netlink send of %zu bytes: %zd (%s)",
		    len, r, strerror(errno));
}

/* Sends @m whole, with the next sequence number; returns that number. */
uint32_t nl_send(struct nl_sock *s, struct nl_msg *m)
{
	m->nlh.nlmsg_seq = ++s->seq;
	nl_send_raw(s, m->buf, m->nlh.nlmsg_len);
	return s->seq;
}

/* The extended ack after an NLMSG_ERROR or NLMSG_DONE payload. */
static void parse_ack(const struct nlmsghdr *nlh, struct nl_ack *ack)
{
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *nla;
	const char *p;
	size_t len;

	TEST_ASSERT(nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)),
		    "short ack: %u bytes", nlh->nlmsg_len);
	ack->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		p = (const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(int));
	} else {
		p = (const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(*e));
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			p += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	while (p + NLA_HDRLEN <= end) {
		nla = (const struct nlattr *)p;
		TEST_ASSERT(nla->nla_len >= NLA_HDRLEN &&
			    p + nla->nla_len <= end,
			    "bad extack attribute length %u", nla->nla_len);
		len = nla->nla_len - NLA_HDRLEN;
		switch (nla->nla_type) {
		case NLMSGERR_ATTR_MSG:
			TEST_ASSERT(len && p[NLA_HDRLEN + len - 1] == '\0',
				    "extack message not a string");
			snprintf(ack->msg, sizeof(ack->msg), "%s",
				 p + NLA_HDRLEN);
			break;
		case NLMSGERR_ATTR_OFFS:
			TEST_ASSERT(len == 4, "extack offset of %zu bytes", len);
			memcpy(&ack->offs, p + NLA_HDRLEN, 4);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			TEST_ASSERT(len == 4, "extack miss type of %zu bytes",
				    len);
			memcpy(&ack->miss_type, p + NLA_HDRLEN, 4);
			break;
		}
		p += NLA_ALIGN(nla->nla_len);
	}
}

/*
 * Reads the answers to request @seq: every data message goes to @fn, up to
 * the NLMSG_ERROR or NLMSG_DONE that ends it.  Returns ack->error, which is
 * NL_NOREPLY if nothing ended it within @timeout_ms.  An answer to any
 * other request fails the test.
 */
int nl_recv(struct nl_sock *s, uint32_t seq, int timeout_ms, nl_cb fn,
	    void *arg, struct nl_ack *ack)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	char *buf = nl_buf();
	struct nlmsghdr *nlh;
	ssize_t n;

	memset(ack, 0, sizeof(*ack));
	ack->error = NL_NOREPLY;
	for (;;) {
		if (poll(&pfd, 1, timeout_ms) != 1)
			return ack->error;
		n = recv(s->fd, buf, NL_BUF, 0);
		TEST_ASSERT(n > 0, "netlink recv: %zd (%s)", n, strerror(errno));
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			TEST_ASSERT(nlh->nlmsg_seq == seq,
				    "answer to request %u (type %u) while waiting for %u",
				    nlh->nlmsg_seq, nlh->nlmsg_type, seq);
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				parse_ack(nlh, ack);
				return ack->error;
			}
			ack->nr_data++;
			if (fn)
				fn(nlh, arg);
		}
		TEST_ASSERT(n == 0, "%zd stray bytes after the messages", n);
	}
}

/* Sends @m and reads its answers; see nl_recv(). */
int nl_request(struct nl_sock *s, struct nl_msg *m, nl_cb fn, void *arg,
	       struct nl_ack *ack)
{
	return nl_recv(s, nl_send(s, m), 2000, fn, arg, ack);
}

/*
 * The next event of the family, parsed; 0 if none came within
 * @timeout_ms.  Each event is a datagram of its own.
 */
int nl_recv_event(struct nl_sock *s, int timeout_ms, struct nl_obj *o)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	char *buf = nl_buf();
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	n = recv(s->fd, buf, NL_BUF, 0);
	TEST_ASSERT(n > 0, "event recv: %zd (%s)", n, strerror(errno));
	TEST_ASSERT(NLMSG_OK(nlh, n) && NLMSG_ALIGN(nlh->nlmsg_len) >= n,
		    "event datagram of %zd bytes, message of %u", n,
		    nlh->nlmsg_len);
	TEST_ASSERT(nlh->nlmsg_type == s->family && nlh->nlmsg_seq == 0,
		    "event of type %u seq %u", nlh->nlmsg_type, nlh->nlmsg_seq);
	dq_nl_parse(nlh, o);
	return 1;
}

/* Throws away whatever the socket holds. */
void nl_drain(struct nl_sock *s)
{
	while (recv(s->fd, nl_buf(), NL_BUF, MSG_DONTWAIT) > 0 ||
	       errno == ENOBUFS)
		;
}

/* CTRL_CMD_GETFAMILY "dirtyquota": the id, version and "events" group. */
static void parse_family(const struct nlmsghdr *nlh, void *arg)
{
	struct nl_sock *s = arg;
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const struct nlattr *nla, *g, *a;
	const char *name;
	uint32_t id;

	for (; p + NLA_HDRLEN <= end; p += NLA_ALIGN(nla->nla_len)) {
		nla = (const struct nlattr *)p;
		TEST_ASSERT(nla->nla_len >= NLA_HDRLEN, "bad ctrl attribute");
		switch (nla->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_FAMILY_ID:
			memcpy(&s->family, p + NLA_HDRLEN, 2);
			break;
		case CTRL_ATTR_VERSION:
			memcpy(&s->version, p + NLA_HDRLEN, 4);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			for (g = (const void *)(p + NLA_HDRLEN);
			     (const char *)g < p + nla->nla_len;
			     g = (const void *)((const char *)g +
						NLA_ALIGN(g->nla_len))) {
				name = NULL;
				id = 0;
				for (a = (const void *)((const char *)g + NLA_HDRLEN);
				     (const char *)a < (const char *)g + g->nla_len;
				     a = (const void *)((const char *)a +
							NLA_ALIGN(a->nla_len))) {
					if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
						name = (const char *)a + NLA_HDRLEN;
					if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
						memcpy(&id, (const char *)a + NLA_HDRLEN, 4);
					if (a->nla_len < NLA_HDRLEN)
						break;
				}
				if (name && !strcmp(name, DIRTYQUOTA_MCGRP_EVENTS))
					s->events = id;
				if (g->nla_len < NLA_HDRLEN)
					break;
			}
			break;
		}
	}
}

void dq_nl_open(struct nl_sock *s)
{
	struct nl_msg m;
	struct nl_ack ack = { 0 };

	nl_open(s);
	nl_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, DIRTYQUOTA_FAMILY_NAME);
	TEST_ASSERT(!nl_request(s, &m, parse_family, s, &ack),
		    "resolving the family \"%s\": %s (%s)",
		    DIRTYQUOTA_FAMILY_NAME, strerror(-ack.error), ack.msg);
	TEST_ASSERT(s->family && s->events,
		    "family \"%s\": id %u, group \"%s\" %u",
		    DIRTYQUOTA_FAMILY_NAME, s->family, DIRTYQUOTA_MCGRP_EVENTS,
		    s->events);
}

/* Payload widths; STR: a NUL-terminated string; FLAG: empty. */
enum { U8 = 1, U32 = 4, U64 = 8, STR = 100, FLAG = 101 };

static const uint8_t vm_widths[DIRTYQUOTA_A_VM_MAX + 1] = {
	[DIRTYQUOTA_A_VM_PAD] = FLAG,
	[DIRTYQUOTA_A_VM_ID] = U64,
	[DIRTYQUOTA_A_VM_PID] = U32,
	[DIRTYQUOTA_A_VM_COMM] = STR,
	[DIRTYQUOTA_A_VM_STATS_ID] = STR,
	[DIRTYQUOTA_A_VM_NR_VCPUS] = U32,
	[DIRTYQUOTA_A_VM_MODE] = U32,
	[DIRTYQUOTA_A_VM_OLD_MODE] = U32,
	[DIRTYQUOTA_A_VM_BUDGET] = U64,
	[DIRTYQUOTA_A_VM_INTERVAL_NS] = U64,
	[DIRTYQUOTA_A_VM_POOL] = U8,
	[DIRTYQUOTA_A_VM_POOL_LEVEL] = U64,
	[DIRTYQUOTA_A_VM_POOL_CAP] = U64,
	[DIRTYQUOTA_A_VM_BYTES_DIRTIED] = U64,
	[DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED] = U64,
	[DIRTYQUOTA_A_VM_ATTACHED] = U8,
	[DIRTYQUOTA_A_VM_EXIT_ALLOWED] = U8,
	[DIRTYQUOTA_A_VM_DIRTY_LOGGING] = U8,
	[DIRTYQUOTA_A_VM_MAX_STALL_NS] = U64,
	[DIRTYQUOTA_A_VM_HARVESTS] = U64,
	[DIRTYQUOTA_A_VM_HARVEST_AGE_NS] = U64,
};

static const uint8_t vcpu_widths[DIRTYQUOTA_A_VCPU_MAX + 1] = {
	[DIRTYQUOTA_A_VCPU_PAD] = FLAG,
	[DIRTYQUOTA_A_VCPU_VM_ID] = U64,
	[DIRTYQUOTA_A_VCPU_INDEX] = U32,
	[DIRTYQUOTA_A_VCPU_ID] = U32,
	[DIRTYQUOTA_A_VCPU_TRACKED] = U8,
	[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED] = U64,
	[DIRTYQUOTA_A_VCPU_DIRTY_RATE] = U64,
	[DIRTYQUOTA_A_VCPU_RATE] = U64,
	[DIRTYQUOTA_A_VCPU_SHARE] = FLAG,
	[DIRTYQUOTA_A_VCPU_BYTES_INTERVAL] = U64,
	[DIRTYQUOTA_A_VCPU_QUOTA] = U64,
	[DIRTYQUOTA_A_VCPU_STOPS] = U64,
	[DIRTYQUOTA_A_VCPU_THROTTLED_NS] = U64,
	[DIRTYQUOTA_A_VCPU_POOL_DRAWN] = U64,
	[DIRTYQUOTA_A_VCPU_STOPPED] = U8,
	[DIRTYQUOTA_A_VCPU_PASS_BYTES] = U64,
	[DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES] = U64,
	[DIRTYQUOTA_A_VCPU_KVM_BYTES] = U64,
};

/*
 * A message of the family, checked as strictly as the kernel checks ours:
 * known attribute types only, each once, each of its exact width.
 */
void dq_nl_parse(const struct nlmsghdr *nlh, struct nl_obj *o)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	const char *p = (const char *)g + GENL_HDRLEN;
	const uint8_t *widths;
	const struct nlattr *nla;
	int max, type, len;

	memset(o, 0, sizeof(*o));
	TEST_ASSERT(nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN),
		    "message of %u bytes", nlh->nlmsg_len);
	o->cmd = g->cmd;
	switch (g->cmd) {
	case DIRTYQUOTA_CMD_VCPU_GET:
	case DIRTYQUOTA_CMD_QUOTA_FULL_NTF:
		widths = vcpu_widths;
		max = DIRTYQUOTA_A_VCPU_MAX;
		break;
	case DIRTYQUOTA_CMD_VM_GET:
	case DIRTYQUOTA_CMD_VM_NEW_NTF:
	case DIRTYQUOTA_CMD_VM_DEL_NTF:
	case DIRTYQUOTA_CMD_MODE_CHANGE_NTF:
		widths = vm_widths;
		max = DIRTYQUOTA_A_VM_MAX;
		break;
	default:
		TEST_FAIL("message with command %u", g->cmd);
	}
	TEST_ASSERT(g->version == DIRTYQUOTA_FAMILY_VERSION && !g->reserved,
		    "genl header: version %u reserved %u", g->version,
		    g->reserved);
	for (; p + NLA_HDRLEN <= end; p += NLA_ALIGN(nla->nla_len)) {
		nla = (const struct nlattr *)p;
		type = nla->nla_type;
		len = nla->nla_len - NLA_HDRLEN;
		TEST_ASSERT(nla->nla_len >= NLA_HDRLEN && p + nla->nla_len <= end,
			    "cmd %u: attribute %d of length %u overruns",
			    g->cmd, type, nla->nla_len);
		TEST_ASSERT(type > 0 && type <= max && type < NL_OBJ_ATTRS,
			    "cmd %u: unknown attribute type %d", g->cmd, type);
		if (type == DIRTYQUOTA_A_VM_PAD)	/* in both sets */
			continue;
		TEST_ASSERT(!nl_has(o, type), "cmd %u: attribute %d twice",
			    g->cmd, type);
		o->has |= 1ULL << type;
		switch (widths[type]) {
		case STR:
			TEST_ASSERT(len > 0 && len <= NL_STR &&
				    p[NLA_HDRLEN + len - 1] == '\0' &&
				    strlen(p + NLA_HDRLEN) == (size_t)len - 1,
				    "cmd %u: attribute %d: bad string",
				    g->cmd, type);
			memcpy(o->str[type], p + NLA_HDRLEN, len);
			break;
		case FLAG:
			TEST_ASSERT(!len, "cmd %u: flag %d of %d bytes",
				    g->cmd, type, len);
			o->v[type] = 1;
			break;
		default:
			TEST_ASSERT(len == widths[type],
				    "cmd %u: attribute %d of %d bytes, expected %d",
				    g->cmd, type, len, widths[type]);
			memcpy(&o->v[type], p + NLA_HDRLEN, len);
		}
	}
	TEST_ASSERT(p == end, "cmd %u: %zd bytes after the attributes",
		    g->cmd, end - p);
}

struct collect {
	struct nl_obj *objs;
	int max, nr;
	uint8_t cmd;
};

static void collect_one(const struct nlmsghdr *nlh, void *arg)
{
	struct collect *c = arg;

	TEST_ASSERT(c->nr < c->max, "more than %d objects", c->max);
	dq_nl_parse(nlh, &c->objs[c->nr]);
	TEST_ASSERT(c->objs[c->nr].cmd == c->cmd, "reply cmd %u, expected %u",
		    c->objs[c->nr].cmd, c->cmd);
	c->nr++;
}

/* Every VM, from a VM_GET dump; returns how many. */
int dq_nl_vm_dump(struct nl_sock *s, struct nl_obj *vms, int max,
		  struct nl_ack *ack)
{
	struct collect c = { vms, max, 0, DIRTYQUOTA_CMD_VM_GET };
	struct nl_msg m;
	int r;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_DUMP,
		    DIRTYQUOTA_CMD_VM_GET, DIRTYQUOTA_FAMILY_VERSION);
	r = nl_request(s, &m, collect_one, &c, ack);
	return r ? r : c.nr;
}

int dq_nl_vms(struct nl_sock *s, struct nl_obj *vms, int max)
{
	struct nl_ack ack = { 0 };
	int n = dq_nl_vm_dump(s, vms, max, &ack);

	TEST_ASSERT(n >= 0, "VM_GET dump: %d (%s)", ack.error, ack.msg);
	return n;
}

int dq_nl_vm_get(struct nl_sock *s, uint64_t id, struct nl_obj *vm,
		 struct nl_ack *ack)
{
	struct collect c = { vm, 1, 0, DIRTYQUOTA_CMD_VM_GET };
	struct nl_msg m;
	int r;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_ACK,
		    DIRTYQUOTA_CMD_VM_GET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VM_ID, id);
	r = nl_request(s, &m, collect_one, &c, ack);
	TEST_ASSERT(r || c.nr == 1, "VM_GET %lu: %d replies", id, c.nr);
	return r;
}

/* VM_GET of a VM that must exist. */
struct nl_obj dq_nl_vm(struct nl_sock *s, uint64_t id)
{
	struct nl_ack ack = { 0 };
	struct nl_obj vm;

	TEST_ASSERT(!dq_nl_vm_get(s, id, &vm, &ack), "VM_GET %lu: %s (%s)",
		    id, strerror(-ack.error), ack.msg);
	TEST_ASSERT(vm.v[DIRTYQUOTA_A_VM_ID] == id, "VM_GET %lu gave VM %lu",
		    id, vm.v[DIRTYQUOTA_A_VM_ID]);
	return vm;
}

/* The id of the VM that process @pid created last. */
uint64_t dq_nl_newest_vm(struct nl_sock *s, uint32_t pid)
{
	struct nl_obj *vms = calloc(NL_MAX_VMS, sizeof(*vms));
	uint64_t id = 0;
	int i, n;

	TEST_ASSERT(vms, "calloc");
	n = dq_nl_vms(s, vms, NL_MAX_VMS);
	for (i = 0; i < n; i++)
		if (vms[i].v[DIRTYQUOTA_A_VM_PID] == pid &&
		    vms[i].v[DIRTYQUOTA_A_VM_ID] > id)
			id = vms[i].v[DIRTYQUOTA_A_VM_ID];
	free(vms);
	TEST_ASSERT(id, "no VM of process %u in the VM_GET dump", pid);
	return id;
}

/* The vCPUs of a VM, from a VCPU_GET dump; returns how many, or -errno. */
int dq_nl_vcpus(struct nl_sock *s, uint64_t vm_id, struct nl_obj *vcpus,
		int max, struct nl_ack *ack)
{
	struct collect c = { vcpus, max, 0, DIRTYQUOTA_CMD_VCPU_GET };
	struct nl_msg m;
	int r;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_DUMP,
		    DIRTYQUOTA_CMD_VCPU_GET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VCPU_VM_ID, vm_id);
	r = nl_request(s, &m, collect_one, &c, ack);
	return r ? r : c.nr;
}

/* VM_SET of the settings named in @set (DIRTYQUOTA_CFG_*). */
int dq_nl_vm_set(struct nl_sock *s, uint64_t id, uint32_t set, uint32_t mode,
		 uint64_t budget, uint64_t interval_ns, uint8_t pool,
		 struct nl_ack *ack)
{
	struct nl_msg m;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_ACK,
		    DIRTYQUOTA_CMD_VM_SET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VM_ID, id);
	if (set & DIRTYQUOTA_CFG_MODE)
		nl_put_u32(&m, DIRTYQUOTA_A_VM_MODE, mode);
	if (set & DIRTYQUOTA_CFG_BUDGET)
		nl_put_u64(&m, DIRTYQUOTA_A_VM_BUDGET, budget);
	if (set & DIRTYQUOTA_CFG_INTERVAL)
		nl_put_u64(&m, DIRTYQUOTA_A_VM_INTERVAL_NS, interval_ns);
	if (set & DIRTYQUOTA_CFG_POOL)
		nl_put_u8(&m, DIRTYQUOTA_A_VM_POOL, pool);
	return nl_request(s, &m, NULL, NULL, ack);
}

/* VM_SET of MAX_STALL_NS alone. */
int dq_nl_vm_set_max_stall(struct nl_sock *s, uint64_t id, uint64_t ns,
			   struct nl_ack *ack)
{
	struct nl_msg m;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_ACK,
		    DIRTYQUOTA_CMD_VM_SET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VM_ID, id);
	nl_put_u64(&m, DIRTYQUOTA_A_VM_MAX_STALL_NS, ns);
	return nl_request(s, &m, NULL, NULL, ack);
}

int dq_nl_vcpu_set(struct nl_sock *s, uint64_t vm_id, uint32_t index,
		   bool share, uint64_t rate, struct nl_ack *ack)
{
	struct nl_msg m;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_ACK,
		    DIRTYQUOTA_CMD_VCPU_SET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VCPU_VM_ID, vm_id);
	nl_put_u32(&m, DIRTYQUOTA_A_VCPU_INDEX, index);
	if (share)
		nl_put(&m, DIRTYQUOTA_A_VCPU_SHARE, NULL, 0);
	else
		nl_put_u64(&m, DIRTYQUOTA_A_VCPU_RATE, rate);
	return nl_request(s, &m, NULL, NULL, ack);
}
