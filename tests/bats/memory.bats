#!/usr/bin/env bats
# Host memory of an instance, measured from the host side: the idle cost, freed guest
# memory going back to the host (a deleted tmpfs file, a process that exits, drop_caches),
# and page sharing by content (ksm=1) lowering the host memory of identical pages.
#
# What the host pays for guest RAM is the allocated size of umlite's physmem file (a memfd,
# /proc/PID/fd/N -> "/memfd:umlite-physmem"): pages the guest frees but the kernel did not
# give back stay there even once no process maps them. umlite's RssShmem+RssAnon (from
# /proc/PID/status) is checked too, as a user would look at it.
#
# The guest and the test take turns: the guest prints a word and reads a line from its
# console (a FIFO the test holds open), so every host measurement is taken while the guest
# waits, however slow the machine.
bats_require_minimum_version 1.5.0
load helpers.bash

TESTS_CPIO=${TESTS_CPIO:-$ROOT/build/test.cpio}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	BG_PID=
}

teardown() {
	exec 7>&- 2>/dev/null || true
	if [ -n "$BG_PID" ]; then
		kill -9 "$(umlite_pid)" "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
}

# start_bg ARGS...: an instance in the background, console output in ./out, console input
# from the FIFO ./in (held open on fd 7: `go` sends a line); BG_PID is the timeout wrapper.
start_bg() {
	mkfifo in
	exec 7<>in
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" "$@" <in >out 2>err &
	BG_PID=$!
}

go() { echo >&7; }

# children PID: its child processes (the kernel's list when it has one, else a scan).
children() {
	local p
	if [ -r "/proc/$1/task/$1/children" ]; then
		cat "/proc/$1/task/$1/children"
		return
	fi
	for p in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$1" ] && basename "$p"
	done
}

# The umlite process under the timeout wrapper.
umlite_pid() {
	local p
	for p in $(children "$BG_PID"); do
		echo "$p"
		return
	done
}

# wait_for TEXT [COUNT] [SECONDS]: until ./out holds COUNT lines with TEXT; fails on timeout.
wait_for() {
	local n=${2:-1} i
	for ((i = 0; i < ${3:-30} * 20; i++)); do
		[ "$(grep -c -- "$1" out)" -ge "$n" ] && return 0
		sleep 0.05
	done
	echo "no '$1' (x$n) in time; output:" >&2
	cat out err >&2
	return 1
}

rss_kb() { awk '/^(RssShmem|RssAnon):/ { s += $2 } END { print s }' "/proc/$1/status"; }

# wait_below PID PHYS RSS SECONDS: until the physmem file is under PHYS KiB and umlite's
# RssShmem+RssAnon under RSS KiB.
wait_below() {
	local i m r
	for ((i = 0; i < $4 * 20; i++)); do
		if ! m=$(physmem_kb "$1") || ! r=$(rss_kb "$1"); then
			break
		fi
		[ "$m" -lt "$2" ] && [ "$r" -lt "$3" ] && return 0
		sleep 0.05
	done
	echo "after $4 s: physmem file $m KiB (wanted < $2), RssShmem+RssAnon $r KiB" \
		"(wanted < $3)" >&2
	return 1
}

# The umlite process and its children (the SKAS stubs).
family() {
	echo "$1"
	children "$1"
}

@test "an idle instance costs the host at most 8 MiB (PSS of umlite and its stubs)" {
	start_bg mem=1G initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5; echo READY; read x'
	wait_for READY
	pid=$(umlite_pid)
	pss=0
	for p in $(family "$pid"); do
		pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup")))
	done
	phys=$(physmem_kb "$pid")
	go
	echo "PSS sum $pss KiB, physmem file $phys KiB" >&2
	[ "$pss" -gt 0 ]
	[ "$pss" -le 8192 ]
	[ "$phys" -le 8192 ]
}

