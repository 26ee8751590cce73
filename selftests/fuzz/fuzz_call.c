// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: sequences of SIP messages on several flows, fed to the
 * call core (sip_call.c) through a call table that finds calls the way the
 * module's does (sip_dialog.c): by Call-ID, of those whose
 * sip_alg_call_owns() accepts the flow the one created on its conntrack,
 * else the oldest; else a new call when the message
 * sip_alg_call_starts() one and the table has room. After every step the
 * invariants below are checked; a violation aborts with the step printed.
 *
 * Input:
 *   byte 0       settings: bits 0-1 sip_timeout {3600, 32, 20, 600},
 *                bits 2-3 grace {5, 0, 1, 3600}, bit 4 observe mode,
 *                bit 5 IPv6 (every address of the run)
 *   then steps of three bytes [op] [a] [b]:
 *     op % OP_NR  a template (enum tmpl), OP_RAW, OP_QUIET or OP_REPEAT
 *     a           bits 0-1 Call-ID (% 3), bits 2-3 Contact host (the
 *                 sender, the receiver as addressed, the receiver as it
 *                 is, or the party b's bits 4-7 name: A, B, the public
 *                 address, the server, the callee, the stranger), bits 4-5
 *                 expiry {none, 0, 60, 7200},
 *                 bit 6 expiry as Contact ;expires= (else Expires:),
 *                 bit 7 media flows (OP_QUIET)
 *     b           bits 0-2 conntrack (% 5), bit 3 reply direction,
 *                 bits 4-7 CSeq number (and the Contact party above);
 *                 OP_QUIET: the table slot (% MAXC)
 *   OP_RAW is followed by a 16-bit little-endian length and that many bytes:
 *   a message as it is, on the flow b names.
 *
 * The parties: phone A 192.168.2.128 and phone B .129 behind a router
 * whose public address is 172.16.2.128, the server 172.16.2.102, a callee
 * 172.16.2.50 (named in Contacts, as behind a proxy that does not
 * Record-Route) and a stranger 203.0.113.9. The conntracks: A -> server
 * and B -> server (SNAT), server -> A, callee -> A and stranger -> A (DNAT
 * from the public address), each in either direction.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sip_call.h"

#define MAXC		4	/* calls in the table */
#define MAX_STEPS	96
#define MODEL_HOSTS	64

enum tmpl {
	T_INVITE, T_INVITE_NOSDP, T_100, T_180, T_180_TAG, T_183_SDP, T_200_INVITE,
	T_200_INVITE_NOSDP, T_486, T_407, T_302, T_ACK, T_ACK_SDP, T_BYE, T_200_BYE, T_CANCEL,
	T_487, T_200_CANCEL, T_REINVITE_SENDONLY, T_REINVITE_HOLD0, T_REINVITE_RESUME,
	T_REINVITE_INACTIVE, T_UPDATE, T_200_UPDATE, T_PRACK, T_REGISTER, T_REGISTER_STAR,
	T_REGISTER_QUERY, T_200_REGISTER, T_200_REGISTER_NOCONTACT, T_401_REGISTER,
	T_200_OPTIONS_SDP, T_MESSAGE_SDP, T_OPTIONS_SDP, T_491, T_REINVITE_RECVONLY,
	T_REINVITE_NOSTREAM, T_REINVITE_NOCONN, T_200_PRACK, T_200_REGISTER_MADDR, T_NR
};
enum { OP_RAW = T_NR, OP_QUIET, OP_REPEAT, OP_NR };

enum { SDP_NONE, SDP_SENDRECV, SDP_SENDONLY, SDP_INACTIVE, SDP_HOLD0, SDP_RECVONLY,
	SDP_NOSTREAM,	/* m=audio 0, sendonly */
	SDP_NOCONN,	/* no c= line */
};
enum { REG_NO, REG_EXPIRY, REG_STAR, REG_MADDR /* expiry, and ;maddr= the sender */ };

