/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the parsers and the rewrite planner. These files build in
 * the kernel modules and in userspace (unit tests, fuzzers), so nothing here
 * may depend on a kernel header outside the __KERNEL__ branch.
 */
#ifndef _SIP_ALG_TYPES_H
#define _SIP_ALG_TYPES_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
#include <strings.h>
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

/* A SIP message is at most one UDP datagram or one framed TCP message. */
#define SIP_ALG_MAX_MSG_LEN	65535

/* A byte range of the message buffer. len == 0 means "absent". */
struct sip_alg_span {
	u16 off;
	u16 len;
};

/* An address as written in a SIP header or an SDP line. */
struct sip_alg_hostport {
	struct sip_alg_span host;	/* IPv6 in SIP: the brackets included */
	struct sip_alg_span port;	/* digits only; len 0 when absent */
	u16 port_val;
	u8 family;			/* 0 (a name), 4 or 6 */
	u8 addr[16];			/* network order; IPv4 in addr[0..3] */
};

/* 0.0.0.0 or ::, the hold address of RFC 2543 and an unset one. */
static inline bool sip_alg_hostport_is_any(const struct sip_alg_hostport *hp)
{
	static const u8 zero[16];

	return !memcmp(hp->addr, zero, hp->family == 4 ? 4 : 16);
}

/* An address or port as the NAT sees it, for the mapping callback. */
struct sip_alg_endpoint {
	u8 family;			/* 4 or 6 */
	u8 has_port;
	u16 port;			/* host order */
	u8 addr[16];
};

#endif /* _SIP_ALG_TYPES_H */
