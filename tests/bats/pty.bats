#!/usr/bin/env bats
# Pseudo-terminals inside the guest: an interactive busybox shell on /dev/pts/N driven by
# tests/bats/pty-guest.c (forkpty; busybox has no `script`), with job control, the window
# size and the controlling terminal; devpts nodes and mount options.
bats_require_minimum_version 1.5.0
load helpers.bash

setup_file() {
	local root=$BATS_FILE_TMPDIR/root
	mkdir -p "$root/bin"
	gcc -static -O2 -o "$root/bin/pty-guest" "$BATS_TEST_DIRNAME/pty-guest.c"
	(cd "$root" && find . -mindepth 1 | cpio --quiet -o -H newc >"$BATS_FILE_TMPDIR/extra.cpio")
	cat "$ROOTFS" "$BATS_FILE_TMPDIR/extra.cpio" >"$BATS_FILE_TMPDIR/pty.cpio"
}

# pty_sh STEP...: an interactive busybox shell on a 33x77 pty in the guest, typed at.
pty_sh() {
	ROOTFS=$BATS_FILE_TMPDIR/pty.cpio umlite init=/bin/pty-guest -- -r 33 -c 77 "$@" \
		-- /bin/sh -i
}

# A foreground job that prints a marker once it is the terminal's foreground group (the
# shell hands it the terminal before it runs), so signals typed after it reach the job.
JOB="s:sh -c 'echo ready-\$((1+1)); exec sleep 200'\\n"

@test "a shell on a pty: its name, the window size, ^C stops only the foreground job" {
	run pty_sh 'w:# ' 's:tty\n' 'w:/dev/pts/0' 's:stty size\n' 'w:33 77' \
		"$JOB" 'w:ready-2' 'p:200' 's:\x03' 's:echo alive-$((1+1))\n' 'w:alive-2' \
		's:exit 5\n'
	assert_status 0
	assert_contains "$output" "/dev/pts/0"
	assert_contains "$output" "33 77"
	assert_contains "$output" "alive-2"
	assert_contains "$output" "PTY-EXIT $((5 << 8))"
}

@test "job control on a pty: ^Z stops the job, jobs lists it, fg resumes it, ^C ends it" {
	# ^C twice: the first may come before fg has handed the terminal back to the job (then
	# the shell ignores it); the second finds the shell at its prompt if the job is gone.
	run pty_sh 'w:# ' "$JOB" 'w:ready-2' 'p:200' 's:\x1a' 'w:Stopped' 's:jobs\n' \
		'w:Stopped' 's:fg\n' 'p:500' 's:\x03' 'p:500' 's:\x03' 's:echo back-$((2+2))\n' \
		'w:back-4' 's:jobs; echo none-left\n' 'w:none-left' 's:exit\n'
	assert_status 0
	assert_contains "$output" "Stopped"
	assert_contains "$output" "back-4"
	assert_not_contains "${output##*back-4}" "Stopped"
	assert_contains "$output" "PTY-EXIT 0"
}

@test "the pty is the shell's controlling terminal in /proc and ps; /dev/pts/0 is its user's" {
	run pty_sh 'w:# ' 's:cut -d" " -f7 /proc/$$/stat\n' 'w:34816' \
		's:ps -o pid,tty,comm | grep -c 136,0\n' 'p:500' \
		's:ls -ln /dev/pts/0; echo x >/dev/tty\n' 'w:x' 's:exit\n'
	assert_status 0
	assert_contains "$output" "34816"       # makedev(136, 0)
	assert_contains "$output" "crw--w----    1 0        5"  # mode 620, gid tty (5)
	assert_contains "$output" "PTY-EXIT 0"
}

@test "devpts: newinstance mounts with ptmxmode=, bad options refused, nodes go with the pair" {
	run guest_sh 'mkdir -p /tmp/p && mount -t devpts -o newinstance,ptmxmode=666 devpts /tmp/p &&
		ls -l /tmp/p/ptmx; echo "entries $(ls /tmp/p | wc -l)";
		mount -t devpts -o bogus devpts /tmp/p 2>/dev/null || echo refused;
		echo "mounts $(grep -c devpts /proc/mounts)"; echo "dev/pts:" $(ls /dev/pts)'
	assert_status 0
	assert_contains "$output" "crw-rw-rw-"
	assert_contains "$output" "entries 1"
	assert_contains "$output" "refused"
	assert_contains "$output" "mounts 2"
	assert_contains "$output" "dev/pts: ptmx"
}
