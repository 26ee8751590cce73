/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few places where the kernels we build for differ. Each is decided by a
 * probe of the kernel's headers in Kbuild, not by version numbers, because
 * stable kernels receive such changes out of version order.
 */
#ifndef _SIP_COMPAT_H
#define _SIP_COMPAT_H

/*
 * The helper a connection created from an expectation gets: newer kernels
 * split it from the helper that created the expectation.
 */
#ifdef SIP_ALG_HAVE_EXP_ASSIGN_HELPER
#define sip_alg_exp_assign_helper(exp)	((exp)->assign_helper)
#else
#define sip_alg_exp_assign_helper(exp)	((exp)->helper)
#endif

#endif /* _SIP_COMPAT_H */
