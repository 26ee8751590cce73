// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack helper: registration and the per-packet entry point. Each SIP
 * message is parsed once, handed to the dialog layer (call state, pinholes)
 * and, when the conntrack is translated, rewritten in one go. A message we
 * cannot handle passes unmodified and a counter says why (fail-open), unless
 * the operator asked for drops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/vmalloc.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>

#include "sip_alg.h"
#include "sip_compat.h"
#include "sip_dialog.h"
#include "sip_events.h"
#include "sip_policy.h"

#define SIP_ALG_MAX_PORTS	8
#define SIP_ALG_OUT_LEN		(SIP_ALG_MAX_MSG_LEN + SIP_ALG_MAX_EDITS * SIP_ALG_EDIT_MAX_REPL)

static unsigned short ports[SIP_ALG_MAX_PORTS] = { 5060 };
static unsigned int ports_c;
module_param_array(ports, ushort, &ports_c, 0400);
MODULE_PARM_DESC(ports, "SIP ports the helper is bound to by default (default 5060)");

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
 * must leave nothing behind. Costs a second parse, only in that mode.
 */
static int sip_alg_validate(struct sip_alg_pkt *p, struct sip_alg_scratch *s, const char *buf,
			    u32 len, bool stream)
{
	u16 max_media = min_t(u16, READ_ONCE(p->sn->cfg.max_media), SDP_ALG_MAX_MEDIA);
	enum sip_alg_stat why;
	u32 off = 0;
	int err;

	while (off < len) {
		if (buf[off] == '\r' || buf[off] == '\n') {
			off++;
			continue;
		}
		p->buf = buf + off;
		err = sip_alg_parse(buf + off, len - off, stream, &s->msg);
		if (!err && s->msg.sdp.len)
			err = sdp_alg_parse(p->buf, s->msg.sdp, max_media, &s->sdp);
		if (err) {
			why = SIP_ALG_STAT_FAIL_PARSE + err;
			if (!sip_alg_malformed(why))
				return NF_ACCEPT;
			return sip_alg_fail(p, why, sip_alg_strerror(err));
		}
		off += s->msg.msg_len;
	}
	return NF_ACCEPT;
}

static int sip_alg_process(struct sip_alg_pkt *p, struct sip_alg_scratch *s, bool stream)
{
	u32 off = 0, len = p->skb->len - p->payloadoff;
	int verdict, delta, err;
	const char *buf;

	if (len > SIP_ALG_MAX_MSG_LEN)
		return sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_TOO_BIG,
				    sip_alg_strerror(SIP_ALG_E_TOO_BIG));
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
		return NF_ACCEPT;

	p->msg = &s->msg;
	if (READ_ONCE(p->sn->cfg.drop_malformed)) {
		verdict = sip_alg_validate(p, s, buf, len, stream);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	while (off < len) {
		/* CRLF keep-alives (RFC 5626) before, between or instead of messages. */
		if (buf[off] == '\r' || buf[off] == '\n') {
			if (off == 0 && sip_alg_is_keepalive(buf, len)) {
				sip_alg_count(p->sn, SIP_ALG_STAT_KEEPALIVES);
				break;
			}
			off++;
			continue;
		}

		/* Before parsing: a failure's event names this message, not the last one. */
		p->buf = buf + off;
		err = sip_alg_parse(buf + off, len - off, stream, &s->msg);
		if (err == SIP_ALG_E_INCOMPLETE)
			return sip_alg_fail(p, SIP_ALG_STAT_FAIL_TCP_PARTIAL,
					    "SIP message continues in the next segment");
		if (err)
			return sip_alg_fail(p, SIP_ALG_STAT_FAIL_PARSE + err,
					    sip_alg_strerror(err));

		p->len = s->msg.msg_len;
		p->dataoff = p->payloadoff + off;
		verdict = sip_alg_message(p, s, &delta);
		if (verdict != NF_ACCEPT)
			return verdict;

		off += s->msg.msg_len + delta;
		len += delta;
		/* The rewrite may have moved the data: look at the packet again. */
		if (delta || (buf != s->in && off < len)) {
			buf = skb_header_pointer(p->skb, p->payloadoff, len, s->in);
			if (!buf)
				return NF_ACCEPT;
		}
	}
	return NF_ACCEPT;
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
	bool stream = nf_ct_protonum(ct) == IPPROTO_TCP;
	int verdict;

	if (stream) {
		const struct tcphdr *th;
		struct tcphdr _th;

		/*
		 * A dnat rule runs before nft assigns the helper, so the conntrack
		 * may lack the room for the sequence adjustment a rewrite needs.
		 */
		if (!nf_ct_is_confirmed(ct) && !nfct_seqadj(ct))
			nfct_seqadj_ext_add(ct);
		if (ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY)
			return NF_ACCEPT;
		th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
		if (!th)
			return NF_ACCEPT;
		p.payloadoff = protoff + th->doff * 4;
	} else {
		p.payloadoff = protoff + sizeof(struct udphdr);
		/* Keep the binding for as long as the phone stays registered. */
		sip_alg_ct_refresh(ct, READ_ONCE(p.sn->cfg.sip_timeout) * HZ);
	}
	if (p.payloadoff >= skb->len)
		return NF_ACCEPT;

	p.nat = sip_alg_nat_dir(ct, p.dir, &p.nat_dir);

	/* The scratch area is per CPU: no softirq may run this meanwhile. */
	local_bh_disable();
	verdict = sip_alg_process(&p, *this_cpu_ptr(&sip_alg_scratch), stream);
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
				 * "sip-alg", the others "sip-alg-<i>": the first
				 * port is the default, so that nft objects and
				 * iptables' CT target find "sip-alg" whatever
				 * ports= says.
				 */
				sip_alg_ct_helper_init(h, l3[j], l4[k], SIP_ALG_HELPER_NAME,
						       ports[0], ports[i], i, sip_alg_exp_policy,
						       SIP_ALG_CLASS_NR - 1, sip_alg_help);
			}
		}
	}

	ret = sip_alg_ct_helpers_register(sip_alg_helpers, sip_alg_nr_helpers, sip_alg_registered);
	if (ret) {
		pr_err("cannot register helper \"%s\": %d\n", SIP_ALG_HELPER_NAME, ret);
		sip_alg_scratch_free();
	}
	return ret;
}

void sip_alg_helper_exit(void)
{
	sip_alg_ct_helpers_unregister(sip_alg_helpers, sip_alg_nr_helpers, sip_alg_registered);
	sip_alg_scratch_free();
}
