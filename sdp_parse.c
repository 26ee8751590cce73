// SPDX-License-Identifier: GPL-2.0
/*
 * One-pass SDP parser (RFC 8866) for what a NAT ALG needs: the origin and
 * connection addresses, the media ports, RTCP (RFC 3605), direction, rtcp-mux
 * and ICE candidates. Each line is found with sip_alg_find_lf() and
 * tokenized once; offsets are into the whole SIP message so edits can be
 * planned directly.
 * Built in the kernel and in userspace: no allocation, no recursion.
 */
#include "sdp_parse.h"

struct sdp_pctx {
	const char *b;
	struct sdp_alg_session *s;
	int cur;			/* current m= index, -1 at session level */
	u8 entry[4];			/* per SDP field, in field order */
};

/* SP or HT, the token separators of SDP lines */
static inline bool sdp_ws(char c)
{
	return sip_alg_ctab[(u8)c] & SIP_C_WS;
}

/* Next SP-separated token of b[*pp..end); false when the line has no more. */
static bool next_tok(const char *b, u32 *pp, u32 end, u32 *ts, u32 *te)
{
	u32 p = *pp;

	while (p < end && sdp_ws(b[p]))
		p++;
	if (p >= end)
		return false;
	*ts = p;
	while (p < end && !sdp_ws(b[p]))
		p++;
	*te = p;
	*pp = p;
	return true;
}

static bool tok_is(const char *b, u32 ts, u32 te, const char *lit, u32 n)
{
	return te - ts == n && !memcmp(b + ts, lit, n);
}

static bool parse_u16(const char *b, u32 s, u32 e, u32 *v)
{
	u32 x = 0, p;

	if (s >= e || e - s > 5)
		return false;
	for (p = s; p < e; p++) {
		if (!(sip_alg_ctab[(u8)b[p]] & SIP_C_DIGIT))
			return false;
		x = x * 10 + (u32)(b[p] - '0');
	}
	if (x > 65535)
		return false;
	*v = x;
	return true;
}

/*
 * The usual port token at b[p..): one to five digits, at most 65535, up to
 * SP, HT or the line end @le. False leaves the decision to the general code.
 */
static inline bool fast_port(const char *b, u32 p, u32 le, u32 *pe, u32 *v)
{
	u32 q = p, x = 0;

	while (q < le && q - p < 5 && sip_alg_digit(b[q]) <= 9)
		x = x * 10 + sip_alg_digit(b[q++]);
	if (q == p || x > 65535 || (q < le && !sdp_ws(b[q])))
		return false;
	*pe = q;
	*v = x;
	return true;
}

static struct sip_alg_addr *sdp_new_addr(struct sdp_pctx *c, u8 field)
{
	struct sdp_alg_session *s = c->s;
	struct sip_alg_addr *a;

	if (s->n_addrs >= SDP_ALG_MAX_ADDRS)
		return NULL;
	a = &s->addrs[s->n_addrs++];
	a->field = field;
	a->role = SIP_ALG_R_HOST;
	a->scheme = SIP_ALG_S_NONE;
	a->transport = SIP_ALG_T_NONE;
	a->entry = c->entry[field - SIP_ALG_F_SDP_ORIGIN];
	if (c->entry[field - SIP_ALG_F_SDP_ORIGIN] < 0xff)
		c->entry[field - SIP_ALG_F_SDP_ORIGIN]++;
	a->media = c->cur < 0 ? 0xff : (u8)c->cur;
	a->hdr = 0xffff;
	a->expires = -1;
	a->hp.host.off = 0;
	a->hp.host.len = 0;
	a->hp.port.off = 0;
	a->hp.port.len = 0;
	a->hp.port_val = 0;
	a->hp.family = 0;
	return a;
}

/*
 * "IN IP4|IP6 address" from the tokens at b[*pp..end). @slash: the address
 * may carry "/ttl/count" (c= lines). Returns the new occurrence index, -1
 * when the line names another network type (left alone), or -err.
 */
