// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: the events group, one line per event with the time it arrived,
 * until SIGINT or SIGTERM. With -j, one JSON object per line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/nf_sip_alg.h>

#include "ctl.h"
#include "parse.h"

static const char * const ctl_event_types[] = {
	[SIP_ALG_EVENT_TYPE_CALL_START]		= "call-start",
	[SIP_ALG_EVENT_TYPE_CALL_ANSWER]	= "call-answer",
	[SIP_ALG_EVENT_TYPE_CALL_HOLD]		= "call-hold",
	[SIP_ALG_EVENT_TYPE_CALL_RESUME]	= "call-resume",
	[SIP_ALG_EVENT_TYPE_CALL_END]		= "call-end",
	[SIP_ALG_EVENT_TYPE_NOT_HANDLED]	= "not-handled",
	[SIP_ALG_EVENT_TYPE_REWRITE]		= "rewrite",
};

static const char * const ctl_end_reasons[] = {
	[SIP_ALG_END_REASON_BYE]	= "bye",
	[SIP_ALG_END_REASON_CANCEL]	= "cancel",
	[SIP_ALG_END_REASON_REJECTED]	= "rejected",
	[SIP_ALG_END_REASON_IDLE]	= "idle",
	[SIP_ALG_END_REASON_EXPIRED]	= "expired",
	[SIP_ALG_END_REASON_DELETED]	= "deleted",
};

static const enum mnl_attr_data_type ctl_event_types_nl[SIP_ALG_A_EVENT_MAX + 1] = {
	[SIP_ALG_A_EVENT_TYPE]		= MNL_TYPE_U8,
	[SIP_ALG_A_EVENT_CALL_ID]	= MNL_TYPE_STRING,
	[SIP_ALG_A_EVENT_ZONE]		= MNL_TYPE_U16,
	[SIP_ALG_A_EVENT_END_REASON]	= MNL_TYPE_U8,
	[SIP_ALG_A_EVENT_REASON]	= MNL_TYPE_STRING,
	[SIP_ALG_A_EVENT_MODE]		= MNL_TYPE_U8,
	[SIP_ALG_A_EVENT_FAMILY]	= MNL_TYPE_U8,
	[SIP_ALG_A_EVENT_SRC_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_EVENT_SRC_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_EVENT_DST_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_EVENT_DST_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_EVENT_EDIT]		= MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type ctl_edit_types[SIP_ALG_A_EDIT_MAX + 1] = {
	[SIP_ALG_A_EDIT_FIELD]	= MNL_TYPE_STRING,
	[SIP_ALG_A_EDIT_OLD]	= MNL_TYPE_STRING,
	[SIP_ALG_A_EDIT_NEW]	= MNL_TYPE_STRING,
};

static volatile sig_atomic_t ctl_stop;

static void ctl_on_signal(int sig)
{
	ctl_stop = 1;
}

/* 2026-11-21T08:40:01.123+0000 */
static void ctl_timestamp(char *buf, size_t len)
{
	struct timespec ts;
	char zone[8];
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf + n, len - n, ".%03ld%s", ts.tv_nsec / 1000000, zone);
}

/* A string attribute: "key": "s" in JSON, " label s" as text. */
static void ctl_str(const char *key, const char *label, const struct nlattr *a)
{
	const char *s;
	size_t len;

	if (!a)
		return;
	s = ctl_attr_str(a, &len);
	if (ctl_jw) {
		ctl_json_key(ctl_jw, key);
		ctl_json_str(ctl_jw, s, len);
	} else {
		printf(" %s%s", label, *label ? " " : "");
		ctl_text_escape(stdout, s, len);
	}
}

static void ctl_event_flow(const struct nlattr **tb)
{
	const struct nlattr *src = tb[SIP_ALG_A_EVENT_SRC_ADDR];
	const struct nlattr *dst = tb[SIP_ALG_A_EVENT_DST_ADDR];
	char s[CTL_ADDR_STRLEN], d[CTL_ADDR_STRLEN];
	int sport = -1, dport = -1;

	if (!src || !dst)
		return;
	if (tb[SIP_ALG_A_EVENT_SRC_PORT])
		sport = mnl_attr_get_u16(tb[SIP_ALG_A_EVENT_SRC_PORT]);
	if (tb[SIP_ALG_A_EVENT_DST_PORT])
		dport = mnl_attr_get_u16(tb[SIP_ALG_A_EVENT_DST_PORT]);
	if (!ctl_jw) {
		printf(" %s -> %s",
		       ctl_format_addr(s, sizeof(s), mnl_attr_get_payload(src),
				       mnl_attr_get_payload_len(src), sport),
		       ctl_format_addr(d, sizeof(d), mnl_attr_get_payload(dst),
				       mnl_attr_get_payload_len(dst), dport));
		return;
	}
	ctl_json_kv_str(ctl_jw, "src", ctl_format_addr(s, sizeof(s), mnl_attr_get_payload(src),
						       mnl_attr_get_payload_len(src), -1));
	if (sport >= 0)
		ctl_json_kv_u64(ctl_jw, "src_port", sport);
	ctl_json_kv_str(ctl_jw, "dst", ctl_format_addr(d, sizeof(d), mnl_attr_get_payload(dst),
						       mnl_attr_get_payload_len(dst), -1));
	if (dport >= 0)
		ctl_json_kv_u64(ctl_jw, "dst_port", dport);
}

