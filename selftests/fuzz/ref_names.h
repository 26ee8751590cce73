/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (-include) when fuzz_diff builds the reference copy of the
 * parsers (work/ref/, taken from git at $(REF)): every global symbol gets a
 * ref_ prefix so both versions link into one binary.
 */
#define sip_alg_ctab		ref_sip_alg_ctab
#define sip_alg_parse		ref_sip_alg_parse
#define sip_alg_parse_ip	ref_sip_alg_parse_ip
#define sip_alg_fmt_dec		ref_sip_alg_fmt_dec
#define sip_alg_format_ip	ref_sip_alg_format_ip
#define sip_alg_strerror	ref_sip_alg_strerror
#define sdp_alg_parse		ref_sdp_alg_parse
#define sdp_alg_media_conn	ref_sdp_alg_media_conn
#define sip_alg_plan		ref_sip_alg_plan
#define sip_alg_apply		ref_sip_alg_apply
