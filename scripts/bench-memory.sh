#!/usr/bin/env bash
# `make bench`, the host-memory part (scripts/bench.sh runs it; it also runs alone):
# what an instance costs the host, measured from the host side.
#
#   idle instance memory   PSS summed over umlite and its SKAS stub processes
#                          (/proc/PID/smaps_rollup) for busybox sh waiting at a prompt,
#                          and the allocated size of the physmem file (the guest RAM the
#                          host backs), at mem=256M and mem=4G
#   memory after freeing   a guest writes a 200 MiB tmpfs file and removes it, or a process
#                          fills a 200 MiB buffer and exits: the physmem file at its peak
#                          and after, and the seconds from the guest's word that it freed
#                          the memory until the host has it back (within 8 MiB of idle)
#   page sharing           ksm=1, two processes each filling 50 MiB with the same bytes:
#                          pages_sharing, the physmem file before and after, how long the
#                          scanner took, and its CPU time (ksmd's, from /proc/PID/stat in
#                          the guest) while merging and once everything is merged
#   10 instances           ten instances booted from build/rootfs.ext4, each with its own
#                          COW file, against ten times one (PSS sums), with ubd_share on
#                          and off; the same with the Debian image ($DEBIAN_IMAGE), each
#                          instance running python3 (`scripts/bench-memory.sh many 10
#                          [IMAGE]` runs only this one)
#   memory manager         umlite-balance --budget 1G over two mem=1G instances: how much
#                          memory moves to the one that gets busy, and how fast
#   balloon                uml_mconsole config mem=-256M, then mem=+256M, on an idle
#                          mem=512M guest: the wall time of each, MemTotal after each
#                          (`scripts/bench-memory.sh balloon` runs only this one)
#   balloon under load     the same inflation by 256 MiB of a mem=512M guest whose awk
#                          holds a 400 MiB string, with a swap device (a sparse ubd file):
#                          what was in use is swapped out first (pswpout during the
#                          inflation); the wall time
#                          (`scripts/bench-memory.sh balloon-load` runs only this one)
#
# The guest and this script take turns: the guest prints a word and reads a line from its
# console (a FIFO held open here), so every measurement is taken while the guest waits.
# Every instance runs under a timeout; a step that fails prints n/a.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

UMLITE=${UMLITE:-./umlite}
TIMEOUT=${BENCH_TIMEOUT:-60}
ROOTFS=build/rootfs.cpio
BENCH_CPIO=build/bench.cpio
WORK=$(mktemp -d "${TMPDIR:-/tmp}/umlite-benchmem.XXXXXX") || exit 1
BG=        # the timeout wrapper of the running instance
UPID=      # the umlite process under it
OUT=

