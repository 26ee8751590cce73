// SPDX-License-Identifier: GPL-2.0
/*
 * Parse + plan cost of two typical messages, for callgrind: bench-parse.sh
 * counts the instructions of run_invite() and run_ok() (inclusive) and
 * divides by the iteration count and the message length.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sip_rewrite.h"

#define ITER 100

static const char invite[] =
	"INVITE sip:bob@203.0.113.20:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK-524287-1---77ba17085d60f141;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:alice@192.168.1.10:5060;transport=udp>\r\n"
	"To: <sip:bob@203.0.113.20>\r\n"
	"From: \"Alice\" <sip:alice@203.0.113.5>;tag=9fxced76sl\r\n"
	"Call-ID: 3848276298220188511@192.168.1.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
	"Content-Type: application/sdp\r\n"
	"Supported: replaces, norefersub, extended-refer, timer, X-cisco-serviceuri\r\n"
	"User-Agent: Zoiper rv2.10.11.2\r\n"
	"Allow-Events: presence, kpml, talk\r\n"
	"Content-Length: 494\r\n"
	"\r\n"
	"v=0\r\n"
	"o=Z 1608133870 1 IN IP4 192.168.1.10\r\n"
	"s=Z\r\n"
	"c=IN IP4 192.168.1.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 106 9 98 101 0 8 3\r\n"
	"a=rtpmap:106 opus/48000/2\r\n"
	"a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1\r\n"
	"a=rtpmap:98 telephone-event/48000\r\n"
	"a=fmtp:98 0-16\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=rtcp:49171\r\n"
	"a=sendrecv\r\n"
	"m=video 49172 RTP/AVP 99 34\r\n"
	"a=rtpmap:99 H264/90000\r\n"
	"a=fmtp:99 profile-level-id=42801F; packetization-mode=1\r\n"
	"a=rtpmap:34 H263/90000\r\n"
	"a=rtcp:49173\r\n"
	"a=sendrecv\r\n";

static const char ok200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 198.51.100.7:40123;branch=z9hG4bK-524287-1---77ba17085d60f141;"
	"received=198.51.100.7;rport=40123\r\n"
	"Record-Route: <sip:203.0.113.5;lr>\r\n"
	"Contact: <sip:bob@203.0.113.20:5060>\r\n"
	"To: <sip:bob@203.0.113.20>;tag=8321234356\r\n"
	"From: \"Alice\" <sip:alice@203.0.113.5>;tag=9fxced76sl\r\n"
	"Call-ID: 3848276298220188511@192.168.1.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
	"Supported: replaces, timer\r\n"
	"Server: Asterisk PBX 18.10.0\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 203\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 1608133870 1608133871 IN IP4 203.0.113.20\r\n"
	"s=Asterisk\r\n"
	"c=IN IP4 203.0.113.20\r\n"
	"t=0 0\r\n"
	"m=audio 18234 RTP/AVP 0 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static struct sip_alg_msg msg;
static struct sdp_alg_session sdp;
static struct sip_alg_plan plan;

/* 192.168.1.10 <-> 198.51.100.7, ports +10000 for media, 5060 <-> 40123 */
static bool map(void *ctx, enum sip_alg_dir dir, const struct sip_alg_addr *occ,
		const struct sip_alg_endpoint *seen, struct sip_alg_endpoint *out)
{
	static const u8 priv[4] = { 192, 168, 1, 10 }, pub[4] = { 198, 51, 100, 7 };
	const u8 *from = dir == SIP_ALG_OUTBOUND ? priv : pub;
	const u8 *to = dir == SIP_ALG_OUTBOUND ? pub : priv;

	(void)ctx;
	if (seen->family != 4 || memcmp(seen->addr, from, 4))
		return false;
	*out = *seen;
	memcpy(out->addr, to, 4);
	if (occ->field >= SIP_ALG_F_SDP_MEDIA)
		out->port = dir == SIP_ALG_OUTBOUND ? seen->port + 10000 : seen->port - 10000;
	else if (seen->has_port)
		out->port = dir == SIP_ALG_OUTBOUND ? 40123 : 5060;
	return true;
}

static int __attribute__((noinline)) run(const char *b, u32 len, enum sip_alg_dir dir)
{
	int err = sip_alg_parse(b, len, false, &msg);

	if (err)
		return err;
	if (msg.sdp.len) {
		err = sdp_alg_parse(b, msg.sdp, SDP_ALG_DEFAULT_MAX_MEDIA, &sdp);
		if (err)
			return err;
	}
	return sip_alg_plan(b, &msg, msg.sdp.len ? &sdp : NULL, dir, map, NULL, NULL, &plan);
}

static int __attribute__((noinline)) run_invite(void)
{
	return run(invite, sizeof(invite) - 1, SIP_ALG_OUTBOUND);
}

static int __attribute__((noinline)) run_ok(void)
{
	return run(ok200, sizeof(ok200) - 1, SIP_ALG_INBOUND);
}

/* "./bench invite" or "./bench ok" runs only that message (per-phase counts). */
int main(int argc, char **argv)
{
	int i, err = 0, n_inv = 0, n_ok = 0;
	bool inv = argc < 2 || strcmp(argv[1], "ok");
	bool ok = argc < 2 || strcmp(argv[1], "invite");

	for (i = 0; inv && i < ITER; i++)
		err |= run_invite();
	n_inv = inv ? plan.n_edits : 0;
	for (i = 0; ok && i < ITER; i++)
		err |= run_ok();
	n_ok = ok ? plan.n_edits : 0;
	if (err) {
		fprintf(stderr, "bench: parse/plan failed: %s\n", sip_alg_strerror(err));
		return 1;
	}
	printf("iterations %d invite_bytes %zu invite_edits %d ok_bytes %zu ok_edits %d\n",
	       ITER, sizeof(invite) - 1, n_inv, sizeof(ok200) - 1, n_ok);
	return 0;
}
