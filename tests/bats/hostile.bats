#!/usr/bin/env bats
# Hostile input: sandbox escape attempts from a guest (checked from the host), odd command
# lines and corrupt initrd archives. Each must end in a clear error or a contained guest,
# never in a kernel panic (exit status 125), a host crash or a hang.
bats_require_minimum_version 1.5.0
load helpers.bash

TESTFS=$ROOT/build/test.cpio

# No kernel panic, no host crash: statuses 125 (panic) and 129..159 (umlite killed by a
# host signal, or init by a guest one) are failures here, as is a hang (124 from timeout).
assert_no_crash() {
	if [ "$status" -eq 124 ] || [ "$status" -eq 125 ] || [ "$status" -gt 128 ]; then
		printf 'status %s; output:\n%s\n' "$status" "$output" >&2
		return 1
	fi
	assert_not_contains "$output" "Kernel panic"
}

# refused WORD...: umlite must exit non-zero, without crashing, naming the first word.
# No mode words: the command line is refused before any mode starts.
refused() {
	run timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" "$@" </dev/null
	assert_no_crash
	if [ "$status" -eq 0 ]; then
		echo "accepted: $*" >&2
		return 1
	fi
	assert_contains "$output" "${1:0:40}"
}

@test "a guest's attempts to leave the SKAS sandbox never reach the host" {
	[ -f "$TESTFS" ] || skip "build/test.cpio not built"
	local target=$BATS_TEST_TMPDIR/escaped
	run timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$TESTFS" "${MODE_ARGS[@]}" \
		init=/tests/escape_test -- escape "$target"
	assert_no_crash
	assert_status 0
	assert_contains "$output" "escape: contained"
	[ ! -e "$target" ]
}

@test "odd option values get a clear error and a non-zero exit" {
	refused mem=0 initrd="$ROOTFS" init=/bin/true
	refused mem=99999999999G initrd="$ROOTFS" init=/bin/true
	refused mem=99999999999999999999999 initrd="$ROOTFS" init=/bin/true
	refused mem=-1 initrd="$ROOTFS" init=/bin/true
	refused mem= initrd="$ROOTFS" init=/bin/true
	refused init= initrd="$ROOTFS"
	refused init=bin/true initrd="$ROOTFS"
	refused initrd= init=/bin/true
	refused initrd="$BATS_TEST_TMPDIR" init=/bin/true
	refused initrd=/dev/zero init=/bin/true
	refused loglevel=99 initrd="$ROOTFS" init=/bin/true
	refused mode= initrd="$ROOTFS" init=/bin/true
	refused -x initrd="$ROOTFS" init=/bin/true
}

@test "an init that is not a program is reported with exit status 127" {
	run -127 umlite init=/
	assert_contains "$output" "cannot run init"
	run -127 umlite init=/dev/null
	run -127 umlite init=/proc/self/exe
}

@test "very long and very many command-line words are handled" {
	local long
	long=$(head -c 100000 /dev/zero | tr '\0' a)
	# an unknown long word goes to init, which ignores it
	run umlite init=/bin/true "x$long"
	assert_status 0
	# a long init path is simply not found
	run -127 umlite init="/$long"
	# too many words for init: named, refused
	run umlite init=/bin/true $(seq 1 100)
	assert_no_crash
	[ "$status" -ne 0 ]
	assert_contains "$output" "'63': too many unknown words"
	run umlite init=/bin/true -- $(seq 1 5000)
	assert_no_crash
	[ "$status" -ne 0 ]
	assert_contains "$output" "too many arguments for init"
	# thousands of (repeated) options are fine
	local quiet
	read -ra quiet <<<"$(yes quiet | head -n 3000 | tr '\n' ' ')"
	run umlite "${quiet[@]}" init=/bin/sh -- -c 'echo up'
	assert_status 0
	assert_equal "up" "$output"
}

@test "corrupt initrd archives are refused with a clear error" {
	local d=$BATS_TEST_TMPDIR
	# truncated at several places, inside headers and inside data
	for n in 1 5 110 111 4096 123457; do
		head -c "$n" "$ROOTFS" >"$d/cut.cpio"
		refused initrd="$d/cut.cpio" init=/bin/true
	done
	# a header whose file size is huge, or whose name size is
	{ printf '070701'; printf '%08X' 1 33188 0 0 1 0 4294967295 0 0 0 0 2 0; printf 'a\0'; } \
		>"$d/bigfile.cpio"
	refused initrd="$d/bigfile.cpio" init=/bin/true
	{ printf '070701'; printf '%08X' 1 33188 0 0 1 0 0 0 0 0 0 4294967295 0; printf 'a\0'; } \
		>"$d/bigname.cpio"
	refused initrd="$d/bigname.cpio" init=/bin/true
	# a name escaping the root
	{ printf '070701'; printf '%08X' 1 33188 0 0 1 0 0 0 0 0 0 8 0; printf '../../x\0'; } \
		>"$d/escape.cpio"
	refused initrd="$d/escape.cpio" init=/bin/true
	# gzip: truncated, and corrupt
	gzip -c "$ROOTFS" | head -c 50000 >"$d/cut.gz"
	refused initrd="$d/cut.gz" init=/bin/true
	gzip -c "$ROOTFS" >"$d/bad.gz"
	printf 'XXXXXXXX' | dd of="$d/bad.gz" bs=1 seek=5000 conv=notrunc status=none
	refused initrd="$d/bad.gz" init=/bin/true
}

@test "an initrd that cannot fit in guest memory is refused before it is read" {
	local d=$BATS_TEST_TMPDIR
	# a gzip bomb: 48 MiB of zeros in about 50 KiB
	head -c 48M /dev/zero | gzip -1 >"$d/bomb.gz"
	run timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=32M "${MODE_ARGS[@]}" initrd="$d/bomb.gz" \
		init=/bin/true
	assert_no_crash
	[ "$status" -ne 0 ]
	assert_contains "$output" "more than the guest's memory"
	# a (sparse) archive bigger than mem=
	truncate -s 48M "$d/huge.cpio"
	run timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=32M "${MODE_ARGS[@]}" initrd="$d/huge.cpio" \
		init=/bin/true
	assert_no_crash
	[ "$status" -ne 0 ]
	assert_contains "$output" "larger than the guest's memory"
}

@test "when nobody reads umlite's output any more, the guest's console hangs up" {
	# busybox head ignores write errors: without a hangup it read and wrote on, failing,
	# until its 100 MB were done
	run bash -c "timeout -k 5 $BOOT_TIMEOUT $UMLITE mem=128M ${MODE_ARGS[*]} initrd=$ROOTFS \
		init=/bin/sh -- -c 'yes | head -c 100000000; exit 3' | head -1; echo \${PIPESTATUS[0]}"
	assert_equal "$(printf 'y\n3')" "$output"
}

@test "started with stdin or stdout closed, umlite never uses another file as the console" {
	# the physmem file took descriptor 0 or 1: guests read kernel memory as their input
	# and overwrote it with their output
	run bash -c "timeout -k 5 $BOOT_TIMEOUT $UMLITE mem=64M ${MODE_ARGS[*]} initrd=$ROOTFS \
		init=/bin/sh -- -c 'wc -c >&2' <&- 2>&1"
	assert_status 0
	assert_equal "0" "$output"
	run bash -c "timeout -k 5 $BOOT_TIMEOUT $UMLITE mem=64M ${MODE_ARGS[*]} initrd=$ROOTFS \
		init=/bin/sh -- -c 'seq 1 20000; exit 4' 2>&1 >&-"
	assert_status 4
	assert_equal "" "$output"
}
