// SPDX-License-Identifier: GPL-2.0
/*
 * nf_sip_alg: a SIP application layer gateway for netfilter.
 *
 * This file only wires the parts together; each part lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "sip_alg.h"
#include "sip_netlink.h"

static int __init sip_alg_init(void)
{
	int ret;

	ret = sip_alg_dialog_init();
	if (ret)
		return ret;
	ret = sip_alg_netlink_init();
	if (ret)
		goto err_dialog;
	ret = sip_alg_helper_init();
	if (ret)
		goto err_netlink;

	pr_info("SIP ALG loaded, helper \"%s\"\n", SIP_ALG_HELPER_NAME);
	return 0;

err_netlink:
	sip_alg_netlink_exit();
err_dialog:
	sip_alg_dialog_exit();
	return ret;
}

static void __exit sip_alg_exit(void)
{
	/* No packet reaches the dialogs once the helper is gone. */
	sip_alg_helper_exit();
	sip_alg_netlink_exit();
	sip_alg_dialog_exit();
}

module_init(sip_alg_init);
module_exit(sip_alg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SIP application layer gateway (conntrack helper and NAT)");
MODULE_ALIAS("nfct-helper-" SIP_ALG_HELPER_NAME);
/* sipalgctl (any genetlink client) loads the module by asking for the family. */
MODULE_ALIAS_GENL_FAMILY(SIP_ALG_FAMILY_NAME);
