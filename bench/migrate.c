// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration convergence, with correctness:
 *
 *   bench-migrate [-q] [-v] [-m MODE,...] [-p POLICY,...] [-w WORKLOAD,...]
 *                 [-b MIB_S] [-f MIB_S] [-M MIB] [-d MS] [-t SECONDS]
 *                 [-i ITERATIONS] [-s SHARE] [-l MIB_S] [-D DQCTL] [-V]
 *
 * A small pre-copy VMM.  Each run (a process of its own) forks a
 * destination process, builds a VM of four vCPUs (test_vm_create(): each
 * writes random pages of its own range of the test slot, or only computes),
 * lets it run for 300 ms, and migrates the test slot to the destination
 * over TCP: a first pass sends every page, then each iteration syncs the
 * dirty log and sends the pages it names, paced by a token bucket at the
 * link rate, until the dirty set can be sent within the downtime target at
 * the measured throughput (then: stop the vCPUs, last sync, send the rest)
 * or the run is out of iterations or time (the same, but "converged":
 * false).  The destination then compares its copy with the source's memory,
 * mapped from the slot's memfd, byte for byte: a page that differs is a
 * lost dirty page, and the benchmark exits non-zero.
 *
 * MODE (dirty tracking): bitmap (KVM_GET_DIRTY_LOG), clear-log (manual
 * protect with initially-set: KVM_GET_DIRTY_LOG, then KVM_CLEAR_DIRTY_LOG
 * of each 256 KiB chunk right before it is sent), dirty-ring (the vCPU
 * threads reap the rings themselves on KVM_EXIT_DIRTY_RING_FULL).
 *
 * POLICY: none; auto-converge (QEMU's trigger: at a sync a second or more
 * after the last check, dirtied bytes above half the bytes sent, for the
 * second time; then every vCPU sleeps pct/(1-pct) of each 10 ms timeslice,
 * from 20% up by 10% per trigger, 99% at most); dirty-limit (dirty ring
 * only; the same trigger, then each vCPU over a per-vCPU limit, -l, sleeps
 * for a time adjusted every second from its rate as its ring shows it,
 * with the rule of QEMU's dirtylimit.c); dirtyquota (sleep mode, pool on,
 * budget SHARE of the throughput of the last second, set every 300 ms);
 * follow (the VMM does nothing: "dqctl follow PID --iface dqmig0 --share
 * SHARE" steers it, and the destination is in a network namespace behind a
 * veth pair, so that the rate is a real interface's; -V does that for every
 * policy).
 *
 * WORKLOAD: uniform (four writers), skewed (one writer, three compute
 * vCPUs), fast-writer (the same on a link half as fast).  By default a
 * calibration measures what one writer dirties next to three compute vCPUs
 * and how fast pages go without a cap: the link (-b) is the lesser of half
 * the first and 60% of the second, so that the cap is what limits.
 *
 * -q: a quick correctness check (TAP): one short run per mode, 8 MiB.
 * -X: every run leaves a page of the last dirty set unsent, so that the
 * check must find it.
 * Else prints BENCH-RESULT migration, and for the skewed workload in the
 * dirty-ring mode one plot per policy of the vCPUs' dirty rates and the
 * dirty set left to send (see bench.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dq_util.h"
#include "test_util.h"

#define CHUNK_PAGES	64		/* one bitmap word: 256 KiB */
#define SAMPLE_NS	(100 * MS)
#define SEC		1000000000ULL
#define TIMESLICE_NS	(10 * MS)	/* auto-converge */
#define BURST_NS	(10 * MS)	/* token bucket depth */
#define END_OF_STREAM	(~0ULL)
#define VETH_SRC	"dqmig0"
#define VETH_DST	"dqmig1"
#define ADDR_SRC	"10.199.0.1"
#define ADDR_DST	"10.199.0.2"
#define MAX_LISTED	16

#ifndef MIN
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#endif

enum mode { BITMAP, CLEAR_LOG, DIRTY_RING, NR_MODES };
enum policy { NONE, AUTO_CONVERGE, DIRTY_LIMIT, DIRTYQUOTA, FOLLOW,
	      NR_POLICIES };
enum workload { UNIFORM, SKEWED, FAST_WRITER, NR_WORKLOADS };

static const char *const mode_names[] = { "bitmap", "clear-log",
					  "dirty-ring" };
static const char *const policy_names[] = { "none", "auto-converge",
					    "dirty-limit", "dirtyquota",
					    "follow" };
static const char *const workload_names[] = { "uniform", "skewed",
					      "fast-writer" };

static struct {
	unsigned int modes, policies, workloads;	/* bit masks */
	uint64_t link, fast_link;	/* bytes/s; 0: from the calibration */
	uint64_t writer_rate, throughput;	/* the calibration's */
	uint64_t memory, downtime_ns, max_ns, vcpu_limit;
	unsigned int max_iter;
	double share;
	const char *dqctl;
	bool veth, quick, verbose, lose;
} o = {
	.modes = 7, .policies = 31, .workloads = 7,
	.memory = 0, .downtime_ns = 100 * MS, .max_ns = 15 * SEC,
	.max_iter = 100, .share = 0.5, .dqctl = "./dqctl",
};

/* What a run hands to the parent, which builds the JSON. */
struct result {
	bool converged, verified;
	unsigned int iterations;
	uint64_t link, final_dirty, sent, mismatched;
	uint64_t guest_work, compute_work, writer_work;
	double total_s, run_s, downtime_est_ms, downtime_ms;
	double throughput;		/* bytes/s while sending */
	double compute_rel;		/* compute work/s, vs before */
	double throttle;		/* auto-converge %, else budget MiB/s */
	double throttle_start_s;	/* auto-converge, dirty-limit; or -1 */
	uint64_t vcpu_limit;		/* dirty-limit */
	uint64_t writer_rate, max_throughput;	/* calibration only */
};

/* Destination to source, on the control socket. */
struct ctl_msg {
	uint32_t type;			/* 'N', 'P', 'A', 'R', 'V' */
	uint32_t port;
	uint64_t mismatched, received;
	uint64_t listed[MAX_LISTED];
};

struct chunk_hdr {
	uint64_t first;			/* page; END_OF_STREAM ends */
	uint64_t mask;			/* pages first + bit that follow */
};

struct sample {
	uint64_t ns, sent, remaining;
	uint64_t dirtied[MAX_VCPUS];
};

struct mig;

struct vcpu_state {
	struct mig *m;
	int idx;
	pthread_t thread;
	struct kvm_dirty_gfn *ring;
	uint32_t fetch;
	uint64_t reaped;		/* ring entries of the test slot */
	uint64_t reaped_then, rate;	/* dirty-limit's view */
	int kick;			/* throttled: sleep first */
	uint64_t slice_sleep;		/* ns to sleep per 10 ms timeslice */
	uint64_t next_kick;
};

struct mig {
	struct test_vm t;
	enum mode mode;
	enum policy policy;
	enum workload wl;
	struct vcpu_state v[MAX_VCPUS];
	uint64_t npages, words, link;
	uint8_t *mem;
	int memfd, data, ctl;
	pid_t dest, follower;
	uint64_t *dirty, *log, *pending;
	pthread_mutex_t ring_lock;
	volatile bool stop, done;
	uint64_t t0, tb, sent, remaining;
	/* the trigger of auto-converge and dirty-limit */
	uint64_t period_start, period_sent, period_dirty;
	int high_cnt, pct;
	bool limit_on, throttling;
	uint64_t limit_since, limit, throttle_start;
	uint64_t budget_sum, budget_n;
	pthread_t sampler, throttler;
	struct sample *s;
	unsigned int nr_samples, max_samples;
	double base_rate[MAX_VCPUS];	/* progress/s before migrating */
};

static uint64_t popcount(uint64_t x)
{
	return __builtin_popcountll(x);
}

static uint64_t count_bits(const uint64_t *b, uint64_t words)
{
	uint64_t i, n = 0;

	for (i = 0; i < words; i++)
		n += popcount(b[i]);
	return n;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / SEC, ns % SEC };

	nanosleep(&ts, NULL);
}

