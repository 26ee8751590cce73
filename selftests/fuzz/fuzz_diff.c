// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the parsers and the planner against a reference copy
 * of themselves (git $(REF), built with ref_ names, see ref_names.h). Speed
 * work must not change behaviour: every input gives the same error code,
 * and on success the same result, field by field, the same plan and the
 * same rewritten bytes. Fields a result leaves undefined (the address bytes
 * of a host name, padding, entries past n_*) are not compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sip_rewrite.h"

int ref_sip_alg_parse(const char *buf, u32 len, bool stream, struct sip_alg_msg *msg);
int ref_sdp_alg_parse(const char *buf, struct sip_alg_span sdp, u16 max_media,
		      struct sdp_alg_session *s);
int ref_sip_alg_plan(const char *buf, const struct sip_alg_msg *msg,
		     const struct sdp_alg_session *sdp, enum sip_alg_dir dir,
		     sip_alg_map_fn map, void *ctx, const struct sip_alg_strip *strip,
		     struct sip_alg_plan *plan);
s32 ref_sip_alg_apply(const char *in, u32 in_len, const struct sip_alg_plan *plan,
		      char *out, u32 out_cap);
bool ref_sip_alg_parse_ip(const char *s, u32 len, u8 *family, u8 addr[16]);
u32 ref_sip_alg_format_ip(u8 family, const u8 addr[16], char *out);
u32 ref_sip_alg_fmt_dec(u32 v, char *out);
u32 ref_layout(int i);

#define LAYOUT_SIG(t, last) ((u32)sizeof(t) * 65536u + (u32)offsetof(t, last))

static struct sip_alg_msg m1, m2;
static struct sdp_alg_session s1, s2;
static struct sip_alg_plan p1, p2;
static char o1[2 * SIP_ALG_MAX_MSG_LEN], o2[2 * SIP_ALG_MAX_MSG_LEN];
static const char *what;

static void differ(const char *field)
{
	fprintf(stderr, "fuzz_diff: %s: %s differs from the reference\n", what, field);
	abort();
}

#define EQ(x)		do { if (a->x != b->x) differ(#x); } while (0)
#define EQSPAN(x)	do { EQ(x.off); EQ(x.len); } while (0)

static void cmp_hp(const struct sip_alg_hostport *a, const struct sip_alg_hostport *b)
{
	EQSPAN(host);
	EQSPAN(port);
	EQ(port_val);
	EQ(family);
	if (a->family == 4 && memcmp(a->addr, b->addr, 16))
		differ("hp.addr (IPv4)");
	if (a->family == 6 && memcmp(a->addr, b->addr, 16))
		differ("hp.addr (IPv6)");
}

static void cmp_addr(const struct sip_alg_addr *a, const struct sip_alg_addr *b)
{
	EQ(field);
	EQ(role);
	EQ(scheme);
	EQ(transport);
	EQ(entry);
	EQ(media);
	EQ(hdr);
	EQ(expires);
	cmp_hp(&a->hp, &b->hp);
}

static void cmp_msg(const struct sip_alg_msg *a, const struct sip_alg_msg *b)
{
	u32 i;

	EQ(kind);
	EQ(method);
	EQ(cseq_method);
	EQ(transport);
	EQ(status);
	EQSPAN(method_tok);
	EQSPAN(uri);
	EQSPAN(reason);
	EQSPAN(call_id);
	EQSPAN(from_tag);
	EQSPAN(to_tag);
	EQSPAN(branch);
	EQSPAN(cseq_method_tok);
	EQ(cseq);
	EQ(expires);
	EQ(content_length);
	EQSPAN(cl_value);
	EQSPAN(content_type);
	EQSPAN(body);
	EQSPAN(sdp);
	EQSPAN(boundary);
	EQ(present);
	EQ(hdr_end);
	EQ(msg_len);
	EQ(n_headers);
	EQ(n_addrs);
	for (i = 0; i < a->n_headers; i++) {
		EQ(headers[i].id);
		EQ(headers[i].compact);
		EQSPAN(headers[i].name);
		EQSPAN(headers[i].value);
	}
	for (i = 0; i < a->n_addrs; i++)
		cmp_addr(&a->addrs[i], &b->addrs[i]);
}

static void cmp_sdp(const struct sdp_alg_session *a, const struct sdp_alg_session *b)
{
	u32 i;

	EQ(origin);
	EQ(conn);
	EQ(direction);
	EQ(n_media);
	EQ(n_addrs);
	EQ(n_lines);
	for (i = 0; i < a->n_media; i++) {
		EQSPAN(media[i].line);
		EQSPAN(media[i].type);
		EQSPAN(media[i].proto);
		EQ(media[i].port);
		EQ(media[i].port_count);
		EQ(media[i].conn);
		EQ(media[i].rtcp);
		EQ(media[i].port_addr);
		EQ(media[i].direction);
		EQ(media[i].rtcp_mux);
		EQ(media[i].n_candidates);
	}
	for (i = 0; i < a->n_addrs; i++)
		cmp_addr(&a->addrs[i], &b->addrs[i]);
	for (i = 0; i < a->n_lines; i++) {
		EQ(lines[i].type);
		EQSPAN(lines[i].span);
	}
}

static void cmp_plan(const struct sip_alg_plan *a, const struct sip_alg_plan *b)
{
	u32 i;

	EQ(n_edits);
	EQ(delta);
	EQ(new_content_length);
	for (i = 0; i < a->n_edits; i++) {
		EQ(edits[i].off);
		EQ(edits[i].len);
		EQ(edits[i].repl_len);
		EQ(edits[i].field);
		if (memcmp(a->edits[i].repl, b->edits[i].repl, a->edits[i].repl_len))
			differ("edits[].repl");
	}
}

