#!/usr/bin/env bash
# Checks our kselftest harness against what each test in harness_selftest.c must report.
# Test names say the expected outcome: pass_* -> "ok", fail_* -> "not ok", skip_* -> SKIP;
# the variant fixture has one XFAIL and one XPASS. Prints TAP, one line per check.
#   check.sh BINARY
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$(HARNESS_SELFTEST_DIR=$dir "$bin" 2>/dev/null)
rc=$?
n=0
fails=0
check() { # check DESCRIPTION CONDITION...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n harness: $desc"; else echo "not ok $n harness: $desc"; fails=$((fails + 1)); fi
}
has_line() { grep -qxE -- "$1" <<<"$out"; }
while read -r status name rest; do
	case $name in
	*.pass_*) check "$name passes" [ "$status" = ok ] ;;
	*.fail_*) check "$name fails" [ "$status" = not ] ;;
	*.skip_*) check "$name is skipped" has_line "ok [0-9]+ ${name//./\\.} # SKIP .*" ;;
	esac
done < <(grep -E '^(ok|not ok) ' <<<"$out" | sed -E 's/^ok [0-9]+ /ok /; s/^not ok [0-9]+ /not /')
check "an expected failure is reported as XFAIL" has_line 'ok [0-9]+ var\.three\.doubling # XFAIL.*'
check "an unexpected pass is reported as XPASS" has_line 'ok [0-9]+ var\.two\.always_passes # XPASS.*'
check "the plan counts every test" has_line '1\.\.22'
check "the totals line counts each outcome" has_line '# Totals: pass:11 fail:7 xfail:1 xpass:1 skip:2 error:0'
check "the binary exits 1 when a test failed" [ "$rc" = 1 ]
check "EXPECT lets the test continue" [ -e "$dir/expect_continued" ]
check "teardown runs after a passing test" [ -e "$dir/quick_teardown_pass" ]
check "teardown runs after a failed ASSERT" [ -e "$dir/quick_teardown_fail" ]
check "a parent teardown runs in the parent" test -n "$(ls "$dir" | grep parent_td)"
echo "1..$n"
[ "$fails" = 0 ]
