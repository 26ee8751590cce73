/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Property checks shared by the unit tests and the plan fuzzer: identity
 * mapping is byte-identical, a real mapping is undone by its inverse,
 * Content-Length stays right, the output parses again, Call-ID untouched.
 */
#ifndef _SIP_ALG_PROPS_H
#define _SIP_ALG_PROPS_H

#include "sip_rewrite.h"

/* Checks every property on one input. Returns NULL, or why it failed. */
const char *props_check(const char *buf, uint32_t len, bool stream);

/* Test mapping: 192.168.0.0/16 <-> 198.51.0.0/16, fd00::/16 <-> 2001:db8::/32. */
struct props_map {
	const char *buf;
	int inverse;
	int offered;
	int collision;		/* an address already in the target range was seen */
	int noncanon;		/* a mapped address or port was not in canonical text */
	int xor_ports;
};

bool props_map_fn(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
		  const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out);

#endif
