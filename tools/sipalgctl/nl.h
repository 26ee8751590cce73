/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the sip_alg generic netlink family: one request and its
 * replies (do or dump), the kernel's error with its extack message, and the
 * events group.
 */
#ifndef _CTL_NL_H
#define _CTL_NL_H

#include <signal.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* Our requests: a Call-ID of at most 1024 bytes is the largest part. */
#define CTL_NL_REQ_SIZE	8192

struct ctl_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t events_group;		/* 0 when the kernel has none */
	unsigned int portid;
	unsigned int seq;
	/* Names the attribute an error points at, e.g. "sip_timeout". */
	const char *(*attr_name)(int type);
	/* What ENOENT means for this request when the kernel says no more. */
	const char *enoent;
	char req[CTL_NL_REQ_SIZE];
};

/*
 * One reply message of the family: @nlh with its genlmsghdr. Returns
 * MNL_CB_OK, or MNL_CB_ERROR after printing why.
 */
typedef int (*ctl_nl_cb)(const struct nlmsghdr *nlh, void *data);

/* Open a socket in the current netns and find the family; 0 or -1 (said). */
int ctl_nl_open(struct ctl_nl *nl);
void ctl_nl_close(struct ctl_nl *nl);

/* A request for @cmd in nl->req; NLM_F_DUMP in @flags for a dump. */
struct nlmsghdr *ctl_nl_request(struct ctl_nl *nl, uint8_t cmd, uint16_t flags);

/* A string attribute from the user; -1 when it does not fit the request. */
int ctl_nl_put_str(struct ctl_nl *nl, struct nlmsghdr *nlh, uint16_t type, const char *s);

/*
 * Send the request and pass each reply to @cb (may be NULL) until the
 * kernel's ack or the end of the dump. 0, or -1 with the error printed.
 */
int ctl_nl_talk(struct ctl_nl *nl, struct nlmsghdr *nlh, ctl_nl_cb cb, void *data);

/*
 * Join the events group and pass every event to @cb until *@stop is set by
 * a signal, which is blocked but while waiting, when the signal mask is
 * @wait_mask. 0, or -1 with the error printed.
 */
int ctl_nl_listen(struct ctl_nl *nl, ctl_nl_cb cb, void *data,
		  volatile sig_atomic_t *stop, const sigset_t *wait_mask);

/*
 * A genetlink message's attributes into @tb, indexed by type up to @max,
 * each checked against @types[type] (MNL_TYPE_UNSPEC: any length); types
 * above @max, from a newer kernel, are skipped. 0, or -1 when one is
 * malformed (said).
 */
int ctl_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max,
		 const enum mnl_attr_data_type *types);
int ctl_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, int max,
			const enum mnl_attr_data_type *types);

/*
 * A string attribute as it stands, without its NUL. The kernel puts
 * NUL-terminated strings, but nothing here relies on it.
 */
const char *ctl_attr_str(const struct nlattr *a, size_t *len);

#endif /* _CTL_NL_H */
