/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capturing what a renderer writes to a FILE.
 */
#ifndef DQ_TEST_HELPERS_H
#define DQ_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static inline FILE *capture_start(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* The text written since capture_start(); free() it. */
static inline char *capture_end(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

#endif /* DQ_TEST_HELPERS_H */
