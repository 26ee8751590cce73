// SPDX-License-Identifier: GPL-2.0
/*
 * The site policy of a network namespace: static address maps for addresses
 * inside SIP and SDP that are not the packet's own (a PBX naming its media
 * server, say), and the SDP line prefixes to strip.
 *
 * The packet path reads the policy under rcu_read_lock, so it is never
 * changed in place: every netlink change copies it, edits the copy and
 * publishes it under sn->policy_mutex; the old one goes after a grace
 * period. An empty policy is no policy (NULL), which the packet path tests
 * first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "sip_alg.h"
#include "sip_netlink.h"
#include "sip_nla.h"
#include "sip_policy.h"

/* Static maps per netns: a site has a handful; each lookup walks them all. */
#define SIP_ALG_MAX_MAPS	64

struct sip_alg_map {
	union nf_inet_addr priv;
	union nf_inet_addr pub;
	u16 priv_port;			/* host order, with has_port */
	u16 pub_port;
	u8 family;			/* 4 or 6 */
	u8 has_port;			/* only priv_port maps, to pub_port */
};

struct sip_alg_policy {
	struct rcu_head rcu;
	unsigned int n_maps;
	struct sip_alg_map maps[SIP_ALG_MAX_MAPS];
	struct sip_alg_strip strip;
};

static_assert(SIP_ALG_SDP_STRIP_MAX_LEN < SIP_ALG_STRIP_MAX_LEN);

int sip_alg_policy_net_init(struct sip_alg_net *sn)
{
	mutex_init(&sn->policy_mutex);
	RCU_INIT_POINTER(sn->policy, NULL);
	return 0;
}

void sip_alg_policy_net_exit(struct sip_alg_net *sn)
{
	/* Neither netlink nor packets reach a namespace that is going away. */
	kfree_rcu(rcu_dereference_protected(sn->policy, true), rcu);
	mutex_destroy(&sn->policy_mutex);
}

static unsigned int sip_alg_addr_len(u8 family)
{
	return family == 4 ? 4 : 16;
}

bool sip_alg_map_lookup(struct sip_alg_net *sn, enum sip_alg_dir dir,
			const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	bool outbound = dir == SIP_ALG_OUTBOUND;
	const struct sip_alg_map *m, *hit = NULL;
	const struct sip_alg_policy *pol;
	unsigned int i;

	pol = rcu_dereference(sn->policy);
	if (!pol)
		return false;
	for (i = 0; i < pol->n_maps; i++) {
		m = &pol->maps[i];
		if (m->family != seen->family ||
		    memcmp(outbound ? &m->priv : &m->pub, seen->addr, sip_alg_addr_len(m->family)))
			continue;
		/* A map naming the port is more specific than one for the whole address. */
		if (!m->has_port) {
			if (!hit)
				hit = m;
		} else if (seen->port == (outbound ? m->priv_port : m->pub_port)) {
			hit = m;
			break;
		}
	}
	if (!hit)
		return false;

	out->family = hit->family;
	memset(out->addr, 0, sizeof(out->addr));
	memcpy(out->addr, outbound ? &hit->pub : &hit->priv, sip_alg_addr_len(hit->family));
	out->has_port = seen->has_port;
	if (hit->has_port)
		out->port = outbound ? hit->pub_port : hit->priv_port;
	else
		out->port = seen->port;
	return true;
}

const struct sip_alg_strip *sip_alg_strip_get(struct sip_alg_net *sn)
{
	const struct sip_alg_policy *pol = rcu_dereference(sn->policy);

	return pol && pol->strip.n ? &pol->strip : NULL;
}

static struct sip_alg_policy *sip_alg_policy_locked(struct sip_alg_net *sn)
{
	return rcu_dereference_protected(sn->policy, lockdep_is_held(&sn->policy_mutex));
}

/* A private copy of the current policy to change, under policy_mutex. */
static struct sip_alg_policy *sip_alg_policy_copy(struct sip_alg_net *sn)
{
	const struct sip_alg_policy *old = sip_alg_policy_locked(sn);

	if (old)
		return kmemdup(old, sizeof(*old), GFP_KERNEL);
	return kzalloc(sizeof(struct sip_alg_policy), GFP_KERNEL);
}

