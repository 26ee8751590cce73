/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rewrite planner: which bytes of a parsed SIP message change, and to
 * what. Planning and applying are separate so the same plan can be applied
 * to an skb by the NAT code and to a plain buffer by the tests.
 */
#ifndef _SIP_REWRITE_H
#define _SIP_REWRITE_H

#include "sdp_parse.h"

#define SIP_ALG_MAX_EDITS	160
/* "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" is 47 bytes. */
#define SIP_ALG_EDIT_MAX_REPL	48
#define SIP_ALG_MAX_STRIP	16
#define SIP_ALG_STRIP_MAX_LEN	32

/* Which way the message crosses the NAT. */
enum sip_alg_dir {
	SIP_ALG_OUTBOUND,		/* private side -> public side */
	SIP_ALG_INBOUND,		/* public side -> private side */
};

struct sip_alg_edit {
	u16 off;			/* in the input buffer */
	u16 len;			/* bytes replaced (0: insertion) */
	u8 repl_len;
	u8 field;			/* enum sip_alg_field; SIP_ALG_F_NR: length, strip */
	char repl[SIP_ALG_EDIT_MAX_REPL];
};

struct sip_alg_plan {
	u16 n_edits;
	s32 delta;			/* new length - old length */
	s32 new_content_length;		/* -1 when Content-Length is not rewritten */
	struct sip_alg_edit edits[SIP_ALG_MAX_EDITS];	/* sorted by off, disjoint */
};

/* SDP line prefixes to remove (e.g. "a=candidate"). */
struct sip_alg_strip {
	u8 n;
	u8 len[SIP_ALG_MAX_STRIP];
	char prefix[SIP_ALG_MAX_STRIP][SIP_ALG_STRIP_MAX_LEN];
};

/*
 * Decide the new value of one address occurrence. @seen is the address and
 * port as written in the message (port from the URI, or the scheme default
 * when absent, has_port telling which). Return true and fill @out to rewrite
 * it; false leaves the occurrence untouched. For SIP_ALG_F_SDP_MEDIA and
 * _RTCP, @seen carries the stream's connection address and the port. The
 * callback may have side effects (the kernel allocates media ports in it).
 */
typedef bool (*sip_alg_map_fn)(void *ctx, enum sip_alg_dir dir,
			       const struct sip_alg_addr *occ,
			       const struct sip_alg_endpoint *seen,
			       struct sip_alg_endpoint *out);

/*
 * Plan every edit for @msg (and @sdp, NULL when the message carries none)
 * crossing the NAT in @dir. Call-ID and every byte outside an edit are never
 * changed. When the SDP length changes and the message has a Content-Length,
 * an edit for it is added. Returns SIP_ALG_OK, or SIP_ALG_E_TOO_MANY_ADDRS
 * when the plan does not fit (the caller then passes the message unmodified).
 */
int sip_alg_plan(const char *buf, const struct sip_alg_msg *msg,
		 const struct sdp_alg_session *sdp, enum sip_alg_dir dir,
		 sip_alg_map_fn map, void *ctx, const struct sip_alg_strip *strip,
		 struct sip_alg_plan *plan);

/*
 * Apply @plan to in[0..in_len) into out (out_cap bytes). Pure function.
 * Returns the output length, or -1 if it does not fit or the plan is not
 * sorted and disjoint within in_len.
 */
s32 sip_alg_apply(const char *in, u32 in_len, const struct sip_alg_plan *plan,
		  char *out, u32 out_cap);

#endif /* _SIP_REWRITE_H */
