// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl follow: keeps a VM's budget at a share of a link's transmit rate
 * (or of a fixed rate) until stopped, for VMMs that know nothing of
 * dirtyquota.  What it decides, and why, is in dqctl.8.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "follow_args.h"
#include "json.h"
#include "rate.h"
#include "render.h"
#include "report.h"
#include "units.h"

const char dq_help_follow[] =
"Usage: dqctl follow [-j] VM (--bandwidth RATE | --iface IFACE)\n"
"                    [--share FRACTION] [--interval DURATION] [--min RATE]\n"
"\n"
"Keeps the budget of a VM at a share of the rate IFACE sends at (its\n"
"tx_bytes, sampled every interval, averaged over the last 4 intervals),\n"
"or of a fixed RATE, until SIGINT or SIGTERM, which restore the VM's mode\n"
"and budget (exit status 0).  A VM in observe mode is put in sleep mode.\n"
"Needs CAP_SYS_ADMIN.\n"
"\n"
"  --bandwidth RATE      a fixed rate: 1Gbit/s, 100MiB/s, ...\n"
"  --iface IFACE         the transmit rate of interface IFACE\n"
"  --share FRACTION      of the rate: 0.5 (the default), 0.25, 80%, ... 1\n"
"  --interval DURATION   between samples: 1s (the default), 500ms, ...\n"
"  --min RATE            the lowest budget, for an idle link (1MiB/s)\n"
"  -j, --json            one JSON object per line (see dqctl(8))\n"
"  -h, --help            this text\n";

struct follow {
	struct dq_follow_args a;
	struct dq_ipc *ipc;
	struct dq_vm vm;		/* as found: what to restore */
	bool set_mode;			/* follow changed the mode */
	uint32_t mode;			/* while following */
	struct dq_rate rate;
	char path[64];			/* IFACE's tx_bytes */
	char index_path[64];		/* IFACE's ifindex */
	uint64_t ifindex;
	bool started;
	bool out_failed;
};

/* The line of every event: its start, text or JSON. */
static void begin(struct follow *f, struct dq_json *j, const char *event)
{
	if (!f->a.json) {
		printf("vm %" PRIu64 ": ", f->vm.id);
		return;
	}
	dq_json_init(j, stdout, false);
	dq_json_object_start(j, NULL);
	dq_json_str(j, "event", event);
	dq_json_u64(j, "time_ns", dq_now_ns());
	dq_json_u64(j, "vm_id", f->vm.id);
}

static void end(struct follow *f, struct dq_json *j)
{
	if (f->a.json) {
		dq_json_object_end(j);
		dq_json_end(j);
	}
	if (fflush(stdout) || ferror(stdout))
		f->out_failed = true;
}

static const char *mode_str(char *buf, uint32_t mode)
{
	if (dq_mode_name(mode))
		return dq_mode_name(mode);
	snprintf(buf, DQ_FMT_LEN, "%u", mode);
	return buf;
}

static void say_start(struct follow *f)
{
	char a[DQ_FMT_LEN], b[DQ_FMT_LEN], m[DQ_FMT_LEN], s[DQ_SHARE_LEN];
	struct dq_json j;

	begin(f, &j, "start");
	if (f->a.json) {
		dq_json_mode(&j, "mode", f->mode);
		dq_json_mode(&j, "old_mode", f->vm.mode);
		dq_json_limit(&j, "old_budget", f->vm.budget);
		if (f->a.iface)
			dq_json_str(&j, "iface", f->a.iface);
		else
			dq_json_u64(&j, "bandwidth", f->a.bandwidth);
		dq_json_u64(&j, "interval_ns", f->a.interval_ns);
		dq_json_u64(&j, "min", f->a.min);
		end(f, &j);
		return;
	}
	if (f->a.iface)
		printf("following %s of what %s sends, every %s; ",
		       dq_fmt_share(s, f->a.share), f->a.iface,
		       dq_fmt_duration(a, f->a.interval_ns));
	else
		printf("following %s of %s; ", dq_fmt_share(s, f->a.share),
		       dq_fmt_rate(a, f->a.bandwidth));
	if (f->set_mode)
		printf("mode %s -> ", mode_str(m, f->vm.mode));
	else
		printf("mode ");
	printf("%s, budget was %s\n", mode_str(a, f->mode),
	       dq_fmt_rate(b, f->vm.budget));
	end(f, &j);
}

