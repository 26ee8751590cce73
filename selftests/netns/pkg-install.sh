#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of `make deb` on a router: dpkg -i installs
# nf-sip-alg-dkms and sipalgctl from .build/deb/, DKMS builds the module for
# the running kernel and installs it (`dkms status` says installed), the
# packaged module (not the bench's) loads and carries a call through the
# router of selftests/lib/topo.sh, and the packaged sipalgctl shows the call
# and the counters. `make vm-package` builds the packages and runs this on
# 6.12; DKMS compiling under TCG takes minutes, so the test skips when its
# time-out is the default one (`make vm-test`, `make check`).
#
# The guest's root is the host's, read-only. The test runs in a mount
# namespace of its own where overlays with a tmpfs upper layer make /etc,
# /var, /usr/{sbin,share,src} and the kernel's module directory writable:
# dpkg and DKMS write there, and nothing of it outlives the test.

set -euo pipefail
. "$(dirname "$0")/../lib/test.sh"

if [ -z "${PKG_INSTALL_NS:-}" ]; then
	require unshare
	PKG_INSTALL_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"
require dpkg dkms modinfo nft conntrack python3

repo=$(cd "$SELFTESTS/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
krel=$(uname -r)
dkms_deb=$repo/.build/deb/nf-sip-alg-dkms_${version}_all.deb
ctl_deb=$(find "$repo/.build/deb" -maxdepth 1 -name "sipalgctl_${version}_*.deb" 2>/dev/null | head -n 1) || true
if [ ! -r "$dkms_deb" ] || [ -z "$ctl_deb" ]; then
	skip "no packages of version $version in .build/deb/: make deb (or make vm-package)"
fi
timeout_s=$(cat "${SIPALG_RESULTS:-/nonexistent}/test-timeout" 2>/dev/null || echo 0)
if [ "$timeout_s" != 0 ] && [ "$timeout_s" -lt 900 ]; then
	skip "DKMS compiles the module under TCG for minutes: needs --test-timeout 900 or more (make vm-package)"
fi

# Writable copies of what dpkg and DKMS write. The kernel's module directory
# already is an overlay (selftests/vm/guest): ours goes over it.
scratch=$(mktemp -d)
mount -t tmpfs -o mode=0755 tmpfs "$scratch"
mods=/lib/modules/$krel
for dir in /etc /var /usr/sbin /usr/share /usr/src "$mods"; do
	d=$scratch/$(echo "$dir" | tr / _)
	mkdir -p "$d/upper" "$d/work"
	mount -t overlay overlay -o "lowerdir=$dir,upperdir=$d/upper,workdir=$d/work" "$dir" ||
		fail "cannot make $dir writable"
done
# A router without the module: DKMS refuses to install one with the same
# version as a module the kernel's directory already has (the bench's).
rm -f "$mods"/extra/nf_sip_alg.ko*
# man-db's trigger would index every manual page over 9p: not what is tested.
rm -f /var/lib/man-db/auto-update
dpkg -s nf-sip-alg-dkms sipalgctl >/dev/null 2>&1 && fail "the packages are installed before the test"

echo "# dpkg -i: DKMS builds nf_sip_alg $version for $krel"
start=$SECONDS
DEBIAN_FRONTEND=noninteractive run dpkg -i "$dkms_deb" "$ctl_deb" || fail "dpkg -i failed"
took=$((SECONDS - start))
echo "# dpkg -i took ${took}s"
[ -z "${SIPALG_RESULTS:-}" ] || echo "$took" >"$SIPALG_RESULTS/pkg-install-seconds"
for p in nf-sip-alg-dkms sipalgctl; do
	[ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$p")" = "installed $version" ] ||
		fail "$p $version is not installed: $(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$p")"
done

run dkms status nf_sip_alg | tee "$scratch/dkms-status"
grep -qxF "nf_sip_alg/$version, $krel, $(uname -m): installed" "$scratch/dkms-status" ||
	fail "dkms status does not say nf_sip_alg $version is installed for $krel"
ko=$(modinfo -n nf_sip_alg) || fail "modprobe cannot find nf_sip_alg after the installation"
echo "# modprobe finds $ko"
case $ko in
"$mods"/updates/*) ;;
*) fail "nf_sip_alg is not the module DKMS installed in $mods/updates/: $ko" ;;
esac
found=$(find "$mods/" -name 'nf_sip_alg.ko*')
[ "$found" = "$ko" ] || fail "the kernel's directory has other nf_sip_alg modules than DKMS's: $found"

# The packaged sipalgctl, where the package put it.
ctl=$(dpkg -L sipalgctl | grep -E '/s?bin/sipalgctl$') || fail "the sipalgctl package has no sipalgctl"
run "$ctl" --version | tee "$scratch/ctl-version"
grep -qF "sipalgctl $version " "$scratch/ctl-version" || fail "$ctl is not version $version"

# Load it as the call tests do (grace=1). With a MODULE_VERSION, the kernel
# also shows its version and source checksum: those of DKMS's build.
calls_setup
if [ -r /sys/module/nf_sip_alg/srcversion ]; then
	[ "$(cat /sys/module/nf_sip_alg/srcversion)" = "$(modinfo -F srcversion "$ko")" ] ||
		fail "the loaded nf_sip_alg is not $ko"
fi
if [ -r /sys/module/nf_sip_alg/version ]; then
	[ "$(cat /sys/module/nf_sip_alg/version)" = "$version" ] ||
		fail "the module says version $(cat /sys/module/nf_sip_alg/version), not $version"
fi

# One call from the phone to the server, held up (RTP both ways, no BYE) by
# sipalgctl's test helper while the packaged sipalgctl looks at it.
ready=$scratch/calls.json
topo_bg python3 "$repo/tools/sipalgctl/tests/live-call.py" --ready "$ready" --family 4
topo_wait 60 test -s "$ready" || fail "the call did not come up"
id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["call_id"])' "$ready")
echo "# the call is up: Call-ID $id"
run "$ctl" -n "$ROUTER_NS" show calls | tee "$scratch/calls.txt"
for want in "Call-ID $id" "signalling udp $PHONE4:5060 -> $SERVER4:5060"; do
	grep -qF -- "$want" "$scratch/calls.txt" || fail "sipalgctl show calls does not say \"$want\""
done
run "$ctl" -n "$ROUTER_NS" show stats | tee "$scratch/stats.txt"
grep -qE '^dialogs_active +1$' "$scratch/stats.txt" || fail "sipalgctl show stats does not count the call"
echo "the packages install, DKMS builds the module (${took}s), it carries a call and sipalgctl shows it"
