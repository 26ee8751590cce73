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

/* One expectation a call opened, and what it leads to. */
struct sip_alg_pin {
	struct list_head list;		/* in sip_alg_pins.list */
	struct hlist_node by_dst;	/* in sn->pins */
	struct nf_conntrack_expect *exp;	/* reference held */
	struct nf_conntrack_tuple ct_tuple;	/* original tuple of its conntrack */
	unsigned long master_key;	/* the conntrack it expects from, only compared */
	/*
	 * real: the announcing endpoint's address as in its SDP or Contact,
	 * where a DNAT pin forwards to; a SNAT pin keeps the public address
	 * it translates to here. pub: what the expectation waits for.
	 */
	union nf_inet_addr real_addr;
	union nf_inet_addr pub_addr;
	u16 real_port;			/* host order */
	u16 pub_port;
	u8 class;			/* enum sip_alg_class */
	u8 nat;				/* enum sip_alg_pin_nat */
	u8 side;			/* conntrack direction of the announcing message */
	u8 media;			/* m= index */
	u8 has_ct;
	u8 has_snat;			/* a SNAT pin for this DNAT pin exists */
	u8 shared;			/* another call's media may use it too */
};

/*
 * Pins a call holds in its own allocation: the RTP and RTCP of an audio
 * and a video stream, as one side's offer opens them. The other side's
 * answer, further streams and re-INVITEs that move media get theirs
 * allocated one by one. The slots make a call about 1 KiB.
 */
#define SIP_ALG_PIN_SLOTS	4

/* The pins of one call. */
struct sip_alg_pins {
	struct list_head list;		/* oldest first */
	u32 *charged;			/* the count of the call's source, kept with n */
	u16 n;
	u8 slots_used;			/* BIT(i): slots[i] holds a pin */
	struct sip_alg_pin slots[SIP_ALG_PIN_SLOTS];
};

/*
 * Most pins a call holds: RTP and RTCP of each side's streams (at most
 * SDP_ALG_MAX_MEDIA an SDP), SNAT pins beside them, and those of media moved
 * or reopened since; used pins stay until the call ends. The ceiling of
 * max_call_pins.
 */
#define SIP_ALG_MAX_PINS	(16 * SDP_ALG_MAX_MEDIA)

static_assert(SIP_ALG_MAX_PINS < 1UL << (BITS_PER_BYTE * sizeof_field(struct sip_alg_pins, n)));
static_assert(BITS_PER_BYTE * sizeof_field(struct sip_alg_pins, slots_used) >=
	      SIP_ALG_PIN_SLOTS);

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

#endif /* _SIP_PINHOLE_H */
