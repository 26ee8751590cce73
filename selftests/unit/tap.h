/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TAP producer for the unit tests. */
#ifndef _SIP_ALG_TAP_H
#define _SIP_ALG_TAP_H

#include <stdarg.h>
#include <stdio.h>

/* One count for the whole binary: unit.c defines them, every test file adds. */
extern int tap_n, tap_pass, tap_fail;

static void __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (cond)
		tap_pass++;
	else
		tap_fail++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#endif
