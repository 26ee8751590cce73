#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calls that end early or fork: CANCEL of a ringing call, a 486 Busy Here,
# and a forked INVITE with two 180s (different To tags, early media) and one
# 200; their pinholes go after the grace.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario cancel
scenario busy
scenario forked
calls_done
