#!/usr/bin/env bash
# `make bench`: guest workloads natively, inside um-lite and under gVisor's runsc, side by
# side in one table, with the cost floors of each trap mechanism measured on this machine.
#
#   scripts/bench.sh                  full run (about a minute, plus what umlite takes)
#   BENCH_QUICK=1 scripts/bench.sh    fewer iterations, one repetition, 5 boot runs
#
# Environment knobs:
#   BENCH_QUICK=1          as above
#   BENCH_REPEAT=N         repetitions of every measurement (default 3, quick 1); the table
#                          shows the median
#   BENCH_CONFIGS='a;b c'  umlite configurations, ';'-separated, each a list of extra
#                          command-line words (default: the UMLITE_CONFIGS list below)
#   UMLITE=path            the um-lite binary (default ./umlite)
#   RUNSC_FLAGS='...'      runsc's global flags (default: --rootless --network=none)
#   BENCH_TIMEOUT=S        the timeout of every single run (default 60)
#   BENCH_MEMORY=0         skip the host-memory table (scripts/bench-memory.sh: idle
#                          instance memory, memory after freeing, page sharing)
#
# What runs where (stdout of every program is parsed for "RESULT <name> <value> <unit>"):
#   native   build/tests/bench/PROG ARGS, directly on the host
#   umlite   ./umlite CONFIG mem=256M initrd=build/bench.cpio init=/bench/PROG -- ARGS; the
#            guest's stdout is umlite's stdout, kernel messages (stderr) go to the log dir
#   ext4     ./umlite CONFIG mem=256M ubd0=COW,build/bench.ext4 root=/dev/ubda
#            init=/bench/PROG -- ARGS: the file workloads (DISK_WORKLOADS) with the guest's
#            root on an ext4 disk through a fresh COW file, next to the same program on
#            the host's filesystem ($TMPDIR, or /tmp)
#   runsc    runsc --rootless --network=none do /abs/path/build/tests/bench/PROG ARGS
#            Found by trying on Debian 12's runsc (0.0~20221219, ptrace platform): this
#            works as root and as an ordinary user alike, with no further flags (no
#            --ignore-cgroups, --TESTONLY-unsafe-nonroot or --platform needed). `runsc do`
#            shows the host's / read-only under a writable tmpfs overlay and starts in the
#            caller's cwd, so our static programs run by their absolute host paths, and
#            fileio's /tmp/bench.dat lands in the overlay (memory), as in um-lite's tmpfs.
#            Its stdout must be a pipe: given a regular file, the sandbox writes at its own
#            offset and overwrites what was there, so every output here is captured.
#            Everything is slow under runsc, so it gets fewer iterations.
#
# Every run has a timeout (60 s); a run that fails, times out or prints no RESULT line
# leaves "n/a" in its cell. A umlite configuration that cannot boot init=/bin/true (tried
# first) or that timed out twice gets n/a for the rest, so the script never hangs and a
# broken kernel costs a minute or two at most. Exit status: 0 when every native figure and floor
# was measured, 1 otherwise. Nothing here asserts a timing.
#
# Ratios in the table are slowdowns against native: time / native time, and native MB/s /
# MB/s, so >1 always means slower. The floors section compares each umlite getppid figure
# with the floor of its trap mechanism measured in the same run (LIMITS.md: absolute
# numbers differ 2-3x between the Intel and AMD machines, ratios do not).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

# ---------------------------------------------------------------- what to measure

# umlite configurations, one column each: extra command-line words per entry. Adding a
# column is adding a line ("skas=seccomp", "mode=tt").
UMLITE_CONFIGS=(
	"skas=seccomp"
	"skas=ptrace"
	"mode=tt"
	"mode=tt jail"
)