@test "a 200 MiB tmpfs file goes back to the host within 2 s of rm" {
	start_bg mem=512M initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5; echo IDLE; read x
		dd if=/dev/zero of=/tmp/big bs=1M count=200 2>/dev/null; echo ALLOC; read x
		rm /tmp/big; echo FREED; read x'
	wait_for IDLE
	pid=$(umlite_pid)
	idle=$(physmem_kb "$pid") idle_rss=$(rss_kb "$pid")
	go
	wait_for ALLOC
	[ "$(physmem_kb "$pid")" -gt $((idle + 190000)) ]
	[ "$(rss_kb "$pid")" -gt $((idle_rss + 190000)) ]
	go
	wait_for FREED
	wait_below "$pid" $((idle + 8192)) $((idle_rss + 8192)) 2
	go
}

@test "the 200 MiB buffer of a process that exits goes back to the host within 2 s" {
	# busybox dd mallocs its block (an anonymous mmap) and fills it from /dev/zero.
	start_bg mem=512M initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5; echo IDLE; read x
		dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo FREED; read x'
	wait_for IDLE
	pid=$(umlite_pid)
	idle=$(physmem_kb "$pid") idle_rss=$(rss_kb "$pid")
	go
	peak=$idle
	while ! grep -q FREED out; do
		m=$(physmem_kb "$pid") && [ "$m" -gt "$peak" ] && peak=$m
		sleep 0.02
	done
	echo "idle $idle KiB, peak $peak KiB" >&2
	[ "$peak" -gt $((idle + 100000)) ]
	wait_below "$pid" $((idle + 8192)) $((idle_rss + 8192)) 2
	go
}

@test "munmap in a live process gives back its pages and their page tables" {
	[ -f "$TESTS_CPIO" ] || skip "$TESTS_CPIO not built (make test builds it)"
	start_bg mem=512M initrd="$TESTS_CPIO" init=/tests/ksm_test -- mapfree 200
	wait_for BEFORE
	pid=$(umlite_pid)
	sleep 0.6 # what the start freed is released
	before=$(physmem_kb "$pid") before_rss=$(rss_kb "$pid")
	go
	wait_for MAPPED
	echo "before $before KiB, mapped $(physmem_kb "$pid") KiB" >&2
	[ "$(physmem_kb "$pid")" -gt $((before + 190000)) ]
	go
	wait_for UNMAPPED
	# 200 MiB of pages need 100 page-table pages (400 KiB): they must go too. (About 200
	# KiB stays: the struct pages of the free blocks' first frames.)
	wait_below "$pid" $((before + 400)) $((before_rss + 400)) 2
	go
}

@test "drop_caches gives every free page back at once and refuses bad values" {
	# shellcheck disable=SC2016 # expanded by the guest's shell
	start_bg mem=256M initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5; echo IDLE; read x
		dd if=/dev/zero of=/dev/null bs=100M count=1 2>/dev/null
		echo 3 > /proc/sys/vm/drop_caches; echo FREED $(cat /proc/sys/vm/drop_caches)
		(echo 4 > /proc/sys/vm/drop_caches) 2>/dev/null || echo REFUSED; read x'
	wait_for IDLE
	pid=$(umlite_pid)
	idle=$(physmem_kb "$pid") idle_rss=$(rss_kb "$pid")
	go
	wait_for REFUSED
	grep -q "FREED 3" out
	wait_below "$pid" $((idle + 4096)) $((idle_rss + 4096)) 1
	go
}

