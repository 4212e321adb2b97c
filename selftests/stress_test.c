// SPDX-License-Identifier: GPL-2.0
/*
 * Stress with faults:
 *
 *   stress_test [-s SECONDS] [-r ROUNDS] [-m MODULE]
 *
 * Each round, three VMMs (child processes) run a VM of two vCPUs that write
 * random pages without end, one VM per dirty-tracking mode (bitmap,
 * clear-log with manual protect and initially-set, dirty ring), harvesting
 * the log every 2 ms.  Meanwhile each VMM's chaos thread changes modes,
 * budgets, intervals and vCPU rates through /dev/dirtyquota, detaches and
 * attaches again (sometimes asking for exit mode), toggles dirty logging,
 * resets the dirty rings and signals vCPUs; the parent does the same
 * through netlink to every VM, and kills a VMM mid-run now and then, which
 * it replaces.  A surviving VMM ends with a check that its dirty log is
 * complete: with its vCPUs stopped it harvests the log and copies guest
 * memory, lets them write for a while under a quota, stops them, harvests
 * again, and every page whose contents changed must be in that log.
 * Between rounds, dirtyquota is unloaded and loaded again, and its count
 * of live VMs and vCPUs (debugfs) must be back to zero.
 *
 * SECONDS per round (default 6, or $DQ_STRESS_SECONDS), ROUNDS default 2,
 * MODULE default /modules/dirtyquota.ko.  Exit status 0 on success.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "test_util.h"

#define NR_VMMS		3
#define VCPUS		2
#define PAGES		64		/* per vCPU */
#define MIB_S(x)	((x) * MIB)

static unsigned int seconds = 6, rounds = 2;
static const char *module = "/modules/dirtyquota.ko";

/* xorshift64: each process seeds its own. */
static __thread uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : rng;
}

static const unsigned int mode_flags[NR_VMMS] = {
	TV_LOG, TV_LOG | TV_MANUAL, TV_LOG | TV_RING,
};

struct vmm {
	struct test_vm t;
	unsigned int flags;
	volatile bool stop_chaos, stop_harvest;
	volatile bool logging;
	pthread_t harvester, chaos;
	unsigned long *log;
};

/*
 * The vCPU threads, not the library's: here the /dev/dirtyquota file may be
 * closed under them, and the dirty ring may fill.
 */
static void *vcpu_loop(void *data)
{
	struct vcpu_arg *arg = data;
	struct test_vm *t = arg->t;
	struct kvm_vcpu *vcpu = t->vcpu[arg->idx];
	struct dirtyquota_wait w = { .vcpu_index = arg->idx };
	int r;

	while (!t->stop) {
		r = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (r && errno == EINTR)
			continue;
		TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_DIRTY_QUOTA_FULL:
			/* The file may be gone or new: any answer will do. */
			if (!t->stop)
				ioctl(READ_ONCE(t->dq), DIRTYQUOTA_IOC_WAIT, &w);
			break;
		case KVM_EXIT_DIRTY_RING_FULL:
			usleep(500);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			TEST_FAIL("vCPU %d: exit reason %u", arg->idx,
				  vcpu->run->exit_reason);
		}
	}
	return NULL;
}

static void start(struct vmm *v)
{
	struct test_vm *t = &v->t;
	int i;

	t->stop = false;
	for (i = 0; i < t->nr_vcpus; i++) {
		t->vcpu[i]->run->immediate_exit = 0;
		t->arg[i] = (struct vcpu_arg){ .t = t, .idx = i };
		pthread_create(&t->thread[i], NULL, vcpu_loop, &t->arg[i]);
	}
}

