#!/usr/bin/env bash
# Python's own networking regression tests inside an instance: test_socket,
# test_httpservers, test_urllib2_localnet, test_xmlrpc and test_logging, run by the host's
# Debian python3 (its binary, libraries and standard library copied into an initramfs).
#
#   scripts/python-net-tests.sh [MODULE...]       default: the five modules above
#
# Needs Debian's python3 and its test package (apt-get install libpython3.11-testsuite);
# the image is about 50 MB and the run takes a minute or two, so this is not part of
# `make test`. Prints one line per module ("ok/skipped/failed" counts and Python's
# verdict); the full output is in build/python-net/MODULE.log. Exit status 0 when every
# module succeeded.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

die() { echo "python-net-tests: $*" >&2; exit 1; }

py=$(readlink -f /usr/bin/python3 2>/dev/null) || die "no /usr/bin/python3"
ver=$(basename "$py")                   # python3.11
lib=/usr/lib/$ver
[ -f "$lib/test/test_socket.py" ] || die "$lib/test is missing: apt-get install lib${ver}-testsuite"
[ -x ./umlite ] && [ -f build/rootfs.cpio ] || die "build first: make umlite build/rootfs.cpio"
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(test_socket test_httpservers test_urllib2_localnet test_xmlrpc test_logging)

out=build/python-net
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
(cd "$stage" && cpio -idm --quiet <"$OLDPWD/build/rootfs.cpio") || die "cannot unpack rootfs.cpio"
# shellcheck source=scripts/rootfs-lib.sh
. scripts/rootfs-lib.sh
populate_extra "$stage" usr/bin "$py"
# Extension modules bring their own libraries (ssl, sqlite, ...).
for so in "$lib"/lib-dynload/*.so; do
	while read -r l; do
		[ -n "$l" ] && [ ! -e "$stage$l" ] && mkdir -p "$stage$(dirname "$l")" && cp -L "$l" "$stage$l"
	done < <(shared_libs "$so")
done
mkdir -p "$stage/usr/lib"
tar -C /usr/lib -cf - --exclude=__pycache__ --exclude=idlelib --exclude=tkinter \
	--exclude=ensurepip --exclude=lib2to3 --exclude='config-*' "$ver" | tar -C "$stage/usr/lib" -xf -
cp /etc/services /etc/protocols "$stage/etc/" 2>/dev/null
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$stage/etc/hosts"
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) >"$out/python.cpio" ||
	die "cannot build the image"

status=0
for m in "${modules[@]}"; do
	timeout -k 5 900 ./umlite mem=1G initrd="$out/python.cpio" init="/usr/bin/$ver" -- \
		-m test -v "$m" >"$out/$m.log" 2>&1
	verdict=$(grep -o 'Tests result: [A-Z]*' "$out/$m.log" | tail -1)
	printf '%-24s ok %4d  skipped %3d  failed %3d  %s\n' "$m" \
		"$(grep -c '\.\.\. ok' "$out/$m.log")" "$(grep -c '\.\.\. skipped' "$out/$m.log")" \
		"$(grep -cE '\.\.\. (FAIL|ERROR)' "$out/$m.log")" "${verdict:-no verdict (see $out/$m.log)}"
	[ "$verdict" = "Tests result: SUCCESS" ] || status=1
done
exit $status
