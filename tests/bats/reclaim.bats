#!/usr/bin/env bats
# Reclaim of page-cache pages that are mapped, and tmpfs pages on swap, as a user sees
# them: a program maps (shared, and private as a library is) an ext4 file larger than the
# guest's memory and reads it all twice, every byte right, with no OOM kill and the host's
# physmem file under mem=; a shared writable mapping larger than memory is written back
# to the disk; a tmpfs file larger than memory goes to swap and comes back byte for byte,
# rm frees its swap slots and swapoff brings it back; the balloon takes memory held by
# mapped page cache and by tmpfs (which it could not before); a guest ballooned to a
# twentieth of its boot size still forks, maps and writes tmpfs, its memory on swap.
# shellcheck disable=SC2016 # the scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash
load swap_helpers.bash

# ext4_image MIB: fs.img, an ext4 image holding /data (MIB of swap_test's pattern, seed 7).
ext4_image() {
	command -v mke2fs >/dev/null || skip "no mke2fs"
	mkdir -p tree
	"$ROOT/build/tests/guest/swap_test" pattern-file tree/data "$1" 7
	mke2fs -q -F -t ext4 -d tree fs.img 128M
}

# boot_sampled MEM SCRIPT [OPTION...]: boot the test initramfs (swap.img as /dev/ubdb) in
# the background, output in ./out; sample the physmem file until it exits: PEAK (KiB).
boot_sampled() {
	local mem=$1 script=$2 i m
	shift 2
	"$UMLITE" mem="$mem" initrd="$TESTS_CPIO" "${MODE_ARGS[@]}" ubdb=swap.img "$@" \
		init=/bin/sh -- -c "$script" >out 2>&1 &
	UPID=$!
	PEAK=0
	for ((i = 0; i < BOOT_TIMEOUT * 20; i++)); do
		kill -0 "$UPID" 2>/dev/null || break
		m=$(physmem_kb "$UPID" 2>/dev/null) || m=0
		[ "$m" -le "$PEAK" ] || PEAK=$m
		sleep 0.05
	done
	wait "$UPID"
	UPID=
	cat out
}

@test "an ext4 file mapped shared and private, larger than memory, reads right twice without swap or OOM" {
	ext4_image 48
	boot_sampled 32M 'mount -t ext4 /dev/ubdc /mnt || echo MOUNT FAILED
		/tests/swap_test map-read /mnt/data 7
		grep -E "^(pgsteal_direct|oom_kill) " /proc/vmstat' ubdc=fs.img
	echo "peak physmem file $PEAK KiB" >&2
	run cat out
	assert_not_contains "$output" "MOUNT FAILED"
	assert_contains "$output" "SWAPTEST OK"
	assert_not_contains "$output" "Out of memory"
	assert_contains "$output" "oom_kill 0"
	# 96 MiB of views read twice through 32 MiB: most pages were let go and read again.
	[ "$(awk '$1 == "pgsteal_direct" { print $2 }' out)" -gt 12000 ]
	[ "$PEAK" -gt 0 ]
	[ "$PEAK" -le $((32 * 1024)) ]
}

@test "a shared writable mapping larger than memory is written back: read(2) and the disk have every byte" {
	ext4_image 1
	run swap_boot 32M 'mount -t ext4 /dev/ubdc /mnt || echo MOUNT FAILED
		/tests/swap_test map-write /mnt/w 40 9; umount /mnt; echo UMOUNT $?' ubdc=fs.img
	echo "$output"
	assert_contains "$output" "SWAPTEST OK"
	assert_contains "$output" "UMOUNT 0"
	assert_not_contains "$output" "Out of memory"
	command -v debugfs >/dev/null || skip "no debugfs"
	run e2fsck -fn fs.img
	assert_status 0
	debugfs -R "dump /w w.out" fs.img 2>/dev/null
	"$ROOT/build/tests/guest/swap_test" pattern-file ref.bin 40 9
	cmp w.out ref.bin
}

