# The scenarios of issue 4 ("What a user can do") on a Debian 12 image, run by bash with a
# clean environment both in the guest and in a chroot of the same tree (the oracle; see
# debian.bats). Each scenario prints "=== NAME", its output and "--- rc=N". What differs by
# nature between a guest and a host (pids, times, memory sizes) is left out of the output
# or checked by debian.bats itself.
# shellcheck shell=bash
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C
export COLUMNS=80
cd /root || exit 1

# Output goes through a pipe, as in the chroot (on the guest's console dpkg would page).
scenario() {
	local name=$1 rc
	shift
	echo "=== $name"
	"$@" 2>&1 | cat
	rc=${PIPESTATUS[0]}
	echo "--- rc=$rc"
}

# before anything writes under /usr (python may add __pycache__ directories)
scenario find-usr bash -c 'find /usr | wc -l; find /usr | sort | md5sum'
scenario apt-cache-policy apt-cache policy bash
scenario dpkg-l dpkg -l
scenario dpkg-verify bash -c 'dpkg -V bash coreutils dpkg python3.11-minimal; dpkg --audit;
	echo audit done'
# (the PID column's width follows pid_max, which differs from the host's)
scenario ps-aux bash -c 'sleep 30 & ps aux > /tmp/ps; kill $!; head -1 /tmp/ps | tr -s " ";
	grep -c "ps aux" /tmp/ps; grep -c "sleep 30" /tmp/ps'
scenario top bash -c 'top -bn1 > /tmp/top; grep -c "^Tasks:" /tmp/top;
	grep -c "^MiB Mem" /tmp/top; grep -c " top$" /tmp/top'
scenario free bash -c 'free | head -1; free | awk "/^Mem:/ { print (\$2 > 0 && \$4 > 0) }"'
scenario python-imports python3 -c 'import ssl, sqlite3, threading, subprocess, asyncio
print("imports ok", ssl.OPENSSL_VERSION.split()[0])'
scenario python-work python3 -c 'import sqlite3, threading, subprocess, asyncio, hashlib
c = sqlite3.connect("/tmp/t.db")
c.execute("create table t(x)")
c.executemany("insert into t values(?)", [(i,) for i in range(5000)])
c.commit()
print(c.execute("select sum(x) from t").fetchone()[0])
out = []
ts = [threading.Thread(target=lambda i=i: out.append(hashlib.sha256(bytes(i)).hexdigest()))
      for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(len(out))
print(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip())
async def main():
    p = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE,
                                             stdout=asyncio.subprocess.PIPE)
    o, _ = await p.communicate(b"through asyncio")
    return o.decode()
print(asyncio.run(main()))'
scenario python-venv bash -c 'python3 -m venv /tmp/v && ls /tmp/v/bin | sort &&
	/tmp/v/bin/python -c "import sys; print(sys.prefix, sys.prefix != sys.base_prefix)" &&
	/tmp/v/bin/pip --version | cut -d" " -f1-2'
scenario tar bash -c 'tar --sort=name -cf /tmp/perl.tar -C /usr/share perl5 &&
	md5sum < /tmp/perl.tar && mkdir /tmp/x && tar -xf /tmp/perl.tar -C /tmp/x &&
	diff -r /usr/share/perl5 /tmp/x/perl5 && echo same tree'
scenario gzip bash -c 'seq 1 200000 > /tmp/s && gzip -9n < /tmp/s > /tmp/s.gz &&
	md5sum < /tmp/s.gz && gunzip -c /tmp/s.gz | cmp - /tmp/s && echo round trip'
scenario sort-large bash -c 'seq 1 400000 | shuf --random-source=/usr/bin/bash > /tmp/big &&
	sort -n /tmp/big | md5sum && sort -n -S 1M --parallel=2 /tmp/big | md5sum &&
	seq 1 400000 | md5sum'
scenario perl perl -e 'my %h = map { $_ => $_ * $_ } 1 .. 2000; my $s = 0; $s += $_ for values %h;
	print "$s\n"; my $p = fork; if (!$p) { exit 7 } waitpid($p, 0); print $? >> 8, "\n";
	open(my $f, "-|", "echo", "from a pipe") or die; print scalar <$f>;
	printf "%s\n", join ",", sort { $a <=> $b } map { $_ % 7 } 1 .. 10'
scenario pipeline bash -c 'cat /var/lib/dpkg/status | grep "^Package:" | cut -d" " -f2 |
	tr a-z A-Z | sed "s/-/_/g" | awk "{ print length(\$0), \$0 }" | sort -k1,1n -k2 |
	uniq | tail -5 | rev | md5sum'
scenario many-processes bash -c 'for i in $(seq 1 40); do echo $i | cat | wc -c; done |
	sort | uniq -c; seq 1 200 | xargs -P 4 -n 10 echo | wc -l'
scenario job-control bash -c 'set -m; sleep 0.3 & jobs; wait; echo waited'
scenario df-mounts bash -c 'df -P / | tail -1 | cut -d" " -f1'
# what the merged file-system ABI brought: ACL checks through the xattr calls, epoll as
# Python's default selector, mmap.resize through mremap, /proc/vmstat
scenario ls-l bash -c 'ls -l /usr/bin/bash /etc/passwd | cut -c1-10,11- | tr -s " " |
	cut -d" " -f1,3,4,5,9'
