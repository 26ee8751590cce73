// SPDX-License-Identifier: GPL-2.0
/* A namespace's sysctl table is registered with its size, not an empty last entry. */
#include <net/net_namespace.h>

static void __maybe_unused sip_alg_probe(struct net *net, struct ctl_table *table)
{
	struct ctl_table_header *header = NULL;

	SIP_ALG_PROBE(header = register_net_sysctl_sz(net, "net/probe", table, 1));
	unregister_net_sysctl_table(header);
}
