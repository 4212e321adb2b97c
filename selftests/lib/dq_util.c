// SPDX-License-Identifier: GPL-2.0
/*
 * The dirtyquota sandbox tests' library; see dq_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dq_util.h"
#include "processor.h"
#include "test_util.h"

/* Later libraries describe a VM by its shape, not only its mode. */
#ifdef VM_SHAPE_DEFAULT
#define DQ_VM_DEFAULT	VM_SHAPE_DEFAULT
#else
#define DQ_VM_DEFAULT	VM_MODE_DEFAULT
#endif

/* Guest-side, in the default memslot, which is not logged. */
static uint64_t guest_pages;		/* pages of each vCPU's range */
static uint64_t guest_progress[MAX_VCPUS];
uint64_t guest_stride = 1;

static void guest_code(uint64_t id, uint64_t arg)
{
	volatile uint64_t *base = (void *)(TEST_GVA + id * guest_pages * PG);
	uint64_t i, kind = arg & 0xff, count = arg >> 8, round;

	if (kind == COMPUTE)
		for (;;)
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);

	if (kind == TOUCH_THEN_WRITE) {
		for (i = 0; i < guest_pages; i++)
			base[i * PG / 8] = i;
		GUEST_SYNC(1);
		for (i = 0; i < guest_pages; i += guest_stride) {
			base[i * PG / 8] = i + 1;
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);
		}
		GUEST_DONE();
	}

	if (kind == WRITE_RANDOM) {
		/* Unique values: every write changes the page it hits. */
		for (i = 1;; i++) {
			round = (i * 0x9E3779B97F4A7C15ULL) >> 32;
			base[(round % count) * PG / 8] = id << 48 | i;
			WRITE_ONCE(guest_progress[id], i);
		}
	}

	if (kind == WRITE_ROUNDS) {
		for (round = 1;; round++) {
			for (i = 0; i < count; i++)
				base[i * PG / 8] = round;
			GUEST_SYNC(round);
		}
	}

	do {
		for (i = 0; i < count; i++) {
			base[i * PG / 8] = i;
			WRITE_ONCE(guest_progress[id], guest_progress[id] + 1);
		}
	} while (kind == WRITE_FOREVER);
	GUEST_DONE();
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The exit payload, at the start of kvm_run's exit union. */
struct dirtyquota_exit *dq_exit(struct kvm_run *run)
{
	return (struct dirtyquota_exit *)&run->hw;
}

void test_vm_create_code(struct test_vm *t, int nr_vcpus, uint64_t pages,
			 void *code, int src, unsigned int flags)
{
	uint64_t total = pages * nr_vcpus;
	int i;

	memset(t, 0, sizeof(*t));
	t->nr_vcpus = nr_vcpus;
	t->pages = pages;
	t->vm = __vm_create(DQ_VM_DEFAULT, nr_vcpus, total);
	if (flags & TV_RING)
		vm_enable_dirty_ring(t->vm, 4096 * sizeof(struct kvm_dirty_gfn));
	if (flags & TV_MANUAL)
		vm_enable_cap(t->vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
			      KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
			      KVM_DIRTY_LOG_INITIALLY_SET);
	for (i = 0; i < nr_vcpus; i++)
		t->vcpu[i] = vm_vcpu_add(t->vm, i, code);
	vm_userspace_mem_region_add(t->vm, src, TEST_GPA, TEST_SLOT, total,
				    flags & TV_LOG ? KVM_MEM_LOG_DIRTY_PAGES : 0);
	virt_map(t->vm, TEST_GVA, TEST_GPA, total);
	t->bitmap = calloc(total / 8 + 8, 1);

	t->dq = -1;
	if (flags & TV_NO_DQ)
		return;
	t->dq = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(t->dq >= 0, "open /dev/dirtyquota: %s", strerror(errno));
}

