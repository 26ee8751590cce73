// SPDX-License-Identifier: GPL-2.0
/*
 * One-pass SIP message tokenizer.
 *
 * The message is walked once, line by line: sip_alg_find_lf() finds each
 * line end, the header name is classified, and only the headers the ALG
 * needs (Via, From, To, Contact, Route, Record-Route, Call-ID, CSeq,
 * Content-*, Expires) have their value tokenized, in the same pass. The result is offsets into
 * the caller's buffer. The code runs in the kernel on every SIP packet and
 * in userspace for the tests and fuzzers, so it uses no allocation, no
 * recursion and no mutable global state, and it never reads at or past the
 * end of the buffer it was given.
 */
#include "sip_parse.h"

/*
 * Character classes, one table lookup per byte: SIP_C_TOKEN (RFC 3261 token),
 * SIP_C_HOST (host name), SIP_C_DIGIT, SIP_C_HEX, SIP_C_WS (SP HT), SIP_C_LWS (SP HT CR LF; the
 * value of a folded header keeps its line breaks), SIP_C_PVAL (parameter value:
 * token plus ":[]/&$@"), SIP_C_SCHEME (URI scheme).
 */
const u8 sip_alg_ctab[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x30, 0x20, 0x00, 0x00, 0x20, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x30, 0x41, 0x00, 0x00, 0x40, 0x41, 0x40, 0x41,
	0x00, 0x00, 0x41, 0xc1, 0x00, 0xc3, 0xc3, 0x40,
	0xcf, 0xcf, 0xcf, 0xcf, 0xcf, 0xcf, 0xcf, 0xcf,
	0xcf, 0xcf, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x40, 0xcb, 0xcb, 0xcb, 0xcb, 0xcb, 0xcb, 0xc3,
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
	0xc3, 0xc3, 0xc3, 0x40, 0x00, 0x40, 0x00, 0x43,
	0x41, 0xcb, 0xcb, 0xcb, 0xcb, 0xcb, 0xcb, 0xc3,
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
	0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3, 0xc3,
	0xc3, 0xc3, 0xc3, 0x00, 0x00, 0x00, 0x41, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define SIP_DEFAULT_PORT	5060
#define SIPS_DEFAULT_PORT	5061

/* Parser state that is not part of the result; lives on the stack. */
struct sip_pctx {
	const char *b;
	struct sip_alg_msg *m;
	u16 hdr;			/* index of the header being parsed */
	u8 got_branch;
	u8 got_from_tag;
	u8 got_to_tag;
	u8 entry[SIP_ALG_F_NR];		/* next entry number per field */
};

static inline bool cls(char c, u8 mask)
{
	return sip_alg_ctab[(u8)c] & mask;
}

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline u32 skip_lws(const char *b, u32 p, u32 end)
{
	while (p < end && cls(b[p], SIP_C_LWS))
		p++;
	return p;
}

/*
 * The end of the run of @mask bytes at b[p..end). Four bytes per step where
 * it can: one bounds check and one branch for them instead of four of each;
 * tokens, parameter values and host names are most of what is walked.
 */
static inline u32 span_cls(const char *b, u32 p, u32 end, u8 mask)
{
	const u8 *t = sip_alg_ctab;

	while (p + 4 <= end &&
	       (t[(u8)b[p]] & t[(u8)b[p + 1]] & t[(u8)b[p + 2]] & t[(u8)b[p + 3]] & mask))
		p += 4;
	while (p < end && cls(b[p], mask))
		p++;
	return p;
}

/*
 * Offset of the first @c1 or @c2 in b[p..end), or end: eight bytes per step
 * as in sip_alg_find_lf(). Each test marks its own first match exactly (a
 * borrow only marks bytes above a match), so the lowest mark of the two is
 * the first byte that is either.
 */
static inline u32 find2(const char *b, u32 p, u32 end, char c1, char c2)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const u64 ones = 0x0101010101010101ULL, high = ones << 7;
	const u64 k1 = ones * (u8)c1, k2 = ones * (u8)c2;
	u64 w, x, y;

	while (p + 8 <= end) {
		memcpy(&w, b + p, 8);
		x = w ^ k1;
		y = w ^ k2;
		x = (((x - ones) & ~x) | ((y - ones) & ~y)) & high;
		if (x)
			return p + ((u32)__builtin_ctzll(x) >> 3);
		p += 8;
	}
#endif
	while (p < end && b[p] != c1 && b[p] != c2)
		p++;
	return p;
}

/* Case-insensitive compare against a lower-case literal; no libc call. */
static inline bool ieq(const char *s, const char *lit, u32 n)
{
	u32 i;

	/* @lit is lower case, so only a letter may differ in the 0x20 bit */
	for (i = 0; i < n; i++)
		if (s[i] != lit[i] && ((s[i] | 0x20) != lit[i] || lit[i] < 'a'))
			return false;
	return true;
}

/*
 * The same a word at a time. OR-ing 0x20 into a byte gives a lower-case
 * letter only from that letter or its upper case, and keeps digits, '-' and
 * '.' as they are, so this is exact for any input when @lit is letters only,
 * and for token input (header, parameter and transport names) when @lit has
 * digits, '-' or '.' too: only bytes no token has (CR for '-') fold onto
 * those. Loads of 8, 4, 2 or 1 bytes, the last one overlapping the one before.
 */
static inline bool tok_ieq(const char *s, const char *lit, u32 n)
{
	const u64 fold = 0x2020202020202020ULL;
	u32 w, w2, v, v2;
	u16 h, h2, k, k2;
	u64 x, y;

	if (n >= 8) {
		while (n > 8) {
			memcpy(&x, s, 8);
			memcpy(&y, lit, 8);
			if ((x | fold) != y)
				return false;
			s += 8;
			lit += 8;
			n -= 8;
		}
		memcpy(&x, s + n - 8, 8);
		memcpy(&y, lit + n - 8, 8);
		return (x | fold) == y;
	}
	if (n >= 4) {
		memcpy(&w, s, 4);
		memcpy(&v, lit, 4);
		memcpy(&w2, s + n - 4, 4);
		memcpy(&v2, lit + n - 4, 4);
		return ((w | 0x20202020) == v) & ((w2 | 0x20202020) == v2);
	}
	if (n >= 2) {
		memcpy(&h, s, 2);
		memcpy(&k, lit, 2);
		memcpy(&h2, s + n - 2, 2);
		memcpy(&k2, lit + n - 2, 2);
		return ((h | 0x2020) == k) & ((h2 | 0x2020) == k2);
	}
	return !n || ((u8)s[0] | 0x20) == (u8)lit[0];
}

/* b[off..off + len) is @lit, a lower-case literal of letters only, in any case */
static inline bool span_is(const char *b, u32 off, u32 len, const char *lit, u32 lit_len)
{
	return len == lit_len && tok_ieq(b + off, lit, lit_len);
}

static inline struct sip_alg_span mkspan(u32 off, u32 len)
{
	struct sip_alg_span s = { .off = (u16)off, .len = (u16)len };

	return s;
}

/* A whole dotted-quad IPv4 address s[0..len). */
static bool parse_ip4(const char *s, u32 len, u8 *addr)
{
	bool valid;

	return sip_alg_scan_ip4(s, 0, len, addr, &valid) == len && valid;
}

