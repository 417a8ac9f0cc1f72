#!/usr/bin/env bats
# TT mode (mode=tt) and its jail option, seen from the host: the kernel's memory in the
# guest's host processes, and the command-line checks. Every test names its modes itself,
# so these ignore the run's UMLITE_MODE (and do the same in every run of the suite).
# Inside the guest, tests/guest/kmem_test.c checks the same trade-off from the other side.
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	"$UMLITE" mode=tt --version >/dev/null 2>&1 ||
		skip "TT mode is not built in this configuration (CONFIG_MODE_TT)"
}

# boot MODE-WORDS... -- SCRIPT: run SCRIPT with the given mode words instead of the run's.
boot() {
	local words=()
	while [ "$1" != -- ]; do
		words+=("$1")
		shift
	done
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$ROOTFS" "${words[@]}" \
		init=/bin/sh -- -c "$2"
}

# host_kmem_line MODE-WORDS...: start an instance whose init sleeps, and print the line of
# the host's /proc/PID/maps of its guest host process that covers TT_KMEM_BASE (nothing
# when there is none). The instance is killed afterwards.
host_kmem_line() {
	local pid child i maps=""
	"$UMLITE" mem=64M initrd="$ROOTFS" "$@" init=/bin/sh -- -c 'sleep 3' &
	pid=$!
	# Wait until the guest program is loaded (busybox's first page is mapped).
	for ((i = 0; i < 50; i++)); do
		child=$(pgrep -P "$pid" | head -1)
		maps=$([ -n "$child" ] && cat "/proc/$child/maps" 2>/dev/null)
		grep -q '^00400000-' <<<"$maps" && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	grep -q '^00400000-' <<<"$maps" || { echo "no guest host process found" >&2; return 1; }
	grep '^7fd000000000-' <<<"$maps" || true
}

@test "mode=tt and mode=tt jail boot busybox and give init's exit status" {
	run boot mode=tt -- 'echo tt; exit 3'
	assert_status 3
	assert_equal "tt" "$output"
	run boot mode=tt jail -- 'echo jailed; exit 4'
	assert_status 4
	assert_equal "jailed" "$output"
}

@test "the host sees the kernel's memory in TT guest processes: rw, read-only with jail" {
	run host_kmem_line mode=tt
	assert_status 0
	assert_contains "$output" "7fd000000000-7fd004000000 rw-s 00000000"
	assert_contains "$output" "memfd:umlite-physmem"
	run host_kmem_line mode=tt jail
	assert_status 0
	assert_contains "$output" "7fd000000000-7fd004000000 r--s 00000000"
}

@test "in SKAS mode the guest's host process has no kernel memory mapped" {
	run host_kmem_line mode=skas
	assert_status 0
	assert_equal "" "$output"
}

@test "the guest's own /proc/PID/maps does not show the kernel's memory" {
	run boot mode=tt -- 'cat /proc/self/maps'
	assert_status 0
	assert_contains "$output" "[stack]"
	assert_not_contains "$output" "7fd000000000"
}

@test "the boot log says where the kernel's memory is and whether it is jailed" {
	run --separate-stderr boot mode=tt debug -- 'true'
	assert_contains "$stderr" "0x7fd000000000"
	assert_contains "$stderr" "writable (no jail)"
	run --separate-stderr boot jail mode=tt debug -- 'true'
	assert_contains "$stderr" "read-only (jail)"
}

@test "jail without mode=tt is refused with a message" {
	run boot jail -- 'echo ran'
	assert_status 2
	assert_contains "$output" "jail: only with mode=tt"
	assert_not_contains "$output" "ran"
	run boot mode=skas jail -- 'echo ran'
	assert_status 2
}

@test "jail refuses options that are unsafe with it" {
	run boot mode=tt jail hostfs=/tmp -- 'echo ran'
	assert_status 2
	assert_contains "$output" "jail: refusing hostfs"
	assert_not_contains "$output" "ran"
}