/* Sleeps until @end, or until the vCPUs are told to stop. */
static void sleep_until(struct mig *m, uint64_t end)
{
	uint64_t n;

	while (!READ_ONCE(m->stop) && (n = now_ns()) < end)
		sleep_ns(end - n);
}

static void on_signal(int sig)
{
}

/* The write end of the pipe to the parent, which no grandchild may hold. */
static int result_fd = -1;

/* For the processes a run forks: they end with it. */
static void child_of_run(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (result_fd >= 0)
		close(result_fd);
}

/* --- Dirty tracking ---------------------------------------------------- */

/* With ring_lock held: moves @v's harvested entries into m->pending. */
static void reap_ring(struct mig *m, struct vcpu_state *v)
{
	uint32_t size = m->t.vcpu[v->idx]->dirty_gfns_count;
	struct kvm_dirty_gfn *g;

	for (;;) {
		g = &v->ring[v->fetch % size];
		if (!(__atomic_load_n(&g->flags, __ATOMIC_ACQUIRE) &
		      KVM_DIRTY_GFN_F_DIRTY))
			break;
		if (g->slot == TEST_SLOT && g->offset < m->npages) {
			m->pending[g->offset / 64] |= 1ULL << (g->offset % 64);
			__atomic_add_fetch(&v->reaped, 1, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&g->flags, KVM_DIRTY_GFN_F_RESET,
				 __ATOMIC_RELEASE);
		v->fetch++;
	}
}

/*
 * Harvests the rings (all of them, or @only's) and re-protects their pages.
 * The pages reach m->pending only together with the reset, under the lock:
 * the migration thread must never read a page that is still writable
 * without a new ring entry to follow.
 */
static void reap_rings(struct mig *m, struct vcpu_state *only)
{
	int i;

	pthread_mutex_lock(&m->ring_lock);
	for (i = 0; i < m->t.nr_vcpus; i++)
		if (!only || only == &m->v[i])
			reap_ring(m, &m->v[i]);
	kvm_vm_reset_dirty_ring(m->t.vm);
	pthread_mutex_unlock(&m->ring_lock);
}

/*
 * Adds the pages dirtied since the last sync to m->dirty and returns how
 * many were not there yet.  bitmap: KVM_GET_DIRTY_LOG also re-protects;
 * clear-log: the pages stay writable until send_chunk() clears them.
 */
static uint64_t sync_log(struct mig *m)
{
	uint64_t i, fresh = 0;

	if (m->mode == DIRTY_RING) {
		reap_rings(m, NULL);
		pthread_mutex_lock(&m->ring_lock);
		memcpy(m->log, m->pending, m->words * 8);
		memset(m->pending, 0, m->words * 8);
		pthread_mutex_unlock(&m->ring_lock);
	} else {
		kvm_vm_get_dirty_log(m->t.vm, TEST_SLOT, m->log);
	}
	for (i = 0; i < m->words; i++) {
		fresh += popcount(m->log[i] & ~m->dirty[i]);
		m->dirty[i] |= m->log[i];
	}
	return fresh;
}

/* Before migrating: re-protects everything dirty, forgets it. */
static void sync_discard(struct mig *m)
{
	sync_log(m);
	if (m->mode == CLEAR_LOG)
		kvm_vm_clear_dirty_log(m->t.vm, TEST_SLOT, m->dirty, 0,
				       m->npages);
	memset(m->dirty, 0, m->words * 8);
}

/* --- The vCPUs ------------------------------------------------------- */

static void *vcpu_main(void *data)
{
	struct vcpu_state *v = data;
	struct mig *m = v->m;
	struct kvm_vcpu *vcpu = m->t.vcpu[v->idx];
	struct kvm_run *run = vcpu->run;
	int r;

	for (;;) {
		/* Pairs with kick(): a kick after this store is not lost. */
		WRITE_ONCE(run->immediate_exit, 0);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (READ_ONCE(m->stop))
			break;
		if (__atomic_exchange_n(&v->kick, 0, __ATOMIC_SEQ_CST)) {
			sleep_until(m, now_ns() + READ_ONCE(v->slice_sleep));
			continue;
		}
		r = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (r && errno == EINTR)
			continue;
		TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
		switch (run->exit_reason) {
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_DIRTY_RING_FULL:
			/* As QEMU: only its own ring under dirty-limit. */
			reap_rings(m, m->policy == DIRTY_LIMIT ? v : NULL);
			break;
		default:
			TEST_FAIL("vCPU %d: exit reason %u", v->idx,
				  run->exit_reason);
		}
	}
	return NULL;
}

/* Makes vCPU @i leave KVM_RUN (and sleep first, with @throttle). */
static void kick(struct mig *m, int i, bool throttle)
{
	if (throttle)
		__atomic_store_n(&m->v[i].kick, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&m->t.vcpu[i]->run->immediate_exit, 1,
			 __ATOMIC_SEQ_CST);
	pthread_kill(m->v[i].thread, SIGUSR1);
}

static void start_vcpus_m(struct mig *m)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < m->t.nr_vcpus; i++)
		pthread_create(&m->v[i].thread, NULL, vcpu_main, &m->v[i]);
}

static void stop_vcpus_m(struct mig *m)
{
	int i;

	WRITE_ONCE(m->stop, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < m->t.nr_vcpus; i++)
		kick(m, i, false);
	for (i = 0; i < m->t.nr_vcpus; i++)
		pthread_join(m->v[i].thread, NULL);
}

/*
 * QEMU's CPU throttle, per vCPU: a vCPU that must sleep a share p of the
 * time is kicked out of the guest every 10 ms / (1 - p) and sleeps
 * 10 ms * p / (1 - p) (v->slice_sleep).
 */
static void *throttler_main(void *data)
{
	struct mig *m = data;
	uint64_t now, next, ns;
	int i;

	while (!READ_ONCE(m->done)) {
		now = now_ns();
		next = now + TIMESLICE_NS;
		for (i = 0; i < m->t.nr_vcpus; i++) {
			ns = READ_ONCE(m->v[i].slice_sleep);
			if (!ns)
				continue;
			if (now >= m->v[i].next_kick) {
				kick(m, i, true);
				m->v[i].next_kick = now + TIMESLICE_NS + ns;
			}
			next = MIN(next, m->v[i].next_kick);
		}
		sleep_ns(next - now);
	}
	return NULL;
}

