#!/usr/bin/env bats
# A real Debian 12 (scripts/mkrootfs.sh debian: debootstrap minbase plus python3, venv,
# procps, perl, less) booted from an ext4 disk through a COW file, running issue 4's
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