static int net_addr(struct sdp_pctx *c, u32 ns, u32 ne, u32 ts, u32 te, u32 as, u32 ae,
		    u8 field, bool slash)
{
	const char *b = c->b;
	struct sip_alg_addr *a;
	u8 want, fam;
	bool v4;
	u32 p;

	if (!tok_is(b, ns, ne, "IN", 2))
		return -1;
	if (tok_is(b, ts, te, "IP4", 3))
		want = 4;
	else if (tok_is(b, ts, te, "IP6", 3))
		want = 6;
	else
		return -1;
	a = sdp_new_addr(c, field);
	if (!a)
		return -SIP_ALG_E_TOO_MANY_ADDRS;
	if (want == 4) {
		/* the common case in one pass: a dotted quad, maybe "/ttl" after it */
		p = sip_alg_scan_ip4(b, as, ae, a->hp.addr, &v4);
		if (v4 && (p == ae || (slash && b[p] == '/'))) {
			memset(a->hp.addr + 4, 0, 12);
			a->hp.family = 4;
			a->hp.host.off = (u16)as;
			a->hp.host.len = (u16)(p - as);
			return c->s->n_addrs - 1;
		}
	}
	if (slash) {
		for (p = as; p < ae && b[p] != '/'; p++)
			;
		ae = p;
	}
	if (ae == as)
		return -SIP_ALG_E_SDP;
	a->hp.host.off = (u16)as;
	a->hp.host.len = (u16)(ae - as);
	if (sip_alg_parse_ip(b + as, ae - as, &fam, a->hp.addr)) {
		if (fam != want)
			return -SIP_ALG_E_SDP;
		a->hp.family = fam;
	} else if (field != SIP_ALG_F_SDP_ORIGIN) {
		/* a fully qualified domain name is allowed; nothing to map */
		for (p = as; p < ae; p++)
			if (!(sip_alg_ctab[(u8)b[p]] & SIP_C_HOST))
				return -SIP_ALG_E_SDP;
	}
	/*
	 * The o= address only names the session's creator: a malformed one
	 * (sipp writes IPv6 in brackets there) is left as it is rather than
	 * costing the whole message its rewrite.
	 */
	return c->s->n_addrs - 1;
}

/* How the address token of fast_ip4() may end, besides at the line end. */
enum fast_ip4_end {
	FAST_LAST,		/* nothing may follow: o= */
	FAST_TOKEN,		/* SP or HT: a=rtcp */
	FAST_SLASH,		/* SP, HT or '/' (the /ttl of multicast): c= */
};

/*
 * The usual case of the above, "IN IP4 " then a dotted quad at b[as..),
 * ending as @how allows: true with the occurrence index in *idx. False
 * leaves everything as it was, for net_addr() to decide.
 */
static bool fast_ip4(struct sdp_pctx *c, u32 as, u32 le, u8 field, int how, int *idx)
{
	const char *b = c->b;
	struct sip_alg_addr *a;
	u8 addr[4];
	bool v4;
	u32 q;

	q = sip_alg_scan_ip4(b, as, le, addr, &v4);
	if (!v4)
		return false;
	if (q < le && (how == FAST_LAST || (!sdp_ws(b[q]) && !(how == FAST_SLASH && b[q] == '/'))))
		return false;
	a = sdp_new_addr(c, field);
	if (!a)
		return false;
	memcpy(a->hp.addr, addr, 4);
	memset(a->hp.addr + 4, 0, 12);
	a->hp.family = 4;
	a->hp.host.off = (u16)as;
	a->hp.host.len = (u16)(q - as);
	*idx = c->s->n_addrs - 1;
	return true;
}

static int parse_net_addr(struct sdp_pctx *c, u32 *pp, u32 end, u8 field, bool slash)
{
	u32 ns, ne, ts, te, as, ae;
	int idx;

	if (end - *pp > 7 && !memcmp(c->b + *pp, "IN IP4 ", 7) &&
	    fast_ip4(c, *pp + 7, end, field, slash ? FAST_SLASH : FAST_TOKEN, &idx))
		return idx;
	if (!next_tok(c->b, pp, end, &ns, &ne) || !next_tok(c->b, pp, end, &ts, &te))
		return -SIP_ALG_E_SDP;
	if (!next_tok(c->b, pp, end, &as, &ae)) {
		/* "IN IP4" with no address; other network types are not ours */
		return tok_is(c->b, ns, ne, "IN", 2) ? -SIP_ALG_E_SDP : -1;
	}
	return net_addr(c, ns, ne, ts, te, as, ae, field, slash);
}

/* The token that ends at or before *pe, walking backwards; false if none. */
static bool prev_tok(const char *b, u32 start, u32 *pe, u32 *ts, u32 *te)
{
	u32 e = *pe;

	while (e > start && sdp_ws(b[e - 1]))
		e--;
	*te = e;
	while (e > start && !sdp_ws(b[e - 1]))
		e--;
	*ts = e;
	*pe = e;
	return *ts < *te;
}

/*
 * o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>:
 * the last three fields are read from the end of the line, so the session
 * id and version digits are not walked.
 */