# Guest workloads. Fields: program | result names it prints | argument template |
# iterations: full quick runsc. In the template @N@ is the iteration count, @BIN@ the
# directory holding the bench programs, @TMP@ a scratch directory.
WORKLOADS=(
	"getppid | getppid                  | @N@                 | 100000 20000 5000"
	"spawn   | spawn                    | @N@ @BIN@/exit0     | 200    50    20"
	"pipe    | pipe                     | @N@                 | 20000  5000  500"
	"fault   | fault                    | @N@                 | 64     32    64"
	"fileio  | fileio_write fileio_read | @TMP@/bench.dat @N@ | 64     64    64"
	"tcp     | tcp_rtt tcp_stream       | @N@                 | 20000  5000  500"
	"thread  | thread_spawn futex_pingpong | @N@              | 2000   500   100"
	"filerand | filerand_write filerand_read | @TMP@/rand.dat 32 @N@ | 20000 5000 2000"
	"natstream | nat_stream             | @HOST@ @PORT@ @N@   | 4096   1024  256"
)

# The workloads measured again with the guest's root on an ext4 disk (the ext4 env).
DISK_WORKLOADS=(
	"fileio  | fileio_write fileio_read | @TMP@/bench.dat @N@ | 256    64    64"
	"filerand | filerand_write filerand_read | @TMP@/rand.dat 32 @N@ | 20000 5000 2000"
)

# Host-only floors, same format (no runsc column).
FLOORS=(
	"floor_sigsys | floor_sigsys       | @N@   | 200000 50000"
	"floor_sysemu | floor_sysemu_1core | 1 @N@ | 50000  10000"
	"floor_sysemu | floor_sysemu_2core | 2 @N@ | 2000   500"
	"floor_tt     | floor_tt_1core     | 1 @N@ | 20000  5000"
)
FLOOR_LABELS=(
	"floor_sigsys|seccomp RET_TRAP, SIGSYS handled in-process"
	"floor_sysemu_1core|PTRACE_SYSEMU + GETREGS/SETREGS, one core"
	"floor_sysemu_2core|PTRACE_SYSEMU + GETREGS/SETREGS, two cores"
	"floor_tt_1core|PTRACE_SYSCALL + nullification (TT), one core"
)

BENCH_PROGS=(getppid spawn pipe fault fileio filerand thread tcp exit0 fill floor_sigsys floor_sysemu floor_tt)
GUEST_PROGS=(getppid spawn pipe fault fileio filerand thread tcp exit0 fill churn)

QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
REPEAT=${BENCH_REPEAT:-$([ -n "$QUICK" ] && echo 1 || echo 3)}
BOOT_RUNS=$([ -n "$QUICK" ] && echo 5 || echo 20)
TIMEOUT=${BENCH_TIMEOUT:-60}
UMLITE=${UMLITE:-./umlite}
read -ra RUNSC_ARGS <<<"${RUNSC_FLAGS:---rootless --network=none}"
if [ -n "${BENCH_CONFIGS:-}" ]; then
	IFS=';' read -ra UMLITE_CONFIGS <<<"$BENCH_CONFIGS"
fi

BIN=$PWD/build/tests/bench
LOGDIR=build/bench-logs
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/umlite-bench.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT

declare -A VALS    # "env|result" -> space-separated values, one per successful run
declare -A UNIT    # result -> unit
declare -A TIMEOUTS # env -> number of runs that timed out
declare -A BROKEN  # env -> why its remaining runs are skipped
declare -A BOOT    # env -> boot-to-exit mean in ms, or n/a
NOTES=()
MEMREPORT=""       # the host-memory table of scripts/bench-memory.sh

say() { echo "bench: $*" >&2; }
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; echo "${s%"${s##*[![:space:]]}"}"; }

# ---------------------------------------------------------------- number helpers

median() {
	printf '%s\n' "$@" | sort -g | awk 'NF { a[++n] = $1 }
		END { if (n == 0) print "n/a"; else if (n % 2) print a[(n + 1) / 2];
		      else print (a[n / 2] + a[n / 2 + 1]) / 2 }'
}

# result ENV NAME: the median of NAME's values in ENV, or n/a
result() {
	local v=${VALS["$1|$2"]:-}
	if [ -z "$v" ]; then echo n/a; else read -ra a <<<"$v"; median "${a[@]}"; fi
}

fmt() {
	awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") { print "n/a"; exit }
		if (v >= 100) printf "%.0f\n", v; else if (v >= 10) printf "%.1f\n", v;
		else printf "%.2f\n", v }'
}