static const struct tmpl_def {
	const char *line;	/* request method, or status and reason */
	const char *cseq;	/* CSeq method */
	u8 request, to_tag, contact, sdp, reg;
} tmpls[T_NR] = {
	[T_INVITE] = { "INVITE", "INVITE", 1, 0, 1, SDP_SENDRECV, 0 },
	[T_INVITE_NOSDP] = { "INVITE", "INVITE", 1, 0, 1, SDP_NONE, 0 },
	[T_100] = { "100 Trying", "INVITE", 0, 0, 0, SDP_NONE, 0 },
	[T_180] = { "180 Ringing", "INVITE", 0, 0, 0, SDP_NONE, 0 },
	[T_180_TAG] = { "180 Ringing", "INVITE", 0, 1, 1, SDP_NONE, 0 },
	[T_183_SDP] = { "183 Session Progress", "INVITE", 0, 1, 1, SDP_SENDRECV, 0 },
	[T_200_INVITE] = { "200 OK", "INVITE", 0, 1, 1, SDP_SENDRECV, 0 },
	[T_200_INVITE_NOSDP] = { "200 OK", "INVITE", 0, 1, 1, SDP_NONE, 0 },
	[T_486] = { "486 Busy Here", "INVITE", 0, 1, 0, SDP_NONE, 0 },
	[T_407] = { "407 Proxy Authentication Required", "INVITE", 0, 1, 0, SDP_NONE, 0 },
	[T_302] = { "302 Moved Temporarily", "INVITE", 0, 1, 1, SDP_NONE, 0 },
	[T_ACK] = { "ACK", "ACK", 1, 1, 0, SDP_NONE, 0 },
	[T_ACK_SDP] = { "ACK", "ACK", 1, 1, 0, SDP_SENDRECV, 0 },
	[T_BYE] = { "BYE", "BYE", 1, 1, 0, SDP_NONE, 0 },
	[T_200_BYE] = { "200 OK", "BYE", 0, 1, 0, SDP_NONE, 0 },
	[T_CANCEL] = { "CANCEL", "CANCEL", 1, 0, 0, SDP_NONE, 0 },
	[T_487] = { "487 Request Terminated", "INVITE", 0, 1, 0, SDP_NONE, 0 },
	[T_200_CANCEL] = { "200 OK", "CANCEL", 0, 0, 0, SDP_NONE, 0 },
	[T_REINVITE_SENDONLY] = { "INVITE", "INVITE", 1, 1, 1, SDP_SENDONLY, 0 },
	[T_REINVITE_HOLD0] = { "INVITE", "INVITE", 1, 1, 1, SDP_HOLD0, 0 },
	[T_REINVITE_RESUME] = { "INVITE", "INVITE", 1, 1, 1, SDP_SENDRECV, 0 },
	[T_REINVITE_INACTIVE] = { "INVITE", "INVITE", 1, 1, 1, SDP_INACTIVE, 0 },
	[T_UPDATE] = { "UPDATE", "UPDATE", 1, 1, 1, SDP_SENDRECV, 0 },
	[T_200_UPDATE] = { "200 OK", "UPDATE", 0, 1, 1, SDP_SENDRECV, 0 },
	[T_PRACK] = { "PRACK", "PRACK", 1, 1, 0, SDP_SENDRECV, 0 },
	[T_REGISTER] = { "REGISTER", "REGISTER", 1, 0, 1, SDP_NONE, REG_EXPIRY },
	[T_REGISTER_STAR] = { "REGISTER", "REGISTER", 1, 0, 0, SDP_NONE, REG_STAR },
	[T_REGISTER_QUERY] = { "REGISTER", "REGISTER", 1, 0, 0, SDP_NONE, 0 },
	[T_200_REGISTER] = { "200 OK", "REGISTER", 0, 1, 1, SDP_NONE, REG_EXPIRY },
	[T_200_REGISTER_NOCONTACT] = { "200 OK", "REGISTER", 0, 1, 0, SDP_NONE, 0 },
	[T_401_REGISTER] = { "401 Unauthorized", "REGISTER", 0, 1, 0, SDP_NONE, 0 },
	[T_200_OPTIONS_SDP] = { "200 OK", "OPTIONS", 0, 1, 1, SDP_SENDRECV, 0 },
	[T_MESSAGE_SDP] = { "MESSAGE", "MESSAGE", 1, 1, 0, SDP_SENDRECV, 0 },
	[T_OPTIONS_SDP] = { "OPTIONS", "OPTIONS", 1, 1, 1, SDP_SENDRECV, 0 },
	[T_491] = { "491 Request Pending", "INVITE", 0, 1, 0, SDP_NONE, 0 },
	[T_REINVITE_RECVONLY] = { "INVITE", "INVITE", 1, 1, 1, SDP_RECVONLY, 0 },
	[T_REINVITE_NOSTREAM] = { "INVITE", "INVITE", 1, 1, 1, SDP_NOSTREAM, 0 },
	[T_REINVITE_NOCONN] = { "INVITE", "INVITE", 1, 1, 1, SDP_NOCONN, 0 },
	[T_200_PRACK] = { "200 OK", "PRACK", 0, 1, 0, SDP_SENDRECV, 0 },
	[T_200_REGISTER_MADDR] = { "200 OK", "REGISTER", 0, 1, 1, SDP_NONE, REG_MADDR },
};

/* ---- the parties and their conntracks ---- */

