#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions per message and per byte of parse + plan under callgrind.
set -euo pipefail
bench=${1:-./bench}
info=$("$bench")
echo "$info"
iter=$(awk '{print $2}' <<<"$info")
# Instructions counted inside one function (inclusive), per iteration.
count() {
	local out
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$2" \
		"$bench" "$1" >/dev/null 2>&1
	awk -v it="$iter" '/^(summary|totals):/ {print $2 / it; exit}' "$out"
	rm -f "$out"
}
for m in invite:4:run_invite ok:8:run_ok; do
	IFS=: read -r msg field fn <<<"$m"
	bytes=$(awk -v f="$field" '{print $f}' <<<"$info")
	total=$(count "$msg" "$fn")
	parse=$(count "$msg" sip_alg_parse)
	sdp=$(count "$msg" sdp_alg_parse)
	plan=$(count "$msg" sip_alg_plan)
	awk -v n="$msg" -v t="$total" -v b="$bytes" -v p="$parse" -v s="$sdp" -v l="$plan" 'BEGIN {
		printf "%-6s %5d bytes  %6.0f instructions/message  %5.2f instructions/byte" \
			"  (SIP %.0f, SDP %.0f, plan %.0f)\n", n, b, t, t / b, p, s, l
	}'
done
