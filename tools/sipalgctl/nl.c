// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink I/O with libmnl. Errors are printed here, where the kernel's
 * answer is at hand: its errno, its extack message, the attribute it
 * points at and the bounds of that attribute's policy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nf_sip_alg.h>

#include "ctl.h"
#include "nl.h"

/* The largest message the kernel sends us: a call with all its pins. */
#define CTL_NL_RBUF	65536

struct ctl_talk {
	struct ctl_nl *nl;
	const struct nlmsghdr *req;
	ctl_nl_cb cb;
	void *data;
	bool cb_failed;		/* @cb said why */
	int error;		/* negative errno from the kernel */
	char msg[256];		/* its extack message, or "" */
	int bad_attr;		/* the type of the attribute it points at, or 0 */
	bool has_range;
	uint64_t min, max;
};

struct ctl_tb {
	const struct nlattr **tb;
	int max;
	const enum mnl_attr_data_type *types;
};

static int ctl_tb_cb(const struct nlattr *a, void *data)
{
	struct ctl_tb *t = data;
	int type = mnl_attr_get_type(a);

	if (type > t->max)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, t->types ? t->types[type] : MNL_TYPE_UNSPEC) < 0) {
		ctl_err("malformed attribute %d in the kernel's reply", type);
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

int ctl_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max,
		 const enum mnl_attr_data_type *types)
{
	struct ctl_tb t = { tb, max, types };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctl_tb_cb, &t) < 0)
		return -1;
	return 0;
}

int ctl_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, int max,
			const enum mnl_attr_data_type *types)
{
	struct ctl_tb t = { tb, max, types };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(nest, ctl_tb_cb, &t) < 0)
		return -1;
	return 0;
}

const char *ctl_attr_str(const struct nlattr *a, size_t *len)
{
	const char *s = mnl_attr_get_payload(a);

	*len = strnlen(s, mnl_attr_get_payload_len(a));
	return s;
}

struct nlmsghdr *ctl_nl_request(struct ctl_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->req);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = SIP_ALG_FAMILY_VERSION;
	return nlh;
}

int ctl_nl_put_str(struct ctl_nl *nl, struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	return mnl_attr_put_strz_check(nlh, sizeof(nl->req), type, s) ? 0 : -1;
}

/* The bounds the kernel's policy has for the attribute it refused. */
static int ctl_policy_cb(const struct nlattr *a, void *data)
{
	struct ctl_talk *t = data;

	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(a)) {
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
		t->min = mnl_attr_get_u64(a);
		t->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
		t->max = mnl_attr_get_u64(a);
		t->has_range = true;
		break;
	}
	return MNL_CB_OK;
}

static int ctl_extack_cb(const struct nlattr *a, void *data)
{
	struct ctl_talk *t = data;
	const struct nlmsghdr *req = t->req;
	const struct nlattr *bad;
	uint32_t offs;
	size_t len;
	const char *s;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
			break;
		s = ctl_attr_str(a, &len);
		snprintf(t->msg, sizeof(t->msg), "%.*s", (int)len, s);
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			break;
		/* Relative to our request, which is still in nl->req. */
		offs = mnl_attr_get_u32(a);
		if (offs < NLMSG_HDRLEN + sizeof(struct genlmsghdr) ||
		    offs + sizeof(*bad) > req->nlmsg_len)
			break;
		bad = (const struct nlattr *)((const char *)req + offs);
		t->bad_attr = bad->nla_type & NLA_TYPE_MASK;
		break;
	case NLMSGERR_ATTR_POLICY:
		mnl_attr_parse_nested(a, ctl_policy_cb, t);
		break;
	}
	return MNL_CB_OK;
}

/*
 * The extack attributes follow the error and the request it echoes (all
 * of it, or only its header when the kernel capped it).
 */
static void ctl_extack(const struct nlmsghdr *nlh, size_t hdr, struct ctl_talk *t)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_parse(nlh, hdr, ctl_extack_cb, t);
}

static int ctl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct ctl_talk *t = data;
	size_t hdr = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		t->error = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	t->error = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdr += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	ctl_extack(nlh, hdr, t);
	return MNL_CB_ERROR;
}

/* The end of a dump: its status, and an extack message if it failed. */
static int ctl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl_talk *t = data;
	int status;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return MNL_CB_STOP;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status == 0)
		return MNL_CB_STOP;
	t->error = status;
	ctl_extack(nlh, sizeof(status), t);
	return MNL_CB_ERROR;
}

static int ctl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl_talk *t = data;

	if (nlh->nlmsg_type != t->nl->family ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return MNL_CB_OK;
	if (!t->cb || t->cb(nlh, t->data) != MNL_CB_ERROR)
		return MNL_CB_OK;
	t->cb_failed = true;
	return MNL_CB_ERROR;
}

static mnl_cb_t ctl_ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR]	= ctl_error_cb,
	[NLMSG_DONE]	= ctl_done_cb,
};

