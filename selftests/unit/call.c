// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the call core (sip_call.c): real SIP messages, parsed by
 * sip_alg_parse() and sdp_alg_parse() as the module parses them, fed to
 * sip_alg_call_init/owns/step/quiet on the flows conntrack would give.
 *
 * The bench's topology: a phone 192.168.2.128 (and a second one, .129)
 * behind a router whose public address is 172.16.2.128, a SIP server
 * 172.16.2.102, a callee's own host 172.16.2.50 (for proxies that do not
 * Record-Route) and a stranger 203.0.113.9; the same with IPv6 (NAT66).
 *
 * Every step is checked against a whole expected decision: what a test does
 * not name must be the neutral decision (no event, no end, no restart,
 * nothing opened or closed, binding kept, deadline not firm), so a second
 * END, a spurious restart or media opened by the wrong message fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "call.h"
#include "sip_call.h"

/* W() names the fields a step's expectation differs from the neutral one in. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

#define IP_P	"192.168.2.128"		/* the phone */
#define IP_B	"192.168.2.129"		/* a second phone behind the same router */
#define IP_PUB	"172.16.2.128"		/* the router's public address */
#define IP_SRV	"172.16.2.102"		/* the SIP server (proxy, registrar) */
/* the callee's UA, behind a proxy that does not Record-Route */
#define IP_CALLEE "172.16.2.50"
#define IP_X	"203.0.113.9"		/* a stranger */
#define IP6_P	"fd00:2::128"
#define IP6_PUB	"2001:db8:2::128"
#define IP6_SRV	"2001:db8:2::102"
#define IP6_X	"2001:db8:ff::9"

/* ---- messages: LF line ends, Content-Length added by parse() ---- */

#define SDP4(o, conn, port, dir) \
	"v=0\n" \
	"o=- 2890844526 2890844526 IN IP4 " o "\n" \
	"s=-\n" \
	"c=IN IP4 " conn "\n" \
	"t=0 0\n" \
	"m=audio " port " RTP/AVP 0\n" \
	"a=rtpmap:0 PCMU/8000\n" dir
#define SDP_P(dir)	SDP4(IP_P, IP_P, "49170", dir)
#define SDP_S(dir)	SDP4(IP_SRV, IP_SRV, "3456", dir)
#define SENDRECV	"a=sendrecv\n"
#define SENDONLY	"a=sendonly\n"
#define RECVONLY	"a=recvonly\n"
#define INACTIVE	"a=inactive\n"
#define CTYPE		"Content-Type: application/sdp\n"

/* The phone's call to bob@server: the phone's requests and their responses... */
#define CID	"Call-ID: 3848276298220188511@" IP_P "\n"
#define VIA_P	"Via: SIP/2.0/UDP " IP_P ":5060;branch=z9hG4bK74bf9\n"
#define FROM_P	"From: Alice <sip:alice@" IP_SRV ">;tag=9fxced76sl\n"
#define TO_S	"To: Bob <sip:bob@" IP_SRV ">\n"
#define TO_ST	"To: Bob <sip:bob@" IP_SRV ">;tag=8321234356\n"
#define CT_P	"Contact: <sip:alice@" IP_P ":5060>\n"
#define CT_S	"Contact: <sip:bob@" IP_SRV ":5060>\n"
#define REQ_P(method, cseq, to) \
	method " sip:bob@" IP_SRV ":5060 SIP/2.0\n" VIA_P "Max-Forwards: 70\n" FROM_P to CID \
	"CSeq: " cseq " " method "\n"
#define RSP_P(status, cseq, method, to) \
	"SIP/2.0 " status "\n" VIA_P FROM_P to CID "CSeq: " cseq " " method "\n"
/* ... and the far side's requests (From and To swapped) and their responses */
#define VIA_S	"Via: SIP/2.0/UDP " IP_SRV ":5060;branch=z9hG4bKnashds7\n"
#define FROM_ST	"From: Bob <sip:bob@" IP_SRV ">;tag=8321234356\n"
#define TO_PT	"To: Alice <sip:alice@" IP_SRV ">;tag=9fxced76sl\n"
#define REQ_S(method, cseq) \
	method " sip:alice@" IP_PUB ":5060 SIP/2.0\n" VIA_S "Max-Forwards: 70\n" FROM_ST TO_PT CID \
	"CSeq: " cseq " " method "\n"
#define RSP_S(status, cseq, method) \
	"SIP/2.0 " status "\n" VIA_S FROM_ST TO_PT CID "CSeq: " cseq " " method "\n"

static const char invite[] = REQ_P("INVITE", "1", TO_S) CT_P CTYPE "\n" SDP_P(SENDRECV);
static const char invite_nosdp[] = REQ_P("INVITE", "1", TO_S) CT_P "\n";
static const char trying[] = RSP_P("100 Trying", "1", "INVITE", TO_S) "\n";
static const char ringing[] = RSP_P("180 Ringing", "1", "INVITE", TO_ST) CT_S "\n";
static const char ringing_notag[] = RSP_P("180 Ringing", "1", "INVITE", TO_S) "\n";
static const char progress_sdp[] =
	RSP_P("183 Session Progress", "1", "INVITE", TO_ST) CT_S CTYPE "\n" SDP_S(SENDRECV);
static const char ok_invite[] =
	RSP_P("200 OK", "1", "INVITE", TO_ST) CT_S CTYPE "\n" SDP_S(SENDRECV);
static const char ok_invite_nosdp[] = RSP_P("200 OK", "1", "INVITE", TO_ST) CT_S "\n";
static const char ack[] = REQ_P("ACK", "1", TO_ST) "\n";
static const char ack_sdp[] = REQ_P("ACK", "1", TO_ST) CTYPE "\n" SDP_P(SENDRECV);
static const char bye_p[] = REQ_P("BYE", "2", TO_ST) "\n";
static const char ok_bye_p[] = RSP_P("200 OK", "2", "BYE", TO_ST) "\n";
static const char bye_s[] = REQ_S("BYE", "231") "\n";
static const char ok_bye_s[] = RSP_S("200 OK", "231", "BYE") "\n";
static const char cancel[] = REQ_P("CANCEL", "1", TO_S) "\n";
static const char ok_cancel[] = RSP_P("200 OK", "1", "CANCEL", TO_S) "\n";
static const char terminated[] = RSP_P("487 Request Terminated", "1", "INVITE", TO_ST) "\n";
static const char busy[] = RSP_P("486 Busy Here", "1", "INVITE", TO_ST) "\n";
static const char not_found[] = RSP_P("404 Not Found", "1", "INVITE", TO_ST) "\n";
static const char req_timeout[] = RSP_P("408 Request Timeout", "1", "INVITE", TO_ST) "\n";
static const char unavailable[] =
	RSP_P("480 Temporarily Unavailable", "1", "INVITE", TO_ST) "\n";
static const char moved[] =
	RSP_P("302 Moved Temporarily", "1", "INVITE", TO_ST)
	"Contact: <sip:bob@" IP_CALLEE ":5060>\n\n";
static const char proxy_auth[] =
	RSP_P("407 Proxy Authentication Required", "1", "INVITE", TO_ST)
	"Proxy-Authenticate: Digest realm=\"atlanta.example.com\", qop=\"auth\", "
	"nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5\n\n";
#define PROXY_AUTHZ \
	"Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\", " \
	"nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", uri=\"sip:bob@" IP_SRV "\", " \
	"response=\"42ce3cef44b22f50c6a6071bc8\"\n"
static const char invite2[] = REQ_P("INVITE", "2", TO_S) CT_P PROXY_AUTHZ CTYPE "\n"
	SDP_P(SENDRECV);
static const char unauthorized2[] =
	RSP_P("401 Unauthorized", "2", "INVITE", TO_ST)
	"WWW-Authenticate: Digest realm=\"biloxi.example.com\", qop=\"auth\", "
	"nonce=\"1cec4341ae6cbe5a359ea9c8e88df84f\", opaque=\"\", stale=FALSE, algorithm=MD5\n\n";
static const char ack2[] = REQ_P("ACK", "2", TO_ST) "\n";
static const char invite3[] = REQ_P("INVITE", "3", TO_S) CT_P PROXY_AUTHZ
	"Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", "
	"nonce=\"1cec4341ae6cbe5a359ea9c8e88df84f\", uri=\"sip:bob@" IP_SRV "\", "
	"response=\"71ba27c64bd01de719686aa4590d5824\"\n" CTYPE "\n" SDP_P(SENDRECV);
