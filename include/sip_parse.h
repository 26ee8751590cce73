/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-pass SIP message tokenizer. The result is offsets into the caller's
 * buffer; nothing is copied and nothing is scanned twice.
 */
#ifndef _SIP_PARSE_H
#define _SIP_PARSE_H

#include "sip_alg_types.h"

#define SIP_ALG_MAX_HEADERS	96
#define SIP_ALG_MAX_ADDRS	48

enum sip_alg_err {
	SIP_ALG_OK = 0,
	SIP_ALG_E_INCOMPLETE,		/* need more bytes (TCP); UDP: cut in the headers */
	SIP_ALG_E_TOO_BIG,		/* message longer than SIP_ALG_MAX_MSG_LEN */
	SIP_ALG_E_START_LINE,		/* neither "METHOD uri SIP/2.0" nor "SIP/2.0 nnn reason" */
	SIP_ALG_E_VERSION,		/* not SIP/2.0 */
	SIP_ALG_E_STATUS,		/* status code not 100..699 */
	SIP_ALG_E_HEADER,		/* header line without name or colon, bad folding */
	SIP_ALG_E_TOO_MANY_HEADERS,
	SIP_ALG_E_TOO_MANY_ADDRS,
	SIP_ALG_E_URI,			/* an address-bearing header whose URI does not parse */
	SIP_ALG_E_HOST,			/* bad IPv4/IPv6 literal or host name */
	SIP_ALG_E_PORT,			/* port not 1..65535 digits */
	SIP_ALG_E_VIA,			/* Via not "SIP/2.0/<transport> sent-by" */
	SIP_ALG_E_CONTENT_LENGTH,	/* not a number, two that disagree, or none on TCP */
	SIP_ALG_E_BODY_LENGTH,		/* datagram: Content-Length beyond the end */
	SIP_ALG_E_MISSING_HEADER,	/* no Call-ID, CSeq, From, To or Via */
	SIP_ALG_E_CSEQ,
	SIP_ALG_E_MULTIPART,		/* multipart body whose boundary does not parse */
	SIP_ALG_E_SDP,			/* set by the SDP parser, see sdp_parse.h */
	SIP_ALG_E_SDP_TOO_MANY_MEDIA,
	SIP_ALG_E_NR
};

enum sip_alg_kind {
	SIP_ALG_REQUEST,
	SIP_ALG_RESPONSE,
};

/* Methods the ALG acts on; everything else is SIP_ALG_M_OTHER (kept as text). */
enum sip_alg_method {
	SIP_ALG_M_OTHER = 0,
	SIP_ALG_M_INVITE,
	SIP_ALG_M_ACK,
	SIP_ALG_M_BYE,
	SIP_ALG_M_CANCEL,
	SIP_ALG_M_REGISTER,
	SIP_ALG_M_OPTIONS,
	SIP_ALG_M_PRACK,
	SIP_ALG_M_UPDATE,
	SIP_ALG_M_SUBSCRIBE,
	SIP_ALG_M_NOTIFY,
	SIP_ALG_M_REFER,
	SIP_ALG_M_MESSAGE,
	SIP_ALG_M_INFO,
	SIP_ALG_M_PUBLISH,
	SIP_ALG_M_NR
};

/* Header names the parser knows, long or compact form (RFC 3261 7.3.3 and extensions). */
enum sip_alg_hdr {
	SIP_ALG_H_OTHER = 0,
	SIP_ALG_H_VIA,			/* v */
	SIP_ALG_H_FROM,			/* f */
	SIP_ALG_H_TO,			/* t */
	SIP_ALG_H_CALL_ID,		/* i */
	SIP_ALG_H_CSEQ,
	SIP_ALG_H_CONTACT,		/* m */
	SIP_ALG_H_ROUTE,
	SIP_ALG_H_RECORD_ROUTE,
	SIP_ALG_H_CONTENT_LENGTH,	/* l */
	SIP_ALG_H_CONTENT_TYPE,		/* c */
	SIP_ALG_H_EXPIRES,
	SIP_ALG_H_SUPPORTED,		/* k */
	SIP_ALG_H_SUBJECT,		/* s */
	SIP_ALG_H_EVENT,		/* o */
	SIP_ALG_H_CONTENT_ENCODING,	/* e */
	SIP_ALG_H_REFER_TO,		/* r */
	SIP_ALG_H_ALLOW_EVENTS,		/* u */
	SIP_ALG_H_REFERRED_BY,		/* b */
	SIP_ALG_H_SESSION_EXPIRES,	/* x */
	SIP_ALG_H_NR
};

/*
 * Where an address occurrence stands. The rewrite planner decides per
 * direction which of these it may change (see sip_rewrite.c).
 */
enum sip_alg_field {
	SIP_ALG_F_REQUEST_URI,
	SIP_ALG_F_VIA,
	SIP_ALG_F_FROM,
	SIP_ALG_F_TO,
	SIP_ALG_F_CONTACT,
	SIP_ALG_F_ROUTE,
	SIP_ALG_F_RECORD_ROUTE,
	SIP_ALG_F_SDP_ORIGIN,		/* o= unicast address */
	SIP_ALG_F_SDP_CONN,		/* c= address, session or media level */
	SIP_ALG_F_SDP_MEDIA,		/* m= port (hostport.host empty) */
	SIP_ALG_F_SDP_RTCP,		/* a=rtcp: port and optional address */
	SIP_ALG_F_NR
};

