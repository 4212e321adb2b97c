/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets share: a check that aborts with the file,
 * line and values, and taking the input apart.  Every buffer handed to
 * dqctl is malloc()ed to its exact size, so AddressSanitizer sees a read
 * one byte past the end.
 */
#ifndef DQ_FUZZ_H
#define DQ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond, fmt, ...)					\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: " fmt "\n",		\
				__FILE__, __LINE__, #cond, ##__VA_ARGS__); \
			abort();					\
		}							\
	} while (0)

/* A NUL-terminated copy of @len bytes (cut at the first NUL, if any). */
static inline char *fuzz_strndup(const void *data, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* A message the user can read on one line: not empty, no newline. */
static inline bool fuzz_one_line(const char *s)
{
	return *s && !strchr(s, '\n');
}

/* Input taken from the front, a byte at a time, zeros once it runs out. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_byte(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* The bytes up to the next NUL (or the end), as a malloc()ed string. */
static inline char *fuzz_word(struct fuzz_in *in)
{
	size_t n = strnlen((const char *)in->p, in->left);
	char *s = fuzz_strndup(in->p, n);

	in->p += n;
	in->left -= n;
	if (in->left) {
		in->p++;
		in->left--;
	}
	return s;
}

#endif /* DQ_FUZZ_H */
