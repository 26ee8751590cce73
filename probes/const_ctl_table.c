// SPDX-License-Identifier: GPL-2.0
/* Sysctl handlers are given a const table. */
#include <linux/sysctl.h>

static int __maybe_unused sip_alg_probe_handler(const struct ctl_table *table, int write,
						void *buffer, size_t *lenp, loff_t *ppos)
{
	return 0;
}

static void __maybe_unused sip_alg_probe(struct ctl_table *table)
{
	SIP_ALG_PROBE(table->proc_handler = sip_alg_probe_handler);
}