static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool parse_ip6(const char *s, u32 len, u8 *addr)
{
	u16 w[8];
	int n = 0, dc = -1, i, k;
	u32 p = 0, start, nd, v;

	if (len < 2)
		return false;
	if (s[0] == ':') {
		if (s[1] != ':')
			return false;
		dc = 0;
		p = 2;
	}
	while (p < len) {
		if (n == 8)
			return false;
		start = p;
		v = 0;
		nd = 0;
		while (p < len && nd < 5 && hexval(s[p]) >= 0) {
			v = (v << 4) | (u32)hexval(s[p]);
			p++;
			nd++;
		}
		if (p < len && s[p] == '.') {
			/* embedded IPv4 in the last 32 bits */
			if (n > 6 || !parse_ip4(s + start, len - start, addr))
				return false;
			w[n++] = (u16)((addr[0] << 8) | addr[1]);
			w[n++] = (u16)((addr[2] << 8) | addr[3]);
			p = len;
			break;
		}
		if (!nd || nd > 4)
			return false;
		w[n++] = (u16)v;
		if (p == len)
			break;
		if (s[p] != ':')
			return false;
		p++;
		if (p < len && s[p] == ':') {
			if (dc >= 0)
				return false;
			dc = n;
			p++;
		} else if (p == len) {
			return false;
		}
	}
	if (dc < 0 && n != 8)
		return false;
	if (dc >= 0 && n > 7)
		return false;
	memset(addr, 0, 16);
	if (dc < 0)
		dc = n;
	for (i = 0; i < dc; i++) {
		addr[2 * i] = w[i] >> 8;
		addr[2 * i + 1] = w[i] & 0xff;
	}
	/* the groups after "::" go to the end of the address */
	for (i = dc, k = 8 - (n - dc); i < n; i++, k++) {
		addr[2 * k] = w[i] >> 8;
		addr[2 * k + 1] = w[i] & 0xff;
	}
	return true;
}

bool sip_alg_parse_ip(const char *s, u32 len, u8 *family, u8 addr[16])
{
	if (!len || len > 45)
		return false;
	/* IPv4 fails within four bytes on an IPv6 literal */
	if (parse_ip4(s, len, addr)) {
		memset(addr + 4, 0, 12);
		*family = 4;
		return true;
	}
	if (!parse_ip6(s, len, addr))
		return false;
	*family = 6;
	return true;
}

/* "00" to "99": two digits per division when formatting numbers */
static const char sip_alg_digit_pairs[100][2] = {
	{ '0', '0' }, { '0', '1' }, { '0', '2' }, { '0', '3' }, { '0', '4' }, { '0', '5' },
	{ '0', '6' }, { '0', '7' }, { '0', '8' }, { '0', '9' }, { '1', '0' }, { '1', '1' },
	{ '1', '2' }, { '1', '3' }, { '1', '4' }, { '1', '5' }, { '1', '6' }, { '1', '7' },
	{ '1', '8' }, { '1', '9' }, { '2', '0' }, { '2', '1' }, { '2', '2' }, { '2', '3' },
	{ '2', '4' }, { '2', '5' }, { '2', '6' }, { '2', '7' }, { '2', '8' }, { '2', '9' },
	{ '3', '0' }, { '3', '1' }, { '3', '2' }, { '3', '3' }, { '3', '4' }, { '3', '5' },
	{ '3', '6' }, { '3', '7' }, { '3', '8' }, { '3', '9' }, { '4', '0' }, { '4', '1' },
	{ '4', '2' }, { '4', '3' }, { '4', '4' }, { '4', '5' }, { '4', '6' }, { '4', '7' },
	{ '4', '8' }, { '4', '9' }, { '5', '0' }, { '5', '1' }, { '5', '2' }, { '5', '3' },
	{ '5', '4' }, { '5', '5' }, { '5', '6' }, { '5', '7' }, { '5', '8' }, { '5', '9' },
	{ '6', '0' }, { '6', '1' }, { '6', '2' }, { '6', '3' }, { '6', '4' }, { '6', '5' },
	{ '6', '6' }, { '6', '7' }, { '6', '8' }, { '6', '9' }, { '7', '0' }, { '7', '1' },
	{ '7', '2' }, { '7', '3' }, { '7', '4' }, { '7', '5' }, { '7', '6' }, { '7', '7' },
	{ '7', '8' }, { '7', '9' }, { '8', '0' }, { '8', '1' }, { '8', '2' }, { '8', '3' },
	{ '8', '4' }, { '8', '5' }, { '8', '6' }, { '8', '7' }, { '8', '8' }, { '8', '9' },
	{ '9', '0' }, { '9', '1' }, { '9', '2' }, { '9', '3' }, { '9', '4' }, { '9', '5' },
	{ '9', '6' }, { '9', '7' }, { '9', '8' }, { '9', '9' },
};

u32 sip_alg_fmt_dec(u32 v, char *out)
{
	u32 n = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1, i, d;

	if (v >= 100000)
		n = v >= 1000000000 ? 10 : v >= 100000000 ? 9 : v >= 10000000 ? 8 :
		    v >= 1000000 ? 7 : 6;
	i = n;
	while (v >= 100) {
		d = v % 100;
		v /= 100;
		out[--i] = sip_alg_digit_pairs[d][1];
		out[--i] = sip_alg_digit_pairs[d][0];
	}
	if (v >= 10) {
		out[1] = sip_alg_digit_pairs[v][1];
		out[0] = sip_alg_digit_pairs[v][0];
	} else {
		out[0] = (char)('0' + v);
	}
	return n;
}

static u32 fmt_ip4(const u8 *a, char *out)
{
	u32 n = 0, i, v, d;

	for (i = 0; i < 4; i++) {
		v = a[i];
		if (i)
			out[n++] = '.';
		if (v >= 100) {
			out[n++] = (char)('0' + (v >= 200 ? 2 : 1));
			d = v - (v >= 200 ? 200 : 100);
			out[n++] = sip_alg_digit_pairs[d][0];
			out[n++] = sip_alg_digit_pairs[d][1];
		} else if (v >= 10) {
			out[n++] = sip_alg_digit_pairs[v][0];
			out[n++] = sip_alg_digit_pairs[v][1];
		} else {
			out[n++] = (char)('0' + v);
		}
	}
	return n;
}

u32 sip_alg_format_ip(u8 family, const u8 addr[16], char *out)
{
	static const char hex[] = "0123456789abcdef";
	int best = -1, best_len = 1, run = 0, i;
	u32 n = 0;
	u16 w;

	if (family == 4)
		return fmt_ip4(addr, out);
	/* RFC 5952: longest run of two or more zero groups becomes "::" */
	for (i = 0; i < 8; i++) {
		if (!addr[2 * i] && !addr[2 * i + 1]) {
			run++;
			if (run > best_len) {
				best_len = run;
				best = i - run + 1;
			}
		} else {
			run = 0;
		}
	}
	/* RFC 5952 section 5: IPv4-mapped addresses keep the dotted tail */
	if (best == 0 && best_len == 5 && addr[10] == 0xff && addr[11] == 0xff) {
		memcpy(out, "::ffff:", 7);
		return 7 + fmt_ip4(addr + 12, out + 7);
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			out[n++] = ':';
			out[n++] = ':';
			i += best_len - 1;
			continue;
		}
		if (i && i != best + best_len)
			out[n++] = ':';
		w = (u16)((addr[2 * i] << 8) | addr[2 * i + 1]);
		if (w >= 0x1000)
			out[n++] = hex[w >> 12];
		if (w >= 0x100)
			out[n++] = hex[(w >> 8) & 0xf];
		if (w >= 0x10)
			out[n++] = hex[(w >> 4) & 0xf];
		out[n++] = hex[w & 0xf];
	}
	return n;
}

