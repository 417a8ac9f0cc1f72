#!/usr/bin/env bats
# Networking inside an instance with no options: lo with 127.0.0.1 and ::1, private to
# the instance; busybox's nc, ip, ping and netstat work on it.
bats_require_minimum_version 1.5.0
load helpers.bash

@test "busybox nc carries data from a client to a server in one instance" {
	run guest_sh 'nc -l -p 4321 >/tmp/got & sleep 0.3
		echo "over tcp" | nc 127.0.0.1 4321; wait; cat /tmp/got
		nc -l -p 4322 -e echo served & sleep 0.3; nc ::1 4322 </dev/null; wait'
	assert_status 0
	assert_equal "over tcp
served" "$output"
}

@test "ip addr shows lo up with 127.0.0.1/8 and ::1, and its local routes" {
	run guest_sh 'ip addr; ip route show table local; ifconfig lo'
	assert_status 0
	assert_contains "$output" "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"
	assert_contains "$output" "inet 127.0.0.1/8 scope host lo"
	assert_contains "$output" "inet6 ::1/128 scope host"
	assert_contains "$output" "local 127.0.0.0/8 dev lo scope host  src 127.0.0.1"
	assert_contains "$output" "inet addr:127.0.0.1  Mask:255.0.0.0"
}

@test "ping -c 1 127.0.0.1 and ping6 ::1 are answered" {
	run guest_sh 'ping -c 1 127.0.0.1 && ping6 -c 1 ::1'
	assert_status 0
	assert_contains "$output" "1 packets transmitted, 1 packets received, 0% packet loss"
	assert_contains "$output" "64 bytes from ::1: seq=0 ttl=64"
}

@test "netstat lists listening and connected sockets from /proc/net" {
	run guest_sh 'nc -l -p 4323 & sleep 0.3; netstat -tln; kill $!'
	assert_status 0
	assert_contains "$output" ":::4323"
	assert_contains "$output" "LISTEN"
}

@test "an address outside the instance is unreachable" {
	run guest_sh 'nc 10.1.2.3 80 </dev/null'
	[ "$status" -ne 0 ]
	assert_contains "$output" "Network is unreachable"
}

@test "two instances do not see each other's ports" {
	local a=$BATS_TEST_TMPDIR/a.out ctl=$BATS_TEST_TMPDIR/ctl
	mkfifo "$ctl"
	# Instance A listens on 4324 until its stdin reaches end of file.
	umlite init=/bin/sh -- -c 'nc -l -p 4324 >/dev/null & sleep 0.3; netstat -tln; echo ready;
		read x; kill $!' <"$ctl" >"$a" 2>&1 &
	local apid=$!
	local w
	exec {w}>"$ctl"
	for _ in $(seq 100); do grep -q ready "$a" && break; sleep 0.1; done
	# B finds nobody on 4324 and may listen there itself.
	run guest_sh 'nc 127.0.0.1 4324 </dev/null; nc -l -p 4324 -e true & sleep 0.3;
		netstat -tln | grep -c 4324; kill $!'
	exec {w}>&-
	wait "$apid" || true
	assert_contains "$(cat "$a")" ":::4324"
	assert_contains "$output" "Connection refused"
	assert_contains "$output" "1"
}
