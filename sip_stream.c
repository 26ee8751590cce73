// SPDX-License-Identifier: GPL-2.0
/*
 * SIP over TCP as a byte stream: the position of each segment in one
 * direction of a connection, and where its messages begin. Sequence numbers
 * are the sender's, compared modulo 2^32 as TCP does.
 */
#include "sip_stream.h"

static bool seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

void sip_alg_stream_syn(struct sip_alg_stream *st, u32 seq)
{
	if (st->state != SIP_ALG_STREAM_UNSEEN &&
	    (st->state != SIP_ALG_STREAM_FOLLOW || st->taken))
		return;
	memset(st, 0, sizeof(*st));
	st->next = seq + 1;
	st->state = SIP_ALG_STREAM_FOLLOW;
}

void sip_alg_stream_stop(struct sip_alg_stream *st)
{
	st->state = SIP_ALG_STREAM_OFF;
}

enum sip_alg_segment sip_alg_stream_segment(struct sip_alg_stream *st,
					    const struct sip_alg_stream *opener, u32 seq, u32 len,
					    u32 *skip, u32 *fresh)
{
	if (st->state == SIP_ALG_STREAM_UNSEEN) {
		st->state = SIP_ALG_STREAM_OFF;
		return SIP_ALG_SEG_MIDSTREAM;
	}
	if (st->state != SIP_ALG_STREAM_FOLLOW)
		return SIP_ALG_SEG_UNFOLLOWED;
	if (opener && !opener->sip) {
		sip_alg_stream_stop(st);
		return SIP_ALG_SEG_OPENER_NOT_SIP;
	}

	*fresh = len;
	if (seq != st->next) {
		if (seq_before(st->next, seq))
			return SIP_ALG_SEG_GAP;
		if (st->holding && !seq_before(st->next, seq + len) &&
		    seq_before(st->next - st->held, seq + len))
			return SIP_ALG_SEG_HELD_AGAIN;
		if (!st->last_valid) {
			if (!seq_before(st->next, seq + len))
				return SIP_ALG_SEG_RESENT;
			*skip = st->next - seq;
			return SIP_ALG_SEG_SEEN_PREFIX;
		}
		/*
		 * Only what lies before the last segment may pass as it came:
		 * nf_ct_seqadj places it with the offset before the last
		 * rewrite, which never takes it past what the receiver has.
		 */
		if (!seq_before(st->last, seq + len))
			return SIP_ALG_SEG_RESENT;
		if (seq_before(seq, st->last)) {
			*skip = st->last - seq;
			return SIP_ALG_SEG_SEEN_PREFIX;
		}
		if (seq != st->last || seq_before(seq + len, st->next)) {
			if (!seq_before(st->next, seq + len))
				return SIP_ALG_SEG_PART_OF_LAST;
			*skip = st->next - seq;
			return SIP_ALG_SEG_SEEN_PREFIX;
		}
		/* The last segment again: take it again from where it began. */
		*fresh = st->next - seq;
		st->next = seq;
		st->skip = st->last_skip;
	}

	st->last = seq;
	st->taken = 1;
	/* Parsed again from the first byte held; not to be redone when resent. */
	if (st->holding) {
		st->last_valid = 0;
		*skip = 0;
		return SIP_ALG_SEG_PARSE;
	}
	st->last_skip = st->skip;
	st->last_valid = st->skip <= 0xffff;
	if (st->skip >= len) {
		st->skip -= len;
		st->next = seq + len;
		return SIP_ALG_SEG_CONTINUATION;
	}
	*skip = st->skip;
	return SIP_ALG_SEG_PARSE;
}

void sip_alg_stream_parsed(struct sip_alg_stream *st, u32 seq, u32 len, u32 rest)
{
	st->next = seq + len;
	st->holding = 0;
	st->skip = rest;
}

void sip_alg_stream_hold(struct sip_alg_stream *st, u32 held)
{
	st->holding = 1;
	st->held = held;
	st->released = 0;
	/* The held bytes are gone from the segment: it cannot be parsed again alike. */
	st->last_valid = 0;
}

void sip_alg_stream_released(struct sip_alg_stream *st)
{
	st->released = 1;
}

u32 sip_alg_stream_msg_len(int err, const struct sip_alg_msg *msg)
{
	if (err == SIP_ALG_OK)
		return msg->msg_len;
	if (!msg->hdr_end || msg->content_length < 0)
		return 0;
	return msg->hdr_end + (u32)msg->content_length;
}

u32 sip_alg_stream_message(struct sip_alg_stream *st, int err, const struct sip_alg_msg *msg,
			   u32 avail, u32 *rest)
{
	u32 len = sip_alg_stream_msg_len(err, msg);

	/* Past a start line: the stream carries SIP. */
	if (err == SIP_ALG_OK || msg->hdr_end || msg->n_headers)
		st->sip = 1;
	if (!len) {
		sip_alg_stream_stop(st);
		return 0;
	}
	if (len > avail) {
		*rest = len - avail;
		return avail;
	}
	return len;
}
