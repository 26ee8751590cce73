// SPDX-License-Identifier: GPL-2.0
/*
 * A helper has a default tuple, the port it serves when no rule attaches
 * it: nf_ct_helper_init() takes that port, the port asked for and an id.
 */
#include <net/netfilter/nf_conntrack_helper.h>

static int __maybe_unused sip_alg_probe_help(struct sk_buff *skb, unsigned int protoff,
					     struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	return NF_ACCEPT;
}

static void __maybe_unused sip_alg_probe(struct nf_conntrack_helper *helper,
					 const struct nf_conntrack_expect_policy *policy)
{
	SIP_ALG_PROBE(nf_ct_helper_init(helper, AF_INET, IPPROTO_UDP, "probe", 5060, 5060, 0,
					policy, 0, sip_alg_probe_help, NULL, THIS_MODULE));
}