static void start_throttler(struct mig *m)
{
	if (!m->throttling)
		pthread_create(&m->throttler, NULL, throttler_main, m);
	m->throttling = true;
}

/* --- Policies ---------------------------------------------------------- */

/*
 * QEMU's migration_trigger_throttle(): at a sync at least a second after
 * the last check, the bytes dirtied over the period against half the bytes
 * sent; the second time they are more, throttle (harder).
 */
static void check_progress(struct mig *m, uint64_t fresh)
{
	uint64_t now = now_ns(), sent = READ_ONCE(m->sent);
	int i;

	m->period_dirty += fresh * PG;
	if (now - m->period_start < SEC)
		return;
	if (m->period_dirty > (sent - m->period_sent) / 2 &&
	    ++m->high_cnt >= 2) {
		m->high_cnt = 0;
		if (!m->throttle_start)
			m->throttle_start = now;
		if (m->policy == AUTO_CONVERGE) {
			m->pct = m->pct ? MIN(m->pct + 10, 99) : 20;
			for (i = 0; i < m->t.nr_vcpus; i++)
				WRITE_ONCE(m->v[i].slice_sleep, TIMESLICE_NS *
					   m->pct / (100 - m->pct));
			start_throttler(m);
			if (o.verbose)
				printf("#   auto-converge: %d%%\n", m->pct);
		} else if (m->policy == DIRTY_LIMIT && !m->limit_on) {
			/* Its own sync, as QEMU's rate thread's: a start. */
			reap_rings(m, NULL);
			for (i = 0; i < m->t.nr_vcpus; i++)
				m->v[i].reaped_then = m->v[i].reaped;
			m->limit_since = now;
			__atomic_store_n(&m->limit_on, true, __ATOMIC_RELEASE);
			start_throttler(m);
			if (o.verbose)
				printf("#   dirty-limit: on\n");
		}
	}
	m->period_start = now;
	m->period_dirty = 0;
	m->period_sent = sent;
}

/*
 * dirty-limit: every second, each vCPU's dirty rate as its ring shows it
 * (reaped here, as QEMU's rate thread syncs the log), and QEMU's rule for
 * the sleep of a vCPU over its limit: within a tolerance, leave it; more
 * than 50% off, change it in proportion (to lose a share p of its rate a
 * vCPU sleeps p/(1-p) of the time it runs); else by a tenth of a period.
 * QEMU sleeps after each ring-full exit, and a period is the time the ring
 * takes to fill; here the ring (4096 entries, 16 MiB) is larger than what
 * a vCPU can dirty between two syncs, so the sleep is spread over 10 ms
 * timeslices instead.  QEMU's tolerance, 25 MB/s, becomes 256 KiB/s at
 * the emulated rates.
 */
static void dirty_limit_adjust(struct mig *m)
{
	uint64_t limit = m->limit, diff, n, now;
	struct vcpu_state *v;
	int64_t ns;
	double dt, p;
	int i;

	reap_rings(m, NULL);
	now = now_ns();
	dt = (now - m->limit_since) / (double)SEC;
	m->limit_since = now;
	for (i = 0; i < m->t.nr_vcpus; i++) {
		v = &m->v[i];
		n = __atomic_load_n(&v->reaped, __ATOMIC_RELAXED);
		v->rate = (n - v->reaped_then) * PG / dt;
		v->reaped_then = n;
		ns = v->slice_sleep;
		diff = v->rate > limit ? v->rate - limit : limit - v->rate;
		if (!v->rate) {
			ns = 0;
		} else if (diff <= 256 * 1024) {
			continue;
		} else if (diff * 100 / MAX(v->rate, limit) > 50) {
			p = (double)diff / MAX(v->rate, limit);
			ns += (v->rate > limit ? 1 : -1) *
			      (int64_t)(TIMESLICE_NS * p / (1 - p));
		} else {
			ns += (v->rate > limit ? 1 : -1) *
			      (int64_t)TIMESLICE_NS / 10;
		}
		WRITE_ONCE(v->slice_sleep,
			   MAX(0, MIN(ns, 99 * (int64_t)TIMESLICE_NS)));
		if (o.verbose)
			printf("#   dirty-limit: vCPU %d at %.2f MiB/s, sleeps "
			       "%.1f ms per 10 ms\n", i, v->rate / (double)MIB,
			       v->slice_sleep / 1e6);
	}
}

/* What dqctl follow set, for the record. */
static void read_budget(struct mig *m)
{
	struct dirtyquota_vm_config c = { 0 };

	if (ioctl(m->t.dq, DIRTYQUOTA_IOC_GET_VM, &c) ||
	    c.mode == DIRTYQUOTA_MODE_OBSERVE ||
	    c.budget == DIRTYQUOTA_UNLIMITED)
		return;
	m->budget_sum += c.budget;
	m->budget_n++;
}

/* The seed algorithm: budget = SHARE of the last second's throughput. */
static void dirtyquota_adjust(struct mig *m)
{
	struct sample *now = &m->s[m->nr_samples - 1], *then;
	uint64_t budget;
	unsigned int back = MIN(m->nr_samples - 1, 10);

	if (back < 3)
		return;
	then = now - back;
	budget = o.share * (now->sent - then->sent) * SEC / (now->ns - then->ns);
	TEST_ASSERT(!dq_set(&m->t, DIRTYQUOTA_CFG_BUDGET, 0, budget, 0, 0),
		    "SET_VM budget: %s", strerror(errno));
	m->budget_sum += budget;
	m->budget_n++;
}

static void take_sample(struct mig *m)
{
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct sample *s;
	int i;

	if (m->nr_samples == m->max_samples)
		return;
	s = &m->s[m->nr_samples++];
	dq_stats(&m->t, e, MAX_VCPUS);
	s->ns = now_ns() - m->t0;
	s->sent = READ_ONCE(m->sent);
	s->remaining = READ_ONCE(m->remaining);
	for (i = 0; i < m->t.nr_vcpus; i++)
		s->dirtied[i] = e[i].bytes_dirtied;
}

static void *sampler_main(void *data)
{
	struct mig *m = data;
	uint64_t next = m->t0;
	unsigned int n = 0;

	take_sample(m);
	while (!READ_ONCE(m->done)) {
		next += SAMPLE_NS;
		sleep_ns(next > now_ns() ? next - now_ns() : 0);
		take_sample(m);
		n++;
		if (m->policy == DIRTYQUOTA && n % 3 == 0)
			dirtyquota_adjust(m);
		if (m->policy == FOLLOW && n % 3 == 0)
			read_budget(m);
		if (__atomic_load_n(&m->limit_on, __ATOMIC_ACQUIRE) &&
		    now_ns() - m->limit_since >= SEC)
			dirty_limit_adjust(m);
	}
	return NULL;
}

/* --- rtnetlink, for the veth pair ----------------------------------- */

struct nl_req {
	struct nlmsghdr n;
	char buf[1024];
};

