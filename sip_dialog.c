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

#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/siphash.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "sip_call.h"
#include "sip_dialog.h"
#include "sip_events.h"

/* A full scan for idle dialogs every this many GC runs (one per second). */
#define SIP_ALG_GC_SCAN_EVERY		10

static siphash_aligned_key_t sip_alg_hash_key;
static struct kmem_cache *sip_alg_dialog_cache __read_mostly;

/*
 * Both tables grow and shrink with what they hold. Their changes are made
 * under sn->lock; look-ups under RCU, walks too (so dialogs are freed
 * after a grace period).
 */
static const struct rhashtable_params sip_alg_dialog_params = {
	.head_offset		= offsetof(struct sip_alg_dialog, by_callid),
	.key_offset		= offsetof(struct sip_alg_dialog, hash),
	.key_len		= sizeof(u32),
	.automatic_shrinking	= true,
};

static const struct rhashtable_params sip_alg_source_params = {
	.head_offset		= offsetof(struct sip_alg_source, node),
	.key_offset		= offsetof(struct sip_alg_source, key),
	.key_len		= sizeof(struct sip_alg_source_key),
	.automatic_shrinking	= true,
};

static void sip_alg_dialog_event(struct sip_alg_net *sn, const struct sip_alg_dialog *d,
				 enum sip_alg_event_type type, int end_reason)
{
	sip_alg_event_call(sn, d->callid, d->callid_len, &d->zone, &d->sig, type, end_reason);
}

static u32 sip_alg_callid_hash(const char *callid, u16 len, u16 zone)
{
	return siphash(callid, len, &sip_alg_hash_key) ^ zone;
}

static bool sip_alg_dialog_is(const struct sip_alg_dialog *d, u32 hash, u16 zone,
			      const char *callid, u16 len)
{
	return d->hash == hash && d->callid_len == len && d->zone.id == zone &&
	       !memcmp(d->callid, callid, len);
}

