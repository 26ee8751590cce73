// SPDX-License-Identifier: GPL-2.0
/*
 * The rewrite planner: which bytes of a parsed SIP message change, and to
 * what. It walks the address occurrences the parsers recorded (already in
 * message order, so the edits come out sorted), asks the mapping callback
 * about each one the direction allows, and adds the Content-Length edit
 * when the body length changes. Applying a plan is a separate pure
 * function. Call-ID and every byte outside an edit are never touched.
 */
#include "sip_rewrite.h"

#define BIT16(n)	((u16)(1u << (n)))

/*
 * Header fields the planner may rewrite, per direction and message kind
 * (RFC 3261 roles; the same table as Junos' "Requesting Messages with NAT
 * Table"). The top Via only: lower Via entries belong to other hops.
 * Inbound requests map Route so that an inside proxy recognises its own
 * Record-Route, which was rewritten on the way out. Inbound responses map
 * Contact: in a 2xx to REGISTER it lists the endpoint's own bindings
 * (RFC 3261 10.3), which it must recognise to learn their expiry.
 */
static const u16 sip_alg_allowed[2][2] = {
	[SIP_ALG_OUTBOUND][SIP_ALG_REQUEST] = BIT16(SIP_ALG_F_VIA) | BIT16(SIP_ALG_F_FROM) |
		BIT16(SIP_ALG_F_CONTACT) | BIT16(SIP_ALG_F_ROUTE) | BIT16(SIP_ALG_F_RECORD_ROUTE),
	[SIP_ALG_OUTBOUND][SIP_ALG_RESPONSE] = BIT16(SIP_ALG_F_TO) | BIT16(SIP_ALG_F_CONTACT) |
		BIT16(SIP_ALG_F_RECORD_ROUTE),
	[SIP_ALG_INBOUND][SIP_ALG_REQUEST] = BIT16(SIP_ALG_F_REQUEST_URI) | BIT16(SIP_ALG_F_TO) |
		BIT16(SIP_ALG_F_ROUTE),
	[SIP_ALG_INBOUND][SIP_ALG_RESPONSE] = BIT16(SIP_ALG_F_VIA) | BIT16(SIP_ALG_F_FROM) |
		BIT16(SIP_ALG_F_CONTACT) | BIT16(SIP_ALG_F_RECORD_ROUTE) | BIT16(SIP_ALG_F_ROUTE),
};

struct plan_ctx {
	const char *b;
	struct sip_alg_plan *plan;
	enum sip_alg_dir dir;
	sip_alg_map_fn map;
	void *ctx;
	s32 body_delta;
	u16 hdr_end;
	char spare[SIP_ALG_EDIT_MAX_REPL];	/* see repl_buf() */
};

static bool addr_is_zero(u8 family, const u8 *a)
{
	u32 w[4];

	memcpy(w, a, family == 6 ? 16 : 4);
	if (family != 6)
		return !w[0];
	return !(w[0] | w[1] | w[2] | w[3]);
}

static u16 default_port(const struct sip_alg_addr *occ)
{
	if (occ->scheme == SIP_ALG_S_SIPS || occ->transport == SIP_ALG_T_TLS)
		return 5061;
	return 5060;
}

/*
 * Where the next replacement is formatted: in the edit it will become, so
 * add_edit() has nothing to copy; in a spare buffer when the plan is full
 * (add_edit() then fails, unless the edit changes nothing).
 */
static char *repl_buf(struct plan_ctx *c)
{
	struct sip_alg_plan *plan = c->plan;

	if (plan->n_edits < SIP_ALG_MAX_EDITS)
		return plan->edits[plan->n_edits].repl;
	return c->spare;
}

static int add_edit(struct plan_ctx *c, u32 off, u32 len, const char *repl, u32 rlen, u8 field)
{
	struct sip_alg_plan *plan = c->plan;
	struct sip_alg_edit *e;
	u32 i;

	/*
	 * An edit that changes nothing is no edit: identity stays identical.
	 * A byte loop: a real change mostly shows in the first byte or two.
	 */
	if (rlen == len) {
		for (i = 0; i < len && c->b[off + i] == repl[i]; i++)
			;
		if (i == len)
			return SIP_ALG_OK;
	}
	if (plan->n_edits >= SIP_ALG_MAX_EDITS)
		return SIP_ALG_E_TOO_MANY_ADDRS;
	e = &plan->edits[plan->n_edits++];
	e->off = (u16)off;
	e->len = (u16)len;
	e->repl_len = (u8)rlen;
	e->field = field;
	if (repl != e->repl)
		memcpy(e->repl, repl, rlen);
	plan->delta += (s32)rlen - (s32)len;
	if (off >= c->hdr_end)
		c->body_delta += (s32)rlen - (s32)len;
	return SIP_ALG_OK;
}

