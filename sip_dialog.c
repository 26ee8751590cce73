// SPDX-License-Identifier: GPL-2.0
/*
 * The dialog table: one entry per call (or registration), keyed by Call-ID,
 * per network namespace. A dialog owns the pinholes its SDP and REGISTER
 * exchanges opened, so ending one call never touches another call's media,
 * even when a trunk carries every call on one signalling conntrack.
 *
 * Every table and dialog of a netns is guarded by sn->lock. Nothing on this
 * path sleeps; teardown work (removing expectations, killing the media
 * conntracks) runs from a delayed work item after the lock is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/siphash.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "sip_compat.h"
#include "sip_stats.h"

#define SIP_ALG_DIALOG_HASH_BITS	12
#define SIP_ALG_PIN_HASH_BITS		12
/* A full scan for idle dialogs every this many GC runs (one per second). */
#define SIP_ALG_GC_SCAN_EVERY		10
/* How far the media port search goes before giving up. */
#define SIP_ALG_PORT_TRIES		128
/* Lifetime of a registration pinhole is the granted Expires, capped here. */
#define SIP_ALG_MAX_REG_EXPIRES		3600

enum sip_alg_dialog_state {
	SIP_ALG_DLG_EARLY,		/* INVITE sent, no 2xx yet */
	SIP_ALG_DLG_CONFIRMED,		/* a 2xx was seen */
	SIP_ALG_DLG_REGISTERED,		/* a registration binding */
	SIP_ALG_DLG_ENDING,		/* on sn->ending until its grace passes */
};

/* One expectation a dialog opened, and the conntrack it became. */
struct sip_alg_pin {
	struct list_head list;		/* in dialog->pins */
	struct hlist_node by_exp;	/* in sn->pins */
	struct nf_conntrack_expect *exp;	/* reference held */
	struct nf_conntrack_tuple ct_tuple;	/* original tuple of the conntrack */
	u8 has_ct;
	u8 class;			/* enum sip_alg_class */
	u8 side;			/* conntrack direction of the announcing message */
	union nf_inet_addr real_addr;	/* as announced */
	u16 real_port;			/* host order */
	u16 pub_port;			/* as written after NAT */
};

struct sip_alg_dialog {
	struct hlist_node by_callid;	/* in sn->dialogs */
	struct hlist_node by_master;	/* in the master's helper data */
	struct list_head ending;	/* in sn->ending, once ending */
	struct list_head pins;
	struct nf_conn *master;		/* no reference: cleared when it dies */
	unsigned long master_key;	/* the first master, only compared */
	struct nf_conntrack_zone zone;
	unsigned long deadline;		/* idle expiry, or end of grace */
	u32 hash;
	u8 state;			/* enum sip_alg_dialog_state */
	u16 n_pins;
	u16 callid_len;
	char callid[];
};

struct sip_alg_config sip_alg_defaults = {
	.grace_secs		= 5,
	.sip_timeout		= 3600,
	.max_media		= SDP_ALG_DEFAULT_MAX_MEDIA,
	.max_dialogs		= 65536,
	.direct_media		= false,
	.direct_signalling	= true,
	.drop_malformed		= false,
};

static unsigned int sip_alg_net_id __read_mostly;
static siphash_aligned_key_t sip_alg_hash_key;

struct sip_alg_net *sip_alg_pernet(const struct net *net)
{
	return net_generic(net, sip_alg_net_id);
}

static struct sip_alg_ct_data *sip_alg_ct_data(const struct nf_conn *ct)
{
	NF_CT_HELPER_BUILD_BUG_ON(sizeof(struct sip_alg_ct_data));
	return nfct_help_data(ct);
}

static u32 sip_alg_callid_hash(const char *callid, u16 len, u16 zone)
{
	return siphash(callid, len, &sip_alg_hash_key) ^ zone;
}

