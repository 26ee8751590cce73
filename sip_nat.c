// SPDX-License-Identifier: GPL-2.0
/*
 * The NAT half: which addresses the translation changed, and writing the
 * planned edits into the packet.
 *
 * For a message travelling in conntrack direction d, the sender's real
 * address is tuple[d].src and the far side knows it as tuple[!d].dst; the
 * receiver's address as the sender wrote it is tuple[d].dst and the receiver
 * really is tuple[!d].src. That one rule serves masquerade (phone inside) and
 * a static dnat (PBX inside) alike, in both directions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/udp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_helper.h>

#include "sip_alg.h"
#include "sip_events.h"
#include "sip_policy.h"

static bool sip_alg_tuple_addr_eq(const union nf_inet_addr *a, const struct sip_alg_endpoint *e)
{
	return !memcmp(a, e->addr, e->family == 4 ? 4 : 16);
}

static void sip_alg_endpoint_set(struct sip_alg_endpoint *e, const union nf_inet_addr *a,
				 u8 family)
{
	e->family = family;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, a, family == 4 ? 4 : 16);
}

bool sip_alg_nat_dir(const struct nf_conn *ct, enum ip_conntrack_dir dir,
		     enum sip_alg_dir *nat_dir)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;
	const struct nf_conntrack_tuple *r = &ct->tuplehash[!dir].tuple;

	if (!(ct->status & IPS_NAT_MASK))
		return false;
	if (!nf_inet_addr_cmp(&t->src.u3, &r->dst.u3) || t->src.u.all != r->dst.u.all) {
		*nat_dir = SIP_ALG_OUTBOUND;
		return true;
	}
	if (!nf_inet_addr_cmp(&t->dst.u3, &r->src.u3) || t->dst.u.all != r->src.u.all) {
		*nat_dir = SIP_ALG_INBOUND;
		return true;
	}
	return false;
}

/* @addr is the one the NAT changed of the sender of a message in @dir. */
bool sip_alg_map_sender(const struct nf_conn *ct, enum ip_conntrack_dir dir,
			const union nf_inet_addr *addr)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;

	return nf_inet_addr_cmp(addr, &t->src.u3) &&
	       !nf_inet_addr_cmp(&t->src.u3, &ct->tuplehash[!dir].tuple.dst.u3);
}

/* @addr is the public address of the receiver of a message in @dir. */
bool sip_alg_map_receiver(const struct nf_conn *ct, enum ip_conntrack_dir dir,
			  const union nf_inet_addr *addr)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;

	return nf_inet_addr_cmp(addr, &t->dst.u3) &&
	       !nf_inet_addr_cmp(&t->dst.u3, &ct->tuplehash[!dir].tuple.src.u3);
}

/*
 * @seen is the receiver's public address with a port other than this
 * flow's. In a hairpin call it is another inside host, whose own flow to
 * the sender of this message was given that port: then it is left as the
 * sender wrote it, the way the sender (a proxy) reaches that host, and
 * false is returned. A flow of the receiver's own gives its exact inside
 * endpoint; with no flow at all, the port is taken to be one the receiver
 * listens on, kept as it was (a TCP Contact, rewritten by address alone).
 */
static bool sip_alg_nat_receiver_port(const struct sip_alg_pkt *p,
				      const struct sip_alg_endpoint *seen,
				      struct sip_alg_endpoint *out)
{
	const struct nf_conntrack_tuple *t = &p->ct->tuplehash[p->dir].tuple;
	const struct nf_conntrack_tuple *r = &p->ct->tuplehash[!p->dir].tuple;
	const struct nf_conntrack_tuple_hash *h;
	const struct nf_conntrack_tuple *inside;
	struct nf_conntrack_tuple tuple;
	struct nf_conn *owner;
	bool ours;

	memset(&tuple, 0, sizeof(tuple));
	tuple.src.l3num = t->src.l3num;
	tuple.src.u3 = t->src.u3;
	tuple.src.u.all = t->src.u.all;
	tuple.dst.u3 = t->dst.u3;
	tuple.dst.u.all = htons(seen->port);
	tuple.dst.protonum = t->dst.protonum;
	h = nf_conntrack_find_get(nf_ct_net(p->ct), nf_ct_zone(p->ct), &tuple);
	if (!h) {
		sip_alg_endpoint_set(out, &r->src.u3, seen->family);
		out->has_port = 1;
		out->port = seen->port;
		return true;
	}
	owner = nf_ct_tuplehash_to_ctrack(h);
	inside = &owner->tuplehash[!NF_CT_DIRECTION(h)].tuple;
	ours = nf_inet_addr_cmp(&inside->src.u3, &r->src.u3);
	if (ours) {
		sip_alg_endpoint_set(out, &inside->src.u3, seen->family);
		out->has_port = 1;
		out->port = ntohs(inside->src.u.all);
	}
	nf_ct_put(owner);
	return ours;
}

/*
 * The planner's callback. SDP media ports were chosen when their pinholes
 * were opened (sip_dialog.c); everything else follows the address rule.
 */
