/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sip_alg generic netlink family (docs/netlink/sip_alg.yaml): the ops
 * table and the events live in sip_netlink.c, the site policy (static
 * address maps, SDP strip list) in sip_policy.c.
 */
#ifndef _SIP_NETLINK_H
#define _SIP_NETLINK_H

#include <net/genetlink.h>

#include "uapi/linux/nf_sip_alg.h"
#include "sip_alg.h"

struct sip_alg_dialog;

extern struct genl_family sip_alg_genl_family;

static inline int sip_alg_nla_put_addr(struct sk_buff *skb, int type,
				       const union nf_inet_addr *addr, u8 family)
{
	return nla_put(skb, type, family == 4 ? sizeof(addr->ip) : sizeof(addr->ip6), addr);
}

/* @len bytes of @s as a NUL-terminated string attribute, as the spec says. */
static inline int sip_alg_nla_put_strn(struct sk_buff *skb, int type, const char *s, u16 len)
{
	struct nlattr *a = nla_reserve(skb, type, len + 1);

	if (!a)
		return -EMSGSIZE;
	memcpy(nla_data(a), s, len);
	((char *)nla_data(a))[len] = '\0';
	return 0;
}

/* sip_netlink.c */
int sip_alg_netlink_init(void);
void sip_alg_netlink_exit(void);
void sip_alg_event_call(struct sip_alg_net *sn, const struct sip_alg_dialog *d,
			enum sip_alg_event_type type, int end_reason);
void sip_alg_event_not_handled(const struct sip_alg_pkt *p, enum sip_alg_stat why);
void sip_alg_event_rewrite(const struct sip_alg_pkt *p, const struct sip_alg_plan *plan);

/* sip_calls.c */
int sip_alg_nl_call_get(struct sk_buff *skb, struct genl_info *info);
int sip_alg_nl_call_dump(struct sk_buff *skb, struct netlink_callback *cb);
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
