// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack helper: registration and the per-packet entry point. Each SIP
 * message is parsed once, handed to the dialog layer (call state, pinholes)
 * and, when the conntrack is translated, rewritten in one go. A message we
 * cannot handle passes unmodified and a counter says why (fail-open), unless
 * the operator asked for drops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/vmalloc.h>
#include <net/checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_nat_helper.h>

#include "sip_alg.h"
#include "sip_compat.h"
#include "sip_dialog.h"
#include "sip_events.h"
#include "sip_hold.h"
#include "sip_policy.h"
#include "sip_stream.h"

#define SIP_ALG_MAX_PORTS	8
#define SIP_ALG_OUT_LEN		(SIP_ALG_MAX_MSG_LEN + SIP_ALG_MAX_EDITS * SIP_ALG_EDIT_MAX_REPL)

/*
 * Rules attach helpers by name (the kernel assigns none by port any more);
 * a helper's port only makes the kernel refuse another helper on the same
 * port. None by default, so that nf_conntrack_sip, on 5060, loads beside.
 */
static unsigned short ports[SIP_ALG_MAX_PORTS];
static unsigned int ports_c;
module_param_array(ports, ushort, &ports_c, 0400);
MODULE_PARM_DESC(ports, "Ports the helpers are registered with, the first's named \"sip-alg\" (\"sip\" with as_sip), the others' with -1, -2, ... (default none)");

/*
 * For a ruleset written for the kernel's helper (ct helper type "sip"):
 * our helper takes its name, which only one module can hold.
 */
static bool as_sip;
module_param(as_sip, bool, 0400);
MODULE_PARM_DESC(as_sip, "Register the helper as \"sip\", nf_conntrack_sip's name, so that its rulesets attach this one (refused while nf_conntrack_sip is loaded)");

/* One helper per port (where helpers have ports), transport and address family. */
static struct nf_conntrack_helper sip_alg_helpers[SIP_ALG_MAX_PORTS * 4] __read_mostly;
/* What the kernel registered of them, where it makes its own copies. */
static struct nf_conntrack_helper *sip_alg_registered[ARRAY_SIZE(sip_alg_helpers)];
static unsigned int sip_alg_nr_helpers;

/*
 * max_expected 0 means no per-master limit: a trunk carries every call on
 * one conntrack, and the kernel's u8 counters would evict the oldest call's
 * media. Our own budgets bound what we open (max_call_pins, max_source_pins,
 * max_pins).
 */
static const struct nf_conntrack_expect_policy sip_alg_exp_policy[SIP_ALG_CLASS_NR] = {
	[SIP_ALG_CLASS_SIGNALLING] = {
		.max_expected	= 0,
		.timeout	= 3600,
		.name		= "signalling",
	},
	[SIP_ALG_CLASS_RTP] = {
		.max_expected	= 0,
		.timeout	= 300,
		.name		= "rtp",
	},
	[SIP_ALG_CLASS_RTCP] = {
		.max_expected	= 0,
		.timeout	= 300,
		.name		= "rtcp",
	},
};

/* Everything one message needs, per CPU: far too big for the stack. */
struct sip_alg_scratch {
	struct sip_alg_msg msg;
	struct sdp_alg_session sdp;
	struct sip_alg_plan plan;
	struct sip_alg_media_map media[SDP_ALG_MAX_MEDIA];
	char in[SIP_ALG_MAX_MSG_LEN];
	char out[SIP_ALG_OUT_LEN];
};

static DEFINE_PER_CPU(struct sip_alg_scratch *, sip_alg_scratch);

static bool sip_alg_is_keepalive(const char *buf, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\r' && buf[i] != '\n')
			return false;
	}
	return true;
}

/*
 * Malformed: what drop_malformed drops. Not a message cut by a TCP segment
 * end, one too big to handle, or an SDP with more streams than max_media
 * (a limit of ours, not a fault of the sender).
 */
static bool sip_alg_malformed(enum sip_alg_stat why)
{
	return why > SIP_ALG_STAT_FAIL_PARSE && why <= SIP_ALG_STAT_FAIL_PARSE_LAST &&
	       why != SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_INCOMPLETE &&
	       why != SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_TOO_BIG &&
	       why != SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_SDP_TOO_MANY_MEDIA;
}

static int sip_alg_fail(struct sip_alg_pkt *p, enum sip_alg_stat why, const char *what)
{
	bool drop = READ_ONCE(p->sn->cfg.drop_malformed) && sip_alg_malformed(why);

	sip_alg_count(p->sn, why);
	sip_alg_event_not_handled(p, why);
	if (drop)
		sip_alg_count(p->sn, SIP_ALG_STAT_DROPPED);
	sip_alg_log(p, drop ? "dropped (drop_malformed)" : "passed unmodified", what);
	return drop ? NF_DROP : NF_ACCEPT;
}