scenario python-epoll-mremap python3 -c 'import selectors, mmap
print(type(selectors.DefaultSelector()).__name__)
f = open("/tmp/mm", "w+b"); f.write(b"hello" + bytes(4091)); f.flush()
m = mmap.mmap(f.fileno(), 4096); m.resize(1 << 24); m[-1:] = b"x"; m.flush()
print(len(m), m[:5], m[-1:], f.seek(0, 2))'
scenario vmstat bash -c 'vmstat 1 1 | head -2 | tr -s " "; vmstat -s | grep -c "pages swapped"'
# a pseudo-terminal: script(1) runs a shell on /dev/pts/N (the chroot has no devpts)
scenario pty bash -c 'script -qec "tty; stty size; test -t 0 && echo on a tty" /dev/null |
	tr -d "\r" | sed "s|/dev/pts/[0-9]*|/dev/pts/N|"'
# block devices in sysfs: lsblk walks /sys/block and /sys/dev/block (the chroot sees no
# guest disks: debian.bats checks the guest only)
scenario lsblk bash -c 'lsblk -o NAME,MAJ:MIN,RM,RO,TYPE,MOUNTPOINTS; cat /sys/block/ubda/dev
	[ "$(lsblk -bdno SIZE /dev/ubda)" -eq $(($(cat /sys/block/ubda/size) * 512)) ] &&
	echo size agrees; findmnt -no SOURCE,FSTYPE /'
# capabilities (the host's root may lack sys_resource: it is dropped before sets are shown)
scenario setpriv bash -c 'setpriv --reuid=1000 --regid=1000 --clear-groups id
	setpriv --reuid=1000 --regid=1000 --clear-groups grep -E "^Cap(Prm|Eff|Amb)" /proc/self/status
	setpriv --inh-caps=-all --bounding-set=-net_raw,-sys_resource setpriv --dump |
		grep -E "^(Inheritable|Ambient|Capability bounding|Securebits)"
	printf "%s\n" "import socket, sys" "try:" \
		"    if sys.argv[1] == \"raw\": socket.socket(socket.AF_INET, socket.SOCK_RAW, 1)" \
		"    else: socket.socket().bind((\"\", 1001))" "    print(sys.argv[1], \"ok\")" \
		"except OSError as e:" "    print(sys.argv[1], e)" > /tmp/priv.py
	python3 /tmp/priv.py raw
	setpriv --bounding-set=-net_raw python3 /tmp/priv.py raw
	setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=+net_bind_service \
		--ambient-caps=+net_bind_service python3 /tmp/priv.py bind
	setpriv --reuid=1000 --regid=1000 --clear-groups python3 /tmp/priv.py bind
	touch /tmp/f; setpriv --bounding-set=-chown chown 1000 /tmp/f; ls -n /tmp/f | cut -d" " -f3'
# System V IPC through util-linux: ipcmk, ipcs (keys and ids normalised), ipcs -l, ipcrm -a
scenario sysvipc bash -c 'ipcmk -M 4096; ipcmk -S 3; ipcmk -Q; ipcs; ipcs -l; ipcrm -a;
	echo left: $(ipcs | grep -c "^0x")' | sed -E "s/^0x[0-9a-f]{8} +[0-9]+ +/KEY ID /;
	s/ id: [0-9]+$/ id: N/"
# set-user-id and set-group-id programs run by a user: passwd and chage read /etc/shadow,
# setuid copies of id and stat see their new ids and a root-owned /proc/self, ld.so drops
# LD_PRELOAD in secure mode; no_new_privs refuses the bits and a user's write clears them
scenario setuid bash -c 'useradd -m -s /bin/bash alice && echo alice:Pw-12345678 | chpasswd
	u="setpriv --reuid=alice --regid=alice --init-groups"
	ls -l /usr/bin/passwd /usr/bin/chage | cut -d" " -f1,3,4
	$u passwd -S alice | cut -d" " -f1,2,4-
	$u chage -l alice | tail -n 4
	cp /usr/bin/id /tmp/id-suid && chmod 4755 /tmp/id-suid
	cp /usr/bin/id /tmp/id-sgid && chgrp mail /tmp/id-sgid && chmod 2755 /tmp/id-sgid
	cp /usr/bin/stat /tmp/stat-suid && chmod 4755 /tmp/stat-suid
	$u /tmp/id-suid; $u /tmp/id-sgid; $u --no-new-privs /tmp/id-suid
	$u env LD_PRELOAD=/nonexistent.so /tmp/id-suid 2>&1
	$u env LD_PRELOAD=/nonexistent.so id -u 2>&1 | sed "s/:.*:/: ... :/"
	$u /tmp/stat-suid -c "%u %g" /proc/self/status; $u stat -c "%u %g" /proc/self/status
	cp /usr/bin/id /tmp/w && chmod 6777 /tmp/w && $u bash -c "echo >> /tmp/w"
	stat -c %a /tmp/w'