/* What part of the header entry the occurrence is. */
enum sip_alg_role {
	SIP_ALG_R_HOST,			/* URI host[:port] or Via sent-by */
	SIP_ALG_R_MADDR,		/* ;maddr= */
	SIP_ALG_R_RECEIVED,		/* Via ;received= */
	SIP_ALG_R_RPORT,		/* Via ;rport=N (port only) */
};

enum sip_alg_scheme {
	SIP_ALG_S_NONE = 0,		/* Via sent-by, SDP */
	SIP_ALG_S_SIP,
	SIP_ALG_S_SIPS,
	SIP_ALG_S_TEL,
};

enum sip_alg_transport {
	SIP_ALG_T_NONE = 0,
	SIP_ALG_T_UDP,
	SIP_ALG_T_TCP,
	SIP_ALG_T_TLS,
	SIP_ALG_T_SCTP,
	SIP_ALG_T_WS,
	SIP_ALG_T_OTHER,
};

struct sip_alg_header {
	u8 id;				/* enum sip_alg_hdr */
	u8 compact;			/* the name was the one-letter form */
	struct sip_alg_span name;
	struct sip_alg_span value;	/* trimmed; spans folded lines as they are */
};

/*
 * One address inside the message. For a header that holds several entries
 * (Via: a, b or two Contact headers) each entry has its own occurrences and
 * "entry" counts them in message order per field: entry 0 of SIP_ALG_F_VIA is
 * the topmost Via.
 */
struct sip_alg_addr {
	u8 field;			/* enum sip_alg_field */
	u8 role;			/* enum sip_alg_role */
	u8 scheme;			/* enum sip_alg_scheme */
	u8 transport;			/* Via protocol or URI ;transport= */
	u8 entry;
	u8 media;			/* SDP: index of the m= line, 0xff at session level */
	u16 hdr;			/* index into .headers, 0xffff: start line or SDP */
	s32 expires;			/* Contact ;expires= value, -1 when absent */
	struct sip_alg_hostport hp;
};

/* sip_alg_msg.present: which mandatory headers were seen */
#define SIP_ALG_HAVE_VIA	0x01
#define SIP_ALG_HAVE_FROM	0x02
#define SIP_ALG_HAVE_TO		0x04
#define SIP_ALG_HAVE_MANDATORY	0x07

struct sip_alg_msg {
	u8 kind;			/* enum sip_alg_kind */
	u8 method;			/* request method, enum sip_alg_method */
	u8 cseq_method;			/* method named in CSeq */
	u8 transport;			/* of the top Via */
	u16 status;			/* response code */
	struct sip_alg_span method_tok;	/* request method as written (any token) */
	struct sip_alg_span uri;	/* Request-URI */
	struct sip_alg_span reason;	/* reason phrase */
	struct sip_alg_span call_id;	/* Call-ID value */
	struct sip_alg_span from_tag;
	struct sip_alg_span to_tag;
	struct sip_alg_span branch;	/* top Via ;branch= */
	struct sip_alg_span cseq_method_tok;
	u32 cseq;
	s32 expires;			/* Expires header, -1 when absent */
	s32 content_length;		/* -1 when absent */
	struct sip_alg_span cl_value;	/* Content-Length digits (of the first one) */
	struct sip_alg_span content_type;	/* media type of the body as written */
	struct sip_alg_span body;	/* whole body (may be empty) */
	struct sip_alg_span sdp;	/* the application/sdp part within body, len 0 if none */
	struct sip_alg_span boundary;	/* multipart boundary parameter, without quotes */
	u8 present;			/* SIP_ALG_HAVE_* */
	u16 hdr_end;			/* offset of the first body byte (after the empty line) */
	u32 msg_len;			/* bytes this message occupies in the buffer */
	u16 n_headers;
	u16 n_addrs;
	struct sip_alg_header headers[SIP_ALG_MAX_HEADERS];
	struct sip_alg_addr addrs[SIP_ALG_MAX_ADDRS];
};

/*
 * Character classes of sip_alg_ctab[], shared by the SIP and SDP parsers:
 * one table lookup per byte on the hot loops.
 */
#define SIP_C_TOKEN		0x01	/* RFC 3261 token */
#define SIP_C_HOST		0x02	/* host name: alphanumeric - . _ */
#define SIP_C_DIGIT		0x04
#define SIP_C_HEX		0x08
#define SIP_C_WS		0x10	/* SP HT */
#define SIP_C_LWS		0x20	/* SP HT CR LF */
#define SIP_C_PVAL		0x40	/* parameter value: token and : [ ] / & $ @ */
#define SIP_C_SCHEME	0x80	/* URI scheme: alphanumeric + - . */
extern const u8 sip_alg_ctab[256];