/* Handle the message at p->buf; *delta is how much the rewrite changed its length. */
static int sip_alg_message(struct sip_alg_pkt *p, struct sip_alg_scratch *s, int *delta)
{
	u16 max_media = min_t(u16, READ_ONCE(p->sn->cfg.max_media), SDP_ALG_MAX_MEDIA);
	const struct sip_alg_msg *msg = p->msg;
	int err;

	*delta = 0;
	sip_alg_count(p->sn, SIP_ALG_STAT_MESSAGES);
	if (msg->kind == SIP_ALG_REQUEST) {
		sip_alg_count(p->sn, SIP_ALG_STAT_REQUESTS);
		sip_alg_count(p->sn, SIP_ALG_STAT_METHOD + msg->method);
	} else {
		sip_alg_count(p->sn, SIP_ALG_STAT_RESPONSES);
		sip_alg_count(p->sn, SIP_ALG_STAT_STATUS_1XX + msg->status / 100 - 1);
	}
	p->sdp = NULL;
	p->media = NULL;
	if (msg->sdp.len) {
		err = sdp_alg_parse(p->buf, msg->sdp, max_media, &s->sdp);
		if (err)
			return sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + err,
					    sip_alg_strerror(err));
		p->sdp = &s->sdp;
		p->media = s->media;
		memset(s->media, 0, s->sdp.n_media * sizeof(s->media[0]));
	}

	sip_alg_dialog_process(p);
	/* Stripping SDP lines is wanted on translated flows and plain ones alike. */
	if (p->nat || (p->sdp && sip_alg_strip_get(p->sn)))
		*delta = sip_alg_nat_rewrite(p, &s->plan, s->out);
	return NF_ACCEPT;
}

/*
 * With drop_malformed, a packet is dropped before any of its messages
 * changed a call or opened a pinhole: a conntrack that dies unconfirmed
 * must leave nothing behind. Costs a second parse, only in that mode. In a
 * stream, only a whole message that is malformed drops the segment, never
 * the part of one or bytes we cannot frame.
 */
static int sip_alg_validate(struct sip_alg_pkt *p, struct sip_alg_scratch *s, const char *buf,
			    u32 off, u32 len, bool stream)
{
	u16 max_media = min_t(u16, READ_ONCE(p->sn->cfg.max_media), SDP_ALG_MAX_MEDIA);
	enum sip_alg_stat why;
	u32 msg_len;
	int err;

	while (off < len) {
		if (buf[off] == '\r' || buf[off] == '\n') {
			off++;
			continue;
		}
		p->buf = buf + off;
		err = sip_alg_parse(buf + off, len - off, stream, &s->msg);
		msg_len = sip_alg_stream_msg_len(err, &s->msg);
		/* Part of a message, or one whose end is not known: not judged here. */
		if (err && stream && (!msg_len || msg_len > len - off))
			return NF_ACCEPT;
		if (!err && s->msg.sdp.len)
			err = sdp_alg_parse(p->buf, s->msg.sdp, max_media, &s->sdp);
		if (err) {
			why = SIP_ALG_STAT_FAIL_PARSE + err;
			if (sip_alg_malformed(why))
				return sip_alg_fail(p, why, sip_alg_strerror(err));
			if (!stream)
				return NF_ACCEPT;
		}
		off += msg_len;
	}
	return NF_ACCEPT;
}

/*
 * A stream's message the parser did not accept passes unmodified. Returns
 * how many of the @avail bytes left in the payload it covers (*rest: how
 * many more are still to come), or 0 when where the stream's next message
 * begins is lost: the stream is not followed any more.
 */
static u32 sip_alg_stream_skip(struct sip_alg_pkt *p, struct sip_alg_stream *st, int err,
			       u32 avail, u32 *rest)
{
	u32 used = sip_alg_stream_message(st, err, p->msg, avail, rest);

	if (!used)
		sip_alg_fail(p, st->sip ? SIP_ALG_STAT_TCP_UNFOLLOWED : SIP_ALG_STAT_TCP_NOT_SIP,
			     st->sip ? "lost where the messages of this stream begin" :
				       "not a SIP stream");
	else if (*rest && err != SIP_ALG_E_TOO_BIG)
		sip_alg_fail(p, SIP_ALG_STAT_FAIL_TCP_PARTIAL,
			     "SIP message continues in the next segment");
	else
		sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + err, sip_alg_strerror(err));
	return used;
}

/*
 * Whether the first bytes of a stream's message that goes on in the next
 * segment may be held back: @avail of them are here.
 */
static bool sip_alg_may_hold(struct sip_alg_pkt *p, const struct sip_alg_msg *msg, u32 avail)
{
	u32 need = max(sip_alg_stream_msg_len(SIP_ALG_E_INCOMPLETE, msg), avail);

	return sip_alg_hold_room(p->sn, p->ct, p->dir, need);
}

/*
 * Handle the messages of the payload from byte @off on; only those that end
 * within its first @fresh bytes (as it came) are acted on. @st is the stream
 * of a TCP segment (NULL for a datagram), told how much of its last message
 * is still to come. With @keep, a last message that goes on in the next
 * segment is left alone for the caller to hold back: *keep is where it
 * begins (U32_MAX: none). *grown: what the rewrites added to the payload's
 * length.
 */
