#!/usr/bin/env bats
# Booting, the command line, exit-status propagation and errors for bad input.
bats_require_minimum_version 1.5.0
load helpers.bash

@test "init's output reaches stdout and its exit status is umlite's" {
	run --separate-stderr guest_sh 'echo hi; exit 7'
	assert_status 7
	assert_equal "hi" "$output"
	assert_equal "" "$stderr"
}

@test "a clean exit of init gives status 0" {
	run guest_sh 'true'
	assert_status 0
}

@test "init ignores signals it has no handler for, even SIGKILL, as on Linux" {
	run guest_sh 'kill -9 $$; kill -TERM $$; echo survived'
	assert_status 0
	assert_equal "survived" "$output"
}

@test "a child killed by a signal reports 128 plus the signal number" {
	run guest_sh 'sh -c "kill -9 \$\$"; exit $?'
	assert_status 137
}

@test "--help lists the options and exits 0" {
	# No mode words: --help is answered before any mode is chosen.
	run "$UMLITE" --help
	assert_status 0
	assert_contains "$output" "mem="
	assert_contains "$output" "initrd="
	assert_contains "$output" "init="
}

@test "a bad mem= value is refused with a message naming it" {
	run "$UMLITE" "${MODE_ARGS[@]}" mem=lots initrd="$ROOTFS"
	[ "$status" -ne 0 ]
	assert_contains "$output" "mem=lots"
	run "$UMLITE" "${MODE_ARGS[@]}" mem=1K initrd="$ROOTFS"
	[ "$status" -ne 0 ]
	assert_contains "$output" "mem=1K"
}

@test "an unknown mode is refused" {
	# No mode words from the run: this test names its own (bad) mode.
	run "$UMLITE" mode=kvm initrd="$ROOTFS"
	[ "$status" -ne 0 ]
	assert_contains "$output" "mode=kvm"
}

@test "a missing initrd file is named in the error" {
	run "$UMLITE" "${MODE_ARGS[@]}" initrd=/nonexistent/rootfs.cpio
	[ "$status" -ne 0 ]
	assert_contains "$output" "/nonexistent/rootfs.cpio"
}

@test "a corrupt initrd is refused, not unpacked half-way" {
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/junk.cpio"
	run "$UMLITE" "${MODE_ARGS[@]}" initrd="$BATS_TEST_TMPDIR/junk.cpio" init=/bin/sh
	[ "$status" -ne 0 ]
	assert_contains "$output" "junk.cpio"
	# A truncated archive is refused too.
	head -c 300000 "$ROOTFS" >"$BATS_TEST_TMPDIR/cut.cpio"
	run "$UMLITE" "${MODE_ARGS[@]}" initrd="$BATS_TEST_TMPDIR/cut.cpio" init=/bin/sh
	[ "$status" -ne 0 ]
}

@test "a gzip-compressed initrd boots" {
	gzip -c "$ROOTFS" >"$BATS_TEST_TMPDIR/rootfs.cpio.gz"
	ROOTFS=$BATS_TEST_TMPDIR/rootfs.cpio.gz
	run guest_sh 'echo zipped'
	assert_status 0
	assert_equal "zipped" "$output"
}

@test "a missing init is reported and umlite exits 127" {
	run -127 umlite init=/sbin/nothing-here
	assert_contains "$output" "/sbin/nothing-here"
}

@test "boot messages are quiet unless asked for" {
	run --separate-stderr guest_sh 'exit 0'
	assert_equal "" "$stderr"
	run --separate-stderr umlite debug init=/bin/sh -- -c 'exit 0'
	[ -n "$stderr" ]
}

@test "init's arguments after -- and init= words reach init" {
	run guest_sh 'echo "$# [$1] [$2]"'
	assert_equal "0 [] []" "$output"
	run umlite init=/bin/echo -- one 'two three'
	assert_status 0
	assert_equal "one two three" "$output"
}

@test "stdin that is not a terminal passes through to the guest" {
	run bash -c 'printf "line1\nline2\n" | "$0" mem=128M initrd="$1" "${@:2}" init=/bin/sh -- -c "wc -l"' \
		"$UMLITE" "$ROOTFS" "${MODE_ARGS[@]}"
	assert_status 0
	assert_equal "2" "$(echo "$output" | tr -d ' ')"
}

@test "the guest sees its own filesystem, not the host's" {
	run guest_sh 'test -e /bin/busybox'
	assert_status 0
	run guest_sh "test -e $ROOT/Makefile"
	assert_status 1
}

@test "a running instance is stopped by SIGTERM from the host, leaving no stub processes" {
	"$UMLITE" mem=64M initrd="$ROOTFS" "${MODE_ARGS[@]}" init=/bin/sh -- -c 'sleep 100' &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	# wait in this shell (run would wait in a subshell, which does not know the job)
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -ne 0 ]
	run pgrep -P "$pid"
	assert_status 1
}
