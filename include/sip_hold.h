/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first bytes of a SIP message that a TCP segment end cut, held back
 * by the router until the message is whole (docs/tcp.md). The sender had
 * them acknowledged, so they are the only copy: they live outside the
 * conntrack, bounded per connection and per namespace, and the GC frees
 * what a connection that went quiet left behind. Released, they are kept
 * a while longer: lost after the router, the segment they went out in
 * front of comes again, and only they can make it what it was.
 */
#ifndef _SIP_HOLD_H
#define _SIP_HOLD_H

#include <linux/rhashtable-types.h>
#include <net/netfilter/nf_conntrack.h>

struct sip_alg_net;

/* A segment that went out with the bytes held before it in front. */
struct sip_alg_release {
	u64 fingerprint;		/* of its payload as it came */
	u32 seq;			/* its sender's sequence number */
	u32 len;			/* its payload's length as it came */
	u32 tail;			/* bytes cut off its end, held back in turn */
	s32 delta;			/* the sequence correction it was given */
	s32 offset;			/* nf_ct_seqadj's offset for it, that included */
};

struct sip_alg_hold {
	struct rhash_head node;
	unsigned long key;		/* the conntrack's address, its direction in bit 0 */
	struct list_head fifo;		/* on the namespace's list, oldest first */
	struct nf_conn *ct;		/* a reference: no other conntrack gets the key */
	unsigned long since;		/* jiffies when the message's first bytes came */
	u32 len;			/* 0: nothing held, only a release kept */
	u32 size;			/* of data, charged to the namespace */
	u8 *data;
	/* The bytes last released, for their segment sent again: charged too. */
	u8 *released;
	u32 released_len;
	u32 released_size;
	struct sip_alg_release rel;
	struct rcu_head rcu;
};

/*
 * Segments of one direction are taken in order, one at a time: a TCP
 * sender's retransmission timer and its writer may run on two CPUs. The
 * same lock guards the connection's held bytes.
 */
spinlock_t *sip_alg_tcp_lock(const struct nf_conn *ct);

/* Whether @len bytes more may be held for @ct in @dir; under its lock. */
bool sip_alg_hold_room(struct sip_alg_net *sn, const struct nf_conn *ct,
		       enum ip_conntrack_dir dir, u32 len);

/*
 * The bytes held for @ct in @dir (none when h->len is 0: a release kept),
 * or NULL; under sip_alg_tcp_lock(ct).
 */
struct sip_alg_hold *sip_alg_hold_find(struct sip_alg_net *sn, const struct nf_conn *ct,
				       enum ip_conntrack_dir dir);

/*
 * Hold @len bytes from @buf for @ct in @dir, in place of what was held.
 * With @released (what was held went out in front of the same segment,
 * sip_alg_hold_release()), that release stays if it fits beside them
 * within tcp_hold_max and the namespace's share; any other goes. Under
 * sip_alg_tcp_lock(ct). Returns 0, or -ENOMEM: nothing is held or kept.
 */
int sip_alg_hold_keep(struct sip_alg_net *sn, struct nf_conn *ct, enum ip_conntrack_dir dir,
		      const u8 *buf, u32 len, bool released);

/*
 * Free what is held. Under sip_alg_tcp_lock(h->ct), with a reference of
 * the caller's own on the conntrack (the packet's, say): the hold's may
 * be the last otherwise.
 */
void sip_alg_hold_free(struct sip_alg_net *sn, struct sip_alg_hold *h);

/*
 * What was held went out in front of the segment @rel says: keep it, in
 * place of an older release, for that segment sent again (lost after the
 * router), until the next hold, or the GC's time-out. Under
 * sip_alg_tcp_lock(h->ct).
 */
void sip_alg_hold_release(struct sip_alg_net *sn, struct sip_alg_hold *h,
			  const struct sip_alg_release *rel);

/* A keyed hash of a segment's payload, to know it again when sent again. */
u64 sip_alg_hold_fingerprint(const u8 *buf, u32 len);

void sip_alg_hold_init(void);
int sip_alg_hold_net_init(struct sip_alg_net *sn);
void sip_alg_hold_net_exit(struct sip_alg_net *sn);

#endif /* _SIP_HOLD_H */