static const char ok_invite3[] =
	RSP_P("200 OK", "3", "INVITE", TO_ST) CT_S CTYPE "\n" SDP_S(SENDRECV);

/* re-INVITEs: hold and resume from either side */
static const char hold_p[] = REQ_P("INVITE", "4", TO_ST) CT_P CTYPE "\n" SDP_P(SENDONLY);
static const char hold_p_ok[] =
	RSP_P("200 OK", "4", "INVITE", TO_ST) CT_S CTYPE "\n" SDP_S(RECVONLY);
static const char hold0_p[] = REQ_P("INVITE", "4", TO_ST) CT_P CTYPE "\n"
	SDP4(IP_P, "0.0.0.0", "49170", "");
static const char inactive_p[] = REQ_P("INVITE", "4", TO_ST) CT_P CTYPE "\n"
	SDP_P(INACTIVE);
static const char resume_p[] = REQ_P("INVITE", "5", TO_ST) CT_P CTYPE "\n" SDP_P(SENDRECV);
static const char recvonly_p[] = REQ_P("INVITE", "5", TO_ST) CT_P CTYPE "\n"
	SDP_P(RECVONLY);
static const char nostream_p[] = REQ_P("INVITE", "6", TO_ST) CT_P CTYPE "\n"
	SDP4(IP_P, IP_P, "0", SENDONLY);
static const char hold_s[] = REQ_S("INVITE", "232") CT_S CTYPE "\n" SDP_S(SENDONLY);
static const char hold_s_ok[] =
	RSP_S("200 OK", "232", "INVITE") CT_P CTYPE "\n" SDP_P(RECVONLY);
static const char resume_s[] = REQ_S("INVITE", "233") CT_S CTYPE "\n" SDP_S(SENDRECV);

/* other methods, with SDP */
static const char update_sdp[] = REQ_P("UPDATE", "7", TO_ST) CT_P CTYPE "\n" SDP_P(SENDRECV);
static const char ok_update_sdp[] =
	RSP_P("200 OK", "7", "UPDATE", TO_ST) CT_S CTYPE "\n" SDP_S(SENDRECV);
static const char prack_sdp[] = REQ_P("PRACK", "8", TO_ST) "RAck: 1 1 INVITE\n" CTYPE "\n"
	SDP_P(SENDRECV);
static const char ok_prack_sdp[] =
	RSP_P("200 OK", "8", "PRACK", TO_ST) CTYPE "\n" SDP_S(SENDRECV);
static const char options_sdp[] = REQ_P("OPTIONS", "9", TO_ST) CT_P CTYPE "\n"
	SDP_P(SENDRECV);
static const char ok_options_sdp[] =
	RSP_P("200 OK", "9", "OPTIONS", TO_ST) CT_S CTYPE "\n" SDP_S(SENDRECV);
static const char message_sdp[] = REQ_P("MESSAGE", "10", TO_ST) CTYPE "\n" SDP_P(SENDRECV);
static const char notify_sdp[] = REQ_S("NOTIFY", "234") "Event: dialog\n" CTYPE "\n"
	SDP_S(SENDRECV);
static const char info_sdp[] = REQ_P("INFO", "11", TO_ST) CTYPE "\n" SDP_P(SENDRECV);
static const char busy_sdp[] =
	RSP_P("486 Busy Here", "1", "INVITE", TO_ST) CTYPE "\n" SDP_S(SENDRECV);
static const char bye_sdp[] = REQ_P("BYE", "2", TO_ST) CTYPE "\n" SDP_P(SENDRECV);

/* A proxy that does not Record-Route: the callee's requests come from its Contact. */
static const char ok_invite_callee[] =
	RSP_P("200 OK", "1", "INVITE", TO_ST) "Contact: <sip:bob@" IP_CALLEE ":5060>\n" CTYPE "\n"
	SDP4(IP_CALLEE, IP_CALLEE, "3456", SENDRECV);
static const char bye_callee[] =
	"BYE sip:alice@" IP_PUB ":5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP " IP_CALLEE ":5060;branch=z9hG4bKbye1\n"
	"Max-Forwards: 70\n" FROM_ST TO_PT CID "CSeq: 231 BYE\n\n";
static const char bye_to_callee[] =
	"BYE sip:bob@" IP_CALLEE ":5060 SIP/2.0\n" VIA_P "Max-Forwards: 70\n" FROM_P TO_ST CID
	"CSeq: 2 BYE\n\n";
/* 3665 3.6: redirected; the new INVITE (same Call-ID) has no SDP, the ACK has it. */
static const char invite_redirected[] =
	"INVITE sip:bob@" IP_CALLEE ":5060 SIP/2.0\n" VIA_P "Max-Forwards: 70\n" FROM_P TO_S CID
	"CSeq: 2 INVITE\n" CT_P "\n";
static const char ok_redirected[] =
	RSP_P("200 OK", "2", "INVITE", TO_ST) "Contact: <sip:bob@" IP_CALLEE ":5060>\n" CTYPE "\n"
	SDP4(IP_CALLEE, IP_CALLEE, "3456", SENDRECV);
static const char ack_redirected[] =
	"ACK sip:bob@" IP_CALLEE ":5060 SIP/2.0\n" VIA_P "Max-Forwards: 70\n" FROM_P TO_ST CID
	"CSeq: 2 ACK\n" CTYPE "\n" SDP_P(SENDRECV);
/* A Contact of the wrong family is not learned. */
static const char ok_invite_v6contact[] =
	RSP_P("200 OK", "1", "INVITE", TO_ST) "Contact: <sip:bob@[" IP6_X "]:5060>\n" CTYPE "\n"
	SDP_S(SENDRECV);

/* The second phone, which happened to pick the same Call-ID. */
#define VIA_B	"Via: SIP/2.0/UDP " IP_B ":5060;branch=z9hG4bKb0b0\n"
#define FROM_B	"From: Carol <sip:carol@" IP_SRV ">;tag=b0b0b0b0\n"
static const char invite_b[] =
	"INVITE sip:bob@" IP_SRV ":5060 SIP/2.0\n" VIA_B "Max-Forwards: 70\n" FROM_B TO_S CID
	"CSeq: 1 INVITE\nContact: <sip:carol@" IP_B ":5060>\n" CTYPE "\n"
	SDP4(IP_B, IP_B, "40000", SENDRECV);

/* Registration (RFC 3665 section 2) of bob at the server, from the phone. */
#define RCID	"Call-ID: 843817637684230@" IP_P "\n"
#define RVIA	"Via: SIP/2.0/UDP " IP_P ":5060;branch=z9hG4bKnashds7\n"
#define RFROM	"From: Bob <sip:bob@" IP_SRV ">;tag=a73kszlfl\n"
#define RTO	"To: Bob <sip:bob@" IP_SRV ">\n"
#define RTOT	"To: Bob <sip:bob@" IP_SRV ">;tag=37GkEhwl6\n"
#define REG(cseq) \
	"REGISTER sip:" IP_SRV " SIP/2.0\n" RVIA "Max-Forwards: 70\n" RFROM RTO RCID \
	"CSeq: " cseq " REGISTER\n"
#define REG_RSP(status, cseq) \
	"SIP/2.0 " status "\n" RVIA RFROM RTOT RCID "CSeq: " cseq " REGISTER\n"

static const char reg[] = REG("1") "Contact: <sip:bob@" IP_P ">\nExpires: 7200\n\n";
static const char reg_401[] = REG_RSP("401 Unauthorized", "1")
	"WWW-Authenticate: Digest realm=\"biloxi.example.com\", "
	"nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\"\n\n";
static const char reg2[] = REG("2") "Contact: <sip:bob@" IP_P ">\nExpires: 7200\n"
	"Authorization: Digest username=\"bob\", realm=\"biloxi.example.com\", "
	"nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", uri=\"sip:" IP_SRV "\", "
	"response=\"dfe56131d1958046689d83306477ecc\"\n\n";
static const char reg_ok_7200[] = REG_RSP("200 OK", "2")
	"Contact: <sip:bob@" IP_PUB ">;expires=7200\n\n";
static const char reg_ok_60[] = REG_RSP("200 OK", "2")
	"Contact: <sip:bob@" IP_PUB ">;expires=60\n\n";
static const char reg_ok_hdr[] = REG_RSP("200 OK", "2") "Contact: <sip:bob@" IP_PUB ">\n"
	"Expires: 120\n\n";
static const char reg_ok_none[] = REG_RSP("200 OK", "2") "Contact: <sip:bob@" IP_PUB ">\n\n";
static const char reg_ok_private[] = REG_RSP("200 OK", "2")
	"Contact: <sip:bob@" IP_P ":5060>;expires=90\n\n";