/* Publish @pol in place of the current policy, which goes once no reader holds it. */
static void sip_alg_policy_replace(struct sip_alg_net *sn, struct sip_alg_policy *pol)
{
	struct sip_alg_policy *old = sip_alg_policy_locked(sn);

	if (!pol->n_maps && !pol->strip.n) {
		kfree(pol);
		pol = NULL;
	}
	rcu_assign_pointer(sn->policy, pol);
	kfree_rcu(old, rcu);
}

/* Address @type of a map request: its family (4 or 6), or an error with extack. */
static int sip_alg_nl_addr(struct genl_info *info, int type, union nf_inet_addr *addr)
{
	static const union nf_inet_addr any;
	struct nlattr *a = info->attrs[type];

	if (nla_len(a) != 4 && nla_len(a) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "an address is 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, a, sizeof(*addr));
	if (nf_inet_addr_cmp(addr, &any)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "the unspecified address cannot be mapped");
		return -EINVAL;
	}
	return nla_len(a) == 4 ? 4 : 6;
}

static int sip_alg_nl_port(struct genl_info *info, int type, u16 *port)
{
	struct nlattr *a = info->attrs[type];

	*port = nla_get_u16(a);
	if (!*port) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "port 0 cannot be mapped");
		return -EINVAL;
	}
	return 0;
}

/*
 * The map a map-add or map-del request describes. map-del names the map by
 * its private side; a public side it gives must match as well.
 */
static int sip_alg_nl_map_parse(struct genl_info *info, struct sip_alg_map *m, bool add)
{
	struct nlattr **tb = info->attrs;
	int family, ret;

	memset(m, 0, sizeof(*m));
	if (GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_MAP_PRIVATE_ADDR)) {
		NL_SET_ERR_MSG(info->extack, "the private address is missing");
		return -EINVAL;
	}
	if (add && GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_MAP_PUBLIC_ADDR)) {
		NL_SET_ERR_MSG(info->extack, "the public address is missing");
		return -EINVAL;
	}
	if (tb[SIP_ALG_A_MAP_PUBLIC_PORT] && !tb[SIP_ALG_A_MAP_PRIVATE_PORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIP_ALG_A_MAP_PUBLIC_PORT],
				    "a public port needs the private port it maps");
		return -EINVAL;
	}

	family = sip_alg_nl_addr(info, SIP_ALG_A_MAP_PRIVATE_ADDR, &m->priv);
	if (family < 0)
		return family;
	m->family = family;
	if (tb[SIP_ALG_A_MAP_PUBLIC_ADDR]) {
		family = sip_alg_nl_addr(info, SIP_ALG_A_MAP_PUBLIC_ADDR, &m->pub);
		if (family < 0)
			return family;
		if (family != m->family) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SIP_ALG_A_MAP_PUBLIC_ADDR],
					    "the private and public addresses are of different families");
			return -EINVAL;
		}
	}

	if (tb[SIP_ALG_A_MAP_PRIVATE_PORT]) {
		m->has_port = 1;
		ret = sip_alg_nl_port(info, SIP_ALG_A_MAP_PRIVATE_PORT, &m->priv_port);
		if (ret)
			return ret;
		/* Without a public port the private one stays as it is. */
		m->pub_port = m->priv_port;
		if (tb[SIP_ALG_A_MAP_PUBLIC_PORT]) {
			ret = sip_alg_nl_port(info, SIP_ALG_A_MAP_PUBLIC_PORT, &m->pub_port);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Index of the map with @m's private side in @pol, or -1. */
static int sip_alg_map_find(const struct sip_alg_policy *pol, const struct sip_alg_map *m)
{
	const struct sip_alg_map *o;
	unsigned int i;

	for (i = 0; pol && i < pol->n_maps; i++) {
		o = &pol->maps[i];
		if (o->family == m->family && o->has_port == m->has_port &&
		    (!m->has_port || o->priv_port == m->priv_port) &&
		    nf_inet_addr_cmp(&o->priv, &m->priv))
			return i;
	}
	return -1;
}

int sip_alg_nl_map_add(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	struct sip_alg_policy *pol;
	struct sip_alg_map m;
	int ret;

	ret = sip_alg_nl_map_parse(info, &m, true);
	if (ret)
		return ret;

	mutex_lock(&sn->policy_mutex);
	pol = sip_alg_policy_locked(sn);
	if (sip_alg_map_find(pol, &m) >= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_MAP_PRIVATE_ADDR],
				    "the private address is already mapped");
		ret = -EEXIST;
		goto unlock;
	}
	if (pol && pol->n_maps >= SIP_ALG_MAX_MAPS) {
		NL_SET_ERR_MSG(info->extack, "the map table is full (64 maps)");
		ret = -ENOSPC;
		goto unlock;
	}
	pol = sip_alg_policy_copy(sn);
	if (!pol) {
		ret = -ENOMEM;
		goto unlock;
	}
	pol->maps[pol->n_maps++] = m;
	sip_alg_policy_replace(sn, pol);
unlock:
	mutex_unlock(&sn->policy_mutex);
	return ret;
}

