#!/usr/bin/env python3
"""Send hand-made datagrams to an mconsole socket, as a broken or hostile client would.

    mconsole-raw.py SOCKET KIND...

KIND is one of:
    good          a correct version-2 "version" request (the control)
    wrong-magic   a request whose magic is not 0xcafebabe (a "version 0" client)
    text          plain text, no header at all
    empty         a datagram of zero bytes
    short         the magic and nothing else (4 bytes)
    bad-version   magic, version 3
    huge-len      a header claiming 0xffffffff bytes of text
    len-512       a header claiming exactly 512 bytes (one too many)
    truncated     a header claiming 100 bytes followed by 10
    oversized     a correct header followed by 4000 bytes
    unbound       a correct request from a socket without an address (nowhere to reply)
    flood         200 correct requests at once, replies not read until the end
For each KIND prints one line: "KIND: OK text", "KIND: ERR text", "KIND: RAW text" (a reply
without the reply header, as sent to version 0 clients), "KIND: NO REPLY" after half a
second of silence, or for flood "flood: N replies"."""
import os
import socket
import struct
import sys

MAGIC = 0xCAFEBABE


def request(text, magic=MAGIC, version=2, length=None, pad=True):
    data = text.encode()
    hdr = struct.pack("<III", magic, version, len(data) if length is None else length)
    body = data.ljust(512, b"\0") if pad else data
    return hdr + body


DATAGRAMS = {
    "good": request("version"),
    "wrong-magic": request("version", magic=0x12345678),
    "text": b"version",
    "empty": b"",
    "short": struct.pack("<I", MAGIC),
    "bad-version": request("version", version=3),
    "huge-len": request("version", length=0xFFFFFFFF),
    "len-512": request("version", length=512),
    "truncated": request("0123456789", length=100, pad=False),
    "oversized": request("version") + b"x" * 4000,
}


def read_reply(sock):
    """All packets of one reply: (err, text), or None on silence."""
    chunks, err = [], None
    while True:
        try:
            pkt = sock.recv(4096)
        except socket.timeout:
            return None
        if len(pkt) < 12 or (err is None and pkt[:3] == b"ERR"):
            return ("RAW", pkt.decode(errors="replace"))
        e, more, length = struct.unpack("<III", pkt[:12])
        if err is None:
            err = e
        chunks.append(pkt[12:12 + length].rstrip(b"\0").decode(errors="replace"))
        if not more:
            return ("ERR" if err else "OK", "".join(chunks))


def bound_socket():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0mconsole-raw-%d" % os.getpid())
    s.settimeout(0.5)
    return s


def send_one(path, kind):
    if kind == "unbound":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.settimeout(0.5)
        s.sendto(request("version"), path)
        try:
            s.recv(4096)
            return "unexpected reply"
        except (socket.timeout, OSError):
            return "NO REPLY"
    s = bound_socket()
    try:
        s.sendto(DATAGRAMS[kind], path)
        r = read_reply(s)
        return "NO REPLY" if r is None else "%s %s" % r
    finally:
        s.close()


def flood(path):
    s = bound_socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    for _ in range(200):
        s.sendto(request("version"), path)
    n = 0
    while read_reply(s) is not None:
        n += 1
    s.close()
    return "%d replies" % n


def main():
    path = sys.argv[1]
    for kind in sys.argv[2:]:
        out = flood(path) if kind == "flood" else send_one(path, kind)
        print("%s: %s" % (kind, out), flush=True)


if __name__ == "__main__":
    main()
