#!/usr/bin/env bats
# Extended attributes on an ext4 root: what the guest sets reaches the image as e2fsprogs
# sees it (debugfs ea_list, e2fsck -fn), and survives a reboot.
bats_require_minimum_version 1.5.0
load helpers.bash

IMAGE=${IMAGE:-$ROOT/build/test.ext4}

setup() {
	grep -q '^#define CONFIG_EXT4 1' "$ROOT/build/autoconf.h" &&
		grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_EXT4 or CONFIG_UBD"
	[ -f "$IMAGE" ] || skip "$IMAGE not built (make test builds it)"
	cd "$BATS_TEST_TMPDIR" || return 1
	cp --sparse=always "$IMAGE" disk.ext4
}

boot() {
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M "${MODE_ARGS[@]}" \
		ubd0=disk.ext4 root=/dev/ubda "$@"
}

@test "xattrs set on an ext4 root are on the disk, fsck-clean, and read back after a reboot" {
	run boot init=/tests/xattr_test -- set /xattr-file
	assert_status 0
	run debugfs -R "ea_list /xattr-file" disk.ext4
	assert_contains "$output" 'user.kept (5) = "value"'
	assert_contains "$output" 'trusted.t (2) = "tv"'
	assert_contains "$output" 'user.big (3000)'
	run e2fsck -fn disk.ext4
	assert_status 0
	run boot init=/tests/xattr_test -- check /xattr-file
	assert_status 0
}
