// SPDX-License-Identifier: GPL-2.0
/*
 * Pinholes: the expectations a dialog opens, and the conntracks they become.
 *
 * For a media stream announced by an inside endpoint the router picks a
 * public RTP/RTCP pair (the endpoint's own ports when free) and expects the
 * far side's media there, translated back to the endpoint. When the pair had
 * to differ from the endpoint's ports, a second expectation makes the
 * endpoint's own outgoing media leave from the announced public ports too,
 * whichever side speaks first. A 2xx to a REGISTER opens the registered
 * contact to the registrar.
 *
 * Pins live on their call's list and in sn->pins, hashed by what their
 * expectation waits for (destination address, port and protocol); both
 * changed under sn->lock, which the look-ups hold too. That one table
 * finds the pin of an expectation that matched and tells whether a new
 * expectation would replace one of ours.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "sip_alg.h"
#include "sip_compat.h"
#include "sip_events.h"
#include "sip_pinhole.h"
#include "sip_policy.h"

/* How far the media port search goes before giving up. */
#define SIP_ALG_PORT_TRIES		128

/* What one expectation should match and where it leads. */
struct sip_alg_pin_spec {
	u8 class;
	u8 nat;
	u8 l4proto;
	u8 media;
	u8 side;				/* conntrack direction of the announcer */
	bool assign_helper;
	bool permanent;				/* stays for every connection it matches */
	unsigned int timeout;			/* seconds; 0: the class policy's */
	const union nf_inet_addr *saddr;	/* NULL: from anyone */
	u16 sport;				/* 0: from any port */
	union nf_inet_addr daddr;
	u16 dport;
	union nf_inet_addr real_addr;		/* the endpoint's own address and port */
	u16 real_port;
};

static struct kmem_cache *sip_alg_pin_cache __read_mostly;

/* What pins are found by: the end their expectation waits at. */
struct sip_alg_pin_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 protonum;
};

static void sip_alg_pin_key_of(const struct nf_conntrack_tuple *t, struct sip_alg_pin_key *k)
{
	memset(k, 0, sizeof(*k));
	k->addr = t->dst.u3;
	k->port = t->dst.u.all;
	k->protonum = t->dst.protonum;
}

static u32 sip_alg_pin_hash(const void *data, u32 len, u32 seed)
{
	const struct sip_alg_pin_key *k = data;

	return jhash2(k->addr.all, ARRAY_SIZE(k->addr.all),
		      seed ^ ((__force u32)k->port << 8) ^ k->protonum);
}

/* A pin keeps no copy of its key: it is its expectation's. */
static u32 sip_alg_pin_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct sip_alg_pin *pin = data;
	struct sip_alg_pin_key k;

	sip_alg_pin_key_of(&pin->exp->tuple, &k);
	return sip_alg_pin_hash(&k, len, seed);
}

static int sip_alg_pin_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct nf_conntrack_tuple *t = &((const struct sip_alg_pin *)obj)->exp->tuple;
	const struct sip_alg_pin_key *k = arg->key;

	return !(nf_inet_addr_cmp(&k->addr, &t->dst.u3) && k->port == t->dst.u.all &&
		 k->protonum == t->dst.protonum);
}

/* The table grows and shrinks with the pins of the namespace. */
static const struct rhashtable_params sip_alg_pin_params = {
	.head_offset		= offsetof(struct sip_alg_pin, by_dst),
	.key_len		= sizeof(struct sip_alg_pin_key),
	.hashfn			= sip_alg_pin_hash,
	.obj_hashfn		= sip_alg_pin_obj_hash,
	.obj_cmpfn		= sip_alg_pin_cmp,
	.automatic_shrinking	= true,
};

/* The pins waiting at the destination of @t; under RCU. */
static struct rhlist_head *sip_alg_pins_at(struct sip_alg_net *sn,
					   const struct nf_conntrack_tuple *t)
{
	struct sip_alg_pin_key k;

	sip_alg_pin_key_of(t, &k);
	return rhltable_lookup(&sn->pins, &k, sip_alg_pin_params);
}

/*
 * Whether the expectation of @pin still waits in the kernel's table: it
 * may have been used up or have expired since, which only the table knows.
 */
static bool sip_alg_pin_waiting(struct net *net, const struct nf_conntrack_zone *zone,
				const struct sip_alg_pin *pin)
{
	struct nf_conntrack_expect *live;
	bool waiting;

	live = nf_ct_expect_find_get(net, zone, &pin->exp->tuple);
	waiting = live == pin->exp;
	if (live)
		nf_ct_expect_put(live);
	return waiting;
}