/* Under sn->lock, which keeps what it finds from being unlinked. */
struct sip_alg_dialog *sip_alg_dialog_lookup(struct sip_alg_net *sn, u16 zone,
					     const char *callid, u16 len)
{
	u32 hash = sip_alg_callid_hash(callid, len, zone);
	struct sip_alg_dialog *d, *found = NULL;
	struct rhlist_head *list, *pos;

	rcu_read_lock();
	list = rhltable_lookup(&sn->dialogs, &hash, sip_alg_dialog_params);
	rhl_for_each_entry_rcu(d, pos, list, by_callid) {
		if (sip_alg_dialog_is(d, hash, zone, callid, len)) {
			found = d;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * The call of this Call-ID whose signalling runs on @f, the flow of
 * conntrack @sig. Calls of the same Call-ID on other flows (a stranger's,
 * or another phone that picked the same Call-ID) are not it: *@foreign
 * says that there was one. Where several own the flow (a stranger's
 * Contact named the same hosts), the one that started on this very
 * conntrack wins, else the oldest.
 */
static struct sip_alg_dialog *sip_alg_dialog_find(struct sip_alg_net *sn, u32 hash, u16 zone,
						  const char *callid, u16 len,
						  const struct sip_alg_flow *f,
						  const struct nf_conntrack_tuple *sig,
						  bool *foreign)
{
	struct sip_alg_dialog *d, *owner = NULL;
	struct rhlist_head *list, *pos;

	*foreign = false;
	rcu_read_lock();
	list = rhltable_lookup(&sn->dialogs, &hash, sip_alg_dialog_params);
	/* Newest first. */
	rhl_for_each_entry_rcu(d, pos, list, by_callid) {
		if (!sip_alg_dialog_is(d, hash, zone, callid, len))
			continue;
		if (!sip_alg_call_owns(&d->call, f)) {
			*foreign = true;
			continue;
		}
		owner = d;
		if (nf_ct_tuple_equal(&d->sig, sig))
			break;
	}
	rcu_read_unlock();
	return owner;
}

static void sip_alg_flow_of(const struct nf_conn *ct, enum ip_conntrack_dir dir,
			    struct sip_alg_flow *f)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;
	const struct nf_conntrack_tuple *r = &ct->tuplehash[!dir].tuple;

	static_assert(sizeof(f->src) == sizeof(t->src.u3));
	f->family = sip_alg_ct_family(ct);
	f->side = dir;
	memcpy(f->src, &t->src.u3, sizeof(f->src));
	memcpy(f->dst, &t->dst.u3, sizeof(f->dst));
	memcpy(f->reply_src, &r->src.u3, sizeof(f->reply_src));
	memcpy(f->reply_dst, &r->dst.u3, sizeof(f->reply_dst));
}

/* The source record of @addr with room for one more call, taken for it. */
static struct sip_alg_source *sip_alg_source_get(struct sip_alg_net *sn,
						 const union nf_inet_addr *addr, u16 zone)
{
	const struct sip_alg_source_key key = { .addr = *addr, .zone = zone };
	struct sip_alg_source *src;

	src = rhashtable_lookup_fast(&sn->sources, &key, sip_alg_source_params);
	if (src) {
		if (src->n_calls >= READ_ONCE(sn->cfg.max_source_calls)) {
			sip_alg_count(sn, SIP_ALG_STAT_CALLS_OVER_BUDGET);
			return NULL;
		}
		src->n_calls++;
		return src;
	}
	src = kzalloc(sizeof(*src), GFP_ATOMIC);
	if (!src)
		return NULL;
	src->key = key;
	src->n_calls = 1;
	if (rhashtable_insert_fast(&sn->sources, &src->node, sip_alg_source_params)) {
		kfree(src);
		return NULL;
	}
	return src;
}

static void sip_alg_source_put(struct sip_alg_net *sn, struct sip_alg_source *src,
			       unsigned int pins)
{
	src->n_pins -= pins;
	sn->n_pins -= pins;
	if (--src->n_calls)
		return;
	rhashtable_remove_fast(&sn->sources, &src->node, sip_alg_source_params);
	kfree_rcu(src, rcu);
}

/*
 * The URI of a From or To value, for the operator: what stands between
 * '<' and '>', else everything before the first ';'. Cut to fit.
 */
static struct sip_alg_span sip_alg_party(const struct sip_alg_msg *msg, const char *buf,
					 u8 hdr)
{
	struct sip_alg_span v = {};
	const char *s, *e;
	unsigned int i;

	for (i = 0; i < msg->n_headers; i++) {
		if (msg->headers[i].id == hdr) {
			v = msg->headers[i].value;
			break;
		}
	}
	s = buf + v.off;
	e = s + v.len;
	if (memchr(s, '<', v.len)) {
		s = (const char *)memchr(s, '<', v.len) + 1;
		e = memchr(s, '>', e - s) ?: e;
	} else {
		e = memchr(s, ';', v.len) ?: e;
	}
	v.off = s - buf;
	v.len = min_t(u16, e - s, SIP_ALG_PARTY_MAX);
	return v;
}

/* A new call for @p's message, which starts one, on flow @f. */
static struct sip_alg_dialog *sip_alg_dialog_new(struct sip_alg_pkt *p, u32 hash,
						 const struct sip_alg_flow *f)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(p->ct);
	const struct sip_alg_span *cid = &p->msg->call_id;
	struct sip_alg_net *sn = p->sn;
	struct sip_alg_span from, to;
	struct sip_alg_source *src;
	struct sip_alg_dialog *d;

	if (sn->n_dialogs >= READ_ONCE(sn->cfg.max_dialogs))
		goto fail;
	src = sip_alg_source_get(sn, &p->ct->tuplehash[p->dir].tuple.src.u3, zone->id);
	if (!src)
		goto fail;
	from = sip_alg_party(p->msg, p->buf, SIP_ALG_H_FROM);
	to = sip_alg_party(p->msg, p->buf, SIP_ALG_H_TO);
	d = kmem_cache_zalloc(sip_alg_dialog_cache, GFP_ATOMIC);
	if (!d)
		goto put_source;
	/* Apart, so that the call's size does not round up with the strings. */
	d->callid = kmalloc(cid->len + from.len + to.len, GFP_ATOMIC);
	if (!d->callid)
		goto free_dialog;

	sip_alg_pins_init(&d->pins, &src->n_pins);
	d->source = src;
	d->zone = *zone;
	d->hash = hash;
	d->created = jiffies;
	d->sig = p->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	sip_alg_call_init(&d->call, p->msg, f);
	d->callid_len = cid->len;
	d->from_len = from.len;
	d->to_len = to.len;
	memcpy(d->callid, p->buf + cid->off, cid->len);
	memcpy(d->callid + cid->len, p->buf + from.off, from.len);
	memcpy(d->callid + cid->len + from.len, p->buf + to.off, to.len);
	if (rhltable_insert(&sn->dialogs, &d->by_callid, sip_alg_dialog_params))
		goto free_callid;
	list_add_tail(&d->gc, &sn->idle);
	sn->n_dialogs++;
	sip_alg_count(sn, SIP_ALG_STAT_DIALOGS_CREATED);
	if (sn->n_dialogs == 1)
		mod_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	return d;

free_callid:
	kfree(d->callid);
free_dialog:
	kmem_cache_free(sip_alg_dialog_cache, d);
put_source:
	sip_alg_source_put(sn, src, 0);
fail:
	sip_alg_count(sn, SIP_ALG_STAT_FAIL_NO_DIALOG);
	return NULL;
}

static void sip_alg_call_settings(const struct sip_alg_net *sn, struct sip_alg_call_settings *s)
{
	s->sip_timeout = READ_ONCE(sn->cfg.sip_timeout);
	s->grace = READ_ONCE(sn->cfg.grace_secs);
	s->observe = READ_ONCE(sn->cfg.mode) == SIP_ALG_MODE_OBSERVE;
}

/*
 * The deadline the call core gave: a firm one (end of grace, binding
 * expiry) is looked at every second, a quiet one every few seconds.
 */
static void sip_alg_dialog_deadline(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				    const struct sip_alg_call_decision *dec)
{
	if (dec->firm) {
		d->deadline = jiffies + dec->deadline * HZ;
		list_move_tail(&d->gc, &sn->timed);
	} else if (dec->deadline) {
		d->deadline = jiffies + dec->deadline * HZ;
	}
}

/* Carry out what the call core decided for one message of @d. */
static void sip_alg_dialog_apply(struct sip_alg_pkt *p, struct sip_alg_dialog *d,
				 const struct sip_alg_call_decision *dec)
{
	struct sip_alg_net *sn = p->sn;

	if (dec->restart)
		list_move_tail(&d->gc, &sn->idle);
	if (dec->open_media)
		sip_alg_pin_media(p, &d->pins);
	if (dec->close_waiting)
		sip_alg_pin_close_waiting(sn, &d->pins);
	if (dec->binding == SIP_ALG_BINDING_REFRESH) {
		if (sip_alg_pin_register(p, &d->pins, &p->msg->addrs[dec->contact], dec->expires))
			sip_alg_count(sn, SIP_ALG_STAT_REGISTRATIONS);
	} else if (dec->binding == SIP_ALG_BINDING_REMOVE) {
		sip_alg_pin_register(p, &d->pins, NULL, 0);
	}
	sip_alg_dialog_deadline(sn, d, dec);
}

void sip_alg_dialog_process(struct sip_alg_pkt *p)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(p->ct);
	const struct sip_alg_span *cid = &p->msg->call_id;
	const char *callid = p->buf + cid->off;
	struct sip_alg_call_decision dec = { .event = SIP_ALG_CALL_NONE };
	struct sip_alg_call_settings s;
	struct sip_alg_net *sn = p->sn;
	struct nf_conntrack_tuple sig;
	struct sip_alg_dialog *d;
	struct sip_alg_flow flow;
	bool foreign, started = false;
	u32 hash;

	if (!cid->len || cid->len > SIP_ALG_CALLID_MAX)
		return;
	hash = sip_alg_callid_hash(callid, cid->len, zone->id);
	sip_alg_flow_of(p->ct, p->dir, &flow);
	sip_alg_call_settings(sn, &s);

	spin_lock_bh(&sn->lock);
	d = sip_alg_dialog_find(sn, hash, zone->id, callid, cid->len, &flow,
				&p->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, &foreign);
	if (!d) {
		if (!sip_alg_call_starts(p->msg)) {
			if (foreign)
				sip_alg_count(sn, SIP_ALG_STAT_FOREIGN_FLOW);
			goto unlock;
		}
		d = sip_alg_dialog_new(p, hash, &flow);
		if (!d)
			goto unlock;
		started = true;
	}
	sip_alg_call_step(&d->call, p->msg, p->sdp, &flow, &s, &dec);
	sip_alg_dialog_apply(p, d, &dec);
	sig = d->sig;
unlock:
	spin_unlock_bh(&sn->lock);

	/* Built without the lock: the message has the call's Call-ID. */
	if (started)
		sip_alg_event_call(sn, callid, cid->len, zone, &sig,
				   SIP_ALG_EVENT_TYPE_CALL_START, -1);
	if (dec.event != SIP_ALG_CALL_NONE)
		sip_alg_event_call(sn, callid, cid->len, zone, &sig, dec.event, dec.end);
}

