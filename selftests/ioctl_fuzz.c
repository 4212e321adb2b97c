// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dirtyquota's ioctls, fuzzed:
 *
 *   ioctl_fuzz [-n COUNT] [-s SEED]      (or $DQ_FUZZ_COUNT, $DQ_FUZZ_SEED)
 *
 * Random ioctl numbers (mostly dirtyquota's, with random direction and
 * size), arguments that are random bytes or a struct of the right kind
 * filled with values at and beyond every bound, on random files: several
 * /dev/dirtyquota files, attached or not, this process's VM (whose vCPUs
 * write meanwhile), a VM of another process passed over a unix socket,
 * /dev/kvm, a vCPU, a pipe, a closed fd, numbers that are no fd at all.
 * The vCPU is one that does not run: an ioctl on a running vCPU waits
 * for its KVM_RUN to return, which a vCPU held at rate 0 does only on a
 * signal to its own thread (as with a halted vCPU, VMMs kick it).
 * Every failure of a /dev/dirtyquota file must be one of the errnos
 * uapi/linux/dirtyquota.h documents (the other files answer as they
 * do, e.g. KVM's EIO to a process that does not own the VM); a bystander VM of a third process, whose fd this process never
 * had, must come out exactly as it was: settings and counts.  A periodic
 * timer interrupts any WAIT that would block.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

#define NR_DQ		4
#define DQ_MAX_ENTRY	4096		/* the largest entry_size accepted */
#define FILL		512		/* bytes of an argument filled */
#define BYSTANDER_PAGES	32

static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : rng;
}

/* Values at and beyond the bounds of every field. */
static uint64_t edge(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 255, 4096, 4097, 0x7fffffff, 0xffffffff,
		0x100000000ULL, DIRTYQUOTA_INTERVAL_MIN_NS - 1,
		DIRTYQUOTA_INTERVAL_MIN_NS, DIRTYQUOTA_INTERVAL_MAX_NS,
		DIRTYQUOTA_INTERVAL_MAX_NS + 1, DIRTYQUOTA_MAX_STALL_MAX_NS,
		DIRTYQUOTA_MAX_STALL_MAX_NS + 1, DIRTYQUOTA_UNLIMITED,
		DIRTYQUOTA_UNLIMITED - 1, DIRTYQUOTA_UNLIMITED - 2,
		1ULL << 63, DIRTYQUOTA_VCPU_STATS_SIZE_VER1,
		sizeof(struct dirtyquota_vcpu_stats),
	};

	return rnd(4) ? v[rnd(ARRAY_SIZE(v))] : rnd(0);
}

static void on_alarm(int sig)
{
}

/*
 * Another process's VM: it writes @pages pages once (0: only computes),
 * sends its VM fd over @sock if @give, then waits to be killed.
 */
