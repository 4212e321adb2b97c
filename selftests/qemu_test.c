// SPDX-License-Identifier: GPL-2.0
/*
 * dirtyquota with the real VMM: Debian's own qemu-system-x86_64, run in the
 * sandbox under the patched KVM, as the VMM of a 2-vCPU guest
 * (selftests/guest/bare.c: vCPU 0 computes, vCPU 1 writes one word per
 * page; QEMU loads it with -kernel, its counters are read through QEMU's
 * monitor).
 *
 *   qemu_test [bitmap|ring]...   (default: both)
 *
 * A migration to a second QEMU over loopback, with so little bandwidth
 * that it never ends, keeps dirty logging on while the test checks:
 * dqctl finds the VM by its -name; small quotas (an own rate of 200 KB/s
 * at 10 ms; 1 MiB/s over both vCPUs at 1 ms) let the writer go on at their
 * rate while the compute vCPU is not held (its speed is shown, not judged:
 * under emulation the host's other load sets it); budget 0 holds the writer
 * to one page per max-stall; cancelling the migration releases it.  Then
 * a migration whose bandwidth is capped below what the writer dirties
 * does not converge alone, converges under `dqctl follow --iface lo`, and
 * the guest runs on at the destination.  Settings go through dqctl, as an
 * operator would give them; counters are read over netlink.
 *
 * The guest is not Linux: a Linux guest does not boot in this sandbox.
 * Under QEMU 7.2's emulation of SVM (TCG) a nested guest takes an
 * interrupt with IF clear (a second APIC timer interrupt inside the first
 * one's handler, in scheduler_tick()) and deadlocks early in boot, with
 * any CPU model, with and without KVM's PV features, on 1 or 2 vCPUs.
 * This guest runs with interrupts off.  What is specific to a Linux guest
 * (kvmclock and steal-time writes, halts, PV TLB flush) is checked with
 * the library's guests in pv_test.
 *
 * Speeds under TCG are what they are: rates are checked against the quota
 * set, or against what the same guest did earlier in the same run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dirtyquota.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "kselftest.h"
#include "guest/bare.h"

#define QEMU		"/usr/bin/qemu-system-x86_64"
#define GUEST		"/guest/bare.elf"
#define GUEST_MEM	"96"		/* MiB */
#define PAGE		4096ULL
#define KB		1000ULL
#define HOLD_PORT	4441
#define MIGRATE_PORT	4442
#define MAX_VMMS	4

/* A QEMU process and the ends of its guest: QMP, console, command pipe. */
struct vmm {
	char name[32];
	char dir[64];
	pid_t pid;
	int qmp;
	int ctl;
	uint64_t vm_id;
	char buf[16384];	/* QMP input not yet consumed */
	size_t len;
};

static struct nl_sock nl;
static struct vmm *vmms[MAX_VMMS];
static const char *mode_name = "setup";
static char reply[16384];

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Kills every QEMU still running, so that a failed check leaves none. */
static void vmm_kill_all(void)
{
	for (int i = 0; i < MAX_VMMS; i++) {
		if (vmms[i] && vmms[i]->pid > 0) {
			kill(vmms[i]->pid, SIGKILL);
			waitpid(vmms[i]->pid, NULL, 0);
			vmms[i]->pid = 0;
		}
	}
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bail(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vmm_kill_all();
	ksft_exit_fail_msg("%s: %s\n", mode_name, line);
	exit(KSFT_FAIL);	/* 6.1's ksft_exit_fail_msg() is not noreturn */
}

/* One result; the numbers it was judged on go in its line. */
static void __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ksft_test_result(ok, "%s: %s\n", mode_name, line);
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return len;
}

/* --- QMP ------------------------------------------------------------ */

/* The next line QEMU sent on QMP, without its CR LF, in reply. */
static void qmp_line(struct vmm *v)
{
	uint64_t deadline = now_ns() + 60 * NSEC_PER_SEC;
	char *end;
	ssize_t n;

	while (!(end = memchr(v->buf, '\n', v->len))) {
		if (v->len == sizeof(v->buf) || now_ns() > deadline)
			bail("QMP of %s: no answer", v->name);
		n = recv(v->qmp, v->buf + v->len, sizeof(v->buf) - v->len, 0);
		if (n <= 0)
			bail("QMP of %s: %s", v->name,
			     n ? strerror(errno) : "closed");
		v->len += n;
	}
	n = end - v->buf + 1;
	snprintf(reply, sizeof(reply), "%.*s", (int)n, v->buf);
	reply[strcspn(reply, "\r\n")] = 0;
	memmove(v->buf, v->buf + n, v->len - n);
	v->len -= n;
}

