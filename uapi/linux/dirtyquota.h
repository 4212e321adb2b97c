/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dirtyquota: per-vCPU dirty memory accounting and quotas for KVM.
 *
 * dirtyquota.ko counts, for every vCPU of every KVM VM on the host, the bytes
 * of guest memory that KVM's dirty logging records as dirtied by that vCPU
 * (4096 bytes per base page on x86).  Pages are counted only while dirty
 * logging is enabled on their memslot, in every dirty-tracking mode
 * (KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG, dirty ring), where KVM records
 * them.  What is counted is what migration has to send again: a page once
 * per harvest of the log, whoever writes it.  With the dirty bitmap
 * (KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG), a page is counted when its bit
 * goes from clear to set: the first guest write after the log was
 * harvested, or KVM's first write into it (kvmclock, steal time,
 * emulation); KVM writing it again before the next harvest is not
 * counted; this count is the vCPU's pages_dirtied stat in KVM, which any
 * VMM reads with KVM_GET_STATS_FD, less what it was when dirtyquota began
 * tracking the vCPU (if root clears the stat through KVM's debugfs, the
 * count reads 0 until the stat is above that value again).
 * With the dirty ring, a page is counted when a vCPU
 * pushes it while no earlier entry of it that this vCPU pushed waits to
 * be reset (KVM_RESET_DIRTY_RINGS).  Each vCPU remembers its last 8 pages
 * for that, pages pushed more than once in preference, so KVM's rewrites of
 * its kvmclock and steal time are counted about once per reset; a page
 * pushed again after 8 others pushed once each is counted again (KVM's
 * pages_dirtied counts every entry).  Pages recorded while no vCPU of the
 * VM runs are counted per VM as "unattributed"; those of a vCPU that
 * dirtyquota could not track (no memory) are not counted.  With
 * Intel PML, KVM learns of dirty pages when a PML buffer is flushed, so
 * the counts are exact but can lag by up to 512 pages.
 *
 * KVM's own writes never keep a vCPU out of the guest.  The pages through
 * which KVM talks to the guest about a vCPU (x86: steal time, kvmclock,
 * PV EOI, async page faults) are counted but never stop it, and nor does
 * anything KVM writes on the way into the guest after dirtyquota let the
 * vCPU in; what they cost is paid from the vCPU's later quota.  A vCPU
 * held back looks preempted to its guest (x86: KVM_VCPU_PREEMPTED in its
 * steal time), as when the host scheduler takes its CPU, while it sleeps
 * in the kernel or, in exit mode, until the next KVM_RUN: the guest's PV
 * TLB flushes and PV spinlocks do not wait for it.  When dirty logging
 * ends (the migration finished or was cancelled), a held vCPU goes on at
 * the next interval at the latest and what it owed is dropped.
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
 *	@flags: DIRTYQUOTA_ATTACH_F_EXIT: this VMM handles
 *	KVM_EXIT_DIRTY_QUOTA_FULL, so the VM may be put in exit mode.  When
 *	the file is closed, a VM in exit mode falls back to sleep mode.
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
 * DIRTYQUOTA_IOC_GET_VM (struct dirtyquota_vm_config, out)
 * DIRTYQUOTA_IOC_SET_VM (struct dirtyquota_vm_config, in)
 *	The quota settings of the attached VM.  SET_VM changes the fields
 *	named in @set (DIRTYQUOTA_CFG_*) and leaves the others; the change
 *	takes effect at once for every vCPU, without stopping them.
 *	@mode: DIRTYQUOTA_MODE_OBSERVE (default): count only, never stop a
 *	vCPU.  DIRTYQUOTA_MODE_SLEEP: a vCPU over its quota sleeps in the
 *	kernel before guest entry until it may dirty again; a signal ends the
 *	sleep and KVM_RUN returns as usual (KVM_EXIT_INTR), so unmodified
 *	VMMs keep working.  DIRTYQUOTA_MODE_EXIT: KVM_RUN returns
 *	KVM_EXIT_DIRTY_QUOTA_FULL instead; needs DIRTYQUOTA_ATTACH_F_EXIT.
 *	Entering KVM_RUN again stops the vCPU again while it is over quota.
 *	@budget: bytes per second the whole VM may dirty, or
 *	DIRTYQUOTA_UNLIMITED (default).  Each interval, the interval's budget
 *	is divided equally among the vCPUs without a rate of their own.
 *	Quotas are whole bytes and no fraction is lost: a vCPU's rate r
 *	(its own, or its share of @budget) gives interval j, counted from the
 *	last change of @interval_ns or from leaving observe mode, the quota
 *	floor((j + 1) * r * T) - floor(j * r * T), T = @interval_ns / 1e9 s,
 *	so any k intervals in a row give floor(k * r * T) bytes or one more,
 *	however small r * T (999 B/s at 1 ms: 999 bytes a second).
 *	@interval_ns: the interval, from DIRTYQUOTA_INTERVAL_MIN_NS to
 *	DIRTYQUOTA_INTERVAL_MAX_NS (default 10 ms).
 *	@pool: 1 (default) or 0.  Quota that a vCPU on the equal share did
 *	not use in an interval goes to the VM's pool; a vCPU on the equal
 *	share that runs out takes from the pool, first come first served,
 *	before it is stopped; a change of settings within an interval keeps
 *	what the vCPUs drew in it.  The pool holds at most one interval's
 *	worth of the budget, and at least a page (@pool_cap), however late an
 *	interval ends, so idle time cannot turn into a burst.  vCPUs with their own rate
 *	neither feed nor draw from the pool.
 *	@pool_level, @pool_cap: out only.
 *	A vCPU that goes over its quota by a page carries that excess into the
 *	next interval, so long-run rates hold even for quotas of a few pages.
 *	@max_stall_ns: the longest a vCPU is held at once, from
 *	DIRTYQUOTA_MAX_STALL_MIN_NS to DIRTYQUOTA_MAX_STALL_MAX_NS (1 ms to
 *	10 s, default 100 ms).  A vCPU held that long enters the guest at
 *	least once, letting at least one page through, even at rate 0 or
 *	while it owes quota; what it dirties is still counted and paid back
 *	from later quota.  So a held vCPU dirties at least 4 KiB per
 *	max-stall: that is the floor of any rate or budget, and rates above
 *	it hold.  In exit mode the bound applies to the exit: KVM_RUN after a
 *	stop of max-stall enters the guest, and DIRTYQUOTA_IOC_WAIT returns
 *	after at most what is left of it.  @max_stall_ns came after the
 *	first version of the struct (DIRTYQUOTA_VM_CONFIG_SIZE_VER1 bytes),
 *	which keeps working: GET_VM leaves the field out.
 *	Errors: ENOTCONN, ENODEV, EINVAL (unknown @set bit or mode, @pool not
 *	0 or 1), ERANGE (@interval_ns or @max_stall_ns out of range), EPERM
 *	(exit mode without DIRTYQUOTA_ATTACH_F_EXIT).
 *
 * DIRTYQUOTA_IOC_SET_VCPU_QUOTA (struct dirtyquota_vcpu_quota, in)
 *	Gives vCPU @vcpu_index its own @rate in bytes per second (0: it may
 *	dirty only the page whose write finds it over, which KVM records
 *	before dirtyquota sees it, then one page each time max-stall lets it
 *	in, up to a PML buffer with Intel PML; KVM's writes to its PV pages
 *	count on top; DIRTYQUOTA_UNLIMITED: no limit), or, with
 *	DIRTYQUOTA_VCPU_QUOTA_F_SHARE and @rate 0, puts it back on the equal
 *	share of the VM budget.  Takes effect at once.
 *	Errors: ENOTCONN, ENODEV, EINVAL (unknown flag, @rate with F_SHARE),
 *	ENOENT (no such vCPU).
 *
 * DIRTYQUOTA_IOC_WAIT (struct dirtyquota_wait, in)
 *	For exit mode: sleeps, as sleep mode does, until vCPU @vcpu_index may
 *	dirty memory again, or for what is left of the VM's max-stall (see
 *	SET_VM); returns at once if it may.
 *	Errors: ENOTCONN, ENODEV, EINVAL, ENOENT, EINTR (a signal arrived).
 *
 * Generic netlink family "dirtyquota"
 * -----------------------------------
 * Operators and policy daemons see and steer every VM on the host through
 * the generic netlink family DIRTYQUOTA_FAMILY_NAME, version
 * DIRTYQUOTA_FAMILY_VERSION, without the VMM's help.  Its specification is
 * uapi/dirtyquota.yaml, in the kernel's netlink-spec format.  Resolving the
 * family loads dirtyquota.ko.  Everything needs CAP_SYS_ADMIN in the
 * initial user namespace (a user namespace's root, or CAP_NET_ADMIN, is
 * not enough): the set commands, since they can hold any user's vCPUs;
 * joining the "events" group; and reading, which shows KVM's statistics
 * and the VMM's pid and name, as KVM's debugfs shows root only.  Reading
 * (VM_GET, VCPU_GET, not events) is also open to the members of the group
 * in the module parameter read_group (-1, the default: none).  Refused:
 * EPERM, with an extended ack message for a do, without for a dump (and
 * a refused dump holds nothing), without for joining the group; the
 * policy is checked first.  Requests are checked strictly, and a
 * rejected one changes nothing: the reserved field of the genetlink header and unknown
 * nlmsg_flags must be 0 (EINVAL); unknown attributes, attributes of the
 * wrong type or length, attributes given twice (EINVAL) and values out of
 * range (ERANGE) are rejected with an extended ack message that points at
 * the attribute; a missing required attribute gives EINVAL, "missing
 * required attribute" and its type (NLMSGERR_ATTR_MISS_TYPE).  An unknown
 * command, or a dump of a command that has none (and the reverse), gets
 * EOPNOTSUPP from the netlink core, without a message.  A dump that cannot
 * start reports its error and message in NLMSG_DONE (before Linux 6.2,
 * without the attribute's offset or missing type).  The version field of
 * the genetlink header is not checked.  The family lives in the initial
 * network namespace.
 *
 * DIRTYQUOTA_CMD_VM_GET
 *	do: DIRTYQUOTA_A_VM_ID (required); dump: every VM, or with
 *	DIRTYQUOTA_A_VM_ID only that one (none if there is no such VM).
 *	One message per VM, in the attribute set DIRTYQUOTA_A_VM_*:
 *	ID (u64): a number given when dirtyquota starts tracking the VM,
 *	  unique for the life of the host, across reloads of the module
 *	  (each load starts above every id given before), and above 2^32,
 *	  so never a PID; a VM found again at load gets a new one;
 *	PID (u32): the process that created the VM, in the initial PID
 *	  namespace; COMM (string): that process's name, if it still runs;
 *	STATS_ID (string): KVM's name of the VM ("kvm-<pid>", as in
 *	  KVM_GET_STATS_FD and debugfs);
 *	NR_VCPUS (u32); MODE (u32, enum dirtyquota_mode); BUDGET (u64,
 *	  bytes/s, or DIRTYQUOTA_UNLIMITED); INTERVAL_NS (u64); POOL (u8: 1
 *	  on, 0 off); POOL_LEVEL, POOL_CAP (u64, bytes; 0 in observe mode);
 *	MAX_STALL_NS (u64);
 *	BYTES_DIRTIED (u64): sum over its vCPUs; BYTES_UNATTRIBUTED (u64);
 *	ATTACHED (u8): a /dev/dirtyquota file is attached; EXIT_ALLOWED
 *	  (u8): it asked for DIRTYQUOTA_ATTACH_F_EXIT; DIRTY_LOGGING (u8):
 *	  dirty logging is on for at least one memslot;
 *	HARVESTS (u64): harvests of its dirty bitmap since it was tracked
 *	  (KVM_GET_DIRTY_LOG; calls less than 100 ms apart, as a VMM makes
 *	  for its memslots in turn, are one harvest), and once there was
 *	  one, HARVEST_AGE_NS (u64): nanoseconds since the last.  With a
 *	  bitmap a page counts once per harvest, so a guest that rewrites
 *	  the same pages counts them right after a harvest and then nothing
 *	  until the next: DIRTY_RATE falls to 0 in a long migration pass
 *	  while the guest writes on; PASS_BYTES and LAST_PASS_BYTES of its
 *	  vCPUs say what each pass took.
 *	Errors: ENOENT (no such VM).
 *
 * DIRTYQUOTA_CMD_VCPU_GET
 *	dump: DIRTYQUOTA_A_VCPU_VM_ID (required).  One message per vCPU of
 *	that VM, by index, in the attribute set DIRTYQUOTA_A_VCPU_*:
 *	VM_ID (u64); INDEX (u32): position in KVM's vCPU array; ID (u32):
 *	  the id passed to KVM_CREATE_VCPU; TRACKED (u8): 0 if dirtyquota
 *	  could not track this vCPU, and then no counter follows;
 *	BYTES_DIRTIED (u64): since the vCPU was first tracked;
 *	DIRTY_RATE (u64): bytes/s dirtied over the last window of the
 *	  module's rate clock, which samples every vCPU once a second
 *	  whoever reads: the same for every reader, it changes once a second
 *	  (the first window starts when the vCPU is tracked);
 *	RATE (u64): the vCPU's own rate, bytes/s or DIRTYQUOTA_UNLIMITED,
 *	  present only when it has one, else it is on the equal share;
 *	then, outside observe mode: BYTES_INTERVAL (u64): dirtied this
 *	  interval; QUOTA (u64): may dirty this interval, pool draws
 *	  included; and always STOPS (u64), THROTTLED_NS (u64): time held
 *	  back, a stop still going on counted up to now, POOL_DRAWN (u64),
 *	  STOPPED (u8): held back right now; KVM_BYTES (u64): of
 *	  BYTES_DIRTIED, KVM's own writes to the vCPU's PV pages (x86:
 *	  steal time, kvmclock, PV EOI, async PF), which count but never
 *	  stop it: exact with the dirty ring; with a bitmap, a page each
 *	  time a harvest finds one of them dirty (with
 *	  KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, a PV page that userspace did
 *	  not clear between two harvests is counted at both); and once the
 *	  VM's bitmap was harvested, PASS_BYTES (u64): of BYTES_DIRTIED,
 *	  those since the last harvest, LAST_PASS_BYTES (u64): those between
 *	  the last two (before the first, since tracking began).
 *	Errors: ENOENT (no such VM).
 *
 * DIRTYQUOTA_CMD_VM_SET (CAP_SYS_ADMIN)
 *	DIRTYQUOTA_A_VM_ID (required) and at least one of MODE, BUDGET,
 *	INTERVAL_NS, POOL, MAX_STALL_NS, with the meaning and effect of
 *	DIRTYQUOTA_IOC_SET_VM.  Errors: ENOENT (no such VM), ENODEV (the VM
 *	is being destroyed), EINVAL (nothing to set), ERANGE (MODE, POOL,
 *	INTERVAL_NS or MAX_STALL_NS out of range), EPERM (exit mode, and the
 *	attached VMM did not ask for it).
 *
 * DIRTYQUOTA_CMD_VCPU_SET (CAP_SYS_ADMIN)
 *	DIRTYQUOTA_A_VCPU_VM_ID, DIRTYQUOTA_A_VCPU_INDEX (required) and
 *	exactly one of DIRTYQUOTA_A_VCPU_RATE (u64: the vCPU's own rate, as
 *	in DIRTYQUOTA_IOC_SET_VCPU_QUOTA) and DIRTYQUOTA_A_VCPU_SHARE (flag:
 *	back on the equal share).  Errors: ENOENT (no such VM or vCPU),
 *	ENODEV, EINVAL (both or neither of RATE and SHARE).
 *
 * Multicast group DIRTYQUOTA_MCGRP_EVENTS ("events")
 *	DIRTYQUOTA_CMD_VM_NEW_NTF: dirtyquota tracks a new VM (also for
 *	  every VM that exists when the module loads): VM ID, PID, COMM,
 *	  STATS_ID.
 *	DIRTYQUOTA_CMD_VM_DEL_NTF: the VM is destroyed, or the module is
 *	  unloaded: VM ID, BYTES_DIRTIED, BYTES_UNATTRIBUTED.
 *	DIRTYQUOTA_CMD_MODE_CHANGE_NTF: VM ID, MODE, OLD_MODE.
 *	DIRTYQUOTA_CMD_QUOTA_FULL_NTF: a vCPU was stopped because it used its
 *	  quota: VCPU VM_ID, INDEX, BYTES_INTERVAL, QUOTA, STOPS.  At most one
 *	  per vCPU and interval; sent by the stopped vCPU's thread before it
 *	  sleeps or exits, never while a page is being recorded.
 *	Events are built only while someone listens.
 *
 * KVM_EXIT_DIRTY_QUOTA_FULL
 * -------------------------
 * The exit reason KVM_RUN returns when a vCPU reached its dirty quota and
 * its VMM asked to handle that itself.  The kvm_run exit union then holds a
 * struct dirtyquota_exit (run->dirty_quota in a patched <linux/kvm.h>; with
 * stock headers, at the address of run->hw).  The reason and layout are
 * defined by the dirtyquota KVM core patch and repeated here.
 *
 * KVM_CAP_DIRTY_QUOTA
 * -------------------
 * KVM_CHECK_EXTENSION, on /dev/kvm or a VM, answers 1 for it when KVM has
 * the core patch's exit (on the architectures that select
 * CONFIG_HAVE_KVM_DIRTY_QUOTA: x86 today), 0 on a stock KVM: a VMM
 * learns from KVM itself whether KVM_RUN may return
 * KVM_EXIT_DIRTY_QUOTA_FULL.  The exit comes only once the VM is attached
 * with DIRTYQUOTA_ATTACH_F_EXIT and in exit mode.
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
#ifndef KVM_CAP_DIRTY_QUOTA
#define KVM_CAP_DIRTY_QUOTA		0x4451
#endif

