#!/usr/bin/env bats
# ext2/3/4 disks: booting from an ext4 image (root=/dev/ubda), what the guest writes
# reaching the image as e2fsprogs sees it (debugfs, e2fsck -fn as the judges), clean
# halts, read-only roots, mounting more disks in the guest, and clear errors for bad
# images and devices.
# shellcheck disable=SC2016 # the single-quoted scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash

IMAGE=${IMAGE:-$ROOT/build/rootfs.ext4}

setup() {
	grep -q '^#define CONFIG_EXT4 1' "$ROOT/build/autoconf.h" &&
		grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_EXT4 or CONFIG_UBD"
	[ -f "$IMAGE" ] || skip "$IMAGE not built (make test builds it)"
	cd "$BATS_TEST_TMPDIR" || return 1
	cp --sparse=always "$IMAGE" disk.ext4
}

teardown() {
	[ -z "${pid:-}" ] || kill -KILL "$pid" 2>/dev/null || true
}

# boot ARGS...: boot with disk.ext4 as the root (plus ARGS).
boot() {
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M "${MODE_ARGS[@]}" \
		ubd0=disk.ext4 root=/dev/ubda "$@"
}

# boot_sh SCRIPT [ARGS...]: run SCRIPT with the disk's /bin/sh as init.
boot_sh() {
	local script=$1
	shift
	boot "$@" init=/bin/sh -- -c "$script"
}

fsck_clean() { # IMAGE
	run e2fsck -fn "$1"
	if [ "$status" -ne 0 ]; then
		echo "$output" >&2
		return 1
	fi
}

debugfs_cat() { # IMAGE PATH
	debugfs -R "cat $2" "$1" 2>/dev/null
}

@test "the busybox workload on an ext4 root prints what it prints natively" {
	script=$BATS_TEST_DIRNAME/busybox-script.sh
	mkdir native
	native=$(PATH=$(busybox_path) busybox sh -s "$PWD/native" <"$script" 2>&1)
	run boot init=/bin/sh -- -c 'mkdir -p /w && cat | sh -s /w 2>&1' <"$script"
	assert_status 0
	if [ "$output" != "$native" ]; then
		diff <(echo "$native") <(echo "$output") >&2 || true
		return 1
	fi
	fsck_clean disk.ext4
}

@test "a write-heavy workload leaves the same files as natively and e2fsck clean" {
	script=$BATS_TEST_DIRNAME/ext4-workload.sh
	mkdir native
	native=$(PATH=$(busybox_path) busybox sh -s "$PWD/native" <"$script" 2>&1)
	assert_contains "$native" "== manifest"
	run boot init=/bin/sh -- -c 'mkdir -p /w && cat | sh -s /w 2>&1' <"$script"
	assert_status 0
	if [ "$output" != "$native" ]; then
		diff <(echo "$native") <(echo "$output") >&2 || true
		return 1
	fi
	fsck_clean disk.ext4
	assert_equal "overwritten" "$(debugfs_cat disk.ext4 /w/big | dd bs=1 skip=5000000 count=11 2>/dev/null)"
}

@test "files written in the guest are there after a reboot and in the image" {
	run boot_sh 'echo "first boot" >/root/note; mkdir -p /data/sub; echo deep >/data/sub/f;
		ln -s /root/note /data/link; poweroff -f'
	assert_status 0
	run boot_sh 'cat /root/note /data/link /data/sub/f; ls -l /data/link | cut -c1'
	assert_status 0
	assert_equal "first boot
first boot
deep
l" "$output"
	assert_equal "first boot" "$(debugfs_cat disk.ext4 /root/note)"
	assert_equal "deep" "$(debugfs_cat disk.ext4 /data/sub/f)"
	fsck_clean disk.ext4
}

@test "links, devices and FIFOs are stored the way e2fsprogs reads them" {
	long=$(printf 'l%.0s' $(seq 1 100))
	run boot_sh "cd /root && echo h >file && ln file hard && ln -s file fast &&
		ln -s $long slow && mknod chr c 1 3 && mknod blk b 98 16 && mkfifo fifo &&
		chown 1234:567 file && chmod 640 file"
	assert_status 0
	run debugfs -R "stat /root/file" disk.ext4
	assert_contains "$output" "Links: 2"
	assert_contains "$output" "User:  1234   Group:   567"
	assert_contains "$output" "Mode:  0640"
	run debugfs -R "stat /root/slow" disk.ext4
	assert_contains "$output" "Type: symlink"
	assert_equal "$long" "$(debugfs -R 'cat /root/slow' disk.ext4 2>/dev/null)"
	run debugfs -R "ls -l /root" disk.ext4
	assert_contains "$output" "20644"
	run debugfs -R "stat /root/blk" disk.ext4
	assert_contains "$output" "Device major/minor number: 98:16"
	fsck_clean disk.ext4
}

