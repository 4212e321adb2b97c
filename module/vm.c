// SPDX-License-Identifier: GPL-2.0
/*
 * The dirty provider: follows KVM's VMs and vCPUs, counts the pages that
 * dirty logging records for each vCPU, and stops vCPUs over their quota.
 *
 * With a dirty bitmap KVM counts each vCPU's pages (its pages_dirtied
 * stat) and calls us only for a vCPU above the threshold we set it, that
 * is over its quota.  With the dirty ring we see every page, to leave out
 * those KVM pushes again, and add to the vCPU's own counter.  A per-VM
 * timer rolls the intervals while the VM is not just observed: it refills
 * quotas and the pool and wakes stopped vCPUs.
 * A vCPU that finds it may not go on also rolls, so a late timer does not
 * hold it back.
 */
#include <linux/debugfs.h>
#include <linux/dirtyquota.h>
#include <linux/kvm_dirty_provider.h>
#include <linux/kvm_host.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "compat.h"
#include "netlink.h"
#include "pv.h"
#include "vm.h"

/* Sleep and exit modes stop vCPUs before guest entry: the core patch's 3/5. */
#ifndef CONFIG_HAVE_KVM_DIRTY_QUOTA
#error "this KVM cannot stop vCPUs: no CONFIG_HAVE_KVM_DIRTY_QUOTA"
#endif

static LIST_HEAD(dq_vms);
static DEFINE_MUTEX(dq_vms_lock);
static bool dq_unloading;
static atomic64_t dq_last_id;

/* Live objects, for debugfs and the leak check at unload. */
static atomic_t dq_live_vms, dq_live_vcpus;
static struct dentry *dq_debugfs;

/* What the quotas of the VM's vCPUs follow; the caller holds vm->qlock. */
static struct dq_budget dq_vm_budget(struct dq_vm *vm)
{
	return (struct dq_budget) {
		.rate = vm->cfg.budget,
		.interval_ns = vm->cfg.interval_ns,
		.nr_vcpus = vm->nr_vcpus,
		.nr_own = vm->nr_own,
		.pool = vm->cfg.pool ? &vm->pool : NULL,
		.pool_cap = vm->pool_cap,
	};
}

/* The quota of @dv's current interval, pool draws not included. */
static u64 dq_vcpu_quota(struct dq_vm *vm, struct dq_vcpu *dv)
{
	struct dq_budget b = dq_vm_budget(vm);

	if (vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE)
		return DQ_UNLIMITED;
	return dq_quota_of(&b, dv->rate, vm->interval_no, vm->interval_no + 1);
}

static bool dq_vcpu_in_pool(struct dq_vm *vm, struct dq_vcpu *dv)
{
	return vm->cfg.pool && dv->rate == DQ_RATE_SHARE;
}

/*
 * KVM calls dq_page_dirtied() for a vCPU's pages once its stat is above
 * the threshold set here: the page that takes the vCPU over its quota and
 * those after it, or, with the dirty ring, every page.  After every
 * change of dv->q.threshold.
 */
static void dq_vcpu_publish(struct dq_vcpu *dv)
{
	u64 bytes = READ_ONCE(dv->q.threshold), pages;

	if (dv->on_ring)
		pages = 0;
	else if (bytes == DQ_UNLIMITED ||
		 check_add_overflow(dv->pages_base, bytes >> PAGE_SHIFT, &pages))
		pages = U64_MAX;
	kvm_dirty_provider_set_threshold(dv->vcpu, pages);
}

static u64 dq_next_interval(struct dq_vm *vm)
{
	return vm->epoch + (vm->interval_no + 1) * vm->cfg.interval_ns;
}

static bool dq_vcpu_held_in_pool(struct dq_vm *vm, struct dq_vcpu *dv)
{
	return dq_vcpu_in_pool(vm, dv) && READ_ONCE(dv->stall_start);
}

/*
 * After a roll: the vCPUs on the share that are held draw the pool, in
 * equal parts, for the host to run them later (see dq_pool_hold()).
 */
static void dq_vm_pool_hold(struct dq_vm *vm, const struct dq_budget *b)
{
	u64 quota, part, bound;
	struct dq_vcpu *dv;
	unsigned long i;
	u32 held = 0;

	xa_for_each(&vm->vcpus, i, dv)
		held += dq_vcpu_held_in_pool(vm, dv);
	if (!held)
		return;
	quota = dq_quota_of(b, DQ_RATE_SHARE, vm->interval_no,
			    vm->interval_no + 1);
	bound = dq_hold_max(b, DQ_RATE_SHARE, quota);
	part = div_u64(vm->pool + held - 1, held);
	xa_for_each(&vm->vcpus, i, dv) {
		if (!dq_vcpu_held_in_pool(vm, dv))
			continue;
		dv->pool_drawn += dq_pool_hold(&vm->pool, &dv->q,
					       dq_vcpu_bytes(dv),
					       bound, part);
	}
}

