/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The site policy of a namespace: static address maps and the SDP strip
 * list, replaced whole under sn->policy_mutex and read under RCU by the
 * packet path. Its netlink commands are declared in sip_netlink.h.
 */
#ifndef _SIP_POLICY_H
#define _SIP_POLICY_H

#include "sip_alg.h"

int sip_alg_policy_net_init(struct sip_alg_net *sn);
void sip_alg_policy_net_exit(struct sip_alg_net *sn);
/*
 * Under rcu_read_lock (the packet path): a static map for @seen crossing
 * the NAT in @dir. Outbound a private address (and port, when the map names
 * one) becomes public; inbound the reverse.
 */
bool sip_alg_map_lookup(struct sip_alg_net *sn, enum sip_alg_dir dir,
			const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out);
/* Under rcu_read_lock: the netns's SDP strip list, NULL when empty. */
const struct sip_alg_strip *sip_alg_strip_get(struct sip_alg_net *sn);

#endif /* _SIP_POLICY_H */
