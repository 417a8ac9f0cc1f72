#!/usr/bin/env bats
# strace=: the trace of guest system calls reads as strace(1)'s, goes to stderr or to
# strace_file=, and bad values are refused with a message naming them.
bats_require_minimum_version 1.5.0
load helpers.bash

@test "strace=openat,execve shows a missing file's path and ENOENT, and execve's argv" {
	run --separate-stderr umlite strace=openat,execve init=/bin/sh -- -c 'cat /etc/nothing; true'
	assert_status 0
	assert_contains "$stderr" \
		'[pid 2] openat(AT_FDCWD, "/etc/nothing", O_RDONLY) = -1 ENOENT (No such file or directory)'
	assert_contains "$stderr" '[pid 2] execve("/proc/self/exe", ["cat", "/etc/nothing"], 0x'
	assert_contains "$stderr" ' vars */) = 0'
	# Only the selected calls: no read, write or exit_group lines.
	assert_not_contains "$stderr" "write("
	assert_not_contains "$stderr" "exit_group("
	assert_contains "$output" "cat: can't open '/etc/nothing': No such file or directory"
}

@test "strace_file= writes the trace to a host file and nothing to stderr" {
	run --separate-stderr umlite strace_file="$BATS_TEST_TMPDIR/trace" init=/bin/sh -- -c 'echo hi'
	assert_status 0
	assert_equal "hi" "$output"
	assert_equal "" "$stderr"
	trace=$(cat "$BATS_TEST_TMPDIR/trace")
	assert_contains "$trace" '[pid 1] write(1, "hi\n", 3)'
	assert_contains "$trace" '[pid 1] exit_group(0)'
	assert_contains "$trace" '[pid 1] +++ exited with 0 +++'
}

@test "bad strace= and strace_file= values are refused with a message naming them" {
	run "$UMLITE" initrd="$ROOTFS" strace=nosuchcall
	[ "$status" -ne 0 ]
	assert_contains "$output" "strace=nosuchcall: unknown system call 'nosuchcall'"
	run "$UMLITE" initrd="$ROOTFS" strace=openat,,read
	[ "$status" -ne 0 ]
	assert_contains "$output" "strace=openat,,read"
	run "$UMLITE" initrd="$ROOTFS" strace=%nosuchclass
	[ "$status" -ne 0 ]
	assert_contains "$output" "'%nosuchclass'"
	run "$UMLITE" initrd="$ROOTFS" strace_file=/nonexistent/dir/trace
	[ "$status" -ne 0 ]
	assert_contains "$output" "strace_file=/nonexistent/dir/trace: cannot open: No such file"
}

@test "a call that sleeps is shown unfinished, then resumed, each part with its pid" {
	# pid 2 sleeps before its openat, so pid 1 is surely waiting by then.
	run --separate-stderr umlite strace=wait4,openat init=/bin/sh -- \
		-c 'sh -c "sleep 0.05; cat /etc/nothing"; true'
	assert_status 0
	lines=$(grep -E '^\[pid 1\] .*wait4|openat' <<<"$stderr")
	expected='[pid 1] wait4(-1,  <unfinished ...>
[pid 2] openat(AT_FDCWD, "/etc/nothing", O_RDONLY) = -1 ENOENT (No such file or directory)
[pid 1] <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 1}], 0, NULL) = 2'
	assert_contains "$lines" "$expected"
}

@test "signals and deaths are shown as strace shows them" {
	run --separate-stderr umlite strace=kill init=/bin/sh -- -c 'sh -c "kill -9 \$\$"; true'
	assert_status 0
	assert_contains "$stderr" "[pid 2] kill(2, SIGKILL)"
	assert_contains "$stderr" "[pid 2] +++ killed by SIGKILL +++"
	assert_contains "$stderr" "[pid 1] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=2, si_uid=0, si_status=SIGKILL,"
}

@test "strace=%file selects the calls that take a file name" {
	run --separate-stderr umlite strace=%file init=/bin/sh -- -c 'cat /etc/nothing; echo x'
	assert_status 0
	assert_contains "$stderr" 'openat(AT_FDCWD, "/etc/nothing", O_RDONLY)'
	assert_contains "$stderr" 'execve("/proc/self/exe"'
	assert_not_contains "$stderr" "write("
}

@test "strace=1 of a program reads as the host's strace of the same program" {
	command -v strace >/dev/null || skip "strace is not installed (scripts/deps.sh)"
	# The program is init of a root of its own: /bin/trace-target, /tmp and /dev.
	root=$BATS_TEST_TMPDIR/root
	prog=$root/bin/trace-target
	mkdir -p "$root/bin" "$root/tmp" "$root/dev"
	gcc -static -O2 -o "$prog" "$BATS_TEST_DIRNAME/trace-target.c"
	(cd "$root" && find . -mindepth 1 | cpio --quiet -o -H newc >"$BATS_TEST_TMPDIR/t.cpio")
	calls=umask,openat,write,close,read,newfstatat,lseek,unlink,pipe2,mkdir,rmdir,access
	calls=$calls,clock_nanosleep,rt_sigaction,dup2,wait4,exit_group
	# Not compared: pids, the column padding, the +++ lines strace -qq leaves out, and
	# where a call was split by another process's line (either side may split a call:
	# unfinished/resumed pairs are joined back into one line).
	normalize() {
		sed -E -e 's/^\[pid +[0-9]+\] //' -e 's/^[0-9]+ +//' -e '/^\+\+\+ /d' |
			awk '/ <unfinished \.\.\.>$/ {
				line = substr($0, 1, length($0) - 17); name = line
				sub(/\(.*/, "", name); held[name] = line; next }
			match($0, /^<\.\.\. [a-z0-9_]+ resumed>/) {
				name = substr($0, 6, RLENGTH - 14)
				print held[name] substr($0, RLENGTH + 1); next }
			{ print }' |
			sed -E -e 's/ +=/ =/' -e 's/^wait4\([0-9]+(.*) = [0-9]+$/wait4(PID\1 = PID/'
	}
	strace -f -qq -e trace=$calls -e signal=none -o "$BATS_TEST_TMPDIR/host" "$prog"
	ROOTFS=$BATS_TEST_TMPDIR/t.cpio run umlite init=/bin/trace-target strace=$calls \
		strace_file="$BATS_TEST_TMPDIR/guest"
	assert_status 0
	host=$(normalize <"$BATS_TEST_TMPDIR/host")
	guest=$(normalize <"$BATS_TEST_TMPDIR/guest")
	if [ "$host" != "$guest" ]; then
		diff <(echo "$host") <(echo "$guest") >&2 || true
		return 1
	fi
	assert_contains "$guest" 'write(4, "0123456789abcdefghijklmnopqrstuv"..., 36) = 36'
}