static int parse_origin(struct sdp_pctx *c, u32 p, u32 le)
{
	u32 e = le, ns, ne, ts, te, as, ae;
	int idx;

	/*
	 * "... IN IP4 a.b.c.d": the address is the last token, at least seven
	 * bytes long; fast_ip4() rules out a separator among those seven.
	 */
	if (le - p >= 15) {
		for (as = le - 7; as > p && !sdp_ws(c->b[as - 1]); as--)
			;
		if (as - p >= 8 && !memcmp(c->b + as - 8, " IN IP4 ", 8) &&
		    fast_ip4(c, as, le, SIP_ALG_F_SDP_ORIGIN, FAST_LAST, &idx))
			return idx;
	}
	if (!prev_tok(c->b, p, &e, &as, &ae) || !prev_tok(c->b, p, &e, &ts, &te) ||
	    !prev_tok(c->b, p, &e, &ns, &ne) || e == p)
		return -SIP_ALG_E_SDP;
	return net_addr(c, ns, ne, ts, te, as, ae, SIP_ALG_F_SDP_ORIGIN, false);
}

static int parse_media(struct sdp_pctx *c, u32 p, u32 le, u16 max_media)
{
	struct sdp_alg_session *s = c->s;
	const char *b = c->b;
	struct sdp_alg_media *md;
	struct sip_alg_addr *a;
	u32 ts, te, ps, pe, v, cnt = 1;

	if (s->n_media >= max_media)
		return SIP_ALG_E_SDP_TOO_MANY_MEDIA;
	md = &s->media[s->n_media];
	md->line.off = (u16)(p - 2);
	md->line.len = (u16)(le - p + 2);
	if (!next_tok(b, &p, le, &ts, &te))
		return SIP_ALG_E_SDP;
	md->type.off = (u16)ts;
	md->type.len = (u16)(te - ts);
	while (p < le && sdp_ws(b[p]))
		p++;
	ps = p;
	if (fast_port(b, ps, le, &pe, &v)) {
		/* no "/count" */
		p = pe;
	} else {
		if (!next_tok(b, &p, le, &ps, &pe))
			return SIP_ALG_E_SDP;
		for (te = ps; te < pe && b[te] != '/'; te++)
			;
		if (!parse_u16(b, ps, te, &v))
			return SIP_ALG_E_SDP;
		if (te < pe && (!parse_u16(b, te + 1, pe, &cnt) || !cnt))
			return SIP_ALG_E_SDP;
		pe = te;
	}
	if (!next_tok(b, &p, le, &ts, &te))
		return SIP_ALG_E_SDP;
	md->proto.off = (u16)ts;
	md->proto.len = (u16)(te - ts);
	md->port = (u16)v;
	md->port_count = (u16)cnt;
	md->conn = -1;
	md->rtcp = -1;
	md->direction = s->direction;
	md->rtcp_mux = 0;
	md->n_candidates = 0;
	c->cur = s->n_media++;
	a = sdp_new_addr(c, SIP_ALG_F_SDP_MEDIA);
	if (!a)
		return SIP_ALG_E_TOO_MANY_ADDRS;
	a->hp.port.off = (u16)ps;
	a->hp.port.len = (u16)(pe - ps);
	a->hp.port_val = (u16)v;
	md->port_addr = (s16)(s->n_addrs - 1);
	return SIP_ALG_OK;
}

/* a=rtcp:port [nettype addrtype address] (RFC 3605) */
static int parse_rtcp(struct sdp_pctx *c, u32 p, u32 le)
{
	struct sdp_alg_session *s = c->s;
	const char *b = c->b;
	struct sip_alg_addr *a;
	u32 ts, te, v;
	int idx;

	if (fast_port(b, p, le, &te, &v)) {
		ts = p;
		p = te;
	} else if (!next_tok(b, &p, le, &ts, &te) || !parse_u16(b, ts, te, &v)) {
		return SIP_ALG_E_SDP;
	}
	if (p < le) {
		idx = parse_net_addr(c, &p, le, SIP_ALG_F_SDP_RTCP, false);
		if (idx < -1)
			return -idx;
		if (idx < 0) {
			/* another network type: only the port is ours */
			a = sdp_new_addr(c, SIP_ALG_F_SDP_RTCP);
			if (!a)
				return SIP_ALG_E_TOO_MANY_ADDRS;
			idx = s->n_addrs - 1;
		}
	} else {
		a = sdp_new_addr(c, SIP_ALG_F_SDP_RTCP);
		if (!a)
			return SIP_ALG_E_TOO_MANY_ADDRS;
		idx = s->n_addrs - 1;
	}
	a = &s->addrs[idx];
	a->hp.port.off = (u16)ts;
	a->hp.port.len = (u16)(te - ts);
	a->hp.port_val = (u16)v;
	if (c->cur >= 0 && s->media[c->cur].rtcp < 0)
		s->media[c->cur].rtcp = (s16)idx;
	return SIP_ALG_OK;
}

/* The attribute name at b[ns..) (up to ':' or the line end @le) is @name. */
static inline bool attr_is(const char *b, u32 ns, u32 le, const char *name, u32 n)
{
	return le - ns >= n && (ns + n == le || b[ns + n] == ':') && !memcmp(b + ns, name, n);
}

