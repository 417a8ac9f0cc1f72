#!/usr/bin/env bats
# ubd block devices and UML COW files, judged by the real uml_mkcow and uml_moo
# (Debian uml-utilities): plain images, COW creation and reuse, sharing one backing file,
# read-only devices, refused mismatches and corrupt files, and a kill -9 mid-write.
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	if ! command -v uml_moo >/dev/null || ! command -v uml_mkcow >/dev/null; then
		skip "uml-utilities (uml_moo, uml_mkcow) not installed"
	fi
	cd "$BATS_TEST_TMPDIR" || return 1
}

# mkimage NAME MIB: a random image with a fixed old mtime, as a disk image would have.
mkimage() {
	head -c "$(($2 << 20))" /dev/urandom >"$1"
	touch -d '2024-01-02 03:04:05' "$1"
}

# Bytes LEN at OFFSET of FILE, as hex.
bytes_at() { # FILE OFFSET LEN
	od -An -tx1 -v -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# A guest script that writes the markers the uml_moo tests look for: one at an unaligned
# offset inside a sector, one spanning two sectors, one whole 4 KiB block, one 64 KiB run.
# shellcheck disable=SC2016 # expanded by the guest's shell
write_markers='printf MARK-A | dd of=/dev/ubda bs=1 seek=1000 conv=notrunc 2>/dev/null &&
printf MARK-B-SPANS | dd of=/dev/ubda bs=1 seek=$((4096 * 3 - 5)) conv=notrunc 2>/dev/null &&
dd if=/dev/zero of=/dev/ubda bs=4096 seek=700 count=1 conv=notrunc 2>/dev/null &&
dd if=/dev/zero of=/dev/ubda bs=65536 seek=60 count=1 conv=notrunc 2>/dev/null'

# check_markers MERGED BACKING: the markers are in MERGED and everything else is BACKING's.
check_markers() {
	python3 - "$1" "$2" <<'EOF'
import sys
m = open(sys.argv[1], 'rb').read()
b = bytearray(open(sys.argv[2], 'rb').read())
assert len(m) == len(b), "merged image has the wrong size"
b[1000:1006] = b'MARK-A'
b[4096 * 3 - 5:4096 * 3 + 7] = b'MARK-B-SPANS'
b[4096 * 700:4096 * 701] = bytes(4096)
b[65536 * 60:65536 * 61] = bytes(65536)
bad = [i for i in range(0, len(b), 512) if m[i:i + 512] != b[i:i + 512]]
assert not bad, "sectors differ: %s" % bad[:10]
EOF
}

@test "a plain image is /dev/ubda, block 98:0, readable and writable by the guest" {
	mkimage disk.img 4
	sum=$(md5sum <disk.img | cut -d' ' -f1)
	run umlite ubd0=disk.img init=/bin/sh -- -c \
		'stat -c "%F %t:%T" /dev/ubda; md5sum </dev/ubda; blockdev --getsize64 /dev/ubda;
		 blockdev --getss /dev/ubda; grep ubda /proc/partitions; grep ubd /proc/devices;
		 printf HELLO | dd of=/dev/ubda bs=1 seek=777 conv=notrunc 2>/dev/null'
	assert_status 0
	assert_contains "$output" "block special file 62:0"
	assert_contains "$output" "$sum"
	assert_contains "$output" "4194304"
	assert_contains "$output" "512"
	assert_contains "$output" "98        0       4096 ubda"
	assert_contains "$output" " 98 ubd"
	assert_equal "$(printf HELLO | od -An -tx1 | tr -d ' \n')" "$(bytes_at disk.img 777 5)"
}

@test "reads stop at the end of the device and writes past it get ENOSPC, as on Linux" {
	mkimage disk.img 1
	run umlite ubd0s=disk.img init=/bin/sh -- -c \
		'dd if=/dev/ubda of=/dev/null bs=512 skip=2047 2>&1 | head -n 1
		 dd if=/dev/zero of=/dev/ubda bs=512 seek=2047 count=2 conv=notrunc,fsync 2>&1'
	assert_status 1
	assert_equal "1+0 records in" "${lines[0]}"
	assert_contains "$output" "No space left on device"
	assert_contains "$output" "1+0 records out"
	assert_equal "$(printf '%01024d' 0)" "$(bytes_at disk.img $((2047 * 512)) 512)"
	assert_equal 1048576 "$(stat -c %s disk.img)"
}

@test "devices are named by number or letter; ubdb is 98:16 and ubdp the last" {
	mkimage a.img 1
	mkimage b.img 2
	mkimage p.img 1
	run umlite ubda=a.img ubd1=b.img ubd15r=p.img init=/bin/sh -- -c \
		'stat -c "%n %t:%T" /dev/ubda /dev/ubdb /dev/ubdp; blockdev --getsize64 /dev/ubdb;
		 blockdev --getro /dev/ubdp'
	assert_status 0
	assert_contains "$output" "/dev/ubda 62:0"
	assert_contains "$output" "/dev/ubdb 62:10"
	assert_contains "$output" "/dev/ubdp 62:f0"
	assert_contains "$output" "2097152"
	assert_equal "1" "${lines[-1]}"
}

@test "a COW file made by um-lite is what uml_mkcow makes, and uml_moo merges it" {
	mkimage backing.img 8
	sum=$(md5sum <backing.img)
	run umlite ubd0=inst.cow,backing.img init=/bin/sh -- -c "$write_markers"
	assert_status 0
	assert_equal "$sum" "$(md5sum <backing.img)"
	uml_mkcow ref.cow backing.img
	cmp <(head -c 4128 inst.cow) <(head -c 4128 ref.cow)
	assert_equal "$(stat -c %s ref.cow)" "$(stat -c %s inst.cow)"
	uml_moo inst.cow merged.img
	check_markers merged.img backing.img
	assert_equal "$sum" "$(md5sum <backing.img)"
}

@test "the guest sees its writes again through the COW file alone, the backing file from the header" {
	mkimage backing.img 4
	run umlite ubd0=inst.cow,backing.img init=/bin/sh -- -c "$write_markers"
	assert_status 0
	uml_moo inst.cow merged.img
	run umlite ubd0=inst.cow init=/bin/sh -- -c 'md5sum </dev/ubda'
	assert_status 0
	assert_equal "$(md5sum <merged.img | cut -d' ' -f1)  -" "$output"
}

@test "a COW file made by the real uml_mkcow works under um-lite" {
	mkimage backing.img 4
	uml_mkcow made.cow backing.img
	sum=$(md5sum <backing.img | cut -d' ' -f1)
	run umlite ubd0=made.cow,backing.img init=/bin/sh -- -c "md5sum </dev/ubda; $write_markers"
	assert_status 0
	assert_equal "$sum  -" "$output"
	uml_moo made.cow merged.img
	check_markers merged.img backing.img
}

@test "the backing file is never modified, and is opened read-only (a read-only file works)" {
	mkimage backing.img 4
	chmod 0444 backing.img
	sum=$(md5sum <backing.img)
	run umlite ubd0=inst.cow,backing.img init=/bin/sh -- -c \
		'dd if=/dev/urandom of=/dev/ubda bs=65536 count=64 2>/dev/null; sync; md5sum </dev/ubda'
	assert_status 0
	assert_equal "$sum" "$(md5sum <backing.img)"
	assert_not_contains "$output" "$(echo "$sum" | cut -d' ' -f1)"
}

@test "two instances with their own COW files over one backing file do not see each other" {
	mkimage backing.img 4
	sum=$(md5sum <backing.img)
	umlite ubd0=one.cow,backing.img init=/bin/sh -- -c \
		'printf ONE | dd of=/dev/ubda conv=notrunc 2>/dev/null; sleep 1;
		 dd if=/dev/ubda bs=3 count=1 2>/dev/null' >one.out 2>&1 &
	p1=$!
	umlite ubd0=two.cow,backing.img init=/bin/sh -- -c \
		'printf TWO | dd of=/dev/ubda conv=notrunc 2>/dev/null; sleep 1;
		 dd if=/dev/ubda bs=3 count=1 2>/dev/null' >two.out 2>&1 &
	p2=$!
	wait $p1
	wait $p2
	assert_equal "ONE" "$(cat one.out)"
	assert_equal "TWO" "$(cat two.out)"
	assert_equal "$sum" "$(md5sum <backing.img)"
}

@test "a COW file in use by one instance is refused to a second one" {
	mkimage backing.img 1
	umlite ubd0=one.cow,backing.img init=/bin/sh -- -c 'sleep 2' &
	p1=$!
	sleep 1
	run umlite ubd0=one.cow,backing.img init=/bin/true
	wait $p1
	[ "$status" -ne 0 ]
	assert_contains "$output" "one.cow"
	assert_contains "$output" "lock"
}

@test "ubd0r= refuses writes with EROFS and leaves the files alone" {
	mkimage disk.img 1
	sum=$(md5sum <disk.img)
	run umlite ubd0r=disk.img init=/bin/sh -- -c \
		'printf x | dd of=/dev/ubda conv=notrunc; echo "dd: $?"; blockdev --getro /dev/ubda'
	assert_status 0
	assert_contains "$output" "Read-only file system"
	assert_contains "$output" "dd: 1"
	assert_equal "1" "${lines[-1]}"
	assert_equal "$sum" "$(md5sum <disk.img)"
	mkimage backing.img 1
	uml_mkcow made.cow backing.img
	cowsum=$(md5sum <made.cow)
	run umlite ubd0r=made.cow,backing.img init=/bin/sh -- -c \
		'printf x | dd of=/dev/ubda conv=notrunc 2>&1'
	assert_contains "$output" "Read-only file system"
	assert_equal "$cowsum" "$(md5sum <made.cow)"
}

@test "a backing file whose mtime or size changed is refused, naming both files" {
	mkimage backing.img 4
	run umlite ubd0=inst.cow,backing.img init=/bin/sh -- -c "$write_markers"
	assert_status 0
	touch backing.img
	run umlite ubd0=inst.cow,backing.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "mtime mismatch"
	assert_contains "$output" "backing.img"
	assert_contains "$output" "inst.cow"
	# The override: accepted, and recorded so that uml_moo accepts the file too.
	run umlite ubd=ignore-mtime ubd0=inst.cow,backing.img init=/bin/true
	assert_status 0
	uml_moo inst.cow merged.img
	check_markers merged.img backing.img
	truncate -s +512 backing.img
	run umlite ubd=ignore-mtime ubd0=inst.cow,backing.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "size mismatch"
	assert_contains "$output" "backing.img"
	assert_contains "$output" "inst.cow"
}

@test "corrupt and truncated COW files, missing and odd-sized files are refused clearly" {
	mkimage backing.img 1
	uml_mkcow good.cow backing.img
	cp good.cow badver.cow
	printf '\0\0\0\x63' | dd of=badver.cow bs=1 seek=4 conv=notrunc 2>/dev/null
	run umlite ubd0=badver.cow init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "badver.cow"
	assert_contains "$output" "version"
	cp good.cow badalign.cow
	printf '\0\0\0\x03' | dd of=badalign.cow bs=1 seek=24 conv=notrunc 2>/dev/null
	run umlite ubd0=badalign.cow,backing.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "alignment"
	head -c 3000 good.cow >short.cow
	run umlite ubd0=short.cow,backing.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "short.cow"
	head -c 8200 good.cow >cut.cow
	run umlite ubd0=cut.cow init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "truncated"
	run umlite ubd0=new.cow,missing.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "missing.img"
	[ ! -e new.cow ]
	mv backing.img moved.img
	run umlite ubd0=good.cow init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "backing.img"
	head -c 1000000 moved.img >odd.img
	run umlite ubd0=odd.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "odd.img"
	assert_contains "$output" "512"
}

@test "bad ubd options are refused with the word that is wrong" {
	mkimage disk.img 1
	for word in ubdq=disk.img ubd16=disk.img ubd0x=disk.img ubd0 ubd0= ubd0d=a,b ubd=bogus; do
		run umlite "$word" init=/bin/true
		[ "$status" -ne 0 ]
		assert_contains "$output" "$word"
	done
	run umlite ubd0=disk.img ubda=disk.img init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "already configured"
}

@test "with d the file is plain data even when it carries a COW header" {
	mkimage backing.img 1
	uml_mkcow made.cow backing.img
	run umlite ubd0d=made.cow init=/bin/sh -- -c 'dd if=/dev/ubda bs=4 count=1 2>/dev/null'
	assert_status 0
	assert_equal "OOOM" "$output"
}

@test "kill -9 in the middle of writes leaves the backing file intact and the COW mergeable" {
	mkimage backing.img 8
	sum=$(md5sum <backing.img)
	# shellcheck disable=SC2016 # expanded by the guest's shell
	"$UMLITE" mem=128M initrd="$ROOTFS" ubd0=inst.cow,backing.img init=/bin/sh -- -c \
		'i=0; while :; do
			dd if=/dev/zero of=/dev/ubda bs=4096 seek=$((i * 7 % 2048)) count=3 \
				conv=notrunc 2>/dev/null; i=$((i + 1)); done' &
	pid=$!
	sleep 2
	kill -9 $pid
	wait $pid || true
	assert_equal "$sum" "$(md5sum <backing.img)"
	uml_moo inst.cow merged.img
	python3 - <<'EOF'
m = open('merged.img', 'rb').read()
b = open('backing.img', 'rb').read()
zero = bytes(512)
changed = [i for i in range(0, len(b), 512) if m[i:i + 512] != b[i:i + 512]]
assert changed, "the guest wrote nothing"
assert all(m[i:i + 512] == zero for i in changed), "a sector is neither old nor new"
EOF
	run umlite ubd0=inst.cow init=/bin/sh -- -c 'md5sum </dev/ubda'
	assert_status 0
	assert_equal "$(md5sum <merged.img | cut -d' ' -f1)  -" "$output"
}