/* The vCPU's binary stat @name, read with KVM_GET_STATS_FD as a VMM would. */
uint64_t vcpu_stat(struct kvm_vcpu *vcpu, const char *name)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	uint64_t val = 0;
	size_t dsize;
	char *descs;
	uint32_t i;
	int fd;

	fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	TEST_ASSERT(fd >= 0, "KVM_GET_STATS_FD: %s", strerror(errno));
	TEST_ASSERT(pread(fd, &h, sizeof(h), 0) == sizeof(h), "stats header");
	dsize = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsize);
	TEST_ASSERT(descs, "calloc");
	TEST_ASSERT(pread(fd, descs, h.num_desc * dsize, h.desc_offset) ==
		    (ssize_t)(h.num_desc * dsize), "stats descriptors");
	for (i = 0; i < h.num_desc; i++) {
		d = (struct kvm_stats_desc *)(descs + i * dsize);
		if (strcmp(d->name, name))
			continue;
		TEST_ASSERT(d->size == 1, "stat %s has %u values", name, d->size);
		TEST_ASSERT(pread(fd, &val, sizeof(val),
				  h.data_offset + d->offset) == sizeof(val),
			    "stat %s", name);
		break;
	}
	TEST_ASSERT(i < h.num_desc, "KVM has no vCPU stat %s", name);
	free(descs);
	close(fd);
	return val;
}

void test_vm_create(struct test_vm *t, int nr_vcpus, uint64_t pages,
		    const enum guest_kind *kinds, int src, unsigned int flags)
{
	int i;

	test_vm_create_code(t, nr_vcpus, pages, guest_code, src, flags);
	guest_pages = pages;
	sync_global_to_guest(t->vm, guest_pages);
	sync_global_to_guest(t->vm, guest_stride);
	t->progress = addr_gva2hva(t->vm, (vm_vaddr_t)guest_progress);
	for (i = 0; i < nr_vcpus; i++) {
		t->kind[i] = kinds[i];
		test_vm_set_count(t, i, pages);
	}
}

/* How many pages of its range a WRITE_ROUNDS vCPU writes per round. */
void test_vm_set_count(struct test_vm *t, int idx, uint64_t pages)
{
	vcpu_args_set(t->vcpu[idx], 2, idx, t->kind[idx] | pages << 8);
}

/* Runs one round of a WRITE_ROUNDS vCPU: it ends with GUEST_SYNC. */
void test_vm_run_round(struct test_vm *t, int idx)
{
	struct ucall uc;

	vcpu_run(t->vcpu[idx]);
	TEST_ASSERT(get_ucall(t->vcpu[idx], &uc) == UCALL_SYNC,
		    "vCPU %d did not finish its round", idx);
}

void test_vm_free(struct test_vm *t)
{
	close(t->dq);
	free(t->bitmap);
	kvm_vm_free(t->vm);
}

int dq_attach(struct test_vm *t, uint32_t flags)
{
	struct dirtyquota_attach a = { .vm_fd = t->vm->fd, .flags = flags };

	return ioctl(t->dq, DIRTYQUOTA_IOC_ATTACH, &a);
}

int dq_set(struct test_vm *t, uint32_t set, uint32_t mode, uint64_t budget,
	   uint64_t interval_ns, uint32_t pool)
{
	struct dirtyquota_vm_config c = {
		.set = set, .mode = mode, .budget = budget,
		.interval_ns = interval_ns, .pool = pool,
	};

	return ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c);
}

int dq_set_max_stall(struct test_vm *t, uint64_t ns)
{
	struct dirtyquota_vm_config c = {
		.set = DIRTYQUOTA_CFG_MAX_STALL, .max_stall_ns = ns,
	};

	return ioctl(t->dq, DIRTYQUOTA_IOC_SET_VM, &c);
}

int dq_rate(struct test_vm *t, uint32_t idx, uint32_t flags, uint64_t rate)
{
	struct dirtyquota_vcpu_quota q = {
		.vcpu_index = idx, .flags = flags, .rate = rate,
	};

	return ioctl(t->dq, DIRTYQUOTA_IOC_SET_VCPU_QUOTA, &q);
}

struct dirtyquota_stats dq_stats(struct test_vm *t,
				 struct dirtyquota_vcpu_stats *e, uint32_t n)
{
	struct dirtyquota_stats s = {
		.entries = (uintptr_t)e, .entry_size = sizeof(e[0]),
		.nr_entries = n,
	};