const char *sip_alg_strerror(int err)
{
	static const char * const names[SIP_ALG_E_NR] = {
		[SIP_ALG_OK] = "ok",
		[SIP_ALG_E_INCOMPLETE] = "incomplete message",
		[SIP_ALG_E_TOO_BIG] = "message too big",
		[SIP_ALG_E_START_LINE] = "bad start line",
		[SIP_ALG_E_VERSION] = "not SIP/2.0",
		[SIP_ALG_E_STATUS] = "bad status code",
		[SIP_ALG_E_HEADER] = "bad header line",
		[SIP_ALG_E_TOO_MANY_HEADERS] = "too many headers",
		[SIP_ALG_E_TOO_MANY_ADDRS] = "too many addresses",
		[SIP_ALG_E_URI] = "bad URI",
		[SIP_ALG_E_HOST] = "bad host",
		[SIP_ALG_E_PORT] = "bad port",
		[SIP_ALG_E_VIA] = "bad Via",
		[SIP_ALG_E_CONTENT_LENGTH] = "bad Content-Length",
		[SIP_ALG_E_BODY_LENGTH] = "body shorter than Content-Length",
		[SIP_ALG_E_MISSING_HEADER] = "mandatory header missing",
		[SIP_ALG_E_CSEQ] = "bad CSeq",
		[SIP_ALG_E_MULTIPART] = "bad multipart body",
		[SIP_ALG_E_SDP] = "bad SDP",
		[SIP_ALG_E_SDP_TOO_MANY_MEDIA] = "too many SDP media",
	};

	if (err < 0 || err >= SIP_ALG_E_NR || !names[err])
		return "unknown error";
	return names[err];
}

struct sip_name {
	u8 len;
	u8 id;
	const char *name;
};

static const struct sip_name sip_methods[] = {
	{ 6, SIP_ALG_M_INVITE, "INVITE" },
	{ 3, SIP_ALG_M_ACK, "ACK" },
	{ 3, SIP_ALG_M_BYE, "BYE" },
	{ 6, SIP_ALG_M_CANCEL, "CANCEL" },
	{ 8, SIP_ALG_M_REGISTER, "REGISTER" },
	{ 7, SIP_ALG_M_OPTIONS, "OPTIONS" },
	{ 5, SIP_ALG_M_PRACK, "PRACK" },
	{ 6, SIP_ALG_M_UPDATE, "UPDATE" },
	{ 9, SIP_ALG_M_SUBSCRIBE, "SUBSCRIBE" },
	{ 6, SIP_ALG_M_NOTIFY, "NOTIFY" },
	{ 5, SIP_ALG_M_REFER, "REFER" },
	{ 7, SIP_ALG_M_MESSAGE, "MESSAGE" },
	{ 4, SIP_ALG_M_INFO, "INFO" },
	{ 7, SIP_ALG_M_PUBLISH, "PUBLISH" },
};

/* Method names are case-sensitive (RFC 3261 7.1). */
static u8 method_id(const char *s, u32 len)
{
	u32 i;

	if (len < 3 || len > 9)
		return SIP_ALG_M_OTHER;
	for (i = 0; i < ARRAY_SIZE(sip_methods); i++)
		if (sip_methods[i].name[0] == s[0] && sip_methods[i].len == len &&
		    !memcmp(sip_methods[i].name, s, len))
			return sip_methods[i].id;
	return SIP_ALG_M_OTHER;
}

/*
 * Header names: lower case, letters and at most one '-' at offset .hyphen
 * (0: none). Grouped by first letter, the common ones first in a group; the
 * last entry's .first (0) ends the last group.
 */
struct sip_hdr_name {
	u8 first;
	u8 len;
	u8 id;
	u8 hyphen;
	const char *name;
};

static const struct sip_hdr_name sip_hdrs[] = {
	{ 'a', 12, SIP_ALG_H_ALLOW_EVENTS, 5, "allow-events" },
	{ 'c', 14, SIP_ALG_H_CONTENT_LENGTH, 7, "content-length" },
	{ 'c', 12, SIP_ALG_H_CONTENT_TYPE, 7, "content-type" },
	{ 'c', 7, SIP_ALG_H_CONTACT, 0, "contact" },
	{ 'c', 7, SIP_ALG_H_CALL_ID, 4, "call-id" },
	{ 'c', 4, SIP_ALG_H_CSEQ, 0, "cseq" },
	{ 'c', 16, SIP_ALG_H_CONTENT_ENCODING, 7, "content-encoding" },
	{ 'e', 5, SIP_ALG_H_EVENT, 0, "event" },
	{ 'e', 7, SIP_ALG_H_EXPIRES, 0, "expires" },
	{ 'f', 4, SIP_ALG_H_FROM, 0, "from" },
	{ 'r', 12, SIP_ALG_H_RECORD_ROUTE, 6, "record-route" },
	{ 'r', 8, SIP_ALG_H_REFER_TO, 5, "refer-to" },
	{ 'r', 11, SIP_ALG_H_REFERRED_BY, 8, "referred-by" },
	{ 'r', 5, SIP_ALG_H_ROUTE, 0, "route" },
	{ 's', 15, SIP_ALG_H_SESSION_EXPIRES, 7, "session-expires" },
	{ 's', 7, SIP_ALG_H_SUBJECT, 0, "subject" },
	{ 's', 9, SIP_ALG_H_SUPPORTED, 0, "supported" },
	{ 't', 2, SIP_ALG_H_TO, 0, "to" },
	{ 'v', 3, SIP_ALG_H_VIA, 0, "via" },
	{ 0, 0, SIP_ALG_H_OTHER, 0, "" },
};

/* Index of the first sip_hdrs[] entry per initial letter (slot 0: not a letter). */
static const u8 sip_hdr_first[27] = {
	19, 0, 19, 1, 19, 7, 9, 19, 19, 19, 19, 19, 19, 19,
	19, 19, 19, 19, 10, 14, 17, 19, 18, 19, 19, 19, 19,
};

/* RFC 3261 7.3.3, RFC 3265, RFC 3515, RFC 3892, RFC 4028 */
static const u8 sip_compact[26] = {
	['b' - 'a'] = SIP_ALG_H_REFERRED_BY,
	['c' - 'a'] = SIP_ALG_H_CONTENT_TYPE,
	['e' - 'a'] = SIP_ALG_H_CONTENT_ENCODING,
	['f' - 'a'] = SIP_ALG_H_FROM,
	['i' - 'a'] = SIP_ALG_H_CALL_ID,
	['k' - 'a'] = SIP_ALG_H_SUPPORTED,
	['l' - 'a'] = SIP_ALG_H_CONTENT_LENGTH,
	['m' - 'a'] = SIP_ALG_H_CONTACT,
	['o' - 'a'] = SIP_ALG_H_EVENT,
	['r' - 'a'] = SIP_ALG_H_REFER_TO,
	['s' - 'a'] = SIP_ALG_H_SUBJECT,
	['t' - 'a'] = SIP_ALG_H_TO,
	['u' - 'a'] = SIP_ALG_H_ALLOW_EVENTS,
	['v' - 'a'] = SIP_ALG_H_VIA,
	['x' - 'a'] = SIP_ALG_H_SESSION_EXPIRES,
};

/*
 * The header name at b[ns..nl), where b[nl] is the line's LF: its id, and in
 * *ne the end of its token. A known name is found by its first letter, the
 * byte after it (which must end the token), one compare and a look at its
 * '-' (see tok_ieq()), so only unknown names are walked byte by byte. The
 * result is that of matching the whole token against the table, compact
 * forms included.
 */
