/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The call core: what one SIP message does to the state of its call, and
 * what a call that went quiet becomes. No kernel headers, no clock, no
 * table: the module's call table feeds it, and so do the unit tests and
 * the fuzzers, with the same parsed messages.
 */
#ifndef _SIP_CALL_H
#define _SIP_CALL_H

#include "sip_alg_types.h"
#include "sip_parse.h"
#include "sdp_parse.h"
#include "uapi/linux/nf_sip_alg.h"

enum sip_alg_call_kind {
	SIP_ALG_CALL_INVITE,		/* an INVITE dialog, with its offer and answer */
	SIP_ALG_CALL_REGISTER,		/* a registration binding */
};

/*
 * Hosts a call's signalling runs between: the addresses of the flow that
 * created it, before and after NAT, and the Contacts its parties named
 * since. A message between two other hosts is not the call's own.
 */
#define SIP_ALG_CALL_HOSTS	6

/*
 * The flow a message came on, as conntrack sees it: its own direction's
 * tuple, and the tuple of the other direction (different when translated).
 * Addresses only: a TCP reconnect from a new port stays the call's.
 */
struct sip_alg_flow {
	u8 family;			/* 4 or 6 */
	u8 side;			/* conntrack direction of the message */
	u8 src[16], dst[16];		/* the message's direction */
	u8 reply_src[16], reply_dst[16];	/* the other direction */
};

struct sip_alg_call {
	u8 state;			/* enum sip_alg_call_state */
	u8 kind;			/* enum sip_alg_call_kind */
	u8 answered;			/* the far side responded to the INVITE */
	u8 unregistering;		/* the last REGISTER removes its bindings */
	u8 on_hold;			/* BIT(side): that side's last offer holds */
	u8 family;
	u8 n_hosts;
	u8 hosts[SIP_ALG_CALL_HOSTS][16];
	u32 invite_cseq;		/* CSeq of the INVITE that (re)started it */
};

struct sip_alg_call_settings {
	u32 sip_timeout;		/* seconds a call may go without a message */
	u32 grace;			/* seconds from its end until its pinholes go */
	bool observe;			/* observe mode: open nothing */
};

/* No end, no event. */
#define SIP_ALG_CALL_NONE	(-1)

enum sip_alg_call_binding {
	SIP_ALG_BINDING_KEEP,		/* not a registration change */
	SIP_ALG_BINDING_REFRESH,	/* open the binding's pinhole for .expires */
	SIP_ALG_BINDING_REMOVE,		/* close it */
};

/* What the module does for one message of a call. */
struct sip_alg_call_decision {
	bool restart;			/* a new INVITE or binding revives an ended call */
	bool open_media;		/* open the SDP's streams, as the sender's */
	bool close_waiting;		/* close the pinholes that still wait */
	u8 binding;			/* enum sip_alg_call_binding */
	u16 contact;			/* BINDING_REFRESH: the binding's index in msg->addrs */
	s8 event;			/* enum sip_alg_event_type, or SIP_ALG_CALL_NONE */
	s8 end;				/* enum sip_alg_end_reason, or SIP_ALG_CALL_NONE */
	u32 deadline;			/* seconds from now: quiet (idle) or gone (firm) */
	bool firm;			/* the call goes at .deadline, whatever happens */
	u32 expires;			/* BINDING_REFRESH: seconds */
};

/* A registration pinhole lives as long as the granted Expires, capped here. */
#define SIP_ALG_MAX_REG_EXPIRES		3600
/* RFC 3261 10.2.1.1: a binding the registrar gave no expiry lasts an hour. */
#define SIP_ALG_DEFAULT_EXPIRES		3600
/*
 * An INVITE nobody answers (RFC 3261 Timer B: 64*T1 = 32 s) must not hold
 * its call for the whole sip_timeout.
 */
#define SIP_ALG_UNANSWERED_SECS		32

/* Whether a message that belongs to no call starts one. */
bool sip_alg_call_starts(const struct sip_alg_msg *msg);

/* A new call for @msg, which sip_alg_call_starts(), on flow @f. */
void sip_alg_call_init(struct sip_alg_call *c, const struct sip_alg_msg *msg,
		       const struct sip_alg_flow *f);

/* Whether a message on @f is one of the call's own. */
bool sip_alg_call_owns(const struct sip_alg_call *c, const struct sip_alg_flow *f);

/* The call's state after @msg (on one of its own flows), and what to do. */
void sip_alg_call_step(struct sip_alg_call *c, const struct sip_alg_msg *msg,
		       const struct sdp_alg_session *sdp, const struct sip_alg_flow *f,
		       const struct sip_alg_call_settings *s, struct sip_alg_call_decision *d);

/*
 * The call's deadline passed with no message. @media_flows: a conntrack
 * one of its pinholes became is still alive. d->end set: the call goes now;
 * else it stays, with only its established media.
 */
void sip_alg_call_quiet(struct sip_alg_call *c, bool media_flows,
			const struct sip_alg_call_settings *s, struct sip_alg_call_decision *d);

/* Whether a REGISTER asks to remove its bindings. */
bool sip_alg_register_removes(const struct sip_alg_msg *msg);

#endif /* _SIP_CALL_H */
