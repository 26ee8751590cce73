// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: SDP parse of the whole input, result invariants. */
#include <stdlib.h>
#include "sdp_parse.h"

static struct sdp_alg_session sdp;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_alg_span s = { 0, 0 };
	const struct sip_alg_addr *c;
	uint32_t i;
	int err;

	if (size > SIP_ALG_MAX_MSG_LEN)
		return 0;
	s.len = (uint16_t)size;
	err = sdp_alg_parse((const char *)data, s, size & 1 ? SDP_ALG_MAX_MEDIA : 0, &sdp);
	if (err < 0 || err >= SIP_ALG_E_NR)
		abort();
	if (err)
		return 0;
	if (sdp.n_media > SDP_ALG_MAX_MEDIA || sdp.n_addrs > SDP_ALG_MAX_ADDRS ||
	    sdp.n_lines > SDP_ALG_MAX_LINES)
		abort();
	for (i = 0; i < sdp.n_addrs; i++)
		if ((size_t)sdp.addrs[i].hp.host.off + sdp.addrs[i].hp.host.len > size ||
		    (size_t)sdp.addrs[i].hp.port.off + sdp.addrs[i].hp.port.len > size)
			abort();
	for (i = 0; i < sdp.n_lines; i++)
		if ((size_t)sdp.lines[i].span.off + sdp.lines[i].span.len > size)
			abort();
	for (i = 0; i < sdp.n_media; i++) {
		c = sdp_alg_media_conn(&sdp, (uint16_t)i);
		if (c && (c < sdp.addrs || c >= sdp.addrs + sdp.n_addrs))
			abort();
		if (sdp.media[i].port_addr < 0 || sdp.media[i].port_addr >= sdp.n_addrs)
			abort();
	}
	return 0;
}
