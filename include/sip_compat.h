/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few places where the kernels we build for differ. Each is decided by a
 * probe that Kbuild compiles against the kernel's headers (probes/, whose
 * results sip_alg_probes.h defines), not by version numbers, because
 * stable kernels receive such changes out of version order.
 */
#ifndef _SIP_COMPAT_H
#define _SIP_COMPAT_H

#include "sip_alg_probes.h"

/*
 * The helper a connection created from an expectation gets: newer kernels
 * split it from the helper that created the expectation.
 */
#ifdef SIP_ALG_HAVE_EXP_ASSIGN_HELPER
#define sip_alg_exp_assign_helper(exp)	((exp)->assign_helper)
#else
#define sip_alg_exp_assign_helper(exp)	((exp)->helper)
#endif

/*
 * An expectation's lifetime after it was inserted: a timer on older
 * kernels, a time stamp that garbage collection checks on newer ones.
 */
#ifdef SIP_ALG_HAVE_EXP_TIMER
#define sip_alg_exp_set_timeout(exp, secs)	\
	mod_timer_pending(&(exp)->timeout, jiffies + (secs) * HZ)
#else
#define sip_alg_exp_set_timeout(exp, secs)	\
	WRITE_ONCE((exp)->timeout, nfct_time_stamp + (secs) * HZ)
#endif

/* Newer kernels take the table's size instead of an empty last entry. */
#ifdef SIP_ALG_HAVE_REGISTER_NET_SYSCTL_SZ
#define sip_alg_register_net_sysctl(net, path, table, n)	\
	register_net_sysctl_sz(net, path, table, n)
#else
#define sip_alg_register_net_sysctl(net, path, table, n)	\
	register_net_sysctl(net, path, table)
#endif

/*
 * A conntrack's timeout: newer kernels no longer take the packet, which
 * only accounting used.
 */
#ifdef SIP_ALG_HAVE_CT_REFRESH_NO_SKB
#define sip_alg_ct_refresh(ct, extra_jiffies)	nf_ct_refresh(ct, extra_jiffies)
#else
#define sip_alg_ct_refresh(ct, extra_jiffies)	nf_ct_refresh(ct, NULL, extra_jiffies)
#endif

/*
 * Older kernels give a helper a default tuple, the port it serves when no
 * rule says otherwise, named "<name>" for the default port and
 * "<name>-<id>" for the others. Newer helpers have none: only rules attach
 * them, and one helper per family and transport is all there is.
 */
#ifdef SIP_ALG_HAVE_HELPER_TUPLE
#define SIP_ALG_HELPER_PORTS	true
#define sip_alg_ct_helper_init(h, l3, l4, name, default_port, port, id, pol, max, help)	\
	nf_ct_helper_init(h, l3, l4, name, default_port, port, id, pol, max, help,	\
			  NULL, THIS_MODULE)
#else
#define SIP_ALG_HELPER_PORTS	false
#define sip_alg_ct_helper_init(h, l3, l4, name, default_port, port, id, pol, max, help)	\
	nf_ct_helper_init(h, l3, l4, name, pol, max, help, NULL, THIS_MODULE)
#endif

/*
 * Newer kernels register copies of the helpers they are given and hand
 * back pointers to them (@reg), which is what unregistering takes.
 */
#ifdef SIP_ALG_HAVE_HELPER_HANDLES
#define sip_alg_ct_helpers_register(h, n, reg)	nf_conntrack_helpers_register(h, n, reg)
#define sip_alg_ct_helpers_unregister(h, n, reg)	nf_conntrack_helpers_unregister(reg, n)
#else
#define sip_alg_ct_helpers_register(h, n, reg)		\
	({ (void)(reg); nf_conntrack_helpers_register(h, n); })
#define sip_alg_ct_helpers_unregister(h, n, reg)	\
	({ (void)(reg); nf_conntrack_helpers_unregister(h, n); })
#endif

/*
 * An RTP/RTCP pair of expectations of one master inserted together: both
 * or neither. Newer kernels check both under their expectation lock before
 * inserting either. Older ones get the same result from two inserts, the
 * first taken back when the second fails: it waited in the table for that
 * moment (a packet may have used it; its expectation function then finds
 * no pin), and where the kernel only marks it dead, its slot is freed when
 * the kernel next reaps.
 */
#ifdef SIP_ALG_HAVE_EXPECT_RELATED_PAIR
#define sip_alg_ct_expect_related_pair(exp, flags)	nf_ct_expect_related_pair(exp, flags)
#else
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>

static inline int sip_alg_ct_expect_related_pair(struct nf_conntrack_expect *exp[],
						 unsigned int flags)
{
	int ret;

	if (!nfct_help(exp[0]->master) || nfct_help(exp[0]->master) != nfct_help(exp[1]->master))
		return -EINVAL;
	ret = nf_ct_expect_related(exp[0], flags);
	if (ret)
		return ret;
	ret = nf_ct_expect_related(exp[1], flags);
	if (ret)
		nf_ct_unexpect_related(exp[0]);
	return ret;
}
#endif

/* Newer kernels hand proc handlers a const table. */
#ifdef SIP_ALG_HAVE_CONST_CTL_TABLE
#define sip_alg_ctl_table	const struct ctl_table
#else
#define sip_alg_ctl_table	struct ctl_table
#endif

#endif /* _SIP_COMPAT_H */
