/* SPDX-License-Identifier: GPL-2.0 */
/* Attributes of the sip_alg family written the way its spec says. */
#ifndef _SIP_NLA_H
#define _SIP_NLA_H

#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/netlink.h>

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

#endif /* _SIP_NLA_H */