static const char reg_ok_two[] = REG_RSP("200 OK", "2")
	"Contact: <sip:bob@" IP_B ">;expires=300, <sip:bob@" IP_PUB ">;expires=60\n\n";
static const char reg_ok_other[] = REG_RSP("200 OK", "2")
	"Contact: <sip:bob@" IP_B ">;expires=300\n\n";
static const char unreg[] = REG("3") "Contact: *\nExpires: 0\n\n";
static const char unreg_contact[] = REG("3") "Contact: <sip:bob@" IP_P ">;expires=0\n\n";
static const char unreg_ok[] = REG_RSP("200 OK", "3") "\n";
static const char unreg_ok_listed[] = REG_RSP("200 OK", "3")
	"Contact: <sip:bob@" IP_PUB ">;expires=0\n\n";
static const char query[] = REG("4") "\n";
static const char query_ok_none[] = REG_RSP("200 OK", "4") "\n";
static const char query_ok_ours[] = REG_RSP("200 OK", "4")
	"Contact: <sip:bob@" IP_PUB ">;expires=3000\n\n";
static const char rereg[] = REG("5") "Contact: <sip:bob@" IP_P ">\nExpires: 60\n\n";
static const char rereg_ok[] = REG_RSP("200 OK", "5")
	"Contact: <sip:bob@" IP_PUB ">;expires=60\n\n";

/* IPv6: the same call through NAT66. */
#define SDP6(a, dir) \
	"v=0\no=- 1 1 IN IP6 " a "\ns=-\nc=IN IP6 " a "\nt=0 0\nm=audio 49170 RTP/AVP 0\n" dir
#define CID6	"Call-ID: 6f1c2e@[" IP6_P "]\n"
#define VIA6_P	"Via: SIP/2.0/UDP [" IP6_P "]:5060;branch=z9hG4bK6a\n"
#define FROM6_P	"From: <sip:alice@[" IP6_SRV "]>;tag=6a6a\n"
#define TO6_S	"To: <sip:bob@[" IP6_SRV "]>\n"
#define TO6_ST	"To: <sip:bob@[" IP6_SRV "]>;tag=6b6b\n"
static const char invite6[] =
	"INVITE sip:bob@[" IP6_SRV "] SIP/2.0\n" VIA6_P "Max-Forwards: 70\n" FROM6_P TO6_S CID6
	"CSeq: 1 INVITE\nContact: <sip:alice@[" IP6_P "]:5060>\n" CTYPE "\n"
	SDP6(IP6_P, SENDRECV);
static const char ringing6[] = "SIP/2.0 180 Ringing\n" VIA6_P FROM6_P TO6_ST CID6
	"CSeq: 1 INVITE\nContact: <sip:bob@[" IP6_SRV "]:5060>\n\n";
static const char ok6[] = "SIP/2.0 200 OK\n" VIA6_P FROM6_P TO6_ST CID6
	"CSeq: 1 INVITE\nContact: <sip:bob@[" IP6_SRV "]:5060>\n" CTYPE "\n"
	SDP6(IP6_SRV, SENDRECV);
static const char ok6_v4contact[] = "SIP/2.0 200 OK\n" VIA6_P FROM6_P TO6_ST CID6
	"CSeq: 1 INVITE\nContact: <sip:bob@" IP_X ":5060>\n\n";
static const char ack6[] = "ACK sip:bob@[" IP6_SRV "]:5060 SIP/2.0\n" VIA6_P "Max-Forwards: 70\n"
	FROM6_P TO6_ST CID6 "CSeq: 1 ACK\n\n";
static const char bye6_s[] = "BYE sip:alice@[" IP6_PUB "]:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP [" IP6_SRV "]:5060;branch=z9hG4bK6c\nMax-Forwards: 70\n"
	"From: <sip:bob@[" IP6_SRV "]>;tag=6b6b\nTo: <sip:alice@[" IP6_SRV "]>;tag=6a6a\n" CID6
	"CSeq: 1 BYE\n\n";

/* ---- parsing ---- */

static struct sip_alg_msg m;
static struct sdp_alg_session sd;
static char *cur;		/* the message, in a heap buffer of its exact size (ASan) */

/*
 * LF -> CRLF, a Content-Length header for what follows the first empty
 * line; parse it, and its SDP when it has some. NULL when it does not
 * parse (a broken test message: reported, never silently skipped).
 */
static const struct sdp_alg_session *parse(const char *t)
{
	static char buf[16384];
	const char *body = strstr(t, "\n\n");
	size_t hl = body ? (size_t)(body - t) + 1 : strlen(t), n = 0, blen = 0, i;
	char bb[8192];
	int err;

	if (body) {
		for (body += 2; *body; body++) {
			if (*body == '\n')
				bb[blen++] = '\r';
			bb[blen++] = *body;
		}
	}
	for (i = 0; i < hl; i++) {
		if (t[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = t[i];
	}
	n += (size_t)sprintf(buf + n, "Content-Length: %zu\r\n\r\n", blen);
	memcpy(buf + n, bb, blen);
	n += blen;
	free(cur);
	cur = malloc(n);
	if (!cur)
		abort();
	memcpy(cur, buf, n);
	err = sip_alg_parse(cur, (u32)n, false, &m);
	if (err) {
		ok(0, "test message parses: %s\n%.*s", sip_alg_strerror(err), (int)n, cur);
		return NULL;
	}
	if (!m.sdp.len)
		return &sd;	/* "parsed, no SDP"; step() passes NULL */
	err = sdp_alg_parse(cur, m.sdp, SDP_ALG_DEFAULT_MAX_MEDIA, &sd);
	if (err) {
		ok(0, "test SDP parses: %s", sip_alg_strerror(err));
		return NULL;
	}
	return &sd;
}

/* ---- flows ---- */

static void ip(const char *s, u8 *family, u8 a[16])
{
	memset(a, 0, 16);
	if (!sip_alg_parse_ip(s, (u32)strlen(s), family, a))
		abort();
}

/* The flow of a message: its direction's tuple, the other direction's tuple. */
static struct sip_alg_flow mkflow(u8 side, const char *src, const char *dst, const char *rsrc,
				  const char *rdst)
{
	struct sip_alg_flow f;

	memset(&f, 0, sizeof(f));
	f.side = side;
	ip(src, &f.family, f.src);
	ip(dst, &f.family, f.dst);
	ip(rsrc, &f.family, f.reply_src);
	ip(rdst, &f.family, f.reply_dst);
	return f;
}

/*
 * The phone's signalling conntrack (phone -> server, SNAT to the public
 * address): f_out carries the phone's messages, f_in the server's. Then
 * the callee's direct requests to the public address (DNAT to the phone)
 * and the phone's to the callee, the server calling the phone, a stranger
 * sending to the public address (forwarded to the phone, or to the router
 * itself), and the second phone's conntrack to the server.
 */
static struct sip_alg_flow f_out, f_in, f_callee_in, f_to_callee, f_to_callee_r, f_srv_in,
	f_srv_in_r, f_x_dnat, f_x_router, f_b_out, f_b_in, f6_out, f6_in, f6_x;

static void flows(void)
{
	f_out = mkflow(0, IP_P, IP_SRV, IP_SRV, IP_PUB);
	f_in = mkflow(1, IP_SRV, IP_PUB, IP_P, IP_SRV);
	f_callee_in = mkflow(0, IP_CALLEE, IP_PUB, IP_P, IP_CALLEE);
	f_to_callee = mkflow(0, IP_P, IP_CALLEE, IP_CALLEE, IP_PUB);
	f_to_callee_r = mkflow(1, IP_CALLEE, IP_PUB, IP_P, IP_CALLEE);
	f_srv_in = mkflow(0, IP_SRV, IP_PUB, IP_P, IP_SRV);
	f_srv_in_r = mkflow(1, IP_P, IP_SRV, IP_SRV, IP_PUB);
	f_x_dnat = mkflow(0, IP_X, IP_PUB, IP_P, IP_X);
	f_x_router = mkflow(0, IP_X, IP_PUB, IP_PUB, IP_X);
	f_b_out = mkflow(0, IP_B, IP_SRV, IP_SRV, IP_PUB);
	f_b_in = mkflow(1, IP_SRV, IP_PUB, IP_B, IP_SRV);
	f6_out = mkflow(0, IP6_P, IP6_SRV, IP6_SRV, IP6_PUB);
	f6_in = mkflow(1, IP6_SRV, IP6_PUB, IP6_P, IP6_SRV);
	f6_x = mkflow(0, IP6_X, IP6_PUB, IP6_P, IP6_X);
}

/* ---- expectations ---- */

static struct sip_alg_call_settings set;
static struct sip_alg_call_decision d;

static void settings(u32 sip_timeout, bool observe)
{
	set.sip_timeout = sip_timeout;
	set.grace = 5;
	set.observe = observe;
}

#define ANY	(-99)
#define NONE	SIP_ALG_CALL_NONE
#define EARLY	SIP_ALG_CALL_STATE_EARLY
#define CONFIRMED SIP_ALG_CALL_STATE_CONFIRMED
#define REGISTERED SIP_ALG_CALL_STATE_REGISTERED
#define ENDING	SIP_ALG_CALL_STATE_ENDING
#define EV_ANSWER SIP_ALG_EVENT_TYPE_CALL_ANSWER
#define EV_HOLD	SIP_ALG_EVENT_TYPE_CALL_HOLD
#define EV_RESUME SIP_ALG_EVENT_TYPE_CALL_RESUME
#define EV_END	SIP_ALG_EVENT_TYPE_CALL_END
#define KEEP	SIP_ALG_BINDING_KEEP
#define REFRESH	SIP_ALG_BINDING_REFRESH
#define REMOVE	SIP_ALG_BINDING_REMOVE

/* A decision and the call's state after it; ANY: not looked at. */
struct want {
	int state, event, end, open, close, restart, binding, deadline, firm, expires;
	int answered, on_hold, n_hosts;
};

/* Everything not named is the neutral decision. */
#define W(...) ((struct want){ .state = ANY, .event = NONE, .end = NONE, .open = 0, .close = 0, \
	.restart = 0, .binding = KEEP, .deadline = ANY, .firm = 0, .expires = ANY, \
	.answered = ANY, .on_hold = ANY, .n_hosts = ANY, __VA_ARGS__ })
