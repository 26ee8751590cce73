// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: SIP parse, datagram and stream mode, result invariants. */
#include <stdlib.h>
#include "sdp_parse.h"

static struct sip_alg_msg msg;

static void check_span(struct sip_alg_span s, size_t size)
{
	if ((size_t)s.off + s.len > size)
		abort();
}

static void check(size_t size)
{
	uint32_t i;

	if (msg.msg_len > size || msg.hdr_end > msg.msg_len)
		abort();
	if ((uint32_t)msg.body.off + msg.body.len != msg.msg_len)
		abort();
	check_span(msg.call_id, size);
	check_span(msg.uri, size);
	check_span(msg.sdp, size);
	check_span(msg.cl_value, size);
	if (msg.sdp.len && (msg.sdp.off < msg.body.off ||
			    msg.sdp.off + msg.sdp.len > msg.body.off + msg.body.len))
		abort();
	if (msg.n_headers > SIP_ALG_MAX_HEADERS || msg.n_addrs > SIP_ALG_MAX_ADDRS)
		abort();
	for (i = 0; i < msg.n_headers; i++) {
		check_span(msg.headers[i].name, msg.hdr_end);
		check_span(msg.headers[i].value, msg.hdr_end);
	}
	for (i = 0; i < msg.n_addrs; i++) {
		check_span(msg.addrs[i].hp.host, msg.hdr_end);
		check_span(msg.addrs[i].hp.port, msg.hdr_end);
		if (msg.addrs[i].hp.family != 0 && msg.addrs[i].hp.family != 4 &&
		    msg.addrs[i].hp.family != 6)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int err;

	err = sip_alg_parse((const char *)data, (uint32_t)size, false, &msg);
	if (err < 0 || err >= SIP_ALG_E_NR)
		abort();
	if (!err)
		check(size);
	err = sip_alg_parse((const char *)data, (uint32_t)size, true, &msg);
	if (err < 0 || err >= SIP_ALG_E_NR)
		abort();
	if (!err)
		check(size);
	return 0;
}
