/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dirty_log_test.c of linux-source-6.1 (6.1.192) uses TEST_ASSERT_EQ, a
 * later addition to the KVM selftests library that its test_util.h lacks.
 * The build force-includes this file only when test_util.h has none.
 */
#ifndef TEST_ASSERT_EQ
#define TEST_ASSERT_EQ(a, b)						\
	TEST_ASSERT((a) == (b), "%s == %s: 0x%lx != 0x%lx", #a, #b,	\
		    (unsigned long)(a), (unsigned long)(b))
#endif
