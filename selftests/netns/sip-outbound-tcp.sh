#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The outbound call of sip-outbound.sh over TCP, one whole SIP message
# per segment.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario outbound --transport tcp
calls_done
