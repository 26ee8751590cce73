/* SPDX-License-Identifier: GPL-2.0 */
/* Module-internal declarations shared by the kernel-side files. */
#ifndef _SIP_ALG_H
#define _SIP_ALG_H

#include <linux/netfilter.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>

#include "sip_rewrite.h"

#define SIP_ALG_HELPER_NAME	"sip-alg"

/* Expectation classes; see sip_alg_exp_policy in sip_helper.c. */
enum sip_alg_class {
	SIP_ALG_CLASS_SIGNALLING,
	SIP_ALG_CLASS_RTP,
	SIP_ALG_CLASS_RTCP,
	SIP_ALG_CLASS_NR
};

/*
 * Counters, per netns and per CPU. The fail-open reasons follow the parser's
 * error codes so that every message passed unmodified is accounted for.
 */
enum sip_alg_stat {
	SIP_ALG_STAT_MESSAGES,
	SIP_ALG_STAT_REQUESTS,
	SIP_ALG_STAT_RESPONSES,
	SIP_ALG_STAT_METHOD,		/* followed by one counter per request method */
	SIP_ALG_STAT_METHOD_LAST = SIP_ALG_STAT_METHOD + SIP_ALG_M_NR - 1,
	SIP_ALG_STAT_STATUS_1XX,	/* responses by class, 1xx to 6xx */
	SIP_ALG_STAT_STATUS_6XX = SIP_ALG_STAT_STATUS_1XX + 5,
	SIP_ALG_STAT_KEEPALIVES,
	SIP_ALG_STAT_REWRITTEN,
	SIP_ALG_STAT_EDITS,
	SIP_ALG_STAT_EXPECT_CREATED,
	SIP_ALG_STAT_EXPECT_FAILED,
	SIP_ALG_STAT_EXPECT_REMOVED,
	SIP_ALG_STAT_MEDIA_KILLED,
	SIP_ALG_STAT_DIALOGS_CREATED,
	SIP_ALG_STAT_DIALOGS_ENDED,
	SIP_ALG_STAT_REGISTRATIONS,
	SIP_ALG_STAT_FAIL_PARSE,	/* followed by one counter per parser error */
	SIP_ALG_STAT_FAIL_PARSE_LAST = SIP_ALG_STAT_FAIL_PARSE + SIP_ALG_E_NR - 1,
	SIP_ALG_STAT_FAIL_TCP_PARTIAL,	/* a message split across segments */
	SIP_ALG_STAT_TCP_NOT_SIP,	/* a TCP stream whose first bytes are not SIP */
	SIP_ALG_STAT_TCP_UNFOLLOWED,	/* ... lost track of where messages begin */
	SIP_ALG_STAT_TCP_OUT_OF_ORDER,	/* a segment after a gap, dropped */
	SIP_ALG_STAT_TCP_RESENT,	/* old data sent again, passed as it came */
	SIP_ALG_STAT_TCP_HELD,		/* segments that ended in a message, held back */
	SIP_ALG_STAT_TCP_HOLD_EXPIRED,	/* ... that did not come whole in time */
	SIP_ALG_STAT_FAIL_PLAN,
	SIP_ALG_STAT_FAIL_MANGLE,
	SIP_ALG_STAT_FAIL_NO_DIALOG,	/* dialog table full or out of memory */
	SIP_ALG_STAT_FAIL_PORTS,	/* no public media port could be reserved */
	SIP_ALG_STAT_DROPPED,		/* drop_malformed was set */
	SIP_ALG_STAT_FOREIGN_FLOW,	/* a call's Call-ID on a flow not its own */
	SIP_ALG_STAT_PINS_OVER_BUDGET,	/* a call, its source or the netns had its share */
	SIP_ALG_STAT_PINS_OVER_FLOW_LIMIT, /* the kernel's limit per signalling flow (7.x) */
	SIP_ALG_STAT_CALLS_OVER_BUDGET,	/* the source had its share of calls */
	SIP_ALG_STAT_QUIET_KEPT,	/* a quiet call stayed for its media */
	SIP_ALG_STAT_NR
};

struct sip_alg_stats {
	u64 v[SIP_ALG_STAT_NR];
};

/* Tunables of one network namespace; the module parameters are the defaults. */
struct sip_alg_config {
	unsigned int grace_secs;	/* after BYE/CANCEL/error until pinholes go */
	unsigned int sip_timeout;	/* signalling conntrack and dialog idle timeout */
	unsigned int max_media;		/* m= lines per SDP */
	unsigned int max_dialogs;
	unsigned int max_call_pins;	/* pinholes one call may hold */
	unsigned int max_source_pins;	/* ... all calls one address started */
	unsigned int max_source_calls;	/* calls one address may start */
	unsigned int max_pins;		/* ... the netns; 0: 3 x nf_conntrack expect_hashsize */
	unsigned int tcp_hold_max;	/* bytes of a cut message held back per connection */
	u8 direct_media;		/* media only from the signalling peer */
	u8 direct_signalling;		/* registered contact reachable from the registrar only */
	u8 drop_malformed;
	u8 mode;			/* enum sip_alg_mode */
};

