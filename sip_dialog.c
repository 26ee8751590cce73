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
#include "sip_dialog.h"
#include "sip_netlink.h"
#include "sip_stats.h"

/* A full scan for idle dialogs every this many GC runs (one per second). */
#define SIP_ALG_GC_SCAN_EVERY		10

static unsigned int sip_alg_net_id __read_mostly;
static bool sip_alg_helpers_gone;
static siphash_aligned_key_t sip_alg_hash_key;

struct sip_alg_net *sip_alg_pernet(const struct net *net)
{
	return net_generic(net, sip_alg_net_id);
}

static_assert(sizeof(struct sip_alg_ct_data) <= sizeof_field(struct nf_conn_help, data));

static struct sip_alg_ct_data *sip_alg_ct_data(const struct nf_conn *ct)
{
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

struct sip_alg_dialog *sip_alg_dialog_lookup(struct sip_alg_net *sn, u16 zone,
					     const char *callid, u16 len)
{
	const struct nf_conntrack_zone z = { .id = zone };

	return sip_alg_dialog_find(sn, sip_alg_callid_hash(callid, len, zone), &z, callid, len);
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
	struct sip_alg_span from, to;
	u32 hash;

	if (cid->len > SIP_ALG_CALLID_MAX)
		goto fail;
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
	from = sip_alg_party(p->msg, p->buf, SIP_ALG_H_FROM);
	to = sip_alg_party(p->msg, p->buf, SIP_ALG_H_TO);
	d = kzalloc(sizeof(*d) + cid->len + from.len + to.len, GFP_ATOMIC);
	if (!d)
		goto fail;

	INIT_LIST_HEAD(&d->pins);
	INIT_LIST_HEAD(&d->timed);
	d->zone = *zone;
	d->hash = hash;
	d->state = SIP_ALG_DLG_EARLY;
	d->created = jiffies;
	d->sig = p->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	d->callid_len = cid->len;
	d->from_len = from.len;
	d->to_len = to.len;
	memcpy(d->callid, p->buf + cid->off, cid->len);
	memcpy(d->callid + cid->len, p->buf + from.off, from.len);
	memcpy(d->callid + cid->len + from.len, p->buf + to.off, to.len);
	hlist_add_head(&d->by_callid,
		       &sn->dialogs[hash_32(hash, SIP_ALG_DIALOG_HASH_BITS)]);
	sip_alg_dialog_attach(d, p->ct);
	sn->n_dialogs++;
	sip_alg_count(sn, SIP_ALG_STAT_DIALOGS_CREATED);
	if (sn->n_dialogs == 1)
		mod_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	sip_alg_event_call(sn, d, SIP_ALG_EVENT_TYPE_CALL_START, -1);
	return d;

fail:
	sip_alg_count(sn, SIP_ALG_STAT_FAIL_NO_DIALOG);
	return NULL;
}

/*
 * An INVITE nobody answers (RFC 3261 Timer B: 64*T1 = 32 s) must not hold
 * its dialog for the whole sip_timeout.
 */
#define SIP_ALG_UNANSWERED_SECS		32

static void sip_alg_dialog_touch(struct sip_alg_pkt *p, struct sip_alg_dialog *d)
{
	unsigned int secs = READ_ONCE(p->sn->cfg.sip_timeout);

	if (p->msg->kind == SIP_ALG_RESPONSE)
		d->answered = 1;
	if (d->state == SIP_ALG_DLG_EARLY && !d->answered)
		secs = min_t(unsigned int, secs, SIP_ALG_UNANSWERED_SECS);
	if (d->state != SIP_ALG_DLG_ENDING && d->state != SIP_ALG_DLG_REGISTERED)
		d->deadline = jiffies + secs * HZ;
}

/*
 * The dialog must go at @deadline sharp (end of grace, registration expiry):
 * the GC looks at these every second, the others only every few seconds.
 */
void sip_alg_dialog_deadline(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			     unsigned long deadline)
{
	d->deadline = deadline;
	if (list_empty(&d->timed))
		list_add_tail(&d->timed, &sn->timed);
}

void sip_alg_dialog_end(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			unsigned int grace_secs, enum sip_alg_end_reason why)
{
	if (d->state == SIP_ALG_DLG_ENDING)
		return;
	d->state = SIP_ALG_DLG_ENDING;
	sip_alg_dialog_deadline(sn, d, jiffies + grace_secs * HZ);
	sip_alg_event_call(sn, d, SIP_ALG_EVENT_TYPE_CALL_END, why);
}

/*
 * An offer that puts every stream it keeps on hold (sendonly, inactive or
 * the 0.0.0.0 address of RFC 2543) holds the call from its side; the next
 * offer from that side that does not, resumes it. An offer without a stream
 * changes nothing. The call is on hold while either side holds it.
 */
static int sip_alg_sdp_holds(const struct sdp_alg_session *sdp)
{
	bool streams = false;
	unsigned int i;

	for (i = 0; i < sdp->n_media; i++) {
		const struct sdp_alg_media *m = &sdp->media[i];
		const struct sip_alg_addr *conn = sdp_alg_media_conn(sdp, i);

		if (!m->port)
			continue;
		streams = true;
		if (m->direction == SDP_ALG_SENDRECV || m->direction == SDP_ALG_RECVONLY) {
			if (!conn || !conn->hp.family || !sip_alg_hostport_is_any(&conn->hp))
				return 0;
		}
	}
	return streams ? 1 : -1;
}

static void sip_alg_dialog_offer(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				 const struct sdp_alg_session *sdp, enum ip_conntrack_dir dir)
{
	int hold = sip_alg_sdp_holds(sdp);
	u8 was = d->on_hold;

	if (hold < 0)
		return;
	if (hold)
		d->on_hold |= BIT(dir);
	else
		d->on_hold &= ~BIT(dir);
	if (!was == !d->on_hold)
		return;
	sip_alg_event_call(sn, d, d->on_hold ? SIP_ALG_EVENT_TYPE_CALL_HOLD :
					       SIP_ALG_EVENT_TYPE_CALL_RESUME, -1);
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

	/* Observe mode opens nothing: the rewrites it reports are all it does. */
	if (p->sdp && d->state != SIP_ALG_DLG_ENDING &&
	    READ_ONCE(sn->cfg.mode) != SIP_ALG_MODE_OBSERVE)
		sip_alg_pin_media(p, d);

	if (msg->kind == SIP_ALG_REQUEST) {
		if (p->sdp && d->state == SIP_ALG_DLG_CONFIRMED)
			sip_alg_dialog_offer(sn, d, p->sdp, p->dir);
		switch (msg->method) {
		case SIP_ALG_M_REGISTER:
			d->unregistering = sip_alg_register_removes(msg);
			break;
		case SIP_ALG_M_BYE:
			sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs),
					   SIP_ALG_END_REASON_BYE);
			break;
		case SIP_ALG_M_CANCEL:
			if (d->state == SIP_ALG_DLG_EARLY)
				sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs),
						   SIP_ALG_END_REASON_CANCEL);
			break;
		default:
			break;
		}
		goto unlock;
	}

	switch (msg->cseq_method) {
	case SIP_ALG_M_INVITE:
		if (msg->status >= 200 && msg->status < 300) {
			if (d->state == SIP_ALG_DLG_EARLY) {
				d->state = SIP_ALG_DLG_CONFIRMED;
				sip_alg_event_call(sn, d, SIP_ALG_EVENT_TYPE_CALL_ANSWER, -1);
			}
		} else if (msg->status >= 300 && d->state == SIP_ALG_DLG_EARLY) {
			sip_alg_dialog_end(sn, d, READ_ONCE(sn->cfg.grace_secs),
					   SIP_ALG_END_REASON_REJECTED);
		}
		break;
	case SIP_ALG_M_REGISTER:
		if (msg->status < 200 || msg->status >= 300)
			break;
		/* Registering again after an un-register reuses the Call-ID. */
		if (d->state == SIP_ALG_DLG_ENDING)
			d->state = SIP_ALG_DLG_EARLY;
		if (READ_ONCE(sn->cfg.mode) != SIP_ALG_MODE_OBSERVE)
			sip_alg_pin_register(p, d);
		break;
	default:
		break;
	}
