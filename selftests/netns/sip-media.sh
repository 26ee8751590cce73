#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Media handling: 4 media lines (2 audio, 2 video) with a=rtcp:port and
# a=rtcp-mux; hold by re-INVITE with a=sendonly, then with c=0.0.0.0 and
# a=inactive (no pinhole, nothing corrupted), and resume.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario media
calls_done