/*
 * A deterministic mapping with a bit of everything: some addresses are
 * left alone, IPv4 and IPv6 are moved (sometimes to the other family),
 * ports move or keep their value.
 */
static bool map(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
		const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	u32 h = *(const u8 *)ctx, i;

	for (i = 0; i < 16; i++)
		h = h * 31 + seen->addr[i];
	h = h * 31 + seen->port + occ->field + dir;
	if (h % 5 == 0)
		return false;
	*out = *seen;
	out->addr[h % 4] ^= (u8)(h >> 8);
	if (h % 7 == 0) {
		out->family = seen->family == 4 ? 6 : 4;
		out->addr[0] = 0xfd;
	}
	if (h % 3 == 0)
		out->port = (u16)(h >> 13);
	return true;
}

static void diff_plan(const char *buf, u32 len, const struct sdp_alg_session *sdp, u8 seed)
{
	static const struct sip_alg_strip strip = {
		.n = 2,
		.len = { 11, 6 },
		.prefix = { "a=candidate", "a=rtcp" },
	};
	const struct sip_alg_strip *st = seed & 1 ? &strip : NULL;
	enum sip_alg_dir dir;
	s32 n1, n2;
	int e1, e2;

	for (dir = SIP_ALG_OUTBOUND; dir <= SIP_ALG_INBOUND; dir++) {
		e1 = sip_alg_plan(buf, &m1, sdp ? &s1 : NULL, dir, map, &seed, st, &p1);
		e2 = ref_sip_alg_plan(buf, &m2, sdp ? &s2 : NULL, dir, map, &seed, st, &p2);
		what = dir == SIP_ALG_OUTBOUND ? "plan outbound" : "plan inbound";
		if (e1 != e2)
			differ("return code");
		if (e1)
			continue;
		cmp_plan(&p1, &p2);
		n1 = sip_alg_apply(buf, len, &p1, o1, sizeof(o1));
		n2 = ref_sip_alg_apply(buf, len, &p2, o2, sizeof(o2));
		if (n1 != n2 || (n1 > 0 && memcmp(o1, o2, (size_t)n1)))
			differ("applied output");
	}
}

static void diff_sip(const char *buf, u32 len, bool stream, u8 seed)
{
	int e1, e2;

	e1 = sip_alg_parse(buf, len, stream, &m1);
	e2 = ref_sip_alg_parse(buf, len, stream, &m2);
	what = stream ? "sip_alg_parse (stream)" : "sip_alg_parse";
	if (e1 != e2)
		differ("return code");
	if (e1)
		return;
	cmp_msg(&m1, &m2);
	if (m1.sdp.len) {
		e1 = sdp_alg_parse(buf, m1.sdp, seed & 2 ? 3 : 0, &s1);
		e2 = ref_sdp_alg_parse(buf, m2.sdp, seed & 2 ? 3 : 0, &s2);
		what = "sdp_alg_parse of the body";
		if (e1 != e2)
			differ("return code");
		if (!e1)
			cmp_sdp(&s1, &s2);
		diff_plan(buf, m1.msg_len, e1 ? NULL : &s1, seed);
	} else {
		diff_plan(buf, m1.msg_len, NULL, seed);
	}
}

static void diff_ip(const char *buf, u32 len)
{
	u8 f1 = 0, f2 = 0, a1[16], a2[16];
	char t1[64], t2[64];
	bool r1, r2;
	u32 n1, n2;

	what = "sip_alg_parse_ip";
	r1 = sip_alg_parse_ip(buf, len, &f1, a1);
	r2 = ref_sip_alg_parse_ip(buf, len, &f2, a2);
	if (r1 != r2)
		differ("return value");
	if (!r1)
		return;
	if (f1 != f2 || memcmp(a1, a2, 16))
		differ("address");
	n1 = sip_alg_format_ip(f1, a1, t1);
	n2 = ref_sip_alg_format_ip(f2, a2, t2);
	if (n1 != n2 || memcmp(t1, t2, n1))
		differ("formatted address");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sip_alg_span all = { 0, (u16)size };
	u8 seed = size ? data[size - 1] : 0;
	char t1[16], t2[16];
	u32 v, n1, n2;
	int e1, e2;

	if (ref_layout(0) != LAYOUT_SIG(struct sip_alg_msg, addrs) ||
	    ref_layout(1) != LAYOUT_SIG(struct sdp_alg_session, lines) ||
	    ref_layout(2) != LAYOUT_SIG(struct sip_alg_plan, edits) ||
	    ref_layout(3) != LAYOUT_SIG(struct sip_alg_addr, hp)) {
		fprintf(stderr, "fuzz_diff: the reference has another struct layout\n");
		abort();
	}
	if (size > SIP_ALG_MAX_MSG_LEN)
		return 0;
	diff_sip(buf, (u32)size, false, seed);
	diff_sip(buf, (u32)size, true, seed);

	/* the whole input as SDP, at both media caps */
	e1 = sdp_alg_parse(buf, all, seed & 2 ? SDP_ALG_MAX_MEDIA : 0, &s1);
	e2 = ref_sdp_alg_parse(buf, all, seed & 2 ? SDP_ALG_MAX_MEDIA : 0, &s2);
	what = "sdp_alg_parse of the input";
	if (e1 != e2)
		differ("return code");
	if (!e1)
		cmp_sdp(&s1, &s2);

	if (size <= 64)
		diff_ip(buf, (u32)size);
	if (size >= 4) {
		memcpy(&v, data, 4);
		what = "sip_alg_fmt_dec";
		n1 = sip_alg_fmt_dec(v, t1);
		n2 = ref_sip_alg_fmt_dec(v, t2);
		if (n1 != n2 || memcmp(t1, t2, n1))
			differ("digits");
	}
	return 0;
}