/*
 * The kernel replaces an expectation of the same master and tuple instead
 * of refusing it, which would steal another call's pinhole on a trunk.
 * Expectations of other masters it refuses itself (-EBUSY); those of the
 * same master are all ours, in sn->pins, where used-up ones stay until
 * their call ends.
 */
static bool sip_alg_pin_would_replace(struct sip_alg_net *sn,
				      const struct nf_conntrack_expect *exp)
{
	const struct sip_alg_pin *pin;
	struct rhlist_head *pos;
	bool replace = false;

	rcu_read_lock();
	rhl_for_each_entry_rcu(pin, pos, sip_alg_pins_at(sn, &exp->tuple), by_dst) {
		if (pin->exp->master != exp->master ||
		    !nf_ct_tuple_equal(&pin->exp->tuple, &exp->tuple) ||
		    !nf_ct_tuple_mask_equal(&pin->exp->mask, &exp->mask))
			continue;
		if (sip_alg_pin_waiting(sn->net, nf_ct_zone(exp->master), pin)) {
			replace = true;
			break;
		}
	}
	rcu_read_unlock();
	return replace;
}

/*
 * Count a pinhole that could not be opened. A plain one another call
 * already opened (-EBUSY) is shared, not failed; an inside stream's public
 * port taken is a port shortage.
 */
static void sip_alg_pin_failed(struct sip_alg_net *sn, u8 nat, int ret)
{
	if (!ret || (ret == -EBUSY && nat == SIP_ALG_PIN_NAT_PLAIN))
		return;
	sip_alg_count(sn, ret == -EBUSY ? SIP_ALG_STAT_FAIL_PORTS : SIP_ALG_STAT_EXPECT_FAILED);
}

static void sip_alg_addr_from(union nf_inet_addr *a, const struct sip_alg_hostport *hp)
{
	memset(a, 0, sizeof(*a));
	memcpy(a, hp->addr, hp->family == 4 ? 4 : 16);
}

static void sip_alg_pin_expected(struct nf_conn *ct, struct nf_conntrack_expect *exp);

/*
 * Whether a call may open @n more pinholes: within its own budget, its
 * source's and the namespace's, so that no sender can fill the kernel's
 * expectation table, which every helper of the namespace shares.
 */
static bool sip_alg_pin_budget(struct sip_alg_net *sn, const struct sip_alg_pins *ps,
			       unsigned int n)
{
	unsigned int ns_max = READ_ONCE(sn->cfg.max_pins);

	/*
	 * nf_conntrack_expect_max is not exported; it starts at four times
	 * the (exported) hash size, and that is what "automatic" follows.
	 */
	if (!ns_max)
		ns_max = READ_ONCE(nf_ct_expect_hsize) * 3;
	if (ps->n + n <= min_t(unsigned int, READ_ONCE(sn->cfg.max_call_pins), SIP_ALG_MAX_PINS) &&
	    (*ps->charged) + n <= READ_ONCE(sn->cfg.max_source_pins) && sn->n_pins + n <= ns_max)
		return true;
	sip_alg_count(sn, SIP_ALG_STAT_PINS_OVER_BUDGET);
	return false;
}

/*
 * Whether the signalling flow of @p may wait for one more expectation of
 * @class besides @more others of it being inserted with it (a pair).
 * Over its helper's policy limit the kernel evicts the flow's oldest
 * expectation of that class to make room, and on a trunk that is another
 * call's pinhole: the new one is refused instead, as over a budget
 * (pins_over_flow_limit). Our policy asks for no limit, but kernels from
 * 7.x on register it as NF_CT_EXPECT_MAX_CNT (255): the limit is read from
 * the helper the kernel registered, not from our policy. The count
 * includes expectations that timed out and wait for the conntrack GC,
 * which the kernel would evict first: a pinhole may be refused that it
 * would have let in.
 */
static bool sip_alg_pin_flow_room(const struct sip_alg_pkt *p, u8 class, unsigned int more)
{
	const struct nf_conn_help *help = nfct_help(p->ct);
	const struct nf_conntrack_helper *helper = rcu_dereference(help->helper);
	unsigned int max;

	/* NULL only while the helper is unregistered, which ends its expectations. */
	max = helper ? helper->expect_policy[class].max_expected : 0;
	if (!max || READ_ONCE(help->expecting[class]) + more < max)
		return true;
	sip_alg_count(p->sn, SIP_ALG_STAT_PINS_OVER_FLOW_LIMIT);
	sip_alg_log(p, "pinhole not opened",
		    "the signalling flow waits for as many of its class as the kernel allows");
	return false;
}

