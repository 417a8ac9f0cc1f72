# Shared by swap.bats and reclaim.bats (loaded after helpers.bash): the test initramfs
# with swap_test, a 256 MiB sparse swap.img in each test's directory, and the boot.

# An initramfs of busybox and swap_test only, so that the memory sizes below do not depend
# on how many guest tests build/test.cpio carries (its files live in guest memory).
setup_file() {
	export TESTS_CPIO=$BATS_FILE_TMPDIR/swap_test.cpio
	[ ! -x "$ROOT/build/tests/guest/swap_test" ] ||
		"$ROOT/scripts/mkinitramfs.sh" tests "$TESTS_CPIO" "$ROOT/build/tests/guest/swap_test"
}

setup() {
	[ -f "$TESTS_CPIO" ] || skip "build/tests/guest/swap_test not built (make test builds it)"
	grep -q '^#define CONFIG_SWAP 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_SWAP"
	cd "$BATS_TEST_TMPDIR" || return 1
	truncate -s 256M swap.img
	UPID=
}

teardown() {
	if [ -n "$UPID" ]; then
		kill "$UPID" 2>/dev/null || true
		wait "$UPID" 2>/dev/null || true
	fi
}

# swap_boot MEM SCRIPT [OPTION...]: the test initramfs with swap.img as /dev/ubdb.
swap_boot() {
	local mem=$1 script=$2
	shift 2
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem="$mem" initrd="$TESTS_CPIO" "${MODE_ARGS[@]}" \
		ubdb=swap.img "$@" init=/bin/sh -- -c "$script"
}
