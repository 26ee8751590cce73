#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inbound call to a phone registered from inside: REGISTER with Expires, 200
# OK from the registrar, which opens a signalling expectation for the
# contact (from the registrar only, living as long as the binding); the
# registrar's INVITE from another port reaches the phone through it, and so
# does a second one after the first call; un-registering (Expires: 0)
# removes the expectation, and an expired binding's goes too.
# IPv4 and IPv6, through the router of selftests/lib/topo.sh; the
# scenarios are in selftests/lib/scenarios.py.

set -eu
. "$(dirname "$0")/../lib/test.sh"
. "$SELFTESTS/lib/topo.sh"
. "$SELFTESTS/lib/calls.sh"

calls_setup
scenario register
calls_done