/*
 * A plain pinhole another call of ours already opened: the conntrack it
 * becomes may carry this call's media too, so neither call's end kills it.
 */
static void sip_alg_pin_share(struct sip_alg_net *sn, const struct nf_conntrack_expect *exp)
{
	struct rhlist_head *pos;
	struct sip_alg_pin *pin;

	rcu_read_lock();
	rhl_for_each_entry_rcu(pin, pos, sip_alg_pins_at(sn, &exp->tuple), by_dst) {
		if (pin->nat == SIP_ALG_PIN_NAT_PLAIN && sip_alg_pin_class(pin) == exp->class &&
		    nf_ct_tuple_equal(&pin->exp->tuple, &exp->tuple))
			pin->shared = 1;
	}
	rcu_read_unlock();
}

/* The pin and the expectation @spec asks for, not inserted yet. */
static struct sip_alg_pin *sip_alg_pin_make(struct sip_alg_pkt *p,
					    const struct sip_alg_pin_spec *spec)
{
	__be16 sport = htons(spec->sport), dport = htons(spec->dport);
	struct nf_conntrack_expect *exp;
	struct sip_alg_pin *pin;

	pin = kmem_cache_zalloc(sip_alg_pin_cache, GFP_ATOMIC);
	if (!pin)
		return NULL;
	exp = nf_ct_expect_alloc(p->ct);
	if (!exp) {
		kmem_cache_free(sip_alg_pin_cache, pin);
		return NULL;
	}
	nf_ct_expect_init(exp, spec->class, nf_ct_l3num(p->ct), spec->saddr, &spec->daddr,
			  spec->l4proto, spec->sport ? &sport : NULL, &dport);
	exp->expectfn = sip_alg_pin_expected;
	if (spec->permanent)
		exp->flags |= NF_CT_EXPECT_PERMANENT;
	/*
	 * Where the kernel has no assign_helper, nf_ct_expect_init() may have
	 * given the expectation its master's helper (Debian's 6.12 does), and
	 * the new conntrack would carry it: media must not.
	 */
	rcu_assign_pointer(sip_alg_exp_assign_helper(exp),
			   spec->assign_helper ? rcu_dereference(nfct_help(p->ct)->helper) : NULL);
	/* Where the translation leads, as nf_nat_sip keeps it; the pin reads it here. */
	if (spec->nat != SIP_ALG_PIN_NAT_PLAIN) {
		exp->saved_addr = spec->real_addr;
		exp->saved_proto.all = htons(spec->real_port);
		exp->dir = spec->nat == SIP_ALG_PIN_NAT_DNAT ? !spec->side : spec->side;
	}
	pin->exp = exp;
	pin->nat = spec->nat;
	pin->side = spec->side;
	pin->media = spec->media;
	return pin;
}

/* A pin that sip_alg_pin_make() made and that is in none of our tables. */
static void sip_alg_pin_unmake(struct sip_alg_pin *pin)
{
	nf_ct_expect_put(pin->exp);
	kmem_cache_free(sip_alg_pin_cache, pin);
}

/*
 * Open the @n pinholes of @spec (1, or 2: an RTP/RTCP pair, inserted into
 * the kernel's table with one call, both or neither) and add them to the
 * call. Nothing of a set that fails stays open.
 */
