/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer.  Members of an object are written with a
 * key, elements of an array with key NULL.  Strings are escaped; bytes
 * that are not valid UTF-8 become U+FFFD.
 */
#ifndef DQ_JSON_H
#define DQ_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DQ_JSON_DEPTH	16

struct dq_json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[DQ_JSON_DEPTH];
};

void dq_json_init(struct dq_json *j, FILE *f, bool pretty);
void dq_json_object_start(struct dq_json *j, const char *key);
void dq_json_object_end(struct dq_json *j);
void dq_json_array_start(struct dq_json *j, const char *key);
void dq_json_array_end(struct dq_json *j);
void dq_json_u64(struct dq_json *j, const char *key, uint64_t v);
void dq_json_str(struct dq_json *j, const char *key, const char *s);
void dq_json_bool(struct dq_json *j, const char *key, bool v);
void dq_json_null(struct dq_json *j, const char *key);
/* Ends a top-level document with a newline. */
void dq_json_end(struct dq_json *j);

void dq_json_escape(FILE *f, const char *s);

#endif /* DQ_JSON_H */