static struct rtattr *nl_put(struct nlmsghdr *n, unsigned short type,
			     const void *data, size_t len)
{
	struct rtattr *a = (void *)n + NLMSG_ALIGN(n->nlmsg_len);

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (void *)n + n->nlmsg_len - (void *)nest;
}

/* Sends @n, returns the kernel's answer: 0 or -errno. */
static int nl_talk(struct nlmsghdr *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *h = (void *)buf;
	int fd, r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	n->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r = sendto(fd, n, n->nlmsg_len, 0, (void *)&sa, sizeof(sa));
	if (r >= 0)
		r = recv(fd, buf, sizeof(buf), 0);
	if (r < 0)
		r = -errno;
	else if (r < (int)NLMSG_LENGTH(sizeof(int)) ||
		 h->nlmsg_type != NLMSG_ERROR)
		r = -EPROTO;
	else
		r = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return r;
}

static void nl_begin(struct nl_req *req, int type, int flags, size_t hdr)
{
	memset(req, 0, sizeof(*req));
	req->n.nlmsg_type = type;
	req->n.nlmsg_flags = flags;
	req->n.nlmsg_len = NLMSG_LENGTH(hdr);
}

/* VETH_SRC here, its peer VETH_DST in the network namespace of @pid. */
static int veth_create(pid_t pid, bool other_ns)
{
	struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *p;
	struct nl_req req;
	uint32_t nspid = pid;

	nl_begin(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		 sizeof(struct ifinfomsg));
	nl_put(&req.n, IFLA_IFNAME, VETH_SRC, sizeof(VETH_SRC));
	info = nl_put(&req.n, IFLA_LINKINFO, NULL, 0);
	nl_put(&req.n, IFLA_INFO_KIND, "veth", 5);
	data = nl_put(&req.n, IFLA_INFO_DATA, NULL, 0);
	p = nl_put(&req.n, VETH_INFO_PEER, &peer, sizeof(peer));
	nl_put(&req.n, IFLA_IFNAME, VETH_DST, sizeof(VETH_DST));
	if (other_ns)
		nl_put(&req.n, IFLA_NET_NS_PID, &nspid, sizeof(nspid));
	nl_nest_end(&req.n, p);
	nl_nest_end(&req.n, data);
	nl_nest_end(&req.n, info);
	return nl_talk(&req.n);
}

static int link_del(const char *name)
{
	struct nl_req req;

	nl_begin(&req, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	nl_put(&req.n, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(&req.n);
}

static int link_up(int index)
{
	struct ifinfomsg *ifi;
	struct nl_req req;

	nl_begin(&req, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi = NLMSG_DATA(&req.n);
	*ifi = (struct ifinfomsg){ .ifi_family = AF_UNSPEC, .ifi_index = index,
				   .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	return nl_talk(&req.n);
}

/* Gives @name the address @addr/24 (unless NULL) and brings it up. */
static int link_setup(const char *name, const char *addr)
{
	struct ifaddrmsg *ifa;
	struct nl_req req;
	struct in_addr a;
	int index = if_nametoindex(name), r;

	if (!index)
		return -ENODEV;
	if (addr) {
		if (inet_pton(AF_INET, addr, &a) != 1)
			return -EINVAL;
		nl_begin(&req, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE,
			 sizeof(*ifa));
		ifa = NLMSG_DATA(&req.n);
		*ifa = (struct ifaddrmsg){ .ifa_family = AF_INET,
					   .ifa_prefixlen = 24,
					   .ifa_index = index };
		nl_put(&req.n, IFA_LOCAL, &a, sizeof(a));
		nl_put(&req.n, IFA_ADDRESS, &a, sizeof(a));
		r = nl_talk(&req.n);
		if (r)
			return r;
	}
	return link_up(index);
}

/* --- The wire -------------------------------------------------------- */

static void write_iov(int fd, struct iovec *iov, int n)
{
	ssize_t r;

	while (n) {
		r = writev(fd, iov, MIN(n, IOV_MAX));
		TEST_ASSERT(r > 0, "send to the destination: %s",
			    strerror(errno));
		while (n && (size_t)r >= iov->iov_len) {
			r -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base += r;
			iov->iov_len -= r;
		}
	}
}

static bool read_all(int fd, void *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = read(fd, buf, len);
		if (r <= 0)
			return false;
		buf += r;
		len -= r;
	}
	return true;
}

static void ctl_send(int fd, uint32_t type, uint32_t port)
{
	struct ctl_msg c = { .type = type, .port = port };

	TEST_ASSERT(send(fd, &c, sizeof(c), 0) == sizeof(c),
		    "control socket: %s", strerror(errno));
}

static void ctl_recv(int fd, struct ctl_msg *c, uint32_t type)
{
	ssize_t r = recv(fd, c, sizeof(*c), 0);

	TEST_ASSERT(r == sizeof(*c) && c->type == type,
		    "control socket: expected '%c', got %zd bytes (%s)",
		    type, r, r < 0 ? strerror(errno) : "");
}

/* The token bucket: @bytes may go when the link has carried the rest. */
static void pace(struct mig *m, uint64_t bytes)
{
	uint64_t now = now_ns();

	if (m->tb + BURST_NS < now)
		m->tb = now - BURST_NS;
	m->tb += bytes * SEC / m->link;
	if (m->tb > now)
		sleep_ns(m->tb - now);
}

/*
 * Sends the dirty pages of one 256 KiB chunk.  clear-log re-protects them
 * first, the way QEMU clears the log lazily: only the pages the log named
 * (a page dirtied since then keeps its bit for the next sync), and before
 * their contents are read.
 */
static void send_chunk(struct mig *m, uint64_t w)
{
	struct iovec iov[CHUNK_PAGES + 1];
	struct chunk_hdr h = { .first = w * 64, .mask = m->dirty[w] };
	uint64_t bits = h.mask, n = popcount(bits), bytes;
	int k = 0;

	if (m->mode == CLEAR_LOG)
		kvm_vm_clear_dirty_log(m->t.vm, TEST_SLOT, &bits, h.first,
				       MIN(64, m->npages - h.first));
	iov[k++] = (struct iovec){ &h, sizeof(h) };
	while (bits) {
		iov[k++] = (struct iovec){
			m->mem + (h.first + __builtin_ctzll(bits)) * PG, PG };
		bits &= bits - 1;
	}
	bytes = sizeof(h) + n * PG;
	pace(m, bytes);
	write_iov(m->data, iov, k);
	m->dirty[w] = 0;
	__atomic_add_fetch(&m->sent, bytes, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&m->remaining, n, __ATOMIC_RELAXED);
}

/* Sends m->dirty; false if @deadline (0: none) came first. */
static bool send_dirty(struct mig *m, uint64_t deadline)
{
	uint64_t w;

	for (w = 0; w < m->words; w++) {
		if (!m->dirty[w])
			continue;
		if (deadline && now_ns() > deadline)
			return false;
		send_chunk(m, w);
	}
	return true;
}

/* --- The destination ------------------------------------------------- */

static void destination(int ctl, uint64_t npages, bool veth)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct ctl_msg c = { .type = 'R' };
	struct chunk_hdr h;
	uint8_t *mem, *src;
	uint64_t bits, p;
	int l, fd, memfd;

	if (veth) {
		TEST_ASSERT(!unshare(CLONE_NEWNET), "unshare: %s",
			    strerror(errno));
		ctl_send(ctl, 'N', 0);
		ctl_recv(ctl, &c, 'V');
		TEST_ASSERT(!link_setup(VETH_DST, ADDR_DST), "%s", VETH_DST);
	}
	inet_pton(AF_INET, veth ? ADDR_DST : "127.0.0.1", &sa.sin_addr);
	l = socket(AF_INET, SOCK_STREAM, 0);
	TEST_ASSERT(l >= 0 && !bind(l, (void *)&sa, sizeof(sa)) &&
		    !listen(l, 1) && !getsockname(l, (void *)&sa, &len),
		    "listen: %s", strerror(errno));
	ctl_send(ctl, 'P', ntohs(sa.sin_port));
	fd = accept(l, NULL, NULL);
	TEST_ASSERT(fd >= 0, "accept: %s", strerror(errno));

	mem = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap");
	memset(&c, 0, sizeof(c));
	for (;;) {
		TEST_ASSERT(read_all(fd, &h, sizeof(h)), "stream cut");
		if (h.first == END_OF_STREAM)
			break;
		TEST_ASSERT(h.first % 64 == 0 && h.first < npages,
			    "bad chunk %lu", h.first);
		for (bits = h.mask; bits; bits &= bits - 1) {
			p = h.first + __builtin_ctzll(bits);
			TEST_ASSERT(p < npages &&
				    read_all(fd, mem + p * PG, PG),
				    "stream cut");
			c.received += PG;
		}
	}
	ctl_send(ctl, 'A', 0);

	/* The source's vCPUs are stopped: its memory is final. */
	memfd = recv_fd(ctl);
	src = mmap(NULL, npages * PG, PROT_READ, MAP_SHARED, memfd, 0);
	TEST_ASSERT(src != MAP_FAILED, "mmap memfd: %s", strerror(errno));
	c.type = 'R';
	for (p = 0; p < npages; p++) {
		if (!memcmp(mem + p * PG, src + p * PG, PG))
			continue;
		if (c.mismatched < MAX_LISTED)
			c.listed[c.mismatched] = p;
		c.mismatched++;
	}
	TEST_ASSERT(send(ctl, &c, sizeof(c), 0) == sizeof(c), "send");
	_exit(0);
}

/* Forks the destination and connects m->data and m->ctl to it. */
static void start_destination(struct mig *m, bool veth)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct ctl_msg c;
	int sv[2], r;

	TEST_ASSERT(!socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), "socketpair");
	fflush(stdout);
	m->dest = fork();
	TEST_ASSERT(m->dest >= 0, "fork");
	if (!m->dest) {
		child_of_run();
		close(sv[0]);
		destination(sv[1], m->npages, veth);
	}
	close(sv[1]);
	m->ctl = sv[0];
	if (veth) {
		ctl_recv(m->ctl, &c, 'N');
		link_del(VETH_SRC);
		r = veth_create(m->dest, true);
		TEST_ASSERT(!r, "veth: %s (insmod veth.ko?)", strerror(-r));
		TEST_ASSERT(!link_setup(VETH_SRC, ADDR_SRC), VETH_SRC);
		ctl_send(m->ctl, 'V', 0);
	}
	ctl_recv(m->ctl, &c, 'P');
	inet_pton(AF_INET, veth ? ADDR_DST : "127.0.0.1", &sa.sin_addr);
	sa.sin_port = htons(c.port);
	m->data = socket(AF_INET, SOCK_STREAM, 0);
	TEST_ASSERT(m->data >= 0 && !connect(m->data, (void *)&sa, sizeof(sa)),
		    "connect: %s", strerror(errno));
}