enum { H_A, H_B, H_PUB, H_SRV, H_CALLEE, H_X, H_NR };
static const char *const hosts4[H_NR] = {
	"192.168.2.128", "192.168.2.129", "172.16.2.128", "172.16.2.102", "172.16.2.50",
	"203.0.113.9",
};
static const char *const hosts6[H_NR] = {
	"fd00:2::128", "fd00:2::129", "2001:db8:2::128", "2001:db8:2::102", "2001:db8:2::50",
	"2001:db8:ff::9",
};
/* original direction: src, dst, and the reply's src, dst */
static const u8 conntracks[5][4] = {
	{ H_A, H_SRV, H_SRV, H_PUB },		/* phone A -> server, SNAT */
	{ H_B, H_SRV, H_SRV, H_PUB },		/* phone B -> server, SNAT */
	{ H_SRV, H_PUB, H_A, H_SRV },		/* server -> phone A, DNAT */
	{ H_CALLEE, H_PUB, H_A, H_CALLEE },	/* callee -> phone A, DNAT */
	{ H_X, H_PUB, H_A, H_X },		/* stranger -> phone A, DNAT */
};

static u8 fam;
static u8 addr[H_NR][16];
static u8 cur_ct;		/* the conntrack of the message being delivered */

static void flow_of(u8 b, struct sip_alg_flow *f)
{
	const u8 *ct = conntracks[(b & 7) % 5];
	bool reply = b & 8;

	cur_ct = (b & 7) % 5;
	memset(f, 0, sizeof(*f));
	f->family = fam;
	f->side = reply;
	memcpy(f->src, addr[ct[reply ? 2 : 0]], 16);
	memcpy(f->dst, addr[ct[reply ? 3 : 1]], 16);
	memcpy(f->reply_src, addr[ct[reply ? 0 : 2]], 16);
	memcpy(f->reply_dst, addr[ct[reply ? 1 : 3]], 16);
}

/* ---- messages ---- */

static char mbuf[SIP_ALG_MAX_MSG_LEN + 1];
static size_t mlen;

static size_t put_host(char *o, const u8 *a, bool uri)
{
	char t[64];
	u32 n = sip_alg_format_ip(fam, a, t);

	if (fam == 6 && uri)
		return (size_t)sprintf(o, "[%.*s]", (int)n, t);
	return (size_t)sprintf(o, "%.*s", (int)n, t);
}

static void build(enum tmpl t, u8 a, u8 b, const struct sip_alg_flow *f)
{
	static const int expiry[4] = { -1, 0, 60, 7200 };
	static const char *const dir[] = { "", "a=sendrecv\r\n", "a=sendonly\r\n",
					   "a=inactive\r\n", "", "a=recvonly\r\n",
					   "a=sendonly\r\n", "" };
	const struct tmpl_def *d = &tmpls[t];
	const u8 *contact[4] = { f->src, f->dst, f->reply_src, addr[(b >> 4) % H_NR] };
	int exp = expiry[(a >> 4) & 3], cid = (a & 3) % 3;
	bool exp_param = a & 0x40;
	char body[512], *o = mbuf;
	size_t blen = 0;

	if (d->sdp != SDP_NONE) {
		static const u8 zero[16];
		const char *ipv = fam == 4 ? "IP4" : "IP6";

		blen = (size_t)sprintf(body, "v=0\r\no=- 1 1 IN %s ", ipv);
		blen += put_host(body + blen, f->src, false);
		blen += (size_t)sprintf(body + blen, "\r\ns=-\r\n");
		if (d->sdp != SDP_NOCONN) {
			blen += (size_t)sprintf(body + blen, "c=IN %s ", ipv);
			blen += put_host(body + blen, d->sdp == SDP_HOLD0 ? zero : f->src, false);
			blen += (size_t)sprintf(body + blen, "\r\n");
		}
		blen += (size_t)sprintf(body + blen, "t=0 0\r\nm=audio %u RTP/AVP 0\r\n%s",
					d->sdp == SDP_NOSTREAM ? 0 : 4000 + 2 * (b >> 4),
					dir[d->sdp]);
	}
	if (d->request) {
		o += sprintf(o, "%s sip:u@", d->line);
		o += put_host(o, f->dst, true);
		o += sprintf(o, " SIP/2.0\r\n");
	} else {
		o += sprintf(o, "SIP/2.0 %s\r\n", d->line);
	}
	o += sprintf(o, "Via: SIP/2.0/UDP ");
	o += put_host(o, d->request ? f->src : f->dst, true);
	o += sprintf(o, ":5060;branch=z9hG4bK%u%u\r\n", b >> 4, (unsigned int)t);
	o += sprintf(o, "From: <sip:a@example.com>;tag=f%d\r\n", cid);
	o += sprintf(o, "To: <sip:b@example.com>%s\r\n", d->to_tag ? ";tag=t" : "");
	o += sprintf(o, "Call-ID: call-%d@example.com\r\n", cid);
	o += sprintf(o, "CSeq: %u %s\r\n", 1 + (b >> 4), d->cseq);
	if (d->contact) {
		o += sprintf(o, "Contact: <sip:u@");
		o += put_host(o, contact[(a >> 2) & 3], true);
		o += sprintf(o, ":5060");
		if (d->reg == REG_MADDR) {
			o += sprintf(o, ";maddr=");
			o += put_host(o, f->src, true);
		}
		o += sprintf(o, ">");
		if ((d->reg == REG_EXPIRY || d->reg == REG_MADDR) && exp >= 0 && exp_param)
			o += sprintf(o, ";expires=%d", exp);
		o += sprintf(o, "\r\n");
	}
	if (d->reg == REG_STAR)
		o += sprintf(o, "Contact: *\r\nExpires: 0\r\n");
	if ((d->reg == REG_EXPIRY || d->reg == REG_MADDR) && exp >= 0 && !exp_param)
		o += sprintf(o, "Expires: %d\r\n", exp);
	if (d->sdp != SDP_NONE)
		o += sprintf(o, "Content-Type: application/sdp\r\n");
	o += sprintf(o, "Content-Length: %zu\r\n\r\n", blen);
	memcpy(o, body, blen);
	mlen = (size_t)(o - mbuf) + blen;
}

