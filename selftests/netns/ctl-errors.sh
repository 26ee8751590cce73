#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sipalgctl's errors: each is said precisely and exits non-zero.
#   - nf_sip_alg not loaded and not loadable: "not loaded (modprobe ...)";
#     loadable: the family lookup loads it (MODULE_ALIAS_GENL_FAMILY);
#   - wrong command lines (unknown command or key, bad value, bad address,
#     unknown netns) exit 2 (1 for the netns) before asking the kernel;
#   - values out of range reach the kernel, whose extack message the user
#     reads, with the setting it is about and the policy's bounds, and
#     nothing changes (all or nothing);
#   - without CAP_NET_ADMIN over the router's namespace (a user namespace
#     of one's own, or user nobody) settings cannot change, calls cannot be
#     read nor events followed: "permission denied ... CAP_NET_ADMIN", exit 1;
#     reading the settings works; in a network
#     namespace of its own, the same user namespace may change settings,
#     but not lift a budget above the host's.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
require nft python3 unshare setpriv sysctl
. "$SELFTESTS/../tools/sipalgctl/tests/vm.sh"

module_loaded && fail "nf_sip_alg is loaded before the test"
echo "# the module is not loaded and cannot be"
# The kernel loads it for the family lookup through the usermode modprobe;
# point that at /bin/false for this one check, in a subshell that restores it.
(
	helper=$(cat /proc/sys/kernel/modprobe)
	trap 'echo "$helper" >/proc/sys/kernel/modprobe' EXIT
	echo /bin/false >/proc/sys/kernel/modprobe
	ctl_refused 1 '^sipalgctl: nf_sip_alg is not loaded \(modprobe nf_sip_alg\)$' "$CTL" show config
) || fail "no \"not loaded\" message"
run "$CTL" show config >/dev/null
module_loaded || fail "show config did not load the module through its family alias"

topo_setup
key=net.netfilter.sip_alg
R=(-n "$ROUTER_NS")

echo "# wrong command lines"
ctl_refused 2 'unknown command "shw"' "$CTL" shw calls
ctl_refused 2 'cannot show "cals"' "$CTL" show cals
ctl_refused 2 'unknown key "gracee"' "$CTL" "${R[@]}" set gracee 5
ctl_refused 2 'bad value "ten" for grace' "$CTL" "${R[@]}" set grace ten
ctl_refused 2 'bad value "-1" for grace' "$CTL" "${R[@]}" set grace -1
ctl_refused 2 'bad value "4294967296" for max_dialogs' "$CTL" "${R[@]}" set max_dialogs 4294967296
ctl_refused 2 'bad value "-2" for max_call_pins' "$CTL" "${R[@]}" set max_call_pins -2
ctl_refused 2 'bad value "maybe" for direct_media' "$CTL" "${R[@]}" set direct_media maybe
ctl_refused 2 'bad value "loud" for mode' "$CTL" "${R[@]}" set mode loud
ctl_refused 2 'KEY VALUE pairs' "$CTL" "${R[@]}" set grace
ctl_refused 2 'bad address "10.0.0.300"' "$CTL" "${R[@]}" map add 10.0.0.300 192.0.2.1
ctl_refused 2 'bad address "192.0.2.1:70000"' "$CTL" "${R[@]}" map add 10.0.0.1 192.0.2.1:70000
ctl_refused 2 'bad address "\[10.0.0.1\]:5060"' "$CTL" "${R[@]}" map add '[10.0.0.1]:5060' 192.0.2.1
ctl_refused 2 'bad zone "x"' "$CTL" "${R[@]}" del call abc zone x
ctl_refused 1 'network namespace "sipalg-nowhere" not found' "$CTL" -n sipalg-nowhere show config
[ "$(in_router sysctl -n $key.grace)" = 5 ] || fail "a refused command line changed grace"

echo "# out of range: the kernel's extack message"
ctl_refused 1 '^sipalgctl: sip_timeout: .*out of range.* \(10 to 86400\)$' \
	"$CTL" "${R[@]}" set sip_timeout 5
