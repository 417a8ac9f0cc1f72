# Shared helpers of the Bats tests (bats-core 1.8). Tests treat ./umlite as a black box.
# shellcheck shell=bash

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
UMLITE=${UMLITE:-$ROOT/umlite}
ROOTFS=${ROOTFS:-$ROOT/build/rootfs.cpio}
# Every boot gets a timeout: a hung kernel fails its test instead of the suite.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}
# The execution mode of this run (scripts/run-tests.sh runs the suite once per mode), as
# command-line words: UMLITE_MODE=tt gives mode=tt, UMLITE_MODE="tt jail" mode=tt jail; a
# first word that is an option of its own is passed as it is: UMLITE_MODE=skas=ptrace
# gives skas=ptrace (SKAS with the ptrace backend).
# Tests that start ./umlite themselves pass "${MODE_ARGS[@]}"; those that do not say why.
read -ra MODE_ARGS <<<"${UMLITE_MODE:-}"
if [ ${#MODE_ARGS[@]} -gt 0 ] && [[ ${MODE_ARGS[0]} != *=* ]]; then
	MODE_ARGS[0]=mode=${MODE_ARGS[0]}
fi

# umlite ARGS...: boot the busybox initramfs with ARGS (mode and memory defaults added).
umlite() {
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" "$@"
}

# guest_sh SCRIPT: run SCRIPT with the guest's /bin/sh as init.
guest_sh() {
	umlite init=/bin/sh -- -c "$1"
}

assert_equal() { # EXPECTED SEEN
	if [ "$1" != "$2" ]; then
		printf 'expected: %q\n   seen: %q\n' "$1" "$2" >&2
		return 1
	fi
}

assert_contains() { # HAYSTACK NEEDLE
	case $1 in
	*"$2"*) return 0 ;;
	esac
	printf 'expected to contain: %q\nin: %s\n' "$2" "$1" >&2
	return 1
}

assert_not_contains() { # HAYSTACK NEEDLE
	case $1 in
	*"$2"*)
		printf 'expected not to contain: %q\nin: %s\n' "$2" "$1" >&2
		return 1
		;;
	esac
}

assert_status() { # EXPECTED (uses $status from run)
	if [ "$status" -ne "$1" ]; then
		printf 'expected status %s, got %s; output:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

# A directory of busybox applet links, so that host runs of a script use the same tools
# the guest has (the native oracle for busybox behaviour).
busybox_path() {
	local d=$BATS_FILE_TMPDIR/bbpath a
	if [ ! -d "$d" ]; then
		mkdir -p "$d"
		for a in $(busybox --list); do ln -sf "$(command -v busybox)" "$d/$a"; done
	fi
	echo "$d"
}

# physmem_kb PID: KiB of the physmem file (the guest RAM the host backs) of umlite process
# PID; fails with a message when PID has none (gone, or not umlite).
physmem_kb() {
	local fd blocks
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		*memfd:umlite-physmem*)
			blocks=$(stat -L -c %b "$fd" 2>/dev/null) || continue # closed meanwhile
			echo $((blocks / 2))
			return
			;;
		esac
	done
	echo "no physmem file in /proc/$1/fd" >&2
	return 1
}

# wait_for_output TEXT FILE: wait up to 30 s for TEXT in FILE (a background instance's
# output); fails when it never came.
wait_for_output() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q "$1" "$2" && return 0
		sleep 0.05
	done
	grep -q "$1" "$2"
}
