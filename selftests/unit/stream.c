// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of sip_stream.c. A small driver plays the part of the
 * helper's loop (sip_helper.c): it feeds a byte stream to the stream state
 * in segments and parses messages where the state says they begin. The
 * checks: every message that arrives whole in a segment is parsed at its
 * real start, for every way of cutting the stream; nothing is ever parsed
 * at a place that is not a message start; and the stream is given up only
 * when a cut falls inside a header block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "sip_stream.h"
#include "stream.h"

#define MAX_MSGS	8

static const char invite[] =
	"INVITE sip:bob@203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.168.1.10:5060;branch=z9hG4bK-1\r\n"
	"From: <sip:alice@192.168.1.10>;tag=a1\r\n"
	"To: <sip:bob@203.0.113.9>\r\n"
	"Call-ID: stream-1@192.168.1.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@192.168.1.10:5060;transport=tcp>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 86\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 1 1 IN IP4 192.168.1.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.168.1.10\r\n"
	"m=audio 4000 RTP/AVP 0\r\n";

static const char options[] =
	"OPTIONS sip:bob@203.0.113.9 SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.168.1.10:5060;branch=z9hG4bK-2\r\n"
	"From: <sip:alice@192.168.1.10>;tag=a2\r\n"
	"To: <sip:bob@203.0.113.9>\r\n"
	"Call-ID: stream-2@192.168.1.10\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

struct stream_run {
	struct sip_alg_stream st;
	u32 starts[MAX_MSGS * 4];	/* stream offsets where a message was parsed */
	unsigned int n_starts;
	bool bad_start;			/* a message was parsed elsewhere than at a start */
};

static const u32 isn = 0xfffffff0;	/* the sequence numbers wrap inside the stream */

/* The helper's loop over one segment's payload, without the rewrite. */
static enum sip_alg_segment feed(struct stream_run *r, const char *stream, u32 off, u32 len,
				 const u32 *real, unsigned int n_real)
{
	static struct sip_alg_msg msg;
	enum sip_alg_segment seg;
	u32 skip = 0, fresh, pos, rest = 0, used, i;
	const char *b = stream + off;
	bool known;
	int err;

	seg = sip_alg_stream_segment(&r->st, NULL, isn + 1 + off, len, &skip, &fresh);
	if (seg != SIP_ALG_SEG_PARSE)
		return seg;
	pos = skip;
	while (pos < len) {
		if (b[pos] == '\r' || b[pos] == '\n') {
			pos++;
			continue;
		}
		err = sip_alg_parse(b + pos, len - pos, true, &msg);
		used = sip_alg_stream_message(&r->st, err, &msg, len - pos, &rest);
		if (!used)
			return seg;
		if (err) {
			pos += used;
			continue;
		}
		known = false;
		for (i = 0; i < n_real; i++)
			known |= real[i] == off + pos;
		if (!known)
			r->bad_start = true;
		if (r->n_starts < MAX_MSGS * 4)
			r->starts[r->n_starts++] = off + pos;
		pos += msg.msg_len;
	}
	sip_alg_stream_parsed(&r->st, isn + 1 + off, len, rest);
	return seg;
}

/* Is @cut inside a header block of the stream (a start line or headers)? */
static bool cut_in_headers(const u32 *real, const u32 *hdr_len, unsigned int n, u32 cut)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (cut > real[i] && cut < real[i] + hdr_len[i])
			return true;
	}
	return false;
}

