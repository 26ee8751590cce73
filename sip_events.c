// SPDX-License-Identifier: GPL-2.0
/*
 * Reports: the events of the sip_alg family (a call started, was answered,
 * held, resumed or ended, a message was not handled and why, a message was
 * rewritten and how), and the kernel log line of a message not handled.
 * Events are built in atomic context, and only when someone listens (in any
 * netns: the kernel keeps one listener map per netlink protocol).
 */
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack.h>

#include "sip_alg.h"
#include "sip_events.h"
#include "sip_nla.h"
#include "sip_stats.h"

/* The family the events go out on, and whether it is registered. */
static struct genl_family *sip_alg_events_family __read_mostly;
static bool sip_alg_events_on;

static bool sip_alg_event_wanted(const struct sip_alg_net *sn)
{
	/* Acquire: the family is set before events are on. */
	return smp_load_acquire(&sip_alg_events_on) && !READ_ONCE(sn->exiting) &&
	       genl_has_listeners(sip_alg_events_family, sn->net, SIP_ALG_MCGRP_EVENTS_ID);
}

static struct sk_buff *sip_alg_event_new(enum sip_alg_event_type type, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, sip_alg_events_family, 0, SIP_ALG_CMD_EVENT);
	if (!*hdr || nla_put_u8(skb, SIP_ALG_A_EVENT_TYPE, type)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void sip_alg_event_send(struct sip_alg_net *sn, struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(sip_alg_events_family, sn->net, skb, 0,
				SIP_ALG_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

static int sip_alg_event_tuple(struct sk_buff *skb, const struct nf_conntrack_tuple *t)
{
	u8 family = sip_alg_tuple_family(t);

	if (nla_put_u8(skb, SIP_ALG_A_EVENT_FAMILY, family == 4 ? AF_INET : AF_INET6) ||
	    sip_alg_nla_put_addr(skb, SIP_ALG_A_EVENT_SRC_ADDR, &t->src.u3, family) ||
	    nla_put_u16(skb, SIP_ALG_A_EVENT_SRC_PORT, ntohs(t->src.u.all)) ||
	    sip_alg_nla_put_addr(skb, SIP_ALG_A_EVENT_DST_ADDR, &t->dst.u3, family) ||
	    nla_put_u16(skb, SIP_ALG_A_EVENT_DST_PORT, ntohs(t->dst.u.all)))
		return -EMSGSIZE;
	return 0;
}

static void __sip_alg_event_call(struct sip_alg_net *sn, const char *callid, u16 len,
				 const struct nf_conntrack_zone *zone,
				 const struct nf_conntrack_tuple *sig,
				 enum sip_alg_event_type type, int end_reason)
{
	struct sk_buff *skb;
	void *hdr;

	if (!sip_alg_event_wanted(sn))
		return;
	skb = sip_alg_event_new(type, &hdr);
	if (!skb)
		return;
	if (sip_alg_nla_put_strn(skb, SIP_ALG_A_EVENT_CALL_ID, callid, len) ||
	    nla_put_u16(skb, SIP_ALG_A_EVENT_ZONE, zone->id) ||
	    (end_reason >= 0 && nla_put_u8(skb, SIP_ALG_A_EVENT_END_REASON, end_reason)) ||
	    nla_put_u8(skb, SIP_ALG_A_EVENT_MODE, READ_ONCE(sn->cfg.mode)) ||
	    sip_alg_event_tuple(skb, sig)) {
		nlmsg_free(skb);
		return;
	}
	sip_alg_event_send(sn, skb, hdr);
}

static int sip_alg_event_msg(struct sk_buff *skb, const struct sip_alg_pkt *p)
{
	if (nla_put_u8(skb, SIP_ALG_A_EVENT_MODE, READ_ONCE(p->sn->cfg.mode)) ||
	    sip_alg_event_tuple(skb, &p->ct->tuplehash[p->dir].tuple))
		return -EMSGSIZE;
	/* The message may be gone before its Call-ID was found. */
	if (p->buf && p->msg && p->msg->call_id.len &&
	    sip_alg_nla_put_strn(skb, SIP_ALG_A_EVENT_CALL_ID, p->buf + p->msg->call_id.off,
				 p->msg->call_id.len))
		return -EMSGSIZE;
	return 0;
}

static void __sip_alg_event_not_handled(const struct sip_alg_pkt *p, enum sip_alg_stat why)
{
	char buf[SIP_ALG_STAT_NAME_LEN];
	struct sk_buff *skb;
	const char *name;
	void *hdr;

	if (!sip_alg_event_wanted(p->sn))
		return;
	name = sip_alg_stat_name(why, buf, sizeof(buf));
	skb = sip_alg_event_new(SIP_ALG_EVENT_TYPE_NOT_HANDLED, &hdr);
	if (!skb)
		return;
	if (nla_put_string(skb, SIP_ALG_A_EVENT_REASON, name ?: "unknown") ||
	    sip_alg_event_msg(skb, p)) {
		nlmsg_free(skb);
		return;
	}
	sip_alg_event_send(p->sn, skb, hdr);
}

/*
 * Why a message was not handled, rate-limited. Not nf_ct_helper_log: it
 * says "dropping packet", and fail-open passes the packet.
 */
void sip_alg_log(const struct sip_alg_pkt *p, const char *verdict, const char *why)
{
	const struct nf_conntrack_tuple *t = &p->ct->tuplehash[p->dir].tuple;

	if (nf_ct_l3num(p->ct) == NFPROTO_IPV4)
		net_info_ratelimited("%s: %pI4:%u -> %pI4:%u: %s: %s\n", KBUILD_MODNAME,
				     &t->src.u3.ip, ntohs(t->src.u.all),
				     &t->dst.u3.ip, ntohs(t->dst.u.all), verdict, why);
	else
		net_info_ratelimited("%s: [%pI6c]:%u -> [%pI6c]:%u: %s: %s\n", KBUILD_MODNAME,
				     &t->src.u3.in6, ntohs(t->src.u.all),
				     &t->dst.u3.in6, ntohs(t->dst.u.all), verdict, why);
}

static const char *const sip_alg_field_names[SIP_ALG_F_NR] = {
	[SIP_ALG_F_REQUEST_URI]		= "request-uri",
	[SIP_ALG_F_VIA]			= "via",
	[SIP_ALG_F_FROM]		= "from",
	[SIP_ALG_F_TO]			= "to",
	[SIP_ALG_F_CONTACT]		= "contact",
	[SIP_ALG_F_ROUTE]		= "route",
	[SIP_ALG_F_RECORD_ROUTE]	= "record-route",
	[SIP_ALG_F_SDP_ORIGIN]		= "sdp-origin",
	[SIP_ALG_F_SDP_CONN]		= "sdp-conn",
	[SIP_ALG_F_SDP_MEDIA]		= "sdp-media-port",
	[SIP_ALG_F_SDP_RTCP]		= "sdp-rtcp",
};

/* Old and new text of an edit, cut to what an operator reads in one line. */
#define SIP_ALG_EVENT_TEXT_MAX	64

static int sip_alg_event_edit(struct sk_buff *skb, const struct sip_alg_pkt *p,
			      const struct sip_alg_edit *e)
{
	const char *field;
	struct nlattr *nest;

	if (e->field < SIP_ALG_F_NR)
		field = sip_alg_field_names[e->field];
	else
		field = e->repl_len ? "content-length" : "sdp-strip";

	nest = nla_nest_start(skb, SIP_ALG_A_EVENT_EDIT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SIP_ALG_A_EDIT_FIELD, field) ||
	    sip_alg_nla_put_strn(skb, SIP_ALG_A_EDIT_OLD, p->buf + e->off,
				 min_t(u16, e->len, SIP_ALG_EVENT_TEXT_MAX)) ||
	    sip_alg_nla_put_strn(skb, SIP_ALG_A_EDIT_NEW, e->repl, e->repl_len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The edits of one message; those that do not fit in one event are left out. */
static void __sip_alg_event_rewrite(const struct sip_alg_pkt *p,
				    const struct sip_alg_plan *plan)
{
	struct sk_buff *skb;
	unsigned int i;
	void *hdr;

	if (!sip_alg_event_wanted(p->sn))
		return;
	skb = sip_alg_event_new(SIP_ALG_EVENT_TYPE_REWRITE, &hdr);
	if (!skb)
		return;
	if (sip_alg_event_msg(skb, p)) {
		nlmsg_free(skb);
		return;
	}
	for (i = 0; i < plan->n_edits; i++) {
		if (sip_alg_event_edit(skb, p, &plan->edits[i]))
			break;
	}
	sip_alg_event_send(p->sn, skb, hdr);
}

void sip_alg_event_call(struct sip_alg_net *sn, const char *callid, u16 len,
			const struct nf_conntrack_zone *zone, const struct nf_conntrack_tuple *sig,
			enum sip_alg_event_type type, int end_reason)
{
	rcu_read_lock();
	__sip_alg_event_call(sn, callid, len, zone, sig, type, end_reason);
	rcu_read_unlock();
}

void sip_alg_event_not_handled(const struct sip_alg_pkt *p, enum sip_alg_stat why)
{
	rcu_read_lock();
	__sip_alg_event_not_handled(p, why);
	rcu_read_unlock();
}

void sip_alg_event_rewrite(const struct sip_alg_pkt *p, const struct sip_alg_plan *plan)
{
	rcu_read_lock();
	__sip_alg_event_rewrite(p, plan);
	rcu_read_unlock();
}

/*
 * While the module goes, the calls outlive the family by a little: events
 * stop here, and those under way (each is sent inside an RCU read section)
 * are waited for before the family is unregistered.
 */
void sip_alg_events_start(struct genl_family *family)
{
	sip_alg_events_family = family;
	/* Release: whoever sees events on sees the family. */
	smp_store_release(&sip_alg_events_on, true);
}

void sip_alg_events_stop(void)
{
	WRITE_ONCE(sip_alg_events_on, false);
	synchronize_rcu();
}