static u8 header_name(const char *b, u32 ns, u32 nl, u32 *ne, u8 *compact)
{
	u32 c0 = (u8)b[ns] | 0x20;
	const struct sip_hdr_name *h;

	*compact = 0;
	if (c0 >= 'a' && c0 <= 'z') {
		/* b[ns] is not the LF, so b[ns + 1] is in the line or is its LF */
		if (!cls(b[ns + 1], SIP_C_TOKEN)) {
			*ne = ns + 1;
			*compact = sip_compact[c0 - 'a'] ? 1 : 0;
			return sip_compact[c0 - 'a'];
		}
		for (h = &sip_hdrs[sip_hdr_first[c0 - 'a' + 1]]; h->first == c0; h++) {
			if (ns + h->len <= nl && !cls(b[ns + h->len], SIP_C_TOKEN) &&
			    tok_ieq(b + ns, h->name, h->len) &&
			    (!h->hyphen || b[ns + h->hyphen] == '-')) {
				*ne = ns + h->len;
				return h->id;
			}
		}
	}
	/* an unknown name: the LF at b[nl] ends the token at the latest */
	*ne = span_cls(b, ns, nl, SIP_C_TOKEN);
	return SIP_ALG_H_OTHER;
}

/*
 * Decimal digits at b[*pp..end) into *val: false when there are none, more
 * than @max_digits (<= 10) of them, or the value does not fit in 32 bits.
 */
static __always_inline bool parse_num(const char *b, u32 *pp, u32 end, u32 max_digits, u32 *val)
{
	u32 p = *pp, lim = end - p > max_digits ? p + max_digits : end, d;
	u64 v = 0;

	/* ten digits fit in 64 bits: one overflow test after the loop */
	while (p < lim && (d = (u8)b[p] - '0') <= 9) {
		v = v * 10 + d;
		p++;
	}
	if (p == *pp || v > 0xffffffffULL || (p < end && cls(b[p], SIP_C_DIGIT)))
		return false;
	*pp = p;
	*val = (u32)v;
	return true;
}

static __always_inline struct sip_alg_addr *new_addr(struct sip_pctx *c, u8 field, u8 role,
						     u8 scheme)
{
	struct sip_alg_msg *m = c->m;
	struct sip_alg_addr *a;

	if (m->n_addrs >= SIP_ALG_MAX_ADDRS)
		return NULL;
	a = &m->addrs[m->n_addrs++];
	a->field = field;
	a->role = role;
	a->scheme = scheme;
	a->transport = SIP_ALG_T_NONE;
	a->entry = c->entry[field];
	a->media = 0xff;
	a->hdr = c->hdr;
	a->expires = -1;
	a->hp.port = mkspan(0, 0);
	a->hp.port_val = 0;
	return a;
}

/*
 * A host literal at b[p..hend): "[v6]", dotted IPv4 or a host name. A name
 * made of digits and dots only must be a valid IPv4 address.
 */
static int classify_host(const char *b, u32 p, u32 hend, struct sip_alg_hostport *hp)
{
	hp->host = mkspan(p, hend - p);
	if (hend - p < 4 || b[p] != '[' || b[hend - 1] != ']' ||
	    !parse_ip6(b + p + 1, hend - p - 2, hp->addr))
		return SIP_ALG_E_HOST;
	hp->family = 6;
	return SIP_ALG_OK;
}

/*
 * host[:port] at b[*pp..end). The host is "[...]" or a run of host
 * characters; the caller checks what follows.
 */
static __always_inline int parse_hostport(const char *b, u32 *pp, u32 end,
					  struct sip_alg_hostport *hp)
{
	u32 p = *pp, hs = p, v;
	bool v4;
	int err;

	if (p >= end)
		return SIP_ALG_E_HOST;
	if (b[p] == '[') {
		while (p < end && b[p] != ']')
			p++;
		if (p >= end)
			return SIP_ALG_E_HOST;
		p++;
		err = classify_host(b, hs, p, hp);
		if (err)
			return err;
	} else {
		/* digits and dots are parsed as IPv4 in the same pass */
		p = sip_alg_scan_ip4(b, p, end, hp->addr, &v4);
		if (p < end && cls(b[p], SIP_C_HOST)) {
			p = span_cls(b, p, end, SIP_C_HOST);
			v4 = false;
		} else if (!v4) {
			return SIP_ALG_E_HOST;
		}
		if (p == hs)
			return SIP_ALG_E_HOST;
		hp->host = mkspan(hs, p - hs);
		hp->family = v4 ? 4 : 0;
		if (v4)
			memset(hp->addr + 4, 0, 12);
	}
	hp->port = mkspan(0, 0);
	hp->port_val = 0;
	if (p < end && b[p] == ':') {
		p++;
		hs = p;
		if (!parse_num(b, &p, end, 5, &v) || !v || v > 65535)
			return SIP_ALG_E_PORT;
		hp->port = mkspan(hs, p - hs);
		hp->port_val = (u16)v;
	}
	*pp = p;
	return SIP_ALG_OK;
}

static u8 transport_id(const char *b, u32 off, u32 len)
{
	switch (len) {
	case 2:
		if (tok_ieq(b + off, "ws", 2))
			return SIP_ALG_T_WS;
		break;
	case 3:
		if (tok_ieq(b + off, "udp", 3))
			return SIP_ALG_T_UDP;
		if (tok_ieq(b + off, "tcp", 3))
			return SIP_ALG_T_TCP;
		if (tok_ieq(b + off, "tls", 3))
			return SIP_ALG_T_TLS;
		if (tok_ieq(b + off, "wss", 3))
			return SIP_ALG_T_WS;
		break;
	case 4:
		if (tok_ieq(b + off, "sctp", 4))
			return SIP_ALG_T_SCTP;
		break;
	}
	return SIP_ALG_T_OTHER;
}

/* Skip a quoted string starting at the '"' at b[*pp]; backslash escapes one byte. */
static bool skip_quoted(const char *b, u32 *pp, u32 end)
{
	u32 p = *pp + 1;

	while (p < end) {
		if (b[p] == '\\') {
			p += 2;
			continue;
		}
		if (b[p] == '"') {
			*pp = p + 1;
			return true;
		}
		p++;
	}
	return false;
}

/* What a parameter list belongs to, so the right parameters are picked up. */
enum sip_pctx_kind {
	PK_URI,			/* inside <...> or a Request-URI */
	PK_HDR,			/* header parameters of a name-addr / addr-spec */
	PK_VIA,
};

/*
 * Parameters ";name[=value]" at b[*pp..end). Stops at the first byte that
 * does not start a parameter. @first is the index of the entry's first
 * occurrence (for transport and expires), @field its field.
 */
static __always_inline int parse_params(struct sip_pctx *c, u32 *pp, u32 end, int kind,
					u8 field, u16 first, u8 scheme,
					struct sip_alg_addr *hostocc)
{
	const char *b = c->b;
	struct sip_alg_msg *m = c->m;
	struct sip_alg_hostport hp;
	struct sip_alg_addr *a;
	u32 p = *pp, ns, nl, vs, vl, v, q;
	int err;
	u16 i;

