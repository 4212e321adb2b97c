/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files of dirtyquota that hold pure logic build in the kernel and, for
 * the unit tests, in userspace on top of a small shim.
 */
#ifndef _DQ_PURE_H
#define _DQ_PURE_H

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include "../selftests/unit/kshim.h"
#endif

#endif /* _DQ_PURE_H */