static int sip_alg_process(struct sip_alg_pkt *p, struct sip_alg_scratch *s, u32 off,
			   u32 fresh, struct sip_alg_stream *st, u32 *keep, s32 *grown)
{
	u32 len = p->skb->len - p->payloadoff, rest = 0, start = off, used;
	int verdict, delta, err;
	const char *buf;

	*grown = 0;
	if (len > SIP_ALG_MAX_MSG_LEN) {
		if (st)
			sip_alg_stream_stop(st);
		return sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_TOO_BIG,
				    sip_alg_strerror(SIP_ALG_E_TOO_BIG));
	}
	/*
	 * A rewrite makes the packet linear (a reassembled datagram is not):
	 * on a translated flow do it first and parse in place, not a copy.
	 * Not for a shared packet (a local TCP sender's, a tap's), which
	 * would need a new head even when nothing is rewritten, nor in
	 * observe mode. Failing that, the copy below still works.
	 */
	if (p->nat && skb_is_nonlinear(p->skb) && !skb_cloned(p->skb) &&
	    READ_ONCE(p->sn->cfg.mode) != SIP_ALG_MODE_OBSERVE)
		skb_linearize(p->skb);
	buf = skb_header_pointer(p->skb, p->payloadoff, len, s->in);
	if (!buf)
		goto out_lost;

	p->msg = &s->msg;
	if (READ_ONCE(p->sn->cfg.drop_malformed)) {
		verdict = sip_alg_validate(p, s, buf, off, len, st);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	while (off < len) {
		/* CRLF keep-alives (RFC 5626) before, between or instead of messages. */
		if (buf[off] == '\r' || buf[off] == '\n') {
			if (off == start && sip_alg_is_keepalive(buf + off, len - off)) {
				sip_alg_count(p->sn, SIP_ALG_STAT_KEEPALIVES);
				break;
			}
			off++;
			continue;
		}

		/* Before parsing: a failure's event names this message, not the last one. */
		p->buf = buf + off;
		err = sip_alg_parse(buf + off, len - off, st, &s->msg);
		if (err == SIP_ALG_E_INCOMPLETE && keep &&
		    sip_alg_may_hold(p, &s->msg, len - off)) {
			*keep = off;
			break;
		}
		if (err && st) {
			used = sip_alg_stream_skip(p, st, err, len - off, &rest);
			if (!used)
				break;
			off += used;
			continue;
		}
		if (err)
			return sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + err,
					    sip_alg_strerror(err));
		if (st)
			sip_alg_stream_message(st, err, &s->msg, len - off, &rest);
		/* New data sent along with the last segment again: as it came. */
		if (off + s->msg.msg_len - *grown > fresh) {
			sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
			off += s->msg.msg_len;
			continue;
		}

		p->len = s->msg.msg_len;
		p->dataoff = p->payloadoff + off;
		verdict = sip_alg_message(p, s, &delta);
		if (verdict != NF_ACCEPT)
			return verdict;

		off += s->msg.msg_len + delta;
		len += delta;
		*grown += delta;
		/* The rewrite may have moved the data: look at the packet again. */
		if (delta || (buf != s->in && off < len)) {
			buf = skb_header_pointer(p->skb, p->payloadoff, len, s->in);
			if (!buf)
				goto out_lost;
		}
	}
	if (st && st->state == SIP_ALG_STREAM_FOLLOW)
		sip_alg_stream_parsed(st, p->seq, len - *grown, rest);
	return NF_ACCEPT;

out_lost:
	/* Where the stream's next message begins is not known any more. */
	if (st)
		sip_alg_stream_stop(st);
	return NF_ACCEPT;
}

/*
 * The state of both directions of a TCP connection lives in the conntrack's
 * helper area: it goes with the conntrack, whatever way that dies. Only
 * bytes held back live outside (sip_hold.c), found by the conntrack.
 */
struct sip_alg_tcp_conn {
	struct sip_alg_stream dir[IP_CT_DIR_MAX];
};

static_assert(sizeof(struct sip_alg_tcp_conn) <= sizeof_field(struct nf_conn_help, data));

/*
 * Cut the first @len bytes, which the receiver had in an earlier segment,
 * off the payload: the segment then starts at the first byte not seen.
 */
static bool sip_alg_tcp_cut(struct sip_alg_pkt *p, u32 len)
{
	struct tcphdr *th;
	__be32 old;

	/* A failed cut changed nothing: the packet goes on as it came. */
	if (!__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, 0, len, "", 0,
					false))
		return false;
	/* The mangle made the packet writable and set its checksum up anew. */
	th = (struct tcphdr *)(p->skb->data + p->protoff);
	old = th->seq;
	p->seq += len;
	th->seq = htonl(p->seq);
	inet_proto_csum_replace4(&th->check, p->skb, old, th->seq, false);
	return true;
}

/*
 * Whether a correction at @pos would be recorded: nf_ct_seqadj keeps one
 * correction point per direction and ignores one that does not lie after it.
 */