@test "owners and modes come from the image" {
	printf 'secret\n' >secret
	debugfs -w -R "write secret /root/secret" disk.ext4 >/dev/null 2>&1
	debugfs -w -R "sif /root/secret uid 4321" disk.ext4 >/dev/null 2>&1
	debugfs -w -R "sif /root/secret mode 0100600" disk.ext4 >/dev/null 2>&1
	debugfs -w -R "sif /root mode 040755" disk.ext4 >/dev/null 2>&1
	run boot_sh 'ls -ln /root/secret | cut -d" " -f1,5-6; cat /root/secret;
		su nobody -s /bin/sh -c "cat /root/secret" 2>&1 || echo denied'
	assert_status 0
	assert_contains "$output" "-rw-------"
	assert_contains "$output" "4321"
	assert_contains "$output" "secret"
	assert_contains "$output" "denied"
}

@test "a static program stored on the ext4 disk runs" {
	printf '#include <stdio.h>\nint main(void){puts("static ok");return 3;}\n' >hello.c
	gcc -static -O2 -o hello hello.c
	debugfs -w -R "write hello /bin/hello" disk.ext4 >/dev/null 2>&1
	debugfs -w -R "sif /bin/hello mode 0100755" disk.ext4 >/dev/null 2>&1
	run boot init=/bin/hello
	assert_status 3
	assert_contains "$output" "static ok"
}

# start_bg SCRIPT: boot disk.ext4 in the background running SCRIPT; $pid is umlite's.
start_bg() {
	"$UMLITE" mem=128M "${MODE_ARGS[@]}" ubd0=disk.ext4 root=/dev/ubda \
		init=/bin/sh -- -c "$1" >out 2>&1 &
	pid=$!
}

@test "a clean halt after SIGTERM from the host leaves the image clean" {
	start_bg 'echo term >/root/t; echo ready; sleep 30'
	for _ in $(seq 50); do grep -q ready out && break; sleep 0.1; done
	kill -TERM $pid
	for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -0 $pid 2>/dev/null && { echo "umlite did not halt on SIGTERM" >&2; return 1; }
	wait $pid || true
	assert_equal "term" "$(debugfs_cat disk.ext4 /root/t)"
	run dumpe2fs -h disk.ext4
	assert_contains "$output" "Filesystem state:         clean"
	fsck_clean disk.ext4
}

@test "after sync, data survive the instance being killed" {
	start_bg 'dd if=/dev/zero of=/root/z bs=64k count=40 2>/dev/null; echo kept >/root/k;
		sync; echo synced; sleep 30'
	for _ in $(seq 100); do grep -q synced out && break; sleep 0.1; done
	kill -KILL $pid
	wait $pid || true
	assert_equal "kept" "$(debugfs_cat disk.ext4 /root/k)"
	assert_equal 2621440 "$(debugfs_cat disk.ext4 /root/z | wc -c)"
	fsck_clean disk.ext4
	run boot_sh 'cat /root/k'
	assert_status 0
	assert_contains "$output" "not cleanly unmounted"
	assert_contains "$output" "kept"
}

@test "a read-only root refuses writes, leaves the image as it was, and remounts rw" {
	sum=$(md5sum <disk.ext4)
	run boot_sh 'touch /x 2>&1; grep " / " /proc/mounts; cat /etc/hostname' ro
	assert_status 0
	assert_contains "$output" "Read-only file system"
	assert_contains "$output" "/dev/ubda / ext4 ro"
	assert_contains "$output" "umlite"
	assert_equal "$sum" "$(md5sum <disk.ext4)"
	run boot_sh 'mount -o remount,rw / && echo now >/rw && mount -o remount,ro / &&
		grep " / " /proc/mounts && touch /x 2>&1; cat /rw' ro
	assert_status 0
	assert_contains "$output" "/dev/ubda / ext4 ro"
	assert_contains "$output" "Read-only file system"
	assert_contains "$output" "now"
	assert_equal "now" "$(debugfs_cat disk.ext4 /rw)"
	fsck_clean disk.ext4
}