static int sip_alg_pin_open(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			    const struct sip_alg_pin_spec *const spec[], unsigned int n)
{
	struct nf_conntrack_expect *exp[2];
	struct sip_alg_pin *pin[2] = {};
	unsigned int i, j, more;
	int ret = -ENOMEM;

	if (WARN_ON_ONCE(!n || n > ARRAY_SIZE(pin)) || !sip_alg_pin_budget(p->sn, ps, n))
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		for (more = 0, j = 0; j < i; j++)
			more += spec[j]->class == spec[i]->class;
		if (!sip_alg_pin_flow_room(p, spec[i]->class, more))
			return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		pin[i] = sip_alg_pin_make(p, spec[i]);
		if (!pin[i])
			goto out;
		exp[i] = pin[i]->exp;
	}

	/* All our pins are added under sn->lock, so this check holds. */
	ret = 0;
	for (i = 0; i < n && !ret; i++) {
		if (sip_alg_pin_would_replace(p->sn, exp[i]))
			ret = -EBUSY;
	}
	if (!ret && n == 2)
		ret = sip_alg_ct_expect_related_pair(exp, 0);
	else if (!ret)
		ret = nf_ct_expect_related(exp[0], 0);
	for (i = 0; ret == -EBUSY && i < n; i++) {
		if (spec[i]->nat == SIP_ALG_PIN_NAT_PLAIN)
			sip_alg_pin_share(p->sn, exp[i]);
	}
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		if (spec[i]->timeout)
			sip_alg_exp_set_timeout(exp[i], spec[i]->timeout);
	}

	/* Their expectation function waits for sn->lock, so it finds the pins. */
	for (i = 0; i < n; i++) {
		ret = rhltable_insert(&p->sn->pins, &pin[i]->by_dst, sip_alg_pin_params);
		if (ret)
			break;
	}
	if (ret) {
		while (i--)
			rhltable_remove(&p->sn->pins, &pin[i]->by_dst, sip_alg_pin_params);
		for (i = 0; i < n; i++)
			nf_ct_unexpect_related(exp[i]);
		goto out;
	}
	for (i = 0; i < n; i++) {
		list_add_tail(&pin[i]->list, &ps->list);
		ps->n++;
		(*ps->charged)++;
		p->sn->n_pins++;
		sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_CREATED);
	}
	return 0;
out:
	for (i = 0; i < n; i++) {
		if (pin[i])
			sip_alg_pin_unmake(pin[i]);
	}
	return ret;
}

static int sip_alg_pin_add(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			   const struct sip_alg_pin_spec *spec)
{
	return sip_alg_pin_open(p, ps, &spec, 1);
}

/* Close a pin that is still in the tables. */
static void sip_alg_pin_del(struct sip_alg_net *sn, struct sip_alg_pins *ps,
			    struct sip_alg_pin *pin)
{
	/* Out of the table first: its hash is read from the expectation. */
	rhltable_remove(&sn->pins, &pin->by_dst, sip_alg_pin_params);
	nf_ct_unexpect_related(pin->exp);
	nf_ct_expect_put(pin->exp);
	list_del(&pin->list);
	ps->n--;
	(*ps->charged)--;
	sn->n_pins--;
	kmem_cache_free(sip_alg_pin_cache, pin);
	sip_alg_count(sn, SIP_ALG_STAT_EXPECT_REMOVED);
}

/* The newest pin @side opened for its stream at @addr, @port. */
static struct sip_alg_pin *sip_alg_pin_find(struct sip_alg_pins *ps, u8 class, u8 side,
					    const union nf_inet_addr *addr, u16 port)
{
	struct sip_alg_pin *pin;

	list_for_each_entry_reverse(pin, &ps->list, list) {
		if (sip_alg_pin_class(pin) == class && pin->side == side &&
		    pin->nat != SIP_ALG_PIN_NAT_SNAT && sip_alg_pin_real_port(pin) == port &&
		    nf_inet_addr_cmp(sip_alg_pin_real_addr(pin), addr))
			return pin;
	}
	return NULL;
}

/*
 * A stream announced again keeps its public port, and gets a pinhole there
 * again once @old, its newest, was used up or expired: the far side may
 * send from elsewhere now (a transfer, a media server, or its flow timed
 * out during a hold). A used pin stays, for its conntrack to be ended with
 * the call; an expired one is replaced, so that refreshes add nothing. The
 * new pin has no SNAT pin yet: the old one was single-use, for the old far
 * side.
 */
static void sip_alg_pin_renew(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			      struct sip_alg_pin_spec *spec, struct sip_alg_pin *old)
{
	if (!old || old->nat != spec->nat)
		return;
	spec->dport = sip_alg_pin_pub_port(old);
	if (!old->has_ct) {
		if (sip_alg_pin_waiting(p->sn->net, nf_ct_zone(p->ct), old))
			return;
		sip_alg_pin_del(p->sn, ps, old);
	}
	sip_alg_pin_failed(p->sn, spec->nat, sip_alg_pin_add(p, ps, spec));
}

/*
 * Reserve the public pair @port (RTP) and @port + 1 (RTCP) for an inside
 * stream, both pinholes inserted together. -EBUSY: another expectation
 * holds one of them, and neither was opened.
 */
