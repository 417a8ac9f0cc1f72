#!/usr/bin/env bash
# Drive the guest system-call fuzzer (tests/guest/fuzz_test.c, fuzz.h, fuzz_seed.h) over many
# seeds, one ./umlite instance per batch, and report every batch that did not end cleanly:
#   - a kernel panic (exit status 125, "Kernel panic" on stderr), a host crash of umlite
#     (killed by a signal), a hang (no exit within the batch timeout);
#   - kernel warnings and stack overflows, and guest tasks the kernel killed as it could not run
#     them ("cannot run guest code", "host process died");
#   - a fuzz child that could not be killed, or free memory that did not come back
#     (the fuzzer's own exit status 1; its summary line says how much).
#
#   scripts/fuzz.sh [-s FIRST] [-n SEEDS] [-b PER_BATCH] [-j JOBS] [-m MEM] [-t SECS]
#                   [-M MODE] [-- FUZZER OPTIONS]      e.g. -- calls=1000 root console
#
# MODE is the execution mode as for run-tests.sh: skas (default: the probed backend),
# skas=seccomp, skas=ptrace, tt+jail, tt. (Under tt without jail guests can write kernel
# memory by design: crashes there prove nothing.)
#
# Logs of bad batches go to build/fuzz/; rerun one seed with
#   ./umlite mem=M initrd=build/test.cpio init=/tests/fuzz_test -- fuzz SEED 1 -v
# Needs `make build/test.cpio`. Never runs the fuzzer outside um-lite (it refuses to).
set -u
cd "$(dirname "$0")/.." || exit 2

first=1 seeds=1000 per=100 jobs=1 mem=128M tmo=600 mode=skas
while getopts "s:n:b:j:m:t:M:" o; do
	case $o in
	s) first=$OPTARG ;;
	n) seeds=$OPTARG ;;
	b) per=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) tmo=$OPTARG ;;
	M) mode=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
opts=("$@")
# a mode's command-line words, as run-tests.sh makes them: tt+jail, skas=ptrace, ...
read -ra mode_words <<<"${mode//+/ }"
[[ ${mode_words[0]} == *=* ]] || mode_words[0]=mode=${mode_words[0]}
if [ ! -x ./umlite ] || [ ! -f build/test.cpio ]; then
	echo "fuzz: make umlite build/test.cpio first" >&2
	exit 2
fi
out=build/fuzz
mkdir -p "$out"

# One batch: prints one line, "ok ..." or "BAD ...", and keeps the log of a bad one.
batch() {
	local s=$1 n=$2 log="$out/batch-$1" rc verdict=""
	# root seeds can reach the console and write gigabytes to it: keep 20 MB at most (the
	# console then hangs up, which the fuzzer, being init, survives)
	timeout -k 5 "$tmo" ./umlite mem="$mem" "${mode_words[@]}" initrd=build/test.cpio \
		init=/tests/fuzz_test \
		-- fuzz "$s" "$n" "${opts[@]}" 2>"$log.err" </dev/null | head -c 20000000 >"$log.out"
	rc=${PIPESTATUS[0]}
	case $rc in
	0) ;;
	1) verdict="leak or unkillable child" ;;
	124 | 137) verdict="HANG (no exit in ${tmo}s)" ;;
	125) verdict="KERNEL PANIC" ;;
	*) verdict="exit status $rc" ;;
	esac
	local bad='Kernel panic|BUG|WARNING|kernel stack overflow|cannot run guest code|host process died'
	if grep -aqE "$bad" "$log.err"; then
		verdict="${verdict:+$verdict; }$(grep -a -m1 -E "$bad" "$log.err")"
	fi
	if [ -n "$verdict" ]; then
		echo "BAD seeds $s..$((s + n - 1)): $verdict (log $log.{out,err})"
	else
		echo "ok  seeds $s..$((s + n - 1)): $(grep -a -m1 '^fuzz: [0-9]* seeds' "$log.out")"
		rm -f "$log.out" "$log.err"
	fi
}

running=0
for ((s = first; s < first + seeds; s += per)); do
	n=$((first + seeds - s < per ? first + seeds - s : per))
	batch "$s" "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