/* --- A run ------------------------------------------------------------ */

static void follow_start(struct mig *m)
{
	char pid[16], share[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(share, sizeof(share), "%g", o.share);
	fflush(stdout);
	m->follower = fork();
	TEST_ASSERT(m->follower >= 0, "fork");
	if (!m->follower) {
		child_of_run();
		/* Its reports would flood the log; its errors go to stderr. */
		dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO);
		execl(o.dqctl, "dqctl", "follow", pid, "--iface", VETH_SRC,
		      "--share", share, "--interval", "250ms", (char *)NULL);
		fprintf(stderr, "%s: %s\n", o.dqctl, strerror(errno));
		_exit(127);
	}
}

static void setup(struct mig *m, enum workload wl, enum mode mode,
		  enum policy pol, uint64_t link, bool dest)
{
	static const unsigned int flags[] = {
		TV_LOG, TV_LOG | TV_MANUAL, TV_LOG | TV_RING,
	};
	enum guest_kind kinds[MAX_VCPUS] = {
		WRITE_RANDOM, COMPUTE, COMPUTE, COMPUTE,
	};
	struct userspace_mem_region *region;
	uint64_t p;
	int i;

	memset(m, 0, sizeof(*m));
	m->wl = wl;
	m->mode = mode;
	m->policy = pol;
	m->link = link;
	m->limit = o.vcpu_limit ?: o.share * link / MAX_VCPUS;
	m->npages = (o.memory ?: 16 * MIB) / PG;
	m->words = (m->npages + 63) / 64;
	m->dirty = calloc(m->words, 8);
	m->log = calloc(m->words, 8);
	m->pending = calloc(m->words, 8);
	m->max_samples = (o.max_ns + 30 * SEC) / SAMPLE_NS;
	m->s = calloc(m->max_samples, sizeof(*m->s));
	pthread_mutex_init(&m->ring_lock, NULL);
	if (wl == UNIFORM)
		for (i = 1; i < MAX_VCPUS; i++)
			kinds[i] = WRITE_RANDOM;

	/* Before the VM: a fork would make its memory copy-on-write. */
	if (dest)
		start_destination(m, pol == FOLLOW || o.veth);

	/* Shared memory, so that the destination can compare with it. */
	test_vm_create(&m->t, MAX_VCPUS, m->npages / MAX_VCPUS, kinds,
		       VM_MEM_SRC_SHMEM, flags[mode]);
	region = memslot2region(m->t.vm, TEST_SLOT);
	m->mem = region->host_mem;
	m->memfd = region->fd;
	TEST_ASSERT(m->memfd >= 0 && m->mem == region->mmap_start,
		    "the test slot is not a memfd from offset 0");
	TEST_ASSERT(!dq_attach(&m->t, 0), "attach: %s", strerror(errno));
	for (i = 0; i < MAX_VCPUS; i++) {
		m->v[i] = (struct vcpu_state){ .m = m, .idx = i };
		if (mode == DIRTY_RING)
			m->v[i].ring = vcpu_map_dirty_ring(m->t.vcpu[i]);
	}

	/* Every page different from a page never sent. */
	for (p = 0; p < m->npages; p++) {
		memset(m->mem + p * PG, p * 131 + 7, PG);
		*(uint64_t *)(m->mem + p * PG + 8) = p | 0xd1d1ULL << 48;
	}
}

