// SPDX-License-Identifier: GPL-2.0
/*
 * The call core (include/sip_call.h): call semantics in one place, free of
 * kernel types. Offer and answer, hold, re-INVITE, CANCEL, BYE, final
 * errors, REGISTER and its expiry, and every timer are decided here; the
 * module carries the decisions out.
 */
#include "sip_call.h"

static bool sip_alg_call_has_host(const struct sip_alg_call *c, const u8 *addr)
{
	unsigned int len = c->family == 4 ? 4 : 16;
	unsigned int i;

	for (i = 0; i < c->n_hosts; i++) {
		if (!memcmp(c->hosts[i], addr, len))
			return true;
	}
	return false;
}

static void sip_alg_call_add_host(struct sip_alg_call *c, const u8 *addr)
{
	if (c->n_hosts == SIP_ALG_CALL_HOSTS || sip_alg_call_has_host(c, addr))
		return;
	memset(c->hosts[c->n_hosts], 0, sizeof(c->hosts[0]));
	memcpy(c->hosts[c->n_hosts], addr, c->family == 4 ? 4 : 16);
	c->n_hosts++;
}

bool sip_alg_call_owns(const struct sip_alg_call *c, const struct sip_alg_flow *f)
{
	/*
	 * Both ends as the message travels and as the other direction sees
	 * them: behind a NAT the far side only ever sees the public address,
	 * so the untranslated end is what tells two phones apart.
	 */
	return f->family == c->family && sip_alg_call_has_host(c, f->src) &&
	       sip_alg_call_has_host(c, f->dst) && sip_alg_call_has_host(c, f->reply_src) &&
	       sip_alg_call_has_host(c, f->reply_dst);
}

/*
 * Where the parties said they are (Contact), for the requests they send
 * each other directly when no proxy stays in the path. Learned only from
 * the call's own messages, so a stranger cannot add itself.
 */
static void sip_alg_call_learn(struct sip_alg_call *c, const struct sip_alg_msg *msg)
{
	unsigned int i;

	for (i = 0; i < msg->n_addrs; i++) {
		const struct sip_alg_addr *a = &msg->addrs[i];

		if (a->field == SIP_ALG_F_CONTACT && a->role == SIP_ALG_R_HOST &&
		    a->hp.family == c->family && !sip_alg_hostport_is_any(&a->hp))
			sip_alg_call_add_host(c, a->hp.addr);
	}
}

static bool sip_alg_is_initial_invite(const struct sip_alg_msg *msg)
{
	return msg->kind == SIP_ALG_REQUEST && msg->method == SIP_ALG_M_INVITE &&
	       !msg->to_tag.len;
}

static bool sip_alg_is_register_ok(const struct sip_alg_msg *msg)
{
	return msg->kind == SIP_ALG_RESPONSE && msg->cseq_method == SIP_ALG_M_REGISTER &&
	       msg->status >= 200 && msg->status < 300;
}

bool sip_alg_call_starts(const struct sip_alg_msg *msg)
{
	return sip_alg_is_initial_invite(msg) || sip_alg_is_register_ok(msg);
}

void sip_alg_call_init(struct sip_alg_call *c, const struct sip_alg_msg *msg,
		       const struct sip_alg_flow *f)
{
	memset(c, 0, sizeof(*c));
	c->state = SIP_ALG_CALL_STATE_EARLY;
	c->kind = msg->kind == SIP_ALG_REQUEST ? SIP_ALG_CALL_INVITE : SIP_ALG_CALL_REGISTER;
	c->family = f->family;
	c->invite_cseq = msg->cseq;
	sip_alg_call_add_host(c, f->src);
	sip_alg_call_add_host(c, f->dst);
	sip_alg_call_add_host(c, f->reply_src);
	sip_alg_call_add_host(c, f->reply_dst);
}

/*
 * Messages that carry an offer or an answer (RFC 3264, 3262, 3311): the
 * INVITE, UPDATE and PRACK transactions and the ACK of a late offer. SDP in
 * anything else (an OPTIONS answer, a MESSAGE) opens nothing.
 */
