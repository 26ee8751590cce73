// SPDX-License-Identifier: GPL-2.0
/*
 * Built against the reference headers (work/ref/include): the sizes and
 * offsets fuzz_diff needs to trust that both versions share one layout.
 */
#include "sip_rewrite.h"

#define LAYOUT_SIG(t, last) ((u32)sizeof(t) * 65536u + (u32)offsetof(t, last))

u32 ref_layout(int i)
{
	switch (i) {
	case 0:
		return LAYOUT_SIG(struct sip_alg_msg, addrs);
	case 1:
		return LAYOUT_SIG(struct sdp_alg_session, lines);
	case 2:
		return LAYOUT_SIG(struct sip_alg_plan, edits);
	case 3:
		return LAYOUT_SIG(struct sip_alg_addr, hp);
	}
	return 0;
}
