/* SPDX-License-Identifier: GPL-2.0 */
/* The call core's test group (call.c), run by unit.c's main(). */
#ifndef _SIP_ALG_UNIT_CALL_H
#define _SIP_ALG_UNIT_CALL_H

void test_call(void);

#endif