static pid_t other_vmm(int sock, uint64_t pages, bool give)
{
	static const enum guest_kind writer[] = { WRITE_ONCE_EACH };
	static const enum guest_kind idle[] = { COMPUTE };
	struct test_vm t;
	struct ucall uc;
	pid_t pid = fork();

	TEST_ASSERT(pid >= 0, "fork");
	if (pid)
		return pid;
	/* Dies with the fuzzer, even when an assertion ends that. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	test_vm_create(&t, 1, pages ? pages : 1, pages ? writer : idle,
		       VM_MEM_SRC_ANONYMOUS, TV_LOG);
	if (pages) {
		vcpu_run(t.vcpu[0]);
		TEST_ASSERT(get_ucall(t.vcpu[0], &uc) == UCALL_DONE,
			    "the bystander did not finish");
	}
	if (give)
		send_fd(sock, t.vm->fd);
	TEST_ASSERT(write(sock, "r", 1) == 1, "ready");
	pause();
	exit(0);
}

static void fill_struct(uint8_t *buf, unsigned int nr, void *vcpu_stats)
{
	union {
		struct dirtyquota_attach a;
		struct dirtyquota_stats s;
		struct dirtyquota_vm_config c;
		struct dirtyquota_vcpu_quota q;
		struct dirtyquota_wait w;
	} *u = (void *)buf;
	static const uint64_t ptrs[] = { 0, 1, 0xffff800000000000ULL, 4096 };

	switch (nr) {
	case 1:
		u->a.vm_fd = rnd(2) ? (int)edge() : (int)rnd(64);
		u->a.flags = rnd(2) ? rnd(2) : edge();
		break;
	case 2:
		u->s.entries = rnd(2) ? (uintptr_t)vcpu_stats : ptrs[rnd(4)];
		u->s.entry_size = edge();
		u->s.nr_entries = rnd(2) ? rnd(8) : edge();
		u->s.flags = rnd(4) ? 0 : edge();
		break;
	case 3:
	case 4:
		u->c.set = rnd(2) ? rnd(32) : edge();
		u->c.mode = rnd(2) ? rnd(4) : edge();
		u->c.budget = edge();
		u->c.interval_ns = edge();
		u->c.pool = rnd(2) ? rnd(3) : edge();
		u->c.reserved = rnd(4) ? 0 : edge();
		u->c.max_stall_ns = edge();
		break;
	case 5:
		u->q.vcpu_index = rnd(2) ? rnd(4) : edge();
		u->q.flags = rnd(2) ? rnd(3) : edge();
		u->q.rate = edge();
		break;
	case 6:
		u->w.vcpu_index = rnd(2) ? rnd(4) : edge();
		u->w.flags = rnd(4) ? 0 : edge();
		break;
	}
}

static bool documented(int err)
{
	switch (err) {
	case EINVAL: case E2BIG: case EFAULT: case ENOTTY: case EBADF:
	case ENOTCONN: case ENODEV: case EALREADY: case EBUSY: case ENOENT:
	case ERANGE: case EPERM: case EINTR:
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	static const enum guest_kind kinds[] = { WRITE_FOREVER, COMPUTE };
	/*
	 * Room for GET_STATS with any accepted entry size; on the heap, as
	 * the selftests library copies the program into the guest.
	 */
	void *stats = calloc(4, DQ_MAX_ENTRY);
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval tick = { { 0, 10000 }, { 0, 10000 } };
	uint64_t count = 20000, i, seed, bid, ok = 0, errs[256] = { 0 };
	struct nl_obj before, after, vcpu[2];
	int fds[16], nr_fds = 0, sv[2], closed, opt, r, fd, e, k;
	bool is_dq[16] = { false };
	unsigned int nr, dir, size;
	pid_t bystander, giver;
	/*
	 * The argument: a random number's size field says up to 16 KiB, and
	 * the kernel may write (and zero) that much, so it has room for it.
	 * Only the first FILL bytes are filled.
	 */
	uint8_t *buf = calloc(1, _IOC_SIZEMASK + 1);
	struct nl_sock nl;
	struct nl_ack ack;
	struct test_vm t, idle;
	unsigned long cmd;
	char c;

	seed = getenv("DQ_FUZZ_SEED") ? strtoull(getenv("DQ_FUZZ_SEED"), NULL, 0) :
					 (uint64_t)now_ns();
	if (getenv("DQ_FUZZ_COUNT"))
		count = strtoull(getenv("DQ_FUZZ_COUNT"), NULL, 0);
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			count = strtoull(optarg, NULL, 0);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	rng = seed | 1;
	printf("# DQ_FUZZ_SEED=%#lx DQ_FUZZ_COUNT=%lu\n", seed, count);

	TEST_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
	bystander = other_vmm(sv[1], BYSTANDER_PAGES, false);
	TEST_ASSERT(read(sv[0], &c, 1) == 1, "bystander ready");
	giver = other_vmm(sv[1], 0, true);
	fds[nr_fds++] = recv_fd(sv[0]);
	TEST_ASSERT(read(sv[0], &c, 1) == 1, "giver ready");

	dq_nl_open(&nl);
	bid = dq_nl_newest_vm(&nl, bystander);
	before = dq_nl_vm(&nl, bid);

	test_vm_create(&idle, 1, 1, &kinds[1], VM_MEM_SRC_ANONYMOUS, 0);
	test_vm_create(&t, 2, 64, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	TEST_ASSERT(!dq_attach(&t, DIRTYQUOTA_ATTACH_F_EXIT), "attach");
	t.wait_on_exit = true;
	start_vcpus(&t);
	is_dq[nr_fds] = true;
	fds[nr_fds++] = t.dq;
	fds[nr_fds++] = t.vm->fd;
	fds[nr_fds++] = t.vm->kvm_fd;
	fds[nr_fds++] = idle.vcpu[0]->fd;
	fds[nr_fds++] = idle.vm->fd;
	for (r = 0; r < NR_DQ; r++) {
		is_dq[nr_fds] = true;
		fds[nr_fds++] = open("/dev/dirtyquota", O_RDWR);
	}
	TEST_ASSERT(!pipe(sv), "pipe");
	fds[nr_fds++] = sv[0];
	fds[nr_fds++] = open("/dev/null", O_RDWR);
	closed = open("/dev/null", O_RDONLY);
	close(closed);
	fds[nr_fds++] = closed;
	fds[nr_fds++] = -1;
	fds[nr_fds++] = 1 << 20;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &tick, NULL);
	for (i = 0; i < count; i++) {
		k = rnd(nr_fds);
		fd = fds[k];
		nr = rnd(8) ? rnd(7) : rnd(256);
		dir = rnd(4) ? (nr == 0 ? _IOC_READ : nr == 2 ? _IOC_READ | _IOC_WRITE :
			       nr == 3 ? _IOC_READ : _IOC_WRITE) : rnd(4);
		size = rnd(2) ? (nr == 2 ? 40 : nr == 3 || nr == 4 ? 48 + 8 * rnd(2) :
				 nr == 5 ? 16 : 8) + (rnd(4) ? 0 : rnd(64)) :
				rnd(FILL);
		cmd = rnd(16) ? _IOC(dir, DIRTYQUOTA_IOC_MAGIC, nr, size) : rnd(0);
		if (rnd(2)) {
			memset(buf, 0, FILL);
			fill_struct(buf, nr, stats);
			if (!rnd(4))
				buf[rnd(FILL)] = rnd(256);
		} else {
			for (r = 0; r < FILL; r++)
				buf[r] = rnd(256);
		}
		r = ioctl(fd, cmd, rnd(32) ? (void *)buf : (void *)rnd(8));
		if (!r) {
			ok++;
			continue;
		}
		e = errno;
		if (!is_dq[k])
			continue;
		TEST_ASSERT(r == -1 && documented(e),
			    "ioctl %d: fd %d cmd %#lx (nr %u size %u) returned %d, %s",
			    (int)i, fd, cmd, nr, size, r, strerror(e));
		errs[e & 255]++;
	}
	setitimer(ITIMER_REAL, &(struct itimerval){ 0 }, NULL);

	/* The bystander is exactly as it was. */
	after = dq_nl_vm(&nl, bid);
	for (r = DIRTYQUOTA_A_VM_MODE; r <= DIRTYQUOTA_A_VM_POOL_CAP; r++)
		TEST_ASSERT(after.v[r] == before.v[r],
			    "bystander attribute %d: %lu, was %lu", r, after.v[r],
			    before.v[r]);
	TEST_ASSERT(!after.v[DIRTYQUOTA_A_VM_ATTACHED],
		    "the bystander got attached");
	TEST_ASSERT(dq_nl_vcpus(&nl, bid, vcpu, 2, &ack) == 1 &&
		    vcpu[0].v[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED] ==
		    BYSTANDER_PAGES * PG,
		    "bystander: %lu bytes dirtied, wrote %u pages",
		    vcpu[0].v[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED], BYSTANDER_PAGES);

	printf("# %lu ioctls: %lu succeeded; EINVAL %lu, E2BIG %lu, EFAULT %lu, "
	       "ENOTTY %lu, EBADF %lu, ENOTCONN %lu, EALREADY %lu, EBUSY %lu, "
	       "ENOENT %lu, ERANGE %lu, EPERM %lu, EINTR %lu\n", count, ok,
	       errs[EINVAL], errs[E2BIG], errs[EFAULT], errs[ENOTTY],
	       errs[EBADF], errs[ENOTCONN], errs[EALREADY], errs[EBUSY],
	       errs[ENOENT], errs[ERANGE], errs[EPERM], errs[EINTR]);
	stop_vcpus(&t);
	test_vm_free(&t);
	test_vm_free(&idle);
	nl_close(&nl);
	kill(bystander, SIGKILL);
	kill(giver, SIGKILL);
	waitpid(bystander, NULL, 0);
	waitpid(giver, NULL, 0);
	return 0;
}
