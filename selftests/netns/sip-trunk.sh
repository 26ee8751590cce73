#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A trunk: 50 concurrent calls on one signalling 5-tuple, each with its own
# pinholes; RTP for each reaches the phone; a BYE ends only its own call.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario trunk
calls_done
