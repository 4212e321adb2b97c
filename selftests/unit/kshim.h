/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of the kernel's types for module/ pure logic in userspace. */
#ifndef _DQ_KSHIM_H
#define _DQ_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef int32_t s32;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef struct { s64 counter; } atomic64_t;

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define atomic64_add(i, v)	__atomic_fetch_add(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic64_read(v)	__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)

static inline u64 dq_shim_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

#define min(a, b)		dq_shim_min((a), (b))
#define min_t(type, a, b)	((type)dq_shim_min((a), (b)))

static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c)
{
	return (u64)((unsigned __int128)a * b / c);
}

#endif /* _DQ_KSHIM_H */