/* Only what is named. */
#define ONLY(...) ((struct want){ .state = ANY, .event = ANY, .end = ANY, .open = ANY, \
	.close = ANY, .restart = ANY, .binding = ANY, .deadline = ANY, .firm = ANY, \
	.expires = ANY, .answered = ANY, .on_hold = ANY, .n_hosts = ANY, __VA_ARGS__ })

static void expect(const char *what, const struct sip_alg_call *c, struct want w)
{
	char why[640];
	int n = 0;

#define CMP(name, got) do { \
	if (w.name != ANY && (int)(got) != w.name) \
		n += snprintf(why + n, sizeof(why) - (size_t)n, " %s=%d (want %d)", #name, \
			      (int)(got), w.name); \
	} while (0)
	why[0] = 0;
	CMP(state, c->state);
	CMP(event, d.event);
	CMP(end, d.end);
	CMP(open, d.open_media);
	CMP(close, d.close_waiting);
	CMP(restart, d.restart);
	CMP(binding, d.binding);
	CMP(deadline, d.deadline);
	CMP(firm, d.firm);
	CMP(expires, d.expires);
	CMP(answered, c->answered);
	CMP(on_hold, c->on_hold);
	CMP(n_hosts, c->n_hosts);
#undef CMP
	ok(!n, "%s%s", what, why);
}

/* One message @t of call @c, on flow @f. */
static void step(const char *what, struct sip_alg_call *c, const char *t,
		 const struct sip_alg_flow *f, struct want w)
{
	if (!parse(t))
		return;
	sip_alg_call_step(c, &m, m.sdp.len ? &sd : NULL, f, &set, &d);
	expect(what, c, w);
}

/* A new call for @t, which must start one, on @f; then its first step. */
static void start(const char *what, struct sip_alg_call *c, const char *t,
		  const struct sip_alg_flow *f, struct want w)
{
	memset(c, 0xa5, sizeof(*c));	/* init must set every byte the core reads */
	if (!parse(t))
		return;
	if (!sip_alg_call_starts(&m)) {
		ok(0, "%s: starts a call", what);
		return;
	}
	sip_alg_call_init(c, &m, f);
	step(what, c, t, f, w);
}

/*
 * @t again, right after it was stepped: a retransmission changes nothing
 * (same call bytes), reports nothing and restarts nothing; it opens the
 * same media again (the pinholes are the same), and renews the same binding
 * for the same time or leaves it (never the other way round). A firm
 * deadline may only be given again as it was: a retransmitted BYE must not
 * push the end of the grace.
 */
static void retransmit(const char *what, struct sip_alg_call *c, const char *t,
		       const struct sip_alg_flow *f)
{
	struct sip_alg_call before = *c;
	struct sip_alg_call_decision first = d;

	if (!parse(t))
		return;
	sip_alg_call_step(c, &m, m.sdp.len ? &sd : NULL, f, &set, &d);
	ok(!memcmp(&before, c, sizeof(before)) && d.event == NONE && d.end == NONE &&
	   !d.restart && d.open_media == first.open_media &&
	   (d.binding == KEEP || d.binding == first.binding) &&
	   (d.binding != REFRESH || d.expires == first.expires) &&
	   (!d.firm || (first.firm && d.deadline == first.deadline)),
	   "%s: retransmitted, the same (event %d end %d restart %d open %d/%d binding %d/%d)",
	   what, d.event, d.end, d.restart, d.open_media, first.open_media, d.binding,
	   first.binding);
}

static void quiet(const char *what, struct sip_alg_call *c, bool media, struct want w)
{
	sip_alg_call_quiet(c, media, &set, &d);
	expect(what, c, w);
}

/* An answered call: INVITE, 200, ACK on the phone's conntrack. */
static void confirmed(struct sip_alg_call *c)
{
	start("confirmed: INVITE", c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("confirmed: 200", c, ok_invite, &f_in, W(.state = CONFIRMED, .event = EV_ANSWER,
						     .open = 1));
	step("confirmed: ACK", c, ack, &f_out, W(.state = CONFIRMED));
}

/* ---- tests ---- */

static void test_call_starts(void)
{
	static const struct {
		const char *name, *t;
		bool starts;
	} t[] = {
		{ "INVITE", invite, true },
		{ "INVITE without SDP", invite_nosdp, true },
		{ "INVITE after a challenge", invite2, true },
		{ "re-INVITE (to-tag)", hold_p, false },
		{ "100", trying, false },
		{ "180", ringing, false },
		{ "200 INVITE", ok_invite, false },
		{ "ACK", ack, false },
		{ "BYE", bye_p, false },
		{ "CANCEL", cancel, false },
		{ "486", busy, false },
		{ "REGISTER", reg, false },
		{ "401 REGISTER", reg_401, false },
		{ "200 REGISTER", reg_ok_60, true },
		{ "200 REGISTER without Contact", unreg_ok, true },
		{ "OPTIONS with SDP", options_sdp, false },
		{ "200 OPTIONS with SDP", ok_options_sdp, false },
		{ "MESSAGE with SDP", message_sdp, false },
		{ "NOTIFY with SDP", notify_sdp, false },
		{ "UPDATE with SDP", update_sdp, false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (parse(t[i].t))
			ok(sip_alg_call_starts(&m) == t[i].starts, "call starts: %s: %d", t[i].name,
			   t[i].starts);
	}
}

static void test_call_init(void)
{
	struct sip_alg_call c, c6;

	settings(3600, false);
	start("init: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1, .deadline = 32,
						      .answered = 0, .on_hold = 0, .n_hosts = 3));
	ok(c.kind == SIP_ALG_CALL_INVITE && c.family == 4 && !c.unregistering,
	   "init: an INVITE call, IPv4");
	ok(sip_alg_call_owns(&c, &f_out) && sip_alg_call_owns(&c, &f_in),
	   "init: owns both directions of its conntrack");
	ok(!sip_alg_call_owns(&c, &f_x_dnat) && !sip_alg_call_owns(&c, &f_x_router),
	   "init: a stranger's flow to the public address is not its own");
	ok(!sip_alg_call_owns(&c, &f_callee_in) && !sip_alg_call_owns(&c, &f_to_callee),
	   "init: a host nobody named is not its own");
	ok(!sip_alg_call_owns(&c, &f_b_out), "init: the other phone's flow is not its own");
	ok(!sip_alg_call_owns(&c, &f6_out) && !sip_alg_call_owns(&c, &f6_in),
	   "init: an IPv6 flow is not an IPv4 call's");
	{
		/* 192.168.2.128 and 172.16.2.102 in their first four bytes */
		struct sip_alg_flow f = mkflow(0, "c0a8:280::", "ac10:266::", "ac10:266::",
					       "ac10:280::");

		ok(!sip_alg_call_owns(&c, &f),
		   "init: an IPv6 flow that starts with the call's IPv4 bytes is not its own");
	}

	start("init: incoming INVITE", &c, invite, &f_srv_in,
	      W(.state = EARLY, .open = 1, .deadline = 32, .n_hosts = 3));
	ok(sip_alg_call_owns(&c, &f_srv_in) && sip_alg_call_owns(&c, &f_srv_in_r) &&
	   sip_alg_call_owns(&c, &f_out),
	   "init: an incoming call owns its conntrack (translated both ways)");

	start("init: 200 REGISTER", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 60, .deadline = 60, .firm = 1));
	ok(c.kind == SIP_ALG_CALL_REGISTER, "init: a 200 REGISTER makes a binding");

	start("init: IPv6 INVITE", &c6, invite6, &f6_out,
	      W(.state = EARLY, .open = 1, .deadline = 32, .n_hosts = 3));
	ok(c6.family == 6 && sip_alg_call_owns(&c6, &f6_out) && sip_alg_call_owns(&c6, &f6_in) &&
	   !sip_alg_call_owns(&c6, &f_out) && !sip_alg_call_owns(&c6, &f6_x),
	   "init: IPv6: owns its flows, not an IPv4 one nor a stranger's");
}

