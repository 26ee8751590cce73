#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail-open: malformed INVITEs (a header line without a colon, a bad
# Content-Length) pass byte-identical, raise their /proc/net/stat/nf_sip_alg
# counter and open no pinhole; the next good call on the flow works.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario malformed
calls_done