static void say_update(struct follow *f, uint64_t rate, uint64_t span_ns,
		       uint64_t budget, bool at_min)
{
	char a[DQ_FMT_LEN], b[DQ_FMT_LEN];
	struct dq_json j;

	begin(f, &j, "update");
	if (f->a.json) {
		dq_json_u64(&j, "rate", rate);
		if (f->a.iface)
			dq_json_u64(&j, "span_ns", span_ns);
		dq_json_u64(&j, "budget", budget);
		dq_json_bool(&j, "at_min", at_min);
	} else if (f->a.iface) {
		printf("budget %s%s (%s sends %s)\n", dq_fmt_rate(a, budget),
		       at_min ? ", the minimum" : "", f->a.iface,
		       dq_fmt_rate(b, rate));
	} else {
		printf("budget %s%s\n", dq_fmt_rate(a, budget),
		       at_min ? ", the minimum" : "");
	}
	end(f, &j);
}

static void say_reset(struct follow *f)
{
	struct dq_json j;

	begin(f, &j, "reset");
	if (f->a.json)
		dq_json_str(&j, "iface", f->a.iface);
	else
		printf("%s was reset (its counter went back or its index changed), measuring again\n",
		       f->a.iface);
	end(f, &j);
}

static void say_stop(struct follow *f)
{
	char a[DQ_FMT_LEN], m[DQ_FMT_LEN];
	struct dq_json j;

	begin(f, &j, "stop");
	if (f->a.json) {
		if (f->set_mode)
			dq_json_mode(&j, "mode", f->vm.mode);
		dq_json_limit(&j, "budget", f->vm.budget);
	} else if (f->set_mode) {
		printf("restored mode %s, budget %s\n",
		       mode_str(m, f->vm.mode), dq_fmt_rate(a, f->vm.budget));
	} else {
		printf("restored budget %s\n", dq_fmt_rate(a, f->vm.budget));
	}
	end(f, &j);
}

static void say_gone(struct follow *f)
{
	struct dq_json j;

	begin(f, &j, "gone");
	if (!f->a.json)
		printf("the VM is gone\n");
	end(f, &j);
}

/* Sets @budget, and the mode if @mode; DQ_EXIT_OK, or -1 if the VM is gone. */
static int set(struct follow *f, bool mode, uint32_t m, uint64_t budget)
{
	struct dq_vm_set s = {
		.has = DQ_BIT(DIRTYQUOTA_A_VM_BUDGET), .id = f->vm.id,
		.mode = m, .budget = budget,
	};
	int err;

	if (mode)
		s.has |= DQ_BIT(DIRTYQUOTA_A_VM_MODE);
	err = dq_ipc_set_vm(f->ipc, &s);
	if (err == -ENOENT || err == -ENODEV) {
		say_gone(f);
		return -1;
	}
	if (err)
		return dq_report_ipc("follow", dq_ipc_last_error(f->ipc), err,
				     true);
	return DQ_EXIT_OK;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[32];
	ssize_t len;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	err = len < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return dq_parse_u64(buf, v) ? -EBADMSG : 0;
}

/* IFACE's counter and ifindex; errors are printed. */
static int sample(struct follow *f, uint64_t *bytes, uint64_t *ifindex)
{
	int err = read_u64(f->index_path, ifindex);

	if (!err)
		err = read_u64(f->path, bytes);
	if (err == -ENOENT || err == -ENODEV) {
		dq_err(f->started ? "follow: interface %s is gone" :
		       "follow: there is no interface %s", f->a.iface);
		return DQ_EXIT_FAIL;
	}
	if (err) {
		dq_err("follow: cannot read %s: %s", f->path, strerror(-err));
		return DQ_EXIT_FAIL;
	}
	return DQ_EXIT_OK;
}