/* ---- the call table and what the harness knows of each call ---- */

struct entry {
	bool used;
	u32 seq;			/* creation order */
	char cid[64];
	u16 cid_len;
	struct sip_alg_call c;
	/* the model */
	u8 kind, family;
	u16 n_hosts;			/* every address it may own a flow of */
	u8 hosts[MODEL_HOSTS][16];
	bool timed;			/* on the module's list of firm deadlines */
	bool ended;			/* this life reported its END */
	bool answered;			/* this life reported its ANSWER */
	u8 ct;				/* the conntrack that created it */
	u32 invite_cseq;		/* CSeq of the INVITE that started this life */
};

static struct entry calls[MAXC];
static u32 seq;
static struct sip_alg_call_settings set;

static struct sip_alg_msg msg;
static struct sdp_alg_session sdps;
static const struct sdp_alg_session *sdp;
static int step_no;
static bool in_quiet;
static bool trace;		/* FUZZ_CALL_TRACE=1: every step on stderr */

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_call: step %d: %s: ", step_no, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		if (in_quiet) \
			fprintf(stderr, "\n(the deadline of a call passed)\n"); \
		else \
			fprintf(stderr, "\n%.*s\n", (int)mlen, mbuf); \
		abort(); \
	} \
} while (0)

static bool model_has(const struct entry *e, const u8 *a)
{
	unsigned int len = e->family == 4 ? 4 : 16, i;

	for (i = 0; i < e->n_hosts; i++) {
		if (!memcmp(e->hosts[i], a, len))
			return true;
	}
	return false;
}

static void model_add(struct entry *e, const u8 *a)
{
	if (e->n_hosts < MODEL_HOSTS && !model_has(e, a)) {
		memset(e->hosts[e->n_hosts], 0, 16);
		memcpy(e->hosts[e->n_hosts++], a, e->family == 4 ? 4 : 16);
	}
}

/*
 * The message's call as the module finds it: of the calls of @cid that own
 * @f, the one created on this conntrack, else the oldest.
 */
static int find(const char *cid, u16 len, const struct sip_alg_flow *f, u8 ct)
{
	int best = -1, i;

	for (i = 0; i < MAXC; i++) {
		if (!calls[i].used || calls[i].cid_len != len || memcmp(calls[i].cid, cid, len))
			continue;
		if (!sip_alg_call_owns(&calls[i].c, f))
			continue;
		if (calls[i].ct == ct)
			return i;
		if (best < 0 || calls[i].seq < calls[best].seq)
			best = i;
	}
	return best;
}

static bool is_state(u8 s)
{
	return s == SIP_ALG_CALL_STATE_EARLY || s == SIP_ALG_CALL_STATE_CONFIRMED ||
	       s == SIP_ALG_CALL_STATE_REGISTERED || s == SIP_ALG_CALL_STATE_ENDING;
}

/* The call's own invariants, whatever happened to it. */
static void check_call(const struct entry *e, const struct sip_alg_call *before)
{
	const struct sip_alg_call *c = &e->c;
	unsigned int i;

	CHECK(is_state(c->state), "state %u", c->state);
	CHECK(c->kind == e->kind && c->family == e->family, "kind %u family %u", c->kind,
	      c->family);
	CHECK(c->n_hosts <= SIP_ALG_CALL_HOSTS, "n_hosts %u", c->n_hosts);
	CHECK(c->answered <= 1 && c->unregistering <= 1 && c->on_hold <= 3,
	      "answered %u unregistering %u on_hold %u", c->answered, c->unregistering,
	      c->on_hold);
	/* hosts are only ever added, and only those the model allows */
	CHECK(c->n_hosts >= before->n_hosts &&
	      !memcmp(c->hosts, before->hosts, sizeof(c->hosts[0]) * before->n_hosts),
	      "hosts forgotten or changed");
	for (i = 0; i < c->n_hosts; i++)
		CHECK(model_has(e, c->hosts[i]), "host %u not named by the call's messages", i);
	/* a call in ENDING goes at a firm deadline, given when it ended */
	CHECK(c->state != SIP_ALG_CALL_STATE_ENDING || e->timed, "ENDING without a firm deadline");
}

