/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Generated from docs/netlink/sip_alg.yaml by scripts/nl-uapi-gen.py: do not edit. */

#ifndef _UAPI_LINUX_NF_SIP_ALG_H
#define _UAPI_LINUX_NF_SIP_ALG_H

/*
 * Control and observation of the nf_sip_alg SIP ALG, per network namespace:
 * its settings, the calls it tracks with their pinholes, static address maps,
 * SDP lines to strip, counters and an event stream. Requests that change
 * anything need CAP_NET_ADMIN in the user namespace owning the netns; so do
 * the calls, whose parties are personal data.
 */

#define SIP_ALG_FAMILY_NAME	"sip_alg"
#define SIP_ALG_FAMILY_VERSION	1
/* Longest SDP line prefix that can be stripped. */
#define SIP_ALG_SDP_STRIP_MAX_LEN	31

/* What the ALG does with a message it understands. */
enum sip_alg_mode {
	/* Rewrite the message and open its pinholes. */
	SIP_ALG_MODE_NORMAL,
	/*
	 * Change nothing and open nothing; report the rewrites it would make
	 * as rewrite events.
	 */
	SIP_ALG_MODE_OBSERVE,
};

enum sip_alg_call_state {
	/* An INVITE was seen, no 2xx yet. */
	SIP_ALG_CALL_STATE_EARLY,
	/* A 2xx answered the INVITE. */
	SIP_ALG_CALL_STATE_CONFIRMED,
	/* A registration binding. */
	SIP_ALG_CALL_STATE_REGISTERED,
	/* Ended; its pinholes go when the grace passes. */
	SIP_ALG_CALL_STATE_ENDING,
};

enum sip_alg_pin_class {
	SIP_ALG_PIN_CLASS_SIGNALLING,
	SIP_ALG_PIN_CLASS_RTP,
	SIP_ALG_PIN_CLASS_RTCP,
};

enum sip_alg_pin_nat {
	/* Opened as announced, no translation. */
	SIP_ALG_PIN_NAT_PLAIN,
	/* Forwarded to the inside endpoint that announced it. */
	SIP_ALG_PIN_NAT_DNAT,
	/* The inside endpoint's own media, leaving from its public ports. */
	SIP_ALG_PIN_NAT_SNAT,
};

enum sip_alg_event_type {
	SIP_ALG_EVENT_TYPE_CALL_START,
	SIP_ALG_EVENT_TYPE_CALL_ANSWER,
	SIP_ALG_EVENT_TYPE_CALL_HOLD,
	SIP_ALG_EVENT_TYPE_CALL_RESUME,
	SIP_ALG_EVENT_TYPE_CALL_END,
	/* A message passed unmodified (or was dropped); reason says why. */
	SIP_ALG_EVENT_TYPE_NOT_HANDLED,
	/* The edits made to a message, or that observe mode would make. */
	SIP_ALG_EVENT_TYPE_REWRITE,
};

enum sip_alg_end_reason {
	SIP_ALG_END_REASON_BYE,
	SIP_ALG_END_REASON_CANCEL,
	/* A final error response to the INVITE. */
	SIP_ALG_END_REASON_REJECTED,
	/* Nothing was seen for sip_timeout. */
	SIP_ALG_END_REASON_IDLE,
	/* A registration ran out or was removed. */
	SIP_ALG_END_REASON_EXPIRED,
	/* By call-del or calls-flush. */
	SIP_ALG_END_REASON_DELETED,
};

enum {
	/* Seconds a call's pinholes outlive its BYE, CANCEL or error. */
	SIP_ALG_A_CONFIG_GRACE = 1,	/* u32, max 3600 */
	/* Seconds a signalling flow and an idle call are kept. */
	SIP_ALG_A_CONFIG_SIP_TIMEOUT,	/* u32, min 10, max 86400 */
	/* Media lines handled per SDP. */
	SIP_ALG_A_CONFIG_MAX_MEDIA,	/* u32, min 1, max 64 */
	/*
	 * Calls and registrations tracked in the netns. Outside the initial
	 * netns, at most the initial netns's value.
	 */
	SIP_ALG_A_CONFIG_MAX_DIALOGS,	/* u32, max 2147483647 */
	/* Accept media only from the signalling peer. */
	SIP_ALG_A_CONFIG_DIRECT_MEDIA,	/* u8, max 1 */
	/* A registered contact is reachable from the registrar only. */
	SIP_ALG_A_CONFIG_DIRECT_SIGNALLING,	/* u8, max 1 */
	/* Drop messages that do not parse instead of passing them. */
	SIP_ALG_A_CONFIG_DROP_MALFORMED,	/* u8, max 1 */
	SIP_ALG_A_CONFIG_MODE,	/* u8, max 1, enum sip_alg_mode */
	/*
	 * Pinholes one call may hold. Outside the initial netns, at most the
	 * initial netns's value.
	 */
	SIP_ALG_A_CONFIG_MAX_CALL_PINS,	/* u32, min 2, max 1024 */
	/*
	 * Pinholes the calls one source address started may hold together.
	 * Outside the initial netns, at most the initial netns's value.
	 */
	SIP_ALG_A_CONFIG_MAX_SOURCE_PINS,	/* u32, max 2147483647 */
	/*
	 * Calls and registrations one source address may start. Outside the
	 * initial netns, at most the initial netns's value.
	 */
	SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS,	/* u32, min 1, max 2147483647 */
	/*
	 * Pinholes of the netns; 0: automatic, three times the kernel's
	 * expect_hashsize (three quarters of its default nf_conntrack_expect_max).
	 */
	SIP_ALG_A_CONFIG_MAX_PINS,	/* u32, max 2147483647 */
	/*
	 * Bytes of a SIP message cut by a TCP segment end held back per
	 * connection and direction until it is whole; 0: none.
	 */
	SIP_ALG_A_CONFIG_TCP_HOLD_MAX,	/* u32, max 65535 */