@test "the guest mounts an ext2 disk with 1 KiB blocks and an ext3 disk" {
	mke2fs -q -F -t ext2 -b 1024 two.img 8M
	mke2fs -q -F -t ext3 three.img 16M
	run boot_sh 'mkdir -p /mnt/2 /mnt/3 && mount -t ext2 /dev/ubdb /mnt/2 &&
		mount /dev/ubdc /mnt/3 && seq 1 20000 >/mnt/2/seq && cp /mnt/2/seq /mnt/3/ &&
		mkdir /mnt/3/d && grep ubd /proc/mounts && df /mnt/2 | tail -1 | cut -c1-9 &&
		umount /mnt/2 && umount /mnt/3 && mount -t ext2 /dev/ubdb /mnt/2 && md5sum </mnt/2/seq' \
		ubd1=two.img ubd2=three.img
	assert_status 0
	assert_contains "$output" "/dev/ubdb /mnt/2 ext2 rw"
	assert_contains "$output" "/dev/ubdc /mnt/3 ext3 rw"
	assert_contains "$output" "$(seq 1 20000 | md5sum | cut -d' ' -f1)"
	fsck_clean two.img
	fsck_clean three.img
	assert_equal "$(seq 1 20000)" "$(debugfs_cat three.img /seq)"
}

@test "an indexed (htree) directory is read, grown and shrunk, and stays indexed" {
	mkdir -p tree/big
	(cd tree/big && seq -f 'file_%g' 1 1500 | xargs touch && echo 1499 >file_1499 &&
		echo 1000 >file_1000)
	mke2fs -q -F -t ext4 -d tree ht.img 32M
	e2fsck -fyD ht.img >/dev/null 2>&1 || true
	run debugfs -R "htree /big" ht.img
	assert_contains "$output" "Root node dump"
	run boot_sh 'mount /dev/ubdb /mnt && cd /mnt/big && ls | wc -l && cat file_1499 &&
		i=0; while [ $i -lt 500 ]; do echo n >new_$i; i=$((i + 1)); done;
		rm file_1?? file_1?; ls | wc -l; cat new_377 file_1000; cd / && umount /mnt' ubd1=ht.img
	assert_status 0
	assert_equal "1500
1499
1890
n
1000" "$output"
	fsck_clean ht.img
	run debugfs -R "htree /big" ht.img
	assert_contains "$output" "Root node dump"
}

@test "a file larger than 4 GiB reaches the image with its size" {
	run boot_sh 'printf tail | dd of=/root/huge bs=1 seek=5000000000 2>/dev/null; ls -l /root/huge'
	assert_status 0
	assert_contains "$output" "5000000004"
	run debugfs -R "stat /root/huge" disk.ext4
	assert_contains "$output" "Size: 5000000004"
	fsck_clean disk.ext4
}

@test "a corrupt or truncated image is refused with a clear message" {
	cp disk.ext4 bad.ext4
	dd if=/dev/zero of=bad.ext4 bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
	run timeout 30 "$UMLITE" mem=64M ubd0=bad.ext4 root=/dev/ubda init=/bin/sh
	assert_status 1
	assert_contains "$output" "not an ext2/3/4 filesystem"
	assert_not_contains "$output" "panic"
	cp disk.ext4 short.ext4
	truncate -s 16M short.ext4
	run timeout 30 "$UMLITE" mem=64M ubd0=short.ext4 root=/dev/ubda init=/bin/sh
	assert_status 1
	assert_contains "$output" "larger than the device"
	assert_not_contains "$output" "panic"
}

@test "a corrupt directory gives errors to the guest, not a crash" {
	blk=$(debugfs -R "blocks /etc" disk.ext4 2>/dev/null | tr -d ' \n')
	[ -n "$blk" ]
	head -c 4096 /dev/urandom | dd of=disk.ext4 bs=4096 seek="$blk" conv=notrunc 2>/dev/null
	run boot_sh 'ls /etc >/dev/null 2>&1; cat /etc/passwd 2>&1 | head -1; echo still alive'
	assert_status 0
	assert_contains "$output" "Input/output error"
	assert_contains "$output" "still alive"
	assert_not_contains "$output" "panic"
}

@test "root= names a missing device or an unknown type: a clear error" {
	run timeout 30 "$UMLITE" mem=64M ubd0=disk.ext4 root=/dev/ubdc init=/bin/sh
	assert_status 1
	assert_contains "$output" "root=/dev/ubdc: no such block device"
	run timeout 30 "$UMLITE" mem=64M ubd0=disk.ext4 root=/dev/ubda rootfstype=xfs init=/bin/sh
	assert_status 1
	assert_contains "$output" "rootfstype=xfs: unknown filesystem type"
	run timeout 30 "$UMLITE" mem=64M ubd0=disk.ext4 root=98:0 init=/bin/sh -- -c 'echo by number'
	assert_status 0
	assert_contains "$output" "by number"
}
