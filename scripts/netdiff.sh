#!/usr/bin/env bash
# Differential test of the socket layer against the host's Linux (tests/netdiff/netdiff.c):
# the same random sequence of socket calls runs natively, in a fresh network namespace
# (unshare -rn, so no host port is touched), and inside um-lite; the outputs must match.
#
#   scripts/netdiff.sh [FIRST_SEED [COUNT [STEPS]]]     defaults: 1 20 300
#
# Prints, per seed, "same" or the first differing line with the history of that socket.
# A developer's tool, not part of `make test`: Linux's answers in corner cases differ
# between kernel versions (for example listen() after a refused connect on 6.18).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

first=${1:-1} count=${2:-20} steps=${3:-300}
B=build/netdiff
mkdir -p "$B"
gcc -std=gnu11 -O1 -static -Wall -o "$B/netdiff" tests/netdiff/netdiff.c || exit 1
scripts/mkinitramfs.sh extra "$B/netdiff.cpio" nd "$B/netdiff" || exit 1
unshare -rn true 2>/dev/null || { echo "netdiff: unshare -rn is not permitted here" >&2; exit 1; }

status=0
for ((seed = first; seed < first + count; seed++)); do
	unshare -rn sh -c "ip link set lo up; DUMP=1 $B/netdiff $seed $steps" >"$B/native.$seed" 2>&1
	./umlite mem=128M initrd="$B/netdiff.cpio" DUMP=1 init=/nd/netdiff -- "$seed" "$steps" \
		>"$B/guest.$seed" 2>/dev/null
	line=$(diff "$B/native.$seed" "$B/guest.$seed" | head -1 | sed 's/[acd,].*//')
	if [ -z "$line" ]; then
		echo "seed $seed: same"
		continue
	fi
	status=1
	slot=$(sed -n "${line}p" "$B/native.$seed" | sed -n 's/.*\[\([0-9]\)\].*/\1/p')
	echo "seed $seed: line $line: native '$(sed -n "${line}p" "$B/native.$seed")'" \
		"guest '$(sed -n "${line}p" "$B/guest.$seed")'"
	[ -n "$slot" ] && head -n "$((line - 1))" "$B/native.$seed" |
		grep -A1 -E "\[$slot\]|slot $slot" | grep -v '^--$' | tail -12 | sed 's/^/    /'
done
exit $status