/* Lets the guest run for @ns, harvesting the log every 10 ms. */
static void warm_up(struct mig *m, uint64_t ns)
{
	uint64_t t0 = now_ns();

	while (now_ns() - t0 < ns) {
		sync_discard(m);
		sleep_ns(10 * MS);
	}
}

/* What each vCPU gets done per second before the migration. */
static void baseline(struct mig *m, uint64_t ns)
{
	uint64_t p0[MAX_VCPUS], t0 = now_ns(), t1;
	int i;

	for (i = 0; i < m->t.nr_vcpus; i++)
		p0[i] = READ_ONCE(m->t.progress[i]);
	warm_up(m, ns);
	t1 = now_ns();
	for (i = 0; i < m->t.nr_vcpus; i++)
		m->base_rate[i] = (READ_ONCE(m->t.progress[i]) - p0[i]) *
				  (double)SEC / (t1 - t0);
}

static void print_plot(struct mig *m)
{
	char name[64], title[160];
	double y[MAX_VCPUS + 1];
	struct sample *a, *b;
	unsigned int k;
	int i;

	snprintf(name, sizeof(name), "migration_%s", policy_names[m->policy]);
	for (i = 0; name[i]; i++)
		if (name[i] == '-')
			name[i] = '_';
	snprintf(title, sizeof(title),
		 "Migration, %s workload, %s, policy %s: dirty rates and "
		 "dirty set left", workload_names[m->wl], mode_names[m->mode],
		 policy_names[m->policy]);
	bench_plot(name, title, "seconds", "MiB/s (rates), MiB (left)",
		   "vCPU 0 (writer),vCPU 1,vCPU 2,vCPU 3,left to send");
	for (k = 2; k < m->nr_samples; k += 2) {
		a = &m->s[k - 2];
		b = &m->s[k];
		for (i = 0; i < MAX_VCPUS; i++)
			y[i] = (b->dirtied[i] - a->dirtied[i]) /
			       (double)MIB * SEC / (b->ns - a->ns);
		y[MAX_VCPUS] = b->remaining * PG / (double)MIB;
		bench_row(name, b->ns / (double)SEC, y, MAX_VCPUS + 1);
	}
}

static void migrate(struct mig *m, struct result *r)
{
	uint64_t deadline, t_stop, t_end, fresh, left, bw, t, send_ns = 0;
	uint64_t p0[MAX_VCPUS], p1[MAX_VCPUS], sent0, bytes0, n, w;
	struct chunk_hdr eos = { .first = END_OF_STREAM };
	struct iovec end = { &eos, sizeof(eos) };
	struct ctl_msg c;
	int i, status;

	for (i = 0; i < m->t.nr_vcpus; i++)
		p0[i] = READ_ONCE(m->t.progress[i]);
	m->t0 = now_ns();
	m->tb = m->t0;
	m->period_start = m->t0;
	deadline = m->t0 + o.max_ns;
	if (m->policy == DIRTYQUOTA)
		TEST_ASSERT(!dq_set(&m->t, DIRTYQUOTA_CFG_MODE |
				    DIRTYQUOTA_CFG_POOL, DIRTYQUOTA_MODE_SLEEP,
				    0, 0, 1), "SET_VM: %s", strerror(errno));
	if (m->policy == FOLLOW)
		follow_start(m);

	/* The first pass: everything, from a clean log on. */
	sync_log(m);
	memset(m->dirty, 0xff, m->words * 8);
	if (m->npages % 64)
		m->dirty[m->words - 1] = (1ULL << (m->npages % 64)) - 1;
	m->remaining = m->npages;
	pthread_create(&m->sampler, NULL, sampler_main, m);

	for (;;) {
		r->iterations++;
		t = now_ns();
		sent0 = m->sent;
		if (!send_dirty(m, deadline))
			break;
		send_ns += now_ns() - t;
		bytes0 = m->sent - sent0;
		fresh = sync_log(m);
		left = count_bits(m->dirty, m->words);
		WRITE_ONCE(m->remaining, left);
		bw = send_ns ? m->sent * SEC / send_ns : m->link;
		if (o.verbose)
			printf("#   iteration %u: sent %.1f MiB, %.1f MiB "
			       "dirty, %.1f MiB/s\n", r->iterations,
			       bytes0 / (double)MIB, left * PG / (double)MIB,
			       bw / (double)MIB);
		if (left * PG * SEC <= (double)bw * o.downtime_ns) {
			r->converged = true;
			break;
		}
		if (r->iterations >= o.max_iter || now_ns() >= deadline)
			break;
		check_progress(m, fresh);
	}

	/* Stop and copy. */
	t_stop = now_ns();
	WRITE_ONCE(m->done, true);
	if (m->throttling)
		pthread_join(m->throttler, NULL);
	stop_vcpus_m(m);
	for (i = 0; i < m->t.nr_vcpus; i++)
		p1[i] = READ_ONCE(m->t.progress[i]);
	sync_log(m);
	n = count_bits(m->dirty, m->words);
	WRITE_ONCE(m->remaining, n);
	r->final_dirty = n * PG;
	bw = send_ns ? m->sent * SEC / send_ns : m->link;
	r->downtime_est_ms = r->final_dirty * 1000.0 / bw;
	for (w = 0; o.lose && w < m->words; w++) {
		if (!m->dirty[w])
			continue;
		printf("# -X: page %lu is not sent\n",
		       w * 64 + __builtin_ctzll(m->dirty[w]));
		m->dirty[w] &= m->dirty[w] - 1;
		break;
	}
	send_dirty(m, 0);
	write_iov(m->data, &end, 1);
	ctl_recv(m->ctl, &c, 'A');
	t_end = now_ns();
	pthread_join(m->sampler, NULL);
	take_sample(m);
	if (m->follower) {
		kill(m->follower, SIGTERM);
		waitpid(m->follower, &status, 0);
		if (!WIFSIGNALED(status) &&
		    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			printf("# dqctl follow exited with %d\n",
			       WEXITSTATUS(status));
	}

	/* The destination compares. */
	send_fd(m->ctl, m->memfd);
	ctl_recv(m->ctl, &c, 'R');
	waitpid(m->dest, &status, 0);
	r->verified = !c.mismatched && c.received >= m->npages * PG;
	r->mismatched = c.mismatched;
	for (i = 0; i < (int)MIN(c.mismatched, MAX_LISTED); i++)
		printf("# LOST: page %lu (gpa 0x%llx) differs at the "
		       "destination\n", c.listed[i],
		       TEST_GPA + c.listed[i] * PG);

	r->total_s = (t_end - m->t0) / (double)SEC;
	r->downtime_ms = (t_end - t_stop) / 1e6;
	r->sent = m->sent;
	r->link = m->link;
	r->run_s = (t_stop - m->t0) / (double)SEC;
	r->throughput = send_ns ? m->sent * (double)SEC / send_ns : 0;
	for (i = 0; i < m->t.nr_vcpus; i++) {
		uint64_t d = p1[i] - p0[i];

		r->guest_work += d;
		if (m->t.kind[i] == COMPUTE) {
			r->compute_work += d;
			r->compute_rel += d / r->run_s / m->base_rate[i] / 3;
		} else {
			r->writer_work += d;
		}
	}
	if (m->policy == AUTO_CONVERGE)
		r->throttle = m->pct;
	if (m->budget_n)
		r->throttle = m->budget_sum / m->budget_n / (double)MIB;
	r->throttle_start_s = m->throttle_start ?
		(m->throttle_start - m->t0) / (double)SEC : -1;
	r->vcpu_limit = m->limit;
}

static void run_one(enum workload wl, enum mode mode, enum policy pol,
		    uint64_t link, struct result *r)
{
	struct mig *m = calloc(1, sizeof(*m));

	setup(m, wl, mode, pol, link, true);
	start_vcpus_m(m);
	warm_up(m, 300 * MS);
	baseline(m, 500 * MS);
	migrate(m, r);
	if (wl == SKEWED && !o.quick && (o.modes & (1 << DIRTY_RING) ?
	    mode == DIRTY_RING : mode == BITMAP))
		print_plot(m);
	close(m->data);
	close(m->ctl);
	test_vm_free(&m->t);
	if (pol == FOLLOW || o.veth)
		link_del(VETH_SRC);
}

/*
 * One writer next to three compute vCPUs: what it dirties per second, and
 * how fast the pages go to the destination, without a cap, meanwhile.
 */
static void calibrate(struct result *r)
{
	struct mig *m = calloc(1, sizeof(*m));
	uint64_t b0, t0, end;

	setup(m, SKEWED, BITMAP, NONE, ~0ULL / SEC, true);
	start_vcpus_m(m);
	warm_up(m, 300 * MS);
	b0 = dirtied(&m->t, 0);
	t0 = now_ns();
	warm_up(m, SEC);
	r->writer_rate = (dirtied(&m->t, 0) - b0) * SEC / (now_ns() - t0);

	t0 = now_ns();
	end = t0 + SEC;
	while (now_ns() < end) {
		memset(m->dirty, 0xff, m->words * 8);
		send_dirty(m, end);
	}
	r->max_throughput = m->sent * SEC / (now_ns() - t0);
	stop_vcpus_m(m);
	kill(m->dest, SIGKILL);
	waitpid(m->dest, NULL, 0);
	test_vm_free(&m->t);
}

/*
 * Runs @fn in a process of its own: a failed assertion ends that run only.
 * Returns its exit status (0: the run went through) and its result.
 */
static int in_child(enum workload wl, enum mode mode, enum policy pol,
		    uint64_t link, struct result *r)
{
	int fd[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	TEST_ASSERT(!pipe(fd), "pipe");
	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid) {
		close(fd[0]);
		result_fd = fd[1];
		alarm(o.max_ns / SEC + 60);	/* a hung run is a failed one */
		if (link)
			run_one(wl, mode, pol, link, r);
		else
			calibrate(r);
		TEST_ASSERT(write(fd[1], r, sizeof(*r)) == sizeof(*r), "pipe");
		fflush(stdout);
		_exit(0);
	}
	close(fd[1]);
	if (!read_all(fd[0], r, sizeof(*r)))
		memset(r, 0, sizeof(*r));
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- main ------------------------------------------------------------ */

static unsigned int parse_list(const char *arg, const char *const *names,
			       int n, const char *what)
{
	char *s = strdup(arg), *tok, *save;
	unsigned int mask = 0;
	int i;

	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && strcmp(tok, names[i]); i++)
			;
		if (i == n) {
			fprintf(stderr, "bench-migrate: unknown %s '%s'\n",
				what, tok);
			exit(2);
		}
		mask |= 1 << i;
	}
	free(s);
	return mask;
}

