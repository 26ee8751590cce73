// SPDX-License-Identifier: GPL-2.0
/*
 * Bytes of a SIP message held back by the TCP path until the message is
 * whole, and kept after their release for the segment they went out with:
 * a table per namespace by conntrack and direction, a list in the order
 * they came for the GC, and a charge against the namespace's share.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "sip_alg.h"
#include "sip_hold.h"

static unsigned int tcp_hold_total = 4 << 20;
module_param(tcp_hold_total, uint, 0644);
MODULE_PARM_DESC(tcp_hold_total,
		 "bytes of cut SIP messages held back per netns, all TCP connections together (default 4 MiB)");

/*
 * A sender writes a message at once; what a stalled or hostile one left
 * half-sent is given up after this long, and its connection with it.
 */
#define SIP_ALG_HOLD_TIMEOUT	(30 * HZ)

/*
 * Keyed: a sender that knew it could send other bytes than a lost segment's
 * in its place and have them given the bytes released in front of it.
 */
static siphash_key_t sip_alg_release_key __read_mostly;

#define SIP_ALG_TCP_LOCKS_BITS	6
static spinlock_t sip_alg_tcp_locks[1 << SIP_ALG_TCP_LOCKS_BITS];

spinlock_t *sip_alg_tcp_lock(const struct nf_conn *ct)
{
	return &sip_alg_tcp_locks[hash_ptr(ct, SIP_ALG_TCP_LOCKS_BITS)];
}

static const struct rhashtable_params sip_alg_hold_params = {
	.head_offset		= offsetof(struct sip_alg_hold, node),
	.key_offset		= offsetof(struct sip_alg_hold, key),
	.key_len		= sizeof(unsigned long),
	.automatic_shrinking	= true,
};

static unsigned long sip_alg_hold_key(const struct nf_conn *ct, enum ip_conntrack_dir dir)
{
	return (unsigned long)ct | dir;
}

/* What a hold costs its namespace, a release kept with it included. */
static u32 sip_alg_hold_charge(const struct sip_alg_hold *h)
{
	return sizeof(*h) + h->size + h->released_size;
}

/* @h's charge changed from @had: under its connection's lock, not the GC's. */
static void sip_alg_hold_account(struct sip_alg_net *sn, const struct sip_alg_hold *h, u32 had)
{
	spin_lock(&sn->hold_lock);
	WRITE_ONCE(sn->hold_bytes, sn->hold_bytes - had + sip_alg_hold_charge(h));
	spin_unlock(&sn->hold_lock);
}

struct sip_alg_hold *sip_alg_hold_find(struct sip_alg_net *sn, const struct nf_conn *ct,
				       enum ip_conntrack_dir dir)
{
	unsigned long key = sip_alg_hold_key(ct, dir);

	return rhashtable_lookup_fast(&sn->holds, &key, sip_alg_hold_params);
}

bool sip_alg_hold_room(struct sip_alg_net *sn, const struct nf_conn *ct,
		       enum ip_conntrack_dir dir, u32 len)
{
	struct sip_alg_hold *h = sip_alg_hold_find(sn, ct, dir);
	u32 had = h ? sip_alg_hold_charge(h) : 0;

	/* A release kept gives way (sip_alg_hold_keep()). */
	if (len > READ_ONCE(sn->cfg.tcp_hold_max))
		return false;
	return READ_ONCE(sn->hold_bytes) - had + sizeof(struct sip_alg_hold) + len <=
	       READ_ONCE(tcp_hold_total);
}

static void sip_alg_hold_gc_arm(struct sip_alg_net *sn)
{
	queue_delayed_work(system_power_efficient_wq, &sn->hold_gc, HZ);
}

/* Its time runs from now: to the end of the GC's list, which is by age. */
static void sip_alg_hold_touch(struct sip_alg_net *sn, struct sip_alg_hold *h)
{
	h->since = jiffies;
	spin_lock(&sn->hold_lock);
	list_move_tail(&h->fifo, &sn->hold_fifo);
	spin_unlock(&sn->hold_lock);
}

static void sip_alg_hold_drop_released(struct sip_alg_hold *h)
{
	kfree(h->released);
	h->released = NULL;
	h->released_len = 0;
	h->released_size = 0;
}

int sip_alg_hold_keep(struct sip_alg_net *sn, struct nf_conn *ct, enum ip_conntrack_dir dir,
		      const u8 *buf, u32 len, bool released)
{
	struct sip_alg_hold *h = sip_alg_hold_find(sn, ct, dir);
	u32 had = h ? sip_alg_hold_charge(h) : 0;
	u8 *data = NULL;

	/* A new buffer when the old one is too small, or far too big. */
	if (!h || h->size < len || h->size / 4 > len) {
		data = kmalloc(len, GFP_ATOMIC);
		if (!data)
			goto err_free_old;
	}
	if (!h) {
		h = kzalloc(sizeof(*h), GFP_ATOMIC);
		if (!h)
			goto err_free_data;
		h->key = sip_alg_hold_key(ct, dir);
		h->ct = ct;
		h->since = jiffies;
		if (rhashtable_lookup_insert_fast(&sn->holds, &h->node, sip_alg_hold_params))
			goto err_free_new;
		nf_conntrack_get(&ct->ct_general);
		spin_lock(&sn->hold_lock);
		list_add_tail(&h->fifo, &sn->hold_fifo);
		spin_unlock(&sn->hold_lock);
		sip_alg_hold_gc_arm(sn);
	} else if (!h->len) {
		/* A new message's first bytes, beside a release kept. */
		sip_alg_hold_touch(sn, h);
	}
	if (data) {
		kfree(h->data);
		h->data = data;
		h->size = len;
	}
	memcpy(h->data, buf, len);
	h->len = len;
	/*
	 * An older release's segment sent again would now be placed with this
	 * hold's correction. Held bytes come first: sip_alg_hold_room()
	 * counted on that.
	 */
	if (h->released &&
	    (!released || h->released_len + len > READ_ONCE(sn->cfg.tcp_hold_max) ||
	     READ_ONCE(sn->hold_bytes) - had + sip_alg_hold_charge(h) > READ_ONCE(tcp_hold_total)))
		sip_alg_hold_drop_released(h);
	sip_alg_hold_account(sn, h, had);
	return 0;

err_free_new:
	kfree(h);
err_free_data:
	kfree(data);
	return -ENOMEM;
err_free_old:
	/* What was held is out of date: the caller gives the stream up. */
	if (h)
		sip_alg_hold_free(sn, h);
	return -ENOMEM;
}

