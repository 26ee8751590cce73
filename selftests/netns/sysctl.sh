#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net.netfilter.sip_alg.*: every namespace has its own values, a new one
# starts from the module parameters (never above the host's limits, which no
# namespace can lift), out-of-range values are refused, and a
# change takes effect on the next message: with drop_malformed=1 the router
# drops a malformed INVITE (counted as "dropped"), with 0 it passes it
# byte-identical; the kernel log names the flow and what was done.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"

require nft python3 sysctl
run modprobe nf_sip_alg
topo_setup
topo_attach_helper

key=net.netfilter.sip_alg
value() { "$@" sysctl -n "$key.$name"; }

for name in grace sip_timeout max_media max_dialogs max_source_calls max_call_pins \
	max_source_pins max_pins tcp_hold_max direct_media direct_signalling drop_malformed; do
	[ -n "$(name=$name value in_router)" ] || fail "$key.$name is missing in the router"
done

name=grace
run in_router sysctl -qw $key.grace=7
[ "$(value in_router)" = 7 ] || fail "grace did not change in the router"
[ "$(value in_phone)" = 5 ] || fail "grace changed in the phone's namespace too"
[ "$(value env)" = 5 ] || fail "grace changed in the initial namespace too"

# A namespace made after the parameter changed starts from it.
echo 9 >/sys/module/nf_sip_alg/parameters/grace
ip netns add sipalg-fresh
[ "$(value ip netns exec sipalg-fresh)" = 9 ] || fail "a new namespace ignores the module parameter"
ip netns del sipalg-fresh

# A container cannot lift the host's limits on what the packet path
# allocates: not by sysctl, not from a module parameter set higher.
name=max_dialogs
run sysctl -qw $key.max_dialogs=1000
if in_router sysctl -qw $key.max_dialogs=1001 2>/dev/null; then
	fail "a namespace set max_dialogs above the host's"
fi
run in_router sysctl -qw $key.max_dialogs=1000
run in_router sysctl -qw $key.max_dialogs=10
name=max_call_pins
run sysctl -qw $key.max_call_pins=32
if in_router sysctl -qw $key.max_call_pins=33 2>/dev/null; then
	fail "a namespace set max_call_pins above the host's"
fi
echo 500 >/sys/module/nf_sip_alg/parameters/max_call_pins
ip netns add sipalg-fresh
[ "$(value ip netns exec sipalg-fresh)" = 32 ] ||
	fail "a new namespace started above the host's max_call_pins"
ip netns del sipalg-fresh
[ "$(value env)" = 32 ] || fail "the host's own max_call_pins changed"

name=max_media
if in_router sysctl -qw $key.max_media=0 2>/dev/null; then
	fail "max_media=0 was accepted"
fi
if in_router sysctl -qw $key.max_media=65 2>/dev/null; then
	fail "max_media=65 was accepted (the parser handles at most 64)"
fi
[ "$(value in_router)" = 16 ] || fail "a refused value changed max_media"

# A header line without a colon: the parser refuses the message.
send_malformed() {
	python3 - "$1" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["SELFTESTS"], "lib"))
from sipnet import Host
phone = Host(os.environ["PHONE_NS"], os.environ["PHONE4"], 4)
server = Host(os.environ["SERVER_NS"], os.environ["SERVER4"], 4)
srv = server.udp(5060)
ph = phone.udp(5060)
msg = (f"INVITE sip:bob@{server.addr} SIP/2.0\r\n"
       f"Via: SIP/2.0/UDP {phone.addr}:5060;branch=z9hG4bK{sys.argv[1]}\r\n"
       "This line has no colon\r\n"
       f"Call-ID: {sys.argv[1]}@{phone.addr}\r\nCSeq: 1 INVITE\r\n"
       "Content-Length: 0\r\n\r\n").encode()
ph.send(msg, (server.addr, 5060))
try:
    got, _ = srv.recv(timeout=2)
except TimeoutError:
    print("not delivered")
    sys.exit(3)
print("delivered " + ("unmodified" if got == msg else "MODIFIED"))
sys.exit(0 if got == msg else 1)
PY
}

counter() { in_router awk -v k="$1" '$1 == k { print $2 }' /proc/net/stat/nf_sip_alg; }

run in_router sysctl -qw $key.drop_malformed=1
rc=0
send_malformed drop || rc=$?
[ $rc = 3 ] || fail "drop_malformed=1: the malformed INVITE was not dropped"
[ "$(counter dropped)" = 1 ] || fail "the drop was not counted"

run in_router sysctl -qw $key.drop_malformed=0
send_malformed pass || fail "drop_malformed=0: the malformed INVITE did not pass unmodified"
[ "$(counter dropped)" = 1 ] || fail "a passed message was counted as dropped"
[ "$(counter fail_parse_header)" = 2 ] || fail "fail_parse_header is not 2"
for verdict in "dropped (drop_malformed)" "passed unmodified"; do
	dmesg | grep -qF "nf_sip_alg: $PHONE4:5060 -> $SERVER4:5060: $verdict: " ||
		fail "the kernel log does not say \"$verdict\" for the malformed INVITE"
done
echo "sysctls are per namespace and take effect"