static void sip_alg_dialog_unlink(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				  struct list_head *dead, enum sip_alg_end_reason why)
{
	if (d->call.state != SIP_ALG_CALL_STATE_ENDING)
		sip_alg_dialog_event(sn, d, SIP_ALG_EVENT_TYPE_CALL_END, why);
	rhltable_remove(&sn->dialogs, &d->by_callid, sip_alg_dialog_params);
	sip_alg_pin_unlink_all(sn, &d->pins);
	sip_alg_source_put(sn, d->source, d->pins.n);
	d->source = NULL;
	d->pins.charged = NULL;
	list_move_tail(&d->gc, dead);
	sn->n_dialogs--;
}

static void sip_alg_dialog_free_rcu(struct rcu_head *head)
{
	struct sip_alg_dialog *d = container_of(head, struct sip_alg_dialog, rcu);

	kfree(d->callid);
	kmem_cache_free(sip_alg_dialog_cache, d);
}

/* Its reaper has moved past it on the list of the dead: d->gc becomes d->rcu. */
static void sip_alg_dialog_free(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				bool kill_media)
{
	sip_alg_pin_release_all(sn, &d->zone, &d->pins, kill_media);
	sip_alg_count(sn, SIP_ALG_STAT_DIALOGS_ENDED);
	call_rcu(&d->rcu, sip_alg_dialog_free_rcu);
}

