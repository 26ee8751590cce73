#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A 30 KB NOTIFY over UDP, fragmented on the wire and reassembled by the
# router: its headers are rewritten, its XML body (which names the private
# address) arrives byte-identical.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario big-notify
calls_done
