/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting dirtied bytes: the per-page path.  It takes no lock, allocates
 * nothing and writes only the counter of the vCPU that dirtied the page,
 * which no other thread writes.
 */
#ifndef _DQ_ACCOUNT_H
#define _DQ_ACCOUNT_H

#include "pure.h"

/*
 * Written only by the vCPU's own thread; read by anyone with READ_ONCE.
 * With a bitmap kvm_bytes is written by harvests instead, see harvest.c.
 */
struct dq_vcpu_count {
	u64 bytes_dirtied;
	u64 kvm_bytes;		/* of them, KVM's writes to its PV pages */
};

/* Pages recorded with no tracked vCPU running: rare, so shared. */
struct dq_vm_count {
	atomic64_t bytes_unattributed;
};

/*
 * With the dirty ring, KVM pushes an entry for each of its own writes to a
 * page (kvmclock, steal time) even while an earlier entry of that page
 * waits to be harvested, so such pages would be charged on every rewrite.
 * A vCPU remembers the last pages it pushed and the ring index of their
 * latest entry: a page pushed again before the ring is reset past that
 * entry is not charged.  Pages pushed more than once are kept in
 * preference to the others, so that a stream of guest writes, each pushed
 * once, does not evict KVM's pages.
 */
#define DQ_RING_SEEN	8

struct dq_ring_seen {
	struct {
		u64 gfn;
		u32 slot;
		u32 pos;
	} e[DQ_RING_SEEN];
	u8 valid;		/* bit i: e[i] is in use */
	u8 repeated;		/* bit i: e[i] was pushed more than once */
	u8 next;		/* where the round robin goes on */
};

/* An entry pushed at ring index @pos is still there when reset is @reset. */
static inline bool dq_ring_pending(u32 pos, u32 reset)
{
	return (s32)(pos - reset) >= 0;
}

static inline unsigned int dq_ring_victim(struct dq_ring_seen *r, u32 reset)
{
	unsigned int i, k;

	for (i = 0; i < DQ_RING_SEEN; i++)
		if (!(r->valid & (1U << i)) || !dq_ring_pending(r->e[i].pos, reset))
			return i;
	for (k = 0; k < DQ_RING_SEEN; k++) {
		i = (r->next + k) % DQ_RING_SEEN;
		if (!(r->repeated & (1U << i)))
			return i;
	}
	return r->next % DQ_RING_SEEN;
}

/*
 * The vCPU pushed page @gfn of memslot @slot at ring index @pos; @reset is
 * the ring's reset index.  Returns whether to charge the page.
 */
static inline bool dq_ring_charge(struct dq_ring_seen *r, u32 slot, u64 gfn,
				  u32 pos, u32 reset)
{
	unsigned int i;
	bool charge;

	for (i = 0; i < DQ_RING_SEEN; i++) {
		if (!(r->valid & (1U << i)) || r->e[i].gfn != gfn ||
		    r->e[i].slot != slot)
			continue;
		charge = !dq_ring_pending(r->e[i].pos, reset);
		if (!charge)
			r->repeated |= 1U << i;
		r->e[i].pos = pos;
		return charge;
	}
	i = dq_ring_victim(r, reset);
	r->e[i].gfn = gfn;
	r->e[i].slot = slot;
	r->e[i].pos = pos;
	r->valid |= 1U << i;
	r->repeated &= ~(1U << i);
	r->next = (i + 1) % DQ_RING_SEEN;
	return true;
}

static inline u64 dq_account_vcpu(struct dq_vcpu_count *vc, u32 bytes)
{
	u64 total = vc->bytes_dirtied + bytes;

	WRITE_ONCE(vc->bytes_dirtied, total);
	return total;
}

/* With the ring, of the pages just charged, one of KVM's PV pages. */
static inline void dq_account_kvm(struct dq_vcpu_count *vc, u32 bytes)
{
	WRITE_ONCE(vc->kvm_bytes, vc->kvm_bytes + bytes);
}

static inline void dq_account_vm(struct dq_vm_count *vm, u32 bytes)
{
	atomic64_add(bytes, &vm->bytes_unattributed);
}

#endif /* _DQ_ACCOUNT_H */
