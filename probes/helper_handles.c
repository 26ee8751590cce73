// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_helpers_register() registers copies of the helpers and
 * hands back pointers to them, which is what unregistering takes.
 */
#include <net/netfilter/nf_conntrack_helper.h>

static int __maybe_unused sip_alg_probe(struct nf_conntrack_helper *helpers,
					struct nf_conntrack_helper **registered)
{
	int ret = 0;

	SIP_ALG_PROBE(ret = nf_conntrack_helpers_register(helpers, 1, registered));
	return ret;
}