static int sip_alg_pin_pair(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			    struct sip_alg_pin_spec *rtp, struct sip_alg_pin_spec *rtcp,
			    u16 port)
{
	const struct sip_alg_pin_spec *const pair[] = { rtp, rtcp };

	rtp->dport = port;
	if (!rtcp)
		return sip_alg_pin_add(p, ps, rtp);
	rtcp->dport = port + 1;
	return sip_alg_pin_open(p, ps, pair, ARRAY_SIZE(pair));
}

/*
 * The public address a static map gives the inside media host at @hp. It is
 * looked up as the planner does for the c= line naming the host, so that
 * the SDP's address and the pinholes agree.
 */
static bool sip_alg_pin_static_map(struct sip_alg_pkt *p, const struct sip_alg_hostport *hp,
				   union nf_inet_addr *pub)
{
	struct sip_alg_endpoint seen = { .family = hp->family }, out;

	memcpy(seen.addr, hp->addr, sizeof(seen.addr));
	if (!sip_alg_map_lookup(p->sn, SIP_ALG_OUTBOUND, &seen, &out))
		return false;
	memset(pub, 0, sizeof(*pub));
	memcpy(pub, out.addr, out.family == 4 ? 4 : 16);
	return true;
}

/*
 * Open the pinholes of stream @i announced by the sender of @p and fill
 * p->media[i] with what its SDP must say.
 */
static void sip_alg_pin_stream(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			       unsigned int i)
{
	const struct sdp_alg_media *m = &p->sdp->media[i];
	struct sip_alg_media_map *map = &p->media[i];
	struct sip_alg_pin_spec rtp = {}, rtcp;
	const struct sip_alg_addr *conn;
	struct sip_alg_pin *old;
	u16 port, tries;
	int ret;

	conn = sdp_alg_media_conn(p->sdp, i);
	if (!m->port || !conn || m->direction == SDP_ALG_INACTIVE ||
	    conn->hp.family != sip_alg_ct_family(p->ct) || sip_alg_hostport_is_any(&conn->hp))
		return;

	rtp.class = SIP_ALG_CLASS_RTP;
	rtp.l4proto = IPPROTO_UDP;
	rtp.media = i;
	rtp.side = p->dir;
	sip_alg_addr_from(&rtp.real_addr, &conn->hp);
	rtp.real_port = m->port;
	if (READ_ONCE(p->sn->cfg.direct_media))
		rtp.saddr = &p->ct->tuplehash[!p->dir].tuple.src.u3;
	rtcp = rtp;
	rtcp.class = SIP_ALG_CLASS_RTCP;
	if (m->rtcp >= 0)
		rtcp.real_port = p->sdp->addrs[m->rtcp].hp.port_val;
	else if (m->port < U16_MAX)
		rtcp.real_port = m->port + 1;
	else if (!m->rtcp_mux)
		return;		/* no port above RTP's for its RTCP: not a stream */

	/*
	 * Media at the receiver's own public address belongs to another
	 * inside party (a hairpin call), whose call opened its pinholes; one
	 * here would only take its packets away.
	 */
	if (p->nat && sip_alg_map_receiver(p->ct, p->dir, &rtp.real_addr))
		return;
	if (p->nat && sip_alg_map_sender(p->ct, p->dir, &rtp.real_addr)) {
		rtp.nat = SIP_ALG_PIN_NAT_DNAT;
		rtcp.nat = SIP_ALG_PIN_NAT_DNAT;
		rtp.daddr = p->ct->tuplehash[!p->dir].tuple.dst.u3;
		rtcp.daddr = rtp.daddr;
	} else if (p->nat && p->nat_dir == SIP_ALG_OUTBOUND &&
		   sip_alg_pin_static_map(p, &conn->hp, &rtp.daddr)) {
		/* Another inside host, published by the operator's static map. */
		rtp.nat = SIP_ALG_PIN_NAT_DNAT;
		rtcp.nat = SIP_ALG_PIN_NAT_DNAT;
		rtcp.daddr = rtp.daddr;
	} else {
		rtp.daddr = rtp.real_addr;
		rtcp.daddr = rtcp.real_addr;
	}

	/* A re-INVITE or a retransmission keeps the ports it was given. */
	old = sip_alg_pin_find(ps, SIP_ALG_CLASS_RTP, p->dir, &rtp.real_addr, m->port);
	if (old) {
		port = sip_alg_pin_pub_port(old);
		sip_alg_pin_renew(p, ps, &rtp, old);
		if (!m->rtcp_mux)
			sip_alg_pin_renew(p, ps, &rtcp,
					  sip_alg_pin_find(ps, SIP_ALG_CLASS_RTCP, p->dir,
							   &rtcp.real_addr, rtcp.real_port));
		goto mapped;
	}

	if (rtp.nat == SIP_ALG_PIN_NAT_PLAIN) {
		rtp.dport = rtp.real_port;
		rtcp.dport = rtcp.real_port;
		/* -EBUSY: another call already opened this very address. */
		ret = sip_alg_pin_add(p, ps, &rtp);
		if ((!ret || ret == -EBUSY) && !m->rtcp_mux)
			ret = sip_alg_pin_add(p, ps, &rtcp);
		sip_alg_pin_failed(p->sn, rtp.nat, ret);
		return;
	}

	port = m->port;
	for (tries = 0; tries < SIP_ALG_PORT_TRIES; tries++) {
		ret = -EBUSY;
		/* RTCP's port is RTP's plus one: 65535 has none above it. */
		if (port < U16_MAX || m->rtcp_mux)
			ret = sip_alg_pin_pair(p, ps, &rtp, m->rtcp_mux ? NULL : &rtcp, port);
		if (ret != -EBUSY)
			break;
		/* The next even port, so that RTCP gets the odd one above it. */
		port = max_t(u16, (port & ~1) + 2, 1024);
	}
	if (ret) {
		sip_alg_pin_failed(p->sn, rtp.nat, ret);
		return;
	}

mapped:
	if (rtp.nat == SIP_ALG_PIN_NAT_PLAIN)
		return;
	map->mapped = 1;
	map->addr = rtp.daddr;
	map->rtp_port = port;
	map->rtcp_port = m->rtcp_mux ? port : port + 1;
}