/* Ends the intervals that have passed; the caller holds vm->qlock. */
static void dq_vm_roll(struct dq_vm *vm, u64 now)
{
	struct dq_budget b = dq_vm_budget(vm);
	struct dq_vcpu *dv;
	unsigned long i;
	u64 k;

	lockdep_assert_held(&vm->qlock);
	if (vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE)
		return;
	k = div64_u64(now - vm->epoch, vm->cfg.interval_ns);
	if (k <= vm->interval_no)
		return;

	xa_for_each(&vm->vcpus, i, dv)
		dq_quota_roll(&dv->q, dq_vcpu_bytes(dv), &b,
			      dv->rate, vm->interval_no, k,
			      READ_ONCE(dv->stall_start) != 0);
	vm->interval_no = k;
	if (b.pool && vm->pool)
		dq_vm_pool_hold(vm, &b);
	xa_for_each(&vm->vcpus, i, dv)
		dq_vcpu_publish(dv);
}

static bool dq_kvm_dirty_logging(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	struct kvm_memslots *slots;
	bool on = false;
	int as, bkt, idx;

	idx = srcu_read_lock(&kvm->srcu);
	for (as = 0; as < dq_nr_address_spaces(kvm); as++) {
		/*
		 * Read once: kvm_for_each_memslot() evaluates its argument at
		 * every step, and a memslot update swaps the active set while
		 * we look, which mixed two sets' hash lists before.
		 */
		slots = __kvm_memslots(kvm, as);
		kvm_for_each_memslot(slot, bkt, slots)
			on |= !!(slot->flags & KVM_MEM_LOG_DIRTY_PAGES);
	}
	srcu_read_unlock(&kvm->srcu, idx);
	return on;
}

/*
 * Wakes the held vCPUs that may go on now: within quota, the pool has
 * something, or dirty logging is off.  The caller holds vm->qlock.
 */
static void dq_vm_wake_ready(struct dq_vm *vm)
{
	struct kvm *kvm = READ_ONCE(vm->kvm);
	struct dq_vcpu *dv;
	int logging = -1;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, dv) {
		if (!dv->sleepers)
			continue;
		if (dq_quota_over(&dv->q, dq_vcpu_bytes(dv)) &&
		    !(vm->pool && dq_vcpu_in_pool(vm, dv))) {
			if (logging < 0)
				logging = !kvm || dq_kvm_dirty_logging(kvm);
			if (logging)
				continue;
		}
		wake_up(&dv->wq);
	}
}

static void dq_vm_wake_all(struct dq_vm *vm)
{
	struct dq_vcpu *dv;
	unsigned long i;

	rcu_read_lock();
	xa_for_each(&vm->vcpus, i, dv)
		wake_up_all(&dv->wq);
	rcu_read_unlock();
}

/* The one place that arms the timer; the caller holds vm->qlock. */
static void dq_vm_arm(struct dq_vm *vm)
{
	lockdep_assert_held(&vm->qlock);
	if (vm->cfg.mode != DIRTYQUOTA_MODE_OBSERVE)
		hrtimer_start(&vm->timer, ns_to_ktime(dq_next_interval(vm)),
			      HRTIMER_MODE_ABS_SOFT);
}

static enum hrtimer_restart dq_vm_tick(struct hrtimer *timer)
{
	struct dq_vm *vm = container_of(timer, struct dq_vm, timer);

	spin_lock(&vm->qlock);
	dq_vm_roll(vm, ktime_get_ns());
	dq_vm_wake_ready(vm);
	dq_vm_arm(vm);
	spin_unlock(&vm->qlock);
	return HRTIMER_NORESTART;
}

/*
 * Whether a vCPU may enter the guest: it is within its quota, or the pool
 * covers what it needs, or dirty logging ended and with it what its debt
 * was for.
 */
static bool dq_vcpu_may_go(struct dq_vm *vm, struct dq_vcpu *dv,
			   struct kvm *kvm)
{
	u64 total = dq_vcpu_bytes(dv);
	bool go;

	if (READ_ONCE(dq_unloading))
		return true;

	spin_lock_bh(&vm->qlock);
	dq_vm_roll(vm, ktime_get_ns());
	go = !dq_quota_over(&dv->q, total);
	if (!go && dq_vcpu_in_pool(vm, dv)) {
		dv->pool_drawn += dq_pool_draw(&vm->pool, &dv->q, total,
					       dq_vcpu_quota(vm, dv));
		go = !dq_quota_over(&dv->q, total);
	}
	if (!go && !dq_kvm_dirty_logging(kvm)) {
		dq_quota_forgive(&dv->q, total);
		go = true;
	}
	dq_vcpu_publish(dv);
	spin_unlock_bh(&vm->qlock);
	return go;
}

/* The vCPU itself and DIRTYQUOTA_IOC_WAIT: their time is counted once. */
static void dq_vcpu_sleepers(struct dq_vm *vm, struct dq_vcpu *dv, int delta)
{
	u64 now = ktime_get_ns();

	spin_lock_bh(&vm->qlock);
	if (delta > 0 && !dv->sleepers++)
		dv->sleep_start = now;
	else if (delta < 0 && !--dv->sleepers)
		dv->throttled_ns += now - dv->sleep_start;
	spin_unlock_bh(&vm->qlock);
}

