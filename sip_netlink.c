// SPDX-License-Identifier: GPL-2.0
/*
 * The sip_alg generic netlink family (docs/netlink/sip_alg.yaml): settings
 * and counters of a network namespace, the ops table of every command, and
 * the events group. Events are built only when someone listens, so the
 * packet path pays one test for them otherwise.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "sip_alg.h"
#include "sip_dialog.h"
#include "sip_events.h"
#include "sip_netlink.h"
#include "sip_nla.h"
#include "sip_stats.h"

static struct netlink_range_validation sip_alg_timeout_range = {
	.min = 10,
	.max = 86400,
};

/* Counts of calls and pinholes: as their sysctls, at most INT_MAX. */
static struct netlink_range_validation sip_alg_limit_range = {
	.max = INT_MAX,
};

static struct netlink_range_validation sip_alg_limit1_range = {
	.min = 1,
	.max = INT_MAX,
};

/*
 * As its sysctl: bytes per connection and direction, at most a message's
 * length (above what NLA_POLICY_MAX() can hold: its bounds are s16).
 */
static struct netlink_range_validation sip_alg_hold_range = {
	.max = SIP_ALG_MAX_MSG_LEN,
};

static const struct nla_policy sip_alg_config_policy[SIP_ALG_A_CONFIG_MAX + 1] = {
	[SIP_ALG_A_CONFIG_GRACE]		= NLA_POLICY_MAX(NLA_U32, 3600),
	[SIP_ALG_A_CONFIG_SIP_TIMEOUT]		= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_timeout_range),
	[SIP_ALG_A_CONFIG_MAX_MEDIA]		= NLA_POLICY_RANGE(NLA_U32, 1, SDP_ALG_MAX_MEDIA),
	[SIP_ALG_A_CONFIG_MAX_DIALOGS]		= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_limit_range),
	[SIP_ALG_A_CONFIG_DIRECT_MEDIA]		= NLA_POLICY_MAX(NLA_U8, 1),
	[SIP_ALG_A_CONFIG_DIRECT_SIGNALLING]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SIP_ALG_A_CONFIG_DROP_MALFORMED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SIP_ALG_A_CONFIG_MODE]			= NLA_POLICY_MAX(NLA_U8, SIP_ALG_MODE_OBSERVE),
	[SIP_ALG_A_CONFIG_MAX_CALL_PINS]	= NLA_POLICY_RANGE(NLA_U32, 2,
								   SIP_ALG_MAX_PINS),
	[SIP_ALG_A_CONFIG_MAX_SOURCE_PINS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_limit_range),
	[SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_limit1_range),
	[SIP_ALG_A_CONFIG_MAX_PINS]		= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_limit_range),
	[SIP_ALG_A_CONFIG_TCP_HOLD_MAX]		= NLA_POLICY_FULL_RANGE(NLA_U32,
									&sip_alg_hold_range),
};

static const struct nla_policy sip_alg_call_policy[SIP_ALG_A_CALL_MAX + 1] = {
	[SIP_ALG_A_CALL_ID]	= { .type = NLA_STRING, .len = SIP_ALG_CALLID_MAX },
	[SIP_ALG_A_CALL_ZONE]	= { .type = NLA_U16 },
};

