// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns tunables under net.netfilter.sip_alg.*. A new namespace starts
 * from the module parameters; the packet path reads its own namespace's
 * values with READ_ONCE, so a change applies to the next message.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "sip_alg.h"
#include "sip_compat.h"
#include "sip_pinhole.h"
#include "uapi/linux/nf_sip_alg.h"

static unsigned int grace = 5;
module_param(grace, uint, 0644);
MODULE_PARM_DESC(grace, "seconds a call's pinholes outlive its BYE, CANCEL or error (default 5)");
static unsigned int sip_timeout = 3600;
module_param(sip_timeout, uint, 0644);
MODULE_PARM_DESC(sip_timeout, "seconds a signalling flow and an idle call are kept (default 3600)");
static unsigned int max_media = SDP_ALG_DEFAULT_MAX_MEDIA;
module_param(max_media, uint, 0644);
MODULE_PARM_DESC(max_media, "media lines handled per SDP (default 16, at most 64)");
static unsigned int max_dialogs = 65536;
module_param(max_dialogs, uint, 0644);
MODULE_PARM_DESC(max_dialogs, "calls and registrations tracked per netns (default 65536)");
static unsigned int max_call_pins = 64;
module_param(max_call_pins, uint, 0644);
MODULE_PARM_DESC(max_call_pins, "pinholes one call may hold (default 64, at most 1024)");
static unsigned int max_source_pins = 512;
module_param(max_source_pins, uint, 0644);
MODULE_PARM_DESC(max_source_pins,
		 "pinholes the calls of one source address may hold together (default 512)");
static unsigned int max_source_calls = 4096;
module_param(max_source_calls, uint, 0644);
MODULE_PARM_DESC(max_source_calls, "calls and registrations one source address may start (default 4096)");
static unsigned int max_pins;
module_param(max_pins, uint, 0644);
MODULE_PARM_DESC(max_pins,
		 "pinholes per netns; 0: three quarters of the default nf_conntrack_expect_max, i.e. 3 x expect_hashsize (default 0)");
static unsigned int tcp_hold_max = SIP_ALG_MAX_MSG_LEN;
module_param(tcp_hold_max, uint, 0644);
MODULE_PARM_DESC(tcp_hold_max,
		 "bytes of a SIP message cut by a TCP segment end held back per connection until it is whole; 0: none (default 65535)");
static bool direct_media;
module_param(direct_media, bool, 0644);
MODULE_PARM_DESC(direct_media, "accept media only from the signalling peer (default off)");
static bool direct_signalling = true;
module_param(direct_signalling, bool, 0644);
MODULE_PARM_DESC(direct_signalling,
		 "a registered contact is reachable from the registrar only (default on)");
static char *mode = "normal";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "normal, or observe: report the rewrites without making them (default normal)");
static bool drop_malformed;
module_param(drop_malformed, bool, 0644);
MODULE_PARM_DESC(drop_malformed,
		 "drop messages that do not parse instead of passing them (default off)");

static const unsigned int sip_alg_grace_max = 3600;
static const unsigned int sip_alg_timeout_min = 10;
static const unsigned int sip_alg_timeout_max = 86400;
static const unsigned int sip_alg_media_min = 1;
static const unsigned int sip_alg_media_max = SDP_ALG_MAX_MEDIA;
static const unsigned int sip_alg_call_pins_min = 2;
static const unsigned int sip_alg_call_pins_max = SIP_ALG_MAX_PINS;
static const unsigned int sip_alg_limit_max = INT_MAX;
static const unsigned int sip_alg_hold_max = SIP_ALG_MAX_MSG_LEN;

#define SIP_ALG_UINT(_name, _min, _max) {			\
	.procname	= _name,					\
	.maxlen		= sizeof(unsigned int),				\
	.mode		= 0644,						\
	.proc_handler	= proc_douintvec_minmax,			\
	.extra1		= (void *)(_min),				\
	.extra2		= (void *)(_max),				\
}

/* proc_dobool of Debian's 6.1 reads an int: a u8 works on every kernel. */
#define SIP_ALG_BOOL(_name) {						\
	.procname	= _name,					\
	.maxlen		= sizeof(u8),					\
	.mode		= 0644,						\
	.proc_handler	= proc_dou8vec_minmax,				\
	.extra1		= SYSCTL_ZERO,					\
	.extra2		= SYSCTL_ONE,					\
}

/*
 * A limit on the memory the packet path allocates. In a namespace other
 * than the host's it cannot go above the host's own value (extra2 points
 * there): a container's root cannot lift what the host allows.
 */
static int sip_alg_sysctl_limit(sip_alg_ctl_table *table, int write, void *buffer,
				size_t *lenp, loff_t *ppos)
{
	unsigned int ceiling = READ_ONCE(*(unsigned int *)table->extra2);
	struct ctl_table t = *table;

	t.extra2 = &ceiling;
	return proc_douintvec_minmax(&t, write, buffer, lenp, ppos);
}

