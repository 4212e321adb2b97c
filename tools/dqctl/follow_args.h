/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of 'dqctl follow', without touching the kernel or the
 * interfaces; returns one of enum dq_args, with a message in @err.
 */
#ifndef DQ_FOLLOW_ARGS_H
#define DQ_FOLLOW_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "args.h"

#define DQ_FOLLOW_SHARE			500000u		/* 0.5 */
#define DQ_FOLLOW_INTERVAL_NS		1000000000ULL
#define DQ_FOLLOW_INTERVAL_MIN_NS	10000000ULL
#define DQ_FOLLOW_INTERVAL_MAX_NS	3600000000000ULL
#define DQ_FOLLOW_MIN			(1ULL << 20)	/* 1 MiB/s */

struct dq_follow_args {
	bool json;
	const char *vm;
	const char *iface;	/* the interface, or NULL for @bandwidth */
	uint64_t bandwidth;	/* bytes/s */
	uint32_t share;		/* millionths, as in rate.h */
	uint64_t interval_ns;
	uint64_t min;		/* the lowest budget, bytes/s */
};

int dq_parse_follow(int argc, char **argv, struct dq_follow_args *a,
		    char *err);

/* A name the kernel would give an interface (see dev_valid_name()). */
bool dq_ifname_valid(const char *s);

#endif /* DQ_FOLLOW_ARGS_H */