static struct sip_alg_dialog *sip_alg_dialog_find(struct sip_alg_net *sn, u32 hash,
						  const struct nf_conntrack_zone *zone,
						  const char *callid, u16 len)
{
	struct sip_alg_dialog *d;

	hlist_for_each_entry(d, &sn->dialogs[hash_32(hash, SIP_ALG_DIALOG_HASH_BITS)],
			     by_callid) {
		if (d->hash == hash && d->callid_len == len && d->zone.id == zone->id &&
		    !memcmp(d->callid, callid, len))
			return d;
	}
	return NULL;
}

static void sip_alg_dialog_attach(struct sip_alg_dialog *d, struct nf_conn *ct)
{
	d->master = ct;
	hlist_add_head(&d->by_master, &sip_alg_ct_data(ct)->dialogs);
}

static struct sip_alg_dialog *sip_alg_dialog_get(struct sip_alg_pkt *p, bool create)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(p->ct);
	const struct sip_alg_span *cid = &p->msg->call_id;
	struct sip_alg_net *sn = p->sn;
	struct sip_alg_dialog *d;
	u32 hash;

	hash = sip_alg_callid_hash(p->buf + cid->off, cid->len, zone->id);
	d = sip_alg_dialog_find(sn, hash, zone, p->buf + cid->off, cid->len);
	if (d) {
		/* A new connection took over (TCP reconnect): later pins hang on it. */
		if (!d->master)
			sip_alg_dialog_attach(d, p->ct);
		return d;
	}
	if (!create)
		return NULL;

	if (sn->n_dialogs >= READ_ONCE(sn->cfg.max_dialogs))
		goto fail;
	d = kzalloc(sizeof(*d) + cid->len, GFP_ATOMIC);
	if (!d)
		goto fail;

	INIT_LIST_HEAD(&d->pins);
	INIT_LIST_HEAD(&d->ending);
	d->master_key = (unsigned long)p->ct;
	d->zone = *zone;
	d->hash = hash;
	d->state = SIP_ALG_DLG_EARLY;
	d->callid_len = cid->len;
	memcpy(d->callid, p->buf + cid->off, cid->len);
	hlist_add_head(&d->by_callid,
		       &sn->dialogs[hash_32(hash, SIP_ALG_DIALOG_HASH_BITS)]);
	sip_alg_dialog_attach(d, p->ct);
	sn->n_dialogs++;
	sip_alg_count(sn, SIP_ALG_STAT_DIALOGS_CREATED);
	if (sn->n_dialogs == 1)
		mod_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	return d;

fail:
	sip_alg_count(sn, SIP_ALG_STAT_FAIL_NO_DIALOG);
	return NULL;
}

static void sip_alg_dialog_touch(struct sip_alg_pkt *p, struct sip_alg_dialog *d)
{
	if (d->state != SIP_ALG_DLG_ENDING && d->state != SIP_ALG_DLG_REGISTERED)
		d->deadline = jiffies + READ_ONCE(p->sn->cfg.sip_timeout) * HZ;
}

static void sip_alg_dialog_end(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			       unsigned int grace_secs)
{
	if (d->state == SIP_ALG_DLG_ENDING)
		return;
	d->state = SIP_ALG_DLG_ENDING;
	d->deadline = jiffies + grace_secs * HZ;
	list_add_tail(&d->ending, &sn->ending);
}

static struct hlist_head *sip_alg_pin_bucket(struct sip_alg_net *sn,
					     const struct nf_conntrack_expect *exp)
{
	return &sn->pins[hash_ptr(exp, SIP_ALG_PIN_HASH_BITS)];
}

/*
 * Register one expectation for @d. @nat_addr is the inside address the
 * expected connection must be forwarded to (NULL: no translation). The
 * expectation is for @class traffic to @daddr:@dport over @l4proto, from
 * @saddr or anyone.
 */
