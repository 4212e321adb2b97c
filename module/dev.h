/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_DEV_H
#define _DQ_DEV_H

int dq_dev_init(void);
void dq_dev_exit(void);

#endif /* _DQ_DEV_H */