/* Sleeps until the vCPU may go on or @deadline: 0, or -EINTR on a signal. */
static int dq_vcpu_sleep(struct dq_vm *vm, struct dq_vcpu *dv,
			 struct kvm *kvm, u64 deadline)
{
	u64 now = ktime_get_ns();
	long r;

	if (now >= deadline)
		return 0;
	dq_vcpu_sleepers(vm, dv, 1);
	r = wait_event_interruptible_hrtimeout(dv->wq,
					       dq_vcpu_may_go(vm, dv, kvm),
					       ns_to_ktime(deadline - now));
	dq_vcpu_sleepers(vm, dv, -1);
	return r == -ERESTARTSYS ? -EINTR : 0;
}

/*
 * When the vCPU's current stop ends at the latest; for DIRTYQUOTA_IOC_WAIT
 * before the vCPU itself was stopped, a stop that begins now.
 */
static u64 dq_vcpu_deadline(struct dq_vm *vm, struct dq_vcpu *dv)
{
	u64 start = READ_ONCE(dv->stall_start) ?: ktime_get_ns();

	return start + READ_ONCE(vm->cfg.max_stall_ns);
}

static void dq_vcpu_fill_exit(struct dq_vm *vm, struct dq_vcpu *dv,
			      struct kvm_run *run, u64 deadline)
{
	u64 now = ktime_get_ns(), next;

	spin_lock_bh(&vm->qlock);
	next = min(dq_next_interval(vm), deadline);
	run->exit_reason = KVM_EXIT_DIRTY_QUOTA_FULL;
	run->dirty_quota.count = dq_quota_used(&dv->q,
					       dq_vcpu_bytes(dv));
	run->dirty_quota.quota = dv->q.quota;
	run->dirty_quota.wait_ns = next > now ? next - now : 0;
	spin_unlock_bh(&vm->qlock);
}

/* A stop begins; at most one quota-full event per vCPU and interval. */
static void dq_vcpu_stall_begin(struct dq_vm *vm, struct dq_vcpu *dv)
{
	struct dq_vcpu_full e;
	bool first;

	WRITE_ONCE(dv->stall_start, ktime_get_ns());
	spin_lock_bh(&vm->qlock);
	dv->stops++;
	first = dv->event_interval != vm->interval_no + 1;
	dv->event_interval = vm->interval_no + 1;
	e.index = dv->index;
	e.bytes_interval = dq_quota_used(&dv->q,
					 dq_vcpu_bytes(dv));
	e.quota = dv->q.quota;
	e.stops = dv->stops;
	spin_unlock_bh(&vm->qlock);
	if (first)
		dq_nl_quota_full(vm, &e);
}

static void dq_vcpu_rearm(struct kvm_vcpu *vcpu, struct dq_vcpu *dv)
{
	dv->stop_pending = true;
	kvm_make_request(KVM_REQ_DIRTY_QUOTA, vcpu);
}

/*
 * Lets the vCPU into the guest.  On the way in KVM writes steal time and
 * kvmclock, after this: those pages are charged, but they do not stop the
 * vCPU again before it has run guest code (see dq_vcpu_over()).
 */
static int dq_vcpu_go(struct kvm_vcpu *vcpu, struct dq_vcpu *dv)
{
	kvm_clear_request(KVM_REQ_DIRTY_QUOTA, vcpu);
	dv->stop_pending = false;
	dv->granted = true;
	dv->granted_exits = vcpu->stat.exits;
	WRITE_ONCE(dv->stall_start, 0);
	return 1;
}

static int dq_vcpu_stop(struct kvm_vcpu *vcpu)
{
	struct dq_vcpu *dv = kvm_dirty_provider_vcpu_data(vcpu);
	struct dq_vm *vm = kvm_dirty_provider_vm_data(vcpu->kvm);
	u64 deadline;

	dv->stop_pending = false;
	if (!vm || dq_vcpu_may_go(vm, dv, vcpu->kvm))
		return dq_vcpu_go(vcpu, dv);

	if (!dv->stall_start)
		dq_vcpu_stall_begin(vm, dv);
	deadline = dq_vcpu_deadline(vm, dv);
	/* Held for max-stall: at least one page goes through. */
	if (ktime_get_ns() >= deadline)
		return dq_vcpu_go(vcpu, dv);

	if (READ_ONCE(vm->cfg.mode) == DIRTYQUOTA_MODE_EXIT) {
		dq_vcpu_fill_exit(vm, dv, vcpu->run, deadline);
		/* Entering KVM_RUN again checks the quota again. */
		dq_vcpu_rearm(vcpu, dv);
		return 0;
	}
	/* On a signal KVM returns to userspace; check again on the way in. */
	if (dq_vcpu_sleep(vm, dv, vcpu->kvm, deadline)) {
		dq_vcpu_rearm(vcpu, dv);
		return 1;
	}
	return dq_vcpu_go(vcpu, dv);
}

/*
 * Over the threshold: stop before the next entry.  Not for KVM's own
 * pages of the vCPU, nor before the vCPU was in the guest since it was
 * let in: KVM's writes are charged, but they never keep it out.
 */
