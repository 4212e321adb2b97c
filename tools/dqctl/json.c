// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer.
 */
#include "json.h"

void dq_json_init(struct dq_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
}

static void indent(struct dq_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Starts a value: a comma if needed, the indentation and the key. */
static void value(struct dq_json *j, const char *key)
{
	if (j->depth) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		dq_json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void start(struct dq_json *j, const char *key, char c)
{
	value(j, key);
	fputc(c, j->f);
	if (j->depth < DQ_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void end(struct dq_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void dq_json_object_start(struct dq_json *j, const char *key)
{
	start(j, key, '{');
}

void dq_json_object_end(struct dq_json *j)
{
	end(j, '}');
}

void dq_json_array_start(struct dq_json *j, const char *key)
{
	start(j, key, '[');
}

void dq_json_array_end(struct dq_json *j)
{
	end(j, ']');
}

void dq_json_u64(struct dq_json *j, const char *key, uint64_t v)
{
	value(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void dq_json_str(struct dq_json *j, const char *key, const char *s)
{
	value(j, key);
	dq_json_escape(j->f, s);
}

void dq_json_bool(struct dq_json *j, const char *key, bool v)
{
	value(j, key);
	fputs(v ? "true" : "false", j->f);
}

void dq_json_null(struct dq_json *j, const char *key)
{
	value(j, key);
	fputs("null", j->f);
}

void dq_json_end(struct dq_json *j)
{
	fputc('\n', j->f);
	j->depth = 0;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at @s, or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], min, cp;
	int len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void dq_json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int len;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			len = utf8_len(s);
			if (!len) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, len, f);
			s += len;
			continue;
		}
		s++;
	}
	fputc('"', f);
}