/* RFC 3665 3.1, through the server (so with a 100 Trying), BYE from the callee. */
static void test_call_3665_3_1(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("3665 3.1: INVITE", &c, invite, &f_out,
	      W(.state = EARLY, .open = 1, .deadline = 32, .answered = 0));
	retransmit("3665 3.1: INVITE", &c, invite, &f_out);
	step("3665 3.1: 100", &c, trying, &f_in, W(.state = EARLY, .deadline = 32, .answered = 0));
	step("3665 3.1: 180", &c, ringing, &f_in,
	     W(.state = EARLY, .deadline = 3600, .answered = 1));
	retransmit("3665 3.1: 180", &c, ringing, &f_in);
	step("3665 3.1: 200", &c, ok_invite, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .deadline = 3600));
	retransmit("3665 3.1: 200", &c, ok_invite, &f_in);
	step("3665 3.1: ACK", &c, ack, &f_out, W(.state = CONFIRMED, .deadline = 3600));
	step("3665 3.1: BYE", &c, bye_s, &f_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));
	retransmit("3665 3.1: BYE", &c, bye_s, &f_in);
	step("3665 3.1: 200 BYE", &c, ok_bye_s, &f_out, W(.state = ENDING, .deadline = 0));
	quiet("3665 3.1: grace over", &c, true,
	      W(.state = ENDING, .end = SIP_ALG_END_REASON_EXPIRED, .close = 0));

	/* The caller hangs up instead. */
	confirmed(&c);
	step("3665 3.1: BYE from the caller", &c, bye_p, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));
	step("3665 3.1: its 200", &c, ok_bye_p, &f_in, W(.state = ENDING, .deadline = 0));

	/* grace 0: the pinholes go at once, still a firm deadline */
	confirmed(&c);
	set.grace = 0;
	step("3665 3.1: BYE, grace 0", &c, bye_p, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 0, .firm = 1));
}

/*
 * A proxy that does not Record-Route (RFC 3261 16.6): the callee's Contact
 * in the 200 is where its requests come from and where the caller's go.
 */
static void test_call_no_record_route(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("no Record-Route: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("no Record-Route: 180", &c, ringing, &f_in, W(.state = EARLY, .n_hosts = 3));
	ok(!sip_alg_call_owns(&c, &f_callee_in), "no Record-Route: the callee is no host yet");
	step("no Record-Route: 200, Contact the callee", &c, ok_invite_callee, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .n_hosts = 4));
	ok(sip_alg_call_owns(&c, &f_callee_in) && sip_alg_call_owns(&c, &f_to_callee) &&
	   sip_alg_call_owns(&c, &f_to_callee_r),
	   "no Record-Route: the callee's Contact is the call's");
	ok(!sip_alg_call_owns(&c, &f_x_dnat) && !sip_alg_call_owns(&c, &f_x_router),
	   "no Record-Route: a stranger still is not");
	step("no Record-Route: ACK to the callee", &c, ack, &f_to_callee, W(.state = CONFIRMED));
	step("no Record-Route: BYE from the callee", &c, bye_callee, &f_callee_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));

	start("no Record-Route: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("no Record-Route: 200", &c, ok_invite_callee, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1));
	step("no Record-Route: BYE to the callee", &c, bye_to_callee, &f_to_callee,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));

	/* What is not learned: another family's Contact, 0.0.0.0, past the cap. */
	start("learn: INVITE", &c, invite, &f_out, W(.open = 1, .n_hosts = 3));
	step("learn: IPv6 Contact in an IPv4 call", &c, ok_invite_v6contact, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .n_hosts = 3));
	start("learn: INVITE", &c, invite, &f_out, W(.open = 1, .n_hosts = 3));
	step("learn: Contact 0.0.0.0", &c,
	     RSP_P("180 Ringing", "1", "INVITE", TO_ST) "Contact: <sip:bob@0.0.0.0:5060>\n\n",
	     &f_in, W(.state = EARLY, .n_hosts = 3));
	step("learn: Via, From, To, Record-Route and SDP name no host", &c,
	     "SIP/2.0 180 Ringing\n"
	     "Via: SIP/2.0/UDP 10.9.9.1:5060;branch=z9hG4bKa;received=10.9.9.2\n" VIA_P
	     "Record-Route: <sip:10.9.9.3;lr>\nFrom: <sip:alice@10.9.9.4>;tag=9fxced76sl\n"
	     "To: <sip:bob@10.9.9.5>;tag=8321234356\n" CID "CSeq: 1 INVITE\n" CTYPE "\n"
	     SDP4("10.9.9.6", "10.9.9.7", "3456", SENDRECV),
	     &f_in, W(.state = EARLY, .open = 1, .n_hosts = 3));
	step("learn: five Contacts, three fit", &c,
	     RSP_P("180 Ringing", "1", "INVITE", TO_ST)
	     "Contact: <sip:a@10.0.0.1>, <sip:b@10.0.0.2>\nContact: <sip:c@10.0.0.3>\n"
	     "Contact: <sip:d@10.0.0.4>, <sip:e@10.0.0.5>\n\n",
	     &f_in, W(.state = EARLY, .n_hosts = SIP_ALG_CALL_HOSTS));
	{
		struct sip_alg_flow f3 = mkflow(0, "10.0.0.3", IP_PUB, IP_P, "10.0.0.3");
		struct sip_alg_flow f4 = mkflow(0, "10.0.0.4", IP_PUB, IP_P, "10.0.0.4");

		ok(sip_alg_call_owns(&c, &f3) && !sip_alg_call_owns(&c, &f4),
		   "learn: the Contacts that fit are the call's, the rest are not");
	}
}

/*
 * RFC 3665 3.6: a redirect (302: END, rejected), a new INVITE with the same
 * Call-ID to the Contact it named (a restart), offer in the 200, answer in
 * the ACK.
 */
static void test_call_3665_3_6(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("3665 3.6: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("3665 3.6: 302", &c, moved, &f_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_REJECTED, .close = 1,
	       .deadline = 5, .firm = 1, .n_hosts = 4));
	step("3665 3.6: ACK", &c, ack, &f_out, W(.state = ENDING, .deadline = 0));
	ok(sip_alg_call_owns(&c, &f_to_callee), "3665 3.6: the new target is the call's");
	step("3665 3.6: INVITE to the new target, no SDP", &c, invite_redirected, &f_to_callee,
	     W(.state = EARLY, .restart = 1, .open = 0, .deadline = 32, .answered = 0));
	step("3665 3.6: 200 with the offer", &c, ok_redirected, &f_to_callee_r,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .deadline = 3600));
	step("3665 3.6: ACK with the answer", &c, ack_redirected, &f_to_callee,
	     W(.state = CONFIRMED, .open = 1, .deadline = 3600));
}

