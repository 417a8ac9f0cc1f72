#!/usr/bin/env python3
"""A hostile uml_switch for tests/bats/netpkt.bats: it answers one client's version-3
request like uml_switch, then sends it COUNT malformed frames (random bytes; IPv4
headers with valid checksums but wrong lengths, options, fragments; ICMP errors quoting
garbage; ARP with odd fields), then one well-formed ARP request and ICMP echo request for
GUEST_IP, and prints what came back; last, a UDP datagram to the guest's port 9000 says
it is done (the guest waits for it, however long the frames took on a loaded machine). Usage: netpkt-fuzz.py CTLSOCK GUEST_IP COUNT SEED"""
import os, random, socket, struct, sys, time

ctl, guest, count, seed = sys.argv[1], socket.inet_aton(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4])
rnd = random.Random(seed)
me_ip = bytes(guest[:3]) + b'\xfe'
me_mac = b'\xfe\xfd\x00\x00\x00\xfe'
bcast = b'\xff' * 6


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_hdr(proto, payload, ihl=5, tot=None, frag=0, dst=guest):
    opts = bytes(rnd.randrange(256) for _ in range((ihl - 5) * 4))
    tot = 4 * ihl + len(payload) if tot is None else tot
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, tot & 0xffff, 1, frag, 64, proto, 0,
                    me_ip, dst) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def junk(n):
    return bytes(rnd.randrange(256) for _ in range(n))


def frame():
    k = rnd.randrange(7)
    eth = bcast + me_mac
    if k == 0:
        return junk(rnd.randrange(0, 80))
    if k == 1:
        return eth + b'\x08\x06' + junk(rnd.randrange(0, 40))
    proto = rnd.choice([1, 6, 17, 2, rnd.randrange(256)])
    payload = junk(rnd.randrange(0, 64))
    if proto == 1 and rnd.random() < 0.5:  # an ICMP error quoting a short or odd header
        q = ip_hdr(17, junk(rnd.randrange(0, 12)), ihl=rnd.randrange(5, 16))
        payload = bytes([3, rnd.randrange(16), 0, 0, 0, 0, 0, 0]) + q[:rnd.randrange(len(q) + 1)]
        payload = payload[:2] + struct.pack('!H', csum(payload)) + payload[4:]
    if proto == 17 and rnd.random() < 0.5:  # a UDP header with a lying length
        payload = struct.pack('!HHHH', 9, rnd.choice([5000, 7, 0]), rnd.randrange(65536), 0) + \
            junk(rnd.randrange(0, 32))
    p = ip_hdr(proto, payload, ihl=rnd.randrange(5, 16),
               tot=None if rnd.random() < 0.5 else rnd.randrange(65536),
               frag=rnd.choice([0, 0, 0x2000, 0x0001, 0x4000]),
               dst=rnd.choice([guest, b'\xff\xff\xff\xff', junk(4)]))
    cut = len(p) if rnd.random() < 0.5 else rnd.randrange(len(p) + 1)
    return eth + b'\x08\x00' + p[:cut]


srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(ctl)
srv.listen(1)
data_path = ctl + '.data'
data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
data.bind(data_path)
print('ready', flush=True)
c, _ = srv.accept()
req = c.recv(4096)
magic, version, typ = struct.unpack('=III', req[:12])
client = req[14:122].rstrip(b'\0') if req[14] != 0 else req[14:122]
if client[:1] != b'\0':
    client = client.decode()
reply = struct.pack('=H', socket.AF_UNIX) + data_path.encode().ljust(108, b'\0')
c.send(reply)
time.sleep(0.5)
def drain():
    """Read what the guest sent (ICMP errors): a full queue would drop its replies."""
    data.setblocking(False)
    try:
        while True:
            data.recv(2048)
    except BlockingIOError:
        pass
    data.setblocking(True)


for i in range(count):
    data.sendto(frame(), client)
    if i % 20 == 19:
        drain()
time.sleep(0.3)
drain()
arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x800, 6, 4, 1, me_mac, me_ip, b'\0' * 6, guest)
data.sendto(bcast + me_mac + b'\x08\x06' + arp, client)
data.settimeout(3)
gmac = None
t0 = time.time()
while time.time() - t0 < 3 and gmac is None:
    try:
        f = data.recv(2048)
    except socket.timeout:
        break
    if os.environ.get('FUZZ_DEBUG'):
        print('got', f[:42].hex(), flush=True)
    if f[12:14] == b'\x08\x06' and f[20:22] == b'\x00\x02':
        gmac = f[6:12]
print('arp reply' if gmac else 'no arp reply', flush=True)
if gmac:
    # a frame may be lost when a socket queue is full (the guest still flushes what waited
    # for this neighbour): ask up to four times, as ping would
    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x77, 1) + b'fuzz-echo'
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    answered = False
    for attempt in range(4):
        data.sendto(gmac + me_mac + b'\x08\x00' + ip_hdr(1, icmp), client)
        t0 = time.time()
        while time.time() - t0 < 2 and not answered:
            try:
                f = data.recv(2048)
            except socket.timeout:
                break
            answered = f[12:14] == b'\x08\x00' and f[23] == 1 and f[34] == 0 and \
                b'fuzz-echo' in f
        if answered:
            print('echo reply', flush=True)
            break
# tell the guest we are done: one UDP datagram to its nat_tool server on port 9000
udp = struct.pack('!HHHH', 9000, 9000, 8 + 4, 0) + b'done'
data.sendto((gmac or bcast) + me_mac + b'\x08\x00' + ip_hdr(17, udp), client)
c.close()
os.unlink(data_path)