int sip_alg_nl_map_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	struct sip_alg_policy *pol;
	const struct sip_alg_map *o;
	struct sip_alg_map m;
	int i, ret;

	ret = sip_alg_nl_map_parse(info, &m, false);
	if (ret)
		return ret;

	mutex_lock(&sn->policy_mutex);
	pol = sip_alg_policy_locked(sn);
	i = sip_alg_map_find(pol, &m);
	if (i < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_MAP_PRIVATE_ADDR],
				    "no map for this private address");
		ret = -ENOENT;
		goto unlock;
	}
	o = &pol->maps[i];
	if ((info->attrs[SIP_ALG_A_MAP_PUBLIC_ADDR] && !nf_inet_addr_cmp(&o->pub, &m.pub)) ||
	    (info->attrs[SIP_ALG_A_MAP_PUBLIC_PORT] && o->pub_port != m.pub_port)) {
		NL_SET_ERR_MSG(info->extack, "the private address is mapped to another public one");
		ret = -ENOENT;
		goto unlock;
	}
	pol = sip_alg_policy_copy(sn);
	if (!pol) {
		ret = -ENOMEM;
		goto unlock;
	}
	pol->n_maps--;
	memmove(&pol->maps[i], &pol->maps[i + 1], (pol->n_maps - i) * sizeof(pol->maps[0]));
	sip_alg_policy_replace(sn, pol);
unlock:
	mutex_unlock(&sn->policy_mutex);
	return ret;
}

static int sip_alg_nl_map_fill(struct sk_buff *skb, struct netlink_callback *cb,
			       const struct sip_alg_map *m)
{
	unsigned int len = sip_alg_addr_len(m->family);
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sip_alg_genl_family, NLM_F_MULTI, SIP_ALG_CMD_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put(skb, SIP_ALG_A_MAP_PRIVATE_ADDR, len, &m->priv) ||
	    nla_put(skb, SIP_ALG_A_MAP_PUBLIC_ADDR, len, &m->pub) ||
	    (m->has_port && (nla_put_u16(skb, SIP_ALG_A_MAP_PRIVATE_PORT, m->priv_port) ||
			     nla_put_u16(skb, SIP_ALG_A_MAP_PUBLIC_PORT, m->pub_port)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* One message per map; cb->args[0] is the next map to send. */
int sip_alg_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sip_alg_net *sn = sip_alg_pernet(sock_net(cb->skb->sk));
	const struct sip_alg_policy *pol;
	unsigned long i = cb->args[0];

	rcu_read_lock();
	pol = rcu_dereference(sn->policy);
	for (; pol && i < pol->n_maps; i++) {
		if (sip_alg_nl_map_fill(skb, cb, &pol->maps[i]))
			break;
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}

/*
 * An SDP line prefix: the type letter, '=' and printable characters without
 * spaces, e.g. "a=candidate". Returns its length, or an error with extack.
 */
static int sip_alg_nl_prefix(struct genl_info *info, char *prefix)
{
	struct nlattr *a = info->attrs[SIP_ALG_A_STRIP_PREFIX];
	size_t len, i;

	if (GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_STRIP_PREFIX)) {
		NL_SET_ERR_MSG(info->extack, "the SDP line prefix is missing");
		return -EINVAL;
	}
	if (nla_strscpy(prefix, a, SIP_ALG_STRIP_MAX_LEN) < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "the SDP line prefix is too long");
		return -EINVAL;
	}
	len = strlen(prefix);
	for (i = 2; i < len && prefix[i] > ' ' && prefix[i] < 0x7f; i++)
		;
	if (len < 2 || prefix[0] < 'a' || prefix[0] > 'z' || prefix[1] != '=' || i < len) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "not an SDP line prefix: a letter a-z, '=', then no spaces (e.g. a=candidate)");
		return -EINVAL;
	}
	return len;
}

