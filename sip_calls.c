// SPDX-License-Identifier: GPL-2.0
/*
 * The operator's view of the dialog table over netlink: calls with their
 * parties and pinholes (call-get, dumped or by Call-ID), and ending calls by
 * hand (call-del, calls-flush), which removes their pinholes and media flows
 * just as the end of the call would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "sip_alg.h"
#include "sip_dialog.h"
#include "sip_netlink.h"

/* Media conntracks looked up for one call's counters; more go uncounted. */
#define SIP_ALG_CALL_MAX_HELD	64

static_assert((int)SIP_ALG_DLG_EARLY == SIP_ALG_CALL_STATE_EARLY);
static_assert((int)SIP_ALG_DLG_CONFIRMED == SIP_ALG_CALL_STATE_CONFIRMED);
static_assert((int)SIP_ALG_DLG_REGISTERED == SIP_ALG_CALL_STATE_REGISTERED);
static_assert((int)SIP_ALG_DLG_ENDING == SIP_ALG_CALL_STATE_ENDING);

/* One call, under sn->lock. */
static int sip_alg_call_fill(struct sk_buff *skb, struct sip_alg_net *sn,
			     const struct sip_alg_dialog *d, u32 portid, u32 seq, int flags,
			     struct nf_conn **held, unsigned int *n_held)
{
	u8 family = d->sig.src.l3num == NFPROTO_IPV4 ? 4 : 6;
	long left = (long)(d->deadline - jiffies);
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &sip_alg_genl_family, flags, SIP_ALG_CMD_CALL_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (sip_alg_nla_put_strn(skb, SIP_ALG_A_CALL_ID, d->callid, d->callid_len) ||
	    nla_put_u16(skb, SIP_ALG_A_CALL_ZONE, d->zone.id) ||
	    nla_put_u8(skb, SIP_ALG_A_CALL_STATE, d->state) ||
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
	    nla_put_u16(skb, SIP_ALG_A_CALL_DST_PORT, ntohs(d->sig.dst.u.all)))
		goto cancel;
	err = sip_alg_pin_fill(skb, sn, d, held, n_held, SIP_ALG_CALL_MAX_HELD);
	if (err)
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void sip_alg_put_held(struct nf_conn **held, unsigned int n)
{
	while (n)
		nf_ct_put(held[--n]);
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
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	struct nf_conn *held[SIP_ALG_CALL_MAX_HELD];
	const struct sip_alg_dialog *d;
	unsigned int n_held = 0;
	struct sk_buff *msg;
	int err = 0;

	if (GENL_REQ_ATTR_CHECK(info, SIP_ALG_A_CALL_ID))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	spin_lock_bh(&sn->lock);
	d = sip_alg_call_find(sn, info);
	if (d)
		err = sip_alg_call_fill(msg, sn, d, info->snd_portid, info->snd_seq, 0,
					held, &n_held);
	spin_unlock_bh(&sn->lock);
	sip_alg_put_held(held, n_held);

	if (!d) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIP_ALG_A_CALL_ID],
				    "no call with this Call-ID");
		err = -ENOENT;
	} else if (err) {
		NL_SET_ERR_MSG(info->extack, "the call does not fit in one message");
	}
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * cb->args[0] is the bucket, cb->args[1] how many calls of it were sent. One
 * call per lock hold, so that the media conntracks its counters came from
 * are put with the lock dropped. A call that comes or goes meanwhile may be
 * missed or sent twice, as with any netlink dump of a live table.
 */
int sip_alg_nl_call_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sip_alg_net *sn = sip_alg_pernet(sock_net(skb->sk));
	struct nf_conn *held[SIP_ALG_CALL_MAX_HELD];
	unsigned long bucket = cb->args[0];
	unsigned long skip = cb->args[1];
	struct sip_alg_dialog *d;
	unsigned int n_held;
	unsigned long idx;
	bool found;
	int err;

	for (; bucket < (1UL << SIP_ALG_DIALOG_HASH_BITS); bucket++, skip = 0) {
		for (;; skip++) {
			found = false;
			err = 0;
			n_held = 0;
			idx = 0;
			spin_lock_bh(&sn->lock);
			hlist_for_each_entry(d, &sn->dialogs[bucket], by_callid) {
				if (idx++ != skip)
					continue;
				found = true;
				err = sip_alg_call_fill(skb, sn, d, NETLINK_CB(cb->skb).portid,
							cb->nlh->nlmsg_seq, NLM_F_MULTI,
							held, &n_held);
				break;
			}
			spin_unlock_bh(&sn->lock);
			sip_alg_put_held(held, n_held);
			if (err)
				goto out;
			if (!found)
				break;
		}
	}
out:
	cb->args[0] = bucket;
	cb->args[1] = skip;
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
	struct sip_alg_net *sn = sip_alg_pernet(genl_info_net(info));
	unsigned long bucket;

	for (bucket = 0; bucket < (1UL << SIP_ALG_DIALOG_HASH_BITS); bucket++) {
		struct sip_alg_dialog *d;
		struct hlist_node *n;
		LIST_HEAD(dead);

		spin_lock_bh(&sn->lock);
		hlist_for_each_entry_safe(d, n, &sn->dialogs[bucket], by_callid)
			sip_alg_dialog_kill(sn, d, &dead);
		spin_unlock_bh(&sn->lock);
		sip_alg_dialog_reap(sn, &dead);
		cond_resched();
	}
	return 0;
}