static int sip_alg_pin_add(struct sip_alg_pkt *p, struct sip_alg_dialog *d, u8 class,
			   const union nf_inet_addr *saddr, const union nf_inet_addr *daddr,
			   u8 l4proto, u16 dport, const union nf_inet_addr *nat_addr,
			   u16 nat_port, bool assign_helper)
{
	struct nf_conntrack_expect *exp;
	struct sip_alg_pin *pin;
	__be16 port = htons(dport);
	int ret;

	pin = kzalloc(sizeof(*pin), GFP_ATOMIC);
	if (!pin)
		return -ENOMEM;
	exp = nf_ct_expect_alloc(p->ct);
	if (!exp) {
		kfree(pin);
		return -ENOMEM;
	}
	nf_ct_expect_init(exp, class, nf_ct_l3num(p->ct), saddr, daddr, l4proto,
			  NULL, &port);
	exp->expectfn = sip_alg_expected;
	if (assign_helper)
		rcu_assign_pointer(sip_alg_exp_assign_helper(exp),
				   rcu_dereference(nfct_help(p->ct)->helper));
	if (nat_addr) {
		exp->saved_addr = *nat_addr;
		exp->saved_proto.all = htons(nat_port);
		exp->dir = !p->dir;
	}

	ret = nf_ct_expect_related(exp, 0);
	if (ret) {
		nf_ct_expect_put(exp);
		kfree(pin);
		return ret;
	}

	pin->exp = exp;
	pin->class = class;
	pin->side = p->dir;
	pin->real_addr = nat_addr ? *nat_addr : *daddr;
	pin->real_port = nat_addr ? nat_port : dport;
	pin->pub_port = dport;
	list_add_tail(&pin->list, &d->pins);
	hlist_add_head(&pin->by_exp, sip_alg_pin_bucket(p->sn, exp));
	d->n_pins++;
	sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_CREATED);
	return 0;
}

/* Close a pin that has not been unlinked from the tables yet. */
static void sip_alg_pin_del(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			    struct sip_alg_pin *pin)
{
	nf_ct_unexpect_related(pin->exp);
	nf_ct_expect_put(pin->exp);
	hlist_del(&pin->by_exp);
	list_del(&pin->list);
	d->n_pins--;
	kfree(pin);
}

static struct sip_alg_pin *sip_alg_pin_find(struct sip_alg_dialog *d, u8 class, u8 side,
					    const union nf_inet_addr *addr, u16 port)
{
	struct sip_alg_pin *pin;

	list_for_each_entry(pin, &d->pins, list) {
		if (pin->class == class && pin->side == side && pin->real_port == port &&
		    nf_inet_addr_cmp(&pin->real_addr, addr))
			return pin;
	}
	return NULL;
}

static void sip_alg_addr_from(union nf_inet_addr *a, const struct sip_alg_hostport *hp)
{
	memset(a, 0, sizeof(*a));
	memcpy(a, hp->addr, hp->family == 4 ? 4 : 16);
}

static bool sip_alg_addr_is_any(const struct sip_alg_hostport *hp)
{
	static const u8 zero[16];

	return !memcmp(hp->addr, zero, hp->family == 4 ? 4 : 16);
}

/*
 * Reserve the public pair @port (RTP) and @port + 1 (RTCP) for an inside
 * stream, both translated back to @addr. -EBUSY: the pair is taken.
 */
static int sip_alg_media_pair(struct sip_alg_pkt *p, struct sip_alg_dialog *d,
			      const union nf_inet_addr *saddr, const union nf_inet_addr *pub,
			      u16 port, const union nf_inet_addr *addr, u16 rtp, u16 rtcp,
			      bool mux)
{
	int ret;

	ret = sip_alg_pin_add(p, d, SIP_ALG_CLASS_RTP, saddr, pub, IPPROTO_UDP, port,
			      addr, rtp, false);
	if (ret || mux)
		return ret;
	ret = sip_alg_pin_add(p, d, SIP_ALG_CLASS_RTCP, saddr, pub, IPPROTO_UDP, port + 1,
			      addr, rtcp, false);
	if (ret)
		sip_alg_pin_del(p->sn, d, list_last_entry(&d->pins, struct sip_alg_pin, list));
	return ret;
}

/*
 * Open the pinholes of one media stream announced by the sender of @p and
 * fill @map with what the SDP must say. A stream of an inside endpoint gets
 * public ports: its own ones when free, else the next free even/odd pair.
 */