static bool same_addr(const struct sip_alg_endpoint *a, const struct sip_alg_endpoint *b)
{
	u32 x, y;

	if (a->family != b->family)
		return false;
	if (a->family == 6)
		return !memcmp(a->addr, b->addr, 16);
	memcpy(&x, a->addr, 4);
	memcpy(&y, b->addr, 4);
	return x == y;
}

static void seen_from(const struct sip_alg_addr *occ, struct sip_alg_endpoint *seen)
{
	seen->family = occ->hp.family;
	memcpy(seen->addr, occ->hp.addr, 16);
	seen->has_port = 0;
	seen->port = 0;
}

/*
 * The address an ;rport= refers to: the ;received= of the same Via entry
 * when there is one (the server wrote both), else its sent-by.
 */
static const struct sip_alg_addr *rport_peer(const struct sip_alg_msg *msg, u16 i)
{
	const struct sip_alg_addr *occ = &msg->addrs[i], *host = NULL, *a;
	u16 j;

	for (j = 0; j < msg->n_addrs; j++) {
		a = &msg->addrs[j];
		if (a->field != occ->field || a->entry != occ->entry || a->hdr != occ->hdr)
			continue;
		if (a->role == SIP_ALG_R_RECEIVED)
			return a;
		if (a->role == SIP_ALG_R_HOST)
			host = a;
	}
	return host;
}

/* One SIP header occurrence. */
static int plan_sip_addr(struct plan_ctx *c, const struct sip_alg_msg *msg, u16 i)
{
	const struct sip_alg_addr *occ = &msg->addrs[i], *peer;
	struct sip_alg_endpoint seen, out;
	char *repl = repl_buf(c);
	u32 n = 0, off, len;
	u16 dport;

	if (occ->role == SIP_ALG_R_RPORT) {
		peer = rport_peer(msg, i);
		if (!peer || (peer->hp.family != 4 && peer->hp.family != 6))
			return SIP_ALG_OK;
		seen_from(peer, &seen);
		seen.has_port = 1;
		seen.port = occ->hp.port_val;
	} else {
		if (occ->hp.family != 4 && occ->hp.family != 6)
			return SIP_ALG_OK;
		seen_from(occ, &seen);
		dport = default_port(occ);
		seen.has_port = occ->role == SIP_ALG_R_HOST && occ->hp.port.len;
		seen.port = seen.has_port ? occ->hp.port_val : dport;
	}
	if (addr_is_zero(seen.family, seen.addr))
		return SIP_ALG_OK;
	out = seen;
	if (!c->map(c->ctx, c->dir, occ, &seen, &out))
		return SIP_ALG_OK;
	if (out.family != 4 && out.family != 6)
		return SIP_ALG_OK;
	if (!out.port)
		out.port = seen.port;

	switch (occ->role) {
	case SIP_ALG_R_RPORT:
		if (out.port == seen.port)
			return SIP_ALG_OK;
		n = sip_alg_fmt_dec(out.port, repl);
		return add_edit(c, occ->hp.port.off, occ->hp.port.len, repl, n, occ->field);
	case SIP_ALG_R_HOST:
		if (same_addr(&seen, &out) && out.port == seen.port)
			return SIP_ALG_OK;
		if (out.family == 6)
			repl[n++] = '[';
		n += sip_alg_format_ip(out.family, out.addr, repl + n);
		if (out.family == 6)
			repl[n++] = ']';
		/* keep a written port; add one only when it is not the default */
		if (occ->hp.port.len || out.port != default_port(occ)) {
			repl[n++] = ':';
			n += sip_alg_fmt_dec(out.port, repl + n);
		}
		off = occ->hp.host.off;
		len = occ->hp.port.len ? occ->hp.port.off + occ->hp.port.len - off
				       : occ->hp.host.len;
		return add_edit(c, off, len, repl, n, occ->field);
	default:
		/* ;maddr= is a host (brackets for IPv6), ;received= a bare address */
		if (same_addr(&seen, &out))
			return SIP_ALG_OK;
		if (out.family == 6 &&
		    (occ->role == SIP_ALG_R_MADDR || c->b[occ->hp.host.off] == '['))
			repl[n++] = '[';
		n += sip_alg_format_ip(out.family, out.addr, repl + n);
		if (n && repl[0] == '[')
			repl[n++] = ']';
		return add_edit(c, occ->hp.host.off, occ->hp.host.len, repl, n, occ->field);
	}
}