	__SIP_ALG_A_CONFIG_MAX,
	SIP_ALG_A_CONFIG_MAX = (__SIP_ALG_A_CONFIG_MAX - 1)
};

enum {
	SIP_ALG_A_COUNTER_NAME = 1,	/* string */
	SIP_ALG_A_COUNTER_VALUE,	/* u64 */
	SIP_ALG_A_COUNTER_PAD,	/* pad */

	__SIP_ALG_A_COUNTER_MAX,
	SIP_ALG_A_COUNTER_MAX = (__SIP_ALG_A_COUNTER_MAX - 1)
};

enum {
	/* One per counter, as in /proc/net/stat/nf_sip_alg. */
	SIP_ALG_A_STATS_COUNTER = 1,	/* nest, nest of counter, repeated */

	__SIP_ALG_A_STATS_MAX,
	SIP_ALG_A_STATS_MAX = (__SIP_ALG_A_STATS_MAX - 1)
};

/*
 * One pinhole of a call. Inside is the endpoint's own address and port,
 * outside what the expectation waits for. For an snat pin, inside is the
 * public address the endpoint's media leaves from and outside the far
 * end it is sent to.
 */
enum {
	SIP_ALG_A_PIN_CLASS = 1,	/* u8, enum sip_alg_pin_class */
	SIP_ALG_A_PIN_NAT,	/* u8, enum sip_alg_pin_nat */
	/* Index of the m= line. */
	SIP_ALG_A_PIN_MEDIA,	/* u8 */
	/* 4 or 16 bytes, network order. */
	SIP_ALG_A_PIN_INSIDE_ADDR,	/* binary */
	SIP_ALG_A_PIN_INSIDE_PORT,	/* u16 */
	SIP_ALG_A_PIN_OUTSIDE_ADDR,	/* binary */
	SIP_ALG_A_PIN_OUTSIDE_PORT,	/* u16 */
	/* A media conntrack was created from it. */
	SIP_ALG_A_PIN_ESTABLISHED,	/* flag */
	/* Both directions, when conntrack accounting is on. */
	SIP_ALG_A_PIN_PACKETS,	/* u64 */
	SIP_ALG_A_PIN_BYTES,	/* u64 */
	SIP_ALG_A_PIN_PAD,	/* pad */

	__SIP_ALG_A_PIN_MAX,
	SIP_ALG_A_PIN_MAX = (__SIP_ALG_A_PIN_MAX - 1)
};

enum {
	/* The Call-ID. */
	SIP_ALG_A_CALL_ID = 1,	/* string, max-len 1024 */
	SIP_ALG_A_CALL_ZONE,	/* u16 */
	SIP_ALG_A_CALL_STATE,	/* u8, enum sip_alg_call_state */
	/* Seconds since the first message. */
	SIP_ALG_A_CALL_AGE,	/* u32 */
	/* Seconds until it goes unless another message arrives. */
	SIP_ALG_A_CALL_EXPIRES,	/* u32 */
	/* The From URI of the first message. */
	SIP_ALG_A_CALL_FROM,	/* string */
	SIP_ALG_A_CALL_TO,	/* string */
	/* AF_INET or AF_INET6. */
	SIP_ALG_A_CALL_FAMILY,	/* u8 */
	SIP_ALG_A_CALL_L4PROTO,	/* u8 */
	/* The signalling flow as it was first seen (original direction). */
	SIP_ALG_A_CALL_SRC_ADDR,	/* binary */
	SIP_ALG_A_CALL_SRC_PORT,	/* u16 */
	SIP_ALG_A_CALL_DST_ADDR,	/* binary */
	SIP_ALG_A_CALL_DST_PORT,	/* u16 */
	SIP_ALG_A_CALL_PIN,	/* nest, nest of pin, repeated */
	/* The call has more pins than fit in one message; the rest are left out. */
	SIP_ALG_A_CALL_PINS_TRUNCATED,	/* flag */

