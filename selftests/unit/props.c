// SPDX-License-Identifier: GPL-2.0
/* Property checks, see props.h. Userspace only: static scratch is fine here. */
#include <stdio.h>
#include <stdlib.h>
#include "props.h"

static struct sip_alg_msg p_msg, p_msg2, p_msg3;
static struct sdp_alg_session p_sdp, p_sdp2, p_sdp3;
static struct sip_alg_plan p_plan, p_plan2;
static char p_out[SIP_ALG_MAX_MSG_LEN * 2 + 64], p_back[SIP_ALG_MAX_MSG_LEN * 2 + 64];

static bool in_src(const struct sip_alg_endpoint *e, int inverse)
{
	if (e->family == 4)
		return inverse ? (e->addr[0] == 198 && e->addr[1] == 51)
			       : (e->addr[0] == 192 && e->addr[1] == 168);
	if (e->family == 6)
		return inverse ? (e->addr[0] == 0x20 && e->addr[1] == 0x01 &&
				  e->addr[2] == 0x0d && e->addr[3] == 0xb8)
			       : (e->addr[0] == 0xfd && e->addr[1] == 0x00 &&
				  e->addr[2] == 0 && e->addr[3] == 0);
	return false;
}

static bool canonical(const struct props_map *m, const struct sip_alg_addr *occ,
		      const struct sip_alg_endpoint *seen)
{
	char txt[64];
	uint32_t n, o, l;
	const struct sip_alg_span *h = &occ->hp.host;

	if (h->len && occ->hp.family == seen->family &&
	    !memcmp(occ->hp.addr, seen->addr, 16)) {
		n = sip_alg_format_ip(seen->family, seen->addr, txt);
		o = h->off;
		l = h->len;
		if (l >= 2 && m->buf[o] == '[') {
			o++;
			l -= 2;
		}
		if (n != l || memcmp(txt, m->buf + o, n))
			return false;
	}
	if (occ->hp.port.len) {
		n = (uint32_t)snprintf(txt, sizeof(txt), "%u", occ->hp.port_val);
		if (n != occ->hp.port.len || memcmp(txt, m->buf + occ->hp.port.off, n))
			return false;
	}
	return true;
}

bool props_map_fn(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
		  const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	struct props_map *m = ctx;

	(void)dir;
	m->offered++;
	if (in_src(seen, !m->inverse))
		m->collision = 1;
	if (!in_src(seen, m->inverse))
		return false;
	if (!canonical(m, occ, seen))
		m->noncanon = 1;
	*out = *seen;
	if (seen->family == 4) {
		out->addr[0] = m->inverse ? 192 : 198;
		out->addr[1] = m->inverse ? 168 : 51;
	} else {
		if (m->inverse) {
			out->addr[0] = 0xfd; out->addr[1] = 0; out->addr[2] = 0; out->addr[3] = 0;
		} else {
			out->addr[0] = 0x20; out->addr[1] = 0x01;
			out->addr[2] = 0x0d; out->addr[3] = 0xb8;
		}
	}
	/* an involution on ports that never yields 0 (0 means "keep") */
	if (m->xor_ports && seen->has_port && seen->port && seen->port != 0x4000)
		out->port = seen->port ^ 0x4000;
	return true;
}

static bool ident_map(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
		      const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	(void)ctx; (void)dir; (void)occ;
	*out = *seen;
	return true;
}

static bool cl_ok(const struct sip_alg_msg *m)
{
	return m->content_length >= 0 && (uint32_t)m->content_length == m->body.len;
}

static bool edits_sane(const struct sip_alg_plan *pl, const struct sip_alg_msg *m, uint32_t len)
{
	uint32_t prev = 0, i;
	int32_t d = 0;

	for (i = 0; i < pl->n_edits; i++) {
		const struct sip_alg_edit *e = &pl->edits[i];

		if (e->off < prev || e->off + e->len > len || e->repl_len > SIP_ALG_EDIT_MAX_REPL)
			return false;
		/* Call-ID is never touched */
		if (m->call_id.len && e->off < m->call_id.off + m->call_id.len &&
		    e->off + e->len > m->call_id.off)
			return false;
		prev = e->off + e->len;
		d += e->repl_len - e->len;
	}
	return d == pl->delta;
}

/* Content-Length written as the planner would write it (no leading zeros). */
static bool cl_canonical(const char *b, const struct sip_alg_msg *m)
{
	char txt[16];
	uint32_t i, n;

	if (m->content_length < 0)
		return true;
	n = (uint32_t)snprintf(txt, sizeof(txt), "%d", m->content_length);
	for (i = 0; i < m->n_headers; i++)
		if (m->headers[i].id == SIP_ALG_H_CONTENT_LENGTH &&
		    (m->headers[i].value.len != n || memcmp(b + m->headers[i].value.off, txt, n)))
			return false;
	return true;
}

static int parse_all(const char *b, uint32_t len, bool stream, struct sip_alg_msg *m,
		     struct sdp_alg_session *s, bool *has_sdp)
{
	int err = sip_alg_parse(b, len, stream, m);