# slowdown VALUE NATIVE UNIT: how many times slower than native (throughputs inverted)
slowdown() {
	awk -v v="$1" -v b="$2" -v u="$3" 'BEGIN {
		if (v == "n/a" || b == "n/a" || v <= 0 || b <= 0) { print "n/a"; exit }
		r = (u ~ /\/s$/) ? b / v : v / b
		if (r >= 100) printf "%.0fx\n", r; else if (r >= 10) printf "%.1fx\n", r;
		else printf "%.2fx\n", r }'
}

# to_ns VALUE UNIT: a time figure in ns (n/a for throughputs)
to_ns() {
	awk -v v="$1" -v u="$2" 'BEGIN { if (v == "n/a") { print "n/a"; exit }
		if (u ~ /^ns\//) print v; else if (u ~ /^us\//) print v * 1e3;
		else if (u ~ /^ms\//) print v * 1e6; else print "n/a" }'
}

# ---------------------------------------------------------------- preparation

build_programs() {
	local missing=() p
	for p in "${BENCH_PROGS[@]}"; do
		[ "tests/bench/$p.c" -nt "build/tests/bench/$p" ] || [ ! -x "build/tests/bench/$p" ] &&
			missing+=("build/tests/bench/$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "building ${missing[*]}"
	make -s --no-print-directory "${missing[@]}"
}

# (Re)builds an initramfs when it is missing or older than one of its inputs.
build_cpio() {
	local out=$1 kind=$2; shift 2
	local f stale=""
	[ -f "$out" ] || stale=1
	for f in scripts/mkinitramfs.sh "$@"; do
		[ -f "$f" ] && [ "$f" -nt "$out" ] && stale=1
	done
	[ -z "$stale" ] && return 0
	say "building $out"
	scripts/mkinitramfs.sh "$kind" "$out" "$@"
}

# ---------------------------------------------------------------- running

# run_once ENV PROG ARGS...: one run of PROG in ENV; its stdout on stdout, stderr to the log
run_once() {
	local env=$1 prog=$2; shift 2
	local log=$LOGDIR/${env//[^A-Za-z0-9_=.-]/_}-$prog.log
	case $env in
	native | native-disk)
		timeout -k 5 "$TIMEOUT" "$BIN/$prog" "$@" </dev/null 2>>"$log" ;;
	runsc)
		timeout -k 5 "$TIMEOUT" runsc "${RUNSC_ARGS[@]}" "do" "$BIN/$prog" "$@" \
			</dev/null 2>>"$log" ;;
	umlite:*)
		local extra=()
		read -ra extra <<<"${env#umlite:}"
		[ "$prog" = natstream ] && extra+=(eth0=slirp) # to the host's sink via 10.0.2.2
		timeout -k 5 "$TIMEOUT" "$UMLITE" "${extra[@]}" mem=256M initrd=build/bench.cpio \
			"init=/bench/$prog" -- "$@" </dev/null 2>>"$log" ;;
	ext4:*)
		local extra=()
		read -ra extra <<<"${env#ext4:}"
		rm -f "$SCRATCH/ext4.cow"
		timeout -k 5 "$TIMEOUT" "$UMLITE" "${extra[@]}" mem=256M \
			"ubd0=$SCRATCH/ext4.cow,build/bench.ext4" root=/dev/ubda \
			"init=/bench/$prog" -- "$@" </dev/null 2>>"$log" ;;
	esac
}

