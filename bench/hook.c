// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, figure 1: what dirtyquota's hook costs on the dirty-logging
 * write path.
 *
 * One vCPU writes every page of a logged memslot once per round and
 * reports the end of the round; between rounds the host harvests the log
 * with KVM_GET_DIRTY_LOG, which write-protects the pages again, so that
 * every write of the next round faults and is recorded.  The time KVM_RUN
 * takes for a round, over its pages, is the cost of a dirtied page.  It is
 * measured under four module configurations:
 *
 *   stock	Debian's own kvm.ko and kvm-amd.ko
 *   patched	the patched modules with no dirty provider
 *   observe	patched, dirtyquota.ko loaded, the VM attached (observe mode)
 *   enforce	patched, dirtyquota in sleep mode with a budget never reached
 *
 * taken in turn for several repetitions, each starting one configuration
 * later (stock patched observe enforce, patched observe enforce stock,
 * ...), so that a drift of the emulator, and whatever loading modules
 * leaves behind, hits them all alike.
 *
 * The host preempts the emulator now and then, and a round it hit takes
 * longer; no round takes less than the path costs.  So the rounds are
 * short (a few milliseconds), many, and each repetition is summed up by
 * the 10th percentile of its rounds; the figure of a configuration is the
 * median of that over the repetitions, with their minimum and maximum.
 *
 * That end-to-end figure cannot resolve a few nanoseconds: a dirtied page
 * costs tens of microseconds of nested write fault here, and repetitions
 * vary by percents.  But the core patch adds to one function of the path
 * only, mark_page_dirty_in_slot(), so the same child then times that
 * function alone through dq_hookbench.ko (bench/kmod), which calls it in a
 * loop with the vCPU loaded, as in a fault, for @batches batches of the
 * round's pages, each after clearing their dirty bits.  Its 10th
 * percentile per repetition gives "call" ns per page; the hook's cost per
 * page is the paired difference of that from stock (or from patched),
 * and what it adds to a dirtied page is that difference over the base's
 * end-to-end cost per page, the lowest of its repetitions (so the share
 * is not understated when the emulator is slow).
 *
 * The program swaps the modules itself and leaves them as the run list
 * left them: the patched modules and dirtyquota loaded.  Each measurement
 * runs in a child process, so that a failed one cannot keep a VM (and
 * with it kvm.ko) alive while the modules are put back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "dq_util.h"
#include "kmod/dq_hookbench.h"
#include "processor.h"
#include "test_util.h"

#ifdef VM_SHAPE_DEFAULT
#define HOOK_VM_DEFAULT	VM_SHAPE_DEFAULT
#else
#define HOOK_VM_DEFAULT	VM_MODE_DEFAULT
#endif

#define MAX_REPS	64
#define MAX_ROUNDS	4096
#define MAX_BATCHES	DQ_HOOKBENCH_MAX_BATCHES
/* "Never reached": 1 TiB/s, 10 GiB per 10 ms interval. */
#define HUGE_BUDGET	(1ULL << 40)

enum mods { MODS_STOCK, MODS_PATCHED, MODS_DQ };

static const struct config {
	const char *name;
	enum mods mods;
	bool attach, sleep;
} configs[] = {
	{ "stock", MODS_STOCK },
	{ "patched", MODS_PATCHED },
	{ "observe", MODS_DQ, true, false },
	{ "enforce", MODS_DQ, true, true },
};

#define NR_CONFIGS	((int)ARRAY_SIZE(configs))

/* What a child reports back, in shared memory: ns per page of its rounds. */
struct measurement {
	double low;			/* the 10th percentile */
	double median, best;
	double call;			/* dq_hookbench: its 10th percentile */
	uint64_t expected, counted;	/* bytes, module stats */
	uint64_t stops;
};

static const char *stock_dir = "/tests/stock";
static const char *mod_dir = "/modules";
static const char *hookbench_ko = "/tests/dq_hookbench.ko";
static enum mods loaded = MODS_DQ;
static bool hookbench, hookbench_loaded;
static int batches = 2000;

static pid_t parent;

static bool sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	if (r)
		fprintf(stderr, "bench-hook: '%s' failed (status %d)\n", cmd, r);
	return !r;
}

