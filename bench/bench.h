/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks print for the host.  `make bench` (sandbox/bench.sh)
 * collects these lines from the sandbox's result port, and
 * scripts/bench-report.py turns them into build/bench/results.json, the
 * table on stdout and the plots:
 *
 *   BENCH-RESULT <key> <json>		results.json's <key> is <json>
 *   BENCH-PLOT <name>\t<title>\t<x label>\t<y label>\t<col>,<col>...
 *					a plot, <name>.png, one line per col
 *   BENCH-ROW <name> <x> <y1> <y2> ...	a point of every line of a plot
 *
 * Everything else a benchmark prints is shown as progress, not parsed.
 * Benchmarks report; they do not pass or fail, except when something that
 * must hold (a byte-for-byte copy) does not: then they exit non-zero.
 */
#ifndef DQ_BENCH_H
#define DQ_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A JSON value built in memory: bj_begin(), then members (bj_num() ...,
 * with a NULL key inside an array), bj_obj()/bj_arr() ... bj_close() for
 * nested values, and bench_result() prints it and frees it.
 */
struct bench_json {
	char *s;
	size_t len, cap;
	int depth;
	bool first[16];
	char close[16];
};

void bj_begin(struct bench_json *j);		/* the top-level object */
void bj_obj(struct bench_json *j, const char *key);
void bj_arr(struct bench_json *j, const char *key);
void bj_close(struct bench_json *j);
void bj_num(struct bench_json *j, const char *key, double v);
void bj_u64(struct bench_json *j, const char *key, uint64_t v);
void bj_bool(struct bench_json *j, const char *key, bool v);
void bj_str(struct bench_json *j, const char *key, const char *v);
void bj_null(struct bench_json *j, const char *key);

/* Prints BENCH-RESULT <key> and @j, and frees @j. */
void bench_result(const char *key, struct bench_json *j);

/* @cols: comma-separated line names. */
void bench_plot(const char *name, const char *title, const char *xlabel,
		const char *ylabel, const char *cols);
void bench_row(const char *name, double x, const double *y, int n);

#endif /* DQ_BENCH_H */
