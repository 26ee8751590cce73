/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sip_alg generic netlink family (docs/netlink/sip_alg.yaml): the ops
 * table lives in sip_netlink.c, the calls view in sip_calls.c, the site
 * policy's commands in sip_policy.c; the events it carries in sip_events.c.
 */
#ifndef _SIP_NETLINK_H
#define _SIP_NETLINK_H

#include <net/genetlink.h>

#include "uapi/linux/nf_sip_alg.h"
#include "sip_alg.h"

extern struct genl_family sip_alg_genl_family;

/* sip_netlink.c */
int sip_alg_netlink_init(void);
void sip_alg_netlink_exit(void);

/* sip_calls.c */
int sip_alg_nl_call_get(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_call_dump_start(struct netlink_callback *cb);
int sip_alg_nl_call_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sip_alg_nl_call_dump_done(struct netlink_callback *cb);
int sip_alg_nl_call_del(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_calls_flush(struct sk_buff *skb, struct genl_info *info);

/* sip_policy.c: the netlink side of the site policy (sip_policy.h) */
int sip_alg_nl_map_add(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_map_del(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sip_alg_nl_strip_add(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_strip_del(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_strip_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _SIP_NETLINK_H */