static void test_every_cut(void)
{
	u32 real[3], hdr_len[3], len, cut, i;
	unsigned int bad = 0, lost_wrong = 0, missed = 0, n_cuts = 0;
	char stream[2048];
	struct sip_alg_msg msg;
	struct stream_run r;

	/* INVITE, a keep-alive, OPTIONS, INVITE again. */
	len = 0;
	real[0] = len;
	len += sprintf(stream + len, "%s", invite);
	len += sprintf(stream + len, "\r\n\r\n");
	real[1] = len;
	len += sprintf(stream + len, "%s", options);
	real[2] = len;
	len += sprintf(stream + len, "%s", invite);
	for (i = 0; i < 3; i++) {
		sip_alg_parse(stream + real[i], len - real[i], true, &msg);
		hdr_len[i] = msg.hdr_end;
	}

	for (cut = 1; cut < len; cut++) {
		bool whole[3], lost;

		memset(&r, 0, sizeof(r));
		sip_alg_stream_syn(&r.st, isn);
		feed(&r, stream, 0, cut, real, 3);
		feed(&r, stream, cut, len - cut, real, 3);
		n_cuts++;
		if (r.bad_start)
			bad++;
		lost = r.st.state == SIP_ALG_STREAM_OFF;
		if (lost != cut_in_headers(real, hdr_len, 3, cut))
			lost_wrong++;
		/* Each message the cut does not touch, before a lost stream, is parsed. */
		for (i = 0; i < 3; i++) {
			u32 end = i < 2 ? real[i + 1] : len, j;
			bool seen = false;

			whole[i] = cut <= real[i] || cut >= end - (i == 0 ? 4 : 0);
			if (lost && real[i] >= cut)
				continue;
			for (j = 0; j < r.n_starts; j++)
				seen |= r.starts[j] == real[i];
			if (whole[i] && !seen)
				missed++;
		}
	}
	ok(!bad, "every cut of a %u-byte stream: no message parsed elsewhere than at its start (%u bad)",
	   len, bad);
	ok(!lost_wrong, "the stream is given up exactly when a cut falls in a header block (%u of %u wrong)",
	   lost_wrong, n_cuts);
	ok(!missed, "every message a cut leaves whole is parsed (%u missed)", missed);
}

