# shellcheck shell=sh
# A write-heavy filesystem workload for ext4.bats, run by busybox sh in the directory
# given as $1, natively (the oracle) and in the guest. Creates, appends, overwrites,
# truncates, renames and deletes thousands of files, writes a large file, makes sparse
# files, fast and slow symlinks, hard links and directory trees, then prints a manifest
# of what is left (names, types, sizes, modes, link counts, checksums) that must be the
# same on both sides. Commands take many files at once: a fork costs more in a guest.
set -e
cd "$1"
mkdir -p many tree/a/b/c keep
i=0
while [ $i -lt 1200 ]; do
	echo "file $i" >many/f$i
	i=$((i + 1))
done
i=0 gone=
while [ $i -lt 1200 ]; do
	gone="$gone many/f$i"
	echo "appended $i" >>many/f$((i + 1))
	i=$((i + 3))
done
# shellcheck disable=SC2086 # one word per name
rm $gone
i=0
while [ $i -lt 60 ]; do
	mv many/f$((i * 3 + 1)) keep/renamed$i
	i=$((i + 1))
done
dd if=/dev/zero bs=4096 count=2500 2>/dev/null | tr '\0' 'x' >big
dd if=big of=big2 bs=1000 skip=7 count=3000 2>/dev/null
printf 'overwritten' | dd of=big bs=1 seek=5000000 conv=notrunc 2>/dev/null
truncate -s 7000000 big
truncate -s 12345 big2
dd if=/dev/zero of=sparse bs=1 count=1 seek=40000000 2>/dev/null
printf 'middle' | dd of=sparse bs=1 seek=20000000 conv=notrunc 2>/dev/null
ln -s keep/renamed7 short-link
ln -s "$(printf 'long/%.0s' $(seq 1 30))target" long-link
ln keep/renamed3 hard1
ln keep/renamed3 hard2
echo more >>hard1
mkfifo fifo
mv tree/a/b tree/moved
rmdir tree/moved/c
mkdir tree/a/empty && rmdir tree/a/empty
chmod 600 keep/renamed5
chmod 4755 keep/renamed6
rm keep/renamed5? keep/renamed4?
echo "== manifest"
find . -type d -exec stat -c '%n dir %a' {} + | LC_ALL=C sort
find . ! -type d -exec stat -c '%n %F %s %a %h' {} + | LC_ALL=C sort
find . -type f -exec md5sum {} + | LC_ALL=C sort -k2
for l in short-link long-link; do readlink "$l"; done