static void usage(void)
{
	fprintf(stderr,
"usage: bench-migrate [-q] [-v] [-m MODE,...] [-p POLICY,...] [-w WORKLOAD,...]\n"
"                     [-b MIB_S] [-f MIB_S] [-M MIB] [-d MS] [-t SECONDS]\n"
"                     [-i ITERATIONS] [-s SHARE] [-l MIB_S] [-D DQCTL] [-V]\n"
"  -m  bitmap, clear-log, dirty-ring (default: all)\n"
"  -p  none, auto-converge, dirty-limit, dirtyquota, follow (default: all)\n"
"  -w  uniform, skewed, fast-writer (default: all)\n"
"  -b  link rate (default: from a calibration)\n"
"  -f  fast-writer's link rate (default: half the link)\n"
"  -M  memory of the migrated slot (default: 2.5 s of link)\n"
"  -d  downtime target, ms (100)   -t  most seconds per run (15)\n"
"  -i  most iterations per run (100)\n"
"  -s  dirtyquota's and follow's share of the throughput (0.5)\n"
"  -l  dirty-limit's per-vCPU limit (default: share * link / 4)\n"
"  -D  dqctl for the follow policy (./dqctl)   -V  veth for every policy\n"
"  -q  quick correctness check, TAP   -v  show every iteration\n"
"  -X  lose a dirty page on purpose: the check must fail\n");
	exit(2);
}

static double num(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || v < 0)
		usage();
	return v;
}

static void parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "qvVXm:p:w:b:f:M:d:t:i:s:l:D:h")) != -1) {
		switch (c) {
		case 'X':
			o.lose = true;
			break;
		case 'q':
			o.quick = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'V':
			o.veth = true;
			break;
		case 'm':
			o.modes = parse_list(optarg, mode_names, NR_MODES,
					     "mode");
			break;
		case 'p':
			o.policies = parse_list(optarg, policy_names,
						NR_POLICIES, "policy");
			break;
		case 'w':
			o.workloads = parse_list(optarg, workload_names,
						 NR_WORKLOADS, "workload");
			break;
		case 'b':
			o.link = num(optarg) * MIB;
			break;
		case 'f':
			o.fast_link = num(optarg) * MIB;
			break;
		case 'M':
			o.memory = (uint64_t)num(optarg) * MIB;
			break;
		case 'd':
			o.downtime_ns = num(optarg) * MS;
			break;
		case 't':
			o.max_ns = num(optarg) * SEC;
			break;
		case 'i':
			o.max_iter = num(optarg);
			break;
		case 's':
			o.share = num(optarg);
			break;
		case 'l':
			o.vcpu_limit = num(optarg) * MIB;
			break;
		case 'D':
			o.dqctl = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o.share <= 0 || o.share > 1 || !o.max_iter ||
	    (o.link && o.link < 4096) || (o.fast_link && o.fast_link < 4096) ||
	    !o.max_ns)
		usage();
}

/* The quick check: one short run per mode; TAP. */
static int quick(void)
{
	struct result r;
	int mode, st, bad = 0, n = 0;
	uint64_t t;

	o.memory = 8 * MIB;
	o.max_ns = 3 * SEC;
	printf("TAP version 13\n1..%d\n", __builtin_popcount(o.modes));
	for (mode = 0; mode < NR_MODES; mode++) {
		if (!(o.modes & 1 << mode))
			continue;
		t = now_ns();
		st = in_child(UNIFORM, mode, NONE, o.link ?: 8 * MIB, &r);
		n++;
		if (!st)
			printf("# %s: %u iterations, %.1f MiB sent, %s, "
			       "%lu pages differ (%.1f s)\n", mode_names[mode],
			       r.iterations, r.sent / (double)MIB,
			       r.converged ? "converged" : "stopped at the "
			       "time limit", r.mismatched,
			       (now_ns() - t) / (double)SEC);
		printf("%sok %d migration, %s mode: every page arrives\n",
		       !st && r.verified ? "" : "not ", n, mode_names[mode]);
		bad |= st || !r.verified;
	}
	return bad;
}