/* One harvest of the test slot's log into v->log, in the VM's mode. */
static void harvest(struct vmm *v)
{
	struct test_vm *t = &v->t;
	struct kvm_dirty_log l = { .slot = TEST_SLOT, .dirty_bitmap = v->log };
	struct kvm_clear_dirty_log c;

	if (v->flags & TV_RING) {
		collect_rings(t, v->log);
		return;
	}
	/* Both fail while logging is off; that is the chaos' doing. */
	if (ioctl(t->vm->fd, KVM_GET_DIRTY_LOG, &l) || !(v->flags & TV_MANUAL))
		return;
	c = (struct kvm_clear_dirty_log){
		.slot = TEST_SLOT, .num_pages = PAGES * VCPUS,
		.dirty_bitmap = t->bitmap,
	};
	memset(t->bitmap, 0xff, PAGES * VCPUS / 8);
	ioctl(t->vm->fd, KVM_CLEAR_DIRTY_LOG, &c);
}

static void *harvest_loop(void *data)
{
	struct vmm *v = data;

	while (!v->stop_harvest) {
		harvest(v);
		usleep(2000);
	}
	return NULL;
}

static void set_logging(struct vmm *v, bool on)
{
	vm_mem_region_set_flags(v->t.vm, TEST_SLOT,
				on ? KVM_MEM_LOG_DIRTY_PAGES : 0);
	v->logging = on;
}

static uint64_t random_rate(void)
{
	switch (rnd(5)) {
	case 0:
		return DIRTYQUOTA_UNLIMITED;
	case 1:
		return 0;
	default:
		return MIB_S(1 + rnd(32));
	}
}

/* What a VMM does to its own VM, at random. */
static void *chaos_loop(void *data)
{
	static const uint64_t intervals[] = { 1 * MS, 2 * MS, 10 * MS, 50 * MS };
	struct vmm *v = data;
	struct test_vm *t = &v->t;
	int fd, old;

	rng = getpid() * 7919ULL + 1;
	while (!v->stop_chaos) {
		switch (rnd(8)) {
		case 0:
			dq_set(t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET |
				  DIRTYQUOTA_CFG_POOL, rnd(3), random_rate(), 0,
			       rnd(2));
			break;
		case 1:
			dq_set(t, DIRTYQUOTA_CFG_INTERVAL, 0, 0,
			       intervals[rnd(4)], 0);
			break;
		case 2:
			dq_rate(t, rnd(VCPUS + 1),
				rnd(2) ? DIRTYQUOTA_VCPU_QUOTA_F_SHARE : 0,
				rnd(2) ? 0 : random_rate());
			break;
		case 3:
			/* Detach and attach again, with or without exit. */
			fd = open("/dev/dirtyquota", O_RDWR);
			TEST_ASSERT(fd >= 0, "open: %s", strerror(errno));
			old = t->dq;
			WRITE_ONCE(t->dq, fd);
			close(old);
			dq_attach(t, rnd(2) ? DIRTYQUOTA_ATTACH_F_EXIT : 0);
			break;
		case 4:
			set_logging(v, !v->logging);
			break;
		case 5:
			if (v->flags & TV_RING)
				kvm_vm_reset_dirty_ring(t->vm);
			break;
		default:
			pthread_kill(t->thread[rnd(VCPUS)], SIGUSR1);
			break;
		}
		usleep(1000 + rnd(10000));
	}
	return NULL;
}

/*
 * A vCPU thread may be about to wait in DIRTYQUOTA_IOC_WAIT when its kick
 * arrives, and then sleep until it may dirty again: kick until it is gone.
 */
static void stop_all(struct test_vm *t)
{
	int i;

	t->stop = true;
	for (i = 0; i < t->nr_vcpus; i++) {
		t->vcpu[i]->run->immediate_exit = 1;
		while (pthread_tryjoin_np(t->thread[i], NULL) == EBUSY) {
			pthread_kill(t->thread[i], SIGUSR1);
			usleep(1000);
		}
	}
}

/*
 * Every page the guest changed between two harvests, with its vCPUs
 * stopped at both, is in the second harvest's log.
 */