static bool negotiating(const struct sip_alg_msg *m)
{
	if (m->kind == SIP_ALG_REQUEST)
		return m->method == SIP_ALG_M_INVITE || m->method == SIP_ALG_M_ACK ||
		       m->method == SIP_ALG_M_UPDATE || m->method == SIP_ALG_M_PRACK;
	return m->status < 300 && (m->cseq_method == SIP_ALG_M_INVITE ||
				   m->cseq_method == SIP_ALG_M_UPDATE ||
				   m->cseq_method == SIP_ALG_M_PRACK);
}

static bool initial_invite(const struct sip_alg_msg *m)
{
	return m->kind == SIP_ALG_REQUEST && m->method == SIP_ALG_M_INVITE && !m->to_tag.len;
}

static bool register_ok(const struct sip_alg_msg *m)
{
	return m->kind == SIP_ALG_RESPONSE && m->cseq_method == SIP_ALG_M_REGISTER &&
	       m->status >= 200 && m->status < 300;
}

/* One decision of sip_alg_call_step() on @e, whose state was @before. */
static void check_step(struct entry *e, const struct sip_alg_call *before,
		       const struct sip_alg_flow *f, const struct sip_alg_call_decision *d)
{
	const struct sip_alg_call *c = &e->c;
	unsigned int len = fam == 4 ? 4 : 16;
	u32 idle;

	/* ownership: the flow's ends are hosts the call's own messages named */
	CHECK(model_has(e, f->src) && model_has(e, f->dst), "a stranger's flow changed the call");
		CHECK(model_has(e, f->reply_src) && model_has(e, f->reply_dst),
	      "another endpoint's flow (reply side) changed the call");

	/* restarts: an ended call, by what starts a call */
	CHECK(!d->restart || (before->state == SIP_ALG_CALL_STATE_ENDING &&
			      sip_alg_call_starts(&msg)), "restart of a live call");
		CHECK(!d->restart || (c->kind == SIP_ALG_CALL_INVITE ? initial_invite(&msg) :
						  register_ok(&msg)),
	      "restart by a message of the other kind");
		CHECK(!d->restart || c->kind != SIP_ALG_CALL_INVITE || msg.cseq > e->invite_cseq,
	      "restart by an INVITE with CSeq %u, this life's was %u", msg.cseq,
	      e->invite_cseq);
	if (d->restart) {
		e->invite_cseq = msg.cseq;
		e->ended = false;
		e->answered = false;
		e->timed = false;	/* sip_alg_dialog_apply: list_del_init() */
	}

	/* events and ends */
	CHECK(d->event == SIP_ALG_CALL_NONE || d->event == SIP_ALG_EVENT_TYPE_CALL_ANSWER ||
	      d->event == SIP_ALG_EVENT_TYPE_CALL_HOLD ||
	      d->event == SIP_ALG_EVENT_TYPE_CALL_RESUME ||
	      d->event == SIP_ALG_EVENT_TYPE_CALL_END, "event %d", d->event);
	CHECK((d->end != SIP_ALG_CALL_NONE) == (d->event == SIP_ALG_EVENT_TYPE_CALL_END),
	      "end %d with event %d", d->end, d->event);
	CHECK(d->end == SIP_ALG_CALL_NONE || d->end == SIP_ALG_END_REASON_BYE ||
	      d->end == SIP_ALG_END_REASON_CANCEL || d->end == SIP_ALG_END_REASON_REJECTED ||
	      d->end == SIP_ALG_END_REASON_EXPIRED, "end %d", d->end);
	if (d->event == SIP_ALG_EVENT_TYPE_CALL_END) {
		CHECK(!e->ended, "a second END in one life");
		CHECK(c->state == SIP_ALG_CALL_STATE_ENDING && d->firm, "END, state %u firm %d",
		      c->state, d->firm);
		e->ended = true;
	}
	CHECK(c->state != SIP_ALG_CALL_STATE_ENDING ||
	      (before->state == SIP_ALG_CALL_STATE_ENDING && !d->restart) ||
	      d->event == SIP_ALG_EVENT_TYPE_CALL_END, "ended without an END");
	CHECK(!d->close_waiting || d->event == SIP_ALG_EVENT_TYPE_CALL_END,
	      "waiting pinholes closed by a step that ends nothing");
	if (d->event == SIP_ALG_EVENT_TYPE_CALL_ANSWER) {
		CHECK(!e->answered && c->state == SIP_ALG_CALL_STATE_CONFIRMED &&
		      (before->state == SIP_ALG_CALL_STATE_EARLY || d->restart),
		      "ANSWER twice or not from EARLY");
		e->answered = true;
	}
	if (d->event == SIP_ALG_EVENT_TYPE_CALL_HOLD || d->event == SIP_ALG_EVENT_TYPE_CALL_RESUME)
		CHECK(c->state == SIP_ALG_CALL_STATE_CONFIRMED &&
		      !before->on_hold == (d->event == SIP_ALG_EVENT_TYPE_CALL_HOLD) &&
		      !c->on_hold == (d->event == SIP_ALG_EVENT_TYPE_CALL_RESUME),
		      "HOLD/RESUME that changes nothing");
	if (!d->restart)
		CHECK(!before->on_hold == !c->on_hold ||
		      d->event == SIP_ALG_EVENT_TYPE_CALL_HOLD ||
		      d->event == SIP_ALG_EVENT_TYPE_CALL_RESUME, "held or resumed silently");
		CHECK(before->on_hold == c->on_hold || d->restart || (sdp && negotiating(&msg)),
	      "held by a message that negotiates nothing");

	/* media */
	if (d->open_media)
		CHECK(sdp && !set.observe && c->kind == SIP_ALG_CALL_INVITE &&
		      c->state != SIP_ALG_CALL_STATE_ENDING && negotiating(&msg),
		      "media opened by a message that may not");

	/* bindings */
	if (d->binding != SIP_ALG_BINDING_KEEP)
		CHECK(c->kind == SIP_ALG_CALL_REGISTER && register_ok(&msg),
		      "binding %u from a message that grants none", d->binding);
	if (d->binding == SIP_ALG_BINDING_REFRESH) {
		const struct sip_alg_addr *a = &msg.addrs[d->contact];

		CHECK(!set.observe && d->contact < msg.n_addrs && a->field == SIP_ALG_F_CONTACT &&
		      a->role == SIP_ALG_R_HOST && a->hp.family == fam &&
		      (!memcmp(a->hp.addr, f->dst, len) || !memcmp(a->hp.addr, f->reply_src, len)),
		      "binding %u is not this endpoint's Contact", d->contact);
		CHECK(d->expires >= 1 && d->expires <= SIP_ALG_MAX_REG_EXPIRES && d->firm &&
		      d->deadline == d->expires && c->state == SIP_ALG_CALL_STATE_REGISTERED,
		      "binding for %u s, deadline %u firm %d", d->expires, d->deadline, d->firm);
	}
	if (d->binding == SIP_ALG_BINDING_REMOVE)
		CHECK(c->state == SIP_ALG_CALL_STATE_ENDING &&
		      d->end == SIP_ALG_END_REASON_EXPIRED, "binding removed, call not ended");

	/* deadlines */
	if (d->firm) {
		CHECK(c->state == SIP_ALG_CALL_STATE_ENDING ||
		      c->state == SIP_ALG_CALL_STATE_REGISTERED, "firm deadline in state %u",
		      c->state);
		CHECK(c->state != SIP_ALG_CALL_STATE_ENDING || d->deadline == set.grace ||
		      (d->deadline == 0 && d->binding == SIP_ALG_BINDING_REMOVE),
		      "ended with deadline %u", d->deadline);
		e->timed = true;
	} else if (d->deadline) {
		idle = c->state == SIP_ALG_CALL_STATE_EARLY && !c->answered &&
		       set.sip_timeout > SIP_ALG_UNANSWERED_SECS ? SIP_ALG_UNANSWERED_SECS :
		       set.sip_timeout;
		CHECK(!e->timed, "a quiet deadline moves a firm one");
		CHECK((c->state == SIP_ALG_CALL_STATE_EARLY ||
		       c->state == SIP_ALG_CALL_STATE_CONFIRMED) && d->deadline == idle,
		      "quiet deadline %u in state %u", d->deadline, c->state);
	} else {
		CHECK(c->state != SIP_ALG_CALL_STATE_EARLY &&
		      c->state != SIP_ALG_CALL_STATE_CONFIRMED,
		      "a live call without a deadline");
	}
}