#define SIP_ALG_LIMIT(_name, _min, _max) {				\
	.procname	= _name,					\
	.maxlen		= sizeof(unsigned int),				\
	.mode		= 0644,						\
	.proc_handler	= sip_alg_sysctl_limit,				\
	.extra1		= (void *)(_min),				\
	.extra2		= (void *)(_max),				\
}

enum {
	SIP_ALG_SYSCTL_GRACE,
	SIP_ALG_SYSCTL_SIP_TIMEOUT,
	SIP_ALG_SYSCTL_MAX_MEDIA,
	SIP_ALG_SYSCTL_MAX_DIALOGS,
	SIP_ALG_SYSCTL_MAX_CALL_PINS,
	SIP_ALG_SYSCTL_MAX_SOURCE_PINS,
	SIP_ALG_SYSCTL_MAX_SOURCE_CALLS,
	SIP_ALG_SYSCTL_MAX_PINS,
	SIP_ALG_SYSCTL_TCP_HOLD_MAX,
	SIP_ALG_SYSCTL_DIRECT_MEDIA,
	SIP_ALG_SYSCTL_DIRECT_SIGNALLING,
	SIP_ALG_SYSCTL_DROP_MALFORMED,
	SIP_ALG_SYSCTL_MODE,
	SIP_ALG_SYSCTL_NR
};

static const char *const sip_alg_mode_names[] = {
	[SIP_ALG_MODE_NORMAL]	= "normal",
	[SIP_ALG_MODE_OBSERVE]	= "observe",
};

static int sip_alg_mode_parse(const char *s)
{
	return sysfs_match_string(sip_alg_mode_names, s);
}

