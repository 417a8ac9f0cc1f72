#!/usr/bin/env bats
# The panic path (kernel/panic.c): a kernel bug prints its reason, a host backtrace with
# function names, the current task and system call and the tail of the kernel log,
# restores the terminal, and ends umlite with status 125; panic=N reboots instead.
# The bug is the debug-only SysRq crash (sysrq c with `debug`), and a real host fault in
# kernel code made with gdb. (The mconsole route and the notify socket: mconsole.bats.)
# Guest scripts are expanded by the guest's shell; bats sets $stderr.
# shellcheck disable=SC2016,SC2154
bats_require_minimum_version 1.5.0
load helpers.bash

# The report's common parts, checked in $stderr.
assert_report() { # REASON
	assert_contains "$stderr" "Kernel panic - not syncing: $1"
	assert_contains "$stderr" "Call Trace:"
	assert_contains "$stderr" "Kernel log before the panic (last 20 lines):"
	assert_contains "$stderr" "physmem: 128 MiB" # a boot message, at level info
	assert_contains "$stderr" "---[ end Kernel panic - not syncing: $1 ]---"
}

@test "panic: sysrq c (with debug) through /proc/sysrq-trigger reports task, backtrace, log; status 125" {
	run --separate-stderr umlite debug init=/bin/sh -- -c \
		'echo before; echo c > /proc/sysrq-trigger; echo after'
	assert_status 125
	assert_equal "before" "$output"
	assert_report "sysrq triggered crash"
	assert_contains "$stderr" "Task: sh (pid 1, tgid 1), system call write (1), args 0x1 "
	# Innermost first, each frame named, from panic down to the system call and run loop.
	trace=$(sed -n '/^Call Trace:/,/^Kernel log/p' <<<"$stderr")
	head -2 <<<"$trace" | grep -E '^ panic\+0x[0-9a-f]+/0x[0-9a-f]+ \(umlite\+0x[0-9a-f]+\)$'
	grep -E '^ sysrq_handle\+0x[0-9a-f]+/0x[0-9a-f]+ \(umlite\+0x[0-9a-f]+\)$' <<<"$trace"
	grep -E '^ sys_write\+' <<<"$trace"
	grep -E '^ task_user_loop\+' <<<"$trace"
	# The offset is the one addr2line takes.
	off=$(sed -n 's/^ sysrq_handle+.*(umlite+\(0x[0-9a-f]*\))$/\1/p' <<<"$trace")
	[ "$(addr2line -f -e "$UMLITE" "$(printf %#x $((off - 1)))" | head -1)" = sysrq_handle ]
}

@test "panic: sysrq c without debug is refused and the instance goes on" {
	run --separate-stderr umlite init=/bin/sh -- -c \
		'echo c > /proc/sysrq-trigger; echo after; exit 4'
	assert_status 4
	assert_equal "after" "$output"
	assert_not_contains "$stderr" "Kernel panic"
}

@test "panic: the terminal is restored after a panic at an interactive shell" {
	run python3 "$BATS_TEST_DIRNAME/pty-run.py" -- timeout -k 5 60 "$UMLITE" mem=128M \
		initrd="$ROOTFS" "${MODE_ARGS[@]}" debug init=/bin/sh <<'S'
wait #
send echo c > /proc/sysrq-trigger\n
wait end Kernel panic
S
	assert_status 0
	assert_contains "$output" "Kernel panic - not syncing: sysrq triggered crash"
	assert_contains "$output" "PTY-EXIT 125"
	assert_contains "$output" "PTY-ATTRS same"
}

@test "panic: panic=1 reboots after a second and init runs again" {
	truncate -s 1M "$BATS_TEST_TMPDIR/state.img"
	# The disk survives the reboot: the first boot marks it and crashes, the second exits.
	run --separate-stderr umlite debug panic=1 ubd0="$BATS_TEST_TMPDIR/state.img" \
		init=/bin/sh -- -c 'if [ "$(head -c1 /dev/ubda)" = 1 ]; then echo second boot
			exit 3; fi; echo first boot; printf 1 > /dev/ubda
			echo c > /proc/sysrq-trigger'
	assert_status 3
	assert_equal "first boot
second boot" "$output"
	assert_contains "$stderr" "Kernel panic - not syncing: sysrq triggered crash"
	assert_contains "$stderr" "Rebooting in 1 seconds.."
}

@test "panic: panic= takes a number of seconds" {
	run --separate-stderr umlite panic=soon init=/bin/true
	assert_status 2
	assert_contains "$stderr" "panic=soon: expected a number of seconds"
}

@test "panic: a host fault in kernel code (gdb breaks current) names the fault and the function" {
	command -v gdb >/dev/null || skip "gdb is not installed (scripts/deps.sh)"
	run --separate-stderr timeout -k 5 60 gdb -nx -q -batch -ex 'break sys_getppid' -ex run \
		-ex 'set var current = (struct task *)8' -ex 'handle SIGSEGV nostop noprint pass' \
		-ex continue --args "$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" \
		init=/bin/sh -- -c 'echo $PPID'
	assert_contains "$output" "exited with code 0175" # 125
	reason=$(sed -n 's/^Kernel panic - not syncing: //p' <<<"$stderr")
	[[ $reason =~ ^Segmentation\ fault\ \(host\ signal\ 11\)\ at\ address\ 0x[0-9a-f]+\ in\ kernel\ code$ ]]
	assert_report "$reason"
	grep -E '^RIP: sys_getppid\+0x[0-9a-f]+/0x[0-9a-f]+ \(umlite\+0x[0-9a-f]+\)$' <<<"$stderr"
	# The current task pointer is the broken thing: that part is skipped, not fatal.
	assert_contains "$stderr" "(current task: faulted, skipped)"
	grep -E '^ task_user_loop\+' <<<"$stderr"
}
