/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small library for the dirtyquota sandbox tests, on top of the kernel's
 * KVM selftests library: a VM whose vCPUs each write their own range of a
 * test memslot (or only compute), threads that run them, and wrappers for
 * /dev/dirtyquota.  test_vm_create_code() builds the same VM and test
 * memslot for a guest of the test's own.
 *
 * A guest write is recorded by dirty logging, and so counted by dirtyquota,
 * only when it hits a page that is write-protected for logging: writers
 * that go around their range again need the host to harvest the log
 * (harvest_for()).  Compute vCPUs only touch memory outside the test slot.
 */
#ifndef DQ_UTIL_H
#define DQ_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include <linux/dirtyquota.h>

#include "kvm_util.h"

#define TEST_SLOT	10
#define TEST_GPA	(1ULL << 32)
#define TEST_GVA	(1ULL << 32)
#define MAX_VCPUS	4
#define PG		4096ULL
#define MIB		(1024 * 1024ULL)
#define MS		1000000ULL

/*
 * WRITE_ONCE_EACH: each page of the range once, then GUEST_DONE;
 * WRITE_FOREVER: around the first `count` pages without end;
 * WRITE_ROUNDS: the first `count` pages of the range (test_vm_set_count()),
 *	then GUEST_SYNC(round), again and again;
 * COMPUTE: never touches the test slot;
 * TOUCH_THEN_WRITE: every page, GUEST_SYNC, then every guest_stride-th page;
 * WRITE_RANDOM: pages of the first `count` in a scattered order, each write
 *	a value never written before, without end.
 */
enum guest_kind {
	WRITE_ONCE_EACH, WRITE_FOREVER, WRITE_ROUNDS, COMPUTE, TOUCH_THEN_WRITE,
	WRITE_RANDOM,
};

/* test_vm_create() flags */
#define TV_LOG		(1 << 0)	/* dirty logging on the test slot */
#define TV_RING		(1 << 1)	/* with the dirty ring */
#define TV_MANUAL	(1 << 2)	/* manual protect + initially set */
#define TV_NO_DQ	(1 << 3)	/* without /dev/dirtyquota */

extern uint64_t guest_stride;		/* TOUCH_THEN_WRITE: 2nd pass step */

struct test_vm;

struct dq_scenario {
	const char *name;
	void (*fn)(void);
};

struct vcpu_arg {
	struct test_vm *t;
	int idx;
};

struct test_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu[MAX_VCPUS];
	struct vcpu_arg arg[MAX_VCPUS];
	pthread_t thread[MAX_VCPUS];
	int nr_vcpus;
	enum guest_kind kind[MAX_VCPUS];
	int dq;
	uint64_t pages;			/* per vCPU */
	uint64_t *progress;		/* pages each vCPU wrote, guest view */
	unsigned long *bitmap;
	volatile bool stop;
	bool wait_on_exit;		/* DIRTYQUOTA_IOC_WAIT on quota exits */
	uint64_t quota_exits[MAX_VCPUS];
	struct dirtyquota_exit last_exit[MAX_VCPUS];
	bool done[MAX_VCPUS];
};

uint64_t now_ns(void);
struct dirtyquota_exit *dq_exit(struct kvm_run *run);
void test_vm_create(struct test_vm *t, int nr_vcpus, uint64_t pages,
		    const enum guest_kind *kinds, int src, unsigned int flags);
void test_vm_create_code(struct test_vm *t, int nr_vcpus, uint64_t pages,
			 void *code, int src, unsigned int flags);
void test_vm_free(struct test_vm *t);
void test_vm_set_count(struct test_vm *t, int idx, uint64_t pages);
void test_vm_run_round(struct test_vm *t, int idx);
int dq_attach(struct test_vm *t, uint32_t flags);
int dq_set(struct test_vm *t, uint32_t set, uint32_t mode, uint64_t budget,
	   uint64_t interval_ns, uint32_t pool);
int dq_set_max_stall(struct test_vm *t, uint64_t ns);
int dq_rate(struct test_vm *t, uint32_t idx, uint32_t flags, uint64_t rate);
struct dirtyquota_vcpu_stats dq_vcpu(struct test_vm *t, int idx);
struct dirtyquota_stats dq_stats(struct test_vm *t,
				 struct dirtyquota_vcpu_stats *e, uint32_t n);
uint64_t dirtied(struct test_vm *t, int idx);
uint64_t vcpu_stat(struct kvm_vcpu *vcpu, const char *name);
void start_vcpus(struct test_vm *t);
void stop_vcpus(struct test_vm *t);
bool log_bit(const unsigned long *log, uint64_t n);
void log_set(unsigned long *log, uint64_t n);
void clear_all(struct test_vm *t);
void collect_rings(struct test_vm *t, unsigned long *log);
void send_fd(int sock, int fd);
int recv_fd(int sock);
void harvest_for(struct test_vm *t, uint64_t ns);
uint64_t measure_rate(struct test_vm *t, int idx, uint64_t ns);
void expect_err(int r, int err, const char *what);
void require_rate(struct test_vm *t, uint64_t max, uint64_t need);
void run_scenarios(int argc, char **argv,
		   const struct dq_scenario *tests, unsigned int nr);
void run_kvm_scenarios(int argc, char **argv,
		       const struct dq_scenario *tests, unsigned int nr);

#endif /* DQ_UTIL_H */