/* Runs a QMP command; the answer is in reply.  0, or -1 for an error. */
static int __attribute__((format(printf, 2, 3)))
qmp(struct vmm *v, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (send(v->qmp, cmd, len, MSG_NOSIGNAL) != len)
		bail("QMP of %s: send: %s", v->name, strerror(errno));
	for (;;) {
		qmp_line(v);
		if (!strncmp(reply, "{\"return\"", 9))
			return 0;
		if (!strncmp(reply, "{\"error\"", 8))
			return -1;
	}
}

/* A member of the last answer, found by its name. */
static const char *json_at(const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(reply, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return p;
}

static const char *json_str(const char *key, char *out, size_t size)
{
	const char *p = json_at(key);

	if (!p || *p != '"')
		p = "\"";
	snprintf(out, size, "%.*s", (int)strcspn(p + 1, "\""), p + 1);
	return out;
}

static uint64_t json_u64(const char *key)
{
	const char *p = json_at(key);

	return p ? strtoull(p, NULL, 10) : 0;
}

/* A u32 of guest memory, through the monitor's "xp". */
static uint32_t guest_u32(struct vmm *v, unsigned long gpa)
{
	const char *p;

	if (qmp(v, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		"{\"command-line\": \"xp /1wx %#lx\"}}", gpa))
		bail("xp: %s", reply);
	p = strstr(reply, ": 0x");
	if (!p)
		bail("xp: %s", reply);
	return strtoul(p + 2, NULL, 16);
}

/* --- QEMU and its guest --------------------------------------------- */

static void vmm_start(struct vmm *v, const char *name, bool ring, int incoming)
{
	char path[128], accel[64], gname[64], serial[96], chardev[96], qmps[96];
	char uri[64];
	/* Without -incoming, its NULL ends the list early. */
	const char *argv[] = {
		QEMU, "-accel", accel, "-smp", "2", "-m", GUEST_MEM,
		"-nodefaults", "-no-user-config", "-display", "none",
		"-name", gname, "-kernel", GUEST, "-serial", serial,
		"-chardev", chardev, "-serial", "chardev:ctl", "-qmp", qmps,
		incoming ? "-incoming" : NULL, uri, NULL,
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline;
	int fd;

	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->dir, sizeof(v->dir), "/tmp/qemu-%s", name);
	mkdir(v->dir, 0755);
	snprintf(path, sizeof(path), "%s/ctl.in", v->dir);
	mkfifo(path, 0600);
	snprintf(path, sizeof(path), "%s/ctl.out", v->dir);
	mkfifo(path, 0600);

	snprintf(accel, sizeof(accel), "kvm%s",
		 ring ? ",dirty-ring-size=4096" : "");
	snprintf(gname, sizeof(gname), "guest=%s,debug-threads=on", name);
	snprintf(serial, sizeof(serial), "file:%s/console", v->dir);
	snprintf(chardev, sizeof(chardev), "pipe,id=ctl,path=%s/ctl", v->dir);
	snprintf(qmps, sizeof(qmps), "unix:%s/qmp,server=on,wait=off", v->dir);
	snprintf(uri, sizeof(uri), "tcp:127.0.0.1:%d", incoming);

	fflush(stdout);
	v->pid = fork();
	if (!v->pid) {
		snprintf(path, sizeof(path), "%s/qemu.log", v->dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(QEMU, (char **)argv);
		_exit(127);
	}
	for (int i = 0; i < MAX_VMMS; i++) {
		if (!vmms[i]) {
			vmms[i] = v;
			break;
		}
	}

	/* QMP is up once QEMU has created the VM and its vCPUs. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/qmp", v->dir);
	v->qmp = socket(AF_UNIX, SOCK_STREAM, 0);
	deadline = now_ns() + 120 * NSEC_PER_SEC;
	while (connect(v->qmp, (struct sockaddr *)&sa, sizeof(sa))) {
		if (now_ns() > deadline || waitpid(v->pid, NULL, WNOHANG)) {
			read_file(path, reply, sizeof(reply));
			bail("QEMU %s did not start: %s", name, reply);
		}
		msleep(100);
	}
	qmp_line(v);					/* the greeting */
	if (qmp(v, "{\"execute\": \"qmp_capabilities\"}"))
		bail("qmp_capabilities: %s", reply);
	snprintf(path, sizeof(path), "%s/ctl.in", v->dir);
	v->ctl = open(path, O_WRONLY);
	v->vm_id = dq_nl_newest_vm(&nl, v->pid);
	if (!v->vm_id)
		bail("dirtyquota tracks no VM of QEMU %s (pid %d)", name,
		     v->pid);
}

/* Quits QEMU; one that already ended (a failed incoming one) is reaped. */
static void vmm_quit(struct vmm *v)
{
	static const char quit[] = "{\"execute\": \"quit\"}";
	uint64_t deadline = now_ns() + 30 * NSEC_PER_SEC;

	if (v->pid <= 0)
		return;
	send(v->qmp, quit, sizeof(quit) - 1, MSG_NOSIGNAL);
	while (!waitpid(v->pid, NULL, WNOHANG)) {
		if (now_ns() > deadline) {
			kill(v->pid, SIGKILL);
			waitpid(v->pid, NULL, 0);
			break;
		}
		msleep(100);
	}
	v->pid = 0;
	close(v->qmp);
	close(v->ctl);
}

/* @s, a line at a time, as TAP comments; @s is cut up. */
static void print_lines(char *s)
{
	for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n"))
		printf("#   %s\n", l);
}

/* The end of one of the VMM's files, for the log of a failed test. */
static void show_file(struct vmm *v, const char *name)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", v->dir, name);
	n = read_file(path, reply, sizeof(reply));
	printf("# %s (%zd bytes), its end:\n", path, n);
	print_lines(n > 2000 ? reply + n - 2000 : reply);
}

/*
 * Prints the kernel stack of each of the VMM's threads; whether one is in
 * dirtyquota (or the core patch's hooks), where a hang would be ours.
 */
static bool vmm_in_dirtyquota(struct vmm *v)
{
	char path[300], comm[64];
	bool ours = false;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", v->pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", v->pid,
			 d->d_name);
		if (read_file(path, comm, sizeof(comm)) <= 0)
			continue;
		comm[strcspn(comm, "\n")] = 0;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", v->pid,
			 d->d_name);
		if (read_file(path, reply, sizeof(reply)) < 0)
			continue;
		ours |= strstr(reply, "[dirtyquota]") ||
			strstr(reply, "dirty_provider") ||
			strstr(reply, "dirty_quota");
		printf("# thread %s (%s):\n", d->d_name, comm);
		print_lines(reply);
	}
	closedir(dir);
	return ours;
}