	while (p < end) {
		q = skip_lws(b, p, end);
		if (q >= end || b[q] != ';')
			break;
		p = skip_lws(b, q + 1, end);
		ns = p;
		p = span_cls(b, p, end, SIP_C_TOKEN);
		nl = p - ns;
		if (!nl)
			return kind == PK_VIA ? SIP_ALG_E_VIA : SIP_ALG_E_URI;
		p = skip_lws(b, p, end);
		vs = p;
		vl = 0;
		if (p < end && b[p] == '=') {
			p = skip_lws(b, p + 1, end);
			vs = p;
			if (p < end && b[p] == '"') {
				if (!skip_quoted(b, &p, end))
					return SIP_ALG_E_URI;
			} else {
				p = span_cls(b, p, end, SIP_C_PVAL);
			}
			vl = p - vs;
			if (!vl)
				return kind == PK_VIA ? SIP_ALG_E_VIA : SIP_ALG_E_URI;
		}
		switch (nl) {
		case 3:
			if (kind == PK_HDR && vl && tok_ieq(b + ns, "tag", 3)) {
				if (field == SIP_ALG_F_FROM && !c->got_from_tag) {
					m->from_tag = mkspan(vs, vl);
					c->got_from_tag = 1;
				} else if (field == SIP_ALG_F_TO && !c->got_to_tag) {
					m->to_tag = mkspan(vs, vl);
					c->got_to_tag = 1;
				}
			}
			break;
		case 5:
			/* rport=N (RFC 3581); the bare form has nothing to rewrite */
			if (kind == PK_VIA && vl && tok_ieq(b + ns, "rport", 5)) {
				q = vs;
				if (!parse_num(b, &q, vs + vl, 5, &v) || q != vs + vl || v > 65535)
					return SIP_ALG_E_PORT;
				a = new_addr(c, field, SIP_ALG_R_RPORT, scheme);
				if (!a)
					return SIP_ALG_E_TOO_MANY_ADDRS;
				a->hp.host = mkspan(0, 0);
				a->hp.family = 0;
				a->hp.port = mkspan(vs, vl);
				a->hp.port_val = (u16)v;
				a->transport = hostocc ? hostocc->transport : SIP_ALG_T_NONE;
				break;
			}
			if (vl && tok_ieq(b + ns, "maddr", 5)) {
				q = vs;
				err = parse_hostport(b, &q, vs + vl, &hp);
				if (err)
					return err;
				if (q != vs + vl || hp.port.len)
					return SIP_ALG_E_HOST;
				a = new_addr(c, field, SIP_ALG_R_MADDR, scheme);
				if (!a)
					return SIP_ALG_E_TOO_MANY_ADDRS;
				a->hp = hp;
				a->transport = hostocc ? hostocc->transport : SIP_ALG_T_NONE;
			}
			break;
		case 6:
			if (kind == PK_VIA && vl && tok_ieq(b + ns, "branch", 6) &&
			    !c->got_branch) {
				m->branch = mkspan(vs, vl);
				c->got_branch = 1;
			}
			break;
		case 7:
			if (kind == PK_HDR && vl && tok_ieq(b + ns, "expires", 7)) {
				q = vs;
				if (!parse_num(b, &q, vs + vl, 10, &v) || q != vs + vl)
					break;
				if (v > 0x7fffffff)
					v = 0x7fffffff;
				for (i = first; i < m->n_addrs; i++)
					m->addrs[i].expires = (s32)v;
			}
			break;
		case 8:
			/* received=IP (RFC 3261 18.2.1): an address, never a name */
			if (kind == PK_VIA && vl && tok_ieq(b + ns, "received", 8)) {
				a = new_addr(c, field, SIP_ALG_R_RECEIVED, scheme);
				if (!a)
					return SIP_ALG_E_TOO_MANY_ADDRS;
				a->hp.host = mkspan(vs, vl);
				if (b[vs] == '[') {
					if (vl < 4 || b[vs + vl - 1] != ']' ||
					    !parse_ip6(b + vs + 1, vl - 2, a->hp.addr))
						return SIP_ALG_E_HOST;
					a->hp.family = 6;
				} else if (!sip_alg_parse_ip(b + vs, vl, &a->hp.family,
							     a->hp.addr)) {
					return SIP_ALG_E_HOST;
				}
				a->transport = hostocc ? hostocc->transport : SIP_ALG_T_NONE;
			}
			break;
		case 9:
			if (kind != PK_VIA && vl && tok_ieq(b + ns, "transport", 9)) {
				v = transport_id(b, vs, vl);
				for (i = first; i < m->n_addrs; i++)
					m->addrs[i].transport = (u8)v;
			}
			break;
		}
	}
	*pp = p;
	return SIP_ALG_OK;
}

static u8 scheme_id(const char *b, u32 off, u32 len)
{
	if (span_is(b, off, len, "sip", 3))
		return SIP_ALG_S_SIP;
	if (span_is(b, off, len, "sips", 4))
		return SIP_ALG_S_SIPS;
	if (span_is(b, off, len, "tel", 3))
		return SIP_ALG_S_TEL;
	return SIP_ALG_S_NONE;
}

/* How parse_uri() finds the end of the URI. */
enum sip_uri_mode {
	URI_SPAN,		/* exactly b[p..end): the Request-URI */
	URI_ANGLE,		/* up to the '>' of "<...>"; *pp is set after it */
	URI_BARE,		/* an addr-spec: ends at ',' ';' '?' or white space */
};

/*
 * A URI at b[*pp..end) in one of the modes above. Records the host (and
 * URI ;maddr=) occurrences of SIP and SIPS URIs; other schemes are skipped.
 */
static int parse_uri(struct sip_pctx *c, u32 *pp, u32 end, int mode, u8 field)
{
	const char *b = c->b;
	struct sip_alg_addr *a;
	u32 p = *pp, s = p, hs;
	u16 first;
	u8 scheme;
	int err;

	/* "sip:" is by far the most common: no scheme scan for it */
	if (end - p > 4 && (b[p] | 0x20) == 's' && (b[p + 1] | 0x20) == 'i' &&
	    (b[p + 2] | 0x20) == 'p' && b[p + 3] == ':') {
		scheme = SIP_ALG_S_SIP;
		p += 4;
	} else {
		p = span_cls(b, p, end, SIP_C_SCHEME);
		if (p == s || p >= end || b[p] != ':')
			return SIP_ALG_E_URI;
		scheme = scheme_id(b, s, p - s);
		p++;
	}
	if (scheme != SIP_ALG_S_SIP && scheme != SIP_ALG_S_SIPS) {
		/* tel: and others carry no host to translate */
		if (mode == URI_BARE) {
			while (p < end && b[p] != ',' && b[p] != ';' && !cls(b[p], SIP_C_LWS))
				p++;
		} else if (mode == URI_ANGLE) {
			while (p < end && b[p] != '>')
				p++;
			if (p >= end)
				return SIP_ALG_E_URI;
			p++;
		} else {
			p = end;
		}
		*pp = p;
		return SIP_ALG_OK;
	}
	/* userinfo ends at the '@' before the host; hosts have none */
	hs = p;
	if (mode == URI_BARE) {
		while (p < end && b[p] != '@' && b[p] != ',' && b[p] != ';' && b[p] != '?' &&
		       b[p] != '>' && !cls(b[p], SIP_C_LWS))
			p++;
		if (p < end && b[p] == '@')
			hs = p + 1;
	} else if (mode == URI_ANGLE) {
		p = find2(b, p, end, '@', '>');
		if (p >= end)
			return SIP_ALG_E_URI;
		if (b[p] == '@')
			hs = p + 1;
	} else {
		u32 at = find2(b, p, end, '@', '@');

		if (at < end)
			hs = at + 1;
	}
	p = hs;
	first = c->m->n_addrs;
	a = new_addr(c, field, SIP_ALG_R_HOST, scheme);
	if (!a)
		return SIP_ALG_E_TOO_MANY_ADDRS;
	err = parse_hostport(b, &p, end, &a->hp);
	if (err)
		return err;
	if (mode == URI_BARE) {
		if (p < end && b[p] != ';' && b[p] != ',' && !cls(b[p], SIP_C_LWS))
			return SIP_ALG_E_URI;
		*pp = p;
		return SIP_ALG_OK;
	}
	err = parse_params(c, &p, end, PK_URI, field, first, scheme, a);
	if (err)
		return err;
	if (mode == URI_SPAN) {
		if (p < end && b[p] != '?')
			return SIP_ALG_E_URI;
		*pp = end;
		return SIP_ALG_OK;
	}
	/* URI headers ("?h=v") are not ours: skip to the closing '>' */
	if (p < end && b[p] == '?')
		while (p < end && b[p] != '>')
			p++;
	if (p >= end || b[p] != '>')
		return SIP_ALG_E_URI;
	*pp = p + 1;
	return SIP_ALG_OK;
}