/* Unloads and loads modules until @want is what runs. */
static bool load_kvm(enum mods want)
{
	const char *dir;

	if (loaded == want)
		return true;
	if (loaded == MODS_DQ) {
		if (!sh("rmmod dirtyquota"))
			return false;
		loaded = MODS_PATCHED;
	}
	if ((loaded == MODS_STOCK) != (want == MODS_STOCK)) {
		dir = want == MODS_STOCK ? stock_dir : mod_dir;
		if (!sh("rmmod kvm_amd && rmmod kvm") ||
		    !sh("insmod %s/kvm.ko && insmod %s/kvm-amd.ko", dir, dir))
			return false;
		loaded = want == MODS_STOCK ? MODS_STOCK : MODS_PATCHED;
	}
	if (want == MODS_DQ) {
		if (!sh("insmod %s/dirtyquota.ko", mod_dir))
			return false;
		loaded = MODS_DQ;
	}
	return true;
}

/*
 * dq_hookbench.ko imports KVM's symbols: out while KVM is swapped, in
 * again (@in) next to whichever KVM then runs.
 */
static bool load_hookbench(bool in)
{
	if (!hookbench || hookbench_loaded == in)
		return true;
	if (in ? !sh("insmod %s", hookbench_ko) : !sh("rmmod dq_hookbench"))
		return false;
	hookbench_loaded = in;
	return true;
}

static bool load(enum mods want, bool with_hookbench)
{
	if (loaded != want && !load_hookbench(false))
		return false;
	return load_kvm(want) && load_hookbench(with_hookbench);
}

/* At exit, also a failed one: what the run list expects to find. */
static void restore(void)
{
	if (getpid() == parent && !load(MODS_DQ, false))
		fprintf(stderr, "bench-hook: could not load the patched modules "
			"and dirtyquota again\n");
}

static void guest_code(uint64_t pages)
{
	volatile uint64_t *p = (void *)TEST_GVA;
	uint64_t i, round;

	for (round = 1;; round++) {
		for (i = 0; i < pages; i++)
			p[i * PG / 8] = round;
		GUEST_SYNC(round);
	}
}

/* One round: every page written once.  Returns the time in KVM_RUN. */
static uint64_t run_round(struct kvm_vcpu *vcpu)
{
	struct ucall uc;
	uint64_t t0 = now_ns(), ns;

	vcpu_run(vcpu);
	ns = now_ns() - t0;
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_SYNC,
		    "guest: exit reason %u, ucall %lu", vcpu->run->exit_reason,
		    uc.cmd);
	return ns;
}

