/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) in the userspace builds of the parsers (unit
 * tests, bench, fuzzers): the few kernel compiler attributes they use.
 */
#ifndef _SIP_ALG_KCOMPAT_H
#define _SIP_ALG_KCOMPAT_H

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#endif
