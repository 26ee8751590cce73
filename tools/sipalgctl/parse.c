// SPDX-License-Identifier: GPL-2.0
/*
 * Settings and addresses: from the command line, and back to text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/nf_sip_alg.h>

#include "parse.h"

const struct ctl_key ctl_keys[] = {
	{ "grace",		SIP_ALG_A_CONFIG_GRACE,			CTL_KEY_U32 },
	{ "sip_timeout",	SIP_ALG_A_CONFIG_SIP_TIMEOUT,		CTL_KEY_U32 },
	{ "max_media",		SIP_ALG_A_CONFIG_MAX_MEDIA,		CTL_KEY_U32 },
	{ "max_dialogs",	SIP_ALG_A_CONFIG_MAX_DIALOGS,		CTL_KEY_U32 },
	{ "max_source_calls",	SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS,	CTL_KEY_U32 },
	{ "max_call_pins",	SIP_ALG_A_CONFIG_MAX_CALL_PINS,		CTL_KEY_U32 },
	{ "max_source_pins",	SIP_ALG_A_CONFIG_MAX_SOURCE_PINS,	CTL_KEY_U32 },
	{ "max_pins",		SIP_ALG_A_CONFIG_MAX_PINS,		CTL_KEY_U32 },
	{ "tcp_hold_max",	SIP_ALG_A_CONFIG_TCP_HOLD_MAX,		CTL_KEY_U32 },
	{ "direct_media",	SIP_ALG_A_CONFIG_DIRECT_MEDIA,		CTL_KEY_BOOL },
	{ "direct_signalling",	SIP_ALG_A_CONFIG_DIRECT_SIGNALLING,	CTL_KEY_BOOL },
	{ "drop_malformed",	SIP_ALG_A_CONFIG_DROP_MALFORMED,	CTL_KEY_BOOL },
	{ "mode",		SIP_ALG_A_CONFIG_MODE,			CTL_KEY_MODE },
};

const size_t ctl_nkeys = ARRAY_SIZE(ctl_keys);

static const char * const ctl_modes[] = {
	[SIP_ALG_MODE_NORMAL]	= "normal",
	[SIP_ALG_MODE_OBSERVE]	= "observe",
};

const struct ctl_key *ctl_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < ctl_nkeys; i++)
		if (!strcmp(ctl_keys[i].name, name))
			return &ctl_keys[i];
	return NULL;
}

const struct ctl_key *ctl_key_by_attr(int attr)
{
	size_t i;

	for (i = 0; i < ctl_nkeys; i++)
		if (ctl_keys[i].attr == attr)
			return &ctl_keys[i];
	return NULL;
}

int ctl_parse_u32(const char *s, uint32_t *val)
{
	unsigned long long v;
	char *end;

	/* strtoull takes "-1" and " 1"; a count is digits only. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*val = v;
	return 0;
}

int ctl_parse_u16(const char *s, uint16_t *val)
{
	uint32_t v;

	if (ctl_parse_u32(s, &v) || v > UINT16_MAX)
		return -1;
	*val = v;
	return 0;
}

int ctl_parse_bool(const char *s, bool *val)
{
	static const char * const yes[] = { "on", "1", "yes" };
	static const char * const no[] = { "off", "0", "no" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*val = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*val = false;
			return 0;
		}
	}
	return -1;
}

const char *ctl_mode_name(uint32_t mode)
{
	if (mode < ARRAY_SIZE(ctl_modes))
		return ctl_modes[mode];
	return NULL;
}

int ctl_key_parse(const struct ctl_key *key, const char *s, uint32_t *val)
{
	uint32_t i;
	bool b;

	switch (key->type) {
	case CTL_KEY_U32:
		return ctl_parse_u32(s, val);
	case CTL_KEY_BOOL:
		if (ctl_parse_bool(s, &b))
			return -1;
		*val = b;
		return 0;
	case CTL_KEY_MODE:
		for (i = 0; ctl_mode_name(i); i++) {
			if (!strcasecmp(s, ctl_mode_name(i))) {
				*val = i;
				return 0;
			}
		}
		return -1;
	}
	return -1;
}

const char *ctl_key_format(const struct ctl_key *key, uint32_t val, char *buf, size_t len)
{
	switch (key->type) {
	case CTL_KEY_BOOL:
		if (val <= 1)
			return val ? "on" : "off";
		break;
	case CTL_KEY_MODE:
		if (ctl_mode_name(val))
			return ctl_mode_name(val);
		break;
	case CTL_KEY_U32:
		break;
	}
	snprintf(buf, len, "%u", val);
	return buf;
}

int ctl_parse_addr(const char *s, struct ctl_addr *a)
{
	char host[INET6_ADDRSTRLEN];
	const char *port = NULL, *end;
	bool bracket = *s == '[';
	size_t n;

	memset(a, 0, sizeof(*a));
	if (bracket) {
		end = strchr(s, ']');
		if (!end)
			return -1;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
		s++;
	} else {
		/* One colon: IPv4 with a port. More: a bare IPv6 address. */
		end = strchr(s, ':');
		if (end && !strchr(end + 1, ':'))
			port = end + 1;
		else
			end = s + strlen(s);
	}
	n = end - s;
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, a->bytes) == 1)
		a->len = 4;
	else if (inet_pton(AF_INET6, host, a->bytes) == 1)
		a->len = 16;
	else
		return -1;
	/* Brackets are for IPv6 only. */
	if (bracket && a->len == 4)
		return -1;
	if (port) {
		if (ctl_parse_u16(port, &a->port))
			return -1;
		a->has_port = true;
	}
	return 0;
}

const char *ctl_format_addr(char *buf, size_t len, const void *bytes, size_t blen, int port)
{
	char host[INET6_ADDRSTRLEN];
	int af = blen == 4 ? AF_INET : AF_INET6;

	if ((blen != 4 && blen != 16) || !inet_ntop(af, bytes, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	if (port < 0)
		snprintf(buf, len, "%s", host);
	else if (af == AF_INET6 && blen == 16)
		snprintf(buf, len, "[%s]:%d", host, port);
	else
		snprintf(buf, len, "%s:%d", host, port);
	return buf;
}