struct dirtyquota_exit {
	__u64 count;		/* bytes the vCPU dirtied this interval */
	__u64 quota;		/* bytes it may dirty this interval */
	__u64 wait_ns;		/* estimated time until it may go on, or 0 */
};

#define DIRTYQUOTA_UNLIMITED		(~(__u64)0)
#define DIRTYQUOTA_INTERVAL_MIN_NS	1000000ULL
#define DIRTYQUOTA_INTERVAL_MAX_NS	1000000000ULL
#define DIRTYQUOTA_INTERVAL_DEFAULT_NS	10000000ULL
#define DIRTYQUOTA_MAX_STALL_MIN_NS	1000000ULL
#define DIRTYQUOTA_MAX_STALL_MAX_NS	10000000000ULL
#define DIRTYQUOTA_MAX_STALL_DEFAULT_NS	100000000ULL

enum dirtyquota_feature {
	DIRTYQUOTA_FEATURE_COUNT = 1 << 0,	/* per-vCPU dirty counters */
	DIRTYQUOTA_FEATURE_QUOTA = 1 << 1,	/* quotas, sleep and exit modes */
	__DIRTYQUOTA_FEATURE_ALL = DIRTYQUOTA_FEATURE_COUNT |
				   DIRTYQUOTA_FEATURE_QUOTA,
};