/* Why the follow policy cannot run here, or NULL. */
static const char *follow_unavailable(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "%s follow --help >/dev/null 2>&1",
		 o.dqctl);
	if (access(o.dqctl, X_OK) || system(cmd))
		return "no dqctl with a follow command";
	link_del(VETH_SRC);
	if (veth_create(0, false))
		return "no veth (insmod veth.ko)";
	link_del(VETH_SRC);
	return NULL;
}

int main(int argc, char **argv)
{
	struct bench_json j;
	struct result r;
	const char *no_follow = NULL;
	uint64_t link, t;
	int wl, mode, pol, st, bad = 0;

	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (access("/dev/dirtyquota", R_OK | W_OK)) {
		printf("# bench-migrate: /dev/dirtyquota: %s\n",
		       strerror(errno));
		return KSFT_SKIP;
	}
	/* The sandbox's init leaves the loopback down. */
	link_setup("lo", NULL);
	if (o.quick)
		return quick();

	if (!o.link || !o.fast_link) {
		st = in_child(SKEWED, BITMAP, NONE, 0, &r);
		TEST_ASSERT(!st && r.writer_rate && r.max_throughput,
			    "calibration failed");
		o.writer_rate = r.writer_rate;
		o.throughput = r.max_throughput;
		printf("# migrate: one writer dirties %.1f MiB/s, pages go "
		       "at %.1f MiB/s\n", r.writer_rate / (double)MIB,
		       r.max_throughput / (double)MIB);
		/* A link slower than the sender and than the writer. */
		if (!o.link)
			o.link = MAX(MIN(r.writer_rate / 2,
					 r.max_throughput * 6 / 10), MIB / 4);
		if (!o.fast_link)
			o.fast_link = o.link / 2;
	}
	/* The first pass takes 2.5 s. */
	if (!o.memory)
		o.memory = MAX(MIN(o.link * 5 / 2 / MIB, 64), 8) * MIB;
	if (o.policies & 1 << FOLLOW)
		no_follow = follow_unavailable();

	bj_begin(&j);
	bj_u64(&j, "memory_bytes", o.memory);
	bj_u64(&j, "link_bytes_per_s", o.link);
	bj_u64(&j, "fast_writer_link_bytes_per_s", o.fast_link);
	bj_u64(&j, "writer_bytes_per_s", o.writer_rate);
	bj_u64(&j, "uncapped_bytes_per_s", o.throughput);
	bj_num(&j, "downtime_target_ms", o.downtime_ns / 1e6);
	bj_num(&j, "max_s", o.max_ns / (double)SEC);
	bj_num(&j, "share", o.share);
	bj_arr(&j, "runs");
	for (wl = 0; wl < NR_WORKLOADS; wl++) {
		if (!(o.workloads & 1 << wl))
			continue;
		link = wl == FAST_WRITER ? o.fast_link : o.link;
		for (mode = 0; mode < NR_MODES; mode++) {
			if (!(o.modes & 1 << mode))
				continue;
			for (pol = 0; pol < NR_POLICIES; pol++) {
				if (!(o.policies & 1 << pol))
					continue;
				bj_obj(&j, NULL);
				bj_str(&j, "workload", workload_names[wl]);
				bj_str(&j, "mode", mode_names[mode]);
				bj_str(&j, "policy", policy_names[pol]);
				if (pol == DIRTY_LIMIT && mode != DIRTY_RING) {
					bj_str(&j, "skipped",
					       "dirty-limit needs the dirty ring");
					bj_close(&j);
					continue;
				}
				if (pol == FOLLOW && no_follow) {
					bj_str(&j, "skipped", no_follow);
					bj_close(&j);
					continue;
				}
				t = now_ns();
				st = in_child(wl, mode, pol, link, &r);
				t = now_ns() - t;
				if (st) {
					printf("# migrate: %s %s %s: the run "
					       "failed (status %d)\n",
					       workload_names[wl],
					       mode_names[mode],
					       policy_names[pol], st);
					bj_str(&j, "error", "the run failed");
					bj_close(&j);
					bad = 1;
					continue;
				}
				bad |= !r.verified;
				printf("# migrate: %-11s %-10s %-13s %s in "
				       "%5.1f s, %3u iterations, final %5.1f "
				       "MiB (%4.0f ms), %6.1f MiB sent, compute "
				       "%.2f, %s (%.0f s)\n", workload_names[wl],
				       mode_names[mode], policy_names[pol],
				       r.converged ? "converged" : "FORCED   ",
				       r.total_s, r.iterations,
				       r.final_dirty / (double)MIB,
				       r.downtime_est_ms, r.sent / (double)MIB,
				       r.compute_rel,
				       r.verified ? "verified" : "PAGES LOST",
				       t / (double)SEC);
				bj_u64(&j, "link_bytes_per_s", r.link);
				bj_bool(&j, "converged", r.converged);
				bj_num(&j, "total_s", r.total_s);
				bj_u64(&j, "iterations", r.iterations);
				bj_u64(&j, "final_dirty_bytes", r.final_dirty);
				bj_num(&j, "downtime_ms_est", r.downtime_est_ms);
				bj_num(&j, "downtime_ms", r.downtime_ms);
				bj_u64(&j, "bytes_sent", r.sent);
				bj_u64(&j, "guest_work", r.guest_work);
				bj_u64(&j, "compute_work", r.compute_work);
				bj_u64(&j, "writer_work", r.writer_work);
				if (wl == UNIFORM)
					bj_null(&j, "compute_rel");
				else
					bj_num(&j, "compute_rel",
					       r.compute_rel);
				bj_num(&j, "throughput_bytes_per_s",
				       r.throughput);
				bj_num(&j, "guest_work_per_s",
				       r.guest_work / r.run_s);
				bj_num(&j, "compute_work_per_s",
				       r.compute_work / r.run_s);
				bj_num(&j, "writer_work_per_s",
				       r.writer_work / r.run_s);
				if (pol == AUTO_CONVERGE)
					bj_num(&j, "throttle_pct", r.throttle);
				if (pol == DIRTY_LIMIT)
					bj_u64(&j, "vcpu_limit_bytes_per_s",
					       r.vcpu_limit);
				if (pol == AUTO_CONVERGE || pol == DIRTY_LIMIT) {
					if (r.throttle_start_s < 0)
						bj_null(&j, "throttle_start_s");
					else
						bj_num(&j, "throttle_start_s",
						       r.throttle_start_s);
				}
				if (pol == DIRTYQUOTA || pol == FOLLOW)
					bj_num(&j, "budget_mib_s", r.throttle);
				bj_bool(&j, "verified", r.verified);
				bj_u64(&j, "mismatched_pages", r.mismatched);
				bj_close(&j);
			}
		}
	}
	bench_result("migration", &j);
	return bad;
}
