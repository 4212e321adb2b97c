/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text tables: rows of cells printed in aligned columns.
 */
#ifndef DQ_TABLE_H
#define DQ_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct dq_table {
	size_t cols;
	size_t rows;
	size_t alloc;
	uint32_t right;		/* BIT(column) if right-aligned */
	char **cells;
};

void dq_table_init(struct dq_table *t, size_t cols, uint32_t right);
/* Adds a row of t->cols strings, which are copied; NULL prints as "". */
int dq_table_add(struct dq_table *t, const char * const *cells);
/* Prints at most @max_rows rows (0: all), each line after @indent. */
void dq_table_print(const struct dq_table *t, FILE *f, const char *indent,
		    size_t max_rows);
void dq_table_free(struct dq_table *t);

#endif /* DQ_TABLE_H */