enum dirtyquota_mode {
	DIRTYQUOTA_MODE_OBSERVE,
	DIRTYQUOTA_MODE_SLEEP,
	DIRTYQUOTA_MODE_EXIT,
	__DIRTYQUOTA_MODE_MAX = DIRTYQUOTA_MODE_EXIT,
};

struct dirtyquota_version {
	__u32 api_version;	/* DIRTYQUOTA_API_VERSION */
	__u32 page_size;	/* bytes counted per dirtied base page */
	__u64 features;		/* DIRTYQUOTA_FEATURE_* */
};

enum dirtyquota_attach_flags {
	DIRTYQUOTA_ATTACH_F_EXIT = 1 << 0,
	__DIRTYQUOTA_ATTACH_F_ALL = DIRTYQUOTA_ATTACH_F_EXIT,
};

struct dirtyquota_attach {
	__s32 vm_fd;
	__u32 flags;		/* DIRTYQUOTA_ATTACH_F_* */
};

enum dirtyquota_vcpu_flags {
	DIRTYQUOTA_VCPU_F_TRACKED = 1 << 0,	/* counters are valid */
	DIRTYQUOTA_VCPU_F_OWN_RATE = 1 << 1,	/* @rate overrides the share */
	DIRTYQUOTA_VCPU_F_STOPPED = 1 << 2,	/* held back right now */
	__DIRTYQUOTA_VCPU_F_ALL = DIRTYQUOTA_VCPU_F_TRACKED |
				  DIRTYQUOTA_VCPU_F_OWN_RATE |
				  DIRTYQUOTA_VCPU_F_STOPPED,
};