static bool sip_alg_tcp_may_correct(const struct sip_alg_pkt *p, u32 pos)
{
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(p->ct);
	const struct nf_ct_seqadj *this_way;

	if (!seqadj || !test_bit(IPS_SEQ_ADJUST_BIT, &p->ct->status))
		return false;
	this_way = &seqadj->seq[p->dir];
	return this_way->offset_before == this_way->offset_after ||
	       (s32)(this_way->correction_pos - pos) < 0;
}

/*
 * Turn the segment into a one-byte copy of the last byte the receiver got,
 * placed at @seq: the receiver acknowledges it at once as a duplicate, and
 * nf_ct_seqadj translates that acknowledgment to cover all the sender sent,
 * held bytes included. The sender's timers and its Nagle wait for nothing.
 */
static bool sip_alg_tcp_ask_ack(struct sip_alg_pkt *p, const struct sip_alg_stream *st,
				u32 seq)
{
	u32 len = p->skb->len - p->payloadoff;
	struct tcphdr *th;
	__be32 old;

	if (!__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, 0, len,
					(const char *)&st->tail, 1, false))
		return false;
	if (skb_is_gso(p->skb))
		skb_gso_reset(p->skb);
	th = (struct tcphdr *)(p->skb->data + p->protoff);
	old = th->seq;
	th->seq = htonl(seq);
	inet_proto_csum_replace4(&th->check, p->skb, old, th->seq, false);
	return true;
}

/*
 * A segment that grew past the route's MTU (held bytes put back in front of
 * it) is cut into segments on its way out, as if its sender had sent it
 * that large: TCP sets DF, and it would otherwise be dropped for its size.
 */
static void sip_alg_tcp_fit(struct sip_alg_pkt *p)
{
	struct sk_buff *skb = p->skb;
	struct skb_shared_info *shinfo;
	unsigned int mtu;

	if (skb_is_gso(skb) || !skb_dst(skb))
		return;
	mtu = dst_mtu(skb_dst(skb));
	if (skb->len <= mtu || mtu <= p->payloadoff)
		return;
	shinfo = skb_shinfo(skb);
	shinfo->gso_size = mtu - p->payloadoff;
	shinfo->gso_type = nf_ct_l3num(p->ct) == NFPROTO_IPV4 ? SKB_GSO_TCPV4 : SKB_GSO_TCPV6;
	shinfo->gso_segs = DIV_ROUND_UP(skb->len - p->payloadoff, shinfo->gso_size);
}

/* Remember the last byte the receiver was sent in order, for sip_alg_tcp_ask_ack(). */
static void sip_alg_tcp_note_tail(struct sip_alg_pkt *p, struct sip_alg_stream *st)
{
	const u8 *b;
	u8 copy;

	if (p->skb->len <= p->payloadoff)
		return;
	b = skb_header_pointer(p->skb, p->skb->len - 1, 1, &copy);
	if (b)
		st->tail = *b;
}

static void sip_alg_tcp_correct(struct sip_alg_pkt *p, u32 pos, s32 delta)
{
	if (delta)
		nf_ct_seqadj_set(p->ct, p->ctinfo, htonl(pos), delta);
}

/*
 * Conntrack's window check places an acknowledgment against a correction
 * point without taking off the offset before it (nf_ct_seq_offset()),
 * where nf_ct_seqadj translates it right. A release is a short segment
 * whose correction makes up for a long message: the receiver's next
 * acknowledgments would fall on the wrong side and be taken for invalid
 * (a ruleset that drops those would stall the connection, and the helper
 * never sees them). The receiver's packets on a connection that held
 * bytes back are therefore not checked against the window; the receiver's
 * own TCP still is.
 */
static void sip_alg_tcp_liberal(struct sip_alg_pkt *p)
{
	struct ip_ct_tcp_state *receiver = &p->ct->proto.tcp.seen[!p->dir];

	if (receiver->flags & IP_CT_TCP_FLAG_BE_LIBERAL)
		return;
	spin_lock(&p->ct->lock);
	receiver->flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	spin_unlock(&p->ct->lock);
}

/* A fingerprint of the payload as it came, to know the segment again when sent again. */
static bool sip_alg_tcp_fingerprint(const struct sip_alg_pkt *p, struct sip_alg_scratch *s,
				    u64 *fp)
{
	u32 len = p->skb->len - p->payloadoff;
	const u8 *buf;

	if (len > sizeof(s->in))
		return false;
	buf = skb_header_pointer(p->skb, p->payloadoff, len, s->in);
	if (!buf)
		return false;
	*fp = sip_alg_hold_fingerprint(buf, len);
	return true;
}

/*
 * The held bytes went out in front of the segment @rel says: kept, they
 * can go again in front of it when it is sent again (lost after the
 * router: the sender has no other copy of them). Returns @h, or NULL when
 * they are not kept; the caller tells the stream.
 */