static __always_inline int parse_attr(struct sdp_pctx *c, u32 ns, u32 le)
{
	struct sdp_alg_session *s = c->s;
	struct sdp_alg_media *md;
	const char *b = c->b;
	int dir = -1;

	/* only a few attributes matter: most lines are done with on their first letter */
	if (ns >= le)
		return SIP_ALG_OK;
	md = c->cur >= 0 ? &s->media[c->cur] : NULL;
	switch (b[ns]) {
	case 'r':
		if (attr_is(b, ns, le, "rtcp", 4)) {
			if (ns + 4 < le)
				return parse_rtcp(c, ns + 5, le);
		} else if (attr_is(b, ns, le, "recvonly", 8)) {
			dir = SDP_ALG_RECVONLY;
		} else if (md && attr_is(b, ns, le, "rtcp-mux", 8)) {
			md->rtcp_mux = 1;
		}
		break;
	case 's':
		if (attr_is(b, ns, le, "sendrecv", 8))
			dir = SDP_ALG_SENDRECV;
		else if (attr_is(b, ns, le, "sendonly", 8))
			dir = SDP_ALG_SENDONLY;
		break;
	case 'i':
		if (attr_is(b, ns, le, "inactive", 8))
			dir = SDP_ALG_INACTIVE;
		break;
	case 'c':
		if (md && attr_is(b, ns, le, "candidate", 9) && md->n_candidates < 255)
			md->n_candidates++;
		break;
	}
	if (dir >= 0) {
		if (md)
			md->direction = (u8)dir;
		else
			s->direction = (u8)dir;
	}
	return SIP_ALG_OK;
}

int sdp_alg_parse(const char *buf, struct sip_alg_span sdp, u16 max_media,
		  struct sdp_alg_session *s)
{
	u32 p = sdp.off, end = (u32)sdp.off + sdp.len, nl, le, next;
	struct sdp_pctx c;
	int idx, err;

	s->origin = -1;
	s->conn = -1;
	s->direction = SDP_ALG_SENDRECV;
	s->n_media = 0;
	s->n_addrs = 0;
	s->n_lines = 0;
	c.b = buf;
	c.s = s;
	c.cur = -1;
	memset(c.entry, 0, sizeof(c.entry));
	if (!max_media || max_media > SDP_ALG_MAX_MEDIA)
		max_media = max_media ? SDP_ALG_MAX_MEDIA : SDP_ALG_DEFAULT_MAX_MEDIA;

	while (p < end) {
		nl = sip_alg_find_lf(buf, p, end);
		next = nl < end ? nl + 1 : end;
		le = (nl > p && buf[nl - 1] == '\r') ? nl - 1 : nl;
		if (le == p) {
			/* a stray empty line, typically at the end: tolerated */
			p = next;
			continue;
		}
		if (le - p < 2 || buf[p + 1] != '=' || buf[p] < 'a' || buf[p] > 'z')
			return SIP_ALG_E_SDP;
		if (!s->n_lines && buf[p] != 'v')
			return SIP_ALG_E_SDP;
		if (s->n_lines >= SDP_ALG_MAX_LINES)
			return SIP_ALG_E_SDP;
		s->lines[s->n_lines].type = (u8)buf[p];
		s->lines[s->n_lines].span.off = (u16)p;
		s->lines[s->n_lines].span.len = (u16)(next - p);
		s->n_lines++;
		switch (buf[p]) {
		case 'o':
			idx = parse_origin(&c, p + 2, le);
			if (idx < -1)
				return -idx;
			if (idx >= 0 && s->origin < 0)
				s->origin = (s16)idx;
			break;
		case 'c':
			p += 2;
			idx = parse_net_addr(&c, &p, le, SIP_ALG_F_SDP_CONN, true);
			if (idx < -1)
				return -idx;
			if (idx >= 0) {
				if (c.cur < 0 && s->conn < 0)
					s->conn = (s16)idx;
				else if (c.cur >= 0 && s->media[c.cur].conn < 0)
					s->media[c.cur].conn = (s16)idx;
			}
			break;
		case 'm':
			err = parse_media(&c, p + 2, le, max_media);
			if (err)
				return err;
			break;
		case 'a':
			err = parse_attr(&c, p + 2, le);
			if (err)
				return err;
			break;
		}
		p = next;
	}
	if (!s->n_lines)
		return SIP_ALG_E_SDP;
	return SIP_ALG_OK;
}

const struct sip_alg_addr *sdp_alg_media_conn(const struct sdp_alg_session *s, u16 media)
{
	s16 idx;

	if (media >= s->n_media)
		return NULL;
	idx = s->media[media].conn >= 0 ? s->media[media].conn : s->conn;
	return idx >= 0 ? &s->addrs[idx] : NULL;
}