static void sip_alg_media_stream(struct sip_alg_pkt *p, struct sip_alg_dialog *d,
				 unsigned int i)
{
	const struct sdp_alg_media *m = &p->sdp->media[i];
	const union nf_inet_addr *saddr = NULL, *pub;
	struct sip_alg_media_map *map = &p->media[i];
	const struct sip_alg_addr *conn;
	union nf_inet_addr addr;
	u16 rtcp, port, tries;
	struct sip_alg_pin *old;
	bool nat;
	int ret;

	conn = sdp_alg_media_conn(p->sdp, i);
	if (!m->port || !conn || m->direction == SDP_ALG_INACTIVE)
		return;
	if (conn->hp.family != (nf_ct_l3num(p->ct) == NFPROTO_IPV4 ? 4 : 6) ||
	    sip_alg_addr_is_any(&conn->hp))
		return;

	sip_alg_addr_from(&addr, &conn->hp);
	rtcp = m->rtcp >= 0 ? p->sdp->addrs[m->rtcp].hp.port_val : m->port + 1;
	nat = p->nat && sip_alg_map_sender(p->ct, p->dir, &addr);
	if (READ_ONCE(p->sn->cfg.direct_media))
		saddr = &p->ct->tuplehash[!p->dir].tuple.src.u3;

	/* A re-INVITE or a retransmission keeps the ports it was given. */
	old = sip_alg_pin_find(d, SIP_ALG_CLASS_RTP, p->dir, &addr, m->port);
	if (old) {
		if (nat) {
			map->mapped = 1;
			map->addr = p->ct->tuplehash[!p->dir].tuple.dst.u3;
			map->rtp_port = old->pub_port;
			map->rtcp_port = old->pub_port + !m->rtcp_mux;
		}
		return;
	}

	if (!nat) {
		if (sip_alg_pin_add(p, d, SIP_ALG_CLASS_RTP, saddr, &addr, IPPROTO_UDP,
				    m->port, NULL, 0, false))
			goto fail;
		if (!m->rtcp_mux &&
		    sip_alg_pin_add(p, d, SIP_ALG_CLASS_RTCP, saddr, &addr, IPPROTO_UDP,
				    rtcp, NULL, 0, false))
			goto fail;
		return;
	}

	pub = &p->ct->tuplehash[!p->dir].tuple.dst.u3;
	port = m->port;
	for (tries = 0; tries < SIP_ALG_PORT_TRIES; tries++) {
		ret = sip_alg_media_pair(p, d, saddr, pub, port, &addr, m->port, rtcp,
					 m->rtcp_mux);
		if (ret != -EBUSY)
			break;
		/* The next even port, so RTCP gets the odd one above it. */
		port = (port & ~1) + 2;
		if (port < 1024)
			port = 1024;
	}
	if (ret) {
		sip_alg_count(p->sn, ret == -EBUSY ? SIP_ALG_STAT_FAIL_PORTS :
				     SIP_ALG_STAT_EXPECT_FAILED);
		return;
	}
	map->mapped = 1;
	map->addr = *pub;
	map->rtp_port = port;
	map->rtcp_port = m->rtcp_mux ? port : port + 1;
	return;

fail:
	sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_FAILED);
}

/*
 * A 2xx to a REGISTER: let the registrar (or anyone, without
 * direct_signalling) reach the bound contact of the inside endpoint until the
 * binding expires. The contacts in the 2xx are the ones the registrar stored,
 * i.e. as they were rewritten on the way out.
 */