static void test_segments(void)
{
	static const char http[] =
		"POST /upload HTTP/1.1\r\nHost: 203.0.113.9:5060\r\nContent-Length: 400\r\n\r\n";
	u32 real[1] = { 0 }, len = sizeof(options) - 1, skip, fresh;
	struct stream_run r;

	/* In order, sent again whole, old, then beyond a gap. */
	memset(&r, 0, sizeof(r));
	sip_alg_stream_syn(&r.st, isn);
	ok(feed(&r, options, 0, 10, real, 1) == SIP_ALG_SEG_PARSE &&
	   r.st.state == SIP_ALG_STREAM_OFF, "a cut in the start line gives the stream up");

	memset(&r, 0, sizeof(r));
	sip_alg_stream_syn(&r.st, isn);
	sip_alg_stream_syn(&r.st, isn + 1000);
	ok(r.st.next == isn + 1001, "a new SYN before any data restarts the stream");
	sip_alg_stream_syn(&r.st, isn);
	ok(feed(&r, options, 0, len, real, 1) == SIP_ALG_SEG_PARSE && r.n_starts == 1,
	   "a segment in order is parsed");
	sip_alg_stream_syn(&r.st, isn + 1000);
	ok(r.st.next == isn + 1 + len, "a SYN sent again after data does not move the stream");
	ok(feed(&r, options, 0, len, real, 1) == SIP_ALG_SEG_PARSE && r.n_starts == 2 &&
	   r.st.next == isn + 1 + len, "the last segment sent again is parsed again, alike");
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1, 10, &skip, &fresh) ==
	   SIP_ALG_SEG_PART_OF_LAST, "part of the last segment again is dropped");
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len + 5, 10, &skip, &fresh) == SIP_ALG_SEG_GAP &&
	   r.st.state == SIP_ALG_STREAM_FOLLOW, "a segment after a gap is dropped, the stream kept");
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len, 10, &skip, &fresh) ==
	   SIP_ALG_SEG_PARSE && skip == 0 && fresh == 10, "new data in order is parsed");
	sip_alg_stream_parsed(&r.st, isn + 1 + len, 10, 20);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len, 40, &skip, &fresh) ==
	   SIP_ALG_SEG_PARSE && fresh == 10 && skip == 0 && r.st.next == isn + 1 + len,
	   "the last segment again with new data: parsed again, only its old part acted on");
	sip_alg_stream_parsed(&r.st, isn + 1 + len, 40, 0);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1, 10, &skip, &fresh) == SIP_ALG_SEG_RESENT,
	   "data before the last segment sent again passes");
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len - 5, 50, &skip, &fresh) ==
	   SIP_ALG_SEG_SEEN_PREFIX && skip == 5 && r.st.state == SIP_ALG_STREAM_FOLLOW,
	   "older data and the last segment again: the older part is to be cut (%u)", skip);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len, 45, &skip, &fresh) ==
	   SIP_ALG_SEG_PARSE && fresh == 40, "... after which the last segment is taken again");
	sip_alg_stream_parsed(&r.st, isn + 1 + len, 45, 0);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len + 20, 10, &skip, &fresh) ==
	   SIP_ALG_SEG_PART_OF_LAST, "part of the last segment from within it is dropped");
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len + 40, 10, &skip, &fresh) ==
	   SIP_ALG_SEG_SEEN_PREFIX && skip == 5,
	   "its tail and new data: the tail is to be cut (%u)", skip);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len + 45, 5, &skip, &fresh) ==
	   SIP_ALG_SEG_PARSE && fresh == 5, "... after which the rest is in order");
	sip_alg_stream_stop(&r.st);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + len + 40, 10, &skip, &fresh) ==
	   SIP_ALG_SEG_UNFOLLOWED, "a stream given up is not parsed again");

	memset(&r, 0, sizeof(r));
	ok(sip_alg_stream_segment(&r.st, NULL, 1000, 10, &skip, &fresh) == SIP_ALG_SEG_MIDSTREAM &&
	   sip_alg_stream_segment(&r.st, NULL, 1010, len, &skip, &fresh) == SIP_ALG_SEG_UNFOLLOWED,
	   "a stream picked up without its SYN is not followed");

	/* NAT slipstreaming: HTTP first, a REGISTER at a later segment's start. */
	memset(&r, 0, sizeof(r));
	sip_alg_stream_syn(&r.st, isn);
	feed(&r, http, 0, sizeof(http) - 1, real, 1);
	ok(r.st.state == SIP_ALG_STREAM_OFF && !r.st.sip && !r.n_starts,
	   "a stream that starts with HTTP is given up");
	ok(feed(&r, options, sizeof(http) - 1, len, real, 1) == SIP_ALG_SEG_UNFOLLOWED &&
	   !r.n_starts, "SIP at a later segment's start of that stream is not parsed");

	/* The server's side of that connection is not parsed either. */
	{
		struct sip_alg_stream reply = {}, quiet = {};

		sip_alg_stream_syn(&reply, 5000);
		ok(sip_alg_stream_segment(&reply, &r.st, 5001, 100, &skip, &fresh) ==
		   SIP_ALG_SEG_OPENER_NOT_SIP && reply.state == SIP_ALG_STREAM_OFF,
		   "a reply on a connection not opened as SIP is not parsed");
		sip_alg_stream_syn(&quiet, 9000);
		memset(&reply, 0, sizeof(reply));
		sip_alg_stream_syn(&reply, 5000);
		ok(sip_alg_stream_segment(&reply, &quiet, 5001, 100, &skip, &fresh) ==
		   SIP_ALG_SEG_OPENER_NOT_SIP, "... nor one sent before the opener sent anything");
	}

	/* A message passed unmodified: its continuation is skipped. */
	memset(&r, 0, sizeof(r));
	sip_alg_stream_syn(&r.st, isn);
	real[0] = 0;
	feed(&r, invite, 0, 350, real, 1);
	ok(r.st.skip == sizeof(invite) - 1 - 350 && r.st.state == SIP_ALG_STREAM_FOLLOW,
	   "a message cut in its body: the rest is counted to be skipped (%u)", r.st.skip);
	ok(sip_alg_stream_segment(&r.st, NULL, isn + 1 + 350, 10, &skip, &fresh) == SIP_ALG_SEG_CONTINUATION,
	   "a segment inside it is a continuation");
}

/* The helper's TCP path with holding back (sip_helper.c, sip_alg_tcp_parse). */
struct hold_run {
	struct stream_run r;
	char held[2048];
	u32 held_len;
	unsigned int n_held;		/* segments that ended with bytes held */
};

