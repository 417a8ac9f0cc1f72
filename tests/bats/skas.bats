#!/usr/bin/env bats
# The SKAS trap backends: choosing one, and guest programs that try to escape the stub
# (tests/guest/stub_escape_test.c) leaving the host untouched. Runs under every configuration
# (UMLITE_MODE) run-tests.sh passes.
bats_require_minimum_version 1.5.0
load helpers.bash

@test "debug names the SKAS backend in use" {
	[[ " ${MODE_ARGS[*]} " != *" mode=tt "* ]] || skip "this run is in TT mode"
	run --separate-stderr umlite debug init=/bin/true
	assert_status 0
	assert_contains "$stderr" "mode: skas="
	case " ${MODE_ARGS[*]} " in
	*" skas=ptrace "*) assert_contains "$stderr" "mode: skas=ptrace," ;;
	*" skas=seccomp "*) assert_contains "$stderr" "mode: skas=seccomp," ;;
	esac
}

@test "without skas= the seccomp backend is used where the host allows it" {
	run --separate-stderr "$UMLITE" debug mem=128M initrd="$ROOTFS" init=/bin/true
	assert_status 0
	if [[ $stderr != *"mode: skas=seccomp,"* ]]; then
		assert_contains "$stderr" "skas=seccomp is not usable here"
		assert_contains "$stderr" "mode: skas=ptrace,"
	fi
}

@test "an unknown skas= backend is refused with a message naming it" {
	run "$UMLITE" skas=kvm initrd="$ROOTFS"
	assert_status 2
	assert_contains "$output" "skas=kvm"
}

@test "escape attempts from inside the guest leave the host untouched" {
	local cpio=$ROOT/build/test.cpio markers=$BATS_TEST_TMPDIR/markers
	[ -f "$cpio" ] || skip "build/test.cpio not built (make test builds it)"
	run timeout -k 5 120 "$UMLITE" mem=256M initrd="$cpio" "${MODE_ARGS[@]}" \
		init=/tests/stub_escape_test -- --markers="$markers"
	assert_status 0
	assert_contains "$output" "every_syscall_instruction_in_the_stub_is_intercepted"
	# Inside the guest the kernel created the markers; a host call would have made them here.
	[ ! -e "$markers" ] || { ls -la "$markers" >&2; false; }
}
