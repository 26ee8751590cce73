#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the tests and the demo use, from Debian's
# archive: the packages below from bookworm, plus Debian's 6.12 kernel image
# and headers from bookworm-backports so that the module is built and tested
# against both the stable (6.1) and the newer (6.12) kernel, and the 6.12
# source (linux-source-6.12) that scripts/debug-kernel builds the debug
# kernel from.
#
# Idempotent: when everything is installed it only asks dpkg and returns.
# The backports suite is reached through a private apt configuration in a
# temporary directory, so the machine's own apt sources stay untouched. The
# archive's URI is read at run time from the machine's apt sources.

set -eu

# One line per purpose, so that it is clear why each package is here.
PACKAGES="
	build-essential make gcc xz-utils kmod cpio
	linux-image-amd64 linux-headers-amd64
	sparse linux-source-6.1
	dkms
	debhelper dh-dkms dpkg-dev fakeroot lintian pkgconf
	qemu-system-x86 busybox-static
	iproute2 nftables iptables conntrack tcpdump
	python3 python3-scapy python3-yaml sip-tester kamailio
	baresip-core linphone-cli
	clang llvm libclang-rt-14-dev valgrind
	libmnl-dev bpftrace
	bc flex bison libelf-dev libssl-dev rsync
"
BPO_SUITE=bookworm-backports
BPO_SERIES=6.12

log() { printf 'deps: %s\n' "$*" >&2; }

is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# A backports kernel counts as installed when both its image and its headers are.
bpo_kernel_installed() {
	local img
	for img in $(dpkg-query -W -f='${Package}\n' "linux-image-$BPO_SERIES.*-amd64" 2>/dev/null); do
		is_installed "$img" || continue
		is_installed "linux-headers-${img#linux-image-}" && return 0
	done
	return 1
}

missing=
for p in $PACKAGES; do
	is_installed "$p" || missing="$missing $p"
done
need_bpo=
bpo_kernel_installed || need_bpo=1
need_src=
is_installed "linux-source-$BPO_SERIES" || need_src=1

if [ -z "$missing" ] && [ -z "$need_bpo" ] && [ -z "$need_src" ]; then
	log "all dependencies are installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	log "missing packages (run this script as root, or install them yourself):"
	[ -z "$missing" ] || log "  apt-get install$missing"
	[ -z "$need_bpo" ] || log "  from $BPO_SUITE: linux-image-amd64 linux-headers-amd64 ($BPO_SERIES)"
	[ -z "$need_src" ] || log "  from $BPO_SUITE: linux-source-$BPO_SERIES"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
APT_INSTALL="apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"

if [ -n "$missing" ]; then
	log "installing:$missing"
	apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	$APT_INSTALL $missing
fi

[ -n "$need_bpo$need_src" ] || exit 0

# The first URI of the main Debian archive in the machine's sources
# (deb822 format, as on Debian 12, or the classic one-line format).
archive_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f"
	done | head -n 1
	grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' |
		grep -v security | head -n 1
}
uri=$(archive_uri | head -n 1)
if [ -z "$uri" ]; then
	log "cannot find the Debian archive in /etc/apt/sources*; install Debian's $BPO_SERIES kernel image, headers and source from $BPO_SUITE by hand"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/archives/partial"
# apt drops privileges to _apt for downloads; let it write there.
chmod 755 "$tmp"
chown -R _apt "$tmp/lists" "$tmp/archives" 2>/dev/null || true
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $BPO_SUITE main" >"$tmp/sources.list"
bpo_apt() {
	"$@" -o Dir::Etc::SourceList="$tmp/sources.list" -o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$tmp/lists" -o Dir::Cache::archives="$tmp/archives" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
}

log "fetching the $BPO_SERIES kernel from $BPO_SUITE"
bpo_apt apt-get update -q
# The meta packages name the current ABI, e.g. linux-image-6.12.95+deb12-amd64.
dep_of() {
	bpo_apt apt-cache show "$1" | awk -v want="$2" '
		/^Version:/ { ok = index($2, "bpo") > 0 }
		ok && /^Depends:/ { n = split($0, d, /[ ,|]+/); for (i = 2; i <= n; i++) if (d[i] ~ want) { print d[i]; exit } }'
}
debs=
if [ -n "$need_bpo" ]; then
	image=$(dep_of linux-image-amd64 "^linux-image-$BPO_SERIES")
	headers=$(dep_of linux-headers-amd64 "^linux-headers-$BPO_SERIES")
	common=$(dep_of "$headers" "^linux-headers-.*-common$")
	kbuild=$(dep_of "$headers" "^linux-kbuild-$BPO_SERIES")
	if [ -z "$image" ] || [ -z "$headers" ] || [ -z "$common" ] || [ -z "$kbuild" ]; then
		log "cannot find the $BPO_SERIES kernel packages in $BPO_SUITE"
		exit 1
	fi
	debs="$image $headers $common $kbuild"
fi
# Only backports is in this sources list: this is its linux-source.
[ -z "$need_src" ] || debs="$debs linux-source-$BPO_SERIES"
log "downloading$debs"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
(cd "$tmp/archives" && bpo_apt apt-get download $debs)
# Installed with the machine's normal sources, which provide their other
# dependencies (kmod, initramfs-tools, pahole, gcc-12...).
$APT_INSTALL "$tmp"/archives/*.deb
if [ -n "$need_bpo" ]; then
	bpo_kernel_installed
	log "installed $image and its headers"
fi
if [ -n "$need_src" ]; then
	is_installed "linux-source-$BPO_SERIES"
	log "installed linux-source-$BPO_SERIES"
fi
