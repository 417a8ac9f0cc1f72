#!/usr/bin/env bats
# Inode flags on an ext4 root (chattr +i / +a): set in one boot, they are on the disk
# (debugfs sees them, e2fsck -fn is clean) and enforced in the next boot. busybox has no
# chattr or lsattr, so the test disk's /tests/iflags_tool plays them.
# shellcheck disable=SC2016 # the single-quoted scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash

IMAGE=${IMAGE:-$ROOT/build/test.ext4}
TOOL=/tests/iflags_tool

setup() {
	grep -q '^#define CONFIG_EXT4 1' "$ROOT/build/autoconf.h" &&
		grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_EXT4 or CONFIG_UBD"
	[ -f "$IMAGE" ] || skip "$IMAGE not built (make test builds it)"
	cd "$BATS_TEST_TMPDIR" || return 1
	cp --sparse=always "$IMAGE" disk.ext4
}

# boot_sh SCRIPT: run SCRIPT with the disk's /bin/sh as init, disk.ext4 as the root.
boot_sh() {
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M "${MODE_ARGS[@]}" \
		ubd0=disk.ext4 root=/dev/ubda init=/bin/sh -- -c "$1"
}

fsck_clean() { # IMAGE
	run e2fsck -fn "$1"
	if [ "$status" -ne 0 ]; then
		echo "$output" >&2
		return 1
	fi
}

@test "chattr +i and +a reach the disk and are enforced after a reboot" {
	run boot_sh "mkdir /keep && echo kept >/keep/f && echo log >/keep/log &&
		$TOOL chattr +i /keep/f && $TOOL chattr +a /keep/log &&
		$TOOL lsattr /keep/f /keep/log; poweroff -f"
	assert_status 0
	assert_contains "$output" "-i---e /keep/f"
	assert_contains "$output" "--a--e /keep/log"
	# 0x10 immutable, 0x20 append-only (0x80000: extents, ext4's own).
	assert_contains "$(debugfs -R 'stat /keep/f' disk.ext4 2>/dev/null)" "Flags: 0x80010"
	assert_contains "$(debugfs -R 'stat /keep/log' disk.ext4 2>/dev/null)" "Flags: 0x80020"
	fsck_clean disk.ext4

	run boot_sh "$TOOL lsattr /keep/f /keep/log; echo x >/keep/f || echo refused;
		rm -f /keep/f || echo kept; echo more >>/keep/log && echo appended;
		echo over >/keep/log || echo not truncated; cat /keep/f /keep/log;
		$TOOL chattr -i /keep/f && rm /keep/f && echo removed; poweroff -f"
	assert_status 0
	assert_contains "$output" "-i---e /keep/f"
	assert_contains "$output" "can't create /keep/f: Operation not permitted"
	assert_contains "$output" "refused"
	assert_contains "$output" "can't remove '/keep/f': Operation not permitted"
	assert_contains "$output" "appended"
	assert_contains "$output" "not truncated"
	assert_contains "$output" "kept
log
more
removed"
	assert_equal "log
more" "$(debugfs -R 'cat /keep/log' disk.ext4 2>/dev/null)"
	fsck_clean disk.ext4
}

@test "an unprivileged owner sets nodump but not immutable; a pipe has no flags" {
	run boot_sh "echo x >/tmp/f && chown 65534 /tmp/f &&
		su -s /bin/sh nobody -c '$TOOL chattr +d /tmp/f; $TOOL chattr +i /tmp/f';
		$TOOL lsattr /tmp/f; echo | $TOOL lsattr /dev/stdin; poweroff -f"
	assert_status 0
	assert_contains "$output" "chattr /tmp/f: Operation not permitted"
	assert_contains "$output" "---d-e /tmp/f"
	assert_contains "$output" "lsattr /dev/stdin: Inappropriate ioctl for device"
}