static void sip_alg_register_ok(struct sip_alg_pkt *p, struct sip_alg_dialog *d)
{
	const struct nf_conntrack_tuple *t = &p->ct->tuplehash[p->dir].tuple;
	const struct nf_conntrack_tuple *r = &p->ct->tuplehash[!p->dir].tuple;
	const union nf_inet_addr *saddr = NULL, *nat_addr = NULL;
	const struct sip_alg_msg *msg = p->msg;
	union nf_inet_addr addr;
	struct sip_alg_pin *pin, *next;
	s32 expires = -1;
	u16 port, nat_port = 0;
	unsigned int i;

	for (i = 0; i < msg->n_addrs; i++) {
		const struct sip_alg_addr *a = &msg->addrs[i];

		if (a->field != SIP_ALG_F_CONTACT || a->role != SIP_ALG_R_HOST ||
		    a->hp.family != (nf_ct_l3num(p->ct) == NFPROTO_IPV4 ? 4 : 6))
			continue;
		sip_alg_addr_from(&addr, &a->hp);
		/* The binding of the endpoint behind this conntrack. */
		if (!nf_inet_addr_cmp(&addr, &t->dst.u3) && !nf_inet_addr_cmp(&addr, &r->src.u3))
			continue;
		expires = a->expires >= 0 ? a->expires : msg->expires;
		port = a->hp.port.len ? a->hp.port_val :
		       (a->scheme == SIP_ALG_S_SIPS ? 5061 : 5060);
		break;
	}
	if (i == msg->n_addrs)
		return;

	/* Un-register or refresh: the old pinhole goes either way. */
	list_for_each_entry_safe(pin, next, &d->pins, list) {
		if (pin->class != SIP_ALG_CLASS_SIGNALLING)
			continue;
		sip_alg_pin_del(p->sn, d, pin);
		sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_REMOVED);
	}
	/* RFC 3261 10.2.1.1: a binding without an expiry lasts an hour. */
	if (expires < 0)
		expires = 3600;
	if (expires == 0) {
		sip_alg_dialog_end(p->sn, d, 0);
		return;
	}
	if (expires > SIP_ALG_MAX_REG_EXPIRES)
		expires = SIP_ALG_MAX_REG_EXPIRES;

	if (!nf_inet_addr_cmp(&t->dst.u3, &r->src.u3) || t->dst.u.all != r->src.u.all) {
		nat_addr = &r->src.u3;
		nat_port = port == ntohs(t->dst.u.all) ? ntohs(r->src.u.all) : port;
	}
	if (READ_ONCE(p->sn->cfg.direct_signalling))
		saddr = &t->src.u3;
	if (sip_alg_pin_add(p, d, SIP_ALG_CLASS_SIGNALLING, saddr, &addr,
			    nf_ct_protonum(p->ct), port, nat_addr, nat_port, true)) {
		sip_alg_count(p->sn, SIP_ALG_STAT_EXPECT_FAILED);
		return;
	}
	d->state = SIP_ALG_DLG_REGISTERED;
	d->deadline = jiffies + expires * HZ;
	sip_alg_count(p->sn, SIP_ALG_STAT_REGISTRATIONS);
}

static bool sip_alg_is_initial_invite(const struct sip_alg_msg *msg)
{
	return msg->kind == SIP_ALG_REQUEST && msg->method == SIP_ALG_M_INVITE &&
	       !msg->to_tag.len;
}

/*
 * Update the call state for one message and open its pinholes. Fills
 * p->media for the rewrite that follows.
 */
