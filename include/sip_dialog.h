/* SPDX-License-Identifier: GPL-2.0 */
/* The call table: calls and registrations, per netns, under sn->lock. */
#ifndef _SIP_DIALOG_H
#define _SIP_DIALOG_H

#include <linux/list.h>
#include <linux/rhashtable.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "sip_call.h"
#include "sip_pinhole.h"

/*
 * What the calls one address started hold together: the budget a single
 * sender (a phone, a stranger, a trunk) can take of the namespace's calls
 * and of the kernel's expectation table. Freed with its last call.
 */
struct sip_alg_source {
	struct rhash_head node;		/* in sn->sources */
	struct sip_alg_source_key {
		union nf_inet_addr addr;
		u32 zone;
	} key;
	u32 n_calls;
	u32 n_pins;
	struct rcu_head rcu;
};

struct sip_alg_dialog {
	struct rhlist_head by_callid;	/* in sn->dialogs */
	union {
		struct list_head gc;	/* in sn->timed (firm deadline) or sn->idle */
		struct rcu_head rcu;	/* unlinked and reaped: a walk may still see it */
	};
	/* Who started it, for the budgets; NULL once unlinked from the tables. */
	struct sip_alg_source *source;
	struct nf_conntrack_zone zone;
	u32 hash;
	unsigned long deadline;		/* idle expiry, or end of grace */
	unsigned long created;		/* jiffies */
	/* The signalling flow of its first message, original direction. */
	struct nf_conntrack_tuple sig;
	char *callid;			/* one allocation sized to fit the three */
	struct sip_alg_call call;
	u16 callid_len;
	u8 from_len;			/* From and To URIs follow the Call-ID */
	u8 to_len;
	struct sip_alg_pins pins;
};

/* A call without media fits in 256 bytes and its strings: keep it so. */
static_assert(sizeof(struct sip_alg_dialog) <= 256);

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

/* The slab cache of every namespace's calls, and the hash key. */
int sip_alg_dialog_module_init(void);
void sip_alg_dialog_module_exit(void);
int sip_alg_dialog_net_init(struct sip_alg_net *sn);
/* Stops the GC, then ends every call without touching its media. */
void sip_alg_dialog_net_exit(struct sip_alg_net *sn);
/*
 * The packet path: update the state of the message's call and open its
 * pinholes; fills p->media for the rewrite that follows.
 */
void sip_alg_dialog_process(struct sip_alg_pkt *p);
struct sip_alg_dialog *sip_alg_dialog_lookup(struct sip_alg_net *sn, u16 zone,
					     const char *callid, u16 len);
/* End @d now (netlink call-del, calls-flush): unlinked onto @dead, freed by _reap. */
void sip_alg_dialog_kill(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			 struct list_head *dead);
void sip_alg_dialog_reap(struct sip_alg_net *sn, struct list_head *dead);
/*
 * A walk of the dialog table (the calls dump) runs under RCU and may see a
 * dialog after it was unlinked: under sn->lock, one with a source is live.
 * Walks miss some dialogs when others are removed meanwhile: the GC, flush
 * and namespace exit go down the GC lists instead.
 */
void sip_alg_dialog_walk_enter(struct sip_alg_net *sn, struct rhashtable_iter *iter);
/* The next dialog of a walk (started), or NULL at its end; it may be dead. */
struct sip_alg_dialog *sip_alg_dialog_walk_next(struct rhashtable_iter *iter);
/* The dialog _next would return, without moving on. */
struct sip_alg_dialog *sip_alg_dialog_walk_peek(struct rhashtable_iter *iter);
/* End every call of the namespace (netlink calls-flush). */
void sip_alg_dialog_flush(struct sip_alg_net *sn);

#endif /* _SIP_DIALOG_H */