/* One SDP occurrence. SDP writes IPv6 bare and cannot change the family. */
static int plan_sdp_addr(struct plan_ctx *c, const struct sdp_alg_session *s, u16 i)
{
	const struct sip_alg_addr *occ = &s->addrs[i], *conn;
	struct sip_alg_endpoint seen, out;
	char *repl;
	bool own = false;
	int err;
	u32 n;

	switch (occ->field) {
	case SIP_ALG_F_SDP_ORIGIN:
	case SIP_ALG_F_SDP_CONN:
		if (occ->hp.family != 4 && occ->hp.family != 6)
			return SIP_ALG_OK;
		seen_from(occ, &seen);
		own = true;
		break;
	case SIP_ALG_F_SDP_MEDIA:
		/* port 0 is a disabled stream, not a port to map */
		if (!occ->hp.port_val)
			return SIP_ALG_OK;
		conn = occ->media == 0xff ? NULL : sdp_alg_media_conn(s, occ->media);
		if (!conn || (conn->hp.family != 4 && conn->hp.family != 6))
			return SIP_ALG_OK;
		seen_from(conn, &seen);
		seen.has_port = 1;
		seen.port = occ->hp.port_val;
		break;
	case SIP_ALG_F_SDP_RTCP:
		if (!occ->hp.port_val)
			return SIP_ALG_OK;
		if (occ->hp.host.len) {
			if (occ->hp.family != 4 && occ->hp.family != 6)
				return SIP_ALG_OK;
			conn = occ;
			own = true;
		} else if (occ->media != 0xff) {
			conn = sdp_alg_media_conn(s, occ->media);
		} else {
			conn = s->conn >= 0 ? &s->addrs[s->conn] : NULL;
		}
		if (!conn || (conn->hp.family != 4 && conn->hp.family != 6))
			return SIP_ALG_OK;
		seen_from(conn, &seen);
		seen.has_port = 1;
		seen.port = occ->hp.port_val;
		break;
	default:
		return SIP_ALG_OK;
	}
	/* hold (c=0.0.0.0) is kept as it is */
	if (addr_is_zero(seen.family, seen.addr))
		return SIP_ALG_OK;
	out = seen;
	if (!c->map(c->ctx, c->dir, occ, &seen, &out))
		return SIP_ALG_OK;
	if (!out.port)
		out.port = seen.port;
	if (seen.has_port && out.port != seen.port) {
		repl = repl_buf(c);
		n = sip_alg_fmt_dec(out.port, repl);
		err = add_edit(c, occ->hp.port.off, occ->hp.port.len, repl, n, occ->field);
		if (err)
			return err;
	}
	if (own && out.family == seen.family && !same_addr(&seen, &out)) {
		repl = repl_buf(c);
		n = sip_alg_format_ip(out.family, out.addr, repl);
		/* a=rtcp: the address follows the port, so this edit stays sorted */
		return add_edit(c, occ->hp.host.off, occ->hp.host.len, repl, n, occ->field);
	}
	return SIP_ALG_OK;
}

static bool line_stripped(const char *b, const struct sdp_alg_line *l,
			  const struct sip_alg_strip *strip)
{
	u32 k;

	for (k = 0; k < strip->n && k < SIP_ALG_MAX_STRIP; k++)
		if (strip->len[k] && strip->len[k] <= l->span.len &&
		    strip->len[k] <= SIP_ALG_STRIP_MAX_LEN &&
		    !memcmp(b + l->span.off, strip->prefix[k], strip->len[k]))
			return true;
	return false;
}

static u32 occ_off(const struct sip_alg_addr *a)
{
	return a->hp.host.len ? a->hp.host.off : a->hp.port.off;
}

static int plan_sdp(struct plan_ctx *c, const struct sdp_alg_session *s,
		    const struct sip_alg_strip *strip)
{
	u16 i, l, ai = 0;
	u32 lend;
	int err;

	if (!strip || !strip->n) {
		for (i = 0; i < s->n_addrs; i++) {
			err = plan_sdp_addr(c, s, i);
			if (err)
				return err;
		}
		return SIP_ALG_OK;
	}
	/* lines and occurrences are both in offset order: walk them together */
	for (l = 0; l < s->n_lines; l++) {
		const struct sdp_alg_line *ln = &s->lines[l];

		lend = (u32)ln->span.off + ln->span.len;
		if (line_stripped(c->b, ln, strip)) {
			while (ai < s->n_addrs && occ_off(&s->addrs[ai]) < lend)
				ai++;
			err = add_edit(c, ln->span.off, ln->span.len, "", 0, SIP_ALG_F_NR);
			if (err)
				return err;
			continue;
		}
		while (ai < s->n_addrs && occ_off(&s->addrs[ai]) < lend) {
			err = plan_sdp_addr(c, s, ai++);
			if (err)
				return err;
		}
	}
	return SIP_ALG_OK;
}