/*
 * One name-addr or addr-spec with its header parameters, at b[*pp..end):
 * From, To, Contact, Route, Record-Route entries. *pp is set after it.
 */
static int parse_nameaddr(struct sip_pctx *c, u32 *pp, u32 end, u8 field)
{
	const char *b = c->b;
	u32 p = skip_lws(b, *pp, end), q;
	u16 first = c->m->n_addrs;
	bool bare = false;
	int err;

	if (p >= end)
		return SIP_ALG_E_URI;
	if (b[p] == '"') {
		if (!skip_quoted(b, &p, end))
			return SIP_ALG_E_URI;
		p = skip_lws(b, p, end);
		if (p >= end || b[p] != '<')
			return SIP_ALG_E_URI;
	} else if (b[p] != '<') {
		q = p;
		while (q < end && cls(b[q], SIP_C_SCHEME))
			q++;
		if (q > p && q < end && b[q] == ':') {
			bare = true;
		} else {
			/* display name tokens up to '<' */
			while (p < end && b[p] != '<' && b[p] != ',' && b[p] != '"' && b[p] != '>')
				p++;
			if (p >= end || b[p] != '<')
				return SIP_ALG_E_URI;
		}
	}
	if (bare) {
		err = parse_uri(c, &p, end, URI_BARE, field);
		if (err)
			return err;
	} else {
		p++;
		err = parse_uri(c, &p, end, URI_ANGLE, field);
		if (err)
			return err;
	}
	err = parse_params(c, &p, end, PK_HDR, field, first, SIP_ALG_S_NONE, NULL);
	if (err)
		return err;
	*pp = skip_lws(b, p, end);
	return SIP_ALG_OK;
}

/* A comma-separated list of name-addr entries (Contact, Route, Record-Route). */
static int parse_addr_list(struct sip_pctx *c, u32 p, u32 end, u8 field)
{
	const char *b = c->b;
	int err;

	for (;;) {
		p = skip_lws(b, p, end);
		if (p >= end)
			return SIP_ALG_OK;
		if (b[p] == ',') {
			/* empty list elements are allowed (RFC 3261 7.3.1) */
			p++;
			continue;
		}
		err = parse_nameaddr(c, &p, end, field);
		if (err)
			return err;
		if (c->entry[field] < 0xff)
			c->entry[field]++;
		if (p < end) {
			if (b[p] != ',')
				return SIP_ALG_E_URI;
			p++;
		}
	}
}

/* Via: SIP/2.0/transport sent-by *(;param), ... (RFC 3261 20.42) */
static int parse_via(struct sip_pctx *c, u32 p, u32 end)
{
	const char *b = c->b;
	struct sip_alg_msg *m = c->m;
	struct sip_alg_addr *a;
	u32 ts, depth;
	u16 first;
	u8 t;
	int err;

	for (;;) {
		p = skip_lws(b, p, end);
		if (p >= end)
			return SIP_ALG_OK;
		if (b[p] == ',') {
			p++;
			continue;
		}
		if (end - p > 8 && tok_ieq(b + p, "sip", 3) && !memcmp(b + p + 3, "/2.0/", 5) &&
		    !cls(b[p + 8], SIP_C_LWS)) {
			/* the usual "SIP/2.0/UDP", nothing to skip in it */
			p += 8;
		} else {
			if (end - p < 3 || !tok_ieq(b + p, "sip", 3))
				return SIP_ALG_E_VIA;
			p = skip_lws(b, p + 3, end);
			if (p >= end || b[p] != '/')
				return SIP_ALG_E_VIA;
			p = skip_lws(b, p + 1, end);
			if (end - p < 3 || memcmp(b + p, "2.0", 3))
				return SIP_ALG_E_VIA;
			p = skip_lws(b, p + 3, end);
			if (p >= end || b[p] != '/')
				return SIP_ALG_E_VIA;
			p = skip_lws(b, p + 1, end);
		}
		ts = p;
		p = span_cls(b, p, end, SIP_C_TOKEN);
		if (p == ts)
			return SIP_ALG_E_VIA;
		t = transport_id(b, ts, p - ts);
		p = skip_lws(b, p, end);
		first = m->n_addrs;
		a = new_addr(c, SIP_ALG_F_VIA, SIP_ALG_R_HOST, SIP_ALG_S_NONE);
		if (!a)
			return SIP_ALG_E_TOO_MANY_ADDRS;
		a->transport = t;
		err = parse_hostport(b, &p, end, &a->hp);
		if (err)
			return err == SIP_ALG_E_PORT ? err : SIP_ALG_E_VIA;
		if (!c->entry[SIP_ALG_F_VIA])
			m->transport = t;
		err = parse_params(c, &p, end, PK_VIA, SIP_ALG_F_VIA, first, SIP_ALG_S_NONE, a);
		if (err)
			return err;
		p = skip_lws(b, p, end);
		if (p < end && b[p] == '(') {
			/* a comment (RFC 3261 25.1); nesting counted, no recursion */
			depth = 0;
			while (p < end) {
				if (b[p] == '\\') {
					p += 2;
					continue;
				}
				if (b[p] == '(')
					depth++;
				else if (b[p] == ')' && !--depth)
					break;
				p++;
			}
			if (p >= end)
				return SIP_ALG_E_VIA;
			p = skip_lws(b, p + 1, end);
		}
		if (c->entry[SIP_ALG_F_VIA] < 0xff)
			c->entry[SIP_ALG_F_VIA]++;
		if (p < end && b[p] != ',')
			return SIP_ALG_E_VIA;
	}
}

static int parse_cseq(struct sip_pctx *c, u32 p, u32 end)
{
	const char *b = c->b;
	struct sip_alg_msg *m = c->m;
	u32 v, s;

	if (!parse_num(b, &p, end, 10, &v) || v > 0x7fffffff)
		return SIP_ALG_E_CSEQ;
	s = skip_lws(b, p, end);
	if (s == p || s >= end)
		return SIP_ALG_E_CSEQ;
	p = s;
	p = span_cls(b, p, end, SIP_C_TOKEN);
	if (p != end)
		return SIP_ALG_E_CSEQ;
	m->cseq = v;
	m->cseq_method_tok = mkspan(s, p - s);
	m->cseq_method = method_id(b + s, p - s);
	return SIP_ALG_OK;
}