static void dq_vcpu_over(struct kvm_vcpu *vcpu, struct dq_vcpu *dv, gfn_t gfn)
{
	if (dv->stop_pending || dq_vcpu_pv_page(vcpu, gfn))
		return;
	if (dv->granted) {
		if (vcpu->stat.exits == dv->granted_exits)
			return;
		dv->granted = false;
	}
	dq_vcpu_rearm(vcpu, dv);
}

/* With the dirty ring: not a page this vCPU pushed and is not reset yet. */
static bool dq_ring_new(struct kvm_vcpu *vcpu, struct dq_vcpu *dv,
			const struct kvm_memory_slot *slot, gfn_t gfn)
{
	return dq_ring_charge(&dv->ring, (u32)slot->as_id << 16 | slot->id,
			      gfn, vcpu->dirty_ring.dirty_index - 1,
			      READ_ONCE(vcpu->dirty_ring.reset_index));
}

static void dq_page_dirtied(struct kvm *kvm, struct kvm_vcpu *vcpu,
			    const struct kvm_memory_slot *slot, gfn_t gfn)
{
	struct dq_vcpu *dv = vcpu ? kvm_dirty_provider_vcpu_data(vcpu) : NULL;
	struct dq_vm *vm;
	u64 total;

	if (likely(dv)) {
		if (dv->on_ring) {
			if (!dq_ring_new(vcpu, dv, slot, gfn))
				return;
			total = dq_account_vcpu(&dv->count, PAGE_SIZE);
			if (dq_vcpu_pv_page(vcpu, gfn))
				dq_account_kvm(&dv->count, PAGE_SIZE);
		} else {
			total = dq_vcpu_bytes(dv);
		}
		if (unlikely(total > READ_ONCE(dv->q.threshold)))
			dq_vcpu_over(vcpu, dv, gfn);
		return;
	}
	vm = vcpu ? NULL : kvm_dirty_provider_vm_data(kvm);
	if (vm)
		dq_account_vm(&vm->count, PAGE_SIZE);
}

/*
 * The VMM's process.  A new VM is being created by current; of one that
 * exists when the module loads, KVM knows the thread that created it.
 */
static pid_t dq_vm_tgid(struct kvm *kvm)
{
	struct task_struct *task, *p;
	pid_t tgid = kvm->userspace_pid;

	if (!tgid)
		return task_tgid_nr(current);
	rcu_read_lock();
	task = pid_task(find_pid_ns(tgid, &init_pid_ns), PIDTYPE_PID);
	if (!task) {
		/* That thread is gone: the process whose memory the VM is. */
		for_each_process(p) {
			if (READ_ONCE(p->mm) == kvm->mm) {
				task = p;
				break;
			}
		}
	}
	if (task)
		tgid = task_tgid_nr(task);
	rcu_read_unlock();
	return tgid;
}

static void dq_vm_put_kvm_work(struct work_struct *work);

static void *dq_vm_create(struct kvm *kvm)
{
	struct dq_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->qlock);
	/* Erased under qlock, which the timer takes in softirq context. */
	xa_init_flags(&vm->vcpus, XA_FLAGS_LOCK_BH);
	hrtimer_init(&vm->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	vm->timer.function = dq_vm_tick;
	INIT_WORK(&vm->put_work, dq_vm_put_kvm_work);
	vm->kvm = kvm;
	vm->cfg.mode = DIRTYQUOTA_MODE_OBSERVE;
	vm->cfg.pool = true;
	vm->cfg.budget = DQ_UNLIMITED;
	vm->cfg.interval_ns = DIRTYQUOTA_INTERVAL_DEFAULT_NS;
	vm->cfg.max_stall_ns = DIRTYQUOTA_MAX_STALL_DEFAULT_NS;
	vm->epoch = ktime_get_ns();
	vm->id = atomic64_inc_return(&dq_last_id);
	vm->pid = dq_vm_tgid(kvm);

	mutex_lock(&dq_vms_lock);
	list_add_tail(&vm->node, &dq_vms);
	mutex_unlock(&dq_vms_lock);
	atomic_inc(&dq_live_vms);
	dq_nl_vm_new(vm, kvm->stats_id);
	return vm;
}

static void dq_vm_free(struct kref *ref)
{
	struct dq_vm *vm = container_of(ref, struct dq_vm, ref);

	xa_destroy(&vm->vcpus);
	mutex_destroy(&vm->lock);
	kfree_rcu(vm, rcu);
	atomic_dec(&dq_live_vms);
}

void dq_vm_put(struct dq_vm *vm)
{
	kref_put(&vm->ref, dq_vm_free);
}

/*
 * Last references on a struct kvm that netlink readers drop go to this
 * worker: a reader's request (possibly an unprivileged one's, possibly
 * racing the VMM's exit) never runs a VM's teardown.
 */
static struct workqueue_struct *dq_put_wq;
static atomic_t dq_deferred_puts;	/* in debugfs, for the tests */

static void dq_vm_put_kvm_work(struct work_struct *work)
{
	struct dq_vm *vm = container_of(work, struct dq_vm, put_work);

	kvm_put_kvm(vm->put_kvm);
	dq_vm_put(vm);
}

/*
 * Drops a reference from dq_vm_get_kvm().  Only one holder can find the
 * count at one, and the work's own reference keeps it above one until it
 * has run: put_work is never queued twice.
 */
