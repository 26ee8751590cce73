// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ct_expect_related_pair() inserts two expectations of one master, an
 * RTP/RTCP pair, together: both or neither.
 */
#include <net/netfilter/nf_conntrack_expect.h>

static int __maybe_unused sip_alg_probe(struct nf_conntrack_expect *exp[])
{
	int ret = 0;

	SIP_ALG_PROBE(ret = nf_ct_expect_related_pair(exp, 0));
	return ret;
}