/* Harvests the log; every page must have been recorded. */
static void harvest_all(struct kvm_vm *vm, unsigned long *log, uint64_t pages)
{
	uint64_t i, n = 0;

	kvm_vm_get_dirty_log(vm, TEST_SLOT, log);
	for (i = 0; i < (pages + 63) / 64; i++)
		n += __builtin_popcountll(log[i]);
	TEST_ASSERT(n == pages, "the log holds %lu of the %lu pages written",
		    n, pages);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A distribution-free confidence interval of the median of @n sorted
 * values: [v[j - 1], v[n - j]] for the largest j with P(B < j) <= 2.5%,
 * B ~ Binomial(n, 1/2), which covers the median with probability
 * 1 - 2 P(B < j) >= 95% (96.5% for n = 15).  Returns that coverage, or
 * 0 when n is too small for one (n < 6).
 */
static double median_ci(const double *v, int n, double *lo, double *hi)
{
	double p = 1, below = 0, c = 1;
	int j = 0;

	for (int k = 0; k < n; k++)
		p /= 2;

	/* below = P(B <= j - 1) = sum over i < j of C(n, i) / 2^n */
	while (below + c * p <= 0.025) {
		below += c * p;
		c = c * (n - j) / (j + 1);
		j++;
	}
	if (!j)
		return 0;
	*lo = v[j - 1];
	*hi = v[n - j];
	return 1 - 2 * below;
}

/*
 * Configuration @i against @b, paired by repetition (both measured in
 * the same one, next to each other): the median of the ratios and its
 * confidence interval; prints it and adds it to @j.
 */
static void paired_ratio(struct bench_json *j, const char *key,
			 struct measurement res[][MAX_REPS], int reps, int i,
			 int b)
{
	double r[MAX_REPS], m, lo = 0, hi = 0, cover;
	int k;

	for (k = 0; k < reps; k++)
		r[k] = res[i][k].low / res[b][k].low;
	m = median(r, reps);
	cover = median_ci(r, reps, &lo, &hi);
	printf("  %-8s vs %-8s %8.4f", configs[i].name, configs[b].name, m);
	if (cover)
		printf("  [%.4f, %.4f], %.1f%% confidence, +-%.2f%%\n", lo, hi,
		       100 * cover, 50 * (hi - lo) / m);
	else
		printf("  (too few repetitions for an interval)\n");
	bj_obj(j, key);
	bj_num(j, "median", m);
	if (cover) {
		bj_num(j, "low", lo);
		bj_num(j, "high", hi);
		bj_num(j, "confidence", cover);
		bj_bool(j, "within_half_percent", (hi - lo) / 2 <= 0.005 * m);
	}
	bj_close(j);
}

/* mark_page_dirty_in_slot() alone: ns per page, the 10th percentile. */
static double measure_call(struct kvm_vm *vm, uint64_t pages)
{
	/* Not static: the test library loads the program's image, bss too,
	 * into the guest's memory.
	 */
	uint64_t *ns = calloc(batches, sizeof(*ns));
	double *v = calloc(batches, sizeof(*v)), low;
	struct dq_hookbench_run run = {
		.vm_fd = vm->fd, .gpa = TEST_GPA, .pages = pages,
		.batches = batches, .ns = (uintptr_t)ns,
	};
	int fd, i;

	TEST_ASSERT(ns && v, "out of memory");
	fd = open("/dev/dq_hookbench", O_RDWR);
	TEST_ASSERT(fd >= 0, "open /dev/dq_hookbench: %s", strerror(errno));
	TEST_ASSERT(!ioctl(fd, DQ_HOOKBENCH_RUN, &run),
		    "DQ_HOOKBENCH_RUN: %s", strerror(errno));
	close(fd);
	for (i = 0; i < batches; i++)
		v[i] = (double)ns[i] / pages;
	median(v, batches);
	low = v[batches / 10];
	free(ns);
	free(v);
	return low;
}

/*
 * What configuration @i adds to a page over @b, from dq_hookbench, paired
 * by repetition: the median of the differences of "call" ns per page and
 * its interval, and the same over @page_ns, @b's cheapest dirtied page
 * end to end; prints them and adds them to @j.
 */
static void paired_call(struct bench_json *j, const char *key,
			struct measurement res[][MAX_REPS], int reps, int i,
			int b, double page_ns)
{
	double d[MAX_REPS], m, lo = 0, hi = 0, cover;
	int k;

	for (k = 0; k < reps; k++)
		d[k] = res[i][k].call - res[b][k].call;
	m = median(d, reps);
	cover = median_ci(d, reps, &lo, &hi);
	printf("  %-8s vs %-8s %+8.1f ns/page = %+.4f%% of a dirtied page",
	       configs[i].name, configs[b].name, m, 100 * m / page_ns);
	if (cover)
		printf("  [%+.4f%%, %+.4f%%], %.1f%% confidence\n",
		       100 * lo / page_ns, 100 * hi / page_ns, 100 * cover);
	else
		printf("  (too few repetitions for an interval)\n");
	bj_obj(j, key);
	bj_num(j, "ns_per_page", m);
	bj_num(j, "page_ns", page_ns);
	bj_num(j, "fraction_of_page", m / page_ns);
	if (cover) {
		bj_num(j, "ns_low", lo);
		bj_num(j, "ns_high", hi);
		bj_num(j, "fraction_low", lo / page_ns);
		bj_num(j, "fraction_high", hi / page_ns);
		bj_num(j, "confidence", cover);
		bj_bool(j, "within_half_percent",
			(hi - lo) / 2 <= 0.005 * page_ns);
	}
	bj_close(j);
}

/*
 * The child's work: a VM, @warmup rounds that map the pages and start the
 * protect-and-fault cycle, then @rounds timed rounds; then the call alone.
 */
static void measure(const struct config *c, uint64_t pages, int warmup,
		    int rounds, struct measurement *m)
{
	struct dirtyquota_vcpu_stats e[1];
	double v[MAX_ROUNDS];
	struct kvm_vcpu *vcpu;
	struct test_vm t;
	unsigned long *log;
	uint64_t b0 = 0;
	int i;

	/* Only the fields dq_attach() and dq_stats() use. */
	memset(&t, 0, sizeof(t));
	t.dq = -1;
	t.vm = __vm_create(HOOK_VM_DEFAULT, 1, pages);
	vcpu = vm_vcpu_add(t.vm, 0, guest_code);
	vm_userspace_mem_region_add(t.vm, VM_MEM_SRC_ANONYMOUS, TEST_GPA,
				    TEST_SLOT, pages, KVM_MEM_LOG_DIRTY_PAGES);
	virt_map(t.vm, TEST_GVA, TEST_GPA, pages);
	vcpu_args_set(vcpu, 1, pages);
	log = calloc(pages / 8 + 8, 1);
	TEST_ASSERT(log, "out of memory");

	if (c->attach) {
		t.dq = open("/dev/dirtyquota", O_RDWR);
		TEST_ASSERT(t.dq >= 0, "open /dev/dirtyquota: %s",
			    strerror(errno));
		TEST_ASSERT(!dq_attach(&t, 0), "attach: %s", strerror(errno));
	}
	if (c->sleep)
		TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE |
				    DIRTYQUOTA_CFG_BUDGET, DIRTYQUOTA_MODE_SLEEP,
				    HUGE_BUDGET, 0, 0),
			    "sleep mode: %s", strerror(errno));

	for (i = 0; i < warmup; i++) {
		run_round(vcpu);
		harvest_all(t.vm, log, pages);
	}
	if (c->attach)
		b0 = dq_stats(&t, e, 1).bytes_dirtied;
	for (i = 0; i < rounds; i++) {
		v[i] = (double)run_round(vcpu) / pages;
		harvest_all(t.vm, log, pages);
	}
	m->median = median(v, rounds);
	m->best = v[0];
	m->low = v[rounds / 10];
	m->expected = rounds * pages * PG;
	if (c->attach) {
		m->counted = dq_stats(&t, e, 1).bytes_dirtied - b0;
		m->stops = e[0].stops;
	}
	/* After the counts: the module counts these pages too. */
	if (hookbench)
		m->call = measure_call(t.vm, pages);
	if (c->attach)
		close(t.dq);
	free(log);
	kvm_vm_free(t.vm);
}

