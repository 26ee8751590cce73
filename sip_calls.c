// SPDX-License-Identifier: GPL-2.0
/*
 * The operator's view of the call table over netlink: calls with their
 * parties and pinholes (call-get, dumped or by Call-ID), and ending calls by
 * hand (call-del, calls-flush), which removes their pinholes and media flows
 * just as the end of the call would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/sock.h>

#include "sip_alg.h"
#include "sip_dialog.h"
#include "sip_netlink.h"
#include "sip_nla.h"

/* Established pins of one call whose packets are counted; the rest are not. */
#define SIP_ALG_CALL_MAX_COUNTS	64
/* The most a pin's nest takes (IPv6, counters with their padding). */
#define SIP_ALG_PIN_NEST_MAX	160

/* Room for a pin's packet counts, filled in once sn->lock is dropped. */
struct sip_alg_pin_count {
	struct nf_conntrack_tuple tuple;
	struct nlattr *packets;
	struct nlattr *bytes;
};

/* What one call's view needs between its fill under sn->lock and its counts. */
struct sip_alg_call_view {
	struct net *net;
	struct nf_conntrack_zone zone;
	bool acct;
	unsigned int n_counts;
	struct sip_alg_pin_count counts[SIP_ALG_CALL_MAX_COUNTS];
};

/*
 * Put the pins of @d as nested attributes into @skb, under sn->lock. Up to
 * @max established ones get room for their counters in @counts (when @acct).
 * With @truncated, pins that would not fit are left out and it says so;
 * without, that is -EMSGSIZE.
 */
static int sip_alg_pin_fill(struct sk_buff *skb, const struct sip_alg_dialog *d, bool acct,
			    struct sip_alg_pin_count *counts, unsigned int *n, unsigned int max,
			    bool *truncated)
{
	u8 family = sip_alg_tuple_family(&d->sig);
	const struct sip_alg_pin *pin;
	struct sip_alg_pin_count *c;
	struct nlattr *nest;

	list_for_each_entry(pin, &d->pins.list, list) {
		if (truncated && skb_tailroom(skb) < SIP_ALG_PIN_NEST_MAX) {
			*truncated = true;
			return 0;
		}
		nest = nla_nest_start(skb, SIP_ALG_A_CALL_PIN);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u8(skb, SIP_ALG_A_PIN_CLASS, sip_alg_pin_class(pin)) ||
		    nla_put_u8(skb, SIP_ALG_A_PIN_NAT, pin->nat) ||
		    nla_put_u8(skb, SIP_ALG_A_PIN_MEDIA, pin->media) ||
		    sip_alg_nla_put_addr(skb, SIP_ALG_A_PIN_INSIDE_ADDR, sip_alg_pin_real_addr(pin),
					 family) ||
		    nla_put_u16(skb, SIP_ALG_A_PIN_INSIDE_PORT, sip_alg_pin_real_port(pin)) ||
		    sip_alg_nla_put_addr(skb, SIP_ALG_A_PIN_OUTSIDE_ADDR, sip_alg_pin_pub_addr(pin),
					 family) ||
		    nla_put_u16(skb, SIP_ALG_A_PIN_OUTSIDE_PORT, sip_alg_pin_pub_port(pin)) ||
		    (pin->has_ct && nla_put_flag(skb, SIP_ALG_A_PIN_ESTABLISHED)))
			goto cancel;
		if (pin->has_ct && acct && *n < max) {
			c = &counts[*n];
			c->packets = nla_reserve_64bit(skb, SIP_ALG_A_PIN_PACKETS, sizeof(u64),
						       SIP_ALG_A_PIN_PAD);
			c->bytes = nla_reserve_64bit(skb, SIP_ALG_A_PIN_BYTES, sizeof(u64),
						     SIP_ALG_A_PIN_PAD);
			if (!c->packets || !c->bytes)
				goto cancel;
			memset(nla_data(c->packets), 0, sizeof(u64));
			memset(nla_data(c->bytes), 0, sizeof(u64));
			sip_alg_pin_ct_tuple(pin, &c->tuple);
			(*n)++;
		}
		nla_nest_end(skb, nest);
	}
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Without sn->lock: the counters of the conntracks the pins became. */
static void sip_alg_pin_fill_counts(struct net *net, const struct nf_conntrack_zone *zone,
				    const struct sip_alg_pin_count *counts, unsigned int n)
{
	const struct nf_conntrack_tuple_hash *h;
	const struct nf_conn_acct *acct;
	struct nf_conn *ct;
	u64 packets, bytes;

	while (n--) {
		h = nf_conntrack_find_get(net, zone, &counts[n].tuple);
		if (!h)
			continue;
		ct = nf_ct_tuplehash_to_ctrack(h);
		acct = nf_conn_acct_find(ct);
		if (acct) {
			packets = atomic64_read(&acct->counter[IP_CT_DIR_ORIGINAL].packets) +
				  atomic64_read(&acct->counter[IP_CT_DIR_REPLY].packets);
			bytes = atomic64_read(&acct->counter[IP_CT_DIR_ORIGINAL].bytes) +
				atomic64_read(&acct->counter[IP_CT_DIR_REPLY].bytes);
			memcpy(nla_data(counts[n].packets), &packets, sizeof(packets));
			memcpy(nla_data(counts[n].bytes), &bytes, sizeof(bytes));
		}
		nf_ct_put(ct);
	}
}

