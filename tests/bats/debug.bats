#!/usr/bin/env bats
# Debugging the kernel: gdb with scripts/gdb/umlite-gdb.py (auto-loaded the documented
# way) on a stopped or attached instance, and `debug`'s counts of unimplemented calls.
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	case $BATS_TEST_DESCRIPTION in
	*gdb*) command -v gdb >/dev/null || skip "gdb is not installed (scripts/deps.sh)" ;;
	esac
}

teardown() {
	if [ -n "${UL_PID:-}" ]; then
		kill -9 "$UL_PID" 2>/dev/null || true
	fi
}

# ul_gdb GDB-ARGS... -- UMLITE-ARGS...: gdb in batch mode on umlite, the helper script
# auto-loaded as README says (add-auto-load-safe-path), no user gdbinit.
ul_gdb() {
	local gargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		gargs+=("$1")
		shift
	done
	shift
	timeout -k 5 60 gdb -nx -q -batch -iex "add-auto-load-safe-path $ROOT" "${gargs[@]}" \
		--args "$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" "$@"
}

@test "gdb: a breakpoint on sys_openat stops when a guest opens a file; bt reads from the run loop" {
	run ul_gdb -ex 'break sys_openat if current->pid > 1' -ex run -ex bt \
		-ex 'p $ul_ustr(a->arg[1])' -ex 'p current->comm' -ex kill \
		-- init=/bin/sh -- -c 'cat /etc/nothing; true'
	assert_contains "$output" "Breakpoint 1, sys_openat"
	assert_contains "$output" "in do_syscall"
	assert_contains "$output" "task_user_loop"
	assert_contains "$output" '= "/etc/nothing"'
	assert_contains "$output" '= "cat", '
}

@test "gdb: ul-ps lists pid 1 with its command and ul-dmesg prints the kernel log" {
	# cat opens several files: by the later ones its parent sleeps in wait4.
	run ul_gdb -ex 'break sys_openat if current->pid > 1 && current->parent->syscall_nr == 61' \
		-ex run -ex ul-ps -ex ul-dmesg -ex kill \
		-- init=/bin/sh -- -c 'cat /e1 /e2 /e3 /e4 /e5 /e6 /e7 /e8 2>/dev/null; true'
	echo "$output" | grep -E '^ +1 +1 +0 +S +sh +wait4 +wait$'
	echo "$output" | grep -E '^> +2 +2 +1 +R +cat +openat +-$'
	assert_contains "$output" "physmem: 128 MiB"
	assert_contains "$output" "mode: "
}

@test "gdb: ul-bt shows a sleeping task's kernel stack, from schedule to the run loop" {
	# cat opens several files: by the later ones its parent sleeps in wait4.
	run ul_gdb -ex 'break sys_openat if current->pid > 1 && current->parent->syscall_nr == 61' \
		-ex run -ex 'ul-bt 1' -ex kill \
		-- init=/bin/sh -- -c 'cat /e1 /e2 /e3 /e4 /e5 /e6 /e7 /e8 2>/dev/null; true'
	assert_contains "$output" "task 1 (sh), kernel stack pointer"
	echo "$output" | grep -E '^#0 +0x[0-9a-f]+ in schedule \(\) at kernel/sched.c'
	assert_contains "$output" "in sys_wait4 ()"
	assert_contains "$output" "task_user_loop ()"
	assert_contains "$output" "in arch_task_start ()"
}

@test "gdb: ul-vmas, ul-files, ul-mounts and ul-enosys read a stopped instance" {
	run ul_gdb -ex 'break sys_openat if current->pid > 2' -ex run -ex 'ul-vmas 3' \
		-ex 'ul-files 3' -ex ul-mounts -ex ul-enosys -ex kill \
		-- init=/bin/sh -- -c 'adjtimex >/dev/null 2>&1; exec 3</etc/passwd; cat /etc/nothing; true'
	echo "$output" | grep -E '^0+400000-[0-9a-f]+ r--p 00000000 /bin/busybox$'
	echo "$output" | grep -E ' rw-p 00000000 \[stack\]$'
	echo "$output" | grep -E '^ +3 r +0x[0-9a-f]+ +0 /etc/passwd$'
	echo "$output" | grep -E '^ +0 rw .* /dev/console$'
	echo "$output" | grep -E '^0x[0-9a-f]+ +proc +proc +/proc$'
	echo "$output" | grep -E '^0x[0-9a-f]+ +rootfs +tmpfs +/$'
	echo "$output" | grep -E '^ +305 clock_adjtime +1$'
}

@test "gdb: the path of an execve, read from guest memory at sys_execve" {
	run ul_gdb -ex 'break sys_execve' -ex run -ex 'ul-ustr a->arg[0]' \
		-ex 'p $ul_ustr($ul_u64(a->arg[1] + 8))' -ex kill \
		-- init=/bin/sh -- -c 'cat /proc/version >/dev/null'
	assert_contains "$output" "Breakpoint 1, sys_execve"
	assert_contains "$output" '"/proc/self/exe"'
	assert_contains "$output" '= "/proc/version"'
}

@test "gdb attaches to a running instance and detaching leaves it running" {
	out=$BATS_TEST_TMPDIR/out
	"$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" init=/bin/sh -- \
		-c 'i=0; while [ $i -lt 40 ]; do sleep 0.1; i=$((i+1)); done; echo finished' \
		>"$out" 2>&1 &
	UL_PID=$!
	# Attach once init runs (a stub process exists), not after a fixed time: a loaded
	# machine may take longer than half a second to get there.
	for _ in $(seq 100); do pgrep -P "$UL_PID" >/dev/null && break; sleep 0.05; done
	# (the guest runs for 4 s: gdb itself may take seconds to start on a loaded host)
	sleep 0.3
	run timeout -k 5 60 gdb -nx -q -batch -iex "add-auto-load-safe-path $ROOT" \
		-ex ul-ps -ex 'ul-bt 1' -ex detach -p "$UL_PID"
	echo "$output"
	assert_contains "$output" "swapper"
	# init may be running, asleep, or in an uninterruptible wait (a stub reply) when gdb stops it
	echo "$output" | grep -E '^ +1 +1 +0 +[RSD] +sh '
	assert_not_contains "$output" "rror"
	wait "$UL_PID"
	status=$?
	UL_PID=
	assert_status 0
	assert_contains "$(cat "$out")" "finished"
}

@test "without the script, gdb still has the kernel's symbols; the script can be sourced" {
	run timeout 60 gdb -nx -q -batch -x "$ROOT/scripts/gdb/umlite-gdb.py" -ex 'help ul-ps' \
		-ex 'info line sys_openat' -ex 'ptype struct task' "$UMLITE"
	assert_contains "$output" "List kernel tasks"
	assert_contains "$output" 'Line '
	assert_contains "$output" 'kernel/fs/open.c'
	assert_contains "$output" 'unsigned long ksp;'
}

@test "debug prints the counts of unimplemented system calls at halt" {
	run --separate-stderr umlite debug init=/bin/sh -- \
		-c 'adjtimex >/dev/null 2>&1; pivot_root / /; pivot_root / /; true'
	assert_status 0
	assert_contains "$stderr" "unimplemented system calls used (number name count):"
	echo "$stderr" | grep -E '^ +155 pivot_root +2$'
	echo "$stderr" | grep -E '^ +305 clock_adjtime +1$'
	run --separate-stderr umlite init=/bin/sh -- -c 'pivot_root / /; true'
	assert_not_contains "$stderr" "unimplemented system calls used"
}