	__SIP_ALG_A_CALL_MAX,
	SIP_ALG_A_CALL_MAX = (__SIP_ALG_A_CALL_MAX - 1)
};

/*
 * A static address map for addresses inside SIP and SDP that are not the
 * packet's own: outbound, private becomes public; inbound the reverse.
 */
enum {
	/* 4 or 16 bytes, network order. */
	SIP_ALG_A_MAP_PRIVATE_ADDR = 1,	/* binary, min-len 4, max-len 16 */
	SIP_ALG_A_MAP_PUBLIC_ADDR,	/* binary, min-len 4, max-len 16 */
	/* Only this port is mapped; absent, every port, unchanged. */
	SIP_ALG_A_MAP_PRIVATE_PORT,	/* u16 */
	/* The port the private port becomes; needs private-port. */
	SIP_ALG_A_MAP_PUBLIC_PORT,	/* u16 */

	__SIP_ALG_A_MAP_MAX,
	SIP_ALG_A_MAP_MAX = (__SIP_ALG_A_MAP_MAX - 1)
};

enum {
	/* An SDP line prefix such as "a=candidate". */
	SIP_ALG_A_STRIP_PREFIX = 1,	/* string, max-len 31 */

	__SIP_ALG_A_STRIP_MAX,
	SIP_ALG_A_STRIP_MAX = (__SIP_ALG_A_STRIP_MAX - 1)
};

enum {
	/* Where the address stands (request-uri, via, contact, sdp-conn, ...). */
	SIP_ALG_A_EDIT_FIELD = 1,	/* string */
	SIP_ALG_A_EDIT_OLD,	/* string */
	SIP_ALG_A_EDIT_NEW,	/* string */

	__SIP_ALG_A_EDIT_MAX,
	SIP_ALG_A_EDIT_MAX = (__SIP_ALG_A_EDIT_MAX - 1)
};

enum {
	SIP_ALG_A_EVENT_TYPE = 1,	/* u8, enum sip_alg_event_type */
	SIP_ALG_A_EVENT_CALL_ID,	/* string */
	SIP_ALG_A_EVENT_ZONE,	/* u16 */
	SIP_ALG_A_EVENT_END_REASON,	/* u8, enum sip_alg_end_reason */
	/* Why a message was not handled, as its counter is named. */
	SIP_ALG_A_EVENT_REASON,	/* string */
	SIP_ALG_A_EVENT_MODE,	/* u8, enum sip_alg_mode */
	SIP_ALG_A_EVENT_FAMILY,	/* u8 */
	/* The message's sender and receiver as the router received it. */
	SIP_ALG_A_EVENT_SRC_ADDR,	/* binary */
	SIP_ALG_A_EVENT_SRC_PORT,	/* u16 */
	SIP_ALG_A_EVENT_DST_ADDR,	/* binary */
	SIP_ALG_A_EVENT_DST_PORT,	/* u16 */
	SIP_ALG_A_EVENT_EDIT,	/* nest, nest of edit, repeated */

	__SIP_ALG_A_EVENT_MAX,
	SIP_ALG_A_EVENT_MAX = (__SIP_ALG_A_EVENT_MAX - 1)
};

enum {
	/* The settings of the netns. */
	SIP_ALG_CMD_CONFIG_GET = 1,
	/* Change any subset of the settings; all or nothing. */
	SIP_ALG_CMD_CONFIG_SET,
	/* Every counter of the netns. */
	SIP_ALG_CMD_STATS_GET,
	/* One call by Call-ID (and zone), or all of them. */
	SIP_ALG_CMD_CALL_GET,
	/* End one call now; its pinholes and media flows are removed. */
	SIP_ALG_CMD_CALL_DEL,
	/* End every call and registration of the netns now. */
	SIP_ALG_CMD_CALLS_FLUSH,
	SIP_ALG_CMD_MAP_ADD,
	SIP_ALG_CMD_MAP_DEL,
	SIP_ALG_CMD_MAP_GET,
	SIP_ALG_CMD_SDP_STRIP_ADD,
	SIP_ALG_CMD_SDP_STRIP_DEL,
	SIP_ALG_CMD_SDP_STRIP_GET,
	/* Sent to the events group. */
	SIP_ALG_CMD_EVENT,

	__SIP_ALG_CMD_MAX,
	SIP_ALG_CMD_MAX = (__SIP_ALG_CMD_MAX - 1)
};

#define SIP_ALG_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_NF_SIP_ALG_H */
