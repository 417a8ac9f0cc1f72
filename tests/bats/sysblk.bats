#!/usr/bin/env bats
# Block devices in sysfs, as Linux shows UML's ubd disks: /sys/block/ubdX,
# /sys/class/block/ubdX and /sys/dev/block/98:N link to
# /sys/devices/platform/uml-blkdev.N/block/ubdX, whose files (dev, size, ro, range,
# uevent, stat, queue/...) are what lsblk and friends read. Hot-plugged disks appear and
# removed ones vanish. Conditions for wait_until are single-quoted on purpose.
# shellcheck disable=SC2016
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	grep -q '^#define CONFIG_UBD 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_UBD"
	cd "$BATS_TEST_TMPDIR" || return 1
	truncate -s 8M a.img
	truncate -s 3M b.img
	UPID=
}

teardown() {
	if [ -n "$UPID" ]; then
		kill "$UPID" 2>/dev/null || true
		wait "$UPID" 2>/dev/null || true
	fi
}

MNT='mount -t sysfs sysfs /sys 2>/dev/null'

# disks_sh SCRIPT DISK...: run SCRIPT as init with sysfs mounted and the ubd options DISK...
disks_sh() {
	local script=$1
	shift
	umlite "$@" init=/bin/sh -- -c "$MNT; $script"
}

@test "sysblk: two disks, one read-only: links, dev, size, ro, range, uevent" {
	run disks_sh 'ls /sys/block /sys/class/block /sys/dev/block /sys/devices/platform
		for l in /sys/block/ubda /sys/class/block/ubdb /sys/dev/block/98:16; do
			readlink $l; done
		readlink -f /sys/dev/block/98:0
		cd /sys/block/ubdb; readlink device; readlink subsystem; echo $(ls)
		for d in ubda ubdb; do for f in dev size ro range ext_range removable hidden; do
			printf "%s " $(cat /sys/block/$d/$f); done; echo; done
		cat uevent; echo holders: $(ls holders) slaves: $(ls slaves)' \
		ubda="$PWD/a.img" ubdbr="$PWD/b.img"
	assert_status 0
	assert_equal "/sys/block:
ubda  ubdb

/sys/class/block:
ubda  ubdb

/sys/dev/block:
98:0   98:16

/sys/devices/platform:
uml-blkdev.0  uml-blkdev.1
../devices/platform/uml-blkdev.0/block/ubda
../../devices/platform/uml-blkdev.1/block/ubdb
../../devices/platform/uml-blkdev.1/block/ubdb
/sys/devices/platform/uml-blkdev.0/block/ubda
../../../uml-blkdev.1
../../../../../class/block
alignment_offset capability dev device discard_alignment ext_range hidden holders \
inflight queue range removable ro size slaves stat subsystem uevent
98:0 16384 0 16 16 0 0 
98:16 6144 1 16 16 0 0 
MAJOR=98
MINOR=16
DEVNAME=ubdb
DEVTYPE=disk
holders: slaves:" "$output"
}

@test "sysblk: queue/ describes 512-byte sectors, no rotation, no scheduler; stat and /proc/diskstats count I/O" {
	run disks_sh 'cd /sys/block/ubda/queue
		for f in logical_block_size physical_block_size hw_sector_size minimum_io_size \
			optimal_io_size rotational read_ahead_kb discard_granularity nr_requests \
			scheduler; do printf "%s=%s " $f "$(cat $f)"; done; echo
		set -- $(cat ../stat); echo $# $1 $3 $5 $7
		dd if=/dev/ubda of=/dev/null bs=4096 count=2 2>/dev/null
		dd if=/dev/zero of=/dev/ubda bs=512 count=3 seek=1 2>/dev/null; sync
		set -- $(cat ../stat); echo $1 $3 $5 $7
		set -- $(cat /sys/block/ubdb/stat); echo $1 $3 $5 $7
		grep -E " ubd[ab] " /proc/diskstats | while read -r l; do set -- $l
			echo $# $3 $4 $6 $8 ${10}; done' \
		ubda="$PWD/a.img" ubdbr="$PWD/b.img"
	assert_status 0
	local q="logical_block_size=512 physical_block_size=512 hw_sector_size=512"
	q+=" minimum_io_size=512 optimal_io_size=0 rotational=0 read_ahead_kb=128"
	q+=" discard_granularity=0 nr_requests=64 scheduler=[none] "
	assert_equal "$q" "${lines[0]}"
	assert_equal "17 0 0 0 0" "${lines[1]}"
	# Reads happened and 3 sectors were written (at least once each); ubdb was not touched.
	read -r rios rsec wios wsec <<<"${lines[2]}"
	[ "$rios" -gt 0 ] && [ "$rsec" -ge 16 ] && [ "$wios" -gt 0 ] && [ "$wsec" -ge 3 ]
	assert_equal "0 0 0 0" "${lines[3]}"
	# /proc/diskstats (iostat, vmstat -d): Linux's 20 columns, the same counts as stat
	assert_equal "20 ubda $rios $rsec $wios $wsec" "${lines[4]}"
	assert_equal "20 ubdb 0 0 0 0" "${lines[5]}"
}

@test "sysblk: names of no disk are absent: other minors, bad spellings, unknown disks" {
	run disks_sh 'for p in /sys/dev/block/98:1 /sys/dev/block/98:016 \
		/sys/dev/block/098:0 /sys/dev/block/98: /sys/dev/block/98:0:0 /sys/block/ubdc \
		/sys/dev/block/99999999:0 /sys/devices/platform/uml-blkdev.1 \
		/sys/devices/platform/uml-blkdev.00 /sys/devices/platform/uml-blkdev.0/block/ubdb
		do [ -e $p ] && echo "$p exists"; done
		cat /sys/dev/block/98:0/size; ls /sys/devices/virtual/block | wc -w' \
		ubda="$PWD/a.img"
	assert_status 0
	assert_equal "16384
0" "$output"
}

@test "sysblk: a disk hot-plugged through the mconsole appears; removed, it vanishes" {
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_MCONSOLE"
	command -v uml_mconsole >/dev/null || skip "uml-utilities (uml_mconsole) not installed"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	local out=$BATS_TEST_TMPDIR/out i
	truncate -s 2M c.img
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$ROOTFS" "${MODE_ARGS[@]}" \
		umid=sb ubda="$PWD/a.img" init=/bin/sh -- -c "$MNT"'; echo up
		until [ -e /sys/block/ubdc ]; do sleep 0.1; done
		cd /sys/dev/block/98:32; echo PLUGGED $(ls /sys/block) $(cat size ro dev)
		until [ ! -e /sys/block/ubdc ]; do sleep 0.1; done
		cat size 2>/dev/null || echo GONE $(ls /sys/block) $(ls /sys/dev/block)
		sleep 100' >"$out" 2>&1 </dev/null 3>&- &
	UPID=$!
	for ((i = 0; i < 400; i++)); do
		grep -q '^up' "$out" && [ -S "$HOME/.uml/sb/mconsole" ] && break
		sleep 0.05
	done
	run timeout 10 uml_mconsole sb config ubd2r="$PWD/c.img"
	assert_status 0
	for ((i = 0; i < 400; i++)); do
		grep -q PLUGGED "$out" && break
		sleep 0.05
	done
	run timeout 10 uml_mconsole sb remove ubd2
	assert_status 0
	for ((i = 0; i < 400; i++)); do
		grep -q GONE "$out" && break
		sleep 0.05
	done
	assert_contains "$(cat "$out")" "PLUGGED ubda ubdc 4096 1 98:32"
	assert_contains "$(cat "$out")" "GONE ubda 98:0"
}