static void check_log_complete(struct vmm *v, int idx)
{
	struct test_vm *t = &v->t;
	uint64_t p, n = PAGES * VCPUS, changed = 0;
	uint8_t *mem = addr_gpa2hva(t->vm, TEST_GPA), *copy;

	/*
	 * Stopped vCPUs let go of the files they waited on: the last file
	 * the chaos opened can then attach, if it could not yet.
	 */
	stop_all(t);
	for (p = 0; dq_attach(t, 0) && errno == EBUSY && p < 100; p++)
		usleep(20000);
	TEST_ASSERT(!dq_attach(t, 0) || errno == EALREADY, "attach: %s",
		    strerror(errno));
	/* Throttled, so that the check also covers sleeping vCPUs. */
	TEST_ASSERT(!dq_set(t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET |
			       DIRTYQUOTA_CFG_INTERVAL | DIRTYQUOTA_CFG_POOL,
			    DIRTYQUOTA_MODE_SLEEP, MIB_S(4), 5 * MS, 1),
		    "sleep mode: %s", strerror(errno));
	for (p = 0; p < VCPUS; p++)
		TEST_ASSERT(!dq_rate(t, p, DIRTYQUOTA_VCPU_QUOTA_F_SHARE, 0),
			    "vCPU %lu on the share: %s", p, strerror(errno));

	if (!v->logging)
		set_logging(v, true);
	harvest(v);
	copy = malloc(n * PG);
	memcpy(copy, mem, n * PG);

	start(v);
	usleep(300000);
	stop_all(t);
	harvest(v);
	for (p = 0; p < n; p++) {
		if (!memcmp(copy + p * PG, mem + p * PG, PG))
			continue;
		changed++;
		TEST_ASSERT(log_bit(v->log, p),
			    "VMM %d (mode %d): page %lu changed but is not in the dirty log",
			    idx, idx, p);
	}
	TEST_ASSERT(changed, "VMM %d: the guest changed no page", idx);
	free(copy);
}

/* SIGUSR1 only interrupts KVM_RUN and dirtyquota's sleep. */
static void on_kick(int sig)
{
}

/* A VMM: its VM, harvester and chaos, then the log check. */
static void vmm_main(int idx, uint64_t ns)
{
	static const enum guest_kind kinds[VCPUS] = { WRITE_RANDOM, WRITE_RANDOM };
	struct sigaction sa = { .sa_handler = SIG_IGN };
	struct sigaction kick = { .sa_handler = on_kick };
	struct vmm v = { .flags = mode_flags[idx], .logging = true };

	sigaction(SIGUSR1, &kick, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	test_vm_create(&v.t, VCPUS, PAGES, kinds, VM_MEM_SRC_ANONYMOUS,
		       v.flags);
	v.log = calloc(PAGES * VCPUS / 8 + 8, 1);
	if (v.flags & TV_MANUAL)
		clear_all(&v.t);
	dq_attach(&v.t, 0);
	start(&v);
	pthread_create(&v.harvester, NULL, harvest_loop, &v);
	pthread_create(&v.chaos, NULL, chaos_loop, &v);

	usleep(ns / 1000);
	v.stop_chaos = true;
	pthread_join(v.chaos, NULL);
	v.stop_harvest = true;
	pthread_join(v.harvester, NULL);
	check_log_complete(&v, idx);
	free(v.log);
	test_vm_free(&v.t);
	exit(0);
}

static pid_t spawn(int idx, uint64_t ns)
{
	pid_t pid = fork();

	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		rng = getpid();
		vmm_main(idx, ns);
	}
	return pid;
}