void dq_vm_put_kvm(struct dq_vm *vm, struct kvm *kvm)
{
	if (refcount_dec_not_one(&kvm->users_count))
		return;
	kref_get(&vm->ref);
	vm->put_kvm = kvm;
	atomic_inc(&dq_deferred_puts);
	queue_work(dq_put_wq, &vm->put_work);
}

/* A reference on the VM's struct kvm, or NULL once it is going away. */
struct kvm *dq_vm_get_kvm(struct dq_vm *vm)
{
	struct kvm *kvm = NULL;

	mutex_lock(&vm->lock);
	if (!vm->dead && kvm_get_kvm_safe(vm->kvm))
		kvm = vm->kvm;
	mutex_unlock(&vm->lock);
	return kvm;
}

static u64 dq_vm_bytes_dirtied(struct dq_vm *vm)
{
	struct dq_vcpu *dv;
	unsigned long i;
	u64 bytes;

	lockdep_assert_held(&vm->qlock);
	bytes = vm->bytes_gone;
	xa_for_each(&vm->vcpus, i, dv)
		bytes += dq_vcpu_bytes(dv);
	return bytes;
}

static void dq_vm_destroy(struct kvm *kvm)
{
	struct dq_vm *vm = kvm_dirty_provider_vm_data(kvm);
	u64 bytes;

	spin_lock_bh(&vm->qlock);
	bytes = dq_vm_bytes_dirtied(vm);
	spin_unlock_bh(&vm->qlock);
	dq_nl_vm_del(vm, bytes);
	mutex_lock(&dq_vms_lock);
	list_del(&vm->node);
	mutex_unlock(&dq_vms_lock);

	mutex_lock(&vm->lock);
	vm->dead = true;
	WRITE_ONCE(vm->kvm, NULL);
	hrtimer_cancel(&vm->timer);
	mutex_unlock(&vm->lock);
	dq_vm_put(vm);
}

static void *dq_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct dq_vm *vm = kvm_dirty_provider_vm_data(vcpu->kvm);
	struct dq_vcpu *dv;

	/* On failure the vCPU goes untracked: its pages are not counted. */
	dv = kzalloc(sizeof(*dv), GFP_KERNEL_ACCOUNT);
	if (!dv)
		return NULL;
	dv->vcpu = vcpu;
	dv->on_ring = !!vcpu->kvm->dirty_ring_size;
	dv->pages_base = kvm_dirty_provider_pages(vcpu);
	dv->rate = DQ_RATE_SHARE;
	dv->index = vcpu->vcpu_idx;
	dv->id = vcpu->vcpu_id;
	init_waitqueue_head(&dv->wq);
	dq_quota_start(&dv->q, 0, DQ_UNLIMITED);
	dq_rate_start(&dv->rate_sample, ktime_get_ns(), 0);

	if (xa_insert_bh(&vm->vcpus, dv->index, dv, GFP_KERNEL_ACCOUNT)) {
		kfree(dv);
		return NULL;
	}
	atomic_inc(&dq_live_vcpus);
	spin_lock_bh(&vm->qlock);
	vm->nr_vcpus++;
	dq_quota_start(&dv->q, 0, dq_vcpu_quota(vm, dv));
	dq_vcpu_publish(dv);
	spin_unlock_bh(&vm->qlock);
	return dv;
}

static void dq_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	struct dq_vm *vm = kvm_dirty_provider_vm_data(vcpu->kvm);
	struct dq_vcpu *dv = kvm_dirty_provider_vcpu_data(vcpu);

	/* Under qlock, so that the timer no longer sees it. */
	spin_lock_bh(&vm->qlock);
	xa_erase_bh(&vm->vcpus, dv->index);
	vm->nr_vcpus--;
	if (dv->rate != DQ_RATE_SHARE)
		vm->nr_own--;
	vm->bytes_gone += dq_vcpu_bytes(dv);
	spin_unlock_bh(&vm->qlock);
	kfree_rcu(dv, rcu);
	atomic_dec(&dq_live_vcpus);
}

/*
 * One interval's worth of the budget, and never less than a page: below
 * that, a vCPU on the share whose quota is under a page could not be paid
 * its next page from what the others left in a roll that came a few
 * intervals late (1 MiB/s over 2 vCPUs at 1 ms delivered 0.5-0.7 MiB/s).
 */
static u64 dq_pool_cap_of(struct dq_vm *vm)
{
	if (!vm->cfg.pool || vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE)
		return 0;
	return max_t(u64, PAGE_SIZE,
		     dq_rate_to_interval(vm->cfg.budget, vm->cfg.interval_ns));
}

static int dq_config_check(u32 set, const struct dq_config *new,
			   const char **why)
{
	if (set & ~__DIRTYQUOTA_CFG_ALL) {
		*why = "unknown setting";
		return -EINVAL;
	}
	if ((set & DIRTYQUOTA_CFG_MODE) && new->mode > __DIRTYQUOTA_MODE_MAX) {
		*why = "unknown mode";
		return -EINVAL;
	}
	if ((set & DIRTYQUOTA_CFG_INTERVAL) &&
	    (new->interval_ns < DIRTYQUOTA_INTERVAL_MIN_NS ||
	     new->interval_ns > DIRTYQUOTA_INTERVAL_MAX_NS)) {
		*why = "interval must be from 1 ms to 1 s";
		return -ERANGE;
	}
	if ((set & DIRTYQUOTA_CFG_MAX_STALL) &&
	    (new->max_stall_ns < DIRTYQUOTA_MAX_STALL_MIN_NS ||
	     new->max_stall_ns > DIRTYQUOTA_MAX_STALL_MAX_NS)) {
		*why = "max-stall must be from 1 ms to 10 s";
		return -ERANGE;
	}
	return 0;
}

