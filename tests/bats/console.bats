#!/usr/bin/env bats
# The interactive console on a terminal: line editing, echo, job-control characters, the
# window size, and the host terminal restored on exit. Driven through a pseudo-terminal.
bats_require_minimum_version 1.5.0
load helpers.bash

pty() {
	python3 "$BATS_TEST_DIRNAME/pty-run.py" "$@" -- timeout -k 5 60 "$UMLITE" mem=128M \
		initrd="$ROOTFS" ${UMLITE_MODE:+mode=$UMLITE_MODE} "${CONFIG_ARGS[@]}" init=/bin/sh
}

@test "an interactive shell runs commands typed at the terminal and exits with its status" {
	run pty <<'S'
wait #
send echo $((6 * 7))\n
wait 42
send exit 3\n
S
	assert_status 0
	assert_contains "$output" "42"
	assert_contains "$output" "PTY-EXIT 3"
}

@test "erase and kill edit the line before it is sent" {
	run pty <<'S'
wait #
send echo abX\x7fc\n
wait abc
send junk\x15echo clean\n
wait clean
send exit\n
S
	assert_status 0
	assert_contains "$output" "abc"
	assert_not_contains "$output" "junk: not found"
}

@test "^C interrupts the foreground job but not the shell" {
	run pty <<'S'
wait #
send sleep 30\n
sleep 0.5
send \x03
wait #
send echo still here\n
wait still here
send exit\n
S
	assert_status 0
	assert_contains "$output" "^C"
	assert_contains "$output" "PTY-EXIT 0"
}

@test "^D at the start of a line ends the shell" {
	run pty <<'S'
wait #
send \x04
S
	assert_status 0
	assert_contains "$output" "PTY-EXIT 0"
}

@test "the guest sees the terminal's size" {
	run pty --rows 33 --cols 101 <<'S'
wait #
send stty size\n
wait 33 101
send exit\n
S
	assert_status 0
}

@test "the host terminal's settings are restored after exit" {
	run pty <<'S'
wait #
send exit\n
S
	assert_status 0
	assert_contains "$output" "PTY-ATTRS same"
}

@test "^Z stops the foreground job and fg resumes it" {
	run pty <<'S'
wait #
send sleep 1\n
sleep 0.3
send \x1a
wait Stopped
send jobs\n
wait sleep 1
send fg; echo resumed $?\n
wait resumed 0
send exit\n
S
	assert_status 0
	assert_contains "$output" "^Z"
}
