#!/usr/bin/env bats
# TCP over the packet NICs (kernel/net/wtcp.c, wtcp_sock.c): two instances on one real
# uml_switch stream megabytes to each other with busybox nc (checksums compared), see a
# refused port and their connection in /proc/net/tcp; and, behind a tap device of a
# private network namespace (unshare -n), the guest and the host's Linux TCP talk both
# ways (python3 on the host side).
bats_require_minimum_version 1.5.0
load helpers.bash
load net_helpers.bash

# md5 N: the checksum of `seq 1 N`.
md5() {
	seq 1 "$1" | md5sum | cut -d" " -f1
}

teardown() {
	[ -n "${SW_PID:-}" ] && kill "$SW_PID" 2>/dev/null || true
	wait 2>/dev/null || true
}

@test "wtcp: two instances on one uml_switch stream megabytes both ways over TCP" {
	local sw a=$BATS_TEST_TMPDIR/a.log
	start_switch
	sw=$SW
	# The receiving nc's stdin is a FIFO that stays open: busybox nc sends its FIN at the
	# end of its stdin, and stops sending when it reads the peer's FIN.
	boot eth0=daemon,fe:fd:00:00:07:01,unix,"$sw" -- '
		ifconfig eth0 192.168.7.1 netmask 255.255.255.0 up; mkfifo /tmp/p; exec 3<>/tmp/p
		nc -l -p 7002 </tmp/p >/dev/null &
		echo ready; nc -l -p 7000 </tmp/p | md5sum >/tmp/sum; cat /tmp/sum
		seq 1 300000 | nc -l -p 7001; wait' >"$a" 2>&1 &
	local a_pid=$!
	wait_for "$a" ready
	run boot eth0=daemon,,unix,"$sw" -- 'ip addr add 192.168.7.2/24 dev eth0; ip link set eth0 up
		mkfifo /tmp/p; exec 3<>/tmp/p
		echo sent $(seq 1 700000 | md5sum)
		seq 1 700000 | nc 192.168.7.1 7000 && echo nc=$?
		sleep 0.2; echo got $(nc 192.168.7.1 7001 </tmp/p | md5sum)
		nc 192.168.7.1 7999 </dev/null
		sleep 2 | nc 192.168.7.1 7002 & sleep 1; cat /proc/net/tcp; wait
		echo after; cat /proc/net/tcp'
	assert_status 0
	assert_contains "$output" "nc=0"
	assert_contains "$output" "sent $(md5 700000)"
	assert_contains "$output" "got $(md5 300000)"
	assert_contains "$output" "Connection refused"
	# B's end of the open connection to A's port 7002: ESTABLISHED (01); once B closed
	# first, the engine's TIME_WAIT (06) with no socket left.
	assert_contains "$output" " 0107A8C0:1B5A 01 "
	assert_contains "${output#*after}" " 0107A8C0:1B5A 06 "
	wait "$a_pid"
	run cat "$a"
	assert_contains "$output" "$(md5 700000)"
}

@test "wtcp: eth0=tuntap: the guest and the host's Linux TCP talk both ways" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n)"
	command -v python3 >/dev/null || skip "no python3 on the host"
	export LOG=$BATS_TEST_TMPDIR/g.log SRV=$BATS_TEST_TMPDIR/srv.log
	export PYRECV='
import hashlib, socket, sys, time
if sys.argv[1] == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("192.168.9.1", 7000)); s.listen(1); s.settimeout(30); c, a = s.accept()
else:
    for i in range(100):
        try:
            c = socket.create_connection(("192.168.9.2", 8000), timeout=10); break
        except OSError: time.sleep(0.1)
c.settimeout(30); h = hashlib.md5(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
print("host", sys.argv[1], n, h.hexdigest()); c.close()'
	run timeout -k 5 90 unshare -n sh -c '
		ip link set lo up && ip tuntap add tap0 mode tap &&
		ip addr add 192.168.9.1/24 dev tap0 && ip link set tap0 up || exit 99
		python3 -c "$PYRECV" server >$SRV 2>&1 &
		for i in $(seq 200); do grep -q ":1B58 00000000:0000 0A" /proc/net/tcp && break
			sleep 0.05; done
		"$@" init=/bin/sh -- -c "ifconfig eth0 192.168.9.2 netmask 255.255.255.0 up
			seq 1 300000 | nc 192.168.9.1 7000; echo sent=\$?
			seq 1 200000 | nc -l -p 8000; echo served=\$?" >$LOG 2>&1 &
		for i in $(seq 200); do grep -q sent= $LOG && break; sleep 0.05; done
		python3 -c "$PYRECV" client; wait; cat $SRV $LOG' sh \
		"$UMLITE" mem=128M initrd="$TESTFS" "${MODE_ARGS[@]}" quiet eth0=tuntap,tap0
	[ "$status" -ne 99 ] || skip "cannot make a tap device in the namespace"
	assert_status 0
	assert_contains "$output" "host server 1988895 $(md5 300000)"
	assert_contains "$output" "host client 1288895 $(md5 200000)"
	assert_contains "$output" "sent=0"
	assert_contains "$output" "served=0"
}
