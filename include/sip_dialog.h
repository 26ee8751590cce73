/* SPDX-License-Identifier: GPL-2.0 */
/* Dialogs (calls, registrations) and the pinholes they own; all under sn->lock. */
#ifndef _SIP_DIALOG_H
#define _SIP_DIALOG_H

#include <linux/list.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "sip_alg.h"

enum sip_alg_dialog_state {
	SIP_ALG_DLG_EARLY,		/* INVITE sent, no 2xx yet */
	SIP_ALG_DLG_CONFIRMED,		/* a 2xx was seen */
	SIP_ALG_DLG_REGISTERED,		/* a registration binding */
	SIP_ALG_DLG_ENDING,		/* until its grace passes */
};

struct sip_alg_dialog {
	struct hlist_node by_callid;	/* in sn->dialogs */
	struct hlist_node by_master;	/* in the master's helper data */
	struct list_head timed;		/* in sn->timed while its deadline is firm */
	struct list_head pins;
	struct nf_conn *master;		/* no reference: cleared when it dies */
	unsigned long master_key;	/* the first master, only compared */
	struct nf_conntrack_zone zone;
	unsigned long deadline;		/* idle expiry, or end of grace */
	u32 hash;
	u8 state;			/* enum sip_alg_dialog_state */
	u8 answered;			/* a response was seen */
	u8 unregistering;		/* the last REGISTER removed its bindings */
	u16 n_pins;
	u16 callid_len;
	char callid[];
};

void sip_alg_dialog_deadline(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			     unsigned long deadline);
void sip_alg_dialog_end(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			unsigned int grace_secs);

/* sip_pinhole.c */
void sip_alg_pin_media(struct sip_alg_pkt *p, struct sip_alg_dialog *d);
void sip_alg_pin_register(struct sip_alg_pkt *p, struct sip_alg_dialog *d);
bool sip_alg_register_removes(const struct sip_alg_msg *msg);
void sip_alg_pin_unlink_all(struct sip_alg_net *sn, struct sip_alg_dialog *d);
void sip_alg_pin_release_all(struct sip_alg_net *sn, struct sip_alg_dialog *d,
			     bool kill_media);
int sip_alg_pin_init(struct sip_alg_net *sn);
void sip_alg_pin_exit(struct sip_alg_net *sn);

#endif /* _SIP_DIALOG_H */
