/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events of the sip_alg family (sip_events.c), multicast to its "events"
 * group; each may be called in softirq. The packet path sends its own
 * without sn->lock; the GC and the control plane, ending calls, under it.
 */
#ifndef _SIP_EVENTS_H
#define _SIP_EVENTS_H

#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"
#include "uapi/linux/nf_sip_alg.h"

/* The family's multicast groups, in the order it lists them. */
enum sip_alg_mcgrp {
	SIP_ALG_MCGRP_EVENTS_ID,
};

/* A call's event; @end_reason is an enum sip_alg_end_reason, or -1. */
void sip_alg_event_call(struct sip_alg_net *sn, const char *callid, u16 len,
			const struct nf_conntrack_zone *zone, const struct nf_conntrack_tuple *sig,
			enum sip_alg_event_type type, int end_reason);
/* The kernel log's line for a message not handled, rate-limited. */
void sip_alg_log(const struct sip_alg_pkt *p, const char *verdict, const char *why);
void sip_alg_event_not_handled(const struct sip_alg_pkt *p, enum sip_alg_stat why);
void sip_alg_event_rewrite(const struct sip_alg_pkt *p, const struct sip_alg_plan *plan);
/* Events go out on @family from here on, once it is registered. */
void sip_alg_events_start(struct genl_family *family);
/* No more events; those under way have been sent when it returns. */
void sip_alg_events_stop(void);

#endif /* _SIP_EVENTS_H */
