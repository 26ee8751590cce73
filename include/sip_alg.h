/* SPDX-License-Identifier: GPL-2.0 */
/* Module-internal declarations shared by the kernel-side files. */
#ifndef _SIP_ALG_H
#define _SIP_ALG_H

#define SIP_ALG_HELPER_NAME	"sip-alg"

int sip_alg_helper_init(void);
void sip_alg_helper_exit(void);

#endif /* _SIP_ALG_H */
