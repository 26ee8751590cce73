#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The files of examples/ a router installs, applied as its boot does
# (docs/router-boot.md), then calls through it:
#   1. /etc/modules-load.d/nf_sip_alg.conf: systemd-modules-load loads the
#      module, with the options of /etc/modprobe.d/nf_sip_alg.conf, which
#      /sys/module/nf_sip_alg/parameters/ shows;
#   2. /etc/sysctl.d/60-nf_sip_alg.conf: systemd-sysctl in the router's
#      namespace, where every key then has the file's value;
#   3. examples/nft/sip-alg.nft and sip-qos.nft: nft -f in the router, as
#      nftables.service would load them.
# Then, over IPv4 and IPv6, an outbound call and a registration with an
# inbound call (scenarios outbound and register of selftests/lib/scenarios.py):
# SIP rewritten, media pinholes opened, and at the phone and the server all
# RTP arrives DSCP EF, SIP not (also the SIP a registration's pinhole lets
# in, which sip-qos.nft must leave alone).
#
# What is as on a booting router: the same programs read the same files at
# the same paths under /etc, in the order of their units
# (systemd-modules-load.service, then systemd-sysctl.service, then
# nftables.service); the module is loaded by libkmod with the options it
# finds in modprobe.d, and the router's namespace starts from them.
# What is not:
#  - the guest's /etc is the host's, read-only: each step runs in a mount
#    namespace of its own where /etc/modprobe.d, /etc/modules-load.d and
#    /etc/sysctl.d are copies of the host's with this tree's files added;
#  - systemd is not running: the programs are run by hand, in the units'
#    order, and given our file rather than applying all of the directories
#    (the host's other files would change the guest's global settings for
#    the tests that follow);
#  - the router is a network namespace, not the initial one: systemd-sysctl
#    runs in it, so the budgets it sets cannot exceed the initial
#    namespace's (the module options, as for a container);
#  - no /etc/nftables.conf: topo.sh's masquerade stands for the router's
#    own rules, and the two files are loaded as it would include them.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
require nft conntrack python3 unshare
for prog in systemd-modules-load systemd-sysctl; do
	[ -x /lib/systemd/$prog ] || skip "/lib/systemd/$prog is missing (systemd)"
done

EXAMPLES=$(cd "$SELFTESTS/.." && pwd)/examples
MODPROBE_CONF=$EXAMPLES/modprobe.d/nf_sip_alg.conf
SYSCTL_CONF=$EXAMPLES/sysctl.d/60-nf_sip_alg.conf