/* RFC 3665 3.2 and 3.3: challenged (407, then 401), each time a new INVITE. */
static void test_call_3665_auth(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("3665 3.3: INVITE", &c, invite, &f_out,
	      W(.state = EARLY, .open = 1, .deadline = 32, .answered = 0));
	step("3665 3.3: 407", &c, proxy_auth, &f_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_REJECTED, .close = 1,
	       .deadline = 5, .firm = 1, .answered = 1));
	step("3665 3.3: ACK", &c, ack, &f_out, W(.state = ENDING, .deadline = 0));
	step("3665 3.3: INVITE with credentials", &c, invite2, &f_out,
	     W(.state = EARLY, .restart = 1, .open = 1, .deadline = 32, .answered = 0));
	retransmit("3665 3.3: INVITE with credentials", &c, invite2, &f_out);
	step("3665 3.3: 401", &c, unauthorized2, &f_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_REJECTED, .close = 1,
	       .deadline = 5, .firm = 1));
	step("3665 3.3: ACK", &c, ack2, &f_out, W(.state = ENDING, .deadline = 0));
	step("3665 3.3: INVITE with both credentials", &c, invite3, &f_out,
	     W(.state = EARLY, .restart = 1, .open = 1, .deadline = 32, .answered = 0));
	step("3665 3.3: 100", &c, RSP_P("100 Trying", "3", "INVITE", TO_S) "\n", &f_in,
	     W(.state = EARLY, .deadline = 32, .answered = 0));
	step("3665 3.3: 180", &c, RSP_P("180 Ringing", "3", "INVITE", TO_ST) CT_S "\n", &f_in,
	     W(.state = EARLY, .deadline = 3600, .answered = 1));
	step("3665 3.3: 200", &c, ok_invite3, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .deadline = 3600));
	step("3665 3.3: BYE", &c, bye_p, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));
}

/* RFC 3665 3.8-3.11 and other final errors; a failed re-INVITE ends nothing. */
static void test_call_unsuccessful(void)
{
	static const struct {
		const char *name, *t;
	} errors[] = {
		{ "3665 3.9: 486 Busy", busy },
		{ "404", not_found },
		{ "3665 3.10: 408", req_timeout },
		{ "3665 3.11: 480", unavailable },
	};
	struct sip_alg_call c;
	unsigned int i;

	settings(3600, false);
	for (i = 0; i < ARRAY_SIZE(errors); i++) {
		start(errors[i].name, &c, invite, &f_out, W(.state = EARLY, .open = 1));
		step(errors[i].name, &c, trying, &f_in, W(.state = EARLY, .answered = 0));
		step(errors[i].name, &c, errors[i].t, &f_in,
		     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_REJECTED,
		       .close = 1, .deadline = 5, .firm = 1, .answered = 1));
		retransmit(errors[i].name, &c, errors[i].t, &f_in);
		step(errors[i].name, &c, ack, &f_out, W(.state = ENDING, .deadline = 0));
	}
	/* A 200 that crossed the error: the call stays ended, nothing opens. */
	step("486 then 200", &c, ok_invite, &f_in, W(.state = ENDING, .deadline = 0));

	/* 3665 3.8 */
	start("3665 3.8: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("3665 3.8: 100", &c, trying, &f_in, W(.state = EARLY));
	step("3665 3.8: 180", &c, ringing, &f_in, W(.state = EARLY, .answered = 1));
	step("3665 3.8: CANCEL", &c, cancel, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_CANCEL, .close = 1,
	       .deadline = 5, .firm = 1));
	retransmit("3665 3.8: CANCEL", &c, cancel, &f_out);
	step("3665 3.8: 200 CANCEL", &c, ok_cancel, &f_in, W(.state = ENDING, .deadline = 0));
	step("3665 3.8: 487", &c, terminated, &f_in, W(.state = ENDING, .deadline = 0));
	step("3665 3.8: ACK", &c, ack, &f_out, W(.state = ENDING, .deadline = 0));

	/* a CANCEL that crossed the 200: too late, the call goes on */
	confirmed(&c);
	step("CANCEL after the 200", &c, cancel, &f_out, W(.state = CONFIRMED, .deadline = 3600));

	/* a re-INVITE refused: the call goes on */
	confirmed(&c);
	step("re-INVITE", &c, hold_p, &f_out, W(.state = CONFIRMED, .event = EV_HOLD, .open = 1));
	step("re-INVITE refused", &c, RSP_P("491 Request Pending", "4", "INVITE", TO_ST) "\n",
	     &f_in, W(.state = CONFIRMED, .deadline = 3600));
}

/* Hold and resume (RFC 3264 8.4, RFC 2543's 0.0.0.0), per side. */
static void test_call_hold(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	confirmed(&c);
	step("hold: phone sendonly", &c, hold_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_HOLD, .open = 1, .on_hold = 1, .deadline = 3600));
	retransmit("hold: phone sendonly", &c, hold_p, &f_out);
	step("hold: its 200 (recvonly answer)", &c, hold_p_ok, &f_in,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 1));
	step("hold: server sendonly too", &c, hold_s, &f_in,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 3));
	step("hold: its 200", &c, hold_s_ok, &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 3));
	step("hold: phone resumes, server still holds", &c, resume_p, &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 2));
	step("hold: server resumes", &c, resume_s, &f_in,
	     W(.state = CONFIRMED, .event = EV_RESUME, .open = 1, .on_hold = 0));
	retransmit("hold: server resumes", &c, resume_s, &f_in);

	step("hold: c=0.0.0.0", &c, hold0_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_HOLD, .open = 1, .on_hold = 1));
	step("hold: an offer without a stream says nothing", &c, nostream_p, &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 1));
	step("hold: resume", &c, resume_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_RESUME, .open = 1, .on_hold = 0));
	step("hold: inactive", &c, inactive_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_HOLD, .open = 1, .on_hold = 1));
	step("hold: resume", &c, resume_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_RESUME, .open = 1, .on_hold = 0));
	step("hold: recvonly is no hold", &c, recvonly_p, &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 0));
	step("hold: server holds", &c, hold_s, &f_in,
	     W(.state = CONFIRMED, .event = EV_HOLD, .open = 1, .on_hold = 2));
	step("hold: BYE while held", &c, bye_p, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));

	step("hold: a new INVITE (CSeq 2) after the BYE", &c, invite2, &f_out,
	     W(.state = EARLY, .restart = 1, .open = 1, .on_hold = 0, .answered = 0));

	confirmed(&c);
	step("hold: an offer without a stream holds nothing", &c, nostream_p, &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 0));
	step("hold: an answer in an ACK is no offer", &c,
	     REQ_P("ACK", "1", TO_ST) CTYPE "\n" SDP_P(SENDONLY), &f_out,
	     W(.state = CONFIRMED, .open = 1, .on_hold = 0));

	/* an initial offer that holds is no hold event: the call was not up */
	start("hold: INVITE sendonly", &c, REQ_P("INVITE", "1", TO_S) CT_P CTYPE "\n"
	      SDP_P(SENDONLY), &f_out, W(.state = EARLY, .open = 1, .on_hold = 0));
}

/* Which messages' SDP opens media (fault 5: not an OPTIONS 200, a MESSAGE...). */
static void test_call_sdp_gates(void)
{
	static const struct {
		const char *name, *t;
		bool from_phone, open;
	} t[] = {
		{ "re-INVITE", resume_p, true, true },
		{ "re-INVITE without SDP", REQ_P("INVITE", "5", TO_ST) CT_P "\n", true, false },
		{ "200 INVITE", ok_invite, false, true },
		{ "200 INVITE without SDP", ok_invite_nosdp, false, false },
		{ "183 with SDP", progress_sdp, false, true },
		{ "ACK with SDP (late offer)", ack_sdp, true, true },
		{ "UPDATE", update_sdp, true, true },
		{ "200 UPDATE", ok_update_sdp, false, true },
		{ "PRACK", prack_sdp, true, true },
		{ "200 PRACK", ok_prack_sdp, false, true },
		{ "OPTIONS", options_sdp, true, false },
		{ "200 OPTIONS", ok_options_sdp, false, false },
		{ "MESSAGE", message_sdp, true, false },
		{ "NOTIFY", notify_sdp, false, false },
		{ "INFO", info_sdp, true, false },
		{ "486", busy_sdp, false, false },
		{ "BYE", bye_sdp, true, false },
	};
	struct sip_alg_call c;
	unsigned int i;
	char name[96];

	settings(3600, false);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		confirmed(&c);
		snprintf(name, sizeof(name), "SDP in %s opens media: %d", t[i].name, t[i].open);
		step(name, &c, t[i].t, t[i].from_phone ? &f_out : &f_in, ONLY(.open = t[i].open));
	}
	start("SDP: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	step("SDP: 200 OPTIONS in an early call opens nothing, answers nothing", &c,
	     ok_options_sdp, &f_in, W(.state = EARLY, .deadline = 32, .answered = 0));
	step("SDP: 183 in an early call opens media", &c, progress_sdp, &f_in,
	     W(.state = EARLY, .open = 1, .answered = 1, .deadline = 3600));

	confirmed(&c);
	step("SDP: BYE", &c, bye_p, &f_out, ONLY(.state = ENDING, .event = EV_END));
	step("SDP: re-INVITE of an ended call opens nothing", &c, resume_p, &f_out,
	     W(.state = ENDING, .deadline = 0));
	step("SDP: 200 of an ended call opens nothing", &c, ok_invite, &f_in,
	     W(.state = ENDING, .deadline = 0));

	/* observe mode: the same calls, the same events, nothing opened */
	settings(3600, true);
	start("observe: INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 0, .deadline = 32));
	step("observe: 183", &c, progress_sdp, &f_in, W(.state = EARLY, .open = 0));
	step("observe: 200", &c, ok_invite, &f_in, W(.state = CONFIRMED, .event = EV_ANSWER));
	step("observe: hold", &c, hold_p, &f_out, W(.state = CONFIRMED, .event = EV_HOLD));
	step("observe: BYE", &c, bye_p, &f_out,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));
	start("observe: 200 REGISTER", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = KEEP, .deadline = 60, .firm = 1));
}