unlock:
	spin_unlock_bh(&sn->lock);
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
				  struct list_head *dead, enum sip_alg_end_reason why)
{
	if (d->state != SIP_ALG_DLG_ENDING)
		sip_alg_event_call(sn, d, SIP_ALG_EVENT_TYPE_CALL_END, why);
	hlist_del(&d->by_callid);
	/*
	 * Once the helpers are unregistered no destroy callback clears
	 * d->master: the conntrack may be gone, and its helper data is no
	 * longer read by anyone.
	 */
	if (d->master && !sip_alg_helpers_gone)
		hlist_del(&d->by_master);
	sip_alg_pin_unlink_all(sn, d);
	list_move_tail(&d->timed, dead);
	sn->n_dialogs--;
}

static void sip_alg_dialog_free(struct sip_alg_net *sn, struct sip_alg_dialog *d,
				bool kill_media)
{
	sip_alg_pin_release_all(sn, d, kill_media);
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
	list_for_each_entry_safe(d, next, &sn->timed, timed) {
		if (time_after_eq(jiffies, d->deadline))
			sip_alg_dialog_unlink(sn, d, &dead, SIP_ALG_END_REASON_EXPIRED);
	}
	for (i = 0; scan && i < (1U << SIP_ALG_DIALOG_HASH_BITS); i++) {
		struct hlist_node *n;

		hlist_for_each_entry_safe(d, n, &sn->dialogs[i], by_callid) {
			if (list_empty(&d->timed) && time_after_eq(jiffies, d->deadline))
				sip_alg_dialog_unlink(sn, d, &dead, SIP_ALG_END_REASON_IDLE);
		}
	}
	if (sn->n_dialogs && !sn->exiting)
		queue_delayed_work(system_power_efficient_wq, &sn->gc, HZ);
	spin_unlock_bh(&sn->lock);

	sip_alg_dialog_reap(sn, &dead);
}

