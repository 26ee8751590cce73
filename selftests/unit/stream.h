/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of sip_stream.c: where the messages of a TCP stream begin. */
#ifndef _SIP_ALG_STREAM_TEST_H
#define _SIP_ALG_STREAM_TEST_H

void test_stream_framing(void);

#endif