static enum sip_alg_segment feed_hold(struct hold_run *h, const char *stream, u32 off, u32 len,
				      const u32 *real, unsigned int n_real)
{
	static struct sip_alg_msg msg;
	u32 skip = 0, fresh, pos, rest = 0, held = 0, base, total, i;
	struct stream_run *r = &h->r;
	enum sip_alg_segment seg;
	static char buf[4096];
	bool known;
	int err;

	seg = sip_alg_stream_segment(&r->st, NULL, isn + 1 + off, len, &skip, &fresh);
	if (seg != SIP_ALG_SEG_PARSE)
		return seg;
	if (r->st.holding)
		held = h->held_len;
	memcpy(buf, h->held, held);
	memcpy(buf + held, stream + off, len);
	total = held + len;
	base = off - held;
	for (pos = skip; pos < total; ) {
		if (buf[pos] == '\r' || buf[pos] == '\n') {
			pos++;
			continue;
		}
		err = sip_alg_parse(buf + pos, total - pos, true, &msg);
		if (err == SIP_ALG_E_INCOMPLETE)
			break;
		if (err || !sip_alg_stream_message(&r->st, err, &msg, total - pos, &rest)) {
			sip_alg_stream_stop(&r->st);
			return seg;
		}
		known = false;
		for (i = 0; i < n_real; i++)
			known |= real[i] == base + pos;
		if (!known)
			r->bad_start = true;
		if (r->n_starts < MAX_MSGS * 4)
			r->starts[r->n_starts++] = base + pos;
		pos += msg.msg_len;
	}
	sip_alg_stream_parsed(&r->st, isn + 1 + base, total, rest);
	if (pos < total) {
		h->held_len = total - pos;
		memmove(h->held, buf + pos, h->held_len);
		sip_alg_stream_hold(&r->st, h->held_len);
		h->n_held++;
	}
	/* What was held went out in front of this segment. */
	if (held && pos)
		sip_alg_stream_released(&r->st);
	return seg;
}

/* Whether each message was parsed once, at its start, and the stream kept. */
static bool hold_run_ok(const struct hold_run *h, const u32 *real, unsigned int n)
{
	unsigned int i, j, seen;

	if (h->r.bad_start || h->r.st.state != SIP_ALG_STREAM_FOLLOW || h->r.st.holding ||
	    h->r.n_starts != n)
		return false;
	for (i = 0; i < n; i++) {
		for (seen = 0, j = 0; j < h->r.n_starts; j++)
			seen += h->r.starts[j] == real[i];
		if (seen != 1)
			return false;
	}
	return true;
}