/* One step of --iface: -1 if the VM is gone. */
static int step_iface(struct follow *f)
{
	uint64_t bytes, ifindex, rate, span_ns, budget;
	enum dq_rate_result r;
	uint64_t now;
	bool at_min;
	int ret;

	ret = sample(f, &bytes, &ifindex);
	if (ret)
		return ret;
	now = dq_now_ns();
	if (ifindex != f->ifindex) {
		f->ifindex = ifindex;
		dq_rate_init(&f->rate);
		dq_rate_add(&f->rate, now, bytes, &rate, &span_ns);
		say_reset(f);
		return DQ_EXIT_OK;
	}
	r = dq_rate_add(&f->rate, now, bytes, &rate, &span_ns);
	if (r == DQ_RATE_RESET)
		say_reset(f);
	if (r != DQ_RATE_OK)
		return DQ_EXIT_OK;
	budget = dq_share_of(rate, f->a.share, f->a.min, &at_min);
	ret = set(f, false, 0, budget);
	if (!ret)
		say_update(f, rate, span_ns, budget, at_min);
	return ret;
}

/* Until a signal, an error or the VM's end; -1 if the VM is gone. */
static int run(struct follow *f, uint64_t budget)
{
	uint64_t next = dq_now_ns(), now;
	int ret = DQ_EXIT_OK;

	while (!ret && !f->out_failed) {
		next += f->a.interval_ns;
		now = dq_now_ns();
		if (now >= next)	/* fell behind: skip the missed samples */
			next = now + f->a.interval_ns -
			       (now - next) % f->a.interval_ns;
		while (!dq_interrupted() && (now = dq_now_ns()) < next)
			dq_wait(-1, next - now);
		if (dq_interrupted())
			break;
		if (f->a.iface)
			ret = step_iface(f);
		else
			ret = set(f, false, 0, budget);
	}
	return ret;
}

static int follow(struct follow *f)
{
	uint64_t budget = f->vm.budget, bytes, unused;
	bool at_min = false;
	int ret;

	f->mode = f->vm.mode;
	if (f->vm.mode == DIRTYQUOTA_MODE_OBSERVE) {
		f->mode = DIRTYQUOTA_MODE_SLEEP;
		f->set_mode = true;
	}
	if (f->a.iface) {
		ret = sample(f, &bytes, &f->ifindex);
		if (ret)
			return ret;
		/* The budget stays as it is until the first rate. */
		dq_rate_add(&f->rate, dq_now_ns(), bytes, &unused, &unused);
	} else {
		budget = dq_share_of(f->a.bandwidth, f->a.share, f->a.min,
				     &at_min);
	}
	/* Also the test of CAP_SYS_ADMIN, before anything else changed. */
	ret = set(f, f->set_mode, f->mode, budget);
	if (ret)
		return ret < 0 ? DQ_EXIT_OK : ret;
	f->started = true;
	say_start(f);
	if (!f->a.iface)
		say_update(f, f->a.bandwidth, 0, budget, at_min);

	ret = run(f, budget);
	if (ret < 0)
		return DQ_EXIT_OK;
	if (set(f, f->set_mode, f->vm.mode, f->vm.budget) < 0)
		return DQ_EXIT_OK;
	say_stop(f);
	return ret;
}

int dq_cmd_follow(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct follow f = { .ifindex = 0 };
	struct dq_vm *vms;
	size_t nr;
	int ret;

	ret = dq_parse_follow(argc, argv, &f.a, err);
	if (ret)
		return dq_args_done(ret, "follow", dq_help_follow, err);
	f.a.json |= json;
	if (f.a.iface) {
		snprintf(f.path, sizeof(f.path),
			 "/sys/class/net/%s/statistics/tx_bytes", f.a.iface);
		snprintf(f.index_path, sizeof(f.index_path),
			 "/sys/class/net/%s/ifindex", f.a.iface);
	}
	ret = dq_open(&f.ipc);
	if (ret)
		return ret;
	ret = dq_list_vms(f.ipc, "follow", f.a.vm, DQ_LIST_TO_CHANGE, &vms,
			  &nr);
	if (!ret) {
		f.vm = vms[0];
		dq_free_vms(vms, nr);
		/* Restores after a signal; a closed output ends it too. */
		dq_catch_signals();
		signal(SIGPIPE, SIG_IGN);
		ret = follow(&f);
	}
	dq_ipc_close(f.ipc);
	return ret;
}
