// SPDX-License-Identifier: GPL-2.0
/*
 * An expectation names the helper its new connection gets apart from the
 * helper that created it (assign_helper).
 */
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>

static void __maybe_unused sip_alg_probe(struct nf_conntrack_expect *exp,
					 struct nf_conntrack_helper *helper)
{
	SIP_ALG_PROBE(rcu_assign_pointer(exp->assign_helper, helper));
}