static void test_holding(void)
{
	u32 real[3], len = 0, a, b, skip, fresh, held;
	unsigned int wrong2 = 0, wrong3 = 0, n3 = 0;
	static struct hold_run h;
	char stream[2048];

	real[0] = len;
	len += sprintf(stream + len, "%s\r\n\r\n", invite);
	real[1] = len;
	len += sprintf(stream + len, "%s", options);
	real[2] = len;
	len += sprintf(stream + len, "%s", invite);

	for (a = 1; a < len; a++) {
		memset(&h, 0, sizeof(h));
		sip_alg_stream_syn(&h.r.st, isn);
		feed_hold(&h, stream, 0, a, real, 3);
		feed_hold(&h, stream, a, len - a, real, 3);
		wrong2 += !hold_run_ok(&h, real, 3);
	}
	ok(!wrong2, "held back: every cut of a %u-byte stream in two, each message parsed once, whole, at its start (%u wrong)",
	   len, wrong2);

	for (a = 1; a < len; a += 3) {
		for (b = a + 1; b < len; b += 5) {
			memset(&h, 0, sizeof(h));
			sip_alg_stream_syn(&h.r.st, isn);
			feed_hold(&h, stream, 0, a, real, 3);
			feed_hold(&h, stream, a, b - a, real, 3);
			feed_hold(&h, stream, b, len - b, real, 3);
			wrong3 += !hold_run_ok(&h, real, 3);
			n3++;
		}
	}
	ok(!wrong3, "held back: %u cuts in three, each message parsed once, whole, at its start (%u wrong)",
	   n3, wrong3);

	/* Where segments fall while bytes are held: 100 of the INVITE, then 50 more. */
	memset(&h, 0, sizeof(h));
	sip_alg_stream_syn(&h.r.st, isn);
	feed_hold(&h, stream, 0, 100, real, 3);
	feed_hold(&h, stream, 100, 50, real, 3);
	held = h.r.st.held;
	ok(h.r.st.holding && held == 150 && h.r.st.next == isn + 151 && !h.r.st.last_valid,
	   "a message in two segments, still not whole: all of it held (%u)", held);
	ok(sip_alg_stream_segment(&h.r.st, NULL, isn + 101, 50, &skip, &fresh) ==
	   SIP_ALG_SEG_HELD_AGAIN, "a held segment sent again asks for the acknowledgment");
	ok(sip_alg_stream_segment(&h.r.st, NULL, isn + 1, 150, &skip, &fresh) ==
	   SIP_ALG_SEG_HELD_AGAIN, "... and so do both of them together");
	ok(sip_alg_stream_segment(&h.r.st, NULL, isn + 121, 50, &skip, &fresh) ==
	   SIP_ALG_SEG_SEEN_PREFIX && skip == 30,
	   "held bytes and new ones: the held part is to be cut (%u)", skip);
	ok(sip_alg_stream_segment(&h.r.st, NULL, isn + 161, 10, &skip, &fresh) == SIP_ALG_SEG_GAP &&
	   h.r.st.holding, "a segment after a gap is dropped, the bytes still held");
	ok(feed_hold(&h, stream, 150, len - 150, real, 3) == SIP_ALG_SEG_PARSE &&
	   hold_run_ok(&h, real, 3), "the rest in order: the held message is parsed whole");

	/* Before the held bytes: passes as it came. */
	memset(&h, 0, sizeof(h));
	sip_alg_stream_syn(&h.r.st, isn);
	feed_hold(&h, stream, 0, real[1] + 10, real, 3);
	ok(h.r.st.holding && h.r.st.held == 10 && h.r.n_starts == 1,
	   "a whole message, then the next one's first bytes: only those are held");
	ok(sip_alg_stream_segment(&h.r.st, NULL, isn + 1, 100, &skip, &fresh) == SIP_ALG_SEG_RESENT,
	   "data sent again from before the held bytes passes");

	/*
	 * The segment that released held bytes, and held the next message's
	 * first ones: the helper knows it again by the bytes it keeps, before
	 * placing it (sip_helper.c, sip_alg_tcp()); the stream only says a
	 * release is kept, until the next hold.
	 */
	memset(&h, 0, sizeof(h));
	sip_alg_stream_syn(&h.r.st, isn);
	feed_hold(&h, stream, 0, 100, real, 3);
	ok(!h.r.st.released, "bytes held, none released yet");
	feed_hold(&h, stream, 100, real[1] + 10 - 100, real, 3);
	ok(h.r.st.released && h.r.st.holding && h.r.st.held == 10 && h.r.n_starts == 1,
	   "the rest of the message and the next one's first bytes: released, 10 held");
	feed_hold(&h, stream, real[1] + 10, 20, real, 3);
	ok(!h.r.st.released && h.r.st.holding && h.r.st.held == 30,
	   "more of the next message, held: the release is forgotten");
	ok(feed_hold(&h, stream, real[1] + 30, len - real[1] - 30, real, 3) == SIP_ALG_SEG_PARSE &&
	   hold_run_ok(&h, real, 3) && h.r.st.released,
	   "the rest: released in turn, each message parsed once");
	memset(&h, 0, sizeof(h));
	sip_alg_stream_syn(&h.r.st, isn);
	feed_hold(&h, stream, 0, 100, real, 3);
	feed_hold(&h, stream, 100, real[1] - 100, real, 3);
	ok(h.r.st.released && !h.r.st.holding &&
	   feed_hold(&h, stream, real[1], real[2] - real[1], real, 3) == SIP_ALG_SEG_PARSE &&
	   h.r.st.released, "a whole message after a release: the release is still kept");
}

void test_stream_framing(void)
{
	test_every_cut();
	test_segments();
	test_holding();
}
