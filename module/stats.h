/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_STATS_H
#define _DQ_STATS_H

#include "account.h"
#include <linux/dirtyquota.h>

#define DQ_STATS_MAX_ENTRY_SIZE 4096

int dq_stats_check(const struct dirtyquota_stats *req);
u32 dq_stats_nr_entries(const struct dirtyquota_stats *req, u32 nr_vcpus);
void dq_stats_fill_vcpu(struct dirtyquota_vcpu_stats *e, u32 index, u32 id,
			const struct dq_vcpu_count *vc);

#endif /* _DQ_STATS_H */
