#!/usr/bin/env bats
# Packet NICs: eth0=daemon on a real uml_switch (two instances ping each other and
# exchange UDP datagrams), eth0=tuntap and vec0:transport=tap on a tap device made inside
# a private network namespace (unshare -n: the host's network is never touched), and the
# options' errors.
bats_require_minimum_version 1.5.0
load helpers.bash
load net_helpers.bash

teardown() {
	[ -n "${A_PID:-}" ] && kill "$A_PID" 2>/dev/null
	[ -n "${SW_PID:-}" ] && kill "$SW_PID" 2>/dev/null
	true
}

@test "netpkt: errors name the option: no switch, no tap, bad MAC, twice, bad vec" {
	run boot eth0=daemon,,unix,"$BATS_TEST_TMPDIR/none.ctl" -- true
	assert_status 1
	assert_contains "$output" "eth0=daemon: cannot connect to $BATS_TEST_TMPDIR/none.ctl: No such file or directory"
	run boot eth1=tuntap,umlnotap0 -- true
	assert_status 1
	assert_contains "$output" "eth1=tuntap: cannot attach to the tap device umlnotap0: No such device"
	run boot eth0=daemon,fe:fd:zz:00:00:01 -- true
	assert_status 2
	assert_contains "$output" "eth0=daemon: bad MAC 'fe:fd:zz:00:00:01'"
	run boot eth0=tuntap -- true
	assert_status 2
	assert_contains "$output" "eth0=tuntap: the host tap device is required"
	run boot eth0=tuntap,a eth0=daemon -- true
	assert_status 2
	assert_contains "$output" "eth0 given twice"
	run boot vec0:transport=raw,ifname=x -- true
	assert_status 2
	assert_contains "$output" "vec0: transport 'raw' not supported by this build"
	run boot eth0=mcast -- true
	assert_status 2
	assert_contains "$output" "eth0=mcast: transport not supported by this build"
}

@test "netpkt: two instances on one uml_switch ping each other and exchange UDP" {
	start_switch
	local a=$BATS_TEST_TMPDIR/a.log
	boot eth0=daemon,fe:fd:00:00:07:01,unix,"$SW" -- 'ifconfig eth0 192.168.7.1 netmask 255.255.255.0 up
		echo ready; /tests/nat_tool server 5000 1; sleep 3; cat /proc/net/dev' >"$a" 2>&1 &
	A_PID=$!
	wait_for "$a" ready
	run boot eth0=daemon,,unix,"$SW" -- 'ip addr add 192.168.7.2/24 dev eth0; ip link set eth0 up
		ip route add default via 192.168.7.254; ip route; ip addr show eth0
		ping -c 3 192.168.7.1; su -s /bin/sh nobody -c "/tests/nat_tool ping 192.168.7.1"
		/tests/nat_tool client 192.168.7.1 5000 hello
		/tests/nat_tool refused 192.168.7.1 5001; cat /proc/net/dev; arp -n'
	assert_status 0
	assert_contains "$output" "default via 192.168.7.254 dev eth0"
	assert_contains "$output" "inet 192.168.7.2/24 scope global eth0"
	assert_contains "$output" "3 packets transmitted, 3 packets received"
	assert_contains "$output" "echo reply type 0 seq 7 from 192.168.7.1, same data"
	assert_contains "$output" "echo:hello from 192.168.7.1:5000"
	assert_contains "$output" "recv: Connection refused"
	assert_contains "$output" "(192.168.7.1) at fe:fd:00:00:07:01 [ether]  on eth0"
	wait "$A_PID"
	run cat "$a"
	assert_contains "$output" "from 192.168.7.2: hello"
	# A's eth0 counted the frames it received and sent (ARP, 3 pings, UDP, ICMP error).
	[[ $output =~ eth0:\ +([0-9]+)\ +([0-9]+).*\ ([0-9]+)\ +([0-9]+)\ +0\ +0\ +0\ +0\ +0\ +0 ]]
	[ "${BASH_REMATCH[2]}" -ge 5 ]
}

@test "netpkt: an unanswered neighbour is EHOSTUNREACH; no route is ENETUNREACH" {
	start_switch
	run boot eth0=daemon,,unix,"$SW" -- 'ifconfig eth0 192.168.7.2 netmask 255.255.255.0 up
		/tests/nat_tool client 10.9.9.9 53 x; ping -c 1 -W 1 192.168.7.9 >/dev/null
		sleep 3; /tests/nat_tool client 192.168.7.9 53 x
		route add default gw 192.168.7.254; route -n'
	assert_contains "$output" "sendto: Network is unreachable"
	assert_contains "$output" "sendto: No route to host"
	assert_contains "$output" "0.0.0.0         192.168.7.254   0.0.0.0         UG"
}

@test "netpkt: hostile frames from the switch: the guest survives and still answers" {
	local f=$BATS_TEST_TMPDIR/fuzz.log ctl=$BATS_TEST_TMPDIR/fuzz.ctl
	python3 "$BATS_TEST_DIRNAME/netpkt-fuzz.py" "$ctl" 192.168.7.2 2000 "$RANDOM" >"$f" 2>&1 &
	A_PID=$!
	wait_for "$f" ready
	run boot eth0=daemon,,unix,"$ctl" -- 'ifconfig eth0 192.168.7.2 netmask 255.255.255.0 up
		timeout 60 /tests/nat_tool server 9000 1 >/dev/null; echo alive; grep eth0: /proc/net/dev'
	assert_status 0
	assert_contains "$output" alive
	wait "$A_PID"
	run cat "$f"
	assert_contains "$output" "arp reply"
	assert_contains "$output" "echo reply"
}

# tap_test OPTION IFNAME: the guest behind a tap device of a private network namespace.
tap_test() {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n)"
	command -v busybox >/dev/null || skip "no busybox on the host (its ping)"
	run timeout -k 5 60 unshare -n sh -c '
		ip link set lo up && ip tuntap add tap0 mode tap &&
		ip addr add 192.168.9.1/24 dev tap0 && ip link set tap0 up || exit 99
		"$@" init=/bin/sh -- -c "ifconfig $IFN 192.168.9.2 netmask 255.255.255.0 up
			echo ready; ping -c 2 192.168.9.1; sleep 3" >$LOG 2>&1 &
		for i in $(seq 200); do grep -q ready $LOG && break; sleep 0.05; done
		busybox ping -c 2 -W 2 192.168.9.2; wait; cat $LOG' sh \
		"$UMLITE" mem=128M initrd="$TESTFS" "${MODE_ARGS[@]}" quiet "$1"
	[ "$status" -ne 99 ] || skip "cannot make a tap device in the namespace"
	assert_status 0
	assert_contains "$output" "64 bytes from 192.168.9.2: seq=0 ttl=64"
	assert_contains "$output" "64 bytes from 192.168.9.1: seq=0 ttl=64"
	assert_contains "$output" "2 packets transmitted, 2 packets received"
}

@test "netpkt: eth0=tuntap,tap0: the guest and the host ping each other" {
	export IFN=eth0 LOG=$BATS_TEST_TMPDIR/t.log
	tap_test eth0=tuntap,tap0
}

@test "netpkt: vec0:transport=tap,ifname=tap0: the guest and the host ping each other" {
	export IFN=vec0 LOG=$BATS_TEST_TMPDIR/t.log
	tap_test vec0:transport=tap,ifname=tap0
}