static bool sip_alg_negotiates(const struct sip_alg_msg *msg)
{
	if (msg->kind == SIP_ALG_REQUEST)
		return msg->method == SIP_ALG_M_INVITE || msg->method == SIP_ALG_M_ACK ||
		       msg->method == SIP_ALG_M_UPDATE || msg->method == SIP_ALG_M_PRACK;
	return msg->status < 300 &&
	       (msg->cseq_method == SIP_ALG_M_INVITE || msg->cseq_method == SIP_ALG_M_UPDATE ||
		msg->cseq_method == SIP_ALG_M_PRACK);
}

/*
 * An offer that puts every stream it keeps on hold (sendonly, inactive or
 * the 0.0.0.0 address of RFC 2543) holds the call from its side; the next
 * offer from that side that does not, resumes it. An offer without a stream
 * changes nothing. 1: holds, 0: does not, -1: says nothing.
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

static void sip_alg_call_offer(struct sip_alg_call *c, const struct sdp_alg_session *sdp,
			       u8 side, struct sip_alg_call_decision *d)
{
	int hold = sip_alg_sdp_holds(sdp);
	u8 was = c->on_hold;

	if (hold < 0)
		return;
	if (hold)
		c->on_hold |= 1U << side;
	else
		c->on_hold &= ~(1U << side);
	if (!was != !c->on_hold)
		d->event = c->on_hold ? SIP_ALG_EVENT_TYPE_CALL_HOLD :
					SIP_ALG_EVENT_TYPE_CALL_RESUME;
}

static void sip_alg_call_end(struct sip_alg_call *c, enum sip_alg_end_reason why,
			     u32 grace, struct sip_alg_call_decision *d)
{
	if (c->state == SIP_ALG_CALL_STATE_ENDING)
		return;
	c->state = SIP_ALG_CALL_STATE_ENDING;
	d->end = why;
	d->event = SIP_ALG_EVENT_TYPE_CALL_END;
	/* Media of an ended call starts nowhere: only the final responses pass. */
	d->close_waiting = true;
	d->deadline = grace;
	d->firm = true;
}

/* Seconds until the call counts as quiet, from its last message. */
static u32 sip_alg_call_idle(const struct sip_alg_call *c, const struct sip_alg_call_settings *s)
{
	if (c->state == SIP_ALG_CALL_STATE_EARLY && !c->answered &&
	    s->sip_timeout > SIP_ALG_UNANSWERED_SECS)
		return SIP_ALG_UNANSWERED_SECS;
	return s->sip_timeout;
}

/*
 * The binding a 2xx to a REGISTER grants the endpoint behind this flow:
 * its Contact as the registrar stored it, i.e. as rewritten on the way out
 * (the address the registrar sent the 2xx to), or as the endpoint wrote it.
 */
static s32 sip_alg_call_grant(const struct sip_alg_msg *msg, const struct sip_alg_flow *f,
			      unsigned int *idx)
{
	unsigned int len = f->family == 4 ? 4 : 16;
	const struct sip_alg_addr *a;
	s32 expires;
	unsigned int i;

	for (i = 0; i < msg->n_addrs; i++) {
		a = &msg->addrs[i];
		if (a->field != SIP_ALG_F_CONTACT || a->role != SIP_ALG_R_HOST ||
		    a->hp.family != f->family)
			continue;
		if (!memcmp(a->hp.addr, f->dst, len) || !memcmp(a->hp.addr, f->reply_src, len))
			break;
	}
	*idx = i;
	if (i == msg->n_addrs)
		return -1;
	a = &msg->addrs[i];
	expires = a->expires >= 0 ? a->expires : msg->expires;
	return expires < 0 ? SIP_ALG_DEFAULT_EXPIRES : expires;
}

