// SPDX-License-Identifier: GPL-2.0
/*
 * Text tables: rows of cells printed in aligned columns.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define GAP	2

void dq_table_init(struct dq_table *t, size_t cols, uint32_t right)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->right = right;
}

int dq_table_add(struct dq_table *t, const char * const *cells)
{
	size_t i, base = t->rows * t->cols;

	if (t->rows == t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 16;
		char **c = realloc(t->cells, alloc * t->cols * sizeof(*c));

		if (!c)
			return -ENOMEM;
		t->cells = c;
		t->alloc = alloc;
	}
	for (i = 0; i < t->cols; i++) {
		t->cells[base + i] = strdup(cells[i] ? cells[i] : "");
		if (!t->cells[base + i]) {
			while (i--)
				free(t->cells[base + i]);
			return -ENOMEM;
		}
	}
	t->rows++;
	return 0;
}

/* Columns on the screen: UTF-8 continuation bytes take none. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if ((*s & 0xc0) != 0x80)
			w++;
	return w;
}

void dq_table_print(const struct dq_table *t, FILE *f, const char *indent,
		    size_t max_rows)
{
	size_t r, c, rows = t->rows, w[32] = { 0 };

	if (t->cols > sizeof(w) / sizeof(w[0]))
		return;
	if (max_rows && rows > max_rows)
		rows = max_rows;
	for (r = 0; r < rows; r++)
		for (c = 0; c < t->cols; c++) {
			size_t cw = width(t->cells[r * t->cols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < rows; r++) {
		fputs(indent, f);
		for (c = 0; c < t->cols; c++) {
			const char *s = t->cells[r * t->cols + c];
			size_t pad = w[c] - width(s);
			bool last = c + 1 == t->cols;

			if (t->right & (1u << c))
				fprintf(f, "%*s%s", (int)pad, "", s);
			else
				fprintf(f, "%s%*s", s, last ? 0 : (int)pad, "");
			if (!last)
				fprintf(f, "%*s", GAP, "");
		}
		fputc('\n', f);
	}
}

void dq_table_free(struct dq_table *t)
{
	size_t i;

	for (i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = 0;
	t->alloc = 0;
}
