// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: parse, plan and apply in both directions with identity
 * and real mappings; every property of props.c must hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include "props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if (size > SIP_ALG_MAX_MSG_LEN)
		return 0;
	why = props_check((const char *)data, (uint32_t)size, false);
	if (!why)
		why = props_check((const char *)data, (uint32_t)size, true);
	if (why) {
		fprintf(stderr, "property violated: %s\n", why);
		abort();
	}
	return 0;
}
