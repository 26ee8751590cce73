/* SPDX-License-Identifier: GPL-2.0 */
/* Dialogs (calls, registrations) and the pinholes they own; all under sn->lock. */
#ifndef _SIP_DIALOG_H
#define _SIP_DIALOG_H

#include <linux/list.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "uapi/linux/nf_sip_alg.h"

enum sip_alg_dialog_state {
	SIP_ALG_DLG_EARLY,		/* INVITE sent, no 2xx yet */
	SIP_ALG_DLG_CONFIRMED,		/* a 2xx was seen */
	SIP_ALG_DLG_REGISTERED,		/* a registration binding */
	SIP_ALG_DLG_ENDING,		/* until its grace passes */
};

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
	struct hlist_node by_master;	/* in the master's helper data */
	struct list_head timed;		/* in sn->timed while its deadline is firm */
	struct list_head pins;
	struct nf_conn *master;		/* no reference: cleared when it dies */
	unsigned long master_key;	/* the first master, only compared */
	struct nf_conntrack_zone zone;
	unsigned long deadline;		/* idle expiry, or end of grace */
	unsigned long created;		/* jiffies */
	/* The signalling flow of its first message, original direction. */
	struct nf_conntrack_tuple sig;
	u32 hash;
	u8 state;			/* enum sip_alg_dialog_state */
	u8 answered;			/* a response was seen */
	u8 unregistering;		/* the last REGISTER removed its bindings */
	u8 on_hold;			/* BIT(dir): that side's last offer holds */
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

/* 0.0.0.0 or ::, the hold address of RFC 2543 and an unset one. */
static inline bool sip_alg_hostport_is_any(const struct sip_alg_hostport *hp)
{
	static const u8 zero[16];

	return !memcmp(hp->addr, zero, hp->family == 4 ? 4 : 16);
}

void sip_alg_dialog_deadline(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			     unsigned long deadline);
void sip_alg_dialog_end(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			unsigned int grace_secs, enum sip_alg_end_reason why);
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
void sip_alg_pin_register(struct sip_alg_pkt *p, struct sip_alg_dialog *d);
bool sip_alg_register_removes(const struct sip_alg_msg *msg);
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
