#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Header handling: a Record-Route added by a proxy inside (the server's
# BYE follows the route back to it) and a call in compact headers
# (i f t v m l c).
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario record-route
scenario compact
calls_done
