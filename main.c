// SPDX-License-Identifier: GPL-2.0
/*
 * nf_sip_alg: a SIP application layer gateway for netfilter.
 *
 * This file owns every lifetime: the module's, and each network namespace's
 * state, made and freed here in one order. The other files are the layers
 * the packet path and the control plane call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "sip_alg.h"
#include "sip_dialog.h"
#include "sip_hold.h"
#include "sip_netlink.h"
#include "sip_pinhole.h"
#include "sip_policy.h"
#include "sip_stats.h"

static unsigned int sip_alg_net_id __read_mostly;

struct sip_alg_net *sip_alg_pernet(const struct net *net)
{
	return net_generic(net, sip_alg_net_id);
}

static int __net_init sip_alg_net_init(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);
	int ret;

	sn->net = net;
	spin_lock_init(&sn->lock);
	/* The host's namespace is made first and goes last. */
	sip_alg_config_init(&sn->cfg, net_eq(net, &init_net) ? NULL :
				      &sip_alg_pernet(&init_net)->cfg);

	ret = sip_alg_policy_net_init(sn);
	if (ret)
		return ret;
	ret = -ENOMEM;
	sn->stats = alloc_percpu(struct sip_alg_stats);
	if (!sn->stats)
		goto err_policy_exit;
	ret = sip_alg_pin_init(sn);
	if (ret)
		goto err_free_stats;
	ret = sip_alg_dialog_net_init(sn);
	if (ret)
		goto err_pin_exit;
	ret = sip_alg_hold_net_init(sn);
	if (ret)
		goto err_dialog_exit;
	ret = sip_alg_stats_net_init(net, sn);
	if (ret)
		goto err_hold_exit;
	ret = sip_alg_sysctl_net_init(net, sn);
	if (ret)
		goto err_stats_exit;
	return 0;

err_stats_exit:
	sip_alg_stats_net_exit(net);
err_hold_exit:
	sip_alg_hold_net_exit(sn);
err_dialog_exit:
	sip_alg_dialog_net_exit(sn);
err_pin_exit:
	sip_alg_pin_exit(sn);
err_free_stats:
	free_percpu(sn->stats);
err_policy_exit:
	sip_alg_policy_net_exit(sn);
	return ret;
}

/*
 * Every call and pin of the namespace is gone now: one the counters say
 * was made and never freed is a leak, and the selftests fail on the splat.
 */
static void sip_alg_check_leaks(const struct sip_alg_net *sn)
{
	u64 dialogs = sip_alg_stat_sum(sn, SIP_ALG_STAT_DIALOGS_CREATED) -
		      sip_alg_stat_sum(sn, SIP_ALG_STAT_DIALOGS_ENDED);
	u64 pins = sip_alg_stat_sum(sn, SIP_ALG_STAT_EXPECT_CREATED) -
		   sip_alg_stat_sum(sn, SIP_ALG_STAT_EXPECT_REMOVED);

	WARN(dialogs || pins, "%llu dialogs and %llu pinholes not freed\n", dialogs, pins);
}

/*
 * The helper is gone (module unload) or the namespace's conntracks are
 * (netns exit): no packet reaches the tables any more. The calls go first
 * (their GC stops there), then what they used.
 */
static void __net_exit sip_alg_net_exit(struct net *net)
{
	struct sip_alg_net *sn = sip_alg_pernet(net);

	sip_alg_sysctl_net_exit(sn);
	sip_alg_hold_net_exit(sn);
	sip_alg_dialog_net_exit(sn);
	sip_alg_check_leaks(sn);
	sip_alg_stats_net_exit(net);
	sip_alg_pin_exit(sn);
	free_percpu(sn->stats);
	sip_alg_policy_net_exit(sn);
}

static struct pernet_operations sip_alg_net_ops = {
	.init	= sip_alg_net_init,
	.exit	= sip_alg_net_exit,
	.id	= &sip_alg_net_id,
	.size	= sizeof(struct sip_alg_net),
};

static int __init sip_alg_init(void)
{
	int ret;

	sip_alg_hold_init();
	ret = sip_alg_dialog_module_init();
	if (ret)
		return ret;
	ret = sip_alg_pin_module_init();
	if (ret)
		goto err_dialog;
	ret = register_pernet_subsys(&sip_alg_net_ops);
	if (ret)
		goto err_pin;
	ret = sip_alg_netlink_init();
	if (ret)
		goto err_pernet;
	ret = sip_alg_helper_init();
	if (ret)
		goto err_netlink;

	pr_info("SIP ALG loaded, helper \"%s\"\n", sip_alg_helper_name());
	return 0;

err_netlink:
	sip_alg_netlink_exit();
err_pernet:
	unregister_pernet_subsys(&sip_alg_net_ops);
err_pin:
	sip_alg_pin_module_exit();
err_dialog:
	sip_alg_dialog_module_exit();
	return ret;
}

/* The packet path stops first, then the control plane, then the state goes. */
static void __exit sip_alg_exit(void)
{
	sip_alg_helper_exit();
	sip_alg_netlink_exit();
	unregister_pernet_subsys(&sip_alg_net_ops);
	sip_alg_pin_module_exit();
	sip_alg_dialog_module_exit();
}

module_init(sip_alg_init);
module_exit(sip_alg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SIP application layer gateway (conntrack helper and NAT)");
MODULE_VERSION(SIP_ALG_VERSION);
MODULE_ALIAS("nfct-helper-" SIP_ALG_HELPER_NAME);
/* sipalgctl (any genetlink client) loads the module by asking for the family. */
MODULE_ALIAS_GENL_FAMILY(SIP_ALG_FAMILY_NAME);