static void sip_alg_call_binding(struct sip_alg_call *c, const struct sip_alg_msg *msg,
				 const struct sip_alg_flow *f, struct sip_alg_call_decision *d)
{
	unsigned int i;
	s32 expires = sip_alg_call_grant(msg, f, &i);

	if (expires < 0) {
		/* A query, or another device's binding: ours stays as it is. */
		if (!c->unregistering)
			return;
		expires = 0;
	}

	if (expires == 0) {
		d->binding = SIP_ALG_BINDING_REMOVE;
		c->state = SIP_ALG_CALL_STATE_ENDING;
		d->end = SIP_ALG_END_REASON_EXPIRED;
		d->event = SIP_ALG_EVENT_TYPE_CALL_END;
		d->deadline = 0;
		d->firm = true;
		return;
	}
	d->binding = SIP_ALG_BINDING_REFRESH;
	d->contact = i;
	d->expires = expires < SIP_ALG_MAX_REG_EXPIRES ? expires : SIP_ALG_MAX_REG_EXPIRES;
	c->state = SIP_ALG_CALL_STATE_REGISTERED;
	d->deadline = d->expires;
	d->firm = true;
}

static void sip_alg_call_request(struct sip_alg_call *c, const struct sip_alg_msg *msg,
				 const struct sdp_alg_session *sdp, u8 side,
				 const struct sip_alg_call_settings *s,
				 struct sip_alg_call_decision *d)
{
	if (sdp && c->state == SIP_ALG_CALL_STATE_CONFIRMED && msg->method != SIP_ALG_M_ACK &&
	    sip_alg_negotiates(msg))
		sip_alg_call_offer(c, sdp, side, d);
	switch (msg->method) {
	case SIP_ALG_M_REGISTER:
		c->unregistering = sip_alg_register_removes(msg);
		break;
	case SIP_ALG_M_BYE:
		sip_alg_call_end(c, SIP_ALG_END_REASON_BYE, s->grace, d);
		break;
	case SIP_ALG_M_CANCEL:
		if (c->state == SIP_ALG_CALL_STATE_EARLY)
			sip_alg_call_end(c, SIP_ALG_END_REASON_CANCEL, s->grace, d);
		break;
	default:
		break;
	}
}

static void sip_alg_call_response(struct sip_alg_call *c, const struct sip_alg_msg *msg,
				  const struct sip_alg_flow *f,
				  const struct sip_alg_call_settings *s,
				  struct sip_alg_call_decision *d)
{
	switch (msg->cseq_method) {
	case SIP_ALG_M_INVITE:
		/* A provisional response with a tag comes from the far side's UA. */
		if (msg->status >= 200 || (msg->status > 100 && msg->to_tag.len))
			c->answered = 1;
		if (msg->status >= 200 && msg->status < 300) {
			if (c->state == SIP_ALG_CALL_STATE_EARLY) {
				c->state = SIP_ALG_CALL_STATE_CONFIRMED;
				d->event = SIP_ALG_EVENT_TYPE_CALL_ANSWER;
			}
		} else if (msg->status >= 300 && c->state == SIP_ALG_CALL_STATE_EARLY) {
			sip_alg_call_end(c, SIP_ALG_END_REASON_REJECTED, s->grace, d);
		}
		break;
	case SIP_ALG_M_REGISTER:
		if (sip_alg_is_register_ok(msg) && c->kind == SIP_ALG_CALL_REGISTER &&
		    c->state != SIP_ALG_CALL_STATE_ENDING)
			sip_alg_call_binding(c, msg, f, d);
		break;
	default:
		break;
	}
}

/*
 * An ended call starts again only as what it was: an INVITE call with a
 * new INVITE, a binding with a 2xx that grants it again. A 2xx that removes
 * it (a retransmission, most likely) leaves it ended.
 */
