// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dirtyquota: a VMM attaches one of its VMs by fd and reads its
 * counters.  See uapi/linux/dirtyquota.h for the interface.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm_dirty_provider.h>
#include <linux/kvm_host.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dev.h"
#include "stats.h"
#include "vm.h"

struct dq_file {
	struct mutex lock;	/* serializes attach against other ioctls */
	struct dq_vm *vm;
};

static int dq_copy_out(void __user *uarg, size_t usize, const void *k,
		       size_t ksize)
{
	if (copy_to_user(uarg, k, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(uarg + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static long dq_ioc_version(struct dq_file *dqf, void __user *uarg,
			   size_t usize)
{
	struct dirtyquota_version v = {
		.api_version	= DIRTYQUOTA_API_VERSION,
		.page_size	= PAGE_SIZE,
		.features	= __DIRTYQUOTA_FEATURE_ALL,
	};

	return dq_copy_out(uarg, usize, &v, sizeof(v));
}

static long dq_ioc_attach(struct dq_file *dqf, void __user *uarg,
			  size_t usize)
{
	struct dirtyquota_attach a;
	struct file *vm_file;
	struct dq_vm *vm;
	long r;

	r = copy_struct_from_user(&a, sizeof(a), uarg, usize);
	if (r)
		return r;
	if (a.flags & ~__DIRTYQUOTA_ATTACH_F_ALL)
		return -EINVAL;

	vm_file = fget(a.vm_fd);
	if (!vm_file)
		return -EBADF;
	if (!file_is_kvm(vm_file)) {
		r = -EINVAL;
		goto out;
	}
	/* The open VM file keeps the VM, and so its dq_vm, alive. */
	vm = kvm_dirty_provider_vm_data(vm_file->private_data);
	if (!vm) {
		r = -ENOENT;
		goto out;
	}

	mutex_lock(&dqf->lock);
	mutex_lock(&vm->lock);
	if (dqf->vm)
		r = -EALREADY;
	else if (vm->dead)
		r = -ENODEV;
	else if (vm->attached)
		r = -EBUSY;
	if (!r) {
		kref_get(&vm->ref);
		vm->attached = dqf;
		vm->exit_allowed = a.flags & DIRTYQUOTA_ATTACH_F_EXIT;
		dqf->vm = vm;
	}
	mutex_unlock(&vm->lock);
	mutex_unlock(&dqf->lock);
out:
	fput(vm_file);
	return r;
}

/* The attached VM; it stays valid until the file is released. */
static struct dq_vm *dq_file_vm(struct dq_file *dqf)
{
	struct dq_vm *vm;

	mutex_lock(&dqf->lock);
	vm = dqf->vm;
	mutex_unlock(&dqf->lock);
	return vm;
}

static long dq_stats_copy_vcpus(struct dq_vm *vm, struct kvm *kvm,
				struct dirtyquota_stats *s, u32 nr_vcpus)
{
	u32 n = dq_stats_nr_entries(s, nr_vcpus);
	void __user *entries = u64_to_user_ptr(s->entries);
	struct dirtyquota_vcpu_stats e;
	struct dq_vcpu_snapshot snap;
	struct kvm_vcpu *vcpu;
	unsigned long i;
	u32 written = 0;

	s->bytes_dirtied = 0;
	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (i >= nr_vcpus)
			break;
		dq_vcpu_snapshot(vm, vcpu, &snap);
		dq_stats_fill_vcpu(&e, i, vcpu->vcpu_id, &snap);
		s->bytes_dirtied += e.bytes_dirtied;
		if (written >= n)
			continue;
		if (dq_copy_out(entries + (size_t)written * s->entry_size,
				s->entry_size, &e, sizeof(e)))
			return -EFAULT;
		written++;
	}
	s->nr_entries = written;
	s->nr_vcpus = nr_vcpus;
	return 0;
}

static long dq_ioc_get_stats(struct dq_file *dqf, void __user *uarg,
			     size_t usize)
{
	struct dirtyquota_stats s;
	struct kvm *kvm;
	struct dq_vm *vm;
	long r;

	r = copy_struct_from_user(&s, sizeof(s), uarg, usize);
	if (r)
		return r;
	r = dq_stats_check(&s);
	if (r)
		return r;

	vm = dq_file_vm(dqf);
	if (!vm)
		return -ENOTCONN;
	kvm = dq_vm_get_kvm(vm);
	if (!kvm)
		return -ENODEV;

	r = dq_stats_copy_vcpus(vm, kvm, &s, atomic_read(&kvm->online_vcpus));
	s.bytes_unattributed = atomic64_read(&vm->count.bytes_unattributed);
	kvm_put_kvm(kvm);
	if (r)
		return r;
	return dq_copy_out(uarg, usize, &s, sizeof(s));
}

static long dq_ioc_get_vm(struct dq_file *dqf, void __user *uarg,
			  size_t usize)
{
	struct dirtyquota_vm_config c = { 0 };
	struct dq_vm *vm = dq_file_vm(dqf);
	struct dq_config cfg;

	if (!vm)
		return -ENOTCONN;
	if (READ_ONCE(vm->dead))
		return -ENODEV;
	dq_vm_get_config(vm, &cfg, &c.pool_level, &c.pool_cap);
	c.mode = cfg.mode;
	c.budget = cfg.budget;
	c.interval_ns = cfg.interval_ns;
	c.pool = cfg.pool;
	c.max_stall_ns = cfg.max_stall_ns;
	return dq_copy_out(uarg, usize, &c, sizeof(c));
}

static long dq_ioc_set_vm(struct dq_file *dqf, void __user *uarg,
			  size_t usize)
{
	struct dq_vm *vm = dq_file_vm(dqf);
	struct dirtyquota_vm_config c;
	struct dq_config cfg;
	const char *why = NULL;
	long r;

	r = copy_struct_from_user(&c, sizeof(c), uarg, usize);
	if (r)
		return r;
	if (c.reserved || c.pool > 1 || c.pool_level || c.pool_cap)
		return -EINVAL;
	if (!vm)
		return -ENOTCONN;
	cfg = (struct dq_config) {
		.mode = c.mode,
		.pool = c.pool,
		.budget = c.budget,
		.interval_ns = c.interval_ns,
		.max_stall_ns = c.max_stall_ns,
	};
	r = dq_vm_configure(vm, c.set, &cfg, &why);
	if (r && why)
		pr_debug("SET_VM: %s\n", why);
	return r;
}

static long dq_ioc_set_vcpu_quota(struct dq_file *dqf, void __user *uarg,
				  size_t usize)
{
	struct dq_vm *vm = dq_file_vm(dqf);
	struct dirtyquota_vcpu_quota q;
	const char *why = NULL;
	long r;

	r = copy_struct_from_user(&q, sizeof(q), uarg, usize);
	if (r)
		return r;
	if (q.flags & ~__DIRTYQUOTA_VCPU_QUOTA_F_ALL)
		return -EINVAL;
	if ((q.flags & DIRTYQUOTA_VCPU_QUOTA_F_SHARE) && q.rate)
		return -EINVAL;
	if (!vm)
		return -ENOTCONN;
	return dq_vcpu_set_rate(vm, q.vcpu_index,
				q.flags & DIRTYQUOTA_VCPU_QUOTA_F_SHARE, q.rate,
				&why);
}

static long dq_ioc_wait(struct dq_file *dqf, void __user *uarg, size_t usize)
{
	struct dq_vm *vm = dq_file_vm(dqf);
	struct dirtyquota_wait w;
	long r;

	r = copy_struct_from_user(&w, sizeof(w), uarg, usize);
	if (r)
		return r;
	if (w.flags)
		return -EINVAL;
	if (!vm)
		return -ENOTCONN;
	return dq_vcpu_wait(vm, w.vcpu_index);
}

static_assert(DIRTYQUOTA_VM_CONFIG_SIZE_VER1 ==
	      offsetof(struct dirtyquota_vm_config, max_stall_ns));

/*
 * The number of each ioctl has the size of the current struct; @min_size
 * is that of its first version, the least the caller's may be.
 */
static const struct dq_ioctl {
	unsigned int cmd;
	size_t min_size;
	long (*fn)(struct dq_file *dqf, void __user *uarg, size_t usize);
} dq_ioctls[] = {
	{ DIRTYQUOTA_IOC_VERSION, sizeof(struct dirtyquota_version),
	  dq_ioc_version },
	{ DIRTYQUOTA_IOC_ATTACH, sizeof(struct dirtyquota_attach),
	  dq_ioc_attach },
	{ DIRTYQUOTA_IOC_GET_STATS, sizeof(struct dirtyquota_stats),
	  dq_ioc_get_stats },
	{ DIRTYQUOTA_IOC_GET_VM, DIRTYQUOTA_VM_CONFIG_SIZE_VER1,
	  dq_ioc_get_vm },
	{ DIRTYQUOTA_IOC_SET_VM, DIRTYQUOTA_VM_CONFIG_SIZE_VER1,
	  dq_ioc_set_vm },
	{ DIRTYQUOTA_IOC_SET_VCPU_QUOTA, sizeof(struct dirtyquota_vcpu_quota),
	  dq_ioc_set_vcpu_quota },
	{ DIRTYQUOTA_IOC_WAIT, sizeof(struct dirtyquota_wait), dq_ioc_wait },
};

static long dq_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dq_file *dqf = file->private_data;
	void __user *uarg = (void __user *)arg;
	const struct dq_ioctl *d;

	if (_IOC_TYPE(cmd) != DIRTYQUOTA_IOC_MAGIC)
		return -ENOTTY;

	for (d = dq_ioctls; d < dq_ioctls + ARRAY_SIZE(dq_ioctls); d++) {
		if (_IOC_NR(cmd) != _IOC_NR(d->cmd))
			continue;
		/* The caller's struct is at least the first version of ours. */
		if (_IOC_DIR(cmd) != _IOC_DIR(d->cmd) ||
		    _IOC_SIZE(cmd) < d->min_size)
			return -EINVAL;
		return d->fn(dqf, uarg, _IOC_SIZE(cmd));
	}
	return -ENOTTY;
}

static int dq_open(struct inode *inode, struct file *file)
{
	struct dq_file *dqf = kzalloc(sizeof(*dqf), GFP_KERNEL_ACCOUNT);

	if (!dqf)
		return -ENOMEM;
	mutex_init(&dqf->lock);
	file->private_data = dqf;
	return nonseekable_open(inode, file);
}

static int dq_release(struct inode *inode, struct file *file)
{
	struct dq_file *dqf = file->private_data;
	struct dq_vm *vm = dqf->vm;

	if (vm) {
		dq_vm_detach(vm, dqf);
		dq_vm_put(vm);
	}
	mutex_destroy(&dqf->lock);
	kfree(dqf);
	return 0;
}

static const struct file_operations dq_fops = {
	.owner		= THIS_MODULE,
	.open		= dq_open,
	.release	= dq_release,
	.unlocked_ioctl	= dq_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice dq_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= DIRTYQUOTA_DEVICE_NAME,
	.fops		= &dq_fops,
	.mode		= 0600,
};

int dq_dev_init(void)
{
	return misc_register(&dq_misc);
}

void dq_dev_exit(void)
{
	misc_deregister(&dq_misc);
}
