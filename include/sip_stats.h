/* SPDX-License-Identifier: GPL-2.0 */
/* Per-netns counters, shown in /proc/net/stat/nf_sip_alg. */
#ifndef _SIP_STATS_H
#define _SIP_STATS_H

struct net;
struct sip_alg_net;

int sip_alg_stats_net_init(struct net *net, struct sip_alg_net *sn);
void sip_alg_stats_net_exit(struct net *net);
u64 sip_alg_stat_sum(const struct sip_alg_net *sn, enum sip_alg_stat s);
/* The name of counter @i (built in @buf when composite); NULL: no such counter. */
const char *sip_alg_stat_name(unsigned int i, char *buf, size_t len);
#define SIP_ALG_STAT_NAME_LEN	48

#endif /* _SIP_STATS_H */