static int sip_alg_strip_find(const struct sip_alg_policy *pol, const char *prefix, int len)
{
	unsigned int i;

	for (i = 0; pol && i < pol->strip.n; i++) {
		if (pol->strip.len[i] == len && !memcmp(pol->strip.prefix[i], prefix, len))
			return i;
	}
	return -1;
}

int sip_alg_nl_strip_add(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	char prefix[SIP_ALG_STRIP_MAX_LEN];
	struct sip_alg_policy *pol;
	int len, ret = 0;

	len = sip_alg_nl_prefix(info, prefix);
	if (len < 0)
		return len;

	mutex_lock(&sn->policy_mutex);
	pol = sip_alg_policy_locked(sn);
	if (sip_alg_strip_find(pol, prefix, len) >= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_STRIP_PREFIX],
				    "the SDP line prefix is already stripped");
		ret = -EEXIST;
		goto unlock;
	}
	if (pol && pol->strip.n >= SIP_ALG_MAX_STRIP) {
		NL_SET_ERR_MSG(info->extack, "the SDP strip list is full (16 prefixes)");
		ret = -ENOSPC;
		goto unlock;
	}
	pol = sip_alg_policy_copy(sn);
	if (!pol) {
		ret = -ENOMEM;
		goto unlock;
	}
	memcpy(pol->strip.prefix[pol->strip.n], prefix, SIP_ALG_STRIP_MAX_LEN);
	pol->strip.len[pol->strip.n++] = len;
	sip_alg_policy_replace(sn, pol);
unlock:
	mutex_unlock(&sn->policy_mutex);
	return ret;
}

int sip_alg_nl_strip_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	char prefix[SIP_ALG_STRIP_MAX_LEN];
	struct sip_alg_strip *strip;
	struct sip_alg_policy *pol;
	int i, len, ret = 0;

	len = sip_alg_nl_prefix(info, prefix);
	if (len < 0)
		return len;

	mutex_lock(&sn->policy_mutex);
	i = sip_alg_strip_find(sip_alg_policy_locked(sn), prefix, len);
	if (i < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_STRIP_PREFIX],
				    "the SDP line prefix is not in the strip list");
		ret = -ENOENT;
		goto unlock;
	}
	pol = sip_alg_policy_copy(sn);
	if (!pol) {
		ret = -ENOMEM;
		goto unlock;
	}
	strip = &pol->strip;
	strip->n--;
	memmove(&strip->len[i], &strip->len[i + 1], strip->n - i);
	memmove(strip->prefix[i], strip->prefix[i + 1], (strip->n - i) * sizeof(strip->prefix[0]));
	sip_alg_policy_replace(sn, pol);
unlock:
	mutex_unlock(&sn->policy_mutex);
	return ret;
}

/* One message per prefix; cb->args[0] is the next prefix to send. */
int sip_alg_nl_strip_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sip_alg_net *sn = sip_alg_pernet(sock_net(cb->skb->sk));
	const struct sip_alg_policy *pol;
	unsigned long i = cb->args[0];
	void *hdr;

	rcu_read_lock();
	pol = rcu_dereference(sn->policy);
	for (; pol && i < pol->strip.n; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &sip_alg_genl_family, NLM_F_MULTI, SIP_ALG_CMD_SDP_STRIP_GET);
		if (!hdr)
			break;
		if (nla_put_string(skb, SIP_ALG_A_STRIP_PREFIX, pol->strip.prefix[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}