static bool sip_alg_call_restarts(const struct sip_alg_call *c, const struct sip_alg_msg *msg,
				  const struct sip_alg_flow *f)
{
	unsigned int i;

	if (c->state != SIP_ALG_CALL_STATE_ENDING)
		return false;
	if (c->kind == SIP_ALG_CALL_INVITE)
		return sip_alg_is_initial_invite(msg) && msg->cseq > c->invite_cseq;
	return sip_alg_is_register_ok(msg) && sip_alg_call_grant(msg, f, &i) > 0;
}

void sip_alg_call_step(struct sip_alg_call *c, const struct sip_alg_msg *msg,
		       const struct sdp_alg_session *sdp, const struct sip_alg_flow *f,
		       const struct sip_alg_call_settings *s, struct sip_alg_call_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->event = SIP_ALG_CALL_NONE;
	d->end = SIP_ALG_CALL_NONE;

	/*
	 * A new INVITE after a challenge or a rejection, or a registration
	 * after an un-register, reuses the Call-ID of the call that ended.
	 */
	if (sip_alg_call_restarts(c, msg, f)) {
		c->state = SIP_ALG_CALL_STATE_EARLY;
		c->answered = 0;
		c->on_hold = 0;
		c->invite_cseq = msg->cseq;
		d->restart = true;
	}
	sip_alg_call_learn(c, msg);

	d->open_media = sdp && !s->observe && c->state != SIP_ALG_CALL_STATE_ENDING &&
			c->kind == SIP_ALG_CALL_INVITE && sip_alg_negotiates(msg);

	if (msg->kind == SIP_ALG_REQUEST)
		sip_alg_call_request(c, msg, sdp, f->side, s, d);
	else
		sip_alg_call_response(c, msg, f, s, d);

	if (!d->firm && c->state != SIP_ALG_CALL_STATE_ENDING &&
	    c->state != SIP_ALG_CALL_STATE_REGISTERED)
		d->deadline = sip_alg_call_idle(c, s);
	/* Observe mode opens nothing, and so has nothing to close. */
	if (s->observe && d->binding == SIP_ALG_BINDING_REFRESH)
		d->binding = SIP_ALG_BINDING_KEEP;
}

void sip_alg_call_quiet(struct sip_alg_call *c, bool media_flows,
			const struct sip_alg_call_settings *s, struct sip_alg_call_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->event = SIP_ALG_CALL_NONE;
	d->end = SIP_ALG_CALL_NONE;

	switch (c->state) {
	case SIP_ALG_CALL_STATE_ENDING:
		/* The grace passed: the call's end was reported already. */
		d->end = SIP_ALG_END_REASON_EXPIRED;
		return;
	case SIP_ALG_CALL_STATE_REGISTERED:
		c->state = SIP_ALG_CALL_STATE_ENDING;
		d->end = SIP_ALG_END_REASON_EXPIRED;
		d->event = SIP_ALG_EVENT_TYPE_CALL_END;
		return;
	default:
		break;
	}
	/*
	 * Many phones send no SIP for the length of a call: while its media
	 * flows the call stays, with nothing waiting for new media.
	 */
	if (media_flows) {
		d->close_waiting = true;
		d->deadline = s->sip_timeout;
		return;
	}
	c->state = SIP_ALG_CALL_STATE_ENDING;
	d->end = SIP_ALG_END_REASON_IDLE;
	d->event = SIP_ALG_EVENT_TYPE_CALL_END;
}

/*
 * Whether a REGISTER asks to remove its bindings: a contact with expires=0,
 * or Expires: 0 for contacts without their own (and for "Contact: *").
 */
bool sip_alg_register_removes(const struct sip_alg_msg *msg)
{
	bool contacts = false;
	unsigned int i;

	for (i = 0; i < msg->n_addrs; i++) {
		const struct sip_alg_addr *a = &msg->addrs[i];

		if (a->field != SIP_ALG_F_CONTACT || a->role != SIP_ALG_R_HOST)
			continue;
		contacts = true;
		if (a->expires == 0 || (a->expires < 0 && msg->expires == 0))
			return true;
	}
	return !contacts && msg->expires == 0;
}
