#!/usr/bin/env bash
# The one test command behind `make test` (DESIGN.md section 8). Runs, in order:
#   1. host unit tests of kernel pieces (build/tests/unit/*_test, our kselftest harness);
#   2. the harness's own self-test;
#   3. guest tests (build/tests/guest/*_test): natively first (the oracle: a test that
#      fails natively is a bad test), then inside an instance once per execution mode in
#      UMLITE_TEST_MODES (default "skas=seccomp skas=ptrace tt tt+jail": SKAS under each
#      of its trap backends, then TT), and the filesystem ones again with
#      the root on an ext4 disk (build/test.ext4) in each mode;
#   4. the Bats tests (tests/bats/*.bats), black-box tests of ./umlite, once per mode in
#      UMLITE_BATS_MODES (default "skas=seccomp skas=ptrace tt tt+jail:busybox"), passed to them as
#      UMLITE_MODE; "MODE:a,b" runs only a.bats and b.bats in that mode.
# A mode is written as its command-line words joined by "+": "tt+jail" is mode=tt jail; a
# first word that is an option of its own is kept as it is: "skas=ptrace" is skas=ptrace.
# UMLITE names the kernel binary (default ./umlite; make test-kasan passes its ASan
# build), UMLITE_SUITES the suites to run (default "unit harness guest bats"). A guest
# run whose log holds a kernel panic or an AddressSanitizer report fails, whatever the
# test printed.
# Every suite prints TAP; this script counts the results and ends with the line
# "N passed, M failed" (", K skipped" when some were), exiting non-zero on any failure.
# A suite whose binary is missing (umlite not built) is reported as a failure, not skipped.
set -u
cd "$(dirname "$0")/.."
B=build
UMLITE=${UMLITE:-./umlite}
SUITES=" ${UMLITE_SUITES:-unit harness guest bats} "
passed=0
failed=0
skipped=0
failed_names=()
log=$B/test-logs
mkdir -p "$log"
: >"$log/times.txt" # seconds each suite took, for whoever keeps the suite under 20 min
details=$log/failure-details.txt # what each failing test printed, shown again at the end
: >"$details"

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

# The command-line words of a mode ("tt+jail", "skas=ptrace") into the array words.
mode_words() { # MODE
	read -ra words <<<"${1//+/ }"
	[[ ${words[0]} == *=* ]] || words[0]=mode=${words[0]}
}

# A mode's words are accepted by ./umlite (a mode left out of the build is refused).
mode_built() { # MODE-WORDS...
	"$UMLITE" "$@" --version >/dev/null 2>&1
}

# A mode the build leaves out (Kconfig) is reported as skipped, not run and not failed.
mode_skipped() { # NAME MODE-WORDS...
	local name=$1
	shift
	mode_built "$@" && return 1
	echo "  ok - $name: # SKIP $* is not built in this configuration (.config)"
	skipped=$((skipped + 1))
}

run_binary_suite() { # NAME LOGFILE COMMAND...
	local name=$1 logf=$2 rc t0=$SECONDS
	shift 2
	echo "# $name"
	"$@" >"$logf" 2>&1
	rc=$?
	echo "# $name: $((SECONDS - t0)) s" >>"$log/times.txt"
	count_tap "$name" < <(grep -E '^(ok|not ok) ' "$logf")
	failure_details "$name" "$logf" >>"$details"
	if ! grep -qE '^(ok|not ok) ' "$logf"; then
		suite_broken "$name" "printed no result (exit $rc); see $logf"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok ' "$logf"; then
		suite_broken "$name" "exited $rc without a failing result; see $logf"
	fi
}

# What a suite printed around each failing result: the lines since the previous result
# (kselftest reports before its "not ok") and up to the next one (Bats reports after),
# at most 30 before and 60 after, so that a CI log, whose middle is cut, still ends with the reason.
failure_details() { # NAME LOGFILE
	awk -v suite="$1" -v logf="$2" '
		function flush_before(  i) {
			for (i = (nb > 30 ? nb - 30 : 0); i < nb; i++) print "  " before[i]
		}
		/^(ok|not ok) / {
			if (after) print "  (see " logf ")"
			after = 0
			if ($0 ~ /^not ok /) {
				print "--- " suite ": " $0
				flush_before()
				after = 1; na = 0
			}
			nb = 0
			next
		}
		after && na++ < 60 { print "  " $0 }
		{ before[nb++] = $0 }
		END { if (after) print "  (see " logf ")" }' "$2"
}

