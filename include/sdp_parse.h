/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-pass SDP parser (RFC 8866) for the fields a NAT ALG needs. Offsets are
 * into the whole SIP message buffer, so edits can be planned directly.
 */
#ifndef _SDP_PARSE_H
#define _SDP_PARSE_H

#include "sip_parse.h"

/* Hard ceiling of the media array; the run-time cap (default 16) is below it. */
#define SDP_ALG_MAX_MEDIA	64
#define SDP_ALG_DEFAULT_MAX_MEDIA	16
#define SDP_ALG_MAX_ADDRS	(2 * SDP_ALG_MAX_MEDIA + 4)
#define SDP_ALG_MAX_LINES	256

enum sdp_alg_direction {
	SDP_ALG_SENDRECV = 0,		/* the default when no attribute says otherwise */
	SDP_ALG_SENDONLY,
	SDP_ALG_RECVONLY,
	SDP_ALG_INACTIVE,
};

struct sdp_alg_media {
	struct sip_alg_span line;	/* the whole m= line, without its line end */
	struct sip_alg_span type;	/* audio, video, application, ... */
	struct sip_alg_span proto;	/* RTP/AVP, RTP/SAVPF, ... */
	u16 port;			/* 0: stream disabled */
	u16 port_count;			/* m=<port>/<count>, 1 when absent */
	s16 conn;			/* media c= index into addrs, -1: use session c= */
	s16 rtcp;			/* a=rtcp index into addrs, -1 when absent */
	s16 port_addr;			/* the m= port occurrence in addrs */
	u8 direction;			/* enum sdp_alg_direction, session default applied */
	u8 rtcp_mux;
	u8 n_candidates;		/* a=candidate lines seen (saturates at 255) */
};

struct sdp_alg_line {
	u8 type;			/* the letter before '=' */
	struct sip_alg_span span;	/* line including its CRLF or LF */
};

struct sdp_alg_session {
	s16 origin;			/* o= address index into addrs, -1 */
	s16 conn;			/* session-level c= index into addrs, -1 */
	u8 direction;			/* session-level direction attribute */
	u16 n_media;
	u16 n_addrs;
	u16 n_lines;
	struct sdp_alg_media media[SDP_ALG_MAX_MEDIA];
	/*
	 * Occurrences, with sip_alg_addr.field one of SIP_ALG_F_SDP_* and .media
	 * the m= index (0xff at session level). c= with "/ttl/count" keeps only
	 * the address in hp.host. A hold address 0.0.0.0 is kept as is.
	 */
	struct sip_alg_addr addrs[SDP_ALG_MAX_ADDRS];
	struct sdp_alg_line lines[SDP_ALG_MAX_LINES];
};

/*
 * Parse the SDP at buf[sdp.off .. sdp.off + sdp.len). @max_media is the
 * run-time cap (<= SDP_ALG_MAX_MEDIA); more m= lines give
 * SIP_ALG_E_SDP_TOO_MANY_MEDIA. Returns SIP_ALG_OK or SIP_ALG_E_SDP*.
 */
int sdp_alg_parse(const char *buf, struct sip_alg_span sdp, u16 max_media,
		  struct sdp_alg_session *s);

/* The address a media stream is sent to: its own c= or the session's; NULL if none. */
const struct sip_alg_addr *sdp_alg_media_conn(const struct sdp_alg_session *s, u16 media);

#endif /* _SDP_PARSE_H */
