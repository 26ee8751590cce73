// SPDX-License-Identifier: GPL-2.0
/* nf_ct_refresh() takes the conntrack and its timeout, not the packet too. */
#include <net/netfilter/nf_conntrack.h>

static void __maybe_unused sip_alg_probe(struct nf_conn *ct)
{
	SIP_ALG_PROBE(nf_ct_refresh(ct, HZ));
}
