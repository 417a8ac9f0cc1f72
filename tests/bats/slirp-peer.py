#!/usr/bin/python3
"""Host-side peers for tests/bats/slirp.bats (plain python3, no network beyond 127.0.0.1).

  slirp-peer.py udp-echo PORT      answer datagrams with b"echo:" + datagram (20 s)
  slirp-peer.py dns PORT           answer every A query with 10.9.8.7 (20 s)
  slirp-peer.py udp-ask PORT MSG   send MSG to 127.0.0.1:PORT every 0.2 s until a reply
  slirp-peer.py sink PORT          accept one TCP connection, read it to the end, print MB/s
Servers print "ready" once bound.
"""
import socket
import struct
import sys
import time


def bound_udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    s.settimeout(20)
    print("ready", flush=True)
    return s


def udp_echo(port):
    s = bound_udp(port)
    try:
        while True:
            d, a = s.recvfrom(65535)
            s.sendto(b"echo:" + d, a)
    except socket.timeout:
        pass


def dns_answer(q):
    ident, _flags, qd = struct.unpack("!HHH", q[:6])
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    question = q[12:end + 5]
    head = struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0)
    answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([10, 9, 8, 7])
    if struct.unpack("!H", q[end + 1:end + 3])[0] != 1:  # not A: no answer records
        return struct.pack("!HHHHHH", ident, 0x8180, 1, 0, 0, 0) + question
    return head + question + answer


def dns(port):
    s = bound_udp(port)
    try:
        while True:
            d, a = s.recvfrom(65535)
            s.sendto(dns_answer(d), a)
    except socket.timeout:
        pass


def udp_ask(port, msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    for _ in range(100):
        s.sendto(msg.encode(), ("127.0.0.1", port))
        try:
            print(s.recv(65535).decode())
            return 0
        except (socket.timeout, ConnectionRefusedError):
            continue
    return 1


def sink(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    s.settimeout(60)
    print("ready", flush=True)
    c, _ = s.accept()
    n, t = 0, time.time()
    while True:
        d = c.recv(1 << 20)
        if not d:
            break
        n += len(d)
    print("%d bytes %.1f MB/s" % (n, n / max(time.time() - t, 1e-6) / 1e6), flush=True)


if __name__ == "__main__":
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "udp-echo":
        udp_echo(port)
    elif cmd == "dns":
        dns(port)
    elif cmd == "udp-ask":
        sys.exit(udp_ask(port, sys.argv[3]))
    elif cmd == "sink":
        sink(port)
