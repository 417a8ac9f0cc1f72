#!/usr/bin/env bats
# The management console, driven by the real uml_mconsole client (Debian uml-utilities)
# against running instances, plus hand-made malformed datagrams and the notify socket.
# HOME points into the test's directory, so umlite's ~/.uml and the client's lookup of
# ~/.uml/NAME/mconsole meet there.
# Conditions for wait_until are single-quoted on purpose (evaluated at each try); bats
# gives each test its own subshell and sets $stderr.
# shellcheck disable=SC2016,SC2030,SC2031,SC2154
bats_require_minimum_version 1.5.0
load helpers.bash

setup() {
	# Built without the console (make menuconfig: MCONSOLE): nothing to test here.
	grep -q '^#define CONFIG_MCONSOLE 1' "$ROOT/build/autoconf.h" ||
		skip "umlite was built without CONFIG_MCONSOLE"
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	UDIR=$HOME/.uml
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	UPID=
	ID=
}

teardown() {
	if [ -n "$UPID" ]; then
		kill "$UPID" 2>/dev/null || true
		wait "$UPID" 2>/dev/null || true
	fi
}

# wait_until CONDITION: poll (up to 20 s) until the shell condition holds.
wait_until() {
	local i
	for ((i = 0; i < 400; i++)); do
		eval "$1" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $1" >&2
	return 1
}

# start UMID SCRIPT [OPTION...]: boot in the background with SCRIPT run by init=/bin/sh,
# and wait for the mconsole socket. UPID is the pid of the timeout wrapping umlite.
start() {
	ID=$1
	local script=$2
	shift 2
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$ROOTFS" \
		"${MODE_ARGS[@]}" umid="$ID" "$@" init=/bin/sh -- -c "$script" \
		>"$OUT" 2>"$ERR" </dev/null 3>&- &
	UPID=$!
	wait_until "[ -S '$UDIR/$ID/mconsole' ]"
}

# finish: wait for the instance to end by itself; its exit status is left in $status.
finish() {
	status=0
	wait "$UPID" || status=$?
	UPID=
}

mc() { timeout 10 uml_mconsole "$ID" "$@"; }
nlines() { wc -l <"$OUT"; }

@test "mconsole version names um-lite and its kernel release" {
	start v1 'sleep 100'
	run mc version
	assert_status 0
	assert_equal "OK Linux umlite 6.1.0-um-lite #1 SMP x86_64" "$output"
	# The pid file names umlite itself.
	pid=$(cat "$UDIR/v1/pid")
	[ "$(readlink "/proc/$pid/exe")" = "$UMLITE" ]
}

@test "help lists the commands; an unknown command is UML's error with status 1" {
	start h1 'sleep 100'
	run mc help
	assert_status 0
	for c in version help halt reboot config remove sysrq cad stop go log proc stack; do
		assert_contains "$output" "    $c "
	done
	run mc frobnicate
	assert_status 1
	assert_equal "ERR Unknown command" "$output"
}

@test "halt ends the instance with status 0 and removes its umid directory" {
	start h2 'echo up; sleep 100'
	wait_until "grep -q up '$OUT'"
	run mc halt
	assert_status 0
	assert_equal "OK " "$output"
	finish
	assert_status 0
	[ ! -e "$UDIR/h2" ]
}