/* Runs measure() in a child, under the modules of @c. */
static void measure_in_child(const struct config *c, uint64_t pages,
			     int warmup, int rounds, struct measurement *m)
{
	int status;
	pid_t pid;

	TEST_ASSERT(load(c->mods, true), "%s: could not load its modules",
		    c->name);
	memset(m, 0, sizeof(*m));
	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		measure(c, pages, warmup, rounds, m);
		exit(0);
	}
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	TEST_ASSERT(WIFEXITED(status) && !WEXITSTATUS(status),
		    "%s: the measurement failed", c->name);
}

/* dq_hookbench's figures: each configuration's, and the paired costs. */
static void report_calls(struct bench_json *j,
			 struct measurement res[][MAX_REPS], int reps,
			 const bool *use, const double *page_ns)
{
	double v[MAX_REPS];
	int i, k;

	printf("\n  mark_page_dirty_in_slot() alone (dq_hookbench, %d batches):"
	       " ns per page\n", batches);
	bj_obj(j, "call_ns_per_page");
	for (i = 0; i < NR_CONFIGS; i++) {
		if (!use[i])
			continue;
		for (k = 0; k < reps; k++)
			v[k] = res[i][k].call;
		printf("  %-8s %9.1f  (repetitions %.1f to %.1f)\n",
		       configs[i].name, median(v, reps), v[0], v[reps - 1]);
		bj_num(j, configs[i].name, median(v, reps));
	}
	bj_close(j);
	printf("\n  what the hook adds to a page, paired by repetition: the "
	       "median difference, over the\n  base's cheapest dirtied page "
	       "(the lowest of its repetitions), and its confidence interval\n");
	bj_obj(j, "call_vs_stock");
	for (i = 1; use[0] && i < NR_CONFIGS; i++)
		if (use[i])
			paired_call(j, configs[i].name, res, reps, i, 0,
				    page_ns[0]);
	bj_close(j);
	bj_obj(j, "call_vs_patched");
	for (i = 2; use[1] && i < NR_CONFIGS; i++)
		if (use[i])
			paired_call(j, configs[i].name, res, reps, i, 1,
				    page_ns[1]);
	bj_close(j);
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: bench-hook [-q] [-r REPS] [-n ROUNDS] [-p PAGES] [-w WARMUP]\n"
		"                  [-c CONFIG,...] [-s STOCK_DIR] [-m MODULE_DIR]\n"
		"                  [-b BATCHES] [-k HOOKBENCH_KO]\n"
		"  -q            quick: 1 repetition of 10 rounds\n"
		"  -r REPS       repetitions of all configurations (default 15)\n"
		"  -n ROUNDS     timed rounds per configuration and repetition (default 100)\n"
		"  -p PAGES      pages written per round (default 128)\n"
		"  -w WARMUP     untimed rounds before them (default 4)\n"
		"  -c CONFIGS    of stock,patched,observe,enforce (default all)\n"
		"  -s DIR        Debian's kvm.ko and kvm-amd.ko (default /tests/stock)\n"
		"  -m DIR        the patched modules and dirtyquota.ko (default /modules)\n"
		"  -b BATCHES    dq_hookbench batches of PAGES calls (default 2000)\n"
		"  -k KO         dq_hookbench.ko (default /tests/dq_hookbench.ko;\n"
		"                without it, the end-to-end figure only)\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static struct measurement res[NR_CONFIGS][MAX_REPS];
	int reps = 15, rounds = 100, warmup = 4, opt, i, k, n, nr = 0;
	double med[NR_CONFIGS], lo[NR_CONFIGS], hi[NR_CONFIGS];
	double best[NR_CONFIGS];
	bool use[NR_CONFIGS], ok = true;
	double v[MAX_REPS], base;
	struct measurement *shm;
	char path[256], *s, *tok;
	uint64_t pages = 128;
	struct bench_json j;

	for (i = 0; i < NR_CONFIGS; i++)
		use[i] = true;
	while ((opt = getopt(argc, argv, "qr:n:p:w:c:s:m:b:k:h")) != -1) {
		switch (opt) {
		case 'q':
			reps = 1;
			rounds = 10;
			warmup = 2;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'p':
			pages = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'c':
			memset(use, 0, sizeof(use));
			s = strdupa(optarg);
			while ((tok = strsep(&s, ","))) {
				for (i = 0; i < NR_CONFIGS; i++)
					if (!strcmp(tok, configs[i].name))
						break;
				if (i == NR_CONFIGS)
					usage(1);
				use[i] = true;
			}
			break;
		case 's':
			stock_dir = optarg;
			break;
		case 'm':
			mod_dir = optarg;
			break;
		case 'b':
			batches = atoi(optarg);
			break;
		case 'k':
			hookbench_ko = optarg;
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (reps < 1 || reps > MAX_REPS || rounds < 1 ||
	    rounds > MAX_ROUNDS || warmup < 1 || pages < 1 || optind < argc ||
	    batches < 1 || batches > MAX_BATCHES ||
	    pages > DQ_HOOKBENCH_MAX_PAGES)
		usage(1);

	snprintf(path, sizeof(path), "%s/kvm.ko", stock_dir);
	if (use[0] && access(path, R_OK)) {
		printf("bench-hook: %s: %s; no stock configuration\n", path,
		       strerror(errno));
		use[0] = false;
	}
	hookbench = !access(hookbench_ko, R_OK);
	if (!hookbench)
		printf("bench-hook: %s: %s; the end-to-end figure only\n",
		       hookbench_ko, strerror(errno));
	for (i = 0; i < NR_CONFIGS; i++)
		nr += use[i];
	TEST_ASSERT(nr, "no configuration to measure");

	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(shm != MAP_FAILED, "mmap: %s", strerror(errno));
	parent = getpid();
	atexit(restore);

	printf("bench-hook: %lu pages a round, %d rounds (after %d untimed) "
	       "per configuration, %d repetitions\n", pages, rounds, warmup,
	       reps);
	for (k = 0; k < reps; k++) {
		for (n = 0; n < NR_CONFIGS; n++) {
			i = (n + k) % NR_CONFIGS;
			if (!use[i])
				continue;
			measure_in_child(&configs[i], pages, warmup, rounds,
					 shm);
			res[i][k] = *shm;
			printf("  repetition %2d %-8s %9.1f ns/page (rounds: "
			       "best %.1f, median %.1f)", k + 1,
			       configs[i].name, shm->low, shm->best,
			       shm->median);
			if (hookbench)
				printf(", call %.1f", shm->call);
			if (configs[i].attach)
				printf("   counted %lu of %lu pages, %lu stops",
				       (uint64_t)(shm->counted / PG),
				       (uint64_t)(shm->expected / PG),
				       shm->stops);
			printf("\n");
			if (configs[i].attach &&
			    (shm->counted < shm->expected || shm->stops))
				ok = false;
		}
	}
	TEST_ASSERT(load(MODS_DQ, false), "could not load dirtyquota again");

	/* median() sorts: then the ends are the spread. */
	for (i = 0; i < NR_CONFIGS; i++) {
		if (!use[i])
			continue;
		best[i] = res[i][0].best;
		for (k = 0; k < reps; k++) {
			v[k] = res[i][k].low;
			if (res[i][k].best < best[i])
				best[i] = res[i][k].best;
		}
		med[i] = median(v, reps);
		lo[i] = v[0];
		hi[i] = v[reps - 1];
	}

	printf("\n  %-8s %11s %11s %11s %11s %9s %9s\n", "config", "ns/page",
	       "min", "max", "best round", "vs stock", "vs patched");
	for (i = 0; i < NR_CONFIGS; i++) {
		if (!use[i])
			continue;
		printf("  %-8s %11.1f %11.1f %11.1f %11.1f", configs[i].name,
		       med[i], lo[i], hi[i], best[i]);
		if (use[0])
			printf(" %9.4f", med[i] / med[0]);
		else
			printf(" %9s", "-");
		if (use[1])
			printf(" %9.4f", med[i] / med[1]);
		printf("\n");
	}

	bj_begin(&j);
	bj_u64(&j, "pages_per_round", pages);
	bj_u64(&j, "rounds", rounds);
	bj_u64(&j, "repetitions", reps);
	bj_str(&j, "estimator",
	       "per repetition the 10th percentile of its rounds; median, min and max over repetitions");
	bj_arr(&j, "configs");
	for (i = 0; i < NR_CONFIGS; i++) {
		if (!use[i])
			continue;
		bj_obj(&j, NULL);
		bj_str(&j, "name", configs[i].name);
		bj_num(&j, "ns_per_page", med[i]);
		bj_num(&j, "ns_per_page_min", lo[i]);
		bj_num(&j, "ns_per_page_max", hi[i]);
		bj_num(&j, "ns_per_page_best_round", best[i]);
		bj_close(&j);
	}
	bj_close(&j);
	bj_obj(&j, "ratio_vs_stock");
	for (i = 1; i < NR_CONFIGS; i++) {
		base = use[0] ? med[0] : 0;
		if (use[i] && base)
			bj_num(&j, configs[i].name, med[i] / base);
		else
			bj_null(&j, configs[i].name);
	}
	bj_close(&j);
	bj_obj(&j, "ratio_vs_patched");
	for (i = 2; i < NR_CONFIGS; i++) {
		if (use[i] && use[1])
			bj_num(&j, configs[i].name, med[i] / med[1]);
		else
			bj_null(&j, configs[i].name);
	}
	bj_close(&j);
	printf("\n  paired by repetition: median ratio, its confidence interval\n");
	bj_obj(&j, "paired_vs_stock");
	for (i = 1; use[0] && i < NR_CONFIGS; i++)
		if (use[i])
			paired_ratio(&j, configs[i].name, res, reps, i, 0);
	bj_close(&j);
	bj_obj(&j, "paired_vs_patched");
	for (i = 2; use[1] && i < NR_CONFIGS; i++)
		if (use[i])
			paired_ratio(&j, configs[i].name, res, reps, i, 1);
	bj_close(&j);
	if (hookbench)
		report_calls(&j, res, reps, use, lo);
	bj_str(&j, "target",
	       "<= 1% with the module loaded, indistinguishable from stock with none; intervals within +-0.5%");
	bench_result("hook_cost", &j);

	TEST_ASSERT(ok, "dirtyquota did not count every page it should have, "
		    "or stopped a vCPU under a budget never reached");
	return 0;
}
