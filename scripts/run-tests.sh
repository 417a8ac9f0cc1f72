#!/usr/bin/env bash
# The one test command behind `make test` (DESIGN.md section 8). Runs, in order:
#   1. host unit tests of kernel pieces (build/tests/unit/*_test, our kselftest harness);
#   2. the harness's own self-test;
#   3. guest tests (build/tests/guest/*_test): natively first (the oracle: a test that
#      fails natively is a bad test), then inside an instance, once per configuration;
#   4. the Bats tests (tests/bats/*.bats), black-box tests of ./umlite, once per
#      configuration (passed to them as UMLITE_ARGS).
# Configurations: UMLITE_TEST_CONFIGS, space-separated command-line words, one per run
# (default: "skas=seccomp skas=ptrace", both SKAS trap backends).
# Every suite prints TAP; this script counts the results and ends with the line
# "N passed, M failed" (", K skipped" when some were), exiting non-zero on any failure.
# A suite whose binary is missing (umlite not built) is reported as a failure, not skipped.
set -u
cd "$(dirname "$0")/.."
B=build
passed=0
failed=0
skipped=0
failed_names=()
log=$B/test-logs
mkdir -p "$log"
configs=${UMLITE_TEST_CONFIGS:-skas=seccomp skas=ptrace}

# Count TAP results read on stdin; echo them with a prefix; failures remembered by name.
count_tap() {
	local suite=$1 line
	while IFS= read -r line; do
		echo "  $line"
		case $line in
		"ok "*"# SKIP"* | "ok "*"# skip"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*)
			failed=$((failed + 1))
			failed_names+=("$suite: ${line#not ok }")
			;;
		esac
	done
}

# A whole suite that could not run counts as one failure.
suite_broken() {
	echo "  not ok - $1: $2"
	failed=$((failed + 1))
	failed_names+=("$1: $2")
}

run_binary_suite() { # NAME LOGFILE COMMAND...
	local name=$1 logf=$2 rc
	shift 2
	echo "# $name"
	"$@" >"$logf" 2>&1
	rc=$?
	count_tap "$name" < <(grep -E '^(ok|not ok) ' "$logf")
	if ! grep -qE '^(ok|not ok) ' "$logf"; then
		suite_broken "$name" "printed no result (exit $rc); see $logf"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok ' "$logf"; then
		suite_broken "$name" "exited $rc without a failing result; see $logf"
	fi
}

echo "== unit tests"
for t in $B/tests/unit/*_test; do
	[ -x "$t" ] || continue
	run_binary_suite "unit/$(basename "$t")" "$log/unit-$(basename "$t").log" timeout 120 "$t"
done

echo "== harness self-test"
hs=$B/tests/kselftest/harness_selftest
if [ -x "$hs" ]; then
	run_binary_suite "harness" "$log/harness.log" tests/kselftest/selftest/check.sh "$hs"
else
	suite_broken harness "$hs not built"
fi

guest_tests=$(ls $B/tests/guest/*_test 2>/dev/null)
if [ -n "$guest_tests" ]; then
	echo "== guest tests, native (the oracle)"
	for t in $guest_tests; do
		run_binary_suite "native/$(basename "$t")" "$log/native-$(basename "$t").log" \
			timeout 120 "$t"
	done
	if [ -x ./umlite ] && [ -f $B/test.cpio ]; then
		for cfg in $configs; do
			echo "== guest tests, $cfg"
			for t in $guest_tests; do
				n=$(basename "$t")
				run_binary_suite "$cfg/$n" "$log/$cfg-$n.log" timeout 300 \
					./umlite mem=256M "$cfg" initrd=$B/test.cpio init="/tests/$n"
			done
		done
	else
		suite_broken guest "./umlite or $B/test.cpio missing"
	fi
fi

if ls tests/bats/*.bats >/dev/null 2>&1; then
	echo "== bats"
	if command -v bats >/dev/null; then
		for cfg in $configs; do
			echo "== bats, $cfg"
			run_binary_suite "bats/$cfg" "$log/bats-$cfg.log" \
				env UMLITE_ARGS="$cfg" timeout 1200 bats --tap tests/bats
		done
	else
		suite_broken bats "bats is not installed (scripts/deps.sh)"
	fi
fi

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failures:"
	printf '  %s\n' "${failed_names[@]}"
fi
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