/* The mode reads and writes as its name; the value behind it is a u8. */
static int sip_alg_sysctl_mode(sip_alg_ctl_table *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	char name[16];
	struct ctl_table t = {
		.data	= name,
		.maxlen	= sizeof(name),
	};
	u8 *val = table->data;
	int ret;

	strscpy(name, sip_alg_mode_names[READ_ONCE(*val) == SIP_ALG_MODE_OBSERVE], sizeof(name));
	ret = proc_dostring(&t, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	ret = sip_alg_mode_parse(name);
	if (ret < 0)
		return -EINVAL;
	WRITE_ONCE(*val, ret);
	return 0;
}

/* One spare, zeroed entry ends the table for kernels that need it. */
static struct ctl_table sip_alg_sysctl_template[SIP_ALG_SYSCTL_NR + 1] = {
	[SIP_ALG_SYSCTL_GRACE] = SIP_ALG_UINT("grace", SYSCTL_ZERO,
					      &sip_alg_grace_max),
	[SIP_ALG_SYSCTL_SIP_TIMEOUT] = SIP_ALG_UINT("sip_timeout",
						    &sip_alg_timeout_min, &sip_alg_timeout_max),
	[SIP_ALG_SYSCTL_MAX_MEDIA] = SIP_ALG_UINT("max_media",
						  &sip_alg_media_min, &sip_alg_media_max),
	[SIP_ALG_SYSCTL_MAX_DIALOGS] = SIP_ALG_LIMIT("max_dialogs",
						     SYSCTL_ZERO, &sip_alg_limit_max),
	[SIP_ALG_SYSCTL_MAX_CALL_PINS] = SIP_ALG_LIMIT("max_call_pins", &sip_alg_call_pins_min,
						       &sip_alg_call_pins_max),
	[SIP_ALG_SYSCTL_MAX_SOURCE_PINS] = SIP_ALG_LIMIT("max_source_pins", SYSCTL_ZERO,
							 &sip_alg_limit_max),
	[SIP_ALG_SYSCTL_MAX_SOURCE_CALLS] = SIP_ALG_LIMIT("max_source_calls", SYSCTL_ONE,
							  &sip_alg_limit_max),
	/* The kernel counts expectations per netns: no ceiling needed here. */
	[SIP_ALG_SYSCTL_MAX_PINS] = SIP_ALG_UINT("max_pins", SYSCTL_ZERO, &sip_alg_limit_max),
	[SIP_ALG_SYSCTL_TCP_HOLD_MAX] = SIP_ALG_UINT("tcp_hold_max", SYSCTL_ZERO,
						     &sip_alg_hold_max),
	[SIP_ALG_SYSCTL_DIRECT_MEDIA] = SIP_ALG_BOOL("direct_media"),
	[SIP_ALG_SYSCTL_DIRECT_SIGNALLING] = SIP_ALG_BOOL("direct_signalling"),
	[SIP_ALG_SYSCTL_DROP_MALFORMED] = SIP_ALG_BOOL("drop_malformed"),
	[SIP_ALG_SYSCTL_MODE] = {
		.procname	= "mode",
		.maxlen		= sizeof(u8),
		.mode		= 0644,
		.proc_handler	= sip_alg_sysctl_mode,
	},
};

/*
 * A new namespace's settings: the module parameters, clamped as sysctl
 * would, and the limits to the host's (@host; NULL for the host itself).
 */
void sip_alg_config_init(struct sip_alg_config *cfg, const struct sip_alg_config *host)
{
	cfg->grace_secs = min(READ_ONCE(grace), sip_alg_grace_max);
	cfg->sip_timeout = clamp(READ_ONCE(sip_timeout), sip_alg_timeout_min,
				 sip_alg_timeout_max);
	cfg->max_media = clamp(READ_ONCE(max_media), sip_alg_media_min, sip_alg_media_max);
	cfg->max_dialogs = min(READ_ONCE(max_dialogs), sip_alg_limit_max);
	cfg->max_call_pins = clamp(READ_ONCE(max_call_pins), sip_alg_call_pins_min,
				   sip_alg_call_pins_max);
	cfg->max_source_pins = min(READ_ONCE(max_source_pins), sip_alg_limit_max);
	cfg->max_source_calls = clamp(READ_ONCE(max_source_calls), 1U, sip_alg_limit_max);
	cfg->max_pins = min(READ_ONCE(max_pins), sip_alg_limit_max);
	cfg->tcp_hold_max = min(READ_ONCE(tcp_hold_max), sip_alg_hold_max);
	if (host) {
		cfg->max_dialogs = min(cfg->max_dialogs, READ_ONCE(host->max_dialogs));
		cfg->max_call_pins = min(cfg->max_call_pins, READ_ONCE(host->max_call_pins));
		cfg->max_source_pins = min(cfg->max_source_pins,
					   READ_ONCE(host->max_source_pins));
		cfg->max_source_calls = min(cfg->max_source_calls,
					    READ_ONCE(host->max_source_calls));
	}
	cfg->direct_media = READ_ONCE(direct_media);
	cfg->direct_signalling = READ_ONCE(direct_signalling);
	cfg->drop_malformed = READ_ONCE(drop_malformed);
	cfg->mode = max(sip_alg_mode_parse(mode), 0);
}

int sip_alg_sysctl_net_init(struct net *net, struct sip_alg_net *sn)
{
	struct ctl_table *t;

	t = kmemdup(sip_alg_sysctl_template, sizeof(sip_alg_sysctl_template), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	t[SIP_ALG_SYSCTL_GRACE].data = &sn->cfg.grace_secs;
	t[SIP_ALG_SYSCTL_SIP_TIMEOUT].data = &sn->cfg.sip_timeout;
	t[SIP_ALG_SYSCTL_MAX_MEDIA].data = &sn->cfg.max_media;
	t[SIP_ALG_SYSCTL_MAX_DIALOGS].data = &sn->cfg.max_dialogs;
	t[SIP_ALG_SYSCTL_MAX_CALL_PINS].data = &sn->cfg.max_call_pins;
	t[SIP_ALG_SYSCTL_MAX_SOURCE_PINS].data = &sn->cfg.max_source_pins;
	t[SIP_ALG_SYSCTL_MAX_SOURCE_CALLS].data = &sn->cfg.max_source_calls;
	t[SIP_ALG_SYSCTL_MAX_PINS].data = &sn->cfg.max_pins;
	t[SIP_ALG_SYSCTL_TCP_HOLD_MAX].data = &sn->cfg.tcp_hold_max;
	if (!net_eq(net, &init_net)) {
		const struct sip_alg_config *host = &sip_alg_pernet(&init_net)->cfg;

		t[SIP_ALG_SYSCTL_MAX_DIALOGS].extra2 = (void *)&host->max_dialogs;
		t[SIP_ALG_SYSCTL_MAX_CALL_PINS].extra2 = (void *)&host->max_call_pins;
		t[SIP_ALG_SYSCTL_MAX_SOURCE_PINS].extra2 = (void *)&host->max_source_pins;
		t[SIP_ALG_SYSCTL_MAX_SOURCE_CALLS].extra2 = (void *)&host->max_source_calls;
	}
	t[SIP_ALG_SYSCTL_DIRECT_MEDIA].data = &sn->cfg.direct_media;
	t[SIP_ALG_SYSCTL_DIRECT_SIGNALLING].data = &sn->cfg.direct_signalling;
	t[SIP_ALG_SYSCTL_DROP_MALFORMED].data = &sn->cfg.drop_malformed;
	t[SIP_ALG_SYSCTL_MODE].data = &sn->cfg.mode;

	sn->sysctl = sip_alg_register_net_sysctl(net, "net/netfilter/sip_alg", t,
						 SIP_ALG_SYSCTL_NR);
	if (!sn->sysctl) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

void sip_alg_sysctl_net_exit(struct sip_alg_net *sn)
{
	const struct ctl_table *t = sn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(sn->sysctl);
	kfree(t);
}