	*has_sdp = false;
	if (err)
		return err;
	if (m->sdp.len) {
		err = sdp_alg_parse(b, m->sdp, SDP_ALG_DEFAULT_MAX_MEDIA, s);
		if (!err)
			*has_sdp = true;
		/* a bad SDP leaves the SIP part rewritable; the caller decides */
	}
	return 0;
}

static const char *one_dir(const char *buf, bool stream, enum sip_alg_dir dir,
			   bool has_sdp, int xor_ports)
{
	struct props_map fm = { .buf = buf, .xor_ports = xor_ports };
	struct props_map im = { .inverse = 1, .xor_ports = xor_ports };
	struct sip_alg_strip strip = { .n = 1, .len = { 11 }, .prefix = { "a=candidate" } };
	bool has2, has3;
	int32_t n, n2;
	int err;

	/* identity: no edit, same bytes */
	err = sip_alg_plan(buf, &p_msg, has_sdp ? &p_sdp : NULL, dir, ident_map, NULL, NULL,
			   &p_plan);
	if (err)
		return "identity plan failed";
	if (p_plan.n_edits)
		return "identity mapping produced edits";
	n = sip_alg_apply(buf, p_msg.msg_len, &p_plan, p_out, sizeof(p_out));
	if (n != (int32_t)p_msg.msg_len || memcmp(p_out, buf, n))
		return "identity apply changed bytes";

	/* real mapping */
	err = sip_alg_plan(buf, &p_msg, has_sdp ? &p_sdp : NULL, dir, props_map_fn, &fm, NULL,
			   &p_plan);
	if (err == SIP_ALG_E_TOO_MANY_ADDRS)
		return NULL;
	if (err)
		return "plan failed";
	if (!edits_sane(&p_plan, &p_msg, p_msg.msg_len))
		return "plan not sorted/disjoint, touches Call-ID, or wrong delta";
	n = sip_alg_apply(buf, p_msg.msg_len, &p_plan, p_out, sizeof(p_out));
	if (n < 0 || n != (int32_t)p_msg.msg_len + p_plan.delta)
		return "apply failed";
	if (n > SIP_ALG_MAX_MSG_LEN)
		return NULL;
	err = parse_all(p_out, (uint32_t)n, stream, &p_msg2, &p_sdp2, &has2);
	if (err)
		return "output does not parse";
	if (has_sdp != has2)
		return "output SDP does not parse";
	if (p_msg2.call_id.len != p_msg.call_id.len ||
	    memcmp(p_out + p_msg2.call_id.off, buf + p_msg.call_id.off, p_msg.call_id.len))
		return "Call-ID changed";
	if (cl_ok(&p_msg) && !cl_ok(&p_msg2))
		return "Content-Length no longer matches the body";
	if (p_msg2.n_addrs != p_msg.n_addrs || (has_sdp && p_sdp2.n_addrs != p_sdp.n_addrs))
		return "output has a different number of addresses";

	/* un-apply: the inverse mapping on the output gives the input back */
	if (!fm.collision && !fm.noncanon && cl_canonical(buf, &p_msg)) {
		im.buf = p_out;
		err = sip_alg_plan(p_out, &p_msg2, has2 ? &p_sdp2 : NULL, dir, props_map_fn, &im,
				   NULL, &p_plan2);
		if (err == SIP_ALG_E_TOO_MANY_ADDRS)
			return NULL;
		if (err)
			return "inverse plan failed";
		n2 = sip_alg_apply(p_out, (uint32_t)n, &p_plan2, p_back, sizeof(p_back));
		if (n2 != (int32_t)p_msg.msg_len || memcmp(p_back, buf, n2))
			return "un-applying the mapping does not give the input back";
	}

	/* strip a=candidate: still parses, Content-Length still right */
	if (has_sdp) {
		fm.collision = 0;
		err = sip_alg_plan(buf, &p_msg, &p_sdp, dir, props_map_fn, &fm, &strip, &p_plan);
		if (err == SIP_ALG_E_TOO_MANY_ADDRS)
			return NULL;
		if (err)
			return "strip plan failed";
		if (!edits_sane(&p_plan, &p_msg, p_msg.msg_len))
			return "strip plan not sorted/disjoint";
		n = sip_alg_apply(buf, p_msg.msg_len, &p_plan, p_out, sizeof(p_out));
		if (n < 0)
			return "strip apply failed";
		err = parse_all(p_out, (uint32_t)n, stream, &p_msg3, &p_sdp3, &has3);
		if (err)
			return "stripped output does not parse";
		if (cl_ok(&p_msg) && !cl_ok(&p_msg3))
			return "stripped Content-Length wrong";
		if (has3 && memmem(p_out + p_msg3.sdp.off, p_msg3.sdp.len, "\na=candidate", 12))
			return "a=candidate line left";
	}
	return NULL;
}

const char *props_check(const char *buf, uint32_t len, bool stream)
{
	const char *why;
	bool has_sdp;
	int d, x;

	if (parse_all(buf, len, stream, &p_msg, &p_sdp, &has_sdp))
		return NULL;
	for (d = 0; d < 2; d++) {
		for (x = 0; x < 2; x++) {
			why = one_dir(buf, stream, d ? SIP_ALG_INBOUND : SIP_ALG_OUTBOUND,
				      has_sdp, x);
			if (why)
				return why;
		}
	}
	return NULL;
}
