// SPDX-License-Identifier: GPL-2.0
/*
 * An expectation times out by a timer of its own, not by a time stamp
 * that the conntrack garbage collection checks.
 */
#include <net/netfilter/nf_conntrack_expect.h>

static void __maybe_unused sip_alg_probe(struct nf_conntrack_expect *exp)
{
	SIP_ALG_PROBE(mod_timer_pending(&exp->timeout, jiffies + HZ));
}
