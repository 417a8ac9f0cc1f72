#!/usr/bin/env bats
# umlite-balance, the memory manager across instances (tools/umlite-balance.c): memory moves
# from an idle instance to a busy one, an overcommitted group (mem= adding up to twice the
# budget) keeps running with its host memory under the budget, and the mconsole `memstat`
# figures it works from (the active fraction sampled by kernel/mm/idle_sample.c).

load helpers

BALANCE=$ROOT/umlite-balance

setup_file() {
	local d=$BATS_FILE_TMPDIR
	mkdir -p "$d/bench"
	gcc -std=gnu11 -O2 -static -o "$d/bench/churn" "$ROOT/tests/bench/churn.c"
	"$ROOT/scripts/mkinitramfs.sh" extra "$d/bal.cpio" bench "$d/bench/churn"
}

setup() {
	UDIR=$BATS_TEST_TMPDIR/uml
	mkdir -p "$UDIR"
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	pkill -9 -f "umlite-balance --budget .* --uml-dir $UDIR" 2>/dev/null
	wait 2>/dev/null || true
}

# start UMID MEM SCRIPT: an instance in the background, output in $BATS_TEST_TMPDIR/UMID.out.
start() {
	timeout -k 5 120 "$UMLITE" mem="$2" umid="$1" uml_dir="$UDIR" "${MODE_ARGS[@]}" \
		initrd="$BATS_FILE_TMPDIR/bal.cpio" init=/bin/sh -- -c "$3" \
		>"$BATS_TEST_TMPDIR/$1.out" 2>&1 &
	PIDS+=($!)
}

# stat UMID FIELD: one figure of the instance's memstat reply.
stat_of() {
	timeout 10 uml_mconsole "$UDIR/$1/mconsole" memstat 2>/dev/null | sed 's/^OK //' | awk -v f="$2" '$1 == f { print $2 }'
}

wait_socket() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$UDIR/$1/mconsole" ] && return 0
		sleep 0.1
	done
	echo "instance $1 did not start" >&2
	return 1
}

# umid_physmem_kb UMID: physmem_kb of the instance's umlite process, 0 when it is gone.
umid_physmem_kb() {
	local pid
	pid=$(cat "$UDIR/$1/pid" 2>/dev/null) && physmem_kb "$pid" 2>/dev/null || echo 0
}

@test "memstat reports the memory figures and the sampled active fraction" {
	start busy 128M '/bench/churn 40 8'
	start idle 128M 'sleep 30; echo idle-ok' # outlives the test (teardown stops it)
	wait_socket busy && wait_socket idle
	stat_of idle boot_kb >/dev/null # the first memstat starts sampling
	stat_of busy boot_kb >/dev/null
	sleep 4
	[ "$(stat_of busy boot_kb)" -gt 120000 ]
	[ "$(stat_of busy used_kb)" -gt 40000 ]
	[ "$(stat_of busy sample_periods)" -ge 2 ]
	# churn writes every page of its 40 MiB each pass: nearly all samples are touched.
	busy_pm=$(stat_of busy active_permille)
	idle_pm=$(stat_of idle active_permille)
	echo "active: busy $busy_pm, idle $idle_pm (per mille)"
	[ "$busy_pm" -gt 500 ]
	[ "$idle_pm" -lt 200 ]
	wait "${PIDS[0]}"
	grep -q '^OK' "$BATS_TEST_TMPDIR/busy.out" # sampling lost no data
}