/*
 * One call, under sn->lock. With @truncate, pins that do not fit are left
 * out (and the call says so) instead of failing: for a call alone in its
 * message, failing would never end.
 */
static int sip_alg_call_fill(struct sk_buff *skb, const struct sip_alg_dialog *d,
			     u32 portid, u32 seq, int flags, struct sip_alg_call_view *v,
			     bool truncate)
{
	u8 family = sip_alg_tuple_family(&d->sig);
	long left = (long)(d->deadline - jiffies);
	bool truncated = false;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &sip_alg_genl_family, flags, SIP_ALG_CMD_CALL_GET);
	if (!hdr)
		return -EMSGSIZE;
	v->zone = d->zone;
	v->n_counts = 0;
	if (sip_alg_nla_put_strn(skb, SIP_ALG_A_CALL_ID, d->callid, d->callid_len) ||
	    nla_put_u16(skb, SIP_ALG_A_CALL_ZONE, d->zone.id) ||
	    nla_put_u8(skb, SIP_ALG_A_CALL_STATE, d->call.state) ||
	    nla_put_u32(skb, SIP_ALG_A_CALL_AGE, (jiffies - d->created) / HZ) ||
	    nla_put_u32(skb, SIP_ALG_A_CALL_EXPIRES, left > 0 ? left / HZ : 0) ||
	    sip_alg_nla_put_strn(skb, SIP_ALG_A_CALL_FROM, sip_alg_dialog_from(d),
				 d->from_len) ||
	    sip_alg_nla_put_strn(skb, SIP_ALG_A_CALL_TO, sip_alg_dialog_to(d), d->to_len) ||
	    nla_put_u8(skb, SIP_ALG_A_CALL_FAMILY, family == 4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(skb, SIP_ALG_A_CALL_L4PROTO, d->sig.dst.protonum) ||
	    sip_alg_nla_put_addr(skb, SIP_ALG_A_CALL_SRC_ADDR, &d->sig.src.u3, family) ||
	    nla_put_u16(skb, SIP_ALG_A_CALL_SRC_PORT, ntohs(d->sig.src.u.all)) ||
	    sip_alg_nla_put_addr(skb, SIP_ALG_A_CALL_DST_ADDR, &d->sig.dst.u3, family) ||
	    nla_put_u16(skb, SIP_ALG_A_CALL_DST_PORT, ntohs(d->sig.dst.u.all)) ||
	    sip_alg_pin_fill(skb, d, v->acct, v->counts, &v->n_counts,
			     SIP_ALG_CALL_MAX_COUNTS, truncate ? &truncated : NULL) ||
	    (truncated && nla_put_flag(skb, SIP_ALG_A_CALL_PINS_TRUNCATED))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static struct sip_alg_call_view *sip_alg_call_view_new(struct net *net)
{
	struct sip_alg_call_view *v = kmalloc(sizeof(*v), GFP_KERNEL);

	if (v) {
		v->net = net;
		v->acct = nf_ct_acct_enabled(net);
	}
	return v;
}

static struct sip_alg_dialog *sip_alg_call_find(struct sip_alg_net *sn,
						struct genl_info *info)
{
	const struct nlattr *id = info->attrs[SIP_ALG_A_CALL_ID];
	u16 zone = 0;
	int len;

	if (info->attrs[SIP_ALG_A_CALL_ZONE])
		zone = nla_get_u16(info->attrs[SIP_ALG_A_CALL_ZONE]);
	/* A Call-ID sent as a C string carries its terminator. */
	len = nla_len(id);
	if (len && ((const char *)nla_data(id))[len - 1] == '\0')
		len--;
	return sip_alg_dialog_lookup(sn, zone, nla_data(id), len);
}

int sip_alg_nl_call_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sip_alg_net *sn = sip_alg_pernet(net);
	const struct sip_alg_dialog *d;
	struct sip_alg_call_view *v;
	struct sk_buff *msg = NULL;
	size_t size = 0;
	int err = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_CALL_ID))
		return -EINVAL;

	/* Size the reply to the call, then fill it: the lock is dropped between. */
	spin_lock_bh(&sn->lock);
	d = sip_alg_call_find(sn, info);
	if (d)
		size = NLMSG_GOODSIZE + d->callid_len + d->pins.n * SIP_ALG_PIN_NEST_MAX;
	spin_unlock_bh(&sn->lock);
	if (!d)
		goto not_found;

	v = sip_alg_call_view_new(net);
	if (v)
		msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		kfree(v);
		return -ENOMEM;
	}
	spin_lock_bh(&sn->lock);
	d = sip_alg_call_find(sn, info);
	if (d)
		err = sip_alg_call_fill(msg, d, info->snd_portid, info->snd_seq, 0, v, true);
	spin_unlock_bh(&sn->lock);
	if (!err)
		sip_alg_pin_fill_counts(net, &v->zone, v->counts, v->n_counts);
	kfree(v);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			goto not_found;
		return err;
	}
	return genlmsg_reply(msg, info);