/* Applies @new; the caller holds vm->lock and the VM is alive. */
static void dq_vm_apply(struct dq_vm *vm, u32 set, const struct dq_config *new)
{
	u32 mode = set & DIRTYQUOTA_CFG_MODE ? new->mode : vm->cfg.mode;
	bool restart;
	u64 now;
	struct dq_vcpu *dv;
	unsigned long i;

	/* Listeners hear of a new mode before its first quota-full event. */
	if (mode != vm->cfg.mode)
		dq_nl_mode_change(vm, vm->cfg.mode, mode);

	now = ktime_get_ns();
	spin_lock_bh(&vm->qlock);
	dq_vm_roll(vm, now);
	restart = ((set & DIRTYQUOTA_CFG_MODE) &&
		   vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE &&
		   new->mode != DIRTYQUOTA_MODE_OBSERVE) ||
		  ((set & DIRTYQUOTA_CFG_INTERVAL) &&
		   new->interval_ns != vm->cfg.interval_ns);
	if (set & DIRTYQUOTA_CFG_MODE)
		vm->cfg.mode = new->mode;
	if (set & DIRTYQUOTA_CFG_BUDGET)
		vm->cfg.budget = new->budget;
	if (set & DIRTYQUOTA_CFG_INTERVAL)
		vm->cfg.interval_ns = new->interval_ns;
	if (set & DIRTYQUOTA_CFG_POOL)
		vm->cfg.pool = new->pool;
	if (set & DIRTYQUOTA_CFG_MAX_STALL)
		vm->cfg.max_stall_ns = new->max_stall_ns;
	if (restart) {
		vm->epoch = now;
		vm->interval_no = 0;
	}
	vm->pool_cap = dq_pool_cap_of(vm);
	vm->pool = min(vm->pool, vm->pool_cap);

	xa_for_each(&vm->vcpus, i, dv) {
		u64 total = dq_vcpu_bytes(dv);

		if (restart)
			dq_quota_start(&dv->q, total, dq_vcpu_quota(vm, dv));
		else
			dq_quota_set(&dv->q, total, dq_vcpu_quota(vm, dv));
		dq_vcpu_publish(dv);
	}
	dq_vm_arm(vm);
	spin_unlock_bh(&vm->qlock);

	/* A tick that ran before the change no longer re-arms the timer. */
	if (vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE)
		hrtimer_cancel(&vm->timer);
	dq_vm_wake_all(vm);
}

/* The one place where a VM's settings change. */
int dq_vm_configure(struct dq_vm *vm, u32 set, const struct dq_config *new,
		    const char **why)
{
	int r = dq_config_check(set, new, why);

	if (r)
		return r;

	mutex_lock(&vm->lock);
	if (vm->dead) {
		*why = "the VM is gone";
		r = -ENODEV;
	} else if ((set & DIRTYQUOTA_CFG_MODE) &&
		   new->mode == DIRTYQUOTA_MODE_EXIT && !vm->exit_allowed) {
		/* It did not attach with DIRTYQUOTA_ATTACH_F_EXIT. */
		*why = "this VMM does not handle dirty-quota exits: use sleep mode";
		r = -EPERM;
	} else {
		dq_vm_apply(vm, set, new);
	}
	mutex_unlock(&vm->lock);
	return r;
}

void dq_vm_get_config(struct dq_vm *vm, struct dq_config *cfg, u64 *pool,
		      u64 *pool_cap)
{
	spin_lock_bh(&vm->qlock);
	dq_vm_roll(vm, ktime_get_ns());
	*cfg = vm->cfg;
	*pool = vm->pool;
	*pool_cap = vm->pool_cap;
	spin_unlock_bh(&vm->qlock);
}

/* A file that let the VM use exit mode goes away: fall back to sleep. */
void dq_vm_detach(struct dq_vm *vm, struct dq_file *dqf)
{
	struct dq_config sleep = { .mode = DIRTYQUOTA_MODE_SLEEP };

	mutex_lock(&vm->lock);
	if (vm->attached == dqf) {
		vm->attached = NULL;
		vm->exit_allowed = false;
		if (!vm->dead && vm->cfg.mode == DIRTYQUOTA_MODE_EXIT)
			dq_vm_apply(vm, DIRTYQUOTA_CFG_MODE, &sleep);
	}
	mutex_unlock(&vm->lock);
}