/* A rewrite event's edits: "; via 192.168.2.128:5060 => 172.16.2.128:5060". */
static int ctl_event_edits(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[SIP_ALG_A_EDIT_MAX + 1], *a;
	bool any = false;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SIP_ALG_A_EVENT_EDIT)
			continue;
		if (ctl_nl_parse_nested(a, tb, SIP_ALG_A_EDIT_MAX, ctl_edit_types))
			return MNL_CB_ERROR;
		if (ctl_jw) {
			if (!any) {
				ctl_json_key(ctl_jw, "edits");
				ctl_json_open(ctl_jw, '[');
			}
			ctl_json_open(ctl_jw, '{');
		} else {
			fputs(any ? ";" : ":", stdout);
		}
		ctl_str("field", "", tb[SIP_ALG_A_EDIT_FIELD]);
		ctl_str("old", "", tb[SIP_ALG_A_EDIT_OLD]);
		ctl_str("new", "=>", tb[SIP_ALG_A_EDIT_NEW]);
		if (ctl_jw)
			ctl_json_close(ctl_jw, '}');
		any = true;
	}
	if (ctl_jw && any)
		ctl_json_close(ctl_jw, ']');
	return MNL_CB_OK;
}

static int ctl_event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[SIP_ALG_A_EVENT_MAX + 1];
	char now[48], buf[8];
	const char *type = "?";
	int ret;

	if (genl->cmd != SIP_ALG_CMD_EVENT)
		return MNL_CB_OK;
	if (ctl_nl_parse(nlh, tb, SIP_ALG_A_EVENT_MAX, ctl_event_types_nl))
		return MNL_CB_ERROR;
	ctl_timestamp(now, sizeof(now));
	if (tb[SIP_ALG_A_EVENT_TYPE])
		type = CTL_ENUM(ctl_event_types, mnl_attr_get_u8(tb[SIP_ALG_A_EVENT_TYPE]), buf);

	if (ctl_jw) {
		ctl_json_open(ctl_jw, '{');
		ctl_json_kv_str(ctl_jw, "time", now);
		ctl_json_kv_str(ctl_jw, "type", type);
	} else {
		printf("%s %s", now, type);
	}
	if (tb[SIP_ALG_A_EVENT_MODE] &&
	    mnl_attr_get_u8(tb[SIP_ALG_A_EVENT_MODE]) == SIP_ALG_MODE_OBSERVE) {
		if (ctl_jw)
			ctl_json_kv_str(ctl_jw, "mode", "observe");
		else
			fputs(" (observe)", stdout);
	}
	ctl_str("call_id", "Call-ID", tb[SIP_ALG_A_EVENT_CALL_ID]);
	if (tb[SIP_ALG_A_EVENT_ZONE] && mnl_attr_get_u16(tb[SIP_ALG_A_EVENT_ZONE])) {
		if (ctl_jw)
			ctl_json_kv_u64(ctl_jw, "zone", mnl_attr_get_u16(tb[SIP_ALG_A_EVENT_ZONE]));
		else
			printf(" zone %u", mnl_attr_get_u16(tb[SIP_ALG_A_EVENT_ZONE]));
	}
	if (tb[SIP_ALG_A_EVENT_END_REASON]) {
		const char *why = CTL_ENUM(ctl_end_reasons,
					   mnl_attr_get_u8(tb[SIP_ALG_A_EVENT_END_REASON]), buf);

		if (ctl_jw)
			ctl_json_kv_str(ctl_jw, "end_reason", why);
		else
			printf(" end %s", why);
	}
	ctl_event_flow(tb);
	ctl_str("reason", "reason", tb[SIP_ALG_A_EVENT_REASON]);
	ret = ctl_event_edits(nlh);
	if (ctl_jw)
		ctl_json_close(ctl_jw, '}');
	else
		putchar('\n');
	fflush(stdout);
	return ret;
}

int ctl_cmd_monitor(struct ctl_nl *nl, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = ctl_on_signal };
	sigset_t block, orig;

	if (argc)
		return ctl_usage_err("unexpected \"%s\" after monitor", argv[0]);
	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return ctl_nl_listen(nl, ctl_event_cb, NULL, &ctl_stop, &orig) ?
	       CTL_EXIT_FAIL : CTL_EXIT_OK;
}