void sip_alg_hold_release(struct sip_alg_net *sn, struct sip_alg_hold *h,
			  const struct sip_alg_release *rel)
{
	u32 had = sip_alg_hold_charge(h);

	/* The buffer changes hands: the charge stays, an older release's goes. */
	kfree(h->released);
	h->released = h->data;
	h->released_len = h->len;
	h->released_size = h->size;
	h->data = NULL;
	h->len = 0;
	h->size = 0;
	h->rel = *rel;
	sip_alg_hold_touch(sn, h);
	sip_alg_hold_account(sn, h, had);
}

u64 sip_alg_hold_fingerprint(const u8 *buf, u32 len)
{
	return siphash(buf, len, &sip_alg_release_key);
}

void sip_alg_hold_free(struct sip_alg_net *sn, struct sip_alg_hold *h)
{
	rhashtable_remove_fast(&sn->holds, &h->node, sip_alg_hold_params);
	spin_lock(&sn->hold_lock);
	list_del(&h->fifo);
	WRITE_ONCE(sn->hold_bytes, sn->hold_bytes - sip_alg_hold_charge(h));
	spin_unlock(&sn->hold_lock);
	kfree(h->data);
	kfree(h->released);
	nf_ct_put(h->ct);
	/* A lookup of another connection may be walking past it. */
	kfree_rcu(h, rcu);
}

/*
 * The oldest holds first: the list is in the order they began. The
 * connection's lock is taken for each, outside the list's: the packet
 * path nests them the other way.
 */
static void sip_alg_hold_gc(struct work_struct *work)
{
	struct sip_alg_net *sn = container_of(to_delayed_work(work), struct sip_alg_net,
					      hold_gc);
	enum ip_conntrack_dir dir;
	struct sip_alg_hold *h;
	struct nf_conn *ct;

	for (;;) {
		spin_lock_bh(&sn->hold_lock);
		h = list_first_entry_or_null(&sn->hold_fifo, struct sip_alg_hold, fifo);
		if (!h || time_before(jiffies, h->since + SIP_ALG_HOLD_TIMEOUT)) {
			if (h)
				sip_alg_hold_gc_arm(sn);
			spin_unlock_bh(&sn->hold_lock);
			return;
		}
		ct = h->ct;
		dir = h->key & 1;
		nf_conntrack_get(&ct->ct_general);
		spin_unlock_bh(&sn->hold_lock);

		spin_lock_bh(sip_alg_tcp_lock(ct));
		/*
		 * It may have been released meanwhile, and held anew. A
		 * release kept goes quietly: its segment was not sent again.
		 */
		h = sip_alg_hold_find(sn, ct, dir);
		if (h && !time_before(jiffies, h->since + SIP_ALG_HOLD_TIMEOUT)) {
			if (h->len)
				sip_alg_count(sn, SIP_ALG_STAT_TCP_HOLD_EXPIRED);
			sip_alg_hold_free(sn, h);
		}
		spin_unlock_bh(sip_alg_tcp_lock(ct));
		nf_ct_put(ct);
	}
}

int sip_alg_hold_net_init(struct sip_alg_net *sn)
{
	spin_lock_init(&sn->hold_lock);
	INIT_LIST_HEAD(&sn->hold_fifo);
	INIT_DELAYED_WORK(&sn->hold_gc, sip_alg_hold_gc);
	return rhashtable_init(&sn->holds, &sip_alg_hold_params);
}

/*
 * No packet reaches the helper here any more (the namespace is going, or
 * the helper was unregistered first): what is still held is lost with the
 * connection, which the sender believes delivered.
 */
void sip_alg_hold_net_exit(struct sip_alg_net *sn)
{
	struct sip_alg_hold *h, *tmp;
	LIST_HEAD(all);

	cancel_delayed_work_sync(&sn->hold_gc);
	spin_lock_bh(&sn->hold_lock);
	list_splice_init(&sn->hold_fifo, &all);
	spin_unlock_bh(&sn->hold_lock);
	list_for_each_entry_safe(h, tmp, &all, fifo) {
		rhashtable_remove_fast(&sn->holds, &h->node, sip_alg_hold_params);
		sn->hold_bytes -= sip_alg_hold_charge(h);
		kfree(h->data);
		kfree(h->released);
		nf_ct_put(h->ct);
		kfree_rcu(h, rcu);
	}
	WARN(sn->hold_bytes, "%lu bytes held back not freed\n", sn->hold_bytes);
	rhashtable_destroy(&sn->holds);
}

void sip_alg_hold_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sip_alg_tcp_locks); i++)
		spin_lock_init(&sip_alg_tcp_locks[i]);
	get_random_bytes(&sip_alg_release_key, sizeof(sip_alg_release_key));
}