/* Outside sn->lock: close the pins of unlinked dialogs, and end their media. */
static void sip_alg_dialog_free_all(struct sip_alg_net *sn, struct list_head *dead,
				    bool kill_media)
{
	struct sip_alg_dialog *d, *next;

	list_for_each_entry_safe(d, next, dead, gc)
		sip_alg_dialog_free(sn, d, kill_media);
	INIT_LIST_HEAD(dead);
}

void sip_alg_dialog_reap(struct sip_alg_net *sn, struct list_head *dead)
{
	sip_alg_dialog_free_all(sn, dead, true);
}

/* The deadline of @d passed: ask the call core what becomes of it. */
static void sip_alg_dialog_quiet(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				 const struct sip_alg_call_settings *s, struct list_head *dead)
{
	struct sip_alg_call_decision dec;
	bool media = false;

	if (d->call.state == SIP_ALG_CALL_STATE_EARLY ||
	    d->call.state == SIP_ALG_CALL_STATE_CONFIRMED)
		media = sip_alg_pin_media_flows(sn, &d->zone, &d->pins);
	sip_alg_call_quiet(&d->call, media, s, &dec);
	if (dec.end == SIP_ALG_CALL_NONE) {
		sip_alg_pin_close_waiting(sn, &d->pins);
		sip_alg_dialog_deadline(sn, d, &dec);
		sip_alg_count(sn, SIP_ALG_STAT_QUIET_KEPT);
		return;
	}
	if (dec.event != SIP_ALG_CALL_NONE)
		sip_alg_dialog_event(sn, d, dec.event, dec.end);
	sip_alg_dialog_unlink(sn, d, dead, dec.end);
}

/*
 * The GC holds sn->lock, which every SIP message of the namespace takes, for
 * this many calls at most, then lets the packet path in.
 */
#define SIP_ALG_GC_BATCH		64

void sip_alg_dialog_walk_enter(struct sip_alg_net *sn, struct rhashtable_iter *iter)
{
	rhltable_walk_enter(&sn->dialogs, iter);
}

/* -EAGAIN: the table was resized, the walk starts over (and sees some twice). */
struct sip_alg_dialog *sip_alg_dialog_walk_next(struct rhashtable_iter *iter)
{
	struct sip_alg_dialog *d;

	do {
		d = rhashtable_walk_next(iter);
	} while (d == ERR_PTR(-EAGAIN));
	return d;
}

struct sip_alg_dialog *sip_alg_dialog_walk_peek(struct rhashtable_iter *iter)
{
	struct sip_alg_dialog *d;

	do {
		d = rhashtable_walk_peek(iter);
	} while (d == ERR_PTR(-EAGAIN));
	return d;
}

typedef void (*sip_alg_dialog_visit_t)(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				       const void *arg, struct list_head *dead);

/*
 * Visit the dialogs of @list (sn->timed or sn->idle) under sn->lock,
 * SIP_ALG_GC_BATCH at a time, each once: a mark goes to the tail first,
 * and each visited dialog, like any that comes meanwhile, behind it. What
 * @visit unlinks onto its list of the dead is freed after each batch,
 * without the lock, its media ended too when @kill_media. Process context:
 * sweeps take turns, so the mark is the only one on the list.
 */