/* Why a guest did not come up: stacks, console, log; vmm_in_dirtyquota(). */
static bool vmm_report(struct vmm *v)
{
	bool ours = vmm_in_dirtyquota(v);

	show_file(v, "console");
	show_file(v, "qemu.log");
	return ours;
}

static bool wait_console(struct vmm *v, const char *what, int seconds)
{
	uint64_t deadline = now_ns() + seconds * NSEC_PER_SEC;
	char path[128];

	snprintf(path, sizeof(path), "%s/console", v->dir);
	for (;;) {
		if (read_file(path, reply, sizeof(reply)) > 0 &&
		    strstr(reply, what))
			return true;
		if (now_ns() > deadline || waitpid(v->pid, NULL, WNOHANG))
			return false;
		msleep(100);
	}
}

/* A byte on the guest's second serial port (see bare.c). */
static void guest_cmd(struct vmm *v, char c)
{
	if (write(v->ctl, &c, 1) != 1)
		bail("guest command: %s", strerror(errno));
}

/* --- dirtyquota ----------------------------------------------------- */

struct counters {
	uint64_t dirtied[2];
	uint64_t stops[2];
	uint64_t throttled_ns[2];
};

static struct counters counters(struct vmm *v)
{
	struct nl_obj o[2];
	struct counters c;
	struct nl_ack ack;
	int n;

	n = dq_nl_vcpus(&nl, v->vm_id, o, 2, &ack);
	if (n != 2)
		bail("vcpu-get of VM %llu: %d vCPUs, error %d %s",
		     (unsigned long long)v->vm_id, n, ack.error, ack.msg);
	for (int i = 0; i < 2; i++) {
		c.dirtied[i] = o[i].v[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED];
		c.stops[i] = o[i].v[DIRTYQUOTA_A_VCPU_STOPS];
		c.throttled_ns[i] = o[i].v[DIRTYQUOTA_A_VCPU_THROTTLED_NS];
	}
	return c;
}