@test "umlite-balance moves memory from an idle instance to a busy one" {
	start busy 256M '/bench/churn 110 14'
	start idle 256M 'x=$(head -c 50000000 /dev/zero | wc -c); sleep 14; echo idle-ok'
	wait_socket busy && wait_socket idle
	"$BALANCE" --budget 256M --period 0.5 --uml-dir "$UDIR" >"$BATS_TEST_TMPDIR/bal.log" &
	PIDS+=($!)
	local i busy_kb idle_kb ok=
	for ((i = 0; i < 40; i++)); do
		sleep 0.5
		busy_kb=$(stat_of busy mem_kb) idle_kb=$(stat_of idle mem_kb)
		[ -n "$busy_kb" ] && [ -n "$idle_kb" ] || continue
		# At a 75% tax, the idle one ends near a quarter of what the busy one has.
		if [ "$idle_kb" -lt 100000 ] && [ "$busy_kb" -gt 150000 ]; then
			ok=1
			break
		fi
	done
	cat "$BATS_TEST_TMPDIR/bal.log"
	echo "busy ${busy_kb}K idle ${idle_kb}K after $((i / 2)) s"
	[ -n "$ok" ]
	[ $((busy_kb + idle_kb)) -le $((256 * 1024 + 8 * 1024)) ]
	grep -q 'idle: mem' "$BATS_TEST_TMPDIR/bal.log" # one log line per change
	wait "${PIDS[0]}" "${PIDS[1]}"
	grep -q '^OK' "$BATS_TEST_TMPDIR/busy.out"
	grep -q 'idle-ok' "$BATS_TEST_TMPDIR/idle.out"
}

@test "an overcommitted group keeps running under the budget, nobody killed" {
	local u n=4 peak=0 sum i
	# mem= adds up to 512M, twice the budget; each guest uses about 45M.
	for ((u = 0; u < n; u++)); do
		start "vm$u" 128M '/bench/churn 40 12 && echo done'
	done
	for ((u = 0; u < n; u++)); do wait_socket "vm$u"; done
	"$BALANCE" --budget 256M --period 0.5 --uml-dir "$UDIR" >"$BATS_TEST_TMPDIR/bal.log" &
	PIDS+=($!)
	sleep 2 # the first rounds inflate every balloon
	local mem mem_peak=0 m
	local bal=${PIDS[-1]}
	for ((i = 0; i < 10; i++)); do
		sum=0 mem=0
		# One snapshot of the group: the manager is paused while the four are read (a
		# command it sent is carried out before the memstat queued behind it), else one
		# read could be from before a shrink and the next from after the grow it paid for.
		kill -STOP "$bal"
		for ((u = 0; u < n; u++)); do
			sum=$((sum + $(umid_physmem_kb "vm$u")))
			m=$(stat_of "vm$u" mem_kb)
			mem=$((mem + ${m:-0}))
		done
		kill -CONT "$bal"
		[ "$sum" -gt "$peak" ] && peak=$sum
		[ "$mem" -gt "$mem_peak" ] && mem_peak=$mem
		sleep 0.4
	done
	echo "peak host memory of the group: $((peak / 1024)) MiB (budget 256 MiB)"
	[ "$peak" -le $((256 * 1024)) ]
	# The guarantee behind it: the balloons hold every guest at or under its target, and
	# the targets add up to the budget, so no guest can grow the group past it.
	echo "peak memory of the group's guests: $((mem_peak / 1024)) MiB"
	[ "$mem_peak" -le $((256 * 1024 + 4 * 1024)) ]
	for ((u = 0; u < n; u++)); do
		wait "${PIDS[$u]}" || { echo "vm$u: status $?" && cat "$BATS_TEST_TMPDIR/vm$u.out" && false; }
		grep -q '^OK' "$BATS_TEST_TMPDIR/vm$u.out"
		grep -q '^done' "$BATS_TEST_TMPDIR/vm$u.out"
	done
}

@test "umlite-balance refuses bad options with a clear message" {
	run "$BALANCE"
	assert_status 2
	assert_contains "$output" "--budget is required"
	run "$BALANCE" --budget lots
	assert_status 2
	assert_contains "$output" "bad --budget 'lots'"
	run "$BALANCE" --budget 1G --tax 1.5
	assert_status 2
	assert_contains "$output" "--tax wants 0 <= RATE < 1"
	run "$BALANCE" --budget 1G --once --uml-dir "$UDIR"
	assert_status 0
	assert_contains "$output" "0 instances"
}