/* What it takes to open @pin, a plain media pin, again. */
static void sip_alg_pin_spec_of(const struct sip_alg_pin *pin, struct sip_alg_pin_spec *spec,
				union nf_inet_addr *saddr)
{
	const struct nf_conntrack_expect *exp = pin->exp;

	memset(spec, 0, sizeof(*spec));
	spec->class = exp->class;
	spec->nat = pin->nat;
	spec->l4proto = exp->tuple.dst.protonum;
	spec->media = pin->media;
	spec->side = pin->side;
	if (!nf_inet_addr_cmp(&exp->mask.src.u3, &(union nf_inet_addr){})) {
		*saddr = exp->tuple.src.u3;
		spec->saddr = saddr;
	}
	spec->daddr = exp->tuple.dst.u3;
	spec->dport = sip_alg_pin_pub_port(pin);
	spec->real_addr = *sip_alg_pin_real_addr(pin);
	spec->real_port = sip_alg_pin_real_port(pin);
}

/*
 * Once both sides of stream i are known, an inside endpoint whose public
 * ports differ from its own gets its outgoing media translated to them, so
 * that its flow and the far side's meet in one conntrack whichever starts.
 */
static void sip_alg_pin_snat(struct sip_alg_pkt *p, struct sip_alg_pins *ps)
{
	struct sip_alg_pin *in, *peer;
	union nf_inet_addr saddr;

	list_for_each_entry(in, &ps->list, list) {
		struct sip_alg_pin_spec spec = {}, plain;
		u8 class = sip_alg_pin_class(in);

		if (in->nat != SIP_ALG_PIN_NAT_DNAT || in->has_snat ||
		    class == SIP_ALG_CLASS_SIGNALLING ||
		    sip_alg_pin_pub_port(in) == sip_alg_pin_real_port(in))
			continue;
		/* The far side's newest: it may have moved since. */
		list_for_each_entry_reverse(peer, &ps->list, list) {
			if (peer->nat == SIP_ALG_PIN_NAT_PLAIN && peer->side != in->side &&
			    sip_alg_pin_class(peer) == class && peer->media == in->media)
				break;
		}
		if (list_entry_is_head(peer, &ps->list, list) || peer->has_ct)
			continue;

		spec.class = class;
		spec.nat = SIP_ALG_PIN_NAT_SNAT;
		spec.l4proto = IPPROTO_UDP;
		spec.media = in->media;
		spec.side = p->dir;
		spec.saddr = sip_alg_pin_real_addr(in);
		spec.sport = sip_alg_pin_real_port(in);
		spec.daddr = *sip_alg_pin_real_addr(peer);
		spec.dport = sip_alg_pin_real_port(peer);
		spec.real_addr = *sip_alg_pin_pub_addr(in);
		spec.real_port = sip_alg_pin_pub_port(in);
		/*
		 * The far side's plain pinhole covers the same destination and
		 * the kernel refuses overlapping expectations: the narrower one
		 * takes its place, or, when it cannot, the plain one comes back.
		 */
		sip_alg_pin_spec_of(peer, &plain, &saddr);
		sip_alg_pin_del(p->sn, ps, peer);
		/* Added at the tail: this walk reaches them and skips them. */
		if (!sip_alg_pin_add(p, ps, &spec)) {
			in->has_snat = 1;
			continue;
		}
		sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_FAILED);
		sip_alg_pin_failed(p->sn, plain.nat, sip_alg_pin_add(p, ps, &plain));
	}
}