void sip_alg_dialog_kill(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			 struct list_head *dead)
{
	sip_alg_dialog_unlink(sn, d, dead, SIP_ALG_END_REASON_DELETED);
}

/* Outside sn->lock: close the pins of unlinked dialogs and end their media. */
void sip_alg_dialog_reap(struct sip_alg_net *sn, struct list_head *dead)
{
	struct sip_alg_dialog *d, *next;

	list_for_each_entry_safe(d, next, dead, timed)
		sip_alg_dialog_free(sn, d, true);
}

static int __net_init sip_alg_net_init(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);
	int ret = -ENOMEM;

	sn->net = net;
	spin_lock_init(&sn->lock);
	INIT_LIST_HEAD(&sn->timed);
	INIT_DELAYED_WORK(&sn->gc, sip_alg_gc);
	sip_alg_config_init(&sn->cfg);

	ret = sip_alg_policy_net_init(sn);
	if (ret)
		return ret;
	ret = -ENOMEM;
	sn->dialogs = kvcalloc(1U << SIP_ALG_DIALOG_HASH_BITS, sizeof(*sn->dialogs),
			       GFP_KERNEL);
	if (!sn->dialogs)
		goto err_policy_exit;
	ret = sip_alg_pin_init(sn);
	if (ret)
		goto err_free_dialogs;
	ret = -ENOMEM;
	sn->stats = alloc_percpu(struct sip_alg_stats);
	if (!sn->stats)
		goto err_free_pins;
	ret = sip_alg_stats_net_init(net, sn);
	if (ret)
		goto err_free_stats;
	ret = sip_alg_sysctl_net_init(net, sn);
	if (ret)
		goto err_stats_exit;
	return 0;

err_stats_exit:
	sip_alg_stats_net_exit(net);
err_free_stats:
	free_percpu(sn->stats);
err_free_pins:
	sip_alg_pin_exit(sn);
err_free_dialogs:
	kvfree(sn->dialogs);
err_policy_exit:
	sip_alg_policy_net_exit(sn);
	return ret;
}

/*
 * Every dialog and pin of the namespace is gone now: one the counters say
 * was made and never freed is a leak, and the selftests fail on the splat.
 */
static void sip_alg_check_leaks(const struct sip_alg_net *sn)
{
	u64 dialogs = sip_alg_stat_sum(sn, SIP_ALG_STAT_DIALOGS_CREATED) -
		      sip_alg_stat_sum(sn, SIP_ALG_STAT_DIALOGS_ENDED);
	u64 pins = sip_alg_stat_sum(sn, SIP_ALG_STAT_EXPECT_CREATED) -
		   sip_alg_stat_sum(sn, SIP_ALG_STAT_EXPECT_REMOVED);

	WARN(dialogs || pins, "%llu dialogs and %llu pinholes not freed\n", dialogs, pins);
}

static void __net_exit sip_alg_net_exit(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);
	struct sip_alg_dialog *d, *next;
	LIST_HEAD(dead);
	u32 i;

	spin_lock_bh(&sn->lock);
	WRITE_ONCE(sn->exiting, true);
	spin_unlock_bh(&sn->lock);
	cancel_delayed_work_sync(&sn->gc);

	/*
	 * The helper is gone (module unload) or the conntracks are (netns
	 * exit): nothing reaches the tables any more.
	 */
	for (i = 0; i < (1U << SIP_ALG_DIALOG_HASH_BITS); i++) {
		struct hlist_node *n;

		hlist_for_each_entry_safe(d, n, &sn->dialogs[i], by_callid)
			sip_alg_dialog_unlink(sn, d, &dead, SIP_ALG_END_REASON_DELETED);
	}
	list_for_each_entry_safe(d, next, &dead, timed)
		sip_alg_dialog_free(sn, d, false);
	sip_alg_check_leaks(sn);

	sip_alg_sysctl_net_exit(sn);
	sip_alg_stats_net_exit(net);
	free_percpu(sn->stats);
	sip_alg_pin_exit(sn);
	kvfree(sn->dialogs);
	sip_alg_policy_net_exit(sn);
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

/* After sip_alg_helper_exit(): the module goes. */
void sip_alg_dialog_exit(void)
{
	sip_alg_helpers_gone = true;
	unregister_pernet_subsys(&sip_alg_net_ops);
}