@test "a tmpfs file larger than memory goes to swap and back byte for byte; rm frees its slots; swapoff" {
	run swap_boot 32M 'mkswap /dev/ubdb >/dev/null && swapon /dev/ubdb || echo SWAPON FAILED
		mkdir /t; mount -t tmpfs -o size=100M t /t
		/tests/swap_test pattern-file /t/big 48 5 && echo WRITTEN
		echo USED $(awk "NR == 2 { print \$4 }" /proc/swaps)
		/tests/swap_test map-read /t/big 5
		grep -E "^pswp(in|out) " /proc/vmstat
		rm /t/big; echo FREED $(awk "NR == 2 { print \$4 }" /proc/swaps)
		/tests/swap_test pattern-file /t/a 12 6; /tests/swap_test pattern-file /t/b 8 3
		/tests/swap_test fill 20 >/dev/null; echo SWAPPED $(awk "/^Shmem:/ { print \$2 }" /proc/meminfo)
		swapoff /dev/ubdb; echo SWAPOFF $?
		echo RESIDENT $(awk "/^Shmem:/ { print \$2 }" /proc/meminfo)
		/tests/swap_test map-read /t/b 3'
	echo "$output"
	assert_not_contains "$output" "SWAPON FAILED"
	assert_contains "$output" "WRITTEN"
	[ "$(grep -c "SWAPTEST OK" <<<"$output")" -eq 2 ]
	assert_not_contains "$output" "Out of memory"
	# 48 MiB in 32 MiB: at least 20 MiB of it on swap.
	[ "$(awk '$1 == "USED" { print $2 }' <<<"$output")" -gt 20000 ]
	[ "$(awk '$1 == "pswpin" { print $2 }' <<<"$output")" -gt 5000 ]
	[ "$(awk '$1 == "FREED" { print $2 }' <<<"$output")" -lt 2000 ]
	# 20 MiB of files pushed partly to swap by a program's memory (Shmem counts the part in
	# memory), all back in memory after swapoff.
	[ "$(awk '$1 == "SWAPPED" { print $2 }' <<<"$output")" -lt 16384 ]
	assert_contains "$output" "SWAPOFF 0"
	[ "$(awk '$1 == "RESIDENT" { print $2 }' <<<"$output")" -gt 20480 ]
}

@test "the balloon takes memory held by mapped page cache and tmpfs, and the guest keeps its data" {
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" || skip "no CONFIG_MCONSOLE"
	command -v uml_mconsole >/dev/null || skip "no uml_mconsole"
	ext4_image 48
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	mkfifo ctl
	exec 4<>ctl
	swap_boot 80M 'mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; mount -t ext4 /dev/ubdc /mnt
		mkdir /t; mount -t tmpfs -o size=100M t /t; /tests/swap_test pattern-file /t/a 24 5
		mkfifo /tmp/go; /tests/swap_test map-read /mnt/data 7 hold </tmp/go >/tmp/hold &
		HPID=$!; exec 3>/tmp/go; while ! grep -q HOLDING /tmp/hold; do sleep 0.05; done
		echo LOADED; read x; echo >&3; wait $HPID; cat /tmp/hold
		/tests/swap_test map-read /t/a 5; grep -E "^oom_kill " /proc/vmstat' umid=rcl \
		ubdc=fs.img <ctl >out 2>&1 &
	UPID=$!
	wait_for_output LOADED out
	# Free memory is a few MiB: the rest is the mapped file's pages and the tmpfs file.
	run timeout 10 uml_mconsole rcl config mem=-56M
	echo "$output" >&2
	assert_contains "$output" "OK"
	run timeout 10 uml_mconsole rcl config mem
	assert_contains "$output" "OK 23M"
	echo >&4
	wait "$UPID"
	UPID=
	cat out >&2
	[ "$(grep -c "SWAPTEST OK" out)" -eq 2 ]
	grep -q "oom_kill 0" out
	run ! grep -q "Out of memory" out
}

@test "a guest ballooned far below its boot mem= still forks, maps and fills tmpfs, its memory on swap" {
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" || skip "no CONFIG_MCONSOLE"
	command -v uml_mconsole >/dev/null || skip "no uml_mconsole"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	mkfifo ctl
	exec 4<>ctl
	# Booted with 512M, the kernel keeps 4 MiB free for itself that guest requests never
	# take; at 25M, a process holding 40 MiB leaves the rest at that reserve unless the
	# kernel reclaims before it, and fork, mmap and tmpfs writes failed (ENOMEM, ENOSPC).
	swap_boot 512M 'mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; echo LOADED; read x
		mkfifo /tmp/go; /tests/swap_test hold 40 </tmp/go >/tmp/hold & HPID=$!
		exec 3>/tmp/go; while ! grep -q HOLDING /tmp/hold; do sleep 0.05; done
		sh -c "echo FORKED"
		/tests/swap_test pattern-file /tmp/x 8 3 && /tests/swap_test map-read /tmp/x 3
		echo >&3; wait $HPID; cat /tmp/hold; grep -E "^oom_kill " /proc/vmstat' \
		umid=rsv <ctl >out 2>&1 &
	UPID=$!
	wait_for_output LOADED out
	run timeout 10 uml_mconsole rsv config mem=-480M
	assert_contains "$output" "OK"
	echo >&4
	wait "$UPID"
	UPID=
	cat out >&2
	grep -q FORKED out
	[ "$(grep -c "SWAPTEST OK" out)" -eq 2 ]
	grep -q "oom_kill 0" out
	run ! grep -qE "Out of memory|No space left|Cannot allocate" out
}