static struct sip_alg_hold *sip_alg_tcp_released(struct sip_alg_pkt *p,
						 const struct sip_alg_stream *st,
						 struct sip_alg_hold *h,
						 const struct sip_alg_release *rel, bool known)
{
	if (!known || st->state != SIP_ALG_STREAM_FOLLOW) {
		sip_alg_hold_free(p->sn, h);
		return NULL;
	}
	sip_alg_hold_release(p->sn, h, rel);
	return h;
}

/* The offset nf_ct_seqadj gives this direction's bytes at @seq. */
static s32 sip_alg_tcp_offset(const struct sip_alg_pkt *p, u32 seq)
{
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(p->ct);
	const struct nf_ct_seqadj *this_way;

	if (!seqadj)
		return 0;
	this_way = &seqadj->seq[p->dir];
	return (s32)(seq - this_way->correction_pos) > 0 ? this_way->offset_after :
							   this_way->offset_before;
}

/*
 * The segment that went out with held bytes in front of it (@h keeps
 * them), sent again: if it was lost after the router, the receiver has none
 * of it. It gets the same bytes in front and the same tail cut off, and is
 * rewritten alike, so that the correction it was given the first time fits
 * it. Other bytes in its place pass as they came (the released ones are not
 * theirs), and so does the segment once a later correction would place it
 * elsewhere (nf_ct_seqadj keeps one correction point).
 */
static int sip_alg_tcp_release_again(struct sip_alg_pkt *p, struct sip_alg_scratch *s,
				     const struct sip_alg_stream *st, struct sip_alg_hold *h)
{
	u32 len = p->skb->len - p->payloadoff, front, tail;
	struct sip_alg_stream again = *st;
	s32 delta, grown;
	int verdict;
	u64 fp;

	if (!sip_alg_tcp_fingerprint(p, s, &fp) || fp != h->rel.fingerprint ||
	    sip_alg_tcp_offset(p, p->seq) != h->rel.offset)
		return sip_alg_fail(p, SIP_ALG_STAT_TCP_RESENT,
				    "a segment sent again where held bytes went out, not as it was");
	front = h->released_len;
	tail = h->rel.tail;
	delta = h->rel.delta;
	if ((tail && !__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff,
						 len - tail, tail, "", 0, false)) ||
	    !__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, 0, 0,
					(const char *)h->released, front, false)) {
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_MANGLE);
		return NF_DROP;
	}
	sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
	/* Parsed from the message's start as the first time, the stream left as it is. */
	p->seq -= front;
	verdict = sip_alg_process(p, s, 0, U32_MAX, &again, NULL, &grown);
	p->seq += front;
	if (verdict != NF_ACCEPT)
		return verdict;
	if (front + grown - tail != delta) {
		/* The call changed meanwhile: the stream would be out of step. */
		sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_MANGLE);
		return NF_DROP;
	}
	sip_alg_tcp_fit(p);
	return NF_ACCEPT;
}

/* The GC gave up the bytes held back: the receiver will never have them. */
static int sip_alg_tcp_hold_lost(struct sip_alg_pkt *p, struct sip_alg_stream *st)
{
	sip_alg_stream_stop(st);
	return sip_alg_fail(p, SIP_ALG_STAT_TCP_UNFOLLOWED,
			    "bytes held back were given up: the message did not come whole in time");
}

/*
 * The sender ended its stream (FIN) within a message held back: the held
 * bytes go out as they came, in front of the FIN.
 */
static int sip_alg_tcp_release(struct sip_alg_pkt *p, struct sip_alg_stream *st)
{
	struct sip_alg_hold *h = sip_alg_hold_find(p->sn, p->ct, p->dir);
	u32 held;

	if (!h || !h->len)
		return sip_alg_tcp_hold_lost(p, st);
	held = h->len;
	/* Not taken: the FIN comes again. */
	if (!__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, 0, 0,
					(const char *)h->data, held, false))
		return NF_DROP;
	sip_alg_stream_stop(st);
	sip_alg_hold_free(p->sn, h);
	sip_alg_tcp_correct(p, p->seq, held);
	sip_alg_tcp_fit(p);
	return sip_alg_fail(p, SIP_ALG_STAT_FAIL_TCP_PARTIAL,
			    "SIP message cut by the end of the stream");
}

/*
 * A segment in order: its messages are handled behind the bytes held back
 * (put back in front of it), and a last message that goes on in the next
 * segment is held back in turn. One sequence adjustment per packet covers
 * all: rewrites, bytes put back and bytes taken out.
 */
