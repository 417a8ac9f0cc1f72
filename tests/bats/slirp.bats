#!/usr/bin/env bats
# eth0=slirp: rootless NAT with QEMU's addresses, run as an ordinary user. Every peer is a
# server this file starts on the host's 127.0.0.1 (no outside network is needed).
bats_require_minimum_version 1.5.0
load helpers.bash

TESTFS=${TESTS_CPIO:-$ROOT/build/test.cpio}
PEER=$BATS_TEST_DIRNAME/slirp-peer.py

setup_file() {
	export UDIR=$BATS_FILE_TMPDIR/u
	mkdir -p "$UDIR"
	cp "$UMLITE" "$ROOTFS" "$UDIR/"
	[ -f "$TESTFS" ] && cp "$TESTFS" "$UDIR/test.cpio"
	export AS_USER=""
	if [ "$(id -u)" = 0 ]; then
		id umlite-test >/dev/null 2>&1 || useradd -M -s /bin/sh umlite-test
		export AS_USER=umlite-test
		chmod 755 "$BATS_FILE_TMPDIR" "$UDIR"
		chmod 644 "$UDIR"/*.cpio
	fi
}

# slirp_run IMAGE ARGS... -- SCRIPT: boot IMAGE with ARGS as the unprivileged user.
slirp_run() {
	local img=$1 args=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	# relative names: the user may enter UDIR but not search the directories above it
	cd "$UDIR"
	local cmd=(timeout -k 5 "$BOOT_TIMEOUT" ./umlite mem=128M initrd="$img"
		"${MODE_ARGS[@]}" quiet "${args[@]}" init=/bin/sh -- -c "$1")
	if [ -n "$AS_USER" ]; then
		runuser -u "$AS_USER" -- env -i PATH=/usr/bin:/bin HOME=/tmp "${cmd[@]}"
	else
		"${cmd[@]}"
	fi
}

free_port() {
	echo $((20000 + (RANDOM * 7 + $$) % 30000))
}

# start_peer OUT ARGS...: a host peer in the background; waits until it is bound.
start_peer() {
	local out=$1
	shift
	/usr/bin/python3 "$PEER" "$@" >"$out" 2>&1 &
	for _ in $(seq 100); do grep -q ready "$out" && return 0; sleep 0.05; done
	cat "$out" >&2
	return 1
}

@test "eth0=slirp: eth0 with 10.0.2.15/24, a default route via 10.0.2.2, DNS 10.0.2.3" {
	run slirp_run rootfs.cpio eth0=slirp -- 'ip addr show eth0; ip route; cat /proc/net/route
		cat /etc/resolv.conf; ifconfig eth0; grep -c eth0: /proc/net/dev'
	assert_status 0
	assert_contains "$output" "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500"
	assert_contains "$output" "inet 10.0.2.15/24 scope global eth0"
	assert_contains "$output" "default via 10.0.2.2 dev eth0"
	assert_contains "$output" "10.0.2.0/24 dev eth0 scope link  src 10.0.2.15"
	assert_contains "$output" "eth0	00000000	0202000A	0003"
	assert_contains "$output" "nameserver 10.0.2.3"
	assert_contains "$output" "inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0"
}

@test "without eth0=slirp there is no eth0 and outside addresses stay unreachable" {
	run slirp_run rootfs.cpio -- 'ip addr | grep -c eth0; nc 10.0.2.2 80 </dev/null'
	assert_contains "$output" "0"
	assert_contains "$output" "Network is unreachable"
}

@test "the guest fetches a host HTTP server through 10.0.2.2 (busybox wget)" {
	local port www=$BATS_TEST_TMPDIR/www
	port=$(free_port)
	mkdir -p "$www"
	echo "served by the host" >"$www/index.html"
	busybox httpd -f -p "127.0.0.1:$port" -h "$www" &
	local hpid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	run slirp_run rootfs.cpio eth0=slirp -- "wget -q -O - http://10.0.2.2:$port/index.html
		echo status=\$?; nc 10.0.2.2 $((port + 1)) </dev/null; echo refused=\$?"
	kill "$hpid"
	assert_status 0
	assert_contains "$output" "served by the host
status=0"
	assert_contains "$output" "Connection refused"
	assert_contains "$output" "refused=1"
}

@test "a non-blocking connect through the NAT: EINPROGRESS, then POLLOUT or the host's refusal" {
	[ -f "$UDIR/test.cpio" ] || skip "no build/test.cpio"
	local port out=$BATS_TEST_TMPDIR/sink.out
	port=$(free_port)
	start_peer "$out" sink "$port"
	run slirp_run test.cpio eth0=slirp -- "/tests/nat_tool connect 10.0.2.2 $port
		/tests/nat_tool connect 10.0.2.2 $((port + 1)); /tests/nat_tool connect 10.0.2.7 80"
	assert_status 0
	assert_equal "connect: Operation now in progress
poll: 1 POLLOUT
SO_ERROR: 0
local: 10.0.2.15
peer: 10.0.2.2:$port
connect: Operation now in progress
poll: 1 POLLOUT POLLERR
SO_ERROR: Connection refused
connect: Operation now in progress
poll: 1 POLLOUT POLLERR
SO_ERROR: No route to host" "$output"
}

@test "hostfwd=tcp makes a guest server reachable from the host, both ways" {
	local port out=$BATS_TEST_TMPDIR/guest.out got=""
	port=$(free_port)
	slirp_run rootfs.cpio "eth0=slirp,hostfwd=tcp:127.0.0.1:$port-:80" -- \
		'echo from-guest | nc -l -p 80 >/tmp/in; cat /tmp/in' >"$out" 2>&1 &
	local gpid=$!
	for _ in $(seq 300); do # 30 s: a boot on a loaded host is slow
		got=$(echo from-host | busybox nc 127.0.0.1 "$port" 2>/dev/null) && [ -n "$got" ] && break
		sleep 0.1
	done
	wait "$gpid"
	assert_equal "from-guest" "$got"
	assert_contains "$(cat "$out")" "from-host"
}

@test "UDP: the guest's datagrams reach a host echo server and the replies come back" {
	[ -f "$UDIR/test.cpio" ] || skip "no build/test.cpio"
	local port out=$BATS_TEST_TMPDIR/peer.out
	port=$(free_port)
	start_peer "$out" udp-echo "$port"
	run slirp_run test.cpio eth0=slirp -- "/tests/nat_tool client 10.0.2.2 $port hello"
	assert_status 0
	assert_equal "echo:hello from 10.0.2.2:$port" "$output"
}

@test "restrict=on: nothing leaves the instance, hostfwd still comes in" {
	local port out=$BATS_TEST_TMPDIR/guest.out got=""
	port=$(free_port)
	slirp_run rootfs.cpio "eth0=slirp,restrict=on,hostfwd=tcp:127.0.0.1:$port-:80" -- \
		"nc 10.0.2.2 $port </dev/null; echo out=\$?; echo in | nc -l -p 80" >"$out" 2>&1 &
	local gpid=$!
	for _ in $(seq 300); do # 30 s: a boot on a loaded host is slow
		got=$(busybox nc 127.0.0.1 "$port" </dev/null 2>/dev/null) && [ -n "$got" ] && break
		sleep 0.1
	done
	wait "$gpid"
	assert_equal "in" "$got"
	assert_contains "$(cat "$out")" "Network is unreachable"
	assert_contains "$(cat "$out")" "out=1"
}

@test "hostfwd=udp: a host client's datagram reaches a guest UDP server, which answers" {
	[ -f "$UDIR/test.cpio" ] || skip "no build/test.cpio"
	local port out=$BATS_TEST_TMPDIR/guest.out
	port=$(free_port)
	slirp_run test.cpio "eth0=slirp,hostfwd=udp:127.0.0.1:$port-:5353" -- \
		'/tests/nat_tool server 5353 1' >"$out" 2>&1 &
	local gpid=$!
	run /usr/bin/python3 "$PEER" udp-ask "$port" ping
	wait "$gpid"
	assert_status 0
	assert_equal "echo:ping" "$output"
	assert_contains "$(cat "$out")" "from 10.0.2.2: ping"
}

@test "DNS at 10.0.2.3 is answered by the host's resolver (resolver= points at a test server)" {
	local port out=$BATS_TEST_TMPDIR/dns.out
	port=$(free_port)
	start_peer "$out" dns "$port"
	run slirp_run rootfs.cpio "eth0=slirp,resolver=127.0.0.1:$port" -- \
		'nslookup test.example 10.0.2.3'
	assert_status 0
	assert_contains "$output" "10.9.8.7"
}

@test "NIC options: clear errors for other transports and bad settings" {
	# (tuntap, daemon and vec0 tap are the packet NICs: tests/bats/netpkt.bats)
	run slirp_run rootfs.cpio eth0=mcast -- true
	assert_status 2
	assert_contains "$output" "eth0=mcast: transport not supported by this build"
	run slirp_run rootfs.cpio eth1=vde,/tmp/vde.ctl -- true
	assert_contains "$output" "eth1=vde: transport not supported by this build"
	run slirp_run rootfs.cpio vec0:transport=raw,ifname=eth0 -- true
	assert_status 2
	assert_contains "$output" "vec0: transport 'raw' not supported by this build"
	run slirp_run rootfs.cpio eth0=slirp,hostfwd=tcp:8080-:80 -- true
	assert_status 2
	assert_contains "$output" "bad hostfwd 'hostfwd=tcp:8080-:80'"
	run slirp_run rootfs.cpio eth0=slirp,speed=fast -- true
	assert_contains "$output" "unknown setting 'speed=fast'"
	run slirp_run rootfs.cpio eth0=slirp,resolver=300.1.1.1 -- true
	assert_contains "$output" "bad resolver '300.1.1.1'"
	run slirp_run rootfs.cpio eth0=wormhole -- true
	assert_contains "$output" "eth0=wormhole: unknown transport"
	# UML's own syntax: eth0=slirp,MAC,SLIRP-PROGRAM (the program is not needed here)
	run slirp_run rootfs.cpio eth0=slirp,fe:fd:01:02:03:04,/usr/bin/slirp -- \
		'cat /sys/class/net/eth0/address 2>/dev/null || ip link show eth0'
	assert_status 0
	assert_contains "$output" "link/ether fe:fd:01:02:03:04 brd ff:ff:ff:ff:ff:ff"
}

@test "hostfwd on a host port that is taken fails the boot with a clear error" {
	local port out=$BATS_TEST_TMPDIR/sink.out
	port=$(free_port)
	start_peer "$out" sink "$port"
	run slirp_run rootfs.cpio "eth0=slirp,hostfwd=tcp:127.0.0.1:$port-:80" -- true
	[ "$status" -ne 0 ]
	assert_contains "$output" "hostfwd=tcp:127.0.0.1:$port: cannot listen on the host: EADDRINUSE"
	busybox nc 127.0.0.1 "$port" </dev/null || true
}