/*
 * The same message again at once, as a retransmission, on a copy of the
 * call (the sequence goes on without it; OP_REPEAT retransmits for real).
 * A retransmission is a message the call has already acted on, so:
 * - the call is byte for byte what the first left (steps are idempotent);
 * - no event, no end and no restart: the first reported and restarted;
 * - open_media as the first: the module renews the same pinholes
 *   (pinholes are keyed by call, side, media index and class);
 * - binding KEEP, or the first's: a retransmitted 2xx may renew the same
 *   binding for the same expiry, never remove what the first granted or
 *   grant what the first removed;
 * - a firm deadline only as the first gave it (a retransmitted BYE must
 *   not push the end of the grace); a quiet deadline may be given again,
 *   since the message shows the call alive, so deadline, firm and
 *   close_waiting are not compared otherwise.
 */
static void check_retransmission(const struct entry *e, const struct sip_alg_flow *f,
				 const struct sip_alg_call_decision *first)
{
	struct sip_alg_call c = e->c;
	struct sip_alg_call_decision d;

	sip_alg_call_step(&c, &msg, sdp, f, &set, &d);
	CHECK(!memcmp(&c, &e->c, sizeof(c)), "a retransmission changed the call");
	CHECK(d.event == SIP_ALG_CALL_NONE && d.end == SIP_ALG_CALL_NONE && !d.restart,
	      "a retransmission: event %d end %d restart %d", d.event, d.end, d.restart);
	CHECK(d.open_media == first->open_media, "a retransmission: open_media %d, first %d",
	      d.open_media, first->open_media);
	CHECK(d.binding == SIP_ALG_BINDING_KEEP ||
	      (d.binding == first->binding &&
	       (d.binding != SIP_ALG_BINDING_REFRESH ||
		(d.expires == first->expires && d.contact == first->contact))),
	      "a retransmission: binding %u/%u", d.binding, first->binding);
	CHECK(!d.firm || (first->firm && d.deadline == first->deadline),
	      "a retransmission moved a firm deadline");
}

