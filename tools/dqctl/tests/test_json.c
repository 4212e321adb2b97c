// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the JSON writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "helpers.h"

static char *escaped(const char *s)
{
	struct capture c;

	dq_json_escape(capture_start(&c), s);
	return capture_end(&c);
}

#define ESC(in, want) do {			\
	char *out = escaped(in);		\
	assert_string_equal(out, want);		\
	free(out);				\
} while (0)

static void escaping(void **state)
{
	ESC("", "\"\"");
	ESC("plain", "\"plain\"");
	ESC("a\"b\\c", "\"a\\\"b\\\\c\"");
	ESC("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	ESC("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	ESC("/", "\"/\"");
}

static void utf8(void **state)
{
	/* Valid UTF-8 passes through. */
	ESC("gr\xc3\xbc\xc3\x9f", "\"gr\xc3\xbc\xc3\x9f\"");
	ESC("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	ESC("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	/* Invalid bytes become U+FFFD, one per byte. */
	ESC("a\xff" "b", "\"a\\ufffdb\"");
	ESC("\xc3", "\"\\ufffd\"");			/* truncated */
	ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ESC("\xe2\x82", "\"\\ufffd\\ufffd\"");
}

static void compact(void **state)
{
	struct dq_json j;
	struct capture c;
	char *out;

	dq_json_init(&j, capture_start(&c), false);
	dq_json_object_start(&j, NULL);
	dq_json_u64(&j, "n", 18446744073709551615ULL);
	dq_json_str(&j, "s", "x");
	dq_json_bool(&j, "t", true);
	dq_json_bool(&j, "f", false);
	dq_json_null(&j, "z");
	dq_json_array_start(&j, "a");
	dq_json_u64(&j, NULL, 1);
	dq_json_object_start(&j, NULL);
	dq_json_object_end(&j);
	dq_json_array_start(&j, NULL);
	dq_json_array_end(&j);
	dq_json_array_end(&j);
	dq_json_object_end(&j);
	dq_json_end(&j);
	out = capture_end(&c);
	assert_string_equal(out, "{\"n\":18446744073709551615,\"s\":\"x\","
			    "\"t\":true,\"f\":false,\"z\":null,"
			    "\"a\":[1,{},[]]}\n");
	free(out);
}

static void pretty(void **state)
{
	struct dq_json j;
	struct capture c;
	char *out;

	dq_json_init(&j, capture_start(&c), true);
	dq_json_object_start(&j, NULL);
	dq_json_array_start(&j, "vms");
	dq_json_object_start(&j, NULL);
	dq_json_u64(&j, "id", 1);
	dq_json_array_start(&j, "vcpus");
	dq_json_array_end(&j);
	dq_json_object_end(&j);
	dq_json_array_end(&j);
	dq_json_str(&j, "k\"ey", "v");
	dq_json_object_end(&j);
	dq_json_end(&j);
	out = capture_end(&c);
	assert_string_equal(out,
		"{\n"
		"  \"vms\": [\n"
		"    {\n"
		"      \"id\": 1,\n"
		"      \"vcpus\": []\n"
		"    }\n"
		"  ],\n"
		"  \"k\\\"ey\": \"v\"\n"
		"}\n");
	free(out);
}

/* A writer can be reused for the next document. */
static void documents(void **state)
{
	struct dq_json j;
	struct capture c;
	char *out;
	int i;

	dq_json_init(&j, capture_start(&c), false);
	for (i = 0; i < 2; i++) {
		dq_json_object_start(&j, NULL);
		dq_json_u64(&j, "i", i);
		dq_json_object_end(&j);
		dq_json_end(&j);
	}
	out = capture_end(&c);
	assert_string_equal(out, "{\"i\":0}\n{\"i\":1}\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(utf8),
		cmocka_unit_test(compact),
		cmocka_unit_test(pretty),
		cmocka_unit_test(documents),
	};

	return cmocka_run_group_tests_name("dqctl json", tests, NULL, NULL);
}
