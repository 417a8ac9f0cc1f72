#!/usr/bin/env bats
# Busybox behaviour: a shell workload prints exactly what it prints natively (run with
# the same busybox applets on the host), and the common applets work in the guest.
bats_require_minimum_version 1.5.0
load helpers.bash

@test "a busybox shell workload prints exactly what it prints natively" {
	script=$BATS_TEST_DIRNAME/busybox-script.sh
	mkdir -p "$BATS_TEST_TMPDIR/native"
	native=$(PATH=$(busybox_path) busybox sh -s "$BATS_TEST_TMPDIR/native" <"$script" 2>&1)
	# The console is a terminal to the guest even when the host feeds it from a file, so
	# the script goes through a pipe: otherwise the shell would be interactive.
	run umlite init=/bin/sh -- -c 'mkdir -p /tmp/w && cat | sh -s /tmp/w 2>&1' <"$script"
	assert_status 0
	if [ "$output" != "$native" ]; then
		diff <(echo "$native") <(echo "$output") >&2 || true
		return 1
	fi
}

@test "ps shows the running processes" {
	run guest_sh 'sleep 5 & ps; kill $!'
	assert_status 0
	assert_contains "$output" "sleep 5"
	assert_contains "$output" "ps"
}

@test "/proc and /dev are mounted for init" {
	run guest_sh 'cat /proc/mounts; ls /dev'
	assert_status 0
	assert_contains "$output" "proc /proc proc"
	assert_contains "$output" "null"
	assert_contains "$output" "console"
}

@test "free, uptime and uname report the instance" {
	run guest_sh 'free | head -2; uptime; uname -sm'
	assert_status 0
	assert_contains "$output" "Mem:"
	assert_contains "$output" "load average"
	assert_contains "$output" "Linux x86_64"
}

@test "a busy loop does not starve other processes" {
	run guest_sh 'while :; do :; done & sleep 0.3; echo alive; kill $!'
	assert_status 0
	assert_equal "alive" "$output"
}

@test "hostname and id as root" {
	run guest_sh 'id -u; hostname'
	assert_status 0
	assert_equal "0
umlite" "$output"
}