void sip_alg_pin_media(struct sip_alg_pkt *p, struct sip_alg_pins *ps)
{
	unsigned int i;

	for (i = 0; i < p->sdp->n_media; i++)
		sip_alg_pin_stream(p, ps, i);
	sip_alg_pin_snat(p, ps);
}

/*
 * A 2xx to a REGISTER: let the registrar (or anyone, without
 * direct_signalling) reach the bound contact of the endpoint until the
 * binding expires. The 2xx lists the contacts as the registrar stored them,
 * i.e. as they were rewritten on the way out. A refresh replaces the
 * pinhole; without @contact (an un-register) it just closes.
 */
bool sip_alg_pin_register(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			  const struct sip_alg_addr *contact, u32 expires)
{
	const struct nf_conntrack_tuple *t = &p->ct->tuplehash[p->dir].tuple;
	const struct nf_conntrack_tuple *r = &p->ct->tuplehash[!p->dir].tuple;
	struct sip_alg_pin_spec spec = {};
	struct sip_alg_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &ps->list, list) {
		if (sip_alg_pin_class(pin) == SIP_ALG_CLASS_SIGNALLING)
			sip_alg_pin_del(p->sn, ps, pin);
	}
	if (!contact)
		return false;

	spec.class = SIP_ALG_CLASS_SIGNALLING;
	spec.l4proto = nf_ct_protonum(p->ct);
	spec.side = p->dir;
	spec.assign_helper = true;
	/* Every call to the binding comes through it, not only the first. */
	spec.permanent = true;
	spec.timeout = expires;
	sip_alg_addr_from(&spec.daddr, &contact->hp);
	spec.dport = contact->hp.port.len ? contact->hp.port_val :
		     (contact->scheme == SIP_ALG_S_SIPS ? 5061 : 5060);
	spec.real_addr = spec.daddr;
	spec.real_port = spec.dport;
	if (!nf_inet_addr_cmp(&t->dst.u3, &r->src.u3) || t->dst.u.all != r->src.u.all) {
		spec.nat = SIP_ALG_PIN_NAT_DNAT;
		spec.real_addr = r->src.u3;
		if (spec.dport == ntohs(t->dst.u.all))
			spec.real_port = ntohs(r->src.u.all);
	}
	if (READ_ONCE(p->sn->cfg.direct_signalling))
		spec.saddr = &t->src.u3;
	if (sip_alg_pin_add(p, ps, &spec)) {
		sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_FAILED);
		return false;
	}
	return true;
}

void sip_alg_pin_close_waiting(struct sip_alg_net *sn, struct sip_alg_pins *ps)
{
	struct sip_alg_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &ps->list, list) {
		if (sip_alg_pin_class(pin) != SIP_ALG_CLASS_SIGNALLING && !pin->has_ct)
			sip_alg_pin_del(sn, ps, pin);
	}
}

/* Is the conntrack @pin became still there, and still the one it became? */
static struct nf_conn *sip_alg_pin_ct_get(struct sip_alg_net *sn,
					  const struct nf_conntrack_zone *zone,
					  const struct sip_alg_pin *pin)
{
	const struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple t;
	struct nf_conn *ct;

	sip_alg_pin_ct_tuple(pin, &t);
	h = nf_conntrack_find_get(sn->net, zone, &t);
	if (!h)
		return NULL;
	ct = nf_ct_tuplehash_to_ctrack(h);
	/* Only compared: the master may be gone. */
	if (ct->master != pin->exp->master) {
		nf_ct_put(ct);
		return NULL;
	}
	return ct;
}