static const struct nla_policy sip_alg_map_policy[SIP_ALG_A_MAP_MAX + 1] = {
	[SIP_ALG_A_MAP_PRIVATE_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[SIP_ALG_A_MAP_PUBLIC_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[SIP_ALG_A_MAP_PRIVATE_PORT]	= { .type = NLA_U16 },
	[SIP_ALG_A_MAP_PUBLIC_PORT]	= { .type = NLA_U16 },
};

static const struct nla_policy sip_alg_strip_policy[SIP_ALG_A_STRIP_MAX + 1] = {
	[SIP_ALG_A_STRIP_PREFIX]	= { .type = NLA_STRING, .len = SIP_ALG_SDP_STRIP_MAX_LEN },
};

static int sip_alg_config_fill(struct sk_buff *skb, const struct sip_alg_config *cfg)
{
	if (nla_put_u32(skb, SIP_ALG_A_CONFIG_GRACE, READ_ONCE(cfg->grace_secs)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_SIP_TIMEOUT, READ_ONCE(cfg->sip_timeout)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_MEDIA, READ_ONCE(cfg->max_media)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_DIALOGS, READ_ONCE(cfg->max_dialogs)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_CALL_PINS, READ_ONCE(cfg->max_call_pins)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_SOURCE_PINS,
			READ_ONCE(cfg->max_source_pins)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS,
			READ_ONCE(cfg->max_source_calls)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_MAX_PINS, READ_ONCE(cfg->max_pins)) ||
	    nla_put_u32(skb, SIP_ALG_A_CONFIG_TCP_HOLD_MAX, READ_ONCE(cfg->tcp_hold_max)) ||
	    nla_put_u8(skb, SIP_ALG_A_CONFIG_DIRECT_MEDIA, READ_ONCE(cfg->direct_media)) ||
	    nla_put_u8(skb, SIP_ALG_A_CONFIG_DIRECT_SIGNALLING,
		       READ_ONCE(cfg->direct_signalling)) ||
	    nla_put_u8(skb, SIP_ALG_A_CONFIG_DROP_MALFORMED, READ_ONCE(cfg->drop_malformed)) ||
	    nla_put_u8(skb, SIP_ALG_A_CONFIG_MODE, READ_ONCE(cfg->mode)))
		return -EMSGSIZE;
	return 0;
}

static int sip_alg_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sip_alg_genl_family, 0, SIP_ALG_CMD_CONFIG_GET);
	if (!hdr || sip_alg_config_fill(msg, &sn->cfg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Commands that take no attribute: any is refused, like an unknown one
 * elsewhere (genetlink validates nothing for an op without a policy).
 */
static const struct nla_policy sip_alg_no_attrs_policy[2] = {
	[1] = { .type = NLA_REJECT },
};

/*
 * As the sysctl: in a namespace other than the host's, a limit on what the
 * packet path allocates cannot go above the host's value (@host_val), so a
 * container's root cannot lift what the host allows. Checks @attr if given.
 */
static bool sip_alg_nl_above_host(const struct nlattr *attr, const unsigned int *host_val,
				  struct netlink_ext_ack *extack)
{
	if (!attr || nla_get_u32(attr) <= READ_ONCE(*host_val))
		return false;
	NL_SET_ERR_MSG_ATTR(extack, attr, "above the host's value");
	return true;
}

/*
 * The policy checked every value's range before this runs, and the host's
 * ceilings are checked before anything is written: the request is all or
 * nothing. The packet path reads each setting once per message, as a
 * sysctl write would change it.
 */
static int sip_alg_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_config *cfg = &sip_alg_pernet(genl_info_net(info))->cfg;
	const struct sip_alg_config *host = &sip_alg_pernet(&init_net)->cfg;
	struct nlattr **a = info->attrs;

	/*
	 * max_pins needs no ceiling: the kernel counts expectations per netns;
	 * nor tcp_hold_max: tcp_hold_total bounds what a netns holds back.
	 */
	if (cfg != host &&
	    (sip_alg_nl_above_host(a[SIP_ALG_A_CONFIG_MAX_DIALOGS], &host->max_dialogs,
				   info->extack) ||
	     sip_alg_nl_above_host(a[SIP_ALG_A_CONFIG_MAX_CALL_PINS], &host->max_call_pins,
				   info->extack) ||
	     sip_alg_nl_above_host(a[SIP_ALG_A_CONFIG_MAX_SOURCE_PINS],
				   &host->max_source_pins, info->extack) ||
	     sip_alg_nl_above_host(a[SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS],
				   &host->max_source_calls, info->extack)))
		return -EINVAL;
	if (a[SIP_ALG_A_CONFIG_GRACE])
		WRITE_ONCE(cfg->grace_secs, nla_get_u32(a[SIP_ALG_A_CONFIG_GRACE]));
	if (a[SIP_ALG_A_CONFIG_SIP_TIMEOUT])
		WRITE_ONCE(cfg->sip_timeout, nla_get_u32(a[SIP_ALG_A_CONFIG_SIP_TIMEOUT]));
	if (a[SIP_ALG_A_CONFIG_MAX_MEDIA])
		WRITE_ONCE(cfg->max_media, nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_MEDIA]));
	if (a[SIP_ALG_A_CONFIG_MAX_DIALOGS])
		WRITE_ONCE(cfg->max_dialogs, nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_DIALOGS]));
	if (a[SIP_ALG_A_CONFIG_MAX_CALL_PINS])
		WRITE_ONCE(cfg->max_call_pins, nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_CALL_PINS]));
	if (a[SIP_ALG_A_CONFIG_MAX_SOURCE_PINS])
		WRITE_ONCE(cfg->max_source_pins,
			   nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_SOURCE_PINS]));
	if (a[SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS])
		WRITE_ONCE(cfg->max_source_calls,
			   nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS]));
	if (a[SIP_ALG_A_CONFIG_MAX_PINS])
		WRITE_ONCE(cfg->max_pins, nla_get_u32(a[SIP_ALG_A_CONFIG_MAX_PINS]));
	if (a[SIP_ALG_A_CONFIG_TCP_HOLD_MAX])
		WRITE_ONCE(cfg->tcp_hold_max, nla_get_u32(a[SIP_ALG_A_CONFIG_TCP_HOLD_MAX]));
	if (a[SIP_ALG_A_CONFIG_DIRECT_MEDIA])
		WRITE_ONCE(cfg->direct_media, nla_get_u8(a[SIP_ALG_A_CONFIG_DIRECT_MEDIA]));
	if (a[SIP_ALG_A_CONFIG_DIRECT_SIGNALLING])
		WRITE_ONCE(cfg->direct_signalling,
			   nla_get_u8(a[SIP_ALG_A_CONFIG_DIRECT_SIGNALLING]));
	if (a[SIP_ALG_A_CONFIG_DROP_MALFORMED])
		WRITE_ONCE(cfg->drop_malformed, nla_get_u8(a[SIP_ALG_A_CONFIG_DROP_MALFORMED]));
	if (a[SIP_ALG_A_CONFIG_MODE])
		WRITE_ONCE(cfg->mode, nla_get_u8(a[SIP_ALG_A_CONFIG_MODE]));
	return 0;
}