@test "ksm=1: two processes filling 50 MiB alike share their pages; host memory drops" {
	[ -f "$TESTS_CPIO" ] || skip "$TESTS_CPIO not built (make test builds it)"
	# shellcheck disable=SC2016 # expanded by the guest's shell
	start_bg mem=512M ksm=1 initrd="$TESTS_CPIO" init=/bin/sh -- -c 'sleep 0.5
		echo IDLE; read x
		/tests/ksm_test fill 50 /tmp/stop & /tests/ksm_test fill 50 /tmp/stop &
		i=0; while [ "$(cat /sys/kernel/mm/ksm/pages_sharing)" -lt 12000 ] && [ $i -lt 300 ]
		do sleep 0.1; i=$((i + 1)); done
		cd /sys/kernel/mm/ksm; echo SHARING $(cat pages_sharing) $(cat pages_shared)
		read x; touch /tmp/stop; wait; echo DONE'
	wait_for IDLE
	pid=$(umlite_pid)
	idle=$(physmem_kb "$pid")
	go
	wait_for SHARING 1 40
	read -r _ sharing shared < <(grep SHARING out)
	echo "idle $idle KiB; pages_sharing $sharing, pages_shared $shared" >&2
	[ "$sharing" -ge 12000 ]
	[ "$shared" -ge 12000 ]
	# Two copies of 50 MiB are 100 MiB without sharing, one copy and a little with it.
	wait_below "$pid" $((idle + 60000)) $((idle + 60000)) 3
	go
	wait_for DONE
	[ "$(grep -c '^OK' out)" -eq 2 ]
	run ! grep -q BAD out
}

@test "ksm switches: ksm= on the command line, /sys/kernel/mm/ksm/run, /proc/sys/vm/ksm_run" {
	run guest_sh 'cat /sys/kernel/mm/ksm/run; echo 1 > /proc/sys/vm/ksm_run
		cat /sys/kernel/mm/ksm/run; ps | grep -c "[k]smd"; echo 0 > /sys/kernel/mm/ksm/run
		cat /proc/sys/vm/ksm_run
		(echo 7 > /sys/kernel/mm/ksm/run) 2>/dev/null || echo refused'
	assert_status 0
	assert_equal "$(printf '0\n1\n1\n0\nrefused')" "$output"
	run umlite ksm=on init=/bin/sh -- -c 'cat /sys/kernel/mm/ksm/run'
	assert_status 0
	assert_equal 1 "$output"
	run umlite ksm=maybe init=/bin/true
	[ "$status" -ne 0 ]
	assert_contains "$output" "ksm=maybe"
}

@test "balloon: config mem=-64M lowers MemTotal and host memory; the guest cannot take it back" {
	command -v uml_mconsole >/dev/null || skip "uml_mconsole not installed"
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_MCONSOLE"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	# Once ballooned, the guest asks for 220 MiB: more than is left, so dd is killed at a
	# fault, the kernel lives on, and the host never backs the ballooned memory.
	# shellcheck disable=SC2016 # expanded by the guest's shell
	start_bg mem=256M umid=bal initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5
		echo IDLE $(grep MemTotal /proc/meminfo); read x
		echo INFLATED $(grep MemTotal /proc/meminfo); read x
		dd if=/dev/zero of=/dev/null bs=220M count=1 2>/dev/null; echo DD $?; read x
		echo DEFLATED $(grep MemTotal /proc/meminfo); read x'
	wait_for IDLE
	pid=$(umlite_pid)
	read -r _ _ before _ < <(grep IDLE out)
	phys=$(physmem_kb "$pid")
	run timeout 10 uml_mconsole bal config mem=-64M
	[ "$output" = "OK " ]
	# The balloon's frames are punched at once: taking them costs the host nothing.
	echo "MemTotal $before kB; physmem file $phys KiB, $(physmem_kb "$pid") KiB inflated" >&2
	[ "$(physmem_kb "$pid")" -le $((phys + 1024)) ]
	go
	wait_for INFLATED
	read -r _ _ inflated _ < <(grep INFLATED out)
	[ "$inflated" -eq $((before - 65536)) ]
	go
	peak=0
	while ! grep -q DD out; do
		m=$(physmem_kb "$pid") && [ "$m" -gt "$peak" ] && peak=$m
		sleep 0.02
	done
	echo "while dd ran: physmem file peak $peak KiB; $(grep DD out)" >&2
	run ! grep -q "DD 0" out
	# The guest has 192 MiB less the kernel's: the host never backs more than that.
	[ "$peak" -lt $((196 * 1024)) ]
	run timeout 10 uml_mconsole bal config mem=+64M
	[ "$output" = "OK " ]
	go
	wait_for DEFLATED
	read -r _ _ after _ < <(grep DEFLATED out)
	[ "$after" -eq "$before" ]
	go
}
