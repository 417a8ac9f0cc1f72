#!/usr/bin/env bats
# ubd_share: instances booted from one backing image (each with its own COW file) map the
# image's unmodified file pages from the host's page cache instead of copying them; a
# write in one instance (write(2), MAP_PRIVATE, MAP_SHARED + msync, mprotect, truncate)
# is seen there only, and the backing file never changes. Guest side: share-guest.c.
# shellcheck disable=SC2016 # the single-quoted scripts are expanded by the guest's shell
bats_require_minimum_version 1.5.0
load helpers.bash

IMAGE=${IMAGE:-$ROOT/build/rootfs.ext4}

setup_file() {
	grep -q '^#define CONFIG_UBD_SHARE 1' "$ROOT/build/autoconf.h" || return 0
	[ -f "$IMAGE" ] || return 0
	cd "$BATS_FILE_TMPDIR" || return 1
	cp --sparse=always "$IMAGE" backing.ext4
	gcc -static -O2 -o share-guest "$BATS_TEST_DIRNAME/share-guest.c"
	python3 -c '
import sys
sys.stdout.buffer.write(b"".join(bytes((97 + (p + i) % 26) for i in range(4096)) for p in range(8)))
' >f
	debugfs -w -R "write share-guest /bin/share-guest" backing.ext4 >/dev/null 2>&1
	debugfs -w -R "sif /bin/share-guest mode 0100755" backing.ext4 >/dev/null 2>&1
	debugfs -w -R "write f /f" backing.ext4 >/dev/null 2>&1
	touch -d '2024-01-02 03:04:05' backing.ext4
	chmod 0444 backing.ext4
}

setup() {
	grep -q '^#define CONFIG_UBD_SHARE 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_UBD_SHARE"
	[ -f "$IMAGE" ] || skip "$IMAGE not built (make test builds it)"
	cd "$BATS_TEST_TMPDIR" || return 1
	BACKING=$BATS_FILE_TMPDIR/backing.ext4
	SUM=$(md5sum <"$BACKING")
	pids=()
}

teardown() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}

# boot COW ARGS...: boot the image through COW file COW (plus ARGS).
boot() {
	local cow=$1
	shift
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M "${MODE_ARGS[@]}" \
		ubd0="$cow,$BACKING" root=/dev/ubda "$@"
}

# start_holder N ARGS...: instance N in the background mapping /f; waits until it holds.
start_holder() {
	local n=$1
	shift
	"$UMLITE" mem=128M "${MODE_ARGS[@]}" ubd0="c$n.cow,$BACKING" root=/dev/ubda "$@" \
		init=/bin/share-guest -- /f hold 60 >"out$n" 2>&1 &
	pids+=($!)
	disown
	for _ in $(seq 200); do
		grep -q "ok: holding" "out$n" && return 0
		grep -q FAIL "out$n" && break
		sleep 0.1
	done
	cat "out$n" >&2
	return 1
}

# maps_backing PID: how many host processes under umlite PID map the backing file.
maps_backing() {
	local n=0 c
	for c in $(pgrep -P "$1"); do
		grep -q "backing.ext4" "/proc/$c/maps" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

@test "two instances over one backing file map its pages from the host, not copies" {
	start_holder 1
	start_holder 2
	[ "$(maps_backing "${pids[0]}")" -ge 1 ]
	[ "$(maps_backing "${pids[1]}")" -ge 1 ]
	assert_equal "$SUM" "$(md5sum <"$BACKING")"
}

@test "ubd_share=off maps nothing from the backing file" {
	start_holder 1 ubd_share=off
	assert_equal 0 "$(maps_backing "${pids[0]}")"
}

@test "--help lists ubd_share whole" {
	run "$UMLITE" --help
	assert_status 0
	assert_contains "$output" "ubd_share=on|off  map unmodified backing-file pages from the host, shared (on)"
}

@test "the guest counts its shared pages in /proc/vmstat" {
	run boot c.cow init=/bin/sh -- -c 'cat /f >/dev/null; grep nr_ubd_shared /proc/vmstat'
	assert_status 0
	n=$(echo "$output" | sed -n 's/^nr_ubd_shared //p' | tr -d '\r')
	[ "$n" -ge 8 ]
	run boot c2.cow ubd_share=off init=/bin/sh -- -c 'cat /f >/dev/null; grep nr_ubd_shared /proc/vmstat'
	assert_contains "$output" "nr_ubd_shared 0"
}

@test "a write in one instance stays there; the other and the backing file keep the old bytes" {
	start_holder 2
	run boot a.cow init=/bin/share-guest -- /f write
	assert_status 0
	assert_contains "$output" "ok: write(2) seen by read, MAP_SHARED and MAP_PRIVATE"
	assert_contains "$output" "ok: MAP_PRIVATE write stays private"
	assert_contains "$output" "ok: MAP_SHARED write reaches the file and every view"
	assert_contains "$output" "ok: write through a shared view made writable"
	assert_contains "$output" "ok: truncate inside a page"
	run boot b.cow init=/bin/share-guest -- /f old
	assert_status 0
	assert_contains "$output" "ok: old bytes by read and mmap"
	run boot a.cow init=/bin/share-guest -- /f new
	assert_status 0
	assert_contains "$output" "ok: new bytes after a reboot"
	assert_equal "$SUM" "$(md5sum <"$BACKING")"
	[ "$(maps_backing "${pids[0]}")" -ge 1 ]
}

@test "a backing file the host cuts short under a running instance gives EIO and SIGBUS, not a crash" {
	command -v mke2fs >/dev/null || skip "no mke2fs"
	mkdir tree
	cp "$BATS_FILE_TMPDIR/f" tree/f
	head -c 4M /dev/urandom >tree/data
	mke2fs -q -F -b 4096 -t ext4 -d tree cut.img 32M
	"$ROOT/scripts/mkinitramfs.sh" tests guest.cpio "$BATS_FILE_TMPDIR/share-guest" >/dev/null
	mkfifo ctl
	exec 4<>ctl
	# The guest maps /f and waits; the host truncates the backing file to nothing, then
	# the guest touches its mapping and reads the disk again past the page cache.
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M "${MODE_ARGS[@]}" initrd=guest.cpio \
		ubdb=cut.cow,cut.img init=/bin/sh -- -c 'mount -t ext4 /dev/ubdb /mnt
		cat /mnt/data >/dev/null && grep nr_ubd_shared /proc/vmstat
		/tests/share-guest /mnt/f cut; echo 3 >/proc/sys/vm/drop_caches
		cat /mnt/data >/dev/null; echo "cat: $?"; echo alive; exit 7' <ctl >out 2>&1 &
	pids+=($!)
	wait_for_output mapped out
	truncate -s 0 cut.img
	echo >&4
	local st=0
	wait "${pids[0]}" || st=$?
	cat out >&2
	[ "$st" -eq 7 ]
	run ! grep -q "nr_ubd_shared 0$" out # the file was shared from the host
	grep -q "pages gave SIGBUS" out
	run ! grep -q "^ok: 0 of" out
	grep -q "Input/output error" out
	grep -q "cat: 1" out
	grep -q "backing file .*cut.img is shorter than when the instance started" out
	grep -q alive out
	run ! grep -q "Kernel panic" out
}
