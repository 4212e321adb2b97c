/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dirtyquota: per-vCPU dirty memory accounting and quotas for KVM.
 *
 * dirtyquota.ko counts, for every vCPU of every KVM VM on the host, the bytes
 * of guest memory that KVM's dirty logging records as dirtied by that vCPU
 * (4096 bytes per base page on x86).  Pages are counted only while dirty
 * logging is enabled on their memslot, in every dirty-tracking mode
 * (KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG, dirty ring), exactly where KVM
 * records them.  Pages recorded while no vCPU of the VM runs, or by a vCPU
 * that dirtyquota has not finished tracking, are counted per VM as
 * "unattributed".  With Intel PML, KVM learns of dirty pages when a PML
 * buffer is flushed, so the counts are exact but can lag by up to 512 pages.
 *
 * Every VM is tracked from its creation, or from the time dirtyquota.ko is
 * loaded if that comes later.  Unloading the module stops all tracking;
 * running VMs are not affected.  The module cannot be unloaded while a
 * /dev/dirtyquota file is open.
 *
 * /dev/dirtyquota
 * ---------------
 * A VMM opens /dev/dirtyquota and attaches the file to one of its VMs by
 * passing the VM's file descriptor: holding that descriptor is the proof of
 * ownership.  A VM has at most one attached file.  The attachment does not
 * keep the VM alive: once the VM is destroyed, ioctls that need it fail with
 * ENODEV.  Closing the file detaches it.
 *
 * Every ioctl argument is a struct whose size is encoded in the ioctl number.
 * The kernel accepts the struct of any earlier API version (shorter) and of
 * later versions (longer) as long as the bytes it does not know are zero,
 * else E2BIG; output beyond what the caller's struct holds is dropped.
 * Reserved fields and unknown flags must be zero, else EINVAL.  Errors every
 * ioctl may return: EFAULT (bad pointer), ENOTTY (unknown ioctl), EINVAL
 * (bad size, nonzero reserved field or unknown flag).
 *
 * DIRTYQUOTA_IOC_VERSION (struct dirtyquota_version, out)
 *	The API version and the features this module supports.  Needs no
 *	attachment.
 *
 * DIRTYQUOTA_IOC_ATTACH (struct dirtyquota_attach, in)
 *	@vm_fd: file descriptor of a KVM VM (from KVM_CREATE_VM).
 *	@flags: DIRTYQUOTA_ATTACH_F_*, none defined yet.
 *	Errors: EBADF (@vm_fd is not open), EINVAL (@vm_fd is not a KVM VM),
 *	EALREADY (this file is already attached), EBUSY (another file is
 *	attached to the VM), ENOENT (dirtyquota could not track the VM, see
 *	the kernel log), ENODEV (the VM is being destroyed).
 *
 * DIRTYQUOTA_IOC_GET_STATS (struct dirtyquota_stats, in/out)
 *	Counters of the attached VM and of up to @nr_entries of its vCPUs,
 *	written to the array at @entries, whose elements are
 *	@entry_size bytes long (sizeof(struct dirtyquota_vcpu_stats) as the
 *	caller knows it; at least DIRTYQUOTA_VCPU_STATS_SIZE_VER1).  On return
 *	@nr_vcpus is the number of vCPUs of the VM and @nr_entries the number
 *	of entries written (the first ones, by vCPU index).  Counters only
 *	grow; they are read without stopping the vCPUs.
 *	Errors: ENOTCONN (not attached), ENODEV (the VM is gone).
 *
 * KVM_EXIT_DIRTY_QUOTA_FULL
 * -------------------------
 * The exit reason KVM_RUN returns when a vCPU reached its dirty quota and
 * its VMM asked to handle that itself.  The kvm_run exit union then holds a
 * struct dirtyquota_exit.  The reason and layout are defined by the dirtyquota
 * KVM core patch, in <linux/kvm.h> of a patched kernel, and repeated here.
 */
#ifndef _UAPI_LINUX_DIRTYQUOTA_H
#define _UAPI_LINUX_DIRTYQUOTA_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DIRTYQUOTA_DEVICE_NAME		"dirtyquota"
#define DIRTYQUOTA_API_VERSION		1

#ifndef KVM_EXIT_DIRTY_QUOTA_FULL
#define KVM_EXIT_DIRTY_QUOTA_FULL	0x4451
#endif

struct dirtyquota_exit {
	__u64 count;		/* bytes the vCPU dirtied this interval */
	__u64 quota;		/* bytes it may dirty this interval */
	__u64 wait_ns;		/* estimated time until it may go on, or 0 */
};

enum dirtyquota_feature {
	DIRTYQUOTA_FEATURE_COUNT = 1 << 0,	/* per-vCPU dirty counters */
	__DIRTYQUOTA_FEATURE_ALL = DIRTYQUOTA_FEATURE_COUNT,
};

struct dirtyquota_version {
	__u32 api_version;	/* DIRTYQUOTA_API_VERSION */
	__u32 page_size;	/* bytes counted per dirtied base page */
	__u64 features;		/* DIRTYQUOTA_FEATURE_* */
};

enum dirtyquota_attach_flags {
	__DIRTYQUOTA_ATTACH_F_ALL = 0,
};

struct dirtyquota_attach {
	__s32 vm_fd;
	__u32 flags;		/* DIRTYQUOTA_ATTACH_F_* */
};

enum dirtyquota_vcpu_flags {
	DIRTYQUOTA_VCPU_F_TRACKED = 1 << 0,	/* counters are valid */
	__DIRTYQUOTA_VCPU_F_ALL = DIRTYQUOTA_VCPU_F_TRACKED,
};

struct dirtyquota_vcpu_stats {
	__u32 vcpu_index;	/* position in KVM's vCPU array */
	__u32 vcpu_id;		/* the id passed to KVM_CREATE_VCPU */
	__u32 flags;		/* DIRTYQUOTA_VCPU_F_* */
	__u32 reserved;
	__u64 bytes_dirtied;	/* since the vCPU was first tracked */
};

#define DIRTYQUOTA_VCPU_STATS_SIZE_VER1	24

struct dirtyquota_stats {
	__u64 entries;		/* in: user pointer to the vCPU array */
	__u32 entry_size;	/* in: bytes per element of that array */
	__u32 nr_entries;	/* in: elements it holds; out: written */
	__u32 nr_vcpus;		/* out: vCPUs of the VM */
	__u32 flags;		/* in: none defined, must be 0 */
	__u64 bytes_dirtied;	/* out: sum over the VM's vCPUs */
	__u64 bytes_unattributed; /* out: not attributed to any vCPU */
};

#define DIRTYQUOTA_IOC_MAGIC		0xDA
#define DIRTYQUOTA_IOC_VERSION \
	_IOR(DIRTYQUOTA_IOC_MAGIC, 0x00, struct dirtyquota_version)
#define DIRTYQUOTA_IOC_ATTACH \
	_IOW(DIRTYQUOTA_IOC_MAGIC, 0x01, struct dirtyquota_attach)
#define DIRTYQUOTA_IOC_GET_STATS \
	_IOWR(DIRTYQUOTA_IOC_MAGIC, 0x02, struct dirtyquota_stats)

#endif /* _UAPI_LINUX_DIRTYQUOTA_H */