# measure ENV WORKLOAD-LINE COUNT-INDEX: REPEAT runs of one workload in ENV, recording
# every RESULT value; stops repeating at the first failure.
measure() {
	local env=$1 line=$2 idx=$3
	local prog results template counts
	IFS='|' read -r prog results template counts <<<"$line"
	prog=$(trim "$prog")
	local c words args=() w n i out rc bindir=$BIN tmp=$SCRATCH host=127.0.0.1
	read -ra c <<<"$counts"
	n=${c[$idx]:-${c[0]}}
	case $env in
	umlite:* | ext4:*) bindir=/bench tmp=/tmp host=10.0.2.2 ;;
	runsc) tmp=/tmp ;;
	esac
	read -ra words <<<"$template"
	for w in "${words[@]}"; do
		w=${w//@N@/$n}; w=${w//@BIN@/$bindir}; w=${w//@HOST@/$host}
		w=${w//@PORT@/$SINK_PORT}; args+=("${w//@TMP@/$tmp}")
	done
	for ((i = 0; i < REPEAT; i++)); do
		if [ -n "${BROKEN[$env]:-}" ]; then
			return 1
		fi
		say "$env: $prog ${args[*]} ($((i + 1))/$REPEAT)"
		out=$(run_once "$env" "$prog" "${args[@]}")
		rc=$?
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			TIMEOUTS[$env]=$((${TIMEOUTS[$env]:-0} + 1))
			NOTES+=("$env: $prog timed out after ${TIMEOUT}s")
			if [ "${TIMEOUTS[$env]}" -ge 2 ]; then
				BROKEN[$env]="two timeouts"
				NOTES+=("$env: two timeouts, its remaining workloads are skipped")
			fi
			return 1
		fi
		if [ "$rc" -ne 0 ] || ! grep -q '^RESULT ' <<<"$out"; then
			NOTES+=("$env: $prog failed (exit $rc), see $LOGDIR/")
			return 1
		fi
		local tag name value unit
		while read -r tag name value unit; do
			[ "$tag" = RESULT ] || continue
			VALS["$env|$name"]+="$value "
			UNIT[$name]=$unit
		done <<<"$out"
	done
}

# measure_all ENV COUNT-INDEX LINE...: every workload line in ENV
measure_all() {
	local env=$1 idx=$2 line; shift 2
	for line in "$@"; do
		measure "$env" "$line" "$idx"
	done
}

# boot_time ENV CMD...: BOOT[ENV] = mean wall time of BOOT_RUNS runs of CMD in ms, or n/a.
# One checked run first, so that a failing or hanging CMD costs one timeout at most.
boot_time() {
	local env=$1; shift
	local log=$LOGDIR/boot-${env//[^A-Za-z0-9_=.-]/_}.log
	BOOT[$env]=n/a
	say "boot to exit: $env ($BOOT_RUNS runs)"
	if ! timeout -k 5 "$TIMEOUT" "$@" </dev/null >/dev/null 2>>"$log"; then
		NOTES+=("boot: $env failed or timed out, see $log")
		return
	fi
	if command -v hyperfine >/dev/null; then
		local json=$SCRATCH/boot.json cmd
		cmd=$(printf '%q ' "$@")
		if timeout -k 5 $((TIMEOUT * 3)) hyperfine -N --style none --warmup 1 \
			--runs "$BOOT_RUNS" --export-json "$json" -- "$cmd" </dev/null >/dev/null 2>>"$log"; then
			BOOT[$env]=$(sed -n 's/^ *"mean": *\([0-9.eE+-]*\).*/\1/p' "$json" | head -1 |
				awk '{ printf "%.2f\n", $1 * 1e3 }')
		else
			NOTES+=("boot: $env failed under hyperfine, see $log")
		fi
		return
	fi
	local i s e total=0
	for ((i = 0; i < BOOT_RUNS; i++)); do
		s=$(date +%s%N)
		if ! timeout -k 5 "$TIMEOUT" "$@" </dev/null >/dev/null 2>>"$log"; then
			NOTES+=("boot: $env failed, see $log")
			return
		fi
		e=$(date +%s%N)
		total=$((total + e - s))
	done
	BOOT[$env]=$(awk -v t="$total" -v n="$BOOT_RUNS" 'BEGIN { printf "%.2f\n", t / n / 1e6 }')
}

# The host-side server of the natstream workload (native: 127.0.0.1, umlite: 10.0.2.2
# through eth0=slirp; runsc runs with --network=none, so its cell stays n/a).
SINK_PORT=0
SINK_PID=""
BENCH_PROGS+=(natstream)
GUEST_PROGS+=(natstream)
start_sink() {
	local i
	SINK_PORT=$((20000 + RANDOM % 20000))
	"$BIN/natstream" sink "$SINK_PORT" >"$SCRATCH/sink.out" 2>&1 &
	SINK_PID=$!
	trap 'kill "$SINK_PID" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$SCRATCH/sink.out" && return 0
		sleep 0.05
	done
	NOTES+=("natstream: the host sink did not start (port $SINK_PORT)")
}

# ---------------------------------------------------------------- the floors' mapping

floor_for() {
	case " $1 " in
	*" mode=tt "*) echo floor_tt_1core ;;
	*" skas=ptrace "*) echo floor_sysemu_1core ;;
	*) echo floor_sigsys ;; # skas=seccomp, the default where the host allows it
	esac
}