@test "the umid directory goes at every exit: init's exit, SIGTERM; a random umid without umid=" {
	run umlite umid=e1 init=/bin/sh -- -c 'ls /; exit 3'
	assert_status 3
	[ ! -e "$UDIR/e1" ]
	start e2 'sleep 100'
	kill -TERM "$UPID"
	finish
	[ ! -e "$UDIR/e2" ]
	timeout 60 "$UMLITE" mem=128M initrd="$ROOTFS" init=/bin/sh -- -c 'sleep 100' \
		>"$OUT" 2>"$ERR" </dev/null 3>&- &
	UPID=$!
	wait_until "ls '$UDIR'/*/mconsole >/dev/null 2>&1"
	name=$(basename "$(dirname "$(ls "$UDIR"/*/mconsole)")")
	[[ $name =~ ^[A-Za-z0-9]{6}$ ]]
	ID=$name
	run mc version
	assert_status 0
	kill -TERM "$UPID"
	finish
	[ -z "$(ls -A "$UDIR")" ]
}

@test "a second instance with the same umid is refused while the first runs" {
	start s1 'sleep 100'
	run --separate-stderr umlite umid=s1 init=/bin/sh -- -c 'echo SECOND'
	[ "$status" -ne 0 ]
	assert_not_contains "$output" "SECOND"
	assert_contains "$stderr" "umid in use"
	assert_contains "$stderr" "pid $(cat "$UDIR/s1/pid")"
	run mc version
	assert_status 0
}

@test "the directory of a dead instance is taken over" {
	mkdir -p "$UDIR/d1"
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	echo "$dead" >"$UDIR/d1/pid"
	touch "$UDIR/d1/mconsole"
	start d1 'sleep 100'
	run mc version
	assert_status 0
	[ "$(cat "$UDIR/d1/pid")" != "$dead" ]
}

@test "proc returns a guest /proc file, even with /proc unmounted; long replies span packets" {
	start p1 'grep MemTotal /proc/meminfo; umount /proc; echo unmounted
		while :; do sleep 1; done'
	wait_until "grep -q unmounted '$OUT'"
	run mc proc meminfo
	assert_status 0
	assert_equal "OK " "${lines[0]}"
	assert_equal "$(grep MemTotal "$OUT")" "${lines[1]}"
	run mc proc 1/status
	assert_status 0
	[ "${#output}" -gt 600 ] # more than one 511-byte packet
	assert_contains "$output" "$(printf 'Name:\tsh')"
	assert_contains "$output" "nonvoluntary_ctxt_switches:"
	run mc proc no/such/file
	assert_status 1
	assert_equal "ERR Failed to open file" "$output"
}

@test "log writes its text into the kernel log (a warning: it reaches stderr)" {
	start l1 'sleep 100'
	run mc log hello from the host
	assert_status 0
	wait_until "grep -q 'hello from the host' '$ERR'"
}

@test "stop pauses the whole instance, the mconsole still answers, go resumes it" {
	start g1 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	wait_until '[ "$(nlines)" -ge 3 ]'
	run mc stop
	assert_status 0
	assert_equal "OK stopped" "$output"
	before=$(nlines)
	sleep 1
	assert_equal "$before" "$(nlines)"
	run mc version
	assert_status 0
	run mc stop
	assert_status 1
	assert_equal "ERR Already stopped" "$output"
	assert_equal "$before" "$(nlines)"
	run mc go
	assert_status 0
	wait_until '[ "$(nlines)" -gt $((before + 3)) ]'
	run mc go
	assert_status 1
	assert_equal "ERR Not stopped" "$output"
}

@test "reboot restarts the instance: init runs again in the same process, same umid" {
	start r1 'echo BOOTED; sleep 100'
	wait_until "grep -q BOOTED '$OUT'"
	pid=$(cat "$UDIR/r1/pid")
	run mc reboot
	assert_status 0
	wait_until '[ "$(grep -c BOOTED "$OUT")" -eq 2 ]'
	wait_until "[ -S '$UDIR/r1/mconsole' ]"
	assert_equal "$pid" "$(cat "$UDIR/r1/pid")"
	run mc halt
	assert_status 0
	finish
	assert_status 0
	[ ! -e "$UDIR/r1" ]
}

@test "a reboot on a terminal: the new kernel takes the terminal back; restored at the end" {
	run python3 "$BATS_TEST_DIRNAME/pty-run.py" -- timeout -k 5 60 "$UMLITE" mem=128M \
		initrd="$ROOTFS" "${MODE_ARGS[@]}" init=/bin/sh <<'S'
wait #
send echo first-boot\n
wait first-boot
send reboot -f\n
wait built-in shell
wait #
send echo $((40 + 2)); exit 4\n
wait 42
S
	assert_status 0
	assert_contains "$output" "PTY-EXIT 4"
	assert_contains "$output" "PTY-ATTRS same"
}

@test "a guest reboot restarts too, and with noreboot it halts with status 0" {
	run umlite umid=n1 noreboot init=/bin/sh -- -c 'echo once; reboot -f; sleep 5; echo no'
	assert_status 0
	assert_equal "once" "$output"
	[ ! -e "$UDIR/n1" ]
}

@test "cad reboots an init that did not turn Ctrl-Alt-Del off, and signals one that did" {
	start c1 'echo BOOTED; sleep 100'
	wait_until "grep -q BOOTED '$OUT'"
	run mc cad
	assert_status 0
	wait_until '[ "$(grep -c BOOTED "$OUT")" -eq 2 ]'
	kill "$UPID"
	finish
	# busybox init turns it off at start and runs its ctrlaltdel action on SIGINT.
	mkdir -p "$BATS_TEST_TMPDIR/extra/etc"
	printf '::sysinit:/bin/echo INIT-UP\n::ctrlaltdel:/bin/echo GOT-CAD\n' \
		>"$BATS_TEST_TMPDIR/extra/etc/inittab"
	(cd "$BATS_TEST_TMPDIR/extra" && find etc | cpio --quiet -o -H newc --owner=0:0) \
		>"$BATS_TEST_TMPDIR/extra.cpio"
	cat "$ROOTFS" "$BATS_TEST_TMPDIR/extra.cpio" >"$BATS_TEST_TMPDIR/init.cpio"
	ID=c2
	timeout -k 5 "$BOOT_TIMEOUT" "$UMLITE" mem=128M initrd="$BATS_TEST_TMPDIR/init.cpio" \
		umid=c2 init=/sbin/init >"$OUT" 2>"$ERR" </dev/null 3>&- &
	UPID=$!
	wait_until "grep -q INIT-UP '$OUT' && [ -S '$UDIR/c2/mconsole' ]"
	run mc cad
	assert_status 0
	wait_until "grep -q GOT-CAD '$OUT'"
	assert_equal 1 "$(grep -c INIT-UP "$OUT")"
}

@test "sysrq: t lists tasks with states, m memory, e terminates processes, unknown keys help" {
	start q1 'sleep 100 & echo started; wait; echo WAITED; sleep 100'
	wait_until "grep -q started '$OUT'"
	# the sleep is asleep once it has started (its exec takes a moment after the echo)
	wait_until "mc sysrq t | grep -q 'task:sleep  *state:S'"
	run mc sysrq t
	assert_status 0
	assert_contains "$output" "sysrq: Show State"
	assert_contains "$output" "task:sh              state:S pid:1 "
	assert_contains "$output" "task:sleep           state:S"
	run mc sysrq m
	assert_status 0
	assert_contains "$output" "Mem-Info:"
	run mc sysrq e
	assert_status 0
	wait_until "grep -q WAITED '$OUT'"
	run mc sysrq c
	assert_status 0
	assert_contains "$output" "needs the debug option"
	run mc sysrq
	assert_status 0
	assert_contains "$output" "sysrq: HELP"
	run mc version
	assert_status 0
}

@test "stack PID shows the task and its kernel calls; UML's errors otherwise" {
	start k1 'echo up; while :; do sleep 1; done'
	wait_until "grep -q up '$OUT'"
	run mc stack 1
	assert_status 0
	assert_contains "$output" "task:sh"
	assert_contains "$output" "Call Trace"
	run mc stack 99999
	assert_status 1
	assert_equal "ERR Couldn't find that pid" "$output"
	run mc stack
	assert_status 1
	assert_equal "ERR Please specify a pid" "$output"
}

@test "config and remove: mem answers and balloons, bad values and hot-plug get UML's errors" {
	start f1 'sleep 100'
	run mc config mem
	assert_status 0
	[[ $output =~ ^OK\ [0-9]+M$ ]]
	size=${output#OK }
	size=${size%M}
	run mc config mem=-16M
	assert_status 0
	run mc config mem
	assert_equal "OK $((size - 16))M" "$output"
	run mc config mem=16M
	assert_status 1
	assert_equal "ERR Expected increment to start with '-' or '+'" "$output"
	run mc config mem=
	assert_status 1
	assert_equal "ERR Expected increment to start with '-' or '+'" "$output"
	run mc config mem=-junk
	assert_status 1
	assert_equal "ERR Failed to parse memory increment" "$output"
	run mc config mem=-0
	assert_status 1
	assert_contains "$output" "at least one page"
	run mc config mem=+1G
	assert_status 1
	assert_equal "ERR Memory can't grow beyond its boot size (mem=128M): only 16M were taken" \
		"$output"
	run mc config mem=+16M
	assert_status 0
	run mc config mem
	assert_equal "OK ${size}M" "$output"
	# More than is free: what can be taken is, and the answer says how much (UML is silent).
	run mc config mem=-1G
	assert_status 1
	[[ $output =~ ^ERR\ Could\ take\ only\ [0-9]+M\ of\ the\ 1G\ asked ]]
	run mc config mem
	assert_status 0
	[ "${output//[^0-9]/}" -lt 16 ]
	run mc remove mem
	assert_status 1
	assert_equal "ERR Memory doesn't support the remove operation" "$output"
	run mc config eth0=slirp
	assert_status 1
	assert_contains "$output" "not supported"
	run mc config nosuch=1
	assert_status 1
	assert_equal "ERR Bad configuration option" "$output"
	run mc remove nosuch1
	assert_status 1
	assert_equal "ERR Bad remove option" "$output"
}

@test "malformed datagrams get an error reply or none, and the instance keeps running" {
	start m1 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	run python3 "$BATS_TEST_DIRNAME/mconsole-raw.py" "$UDIR/m1/mconsole" good wrong-magic \
		text empty short bad-version huge-len len-512 truncated oversized unbound flood good
	assert_status 0
	expect="good: OK Linux umlite 6.1.0-um-lite #1 SMP x86_64
wrong-magic: RAW ERR Version 0 mconsole clients are not supported by this driver
text: RAW ERR Version 0 mconsole clients are not supported by this driver
empty: RAW ERR Version 0 mconsole clients are not supported by this driver
short: ERR Request too short
bad-version: ERR This driver only supports version 2 clients
huge-len: ERR Request too large
len-512: ERR Request too large
truncated: ERR Request length exceeds the datagram
oversized: ERR Request too large
unbound: NO REPLY"
	assert_equal "$expect" "$(printf '%s\n' "${lines[@]:0:11}")"
	[[ ${lines[11]} =~ ^flood:\ [0-9]+\ replies$ ]]
	assert_equal "good: OK Linux umlite 6.1.0-um-lite #1 SMP x86_64" "${lines[12]}"
	before=$(nlines)
	wait_until '[ "$(nlines)" -gt $((before + 3)) ]'
	run mc version
	assert_status 0
}

@test "the notify socket hears the mconsole is ready, /proc/mconsole writes, and a panic (sysrq c)" {
	sock=$BATS_TEST_TMPDIR/notify
	python3 "$BATS_TEST_DIRNAME/mconsole-notify.py" "$sock" 3 >"$BATS_TEST_TMPDIR/notes" \
		2>"$BATS_TEST_TMPDIR/nerr" 3>&- &
	npid=$!
	wait_until "grep -q READY '$BATS_TEST_TMPDIR/nerr'"
	start t1 'echo hello > /proc/mconsole; echo wrote; sleep 100' debug mconsole=notify:"$sock"
	wait_until "grep -q wrote '$OUT'"
	run mc sysrq c
	assert_status 0
	finish
	assert_status 125
	wait "$npid"
	assert_equal "socket $UDIR/t1/mconsole
user hello\\n
panic sysrq triggered crash" "$(cat "$BATS_TEST_TMPDIR/notes")"
	[ ! -e "$UDIR/t1" ]
	# The report: reason, the task (usually the idle task: the request is served while the
	# guest sleeps; on a loaded host the shell may still be starting sleep), a backtrace
	# with names from the crash through the mconsole command, the log's tail.
	err=$(cat "$ERR")
	assert_contains "$err" "Kernel panic - not syncing: sysrq triggered crash"
	[[ $err == *"Task: swapper (pid 0, the idle task: no guest task was running)"* ||
		$err =~ Task:\ [^\ ]+\ \(pid\ [1-9][0-9]*,\ tgid ]]
	echo "$err" | grep -E '^ sysrq_handle\+0x[0-9a-f]+/0x[0-9a-f]+ \(umlite\+0x[0-9a-f]+\)$'
	echo "$err" | grep -E '^ cmd_sysrq\+'
	assert_contains "$err" "Kernel log before the panic (last 20 lines):"
	assert_contains "$err" "mconsole (version 2) initialized on $UDIR/t1/mconsole"
	assert_contains "$err" "---[ end Kernel panic - not syncing: sysrq triggered crash ]---"
}
