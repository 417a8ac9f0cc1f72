#!/usr/bin/env bats
# um-lite needs no privileges: an ordinary user boots an instance and runs commands.
bats_require_minimum_version 1.5.0
load helpers.bash

setup_file() {
	if [ "$(id -u)" != 0 ]; then
		export AS_USER=""
		return 0
	fi
	id umlite-test >/dev/null 2>&1 || useradd -M -s /bin/sh umlite-test
	export AS_USER=umlite-test
	# A copy the user can read, wherever the checkout lives.
	export UDIR=$BATS_FILE_TMPDIR/u
	mkdir -p "$UDIR"
	cp "$UMLITE" "$ROOTFS" "$UDIR/"
	chmod 755 "$BATS_FILE_TMPDIR" "$UDIR"
	chmod 644 "$UDIR/rootfs.cpio"
}

as_user() {
	if [ -n "$AS_USER" ]; then
		runuser -u "$AS_USER" -- env -i PATH=/usr/bin:/bin HOME=/tmp "$@"
	else
		"$@"
	fi
}

@test "an ordinary user boots an instance: echo hi; exit 7" {
	cd "$UDIR"
	run --separate-stderr as_user timeout 60 ./umlite mem=128M initrd=rootfs.cpio "${MODE_ARGS[@]}" init=/bin/sh -- -c 'echo hi; exit 7'
	assert_status 7
	assert_equal "hi" "$output"
}

@test "the user is root inside the instance and nobody outside" {
	cd "$UDIR"
	run as_user timeout 60 ./umlite mem=128M initrd=rootfs.cpio "${MODE_ARGS[@]}" init=/bin/sh -- -c 'id -u; touch /root/x && echo wrote'
	assert_status 0
	assert_equal "0
wrote" "$output"
}

@test "an unprivileged guest user cannot write root's files" {
	cd "$UDIR"
	run as_user timeout 60 ./umlite mem=128M initrd=rootfs.cpio "${MODE_ARGS[@]}" init=/bin/sh -- -c \
		'su -s /bin/sh nobody -c "touch /root/y" 2>/dev/null || echo denied; test -e /root/y || echo absent'
	assert_equal "denied
absent" "$output"
}