not_found:
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_CALL_ID],
			    "no call with this Call-ID");
	return -ENOENT;
}

/*
 * The dump walks the call table with an iterator of its own, kept in
 * cb->args[0] from start to done. One call per lock hold, its counts
 * filled in with the lock dropped. A call that comes or goes meanwhile,
 * or a resize of the table, may have a call missed or sent twice, as with
 * any netlink dump of a live table.
 */
int sip_alg_nl_call_dump_start(struct netlink_callback *cb)
{
	struct sip_alg_net *sn = sip_alg_pernet(sock_net(cb->skb->sk));
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return -ENOMEM;
	sip_alg_dialog_walk_enter(sn, iter);
	cb->args[0] = (unsigned long)iter;
	return 0;
}

int sip_alg_nl_call_dump_done(struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];

	rhashtable_walk_exit(iter);
	kfree(iter);
	return 0;
}

int sip_alg_nl_call_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)cb->args[0];
	struct net *net = sock_net(skb->sk);
	struct sip_alg_net *sn = sip_alg_pernet(net);
	struct sip_alg_call_view *v;
	struct sip_alg_dialog *d;
	bool live;
	int err;

	v = sip_alg_call_view_new(net);
	if (!v)
		return -ENOMEM;
	rhashtable_walk_start(iter);
	/* A call that does not fit stays next, for the following message. */
	while ((d = sip_alg_dialog_walk_peek(iter))) {
		err = 0;
		spin_lock_bh(&sn->lock);
		live = d->source;
		if (live)
			err = sip_alg_call_fill(skb, d, NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq, NLM_F_MULTI, v, !skb->len);
		spin_unlock_bh(&sn->lock);
		if (err)
			break;
		if (live)
			sip_alg_pin_fill_counts(net, &v->zone, v->counts, v->n_counts);
		sip_alg_dialog_walk_next(iter);
	}
	rhashtable_walk_stop(iter);
	kfree(v);
	return skb->len;
}

int sip_alg_nl_call_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	struct sip_alg_dialog *d;
	LIST_HEAD(dead);

	if (GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_CALL_ID))
		return -EINVAL;

	spin_lock_bh(&sn->lock);
	d = sip_alg_call_find(sn, info);
	if (d)
		sip_alg_dialog_kill(sn, d, &dead);
	spin_unlock_bh(&sn->lock);

	if (!d) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_CALL_ID],
				    "no call with this Call-ID");
		return -ENOENT;
	}
	sip_alg_dialog_reap(sn, &dead);
	return 0;
}

int sip_alg_nl_calls_flush(struct sk_buff *skb, struct genl_info *info)
{
	sip_alg_dialog_flush(sip_alg_pernet(genl_info_net(info)));
	return 0;
}