static void sip_alg_dialog_sweep(struct sip_alg_net *sn, struct list_head *list,
				 sip_alg_dialog_visit_t visit, const void *arg, bool kill_media)
{
	struct sip_alg_dialog *d;
	struct list_head mark;
	bool done = false;
	LIST_HEAD(dead);
	unsigned int n;

	mutex_lock(&sn->sweeping);
	spin_lock_bh(&sn->lock);
	list_add_tail(&mark, list);
	spin_unlock_bh(&sn->lock);
	while (!done) {
		spin_lock_bh(&sn->lock);
		for (n = 0; n < SIP_ALG_GC_BATCH; n++) {
			if (list->next == &mark) {
				list_del(&mark);
				done = true;
				break;
			}
			d = list_first_entry(list, struct sip_alg_dialog, gc);
			list_move_tail(&d->gc, list);
			visit(sn, d, arg, &dead);
		}
		spin_unlock_bh(&sn->lock);
		sip_alg_dialog_free_all(sn, &dead, kill_media);
		cond_resched();
	}
	mutex_unlock(&sn->sweeping);
}

static void sip_alg_dialog_visit_due(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				     const void *settings, struct list_head *dead)
{
	if (time_after_eq(jiffies, d->deadline))
		sip_alg_dialog_quiet(sn, d, settings, dead);
}

static void sip_alg_gc(struct work_struct *work)
{
	struct sip_alg_net *sn = container_of(to_delayed_work(work), struct sip_alg_net, gc);
	struct sip_alg_call_settings s;

	sip_alg_call_settings(sn, &s);
	/* Ends of grace and binding expiries; then calls quiet for too long. */
	sip_alg_dialog_sweep(sn, &sn->timed, sip_alg_dialog_visit_due, &s, true);
	if (++sn->gc_runs % SIP_ALG_GC_SCAN_EVERY == 0)
		sip_alg_dialog_sweep(sn, &sn->idle, sip_alg_dialog_visit_due, &s, true);

	spin_lock_bh(&sn->lock);
	if (sn->n_dialogs && !sn->exiting)
		queue_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	spin_unlock_bh(&sn->lock);
}

void sip_alg_dialog_kill(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			 struct list_head *dead)
{
	sip_alg_dialog_unlink(sn, d, dead, SIP_ALG_END_REASON_DELETED);
}

static void sip_alg_dialog_visit_kill(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				      const void *unused, struct list_head *dead)
{
	sip_alg_dialog_kill(sn, d, dead);
}

void sip_alg_dialog_flush(struct sip_alg_net *sn)
{
	sip_alg_dialog_sweep(sn, &sn->timed, sip_alg_dialog_visit_kill, NULL, true);
	sip_alg_dialog_sweep(sn, &sn->idle, sip_alg_dialog_visit_kill, NULL, true);
}

int sip_alg_dialog_net_init(struct sip_alg_net *sn)
{
	int ret;

	INIT_LIST_HEAD(&sn->timed);
	INIT_LIST_HEAD(&sn->idle);
	mutex_init(&sn->sweeping);
	INIT_DELAYED_WORK(&sn->gc, sip_alg_gc);
	ret = rhltable_init(&sn->dialogs, &sip_alg_dialog_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&sn->sources, &sip_alg_source_params);
	if (ret)
		rhltable_destroy(&sn->dialogs);
	return ret;
}

static void sip_alg_dialog_visit_unlink(struct sip_alg_net *sn, struct sip_alg_dialog *d,
					const void *unused, struct list_head *dead)
{
	sip_alg_dialog_unlink(sn, d, dead, SIP_ALG_END_REASON_DELETED);
}

void sip_alg_dialog_net_exit(struct sip_alg_net *sn)
{
	spin_lock_bh(&sn->lock);
	WRITE_ONCE(sn->exiting, true);
	spin_unlock_bh(&sn->lock);
	cancel_delayed_work_sync(&sn->gc);

	/*
	 * No message reaches the table any more. The expectation functions
	 * of pins still waiting may run until their expectations are removed
	 * here, and they take the lock.
	 */
	sip_alg_dialog_sweep(sn, &sn->timed, sip_alg_dialog_visit_unlink, NULL, false);
	sip_alg_dialog_sweep(sn, &sn->idle, sip_alg_dialog_visit_unlink, NULL, false);
	/* Every call is gone, and with it every source. */
	rhashtable_destroy(&sn->sources);
	rhltable_destroy(&sn->dialogs);
}

int sip_alg_dialog_module_init(void)
{
	get_random_bytes(&sip_alg_hash_key, sizeof(sip_alg_hash_key));
	sip_alg_dialog_cache = KMEM_CACHE(sip_alg_dialog, 0);
	return sip_alg_dialog_cache ? 0 : -ENOMEM;
}

void sip_alg_dialog_module_exit(void)
{
	/* Dialogs are freed after a grace period, by this module's code. */
	rcu_barrier();
	kmem_cache_destroy(sip_alg_dialog_cache);
}