/* RFC 3665 section 2, and the binding's expiry. */
static void test_call_register(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	/* 2.1 and 2.5: a challenge starts nothing; the 200 does */
	if (parse(reg) && !sip_alg_call_starts(&m) && parse(reg_401) && !sip_alg_call_starts(&m) &&
	    parse(reg2))
		ok(!sip_alg_call_starts(&m), "3665 2.1: REGISTER, 401, REGISTER start no binding");
	start("3665 2.1: 200, expires=7200", &c, reg_ok_7200, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 3600, .deadline = 3600,
		.firm = 1));
	ok(d.contact < m.n_addrs && m.addrs[d.contact].field == SIP_ALG_F_CONTACT &&
	   !memcmp(m.addrs[d.contact].hp.addr, f_in.dst, 4),
	   "3665 2.1: the binding is the Contact as rewritten");
	retransmit("3665 2.1: 200", &c, reg_ok_7200, &f_in);

	start("200, expires=60", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 60, .deadline = 60, .firm = 1));
	start("200, Expires: 120", &c, reg_ok_hdr, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 120, .deadline = 120,
		.firm = 1));
	start("200, no expiry: an hour", &c, reg_ok_none, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 3600, .deadline = 3600,
		.firm = 1));
	start("200, the Contact as the phone wrote it", &c, reg_ok_private, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 90, .deadline = 90, .firm = 1));
	start("200, another device's binding first", &c, reg_ok_two, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .expires = 60, .deadline = 60, .firm = 1));
	ok(d.contact < m.n_addrs && m.addrs[d.contact].field == SIP_ALG_F_CONTACT &&
	   !memcmp(m.addrs[d.contact].hp.addr, f_in.dst, 4) && m.addrs[d.contact].entry == 1,
	   "200, two bindings: ours is the second");
	start("200, only another device's binding", &c, reg_ok_other, &f_in,
	      W(.state = EARLY, .binding = KEEP, .deadline = 32));

	/* 2.2: an update; 2.3: a query */
	start("3665 2.2: 200", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .firm = 1));
	step("3665 2.2: REGISTER", &c, rereg, &f_out, W(.state = REGISTERED, .deadline = 0));
	step("3665 2.2: 200", &c, rereg_ok, &f_in,
	     W(.state = REGISTERED, .binding = REFRESH, .expires = 60, .deadline = 60, .firm = 1));
	step("3665 2.3: query", &c, query, &f_out, W(.state = REGISTERED, .deadline = 0));
	ok(!c.unregistering, "3665 2.3: a query removes nothing");
	step("3665 2.3: 200 without Contact", &c, query_ok_none, &f_in,
	     W(.state = REGISTERED, .binding = KEEP, .deadline = 0));
	step("3665 2.3: 200 listing ours", &c, query_ok_ours, &f_in,
	     W(.state = REGISTERED, .binding = REFRESH, .expires = 3000, .deadline = 3000,
	       .firm = 1));

	/* 2.4: un-register, then register again */
	step("3665 2.4: REGISTER Contact: *, Expires: 0", &c, unreg, &f_out,
	     W(.state = REGISTERED, .deadline = 0));
	ok(c.unregistering, "3665 2.4: it asks to remove");
	step("3665 2.4: 200", &c, unreg_ok, &f_in,
	     W(.state = ENDING, .binding = REMOVE, .event = EV_END,
	       .end = SIP_ALG_END_REASON_EXPIRED, .deadline = 0, .firm = 1));
	step("re-register: REGISTER", &c, rereg, &f_out, W(.state = ENDING, .deadline = 0));
	ok(!c.unregistering, "re-register: it asks for a binding again");
	step("re-register: 200", &c, rereg_ok, &f_in,
	     W(.state = REGISTERED, .restart = 1, .binding = REFRESH, .expires = 60, .deadline = 60,
	       .firm = 1));
	step("un-register by Expires: 0", &c,
	     REG("3") "Contact: <sip:bob@" IP_P ">\nExpires: 0\n\n", &f_out,
	     W(.state = REGISTERED));
	ok(c.unregistering, "un-register by Expires: 0: it asks to remove");
	step("a REGISTER that keeps its binding", &c, rereg, &f_out, W(.state = REGISTERED));
	ok(!c.unregistering, "a REGISTER with Expires: 60 removes nothing");
	step("un-register by expires=0", &c, unreg_contact, &f_out, W(.state = REGISTERED));
	ok(c.unregistering, "un-register by expires=0: it asks to remove");
	step("un-register: 200 still listing it, expires=0", &c, unreg_ok_listed, &f_in,
	     W(.state = ENDING, .binding = REMOVE, .event = EV_END,
	       .end = SIP_ALG_END_REASON_EXPIRED, .deadline = 0, .firm = 1));
	quiet("un-register: removed", &c, false,
	      W(.state = ENDING, .end = SIP_ALG_END_REASON_EXPIRED));

	/* the binding runs out */
	start("expiry: 200", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .firm = 1));
	quiet("expiry: ran out", &c, false,
	      W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_EXPIRED));
	start("expiry: 200", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .firm = 1));
	quiet("expiry: ran out, media or not", &c, true,
	      W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_EXPIRED));
	/* an INVITE's 200 with the binding's Call-ID does not answer a binding */
	start("binding: 200", &c, reg_ok_60, &f_in,
	      W(.state = REGISTERED, .binding = REFRESH, .firm = 1));
	step("binding: SDP in an INVITE's 200 opens nothing", &c, ok_invite, &f_in,
	     ONLY(.open = 0, .binding = KEEP));
}

/* Timers: RFC 3261 Timer B for an unanswered INVITE, sip_timeout, quiet calls. */
static void test_call_quiet(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("quiet: INVITE", &c, invite, &f_out, W(.state = EARLY, .deadline = 32, .open = 1));
	step("quiet: 100", &c, trying, &f_in, W(.state = EARLY, .deadline = 32));
	step("quiet: 180 without a to-tag", &c, ringing_notag, &f_in,
	     W(.state = EARLY, .deadline = 32, .answered = 0));
	quiet("quiet: unanswered, no media", &c, false,
	      W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_IDLE));
	quiet("quiet: once ended, no second END", &c, false,
	      W(.state = ENDING, .end = SIP_ALG_END_REASON_EXPIRED));

	start("quiet: INVITE", &c, invite, &f_out, W(.state = EARLY, .deadline = 32, .open = 1));
	quiet("quiet: unanswered, early media flows", &c, true,
	      W(.state = EARLY, .close = 1, .deadline = 3600));

	settings(20, false);
	start("quiet: INVITE, sip_timeout 20", &c, invite, &f_out,
	      W(.state = EARLY, .deadline = 20, .open = 1));
	settings(32, false);
	start("quiet: INVITE, sip_timeout 32", &c, invite, &f_out,
	      W(.state = EARLY, .deadline = 32, .open = 1));
	settings(600, false);
	start("quiet: INVITE, sip_timeout 600", &c, invite, &f_out,
	      W(.state = EARLY, .deadline = 32, .open = 1));
	step("quiet: 180, answered", &c, ringing, &f_in, W(.state = EARLY, .deadline = 600));
	step("quiet: 200", &c, ok_invite, &f_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1, .deadline = 600));
	quiet("quiet: media flows, the call stays", &c, true,
	      W(.state = CONFIRMED, .close = 1, .deadline = 600));
	quiet("quiet: and stays", &c, true, W(.state = CONFIRMED, .close = 1, .deadline = 600));
	step("quiet: a message still counts", &c, hold_p, &f_out,
	     W(.state = CONFIRMED, .event = EV_HOLD, .open = 1, .deadline = 600));
	quiet("quiet: no media any more", &c, false,
	      W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_IDLE));

	settings(3600, false);
	confirmed(&c);
	step("quiet: BYE", &c, bye_p, &f_out, ONLY(.state = ENDING, .event = EV_END, .firm = 1));
	quiet("quiet: grace over, media or not", &c, true,
	      W(.state = ENDING, .end = SIP_ALG_END_REASON_EXPIRED));
	quiet("quiet: grace over", &c, false,
	      W(.state = ENDING, .end = SIP_ALG_END_REASON_EXPIRED));
}

