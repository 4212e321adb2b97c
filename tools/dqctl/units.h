/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and printing sizes, rates and durations.
 *
 * A number is decimal, with an optional fraction ("1.5"); no sign, no
 * exponent.  Fractions of a byte or nanosecond are dropped.
 * Sizes: no suffix or B: bytes; K M G T P E (any case) and KiB MiB ...:
 * powers of 1024; kB MB GB ... (a B without i): powers of 1000, as in
 * GNU coreutils.
 * Rates: a size per second, with an optional "/s"; or bits per second:
 * kbit Mbit Gbit ... (powers of 1000) and Kibit Mibit ... (powers of 1024),
 * divided by 8.  "unlimited" is DIRTYQUOTA_UNLIMITED.
 * Durations: ns, us, ms, s; a bare number is seconds.
 *
 * Parsers return 0, -EINVAL (not a valid value) or -ERANGE (over 2^64-1).
 */
#ifndef DQ_UNITS_H
#define DQ_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define DQ_FMT_LEN	32

int dq_parse_u64(const char *s, uint64_t *out);
int dq_parse_u32(const char *s, uint32_t *out);
int dq_parse_size(const char *s, uint64_t *bytes);
int dq_parse_rate(const char *s, uint64_t *bytes_per_s);
int dq_parse_duration(const char *s, uint64_t *ns);

/* Each writes to and returns @buf, of at least DQ_FMT_LEN bytes. */
char *dq_fmt_size(char *buf, uint64_t bytes);
char *dq_fmt_rate(char *buf, uint64_t bytes_per_s);
char *dq_fmt_duration(char *buf, uint64_t ns);

#endif /* DQ_UNITS_H */