void sip_alg_dialog_process(struct sip_alg_pkt *p)
{
	const struct sip_alg_msg *msg = p->msg;
	struct sip_alg_net *sn = p->sn;
	struct sip_alg_dialog *d;
	bool create;
	unsigned int i;

	create = p->sdp || sip_alg_is_initial_invite(msg) ||
		 (msg->kind == SIP_ALG_RESPONSE && msg->cseq_method == SIP_ALG_M_REGISTER &&
		  msg->status >= 200 && msg->status < 300);
	if (!msg->call_id.len)
		return;

	spin_lock_bh(&sn->lock);
	d = sip_alg_dialog_get(p, create);
	if (!d)
		goto unlock;
	sip_alg_dialog_touch(p, d);

	if (p->sdp && d->state != SIP_ALG_DLG_ENDING) {
		for (i = 0; i < p->sdp->n_media; i++)
			sip_alg_media_stream(p, d, i);
	}

	if (msg->kind == SIP_ALG_REQUEST) {
		switch (msg->method) {
		case SIP_ALG_M_BYE:
			sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs));
			break;
		case SIP_ALG_M_CANCEL:
			if (d->state == SIP_ALG_DLG_EARLY)
				sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs));
			break;
		default:
			break;
		}
		goto unlock;
	}

	switch (msg->cseq_method) {
	case SIP_ALG_M_INVITE:
		if (msg->status >= 200 && msg->status < 300) {
			if (d->state == SIP_ALG_DLG_EARLY)
				d->state = SIP_ALG_DLG_CONFIRMED;
		} else if (msg->status >= 300 && d->state == SIP_ALG_DLG_EARLY) {
			sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs));
		}
		break;
	case SIP_ALG_M_REGISTER:
		if (msg->status >= 200 && msg->status < 300 && d->state != SIP_ALG_DLG_ENDING)
			sip_alg_register_ok(p, d);
		break;
	default:
		break;
	}
unlock:
	spin_unlock_bh(&sn->lock);
}

/* The expectation function of every pin: note the conntrack, then NAT it. */
void sip_alg_expected(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	struct sip_alg_net *sn = sip_alg_pernet(nf_ct_net(ct));
	struct sip_alg_pin *pin;

	spin_lock_bh(&sn->lock);
	hlist_for_each_entry(pin, sip_alg_pin_bucket(sn, exp), by_exp) {
		if (pin->exp == exp) {
			pin->ct_tuple = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
			pin->has_ct = 1;
			break;
		}
	}
	spin_unlock_bh(&sn->lock);

	if (exp->saved_proto.all)
		sip_alg_nat_expected(ct, exp);
}

/*
 * The signalling conntrack dies. Its pending expectations go with it; the
 * dialogs stay (a call may outlive a TCP connection) until they end or idle
 * out, and the next message of the call adopts its conntrack.
 */
void sip_alg_dialog_master_gone(struct nf_conn *ct)
{
	struct sip_alg_net *sn = sip_alg_pernet(nf_ct_net(ct));
	struct sip_alg_ct_data *data = sip_alg_ct_data(ct);
	struct sip_alg_dialog *d;
	struct hlist_node *next;

	spin_lock_bh(&sn->lock);
	hlist_for_each_entry_safe(d, next, &data->dialogs, by_master) {
		hlist_del_init(&d->by_master);
		d->master = NULL;
	}
	spin_unlock_bh(&sn->lock);
}

static void sip_alg_dialog_unlink(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				  struct list_head *dead)
{
	struct sip_alg_pin *pin;

	hlist_del(&d->by_callid);
	if (d->master)
		hlist_del(&d->by_master);
	list_for_each_entry(pin, &d->pins, list)
		hlist_del(&pin->by_exp);
	if (d->state == SIP_ALG_DLG_ENDING)
		list_del(&d->ending);
	list_add_tail(&d->ending, dead);
	sn->n_dialogs--;
}

/* Remove what the dialog opened; @kill_media also ends its media flows. */
static void sip_alg_dialog_free(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				bool kill_media)
{
	struct sip_alg_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &d->pins, list) {
		nf_ct_unexpect_related(pin->exp);
		nf_ct_expect_put(pin->exp);
		sip_alg_count(sn, SIP_ALG_STAT_EXPECT_REMOVED);
		if (kill_media && pin->has_ct) {
			const struct nf_conntrack_tuple_hash *h;

			h = nf_conntrack_find_get(sn->net, &d->zone, &pin->ct_tuple);
			if (h) {
				struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

				if ((unsigned long)ct->master == d->master_key &&
				    nf_ct_kill(ct))
					sip_alg_count(sn, SIP_ALG_STAT_MEDIA_KILLED);
				nf_ct_put(ct);
			}
		}
		kfree(pin);
	}
	sip_alg_count(sn, SIP_ALG_STAT_DIALOGS_ENDED);
	kfree(d);
}