static int sip_alg_tcp_parse(struct sip_alg_pkt *p, struct sip_alg_scratch *s,
			     struct sip_alg_stream *st, const struct sip_alg_stream *saved,
			     u32 skip, u32 fresh, bool syn, bool fin)
{
	u32 len = p->skb->len - p->payloadoff, held = 0, keep = U32_MAX, tail;
	struct sip_alg_release rel = { .seq = p->seq, .len = len };
	struct sip_alg_hold *h = NULL, *kept = NULL;
	bool may_hold, known = false;
	const u8 *buf;
	s32 grown;
	int verdict;

	if (st->holding) {
		h = sip_alg_hold_find(p->sn, p->ct, p->dir);
		if (!h || !h->len)
			return sip_alg_tcp_hold_lost(p, st);
		held = h->len;
	}
	/*
	 * Not on a SYN or FIN, nor in observe mode, nor when the last segment
	 * is parsed again (its correction is recorded already). A segment all
	 * held needs a correction point just before it (sip_alg_tcp_ask_ack()).
	 */
	may_hold = !syn && !fin && fresh >= p->skb->len - p->payloadoff &&
		   READ_ONCE(p->sn->cfg.mode) != SIP_ALG_MODE_OBSERVE &&
		   sip_alg_tcp_may_correct(p, p->seq - 1);
	if (held) {
		known = sip_alg_tcp_fingerprint(p, s, &rel.fingerprint);
		if (!__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, 0, 0,
						(const char *)h->data, held, false)) {
			sip_alg_count(p->sn, SIP_ALG_STAT_FAIL_MANGLE);
			goto drop_untaken;
		}
		fresh = U32_MAX;
	}

	p->seq -= held;
	verdict = sip_alg_process(p, s, skip, fresh, st, may_hold ? &keep : NULL, &grown);
	p->seq += held;
	if (verdict != NF_ACCEPT)
		goto drop_untaken;

	if (keep == U32_MAX) {
		sip_alg_tcp_correct(p, syn ? p->seq - 1 : p->seq, held + grown);
		if (held) {
			rel.delta = held + grown;
			rel.offset = sip_alg_tcp_offset(p, p->seq);
			if (sip_alg_tcp_released(p, st, h, &rel, known))
				sip_alg_stream_released(st);
		}
		goto out_sent;
	}

	/*
	 * Made writable before the bytes are held (only now: most segments
	 * hold nothing), the packet then only shrinks, which cannot fail.
	 */
	tail = p->skb->len - p->payloadoff - keep;
	/* Released and held in one: kept first, as the new bytes take the buffer. */
	if (held && keep) {
		rel.tail = tail;
		rel.delta = held + grown - tail;
		kept = sip_alg_tcp_released(p, st, h, &rel, known);
	}
	buf = skb_ensure_writable(p->skb, p->skb->len) ? NULL :
	      skb_header_pointer(p->skb, p->payloadoff + keep, tail, s->in);
	if (!buf || sip_alg_hold_keep(p->sn, p->ct, p->dir, buf, tail, kept)) {
		/* What was held is in the packet: the message passes as it is. */
		sip_alg_stream_stop(st);
		sip_alg_tcp_correct(p, p->seq, held + grown);
		sip_alg_fail(p, SIP_ALG_STAT_TCP_UNFOLLOWED,
			     "no memory to hold a cut message back");
		goto out_sent;
	}
	sip_alg_stream_hold(st, tail);
	if (kept)
		sip_alg_stream_released(st);
	sip_alg_count(p->sn, SIP_ALG_STAT_TCP_HELD);
	sip_alg_tcp_liberal(p);

	if (!keep) {
		/* Nothing of it may go yet: sent again, it is asked for again. */
		sip_alg_tcp_correct(p, p->seq - 1, -(s32)len);
		if (WARN_ON_ONCE(!sip_alg_tcp_ask_ack(p, st, p->seq + len - 1)))
			return NF_DROP;
		return NF_ACCEPT;
	}
	WARN_ON_ONCE(!__nf_nat_mangle_tcp_packet(p->skb, p->ct, p->ctinfo, p->protoff, keep,
						 tail, "", 0, false));
	sip_alg_tcp_correct(p, p->seq, held + grown - tail);
	/* The same struct holds the new bytes: sip_alg_hold_keep() found it. */
	if (kept)
		kept->rel.offset = sip_alg_tcp_offset(p, p->seq);
out_sent:
	sip_alg_tcp_fit(p);
	sip_alg_tcp_note_tail(p, st);
	return NF_ACCEPT;

drop_untaken:
	/* TCP sends it again; what was held stays as it was. */
	*st = *saved;
	return NF_DROP;
}

