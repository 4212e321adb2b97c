// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' output; see bench.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void put(struct bench_json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(j->s + j->len, j->cap - j->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < j->cap - j->len)
			break;
		j->cap = j->cap * 2 + n + 64;
		j->s = realloc(j->s, j->cap);
		if (!j->s)
			abort();
	}
	j->len += n;
}

static void put_string(struct bench_json *j, const char *v)
{
	put(j, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			put(j, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			put(j, "\\u%04x", *v);
		else
			put(j, "%c", *v);
	}
	put(j, "\"");
}

/* The separator and key of a new member. */
static void member(struct bench_json *j, const char *key)
{
	if (!j->first[j->depth])
		put(j, ",");
	j->first[j->depth] = false;
	if (key) {
		put_string(j, key);
		put(j, ":");
	}
}

static void open_value(struct bench_json *j, const char *key, char c)
{
	member(j, key);
	put(j, "%c", c);
	if (++j->depth >= (int)(sizeof(j->first) / sizeof(j->first[0])))
		abort();
	j->first[j->depth] = true;
	j->close[j->depth] = c == '{' ? '}' : ']';
}

void bj_begin(struct bench_json *j)
{
	memset(j, 0, sizeof(*j));
	put(j, "{");
	j->first[0] = true;
	j->close[0] = '}';
}

void bj_obj(struct bench_json *j, const char *key)
{
	open_value(j, key, '{');
}

void bj_arr(struct bench_json *j, const char *key)
{
	open_value(j, key, '[');
}

/* Closes the innermost object or array. */
void bj_close(struct bench_json *j)
{
	put(j, "%c", j->close[j->depth--]);
}

void bj_num(struct bench_json *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		put(j, "%.6g", v);
	else
		put(j, "null");
}

void bj_u64(struct bench_json *j, const char *key, uint64_t v)
{
	member(j, key);
	put(j, "%llu", (unsigned long long)v);
}

void bj_bool(struct bench_json *j, const char *key, bool v)
{
	member(j, key);
	put(j, v ? "true" : "false");
}

void bj_str(struct bench_json *j, const char *key, const char *v)
{
	member(j, key);
	put_string(j, v);
}

void bj_null(struct bench_json *j, const char *key)
{
	member(j, key);
	put(j, "null");
}

void bench_result(const char *key, struct bench_json *j)
{
	while (j->depth >= 0)
		bj_close(j);
	printf("BENCH-RESULT %s %s\n", key, j->s);
	fflush(stdout);
	free(j->s);
	memset(j, 0, sizeof(*j));
}

void bench_plot(const char *name, const char *title, const char *xlabel,
		const char *ylabel, const char *cols)
{
	printf("BENCH-PLOT %s\t%s\t%s\t%s\t%s\n", name, title, xlabel, ylabel,
	       cols);
	fflush(stdout);
}

void bench_row(const char *name, double x, const double *y, int n)
{
	int i;

	printf("BENCH-ROW %s %.6g", name, x);
	for (i = 0; i < n; i++)
		printf(" %.6g", y[i]);
	printf("\n");
	fflush(stdout);
}
