#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two calls announce the same inside RTP port: the second one gets the next
# free even/odd public pair, and its media leaves from that pair even when
# the phone speaks first, so the far side's media reaches the phone.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario port-clash
calls_done
