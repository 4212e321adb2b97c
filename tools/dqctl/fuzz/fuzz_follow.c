// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what 'dqctl follow' reads and computes.
 *
 * The input, split on NUL bytes, is its argument vector: the return is one
 * of enum dq_args, an error comes with a one-line message and a success
 * with none, argv is left alone, and what it accepts is in range.  Every
 * word is also tried as a share, which must print back the same.  The
 * input's bytes are then a series of counter samples for the rate window,
 * checked against a plain recomputation from every sample kept.
 */
#include <errno.h>

#include <linux/dirtyquota.h>

#include "../follow_args.h"
#include "../rate.h"
#include "fuzz.h"

#define MAX_ARGS	64
#define MAX_SAMPLES	256

/* @s is argv[i], or its end (the VALUE of --NAME=VALUE) if @tail. */
static bool is_arg(char **argv, int argc, const char *s, bool tail)
{
	int i;

	for (i = 0; i < argc; i++)
		if (s == argv[i] || (tail && s > argv[i] &&
				     s <= argv[i] + strlen(argv[i])))
			return true;
	return false;
}

static void fuzz_args(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char *argv[MAX_ARGS + 1], *saved[MAX_ARGS];
	struct dq_follow_args a;
	bool newline = false;
	int argc = 0, i, ret;
	uint32_t share, back;
	char *err, buf[DQ_SHARE_LEN];

	while (in.left && argc < MAX_ARGS) {
		argv[argc] = fuzz_word(&in);
		saved[argc] = strdup(argv[argc]);
		newline |= !!strchr(argv[argc], '\n');
		if (!dq_parse_share(argv[argc], &share)) {
			FUZZ_ASSERT(share && share <= DQ_SHARE_ONE, "%u", share);
			FUZZ_ASSERT(!dq_parse_share(dq_fmt_share(buf, share),
						    &back) && back == share,
				    "'%s' %u '%s'", argv[argc], share, buf);
		}
		argc++;
	}
	argv[argc] = NULL;

	err = malloc(DQ_ARGS_ERR_LEN);
	if (!err)
		abort();
	memset(err, 'X', DQ_ARGS_ERR_LEN);
	ret = dq_parse_follow(argc, argv, &a, err);
	FUZZ_ASSERT(ret >= DQ_ARGS_OK && ret <= DQ_ARGS_HELP, "%d", ret);
	FUZZ_ASSERT(strnlen(err, DQ_ARGS_ERR_LEN) < DQ_ARGS_ERR_LEN, "");
	if (ret == DQ_ARGS_OK || ret == DQ_ARGS_HELP)
		FUZZ_ASSERT(!err[0], "%d '%s'", ret, err);
	else
		FUZZ_ASSERT(newline ? *err : fuzz_one_line(err), "%d '%s'",
			    ret, err);
	if (ret == DQ_ARGS_OK) {
		FUZZ_ASSERT(is_arg(argv, argc, a.vm, false), "");
		FUZZ_ASSERT(!a.iface || (is_arg(argv, argc, a.iface, true) &&
					 dq_ifname_valid(a.iface)), "");
		FUZZ_ASSERT(a.iface || (a.bandwidth &&
				       a.bandwidth != DIRTYQUOTA_UNLIMITED),
			    "");
		FUZZ_ASSERT(a.share && a.share <= DQ_SHARE_ONE, "%u", a.share);
		FUZZ_ASSERT(a.interval_ns >= DQ_FOLLOW_INTERVAL_MIN_NS &&
			    a.interval_ns <= DQ_FOLLOW_INTERVAL_MAX_NS, "");
		FUZZ_ASSERT(a.min && a.min != DIRTYQUOTA_UNLIMITED, "");
	}
	for (i = 0; i < argc; i++) {
		FUZZ_ASSERT(!strcmp(argv[i], saved[i]), "argv[%d]", i);
		free(argv[i]);
		free(saved[i]);
	}
	free(err);
}

/* Samples from the input: a time step and a counter step, each signed. */
static void fuzz_rate(const uint8_t *data, size_t size)
{
	static uint64_t ns[MAX_SAMPLES], bytes[MAX_SAMPLES];
	struct fuzz_in in = { data, size };
	uint64_t t = 1, b = 0, rate, span, want;
	unsigned __int128 exact;
	enum dq_rate_result res;
	unsigned int n = 0, first;
	struct dq_rate r;
	bool at_min;

	dq_rate_init(&r);
	while (in.left >= 4 && n < MAX_SAMPLES) {
		int8_t dt = fuzz_byte(&in), step = fuzz_byte(&in);
		uint8_t shift = fuzz_byte(&in) % 64, share = fuzz_byte(&in);

		t += (int64_t)dt * 1000000;
		if (step < 0 && b)
			b -= 1 + (b - 1) % ((uint64_t)-step << (shift % 8));
		else if (step >= 0)
			b += (uint64_t)step << shift;
		res = dq_rate_add(&r, t, b, &rate, &span);
		if (n && b < bytes[n - 1]) {
			FUZZ_ASSERT(res == DQ_RATE_RESET, "%d", res);
			n = 0;
		} else if (n && t <= ns[n - 1]) {
			FUZZ_ASSERT(res == DQ_RATE_NONE, "%d", res);
			continue;
		}
		ns[n] = t;
		bytes[n++] = b;
		if (n < 2 || res == DQ_RATE_RESET) {
			FUZZ_ASSERT(res != DQ_RATE_OK, "%u", n);
			continue;
		}
		FUZZ_ASSERT(res == DQ_RATE_OK, "%d", res);
		first = n > DQ_RATE_WINDOW + 1 ? n - DQ_RATE_WINDOW - 1 : 0;
		FUZZ_ASSERT(span == t - ns[first], "");
		exact = (unsigned __int128)(b - bytes[first]) * 1000000000 /
			span;
		want = exact < DIRTYQUOTA_UNLIMITED ? exact :
		       DIRTYQUOTA_UNLIMITED - 1;
		FUZZ_ASSERT(rate == want, "%llu %llu",
			    (unsigned long long)rate, (unsigned long long)want);
		want = dq_share_of(rate, (share % 250 + 1) * 4000, 1, &at_min);
		FUZZ_ASSERT(want && want < DIRTYQUOTA_UNLIMITED &&
			    want <= (rate > 1 ? rate : 1), "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_args(data, size);
	fuzz_rate(data, size);
	return 0;
}
