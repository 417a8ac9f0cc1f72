#!/usr/bin/env bats
# Swap, reclaim and the OOM killer, as a user sees them: busybox mkswap/swapon/swapoff on a
# second ubd device and on a swap file of an ext4 ubd (with Linux's refusals), a program
# that uses more memory than mem= and checks every byte of it (tests/guest/swap_test.c),
# /proc/swaps, free, /proc/vmstat and /proc/meminfo, swapoff bringing pages back (or
# refusing with ENOMEM), the ext4 page cache given up under drop_caches and pressure, the
# OOM killer's choice and message, and the balloon taking memory that is in use when there
# is swap to put it in.
# shellcheck disable=SC2016 # the scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash
load swap_helpers.bash

# A swap_test hold MIB in the background, reading its go-ahead from /tmp/go (fd 3).
HOLD='mkfifo /tmp/go; /tests/swap_test hold $HOLD_MIB </tmp/go >/tmp/hold & HPID=$!
exec 3>/tmp/go; while ! grep -q HOLDING /tmp/hold; do sleep 0.05; done'

@test "more memory than mem= through swap on a ubd device: every byte kept; swaps, free, vmstat; swapoff" {
	run swap_boot 32M 'mkswap /dev/ubdb >/dev/null && swapon /dev/ubdb || echo SWAPON FAILED
		cat /proc/swaps; free; HOLD_MIB=16; '"$HOLD"'
		/tests/swap_test fill 24
		grep -E "^(pswpin|pswpout|pgscan_direct|pgsteal_direct) " /proc/vmstat
		grep -E "^Swap(Total|Free):" /proc/meminfo
		echo USED $(awk "NR == 2 { print \$4 }" /proc/swaps)
		swapoff /dev/ubdb; echo SWAPOFF $?
		echo AFTER; cat /proc/swaps; free; grep -E "^pswpin " /proc/vmstat
		echo >&3; wait $HPID; cat /tmp/hold'
	echo "$output"
	assert_status 0
	assert_not_contains "$output" "SWAPON FAILED"
	# Linux's /proc/swaps: 256 MiB less the header page, first area priority -2.
	assert_contains "$output" "/dev/ubdb                               partition	262140		0		-2"
	[[ "$output" =~ Swap:\ +262140\ +0\ +262140 ]]
	# Both the forking filler and the process whose memory was pushed out kept every byte.
	[ "$(grep -c "SWAPTEST OK" <<<"$output")" -eq 2 ]
	assert_not_contains "$output" "SWAPTEST BAD"
	out=$(awk '$1 == "pswpout" { print $2 }' <<<"$output")
	in=$(awk '$1 == "pswpin" { print $2; exit }' <<<"$output")
	# 64 MiB of anonymous memory (16 held, 24 filled and shared by fork, 24 rewritten by
	# the child) in 32 MiB of which the kernel and initramfs hold some: over 24 MiB must go out.
	[ "$out" -gt 6144 ]
	[ "$in" -gt 3000 ]
	steal=$(awk '$1 == "pgsteal_direct" { print $2 }' <<<"$output")
	[ "$steal" -gt 6144 ]
	[ "$(awk '$1 == "pgscan_direct" { print $2 }' <<<"$output")" -ge "$steal" ]
	used=$(awk '$1 == "USED" { print $2 }' <<<"$output")
	[ "$used" -gt 1000 ] # the held process is partly on swap ...
	assert_contains "$output" "SWAPOFF 0" # ... and swapoff brings it back
	after=${output#*AFTER}
	assert_not_contains "$after" "/dev/ubdb"
	[[ "$after" =~ Swap:\ +0\ +0\ +0 ]]
	[ "$(awk '$1 == "pswpin" { print $2 }' <<<"$after")" -gt "$in" ]
}

@test "mremap moves a mapping whose pages are out on swap, and every byte comes back" {
	run swap_boot 32M 'mkswap /dev/ubdb >/dev/null && swapon /dev/ubdb || echo SWAPON FAILED
		HOLD_MIB=16; '"${HOLD/swap_test hold/swap_test hold-remap}"'
		/tests/swap_test fill 24
		echo USED $(awk "NR == 2 { print \$4 }" /proc/swaps)
		echo >&3; wait $HPID; echo HOLD_STATUS $?; cat /tmp/hold
		echo LEFT $(awk "NR == 2 { print \$4 }" /proc/swaps)'
	echo "$output"
	assert_not_contains "$output" "SWAPON FAILED"
	[ "$(awk '$1 == "USED" { print $2 }' <<<"$output")" -gt 1000 ] # moved while on swap
	assert_contains "$output" "MOVED"
	assert_contains "$output" "HOLD_STATUS 0"
	[ "$(grep -c "SWAPTEST OK" <<<"$output")" -eq 2 ]
	# The moved entries were freed when the process exited: what is left on swap is a few
	# pages of the shell, not the 16 MiB that moved.
	[ "$(awk '$1 == "LEFT" { print $2 }' <<<"$output")" -lt 1000 ]
}

@test "swapon refuses a device without a swap signature (EINVAL) and one already on (EBUSY)" {
	run swap_boot 48M 'swapon /dev/ubdb; echo RC1 $?
		mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; echo RC2 $?
		swapon /dev/ubdb; echo RC3 $?; swapoff /dev/ubdb; echo RC4 $?
		swapoff /dev/ubdb; echo RC5 $?; cat /proc/swaps'
	echo "$output"
	assert_contains "$output" "swapon: /dev/ubdb: Invalid argument"
	assert_contains "$output" "Unable to find swap-space signature"
	assert_contains "$output" "RC1 1"
	assert_contains "$output" "RC2 0"
	assert_contains "$output" "swapon: /dev/ubdb: Device or resource busy"
	assert_contains "$output" "RC4 0"
	assert_contains "$output" "swapoff: /dev/ubdb: Invalid argument"
	[ "$(tail -n1 <<<"$output")" = "$(printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority')" ]
}

@test "a swap file on ext4 (dd, mkswap, swapon): every byte kept, /proc/swaps, swapoff, fsck" {
	command -v mke2fs >/dev/null || skip "no mke2fs"
	mke2fs -q -F -t ext4 -b 4096 fs.img 128M
	run swap_boot 32M 'mount -t ext4 /dev/ubdc /mnt || echo MOUNT FAILED
		dd if=/dev/zero of=/mnt/swapfile bs=1M count=64 2>/dev/null; chmod 600 /mnt/swapfile
		mkswap /mnt/swapfile >/dev/null && swapon /mnt/swapfile || echo SWAPON FAILED
		cat /proc/swaps; dmesg | grep "swap on"; HOLD_MIB=16; '"$HOLD"'
		/tests/swap_test fill 24
		grep -E "^(pswpin|pswpout) " /proc/vmstat; grep -E "^SwapTotal:" /proc/meminfo
		echo USED $(awk "NR == 2 { print \$4 }" /proc/swaps)
		swapoff /mnt/swapfile; echo SWAPOFF $?
		echo AFTER; cat /proc/swaps; free
		echo >&3; wait $HPID; cat /tmp/hold; umount /mnt; echo UMOUNT $?' ubdc=fs.img
	echo "$output"
	assert_status 0
	assert_not_contains "$output" "MOUNT FAILED"
	assert_not_contains "$output" "SWAPON FAILED"
	# Linux's /proc/swaps line of a file: 64 MiB less the header page, type "file\t".
	assert_contains "$output" "/mnt/swapfile                           file		65532		0		-2"
	assert_contains "$output" "Adding 65532k swap on /mnt/swapfile.  Priority:-2 extents:"
	assert_contains "$output" "SwapTotal:         65532 kB"
	[ "$(grep -c "SWAPTEST OK" <<<"$output")" -eq 2 ]
	assert_not_contains "$output" "SWAPTEST BAD"
	[ "$(awk '$1 == "pswpout" { print $2 }' <<<"$output")" -gt 6144 ]
	[ "$(awk '$1 == "USED" { print $2 }' <<<"$output")" -gt 1000 ]
	assert_contains "$output" "SWAPOFF 0"
	after=${output#*AFTER}
	assert_not_contains "$after" "/mnt/swapfile"
	[[ "$after" =~ Swap:\ +0\ +0\ +0 ]]
	assert_contains "$output" "UMOUNT 0"
	# Swap wrote the file's blocks behind ext4's back: the filesystem is still consistent.
	run e2fsck -fn fs.img
	echo "$output"
	assert_status 0
}

@test "swap files: holes and tmpfs refused; an active one is not written, removed or unmounted" {
	# ... and a halt with it on (pages on it) leaves ext4 clean.
	command -v mke2fs >/dev/null || skip "no mke2fs"
	mke2fs -q -F -t ext4 -b 4096 fs.img 64M
	run swap_boot 32M 'mount -t ext4 /dev/ubdc /mnt || echo MOUNT FAILED
		truncate -s 8M /mnt/holes; mkswap /mnt/holes >/dev/null; /tests/swap_test swapon /mnt/holes
		dd if=/dev/zero of=/tmp/sw bs=1M count=4 2>/dev/null; mkswap /tmp/sw >/dev/null
		/tests/swap_test swapon /tmp/sw
		dd if=/dev/zero of=/mnt/swapfile bs=1M count=48 2>/dev/null; mkswap /mnt/swapfile >/dev/null
		swapon /mnt/swapfile; echo SWAPON $?
		swapon /mnt/swapfile; echo AGAIN $?
		echo x >>/mnt/swapfile; echo APPEND $?
		truncate -s 0 /mnt/swapfile; echo TRUNCATE $?
		rm /mnt/swapfile; echo RM $?; /tests/swap_test map-shared /mnt/swapfile
		umount /mnt; echo UMOUNT $?
		mount -o remount,ro /mnt; echo REMOUNT $?
		HOLD_MIB=24; '"$HOLD"'; /tests/swap_test fill 12
		echo x >/mnt/other; echo OTHER $?
		echo USED $(awk "NR == 2 { print \$4 }" /proc/swaps)' ubdc=fs.img
	echo "$output"
	assert_not_contains "$output" "MOUNT FAILED"
	# Linux 6.1: ext4 maps swap files with iomap, tmpfs has no bmap.
	assert_contains "$output" "swapon: file /mnt/holes has unallocated extents"
	assert_contains "$output" "swapon: swapfile has holes"
	[ "$(grep -c "SWAPON Invalid argument" <<<"$output")" -eq 2 ]
	assert_contains "$output" "SWAPON 0"
	assert_contains "$output" "swapon: /mnt/swapfile: Device or resource busy"
	assert_contains "$output" "AGAIN 1"
	assert_contains "$output" "write error: Text file busy"
	assert_contains "$output" "APPEND 1"
	assert_contains "$output" "TRUNCATE 1"
	assert_contains "$output" "can't remove '/mnt/swapfile': Operation not permitted"
	assert_contains "$output" "MAP Text file busy"
	assert_contains "$output" "umount: can't unmount /mnt: Device or resource busy"
	assert_contains "$output" "REMOUNT 255"
	assert_contains "$output" "SWAPTEST OK"
	assert_contains "$output" "OTHER 0"
	[ "$(awk '$1 == "USED" { print $2 }' <<<"$output")" -gt 1000 ]
	# The system halted with the swap file on (and pages on it): ext4 written back clean.
	run e2fsck -fn fs.img
	echo "$output"
	assert_status 0
}

@test "swapoff fails with ENOMEM when what is swapped out cannot fit in memory" {
	run swap_boot 32M 'mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; HOLD_MIB=36; '"$HOLD"'
		swapoff /dev/ubdb; echo SWAPOFF $?; grep -c ubdb /proc/swaps
		echo >&3; wait $HPID; cat /tmp/hold'
	echo "$output"
	assert_contains "$output" "swapoff: /dev/ubdb: Cannot allocate memory"
	assert_contains "$output" "SWAPOFF 1"
	assert_contains "$output" "SWAPTEST OK"
}

@test "without swap the OOM killer kills the largest process, logs it as Linux, and the rest runs on" {
	run swap_boot 48M 'HOLD_MIB=36; '"$HOLD"'; echo HOLD_PID $HPID
		/tests/swap_test fill 12; wait $HPID; echo HOLD_STATUS $?
		grep -E "^oom_kill " /proc/vmstat'
	echo "$output"
	pid=$(awk '$1 == "HOLD_PID" { print $2 }' <<<"$output")
	[[ "$output" =~ "Out of memory: Killed process $pid (swap_test) total-vm:"[0-9]+"kB, anon-rss:"[0-9]{5}"kB, file-rss:"[0-9]+"kB, shmem-rss:0kB, UID:0" ]]
	assert_contains "$output" "invoked oom-killer"
	assert_contains "$output" "SWAPTEST OK" # the smaller process that ran out lived
	assert_contains "$output" "HOLD_STATUS 137"
	assert_contains "$output" "oom_kill 1"
}

@test "drop_caches and memory pressure give back the ext4 page cache" {
	command -v mke2fs >/dev/null || skip "no mke2fs"
	mkdir tree
	head -c 20M /dev/urandom >tree/data # under half of mem=, the most the cache may take
	mke2fs -q -F -t ext4 -d tree fs.img 64M
	run swap_boot 48M 'mount -t ext4 /dev/ubdc /mnt || echo MOUNT FAILED
		cached() { echo "$1" $(awk "/^Cached:/ { print \$2 }" /proc/meminfo); }
		cat /mnt/data >/dev/null; cached READ1
		echo 1 >/proc/sys/vm/drop_caches; cached DROPPED
		md5sum /mnt/data >/dev/null; cached READ2
		/tests/swap_test fill 16; cached PRESSED; md5sum /mnt/data' ubdc=fs.img
	echo "$output"
	assert_not_contains "$output" "MOUNT FAILED"
	[ "$(awk '$1 == "READ1" { print $2 }' <<<"$output")" -gt 20000 ]
	[ "$(awk '$1 == "DROPPED" { print $2 }' <<<"$output")" -lt 2000 ]
	[ "$(awk '$1 == "READ2" { print $2 }' <<<"$output")" -gt 20000 ]
	[ "$(awk '$1 == "PRESSED" { print $2 }' <<<"$output")" -lt 12000 ]
	assert_contains "$output" "SWAPTEST OK"
	assert_contains "$output" "$(md5sum <tree/data | cut -d' ' -f1)"
	assert_not_contains "$output" "Out of memory"
}

@test "the balloon takes memory in use when there is swap, and the guest keeps its data" {
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" || skip "no CONFIG_MCONSOLE"
	command -v uml_mconsole >/dev/null || skip "no uml_mconsole"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	mkfifo ctl
	exec 4<>ctl
	swap_boot 80M 'mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; HOLD_MIB=56; '"$HOLD"'
		awk "/^MemTotal:/ { print \"BEFORE\", \$2 }" /proc/meminfo; echo LOADED; read x
		awk "/^MemTotal:/ { print \"AFTER\", \$2 }" /proc/meminfo
		echo >&3; wait $HPID; cat /tmp/hold; grep -E "^pswpout " /proc/vmstat' umid=bal \
		<ctl >out 2>&1 &
	UPID=$!
	wait_for_output LOADED out
	run timeout 10 uml_mconsole bal config mem
	mem0=$(grep -o '[0-9]*M' <<<"$output" | tr -d M)
	t0=$(date +%s%N)
	run timeout 10 uml_mconsole bal config mem=-48M
	t1=$(date +%s%N)
	echo "$output; took $(((t1 - t0) / 1000000)) ms" >&2
	assert_status 0
	assert_contains "$output" "OK"
	run timeout 10 uml_mconsole bal config mem
	assert_contains "$output" "OK $((mem0 - 48))M"
	echo >&4
	wait "$UPID"
	UPID=
	cat out >&2
	before=$(awk '$1 == "BEFORE" { print $2 }' out)
	after=$(awk '$1 == "AFTER" { print $2 }' out)
	[ $((before - after)) -eq 49152 ]
	grep -q "SWAPTEST OK" out
	run ! grep -q "Out of memory" out
	[ "$(awk '$1 == "pswpout" { print $2 }' out)" -gt 4000 ]
}
