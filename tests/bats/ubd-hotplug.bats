#!/usr/bin/env bats
# ubd hot-plug through the management console, driven by the real uml_mconsole:
# `config ubdN=FILE[,BACKING]` adds a disk to a running instance (its /dev node appears in
# the guest's devtmpfs), `config ubdN` names its files, `remove ubdN` takes it away
# (refused while the guest has it open) and closes its host files. UML's error strings.
# Conditions for wait_until are single-quoted on purpose (evaluated at each try).
# shellcheck disable=SC2016,SC2030,SC2031
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_MCONSOLE"
	grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_UBD"
	command -v uml_mconsole >/dev/null || skip "uml-utilities (uml_mconsole) not installed"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	cd "$BATS_TEST_TMPDIR" || return 1
	OUT=$BATS_TEST_TMPDIR/out
	UPID=
}

teardown() {
	if [ -n "$UPID" ]; then
		kill "$UPID" 2>/dev/null || true
		wait "$UPID" 2>/dev/null || true
	fi
}

wait_until() {
	local i
	for ((i = 0; i < 400; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $1; guest output:" >&2
	cat "$OUT" >&2
	return 1
}

# start SCRIPT [OPTION...]: boot instance "hp" in the background running SCRIPT.
start() {
	local script=$1
	shift
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" \
		umid=hp "$@" init=/bin/sh -- -c "$script" >"$OUT" 2>&1 </dev/null 3>&- &
	UPID=$!
	wait_until '[ -S "$HOME/.uml/hp/mconsole" ]'
}

mc() { timeout 10 uml_mconsole hp "$@"; }

# The host files umlite has open, one per line.
open_files() {
	local f
	for f in "/proc/$(cat "$HOME/.uml/hp/pid")"/fd/*; do
		readlink "$f" || true
	done
}

@test "hotplug: config ubd1=FILE adds /dev/ubdb to a running guest; config ubd1 names the file" {
	printf 'HELLO' >disk.img
	truncate -s 1M disk.img
	start 'until [ -b /dev/ubdb ]; do sleep 0.1; done; head -c5 /dev/ubdb; echo
		grep ubd /proc/partitions; sleep 100'
	run mc config ubd1
	assert_equal "OK " "$output"
	run mc config ubd1="$PWD/disk.img"
	assert_status 0
	assert_equal "OK " "$output"
	wait_until 'grep -q ubdb "$OUT"'
	assert_equal "HELLO
  98       16       1024 ubdb" "$(cat "$OUT")"
	run mc config ubd1
	assert_equal "OK $PWD/disk.img" "$output"
	open_files | grep -qx "$PWD/disk.img"
}

@test "hotplug: a hot-added COW device creates its COW file over the backing file" {
	printf 'BACKING' >back.img
	truncate -s 1M back.img
	start 'until [ -b /dev/ubdc ]; do sleep 0.1; done
		printf NEW | dd of=/dev/ubdc conv=notrunc 2>/dev/null; head -c7 /dev/ubdc; echo
		sleep 100'
	run mc config ubd2="$PWD/inst.cow,$PWD/back.img"
	assert_status 0
	wait_until 'grep -q NEWKING "$OUT"'
	run mc config ubdc
	assert_equal "OK $PWD/inst.cow,$PWD/back.img" "$output"
	[ "$(head -c7 back.img)" = BACKING ]
	run mc remove ubd2
	assert_status 0
	uml_moo inst.cow merged.img
	[ "$(head -c7 merged.img)" = NEWKING ]
}

@test "hotplug: remove is refused while the guest has the disk open, then closes its files" {
	truncate -s 1M disk.img
	start 'until [ -b /dev/ubdb ]; do sleep 0.1; done; exec 3</dev/ubdb; echo opened
		sleep 1; exec 3<&-; echo closed
		while [ -e /dev/ubdb ]; do sleep 0.1; done; echo gone; sleep 100' ubd0="$PWD/disk.img"
	run mc config ubd0="$PWD/disk.img"
	assert_equal "ERR Device is already configured" "$output"
	cp disk.img disk2.img
	run mc config ubd1="$PWD/disk2.img"
	assert_status 0
	wait_until 'grep -q opened "$OUT"'
	run mc remove ubd1
	assert_status 1
	assert_equal "ERR Device is currently open" "$output"
	wait_until 'grep -q closed "$OUT"'
	run mc remove ubd1
	assert_status 0
	wait_until 'grep -q gone "$OUT"'
	assert_not_contains "$(open_files)" disk2.img
	run mc remove ubd1
	assert_status 1
	assert_equal "ERR Device doesn't exist" "$output"
	# A device given on the command line can be removed as well.
	run mc remove ubd0
	assert_status 0
	assert_not_contains "$(open_files)" disk.img
	# The unit is free again.
	run mc config ubd1="$PWD/disk2.img"
	assert_status 0
}

@test "hotplug: UML's errors for bad numbers, flags and files; the instance keeps running" {
	start 'sleep 100'
	run mc config ubd16="$PWD/x"
	assert_equal "ERR Device number out of range (0..15 or a..p)" "$output"
	run mc config ubd1q="$PWD/x"
	assert_equal "ERR Expected '=' or flag letter (r, s, c, t or d)" "$output"
	run mc config ubd1d="$PWD/a,$PWD/b"
	assert_equal "ERR Can't specify both 'd' and a cow file" "$output"
	run mc config ubd1="$PWD/missing.img"
	assert_status 1
	assert_equal "ERR ubd1: can't open '$PWD/missing.img': No such file or directory" "$output"
	run mc config ubd99
	assert_equal "ERR ubd_get_config : device number out of range" "$output"
	run mc remove ubd16
	assert_equal "ERR Invalid device number - must be between 0 and 15" "$output"
	run mc remove ubd
	assert_equal "ERR Couldn't parse device number" "$output"
	run mc version
	assert_status 0
}
