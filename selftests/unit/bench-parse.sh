#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions per message and per byte of parse + plan under callgrind.
set -euo pipefail
bench=${1:-./bench}
info=$("$bench")
echo "$info"
iter=$(awk '{print $2}' <<<"$info")
for fn in run_invite:4 run_ok:8; do
	name=${fn%%:*}
	field=${fn##*:}
	bytes=$(awk -v f="$field" '{print $f}' <<<"$info")
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$name" \
		"$bench" >/dev/null 2>&1
	ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
	rm -f "$out"
	awk -v n="$name" -v ir="$ir" -v it="$iter" -v b="$bytes" 'BEGIN {
		m = ir / it
		printf "%-10s %5d bytes  %8.0f instructions/message  %5.2f instructions/byte\n", \
			n, b, m, m / b
	}'
done