/* The faults of issue 11 that the call core decides. */
static void test_call_faults(void)
{
	struct sip_alg_call c, b, x;

	settings(3600, false);
	/* 3: any flow can end any call */
	confirmed(&c);
	ok(!sip_alg_call_owns(&c, &f_x_dnat),
	   "fault 3: a stranger's BYE, forwarded to the phone, is not the call's");
	ok(!sip_alg_call_owns(&c, &f_x_router),
	   "fault 3: a stranger's BYE to the router is not the call's");
	ok(sip_alg_call_owns(&c, &f_in), "fault 3: the server's BYE is");
	/* a stranger's INVITE with the Call-ID makes a call of its own, not ours */
	start("fault 3: a stranger's INVITE", &x,
	      "INVITE sip:alice@" IP_PUB " SIP/2.0\nVia: SIP/2.0/UDP " IP_X ";branch=z9hG4bKx\n"
	      "From: <sip:x@" IP_X ">;tag=x\nTo: <sip:alice@" IP_PUB ">\n" CID "CSeq: 1 INVITE\n"
	      "Contact: <sip:x@" IP_X ">\n\n", &f_x_dnat, W(.state = EARLY));
	ok(!sip_alg_call_owns(&x, &f_out) && !sip_alg_call_owns(&x, &f_in) &&
	   !sip_alg_call_owns(&c, &f_x_dnat),
	   "fault 3: the stranger's call and ours do not own each other's flows");

	/* two phones, one Call-ID */
	start("two phones: A's INVITE", &c, invite, &f_out, W(.state = EARLY, .open = 1));
	ok(!sip_alg_call_owns(&c, &f_b_out), "two phones: A's call does not own B's INVITE");
	start("two phones: B's INVITE", &b, invite_b, &f_b_out, W(.state = EARLY, .open = 1));
	ok(!sip_alg_call_owns(&b, &f_out) && sip_alg_call_owns(&b, &f_b_out),
	   "two phones: B's call owns B's requests, not A's");

	/* 5: a response that is not the far side's UA answers nothing */
	start("fault 5: INVITE", &c, invite, &f_out, W(.state = EARLY, .deadline = 32, .open = 1));
	step("fault 5: 100 Trying is no answer", &c, trying, &f_in,
	     W(.state = EARLY, .answered = 0, .deadline = 32));
	step("fault 5: 100 Trying with a to-tag neither", &c,
	     RSP_P("100 Trying", "1", "INVITE", TO_ST) "\n", &f_in,
	     W(.state = EARLY, .answered = 0, .deadline = 32));
	step("fault 5: a 180 with a to-tag is", &c, ringing, &f_in,
	     W(.state = EARLY, .answered = 1, .deadline = 3600));
}

static void test_call_ipv6(void)
{
	struct sip_alg_call c;

	settings(3600, false);
	start("IPv6: INVITE", &c, invite6, &f6_out,
	      W(.state = EARLY, .open = 1, .deadline = 32, .n_hosts = 3));
	step("IPv6: 180", &c, ringing6, &f6_in, W(.state = EARLY, .answered = 1, .deadline = 3600));
	step("IPv6: 200", &c, ok6, &f6_in, W(.state = CONFIRMED, .event = EV_ANSWER, .open = 1));
	step("IPv6: ACK", &c, ack6, &f6_out, W(.state = CONFIRMED));
	ok(!sip_alg_call_owns(&c, &f6_x), "IPv6: a stranger's BYE is not the call's");
	step("IPv6: BYE", &c, bye6_s, &f6_in,
	     W(.state = ENDING, .event = EV_END, .end = SIP_ALG_END_REASON_BYE, .close = 1,
	       .deadline = 5, .firm = 1));
	start("IPv6: INVITE", &c, invite6, &f6_out, W(.open = 1, .n_hosts = 3));
	step("IPv6: an IPv4 Contact is not learned", &c, ok6_v4contact, &f6_in,
	     W(.state = CONFIRMED, .event = EV_ANSWER, .n_hosts = 3));
}

/*
 * What the sequence fuzzer found in the first core (fuzz/README.md): two
 * phones' replies told apart, a restart only of the call's own kind and by
 * a newer INVITE, holds only by offers, an un-REGISTER's 200 retransmitted.
 */
static void test_call_fuzz_findings(void)
{
	struct sip_alg_call a, b;

	settings(3600, false);
	start("fuzz 1: A's INVITE", &a, invite, &f_out, W(.state = EARLY, .open = 1));
	start("fuzz 1: B's INVITE", &b, invite_b, &f_b_out, W(.state = EARLY, .open = 1));
	ok(!sip_alg_call_owns(&a, &f_b_in),
	   "two phones: A's call does not own the server's replies to B");
	ok(!sip_alg_call_owns(&b, &f_in),
	   "two phones: B's call does not own the server's replies to A");
	ok(sip_alg_call_owns(&a, &f_in) && sip_alg_call_owns(&b, &f_b_in) &&
	   sip_alg_call_owns(&a, &f_srv_in) && sip_alg_call_owns(&a, &f_callee_in) == false,
	   "two phones: each still owns its own replies and the server's requests to it");

	start("fuzz 8: 200", &a, reg_ok_60, &f_in, W(.state = REGISTERED, .binding = REFRESH,
						    .firm = 1));
	step("fuzz 8: un-REGISTER", &a, unreg, &f_out, W(.state = REGISTERED, .deadline = 0));
	step("fuzz 8: 200", &a, unreg_ok, &f_in,
	     W(.state = ENDING, .binding = REMOVE, .event = EV_END,
	       .end = SIP_ALG_END_REASON_EXPIRED, .deadline = 0, .firm = 1));
	retransmit("fuzz 8: un-REGISTER's 200", &a, unreg_ok, &f_in);

	confirmed(&a);
	step("fuzz 4: MESSAGE with a sendonly SDP holds nothing", &a,
	     REQ_P("MESSAGE", "10", TO_ST) CTYPE "\n" SDP_P(SENDONLY), &f_out,
	     W(.state = CONFIRMED, .on_hold = 0, .deadline = 3600));
	step("fuzz 4: OPTIONS with an inactive SDP holds nothing", &a,
	     REQ_P("OPTIONS", "11", TO_ST) CTYPE "\n" SDP_P(INACTIVE), &f_out,
	     W(.state = CONFIRMED, .on_hold = 0, .deadline = 3600));

	confirmed(&a);
	step("fuzz 2: BYE", &a, bye_p, &f_out, ONLY(.state = ENDING, .event = EV_END, .firm = 1));
	step("fuzz 2: a 200 REGISTER does not restart an INVITE call", &a,
	     REG_RSP("200 OK", "2") "Contact: <sip:bob@" IP_PUB ">;expires=60\n\n", &f_in,
	     W(.state = ENDING, .deadline = 0));

	start("fuzz 32: INVITE", &a, invite, &f_out, W(.state = EARLY, .open = 1));
	step("fuzz 32: 486", &a, busy, &f_in, ONLY(.state = ENDING, .event = EV_END));
	step("fuzz 32: the INVITE again, CSeq 1, restarts nothing", &a, invite, &f_out,
	     W(.state = ENDING, .deadline = 0));
	step("fuzz 32: 486 again, no second END", &a, busy, &f_in,
	     W(.state = ENDING, .deadline = 0));
}

void test_call(void)
{
	flows();
	test_call_starts();
	test_call_init();
	test_call_3665_3_1();
	test_call_no_record_route();
	test_call_3665_3_6();
	test_call_3665_auth();
	test_call_unsuccessful();
	test_call_hold();
	test_call_sdp_gates();
	test_call_register();
	test_call_quiet();
	test_call_faults();
	test_call_fuzz_findings();
	test_call_ipv6();
	free(cur);
	cur = NULL;
}