/*
 * Offset of the first LF in b[p..end), or end. Sixteen bytes per step: the
 * kernel's memchr() is a byte loop, and line ends are most of the work.
 * (x - 0x01..) & ~x & 0x80.. marks the zero bytes of x = w ^ 0x0a..; a
 * borrow can only mark bytes above the first zero, so the lowest mark is
 * the first LF.
 */
static inline u32 sip_alg_find_lf(const char *b, u32 p, u32 end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const u64 ones = 0x0101010101010101ULL, lf = 0x0a0a0a0a0a0a0a0aULL;
	const u64 high = ones << 7;
	u64 w, x, y;

	while (p + 16 <= end) {
		memcpy(&w, b + p, 8);
		x = w ^ lf;
		x = (x - ones) & ~x & high;
		memcpy(&w, b + p + 8, 8);
		y = w ^ lf;
		y = (y - ones) & ~y & high;
		if (x | y) {
			if (x)
				return p + ((u32)__builtin_ctzll(x) >> 3);
			return p + 8 + ((u32)__builtin_ctzll(y) >> 3);
		}
		p += 16;
	}
	if (p + 8 <= end) {
		memcpy(&w, b + p, 8);
		x = w ^ lf;
		x = (x - ones) & ~x & high;
		if (x)
			return p + ((u32)__builtin_ctzll(x) >> 3);
		p += 8;
	}
#endif
	while (p < end && b[p] != '\n')
		p++;
	return p;
}

/* The value of a decimal digit; above 9 for any other byte. */
static inline u32 sip_alg_digit(char c)
{
	return (u32)(u8)c - '0';
}

/*
 * Digits and dots from b[p] up to @end: returns where they end; *valid when
 * they make a dotted-quad IPv4 address, stored in addr[0..3].
 */
static __always_inline u32 sip_alg_scan_ip4(const char *b, u32 p, u32 end, u8 *addr, bool *valid)
{
	u32 s = p, v = 0, nd = 0, part = 0, d;
	bool good = true;

	/* the usual case first: four octets of one to three digits */
	for (;;) {
		if (p >= end || sip_alg_digit(b[p]) > 9)
			goto slow;
		v = sip_alg_digit(b[p++]);
		if (p < end && sip_alg_digit(b[p]) <= 9) {
			v = v * 10 + sip_alg_digit(b[p++]);
			if (p < end && sip_alg_digit(b[p]) <= 9)
				v = v * 10 + sip_alg_digit(b[p++]);
		}
		if (v > 255)
			goto slow;
		addr[part] = (u8)v;
		if (part == 3)
			break;
		if (p >= end || b[p] != '.')
			goto slow;
		part++;
		p++;
	}
	/* ... that is not followed by more digits or dots */
	if (p == end || (sip_alg_digit(b[p]) > 9 && b[p] != '.')) {
		*valid = true;
		return p;
	}
slow:
	/* anything else: walk the whole run, noting what makes it invalid */
	v = 0;
	part = 0;
	for (p = s; p < end; p++) {
		d = sip_alg_digit(b[p]);
		if (d <= 9) {
			v = v * 10 + d;
			nd++;
			continue;
		}
		if (b[p] != '.')
			break;
		if (!nd || nd > 3 || v > 255 || part >= 3)
			good = false;
		else
			addr[part++] = (u8)v;
		v = 0;
		nd = 0;
	}
	if (!nd || nd > 3 || v > 255 || part != 3)
		good = false;
	else
		addr[3] = (u8)v;
	*valid = good;
	return p;
}

/* Decimal digits of @v into @out (up to 10 bytes, no NUL); returns the count. */
u32 sip_alg_fmt_dec(u32 v, char *out);

/*
 * Parse one SIP message at buf[0..len). @stream: the bytes come from a TCP
 * stream, so a message without a complete header block or body is
 * SIP_ALG_E_INCOMPLETE and Content-Length is mandatory; for a datagram a
 * missing Content-Length means the body runs to the end of the buffer, and
 * bytes after Content-Length are not part of the message. CRLFs before the
 * start line are skipped and counted in msg_len. At most the first
 * SIP_ALG_MAX_MSG_LEN bytes are looked at: a longer datagram, or a stream
 * message that does not end within them, is SIP_ALG_E_TOO_BIG.
 * Returns SIP_ALG_OK or an enum sip_alg_err; msg->msg_len is the message's
 * length on success. Only the scalar fields, headers[0..n_headers) and
 * addrs[0..n_addrs) are written: the arrays are not cleared.
 */
int sip_alg_parse(const char *buf, u32 len, bool stream, struct sip_alg_msg *msg);

/* Static text for an error code (never NULL), for logs and counters. */
const char *sip_alg_strerror(int err);

/* Parse a dotted IPv4 or an IPv6 literal (no brackets); true on success. */
bool sip_alg_parse_ip(const char *s, u32 len, u8 *family, u8 addr[16]);

/* Format an address (IPv6 in RFC 5952 form); returns bytes written, no NUL. */
u32 sip_alg_format_ip(u8 family, const u8 addr[16], char *out);

#endif /* _SIP_PARSE_H */
