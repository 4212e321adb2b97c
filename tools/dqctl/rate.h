/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What 'dqctl follow' computes: the rate of a byte counter (an interface's
 * tx_bytes) over a sliding window of samples, and the budget that a share
 * of a rate gives.  Shares are in millionths: DQ_SHARE_ONE is 1.
 */
#ifndef DQ_RATE_H
#define DQ_RATE_H

#include <stdbool.h>
#include <stdint.h>

#define DQ_RATE_WINDOW	4		/* intervals a rate is averaged over */
#define DQ_SHARE_ONE	1000000u
#define DQ_SHARE_LEN	16

struct dq_rate {
	uint64_t ns[DQ_RATE_WINDOW + 1];
	uint64_t bytes[DQ_RATE_WINDOW + 1];
	unsigned int nr;		/* samples held */
	unsigned int last;		/* the newest one */
};

enum dq_rate_result {
	DQ_RATE_NONE,		/* no rate yet: the first sample, or no time */
	DQ_RATE_OK,
	DQ_RATE_RESET,		/* the counter went backwards: starts over */
};

void dq_rate_init(struct dq_rate *r);
/*
 * Adds a sample of the counter, @bytes at time @ns.  With DQ_RATE_OK,
 * *rate is the bytes per second between the oldest sample held and this
 * one, the last DQ_RATE_WINDOW intervals at most, and *span_ns their time.
 * A counter that went backwards (wrapped, or the interface was recreated)
 * drops the samples before; a sample no later than the one before is
 * ignored.
 */
enum dq_rate_result dq_rate_add(struct dq_rate *r, uint64_t ns,
				uint64_t bytes, uint64_t *rate,
				uint64_t *span_ns);

/*
 * @share of @rate, but at least @min and never DIRTYQUOTA_UNLIMITED;
 * *at_min tells whether @min was taken.
 */
uint64_t dq_share_of(uint64_t rate, uint32_t share, uint64_t min,
		     bool *at_min);

/* "0.5", "1", "12.5%": more than 0, at most 1; -EINVAL or -ERANGE. */
int dq_parse_share(const char *s, uint32_t *share);
/* "0.5", "0.333333", "1"; @buf holds DQ_SHARE_LEN bytes. */
char *dq_fmt_share(char *buf, uint32_t share);

#endif /* DQ_RATE_H */