/* One message (mbuf, mlen) on flow @f, as the module handles it. */
static void deliver(const struct sip_alg_flow *f)
{
	struct sip_alg_call snap[MAXC], before;
	struct sip_alg_call_decision d;
	const char *cid;
	struct entry *e;
	unsigned int i;
	bool created;
	int slot;

	if (sip_alg_parse(mbuf, (u32)mlen, false, &msg))
		return;
	sdp = NULL;
	if (msg.sdp.len) {
		if (sdp_alg_parse(mbuf, msg.sdp, SDP_ALG_DEFAULT_MAX_MEDIA, &sdps))
			return;		/* the module passes it on unhandled */
		sdp = &sdps;
	}
	/* the module takes Call-IDs up to 1024 bytes; 64 will do here */
	if (!msg.call_id.len || msg.call_id.len > sizeof(calls[0].cid))
		return;
	cid = mbuf + msg.call_id.off;
	slot = find(cid, msg.call_id.len, f, cur_ct);
	created = slot < 0;
	if (slot < 0) {
		if (!sip_alg_call_starts(&msg))
			return;
		for (slot = 0; slot < MAXC && calls[slot].used; slot++)
			;
		if (slot == MAXC)
			return;		/* the module's max_dialogs */
		e = &calls[slot];
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->seq = ++seq;
		memcpy(e->cid, cid, msg.call_id.len);
		e->cid_len = msg.call_id.len;
		e->ct = cur_ct;
		e->invite_cseq = msg.cseq;
		sip_alg_call_init(&e->c, &msg, f);
		e->kind = msg.kind == SIP_ALG_REQUEST ? SIP_ALG_CALL_INVITE : SIP_ALG_CALL_REGISTER;
		e->family = f->family;
		model_add(e, f->src);
		model_add(e, f->dst);
		model_add(e, f->reply_src);
		model_add(e, f->reply_dst);
		CHECK(e->c.state == SIP_ALG_CALL_STATE_EARLY && e->c.n_hosts <= 4 &&
		      sip_alg_call_owns(&e->c, f), "a new call that does not own its flow");
	}
	e = &calls[slot];
	/*
	 * A message on the conntrack that created a call, which that call
	 * owns, is that call's: a newer call of the same Call-ID (another
	 * phone's, a stranger's that named the server as its Contact) must
	 * not take it.
	 */
	for (i = 0; i < MAXC; i++)
		CHECK(&calls[i] == e || !calls[i].used || calls[i].ct != cur_ct ||
		      calls[i].cid_len != e->cid_len ||
		      memcmp(calls[i].cid, e->cid, e->cid_len) ||
		      !sip_alg_call_owns(&calls[i].c, f),
		      "call %u's message went to call %d, created on another conntrack", i, slot);
	for (i = 0; i < MAXC; i++)
		snap[i] = calls[i].c;
	before = e->c;

	sip_alg_call_step(&e->c, &msg, sdp, f, &set, &d);
	if (trace)
		fprintf(stderr, "step %d: %.*s -> call %d (%s): state %u event %d end %d "
			"restart %d open %d close %d binding %u expires %u deadline %u%s "
			"hosts %u hold %u\n", step_no, (int)(strchr(mbuf, '\r') ?
			strchr(mbuf, '\r') - mbuf : 40), mbuf, slot,
			created ? "new" : "found", e->c.state, d.event, d.end, d.restart,
			d.open_media, d.close_waiting, d.binding, d.expires, d.deadline,
			d.firm ? " firm" : "", e->c.n_hosts, e->c.on_hold);

	for (i = 0; i < MAXC; i++)
		CHECK(&calls[i] == e || !memcmp(&snap[i], &calls[i].c, sizeof(snap[i])),
		      "call %u changed by another call's message", i);
	check_step(e, &before, f, &d);
	for (i = 0; i < msg.n_addrs; i++) {
		if (msg.addrs[i].field == SIP_ALG_F_CONTACT && msg.addrs[i].hp.family == e->family)
			model_add(e, msg.addrs[i].hp.addr);
	}
	check_call(e, &before);
	check_retransmission(e, f, &d);
}

