// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, figure 3: what slowing down one heavy writer costs the vCPUs
 * that only compute.
 *
 * Four vCPUs: vCPU 0 writes pages of its range in a scattered order as
 * fast as it can, vCPUs 1-3 only count loop iterations (their progress).
 * The host harvests the dirty log every few milliseconds, so the writer's
 * writes keep being recorded, and counts the pages of each vCPU's range.
 *
 *   phase 0	unthrottled: every vCPU's progress rate, the writer's dirty
 *		rate; the target is a fraction of that rate
 *   (a)	auto-converge, as QEMU does it: every 10 ms / (1 - pct) each
 *		vCPU is kicked out of KVM_RUN and sleeps pct / (1 - pct) *
 *		10 ms; pct starts at 20 and grows by 10 (up to 99) every
 *		step while the writer is above the target; then a steady
 *		window at that pct
 *   (b)	dirtyquota sleep mode, VM budget = the target, pool on: the
 *		same window
 *
 * with an unthrottled window after each policy.  The emulator's speed
 * drifts with the host's load, so a policy's progress is reported relative
 * to the mean of the unthrottled windows just before and after it; the
 * time series are relative to phase 0.  The sandbox runs the four
 * vCPUs on two emulated CPUs, so they share CPU time: a vCPU that sleeps
 * leaves more to the others, and progress can exceed 100%.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dq_util.h"
#include "test_util.h"

#define NR	4
#define SLICE_NS	(10 * MS)	/* QEMU's CPU_THROTTLE_TIMESLICE_NS */

struct sample {
	double t, rate[NR], prog[NR], pct;
};

struct rates {
	double dirty[NR];	/* bytes per second */
	double prog[NR];	/* guest progress per second */
};

static struct test_vm t;
static pthread_t threads[NR], kicker;
static int throttle_pct, kick[NR], stopping;
static uint64_t logged[NR], harvest_us = 2000, sample_ns = 250 * MS;
static uint64_t start_ns, interval_ms;
static struct sample *samples;
static int nr_samples, cap_samples;

static void on_signal(int sig)
{
}