static int sip_alg_tcp(struct sip_alg_pkt *p, struct sip_alg_scratch *s, const struct tcphdr *th)
{
	struct sip_alg_tcp_conn *conn = nfct_help_data(p->ct);
	struct sip_alg_stream *st = &conn->dir[p->dir];
	u32 len = p->skb->len - p->payloadoff, skip = 0, fresh;
	const struct sip_alg_stream *opener = NULL;
	struct sip_alg_stream saved;
	enum sip_alg_segment seg;
	struct sip_alg_hold *h;
	bool syn = th->syn, fin = th->fin;
	int verdict = NF_ACCEPT;

	/* An acknowledgment alone, the most common segment: nothing to do. */
	if (!len && !syn && !fin)
		return NF_ACCEPT;
	/* th may point into the data a rewrite moves: read it before. */
	p->seq = ntohl(th->seq);
	if (p->dir == IP_CT_DIR_REPLY)
		opener = &conn->dir[IP_CT_DIR_ORIGINAL];
	spin_lock(sip_alg_tcp_lock(p->ct));
	if (syn) {
		sip_alg_stream_syn(st, p->seq);
		p->seq++;
	}
	if (!len) {
		if (fin && st->holding && st->state == SIP_ALG_STREAM_FOLLOW &&
		    p->seq == st->next)
			verdict = sip_alg_tcp_release(p, st);
		goto out_unlock;
	}

	saved = *st;
	/* Bytes were released in front of this segment: it is sent again. */
	if (st->released && p->seq != st->next && st->state == SIP_ALG_STREAM_FOLLOW) {
		h = sip_alg_hold_find(p->sn, p->ct, p->dir);
		if (h && h->released && h->rel.seq == p->seq && h->rel.len == len) {
			verdict = sip_alg_tcp_release_again(p, s, st, h);
			goto out_unlock;
		}
	}
	seg = sip_alg_stream_segment(st, opener, p->seq, len, &skip, &fresh);
	/* Observe mode changes no byte: what needs a drop or a cut ends the following. */
	if (READ_ONCE(p->sn->cfg.mode) == SIP_ALG_MODE_OBSERVE &&
	    (seg == SIP_ALG_SEG_GAP || seg == SIP_ALG_SEG_SEEN_PREFIX ||
	     seg == SIP_ALG_SEG_PART_OF_LAST)) {
		sip_alg_stream_stop(st);
		sip_alg_fail(p, SIP_ALG_STAT_TCP_UNFOLLOWED,
			     "out of order or sent again, in observe mode");
		goto out_unlock;
	}
	if (seg == SIP_ALG_SEG_SEEN_PREFIX && !syn) {
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
		if (!sip_alg_tcp_cut(p, skip)) {
			verdict = NF_DROP;
			goto out_unlock;
		}
		len -= skip;
		seg = sip_alg_stream_segment(st, opener, p->seq, len, &skip, &fresh);
	}

	switch (seg) {
	case SIP_ALG_SEG_PARSE:
		verdict = sip_alg_tcp_parse(p, s, st, &saved, skip, fresh, syn, fin);
		break;
	case SIP_ALG_SEG_CONTINUATION:
		sip_alg_tcp_note_tail(p, st);
		break;
	case SIP_ALG_SEG_UNFOLLOWED:
		break;
	case SIP_ALG_SEG_OPENER_NOT_SIP:
		sip_alg_fail(p, SIP_ALG_STAT_TCP_NOT_SIP, "a reply on a stream not opened as SIP");
		break;
	case SIP_ALG_SEG_MIDSTREAM:
		sip_alg_fail(p, SIP_ALG_STAT_TCP_UNFOLLOWED,
			     "a stream picked up without its start");
		break;
	case SIP_ALG_SEG_RESENT:
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
		break;
	case SIP_ALG_SEG_SEEN_PREFIX:
		/* A SYN sent again with data: its first byte is the SYN's. */
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
		break;
	case SIP_ALG_SEG_HELD_AGAIN:
		/* Its sender missed the acknowledgment of bytes held back. */
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
		h = sip_alg_hold_find(p->sn, p->ct, p->dir);
		if (!h || !h->len)
			sip_alg_tcp_hold_lost(p, st);
		else if (!sip_alg_tcp_ask_ack(p, st, st->next - 1))
			verdict = NF_DROP;
		break;
	case SIP_ALG_SEG_PART_OF_LAST:
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_RESENT);
		verdict = NF_DROP;
		break;
	case SIP_ALG_SEG_GAP:
		sip_alg_count(p->sn, SIP_ALG_STAT_TCP_OUT_OF_ORDER);
		verdict = NF_DROP;
		break;
	}
out_unlock:
	spin_unlock(sip_alg_tcp_lock(p->ct));
	return verdict;
}

/* Whether @skb is one of @ct's own packets, not an ICMP error about it. */
static bool sip_alg_flow_packet(const struct sk_buff *skb, const struct nf_conn *ct)
{
	__be16 frag_off;
	u8 proto;

	if (nf_ct_l3num(ct) == NFPROTO_IPV4)
		return ip_hdr(skb)->protocol == nf_ct_protonum(ct);
	proto = ipv6_hdr(skb)->nexthdr;
	return ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &proto, &frag_off) >= 0 &&
	       proto == nf_ct_protonum(ct);
}