struct dirtyquota_vcpu_stats {
	__u32 vcpu_index;	/* position in KVM's vCPU array */
	__u32 vcpu_id;		/* the id passed to KVM_CREATE_VCPU */
	__u32 flags;		/* DIRTYQUOTA_VCPU_F_* */
	__u32 reserved;
	__u64 bytes_dirtied;	/* since the vCPU was first tracked */
	/* The rest is 0 in observe mode. */
	__u64 bytes_interval;	/* dirtied in the current interval */
	__u64 quota;		/* may dirty this interval, pool draws included */
	__u64 rate;		/* own rate (bytes/s) if F_OWN_RATE */
	__u64 stops;		/* times stopped before guest entry */
	__u64 throttled_ns;	/* time stopped in the kernel, a stop going on too */
	__u64 pool_drawn;	/* bytes taken from the pool */
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

enum dirtyquota_cfg {
	DIRTYQUOTA_CFG_MODE = 1 << 0,
	DIRTYQUOTA_CFG_BUDGET = 1 << 1,
	DIRTYQUOTA_CFG_INTERVAL = 1 << 2,
	DIRTYQUOTA_CFG_POOL = 1 << 3,
	DIRTYQUOTA_CFG_MAX_STALL = 1 << 4,
	__DIRTYQUOTA_CFG_ALL = DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET |
			       DIRTYQUOTA_CFG_INTERVAL | DIRTYQUOTA_CFG_POOL |
			       DIRTYQUOTA_CFG_MAX_STALL,
};

struct dirtyquota_vm_config {
	__u32 set;		/* SET_VM: DIRTYQUOTA_CFG_* to change */
	__u32 mode;		/* DIRTYQUOTA_MODE_* */
	__u64 budget;		/* bytes per second, or DIRTYQUOTA_UNLIMITED */
	__u64 interval_ns;
	__u32 pool;		/* 1: on, 0: off */
	__u32 reserved;
	__u64 pool_level;	/* GET_VM: bytes in the pool */
	__u64 pool_cap;		/* GET_VM: most bytes the pool holds */
	__u64 max_stall_ns;	/* longest a vCPU is held at once */
};

#define DIRTYQUOTA_VM_CONFIG_SIZE_VER1	48	/* without @max_stall_ns */

enum dirtyquota_vcpu_quota_flags {
	DIRTYQUOTA_VCPU_QUOTA_F_SHARE = 1 << 0,
	__DIRTYQUOTA_VCPU_QUOTA_F_ALL = DIRTYQUOTA_VCPU_QUOTA_F_SHARE,
};

struct dirtyquota_vcpu_quota {
	__u32 vcpu_index;
	__u32 flags;		/* DIRTYQUOTA_VCPU_QUOTA_F_* */
	__u64 rate;		/* bytes per second, or DIRTYQUOTA_UNLIMITED */
};

struct dirtyquota_wait {
	__u32 vcpu_index;
	__u32 flags;		/* none defined, must be 0 */
};

/* The generic netlink family; see uapi/dirtyquota.yaml. */
#define DIRTYQUOTA_FAMILY_NAME		"dirtyquota"
#define DIRTYQUOTA_FAMILY_VERSION	1
#define DIRTYQUOTA_MCGRP_EVENTS		"events"

enum {
	DIRTYQUOTA_A_VM_PAD = 1,
	DIRTYQUOTA_A_VM_ID,
	DIRTYQUOTA_A_VM_PID,
	DIRTYQUOTA_A_VM_COMM,
	DIRTYQUOTA_A_VM_STATS_ID,
	DIRTYQUOTA_A_VM_NR_VCPUS,
	DIRTYQUOTA_A_VM_MODE,
	DIRTYQUOTA_A_VM_OLD_MODE,
	DIRTYQUOTA_A_VM_BUDGET,
	DIRTYQUOTA_A_VM_INTERVAL_NS,
	DIRTYQUOTA_A_VM_POOL,
	DIRTYQUOTA_A_VM_POOL_LEVEL,
	DIRTYQUOTA_A_VM_POOL_CAP,
	DIRTYQUOTA_A_VM_BYTES_DIRTIED,
	DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED,
	DIRTYQUOTA_A_VM_ATTACHED,
	DIRTYQUOTA_A_VM_EXIT_ALLOWED,
	DIRTYQUOTA_A_VM_DIRTY_LOGGING,
	DIRTYQUOTA_A_VM_MAX_STALL_NS,
	DIRTYQUOTA_A_VM_HARVESTS,
	DIRTYQUOTA_A_VM_HARVEST_AGE_NS,