/* Gives a vCPU its own @rate, or with @share puts it back on the share. */
int dq_vcpu_set_rate(struct dq_vm *vm, u32 index, bool share, u64 rate,
		     const char **why)
{
	struct dq_vcpu *dv;
	unsigned long i;
	int r = 0;

	/* DQ_RATE_SHARE is not a rate anyone can ask for. */
	if (share)
		rate = DQ_RATE_SHARE;
	else if (rate == DQ_RATE_SHARE)
		rate--;

	mutex_lock(&vm->lock);
	if (vm->dead) {
		*why = "the VM is gone";
		mutex_unlock(&vm->lock);
		return -ENODEV;
	}
	spin_lock_bh(&vm->qlock);
	dv = xa_load(&vm->vcpus, index);
	if (dv) {
		dq_vm_roll(vm, ktime_get_ns());
		vm->nr_own += (rate != DQ_RATE_SHARE) - (dv->rate != DQ_RATE_SHARE);
		dv->rate = rate;
		/* The share of every vCPU on it changes with nr_own. */
		xa_for_each(&vm->vcpus, i, dv) {
			dq_quota_set(&dv->q, dq_vcpu_bytes(dv),
				     dq_vcpu_quota(vm, dv));
			dq_vcpu_publish(dv);
		}
	} else {
		*why = "no such vCPU";
		r = -ENOENT;
	}
	spin_unlock_bh(&vm->qlock);
	mutex_unlock(&vm->lock);
	dq_vm_wake_all(vm);
	return r;
}

/* For exit mode: sleep as sleep mode would, from the VMM's own call. */
int dq_vcpu_wait(struct dq_vm *vm, u32 index)
{
	struct dq_vcpu *dv;
	struct kvm *kvm;
	int r = 0;

	kvm = dq_vm_get_kvm(vm);
	if (!kvm)
		return -ENODEV;
	/* The kvm reference keeps the VM's vCPUs, and so dv, alive. */
	dv = xa_load(&vm->vcpus, index);
	if (!dv)
		r = -ENOENT;
	else if (!dq_vcpu_may_go(vm, dv, kvm))
		r = dq_vcpu_sleep(vm, dv, kvm, dq_vcpu_deadline(vm, dv));
	kvm_put_kvm(kvm);
	return r;
}

void dq_vcpu_snapshot(struct dq_vm *vm, struct kvm_vcpu *vcpu,
		      struct dq_vcpu_snapshot *s)
{
	struct dq_vcpu *dv = kvm_dirty_provider_vcpu_data(vcpu);
	bool observe;
	u64 now;

	memset(s, 0, sizeof(*s));
	if (!dv)
		return;
	s->tracked = true;
	s->bytes_dirtied = dq_vcpu_bytes(dv);

	spin_lock_bh(&vm->qlock);
	now = ktime_get_ns();
	dq_vm_roll(vm, now);
	observe = vm->cfg.mode == DIRTYQUOTA_MODE_OBSERVE;
	s->limited = !observe;
	s->own_rate = dv->rate != DQ_RATE_SHARE;
	s->rate = dv->rate;
	s->stopped = dv->sleepers;
	s->stops = dv->stops;
	/* A stop still going on counts up to now: a held vCPU shows it. */
	s->throttled_ns = dv->throttled_ns +
			  (dv->sleepers ? now - dv->sleep_start : 0);
	s->pool_drawn = dv->pool_drawn;
	s->dirty_rate = READ_ONCE(dv->dirty_rate);
	s->kvm_bytes = READ_ONCE(dv->count.kvm_bytes);
	s->harvested = vm->harvests;
	if (s->harvested) {
		s->pass_bytes = s->bytes_dirtied > dv->pass_base ?
				s->bytes_dirtied - dv->pass_base : 0;
		s->last_pass_bytes = dv->last_pass;
	}
	if (!observe) {
		s->bytes_interval = dq_quota_used(&dv->q, s->bytes_dirtied);
		s->quota = dv->q.quota;
	}
	spin_unlock_bh(&vm->qlock);
}

/* The VM with this id, with a reference, or NULL. */
struct dq_vm *dq_vm_find(u64 id)
{
	struct dq_vm *vm, *found = NULL;

	mutex_lock(&dq_vms_lock);
	list_for_each_entry(vm, &dq_vms, node) {
		if (vm->id == id) {
			kref_get(&vm->ref);
			found = vm;
			break;
		}
	}
	mutex_unlock(&dq_vms_lock);
	return found;
}

/* The VM with the lowest id from @from_id on, with a reference, or NULL. */
struct dq_vm *dq_vm_next(u64 from_id)
{
	struct dq_vm *vm, *found = NULL;

	mutex_lock(&dq_vms_lock);
	list_for_each_entry(vm, &dq_vms, node) {
		if (vm->id >= from_id) {
			kref_get(&vm->ref);
			found = vm;
			break;
		}
	}
	mutex_unlock(&dq_vms_lock);
	return found;
}

/* The name of process @pid, or "" if it is gone. */
void dq_vm_comm(pid_t pid, char *comm)
{
	struct task_struct *task;

	comm[0] = '\0';
	rcu_read_lock();
	task = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
	if (task)
		__get_task_comm(comm, TASK_COMM_LEN, task);
	rcu_read_unlock();
}

