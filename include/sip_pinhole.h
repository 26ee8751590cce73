/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pinholes: the expectations a call opened, and the conntracks they became.
 * A call holds its pins in a struct sip_alg_pins; everything here runs under
 * sn->lock but sip_alg_pin_release_all().
 */
#ifndef _SIP_PINHOLE_H
#define _SIP_PINHOLE_H

#include <linux/list.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "uapi/linux/nf_sip_alg.h"

/*
 * One expectation a call opened, and what it leads to. The pin holds a
 * reference to its expectation, used up or not, and reads from it what the
 * expectation already says: its class, its master, the public end it waits
 * at (tuple.dst) and, translated, the endpoint's own (saved_addr and
 * saved_proto). A call's pins are most of its memory: keep this at 64 bytes.
 */
struct sip_alg_pin {
	struct list_head list;		/* in sip_alg_pins.list */
	struct rhlist_head by_dst;	/* in sn->pins */
	struct nf_conntrack_expect *exp;
	/* The far end of the conntrack it became: with exp->tuple.dst, its tuple. */
	union nf_inet_addr ct_src;
	__be16 ct_sport;
	u8 media;			/* m= index */
	u8 nat:2;			/* enum sip_alg_pin_nat */
	u8 side:1;			/* conntrack direction of the announcing message */
	u8 has_ct:1;
	u8 has_snat:1;			/* a SNAT pin for this DNAT pin exists */
	u8 shared:1;			/* another call's media may use it too */
};

static_assert(SIP_ALG_PIN_NAT_SNAT < 4);
static_assert(sizeof(struct sip_alg_pin) <= 64);

static inline u8 sip_alg_pin_class(const struct sip_alg_pin *pin)
{
	return pin->exp->class;
}

/* Where the expectation waits: the public end of the stream. */
static inline const union nf_inet_addr *sip_alg_pin_pub_addr(const struct sip_alg_pin *pin)
{
	return &pin->exp->tuple.dst.u3;
}

static inline u16 sip_alg_pin_pub_port(const struct sip_alg_pin *pin)
{
	return ntohs(pin->exp->tuple.dst.u.all);
}

/*
 * The endpoint's own end, as in its SDP or Contact: where a DNAT pin
 * forwards to, the public end a SNAT pin translates to; a plain pin's is
 * its public one.
 */
static inline const union nf_inet_addr *sip_alg_pin_real_addr(const struct sip_alg_pin *pin)
{
	return pin->nat == SIP_ALG_PIN_NAT_PLAIN ? &pin->exp->tuple.dst.u3 : &pin->exp->saved_addr;
}

static inline u16 sip_alg_pin_real_port(const struct sip_alg_pin *pin)
{
	return ntohs(pin->nat == SIP_ALG_PIN_NAT_PLAIN ? pin->exp->tuple.dst.u.all :
							 pin->exp->saved_proto.all);
}

/* The original tuple of the conntrack @pin became (pin->has_ct). */
static inline void sip_alg_pin_ct_tuple(const struct sip_alg_pin *pin,
					struct nf_conntrack_tuple *t)
{
	*t = pin->exp->tuple;
	t->src.u3 = pin->ct_src;
	t->src.u.all = pin->ct_sport;
}

/* The pins of one call. */
struct sip_alg_pins {
	struct list_head list;		/* oldest first */
	u32 *charged;			/* the count of the call's source, kept with n */
	u16 n;
};

/*
 * Most pins a call holds: RTP and RTCP of each side's streams (at most
 * SDP_ALG_MAX_MEDIA an SDP), SNAT pins beside them, and those of media moved
 * or reopened since; used pins stay until the call ends. The ceiling of
 * max_call_pins.
 */
#define SIP_ALG_MAX_PINS	(16 * SDP_ALG_MAX_MEDIA)

static_assert(SIP_ALG_MAX_PINS < 1UL << (BITS_PER_BYTE * sizeof_field(struct sip_alg_pins, n)));

static inline void sip_alg_pins_init(struct sip_alg_pins *ps, u32 *charged)
{
	INIT_LIST_HEAD(&ps->list);
	ps->charged = charged;
}

/* Open the pinholes of the streams @p's SDP announces, for its sender. */
void sip_alg_pin_media(struct sip_alg_pkt *p, struct sip_alg_pins *ps);
/* Replace the binding's pinhole by one to @contact for @expires s; NULL: close it. */
bool sip_alg_pin_register(struct sip_alg_pkt *p, struct sip_alg_pins *ps,
			  const struct sip_alg_addr *contact, u32 expires);
/* Close the media pinholes that still wait: the established media stays. */
void sip_alg_pin_close_waiting(struct sip_alg_net *sn, struct sip_alg_pins *ps);
/* Whether a conntrack one of the pins became is still alive. */
bool sip_alg_pin_media_flows(struct sip_alg_net *sn, const struct nf_conntrack_zone *zone,
			     const struct sip_alg_pins *ps);
/* Take the pins out of the namespace's table; released later, without the lock. */
void sip_alg_pin_unlink_all(struct sip_alg_net *sn, struct sip_alg_pins *ps);
/* Close every pin of unlinked @ps; @kill_media also ends the flows they became. */
void sip_alg_pin_release_all(struct sip_alg_net *sn, const struct nf_conntrack_zone *zone,
			     struct sip_alg_pins *ps, bool kill_media);
int sip_alg_pin_init(struct sip_alg_net *sn);
void sip_alg_pin_exit(struct sip_alg_net *sn);
/* The slab cache of every namespace's pins. */
int sip_alg_pin_module_init(void);
void sip_alg_pin_module_exit(void);

#endif /* _SIP_PINHOLE_H */
