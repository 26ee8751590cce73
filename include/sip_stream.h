/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIP over TCP as a byte stream (RFC 3261 18.3): where the messages of one
 * direction of a connection begin, whatever the segments. The stream is
 * followed from its first byte (the SYN tells where that is), so a message
 * is only ever parsed at a real message boundary: text that looks like SIP
 * at the start of a segment of another protocol (NAT slipstreaming) is not.
 * Built in the kernel and in userspace (unit tests, fuzzers).
 */
#ifndef _SIP_STREAM_H
#define _SIP_STREAM_H

#include "sip_parse.h"

enum sip_alg_stream_state {
	SIP_ALG_STREAM_UNSEEN,		/* no SYN yet: where the stream starts is unknown */
	SIP_ALG_STREAM_FOLLOW,
	SIP_ALG_STREAM_OFF,		/* not followed any more: passes untouched */
};

/* What to do with a segment's payload. */
enum sip_alg_segment {
	SIP_ALG_SEG_PARSE,		/* in order: messages start at *skip */
	SIP_ALG_SEG_SEEN_PREFIX,	/* its first *skip bytes were taken before: cut them */
	SIP_ALG_SEG_CONTINUATION,	/* all of it belongs to a message passed unmodified */
	SIP_ALG_SEG_UNFOLLOWED,		/* the stream is not followed */
	SIP_ALG_SEG_OPENER_NOT_SIP,	/* a reply before the opener's stream proved SIP */
	SIP_ALG_SEG_MIDSTREAM,		/* first data of a stream whose SYN was not seen */
	SIP_ALG_SEG_RESENT,		/* data seen before the last segment only: passed */
	SIP_ALG_SEG_PART_OF_LAST,	/* part of the last segment again: drop */
	SIP_ALG_SEG_GAP,		/* data missing before it: drop, TCP sends it again */
	SIP_ALG_SEG_HELD_AGAIN,		/* ends in bytes held back: ask the receiver to ack */
};

/*
 * One direction of a connection. 16 bytes, so that both directions fit in
 * the conntrack's helper area.
 */
struct sip_alg_stream {
	u32 next;			/* sequence number of the next byte in order */
	union {
		u32 skip;		/* bytes still to come of a message passed unmodified */
		u32 held;		/* while holding: the bytes before next held back */
	};
	u32 last;			/* sequence number of the last segment taken in order */
	u16 last_skip;			/* skip at its start, to parse it again when resent */
	u8 state:2;			/* enum sip_alg_stream_state */
	u8 last_valid:1;		/* last and last_skip say where its messages begin */
	u8 sip:1;			/* a SIP message was seen on it */
	u8 taken:1;			/* a segment with data was taken in order */
	u8 holding:1;			/* a message's first bytes are held back */
	u8 released:1;			/* bytes released in front of a segment are kept */
	u8 tail;			/* the last byte the receiver was sent in order */
};

/*
 * A SYN (or SYN-ACK) starts the direction at @seq + 1, unless data was taken
 * already (a late copy of it); a new SYN before any data restarts it, as
 * conntrack does for a new initial sequence number.
 */
void sip_alg_stream_syn(struct sip_alg_stream *st, u32 seq);

/*
 * Place the segment [@seq, @seq + @len), len > 0, in the stream. @opener is
 * the other direction's stream when @st is the reply direction: a reply is
 * parsed only once the connection's opener sent SIP, so that a server
 * cannot make a connection SIP that the inside did not open as SIP.
 *
 * On SIP_ALG_SEG_PARSE the caller parses messages from byte *skip of the
 * payload, rewrites only those that end within its first *fresh bytes
 * (the others pass as they came), and reports the outcome with
 * sip_alg_stream_parsed() or sip_alg_stream_stop(). A retransmission of the
 * last segment taken in order is parsed again from the same place, so that
 * it is rewritten as it was the first time; new data sent along with it
 * passes as it came, as the one sequence adjustment per packet is already
 * spent on the old part.
 *
 * On SIP_ALG_SEG_SEEN_PREFIX the segment starts with *skip bytes taken
 * before and goes on beyond them (into the last segment, which is then
 * taken again, or into new data): the caller cuts those bytes off (the
 * receiver has them), moves the sequence number on by as much and places
 * the segment again. Part of the last segment alone is
 * SIP_ALG_SEG_PART_OF_LAST and is dropped, as the part of its rewrite it
 * stands for is not known (the receiver has it, or TCP sends it again).
 *
 * While bytes are held back (sip_alg_stream_hold()), a segment in order is
 * SIP_ALG_SEG_PARSE from the first byte held, and one that ends within
 * them is SIP_ALG_SEG_HELD_AGAIN: its sender missed the acknowledgment.
 */
enum sip_alg_segment sip_alg_stream_segment(struct sip_alg_stream *st,
					    const struct sip_alg_stream *opener, u32 seq, u32 len,
					    u32 *skip, u32 *fresh);

/*
 * How long the message is: as parsed, or as its header block says when the
 * parser did not accept it (complete headers with a Content-Length); 0 when
 * that is not known. From the start of what was parsed, CRLFs included.
 */
u32 sip_alg_stream_msg_len(int err, const struct sip_alg_msg *msg);

/*
 * The parser said @err of the message at the current position, with @avail
 * bytes of the segment left from there. Returns how many of them the
 * message covers (*rest: how many more are still to come, else left as it
 * is), or 0 when where the next message begins is lost: the stream is then
 * given up.
 */
u32 sip_alg_stream_message(struct sip_alg_stream *st, int err, const struct sip_alg_msg *msg,
			   u32 avail, u32 *rest);

/*
 * The segment taken with SIP_ALG_SEG_PARSE was parsed to its end: @rest
 * bytes of its last message are still to come (0: it ended at a message
 * boundary). Lengths are the sender's, before any rewrite.
 */
void sip_alg_stream_parsed(struct sip_alg_stream *st, u32 seq, u32 len, u32 rest);

/*
 * The last @held bytes of the segment just parsed, up to next, are a
 * message's first bytes, held back until it is whole.
 */
void sip_alg_stream_hold(struct sip_alg_stream *st, u32 held);

/*
 * The bytes held back went out in front of the segment just parsed; the
 * caller keeps them, for that segment sent again, until the next hold
 * (sip_alg_stream_hold() forgets them) or release.
 */
void sip_alg_stream_released(struct sip_alg_stream *st);

/* Stop following the stream: where messages begin is no longer known. */
void sip_alg_stream_stop(struct sip_alg_stream *st);

#endif /* _SIP_STREAM_H */
