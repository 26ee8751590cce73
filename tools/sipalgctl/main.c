// SPDX-License-Identifier: GPL-2.0
/*
 * sipalgctl: show and steer nf_sip_alg through its generic netlink family.
 * Options come before the command, as with ip(8).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/nf_sip_alg.h>

#include "ctl.h"
#include "parse.h"

struct ctl_json *ctl_jw;

static void ctl_usage(FILE *f)
{
	fprintf(f,
		"usage: sipalgctl [-j] [-n NETNS] COMMAND\n"
		"\n"
		"  show calls                 the calls and registrations, with their pinholes\n"
		"  show call CALL-ID [zone N] one call\n"
		"  show stats                 the counters\n"
		"  show config                the settings\n"
		"  show maps                  the static address maps\n"
		"  show sdp-strip             the SDP line prefixes stripped\n"
		"  set KEY VALUE [KEY VALUE]... change settings, all or none\n"
		"  map add|del PRIVATE[:PORT] PUBLIC[:PORT]   IPv6 as [ADDR]:PORT\n"
		"  sdp-strip add|del PREFIX   e.g. a=candidate\n"
		"  flush calls                end every call and registration now\n"
		"  del call CALL-ID [zone N]  end one call now\n"
		"  monitor                    print events until interrupted\n"
		"\n"
		"  KEY: grace, sip_timeout, max_media, max_dialogs, max_source_calls,\n"
		"       max_call_pins, max_source_pins, max_pins, tcp_hold_max (numbers);\n"
		"       direct_media, direct_signalling, drop_malformed (on|off|yes|no|1|0);\n"
		"       mode (normal|observe)\n"
		"\n"
		"  -j, --json         JSON output\n"
		"  -n, --netns NETNS  act in network namespace NETNS (ip netns)\n"
		"  -h, --help         this help\n"
		"  -V, --version      the version\n");
}

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("sipalgctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ctl_usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("sipalgctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (sipalgctl --help)\n", stderr);
	return CTL_EXIT_USAGE;
}

const char *ctl_enum_name(const char * const *names, size_t n, unsigned int v,
			  char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "%u", v);
	return buf;
}

int ctl_parse_zone(int argc, char **argv, int *zone)
{
	uint16_t z;

	*zone = -1;
	if (argc == 0)
		return 0;
	if (argc != 2 || strcmp(argv[0], "zone"))
		return ctl_usage_err("unexpected \"%s\" after the Call-ID", argv[0]);
	if (ctl_parse_u16(argv[1], &z))
		return ctl_usage_err("bad zone \"%s\": a number from 0 to 65535", argv[1]);
	*zone = z;
	return 0;
}

/* As ip -n: the namespaces ip netns add names are bind mounts here. */
static int ctl_enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		ctl_err("bad network namespace name \"%s\"", name);
		return -1;
	}
	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			ctl_err("network namespace \"%s\" not found (ip netns list)", name);
		else
			ctl_err("cannot open network namespace \"%s\": %s", name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		ctl_err("cannot enter network namespace \"%s\": %s%s", name, strerror(errno),
			errno == EPERM ? " (it needs CAP_SYS_ADMIN)" : "");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct ctl_nl *nl, int argc, char **argv);
} ctl_cmds[] = {
	{ "show",	ctl_cmd_show },
	{ "set",	ctl_cmd_set },
	{ "map",	ctl_cmd_map },
	{ "sdp-strip",	ctl_cmd_strip },
	{ "flush",	ctl_cmd_flush },
	{ "del",	ctl_cmd_del },
	{ "monitor",	ctl_cmd_monitor },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "netns",	required_argument,	NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ }
	};
	struct ctl_json json;
	const char *netns = NULL;
	static struct ctl_nl nl;
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+jn:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl_json_init(&json, stdout);
			ctl_jw = &json;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("sipalgctl %s (netlink family %s version %d)\n", CTL_VERSION,
			       SIP_ALG_FAMILY_NAME, SIP_ALG_FAMILY_VERSION);
			return CTL_EXIT_OK;
		default:
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		ctl_usage(stdout);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++)
		if (!strcmp(argv[0], ctl_cmds[i].name))
			break;
	if (i == ARRAY_SIZE(ctl_cmds))
		return ctl_usage_err("unknown command \"%s\"", argv[0]);
	if (netns && ctl_enter_netns(netns))
		return CTL_EXIT_FAIL;
	ret = ctl_cmds[i].fn(&nl, argc - 1, argv + 1);
	ctl_nl_close(&nl);
	if (fflush(stdout) == EOF && ret == CTL_EXIT_OK) {
		ctl_err("writing the output: %s", strerror(errno));
		ret = CTL_EXIT_FAIL;
	}
	return ret;
}
