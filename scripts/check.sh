#!/usr/bin/env bash
# Static checks of the tree (STYLE.md rules 2, 6, 24):
#   check.sh --symbols OBJ...  no global symbol of ours may also be exported by glibc,
#                              libseccomp, libcap, zlib, libext2fs or libcom_err (it would
#                              silently interpose theirs)
#   check.sh --all             the above on build/, plus the host-include boundary and
#                              the function-length report (> 80 lines is a review flag)
set -u
cd "$(dirname "$0")/.."
status=0

libs() {
	for l in libc.so.6 libseccomp.so.2 libcap.so.2 libz.so.1 libext2fs.so.2 libcom_err.so.2; do
		p=$(ldconfig -p 2>/dev/null | awk -v l="$l" '$1 == l && /x86-64/ {print $NF; exit}')
		[ -n "$p" ] && echo "$p"
	done
}

check_symbols() {
	local ours theirs clash
	ours=$(nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBRC]/ {print $3}' | sort -u)
	theirs=$(for l in $(libs); do nm -D --defined-only "$l" 2>/dev/null; done |
		awk '{print $NF}' | sed 's/@.*//' | sort -u)
	clash=$(comm -12 <(echo "$ours") <(echo "$theirs"))
	if [ -n "$clash" ]; then
		echo "check: kernel symbols that collide with host libraries (rename them):" >&2
		echo "$clash" | sed 's/^/  /' >&2
		status=1
	fi
}

check_boundary() {
	local bad
	bad=$(grep -rlE '^#include <(stdio|stdlib|string|unistd|fcntl|signal|errno|sys/[a-z]+)\.h>' \
		kernel drivers skas tt 2>/dev/null | grep -v '_host\.c$' | grep -v '^skas/stub\.c$')
	if [ -n "$bad" ]; then
		echo "check: host headers included outside the host side:" >&2
		echo "$bad" | sed 's/^/  /' >&2
		status=1
	fi
}

report_long_functions() {
	awk 'FNR == 1 { start = 0 }
	     /^[a-z].*\)$/ || /^[a-z].*\) *$/ { name = $0 }
	     /^\{/ { start = FNR }
	     /^\}/ && start { if (FNR - start > 80) printf "  %s:%d: %d lines: %s\n", FILENAME, start, FNR - start, name; start = 0 }' \
		$(find kernel drivers skas tt arch -name '*.c' 2>/dev/null) >&2
}

case "${1:-}" in
--symbols)
	shift
	check_symbols "$@"
	;;
--all)
	check_symbols $(find build -name '*.o' -not -path 'build/tests/*' 2>/dev/null)
	check_boundary
	echo "functions over 80 lines (review flag, not an error):" >&2
	report_long_functions
	;;
*)
	echo "usage: $0 --symbols OBJ... | --all" >&2
	exit 2
	;;
esac
exit $status
