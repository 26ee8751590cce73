// SPDX-License-Identifier: GPL-2.0
/*
 * Counters of one network namespace as "name value" lines in
 * /proc/net/stat/nf_sip_alg, so that an operator can see why a message was
 * passed unmodified without any tool of ours.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "sip_alg.h"
#include "sip_stats.h"

#define SIP_ALG_PROC_NAME	"nf_sip_alg"

static const char *const sip_alg_stat_names[SIP_ALG_STAT_NR] = {
	[SIP_ALG_STAT_MESSAGES]		= "messages",
	[SIP_ALG_STAT_REQUESTS]		= "requests",
	[SIP_ALG_STAT_RESPONSES]	= "responses",
	[SIP_ALG_STAT_KEEPALIVES]	= "keepalives",
	[SIP_ALG_STAT_REWRITTEN]	= "rewritten",
	[SIP_ALG_STAT_EDITS]		= "edits",
	[SIP_ALG_STAT_EXPECT_CREATED]	= "expect_created",
	[SIP_ALG_STAT_EXPECT_FAILED]	= "expect_failed",
	[SIP_ALG_STAT_EXPECT_REMOVED]	= "expect_removed",
	[SIP_ALG_STAT_MEDIA_KILLED]	= "media_flows_ended",
	[SIP_ALG_STAT_DIALOGS_CREATED]	= "dialogs_created",
	[SIP_ALG_STAT_DIALOGS_ENDED]	= "dialogs_ended",
	[SIP_ALG_STAT_REGISTRATIONS]	= "registrations",
	[SIP_ALG_STAT_FAIL_TCP_PARTIAL]	= "fail_tcp_partial",
	[SIP_ALG_STAT_TCP_NOT_SIP]	= "tcp_not_sip",
	[SIP_ALG_STAT_TCP_UNFOLLOWED]	= "tcp_unfollowed",
	[SIP_ALG_STAT_TCP_OUT_OF_ORDER]	= "tcp_out_of_order",
	[SIP_ALG_STAT_TCP_RESENT]	= "tcp_resent",
	[SIP_ALG_STAT_TCP_HELD]		= "tcp_held",
	[SIP_ALG_STAT_TCP_HOLD_EXPIRED]	= "tcp_hold_expired",
	[SIP_ALG_STAT_FAIL_PLAN]	= "fail_plan",
	[SIP_ALG_STAT_FAIL_MANGLE]	= "fail_mangle",
	[SIP_ALG_STAT_FAIL_NO_DIALOG]	= "fail_no_dialog",
	[SIP_ALG_STAT_FAIL_PORTS]	= "fail_no_media_port",
	[SIP_ALG_STAT_DROPPED]		= "dropped",
	[SIP_ALG_STAT_FOREIGN_FLOW]	= "foreign_flow",
	[SIP_ALG_STAT_PINS_OVER_BUDGET]	= "pins_over_budget",
	[SIP_ALG_STAT_PINS_OVER_FLOW_LIMIT] = "pins_over_flow_limit",
	[SIP_ALG_STAT_CALLS_OVER_BUDGET]	= "calls_over_budget",
	[SIP_ALG_STAT_QUIET_KEPT]	= "quiet_calls_kept",
};

/* Parser errors as counter names; keep in step with enum sip_alg_err. */
static const char *const sip_alg_parse_err_names[SIP_ALG_E_NR] = {
	[SIP_ALG_E_INCOMPLETE]		= "incomplete",
	[SIP_ALG_E_TOO_BIG]		= "too_big",
	[SIP_ALG_E_START_LINE]		= "start_line",
	[SIP_ALG_E_VERSION]		= "version",
	[SIP_ALG_E_STATUS]		= "status",
	[SIP_ALG_E_HEADER]		= "header",
	[SIP_ALG_E_TOO_MANY_HEADERS]	= "too_many_headers",
	[SIP_ALG_E_TOO_MANY_ADDRS]	= "too_many_addrs",
	[SIP_ALG_E_URI]			= "uri",
	[SIP_ALG_E_HOST]		= "host",
	[SIP_ALG_E_PORT]		= "port",
	[SIP_ALG_E_VIA]			= "via",
	[SIP_ALG_E_CONTENT_LENGTH]	= "content_length",
	[SIP_ALG_E_BODY_LENGTH]		= "body_length",
	[SIP_ALG_E_MISSING_HEADER]	= "missing_header",
	[SIP_ALG_E_CSEQ]		= "cseq",
	[SIP_ALG_E_MULTIPART]		= "multipart",
	[SIP_ALG_E_SDP]			= "sdp",
	[SIP_ALG_E_SDP_TOO_MANY_MEDIA]	= "sdp_too_many_media",
};