static void sleep_until(uint64_t end)
{
	struct timespec ts = {
		.tv_sec = end / 1000000000ULL, .tv_nsec = end % 1000000000ULL,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * A vCPU thread that, when kicked, sleeps its share of the timeslice the
 * way QEMU's cpu_throttle_thread() does, before it enters the guest again.
 */
static void *vcpu_thread(void *data)
{
	int i = (long)data, r, pct;
	struct kvm_vcpu *vcpu = t.vcpu[i];

	for (;;) {
		__atomic_store_n(&vcpu->run->immediate_exit, 0,
				 __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&stopping, __ATOMIC_SEQ_CST))
			break;
		while (__atomic_load_n(&kick[i], __ATOMIC_SEQ_CST)) {
			pct = __atomic_load_n(&throttle_pct, __ATOMIC_SEQ_CST);
			if (pct)
				sleep_until(now_ns() + SLICE_NS * pct /
					    (100 - pct));
			__atomic_fetch_sub(&kick[i], 1, __ATOMIC_SEQ_CST);
		}
		r = ioctl(vcpu->fd, KVM_RUN, NULL);
		if (r && errno == EINTR)
			continue;
		TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
		TEST_ASSERT(vcpu->run->exit_reason == KVM_EXIT_INTR,
			    "vCPU %d: exit reason %u", i,
			    vcpu->run->exit_reason);
	}
	return NULL;
}

/*
 * QEMU's cpu_throttle_timer_tick(): every vCPU is to sleep once per tick.
 * QEMU drops a tick that finds a vCPU still asleep, which on hardware
 * hardly happens; here the emulator can be late to run a kicked vCPU
 * thread by several milliseconds, so one such tick is kept for later, or
 * the vCPU would run unthrottled for a whole period.
 */
static void *kicker_thread(void *data)
{
	int i, pct, old;

	while (!__atomic_load_n(&stopping, __ATOMIC_SEQ_CST)) {
		pct = __atomic_load_n(&throttle_pct, __ATOMIC_SEQ_CST);
		if (!pct) {
			usleep(SLICE_NS / 1000);
			continue;
		}
		for (i = 0; i < NR; i++) {
			old = __atomic_load_n(&kick[i], __ATOMIC_SEQ_CST);
			do {
				if (old >= 2)
					break;
			} while (!__atomic_compare_exchange_n(&kick[i], &old,
							      old + 1, false,
							      __ATOMIC_SEQ_CST,
							      __ATOMIC_SEQ_CST));
			if (old)
				continue;
			__atomic_store_n(&t.vcpu[i]->run->immediate_exit, 1,
					 __ATOMIC_SEQ_CST);
			pthread_kill(threads[i], SIGUSR1);
		}
		sleep_until(now_ns() + SLICE_NS * 100 / (100 - pct));
	}
	return NULL;
}

static void harvest(void)
{
	uint64_t i, n, w, per = t.pages / 64;

	kvm_vm_get_dirty_log(t.vm, TEST_SLOT, t.bitmap);
	for (i = 0; i < NR; i++) {
		for (n = 0, w = i * per; w < (i + 1) * per; w++)
			n += __builtin_popcountll(t.bitmap[w]);
		logged[i] += n;
	}
}

struct snap {
	uint64_t ns, logged[NR], prog[NR];
};

static void take(struct snap *s)
{
	int i;

	harvest();
	s->ns = now_ns();
	for (i = 0; i < NR; i++) {
		s->logged[i] = logged[i];
		s->prog[i] = READ_ONCE(t.progress[i]);
	}
}

static void rates_between(const struct snap *a, const struct snap *b,
			  struct rates *r)
{
	double sec = (b->ns - a->ns) / 1e9;
	int i;

	for (i = 0; i < NR; i++) {
		r->dirty[i] = (b->logged[i] - a->logged[i]) * PG / sec;
		r->prog[i] = (b->prog[i] - a->prog[i]) / sec;
	}
}

static void record(const struct snap *a, const struct snap *b)
{
	struct sample *s;
	struct rates r;
	int i;

	if (nr_samples == cap_samples) {
		cap_samples = cap_samples * 2 + 64;
		samples = realloc(samples, cap_samples * sizeof(*samples));
		TEST_ASSERT(samples, "out of memory");
	}
	s = &samples[nr_samples++];
	rates_between(a, b, &r);
	s->t = (b->ns - start_ns) / 1e9;
	for (i = 0; i < NR; i++) {
		s->rate[i] = r.dirty[i] / MIB;
		s->prog[i] = r.prog[i];
	}
	s->pct = __atomic_load_n(&throttle_pct, __ATOMIC_SEQ_CST);
}

/*
 * Harvests for @ns, recording a sample every sample_ns; @r (if not NULL)
 * gets the rates over the whole time.
 */
static void run_for(uint64_t ns, struct rates *r)
{
	uint64_t end = now_ns() + ns;
	struct snap first, last, cur;

	take(&first);
	last = first;
	while (now_ns() + harvest_us * 1000 < end) {
		usleep(harvest_us);
		harvest();
		if (now_ns() - last.ns >= sample_ns) {
			take(&cur);
			record(&last, &cur);
			last = cur;
		}
	}
	take(&cur);
	if (cur.ns - last.ns >= sample_ns / 2)
		record(&last, &cur);
	if (r)
		rates_between(&first, &cur, r);
}

static void report(const char *name, const struct rates *r, const double *p0,
		   double *pct, double *min)
{
	int i;

	*min = 1e300;
	printf("bench-fairness: %-14s writer %7.2f MiB/s, progress", name,
	       r->dirty[0] / MIB);
	for (i = 0; i < NR; i++) {
		pct[i] = r->prog[i] * 100 / p0[i];
		if (i && pct[i] < *min)
			*min = pct[i];
		printf(" %6.1f%%", pct[i]);
	}
	printf(" (vCPU 0-3)\n");
}

static void policy_json(struct bench_json *j, const char *name, int pct,
			const struct rates *r, const double *prog, double min)
{
	int i;

	bj_obj(j, NULL);
	bj_str(j, "name", name);
	if (pct >= 0)
		bj_num(j, "throttle_pct", pct);
	bj_num(j, "writer_rate", r->dirty[0]);
	bj_num(j, "writer_progress_pct", prog[0]);
	bj_arr(j, "compute_progress_pct");
	for (i = 1; i < NR; i++)
		bj_num(j, NULL, prog[i]);
	bj_close(j);
	bj_num(j, "min_compute_progress_pct", min);
	bj_close(j);
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: bench-fairness [-q] [-f FRACTION] [-m SECONDS] [-S SECONDS] [-s SECONDS]\n"
		"                      [-p PAGES] [-i MS] [-r MS] [-H US]\n"
		"  -q            quick: 0.5 s windows, 0.25 s steps and settling\n"
		"  -f FRACTION   the writer's target, of its unthrottled rate (default 0.25)\n"
		"  -m SECONDS    measured window of each phase (default 5)\n"
		"  -S SECONDS    auto-converge step (default 1)\n"
		"  -s SECONDS    settling time between phases (default 1)\n"
		"  -p PAGES      pages of each vCPU's range (default 4096)\n"
		"  -i MS         dirtyquota's interval (default: the module's, 10 ms)\n"
		"  -r MS         plot sample period (default 250)\n"
		"  -H US         harvest the dirty log every US microseconds (default 2000)\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const enum guest_kind kinds[NR] = {
		WRITE_RANDOM, COMPUTE, COMPUTE, COMPUTE,
	};
	double frac = 0.25, win_s = 5, step_s = 1, settle_s = 1, target;
	double p0[NR], ref_ac[NR], ref_dq[NR], y[NR + 1];
	double ac_prog[NR], dq_prog[NR], u_prog[3][NR], ac_min, dq_min, min;
	struct rates u[3], step, ac, dq;
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t pages = 4096;
	struct bench_json j;
	int opt, i, k, pct;

	while ((opt = getopt(argc, argv, "qf:m:S:s:p:i:r:H:h")) != -1) {
		switch (opt) {
		case 'q':
			win_s = 0.5;
			step_s = 0.25;
			settle_s = 0.25;
			break;
		case 'f':
			frac = atof(optarg);
			break;
		case 'm':
			win_s = atof(optarg);
			break;
		case 'S':
			step_s = atof(optarg);
			break;
		case 's':
			settle_s = atof(optarg);
			break;
		case 'p':
			pages = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			interval_ms = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			sample_ns = strtoull(optarg, NULL, 0) * MS;
			break;
		case 'H':
			harvest_us = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (frac <= 0 || frac >= 1 || win_s <= 0 || step_s <= 0 ||
	    settle_s < 0 || pages < 64 || pages % 64 || !sample_ns ||
	    harvest_us < 100 || optind < argc)
		usage(1);

	test_vm_create(&t, NR, pages, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	TEST_ASSERT(!dq_attach(&t, 0), "attach: %s", strerror(errno));
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < NR; i++)
		pthread_create(&threads[i], NULL, vcpu_thread, (void *)(long)i);
	pthread_create(&kicker, NULL, kicker_thread, NULL);
	start_ns = now_ns();

	/* Phase 0; its first second also maps the writer's pages. */
	run_for((settle_s + 1) * 1e9, NULL);
	run_for(win_s * 1e9, &u[0]);
	for (i = 0; i < NR; i++)
		TEST_ASSERT(u[0].prog[i] > 0, "vCPU %d made no progress", i);
	TEST_ASSERT(u[0].dirty[0] > 0, "the writer dirtied nothing");
	target = u[0].dirty[0] * frac;
	printf("bench-fairness: unthrottled writer %.2f MiB/s, target %.2f "
	       "MiB/s\n", u[0].dirty[0] / MIB, target / MIB);

	/* (a) auto-converge */
	for (pct = 20;; pct = pct + 10 > 99 ? 99 : pct + 10) {
		__atomic_store_n(&throttle_pct, pct, __ATOMIC_SEQ_CST);
		run_for(step_s * 1e9, &step);
		printf("bench-fairness: auto-converge %2d%%: writer %.2f MiB/s\n",
		       pct, step.dirty[0] / MIB);
		if (step.dirty[0] <= target || pct == 99)
			break;
	}
	run_for(win_s * 1e9, &ac);
	__atomic_store_n(&throttle_pct, 0, __ATOMIC_SEQ_CST);
	run_for(settle_s * 1e9, NULL);
	run_for(win_s * 1e9, &u[1]);

	/* (b) dirtyquota */
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE | DIRTYQUOTA_CFG_BUDGET |
			    DIRTYQUOTA_CFG_POOL |
			    (interval_ms ? DIRTYQUOTA_CFG_INTERVAL : 0),
			    DIRTYQUOTA_MODE_SLEEP, (uint64_t)target,
			    interval_ms * MS, 1),
		    "sleep mode: %s", strerror(errno));
	run_for(settle_s * 1e9, NULL);
	run_for(win_s * 1e9, &dq);
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_OBSERVE,
			    0, 0, 0), "observe mode: %s", strerror(errno));
	run_for(settle_s * 1e9, NULL);
	run_for(win_s * 1e9, &u[2]);

	__atomic_store_n(&stopping, 1, __ATOMIC_SEQ_CST);
	pthread_join(kicker, NULL);
	for (i = 0; i < NR; i++) {
		t.vcpu[i]->run->immediate_exit = 1;
		pthread_kill(threads[i], SIGUSR1);
	}
	for (i = 0; i < NR; i++)
		pthread_join(threads[i], NULL);
	for (i = 1; i < NR; i++)
		TEST_ASSERT(!dirtied(&t, i), "compute vCPU %d dirtied memory",
			    i);
	test_vm_free(&t);

	/*
	 * The emulator's speed drifts (the host is shared): each policy is
	 * compared with the unthrottled windows just before and after it.
	 */
	for (i = 0; i < NR; i++) {
		p0[i] = u[0].prog[i];
		ref_ac[i] = (u[0].prog[i] + u[1].prog[i]) / 2;
		ref_dq[i] = (u[1].prog[i] + u[2].prog[i]) / 2;
	}
	report("unthrottled", &u[0], p0, u_prog[0], &min);
	report("auto-converge", &ac, ref_ac, ac_prog, &ac_min);
	report("unthrottled", &u[1], p0, u_prog[1], &min);
	report("dirtyquota", &dq, ref_dq, dq_prog, &dq_min);
	report("unthrottled", &u[2], p0, u_prog[2], &min);
	printf("bench-fairness: policies vs the unthrottled windows around "
	       "them, unthrottled vs the first; 4 vCPUs share 2 CPUs\n");

	bench_plot("fairness_rate", "Dirty rate per vCPU: unthrottled, "
		   "auto-converge, unthrottled, dirtyquota, unthrottled",
		   "time (s)", "MiB/s", "vCPU 0 (writer),vCPU 1,vCPU 2,vCPU 3");
	for (i = 0; i < nr_samples; i++)
		bench_row("fairness_rate", samples[i].t, samples[i].rate, NR);
	bench_plot("fairness_progress", "Guest progress vs the first "
		   "unthrottled window: auto-converge, then dirtyquota",
		   "time (s)", "% of phase 0",
		   "vCPU 0 (writer),vCPU 1,vCPU 2,vCPU 3,auto-converge throttle %");
	for (i = 0; i < nr_samples; i++) {
		for (k = 0; k < NR; k++)
			y[k] = samples[i].prog[k] * 100 / p0[k];
		y[NR] = samples[i].pct;
		bench_row("fairness_progress", samples[i].t, y, NR + 1);
	}

	bj_begin(&j);
	bj_num(&j, "writer_unthrottled", u[0].dirty[0]);
	bj_num(&j, "writer_target", target);
	bj_num(&j, "target_fraction", frac);
	bj_num(&j, "window_s", win_s);
	bj_str(&j, "reference",
	       "progress vs the mean of the unthrottled windows before and after the policy");
	bj_arr(&j, "policies");
	policy_json(&j, "auto-converge", pct, &ac, ac_prog, ac_min);
	policy_json(&j, "dirtyquota", -1, &dq, dq_prog, dq_min);
	bj_close(&j);
	bj_arr(&j, "unthrottled");
	for (k = 0; k < 3; k++) {
		bj_obj(&j, NULL);
		bj_num(&j, "writer_rate", u[k].dirty[0]);
		bj_arr(&j, "compute_progress_vs_first_pct");
		for (i = 1; i < NR; i++)
			bj_num(&j, NULL, u_prog[k][i]);
		bj_close(&j);
		bj_close(&j);
	}
	bj_close(&j);
	bj_str(&j, "target", ">= 98% with dirtyquota");
	bj_str(&j, "anchor",
	       "QEMU: CPU benchmark kept 99.96% under dirty-limit and 77% under auto-converge");
	bench_result("fairness", &j);
	return 0;
}
