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
# ---- shell scenarios a Debian user types (round 5): scripting, files, processes, users
# bash: arrays, associative arrays, mapfile, here-documents and strings, <(...)
scenario bash-arrays bash -c 'a=(one two "three four"); a+=(five)
	echo ${#a[@]} "${a[2]}" "${a[@]:1:2}"
	declare -A h=([x]=1 [y]=2); h[z]=3; for k in $(printf "%s\n" "${!h[@]}" | sort); do
		echo "$k=${h[$k]}"; done
	mapfile -t l < <(printf "l%d\n" 1 2 3); echo "${l[@]}" "${#l[@]}"
	cat <<-EOT
	home $HOME, $((6 * 7)), $(echo nested)
	EOT
	read -r x y <<< "alpha beta"; echo "$y $x"; diff <(seq 1 3) <(seq 1 4); echo diff=$?
	s="Hello, World"; echo "${s,,} ${s^^} ${s/World/Debian} ${s:7} ${#s}"
	printf "%05.1f|%-6s|%x|%q\n" 3.14159 ab 255 "a b"'
# bash: traps on EXIT, ERR and INT, errexit, pipefail, subshell status
scenario bash-traps bash -c 'bash -c "trap \"echo exit trap\" EXIT; echo body"
	bash -c "set -E; trap \"echo err trap \\\$?\" ERR; false; echo after"
	bash -c "trap \"echo got INT; exit 3\" INT; kill -INT \$\$; sleep 5"; echo int=$?
	(exit 7); echo sub=$?; false | true; echo nopipefail=$?
	set -o pipefail; false | true; echo pipefail=$?; set +o pipefail
	bash -ec "false; echo not here"; echo errexit=$?
	bash -c "kill -TERM \$\$"; echo term=$?; bash -uc "echo \$unset_var" 2>/dev/null
	echo nounset=$?'
# bash: coprocesses, wait -n, read -t, $BASHPID in subshells
scenario bash-coproc bash -c 'coproc UP { while read -r l; do echo "${l^^}"; done; }
	echo hello >&"${UP[1]}"; read -r r <&"${UP[0]}"; echo "$r"
	exec {UP[1]}>&-; wait "$UP_PID"; echo coproc=$?
	(sleep 0.2; exit 3) & (sleep 3; exit 4) & wait -n; echo first=$?; kill %2; wait
	read -t 0.3 x < <(sleep 2); echo read-t=$?
	[ "$BASHPID" = $$ ] && echo same; ( [ "$BASHPID" != $$ ] && echo subshell differs )'
# find with -exec, -newer, -perm, -printf, -empty, and xargs -0 -P4
scenario find bash -c 'mkdir -p /tmp/ft/a/b/c /tmp/ft/d /tmp/ft/e && cd /tmp/ft &&
	for f in a/1 a/b/2 a/b/c/3 d/4 d/5.txt; do echo "$f" > "$f"; done
	chmod 751 a/1; chmod 4755 d/4; touch -d "2020-01-01 00:00:00" a/b/2 ref
	touch -d "2019-06-01" a/b/c/3; find . -type f | sort; find . -perm -4000
	find . -perm 751 -printf "%p %m %s %y\n"; find . -type f ! -newer ref | sort
	find . -name "*.txt" -exec cat {} \; ; find . -type f -exec echo {} + | tr " " "\n" | sort
	find . -type f -print0 | xargs -0 -P4 -n1 wc -c | sort; find . -empty | sort
	find . -mindepth 2 -type d -printf "%d %P\n" | sort; find . -maxdepth 1 -name "[a-d]" | sort
	find . -newermt "2019-12-31" -type f | sort; find . -size -2c -o -size +1k | sort'
# text tools: sort, uniq, cut, paste, join, comm, tr, wc, sed -i, grep -r/-P, awk (mawk)
scenario text bash -c 'mkdir /tmp/tx && cd /tmp/tx && printf "%s\n" "b 2" "a 10" "c 1" "a 3" > t1
	sort -k2,2n t1; sort -u -k1,1 t1; sort -r t1 | head -2; cut -d" " -f1 t1 | sort | uniq -c
	printf "a x\nb y\nc z\n" > j1; printf "a 1\nc 3\n" > j2; join j1 j2
	comm -12 <(cut -c1 j1) <(cut -c1 j2); comm -3 <(cut -c1 j1) <(cut -c1 j2); paste -d, j1 j2
	paste -s -d+ <(seq 5) | bc 2>/dev/null || paste -s -d+ <(seq 5)
	tr a-z A-Z < j1 | tr -d " "; tr -s " " < <(echo "a   b") ; wc -lwc t1 j1
	sed -i "s/x/X/; 2d" j1; cat j1; sed -n "/c/=" j1; sed "1i\\first" j2
	grep -rn 3 . | sort; grep -P "^\w \d{2}$" t1; grep -c a t1; grep -v -e a -e b t1
	grep -o "[0-9]*" t1 | sort -n | tail -1; grep -w -l x /tmp/tx/* ; echo grep=$?
	awk "{ s += \$2 } END { print s, NR }" t1; awk "\$2 > 2 { print \$1 }" t1
	awk -v OFS=: "{ \$1 = toupper(\$1); print }" t1
	awk "BEGIN { printf \"%.3f\n\", atan2(0, -1) }"
	echo "x,y;z" | awk -F"[,;]" "{ print NF, \$3 }"'
# split, csplit, head and tail, tee, tail -f under timeout
scenario split bash -c 'mkdir /tmp/sp && cd /tmp/sp && seq 1 1000 > n
	split -l 300 n part. && ls && wc -l part.* | tail -1; cat part.* | cmp - n && echo joined
	split -b 1000 -d -a 3 n b. && ls b.* | wc -l; csplit -s n /500/ /900/ && wc -l xx*
	head -c 20 n | od -c | head -2; tail -n +995 n | head -2; tail -c 8 n
	seq 3 | tee t1 t2 >/dev/null
	cat t1 t2 | wc -l; : > f; (for i in 1 2 3; do echo $i; sleep 0.1; done) > f &
	timeout 1 tail -s 0.1 ---disable-inotify -f f; echo tail-f=$?'
# diff -u, cmp, md5sum and sha256sum -c
scenario diff-sums bash -c 'cd /tmp && seq 1 10 > d1 && seq 1 10 | sed "5s/5/five/; 9d" > d2
	diff -u --label a --label b d1 d2; echo diff=$?; cmp d1 d2; echo cmp=$?
	cmp -l d1 d2 | head -3
	md5sum d1 d2 > sums; sha256sum d1 > sha; md5sum -c sums; sha256sum -c sha
	echo x >> d1; md5sum -c --quiet sums; echo check=$?; sha1sum < d2; b2sum -l 64 d2'
# dd (bs, count, skip, seek, conv), truncate, fallocate, sparse files, stat -c, du
scenario dd-stat bash -c 'cd /tmp && dd if=/dev/zero of=dd1 bs=4k count=16 status=none
	stat -c "%s %F %a" dd1; printf abc | dd of=dd2 conv=ucase status=none; cat dd2; echo
	dd if=dd1 of=dd3 bs=1k skip=2 count=3 2>&1 | head -2 | sed "s/,.*//"; stat -c %s dd3
	printf XY | dd of=dd1 bs=1 seek=100 conv=notrunc status=none; stat -c %s dd1
	od -An -c -j 99 -N 4 dd1; truncate -s 1M sps; stat -c "%s %b" sps; du -k sps
	du -k --apparent-size sps; du -sh --apparent-size sps; fallocate -l 64k fa
	stat -c "%s %b" fa
	truncate -s -16k fa; stat -c "%s %b" fa; fallocate -p -o 0 -l 16k fa; stat -c "%s %b" fa
	dd if=/dev/zero bs=1M count=2 status=none | wc -c; dd if=dd2 of=dd4 oflag=sync status=none
	stat -c "%n %s %h %F" dd4 /dev/null sps'
# dates: touch -d/-r, date -d and +%s in UTC, stat of times
scenario dates bash -c 'export TZ=UTC; date -d "2024-02-29 12:34:56" +%s
	date -d @1700000000 "+%F %T %A %j %U %Z"; date -d "2024-01-31 +1 month" +%F
	date -d "next year 2020-05-05" +%Y 2>&1; date -u -d "1970-01-02" +%s; date -R -d @86400
	touch -d "2001-02-03 04:05:06" /tmp/td; stat -c "%Y %y" /tmp/td; touch -r /tmp/td /tmp/td2
	stat -c %Y /tmp/td2; touch -m -d @1000000000 /tmp/td; stat -c "%X %Y" /tmp/td
	[ $(date +%s) -gt 1700000000 ] && echo clock ok
	date -d "1 day ago" +%s >/dev/null && echo ok'
# links and paths: mktemp -d, ln -s/-r, readlink -f, realpath, install, cp -a/-u, mv
scenario paths bash -c 'd=$(mktemp -d) && cd "$d" && echo "${d%.*}"
	mkdir -p x/y/z && echo hi > x/y/z/f && ln -s x/y/z/f abs && ln -sr x/y/z/f x/rel
	readlink x/rel; readlink -f x/rel | sed "s|$d|D|"; realpath --relative-to=x/y abs
	realpath -m /a/b/../c; cat abs x/rel; ln x/y/z/f hard && stat -c %h hard
	install -m 640 -D x/y/z/f inst/a/f && stat -c "%a %s" inst/a/f
	install -d -m 700 dd && stat -c %a dd; cp -a x x2 && diff -r x x2 && echo cp-a
	touch -d 2000-01-01 x2/y/z/f; echo new > x/y/z/f; cp -u x/y/z/f x2/y/z/f; cat x2/y/z/f
	cp --reflink=auto abs ref && cat ref; mv x2/y/z/f x/moved && ls x; mv x2 x/; ls x
	mkdir -p deep/$(printf "d%d/" $(seq 1 60)) && find deep | wc -l && rm -rf deep && ls
	rmdir dd; mkdir -p e/f; rmdir -p e/f; ls -A | sort | tr "\n" " "; echo; stat -c "%A %N" abs
	test -L abs && test -h x/rel && echo links'
# chmod -R, u+s, g+s directories, chown -R, chgrp, umask
scenario modes bash -c 'mkdir -p /tmp/md/a/b && cd /tmp/md && touch a/f a/b/g && umask 027
	touch u && mkdir um && stat -c "%a %n" u um; umask 022
	chmod -R go-rwx a && stat -c "%a %n" a a/f a/b a/b/g
	chmod u+s,g+s a/f && stat -c "%A" a/f; chmod =rx,u+w a/f && stat -c %A a/f
	chmod 2775 a/b && touch a/b/h && chown -R 1000:1000 a && stat -c "%u %g %n" a a/b/h
	chgrp -R mail a/b && stat -c "%G %n" a/b a/b/h; mkdir a/b/s && stat -c %a a/b/s
	chmod 1777 a && stat -c %A a; chown --reference=u a/b && stat -c "%U:%G" a/b
	chmod 4755 a/f; chown 1001 a/f; stat -c %a a/f'
# archives: xz, bzip2, gzip round trips (same bytes as natively), cpio, tar -p with xattrs
scenario archives bash -c 'cd /tmp && seq 1 50000 > az && for c in "gzip -6n" "bzip2 -9" "xz -6"
	do $c < az > az.c && md5sum < az.c && ${c%% *} -dc < az.c | cmp - az && echo "${c%% *} ok"
	done
	xz -T2 -k az && xz -t az.xz && xz -l az.xz | tail -1 | tr -s " " | cut -d" " -f2-6
	mkdir cp1 && cd /usr/share && find perl5 | sort | cpio -o -H newc --quiet > /tmp/a.cpio &&
	cd /tmp/cp1 && cpio -id --quiet < /tmp/a.cpio && diff -r /usr/share/perl5 perl5 &&
	echo cpio round trip; cd /tmp && mkdir tp && touch tp/f && chmod 640 tp/f &&
	setfattr -n user.k -v v tp/f 2>/dev/null
	python3 -c "import os; os.setxattr(\"tp/f\", \"user.k\", b\"v\")"
	tar --xattrs -cpf tp.tar tp && rm -rf tp && tar --xattrs -xpf tp.tar && stat -c %a tp/f &&
	python3 -c "import os; print(os.getxattr(\"tp/f\", \"user.k\"))"
	tar -tvf tp.tar | cut -c1-10
	tar -cJf az.txz az && tar -xOJf az.txz | cmp - az && echo txz ok
	bash -c "sleep 0.5; exec xzcat \$1" xz <(echo from a finished writer | xz)'
# mount a tmpfs, df -h, findmnt, mv across file systems, umount
scenario mounts bash -c 'mkdir -p /mnt/t && mount -t tmpfs -o size=8m,mode=1777 tmpfs /mnt/t &&
	df -h /mnt/t | tail -1 | tr -s " " | cut -d" " -f1,2,6; findmnt -no FSTYPE,SOURCE /mnt/t
	findmnt -no OPTIONS /mnt/t; stat -f -c "%T" /mnt/t; stat -c %a /mnt/t
	seq 1 1000 > /tmp/mvf && mv /tmp/mvf /mnt/t/ && wc -l < /mnt/t/mvf && ls /tmp/mvf 2>&1 | cut -d: -f3
	mkdir -p /tmp/mvd/s && echo a > /tmp/mvd/s/f && mv /tmp/mvd /mnt/t/ && cat /mnt/t/mvd/s/f
	cp -a /mnt/t/mvd /tmp/back && cat /tmp/back/s/f
	dd if=/dev/zero of=/mnt/t/big bs=1M count=10 status=none
	echo full=$?; rm /mnt/t/big
	mount -o remount,ro /mnt/t && touch /mnt/t/x 2>&1 | sed "s/.*: //"
	umount /mnt/t && echo unmounted && findmnt /mnt/t; echo findmnt=$?'
# flock(1) between two processes, timeout(1) and its statuses, nohup, nice, renice, ionice
scenario locks-timeouts bash -c 'cd /tmp; (flock 9; echo locked; sleep 0.6) 9>lk & sleep 0.2
	flock -n lk true; echo nonblock=$?; flock -w 3 lk echo waited; wait
	flock -s lk flock -s -n lk echo shared; timeout 0.2 sleep 5; echo timeout=$?
	o=$(timeout -s KILL 0.2 sleep 5); echo kill=$?; timeout --preserve-status 0.2 sleep 5
	echo pres=$?
	o=$(timeout -k 0.2 0.1 bash -c "trap \"\" TERM; sleep 5"); echo k=$?; timeout 5 true
	echo t=$?
	nohup true </dev/null; echo nohup=$?; nice; nice -n 5 nice; nice -n 5 nice -n 3 nice
	sleep 20 & p=$!; renice -n 4 -p $p | sed "s/$p/PID/"; ps -o ni= -p $p
	ionice -c3 -p $p; ionice -p $p; ionice -c2 -n5 true; echo ionice=$?; kill $p; wait $p
	echo $?'
# signals and process tools: kill -l, pgrep/pkill -f, pidof, ps -eo/--forest, setsid
scenario procs bash -c 'kill -l | head -2; kill -l 15 9; kill -l SIGUSR1
	sleep 31 & p=$!; sleep 0.1; pgrep -f "^sleep 31" | grep -c "^$p\$"; pgrep -c -x sleep
	ps -o pid=,comm= -p $p | sed "s/^ *$p /PID /"; pidof sleep | wc -w; pkill -f "^sleep 31"
	wait $p; echo pkill=$?; sleep 32 & sleep 0.1; pkill -STOP -f "^sleep 32"; sleep 0.2
	ps -o stat= -p $! | tr -d +; kill -CONT $!; kill $!; wait $!; echo term=$?
	bash -c "sleep 33 & sleep 34 & ps --forest -o comm= -s \$\$ --no-headers; kill %1 %2"
	setsid -w bash -c "ps -o sid=,pid= -p \$\$ | awk \"{ print (\\\$1 == \\\$2) }\""
	ps -eo user=,comm= | grep -q "^root *bash" && echo root bash; ps -p 1 -o pid=,user= | tr -s " "; ps -C ps -o comm='
# users and groups: groupadd, useradd, getent, id, groups, su -c, runuser, chpasswd, userdel
scenario users bash -c 'groupadd -g 2100 devs && useradd -m -u 1600 -G devs -s /bin/bash carol
	getent passwd carol; getent group devs; id carol; groups carol
	ls -ld /home/carol | cut -d" " -f1,3,4
	su -c "id -un; pwd; echo \$HOME \$USER" carol; su - carol -c "pwd; echo \$SHELL; umask"
	runuser -u carol -- sh -c "id -u; touch ~/f; ls -ln ~/f | cut -d\" \" -f3,4"
	echo carol:Secret-123 | chpasswd && passwd -S carol | cut -d" " -f1,2
	usermod -aG mail carol
	id -Gn carol; gpasswd -d carol devs; id -Gn carol; usermod -L carol
	passwd -S carol | cut -d" " -f2
	su carol -s /bin/sh -c "echo via sh \$0"; userdel -r carol; getent passwd carol
	echo gone=$?
	ls /home; groupdel devs; getent group devs; echo $?
	getent passwd root daemon | cut -d: -f1,3,6'
# environments: env -i, printenv, login shells, locale, getent hosts
scenario environment bash -c 'env -i FOO=bar /usr/bin/printenv; env -i A=1 B=2 env | sort
	env -u HOME printenv HOME; echo unset=$?
	env -i bash -lc "echo \$PATH; shopt -q login_shell && echo login"
	env -i HOME=/root bash -lc "echo \$PS1" | head -c 0; locale; locale -a | sort
	getent hosts localhost
	getent hosts 127.0.1.1
	cat /etc/hostname; echo $SHELL; bash -c "echo \$SHLVL"; sh -c "echo \$0"'
# system information: uname, nproc, getconf, ulimit, /proc/self/limits
scenario sysinfo bash -c 'uname -s -m -o
	[ "$(nproc)" = "$(getconf _NPROCESSORS_ONLN)" ] && echo nproc ok
	for v in PAGESIZE LONG_BIT CLK_TCK CHAR_BIT INT_MAX GNU_LIBC_VERSION; do getconf $v; done
	getconf PATH_MAX /; getconf NAME_MAX /tmp
	ulimit -n 512; ulimit -n; ulimit -S -n 256; ulimit -n; ulimit -H -n
	grep "open files" /proc/self/limits
	ulimit -c 0; ulimit -c; ulimit -s 4096; ulimit -s
	grep -E "^Max (stack|core)" /proc/self/limits
	ulimit -v 1000000
	python3 -c "import resource; print(resource.getrlimit(resource.RLIMIT_AS))"
	ulimit -t 100; ulimit -t; { ulimit -f 20
	dd if=/dev/zero of=/tmp/fsz bs=1k count=30 status=none
	echo fsize=$?; } 2>&1 | sed -E "s/[0-9]+ File/PID File/"; stat -c %s /tmp/fsz
	getconf ARG_MAX >/dev/null && echo argmax'
# numbers and bytes: seq, factor, numfmt, shuf, yes, base64, od, hexdump, iconv, printf
scenario numbers bash -c 'seq -w 8 11 | tr "\n" " "; seq -s, 1 3 10; seq 1.5 0.5 3
	factor 360 2147483647 12
	numfmt --to=iec 1048576 123456789; numfmt --from=si 1.5M; numfmt --grouping 1234567
	seq 100 | shuf --random-source=/usr/bin/bash | head -3
	shuf -i 1-5 -n 2 --random-source=/usr/bin/perl
	yes | head -3; yes ab | head -c 7; echo; printf "hello\0world" | base64
	echo aGk= | base64 -d; echo
	printf "\x01\xffAB" | od -An -tx1 -c; printf "0123456789abcdefXYZ" | hexdump -C
	printf "caf\xc3\xa9" | iconv -f UTF-8 -t ISO-8859-1 | od -An -tx1
	echo "\$((2**62))"=$((2**62))
	printf "%d %o %e %s\n" 0x1f 8 12345.678 "$(echo é | iconv -f utf8 -t ascii//TRANSLIT)"
	echo "scale=3; 1/3" | python3 -c "import sys; print(round(1/3, 3))"; expr 7 \* 6
	echo $((RANDOM >= 0))'
# perl one-liners: -ne, -lane, -pi, -0777
scenario perl-oneliners bash -c 'cd /tmp && printf "a 1\nb 2\nc 3\n" > pl
	perl -ne "print if /b/" pl; perl -lane "\$s += \$F[1]; END { print \$s }" pl
	perl -pi.bak -e "s/(\d)/<\$1>/" pl && cat pl pl.bak | md5sum
	perl -0777 -ne "print length" pl; echo
	perl -MPOSIX -e "print floor(3.7), qq(\n)"
	perl -MList::Util=sum,max -e "print sum(1..100), q( ), max(3,9,2), qq(\n)"
	perl -e "printf qq(%s\n), join q(,), map { sprintf q(%02x), ord } split //, q(AZ)"
	perl -e "print scalar(localtime(0)) =~ /1970/ ? qq(epoch\n) : qq(?\n)"
	perl -e "opendir(D, q(/etc/apt)) or die; print join(q( ), sort grep { !/^\./ } readdir D), qq(\n)"'
# python3: json.tool, sqlite3 queries, http.server with urllib on 127.0.0.1
scenario python-tools bash -c 'echo "{\"b\": [1, 2], \"a\": {\"x\": null}}" | python3 -m json.tool --sort-keys
	echo "{\"k\": 1}" | python3 -m json.tool --compact
	echo "{bad" | python3 -m json.tool 2>&1 | tail -1 | cut -c1-40
	python3 -c "import sqlite3; c = sqlite3.connect(\":memory:\"); c.execute(\"create table p(n text, a int)\")
c.executemany(\"insert into p values (?, ?)\", [(\"x\", 3), (\"y\", 5), (\"x\", 4)])
print(c.execute(\"select n, sum(a), count(*) from p group by n order by n\").fetchall())
print(c.execute(\"select json_object(\x27a\x27, 1)\").fetchone()[0], sqlite3.sqlite_version_info[0])"
	mkdir -p /tmp/www && echo "<p>served</p>" > /tmp/www/index.html && cd /tmp/www &&
	python3 -c "import http.server, threading, urllib.request, functools
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=\"/tmp/www\")
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer((\"127.0.0.1\", 0), h)
threading.Thread(target=s.serve_forever, daemon=True).start()
u = \"http://127.0.0.1:%d/\" % s.server_address[1]
r = urllib.request.urlopen(u); print(r.status, r.headers[\"Content-Type\"], r.read().decode().strip())
try: urllib.request.urlopen(u + \"nope\")
except urllib.error.HTTPError as e: print(e.code)
s.shutdown()" 2>/dev/null
	python3 -m http.server --bind 127.0.0.1 18721 >/dev/null 2>&1 & p=$!
	for i in $(seq 50)
	do python3 -c "import urllib.request as u; print(u.urlopen(\"http://127.0.0.1:18721/index.html\").read().decode().strip())" 2>/dev/null && break; sleep 0.2; done
	kill $p; wait $p 2>/dev/null; echo server stopped'
# /proc and sysctl: fields Debian tools read
scenario proc-sysctl bash -c 'sysctl kernel.ostype kernel.hostname vm.overcommit_memory net.ipv4.ip_forward 2>&1 | sed "s/hostname = .*/hostname = H/"
	sysctl -n kernel.pid_max >/dev/null && echo pid_max; sysctl -w vm.swappiness=10
	sysctl -n vm.swappiness
	grep -E "^Max (open files|processes)" /proc/self/limits | wc -l
	grep -c "^processor" /proc/cpuinfo | grep -qv "^0$" && echo cpus
	grep -m1 -o "^model name" /proc/cpuinfo; grep -m1 -o "^flags" /proc/cpuinfo
	grep -E "^(Name|State|PPid|Uid|Gid|Threads):" /proc/self/status | cut -f1,2 | sed "s/PPid:.*/PPid:/"
	cut -d" " -f2,3 /proc/self/stat; cat /proc/self/comm; tr "\0" " " < /proc/self/cmdline; echo
	readlink /proc/self/exe; ls /proc/self/fd | sort -n | head -3 | tr "\n" " "; echo
	grep -c . /proc/self/maps | grep -qv "^0$" && echo maps; awk "{ print NF }" /proc/loadavg
	head -1 /proc/meminfo | cut -d: -f1
	cat /proc/sys/kernel/ostype /proc/sys/fs/file-max >/dev/null && echo sys ok
	head -c 5 /proc/uptime | grep -c "[0-9]"'
# file capabilities: setcap and getcap, a user gets the capability, ping as a user
scenario fcaps bash -c 'getcap /usr/bin/ping; cp /usr/bin/cat /tmp/cat-raw && getcap /tmp/cat-raw
	echo copy=$?
	setcap cap_net_raw,cap_net_bind_service+ep /tmp/cat-raw && getcap /tmp/cat-raw
	setcap -v cap_net_raw,cap_net_bind_service+ep /tmp/cat-raw
	setcap -v cap_net_raw+p /usr/bin/ping
	u="setpriv --reuid=1000 --regid=1000 --clear-groups"
	$u /tmp/cat-raw /proc/self/status | grep -E "^Cap(Prm|Eff)"
	$u cat /proc/self/status | grep ^CapEff
	$u setcap cap_net_raw+p /tmp/cat-raw; setcap -r /tmp/cat-raw; getcap /tmp/cat-raw
	echo removed=$?
	setcap cap_net_raw=p /tmp/cat-raw; chmod 755 /tmp/cat-raw; getcap /tmp/cat-raw
	echo x >> /tmp/cat-raw
	getcap /tmp/cat-raw; echo written=$?; capsh --decode=0x2000
	getpcaps $$ 2>&1 | sed "s/^[0-9]*/PID/; s/ cap_sys_resource-ep//"
	$u ping -c 2 -i 0.2 -W 2 127.0.0.1 | sed -E "s/time=[0-9.]+ ms/time=T/; s/, time [0-9]+ms//; /^rtt/d"'
# on a pseudo-terminal: stty settings, tty, terminal size (the chroot has no devpts)
scenario pty-stty bash -c 'script -qec "stty -a | head -1; stty rows 30 cols 100; stty size; stty -echo; stty -a | grep -o \"\\-echo \"; tty | sed s/[0-9]*\$//" /dev/null | tr -d "\r\004"'
# redirections: numbered descriptors, /dev/fd, noclobber, fifos, /dev/tcp to a local server
scenario redirections bash -c 'cd /tmp && exec 3>rd && echo a >&3 && echo b >&3 && exec 3>&-; cat rd
	exec 4<rd; read -r l <&4; echo "first $l"; cat /dev/fd/4; exec 4<&-; { echo out
	echo err >&2; } 2>&1 >/dev/null
	set -C; echo x > rd 2>/dev/null || echo noclobber; echo y >| rd; set +C; cat rd
	echo z >> rd; wc -l < rd
	mkfifo ff && (echo through fifo > ff &) && cat ff; rm ff; cat <<< "herestring" | tr a-z A-Z
	stat -c "%A %N" /dev/stdin /dev/stdout /dev/stderr /dev/fd; exec 5<> rw5; echo hi >&5
	exec 5>&-; cat rw5
	python3 -c "import socket, threading
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(1); print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.sendall(c.recv(100).upper()); c.close()" > port & for i in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	exec 6<>/dev/tcp/127.0.0.1/$(cat port); echo "over dev tcp" >&6; cat <&6; exec 6>&-; wait'
# more text tools: nl, tac, rev, fold, fmt, expand, column, sed with hold space, awk functions
scenario text2 bash -c 'printf "b\na\nc\n" | nl -ba; seq 5 | tac | tr "\n" " "; echo abc | rev; echo
	echo "aaaa bbbb cccc dddd" | fold -w 9; echo "one two three four five six" | fmt -w 12
	printf "a\tb\n" | expand -t 4 | od -An -c; printf "x y z\n1 22 333\n" | column -t
	printf "1\n2\n3\n4\n" | sed -n "1!G;h;\$p"
	printf "k=v\n# c\nk2=v2\n" | sed -E "/^#/d; s/^([^=]+)=(.*)/\2<-\1/"
	awk "function f(n) { return n <= 1 ? 1 : n * f(n - 1) } BEGIN { print f(10) }"
	awk -F: "{ n[\$7]++ } END { for (s in n) print s, n[s] }" /etc/passwd | sort
	printf "b 1\na 2\nb 3\n" | awk "{ a[\$1] = a[\$1] \$2 } END { print a[\"a\"], a[\"b\"] }"
	sort -t: -k3,3n /etc/passwd | head -3 | cut -d: -f1,3
	printf "%s\n" 10 9 100 1e2 | sort -g | tr "\n" " "; echo
	printf "%s\n" b B a A | LC_ALL=C sort | tr -d "\n"
	printf "%s\n" 2.10 2.9 2.1 | sort -V | tr "\n" " "; echo
	echo "Hello World" | sed "s/\(Hello\) \(World\)/\2 \1/"; echo "a.b.c" | cut -d. -f2- 
	printf "x\0y\0" | xargs -0 -I{} echo "<{}>"'
# dpkg and apt queries a user makes (offline)
scenario dpkg-queries bash -c 'dpkg-query -W -f="\${Package} \${Status}\n" bash coreutils xz-utils
	dpkg -S /usr/bin/xz | head -1; dpkg -L iputils-ping | grep bin/
	dpkg -s libcap2-bin | grep -E "^(Package|Status|Priority):"
	dpkg --print-architecture; dpkg --compare-versions 1.2-1 lt 1.10-1 && echo lt
	dpkg-query -W | wc -l
	apt-config dump | grep -c "^APT::Architecture"; apt-cache show bash | grep -m1 "^Package:"
	apt-cache depends iputils-ping | head -3; apt-get -s -q install xz-utils 2>&1 | tail -1
	apt-mark showmanual | head -3'
# python3: filesystem walks, fcntl locks between processes, tempfile, shutil, signals, multiprocessing
scenario python-os bash -c 'python3 -c "import os, shutil, tempfile, fcntl, signal, time, subprocess
d = tempfile.mkdtemp(prefix=\"pyt\")
for p in (\"a/b\", \"a/c\", \"d\"): os.makedirs(os.path.join(d, p))
for f in (\"a/b/x\", \"d/y\"): open(os.path.join(d, f), \"w\").write(f)
print(sorted((os.path.relpath(r, d), sorted(fs)) for r, _, fs in os.walk(d)))
shutil.copytree(d, d + \".copy\"); print(sorted(e.name for e in os.scandir(d + \".copy\")))
print(shutil.disk_usage(d).total > 0, os.path.getsize(os.path.join(d, \"a/b/x\")))
lk = os.path.join(d, \"lock\"); f = open(lk, \"w\"); fcntl.flock(f, fcntl.LOCK_EX)
r = subprocess.run([\"flock\", \"-n\", lk, \"true\"]); print(\"other process\", r.returncode)
fcntl.flock(f, fcntl.LOCK_UN); print(\"after unlock\", subprocess.run([\"flock\", \"-n\", lk, \"true\"]).returncode)
got = []; signal.signal(signal.SIGALRM, lambda s, fr: got.append(s)); signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.3); print(\"alarm\", got)
signal.signal(signal.SIGUSR1, lambda s, fr: got.append(s)); os.kill(os.getpid(), signal.SIGUSR1); print(got)
pid = os.fork()
if pid == 0: os._exit(5)
print(\"child\", os.waitpid(pid, 0)[1] >> 8); r, w = os.pipe(); os.write(w, b\"pipe\"); print(os.read(r, 10))
print(os.sendfile(os.open(os.path.join(d, \"sf\"), os.O_WRONLY | os.O_CREAT), os.open(os.path.join(d, \"d/y\"), os.O_RDONLY), 0, 100))
shutil.rmtree(d); shutil.rmtree(d + \".copy\"); print(os.path.exists(d))"
	python3 -c "import multiprocessing as mp, concurrent.futures as cf
def sq(x): return x * x
if __name__ == \"__main__\":
    with mp.Pool(3) as p: print(sum(p.map(sq, range(100))))
    with cf.ProcessPoolExecutor(2) as e: print(list(e.map(sq, range(5))))
    q = mp.Queue(); pr = mp.Process(target=q.put, args=(\"via queue\",)); pr.start(); print(q.get()); pr.join()
    print(mp.Value(\"i\", 7).value, mp.cpu_count() > 0)"'
# dash scripting (/bin/sh), and scripts with a shebang run from files
scenario sh-scripts bash -c 'cd /tmp && sh -c "set -- a b c; shift; echo \$# \$*; case \$1 in b) echo b matched;; esac
	i=0; while [ \$i -lt 3 ]; do i=\$((i + 1)); done; echo \$i; f() { local x=1; echo f\$x; }
	f; echo \${x:-unset}"
	printf "#!/bin/sh\necho \"script \$0 \$1\"\nexit 3\n" > s.sh && chmod +x s.sh && ./s.sh arg
	echo rc=$?
	printf "#!/usr/bin/env python3\nimport sys; print(\"py\", sys.argv[1:])\n" > p.py && chmod +x p.py && ./p.py x y
	printf "#!/usr/bin/perl -w\nprint \"perl @ARGV\\\\n\";\n" > p.pl && chmod 755 p.pl && ./p.pl 1 2
	printf "#!/bin/bash\nset -euo pipefail\necho start\nfalse\necho never\n" > e.sh && bash e.sh; echo e=$?
	chmod -x s.sh; ./s.sh 2>&1 | sed "s/.*: //"; sh s.sh; echo direct=$?
	printf "echo sourced \$1\n" > src.sh; . ./src.sh v
	type cd ls echo | sed "s/is .*/is X/" | sort | uniq -c | tr -s " "; command -v python3 sh
	hash -r; echo $((0x10 + 010))'
# sparse copies (SEEK_DATA and SEEK_HOLE on ext4, then on a tmpfs), hard links and inodes, sync
scenario sparse-links bash -c 'cd /tmp && truncate -s 10M sp1 && echo tail >> sp1 && cp --sparse=always sp1 sp2 &&
	cmp sp1 sp2 && echo same && du -k sp2 | cut -f1; stat -c "%s" sp2; python3 -c "import os
f = os.open(\"sp2\", os.O_RDONLY); print(os.lseek(f, 0, os.SEEK_DATA), os.lseek(f, 0, os.SEEK_HOLE))"
	echo data > h1 && ln h1 h2 && ln h1 h3 && stat -c %h h1 && [ "$(stat -c %i h1)" = "$(stat -c %i h3)" ] && echo same inode
	rm h2 && stat -c %h h3; find . -maxdepth 1 -samefile h1 | sort; sync; sync -f h1
	sync -d h1; echo synced'
scenario seek-tmpfs bash -c 'mkdir -p /mnt/s && mount -t tmpfs tmpfs /mnt/s && cd /mnt/s && truncate -s 1M a && printf x | dd of=a bs=1 seek=300000 conv=notrunc status=none && python3 -c "import os
f = os.open(\"a\", os.O_RDONLY); print(os.lseek(f, 0, os.SEEK_DATA), os.lseek(f, 0, os.SEEK_HOLE), os.lseek(f, 300000, os.SEEK_HOLE), os.lseek(f, 300001, os.SEEK_DATA))
try: os.lseek(f, 400000, os.SEEK_DATA)
except OSError as e: print(e.errno)"; cd /; umount /mnt/s'
# building a .deb with dpkg-deb, installing it (its postinst runs), running it, removing it
scenario dpkg-build bash -c 'cd /tmp && mkdir -p pkg/DEBIAN pkg/usr/bin &&
	printf "Package: hello-um\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@t>\n" > pkg/DEBIAN/control &&
	echo "Description: test" >> pkg/DEBIAN/control && printf "#!/bin/sh\necho hello from package\n" > pkg/usr/bin/hello-um &&
	chmod 755 pkg/usr/bin/hello-um && printf "#!/bin/sh\necho postinst \$1\n" > pkg/DEBIAN/postinst &&
	chmod 755 pkg/DEBIAN/postinst && dpkg-deb --root-owner-group -Zxz -b pkg hello.deb | sed "s/in .*/in X/"
	dpkg-deb -I hello.deb | grep -E "Package|Version"; dpkg-deb -c hello.deb | awk "{ print \$1, \$6 }"
	dpkg -i hello.deb; hello-um; dpkg -l hello-um | tail -1 | tr -s " "; dpkg -r hello-um; which hello-um
	echo gone=$?'
# administration commands: adduser/deluser, update-alternatives, time zones, os-release, run-parts
scenario admin bash -c 'adduser --disabled-password --gecos "" dave >/dev/null 2>&1; echo adduser=$?; id dave
	deluser dave >/dev/null 2>&1; echo deluser=$?; update-alternatives --display pager | head -2
	update-alternatives --install /usr/bin/myed myed /usr/bin/vi 10 2>&1 | head -1
	ls /usr/share/zoneinfo | head -2; TZ=Europe/Paris date -d @0 "+%H %Z"; TZ=UTC0 date -d @0 +%H
	cat /etc/debian_version; . /etc/os-release; echo $PRETTY_NAME; run-parts --test /etc/cron.daily'
# find -delete, gzip -r, tar z, zcat/bzcat/xzcat of <(...), cksum, sum, shred
scenario compress-tools bash -c 'cd /tmp && mkdir -p dl/a && touch dl/a/x dl/y && find dl -name x -delete
	find dl | sort; gzip -r dl; find dl | sort; gunzip -r dl; tar czf dl.tgz dl && zcat dl.tgz | tar t | sort
	zgrep -c . dl.tgz >/dev/null; echo zgrep=$?; echo abc | gzip | zcat; bzcat <(echo x | bzip2)
	xzcat <(echo y | xz); cksum <<< hello; sum <<< hello; md5sum --tag <<< x; shred -n1 -u dl/y; ls dl
	sleep 0.1 & wait; ps -o comm= --ppid $$ | sort'