bool sip_alg_pin_media_flows(struct sip_alg_net *sn, const struct nf_conntrack_zone *zone,
			     const struct sip_alg_pins *ps)
{
	const struct sip_alg_pin *pin;
	struct nf_conn *ct;

	list_for_each_entry(pin, &ps->list, list) {
		if (sip_alg_pin_class(pin) == SIP_ALG_CLASS_SIGNALLING || !pin->has_ct)
			continue;
		ct = sip_alg_pin_ct_get(sn, zone, pin);
		if (ct) {
			nf_ct_put(ct);
			return true;
		}
	}
	return false;
}

/* The expectation function of every pin: note the conntrack, then NAT it. */
static void sip_alg_pin_expected(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct sip_alg_net *sn = sip_alg_pernet(nf_ct_net(ct));
	u8 nat = SIP_ALG_PIN_NAT_PLAIN;
	struct rhlist_head *pos;
	struct sip_alg_pin *pin;

	spin_lock_bh(&sn->lock);
	rcu_read_lock();
	rhl_for_each_entry_rcu(pin, pos, sip_alg_pins_at(sn, &exp->tuple), by_dst) {
		if (pin->exp != exp)
			continue;
		pin->ct_src = t->src.u3;
		pin->ct_sport = t->src.u.all;
		pin->has_ct = 1;
		nat = pin->nat;
		break;
	}
	rcu_read_unlock();
	spin_unlock_bh(&sn->lock);

	/* The caller holds its own reference to @exp. */
	if (nat != SIP_ALG_PIN_NAT_PLAIN)
		sip_alg_nat_expected(ct, &exp->saved_addr, ntohs(exp->saved_proto.all),
				     nat == SIP_ALG_PIN_NAT_DNAT);
}

/*
 * Whether a pin of another call waits for the destination of @pin, which
 * is no longer in the table: the conntrack @pin became may carry that
 * call's media now (an address and port reused within the grace).
 */
static bool sip_alg_pin_claimed(struct sip_alg_net *sn, const struct sip_alg_pin *pin)
{
	const struct sip_alg_pin *other;
	struct rhlist_head *pos;
	bool claimed = false;

	rcu_read_lock();
	rhl_for_each_entry_rcu(other, pos, sip_alg_pins_at(sn, &pin->exp->tuple), by_dst) {
		if (other->exp->class == pin->exp->class) {
			claimed = true;
			break;
		}
	}
	rcu_read_unlock();
	return claimed;
}

void sip_alg_pin_unlink_all(struct sip_alg_net *sn, struct sip_alg_pins *ps)
{
	struct sip_alg_pin *pin;

	list_for_each_entry(pin, &ps->list, list)
		rhltable_remove(&sn->pins, &pin->by_dst, sip_alg_pin_params);
	list_for_each_entry(pin, &ps->list, list) {
		if (pin->has_ct && !pin->shared && sip_alg_pin_claimed(sn, pin))
			pin->shared = 1;
	}
}

void sip_alg_pin_release_all(struct sip_alg_net *sn, const struct nf_conntrack_zone *zone,
			     struct sip_alg_pins *ps, bool kill_media)
{
	struct sip_alg_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &ps->list, list) {
		/* The conntrack's tuple is read from the expectation: first. */
		if (kill_media && pin->has_ct && !pin->shared) {
			struct nf_conn *ct = sip_alg_pin_ct_get(sn, zone, pin);

			if (ct) {
				if (nf_ct_kill(ct))
					sip_alg_count(sn, SIP_ALG_STAT_MEDIA_KILLED);
				nf_ct_put(ct);
			}
		}
		nf_ct_unexpect_related(pin->exp);
		nf_ct_expect_put(pin->exp);
		sip_alg_count(sn, SIP_ALG_STAT_EXPECT_REMOVED);
		kmem_cache_free(sip_alg_pin_cache, pin);
	}
}

int sip_alg_pin_init(struct sip_alg_net *sn)
{
	return rhltable_init(&sn->pins, &sip_alg_pin_params);
}

void sip_alg_pin_exit(struct sip_alg_net *sn)
{
	rhltable_destroy(&sn->pins);
}

int sip_alg_pin_module_init(void)
{
	sip_alg_pin_cache = KMEM_CACHE(sip_alg_pin, 0);
	return sip_alg_pin_cache ? 0 : -ENOMEM;
}

void sip_alg_pin_module_exit(void)
{
	kmem_cache_destroy(sip_alg_pin_cache);
}