struct sip_alg_policy;			/* sip_policy.c */

struct sip_alg_net {
	struct net *net;
	spinlock_t lock;		/* changes to the tables below, and every dialog */
	struct rhltable dialogs;	/* by hash of Call-ID and zone; grows with them */
	struct rhltable pins;		/* by what their expectation waits for */
	struct rhashtable sources;	/* by address and zone */
	unsigned int n_dialogs;
	unsigned int n_pins;
	/* Every dialog is on one of the two, for the GC. */
	struct list_head timed;		/* dialogs with a firm deadline */
	struct list_head idle;		/* the others */
	struct mutex sweeping;		/* one sweep of those lists at a time */
	struct delayed_work gc;
	unsigned int gc_runs;
	bool exiting;
	struct proc_dir_entry *proc;
	struct ctl_table_header *sysctl;
	struct sip_alg_config cfg;
	struct sip_alg_stats __percpu *stats;
	/* TCP bytes held back (sip_hold.c), by conntrack and direction. */
	struct rhashtable holds;
	spinlock_t hold_lock;		/* the list and the charge */
	struct list_head hold_fifo;	/* oldest first */
	unsigned long hold_bytes;	/* charged to tcp_hold_total */
	struct delayed_work hold_gc;
	/* Static maps and the SDP strip list, replaced whole under policy_mutex. */
	struct sip_alg_policy __rcu *policy;
	struct mutex policy_mutex;	/* serialises netlink changes of the policy */
};

struct sip_alg_net *sip_alg_pernet(const struct net *net);

static inline u8 sip_alg_tuple_family(const struct nf_conntrack_tuple *t)
{
	return t->src.l3num == NFPROTO_IPV4 ? 4 : 6;
}

static inline u8 sip_alg_ct_family(const struct nf_conn *ct)
{
	return sip_alg_tuple_family(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
}

static inline void sip_alg_count(struct sip_alg_net *sn, enum sip_alg_stat s)
{
	this_cpu_inc(sn->stats->v[s]);
}

/* The per-packet view shared by the helper, the dialog layer and NAT. */
struct sip_alg_media_map {
	u8 mapped;			/* the stream's address is rewritten */
	union nf_inet_addr addr;	/* the address to write */
	u16 rtp_port;			/* host order */
	u16 rtcp_port;
};

struct sip_alg_pkt {
	struct sk_buff *skb;
	struct nf_conn *ct;
	enum ip_conntrack_info ctinfo;
	enum ip_conntrack_dir dir;
	unsigned int protoff;
	unsigned int payloadoff;	/* first byte after the transport header */
	unsigned int dataoff;		/* of the current message in the skb */
	u32 seq;			/* TCP: the payload's first sequence number */
	struct sip_alg_net *sn;
	const char *buf;		/* the current message */
	u32 len;
	struct sip_alg_msg *msg;
	struct sdp_alg_session *sdp;	/* NULL when the message has no SDP */
	struct sip_alg_media_map *media;	/* per m= line, when sdp */
	bool nat;			/* the conntrack has an address translation */
	enum sip_alg_dir nat_dir;
};

/* sip_helper.c */
int sip_alg_helper_init(void);
/* "sip-alg", or "sip" with as_sip= (a ruleset written for nf_conntrack_sip). */
const char *sip_alg_helper_name(void);
void sip_alg_helper_exit(void);

/* sip_sysctl.c */
void sip_alg_config_init(struct sip_alg_config *cfg, const struct sip_alg_config *host);
int sip_alg_sysctl_net_init(struct net *net, struct sip_alg_net *sn);
void sip_alg_sysctl_net_exit(struct sip_alg_net *sn);

/* sip_nat.c */
bool sip_alg_nat_dir(const struct nf_conn *ct, enum ip_conntrack_dir dir,
		     enum sip_alg_dir *nat_dir);
bool sip_alg_map_sender(const struct nf_conn *ct, enum ip_conntrack_dir dir,
			const union nf_inet_addr *addr);
bool sip_alg_map_receiver(const struct nf_conn *ct, enum ip_conntrack_dir dir,
			  const union nf_inet_addr *addr);
/* Returns how much the message grew (or shrank); 0 when it passed as it came. */
int sip_alg_nat_rewrite(struct sip_alg_pkt *p, struct sip_alg_plan *plan, char *out);
void sip_alg_nat_expected(struct nf_conn *ct, const union nf_inet_addr *addr, u16 port,
			  bool dnat);

#endif /* _SIP_ALG_H */