static void ctl_report(const struct ctl_talk *t)
{
	const char *name = NULL;
	char where[64] = "";
	char range[64] = "";

	if (t->bad_attr && t->nl->attr_name)
		name = t->nl->attr_name(t->bad_attr);
	if (name)
		snprintf(where, sizeof(where), "%s: ", name);
	if (t->has_range)
		snprintf(range, sizeof(range), " (%llu to %llu)",
			 (unsigned long long)t->min, (unsigned long long)t->max);

	if (t->error == -EPERM)
		ctl_err("permission denied%s%s: this needs CAP_NET_ADMIN in the user namespace that owns the network namespace",
			*t->msg ? ": " : "", t->msg);
	else if (*t->msg)
		ctl_err("%s%s%s", where, t->msg, range);
	else if (t->error == -ENOENT && t->nl->enoent)
		ctl_err("%s", t->nl->enoent);
	else
		ctl_err("%s%s%s", where, strerror(-t->error), range);
}

/* Send the request, read until its ack or the dump's end; -1 unreported. */
static int ctl_exchange(struct ctl_nl *nl, struct ctl_talk *t)
{
	static char buf[CTL_NL_RBUF];
	struct nlmsghdr *nlh = (struct nlmsghdr *)t->req;
	ssize_t n;
	int ret;

	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		t->error = -errno;
		return -1;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			t->error = -errno;
			return -1;
		}
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, nl->portid, ctl_data_cb, t,
				  ctl_ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret == MNL_CB_STOP)
		return 0;
	if (!t->error && !t->cb_failed)
		t->error = -(errno ? errno : EBADMSG);
	return -1;
}

int ctl_nl_talk(struct ctl_nl *nl, struct nlmsghdr *nlh, ctl_nl_cb cb, void *data)
{
	struct ctl_talk t = { .nl = nl, .req = nlh, .cb = cb, .data = data };

	if (!ctl_exchange(nl, &t))
		return 0;
	if (t.error)
		ctl_report(&t);
	return -1;
}

/* The family's id and its events group, from the generic netlink controller. */
static int ctl_group_cb(const struct nlattr *grp, struct ctl_nl *nl)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	static const enum mnl_attr_data_type types[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME]	= MNL_TYPE_NUL_STRING,
		[CTRL_ATTR_MCAST_GRP_ID]	= MNL_TYPE_U32,
	};

	if (ctl_nl_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX, types))
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), SIP_ALG_MCGRP_EVENTS))
		nl->events_group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int ctl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	static const enum mnl_attr_data_type types[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID]		= MNL_TYPE_U16,
		[CTRL_ATTR_MCAST_GROUPS]	= MNL_TYPE_NESTED,
	};
	struct ctl_nl *nl = data;

	if (ctl_nl_parse(nlh, tb, CTRL_ATTR_MAX, types))
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_FAMILY_ID]) {
		ctl_err("the kernel did not say the id of %s", SIP_ALG_FAMILY_NAME);
		return MNL_CB_ERROR;
	}
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS])
			if (ctl_group_cb(grp, nl) != MNL_CB_OK)
				return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int ctl_nl_open(struct ctl_nl *nl)
{
	struct ctl_talk t = { .nl = nl, .cb = ctl_family_cb, .data = nl };
	struct nlmsghdr *nlh;
	int one = 1;

	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		ctl_err("cannot open a generic netlink socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ctl_err("cannot bind the netlink socket: %s", strerror(errno));
		goto err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	/* Without them the kernel's message and a strict dump check are lost. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &one, sizeof(one));

	nl->family = GENL_ID_CTRL;
	nlh = ctl_nl_request(nl, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SIP_ALG_FAMILY_NAME);
	t.req = nlh;
	if (!ctl_exchange(nl, &t))
		return 0;
	if (t.error == -ENOENT)
		ctl_err("nf_sip_alg is not loaded (modprobe nf_sip_alg)");
	else if (t.error)
		ctl_report(&t);
err:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
	return -1;
}

void ctl_nl_close(struct ctl_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int ctl_nl_listen(struct ctl_nl *nl, ctl_nl_cb cb, void *data,
		  volatile sig_atomic_t *stop, const sigset_t *wait_mask)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN };
	struct ctl_talk t = { .nl = nl, .cb = cb, .data = data };
	static char buf[CTL_NL_RBUF];
	unsigned int group = nl->events_group;
	int rcvbuf = 4 << 20;
	ssize_t n;

	if (!group) {
		ctl_err("the kernel's %s family has no \"%s\" group", SIP_ALG_FAMILY_NAME,
			SIP_ALG_MCGRP_EVENTS);
		return -1;
	}
	/*
	 * A busy router sends a rewrite event per message: room for bursts
	 * (capped by net.core.rmem_max), so that fewer are lost.
	 */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		if (errno == EPERM)
			ctl_err("permission denied: following events needs CAP_NET_ADMIN in the user namespace that owns the network namespace");
		else
			ctl_err("cannot join the %s group: %s", SIP_ALG_MCGRP_EVENTS,
				strerror(errno));
		return -1;
	}
	while (!*stop) {
		/* The signals get in only here: none is missed before a wait. */
		if (ppoll(&pfd, 1, NULL, wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			ctl_err("waiting for events: %s", strerror(errno));
			return -1;
		}
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The socket overflowed: say so and go on. */
				ctl_err("events were lost (receive buffer full)");
				continue;
			}
			ctl_err("receiving events: %s", strerror(errno));
			return -1;
		}
		/* Events have sequence number 0 and the kernel's port id. */
		if (mnl_cb_run2(buf, n, 0, 0, ctl_data_cb, &t, ctl_ctl_cbs, NLMSG_MIN_TYPE) < 0 &&
		    t.cb_failed)
			return -1;
	}
	return 0;
}