static bool sip_alg_nat_map(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
			    const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	const struct sip_alg_pkt *p = ctx;
	const struct nf_conntrack_tuple *t = &p->ct->tuplehash[p->dir].tuple;
	const struct nf_conntrack_tuple *r = &p->ct->tuplehash[!p->dir].tuple;
	u8 family = sip_alg_ct_family(p->ct);

	if (seen->family != family)
		return false;

	if (occ->field == SIP_ALG_F_SDP_MEDIA || occ->field == SIP_ALG_F_SDP_RTCP) {
		const struct sip_alg_media_map *map;

		if (!p->media || occ->media >= p->sdp->n_media)
			return false;
		map = &p->media[occ->media];
		if (!map->mapped)
			return false;
		sip_alg_endpoint_set(out, &map->addr, family);
		out->has_port = 1;
		out->port = occ->field == SIP_ALG_F_SDP_MEDIA ? map->rtp_port : map->rtcp_port;
		return true;
	}

	if (sip_alg_tuple_addr_eq(&t->src.u3, seen) &&
	    !nf_inet_addr_cmp(&t->src.u3, &r->dst.u3)) {
		sip_alg_endpoint_set(out, &r->dst.u3, family);
		out->has_port = seen->has_port;
		out->port = seen->port == ntohs(t->src.u.all) ? ntohs(r->dst.u.all) : seen->port;
		return true;
	}
	if (sip_alg_tuple_addr_eq(&t->dst.u3, seen) &&
	    !nf_inet_addr_cmp(&t->dst.u3, &r->src.u3)) {
		/*
		 * Media sent to the receiver's public address is another
		 * inside party's (a hairpin call): its pinholes take it in
		 * there, and only its own call knows where it leads.
		 */
		if (occ->field == SIP_ALG_F_SDP_CONN || occ->field == SIP_ALG_F_SDP_ORIGIN)
			return false;
		if (seen->has_port && seen->port != ntohs(t->dst.u.all))
			return sip_alg_nat_receiver_port(p, seen, out);
		sip_alg_endpoint_set(out, &r->src.u3, family);
		out->has_port = seen->has_port;
		out->port = seen->port == ntohs(t->dst.u.all) ? ntohs(r->src.u.all) : seen->port;
		return true;
	}
	/* Not the packet's own address: the operator's static maps may know it. */
	return p->nat && sip_alg_map_lookup(p->sn, dir, seen, out);
}

/*
 * Plan the edits of the current message and write them with one payload
 * rewrite: the bytes from the first edit to the end of the message are
 * replaced at once, so the checksum (and for TCP the sequence adjustment) is
 * done once whatever the number of edits.
 */
int sip_alg_nat_rewrite(struct sip_alg_pkt *p, struct sip_alg_plan *plan, char *out)
{
	unsigned int payload, first;
	s32 len;
	bool ok;
	int err;

	err = sip_alg_plan(p->buf, p->msg, p->sdp, p->nat_dir, sip_alg_nat_map, p,
			   p->sdp ? sip_alg_strip_get(p->sn) : NULL, plan);
	if (err) {
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_PLAN);
		sip_alg_event_not_handled(p, SIP_ALG_STAT_FAIL_PLAN);
		return 0;
	}
	if (!plan->n_edits)
		return 0;
	if (READ_ONCE(p->sn->cfg.mode) == SIP_ALG_MODE_OBSERVE) {
		sip_alg_event_rewrite(p, plan);
		return 0;
	}

	len = sip_alg_apply(p->buf, p->msg->msg_len, plan, out,
			    SIP_ALG_MAX_MSG_LEN + SIP_ALG_MAX_EDITS * SIP_ALG_EDIT_MAX_REPL);
	if (len < 0 || len > SIP_ALG_MAX_MSG_LEN) {
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_PLAN);
		sip_alg_event_not_handled(p, SIP_ALG_STAT_FAIL_PLAN);
		return 0;
	}

	first = plan->edits[0].off;
	if (nf_ct_protonum(p->ct) == IPPROTO_TCP && !nfct_seqadj(p->ct)) {
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_MANGLE);
		sip_alg_event_not_handled(p, SIP_ALG_STAT_FAIL_MANGLE);
		sip_alg_log(p, "passed unmodified", "no sequence adjustment on this flow");
		return 0;
	}
	/* Now: the mangle may move the packet's data, and p->buf with it. */
	sip_alg_event_rewrite(p, plan);
	if (nf_ct_protonum(p->ct) == IPPROTO_TCP) {
		payload = p->dataoff - p->payloadoff;
		/* The sequence adjustment is the helper's, once per packet. */
		ok = __nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff,
						payload + first, p->msg->msg_len - first,
						out + first, len - first, false);
	} else {
		payload = p->dataoff - p->protoff - sizeof(struct udphdr);
		ok = nf_nat_mangle_udp_packet(p->skb, p->ct, p->ctinfo, p->protoff,
					      payload + first, p->msg->msg_len - first,
					      out + first, len - first);
	}
	if (!ok) {
		/* Nothing was written: the message goes on as it came. */
		p->buf = NULL;
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_MANGLE);
		sip_alg_event_not_handled(p, SIP_ALG_STAT_FAIL_MANGLE);
		sip_alg_log(p, "passed unmodified", "cannot resize the packet");
		return 0;
	}
	sip_alg_count(p->sn, SIP_ALG_STAT_REWRITTEN);
	this_cpu_add(p->sn->stats->v[SIP_ALG_STAT_EDITS], plan->n_edits);
	return len - (s32)p->msg->msg_len;
}

/*
 * A connection a pin expected: @dnat forwards it to the inside endpoint at
 * @addr:@port, else it is the endpoint's own flow leaving from @addr:@port.
 */
void sip_alg_nat_expected(struct nf_conn *ct, const union nf_inet_addr *addr, u16 port,
			  bool dnat)
{
	struct nf_nat_range2 range = {};

	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr = *addr;
	range.max_addr = *addr;
	range.min_proto.all = htons(port);
	range.max_proto.all = htons(port);
	nf_nat_setup_info(ct, &range, dnat ? NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC);
}