/* The deadline of the call in @slot passed. */
static void quiet(int slot, bool media)
{
	struct entry *e = &calls[slot];
	struct sip_alg_call_decision d;
	struct sip_alg_call before;

	if (!e->used)
		return;
	before = e->c;
	/* sip_alg_dialog_quiet: media is looked for only in live calls */
	if (before.state != SIP_ALG_CALL_STATE_EARLY &&
	    before.state != SIP_ALG_CALL_STATE_CONFIRMED)
		media = false;
	sip_alg_call_quiet(&e->c, media, &set, &d);
	in_quiet = true;
	if (trace)
		fprintf(stderr, "step %d: quiet, call %d%s: state %u event %d end %d close %d "
			"deadline %u\n", step_no, slot, media ? " with media" : "", e->c.state,
			d.event, d.end, d.close_waiting, d.deadline);
	CHECK(!d.restart && !d.open_media && d.binding == SIP_ALG_BINDING_KEEP,
	      "quiet opens or restarts");
	switch (before.state) {
	case SIP_ALG_CALL_STATE_ENDING:
		CHECK(d.event == SIP_ALG_CALL_NONE && d.end == SIP_ALG_END_REASON_EXPIRED,
		      "quiet in ENDING: event %d end %d", d.event, d.end);
		break;
	case SIP_ALG_CALL_STATE_REGISTERED:
		CHECK(d.event == SIP_ALG_EVENT_TYPE_CALL_END && d.end == SIP_ALG_END_REASON_EXPIRED,
		      "a binding ran out: event %d end %d", d.event, d.end);
		break;
	default:
		if (media)
			CHECK(d.event == SIP_ALG_CALL_NONE && d.end == SIP_ALG_CALL_NONE &&
			      d.close_waiting && !d.firm && d.deadline == set.sip_timeout &&
			      !memcmp(&before, &e->c, sizeof(before)),
			      "quiet with media: event %d end %d deadline %u", d.event, d.end,
			      d.deadline);
		else
			CHECK(d.event == SIP_ALG_EVENT_TYPE_CALL_END &&
			      d.end == SIP_ALG_END_REASON_IDLE, "quiet: event %d end %d", d.event,
			      d.end);
	}
	if (d.end == SIP_ALG_CALL_NONE)
		return;
	/* the module unlinks it: every life reports exactly one END */
	CHECK(e->c.state == SIP_ALG_CALL_STATE_ENDING, "gone in state %u", e->c.state);
	CHECK((d.event == SIP_ALG_EVENT_TYPE_CALL_END) != e->ended, "END %s",
	      e->ended ? "twice" : "never");
	e->used = false;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_CALL_TRACE");

	(void)argc;
	(void)argv;
	trace = s && *s == '1';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 timeouts[4] = { 3600, 32, 20, 600 }, graces[4] = { 5, 0, 1, 3600 };
	struct sip_alg_flow f, last_f;
	bool have_last = false;
	size_t p = 1, n;
	u8 op, a, b;
	int i;

	if (!size)
		return 0;
	memset(calls, 0, sizeof(calls));
	seq = 0;
	set.sip_timeout = timeouts[data[0] & 3];
	set.grace = graces[(data[0] >> 2) & 3];
	set.observe = data[0] & 0x10;
	fam = data[0] & 0x20 ? 6 : 4;
	for (i = 0; i < H_NR; i++) {
		memset(addr[i], 0, 16);
		if (!sip_alg_parse_ip(fam == 4 ? hosts4[i] : hosts6[i],
				      (u32)strlen(fam == 4 ? hosts4[i] : hosts6[i]), &fam, addr[i]))
			abort();
	}

	for (step_no = 0; step_no < MAX_STEPS && p + 3 <= size; step_no++) {
		op = data[p] % OP_NR;
		a = data[p + 1];
		b = data[p + 2];
		p += 3;
		if (op == OP_QUIET) {
			quiet(b % MAXC, a & 0x80);
			in_quiet = false;
			continue;
		}
		if (op == OP_REPEAT) {
			if (have_last)
				deliver(&last_f);
			continue;
		}
		flow_of(b, &f);
		if (op == OP_RAW) {
			if (p + 2 > size)
				break;
			n = data[p] | (size_t)data[p + 1] << 8;
			p += 2;
			if (n > size - p)
				n = size - p;
			memcpy(mbuf, data + p, n);
			mlen = n;
			p += n;
		} else {
			build((enum tmpl)op, a, b, &f);
		}
		last_f = f;
		have_last = true;
		deliver(&f);
	}
	return 0;
}
