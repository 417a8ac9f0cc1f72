#!/usr/bin/env bats
# Guest threads seen from the host: a multi-threaded init's exit and death give umlite's
# exit status, and the threads of a guest process are host threads of its stub process
# (in SKAS and TT alike). Uses the test image (build/test.cpio) and its thread_test.
bats_require_minimum_version 1.5.0
load helpers.bash

TESTFS=$ROOT/build/test.cpio

setup() {
	[ -f "$TESTFS" ] || skip "no $TESTFS (make build/test.cpio)"
}

# test_init ARGS...: boot the test image with /tests/thread_test ARGS as init.
test_init() {
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$TESTFS" "${MODE_ARGS[@]}" \
		init=/tests/thread_test -- "$@"
}

@test "a thread of init calling exit ends the instance with that status" {
	run test_init --exit-in-thread 9
	assert_status 9
}

@test "a fault in one thread of init ends the instance with 128 plus SIGSEGV" {
	run test_init --fault-in-thread
	assert_status 139
}

# descendants PID: every process below PID, one a line.
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

@test "the threads of a guest process are host threads of its stub process" {
	local pid p um="" n=0 found="" _
	test_init --hold-threads 5 4 &
	pid=$!
	for _ in $(seq 50); do
		# the stubs are the children of the umlite process (the one running our binary)
		for p in $(descendants "$pid"); do
			[ "$(readlink "/proc/$p/exe")" = "$UMLITE" ] && um=$p
		done
		# one stub (the test's process) holds the 6 guest threads; others (init's, a
		# stub being made or torn down on a loaded host) are looked at one by one
		for p in $(pgrep -P "${um:-0}"); do
			n=$(find "/proc/$p/task" -mindepth 1 -maxdepth 1 | wc -l)
			# skas=seccomp: a stub also has its leader and its control thread (the
			# guest threads and the control thread run under seccomp filters)
			if grep -qs '^Seccomp:[[:space:]]*2' /proc/"$p"/task/*/status; then
				n=$((n - 2))
			fi
			[ "$n" -eq 6 ] && found=$p
		done
		[ -n "$found" ] && break
		sleep 0.1
	done
	[ -z "$um" ] || kill -TERM "$um" # halts the instance (and its stubs)
	wait "$pid" || true
	[ -n "$found" ] || { echo "no stub process with the 6 guest threads (last: $n)"; false; }
}
