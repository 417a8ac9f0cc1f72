# Busybox shell workload whose output must be the same natively and in the guest.
# Sourced by busybox.bats into `sh -c`; works in a fresh directory given as $1.
set -e
cd "$1"
echo "== pipelines and redirections"
seq 1 20 | grep 1 | sort -rn | head -3
printf 'b\na\nc\n' > f1
sort f1 > f2 && cat f2
echo append >> f2; wc -l < f2
cat nonexistent 2>/dev/null || echo "missing: $?"
{ echo out; echo err >&2; } 2>&1 | tr a-z A-Z
echo "== globbing"
mkdir -p g/sub && touch g/a.txt g/b.txt g/c.log g/sub/d.txt
echo g/*.txt
ls g | sort
echo "== find"
find g -name '*.txt' | sort
find g -type d | sort
echo "== sed and awk"
printf 'one 1\ntwo 2\nthree 3\n' > t
sed -n '2p' t
sed 's/o/0/g' t
awk '{ s += $2 } END { print "sum", s }' t
awk -F' ' '$2 > 1 { print $1 }' t
echo "== text tools"
printf 'x\ny\nx\nz\nx\n' | sort | uniq -c | sort -rn
echo hello world | cut -d' ' -f2
echo abc | rev 2>/dev/null || echo cba
printf '%05d|%-4s|%x\n' 42 ab 255
echo "== arithmetic and variables"
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "i=$i"
x=${UNSET:-default}; echo "$x"
set -- a b c; echo "$# $2"
case foo.c in *.c) echo C file ;; *) echo other ;; esac
echo "== subshells and functions"
f() { echo "in f: $1"; return 3; }
f arg || echo "f returned $?"
(cd g && pwd | sed 's|.*/||')
echo "$(echo nested $(echo deep))"
echo "== tar and gzip"
tar cf a.tar g
mkdir x && tar xf a.tar -C x && find x | sort
tar czf a.tgz g && tar tzf a.tgz | sort
echo data | gzip | gzip -d
echo "== files"
ln -s f1 lnk && readlink lnk && cat lnk | head -1
ln f1 hard && ls -l f1 | awk '{print $2}'
chmod 640 f1 && ls -l f1 | cut -c1-10
mv f2 f3 && ls f2 2>/dev/null || echo "f2 gone"
rm -r g x && ls | sort
echo "== processes and signals"
# (the shell's own "Terminated" report is timing-dependent: keep it out of the output)
(sleep 10 & pid=$!; kill $pid; wait $pid || echo "killed: $?" >&3) 3>&1 2>/dev/null
sh -c 'trap "echo caught TERM" TERM; kill -TERM $$; echo after trap'
sh -c 'exit 4' || echo "status $?"
yes | head -2
echo "== done"