ctl_refused 1 '^sipalgctl: max_media: .*out of range.* \(1 to 64\)$' \
	"$CTL" "${R[@]}" set max_media 0
ctl_refused 1 '^sipalgctl: grace: .*out of range.* \(0 to 3600\)$' \
	"$CTL" "${R[@]}" set max_media 8 grace 3601
[ "$(in_router sysctl -n $key.max_media)" = 16 ] || fail "a refused set changed max_media"
# The budgets: the sysctls' ranges.
ctl_refused 1 '^sipalgctl: max_call_pins: .*out of range.* \(2 to 1024\)$' \
	"$CTL" "${R[@]}" set max_call_pins 1025
ctl_refused 1 '^sipalgctl: max_call_pins: .*out of range.* \(2 to 1024\)$' \
	"$CTL" "${R[@]}" set max_call_pins 1
ctl_refused 1 '^sipalgctl: max_source_calls: .*out of range.* \(1 to 2147483647\)$' \
	"$CTL" "${R[@]}" set max_source_calls 0
ctl_refused 1 '^sipalgctl: max_source_pins: .*out of range.* \(0 to 2147483647\)$' \
	"$CTL" "${R[@]}" set max_source_pins 2147483648
ctl_refused 1 '^sipalgctl: max_pins: .*out of range.* \(0 to 2147483647\)$' \
	"$CTL" "${R[@]}" set grace 9 max_pins 2147483648
[ "$(in_router sysctl -n $key.grace)" = 5 ] || fail "a refused max_pins changed grace"
ctl_refused 1 '^sipalgctl: tcp_hold_max: .*out of range.* \(0 to 65535\)$' \
	"$CTL" "${R[@]}" set grace 9 tcp_hold_max 65536
[ "$(in_router sysctl -n $key.grace)" = 5 ] || fail "a refused tcp_hold_max changed grace"
[ "$(in_router sysctl -n $key.tcp_hold_max)" = 65535 ] || fail "a refused set changed tcp_hold_max"
[ "$(in_router sysctl -n $key.max_call_pins)" = 64 ] || fail "a refused set changed max_call_pins"
ctl_refused 1 'no call with this Call-ID' "$CTL" "${R[@]}" del call nobody@nowhere
run "$CTL" "${R[@]}" set sip_timeout 10 max_media 64
[ "$(in_router sysctl -n $key.sip_timeout)" = 10 ] || fail "sip_timeout 10 was not set"

echo "# without CAP_NET_ADMIN over the router's namespace"
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router unshare -Ur "$CTL" set grace 9
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router unshare -Ur "$CTL" flush calls
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router unshare -Ur "$CTL" show calls
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router unshare -Ur "$CTL" monitor
nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router "${nobody[@]}" "$CTL" set grace 9
ctl_refused 1 'permission denied.*CAP_NET_ADMIN' in_router "${nobody[@]}" "$CTL" map add 10.0.0.1 192.0.2.1
ctl_refused 1 'cannot enter network namespace "'"$ROUTER_NS"'": Operation not permitted' \
	"${nobody[@]}" "$CTL" "${R[@]}" show config
[ "$(in_router sysctl -n $key.grace)" = 5 ] || fail "an unprivileged set changed grace"
[ -z "$("$CTL" "${R[@]}" show maps)" ] || fail "an unprivileged map add made a map"
# Reading settings and counters needs no privilege.
in_router "${nobody[@]}" "$CTL" show config | grep -qE '^grace +5$' ||
	fail "an unprivileged user cannot read the settings"
# A user namespace owns the network namespaces it creates: there it may.
run unshare -Urn sh -c "'$CTL' set grace 9 && '$CTL' show config" | tee /dev/stderr |
	grep -qE '^grace +9$' || fail "a user namespace cannot change its own netns's settings"
[ "$(in_router sysctl -n $key.grace)" = 5 ] || fail "the router's grace changed too"
# But not above the host's budgets, which a container's root cannot lift.
ctl_refused 1 "^sipalgctl: max_call_pins: above the host's value$" \
	unshare -Urn "$CTL" set max_call_pins 65
echo "sipalgctl says what is wrong and exits non-zero"