static int sip_alg_counter_put(struct sk_buff *skb, const char *name, u64 value)
{
	struct nlattr *nest = nla_nest_start(skb, SIP_ALG_A_STATS_COUNTER);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SIP_ALG_A_COUNTER_NAME, name) ||
	    nla_put_u64_64bit(skb, SIP_ALG_A_COUNTER_VALUE, value, SIP_ALG_A_COUNTER_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sip_alg_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	char buf[SIP_ALG_STAT_NAME_LEN];
	struct sk_buff *msg;
	const char *name;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sip_alg_genl_family, 0, SIP_ALG_CMD_STATS_GET);
	if (!hdr)
		goto nospace;
	for (i = 0; i < SIP_ALG_STAT_NR; i++) {
		name = sip_alg_stat_name(i, buf, sizeof(buf));
		if (name && sip_alg_counter_put(msg, name, sip_alg_stat_sum(sn, i)))
			goto nospace;
	}
	if (sip_alg_counter_put(msg, "dialogs_active", READ_ONCE(sn->n_dialogs)))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Media and registration pinholes are personal data too: reading calls needs the right. */
static const struct genl_ops sip_alg_genl_ops[] = {
	{
		.cmd		= SIP_ALG_CMD_CONFIG_GET,
		.doit		= sip_alg_nl_config_get,
		.policy		= sip_alg_config_policy,
		.maxattr	= SIP_ALG_A_CONFIG_MAX,
	},
	{
		.cmd		= SIP_ALG_CMD_CONFIG_SET,
		.doit		= sip_alg_nl_config_set,
		.policy		= sip_alg_config_policy,
		.maxattr	= SIP_ALG_A_CONFIG_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_STATS_GET,
		.doit		= sip_alg_nl_stats_get,
		.policy		= sip_alg_no_attrs_policy,
		.maxattr	= ARRAY_SIZE(sip_alg_no_attrs_policy) - 1,
	},
	{
		.cmd		= SIP_ALG_CMD_CALL_GET,
		.doit		= sip_alg_nl_call_get,
		.start		= sip_alg_nl_call_dump_start,
		.dumpit		= sip_alg_nl_call_dump,
		.done		= sip_alg_nl_call_dump_done,
		.policy		= sip_alg_call_policy,
		.maxattr	= SIP_ALG_A_CALL_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_CALL_DEL,
		.doit		= sip_alg_nl_call_del,
		.policy		= sip_alg_call_policy,
		.maxattr	= SIP_ALG_A_CALL_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_CALLS_FLUSH,
		.doit		= sip_alg_nl_calls_flush,
		.policy		= sip_alg_no_attrs_policy,
		.maxattr	= ARRAY_SIZE(sip_alg_no_attrs_policy) - 1,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_MAP_ADD,
		.doit		= sip_alg_nl_map_add,
		.policy		= sip_alg_map_policy,
		.maxattr	= SIP_ALG_A_MAP_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_MAP_DEL,
		.doit		= sip_alg_nl_map_del,
		.policy		= sip_alg_map_policy,
		.maxattr	= SIP_ALG_A_MAP_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_MAP_GET,
		.dumpit		= sip_alg_nl_map_dump,
		.policy		= sip_alg_map_policy,
		.maxattr	= SIP_ALG_A_MAP_MAX,
	},
	{
		.cmd		= SIP_ALG_CMD_SDP_STRIP_ADD,
		.doit		= sip_alg_nl_strip_add,
		.policy		= sip_alg_strip_policy,
		.maxattr	= SIP_ALG_A_STRIP_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_SDP_STRIP_DEL,
		.doit		= sip_alg_nl_strip_del,
		.policy		= sip_alg_strip_policy,
		.maxattr	= SIP_ALG_A_STRIP_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= SIP_ALG_CMD_SDP_STRIP_GET,
		.dumpit		= sip_alg_nl_strip_dump,
		.policy		= sip_alg_strip_policy,
		.maxattr	= SIP_ALG_A_STRIP_MAX,
	},
};

/* Without it anyone in the netns could follow who calls whom: do not build. */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel cannot restrict a genetlink multicast group to CAP_NET_ADMIN"
#endif

static const struct genl_multicast_group sip_alg_mcgrps[] = {
	[SIP_ALG_MCGRP_EVENTS_ID] = {
		.name	= SIP_ALG_MCGRP_EVENTS,
		/* Events name the calls' parties: as private as the calls dump. */
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family sip_alg_genl_family __ro_after_init = {
	.name		= SIP_ALG_FAMILY_NAME,
	.version	= SIP_ALG_FAMILY_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= sip_alg_genl_ops,
	.n_ops		= ARRAY_SIZE(sip_alg_genl_ops),
	.mcgrps		= sip_alg_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(sip_alg_mcgrps),
};

int sip_alg_netlink_init(void)
{
	int ret = genl_register_family(&sip_alg_genl_family);

	if (!ret)
		sip_alg_events_start(&sip_alg_genl_family);
	return ret;
}

void sip_alg_netlink_exit(void)
{
	sip_alg_events_stop();
	genl_unregister_family(&sip_alg_genl_family);
}