static int sip_alg_help(struct sk_buff *skb, unsigned int protoff,
			struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct sip_alg_pkt p = {
		.skb		= skb,
		.ct		= ct,
		.ctinfo		= ctinfo,
		.dir		= CTINFO2DIR(ctinfo),
		.protoff	= protoff,
		.sn		= sip_alg_pernet(nf_ct_net(ct)),
	};
	const struct tcphdr *th = NULL;
	struct tcphdr _th;
	int verdict;
	s32 grown;

	/*
	 * An ICMP error about the flow, not one of its packets. The packets
	 * of a flow a pinhole let in are RELATED too until the first reply.
	 */
	if (ctinfo == IP_CT_RELATED_REPLY ||
	    (ctinfo == IP_CT_RELATED && !sip_alg_flow_packet(skb, ct)))
		return NF_ACCEPT;
	if (nf_ct_protonum(ct) == IPPROTO_TCP) {
		/*
		 * A dnat rule runs before nft assigns the helper, so the conntrack
		 * may lack the room for the sequence adjustment a rewrite needs.
		 * The kernel may decide whether to adjust a packet before its
		 * helper runs: adjusted from the first, a packet's own correction
		 * applies to it too (sip_alg_tcp_ask_ack() needs that).
		 */
		if (!nf_ct_is_confirmed(ct)) {
			if (!nfct_seqadj(ct))
				nfct_seqadj_ext_add(ct);
			if (nfct_seqadj(ct))
				set_bit(IPS_SEQ_ADJUST_BIT, &ct->status);
		}
		th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
		if (!th)
			return NF_ACCEPT;
		p.payloadoff = protoff + th->doff * 4;
		if (p.payloadoff > skb->len)
			return NF_ACCEPT;
	} else {
		p.payloadoff = protoff + sizeof(struct udphdr);
		/* Keep the binding for as long as the phone stays registered. */
		sip_alg_ct_refresh(ct, READ_ONCE(p.sn->cfg.sip_timeout) * HZ);
		if (p.payloadoff >= skb->len)
			return NF_ACCEPT;
	}

	p.nat = sip_alg_nat_dir(ct, p.dir, &p.nat_dir);

	/* The scratch area is per CPU: no softirq may run this meanwhile. */
	local_bh_disable();
	if (th)
		verdict = sip_alg_tcp(&p, *this_cpu_ptr(&sip_alg_scratch), th);
	else
		verdict = sip_alg_process(&p, *this_cpu_ptr(&sip_alg_scratch), 0, U32_MAX,
					  NULL, NULL, &grown);
	local_bh_enable();
	return verdict;
}

static void sip_alg_scratch_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(sip_alg_scratch, cpu));
		per_cpu(sip_alg_scratch, cpu) = NULL;
	}
}

static int sip_alg_scratch_alloc(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct sip_alg_scratch *s;

		s = kvmalloc_node(sizeof(*s), GFP_KERNEL, cpu_to_node(cpu));
		if (!s) {
			sip_alg_scratch_free();
			return -ENOMEM;
		}
		per_cpu(sip_alg_scratch, cpu) = s;
	}
	return 0;
}

const char *sip_alg_helper_name(void)
{
	return as_sip ? "sip" : SIP_ALG_HELPER_NAME;
}

static bool sip_alg_helper_name_taken(const char *name)
{
	bool taken;

	rcu_read_lock();
	taken = __nf_conntrack_helper_find(name, NFPROTO_IPV4, IPPROTO_UDP);
	rcu_read_unlock();
	return taken;
}

int sip_alg_helper_init(void)
{
	static const u16 l3[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	static const u8 l4[] = { IPPROTO_UDP, IPPROTO_TCP };
	unsigned int i, j, k, n_ports = max(ports_c, 1U);
	int ret;

	if (!SIP_ALG_HELPER_PORTS && n_ports > 1) {
		pr_warn("ports= has no effect on this kernel: rules alone attach helpers\n");
		n_ports = 1;
	}

	if (as_sip && sip_alg_helper_name_taken("sip")) {
		pr_err("as_sip: the helper name \"sip\" is held by nf_conntrack_sip: unload it first (modprobe -r nf_nat_sip nf_conntrack_sip)\n");
		/* Not -EEXIST, which modprobe takes for "already loaded". */
		return -EBUSY;
	}

	ret = sip_alg_scratch_alloc();
	if (ret)
		return ret;

	for (i = 0; i < n_ports; i++) {
		for (j = 0; j < ARRAY_SIZE(l3); j++) {
			for (k = 0; k < ARRAY_SIZE(l4); k++) {
				struct nf_conntrack_helper *h;

				h = &sip_alg_helpers[sip_alg_nr_helpers++];
				/*
				 * The kernel names the helper of the default port
				 * "sip-alg" (or "sip"), the others "sip-alg-<i>": the first
				 * port is the default, so that nft objects and
				 * iptables' CT target find "sip-alg" whatever
				 * ports= says.
				 */
				sip_alg_ct_helper_init(h, l3[j], l4[k], sip_alg_helper_name(),
						       ports[0], ports[i], i, sip_alg_exp_policy,
						       SIP_ALG_CLASS_NR - 1, sip_alg_help);
			}
		}
	}

	ret = sip_alg_ct_helpers_register(sip_alg_helpers, sip_alg_nr_helpers, sip_alg_registered);
	if (ret) {
		pr_err("cannot register helper \"%s\": %d\n", sip_alg_helper_name(), ret);
		sip_alg_scratch_free();
	}
	return ret;
}

void sip_alg_helper_exit(void)
{
	sip_alg_ct_helpers_unregister(sip_alg_helpers, sip_alg_nr_helpers, sip_alg_registered);
	sip_alg_scratch_free();
}