int dq_vm_get_info(struct dq_vm *vm, struct dq_vm_info *info)
{
	struct kvm *kvm;

	kvm = dq_vm_get_kvm(vm);
	if (!kvm)
		return -ENODEV;
	memset(info, 0, sizeof(*info));
	info->id = vm->id;
	info->pid = vm->pid;
	dq_vm_comm(vm->pid, info->comm);
	strscpy(info->stats_id, kvm->stats_id, sizeof(info->stats_id));
	info->dirty_logging = dq_kvm_dirty_logging(kvm);
	info->bytes_unattributed = atomic64_read(&vm->count.bytes_unattributed);

	mutex_lock(&vm->lock);
	info->attached = vm->attached;
	info->exit_allowed = vm->exit_allowed;
	mutex_unlock(&vm->lock);

	spin_lock_bh(&vm->qlock);
	dq_vm_roll(vm, ktime_get_ns());
	info->cfg = vm->cfg;
	info->pool = vm->pool;
	info->pool_cap = vm->pool_cap;
	info->nr_vcpus = vm->nr_vcpus;
	info->bytes_dirtied = dq_vm_bytes_dirtied(vm);
	info->harvests = vm->harvests;
	if (vm->harvests)
		info->harvest_age_ns = ktime_get_ns() - vm->harvest_ns;
	spin_unlock_bh(&vm->qlock);

	dq_vm_put_kvm(vm, kvm);
	return 0;
}

static const struct kvm_dirty_provider_ops dq_provider_ops = {
	.owner		= THIS_MODULE,
	.vm_init	= dq_vm_create,
	.vm_destroy	= dq_vm_destroy,
	.vcpu_init	= dq_vcpu_create,
	.vcpu_destroy	= dq_vcpu_destroy,
	.page_dirtied	= dq_page_dirtied,
	.vcpu_stop	= dq_vcpu_stop,
	.log_harvest	= dq_vm_log_harvest,
};

static int dq_objects_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "vms %d\nvcpus %d\ndeferred_puts %d\n",
		   atomic_read(&dq_live_vms), atomic_read(&dq_live_vcpus),
		   atomic_read(&dq_deferred_puts));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dq_objects);

/*
 * The rate clock: once a window, every vCPU's dirty rate over the window
 * that just ended, so that what a reader sees does not depend on when
 * others read.  dq_vms_lock keeps each VM, RCU each vCPU.
 */
static void dq_rate_tick(struct work_struct *work);
static DECLARE_DELAYED_WORK(dq_rate_work, dq_rate_tick);

static void dq_rate_arm(void)
{
	schedule_delayed_work(&dq_rate_work,
			      nsecs_to_jiffies(DQ_RATE_WINDOW_NS));
}

static void dq_rate_tick(struct work_struct *work)
{
	u64 now = ktime_get_ns();
	struct dq_vcpu *dv;
	struct dq_vm *vm;
	unsigned long i;

	mutex_lock(&dq_vms_lock);
	list_for_each_entry(vm, &dq_vms, node) {
		rcu_read_lock();
		xa_for_each(&vm->vcpus, i, dv)
			WRITE_ONCE(dv->dirty_rate,
				   dq_rate_sample(&dv->rate_sample, now,
						  dq_vcpu_bytes(dv)));
		rcu_read_unlock();
	}
	mutex_unlock(&dq_vms_lock);
	dq_rate_arm();
}

/*
 * VM ids are unique for the life of the host, across reloads of the
 * module: each load starts at the time since boot in microseconds (no
 * load comes within a microsecond of the last VM the one before it
 * tracked), above 2^32 so that an id is never a PID either.
 */
#define DQ_ID_BASE	BIT_ULL(32)

int dq_vm_init(void)
{
	int r;

	atomic64_set(&dq_last_id,
		     DQ_ID_BASE + ktime_get_boottime_ns() / NSEC_PER_USEC);
	dq_put_wq = alloc_workqueue("dirtyquota_put", WQ_UNBOUND, 0);
	if (!dq_put_wq)
		return -ENOMEM;
	r = kvm_dirty_provider_register(&dq_provider_ops);
	if (r) {
		destroy_workqueue(dq_put_wq);
		return r;
	}
	dq_rate_arm();
	dq_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("objects", 0400, dq_debugfs, NULL,
			    &dq_objects_fops);
	return 0;
}

/*
 * After everything else is torn down, netlink included: the readers' last
 * puts are done, and nothing may be left.
 */
void dq_vm_finish(void)
{
	int vms, vcpus;

	destroy_workqueue(dq_put_wq);
	vms = atomic_read(&dq_live_vms);
	vcpus = atomic_read(&dq_live_vcpus);
	if (vms || vcpus)
		pr_err("leaked %d VMs and %d vCPUs\n", vms, vcpus);
}

void dq_vm_exit(void)
{
	struct dq_vm *vm;

	cancel_delayed_work_sync(&dq_rate_work);
	/* Let every stopped vCPU go before KVM waits for them. */
	WRITE_ONCE(dq_unloading, true);
	mutex_lock(&dq_vms_lock);
	list_for_each_entry(vm, &dq_vms, node)
		dq_vm_wake_all(vm);
	mutex_unlock(&dq_vms_lock);

	kvm_dirty_provider_unregister(&dq_provider_ops);
	debugfs_remove(dq_debugfs);
}