cleanup() {
	stop_instance
	rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- an instance

# start NAME ARGS...: boot in the background; console in from $WORK/NAME.in, out to OUT.
start() {
	local name=$1
	shift
	OUT=$WORK/$name.out
	mkfifo "$WORK/$name.in"
	exec 7<>"$WORK/$name.in"
	timeout -k 5 "$TIMEOUT" "$UMLITE" "$@" <"$WORK/$name.in" >"$OUT" 2>"$WORK/$name.err" &
	BG=$!
	UPID=
	for _ in $(seq 100); do
		UPID=$(children "$BG" | head -1)
		[ -n "$UPID" ] && return 0
		sleep 0.01
	done
	return 1
}

stop_instance() {
	exec 7>&- 2>/dev/null
	if [ -n "$BG" ]; then
		[ -n "$UPID" ] && kill -9 "$UPID" 2>/dev/null
		kill -9 "$BG" 2>/dev/null
		wait "$BG" 2>/dev/null
	fi
	BG='' UPID=''
}

go() { echo >&7; }

children() {
	local p
	if [ -r "/proc/$1/task/$1/children" ]; then
		tr ' ' '\n' <"/proc/$1/task/$1/children" | sed '/^$/d'
		return
	fi
	for p in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$1" ] && basename "$p"
	done
}

# wait_for TEXT [COUNT] [SECONDS]
wait_for() {
	local i
	for ((i = 0; i < ${3:-30} * 100; i++)); do
		[ "$(grep -c -- "$1" "$OUT")" -ge "${2:-1}" ] && return 0
		sleep 0.01
	done
	return 1
}

physmem_kb() {
	local fd
	for fd in /proc/"$UPID"/fd/*; do
		case $(readlink "$fd") in
		*memfd:umlite-physmem*) echo $(($(stat -L -c %b "$fd") / 2)); return 0 ;;
		esac
	done
	return 1
}

pss_kb() {
	local p sum=0
	for p in "$UPID" $(children "$UPID"); do
		sum=$((sum + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}

# CPU time of umlite in clock ticks (utime + stime).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$UPID/stat"; }

now() { date +%s.%N; }
mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "n/a") print "n/a"; else printf "%.1f MiB", k / 1024 }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f s", b - a }'; }

row() { printf '  %-46s %s\n' "$1" "$2"; }

# ---------------------------------------------------------------- the measurements

idle_instance() { # MEM
	local pss phys
	if start idle "mem=$1" initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 0.5; echo READY; read x' &&
		wait_for READY; then
		pss=$(pss_kb) phys=$(physmem_kb)
		row "idle instance memory (busybox sh, mem=$1)" \
			"PSS $(mib "$pss"), physmem file $(mib "$phys") (target <= 8 MiB)"
	else
		row "idle instance memory (busybox sh, mem=$1)" n/a
	fi
	go
	stop_instance
}

# after_free LABEL SCRIPT: SCRIPT prints IDLE, reads, allocates (ALLOC, reads), frees
# (FREED, reads); the physmem file at each step and the time until it is back near idle.
after_free() {
	local label=$1 script=$2 idle peak=0 t0 t1 m after=n/a back=n/a said=
	if ! start free mem=512M initrd="$ROOTFS" init=/bin/sh -- -c "$script" || ! wait_for IDLE; then
		row "$label" n/a
		stop_instance
		return
	fi
	idle=$(physmem_kb)
	go
	while ! grep -q FREED "$OUT"; do
		m=$(physmem_kb) || break
		[ "$m" -gt "$peak" ] && peak=$m
		if [ -z "$said" ] && grep -q ALLOC "$OUT"; then
			m=$(physmem_kb) && [ "$m" -gt "$peak" ] && peak=$m
			go
			said=1
		fi
		sleep 0.01
	done
	t0=$(now)
	for _ in $(seq 500); do
		m=$(physmem_kb) || break
		if [ "$m" -lt $((idle + 8192)) ]; then
			t1=$(now) back=$(secs "$t0" "$t1")
			break
		fi
		sleep 0.01
	done
	sleep 1
	after=$(physmem_kb)
	row "$label" "idle $(mib "$idle"), peak $(mib "$peak"), after $(mib "$after"), back in $back"
	go
	stop_instance
}

# sharing: ksm=1, two fillers. The guest reports pages_sharing and ksmd's CPU time (its
# /proc/PID/stat stime, in 1/100 s) every 0.2 s with shell builtins only.
sharing() {
	local idle filled t0 t1 s=0 k0 k1 k2 after i line
	# shellcheck disable=SC2016 # expanded by the guest's shell
	local script='sleep 0.5; echo IDLE; read x
		for d in /proc/[0-9]*; do read c <$d/comm; [ "$c" = ksmd ] && k=$d; done
		/bench/fill 50 /tmp/stop & /bench/fill 50 /tmp/stop &
		while [ ! -e /tmp/stop ]; do read s </sys/kernel/mm/ksm/pages_sharing
			read st <$k/stat; set -- $st; echo S $s ${15}; sleep 0.2
		done & read x; touch /tmp/stop; wait; echo DONE'
	local label="page sharing, 2 x 50 MiB alike (ksm=1)"
	if ! start ksm mem=512M ksm=1 initrd="$BENCH_CPIO" init=/bin/sh -- -c "$script" ||
		! wait_for IDLE; then
		row "$label" n/a
		stop_instance
		return
	fi
	idle=$(physmem_kb)
	go
	if ! wait_for FILLED 2; then
		row "$label" n/a
		stop_instance
		return
	fi
	t0=$(now) filled=$(physmem_kb)
	k0=$(grep '^S ' "$OUT" | tail -1 | awk '{ print $3 }')
	for ((i = 0; i < 3000; i++)); do
		line=$(grep '^S ' "$OUT" | tail -1)
		s=$(awk '{ print $2 }' <<<"$line") k1=$(awk '{ print $3 }' <<<"$line")
		[ "${s:-0}" -ge 12800 ] && break
		sleep 0.01
	done
	t1=$(now)
	sleep 0.5 # the merged-away frames go back to the host
	after=$(physmem_kb)
	sleep 2
	k2=$(grep '^S ' "$OUT" | tail -1 | awk '{ print $3 }')
	go
	wait_for DONE 1 10
	row "$label" "pages_sharing $s after $(secs "$t0" "$t1"); physmem above idle $(mib \
		$((filled - idle))) -> $(mib $((after - idle)))$(grep -q BAD "$OUT" && echo ', BAD DATA')"
	row "ksmd CPU (defaults: 256 pages / 20 ms)" "$(awk -v a="${k0:-0}" -v b="${k1:-0}" \
		-v c="${k2:-0}" -v t="$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }')" \
		'BEGIN { printf "%.2f s while merging (%.0f%% of one CPU), %.1f%% once merged",
			(b - a) / 100, (b - a) / 100 / (t > 0 ? t : 1) * 100, (c - b) / 100 / 2.5 * 100 }')"
	stop_instance
}

# balloon: an idle mem=512M guest; the wall time of `uml_mconsole config mem=-256M` and of
# `config mem=+256M` (each a whole uml_mconsole run), and MemTotal after each.
balloon() {
	local label="balloon inflate / deflate by 256 MiB (mem=512M)" t0 t1 t2 d1 r1 r2 m1 m2
	local script='sleep 0.5; echo IDLE; read x; grep MemTotal /proc/meminfo; read x
		grep MemTotal /proc/meminfo; read x'
	if ! command -v uml_mconsole >/dev/null; then
		row "$label" "n/a (uml_mconsole not installed)"
		return
	fi
	if ! HOME=$WORK start bal mem=512M umid=benchbal initrd="$ROOTFS" init=/bin/sh -- \
		-c "$script" || ! wait_for IDLE; then
		row "$label" n/a
		stop_instance
		return
	fi
	t0=$(now)
	r1=$(HOME=$WORK uml_mconsole benchbal config mem=-256M 2>&1)
	d1=$(secs "$t0" "$(now)")
	go
	wait_for MemTotal 1 10
	t1=$(now)
	r2=$(HOME=$WORK uml_mconsole benchbal config mem=+256M 2>&1)
	t2=$(now)
	go
	wait_for MemTotal 2 10
	m1=$(grep MemTotal "$OUT" | sed -n 1p | awk '{ print $2 }')
	m2=$(grep MemTotal "$OUT" | sed -n 2p | awk '{ print $2 }')
	if [ "$r1" != "OK " ] || [ "$r2" != "OK " ]; then
		row "$label" "n/a (answers: '$r1', '$r2')"
	else
		row "$label" "$d1 / $(secs "$t1" "$t2") (uml_mconsole runs); \
MemTotal $(mib "$m1") -> $(mib "$m2")"
	fi
	stop_instance
}

# balloon under load: mem=512M, 400 MiB held by awk, swap on ubdb; config mem=-256M.
balloon_load() {
	local label="balloon inflate by 256 MiB, 400 MiB in use + swap" t0 d1 r1 out
	local script='mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb
		awk "function vm(l) { while ((getline l <\"/proc/vmstat\") > 0) if (l ~ /^pswpout /)
			print l; close(\"/proc/vmstat\") }
		BEGIN { s = sprintf(\"%400000000s\", \"\"); index(s, \"x\"); vm(); print \"FULL\"; getline x;
			vm(); print length(s) }"; echo DONE; read x'
	if ! command -v uml_mconsole >/dev/null; then
		row "$label" "n/a (uml_mconsole not installed)"
		return
	fi
	truncate -s 512M "$WORK/swap.img"
	if ! HOME=$WORK start ball mem=512M umid=benchball initrd="$ROOTFS" \
		ubdb="$WORK/swap.img" init=/bin/sh -- -c "$script" || ! wait_for FULL 1 60; then
		row "$label" n/a
		stop_instance
		return
	fi
	t0=$(now)
	r1=$(HOME=$WORK uml_mconsole benchball config mem=-256M 2>&1)
	d1=$(secs "$t0" "$(now)")
	go
	wait_for DONE 1 60
	# pswpout before and after: what the inflation itself pushed to swap
	out=$(awk '$1 == "pswpout" { v[n++] = $2 } END { if (n == 2) printf "%.1f MiB",
		(v[1] - v[0]) / 256 }' "$OUT")
	if [ "$r1" != "OK " ] || ! grep -q '^400000000$' "$OUT"; then
		row "$label" "n/a (answer: '$r1')"
	else
		row "$label" "$d1 (uml_mconsole run); swapped out ${out:-n/a}"
	fi
	stop_instance
}

# ---------------------------------------------------------------- several instances

# memstat UMID_DIR FIELD: one figure of an instance's mconsole memstat reply.
memstat() {
	uml_mconsole "$1/mconsole" memstat 2>/dev/null | sed 's/^OK //' |
		awk -v f="$2" '$1 == f { print $2 }'
}

# PSS of the umlite process whose umid directory is $1, and of its stubs.
umid_pss_kb() {
	local UPID
	UPID=$(cat "$1/pid" 2>/dev/null) || { echo 0; return; }
	pss_kb
}

# many_pss N IMAGE SCRIPT ARGS...: boot one instance from IMAGE (own COW file) running
# SCRIPT until it says READY and take its PSS, then N at once; prints "ONE SUM" (KiB).
many_pss() {
	local n=$1 image=$2 script=$3 i one=0 sum=0 d pids=()
	shift 3
	d=$(mktemp -d "$WORK/many.XXXXXX")
	for ((i = 0; i <= n; i++)); do
		# (in a subshell: its death by SIGKILL below is not reported by this shell)
		(timeout -k 5 "$TIMEOUT" "$UMLITE" mem=128M umid="m$i" uml_dir="$d" "$@" \
			ubd0="$d/m$i.cow,$image" root=/dev/ubda init=/bin/sh -- \
			-c "$script" >"$d/m$i.out" 2>&1 </dev/null; true) 2>/dev/null &
		pids+=($!)
		if [ "$i" = 0 ]; then # the single instance, measured alone first
			for _ in $(seq 1500); do grep -q READY "$d/m0.out" && break; sleep 0.02; done
			sleep 0.3
			one=$(umid_pss_kb "$d/m0")
			kill -9 "$(cat "$d/m0/pid")" 2>/dev/null
		fi
	done
	for ((i = 1; i <= n; i++)); do
		for _ in $(seq 1500); do grep -q READY "$d/m$i.out" && break; sleep 0.02; done
	done
	sleep 0.5
	for ((i = 1; i <= n; i++)); do sum=$((sum + $(umid_pss_kb "$d/m$i"))); done
	for ((i = 1; i <= n; i++)); do kill -9 "$(cat "$d/m$i/pid" 2>/dev/null)" 2>/dev/null; done
	{ wait "${pids[@]}"; } 2>/dev/null
	echo "$one $sum"
}

# many N [IMAGE]: N instances booted from build/rootfs.ext4 (or IMAGE: a Debian image,
# whose instances each run python3), each through its own COW file, each having read
# every program and library once; the sum of their PSS against N times one, with the
# image's unmodified pages mapped from the host (ubd_share=on, the default) and without.
many() {
	local n=$1 image=${2:-build/rootfs.ext4} on off script
	local label="$n instances from one image (own COW files)"
	script='ls -lR /bin /sbin /usr /etc >/dev/null 2>&1; busybox --list >/dev/null; echo READY
		sleep 60'
	if [ -n "${2:-}" ]; then
		label="$n Debian instances running python3"
		script="python3 -c 'import time; print(\"READY\", flush=True); time.sleep(60)'"
	fi
	if [ ! -f "$image" ] || ! command -v uml_mconsole >/dev/null; then
		row "$label" "n/a ($image or uml_mconsole missing)"
		return
	fi
	read -r one on < <(many_pss "$n" "$image" "$script")
	read -r _ off < <(many_pss "$n" "$image" "$script" ubd_share=off)
	row "$label" "PSS $(mib "$on") against $n x one = $(mib $((one * n))); \
ubd_share=off $(mib "$off")"
}

# manager: two mem=1G instances under umlite-balance --budget 1G; once they sit at half
# each, one starts using 480 MiB actively; how much memory moves to it, and how fast.
manager() {
	local label="umlite-balance: memory moved to a busy instance" d=$WORK/mgr pids=()
	local m0 m t0 tlast m_last=0 i
	if [ ! -x ./umlite-balance ] || [ ! -f "$BENCH_CPIO" ] || ! command -v uml_mconsole >/dev/null
	then
		row "$label" "n/a (umlite-balance, $BENCH_CPIO or uml_mconsole missing)"
		return
	fi
	mkdir -p "$d"
	(timeout -k 5 "$TIMEOUT" "$UMLITE" mem=1G umid=idle uml_dir="$d" initrd="$BENCH_CPIO" \
		init=/bin/sh -- -c 'sleep 50' >"$WORK/idle.out" 2>&1 </dev/null; true) 2>/dev/null &
	pids+=($!)
	mkfifo "$WORK/busy.in"
	exec 8<>"$WORK/busy.in"
	(timeout -k 5 "$TIMEOUT" "$UMLITE" mem=1G umid=busy uml_dir="$d" initrd="$BENCH_CPIO" \
		init=/bin/sh -- -c 'read x; /bench/churn 480 20' >"$WORK/busy.out" 2>&1 <"$WORK/busy.in"; true) 2>/dev/null &
	pids+=($!)
	for _ in $(seq 200); do [ -S "$d/busy/mconsole" ] && [ -S "$d/idle/mconsole" ] && break
		sleep 0.05; done
	./umlite-balance --budget 1G --period 0.5 --uml-dir "$d" >"$WORK/mgr.log" 2>&1 &
	pids+=($!)
	sleep 3
	m0=$(memstat "$d/busy" mem_kb)
	echo >&8
	for _ in $(seq 1500); do grep -q READY "$WORK/busy.out" && break; sleep 0.01; done
	t0=$(now) tlast=$t0
	for ((i = 0; i < 40; i++)); do
		m=$(memstat "$d/busy" mem_kb)
		if [ -n "$m" ] && [ "$m" != "$m_last" ]; then
			m_last=$m tlast=$(now)
		fi
		sleep 0.25
	done
	exec 8>&-
	kill -9 "$(cat "$d/busy/pid" 2>/dev/null)" "$(cat "$d/idle/pid" 2>/dev/null)" 2>/dev/null
	kill "${pids[2]}" 2>/dev/null # the manager exits on SIGTERM
	{ wait "${pids[@]}"; } 2>/dev/null
	if [ -z "$m0" ] || [ "$m_last" = 0 ]; then
		row "$label" n/a
		return
	fi
	row "$label" "$(mib $((m_last - m0))) (busy $(mib "$m0") -> $(mib "$m_last")), \
settled $(secs "$t0" "$tlast") after it got busy"
}

main() {
	if [ ! -x "$UMLITE" ] || [ ! -f "$ROOTFS" ]; then
		echo "bench-memory: $UMLITE or $ROOTFS missing" >&2
		exit 1
	fi
	echo "host memory (PSS: umlite and its stubs; physmem file: the guest RAM the host backs):"
	idle_instance 256M
	idle_instance 4G
	# shellcheck disable=SC2016
	after_free "memory after freeing a 200 MiB tmpfs file" 'sleep 0.5; echo IDLE; read x
		dd if=/dev/zero of=/tmp/big bs=1M count=200 2>/dev/null; echo ALLOC; read x
		rm /tmp/big; echo FREED; read x'
	after_free "memory after a 200 MiB process exits" 'sleep 0.5; echo IDLE; read x
		dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo FREED; read x'
	if [ -f "$BENCH_CPIO" ]; then
		sharing
	else
		row "page sharing" "n/a ($BENCH_CPIO missing)"
	fi
	balloon
	balloon_load
	many 10
	many 10 "${DEBIAN_IMAGE:-/work/main/build/debian.ext4}"
	manager
}

[ "${1:-}" = balloon ] && { balloon; exit; }
[ "${1:-}" = balloon-load ] && { balloon_load; exit; }
[ "${1:-}" = many ] && { many "${2:-10}" ${3:+"$3"}; exit; }
[ "${1:-}" = manager ] && { manager; exit; }
main "$@"
