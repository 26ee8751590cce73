/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sipalgctl: what its parts share. main.c reads the options and picks the
 * command, show.c prints what the kernel holds, change.c changes it,
 * monitor.c follows the events, nl.c talks netlink, json.c writes -j.
 */
#ifndef _CTL_H
#define _CTL_H

#include <stdarg.h>
#include <stddef.h>

#include "json.h"
#include "nl.h"
#include "parse.h"

/* Exit statuses. */
#define CTL_EXIT_OK	0
#define CTL_EXIT_FAIL	1	/* the kernel refused, or netlink failed */
#define CTL_EXIT_USAGE	2	/* the command line is wrong */

/* Set by -j: where JSON goes; NULL for text. */
extern struct ctl_json *ctl_jw;

#define __printf(a, b)	__attribute__((format(printf, a, b)))

__printf(1, 2) void ctl_err(const char *fmt, ...);
/* ctl_err, then CTL_EXIT_USAGE. */
__printf(1, 2) int ctl_usage_err(const char *fmt, ...);

/* A name from @names, or the number when it has none. */
const char *ctl_enum_name(const char * const *names, size_t n, unsigned int v,
			  char *buf, size_t len);
#define CTL_ENUM(names, v, buf) \
	ctl_enum_name(names, ARRAY_SIZE(names), v, buf, sizeof(buf))

/* Commands: argv[0] is the first word after the command's own name. */
int ctl_cmd_show(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_set(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_map(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_strip(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_flush(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_del(struct ctl_nl *nl, int argc, char **argv);
int ctl_cmd_monitor(struct ctl_nl *nl, int argc, char **argv);

/* "[zone N]" after a Call-ID, for show call and del call; 0 or usage error. */
int ctl_parse_zone(int argc, char **argv, int *zone);

#endif /* _CTL_H */