static int parse_content_type(struct sip_pctx *c, u32 p, u32 end)
{
	const char *b = c->b;
	struct sip_alg_msg *m = c->m;
	u32 s = p, ns, nl, vs;

	while (p < end && (cls(b[p], SIP_C_TOKEN) || b[p] == '/'))
		p++;
	m->content_type = mkspan(s, p - s);
	if (p - s < 10 || !ieq(b + s, "multipart/", 10))
		return SIP_ALG_OK;
	/* only multipart needs its parameters: the boundary */
	for (;;) {
		p = skip_lws(b, p, end);
		if (p >= end || b[p] != ';')
			return SIP_ALG_OK;
		p = skip_lws(b, p + 1, end);
		ns = p;
		p = span_cls(b, p, end, SIP_C_TOKEN);
		nl = p - ns;
		p = skip_lws(b, p, end);
		if (p >= end || b[p] != '=')
			return SIP_ALG_E_MULTIPART;
		p = skip_lws(b, p + 1, end);
		vs = p;
		if (p < end && b[p] == '"') {
			if (!skip_quoted(b, &p, end))
				return SIP_ALG_E_MULTIPART;
			if (span_is(b, ns, nl, "boundary", 8))
				m->boundary = mkspan(vs + 1, p - vs - 2);
		} else {
			/* RFC 2046 bchars minus those a token lacks */
			while (p < end && (cls(b[p], SIP_C_TOKEN) || b[p] == '/' || b[p] == ':' ||
					   b[p] == '=' || b[p] == '?'))
				p++;
			if (span_is(b, ns, nl, "boundary", 8))
				m->boundary = mkspan(vs, p - vs);
		}
	}
}

static int parse_header_value(struct sip_pctx *c, u8 id, u32 vs, u32 ve)
{
	struct sip_alg_msg *m = c->m;
	const char *b = c->b;
	u32 p, v;
	int err;

	switch (id) {
	case SIP_ALG_H_VIA:
		return parse_via(c, vs, ve);
	case SIP_ALG_H_FROM:
	case SIP_ALG_H_TO:
		p = vs;
		v = id == SIP_ALG_H_FROM ? SIP_ALG_F_FROM : SIP_ALG_F_TO;
		err = parse_nameaddr(c, &p, ve, (u8)v);
		if (err)
			return err;
		if (p != ve)
			return SIP_ALG_E_URI;
		if (c->entry[v] < 0xff)
			c->entry[v]++;
		if (id == SIP_ALG_H_FROM)
			m->present |= SIP_ALG_HAVE_FROM;
		else
			m->present |= SIP_ALG_HAVE_TO;
		return SIP_ALG_OK;
	case SIP_ALG_H_CONTACT:
		/* "Contact: *" in a REGISTER removes all bindings */
		if (ve - vs == 1 && b[vs] == '*')
			return SIP_ALG_OK;
		return parse_addr_list(c, vs, ve, SIP_ALG_F_CONTACT);
	case SIP_ALG_H_ROUTE:
		return parse_addr_list(c, vs, ve, SIP_ALG_F_ROUTE);
	case SIP_ALG_H_RECORD_ROUTE:
		return parse_addr_list(c, vs, ve, SIP_ALG_F_RECORD_ROUTE);
	case SIP_ALG_H_CALL_ID:
		if (ve == vs)
			return SIP_ALG_E_HEADER;
		if (!m->call_id.len)
			m->call_id = mkspan(vs, ve - vs);
		return SIP_ALG_OK;
	case SIP_ALG_H_CSEQ:
		if (m->cseq_method_tok.len)
			return SIP_ALG_OK;
		return parse_cseq(c, vs, ve);
	case SIP_ALG_H_CONTENT_LENGTH:
		p = vs;
		if (!parse_num(b, &p, ve, 9, &v) || p != ve)
			return SIP_ALG_E_CONTENT_LENGTH;
		if (m->content_length >= 0 && (u32)m->content_length != v)
			return SIP_ALG_E_CONTENT_LENGTH;
		if (m->content_length < 0) {
			m->content_length = (s32)v;
			m->cl_value = mkspan(vs, ve - vs);
		}
		return SIP_ALG_OK;
	case SIP_ALG_H_CONTENT_TYPE:
		if (m->content_type.len)
			return SIP_ALG_OK;
		return parse_content_type(c, vs, ve);
	case SIP_ALG_H_EXPIRES:
		/* a number; anything else (old date forms) is ignored */
		p = vs;
		if (parse_num(b, &p, ve, 10, &v) && p == ve)
			m->expires = v > 0x7fffffff ? 0x7fffffff : (s32)v;
		return SIP_ALG_OK;
	}
	return SIP_ALG_OK;
}

/* Request line "METHOD SP Request-URI SP SIP/2.0" or status line. */
static int parse_start_line(struct sip_pctx *c, u32 p, u32 le)
{
	const char *b = c->b;
	struct sip_alg_msg *m = c->m;
	u32 s, v, q;
	int err;

	if (le - p >= 8 && ieq(b + p, "sip/", 4)) {
		if (memcmp(b + p + 4, "2.0", 3) || !cls(b[p + 7], SIP_C_WS))
			return SIP_ALG_E_VERSION;
		m->kind = SIP_ALG_RESPONSE;
		p += 7;
		while (p < le && cls(b[p], SIP_C_WS))
			p++;
		s = p;
		if (!parse_num(b, &p, le, 3, &v) || p - s != 3)
			return SIP_ALG_E_STATUS;
		if (v < 100 || v > 699)
			return SIP_ALG_E_STATUS;
		if (p < le && !cls(b[p], SIP_C_WS))
			return SIP_ALG_E_STATUS;
		m->status = (u16)v;
		while (p < le && cls(b[p], SIP_C_WS))
			p++;
		m->reason = mkspan(p, le - p);
		return SIP_ALG_OK;
	}
	m->kind = SIP_ALG_REQUEST;
	s = p;
	p = span_cls(b, p, le, SIP_C_TOKEN);
	if (p == s || p >= le || !cls(b[p], SIP_C_WS))
		return SIP_ALG_E_START_LINE;
	m->method_tok = mkspan(s, p - s);
	m->method = method_id(b + s, p - s);
	while (p < le && cls(b[p], SIP_C_WS))
		p++;
	s = p;
	/* the Request-URI ends at SP, HT or CR (there is no LF before @le) */
	p = find2(b, s, le, ' ', '\t');
	p = find2(b, s, p, '\r', '\r');
	if (p == s || p >= le)
		return SIP_ALG_E_START_LINE;
	m->uri = mkspan(s, p - s);
	q = p;
	while (p < le && cls(b[p], SIP_C_WS))
		p++;
	if (le - p != 7 || !ieq(b + p, "sip/", 4))
		return SIP_ALG_E_START_LINE;
	if (memcmp(b + p + 4, "2.0", 3))
		return SIP_ALG_E_VERSION;
	p = s;
	err = parse_uri(c, &p, q, URI_SPAN, SIP_ALG_F_REQUEST_URI);
	if (err)
		return err;
	return SIP_ALG_OK;
}

/* The line starting at @p, CR LF or LF ended; false when no LF follows. */
static inline bool line_end(const char *b, u32 p, u32 lim, u32 *nl)
{
	p = sip_alg_find_lf(b, p, lim);
	if (p >= lim)
		return false;
	*nl = p;
	return true;
}

/*
 * Find the application/sdp part of a multipart body (RFC 2046). Parts are
 * delimited by lines "--boundary"; nested multiparts are not entered.
 */