# boot_etc CMD...: run CMD where /etc/modprobe.d, /etc/modules-load.d and
# /etc/sysctl.d hold the host's files and ours, as on the router. Nothing
# outside CMD sees them: they live in a tmpfs of CMD's mount namespace.
boot_etc() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private bash -euo pipefail -c '
		ex=$1
		shift
		mount -t tmpfs -o mode=0755 boot-etc /mnt
		for d in modprobe.d modules-load.d sysctl.d; do
			mkdir /mnt/$d
			cp -a /etc/$d/. /mnt/$d/
			cp "$ex/$d"/*.conf /mnt/$d/
			mount --bind /mnt/$d /etc/$d
		done
		exec "$@"' boot-etc "$EXAMPLES" "$@"
}

# The key=value words of the file's "options nf_sip_alg" lines.
module_options() {
	sed -n 's/^[[:space:]]*options[[:space:]]\+nf_sip_alg[[:space:]]\+//p' "$1" | tr -s ' \t' '\n'
}

# The "key = value" lines of a sysctl.d file, as "key value".
sysctl_settings() {
	sed -n 's/^[[:space:]]*-\?\([a-z][^=[:space:]]*\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1 \2/p' "$1"
}

# sysfs shows a bool parameter as Y or N.
param_is() {
	local got
	got=$(cat "/sys/module/nf_sip_alg/parameters/$1")
	case $2 in
	1 | y | Y) [ "$got" = Y ] || [ "$got" = "$2" ] ;;
	0 | n | N) [ "$got" = N ] || [ "$got" = "$2" ] ;;
	*) [ "$got" = "$2" ] ;;
	esac
}

module_loaded && fail "nf_sip_alg is loaded before the test"

# 1. systemd-modules-load.service, with modprobe.d.
run boot_etc /lib/systemd/systemd-modules-load /etc/modules-load.d/nf_sip_alg.conf ||
	fail "systemd-modules-load failed"
module_loaded || fail "systemd-modules-load did not load nf_sip_alg"
options=$(module_options "$MODPROBE_CONF")
[ -n "$options" ] || fail "$MODPROBE_CONF sets no option to check"
for opt in $options; do
	param_is "${opt%%=*}" "${opt#*=}" ||
		fail "modprobe.d: parameter ${opt%%=*} is $(cat "/sys/module/nf_sip_alg/parameters/${opt%%=*}"), not ${opt#*=}"
	echo "ok: modprobe.d: parameter ${opt%%=*}=${opt#*=}"
done

# The router's namespace, created after the module loaded, starts from the
# options, as a router's initial namespace does when the module loads.
topo_setup
for opt in $options; do
	key=net.netfilter.sip_alg.${opt%%=*}
	in_router sysctl -n "$key" >/dev/null 2>&1 || continue
	got=$(in_router sysctl -n "$key")
	[ "$got" = "${opt#*=}" ] || fail "the router's $key starts at $got, not the option's ${opt#*=}"
	echo "ok: the router's $key starts at the option's $got"
done

# 2. systemd-sysctl.service, in the router's namespace.
changed=0
while read -r key value; do
	[ "$(in_router sysctl -n "$key")" = "$value" ] || changed=$((changed + 1))
done < <(sysctl_settings "$SYSCTL_CONF")
[ "$changed" -gt 0 ] || fail "$SYSCTL_CONF changes nothing: the check below would prove nothing"
run boot_etc ip netns exec "$ROUTER_NS" /lib/systemd/systemd-sysctl /etc/sysctl.d/60-nf_sip_alg.conf ||
	fail "systemd-sysctl failed"
while read -r key value; do
	got=$(in_router sysctl -n "$key") || fail "sysctl.d: $key does not exist in the router"
	[ "$got" = "$value" ] || fail "sysctl.d: the router's $key is $got, not $value"
	echo "ok: sysctl.d: the router's $key = $got"
done < <(sysctl_settings "$SYSCTL_CONF")
echo "ok: sysctl.d changed $changed setting(s) of the router"

# 3. nftables.service: the helper and the DSCP marking.
run topo_attach_helper
run in_router nft -f "$EXAMPLES/nft/sip-qos.nft"

# What arrives at the phone and at the server, SIP (port 5060) and the rest
# (the call's media), per family, and how much of it is DSCP EF.
count_arrivals() {
	ip netns exec "$1" nft -f - <<-'EOF'
		table inet arrivals {
			counter sip4 {}
			counter sip4_ef {}
			counter sip6 {}
			counter sip6_ef {}
			counter media4 {}
			counter media4_ef {}
			counter media6 {}
			counter media6_ef {}
			chain prerouting {
				type filter hook prerouting priority raw; policy accept;
				udp dport 5060 meta nfproto ipv4 counter name "sip4"
				udp dport 5060 ip dscp ef counter name "sip4_ef"
				udp dport 5060 meta nfproto ipv6 counter name "sip6"
				udp dport 5060 ip6 dscp ef counter name "sip6_ef"
				udp dport 5060 return
				udp sport 5060 return
				meta l4proto udp meta nfproto ipv4 counter name "media4"
				meta l4proto udp ip dscp ef counter name "media4_ef"
				meta l4proto udp meta nfproto ipv6 counter name "media6"
				meta l4proto udp ip6 dscp ef counter name "media6_ef"
			}
		}
	EOF
}

arrived() {
	ip netns exec "$1" nft list counter inet arrivals "$2" | awk '$1 == "packets" { print $2 }'
}

run count_arrivals "$PHONE_NS"
run count_arrivals "$SERVER_NS"

# (a) the calls: rewritten SIP, pinholes, media both ways.
scenario outbound
scenario register

# (b) their RTP through the router is EF, both ways; their SIP is not.
for ns in "$PHONE_NS" "$SERVER_NS"; do
	echo "# $ns: nft list table inet arrivals"
	ip netns exec "$ns" nft list table inet arrivals
	for fam in 4 6; do
		media=$(arrived "$ns" "media$fam")
		ef=$(arrived "$ns" "media${fam}_ef")
		sip=$(arrived "$ns" "sip$fam")
		sip_ef=$(arrived "$ns" "sip${fam}_ef")
		if [ "$media" -lt 5 ] || [ "$ef" != "$media" ]; then
			CALLS_FAILED="$CALLS_FAILED dscp/$ns/IPv$fam"
			echo "FAIL: $ns: $ef of $media RTP packets over IPv$fam are DSCP EF (at least 5, all)"
		else
			echo "ok: $ns: all $media RTP packets over IPv$fam are DSCP EF"
		fi
		if [ "$sip" -eq 0 ] || [ "$sip_ef" -ne 0 ]; then
			CALLS_FAILED="$CALLS_FAILED sip-dscp/$ns/IPv$fam"
			echo "FAIL: $ns: $sip_ef of $sip SIP packets over IPv$fam are DSCP EF (none)"
		else
			echo "ok: $ns: none of $sip SIP packets over IPv$fam is DSCP EF"
		fi
	done
done
calls_done
