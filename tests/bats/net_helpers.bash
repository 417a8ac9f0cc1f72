# shellcheck shell=bash
# Helpers of the packet-NIC Bats files (netpkt.bats, wtcp.bats): the test image booted with
# a NIC option, waiting for a word in a log, and a real uml_switch of the test's own.

TESTFS=${TESTS_CPIO:-$ROOT/build/test.cpio}

# boot ARGS... -- SCRIPT: the test image with ARGS, SCRIPT as init.
boot() {
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$TESTFS" "${MODE_ARGS[@]}" quiet \
		"${args[@]}" init=/bin/sh -- -c "$1"
}

# wait_for FILE WORD: until WORD appears in FILE (10 s).
wait_for() {
	for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	cat "$1" >&2
	return 1
}

# start_switch: a uml_switch on $BATS_TEST_TMPDIR/sw.ctl (in $SW, its pid in $SW_PID).
start_switch() {
	command -v uml_switch >/dev/null || skip "uml_switch is not installed (uml-utilities)"
	SW=$BATS_TEST_TMPDIR/sw.ctl
	uml_switch -unix "$SW" </dev/null >"$BATS_TEST_TMPDIR/sw.log" 2>&1 &
	SW_PID=$!
	for _ in $(seq 100); do [ -S "$SW" ] && return 0; sleep 0.05; done
	return 1
}
