// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack helper: registration and the per-packet entry point.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "sip_alg.h"

#define SIP_ALG_MAX_PORTS	8

static unsigned short ports[SIP_ALG_MAX_PORTS] = { 5060 };
static unsigned int ports_c;
module_param_array(ports, ushort, &ports_c, 0400);
MODULE_PARM_DESC(ports, "SIP ports the helper is bound to by default (default 5060)");

/* One helper per port, transport and address family. */
static struct nf_conntrack_helper sip_alg_helpers[SIP_ALG_MAX_PORTS * 4] __read_mostly;
static unsigned int sip_alg_nr_helpers;

static const struct nf_conntrack_expect_policy sip_alg_exp_policy = {
	.max_expected	= 255,
	.timeout	= 300,
	.name		= "media",
};

static int sip_alg_help(struct sk_buff *skb, unsigned int protoff,
			struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	return NF_ACCEPT;
}

int sip_alg_helper_init(void)
{
	static const u16 l3[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	static const u8 l4[] = { IPPROTO_UDP, IPPROTO_TCP };
	unsigned int i, j, k;
	int ret;

	if (ports_c == 0)
		ports_c = 1;

	for (i = 0; i < ports_c; i++) {
		for (j = 0; j < ARRAY_SIZE(l3); j++) {
			for (k = 0; k < ARRAY_SIZE(l4); k++) {
				nf_ct_helper_init(&sip_alg_helpers[sip_alg_nr_helpers++],
						  l3[j], l4[k], SIP_ALG_HELPER_NAME,
						  5060, ports[i], i, &sip_alg_exp_policy,
						  0, sip_alg_help, NULL, THIS_MODULE);
			}
		}
	}

	ret = nf_conntrack_helpers_register(sip_alg_helpers, sip_alg_nr_helpers);
	if (ret)
		pr_err("cannot register helper \"%s\": %d\n", SIP_ALG_HELPER_NAME, ret);
	return ret;
}

void sip_alg_helper_exit(void)
{
	nf_conntrack_helpers_unregister(sip_alg_helpers, sip_alg_nr_helpers);
}
