/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer for -j, and the escaping of strings that
 * come from the network (Call-IDs, URIs) for JSON and for a terminal.
 */
#ifndef _CTL_JSON_H
#define _CTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_JSON_DEPTH	8

struct ctl_json {
	FILE *f;
	int depth;
	bool after_key;
	bool first[CTL_JSON_DEPTH];
};

void ctl_json_init(struct ctl_json *j, FILE *f);
/* '{' or '[' to open, '}' or ']' to close. */
void ctl_json_open(struct ctl_json *j, char c);
void ctl_json_close(struct ctl_json *j, char c);
void ctl_json_key(struct ctl_json *j, const char *key);
void ctl_json_keyn(struct ctl_json *j, const char *key, size_t len);
void ctl_json_str(struct ctl_json *j, const char *s, size_t len);
void ctl_json_u64(struct ctl_json *j, uint64_t v);
void ctl_json_bool(struct ctl_json *j, bool v);

void ctl_json_kv_str(struct ctl_json *j, const char *key, const char *s);
void ctl_json_kv_u64(struct ctl_json *j, const char *key, uint64_t v);
void ctl_json_kv_bool(struct ctl_json *j, const char *key, bool v);

/*
 * @len bytes of @s as the inside of a JSON string: quotes, backslashes and
 * control characters escaped, invalid UTF-8 replaced by U+FFFD.
 */
void ctl_json_escape(FILE *f, const char *s, size_t len);
/* For a terminal: control characters as \xNN, everything else as is. */
void ctl_text_escape(FILE *f, const char *s, size_t len);

#endif /* _CTL_JSON_H */