static void sip_alg_gc(struct work_struct *work)
{
	struct sip_alg_net *sn = container_of(to_delayed_work(work), struct sip_alg_net, gc);
	struct sip_alg_dialog *d, *next;
	LIST_HEAD(dead);
	bool scan;
	u32 i;

	scan = ++sn->gc_runs % SIP_ALG_GC_SCAN_EVERY == 0;

	spin_lock_bh(&sn->lock);
	list_for_each_entry_safe(d, next, &sn->ending, ending) {
		if (time_before(jiffies, d->deadline))
			continue;
		sip_alg_dialog_unlink(sn, d, &dead);
	}
	for (i = 0; scan && i < (1U << SIP_ALG_DIALOG_HASH_BITS); i++) {
		struct hlist_node *n;

		hlist_for_each_entry_safe(d, n, &sn->dialogs[i], by_callid) {
			if (d->state != SIP_ALG_DLG_ENDING && time_after_eq(jiffies, d->deadline))
				sip_alg_dialog_unlink(sn, d, &dead);
		}
	}
	if (sn->n_dialogs && !sn->exiting)
		queue_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	spin_unlock_bh(&sn->lock);

	list_for_each_entry_safe(d, next, &dead, ending)
		sip_alg_dialog_free(sn, d, true);
}

static int __net_init sip_alg_net_init(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);
	int ret = -ENOMEM;

	sn->net = net;
	spin_lock_init(&sn->lock);
	INIT_LIST_HEAD(&sn->ending);
	INIT_DELAYED_WORK(&sn->gc, sip_alg_gc);
	sn->cfg = sip_alg_defaults;

	sn->dialogs = kvcalloc(1U << SIP_ALG_DIALOG_HASH_BITS, sizeof(*sn->dialogs),
			       GFP_KERNEL);
	if (!sn->dialogs)
		return ret;
	sn->pins = kvcalloc(1U << SIP_ALG_PIN_HASH_BITS, sizeof(*sn->pins), GFP_KERNEL);
	if (!sn->pins)
		goto err_free_dialogs;
	sn->stats = alloc_percpu(struct sip_alg_stats);
	if (!sn->stats)
		goto err_free_pins;
	ret = sip_alg_stats_net_init(net, sn);
	if (ret)
		goto err_free_stats;
	return 0;

err_free_stats:
	free_percpu(sn->stats);
err_free_pins:
	kvfree(sn->pins);
err_free_dialogs:
	kvfree(sn->dialogs);
	return ret;
}

static void __net_exit sip_alg_net_exit(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);
	struct sip_alg_dialog *d, *next;
	LIST_HEAD(dead);
	u32 i;

	spin_lock_bh(&sn->lock);
	sn->exiting = true;
	spin_unlock_bh(&sn->lock);
	cancel_delayed_work_sync(&sn->gc);

	/*
	 * The helper is gone (module unload) or the conntracks are (netns
	 * exit): nothing reaches the tables any more.
	 */
	for (i = 0; i < (1U << SIP_ALG_DIALOG_HASH_BITS); i++) {
		struct hlist_node *n;

		hlist_for_each_entry_safe(d, n, &sn->dialogs[i], by_callid)
			sip_alg_dialog_unlink(sn, d, &dead);
	}
	list_for_each_entry_safe(d, next, &dead, ending)
		sip_alg_dialog_free(sn, d, false);

	sip_alg_stats_net_exit(net);
	free_percpu(sn->stats);
	kvfree(sn->pins);
	kvfree(sn->dialogs);
}

static struct pernet_operations sip_alg_net_ops = {
	.init	= sip_alg_net_init,
	.exit	= sip_alg_net_exit,
	.id	= &sip_alg_net_id,
	.size	= sizeof(struct sip_alg_net),
};

int sip_alg_dialog_init(void)
{
	get_random_bytes(&sip_alg_hash_key, sizeof(sip_alg_hash_key));
	return register_pernet_subsys(&sip_alg_net_ops);
}

void sip_alg_dialog_exit(void)
{
	unregister_pernet_subsys(&sip_alg_net_ops);
}