static bool dirty_logging(struct vmm *v)
{
	struct nl_obj vm = dq_nl_vm(&nl, v->vm_id);

	return vm.v[DIRTYQUOTA_A_VM_DIRTY_LOGGING];
}

static bool wait_dirty_logging(struct vmm *v, bool on, int seconds)
{
	uint64_t deadline = now_ns() + seconds * NSEC_PER_SEC;

	while (dirty_logging(v) != on) {
		if (now_ns() > deadline)
			return false;
		msleep(100);
	}
	return true;
}

/* Runs dqctl as an operator would; its exit status, its output shown. */
static int __attribute__((format(printf, 1, 2))) dqctl(const char *fmt, ...)
{
	char cmd[512], out[4096];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	printf("# dqctl %s\n", cmd);
	fflush(stdout);
	snprintf(out, sizeof(out), "./dqctl %s >/tmp/dqctl.out 2>&1", cmd);
	status = system(out);
	read_file("/tmp/dqctl.out", out, sizeof(out));
	print_lines(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define dqctl_ok(...)							\
	do {								\
		if (dqctl(__VA_ARGS__))					\
			bail("dqctl failed");				\
	} while (0)

/* --- measuring ------------------------------------------------------ */

struct window {
	double compute;		/* loops per second */
	double written;		/* bytes per second, as the guest counts */
	double charged[2];	/* bytes per second, per vCPU */
	uint64_t stops[2];
	double held[2];		/* share of the window spent held */
};

/* What the guest did and dirtyquota counted over @ms of host time. */
static struct window measure(struct vmm *v, unsigned int ms)
{
	uint32_t c0, w0, c1, w1;
	struct counters ca, cb;
	struct window w;
	uint64_t t0, t1;

	c0 = guest_u32(v, COMPUTE_COUNT);
	w0 = guest_u32(v, WRITER_COUNT);
	ca = counters(v);
	t0 = now_ns();
	msleep(ms);
	c1 = guest_u32(v, COMPUTE_COUNT);
	w1 = guest_u32(v, WRITER_COUNT);
	cb = counters(v);
	t1 = now_ns();
	w.compute = (uint32_t)(c1 - c0) * 1e9 / (t1 - t0);
	w.written = (uint32_t)(w1 - w0) * PAGE * 1e9 / (t1 - t0);
	for (int i = 0; i < 2; i++) {
		w.charged[i] = (cb.dirtied[i] - ca.dirtied[i]) * 1e9 /
			       (t1 - t0);
		w.stops[i] = cb.stops[i] - ca.stops[i];
		w.held[i] = (double)(cb.throttled_ns[i] - ca.throttled_ns[i]) /
			    (t1 - t0);
	}
	printf("# %s: over %u ms: writer %.0f B/s, compute %.0f loops/s; charged %.0f and %.0f B/s, stops %llu and %llu, held %.1f%% and %.1f%%\n",
	       mode_name, ms, w.written, w.compute, w.charged[0],
	       w.charged[1], (unsigned long long)w.stops[0],
	       (unsigned long long)w.stops[1], 100 * w.held[0],
	       100 * w.held[1]);
	return w;
}

static bool within(double x, double want, double lo, double hi)
{
	return x >= want * lo && x <= want * hi;
}

/* --- migration ------------------------------------------------------ */

static void migrate(struct vmm *src, int port, uint64_t bandwidth)
{
	if (qmp(src, "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
		"{\"max-bandwidth\": %llu}}", (unsigned long long)bandwidth))
		bail("migrate-set-parameters: %s", reply);
	if (qmp(src, "{\"execute\": \"migrate\", \"arguments\": "
		"{\"uri\": \"tcp:127.0.0.1:%d\"}}", port))
		bail("migrate: %s", reply);
}

static const char *migrate_status(struct vmm *v, char *out, size_t size)
{
	if (qmp(v, "{\"execute\": \"query-migrate\"}"))
		bail("query-migrate: %s", reply);
	return json_str("status", out, size);
}

/* Waits for the migration to end (or fail, or be cancelled); its status. */
static const char *wait_migration(struct vmm *src, int seconds, char *status,
				  size_t size)
{
	uint64_t deadline = now_ns() + seconds * NSEC_PER_SEC;

	while (now_ns() < deadline) {
		migrate_status(src, status, size);
		if (strcmp(status, "setup") && strcmp(status, "active") &&
		    strcmp(status, "cancelling"))
			break;
		msleep(500);
	}
	return status;
}

/* --- the checks ----------------------------------------------------- */

/*
 * Quotas set while dirty logging is off hold from the first page it
 * records: in bitmap mode, QEMU harvests only at the end of a pass, which
 * this migration never reaches, so each page of the writer's big region
 * is charged once, and the region (48 MiB) outlasts these checks.
 */
static void check_quotas(struct vmm *src, struct vmm *hold,
			 const struct window *free)
{
	struct window w;

	dqctl_ok("set %s mode sleep interval 10ms", src->name);
	dqctl_ok("set-quota %s 1 200KB/s", src->name);
	migrate(src, HOLD_PORT, 256 * 1024);
	check(wait_dirty_logging(src, true, 60),
	      "a migration to %s turns dirty logging on", hold->name);

	msleep(1000);
	w = measure(src, 5000);
	check(within(w.written, 200 * KB, 0.8, 1.2) && w.held[0] < 0.05,
	      "own rate 200 KB/s at 10 ms: the writer dirties %.0f B/s; the compute vCPU is held %.1f%% of the time, runs at %.0f%% of its speed",
	      w.written, 100 * w.held[0], 100 * w.compute / free->compute);

	dqctl_ok("set-quota %s 1 share", src->name);
	dqctl_ok("set %s budget 1MiB/s interval 1ms", src->name);
	msleep(1000);
	w = measure(src, 5000);
	check(within(w.written, MIB, 0.75, 1.25) && w.held[0] < 0.05,
	      "1 MiB/s over both vCPUs at 1 ms: the writer dirties %.0f B/s; the compute vCPU is held %.1f%% of the time, runs at %.0f%% of its speed",
	      w.written, 100 * w.held[0], 100 * w.compute / free->compute);

	dqctl_ok("set %s budget 0", src->name);
	msleep(1000);
	w = measure(src, 3000);
	check(w.written < 3 * PAGE * 10,
	      "budget 0: the writer dirties %.0f B/s (max-stall 100 ms lets a page through); the compute vCPU is held %.1f%% of the time, runs at %.0f%% of its speed",
	      w.written, 100 * w.held[0], 100 * w.compute / free->compute);
}

static void check_release(struct vmm *src, struct vmm *hold)
{
	char status[32];
	struct window w;

	if (qmp(src, "{\"execute\": \"migrate_cancel\"}"))
		bail("migrate_cancel: %s", reply);
	wait_migration(src, 60, status, sizeof(status));
	check(!strcmp(status, "cancelled") && wait_dirty_logging(src, false, 30),
	      "migrate_cancel: the migration is %s, dirty logging off", status);
	msleep(1000);
	w = measure(src, 3000);
	check(w.written > 100 * PAGE * 10,
	      "a VM left at budget 0 in sleep mode is released: the writer dirties %.0f B/s",
	      w.written);
	vmm_quit(hold);
}

/*
 * After @syncs passes of QEMU's migration: with the bitmap, each sync is
 * a harvest (KVM_GET_DIRTY_LOG of every memslot, counted once), and the
 * writer's last pass is what it dirtied in one; the dirty ring has none.
 */
static void check_passes(struct vmm *src, bool ring, uint64_t syncs)
{
	struct nl_obj vm = dq_nl_vm(&nl, src->vm_id), o[2];
	uint64_t harvests = vm.v[DIRTYQUOTA_A_VM_HARVESTS], last;
	struct nl_ack ack;

	dqctl_ok("show %s", src->name);
	if (dq_nl_vcpus(&nl, src->vm_id, o, 2, &ack) != 2)
		bail("vcpu-get: %s", ack.msg);
	last = o[1].v[DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES];
	if (ring)
		check(!harvests && !nl_has(&o[1], DIRTYQUOTA_A_VCPU_PASS_BYTES),
		      "with the ring QEMU harvests no bitmap: %llu harvests",
		      (unsigned long long)harvests);
	else
		check(harvests >= syncs && last > 0,
		      "%llu syncs of QEMU are %llu harvests; the writer's last pass took %llu bytes",
		      (unsigned long long)syncs, (unsigned long long)harvests,
		      (unsigned long long)last);
}

static void check_follow(struct vmm *src, struct vmm *dst, bool ring)
{
	uint32_t n0, n1;
	uint64_t bandwidth = 4 * MIB, syncs;
	char status[32];
	int wstatus;
	pid_t follow;

	guest_cmd(src, 'S');
	dqctl_ok("set %s mode observe budget unlimited", src->name);
	migrate(src, MIGRATE_PORT, bandwidth);
	do {
		msleep(1000);
		migrate_status(src, status, sizeof(status));
		syncs = json_u64("dirty-sync-count");
	} while (!strcmp(status, "active") && syncs < 4);
	check(!strcmp(status, "active") && syncs >= 4,
	      "at max-bandwidth 4 MiB/s the migration is still %s after %llu passes, %llu bytes to go",
	      status, (unsigned long long)syncs,
	      (unsigned long long)json_u64("remaining"));
	check_passes(src, ring, syncs);

	fflush(stdout);
	follow = fork();
	if (!follow) {
		execl("./dqctl", "dqctl", "follow", src->name, "--iface", "lo",
		      "--min", "256KiB/s", NULL);
		_exit(127);
	}
	wait_migration(src, 300, status, sizeof(status));
	syncs = json_u64("dirty-sync-count");
	kill(follow, SIGTERM);
	waitpid(follow, &wstatus, 0);
	check(!strcmp(status, "completed"),
	      "under dqctl follow --iface lo the migration is %s after %llu passes",
	      status, (unsigned long long)syncs);
	check(WIFEXITED(wstatus) && !WEXITSTATUS(wstatus),
	      "dqctl follow ends on SIGTERM with status 0");

	n0 = guest_u32(dst, WRITER_COUNT);
	msleep(2000);
	n1 = guest_u32(dst, WRITER_COUNT);
	check(n1 != n0, "the guest runs on at the destination: %u pages written there in 2 s",
	      n1 - n0);
}

static void run_mode(bool ring)
{
	struct vmm *src = calloc(1, sizeof(*src));
	struct vmm *hold = calloc(1, sizeof(*hold));
	struct vmm *dst = calloc(1, sizeof(*dst));
	const char *name = ring ? "dq-ring" : "dq-bitmap";
	struct window free;
	char dname[32];
	uint64_t t0;
	bool ok;

	mode_name = ring ? "dirty ring" : "bitmap";
	t0 = now_ns();
	vmm_start(src, name, ring, 0);
	ok = wait_console(src, "dq-bare: ready", 60);
	if (!ok && !vmm_report(src)) {
		/*
		 * Rarely, late in make check, the emulated host's QEMU has
		 * not brought the guest up after 120 s, and not because of
		 * dirtyquota: if no thread is in it or its hooks, one more
		 * try, with the threads' stacks and the console in the log.
		 */
		printf("# %s: the guest did not start in 60 s, with no thread in dirtyquota: starting it again\n",
		       mode_name);
		vmm_quit(src);
		vmm_start(src, name, ring, 0);
		ok = wait_console(src, "dq-bare: ready", 60);
	}
	check(ok, "stock QEMU runs a 2-vCPU guest under the patched KVM, ready in %.1f s",
	      (now_ns() - t0) / 1e9);
	if (!ok) {
		vmm_report(src);
		bail("the guest did not start: see %s", src->dir);
	}
	check(!dqctl("show %s", name),
	      "dqctl show finds the VM by its -name guest=%s", name);
	free = measure(src, 3000);

	snprintf(dname, sizeof(dname), "%s-hold", name);
	vmm_start(hold, dname, ring, HOLD_PORT);
	check_quotas(src, hold, &free);
	check_release(src, hold);

	snprintf(dname, sizeof(dname), "%s-dst", name);
	vmm_start(dst, dname, ring, MIGRATE_PORT);
	check_follow(src, dst, ring);
	vmm_quit(src);
	vmm_quit(dst);
}

int main(int argc, char **argv)
{
	bool modes[2] = { argc < 2, argc < 2 };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "bitmap"))
			modes[0] = true;
		else if (!strcmp(argv[i], "ring"))
			modes[1] = true;
		else
			ksft_exit_fail_msg("usage: qemu_test [bitmap|ring]...\n");
	}
	ksft_print_header();
	if (access(QEMU, X_OK) || access(GUEST, R_OK))
		ksft_exit_skip("%s or %s: %s (make check appends them to the sandbox's initramfs: sandbox/qemu-bundle.sh)\n",
			       QEMU, GUEST, strerror(errno));
	ksft_set_plan(13 * (modes[0] + modes[1]));
	dq_nl_open(&nl);
	signal(SIGPIPE, SIG_IGN);
	system("ip link set lo up");
	for (int m = 0; m < 2; m++)
		if (modes[m])
			run_mode(m);
	ksft_finished();
}