/* Request methods as counter suffixes; keep in step with enum sip_alg_method. */
static const char *const sip_alg_method_names[SIP_ALG_M_NR] = {
	[SIP_ALG_M_OTHER]	= "other",
	[SIP_ALG_M_INVITE]	= "invite",
	[SIP_ALG_M_ACK]		= "ack",
	[SIP_ALG_M_BYE]		= "bye",
	[SIP_ALG_M_CANCEL]	= "cancel",
	[SIP_ALG_M_REGISTER]	= "register",
	[SIP_ALG_M_OPTIONS]	= "options",
	[SIP_ALG_M_PRACK]	= "prack",
	[SIP_ALG_M_UPDATE]	= "update",
	[SIP_ALG_M_SUBSCRIBE]	= "subscribe",
	[SIP_ALG_M_NOTIFY]	= "notify",
	[SIP_ALG_M_REFER]	= "refer",
	[SIP_ALG_M_MESSAGE]	= "message",
	[SIP_ALG_M_INFO]	= "info",
	[SIP_ALG_M_PUBLISH]	= "publish",
};

const char *sip_alg_stat_name(unsigned int i, char *buf, size_t len)
{
	if (i >= SIP_ALG_STAT_METHOD && i <= SIP_ALG_STAT_METHOD_LAST) {
		snprintf(buf, len, "requests_%s",
			 sip_alg_method_names[i - SIP_ALG_STAT_METHOD] ?: "other");
		return buf;
	}
	if (i >= SIP_ALG_STAT_STATUS_1XX && i <= SIP_ALG_STAT_STATUS_6XX) {
		snprintf(buf, len, "responses_%uxx", i - SIP_ALG_STAT_STATUS_1XX + 1);
		return buf;
	}
	/* SIP_ALG_OK has no counter of its own: it is the parse failures' base. */
	if (i == SIP_ALG_STAT_FAIL_PARSE || i >= SIP_ALG_STAT_NR)
		return NULL;
	if (i > SIP_ALG_STAT_FAIL_PARSE && i <= SIP_ALG_STAT_FAIL_PARSE_LAST) {
		snprintf(buf, len, "fail_parse_%s",
			 sip_alg_parse_err_names[i - SIP_ALG_STAT_FAIL_PARSE] ?: "other");
		return buf;
	}
	return sip_alg_stat_names[i];
}

u64 sip_alg_stat_sum(const struct sip_alg_net *sn, enum sip_alg_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(sn->stats, cpu)->v[s];
	return sum;
}

static int sip_alg_stats_show(struct seq_file *seq, void *v)
{
	const struct sip_alg_net *sn = sip_alg_pernet(seq_file_single_net(seq));
	char buf[SIP_ALG_STAT_NAME_LEN];
	const char *name;
	unsigned int i;

	for (i = 0; i < SIP_ALG_STAT_NR; i++) {
		name = sip_alg_stat_name(i, buf, sizeof(buf));
		if (name)
			seq_printf(seq, "%s %llu\n", name, sip_alg_stat_sum(sn, i));
	}
	seq_printf(seq, "dialogs_active %u\n", READ_ONCE(sn->n_dialogs));
	return 0;
}

int sip_alg_stats_net_init(struct net *net, struct sip_alg_net *sn)
{
	sn->proc = proc_create_net_single(SIP_ALG_PROC_NAME, 0444, net->proc_net_stat,
					  sip_alg_stats_show, NULL);
	return sn->proc ? 0 : -ENOMEM;
}

void sip_alg_stats_net_exit(struct net *net)
{
	remove_proc_entry(SIP_ALG_PROC_NAME, net->proc_net_stat);
}