	TEST_ASSERT(!ioctl(t->dq, DIRTYQUOTA_IOC_GET_STATS, &s),
		    "GET_STATS: %s", strerror(errno));
	return s;
}

struct dirtyquota_vcpu_stats dq_vcpu(struct test_vm *t, int idx)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct dirtyquota_stats s = dq_stats(t, e, MAX_VCPUS);

	TEST_ASSERT(idx < (int)s.nr_entries, "no vCPU %d", idx);
	return e[idx];
}

uint64_t dirtied(struct test_vm *t, int idx)
{
	return dq_vcpu(t, idx).bytes_dirtied;
}

static void *vcpu_thread(void *data)
{
	struct vcpu_arg *arg = data;
	struct test_vm *t = arg->t;
	int i = arg->idx, r;
	struct kvm_vcpu *vcpu = t->vcpu[i];
	struct dirtyquota_wait w;
	struct ucall uc;

	while (!t->stop) {
		/* Not _vcpu_run(): it retries on EINTR, and stop needs that. */
		r = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (r && errno == EINTR)
			continue;
		TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_DIRTY_QUOTA_FULL:
			t->quota_exits[i]++;
			memcpy(&t->last_exit[i], dq_exit(vcpu->run),
			       sizeof(t->last_exit[i]));
			if (!t->wait_on_exit)
				return NULL;
			w = (struct dirtyquota_wait){ .vcpu_index = i };
			r = ioctl(t->dq, DIRTYQUOTA_IOC_WAIT, &w);
			TEST_ASSERT(!r || errno == EINTR, "WAIT: %s",
				    strerror(errno));
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_IO:
			r = get_ucall(vcpu, &uc);
			TEST_ASSERT(r == UCALL_DONE || r == UCALL_SYNC,
				    "vCPU %d: unexpected ucall %d", i, r);
			t->done[i] = true;
			return NULL;
		default:
			TEST_FAIL("vCPU %d: exit reason %u", i,
				  vcpu->run->exit_reason);
		}
	}
	return NULL;
}

static void on_sigusr1(int sig)
{
}

void start_vcpus(struct test_vm *t)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < t->nr_vcpus; i++) {
		t->arg[i] = (struct vcpu_arg){ .t = t, .idx = i };
		pthread_create(&t->thread[i], NULL, vcpu_thread, &t->arg[i]);
	}
}

/* Signals kick vCPUs out of the guest and out of dirtyquota's sleep. */
void stop_vcpus(struct test_vm *t)
{
	int i;

	t->stop = true;
	for (i = 0; i < t->nr_vcpus; i++) {
		t->vcpu[i]->run->immediate_exit = 1;
		pthread_kill(t->thread[i], SIGUSR1);
	}
	for (i = 0; i < t->nr_vcpus; i++)
		pthread_join(t->thread[i], NULL);
}

/* Dirty bitmaps are little endian; so is x86. */
bool log_bit(const unsigned long *log, uint64_t n)
{
	return log[n / BITS_PER_LONG] >> (n % BITS_PER_LONG) & 1;
}

void log_set(unsigned long *log, uint64_t n)
{
	log[n / BITS_PER_LONG] |= 1UL << (n % BITS_PER_LONG);
}

/* With manual protect: clears (and re-protects) the whole test slot. */
void clear_all(struct test_vm *t)
{
	uint64_t n = t->pages * t->nr_vcpus;

	memset(t->bitmap, 0xff, n / 8 + 8);
	kvm_vm_clear_dirty_log(t->vm, TEST_SLOT, t->bitmap, 0, n);
}

