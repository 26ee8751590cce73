// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that change the netns's state: set, map, sdp-strip, flush
 * and del. Arguments are checked for their syntax here; whether a value is
 * in range is the kernel's to say, and its message is what the user reads.
 */
#include <stdio.h>
#include <string.h>

#include <linux/nf_sip_alg.h>

#include "ctl.h"
#include "parse.h"

static const char *ctl_config_attr_name(int type)
{
	const struct ctl_key *key = ctl_key_by_attr(type);

	return key ? key->name : NULL;
}

static int ctl_do(struct ctl_nl *nl, struct nlmsghdr *nlh)
{
	return ctl_nl_talk(nl, nlh, NULL, NULL) ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}

int ctl_cmd_set(struct ctl_nl *nl, int argc, char **argv)
{
	const struct ctl_key *keys[SIP_ALG_A_CONFIG_MAX + 1] = { };
	uint32_t vals[SIP_ALG_A_CONFIG_MAX + 1];
	const struct ctl_key *key;
	struct nlmsghdr *nlh;
	int i;

	if (argc == 0 || argc % 2)
		return ctl_usage_err("set takes KEY VALUE pairs");
	for (i = 0; i < argc; i += 2) {
		key = ctl_key_find(argv[i]);
		if (!key)
			return ctl_usage_err("unknown key \"%s\"", argv[i]);
		if (keys[key->attr])
			return ctl_usage_err("%s given twice", key->name);
		if (ctl_key_parse(key, argv[i + 1], &vals[key->attr]))
			return ctl_usage_err("bad value \"%s\" for %s: %s", argv[i + 1], key->name,
					     key->type == CTL_KEY_U32 ? "a number" :
					     key->type == CTL_KEY_BOOL ? "on or off" :
					     "normal or observe");
		keys[key->attr] = key;
	}
	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	nl->attr_name = ctl_config_attr_name;
	nlh = ctl_nl_request(nl, SIP_ALG_CMD_CONFIG_SET, 0);
	for (i = 0; i <= SIP_ALG_A_CONFIG_MAX; i++) {
		if (!keys[i])
			continue;
		if (keys[i]->type == CTL_KEY_U32)
			mnl_attr_put_u32(nlh, i, vals[i]);
		else
			mnl_attr_put_u8(nlh, i, vals[i]);
	}
	return ctl_do(nl, nlh);
}

static const char *ctl_map_attr_name(int type)
{
	switch (type) {
	case SIP_ALG_A_MAP_PRIVATE_ADDR:
		return "private address";
	case SIP_ALG_A_MAP_PUBLIC_ADDR:
		return "public address";
	case SIP_ALG_A_MAP_PRIVATE_PORT:
		return "private port";
	case SIP_ALG_A_MAP_PUBLIC_PORT:
		return "public port";
	}
	return NULL;
}

/* @word is "add" or "del": @add or @del, or -1 once said it is neither. */
static int ctl_add_del(const char *what, const char *word, int add, int del)
{
	if (!strcmp(word, "add"))
		return add;
	if (!strcmp(word, "del"))
		return del;
	ctl_usage_err("%s %s: add or del", what, word);
	return -1;
}

int ctl_cmd_map(struct ctl_nl *nl, int argc, char **argv)
{
	struct ctl_addr priv, pub;
	struct nlmsghdr *nlh;
	int cmd;

	if (argc != 3)
		return ctl_usage_err("map add|del PRIVATE[:PORT] PUBLIC[:PORT]");
	cmd = ctl_add_del("map", argv[0], SIP_ALG_CMD_MAP_ADD, SIP_ALG_CMD_MAP_DEL);
	if (cmd < 0)
		return CTL_EXIT_USAGE;
	if (ctl_parse_addr(argv[1], &priv))
		return ctl_usage_err("bad address \"%s\": ADDR, ADDR:PORT or [IPv6]:PORT", argv[1]);
	if (ctl_parse_addr(argv[2], &pub))
		return ctl_usage_err("bad address \"%s\": ADDR, ADDR:PORT or [IPv6]:PORT", argv[2]);

	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	nl->attr_name = ctl_map_attr_name;
	nl->enoent = "no such map";
	nlh = ctl_nl_request(nl, cmd, 0);
	mnl_attr_put(nlh, SIP_ALG_A_MAP_PRIVATE_ADDR, priv.len, priv.bytes);
	mnl_attr_put(nlh, SIP_ALG_A_MAP_PUBLIC_ADDR, pub.len, pub.bytes);
	if (priv.has_port)
		mnl_attr_put_u16(nlh, SIP_ALG_A_MAP_PRIVATE_PORT, priv.port);
	if (pub.has_port)
		mnl_attr_put_u16(nlh, SIP_ALG_A_MAP_PUBLIC_PORT, pub.port);
	return ctl_do(nl, nlh);
}

int ctl_cmd_strip(struct ctl_nl *nl, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int cmd;

	if (argc != 2)
		return ctl_usage_err("sdp-strip add|del PREFIX");
	cmd = ctl_add_del("sdp-strip", argv[0], SIP_ALG_CMD_SDP_STRIP_ADD,
			  SIP_ALG_CMD_SDP_STRIP_DEL);
	if (cmd < 0)
		return CTL_EXIT_USAGE;

	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	nl->enoent = "that prefix is not in the SDP strip list";
	nlh = ctl_nl_request(nl, cmd, 0);
	if (ctl_nl_put_str(nl, nlh, SIP_ALG_A_STRIP_PREFIX, argv[1]))
		return ctl_usage_err("that prefix is too long");
	return ctl_do(nl, nlh);
}

int ctl_cmd_flush(struct ctl_nl *nl, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "calls"))
		return ctl_usage_err("flush calls");
	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	return ctl_do(nl, ctl_nl_request(nl, SIP_ALG_CMD_CALLS_FLUSH, 0));
}

int ctl_cmd_del(struct ctl_nl *nl, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int zone;

	if (argc < 2 || strcmp(argv[0], "call"))
		return ctl_usage_err("del call CALL-ID [zone N]");
	if (ctl_parse_zone(argc - 2, argv + 2, &zone))
		return CTL_EXIT_USAGE;
	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	nl->enoent = "no call has that Call-ID";
	nlh = ctl_nl_request(nl, SIP_ALG_CMD_CALL_DEL, 0);
	if (ctl_nl_put_str(nl, nlh, SIP_ALG_A_CALL_ID, argv[1]))
		return ctl_usage_err("that Call-ID is too long");
	if (zone >= 0)
		mnl_attr_put_u16(nlh, SIP_ALG_A_CALL_ZONE, zone);
	return ctl_do(nl, nlh);
}