/* What a policy daemon could do to any VM, at random, over netlink. */
static void netlink_chaos(struct nl_sock *nl)
{
	struct nl_obj vms[16], vcpus[8];
	struct nl_ack ack;
	uint64_t id;
	int n;

	n = dq_nl_vms(nl, vms, 16);
	id = n ? vms[rnd(n)].v[DIRTYQUOTA_A_VM_ID] : 1 + rnd(100);
	switch (rnd(4)) {
	case 0:
		dq_nl_vm_set(nl, id, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET,
			     rnd(3), random_rate(), 0, 0, &ack);
		break;
	case 1:
		dq_nl_vm_set(nl, id, DIRTYQUOTA_CFG_INTERVAL |
				     DIRTYQUOTA_CFG_POOL, 0, 0,
			     (1 + rnd(100)) * MS, rnd(2), &ack);
		break;
	case 2:
		dq_nl_vcpu_set(nl, id, rnd(VCPUS + 1), rnd(2), random_rate(),
			       &ack);
		break;
	default:
		dq_nl_vcpus(nl, id, vcpus, 8, &ack);
		break;
	}
}

static int live(const char *what)
{
	char line[64];
	int n = -1, v;
	FILE *f = fopen("/sys/kernel/debug/dirtyquota/objects", "r");

	TEST_ASSERT(f, "debugfs: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, what, strlen(what)) &&
		    sscanf(line + strlen(what), " %d", &v) == 1)
			n = v;
	fclose(f);
	return n;
}

static void run_round(int round)
{
	uint64_t ns = seconds * 1000000000ULL, end = now_ns() + ns;
	pid_t pid[NR_VMMS];
	int i, status, kills = 0, checked = 0;
	struct nl_sock nl;

	for (i = 0; i < NR_VMMS; i++)
		pid[i] = spawn(i, ns);
	dq_nl_open(&nl);
	while (now_ns() < end) {
		netlink_chaos(&nl);
		/* Now and then a VMM dies; another takes its place. */
		if (!rnd(400) && end - now_ns() > ns / 3) {
			i = rnd(NR_VMMS);
			kill(pid[i], SIGKILL);
			waitpid(pid[i], &status, 0);
			pid[i] = spawn(i, end - now_ns());
			kills++;
		}
		usleep(2000);
	}
	nl_close(&nl);
	for (i = 0; i < NR_VMMS; i++) {
		waitpid(pid[i], &status, 0);
		TEST_ASSERT(WIFEXITED(status) && !WEXITSTATUS(status),
			    "round %d: VMM %d failed (status 0x%x)", round, i,
			    status);
		checked++;
	}
	/* VMs go away with their last reference: give them a moment. */
	for (i = 0; i < 50 && (live("vms") || live("vcpus")); i++)
		usleep(100000);
	TEST_ASSERT(!live("vms") && !live("vcpus"),
		    "round %d: %d VMs and %d vCPUs still tracked", round,
		    live("vms"), live("vcpus"));
	/* How often a netlink reader held a VM's last reference (no need). */
	printf("# round %d: %d VMMs killed mid-run, %d dirty logs complete, %d last VM references left to the worker so far\n",
	       round, kills, checked, live("deferred_puts"));
}

int main(int argc, char **argv)
{
	char cmd[256];
	int opt, r;

	if (getenv("DQ_STRESS_SECONDS"))
		seconds = strtoul(getenv("DQ_STRESS_SECONDS"), NULL, 0);
	while ((opt = getopt(argc, argv, "s:r:m:")) != -1) {
		switch (opt) {
		case 's':
			seconds = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			module = optarg;
			break;
		default:
			fprintf(stderr, "usage: stress_test [-s SECONDS] [-r ROUNDS] [-m MODULE]\n");
			return 2;
		}
	}
	if (!kvm_check_cap(KVM_CAP_DIRTY_LOG_RING)) {
		print_skip("KVM_CAP_DIRTY_LOG_RING not supported");
		return KSFT_SKIP;
	}
	rng = getpid();
	for (r = 1; r <= (int)rounds; r++) {
		run_round(r);
		if (r == (int)rounds)
			break;
		/* Between rounds, with no VM left: unload and load again. */
		snprintf(cmd, sizeof(cmd), "rmmod dirtyquota && insmod %s",
			 module);
		TEST_ASSERT(!system(cmd), "%s failed", cmd);
	}
	printf("# %u rounds of %u s: no VMM failed, nothing leaked\n", rounds,
	       seconds);
	return 0;
}
