/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sipalgctl reads from its command line and writes for a reader:
 * settings, addresses with ports. No netlink here, so that the unit test
 * (tests/unit.c) can link it alone.
 */
#ifndef _CTL_PARSE_H
#define _CTL_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* How a setting is carried: u32, u8 0/1, or u8 enum sip_alg_mode. */
enum ctl_key_type {
	CTL_KEY_U32,
	CTL_KEY_BOOL,
	CTL_KEY_MODE,
};

struct ctl_key {
	const char *name;	/* as the sysctl under net.netfilter.sip_alg */
	int attr;		/* SIP_ALG_A_CONFIG_* */
	enum ctl_key_type type;
};

extern const struct ctl_key ctl_keys[];
extern const size_t ctl_nkeys;

const struct ctl_key *ctl_key_find(const char *name);
const struct ctl_key *ctl_key_by_attr(int attr);
/*
 * A setting's value as the kernel takes it. Only the syntax is checked
 * here: ranges are the kernel's, and its answer says what is wrong.
 */
int ctl_key_parse(const struct ctl_key *key, const char *s, uint32_t *val);
/* The value as show config prints it: 5, on, observe. */
const char *ctl_key_format(const struct ctl_key *key, uint32_t val, char *buf, size_t len);
const char *ctl_mode_name(uint32_t mode);

int ctl_parse_u32(const char *s, uint32_t *val);
int ctl_parse_u16(const char *s, uint16_t *val);
int ctl_parse_bool(const char *s, bool *val);

struct ctl_addr {
	size_t len;		/* 4 (IPv4) or 16 (IPv6) */
	uint8_t bytes[16];	/* network order */
	bool has_port;
	uint16_t port;
};

/*
 * 192.0.2.1, 192.0.2.1:5060, 2001:db8::1, [2001:db8::1], [2001:db8::1]:5060.
 * Returns 0, or -1 when @s is none of these.
 */
int ctl_parse_addr(const char *s, struct ctl_addr *a);

/*
 * @bytes (4 or 16 of them) as an address, with ":port" when @port >= 0
 * (IPv6 then in brackets); "?" for any other length.
 */
const char *ctl_format_addr(char *buf, size_t len, const void *bytes, size_t blen, int port);
#define CTL_ADDR_STRLEN	(INET6_ADDRSTRLEN + 8)

#endif /* _CTL_PARSE_H */