# issues 2 and 6, as ratios to the floor (LIMITS.md)
target_for() {
	case $(floor_for "$1") in
	floor_sigsys) echo 1.7 ;;
	*) echo 1.2 ;;
	esac
}

config_label() { if [ -n "$1" ]; then echo "umlite $1"; else echo "umlite (default)"; fi; }

# ---------------------------------------------------------------- main

main() {
	mkdir -p "$LOGDIR"
	rm -f "$LOGDIR"/*.log
	build_programs || { say "cannot build the bench programs"; exit 1; }
	start_sink

	local envs=(native) cfg have_umlite="" have_runsc=""
	[ -x "$UMLITE" ] && have_umlite=1
	build_cpio build/bench.cpio extra bench "${GUEST_PROGS[@]/#/build/tests/bench/}" ||
		{ NOTES+=("cannot build build/bench.cpio"); have_umlite=""; }
	build_cpio build/rootfs.cpio busybox ||
		{ NOTES+=("cannot build build/rootfs.cpio"); have_umlite=""; }
	local have_ext4=""
	if [ -n "$have_umlite" ] && build_ext4 build/bench.ext4; then
		have_ext4=1
	else
		NOTES+=("no ext4 disk image (build/bench.ext4): the ext4 column is skipped")
	fi
	[ -x "$UMLITE" ] || NOTES+=("$UMLITE not built (make umlite): its cells are n/a")

	# Boot to exit first: a configuration that cannot even run init=/bin/true costs one
	# timeout at most and is skipped for the workloads.
	boot_time native /bin/true
	for cfg in "${UMLITE_CONFIGS[@]}"; do
		envs+=("umlite:$cfg")
		local extra=()
		read -ra extra <<<"$cfg"
		if [ -n "$have_umlite" ]; then
			boot_time "umlite:$cfg" "$UMLITE" "${extra[@]}" mem=128M \
				initrd=build/rootfs.cpio init=/bin/true
		else
			BOOT["umlite:$cfg"]=n/a
		fi
		[ "${BOOT["umlite:$cfg"]}" = n/a ] && BROKEN["umlite:$cfg"]="does not boot"
	done
	if command -v runsc >/dev/null; then
		have_runsc=1
		envs+=(runsc)
		boot_time runsc runsc "${RUNSC_ARGS[@]}" "do" /bin/true
		NOTES+=("runsc ran as: runsc ${RUNSC_ARGS[*]} do ABSPATH ARGS (fewer iterations)")
	fi

	local env
	for env in "${envs[@]}"; do
		case $env in
		runsc) measure_all "$env" 2 "${WORKLOADS[@]}" ;;
		*) measure_all "$env" "$([ -n "$QUICK" ] && echo 1 || echo 0)" "${WORKLOADS[@]}" ;;
		esac
	done
	measure_all native "$([ -n "$QUICK" ] && echo 1 || echo 0)" "${FLOORS[@]}"
	if [ -n "$have_ext4" ]; then
		for cfg in "${UMLITE_CONFIGS[@]}"; do
			[ -n "${BROKEN["umlite:$cfg"]:-}" ] ||
				measure_all "ext4:$cfg" "$([ -n "$QUICK" ] && echo 1 || echo 0)" \
					"${DISK_WORKLOADS[@]}"
		done
		measure_all native-disk "$([ -n "$QUICK" ] && echo 1 || echo 0)" "${DISK_WORKLOADS[@]}"
	fi
	if [ -n "$have_umlite" ] && [ "${BENCH_MEMORY:-1}" != 0 ]; then
		say "host memory of an instance (scripts/bench-memory.sh)"
		MEMREPORT=$(UMLITE=$UMLITE BENCH_TIMEOUT=$TIMEOUT scripts/bench-memory.sh 2>>"$LOGDIR/memory.log") ||
			NOTES+=("bench-memory.sh failed, see $LOGDIR/memory.log")
	fi

	print_report "$have_runsc"
	[ -n "$have_ext4" ] && print_disk_report
	check_host_parts
}

# (Re)builds the ext4 disk image of the bench programs when missing or stale.
build_ext4() {
	local out=$1 f stale=""
	[ -f "$out" ] || stale=1
	for f in scripts/mkrootfs.sh "${GUEST_PROGS[@]/#/build/tests/bench/}"; do
		[ -f "$f" ] && [ "$f" -nt "$out" ] && stale=1
	done
	[ -z "$stale" ] && return 0
	say "building $out"
	scripts/mkrootfs.sh -s 1G extra "$out" bench "${GUEST_PROGS[@]/#/build/tests/bench/}"
}

print_disk_report() {
	local cfg line results name unit native v row
	echo
	echo "file I/O with the guest's root on an ext4 disk (through a COW file), against the"
	echo "same program natively on the host's filesystem ($(df -PT "$SCRATCH" | awk 'NR == 2 { print $2 }') at ${SCRATCH%/*}):"
	local -a hdr=("workload" "native")
	for cfg in "${UMLITE_CONFIGS[@]}"; do hdr+=("$(config_label "$cfg") ext4" "ratio"); done
	set_columns "${hdr[@]}"
	for line in "${DISK_WORKLOADS[@]}"; do
		IFS='|' read -r _ results _ _ <<<"$line"
		for name in $results; do
			unit=${UNIT[$name]:-?}
			native=$(result native-disk "$name")
			row=("$name ($unit)" "$(fmt "$native")")
			for cfg in "${UMLITE_CONFIGS[@]}"; do
				v=$(result "ext4:$cfg" "$name")
				row+=("$(fmt "$v")" "$(slowdown "$v" "$native" "$unit")")
			done
			print_row "${row[@]}"
		done
	done
}

print_report() {
	local have_runsc=$1 cfg env line results name unit native v row
	local -a hdr
	echo
	echo "um-lite bench, $(date '+%Y-%m-%d %H:%M'), host $(uname -r), $(nproc) CPUs"
	grep -m1 'model name' /proc/cpuinfo
	echo "median of $REPEAT run(s)${QUICK:+ (BENCH_QUICK)}; ratio = times slower than native"
	echo

	hdr=("workload" "native")
	for cfg in "${UMLITE_CONFIGS[@]}"; do hdr+=("$(config_label "$cfg")" "ratio"); done
	[ -n "$have_runsc" ] && hdr+=("runsc" "ratio")
	set_columns "${hdr[@]}"
	for line in "${WORKLOADS[@]}"; do
		IFS='|' read -r _ results _ _ <<<"$line"
		for name in $results; do
			unit=${UNIT[$name]:-?}
			native=$(result native "$name")
			row=("$name ($unit)" "$(fmt "$native")")
			for cfg in "${UMLITE_CONFIGS[@]}"; do
				v=$(result "umlite:$cfg" "$name")
				row+=("$(fmt "$v")" "$(slowdown "$v" "$native" "$unit")")
			done
			if [ -n "$have_runsc" ]; then
				v=$(result runsc "$name")
				row+=("$(fmt "$v")" "$(slowdown "$v" "$native" "$unit")")
			fi
			print_row "${row[@]}"
		done
	done

	echo
	echo "boot to exit (init=/bin/true; mean of $BOOT_RUNS runs, ms):"
	printf '  %-34s %10s\n' "native /bin/true" "$(fmt "${BOOT[native]}")"
	for cfg in "${UMLITE_CONFIGS[@]}"; do
		printf '  %-34s %10s\n' "$(config_label "$cfg") mem=128M" \
			"$(fmt "${BOOT["umlite:$cfg"]}")"
	done
	[ -n "$have_runsc" ] && printf '  %-34s %10s\n' "runsc do /bin/true" "$(fmt "${BOOT[runsc]}")"

	print_floors
	if [ -n "$MEMREPORT" ]; then
		echo
		echo "$MEMREPORT"
	fi
	if [ ${#NOTES[@]} -gt 0 ]; then
		echo
		echo "notes:"
		printf '  %s\n' "${NOTES[@]}"
	fi
}

print_floors() {
	local pair key label cfg fl fv name unit v ns
	echo
	echo "floors on this machine (host only; ns per intercepted getppid):"
	printf '  %-48s %10s\n' "native getppid, no interception" "$(fmt "$(result native getppid)")"
	for pair in "${FLOOR_LABELS[@]}"; do
		key=${pair%%|*} label=${pair#*|}
		printf '  %-48s %10s\n' "$label" "$(fmt "$(result native "$key")")"
	done

	echo
	echo "umlite against its floor (figure in ns / floor round trip in ns):"
	local -a hdr=("workload")
	for cfg in "${UMLITE_CONFIGS[@]}"; do
		hdr+=("$(config_label "$cfg")")
	done
	set_columns "${hdr[@]}"
	local row=("floor") tgt=("target, getppid")
	for cfg in "${UMLITE_CONFIGS[@]}"; do
		fl=$(floor_for "$cfg")
		row+=("${fl#floor_} $(fmt "$(result native "$fl")")")
		tgt+=("<= $(target_for "$cfg")x")
	done
	print_row "${row[@]}"
	for name in getppid spawn pipe fault; do
		unit=${UNIT[$name]:-?}
		row=("$name")
		for cfg in "${UMLITE_CONFIGS[@]}"; do
			fv=$(result native "$(floor_for "$cfg")")
			v=$(result "umlite:$cfg" "$name")
			ns=$(to_ns "$v" "$unit")
			row+=("$(awk -v a="$ns" -v b="$fv" 'BEGIN { if (a == "n/a" || b == "n/a" ||
				b <= 0) print "n/a"; else printf "%.2fx\n", a / b }')")
		done
		print_row "${row[@]}"
	done
	print_row "${tgt[@]}"
}

# Table output: set_columns HEADER... fixes the column widths (a header's length, at least
# 8; the first column 22), prints the header and a rule; print_row prints one row.
declare -a COLW
set_columns() {
	local h i
	COLW=()
	for h in "$@"; do
		if [ ${#COLW[@]} -eq 0 ]; then COLW+=(22); else COLW+=($((${#h} > 8 ? ${#h} : 8))); fi
	done
	print_row "$@"
	for ((i = 0; i < ${#COLW[@]}; i++)); do
		[ "$i" -gt 0 ] && printf -- '-+-'
		printf -- '-%.0s' $(seq "${COLW[$i]}")
	done
	echo
}

print_row() {
	local i=0 c
	for c in "$@"; do
		if [ "$i" -eq 0 ]; then
			printf '%-*s' "${COLW[0]}" "$c"
		else
			printf ' | %*s' "${COLW[$i]}" "$c"
		fi
		i=$((i + 1))
	done
	echo
}

# The host parts: every native figure and every floor (the two-core one only with two CPUs).
check_host_parts() {
	local line results name ok=0
	for line in "${WORKLOADS[@]}" "${FLOORS[@]}"; do
		IFS='|' read -r _ results _ _ <<<"$line"
		for name in $results; do
			[ "$name" = floor_sysemu_2core ] && [ "$(nproc)" -lt 2 ] && continue
			if [ "$(result native "$name")" = n/a ]; then
				say "host measurement $name failed"
				ok=1
			fi
		done
	done
	return $ok
}

main "$@"
