/* SPDX-License-Identifier: GPL-2.0 */
/* Dialogs (calls, registrations) and the pinholes they own; all under sn->lock. */
#ifndef _SIP_DIALOG_H
#define _SIP_DIALOG_H

#include <linux/list.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "sip_call.h"
#include "uapi/linux/nf_sip_alg.h"

/* One expectation a dialog opened, and what it leads to. */
struct sip_alg_pin {
	struct list_head list;		/* in dialog->pins */
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
 * What the calls one address started hold together: the budget a single
 * sender (a phone, a stranger, a trunk) can take of the namespace's calls
 * and of the kernel's expectation table. Freed with its last call.
 */
struct sip_alg_source {
	struct hlist_node node;		/* in sn->sources */
	union nf_inet_addr addr;
	u16 zone;
	u32 n_calls;
	u32 n_pins;
};

/*
 * Pins a dialog holds in its own allocation: the RTP and RTCP of an audio
 * and a video stream, as one side's offer opens them. The other side's
 * answer, further streams and re-INVITEs that move media get theirs
 * allocated one by one. The slots make a dialog about 1 KiB.
 */
#define SIP_ALG_DIALOG_PIN_SLOTS	4

struct sip_alg_dialog {
	struct hlist_node by_callid;	/* in sn->dialogs */
	struct list_head timed;		/* in sn->timed while its deadline is firm */
	struct list_head pins;
	struct sip_alg_source *source;	/* who started it, for the budgets */
	struct nf_conntrack_zone zone;
	unsigned long deadline;		/* idle expiry, or end of grace */
	unsigned long created;		/* jiffies */
	/* The signalling flow of its first message, original direction. */
	struct nf_conntrack_tuple sig;
	u32 hash;
	struct sip_alg_call call;
	u16 n_pins;
	u16 callid_len;
	u8 from_len;			/* From and To URIs follow the Call-ID */
	u8 to_len;
	u8 slots_used;			/* BIT(i): slots[i] holds a pin */
	struct sip_alg_pin slots[SIP_ALG_DIALOG_PIN_SLOTS];
	char callid[];
};

/*
 * Most pins a dialog holds: RTP and RTCP of each side's streams (at most
 * SDP_ALG_MAX_MEDIA an SDP), SNAT pins beside them, and those of media moved
 * or reopened since; used pins stay until the call ends. A bound on what
 * one call can take of the kernel's expectation table and of memory.
 */
#define SIP_ALG_DIALOG_MAX_PINS		(16 * SDP_ALG_MAX_MEDIA)

/* n_pins counts them; slots_used has a bit per slot. */
static_assert(SIP_ALG_DIALOG_MAX_PINS <
	      1UL << (BITS_PER_BYTE * sizeof_field(struct sip_alg_dialog, n_pins)));
static_assert(BITS_PER_BYTE * sizeof_field(struct sip_alg_dialog, slots_used) >=
	      SIP_ALG_DIALOG_PIN_SLOTS);

/*
 * Longest Call-ID tracked: real ones are tens of bytes; a longer one is not
 * worth a dialog (nor the room it takes in every netlink message about it).
 */
#define SIP_ALG_CALLID_MAX	1024

/* Longest From or To URI kept for the operator's view of a call. */
#define SIP_ALG_PARTY_MAX	128

static inline const char *sip_alg_dialog_from(const struct sip_alg_dialog *d)
{
	return d->callid + d->callid_len;
}

static inline const char *sip_alg_dialog_to(const struct sip_alg_dialog *d)
{
	return d->callid + d->callid_len + d->from_len;
}

struct sip_alg_dialog *sip_alg_dialog_lookup(struct sip_alg_net *sn, u16 zone,
					     const char *callid, u16 len);
/* End @d now (netlink call-del, calls-flush): unlinked onto @dead, freed by _reap. */
void sip_alg_dialog_kill(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			 struct list_head *dead);
void sip_alg_dialog_reap(struct sip_alg_net *sn, struct list_head *dead);
/* For the dump of calls: the dialog table's buckets. */
#define SIP_ALG_DIALOG_HASH_BITS	12

/* sip_pinhole.c */
void sip_alg_pin_media(struct sip_alg_pkt *p, struct sip_alg_dialog *d);
/* Replace the binding's pinhole by one to @contact for @expires s; NULL: close it. */
bool sip_alg_pin_register(struct sip_alg_pkt *p, struct sip_alg_dialog *d,
			  const struct sip_alg_addr *contact, u32 expires);
/* Close the media pinholes of @d that still wait: its established media stays. */
void sip_alg_pin_close_waiting(struct sip_alg_net *sn, struct sip_alg_dialog *d);
/* Whether a conntrack a pin of @d became is still alive. */
bool sip_alg_pin_media_flows(struct sip_alg_net *sn, const struct sip_alg_dialog *d);
void sip_alg_pin_unlink_all(struct sip_alg_net *sn, struct sip_alg_dialog *d);
void sip_alg_pin_release_all(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			     bool kill_media);
/* The most a pin's nest takes (IPv6, counters with their padding). */
#define SIP_ALG_PIN_NEST_MAX	160

/* Room for a pin's packet counts, filled in once sn->lock is dropped. */
struct sip_alg_pin_count {
	struct nf_conntrack_tuple tuple;
	struct nlattr *packets;
	struct nlattr *bytes;
};

/*
 * Put the pins of @d as nested attributes into @skb, under sn->lock. Up to
 * @max established ones get room for their counters in @counts (when @acct).
 * With @truncated, pins that would not fit are left out and it says so;
 * without, that is -EMSGSIZE.
 */
int sip_alg_pin_fill(struct sk_buff *skb, const struct sip_alg_dialog *d, bool acct,
		     struct sip_alg_pin_count *counts, unsigned int *n, unsigned int max,
		     bool *truncated);
/* Without sn->lock: the counters of the conntracks the pins became. */
void sip_alg_pin_fill_counts(struct net *net, const struct nf_conntrack_zone *zone,
			     const struct sip_alg_pin_count *counts, unsigned int n);
int sip_alg_pin_init(struct sip_alg_net *sn);
void sip_alg_pin_exit(struct sip_alg_net *sn);

#endif /* _SIP_DIALOG_H */
