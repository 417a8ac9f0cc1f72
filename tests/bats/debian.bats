#!/usr/bin/env bats
# A real Debian 12 (scripts/mkrootfs.sh debian: debootstrap minbase plus python3, venv,
# procps, perl, less, ping, libcap2-bin, xz, bzip2, cpio, bsdextrautils) booted
# from an ext4 disk through a COW file, running issue 4's
# scenarios (debian-scenarios.sh) with bash as init. The oracle is the same script run in
# a chroot of the same tree (an overlay over it, in a private mount namespace, so the
# cached tree stays as built): where the output cannot differ by nature it must be
# identical. The guest runs once per mode (setup_file); each test checks one scenario.
#
# The image is build/debian.ext4. When it is missing it is made here, once (later runs
# reuse it and the debootstrap cache in build/debian/), which needs root, debootstrap and
# a reachable Debian mirror (MIRROR); otherwise every test is skipped, saying why.
# The kernel's count of unimplemented system calls hit by the scenarios is kept in
# build/test-logs/debian-enosys-MODE.txt.
# shellcheck disable=SC2016 # single-quoted scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash

IMAGE=${DEBIAN_IMAGE:-$ROOT/build/debian.ext4}
SCENARIOS=$BATS_TEST_DIRNAME/debian-scenarios.sh
MIRROR=${MIRROR:-http://deb.debian.org/debian}

# Make the image when it is missing or older than the cached tree; prints why it cannot.
debian_image() {
	local tree
	if [ "$(id -u)" != 0 ]; then
		[ -f "$IMAGE" ] || echo "$IMAGE is missing and making it needs root"
		return 0
	fi
	if [ ! -f "$IMAGE" ]; then
		command -v debootstrap >/dev/null || { echo "no debootstrap to make $IMAGE"; return 0; }
		timeout 20 wget -q -O /dev/null "$MIRROR/dists/bookworm/Release" 2>/dev/null ||
			{ echo "the Debian mirror $MIRROR is not reachable to make $IMAGE"; return 0; }
	fi
	(
		flock 9
		tree=$("$ROOT/scripts/mkrootfs.sh" --debian-tree 2>&3) || exit 1
		if [ ! -f "$IMAGE" ] || [ "$tree/../.done" -nt "$IMAGE" ]; then
			"$ROOT/scripts/mkrootfs.sh" debian "$IMAGE" >&3 2>&3 || exit 1
		fi
	) 9>"$ROOT/build/debian.lock" 3>"$BATS_FILE_TMPDIR/mkrootfs.log" ||
		echo "scripts/mkrootfs.sh debian failed: $(tail -n 3 "$BATS_FILE_TMPDIR/mkrootfs.log")"
}

# split FILE DIR: one DIR/NAME file per "=== NAME" section of FILE (its output and rc line).
split_scenarios() {
	mkdir -p "$2"
	awk -v d="$2" '/^=== / { f = d "/" $2; next } f { print > f }' "$1"
}

# The oracle: the scenarios in a chroot of an overlay over the tree (root only).
run_oracle() {
	local tree d=$BATS_FILE_TMPDIR/oracle
	tree=$("$ROOT/scripts/mkrootfs.sh" --debian-tree 2>/dev/null) || return 1
	mkdir -p "$d/up" "$d/work" "$d/merged"
	unshare -m -p -i -f --propagation private bash -c '
		mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/up,workdir=$2/work" \
			"$2/merged" || exit 1
		mount -t proc proc "$2/merged/proc" || exit 1
		cp "$3" "$2/merged/tmp/scenarios.sh"
		chroot "$2/merged" /usr/bin/env -i /bin/bash /tmp/scenarios.sh
	' oracle "$tree" "$d" "$SCENARIOS" >"$BATS_FILE_TMPDIR/oracle.txt" 2>&1 </dev/null
}

setup_file() {
	local why
	grep -q '^#define CONFIG_EXT4 1' "$ROOT/build/autoconf.h" &&
		grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_EXT4 or CONFIG_UBD"
	why=$(debian_image)
	[ -z "$why" ] || skip "$why"
	[ -f "$IMAGE" ] || skip "no $IMAGE"
	cd "$BATS_FILE_TMPDIR" || return 1
	# the oracle runs meanwhile (the chroot needs root)
	oracle=
	if [ "$(id -u)" = 0 ]; then
		run_oracle &
		oracle=$!
	fi
	timeout -k 5 600 "$UMLITE" debug mem=512M "${MODE_ARGS[@]}" ubd0=guest.cow,"$IMAGE" \
		root=/dev/ubda init=/usr/bin/env -- -i /bin/bash -c "$(cat "$SCENARIOS")" \
		>guest.txt 2>kernel.txt </dev/null
	echo $? >guest.status
	mkdir -p "$ROOT/build/test-logs"
	sed -n '/^unimplemented system calls used/,$p' kernel.txt \
		>"$ROOT/build/test-logs/debian-enosys-${UMLITE_MODE:-skas}.txt"
	split_scenarios guest.txt guest
	if [ -n "$oracle" ] && wait "$oracle"; then
		split_scenarios oracle.txt oracle
	fi
	e2fsck -fn "$IMAGE" >/dev/null 2>&1 || echo "image changed" >image.bad
}

setup() {
	cd "$BATS_FILE_TMPDIR" || return 1
}

# guest NAME: the guest's output of scenario NAME (the test fails when it did not run).
guest() {
	if [ ! -f "guest/$1" ]; then
		echo "scenario $1 did not run in the guest; its console said:" >&2
		tail -n 20 guest.txt >&2
		tail -n 20 kernel.txt >&2
		return 1
	fi
	cat "guest/$1"
}

# same_as_oracle NAME: the guest printed exactly what the chroot printed (when there is one).
same_as_oracle() {
	local g
	g=$(guest "$1") || return 1
	[ -f "oracle/$1" ] || return 0
	if [ "$g" != "$(cat "oracle/$1")" ]; then
		diff <(cat "oracle/$1") <(echo "$g") >&2 || true
		return 1
	fi
}

@test "debian: the guest ran every scenario and halted cleanly, the image untouched" {
	assert_equal 0 "$(cat guest.status)"
	assert_contains "$(guest df-mounts)" "/dev/ubda"
	[ ! -f image.bad ]
	[ ! -f oracle.txt ] || [ -d oracle ]
}

@test "debian: find /usr sees the same tree as the chroot" {
	same_as_oracle find-usr
	assert_contains "$(guest find-usr)" "--- rc=0"
}

@test "debian: apt-cache policy bash" {
	out=$(guest apt-cache-policy)
	same_as_oracle apt-cache-policy
	assert_contains "$out" "Installed: 5.2"
}

@test "debian: dpkg -l and dpkg -V print what they print natively" {
	same_as_oracle dpkg-l
	same_as_oracle dpkg-verify
	assert_contains "$(guest dpkg-l)" "ii  bash "
	assert_contains "$(guest dpkg-verify)" "audit done"
}

@test "debian: ps aux, top -bn1 and free see the guest's processes and memory" {
	same_as_oracle ps-aux
	same_as_oracle top
	same_as_oracle free
	assert_equal "$(printf '%s\n' "USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND" 1 1 \
		"--- rc=0")" "$(guest ps-aux)"
}

@test "debian: python3 imports ssl, sqlite3, threading, subprocess, asyncio and uses them" {
	same_as_oracle python-imports
	same_as_oracle python-work
	assert_contains "$(guest python-work)" "through asyncio"
}

@test "debian: python3 -m venv makes a working environment with pip" {
	same_as_oracle python-venv
	assert_contains "$(guest python-venv)" "/tmp/v True"
}

@test "debian: tar and gzip produce the same bytes as natively" {
	same_as_oracle tar
	same_as_oracle gzip
	assert_contains "$(guest tar)" "same tree"
	assert_contains "$(guest gzip)" "round trip"
}

@test "debian: sort of a large file, serial and parallel" {
	same_as_oracle sort-large
	out=$(guest sort-large)
	[ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | sed -n 3p)" ]
	[ "$(echo "$out" | sed -n 2p)" = "$(echo "$out" | sed -n 3p)" ]
}

@test "debian: perl -e with hashes, fork and pipes" {
	same_as_oracle perl
	assert_contains "$(guest perl)" "from a pipe"
}

@test "debian: long shell pipelines and many short processes" {
	same_as_oracle pipeline
	same_as_oracle many-processes
	assert_contains "$(guest many-processes)" "      9 2"
}

@test "debian: bash job control in a script (set -m, jobs, wait)" {
	same_as_oracle job-control
	assert_contains "$(guest job-control)" "Running"
}

@test "debian: ls -l checks ACLs quietly, python3 uses epoll and mmap.resize, vmstat runs" {
	same_as_oracle ls-l
	same_as_oracle python-epoll-mremap
	same_as_oracle vmstat
	assert_not_contains "$(guest ls-l)" "not implemented"
	assert_contains "$(guest python-epoll-mremap)" "EpollSelector"
	assert_contains "$(guest python-epoll-mremap)" "16777216 b'hello' b'x' 16777216"
	assert_contains "$(guest vmstat)" "--- rc=0"
}

@test "debian: script(1) runs a shell on a pseudo-terminal" {
	out=$(guest pty)
	assert_contains "$out" "/dev/pts/N"
	assert_contains "$out" "on a tty"
	assert_contains "$out" "--- rc=0"
}

@test "debian: lsblk lists the ubd disk from sysfs, mounted on /" {
	assert_equal "NAME MAJ:MIN RM RO TYPE MOUNTPOINTS
ubda  98:0    0  0 disk /
98:0
size agrees
/dev/ubda ext4
--- rc=0" "$(guest lsblk)"
}

@test "debian: setpriv changes uid keeping capabilities, drops bounding and passes ambient ones" {
	same_as_oracle setpriv
	out=$(guest setpriv)
	assert_contains "$out" "uid=1000 gid=1000 groups=1000"
	assert_not_contains "$out" "reactivate capabilities"
	assert_contains "$out" "raw [Errno 1] Operation not permitted"
	assert_contains "$out" "bind ok"
	assert_contains "$out" "bind [Errno 13] Permission denied"
	assert_contains "$out" "changing ownership of '/tmp/f': Operation not permitted"
	assert_contains "$out" "--- rc=0"
}

@test "debian: ipcmk, ipcs, ipcs -l and ipcrm -a on System V IPC" {
	out=$(guest sysvipc)
	same_as_oracle sysvipc
	assert_contains "$out" "KEY ID root       644        4096       0"
	assert_contains "$out" "max semaphores per array = 32000"
	assert_contains "$out" "left: 0"
}

@test "debian: a user runs set-user-id and set-group-id programs (passwd -S, chage -l, id copies)" {
	same_as_oracle setuid
	out=$(guest setuid)
	assert_contains "$out" "alice P 0 99999 7 -1"
	assert_contains "$out" "Account expires"
	assert_contains "$out" "gid=1000(alice) euid=0(root) groups=1000(alice)"
	assert_contains "$out" "gid=1000(alice) egid=8(mail)"
	assert_contains "$out" "ERROR: ... : ignored."
	assert_not_contains "$out" "cannot open /etc/shadow"
	assert_contains "$out" "0 0
1000 1000
777
--- rc=0"
}

# ---- shell scenarios of round 5 (each compared with the chroot where it has one)

@test "debian: bash arrays, associative arrays, mapfile, here-documents and <(...)" {
	same_as_oracle bash-arrays
	out=$(guest bash-arrays)
	assert_contains "$out" "4 three four two three four"
	assert_contains "$out" "l1 l2 l3 3"
	assert_contains "$out" "hello, world HELLO, WORLD Hello, Debian World 12"
}

@test "debian: bash traps (EXIT, ERR, INT), errexit, pipefail and subshell statuses" {
	same_as_oracle bash-traps
	out=$(guest bash-traps)
	assert_contains "$out" "got INT
int=3"
	assert_contains "$out" "pipefail=1"
	assert_contains "$out" "term=143"
}

@test "debian: bash coprocesses, wait -n and read -t" {
	same_as_oracle bash-coproc
	assert_equal "HELLO
coproc=0
first=3
read-t=142
same
subshell differs
--- rc=0" "$(guest bash-coproc)"
}

@test "debian: find with -exec, -newer, -perm, -printf and xargs -0 -P4" {
	same_as_oracle find
	out=$(guest find)
	assert_contains "$out" "./a/1 751 4 f"
	assert_contains "$out" "8 ./a/b/c/3"
	assert_contains "$out" "3 a/b/c"
}

@test "debian: sort, uniq, join, comm, paste, tr, sed -i, grep -r/-P and awk" {
	same_as_oracle text
	same_as_oracle text2
	assert_contains "$(guest text)" "./t1:4:a 3"
	assert_contains "$(guest text)" "3.142"
	assert_contains "$(guest text2)" "3628800"
}

@test "debian: split, csplit, tee and tail -f under timeout" {
	same_as_oracle split
	out=$(guest split)
	assert_contains "$out" "joined"
	assert_contains "$out" " 499 xx00"
	assert_contains "$out" "1
2
3
tail-f=124"
}

@test "debian: diff -u, cmp, md5sum -c and sha256sum -c" {
	same_as_oracle diff-sums
	out=$(guest diff-sums)
	assert_contains "$out" "+five"
	assert_contains "$out" "d1: FAILED"
}

@test "debian: dd, truncate, fallocate, sparse files, stat -c and du" {
	same_as_oracle dd-stat
	out=$(guest dd-stat)
	assert_contains "$out" "3072"
	assert_contains "$out" "0	sps
1024	sps"
	assert_contains "$out" "49152 64"
}

@test "debian: date -d and +%s in UTC, touch -d and -r" {
	same_as_oracle dates
	assert_contains "$(guest dates)" "2023-11-14 22:13:20 Tuesday 318 46 UTC"
	assert_contains "$(guest dates)" "981173106 1000000000"
}

@test "debian: mktemp, ln -s/-r, readlink -f, realpath, install, cp -a/-u, mv and rm -rf" {
	same_as_oracle paths
	out=$(guest paths)
	assert_contains "$out" "D/x/y/z/f"
	assert_contains "$out" "cp-a"
	assert_contains "$out" "links"
}

@test "debian: chmod -R and u+s, set-group-id directories, chown -R, chgrp, umask" {
	same_as_oracle modes
	out=$(guest modes)
	assert_contains "$out" "-rwS--S---"
	assert_contains "$out" "mail a/b/h"
	assert_contains "$out" "2755"
}

@test "debian: gzip, bzip2 and xz give the same bytes as natively; cpio and tar --xattrs" {
	same_as_oracle archives
	out=$(guest archives)
	assert_contains "$out" "xz ok"
	assert_contains "$out" "cpio round trip"
	assert_contains "$out" "b'v'"
	assert_contains "$out" "from a finished writer"
}

@test "debian: mount a tmpfs with options, findmnt, mv across file systems, remount ro" {
	same_as_oracle mounts
	out=$(guest mounts)
	assert_contains "$out" "rw,relatime,size=8192k"
	assert_contains "$out" "No space left on device"
	assert_contains "$out" "Read-only file system"
}

@test "debian: flock(1) between processes, timeout(1) statuses, nice, renice and ionice" {
	same_as_oracle locks-timeouts
	out=$(guest locks-timeouts)
	assert_contains "$out" "nonblock=1"
	assert_contains "$out" "timeout=124
kill=137
pres=143
k=137"
	assert_contains "$out" "new priority 4
  4"
}

@test "debian: kill -l, pgrep and pkill -f, pidof, ps --forest, setsid" {
	same_as_oracle procs
	out=$(guest procs)
	assert_contains "$out" "pkill=143"
	assert_contains "$out" "term=143"
	assert_contains "$out" "--- rc=0"
}

@test "debian: useradd, groupadd, getent, su -c, su -, runuser, chpasswd, usermod, userdel" {
	same_as_oracle users
	out=$(guest users)
	assert_contains "$out" "uid=1600(carol) gid=1600(carol) groups=1600(carol),2100(devs)"
	assert_contains "$out" "/home/carol carol"
	assert_contains "$out" "gone=2"
}

@test "debian: env -i, printenv, a login shell, locale and getent hosts" {
	same_as_oracle environment
	assert_contains "$(guest environment)" "login"
	assert_contains "$(guest environment)" "127.0.1.1       umlite"
}

@test "debian: uname, getconf, ulimit with /proc/self/limits, RLIMIT_FSIZE" {
	same_as_oracle sysinfo
	out=$(guest sysinfo)
	assert_contains "$out" "Max open files            256                  512"
	assert_contains "$out" "fsize=153
20480"
}

@test "debian: seq, factor, numfmt, shuf, base64, od, hexdump and iconv" {
	same_as_oracle numbers
	out=$(guest numbers)
	assert_contains "$out" "360: 2 2 2 3 3 5"
	assert_contains "$out" " 63 61 66 e9"
}

@test "debian: perl one-liners (-ne, -lane, -pi, -0777, modules)" {
	same_as_oracle perl-oneliners
	assert_contains "$(guest perl-oneliners)" "5050 9"
}

@test "debian: python3 json.tool, sqlite3, http.server with urllib" {
	same_as_oracle python-tools
	out=$(guest python-tools)
	assert_contains "$out" "200 text/html <p>served</p>"
	assert_contains "$out" "server stopped"
}

@test "debian: python3 os.walk, shutil, fcntl locks, signals, fork and multiprocessing" {
	same_as_oracle python-os
	out=$(guest python-os)
	assert_contains "$out" "other process 1"
	assert_contains "$out" "alarm [14]"
	assert_contains "$out" "328350"
	assert_contains "$out" "via queue"
}

@test "debian: sysctl and /proc fields that tools read" {
	same_as_oracle proc-sysctl
	out=$(guest proc-sysctl)
	assert_contains "$out" "vm.swappiness = 10"
	assert_contains "$out" "net.ipv4.ip_forward = 0"
	assert_contains "$out" "tr \\0"
}

@test "debian: setcap and getcap, a user gets file capabilities, ping as a user" {
	same_as_oracle fcaps
	out=$(guest fcaps)
	assert_contains "$out" "/tmp/cat-raw cap_net_bind_service,cap_net_raw=ep"
	assert_contains "$out" "CapEff:	0000000000002400"
	assert_contains "$out" "unable to set CAP_SETFCAP"
	assert_contains "$out" "2 packets transmitted, 2 received"
}

@test "debian: stty on a pseudo-terminal" {
	assert_equal "speed 38400 baud; rows 24; columns 80; line = 0;
30 100
-echo 
/dev/pts/
--- rc=0" "$(guest pty-stty)"
}

@test "debian: redirections, fifos and bash's /dev/tcp to a local server" {
	same_as_oracle redirections
	out=$(guest redirections)
	assert_contains "$out" "through fifo"
	assert_contains "$out" "OVER DEV TCP"
}

@test "debian: dpkg-query, dpkg -S/-L, apt-cache and apt-get -s offline" {
	same_as_oracle dpkg-queries
	assert_contains "$(guest dpkg-queries)" "xz-utils: /usr/bin/xz"
}

@test "debian: dash scripts and shebang scripts (sh, python3, perl, bash -euo pipefail)" {
	same_as_oracle sh-scripts
	out=$(guest sh-scripts)
	assert_contains "$out" "script ./s.sh arg
rc=3"
	assert_contains "$out" "py ['x', 'y']"
}

@test "debian: sparse copies with SEEK_DATA/SEEK_HOLE on ext4 and tmpfs, hard links" {
	same_as_oracle sparse-links
	same_as_oracle seek-tmpfs
	assert_contains "$(guest sparse-links)" "10485760 0"
	assert_contains "$(guest seek-tmpfs)" "299008 0 303104 300001
6"
}

@test "debian: dpkg-deb builds a package, dpkg -i runs its postinst, dpkg -r removes it" {
	same_as_oracle dpkg-build
	out=$(guest dpkg-build)
	assert_contains "$out" "postinst configure
hello from package
ii hello-um 1.0-1 all test"
	assert_contains "$out" "gone=1"
}

@test "debian: adduser, deluser, update-alternatives, time zones, os-release, run-parts" {
	same_as_oracle admin
	out=$(guest admin)
	assert_contains "$out" "uid=1001(dave) gid=1001(dave) groups=1001(dave),100(users)"
	assert_contains "$out" "01 CET"
	assert_contains "$out" "Debian GNU/Linux 12 (bookworm)"
}

@test "debian: find -delete, gzip -r, tar z, zcat/bzcat/xzcat of <(...), cksum, shred" {
	same_as_oracle compress-tools
	out=$(guest compress-tools)
	assert_contains "$out" "abc
x
y"
	assert_contains "$out" "3015617425 6"
}