# A guest run's log: the kernel must not have reported a bug of its own.
kernel_bug_check() { # NAME LOGFILE
	local bug
	bug=$(grep -m1 -E 'Kernel panic - not syncing|ERROR: AddressSanitizer|^BUG: ' "$2")
	[ -n "$bug" ] && suite_broken "$1" "the kernel reported: $bug; see $2"
}

wanted() { [[ $SUITES == *" $1 "* ]]; }

wanted unit && echo "== unit tests"
wanted unit && for t in $B/tests/unit/*_test; do
	[ -x "$t" ] || continue
	run_binary_suite "unit/$(basename "$t")" "$log/unit-$(basename "$t").log" timeout 120 "$t"
done

wanted harness && echo "== harness self-test"
hs=$B/tests/kselftest/harness_selftest
if ! wanted harness; then
	:
elif [ -x "$hs" ]; then
	run_binary_suite "harness" "$log/harness.log" tests/kselftest/selftest/check.sh "$hs"
else
	suite_broken harness "$hs not built"
fi

guest_tests=$(ls $B/tests/guest/*_test 2>/dev/null)
wanted guest || guest_tests=
if [ -n "$guest_tests" ]; then
	echo "== guest tests, native (the oracle)"
	for t in $guest_tests; do
		run_binary_suite "native/$(basename "$t")" "$log/native-$(basename "$t").log" \
			timeout 120 "$t"
	done
	if [ -x "$UMLITE" ] && [ -f $B/test.cpio ]; then
		for mode in ${UMLITE_TEST_MODES:-skas=seccomp skas=ptrace tt tt+jail}; do
			mode_words "$mode"
			echo "== guest tests, ${words[*]}"
			mode_skipped "$mode" "${words[@]}" && continue
			for t in $guest_tests; do
				n=$(basename "$t")
				run_binary_suite "$mode/$n" "$log/$mode-$n.log" timeout 300 "$UMLITE" \
					mem=256M "${words[@]}" initrd=$B/test.cpio init="/tests/$n"
				kernel_bug_check "$mode/$n" "$log/$mode-$n.log"
			done
		done
	else
		suite_broken guest "$UMLITE or $B/test.cpio missing"
	fi
	# The filesystem tests again with the root on an ext4 disk (each boot with a fresh COW
	# file over the image, which stays as built).
	if [ -x ./umlite ] && [ -f $B/test.ext4 ] &&
		grep -q '^#define CONFIG_EXT4 1' $B/autoconf.h; then
		cows=$(mktemp -d)
		for mode in ${UMLITE_TEST_MODES:-skas=seccomp skas=ptrace tt tt+jail}; do
			mode_words "$mode"
			echo "== guest tests on an ext4 root, ${words[*]}"
			mode_skipped "ext4-$mode" "${words[@]}" && continue
			for n in fs_test fsx_test mm_test process_test xattr_test inotify_test iflags_test; do
				[ -x "$B/tests/guest/$n" ] || continue
				rm -f "$cows/$n.cow"
				run_binary_suite "ext4-$mode/$n" "$log/ext4-$mode-$n.log" timeout 300 \
					./umlite mem=256M "${words[@]}" ubd0="$cows/$n.cow,$B/test.ext4" \
					root=/dev/ubda init="/tests/$n"
			done
		done
		rm -rf "$cows"
	fi
fi

if wanted bats && ls tests/bats/*.bats >/dev/null 2>&1; then
	if command -v bats >/dev/null; then
		for spec in ${UMLITE_BATS_MODES:-skas=seccomp skas=ptrace tt tt+jail:busybox}; do
			mode=${spec%%:*}
			files=(tests/bats)
			if [ "$spec" != "$mode" ]; then
				IFS=, read -ra files <<<"${spec#*:}"
				files=("${files[@]/#/tests/bats/}")
				files=("${files[@]/%/.bats}")
			fi
			mode_words "$mode"
			echo "== bats, ${words[*]}: ${files[*]}"
			mode_skipped "bats/$mode" "${words[@]}" && continue
			UMLITE=$(realpath "$UMLITE") UMLITE_MODE=${mode//+/ } run_binary_suite "bats/$mode" \
				"$log/bats-$mode.log" timeout 1200 bats --tap --timing "${files[@]}"
		done
	else
		echo "== bats"
		suite_broken bats "bats is not installed (scripts/deps.sh)"
	fi
fi

echo
if [ -s "$details" ]; then
	echo "what the failing tests printed:"
	cat "$details"
	echo
fi
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
