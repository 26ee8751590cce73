// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: values are separated by the writer, so that callers print
 * them in order and never think about commas.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void ctl_json_init(struct ctl_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Before a value or a key: a comma unless it is the first in its container. */
static void ctl_json_sep(struct ctl_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

void ctl_json_open(struct ctl_json *j, char c)
{
	ctl_json_sep(j);
	fputc(c, j->f);
	if (j->depth < CTL_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

void ctl_json_close(struct ctl_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	/* A finished top-level value stands alone: monitor -j is one per line. */
	if (j->depth == 0) {
		fputc('\n', j->f);
		j->first[0] = true;
	}
}

void ctl_json_keyn(struct ctl_json *j, const char *key, size_t len)
{
	ctl_json_sep(j);
	fputc('"', j->f);
	ctl_json_escape(j->f, key, len);
	fputs("\":", j->f);
	j->after_key = true;
}

void ctl_json_key(struct ctl_json *j, const char *key)
{
	ctl_json_keyn(j, key, strlen(key));
}

void ctl_json_str(struct ctl_json *j, const char *s, size_t len)
{
	ctl_json_sep(j);
	fputc('"', j->f);
	ctl_json_escape(j->f, s, len);
	fputc('"', j->f);
}

void ctl_json_u64(struct ctl_json *j, uint64_t v)
{
	ctl_json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void ctl_json_bool(struct ctl_json *j, bool v)
{
	ctl_json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void ctl_json_kv_str(struct ctl_json *j, const char *key, const char *s)
{
	ctl_json_key(j, key);
	ctl_json_str(j, s, strlen(s));
}

void ctl_json_kv_u64(struct ctl_json *j, const char *key, uint64_t v)
{
	ctl_json_key(j, key);
	ctl_json_u64(j, v);
}

void ctl_json_kv_bool(struct ctl_json *j, const char *key, bool v)
{
	ctl_json_key(j, key);
	ctl_json_bool(j, v);
}

/* Length of the valid UTF-8 sequence at @s, or 0 (RFC 3629). */
static size_t ctl_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void ctl_json_escape(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		switch (p[i]) {
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
		default:
			if (p[i] < 0x20) {
				fprintf(f, "\\u%04x", p[i]);
				break;
			}
			n = ctl_utf8_len(p + i, len - i);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p + i, 1, n, f);
			i += n;
			continue;
		}
		i++;
	}
}

void ctl_text_escape(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(f, "\\x%02x", p[i]);
		else
			fputc(p[i], f);
	}
}
