#!/usr/bin/env python3
"""Listen on an mconsole notify socket (what `mconsole=notify:PATH` sends to).

    mconsole-notify.py PATH COUNT [SECONDS]

Binds an AF_UNIX datagram socket at PATH, then prints one line per notification received,
"TYPE DATA" with TYPE one of socket, panic, hang, user and DATA the payload with its
trailing NUL removed (newlines shown as \\n), until COUNT have arrived or SECONDS (default
20) have passed since the start; "BAD <hex>" for a datagram that is not a notification.
Prints "READY" on stderr once bound."""
import socket
import struct
import sys
import time

TYPES = {0: "socket", 1: "panic", 2: "hang", 3: "user"}


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 20.0
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    print("READY", file=sys.stderr, flush=True)
    end = time.monotonic() + limit
    got = 0
    while got < count and time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            pkt = s.recv(4096)
        except socket.timeout:
            break
        got += 1
        if len(pkt) < 16:
            print("BAD " + pkt.hex(), flush=True)
            continue
        magic, version, kind, length = struct.unpack("<IIII", pkt[:16])
        if magic != 0xCAFEBABE or version != 2 or length != len(pkt) - 16:
            print("BAD " + pkt.hex(), flush=True)
            continue
        data = pkt[16:16 + length].rstrip(b"\0").decode(errors="replace")
        print("%s %s" % (TYPES.get(kind, str(kind)), data.replace("\n", "\\n")), flush=True)


if __name__ == "__main__":
    main()