/* Collects the dirty rings of all vCPUs into @log, then resets them. */
void collect_rings(struct test_vm *t, unsigned long *log)
{
	struct kvm_dirty_gfn *ring, *g;
	uint32_t *fetch;
	int i;

	memset(log, 0, t->pages * t->nr_vcpus / 8 + 8);
	for (i = 0; i < t->nr_vcpus; i++) {
		ring = vcpu_map_dirty_ring(t->vcpu[i]);
		fetch = &t->vcpu[i]->fetch_index;
		for (;;) {
			g = &ring[*fetch % t->vcpu[i]->dirty_gfns_count];
			if (!(READ_ONCE(g->flags) & KVM_DIRTY_GFN_F_DIRTY))
				break;
			if (g->slot == TEST_SLOT)
				log_set(log, g->offset);
			WRITE_ONCE(g->flags, KVM_DIRTY_GFN_F_RESET);
			(*fetch)++;
		}
	}
	kvm_vm_reset_dirty_ring(t->vm);
}

/* Passes @fd over the unix socket @sock; recv_fd() takes it. */
void send_fd(int sock, int fd)
{
	char c = 0, cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	TEST_ASSERT(sendmsg(sock, &mh, 0) == 1, "sendmsg: %s", strerror(errno));
}

int recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	TEST_ASSERT(recvmsg(sock, &mh, 0) == 1, "recvmsg: %s", strerror(errno));
	cm = CMSG_FIRSTHDR(&mh);
	TEST_ASSERT(cm && cm->cmsg_type == SCM_RIGHTS, "no fd came");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Re-protects the logged pages so that the writers' next writes count. */
void harvest_for(struct test_vm *t, uint64_t ns)
{
	uint64_t end = now_ns() + ns;

	while (now_ns() < end) {
		kvm_vm_get_dirty_log(t->vm, TEST_SLOT, t->bitmap);
		usleep(2000);
	}
}

/* Bytes per second vCPU @idx dirties over @ns while the log is harvested. */
uint64_t measure_rate(struct test_vm *t, int idx, uint64_t ns)
{
	uint64_t b0 = dirtied(t, idx), t0 = now_ns(), b1;

	harvest_for(t, ns);
	b1 = dirtied(t, idx);
	return (b1 - b0) * 1000000000ULL / (now_ns() - t0);
}

void expect_err(int r, int err, const char *what)
{
	TEST_ASSERT(r == -1 && errno == err, "%s: expected %s, got %d (%s)",
		    what, strerror(err), r, strerror(errno));
}

/* Skips the scenario if the emulated guest is too slow for it. */
void require_rate(struct test_vm *t, uint64_t max, uint64_t need)
{
	if (max >= need)
		return;
	stop_vcpus(t);
	test_vm_free(t);
	print_skip("the emulated guest dirties only %lu bytes/s", max);
	exit(KSFT_SKIP);
}

static bool selected(int argc, char **argv, unsigned int n)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strtoul(argv[i], NULL, 0) == n)
			return true;
	return false;
}

/*
 * Runs each scenario in its own process, so that a failed assertion fails
 * that scenario only; "test N..." runs only scenarios N (from 1).  For
 * tests of KVM alone, which need no /dev/dirtyquota.
 */
void run_kvm_scenarios(int argc, char **argv, const struct dq_scenario *tests,
		       unsigned int nr)
{
	unsigned int i;
	int status;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(nr);
	for (i = 0; i < nr; i++) {
		if (argc > 1 && !selected(argc, argv, i + 1)) {
			ksft_test_result_skip("%s: not selected\n", tests[i].name);
			continue;
		}
		fflush(stdout);
		pid = fork();
		if (!pid) {
			tests[i].fn();
			exit(KSFT_PASS);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
			ksft_test_result_skip("%s\n", tests[i].name);
		else
			ksft_test_result(WIFEXITED(status) &&
					 WEXITSTATUS(status) == KSFT_PASS,
					 "%s\n", tests[i].name);
	}
	ksft_finished();
}

/* The same, for tests that need dirtyquota. */
void run_scenarios(int argc, char **argv, const struct dq_scenario *tests,
		   unsigned int nr)
{
	if (access("/dev/dirtyquota", R_OK | W_OK)) {
		print_skip("/dev/dirtyquota: %s", strerror(errno));
		exit(KSFT_SKIP);
	}
	run_kvm_scenarios(argc, argv, tests, nr);
}