static int find_sdp_part(struct sip_alg_msg *m, const char *b)
{
	u32 p = m->body.off, end = m->body.off + m->body.len, nl, le, bl = m->boundary.len;
	u32 part = 0, cs = 0, pe;
	bool in_part = false, is_sdp = false, in_hdrs = false;

	if (!bl)
		return SIP_ALG_E_MULTIPART;
	while (p < end) {
		if (!line_end(b, p, end, &nl))
			nl = end;
		le = (nl > p && b[nl - 1] == '\r') ? nl - 1 : nl;
		if (le - p >= bl + 2 && b[p] == '-' && b[p + 1] == '-' &&
		    !memcmp(b + p + 2, b + m->boundary.off, bl) &&
		    (le - p == bl + 2 || b[p + bl + 2] == '-' || cls(b[p + bl + 2], SIP_C_WS))) {
			if (in_part && is_sdp && !in_hdrs) {
				/* the CRLF before the delimiter belongs to it (RFC 2046 5.1.1) */
				pe = p;
				if (pe > cs && b[pe - 1] == '\n')
					pe--;
				if (pe > cs && b[pe - 1] == '\r')
					pe--;
				m->sdp = mkspan(cs, pe - cs);
				return SIP_ALG_OK;
			}
			if (le - p >= bl + 4 && b[p + bl + 2] == '-' && b[p + bl + 3] == '-')
				return SIP_ALG_OK;
			in_part = true;
			in_hdrs = true;
			is_sdp = false;
			part++;
		} else if (in_part && in_hdrs) {
			if (le == p) {
				in_hdrs = false;
				cs = nl < end ? nl + 1 : end;
			} else if (le - p >= 13 && ieq(b + p, "content-type:", 13)) {
				u32 q = skip_lws(b, p + 13, le);

				is_sdp = le - q >= 15 && ieq(b + q, "application/sdp", 15) &&
					 (le - q == 15 || !cls(b[q + 15], SIP_C_TOKEN));
			}
		}
		p = nl + 1;
	}
	if (!part)
		return SIP_ALG_E_MULTIPART;
	/* no closing delimiter */
	return SIP_ALG_E_MULTIPART;
}

int sip_alg_parse(const char *buf, u32 len, bool stream, struct sip_alg_msg *msg)
{
	struct sip_pctx c;
	u32 lim, p, nl, le, ns, ne, vs, ve, body_len;
	u8 id, compact;
	int err;

	/* scalar fields only: the arrays are written as they fill */
	memset(msg, 0, offsetof(struct sip_alg_msg, headers));
	msg->expires = -1;
	msg->content_length = -1;
	memset(&c, 0, sizeof(c));
	c.b = buf;
	c.m = msg;
	c.hdr = 0xffff;

	if (len > SIP_ALG_MAX_MSG_LEN && !stream)
		return SIP_ALG_E_TOO_BIG;
	lim = len > SIP_ALG_MAX_MSG_LEN ? SIP_ALG_MAX_MSG_LEN : len;

	/* CRLFs before the start line are ignored (RFC 3261 7.5) */
	p = 0;
	while (p < lim && (buf[p] == '\r' || buf[p] == '\n'))
		p++;
	if (!line_end(buf, p, lim, &nl))
		goto incomplete;
	le = (nl > p && buf[nl - 1] == '\r') ? nl - 1 : nl;
	err = parse_start_line(&c, p, le);
	if (err)
		return err;
	p = nl + 1;

	for (;;) {
		if (p >= lim)
			goto incomplete;
		if (buf[p] == '\n') {
			p++;
			break;
		}
		if (buf[p] == '\r') {
			if (p + 1 >= lim)
				goto incomplete;
			if (buf[p + 1] == '\n') {
				p += 2;
				break;
			}
		}
		/* a continuation line here has no header to continue */
		if (cls(buf[p], SIP_C_WS))
			return SIP_ALG_E_HEADER;
		ns = p;
		nl = sip_alg_find_lf(buf, p, lim);
		if (nl >= lim) {
			/* no LF: only a name that cannot be one is an error yet */
			while (p < lim && cls(buf[p], SIP_C_TOKEN))
				p++;
			ne = p;
			while (p < lim && cls(buf[p], SIP_C_WS))
				p++;
			if (p < lim && (ne == ns || buf[p] != ':'))
				return SIP_ALG_E_HEADER;
			goto incomplete;
		}
		id = header_name(buf, ns, nl, &ne, &compact);
		/* the LF at buf[nl] ends these walks at the latest */
		for (p = ne; cls(buf[p], SIP_C_WS); p++)
			;
		if (ne == ns || buf[p] != ':')
			return SIP_ALG_E_HEADER;
		p++;
		/* the value runs to the LF not followed by SP or HT (folding) */
		while (nl + 1 < lim && cls(buf[nl + 1], SIP_C_WS))
			if (!line_end(buf, nl + 1, lim, &nl))
				goto incomplete;
		if (nl + 1 >= lim)
			goto incomplete;
		ve = nl;
		while (ve > p && cls(buf[ve - 1], SIP_C_LWS))
			ve--;
		vs = skip_lws(buf, p, ve);
		if (msg->n_headers >= SIP_ALG_MAX_HEADERS)
			return SIP_ALG_E_TOO_MANY_HEADERS;
		c.hdr = msg->n_headers;
		msg->headers[c.hdr].id = id;
		msg->headers[c.hdr].compact = compact;
		msg->headers[c.hdr].name = mkspan(ns, ne - ns);
		msg->headers[c.hdr].value = mkspan(vs, ve - vs);
		msg->n_headers++;
		if (id != SIP_ALG_H_OTHER) {
			err = parse_header_value(&c, id, vs, ve);
			if (err)
				return err;
			if (id == SIP_ALG_H_VIA)
				msg->present |= SIP_ALG_HAVE_VIA;
		}
		p = nl + 1;
	}
	msg->hdr_end = (u16)p;

	if (!msg->call_id.len || !msg->cseq_method_tok.len ||
	    (msg->present & SIP_ALG_HAVE_MANDATORY) != SIP_ALG_HAVE_MANDATORY)
		return SIP_ALG_E_MISSING_HEADER;

	if (msg->content_length >= 0) {
		body_len = (u32)msg->content_length;
		if (p + body_len > lim) {
			if (!stream)
				return SIP_ALG_E_BODY_LENGTH;
			if (p + body_len > SIP_ALG_MAX_MSG_LEN)
				return SIP_ALG_E_TOO_BIG;
			return SIP_ALG_E_INCOMPLETE;
		}
	} else {
		/* TCP frames messages by Content-Length (RFC 3261 18.3) */
		if (stream)
			return SIP_ALG_E_CONTENT_LENGTH;
		body_len = lim - p;
	}
	msg->body = mkspan(p, body_len);
	msg->msg_len = p + body_len;

	if (body_len && msg->content_type.len) {
		if (msg->content_type.len == 15 &&
		    ieq(buf + msg->content_type.off, "application/sdp", 15)) {
			msg->sdp = msg->body;
		} else if (msg->content_type.len >= 10 &&
			   ieq(buf + msg->content_type.off, "multipart/", 10)) {
			err = find_sdp_part(msg, buf);
			if (err)
				return err;
		}
	}
	return SIP_ALG_OK;

incomplete:
	if (lim < len)
		return SIP_ALG_E_TOO_BIG;
	return SIP_ALG_E_INCOMPLETE;
}