/* Content-Length edits go in among the header edits, keeping the order. */
static int plan_content_length(struct plan_ctx *c, const struct sip_alg_msg *msg)
{
	struct sip_alg_plan *plan = c->plan;
	char repl[12];
	u16 h, j, n;
	u32 off;
	s32 ncl;

	ncl = msg->content_length + c->body_delta;
	plan->new_content_length = ncl;
	n = (u16)sip_alg_fmt_dec((u32)ncl, repl);
	for (h = 0; h < msg->n_headers; h++) {
		if (msg->headers[h].id != SIP_ALG_H_CONTENT_LENGTH)
			continue;
		if (plan->n_edits >= SIP_ALG_MAX_EDITS)
			return SIP_ALG_E_TOO_MANY_ADDRS;
		off = msg->headers[h].value.off;
		for (j = 0; j < plan->n_edits && plan->edits[j].off < off; j++)
			;
		memmove(&plan->edits[j + 1], &plan->edits[j],
			(plan->n_edits - j) * sizeof(plan->edits[0]));
		plan->n_edits++;
		plan->edits[j].off = (u16)off;
		plan->edits[j].len = msg->headers[h].value.len;
		plan->edits[j].repl_len = (u8)n;
		plan->edits[j].field = SIP_ALG_F_NR;
		memcpy(plan->edits[j].repl, repl, n);
		plan->delta += (s32)n - (s32)msg->headers[h].value.len;
	}
	return SIP_ALG_OK;
}

int sip_alg_plan(const char *buf, const struct sip_alg_msg *msg,
		 const struct sdp_alg_session *sdp, enum sip_alg_dir dir,
		 sip_alg_map_fn map, void *ctx, const struct sip_alg_strip *strip,
		 struct sip_alg_plan *plan)
{
	struct plan_ctx c;
	u16 allowed, i;
	int err;

	plan->n_edits = 0;
	plan->delta = 0;
	plan->new_content_length = -1;
	c.b = buf;
	c.plan = plan;
	c.dir = dir;
	c.map = map;
	c.ctx = ctx;
	c.body_delta = 0;
	c.hdr_end = msg->hdr_end;

	allowed = sip_alg_allowed[dir == SIP_ALG_INBOUND][msg->kind == SIP_ALG_RESPONSE];
	for (i = 0; i < msg->n_addrs; i++) {
		const struct sip_alg_addr *a = &msg->addrs[i];

		if (a->field >= SIP_ALG_F_SDP_ORIGIN || !(allowed & BIT16(a->field)))
			continue;
		if (a->field == SIP_ALG_F_VIA && a->entry)
			continue;
		err = plan_sip_addr(&c, msg, i);
		if (err)
			return err;
	}
	if (sdp) {
		err = plan_sdp(&c, sdp, strip);
		if (err)
			return err;
	}
	if (c.body_delta && msg->content_length >= 0)
		return plan_content_length(&c, msg);
	return SIP_ALG_OK;
}

s32 sip_alg_apply(const char *in, u32 in_len, const struct sip_alg_plan *plan,
		  char *out, u32 out_cap)
{
	const struct sip_alg_edit *e;
	u32 ip = 0, op = 0, n;
	u16 i;

	if (plan->n_edits > SIP_ALG_MAX_EDITS)
		return -1;
	for (i = 0; i < plan->n_edits; i++) {
		e = &plan->edits[i];
		if (e->off < ip || (u32)e->off + e->len > in_len ||
		    e->repl_len > SIP_ALG_EDIT_MAX_REPL)
			return -1;
		n = e->off - ip;
		if (op + n + e->repl_len > out_cap)
			return -1;
		memcpy(out + op, in + ip, n);
		op += n;
		memcpy(out + op, e->repl, e->repl_len);
		op += e->repl_len;
		ip = (u32)e->off + e->len;
	}
	n = in_len - ip;
	if (op + n > out_cap || op + n > 0x7fffffff)
		return -1;
	memcpy(out + op, in + ip, n);
	return (s32)(op + n);
}