	__DIRTYQUOTA_A_VM_MAX,
	DIRTYQUOTA_A_VM_MAX = (__DIRTYQUOTA_A_VM_MAX - 1)
};

enum {
	DIRTYQUOTA_A_VCPU_PAD = 1,
	DIRTYQUOTA_A_VCPU_VM_ID,
	DIRTYQUOTA_A_VCPU_INDEX,
	DIRTYQUOTA_A_VCPU_ID,
	DIRTYQUOTA_A_VCPU_TRACKED,
	DIRTYQUOTA_A_VCPU_BYTES_DIRTIED,
	DIRTYQUOTA_A_VCPU_DIRTY_RATE,
	DIRTYQUOTA_A_VCPU_RATE,
	DIRTYQUOTA_A_VCPU_SHARE,
	DIRTYQUOTA_A_VCPU_BYTES_INTERVAL,
	DIRTYQUOTA_A_VCPU_QUOTA,
	DIRTYQUOTA_A_VCPU_STOPS,
	DIRTYQUOTA_A_VCPU_THROTTLED_NS,
	DIRTYQUOTA_A_VCPU_POOL_DRAWN,
	DIRTYQUOTA_A_VCPU_STOPPED,
	DIRTYQUOTA_A_VCPU_PASS_BYTES,
	DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES,
	DIRTYQUOTA_A_VCPU_KVM_BYTES,

