/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the dirtyquota sandbox tests: no libnl, so that a
 * test can build any message, malformed ones included, and see every byte
 * of the answer, extended ack included.
 *
 * A request is built in a struct nl_msg (nl_msg_init(), nl_put*()), sent
 * with nl_send() or nl_request(); answers are read with nl_recv(), which
 * hands every data message of the request to a callback and ends at its
 * ack, error or end of dump.  The dq_nl_*() helpers speak the family
 * "dirtyquota" (uapi/linux/dirtyquota.h).
 */
#ifndef DQ_NL_H
#define DQ_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#define NL_BUF		32768
#define NL_MAX_ATTRS	64		/* in a built message */
#define NL_OBJ_ATTRS	24		/* types in a parsed one */
#define NL_STR		48
#define NL_MAX_VMS	256
#define NL_NOREPLY	1		/* nl_ack.error: nothing came back */

struct nl_sock {
	int fd;
	uint32_t seq;
	uint16_t family;		/* "dirtyquota" */
	uint32_t version;		/* its CTRL_ATTR_VERSION */
	uint32_t events;		/* its "events" group */
};

struct nl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[NL_BUF];
	};
	int nr_attrs;
	uint32_t offs[NL_MAX_ATTRS];	/* of each nl_put(), from the start */
};

/* How a request ended: NLMSG_ERROR, or NLMSG_DONE for a dump. */
struct nl_ack {
	int error;			/* 0, -errno, or NL_NOREPLY */
	char msg[256];			/* NLMSGERR_ATTR_MSG, or "" */
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS, or 0 */
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or 0 */
	int nr_data;			/* data messages before it */
};

/*
 * One message of the family, parsed: v[type] for integers, str[type] for
 * strings, bit `type` of `has` for every attribute present.
 *
 * The KVM selftests library loads the whole test program into every guest:
 * keep big buffers off the program's data, on the heap.
 */
struct nl_obj {
	uint8_t cmd;
	uint64_t has;
	uint64_t v[NL_OBJ_ATTRS];
	char str[NL_OBJ_ATTRS][NL_STR];
};

typedef void (*nl_cb)(const struct nlmsghdr *nlh, void *arg);

void nl_open(struct nl_sock *s);
void nl_close(struct nl_sock *s);
int nl_join(struct nl_sock *s, uint32_t group);
void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		 uint8_t version);
uint32_t nl_put(struct nl_msg *m, uint16_t type, const void *data,
		uint16_t len);
uint32_t nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v);
uint32_t nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
uint32_t nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v);
uint32_t nl_put_str(struct nl_msg *m, uint16_t type, const char *str);
uint32_t nl_send(struct nl_sock *s, struct nl_msg *m);
void nl_send_raw(struct nl_sock *s, const void *buf, size_t len);
int nl_recv(struct nl_sock *s, uint32_t seq, int timeout_ms, nl_cb fn,
	    void *arg, struct nl_ack *ack);
int nl_request(struct nl_sock *s, struct nl_msg *m, nl_cb fn, void *arg,
	       struct nl_ack *ack);
int nl_recv_event(struct nl_sock *s, int timeout_ms, struct nl_obj *o);
void *nl_buf(void);
void nl_drain(struct nl_sock *s);

static inline bool nl_has(const struct nl_obj *o, int type)
{
	return o->has >> type & 1;
}

/* The family "dirtyquota": nl_open() and resolve its id and group. */
void dq_nl_open(struct nl_sock *s);
void dq_nl_parse(const struct nlmsghdr *nlh, struct nl_obj *o);
int dq_nl_vms(struct nl_sock *s, struct nl_obj *vms, int max);
/* The same, or -errno with @ack. */
int dq_nl_vm_dump(struct nl_sock *s, struct nl_obj *vms, int max,
		  struct nl_ack *ack);
int dq_nl_vm_get(struct nl_sock *s, uint64_t id, struct nl_obj *vm,
		 struct nl_ack *ack);
struct nl_obj dq_nl_vm(struct nl_sock *s, uint64_t id);
uint64_t dq_nl_newest_vm(struct nl_sock *s, uint32_t pid);
int dq_nl_vcpus(struct nl_sock *s, uint64_t vm_id, struct nl_obj *vcpus,
		int max, struct nl_ack *ack);
int dq_nl_vm_set(struct nl_sock *s, uint64_t id, uint32_t set, uint32_t mode,
		 uint64_t budget, uint64_t interval_ns, uint8_t pool,
		 struct nl_ack *ack);
int dq_nl_vm_set_max_stall(struct nl_sock *s, uint64_t id, uint64_t ns,
			   struct nl_ack *ack);
int dq_nl_vcpu_set(struct nl_sock *s, uint64_t vm_id, uint32_t index,
		   bool share, uint64_t rate, struct nl_ack *ack);

#endif /* DQ_NL_H */