	__DIRTYQUOTA_A_VCPU_MAX,
	DIRTYQUOTA_A_VCPU_MAX = (__DIRTYQUOTA_A_VCPU_MAX - 1)
};

enum {
	DIRTYQUOTA_CMD_VM_GET = 1,
	DIRTYQUOTA_CMD_VM_SET,
	DIRTYQUOTA_CMD_VCPU_GET,
	DIRTYQUOTA_CMD_VCPU_SET,
	DIRTYQUOTA_CMD_VM_NEW_NTF,
	DIRTYQUOTA_CMD_VM_DEL_NTF,
	DIRTYQUOTA_CMD_MODE_CHANGE_NTF,
	DIRTYQUOTA_CMD_QUOTA_FULL_NTF,

	__DIRTYQUOTA_CMD_MAX,
	DIRTYQUOTA_CMD_MAX = (__DIRTYQUOTA_CMD_MAX - 1)
};

#define DIRTYQUOTA_IOC_MAGIC		0xDA
#define DIRTYQUOTA_IOC_VERSION \
	_IOR(DIRTYQUOTA_IOC_MAGIC, 0x00, struct dirtyquota_version)
#define DIRTYQUOTA_IOC_ATTACH \
	_IOW(DIRTYQUOTA_IOC_MAGIC, 0x01, struct dirtyquota_attach)
#define DIRTYQUOTA_IOC_GET_STATS \
	_IOWR(DIRTYQUOTA_IOC_MAGIC, 0x02, struct dirtyquota_stats)
#define DIRTYQUOTA_IOC_GET_VM \
	_IOR(DIRTYQUOTA_IOC_MAGIC, 0x03, struct dirtyquota_vm_config)
#define DIRTYQUOTA_IOC_SET_VM \
	_IOW(DIRTYQUOTA_IOC_MAGIC, 0x04, struct dirtyquota_vm_config)
#define DIRTYQUOTA_IOC_SET_VCPU_QUOTA \
	_IOW(DIRTYQUOTA_IOC_MAGIC, 0x05, struct dirtyquota_vcpu_quota)
#define DIRTYQUOTA_IOC_WAIT \
	_IOW(DIRTYQUOTA_IOC_MAGIC, 0x06, struct dirtyquota_wait)

#endif /* _UAPI_LINUX_DIRTYQUOTA_H */
